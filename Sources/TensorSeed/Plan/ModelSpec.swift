import Foundation

/// The tensor-list model spec (JSON, or the same tree in YAML): a seed, a default dtype, the tensors, and name-pattern rules.
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
/// Errors name the tensor (index and name) or rule and the field; each carries the offending value's path
/// (`SpecError.path`), which the readers' positions turn into a line and column.
public enum ModelSpec {
    /// Plans the JSON spec in `data`; `seed` and `dtype` override the spec's seed and default dtype
    /// (a tensor's own `"dtype"` is kept). Errors name the tensor or rule and the field (a syntax error, its line and column).
    public static func plan(json data: Data, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        try plan(data, format: .json, seed: seed, dtype: dtype)
    }

    /// Plans the YAML spec in `data`, as `plan(json:)` does.
    public static func plan(yaml data: Data, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        try plan(data, format: .yaml, seed: seed, dtype: dtype)
    }

    /// Plans the spec in `data` written as `format`. A `SpecError` carries the offending value's path and,
    /// where the document has it, its line and column; its text names them only for a syntax error.
    public static func plan(_ data: Data, format: SpecFormat, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        try plan(data, format: format, file: nil, seed: seed, dtype: dtype)
    }

    /// Reads a spec file, YAML if its name ends in `.yaml` or `.yml`, else JSON. Errors begin with the file,
    /// and the line and column where known: `spec.yaml:12:7: tensors[3] "fc.weight": field "shape"[1] ...`.
    public static func plan(file path: String, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        return try plan(try readFile(path), format: SpecFormat(path: path), file: path, seed: seed, dtype: dtype)
    }

    /// The largest spec file read, 100 MB: as large as the largest safetensors header, which the tensors of
    /// a spec are written into (a million-tensor list is about 80 MB); see `ModelPlan.maximumTensorCount`.
    public static let maximumFileBytes = 100_000_000

    /// The text of the spec file at `path`: a regular file of at most `maximumFileBytes`.
    static func readFile(_ path: String) throws -> Data {
        do { return try InputFile.contents(path, limit: maximumFileBytes, what: "the spec file") } catch let error as InputFileError {
            throw SpecError(location: path, message: "cannot read the spec file: \(error.message)")
        }
    }

    /// Reads and plans `data`; with a `file`, every error's text begins `file:line:column: ` (or `file: `).
    private static func plan(_ data: Data, format: SpecFormat, file: String?, seed: UInt64?, dtype: StorageType?) throws -> ModelPlan {
        let document: SpecDocument
        do { document = try SpecDocument(data, format: format) } catch let error as DocumentSyntaxError {
            throw SpecError(syntax: error, file: file)
        }
        do { return try plan(root: document.root, seed: seed, dtype: dtype) } catch var error as SpecError {
            if let position = document.nearestPosition(of: error.path) {
                error.line = position.line
                error.column = position.column
            }
            if let file { error.locate(inFile: file) }
            throw error
        }
    }

    /// Plans a spec already read into a value tree; errors carry the path of the offending value.
    static func plan(root: JSONValue, seed: UInt64?, dtype: StorageType?) throws -> ModelPlan {
        guard let top = root.object else { throw SpecError(location: "spec", message: "must be a JSON object (or YAML mapping), got \(root.kind)") }
        if LayerSpec.isLayerList(top) { return try LayerSpec.plan(top, seed: seed, dtype: dtype) }
        if let extra = top.keys.map(\.text).sorted().first(where: { !["seed", "dtype", "tensors", "rules"].contains($0) }) {
            throw SpecError(location: "spec", message: "unknown field \"\(extra)\" (known: seed, dtype, tensors, rules)", path: [.key(extra)])
        }
        var specSeed: UInt64 = 0
        if let value = top["seed"] {
            guard let s = value.uint64 ?? value.string.flatMap({ UInt64($0) }) else {
                throw SpecError(location: "spec", message: "field \"seed\" must be an integer in 0...2^64-1, got \(value.rendered)", path: [.key("seed")])
            }
            specSeed = s
        }
        var defaultType = StorageType.float32
        if let value = top["dtype"] { defaultType = try storageType(value, location: "spec", path: [.key("dtype")]) }
        if let dtype { defaultType = dtype }
        let rules = try parseRules(top["rules"])
        guard let tensorsValue = top["tensors"] else { throw SpecError(location: "spec", message: "field \"tensors\" is missing") }
        guard let items = tensorsValue.array else {
            throw SpecError(location: "spec", message: "field \"tensors\" must be an array, got \(tensorsValue.kind)", path: [.key("tensors")])
        }
        try ModelPlan.checkTensorCount(items.count)
        var jobs: [TensorJob] = []
        jobs.reserveCapacity(items.count)
        for (i, item) in items.enumerated() {
            jobs.append(try job(item, index: i, defaultType: defaultType, rules: rules))
        }
        return try ModelPlan(seed: seed ?? specSeed, tensors: jobs)
    }

    static func storageType(_ value: JSONValue, location: String, path: [SpecPathComponent]) throws -> StorageType {
        guard let text = value.string, let type = StorageType(name: text) else {
            throw SpecError(location: location, message: "field \"dtype\" must be one of f32, f16, bf16, f64, got \(value.rendered)", path: path)
        }
        return type
    }

    /// The path of a scheme field that `SchemeJSON` names like `scheme.std`, under the tensor or rule at `base`.
    private static func path(of error: SpecFieldError, under base: [SpecPathComponent]) -> [SpecPathComponent] {
        base + error.field.split(separator: ".").map { .key(String($0)) }
    }

    static func parseRules(_ value: JSONValue?) throws -> [(pattern: String, scheme: InitScheme)] {
        guard let value else { return [] }
        guard let items = value.array else {
            throw SpecError(location: "spec", message: "field \"rules\" must be an array, got \(value.kind)", path: [.key("rules")])
        }
        return try items.enumerated().map { i, item in
            let location = "rules[\(i)]"
            let here: [SpecPathComponent] = [.key("rules"), .index(i)]
            guard let fields = item.object else {
                throw SpecError(location: location, message: "must be an object {\"pattern\": ..., \"scheme\": ...}", path: here)
            }
            if let extra = fields.keys.map(\.text).sorted().first(where: { $0 != "pattern" && $0 != "scheme" }) {
                throw SpecError(location: location, message: "unknown field \"\(extra)\" (known: pattern, scheme)", path: here + [.key(extra)])
            }
            guard let pattern = fields["pattern"]?.string else {
                throw SpecError(location: location, message: "field \"pattern\" is missing or not a string", path: here + [.key("pattern")])
            }
            guard let schemeValue = fields["scheme"] else { throw SpecError(location: location, message: "field \"scheme\" is missing", path: here) }
            do { return (pattern, try SchemeJSON.scheme(from: schemeValue)) } catch let error as SpecFieldError {
                throw SpecError(location: "\(location) \"\(pattern)\"", message: error.description, path: path(of: error, under: here))
            }
        }
    }

    private static func job(_ item: JSONValue, index: Int, defaultType: StorageType,
                            rules: [(pattern: String, scheme: InitScheme)]) throws -> TensorJob {
        var location = "tensors[\(index)]"
        let here: [SpecPathComponent] = [.key("tensors"), .index(index)]
        guard let fields = item.object else { throw SpecError(location: location, message: "must be an object, got \(item.kind)", path: here) }
        guard let nameValue = fields["name"] else { throw SpecError(location: location, message: "field \"name\" is missing", path: here) }
        guard let name = nameValue.string else {
            throw SpecError(location: location, message: "field \"name\" must be a string, got \(nameValue.kind)", path: here + [.key("name")])
        }
        location += " " + PrintableText.quoted(name)
        if let extra = fields.keys.map(\.text).sorted().first(where: { !["name", "shape", "dtype", "scheme", "slice"].contains($0) }) {
            throw SpecError(location: location, message: "unknown field \"\(extra)\" (known: name, shape, dtype, scheme, slice)", path: here + [.key(extra)])
        }
        guard let shapeValue = fields["shape"] else { throw SpecError(location: location, message: "field \"shape\" is missing", path: here) }
        guard let dims = shapeValue.array else {
            throw SpecError(location: location, message: "field \"shape\" must be an array of integers, got \(shapeValue.kind)", path: here + [.key("shape")])
        }
        var shape: [Int] = []
        for (k, d) in dims.enumerated() {
            guard let n = d.int, n >= 0 else {
                throw SpecError(location: location, message: "field \"shape\"[\(k)] must be an integer >= 0, got \(d.rendered)",
                                path: here + [.key("shape"), .index(k)])
            }
            shape.append(n)
        }
        let dtype = try fields["dtype"].map { try storageType($0, location: location, path: here + [.key("dtype")]) } ?? defaultType
        let scheme: InitScheme
        if let schemeValue = fields["scheme"] {
            do { scheme = try SchemeJSON.scheme(from: schemeValue) } catch let error as SpecFieldError {
                throw SpecError(location: location, message: error.description, path: path(of: error, under: here))
            }
        } else if let rule = rules.first(where: { NamePattern.matches($0.pattern, name) }) {
            scheme = rule.scheme
        } else {
            throw SpecError(location: location, message: "field \"scheme\" is missing and no rule's pattern matches the name", path: here)
        }
        guard TensorShape.byteCount(shape, elementSize: dtype.byteSize) != nil else {
            throw SpecError(location: location, message: "field \"shape\" \(shape) of \(dtype.rawValue) is more than 2^63 - 1 bytes", path: here + [.key("shape")])
        }
        let job: TensorJob
        do { job = try TensorJob(name: name, shape: shape, dtype: dtype, scheme: scheme) } catch let error as SchemeError {
            throw SpecError(location: location, message: "field \"scheme\": \(error)", path: here + [.key(fields["scheme"] == nil ? "shape" : "scheme")])
        }
        guard let sliceValue = fields["slice"] else { return job }
        return try sliced(job, sliceValue, location: location, path: here + [.key("slice")])
    }

    /// A tensor's `"slice": {"dim": D, "start": S, "end": E}` (E defaults to the dimension's size): only the indices
    /// `S ..< E` along dimension `D` of the tensor are written, byte-identical to that part of the whole tensor
    /// (`TensorSlice`; the CLI's `--slice PATTERN=D:S:E` and `--tensor-parallel` make the same).
    private static func sliced(_ job: TensorJob, _ value: JSONValue, location: String, path: [SpecPathComponent]) throws -> TensorJob {
        guard let fields = value.object else {
            throw SpecError(location: location, message: "field \"slice\" must be an object like {\"dim\": 0, \"start\": 0, \"end\": 64}, got \(value.kind)", path: path)
        }
        if let extra = fields.keys.map(\.text).sorted().first(where: { !["dim", "start", "end"].contains($0) }) {
            throw SpecError(location: location, message: "unknown field \"slice.\(extra)\" (known: dim, start, end)", path: path + [.key(extra)])
        }
        func integer(_ key: String) throws -> Int? {
            guard let v = fields[key] else { return nil }
            guard let n = v.int, n >= 0 else {
                throw SpecError(location: location, message: "field \"slice.\(key)\" must be an integer >= 0, got \(v.rendered)", path: path + [.key(key)])
            }
            return n
        }
        guard let dim = try integer("dim") else { throw SpecError(location: location, message: "field \"slice.dim\" is missing", path: path) }
        let start = try integer("start") ?? 0
        let end = try integer("end") ?? (dim < job.shape.count ? job.shape[dim] : 0)
        do {
            return try TensorJob(slicing: job, TensorSlice(fullShape: job.shape, dimension: dim, start: start, end: end))
        } catch let error as SliceError {
            throw SpecError(location: location, message: "field \"slice\": \(error)", path: path)
        }
    }
}
