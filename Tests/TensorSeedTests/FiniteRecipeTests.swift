import Foundation
import XCTest
@testable import TensorSeed

/// No scheme writes an infinite or NaN weight: every parameter must be finite in float32 after its
/// conversion, and every resolved recipe must produce only finite values (`TensorRecipe.checkRepresentable`),
/// or the scheme is refused with a message naming the parameter, not a misleading one.
final class FiniteRecipeTests: XCTestCase {
    private func message(_ scheme: InitScheme, shape: [Int] = [4, 4]) -> String {
        do { _ = try scheme.recipe(shape: shape); return "accepted" } catch { return "\(error)" }
    }

    func testNonFiniteAndOverflowingParametersAreRefusedByName() {
        let cases: [(InitScheme, String)] = [
            (.constant(.infinity), "constant: val = inf is invalid, it must be finite in float32"),
            (.constant(-1e39), "constant: val = -1e+39 is invalid"),
            (.constant(.nan), "constant: val = nan is invalid"),
            (.normal(mean: 1e39, std: 1), "normal: mean = 1e+39 is invalid, it must be finite in float32"),
            (.normal(mean: 0, std: 1e39), "normal: std = 1e+39 is invalid"),
            (.normal(mean: 0, std: 1e38), "normal: mean 0.0 ± 6.7 · std 1e+38 (the normal's reach) overflows float32"),
            (.normal(mean: 3e38, std: 1e37), "overflows float32"),
            (.uniform(low: -3e38, high: 3e38), "uniform: high - low = 6.0000000109955115e+38 overflows float32"),
            (.uniform(low: -.infinity, high: 0), "uniform: a (low) = -inf is invalid"),
            (.uniform(low: 0, high: 1e39), "uniform: b (high) = 1e+39 is invalid"),
            (.uniform(low: 1, high: 1.00000001), "uniform: the bounds [1.0, 1.0] in float32 hold no value (low must be below high)"),
            (.truncatedNormal(mean: 0, std: 1, a: 1, b: 1.00000001), "trunc_normal: the bounds [1.0, 1.0] in float32 hold no value"),
            (.truncatedNormal(mean: 0, std: 1, a: 2, b: 1), "trunc_normal: a = 2.0 is invalid, it must be below b = 1.0"),
            (.truncatedNormal(mean: 1e39, std: 1, a: -2, b: 2), "trunc_normal: mean = 1e+39 is invalid"),
            (.truncatedNormal(mean: 0, std: 1e38, a: -.infinity, b: .infinity), "overflows float32"),
            (.truncatedNormal(mean: 0, std: 1e-46, a: -2, b: 2), "trunc_normal: std = 0.0 in float32 must be > 0"),
            (.xavierUniform(gain: .infinity), "xavier_uniform: gain = inf is invalid, it must be finite in float32"),
            (.xavierNormal(gain: .nan), "xavier_normal: gain = nan is invalid"),
            (.xavierNormal(gain: -1), "xavier_normal: gain = -1.0 is invalid, it must be >= 0"),
            (.xavierUniform(gain: 3e38), "xavier_uniform: high - low"),
            (.kaimingUniform(a: .nan), "kaiming_uniform: a = nan is invalid, it must be finite in float32"),
            (.kaimingNormal(a: 1e300), "kaiming_normal: a = 1e+300 is invalid"),
            (.kaimingUniform(a: 0, mode: .fanAvg, nonlinearity: .leakyRelu()), "kaiming_uniform: mode = fan_avg is invalid, it must be fan_in or fan_out"),
            (.orthogonal(gain: 1e39), "orthogonal: gain = 1e+39 is invalid"),
            (.orthogonal(gain: -.infinity), "orthogonal: gain = -inf is invalid"),
            (.sparse(sparsity: 0.5, std: 1e38), "sparse: mean 0.0 ± 6.7 · std 1e+38"),
            (.sparse(sparsity: 0.5, std: .infinity), "sparse: std = inf is invalid"),
            (.embedding(paddingIndex: 0, std: 1e39), "embedding: std = 1e+39 is invalid"),
            (.embedding(paddingIndex: nil, std: 6e37), "embedding: mean 0.0 ± 6.7"),
            (.varianceScaling(scale: .infinity, mode: .fanIn, distribution: .normal), "variance_scaling: scale = inf is invalid"),
            (.varianceScaling(scale: 1e39, mode: .fanIn, distribution: .uniform), "variance_scaling: scale = 1e+39 is invalid"),
        ]
        for (scheme, expected) in cases {
            let text = message(scheme)
            XCTAssertTrue(text.contains(expected), "\(scheme): \(text)")
            XCTAssertFalse(text.contains("the fan of shape"), "\(scheme): \(text)")
        }
        // A bound that rounds to 0 in float32 is refused as such (a = 3e38, fan_in 2^50: bound ≈ 1e-46).
        XCTAssertTrue(message(.kaimingUniform(a: 3e38), shape: [1, 1 << 50]).contains("kaiming_uniform: the bounds [-0.0, 0.0] in float32 hold no value"))
        // lecun_* are variance_scaling inside, but their messages name the scheme written.
        XCTAssertEqual(message(.lecunNormal, shape: [5]), "lecun_normal needs a tensor with at least 2 dimensions to compute fans, got shape [5]")
        XCTAssertEqual(message(.lecunUniform, shape: [4, 4, 2]), "accepted")
        // Empty tensors need no fans or parameters.
        XCTAssertEqual(message(.xavierUniform(gain: 1), shape: [0, 4]), "accepted")   // empty tensors need no fans
        XCTAssertTrue(message(.kaimingNormal(), shape: [4, 0, 3]).contains("accepted"))
    }

    func testAGainOfZeroIsZerosAsInTorch() throws {
        XCTAssertEqual(try InitScheme.xavierUniform(gain: 0).recipe(shape: [4, 4]), .constant(0))
        XCTAssertEqual(try InitScheme.xavierNormal(gain: 0).recipe(shape: [4, 4]), .random(.normal(mean: 0, std: 0)))
    }

    /// Every scheme with parameters drawn from ordinary and extreme values either is refused or produces
    /// only finite values, and a uniform never exceeds its high bound (SPEC.md 4).
    func testEveryAcceptedRecipeProducesOnlyFiniteValues() throws {
        let values: [Double] = [0, 1, -1, 0.02, 1e-30, 1e-45, 1e-300, 1e30, 5e37, 5.07e37, 5.08e37, 1e38, 1.7e38, 3.4e38,
                                3.4028235e38, 3.4028236e38, 1e39, -5e37, -1.7e38, -3.4e38, .infinity, -.infinity, .nan]
        var random = SplitMix64(seed: 0xF1_217E)
        func pick() -> Double { values[Int(random.next() % UInt64(values.count))] }
        let generator = TensorGenerator(seed: 5, threads: 1)
        var accepted = 0, refused = 0
        for round in 0..<1500 {
            let schemes: [InitScheme] = [
                .uniform(low: pick(), high: pick()), .normal(mean: pick(), std: pick()),
                .truncatedNormal(mean: pick(), std: pick(), a: pick(), b: pick()), .constant(pick()),
                .orthogonal(gain: pick()), .sparse(sparsity: 0.5, std: pick()), .embedding(paddingIndex: 1, std: pick()),
                .xavierUniform(gain: pick()), .xavierNormal(gain: pick()), .kaimingUniform(a: pick()), .kaimingNormal(a: pick()),
                .varianceScaling(scale: pick(), mode: .fanAvg, distribution: .uniform),
                .varianceScaling(scale: pick(), mode: .fanIn, distribution: .truncatedNormal),
            ]
            let scheme = schemes[round % schemes.count]
            guard let recipe = try? scheme.recipe(shape: [64, 64]) else { refused += 1; continue }
            accepted += 1
            var values = [Float]()
            try generator.fill(&values, tensor: "w\(round)", shape: [64, 64], scheme: scheme, on: .cpu)
            XCTAssertTrue(values.allSatisfy(\.isFinite), "\(scheme) → \(recipe) wrote a non-finite value")
            if case let .random(.uniform(low, high)) = recipe {
                XCTAssertTrue(values.allSatisfy { $0 >= low && $0 <= high }, "\(scheme) left [\(low), \(high)]")
            }
        }
        XCTAssertGreaterThan(accepted, 150)
        XCTAssertGreaterThan(refused, 150)
    }

    func testTheReachBoundIsTight() throws {
        // The largest std the check accepts writes finite values at the normal's widest element (|z| ≈ 6.66).
        let std = Float(Double(Float.greatestFiniteMagnitude) / Distribution.normalReach).nextDown
        XCTAssertNoThrow(try Distribution.normal(mean: 0, std: std).checkRepresentable(scheme: "normal"))
        XCTAssertThrowsError(try Distribution.normal(mean: 0, std: std * 1.01).checkRepresentable(scheme: "normal"))
        XCTAssertThrowsError(try Distribution.uniform(low: -.greatestFiniteMagnitude, high: .greatestFiniteMagnitude).checkRepresentable(scheme: "u"))
        XCTAssertNoThrow(try Distribution.uniform(low: -1.7e38, high: 1.7e38).checkRepresentable(scheme: "u"))
    }
}
