import XCTest
@testable import TensorSeed

/// Text from input is printed with every non-printable character escaped, so that no name can forge or hide a line.
final class PrintableTextTests: XCTestCase {
    func testNonPrintablesAreEscapedAndEverythingElseKept() {
        XCTAssertEqual(PrintableText.escaped("model.layers.0.weight"), "model.layers.0.weight")
        XCTAssertEqual(PrintableText.escaped("é ü 中文 \\ \" ' emoji 🙂"), "é ü 中文 \\ \" ' emoji 🙂")
        XCTAssertEqual(PrintableText.escaped("a\nOK        b"), "a\\nOK        b")
        XCTAssertEqual(PrintableText.escaped("\r\t\u{0}\u{7}\u{1B}[2J\u{7F}"), "\\r\\t\\u{0000}\\u{0007}\\u{001B}[2J\\u{007F}")
        // C1 controls, bidirectional overrides and isolates, zero-width characters, line and paragraph separators.
        XCTAssertEqual(PrintableText.escaped("\u{85}\u{9B}\u{202E}\u{2066}\u{200B}\u{2028}\u{2029}\u{FEFF}"),
                       "\\u{0085}\\u{009B}\\u{202E}\\u{2066}\\u{200B}\\u{2028}\\u{2029}\\u{FEFF}")
        // Private use and unassigned code points.
        XCTAssertEqual(PrintableText.escaped("\u{E000}\u{10FFFF}"), "\\u{E000}\\u{10FFFF}")
        for scalar in (0..<0x20).compactMap(Unicode.Scalar.init) {
            let escaped = PrintableText.escaped("x\(scalar)y")
            XCTAssertTrue(escaped.unicodeScalars.allSatisfy { $0.value >= 0x20 }, escaped)
        }
    }

    func testQuotingIsUnambiguousAndShortensLongText() {
        XCTAssertEqual(PrintableText.quoted("fc.weight"), "\"fc.weight\"")
        XCTAssertEqual(PrintableText.quoted("a\"b\\c\nd"), "\"a\\\"b\\\\c\\nd\"")
        let long = String(repeating: "a", count: 36_000_000)
        XCTAssertEqual(PrintableText.quoted(long, limit: 5), "\"aaaaa…\" (36000000 bytes)")
        XCTAssertEqual(PrintableText.quoted("aaaaa", limit: 5), "\"aaaaa\"")
    }

    func testVerifyLinesAreEscaped() {
        let check = TensorCheck(name: "a\nOK        b", outcome: .ok)
        XCTAssertEqual(check.line, "OK        a\\nOK        b")
        XCTAssertEqual(TensorCheck(name: "w", outcome: .unverifiable(reason: "bad\u{1B}[0m")).line, "UNCHECKED w: bad\\u{001B}[0m")
    }
}
