import ArgumentParser

/// Number options are declared with `parsing: .unconditional`, so that a negative value is read as the
/// value it is (`--low -2`, `--count -1`) and then checked with a message saying what is allowed, instead
/// of argument-parser taking `-1` for an option and reporting "Missing value". argument-parser prints a
/// transform's error after "The value 'X' is invalid for '--name <name>': ".
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

    /// A transform for an `Int` option that must lie in `range`: an error says which bound it misses, or that the
    /// text is no integer (or one beyond 64 bits).
    static func integer(_ name: String, in range: ClosedRange<Int>) -> @Sendable (String) throws -> Int {
        { text in
            guard let value = Int(text) else {
                let digits = text.first == "-" || text.first == "+" ? text.dropFirst() : Substring(text)
                let huge = !digits.isEmpty && digits.allSatisfy { $0.isASCII && $0.isNumber }
                throw ValidationError("\(name) must be an integer in \(range.lowerBound)...\(range.upperBound), got '\(text)'"
                                      + (huge ? " (beyond a signed 64-bit integer)" : ""))
            }
            guard value >= range.lowerBound else { throw ValidationError("\(name) must be >= \(range.lowerBound) (got \(value))") }
            guard value <= range.upperBound else {
                throw ValidationError("\(name) must be at most \(range.upperBound) (got \(value))")
            }
            return value
        }
    }

    /// The most threads `--threads` takes: far above any machine's cores (the largest servers have a few hundred
    /// hardware threads), so that a slip such as 100000 is refused rather than started.
    static let maximumThreads = 4096

    /// The transform of every command's `--threads`: 1...`maximumThreads`.
    static let threads = integer("--threads", in: 1...maximumThreads)
}
