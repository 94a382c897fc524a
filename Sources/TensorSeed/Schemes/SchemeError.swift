/// Why a scheme cannot initialize a tensor of a given shape.
public enum SchemeError: Error, Equatable, CustomStringConvertible {
    case tooFewDimensions(scheme: String, shape: [Int], needed: Int)
    case unsupportedRank(scheme: String, shape: [Int], allowed: String)
    case invalidShape([Int])
    case invalidParameter(scheme: String, parameter: String, value: Double, requirement: String)
    /// A fan mode the scheme does not take (torch's kaiming takes no fan_avg).
    case invalidMode(scheme: String, mode: FanMode, allowed: [FanMode])
    case unknownNonlinearity(String)
    case axisOutOfRange(axis: Int, shape: [Int])
    case zeroFan(scheme: String, shape: [Int])
    case notDivisible(scheme: String, shape: [Int], groups: Int)
    /// The parameters resolve to a recipe whose values are not all finite in float32 (`TensorRecipe.checkRepresentable`).
    case unrepresentable(scheme: String, message: String)
    /// A truncated normal whose erf bounds would make subnormal intermediates (SPEC.md 7.1).
    case subnormalTruncation(scheme: String, mean: Float, std: Float, low: Float, high: Float)

    public var description: String {
        switch self {
        case let .tooFewDimensions(scheme, shape, needed):
            return "\(scheme) needs a tensor with at least \(needed) dimensions to compute fans, got shape \(shape)"
        case let .unsupportedRank(scheme, shape, allowed):
            return "\(scheme) only supports \(allowed) tensors, got shape \(shape)"
        case let .invalidShape(shape):
            return "invalid shape \(shape): dimensions must be >= 0 and the element count must fit in 64 bits"
        case let .invalidParameter(scheme, parameter, value, requirement):
            return "\(scheme): \(parameter) = \(value) is invalid, it must be \(requirement)"
        case let .invalidMode(scheme, mode, allowed):
            return "\(scheme): mode = \(mode.rawValue) is invalid, it must be \(FanMode.listed(allowed))"
        case let .unknownNonlinearity(name):
            return "unknown nonlinearity '\(name)' (known: linear, conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d, sigmoid, tanh, relu, leaky_relu, selu)"
        case let .axisOutOfRange(axis, shape):
            return "axis \(axis) is out of range for shape \(shape)"
        case let .zeroFan(scheme, shape):
            return "\(scheme): the fan of shape \(shape) is 0, so the standard deviation would be infinite"
        case let .notDivisible(scheme, shape, groups):
            return "\(scheme): dimension 0 of shape \(shape) is not divisible by groups = \(groups)"
        case let .unrepresentable(scheme, message):
            return "\(scheme): \(message)"
        case let .subnormalTruncation(scheme, mean, std, low, high):
            return TruncatedNormalParameters.subnormalRefusal(scheme: scheme, mean: mean, std: std, low: low, high: high)
        }
    }
}
