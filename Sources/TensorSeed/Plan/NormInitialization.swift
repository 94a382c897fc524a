import Foundation

/// How `--like` initializes the weight of a normalization layer, which depends on how the architecture's
/// norm uses it: most compute x·w and transformers initializes w to ones; the Gemma family computes x·(1 + w) and initialize w to zeros (transformers 5.24, `GemmaPreTrainedModel._init_weights`: "We
/// initialize with 0s to be 1 centered as the RMSNorm here does (1 + weight)"). A safetensors header does not
/// say which; the `model_type` of a `config.json` beside the `--like` file does. Without one naming a family
/// listed here, ones is a guess, and `note` says so.
public enum NormInitialization {
    /// `model_type`s whose RMSNorm weights are zero-centred, x·(1 + w), all of them (transformers 5.24:
    /// `modeling_gemma.py`, `modeling_gemma2.py`, `modeling_gemma3.py`, `modeling_vaultgemma.py`). Qwen3-Next is
    /// not listed: its gated norms in the linear attention are x·w, and their names do not tell them apart.
    public static let zeroCentred: Set<String> = ["gemma", "gemma2", "gemma3", "gemma3_text", "vaultgemma"]
    /// `model_type`s whose norm weights are ones, x·w (their `_init_weights` leave the base class's ones).
    public static let oneCentred: Set<String> = ["gpt2", "llama", "mistral", "mixtral", "qwen2", "qwen2_moe", "qwen3", "qwen3_moe",
                                                 "phi3", "gpt_neox", "opt", "bert", "roberta", "olmo2", "starcoder2"]

    /// The `model_type` of the `config.json` in the folder of `likePath` (or of its `text_config`, for a
    /// multimodal model), or nil when there is none or it cannot be read.
    public static func architecture(besideLike likePath: String) -> String? {
        let folder = URL(fileURLWithPath: likePath).deletingLastPathComponent().path
        guard let data = FileManager.default.contents(atPath: folder + "/config.json"),
              let members = (try? JSONValue.parse(data))?.object else { return nil }
        let own = members["model_type"]?.string
        if let own, zeroCentred.contains(own) || oneCentred.contains(own) { return own }
        return members["text_config"]?.object?["model_type"]?.string ?? own
    }

    /// The scheme of the 1-D norm weight `name` among `names`: zeros in a zero-centred architecture unless the
    /// norm has a bias beside it (a LayerNorm, as in a Gemma 3 vision tower, which is x·w + b), else ones.
    static func scheme(of name: String, names: Set<String>, architecture: String?) -> InitScheme {
        guard let architecture, zeroCentred.contains(architecture) else { return .ones }
        let bias = name.hasSuffix(".weight") ? String(name.dropLast(".weight".count)) + ".bias" : name + ".bias"
        return names.contains(bias) ? .ones : .zeros
    }

    /// What `--like` says about the norm weights it initialized by default (`guessed`: their names), or nil
    /// when there were none or the architecture is known.
    static func note(guessed: [String], architecture: String?, likePath: String) -> String? {
        guard let first = guessed.first else { return nil }
        if let architecture, zeroCentred.contains(architecture) || oneCentred.contains(architecture) { return nil }
        let why = architecture.map { "model_type \"\($0)\" of the config.json beside \(likePath) is not one TensorSeed knows" }
            ?? "no config.json beside \(likePath) names the architecture"
        return "\(guessed.count) norm weight(s) (\"\(first)\"\(guessed.count > 1 ? ", ..." : "")) set to ones, a guess: \(why). "
            + "Architectures whose norm computes x*(1+w) (Gemma, Qwen3-Next) initialize them to zeros: if this is one, "
            + "add the rule {\"pattern\": \"*norm*.weight\", \"scheme\": {\"name\": \"zeros\"}}"
    }
}
