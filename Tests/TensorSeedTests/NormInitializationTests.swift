import Foundation
import XCTest
@testable import TensorSeed

/// `--like` and norm weights: zeros for the Gemma family's x·(1 + w) norms (told by the config.json beside the
/// file), ones for known x·w families, and a stated guess where the architecture is unknown.
final class NormInitializationTests: XCTestCase {
    private var temporary: TemporaryFolder!
    private var folder: String { temporary.url.path }

    override func setUpWithError() throws { temporary = try TemporaryFolder(prefix: "tensorseed-norm") }

    override func tearDownWithError() throws { temporary.remove() }

    /// A safetensors file of zeros with F32 tensors: `*proj.weight` [4, 4], the others [4].
    private func like(_ names: [String], config: String?) throws -> String {
        var offset = 0
        var entries: [String] = []
        for name in names {
            let square = name.hasSuffix("proj.weight"), bytes = square ? 64 : 16
            entries.append("\"\(name)\": {\"dtype\": \"F32\", \"shape\": [\(square ? "4, 4" : "4")], \"data_offsets\": [\(offset), \(offset + bytes)]}")
            offset += bytes
        }
        let header = Array(("{" + entries.joined(separator: ", ") + "}").utf8)
        var length = UInt64(header.count).littleEndian
        let bytes = withUnsafeBytes(of: &length) { Array($0) } + header + [UInt8](repeating: 0, count: offset)
        let path = folder + "/model.safetensors"
        try Data(bytes).write(to: URL(fileURLWithPath: path))
        if let config { try Data(config.utf8).write(to: URL(fileURLWithPath: folder + "/config.json")) }
        return path
    }

    private func schemes(_ plan: ModelPlan) -> [String: InitScheme] {
        Dictionary(uniqueKeysWithValues: plan.tensors.map { ($0.name, $0.scheme) })
    }

    private let names = ["model.layers.0.input_layernorm.weight", "model.layers.0.self_attn.q_proj.weight", "model.norm.weight",
                         "vision_tower.encoder.layers.0.layer_norm1.weight", "vision_tower.encoder.layers.0.layer_norm1.bias"]

    func testGemmaNormWeightsAreZeros() throws {
        for type in ["gemma", "gemma2", "gemma3", "gemma3_text", "vaultgemma", #"paligemma", "text_config": {"model_type": "gemma2"#] {
            let path = try like(names, config: #"{"model_type": "\#(type)"}"# + (type.contains("{") ? "}" : ""))
            let (plan, notes) = try LikeSpec.planWithNotes(like: path)
            let s = schemes(plan)
            XCTAssertEqual(s["model.layers.0.input_layernorm.weight"], .zeros, type)
            XCTAssertEqual(s["model.norm.weight"], .zeros, type)
            XCTAssertEqual(s["vision_tower.encoder.layers.0.layer_norm1.weight"], .ones, "a LayerNorm (with a bias) is x·w + b (\(type))")
            XCTAssertEqual(s["model.layers.0.self_attn.q_proj.weight"], .normal(mean: 0, std: 0.02), type)
            XCTAssertEqual(notes, [], "a known architecture: no guess (\(type))")
        }
    }

    func testKnownOneCentredAndUnknownArchitectures() throws {
        var (plan, notes) = try LikeSpec.planWithNotes(like: try like(names, config: #"{"model_type": "llama"}"#))
        XCTAssertEqual(schemes(plan)["model.norm.weight"], .ones)
        XCTAssertEqual(notes, [])
        for config in [nil, #"{"model_type": "qwen3_next"}"#, "not json"] {
            try? FileManager.default.removeItem(atPath: folder + "/config.json")
            (plan, notes) = try LikeSpec.planWithNotes(like: try like(names, config: config))
            XCTAssertEqual(schemes(plan)["model.norm.weight"], .ones, "\(config ?? "no config")")
            XCTAssertEqual(notes.count, 1, "\(config ?? "no config")")
            XCTAssertTrue(notes.first?.contains("3 norm weight(s)") == true && notes.first?.contains("a guess") == true
                          && notes.first?.contains("zeros") == true, notes.first ?? "")
        }
        // A rule that covers the norms: nothing is guessed, nothing said.
        let rules = folder + "/rules.json"
        try Data(#"{"rules": [{"pattern": "*norm*", "scheme": {"name": "zeros"}}]}"#.utf8).write(to: URL(fileURLWithPath: rules))
        (plan, notes) = try LikeSpec.planWithNotes(like: folder + "/model.safetensors", spec: rules)
        XCTAssertEqual(schemes(plan)["model.norm.weight"], .zeros)
        XCTAssertEqual(notes, [])
    }
}
