import XCTest
@testable import TensorSeed
import CFusedGEMM

/// torch's `orthogonal_` semantics: Q of the QR of a normal matrix (transposed when wide), R's diagonal positive.
final class OrthogonalTests: XCTestCase {
    func check(shape: [Int], gain: Double = 1, file: StaticString = #filePath, line: UInt = #line) throws {
        let generator = TensorGenerator(seed: 21)
        let name = "orth.\(shape)"
        var q = [Float]()
        try generator.fill(&q, tensor: name, shape: shape, scheme: .orthogonal(gain: gain), on: .cpu)
        let rows = shape[0], columns = q.count / rows
        let a = try CPUEngine().generate(stream: TensorStream(seed: 21, name: name), count: rows * columns, distribution: .standardNormal)
        // Work on the tall orientation: M (m × n) = Q or Qᵀ, B = A or Aᵀ.
        let tall = rows >= columns
        let (m, n) = tall ? (rows, columns) : (columns, rows)
        func mAt(_ i: Int, _ j: Int) -> Double { Double(tall ? q[i * columns + j] : q[j * columns + i]) / gain }
        func bAt(_ i: Int, _ j: Int) -> Double { Double(tall ? a[i * columns + j] : a[j * columns + i]) }
        var worstOrthogonality = 0.0, worstLower = 0.0
        for j in 0..<n {
            for k in 0..<n {
                var dot = 0.0
                for i in 0..<m { dot += mAt(i, j) * mAt(i, k) }
                worstOrthogonality = max(worstOrthogonality, abs(dot - (j == k ? 1 : 0)))
                // R = Mᵀ B must be upper triangular with a positive diagonal.
                var r = 0.0
                for i in 0..<m { r += mAt(i, j) * bAt(i, k) }
                if j > k { worstLower = max(worstLower, abs(r)) }
                if j == k { XCTAssertGreaterThan(r, 0, "R[\(j)][\(j)] of \(shape)", file: file, line: line) }
            }
        }
        XCTAssertLessThan(worstOrthogonality, 1e-5, "QᵀQ − I for \(shape)", file: file, line: line)
        XCTAssertLessThan(worstLower, 1e-4, "below-diagonal R for \(shape)", file: file, line: line)
        do {
            var device = [Float]()
            try generator.fill(&device, tensor: name, shape: shape, scheme: .orthogonal(gain: gain), on: .opencl(platform: 0, device: 0))
            XCTAssertEqual(device.map(\.bitPattern), q.map(\.bitPattern), "CPU vs OpenCL for \(shape)", file: file, line: line)
        } catch where "\(error)".contains("no OpenCL") {}
    }

    func testSquareTallWideAndHigherRank() throws {
        try check(shape: [8, 8])
        try check(shape: [40, 7])
        try check(shape: [7, 40], gain: 2)
        try check(shape: [6, 2, 3])      // flattened to 6 × 6
        try check(shape: [4, 3, 2, 2])   // flattened to 4 × 12 (wide)
        try check(shape: [1, 1])
        try check(shape: [150, 130])     // three panels (64, 64, 2)
        try check(shape: [70, 200])      // wide, two panels
    }

    /// A column-major m × n matrix of the stream's normals, widened.
    func normals(_ m: Int, _ n: Int, seed: UInt64 = 5) throws -> [Double] {
        try CPUEngine().generate(stream: TensorStream(seed: seed, name: "qr.\(m)x\(n)"), count: m * n, distribution: .standardNormal)
            .map(Double.init)
    }

    func testBlockedQRIsTheSpecTextBitForBit() throws {
        // 150 × 130: three panels and every trailing update; 64 × 64: one full panel; 97 × 1: one column;
        // 260 × 196: block updates in several column groups, so that Q's formation skips the +0 rows of W's sums.
        for (m, n) in [(150, 130), (64, 64), (97, 1), (5, 3), (260, 196)] {
            let a = try normals(m, n)
            let q = try HouseholderQR.orthonormalColumns(a, rows: m, columns: n)
            let reference = OrthogonalSpecReference.q((0..<m).map { i in (0..<n).map { j in a[j * m + i] } })
            var mismatches = 0
            for i in 0..<m { for j in 0..<n where q[j * m + i].bitPattern != reference[i][j].bitPattern { mismatches += 1 } }
            XCTAssertEqual(mismatches, 0, "\(m) × \(n): elements that differ from SPEC.md 8.7 transcribed")
        }
        // The comparison can tell blockings apart: 32-column panels round differently.
        let a = try normals(150, 130)
        let q = try HouseholderQR.orthonormalColumns(a, rows: 150, columns: 130)
        let narrow = OrthogonalSpecReference.q((0..<150).map { i in (0..<130).map { j in a[j * 150 + i] } }, panelWidth: 32)
        XCTAssertTrue((0..<150).contains { i in (0..<130).contains { j in q[j * 150 + i].bitPattern != narrow[i][j].bitPattern } })
    }

    /// A CPU engine's path chooses the QR's kernels too (a forced baseline runs no wide instruction), and every
    /// engine gives the same orthogonal bits.
    func testCPUPathChoosesTheQRKernels() throws {
        let expected: [CPUPath: HouseholderQR.Kernels] = [.baseline: .portable, .avx2: .avx2, .avx512: .avx512]
        var results: [[Float]] = []
        for path in CPUPath.supported {
            let engine = try CPUEngine(threads: 2, path: path)
            XCTAssertEqual(TensorGenerator.qrKernels(for: engine), expected[path], "\(path)")
            var q = [Float]()
            try TensorGenerator(seed: 5).fill(&q, tensor: "w", shape: [150, 130], scheme: .orthogonal(gain: 1), on: .cpuPath(path))
            results.append(q)
        }
        XCTAssertTrue(results.allSatisfy { $0.map(\.bitPattern) == results[0].map(\.bitPattern) }, "the same bits on every path")
    }

    /// Every kernel variant this processor runs (AVX-512, AVX2 + FMA, portable, and the one `.best` picks),
    /// threaded, against the portable kernels on one thread, and the spec's text, bit for bit.
    func testEveryKernelVariantGivesTheSameBits() throws {
        print("fused kernels on this machine: \(HouseholderQR.bestKernelsName); supported: "
              + "\(HouseholderQR.Kernels.allCases.filter(\.isSupported))")
        for (m, n) in [(300, 200), (131, 67), (200, 200)] {
            let a = try normals(m, n)
            let portable = try HouseholderQR.orthonormalColumns(a, rows: m, columns: n, parallel: false, kernels: .portable)
            for kernels in HouseholderQR.Kernels.allCases where kernels.isSupported {
                let q = try HouseholderQR.orthonormalColumns(a, rows: m, columns: n, kernels: kernels)
                let differing = zip(q, portable).filter { $0.bitPattern != $1.bitPattern }.count
                XCTAssertEqual(differing, 0, "\(m) × \(n), \(kernels) kernels: elements that differ from the portable ones")
            }
            if m == 131 {
                let reference = OrthogonalSpecReference.q((0..<m).map { i in (0..<n).map { j in a[j * m + i] } })
                let differing = (0..<m * n).filter { portable[$0].bitPattern != reference[$0 % m][$0 / m].bitPattern }.count
                XCTAssertEqual(differing, 0, "\(m) × \(n): portable elements that differ from SPEC.md 8.7 transcribed")
            }
        }
    }

    /// ts_gemm against chains of `addingProduct`, over shapes that cross every blocking boundary of both
    /// micro-tile shapes (MR 8 and 32, NR 6, KC 256 and 512, MC 128, NC 1536), strides that take both the
    /// packed and the in-place path for B, both modes, and every variant this processor runs.
    func testFusedProductIsAChainOfFusedMultiplyAdds() {
        var generator = SplitMix64(seed: 3)
        func random() -> Double { Double(generator.next() >> 11) * 0x1p-53 - 0.5 }
        let shapes = [(1, 1, 1), (8, 6, 256), (9, 7, 257), (129, 13, 300), (17, 1537, 5), (3, 40, 600), (130, 12, 64),
                      (32, 6, 512), (33, 7, 513), (97, 19, 1100)]
        let variants = [TS_KERNELS_BEST, TS_KERNELS_PORTABLE, TS_KERNELS_AVX2, TS_KERNELS_AVX512].filter { ts_kernels_supported($0) != 0 }
        for (M, N, K) in shapes {
            for mode in [TS_GEMM_STORE, TS_GEMM_SUBTRACT] {
                for (bK, bCol) in [(1, K), (N, 1)] {
                    for variant in variants {
                        let a = (0 ..< M * K).map { _ in random() }          // A(r, k) = a[r + k·M]
                        let b = (0 ..< K * N).map { _ in random() }
                        let d0 = (0 ..< M * N).map { _ in random() }
                        var d = d0
                        XCTAssertEqual(ts_gemm(M, N, K, a, 1, M, b, bK, bCol, &d, M, mode, variant), 0)
                        // The same product with A packed beforehand (ts_gemm_pack_a, then ts_gemm_prepacked).
                        var packed = [Double](repeating: .nan, count: ts_gemm_packed_a_count(M, K, variant) + 8)
                        var prepackedD = d0
                        packed.withUnsafeMutableBufferPointer { buffer in
                            // The packed blocks are read with aligned vector loads: start at a 64-byte boundary.
                            let base = buffer.baseAddress!, skip = (64 - Int(bitPattern: base) % 64) % 64 / 8
                            ts_gemm_pack_a(M, K, a, 1, M, mode, base + skip, variant)
                            XCTAssertEqual(ts_gemm_prepacked(M, N, K, base + skip, b, bK, bCol, &prepackedD, M, mode, variant), 0)
                        }
                        XCTAssertEqual(zip(prepackedD, d).filter { $0.bitPattern != $1.bitPattern }.count, 0,
                                       "prepacked A: M \(M) N \(N) K \(K) mode \(mode) variant \(variant)")
                        var mismatches = 0, unfusedMismatches = 0
                        for r in 0..<M {
                            for c in 0..<N {
                                var s = 0.0, unfused = 0.0
                                for k in 0..<K {
                                    s = s.addingProduct(a[r + k * M], b[k * bK + c * bCol])
                                    unfused = unfused + a[r + k * M] * b[k * bK + c * bCol]
                                }
                                let expected = mode == TS_GEMM_STORE ? s : d0[r + c * M] - s
                                if d[r + c * M].bitPattern != expected.bitPattern { mismatches += 1 }
                                if unfused.bitPattern != s.bitPattern { unfusedMismatches += 1 }
                            }
                        }
                        // The check can tell fused from unfused sums (every shape but 1 × 1 × 1 has some that differ).
                        if K >= 5 { XCTAssertGreaterThan(unfusedMismatches, 0) }
                        XCTAssertEqual(mismatches, 0, "M \(M) N \(N) K \(K) mode \(mode) B strides (\(bK), \(bCol)) variant \(variant)")
                    }
                }
            }
        }
    }

    func testParallelAndSerialColumnUpdatesGiveTheSameBits() throws {
        // 300 × 200 crosses the size where columns are updated concurrently.
        let a = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "big"), count: 300 * 200, distribution: .standardNormal).map(Double.init)
        let parallel = try HouseholderQR.orthonormalColumns(a, rows: 300, columns: 200)
        let serial = try HouseholderQR.orthonormalColumns(a, rows: 300, columns: 200, parallel: false)
        XCTAssertEqual(parallel.map(\.bitPattern), serial.map(\.bitPattern))
    }

    /// SPEC.md section 11's orthogonal vector (fixture orthogonal_vectors_v1.txt) on every engine, and in SPEC.md's text.
    func testPublishedOrthogonalVector() throws {
        let lines = try RepositoryFile.text(RepositoryFile.fixture("orthogonal_vectors_v1.txt")).split(separator: "\n")
            .filter { !$0.hasPrefix("#") }.map { $0.split(separator: " ") }
        let digest = String(lines.first { $0[0] == "digest" }![1])
        let elements = lines.filter { $0[0] != "digest" }.map { (index: Int($0[0])!, bits: UInt32($0[1].dropFirst(2), radix: 16)!) }
        XCTAssertEqual(elements.count, 16)
        let spec = try RepositoryFile.text(RepositoryFile.root.appendingPathComponent("SPEC.md"))
        XCTAssertTrue(spec.contains(digest))
        var engines: [EngineChoice] = [.cpu]
        if (try? OpenCLDiscovery.devices())?.isEmpty == false { engines.append(.opencl(platform: 0, device: 0)) }
        for engine in engines {
            var q = [Float]()
            try TensorGenerator(seed: 0).fill(&q, tensor: "w", shape: [100, 70], scheme: .orthogonal(), on: engine)
            for e in elements {
                XCTAssertEqual(q[e.index].bitPattern, e.bits, "element \(e.index) on \(engine)")
                XCTAssertTrue(spec.contains(String(format: "0x%08x", e.bits)))
            }
            var d = TensorDigest()
            q.withUnsafeBytes { d.update($0) }
            XCTAssertEqual(TensorDigest.text(d.value), digest, "digest on \(engine)")
        }
    }

    func testAMatrixLargerThanMemoryIsRefusedWithAReason() throws {
        // One element of a 2^20 × 2^20 orthogonal tensor: the QR would need 24 TiB, so it is refused before any allocation.
        var one = [UInt8](repeating: 0, count: 4)
        XCTAssertThrowsError(try one.withUnsafeMutableBytes { bytes in
            try TensorGenerator(seed: 0).fill(bytes, tensor: "huge", recipe: .orthogonal(rows: 1 << 20, columns: 1 << 20, gain: 1),
                                              shape: [1 << 20, 1 << 20], offset: 0, dtype: .float32, on: .cpu)
        }) { error in
            XCTAssertTrue("\(error)".contains("tensor \"huge\" (1048576 × 1048576) needs 24576.0 GiB of memory"), "\(error)")
        }
    }

    func testShapesOrthogonalCannotTake() {
        XCTAssertThrowsError(try InitScheme.orthogonal().recipe(shape: [5])) { XCTAssertTrue("\($0)".contains("at least 2 dimensions")) }
    }
}
