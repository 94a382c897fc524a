import CWideStream
import XCTest
@testable import TensorSeed

/// Every CPU path this processor supports (`CPUPath.supported`: AVX2 and AVX-512 where present) gives the
/// bytes of the Swift baseline, for every distribution and storage type, at random seeds, names and
/// offsets and at lengths around every vector boundary. On a host without a wide path only the
/// baseline runs (and `testThisHostRunsEveryPathItHas` says which paths were compared).
final class CPUPathIdentityTests: XCTestCase {
    /// Distributions that reach every branch: the uniform's scaling (and a width so small that width · 2^-24 would
    /// round: the wide paths' folded factor must not be used), both factors of the normal, the central and
    /// tail polynomials of erfinv (a narrow band far in a tail, a band around the mean, both together), the clamp.
    static let distributions: [Distribution] = [
        .standardUniform, .uniform(low: -3, high: 5), .uniform(low: -0.1, high: 0.1), .uniform(low: 0, high: 0x1.800002p-126),
        .standardNormal, .normal(mean: 0.5, std: 0.02),
        .truncatedNormal(mean: 0, std: 1, low: -2, high: 2), .truncatedNormal(mean: 0, std: 0.02, low: -0.04, high: 0.04),
        .truncatedNormal(mean: 0, std: 1, low: 2.5, high: 4), .truncatedNormal(mean: 1, std: 3, low: -100, high: 100),
    ]

    /// Lengths around the boundaries of 8 and 16 lanes, of a 32-element group, of the wide paths' batches of groups
    /// (2 on AVX2, 4 on AVX-512: 64 and 128 elements, and a last partial batch of 1, 2 or 3 groups), and of a task.
    static let lengths: [Int] = [1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 47, 48, 63, 64, 65, 95, 96, 97, 127, 128, 129,
                                 159, 160, 161, 191, 192, 193, 223, 224, 225, 255, 256, 257, 1000,
                                 CPUEngine.taskSize - 1, CPUEngine.taskSize + 33]

    var widePaths: [CPUPath] { CPUPath.supported.filter { $0 != .baseline } }

    func bytes(_ engine: CPUEngine, _ type: StorageType, _ stream: TensorStream, _ offset: UInt64, _ count: Int,
               _ distribution: Distribution) throws -> [UInt8] {
        var out = [UInt8](repeating: 0xA5, count: count * type.byteSize)
        try out.withUnsafeMutableBytes { try engine.fill($0, as: type, stream: stream, offset: offset, distribution: distribution) }
        return out
    }

    func testEveryPathGivesTheBaselineBytes() throws {
        let runSeed = UInt64.random(in: 0...UInt64.max)
        var rng = SplitMix64(seed: runSeed)
        let baseline = try CPUEngine(threads: 2, path: .baseline)
        for path in widePaths {
            let wide = try CPUEngine(threads: 2, path: path)
            for distribution in Self.distributions {
                for count in Self.lengths {
                    // Offsets: any, at a group start, just before a group end, across the carry into counter word 1
                    // (block 2^32), and at the end of the stream.
                    let offsets: [UInt64] = [UInt64.random(in: 0...(1 << 50), using: &rng) , 32 * UInt64.random(in: 0...(1 << 30), using: &rng),
                                             32 * UInt64.random(in: 1...(1 << 30), using: &rng) - UInt64.random(in: 1...31, using: &rng),
                                             (1 << 34) - UInt64(count / 2) - UInt64.random(in: 0...40, using: &rng),
                                             UInt64.max - UInt64(count - 1)]
                    let offset = offsets[Int.random(in: 0..<offsets.count, using: &rng)]
                    let stream = TensorStream(seed: rng.next(), name: "layers.\(rng.next() % 100).weight")
                    for type in StorageType.allCases {
                        let expected = try bytes(baseline, type, stream, offset, count, distribution)
                        let got = try bytes(wide, type, stream, offset, count, distribution)
                        if got != expected {
                            let first = got.indices.first { got[$0] != expected[$0] }.map { $0 / type.byteSize } ?? -1
                            XCTFail("\(path) \(type) \(distribution) seed \(stream.seed) stream \(stream.streamID) offset \(offset) " +
                                    "count \(count): first differing element \(first) (run seed \(runSeed))")
                        }
                    }
                }
            }
        }
    }

    /// Counter word 1 changes at block 2^32 (group 2^29), which can fall inside one batch of groups of a wide path
    /// (its lanes then hold two values of word 1): every start from 8 groups before it to 1 after, every length up
    /// to 12 groups, so that the change lands at every position of a batch, and in a partial last one.
    func testBatchesAcrossTheCounterCarry() throws {
        let baseline = try CPUEngine(threads: 1, path: .baseline)
        let stream = TensorStream(seed: 0x5EED_0000_0000_0013, name: "carry")
        let carryGroup: UInt64 = 1 << 29
        for path in widePaths {
            let wide = try CPUEngine(threads: 1, path: path)
            for distribution in [Distribution.uniform(low: -3, high: 5), .standardNormal, .truncatedNormal(mean: 1, std: 3, low: -100, high: 100)] {
                for startGroup in (carryGroup - 8)...(carryGroup + 1) {
                    for groups in 1...12 {
                        let offset = 32 * startGroup, count = 32 * groups
                        let expected = try baseline.generate(stream: stream, offset: offset, count: count, distribution: distribution)
                        let got = try wide.generate(stream: stream, offset: offset, count: count, distribution: distribution)
                        XCTAssertTrue(got.map(\.bitPattern) == expected.map(\.bitPattern),
                                      "\(path) \(distribution) groups \(startGroup) ..< \(startGroup + UInt64(groups))")
                    }
                }
            }
        }
    }

    /// The erf argument u·erfWidth + erfLow leaves ±(1 − 2^-24) only at the ends of the uniform (u = 0, u = 1 − 2^-24:
    /// one word in 2^24), where the clamp the wide paths skip when it cannot act (`erfArgumentNeedsClamp`) must act.
    /// Elements 1107115 and 7061004 of stream (13, 13) are such words (found by scanning U(0, 1) for 0 and 1 − 2^-24,
    /// checked below); bounds at −100 std clamp the bottom end, and bounds [low, +100 std] whose erfLow + erfWidth
    /// rounds to 1 the top end.
    func testErfArgumentClampAtTheEndsOfTheUniform() throws {
        let stream = TensorStream(seed: 13, streamID: 13)
        let baseline = try CPUEngine(threads: 1, path: .baseline)
        let bottom: UInt64 = 1_107_115, top: UInt64 = 7_061_004
        XCTAssertEqual(try baseline.generate(stream: stream, offset: bottom, count: 1, distribution: .standardUniform), [0])
        XCTAssertEqual(try baseline.generate(stream: stream, offset: top, count: 1, distribution: .standardUniform), [0x1.fffffep-1])
        // The top end rounds to 1 for some lower bounds: the first of 0.01, 0.02, ... that does.
        let lows = (1...300).map { Float($0) / 100 }
        guard let low = lows.first(where: {
            let p = TruncatedNormalParameters(mean: 0, std: 1, low: $0, high: 100)
            return 0x1.fffffep-1 * p.erfWidth + p.erfLow > StreamTransforms.erfArgumentLimit
        }) else { return XCTFail("no lower bound makes the top end round to 1") }
        let cases: [(UInt64, Distribution)] = [(bottom, .truncatedNormal(mean: 0, std: 0.02, low: -2, high: 2)),
                                               (top, .truncatedNormal(mean: 0, std: 1, low: low, high: 100))]
        for (element, distribution) in cases {
            let expected = try baseline.generate(stream: stream, offset: element - 40, count: 100, distribution: distribution)
            XCTAssertTrue(expected.allSatisfy(\.isFinite))
            for path in widePaths {
                let got = try CPUEngine(threads: 1, path: path).generate(stream: stream, offset: element - 40, count: 100, distribution: distribution)
                XCTAssertTrue(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(path) \(distribution) around element \(element)")
            }
        }
    }

    /// Elements per distribution of `testLongRangesAreIdentical`: 4 Mi in an optimized build, 512 Ki in a debug one.
    #if DEBUG
    static let longRange = 1 << 19
    #else
    static let longRange = 1 << 22
    #endif

    /// Millions of normals, truncated normals and uniforms per path, float32: enough values that any contraction
    /// into an fma or any reassociation in the polynomials would change some bits.
    func testLongRangesAreIdentical() throws {
        let baseline = try CPUEngine(threads: 2, path: .baseline)
        let stream = TensorStream(seed: 20_240_613, name: "model.embed_tokens.weight")
        for distribution in [Distribution.standardNormal, .truncatedNormal(mean: 0, std: 1, low: -3, high: 3), .standardUniform] {
            let expected = try baseline.generate(stream: stream, offset: 5, count: Self.longRange, distribution: distribution)
            for path in widePaths {
                let got = try CPUEngine(threads: 2, path: path).generate(stream: stream, offset: 5, count: Self.longRange, distribution: distribution)
                XCTAssertTrue(got.map(\.bitPattern) == expected.map(\.bitPattern), "\(path) \(distribution)")
            }
        }
    }

    /// float16 and bfloat16 of chosen float32 bit patterns (every rounding edge, subnormals, overflow, NaN, Inf)
    /// and of random ones, in every length around the vector width.
    func testConversionsAreIdenticalOnEveryBitPattern() {
        var rng = SplitMix64(seed: 77)
        var patterns: [UInt32] = [0, 0x8000_0000, 0x7F80_0000, 0xFF80_0000, 0x7FC0_0001, 0xFFA0_1234, 0x7F80_0001, 0x7F7F_FFFF,
                                  0x477F_EFFF, 0x477F_F000, 0x477F_F001, 0x3880_0000, 0x387F_FFFF, 0x3300_0000, 0x32FF_FFFF,
                                  0x3300_0001, 0x3380_0000, 0x3400_0000, 0x3FFF_8000, 0x3FFF_8001, 0x3F80_8000, 0x3F81_8000, 1]
        for exponent in UInt32(95)...UInt32(150) {
            for _ in 0..<40 { patterns.append(exponent << 23 | UInt32.random(in: 0...0x7F_FFFF, using: &rng) | (rng.next() % 2 == 0 ? 0 : 0x8000_0000)) }
            patterns.append(exponent << 23 | 0x1000); patterns.append(exponent << 23 | 0x3000); patterns.append(exponent << 23 | 0x8000)
        }
        for _ in 0..<20_000 { patterns.append(UInt32(truncatingIfNeeded: rng.next())) }
        let values = patterns.map(Float.init(bitPattern:))
        for path in widePaths {
            for type in [StorageType.float16, .bfloat16] {
                for count in [values.count] + Array(1...40) {
                    values.withUnsafeBufferPointer { all in
                        let part = UnsafeBufferPointer(rebasing: all[0..<count])
                        var expected = [UInt8](repeating: 0, count: 2 * count), got = expected
                        expected.withUnsafeMutableBytes { type.store(part, to: $0.baseAddress!) }
                        got.withUnsafeMutableBytes { CPUEngine.store(part, as: type, to: $0.baseAddress!, path: path) }
                        XCTAssertEqual(got, expected, "\(path) \(type) count \(count)")
                    }
                }
            }
        }
    }

    /// The C of the wide paths is compiled with contraction off: a · b + c is the product rounded, then the sum
    /// rounded, on inputs where one fused rounding differs (a = b = 1 + 2^-12, c = −1: 2^-11 against 2^-11 + 2^-24).
    func testContractionIsOffInTheWidePaths() {
        let a: Float = 1 + 0x1p-12, b: Float = 1 + 0x1p-12, c: Float = -1
        let separate = a * b + c
        XCTAssertNotEqual(separate, c.addingProduct(a, b), "the inputs must tell fused from unfused")
        for path in widePaths {
            XCTAssertEqual(ts_wide_contraction_probe(path.cValue, a, b, c).bitPattern, separate.bitPattern, "\(path)")
        }
    }

    func testThisHostRunsEveryPathItHas() throws {
        XCTAssertEqual(CPUPath.supported.first, .baseline)
        XCTAssertEqual(CPUPath.best, CPUPath.supported.last)
        XCTAssertEqual(CPUEngine.everyPath(threads: 1).map(\.path), CPUPath.supported)
        #if arch(x86_64)
        // On Linux, the kernel's view of the processor must agree with the CPUID check.
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let flagsLine = info.split(separator: "\n").first(where: { $0.hasPrefix("flags") }) {
            let flags = Set(flagsLine.split(separator: " ").map(String.init))
            XCTAssertEqual(CPUPath.avx2.isSupported, flags.contains("avx2"))
            XCTAssertEqual(CPUPath.avx512.isSupported, ["avx512f", "avx512bw", "avx512dq", "avx512vl"].allSatisfy(flags.contains))
        }
        #endif
        print("CPU paths compared on this host: \(CPUPath.supported.map(\.rawValue).joined(separator: ", "))")
    }

    func testEnvironmentChoosesAndRefusesPaths() throws {
        let name = CPUPath.environmentVariable
        let saved = getenv(name).map { String(cString: $0) }
        defer { if let saved { setenv(name, saved, 1) } else { unsetenv(name) } }
        unsetenv(name)
        XCTAssertEqual(CPUEngine().path, CPUPath.best)
        for path in CPUPath.supported {
            setenv(name, path.rawValue, 1)
            XCTAssertEqual(CPUEngine().path, path)
            XCTAssertEqual((try EngineChoice.cpu.select(threads: 1).engine as? CPUEngine)?.path, path)
        }
        setenv(name, "avx1024", 1)
        XCTAssertThrowsError(try CPUEngine().generate(stream: TensorStream(seed: 1, name: "w"), count: 8, distribution: .standardNormal)) {
            XCTAssertEqual("\($0)", "unknown CPU path 'avx1024' (TENSORSEED_CPU_PATH): use one of baseline, avx2, avx512")
        }
        // The CLI's engine choice refuses it before anything is generated.
        XCTAssertThrowsError(try EngineChoice.cpu.select(threads: 1)) { XCTAssertTrue($0 is CPUPathError) }
        XCTAssertThrowsError(try EngineChoice.auto.select(threads: 1, discover: { [] })) { XCTAssertTrue($0 is CPUPathError) }
        if let missing = CPUPath.allCases.first(where: { !$0.isSupported }) {
            setenv(name, missing.rawValue, 1)
            XCTAssertThrowsError(try CPUEngine().generate(stream: TensorStream(seed: 1, name: "w"), count: 8, distribution: .standardNormal))
            XCTAssertThrowsError(try CPUEngine(path: missing))
        }
    }
}
