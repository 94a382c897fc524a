import COpenCL

/// One OpenCL device as discovery found it: where it is (`opencl:P.D`) and what it can do.
public struct OpenCLDeviceInfo: Sendable, Hashable, CustomStringConvertible {
    /// Index of the platform in `clGetPlatformIDs` order (P of `opencl:P.D`).
    public let platformIndex: Int
    /// Index of the device within its platform in `clGetDeviceIDs` order (D of `opencl:P.D`).
    public let deviceIndex: Int
    /// The platform's name and version, e.g. "Portable Computing Language (OpenCL 3.0 PoCL ...)".
    public let platformName: String
    /// The device's name.
    public let name: String
    /// The device's vendor.
    public let vendor: String
    /// The driver version string.
    public let driverVersion: String
    /// "GPU", "CPU", "accelerator", "custom" or a combination.
    public let type: String
    /// Whether the device is a GPU or an accelerator (the kind `auto` picks).
    public let isGPUOrAccelerator: Bool
    /// Global memory in bytes.
    public let globalMemoryBytes: UInt64
    /// Largest single allocation in bytes (`CL_DEVICE_MAX_MEM_ALLOC_SIZE`).
    public let maxAllocationBytes: UInt64
    /// Parallel compute units.
    public let computeUnits: Int
    /// `CL_DEVICE_OPENCL_C_VERSION`, e.g. "OpenCL C 1.2 PoCL".
    public let openCLCVersion: String
    /// Single-precision capabilities: subnormals supported (`CL_FP_DENORM`).
    public let supportsDenormals: Bool
    /// Single-precision capabilities: fused multiply-add (`CL_FP_FMA`).
    public let supportsFMA: Bool
    /// Single-precision capabilities: correctly rounded / and sqrt available (`CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT`).
    public let correctlyRoundedDivideSqrt: Bool
    /// The `cl_device_id`, as an integer so that the value is Sendable; valid for the process's life.
    let handle: UInt

    /// "opencl:P.D", the form `--device` accepts.
    public var identifier: String { "opencl:\(platformIndex).\(deviceIndex)" }

    public var description: String { "\(identifier) \(name) [\(type)]" }

    var deviceID: cl_device_id { cl_device_id(bitPattern: handle)! }
}

/// OpenCL platform and device discovery.
public enum OpenCLDiscovery {
    /// Every device of every platform, in (platform, device) order.
    ///
    /// Throws `OpenCLError.noPlatform` when the ICD loader finds no platform (no driver installed),
    /// and `OpenCLError.call` for any other failure.
    public static func devices() throws -> [OpenCLDeviceInfo] {
        var platformCount: cl_uint = 0
        let code = clGetPlatformIDs(0, nil, &platformCount)
        if let loaderError = ts_opencl_loader_error() {
            throw OpenCLError.noPlatform(reason: "the OpenCL ICD loader (libOpenCL.so.1, Debian package ocl-icd-libopencl1) "
                                         + "could not be opened: \(String(cString: loaderError))")
        }
        if code == OpenCLError.platformNotFoundKHR || (code == CL_SUCCESS && platformCount == 0) {
            if let reason = OpenCLLibraryCheck.missingEntryPoint() { throw OpenCLError.noPlatform(reason: reason) }
            throw OpenCLError.noPlatform(reason: "clGetPlatformIDs found no platform: no OpenCL driver (ICD) is installed")
        }
        try OpenCLError.check(code, "clGetPlatformIDs")
        var platforms = [cl_platform_id?](repeating: nil, count: Int(platformCount))
        try OpenCLError.check(clGetPlatformIDs(platformCount, &platforms, nil), "clGetPlatformIDs")
        var result: [OpenCLDeviceInfo] = []
        for (p, platform) in platforms.enumerated() {
            guard let platform else { continue }
            let platformName = platformString(platform, CL_PLATFORM_NAME)
            let platformVersion = platformString(platform, CL_PLATFORM_VERSION)
            var deviceCount: cl_uint = 0
            let all = cl_device_type(CL_DEVICE_TYPE_ALL)
            let counted = clGetDeviceIDs(platform, all, 0, nil, &deviceCount)
            if counted == CL_DEVICE_NOT_FOUND || deviceCount == 0 { continue }
            try OpenCLError.check(counted, "clGetDeviceIDs")
            var devices = [cl_device_id?](repeating: nil, count: Int(deviceCount))
            try OpenCLError.check(clGetDeviceIDs(platform, all, deviceCount, &devices, nil), "clGetDeviceIDs")
            for (d, device) in devices.enumerated() {
                guard let device else { continue }
                result.append(try info(device, platformIndex: p, deviceIndex: d,
                                       platformName: "\(platformName) (\(platformVersion))"))
            }
        }
        return result
    }

    static func info(_ device: cl_device_id, platformIndex: Int, deviceIndex: Int, platformName: String) throws -> OpenCLDeviceInfo {
        let typeBits: cl_device_type = try deviceValue(device, CL_DEVICE_TYPE)
        var types: [String] = []
        if typeBits & cl_device_type(CL_DEVICE_TYPE_GPU) != 0 { types.append("GPU") }
        if typeBits & cl_device_type(CL_DEVICE_TYPE_CPU) != 0 { types.append("CPU") }
        if typeBits & cl_device_type(CL_DEVICE_TYPE_ACCELERATOR) != 0 { types.append("accelerator") }
        if typeBits & cl_device_type(CL_DEVICE_TYPE_CUSTOM) != 0 { types.append("custom") }
        let gpuOrAccelerator = typeBits & cl_device_type(CL_DEVICE_TYPE_GPU | CL_DEVICE_TYPE_ACCELERATOR) != 0
        let fp: cl_device_fp_config = try deviceValue(device, CL_DEVICE_SINGLE_FP_CONFIG)
        let units: cl_uint = try deviceValue(device, CL_DEVICE_MAX_COMPUTE_UNITS)
        return OpenCLDeviceInfo(
            platformIndex: platformIndex, deviceIndex: deviceIndex, platformName: platformName,
            name: deviceString(device, CL_DEVICE_NAME), vendor: deviceString(device, CL_DEVICE_VENDOR),
            driverVersion: deviceString(device, CL_DRIVER_VERSION),
            type: types.isEmpty ? "unknown" : types.joined(separator: "+"), isGPUOrAccelerator: gpuOrAccelerator,
            globalMemoryBytes: try deviceValue(device, CL_DEVICE_GLOBAL_MEM_SIZE),
            maxAllocationBytes: try deviceValue(device, CL_DEVICE_MAX_MEM_ALLOC_SIZE),
            computeUnits: Int(units), openCLCVersion: deviceString(device, CL_DEVICE_OPENCL_C_VERSION),
            supportsDenormals: fp & cl_device_fp_config(CL_FP_DENORM) != 0,
            supportsFMA: fp & cl_device_fp_config(CL_FP_FMA) != 0,
            correctlyRoundedDivideSqrt: fp & cl_device_fp_config(CL_FP_CORRECTLY_ROUNDED_DIVIDE_SQRT) != 0,
            handle: UInt(bitPattern: device))
    }

    private static func deviceValue<T: BitwiseCopyable>(_ device: cl_device_id, _ parameter: Int32) throws -> T {
        try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { value in
            try OpenCLError.check(clGetDeviceInfo(device, cl_device_info(parameter), MemoryLayout<T>.size, value.baseAddress, nil),
                                  "clGetDeviceInfo(\(parameter))")
            return value[0]
        }
    }

    private static func deviceString(_ device: cl_device_id, _ parameter: Int32) -> String {
        infoString { clGetDeviceInfo(device, cl_device_info(parameter), $0, $1, $2) }
    }

    private static func platformString(_ platform: cl_platform_id, _ parameter: Int32) -> String {
        infoString { clGetPlatformInfo(platform, cl_platform_info(parameter), $0, $1, $2) }
    }

    /// A string-valued info query: size first, then the bytes ("?" when the query fails).
    private static func infoString(_ query: (Int, UnsafeMutableRawPointer?, UnsafeMutablePointer<Int>?) -> cl_int) -> String {
        var size = 0
        guard query(0, nil, &size) == CL_SUCCESS, size > 0 else { return "?" }
        var bytes = [CChar](repeating: 0, count: size + 1)
        guard bytes.withUnsafeMutableBytes({ query(size, $0.baseAddress, nil) }) == CL_SUCCESS else { return "?" }
        return String(nullTerminated: bytes).trimmingTrailingSpaces
    }
}

extension String {
    /// The UTF-8 text before the first NUL of a C character buffer.
    init(nullTerminated bytes: [CChar]) {
        self.init(decoding: bytes.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    fileprivate var trimmingTrailingSpaces: String {
        var s = Substring(self)
        while let c = s.last, c == " " || c == "\0" { s.removeLast() }
        return String(s)
    }
}
