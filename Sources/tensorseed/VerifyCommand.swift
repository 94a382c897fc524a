import ArgumentParser
import TensorSeed

/// `tensorseed verify`: regenerate every tensor of TensorSeed-written files and compare bit for bit.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Regenerate every tensor of a TensorSeed-written safetensors file from its metadata and compare bit for bit.",
        discussion: "Prints OK or MISMATCH (with the first differing element) per tensor; exits non-zero on any mismatch."
    )

    @Argument(help: "safetensors files written by 'tensorseed init'.")
    var files: [String]
    @Option(help: ArgumentHelp("Engine that regenerates: cpu, auto or opencl:P.D.", valueName: "cpu|auto|opencl:P.D"))
    var device: String = "cpu"
    @Option(help: "Threads for the CPU engine (default: all cores).")
    var threads: Int?
    @Flag(help: "Print only mismatches and the summary.")
    var quiet = false

    func validate() throws {
        guard !files.isEmpty else { throw ValidationError("give at least one file") }
        do { _ = try EngineChoice(parsing: device) } catch { throw ValidationError("\(error)") }
    }

    func run() throws {
        var failed = false
        try failingCleanly {
            let verifier = SafetensorsVerifier(engine: try EngineChoice(parsing: device), threads: threads)
            for file in files {
                var bad = 0, count = 0
                let start = DispatchTimeSeconds.now()
                try verifier.verify(path: file) { check in
                    count += 1
                    if check.outcome != .ok { bad += 1 }
                    if !quiet || check.outcome != .ok { print(check.line) }
                }
                let seconds = DispatchTimeSeconds.now() - start
                if bad == 0 {
                    print("\(file): all \(count) tensors OK (\(format(seconds, digits: 3)) s, \(device))")
                } else {
                    print("\(file): \(bad) of \(count) tensors do not match")
                    failed = true
                }
            }
        }
        if failed { throw ExitCode.failure }
    }
}
