import Dispatch
import Foundation
import XCTest
@testable import TensorSeed

/// The truncated normal's math (erfinv, host erf) and its distribution.
final class TruncatedNormalTests: XCTestCase {
    /// erfinv(x) in float64 by Newton's method on the C library's erf, from a starting guess.
    static func referenceErfinv(_ x: Double, guess: Double) -> Double {
        var z = guess
        for _ in 0..<4 {
            let step = (Foundation.erf(z) - x) / (2 / Double.pi.squareRoot() * Foundation.exp(-z * z))
            if !step.isFinite { break }
            z -= step
        }
        return z
    }

    func testErfinvAccuracyOverEveryThirtyFirstFloatInZeroOne() {
        final class Worst: @unchecked Sendable { let lock = NSLock(); var error = 0.0; var input: Float = 0 }
        let worst = Worst()
        let top = Float(0x1.fffffep-1).bitPattern   // 1 − 2^-24
        let chunks = 64
        DispatchQueue.concurrentPerform(iterations: chunks) { c in
            var localError = 0.0, localInput: Float = 0
            var bits = UInt32(c) * 31
            while bits <= top {
                var x = FloatLanes(repeating: 0)
                for l in 0..<8 { x[l] = Float(bitPattern: min(top, bits &+ UInt32(l * chunks * 31))) }
                let y = DeterministicMath.deterministicErfinv(x)
                for l in 0..<8 {
                    let reference = Self.referenceErfinv(Double(x[l]), guess: Double(y[l]))
                    let e = ulpError(y[l], reference: reference)
                    if e > localError { localError = e; localInput = x[l] }
                }
                bits = bits &+ UInt32(8 * chunks * 31)
                if bits < UInt32(c) * 31 { break }
            }
            worst.lock.lock(); if localError > worst.error { worst.error = localError; worst.input = localInput }; worst.lock.unlock()
        }
        print("deterministicErfinv: max error \(worst.error) ulp over every 31st float in [0, 1) (worst at \(worst.input))")
        XCTAssertLessThanOrEqual(worst.error, 4)
        // Odd function, exactly.
        let x = FloatLanes(0.1, 0.5, 0.9, 0.99, 0.999, 0.3, 0.7, 0x1p-20)
        XCTAssertEqual(DeterministicMath.deterministicErfinv(-x), -DeterministicMath.deterministicErfinv(x))
    }

    func testHostErfAgainstTheCLibrary() {
        var worst = 0.0
        var x = -4.5
        while x <= 4.5 {
            if abs(x) < HostErf.saturation {
                worst = max(worst, abs(HostErf.erf(x) - Foundation.erf(x)))
            } else {
                XCTAssertEqual(Float(HostErf.erf(x)), Float(Foundation.erf(x)), "saturated at \(x)")
            }
            x += 0.001
        }
        print("HostErf.erf: max |difference| from the C library's erf on (-3.92, 3.92): \(worst)")
        XCTAssertLessThan(worst, 1e-10)
        XCTAssertEqual(HostErf.erf(0), 0)
        XCTAssertEqual(Float(HostErf.erf(4)), 1)
    }

    func testTruncatedValuesStayInBoundsAndHaveTheTruncatedMoments() throws {
        // N(0.5, 2²) truncated to [−1, 4]: α = −0.75, β = 1.75.
        let (mean, std, low, high): (Float, Float, Float, Float) = (0.5, 2, -1, 4)
        let d = Distribution.truncatedNormal(mean: mean, std: std, low: low, high: high)
        let n = 4_000_000
        let x = try CPUEngine().generate(stream: TensorStream(seed: 3, name: "trunc"), count: n, distribution: d)
        XCTAssertTrue(x.allSatisfy { $0 >= low && $0 <= high })
        // Exact moments of the truncated normal (Johnson, Kotz and Balakrishnan, ch. 13).
        let a = -0.75, b = 1.75
        let phi = { (t: Double) in exp(-t * t / 2) / (2 * Double.pi).squareRoot() }
        let cdf = { (t: Double) in 0.5 * erfc(-t / 2.0.squareRoot()) }
        let z = cdf(b) - cdf(a)
        let m = (phi(a) - phi(b)) / z
        let v = 1 + (a * phi(a) - b * phi(b)) / z - m * m
        let expectedMean = Double(mean) + Double(std) * m, expectedVariance = Double(std * std) * v
        let verdictMean = Statistics.mean(x, expected: expectedMean, sigma: expectedVariance.squareRoot())
        print(verdictMean)
        XCTAssertTrue(verdictMean.passed)
        let variance = Statistics.meanAndVariance(x).variance
        print("truncated normal variance \(variance), expected \(expectedVariance)")
        XCTAssertEqual(variance, expectedVariance, accuracy: expectedVariance * 0.005)
        // The density reaches both bounds (no gap at the ends).
        XCTAssertLessThan(Double(x.min()!), Double(low) + 0.01)
        XCTAssertGreaterThan(Double(x.max()!), Double(high) - 0.01)
    }

    func testJaxVarianceScalingTruncatedNormalHasTheRequestedVariance() throws {
        // jax.nn.initializers.lecun_normal: variance 1/fan_in, N(0, 1) truncated to ±2 and divided by .8796...
        let recipe = try InitScheme.lecunNormal.recipe(shape: [400, 300])
        guard case let .random(d) = recipe else { return XCTFail("\(recipe)") }
        let x = try CPUEngine().generate(stream: TensorStream(seed: 8, name: "lecun"), count: 2_000_000, distribution: d)
        let variance = Statistics.meanAndVariance(x).variance
        print("lecun_normal variance \(variance), expected \(1.0 / 400)")
        XCTAssertEqual(variance, 1.0 / 400, accuracy: 1.0 / 400 * 0.005)
        let bound = 2 / 400.0.squareRoot() / InitScheme.jaxTruncatedNormalStddev
        XCTAssertTrue(x.allSatisfy { Double($0.magnitude) <= bound * (1 + 1e-6) })
    }

    func testTorchTruncNormalDefaults() throws {
        XCTAssertEqual(try InitScheme.truncatedNormal().recipe(shape: [10]),
                       .random(.truncatedNormal(mean: 0, std: 1, low: -2, high: 2)))
        XCTAssertThrowsError(try InitScheme.truncatedNormal(mean: 0, std: 1, a: 2, b: -2).recipe(shape: [3]))
    }
}
