import Foundation
import XCTest
@testable import TensorSeed

/// Malformed specs never crash: thousands of mutants of valid JSON and YAML specs (tensor lists, layer
/// lists) either plan or throw an error whose text is one non-empty line. A crash (a trap, a stack
/// overflow) kills the test process, which fails the suite.
final class SpecFuzzTests: XCTestCase {
    /// Valid specs the mutants start from, with their format.
    private static let seeds: [(text: String, format: SpecFormat)] = [
        ("""
        {"seed": 7, "dtype": "bf16",
         "tensors": [{"name": "fc.weight", "shape": [16, 8], "dtype": "f32",
                      "scheme": {"name": "kaiming_uniform", "a": 2.236, "mode": "fan_in", "nonlinearity": "leaky_relu"}},
                     {"name": "fc.bias", "shape": [16]},
                     {"name": "q", "shape": [4, 4], "scheme": {"name": "orthogonal", "gain": 1.5}},
                     {"name": "t", "shape": [3, 5], "scheme": {"name": "trunc_normal", "std": 0.02, "a": -0.04, "b": 0.04}},
                     {"name": "v", "shape": [2, 3, 4], "scheme": {"name": "variance_scaling", "scale": 2, "mode": "fan_avg",
                                                                "distribution": "uniform", "in_axis": [-2], "out_axis": [-1]}},
                     {"name": "norm.weight", "shape": [16]}],
         "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}},
                   {"pattern": "*norm*", "scheme": {"name": "ones"}},
                   {"pattern": "*", "scheme": {"name": "normal", "std": 0.02}}]}
        """, .json),
        ("""
        seed: 3
        dtype: f16
        tensors:
          - name: emb
            shape: [10, 4]
            scheme: {name: embedding, padding_idx: 0}
          - {name: conv.weight, shape: [4, 2, 3, 3], scheme: {name: dirac, groups: 2}}
          - name: sparse
            shape: [6, 5]
            scheme:
              name: sparse
              sparsity: 0.5
        rules:
          - {pattern: "*", scheme: {name: xavier_normal, gain: 1.0}}
        """, .yaml),
        ("""
        {"seed": 1, "input": [1, 12, 12],
         "layers": [{"type": "conv2d", "out_channels": 4, "kernel_size": 3, "padding": 1, "groups": 1}, {"type": "relu"},
                    {"type": "maxpool2d", "kernel_size": 2}, {"type": "flatten"},
                    {"type": "linear", "out_features": 8, "name": "fc"}, {"type": "layernorm"},
                    {"type": "linear", "out_features": 3, "bias": false}],
         "rules": [{"pattern": "*.bias", "scheme": {"name": "zeros"}}]}
        """, .json),
        ("""
        input: [6]
        input_dtype: int
        layers:
          - {type: embedding, num_embeddings: 50, embedding_dim: 8, padding_idx: 1}
          - {type: lstm, hidden_size: 4, num_layers: 2, bidirectional: true}
          - {type: gru, hidden_size: 3}
          - {type: rmsnorm}
        """, .yaml),
    ]

    /// Fragments a mutation inserts: JSON and YAML punctuation, extreme numbers, odd strings, deep nesting.
    private static let fragments: [String] = [
        "{", "}", "[", "]", ",", ":", "\"", "-", "0", "1e309", "-1", "18446744073709551616", "9223372036854775807",
        "-0.0", "1e-320", "nan", ".inf", "null", "true", "\"\"", "\\u0000", "\\ud800", "\u{00}", "\u{FFFF}", "é", "\n", "\t", "  ",
        "&a", "*a", "<<: *a", "!!binary", "---", "...", "#", "? ", "|", ">", "%YAML 1.2",
        String(repeating: "[", count: 2000), String(repeating: "{\"a\":", count: 2000), String(repeating: "- ", count: 500),
        String(repeating: "9", count: 400), "{\"name\": \"orthogonal\"}", "[1, 2, 3, 4, 5, 6, 7, 8, 9]", "[0]", "[]", "{}",
    ]

    func testMutantsOfValidSpecsPlanOrFailWithOneLine() throws {
        var random = SplitMix64(seed: 0x5EED_F022)
        var planned = 0, refused = 0
        for (index, seed) in Self.seeds.enumerated() {
            // The seeds themselves are valid: the mutants start from specs that plan.
            XCTAssertNoThrow(try ModelSpec.plan(Data(seed.text.utf8), format: seed.format), "seed \(index)")
            var bytes = Array(seed.text.utf8)
            for round in 0..<1500 {
                if round % 3 == 0 { bytes = Array(seed.text.utf8) }   // mostly fresh mutants, some compounded
                mutate(&bytes, using: &random)
                switch outcome(of: bytes, format: seed.format) {
                case .planned: planned += 1
                case .refused: refused += 1
                case let .unreadable(text):
                    XCTFail("seed \(index), round \(round): error text is not one line: \(text.debugDescription)\nspec: \(String(decoding: bytes, as: UTF8.self).debugDescription)")
                }
            }
        }
        // Most mutants break the spec; some survive (e.g. a changed digit). Both paths are exercised.
        XCTAssertGreaterThan(refused, 3000)
        XCTAssertGreaterThan(planned, 50)
        print("spec fuzz: \(planned) mutants planned, \(refused) refused with one line")
    }

    /// Values of every JSON kind swapped into every place of a valid spec (one at a time) plan or fail with one line.
    func testEveryValueReplacedByEveryKind() throws {
        let replacements: [JSONValue] = [.null, .bool(true), .integer(-1), .integer(0), .integer(Int64.max), .unsigned(UInt64.max),
                                         .double(1e308), .double(-0.0), .double(0.5), .string(""), .string("x"),
                                         .array([]), .array([.integer(1 << 40), .integer(1 << 40)]), .object([:])]
        for seed in Self.seeds where seed.format == .json {
            let root = try JSONValue.parse(Data(seed.text.utf8))
            for path in Self.paths(in: root) {
                for replacement in replacements {
                    let mutant = Self.replacing(path, in: root, with: replacement)
                    if case let .unreadable(text) = outcome(of: Array(mutant.rendered.utf8), format: .json) {
                        XCTFail("\(path) = \(replacement.rendered): error text is not one line: \(text.debugDescription)")
                    }
                }
            }
        }
    }

    private enum Outcome { case planned, refused, unreadable(String) }

    private func outcome(of bytes: [UInt8], format: SpecFormat) -> Outcome {
        do {
            _ = try ModelSpec.plan(Data(bytes), format: format)
            return .planned
        } catch {
            let text = "\(error)"
            return text.isEmpty || text.contains("\n") || text.contains("\r") ? .unreadable(text) : .refused
        }
    }

    /// One random edit: replace, delete, duplicate or insert bytes, swap in a fragment, or truncate.
    private func mutate(_ bytes: inout [UInt8], using random: inout SplitMix64) {
        guard !bytes.isEmpty else { bytes = Array("{".utf8); return }
        let at = Int.random(in: 0..<bytes.count, using: &random)
        switch Int.random(in: 0..<6, using: &random) {
        case 0: bytes[at] = UInt8.random(in: 0...255, using: &random)
        case 1: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...12, using: &random)))
        case 2:
            let end = min(bytes.count, at + Int.random(in: 1...40, using: &random))
            bytes.insert(contentsOf: bytes[at..<end], at: Int.random(in: 0...bytes.count, using: &random))
        case 3: bytes.insert(contentsOf: Array(Self.fragments.randomElement(using: &random)!.utf8), at: at)
        case 4:
            // Replace a run of digits (a number) by a fragment: changes values in place.
            var end = at
            while end < bytes.count, (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(bytes[end]) { end += 1 }
            bytes.replaceSubrange(at..<max(end, at + 1), with: Array(Self.fragments.randomElement(using: &random)!.utf8))
        default: bytes.removeSubrange(at...)
        }
    }

    /// Every path to a value in `value` (the root excluded).
    private static func paths(in value: JSONValue, prefix: [SpecPathComponent] = []) -> [[SpecPathComponent]] {
        var result: [[SpecPathComponent]] = prefix.isEmpty ? [] : [prefix]
        if let object = value.object {
            for key in object.keys.sorted() { result += paths(in: object[key]!, prefix: prefix + [.key(key.text)]) }
        } else if let array = value.array {
            for (i, item) in array.enumerated() { result += paths(in: item, prefix: prefix + [.index(i)]) }
        }
        return result
    }

    /// `value` with the value at `path` replaced by `replacement`.
    private static func replacing(_ path: [SpecPathComponent], in value: JSONValue, with replacement: JSONValue) -> JSONValue {
        guard let first = path.first else { return replacement }
        let rest = Array(path.dropFirst())
        switch (first, value) {
        case let (.key(key), .object(fields)):
            var fields = fields
            fields[key] = replacing(rest, in: fields[key] ?? .null, with: replacement)
            return .object(fields)
        case let (.index(i), .array(items)):
            var items = items
            items[i] = replacing(rest, in: items[i], with: replacement)
            return .array(items)
        default:
            return value
        }
    }
}
