/// Eight 32-bit words, one per Philox block processed side by side.
///
/// The CPU code and the OpenCL kernels (`kernels/`) both work on groups of eight
/// blocks: `WordLanes` mirrors OpenCL's `uint8`, `FloatLanes` mirrors `float8`,
/// `IntLanes` mirrors `int8`. Lane width is an implementation detail: every
/// element of a stream is defined on its own (SPEC.md) and no lane reads another.
public typealias WordLanes = SIMD8<UInt32>
/// Eight float32 values; mirrors OpenCL's `float8`.
public typealias FloatLanes = SIMD8<Float>
/// Eight signed 32-bit integers; mirrors OpenCL's `int8`.
public typealias IntLanes = SIMD8<Int32>

extension FloatLanes {
    /// The IEEE-754 bit patterns of the lanes (OpenCL `as_uint8`).
    @inlinable @inline(__always)
    var bitPatterns: WordLanes { unsafeBitCast(self, to: WordLanes.self) }

    /// Lanes made from IEEE-754 bit patterns (OpenCL `as_float8`).
    @inlinable @inline(__always)
    init(bitPatterns: WordLanes) { self = unsafeBitCast(bitPatterns, to: FloatLanes.self) }
}
