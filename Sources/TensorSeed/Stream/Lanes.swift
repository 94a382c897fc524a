/// Eight 32-bit words, one per Philox block processed side by side.
///
/// The CPU code and the OpenCL kernels' eight-lane layout (`kernels/`, `-DTS_LANES=8`) both work
/// on groups of eight blocks: `WordLanes` mirrors OpenCL's `uint8` (the kernels' `uintL`),
/// `FloatLanes` mirrors `float8`, `IntLanes` mirrors `int8`; the kernels' GPU layout runs the same
/// functions on one lane. Lane width is an implementation detail: every element of a stream is
/// defined on its own (SPEC.md) and no lane reads another.
public typealias WordLanes = SIMD8<UInt32>
/// Eight float32 values; mirrors OpenCL's `float8`.
public typealias FloatLanes = SIMD8<Float>
/// Eight signed 32-bit integers; mirrors OpenCL's `int8`.
public typealias IntLanes = SIMD8<Int32>
/// Eight 32-bit words, each in the low half of a 64-bit lane (the high half is ignored).
///
/// The CPU engine runs Philox on this form: x86 `pmuludq` (ARM `umull`) multiplies exactly the
/// low 32 bits of 64-bit lanes, so a round needs no unpacking of even and odd lanes.
public typealias WideLanes = SIMD8<UInt64>

/// Sixteen 32-bit words: the radius (or the angle) words of a whole group of eight blocks.
///
/// The normal and truncated normal transforms are implemented on sixteen lanes: LLVM splits each operation
/// into four independent 128-bit (or two 256-bit) instructions, so the long polynomial chains of four registers
/// overlap, where eight lanes left two and four lanes one in flight (measured: 0.46 and 0.30 GB/s on
/// one Zen 1 core against 0.64). The eight-lane functions (OpenCL mirrors, tests) run the sixteen-lane
/// ones on their lanes twice over and keep the low half; no lane reads another, so values are the same.
public typealias WordLanes16 = SIMD16<UInt32>
/// Sixteen float32 values (see `WordLanes16`).
public typealias FloatLanes16 = SIMD16<Float>
/// Sixteen signed 32-bit integers (see `WordLanes16`).
public typealias IntLanes16 = SIMD16<Int32>

extension FloatLanes {
    /// The IEEE-754 bit patterns of the lanes (OpenCL `as_uint8`).
    @inlinable @inline(__always)
    var bitPatterns: WordLanes { unsafeBitCast(self, to: WordLanes.self) }

    /// Lanes made from IEEE-754 bit patterns (OpenCL `as_float8`).
    @inlinable @inline(__always)
    init(bitPatterns: WordLanes) { self = unsafeBitCast(bitPatterns, to: FloatLanes.self) }
}

extension FloatLanes16 {
    /// The IEEE-754 bit patterns of the lanes (OpenCL `as_uint16`).
    @inlinable @inline(__always)
    var bitPatterns: WordLanes16 { unsafeBitCast(self, to: WordLanes16.self) }

    /// Lanes made from IEEE-754 bit patterns (OpenCL `as_float16`).
    @inlinable @inline(__always)
    init(bitPatterns: WordLanes16) { self = unsafeBitCast(bitPatterns, to: FloatLanes16.self) }
}

// MARK: Lane operations with a known-good vector lowering
//
// The standard library's generic SIMD conversions (`init(truncatingIfNeeded:)`,
// `SIMD8<Float>.init(_: SIMD8<Int32>)`) and `replacing(with:where:)` are per-lane loops that
// the optimizer left as out-of-line calls in the hot loop (checked with objdump). The helpers
// below compute the same values with concrete operations that LLVM turns into single vector
// instructions (cvtdq2ps, pcmpeqd/pcmpgtd, pand/por). They are exact: no value changes.

extension FloatLanes {
    /// Exact conversion of signed lanes (OpenCL `convert_float8` of an `int8`); every lane here has at most 24 bits.
    ///
    /// Spelled lane by lane so that LLVM's SLP vectorizer emits one `cvtdq2ps`.
    @inlinable @inline(__always)
    init(converting x: IntLanes) {
        self.init(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3]),
                  Float(x[4]), Float(x[5]), Float(x[6]), Float(x[7]))
    }
}

extension WordLanes16 {
    /// All ones in the lanes where `mask` is true, zero elsewhere.
    @inlinable @inline(__always)
    init(mask: SIMDMask<SIMD16<Int32>>) { self = unsafeBitCast(mask._storage, to: WordLanes16.self) }

    /// Whether some lane has a bit set: the lanes OR-ed together by halves, which LLVM turns into a few
    /// `por` and one `pmovmskb` (the standard library's `any`/`all` of a mask moved every lane to a scalar register).
    @inlinable @inline(__always)
    var anyBitSet: Bool { (lowHalf | highHalf).anyBitSet }
}

extension FloatLanes16 {
    /// Exact conversion of signed lanes with at most 24 bits (`cvtdq2ps`); see `FloatLanes.init(converting:)`.
    @inlinable @inline(__always)
    init(converting x: IntLanes16) {
        self.init(Float(x[0]), Float(x[1]), Float(x[2]), Float(x[3]), Float(x[4]), Float(x[5]), Float(x[6]), Float(x[7]),
                  Float(x[8]), Float(x[9]), Float(x[10]), Float(x[11]), Float(x[12]), Float(x[13]), Float(x[14]), Float(x[15]))
    }

    /// Round-to-nearest-even conversion of unsigned lanes (OpenCL `convert_float16` of a `uint16`).
    ///
    /// x = hi·2^16 + lo with 16-bit halves. `2^39 + hi·2^16` and `2^23 + lo` are floats whose
    /// mantissas are exactly hi and lo (bit patterns 0x53000000 | hi, 0x4B000000 | lo), so the two
    /// subtractions below are exact and the one rounding is that of the final sum, which is the
    /// correctly rounded x (the same bits as `Float(x)`; LLVM's own AVX2 lowering does this). x86 has
    /// no unsigned vector conversion before AVX-512, and LLVM's SSE2 lowering went through doubles.
    @inlinable @inline(__always)
    init(converting x: WordLanes16) {
        let high = FloatLanes16(bitPatterns: (x &>> 16) | 0x5300_0000) - 0x1p39
        let low = FloatLanes16(bitPatterns: (x & 0xFFFF) | 0x4B00_0000) - 0x1p23
        self = high + low
    }
}

extension IntLanes16 {
    /// The same bits as signed lanes (OpenCL `as_int16`).
    @inlinable @inline(__always)
    init(bitPatterns: WordLanes16) { self = unsafeBitCast(bitPatterns, to: IntLanes16.self) }
}

extension IntLanes {
    /// The same bits as signed lanes (OpenCL `as_int8`).
    @inlinable @inline(__always)
    init(bitPatterns: WordLanes) { self = unsafeBitCast(bitPatterns, to: IntLanes.self) }
}

extension WideLanes {
    /// The words of `x` in the low halves of the lanes (zero high halves).
    @inlinable @inline(__always)
    init(widening x: WordLanes) {
        self.init(UInt64(x[0]), UInt64(x[1]), UInt64(x[2]), UInt64(x[3]),
                  UInt64(x[4]), UInt64(x[5]), UInt64(x[6]), UInt64(x[7]))
    }

    /// Lane l of `low` in the low half and lane l of `high` in the high half of lane l: viewed as
    /// sixteen 32-bit words, `(low[0], high[0], low[1], high[1], ...)`.
    @inlinable @inline(__always)
    init(interleavingLow low: WideLanes, high: WideLanes) {
        self = (low & WideLanes(repeating: 0xFFFF_FFFF)) | (high &<< 32)
    }

    /// The sixteen 32-bit words of the lanes, low half first, as two halves of eight.
    @inlinable @inline(__always)
    var words: (WordLanes, WordLanes) {
        let all = unsafeBitCast(self, to: SIMD16<UInt32>.self)
        return (all.lowHalf, all.highHalf)
    }
}

extension WordLanes {
    /// The low halves of the lanes of `x`.
    @inlinable @inline(__always)
    init(narrowing x: WideLanes) {
        self.init(UInt32(truncatingIfNeeded: x[0]), UInt32(truncatingIfNeeded: x[1]),
                  UInt32(truncatingIfNeeded: x[2]), UInt32(truncatingIfNeeded: x[3]),
                  UInt32(truncatingIfNeeded: x[4]), UInt32(truncatingIfNeeded: x[5]),
                  UInt32(truncatingIfNeeded: x[6]), UInt32(truncatingIfNeeded: x[7]))
    }
}

/// Lane masks (all ones or zero) for words below 2^31, such as the magnitude bits of float32 patterns,
/// from plain vector subtractions and arithmetic shifts: the standard library's unsigned SIMD
/// comparisons went lane by lane through memory on baseline x86-64 (SSE2 compares only signed words).
extension WordLanes {
    /// All ones in the lanes where `x < bound`; `x` and `bound` below 2^31.
    @inlinable @inline(__always)
    static func lessMask(_ x: WordLanes, _ bound: UInt32) -> WordLanes {
        WordLanes(truncatingIfNeeded: IntLanes(truncatingIfNeeded: x &- bound) &>> 31)
    }

    /// All ones in the lanes where `x > bound`; `x` and `bound` below 2^31.
    @inlinable @inline(__always)
    static func greaterMask(_ x: WordLanes, _ bound: UInt32) -> WordLanes {
        WordLanes(truncatingIfNeeded: IntLanes(truncatingIfNeeded: WordLanes(repeating: bound) &- x) &>> 31)
    }

    /// Whether some lane has a bit set (a few `por` and one `pmovmskb`, not a lane-by-lane loop).
    @inlinable @inline(__always)
    var anyBitSet: Bool {
        let four = lowHalf | highHalf
        let two = four.lowHalf | four.highHalf
        return (two[0] | two[1]) != 0
    }
}

extension SIMD where Scalar == UInt32 {
    /// `a` in the lanes where `mask` has all bits set, `b` where it is zero (OpenCL `bitselect(b, a, mask)`).
    @inlinable @inline(__always)
    static func select(_ mask: Self, _ a: Self, _ b: Self) -> Self {
        (a & mask) | (b & ~mask)
    }
}
