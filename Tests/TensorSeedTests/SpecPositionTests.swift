import Foundation
import XCTest
@testable import TensorSeed

/// Line and column in spec errors (JSON and YAML), the JSON reader, and YAML specs.
final class SpecPositionTests: XCTestCase {
    private var folder: URL!

    override func setUpWithError() throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("tensorseed-specpos-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: folder)
    }

    /// The marker that a test text puts where it expects an error to point; it is removed before parsing.
    private static let marker: Character = "«"

    /// `text` without its marker, and the line and column (in Unicode scalars) where the marker stood.
    private func unmarked(_ text: String) -> (text: String, position: TextPosition) {
        var line = 1, column = 1
        var found: TextPosition?
        var clean = ""
        for character in text {
            if character == Self.marker { found = TextPosition(line: line, column: column); continue }
            clean.append(character)
            if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += character.unicodeScalars.count }
        }
        XCTAssertNotNil(found, "test text without a marker")
        return (clean, found ?? TextPosition(line: 0, column: 0))
    }

    /// The error text `tensorseed init` would print for `text` saved as `name`.
    private func fileError(_ text: String, name: String) throws -> String {
        let url = folder.appendingPathComponent(name)
        try Data(text.utf8).write(to: url)
        do { _ = try ModelSpec.plan(file: url.path); return "no error" } catch let error as SpecError {
            return "\(error)".replacingOccurrences(of: folder.path + "/", with: "")
        }
    }

    /// Checks that the marked spec fails with `message`, prefixed by the file and the marker's line and column.
    private func assertError(_ marked: String, name: String, _ message: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (text, position) = unmarked(marked)
        XCTAssertEqual(try fileError(text, name: name), "\(name):\(position.line):\(position.column): \(message)", file: file, line: line)
    }

    /// As `assertError`, for messages whose end is long or not ours to fix (only the start is compared).
    private func assertErrorPrefix(_ marked: String, name: String, _ start: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let (text, position) = unmarked(marked)
        let message = try fileError(text, name: name)
        XCTAssertTrue(message.hasPrefix("\(name):\(position.line):\(position.column): \(start)"), message, file: file, line: line)
    }

    // MARK: JSON syntax

    /// Line and column of syntax errors agree with Python's json module (the fixture records its answers).
    func testJSONSyntaxErrorPositionsMatchPythonsJSON() throws {
        let lines = try RepositoryFile.text(RepositoryFile.fixture("json_syntax_errors.txt")).split(separator: "\n").filter { !$0.hasPrefix("#") }
        XCTAssertGreaterThan(lines.count, 20)
        for entry in lines {
            let fields = entry.split(separator: " ", maxSplits: 2)
            let quoted = String(fields[2][..<fields[2].range(of: " # ", options: .backwards)!.lowerBound])
            let text = try XCTUnwrap(JSONSerialization.jsonObject(with: Data(quoted.utf8), options: .fragmentsAllowed) as? String)
            let expected = TextPosition(line: Int(fields[0])!, column: Int(fields[1])!)
            do {
                _ = try JSONValue.parse(Data(text.utf8))
                XCTFail("accepted \(quoted)")
            } catch let error as JSONParseError {
                XCTAssertEqual(error.position, expected, "\(quoted): \(error)")
            }
        }
    }

    func testJSONSyntaxErrorsGiveAShortReasonWithLineAndColumn() throws {
        let text = "{\"seed\": 1,\n \"tensors\": [\n  {\"name\": \"w\",\n   \"shape\": [2] \"dtype\": \"f32\"}]}"
        XCTAssertEqual(try fileError(text, name: "bad.json"), "bad.json:4:17: invalid JSON: expected ',' or '}' after an object member")
        do { _ = try ModelSpec.plan(json: Data(text.utf8)); XCTFail("accepted") } catch let error as SpecError {
            XCTAssertEqual("\(error)", "invalid JSON: expected ',' or '}' after an object member at line 4, column 17")
            XCTAssertEqual(error.line, 4)
            XCTAssertEqual(error.column, 17)
        }
        let duplicate = "{\"tensors\": [],\n \"seed\": 1,\n \"seed\": 2}"
        XCTAssertEqual(try fileError(duplicate, name: "dup.json"), "dup.json:3:2: invalid JSON: duplicate key \"seed\" (first at line 2)")
    }

    func testJSONReaderRejectsWhatRFC8259Forbids() {
        let rejected = ["NaN", "[Infinity]", "{\"a\": 1e400}", "[\"\\ud800\"]", "[\"\\udc00\\ud800\"]", "{'a': 1}", "[1,]", "[+1]", "[.5]",
                        "[0x10]", "// c\n{}", "[\"tab\there\"]", String(repeating: "[", count: 600) + String(repeating: "]", count: 600)]
        for text in rejected {
            XCTAssertThrowsError(try JSONValue.parse(Data(text.utf8)), text) { XCTAssertTrue($0 is JSONParseError, "\($0)") }
        }
        XCTAssertThrowsError(try JSONValue.parse(Data([0x5B, 0x22, 0xC3, 0x28, 0x22, 0x5D]))) {   // ["\xC3("] is not UTF-8
            XCTAssertEqual(($0 as? JSONParseError)?.reason, "the string is not valid UTF-8")
        }
        XCTAssertNoThrow(try JSONValue.parse(Data((String(repeating: "[", count: 500) + String(repeating: "]", count: 500)).utf8)))
    }

    func testJSONReaderValues() throws {
        let text = "\u{FEFF} {\"i\": -9223372036854775808, \"u\": 18446744073709551615, \"big\": 18446744073709551616, \"d\": 1.0,"
            + " \"e\": -2.5E-3, \"z\": -0, \"s\": \"a\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\ud83d\\ude00\", \"n\": null, \"t\": [true, false], \"o\": {}}"
        let value = try JSONValue.parse(Data(text.utf8))
        let expected: JSONValue = .object(["i": .integer(.min), "u": .unsigned(.max), "big": .double(18446744073709551616), "d": .double(1),
                                           "e": .double(-0.0025), "z": .integer(0), "s": .string("a\"\\/\u{8}\u{C}\n\r\t\u{E9}\u{1F600}"),
                                           "n": .null, "t": .array([.bool(true), .bool(false)]), "o": .object([:])])
        XCTAssertEqual(value, expected)
        XCTAssertEqual(try JSONValue.parse(Data(value.rendered.utf8)), value)
    }

    // MARK: positions

    /// Every path below `value`, the root included.
    private func paths(_ value: JSONValue, _ prefix: [SpecPathComponent] = []) -> [[SpecPathComponent]] {
        switch value {
        case let .array(items): return [prefix] + items.enumerated().flatMap { paths($1, prefix + [.index($0)]) }
        case let .object(members): return [prefix] + members.flatMap { paths($1, prefix + [.key($0.text)]) }
        default: return [prefix]
        }
    }

    /// A flow-style text is both JSON and YAML; both readers must give the same tree and the same positions.
    func testJSONAndYAMLReadersAgreeOnPositions() throws {
        let text = "{\"tensors\": [{\"name\": \"é😀\", \"shape\": [2,\n   3]},\n\t{\"name\": \"b\",  \"shape\": []}],\n \"seed\": 5}"
        let json = try SpecDocument(Data(text.utf8), format: .json)
        let yaml = try SpecDocument(Data(text.utf8), format: .yaml)
        XCTAssertEqual(json.root, yaml.root)
        let all = paths(json.root)
        XCTAssertEqual(all.count, 11)
        for path in all { XCTAssertEqual(json.position(of: path), yaml.position(of: path), "\(path)") }
        XCTAssertEqual(json.position(of: [.key("tensors"), .index(0), .key("shape"), .index(1)]), TextPosition(line: 2, column: 4))
        XCTAssertEqual(json.position(of: [.key("tensors"), .index(0), .key("shape")]), TextPosition(line: 1, column: 38))
        XCTAssertEqual(json.position(of: [.key("tensors"), .index(1)]), TextPosition(line: 3, column: 2))
        // A missing value is placed at its nearest ancestor below the root; the root itself has no place in messages.
        XCTAssertEqual(json.nearestPosition(of: [.key("tensors"), .index(1), .key("dtype")]), TextPosition(line: 3, column: 2))
        XCTAssertNil(json.nearestPosition(of: [.key("rules")]))
        XCTAssertNil(json.nearestPosition(of: []))
    }

    // MARK: semantic errors

    private static let jsonSpec = """
        {"seed": 3, "dtype": "f32",
         "tensors": [
           {"name": "fc.weight", "shape": [4, 8],
            "scheme": {"name": "xavier_uniform"}},
           {"name": "fc.bias", "shape": [4]}
         ],
         "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}}]}
        """

    private static let yamlSpec = """
        # a two-tensor model
        seed: 3
        dtype: f32
        tensors:
          - name: fc.weight
            shape: [4, 8]     # flow style inside block style
            scheme: {name: xavier_uniform}
          - name: fc.bias
            shape:
              - 4
        rules:
          - pattern: "*.bias"
            scheme:
              name: zeros
        """

    /// Applies one edit to a spec, failing the test if the text to replace is not there.
    private func edit(_ text: String, _ old: String, _ new: String, file: StaticString = #filePath, line: UInt = #line) -> String {
        XCTAssertNotNil(text.range(of: old), "no '\(old)' in the spec", file: file, line: line)
        return text.replacingOccurrences(of: old, with: new)
    }

    /// One mistake made in both spec texts (an edit of each, with the marker where the error must point) and its message.
    private struct Mistake {
        let json: (old: String, new: String)
        let yaml: (old: String, new: String)
        let message: String
    }

    private static let mistakes = [
        Mistake(json: ("[4, 8]", "[4, «-8]"), yaml: ("[4, 8]", "[4, «-8]"),
                message: "tensors[0] \"fc.weight\": field \"shape\"[1] must be an integer >= 0, got -8"),
        Mistake(json: ("{\"name\": \"xavier_uniform\"}", "{\"name\": «\"xavier\"}"), yaml: ("{name: xavier_uniform}", "{name: «xavier}"),
                message: "tensors[0] \"fc.weight\": field \"scheme.name\" unknown scheme 'xavier' (known: \(SchemeJSON.names.joined(separator: ", ")))"),
        Mistake(json: ("\"shape\": [4]}", "\"shape\": [4], \"shap\": «[4]}"), yaml: ("  - name: fc.bias\n", "  - name: fc.bias\n    shap: «[4]\n"),
                message: "tensors[1] \"fc.bias\": unknown field \"shap\" (known: name, shape, dtype, scheme, slice)"),
        Mistake(json: ("\"shape\": [4]}", "\"shape\": [4], \"dtype\": «\"int8\"}"), yaml: ("  - name: fc.bias\n", "  - name: fc.bias\n    dtype: «int8\n"),
                message: "tensors[1] \"fc.bias\": field \"dtype\" must be one of f32, f16, bf16, f64, got \"int8\""),
        Mistake(json: ("{\"name\": \"zeros\"}", "{\"name\": \"zeros\", \"std\": «1}"), yaml: ("      name: zeros", "      name: zeros\n      std: «1"),
                message: "rules[0] \"*.bias\": field \"scheme.std\" is not a parameter of zeros"),
        Mistake(json: ("\"rules\": [{", "\"rules\": [«7, {"), yaml: ("rules:\n", "rules:\n  - «7\n"),
                message: "rules[0]: must be an object {\"pattern\": ..., \"scheme\": ...}"),
        Mistake(json: ("\"pattern\": \"*.bias\"", "\"pattern\": «[\"*.bias\"]"), yaml: ("  - pattern: \"*.bias\"", "  - pattern: «[\"*.bias\"]"),
                message: "rules[0]: field \"pattern\" is missing or not a string"),
        // A missing field: the object that lacks it.
        Mistake(json: ("{\"name\": \"fc.bias\", \"shape\": [4]}", "«{\"name\": \"fc.bias\"}"), yaml: ("  - name: fc.bias\n    shape:\n      - 4\n", "  - «name: fc.bias\n"),
                message: "tensors[1] \"fc.bias\": field \"shape\" is missing"),
        Mistake(json: ("\"seed\": 3", "\"sed\": «3"), yaml: ("seed: 3", "sed: «3"), message: "spec: unknown field \"sed\" (known: seed, dtype, tensors, rules)"),
        Mistake(json: ("\"dtype\": \"f32\"", "\"dtype\": «\"f8\""), yaml: ("dtype: f32", "dtype: «f8"),
                message: "spec: field \"dtype\" must be one of f32, f16, bf16, f64, got \"f8\""),
        Mistake(json: ("{\"name\": \"fc.bias\", \"shape\": [4]}", "{\"name\": «\"fc.weight\", \"shape\": [4], \"scheme\": {\"name\": \"ones\"}}"),
                yaml: ("  - name: fc.bias\n", "  - name: «fc.weight\n    scheme: {name: ones}\n"),
                message: "tensors[1] \"fc.weight\": field \"name\" is a duplicate: every tensor needs its own name"),
    ]

    func testSemanticErrorsPointAtTheValueInJSONAndYAML() throws {
        XCTAssertEqual(try fileError(Self.jsonSpec, name: "ok.json"), "no error")
        XCTAssertEqual(try fileError(Self.yamlSpec, name: "ok.yaml"), "no error")
        for mistake in Self.mistakes {
            try assertError(edit(Self.jsonSpec, mistake.json.old, mistake.json.new), name: "s.json", mistake.message)
            try assertError(edit(Self.yamlSpec, mistake.yaml.old, mistake.yaml.new), name: "s.yaml", mistake.message)
        }
        // YAML only: an element of a block sequence; a quoted scalar stays a string; the .yml extension.
        try assertError(edit(Self.yamlSpec, "      - 4", "      - «-4"), name: "s.yml", "tensors[1] \"fc.bias\": field \"shape\"[0] must be an integer >= 0, got -4")
        try assertError(edit(Self.yamlSpec, "[4, 8]", "[4, «\"8\"]"), name: "s.yaml",
                        "tensors[0] \"fc.weight\": field \"shape\"[1] must be an integer >= 0, got \"8\"")
        // A scheme that does not fit the tensor: its scheme, or its shape when the scheme came from a rule.
        let needs2D = "field \"scheme\": xavier_uniform needs a tensor with at least 2 dimensions"
        try assertErrorPrefix(edit(Self.jsonSpec, "[4, 8],\n    \"scheme\": {", "[4],\n    \"scheme\": «{"), name: "s.json", "tensors[0] \"fc.weight\": \(needs2D)")
        let ruled = edit(Self.jsonSpec, "\"name\": \"zeros\"", "\"name\": \"xavier_uniform\"")
        try assertErrorPrefix(edit(ruled, "\"shape\": [4]}", "\"shape\": «[4]}"), name: "s.json", "tensors[1] \"fc.bias\": \(needs2D)")
    }

    /// Layer-list errors (LayerSpec sets their paths) get the file's line and column too, in JSON and YAML.
    func testLayerListErrorsPointAtTheLayerOrField() throws {
        let yaml = """
            seed: 1
            input: [1, 8, 8]
            layers:
              - type: conv2d
                out_channels: 4
                kernel_size: «11
            """
        try assertErrorPrefix(yaml, name: "layers.yaml", "layers[0] (conv2d): field \"kernel_size\"")
        let json = """
            {"input": [1, 8, 8],
             "layers": [{"type": "conv2d", "out_channels": 4, "kernel_size": 3},
                        {"type": «"linearr", "out_features": 3}]}
            """
        try assertErrorPrefix(json, name: "layers.json", "layers[1]: field \"type\" is an unknown layer type \"linearr\"")
    }

    func testErrorsWithoutAPlaceKeepTheirForm() throws {
        XCTAssertEqual(try fileError("seed: 1\n", name: "none.yaml"), "none.yaml: spec: field \"tensors\" is missing")
        XCTAssertEqual(try fileError("[1, 2]", name: "none.json"), "none.json: spec: must be a JSON object (or YAML mapping), got an array")
        XCTAssertEqual(try fileError("- 1\n- 2\n", name: "none.yaml"), "none.yaml: spec: must be a JSON object (or YAML mapping), got an array")
        do { _ = try ModelSpec.plan(yaml: Data("tensors: [{name: w, shape: [-1]}]".utf8)); XCTFail("accepted") } catch let error as SpecError {
            XCTAssertEqual("\(error)", "tensors[0] \"w\": field \"shape\"[0] must be an integer >= 0, got -1")
            XCTAssertEqual(error.path, [.key("tensors"), .index(0), .key("shape"), .index(0)])
            XCTAssertEqual(error.line, 1)
            XCTAssertEqual(error.column, 29)
        }
    }

    // MARK: YAML

    func testYAMLSpecAndItsJSONTwinPlanIdentically() throws {
        let yaml = """
            %YAML 1.2
            ---
            # Comments, block and flow styles, quoting, and an anchor reused through an alias.
            seed: 0x2A                      # hex is an integer
            dtype: 'bf16'
            tensors:
              - {name: embed, shape: [100, 16], scheme: {name: normal, std: 2e-2}}
              - name: "layer.0.weight"
                shape:
                  - 16
                  - 1_6
                dtype: f32
                scheme: &kaiming
                  name: kaiming_uniform
                  a: 2.23606797749979
                  mode: fan_in
                  nonlinearity: leaky_relu
              - name: layer.1.weight
                shape: [16, 16]
                scheme: *kaiming
              - name: layer.0.bias
                shape: [16]
              - name: >-
                  head.weight
                shape: [10, 16]
                scheme: {name: trunc_normal, std: .02, a: -0.04, b: +0.04}
            rules:
              - pattern: '*.bias'
                scheme: {name: constant, val: -1.5}
            ...
            """
        let json = """
            {"seed": 42, "dtype": "bf16",
             "tensors": [{"name": "embed", "shape": [100, 16], "scheme": {"name": "normal", "std": 0.02}},
                         {"name": "layer.0.weight", "shape": [16, 16], "dtype": "f32",
                          "scheme": {"name": "kaiming_uniform", "a": 2.23606797749979, "mode": "fan_in", "nonlinearity": "leaky_relu"}},
                         {"name": "layer.1.weight", "shape": [16, 16],
                          "scheme": {"name": "kaiming_uniform", "a": 2.23606797749979, "mode": "fan_in", "nonlinearity": "leaky_relu"}},
                         {"name": "layer.0.bias", "shape": [16]},
                         {"name": "head.weight", "shape": [10, 16], "scheme": {"name": "trunc_normal", "std": 0.02, "a": -0.04, "b": 0.04}}],
             "rules": [{"pattern": "*.bias", "scheme": {"name": "constant", "val": -1.5}}]}
            """
        let fromYAML = try ModelSpec.plan(yaml: Data(yaml.utf8))
        XCTAssertEqual(fromYAML, try ModelSpec.plan(json: Data(json.utf8)))
        XCTAssertEqual(try SpecDocument(Data(yaml.utf8), format: .yaml).root, try SpecDocument(Data(json.utf8), format: .json).root)
        XCTAssertEqual(fromYAML.seed, 42)
        XCTAssertEqual(fromYAML.tensors.map(\.name), ["embed", "layer.0.weight", "layer.1.weight", "layer.0.bias", "head.weight"])
        XCTAssertEqual(fromYAML.tensors[3].scheme, .constant(-1.5))

        let url = folder.appendingPathComponent("twin.yml")
        try Data(yaml.utf8).write(to: url)
        XCTAssertEqual(try ModelSpec.plan(file: url.path, seed: 9, dtype: .float16), try ModelSpec.plan(json: Data(json.utf8), seed: 9, dtype: .float16))
    }

    func testYAMLScalarsResolveAsYamsDoes() throws {
        let yaml = """
            ints: [0, -17, +5, 0x1F, 0o17, 0b101, 1_000, 9223372036854775807, 18446744073709551615]
            floats: [1.5, -2e3, .inf, -.Inf, 1_0.5]
            bools: [true, False, yes, off]
            nulls: [~, null, ]
            literal: |
              text
            strings: ['1', "true", abc, 2024-01-02, "~", -.5]
            """
        let root = try SpecDocument(Data(yaml.utf8), format: .yaml).root.object ?? [:]
        XCTAssertEqual(root["ints"], .array([.integer(0), .integer(-17), .integer(5), .integer(31), .integer(15), .integer(5), .integer(1000),
                                             .integer(.max), .unsigned(.max)]))
        XCTAssertEqual(root["floats"], .array([.double(1.5), .double(-2000), .double(.infinity), .double(-.infinity), .double(10.5)]))
        XCTAssertEqual(root["bools"], .array([.bool(true), .bool(false), .bool(true), .bool(false)]))
        XCTAssertEqual(root["nulls"], .array([.null, .null]))
        XCTAssertEqual(root["strings"], .array([.string("1"), .string("true"), .string("abc"), .string("2024-01-02"), .string("~"), .string("-.5")]))
        XCTAssertEqual(root["literal"], .string("text\n"))
        let nan = try SpecDocument(Data("x: .NaN".utf8), format: .yaml).root.object?["x"]?.number
        XCTAssertEqual(nan?.isNaN, true)
    }

    func testYAMLSyntaxErrorsGiveALine() throws {
        // libyaml's own errors: the line of the marker and libyaml's reason.
        let libyaml = ["tensors:\n  - name: w\n  «   shape: [1]\n": "mapping values are not allowed in this context",
                       "tensors: [{name: w, shape: [1]}\n«": "did not find expected ',' or ']'",
                       "seed: 1\n\t«tensors: []\n": "found a tab character that violates indentation",
                       "tensors: «*nowhere\n": "found undefined alias"]
        for (marked, reason) in libyaml {
            let (text, position) = unmarked(marked)
            let message = try fileError(text, name: "y.yaml")
            XCTAssertTrue(message.hasPrefix("y.yaml:\(position.line):"), message)
            XCTAssertTrue(message.contains(": invalid YAML: \(reason)"), message)
        }
        // Ours: the exact place and reason.
        try assertError("tensors:\n  - «<<: {name: w}\n    shape: [1]\n", name: "y.yaml", "invalid YAML: merge keys (<<) are not supported; write the fields out")
        try assertError("tensors:\n  - name: w\n    shape: «!custom [1]\n", name: "y.yaml", "invalid YAML: unsupported tag '!custom'")
        try assertError("tensors:\n  ? «[a, b]\n  : 1\n", name: "y.yaml", "invalid YAML: a mapping key must be a plain name, not a list or mapping")
        try assertError("«seed: 1\ntensors: []\nseed: 2\n", name: "y.yaml", "invalid YAML: duplicate key 'seed' in a mapping")
        try assertError("\"1\": a\n«1: b\n", name: "y.yaml", "invalid YAML: duplicate key \"1\" (first at line 1)")
        try assertError("«# nothing\n", name: "y.yaml", "invalid YAML: the document is empty")
        var bytes = Array("seed: 1\ntensors: [\"a".utf8)
        bytes.append(0xFF)
        let url = folder.appendingPathComponent("binary.yaml")
        try Data(bytes).write(to: url)
        XCTAssertThrowsError(try ModelSpec.plan(file: url.path)) { XCTAssertTrue("\($0)".hasSuffix("binary.yaml:2:13: invalid YAML: the file is not UTF-8 text"), "\($0)") }
    }

    func testYAMLAliasBombIsRefused() throws {
        var lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
        for i in 1...7 { lines.append("a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]") }
        let message = try fileError(lines.joined(separator: "\n") + "\n", name: "bomb.yaml")
        XCTAssertTrue(message.contains("invalid YAML: the document expands (through aliases) to more than"), message)
    }
}
