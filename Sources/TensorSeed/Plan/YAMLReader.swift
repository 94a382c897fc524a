import Foundation
import Yams

/// Reads one YAML document with Yams' node API (`compose`) into the `JSONValue` tree a JSON spec gives,
/// with the line and column of every value.
///
/// Plain scalars are resolved as Yams' default resolver does (YAML core schema, plus YAML 1.1 booleans such as
/// `yes`/`no`): null, bool, int (decimal, `0x`, `0o`, `0b`, `_` separators; beyond `Int64` → `.unsigned`, then
/// `.double`), float (`.inf`, `-.inf`, `.nan` included); everything else, and every quoted or block scalar, is a string.
/// Aliases are resolved (their values report the anchor's position); merge keys (`<<`) and custom tags are errors.
enum YAMLReader {
    /// Most values an alias-expanded document may have, so that nested aliases cannot blow up memory
    /// (the "billion laughs" document); a model spec with a million values would itself be absurd.
    static let maximumValues = 1_000_000

    /// The document in `data` (which must be UTF-8).
    static func document(_ data: Data) throws -> SpecDocument {
        guard let text = String(validating: data, as: UTF8.self) else {
            throw DocumentSyntaxError(.yaml, reason: "the file is not UTF-8 text", position: TextPosition.of(offset: firstInvalidUTF8(data), in: data))
        }
        let node: Node?
        do { node = try Yams.compose(yaml: text) } catch let error as YamlError {
            throw parseError(error, data: data)
        }
        guard let node else { throw DocumentSyntaxError(.yaml, reason: "the document is empty", position: TextPosition(line: 1, column: 1)) }
        var budget = maximumValues
        guard fits(node, budget: &budget) else {
            throw DocumentSyntaxError(.yaml, reason: "the document expands (through aliases) to more than \(maximumValues) values",
                                 position: node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1))
        }
        var converter = Converter()
        let root = try converter.value(of: node, at: [])
        return SpecDocument(root: root, positions: converter.positions)
    }

    /// Yams' error as reason and position (its own description spans several lines and quotes the text).
    private static func parseError(_ error: YamlError, data: Data) -> DocumentSyntaxError {
        switch error {
        case let .scanner(context, problem, mark, _), let .parser(context, problem, mark, _), let .composer(context, problem, mark, _):
            let reason = context.map { "\(problem) \($0.text)" } ?? problem
            return DocumentSyntaxError(.yaml, reason: reason, position: TextPosition(line: mark.line, column: mark.column))
        case let .reader(problem, offset, _, _):
            return DocumentSyntaxError(.yaml, reason: problem, position: TextPosition.of(offset: offset ?? 0, in: data))
        case let .duplicatedKeysInMapping(duplicates, context):
            let keys = duplicates.sorted().map { "'\($0)'" }.joined(separator: ", ")
            return DocumentSyntaxError(.yaml, reason: "duplicate key \(keys) in a mapping",
                                  position: TextPosition(line: context.mark.line, column: context.mark.column))
        default:
            return DocumentSyntaxError(.yaml, reason: "\(error)", position: TextPosition(line: 1, column: 1))
        }
    }

    /// Whether `node`, its aliases expanded, has at most `budget` values (counted cheaply, before any tag is resolved).
    private static func fits(_ node: Node, budget: inout Int) -> Bool {
        budget -= 1
        guard budget >= 0 else { return false }
        switch node {
        case .scalar, .alias: return true
        case let .sequence(sequence): return sequence.allSatisfy { fits($0, budget: &budget) }
        case let .mapping(mapping): return mapping.allSatisfy { fits($0.key, budget: &budget) && fits($0.value, budget: &budget) }
        }
    }

    /// The byte offset of the first byte that does not continue valid UTF-8.
    private static func firstInvalidUTF8(_ data: Data) -> Int {
        var iterator = data.makeIterator()
        var decoder = UTF8()
        var offset = 0
        while case let .scalarValue(scalar) = decoder.decode(&iterator) { offset += UTF8.width(scalar) }
        return offset
    }

    /// Turns nodes into values, remembering where each starts.
    private struct Converter {
        var positions: [[SpecPathComponent]: TextPosition] = [:]

        mutating func value(of node: Node, at path: [SpecPathComponent]) throws -> JSONValue {
            let position = node.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
            positions[path] = position
            switch node {
            case let .scalar(scalar):
                return try YAMLReader.value(of: scalar, tag: node.resolvedTagName, at: position)
            case let .sequence(sequence):
                guard node.resolvedTagName == .seq else { throw unsupportedTag(node.resolvedTagName, at: position) }
                var items: [JSONValue] = []
                for (i, item) in sequence.enumerated() { items.append(try value(of: item, at: path + [.index(i)])) }
                return .array(items)
            case let .mapping(mapping):
                guard node.resolvedTagName == .map else { throw unsupportedTag(node.resolvedTagName, at: position) }
                return try object(of: mapping, at: path)
            case .alias:
                throw DocumentSyntaxError(.yaml, reason: "an unresolved alias", position: position)
            }
        }

        private mutating func object(of mapping: Node.Mapping, at path: [SpecPathComponent]) throws -> JSONValue {
            var members: [JSONKey: JSONValue] = [:]
            var keyLines: [JSONKey: Int] = [:]
            for (keyNode, valueNode) in mapping {
                let keyPosition = keyNode.mark.map { TextPosition(line: $0.line, column: $0.column) } ?? TextPosition(line: 1, column: 1)
                guard case let .scalar(keyScalar) = keyNode else {
                    throw DocumentSyntaxError(.yaml, reason: "a mapping key must be a plain name, not a list or mapping", position: keyPosition)
                }
                if keyNode.resolvedTagName == .merge {
                    throw DocumentSyntaxError(.yaml, reason: "merge keys (<<) are not supported; write the fields out", position: keyPosition)
                }
                let key = keyScalar.string
                if let first = keyLines[JSONKey(key)] {
                    throw DocumentSyntaxError(.yaml, reason: "duplicate key \"\(key)\" (first at line \(first))", position: keyPosition)
                }
                keyLines[JSONKey(key)] = keyPosition.line
                members[key] = try value(of: valueNode, at: path + [.key(key)])
            }
            return .object(members)
        }

        private func unsupportedTag(_ tag: Tag.Name, at position: TextPosition) -> DocumentSyntaxError {
            DocumentSyntaxError(.yaml, reason: "unsupported tag '\(tag.rawValue)'", position: position)
        }
    }

    /// A scalar's value under its resolved tag.
    private static func value(of scalar: Node.Scalar, tag: Tag.Name, at position: TextPosition) throws -> JSONValue {
        switch tag {
        case .null:
            return .null
        case .bool:
            guard let b = Bool.construct(from: scalar) else { throw invalid(scalar, "a boolean", at: position) }
            return .bool(b)
        case .int:
            if let i = Int64.construct(from: scalar) { return .integer(i) }
            if let u = UInt64.construct(from: scalar) { return .unsigned(u) }
            guard let d = Double.construct(from: scalar), d.isFinite else { throw invalid(scalar, "an integer in range", at: position) }
            return .double(d)
        case .float:
            guard let d = Double.construct(from: scalar) else { throw invalid(scalar, "a number", at: position) }
            return .double(d)
        case .str, .timestamp, .value, .merge:
            return .string(scalar.string)
        default:
            throw DocumentSyntaxError(.yaml, reason: "unsupported tag '\(tag.rawValue)'", position: position)
        }
    }

    private static func invalid(_ scalar: Node.Scalar, _ what: String, at position: TextPosition) -> DocumentSyntaxError {
        DocumentSyntaxError(.yaml, reason: "'\(scalar.string)' is not \(what)", position: position)
    }
}

extension Node {
    /// The node's tag after Yams' default resolution (`Tag.name` itself is internal to Yams).
    fileprivate var resolvedTagName: Tag.Name { Tag.Name(rawValue: tag.rawValue) }
}
