import XCTest
@testable import TensorSeed

/// Tensor names are bytes (SPEC.md section 3): canonically equivalent but different names are different.
final class NameBytesTests: XCTestCase {
    let composed = "caf\u{e9}", decomposed = "cafe\u{301}"

    func testSwiftStringsWouldConfuseThem() {
        XCTAssertEqual(composed, decomposed)                 // why JSONKey exists
        XCTAssertNotEqual(JSONKey(composed), JSONKey(decomposed))
        XCTAssertEqual(Set([JSONKey(composed), JSONKey(decomposed)]).count, 2)
        XCTAssertNotEqual(StreamID.of(composed), StreamID.of(decomposed))
        XCTAssertTrue(JSONKey("a") < JSONKey("b") && JSONKey("Z") < JSONKey("a") && JSONKey(decomposed) < JSONKey(composed))
    }

    func testAPlanHoldsBoth() throws {
        let jobs = try [composed, decomposed].map { try TensorJob(name: $0, shape: [2], dtype: .float32, scheme: .zeros) }
        XCTAssertEqual(try ModelPlan(seed: 0, tensors: jobs).tensors.count, 2)
        XCTAssertThrowsError(try ModelPlan(seed: 0, tensors: [jobs[0], jobs[0]]))
    }

    func testJSONObjectsKeepBothKeys() throws {
        let value = try JSONValue.parse(Data("{\"\(composed)\": 1, \"\(decomposed)\": 2}".utf8))
        XCTAssertEqual(value.object?.count, 2)
        XCTAssertEqual(value.object?[composed]?.int, 1)
        XCTAssertEqual(value.object?[decomposed]?.int, 2)
        XCTAssertThrowsError(try JSONValue.parse(Data("{\"\(composed)\": 1, \"\(composed)\": 2}".utf8)))
        XCTAssertEqual(try JSONValue.parse(Data(value.rendered.utf8)), value)
    }

    func testAHeaderKeepsBothTensorsAndTheirMetadata() throws {
        let jobs = try [composed, decomposed].map { try TensorJob(name: $0, shape: [2], dtype: .float32, scheme: .normal()) }
        let header = SafetensorsWriter.header(try ModelPlan(seed: 0, tensors: jobs))
        let parsed = try SafetensorsHeader.parse(json: header.jsonBytes())
        XCTAssertEqual(parsed.entries.map { Array($0.name.utf8) }.sorted { $0.lexicographicallyPrecedes($1) },
                       [Array(decomposed.utf8), Array(composed.utf8)].sorted { $0.lexicographicallyPrecedes($1) })
        XCTAssertNotNil(parsed.metadata[TensorSeedMetadata.schemePrefix + composed])
        XCTAssertNotNil(parsed.metadata[TensorSeedMetadata.schemePrefix + decomposed])
        XCTAssertEqual(parsed.metadata.count, 2 + 2 * 2)
    }
}
