import Foundation

/// The text formats a model spec may be written in.
public enum SpecFormat: String, Sendable, CaseIterable {
    case json = "JSON"
    case yaml = "YAML"

    /// The format a file name implies: `.yaml` or `.yml` is YAML, anything else JSON.
    public init(path: String) {
        let lower = path.lowercased()
        self = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") ? .yaml : .json
    }
}

/// A spec file read into a `JSONValue` tree, with the line and column where each value starts,
/// keyed by its path from the root (object keys and array indices). YAML positions are kept from the
/// read; JSON positions are found when asked, by reading the text again for that one path, so that a
/// large spec costs no table of every value's position.
public struct SpecDocument: Sendable {
    /// The document's value.
    public let root: JSONValue
    private let positions: [[SpecPathComponent]: TextPosition]
    /// The JSON text, read again for positions.
    private let text: Data?

    init(root: JSONValue, positions: [[SpecPathComponent]: TextPosition]) {
        self.root = root
        self.positions = positions
        self.text = nil
    }

    init(root: JSONValue, text: Data) {
        self.root = root
        self.positions = [:]
        self.text = text
    }

    /// Reads `data` as `format`; a syntax error is a `DocumentSyntaxError` naming line and column.
    public init(_ data: Data, format: SpecFormat) throws {
        switch format {
        case .json: self = try JSONReader.document(data)
        case .yaml: self = try YAMLReader.document(data)
        }
    }

    /// The positions of `path` and its ancestors.
    private func positions(along path: [SpecPathComponent]) -> [[SpecPathComponent]: TextPosition] {
        guard let text else { return positions }
        return JSONReader.positions(along: path, in: text)
    }

    /// Where the value at `path` starts, if the document has such a value.
    public func position(of path: [SpecPathComponent]) -> TextPosition? { positions(along: path)[path] }

    /// Where the value at `path` starts, else where its nearest ancestor below the root starts
    /// (a missing field is reported at the object that lacks it). An empty path has no position:
    /// a message about the document as a whole needs none.
    public func nearestPosition(of path: [SpecPathComponent]) -> TextPosition? {
        let found = positions(along: path)
        var path = path
        while !path.isEmpty {
            if let position = found[path] { return position }
            path.removeLast()
        }
        return nil
    }
}
