import ArgumentParser
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// `tensorseed generate`: little-endian values (float32 unless --dtype) of one tensor range, raw or as .npy,
/// for tools and cross-checks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write elements [offset, offset+count) of one tensor's stream as little-endian float32 (or --dtype): raw, or .npy.",
        discussion: """
            Examples:
              tensorseed generate --seed 42 --name w --count 1000 --output w.f32   # raw
              tensorseed generate --seed 42 --name w --count 1000 --output w.npy   # NumPy .npy, shape (1000,), <f4
              tensorseed generate --seed 42 --name w --count 1000 --dtype bf16 --output w.bf16   # raw bfloat16
            """
    )

    @Option(parsing: .unconditional, help: "The 64-bit seed.", transform: NumberOption.unsigned("--seed"))
    var seed: UInt64 = 0
    @Option(help: "The tensor name.")
    var name: String = "w"
    @Option(parsing: .unconditional, help: "Index of the first element.", transform: NumberOption.unsigned("--offset"))
    var offset: UInt64 = 0
    @Option(parsing: .unconditional, help: "Number of elements.", transform: NumberOption.integer("--count", in: 0...Int.max))
    var count: Int
    @OptionGroup var distribution: DistributionOptions
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?
    @OptionGroup var engine: EngineOptions
    @Option(help: ArgumentHelp("Storage type of the values, as init stores them: f32, f16, bf16 or f64 (bf16 only raw: "
                               + "NumPy has no bfloat16).", valueName: "f32|f16|bf16|f64"))
    var dtype: String = "f32"
    @Option(help: "Output file: NAME.npy for NumPy's format, any other name for raw values ('-' for standard output). Missing folders are created.")
    var output: String
    @Flag(help: "Replace the output file if it exists (a regular file only: never a directory, FIFO, device or socket). Without it an existing file, or a symbolic link, is kept and nothing is written.")
    var force = false

    /// `--dtype`, parsed (validated in `validate`).
    private var storage: StorageType { StorageType(name: dtype) ?? .float32 }

    func validate() throws {
        guard !output.isEmpty else { throw ValidationError("--output is empty: give a file name, or '-' for standard output") }
        // A trailing slash names a folder (init writes a folder there); generate writes one file, whose name is needed.
        if output.hasSuffix("/") {
            let name = output.hasSuffix(".npy/") ? "values.npy" : "values.f32"
            throw ValidationError("--output \(output) names a folder (it ends in '/'); generate writes one file: give its name, "
                                  + "e.g. \(output)\(name), or drop the slash")
        }
        // Four bytes an element, and room for a .npy header: a larger count overflowed into a bogus size.
        guard let bytes = TensorShape.byteCount([count], elementSize: 4), bytes <= Int.max - (1 << 20) else {
            throw ValidationError("--count \(count) is too large: \(count) float32 values are more than 2^63 - 1 bytes, more than any file can hold")
        }
        guard let type = StorageType(name: dtype) else { throw ValidationError("unknown --dtype '\(dtype)' (use f32, f16, bf16, f64)") }
        if output.lowercased().hasSuffix(".npy") && NpyFormat.descr(type) == nil {
            throw ValidationError("--dtype \(dtype) cannot be written as .npy (NumPy has no bfloat16): name a raw output file")
        }
        if count > 0 {
            do { try EngineError.checkRange(offset: offset, count: count) } catch { throw ValidationError("\(error)") }
        }
    }

    /// Elements generated and written at a time: memory stays at 16 MiB whatever --count is.
    static let chunkElements = 1 << 22

    func run() throws {
        // The conformance battery's reproducers are generate commands: the test hook applies here, said on stderr.
        if let warning = BitFlipTestHook.warning { printError("tensorseed: warning: \(warning)") }
        let selection = try engine.select(threads: threads, testHook: true)
        printError("engine: \(selection.engine.name) (\(selection.reason))")
        if let note = CoarseTruncation.note(name: name, recipe: .random(distribution.value)) { printError("tensorseed: note: \(note)") }
        try failingCleanly { try write(with: selection.engine) }
    }

    private func write(with engine: any TensorEngine) throws {
        let stream = TensorStream(seed: seed, name: name)
        let type = storage
        let header = output.lowercased().hasSuffix(".npy") ? NpyFormat.header(descr: NpyFormat.descr(type)!, shape: [count]) : []
        var chunk = [UInt8](repeating: 0, count: min(Self.chunkElements, count) * type.byteSize)
        try writeAtomically(to: output, header: header, elements: count, bytesPerElement: type.byteSize, force: force) { emit in
            var done = 0
            while done < count {
                let n = min(Self.chunkElements, count - done)
                try chunk.withUnsafeMutableBytes { bytes in
                    let part = UnsafeMutableRawBufferPointer(rebasing: bytes[0 ..< n * type.byteSize])
                    try engine.fill(part, as: type, stream: stream, offset: offset + UInt64(done), distribution: distribution.value)
                    try emit(UnsafeRawBufferPointer(part))
                }
                done += n
            }
        }
    }
}

/// Writes `header`, then the bytes `produce` emits (`elements` values of `bytesPerElement` bytes, little-endian):
/// to `path` all or nothing (`RawFloatFile`; an existing file is replaced only with `force`; missing folders are
/// created, as `init` creates them, and removed again if the write fails), or raw to standard output for '-'.
func writeAtomically(to path: String, header: [UInt8] = [], elements: Int, bytesPerElement: Int, force: Bool,
                     _ produce: (_ emit: (UnsafeRawBufferPointer) throws -> Void) throws -> Void) throws {
    guard path == "-" else {
        Interruption.installSignalHandlers()
        let location = OutputLocation(output: path, file: true)
        location.removeStaleTemporaries()
        return try location.withFolder {
            try RawFloatFile.write(to: path, header: header, elements: elements, bytesPerElement: bytesPerElement, force: force, produce)
        }
    }
    try produce { bytes in
        var done = 0
        while done < bytes.count {
            let n = write(1, bytes.baseAddress! + done, bytes.count - done)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw WriterError.writeFailed(path: "standard output", reason: String(cString: strerror(errno))) }
            done += n
        }
    }
}
