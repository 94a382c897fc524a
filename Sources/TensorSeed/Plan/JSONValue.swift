import Foundation

/// A JSON document as a value: parsed by `parse` (also `Decodable`), rendered by `rendered`
/// with sorted keys and shortest round-trip numbers, so that the same value always gives the same bytes.
public enum JSONValue: Sendable, Hashable, Decodable {
    case null
    case bool(Bool)
    /// An integer that fits in 64 bits (signed, or unsigned above `Int64.max`).
    case integer(Int64)
    case unsigned(UInt64)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([JSONKey: JSONValue])

    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { self = .null; return }
        if let b = try? container.decode(Bool.self) { self = .bool(b); return }
        if let i = try? container.decode(Int64.self) { self = .integer(i); return }
        if let u = try? container.decode(UInt64.self) { self = .unsigned(u); return }
        if let d = try? container.decode(Double.self) { self = .double(d); return }
        if let s = try? container.decode(String.self) { self = .string(s); return }
        if let a = try? container.decode([JSONValue].self) { self = .array(a); return }
        self = .object(Dictionary(uniqueKeysWithValues: try container.decode([String: JSONValue].self).map { (JSONKey($0.key), $0.value) }))
    }

    /// Parses the JSON text `data` (RFC 8259, with `JSONReader`); a syntax error is a `JSONParseError`
    /// (`DocumentSyntaxError`) naming line and column.
    public static func parse(_ data: Data) throws -> JSONValue {
        try JSONReader.value(data)
    }

    /// The value as compact JSON text (keys sorted; non-finite doubles as the strings "inf", "-inf", "nan").
    public var rendered: String {
        var out = ""
        render(into: &out)
        return out
    }

    private func render(into out: inout String) {
        switch self {
        case .null: out += "null"
        case let .bool(b): out += b ? "true" : "false"
        case let .integer(i): out += String(i)
        case let .unsigned(u): out += String(u)
        case let .double(d):
            if d.isNaN { out += "\"nan\"" } else if d.isInfinite { out += d < 0 ? "\"-inf\"" : "\"inf\"" } else { out += "\(d)" }
        case let .string(s): JSONValue.quote(s, into: &out)
        case let .array(items):
            out += "["
            for (i, item) in items.enumerated() {
                if i > 0 { out += "," }
                item.render(into: &out)
            }
            out += "]"
        case let .object(members):
            out += "{"
            for (i, key) in members.keys.sorted().enumerated() {
                if i > 0 { out += "," }
                JSONValue.quote(key.text, into: &out)
                out += ":"
                members[key]!.render(into: &out)
            }
            out += "}"
        }
    }

    /// The length in bytes of `s` as `rendered` quotes it (`\"`, `\\`, `\n`, `\r`, `\t`, `\u00XX` for other controls).
    static func quotedLength(_ s: String) -> Int {
        var length = 2
        for byte in s.utf8 {
            switch byte {
            case 0x22, 0x5C, 0x0A, 0x0D, 0x09: length += 2
            case 0..<0x20: length += 6
            default: length += 1
            }
        }
        return length
    }

    private static func quote(_ s: String, into out: inout String) {
        out += "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 {
                    let hex = String(scalar.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        out += "\""
    }

    /// The number as a Double (integers converted; the strings "inf", "-inf", "nan" accepted), else nil.
    public var number: Double? {
        switch self {
        case let .integer(i): return Double(i)
        case let .unsigned(u): return Double(u)
        case let .double(d): return d
        case let .string(s):
            switch s {
            case "inf": return .infinity
            case "-inf": return -.infinity
            case "nan": return .nan
            default: return nil
            }
        default: return nil
        }
    }

    /// The value as an Int, if it is an integer that fits (a double with an integral value counts).
    public var int: Int? {
        switch self {
        case let .integer(i): return Int(exactly: i)
        case let .unsigned(u): return Int(exactly: u)
        case let .double(d): return Int(exactly: d)
        default: return nil
        }
    }

    /// The value as a UInt64, if it is a non-negative integer.
    public var uint64: UInt64? {
        switch self {
        case let .integer(i): return UInt64(exactly: i)
        case let .unsigned(u): return u
        case let .double(d): return UInt64(exactly: d)
        default: return nil
        }
    }

    /// The string, if the value is one.
    public var string: String? {
        if case let .string(s) = self { return s }
        return nil
    }

    /// The members, if the value is an object.
    public var object: [JSONKey: JSONValue]? {
        if case let .object(o) = self { return o }
        return nil
    }

    /// The items, if the value is an array.
    public var array: [JSONValue]? {
        if case let .array(a) = self { return a }
        return nil
    }

    /// A short name of the kind of value, for messages.
    public var kind: String {
        switch self {
        case .null: return "null"
        case .bool: return "a boolean"
        case .integer, .unsigned, .double: return "a number"
        case .string: return "a string"
        case .array: return "an array"
        case .object: return "an object"
        }
    }
}
