/// The corruption check written as `tensorseed.digest.<name>`: FNV-1a-64 over the tensor's bytes
/// taken as little-endian 64-bit words (the last word zero-padded), then the byte length mixed in
/// the same way. Written as `fnv1a64w:` and 16 hex digits.
///
/// Word-wise, it runs at several GB/s (one multiply per 8 bytes) and detects any change confined to
/// one word; it is a check against damaged files, **not** a cryptographic hash.
public struct TensorDigest: Sendable, Hashable {
    private var hash = StreamID.fnvOffsetBasis
    private var pending: UInt64 = 0
    private var pendingCount = 0
    private var length: UInt64 = 0

    /// The prefix of the written form.
    public static let prefix = "fnv1a64w:"

    /// An empty digest.
    public init() {}

    /// Feeds the next bytes of the tensor (any split of the bytes gives the same digest).
    public mutating func update(_ bytes: UnsafeRawBufferPointer) {
        let n = bytes.count
        var i = 0
        while pendingCount > 0, i < n {
            pending |= UInt64(bytes[i]) << UInt64(8 * pendingCount)
            pendingCount += 1
            i += 1
            if pendingCount == 8 {
                mix(pending)
                pending = 0
                pendingCount = 0
            }
        }
        // The hash stays in a register across the words (through `self` it went to memory and back each word,
        // a store-to-load forward on the chain: 2.2x slower).
        if i + 8 <= n, let base = bytes.baseAddress {
            var hash = self.hash
            let words = (n - i) / 8, first = base + i
            for word in 0 ..< words {
                hash ^= UInt64(littleEndian: (first + 8 &* word).loadUnaligned(as: UInt64.self))
                hash &*= StreamID.fnvPrime
            }
            self.hash = hash
            i += 8 * words
        }
        while i < n {
            pending |= UInt64(bytes[i]) << UInt64(8 * pendingCount)
            pendingCount += 1
            i += 1
        }
        length &+= UInt64(n)
    }

    private mutating func mix(_ word: UInt64) {
        hash ^= word
        hash &*= StreamID.fnvPrime
    }

    /// The digest of everything fed so far.
    public var value: UInt64 {
        var copy = self
        if copy.pendingCount > 0 { copy.mix(copy.pending) }
        copy.mix(copy.length)
        return copy.hash
    }

    /// `fnv1a64w:` and the value as 16 hex digits.
    public var text: String { TensorDigest.text(value) }

    /// The written form of a digest value.
    public static func text(_ value: UInt64) -> String {
        let hex = String(value, radix: 16)
        return prefix + String(repeating: "0", count: 16 - hex.count) + hex
    }
}
