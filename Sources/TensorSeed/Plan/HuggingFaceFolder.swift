/// The files beside the weights that make a folder loadable by transformers' `from_pretrained`, as its
/// `save_pretrained` writes them: `config.json` and, for the causal language models TensorSeed knows
/// (all of which can generate), `generation_config.json`.
public enum HuggingFaceFolder {
    /// The config file's name.
    public static let configName = "config.json"
    /// The generation config file's name.
    public static let generationConfigName = "generation_config.json"

    /// `config.json` and `generation_config.json` for weights of `config` stored as `dtype`, by file name.
    public static func files(of config: HuggingFaceConfig, dtype: StorageType) -> [(name: String, bytes: [UInt8])] {
        [(configName, Array(savedConfig(config, dtype: dtype).indented.utf8)),
         (generationConfigName, Array(generationConfig(config).indented.utf8))]
    }

    /// The input config with `dtype` (transformers 5) and `torch_dtype` (earlier versions, which ignore
    /// `dtype`) set to the storage type written, so that `from_pretrained` loads the weights in it (absent,
    /// transformers loads float32), and `architectures` set to the class whose layout was written when absent.
    /// Every other member is kept as read.
    public static func savedConfig(_ config: HuggingFaceConfig, dtype: StorageType) -> JSONValue {
        var members = config.members
        members["model_type"] = .string(config.modelType.rawValue)
        members["dtype"] = .string(dtype.torchName)
        members["torch_dtype"] = .string(dtype.torchName)
        if members["architectures"]?.array?.isEmpty ?? true {
            members["architectures"] = .array([.string(config.modelType.causalLMClass)])
        }
        return .object(members)
    }

    /// `generation_config.json` as `GenerationConfig.from_model_config` makes it for a model whose
    /// `save_pretrained` writes one: `_from_model_config` and the config's `bos_token_id`, `eos_token_id`
    /// and `pad_token_id`, each the config's value or, when absent, its config class's default (GPT2Config:
    /// 50256 and 50256; LlamaConfig and MistralConfig: 1 and 2; Qwen2Config: none; no class sets a pad token);
    /// a field given as null is None in the config class, so it is left out, as transformers leaves it out.
    /// Values checked against transformers 5.24 (`GenerationConfig.from_model_config(LlamaConfig())`).
    public static func generationConfig(_ config: HuggingFaceConfig) -> JSONValue {
        var members: [JSONKey: JSONValue] = ["_from_model_config": .bool(true)]
        let defaults: (bos: Int64?, eos: Int64?)
        switch config.modelType {
        case .gpt2: defaults = (50256, 50256)
        case .llama, .mistral: defaults = (1, 2)
        case .qwen2: defaults = (nil, nil)
        }
        for (key, fallback) in [("bos_token_id", defaults.bos), ("eos_token_id", defaults.eos), ("pad_token_id", nil)] {
            switch config.members[key] {
            case .null?: continue   // given as null: the config class keeps None, and nothing is written
            case let value?: members[key] = value
            case nil: if let fallback { members[key] = .integer(fallback) }
            }
        }
        return .object(members)
    }
}

extension StorageType {
    /// torch's name of the type, as `config.json` writes it: float32, float16, bfloat16, float64.
    public var torchName: String {
        switch self {
        case .float32: return "float32"
        case .float16: return "float16"
        case .bfloat16: return "bfloat16"
        case .float64: return "float64"
        }
    }
}
