import Foundation

/// The tensor-list model spec (JSON): a seed, a default dtype, the tensors, and name-pattern rules.
///
/// ```json
/// {"seed": 0, "dtype": "bf16",
///  "tensors": [{"name": "fc.weight", "shape": [256, 784], "dtype": "f32",
///               "scheme": {"name": "kaiming_uniform", "a": 2.236, "mode": "fan_in", "nonlinearity": "leaky_relu"}},
///              {"name": "fc.bias", "shape": [256]}],
///  "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}},
///            {"pattern": "*", "scheme": {"name": "normal", "std": 0.02}}]}
/// ```
///
/// A tensor without `"scheme"` takes the scheme of the first rule whose pattern (`*`, `?`) matches its name.
/// Errors name the tensor (index and name) or rule and the field.
public enum ModelSpec {
    /// Plans the spec in `data`; `seed` and `dtype` override the spec's seed and default dtype
    /// (a tensor's own `"dtype"` is kept).
    public static func plan(json data: Data, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch let error as JSONParseError {
            throw SpecError(location: "", message: error.description)
        }
        guard let top = root.object else { throw SpecError(location: "spec", message: "must be a JSON object, got \(root.kind)") }
        if LayerSpec.isLayerList(top) { return try LayerSpec.plan(top, seed: seed, dtype: dtype) }
        if let extra = top.keys.sorted().first(where: { !["seed", "dtype", "tensors", "rules"].contains($0) }) {
            throw SpecError(location: "spec", message: "unknown field \"\(extra)\" (known: seed, dtype, tensors, rules)")
        }
        var specSeed: UInt64 = 0
        if let value = top["seed"] {
            guard let s = value.uint64 ?? value.string.flatMap({ UInt64($0) }) else {
                throw SpecError(location: "spec", message: "field \"seed\" must be an integer in 0...2^64-1, got \(value.rendered)")
            }
            specSeed = s
        }
        var defaultType = StorageType.float32
        if let value = top["dtype"] { defaultType = try storageType(value, location: "spec") }
        if let dtype { defaultType = dtype }
        let rules = try parseRules(top["rules"])
        guard let tensorsValue = top["tensors"] else { throw SpecError(location: "spec", message: "field \"tensors\" is missing") }
        guard let items = tensorsValue.array else {
            throw SpecError(location: "spec", message: "field \"tensors\" must be an array, got \(tensorsValue.kind)")
        }
        var jobs: [TensorJob] = []
        for (i, item) in items.enumerated() {
            jobs.append(try job(item, index: i, defaultType: defaultType, rules: rules))
        }
        return try ModelPlan(seed: seed ?? specSeed, tensors: jobs)
    }

    /// Reads a spec file (`SpecError` if it cannot be read).
    public static func plan(file path: String, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SpecError(location: path, message: "cannot read the spec file")
        }
        do { return try plan(json: data, seed: seed, dtype: dtype) } catch var error as SpecError {
            error.location = error.location.isEmpty ? path : "\(path): \(error.location)"
            throw error
        }
    }

    static func storageType(_ value: JSONValue, location: String) throws -> StorageType {
        guard let text = value.string, let type = StorageType(name: text) else {
            throw SpecError(location: location, message: "field \"dtype\" must be one of f32, f16, bf16, f64, got \(value.rendered)")
        }
        return type
    }

    static func parseRules(_ value: JSONValue?) throws -> [(pattern: String, scheme: InitScheme)] {
        guard let value else { return [] }
        guard let items = value.array else { throw SpecError(location: "spec", message: "field \"rules\" must be an array, got \(value.kind)") }
        return try items.enumerated().map { i, item in
            let location = "rules[\(i)]"
            guard let fields = item.object else { throw SpecError(location: location, message: "must be an object {\"pattern\": ..., \"scheme\": ...}") }
            if let extra = fields.keys.sorted().first(where: { $0 != "pattern" && $0 != "scheme" }) {
                throw SpecError(location: location, message: "unknown field \"\(extra)\" (known: pattern, scheme)")
            }
            guard let pattern = fields["pattern"]?.string else { throw SpecError(location: location, message: "field \"pattern\" is missing or not a string") }
            guard let schemeValue = fields["scheme"] else { throw SpecError(location: location, message: "field \"scheme\" is missing") }
            do { return (pattern, try SchemeJSON.scheme(from: schemeValue)) } catch let error as SpecFieldError {
                throw SpecError(location: "\(location) \"\(pattern)\"", message: error.description)
            }
        }
    }

    private static func job(_ item: JSONValue, index: Int, defaultType: StorageType,
                            rules: [(pattern: String, scheme: InitScheme)]) throws -> TensorJob {
        var location = "tensors[\(index)]"
        guard let fields = item.object else { throw SpecError(location: location, message: "must be an object, got \(item.kind)") }
        guard let nameValue = fields["name"] else { throw SpecError(location: location, message: "field \"name\" is missing") }
        guard let name = nameValue.string else { throw SpecError(location: location, message: "field \"name\" must be a string, got \(nameValue.kind)") }
        location += " \"\(name)\""
        if let extra = fields.keys.sorted().first(where: { !["name", "shape", "dtype", "scheme"].contains($0) }) {
            throw SpecError(location: location, message: "unknown field \"\(extra)\" (known: name, shape, dtype, scheme)")
        }
        guard let shapeValue = fields["shape"] else { throw SpecError(location: location, message: "field \"shape\" is missing") }
        guard let dims = shapeValue.array else { throw SpecError(location: location, message: "field \"shape\" must be an array of integers, got \(shapeValue.kind)") }
        var shape: [Int] = []
        for (k, d) in dims.enumerated() {
            guard let n = d.int, n >= 0 else {
                throw SpecError(location: location, message: "field \"shape\"[\(k)] must be an integer >= 0, got \(d.rendered)")
            }
            shape.append(n)
        }
        let dtype = try fields["dtype"].map { try storageType($0, location: location) } ?? defaultType
        let scheme: InitScheme
        if let schemeValue = fields["scheme"] {
            do { scheme = try SchemeJSON.scheme(from: schemeValue) } catch let error as SpecFieldError {
                throw SpecError(location: location, message: error.description)
            }
        } else if let rule = rules.first(where: { NamePattern.matches($0.pattern, name) }) {
            scheme = rule.scheme
        } else {
            throw SpecError(location: location, message: "field \"scheme\" is missing and no rule's pattern matches the name")
        }
        do { return try TensorJob(name: name, shape: shape, dtype: dtype, scheme: scheme) } catch let error as SchemeError {
            throw SpecError(location: location, message: "field \"scheme\": \(error)")
        }
    }
}
