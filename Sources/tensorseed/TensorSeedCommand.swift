import ArgumentParser
import TensorSeed

@main
struct TensorSeedCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tensorseed",
        abstract: "Bit-reproducible neural-network weight initialization (Philox4x32-10, spec v\(StreamSpec.version)).",
        discussion: """
            Every value is a pure function of (seed, tensor name, element index): the same \
            seed gives the same bits on every engine, thread count and chunking. See SPEC.md.
            """,
        subcommands: [SampleCommand.self, GenerateCommand.self, InitCommand.self, VerifyCommand.self, BenchCommand.self, DevicesCommand.self],
        defaultSubcommand: SampleCommand.self
    )
}

/// Options naming a distribution, shared by the commands that generate values.
struct DistributionOptions: ParsableArguments {
    @Option(help: "Distribution: normal or uniform.")
    var distribution: DistributionKind = .normal
    @Option(help: "Mean of the normal distribution.")
    var mean: Float = 0
    @Option(help: "Standard deviation of the normal distribution (> 0).")
    var std: Float = 1
    @Option(help: "Lower bound of the uniform distribution.")
    var low: Float = 0
    @Option(help: "Upper bound of the uniform distribution (> low).")
    var high: Float = 1

    func validate() throws {
        guard mean.isFinite, std.isFinite, std > 0 else {
            throw ValidationError("--std must be a finite number > 0 and --mean finite (got mean \(mean), std \(std))")
        }
        guard low.isFinite, high.isFinite, low < high else {
            throw ValidationError("--low and --high must be finite with low < high (got \(low), \(high))")
        }
    }

    var value: Distribution {
        switch distribution {
        case .normal: return .normal(mean: mean, std: std)
        case .uniform: return .uniform(low: low, high: high)
        }
    }
}

enum DistributionKind: String, ExpressibleByArgument, CaseIterable {
    case normal, uniform
}
