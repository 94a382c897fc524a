/// Deterministic float32 elementary functions for the stream (SPEC.md, "Deterministic math").
///
/// Every function here uses only float32 `+`, `−`, `×` (each correctly rounded on every
/// IEEE-754 machine and every conforming OpenCL device), exact integer operations and
/// exact int→float conversions, in one fixed order. No fused multiply-add, no division,
/// no square root instruction, no library transcendental: the results are the same bits
/// everywhere. `kernels/tensorseed.cl` has the same functions with the same names and the
/// same operation order.
///
/// Polynomial coefficients were fitted by least squares on Chebyshev nodes against
/// 40-digit references and rounded to float32; the accuracy figures in SPEC.md come
/// from the exhaustive tests in `DeterministicMathAccuracyTests`.
public enum DeterministicMath {
    // MARK: log

    /// ln 2 split for an exact `e · ln2Hi` (|e| ≤ 32 needs 6 bits; ln2Hi has 17): fdlibm `e_logf.c` `ln2_hi`.
    public static let ln2Hi: Float = 0x1.62e300p-1
    /// ln 2 − ln2Hi, rounded to float32: fdlibm `e_logf.c` `ln2_lo`.
    public static let ln2Lo: Float = 0x1.2fefa2p-17
    /// Bits of the float32 mantissa of √2 (0x3FB504F3 without exponent): above it, m is halved
    /// so that m − 1 lies in [√½ − 1, √2 − 1].
    public static let sqrt2MantissaBits: UInt32 = 0x0035_04F3
    /// log1p(f) ≈ f + f²·Q(f) on [√½ − 1, √2 − 1]; Q's coefficients, constant term first.
    public static let logQ: (Float, Float, Float, Float, Float, Float, Float, Float, Float, Float) = (
        -0x1p-1, 0x1.55554ep-2, -0x1.fffff4p-3, 0x1.99a136p-3, -0x1.555f60p-3,
        0x1.237dfcp-3, -0x1.fc0442p-4, 0x1.e2dfa4p-4, -0x1.dd7416p-4, 0x1.1c57dap-4)

    /// Natural logarithm of positive, normal, finite float32 lanes.
    ///
    /// u = 2^e · m with m in [√½, √2); ln u = e·ln2Hi + (e·ln2Lo + (f + f²·Q(f))), f = m − 1 (exact).
    @inlinable @inline(__always)
    public static func deterministicLog(_ u: FloatLanes) -> FloatLanes {
        deterministicLog(FloatLanes16(lowHalf: u, highHalf: u)).lowHalf
    }

    /// `deterministicLog` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func deterministicLog(_ u: FloatLanes16) -> FloatLanes16 {
        let bits = u.bitPatterns
        let mantissa = bits & 0x007F_FFFF
        // Both sides are below 2^23, so the signed compare (one pcmpgtd) is the unsigned one.
        let aboveSqrt2 = WordLanes16(mask: IntLanes16(bitPatterns: mantissa) .> IntLanes16(repeating: Int32(sqrt2MantissaBits)))
        let scaledBits = mantissa | WordLanes16.select(aboveSqrt2, WordLanes16(repeating: 0x3F00_0000), WordLanes16(repeating: 0x3F80_0000))
        let biasedExponent = IntLanes16(bitPatterns: bits &>> 23) &- 127
        // biasedExponent + 1 where aboveSqrt2: subtracting the all-ones mask (−1) adds one.
        let exponent = biasedExponent &- IntLanes16(bitPatterns: aboveSqrt2)
        let f = FloatLanes16(bitPatterns: scaledBits) - 1
        var q = FloatLanes16(repeating: logQ.9)
        q = q * f + logQ.8
        q = q * f + logQ.7
        q = q * f + logQ.6
        q = q * f + logQ.5
        q = q * f + logQ.4
        q = q * f + logQ.3
        q = q * f + logQ.2
        q = q * f + logQ.1
        q = q * f + logQ.0
        let log1pF = f + (f * f) * q
        let e = FloatLanes16(converting: exponent)
        return e * ln2Hi + (e * ln2Lo + log1pF)
    }

    // MARK: sqrt

    /// Initial guess for 1/√s from the bit pattern (Lomont, "Fast inverse square root", 2003).
    public static let rsqrtMagic: UInt32 = 0x5F37_59DF

    /// Square root of non-negative, finite float32 lanes (0 gives 0).
    ///
    /// y ≈ 1/√s from the bit-pattern guess and two Newton steps y ← y·(1.5 − (h·y)·y), h = s/2;
    /// then r = s·y and one correction r ← r + (y/2)·(s − r·r).
    @inlinable @inline(__always)
    public static func deterministicSqrt(_ s: FloatLanes) -> FloatLanes {
        deterministicSqrt(FloatLanes16(lowHalf: s, highHalf: s)).lowHalf
    }

    /// `deterministicSqrt` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func deterministicSqrt(_ s: FloatLanes16) -> FloatLanes16 {
        var y = FloatLanes16(bitPatterns: WordLanes16(repeating: rsqrtMagic) &- (s.bitPatterns &>> 1))
        let h = s * 0.5
        y = y * (1.5 - (h * y) * y)
        y = y * (1.5 - (h * y) * y)
        var r = s * y
        r = r + (y * 0.5) * (s - r * r)
        return FloatLanes16(bitPatterns: r.bitPatterns & ~WordLanes16(mask: s .== FloatLanes16(repeating: 0)))
    }

    // MARK: sin and cos of an eighth turn

    /// π/4 split in two: 0.75 (two bits, so t·0.75 is exact for t with ≤ 22 bits) ...
    public static let quarterPiHi: Float = 0.75
    /// ... and π/4 − 0.75 rounded to float32.
    public static let quarterPiLo: Float = 0x1.21fb54p-5
    /// sin(π/4·t)/t ≈ π/4 + z·S(z), z = t²; S's coefficients, constant term first.
    public static let sinS: (Float, Float, Float, Float) = (-0x1.4abbcep-4, 0x1.466bbcp-9, -0x1.32cb0ep-15, 0x1.4be288p-22)
    /// cos(π/4·t) ≈ 1 + z·C(z), z = t²; C's coefficients, constant term first.
    public static let cosC: (Float, Float, Float, Float, Float) = (-0x1.3bd3ccp-2, 0x1.03c1f0p-6, -0x1.55d3bcp-12, 0x1.e1e858p-19, -0x1.a1089cp-26)

    /// sin(π/4·t) and cos(π/4·t) for t in [0, 1] with at most 21 significant bits.
    @inlinable @inline(__always)
    public static func sinCosEighthTurn(_ t: FloatLanes) -> (sin: FloatLanes, cos: FloatLanes) {
        let v = sinCosEighthTurn(FloatLanes16(lowHalf: t, highHalf: t))
        return (v.sin.lowHalf, v.cos.lowHalf)
    }

    /// `sinCosEighthTurn` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func sinCosEighthTurn(_ t: FloatLanes16) -> (sin: FloatLanes16, cos: FloatLanes16) {
        let z = t * t
        var s = FloatLanes16(repeating: sinS.3)
        s = s * z + sinS.2
        s = s * z + sinS.1
        s = s * z + sinS.0
        let sinRest = quarterPiLo + z * s
        let sin = t * quarterPiHi + t * sinRest
        var c = FloatLanes16(repeating: cosC.4)
        c = c * z + cosC.3
        c = c * z + cosC.2
        c = c * z + cosC.1
        c = c * z + cosC.0
        let cos = 1 + z * c
        return (sin, cos)
    }
}
