import XCTest
@testable import TensorSeed

/// The test vectors published in SPEC.md, checked against the CPU engine, by random access, and against SPEC.md's text.
final class SpecVectorTests: XCTestCase {
    struct Vector { let seed: UInt64; let name: String; let distribution: Distribution; let index: UInt64; let bits: UInt32 }

    func vectors() throws -> [Vector] {
        try RepositoryFile.text(RepositoryFile.fixture("spec_vectors_v1.txt")).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
            .map { line in
                let f = line.split(separator: " ")
                return Vector(seed: UInt64(f[0])!, name: String(f[1]),
                              distribution: f[2] == "uniform" ? .standardUniform
                                  : f[2] == "normal" ? .standardNormal : .truncatedNormal(mean: 0, std: 1, low: -2, high: 2),
                              index: UInt64(f[3])!, bits: UInt32(f[4].dropFirst(2), radix: 16)!)
            }
    }

    func testPublishedVectorsOnTheCPUEngine() throws {
        let all = try vectors()
        XCTAssertEqual(all.count, 96)
        for v in all {
            let stream = TensorStream(seed: v.seed, name: v.name)
            let value = try CPUEngine(threads: 1).generate(stream: stream, offset: v.index, count: 1, distribution: v.distribution)[0]
            XCTAssertEqual(value.bitPattern, v.bits, "seed \(v.seed) \(v.name) \(v.distribution) [\(v.index)]")
            XCTAssertEqual(stream.element(v.index, v.distribution).bitPattern, v.bits)
        }
    }

    func testSpecMarkdownPublishesTheSameVectors() throws {
        let spec = try RepositoryFile.text(RepositoryFile.root.appendingPathComponent("SPEC.md"))
        XCTAssertTrue(spec.contains("Version: 1"), "SPEC.md must state its version")
        for v in try vectors() {
            XCTAssertTrue(spec.contains(String(format: "0x%08x", v.bits)), "SPEC.md lacks vector 0x\(String(v.bits, radix: 16)) (seed \(v.seed) index \(v.index))")
        }
    }
}
