import ArgumentParser
import TensorSeed

/// `tensorseed devices --check`: the conformance battery on every engine, one PASS/FAIL row each.
struct DeviceCheck {
    /// The engines to check, in order: the CPU engine, then every OpenCL device (or those named).
    let choices: [(choice: EngineChoice, device: OpenCLDeviceInfo?)]
    /// `full`, `small`, or nil for the default (small on simulators, full elsewhere).
    let size: ConformanceBattery.Size?
    let threads: Int?

    /// Runs the battery on each engine, prints its row, and returns whether every engine passed.
    func run() -> Bool {
        var runners: [ConformanceBattery.Size: ConformanceRunner] = [:]
        var failed = 0
        let width = choices.map { $0.choice.description.count }.max() ?? 0
        for (choice, device) in choices {
            let size = self.size ?? device.map(ConformanceBattery.size(for:)) ?? .full
            let runner = runners[size] ?? ConformanceRunner(battery: ConformanceBattery(size: size), threads: threads)
            runners[size] = runner
            let report = runner.run(on: choice)
            let title = device.map { "\($0.name) [\($0.type)]" } ?? (report.engine.isEmpty ? "(no such engine)" : report.engine)
            let failures = report.failures
            if report.engine.isEmpty, let (_, outcome) = failures.first, case let .error(message) = outcome {
                failed += 1
                print(choice.description.padding(width) + "  FAIL  " + message)
                continue
            }
            let verdict = failures.isEmpty
                ? "PASS  \(report.outcomes.count) checks, \(size.rawValue) battery, \(seconds(report.seconds))"
                : "FAIL  \(failures.count) of \(report.outcomes.count) checks, \(size.rawValue) battery"
            print(choice.description.padding(width) + "  " + verdict + "  " + title)
            if let (check, outcome) = failures.first {
                failed += 1
                printFailure(check, outcome, choice: choice, indent: String(repeating: " ", count: width + 2))
            }
        }
        print(failed == 0 ? "all \(choices.count) engines give the published and the CPU engine's bits"
                          : "\(failed) of \(choices.count) engines FAIL: do not trust their results")
        return failed == 0
    }

    private func printFailure(_ check: ConformanceCheck, _ outcome: ConformanceRunner.Report.Outcome, choice: EngineChoice,
                              indent: String) {
        print(indent + "first failing check: \(check.label)")
        switch outcome {
        case .passed:
            return
        case let .error(message):
            print(indent + "error: \(message)")
        case let .differs(mismatch):
            let digits = 2 * check.storage.byteSize
            print(indent + "element \(mismatch.index): expected \(hex(mismatch.expected, digits)), actual \(hex(mismatch.actual, digits))"
                  + " (\(mismatch.differing) of \(check.count) elements differ)")
            print(indent + "reproduce:")
            for line in Reproducer.lines(check, choice: choice, mismatch: mismatch) { print(indent + "  " + line) }
        }
    }

    private func hex(_ value: UInt64, _ digits: Int) -> String {
        let text = String(value, radix: 16)
        return "0x" + String(repeating: "0", count: max(0, digits - text.count)) + text
    }

    private func seconds(_ value: Double) -> String {
        "\(Double(Int(value * 100)) / 100) s"
    }
}

/// The command lines that show a failing check's difference: `tensorseed generate` of the same range on the
/// engine and on the CPU engine, and `cmp` of the two files (written through standard output, so that the
/// lines can be pasted again).
enum Reproducer {
    static func lines(_ check: ConformanceCheck, choice: EngineChoice, mismatch: ConformanceMismatch) -> [String] {
        let width = check.storage.byteSize
        switch check.subject {
        case let .range(seed, name, offset, count, distribution, storage):
            let position = Int(mismatch.index - offset)
            let arguments = generateArguments(seed: seed, name: name, offset: offset, count: count, distribution: distribution,
                                              storage: storage)
            let file = "\(choice.description.replacingColons).\(storage.rawValue.lowercased())"
            let cpuFile = "cpu.\(storage.rawValue.lowercased())"
            var lines = ["tensorseed generate --device \(choice) --no-self-check \(arguments) --output - > \(file)"]
            if choice != .cpu {
                lines.append("tensorseed generate --device cpu \(arguments) --output - > \(cpuFile)")
                lines.append("cmp \(file) \(cpuFile)   # first difference at byte \(position * width + 1) (element \(mismatch.index))")
            }
            if case .published = check.reference {
                lines.append("# element \(mismatch.index) is byte \(position * width + 1) of \(file); SPEC.md's test vectors "
                             + "(Tests/TensorSeedTests/Fixtures/spec_vectors_v1.txt) give \(expectedText(mismatch))")
            }
            return lines
        case let .orthogonal(seed, name, rows, columns):
            let arguments = generateArguments(seed: seed, name: name, offset: 0, count: rows * columns,
                                              distribution: .standardNormal, storage: .float32)
            let file = "\(choice.description.replacingColons).f32"
            return ["tensorseed generate --device \(choice) --no-self-check \(arguments) --output - > \(file)",
                    "tensorseed generate --device cpu \(arguments) --output - > cpu.f32",
                    "cmp \(file) cpu.f32",
                    "# the \(rows) × \(columns) orthogonal tensor is computed on the host from these normals: if they agree, "
                    + "its element \(mismatch.index) differs in the host's QR"]
        }
    }

    private static func expectedText(_ mismatch: ConformanceMismatch) -> String {
        "0x" + String(mismatch.expected, radix: 16)
    }

    /// `--seed … --name … --offset … --count … --distribution … [parameters] --dtype …`, exact: Float's
    /// description is the shortest text that reads back as the same float.
    static func generateArguments(seed: UInt64, name: String, offset: UInt64, count: Int, distribution: Distribution,
                                  storage: StorageType) -> String {
        var parts = ["--seed \(seed)", "--name \(shellQuoted(name))", "--offset \(offset)", "--count \(count)"]
        switch distribution {
        case let .uniform(low, high):
            parts += ["--distribution uniform", "--low=\(low)", "--high=\(high)"]
        case let .normal(mean, std):
            parts += ["--distribution normal", "--mean=\(mean)", "--std=\(std)"]
        case let .truncatedNormal(mean, std, low, high):
            parts += ["--distribution truncated_normal", "--mean=\(mean)", "--std=\(std)", "--low=\(low)", "--high=\(high)"]
        }
        parts.append("--dtype \(storage.rawValue.lowercased())")
        return parts.joined(separator: " ")
    }

    /// `text` as one shell word: unchanged when it is made of safe characters, else in single quotes.
    static func shellQuoted(_ text: String) -> String {
        let safe = text.unicodeScalars.allSatisfy { $0.properties.isAlphabetic || "0123456789._-/".unicodeScalars.contains($0) }
        return safe && !text.isEmpty ? text : "'" + text.replacing("'", with: "'\\''") + "'"
    }
}

extension String {
    /// "opencl:1.0" → "opencl-1.0": a file name.
    fileprivate var replacingColons: String { replacing(":", with: "-") }

    /// The string padded with spaces to `width` characters.
    func padding(_ width: Int) -> String { self + String(repeating: " ", count: max(0, width - count)) }
}
