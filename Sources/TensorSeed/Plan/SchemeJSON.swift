/// `InitScheme` and `TensorRecipe` as JSON objects: the `"scheme"` field of a model spec and the
/// per-tensor `tensorseed.scheme.<name>` metadata of a written file.
///
/// Scheme fields use torch's and JAX's argument names: `uniform {a, b}` (or `low`, `high`),
/// `normal {mean, std}`, `constant {val}` (or `value`), `dirac {groups}`, `xavier_* {gain}`,
/// `kaiming_* {a, mode, nonlinearity}`, `variance_scaling {scale, mode, distribution, in_axis, out_axis, batch_axis}`.
public enum SchemeJSON {
    /// The scheme names a spec may use.
    public static let names = ["uniform", "normal", "trunc_normal", "constant", "zeros", "ones", "eye", "dirac", "sparse", "orthogonal", "embedding",
                               "xavier_uniform", "xavier_normal", "kaiming_uniform", "kaiming_normal",
                               "lecun_uniform", "lecun_normal", "variance_scaling"]

    /// Parses a scheme object; errors name the field (`SpecFieldError`).
    public static func scheme(from value: JSONValue) throws -> InitScheme {
        guard let fields = value.object else {
            throw SpecFieldError(field: "scheme", message: "must be an object like {\"name\": \"normal\", \"std\": 0.02}, got \(value.kind)")
        }
        guard let nameValue = fields["name"] else { throw SpecFieldError(field: "scheme.name", message: "is missing") }
        guard let name = nameValue.string else { throw SpecFieldError(field: "scheme.name", message: "must be a string, got \(nameValue.kind)") }
        let reader = FieldReader(fields: fields, scheme: name)
        let scheme: InitScheme
        switch name {
        case "uniform":
            scheme = .uniform(low: try reader.double(["a", "low"], default: 0), high: try reader.double(["b", "high"], default: 1))
        case "normal":
            scheme = .normal(mean: try reader.double(["mean"], default: 0), std: try reader.double(["std"], default: 1))
        case "trunc_normal":
            scheme = .truncatedNormal(mean: try reader.double(["mean"], default: 0), std: try reader.double(["std"], default: 1),
                                      a: try reader.double(["a"], default: -2), b: try reader.double(["b"], default: 2))
        case "constant":
            guard let v = try reader.optionalDouble(["val", "value"]) else {
                throw SpecFieldError(field: "scheme.val", message: "is missing (constant needs a value)")
            }
            scheme = .constant(v)
        case "zeros": scheme = .zeros
        case "ones": scheme = .ones
        case "eye": scheme = .eye
        case "dirac": scheme = .dirac(groups: try reader.int("groups", default: 1))
        case "orthogonal": scheme = .orthogonal(gain: try reader.double(["gain"], default: 1))
        case "embedding":
            scheme = .embedding(paddingIndex: try reader.optionalInt("padding_idx"), std: try reader.double(["std"], default: 1))
        case "sparse":
            guard let sparsity = try reader.optionalDouble(["sparsity"]) else {
                throw SpecFieldError(field: "scheme.sparsity", message: "is missing (sparse needs a sparsity in [0, 1])")
            }
            scheme = .sparse(sparsity: sparsity, std: try reader.double(["std"], default: 0.01))
        case "xavier_uniform": scheme = .xavierUniform(gain: try reader.double(["gain"], default: 1))
        case "xavier_normal": scheme = .xavierNormal(gain: try reader.double(["gain"], default: 1))
        case "kaiming_uniform", "kaiming_normal":
            let a = try reader.double(["a"], default: 0)
            let mode = try reader.fanMode(default: .fanIn, allowed: FanMode.torchModes)
            let nonlinearity = try reader.nonlinearity(default: .leakyRelu())
            // Only leaky_relu has a slope, and kaiming's slope is `a` (torch passes it to calculate_gain): a nonzero
            // `a` with another nonlinearity would be ignored, so it is refused rather than recorded unused.
            if a != 0, nonlinearity.torchName != "leaky_relu" {
                throw SpecFieldError(field: "scheme.a", message: "= \(a) is leaky_relu's negative slope, which \(name) with nonlinearity "
                                     + "\(nonlinearity.torchName) does not use (remove it, or use nonlinearity leaky_relu)")
            }
            scheme = name == "kaiming_uniform" ? .kaimingUniform(a: a, mode: mode, nonlinearity: nonlinearity)
                                               : .kaimingNormal(a: a, mode: mode, nonlinearity: nonlinearity)
        case "lecun_uniform": scheme = .lecunUniform
        case "lecun_normal": scheme = .lecunNormal
        case "variance_scaling":
            guard let scale = try reader.optionalDouble(["scale"]) else { throw SpecFieldError(field: "scheme.scale", message: "is missing") }
            let distributionName = try reader.string("distribution", default: "truncated_normal")
            guard let distribution = InitScheme.VarianceScalingDistribution(rawValue: distributionName) else {
                throw SpecFieldError(field: "scheme.distribution", message: "unknown distribution '\(distributionName)' (use truncated_normal, normal, uniform)")
            }
            scheme = .varianceScaling(scale: scale, mode: try reader.fanMode(default: .fanIn), distribution: distribution,
                                      inAxis: try reader.axes("in_axis", default: [-2]), outAxis: try reader.axes("out_axis", default: [-1]),
                                      batchAxis: try reader.axes("batch_axis", default: []))
        default:
            throw SpecFieldError(field: "scheme.name", message: "unknown scheme '\(name)' (known: \(names.joined(separator: ", ")))")
        }
        try reader.rejectUnread()
        return scheme
    }

    /// The scheme as an object with every parameter spelled out (defaults included), parseable by `scheme(from:)`.
    public static func value(of scheme: InitScheme) -> JSONValue {
        var fields: [JSONKey: JSONValue] = ["name": .string(scheme.name)]
        switch scheme {
        case let .uniform(low, high): fields["a"] = .double(low); fields["b"] = .double(high)
        case let .normal(mean, std): fields["mean"] = .double(mean); fields["std"] = .double(std)
        case let .truncatedNormal(mean, std, a, b):
            fields["mean"] = .double(mean); fields["std"] = .double(std); fields["a"] = .double(a); fields["b"] = .double(b)
        case let .constant(v): fields["val"] = .double(v)
        case .zeros, .ones, .eye, .lecunUniform, .lecunNormal: break
        case let .dirac(groups): fields["groups"] = .integer(Int64(groups))
        case let .sparse(sparsity, std): fields["sparsity"] = .double(sparsity); fields["std"] = .double(std)
        case let .orthogonal(gain): fields["gain"] = .double(gain)
        case let .embedding(paddingIndex, std):
            if let p = paddingIndex { fields["padding_idx"] = .integer(Int64(p)) }
            if std != 1 { fields["std"] = .double(std) }
        case let .xavierUniform(gain), let .xavierNormal(gain): fields["gain"] = .double(gain)
        case let .kaimingUniform(a, mode, nonlinearity), let .kaimingNormal(a, mode, nonlinearity):
            // Recorded only where resolution uses it: `a` is the slope of leaky_relu (the Nonlinearity's own slope is not used).
            if case .leakyRelu = nonlinearity { fields["a"] = .double(a) }
            fields["mode"] = .string(mode.rawValue)
            fields["nonlinearity"] = .string(nonlinearity.torchName)
        case let .varianceScaling(scale, mode, distribution, inAxis, outAxis, batchAxis):
            fields["scale"] = .double(scale)
            fields["mode"] = .string(mode.rawValue)
            fields["distribution"] = .string(distribution.rawValue)
            fields["in_axis"] = .array(inAxis.map { .integer(Int64($0)) })
            fields["out_axis"] = .array(outAxis.map { .integer(Int64($0)) })
            fields["batch_axis"] = .array(batchAxis.map { .integer(Int64($0)) })
        }
        return .object(fields)
    }

    /// The recipe as an object; every float32 parameter is given in decimal and exactly as `<name>_bits` (hex).
    public static func value(of recipe: TensorRecipe) -> JSONValue {
        func float(_ fields: inout [JSONKey: JSONValue], _ key: String, _ x: Float) {
            fields[key] = .double(Double(x))
            fields[key + "_bits"] = .string(hex32(x.bitPattern))
        }
        var fields: [JSONKey: JSONValue] = [:]
        switch recipe {
        case let .random(.uniform(low, high)):
            fields["kind"] = .string("uniform"); float(&fields, "low", low); float(&fields, "high", high)
        case let .random(.normal(mean, std)):
            fields["kind"] = .string("normal"); float(&fields, "mean", mean); float(&fields, "std", std)
        case let .random(.truncatedNormal(mean, std, low, high)):
            fields["kind"] = .string("truncated_normal"); float(&fields, "mean", mean); float(&fields, "std", std)
            float(&fields, "low", low); float(&fields, "high", high)
        case let .constant(v):
            fields["kind"] = .string("constant"); float(&fields, "value", v)
        case let .eye(rows, columns):
            fields = ["kind": .string("eye"), "rows": .integer(Int64(rows)), "columns": .integer(Int64(columns))]
        case let .zeroRow(row, columns, std):
            fields = ["kind": .string("zero_row"), "row": .integer(Int64(row)), "columns": .integer(Int64(columns))]
            if std != 1 { float(&fields, "std", std) }
        case let .orthogonal(rows, columns, gain):
            fields = ["kind": .string("orthogonal"), "rows": .integer(Int64(rows)), "columns": .integer(Int64(columns)),
                      "gain": .double(gain), "gain_bits": .string(String(gain.bitPattern, radix: 16))]
        case let .sparse(rows, columns, zeros, std):
            fields = ["kind": .string("sparse"), "rows": .integer(Int64(rows)), "columns": .integer(Int64(columns)),
                      "zeros_per_column": .integer(Int64(zeros))]
            float(&fields, "std", std)
        case let .dirac(shape, groups):
            fields = ["kind": .string("dirac"), "shape": .array(shape.map { .integer(Int64($0)) }), "groups": .integer(Int64(groups))]
        }
        return .object(fields)
    }

    /// Parses what `value(of: TensorRecipe)` wrote (float parameters from their `_bits`).
    public static func recipe(from value: JSONValue) throws -> TensorRecipe {
        guard let fields = value.object, let kind = fields["kind"]?.string else {
            throw SpecFieldError(field: "recipe", message: "must be an object with a string \"kind\"")
        }
        try RecordedRecipe.checkKeys(fields, kind: kind)
        func float(_ key: String) throws -> Float {
            guard let text = fields[key + "_bits"]?.string, text.utf8.count == 8, text.allSatisfy(\.isHexDigit),
                  let bits = UInt32(text, radix: 16) else {
                throw SpecFieldError(field: "recipe.\(key)_bits", message: "is missing or not 8 hex digits")
            }
            try RecordedRecipe.checkDecimal(fields[key], agreesWith: Double(Float(bitPattern: bits)), key: key, bits: text)
            return Float(bitPattern: bits)
        }
        func integers(_ key: String) throws -> [Int] {
            guard let items = fields[key]?.array, case let ints = items.compactMap(\.int), ints.count == items.count else {
                throw SpecFieldError(field: "recipe.\(key)", message: "must be an array of integers")
            }
            return ints
        }
        switch kind {
        case "uniform": return .random(.uniform(low: try float("low"), high: try float("high")))
        case "normal": return .random(.normal(mean: try float("mean"), std: try float("std")))
        case "truncated_normal":
            return .random(.truncatedNormal(mean: try float("mean"), std: try float("std"), low: try float("low"), high: try float("high")))
        case "constant": return .constant(try float("value"))
        case "eye":
            guard let rows = fields["rows"]?.int, let columns = fields["columns"]?.int else {
                throw SpecFieldError(field: "recipe", message: "eye needs integer rows and columns")
            }
            return .eye(rows: rows, columns: columns)
        case "zero_row":
            guard let row = fields["row"]?.int, let columns = fields["columns"]?.int else {
                throw SpecFieldError(field: "recipe", message: "zero_row needs integer row and columns")
            }
            return .zeroRow(row: row, columns: columns, std: fields["std_bits"] == nil ? 1 : try float("std"))
        case "orthogonal":
            guard let rows = fields["rows"]?.int, let columns = fields["columns"]?.int,
                  let text = fields["gain_bits"]?.string, text.allSatisfy(\.isHexDigit), let bits = UInt64(text, radix: 16) else {
                throw SpecFieldError(field: "recipe", message: "orthogonal needs integer rows and columns and gain_bits")
            }
            try RecordedRecipe.checkDecimal(fields["gain"], agreesWith: Double(bitPattern: bits), key: "gain", bits: text, float32: false)
            return .orthogonal(rows: rows, columns: columns, gain: Double(bitPattern: bits))
        case "sparse":
            guard let rows = fields["rows"]?.int, let columns = fields["columns"]?.int, let zeros = fields["zeros_per_column"]?.int else {
                throw SpecFieldError(field: "recipe", message: "sparse needs integer rows, columns and zeros_per_column")
            }
            return .sparse(rows: rows, columns: columns, zerosPerColumn: zeros, std: try float("std"))
        case "dirac":
            guard let groups = fields["groups"]?.int else { throw SpecFieldError(field: "recipe.groups", message: "must be an integer") }
            return .dirac(shape: try integers("shape"), groups: groups)
        default:
            throw SpecFieldError(field: "recipe.kind", message: "unknown recipe kind '\(kind)'")
        }
    }

    static func hex32(_ x: UInt32) -> String {
        let s = String(x, radix: 16)
        return String(repeating: "0", count: 8 - s.count) + s
    }
}

/// A field of a spec that is missing or wrong: `field` is its path inside the tensor (e.g. `scheme.std`).
public struct SpecFieldError: Error, CustomStringConvertible, Equatable {
    public var field: String
    public var message: String
    public var description: String { "field \"\(field)\" \(message)" }
}

/// Reads typed scheme parameters from an object and remembers which fields were used.
private final class FieldReader {
    let fields: [JSONKey: JSONValue]
    let scheme: String
    private var read: Set<String> = ["name"]

    init(fields: [JSONKey: JSONValue], scheme: String) {
        self.fields = fields
        self.scheme = scheme
    }

    func optionalDouble(_ keys: [String]) throws -> Double? {
        for key in keys {
            guard let value = fields[key] else { continue }
            read.insert(key)
            guard let x = value.number else {
                throw SpecFieldError(field: "scheme.\(key)", message: "must be a number, got \(value.kind)")
            }
            return x
        }
        return nil
    }

    func double(_ keys: [String], default value: Double) throws -> Double { try optionalDouble(keys) ?? value }

    func int(_ key: String, default value: Int) throws -> Int { try optionalInt(key) ?? value }

    func optionalInt(_ key: String) throws -> Int? {
        guard let field = fields[key] else { return nil }
        read.insert(key)
        guard let i = field.int else { throw SpecFieldError(field: "scheme.\(key)", message: "must be an integer, got \(field.rendered)") }
        return i
    }

    func string(_ key: String, default value: String) throws -> String {
        guard let field = fields[key] else { return value }
        read.insert(key)
        guard let s = field.string else { throw SpecFieldError(field: "scheme.\(key)", message: "must be a string, got \(field.kind)") }
        return s
    }

    /// The `mode` field, one of `allowed` (torch's kaiming takes fan_in or fan_out; JAX's variance_scaling fan_avg too).
    func fanMode(default value: FanMode, allowed: [FanMode] = FanMode.allCases) throws -> FanMode {
        let text = try string("mode", default: value.rawValue)
        guard let mode = FanMode(rawValue: text), allowed.contains(mode) else {
            throw SpecFieldError(field: "scheme.mode", message: "must be \(FanMode.listed(allowed)) for \(scheme), got '\(text)'")
        }
        return mode
    }

    func nonlinearity(default value: Nonlinearity) throws -> Nonlinearity {
        if fields["negative_slope"] != nil {
            throw SpecFieldError(field: "scheme.negative_slope", message: "is not a parameter of \(scheme): its leaky_relu slope is the field \"a\" (as in torch's \(scheme)_)")
        }
        guard fields["nonlinearity"] != nil else { return value }
        let text = try string("nonlinearity", default: "")
        do { return try Nonlinearity(torchName: text) } catch {
            throw SpecFieldError(field: "scheme.nonlinearity", message: "\(error)")
        }
    }

    func axes(_ key: String, default value: [Int]) throws -> [Int] {
        guard let field = fields[key] else { return value }
        read.insert(key)
        if let i = field.int { return [i] }
        guard let items = field.array, case let ints = items.compactMap(\.int), ints.count == items.count else {
            throw SpecFieldError(field: "scheme.\(key)", message: "must be an integer or an array of integers")
        }
        return ints
    }

    func rejectUnread() throws {
        if let extra = fields.keys.map(\.text).sorted().first(where: { !read.contains($0) }) {
            throw SpecFieldError(field: "scheme.\(extra)", message: "is not a parameter of \(scheme)")
        }
    }
}

extension Nonlinearity {
    /// torch's name for the nonlinearity (`calculate_gain`'s first argument).
    public var torchName: String {
        switch self {
        case .linear: return "linear"
        case .conv1d: return "conv1d"
        case .conv2d: return "conv2d"
        case .conv3d: return "conv3d"
        case .convTranspose1d: return "conv_transpose1d"
        case .convTranspose2d: return "conv_transpose2d"
        case .convTranspose3d: return "conv_transpose3d"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        case .relu: return "relu"
        case .selu: return "selu"
        case .leakyRelu: return "leaky_relu"
        }
    }
}
