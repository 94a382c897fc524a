extension JSONValue {
    /// The value as JSON text the way Python's `json.dumps(indent=2, sort_keys=True)` lays it out (and so
    /// transformers' `config.json`): two spaces per level, one member or item per line, a final newline.
    /// Scalars are rendered as `rendered` renders them.
    public var indented: String {
        var out = ""
        indent(into: &out, level: 0)
        return out + "\n"
    }

    private func indent(into out: inout String, level: Int) {
        let inner = String(repeating: "  ", count: level + 1), closing = String(repeating: "  ", count: level)
        switch self {
        case let .array(items) where !items.isEmpty:
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += inner
                item.indent(into: &out, level: level + 1)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closing + "]"
        case let .object(members) where !members.isEmpty:
            out += "{\n"
            for (i, key) in members.keys.sorted().enumerated() {
                out += inner + JSONValue.string(key.text).rendered + ": "
                members[key]!.indent(into: &out, level: level + 1)
                out += i == members.count - 1 ? "\n" : ",\n"
            }
            out += closing + "}"
        default:
            out += rendered
        }
    }
}
