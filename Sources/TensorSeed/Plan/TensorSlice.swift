/// A slice of a tensor: indices `start ..< end` along dimension `dimension` of a tensor of shape `fullShape`,
/// everything along the others, as `tensor.narrow(dimension, start, end - start)` in PyTorch or
/// `np.split`'s pieces. Its elements are those of the whole tensor: a sliced tensor is generated and
/// verified as these runs of the whole tensor's row-major element indices, so it is byte-identical to the
/// same slice cut from the whole tensor, for every scheme.
public struct TensorSlice: Sendable, Hashable {
    /// The shape of the whole tensor.
    public let fullShape: [Int]
    /// The dimension that is cut.
    public let dimension: Int
    /// The first index kept along `dimension`.
    public let start: Int
    /// One past the last index kept along `dimension`.
    public let end: Int

    /// A checked slice: `dimension` within the shape, `0 <= start <= end <= fullShape[dimension]`.
    public init(fullShape: [Int], dimension: Int, start: Int, end: Int) throws {
        guard dimension >= 0, dimension < fullShape.count else {
            throw SliceError("dimension \(dimension) is not one of the \(fullShape.count) dimensions of shape \(fullShape)")
        }
        guard start >= 0, start <= end, end <= fullShape[dimension] else {
            throw SliceError("\(start):\(end) is not a range within dimension \(dimension) (size \(fullShape[dimension])) of shape \(fullShape)")
        }
        self.fullShape = fullShape
        self.dimension = dimension
        self.start = start
        self.end = end
    }

    /// Part `rank` of `parts` along `dimension`, as `torch.chunk` and DTensor's `Shard(dimension)` cut it (what
    /// Hugging Face's tensor parallelism loads): parts of ceil(size / parts) indices, the last ones shorter or
    /// empty when the size does not divide evenly (GPT-2's vocabulary of 50257 in 4 parts: 12565, 12565, 12565, 12562).
    public init(fullShape: [Int], dimension: Int, part rank: Int, of parts: Int) throws {
        guard dimension >= 0, dimension < fullShape.count else {
            throw SliceError("dimension \(dimension) is not one of the \(fullShape.count) dimensions of shape \(fullShape)")
        }
        guard parts >= 1, rank >= 0, rank < parts else { throw SliceError("part \(rank) of \(parts) is not a part (0 to \(parts - 1))") }
        let size = fullShape[dimension]
        let chunk = (size + parts - 1) / parts
        try self.init(fullShape: fullShape, dimension: dimension, start: min(size, rank * chunk), end: min(size, (rank + 1) * chunk))
    }

    /// The slice's own shape.
    public var shape: [Int] {
        var s = fullShape
        s[dimension] = end - start
        return s
    }

    /// Elements after `dimension` (one step along it).
    private var inner: Int { fullShape[(dimension + 1)...].reduce(1, *) }

    /// The whole tensor's element index of the slice's element `index` (both row-major).
    public func fullIndex(_ index: Int) -> Int {
        let run = (end - start) * inner
        let (outer, within) = index.quotientAndRemainder(dividingBy: run)
        return outer * fullShape[dimension] * inner + start * inner + within
    }

    /// The slice's elements `offset ..< offset + count` as runs of consecutive elements of the whole tensor:
    /// (whole tensor's first element index, length), in order.
    public func runs(offset: Int, count: Int) -> [(fullOffset: Int, count: Int)] {
        let run = (end - start) * inner
        guard run > 0 else { return [] }
        var runs: [(Int, Int)] = []
        var k = offset
        while k < offset + count {
            let n = min(run - k % run, offset + count - k)
            runs.append((fullIndex(k), n))
            k += n
        }
        return runs
    }
}

/// A slice that does not fit its tensor: one line.
public struct SliceError: Error, CustomStringConvertible, Equatable {
    public var description: String
    public init(_ description: String) { self.description = description }
}
