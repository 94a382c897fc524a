import Foundation

/// A Hugging Face transformers `config.json` of a supported causal language model, read into the sizes
/// that decide its tensors. `plan` gives the tensors `save_pretrained` writes for the model
/// (`GPT2LMHeadModel`, `LlamaForCausalLM`, `MistralForCausalLM`, `Qwen2ForCausalLM`): the same names and
/// shapes, initialized as `_init_weights` does (see `GPT2Layout` and `LlamaLayout`).
///
/// Absent fields take the defaults of the family's config class (transformers 5, `configuration_*.py`).
/// When `pad_token_id` is set, the Llama family's token embedding has that `padding_idx`, whose row
/// `_init_weights` zeroes: TensorSeed's `embedding(paddingIndex:std:)` does the same.
public struct HuggingFaceConfig: Sendable, Hashable {
    /// The `model_type` values TensorSeed knows the layout of.
    public enum ModelType: String, Sendable, Hashable, CaseIterable {
        case gpt2, llama, mistral, qwen2
    }

    public var modelType: ModelType
    public var vocabularySize: Int
    /// `hidden_size` (GPT-2: `n_embd`).
    public var hiddenSize: Int
    /// `num_hidden_layers` (GPT-2: `n_layer`).
    public var layerCount: Int
    /// `num_attention_heads` (GPT-2: `n_head`).
    public var headCount: Int
    /// `num_key_value_heads` (grouped-query attention; GPT-2 has none: equal to `headCount`).
    public var keyValueHeadCount: Int
    /// `head_dim`, default `hiddenSize / headCount`.
    public var headDimension: Int
    /// `intermediate_size` (GPT-2: `n_inner`, default 4 · `n_embd`).
    public var intermediateSize: Int
    /// `n_positions` (GPT-2's learned position embedding; 0 for the rotary families).
    public var positionCount: Int
    /// `initializer_range`: the std of every normal weight (before GPT-2's residual scaling).
    public var initializerRange: Double
    /// `tie_word_embeddings`: a tied `lm_head.weight` is the token embedding and is not written.
    public var tieWordEmbeddings: Bool
    /// Llama's `attention_bias` (q/k/v/o biases) and `mlp_bias`; Qwen2 always has q/k/v biases.
    public var attentionBias: Bool
    public var mlpBias: Bool
    /// `pad_token_id`: the token embedding's `padding_idx`, whose row `_init_weights` zeroes (Llama family).
    public var paddingIndex: Int?
    /// `dtype` / `torch_dtype`: the storage type unless `--dtype` says otherwise.
    public var dtype: StorageType
    /// Every member of the file as read, kept for the `config.json` written beside the weights (`HuggingFaceFolder`).
    public var members: [JSONKey: JSONValue] = [:]

    /// Reads the config at `path`: a `config.json` file, or a folder holding one.
    public static func read(path: String) throws -> HuggingFaceConfig {
        let file = isFolder(path) ? (path.hasSuffix("/") ? path : path + "/") + "config.json" : path
        let data: Data
        do { data = try InputFile.contents(file, limit: ModelSpec.maximumFileBytes, what: "the config file") } catch let error as InputFileError {
            throw HuggingFaceConfigError(path: file, message: "cannot read the config file: \(error.message)")
        }
        return try parse(json: data, path: file)
    }

    /// Parses a config's JSON text (`path` names it in errors).
    public static func parse(json data: Data, path: String = "config.json") throws -> HuggingFaceConfig {
        let root: JSONValue
        do { root = try JSONValue.parse(data) } catch { throw HuggingFaceConfigError(path: path, message: "\(error)") }
        guard let members = root.object else { throw HuggingFaceConfigError(path: path, message: "must be a JSON object, got \(root.kind)") }
        return try parse(members: members, path: path)
    }

    /// Reads a config from its members.
    public static func parse(members: [JSONKey: JSONValue], path: String = "config.json") throws -> HuggingFaceConfig {
        let fields = ConfigFields(members: members, path: path)
        let supported = ModelType.allCases.map(\.rawValue).joined(separator: ", ")
        guard let typeName = try fields.string("model_type") else {
            throw HuggingFaceConfigError(path: path, message: "field \"model_type\" is missing (supported: \(supported))")
        }
        guard let type = ModelType(rawValue: typeName) else {
            throw HuggingFaceConfigError(path: path, message: "model_type \"\(typeName)\" is not built in (supported: \(supported)); any transformers "
                                         + "architecture: python3 -m tensorseed.hf \(path) --output DIR/ (or --spec spec.json for tensorseed init)")
        }
        let architectures = members["architectures"]?.array?.compactMap(\.string) ?? []
        if let other = architectures.first(where: { $0 != type.causalLMClass }) {
            throw HuggingFaceConfigError(path: path, message: "architecture \"\(other)\" is not supported: TensorSeed writes the layout of \(type.causalLMClass)")
        }
        try fields.checkTokenIDs()
        var config: HuggingFaceConfig
        switch type {
        case .gpt2: config = try GPT2Layout.config(fields)
        case .llama, .mistral, .qwen2: config = try LlamaLayout.config(fields, type: type)
        }
        // Refused before `plan` builds the tensors: every layer has at least 9 (Llama) or 12 (GPT-2).
        let fewest = config.layerCount * (type == .gpt2 ? 12 : 9)
        do { try ModelPlan.checkTensorCount(fewest, cause: "num_hidden_layers = \(config.layerCount) gives at least \(fewest) tensors") } catch let error as SpecError {
            throw HuggingFaceConfigError(path: path, message: error.message)
        }
        config.members = members
        return config
    }

    /// Whether `path` names a Hugging Face config: a folder holding `config.json`, or a JSON file whose
    /// top level is an object with `"model_type"` (a tensor-list spec has none).
    public static func isConfig(path: String) -> Bool {
        if isFolder(path) { return FileManager.default.fileExists(atPath: (path.hasSuffix("/") ? path : path + "/") + "config.json") }
        guard let data = try? InputFile.contents(path, limit: ModelSpec.maximumFileBytes, what: "the spec file"),
              let root = try? JSONValue.parse(data) else { return false }
        return root.object?["model_type"] != nil
    }

    /// The tensors `save_pretrained` writes, in the model's module order, stored as `dtype` (default: the config's).
    public func plan(seed: UInt64, dtype: StorageType? = nil) throws -> ModelPlan {
        let type = dtype ?? self.dtype
        let tensors: [ConfigTensor]
        switch modelType {
        case .gpt2: tensors = GPT2Layout.tensors(self)
        case .llama, .mistral, .qwen2: tensors = LlamaLayout.tensors(self)
        }
        return try ModelPlan(seed: seed, tensors: tensors.map { try TensorJob(name: $0.name, shape: $0.shape, dtype: type, scheme: $0.scheme) })
    }

    private static func isFolder(_ path: String) -> Bool {
        var folder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &folder) && folder.boolValue
    }
}

extension HuggingFaceConfig.ModelType {
    /// The transformers class whose `save_pretrained` layout TensorSeed writes.
    public var causalLMClass: String {
        switch self {
        case .gpt2: return "GPT2LMHeadModel"
        case .llama: return "LlamaForCausalLM"
        case .mistral: return "MistralForCausalLM"
        case .qwen2: return "Qwen2ForCausalLM"
        }
    }
}

/// One tensor of a config's layout: its name, shape and `_init_weights` scheme.
typealias ConfigTensor = (name: String, shape: [Int], scheme: InitScheme)

/// A `config.json` that cannot be read as a supported model: one line naming the file and the field.
public struct HuggingFaceConfigError: Error, CustomStringConvertible, Equatable {
    public var path: String
    public var message: String
    public var description: String { "\(path): \(message)" }
}
