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
    public var defaultType: StorageType { self == .llama7B ? .bfloat16 : .float32 }

    /// The plan for `seed`, stored as `dtype` (default `defaultType`).
    public func plan(seed: UInt64, dtype: StorageType? = nil) throws -> ModelPlan {
        let type = dtype ?? defaultType
        var jobs: [TensorJob] = []
        func add(_ name: String, _ shape: [Int], _ scheme: InitScheme) throws {
            jobs.append(try TensorJob(name: name, shape: shape, dtype: type, scheme: scheme))
        }
        switch self {
        case .mlpMNIST:
            for (index, (inputs, outputs)) in [(0, (784, 256)), (2, (256, 10))] {
                let weight = [outputs, inputs]
                try add("\(index).weight", weight, TorchModuleDefaults.weightOfLinearOrConv)
                try add("\(index).bias", [outputs], try TorchModuleDefaults.biasOfLinearOrConv(weightShape: weight))
            }
        case .gpt2Small:
            let layers = 12, d = 768, std = 0.02
            let weight = InitScheme.normal(mean: 0, std: std)
            let residual = InitScheme.normal(mean: 0, std: std / Double(2 * layers).squareRoot())
            try add("transformer.wte.weight", [50257, d], weight)
            try add("transformer.wpe.weight", [1024, d], weight)
            for i in 0..<layers {
                let p = "transformer.h.\(i)."
                try add(p + "ln_1.weight", [d], .ones)
                try add(p + "ln_1.bias", [d], .zeros)
                try add(p + "attn.c_attn.weight", [d, 3 * d], weight)
                try add(p + "attn.c_attn.bias", [3 * d], .zeros)
                try add(p + "attn.c_proj.weight", [d, d], residual)
                try add(p + "attn.c_proj.bias", [d], .zeros)
                try add(p + "ln_2.weight", [d], .ones)
                try add(p + "ln_2.bias", [d], .zeros)
                try add(p + "mlp.c_fc.weight", [d, 4 * d], weight)
                try add(p + "mlp.c_fc.bias", [4 * d], .zeros)
                try add(p + "mlp.c_proj.weight", [4 * d, d], residual)
                try add(p + "mlp.c_proj.bias", [d], .zeros)
            }
            try add("transformer.ln_f.weight", [d], .ones)
            try add("transformer.ln_f.bias", [d], .zeros)
        case .llama7B:
            let layers = 32, d = 4096, hidden = 11008, vocabulary = 32000
            let weight = InitScheme.normal(mean: 0, std: 0.02)
            try add("model.embed_tokens.weight", [vocabulary, d], weight)
            for i in 0..<layers {
                let p = "model.layers.\(i)."
                for projection in ["q_proj", "k_proj", "v_proj", "o_proj"] {
                    try add(p + "self_attn.\(projection).weight", [d, d], weight)
                }
                try add(p + "mlp.gate_proj.weight", [hidden, d], weight)
                try add(p + "mlp.up_proj.weight", [hidden, d], weight)
                try add(p + "mlp.down_proj.weight", [d, hidden], weight)
                try add(p + "input_layernorm.weight", [d], .ones)
                try add(p + "post_attention_layernorm.weight", [d], .ones)
            }
            try add("model.norm.weight", [d], .ones)
            try add("lm_head.weight", [vocabulary, d], weight)
        }
        return try ModelPlan(seed: seed, tensors: jobs)
    }
}
