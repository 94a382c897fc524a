import COpenCL

// Owners of OpenCL handles: each class holds one handle from a successful create call and
// releases it exactly once, in deinit. A handle never leaves its owner except for the
// duration of a call. Retain/release and enqueue calls are thread-safe in OpenCL 1.2;
// OpenCLEngine serializes everything else (kernel arguments) behind its lock.

/// An OpenCL context on one device (`clCreateContext` / `clReleaseContext`).
final class CLContext: @unchecked Sendable {
    let raw: cl_context
    let device: cl_device_id

    init(device: cl_device_id) throws {
        var code: cl_int = CL_SUCCESS
        var id: cl_device_id? = device
        guard let context = clCreateContext(nil, 1, &id, nil, nil, &code), code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateContext", code: code == CL_SUCCESS ? CL_INVALID_CONTEXT : code)
        }
        raw = context
        self.device = device
    }

    deinit { clReleaseContext(raw) }
}

/// An in-order command queue (`clCreateCommandQueue` / `clReleaseCommandQueue`).
final class CLQueue: @unchecked Sendable {
    let raw: cl_command_queue
    let context: CLContext   // keeps the context alive while the queue exists

    init(context: CLContext) throws {
        var code: cl_int = CL_SUCCESS
        guard let queue = clCreateCommandQueue(context.raw, context.device, 0, &code), code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateCommandQueue", code: code == CL_SUCCESS ? CL_INVALID_COMMAND_QUEUE : code)
        }
        raw = queue
        self.context = context
    }

    /// Submits queued commands to the device without waiting.
    func flush() throws { try OpenCLError.check(clFlush(raw), "clFlush") }
    /// Waits until every queued command has completed.
    func finish() throws { try OpenCLError.check(clFinish(raw), "clFinish") }

    deinit { clReleaseCommandQueue(raw) }
}

/// A program built from source for the context's device (`clCreateProgramWithSource` / `clReleaseProgram`).
final class CLProgram: @unchecked Sendable {
    let raw: cl_program
    let context: CLContext

    /// Compiles `source` with `options`; a failed build throws `.buildFailed` carrying the build log.
    init(context: CLContext, source: String, options: String, deviceName: String) throws {
        var code: cl_int = CL_SUCCESS
        let created: cl_program? = source.withCString { text in
            var pointer: UnsafePointer<CChar>? = text
            return clCreateProgramWithSource(context.raw, 1, &pointer, nil, &code)
        }
        guard let program = created, code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateProgramWithSource", code: code == CL_SUCCESS ? CL_INVALID_PROGRAM : code)
        }
        raw = program
        self.context = context
        var device: cl_device_id? = context.device
        let built = clBuildProgram(program, 1, &device, options, nil, nil)
        if built != CL_SUCCESS {
            throw OpenCLError.buildFailed(device: deviceName, options: options, code: built, log: buildLog())
        }
    }

    /// The device compiler's log of the last build (empty when it cannot be read).
    func buildLog() -> String {
        var size = 0
        guard clGetProgramBuildInfo(raw, context.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), 0, nil, &size) == CL_SUCCESS,
              size > 0 else { return "" }
        var bytes = [CChar](repeating: 0, count: size + 1)
        guard clGetProgramBuildInfo(raw, context.device, cl_program_build_info(CL_PROGRAM_BUILD_LOG), size, &bytes, nil) == CL_SUCCESS
        else { return "" }
        return String(nullTerminated: bytes)
    }

    deinit { clReleaseProgram(raw) }
}

/// One kernel of a built program (`clCreateKernel` / `clReleaseKernel`).
final class CLKernel: @unchecked Sendable {
    let raw: cl_kernel
    let program: CLProgram
    let name: String

    init(program: CLProgram, name: String) throws {
        var code: cl_int = CL_SUCCESS
        guard let kernel = clCreateKernel(program.raw, name, &code), code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateKernel(\(name))", code: code == CL_SUCCESS ? CL_INVALID_KERNEL : code)
        }
        raw = kernel
        self.program = program
        self.name = name
    }

    /// Sets argument `index` to the bytes of `value` (a plain value type: integer, float, SIMD).
    func setArgument<T: BitwiseCopyable>(_ index: Int, _ value: T) throws {
        var copy = value
        try OpenCLError.check(clSetKernelArg(raw, cl_uint(index), MemoryLayout<T>.size, &copy), "clSetKernelArg(\(name), \(index))")
    }

    /// Sets argument `index` to a buffer.
    func setArgument(_ index: Int, _ buffer: CLBuffer) throws {
        var memory: cl_mem? = buffer.raw
        try OpenCLError.check(clSetKernelArg(raw, cl_uint(index), MemoryLayout<cl_mem>.size, &memory),
                              "clSetKernelArg(\(name), \(index))")
    }

    /// `CL_KERNEL_WORK_GROUP_SIZE`: the largest work-group this kernel can run with on `device`.
    func maxWorkGroupSize(on device: cl_device_id) throws -> Int {
        try workGroupInfo(device, CL_KERNEL_WORK_GROUP_SIZE)
    }

    /// `CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE`: work-group sizes that are multiples of it run best
    /// (a GPU's SIMT width: 32 on NVIDIA, 64 on AMD GCN).
    func preferredWorkGroupSizeMultiple(on device: cl_device_id) throws -> Int {
        try workGroupInfo(device, CL_KERNEL_PREFERRED_WORK_GROUP_SIZE_MULTIPLE)
    }

    private func workGroupInfo(_ device: cl_device_id, _ parameter: Int32) throws -> Int {
        var value = 0
        try OpenCLError.check(clGetKernelWorkGroupInfo(raw, device, cl_kernel_work_group_info(parameter), MemoryLayout<Int>.size, &value, nil),
                              "clGetKernelWorkGroupInfo(\(name), \(parameter))")
        return value
    }

    deinit { clReleaseKernel(raw) }
}

/// A device buffer (`clCreateBuffer` / `clReleaseMemObject`).
final class CLBuffer: @unchecked Sendable {
    let raw: cl_mem
    let context: CLContext
    let bytes: Int

    /// A write-only (from the kernel's side) buffer of `bytes` bytes.
    init(context: CLContext, bytes: Int) throws {
        var code: cl_int = CL_SUCCESS
        guard let buffer = clCreateBuffer(context.raw, cl_mem_flags(CL_MEM_WRITE_ONLY), bytes, nil, &code), code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateBuffer(\(bytes) bytes)", code: code == CL_SUCCESS ? CL_MEM_OBJECT_ALLOCATION_FAILURE : code)
        }
        raw = buffer
        self.context = context
        self.bytes = bytes
    }

    deinit { clReleaseMemObject(raw) }
}

/// Pinned (page-locked) host memory for read-back: a `CL_MEM_ALLOC_HOST_PTR` buffer, mapped once for its whole life.
///
/// A device copies into such memory by DMA at the full bus speed; into ordinary (pageable) memory a driver
/// goes through a staging buffer of its own. The mapped pointer is only ever the destination of
/// `clEnqueueReadBuffer` from another buffer and the source of host copies (NVIDIA, "OpenCL Best Practices
/// Guide", section 3.1.1, "Pinned memory"); the buffer itself is never used by a command while mapped.
final class CLPinnedBuffer: @unchecked Sendable {
    let raw: cl_mem
    let queue: CLQueue   // the queue that mapped it, which unmaps it
    let bytes: Int
    /// The host address of the mapped memory, valid until deinit.
    let pointer: UnsafeMutableRawPointer

    init(queue: CLQueue, bytes: Int) throws {
        var code: cl_int = CL_SUCCESS
        let flags = cl_mem_flags(CL_MEM_ALLOC_HOST_PTR) | cl_mem_flags(CL_MEM_READ_WRITE)
        guard let buffer = clCreateBuffer(queue.context.raw, flags, bytes, nil, &code), code == CL_SUCCESS else {
            throw OpenCLError.call(function: "clCreateBuffer(\(bytes) bytes, CL_MEM_ALLOC_HOST_PTR)",
                                   code: code == CL_SUCCESS ? CL_MEM_OBJECT_ALLOCATION_FAILURE : code)
        }
        let mapFlags = cl_map_flags(CL_MAP_READ) | cl_map_flags(CL_MAP_WRITE)
        guard let mapped = clEnqueueMapBuffer(queue.raw, buffer, cl_bool(CL_TRUE), mapFlags, 0, bytes, 0, nil, nil, &code),
              code == CL_SUCCESS else {
            clReleaseMemObject(buffer)
            throw OpenCLError.call(function: "clEnqueueMapBuffer(\(bytes) bytes)", code: code == CL_SUCCESS ? CL_MAP_FAILURE : code)
        }
        raw = buffer
        self.queue = queue
        self.bytes = bytes
        pointer = mapped
    }

    deinit {
        clEnqueueUnmapMemObject(queue.raw, raw, pointer, 0, nil, nil)
        clFinish(queue.raw)
        clReleaseMemObject(raw)
    }
}
