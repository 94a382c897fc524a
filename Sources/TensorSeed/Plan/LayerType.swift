/// The layer types a layer-list spec may use (the `"type"` of a layer), named after torch's modules in lower case,
/// with the fields each takes and the function that infers its parameters and output shape.
enum LayerType: String, CaseIterable, Sendable {
    case linear, conv1d, conv2d, conv3d, embedding, layernorm, rmsnorm, rnn, lstm, gru, flatten
    case maxpool1d, maxpool2d, maxpool3d, avgpool1d, avgpool2d, avgpool3d
    case relu, gelu, tanh, sigmoid, dropout, identity

    /// Every type name, for messages.
    static var known: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The fields a layer of this type may have.
    var fields: [String] {
        let own: [String]
        switch self {
        case .linear: own = ["out_features", "bias"]
        case .conv1d, .conv2d, .conv3d: own = ["out_channels", "kernel_size", "stride", "padding", "dilation", "groups", "bias"]
        case .embedding: own = ["num_embeddings", "embedding_dim", "padding_idx"]
        case .layernorm: own = ["normalized_shape", "elementwise_affine", "bias"]
        case .rmsnorm: own = ["normalized_shape", "elementwise_affine"]
        case .rnn, .lstm, .gru: own = ["hidden_size", "num_layers", "bias", "bidirectional"]
        case .flatten: own = ["start_dim", "end_dim"]
        case .maxpool1d, .maxpool2d, .maxpool3d: own = ["kernel_size", "stride", "padding", "dilation"]
        case .avgpool1d, .avgpool2d, .avgpool3d: own = ["kernel_size", "stride", "padding"]
        case .dropout: own = ["p"]
        case .relu, .gelu, .tanh, .sigmoid, .identity: own = []
        }
        let parameterFields = hasParameters ? ["dtype", "weight"] : []
        return ["type", "name"] + own + parameterFields
    }

    /// Whether the layer can create parameters (and so takes `"dtype"` and scheme overrides).
    var hasParameters: Bool {
        switch self {
        case .linear, .conv1d, .conv2d, .conv3d, .embedding, .layernorm, .rmsnorm, .rnn, .lstm, .gru: return true
        default: return false
        }
    }

    /// Whether the layer does arithmetic on float values, so that integer indices are no valid input
    /// (shape-only layers and activations pass indices through; embedding needs them).
    var needsFloatInput: Bool {
        switch self {
        case .embedding, .flatten, .relu, .gelu, .tanh, .sigmoid, .dropout, .identity: return false
        default: return true
        }
    }

    /// The output shape and parameters of a layer of this type on `input`.
    func apply(_ layer: LayerFields, to input: ActivationShape) throws -> LayerOutcome {
        switch self {
        case .linear: return try DenseLayers.linear(layer, input)
        case .embedding: return try DenseLayers.embedding(layer, input)
        case .layernorm, .rmsnorm: return try DenseLayers.norm(layer, input, hasBiasField: self == .layernorm)
        case .flatten: return try DenseLayers.flatten(layer, input)
        case .conv1d: return try WindowLayers.convolution(layer, input, spatialRank: 1)
        case .conv2d: return try WindowLayers.convolution(layer, input, spatialRank: 2)
        case .conv3d: return try WindowLayers.convolution(layer, input, spatialRank: 3)
        case .maxpool1d: return try WindowLayers.pooling(layer, input, spatialRank: 1, hasDilation: true)
        case .maxpool2d: return try WindowLayers.pooling(layer, input, spatialRank: 2, hasDilation: true)
        case .maxpool3d: return try WindowLayers.pooling(layer, input, spatialRank: 3, hasDilation: true)
        case .avgpool1d: return try WindowLayers.pooling(layer, input, spatialRank: 1, hasDilation: false)
        case .avgpool2d: return try WindowLayers.pooling(layer, input, spatialRank: 2, hasDilation: false)
        case .avgpool3d: return try WindowLayers.pooling(layer, input, spatialRank: 3, hasDilation: false)
        case .rnn: return try RecurrentLayers.recurrent(layer, input, gates: 1)
        case .lstm: return try RecurrentLayers.recurrent(layer, input, gates: 4)
        case .gru: return try RecurrentLayers.recurrent(layer, input, gates: 3)
        case .dropout:
            _ = try layer.double("p", default: 0.5, in: 0...1)
            return LayerOutcome(output: input)
        case .relu, .gelu, .tanh, .sigmoid, .identity: return LayerOutcome(output: input)
        }
    }
}
