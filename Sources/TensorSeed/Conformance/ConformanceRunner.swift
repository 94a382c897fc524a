/// Runs a `ConformanceBattery` on engines and compares their bytes with the reference: the published
/// vectors, or the CPU engine's bytes for the same range (computed once and kept for every engine).
///
/// OpenCL engines run with their self-check off, so that a difference is reported here, with its first
/// element, rather than thrown at the first sampled element.
public final class ConformanceRunner: @unchecked Sendable {
    /// The outcome of the battery on one engine.
    public struct Report: Sendable {
        /// The engine's name, e.g. "opencl:1.0 pthread-skylake-avx512-AMD EPYC" (empty if it could not be made).
        public let engine: String
        /// The battery's checks, in order, each with its outcome.
        public let outcomes: [(check: ConformanceCheck, outcome: Outcome)]
        /// Seconds the battery took on this engine (reference computations excluded).
        public let seconds: Double

        /// The outcome of one check.
        public enum Outcome: Sendable {
            case passed
            /// The bytes differ; the first differing element.
            case differs(ConformanceMismatch)
            /// The engine could not run the check (the error's one-line description).
            case error(String)
        }

        public var passed: Bool { failures.isEmpty }

        /// The checks that did not pass.
        public var failures: [(check: ConformanceCheck, outcome: Outcome)] {
            outcomes.filter { if case .passed = $0.outcome { return false } else { return true } }
        }
    }

    public let battery: ConformanceBattery
    private let threads: Int?
    private var references: [ConformanceCheck: [UInt8]] = [:]

    /// A runner of `battery`; `threads` sizes the CPU engines (the reference and a `cpu` choice).
    public init(battery: ConformanceBattery, threads: Int? = nil) {
        self.battery = battery
        self.threads = threads
    }

    /// Runs every check on the engine `choice` selects (the test hook of `BitFlipTestHook` applies).
    /// `discover` lists the OpenCL devices (replaceable for tests).
    public func run(on choice: EngineChoice,
                    discover: () throws -> [OpenCLDeviceInfo] = OpenCLDiscovery.devices) -> Report {
        let clock = ContinuousClock()
        var elapsed = Duration.zero
        let selection: EngineChoice.Selection
        let start = clock.now
        do {
            selection = try choice.select(threads: threads, selfCheck: false, testHook: true, discover: discover)
        } catch {
            return Report(engine: "", outcomes: battery.checks.map { ($0, .error("cannot use \(choice): \(error)")) },
                          seconds: (clock.now - start).seconds)
        }
        elapsed += clock.now - start
        var outcomes: [(ConformanceCheck, Report.Outcome)] = []
        for check in battery.checks {
            do {
                let expected = try reference(check)
                let begin = clock.now
                let actual = try result(check, engine: selection.engine, choice: choice)
                elapsed += clock.now - begin
                outcomes.append((check, Self.compare(check, expected: expected, actual: actual)))
            } catch {
                outcomes.append((check, .error("\(error)")))
            }
        }
        return Report(engine: selection.engine.name, outcomes: outcomes, seconds: elapsed.seconds)
    }

    /// The bytes the check must give.
    private func reference(_ check: ConformanceCheck) throws -> [UInt8] {
        if let bytes = references[check] { return bytes }
        let bytes: [UInt8]
        switch check.reference {
        case let .published(bits):
            bytes = bits.flatMap { bits in (0..<4).map { UInt8(truncatingIfNeeded: bits >> (8 * $0)) } }
        case .cpuEngine:
            // The baseline path: Sources/TensorSeed/Stream as written, which every fast path mirrors.
            bytes = try result(check, engine: CPUEngine(threads: threads, path: .baseline), choice: .cpuPath(.baseline))
        }
        references[check] = bytes
        return bytes
    }

    /// The check's bytes from `engine` (`choice` for the orthogonal tensor, made by a `TensorGenerator`).
    private func result(_ check: ConformanceCheck, engine: any TensorEngine, choice: EngineChoice) throws -> [UInt8] {
        switch check.subject {
        case let .range(seed, name, offset, count, distribution, storage):
            var bytes = [UInt8](repeating: 0, count: count * storage.byteSize)
            try bytes.withUnsafeMutableBytes {
                try engine.fill($0, as: storage, stream: TensorStream(seed: seed, name: name), offset: offset,
                                distribution: distribution)
            }
            return bytes
        case let .orthogonal(seed, name, rows, columns):
            var bytes: [UInt8] = []
            try TensorGenerator(seed: seed, threads: threads, selfCheck: false)
                .fill(&bytes, tensor: name, shape: [rows, columns], scheme: .orthogonal(gain: 1), dtype: .float32, on: choice)
            return bytes
        }
    }

    /// Passed, or the first differing element and how many differ.
    static func compare(_ check: ConformanceCheck, expected: [UInt8], actual: [UInt8]) -> Report.Outcome {
        let width = check.storage.byteSize
        guard expected.count == actual.count else {
            return .error("\(actual.count) bytes where \(expected.count) were expected")
        }
        if expected == actual { return .passed }
        func value(_ bytes: [UInt8], _ position: Int) -> UInt64 {
            (0..<width).reduce(0) { $0 | UInt64(bytes[position * width + $1]) << (8 * $1) }
        }
        var first: Int?
        var differing = 0
        for position in 0 ..< expected.count / width where value(expected, position) != value(actual, position) {
            if first == nil { first = position }
            differing += 1
        }
        let position = first!
        return .differs(ConformanceMismatch(check: check, index: check.elementIndex(position),
                                            expected: value(expected, position), actual: value(actual, position),
                                            differing: differing))
    }
}

extension Duration {
    /// The duration in seconds.
    var seconds: Double {
        let (s, attoseconds) = components
        return Double(s) + Double(attoseconds) * 1e-18
    }
}
