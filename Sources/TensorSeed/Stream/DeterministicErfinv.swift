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
    /// Its pieces (`erfinvLogTerm`, `erfinvCentralLanes`, `erfinvPolynomial`) are public so that the CPU engine
    /// can take two batches through them side by side (`TensorStream.storeTruncatedNormal`).
    @inlinable @inline(__always)
    public static func deterministicErfinv(_ x: FloatLanes16) -> FloatLanes16 {
        let w = erfinvLogTerm(x)
        let central = erfinvCentralLanes(w)
        return erfinvPolynomial(w, central: central, evaluateCentral: central.anyBitSet, evaluateTail: (~central).anyBitSet) * x
    }

    /// w = −ln((1 − x)(1 + x)), the argument of erfinv's polynomials.
    @inlinable @inline(__always)
    public static func erfinvLogTerm(_ x: FloatLanes16) -> FloatLanes16 {
        -deterministicLog((1 - x) * (1 + x))
    }

    /// All ones in the lanes where w < 5 (erfinv's central polynomial), zero elsewhere.
    @inlinable @inline(__always)
    public static func erfinvCentralLanes(_ w: FloatLanes16) -> WordLanes16 {
        WordLanes16(mask: w .< 5)
    }

    /// P(w − 2.5) in the lanes where `central` is all ones, Q(√w − 3) in the others: erfinv(x)/x.
    ///
    /// The caller says which polynomials to evaluate: at least those that some lane of `central` needs
    /// (a caller may decide for a wider set of lanes at once); the selected value is the same either way,
    /// so this changes no bits.
    @inlinable @inline(__always)
    public static func erfinvPolynomial(_ w: FloatLanes16, central: WordLanes16, evaluateCentral: Bool, evaluateTail: Bool) -> FloatLanes16 {
        var p = FloatLanes16(repeating: 0)
        if evaluateCentral {
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
        if evaluateTail {
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
        return p
    }
}
