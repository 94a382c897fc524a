import TensorSeed

/// What one `tensorseed bench` row measures, named as in `--distributions`.
///
/// The first three are engine fills of a flat float32 buffer (the raw stream); `kaimingNormal` and
/// `orthogonal` are schemes as a user calls them, through `TensorGenerator`, so their cost includes
/// resolving the scheme (fans, gain) and, for orthogonal, the float64 QR on the host.
enum BenchWorkload: String, CaseIterable {
    case uniform, normal
    case truncatedNormal = "truncated_normal"
    case kaimingNormal = "kaiming_normal"
    case orthogonal

    /// Columns (fan_in) of the kaiming_normal row's weight, (elements / 1024) × 1024: the shape that
    /// Benchmarks/peers/peers.py gives torch's `kaiming_normal_(buf.view(-1, 1024))`.
    static let kaimingColumns = 1024

    /// The valid names, for help and error messages: "uniform, normal, ...".
    static var validNames: String { allCases.map(\.rawValue).joined(separator: ", ") }

    /// The workloads of a comma-separated `--distributions` list, in order; a one-line error naming
    /// the valid ones for an unknown (or empty) name.
    static func parseList(_ text: String) throws -> [BenchWorkload] {
        let names = text.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        guard !text.isEmpty else { throw BenchWorkloadError("--distributions is empty (use one or more of \(validNames))") }
        return try names.map { name in
            guard let workload = BenchWorkload(rawValue: name) else {
                throw BenchWorkloadError("unknown distribution '\(name)' in --distributions (use \(validNames))")
            }
            return workload
        }
    }

    /// How a workload is run: an engine fill of a distribution, or a scheme on a tensor shape.
    enum Target {
        case stream(Distribution, elements: Int)
        case scheme(InitScheme, shape: [Int])

        /// The shape of the float32 output.
        var shape: [Int] {
            switch self {
            case let .stream(_, elements): return [elements]
            case let .scheme(_, shape): return shape
            }
        }
    }

    /// The target for `elements` per fill (flat rows and kaiming_normal) and an `orthogonalSize`² matrix.
    func target(elements: Int, orthogonalSize: Int) -> Target {
        switch self {
        case .uniform: return .stream(.standardUniform, elements: elements)
        case .normal: return .stream(.standardNormal, elements: elements)
        case .truncatedNormal:   // torch trunc_normal_ defaults
            return .stream(.truncatedNormal(mean: 0, std: 1, low: -2, high: 2), elements: elements)
        case .kaimingNormal:
            let columns = BenchWorkload.kaimingColumns
            return .scheme(.kaimingNormal(mode: .fanIn, nonlinearity: .relu), shape: [elements / columns, columns])
        case .orthogonal:
            return .scheme(.orthogonal(), shape: [orthogonalSize, orthogonalSize])
        }
    }
}

/// A `--distributions` list that cannot be parsed (one line).
struct BenchWorkloadError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
