/// The nonlinearities whose recommended gain `torch.nn.init.calculate_gain` knows.
public enum Nonlinearity: Sendable, Hashable {
    case linear, conv1d, conv2d, conv3d, convTranspose1d, convTranspose2d, convTranspose3d
    case sigmoid, tanh, relu, selu
    /// Leaky ReLU with the given negative slope (torch's default 0.01).
    case leakyRelu(negativeSlope: Double = 0.01)

    /// The recommended gain, as `torch.nn.init.calculate_gain` defines it (PyTorch 2.x,
    /// `torch/nn/init.py`): 1 for linear, convolutions and sigmoid; 5/3 for tanh; √2 for ReLU;
    /// √(2 / (1 + slope²)) for leaky ReLU; 3/4 for SELU.
    public var gain: Double {
        switch self {
        case .linear, .conv1d, .conv2d, .conv3d, .convTranspose1d, .convTranspose2d, .convTranspose3d, .sigmoid:
            return 1
        case .tanh: return 5.0 / 3
        case .relu: return 2.0.squareRoot()
        case let .leakyRelu(slope): return (2.0 / (1 + slope * slope)).squareRoot()
        case .selu: return 3.0 / 4
        }
    }

    /// Parses torch's names ("relu", "leaky_relu", "conv_transpose2d", …); `parameter` is leaky ReLU's slope.
    public init(torchName: String, parameter: Double? = nil) throws {
        switch torchName {
        case "linear": self = .linear
        case "conv1d": self = .conv1d
        case "conv2d": self = .conv2d
        case "conv3d": self = .conv3d
        case "conv_transpose1d": self = .convTranspose1d
        case "conv_transpose2d": self = .convTranspose2d
        case "conv_transpose3d": self = .convTranspose3d
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        case "relu": self = .relu
        case "selu": self = .selu
        case "leaky_relu": self = .leakyRelu(negativeSlope: parameter ?? 0.01)
        default:
            throw SchemeError.unknownNonlinearity(torchName)
        }
    }
}
