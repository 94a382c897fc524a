/// The element type a tensor is stored as (SPEC.md, "Storage types").
///
/// Every value is generated as float32 first; float16 and bfloat16 are that value rounded to
/// nearest even by `ReducedPrecision`, float64 is that value exactly. The raw values are the
/// safetensors dtype names.
public enum StorageType: String, Sendable, Hashable, CaseIterable {
    case float32 = "F32", float16 = "F16", bfloat16 = "BF16", float64 = "F64"

    /// Bytes per element.
    public var byteSize: Int {
        switch self {
        case .float16, .bfloat16: return 2
        case .float32: return 4
        case .float64: return 8
        }
    }

    /// Parses "float32"/"f32"/"F32", "float16"/"f16"/"half", "bfloat16"/"bf16", "float64"/"f64"/"double".
    public init?(name: String) {
        switch name.lowercased() {
        case "float32", "f32", "float": self = .float32
        case "float16", "f16", "half", "fp16": self = .float16
        case "bfloat16", "bf16": self = .bfloat16
        case "float64", "f64", "double": self = .float64
        default: return nil
        }
    }

    /// Writes `values` as this type, little-endian, to `destination` (which holds `values.count × byteSize` bytes).
    public func store(_ values: UnsafeBufferPointer<Float>, to destination: UnsafeMutableRawPointer) {
        let n = values.count
        guard n > 0, let source = values.baseAddress else { return }
        switch self {
        case .float32:
            destination.copyMemory(from: source, byteCount: n * 4)
        case .float64:
            for i in 0..<n { destination.storeBytes(of: Double(source[i]).bitPattern.littleEndian, toByteOffset: 8 * i, as: UInt64.self) }
        case .float16, .bfloat16:
            var i = 0
            #if _endian(little)
            // Whole lanes: one vector load, one conversion, one 16-byte store (the host's order is little-endian).
            while i + 8 <= n {
                let lanes = UnsafeRawPointer(source + i).loadUnaligned(as: FloatLanes.self)
                let bits = self == .float16 ? ReducedPrecision.float16Bits(lanes) : ReducedPrecision.bfloat16Bits(lanes)
                destination.storeBytes(of: SIMD8<UInt16>(truncatingIfNeeded: bits), toByteOffset: 2 * i, as: SIMD8<UInt16>.self)
                i += 8
            }
            #endif
            while i < n {
                var lanes = FloatLanes(repeating: 0)
                let take = min(8, n - i)
                for l in 0..<take { lanes[l] = source[i + l] }
                let bits = self == .float16 ? ReducedPrecision.float16Bits(lanes) : ReducedPrecision.bfloat16Bits(lanes)
                for l in 0..<take {
                    destination.storeBytes(of: UInt16(truncatingIfNeeded: bits[l]).littleEndian, toByteOffset: 2 * (i + l), as: UInt16.self)
                }
                i += 8
            }
        }
    }
}
