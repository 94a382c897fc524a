import Foundation
import XCTest
@testable import TensorSeed

/// Bit identity with the CPU engine on every OpenCL device present (PoCL and Oclgrind in CI) and every kernel
/// layout (`OpenCLDeviceMatrix.layouts`): every distribution and storage type, ranges around the 4-element block
/// and the 32-element group, many chunks, and every scheme through `TensorGenerator`.
///
/// Sizes are a few thousand elements at most, so that Oclgrind (an interpreter) runs it all in seconds. Seeds,
/// names and some offsets are random, from one printed matrix seed: `TENSORSEED_MATRIX_SEED=N` replays a run.
final class OpenCLMatrixTests: XCTestCase {
    /// The matrix seed of this run (printed; `TENSORSEED_MATRIX_SEED` sets it).
    private static let matrixSeed: UInt64 = {
        let seed = ProcessInfo.processInfo.environment["TENSORSEED_MATRIX_SEED"].flatMap { UInt64($0) }
            ?? UInt64.random(in: 0 ... .max)
        print("OpenCLMatrixTests: matrix seed \(seed) (TENSORSEED_MATRIX_SEED=\(seed) replays this run)")
        return seed
    }()

    /// Engines built so far, by device, layout and chunk cap (building the kernels takes a while on PoCL).
    nonisolated(unsafe) private static var engines: [String: OpenCLEngine] = [:]

    /// One device with one kernel layout.
    private struct Target: CustomStringConvertible {
        let device: OpenCLDeviceInfo
        let layout: OpenCLDeviceMatrix.KernelLayout
        var description: String { "\(device.identifier) \(device.name) [layout \(layout.name)]" }

        func engine(maxChunkElements: Int = OpenCLEngine.defaultMaxChunkElements) throws -> OpenCLEngine {
            let key = "\(device.identifier) \(layout.name) \(maxChunkElements)"
            if let engine = OpenCLMatrixTests.engines[key] { return engine }
            let engine = try layout.engine(device, maxChunkElements)
            OpenCLMatrixTests.engines[key] = engine
            return engine
        }
    }

    /// Every device × every layout.
    private func targets() throws -> [Target] {
        let devices = try OpenCLDeviceMatrix.devices()
        return devices.flatMap { device in OpenCLDeviceMatrix.layouts.map { Target(device: device, layout: $0) } }
    }

    /// The distributions: each kernel, with parameters that reach every branch of the transforms and of the
    /// float16 conversion (overflow to infinity, subnormals, flush to zero), and truncated normals on a narrow
    /// interval and on intervals in one tail only.
    static let distributions: [Distribution] = [
        .standardUniform, .uniform(low: -0.37, high: 2.5), .uniform(low: -1e5, high: 1e5),
        .standardNormal, .normal(mean: 0.25, std: 0.02), .normal(mean: 0, std: 1e-5),
        .truncatedNormal(mean: 0, std: 1, low: -2, high: 2), .truncatedNormal(mean: 0.5, std: 0.1, low: 0.45, high: 4),
        .truncatedNormal(mean: 0, std: 1, low: 0.5, high: 0.5001), .truncatedNormal(mean: 0, std: 1, low: 3, high: 6),
        .truncatedNormal(mean: 0, std: 1, low: -9, high: -4.5),
    ]

    /// (offset, count) pairs that start and end on and around 4-element blocks and 32-element groups.
    static let boundaryRanges: [(UInt64, Int)] = [
        (0, 1), (3, 1), (0, 4), (1, 4), (4, 5), (31, 1), (31, 2), (0, 32), (32, 32), (29, 36), (1, 63), (0, 65), (28, 101),
    ]

    private func compare(_ target: Target, _ engine: OpenCLEngine, _ type: StorageType, _ stream: TensorStream,
                         offset: UInt64, count: Int, _ distribution: Distribution, _ context: String = "",
                         file: StaticString = #filePath, line: UInt = #line) {
        do {
            let device = try OpenCLDeviceMatrix.storedBytes(engine, type, stream, offset, count, distribution)
            let cpu = try OpenCLDeviceMatrix.storedBytes(CPUEngine(), type, stream, offset, count, distribution)
            if let difference = OpenCLDeviceMatrix.difference(device, cpu, elementSize: type.byteSize, firstIndex: offset) {
                XCTFail("\(target): \(type) \(distribution) seed \(stream.seed) stream \(stream.streamID) offset \(offset) "
                        + "count \(count)\(context): \(difference) (matrix seed \(Self.matrixSeed))", file: file, line: line)
            }
        } catch {
            XCTFail("\(target): \(type) \(distribution) offset \(offset) count \(count)\(context): \(error)", file: file, line: line)
        }
    }

    /// A tensor name from the run's random source.
    private static func randomName(_ rng: inout SplitMix64) -> String {
        "layers.\(rng.next() % 100).\(["weight", "bias", "w", "attn.q_proj.weight"][Int(rng.next() % 4)])"
    }

    func testEveryDistributionAndStorageTypeAroundBlocksAndGroups() throws {
        var rng = SplitMix64(seed: Self.matrixSeed)
        for target in try targets() {
            let engine = try target.engine()
            for distribution in Self.distributions {
                for type in StorageType.allCases {
                    let stream = TensorStream(seed: rng.next(), name: Self.randomName(&rng))
                    var ranges = Self.boundaryRanges
                    let count = 1 + Int(rng.next() % 200)
                    ranges.append((rng.next() % (1 << 40), count))
                    ranges.append((UInt64.max - UInt64(count) + 1 - rng.next() % 40, count))   // up to the last index
                    for (offset, count) in ranges {
                        compare(target, engine, type, stream, offset: offset, count: count, distribution)
                    }
                }
            }
        }
    }

    func testManyChunks() throws {
        var rng = SplitMix64(seed: Self.matrixSeed ^ 1)
        // (chunk cap, offset, count): 16 chunks of 64 from an odd offset; a chunk per group; 96-element chunks far out.
        let runs: [(Int, UInt64, Int)] = [(64, 45, 1000), (32, 17, 300), (96, (1 << 33) + 3, 500)]
        for target in try targets() {
            for (chunk, offset, count) in runs {
                let engine = try target.engine(maxChunkElements: chunk)
                XCTAssertEqual(engine.maxChunkElements, chunk)
                for distribution in Self.distributions {
                    for type in StorageType.allCases {
                        let stream = TensorStream(seed: rng.next(), name: Self.randomName(&rng))
                        compare(target, engine, type, stream, offset: offset, count: count, distribution, " (chunks of \(chunk))")
                    }
                }
            }
        }
    }

    /// More groups than one launch has work-items, so that each work-item makes several groups (the kernels'
    /// grid-stride loop): `OpenCLEngine` launches at most 2048 work-items per compute unit (65 536 elements on
    /// Oclgrind, which has one). Each kernel, float32 and a 16-bit type, from an odd offset.
    func testMoreGroupsThanWorkItems() throws {
        var rng = SplitMix64(seed: Self.matrixSeed ^ 3)
        for target in try targets() {
            let engine = try target.engine()
            let count = max(1, target.device.computeUnits) * 2048 * 32 + 45
            let cases: [(Distribution, StorageType)] = [(.standardNormal, .float32), (.uniform(low: -2, high: 2), .float16),
                                                        (.truncatedNormal(mean: 0, std: 1, low: -2, high: 2), .bfloat16)]
            for (distribution, type) in cases {
                let stream = TensorStream(seed: rng.next(), name: Self.randomName(&rng))
                compare(target, engine, type, stream, offset: 7, count: count, distribution)
            }
        }
    }

    /// Every scheme with a shape that suits it (several of each random family, and the structured ones).
    static let schemes: [(InitScheme, [Int])] = [
        (.uniform(low: -0.1, high: 0.3), [33, 31]), (.normal(mean: 0.5, std: 0.02), [1000]),
        (.truncatedNormal(mean: 0, std: 0.02, a: -0.04, b: 0.04), [17, 61]), (.constant(0.7), [10, 10]), (.zeros, [5]),
        (.ones, [5]), (.eye, [5, 7]), (.dirac(groups: 2), [4, 2, 3, 3]), (.embedding(paddingIndex: 3, std: 0.02), [40, 16]),
        (.embedding(paddingIndex: -1, std: 1), [9, 5]), (.orthogonal(gain: 1.5), [24, 40]), (.orthogonal(), [40, 24]),
        (.sparse(sparsity: 0.3, std: 0.01), [30, 20]), (.xavierUniform(gain: 2), [20, 30]), (.xavierNormal(), [20, 30]),
        (.kaimingUniform(a: 5.0.squareRoot()), [16, 3, 3, 3]), (.kaimingNormal(mode: .fanOut, nonlinearity: .relu), [16, 3, 3, 3]),
        (.lecunUniform, [64, 32]), (.lecunNormal, [64, 32]),
    ] + InitScheme.VarianceScalingDistribution.allCases.map {
        (.varianceScaling(scale: 2, mode: .fanAvg, distribution: $0), [8, 12, 10])
    }

    func testEverySchemeThroughTensorGenerator() throws {
        var rng = SplitMix64(seed: Self.matrixSeed ^ 2)
        for target in try targets() {
            // Chunks of 256 elements: the larger tensors take several.
            let engine = try target.engine(maxChunkElements: 256)
            let choice = EngineChoice.opencl(platform: target.device.platformIndex, device: target.device.deviceIndex)
            for (scheme, shape) in Self.schemes {
                let seed = rng.next()
                let name = Self.randomName(&rng)
                let onDevice = TensorGenerator(seed: seed)
                onDevice.use(engine, for: choice)
                let onCPU = TensorGenerator(seed: seed)
                let what = "\(target): \(scheme) \(shape) seed \(seed) \"\(name)\""
                for dtype in StorageType.allCases {
                    do {
                        var device = [UInt8](), cpu = [UInt8]()
                        try onDevice.fill(&device, tensor: name, shape: shape, scheme: scheme, dtype: dtype, on: choice)
                        try onCPU.fill(&cpu, tensor: name, shape: shape, scheme: scheme, dtype: dtype, on: .cpu)
                        if let difference = OpenCLDeviceMatrix.difference(device, cpu, elementSize: dtype.byteSize, firstIndex: 0) {
                            XCTFail("\(what) \(dtype): \(difference) (matrix seed \(Self.matrixSeed))")
                        }
                        // A slice from an odd offset, as streaming and sharding write.
                        let recipe = try scheme.recipe(shape: shape)
                        let total = shape.reduce(1, *)
                        let (offset, count) = (min(37, total - 1), min(101, total - min(37, total - 1)))
                        var slice = [UInt8](repeating: 0xAB, count: count * dtype.byteSize)
                        try slice.withUnsafeMutableBytes {
                            try onDevice.fill($0, tensor: name, recipe: recipe, shape: shape, offset: UInt64(offset), dtype: dtype, on: choice)
                        }
                        let expected = Array(cpu[offset * dtype.byteSize ..< (offset + count) * dtype.byteSize])
                        if let difference = OpenCLDeviceMatrix.difference(slice, expected, elementSize: dtype.byteSize, firstIndex: UInt64(offset)) {
                            XCTFail("\(what) \(dtype) slice \(offset) ..< \(offset + count): \(difference) (matrix seed \(Self.matrixSeed))")
                        }
                    } catch {
                        XCTFail("\(what) \(dtype): \(error)")
                    }
                }
            }
        }
    }

    /// The requirement itself: CI names both implementations, and a required name that no device has fails.
    func testRequiredDevicesAreReadFromTheEnvironment() {
        XCTAssertEqual(OpenCLDeviceMatrix.requiredNames(["CI": "true"]), ["pocl", "oclgrind"])
        XCTAssertEqual(OpenCLDeviceMatrix.requiredNames(["CI": "true", "TENSORSEED_REQUIRE_DEVICES": "PoCL, Oclgrind"]), ["pocl", "oclgrind"])
        XCTAssertEqual(OpenCLDeviceMatrix.requiredNames(["TENSORSEED_REQUIRE_DEVICES": "oclgrind"]), ["oclgrind"])
        XCTAssertEqual(OpenCLDeviceMatrix.requiredNames([:]), [])
        let missing = OpenCLDeviceMatrix.MissingDevices(required: ["oclgrind"], found: ["opencl:0.0 cpu [CPU]"], reason: nil)
        XCTAssertEqual("\(missing)", "required OpenCL devices missing: oclgrind (TENSORSEED_REQUIRE_DEVICES or CI=true); found: opencl:0.0 cpu [CPU]")
    }
}
