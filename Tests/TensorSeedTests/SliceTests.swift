import Foundation
import XCTest
@testable import TensorSeed

/// A slice of a tensor is byte for byte the same part of the whole tensor, for every scheme and dtype, at any
/// chunking (`TensorSlice`, `TensorGenerator.fill(…slice:…)`); sliced files verify alone; the tensor-parallel
/// rules split the dimensions Megatron does.
final class SliceTests: XCTestCase {
    /// Every scheme with shapes it takes (eye 2-D, dirac 3- to 5-D, the rest 2- to 4-D).
    static let schemes: [(InitScheme, [[Int]])] = {
        let general = [[24, 18], [6, 10, 7], [5, 4, 3, 6]]
        return [(.uniform(low: -1, high: 2), general), (.normal(mean: 0.5, std: 2), general), (.truncatedNormal(), general),
                (.constant(0.25), general), (.zeros, general), (.ones, general), (.eye, [[24, 18], [9, 31]]),
                (.dirac(groups: 1), [[6, 4, 5], [8, 6, 3, 3]]), (.dirac(groups: 2), [[8, 3, 3, 3, 2]]),
                (.embedding(paddingIndex: 3, std: 1), [[20, 12]]), (.orthogonal(gain: 1.5), [[24, 18], [10, 30], [6, 4, 5]]),
                (.sparse(sparsity: 0.3, std: 0.02), [[24, 18]]), (.xavierUniform(), general), (.xavierNormal(gain: 2), general),
                (.kaimingUniform(a: 5.0.squareRoot()), general), (.kaimingNormal(mode: .fanOut, nonlinearity: .relu), general),
                (.lecunUniform, general), (.lecunNormal, general),
                (.varianceScaling(scale: 2, mode: .fanAvg, distribution: .uniform), general)]
    }()

    func testRandomSlicesEqualThePartOfTheWholeTensor() throws {
        var random = SystemRandomNumberGenerator()
        let generator = TensorGenerator(seed: 0x5EED, threads: 2)
        var cases = 0
        for (scheme, shapes) in Self.schemes {
            for shape in shapes {
                let recipe = try scheme.recipe(shape: shape)
                for dtype in StorageType.allCases {
                    let size = dtype.byteSize
                    let count = shape.reduce(1, *)
                    var whole = [UInt8](repeating: 0, count: count * size)
                    try whole.withUnsafeMutableBytes {
                        try generator.fill($0, tensor: "w", recipe: recipe, fullShape: shape, slice: nil, offset: 0, dtype: dtype, on: .cpu)
                    }
                    for _ in 0..<4 {
                        let dim = Int.random(in: 0..<shape.count, using: &random)
                        let start = Int.random(in: 0..<shape[dim], using: &random)
                        let end = Int.random(in: (start + 1)...shape[dim], using: &random)
                        let slice = try TensorSlice(fullShape: shape, dimension: dim, start: start, end: end)
                        let n = slice.shape.reduce(1, *)
                        // The expected bytes: cut from the whole tensor by index arithmetic of its own.
                        var expected = [UInt8]()
                        let inner = shape[(dim + 1)...].reduce(1, *), outer = shape[..<dim].reduce(1, *)
                        for o in 0..<outer {
                            let first = (o * shape[dim] + start) * inner
                            expected += whole[(first * size)..<((first + (end - start) * inner) * size)]
                        }
                        XCTAssertEqual(expected.count, n * size)
                        // Generated in random pieces, as the writer's chunks split it.
                        var got = [UInt8](repeating: 0, count: n * size)
                        var done = 0
                        while done < n {
                            let piece = Int.random(in: 1...max(1, n - done), using: &random)
                            try got.withUnsafeMutableBytes { bytes in
                                try generator.fill(UnsafeMutableRawBufferPointer(rebasing: bytes[(done * size)..<((done + piece) * size)]),
                                                   tensor: "w", recipe: recipe, fullShape: shape, slice: slice, offset: UInt64(done),
                                                   dtype: dtype, on: .cpu)
                            }
                            done += piece
                        }
                        XCTAssertTrue(got == expected, "\(scheme.name) \(shape) \(dtype) slice dim \(dim) \(start)..<\(end)")
                        cases += 1
                    }
                }
            }
        }
        XCTAssertGreaterThan(cases, 300)
    }

    func testSlicedFileVerifiesAloneAndATamperedSliceDoesNot() throws {
        let jobs = try Self.schemes.enumerated().map { i, item -> TensorJob in
            let shape = item.1[0]
            let job = try TensorJob(name: "t\(i).\(item.0.name)", shape: shape, dtype: StorageType.allCases[i % 4], scheme: item.0)
            return try TensorJob(slicing: job, TensorSlice(fullShape: shape, dimension: i % shape.count, part: 1, of: 2))
        }
        let plan = try ModelPlan(seed: 11, tensors: jobs)
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("slices-\(getpid())").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let path = folder + "/part.safetensors"
        _ = try SafetensorsWriter(engine: .cpu, threads: 2).write(plan, to: path)
        let checks = try SafetensorsVerifier(engine: .cpu, threads: 2).verify(path: path)
        XCTAssertEqual(checks.filter { $0.outcome != .ok }.map(\.line), [])
        XCTAssertEqual(checks.count, jobs.count)
        // The header records each slice; move one slice to another range (same length) and it no longer matches.
        var header = try SafetensorsHeader.read(path: path)
        let key = TensorSeedMetadata.slicePrefix + jobs[1].name
        let moved = try TensorSlice(fullShape: jobs[1].fullShape, dimension: jobs[1].slice!.dimension, part: 0, of: 2)
        XCTAssertNotNil(header.metadata[key])
        header.metadata[key] = moved.json.rendered
        let original = try Data(contentsOf: URL(fileURLWithPath: path))
        let oldHeader = try SafetensorsHeader.read(path: path).fileBytes()
        let newHeader = header.fileBytes()
        XCTAssertEqual(newHeader.count, oldHeader.count, "a range of the same width renders to the same length")
        try (Data(newHeader) + original[oldHeader.count...]).write(to: URL(fileURLWithPath: path))
        let tampered = try SafetensorsVerifier(engine: .cpu, threads: 2).verify(path: path)
        XCTAssertEqual(tampered.filter { $0.outcome != .ok }.map(\.name), [jobs[1].name])
    }

    func testTensorParallelRules() throws {
        let llama = TensorParallelLayout.llama, gpt2 = TensorParallelLayout.gpt2
        XCTAssertEqual(llama.dimension(of: "model.layers.3.self_attn.q_proj.weight"), 0)
        XCTAssertEqual(llama.dimension(of: "model.layers.3.mlp.up_proj.weight"), 0)
        XCTAssertEqual(llama.dimension(of: "model.layers.3.self_attn.o_proj.weight"), 1)
        XCTAssertEqual(llama.dimension(of: "model.layers.3.mlp.down_proj.weight"), 1)
        XCTAssertEqual(llama.dimension(of: "model.embed_tokens.weight"), 0)
        XCTAssertEqual(llama.dimension(of: "lm_head.weight"), 0)
        XCTAssertNil(llama.dimension(of: "model.norm.weight"))
        XCTAssertEqual(gpt2.dimension(of: "transformer.h.0.attn.c_attn.weight"), 1)
        XCTAssertEqual(gpt2.dimension(of: "transformer.h.0.attn.c_attn.bias"), 0)
        XCTAssertEqual(gpt2.dimension(of: "transformer.h.0.mlp.c_proj.weight"), 0)
        XCTAssertNil(gpt2.dimension(of: "transformer.h.0.mlp.c_proj.bias"))
        XCTAssertNil(gpt2.dimension(of: "transformer.wpe.weight"))
        let plan = try ModelPreset(rawValue: "gpt2-small")!.plan(seed: 0)
        XCTAssertEqual(TensorParallelLayout.detect(plan), .gpt2)
        let parts = try (0..<4).map { try PlanSlicing.tensorParallel(plan, rank: $0, size: 4, layout: .gpt2) }
        // The four ranks together hold every element of each split tensor once, and each replicated tensor four times.
        for (i, job) in plan.tensors.enumerated() {
            let held = parts.map { $0.tensors[i].elementCount }.reduce(0, +)
            XCTAssertEqual(held, job.elementCount * (gpt2.dimension(of: job.name) == nil ? 4 : 1), job.name)
        }
        // Uneven sizes are cut as torch.chunk cuts them: GPT-2's 50257-token vocabulary in 4 parts.
        XCTAssertEqual(parts.map { $0.tensors[0].shape[0] }, [12565, 12565, 12565, 12562])
        XCTAssertEqual(try (0..<3).map { try TensorSlice(fullShape: [4, 2], dimension: 0, part: $0, of: 3).shape[0] }, [2, 2, 0])
        XCTAssertThrowsError(try SliceRequest(parsing: "w=0:1"))
        XCTAssertEqual(try SliceRequest(parsing: "*.w=1:2:").end, nil)
        XCTAssertThrowsError(try PlanSlicing.apply([SliceRequest(parsing: "nothing=0:0:1")], to: plan)) { XCTAssertTrue("\($0)".contains("no tensor matches")) }
    }
}
