/// The truncated normal by the inverse CDF (SPEC.md, "Truncated normal"): one word per element.
extension StreamTransforms {
    /// The largest float32 below 1, 1 − 2^-24: keeps erfinv's argument inside (−1, 1).
    public static let erfArgumentLimit: Float = 0x1.fffffep-1
    /// √2 rounded to float32.
    public static let sqrt2: Float = 0x1.6a09e6p+0

    /// A standard normal truncated to the interval whose erf(·/√2) bounds are erfLow, erfLow + erfWidth:
    /// y = u·erfWidth + erfLow (u = uniformClosedOpen(w)), kept in ±(1 − 2^-24), then √2·erfinv(y).
    @inlinable @inline(__always)
    public static func truncatedStandardNormal(_ w: WordLanes, erfLow: Float, erfWidth: Float) -> FloatLanes {
        truncatedStandardNormal(WordLanes16(lowHalf: w, highHalf: w), erfLow: erfLow, erfWidth: erfWidth).lowHalf
    }

    /// `truncatedStandardNormal` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func truncatedStandardNormal(_ w: WordLanes16, erfLow: Float, erfWidth: Float) -> FloatLanes16 {
        DeterministicMath.deterministicErfinv(truncatedErfArgument(w, erfLow: erfLow, erfWidth: erfWidth)) * sqrt2
    }

    /// The argument y of erfinv in `truncatedStandardNormal`: u·erfWidth + erfLow kept in ±(1 − 2^-24).
    @inlinable @inline(__always)
    public static func truncatedErfArgument(_ w: WordLanes16, erfLow: Float, erfWidth: Float) -> FloatLanes16 {
        clampBetween(uniformClosedOpen(w) * erfWidth + erfLow, low: -erfArgumentLimit, high: erfArgumentLimit)
    }

    /// x < low ? low : x, then x > high ? high : x, lane by lane (exact; well defined for ±0, unlike min/max).
    @inlinable @inline(__always)
    public static func clampBetween(_ x: FloatLanes, low: Float, high: Float) -> FloatLanes {
        clampBetween(FloatLanes16(lowHalf: x, highHalf: x), low: low, high: high).lowHalf
    }

    /// `clampBetween` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func clampBetween(_ x: FloatLanes16, low: Float, high: Float) -> FloatLanes16 {
        let raised = x.replacing(with: low, where: x .< FloatLanes16(repeating: low))
        return raised.replacing(with: high, where: raised .> FloatLanes16(repeating: high))
    }
}

/// The float32 parameters of a truncated normal that the transform needs, computed once on the host.
public struct TruncatedNormalParameters: Sendable, Hashable {
    /// erf((low − mean) / (std·√2)), by `HostErf` in float64, rounded to float32.
    public let erfLow: Float
    /// erf((high − mean) / (std·√2)) − erfLow, in float32.
    public let erfWidth: Float

    /// The parameters of N(mean, std²) truncated to [low, high].
    public init(mean: Float, std: Float, low: Float, high: Float) {
        let scale = Double(std) * 2.0.squareRoot()
        let erfLow = Float(HostErf.erf((Double(low) - Double(mean)) / scale))
        let erfHigh = Float(HostErf.erf((Double(high) - Double(mean)) / scale))
        self.erfLow = erfLow
        self.erfWidth = erfHigh - erfLow
    }
}

extension TruncatedNormalParameters {
    /// SPEC.md 7.1: a nonzero erfLow must be at least this large in magnitude (2^-102), so that
    /// u·erfWidth + erfLow is a multiple of 2^-125 and erfinv's argument is 0 or a normal number.
    public static let smallestErfLow: Float = 0x1p-102
    /// SPEC.md 7.1: a nonzero erfWidth must be at least this large in magnitude (2^-78), so that
    /// u·erfWidth ≥ 2^-24·2^-78 = 2^-102 for every nonzero u.
    public static let smallestErfWidth: Float = 0x1p-78

    /// Whether no intermediate of the transform before `z × std + mean` can be subnormal (SPEC.md 7.1), so
    /// that devices that flush subnormals to zero give the same bits.
    public var isSubnormalFree: Bool {
        (erfLow == 0 || abs(erfLow) >= Self.smallestErfLow) && (erfWidth == 0 || abs(erfWidth) >= Self.smallestErfWidth)
    }

    /// How many float32 values erfinv's argument y = clamp(u·erfWidth + erfLow) can take: the float32 numbers from
    /// erfLow to erfLow + erfWidth (each kept in ±(1 − 2^-24), as the transform keeps y), at most 2^24 (u's values).
    /// Every value of the tensor is a function of y, so this bounds how many distinct values it can hold. It is small
    /// when both bounds lie far in the same tail (erf's float32 steps near ±1 are 2^-24 or 2^-25 apart): [5σ, 6σ]
    /// allows 10, and bounds whose erf rounds to the same float32 allow one value only (SPEC.md 7: the inverse CDF
    /// is float32 by definition).
    public var erfArgumentValueCount: Int {
        let limit = StreamTransforms.erfArgumentLimit
        let low = min(max(erfLow, -limit), limit), high = min(max(erfLow + erfWidth, -limit), limit)
        return min(Self.float32Count(from: low, to: high), 1 << 24)
    }

    /// How many float32 numbers lie in [low, high] (±0 counted once; infinities count as the numbers past the
    /// largest finite ones); 1 when high ≤ low. Neither may be NaN.
    public static func float32Count(from low: Float, to high: Float) -> Int {
        guard low < high else { return 1 }
        /// The position of a float32 in increasing order (−0 and +0 both 0).
        func ordinal(_ x: Float) -> Int {
            let magnitude = Int(x.bitPattern & 0x7fff_ffff)
            return x.sign == .minus ? -magnitude : magnitude
        }
        return ordinal(high) - ordinal(low) + 1
    }

    /// The one-line refusal of a truncated normal that is not subnormal-free (SPEC.md 7.1).
    public static func subnormalRefusal(scheme: String, mean: Float, std: Float, low: Float, high: Float) -> String {
        let p = TruncatedNormalParameters(mean: mean, std: std, low: low, high: high)
        return "\(scheme): mean \(mean), std \(std), bounds [\(low), \(high)] give erf bounds erfLow = \(p.erfLow), erfWidth = \(p.erfWidth); "
            + "a nonzero erfLow must be at least 2^-102 and a nonzero erfWidth at least 2^-78 in magnitude, or the values would pass "
            + "through subnormal numbers, which some devices flush to zero (SPEC.md 7.1): widen the bounds relative to std, "
            + "or move a lower bound that lies within ~1e-31·std of the mean onto it"
    }
}
