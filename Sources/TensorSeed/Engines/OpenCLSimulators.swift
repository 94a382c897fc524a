extension OpenCLDeviceInfo {
    /// Whether the device is a known simulator rather than hardware: Oclgrind (University of Bristol),
    /// which reports itself as GPU, CPU and accelerator at once and interprets every work-item.
    /// `--device auto` never picks a simulator; name it (`opencl:P.D`) to use it.
    public var isSimulator: Bool {
        [name, vendor, platformName].contains { $0.lowercased().contains("oclgrind") }
    }
}
