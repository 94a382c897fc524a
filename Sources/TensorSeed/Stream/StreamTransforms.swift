/// The maps from Philox words to float32 values (SPEC.md, "Transforms").
///
/// Each function here has a twin of the same name in `kernels/tensorseed.cl`.
public enum StreamTransforms {
    /// 2^-24: spacing of the float32 uniforms in [0, 1).
    public static let twoPowMinus24: Float = 0x1p-24
    /// 2^-32: scale of a 32-bit word.
    public static let twoPowMinus32: Float = 0x1p-32
    /// 2^-21: scale of the 21-bit position inside an eighth turn.
    public static let twoPowMinus21: Float = 0x1p-21

    /// The uniform in [0, 1) of a word: (w >> 8) · 2^-24, exact.
    @inlinable @inline(__always)
    public static func uniformClosedOpen(_ w: WordLanes) -> FloatLanes {
        FloatLanes(converting: IntLanes(bitPatterns: w &>> 8)) * twoPowMinus24
    }

    /// The uniform in (0, 1] of a word: RNE(w + 1) · 2^-32, computed without 64-bit integers.
    ///
    /// w + 1 wraps to 0 only for w = 2^32 − 1, whose exact value 2^32 gives u = 1.
    @inlinable @inline(__always)
    public static func uniformOpenClosed(_ w: WordLanes) -> FloatLanes {
        let n = w &+ 1
        let u = FloatLanes(converting: n) * twoPowMinus32
        let wrapped = WordLanes(mask: n .== WordLanes(repeating: 0))
        return FloatLanes(bitPatterns: WordLanes.select(wrapped, FloatLanes(repeating: 1).bitPatterns, u.bitPatterns))
    }

    /// The Box–Muller radius √(−2 ln u) of a word, u = uniformOpenClosed(w); at most √(64 ln 2) ≈ 6.66.
    @inlinable @inline(__always)
    public static func boxMullerRadius(_ w: WordLanes) -> FloatLanes {
        let u = uniformOpenClosed(w)
        let s = DeterministicMath.deterministicLog(u) * -2
        return DeterministicMath.deterministicSqrt(s)
    }

    /// cos and sin of the angle 2π·(w >> 8)·2^-24 of a word.
    ///
    /// The top 3 of those 24 bits pick the octant, the low 21 the position in it; odd octants
    /// are measured back from their end, so the polynomial argument t is exact and in [0, 1].
    @inlinable @inline(__always)
    public static func boxMullerAngle(_ w: WordLanes) -> (cos: FloatLanes, sin: FloatLanes) {
        let a = w &>> 8
        let octant = a &>> 21
        let position = a & 0x001F_FFFF
        // Selections and sign flips are done with exact integer arithmetic on the octant bits
        // (same results as OpenCL's `select`; comparisons and masks vectorized badly here).
        let odd = WordLanes(repeating: 0) &- (octant & 1)                // all ones in odd octants
        let tInt = WordLanes.select(odd, 0x0020_0000 &- position, position)
        let t = FloatLanes(converting: IntLanes(bitPatterns: tInt)) * twoPowMinus21
        let (sinT, cosT) = DeterministicMath.sinCosEighthTurn(t)
        // Angle = k quarter turns + ψ, ψ = ±π/4·t (negative in odd octants).
        let sinPsi = FloatLanes(bitPatterns: sinT.bitPatterns ^ (octant &<< 31))
        let k = ((octant &+ 1) &>> 1) & 3
        let swap = WordLanes(repeating: 0) &- (k & 1)                     // all ones for k = 1, 3
        let cosRotated = FloatLanes(bitPatterns: WordLanes.select(swap, sinPsi.bitPatterns, cosT.bitPatterns))
        let sinRotated = FloatLanes(bitPatterns: WordLanes.select(swap, cosT.bitPatterns, sinPsi.bitPatterns))
        let negateCos = (k ^ (k &>> 1)) &<< 31                            // sign bit for k = 1, 2
        let negateSin = (k &>> 1) &<< 31                                  // sign bit for k = 2, 3
        let cos = FloatLanes(bitPatterns: cosRotated.bitPatterns ^ negateCos)
        let sin = FloatLanes(bitPatterns: sinRotated.bitPatterns ^ negateSin)
        return (cos, sin)
    }
}
