#if canImport(Glibc)
import Glibc
#endif
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
    @Option(help: "Distribution: normal, uniform or truncated_normal.")
    var distribution: DistributionKind = .normal
    @Option(parsing: .unconditional, help: "Mean of the (truncated) normal distribution.")
    var mean: Float = 0
    @Option(parsing: .unconditional, help: "Standard deviation of the (truncated) normal distribution (> 0).")
    var std: Float = 1
    @Option(parsing: .unconditional, help: "Lower bound: of the uniform (default 0) or the truncated normal (absolute, default -2).")
    var low: Float?
    @Option(parsing: .unconditional, help: "Upper bound: of the uniform (default 1) or the truncated normal (absolute, default 2).")
    var high: Float?

    private var bounds: (low: Float, high: Float) {
        distribution == .uniform ? (low ?? 0, high ?? 1) : (low ?? -2, high ?? 2)
    }

    /// The same check as every scheme's recipe (`Distribution.checkRepresentable`), plus std > 0.
    func validate() throws {
        guard std > 0 || distribution == .uniform else { throw ValidationError("--std must be > 0 (got \(std))") }
        do { try value.checkRepresentable(scheme: "--distribution \(distribution.rawValue)") } catch {
            throw ValidationError("\(error) (--mean \(mean), --std \(std), --low \(bounds.low), --high \(bounds.high))")
        }
        if distribution == .truncatedNormal,
           !TruncatedNormalParameters(mean: mean, std: std, low: bounds.low, high: bounds.high).isSubnormalFree {
            throw ValidationError(TruncatedNormalParameters.subnormalRefusal(scheme: "truncated_normal", mean: mean, std: std,
                                                                             low: bounds.low, high: bounds.high))
        }
    }

    var value: Distribution {
        let (low, high) = bounds
        switch distribution {
        case .normal: return .normal(mean: mean, std: std)
        case .uniform: return .uniform(low: low, high: high)
        case .truncatedNormal: return .truncatedNormal(mean: mean, std: std, low: low, high: high)
        }
    }
}

enum DistributionKind: String, ExpressibleByArgument, CaseIterable {
    case normal, uniform
    case truncatedNormal = "truncated_normal"
}
