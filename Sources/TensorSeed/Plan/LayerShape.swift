/// What flows from one layer of a layer list to the next: the per-sample shape (torch's shape without
/// the batch dimension) and whether the values are integer indices (token ids) rather than floats.
struct ActivationShape: Equatable, Sendable {
    var dims: [Int]
    var isIndices: Bool = false

    /// The shape as `[16, 4, 4]`, for messages.
    var rendered: String { "[" + dims.map(String.init).joined(separator: ", ") + "]" }
}

/// One parameter a layer creates: torch's attribute name (`weight`, `bias_hh_l1_reverse`), its shape,
/// and the scheme the torch module's `reset_parameters()` gives it.
struct LayerParameter: Equatable, Sendable {
    let name: String
    let shape: [Int]
    let torchDefault: InitScheme

    /// The layer field whose scheme object overrides this parameter's scheme: `"bias"` for every
    /// bias (`bias`, `bias_ih_l0`, …), `"weight"` for every other parameter.
    var overrideField: String { name.hasPrefix("bias") ? "bias" : "weight" }
}

/// What a layer does to its input: the shape it outputs and the parameters it creates, in torch's order.
struct LayerOutcome: Equatable, Sendable {
    var output: ActivationShape
    var parameters: [LayerParameter] = []
}
