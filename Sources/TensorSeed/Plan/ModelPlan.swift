/// One tensor to write: its name, shape, storage type, scheme, and the recipe the scheme resolves to.
public struct TensorJob: Sendable, Hashable {
    public let name: String
    public let shape: [Int]
    public let dtype: StorageType
    public let scheme: InitScheme
    /// `scheme` resolved for `shape`: what is generated.
    public let recipe: TensorRecipe
    /// The number of elements (product of `shape`).
    public let elementCount: Int
    /// The part of the tensor this job holds (its `shape` is the slice's; `recipe` is the whole tensor's), or nil for all of it.
    public internal(set) var slice: TensorSlice? = nil

    /// A job; the scheme is resolved now, so an unusable scheme or shape fails here.
    public init(name: String, shape: [Int], dtype: StorageType, scheme: InitScheme) throws {
        guard let count = TensorShape.elementCount(shape), TensorShape.byteCount(shape, elementSize: dtype.byteSize) != nil else {
            throw SchemeError.invalidShape(shape)
        }
        self.name = name
        self.shape = shape
        self.dtype = dtype
        self.scheme = scheme
        self.recipe = try scheme.recipe(shape: shape)
        self.elementCount = count
    }

    /// Bytes of the tensor as stored.
    public var byteCount: Int { elementCount * dtype.byteSize }
}

/// A whole model to initialize: a seed and the tensors, in the order the spec gave them.
public struct ModelPlan: Sendable, Hashable {
    /// The seed of every tensor.
    public var seed: UInt64
    /// The tensors; names are unique.
    public let tensors: [TensorJob]

    /// The name safetensors reserves for the file's metadata: no tensor may have it.
    public static let reservedName = "__metadata__"

    /// The most tensors a plan may hold. Every tensor takes at least about 250 bytes of a safetensors
    /// header (its entry, its scheme and its digest in `__metadata__`), so 10^6 tensors are far past what
    /// safetensors' 100 MB header limit lets one file hold (about 400,000), and past the largest real models
    /// (a few ten thousand tensors); the cap keeps planning a typo such as `num_hidden_layers: 100000000`
    /// to one line instead of gigabytes of memory.
    public static let maximumTensorCount = 1_000_000

    /// A plan; an empty, reserved or duplicate name, more than `maximumTensorCount` tensors, or a total
    /// beyond what a file can hold is an error.
    public init(seed: UInt64, tensors: [TensorJob]) throws {
        try ModelPlan.checkTensorCount(tensors.count)
        var seen = Set<JSONKey>()   // names compare as bytes: "é" and "e\u{301}" are two tensors (SPEC.md section 3)
        for (i, t) in tensors.enumerated() {
            let namePath: [SpecPathComponent] = [.key("tensors"), .index(i), .key("name")]
            guard !t.name.isEmpty else {
                throw SpecError(location: "tensors[\(i)]", message: "field \"name\" must not be empty", path: namePath)
            }
            guard t.name != ModelPlan.reservedName else {
                throw SpecError(location: "tensors[\(i)]", message: "field \"name\" \"\(t.name)\" is reserved: safetensors keeps the file's metadata under that key",
                                path: namePath)
            }
            guard seen.insert(JSONKey(t.name)).inserted else {
                throw SpecError(location: "tensors[\(i)] \(PrintableText.quoted(t.name))", message: "field \"name\" is a duplicate: every tensor needs its own name",
                                path: namePath)
            }
        }
        // The data, plus the largest header and its length prefix, must fit in a file offset.
        guard let bytes = CheckedSize.sum(tensors.map(\.byteCount)), bytes <= Int.max - 8 - SafetensorsHeader.maximumHeaderBytes,
              let parameters = CheckedSize.sum(tensors.map(\.elementCount)) else {
            throw SpecError(location: "", message: "the tensors total more than 2^63 - 1 bytes, more than any file can hold")
        }
        self.seed = seed
        self.tensors = tensors
        self.byteCount = bytes
        self.parameterCount = parameters
    }

    /// Throws unless a plan of `count` tensors is within `maximumTensorCount`; layouts call it before
    /// building their tensors, so that a huge layer count fails at once. `cause` says where the count
    /// comes from (e.g. `num_layers = 100000000 gives at least 400000000 tensors`).
    public static func checkTensorCount(_ count: Int, cause: String? = nil) throws {
        guard count > maximumTensorCount else { return }
        throw SpecError(location: "", message: "\(cause ?? "the model would have \(count) tensors"), more than TensorSeed's limit of "
                        + "\(maximumTensorCount) tensors (safetensors' 100 MB header holds about 400,000; real models have a few ten thousand)")
    }

    /// Total number of elements (parameters).
    public let parameterCount: Int
    /// Total bytes of tensor data.
    public let byteCount: Int
}

/// A model spec that cannot be planned: `location` names the tensor (index and name) or rule.
public struct SpecError: Error, CustomStringConvertible, Equatable {
    public var location: String
    public var message: String
    /// The offending value's place in the document (keys and indices from the root), when known;
    /// the file reader turns it into a line and column.
    public var path: [SpecPathComponent] = []
    /// 1-based line and column of the offending value in the spec file, when known.
    public var line: Int? = nil
    public var column: Int? = nil
    public var description: String { location.isEmpty ? message : "\(location): \(message)" }
}

/// One step from a spec document's root to a value: an object key or an array index.
public enum SpecPathComponent: Hashable, Sendable, CustomStringConvertible {
    case key(String)
    case index(Int)
    public var description: String {
        switch self {
        case let .key(k): return ".\(k)"
        case let .index(i): return "[\(i)]"
        }
    }
}

/// Shell-style name patterns: `*` matches any run of characters (dots included), `?` any one character.
public enum NamePattern {
    /// Whether `name` matches `pattern` as a whole.
    public static func matches(_ pattern: String, _ name: String) -> Bool {
        let p = Array(pattern.unicodeScalars), s = Array(name.unicodeScalars)
        var pi = 0, si = 0, starP = -1, starS = 0
        while si < s.count {
            if pi < p.count, p[pi] == "*" {
                starP = pi; starS = si; pi += 1
            } else if pi < p.count, p[pi] == "?" || p[pi] == s[si] {
                pi += 1; si += 1
            } else if starP >= 0 {
                pi = starP + 1; starS += 1; si = starS
            } else {
                return false
            }
        }
        while pi < p.count, p[pi] == "*" { pi += 1 }
        return pi == p.count
    }
}
