/// The members of a Hugging Face `config.json`, read as typed values with one-line errors naming the
/// file and the field. A field that is absent or `null` takes the default (transformers treats `null`
/// as "not given" for the fields read here). Fields not asked for are ignored, as transformers keeps them.
struct ConfigFields {
    let members: [JSONKey: JSONValue]
    /// The file, for messages.
    let path: String

    /// The value of the first of `names` that is present and not null, with the name it was found under.
    private func value(_ names: [String]) -> (name: String, value: JSONValue)? {
        for name in names {
            if let value = members[name], value != .null { return (name, value) }
        }
        return nil
    }

    private func error(_ message: String) -> HuggingFaceConfigError { HuggingFaceConfigError(path: path, message: message) }

    /// A positive integer under the first present of `names` (aliases, as transformers' `attribute_map`), else `fallback`.
    func positiveInt(_ names: [String], default fallback: Int?) throws -> Int {
        guard let (name, value) = value(names) else {
            guard let fallback else { throw error("field \"\(names[0])\" is missing") }
            return fallback
        }
        guard let n = value.int, (1...LayerFields.largest).contains(n) else {
            throw error("field \"\(name)\" must be an integer in 1...\(LayerFields.largest), got \(value.rendered)")
        }
        return n
    }

    /// A positive integer if present, else nil.
    func optionalPositiveInt(_ names: [String]) throws -> Int? {
        value(names) == nil ? nil : try positiveInt(names, default: nil)
    }

    /// A non-negative integer if present, else nil.
    func optionalIndex(_ name: String) throws -> Int? {
        guard let (_, value) = value([name]) else { return nil }
        guard let n = value.int, (0...LayerFields.largest).contains(n) else {
            throw error("field \"\(name)\" must be an integer in 0...\(LayerFields.largest), got \(value.rendered)")
        }
        return n
    }

    /// A finite number >= 0, else `fallback`.
    func nonNegativeNumber(_ name: String, default fallback: Double) throws -> Double {
        guard let (_, value) = value([name]) else { return fallback }
        // `number` also reads the strings "inf" and "nan"; a config holds plain JSON numbers.
        guard value.string == nil, let x = value.number, x.isFinite, x >= 0 else {
            throw error("field \"\(name)\" must be a number >= 0, got \(value.rendered)")
        }
        return x
    }

    /// The std of normal weights under `name` (`initializer_range`), else `fallback`: a number >= 0 with
    /// which normal(0, std) is representable in float32 (`Distribution.checkRepresentable`).
    func standardDeviation(_ name: String, default fallback: Double) throws -> Double {
        let std = try nonNegativeNumber(name, default: fallback)
        do { _ = try InitScheme.normal(mean: 0, std: std).recipe(shape: [1]) } catch {
            throw self.error("field \"\(name)\" = \(std) cannot be a std of float32 weights: \(error)")
        }
        return std
    }

    /// A boolean, else `fallback`.
    func bool(_ name: String, default fallback: Bool) throws -> Bool {
        guard let (_, value) = value([name]) else { return fallback }
        guard case let .bool(b) = value else { throw error("field \"\(name)\" must be true or false, got \(value.rendered)") }
        return b
    }

    /// A string, if present.
    func string(_ name: String) throws -> String? {
        guard let (_, value) = value([name]) else { return nil }
        guard let s = value.string else { throw error("field \"\(name)\" must be a string, got \(value.rendered)") }
        return s
    }

    /// The storage type from `dtype` (transformers 5) or `torch_dtype` (earlier versions): torch's names
    /// `float32`, `float16`, `bfloat16`, `float64` (a `torch.` prefix allowed); float32 when neither is given,
    /// as `from_config` builds float32 models by default.
    func storageType() throws -> StorageType {
        guard let (name, value) = value(["dtype", "torch_dtype"]) else { return .float32 }
        let text = value.string.map { $0.hasPrefix("torch.") ? String($0.dropFirst("torch.".count)) : $0 }
        guard let text, ["float32", "float16", "bfloat16", "float64"].contains(text), let type = StorageType(name: text) else {
            throw error("field \"\(name)\" must be one of float32, float16, bfloat16, float64, got \(value.rendered)")
        }
        return type
    }
}
