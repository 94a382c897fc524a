/// `GPT2LMHeadModel` (transformers `models/gpt2`): its config fields and the tensors `save_pretrained` writes.
///
/// Initialization as `GPT2PreTrainedModel._init_weights` (transformers 5): the embeddings `wte`, `wpe` and an
/// untied `lm_head` are normal(0, `initializer_range or 0.02`) (the base class's `nn.Embedding` / `nn.Linear`
/// rule); every `Conv1D` weight is normal(0, `initializer_range`) with a zero bias; the two residual
/// projections `attn.c_proj` and `mlp.c_proj` are then redrawn with std `initializer_range / √(2 · n_layer)`
/// (the GPT-2 paper's scaling, two residual paths per block); LayerNorms are weight ones, bias zeros.
/// `Conv1D` stores its weight as (in, out), so `c_attn` is [n_embd, 3 · n_embd].
enum GPT2Layout {
    /// Reads the GPT-2 fields; names and defaults as `GPT2Config` (its `attribute_map` aliases accepted).
    static func config(_ fields: ConfigFields) throws -> HuggingFaceConfig {
        let hidden = try fields.positiveInt(["n_embd", "hidden_size"], default: 768)
        let heads = try fields.positiveInt(["n_head", "num_attention_heads"], default: 12)
        guard hidden % heads == 0 else {
            // GPT2Attention raises the same.
            throw HuggingFaceConfigError(path: fields.path, message: "n_embd (\(hidden)) must be divisible by n_head (\(heads))")
        }
        if try fields.bool("add_cross_attention", default: false) {
            throw HuggingFaceConfigError(path: fields.path, message: "add_cross_attention is not supported (the layout is GPT2LMHeadModel without cross-attention)")
        }
        return HuggingFaceConfig(
            modelType: .gpt2,
            vocabularySize: try fields.positiveInt(["vocab_size"], default: 50257),
            hiddenSize: hidden,
            layerCount: try fields.positiveInt(["n_layer", "num_hidden_layers"], default: 12),
            headCount: heads,
            keyValueHeadCount: heads,
            headDimension: hidden / heads,
            intermediateSize: try fields.positiveInt(["n_inner"], default: 4 * hidden),
            positionCount: try fields.positiveInt(["n_positions", "max_position_embeddings"], default: 1024),
            initializerRange: try fields.standardDeviation("initializer_range", default: 0.02),
            tieWordEmbeddings: try fields.bool("tie_word_embeddings", default: true),
            attentionBias: true,
            mlpBias: true,
            paddingIndex: nil,   // GPT2Model's wte has no padding_idx
            dtype: try fields.storageType())
    }

    /// The tensors in module order (as `state_dict` lists them).
    static func tensors(_ config: HuggingFaceConfig) -> [ConfigTensor] {
        let d = config.hiddenSize, inner = config.intermediateSize
        // The base class's rule reads `initializer_range or 0.02`; GPT-2's own Conv1D rule reads it as is.
        let baseStd = config.initializerRange == 0 ? 0.02 : config.initializerRange
        let embedding = InitScheme.normal(mean: 0, std: baseStd)
        let weight = InitScheme.normal(mean: 0, std: config.initializerRange)
        let residual = InitScheme.normal(mean: 0, std: config.initializerRange / Double(2 * config.layerCount).squareRoot())
        var out: [ConfigTensor] = []
        func add(_ name: String, _ shape: [Int], _ scheme: InitScheme) { out.append((name, shape, scheme)) }
        add("transformer.wte.weight", [config.vocabularySize, d], embedding)
        add("transformer.wpe.weight", [config.positionCount, d], embedding)
        for i in 0..<config.layerCount {
            let p = "transformer.h.\(i)."
            add(p + "ln_1.weight", [d], .ones)
            add(p + "ln_1.bias", [d], .zeros)
            add(p + "attn.c_attn.weight", [d, 3 * d], weight)
            add(p + "attn.c_attn.bias", [3 * d], .zeros)
            add(p + "attn.c_proj.weight", [d, d], residual)
            add(p + "attn.c_proj.bias", [d], .zeros)
            add(p + "ln_2.weight", [d], .ones)
            add(p + "ln_2.bias", [d], .zeros)
            add(p + "mlp.c_fc.weight", [d, inner], weight)
            add(p + "mlp.c_fc.bias", [inner], .zeros)
            add(p + "mlp.c_proj.weight", [inner, d], residual)
            add(p + "mlp.c_proj.bias", [d], .zeros)
        }
        add("transformer.ln_f.weight", [d], .ones)
        add("transformer.ln_f.bias", [d], .zeros)
        if !config.tieWordEmbeddings { add("lm_head.weight", [config.vocabularySize, d], embedding) }
        return out
    }
}
