/// Text from input (tensor names, file paths, field values) made safe to print: every character that is
/// not printable is escaped, so that a name holding a newline, a carriage return, an ANSI escape or a
/// bidirectional override cannot forge or hide a line of output (`verify` printing a false `OK` line).
public enum PrintableText {
    /// `text` with every non-printable character escaped: `\n`, `\r`, `\t`, else `\u{XXXX}`. Non-printable
    /// means Unicode general category Cc (controls, C0 and C1 and DEL), Cf (format: bidirectional
    /// overrides, zero-width characters), Zl, Zp (line and paragraph separators), Co (private use) and Cn
    /// (unassigned). Everything else, backslashes included, is kept as it is.
    public static func escaped(_ text: String) -> String {
        // Printable ASCII, the common case, needs no look-up of Unicode properties.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) { return text }
        guard text.unicodeScalars.contains(where: needsEscape) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if needsEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
        }
        return out
    }

    /// `text` in double quotes, as a JSON string literal would escape it (`\"`, `\\` and non-printables),
    /// shortened to its first `limit` characters and its length in bytes when longer, so that a 36 MB name
    /// gives a readable message: `"aaaa…" (36000000 bytes)`.
    public static func quoted(_ text: String, limit: Int = 120) -> String {
        var out = "\""
        var shown = 0
        for scalar in text.unicodeScalars {
            if shown == limit { return out + "…\" (\(text.utf8.count) bytes)" }
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            default: if needsEscape(scalar) { out += escape(scalar) } else { out.unicodeScalars.append(scalar) }
            }
            shown += 1
        }
        return out + "\""
    }

    private static func needsEscape(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.properties.generalCategory {
        case .control, .format, .lineSeparator, .paragraphSeparator, .privateUse, .unassigned, .surrogate: return true
        default: return false
        }
    }

    private static func escape(_ scalar: Unicode.Scalar) -> String {
        switch scalar {
        case "\n": return "\\n"
        case "\r": return "\\r"
        case "\t": return "\\t"
        default:
            let hex = String(scalar.value, radix: 16, uppercase: true)
            return "\\u{" + String(repeating: "0", count: max(0, 4 - hex.count)) + hex + "}"
        }
    }
}
