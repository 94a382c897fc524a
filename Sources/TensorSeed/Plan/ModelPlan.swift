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
        guard let count = TensorShape.elementCount(shape), shape.allSatisfy({ $0 >= 0 }) else {
            throw SchemeError.invalidShape(shape)
        }
        guard count.multipliedReportingOverflow(by: dtype.byteSize).overflow == false else { throw SchemeError.invalidShape(shape) }
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

    /// A plan; duplicate or empty names are an error.
    public init(seed: UInt64, tensors: [TensorJob]) throws {
        var seen = Set<String>()
        for (i, t) in tensors.enumerated() {
            let namePath: [SpecPathComponent] = [.key("tensors"), .index(i), .key("name")]
            guard !t.name.isEmpty else {
                throw SpecError(location: "tensors[\(i)]", message: "field \"name\" must not be empty", path: namePath)
            }
            guard seen.insert(t.name).inserted else {
                throw SpecError(location: "tensors[\(i)] \"\(t.name)\"", message: "field \"name\" is a duplicate: every tensor needs its own name",
                                path: namePath)
            }
        }
        self.seed = seed
        self.tensors = tensors
    }

    /// Total number of elements (parameters).
    public var parameterCount: Int { tensors.reduce(0) { $0 + $1.elementCount } }
    /// Total bytes of tensor data.
    public var byteCount: Int { tensors.reduce(0) { $0 + $1.byteCount } }
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
