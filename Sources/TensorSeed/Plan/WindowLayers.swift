/// Shape rules of the sliding-window layers on a per-sample input [channels, *spatial]: `conv1d/2d/3d`
/// (PyTorch 2.x `nn.Conv*d`) and `maxpool1d/2d/3d`, `avgpool1d/2d/3d` (`nn.MaxPool*d`, `nn.AvgPool*d`, ceil_mode off).
enum WindowLayers {
    /// Names of the spatial dimensions for 1, 2 and 3 of them, for messages.
    private static let spatialNames = [["length"], ["height", "width"], ["depth", "height", "width"]]

    /// `nn.Conv{n}d`: weight [out_channels, in_channels/groups, *kernel_size] with kaiming_uniform(a=√5),
    /// bias [out_channels] U(±1/√fan_in); `padding` may also be `"valid"` (0) or `"same"` (stride 1 only).
    static func convolution(_ layer: LayerFields, _ input: ActivationShape, spatialRank n: Int) throws -> LayerOutcome {
        let (channels, spatial) = try split(layer, input, spatialRank: n, inferring: "in_channels")
        let outChannels = try layer.int("out_channels", minimum: 1)
        let ones = Array(repeating: 1, count: n)
        let kernel = try layer.sizes("kernel_size", count: n, minimum: 1)
        let stride = try layer.sizes("stride", count: n, default: ones, minimum: 1)
        let dilation = try layer.sizes("dilation", count: n, default: ones, minimum: 1)
        let groups = try layer.int("groups", default: 1, minimum: 1)
        guard channels % groups == 0 else {
            throw layer.error("groups", "\(groups) does not divide in_channels \(channels) (inferred from input shape \(input.rendered))")
        }
        guard outChannels % groups == 0 else { throw layer.error("groups", "\(groups) does not divide out_channels \(outChannels)") }
        let outputSpatial: [Int]
        switch layer.value("padding")?.string {
        case "same":
            guard stride == ones else {
                throw layer.error("padding", "\"same\" needs stride 1 (torch refuses it for strided convolutions), got stride \(stride)")
            }
            outputSpatial = spatial
        case "valid":
            outputSpatial = try slide(layer, input, spatial, kernel: kernel, stride: stride, padding: Array(repeating: 0, count: n), dilation: dilation)
        case let text?:
            throw layer.error("padding", "must be an integer, a list of \(n) integers, \"same\" or \"valid\", got \"\(text)\"")
        case nil:
            let padding = try layer.sizes("padding", count: n, default: Array(repeating: 0, count: n), minimum: 0)
            outputSpatial = try slide(layer, input, spatial, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        }
        let weight = [outChannels, channels / groups] + kernel
        var parameters = [LayerParameter(name: "weight", shape: weight, torchDefault: TorchModuleDefaults.weightOfLinearOrConv)]
        if try layer.hasBias() {
            parameters.append(LayerParameter(name: "bias", shape: [outChannels],
                                             torchDefault: try TorchModuleDefaults.biasOfLinearOrConv(weightShape: weight)))
        }
        return LayerOutcome(output: ActivationShape(dims: [outChannels] + outputSpatial), parameters: parameters)
    }

    /// `nn.MaxPool{n}d` / `nn.AvgPool{n}d`: stride defaults to kernel_size; padding at most kernel_size / 2
    /// (not dilated: torch 2.x checks the bare kernel, also for max pooling with dilation); channels pass through.
    static func pooling(_ layer: LayerFields, _ input: ActivationShape, spatialRank n: Int, hasDilation: Bool) throws -> LayerOutcome {
        let (channels, spatial) = try split(layer, input, spatialRank: n, inferring: "the channels")
        let kernel = try layer.sizes("kernel_size", count: n, minimum: 1)
        let stride = try layer.sizes("stride", count: n, default: kernel, minimum: 1)
        let padding = try layer.sizes("padding", count: n, default: Array(repeating: 0, count: n), minimum: 0)
        let ones = Array(repeating: 1, count: n)
        let dilation = hasDilation ? try layer.sizes("dilation", count: n, default: ones, minimum: 1) : ones
        let halfKernel = kernel.map { $0 / 2 }
        guard zip(padding, halfKernel).allSatisfy({ $0 <= $1 }) else {
            throw layer.error("padding", "\(padding) is more than half the kernel_size \(kernel) (at most \(halfKernel), as torch requires)")
        }
        // torch's avg_pool3d (unlike the other pools) also refuses an input smaller than the kernel before padding.
        if n == 3, !hasDilation, !zip(kernel, spatial).allSatisfy({ $0 <= $1 }) {
            throw layer.error("kernel_size", "\(text(kernel)) is larger than the input \(text(spatial)) before padding, "
                              + "which torch's avg_pool3d refuses (input shape \(input.rendered))")
        }
        let outputSpatial = try slide(layer, input, spatial, kernel: kernel, stride: stride, padding: padding, dilation: dilation)
        return LayerOutcome(output: ActivationShape(dims: [channels] + outputSpatial))
    }

    /// Sizes as `5x5`, for messages.
    private static func text(_ sizes: [Int]) -> String { sizes.map(String.init).joined(separator: "x") }

    /// The channels and spatial sizes of `input`, which must have `1 + n` dimensions.
    private static func split(_ layer: LayerFields, _ input: ActivationShape, spatialRank n: Int,
                              inferring what: String) throws -> (channels: Int, spatial: [Int]) {
        guard input.dims.count == n + 1 else {
            let layout = (["channels"] + spatialNames[n - 1]).joined(separator: ", ")
            throw layer.layerError("cannot infer \(what): \(layer.type) takes a per-sample input [\(layout)] "
                                   + "(\(n + 1) dimensions, no batch), got input shape \(input.rendered)")
        }
        return (input.dims[0], Array(input.dims.dropFirst()))
    }

    /// Output sizes floor((L + 2p − d(k−1) − 1)/s) + 1 (torch's conv and pooling formula); a kernel that
    /// spans more than the padded input is an error on `kernel_size`.
    private static func slide(_ layer: LayerFields, _ input: ActivationShape, _ spatial: [Int],
                              kernel: [Int], stride: [Int], padding: [Int], dilation: [Int]) throws -> [Int] {
        let padded = zip(spatial, padding).map { $0 + 2 * $1 }
        let span = zip(kernel, dilation).map { $1 * ($0 - 1) + 1 }
        guard zip(span, padded).allSatisfy({ $0 <= $1 }) else {
            let dilated = span == kernel ? "" : " (dilation \(text(dilation)), spanning \(text(span)))"
            throw layer.error("kernel_size", "\(text(kernel))\(dilated) is larger than the padded input \(text(padded)) (input shape \(input.rendered))")
        }
        return (0..<spatial.count).map { (padded[$0] - span[$0]) / stride[$0] + 1 }
    }
}
