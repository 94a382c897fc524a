/// The layer-list model spec (JSON), as PyTorch's lazy modules (`nn.LazyLinear`, `nn.LazyConv2d`) see a model:
/// the per-sample input shape is given once, each layer gives only what it outputs, and every `in_features`,
/// `in_channels` and `input_size` is inferred from the shape the previous layer outputs.
///
/// ```json
/// {"seed": 0, "input": [1, 28, 28],
///  "layers": [{"type": "conv2d", "out_channels": 6, "kernel_size": 5, "padding": 2}, {"type": "relu"},
///             {"type": "maxpool2d", "kernel_size": 2}, {"type": "flatten"},
///             {"type": "linear", "out_features": 10, "name": "head", "bias": {"name": "zeros"}}],
///  "rules": [{"pattern": "*.weight", "scheme": {"name": "kaiming_normal", "nonlinearity": "relu"}}]}
/// ```
///
/// Parameters are named as `nn.Sequential` names them, `<index>.<parameter>` (the index counts parameter-free
/// layers too), or `<name>.<parameter>` for a layer with a `"name"`. A parameter's scheme is the layer's own
/// (`"weight"` / `"bias"` scheme objects), else the first matching rule, else the PyTorch 2.x default
/// (`TorchModuleDefaults`). `"input_dtype": "int"` makes the input integer indices, for an `embedding` first.
/// Errors name the layer (`layers[2] "conv1" (conv2d)`) and the field, with the field's path in `SpecError.path`.
enum LayerSpec {
    /// The top-level fields of a layer-list spec.
    static let topFields = ["seed", "dtype", "input", "input_dtype", "layers", "rules"]

    /// Whether a spec's top-level object is a layer list rather than a tensor list.
    static func isLayerList(_ top: [JSONKey: JSONValue]) -> Bool { top["layers"] != nil || top["input"] != nil }

    /// Plans a layer-list spec; `seed` and `dtype` override the spec's seed and default dtype (a layer's own `"dtype"` is kept).
    static func plan(_ top: [JSONKey: JSONValue], seed: UInt64?, dtype: StorageType?) throws -> ModelPlan {
        try infer(top, seed: seed, dtype: dtype).plan
    }

    /// The plan and the per-sample shape the last layer outputs.
    static func infer(_ top: [JSONKey: JSONValue], seed: UInt64?, dtype: StorageType?) throws -> (plan: ModelPlan, output: ActivationShape) {
        if let extra = top.keys.map(\.text).sorted().first(where: { !topFields.contains($0) }) {
            throw SpecError(location: "spec", message: "unknown field \"\(extra)\" for a layer list (known: \(topFields.joined(separator: ", ")))",
                            path: [.key(extra)])
        }
        let seedValue = top["seed"] ?? .integer(0)
        guard let specSeed = seedValue.uint64 ?? seedValue.string.flatMap({ UInt64($0) }) else {
            throw SpecError(location: "spec", message: "field \"seed\" must be an integer in 0...2^64-1, got \(seedValue.rendered)", path: [.key("seed")])
        }
        let specType = try top["dtype"].map { try ModelSpec.storageType($0, location: "spec", path: [.key("dtype")]) }
        let defaultType = dtype ?? specType ?? .float32
        let rules = try ModelSpec.parseRules(top["rules"])
        var shape = try inputShape(top)
        guard let layersValue = top["layers"] else { throw SpecError(location: "spec", message: "field \"layers\" is missing", path: []) }
        guard let items = layersValue.array else {
            throw SpecError(location: "spec", message: "field \"layers\" must be an array, got \(layersValue.kind)", path: [.key("layers")])
        }
        var jobs: [TensorJob] = []
        var owner: [JSONKey: Int] = [:]   // tensor names compare as bytes (SPEC.md section 3)
        for (index, item) in items.enumerated() {
            let (layer, type) = try fields(of: item, index: index)
            try layer.rejectUnknown(known: type.fields)
            if type.needsFloatInput, shape.isIndices {
                throw layer.layerError("needs float input, got integer indices of shape \(shape.rendered) (an embedding turns indices into vectors)")
            }
            let outcome = try type.apply(layer, to: shape)
            do { try ModelPlan.checkTensorCount(jobs.count + outcome.parameters.count) } catch let error as SpecError {
                throw layer.layerError(error.message)
            }
            let layerType = try layer.storageType() ?? defaultType
            for parameter in outcome.parameters {
                let job = try LayerParameterScheme.job(parameter, of: layer, dtype: layerType, rules: rules)
                if let earlier = owner.updateValue(index, forKey: JSONKey(job.name)) {
                    let message = "gives the tensor \"\(job.name)\" that \(LayerFields.location(index: earlier, name: nil)) already gives"
                    throw layer.name == nil ? layer.layerError(message) : layer.error("name", message)
                }
                jobs.append(job)
            }
            for key in ["weight", "bias"] where layer.value(key)?.object != nil && !outcome.parameters.contains(where: { $0.overrideField == key }) {
                throw layer.error(key, "is a scheme, but this \(type.rawValue) layer has no \(key) (see elementwise_affine and bias)")
            }
            shape = outcome.output
        }
        return (try ModelPlan(seed: seed ?? specSeed, tensors: jobs), shape)
    }

    /// `"input"` (the per-sample shape: integers >= 1, possibly none) and `"input_dtype"` (`float` or `int`).
    private static func inputShape(_ top: [JSONKey: JSONValue]) throws -> ActivationShape {
        guard let value = top["input"] else {
            throw SpecError(location: "spec", message: "field \"input\" is missing (the input shape without the batch dimension, e.g. [1, 28, 28])")
        }
        guard let items = value.array else {
            throw SpecError(location: "spec", message: "field \"input\" must be an array of integers, got \(value.kind)", path: [.key("input")])
        }
        var dims: [Int] = []
        for (k, item) in items.enumerated() {
            guard let d = item.int, (1...LayerFields.largest).contains(d) else {
                throw SpecError(location: "spec", message: "field \"input\"[\(k)] must be an integer in 1...\(LayerFields.largest), got \(item.rendered)",
                                path: [.key("input"), .index(k)])
            }
            dims.append(d)
        }
        let kind = top["input_dtype"] ?? .string("float")
        guard let text = kind.string, ["float", "int"].contains(text) else {
            throw SpecError(location: "spec", message: "field \"input_dtype\" must be \"float\" or \"int\" (integer indices, for an embedding), got \(kind.rendered)",
                            path: [.key("input_dtype")])
        }
        return ActivationShape(dims: dims, isIndices: text == "int")
    }

    /// The layer object at `index`, its `"type"` and optional `"name"` checked.
    private static func fields(of item: JSONValue, index: Int) throws -> (LayerFields, LayerType) {
        let path: [SpecPathComponent] = [.key("layers"), .index(index)]
        let location = "layers[\(index)]"
        guard let object = item.object else { throw SpecError(location: location, message: "must be an object, got \(item.kind)", path: path) }
        var name: String?
        if let value = object["name"] {
            guard let text = value.string, !text.isEmpty else {
                throw SpecError(location: location, message: "field \"name\" must be a non-empty string, got \(value.rendered)", path: path + [.key("name")])
            }
            name = text
        }
        let named = LayerFields.location(index: index, name: name)
        guard let typeValue = object["type"] else {
            throw SpecError(location: named, message: "field \"type\" is missing (known: \(LayerType.known))", path: path)
        }
        guard let text = typeValue.string, let type = LayerType(rawValue: text) else {
            throw SpecError(location: named, message: "field \"type\" is an unknown layer type \(typeValue.rendered) (known: \(LayerType.known))",
                            path: path + [.key("type")])
        }
        return (LayerFields(index: index, type: text, name: name, fields: object), type)
    }
}
