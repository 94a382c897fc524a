import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The result of checking one tensor of a file against its regeneration.
public struct TensorCheck: Sendable, Hashable {
    /// How a tensor compares.
    public enum Outcome: Sendable, Hashable {
        /// Every byte equals the regenerated tensor, and the digest matches.
        case ok
        /// The element at `index` (the first that differs) is not what the metadata regenerates.
        case mismatch(index: Int)
        /// The bytes regenerate but the recorded digest differs (the metadata was altered).
        case digestMismatch(recorded: String, computed: String)
        /// The tensor cannot be regenerated: no or unusable metadata, or an unsupported dtype.
        case unverifiable(reason: String)
    }

    public var name: String
    public var outcome: Outcome

    /// One line for humans: `OK name`, `MISMATCH name: first differing element 17`, ... The name and reason
    /// come from the file: escaped (`PrintableText`), so that a name holding a newline cannot forge a line.
    public var line: String { PrintableText.escaped(rawLine) }

    private var rawLine: String {
        switch outcome {
        case .ok: return "OK        \(name)"
        case let .mismatch(index): return "MISMATCH  \(name): first differing element \(index)"
        case let .digestMismatch(recorded, computed): return "MISMATCH  \(name): data regenerates but digest \(recorded) != \(computed)"
        case let .unverifiable(reason): return "UNCHECKED \(name): \(reason)"
        }
    }
}

/// Why a file cannot be verified at all.
public enum VerifyError: Error, CustomStringConvertible, Equatable {
    case notTensorSeed(path: String)
    case specVersion(path: String, found: String)
    case readFailed(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notTensorSeed(path):
            return "\(path) has no TensorSeed metadata (no \(TensorSeedMetadata.specVersion) in __metadata__): it was not written by tensorseed init, so there is nothing to regenerate"
        case let .specVersion(path, found):
            return "\(path) was written under stream spec version \(found); this build implements version \(StreamSpec.version)"
        case let .readFailed(path, reason): return "cannot read \(path): \(reason)"
        }
    }
}

/// Regenerates every tensor of a TensorSeed-written safetensors file from its metadata and compares
/// bit for bit, reading and generating in chunks of `chunkBytes` (memory stays at 2 × `chunkBytes`).
public struct SafetensorsVerifier: Sendable {
    public var engine: EngineChoice
    public var threads: Int?
    public var selfCheck: Bool
    public var chunkBytes: Int

    /// A verifier running on `engine`.
    public init(engine: EngineChoice = .cpu, threads: Int? = nil, selfCheck: Bool = true, chunkBytes: Int = 32 << 20) {
        self.engine = engine
        self.threads = threads
        self.selfCheck = selfCheck
        self.chunkBytes = max(8, chunkBytes / 8 * 8)
    }

    /// Checks the file at `path`, calling `report` per tensor in data order; returns every check.
    @discardableResult
    public func verify(path: String, report: (TensorCheck) -> Void = { _ in }) throws -> [TensorCheck] {
        let header = try SafetensorsHeader.read(path: path)
        guard let version = header.metadata[TensorSeedMetadata.specVersion] else { throw VerifyError.notTensorSeed(path: path) }
        guard version == String(StreamSpec.version) else { throw VerifyError.specVersion(path: path, found: version) }
        guard let seedText = header.metadata[TensorSeedMetadata.seed], let seed = UInt64(seedText), String(seed) == seedText else {
            throw VerifyError.readFailed(path: path, reason: "\(TensorSeedMetadata.seed) is missing or not a decimal integer as init writes it")
        }
        if let stray = RecordedMetadata.strayKey(header.metadata, names: header.entries.map(\.name)) {
            throw VerifyError.readFailed(path: path, reason: "__metadata__ records \(stray), which names no tensor of the file (the metadata was altered)")
        }
        let fd = open(path, O_RDONLY)
        guard fd >= 0 else { throw VerifyError.readFailed(path: path, reason: String(cString: strerror(errno))) }
        defer { close(fd) }
        // The data starts after the file's own header, whose JSON need not be laid out as this build renders it.
        var length: UInt64 = 0
        guard pread(fd, &length, 8, 0) == 8, let jsonLength = Int(exactly: UInt64(littleEndian: length)), jsonLength <= 100 << 20 else {
            throw VerifyError.readFailed(path: path, reason: "cannot read the header length")
        }
        let dataStart = 8 + jsonLength
        let generator = TensorGenerator(seed: seed, threads: threads, selfCheck: selfCheck)
        let stored = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
        let fresh = UnsafeMutableRawBufferPointer.allocate(byteCount: chunkBytes, alignment: 64)
        defer { stored.deallocate(); fresh.deallocate() }
        var checks: [TensorCheck] = []
        for entry in header.entries {
            let outcome = try check(entry, header: header, dataStart: dataStart, fd: fd, path: path,
                                    generator: generator, stored: stored, fresh: fresh)
            let result = TensorCheck(name: entry.name, outcome: outcome)
            report(result)
            checks.append(result)
        }
        return checks
    }

    private func check(_ entry: SafetensorsEntry, header: SafetensorsHeader, dataStart: Int, fd: Int32, path: String,
                       generator: TensorGenerator, stored: UnsafeMutableRawBufferPointer,
                       fresh: UnsafeMutableRawBufferPointer) throws -> TensorCheck.Outcome {
        guard let dtype = entry.storageType else { return .unverifiable(reason: "dtype \(entry.dtype) is not one TensorSeed writes") }
        guard let text = header.metadata[TensorSeedMetadata.schemePrefix + entry.name] else {
            return .unverifiable(reason: "no \(TensorSeedMetadata.schemePrefix)\(entry.name) in the metadata")
        }
        let recipe: TensorRecipe
        var slice: TensorSlice?
        do {
            if let text = header.metadata[TensorSeedMetadata.slicePrefix + entry.name] {
                slice = try TensorSlice(json: JSONValue.parse(Data(text.utf8)))
                guard slice!.shape == entry.shape else {
                    return .unverifiable(reason: "the slice metadata gives shape \(slice!.shape), the header \(entry.shape)")
                }
            }
            let (schemeValue, recipeValue) = try RecordedMetadata.schemeAndRecipe(try JSONValue.parse(Data(text.utf8)))
            recipe = try SchemeJSON.recipe(from: recipeValue)
            let resolved = try SchemeJSON.scheme(from: schemeValue).recipe(shape: slice?.fullShape ?? entry.shape)
            guard resolved == recipe else {
                return .unverifiable(reason: "the recorded scheme resolves to \(SchemeJSON.value(of: resolved).rendered), not the recorded recipe \(SchemeJSON.value(of: recipe).rendered)")
            }
        } catch {
            return .unverifiable(reason: "bad scheme metadata: \(error)")
        }
        let size = dtype.byteSize
        let perChunk = chunkBytes / size
        let count = (entry.end - entry.begin) / size
        var digest = TensorDigest()
        var done = 0
        while done < count {
            let n = min(perChunk, count - done)
            let bytes = n * size
            var got = 0
            while got < bytes {
                let r = pread(fd, stored.baseAddress! + got, bytes - got, off_t(dataStart + entry.begin + done * size + got))
                if r < 0, errno == EINTR { continue }
                guard r > 0 else { throw VerifyError.readFailed(path: path, reason: r == 0 ? "unexpected end of file" : String(cString: strerror(errno))) }
                got += r
            }
            let storedChunk = UnsafeMutableRawBufferPointer(rebasing: stored[0..<bytes])
            try generator.fill(UnsafeMutableRawBufferPointer(rebasing: fresh[0..<bytes]), tensor: entry.name, recipe: recipe,
                               fullShape: slice?.fullShape ?? entry.shape, slice: slice, offset: UInt64(done), dtype: dtype, on: engine)
            if memcmp(stored.baseAddress!, fresh.baseAddress!, bytes) != 0 {
                let first = (0..<n).first { i in memcmp(stored.baseAddress! + i * size, fresh.baseAddress! + i * size, size) != 0 }!
                return .mismatch(index: done + first)
            }
            digest.update(UnsafeRawBufferPointer(storedChunk))
            done += n
        }
        let recorded = header.metadata[TensorSeedMetadata.digestPrefix + entry.name]
        if let recorded, recorded != digest.text { return .digestMismatch(recorded: recorded, computed: digest.text) }
        return .ok
    }
}
