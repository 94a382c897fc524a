import ArgumentParser
import TensorSeed

/// `tensorseed bench`: throughput of the engines on this machine, for raw streams and for schemes.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure generation throughput (seconds and GB/s of float32 output) of an engine, against the CPU engine and memset.",
        discussion: """
            Rows (--distributions): uniform, normal and truncated_normal (mean 0, std 1, [-2, 2]) are engine \
            fills of a flat buffer of --elements values. kaiming_normal is the scheme as a user calls it \
            (TensorGenerator, fan_in, relu) on a (elements / \(BenchWorkload.kaimingColumns)) x \
            \(BenchWorkload.kaimingColumns) weight, so resolving the scheme is timed too. orthogonal is one \
            --orthogonal-size square matrix: normals from the engine, then a float64 Householder QR on the host \
            (on every engine), all timed.

            Each figure is the best of --repeats fills of one already-touched buffer, after one untimed \
            warm-up. The CPU engine is always measured too (for the x cpu ratio); x memset compares with a \
            memset of an already-touched buffer of --elements float32 in the same run. GB/s counts the \
            float32 output: 4 bytes x elements / seconds / 1e9.

            Examples:
              tensorseed bench --device cpu
              tensorseed bench --distributions orthogonal --orthogonal-size 2048 --repeats 2
              tensorseed bench --elements 1048576 --repeats 1 --orthogonal-size 256 --json
            """
    )

    @Option(parsing: .unconditional, help: "Elements per fill: of the flat rows, and of the kaiming_normal weight (a multiple of \(BenchWorkload.kaimingColumns)).")
    var elements: Int = 1 << 26
    @Option(parsing: .unconditional, help: "Rows and columns of the orthogonal row's square matrix.")
    var orthogonalSize: Int = 1024
    @Option(parsing: .unconditional, help: "Timed fills per row (best is reported).")
    var repeats: Int = 5
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?
    @Option(help: "Rows to measure, comma-separated: \(BenchWorkload.validNames).")
    var distributions: String = BenchWorkload.allCases.map(\.rawValue).joined(separator: ",")
    @Flag(help: "Print one JSON object per row instead of a table (fields engine, distribution, shape, elements, seconds, gbps, ...).")
    var json = false
    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard elements > 0 else { throw ValidationError("--elements must be > 0") }
        guard repeats > 0 else { throw ValidationError("--repeats must be > 0") }
        guard orthogonalSize > 0, TensorShape.elementCount([orthogonalSize, orthogonalSize, 4]) != nil else {
            throw ValidationError("--orthogonal-size must be > 0 (and its square's bytes fit in 63 bits)")
        }
        let workloads: [BenchWorkload]
        do { workloads = try BenchWorkload.parseList(distributions) } catch { throw ValidationError("\(error)") }
        let columns = BenchWorkload.kaimingColumns
        if workloads.contains(.kaimingNormal), elements % columns != 0 {
            throw ValidationError("--elements must be a multiple of \(columns) for kaiming_normal (its weight is "
                                  + "(elements / \(columns)) x \(columns)); got \(elements)")
        }
        // Every row fills an in-memory buffer (and memset one of the same size); orthogonal also holds its QR.
        if let memory = PhysicalMemory.bytes {
            func mib(_ bytes: Int?) -> String { bytes.map { "\($0 >> 20) MiB" } ?? "too many bytes to count" }
            let flat: Int? = workloads.contains { $0 != .orthogonal } ? TensorShape.elementCount([elements, 8]) : 0
            let square = orthogonalSize * orthogonalSize
            let orthogonal: Int? = workloads.contains(.orthogonal)
                ? HouseholderQR.peakBytes(elements: square).flatMap { TensorShape.elementCount([$0 / 4 + square, 4]) } : 0
            if (flat ?? Int.max) > memory || (orthogonal ?? Int.max) > memory {
                throw ValidationError("the measurement needs more than this machine's \(memory >> 20) MiB of memory "
                                      + "(--elements \(elements): \(mib(flat)); --orthogonal-size \(orthogonalSize): \(mib(orthogonal)))")
            }
        }
    }

    func run() throws {
        let workloads = try BenchWorkload.parseList(distributions)
        // Engines come from the generator, so the scheme rows run on the very engines the flat rows use.
        let generator = TensorGenerator(seed: 1, threads: threads, selfCheck: !engineOptions.noSelfCheck)
        let choice = try engineOptions.choice
        let selection = try generator.engine(choice)
        // The CPU engine is always measured, last.
        let choices: [EngineChoice] = selection.engine is CPUEngine ? [choice] : [choice, .cpu]
        let memset = try Throughput.measureMemset(elements: elements, repeats: repeats)
        if json {
            printError("engine: \(selection.engine.name) (\(selection.reason))")
        } else {
            print("engine: \(selection.engine.name) (\(selection.reason))")
            print("memory write bandwidth: \(format(memset.gigabytesPerSecond)) GB/s (memset of an already-touched \(elements * 4)-byte buffer, best of \(repeats))")
            print(BenchRow.tableHeader)
        }
        for workload in workloads {
            let target = workload.target(elements: elements, orthogonalSize: orthogonalSize)
            var rates: [(engine: String, rate: Throughput)] = []
            for choice in choices {
                let engine = try generator.engine(choice).engine
                rates.append((engine.name, try measure(target, engine: engine, generator: generator, on: choice)))
            }
            for (engine, rate) in rates {
                let row = BenchRow(engine: engine, workload: workload, shape: target.shape, rate: rate, cpu: rates.last!.rate, memset: memset)
                print(json ? row.json : row.tableLine)
            }
        }
    }

    private func measure(_ target: BenchWorkload.Target, engine: any TensorEngine, generator: TensorGenerator,
                         on choice: EngineChoice) throws -> Throughput {
        switch target {
        case let .stream(distribution, elements):
            return try Throughput.measure(engine: engine, elements: elements, distribution: distribution, repeats: repeats)
        case let .scheme(scheme, shape):
            return try Throughput.measure(generator: generator, on: choice, scheme: scheme, shape: shape, repeats: repeats)
        }
    }
}
