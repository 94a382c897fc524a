/// One check of the conformance battery (`ConformanceBattery`): a range of one tensor's stream, stored as
/// one type, whose bits must equal what they should be; or an orthogonal tensor made from the engine's normals.
public struct ConformanceCheck: Sendable, Hashable {
    /// What the check generates.
    public enum Subject: Sendable, Hashable {
        /// Elements `offset ..< offset + count` of `TensorStream(seed:name:)` in `distribution`, stored as `storage`.
        case range(seed: UInt64, name: String, offset: UInt64, count: Int, distribution: Distribution, storage: StorageType)
        /// The `orthogonal(gain: 1)` tensor `name` of shape rows × columns (normals from the engine, QR on the host),
        /// as float32.
        case orthogonal(seed: UInt64, name: String, rows: Int, columns: Int)
    }

    /// What the bits are compared with.
    public enum Reference: Sendable, Hashable {
        /// The CPU engine's bits for the same subject.
        case cpuEngine
        /// Published float32 bit patterns (SPEC.md's test vectors), one per element of the range.
        case published([UInt32])
    }

    /// A short human-readable name, e.g. "normal bf16, 4099 elements at 123456".
    public let label: String
    public let subject: Subject
    public let reference: Reference

    /// Bytes per element of the result.
    public var storage: StorageType {
        switch subject {
        case let .range(_, _, _, _, _, storage): return storage
        case .orthogonal: return .float32
        }
    }

    /// Elements the check compares.
    public var count: Int {
        switch subject {
        case let .range(_, _, _, count, _, _): return count
        case let .orthogonal(_, _, rows, columns): return rows * columns
        }
    }

    /// The stream element index of result element `position` (the flat index for an orthogonal tensor).
    public func elementIndex(_ position: Int) -> UInt64 {
        switch subject {
        case let .range(_, _, offset, _, _, _): return offset + UInt64(position)
        case .orthogonal: return UInt64(position)
        }
    }
}

/// The first element at which an engine's result differs from the reference.
public struct ConformanceMismatch: Sendable, Hashable {
    /// The check that failed.
    public let check: ConformanceCheck
    /// The element's index in the tensor (its stream index).
    public let index: UInt64
    /// Expected and actual bit patterns, `check.storage.byteSize` bytes wide (little-endian value).
    public let expected: UInt64, actual: UInt64
    /// How many elements of the check differ.
    public let differing: Int
}
