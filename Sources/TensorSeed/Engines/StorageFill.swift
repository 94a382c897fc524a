/// Filling a range of a tensor stored as float16, bfloat16, float32 or float64.
extension TensorEngine {
    /// Elements per float32 staging chunk of the generic path: 1 Mi (4 MiB), enough for every core.
    static var storageChunkElements: Int { 1 << 20 }

    /// The generic path: generate float32 in chunks with `fill`, then convert each chunk on the host.
    /// Engines that can convert where they generate (OpenCL) provide `fill(_:as:stream:offset:distribution:)` themselves.
    public func fillStaged(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, stream: TensorStream,
                           offset: UInt64, distribution: Distribution) throws {
        let count = destination.count / type.byteSize
        guard count > 0, let base = destination.baseAddress else { return }
        if type == .float32 {
            return try fill(UnsafeMutableBufferPointer(start: base.assumingMemoryBound(to: Float.self), count: count),
                            stream: stream, offset: offset, distribution: distribution)
        }
        let chunk = min(count, Self.storageChunkElements)
        let staging = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { staging.deallocate() }
        var done = 0
        while done < count {
            let n = min(chunk, count - done)
            let part = UnsafeMutableBufferPointer(rebasing: staging[0..<n])
            try fill(part, stream: stream, offset: offset + UInt64(done), distribution: distribution)
            type.store(UnsafeBufferPointer(part), to: base + done * type.byteSize)
            done += n
        }
    }
}
