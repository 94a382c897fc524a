import ArgumentParser
import Dispatch
import TensorSeed

/// `tensorseed sample`: the first values of one tensor's stream, and a throughput line.
struct SampleCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sample",
        abstract: "Print values of one tensor's stream and measure generation speed.",
        discussion: """
            Examples:
              tensorseed sample                         # seed 0, tensor "w", 8 normals
              tensorseed sample --seed 42 --name layer1.weight --count 4 --distribution uniform
              tensorseed sample --offset 1000003        # any slice, straight away
            """
    )

    @Option(parsing: .unconditional, help: "The 64-bit seed.", transform: NumberOption.unsigned("--seed"))
    var seed: UInt64 = 0
    @Option(help: "The tensor name; its stream id is FNV-1a-64 of the UTF-8 bytes.")
    var name: String = "w"
    @Option(parsing: .unconditional, help: "Index of the first element to print.", transform: NumberOption.unsigned("--offset"))
    var offset: UInt64 = 0
    @Option(parsing: .unconditional, help: "How many elements to print (at most 1048576).", transform: NumberOption.integer("--count", in: 0...(1 << 20)))
    var count: Int = 8
    @OptionGroup var distribution: DistributionOptions
    @Option(parsing: .unconditional, help: "Elements generated for the throughput line (0 to skip).")
    var throughputElements: Int = 1 << 24
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?
    @OptionGroup var engineOptions: EngineOptions

    func validate() throws {
        guard throughputElements >= 0 else { throw ValidationError("--throughput-elements must be >= 0") }
    }

    func run() throws {
        let selection = try engineOptions.select(threads: threads)
        let engine = selection.engine
        let stream = TensorStream(seed: seed, name: name)
        let values = try engine.generate(stream: stream, offset: offset, count: count, distribution: distribution.value)
        print("spec v\(StreamSpec.version)  seed \(seed)  tensor \"\(name)\" (stream id 0x\(hex64(stream.streamID)))  \(distribution.value.label)")
        for (i, v) in values.enumerated() {
            let index = String(offset + UInt64(i))
            print(pad("  [\(index)]", 14) + "0x\(hex32(v.bitPattern))  \(v)")
        }
        print("engine: \(engine.name) (\(selection.reason))")
        if throughputElements > 0 {
            let rate = try Throughput.measure(engine: engine, elements: throughputElements, distribution: distribution.value, repeats: 3)
            print("throughput: \(rate.summary) on \(engine.name)")
        }
    }
}

func hex32(_ x: UInt32) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: 8 - s.count) + s
}

func hex64(_ x: UInt64) -> String {
    let s = String(x, radix: 16)
    return String(repeating: "0", count: 16 - s.count) + s
}

extension Distribution {
    var label: String {
        switch self {
        case let .normal(mean, std): return "normal(mean: \(mean), std: \(std))"
        case let .uniform(low, high): return "uniform(low: \(low), high: \(high))"
        case let .truncatedNormal(mean, std, low, high): return "truncated_normal(mean: \(mean), std: \(std), low: \(low), high: \(high))"
        }
    }
}
