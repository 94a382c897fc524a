/// Reads one layer object of a layer-list spec: typed fields with their defaults, and errors that
/// name the layer (`layers[3] "conv1" (conv2d)`), the field, and its path in the document.
struct LayerFields {
    /// The layer's position in `"layers"`.
    let index: Int
    /// The layer's `"type"` (e.g. `conv2d`).
    let type: String
    /// The layer's `"name"`, if it has one.
    let name: String?
    private let fields: [JSONKey: JSONValue]

    /// The largest size or index a field may give (2^31 - 1): far above any real layer, and low enough
    /// that products of two sizes (dilation × kernel, padding × 2) cannot overflow.
    static let largest = Int(Int32.max)

    init(index: Int, type: String, name: String?, fields: [JSONKey: JSONValue]) {
        self.index = index
        self.type = type
        self.name = name
        self.fields = fields
    }

    /// How errors name the layer: `layers[3] "conv1" (conv2d)` or `layers[3] (conv2d)`.
    var location: String {
        LayerFields.location(index: index, name: name) + " (\(type))"
    }

    static func location(index: Int, name: String?) -> String {
        "layers[\(index)]" + (name.map { " \"\($0)\"" } ?? "")
    }

    /// An error about the layer as a whole (no single field), e.g. an input shape it cannot take.
    func layerError(_ message: String) -> SpecError {
        SpecError(location: location, message: message, path: [.key("layers"), .index(index)])
    }

    /// An error about `field` (and deeper keys, e.g. `["weight", "std"]`).
    func error(_ field: [String], _ message: String) -> SpecError {
        let quoted = field.joined(separator: ".")
        return SpecError(location: location, message: "field \"\(quoted)\" \(message)",
                         path: [.key("layers"), .index(index)] + field.map { .key($0) })
    }

    func error(_ field: String, _ message: String) -> SpecError { error([field], message) }

    /// The raw value of `key`, if present.
    func value(_ key: String) -> JSONValue? { fields[key] }

    /// An integer field; `minimum` is checked.
    func int(_ key: String, default fallback: Int? = nil, minimum: Int) throws -> Int {
        guard let v = value(key) else {
            guard let fallback else { throw error(key, "is missing") }
            return fallback
        }
        guard let n = v.int, (minimum...LayerFields.largest).contains(n) else {
            throw error(key, "must be an integer in \(minimum)...\(LayerFields.largest), got \(v.rendered)")
        }
        return n
    }

    /// An optional integer field (any sign).
    func optionalInt(_ key: String) throws -> Int? {
        guard let v = value(key) else { return nil }
        guard let n = v.int, (-LayerFields.largest...LayerFields.largest).contains(n) else {
            throw error(key, "must be an integer of magnitude <= \(LayerFields.largest), got \(v.rendered)")
        }
        return n
    }

    /// A boolean field.
    func bool(_ key: String, default fallback: Bool) throws -> Bool {
        guard let v = value(key) else { return fallback }
        guard case let .bool(b) = v else { throw error(key, "must be true or false, got \(v.rendered)") }
        return b
    }

    /// A number field within `range`.
    func double(_ key: String, default fallback: Double, in range: ClosedRange<Double>) throws -> Double {
        guard let v = value(key) else { return fallback }
        guard let x = v.number, range.contains(x) else {
            throw error(key, "must be a number in [\(range.lowerBound), \(range.upperBound)], got \(v.rendered)")
        }
        return x
    }

    /// An integer or a list of `count` integers (torch's `_single`/`_pair`/`_triple`), each >= `minimum`.
    func sizes(_ key: String, count: Int, default fallback: [Int]? = nil, minimum: Int) throws -> [Int] {
        guard let v = value(key) else {
            guard let fallback else { throw error(key, "is missing") }
            return fallback
        }
        let ints = v.int.map { Array(repeating: $0, count: count) } ?? v.array?.compactMap(\.int)
        guard let ints, ints.count == count, v.array.map({ $0.count == count }) ?? true else {
            throw error(key, "must be an integer or a list of \(count) integers, got \(v.rendered)")
        }
        guard ints.allSatisfy({ (minimum...LayerFields.largest).contains($0) }) else {
            throw error(key, "must be in \(minimum)...\(LayerFields.largest) (every entry), got \(v.rendered)")
        }
        return ints
    }

    /// An integer or a list of integers of any length >= 1 (as `normalized_shape`), each >= 1.
    func shape(_ key: String) throws -> [Int]? {
        guard let v = value(key) else { return nil }
        let ints = v.int.map { [$0] } ?? v.array?.compactMap(\.int)
        guard let ints, !ints.isEmpty, ints.count == (v.array?.count ?? 1), ints.allSatisfy({ (1...LayerFields.largest).contains($0) }) else {
            throw error(key, "must be an integer in 1...\(LayerFields.largest) or a non-empty list of them, got \(v.rendered)")
        }
        return ints
    }

    /// Fails on the first field (in sorted order) that is not in `known`, listing the known ones.
    func rejectUnknown(known: [String]) throws {
        if let extra = fields.keys.map(\.text).sorted().first(where: { !known.contains($0) }) {
            throw error(extra, "is not a field of \(type) (known: \(known.joined(separator: ", ")))")
        }
    }
}

extension LayerFields {
    /// torch's `bias` argument: `true`/`false`, or a scheme object (which means `true`, initialized by that scheme).
    func hasBias(default fallback: Bool = true) throws -> Bool {
        guard let v = value("bias") else { return fallback }
        if case let .bool(b) = v { return b }
        guard v.object != nil else { throw error("bias", "must be true, false or a scheme object like {\"name\": \"zeros\"}, got \(v.rendered)") }
        return true
    }

    /// The scheme object under `key` (`"weight"` or `"bias"`), if the layer gives one; errors name `key.field`.
    func schemeOverride(_ key: String) throws -> InitScheme? {
        guard let v = value(key) else { return nil }
        if key == "bias", case .bool = v { return nil }
        guard v.object != nil else { throw error(key, "must be a scheme object like {\"name\": \"normal\", \"std\": 0.02}, got \(v.rendered)") }
        do { return try SchemeJSON.scheme(from: v) } catch let failure as SpecFieldError {
            // SchemeJSON names fields "scheme.<parameter>"; here the scheme sits under `key`.
            let inner = failure.field.split(separator: ".").dropFirst().map(String.init)
            throw error([key] + inner, failure.message)
        }
    }

    /// The layer's own `"dtype"`, if it gives one.
    func storageType() throws -> StorageType? {
        guard let v = value("dtype") else { return nil }
        guard let text = v.string, let type = StorageType(name: text) else {
            throw error("dtype", "must be one of f32, f16, bf16, f64, got \(v.rendered)")
        }
        return type
    }
}
