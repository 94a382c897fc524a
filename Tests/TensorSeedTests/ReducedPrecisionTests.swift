import Dispatch
import XCTest
@testable import TensorSeed

/// float16 and bfloat16 conversion, exhaustively over all 2^32 float32 bit patterns (release build: a few seconds).
final class ReducedPrecisionTests: XCTestCase {
    /// Independent bfloat16 reference: the two bfloat16 neighbours of x, compared in float64, ties to even.
    static func referenceBFloat16(_ bits: UInt32) -> UInt16 {
        let x = Float(bitPattern: bits)
        if x.isNaN { return 0x7FC0 }   // any NaN; compared by NaN-ness only
        let down = bits & 0xFFFF_0000   // toward zero
        if down == bits { return UInt16(bits >> 16) }
        let up = down &+ 0x1_0000       // away from zero (may become Inf: that is the correct rounding)
        let magnitude = Double(x).magnitude
        let upValue = Float(bitPattern: up)
        let dDown = magnitude - Double(Float(bitPattern: down)).magnitude
        let dUpExact = (upValue.isInfinite ? 0x1p128 : Double(upValue).magnitude) - magnitude
        if dDown < dUpExact { return UInt16(down >> 16) }
        if dUpExact < dDown { return UInt16(up >> 16) }
        return UInt16(((down >> 16) & 1) == 0 ? down >> 16 : up >> 16)
    }

    func testExhaustively() {
        let chunks = 256
        let failures = Failures()
        DispatchQueue.concurrentPerform(iterations: chunks) { chunk in
            var bits = UInt32(chunk) << 24
            let end = UInt64(bits) + (1 << 24)
            var local = 0
            while UInt64(bits) < end {
                let w = WordLanes(repeating: bits) &+ WordLanes(0, 1, 2, 3, 4, 5, 6, 7)
                let x = FloatLanes(bitPatterns: w)
                let h = ReducedPrecision.float16Bits(x)
                let bf = ReducedPrecision.bfloat16Bits(x)
                for l in 0..<8 {
                    let v = x[l]
                    let expectedHalf = Float16(v)   // LLVM fptrunc: IEEE round to nearest even
                    let gotHalf = Float16(bitPattern: UInt16(truncatingIfNeeded: h[l]))
                    if v.isNaN ? !(gotHalf.isNaN && (h[l] & 0x8000) == ((w[l] >> 16) & 0x8000)) : gotHalf.bitPattern != expectedHalf.bitPattern || h[l] > 0xFFFF { local += 1 }
                    let expectedBF = Self.referenceBFloat16(w[l])
                    if v.isNaN ? !(bf[l] & 0x7F80 == 0x7F80 && bf[l] & 0x7F != 0 && bf[l] & 0x40 != 0) : UInt32(expectedBF) != bf[l] { local += 1 }
                }
                bits &+= 8
                if bits == 0 { break }
            }
            failures.add(local)
        }
        print("float16/bfloat16: \(failures.count) mismatches over all 2^32 float32 bit patterns")
        XCTAssertEqual(failures.count, 0)
    }

    func testSpecialValues() {
        let x = FloatLanes(65504, 65519.996, 65520, -.infinity, 0x1p-24, 0x1p-25, 0x1.000002p-25, -0.0)
        let h = ReducedPrecision.float16Bits(x)
        XCTAssertEqual(Array(0..<8).map { h[$0] }, [0x7BFF, 0x7BFF, 0x7C00, 0xFC00, 0x0001, 0x0000, 0x0001, 0x8000])
        let b = ReducedPrecision.bfloat16Bits(FloatLanes(1, 1.00390625, 1.01171875, .greatestFiniteMagnitude, -.nan, 0x1p-149, 3.0e38, 0))
        XCTAssertEqual(Array(0..<8).map { b[$0] }, [0x3F80, 0x3F80, 0x3F82, 0x7F80, 0xFFC0, 0x0000, 0x7F62, 0x0000])
    }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var count = 0
        func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    }
}
