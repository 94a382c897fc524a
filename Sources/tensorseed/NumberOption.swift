import ArgumentParser

/// Number options are declared with `parsing: .unconditional`, so that a negative value is read as the
/// value it is (`--low -2`, `--count -1`) and then checked with a message saying what is allowed, instead
/// of argument-parser taking `-1` for an option and reporting "Missing value".
enum NumberOption {
    /// A transform for a `UInt64` option: an error says the value must be an integer in 0...2^64 - 1.
    static func unsigned(_ name: String) -> @Sendable (String) throws -> UInt64 {
        { text in
            guard let value = UInt64(text) else {
                throw ValidationError("\(name) must be an integer in 0...\(UInt64.max)")
            }
            return value
        }
    }
}
