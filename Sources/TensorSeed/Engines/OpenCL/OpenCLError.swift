import COpenCL

/// An OpenCL failure: which call failed with which error, a build log, a missing device,
/// or a self-check that found bits different from the CPU stream.
///
/// Every description is a single line, fit for a command-line error message.
public enum OpenCLError: Error, CustomStringConvertible, Equatable {
    /// No OpenCL platform: no ICD loader configuration, no installed driver (`reason` says which call said so).
    case noPlatform(reason: String)
    /// An OpenCL API call returned an error code.
    case call(function: String, code: Int32)
    /// `clBuildProgram` failed; `log` is the device compiler's build log.
    case buildFailed(device: String, options: String, code: Int32, log: String)
    /// A self-check recomputed element `index` on the CPU and found other bits.
    case selfCheckFailed(device: String, seed: UInt64, streamID: UInt64, index: UInt64, expected: UInt32, actual: UInt32)
    /// An environment variable names a kernel layout that does not exist (`OpenCLKernelLayout`).
    case invalidLayout(variable: String, value: String)

    public var description: String {
        switch self {
        case let .noPlatform(reason):
            return "no OpenCL platform available (\(reason))"
        case let .call(function, code):
            return "OpenCL call \(function) failed with \(OpenCLError.name(of: code)) (\(code))"
        case let .buildFailed(device, options, code, log):
            let oneLine = log.split(whereSeparator: \.isNewline).map { $0.trimmingSpaces }.filter { !$0.isEmpty }
                .joined(separator: " | ")
            return "OpenCL kernel build failed on \(device) with \(OpenCLError.name(of: code)) (options \"\(options)\"): \(oneLine)"
        case let .selfCheckFailed(device, seed, streamID, index, expected, actual):
            return "self-check failed on \(device): seed \(seed), stream id 0x\(String(streamID, radix: 16)), element \(index) "
                + "is 0x\(String(actual, radix: 16)) but the CPU stream gives 0x\(String(expected, radix: 16)); "
                + "this device does not reproduce the stream (rerun with --device cpu)"
        case let .invalidLayout(variable, value):
            return "\(variable)=\"\(value)\" is not a kernel layout: use "
                + OpenCLKernelLayout.allCases.map(\.rawValue).joined(separator: " or ") + ", or leave it unset to choose per device"
        }
    }

    /// The symbolic name of an OpenCL error code, e.g. `CL_OUT_OF_RESOURCES` for -5.
    public static func name(of code: Int32) -> String {
        codeNames[code] ?? "unknown OpenCL error"
    }

    /// Whether `code` says memory or resources ran out (a smaller allocation may succeed).
    static func isAllocationFailure(_ code: Int32) -> Bool {
        [CL_MEM_OBJECT_ALLOCATION_FAILURE, CL_OUT_OF_RESOURCES, CL_OUT_OF_HOST_MEMORY, CL_INVALID_BUFFER_SIZE].contains(code)
    }

    /// Codes of the OpenCL 1.2 headers, and the ICD loader's "no platform" code.
    private static let codeNames: [Int32: String] = {
        let pairs: [(Int32, String)] = [
            (CL_SUCCESS, "CL_SUCCESS"),
            (CL_DEVICE_NOT_FOUND, "CL_DEVICE_NOT_FOUND"),
            (CL_DEVICE_NOT_AVAILABLE, "CL_DEVICE_NOT_AVAILABLE"),
            (CL_COMPILER_NOT_AVAILABLE, "CL_COMPILER_NOT_AVAILABLE"),
            (CL_MEM_OBJECT_ALLOCATION_FAILURE, "CL_MEM_OBJECT_ALLOCATION_FAILURE"),
            (CL_OUT_OF_RESOURCES, "CL_OUT_OF_RESOURCES"),
            (CL_OUT_OF_HOST_MEMORY, "CL_OUT_OF_HOST_MEMORY"),
            (CL_PROFILING_INFO_NOT_AVAILABLE, "CL_PROFILING_INFO_NOT_AVAILABLE"),
            (CL_MEM_COPY_OVERLAP, "CL_MEM_COPY_OVERLAP"),
            (CL_IMAGE_FORMAT_MISMATCH, "CL_IMAGE_FORMAT_MISMATCH"),
            (CL_IMAGE_FORMAT_NOT_SUPPORTED, "CL_IMAGE_FORMAT_NOT_SUPPORTED"),
            (CL_BUILD_PROGRAM_FAILURE, "CL_BUILD_PROGRAM_FAILURE"),
            (CL_MAP_FAILURE, "CL_MAP_FAILURE"),
            (CL_MISALIGNED_SUB_BUFFER_OFFSET, "CL_MISALIGNED_SUB_BUFFER_OFFSET"),
            (CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST, "CL_EXEC_STATUS_ERROR_FOR_EVENTS_IN_WAIT_LIST"),
            (CL_COMPILE_PROGRAM_FAILURE, "CL_COMPILE_PROGRAM_FAILURE"),
            (CL_LINKER_NOT_AVAILABLE, "CL_LINKER_NOT_AVAILABLE"),
            (CL_LINK_PROGRAM_FAILURE, "CL_LINK_PROGRAM_FAILURE"),
            (CL_DEVICE_PARTITION_FAILED, "CL_DEVICE_PARTITION_FAILED"),
            (CL_KERNEL_ARG_INFO_NOT_AVAILABLE, "CL_KERNEL_ARG_INFO_NOT_AVAILABLE"),
            (CL_INVALID_VALUE, "CL_INVALID_VALUE"),
            (CL_INVALID_DEVICE_TYPE, "CL_INVALID_DEVICE_TYPE"),
            (CL_INVALID_PLATFORM, "CL_INVALID_PLATFORM"),
            (CL_INVALID_DEVICE, "CL_INVALID_DEVICE"),
            (CL_INVALID_CONTEXT, "CL_INVALID_CONTEXT"),
            (CL_INVALID_QUEUE_PROPERTIES, "CL_INVALID_QUEUE_PROPERTIES"),
            (CL_INVALID_COMMAND_QUEUE, "CL_INVALID_COMMAND_QUEUE"),
            (CL_INVALID_HOST_PTR, "CL_INVALID_HOST_PTR"),
            (CL_INVALID_MEM_OBJECT, "CL_INVALID_MEM_OBJECT"),
            (CL_INVALID_IMAGE_FORMAT_DESCRIPTOR, "CL_INVALID_IMAGE_FORMAT_DESCRIPTOR"),
            (CL_INVALID_IMAGE_SIZE, "CL_INVALID_IMAGE_SIZE"),
            (CL_INVALID_SAMPLER, "CL_INVALID_SAMPLER"),
            (CL_INVALID_BINARY, "CL_INVALID_BINARY"),
            (CL_INVALID_BUILD_OPTIONS, "CL_INVALID_BUILD_OPTIONS"),
            (CL_INVALID_PROGRAM, "CL_INVALID_PROGRAM"),
            (CL_INVALID_PROGRAM_EXECUTABLE, "CL_INVALID_PROGRAM_EXECUTABLE"),
            (CL_INVALID_KERNEL_NAME, "CL_INVALID_KERNEL_NAME"),
            (CL_INVALID_KERNEL_DEFINITION, "CL_INVALID_KERNEL_DEFINITION"),
            (CL_INVALID_KERNEL, "CL_INVALID_KERNEL"),
            (CL_INVALID_ARG_INDEX, "CL_INVALID_ARG_INDEX"),
            (CL_INVALID_ARG_VALUE, "CL_INVALID_ARG_VALUE"),
            (CL_INVALID_ARG_SIZE, "CL_INVALID_ARG_SIZE"),
            (CL_INVALID_KERNEL_ARGS, "CL_INVALID_KERNEL_ARGS"),
            (CL_INVALID_WORK_DIMENSION, "CL_INVALID_WORK_DIMENSION"),
            (CL_INVALID_WORK_GROUP_SIZE, "CL_INVALID_WORK_GROUP_SIZE"),
            (CL_INVALID_WORK_ITEM_SIZE, "CL_INVALID_WORK_ITEM_SIZE"),
            (CL_INVALID_GLOBAL_OFFSET, "CL_INVALID_GLOBAL_OFFSET"),
            (CL_INVALID_EVENT_WAIT_LIST, "CL_INVALID_EVENT_WAIT_LIST"),
            (CL_INVALID_EVENT, "CL_INVALID_EVENT"),
            (CL_INVALID_OPERATION, "CL_INVALID_OPERATION"),
            (CL_INVALID_GL_OBJECT, "CL_INVALID_GL_OBJECT"),
            (CL_INVALID_BUFFER_SIZE, "CL_INVALID_BUFFER_SIZE"),
            (CL_INVALID_MIP_LEVEL, "CL_INVALID_MIP_LEVEL"),
            (CL_INVALID_GLOBAL_WORK_SIZE, "CL_INVALID_GLOBAL_WORK_SIZE"),
            (CL_INVALID_PROPERTY, "CL_INVALID_PROPERTY"),
            (CL_INVALID_IMAGE_DESCRIPTOR, "CL_INVALID_IMAGE_DESCRIPTOR"),
            (CL_INVALID_COMPILER_OPTIONS, "CL_INVALID_COMPILER_OPTIONS"),
            (CL_INVALID_LINKER_OPTIONS, "CL_INVALID_LINKER_OPTIONS"),
            (CL_INVALID_DEVICE_PARTITION_COUNT, "CL_INVALID_DEVICE_PARTITION_COUNT"),
            (platformNotFoundKHR, "CL_PLATFORM_NOT_FOUND_KHR"),
        ]
        return Dictionary(pairs, uniquingKeysWith: { first, _ in first })
    }()

    /// `CL_PLATFORM_NOT_FOUND_KHR` (cl_khr_icd): the ICD loader found no vendor driver.
    static let platformNotFoundKHR: Int32 = -1001

    /// Throws `.call` unless `code` is `CL_SUCCESS`.
    static func check(_ code: Int32, _ function: String) throws {
        if code != CL_SUCCESS { throw OpenCLError.call(function: function, code: code) }
    }
}

extension Substring {
    fileprivate var trimmingSpaces: Substring {
        var s = self
        while let c = s.first, c == " " || c == "\t" { s.removeFirst() }
        while let c = s.last, c == " " || c == "\t" { s.removeLast() }
        return s
    }
}
