import Foundation

/// Statistical checks used by `StatisticalTests`. Each returns a verdict with its statistic and bound,
/// so that tests can show both that the stream passes and that a deliberately broken transform fails.
struct Verdict: CustomStringConvertible {
    let name: String
    let statistic: Double
    let bound: Double
    var passed: Bool { statistic <= bound }
    var description: String { "\(name): \(statistic) (bound \(bound)) \(passed ? "pass" : "FAIL")" }
}

enum Statistics {
    /// Standard normal CDF, exact to float64 precision: Φ(x) = erfc(−x/√2)/2.
    static func normalCDF(_ x: Double) -> Double { 0.5 * erfc(-x / 2.0.squareRoot()) }

    static func meanAndVariance(_ x: [Float]) -> (mean: Double, variance: Double) {
        var sum = 0.0, sumSquares = 0.0
        for v in x { sum += Double(v) }
        let mean = sum / Double(x.count)
        for v in x { let d = Double(v) - mean; sumSquares += d * d }
        return (mean, sumSquares / Double(x.count - 1))
    }

    /// |mean − μ| in standard errors σ/√n; bound 5 (two-sided p ≈ 6·10^-7).
    static func mean(_ x: [Float], expected: Double, sigma: Double) -> Verdict {
        let m = meanAndVariance(x).mean
        return Verdict(name: "mean z-score", statistic: abs(m - expected) / (sigma / Double(x.count).squareRoot()), bound: 5)
    }

    /// |s² − σ²| in standard errors √((μ4 − σ⁴)/n); bound 5.
    static func variance(_ x: [Float], expected: Double, fourthMoment: Double) -> Verdict {
        let v = meanAndVariance(x).variance
        let se = ((fourthMoment - expected * expected) / Double(x.count)).squareRoot()
        return Verdict(name: "variance z-score", statistic: abs(v - expected) / se, bound: 5)
    }

    /// Kolmogorov–Smirnov √n·D against the exact normal CDF; bound 2.7 (asymptotic p ≈ 10^-6).
    static func kolmogorovSmirnovNormal(_ x: [Float]) -> Verdict {
        let sorted = x.sorted()
        let n = Double(sorted.count)
        var d = 0.0
        for (i, v) in sorted.enumerated() {
            let f = normalCDF(Double(v))
            d = max(d, f - Double(i) / n, Double(i + 1) / n - f)
        }
        return Verdict(name: "KS sqrt(n)·D", statistic: d * n.squareRoot(), bound: 2.7)
    }

    /// Count of |z| > k against the binomial law with p = erfc(k/√2): |count − np| in standard deviations,
    /// bound 6, and at least one beyond k when np ≥ 20.
    static func tail(_ x: [Float], beyond k: Double) -> Verdict {
        let count = x.reduce(0) { $0 + (abs(Double($1)) > k ? 1 : 0) }
        let n = Double(x.count), p = erfc(k / 2.0.squareRoot())
        let sd = (n * p * (1 - p)).squareRoot()
        let z = abs(Double(count) - n * p) / sd
        return Verdict(name: "tail beyond \(k)σ: \(count) vs \(Int((n * p).rounded())) expected; z", statistic: (count == 0 && n * p >= 20) ? .infinity : z, bound: 6)
    }

    /// Pearson chi-square of uniforms in [0, 1) over `bins` equal bins, as (χ² − df)/√(2 df); bound 6.
    static func chiSquareUniform(_ x: [Float], bins: Int) -> Verdict {
        var counts = [Int](repeating: 0, count: bins)
        for v in x { counts[min(bins - 1, Int(Double(v) * Double(bins)))] += 1 }
        let expected = Double(x.count) / Double(bins)
        let chi2 = counts.reduce(0.0) { $0 + (Double($1) - expected) * (Double($1) - expected) / expected }
        let df = Double(bins - 1)
        return Verdict(name: "chi-square z (\(bins) bins)", statistic: abs(chi2 - df) / (2 * df).squareRoot(), bound: 6)
    }

    /// |Pearson r|·√n of two sequences; bound 5.
    static func correlation(_ a: [Float], _ b: [Float]) -> Verdict {
        let (ma, va) = meanAndVariance(a), (mb, vb) = meanAndVariance(b)
        var c = 0.0
        for i in a.indices { c += (Double(a[i]) - ma) * (Double(b[i]) - mb) }
        let r = c / Double(a.count - 1) / (va * vb).squareRoot()
        return Verdict(name: "correlation |r|·sqrt(n)", statistic: abs(r) * Double(a.count).squareRoot(), bound: 5)
    }
}
