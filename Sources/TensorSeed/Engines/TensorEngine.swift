/// An engine fills any range of any tensor's stream with float32 values.
///
/// Every engine gives the same bits for the same (stream, range, distribution): that is
/// the product (SPEC.md). Engines differ only in where and how fast the work runs.
public protocol TensorEngine: Sendable {
    /// A short human-readable name, e.g. "cpu (2 threads)".
    var name: String { get }

    /// Writes elements `offset ..< offset + buffer.count` of `stream` in `distribution` to `buffer`.
    func fill(_ buffer: UnsafeMutableBufferPointer<Float>, stream: TensorStream, offset: UInt64,
              distribution: Distribution) throws

    /// Writes elements `offset ..< offset + destination.count / type.byteSize` of `stream`, stored as `type`
    /// (little-endian), to `destination`. The default generates float32 and converts on the host (`fillStaged`).
    func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream, offset: UInt64,
              distribution: Distribution) throws
}

extension TensorEngine {
    public func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream, offset: UInt64,
                     distribution: Distribution) throws {
        try fillStaged(destination, as: type, stream: stream, offset: offset, distribution: distribution)
    }
}

extension TensorEngine {
    /// Elements `offset ..< offset + count` of `stream`, as a new array.
    public func generate(stream: TensorStream, offset: UInt64 = 0, count: Int,
                         distribution: Distribution) throws -> [Float] {
        try [Float](unsafeUninitializedCapacity: count) { buffer, initialized in
            try fill(buffer, stream: stream, offset: offset, distribution: distribution)
            initialized = count
        }
    }
}

/// Errors from filling a tensor range.
public enum EngineError: Error, CustomStringConvertible, Equatable {
    /// The range `offset ..< offset + count` runs past element 2^64 − 1.
    case rangeOverflow(offset: UInt64, count: Int)

    /// Throws `rangeOverflow` unless elements `offset ..< offset + count` (count > 0) all have 64-bit indices.
    public static func checkRange(offset: UInt64, count: Int) throws {
        guard UInt64(count - 1) <= UInt64.max - offset else { throw EngineError.rangeOverflow(offset: offset, count: count) }
    }

    public var description: String {
        switch self {
        case let .rangeOverflow(offset, count):
            return "range \(offset) ..< \(offset) + \(count) runs past the last element index 2^64 - 1"
        }
    }
}
