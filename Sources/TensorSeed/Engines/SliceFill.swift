extension TensorGenerator {
    /// Fills elements `offset ..< offset + n` of `job` (of its slice when it has one; `n` from the buffer's size).
    func fill(_ destination: UnsafeMutableRawBufferPointer, job: TensorJob, offset: UInt64, on choice: EngineChoice) throws {
        try fill(destination, tensor: job.name, recipe: job.recipe, fullShape: job.fullShape, slice: job.slice, offset: offset,
                 dtype: job.dtype, on: choice)
    }

    /// Fills elements `offset ..< offset + n` of `slice` of the tensor (all of it when nil) as the runs of
    /// the whole tensor's elements they are (`TensorSlice.runs`): every scheme takes any element range
    /// directly (the stream is counter-based; eye, dirac and the masks are functions of the index; orthogonal
    /// computes its whole matrix once and keeps it for the next runs), so a slice is byte-identical to the
    /// same slice cut from the whole tensor.
    public func fill(_ destination: UnsafeMutableRawBufferPointer, tensor: String, recipe: TensorRecipe, fullShape: [Int], slice: TensorSlice?,
                     offset: UInt64, dtype: StorageType, on choice: EngineChoice = .auto) throws {
        guard let slice else {
            return try fill(destination, tensor: tensor, recipe: recipe, shape: fullShape, offset: offset, dtype: dtype, on: choice)
        }
        let size = dtype.byteSize
        var at = 0
        for run in slice.runs(offset: Int(offset), count: destination.count / size) {
            try fill(UnsafeMutableRawBufferPointer(rebasing: destination[at ..< at + run.count * size]), tensor: tensor, recipe: recipe,
                     shape: fullShape, offset: UInt64(run.fullOffset), dtype: dtype, on: choice)
            at += run.count * size
        }
    }
}
