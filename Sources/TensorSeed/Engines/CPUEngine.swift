import CWideStream
import Dispatch

/// The CPU engine: fills ranges with SIMD code on every core.
///
/// The range is cut into tasks of `taskSize` elements aligned to 32-element groups; tasks
/// run concurrently and each writes its own part of the buffer. Since every element is a
/// pure function of its index, the bits do not depend on the thread count or the split.
/// The hot loops run on the widest instruction-set path the processor has (`CPUPath`), or the one
/// `TENSORSEED_CPU_PATH` forces; the path changes the speed, never the bits.
public struct CPUEngine: TensorEngine {
    /// Number of threads; 1 runs on the caller's thread.
    public let threads: Int
    /// The instruction-set path of the hot loops.
    public let path: CPUPath
    /// Set when `TENSORSEED_CPU_PATH` names no usable path: every fill throws it (the engine cannot start).
    private let pathError: CPUPathError?
    /// Elements per task (a multiple of 32): 64 Ki elements, 256 KiB of float32, fits in L2.
    public static let taskSize = 1 << 16

    /// An engine on `threads` threads (default: every active core), on the path `TENSORSEED_CPU_PATH` names
    /// or else the widest this processor supports. A bad `TENSORSEED_CPU_PATH` makes every fill throw.
    public init(threads: Int? = nil) {
        self.threads = max(1, threads ?? CPUEngine.activeCores)
        do {
            path = try CPUPath.fromEnvironment()
            pathError = nil
        } catch {
            path = .baseline
            pathError = error as? CPUPathError
        }
    }

    /// An engine forced onto `path` (whatever the environment says); throws `CPUPathError` if the processor lacks it.
    public init(threads: Int? = nil, path: CPUPath) throws {
        guard path.isSupported else { throw CPUPathError.unsupported(path, supported: CPUPath.supported) }
        self.threads = max(1, threads ?? CPUEngine.activeCores)
        self.path = path
        pathError = nil
    }

    /// One engine per path this processor supports, narrowest first (for conformance checks and benchmarks).
    public static func everyPath(threads: Int? = nil) -> [CPUEngine] {
        CPUPath.supported.compactMap { try? CPUEngine(threads: threads, path: $0) }
    }

    /// The cores this process may use.
    public static var activeCores: Int { ProcessInfoCores.count }

    public var name: String { "cpu (\(threads) thread\(threads == 1 ? "" : "s"))" }

    public func fill(_ buffer: UnsafeMutableBufferPointer<Float>, stream: TensorStream, offset: UInt64,
                     distribution: Distribution) throws {
        guard buffer.count > 0, let base = buffer.baseAddress else { return }
        let pointer = UnsafeMutablePointerBox(base)
        let path = try checkedPath()
        try forEachTask(count: buffer.count, offset: offset) { start, end in
            CPUEngine.fillRange(pointer.pointer + start, count: end - start, stream: stream, offset: offset + UInt64(start),
                                distribution: distribution, path: path)
        }
    }

    /// float16, bfloat16 and float64 are converted by the task that generated the values, while they are in
    /// its cache, on every thread (the generic `fillStaged` converts on one thread after the fill).
    public func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream, offset: UInt64,
                     distribution: Distribution) throws {
        let count = destination.count / type.byteSize
        guard count > 0, let base = destination.baseAddress else { return }
        if type == .float32 {
            return try fill(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count),
                            stream: stream, offset: offset, distribution: distribution)
        }
        let pointer = UnsafeMutableRawPointerBox(base)
        let path = try checkedPath()
        try forEachTask(count: count, offset: offset) { start, end in
            withUnsafeTemporaryAllocation(of: Float.self, capacity: end - start) { staging in
                CPUEngine.fillRange(staging.baseAddress!, count: end - start, stream: stream, offset: offset + UInt64(start),
                                    distribution: distribution, path: path)
                CPUEngine.store(UnsafeBufferPointer(staging), as: type, to: pointer.pointer + start * type.byteSize, path: path)
            }
        }
    }

    /// The path to run, or the environment's error.
    private func checkedPath() throws -> CPUPath {
        if let pathError { throw pathError }
        return path
    }

    /// `type.store(values, to:)` (`ReducedPrecision`) on `path`: float16 and bfloat16 through the wide conversion.
    static func store(_ values: UnsafeBufferPointer<Float>, as type: StorageType, to destination: UnsafeMutableRawPointer, path: CPUPath) {
        guard path != .baseline, type == .float16 || type == .bfloat16, let source = values.baseAddress else {
            return type.store(values, to: destination)
        }
        let out = destination.assumingMemoryBound(to: UInt16.self)
        let status = type == .float16 ? ts_wide_float16_bits(path.cValue, source, out, values.count)
                                      : ts_wide_bfloat16_bits(path.cValue, source, out, values.count)
        precondition(status == 0, "CPU path \(path) is not available")
    }

    /// Runs `work(start, end)` over buffer positions `0 ..< count` (stream elements from `offset`), in tasks of
    /// at most `taskSize` elements whose boundaries fall on the stream's group boundaries, on `threads` threads.
    private func forEachTask(count: Int, offset: UInt64, _ work: @escaping @Sendable (_ start: Int, _ end: Int) -> Void) throws {
        try EngineError.checkRange(offset: offset, count: count)
        let groupSize = UInt64(TensorStream.groupSize)
        let headCount = Int(min(UInt64(count), (groupSize - offset % groupSize) % groupSize))  // up to the first group boundary
        let bodyCount = count - headCount
        let taskCount = max(1, (bodyCount + CPUEngine.taskSize - 1) / CPUEngine.taskSize)
        let task: @Sendable (Int) -> Void = { task in
            let start = task == 0 ? 0 : headCount + task * CPUEngine.taskSize
            let end = min(count, headCount + (task + 1) * CPUEngine.taskSize)
            if start < end { work(start, end) }
        }
        if threads == 1 || taskCount == 1 {
            for t in 0..<taskCount { task(t) }
        } else {
            // concurrentPerform uses the whole machine; a smaller thread count gets striped tasks.
            let lanes = min(threads, taskCount)
            DispatchQueue.concurrentPerform(iterations: lanes) { lane in
                var t = lane
                while t < taskCount { task(t); t += lanes }
            }
        }
    }

    /// Fills `count` elements from `offset` on the calling thread, on `path`.
    static func fillRange(_ out: UnsafeMutablePointer<Float>, count: Int, stream: TensorStream, offset: UInt64,
                          distribution: Distribution, path: CPUPath) {
        if path == .baseline {
            return fillRange(out, count: count, stream: stream, offset: offset, distribution: distribution)
        }
        let p: TruncatedNormalParameters?
        if case let .truncatedNormal(mean, std, low, high) = distribution {
            p = TruncatedNormalParameters(mean: mean, std: std, low: low, high: high)
        } else {
            p = nil
        }
        fillGroups(out, count: count, offset: offset) { first, groups, destination in
            let status: Int32
            switch distribution {
            case let .uniform(low, high):
                status = ts_wide_fill_uniform(path.cValue, stream.seed, stream.streamID, first, groups, low, high, destination)
            case let .normal(mean, std):
                status = ts_wide_fill_normal(path.cValue, stream.seed, stream.streamID, first, groups, mean, std, destination)
            case let .truncatedNormal(mean, std, low, high):
                status = ts_wide_fill_truncated_normal(path.cValue, stream.seed, stream.streamID, first, groups, mean, std, low, high,
                                                       p!.erfLow, p!.erfWidth, destination)
            }
            precondition(status == 0, "CPU path \(path) is not available")
        }
    }

    /// Fills `count` elements from `offset` on the calling thread (the baseline path, Swift).
    @inlinable
    static func fillRange(_ out: UnsafeMutablePointer<Float>, count: Int, stream: TensorStream, offset: UInt64,
                          distribution: Distribution) {
        // One loop per distribution, so that the per-group `switch` in `TensorStream.values` folds away.
        switch distribution {
        case let .uniform(low, high):
            fillGroups(out, count: count, stream: stream, offset: offset, distribution: .uniform(low: low, high: high))
        case let .normal(mean, std):
            fillGroups(out, count: count, stream: stream, offset: offset, distribution: .normal(mean: mean, std: std))
        case let .truncatedNormal(mean, std, low, high):
            let p = TruncatedNormalParameters(mean: mean, std: std, low: low, high: high)
            fillGroups(out, count: count, offset: offset) { group, destination in
                stream.storeTruncatedNormal(group: group, mean: mean, std: std, low: low, high: high, p, to: destination)
            }
        }
    }

    /// The group loop of `fillRange`, inlined into each case with a known distribution.
    @inlinable @inline(__always)
    static func fillGroups(_ out: UnsafeMutablePointer<Float>, count: Int, stream: TensorStream, offset: UInt64,
                           distribution: Distribution) {
        fillGroups(out, count: count, offset: offset) { group, destination in
            stream.store(group: group, distribution, to: destination)
        }
    }

    /// The group loop of the wide paths: `storeGroups(first, n, p)` writes the 32·n values of groups first ..< first + n
    /// to p; whole groups go straight to `out` in one call, a partial group at either end through a scratch group.
    static func fillGroups(_ out: UnsafeMutablePointer<Float>, count: Int, offset: UInt64,
                           storeGroups: (UInt64, Int, UnsafeMutablePointer<Float>) -> Void) {
        let groupSize = TensorStream.groupSize
        var position = 0
        var group = offset / UInt64(groupSize)
        let skip = Int(offset % UInt64(groupSize))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: groupSize) { scratch in
            let scratchBase = scratch.baseAddress!
            func partial(_ from: Int, _ take: Int) {
                storeGroups(group, 1, scratchBase)
                (out + position).update(from: scratchBase + from, count: take)
                position += take
                group &+= 1
            }
            if skip > 0 || count < groupSize { partial(skip, min(groupSize - skip, count)) }
            let whole = (count - position) / groupSize
            if whole > 0 {
                storeGroups(group, whole, out + position)
                position += whole * groupSize
                group &+= UInt64(whole)
            }
            if position < count { partial(0, count - position) }
        }
    }

    /// The group loop: `storeGroup(g, p)` writes the 32 values of group g to p; partial groups at the ends
    /// go through a scratch group.
    @inlinable @inline(__always)
    static func fillGroups(_ out: UnsafeMutablePointer<Float>, count: Int, offset: UInt64,
                           storeGroup: (UInt64, UnsafeMutablePointer<Float>) -> Void) {
        let groupSize = TensorStream.groupSize
        var position = 0
        var group = offset / UInt64(groupSize)
        var skip = Int(offset % UInt64(groupSize))
        withUnsafeTemporaryAllocation(of: Float.self, capacity: groupSize) { scratch in
            let scratchBase = scratch.baseAddress!
            while position < count {
                let take = min(groupSize - skip, count - position)
                if take == groupSize {
                    storeGroup(group, out + position)
                } else {
                    storeGroup(group, scratchBase)
                    (out + position).update(from: scratchBase + skip, count: take)
                }
                position += take
                group &+= 1
                skip = 0
            }
        }
    }
}

/// A raw pointer that the caller promises is used for disjoint writes across threads.
struct UnsafeMutableRawPointerBox: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    init(_ pointer: UnsafeMutableRawPointer) { self.pointer = pointer }
}

/// A pointer that the caller promises is used for disjoint writes across threads.
@usableFromInline
struct UnsafeMutablePointerBox: @unchecked Sendable {
    @usableFromInline let pointer: UnsafeMutablePointer<Float>
    @usableFromInline init(_ pointer: UnsafeMutablePointer<Float>) { self.pointer = pointer }
}
