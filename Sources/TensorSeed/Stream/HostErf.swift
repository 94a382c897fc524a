/// erf in float64 from `+ − × ÷` only, for the truncated normal's bounds (SPEC.md, "Truncated normal").
///
/// IEEE-754 float64 `+ − × ÷` are correctly rounded on every host, and Swift never contracts them,
/// so this function gives the same bits everywhere (unlike the C library's `erf`). It runs once per
/// tensor, on the host; its result is rounded to float32 before use.
public enum HostErf {
    /// 2/√π, rounded to float64.
    public static let twoOverSqrtPi = 1.1283791670955126
    /// Beyond this |x|, erf(x) rounds to ±1 in float32 (erf(3.92) = 1 − 3.0·10^-8 < 1 − 2^-25).
    public static let saturation = 3.92

    /// erf(x) = 2/√π · Σ (−1)^n x^(2n+1) / (n! (2n+1)), summed until the terms stop changing the sum;
    /// ±1 beyond `saturation`.
    public static func erf(_ x: Double) -> Double {
        if x.isNaN { return x }
        if x >= saturation { return 1 }
        if x <= -saturation { return -1 }
        let x2 = x * x
        var power = x          // (−1)^n x^(2n+1) / n!
        var sum = x
        var n = 0.0
        while true {
            n += 1
            power = -power * x2 / n
            let term = power / (2 * n + 1)
            let next = sum + term
            if next == sum { break }
            sum = next
        }
        return twoOverSqrtPi * sum
    }
}
