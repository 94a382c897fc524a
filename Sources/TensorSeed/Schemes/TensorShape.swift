/// Checked size arithmetic: every size computed from untrusted input (a spec, a config, a safetensors
/// header, a command-line count) goes through these, so an overflow is a `nil` the caller turns into a
/// one-line error, never a trap.
public enum CheckedSize {
    /// The product of `factors`, or nil if a factor is negative or the product does not fit in `Int`.
    public static func product(_ factors: [Int]) -> Int? {
        var n = 1
        for f in factors {
            guard f >= 0 else { return nil }
            let (p, overflow) = n.multipliedReportingOverflow(by: f)
            if overflow { return nil }
            n = p
        }
        return n
    }

    /// The sum of `terms`, or nil if a term is negative or the sum does not fit in `Int`.
    public static func sum<S: Sequence>(_ terms: S) -> Int? where S.Element == Int {
        var total = 0
        for t in terms {
            guard t >= 0 else { return nil }
            let (s, overflow) = total.addingReportingOverflow(t)
            if overflow { return nil }
            total = s
        }
        return total
    }
}

/// Shape arithmetic.
public enum TensorShape {
    /// The number of elements, or nil if it does not fit in 63 bits or a dimension is negative.
    public static func elementCount(_ shape: [Int]) -> Int? { CheckedSize.product(shape) }

    /// Bytes of a tensor of `shape` with elements of `elementSize` bytes, or nil if that does not fit in 63 bits.
    public static func byteCount(_ shape: [Int], elementSize: Int) -> Int? { CheckedSize.product(shape + [elementSize]) }
}
