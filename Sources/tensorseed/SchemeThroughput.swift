import TensorSeed

extension Throughput {
    /// Wall-clock time of `TensorGenerator.fill` of one float32 tensor of `shape` initialized by `scheme`
    /// on `choice`: resolving the scheme (fans, gain), the engine's fill and any host work (orthogonal's
    /// QR) included. Best of `repeats` after one untimed warm-up, into one already-touched buffer.
    ///
    /// Every fill names another tensor, so nothing the generator computed for one fill (it keeps the
    /// last orthogonal matrix) is reused by the next: each timed run does the whole work.
    static func measure(generator: TensorGenerator, on choice: EngineChoice, scheme: InitScheme, shape: [Int],
                        repeats: Int) throws -> Throughput {
        var buffer = [Float]()
        try generator.fill(&buffer, tensor: "bench.\(scheme.name).warm-up", shape: shape, scheme: scheme, on: choice)
        let seconds = try bestSeconds(of: repeats) { r in
            try generator.fill(&buffer, tensor: "bench.\(scheme.name).\(r)", shape: shape, scheme: scheme, on: choice)
        }
        return Throughput(elements: buffer.count, seconds: seconds)
    }
}
