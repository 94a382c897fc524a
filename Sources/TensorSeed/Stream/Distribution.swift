/// A float32 distribution that the stream produces directly (SPEC.md, "Transforms").
public enum Distribution: Sendable, Hashable {
    /// `low + (high − low) · u`, u uniform in [0, 1) with 2^24 equally spaced values; the
    /// two operations are rounded separately (float32, no fma), so `high` can be reached by rounding only.
    case uniform(low: Float, high: Float)
    /// `mean + std · z`, z a standard normal from the Box–Muller transform, rounded separately (no fma).
    case normal(mean: Float, std: Float)
    /// `mean + std · z` kept in [low, high], z = √2 · erfinv(y) with y uniform between erf((low − mean)/(std√2))
    /// and erf((high − mean)/(std√2)) (inverse CDF, one word per element; `TruncatedNormalParameters`).
    case truncatedNormal(mean: Float, std: Float, low: Float, high: Float)

    /// U(0, 1).
    public static let standardUniform = Distribution.uniform(low: 0, high: 1)
    /// N(0, 1).
    public static let standardNormal = Distribution.normal(mean: 0, std: 1)
}
