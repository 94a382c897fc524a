/// Turning a scheme and a shape into a `TensorRecipe`: fans, gains and variance scaling.
extension InitScheme {
    /// JAX's truncated-normal correction: the standard deviation of N(0, 1) truncated to [−2, 2]
    /// (`jax.nn.initializers.variance_scaling`, constant .87962566103423978).
    public static let jaxTruncatedNormalStddev = 0.87962566103423978

    /// The recipe for a tensor of `shape`. Every parameter must be finite in float32 (after its conversion
    /// to float32, where it is converted) and every recipe passes `TensorRecipe.checkRepresentable`, so that
    /// no scheme can write an infinite or NaN weight.
    public func recipe(shape: [Int]) throws -> TensorRecipe {
        let recipe = try resolve(shape: shape)
        try recipe.checkRepresentable(scheme: name)
        return recipe
    }

    private func resolve(shape: [Int]) throws -> TensorRecipe {
        guard shape.allSatisfy({ $0 >= 0 }), let count = TensorShape.elementCount(shape) else { throw SchemeError.invalidShape(shape) }
        // Like torch ("Initializing zero-element tensors is a no-op"), an empty tensor needs no fans or parameters.
        if count == 0 { return .constant(0) }
        switch self {
        case let .uniform(low, high):
            try requireFloat32(low, "a (low)")
            try requireFloat32(high, "b (high)")
            try require(low < high, "a, b", low, "below b = \(high)")
            return .random(.uniform(low: Float(low), high: Float(high)))
        case let .normal(mean, std):
            try requireFloat32(mean, "mean")
            try requireFloat32(std, "std")
            try require(std >= 0, "std", std, ">= 0")
            return .random(.normal(mean: Float(mean), std: Float(std)))
        case let .truncatedNormal(mean, std, a, b):
            try requireFloat32(mean, "mean")
            try requireFloat32(std, "std")
            try require(std > 0, "std", std, "> 0")
            try require(!a.isNaN && !b.isNaN, "a, b", a.isNaN ? a : b, "numbers (-inf and inf allowed)")
            try require(a < b, "a", a, "below b = \(b)")
            return try truncatedNormal(mean: Float(mean), std: Float(std), low: Float(a), high: Float(b))
        case let .constant(value):
            try requireFloat32(value, "val")
            return .constant(Float(value))
        case .zeros: return .constant(0)
        case .ones: return .constant(1)
        case .eye:
            guard shape.count == 2 else { throw SchemeError.unsupportedRank(scheme: name, shape: shape, allowed: "2-D") }
            return .eye(rows: shape[0], columns: shape[1])
        case let .dirac(groups):
            guard (3...5).contains(shape.count) else { throw SchemeError.unsupportedRank(scheme: name, shape: shape, allowed: "3-, 4- or 5-D") }
            try require(groups >= 1, "groups", Double(groups), ">= 1")
            guard shape[0] % groups == 0 else { throw SchemeError.notDivisible(scheme: name, shape: shape, groups: groups) }
            return .dirac(shape: shape, groups: groups)
        case let .embedding(paddingIndex, std):
            guard shape.count == 2 else { throw SchemeError.unsupportedRank(scheme: name, shape: shape, allowed: "2-D (num_embeddings, embedding_dim)") }
            try requireFloat32(std, "std")
            try require(std >= 0, "std", std, ">= 0")
            guard let index = paddingIndex else { return .random(std == 1 ? .standardNormal : .normal(mean: 0, std: Float(std))) }
            let row = index < 0 ? index + shape[0] : index
            try require(row >= 0 && row < shape[0], "padding_idx", Double(index), "within num_embeddings (\(shape[0]))")
            return .zeroRow(row: row, columns: shape[1], std: Float(std))
        case let .orthogonal(gain):
            guard shape.count >= 2 else { throw SchemeError.tooFewDimensions(scheme: name, shape: shape, needed: 2) }
            try requireFloat32(gain, "gain")
            return .orthogonal(rows: shape[0], columns: count / shape[0], gain: gain)
        case let .sparse(sparsity, std):
            guard shape.count == 2 else { throw SchemeError.unsupportedRank(scheme: name, shape: shape, allowed: "2-D") }
            try require(sparsity.isFinite && sparsity >= 0 && sparsity <= 1, "sparsity", sparsity, "in [0, 1]")
            try requireFloat32(std, "std")
            try require(std >= 0, "std", std, ">= 0")
            // torch: num_zeros = int(math.ceil(sparsity * rows)).
            return .sparse(rows: shape[0], columns: shape[1], zerosPerColumn: Int((sparsity * Double(shape[0])).rounded(.up)),
                           std: Float(std))
        case let .xavierUniform(gain):
            let std = try xavierStd(gain: gain, shape: shape)
            return symmetricUniform(bound: 3.0.squareRoot() * std)
        case let .xavierNormal(gain):
            return .random(.normal(mean: 0, std: Float(try xavierStd(gain: gain, shape: shape))))
        case let .kaimingUniform(a, mode, nonlinearity):
            let std = try kaimingStd(a: a, mode: mode, nonlinearity: nonlinearity, shape: shape)
            return symmetricUniform(bound: 3.0.squareRoot() * std)
        case let .kaimingNormal(a, mode, nonlinearity):
            return .random(.normal(mean: 0, std: Float(try kaimingStd(a: a, mode: mode, nonlinearity: nonlinearity, shape: shape))))
        case .lecunUniform:
            return try varianceScalingRecipe(scale: 1, mode: .fanIn, distribution: .uniform, inAxis: [-2], outAxis: [-1], batchAxis: [], shape: shape)
        case .lecunNormal:
            return try varianceScalingRecipe(scale: 1, mode: .fanIn, distribution: .truncatedNormal, inAxis: [-2], outAxis: [-1], batchAxis: [],
                                       shape: shape)
        case let .varianceScaling(scale, mode, distribution, inAxis, outAxis, batchAxis):
            return try varianceScalingRecipe(scale: scale, mode: mode, distribution: distribution, inAxis: inAxis, outAxis: outAxis,
                                       batchAxis: batchAxis, shape: shape)
        }
    }

    /// JAX's `variance_scaling` (and the `lecun_*` schemes built on it, whose messages name them, not variance_scaling).
    private func varianceScalingRecipe(scale: Double, mode: FanMode, distribution: VarianceScalingDistribution, inAxis: [Int], outAxis: [Int],
                                 batchAxis: [Int], shape: [Int]) throws -> TensorRecipe {
        try requireFloat32(scale, "scale")
        try require(scale > 0, "scale", scale, "> 0")
        let fan = try Fans.jax(shape: shape, inAxis: inAxis, outAxis: outAxis, batchAxis: batchAxis, scheme: name).value(mode)
        guard fan > 0 else { throw SchemeError.zeroFan(scheme: name, shape: shape) }
        let variance = scale / fan
        switch distribution {
        case .normal:
            return .random(.normal(mean: 0, std: Float(variance.squareRoot())))
        case .uniform:
            let bound = Float((3 * variance).squareRoot())
            return .random(.uniform(low: -bound, high: bound))
        case .truncatedNormal:
            // JAX: truncated_normal(−2, 2) · √variance / .87962566103423978.
            let std = variance.squareRoot() / InitScheme.jaxTruncatedNormalStddev
            return try truncatedNormal(mean: 0, std: Float(std), low: Float(-2 * std), high: Float(2 * std))
        }
    }

    /// gain · √(2 / (fan_in + fan_out)), as torch's `xavier_*`; the gain must be finite and >= 0.
    private func xavierStd(gain: Double, shape: [Int]) throws -> Double {
        try requireFloat32(gain, "gain")
        try require(gain >= 0, "gain", gain, ">= 0")
        let fans = try Fans.torch(shape: shape, scheme: name)
        guard fans.fanIn + fans.fanOut > 0 else { throw SchemeError.zeroFan(scheme: name, shape: shape) }
        return gain * (2 / (fans.fanIn + fans.fanOut)).squareRoot()
    }

    private func kaimingStd(a: Double, mode: FanMode, nonlinearity: Nonlinearity, shape: [Int]) throws -> Double {
        try requireFloat32(a, "a")
        guard FanMode.torchModes.contains(mode) else { throw SchemeError.invalidMode(scheme: name, mode: mode, allowed: FanMode.torchModes) }
        let fan = try Fans.torch(shape: shape, scheme: name).value(mode)
        guard fan > 0 else { throw SchemeError.zeroFan(scheme: name, shape: shape) }
        // torch passes `a` to calculate_gain as leaky_relu's slope.
        let effective: Nonlinearity
        if case .leakyRelu = nonlinearity { effective = .leakyRelu(negativeSlope: a) } else { effective = nonlinearity }
        return effective.gain / fan.squareRoot()
    }

    /// The truncated-normal recipe, refused if its intermediates could be subnormal (SPEC.md 7.1).
    private func truncatedNormal(mean: Float, std: Float, low: Float, high: Float) throws -> TensorRecipe {
        guard TruncatedNormalParameters(mean: mean, std: std, low: low, high: high).isSubnormalFree else {
            throw SchemeError.subnormalTruncation(scheme: name, mean: mean, std: std, low: low, high: high)
        }
        return .random(.truncatedNormal(mean: mean, std: std, low: low, high: high))
    }

    /// U(−bound, bound); a bound of exactly 0 (a gain of 0) is all zeros, as torch's `uniform_(-0, 0)` gives.
    /// A bound that is not finite or rounds to 0 in float32 fails `checkRepresentable`.
    private func symmetricUniform(bound: Double) -> TensorRecipe {
        guard bound != 0 else { return .constant(0) }
        let b = Float(bound)
        return .random(.uniform(low: -b, high: b))
    }

    /// Throws unless `value` is finite in float32 after its conversion (|value| <= 3.4028235e38, or within half a
    /// unit of it): parameters converted to float32 must stay finite, and those used in float64 are held to the same.
    private func requireFloat32(_ value: Double, _ parameter: String) throws {
        try require(Float(value).isFinite, parameter, value, "finite in float32 (magnitude at most \(Float.greatestFiniteMagnitude))")
    }

    private func require(_ condition: Bool, _ parameter: String, _ value: Double, _ requirement: String) throws {
        guard condition else { throw SchemeError.invalidParameter(scheme: name, parameter: parameter, value: value, requirement: requirement) }
    }
}
