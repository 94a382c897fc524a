extension ConfigFields {
    /// The special-token fields `generation_config.json` copies from the config (`HuggingFaceFolder`).
    static let tokenIDNames = ["bos_token_id", "eos_token_id", "pad_token_id"]

    /// Refuses a `bos_token_id`, `eos_token_id` or `pad_token_id` that is not null or an integer (and, for
    /// `eos_token_id`, a list of integers), as the config classes of transformers 5.24 declare them
    /// (LlamaConfig, MistralConfig, Qwen2Config, GPT2Config: `bos_token_id: int | None`, `pad_token_id:
    /// int | None`, `eos_token_id: int | list[int] | None`, checked strictly when the config loads), so that
    /// the folder written loads. The range of each id is left to the layouts (`LlamaLayout` checks the pad token).
    func checkTokenIDs() throws {
        for name in ConfigFields.tokenIDNames {
            guard let value = members[name] else { continue }
            let isList = name == "eos_token_id"
            if ConfigFields.isInteger(value) || value == .null { continue }
            if isList, let items = value.array, items.allSatisfy(ConfigFields.isInteger) { continue }
            let wanted = isList ? "null, an integer or a list of integers" : "null or an integer"
            throw HuggingFaceConfigError(path: path, message: "field \"\(name)\" must be \(wanted), got \(value.rendered)")
        }
    }

    /// Whether `value` is a JSON integer (no fraction, no exponent, no quotes).
    private static func isInteger(_ value: JSONValue) -> Bool {
        switch value {
        case .integer, .unsigned: return true
        default: return false
        }
    }
}
