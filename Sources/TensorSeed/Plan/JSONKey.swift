/// A JSON object's key, and so a tensor name wherever names are keys (safetensors headers, `__metadata__`,
/// an index's `weight_map`): compared, hashed and ordered as its UTF-8 bytes (SPEC.md section 3).
///
/// Swift's `String` equality is Unicode canonical equivalence, under which `"é"` (C3 A9) and `"e\u{301}"`
/// (65 CC 81) are equal; to safetensors, PyTorch and TensorSeed's stream ids they are two names.
public struct JSONKey: Hashable, Comparable, Sendable, ExpressibleByStringLiteral, CustomStringConvertible {
    /// The key as text (exactly the scalars given; Swift never normalizes what it stores).
    public let text: String

    public init(_ text: String) { self.text = text }
    public init(stringLiteral text: String) { self.text = text }

    public static func == (a: JSONKey, b: JSONKey) -> Bool { a.text.utf8.elementsEqual(b.text.utf8) }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(text.utf8.count)
        for byte in text.utf8 { hasher.combine(byte) }
    }
    /// Byte order, which is code point order (and Swift's `String` order for NFC text).
    public static func < (a: JSONKey, b: JSONKey) -> Bool { a.text.utf8.lexicographicallyPrecedes(b.text.utf8) }
    public var description: String { text }
}

extension Dictionary where Key == JSONKey {
    /// The value for the key with exactly the bytes of `key`.
    public subscript(_ key: String) -> Value? {
        get { self[JSONKey(key)] }
        set { self[JSONKey(key)] = newValue }
    }
}

/// Names compared as bytes (SPEC.md section 3), for sets and lookups of tensor names.
public enum NameBytes {
    /// Whether `a` and `b` are the same name: the same UTF-8 bytes.
    public static func same(_ a: String, _ b: String) -> Bool { a.utf8.elementsEqual(b.utf8) }
}
