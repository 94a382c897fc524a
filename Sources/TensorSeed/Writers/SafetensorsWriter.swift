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

    /// The metadata of `plan`, with `digests` by tensor name (a placeholder of the same width where absent).
    static func metadata(of plan: ModelPlan, digests: [String: UInt64]) -> [String: String] {
        var metadata = [specVersion: String(StreamSpec.version), seed: String(plan.seed)]
        for job in plan.tensors {
            metadata[schemePrefix + job.name] = JSONValue.object(["scheme": SchemeJSON.value(of: job.scheme),
                                                                  "recipe": SchemeJSON.value(of: job.recipe)]).rendered
            metadata[digestPrefix + job.name] = TensorDigest.text(digests[job.name] ?? 0)
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

    public var description: String {
        switch self {
        case let .exists(path): return "\(path) already exists (use --force to overwrite it)"
        case let .cannotCreate(path, reason): return "cannot create \(path): \(reason)"
        case let .diskFull(path, bytes): return "no space left on the device for \(path)\(bytes > 0 ? " (\(bytes) bytes needed)" : ""); nothing was written"
        case let .writeFailed(path, reason): return "cannot write \(path): \(reason); nothing was written"
        case let .interrupted(path, signal): return "interrupted by signal \(signal) while writing \(path); nothing was written"
        }
    }
}

/// What a finished write did.
public struct WriteSummary: Sendable {
    public var path: String
    public var tensors: Int
    public var parameters: Int
    /// Bytes of the whole file.
    public var fileBytes: Int
    public var seconds: Double
    /// The engine's name and why it was chosen.
    public var engine: String
    public var engineReason: String
    /// File bytes per second, in GB/s (10^9).
    public var gigabytesPerSecond: Double { Double(fileBytes) / max(seconds, 1e-9) / 1e9 }
}

/// Writes a `ModelPlan` as one safetensors file, streaming: the header is computed up front, then
/// the tensors are generated in chunks of `chunkBytes` into two staging buffers, one being filled while
/// a writer thread writes the other, so memory stays at 2 × `chunkBytes` whatever the model size.
///
/// The data goes to a temporary file in the target folder (`.NAME.tensorseed-PID.tmp`), renamed on
/// success; on any error or interruption it is removed. An existing file is replaced only with `force`.
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
    public static func header(_ plan: ModelPlan, digests: [String: UInt64] = [:]) -> SafetensorsHeader {
        let entries = layout(plan).map { job, begin in
            SafetensorsEntry(name: job.name, dtype: job.dtype.rawValue, shape: job.shape, begin: begin, end: begin + job.byteCount)
        }
        return SafetensorsHeader(entries: entries, metadata: TensorSeedMetadata.metadata(of: plan, digests: digests))
    }

    /// Writes `plan` to `path`; `progress(bytesWritten, totalBytes)` is called after each chunk.
    public func write(_ plan: ModelPlan, to path: String,
                      progress: ((_ written: Int, _ total: Int) -> Void)? = nil) throws -> WriteSummary {
        let start = DispatchTime.now().uptimeNanoseconds
        if !force, access(path, F_OK) == 0 { throw WriterError.exists(path: path) }
        let generator = TensorGenerator(seed: plan.seed, threads: threads, selfCheck: selfCheck)
        let selection = try generator.engine(engine)
        let layout = SafetensorsWriter.layout(plan)
        let headerBytes = SafetensorsWriter.header(plan).fileBytes()
        let total = headerBytes.count + plan.byteCount

        let url = URL(fileURLWithPath: path)
        let temporary = url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).tensorseed-\(getpid()).tmp").path
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw WriterError.cannotCreate(path: temporary, reason: String(cString: strerror(errno))) }
        Interruption.register(temporary: temporary)
        var finished = false
        var closed = false
        defer {
            if !closed { close(fd) }
            if !finished { unlink(temporary) }
            Interruption.unregister()
        }
        let reserve = posix_fallocate(fd, 0, off_t(total))
        if reserve == ENOSPC || reserve == EFBIG { throw WriterError.diskFull(path: path, bytes: total) }

        let pipeline = WritePipeline(fd: fd, path: path, tensorCount: layout.count)
        try pipeline.write(headerBytes, at: 0)
        let buffers = (0..<2).map { _ in UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64) }
        defer { buffers.forEach { $0.deallocate() } }

        var current = 0, used = 0, position = headerBytes.count
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
            progress?(pipeline.bytesWritten + headerBytes.count, total)
        }
        do {
            pipeline.slots.wait()
            for (slot, (job, _)) in layout.enumerated() {
                let size = job.dtype.byteSize
                var done = 0
                while done < job.elementCount {
                    let signal = Interruption.signalNumber
                    if signal != 0 { throw WriterError.interrupted(path: path, signal: signal) }
                    let count = min((chunkBytes - used) / size, job.elementCount - done)
                    let range = used..<(used + count * size)
                    try generator.fill(UnsafeMutableRawBufferPointer(rebasing: buffers[current][range]), tensor: job.name,
                                       recipe: job.recipe, shape: job.shape, offset: UInt64(done), dtype: job.dtype, on: engine)
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

        var digests: [String: UInt64] = [:]
        for (slot, (job, _)) in layout.enumerated() { digests[job.name] = pipeline.digests[slot].value }
        let finalHeader = SafetensorsWriter.header(plan, digests: digests).fileBytes()
        precondition(finalHeader.count == headerBytes.count, "the digests changed the header's length")
        try pipeline.write(finalHeader, at: 0)
        guard fsync(fd) == 0 else { throw pipeline.failure(errno) }
        closed = true
        guard close(fd) == 0 else { throw pipeline.failure(errno) }
        let signal = Interruption.signalNumber
        if signal != 0 { throw WriterError.interrupted(path: path, signal: signal) }
        if !force, access(path, F_OK) == 0 { throw WriterError.exists(path: path) }
        guard rename(temporary, path) == 0 else { throw WriterError.writeFailed(path: path, reason: "rename: \(String(cString: strerror(errno)))") }
        finished = true
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        return WriteSummary(path: path, tensors: plan.tensors.count, parameters: plan.parameterCount, fileBytes: total,
                            seconds: seconds, engine: selection.engine.name, engineReason: selection.reason)
    }
}

/// The writer thread: writes submitted chunks in order and digests them per tensor.
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
    private let lock = NSLock()
    private var error: WriterError?
    private var written = 0
    /// Touched only on `queue` until `drain()`.
    var digests: [TensorDigest]

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

    func failure(_ code: Int32) -> WriterError {
        code == ENOSPC || code == EDQUOT ? .diskFull(path: path, bytes: 0) : .writeFailed(path: path, reason: String(cString: strerror(code)))
    }

    /// Queues `bytes` to be written at `offset`; signals `slots` when the buffer may be reused.
    func submit(_ bytes: UnsafeRawBufferPointer, at offset: Int, pieces: [(slot: Int, range: Range<Int>)]) {
        let chunk = StagedChunk(bytes: bytes)
        queue.async {
            let bytes = chunk.bytes
            defer { self.slots.signal() }
            guard self.lock.withLock({ self.error == nil }) else { return }
            for piece in pieces { self.digests[piece.slot].update(UnsafeRawBufferPointer(rebasing: bytes[piece.range])) }
            do {
                try self.write(bytes, at: offset)
                self.lock.withLock { self.written += bytes.count }
            } catch let error as WriterError {
                self.lock.withLock { self.error = error }
            } catch {}
        }
    }

    func write(_ bytes: [UInt8], at offset: Int) throws {
        try bytes.withUnsafeBytes { try write($0, at: offset) }
    }

    /// pwrite until done, retrying interrupted and short writes.
    func write(_ bytes: UnsafeRawBufferPointer, at offset: Int) throws {
        var done = 0
        while done < bytes.count {
            let n = pwrite(fd, bytes.baseAddress! + done, bytes.count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw failure(errno)
            }
            if n == 0 { throw failure(ENOSPC) }
            done += n
        }
    }
}

/// A staging buffer handed to the writer thread; the producer does not touch it until `slots` is signalled.
private struct StagedChunk: @unchecked Sendable {
    let bytes: UnsafeRawBufferPointer
}
