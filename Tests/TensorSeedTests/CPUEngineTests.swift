import XCTest
@testable import TensorSeed

/// The CPU engine gives the same bits for every thread count, split and offset.
final class CPUEngineTests: XCTestCase {
    func reference(_ stream: TensorStream, _ offset: UInt64, _ count: Int, _ d: Distribution) -> [UInt32] {
        (0..<count).map { stream.element(offset + UInt64($0), d).bitPattern }
    }

    func testOddLengthsAndOffsetsMatchRandomAccess() throws {
        var rng = SplitMix64(seed: 1)
        for d in [Distribution.standardNormal, .uniform(low: -0.5, high: 2), .normal(mean: 1, std: 0.02)] {
            for count in [0, 1, 3, 5, 31, 32, 33, 100] {
                let offset = UInt64.random(in: 0...(1 << 40), using: &rng)
                let stream = TensorStream(seed: rng.next(), name: "t\(count)")
                let values = try CPUEngine(threads: 2).generate(stream: stream, offset: offset, count: count, distribution: d)
                XCTAssertEqual(values.map(\.bitPattern), reference(stream, offset, count, d), "count \(count) offset \(offset)")
            }
        }
    }

    func testAnySplitAndThreadCountGivesTheSameBits() throws {
        var rng = SplitMix64(seed: 2)
        let count = (1 << 20) + 3
        for d in [Distribution.standardNormal, .standardUniform] {
            let offset = UInt64.random(in: 0...1_000_000, using: &rng)
            let stream = TensorStream(seed: rng.next(), name: "split")
            let whole = try CPUEngine(threads: 1).generate(stream: stream, offset: offset, count: count, distribution: d)
            for threads in [2, 3, 7] {
                let again = try CPUEngine(threads: threads).generate(stream: stream, offset: offset, count: count, distribution: d)
                XCTAssertEqual(again.map(\.bitPattern), whole.map(\.bitPattern), "threads \(threads)")
            }
            for _ in 0..<4 {
                // Random cut points, pieces generated separately in shuffled order.
                var cuts = (0..<6).map { _ in Int.random(in: 0...count, using: &rng) } + [0, count]
                cuts.sort()
                var pieces = [Float](repeating: .nan, count: count)
                for i in (0..<cuts.count - 1).shuffled(using: &rng) {
                    let (a, b) = (cuts[i], cuts[i + 1])
                    try pieces.withUnsafeMutableBufferPointer { buffer in
                        try CPUEngine(threads: 2).fill(UnsafeMutableBufferPointer(rebasing: buffer[a..<b]), stream: stream,
                                                       offset: offset + UInt64(a), distribution: d)
                    }
                }
                XCTAssertEqual(pieces.map(\.bitPattern), whole.map(\.bitPattern), "cuts \(cuts)")
            }
            // Spot-check the whole against random access.
            for _ in 0..<64 {
                let i = Int.random(in: 0..<count, using: &rng)
                XCTAssertEqual(whole[i].bitPattern, stream.element(offset + UInt64(i), d).bitPattern)
            }
        }
    }

    func testTheEndOfTheIndexSpace() throws {
        let stream = TensorStream(seed: 9, name: "end")
        let last = try CPUEngine().generate(stream: stream, offset: UInt64.max - 4, count: 5, distribution: .standardNormal)
        XCTAssertEqual(last.map(\.bitPattern), reference(stream, UInt64.max - 4, 5, .standardNormal))
        XCTAssertThrowsError(try CPUEngine().generate(stream: stream, offset: UInt64.max - 3, count: 5, distribution: .standardNormal))
    }

    func testChangingOneTensorNameChangesNoOtherTensor() throws {
        let a = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "encoder.weight"), count: 64, distribution: .standardNormal)
        _ = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "encoder.weight.renamed"), count: 64, distribution: .standardNormal)
        let again = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "encoder.weight"), count: 64, distribution: .standardNormal)
        XCTAssertEqual(a.map(\.bitPattern), again.map(\.bitPattern))
        let other = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "decoder.weight"), count: 64, distribution: .standardNormal)
        XCTAssertNotEqual(a.map(\.bitPattern), other.map(\.bitPattern))
    }

    func testParametersScaleTheUnitValues() throws {
        let stream = TensorStream(seed: 3, name: "scaled")
        let z = try CPUEngine().generate(stream: stream, count: 1000, distribution: .standardNormal)
        let y = try CPUEngine().generate(stream: stream, count: 1000, distribution: .normal(mean: 0.5, std: 0.02))
        for (a, b) in zip(z, y) { XCTAssertEqual(b.bitPattern, (a * 0.02 + 0.5).bitPattern) }
        let u = try CPUEngine().generate(stream: stream, count: 1000, distribution: .standardUniform)
        let v = try CPUEngine().generate(stream: stream, count: 1000, distribution: .uniform(low: -3, high: 5))
        for (a, b) in zip(u, v) { XCTAssertEqual(b.bitPattern, (a * 8 + -3).bitPattern); XCTAssertTrue(b >= -3 && b <= 5) }
    }
}
