import ArgumentParser
import TensorSeed

/// `tensorseed devices`: every OpenCL platform and device, and the engine `--device auto` picks;
/// with `--check`, the conformance battery on each of them and on the CPU engine.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List OpenCL platforms and devices (the --device opencl:P.D names) and what --device auto picks; "
            + "--check proves each gives TensorSeed's bits.",
        discussion: """
            Run `tensorseed devices --check` on a new machine (a new GPU node, driver or container image) \
            before trusting it: it runs a fixed battery on the CPU engine and on every OpenCL device it \
            finds, and prints one row per engine, PASS or FAIL. The battery: SPEC.md's published test \
            vectors; ranges of every distribution stored as f32, f16, bf16 and f64 at awkward offsets \
            (inside a 32-element group, across element 2^34, ending at element 2^64 - 1), compared bit for \
            bit with the CPU engine; results that are subnormal floats (wrong on a device that flushes them \
            to zero); an orthogonal tensor (normals on the device, QR on the host); and, at full size, a \
            range of two chunks. A FAIL row names the first differing element (index, expected and actual \
            bits) and the `tensorseed generate` pair and `cmp` that show it. The exit status is 1 if any \
            engine fails.

            The check lives under `devices` because it is about them: its rows are the devices this \
            command lists, under the names --device takes. \
            Simulators (Oclgrind) get a smaller battery, since they interpret every work-item (--size \
            overrides); --device auto never picks a simulator.

            Examples:
              tensorseed devices                               # list
              tensorseed devices --check                       # every engine; exit status 1 on any FAIL
              tensorseed devices --check --device opencl:1.0   # one device (repeat --device for more)
            """
    )

    @Flag(help: "Run the conformance battery on every engine (or those given with --device) and print PASS or FAIL for each.")
    var check = false
    @Option(help: ArgumentHelp("With --check: check only this engine (cpu, cpu:baseline|avx2|avx512 or opencl:P.D); repeatable.",
                               valueName: "cpu|cpu:PATH|opencl:P.D"))
    var device: [String] = []
    @Option(help: ArgumentHelp("With --check: the battery's size, full or small (default: small for simulators, full otherwise).",
                               valueName: "full|small"))
    var size: String?
    @Option(parsing: .unconditional, help: "Threads for the CPU engine, 1 to \(NumberOption.maximumThreads) (default: all cores).", transform: NumberOption.threads)
    var threads: Int?

    func validate() throws {
        if !check && (!device.isEmpty || size != nil) { throw ValidationError("--device and --size go with --check") }
        if let size, ConformanceBattery.Size(rawValue: size) == nil { throw ValidationError("--size must be full or small (got '\(size)')") }
        for name in device {
            guard let choice = try? EngineChoice(parsing: name), choice != .auto else {
                throw ValidationError("invalid --device '\(name)': use cpu or opencl:P.D (see 'tensorseed devices')")
            }
        }
    }

    func run() throws {
        let devices: [OpenCLDeviceInfo]
        do {
            devices = try OpenCLDiscovery.devices()
        } catch {
            print("no OpenCL devices: \(error)")
            print("auto -> cpu (the CPU engine)")
            if check { try runCheck(devices: []) }
            return
        }
        list(devices)
        if check {
            print("")
            try runCheck(devices: devices)
        }
    }

    /// The battery on the CPU engine (as `--device cpu` picks it, then forced to each instruction-set path this
    /// processor has) and every device (or those named), then exit status 1 on any FAIL.
    private func runCheck(devices: [OpenCLDeviceInfo]) throws {
        if let warning = BitFlipTestHook.warning { printError("tensorseed: warning: \(warning)") }
        var choices: [(choice: EngineChoice, device: OpenCLDeviceInfo?)] = [(.cpu, nil)]
            + CPUPath.supported.map { (.cpuPath($0), nil) }   // each instruction-set path of the CPU engine on its own
            + devices.map { (.opencl(platform: $0.platformIndex, device: $0.deviceIndex), $0) }
        if !device.isEmpty {
            let named = try device.map { try EngineChoice(parsing: $0) }
            for choice in named where !choices.contains(where: { $0.choice == choice }) {
                choices.append((choice, nil))   // an engine that does not exist: its row says so
            }
            choices = choices.filter { named.contains($0.choice) }
        }
        let passed = DeviceCheck(choices: choices, size: size.flatMap(ConformanceBattery.Size.init(rawValue:)), threads: threads).run()
        if !passed { throw ExitCode(1) }
    }

    private func list(_ devices: [OpenCLDeviceInfo]) {
        let picked = EngineChoice.autoDevice(in: devices)
        var platform = -1
        for device in devices {
            if device.platformIndex != platform {
                platform = device.platformIndex
                print("platform \(platform): \(device.platformName)")
            }
            let mark = device == picked ? "  <- auto" : device.isSimulator ? "  (simulator: used only when named)" : ""
            print("  \(device.identifier)  \(device.name) [\(device.type)]\(mark)")
            print("      vendor \(device.vendor), driver \(device.driverVersion), \(device.openCLCVersion)")
            print("      \(device.computeUnits) compute units, global memory \(mebibytes(device.globalMemoryBytes)), "
                  + "max allocation \(mebibytes(device.maxAllocationBytes))")
            print("      float32: denormals \(yesNo(device.supportsDenormals)), fma \(yesNo(device.supportsFMA)), "
                  + "correctly rounded divide/sqrt \(yesNo(device.correctlyRoundedDivideSqrt))")
        }
        if let picked {
            print("auto -> \(picked.identifier) (first GPU or accelerator that is not a simulator)")
        } else {
            print("auto -> cpu (no GPU or accelerator; OpenCL CPU devices and simulators are used only when named, "
                  + "e.g. --device \(devices.first?.identifier ?? "opencl:0.0"))")
        }
    }

    private func mebibytes(_ bytes: UInt64) -> String { "\(bytes >> 20) MiB" }
    private func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
}
