import COpenCL
import Foundation
import Synchronization

/// The OpenCL engine: fills ranges on an OpenCL device with the kernels of `kernels/tensorseed.cl`
/// (embedded at build time), giving the same bits as `CPUEngine`.
///
/// The kernels are built in the layout that suits the device (`OpenCLKernelLayout`: one Philox block per
/// work-item on GPUs and accelerators, eight on CPU devices), with a work-group size that is a multiple of
/// each kernel's preferred multiple; `TENSORSEED_OPENCL_LAYOUT` or the `layout:` parameter forces one.
///
/// A request is cut into chunks that fit the device's largest allocation and `maxChunkElements`.
/// Two slots, each with its own in-order queue, device buffer and pinned host buffer
/// (`CL_MEM_ALLOC_HOST_PTR`, mapped), alternate: while the device generates chunk k + 1 and copies it
/// into its pinned buffer, chunk k is copied from the other pinned buffer into the caller's buffer.
/// An allocation failure halves the chunk and resumes; any other OpenCL failure throws (the queues are
/// drained first, so nothing writes into the caller's buffer afterwards).
///
/// Self-check (on by default): after each chunk, its first and last element and six random ones are
/// recomputed on the CPU with `TensorStream.element(_:_:)` and compared bit for bit; a difference
/// throws `OpenCLError.selfCheckFailed` naming the device, the stream and the element.
///
/// One engine serializes its fills; use one engine per thread for concurrent fills.
public final class OpenCLEngine: TensorEngine, @unchecked Sendable {
    /// Options the kernels are always built with: OpenCL C 1.2 and nothing that relaxes float math
    /// (never -cl-mad-enable, -cl-fast-relaxed-math, -cl-unsafe-math-optimizations,
    /// -cl-denorms-are-zero, -cl-finite-math-only). The kernel file also has `FP_CONTRACT OFF`.
    public static let buildOptions = "-cl-std=CL1.2"
    /// Default cap on the elements of one chunk: 32 Mi float32 = 128 MiB per device buffer and as much
    /// pinned host memory, for each of the two slots.
    public static let defaultMaxChunkElements = 1 << 25
    /// The largest chunk ever used: the kernels count a launch's elements in 32 bits (below 2^31).
    public static let largestChunkElements = 1 << 30
    /// Chunks are never halved below this many elements after allocation failures.
    public static let minimumChunkElements = 1 << 16
    /// Elements recomputed on the CPU per chunk by the self-check.
    public static let selfCheckSamples = 8

    /// The device this engine runs on.
    public let device: OpenCLDeviceInfo
    /// How the kernels spread Philox blocks over work-items on this engine.
    public let layout: OpenCLKernelLayout

    public var name: String { "\(device.identifier) \(device.name) (\(layout))" }

    /// Whether each chunk is spot-checked against the CPU stream (default true).
    public var selfCheck: Bool {
        get { state.withLock { $0.selfCheck } }
        set { state.withLock { $0.selfCheck = newValue } }
    }

    /// The most elements per chunk (rounded down to a multiple of 32, at least 32); the device's
    /// maximum allocation caps it further.
    public var maxChunkElements: Int {
        get { state.withLock { $0.maxChunkElements } }
        set { state.withLock { $0.maxChunkElements = OpenCLEngine.chunkElements(newValue) } }
    }

    /// Test hook: called with each chunk's part of the caller's buffer after the read, before the self-check.
    var afterChunkRead: (@Sendable (UnsafeMutableBufferPointer<Float>) -> Void)? {
        get { state.withLock { $0.afterChunkRead } }
        set { state.withLock { $0.afterChunkRead = newValue } }
    }

    /// One chunk's resources: the device writes `buffer`, which is read into `pinned`.
    private struct Slot {
        let queue: CLQueue
        var buffer: CLBuffer?
        var pinned: CLPinnedBuffer?
    }

    /// A kernel and the work-group size it is launched with.
    struct LaunchedKernel {
        let kernel: CLKernel
        let workGroupSize: Int
    }

    private struct State {
        var selfCheck: Bool
        var maxChunkElements: Int
        var afterChunkRead: (@Sendable (UnsafeMutableBufferPointer<Float>) -> Void)?
        var slots: [Slot]
        let uniform: LaunchedKernel
        let normal: LaunchedKernel
        let truncatedNormal: LaunchedKernel
    }

    private let state: Mutex<State>
    private let context: CLContext

    /// An engine on `device`, with the kernels built for it now (a build failure throws with the build log).
    ///
    /// `layout` forces a kernel layout (tests); nil takes `TENSORSEED_OPENCL_LAYOUT` when it is set, else the
    /// device's preferred layout. An invalid `TENSORSEED_OPENCL_LAYOUT` throws `OpenCLError.invalidLayout`.
    public convenience init(device: OpenCLDeviceInfo, selfCheck: Bool = true,
                            maxChunkElements: Int = OpenCLEngine.defaultMaxChunkElements,
                            layout: OpenCLKernelLayout? = nil) throws {
        try self.init(device: device, selfCheck: selfCheck, maxChunkElements: maxChunkElements, layout: layout,
                      source: EmbeddedKernels.tensorseed, buildOptions: OpenCLEngine.buildOptions)
    }

    /// An engine built from other kernel source or options: for tests that need a deliberately wrong build.
    /// The layout's `-DTS_LANES` is appended to `buildOptions`.
    init(device: OpenCLDeviceInfo, selfCheck: Bool, maxChunkElements: Int, layout: OpenCLKernelLayout? = nil,
         source: String, buildOptions: String) throws {
        let layout = try layout ?? OpenCLKernelLayout.forced(by: ProcessInfo.processInfo.environment)
            ?? OpenCLKernelLayout.preferred(for: device)
        self.device = device
        self.layout = layout
        context = try CLContext(device: device.deviceID)
        let program = try CLProgram(context: context, source: source, options: buildOptions + " " + layout.buildOption,
                                    deviceName: device.description)
        func launched(_ name: String) throws -> LaunchedKernel {
            let kernel = try CLKernel(program: program, name: name)
            let size = OpenCLKernelLayout.workGroupSize(
                preferredMultiple: try kernel.preferredWorkGroupSizeMultiple(on: device.deviceID),
                kernelMaximum: try kernel.maxWorkGroupSize(on: device.deviceID))
            return LaunchedKernel(kernel: kernel, workGroupSize: size)
        }
        let slots = [Slot(queue: try CLQueue(context: context)), Slot(queue: try CLQueue(context: context))]
        state = Mutex(State(selfCheck: selfCheck, maxChunkElements: OpenCLEngine.chunkElements(maxChunkElements), afterChunkRead: nil,
                            slots: slots, uniform: try launched("fill_uniform"), normal: try launched("fill_normal"),
                            truncatedNormal: try launched("fill_truncated_normal")))
    }

    /// The work-group size each kernel is launched with (fill_uniform, fill_normal, fill_truncated_normal).
    var workGroupSizes: [String: Int] {
        state.withLock { s in
            Dictionary(uniqueKeysWithValues: [s.uniform, s.normal, s.truncatedNormal].map { ($0.kernel.name, $0.workGroupSize) })
        }
    }

    /// A chunk size as the engine keeps it: a multiple of 32 in [32, largestChunkElements].
    private static func chunkElements(_ requested: Int) -> Int {
        max(32, min(requested, largestChunkElements) / 32 * 32)
    }

    public func fill(_ buffer: UnsafeMutableBufferPointer<Float>, stream: TensorStream, offset: UInt64,
                     distribution: Distribution) throws {
        guard let base = buffer.baseAddress else { return }
        try fill(UnsafeMutableRawPointer(base), count: buffer.count, as: .float32, stream: stream, offset: offset,
                 distribution: distribution)
    }

    /// float16 and bfloat16 are converted on the device (the kernels' `float16Bits` / `bfloat16Bits`);
    /// float64 is the float32 value widened exactly on the host.
    public func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream,
                     offset: UInt64, distribution: Distribution) throws {
        guard let base = destination.baseAddress else { return }
        if type == .float64 {
            return try fillStaged(destination, as: type, stream: stream, offset: offset, distribution: distribution)
        }
        try fill(base, count: destination.count / type.byteSize, as: type, stream: stream, offset: offset,
                 distribution: distribution)
    }

    private func fill(_ base: UnsafeMutableRawPointer, count: Int, as type: StorageType, stream: TensorStream,
                      offset: UInt64, distribution: Distribution) throws {
        guard count > 0 else { return }
        try EngineError.checkRange(offset: offset, count: count)
        try state.withLock { state in
            let allocationLimit = Int(min(UInt64(Int.max), device.maxAllocationBytes / UInt64(type.byteSize))) / 32 * 32
            var chunk = max(32, min(state.maxChunkElements, allocationLimit))
            var done = 0
            while done < count {
                do {
                    try run(&state, base: base, type: type, count: count, from: done, chunk: chunk, stream: stream,
                            offset: offset, distribution: distribution, verifiedUpTo: &done)
                } catch let OpenCLError.call(_, code) where OpenCLError.isAllocationFailure(code)
                    && chunk > OpenCLEngine.minimumChunkElements {
                    // Free the buffers and try again with half the chunk, from the first unverified element.
                    for s in state.slots.indices { (state.slots[s].buffer, state.slots[s].pinned) = (nil, nil) }
                    chunk = max(OpenCLEngine.minimumChunkElements, chunk / 2 / 32 * 32)
                }
            }
        }
    }

    /// Generates elements `start ..< count` of the request in chunks of `chunk`, two in flight.
    /// `verifiedUpTo` advances as chunks complete (in order), so a retry can resume there.
    private func run(_ state: inout State, base: UnsafeMutableRawPointer, type: StorageType, count: Int, from start: Int, chunk: Int,
                     stream: TensorStream, offset: UInt64, distribution: Distribution, verifiedUpTo: inout Int) throws {
        let chunkCount = (count - start + chunk - 1) / chunk
        let chunkElements = min(chunk, count - start)
        // The kernels write whole groups from the group of the chunk's first element (at most 31 before it).
        let deviceBytes = (chunkElements + 2 * TensorStream.groupSize) * type.byteSize
        for s in state.slots.indices {
            if (state.slots[s].buffer?.bytes ?? 0) < deviceBytes {
                state.slots[s].buffer = nil
                state.slots[s].buffer = try CLBuffer(context: context, bytes: deviceBytes)
            }
            if (state.slots[s].pinned?.bytes ?? 0) < chunkElements * type.byteSize {
                state.slots[s].pinned = nil
                state.slots[s].pinned = try CLPinnedBuffer(queue: state.slots[s].queue, bytes: chunkElements * type.byteSize)
            }
        }
        var inFlight: [Range<Int>?] = [nil, nil]
        func complete(_ state: inout State, _ slot: Int) throws {
            guard let range = inFlight[slot], let pinned = state.slots[slot].pinned else { return }
            inFlight[slot] = nil
            try state.slots[slot].queue.finish()
            (base + range.lowerBound * type.byteSize).copyMemory(from: pinned.pointer, byteCount: range.count * type.byteSize)
            try verify(state, base: base, type: type, range: range, stream: stream, offset: offset, distribution: distribution)
            verifiedUpTo = range.upperBound
        }
        do {
            for k in 0..<chunkCount {
                let slot = k % 2
                try complete(&state, slot)
                let range = (start + k * chunk) ..< min(count, start + (k + 1) * chunk)
                try enqueue(state, slot: slot, base: base, type: type, range: range, stream: stream, offset: offset,
                            distribution: distribution)
                inFlight[slot] = range
            }
            // The older chunk first, so verifiedUpTo only moves forward.
            let last = (chunkCount - 1) % 2
            try complete(&state, 1 - last)
            try complete(&state, last)
        } catch {
            // Nothing may still write into the caller's buffer once we return.
            for slot in state.slots { _ = try? slot.queue.finish() }
            throw error
        }
    }

    /// Queues the kernel for `range` of the request and the read of its result into the slot's pinned buffer.
    private func enqueue(_ state: State, slot: Int, base: UnsafeMutableRawPointer, type: StorageType, range: Range<Int>,
                         stream: TensorStream, offset: UInt64, distribution: Distribution) throws {
        guard let buffer = state.slots[slot].buffer, let pinned = state.slots[slot].pinned else { return }
        let queue = state.slots[slot].queue
        let first = offset + UInt64(range.lowerBound)
        let launched: LaunchedKernel
        var parameters = SIMD8<Float>(repeating: 0)   // the kernels' float8 `parameters`
        switch distribution {
        case let .uniform(low, high):
            launched = state.uniform
            // The kernel's width is high - low in float32, computed here as in TensorStream.values (kernels/README.md, rule 10).
            (parameters[0], parameters[1], parameters[2]) = (low, high, high - low)
        case let .normal(mean, std):
            launched = state.normal
            (parameters[0], parameters[1]) = (mean, std)
        case let .truncatedNormal(mean, std, low, high):
            launched = state.truncatedNormal
            let p = TruncatedNormalParameters(mean: mean, std: std, low: low, high: high)
            parameters = SIMD8(mean, std, low, high, p.erfLow, p.erfWidth, 0, 0)
        }
        let kernel = launched.kernel
        let firstOffset = UInt32(first % 32)
        try kernel.setArgument(0, UInt32(truncatingIfNeeded: stream.seed))
        try kernel.setArgument(1, UInt32(truncatingIfNeeded: stream.seed >> 32))
        try kernel.setArgument(2, UInt32(truncatingIfNeeded: stream.streamID))
        try kernel.setArgument(3, UInt32(truncatingIfNeeded: stream.streamID >> 32))
        try kernel.setArgument(4, first / 32)
        try kernel.setArgument(5, parameters)
        try kernel.setArgument(6, buffer)
        try kernel.setArgument(7, firstOffset)
        try kernel.setArgument(8, UInt64(range.count))
        try kernel.setArgument(9, OpenCLEngine.storageCode(type))
        // The kernels' itemCount items, made by at most what the device holds resident (a grid-stride loop).
        let workItems = (Int(firstOffset) + range.count + layout.elementsPerWorkItem - 1) / layout.elementsPerWorkItem
        var localSize = launched.workGroupSize
        var globalSize = OpenCLKernelLayout.globalSize(workItems: workItems, workGroupSize: localSize,
                                                       computeUnits: device.computeUnits)
        try OpenCLError.check(clEnqueueNDRangeKernel(queue.raw, kernel.raw, 1, nil, &globalSize, &localSize, 0, nil, nil),
                              "clEnqueueNDRangeKernel(\(kernel.name), \(globalSize) work-items in groups of \(localSize))")
        try OpenCLError.check(clEnqueueReadBuffer(queue.raw, buffer.raw, cl_bool(CL_FALSE), Int(firstOffset) * type.byteSize,
                                                  range.count * type.byteSize, pinned.pointer, 0, nil, nil), "clEnqueueReadBuffer")
        try queue.flush()
    }

    /// The kernels' `storage` argument (kernels/tensorseed.cl: storageFloat32, storageFloat16, storageBFloat16).
    static func storageCode(_ type: StorageType) -> UInt32 {
        switch type {
        case .float32: return 0
        case .float16: return 1
        case .bfloat16: return 2
        case .float64: preconditionFailure("float64 is widened on the host")
        }
    }

    /// The self-check of one completed chunk (and the test hook before it, for float32).
    private func verify(_ state: State, base: UnsafeMutableRawPointer, type: StorageType, range: Range<Int>, stream: TensorStream,
                        offset: UInt64, distribution: Distribution) throws {
        if type == .float32 {
            let values = UnsafeMutableBufferPointer(start: (base + range.lowerBound * 4).assumingMemoryBound(to: Float.self), count: range.count)
            state.afterChunkRead?(values)
        }
        guard state.selfCheck else { return }
        var positions = [0, range.count - 1]
        var random = SystemRandomNumberGenerator()
        while positions.count < OpenCLEngine.selfCheckSamples {
            positions.append(Int.random(in: 0 ..< range.count, using: &random))
        }
        for position in positions {
            let index = offset + UInt64(range.lowerBound + position)
            let value = stream.element(index, distribution)
            let expected: UInt32, actual: UInt32
            let address = base + (range.lowerBound + position) * type.byteSize
            switch type {
            case .float16, .bfloat16:
                let lanes = FloatLanes(repeating: value)
                expected = (type == .float16 ? ReducedPrecision.float16Bits(lanes) : ReducedPrecision.bfloat16Bits(lanes))[0]
                actual = UInt32(UInt16(littleEndian: address.loadUnaligned(as: UInt16.self)))
            default:
                expected = value.bitPattern
                actual = address.loadUnaligned(as: UInt32.self)
            }
            if expected != actual {
                throw OpenCLError.selfCheckFailed(device: device.description, seed: stream.seed, streamID: stream.streamID,
                                                  index: index, expected: expected, actual: actual)
            }
        }
    }
}
