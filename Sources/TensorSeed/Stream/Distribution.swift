/// A float32 distribution that the stream produces directly (SPEC.md, "Transforms").
public enum Distribution: Sendable, Hashable {
    /// `low + (high − low) · u`, u uniform in [0, 1) with 2^24 equally spaced values; the
    /// two operations are rounded separately (float32, no fma), so `high` can be reached by rounding only.
    case uniform(low: Float, high: Float)
    /// `mean + std · z`, z a standard normal from the Box–Muller transform, rounded separately (no fma).
    case normal(mean: Float, std: Float)

    /// U(0, 1).
    public static let standardUniform = Distribution.uniform(low: 0, high: 1)
    /// N(0, 1).
    public static let standardNormal = Distribution.normal(mean: 0, std: 1)
}
