import Foundation

/// Plans `tensorseed init [rules.json] --like MODEL`: the tensors of an existing model's layout
/// (`LikeLayout`), each with its dtype from the file, initialized by name.
///
/// A tensor takes the scheme of the first user rule whose pattern matches its name (rules from the
/// optional spec file, which holds only `"rules"` and optionally `"seed"` and `"dtype"`); a tensor no
/// rule matches takes the default by name (`defaultScheme`). The spec's `"dtype"` or `--dtype` replaces
/// every file dtype; without either, a dtype TensorSeed does not write (I64, U8, F8_E4M3, ...) is an error
/// naming the tensor.
public enum LikeSpec {
    /// The std of every default normal: transformers' `initializer_range` default (`PretrainedConfig`, 0.02).
    public static let defaultStd = 0.02

    /// The default scheme of a tensor, a by-name reading of transformers' `_init_weights`, which
    /// initializes by module type (unknown here): a name ending in `.bias` is zeros (Linear and norm
    /// biases); a 1-D tensor whose name contains `norm` or `ln_` (any case: LayerNorm, RMSNorm, GPT-2's
    /// `ln_1`, `ln_f`) is ones; everything else normal(0, 0.02) (Linear and Embedding weights). GPT-2's
    /// residual scaling of `c_proj` is not guessed: use the model's config.json, or a rule.
    /// `norm` is the scheme of norm weights (`NormInitialization`: zeros for Gemma's x·(1 + w)).
    public static func defaultScheme(name: String, shape: [Int], norm: InitScheme = .ones) -> InitScheme {
        if name == "bias" || name.hasSuffix(".bias") { return .zeros }
        if isNormWeight(name: name, shape: shape) { return norm }
        return .normal(mean: 0, std: defaultStd)
    }

    /// Whether the default takes `name` for a norm weight: 1-D, `norm` or `ln_` in the name (any case), not a bias.
    static func isNormWeight(name: String, shape: [Int]) -> Bool {
        let lower = name.lowercased()
        return shape.count == 1 && !(name == "bias" || name.hasSuffix(".bias")) && (lower.contains("norm") || lower.contains("ln_"))
    }

    /// The plan for the layout at `likePath` with the rules of the spec file at `specPath` (if any);
    /// `seed` and `dtype` override the spec's.
    public static func plan(like likePath: String, spec specPath: String? = nil, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        try planWithNotes(like: likePath, spec: specPath, seed: seed, dtype: dtype).plan
    }

    /// `plan`, and the guesses it made that may be wrong, one line each (`NormInitialization.note`).
    public static func planWithNotes(like likePath: String, spec specPath: String? = nil, seed: UInt64? = nil,
                                     dtype: StorageType? = nil) throws -> (plan: ModelPlan, notes: [String]) {
        let layout = try LikeLayout.read(path: likePath)
        var spec: [JSONKey: JSONValue] = [:]
        if let specPath {
            spec = try rulesSpec(try ModelSpec.readFile(specPath), path: specPath)
        }
        do {
            return try plan(layout, likePath: likePath, spec: spec, seed: seed, dtype: dtype)
        } catch var error as SpecError {
            error.location = [specPath ?? likePath, error.location].filter { !$0.isEmpty }.joined(separator: ": ")
            throw error
        }
    }

    /// The members of a rules-only spec.
    private static func rulesSpec(_ data: Data, path: String) throws -> [JSONKey: JSONValue] {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw SpecError(location: path, message: "\(error)") }
        guard let members = root.object else { throw SpecError(location: path, message: "must be a JSON object, got \(root.kind)") }
        if let extra = members.keys.sorted().first(where: { !["seed", "dtype", "rules"].contains($0) }) {
            throw SpecError(location: path, message: "field \"\(extra)\" is not allowed with --like (the spec holds only rules, seed, dtype; the tensors come from the --like file)")
        }
        return members
    }

    /// Builds a tensor-list spec from the layout and plans it with `ModelSpec`, so rules and errors are
    /// read exactly as in any spec: the user's rules first, then, as explicit schemes of the tensors that
    /// no rule matches, the defaults.
    private static func plan(_ layout: LikeLayout, likePath: String, spec: [JSONKey: JSONValue], seed: UInt64?,
                             dtype: StorageType?) throws -> (plan: ModelPlan, notes: [String]) {
        let patterns = (spec["rules"]?.array ?? []).compactMap { $0.object?["pattern"]?.string }
        let keepFileTypes = dtype == nil && spec["dtype"] == nil
        let architecture = NormInitialization.architecture(besideLike: likePath)
        let names = Set(layout.tensors.map(\.name))
        var guessedNorms: [String] = []
        var tensors: [JSONValue] = []
        for tensor in layout.tensors {
            var fields: [JSONKey: JSONValue] = ["name": .string(tensor.name), "shape": .array(tensor.shape.map { .integer(Int64($0)) })]
            if keepFileTypes {
                guard let type = StorageType(rawValue: tensor.dtype) else {
                    throw LikeLayoutError(path: likePath, message: "tensor \(PrintableText.quoted(tensor.name)) has dtype \(tensor.dtype), which TensorSeed does not write (F32, F16, BF16, F64); give --dtype to store every tensor as one of them")
                }
                fields["dtype"] = .string(type.rawValue)
            }
            if !patterns.contains(where: { NamePattern.matches($0, tensor.name) }) {
                let norm = NormInitialization.scheme(of: tensor.name, names: names, architecture: architecture)
                if isNormWeight(name: tensor.name, shape: tensor.shape) { guessedNorms.append(tensor.name) }
                fields["scheme"] = SchemeJSON.value(of: defaultScheme(name: tensor.name, shape: tensor.shape, norm: norm))
            }
            tensors.append(.object(fields))
        }
        var document = spec
        document["tensors"] = .array(tensors)
        let plan = try ModelSpec.plan(json: Data(JSONValue.object(document).rendered.utf8), seed: seed, dtype: dtype)
        return (plan, [NormInitialization.note(guessed: guessedNorms, architecture: architecture, likePath: likePath)].compactMap { $0 })
    }
}

/// A `--like` layout that cannot be initialized as it is: one line naming the file and the tensor.
public struct LikeLayoutError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
