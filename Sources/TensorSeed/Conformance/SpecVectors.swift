/// SPEC.md's published test vectors (the section "Test vectors"): float32 bits of single elements,
/// for `tensorseed devices --check` to check every engine against. A copy of
/// Tests/TensorSeedTests/Fixtures/spec_vectors_v1.txt (made from it by Tests/reference/tensorseed_ref.py,
/// numpy, written from SPEC.md); `ConformanceTests` checks that the two are equal.
public struct SpecVector: Sendable, Hashable {
    /// The distributions the vectors use: U(0, 1), N(0, 1), and N(0, 1) truncated to [-2, 2].
    public enum Kind: String, Sendable, Hashable, CaseIterable {
        case uniform, normal
        case truncatedNormal = "truncated_normal"

        /// The distribution with the vectors' parameters.
        public var distribution: Distribution {
            switch self {
            case .uniform: return .standardUniform
            case .normal: return .standardNormal
            case .truncatedNormal: return .truncatedNormal(mean: 0, std: 1, low: -2, high: 2)
            }
        }
    }

    public let seed: UInt64
    public let name: String
    public let kind: Kind
    public let index: UInt64
    /// The element's float32 bit pattern.
    public let bits: UInt32

    /// Every published vector, in the fixture's order.
    public static let all: [SpecVector] = [
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 0, bits: 0x3f7d5877),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1, bits: 0x3d321c70),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 2, bits: 0x3edc81ec),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 3, bits: 0x3f16c490),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 4, bits: 0x3ece6aa8),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 5, bits: 0x3e883562),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 6, bits: 0x3f787c5e),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 7, bits: 0x3f6d1bd6),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000003, bits: 0x3db2dbe8),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000004, bits: 0x3f73f75d),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000005, bits: 0x3dc7a768),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000006, bits: 0x3cadaa00),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000007, bits: 0x3f64ee0f),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000008, bits: 0x3f731015),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000009, bits: 0x3ec30c30),
        SpecVector(seed: 0, name: "w", kind: .uniform, index: 1000010, bits: 0x3f453f15),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 0, bits: 0x3e0e5cd8),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1, bits: 0x3d1f9348),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 2, bits: 0xbf8cdeef),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 3, bits: 0xbf302b71),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 4, bits: 0xbe0acdb6),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 5, bits: 0x3faba858),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 6, bits: 0x3e5f90c0),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 7, bits: 0xbddf92b9),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000003, bits: 0x3e8d869b),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000004, bits: 0x3e81fee7),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000005, bits: 0x3e36b1a7),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000006, bits: 0x400be2a0),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000007, bits: 0xbfdb1c45),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000008, bits: 0xbe71be64),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000009, bits: 0x3e604e32),
        SpecVector(seed: 0, name: "w", kind: .normal, index: 1000010, bits: 0xbf32e61b),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 0, bits: 0x3f6d48ec),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1, bits: 0x3f079a28),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 2, bits: 0x3e8b9870),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 3, bits: 0x3f73472f),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 4, bits: 0x3edecaa8),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 5, bits: 0x3e9f7754),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 6, bits: 0x3f1ffbc6),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 7, bits: 0x3f339729),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000003, bits: 0x3edaac18),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000004, bits: 0x3d55f840),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000005, bits: 0x3e8fe8d4),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000006, bits: 0x3e912fc6),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000007, bits: 0x3ec04d76),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000008, bits: 0x3eb50796),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000009, bits: 0x3f365885),
        SpecVector(seed: 42, name: "w", kind: .uniform, index: 1000010, bits: 0x3dc9ab60),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 0, bits: 0xbec40a97),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1, bits: 0xbd940926),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 2, bits: 0x3fc461c8),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 3, bits: 0xbefd9213),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 4, bits: 0xbef8c1d5),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 5, bits: 0x3f98f714),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 6, bits: 0xbe94e1dc),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 7, bits: 0xbf6ccdf3),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000003, bits: 0x3f7de8f5),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000004, bits: 0xbef158c4),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000005, bits: 0x40188d4a),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000006, bits: 0xbf903ac7),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000007, bits: 0x3f8f2995),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000008, bits: 0xbead4ead),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000009, bits: 0xbfb36ac5),
        SpecVector(seed: 42, name: "w", kind: .normal, index: 1000010, bits: 0xc0004a3f),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 0, bits: 0x3febef2a),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1, bits: 0xbfc28f4c),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 2, bits: 0xbe2a9f8c),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 3, bits: 0x3e5b90da),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 4, bits: 0xbe6f6d84),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 5, bits: 0xbf17bdc1),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 6, bits: 0x3fd19862),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 7, bits: 0x3fa92327),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000003, bits: 0xbf9fad94),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000004, bits: 0x3fbf33cb),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000005, bits: 0xbf991e5a),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000006, bits: 0xbfdbc860),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000007, bits: 0x3f941154),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000008, bits: 0x3fbbf73c),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000009, bits: 0xbe93dcf8),
        SpecVector(seed: 0, name: "w", kind: .truncatedNormal, index: 1000010, bits: 0x3f3352ac),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 0, bits: 0x3fa9a49e),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1, bits: 0x3d91a201),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 2, bits: 0xbf12f01a),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 3, bits: 0x3fbcb9d9),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 4, bits: 0xbe1f8ce4),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 5, bits: 0xbeef6905),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 6, bits: 0x3e9b6630),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 7, bits: 0x3f00a667),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000003, bits: 0xbe3388d9),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000004, bits: 0xbfba7237),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000005, bits: 0xbf0ce4be),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000006, bits: 0xbf0b1e86),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000007, bits: 0xbe9ab956),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000008, bits: 0xbeb73541),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000009, bits: 0x3f082fa5),
        SpecVector(seed: 42, name: "w", kind: .truncatedNormal, index: 1000010, bits: 0xbf988101),
    ]
}
