import XCTest
@testable import TensorSeed

/// The OpenCL engine against the CPU engine, bit for bit, on whatever OpenCL device exists
/// (PoCL in CI). Skipped only when there is no OpenCL platform at all.
final class OpenCLEngineTests: XCTestCase {
    /// One engine for the whole class: building the kernels takes a second or two on PoCL.
    nonisolated(unsafe) private static var sharedEngine: OpenCLEngine?

    private func device() throws -> OpenCLDeviceInfo {
        let devices: [OpenCLDeviceInfo]
        do {
            devices = try OpenCLDiscovery.devices()
        } catch let error as OpenCLError {
            if case .noPlatform = error { throw XCTSkip("no OpenCL platform on this machine: \(error)") }
            throw error
        }
        // Prefer what `auto` would take; otherwise the first device (PoCL's CPU device in CI).
        guard let device = EngineChoice.autoDevice(in: devices) ?? devices.first else {
            throw XCTSkip("OpenCL platforms exist but have no devices")
        }
        return device
    }

    private func engine() throws -> OpenCLEngine {
        if let engine = OpenCLEngineTests.sharedEngine { return engine }
        let engine = try OpenCLEngine(device: try device())
        OpenCLEngineTests.sharedEngine = engine
        return engine
    }

    private func bits(_ engine: any TensorEngine, _ stream: TensorStream, _ offset: UInt64, _ count: Int,
                      _ distribution: Distribution) throws -> [UInt32] {
        try engine.generate(stream: stream, offset: offset, count: count, distribution: distribution).map(\.bitPattern)
    }

    private func assertSameAsCPU(_ engine: OpenCLEngine, seed: UInt64, name: String, offset: UInt64, count: Int,
                                 _ distribution: Distribution, file: StaticString = #filePath, line: UInt = #line) throws {
        let stream = TensorStream(seed: seed, name: name)
        let device = try bits(engine, stream, offset, count, distribution)
        let cpu = try bits(CPUEngine(), stream, offset, count, distribution)
        XCTAssertEqual(device.count, count, file: file, line: line)
        if let i = device.indices.first(where: { $0 < cpu.count && device[$0] != cpu[$0] }) {
            XCTFail("seed \(seed) \"\(name)\" offset \(offset) count \(count) \(distribution): element \(offset + UInt64(i)) "
                    + "is 0x\(String(device[i], radix: 16)) on \(engine.name), 0x\(String(cpu[i], radix: 16)) on the CPU",
                    file: file, line: line)
        }
    }

    private static let distributions: [Distribution] = [
        .standardUniform, .uniform(low: -0.37, high: 2.5), .standardNormal, .normal(mean: 0.25, std: 0.02),
        .truncatedNormal(mean: 0, std: 1, low: -2, high: 2), .truncatedNormal(mean: 0.5, std: 0.1, low: 0.45, high: 4),
    ]

    func testSmallLengthsAtRandomOffsetsMatchCPU() throws {
        let engine = try engine()
        var rng = SystemRandomNumberGenerator()
        for distribution in OpenCLEngineTests.distributions {
            for count in [0, 1, 3, 4, 5, 31, 32, 33, 1023] {
                let seed = UInt64.random(in: 0 ... .max, using: &rng)
                let name = "layer\(Int.random(in: 0 ..< 100, using: &rng)).weight"
                let offsets: [UInt64] = [0, UInt64.random(in: 0 ..< 64, using: &rng), UInt64.random(in: 0 ... 1 << 40, using: &rng),
                                         UInt64.max - UInt64(max(count, 1)) + 1 - UInt64.random(in: 0 ..< 40, using: &rng)]
                for offset in offsets {
                    try assertSameAsCPU(engine, seed: seed, name: name, offset: offset, count: count, distribution)
                }
            }
        }
    }

    func testMillionElementsMatchCPU() throws {
        let engine = try engine()
        try assertSameAsCPU(engine, seed: 0x0123_4567_89AB_CDEF, name: "big.normal", offset: 77, count: (1 << 20) + 3, .standardNormal)
        try assertSameAsCPU(engine, seed: 42, name: "big.uniform", offset: 0, count: (1 << 20) + 3, .uniform(low: -1, high: 1))
    }

    func testManySmallChunksMatchCPU() throws {
        let engine = try OpenCLEngine(device: try device(), maxChunkElements: 4096)
        XCTAssertEqual(engine.maxChunkElements, 4096)
        try assertSameAsCPU(engine, seed: 9, name: "chunked", offset: 1_000_003, count: 50_021, .standardNormal)
        try assertSameAsCPU(engine, seed: 10, name: "chunked", offset: 5, count: 4096 * 3, .standardUniform)
        engine.maxChunkElements = 40   // rounds down to 32: a chunk per group
        XCTAssertEqual(engine.maxChunkElements, 32)
        try assertSameAsCPU(engine, seed: 11, name: "tiny chunks", offset: 17, count: 1001, .normal(mean: -3, std: 0.5))
    }

    // MARK: contraction and fast math

    /// A stand-in for the stream kernels with their signature: out[0] = a·a + b with (a, b) = parameters.
    private func multiplyAddSource(pragma: String, body: String) -> String {
        """
        \(pragma)
        __kernel void fill_uniform(uint s0, uint s1, uint t0, uint t1, ulong g, float8 p, __global float *out, uint o, ulong n, uint storage) {
            if (get_global_id(0) == 0) { float a = p.s0, b = p.s1; out[0] = \(body); }
        }
        __kernel void fill_normal(uint s0, uint s1, uint t0, uint t1, ulong g, float8 p, __global float *out, uint o, ulong n, uint storage) {}
        __kernel void fill_truncated_normal(uint s0, uint s1, uint t0, uint t1, ulong g, float8 p, __global float *out, uint o, ulong n, uint storage) {}
        """
    }

    private func multiplyAdd(pragma: String, body: String, options: String) throws -> Float {
        let engine = try OpenCLEngine(device: try device(), selfCheck: false, maxChunkElements: 32,
                                      source: multiplyAddSource(pragma: pragma, body: body), buildOptions: options)
        // a = 1 + 2^-12: a·a = 1 + 2^-11 + 2^-24 rounds to 1 + 2^-11, so unfused a·a − (1 + 2^-11) = 0, fused = 2^-24.
        return try engine.generate(stream: TensorStream(seed: 0, streamID: 0), count: 1,
                                   distribution: .uniform(low: 1 + 0x1p-12, high: -(1 + 0x1p-11)))[0]
    }

    func testPinnedBuildDoesNotFuseMultiplyAdd() throws {
        let pinned = try multiplyAdd(pragma: "#pragma OPENCL FP_CONTRACT OFF", body: "a * a + b", options: OpenCLEngine.buildOptions)
        XCTAssertEqual(pinned.bitPattern, Float(0).bitPattern, "the pinned build fused a*a+b")
        // The inputs do tell fused from unfused: an explicit fma gives the other answer.
        let fused = try multiplyAdd(pragma: "#pragma OPENCL FP_CONTRACT OFF", body: "fma(a, a, b)", options: OpenCLEngine.buildOptions)
        XCTAssertEqual(fused, 0x1p-24)
        // What a relaxed build does is up to the compiler; record it.
        let relaxed = try multiplyAdd(pragma: "#pragma OPENCL FP_CONTRACT ON", body: "a * a + b",
                                      options: "-cl-std=CL1.2 -cl-mad-enable -cl-fast-relaxed-math")
        print("relaxed build (FP_CONTRACT ON, -cl-mad-enable -cl-fast-relaxed-math) gives a*a+b = \(relaxed) (fused: \(relaxed == 0x1p-24))")
    }

    func testRelaxedKernelBuildIsDetected() throws {
        let device = try device()
        let relaxedSource = EmbeddedKernels.tensorseed.replacingOccurrences(of: "#pragma OPENCL FP_CONTRACT OFF",
                                                                             with: "#pragma OPENCL FP_CONTRACT ON")
        XCTAssertNotEqual(relaxedSource, EmbeddedKernels.tensorseed)
        let relaxed = try OpenCLEngine(device: device, selfCheck: false, maxChunkElements: 256, source: relaxedSource,
                                       buildOptions: "-cl-std=CL1.2 -cl-mad-enable -cl-fast-relaxed-math")
        let stream = TensorStream(seed: 5, name: "relaxed")
        let count = 4096
        let cpu = try bits(CPUEngine(), stream, 0, count, .standardNormal)
        let fast = try bits(relaxed, stream, 0, count, .standardNormal)
        let differing = zip(cpu, fast).filter { $0 != $1 }.count
        print("relaxed kernel build: \(differing) of \(count) normals differ from the CPU stream")
        guard differing > 0 else {
            // Then testPinnedBuildDoesNotFuseMultiplyAdd is the guard on this device.
            throw XCTSkip("this OpenCL compiler gives identical bits even with fast math; nothing to detect")
        }
        // The pinned build has no differences (the comparison the tests make would catch these) ...
        XCTAssertEqual(try bits(try engine(), stream, 0, count, .standardNormal), cpu)
        // ... and the self-check catches the relaxed one when the differences are not rare.
        if differing * 10 >= count {
            relaxed.selfCheck = true
            XCTAssertThrowsError(try relaxed.generate(stream: stream, count: count, distribution: .standardNormal)) { error in
                guard case OpenCLError.selfCheckFailed = error else { return XCTFail("unexpected error \(error)") }
            }
        }
    }

    // MARK: self-check

    func testSelfCheckCatchesACorruptedChunk() throws {
        let engine = try OpenCLEngine(device: try device(), maxChunkElements: 1024)
        engine.afterChunkRead = { chunk in
            for i in chunk.indices { chunk[i] = Float(bitPattern: chunk[i].bitPattern ^ 1) }
        }
        let stream = TensorStream(seed: 3, name: "corrupted")
        XCTAssertThrowsError(try engine.generate(stream: stream, offset: 10, count: 3000, distribution: .standardNormal)) { error in
            guard case let OpenCLError.selfCheckFailed(device, seed, streamID, index, expected, actual) = error else {
                return XCTFail("unexpected error \(error)")
            }
            XCTAssertEqual(device, engine.device.description)
            XCTAssertEqual(seed, 3)
            XCTAssertEqual(streamID, stream.streamID)
            XCTAssertTrue((10 ..< 3010).contains(index))
            XCTAssertEqual(expected ^ actual, 1)
            XCTAssertTrue("\(error)".contains("self-check failed on \(engine.device.identifier)"))
        }
        // With the check off, the same corruption goes through: the check is what caught it.
        engine.selfCheck = false
        XCTAssertNoThrow(try engine.generate(stream: stream, offset: 10, count: 3000, distribution: .standardNormal))
    }

    // MARK: errors and selection

    func testBuildFailureCarriesTheBuildLog() throws {
        XCTAssertThrowsError(try OpenCLEngine(device: try device(), selfCheck: true, maxChunkElements: 32,
                                              source: "__kernel void fill_uniform(__global float *o) { o[0] = undeclared_name; }",
                                              buildOptions: OpenCLEngine.buildOptions)) { error in
            guard case let OpenCLError.buildFailed(_, options, _, log) = error else { return XCTFail("unexpected error \(error)") }
            XCTAssertTrue(options.hasPrefix(OpenCLEngine.buildOptions + " -DTS_LANES="), options)
            XCTAssertTrue(log.contains("undeclared_name"), log)
            XCTAssertFalse("\(error)".contains("\n"))
        }
    }

    func testErrorNames() {
        XCTAssertEqual(OpenCLError.name(of: -5), "CL_OUT_OF_RESOURCES")
        XCTAssertEqual(OpenCLError.name(of: -4), "CL_MEM_OBJECT_ALLOCATION_FAILURE")
        XCTAssertEqual(OpenCLError.name(of: -1001), "CL_PLATFORM_NOT_FOUND_KHR")
        XCTAssertEqual("\(OpenCLError.call(function: "clFinish", code: -36))", "OpenCL call clFinish failed with CL_INVALID_COMMAND_QUEUE (-36)")
    }

    func testDeviceInfoIsFilledIn() throws {
        let device = try device()
        XCTAssertGreaterThan(device.globalMemoryBytes, 0)
        XCTAssertGreaterThan(device.maxAllocationBytes, 0)
        XCTAssertGreaterThan(device.computeUnits, 0)
        XCTAssertTrue(device.openCLCVersion.hasPrefix("OpenCL C"), device.openCLCVersion)
    }

    func testEngineChoiceParsing() throws {
        XCTAssertEqual(try EngineChoice(parsing: "auto"), .auto)
        XCTAssertEqual(try EngineChoice(parsing: "cpu"), .cpu)
        XCTAssertEqual(try EngineChoice(parsing: "opencl:1.2"), .opencl(platform: 1, device: 2))
        for bad in ["", "gpu", "opencl:", "opencl:1", "opencl:1.", "opencl:a.b", "opencl:-1.0", "opencl:0.0.0"] {
            XCTAssertThrowsError(try EngineChoice(parsing: bad)) { XCTAssertEqual($0 as? EngineChoiceError, .invalidSpecification(bad)) }
        }
    }

    func testEngineChoiceSelection() throws {
        let noPlatform: () throws -> [OpenCLDeviceInfo] = { throw OpenCLError.noPlatform(reason: "test") }
        let auto = try EngineChoice.auto.select(discover: noPlatform)
        XCTAssertTrue(auto.engine is CPUEngine)
        XCTAssertTrue(auto.reason.contains("OpenCL unavailable"), auto.reason)
        XCTAssertThrowsError(try EngineChoice.opencl(platform: 0, device: 0).select(discover: noPlatform)) { error in
            guard case EngineChoiceError.openCLUnavailable = error else { return XCTFail("unexpected error \(error)") }
        }
        let devices = try OpenCLDiscovery.devices()
        XCTAssertThrowsError(try EngineChoice.opencl(platform: 9, device: 9).select()) { error in
            XCTAssertEqual(error as? EngineChoiceError,
                           .noSuchDevice(requested: "opencl:9.9", available: devices.map(\.description)))
        }
        // auto never takes a CPU device: with only CPU devices it is the CPU engine.
        let cpuDevices = devices.filter { !$0.isGPUOrAccelerator }
        if !cpuDevices.isEmpty {
            let selection = try EngineChoice.auto.select(discover: { cpuDevices })
            XCTAssertTrue(selection.engine is CPUEngine, selection.reason)
        }
        let first = try XCTUnwrap(devices.first)
        let named = try EngineChoice.opencl(platform: first.platformIndex, device: first.deviceIndex).select()
        XCTAssertEqual((named.engine as? OpenCLEngine)?.device, first)
    }

    // MARK: storage types

    /// Elements of a range stored as `type` by `engine`, as raw bytes.
    private func storedBytes(_ engine: any TensorEngine, _ type: StorageType, _ stream: TensorStream, _ offset: UInt64,
                             _ count: Int, _ distribution: Distribution) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0xAB, count: count * type.byteSize)
        try bytes.withUnsafeMutableBytes { try engine.fill($0, as: type, stream: stream, offset: offset, distribution: distribution) }
        return bytes
    }

    func testReducedPrecisionOnTheDeviceMatchesCPU() throws {
        let engine = try engine()
        var rng = SystemRandomNumberGenerator()
        for type in [StorageType.float16, .bfloat16, .float64, .float32] {
            for distribution in OpenCLEngineTests.distributions {
                for count in [1, 3, 33, 1023, 50_021] {
                    let stream = TensorStream(seed: UInt64.random(in: 0 ... .max, using: &rng), name: "h\(count)")
                    let offset = UInt64.random(in: 0 ... 1 << 40, using: &rng)
                    let device = try storedBytes(engine, type, stream, offset, count, distribution)
                    let cpu = try storedBytes(CPUEngine(), type, stream, offset, count, distribution)
                    XCTAssertEqual(device, cpu, "\(type) \(distribution) seed \(stream.seed) offset \(offset) count \(count)")
                }
            }
        }
    }

    func testReducedPrecisionAcrossSeveralChunks() throws {
        let engine = try OpenCLEngine(device: try device(), maxChunkElements: 4096)
        let stream = TensorStream(seed: 11, name: "chunks16")
        for type in [StorageType.float16, .bfloat16] {
            XCTAssertEqual(try storedBytes(engine, type, stream, 77, 20_001, .standardNormal),
                           try storedBytes(CPUEngine(), type, stream, 77, 20_001, .standardNormal), "\(type)")
        }
    }
}
