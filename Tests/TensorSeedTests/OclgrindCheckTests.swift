import Foundation
import XCTest
@testable import TensorSeed

/// The kernels under Oclgrind's checkers, and one planted fault per checker, all through `OpenCLEngine`.
///
/// These tests only drive the engine: Oclgrind's findings go to its log (`OCLGRIND_LOG`), which the test cannot
/// read reliably in-process (Oclgrind buffers it until exit). So `Tests/oclgrind/check_oclgrind.py` runs each test
/// in a process of its own with `TENSORSEED_OCLGRIND_CHECK=1`, Oclgrind's runtime loaded directly
/// (`TENSORSEED_OPENCL_LIBRARY`) and the checkers switched on (`OCLGRIND_CHECK_API`, `OCLGRIND_UNINITIALIZED`,
/// `OCLGRIND_DATA_RACES`; out-of-bounds checks are always on), then reads the log: nothing for the real kernels,
/// the planted fault's report for each planted test. Without `TENSORSEED_OCLGRIND_CHECK=1` they skip.
final class OclgrindCheckTests: XCTestCase {
    /// Printed before each run, so the script can tell that the test ran on Oclgrind rather than skipping.
    static let marker = "oclgrind-check: ran"

    /// The Oclgrind device, when the check script runs this test.
    private func oclgrind() throws -> OpenCLDeviceInfo {
        guard ProcessInfo.processInfo.environment["TENSORSEED_OCLGRIND_CHECK"] == "1" else {
            throw XCTSkip("run by Tests/oclgrind/check_oclgrind.py (TENSORSEED_OCLGRIND_CHECK=1)")
        }
        let devices = try OpenCLDiscovery.devices()
        guard let device = devices.first(where: { OpenCLDeviceMatrix.isSimulator($0) }) else {
            throw OpenCLDeviceMatrix.MissingDevices(required: ["oclgrind"], found: devices.map(\.description), reason: nil)
        }
        return device
    }

    private func announce(_ what: String, _ device: OpenCLDeviceInfo) {
        print("\(Self.marker) \(what) on \(device.identifier) \(device.name)")
    }

    /// Each kernel (every distribution family, with truncated normals in the middle and in a tail), each storage
    /// type, full groups, partial groups at both ends, a range within one group, a range across one group boundary,
    /// a far odd offset, a run of many chunks and runs with several groups per work-item. The layout is the engine's (the script sets TENSORSEED_OPENCL_LAYOUT).
    func testEveryKernelUnderTheCheckers() throws {
        let device = try oclgrind()
        let engine = try OpenCLEngine(device: device, selfCheck: false)
        let chunked = try OpenCLEngine(device: device, selfCheck: false, maxChunkElements: 64)
        let distributions: [Distribution] = [
            .uniform(low: -0.37, high: 2.5), .normal(mean: 0.25, std: 0.02), .truncatedNormal(mean: 0, std: 1, low: -2, high: 2),
            .truncatedNormal(mean: 0, std: 1, low: 3, high: 6),
        ]
        let ranges: [(OpenCLEngine, UInt64, Int)] = [
            (engine, 0, 128), (engine, 5, 1001), (engine, 9, 20), (engine, 31, 2), (engine, (1 << 40) + 7, 100),
            (chunked, 17, 700),
        ]
        for distribution in distributions {
            for type in StorageType.allCases {
                for (engine, offset, count) in ranges {
                    let what = "\(distribution) \(type) offset \(offset) count \(count) chunks of \(engine.maxChunkElements)"
                    announce(what, device)
                    XCTAssertNoThrow(try OpenCLDeviceMatrix.storedBytes(engine, type, TensorStream(seed: 42, name: "checked"),
                                                                        offset, count, distribution), what)
                }
            }
        }
        // More groups than work-items (the engine launches 2048 per compute unit; Oclgrind has one): the grid-stride loop.
        let count = max(1, device.computeUnits) * 2048 * 32 + 100
        for distribution in distributions.prefix(3) {
            announce("\(distribution) float32 offset 3 count \(count) (several groups per work-item)", device)
            XCTAssertNoThrow(try OpenCLDeviceMatrix.storedBytes(engine, .float32, TensorStream(seed: 43, name: "strided"),
                                                                3, count, distribution))
        }
    }

    // MARK: planted faults

    /// Kernel source with the stream kernels' signature in which `fill_uniform` runs `body` (`o` is the output as
    /// floats, `n` the element count, `i` loops over the elements) and the other two do nothing.
    private static func plantedSource(_ body: String, storageArgument: String = ", uint storage") -> String {
        """
        #define SIGNATURE(name) __kernel void name(uint s0, uint s1, uint t0, uint t1, ulong g, float8 p, \\
            __global uchar *out, uint firstOffset, ulong n\(storageArgument))
        SIGNATURE(fill_uniform) {
            __global float *o = (__global float *)out;
            \(body)
        }
        SIGNATURE(fill_normal) {}
        SIGNATURE(fill_truncated_normal) {}
        """
    }

    /// Runs `source`'s fill_uniform through a fresh engine (fresh buffers: nothing initialized yet) over 1000
    /// float32 elements, 32 work-items; returns the engine's error, if any.
    private func runPlanted(_ what: String, _ source: String) throws -> Error? {
        let device = try oclgrind()
        announce("planted \(what)", device)
        let engine = try OpenCLEngine(device: device, selfCheck: false, maxChunkElements: 1024, source: source,
                                      buildOptions: OpenCLEngine.buildOptions)
        do {
            _ = try engine.generate(stream: TensorStream(seed: 1, name: "planted"), count: 1000, distribution: .standardUniform)
            return nil
        } catch {
            return error
        }
    }

    /// Reads element n, one past the end of the output (the buffer holds exactly n floats).
    func testPlantedReadPastTheRange() throws {
        let error = try runPlanted("read past the range", Self.plantedSource("""
            for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) o[i] = 1.0f;
            if (get_global_id(0) == 0) o[0] = o[n];
            """))
        XCTAssertNil(error)
    }

    /// Stores values read from local memory that nothing wrote (the write depends on a parameter that is 0, so the
    /// compiler cannot drop the reads).
    func testPlantedUninitializedRead() throws {
        let error = try runPlanted("uninitialized read", Self.plantedSource("""
            __local float scratch[32];
            if (p.s7 != 0.0f) scratch[get_local_id(0) % 32] = p.s7;
            barrier(CLK_LOCAL_MEM_FENCE);
            for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) o[i] = scratch[i % 32] + 1.0f;
            """))
        XCTAssertNil(error)
    }

    /// Every work-item writes its own id to element 0: a write-write race between different values.
    func testPlantedDataRace() throws {
        let error = try runPlanted("data race", Self.plantedSource("""
            for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) o[i] = 1.0f;
            o[0] = (float)get_global_id(0);
            """))
        XCTAssertNil(error)
    }

    /// The kernel lacks the last argument, so the engine's clSetKernelArg(9, …) is an invalid argument index.
    func testPlantedAPIMisuse() throws {
        let error = try runPlanted("API misuse", Self.plantedSource("""
            for (ulong i = get_global_id(0); i < n; i += get_global_size(0)) o[i] = 1.0f;
            """, storageArgument: ""))
        guard case let .call(function, code)? = error as? OpenCLError else { return XCTFail("expected an OpenCL call error, got \(String(describing: error))") }
        XCTAssertEqual(function, "clSetKernelArg(fill_uniform, 9)")
        XCTAssertEqual(OpenCLError.name(of: code), "CL_INVALID_ARG_INDEX")
    }
}
