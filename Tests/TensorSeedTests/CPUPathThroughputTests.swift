import Dispatch
import XCTest
@testable import TensorSeed

/// The raw storage-type rates of every CPU path (the denominator of issue 13's `init` target: init of a bf16 layout
/// against the engine's raw bf16 rate). Runs only with TENSORSEED_BENCH=1 in a release build:
///
///     TENSORSEED_BENCH=1 swift test -c release --filter CPUPathThroughputTests
///
/// Prints one line per path and type (GB/s of stored bytes, best of 5 fills of 2^26 elements of N(0, 0.02) into an
/// already-touched buffer, on every core) and checks that each path's bytes are the baseline's.
final class CPUPathThroughputTests: XCTestCase {
    func testRawStorageRatesPerPath() throws {
        guard ProcessInfo.processInfo.environment["TENSORSEED_BENCH"] == "1" else {
            throw XCTSkip("set TENSORSEED_BENCH=1 (release build) to measure")
        }
        let count = 1 << 26
        let stream = TensorStream(seed: 1, name: "model.layers.0.mlp.up_proj.weight")
        let distribution = Distribution.normal(mean: 0, std: 0.02)
        for type in [StorageType.bfloat16, .float16, .float32] {
            var baselineBytes: [UInt8]?
            for engine in CPUEngine.everyPath() {
                var buffer = [UInt8](repeating: 1, count: count * type.byteSize)
                var best = Double.infinity
                try buffer.withUnsafeMutableBytes { out in
                    try engine.fill(out, as: type, stream: stream, offset: 0, distribution: distribution)
                    for _ in 0..<5 {
                        let start = DispatchTime.now().uptimeNanoseconds
                        try engine.fill(out, as: type, stream: stream, offset: 0, distribution: distribution)
                        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    }
                }
                if let baselineBytes { XCTAssertTrue(buffer == baselineBytes, "\(engine.path) \(type)") } else { baselineBytes = buffer }
                let rate = Double(count * type.byteSize) / best / 1e9
                print(String(format: "raw %@ %@ %@: %.3f s, %.2f GB/s, %.3f Gsamples/s", engine.name, engine.path.rawValue, type.rawValue,
                             best, rate, Double(count) / best / 1e9))
            }
        }
    }

    /// The rate of `TensorDigest` (the writer thread digests every byte it writes), on one thread: its FNV chain is
    /// one xor and one 64-bit multiply per 8 bytes, so about 8 bytes per 4 cycles is the bound.
    func testDigestRate() throws {
        guard ProcessInfo.processInfo.environment["TENSORSEED_BENCH"] == "1" else {
            throw XCTSkip("set TENSORSEED_BENCH=1 (release build) to measure")
        }
        let bytes = [UInt8](repeating: 0x5A, count: 1 << 28)
        var best = Double.infinity, value: UInt64 = 0
        for _ in 0..<5 {
            let start = DispatchTime.now().uptimeNanoseconds
            var digest = TensorDigest()
            bytes.withUnsafeBytes { digest.update($0) }
            value = digest.value
            best = min(best, Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
        }
        print(String(format: "raw digest (one thread): %.3f s, %.2f GB/s (%016llx)", best, Double(bytes.count) / best / 1e9, value))
    }
}
