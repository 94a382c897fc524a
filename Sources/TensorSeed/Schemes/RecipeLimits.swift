/// The one check every recipe passes before anything is generated: its float32 parameters finite, and
/// every value it can produce finite, whatever scheme (or `generate` option) it came from.
extension Distribution {
    /// The largest |z| the normal transform gives: the largest Box–Muller radius √(64 ln 2) ≈ 6.6604
    /// (SPEC.md 5.1; the truncated normal's z stays below 5.5), rounded up with room for the roundings of
    /// `z × std + mean`.
    public static let normalReach = 6.7

    /// Throws unless the distribution's parameters are finite float32 values in range and every value it
    /// produces is finite: `std >= 0`, `low < high`, uniform's `high − low` finite in float32 (so that
    /// `u × (high − low) + low` never overflows and never exceeds `high`, SPEC.md 4), and the normals'
    /// `|mean| + 6.7 · std` within float32. `scheme` names what the parameters came from in the message.
    public func checkRepresentable(scheme: String) throws {
        func fail(_ message: String) -> SchemeError { .unrepresentable(scheme: scheme, message: message) }
        switch self {
        case let .uniform(low, high):
            guard low.isFinite, high.isFinite else { throw fail("the bounds [\(low), \(high)] are not finite in float32") }
            guard low < high else { throw fail("the bounds [\(low), \(high)] in float32 hold no value (low must be below high)") }
            guard (high - low).isFinite else {
                throw fail("high - low = \(Double(high) - Double(low)) overflows float32 (largest \(Float.greatestFiniteMagnitude)): narrow the bounds")
            }
        case let .normal(mean, std):
            try Distribution.checkNormal(mean: mean, std: std, scheme: scheme)
        case let .truncatedNormal(mean, std, low, high):
            guard std > 0 else { throw fail("std = \(std) in float32 must be > 0") }
            try Distribution.checkNormal(mean: mean, std: std, scheme: scheme)
            guard !low.isNaN, !high.isNaN, low < high else {
                throw fail("the bounds [\(low), \(high)] in float32 hold no value (low must be below high)")
            }
        }
    }

    private static func checkNormal(mean: Float, std: Float, scheme: String) throws {
        guard mean.isFinite, std.isFinite else {
            throw SchemeError.unrepresentable(scheme: scheme, message: "mean = \(mean), std = \(std) in float32 are not finite")
        }
        guard std >= 0 else { throw SchemeError.unrepresentable(scheme: scheme, message: "std = \(std) must be >= 0") }
        guard abs(Double(mean)) + normalReach * Double(std) <= Double(Float.greatestFiniteMagnitude) else {
            throw SchemeError.unrepresentable(scheme: scheme, message: "mean \(mean) ± \(normalReach) · std \(std) (the normal's reach) "
                                              + "overflows float32 (largest \(Float.greatestFiniteMagnitude))")
        }
    }
}

extension TensorRecipe {
    /// Throws unless every value the recipe produces is finite (`Distribution.checkRepresentable`; a
    /// constant finite; sparse and zero-row std as a normal's; orthogonal |gain| within float32, since
    /// every element is gain × an entry of magnitude at most 1).
    public func checkRepresentable(scheme: String) throws {
        switch self {
        case let .random(distribution): try distribution.checkRepresentable(scheme: scheme)
        case let .constant(value):
            guard value.isFinite else { throw SchemeError.unrepresentable(scheme: scheme, message: "the value \(value) in float32 is not finite") }
        case .eye, .dirac: break
        case let .sparse(_, _, _, std), let .zeroRow(_, _, std):
            try Distribution.normal(mean: 0, std: std).checkRepresentable(scheme: scheme)
        case let .orthogonal(_, _, gain):
            guard gain.isFinite, abs(gain) <= Double(Float.greatestFiniteMagnitude) else {
                throw SchemeError.unrepresentable(scheme: scheme, message: "gain = \(gain) is not finite in float32")
            }
        }
    }
}
