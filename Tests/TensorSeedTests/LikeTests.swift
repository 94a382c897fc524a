import Foundation
import XCTest
@testable import TensorSeed

/// `init --like`: layouts read from safetensors headers and indexes (no data), default schemes by name, user rules.
final class LikeTests: XCTestCase {
    private var folder: TemporaryFolder!

    override func setUpWithError() throws { folder = try TemporaryFolder(prefix: "tensorseed-like") }

    override func tearDownWithError() throws { folder.remove() }

    private func path(_ name: String) -> String { folder.path(name) }

    /// A model with every dtype TensorSeed writes, a norm, biases and an empty tensor.
    private static let source = """
        {"seed": 3, "dtype": "f32",
         "tensors": [{"name": "embed.weight", "shape": [11, 8], "dtype": "bf16"},
                     {"name": "h.0.ln_1.weight", "shape": [8]},
                     {"name": "h.0.attn.weight", "shape": [8, 24], "dtype": "f16"},
                     {"name": "h.0.attn.bias", "shape": [24], "dtype": "f64"},
                     {"name": "h.0.RMSNorm.weight", "shape": [8]},
                     {"name": "h.0.scale", "shape": [8]},
                     {"name": "empty", "shape": [0, 4]}],
         "rules": [{"pattern": "*", "scheme": {"name": "uniform"}}]}
        """

    private func sourcePlan() throws -> ModelPlan { try ModelSpec.plan(json: Data(Self.source.utf8)) }

    private func layoutTriples(_ plan: ModelPlan) -> [String] { plan.tensors.map { "\($0.name) \($0.dtype.rawValue) \($0.shape)" } }

    private func likeError(_ like: String, spec: String? = nil, dtype: StorageType? = nil) -> String {
        do { _ = try LikeSpec.plan(like: like, spec: spec, dtype: dtype); return "no error" } catch { return "\(error)" }
    }

    func testLayoutOfAFileIsItsNamesShapesAndDtypesInDataOrder() throws {
        let source = try sourcePlan()
        _ = try SafetensorsWriter(engine: .cpu).write(source, to: path("m.safetensors"))
        let header = try SafetensorsHeader.read(path: path("m.safetensors"))
        let layout = try LikeLayout.read(path: path("m.safetensors"))
        XCTAssertEqual(layout.tensors.map(\.name), header.entries.map(\.name), "file (data offset) order")
        let plan = try LikeSpec.plan(like: path("m.safetensors"))
        XCTAssertEqual(layoutTriples(plan).sorted(), layoutTriples(source).sorted())
        XCTAssertEqual(plan.tensors.map(\.name), header.entries.map(\.name))
        XCTAssertEqual(plan.seed, 0)

        let schemes = Dictionary(uniqueKeysWithValues: plan.tensors.map { ($0.name, $0.scheme) })
        XCTAssertEqual(schemes["h.0.attn.bias"], .zeros)
        XCTAssertEqual(schemes["h.0.ln_1.weight"], .ones)
        XCTAssertEqual(schemes["h.0.RMSNorm.weight"], .ones)
        XCTAssertEqual(schemes["h.0.scale"], .normal(mean: 0, std: 0.02), "1-D but not a norm")
        XCTAssertEqual(schemes["embed.weight"], .normal(mean: 0, std: 0.02))
        XCTAssertEqual(schemes["h.0.attn.weight"], .normal(mean: 0, std: 0.02))

        let bf16 = try LikeSpec.plan(like: path("m.safetensors"), seed: 9, dtype: .bfloat16)
        XCTAssertTrue(bf16.tensors.allSatisfy { $0.dtype == .bfloat16 })
        XCTAssertEqual(bf16.seed, 9)
    }

    func testUserRulesComeFirstAndSpecSeedAndDtypeApply() throws {
        _ = try SafetensorsWriter(engine: .cpu).write(try sourcePlan(), to: path("m.safetensors"))
        let rules = path("rules.json")
        try Data(#"{"seed": 5, "dtype": "f16", "rules": [{"pattern": "*.attn.weight", "scheme": {"name": "xavier_uniform"}}, {"pattern": "*.bias", "scheme": {"name": "constant", "val": 0.25}}, {"pattern": "embed.*", "scheme": {"name": "constant", "val": 0.5}}]}"#.utf8)
            .write(to: URL(fileURLWithPath: rules))
        let plan = try LikeSpec.plan(like: path("m.safetensors"), spec: rules)
        let schemes = Dictionary(uniqueKeysWithValues: plan.tensors.map { ($0.name, $0.scheme) })
        XCTAssertEqual(schemes["h.0.attn.weight"], .xavierUniform(gain: 1))
        XCTAssertEqual(schemes["h.0.attn.bias"], .constant(0.25), "a user rule wins over the bias default")
        XCTAssertEqual(schemes["embed.weight"], .constant(0.5))
        XCTAssertEqual(schemes["h.0.ln_1.weight"], .ones)
        XCTAssertEqual(plan.seed, 5)
        XCTAssertTrue(plan.tensors.allSatisfy { $0.dtype == .float16 }, "the spec's dtype replaces the file's")
        XCTAssertEqual(try LikeSpec.plan(like: path("m.safetensors"), spec: rules, seed: 1, dtype: .float64).tensors.map(\.dtype),
                       Array(repeating: .float64, count: 7))
    }

    func testShardedSetIsReadThroughItsIndexInShardOrder() throws {
        let source = try sourcePlan()
        let summary = try SafetensorsWriter(engine: .cpu).writeSharded(source, names: ShardNames(output: path("model.safetensors"))!, maxShardBytes: 200)
        XCTAssertGreaterThan(summary.files.count, 3)
        var expected: [String] = []
        for shard in summary.files.dropLast() { expected += try SafetensorsHeader.read(path: shard).entries.map(\.name) }
        let plan = try LikeSpec.plan(like: path("model.safetensors.index.json"))
        XCTAssertEqual(plan.tensors.map(\.name), expected)
        XCTAssertEqual(layoutTriples(plan).sorted(), layoutTriples(source).sorted())
    }

    func testOnlyHeadersAreRead() throws {
        // Headers only: the data section is never read, so a file cut right after its header (or whose
        // data is unreadable garbage) gives the same layout. SafetensorsHeader.read, which checks sizes, refuses it.
        let source = try sourcePlan()
        _ = try SafetensorsWriter(engine: .cpu).write(source, to: path("m.safetensors"))
        let header = try SafetensorsHeader.read(path: path("m.safetensors"))
        try Data(header.fileBytes()).write(to: URL(fileURLWithPath: path("cut.safetensors")))
        XCTAssertThrowsError(try SafetensorsHeader.read(path: path("cut.safetensors")))
        XCTAssertEqual(try LikeLayout.read(path: path("cut.safetensors")), try LikeLayout.read(path: path("m.safetensors")))
        XCTAssertEqual(try LikeSpec.plan(like: path("cut.safetensors")), try LikeSpec.plan(like: path("m.safetensors")))
    }

    func testUnsupportedDtypeIsAnErrorUnlessOverridden() throws {
        let header = SafetensorsHeader(entries: [SafetensorsEntry(name: "ids", dtype: "I64", shape: [4], begin: 0, end: 32),
                                                 SafetensorsEntry(name: "w", dtype: "F32", shape: [2, 2], begin: 32, end: 48)], metadata: [:])
        try Data(header.fileBytes()).write(to: URL(fileURLWithPath: path("ids.safetensors")))
        XCTAssertEqual(likeError(path("ids.safetensors")),
                       "\(path("ids.safetensors")): tensor \"ids\" has dtype I64, which TensorSeed does not write (F32, F16, BF16, F64); give --dtype to store every tensor as one of them")
        let plan = try LikeSpec.plan(like: path("ids.safetensors"), dtype: .float32)
        XCTAssertEqual(plan.tensors.map(\.name), ["ids", "w"])
    }

    func testErrorsNameTheFile() throws {
        XCTAssertEqual(likeError(path("absent.safetensors")), "\(path("absent.safetensors")): no such file")
        try Data([1, 2, 3]).write(to: URL(fileURLWithPath: path("short.safetensors")))
        XCTAssertEqual(likeError(path("short.safetensors")), "\(path("short.safetensors")): shorter than the 8-byte header length (not a safetensors file?)")
        try Data("this is plain text, not a model".utf8).write(to: URL(fileURLWithPath: path("text.safetensors")))
        XCTAssertTrue(likeError(path("text.safetensors")).contains("is not plausible (not a safetensors file?)"), likeError(path("text.safetensors")))
        var notJSON = [UInt8](repeating: 0, count: 8)
        notJSON[0] = 8
        try Data(notJSON + Array("{{{{{{{{".utf8)).write(to: URL(fileURLWithPath: path("bad.safetensors")))
        XCTAssertTrue(likeError(path("bad.safetensors")).hasPrefix("\(path("bad.safetensors")): invalid JSON"), likeError(path("bad.safetensors")))
        notJSON[0] = 200
        try Data(notJSON + Array("{}".utf8)).write(to: URL(fileURLWithPath: path("cut.safetensors")))
        XCTAssertEqual(likeError(path("cut.safetensors")), "\(path("cut.safetensors")): shorter than the 200-byte header (not a safetensors file?)")

        try Data(#"{"metadata": {"total_size": 0}}"#.utf8).write(to: URL(fileURLWithPath: path("a.safetensors.index.json")))
        XCTAssertEqual(likeError(path("a.safetensors.index.json")), "\(path("a.safetensors.index.json")): no \"weight_map\" object: not a safetensors index")
        try Data(#"{"weight_map": {"w": "gone-00001-of-00001.safetensors"}}"#.utf8).write(to: URL(fileURLWithPath: path("b.safetensors.index.json")))
        XCTAssertEqual(likeError(path("b.safetensors.index.json")), "\(path("b.safetensors.index.json")): shard gone-00001-of-00001.safetensors named in weight_map is missing")
        XCTAssertEqual(likeError(path("absent.index.json")), "\(path("absent.index.json")): no such file")
        _ = try SafetensorsWriter(engine: .cpu).write(try sourcePlan(), to: path("m.safetensors"))
        try Data(#"{"weight_map": {"w": "m.safetensors"}}"#.utf8).write(to: URL(fileURLWithPath: path("c.safetensors.index.json")))
        XCTAssertEqual(likeError(path("c.safetensors.index.json")), "\(path("c.safetensors.index.json")): tensor \"w\" is mapped to m.safetensors but is not in it")

        try Data(#"{"tensors": [], "rules": []}"#.utf8).write(to: URL(fileURLWithPath: path("spec.json")))
        XCTAssertTrue(likeError(path("m.safetensors"), spec: path("spec.json")).hasPrefix("\(path("spec.json")): field \"tensors\" is not allowed with --like"))
        try Data(#"{"rules": [{"pattern": "*", "scheme": {"name": "gaussian"}}]}"#.utf8).write(to: URL(fileURLWithPath: path("rules.json")))
        XCTAssertTrue(likeError(path("m.safetensors"), spec: path("rules.json")).hasPrefix("\(path("rules.json")): rules[0] \"*\": field \"scheme.name\" unknown scheme"),
                      likeError(path("m.safetensors"), spec: path("rules.json")))
        XCTAssertEqual(likeError(path("m.safetensors"), spec: path("absent.json")), "\(path("absent.json")): cannot read the spec file: no such file")
    }
}
