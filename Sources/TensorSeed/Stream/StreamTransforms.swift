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
        FloatLanes(IntLanes(truncatingIfNeeded: w &>> 8)) * twoPowMinus24
    }

    /// The uniform in (0, 1] of a word: RNE(w + 1) · 2^-32, computed without 64-bit integers.
    ///
    /// w + 1 wraps to 0 only for w = 2^32 − 1, whose exact value 2^32 gives u = 1.
    @inlinable @inline(__always)
    public static func uniformOpenClosed(_ w: WordLanes) -> FloatLanes {
        let n = w &+ 1
        let u = FloatLanes(n) * twoPowMinus32
        return u.replacing(with: 1, where: n .== 0)
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
        let odd = (octant & 1) .== 1
        let tInt = position.replacing(with: 0x0020_0000 &- position, where: odd)
        let t = FloatLanes(IntLanes(truncatingIfNeeded: tInt)) * twoPowMinus21
        let (sinT, cosT) = DeterministicMath.sinCosEighthTurn(t)
        let signBit = WordLanes(repeating: 0x8000_0000)
        // Angle = k quarter turns + ψ, ψ = ±π/4·t (negative in odd octants).
        let sinPsi = FloatLanes(bitPatterns: sinT.bitPatterns ^ signBit.replacing(with: 0, where: .!odd))
        let k = ((octant &+ 1) &>> 1) & 3
        let swap = (k & 1) .== 1
        let cosRotated = cosT.replacing(with: sinPsi, where: swap)
        let sinRotated = sinPsi.replacing(with: cosT, where: swap)
        let negateCos = (k .== 1) .| (k .== 2)
        let negateSin = (k .== 2) .| (k .== 3)
        let cos = FloatLanes(bitPatterns: cosRotated.bitPatterns ^ signBit.replacing(with: 0, where: .!negateCos))
        let sin = FloatLanes(bitPatterns: sinRotated.bitPatterns ^ signBit.replacing(with: 0, where: .!negateSin))
        return (cos, sin)
    }
}
