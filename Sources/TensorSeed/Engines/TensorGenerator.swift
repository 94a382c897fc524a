import Dispatch
/// The front door of the library: fill a named tensor of a given shape by an initialization
/// scheme, stored as any `StorageType`, on the engine of your choice.
///
/// ```swift
/// let generator = try TensorGenerator(seed: 42)
/// var buffer = [UInt8]()
/// try generator.fill(&buffer, tensor: "layer1.weight", shape: [256, 784],
///                    scheme: .kaimingNormal(mode: .fanIn, nonlinearity: .relu), dtype: .bfloat16, on: .auto)
/// ```
///
/// Element i of tensor `name` is the same bits whatever engine, dtype conversion path, chunking
/// or range is used: random recipes come from `TensorStream(seed:name:)`; structured ones (constant,
/// eye, dirac) are computed directly.
public final class TensorGenerator: @unchecked Sendable {
    /// The seed of every tensor this generator makes.
    public let seed: UInt64
    private var engines: [EngineChoice: EngineChoice.Selection] = [:]
    private let threads: Int?
    private let selfCheck: Bool

    /// A generator for `seed`; `threads` sizes the CPU engine, `selfCheck` applies to OpenCL engines.
    public init(seed: UInt64, threads: Int? = nil, selfCheck: Bool = true) {
        self.seed = seed
        self.threads = threads
        self.selfCheck = selfCheck
    }

    /// The last host-computed structure (orthogonal matrix, sparsity mask), so that filling a large
    /// tensor chunk by chunk computes it once.
    private var lastStructure: (key: String, value: Any)?

    /// `make()`, or the value it gave last time for the same key.
    private func cached<T>(_ key: String, _ make: () throws -> T) rethrows -> T {
        if let last = lastStructure, NameBytes.same(last.key, key), let value = last.value as? T { return value }   // names are bytes
        let value = try make()
        lastStructure = (key, value)
        return value
    }

    /// The QR's kernels for a matrix whose normals `engine` made: a CPU engine's instruction-set path also chooses
    /// them (`TENSORSEED_CPU_PATH=baseline` or `--device cpu:baseline` runs no wide instruction anywhere); other
    /// engines get the fastest. The bits are the same either way.
    static func qrKernels(for engine: any TensorEngine) -> HouseholderQR.Kernels {
        guard let cpu = engine as? CPUEngine else { return .best }
        switch cpu.path {
        case .baseline: return .portable
        case .avx2: return .avx2
        case .avx512: return .avx512
        }
    }

    /// `gain · Q` for an orthogonal recipe, row-major rows × columns (SPEC.md 8.7).
    func orthogonalMatrix(tensor: String, rows: Int, columns: Int, gain: Double, on choice: EngineChoice) throws -> [Float] {
        try cached("orthogonal\u{0}\(tensor)\u{0}\(rows)x\(columns)\u{0}\(gain.bitPattern)") {
            try makeOrthogonalMatrix(tensor: tensor, rows: rows, columns: columns, gain: gain, on: choice)
        }
    }

    private func makeOrthogonalMatrix(tensor: String, rows: Int, columns: Int, gain: Double, on choice: EngineChoice) throws -> [Float] {
        // The whole matrix is factored in memory: refuse, with a reason, what this machine cannot hold.
        let memory = PhysicalMemory.bytes
        let needed = HouseholderQR.peakBytes(elements: rows * columns)
        if let memory, needed.map({ $0 > memory }) ?? true {
            let gib = { (bytes: Int) in String(Double(Int(Double(bytes) / Double(1 << 30) * 10)) / 10) }
            throw HouseholderQR.OutOfMemory("orthogonal: tensor \"\(tensor)\" (\(rows) × \(columns)) needs "
                                            + (needed.map { "\(gib($0)) GiB" } ?? "more memory than can be counted")
                                            + " of memory for its float64 QR; this machine has \(gib(memory)) GiB")
        }
        let generating = try engine(choice).engine
        let normal = try generating.generate(stream: TensorStream(seed: seed, name: tensor), count: rows * columns,
                                             distribution: .standardNormal)
        // The matrix to factor, column-major: A (rows × columns) if rows ≥ columns, else Aᵀ (columns × rows).
        // Either way element (r, c) of A sits at c·m + r (tall) or r·m + c (wide), m = max(rows, columns).
        let (m, n) = rows >= columns ? (rows, columns) : (columns, rows)
        let tall = rows >= columns
        let a = [Double](unsafeUninitializedCapacity: m * n) { a, initialized in
            nonisolated(unsafe) let target = a.baseAddress!
            normal.withUnsafeBufferPointer { normal in
                nonisolated(unsafe) let source = normal.baseAddress!
                Self.forEachElementByTiles(rows: rows, columns: columns) { r, c in
                    target[tall ? c * m + r : r * m + c] = Double(source[r * columns + c])
                }
            }
            initialized = m * n
        }
        let q = try HouseholderQR.orthonormalColumns(a, rows: m, columns: n, kernels: Self.qrKernels(for: generating))
        return [Float](unsafeUninitializedCapacity: rows * columns) { values, initialized in
            nonisolated(unsafe) let target = values.baseAddress!
            q.withUnsafeBufferPointer { q in
                nonisolated(unsafe) let source = q.baseAddress!
                // Q (m × n, column-major) is the result if rows ≥ columns, else its transpose.
                Self.forEachElementByTiles(rows: rows, columns: columns) { r, c in
                    target[r * columns + c] = Float(gain * source[tall ? c * m + r : r * m + c])
                }
            }
            initialized = rows * columns
        }
    }

    /// `body(r, c)` for every element of a rows × columns matrix, in 64 × 64 tiles (a transposing copy then
    /// touches few cache lines at once), rows of tiles spread over the cores. `body` must write only
    /// element (r, c) of its output, so the order changes nothing.
    private static func forEachElementByTiles(rows: Int, columns: Int, _ body: @Sendable (Int, Int) -> Void) {
        let tile = 64
        let tileRows = (rows + tile - 1) / tile
        DispatchQueue.concurrentPerform(iterations: tileRows) { tileRow in
            let r0 = tileRow * tile
            for c0 in stride(from: 0, to: columns, by: tile) {
                for r in r0 ..< min(r0 + tile, rows) {
                    for c in c0 ..< min(c0 + tile, columns) { body(r, c) }
                }
            }
        }
    }

    /// The engine for a choice (made once, then reused) and why it was picked.
    public func engine(_ choice: EngineChoice) throws -> EngineChoice.Selection {
        if let selection = engines[choice] { return selection }
        let selection = try choice.select(threads: threads, selfCheck: selfCheck)
        engines[choice] = selection
        return selection
    }

    /// Makes `choice` run on `engine` from now on (tests: an engine built with a small chunk or a forced kernel layout).
    func use(_ engine: any TensorEngine, for choice: EngineChoice) {
        engines[choice] = EngineChoice.Selection(engine: engine, reason: "\(choice): \(engine.name), set by the caller")
        lastStructure = nil
    }

    /// Fills `buffer` (resized to the tensor's byte size) with tensor `tensor` of `shape`, initialized by
    /// `scheme` and stored as `dtype`, little-endian. Returns the resolved recipe (for metadata).
    @discardableResult
    public func fill(_ buffer: inout [UInt8], tensor: String, shape: [Int], scheme: InitScheme,
                     dtype: StorageType = .float32, on choice: EngineChoice = .auto) throws -> TensorRecipe {
        let recipe = try scheme.recipe(shape: shape)
        let count = TensorShape.elementCount(shape)!
        if buffer.count != count * dtype.byteSize { buffer = [UInt8](repeating: 0, count: count * dtype.byteSize) }
        try buffer.withUnsafeMutableBytes { bytes in
            try fill(bytes, tensor: tensor, recipe: recipe, shape: shape, offset: 0, dtype: dtype, on: choice)
        }
        return recipe
    }

    /// Fills `buffer` with float32 values of the tensor (resized to its element count).
    @discardableResult
    public func fill(_ buffer: inout [Float], tensor: String, shape: [Int], scheme: InitScheme,
                     on choice: EngineChoice = .auto) throws -> TensorRecipe {
        let recipe = try scheme.recipe(shape: shape)
        let count = TensorShape.elementCount(shape)!
        if buffer.count != count { buffer = [Float](repeating: 0, count: count) }
        try buffer.withUnsafeMutableBytes { bytes in
            try fill(bytes, tensor: tensor, recipe: recipe, shape: shape, offset: 0, dtype: .float32, on: choice)
        }
        return recipe
    }

    /// Fills `destination` with elements `offset ..< offset + destination.count / dtype.byteSize` of the
    /// tensor `tensor` of `shape` made by `recipe`: any slice, for streaming and sharding.
    public func fill(_ destination: UnsafeMutableRawBufferPointer, tensor: String, recipe: TensorRecipe, shape: [Int],
                     offset: UInt64, dtype: StorageType, on choice: EngineChoice = .auto) throws {
        let count = destination.count / dtype.byteSize
        guard count > 0 else { return }
        switch recipe {
        case let .random(distribution):
            let engine = try engine(choice).engine
            try engine.fill(destination, as: dtype, stream: TensorStream(seed: seed, name: tensor), offset: offset,
                            distribution: distribution)
        case let .constant(value):
            StructuredFill.fill(destination, as: dtype, offset: offset) { _ in value }
        case let .eye(_, columns):
            StructuredFill.fill(destination, as: dtype, offset: offset) { i in i / UInt64(columns) == i % UInt64(columns) ? 1 : 0 }
        case let .dirac(shape, groups):
            let ones = StructuredFill.diracOnes(shape: shape, groups: groups)
            StructuredFill.fill(destination, as: dtype, offset: offset) { ones.contains($0) ? 1 : 0 }
        case let .zeroRow(row, columns, std):
            let values = try engine(choice).engine.generate(stream: TensorStream(seed: seed, name: tensor), offset: offset, count: count,
                                                             distribution: std == 1 ? .standardNormal : .normal(mean: 0, std: std))
            let zeros = UInt64(row * columns) ..< UInt64((row + 1) * columns)
            StructuredFill.fill(destination, as: dtype, offset: offset) { i in zeros.contains(i) ? 0 : values[Int(i - offset)] }
        case let .orthogonal(rows, columns, gain):
            let q = try orthogonalMatrix(tensor: tensor, rows: rows, columns: columns, gain: gain, on: choice)
            StructuredFill.fill(destination, as: dtype, offset: offset) { q[Int($0)] }
        case let .sparse(rows, columns, zerosPerColumn, std):
            // Values from the tensor's stream on the chosen engine, then the mask on the host (the same on every engine).
            let values = try engine(choice).engine.generate(stream: TensorStream(seed: seed, name: tensor), offset: offset,
                                                             count: count, distribution: .normal(mean: 0, std: std))
            let zeros = try cached("sparse\u{0}\(tensor)\u{0}\(rows)x\(columns)\u{0}\(zerosPerColumn)") {
                try StructuredFill.sparseZeros(seed: seed, tensor: tensor, rows: rows, columns: columns, zerosPerColumn: zerosPerColumn)
            }
            StructuredFill.fill(destination, as: dtype, offset: offset) { i in zeros.contains(i) ? 0 : values[Int(i - offset)] }
        }
    }
}

/// Fills of recipes that need no random numbers.
enum StructuredFill {
    /// Writes value(i) for i in offset ..< offset + count, converted to `type`, through a float32 staging chunk.
    static func fill(_ destination: UnsafeMutableRawBufferPointer, as type: StorageType, offset: UInt64,
                     value: (UInt64) -> Float) {
        let count = destination.count / type.byteSize
        guard count > 0, let base = destination.baseAddress else { return }
        let chunk = min(count, 1 << 16)
        let staging = UnsafeMutableBufferPointer<Float>.allocate(capacity: chunk)
        defer { staging.deallocate() }
        var done = 0
        while done < count {
            let n = min(chunk, count - done)
            for i in 0..<n { staging[i] = value(offset + UInt64(done + i)) }
            type.store(UnsafeBufferPointer(rebasing: staging[0..<n]), to: base + done * type.byteSize)
            done += n
        }
    }

    /// The sparsity mask's stream name suffix (SPEC.md 8.6).
    static let sparsityKeySuffix = "\u{0}sparsity"

    /// The flat indices set to zero by `sparse` (SPEC.md 8.6): in column c, the `zerosPerColumn` rows r with
    /// the smallest key (u(r·columns + c), r), u from the uniform stream of the name followed by NUL "sparsity".
    static func sparseZeros(seed: UInt64, tensor: String, rows: Int, columns: Int, zerosPerColumn: Int) throws -> Set<UInt64> {
        guard zerosPerColumn > 0, rows > 0, columns > 0 else { return [] }
        let keys = try CPUEngine().generate(stream: TensorStream(seed: seed, name: tensor + sparsityKeySuffix),
                                            count: rows * columns, distribution: .standardUniform)
        var zeros = Set<UInt64>(minimumCapacity: zerosPerColumn * columns)
        for c in 0..<columns {
            let order = (0..<rows).sorted { (keys[$0 * columns + c], $0) < (keys[$1 * columns + c], $1) }
            for r in order.prefix(zerosPerColumn) { zeros.insert(UInt64(r * columns + c)) }
        }
        return zeros
    }

    /// The flat indices that torch's `dirac_(groups)` sets to one: [g·(out/groups) + d, d, centre…]
    /// for g < groups and d < min(out/groups, in); the centre of each spatial dimension k is k / 2.
    static func diracOnes(shape: [Int], groups: Int) -> Set<UInt64> {
        let outPerGroup = shape[0] / groups
        let minDim = min(outPerGroup, shape[1])
        var strides = [Int](repeating: 1, count: shape.count)
        for k in stride(from: shape.count - 2, through: 0, by: -1) { strides[k] = strides[k + 1] * shape[k + 1] }
        let centre = shape.indices.dropFirst(2).reduce(0) { $0 + (shape[$1] / 2) * strides[$1] }
        var ones = Set<UInt64>()
        for g in 0..<groups {
            for d in 0..<minDim {
                ones.insert(UInt64((g * outPerGroup + d) * strides[0] + d * strides[1] + centre))
            }
        }
        return ones
    }
}
