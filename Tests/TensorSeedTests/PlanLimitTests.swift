import Foundation
import XCTest
@testable import TensorSeed

/// What a plan may hold: no tensor named `__metadata__`, headers within safetensors' 100 MB, sizes within
/// 2^63 - 1, at most `ModelPlan.maximumTensorCount` tensors, spec files within 100 MB; each refused at
/// plan time, before anything is allocated or written, with one line that names the limit.
final class PlanLimitTests: XCTestCase {
    private func planError(_ json: String) -> String {
        do { _ = try ModelSpec.plan(json: Data(json.utf8)); return "planned" } catch { return "\(error)" }
    }

    func testTheReservedNameIsRefusedInEverySpecForm() throws {
        XCTAssertEqual(planError(#"{"tensors": [{"name": "__metadata__", "shape": [2], "scheme": {"name": "zeros"}}]}"#),
                       "tensors[0]: field \"name\" \"__metadata__\" is reserved: safetensors keeps the file's metadata under that key")
        let yaml = "tensors:\n  - {name: __metadata__, shape: [2], scheme: {name: ones}}\n"
        XCTAssertThrowsError(try ModelSpec.plan(yaml: Data(yaml.utf8))) { XCTAssertTrue("\($0)".contains("is reserved"), "\($0)") }
        // Near misses are ordinary names.
        for name in ["__metadata", "__METADATA__", "x.__metadata__", "__metadata__ "] {
            XCTAssertEqual(planError(#"{"tensors": [{"name": "\#(name)", "shape": [2], "scheme": {"name": "zeros"}}]}"#), "planned", name)
        }
        XCTAssertThrowsError(try ModelPlan(seed: 0, tensors: [try TensorJob(name: "__metadata__", shape: [1], dtype: .float32, scheme: .zeros)]))
    }

    func testAHeaderOverSafetensorsLimitIsRefusedBeforeWriting() throws {
        let folder = try TemporaryFolder(prefix: "tensorseed-limit")
        defer { folder.remove() }
        // One 36 MB name: the header holds it three times (entry, scheme, digest), 108 MB.
        let long = String(repeating: "a", count: 36_000_000)
        let plan = try ModelPlan(seed: 0, tensors: [try TensorJob(name: long, shape: [2], dtype: .float32, scheme: .zeros)])
        XCTAssertThrowsError(try plan.checkHeaderSizes()) { error in
            let text = "\(error)"
            XCTAssertTrue(text.contains("over safetensors' limit of 100000000 bytes"), text)
            XCTAssertTrue(text.contains("the longest name 36000000 bytes"), text)
            XCTAssertLessThan(text.utf8.count, 400, "the message must not quote the name whole")
        }
        XCTAssertThrowsError(try SafetensorsWriter(engine: .cpu).write(plan, to: folder.path("long.safetensors")))
        XCTAssertFalse(FileManager.default.fileExists(atPath: folder.path("long.safetensors")))
        // Half that name fits (54 MB of header) and is written and read back.
        let half = try ModelPlan(seed: 0, tensors: [try TensorJob(name: String(long.prefix(18_000_000)), shape: [2], dtype: .float32, scheme: .zeros)])
        XCTAssertNoThrow(try half.checkHeaderSizes())
    }

    func testTheHeaderLengthIsTheLengthOfTheRenderedHeader() throws {
        let spec = #"""
            {"tensors": [{"name": "a\"b\\c\n\u0001é", "shape": [3, 4], "scheme": {"name": "variance_scaling", "scale": 2, "in_axis": [0]}},
                         {"name": "x", "shape": [], "dtype": "bf16", "scheme": {"name": "ones"}},
                         {"name": "emb", "shape": [10, 4], "dtype": "f64", "scheme": {"name": "embedding", "padding_idx": 2}},
                         {"name": "o", "shape": [4, 3, 2], "dtype": "f16", "scheme": {"name": "orthogonal", "gain": 1.5}}]}
            """#
        let plan = try ModelSpec.plan(json: Data(spec.utf8))
        for header in [SafetensorsWriter.header(plan), SafetensorsWriter.header(plan, digests: ["o": .max]),
                       SafetensorsHeader(entries: [], metadata: [:]), SafetensorsHeader(entries: [], metadata: ["k": "v\u{7}"]),
                       SafetensorsHeader(entries: SafetensorsWriter.header(plan).entries, metadata: [:])] {
            XCTAssertEqual(header.jsonLength, header.jsonBytes().count)
        }
    }

    func testManyTensorsOverTheHeaderLimitAreRefusedUnlessSharded() throws {
        // 130,000 tensors of 200-byte names take more than 100 MB of header in one file (as 450,000 of short
        // names do); in shards of 1 MB each header is small.
        let stem = String(repeating: "n", count: 190)
        let jobs = try (0..<130_000).map { try TensorJob(name: "\(stem).\(100_000 + $0)", shape: [64], dtype: .float32, scheme: .zeros) }
        let plan = try ModelPlan(seed: 0, tensors: jobs)
        XCTAssertThrowsError(try plan.checkHeaderSizes()) { XCTAssertTrue("\($0)".contains("(130000 tensors, the longest name 197 bytes)"), "\($0)") }
        XCTAssertNoThrow(try plan.checkHeaderSizes(maxShardBytes: 1 << 20))
    }

    func testTotalsBeyond63BitsAreRefused() throws {
        // Each tensor fits; together they do not.
        let big = try TensorJob(name: "a", shape: [1 << 60], dtype: .float32, scheme: .zeros)
        let other = try TensorJob(name: "b", shape: [1 << 60], dtype: .float32, scheme: .zeros)
        XCTAssertThrowsError(try ModelPlan(seed: 0, tensors: [big, other])) { XCTAssertTrue("\($0)".contains("more than 2^63 - 1 bytes"), "\($0)") }
        // A shape whose bytes overflow is reported against the shape, not the scheme.
        XCTAssertEqual(planError(#"{"tensors": [{"name": "w", "shape": [2305843009213693952], "scheme": {"name": "normal"}}]}"#),
                       "tensors[0] \"w\": field \"shape\" [2305843009213693952] of F32 is more than 2^63 - 1 bytes")
        let error = try XCTUnwrap({ () -> SpecError? in
            do { _ = try ModelSpec.plan(json: Data(#"{"tensors": [{"name": "w", "shape": [4611686018427387904, 4], "dtype": "bf16", "scheme": {"name": "ones"}}]}"#.utf8)); return nil }
            catch { return error as? SpecError }
        }())
        XCTAssertEqual(error.path, [.key("tensors"), .index(0), .key("shape")])
    }

    func testLayerCountsBeyondTheTensorCapFailAtOnce() throws {
        let start = Date()
        let configs = [#"{"model_type": "llama", "num_hidden_layers": 100000000, "hidden_size": 64, "num_attention_heads": 4}"#,
                       #"{"model_type": "gpt2", "n_layer": 2147483647}"#,
                       #"{"model_type": "qwen2", "num_hidden_layers": 111112}"#]
        for config in configs {
            XCTAssertThrowsError(try HuggingFaceConfig.parse(json: Data(config.utf8))) { error in
                XCTAssertTrue("\(error)".hasPrefix("config.json: num_hidden_layers = "), "\(error)")
                XCTAssertTrue("\(error)".contains("more than TensorSeed's limit of 1000000 tensors"), "\(error)")
            }
        }
        // Just under the cap plans (9 tensors a layer, without building them here).
        XCTAssertNoThrow(try HuggingFaceConfig.parse(json: Data(#"{"model_type": "qwen2", "num_hidden_layers": 111111}"#.utf8)))
        let layerLists = [#"{"input": [5, 8], "layers": [{"type": "lstm", "hidden_size": 4, "num_layers": 100000000}]}"#,
                          #"{"input": [5, 8], "layers": [{"type": "gru", "hidden_size": 4, "num_layers": 2147483647, "bidirectional": true}]}"#]
        for spec in layerLists {
            XCTAssertThrowsError(try ModelSpec.plan(json: Data(spec.utf8))) { error in
                XCTAssertTrue("\(error)".contains("field \"num_layers\" = "), "\(error)")
                XCTAssertTrue("\(error)".contains("more than TensorSeed's limit of 1000000 tensors"), "\(error)")
            }
        }
        XCTAssertLessThan(Date().timeIntervalSince(start), 5, "the caps must be checked before the tensors are built")
        // Integers beyond 2^31 - 1 in a config are refused (their products could overflow).
        XCTAssertThrowsError(try HuggingFaceConfig.parse(json: Data(#"{"model_type": "gpt2", "n_embd": 4611686018427387904, "n_head": 1}"#.utf8))) {
            XCTAssertEqual("\($0)", "config.json: field \"n_embd\" must be an integer in 1...2147483647, got 4611686018427387904")
        }
    }

    func testATensorListOverTheCapAndASpecFileOverTheLimitAreRefused() throws {
        let folder = try TemporaryFolder(prefix: "tensorseed-limit")
        defer { folder.remove() }
        // The count is checked before any tensor is: the items need not even be tensors.
        let items = String(repeating: "0,", count: ModelPlan.maximumTensorCount) + "0"
        XCTAssertThrowsError(try ModelSpec.plan(json: Data(#"{"tensors": [\#(items)]}"#.utf8))) {
            XCTAssertTrue("\($0)".hasPrefix("the model would have 1000001 tensors, more than"), "\($0)")
        }
        let path = folder.path("huge.json")
        XCTAssertTrue(FileManager.default.createFile(atPath: path, contents: nil))
        XCTAssertEqual(truncate(path, off_t(ModelSpec.maximumFileBytes + 1)), 0)
        XCTAssertThrowsError(try ModelSpec.plan(file: path)) {
            XCTAssertEqual("\($0)", "\(path): cannot read the spec file: the spec file of 100000001 bytes is over the limit of 100000000 bytes")
        }
        XCTAssertThrowsError(try HuggingFaceConfig.read(path: path)) { XCTAssertTrue("\($0)".contains("over the limit of 100000000 bytes"), "\($0)") }
    }
}
