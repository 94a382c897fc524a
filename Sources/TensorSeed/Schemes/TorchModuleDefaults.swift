/// The schemes PyTorch's modules apply in `reset_parameters()` (PyTorch 2.x), per parameter.
public enum TorchModuleDefaults {
    /// `nn.Linear(in, out)` and `nn.Conv*d` / `nn.ConvTranspose*d` weights: `kaiming_uniform_(a=√5)`,
    /// which is U(±1/√fan_in) with fan_in from the weight's shape as torch computes it.
    public static let weightOfLinearOrConv = InitScheme.kaimingUniform(a: 5.0.squareRoot(), mode: .fanIn, nonlinearity: .leakyRelu())

    /// The bias of `nn.Linear` / `nn.Conv*d` / `nn.ConvTranspose*d`: U(±1/√fan_in), fan_in of the *weight*
    /// shape; zero when fan_in is 0.
    public static func biasOfLinearOrConv(weightShape: [Int]) throws -> InitScheme {
        let fanIn = try Fans.torch(shape: weightShape, scheme: "bias").fanIn
        guard fanIn > 0 else { return .zeros }
        let bound = 1 / fanIn.squareRoot()
        return .uniform(low: -bound, high: bound)
    }

    /// `nn.Embedding` weight: N(0, 1), the `padding_idx` row (if any) zero.
    public static func embeddingWeight(paddingIndex: Int? = nil) -> InitScheme { .embedding(paddingIndex: paddingIndex) }
    /// `nn.LayerNorm` / `nn.RMSNorm` weight: ones.
    public static let normWeight = InitScheme.ones
    /// `nn.LayerNorm` bias: zeros.
    public static let normBias = InitScheme.zeros

    /// Every weight and bias of `nn.RNN` / `nn.LSTM` / `nn.GRU`: U(±1/√hidden_size).
    public static func recurrent(hiddenSize: Int) throws -> InitScheme {
        guard hiddenSize > 0 else {
            throw SchemeError.invalidParameter(scheme: "recurrent", parameter: "hidden_size", value: Double(hiddenSize), requirement: "> 0")
        }
        let bound = 1 / Double(hiddenSize).squareRoot()
        return .uniform(low: -bound, high: bound)
    }
}
