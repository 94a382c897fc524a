import XCTest
@testable import TensorSeed

/// Both kernel layouts (`OpenCLKernelLayout`), forced each way, against the CPU engine bit for bit on every
/// OpenCL device this process sees: PoCL, and Oclgrind when `OCL_ICD_VENDORS` lists it (a folder holding
/// pocl.icd and a line `/usr/lib/oclgrind/liboclgrind-rt-icd.so` as oclgrind.icd). Oclgrind interprets
/// the kernels, so its ranges are a few thousand elements in all, but they reach every kernel, storage
/// type and code path: tails, odd offsets, the counter's carry into word 1, the end of the stream, several
/// chunks in flight, float16 subnormals and overflow, erfinv's tail polynomial.
final class OpenCLLayoutTests: XCTestCase {
    /// Every OpenCL device, or a skip when there is no platform.
    private func devices() throws -> [OpenCLDeviceInfo] {
        do {
            let devices = try OpenCLDiscovery.devices()
            if devices.isEmpty { throw XCTSkip("OpenCL platforms exist but have no devices") }
            return devices
        } catch let error as OpenCLError {
            if case .noPlatform = error { throw XCTSkip("no OpenCL platform on this machine: \(error)") }
            throw error
        }
    }

    private static func isOclgrind(_ device: OpenCLDeviceInfo) -> Bool {
        device.platformName.contains("Oclgrind") || device.name.contains("Oclgrind")
    }

    /// Distributions that reach every path: both uniform bounds, normal, float16 subnormals (tiny std) and
    /// overflow (large uniform), truncated normals in erfinv's central and tail polynomials.
    private static let distributions: [Distribution] = [
        .uniform(low: -0.37, high: 2.5), .uniform(low: 60_000, high: 70_000), .standardNormal,
        .normal(mean: 0.25, std: 1e-5), .truncatedNormal(mean: 0, std: 1, low: -2, high: 2),
        .truncatedNormal(mean: 0, std: 1, low: -6, high: 6), .truncatedNormal(mean: 0.5, std: 0.1, low: 0.45, high: 4),
    ]

    /// (offset, count) pairs: single elements, tails shorter than a work-item's four or 32 elements, odd offsets
    /// crossing groups, the carry of the Philox counter's word 0 (block 2^32 is element 2^34), the stream's end.
    private static func ranges(small: Bool) -> [(UInt64, Int)] {
        var ranges: [(UInt64, Int)] = [(0, 1), (3, 2), (31, 3), (7, 37), ((1 << 34) - 45, 90), (UInt64.max - 40, 41)]
        if !small { ranges += [(12_345, 4099), (1 << 40, 33_333)] }
        return ranges
    }

    private func storedBytes(_ engine: any TensorEngine, _ type: StorageType, _ stream: TensorStream, _ offset: UInt64,
                             _ count: Int, _ distribution: Distribution) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0xAB, count: count * type.byteSize)
        try bytes.withUnsafeMutableBytes { try engine.fill($0, as: type, stream: stream, offset: offset, distribution: distribution) }
        return bytes
    }

    /// The first element where `engine` and the CPU engine differ, as a message, or nil.
    private func firstDifference(_ engine: OpenCLEngine, _ type: StorageType, _ stream: TensorStream, _ offset: UInt64,
                                 _ count: Int, _ distribution: Distribution) throws -> String? {
        let device = try storedBytes(engine, type, stream, offset, count, distribution)
        let cpu = try storedBytes(CPUEngine(), type, stream, offset, count, distribution)
        guard let byte = device.indices.first(where: { device[$0] != cpu[$0] }) else { return nil }
        let element = byte / type.byteSize
        let at = element * type.byteSize ..< (element + 1) * type.byteSize
        return "\(engine.name): \(type) \(distribution) seed \(stream.seed) offset \(offset) count \(count): element "
            + "\(offset + UInt64(element)) is \(device[at].map { String($0, radix: 16) }) on the device, "
            + "\(cpu[at].map { String($0, radix: 16) }) on the CPU"
    }

    func testBothLayoutsMatchCPUOnEveryDevice() throws {
        var rng = SystemRandomNumberGenerator()
        var sawOclgrind = false
        for device in try devices() {
            let small = OpenCLLayoutTests.isOclgrind(device)
            sawOclgrind = sawOclgrind || small
            for layout in OpenCLKernelLayout.allCases {
                let engine = try OpenCLEngine(device: device, selfCheck: false, layout: layout)
                XCTAssertEqual(engine.layout, layout)
                XCTAssertTrue(engine.name.contains(layout.rawValue), engine.name)
                for distribution in OpenCLLayoutTests.distributions {
                    for type in StorageType.allCases {
                        for (offset, count) in OpenCLLayoutTests.ranges(small: small) {
                            let stream = TensorStream(seed: UInt64.random(in: 0 ... .max, using: &rng), name: "layers.\(count).w")
                            if let difference = try firstDifference(engine, type, stream, offset, count, distribution) {
                                XCTFail(difference)
                            }
                        }
                    }
                }
            }
        }
        if !sawOclgrind {
            print("OpenCLLayoutTests: Oclgrind is not among the OpenCL devices; set OCL_ICD_VENDORS to a folder with "
                  + "pocl.icd and oclgrind.icd to test the second implementation")
        }
    }

    /// Several chunks, two in flight through the pinned buffers, with an odd offset: the chunks' first
    /// elements are not group-aligned, so every chunk reads its elements out of whole groups.
    func testChunksInFlightMatchCPUInBothLayouts() throws {
        for device in try devices() {
            let small = OpenCLLayoutTests.isOclgrind(device)
            for layout in OpenCLKernelLayout.allCases {
                let engine = try OpenCLEngine(device: device, selfCheck: true, maxChunkElements: small ? 96 : 4096, layout: layout)
                let count = small ? 500 : 50_021
                let stream = TensorStream(seed: 77, name: "chunked.\(layout)")
                for (type, distribution) in [(StorageType.float32, Distribution.standardNormal), (.bfloat16, .standardUniform),
                                             (.float16, .truncatedNormal(mean: 0, std: 1, low: -3, high: 3))] {
                    if let difference = try firstDifference(engine, type, stream, 1_000_003, count, distribution) {
                        XCTFail(difference)
                    }
                }
            }
        }
    }

    // MARK: choosing the layout

    func testLayoutIsChosenPerDeviceAndForcedByTheEnvironment() throws {
        for device in try devices() {
            XCTAssertEqual(OpenCLKernelLayout.preferred(for: device), device.isGPUOrAccelerator ? .scalar : .vector8)
        }
        XCTAssertNil(try OpenCLKernelLayout.forced(by: [:]))
        XCTAssertNil(try OpenCLKernelLayout.forced(by: [OpenCLKernelLayout.environmentVariable: ""]))
        XCTAssertEqual(try OpenCLKernelLayout.forced(by: [OpenCLKernelLayout.environmentVariable: "scalar"]), .scalar)
        XCTAssertEqual(try OpenCLKernelLayout.forced(by: [OpenCLKernelLayout.environmentVariable: "vector8"]), .vector8)
        XCTAssertThrowsError(try OpenCLKernelLayout.forced(by: [OpenCLKernelLayout.environmentVariable: "gpu"])) { error in
            XCTAssertEqual(error as? OpenCLError, .invalidLayout(variable: "TENSORSEED_OPENCL_LAYOUT", value: "gpu"))
            XCTAssertEqual("\(error)", "TENSORSEED_OPENCL_LAYOUT=\"gpu\" is not a kernel layout: use vector8 or scalar, "
                           + "or leave it unset to choose per device")
        }
        XCTAssertEqual(OpenCLKernelLayout.scalar.buildOption, "-DTS_LANES=1")
        XCTAssertEqual(OpenCLKernelLayout.vector8.buildOption, "-DTS_LANES=8")
    }

    func testEnvironmentForcesTheEngineLayout() throws {
        let device = try XCTUnwrap(try devices().first)
        let variable = OpenCLKernelLayout.environmentVariable
        let saved = ProcessInfo.processInfo.environment[variable]
        defer { if let saved { setenv(variable, saved, 1) } else { unsetenv(variable) } }
        for layout in OpenCLKernelLayout.allCases {
            setenv(variable, layout.rawValue, 1)
            XCTAssertEqual(try OpenCLEngine(device: device).layout, layout)
            // The parameter wins over the environment.
            let other: OpenCLKernelLayout = layout == .scalar ? .vector8 : .scalar
            XCTAssertEqual(try OpenCLEngine(device: device, layout: other).layout, other)
        }
        setenv(variable, "wide", 1)
        XCTAssertThrowsError(try OpenCLEngine(device: device)) { error in
            XCTAssertEqual(error as? OpenCLError, .invalidLayout(variable: variable, value: "wide"))
        }
        unsetenv(variable)
        XCTAssertEqual(try OpenCLEngine(device: device).layout, OpenCLKernelLayout.preferred(for: device))
    }

    func testWorkGroupSizeIsAMultipleOfThePreferredMultiple() throws {
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 32, kernelMaximum: 1024), 256)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 64, kernelMaximum: 1024), 256)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 48, kernelMaximum: 1024), 240)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 64, kernelMaximum: 192), 192)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 1, kernelMaximum: 4096), 256)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 0, kernelMaximum: 100), 100)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 512, kernelMaximum: 1024), 512)
        XCTAssertEqual(OpenCLKernelLayout.workGroupSize(preferredMultiple: 512, kernelMaximum: 300), 300)
        for device in try devices() {
            for layout in OpenCLKernelLayout.allCases {
                let engine = try OpenCLEngine(device: device, layout: layout)
                let sizes = engine.workGroupSizes
                XCTAssertEqual(Set(sizes.keys), ["fill_uniform", "fill_normal", "fill_truncated_normal"])
                for (kernel, size) in sizes {
                    XCTAssertTrue((1 ... 256).contains(size), "\(device) \(layout) \(kernel): work-group size \(size)")
                }
            }
        }
    }

    /// A launch asks for whole work-groups, no more than the items need and no more than the device holds
    /// resident (2048 per compute unit); the bits of launches with more items than work-items are checked by
    /// OpenCLMatrixTests.testMoreGroupsThanWorkItems.
    func testGlobalSizeIsWholeGroupsCappedAtWhatTheDeviceHolds() {
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 1, workGroupSize: 256, computeUnits: 2), 256)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 0, workGroupSize: 256, computeUnits: 2), 256)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 257, workGroupSize: 256, computeUnits: 2), 512)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 4096, workGroupSize: 256, computeUnits: 2), 4096)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 4097, workGroupSize: 256, computeUnits: 2), 4096)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 1 << 24, workGroupSize: 256, computeUnits: 132), 132 * 2048)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 1 << 24, workGroupSize: 192, computeUnits: 1), 1920)
        XCTAssertEqual(OpenCLKernelLayout.globalSize(workItems: 1 << 24, workGroupSize: 4096, computeUnits: 0), 4096)
    }

    /// The kernels refuse to build without a layout: no silent default.
    func testKernelsNeedALayout() throws {
        let device = try XCTUnwrap(try devices().first)
        let context = try CLContext(device: device.deviceID)
        XCTAssertThrowsError(try CLProgram(context: context, source: EmbeddedKernels.tensorseed, options: OpenCLEngine.buildOptions,
                                           deviceName: device.description)) { error in
            guard case let OpenCLError.buildFailed(_, _, _, log) = error else { return XCTFail("unexpected error \(error)") }
            XCTAssertTrue(log.contains("TS_LANES"), log)
        }
    }
}
