import ArgumentParser
import TensorSeed

/// `tensorseed bench`: throughput of the engines on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure generation throughput (GB/s of float32) of an engine, against the CPU engine and memset.",
        discussion: "Each figure is the best of --repeats fills of one already-touched buffer. The CPU engine is always measured too (for the x cpu ratio); x memset compares with a memset of an already-touched buffer of the same size in the same run."
    )

    @Option(help: "Elements per fill.")
    var elements: Int = 1 << 26
    @Option(help: "Timed fills per row (best is reported).")
    var repeats: Int = 5
    @Option(help: "Threads for the CPU engine (default: all cores).")
    var threads: Int?
    @Option(help: "Distributions to measure (comma-separated: uniform, normal, truncated_normal).")
    var distributions: String = "uniform,normal,truncated_normal"
    @Flag(help: "Print one JSON object per row instead of a table (fields engine, distribution, elements, seconds, gbps, ...).")
    var json = false
    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard elements > 0 else { throw ValidationError("--elements must be > 0") }
        guard repeats > 0 else { throw ValidationError("--repeats must be > 0") }
        for d in distributions.split(separator: ",") where DistributionKind(rawValue: String(d)) == nil {
            throw ValidationError("unknown distribution '\(d)' in --distributions (use uniform, normal, truncated_normal)")
        }
    }

    func run() throws {
        let selection = try engineOptions.select(threads: threads)
        let cpu = CPUEngine(threads: threads)
        let engines: [any TensorEngine] = selection.engine is CPUEngine ? [selection.engine] : [selection.engine, cpu]
        let memset = try Throughput.measureMemset(elements: elements, repeats: repeats)
        if json {
            printError("engine: \(selection.engine.name) (\(selection.reason))")
        } else {
            print("engine: \(selection.engine.name) (\(selection.reason))")
            print("memory write bandwidth: \(format(memset.gigabytesPerSecond)) GB/s (memset of an already-touched \(elements * 4)-byte buffer, best of \(repeats))")
            print(pad("engine / device", 44) + pad("distribution", 17) + pad("elements", 12) + pad("GB/s", 9)
                  + pad("Gsamples/s", 12) + pad("x cpu", 8) + "x memset")
        }
        for d in distributions.split(separator: ",") {
            let kind = DistributionKind(rawValue: String(d))!
            let dist: Distribution
            switch kind {
            case .normal: dist = .standardNormal
            case .uniform: dist = .standardUniform
            case .truncatedNormal: dist = .truncatedNormal(mean: 0, std: 1, low: -2, high: 2)   // torch trunc_normal_ defaults
            }
            var rows: [(engine: any TensorEngine, rate: Throughput)] = []
            for engine in engines {
                rows.append((engine, try Throughput.measure(engine: engine, elements: elements, distribution: dist, repeats: repeats)))
            }
            let cpuRate = rows.last!.rate   // the CPU engine is always measured, last
            for (engine, t) in rows {
                let versusCPU = cpuRate.seconds / t.seconds
                let versusMemset = t.gigabytesPerSecond / memset.gigabytesPerSecond
                if json {
                    print("{\"engine\": \"\(engine.name)\", \"distribution\": \"\(kind.rawValue)\", \"elements\": \(elements), "
                          + "\"seconds\": \(t.seconds), \"gbps\": \(t.gigabytesPerSecond), \"gsamples_per_s\": \(t.gigasamplesPerSecond), "
                          + "\"ratio_cpu\": \(versusCPU), \"memset_gbps\": \(memset.gigabytesPerSecond), \"ratio_memset\": \(versusMemset)}")
                } else {
                    let row: [String] = [pad(engine.name, 44), pad(kind.rawValue, 17), pad(String(elements), 12),
                                         pad(format(t.gigabytesPerSecond), 9), pad(format(t.gigasamplesPerSecond, digits: 3), 12),
                                         pad(format(versusCPU), 8), format(versusMemset)]
                    print(row.joined())
                }
            }
        }
    }
}
