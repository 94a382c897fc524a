/// The Llama family (transformers `models/llama`, `models/mistral`, `models/qwen2`): config fields and the
/// tensors `save_pretrained` writes for `*ForCausalLM`.
///
/// The three share one layout: `model.embed_tokens`, per layer `self_attn.{q,k,v,o}_proj`,
/// `mlp.{gate,up,down}_proj`, `input_layernorm`, `post_attention_layernorm` (RMSNorm, weight only), then
/// `model.norm` and an untied `lm_head`. `nn.Linear` weights are [out, in]; with grouped-query attention
/// `k_proj`/`v_proj` are [num_key_value_heads · head_dim, hidden_size]. They differ in biases: Llama has
/// q/k/v/o biases when `attention_bias` and MLP biases when `mlp_bias`; Qwen2 always has q/k/v biases and
/// no others; Mistral has none. None of the three overrides `_init_weights`, so the base class's rule holds
/// (transformers 5 `PreTrainedModel._init_weights`): Linear and Embedding weights normal(0, `initializer_range
/// or 0.02`), biases zeros, RMSNorm weights ones.
enum LlamaLayout {
    /// Defaults of the family's config class (transformers 5 `configuration_*.py`).
    private struct Defaults {
        var vocabularySize: Int, hiddenSize: Int, intermediateSize: Int, layers: Int, heads: Int
        /// nil: equal to the number of attention heads.
        var keyValueHeads: Int?
    }

    private static func defaults(_ type: HuggingFaceConfig.ModelType) -> Defaults {
        switch type {
        case .mistral: return Defaults(vocabularySize: 32000, hiddenSize: 4096, intermediateSize: 14336, layers: 32, heads: 32, keyValueHeads: 8)
        case .qwen2: return Defaults(vocabularySize: 151936, hiddenSize: 4096, intermediateSize: 22016, layers: 32, heads: 32, keyValueHeads: 32)
        default: return Defaults(vocabularySize: 32000, hiddenSize: 4096, intermediateSize: 11008, layers: 32, heads: 32, keyValueHeads: nil)
        }
    }

    /// Reads the fields of `type` (llama, mistral or qwen2).
    static func config(_ fields: ConfigFields, type: HuggingFaceConfig.ModelType) throws -> HuggingFaceConfig {
        let d = defaults(type)
        let hidden = try fields.positiveInt(["hidden_size"], default: d.hiddenSize)
        let heads = try fields.positiveInt(["num_attention_heads"], default: d.heads)
        let headDimension = try fields.optionalPositiveInt(["head_dim"])
        // LlamaConfig.validate_architecture raises on this; the others floor-divide when head_dim is absent.
        if type == .llama || headDimension == nil, hidden % heads != 0 {
            throw HuggingFaceConfigError(path: fields.path, message: "hidden_size (\(hidden)) must be divisible by num_attention_heads (\(heads))")
        }
        let keyValueHeads = try fields.positiveInt(["num_key_value_heads"], default: d.keyValueHeads ?? heads)
        let vocabulary = try fields.positiveInt(["vocab_size"], default: d.vocabularySize)
        let padding = try fields.optionalIndex("pad_token_id")
        // The embedding's padding_idx is a row of it: nn.Embedding refuses one outside it.
        if let padding, padding >= vocabulary {
            throw HuggingFaceConfigError(path: fields.path, message: "field \"pad_token_id\" \(padding) must be below vocab_size \(vocabulary)")
        }
        return HuggingFaceConfig(
            modelType: type,
            vocabularySize: vocabulary,
            hiddenSize: hidden,
            layerCount: try fields.positiveInt(["num_hidden_layers"], default: d.layers),
            headCount: heads,
            keyValueHeadCount: keyValueHeads,
            headDimension: headDimension ?? hidden / heads,
            intermediateSize: try fields.positiveInt(["intermediate_size"], default: d.intermediateSize),
            positionCount: 0,
            initializerRange: try fields.standardDeviation("initializer_range", default: 0.02),
            tieWordEmbeddings: try fields.bool("tie_word_embeddings", default: false),
            attentionBias: type == .llama ? try fields.bool("attention_bias", default: false) : type == .qwen2,
            mlpBias: type == .llama ? try fields.bool("mlp_bias", default: false) : false,
            paddingIndex: padding,
            dtype: try fields.storageType())
    }

    /// The tensors in module order (as `state_dict` lists them).
    static func tensors(_ config: HuggingFaceConfig) -> [ConfigTensor] {
        let d = config.hiddenSize, inner = config.intermediateSize
        let queries = config.headCount * config.headDimension, keys = config.keyValueHeadCount * config.headDimension
        let weightStd = config.initializerRange == 0 ? 0.02 : config.initializerRange
        let weight = InitScheme.normal(mean: 0, std: weightStd)
        // Qwen2 has biases on q/k/v only; Llama's attention_bias covers o_proj too.
        let outputBias = config.attentionBias && config.modelType == .llama
        var out: [ConfigTensor] = []
        func linear(_ name: String, out rows: Int, in columns: Int, bias: Bool) {
            out.append((name + ".weight", [rows, columns], weight))
            if bias { out.append((name + ".bias", [rows], .zeros)) }
        }
        // `_init_weights` zeroes the `padding_idx` (pad_token_id) row of the token embedding.
        let embedding = config.paddingIndex.map { InitScheme.embedding(paddingIndex: $0, std: weightStd) } ?? weight
        out.append(("model.embed_tokens.weight", [config.vocabularySize, d], embedding))
        for i in 0..<config.layerCount {
            let p = "model.layers.\(i)."
            linear(p + "self_attn.q_proj", out: queries, in: d, bias: config.attentionBias)
            linear(p + "self_attn.k_proj", out: keys, in: d, bias: config.attentionBias)
            linear(p + "self_attn.v_proj", out: keys, in: d, bias: config.attentionBias)
            linear(p + "self_attn.o_proj", out: d, in: queries, bias: outputBias)
            linear(p + "mlp.gate_proj", out: inner, in: d, bias: config.mlpBias)
            linear(p + "mlp.up_proj", out: inner, in: d, bias: config.mlpBias)
            linear(p + "mlp.down_proj", out: d, in: inner, bias: config.mlpBias)
            out.append((p + "input_layernorm.weight", [d], .ones))
            out.append((p + "post_attention_layernorm.weight", [d], .ones))
        }
        out.append(("model.norm.weight", [d], .ones))
        if !config.tieWordEmbeddings { out.append(("lm_head.weight", [config.vocabularySize, d], weight)) }
        return out
    }
}
