/// Fan-in and fan-out of a weight shape.
public struct Fans: Sendable, Hashable {
    public var fanIn: Double
    public var fanOut: Double

    public init(fanIn: Double, fanOut: Double) {
        self.fanIn = fanIn
        self.fanOut = fanOut
    }

    /// The fan a mode selects: fan_in, fan_out, or their mean (JAX's fan_avg).
    public func value(_ mode: FanMode) -> Double {
        switch mode {
        case .fanIn: return fanIn
        case .fanOut: return fanOut
        case .fanAvg: return (fanIn + fanOut) / 2
        }
    }

    /// Fans as `torch.nn.init._calculate_fan_in_and_fan_out` computes them: for shape
    /// (out, in, k1, k2, …), receptive field = k1·k2·…, fan_in = in·receptive, fan_out = out·receptive.
    /// Fewer than 2 dimensions is an error (as in torch).
    public static func torch(shape: [Int], scheme: String = "fans") throws -> Fans {
        guard shape.count >= 2 else { throw SchemeError.tooFewDimensions(scheme: scheme, shape: shape, needed: 2) }
        let receptive = shape.dropFirst(2).reduce(1.0) { $0 * Double($1) }
        return Fans(fanIn: Double(shape[1]) * receptive, fanOut: Double(shape[0]) * receptive)
    }

    /// Fans as `jax.nn.initializers` computes them (`_compute_fans`): in and out sizes from the given
    /// axes (negative counts from the end), the receptive field is the product of all other non-batch axes.
    public static func jax(shape: [Int], inAxis: [Int] = [-2], outAxis: [Int] = [-1], batchAxis: [Int] = [],
                           scheme: String = "fans") throws -> Fans {
        guard shape.count >= 2 else { throw SchemeError.tooFewDimensions(scheme: scheme, shape: shape, needed: 2) }
        func size(_ axes: [Int]) throws -> Double {
            try axes.reduce(1.0) { product, axis in
                let a = axis < 0 ? shape.count + axis : axis
                guard a >= 0, a < shape.count else { throw SchemeError.axisOutOfRange(axis: axis, shape: shape) }
                return product * Double(shape[a])
            }
        }
        let inSize = try size(inAxis), outSize = try size(outAxis), batchSize = try size(batchAxis)
        let total = shape.reduce(1.0) { $0 * Double($1) }
        let receptive = total / inSize / outSize / batchSize
        return Fans(fanIn: inSize * receptive, fanOut: outSize * receptive)
    }
}

/// Which fan a variance-scaling scheme divides by.
public enum FanMode: String, Sendable, Hashable, CaseIterable {
    case fanIn = "fan_in", fanOut = "fan_out", fanAvg = "fan_avg"

    /// The modes torch's `kaiming_*_` take (`_calculate_correct_fan`: fan_in or fan_out); fan_avg is JAX's.
    public static let torchModes: [FanMode] = [.fanIn, .fanOut]

    /// `modes` in words for messages: "fan_in or fan_out", "fan_in, fan_out or fan_avg".
    public static func listed(_ modes: [FanMode]) -> String {
        let names = modes.map(\.rawValue)
        return names.count < 2 ? names.joined() : names.dropLast().joined(separator: ", ") + " or " + names.last!
    }
}
