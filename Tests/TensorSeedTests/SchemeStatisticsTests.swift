import XCTest
@testable import TensorSeed

/// Each random scheme's spread against torch's / JAX's formula, on 10^6 samples, and its bounds.
final class SchemeStatisticsTests: XCTestCase {
    /// (scheme, shape, expected standard deviation, bound that no value may exceed).
    static let cases: [(InitScheme, [Int], Double, Double?)] = {
        let (out, inp) = (1000, 1000)
        let xavierStd = (2.0 / Double(out + inp)).squareRoot()
        let kaimingReluStd = 2.0.squareRoot() / Double(inp).squareRoot()
        let linearBound = 1 / Double(inp).squareRoot()
        let lecunStd = (1.0 / Double(inp)).squareRoot()
        return [
            (.uniform(low: -0.3, high: 0.3), [out, inp], 0.3 / 3.0.squareRoot(), 0.3),
            (.normal(mean: 0, std: 0.02), [out, inp], 0.02, nil),
            (.xavierUniform(gain: 1), [out, inp], xavierStd, 3.0.squareRoot() * xavierStd),
            (.xavierNormal(gain: 1), [out, inp], xavierStd, nil),
            (.kaimingUniform(a: 0, mode: .fanIn, nonlinearity: .relu), [out, inp], kaimingReluStd, 3.0.squareRoot() * kaimingReluStd),
            (.kaimingNormal(a: 0, mode: .fanIn, nonlinearity: .relu), [out, inp], kaimingReluStd, nil),
            (TorchModuleDefaults.weightOfLinearOrConv, [out, inp], linearBound / 3.0.squareRoot(), linearBound),
            (.lecunUniform, [inp, out], lecunStd, 3.0.squareRoot() * lecunStd),
            (.lecunNormal, [inp, out], lecunStd, 2 * lecunStd / InitScheme.jaxTruncatedNormalStddev),
            (.varianceScaling(scale: 2, mode: .fanAvg, distribution: .normal), [inp, out], (2.0 / 1000).squareRoot(), nil),
        ]
    }()

    func testEachSchemesSpreadAndBounds() throws {
        let generator = TensorGenerator(seed: 2026)
        for (index, (scheme, shape, std, bound)) in Self.cases.enumerated() {
            var x = [Float]()
            try generator.fill(&x, tensor: "stats.\(index).\(scheme.name)", shape: shape, scheme: scheme, on: .cpu)
            XCTAssertEqual(x.count, 1_000_000)
            let (mean, variance) = Statistics.meanAndVariance(x)
            // Standard errors: σ/√n for the mean; for the variance √((μ4 − σ⁴)/n) with μ4 ≤ 3σ⁴ (normal) — a safe bound.
            let n = Double(x.count)
            let meanZ = abs(mean) / (std / n.squareRoot())
            let varianceZ = abs(variance - std * std) / ((2 * std * std * std * std / n).squareRoot())
            print("\(scheme.name) \(shape): std \(variance.squareRoot()) vs \(std); mean z \(meanZ), variance z \(varianceZ)")
            XCTAssertLessThan(meanZ, 5, "\(scheme)")
            XCTAssertLessThan(varianceZ, 5, "\(scheme)")
            if let bound {
                let largest = Double(x.map(\.magnitude).max()!)
                XCTAssertLessThanOrEqual(largest, bound * (1 + 1e-6), "\(scheme) exceeded its bound")
                XCTAssertGreaterThan(largest, bound * 0.97, "\(scheme) never came near its bound")
            }
        }
    }

    func testTheCheckCatchesAWrongGain() throws {
        // A kaiming normal with torch's leaky_relu default gain instead of relu's: 0.01 % different std —
        // too small to see; a tanh gain (5/3 vs √2) must be caught.
        var x = [Float]()
        try TensorGenerator(seed: 2026).fill(&x, tensor: "stats.wrong", shape: [1000, 1000],
                                             scheme: .kaimingNormal(a: 0, mode: .fanIn, nonlinearity: .tanh), on: .cpu)
        let variance = Statistics.meanAndVariance(x).variance
        let reluStd = 2.0.squareRoot() / 1000.0.squareRoot()
        XCTAssertGreaterThan(abs(variance - reluStd * reluStd) / ((2 * pow(reluStd, 4) / 1e6).squareRoot()), 5)
    }
}
