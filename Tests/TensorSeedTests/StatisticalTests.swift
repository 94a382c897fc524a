import XCTest
@testable import TensorSeed

/// The stream's distributions, tested statistically; and each check shown to catch a broken transform.
final class StatisticalTests: XCTestCase {
    static let engine = CPUEngine()
    static let normals = try! engine.generate(stream: TensorStream(seed: 20_261_125, name: "stats.normal"), count: 1 << 26, distribution: .standardNormal)
    static let uniforms = try! engine.generate(stream: TensorStream(seed: 20_261_125, name: "stats.uniform"), count: 1 << 24, distribution: .standardUniform)

    func check(_ v: Verdict, file: StaticString = #filePath, line: UInt = #line) {
        print(v)
        XCTAssertTrue(v.passed, v.description, file: file, line: line)
    }

    func reject(_ v: Verdict, file: StaticString = #filePath, line: UInt = #line) {
        print("broken input -> \(v)")
        XCTAssertFalse(v.passed, "a deliberately broken transform passed: \(v)", file: file, line: line)
    }

    var tenMillionNormals: [Float] { Array(Self.normals.prefix(10_000_000)) }

    func testNormalMomentsAndKolmogorovSmirnov() {
        let x = tenMillionNormals
        check(Statistics.mean(x, expected: 0, sigma: 1))
        check(Statistics.variance(x, expected: 1, fourthMoment: 3))
        check(Statistics.kolmogorovSmirnovNormal(x))
    }

    func testNormalTails() {
        for k in [3.0, 4.0, 5.0] { check(Statistics.tail(Self.normals, beyond: k)) }
        let largest = Self.normals.map { abs($0) }.max()!
        print("largest |z| in 2^26 normals: \(largest)")
        XCTAssertLessThanOrEqual(Double(largest), (64 * log(2.0)).squareRoot() + 1e-5)
    }

    func testUniformMomentsAndChiSquare() {
        let u = Self.uniforms
        check(Statistics.mean(u, expected: 0.5, sigma: (1.0 / 12).squareRoot()))
        check(Statistics.variance(u, expected: 1.0 / 12, fourthMoment: 1.0 / 80))
        check(Statistics.chiSquareUniform(u, bins: 1 << 16))
        XCTAssertTrue(u.allSatisfy { $0 >= 0 && $0 < 1 })
    }

    func testNoCorrelationBetweenNeighbouringStreamsSeedsAndElements() throws {
        let n = 1 << 20
        let base = TensorStream(seed: 77, streamID: 0x1234_5678_9ABC_DEF0)
        let nextStream = TensorStream(seed: 77, streamID: 0x1234_5678_9ABC_DEF1)
        let nextSeed = TensorStream(seed: 78, streamID: 0x1234_5678_9ABC_DEF0)
        for d in [Distribution.standardNormal, .standardUniform] {
            let a = try Self.engine.generate(stream: base, count: n + 1, distribution: d)
            let b = try Self.engine.generate(stream: nextStream, count: n, distribution: d)
            let c = try Self.engine.generate(stream: nextSeed, count: n, distribution: d)
            check(Statistics.correlation(Array(a.prefix(n)), b))
            check(Statistics.correlation(Array(a.prefix(n)), c))
            check(Statistics.correlation(Array(a.prefix(n)), Array(a.dropFirst())))       // element i and i + 1
            check(Statistics.correlation(Array(a.prefix(n)).map { $0 * $0 }, Array(a.dropFirst()).map { $0 * $0 }))
        }
    }

    /// Every check above fails on a deliberately broken transform.
    func testEveryCheckCatchesABrokenTransform() throws {
        let x = tenMillionNormals
        reject(Statistics.mean(x.map { $0 + 0.003 }, expected: 0, sigma: 1))                    // biased mean
        reject(Statistics.variance(x.map { $0 * 1.003 }, expected: 1, fourthMoment: 3))         // std 0.3 % too large
        reject(Statistics.kolmogorovSmirnovNormal(x.map { $0 + 0.05 * sin(2 * $0) }))            // wavy CDF, same tails
        reject(Statistics.kolmogorovSmirnovNormal(Self.uniforms.map { ($0 - 0.5) * 12.0.squareRoot().float }))  // not normal at all
        reject(Statistics.tail(Self.normals.map { max(-4.5, min(4.5, $0)) }, beyond: 5))         // tail cut at 4.5σ
        reject(Statistics.tail(Self.normals.map { $0 * 1.05 }, beyond: 4))                       // heavy tail
        let u = Self.uniforms
        reject(Statistics.mean(u.map { $0 * 0.999 }, expected: 0.5, sigma: (1.0 / 12).squareRoot()))
        reject(Statistics.variance(u.map { 0.5 + ($0 - 0.5) * 0.997 }, expected: 1.0 / 12, fourthMoment: 1.0 / 80))
        reject(Statistics.chiSquareUniform(u.map { $0 + 0.05 * $0 * (1 - $0) }, bins: 1 << 16))  // 5 % bow
        let n = 1 << 20
        let a = Array(x.prefix(n))
        reject(Statistics.correlation(a, a.map { $0 + 0.5 * Float.random(in: -1...1) }))         // a "stream" that echoes its neighbour
        reject(Statistics.correlation(a, Array(x[1 ..< n + 1]).enumerated().map { $0.offset % 2 == 0 ? a[$0.offset] : $0.element }))
    }
}

private extension Double {
    var float: Float { Float(self) }
}
