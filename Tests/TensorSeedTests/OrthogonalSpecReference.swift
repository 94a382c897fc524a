/// SPEC.md 8.7 transcribed as plainly as possible, to check `HouseholderQR` against the text: two-index
/// arrays, one `addingProduct` (IEEE fusedMultiplyAdd) per chain step, no packing, tiling or threads.
enum OrthogonalSpecReference {
    /// A chain: s = +0, then s = fma(x_k, y_k, s) for each pair in order.
    static func chain(_ count: Int, _ term: (Int) -> (Double, Double)) -> Double {
        var s = 0.0
        for k in 0..<count {
            let (x, y) = term(k)
            s = s.addingProduct(x, y)
        }
        return s
    }

    /// C ← C − Y·W with Y = V·Tᵀ (`transposed`) or V·T and W = Vᵀ·C, C = rows r0 ..< m, columns c0 ..< n of `c`.
    static func applyBlock(_ v: [[Double]], _ t: [[Double]], transposed: Bool, to c: inout [[Double]], r0: Int, c0: Int) {
        let mm = v.count, w = t.count, columns = c[0].count - c0
        let y = (0..<mm).map { i in (0..<w).map { a in chain(w) { q in (v[i][q], transposed ? t[a][q] : t[q][a]) } } }
        let wm = (0..<w).map { a in (0..<columns).map { j in chain(mm) { i in (v[i][a], c[r0 + i][c0 + j]) } } }
        for i in 0..<mm {
            for j in 0..<columns { c[r0 + i][c0 + j] = c[r0 + i][c0 + j] - chain(w) { a in (y[i][a], wm[a][j]) } }
        }
    }

    /// Q (m × n, `q[i][j]`) of B (m × n, `b[i][j]`, m ≥ n), R's diagonal made positive.
    static func q(_ input: [[Double]], panelWidth: Int = 64) -> [[Double]] {
        var b = input
        let m = b.count, n = b[0].count
        var sign = [Double](repeating: 1, count: n)
        var panels: [(p0: Int, v: [[Double]], t: [[Double]])] = []
        for p0 in stride(from: 0, to: n, by: panelWidth) {
            let w = min(panelWidth, n - p0)
            var beta = [Double](repeating: 0, count: w)
            for k in p0 ..< p0 + w {
                let s = chain(m - k) { i in (b[k + i][k], b[k + i][k]) }
                let norm = s.squareRoot(), x0 = b[k][k]
                let alpha = x0 >= 0 ? -norm : norm
                sign[k] = alpha < 0 ? -1 : 1
                b[k][k] = x0 - alpha
                beta[k - p0] = s == 0 ? 0 : 1 / s.addingProduct(abs(x0), norm)
                for j in k + 1 ..< p0 + w {
                    let d = chain(m - k) { i in (b[k + i][k], b[k + i][j]) }
                    let t = -(beta[k - p0] * d)
                    for i in 0 ..< m - k { b[k + i][j] = b[k + i][j].addingProduct(t, b[k + i][k]) }
                }
            }
            let mm = m - p0
            let v = (0..<mm).map { i in (0..<w).map { q in i >= q ? b[p0 + i][p0 + q] : 0 } }
            let g = (0..<w).map { a in (0..<w).map { c in chain(mm) { i in (v[i][a], v[i][c]) } } }
            var t = [[Double]](repeating: [Double](repeating: 0, count: w), count: w)
            for j in 0..<w {
                t[j][j] = beta[j]
                for i in 0..<j { t[i][j] = -(beta[j] * chain(j - i) { l in (t[i][i + l], g[i + l][j]) }) }
            }
            if p0 + w < n { applyBlock(v, t, transposed: true, to: &b, r0: p0, c0: p0 + w) }
            panels.append((p0, v, t))
        }
        var q = (0..<m).map { i in (0..<n).map { j in i == j ? 1.0 : 0.0 } }
        for panel in panels.reversed() { applyBlock(panel.v, panel.t, transposed: false, to: &q, r0: panel.p0, c0: panel.p0) }
        for i in 0..<m { for j in 0..<n where sign[j] < 0 { q[i][j] = -q[i][j] } }
        return q
    }
}
