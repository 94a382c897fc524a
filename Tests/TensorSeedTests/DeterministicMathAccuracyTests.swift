import Dispatch
import Foundation
import XCTest
@testable import TensorSeed

/// Exhaustive accuracy of the deterministic functions over every input the stream can give them,
/// against float64 references. Run in release (`swift test -c release`): 84 million log and sqrt inputs.
final class DeterministicMathAccuracyTests: XCTestCase {
    /// Every distinct value of `uniformOpenClosed`: RNE(n)·2^-32 for n in 1 ... 2^32. Below 2^24 every n is exact;
    /// in [2^k, 2^(k+1)), k ≥ 24, the float32 values are 2^k + j·2^(k−23), j < 2^23; plus 2^32 itself.
    /// Calls `body` with chunks of the values.
    static func forEachOpenClosedUniform(_ body: @Sendable (FloatLanes, Int) -> Void) -> Int {
        let chunks = 9 * 8  // 2^24 values below 2^24 in 8 chunks, then 8 binades of 2^23 in 8 chunks each
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            let binade = chunk / 8, part = chunk % 8
            let start: UInt64, step: UInt64, count: UInt64
            if binade == 0 { start = 1 + UInt64(part) << 21; step = 1; count = part == 7 ? (1 << 21) - 1 : 1 << 21 }
            else { let k = UInt64(23 + binade); step = 1 << (k - 23); start = (1 << k) + UInt64(part) << 20 * step; count = 1 << 20 }
            var i: UInt64 = 0
            while i < count {
                var lanes = FloatLanes(repeating: 1)
                for l in 0..<8 where i + UInt64(l) < count {
                    lanes[l] = Float(start + (i + UInt64(l)) * step) * 0x1p-32
                }
                body(lanes, chunk)
                i += 8
            }
        }
        return (1 << 24) - 1 + 8 * (1 << 23)
    }

    final class MaxError: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var value = 0.0
        private(set) var worstInput: Float = 0
        func update(_ e: Double, _ input: Float) {
            lock.lock(); if e > value { value = e; worstInput = input }; lock.unlock()
        }
    }

    func testLogAndRadiusExhaustively() {
        let logError = MaxError(), sqrtError = MaxError()
        let n = Self.forEachOpenClosedUniform { u, _ in
            let l = DeterministicMath.deterministicLog(u)
            let s = l * -2
            let r = DeterministicMath.deterministicSqrt(s)
            var worstLog = 0.0, worstLogInput: Float = 0, worstSqrt = 0.0, worstSqrtInput: Float = 0
            for lane in 0..<8 {
                let e = ulpError(l[lane], reference: Foundation.log(Double(u[lane])))
                if e > worstLog { worstLog = e; worstLogInput = u[lane] }
                let es = ulpError(r[lane], reference: Double(s[lane]).squareRoot())
                if es > worstSqrt { worstSqrt = es; worstSqrtInput = s[lane] }
            }
            logError.update(worstLog, worstLogInput)
            sqrtError.update(worstSqrt, worstSqrtInput)
        }
        print("deterministicLog: max error \(logError.value) ulp over \(n) inputs (worst at u = \(logError.worstInput))")
        print("deterministicSqrt: max error \(sqrtError.value) ulp over the \(n) values of -2 ln u (worst at s = \(sqrtError.worstInput))")
        XCTAssertLessThanOrEqual(logError.value, 2)
        XCTAssertLessThanOrEqual(sqrtError.value, 2)
        XCTAssertEqual(n, (1 << 24) - 1 + (1 << 26))
        // The one value the enumeration leaves out, u = 1 (n = 2^32), has log exactly 0.
        XCTAssertEqual(DeterministicMath.deterministicLog(FloatLanes(repeating: 1))[0].bitPattern, 0)
    }

    func testSinCosEveryEighthTurnPosition() {
        var worstSin = 0.0, worstCos = 0.0
        var i = 0
        while i <= 1 << 21 {
            var t = FloatLanes(repeating: 0)
            for l in 0..<8 { t[l] = Float(min(i + l, 1 << 21)) * 0x1p-21 }
            let (s, c) = DeterministicMath.sinCosEighthTurn(t)
            for l in 0..<8 {
                let x = Double(t[l]) * Double.pi / 4
                worstSin = max(worstSin, ulpError(s[l], reference: Foundation.sin(x)))
                worstCos = max(worstCos, ulpError(c[l], reference: Foundation.cos(x)))
            }
            i += 8
        }
        print("sinCosEighthTurn: max error sin \(worstSin) ulp, cos \(worstCos) ulp over all 2^21 + 1 inputs")
        XCTAssertLessThanOrEqual(worstSin, 2)
        XCTAssertLessThanOrEqual(worstCos, 2)
    }

    /// The full angle map over all 2^24 angle indices: cos and sin of 2π·a/2^24, error in ulps of 1
    /// (absolute error / 2^-24), since near the axes a relative measure is meaningless for an angle rounded to 24 bits.
    func testBoxMullerAngleEveryIndex() {
        var worst = 0.0
        var a: UInt32 = 0
        while a < 1 << 24 {
            let w = (WordLanes(repeating: a) &+ WordLanes(0, 1, 2, 3, 4, 5, 6, 7)) &<< 8
            let (c, s) = StreamTransforms.boxMullerAngle(w)
            for l in 0..<8 {
                let x = 2 * Double.pi * Double(a + UInt32(l)) * 0x1p-24
                worst = max(worst, abs(Double(c[l]) - Foundation.cos(x)) / 0x1p-24, abs(Double(s[l]) - Foundation.sin(x)) / 0x1p-24)
            }
            a += 8
        }
        print("boxMullerAngle: max absolute error \(worst) × 2^-24 over all 2^24 angles")
        XCTAssertLessThanOrEqual(worst, 2)
    }

    func testOpenClosedUniformConversionMatchesExactRounding() {
        // The SIMD uint32 → float conversion must be round-to-nearest-even: compare with Float(UInt64) on
        // every word near each rounding boundary of every binade, plus a strided sweep of all words.
        var words = [UInt32]()
        for k in 24...32 {
            let top = UInt64(1) << k
            for d in 0..<300 { if top >= UInt64(d) + 1 { words.append(UInt32(truncatingIfNeeded: top - UInt64(d) - 1)) } }
        }
        var w: UInt64 = 0
        while w < 1 << 32 { words.append(UInt32(w)); w += 4099 }
        words.append(contentsOf: [0, 1, 2, 0xFFFF_FFFF, 0xFFFF_FF7F, 0xFFFF_FF80, 0xFFFF_FF7E])
        var i = 0
        while i < words.count {
            var lanes = WordLanes(repeating: 0)
            for l in 0..<8 { lanes[l] = words[min(i + l, words.count - 1)] }
            let u = StreamTransforms.uniformOpenClosed(lanes)
            for l in 0..<8 {
                let expected = Float(UInt64(lanes[l]) + 1) * 0x1p-32
                XCTAssertEqual(u[l].bitPattern, expected.bitPattern, "w = \(lanes[l])")
            }
            i += 8
        }
    }

    func testNormalTailReachesBeyondSixSigma() {
        // The largest radius comes from w = 0: u = 2^-32, r = √(64 ln 2) ≈ 6.6604.
        let r = StreamTransforms.boxMullerRadius(WordLanes(repeating: 0))[0]
        XCTAssertEqual(Double(r), (64 * Foundation.log(2.0)).squareRoot(), accuracy: 1e-5)
        XCTAssertGreaterThan(r, 6)
        // And u = 1 (w = 2^32 − 1) gives radius 0, not NaN.
        XCTAssertEqual(StreamTransforms.boxMullerRadius(WordLanes(repeating: 0xFFFF_FFFF))[0], 0)
    }
}
