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

    /// `uniformClosedOpen` of sixteen lanes.
    @inlinable @inline(__always)
    public static func uniformClosedOpen(_ w: WordLanes16) -> FloatLanes16 {
        FloatLanes16(converting: IntLanes16(bitPatterns: w &>> 8)) * twoPowMinus24
    }

    /// The uniform in (0, 1] of a word: RNE(w + 1) · 2^-32, computed without 64-bit integers.
    ///
    /// w + 1 wraps to 0 only for w = 2^32 − 1, whose exact value 2^32 gives u = 1.
    @inlinable @inline(__always)
    public static func uniformOpenClosed(_ w: WordLanes) -> FloatLanes {
        uniformOpenClosed(WordLanes16(lowHalf: w, highHalf: w)).lowHalf
    }

    /// `uniformOpenClosed` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func uniformOpenClosed(_ w: WordLanes16) -> FloatLanes16 {
        let n = w &+ 1
        let u = FloatLanes16(converting: n) * twoPowMinus32
        // n = 0 (u = +0, bits 0) is the one lane whose bits minus one has the sign bit set: shifted
        // arithmetically, an all-ones mask there and zero elsewhere, which puts in the bits of 1.
        // Same result as selecting 1 where n == 0; integer steps only (the compare lowered badly).
        let wrapped = WordLanes16(truncatingIfNeeded: IntLanes16(bitPatterns: u.bitPatterns &- 1) &>> 31)
        return FloatLanes16(bitPatterns: u.bitPatterns | (wrapped & FloatLanes16(repeating: 1).bitPatterns))
    }

    /// The Box–Muller radius √(−2 ln u) of a word, u = uniformOpenClosed(w); at most √(64 ln 2) ≈ 6.66.
    @inlinable @inline(__always)
    public static func boxMullerRadius(_ w: WordLanes) -> FloatLanes {
        boxMullerRadius(WordLanes16(lowHalf: w, highHalf: w)).lowHalf
    }

    /// `boxMullerRadius` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func boxMullerRadius(_ w: WordLanes16) -> FloatLanes16 {
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
        let v = boxMullerAngle(WordLanes16(lowHalf: w, highHalf: w))
        return (v.cos.lowHalf, v.sin.lowHalf)
    }

    /// `boxMullerAngle` of sixteen lanes (the implementation; see `FloatLanes16`).
    @inlinable @inline(__always)
    public static func boxMullerAngle(_ w: WordLanes16) -> (cos: FloatLanes16, sin: FloatLanes16) {
        let a = w &>> 8
        let octant = a &>> 21
        let position = a & 0x001F_FFFF
        // Selections and sign flips are done with exact integer arithmetic on the octant bits
        // (same results as OpenCL's `select`; comparisons and masks vectorized badly here).
        let odd = WordLanes16(repeating: 0) &- (octant & 1)                 // all ones in odd octants
        let tInt = WordLanes16.select(odd, 0x0020_0000 &- position, position)
        let t = FloatLanes16(converting: IntLanes16(bitPatterns: tInt)) * twoPowMinus21
        let (sinT, cosT) = DeterministicMath.sinCosEighthTurn(t)
        // Angle = k quarter turns + ψ, ψ = ±π/4·t (negative in odd octants).
        let sinPsi = FloatLanes16(bitPatterns: sinT.bitPatterns ^ (octant &<< 31))
        let k = ((octant &+ 1) &>> 1) & 3
        let swap = WordLanes16(repeating: 0) &- (k & 1)                      // all ones for k = 1, 3
        let cosRotated = FloatLanes16(bitPatterns: WordLanes16.select(swap, sinPsi.bitPatterns, cosT.bitPatterns))
        let sinRotated = FloatLanes16(bitPatterns: WordLanes16.select(swap, cosT.bitPatterns, sinPsi.bitPatterns))
        let negateCos = (k ^ (k &>> 1)) &<< 31                            // sign bit for k = 1, 2
        let negateSin = (k &>> 1) &<< 31                                  // sign bit for k = 2, 3
        let cos = FloatLanes16(bitPatterns: cosRotated.bitPatterns ^ negateCos)
        let sin = FloatLanes16(bitPatterns: sinRotated.bitPatterns ^ negateSin)
        return (cos, sin)
    }
}
