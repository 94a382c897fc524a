/// How the kernels of `kernels/tensorseed.cl` spread Philox blocks over work-items (kernels/README.md, "Layouts").
///
/// Both layouts are the same source built with a different `-DTS_LANES`, share every function, and give
/// the same bits; they differ only in speed. A CPU device vectorizes eight blocks side by side; a GPU runs
/// one work-item per SIMT lane, where eight blocks per work-item only multiply the registers it needs.
public enum OpenCLKernelLayout: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    /// Eight Philox blocks (32 elements) per work-item as `uint8`/`float8`: for CPU devices.
    case vector8
    /// One Philox block (4 elements) per work-item as `uint`/`float`, consecutive work-items storing
    /// consecutive 16-byte runs (coalesced): for GPUs and accelerators.
    case scalar

    /// The environment variable that overrides the per-device choice: `vector8` or `scalar`.
    public static let environmentVariable = "TENSORSEED_OPENCL_LAYOUT"

    /// Philox blocks per work-item: the kernels' `TS_LANES`.
    public var lanes: Int {
        switch self {
        case .vector8: return 8
        case .scalar: return 1
        }
    }

    /// Elements per work-item (four per Philox block).
    public var elementsPerWorkItem: Int { 4 * lanes }

    /// The build option that selects this layout in `kernels/tensorseed.cl`.
    public var buildOption: String { "-DTS_LANES=\(lanes)" }

    public var description: String { "\(rawValue) layout" }

    /// The layout for a device: `scalar` for GPUs and accelerators, `vector8` for CPU devices.
    public static func preferred(for device: OpenCLDeviceInfo) -> OpenCLKernelLayout {
        device.isGPUOrAccelerator ? .scalar : .vector8
    }

    /// The layout that `environment[environmentVariable]` forces, nil when it is unset or empty.
    /// Any other value than `vector8` or `scalar` throws `OpenCLError.invalidLayout`.
    public static func forced(by environment: [String: String]) throws -> OpenCLKernelLayout? {
        guard let value = environment[environmentVariable], !value.isEmpty else { return nil }
        guard let layout = OpenCLKernelLayout(rawValue: value) else {
            throw OpenCLError.invalidLayout(variable: environmentVariable, value: value)
        }
        return layout
    }

    /// Work-items per compute unit that one launch asks for at most: what an NVIDIA SM (Volta to Hopper)
    /// holds resident (2048 threads; an AMD GCN CU holds 2560). More would only queue behind the first ones.
    static let residentWorkItemsPerComputeUnit = 2048

    /// The global size of a launch of `workItems` items (the kernels' itemCount): whole work-groups, at most
    /// `computeUnits` × `residentWorkItemsPerComputeUnit` rounded down to whole work-groups (at least one).
    /// The kernels' grid-stride loop gives each work-item every global-size-th item, so every item is made
    /// whatever the size; fewer work-items pay the key schedule and the launch's setup fewer times.
    static func globalSize(workItems: Int, workGroupSize: Int, computeUnits: Int) -> Int {
        let group = max(1, workGroupSize)
        let needed = (max(0, workItems) + group - 1) / group * group
        let resident = max(group, max(1, computeUnits) * residentWorkItemsPerComputeUnit / group * group)
        return max(group, min(needed, resident))
    }

    /// The work-group size for a kernel: the largest multiple of the kernel's preferred multiple that is at
    /// most `target` and the kernel's maximum (`CL_KERNEL_WORK_GROUP_SIZE`); when the preferred multiple itself
    /// exceeds those, the smaller of the preferred multiple and the maximum.
    static func workGroupSize(preferredMultiple: Int, kernelMaximum: Int, target: Int = 256) -> Int {
        let limit = max(1, min(target, kernelMaximum))
        let multiple = max(1, preferredMultiple)
        return multiple <= limit ? limit / multiple * multiple : max(1, min(multiple, kernelMaximum))
    }
}
