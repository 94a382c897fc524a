import ArgumentParser
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// `tensorseed generate`: little-endian float32 values of one tensor range, raw or as .npy, for tools and cross-checks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write elements [offset, offset+count) of one tensor's stream as little-endian float32: raw, or .npy.",
        discussion: """
            Examples:
              tensorseed generate --seed 42 --name w --count 1000 --output w.f32   # raw
              tensorseed generate --seed 42 --name w --count 1000 --output w.npy   # NumPy .npy, shape (1000,), <f4
            """
    )

    @Option(help: "The 64-bit seed.")
    var seed: UInt64 = 0
    @Option(help: "The tensor name.")
    var name: String = "w"
    @Option(help: "Index of the first element.")
    var offset: UInt64 = 0
    @Option(help: "Number of elements.")
    var count: Int
    @OptionGroup var distribution: DistributionOptions
    @Option(help: "Threads for the CPU engine (default: all cores).")
    var threads: Int?
    @OptionGroup var engine: EngineOptions
    @Option(help: "Output file: NAME.npy for NumPy's format, any other name for raw float32 ('-' for standard output).")
    var output: String

    func validate() throws {
        guard count >= 0 else { throw ValidationError("--count must be >= 0 (got \(count))") }
        if let threads, threads < 1 { throw ValidationError("--threads must be >= 1 (got \(threads))") }
    }

    func run() throws {
        let selection = try engine.select(threads: threads)
        printError("engine: \(selection.engine.name) (\(selection.reason))")
        let values = try selection.engine.generate(stream: TensorStream(seed: seed, name: name), offset: offset,
                                                   count: count, distribution: distribution.value)
        let header = output.lowercased().hasSuffix(".npy") ? NpyFormat.header(descr: "<f4", shape: [count]) : []
        try writeAtomically(values, to: output, header: header)
    }
}

/// Writes `header` then raw float32 bytes to `path` through a temporary file renamed on success ('-': standard output, raw).
func writeAtomically(_ values: [Float], to path: String, header: [UInt8] = []) throws {
    if path == "-" {
        values.withUnsafeBytes { bytes in _ = write(1, bytes.baseAddress, bytes.count) }
        return
    }
    let temporary = path + ".tmp-\(getpid())"
    guard let file = fopen(temporary, "wb") else {
        throw ValidationError("cannot create \(temporary): \(String(cString: strerror(errno)))")
    }
    let headerWritten = header.isEmpty ? 0 : fwrite(header, 1, header.count, file)
    let written = values.withUnsafeBytes { bytes in fwrite(bytes.baseAddress, 1, bytes.count, file) }
    let failed = headerWritten != header.count || written != values.count * 4 || fflush(file) != 0
    let error = errno
    fclose(file)
    if failed {
        unlink(temporary)
        throw ValidationError("cannot write \(path): \(String(cString: strerror(error)))")
    }
    guard rename(temporary, path) == 0 else {
        let e = errno
        unlink(temporary)
        throw ValidationError("cannot rename \(temporary) to \(path): \(String(cString: strerror(e)))")
    }
}
