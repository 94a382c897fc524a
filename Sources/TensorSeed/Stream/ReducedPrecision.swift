/// float32 → float16 and bfloat16 conversion with round-to-nearest-even on the bit pattern
/// (SPEC.md, "Storage types"). Integer operations only, so every engine gives the same bits;
/// `kernels/tensorseed.cl` has the same functions with the same names.
///
/// NaN stays NaN (quiet, sign and top payload bits kept); ±Inf stays ±Inf; values beyond the
/// largest finite value round to ±Inf (float16: |x| ≥ 65520); float16 subnormals are rounded
/// correctly; float32 inputs below half the smallest float16 subnormal become ±0.
public enum ReducedPrecision {
    /// The float16 bit patterns (in the low 16 bits of each lane) of float32 lanes.
    @inlinable @inline(__always)
    public static func float16Bits(_ x: FloatLanes) -> WordLanes {
        let b = x.bitPatterns
        let sign = (b &>> 16) & 0x8000
        let a = b & 0x7FFF_FFFF
        // Normal float16 range: rebias the exponent (127 − 15 = 112) and round 13 bits away.
        let rebased = a &- 0x3800_0000
        let normal = (rebased &+ 0x0FFF &+ ((rebased &>> 13) & 1)) &>> 13
        // Subnormal float16 range [2^-25, 2^-14): value / 2^-24 = m · 2^(e − 126), rounded to nearest even.
        // Its per-lane shifts are slow on baseline x86-64, so it is computed only when some lane needs it.
        let isSubnormal = WordLanes.lessMask(a, 0x3880_0000)
        var h = normal
        if isSubnormal.anyBitSet {
            let e = a &>> 23
            let m = (a & 0x007F_FFFF) | 0x0080_0000
            let shift = (WordLanes(repeating: 126) &- e) & 31
            let subnormal = (m &+ ((WordLanes(repeating: 1) &<< (shift &- 1)) &- 1) &+ ((m &>> shift) & 1)) &>> shift
            h = WordLanes.select(isSubnormal, subnormal, h)
        }
        h = WordLanes.select(WordLanes.lessMask(a, 0x3300_0000), WordLanes(repeating: 0), h)
        h = WordLanes.select(WordLanes.greaterMask(a, 0x477F_EFFF), WordLanes(repeating: 0x7C00), h)   // a ≥ 0x477FF000
        h = WordLanes.select(WordLanes.greaterMask(a, 0x7F80_0000), 0x7E00 | ((a &>> 13) & 0x03FF), h)
        return sign | h
    }

    /// The bfloat16 bit patterns (in the low 16 bits of each lane) of float32 lanes.
    @inlinable @inline(__always)
    public static func bfloat16Bits(_ x: FloatLanes) -> WordLanes {
        let b = x.bitPatterns
        let rounded = (b &+ 0x7FFF &+ ((b &>> 16) & 1)) &>> 16
        let quietNaN = (b &>> 16) | 0x0040
        return WordLanes.select(WordLanes.greaterMask(b & 0x7FFF_FFFF, 0x7F80_0000), quietNaN, rounded)
    }
}
