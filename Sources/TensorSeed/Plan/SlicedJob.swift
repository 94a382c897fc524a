extension TensorJob {
    /// The job for `slice` of `job`'s whole tensor: the same name, dtype, scheme and recipe (resolved for the
    /// whole shape, so fans and structured schemes are those of the whole tensor), the slice's shape.
    public init(slicing job: TensorJob, _ slice: TensorSlice) throws {
        guard job.slice == nil else { throw SliceError("tensor \"\(job.name)\" is already a slice") }
        guard slice.fullShape == job.shape else {
            throw SliceError("tensor \"\(job.name)\": a slice of shape \(slice.fullShape) does not fit its shape \(job.shape)")
        }
        name = job.name
        shape = slice.shape
        dtype = job.dtype
        scheme = job.scheme
        recipe = job.recipe
        elementCount = slice.shape.reduce(1, *)
        self.slice = slice
    }

    /// The whole tensor's shape (the job's own unless it is a slice).
    public var fullShape: [Int] { slice?.fullShape ?? shape }
}

extension TensorSlice {
    /// The metadata form, `{"dim": d, "start": s, "end": e, "shape": [whole shape]}`.
    public var json: JSONValue {
        .object(["dim": .integer(Int64(dimension)), "start": .integer(Int64(start)), "end": .integer(Int64(end)),
                 "shape": .array(fullShape.map { .integer(Int64($0)) })])
    }

    /// Reads the metadata form (untrusted): every field an integer, the slice within the shape.
    public init(json value: JSONValue) throws {
        guard let fields = value.object, let dim = fields["dim"]?.int, let start = fields["start"]?.int, let end = fields["end"]?.int,
              let shape = fields["shape"]?.array?.map({ $0.int }), shape.allSatisfy({ $0 != nil && $0! >= 0 }) else {
            throw SliceError("the slice metadata is not {\"dim\", \"start\", \"end\", \"shape\"} with integers")
        }
        let whole = shape.map { $0! }
        guard TensorShape.elementCount(whole) != nil else { throw SliceError("the slice's whole shape \(whole) is too large") }
        try self.init(fullShape: whole, dimension: dim, start: start, end: end)
    }
}
