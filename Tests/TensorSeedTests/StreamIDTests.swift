import XCTest
@testable import TensorSeed

final class StreamIDTests: XCTestCase {
    func testFNV1a64PublishedValues() {
        // FNV-1a 64-bit test values from the FNV reference test suite (Fowler–Noll–Vo, fnv_test.c).
        XCTAssertEqual(StreamID.of(""), 0xCBF2_9CE4_8422_2325)
        XCTAssertEqual(StreamID.of("a"), 0xAF63_DC4C_8601_EC8C)
        XCTAssertEqual(StreamID.of("foobar"), 0x8594_4171_F739_67E8)
    }

    func testNameIsUsedAsUTF8WithoutNormalization() {
        XCTAssertNotEqual(StreamID.of("layer.weight"), StreamID.of("layer.weight "))
        XCTAssertNotEqual(StreamID.of("caf\u{E9}"), StreamID.of("cafe\u{301}"))
    }
}
