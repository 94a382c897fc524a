import Foundation
import XCTest
@testable import TensorSeed

/// Layer-list specs: shape inference, parameter names and shapes as torch gives them, scheme choice, and errors.
final class LayerSpecTests: XCTestCase {
    private func plan(_ text: String, seed: UInt64? = nil, dtype: StorageType? = nil) throws -> ModelPlan {
        try ModelSpec.plan(json: Data(text.utf8), seed: seed, dtype: dtype)
    }

    private func jobs(_ text: String) throws -> [String: TensorJob] {
        Dictionary(uniqueKeysWithValues: try plan(text).tensors.map { ($0.name, $0) })
    }

    private func specError(_ text: String) -> SpecError? {
        do { _ = try plan(text); return nil } catch let error as SpecError { return error } catch { return nil }
    }

    /// A one-layer-list spec on `input` (JSON text of the shape and type fields).
    private func spec(input: String, _ layers: String, extra: String = "") -> String {
        "{\"input\": \(input)\(extra), \"layers\": [\(layers)]}"
    }

    // MARK: against torch

    /// One model of the fixture: the spec path, its parameters as torch made them, and torch's output shape.
    private struct TorchModel {
        struct Parameter { var name: String; var shape: [Int]; var min: Double; var max: Double; var zeroRows: [Int] }
        var specPath: String
        var parameters: [Parameter] = []
        var output: [Int] = []
    }

    private func torchModels() throws -> [TorchModel] {
        let text = try RepositoryFile.text(RepositoryFile.fixture("torch_layer_shapes.txt"))
        func ints(_ s: Substring) -> [Int] { s.split(separator: ",").compactMap { Int($0) } }
        var models: [TorchModel] = []
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            let parts = line.split(separator: " ")
            switch parts[0] {
            case "spec": models.append(TorchModel(specPath: String(parts[1])))
            case "output": models[models.count - 1].output = ints(parts[1])
            default:
                let zeroRows = parts.count > 4 ? ints(parts[4].dropFirst("zero_rows=".count)) : []
                models[models.count - 1].parameters.append(.init(name: String(parts[0]), shape: ints(parts[1]),
                                                                 min: Double(parts[2])!, max: Double(parts[3])!, zeroRows: zeroRows))
            }
        }
        return models
    }

    func testNamesShapesAndOutputsAreTorchs() throws {
        let models = try torchModels()
        XCTAssertEqual(models.count, 6)
        for model in models {
            let data = try Data(contentsOf: RepositoryFile.root.appendingPathComponent(model.specPath))
            let top = try XCTUnwrap(JSONValue.parse(data).object)
            let (plan, output) = try LayerSpec.infer(top, seed: nil, dtype: nil)
            XCTAssertEqual(plan.tensors.map(\.name), model.parameters.map(\.name), model.specPath)
            XCTAssertEqual(plan.tensors.map(\.shape), model.parameters.map(\.shape), model.specPath)
            XCTAssertEqual(output.dims, model.output, model.specPath)
        }
    }

    /// torch's values after reset_parameters() lie in the bounds of the scheme TensorSeed chose, and reach near them.
    func testDefaultSchemesHaveTorchsBounds() throws {
        for model in try torchModels() {
            let plan = try ModelSpec.plan(file: RepositoryFile.root.appendingPathComponent(model.specPath).path)
            for (job, torch) in zip(plan.tensors, model.parameters) {
                let what = "\(model.specPath) \(job.name)"
                switch job.recipe {
                case let .random(.uniform(low, high)):
                    XCTAssertEqual(Double(low), -Double(high), accuracy: 0, what)
                    XCTAssertGreaterThanOrEqual(torch.min, Double(low) * (1 + 1e-6), what)
                    XCTAssertLessThanOrEqual(torch.max, Double(high) * (1 + 1e-6), what)
                    if job.elementCount >= 64 {
                        XCTAssertGreaterThan(torch.max, 0.9 * Double(high), what)
                        XCTAssertLessThan(torch.min, 0.9 * Double(low), what)
                    }
                    XCTAssertEqual(torch.zeroRows, [], what)
                case let .constant(value):
                    XCTAssertEqual(torch.min, Double(value), what)
                    XCTAssertEqual(torch.max, Double(value), what)
                case let .zeroRow(row, _, _):
                    XCTAssertEqual(torch.zeroRows, [row], what)
                    XCTAssertLessThan(torch.min, -3, what)   // N(0, 1): 3200 draws reach past ±3
                    XCTAssertGreaterThan(torch.max, 3, what)
                default:
                    XCTFail("\(what): unexpected default recipe \(job.recipe)")
                }
            }
        }
    }

    // MARK: schemes

    func testDefaultSchemesAreTorchModuleDefaults() throws {
        let t = try jobs(spec(input: "[2, 10]", """
            {"type": "conv1d", "out_channels": 4, "kernel_size": 3, "groups": 2}, {"type": "gru", "hidden_size": 25}, {"type": "layernorm"}
            """))
        XCTAssertEqual(t["0.weight"]?.scheme, TorchModuleDefaults.weightOfLinearOrConv)
        XCTAssertEqual(t["0.weight"]?.shape, [4, 1, 3])
        XCTAssertEqual(t["0.bias"]?.scheme, .uniform(low: -1 / 3.0.squareRoot(), high: 1 / 3.0.squareRoot()))  // fan_in = (2/2)·3
        XCTAssertEqual(t["1.weight_hh_l0"]?.scheme, .uniform(low: -0.2, high: 0.2))
        XCTAssertEqual(t["2.weight"]?.scheme, .ones)
        XCTAssertEqual(t["2.bias"]?.scheme, .zeros)
        let tokens = try jobs(spec(input: "[3]", #"{"type": "embedding", "num_embeddings": 9, "embedding_dim": 2, "padding_idx": -2}"#,
                                   extra: #", "input_dtype": "int""#))
        XCTAssertEqual(tokens["0.weight"]?.scheme, .embedding(paddingIndex: 7))   // -2 counts from the end, as torch
        XCTAssertEqual(tokens["0.weight"]?.recipe, .zeroRow(row: 7, columns: 2))
    }

    func testRulesOverrideDefaultsAndLayerSchemesOverrideRules() throws {
        let text = """
            {"input": [8], "dtype": "f16",
             "layers": [{"type": "linear", "out_features": 4, "name": "a"},
                        {"type": "linear", "out_features": 4, "name": "b", "weight": {"name": "orthogonal", "gain": 2}, "dtype": "f64"},
                        {"type": "linear", "out_features": 3, "bias": {"name": "constant", "val": 0.5}}],
             "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}},
                       {"pattern": "b.*", "scheme": {"name": "normal", "std": 0.02}}]}
            """
        let t = try jobs(text)
        XCTAssertEqual(t["a.weight"]?.scheme, TorchModuleDefaults.weightOfLinearOrConv)   // no rule matches
        XCTAssertEqual(t["a.bias"]?.scheme, .zeros)                                      // rule over default
        XCTAssertEqual(t["b.weight"]?.scheme, .orthogonal(gain: 2))                      // layer's scheme over rule
        XCTAssertEqual(t["b.bias"]?.scheme, .zeros)                                      // first matching rule
        XCTAssertEqual(t["2.bias"]?.scheme, .constant(0.5))
        XCTAssertEqual(t["2.weight"]?.shape, [3, 4])
        XCTAssertEqual(t["a.weight"]?.dtype, .float16)
        XCTAssertEqual(t["b.bias"]?.dtype, .float64)
        let overridden = try plan(text, seed: 9, dtype: .bfloat16)
        XCTAssertEqual(overridden.seed, 9)
        XCTAssertEqual(overridden.tensors.map(\.dtype), [.bfloat16, .bfloat16, .float64, .float64, .bfloat16, .bfloat16])
    }

    func testRecurrentLayerSchemesApplyToEveryWeightOrBias() throws {
        let t = try jobs(spec(input: "[5, 3]", """
            {"type": "lstm", "hidden_size": 2, "num_layers": 2, "weight": {"name": "xavier_uniform"}, "bias": {"name": "zeros"}}
            """))
        XCTAssertEqual(t.count, 8)
        for (name, job) in t { XCTAssertEqual(job.scheme, name.contains(".bias") ? .zeros : .xavierUniform(gain: 1), name) }
        XCTAssertEqual(t["0.weight_ih_l1"]?.shape, [8, 2])
    }

    func testNamesMayNestAndIndicesCountEveryLayer() throws {
        let p = try plan(spec(input: "[1, 6, 6]", """
            {"type": "conv2d", "out_channels": 2, "kernel_size": 3, "name": "features.0"}, {"type": "relu"},
            {"type": "maxpool2d", "kernel_size": 2}, {"type": "dropout"}, {"type": "flatten"},
            {"type": "linear", "out_features": 3, "bias": false}, {"type": "rmsnorm"}
            """))
        XCTAssertEqual(p.tensors.map(\.name), ["features.0.weight", "features.0.bias", "5.weight", "6.weight"])
        XCTAssertEqual(p.tensors.map(\.shape), [[2, 1, 3, 3], [2], [3, 8], [3]])
    }

    func testSamePaddingKeepsTheSizeAndAnEmptyListPlansNothing() throws {
        let t = try jobs(spec(input: "[2, 7, 8]", """
            {"type": "conv2d", "out_channels": 2, "kernel_size": [4, 3], "dilation": 2, "padding": "same"}, {"type": "flatten"},
            {"type": "linear", "out_features": 1}
            """))
        XCTAssertEqual(t["2.weight"]?.shape, [1, 2 * 7 * 8])
        XCTAssertEqual(try plan(spec(input: "[]", "")).tensors.count, 0)
    }

    // MARK: errors

    private func assertError(_ text: String, _ message: String, path: [SpecPathComponent], file: StaticString = #filePath, line: UInt = #line) {
        guard let error = specError(text) else { return XCTFail("no SpecError for \(text)", file: file, line: line) }
        XCTAssertEqual(error.description, message, file: file, line: line)
        XCTAssertEqual(error.path, path, file: file, line: line)
    }

    private func layerPath(_ index: Int, _ keys: String...) -> [SpecPathComponent] {
        [.key("layers"), .index(index)] + keys.map { .key($0) }
    }

    func testShapeErrorsNameTheLayerAndField() {
        assertError(spec(input: "[16, 4, 4]", #"{"type": "identity"}, {"type": "relu"}, {"type": "conv2d", "out_channels": 8, "kernel_size": 5}"#),
                    "layers[2] (conv2d): field \"kernel_size\" 5x5 is larger than the padded input 4x4 (input shape [16, 4, 4])",
                    path: layerPath(2, "kernel_size"))
        assertError(spec(input: "[1, 9]", #"{"type": "conv1d", "out_channels": 1, "kernel_size": 4, "dilation": 3, "name": "c"}"#),
                    "layers[0] \"c\" (conv1d): field \"kernel_size\" 4 (dilation 3, spanning 10) is larger than the padded input 9 (input shape [1, 9])",
                    path: layerPath(0, "kernel_size"))
        assertError(spec(input: "[]", #"{"type": "linear", "out_features": 3}"#),
                    "layers[0] (linear): cannot infer in_features: input shape is [] (linear needs at least 1 dimension)", path: layerPath(0))
        assertError(spec(input: "[784]", #"{"type": "conv2d", "out_channels": 8, "kernel_size": 3}"#),
                    "layers[0] (conv2d): cannot infer in_channels: conv2d takes a per-sample input [channels, height, width] (3 dimensions, no batch), got input shape [784]",
                    path: layerPath(0))
        assertError(spec(input: "[3, 4, 5]", #"{"type": "conv3d", "out_channels": 8, "kernel_size": 1}"#),
                    "layers[0] (conv3d): cannot infer in_channels: conv3d takes a per-sample input [channels, depth, height, width] (4 dimensions, no batch), got input shape [3, 4, 5]",
                    path: layerPath(0))
        assertError(spec(input: "[10]", #"{"type": "lstm", "hidden_size": 4}"#),
                    "layers[0] (lstm): cannot infer input_size: lstm takes a per-sample input [sequence, features] (2 dimensions, no batch), got input shape [10]",
                    path: layerPath(0))
        assertError(spec(input: "[6, 8, 8]", #"{"type": "conv2d", "out_channels": 8, "kernel_size": 3, "groups": 4}"#),
                    "layers[0] (conv2d): field \"groups\" 4 does not divide in_channels 6 (inferred from input shape [6, 8, 8])",
                    path: layerPath(0, "groups"))
        assertError(spec(input: "[4, 8]", #"{"type": "conv1d", "out_channels": 6, "kernel_size": 3, "groups": 4}"#),
                    "layers[0] (conv1d): field \"groups\" 4 does not divide out_channels 6", path: layerPath(0, "groups"))
        assertError(spec(input: "[4, 8]", #"{"type": "conv1d", "out_channels": 6, "kernel_size": 3, "stride": 2, "padding": "same"}"#),
                    "layers[0] (conv1d): field \"padding\" \"same\" needs stride 1 (torch refuses it for strided convolutions), got stride [2]",
                    path: layerPath(0, "padding"))
        assertError(spec(input: "[4, 8, 8]", #"{"type": "maxpool2d", "kernel_size": 2, "padding": [1, 2]}"#),
                    "layers[0] (maxpool2d): field \"padding\" [1, 2] is more than half the kernel_size [2, 2] (at most [1, 1], as torch requires)",
                    path: layerPath(0, "padding"))
        assertError(spec(input: "[4, 20]", #"{"type": "maxpool1d", "kernel_size": 2, "dilation": 3, "padding": 2}"#),   // torch: the bare kernel counts
                    "layers[0] (maxpool1d): field \"padding\" [2] is more than half the kernel_size [2] (at most [1], as torch requires)",
                    path: layerPath(0, "padding"))
        assertError(spec(input: "[2, 5, 1, 5]", #"{"type": "avgpool3d", "kernel_size": 2, "padding": 1}"#),
                    "layers[0] (avgpool3d): field \"kernel_size\" 2x2x2 is larger than the input 5x1x5 before padding, "
                    + "which torch's avg_pool3d refuses (input shape [2, 5, 1, 5])", path: layerPath(0, "kernel_size"))
        XCTAssertNoThrow(try plan(spec(input: "[2, 1, 5]", #"{"type": "avgpool2d", "kernel_size": 2, "padding": 1}"#)))   // 2-D takes it
        assertError(spec(input: "[12, 8]", #"{"type": "layernorm", "normalized_shape": [12]}"#),
                    "layers[0] (layernorm): field \"normalized_shape\" [12] is not the last dimensions of the input shape [12, 8]",
                    path: layerPath(0, "normalized_shape"))
        assertError(spec(input: "[2, 3]", #"{"type": "flatten", "start_dim": 1, "end_dim": 0}"#),
                    "layers[0] (flatten): field \"start_dim\" 1 comes after end_dim 0 for input shape [2, 3]", path: layerPath(0, "start_dim"))
        assertError(spec(input: "[2, 3]", #"{"type": "flatten", "end_dim": 2}"#),
                    "layers[0] (flatten): field \"end_dim\" must be within -2..<2 for input shape [2, 3] (the batch is not counted), got 2",
                    path: layerPath(0, "end_dim"))
    }

    func testInputTypeErrorsNameTheLayer() {
        assertError(spec(input: "[7]", #"{"type": "relu"}, {"type": "embedding", "num_embeddings": 5, "embedding_dim": 2}"#),
                    "layers[1] (embedding): needs integer indices as input, got float values of shape [7] "
                    + "(give the spec \"input_dtype\": \"int\" and put the embedding before any float layer)", path: layerPath(1))
        assertError(spec(input: "[7]", #"{"type": "linear", "out_features": 2}"#, extra: #", "input_dtype": "int""#),
                    "layers[0] (linear): needs float input, got integer indices of shape [7] (an embedding turns indices into vectors)",
                    path: layerPath(0))
        assertError(spec(input: "[7]", #"{"type": "embedding", "num_embeddings": 5, "embedding_dim": 2, "padding_idx": 5}"#, extra: #", "input_dtype": "int""#),
                    "layers[0] (embedding): field \"padding_idx\" must be within num_embeddings (-5..<5), got 5", path: layerPath(0, "padding_idx"))
        assertError(spec(input: "[7]", "", extra: #", "input_dtype": "long""#),
                    "spec: field \"input_dtype\" must be \"float\" or \"int\" (integer indices, for an embedding), got \"long\"",
                    path: [.key("input_dtype")])
    }

    func testFieldErrorsNameTheLayerAndField() {
        let known = LayerType.allCases.map(\.rawValue).joined(separator: ", ")
        assertError(spec(input: "[4]", #"{"type": "dense", "name": "fc"}"#),
                    "layers[0] \"fc\": field \"type\" is an unknown layer type \"dense\" (known: \(known))", path: layerPath(0, "type"))
        XCTAssertTrue(known.contains("linear, conv1d, conv2d, conv3d, embedding, layernorm, rmsnorm, rnn, lstm, gru, flatten"))
        assertError(spec(input: "[4]", #"{"out_features": 2}"#),
                    "layers[0]: field \"type\" is missing (known: \(known))", path: layerPath(0))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "in_features": 4}"#),
                    "layers[0] (linear): field \"in_features\" is not a field of linear (known: type, name, out_features, bias, dtype, weight)",
                    path: layerPath(0, "in_features"))
        assertError(spec(input: "[4]", #"{"type": "linear"}"#), "layers[0] (linear): field \"out_features\" is missing", path: layerPath(0, "out_features"))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 0}"#),
                    "layers[0] (linear): field \"out_features\" must be an integer in 1...2147483647, got 0", path: layerPath(0, "out_features"))
        assertError(spec(input: "[3, 9, 9]", #"{"type": "conv2d", "out_channels": 3, "kernel_size": [3, 3, 3]}"#),
                    "layers[0] (conv2d): field \"kernel_size\" must be an integer or a list of 2 integers, got [3,3,3]", path: layerPath(0, "kernel_size"))
        assertError(spec(input: "[3, 9, 9]", #"{"type": "conv2d", "out_channels": 3, "kernel_size": 3, "padding": "full"}"#),
                    "layers[0] (conv2d): field \"padding\" must be an integer, a list of 2 integers, \"same\" or \"valid\", got \"full\"",
                    path: layerPath(0, "padding"))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "weight": {"name": "normal", "sdt": 1}}"#),
                    "layers[0] (linear): field \"weight.sdt\" is not a parameter of normal", path: layerPath(0, "weight", "sdt"))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "bias": "yes"}"#),
                    "layers[0] (linear): field \"bias\" must be true, false or a scheme object like {\"name\": \"zeros\"}, got \"yes\"", path: layerPath(0, "bias"))
        assertError(spec(input: "[4]", #"{"type": "layernorm", "elementwise_affine": false, "weight": {"name": "ones"}}"#),
                    "layers[0] (layernorm): field \"weight\" is a scheme, but this layernorm layer has no weight (see elementwise_affine and bias)",
                    path: layerPath(0, "weight"))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "dtype": "int8"}"#),
                    "layers[0] (linear): field \"dtype\" must be one of f32, f16, bf16, f64, got \"int8\"", path: layerPath(0, "dtype"))
        assertError(spec(input: "[4]", #"{"type": "dropout", "p": 2}"#),
                    "layers[0] (dropout): field \"p\" must be a number in [0.0, 1.0], got 2", path: layerPath(0, "p"))
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "name": "x"}, {"type": "linear", "out_features": 2, "name": "x"}"#),
                    "layers[1] \"x\" (linear): field \"name\" gives the tensor \"x.weight\" that layers[0] already gives", path: layerPath(1, "name"))
    }

    func testSchemeErrorsNameWhereTheSchemeCameFrom() {
        assertError(spec(input: "[4]", #"{"type": "linear", "out_features": 2, "bias": {"name": "xavier_normal"}}"#),
                    "layers[0] (linear): field \"bias\" cannot initialize \"0.bias\" [2]: xavier_normal needs a tensor with at least 2 dimensions to compute fans, got shape [2]",
                    path: layerPath(0, "bias"))
        let rule = #"{"input": [4], "layers": [{"type": "rmsnorm"}], "rules": [{"pattern": "*", "scheme": {"name": "orthogonal"}}]}"#
        assertError(rule, "layers[0] (rmsnorm): parameter \"0.weight\" [4] takes the scheme of rules[0] \"*\", which fails: "
                    + "orthogonal needs a tensor with at least 2 dimensions to compute fans, got shape [4]",
                    path: [.key("rules"), .index(0), .key("scheme")])
    }

    func testTopLevelErrors() {
        assertError(#"{"input": [4], "layers": [], "tensors": []}"#,
                    "spec: unknown field \"tensors\" for a layer list (known: seed, dtype, input, input_dtype, layers, rules)", path: [.key("tensors")])
        assertError(#"{"layers": []}"#, "spec: field \"input\" is missing (the input shape without the batch dimension, e.g. [1, 28, 28])", path: [])
        assertError(#"{"input": [4]}"#, "spec: field \"layers\" is missing", path: [])
        assertError(#"{"input": [4, 0], "layers": []}"#, "spec: field \"input\"[1] must be an integer in 1...2147483647, got 0",
                    path: [.key("input"), .index(1)])
        assertError(#"{"input": [4], "layers": [3]}"#, "layers[0]: must be an object, got a number", path: layerPath(0))
        assertError(#"{"input": [4], "layers": [{"type": "relu", "name": ""}]}"#, "layers[0]: field \"name\" must be a non-empty string, got \"\"",
                    path: layerPath(0, "name"))
    }

    func testMalformedLayerListsNeverCrash() {
        let values = ["null", "true", "-1", "0", "1", "-9223372036854775808", "18446744073709551615", "2.5", "\"same\"", "[]", "[0]", "[2, -3]",
                      "[1, 2, 3, 4]", "{}", "{\"name\": \"zeros\"}"]
        let fields = ["out_features", "kernel_size", "stride", "padding", "dilation", "groups", "bias", "start_dim", "end_dim",
                      "normalized_shape", "hidden_size", "num_layers", "padding_idx", "weight", "p"]
        let required: [String: String] = ["out_features": "2", "out_channels": "2", "kernel_size": "1", "hidden_size": "2",
                                          "num_embeddings": "3", "embedding_dim": "2"]
        var errors = 0, plans = 0
        for type in LayerType.allCases {
            for field in fields where type.fields.contains(field) {
                for value in values {
                    var members = required.filter { type.fields.contains($0.key) }
                    members[field] = value
                    let layer = members.map { "\"\($0.key)\": \($0.value)" }.joined(separator: ", ")
                    for input in ["[3, 5]", "[2, 5, 5]", "[]", "[2147483647, 2147483647]", "[1, 1, 1, 1]"] {
                        let kind = type == .embedding ? "int" : "float"
                        let text = #"{"input": \#(input), "input_dtype": "\#(kind)", "layers": [{"type": "\#(type.rawValue)", \#(layer)}]}"#
                        if specError(text) != nil { errors += 1 } else { plans += 1 }
                    }
                }
            }
        }
        XCTAssertGreaterThan(errors, 0)
        XCTAssertGreaterThan(plans, 0)
    }
}
