import ArgumentParser
import TensorSeed

/// `tensorseed bench`: throughput of the engines on this machine.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure generation throughput (GB/s of float32) of the CPU engine.",
        discussion: "Each figure is the best of --repeats fills of one already-touched buffer."
    )

    @Option(help: "Elements per fill.")
    var elements: Int = 1 << 26
    @Option(help: "Timed fills per row (best is reported).")
    var repeats: Int = 5
    @Option(help: "Threads for the CPU engine (default: all cores).")
    var threads: Int?
    @Option(help: "Distributions to measure (comma-separated: normal,uniform).")
    var distributions: String = "uniform,normal"
    @Flag(help: "Print one JSON object per row instead of a table.")
    var json = false

    func validate() throws {
        guard elements > 0 else { throw ValidationError("--elements must be > 0") }
        guard repeats > 0 else { throw ValidationError("--repeats must be > 0") }
        for d in distributions.split(separator: ",") where DistributionKind(rawValue: String(d)) == nil {
            throw ValidationError("unknown distribution '\(d)' in --distributions (use normal, uniform)")
        }
    }

    func run() throws {
        let engine = CPUEngine(threads: threads)
        if !json {
            print("engine               distribution  elements    GB/s   Gsamples/s")
        }
        for d in distributions.split(separator: ",") {
            let kind = DistributionKind(rawValue: String(d))!
            let dist: Distribution = kind == .normal ? .standardNormal : .standardUniform
            let t = try Throughput.measure(engine: engine, elements: elements, distribution: dist, repeats: repeats)
            if json {
                print("{\"engine\": \"\(engine.name)\", \"distribution\": \"\(kind.rawValue)\", \"elements\": \(elements), \"seconds\": \(t.seconds), \"gbps\": \(t.gigabytesPerSecond)}")
            } else {
                let row: [String] = [pad(engine.name, 21), pad(kind.rawValue, 14), pad(String(elements), 12),
                                     pad(format(t.gigabytesPerSecond), 7), format(t.gigasamplesPerSecond, digits: 3)]
                print(row.joined())
            }
        }
    }
}
