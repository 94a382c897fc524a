/// Which engine to run: `auto`, `cpu` or `opencl:P.D` (platform P, device D, as `tensorseed devices` lists them).
///
/// `auto` picks the first GPU or accelerator OpenCL device that is not a simulator, and otherwise the CPU
/// engine; an OpenCL CPU device (such as PoCL) or a simulator (Oclgrind) is used only when named explicitly. Without any OpenCL platform,
/// `auto` falls back to the CPU engine and says so, while `opencl:P.D` is an error.
public enum EngineChoice: Sendable, Hashable, CustomStringConvertible {
    /// The first GPU or accelerator, else the CPU engine.
    case auto
    /// The CPU engine (on the path `TENSORSEED_CPU_PATH` names, else the widest this processor has).
    case cpu
    /// The CPU engine on one instruction-set path ("cpu:baseline", "cpu:avx2", "cpu:avx512"); an error where the
    /// processor lacks it.
    case cpuPath(CPUPath)
    /// OpenCL device `device` of platform `platform`.
    case opencl(platform: Int, device: Int)

    /// Parses "auto", "cpu", "cpu:PATH" or "opencl:P.D".
    public init(parsing text: String) throws {
        switch text {
        case "auto": self = .auto
        case "cpu": self = .cpu
        case _ where text.hasPrefix("cpu:"):
            guard let path = CPUPath(rawValue: String(text.dropFirst(4))) else { throw EngineChoiceError.invalidSpecification(text) }
            self = .cpuPath(path)
        default:
            let prefix = "opencl:"
            let parts = text.hasPrefix(prefix) ? text.dropFirst(prefix.count).split(separator: ".", omittingEmptySubsequences: false) : []
            guard parts.count == 2, let p = Int(parts[0]), let d = Int(parts[1]), p >= 0, d >= 0 else {
                throw EngineChoiceError.invalidSpecification(text)
            }
            self = .opencl(platform: p, device: d)
        }
    }

    public var description: String {
        switch self {
        case .auto: return "auto"
        case .cpu: return "cpu"
        case let .cpuPath(path): return "cpu:\(path)"
        case let .opencl(p, d): return "opencl:\(p).\(d)"
        }
    }

    /// An engine made for this choice, and why it was picked (one line, for humans).
    public struct Selection: Sendable {
        /// The engine to run.
        public let engine: any TensorEngine
        /// E.g. "auto: no GPU or accelerator OpenCL device (found: opencl:0.0 ... [CPU]); using the CPU engine".
        public let reason: String
    }

    /// The device `auto` picks among `devices`: the first GPU or accelerator that is not a simulator
    /// (`OpenCLDeviceInfo.isSimulator`: Oclgrind calls itself a GPU), if any.
    public static func autoDevice(in devices: [OpenCLDeviceInfo]) -> OpenCLDeviceInfo? {
        devices.first { $0.isGPUOrAccelerator && !$0.isSimulator }
    }

    /// Makes the engine: `threads` is for the CPU engine, `selfCheck` for an OpenCL engine. A `TENSORSEED_CPU_PATH`
    /// that names no path this processor has is an error here (`CPUPathError`), before anything is generated.
    ///
    /// `discover` lists the OpenCL devices (replaceable for tests). `BitFlipTestHook` applies only with `testHook`
    /// (the conformance battery and `generate`, whose reproducers the tests run), never to `init` or `verify`.
    public func select(threads: Int? = nil, selfCheck: Bool = true, testHook: Bool = false,
                       discover: () throws -> [OpenCLDeviceInfo] = OpenCLDiscovery.devices) throws -> Selection {
        let selection = try selectEngine(threads: threads, selfCheck: selfCheck, discover: discover)
        guard testHook else { return selection }
        var identifier = (selection.engine as? OpenCLEngine)?.device.identifier ?? "cpu"
        if case .cpuPath = self { identifier = description }
        return BitFlipTestHook.apply(selection, identifier: identifier)
    }

    private func selectEngine(threads: Int?, selfCheck: Bool, discover: () throws -> [OpenCLDeviceInfo]) throws -> Selection {
        switch self {
        case .cpu:
            let cpu = try CPUEngine(threads: threads, path: CPUPath.fromEnvironment())
            return Selection(engine: cpu, reason: "cpu: the CPU engine (\(cpu.path) path), as requested")
        case let .cpuPath(path):
            return Selection(engine: try CPUEngine(threads: threads, path: path), reason: "\(description): the CPU engine on the \(path) path, as requested")
        case .auto:
            let cpu = try CPUEngine(threads: threads, path: CPUPath.fromEnvironment())
            let devices: [OpenCLDeviceInfo]
            do { devices = try discover() } catch {
                return Selection(engine: cpu, reason: "auto: OpenCL unavailable (\(error)); using the CPU engine")
            }
            guard let device = EngineChoice.autoDevice(in: devices) else {
                let found = devices.isEmpty ? "no devices" : devices.map { $0.description + ($0.isSimulator ? " (simulator)" : "") }
                    .joined(separator: ", ")
                return Selection(engine: cpu, reason: "auto: no GPU or accelerator OpenCL device (found: \(found)); using the CPU engine")
            }
            do {
                let engine = try OpenCLEngine(device: device, selfCheck: selfCheck)
                return Selection(engine: engine, reason: "auto: first GPU or accelerator, \(device.description)")
            } catch {
                return Selection(engine: cpu, reason: "auto: \(device.description) cannot run the kernels (\(error)); using the CPU engine")
            }
        case let .opencl(p, d):
            let devices: [OpenCLDeviceInfo]
            do { devices = try discover() } catch {
                throw EngineChoiceError.openCLUnavailable(requested: description, reason: "\(error)")
            }
            guard let device = devices.first(where: { $0.platformIndex == p && $0.deviceIndex == d }) else {
                throw EngineChoiceError.noSuchDevice(requested: description, available: devices.map(\.description))
            }
            return Selection(engine: try OpenCLEngine(device: device, selfCheck: selfCheck),
                             reason: "\(description): \(device.name) [\(device.type)], as requested")
        }
    }
}

/// Why an `EngineChoice` could not be parsed or satisfied (one-line descriptions).
public enum EngineChoiceError: Error, CustomStringConvertible, Equatable {
    /// The text is not "auto", "cpu" or "opencl:P.D".
    case invalidSpecification(String)
    /// `opencl:P.D` was named but OpenCL cannot be used at all.
    case openCLUnavailable(requested: String, reason: String)
    /// `opencl:P.D` names no device; `available` lists those that exist.
    case noSuchDevice(requested: String, available: [String])

    public var description: String {
        switch self {
        case let .invalidSpecification(text):
            return "invalid device '\(text)': use auto, cpu, cpu:baseline|avx2|avx512 or opencl:P.D (P, D: indices from 'tensorseed devices')"
        case let .openCLUnavailable(requested, reason):
            return "device \(requested) requested but OpenCL is unavailable: \(reason)"
        case let .noSuchDevice(requested, available):
            let list = available.isEmpty ? "none" : available.joined(separator: "; ")
            return "no OpenCL device \(requested); available: \(list)"
        }
    }
}
