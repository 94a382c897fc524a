/// Shape rules of `rnn`, `lstm` and `gru` (PyTorch 2.x `nn.RNN`, `nn.LSTM`, `nn.GRU`) on a per-sample
/// input [sequence, features] (the batch, first or second in torch, is not part of it).
enum RecurrentLayers {
    /// Parameters in torch's order: per layer k, per direction, `weight_ih_l{k}` [gates·hidden, in_k],
    /// `weight_hh_l{k}` [gates·hidden, hidden], `bias_ih_l{k}`, `bias_hh_l{k}` [gates·hidden] (suffix `_reverse`
    /// for the backward direction); in_0 = features, in_k = hidden·directions; all U(±1/√hidden).
    /// `gates` is 1 (RNN), 4 (LSTM) or 3 (GRU). The output is [sequence, hidden·directions].
    static func recurrent(_ layer: LayerFields, _ input: ActivationShape, gates: Int) throws -> LayerOutcome {
        guard input.dims.count == 2 else {
            throw layer.layerError("cannot infer input_size: \(layer.type) takes a per-sample input [sequence, features] "
                                   + "(2 dimensions, no batch), got input shape \(input.rendered)")
        }
        let hidden = try layer.int("hidden_size", minimum: 1)
        let layers = try layer.int("num_layers", default: 1, minimum: 1)
        let bias = try layer.hasBias()
        let directions = try layer.bool("bidirectional", default: false) ? 2 : 1
        let perLayer = directions * (bias ? 4 : 2)
        do { try ModelPlan.checkTensorCount(layers * perLayer, cause: "= \(layers) gives \(layers * perLayer) tensors") } catch let error as SpecError {
            throw layer.error("num_layers", error.message)
        }
        let scheme = try TorchModuleDefaults.recurrent(hiddenSize: hidden)
        var parameters: [LayerParameter] = []
        for k in 0..<layers {
            let inputSize = k == 0 ? input.dims[1] : hidden * directions
            for suffix in ["", "_reverse"].prefix(directions) {
                func add(_ name: String, _ shape: [Int]) {
                    parameters.append(LayerParameter(name: "\(name)_l\(k)\(suffix)", shape: shape, torchDefault: scheme))
                }
                add("weight_ih", [gates * hidden, inputSize])
                add("weight_hh", [gates * hidden, hidden])
                if bias {
                    add("bias_ih", [gates * hidden])
                    add("bias_hh", [gates * hidden])
                }
            }
        }
        return LayerOutcome(output: ActivationShape(dims: [input.dims[0], hidden * directions]), parameters: parameters)
    }
}
