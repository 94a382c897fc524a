import XCTest
@testable import TensorSeed

/// SPEC.md 7.1: a truncated normal whose erf bounds would make subnormal intermediates is refused.
final class TruncatedNormalRuleTests: XCTestCase {
    private func refused(_ scheme: InitScheme, shape: [Int] = [4, 4]) -> Bool {
        do { _ = try scheme.recipe(shape: shape); return false } catch let error as SchemeError {
            if case .subnormalTruncation = error { return true }
            XCTFail("\(scheme) failed for another reason: \(error)")
            return false
        } catch {
            XCTFail("\(error)")
            return false
        }
    }

    func testBoundsTooNarrowForStdAreRefused() {
        // erfWidth ≈ 0.8 · (b − a) / std: 1.6e-20 is accepted, 1.6e-24 (< 2^-78 ≈ 3.3e-24) refused.
        XCTAssertFalse(refused(.truncatedNormal(mean: 0, std: 1e20, a: -1, b: 1)))
        XCTAssertTrue(refused(.truncatedNormal(mean: 0, std: 1e24, a: -1, b: 1)))
        XCTAssertTrue(refused(.truncatedNormal(mean: 0, std: 1e35, a: -1, b: 1)))
    }

    func testBoundNearButNotAtTheMeanIsRefused() {
        XCTAssertFalse(refused(.truncatedNormal(mean: 0, std: 1, a: 0, b: 2)))       // erfLow = 0 exactly
        XCTAssertFalse(refused(.truncatedNormal(mean: 0, std: 1, a: 1e-29, b: 2)))   // erfLow ≈ 1.1e-29 ≥ 2^-102
        XCTAssertTrue(refused(.truncatedNormal(mean: 0, std: 1, a: 1e-33, b: 2)))    // erfLow ≈ 1.1e-33 < 2^-102
        XCTAssertFalse(refused(.truncatedNormal(mean: 0, std: 1, a: -2, b: -1e-33))) // erfHigh is only a term of erfWidth ≈ 0.95
    }

    func testOrdinarySchemesAreAccepted() {
        for shape in [[1, 1], [4096, 4096], [3, 64, 7, 7]] {
            XCTAssertFalse(refused(.lecunNormal, shape: shape))
            XCTAssertFalse(refused(.varianceScaling(scale: 1e-6, mode: .fanAvg, distribution: .truncatedNormal), shape: shape))
        }
        XCTAssertFalse(refused(.truncatedNormal()))
        XCTAssertFalse(refused(.truncatedNormal(mean: 0.5, std: 0.02, a: 0.47, b: 0.6)))
    }

    func testTheRuleIsTheStatedOne() {
        let p = TruncatedNormalParameters(mean: 0, std: 1e35, low: -1, high: 1)
        XCTAssertLessThan(abs(p.erfWidth), TruncatedNormalParameters.smallestErfWidth)
        XCTAssertFalse(p.isSubnormalFree)
        XCTAssertEqual(TruncatedNormalParameters.smallestErfLow, Float(sign: .plus, exponent: -102, significand: 1))
        XCTAssertEqual(TruncatedNormalParameters.smallestErfWidth, Float(sign: .plus, exponent: -78, significand: 1))
        let message = "\(SchemeError.subnormalTruncation(scheme: "trunc_normal", mean: 0, std: 1e35, low: -1, high: 1))"
        XCTAssertTrue(message.contains("SPEC.md 7.1") && message.contains("subnormal") && !message.contains("\n"), message)
    }
}
