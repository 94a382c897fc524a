import Dispatch

/// The orthogonal factor of a QR decomposition in float64, by Householder reflections in one fixed
/// operation order (SPEC.md 7.4).
///
/// Only IEEE-754 float64 `+ − × ÷ √` are used, each correctly rounded, never contracted or
/// reassociated, and every sum runs in index order; columns are updated in parallel but each column
/// by one thread, so the result is the same bits on every host and for every thread count.
public enum HouseholderQR {
    /// The thin Q (m × n, column-major: `q[j * m + i]`) of a column-major m × n matrix `a`, m ≥ n, with
    /// its columns multiplied by the signs of R's diagonal (so that R's diagonal is ≥ 0, as torch's
    /// `orthogonal_` makes it). `parallel: false` updates the columns one after another (same bits).
    public static func orthonormalColumns(_ a: [Double], rows m: Int, columns n: Int, parallel: Bool = true) -> [Double] {
        precondition(m >= n && a.count == m * n)
        var a = a
        var vectors = [[Double]](repeating: [], count: n)   // v_k, length m − k
        var betas = [Double](repeating: 0, count: n)
        var diagonalSigns = [Double](repeating: 1, count: n)
        for k in 0..<n {
            var normSquared = 0.0
            for i in k..<m { normSquared += a[k * m + i] * a[k * m + i] }
            let norm = normSquared.squareRoot()
            let x0 = a[k * m + k]
            let alpha = x0 >= 0 ? -norm : norm                // R[k][k]
            diagonalSigns[k] = alpha < 0 ? -1 : 1
            var v = Array(a[(k * m + k) ..< (k * m + m)])
            v[0] = x0 - alpha
            var vv = 0.0
            for x in v { vv += x * x }
            let beta = vv == 0 ? 0 : 2 / vv
            vectors[k] = v
            betas[k] = beta
            // A[k:, j] −= β v (vᵀ A[k:, j]) for j > k, one column per task.
            applyReflection(v, beta, to: &a, rows: m, from: k, columns: (k + 1) ..< n, parallel: parallel)
        }
        // Q = H_0 H_1 … H_{n−1} applied to the first n columns of the identity, last reflection first.
        var q = [Double](repeating: 0, count: m * n)
        for j in 0..<n { q[j * m + j] = 1 }
        for k in stride(from: n - 1, through: 0, by: -1) {
            applyReflection(vectors[k], betas[k], to: &q, rows: m, from: k, columns: k ..< n, parallel: parallel)
        }
        for j in 0..<n where diagonalSigns[j] < 0 {
            for i in 0..<m { q[j * m + i] = -q[j * m + i] }
        }
        return q
    }

    /// y ← y − β v (vᵀ y) for each column y = matrix[from:, j], j in `columns`.
    static func applyReflection(_ v: [Double], _ beta: Double, to matrix: inout [Double], rows m: Int, from k: Int,
                                columns: Range<Int>, parallel: Bool) {
        guard beta != 0, !columns.isEmpty else { return }
        matrix.withUnsafeMutableBufferPointer { buffer in
            let base = SendablePointer(buffer.baseAddress!)
            v.withUnsafeBufferPointer { vBuffer in
                let vBase = SendableConstPointer(vBuffer.baseAddress!)
                let count = v.count
                let work: @Sendable (Int) -> Void = { (j: Int) in
                    let column = base.pointer + j * m + k
                    var dot = 0.0
                    for i in 0..<count { dot += vBase.pointer[i] * column[i] }
                    let scale = beta * dot
                    for i in 0..<count { column[i] -= scale * vBase.pointer[i] }
                }
                if !parallel || columns.count * count < 1 << 16 {
                    for j in columns { work(j) }
                } else {
                    DispatchQueue.concurrentPerform(iterations: columns.count) { work(columns.lowerBound + $0) }
                }
            }
        }
    }
}

/// Pointers the QR shares across its column tasks, each of which touches its own column only.
struct SendablePointer: @unchecked Sendable { let pointer: UnsafeMutablePointer<Double>; init(_ p: UnsafeMutablePointer<Double>) { pointer = p } }
struct SendableConstPointer: @unchecked Sendable { let pointer: UnsafePointer<Double>; init(_ p: UnsafePointer<Double>) { pointer = p } }
