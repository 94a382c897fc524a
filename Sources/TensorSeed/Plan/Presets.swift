/// Model layouts built into the binary: the tensor names and shapes that PyTorch / Hugging Face
/// `transformers` create, initialized as those libraries do.
public enum ModelPreset: String, Sendable, CaseIterable {
    /// `nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 10))` with PyTorch's defaults.
    case mlpMNIST = "mlp-mnist"
    /// `GPT2LMHeadModel` (124M), as `transformers`' `_init_weights`; `lm_head` is tied to `wte` and not written.
    case gpt2Small = "gpt2-small"
    /// `LlamaForCausalLM` (Llama 1/2 7B), as `transformers`' `_init_weights`, bfloat16 by default.
    case llama7B = "llama-7b"

    /// The preset `tensorseed init` uses when given no spec.
    public static let defaultPreset = ModelPreset.mlpMNIST

    /// One line for `--list-presets`.
    public var summary: String {
        switch self {
        case .mlpMNIST: return "Linear 784->256, ReLU, Linear 256->10 (torch defaults: kaiming_uniform a=sqrt(5), bias U(+-1/sqrt(fan_in))), f32"
        case .gpt2Small: return "GPT2LMHeadModel, 12 layers, d=768 (normal 0.02, c_proj 0.02/sqrt(24), LayerNorm ones/zeros, lm_head tied), f32"
        case .llama7B: return "LlamaForCausalLM, 32 layers, d=4096, MLP 11008 (normal 0.02, RMSNorm ones, untied lm_head), bf16"
        }
    }

    /// The storage type used unless `--dtype` says otherwise.
    public var defaultType: StorageType { ((try? huggingFaceConfig()) ?? nil)?.dtype ?? .float32 }

    /// The transformers config the preset is (nil for `mlp-mnist`): the sizes of GPT-2 small (124M) and
    /// Llama 2 7B, planned by `HuggingFaceConfig` like any config.json, so the layouts have one source.
    public func huggingFaceConfig() throws -> HuggingFaceConfig? {
        let members: [JSONKey: JSONValue]
        switch self {
        case .mlpMNIST: return nil
        case .gpt2Small:
            members = ["model_type": .string("gpt2"), "vocab_size": .integer(50257), "n_positions": .integer(1024),
                       "n_embd": .integer(768), "n_layer": .integer(12), "n_head": .integer(12),
                       "initializer_range": .double(0.02), "tie_word_embeddings": .bool(true), "torch_dtype": .string("float32")]
        case .llama7B:
            members = ["model_type": .string("llama"), "vocab_size": .integer(32000), "hidden_size": .integer(4096),
                       "intermediate_size": .integer(11008), "num_hidden_layers": .integer(32), "num_attention_heads": .integer(32),
                       "num_key_value_heads": .integer(32), "initializer_range": .double(0.02), "tie_word_embeddings": .bool(false),
                       "torch_dtype": .string("bfloat16")]
        }
        return try HuggingFaceConfig.parse(members: members, path: "preset \(rawValue)")
    }

    /// The plan for `seed`, stored as `dtype` (default `defaultType`).
    public func plan(seed: UInt64, dtype: StorageType? = nil) throws -> ModelPlan {
        if let config = try huggingFaceConfig() { return try config.plan(seed: seed, dtype: dtype) }
        let type = dtype ?? defaultType
        var jobs: [TensorJob] = []
        func add(_ name: String, _ shape: [Int], _ scheme: InitScheme) throws {
            jobs.append(try TensorJob(name: name, shape: shape, dtype: type, scheme: scheme))
        }
        // mlp-mnist: the only preset that is not a transformers config.
        for (index, (inputs, outputs)) in [(0, (784, 256)), (2, (256, 10))] {
            let weight = [outputs, inputs]
            try add("\(index).weight", weight, TorchModuleDefaults.weightOfLinearOrConv)
            try add("\(index).bias", [outputs], try TorchModuleDefaults.biasOfLinearOrConv(weightShape: weight))
        }
        return try ModelPlan(seed: seed, tensors: jobs)
    }
}
