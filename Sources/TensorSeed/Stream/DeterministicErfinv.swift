/// The inverse error function in float32 from `+ − ×`, `deterministicLog` and `deterministicSqrt`
/// only (SPEC.md, "Truncated normal"); twin of `deterministicErfinv` in `kernels/tensorseed.cl`.
///
/// The approximation and its coefficients are M. Giles, "Approximating the erfinv function",
/// GPU Computing Gems Jade Edition (2011), single-precision version: with w = −ln((1 − x)(1 + x)),
/// erfinv(x) = x·P(w − 2.5) for w < 5 and x·Q(√w − 3) otherwise (degree-8 polynomials, coefficients
/// as printed there, each Horner step `c + p × w`).
extension DeterministicMath {
    /// erfinv of lanes in (−1, 1).
    @inlinable @inline(__always)
    public static func deterministicErfinv(_ x: FloatLanes) -> FloatLanes {
        deterministicErfinv(FloatLanes16(lowHalf: x, highHalf: x)).lowHalf
    }

    /// `deterministicErfinv` of sixteen lanes (the implementation; see `FloatLanes16`).
    ///
    /// Both branches are evaluated only when some lane needs them; the selected value is the same
    /// either way, so this changes no bits.
    @inlinable @inline(__always)
    public static func deterministicErfinv(_ x: FloatLanes16) -> FloatLanes16 {
        let w = -deterministicLog((1 - x) * (1 + x))
        let central = WordLanes16(mask: w .< 5)
        var p = FloatLanes16(repeating: 0)
        if central.anyBitSet {
            let wc = w - 2.5
            p = FloatLanes16(repeating: 2.81022636e-08)
            p = 3.43273939e-07 + p * wc
            p = -3.5233877e-06 + p * wc
            p = -4.39150654e-06 + p * wc
            p = 0.00021858087 + p * wc
            p = -0.00125372503 + p * wc
            p = -0.00417768164 + p * wc
            p = 0.246640727 + p * wc
            p = 1.50140941 + p * wc
        }
        if (~central).anyBitSet {
            let wt = deterministicSqrt(w) - 3
            var q = FloatLanes16(repeating: -0.000200214257)
            q = 0.000100950558 + q * wt
            q = 0.00134934322 + q * wt
            q = -0.00367342844 + q * wt
            q = 0.00573950773 + q * wt
            q = -0.0076224613 + q * wt
            q = 0.00943887047 + q * wt
            q = 1.00167406 + q * wt
            q = 2.83297682 + q * wt
            p = FloatLanes16(bitPatterns: WordLanes16.select(central, p.bitPatterns, q.bitPatterns))
        }
        return p * x
    }
}
