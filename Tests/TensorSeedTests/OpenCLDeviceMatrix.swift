import Foundation
import XCTest
@testable import TensorSeed

/// The OpenCL devices and kernel layouts that `OpenCLMatrixTests` runs every case on, and the bit comparison
/// those cases share.
///
/// Every device of every platform the process can see takes part: `scripts/test.sh` lists PoCL and Oclgrind
/// together through `OCL_ICD_VENDORS` (`scripts/opencl-vendors.sh`). A device named by `TENSORSEED_REQUIRE_DEVICES`
/// (or, when `CI=true`, PoCL and Oclgrind) that is missing fails the tests instead of skipping them.
enum OpenCLDeviceMatrix {
    /// Environment variable naming the devices that must be present: words separated by commas or spaces, each
    /// matched case-insensitively against "platform name + device name" (e.g. "pocl,oclgrind").
    static let requiredVariable = "TENSORSEED_REQUIRE_DEVICES"
    /// What CI requires when `TENSORSEED_REQUIRE_DEVICES` is unset and `CI=true`: both implementations it installs.
    static let requiredInCI = ["pocl", "oclgrind"]

    /// A kernel layout the matrix runs: its name and how to build an engine on a device with a chunk cap.
    struct KernelLayout: Sendable {
        let name: String
        let engine: @Sendable (OpenCLDeviceInfo, Int) throws -> OpenCLEngine
    }

    /// The layouts every case runs under. Until the kernel layouts exist there is one, the engine's default.
    /// When `OpenCLKernelLayout` exists, this line becomes:
    /// `static let layouts = [OpenCLKernelLayout.vector8, .scalar].map { layout in KernelLayout(name: "\(layout)") { try OpenCLEngine(device: $0, selfCheck: false, maxChunkElements: $1, layout: layout) } }`
    static let layouts = [KernelLayout(name: "default") { try OpenCLEngine(device: $0, selfCheck: false, maxChunkElements: $1) }]

    /// The device-name words that must be present (lowercased).
    static func requiredNames(_ environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        if let list = environment[requiredVariable] {
            return list.lowercased().split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
        }
        return environment["CI"] == "true" ? requiredInCI : []
    }

    /// Whether `device` answers to the required name `word`.
    static func matches(_ device: OpenCLDeviceInfo, _ word: String) -> Bool {
        "\(device.platformName) \(device.name)".lowercased().contains(word)
    }

    /// Every OpenCL device present. Throws `XCTSkip` when there is none and none is required; a required one
    /// that is missing is an error (the tests fail, naming it and what was found).
    static func devices() throws -> [OpenCLDeviceInfo] {
        let required = requiredNames()
        let devices: [OpenCLDeviceInfo]
        do {
            devices = try OpenCLDiscovery.devices()
        } catch let error as OpenCLError {
            guard case .noPlatform = error, required.isEmpty else { throw MissingDevices(required: required, found: [], reason: "\(error)") }
            throw XCTSkip("no OpenCL platform on this machine: \(error)")
        }
        let missing = required.filter { word in !devices.contains { matches($0, word) } }
        if !missing.isEmpty { throw MissingDevices(required: missing, found: devices.map(\.description), reason: nil) }
        if devices.isEmpty { throw XCTSkip("OpenCL platforms exist but have no devices") }
        return devices
    }

    /// Required devices that are absent.
    struct MissingDevices: Error, CustomStringConvertible {
        let required: [String]
        let found: [String]
        let reason: String?
        var description: String {
            "required OpenCL devices missing: \(required.joined(separator: ", ")) (\(requiredVariable) or CI=true); found: "
                + (found.isEmpty ? "none" : found.joined(separator: "; ")) + (reason.map { " (\($0))" } ?? "")
        }
    }

    /// Whether `device` is Oclgrind, the simulator (whose sizes the cases keep small).
    static func isSimulator(_ device: OpenCLDeviceInfo) -> Bool { matches(device, "oclgrind") }

    // MARK: comparison

    /// One line when `device` and `cpu` (elements of `elementSize` bytes, little-endian) differ: how many elements,
    /// the first with both patterns, and the OR of every difference (0x80000000 alone: the sign bits only); nil when equal.
    static func difference(_ device: [UInt8], _ cpu: [UInt8], elementSize: Int, firstIndex: UInt64) -> String? {
        guard device != cpu else { return nil }
        guard device.count == cpu.count else { return "\(device.count) bytes on the device, \(cpu.count) on the CPU" }
        func element(_ bytes: [UInt8], _ i: Int) -> UInt64 {
            (0..<elementSize).reduce(UInt64(0)) { $0 | UInt64(bytes[i * elementSize + $1]) << (8 * $1) }
        }
        var differing = 0, first: Int?, bits: UInt64 = 0
        for i in 0 ..< cpu.count / elementSize {
            let d = element(device, i) ^ element(cpu, i)
            guard d != 0 else { continue }
            differing += 1
            bits |= d
            if first == nil { first = i }
        }
        let i = first ?? 0
        let hex = { (v: UInt64) in "0x" + String(v, radix: 16) }
        return "\(differing) of \(cpu.count / elementSize) elements differ; first element \(firstIndex + UInt64(i)): "
            + "\(hex(element(device, i))) on the device, \(hex(element(cpu, i))) on the CPU; differing bits \(hex(bits))"
    }

    /// Elements `offset ..< offset + count` of `stream` stored as `type` by `engine`, as bytes (the buffer starts
    /// as 0xAB, so an element the engine never wrote shows).
    static func storedBytes(_ engine: any TensorEngine, _ type: StorageType, _ stream: TensorStream, _ offset: UInt64,
                            _ count: Int, _ distribution: Distribution) throws -> [UInt8] {
        var bytes = [UInt8](repeating: 0xAB, count: count * type.byteSize)
        try bytes.withUnsafeMutableBytes { try engine.fill($0, as: type, stream: stream, offset: offset, distribution: distribution) }
        return bytes
    }
}
