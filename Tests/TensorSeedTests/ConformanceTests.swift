import Foundation
import XCTest
@testable import TensorSeed

/// The conformance battery of `tensorseed devices --check`: its copy of the published vectors, its verdicts
/// on the CPU engine, the bit-flip test hook, and `--device auto` skipping simulators.
/// (The OpenCL devices, PoCL and Oclgrind, are checked through the CLI by Tests/reference/check_devices.py.)
final class ConformanceTests: XCTestCase {
    func testSpecVectorsAreTheFixture() throws {
        let lines = try RepositoryFile.text(RepositoryFile.fixture("spec_vectors_v1.txt")).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }
        XCTAssertEqual(lines.count, 96)
        XCTAssertEqual(SpecVector.all.count, lines.count)
        for (vector, line) in zip(SpecVector.all, lines) {
            let f = line.split(separator: " ")
            XCTAssertEqual("\(vector.seed) \(vector.name) \(vector.kind.rawValue) \(vector.index) 0x\(String(format: "%08x", vector.bits))",
                           f[0..<5].joined(separator: " "))
        }
    }

    func testBatteryCoversEveryDistributionAndStorageType() {
        for size in ConformanceBattery.Size.allCases {
            var covered = Set<String>()
            for check in ConformanceBattery(size: size).checks {
                if case let .range(_, _, _, _, distribution, storage) = check.subject, case .cpuEngine = check.reference {
                    let kind: String
                    switch distribution {
                    case .uniform: kind = "uniform"
                    case .normal: kind = "normal"
                    case .truncatedNormal: kind = "truncated"
                    }
                    covered.insert("\(kind) \(storage)")
                }
            }
            XCTAssertEqual(covered.count, 3 * StorageType.allCases.count, "\(size): \(covered.sorted())")
        }
    }

    func testSmallBatteryPassesOnTheCPUEngine() throws {
        let report = ConformanceRunner(battery: ConformanceBattery(size: .small), threads: 2).run(on: .cpu, discover: { [] })
        XCTAssertTrue(report.passed, "\(report.failures.map(\.check.label))")
        XCTAssertEqual(report.outcomes.count, ConformanceBattery(size: .small).checks.count)
    }

    func testCompareReportsTheFirstDifferingElementAndTheCount() {
        let check = ConformanceCheck(label: "t", subject: .range(seed: 0, name: "w", offset: 100, count: 4,
                                                                  distribution: .standardNormal, storage: .float16),
                                     reference: .cpuEngine)
        let expected: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        guard case let .differs(m) = ConformanceRunner.compare(check, expected: expected, actual: [1, 2, 3, 0x84, 5, 6, 7, 9]) else {
            return XCTFail("a difference must be reported")
        }
        XCTAssertEqual(m.index, 101)
        XCTAssertEqual(m.expected, 0x0403)
        XCTAssertEqual(m.actual, 0x8403)
        XCTAssertEqual(m.differing, 2)
        guard case .passed = ConformanceRunner.compare(check, expected: expected, actual: expected) else {
            return XCTFail("equal bytes pass")
        }
    }

    /// The hook (documented in BitFlipTestHook) makes the named engine fail the published vectors at element 7.
    func testBitFlipHookMakesTheNamedEngineFail() throws {
        setenv(BitFlipTestHook.variable, "cpu", 1)
        defer { unsetenv(BitFlipTestHook.variable) }
        let report = ConformanceRunner(battery: ConformanceBattery(size: .small), threads: 1).run(on: .cpu, discover: { [] })
        XCTAssertFalse(report.passed)
        guard let first = report.failures.first, case let .differs(mismatch) = first.outcome else {
            return XCTFail("the flipped bit must be reported as a difference")
        }
        XCTAssertEqual(mismatch.index, BitFlipTestHook.flippedIndex)
        XCTAssertEqual(mismatch.expected ^ mismatch.actual, 1)
        XCTAssertEqual(mismatch.differing, 1)
        // Another engine's name leaves the CPU engine alone.
        setenv(BitFlipTestHook.variable, "opencl:9.9", 1)
        XCTAssertTrue(ConformanceRunner(battery: ConformanceBattery(size: .small), threads: 1).run(on: .cpu, discover: { [] }).passed)
    }

    /// The hook is for the battery and `generate` only: what `init` and `verify` use (`TensorGenerator`) never flips a bit.
    func testBitFlipHookNeverReachesInitOrVerify() throws {
        setenv(BitFlipTestHook.variable, "cpu", 1)
        defer { unsetenv(BitFlipTestHook.variable) }
        XCTAssertTrue(BitFlipTestHook.warning?.hasPrefix("TENSORSEED_TEST_FLIP_BIT=cpu is set") ?? false, "\(String(describing: BitFlipTestHook.warning))")
        XCTAssertFalse(try EngineChoice.cpu.select(threads: 1).engine is BitFlippingEngine)
        XCTAssertFalse(try TensorGenerator(seed: 0, threads: 1).engine(.cpu).engine is BitFlippingEngine)
        XCTAssertTrue(try EngineChoice.cpu.select(threads: 1, testHook: true).engine is BitFlippingEngine)
        unsetenv(BitFlipTestHook.variable)
        XCTAssertNil(BitFlipTestHook.warning)
    }

    private func device(_ platform: Int, name: String, vendor: String, type: String, gpu: Bool) -> OpenCLDeviceInfo {
        OpenCLDeviceInfo(platformIndex: platform, deviceIndex: 0, platformName: "\(vendor) platform", name: name, vendor: vendor,
                         driverVersion: "1", type: type, isGPUOrAccelerator: gpu, globalMemoryBytes: 1 << 30,
                         maxAllocationBytes: 1 << 28, computeUnits: 1, openCLCVersion: "OpenCL C 1.2", supportsDenormals: true,
                         supportsFMA: true, correctlyRoundedDivideSqrt: true, handle: 1)
    }

    func testAutoNeverPicksASimulator() throws {
        let oclgrind = device(0, name: "Oclgrind Simulator", vendor: "Oclgrind", type: "GPU+CPU+accelerator", gpu: true)
        let pocl = device(1, name: "pthread-skylake", vendor: "AuthenticAMD", type: "CPU", gpu: false)
        let gpu = device(2, name: "NVIDIA H200", vendor: "NVIDIA Corporation", type: "GPU", gpu: true)
        XCTAssertTrue(oclgrind.isSimulator)
        XCTAssertFalse(pocl.isSimulator)
        XCTAssertFalse(gpu.isSimulator)
        XCTAssertNil(EngineChoice.autoDevice(in: [oclgrind, pocl]))
        XCTAssertEqual(EngineChoice.autoDevice(in: [oclgrind, pocl, gpu]), gpu)
        // With only a simulator (and no real GPU), auto is the CPU engine, and says why.
        let selection = try EngineChoice.auto.select(discover: { [oclgrind, pocl] })
        XCTAssertTrue(selection.engine is CPUEngine)
        XCTAssertTrue(selection.reason.contains("(simulator)"), selection.reason)
        XCTAssertEqual(ConformanceBattery.size(for: oclgrind), .small)
        XCTAssertEqual(ConformanceBattery.size(for: gpu), .full)
    }
}
