import XCTest
@testable import TensorSeed

/// Storing a range as float16, bfloat16, float32 or float64 on the CPU engine.
final class StorageTypeTests: XCTestCase {
    func testEachTypeIsTheFloat32ValueConverted() throws {
        let stream = TensorStream(seed: 4, name: "storage")
        let count = (1 << 20) + 77, offset: UInt64 = 5
        let values = try CPUEngine().generate(stream: stream, offset: offset, count: count, distribution: .normal(mean: 60000, std: 3000))
        for type in StorageType.allCases {
            var bytes = [UInt8](repeating: 0, count: count * type.byteSize)
            try bytes.withUnsafeMutableBytes { try CPUEngine().fill($0, as: type, stream: stream, offset: offset, distribution: .normal(mean: 60000, std: 3000)) }
            for i in 0..<count {
                let v = values[i]
                switch type {
                case .float32: XCTAssertEqual(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 4 * i, as: UInt32.self) }, v.bitPattern)
                case .float64: XCTAssertEqual(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8 * i, as: UInt64.self) }, Double(v).bitPattern)
                case .float16:
                    XCTAssertEqual(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self) },
                                   UInt16(ReducedPrecision.float16Bits(FloatLanes(repeating: v))[0]))
                case .bfloat16:
                    XCTAssertEqual(bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 2 * i, as: UInt16.self) },
                                   UInt16(ReducedPrecision.bfloat16Bits(FloatLanes(repeating: v))[0]))
                }
            }
        }
        // mean 60000, std 3000 puts many values beyond float16's range: they must be infinities, not garbage.
        XCTAssertTrue(values.contains { abs($0) > 65520 })
    }

    /// `store` of every length 0...19 at every byte misalignment of the destination: whole 8-lane vectors,
    /// then the tail, each element the scalar conversion of its value.
    func testStoreOfShortAndUnalignedRanges() {
        let values: [Float] = (0..<19).map { Float($0) * 1234.5678 - 9000 } + [.infinity, -.nan, 1e-6, 70000]
        for type in [StorageType.float16, .bfloat16] {
            for length in 0...19 {
                for misalignment in 0..<4 {
                    var bytes = [UInt8](repeating: 0xA5, count: misalignment + 2 * length + 2)
                    values.withUnsafeBufferPointer { source in
                        bytes.withUnsafeMutableBytes { type.store(UnsafeBufferPointer(rebasing: source[3 ..< 3 + length]), to: $0.baseAddress! + misalignment) }
                    }
                    for i in 0..<length {
                        let lanes = FloatLanes(repeating: values[3 + i])
                        let expected = UInt16(type == .float16 ? ReducedPrecision.float16Bits(lanes)[0] : ReducedPrecision.bfloat16Bits(lanes)[0])
                        XCTAssertEqual(UInt16(bytes[misalignment + 2 * i]) | UInt16(bytes[misalignment + 2 * i + 1]) << 8, expected,
                                       "\(type) length \(length) misalignment \(misalignment) element \(i)")
                    }
                    XCTAssertEqual(bytes[misalignment + 2 * length], 0xA5, "\(type): nothing written past the end")
                }
            }
        }
    }

    func testNames() {
        XCTAssertEqual(StorageType(name: "bf16"), .bfloat16)
        XCTAssertEqual(StorageType(name: "Float16"), .float16)
        XCTAssertEqual(StorageType(name: "F32"), .float32)
        XCTAssertNil(StorageType(name: "int8"))
    }
}
