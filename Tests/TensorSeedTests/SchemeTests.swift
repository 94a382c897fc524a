import XCTest
@testable import TensorSeed

/// Fans, gains and scheme parameters against values PyTorch 2.x and JAX compute (facts, written in).
final class SchemeTests: XCTestCase {
    func testTorchFans() throws {
        // (shape, fan_in, fan_out) from torch.nn.init._calculate_fan_in_and_fan_out.
        let table: [([Int], Double, Double)] = [
            ([3, 5], 5, 3), ([64, 3, 7, 7], 147, 3136), ([16, 8, 3], 24, 48), ([2, 4, 5, 6, 7], 840, 420),
            ([1, 1], 1, 1), ([0, 5], 5, 0), ([128, 1, 1, 1], 1, 128),
        ]
        for (shape, fanIn, fanOut) in table {
            XCTAssertEqual(try Fans.torch(shape: shape), Fans(fanIn: fanIn, fanOut: fanOut), "\(shape)")
        }
        XCTAssertThrowsError(try Fans.torch(shape: [10])) { XCTAssertTrue("\($0)".contains("at least 2 dimensions")) }
        XCTAssertThrowsError(try Fans.torch(shape: []))
    }

    func testJaxFans() throws {
        // (shape, in_axis, out_axis, batch_axis, fan_in, fan_out) from jax.nn.initializers' _compute_fans.
        let table: [([Int], [Int], [Int], [Int], Double, Double)] = [
            ([3, 5], [-2], [-1], [], 3, 5), ([3, 3, 16, 32], [-2], [-1], [], 144, 288),
            ([8, 3, 4, 5], [1], [0], [], 60, 160), ([6, 4, 5, 7], [-2], [-1], [0], 20, 28),
            ([2, 3, 4], [0, 1], [-1], [], 6, 4),
        ]
        for (shape, i, o, b, fanIn, fanOut) in table {
            XCTAssertEqual(try Fans.jax(shape: shape, inAxis: i, outAxis: o, batchAxis: b), Fans(fanIn: fanIn, fanOut: fanOut), "\(shape)")
        }
        XCTAssertThrowsError(try Fans.jax(shape: [4, 4], inAxis: [2]))
    }

    func testGains() throws {
        // torch.nn.init.calculate_gain.
        let table: [(String, Double?, Double)] = [
            ("linear", nil, 1), ("conv1d", nil, 1), ("conv2d", nil, 1), ("conv3d", nil, 1),
            ("conv_transpose1d", nil, 1), ("conv_transpose2d", nil, 1), ("conv_transpose3d", nil, 1),
            ("sigmoid", nil, 1), ("tanh", nil, 1.6666666666666667), ("relu", nil, 1.4142135623730951),
            ("leaky_relu", nil, 1.4141428569978354), ("leaky_relu", 0.2, 1.3867504905630728),
            ("leaky_relu", 2.23606797749979, 0.5773502691896257), ("selu", nil, 0.75),
        ]
        for (name, parameter, gain) in table {
            XCTAssertEqual(try Nonlinearity(torchName: name, parameter: parameter).gain, gain, accuracy: 1e-15, name)
        }
        XCTAssertThrowsError(try Nonlinearity(torchName: "gelu")) { XCTAssertTrue("\($0)".contains("unknown nonlinearity 'gelu'")) }
    }

    func testVarianceScalingParameters() throws {
        let shape = [256, 784]   // torch: (out, in)
        XCTAssertEqual(try InitScheme.xavierUniform().recipe(shape: shape),
                       .random(.uniform(low: -Float((6.0 / 1040).squareRoot()), high: Float((6.0 / 1040).squareRoot()))))
        XCTAssertEqual(try InitScheme.xavierNormal(gain: 2).recipe(shape: shape), .random(.normal(mean: 0, std: Float(2 * (2.0 / 1040).squareRoot()))))
        XCTAssertEqual(try InitScheme.kaimingNormal(mode: .fanIn, nonlinearity: .relu).recipe(shape: shape),
                       .random(.normal(mean: 0, std: Float((2.0 / 784).squareRoot()))))
        XCTAssertEqual(try InitScheme.kaimingNormal(mode: .fanOut, nonlinearity: .relu).recipe(shape: shape),
                       .random(.normal(mean: 0, std: Float((2.0 / 256).squareRoot()))))
        // nn.Linear's default weight init is U(±1/√fan_in).
        guard case let .random(.uniform(low, high)) = try TorchModuleDefaults.weightOfLinearOrConv.recipe(shape: shape) else { return XCTFail() }
        XCTAssertEqual(Double(high), 1 / 784.0.squareRoot(), accuracy: 1e-8)
        XCTAssertEqual(low, -high)
        XCTAssertEqual(try TorchModuleDefaults.biasOfLinearOrConv(weightShape: shape).recipe(shape: [256]),
                       .random(.uniform(low: -Float(1 / 784.0.squareRoot()), high: Float(1 / 784.0.squareRoot()))))
        // JAX: lecun_uniform = U(±√(3/fan_in)), fan_in = shape[-2] for a (in, out) kernel.
        XCTAssertEqual(try InitScheme.lecunUniform.recipe(shape: [784, 256]),
                       .random(.uniform(low: -Float((3.0 / 784).squareRoot()), high: Float((3.0 / 784).squareRoot()))))
        XCTAssertEqual(try InitScheme.varianceScaling(scale: 2, mode: .fanAvg, distribution: .normal).recipe(shape: [784, 256]),
                       .random(.normal(mean: 0, std: Float((2.0 / 520).squareRoot()))))
    }

    func testShapesASchemeCannotTake() {
        XCTAssertThrowsError(try InitScheme.xavierUniform().recipe(shape: [10]))
        XCTAssertThrowsError(try InitScheme.eye.recipe(shape: [3, 3, 3]))
        XCTAssertThrowsError(try InitScheme.dirac(groups: 3).recipe(shape: [4, 4, 3]))
        XCTAssertThrowsError(try InitScheme.dirac().recipe(shape: [4, 4]))
        XCTAssertEqual(try InitScheme.kaimingNormal().recipe(shape: [5, 0, 3]), .constant(0))   // empty: a no-op, as in torch
        XCTAssertThrowsError(try InitScheme.normal().recipe(shape: [-1, 3]))
        XCTAssertThrowsError(try InitScheme.uniform(low: 1, high: 0).recipe(shape: [3]))
        XCTAssertThrowsError(try InitScheme.kaimingUniform(mode: .fanAvg).recipe(shape: [3, 3]))
    }
}
