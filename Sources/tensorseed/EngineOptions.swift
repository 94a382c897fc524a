import ArgumentParser
import TensorSeed
#if canImport(Glibc)
import Glibc
#endif

/// `--device` and `--no-self-check`, shared by the commands that generate values.
struct EngineOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Engine: auto (first GPU or accelerator, else the CPU engine), cpu, or opencl:P.D "
                               + "(see 'tensorseed devices'). The CPU engine runs the widest instruction set the processor has "
                               + "(avx512, avx2, else baseline); cpu:PATH or TENSORSEED_CPU_PATH=baseline|avx2|avx512 forces one.",
                               valueName: "auto|cpu|cpu:PATH|opencl:P.D"))
    var device: String = "auto"
    @Flag(help: "Do not spot-check OpenCL results against the CPU stream (on by default: 8 elements per chunk).")
    var noSelfCheck = false

    func validate() throws {
        do { _ = try EngineChoice(parsing: device) } catch { throw ValidationError("\(error)") }
    }

    /// `--device`, parsed.
    var choice: EngineChoice {
        get throws { try EngineChoice(parsing: device) }
    }

    /// The engine for `--device`, with the CPU engine on `threads` threads where it is the one; `testHook` as
    /// `EngineChoice.select` takes it.
    func select(threads: Int?, testHook: Bool = false) throws -> EngineChoice.Selection {
        try choice.select(threads: threads, selfCheck: !noSelfCheck, testHook: testHook)
    }
}
