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
            for i in stride(from: 0, to: count, by: 997) {
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

    func testNames() {
        XCTAssertEqual(StorageType(name: "bf16"), .bfloat16)
        XCTAssertEqual(StorageType(name: "Float16"), .float16)
        XCTAssertEqual(StorageType(name: "F32"), .float32)
        XCTAssertNil(StorageType(name: "int8"))
    }
}
