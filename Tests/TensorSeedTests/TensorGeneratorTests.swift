import XCTest
import TensorSeed

/// The public API as README.md shows it (compiled without @testable, like a user's code).
final class TensorGeneratorTests: XCTestCase {
    func testReadmeExample() throws {
        // README.md, "From Swift".
        let generator = TensorGenerator(seed: 42)
        var buffer = [UInt8]()
        try generator.fill(&buffer, tensor: "layer1.weight", shape: [256, 784],
                           scheme: .kaimingNormal(mode: .fanIn, nonlinearity: .relu), dtype: .bfloat16, on: .auto)
        XCTAssertEqual(buffer.count, 256 * 784 * 2)

        // The bfloat16 values are the float32 stream's values, rounded; their spread is kaiming's √(2/784).
        var weights = [Float]()
        try generator.fill(&weights, tensor: "layer1.weight", shape: [256, 784],
                           scheme: .kaimingNormal(mode: .fanIn, nonlinearity: .relu), on: .cpu)
        let std = (weights.reduce(0) { $0 + Double($1) * Double($1) } / Double(weights.count)).squareRoot()
        XCTAssertEqual(std, (2.0 / 784).squareRoot(), accuracy: 0.002)
        let first = buffer.withUnsafeBytes { $0.loadUnaligned(as: UInt16.self) }
        XCTAssertEqual(first, UInt16(ReducedPrecision.bfloat16Bits(FloatLanes(repeating: weights[0]))[0]))
    }

    func testEveryEngineGivesTheSameBitsForEveryScheme() throws {
        let generator = TensorGenerator(seed: 7)
        let schemes: [InitScheme] = [
            .uniform(low: -0.1, high: 0.3), .normal(mean: 1, std: 0.5), .constant(0.25), .zeros, .ones,
            .xavierUniform(gain: 1.5), .xavierNormal(), .kaimingUniform(a: 5.0.squareRoot()), .kaimingNormal(mode: .fanOut),
            .lecunUniform, .varianceScaling(scale: 2, mode: .fanAvg, distribution: .normal),
            .truncatedNormal(mean: 0, std: 0.02, a: -0.04, b: 0.04), .lecunNormal,
        ]
        let choices: [EngineChoice] = [.cpu, .opencl(platform: 0, device: 0)]
        for scheme in schemes {
            for dtype in StorageType.allCases {
                var results = [[UInt8]]()
                var skipped = 0
                for choice in choices {
                    var buffer = [UInt8]()
                    do {
                        try generator.fill(&buffer, tensor: "w.\(scheme.name)", shape: [33, 7, 3], scheme: scheme, dtype: dtype, on: choice)
                    } catch where choice != .cpu && "\(error)".contains("no OpenCL") {
                        skipped += 1   // no OpenCL platform on this machine
                        continue
                    }
                    results.append(buffer)
                }
                XCTAssertEqual(results.count + skipped, choices.count)
                XCTAssertEqual(Set(results).count, 1, "\(scheme) \(dtype)")
            }
        }
    }

    func testSparseZeroesTheSameCountInEveryColumnAndKeepsTheStreamElsewhere() throws {
        let generator = TensorGenerator(seed: 9)
        let (rows, columns) = (10, 7)
        var cpu = [Float](), device = [Float]()
        try generator.fill(&cpu, tensor: "sparse.w", shape: [rows, columns], scheme: .sparse(sparsity: 0.25, std: 0.5), on: .cpu)
        let normal = try CPUEngine().generate(stream: TensorStream(seed: 9, name: "sparse.w"), count: rows * columns,
                                              distribution: .normal(mean: 0, std: 0.5))
        for c in 0..<columns {
            let column = (0..<rows).map { cpu[$0 * columns + c] }
            XCTAssertEqual(column.filter { $0 == 0 }.count, 3, "column \(c): torch's ceil(0.25 · 10) zeros")
        }
        for i in cpu.indices where cpu[i] != 0 { XCTAssertEqual(cpu[i].bitPattern, normal[i].bitPattern) }
        do {
            try generator.fill(&device, tensor: "sparse.w", shape: [rows, columns], scheme: .sparse(sparsity: 0.25, std: 0.5),
                               on: .opencl(platform: 0, device: 0))
            XCTAssertEqual(device.map(\.bitPattern), cpu.map(\.bitPattern))
        } catch where "\(error)".contains("no OpenCL") {}
        XCTAssertThrowsError(try InitScheme.sparse(sparsity: 0.1).recipe(shape: [4, 4, 4]))
        XCTAssertThrowsError(try InitScheme.sparse(sparsity: 1.5).recipe(shape: [4, 4]))
    }

    func testEmbeddingPaddingRowIsZeroAndTheRestIsTheStream() throws {
        var x = [Float]()
        try TensorGenerator(seed: 3).fill(&x, tensor: "emb", shape: [5, 4], scheme: TorchModuleDefaults.embeddingWeight(paddingIndex: -2))
        let normal = try CPUEngine().generate(stream: TensorStream(seed: 3, name: "emb"), count: 20, distribution: .standardNormal)
        XCTAssertEqual(Array(x[12..<16]), [0, 0, 0, 0])   // row 3 = 5 − 2
        XCTAssertEqual(Array(x[0..<12]) + Array(x[16...]), Array(normal[0..<12]) + Array(normal[16...]))
        XCTAssertThrowsError(try InitScheme.embedding(paddingIndex: 5).recipe(shape: [5, 4]))
        XCTAssertEqual(try InitScheme.embedding(paddingIndex: nil).recipe(shape: [5, 4]), .random(.standardNormal))
    }

    func testStructuredSchemes() throws {
        let generator = TensorGenerator(seed: 1)
        var eye = [Float]()
        try generator.fill(&eye, tensor: "eye", shape: [3, 4], scheme: .eye)
        XCTAssertEqual(eye, [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0])
        // torch.nn.init.dirac_(torch.empty(4, 2, 3), groups=2): ones at [0,0,1], [1,1,1], [2,0,1], [3,1,1].
        var dirac = [Float]()
        try generator.fill(&dirac, tensor: "dirac", shape: [4, 2, 3], scheme: .dirac(groups: 2))
        let ones = dirac.indices.filter { dirac[$0] == 1 }
        XCTAssertEqual(ones, [0 * 6 + 0 * 3 + 1, 1 * 6 + 1 * 3 + 1, 2 * 6 + 0 * 3 + 1, 3 * 6 + 1 * 3 + 1])
        XCTAssertEqual(dirac.filter { $0 != 0 }.count, 4)
        var constant = [UInt8]()
        try generator.fill(&constant, tensor: "c", shape: [5], scheme: .constant(1.5), dtype: .float16)
        XCTAssertEqual(constant, [0x00, 0x3E, 0x00, 0x3E, 0x00, 0x3E, 0x00, 0x3E, 0x00, 0x3E])
    }
}
