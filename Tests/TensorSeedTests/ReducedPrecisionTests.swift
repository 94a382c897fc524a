import Dispatch
import XCTest
@testable import TensorSeed

/// float16 and bfloat16 conversion, exhaustively over all 2^32 float32 bit patterns.
///
/// The check is the definition of round-to-nearest-even, not another conversion routine: the result
/// must have x's sign, and no neighbouring value of the narrow format may be nearer to x (measured in
/// float64, exact here), with ties going to the even pattern. Infinity counts as the value 2^16
/// (float16) or 2^128 (bfloat16), where IEEE rounding places the overflow threshold.
final class ReducedPrecisionTests: XCTestCase {
    struct Format {
        let name: String
        let magnitudes: [Double]      // value of each 15-bit magnitude pattern; NaN for NaN patterns
        let infinity: Int
    }

    static let float16 = Format(name: "float16", magnitudes: (0..<0x8000).map { m in
        let e = m >> 10, f = Double(m & 0x3FF)
        if e == 0 { return f * 0x1p-24 }
        if e == 31 { return f == 0 ? 0x1p16 : .nan }
        return (1 + f / 1024) * pow(2.0, Double(e - 15))
    }, infinity: 0x7C00)

    static let bfloat16 = Format(name: "bfloat16", magnitudes: (0..<0x8000).map { m in
        let v = Float(bitPattern: UInt32(m) << 16)
        return v.isInfinite ? 0x1p128 : Double(v)
    }, infinity: 0x7F80)

    /// Whether `h` is x rounded to nearest even in `format`.
    static func isNearestEven(_ x: Float, _ h: UInt32, _ format: Format) -> Bool {
        format.magnitudes.withUnsafeBufferPointer { isNearestEven(x, h, $0, infinity: format.infinity) }
    }

    @inline(__always)
    static func isNearestEven(_ x: Float, _ h: UInt32, _ magnitudes: UnsafeBufferPointer<Double>, infinity: Int) -> Bool {
        guard h <= 0xFFFF else { return false }
        let m = Int(h & 0x7FFF)
        let negative = h & 0x8000 != 0
        if x.isNaN { return magnitudes[m].isNaN }
        guard negative == (x.sign == .minus), !magnitudes[m].isNaN else { return false }
        if x.isInfinite { return m == infinity }
        let target = Double(x).magnitude
        let d = abs(magnitudes[m] - target)
        if m > 0 {
            let dn = abs(magnitudes[m - 1] - target)
            if dn < d || (dn == d && m & 1 == 1) { return false }
        }
        if m < infinity {
            let dn = abs(magnitudes[m + 1] - target)
            if dn < d || (dn == d && m & 1 == 1) { return false }
        }
        return true
    }

    func testExhaustively() {
        let failures = Failures()
        let half = Self.float16, brain = Self.bfloat16
        half.magnitudes.withUnsafeBufferPointer { halfPointer in
            brain.magnitudes.withUnsafeBufferPointer { brainPointer in
                let halfTable = SharedTable(pointer: halfPointer), brainTable = SharedTable(pointer: brainPointer)
                DispatchQueue.concurrentPerform(iterations: 256) { chunk in
                    var bits = UInt32(chunk) << 24
                    var local = 0
                    for _ in 0..<(1 << 21) {
                        let w = WordLanes(repeating: bits) &+ WordLanes(0, 1, 2, 3, 4, 5, 6, 7)
                        let x = FloatLanes(bitPatterns: w)
                        let h = ReducedPrecision.float16Bits(x)
                        let b = ReducedPrecision.bfloat16Bits(x)
                        for l in 0..<8 {
                            if !Self.isNearestEven(x[l], h[l], halfTable.pointer, infinity: half.infinity) { local += 1 }
                            if !Self.isNearestEven(x[l], b[l], brainTable.pointer, infinity: brain.infinity) { local += 1 }
                        }
                        bits &+= 8
                    }
                    failures.add(local)
                }
            }
        }
        print("float16/bfloat16: \(failures.count) results that are not round-to-nearest-even over all 2^32 float32 bit patterns")
        XCTAssertEqual(failures.count, 0)
    }

    func testTheCheckRejectsWrongRounding() {
        // Truncation instead of rounding, and ties away from zero, must both be caught.
        XCTAssertFalse(Self.isNearestEven(1.0078125 * (1 + 0x1p-20), 0x3F80, Self.bfloat16))   // should round up to 0x3F81
        XCTAssertFalse(Self.isNearestEven(1.01171875, 0x3F81, Self.bfloat16))                  // tie: even is 0x3F82
        XCTAssertFalse(Self.isNearestEven(65520, 0x7BFF, Self.float16))                        // overflows to infinity
        XCTAssertFalse(Self.isNearestEven(-1, 0x3C00, Self.float16))                           // sign
    }

    func testSpecialValues() {
        let x = FloatLanes(65504, 65519.996, 65520, -.infinity, 0x1p-24, 0x1p-25, 0x1.000002p-25, -0.0)
        let h = ReducedPrecision.float16Bits(x)
        XCTAssertEqual(Array(0..<8).map { h[$0] }, [0x7BFF, 0x7BFF, 0x7C00, 0xFC00, 0x0001, 0x0000, 0x0001, 0x8000])
        let b = ReducedPrecision.bfloat16Bits(FloatLanes(1, 1.00390625, 1.01171875, .greatestFiniteMagnitude, -.nan, 0x1p-149, 3.0e38, 0))
        XCTAssertEqual(Array(0..<8).map { b[$0] }, [0x3F80, 0x3F80, 0x3F82, 0x7F80, 0xFFC0, 0x0000, 0x7F62, 0x0000])
        // NaNs stay NaN with their sign.
        let n = ReducedPrecision.float16Bits(FloatLanes(repeating: Float(bitPattern: 0xFF80_0001)))
        XCTAssertEqual(n[0] & 0xFC00, 0xFC00)
        XCTAssertNotEqual(n[0] & 0x03FF, 0)
    }

    /// A read-only table shared by the worker threads.
    struct SharedTable: @unchecked Sendable { let pointer: UnsafeBufferPointer<Double> }

    final class Failures: @unchecked Sendable {
        private let lock = NSLock()
        private(set) var count = 0
        func add(_ n: Int) { lock.lock(); count += n; lock.unlock() }
    }
}
