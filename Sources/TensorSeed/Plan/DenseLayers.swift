/// Shape rules of the layers that act on the last dimensions: `linear`, `embedding`, `layernorm`/`rmsnorm`,
/// and `flatten` (PyTorch 2.x `nn.Linear`, `nn.Embedding`, `nn.LayerNorm`, `nn.RMSNorm`, `nn.Flatten`).
enum DenseLayers {
    /// `nn.Linear(in_features, out_features, bias)`: `in_features` is the input's last dimension;
    /// weight [out, in] with kaiming_uniform(a=√5), bias [out] U(±1/√in).
    static func linear(_ layer: LayerFields, _ input: ActivationShape) throws -> LayerOutcome {
        guard let inFeatures = input.dims.last else {
            throw layer.layerError("cannot infer in_features: input shape is [] (linear needs at least 1 dimension)")
        }
        let outFeatures = try layer.int("out_features", minimum: 1)
        let weight = [outFeatures, inFeatures]
        var parameters = [LayerParameter(name: "weight", shape: weight, torchDefault: TorchModuleDefaults.weightOfLinearOrConv)]
        if try layer.hasBias() {
            parameters.append(LayerParameter(name: "bias", shape: [outFeatures],
                                             torchDefault: try TorchModuleDefaults.biasOfLinearOrConv(weightShape: weight)))
        }
        return LayerOutcome(output: ActivationShape(dims: input.dims.dropLast() + [outFeatures]), parameters: parameters)
    }

    /// `nn.Embedding(num_embeddings, embedding_dim, padding_idx)` on integer indices: weight [num, dim]
    /// N(0, 1) with the `padding_idx` row zero; the output adds a last dimension `embedding_dim`.
    static func embedding(_ layer: LayerFields, _ input: ActivationShape) throws -> LayerOutcome {
        guard input.isIndices else {
            throw layer.layerError("needs integer indices as input, got float values of shape \(input.rendered) "
                                   + "(give the spec \"input_dtype\": \"int\" and put the embedding before any float layer)")
        }
        let count = try layer.int("num_embeddings", minimum: 1)
        let dim = try layer.int("embedding_dim", minimum: 1)
        var padding = try layer.optionalInt("padding_idx")
        if let p = padding {
            // torch accepts -num_embeddings ..< num_embeddings and counts a negative index from the end.
            guard (-count..<count).contains(p) else {
                throw layer.error("padding_idx", "must be within num_embeddings (\(-count)..<\(count)), got \(p)")
            }
            padding = p < 0 ? p + count : p
        }
        let weight = LayerParameter(name: "weight", shape: [count, dim], torchDefault: TorchModuleDefaults.embeddingWeight(paddingIndex: padding))
        return LayerOutcome(output: ActivationShape(dims: input.dims + [dim]), parameters: [weight])
    }

    /// `nn.LayerNorm` / `nn.RMSNorm`: `normalized_shape` (default: the last dimension) must be the input's
    /// last dimensions; weight ones and (LayerNorm with `bias`) bias zeros when `elementwise_affine`.
    static func norm(_ layer: LayerFields, _ input: ActivationShape, hasBiasField: Bool) throws -> LayerOutcome {
        let normalized: [Int]
        if let given = try layer.shape("normalized_shape") {
            guard given.count <= input.dims.count, Array(input.dims.suffix(given.count)) == given else {
                throw layer.error("normalized_shape", "\(given) is not the last dimensions of the input shape \(input.rendered)")
            }
            normalized = given
        } else {
            guard let last = input.dims.last else { throw layer.layerError("cannot infer normalized_shape: input shape is []") }
            normalized = [last]
        }
        var parameters: [LayerParameter] = []
        if try layer.bool("elementwise_affine", default: true) {
            parameters.append(LayerParameter(name: "weight", shape: normalized, torchDefault: TorchModuleDefaults.normWeight))
            if hasBiasField, try layer.hasBias() {
                parameters.append(LayerParameter(name: "bias", shape: normalized, torchDefault: TorchModuleDefaults.normBias))
            }
        }
        return LayerOutcome(output: input, parameters: parameters)
    }

    /// `flatten {start_dim, end_dim}` merges dimensions start…end of the per-sample shape. The dimensions
    /// exclude the batch: torch's `nn.Flatten()` (start_dim=1 counting the batch) is `start_dim` 0 here, the default.
    static func flatten(_ layer: LayerFields, _ input: ActivationShape) throws -> LayerOutcome {
        let rank = input.dims.count
        guard rank > 0 else { throw layer.layerError("cannot flatten input shape [] (nothing but the batch dimension)") }
        func dimension(_ key: String, default fallback: Int) throws -> Int {
            let d = try layer.optionalInt(key) ?? fallback
            guard (-rank..<rank).contains(d) else {
                throw layer.error(key, "must be within \(-rank)..<\(rank) for input shape \(input.rendered) (the batch is not counted), got \(d)")
            }
            return d < 0 ? d + rank : d
        }
        let start = try dimension("start_dim", default: 0), end = try dimension("end_dim", default: -1)
        guard start <= end else { throw layer.error("start_dim", "\(start) comes after end_dim \(end) for input shape \(input.rendered)") }
        guard let merged = TensorShape.elementCount(Array(input.dims[start...end])) else {
            throw layer.layerError("flattening input shape \(input.rendered) gives a dimension beyond 64 bits")
        }
        let dims = Array(input.dims[..<start]) + [merged] + Array(input.dims[(end + 1)...])
        return LayerOutcome(output: ActivationShape(dims: dims, isIndices: input.isIndices))
    }
}
