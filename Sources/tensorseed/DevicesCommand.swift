import ArgumentParser
import TensorSeed

/// `tensorseed devices`: every OpenCL platform and device, and the engine `--device auto` picks.
struct DevicesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "devices",
        abstract: "List OpenCL platforms and devices (the --device opencl:P.D names) and what --device auto picks."
    )

    func run() throws {
        let devices: [OpenCLDeviceInfo]
        do {
            devices = try OpenCLDiscovery.devices()
        } catch {
            print("no OpenCL devices: \(error)")
            print("auto -> cpu (the CPU engine)")
            return
        }
        let picked = EngineChoice.autoDevice(in: devices)
        var platform = -1
        for device in devices {
            if device.platformIndex != platform {
                platform = device.platformIndex
                print("platform \(platform): \(device.platformName)")
            }
            let mark = device == picked ? "  <- auto" : ""
            print("  \(device.identifier)  \(device.name) [\(device.type)]\(mark)")
            print("      vendor \(device.vendor), driver \(device.driverVersion), \(device.openCLCVersion)")
            print("      \(device.computeUnits) compute units, global memory \(mebibytes(device.globalMemoryBytes)), "
                  + "max allocation \(mebibytes(device.maxAllocationBytes))")
            print("      float32: denormals \(yesNo(device.supportsDenormals)), fma \(yesNo(device.supportsFMA)), "
                  + "correctly rounded divide/sqrt \(yesNo(device.correctlyRoundedDivideSqrt))")
        }
        if let picked {
            print("auto -> \(picked.identifier) (first GPU or accelerator)")
        } else {
            print("auto -> cpu (no GPU or accelerator; OpenCL CPU devices are used only when named, e.g. --device \(devices.first?.identifier ?? "opencl:0.0"))")
        }
    }

    private func mebibytes(_ bytes: UInt64) -> String { "\(bytes >> 20) MiB" }
    private func yesNo(_ value: Bool) -> String { value ? "yes" : "no" }
}
