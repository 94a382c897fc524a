import Foundation

/// A place in a text file: 1-based line and 1-based column, columns counted in Unicode scalars
/// (as libyaml counts them, so JSON and YAML positions agree).
public struct TextPosition: Hashable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    /// `line:column`, the compiler convention.
    public var description: String { "\(line):\(column)" }

    /// The position of byte `offset` in UTF-8 `bytes` (lines end at LF; a UTF-8 continuation byte is no new column).
    static func of(offset: Int, in bytes: some Collection<UInt8>) -> TextPosition {
        var position = TextPosition(line: 1, column: 1)
        for byte in bytes.prefix(offset) { position.advance(over: byte) }
        return position
    }

    /// Moves past one byte of UTF-8 text.
    mutating func advance(over byte: UInt8) {
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }
}

/// A JSON or YAML text that cannot be read: what is wrong and where.
public struct DocumentSyntaxError: Error, CustomStringConvertible, Equatable {
    /// The format the text was read as.
    public var format: SpecFormat
    /// What is wrong, without the position (e.g. "expected ',' or '}' after an object member").
    public var reason: String
    /// Where: 1-based line and column (in Unicode scalars).
    public var position: TextPosition

    public init(_ format: SpecFormat, reason: String, position: TextPosition) {
        self.format = format
        self.reason = reason
        self.position = position
    }

    /// The reason and the position in words.
    public var message: String { "\(reason) at line \(position.line), column \(position.column)" }
    public var description: String { "invalid \(format.rawValue): \(message)" }
}

/// What `JSONValue.parse` throws: the name callers have long caught.
public typealias JSONParseError = DocumentSyntaxError
