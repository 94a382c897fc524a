import Foundation

/// A parser for JSON text as RFC 8259 defines it, into `JSONValue`, optionally recording the line and
/// column where every value starts.
///
/// Numbers without fraction or exponent that fit `Int64` become `.integer`, larger ones that fit `UInt64`
/// `.unsigned`, anything else `.double` (a number too large for a Double is an error). A key repeated
/// in one object is an error, as are unpaired `\u` surrogates and invalid UTF-8 in strings.
/// A leading UTF-8 byte-order mark is skipped.
struct JSONReader {
    /// Deepest nesting of arrays and objects accepted, so that hostile input cannot exhaust the stack
    /// (RFC 8259 section 9 lets a parser set such a limit; 512 is far beyond any model spec).
    static let maximumDepth = 512

    private let bytes: [UInt8]
    private var offset = 0
    private var here = TextPosition(line: 1, column: 1)
    /// The path whose position (and its ancestors') is recorded; nil records none. Recording one path, not
    /// every value's, keeps the memory of a large spec to its values (a table of every value's path took
    /// about 25 bytes per byte of text).
    private let target: [SpecPathComponent]?
    private var path: [SpecPathComponent] = []
    private var positions: [[SpecPathComponent]: TextPosition] = [:]

    private init(_ data: Data, target: [SpecPathComponent]?) {
        bytes = Array(data)
        self.target = target
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { offset = 3 }
    }

    /// The value of the JSON text `data`.
    static func value(_ data: Data) throws -> JSONValue {
        var reader = JSONReader(data, target: nil)
        return try reader.readDocument()
    }

    /// The value of the JSON text `data` and the position of each of its values.
    static func document(_ data: Data) throws -> SpecDocument {
        SpecDocument(root: try value(data), text: data)
    }

    /// Where the value at `path` and each of its ancestors start in the (valid) JSON text `data`.
    static func positions(along path: [SpecPathComponent], in data: Data) -> [[SpecPathComponent]: TextPosition] {
        var reader = JSONReader(data, target: path)
        _ = try? reader.readDocument()
        return reader.positions
    }

    // MARK: reading

    private mutating func readDocument() throws -> JSONValue {
        skipWhitespace()
        let root = try readValue(depth: 0)
        skipWhitespace()
        guard offset == bytes.count else { throw failure("unexpected text after the JSON value") }
        return root
    }

    private mutating func readValue(depth: Int) throws -> JSONValue {
        if let target, target.starts(with: path) { positions[path] = here }
        guard let byte = peek() else { throw failure("expected a value, found the end of the text") }
        switch byte {
        case UInt8(ascii: "{"): return try readObject(depth: depth + 1)
        case UInt8(ascii: "["): return try readArray(depth: depth + 1)
        case UInt8(ascii: "\""): return .string(try readString())
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return try readNumber()
        case UInt8(ascii: "t"): try readLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try readLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try readLiteral("null"); return .null
        default: throw failure("expected a value (object, array, string, number, true, false or null), found \(describe(byte))")
        }
    }

    /// Steps past the '{' or '[' that opens a container at nesting `depth`, and the whitespace after it.
    private mutating func enterContainer(depth: Int) throws {
        guard depth <= JSONReader.maximumDepth else { throw failure("arrays and objects nest deeper than \(JSONReader.maximumDepth) levels") }
        advance()
        skipWhitespace()
    }

    private mutating func readObject(depth: Int) throws -> JSONValue {
        try enterContainer(depth: depth)
        var members: [JSONKey: JSONValue] = [:]
        var keyLines: [JSONKey: Int] = [:]
        if peek() == UInt8(ascii: "}") { advance(); return .object(members) }
        while true {
            guard peek() == UInt8(ascii: "\"") else {
                throw failure(members.isEmpty ? "expected a string key or '}'" : "expected a string key after ','")
            }
            let keyPosition = here
            let key = try readString()
            if let first = keyLines[JSONKey(key)] {
                throw DocumentSyntaxError(.json, reason: "duplicate key \"\(key)\" (first at line \(first))", position: keyPosition)
            }
            keyLines[JSONKey(key)] = keyPosition.line
            skipWhitespace()
            guard peek() == UInt8(ascii: ":") else { throw failure("expected ':' after the key \"\(key)\"") }
            advance()
            skipWhitespace()
            path.append(.key(key))
            members[key] = try readValue(depth: depth)
            path.removeLast()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): advance(); skipWhitespace()
            case UInt8(ascii: "}"): advance(); return .object(members)
            default: throw failure("expected ',' or '}' after an object member")
            }
        }
    }

    private mutating func readArray(depth: Int) throws -> JSONValue {
        try enterContainer(depth: depth)
        var items: [JSONValue] = []
        if peek() == UInt8(ascii: "]") { advance(); return .array(items) }
        while true {
            path.append(.index(items.count))
            items.append(try readValue(depth: depth))
            path.removeLast()
            skipWhitespace()
            switch peek() {
            case UInt8(ascii: ","): advance(); skipWhitespace()
            case UInt8(ascii: "]"): advance(); return .array(items)
            default: throw failure("expected ',' or ']' after an array element")
            }
        }
    }

    private mutating func readString() throws -> String {
        let start = here
        advance()
        var text: [UInt8] = []
        while true {
            guard let byte = peek() else { throw DocumentSyntaxError(.json, reason: "unterminated string", position: start) }
            switch byte {
            case UInt8(ascii: "\""):
                advance()
                guard let string = String(validating: text, as: UTF8.self) else {
                    throw DocumentSyntaxError(.json, reason: "the string is not valid UTF-8", position: start)
                }
                return string
            case UInt8(ascii: "\\"):
                try readEscape(into: &text)
            case 0..<0x20:
                throw failure("control character U+00\(hexByte(byte)) in a string must be escaped")
            default:
                text.append(byte)
                advance()
            }
        }
    }

    /// Reads an escape (the reader is at its backslash) and appends the character it stands for, as UTF-8.
    /// A bad escape is reported at its backslash, a bad `\u` escape at its `u` (as Python's json module does).
    private mutating func readEscape(into text: inout [UInt8]) throws {
        let backslash = here
        advance()
        guard let byte = peek() else { throw DocumentSyntaxError(.json, reason: "unterminated string", position: backslash) }
        let simple: [UInt8: UInt8] = [UInt8(ascii: "\""): 0x22, UInt8(ascii: "\\"): 0x5C, UInt8(ascii: "/"): 0x2F,
                                      UInt8(ascii: "b"): 0x08, UInt8(ascii: "f"): 0x0C, UInt8(ascii: "n"): 0x0A,
                                      UInt8(ascii: "r"): 0x0D, UInt8(ascii: "t"): 0x09]
        if let replacement = simple[byte] {
            advance()
            text.append(replacement)
            return
        }
        guard byte == UInt8(ascii: "u") else {
            throw DocumentSyntaxError(.json, reason: "invalid escape '\\\(describe(byte, quoted: false))' in a string", position: backslash)
        }
        let u = here
        advance()
        guard var code = readHex4() else { throw DocumentSyntaxError(.json, reason: "expected four hex digits after \\u", position: u) }
        if (0xD800...0xDBFF).contains(code) {
            let low = here
            guard peek() == UInt8(ascii: "\\") else { throw DocumentSyntaxError(.json, reason: "unpaired surrogate in a \\u escape", position: u) }
            advance()
            guard peek() == UInt8(ascii: "u") else { throw DocumentSyntaxError(.json, reason: "unpaired surrogate in a \\u escape", position: u) }
            advance()
            guard let second = readHex4() else { throw DocumentSyntaxError(.json, reason: "expected four hex digits after \\u", position: low) }
            guard (0xDC00...0xDFFF).contains(second) else { throw DocumentSyntaxError(.json, reason: "unpaired surrogate in a \\u escape", position: u) }
            code = 0x10000 + ((code - 0xD800) << 10) + (second - 0xDC00)
        }
        guard let scalar = Unicode.Scalar(code) else { throw DocumentSyntaxError(.json, reason: "unpaired surrogate in a \\u escape", position: u) }
        text.append(contentsOf: Array(String(Character(scalar)).utf8))
    }

    /// Four hex digits as a number, or nil (having consumed the digits that were there).
    private mutating func readHex4() -> UInt32? {
        var code: UInt32 = 0
        for _ in 0..<4 {
            guard let byte = peek(), let digit = UInt32(String(UnicodeScalar(byte)), radix: 16) else { return nil }
            code = code << 4 | digit
            advance()
        }
        return code
    }

    /// Reads a number; a malformed one is reported where its faulty part starts (the '-', '.' or 'e').
    private mutating func readNumber() throws -> JSONValue {
        let start = here, first = offset
        if peek() == UInt8(ascii: "-") { advance() }
        guard let lead = peek(), isDigit(lead) else { throw DocumentSyntaxError(.json, reason: "expected a digit after '-'", position: start) }
        advance()
        if lead == UInt8(ascii: "0"), let next = peek(), isDigit(next) { throw failure("a number must not have leading zeros") }
        skipDigits()
        var integral = true
        if peek() == UInt8(ascii: ".") {
            integral = false
            let point = here
            advance()
            guard let next = peek(), isDigit(next) else { throw DocumentSyntaxError(.json, reason: "expected a digit after the decimal point", position: point) }
            skipDigits()
        }
        if peek() == UInt8(ascii: "e") || peek() == UInt8(ascii: "E") {
            integral = false
            let exponent = here
            advance()
            if peek() == UInt8(ascii: "+") || peek() == UInt8(ascii: "-") { advance() }
            guard let next = peek(), isDigit(next) else { throw DocumentSyntaxError(.json, reason: "expected a digit in the exponent", position: exponent) }
            skipDigits()
        }
        let text = String(decoding: bytes[first..<offset], as: UTF8.self)
        if integral {
            if let i = Int64(text) { return .integer(i) }
            if let u = UInt64(text) { return .unsigned(u) }
        }
        guard let d = Double(text), d.isFinite else { throw DocumentSyntaxError(.json, reason: "the number \(text) is too large", position: start) }
        return .double(d)
    }

    private mutating func readLiteral(_ word: String) throws {
        let expected = Array(word.utf8)
        guard bytes[offset...].starts(with: expected) else { throw failure("invalid literal (expected true, false or null)") }
        for _ in expected { advance() }
    }

    // MARK: bytes

    private func peek() -> UInt8? { offset < bytes.count ? bytes[offset] : nil }

    private mutating func advance() {
        here.advance(over: bytes[offset])
        offset += 1
    }

    private mutating func skipWhitespace() {
        while let byte = peek(), byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { advance() }
    }

    private func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }

    private mutating func skipDigits() {
        while let byte = peek(), isDigit(byte) { advance() }
    }

    private func hexByte(_ byte: UInt8) -> String {
        let digits = String(byte, radix: 16, uppercase: true)
        return digits.count == 1 ? "0" + digits : digits
    }

    private func failure(_ reason: String) -> DocumentSyntaxError { DocumentSyntaxError(.json, reason: reason, position: here) }

    /// A byte as a message names it: a printable ASCII character in quotes, else its kind.
    private func describe(_ byte: UInt8, quoted: Bool = true) -> String {
        if (0x21...0x7E).contains(byte) { return quoted ? "'\(Character(UnicodeScalar(byte)))'" : String(UnicodeScalar(byte)) }
        return byte < 0x80 ? "byte 0x\(hexByte(byte))" : "a non-ASCII character"
    }
}
