import ArgumentParser
import TensorSeed

/// `tensorseed verify`: regenerate every tensor of TensorSeed-written files (single files, shards, or
/// every shard of a sharded set's index) and compare bit for bit, on one engine or on all of them.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Regenerate every tensor of a TensorSeed-written safetensors file from its metadata and compare bit for bit.",
        discussion: """
            Prints OK or MISMATCH (with the first differing element) per tensor; exits non-zero on any mismatch,
            on any tensor it cannot check, and when it checked nothing (a file without tensors, no engine).
            A model.safetensors.index.json is checked against its shards' headers, then every shard is verified
            (with --rank I --world-size N only the shards rank I of an N-rank 'init' job writes).
            --engines all regenerates on the CPU engine and on every OpenCL device present, each compared with the file.
            """
    )

    @Argument(help: "safetensors files written by 'tensorseed init', or the index of a sharded set.")
    var files: [String]
    @Option(help: ArgumentHelp("Engine that regenerates: cpu, auto or opencl:P.D.", valueName: "cpu|auto|opencl:P.D"))
    var device: String = "cpu"
    @Option(help: ArgumentHelp("Regenerate on several engines and compare each with the file: 'all' (cpu and every OpenCL device) "
                               + "or a comma-separated list; replaces --device.", valueName: "all|E1,E2,..."))
    var engines: String?
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?
    @Flag(help: "Print only mismatches and the summary.")
    var quiet = false
    @OptionGroup var rankOptions: RankOptions

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        do { _ = try EngineChoice(parsing: device) } catch { throw ValidationError("\(error)") }
        if let engines, engines != "all" { _ = try Self.engineList(engines) }
    }

    /// The engines of a comma-separated `--engines` list; an empty list or entry is an error (a verify on no
    /// engine would check nothing).
    private static func engineList(_ text: String) throws -> [EngineChoice] {
        let entries = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !entries.contains(where: { $0.isEmpty }) else {
            throw ValidationError("--engines '\(text)' \(text.isEmpty ? "names no engine" : "has an empty entry"): a verify on no engine checks nothing "
                                  + "(give 'all' or a list such as cpu,opencl:0.0)")
        }
        do { return try entries.map { try EngineChoice(parsing: $0) } } catch { throw ValidationError("\(error)") }
    }

    /// The engines to run: `--engines` (all: cpu and every OpenCL device found) or `--device`.
    private func chosenEngines() throws -> [EngineChoice] {
        guard let engines else { return [try EngineChoice(parsing: device)] }
        guard engines == "all" else { return try Self.engineList(engines) }
        do {
            return [.cpu] + (try OpenCLDiscovery.devices()).map { .opencl(platform: $0.platformIndex, device: $0.deviceIndex) }
        } catch {
            print("no OpenCL devices (\(error)); the CPU engine only")
            return [.cpu]
        }
    }

    func run() throws {
        var failed = false
        try failingCleanly {
            let choices = try chosenEngines()
            if engines != nil { print("engines: \(choices.map(\.description).joined(separator: ", "))") }
            for file in files {
                var paths = [file]
                if file.hasSuffix(".index.json") {
                    paths = try ShardIndex.check(path: file)
                    try ShardIndex.checkTensorSeedMetadata(indexPath: file, shardPaths: paths)
                    print("\(file): index consistent with its \(paths.count) shards")
                }
                if let context = try rankOptions.context(fromEnvironment: false) { paths = try RankedInit.select(paths, context: context) }
                for choice in choices {
                    let verifier = SafetensorsVerifier(engine: choice, threads: threads)
                    for path in paths {
                        var bad = 0, count = 0
                        let start = DispatchTimeSeconds.now()
                        try verifier.verify(path: path) { check in
                            count += 1
                            if check.outcome != .ok { bad += 1 }
                            if !quiet || check.outcome != .ok { print(check.line) }
                        }
                        let seconds = DispatchTimeSeconds.now() - start
                        if count == 0 {
                            print("\(path): holds no tensors: nothing was verified (\(choice))")
                            failed = true
                        } else if bad == 0 {
                            print("\(path): all \(count) tensors OK (\(format(seconds, digits: 3)) s, \(choice))")
                        } else {
                            print("\(path): \(bad) of \(count) tensors do not match (\(choice))")
                            failed = true
                        }
                    }
                }
                if choices.count > 1, !failed { print("\(file): \(choices.count) engines agree bit for bit with the file and each other") }
            }
        }
        if failed { throw ExitCode.failure }
    }
}
