import XCTest
@testable import TensorSeed

/// Philox4x32 against every line of the known-answer file (Random123's vectors and an independent implementation's).
final class PhiloxKnownAnswerTests: XCTestCase {
    func testEveryKnownAnswerVector() throws {
        let text = try RepositoryFile.text(RepositoryFile.fixture("philox4x32_kat.txt"))
        var checked = [Int: Int]()
        for line in text.split(separator: "\n") where line.hasPrefix("philox4x32 ") {
            let fields = line.split(separator: " ")
            XCTAssertEqual(fields.count, 12, "malformed line: \(line)")
            let rounds = Int(fields[1])!
            let w = fields[2...].map { UInt32($0, radix: 16)! }
            let out = Philox4x32.generate(counter: (w[0], w[1], w[2], w[3]), key: (w[4], w[5]), rounds: rounds)
            XCTAssertEqual([out.0, out.1, out.2, out.3], Array(w[6..<10]), "vector: \(line)")
            checked[rounds, default: 0] += 1
        }
        XCTAssertGreaterThanOrEqual(checked[10] ?? 0, 40, "too few 10-round vectors found")
        XCTAssertGreaterThanOrEqual(checked[7] ?? 0, 40, "too few 7-round vectors found")
        print("Philox4x32 KAT: \(checked[10] ?? 0) ten-round and \(checked[7] ?? 0) seven-round vectors match")
    }

    func testLanesAreIndependent() {
        // Eight different counters in one call equal eight single calls.
        let key: (UInt32, UInt32) = (0xA409_3822, 0x299F_31D0)
        let c0 = WordLanes(0, 1, 0xFFFF_FFFF, 7, 0x8000_0000, 12345, 99, 3)
        let c1 = WordLanes(5, 0, 1, 2, 3, 4, 5, 6)
        let c2 = WordLanes(repeating: 0x1319_8A2E), c3 = WordLanes(repeating: 0x0370_7344)
        let lanes = Philox4x32.generate((c0, c1, c2, c3), key: key)
        for l in 0..<8 {
            let one = Philox4x32.generate(counter: (c0[l], c1[l], c2[l], c3[l]), key: key)
            XCTAssertEqual([lanes.0[l], lanes.1[l], lanes.2[l], lanes.3[l]], [one.0, one.1, one.2, one.3])
        }
    }
}
