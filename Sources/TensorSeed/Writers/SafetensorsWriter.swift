import Dispatch
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The `__metadata__` keys TensorSeed records, enough to regenerate and check every tensor.
public enum TensorSeedMetadata {
    /// `StreamSpec.version`, decimal.
    public static let specVersion = "tensorseed.spec_version"
    /// The seed, decimal.
    public static let seed = "tensorseed.seed"
    /// Prefix of each tensor's `{"scheme": ..., "recipe": ...}` JSON.
    public static let schemePrefix = "tensorseed.scheme."
    /// Prefix of each tensor's `TensorDigest` text.
    public static let digestPrefix = "tensorseed.digest."
    /// Prefix of a sliced tensor's `TensorSlice.json` (the part of the whole tensor it holds).
    public static let slicePrefix = "tensorseed.slice."

    /// The metadata of `plan`, with `digests` by tensor name (a placeholder of the same width where absent).
    static func metadata(of plan: ModelPlan, digests: [JSONKey: UInt64]) -> [JSONKey: String] {
        var metadata: [JSONKey: String] = [JSONKey(specVersion): String(StreamSpec.version), JSONKey(seed): String(plan.seed)]
        for job in plan.tensors {
            metadata[schemePrefix + job.name] = JSONValue.object(["scheme": SchemeJSON.value(of: job.scheme),
                                                                  "recipe": SchemeJSON.value(of: job.recipe)]).rendered
            metadata[digestPrefix + job.name] = TensorDigest.text(digests[job.name] ?? 0)
            if let slice = job.slice { metadata[slicePrefix + job.name] = slice.json.rendered }
        }
        return metadata
    }
}

/// Why a file could not be written. Every case leaves no file behind (the temporary file is removed).
public enum WriterError: Error, CustomStringConvertible, Equatable {
    case exists(path: String)
    case cannotCreate(path: String, reason: String)
    case diskFull(path: String, bytes: Int)
    case writeFailed(path: String, reason: String)
    case interrupted(path: String, signal: Int32)
    /// The plan cannot be written in the requested format (e.g. bfloat16 as .npy).
    case unsupported(path: String, reason: String)
    /// A symbolic link to nothing is at the path (replaced only with `force`).
    case danglingLink(path: String, target: String)
    /// Another process created the path while this one was writing it (the final move never replaces).
    case createdMeanwhile(path: String)
    /// A directory is at the path: not replaced, even with `force`.
    case isDirectory(path: String)
    /// Something other than a regular file or a directory is at the path (`kind`, e.g. "a FIFO (named pipe)",
    /// "a symbolic link to a directory"): not replaced, even with `force` (`StagedOutput.checkReplaceable`).
    case notRegularFile(path: String, kind: String)
    /// The file name is longer than a file system allows (`TemporaryName.maximumNameBytes`).
    case nameTooLong(path: String, bytes: Int)
    /// The files to write need more than the free space of their file system (checked before writing).
    case noRoom(path: String, bytes: Int, available: Int)

    public var description: String {
        switch self {
        case let .exists(path): return "\(path) already exists (use --force to overwrite it)"
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .diskFull(path, bytes): return "no space left on the device for \(path)\(bytes > 0 ? " (\(bytes) bytes needed)" : ""); nothing was written"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason); nothing was written"
        case let .interrupted(path, signal): return "interrupted by signal \(signal) while writing \(path); nothing was written"
        case let .unsupported(path, reason): return "cannot write \(path): \(reason)"
        case let .danglingLink(path, target):
            return "\(path) already exists as a symbolic link to the missing \(target) (use --force to replace the link)"
        case let .createdMeanwhile(path):
            return "\(path) was created by another process while this one was writing it; it was kept and nothing was written"
        case let .isDirectory(path): return "\(path) is a directory; nothing was written (give a file name, or remove the directory)"
        case let .notRegularFile(path, kind):
            return "\(path) is \(kind), not a regular file; nothing was written (--force replaces only a regular file or a symbolic link to one)"
        case let .nameTooLong(path, bytes):
            return "cannot write \(path): its name is \(bytes) bytes, more than the \(TemporaryName.maximumNameBytes) a file system allows; nothing was written"
        case let .noRoom(path, bytes, available):
            return "no space left on the device for \(path): \(bytes) bytes needed, \(available) available; nothing was written"
        }
    }

    /// The error for a failed write or sync with `errno` `code`.
    static func failure(_ code: Int32, path: String) -> WriterError {
        code == ENOSPC || code == EDQUOT ? .diskFull(path: path, bytes: 0) : .writeFailed(path: path, reason: String(cString: strerror(code)))
    }
}

/// What a finished write did.
public struct WriteSummary: Sendable {
    /// The file written, or the index of a sharded set.
    public var path: String
    /// Every file written (the shards, then the index, for a sharded set).
    public var files: [String]
    public var tensors: Int
    public var parameters: Int
    /// Bytes of the whole file.
    public var fileBytes: Int
    public var seconds: Double
    /// The engine's name and why it was chosen.
    public var engine: String
    public var engineReason: String
    /// Files of an earlier sharded set under the same name that `--force` removed (`ShardNames.staleFiles`).
    public var removed: [String] = []
    /// File bytes per second, in GB/s (10^9).
    public var gigabytesPerSecond: Double { Double(fileBytes) / max(seconds, 1e-9) / 1e9 }
}

/// Writes a `ModelPlan` as one safetensors file, streaming: the header is computed up front, then
/// the tensors are generated in chunks of `chunkBytes` into two staging buffers, one being filled while
/// a writer thread writes the other, so memory stays at 2 × `chunkBytes` whatever the model size.
///
/// The data goes to a temporary file in the target folder (`.NAME.tensorseed-PID.tmp`), renamed on
/// success; on any error or interruption it is removed. An existing file is replaced only with `force`.
/// `writeSharded` writes a Hugging Face sharded set and `writeNpy` a single tensor as .npy, the same way.
/// In the data section tensors are ordered by element size (largest first), then as in the plan, so
/// every tensor starts at a multiple of its element size.
public struct SafetensorsWriter: Sendable {
    public var engine: EngineChoice
    public var threads: Int?
    public var selfCheck: Bool
    public var chunkBytes: Int
    public var force: Bool

    /// A writer; `chunkBytes` is rounded down to a multiple of 8 (at least 8).
    public init(engine: EngineChoice = .auto, threads: Int? = nil, selfCheck: Bool = true,
                chunkBytes: Int = 32 << 20, force: Bool = false) {
        self.engine = engine
        self.threads = threads
        self.selfCheck = selfCheck
        self.chunkBytes = max(8, chunkBytes / 8 * 8)
        self.force = force
    }

    /// The plan's tensors in data order with their byte ranges.
    public static func layout(_ plan: ModelPlan) -> [(job: TensorJob, begin: Int)] {
        let ordered = plan.tensors.enumerated().sorted { ($1.element.dtype.byteSize, $0.offset) < ($0.element.dtype.byteSize, $1.offset) }
        var position = 0
        return ordered.map { _, job in
            defer { position += job.byteCount }
            return (job, position)
        }
    }

    /// The header of `plan` with `digests` (placeholders where absent).
    public static func header(_ plan: ModelPlan, digests: [JSONKey: UInt64] = [:]) -> SafetensorsHeader {
        let entries = layout(plan).map { job, begin in
            SafetensorsEntry(name: job.name, dtype: job.dtype.rawValue, shape: job.shape, begin: begin, end: begin + job.byteCount)
        }
        return SafetensorsHeader(entries: entries, metadata: TensorSeedMetadata.metadata(of: plan, digests: digests))
    }

    /// Writes `plan` to `path`; `progress(bytesWritten, totalBytes)` is called after each chunk.
    public func write(_ plan: ModelPlan, to path: String,
                      progress: ((_ written: Int, _ total: Int) -> Void)? = nil) throws -> WriteSummary {
        try plan.checkHeaderSizes()
        let start = DispatchTime.now().uptimeNanoseconds
        let output = StagedOutput(force: force)
        defer { output.discard() }
        try output.checkAbsent([path])
        let generator = TensorGenerator(seed: plan.seed, threads: threads, selfCheck: selfCheck)
        let selection = try generator.engine(engine)
        let total = SafetensorsWriter.header(plan).fileBytes().count + plan.byteCount
        try output.write(path) { fd in
            try writeSafetensors(plan, fd: fd, path: path, generator: generator) { progress?($0, total) }
        }
        try output.commit()
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return WriteSummary(path: path, files: [path], tensors: plan.tensors.count, parameters: plan.parameterCount, fileBytes: total,
                            seconds: seconds, engine: selection.engine.name, engineReason: selection.reason)
    }

    /// Streams `plan` as one safetensors file into `fd`: the header with placeholder digests, the data,
    /// then the header again with the digests (the same length). Returns the file's length.
    @discardableResult
    func writeSafetensors(_ plan: ModelPlan, fd: Int32, path: String, generator: TensorGenerator,
                          progress: (_ written: Int) -> Void) throws -> Int {
        let layout = SafetensorsWriter.layout(plan)
        let headerBytes = SafetensorsWriter.header(plan).fileBytes()
        let digests = try stream(layout.map(\.job), after: headerBytes, fd: fd, path: path, generator: generator, progress: progress)
        let finalHeader = SafetensorsWriter.header(plan, digests: digests).fileBytes()
        precondition(finalHeader.count == headerBytes.count, "the digests changed the header's length")
        try writeFully(fd, finalHeader, at: 0, path: path)
        return headerBytes.count + plan.byteCount
    }

    /// Writes `header` at offset 0 of `fd` and then the data of `jobs` in that order, generated in chunks
    /// into the two staging buffers while the writer thread writes and digests the other. Returns each
    /// tensor's digest by name; `progress` gets the bytes of the file written so far.
    func stream(_ jobs: [TensorJob], after header: [UInt8], fd: Int32, path: String, generator: TensorGenerator,
                progress: (_ written: Int) -> Void) throws -> [JSONKey: UInt64] {
        let total = header.count + jobs.reduce(0) { $0 + $1.byteCount }
        try FileReservation.reserve(fd, bytes: total, path: path)

        let pipeline = WritePipeline(fd: fd, path: path, tensorCount: jobs.count)
        try pipeline.write(header, at: 0)
        let buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64) }
        defer { buffers.forEach { $0.deallocate() } }

        var current = 0, used = 0, position = header.count
        var pieces: [(slot: Int, range: Range<Int>)] = []
        func flush() throws {
            guard used > 0 else { return }
            pipeline.submit(UnsafeRawBufferPointer(rebasing: buffers[current][0..<used]), at: position, pieces: pieces)
            position += used
            used = 0
            pieces = []
            current ^= 1
            pipeline.slots.wait()
            try pipeline.check()
            progress(pipeline.bytesWritten + header.count)
        }
        do {
            pipeline.slots.wait()
            for (slot, job) in jobs.enumerated() {
                let size = job.dtype.byteSize
                var done = 0
                while done < job.elementCount {
                    let signal = Interruption.signalNumber
                    if signal != 0 { throw WriterError.interrupted(path: path, signal: signal) }
                    let count = min((chunkBytes - used) / size, job.elementCount - done)
                    let range = used..<(used + count * size)
                    try generator.fill(UnsafeMutableRawBufferPointer(rebasing: buffers[current][range]), job: job, offset: UInt64(done), on: engine)
                    pieces.append((slot, range))
                    used += count * size
                    done += count
                    if chunkBytes - used < size { try flush() }
                }
            }
            try flush()
            pipeline.drain()
            try pipeline.check()
        } catch {
            pipeline.drain()
            throw error
        }
        var digests: [JSONKey: UInt64] = [:]
        for (slot, job) in jobs.enumerated() { digests[job.name] = pipeline.digests[slot].value }
        return digests
    }
}

/// The writer thread: writes submitted chunks in order and, on a thread of its own at the same time, digests
/// them per tensor (in order too); a staging buffer is free again once both are done with it.
private final class WritePipeline: @unchecked Sendable {
    let fd: Int32
    let path: String
    /// Free staging buffers (two). Created at 0 and signalled twice: libdispatch traps when a semaphore
    /// is freed with a value below its initial one.
    let slots: DispatchSemaphore = {
        let semaphore = DispatchSemaphore(value: 0)
        semaphore.signal()
        semaphore.signal()
        return semaphore
    }()
    private let queue = DispatchQueue(label: "tensorseed.safetensors-writer")
    private let digestQueue = DispatchQueue(label: "tensorseed.safetensors-digest")
    private let lock = NSLock()
    private var error: WriterError?
    private var written = 0
    /// Touched only on `digestQueue`, one chunk at a time, until `drain()`.
    var digests: [TensorDigest]
    /// File ranges written whose writeback was started but not waited for (on `queue`).
    private var inFlight: [Range<Int>] = []

    init(fd: Int32, path: String, tensorCount: Int) {
        self.fd = fd
        self.path = path
        self.digests = [TensorDigest](repeating: TensorDigest(), count: tensorCount)
    }

    var bytesWritten: Int { lock.withLock { written } }

    func check() throws {
        if let error = lock.withLock({ error }) { throw error }
    }

    func drain() { queue.sync {} }

    /// Queues `bytes` to be written at `offset`; signals `slots` when the buffer may be reused.
    func submit(_ bytes: UnsafeRawBufferPointer, at offset: Int, pieces: [(slot: Int, range: Range<Int>)]) {
        let chunk = StagedChunk(bytes: bytes)
        queue.async {
            let bytes = chunk.bytes
            defer { self.slots.signal() }
            guard self.lock.withLock({ self.error == nil }) else { return }
            let digested = DispatchGroup()
            self.digestQueue.async(group: digested) {
                let bytes = chunk.bytes
                for piece in pieces { self.digests[piece.slot].update(UnsafeRawBufferPointer(rebasing: bytes[piece.range])) }
            }
            defer { digested.wait() }
            do {
                try self.write(bytes, at: offset)
                self.lock.withLock { self.written += bytes.count }
                // Disk writes overlap generation; waiting for the chunk before the previous one bounds the
                // dirty pages to about three chunks and slows the producer to the disk's pace.
                FileWriteback.start(self.fd, offset: offset, length: bytes.count)
                if self.inFlight.count == 2 {
                    let oldest = self.inFlight.removeFirst()
                    FileWriteback.finish(self.fd, offset: oldest.lowerBound, length: oldest.count)
                }
                self.inFlight.append(offset ..< offset + bytes.count)
            } catch let error as WriterError {
                self.lock.withLock { self.error = error }
            } catch {}
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws { try writeFully(fd, bytes, at: offset, path: path) }

    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws { try writeFully(fd, bytes, at: offset, path: path) }
}

/// Writes `bytes` to `fd` at `offset` (pwrite until done, retrying interrupted and short writes).
func writeFully(_ fd: Int32, _ bytes: [UInt8], at offset: Int, path: String) throws {
    try bytes.withUnsafeBytes { try writeFully(fd, $0, at: offset, path: path) }
}

/// Writes `bytes` to `fd` at `offset` (pwrite until done, retrying interrupted and short writes).
func writeFully(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, at offset: Int, path: String) throws {
    var done = 0
    while done < bytes.count {
        let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
        if n < 0 {
            if errno == EINTR { continue }
            throw WriterError.failure(errno, path: path)
        }
        if n == 0 { throw WriterError.failure(ENOSPC, path: path) }
        done += n
    }
}

/// A staging buffer handed to the writer thread; the producer does not touch it until `slots` is signalled.
private struct StagedChunk: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
