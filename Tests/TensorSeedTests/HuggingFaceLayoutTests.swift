import Foundation
import XCTest
@testable import TensorSeed

/// `HuggingFaceConfig`: the tensors of a transformers config.json against what transformers' `save_pretrained`
/// writes (Fixtures/hf_layouts.txt, from Tests/reference/hf_layouts.py), and the presets built on it.
final class HuggingFaceLayoutTests: XCTestCase {
    /// One line of hf_layouts.txt: a saved tensor and how transformers initialized it.
    private struct SavedTensor: Equatable {
        var name: String
        var dtype: String
        var shape: [Int]
        /// "zeros", "ones" or "std=<sample std>".
        var initialization: String
    }

    private static func savedTensors() throws -> [String: [SavedTensor]] {
        var byConfig: [String: [SavedTensor]] = [:]
        for line in try RepositoryFile.text(RepositoryFile.fixture("hf_layouts.txt")).split(separator: "\n") where !line.hasPrefix("#") {
            let fields = line.split(separator: " ").map(String.init)
            XCTAssertEqual(fields.count, 5, String(line))
            let shape = fields[3].split(separator: ",").map { Int($0)! }
            byConfig[fields[0], default: []].append(SavedTensor(name: fields[1], dtype: fields[2], shape: shape, initialization: fields[4]))
        }
        return byConfig
    }

    private static func configPath(_ name: String) -> String { RepositoryFile.fixture("hf_configs").appendingPathComponent(name).path }

    private func configError(_ json: String) -> String {
        do { _ = try HuggingFaceConfig.parse(json: Data(json.utf8)); return "no error" } catch { return "\(error)" }
    }

    func testNamesShapesAndDtypesAreWhatSavePretrainedWrites() throws {
        let saved = try Self.savedTensors()
        let configs = try FileManager.default.contentsOfDirectory(atPath: RepositoryFile.fixture("hf_configs").path).filter { $0.hasSuffix(".json") }
        XCTAssertEqual(Set(saved.keys), Set(configs), "every fixture config has its save_pretrained listing")
        XCTAssertEqual(Set(try configs.map { try HuggingFaceConfig.read(path: Self.configPath($0)).modelType }), Set(HuggingFaceConfig.ModelType.allCases),
                       "every supported model_type is checked against transformers")
        for config in configs.sorted() {
            let plan = try HuggingFaceConfig.read(path: Self.configPath(config)).plan(seed: 0)
            let planned = plan.tensors.map { "\($0.name) \($0.dtype.rawValue) \($0.shape)" }.sorted()
            let expected = saved[config]!.map { "\($0.name) \($0.dtype) \($0.shape)" }.sorted()
            XCTAssertEqual(planned, expected, config)
        }
    }

    func testSchemesMatchTheInitializationTransformersDid() throws {
        for (config, tensors) in try Self.savedTensors() {
            let plan = try HuggingFaceConfig.read(path: Self.configPath(config)).plan(seed: 0)
            let schemes = Dictionary(uniqueKeysWithValues: plan.tensors.map { ($0.name, $0.scheme) })
            for tensor in tensors {
                let scheme = schemes[tensor.name]
                switch tensor.initialization {
                case "zeros": XCTAssertEqual(scheme, .zeros, "\(config) \(tensor.name)")
                case "ones": XCTAssertEqual(scheme, .ones, "\(config) \(tensor.name)")
                default:
                    // A sample std of >= 1536 draws is within about 2% of the true one; 10% separates every
                    // std used here (0.01, 0.02, 0.05 and the residual 0.02/√4, 0.05/√6).
                    let sample = Double(tensor.initialization.dropFirst("std=".count))!
                    guard case let .normal(mean, std) = scheme else { XCTFail("\(config) \(tensor.name): \(String(describing: scheme))"); continue }
                    XCTAssertEqual(mean, 0)
                    XCTAssertEqual(sample, std, accuracy: 0.1 * std, "\(config) \(tensor.name)")
                }
            }
        }
    }

    func testSchemesAreInitWeightsRules() throws {
        // The facts of transformers 5 `_init_weights` (modeling_gpt2.py, modeling_utils.py), stated directly.
        let gpt2 = try HuggingFaceConfig.read(path: Self.configPath("gpt2_tiny_untied.json"))
        XCTAssertEqual(gpt2.layerCount, 3)
        for job in try gpt2.plan(seed: 0).tensors {
            if job.name.hasSuffix(".bias") {
                XCTAssertEqual(job.scheme, .zeros, job.name)
            } else if job.name.contains(".ln_") {
                XCTAssertEqual(job.scheme, .ones, job.name)
            } else if job.name.hasSuffix("c_proj.weight") {
                XCTAssertEqual(job.scheme, .normal(mean: 0, std: 0.05 / 6.0.squareRoot()), job.name)   // 1/√(2·n_layer)
            } else {
                XCTAssertEqual(job.scheme, .normal(mean: 0, std: 0.05), job.name)
            }
        }
        let llama = try HuggingFaceConfig.read(path: Self.configPath("llama_tiny_bias_head_dim.json"))
        XCTAssertEqual([llama.headDimension, llama.keyValueHeadCount, llama.intermediateSize], [24, 1, 96])
        for job in try llama.plan(seed: 0).tensors {
            let expected: InitScheme = job.name.hasSuffix(".bias") ? .zeros : job.name.contains("norm") ? .ones : .normal(mean: 0, std: 0.01)
            XCTAssertEqual(job.scheme, expected, job.name)
        }
        // `initializer_range or 0.02`: 0 falls back to 0.02 in the base rule, GPT-2's Conv1D rule takes it as is.
        let zeroRange = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "gpt2", "n_layer": 1, "n_embd": 8, "n_head": 2, "vocab_size": 5, "n_positions": 4, "initializer_range": 0}"#.utf8)).plan(seed: 0)
        XCTAssertEqual(zeroRange.tensors.first { $0.name == "transformer.wte.weight" }?.scheme, .normal(mean: 0, std: 0.02))
        XCTAssertEqual(zeroRange.tensors.first { $0.name == "transformer.h.0.attn.c_attn.weight" }?.scheme, .normal(mean: 0, std: 0))
    }

    /// Fixtures/hf_padding_row.txt: with `pad_token_id`, transformers zeroes that embedding row (Llama family).
    func testPadTokenRowIsZeroAsTransformersMakesIt() throws {
        let facts = try RepositoryFile.text(RepositoryFile.fixture("hf_padding_row.txt")).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertEqual(facts.count, 3)
        for fact in facts {
            let parts = fact.split(separator: " ")
            let (type, row) = (String(parts[0]), Int(parts[1])!)
            XCTAssertEqual(Double(parts[2]), 0, "transformers zeroed the row")
            let config = try HuggingFaceConfig.parse(json: Data("""
                {"model_type": "\(type)", "vocab_size": 50, "hidden_size": 16, "intermediate_size": 32, "num_hidden_layers": 1,
                 "num_attention_heads": 2, "num_key_value_heads": 1, "pad_token_id": \(row), "initializer_range": 0.5}
                """.utf8))
            let job = try XCTUnwrap(config.plan(seed: 0).tensors.first { $0.name == "model.embed_tokens.weight" })
            XCTAssertEqual(job.recipe, .zeroRow(row: row, columns: 16, std: 0.5), type)
            var values = [Float]()
            try TensorGenerator(seed: 0).fill(&values, tensor: job.name, shape: job.shape, scheme: job.scheme, on: .cpu)
            XCTAssertTrue(values[(row * 16)..<(row * 16 + 16)].allSatisfy { $0 == 0 }, type)
            let rest = values[0..<(row * 16)] + values[(row * 16 + 16)...]
            let std = (rest.map { Double($0 * $0) }.reduce(0, +) / Double(rest.count)).squareRoot()
            XCTAssertEqual(std, 0.5, accuracy: 0.05, "\(type): the other rows are N(0, initializer_range)")
        }
    }

    func testPresetsAreTheirConfigsAndUnchanged() throws {
        // Fixtures/preset_plans_e69844a.txt lists the presets' plans as written by hand before this code existed.
        var expected: [String: [String]] = [:]
        for line in try RepositoryFile.text(RepositoryFile.fixture("preset_plans_e69844a.txt")).split(separator: "\n") where !line.hasPrefix("#") {
            let preset = String(line.prefix { $0 != " " })
            expected[preset, default: []].append(String(line.dropFirst(preset.count + 1)))
        }
        XCTAssertEqual(Set(expected.keys), ["gpt2-small", "llama-7b"])
        for preset in [ModelPreset.gpt2Small, .llama7B] {
            let listed = try preset.plan(seed: 0).tensors.map {
                "\($0.name) \($0.dtype.rawValue) \($0.shape.map(String.init).joined(separator: ",")) \(SchemeJSON.value(of: $0.scheme).rendered)"
            }
            XCTAssertEqual(listed, expected[preset.rawValue], preset.rawValue)
            XCTAssertEqual(try preset.huggingFaceConfig()?.plan(seed: 0), try preset.plan(seed: 0))
        }
        XCTAssertEqual(ModelPreset.llama7B.defaultType, .bfloat16)
        XCTAssertEqual(ModelPreset.gpt2Small.defaultType, .float32)
        XCTAssertNil(try ModelPreset.mlpMNIST.huggingFaceConfig())
        XCTAssertEqual(try ModelPreset.llama7B.plan(seed: 3, dtype: .float16).tensors.map(\.dtype), Array(repeating: .float16, count: 291))
    }

    func testConfigsAreFoundByFolderOrModelType() throws {
        let temporary = try TemporaryFolder(prefix: "tensorseed-hf")
        defer { temporary.remove() }
        let folder = temporary.url
        XCTAssertFalse(HuggingFaceConfig.isConfig(path: folder.path))
        try FileManager.default.copyItem(atPath: Self.configPath("qwen2_tiny.json"), toPath: folder.appendingPathComponent("config.json").path)
        XCTAssertTrue(HuggingFaceConfig.isConfig(path: folder.path))
        XCTAssertEqual(try HuggingFaceConfig.read(path: folder.path), try HuggingFaceConfig.read(path: Self.configPath("qwen2_tiny.json")))
        XCTAssertTrue(HuggingFaceConfig.isConfig(path: Self.configPath("gpt2_tiny.json")))
        let spec = folder.appendingPathComponent("spec.json")
        try Data(#"{"tensors": [], "rules": []}"#.utf8).write(to: spec)
        XCTAssertFalse(HuggingFaceConfig.isConfig(path: spec.path))
        XCTAssertFalse(HuggingFaceConfig.isConfig(path: folder.appendingPathComponent("absent.json").path))
    }

    func testDefaultsAndAliasesAreTheConfigClasses() throws {
        let gpt2 = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "gpt2", "hidden_size": 64, "num_attention_heads": 4, "max_position_embeddings": 16}"#.utf8))
        XCTAssertEqual([gpt2.hiddenSize, gpt2.headCount, gpt2.positionCount, gpt2.intermediateSize, gpt2.layerCount, gpt2.vocabularySize], [64, 4, 16, 256, 12, 50257])
        XCTAssertTrue(gpt2.tieWordEmbeddings)
        let mistral = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "mistral", "head_dim": null, "torch_dtype": "torch.bfloat16"}"#.utf8))
        XCTAssertEqual([mistral.intermediateSize, mistral.keyValueHeadCount, mistral.headDimension], [14336, 8, 128])
        XCTAssertEqual(mistral.dtype, .bfloat16)
        let llama = try HuggingFaceConfig.parse(json: Data(#"{"model_type": "llama", "num_attention_heads": 8, "pad_token_id": 0}"#.utf8))
        XCTAssertEqual([llama.keyValueHeadCount, llama.headDimension], [8, 512])
        XCTAssertEqual(llama.paddingIndex, 0)
        XCTAssertEqual(try HuggingFaceConfig.parse(json: Data(#"{"model_type": "qwen2"}"#.utf8)).vocabularySize, 151936)
    }

    func testConfigErrorsAreOneLineNamingFileAndField() {
        XCTAssertEqual(configError(#"{"model_type": "bert"}"#), "config.json: model_type \"bert\" is not built in (supported: gpt2, llama, mistral, qwen2); "
                       + "any transformers architecture: python3 -m tensorseed.hf config.json --output DIR/ (or --spec spec.json for tensorseed init)")
        XCTAssertEqual(configError(#"{"vocab_size": 5}"#), "config.json: field \"model_type\" is missing (supported: gpt2, llama, mistral, qwen2)")
        XCTAssertEqual(configError(#"{"model_type": "llama", "hidden_size": -4}"#), "config.json: field \"hidden_size\" must be an integer in 1...2147483647, got -4")
        XCTAssertEqual(configError(#"{"model_type": "llama", "hidden_size": 100, "num_attention_heads": 3}"#),
                       "config.json: hidden_size (100) must be divisible by num_attention_heads (3)")
        XCTAssertEqual(configError(#"{"model_type": "gpt2", "n_embd": 10, "n_head": 4}"#), "config.json: n_embd (10) must be divisible by n_head (4)")
        XCTAssertEqual(configError(#"{"model_type": "llama", "vocab_size": 64, "pad_token_id": 64}"#),
                       "config.json: field \"pad_token_id\" 64 must be below vocab_size 64")
        XCTAssertEqual(configError(#"{"model_type": "gpt2", "architectures": ["GPT2Model"]}"#),
                       "config.json: architecture \"GPT2Model\" is not supported: TensorSeed writes the layout of GPT2LMHeadModel")
        XCTAssertTrue(configError(#"{"model_type": "gpt2", "add_cross_attention": true}"#).contains("add_cross_attention is not supported"))
        XCTAssertEqual(configError(#"{"model_type": "llama", "torch_dtype": "int8"}"#),
                       "config.json: field \"torch_dtype\" must be one of float32, float16, bfloat16, float64, got \"int8\"")
        XCTAssertEqual(configError(#"{"model_type": "llama", "tie_word_embeddings": "yes"}"#), "config.json: field \"tie_word_embeddings\" must be true or false, got \"yes\"")
        XCTAssertEqual(configError(#"{"model_type": "llama", "initializer_range": "nan"}"#), "config.json: field \"initializer_range\" must be a number >= 0, got \"nan\"")
        XCTAssertTrue(configError("{").hasPrefix("config.json: invalid JSON"), configError("{"))
        XCTAssertEqual(configError("[]"), "config.json: must be a JSON object, got an array")
        XCTAssertThrowsError(try HuggingFaceConfig.read(path: "/nonexistent/config.json")) {
            XCTAssertEqual("\($0)", "/nonexistent/config.json: cannot read the config file: no such file")
        }
    }
}
