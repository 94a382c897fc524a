/// The 64-bit stream id of a tensor name (SPEC.md, "Stream id").
///
/// FNV-1a, 64-bit, over the name's UTF-8 bytes exactly as given (no normalization).
/// Each tensor's stream depends on its own name only, so adding, removing or renaming
/// one tensor changes no other tensor.
public enum StreamID {
    /// FNV-1a 64-bit offset basis (Fowler–Noll–Vo, IETF draft-eastlake-fnv, section 2).
    public static let fnvOffsetBasis: UInt64 = 0xCBF2_9CE4_8422_2325
    /// FNV-1a 64-bit prime 2^40 + 2^8 + 0xB3 (same source).
    public static let fnvPrime: UInt64 = 0x0000_0100_0000_01B3

    /// The stream id of `name`.
    public static func of(_ name: String) -> UInt64 {
        var hash = fnvOffsetBasis
        for byte in name.utf8 {
            hash ^= UInt64(byte)
            hash &*= fnvPrime
        }
        return hash
    }
}
