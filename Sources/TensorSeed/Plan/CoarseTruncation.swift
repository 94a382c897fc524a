/// Notes for truncated normals whose bounds leave them few possible values (SPEC.md 7 samples the inverse CDF in
/// float32, so bounds far in one tail, where erf's float32 values are sparse, allow only a handful of values, or
/// one). The bits stay as the spec defines them; the note tells the user before they train on such a tensor.
/// torch 2.13's `trunc_normal_` samples far-tail bounds by rejection and has no such floor.
public enum CoarseTruncation {
    /// Fewer possible values than this (2^16) gets a note: a histogram of any large tensor then shows the steps.
    /// Everyday bounds are far above it (torch's default [−2, 2] at std 1: about 2^24; timm's std 0.02 in
    /// [−2, 2]: 2^24), and bounds one-sided deep in a tail far below it ([5σ, 6σ]: 10).
    public static let fewestValues = 1 << 16

    /// The most notes one plan prints (then one line for the rest).
    public static let mostNotes = 5

    /// How many values a truncated normal distribution can produce, or nil for any other recipe.
    public static func valueCount(_ recipe: TensorRecipe) -> Int? {
        guard case .random(.truncatedNormal(let mean, let std, let low, let high)) = recipe else { return nil }
        return TruncatedNormalParameters(mean: mean, std: std, low: low, high: high).erfArgumentValueCount
    }

    /// A truncated normal gets a note only when its values are also this many times sparser than the float32
    /// numbers between its bounds: a narrow interval near the mean ([0.5, 0.5001] at std 1: 2364 values for 1678
    /// float32 numbers) is as fine as float32 allows there, and needs none.
    public static let sparserThanFloat32 = 16

    /// The note for a tensor `name` made by `recipe`, if it is a truncated normal that can take fewer than
    /// `fewestValues` values, `sparserThanFloat32` times fewer than the float32 numbers between its bounds.
    public static func note(name: String, recipe: TensorRecipe) -> String? {
        guard let count = valueCount(recipe), count < fewestValues,
              case .random(.truncatedNormal(let mean, let std, let low, let high)) = recipe else { return nil }
        let between = TruncatedNormalParameters.float32Count(from: low, to: high)
        guard count.multipliedReportingOverflow(by: sparserThanFloat32).partialValue < between else { return nil }
        let values = count == 1 ? "a single value" : "at most \(count) distinct values"
        return "tensor '\(PrintableText.escaped(name))': truncated normal (mean \(mean), std \(std)) in [\(low), \(high)] "
            + "can take \(values), though \(between) float32 numbers lie between its bounds: its inverse CDF (SPEC.md 7) "
            + "works on float32 erf values, which are sparse this far from the mean; bounds within a few std of the mean, "
            + "or a plain normal, give a full range"
    }

    /// One note per tensor of `plan` whose truncated normal can take fewer than `fewestValues` values (at most
    /// `mostNotes`, then how many more).
    public static func notes(_ plan: ModelPlan) -> [String] {
        let all = plan.tensors.lazy.compactMap { note(name: $0.name, recipe: $0.recipe) }
        var notes = Array(all.prefix(mostNotes))
        let more = all.dropFirst(mostNotes).count
        if more > 0 { notes.append("\(more) more truncated normal tensors can take fewer than \(fewestValues) distinct values") }
        return notes
    }
}
