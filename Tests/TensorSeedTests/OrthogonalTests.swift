import XCTest
import TensorSeed

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
    }

    func testParallelAndSerialColumnUpdatesGiveTheSameBits() throws {
        // 300 × 200 crosses the size where columns are updated concurrently.
        let a = try CPUEngine().generate(stream: TensorStream(seed: 5, name: "big"), count: 300 * 200, distribution: .standardNormal).map(Double.init)
        let parallel = HouseholderQR.orthonormalColumns(a, rows: 300, columns: 200)
        let serial = HouseholderQR.orthonormalColumns(a, rows: 300, columns: 200, parallel: false)
        XCTAssertEqual(parallel.map(\.bitPattern), serial.map(\.bitPattern))
    }

    func testShapesOrthogonalCannotTake() {
        XCTAssertThrowsError(try InitScheme.orthogonal().recipe(shape: [5])) { XCTAssertTrue("\($0)".contains("at least 2 dimensions")) }
    }
}
