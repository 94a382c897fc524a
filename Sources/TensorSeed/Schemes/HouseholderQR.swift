import CFusedGEMM
import Dispatch
import Synchronization

/// The orthogonal factor of a QR decomposition in float64: a blocked Householder QR (compact WY
/// form, panels of `panelWidth` columns) in one fixed operation order (SPEC.md 8.7).
///
/// Every value is a chain of fused multiply-adds in increasing index order, or a single IEEE-754
/// operation (× ÷ √, negation), each correctly rounded; `CFusedGEMM` runs the chains (AVX-512 or AVX2 + FMA
/// where present, else C `fma`), and threads only split the columns of its products (and factor the next
/// panel beside the update of columns it does not touch). So the result is the same bits on every host,
/// for every thread count and every kernel variant.
public enum HouseholderQR {
    /// Columns per panel. Part of the definition (SPEC.md 8.7): another width rounds differently.
    public static let panelWidth = 64

    /// Which implementation of the fused kernels runs (the bits are the same; tests compare them).
    public enum Kernels: Sendable, CaseIterable {
        /// The fastest this processor supports.
        case best
        /// C `fma` on any host.
        case portable
        /// AVX2 + FMA (x86-64), 8 × 6 micro-tiles.
        case avx2
        /// AVX-512 (x86-64), 32 × 6 micro-tiles.
        case avx512

        var variant: ts_kernels_variant {
            switch self {
            case .best: TS_KERNELS_BEST
            case .portable: TS_KERNELS_PORTABLE
            case .avx2: TS_KERNELS_AVX2
            case .avx512: TS_KERNELS_AVX512
            }
        }

        /// Whether this processor runs it (one it lacks would run the portable kernels instead).
        public var isSupported: Bool { ts_kernels_supported(variant) != 0 }
    }

    /// The implementation `.best` selects on this processor: "avx512", "avx2+fma" or "portable".
    public static var bestKernelsName: String { String(cString: ts_kernels_best_name()) }

    /// The QR's memory could not be had: a matrix larger than the machine's memory, or scratch memory
    /// for a product that could not be allocated.
    public struct OutOfMemory: Error, CustomStringConvertible {
        public let description: String
        public init(_ description: String = "orthogonal: out of memory in the QR's matrix product") { self.description = description }
    }

    /// Bytes an orthogonal matrix of `elements` elements needs at its peak: its float32 normals and result,
    /// the float64 matrix and Q (the scratch matrices are a few panels more). `nil` if that overflows.
    public static func peakBytes(elements: Int) -> Int? {
        let (bytes, overflow) = elements.multipliedReportingOverflow(by: 4 + 8 + 8 + 4)
        return overflow ? nil : bytes
    }

    /// The thin Q (m × n, column-major: `q[j * m + i]`) of a column-major m × n matrix `a`, m ≥ n, with
    /// its columns multiplied by the signs of R's diagonal (so that R's diagonal is ≥ 0, as torch's
    /// `orthogonal_` makes it). `parallel: false` runs on one thread (same bits).
    public static func orthonormalColumns(_ a: consuming [Double], rows m: Int, columns n: Int, parallel: Bool = true,
                                          kernels: Kernels = .best) throws -> [Double] {
        precondition(m >= n && a.count == m * n)
        var factored = a
        var q = [Double](repeating: 0, count: m * n)
        var signs = [Double](repeating: 1, count: n)
        let context = Context(m: m, n: n, parallel: parallel, variant: kernels.variant)
        try factored.withUnsafeMutableBufferPointer { b in
            try q.withUnsafeMutableBufferPointer { q in
                try signs.withUnsafeMutableBufferPointer { signs in
                    let b = b.baseAddress!, q = q.baseAddress!, signs = signs.baseAddress!
                    var tFactors: [[Double]] = []
                    var t = try context.factorPanel(b, from: 0, width: min(panelWidth, n), signs: signs, into: 0, parallel: parallel)
                    for (index, k0) in stride(from: 0, to: n, by: panelWidth).enumerated() {
                        let width = min(panelWidth, n - k0), next = k0 + width
                        tFactors.append(t)
                        guard next < n else { break }
                        // Trailing columns ← (I − V T Vᵀ)ᵀ · trailing columns. The next panel's columns are updated
                        // first; then that panel is factored (into the other V) while the other columns are updated.
                        let nextWidth = min(panelWidth, n - next)
                        let lookAhead = LookAhead(columns: nextWidth) {
                            try context.factorPanel(b, from: next, width: nextWidth, signs: signs, into: (index + 1) % 2, parallel: false)
                        }
                        try context.applyBlock(t, reflectors: index % 2, width: width, transposed: true, rows: m - k0,
                                               to: b + next * m + k0, columns: n - next, lookAhead: lookAhead)
                        t = lookAhead.t
                    }
                    // Q = (I − V₀T₀V₀ᵀ)(I − V₁T₁V₁ᵀ)… applied to the first n columns of the identity, last block first;
                    // block k touches only rows and columns ≥ its first column.
                    for j in 0..<n { q[j * m + j] = 1 }
                    for (index, k0) in stride(from: 0, to: n, by: panelWidth).enumerated().reversed() {
                        let width = min(panelWidth, n - k0)
                        context.copyReflectors(b, from: k0, width: width, into: 0)
                        try context.applyBlock(tFactors[index], reflectors: 0, width: width, transposed: false, rows: m - k0,
                                               to: q + k0 * m + k0, columns: n - k0, lookAhead: nil)
                    }
                    // Column j times the sign of R[j][j] (a negation, exact).
                    for j in 0..<n where signs[j] < 0 {
                        let column = q + j * m
                        for i in 0..<m { column[i] = -column[i] }
                    }
                }
            }
        }
        return q
    }

    /// Work that runs once the first `columns` columns of a block update are done, beside the update of the
    /// others (the next panel's factorization); `t` is what it made.
    final class LookAhead: @unchecked Sendable {
        let columns: Int
        let work: () throws -> [Double]
        /// Written by the one task that runs `work`, read after all tasks are done.
        var t: [Double] = []

        init(columns: Int, work: @escaping () throws -> [Double]) {
            self.columns = columns
            self.work = work
        }
    }

    /// The matrix's size, how the kernels run, and their scratch matrices (allocated once for all panels).
    /// `@unchecked Sendable`: the tasks of one block update share it, each writing only its own columns of
    /// the matrix and of W, and the look-ahead task only the next panel's columns, the other V, and G.
    final class Context: @unchecked Sendable {
        let m: Int
        let parallel: Bool
        let variant: ts_kernels_variant
        /// Two V (rows × width; the current panel's and, during look-ahead, the next one's), Y (rows × width),
        /// W (width × columns) and G (width × width); Vᵀ and Y packed once per block update for its column groups.
        let v: [UnsafeMutablePointer<Double>]
        let y, w, g, packedV, packedY: UnsafeMutablePointer<Double>

        init(m: Int, n: Int, parallel: Bool, variant: ts_kernels_variant) {
            self.m = m
            self.parallel = parallel
            self.variant = variant
            let width = min(panelWidth, n)
            v = [.allocate(capacity: m * width), .allocate(capacity: m * width)]
            y = .allocate(capacity: m * width)
            w = .allocate(capacity: width * n)
            g = .allocate(capacity: width * width)
            // Packed blocks are read with aligned vector loads of up to 64 bytes.
            func aligned(_ count: Int) -> UnsafeMutablePointer<Double> {
                UnsafeMutableRawPointer.allocate(byteCount: count * MemoryLayout<Double>.stride, alignment: 64)
                    .bindMemory(to: Double.self, capacity: count)
            }
            packedV = aligned(ts_gemm_packed_a_count(width, m, variant))
            packedY = aligned(ts_gemm_packed_a_count(m, width, variant))
        }

        deinit {
            for scratch in v + [y, w, g, packedV, packedY] { scratch.deallocate() }
        }

        /// Householder reflections of columns k0 ..< k0 + width, each applied to the panel's later columns
        /// (SPEC.md 8.7, "panel"), which leaves v_k in place of column k from row k down; then V (copied into
        /// `v[reflectors]`) and T. Returns T.
        func factorPanel(_ b: UnsafeMutablePointer<Double>, from k0: Int, width: Int, signs: UnsafeMutablePointer<Double>,
                         into reflectors: Int, parallel: Bool) throws -> [Double] {
            var betas = [Double](repeating: 0, count: width)
            for k in k0 ..< k0 + width {
                let column = b + k * m + k
                let length = m - k
                let s = ts_sum_of_squares(column, length, variant)
                let norm = s.squareRoot()
                let x0 = column[0]
                let alpha = x0 >= 0 ? -norm : norm               // R[k][k]
                signs[k] = alpha < 0 ? -1 : 1
                column[0] = x0 - alpha
                // 2 / vᵀv, where vᵀv = 2·(s + |x0|·norm).
                let beta = s == 0 ? 0 : 1 / s.addingProduct(abs(x0), norm)
                betas[k - k0] = beta
                ts_reflect(column, length, beta, column + m, m, k0 + width - k - 1, variant)
            }
            copyReflectors(b, from: k0, width: width, into: reflectors)
            return try triangularFactor(betas: betas, reflectors: reflectors, rows: m - k0, parallel: parallel)
        }

        /// V: the panel's reflectors as an (m − k0) × width column-major matrix, zero above each v_k.
        func copyReflectors(_ b: UnsafeMutablePointer<Double>, from k0: Int, width: Int, into reflectors: Int) {
            let rows = m - k0
            for p in 0..<width {
                let column = v[reflectors] + p * rows
                column.update(repeating: 0, count: p)
                (column + p).update(from: b + (k0 + p) * m + k0 + p, count: rows - p)
            }
        }

        /// T (width × width, upper triangular, column-major) with H₀H₁…H_{w−1} = I − V T Vᵀ:
        /// T[j][j] = β_j, T[i][j] = −(β_j · Σ_{l=i}^{j−1} T[i][l]·G[l][j]) for i < j, G = VᵀV.
        func triangularFactor(betas: [Double], reflectors: Int, rows: Int, parallel: Bool) throws -> [Double] {
            let width = betas.count, v = self.v[reflectors]
            try product(M: width, N: width, K: rows, v, rows, 1, v, 1, rows, g, width, TS_GEMM_STORE, parallel: parallel)
            var t = [Double](repeating: 0, count: width * width)
            for j in 0..<width {
                t[j * width + j] = betas[j]
                for i in 0..<j {
                    var s = 0.0
                    for l in i..<j { s = s.addingProduct(t[l * width + i], g[j * width + l]) }
                    t[j * width + i] = -(betas[j] * s)
                }
            }
            return t
        }

        /// Columns per task of a block update: W's and C's columns of one task stay in cache between its
        /// two products (speed only, never bits). On AMD Zen 4 (1 MiB L2 per core), 24 and 48 columns ran
        /// 4096² about 4 % faster than 96 or 192.
        static let columnsPerTask = 48

        /// C ← (I − V T Vᵀ)ᵀ C (`transposed`) or (I − V T Vᵀ) C, for C = `rows` × `columns` at `c` (stride m),
        /// V = `v[reflectors]`: Y = V·Tᵀ (or V·T), then for each group of columns W = Vᵀ·C, C ← C − Y·W.
        /// `lookAhead` runs once its first columns are updated, beside the others.
        func applyBlock(_ t: [Double], reflectors: Int, width: Int, transposed: Bool, rows: Int,
                        to c: UnsafeMutablePointer<Double>, columns: Int, lookAhead: LookAhead?) throws {
            guard columns > 0 else { return }
            let v = self.v[reflectors]
            try t.withUnsafeBufferPointer { t in
                // B(k = q, c = p) = T[p][q] (Tᵀ) or T[q][p]; T is column-major (T[i][j] at j·width + i).
                try product(M: rows, N: width, K: width, v, 1, rows, t.baseAddress!, transposed ? width : 1, transposed ? 1 : width,
                            y, rows, TS_GEMM_STORE, parallel: parallel)
            }
            // In Q's formation (not `transposed`), rows 0 ..< width of C's columns from `width` on are still the
            // identity's +0 (only later blocks, which touch rows ≥ k0 + width, have run): each of their W sums
            // would start with `width` terms fma(V[i][a], +0, +0) = +0, so starting at row `width` gives the same
            // bits, provided those V are finite (x·0 is NaN for infinite or NaN x).
            let skipZeroRows = !transposed && rows > width
                && (0..<width).allSatisfy { a in (0..<width).allSatisfy { v[a * rows + $0].isFinite } }
            let update = BlockUpdate(v: v, c: c, rows: rows, width: width, columns: columns,
                                     zeroRows: skipZeroRows ? width : 0, lookAhead: lookAhead)
            // Vᵀ (from row `zeroRows`) and Y, packed once for all groups (W = Vᵀ·C, C ← C − Y·W).
            ts_gemm_pack_a(width, rows - update.zeroRows, v + update.zeroRows, rows, 1, TS_GEMM_STORE, packedV, variant)
            ts_gemm_pack_a(rows, width, y, 1, rows, TS_GEMM_SUBTRACT, packedY, variant)
            let failures = Atomic<Int>(0)
            if parallel && rows * columns * width >= 1 << 21 && update.groups > 1 {
                DispatchQueue.concurrentPerform(iterations: update.groups) { index in
                    if !self.run(update, group: index) { failures.add(1, ordering: .relaxed) }
                }
            } else {
                for index in 0..<update.groups where !run(update, group: index) { failures.add(1, ordering: .relaxed) }
            }
            if let error = update.lookAheadError.error { throw error }
            if failures.load(ordering: .relaxed) > 0 { throw OutOfMemory() }
        }

        /// One block update's column groups: the look-ahead's columns first, then `columnsPerTask` at a time.
        struct BlockUpdate: @unchecked Sendable {
            let v, c: UnsafeMutablePointer<Double>
            let rows, width, columns: Int
            /// Rows of +0 at the top of C's columns from `width` on that W's sums may skip (0: none).
            let zeroRows: Int
            let lookAhead: LookAhead?
            let lookAheadError = LookAheadError()
            var head: Int { lookAhead?.columns ?? 0 }
            var groups: Int { (head > 0 ? 1 : 0) + (columns - head + columnsPerTask - 1) / columnsPerTask }

            func group(_ index: Int) -> (first: Int, count: Int) {
                if head > 0 && index == 0 { return (0, head) }
                let first = head + (index - (head > 0 ? 1 : 0)) * columnsPerTask
                return (first, min(columnsPerTask, columns - first))
            }
        }

        /// Group `index` of `update`: W = Vᵀ·C and C ← C − Y·W on its columns, then (group 0) the look-ahead.
        /// False if a product could not allocate its scratch memory.
        func run(_ update: BlockUpdate, group index: Int) -> Bool {
            let (first, count) = update.group(index)
            let skip = first >= update.width ? update.zeroRows : 0
            let rows = update.rows, width = update.width
            let wGroup = w + first * width, cGroup = update.c + first * m
            // Vᵀ was packed from row `zeroRows`: a group whose sums start elsewhere packs its own.
            let made = skip == update.zeroRows
                ? ts_gemm_prepacked(width, count, rows - skip, packedV, cGroup + skip, 1, m, wGroup, width, TS_GEMM_STORE, variant)
                : ts_gemm(width, count, rows - skip, update.v + skip, rows, 1, cGroup + skip, 1, m, wGroup, width,
                          TS_GEMM_STORE, variant)
            let done = made == 0
                && ts_gemm_prepacked(rows, count, width, packedY, wGroup, 1, width, cGroup, m, TS_GEMM_SUBTRACT, variant) == 0
            if index == 0, let lookAhead = update.lookAhead {
                do { lookAhead.t = try lookAhead.work() } catch { update.lookAheadError.error = error }
            }
            return done
        }

        /// `ts_gemm`, its columns split across threads when `parallel` and it is big enough (each element is
        /// still made by one thread, in the same order).
        func product(M: Int, N: Int, K: Int, _ a: UnsafePointer<Double>, _ aRow: Int, _ aK: Int,
                     _ b: UnsafePointer<Double>, _ bK: Int, _ bCol: Int,
                     _ d: UnsafeMutablePointer<Double>, _ dCol: Int, _ mode: ts_gemm_mode, parallel: Bool) throws {
            let tasks = parallel && M * N * K >= 1 << 21 ? min(CPUEngine.activeCores * 2, (N + 5) / 6) : 1
            if tasks <= 1 {
                guard ts_gemm(M, N, K, a, aRow, aK, b, bK, bCol, d, dCol, mode, variant) == 0 else { throw OutOfMemory() }
                return
            }
            let perTask = (N + tasks - 1) / tasks
            let shared = (a: SendableConstPointer(a), b: SendableConstPointer(b), d: SendablePointer(d))
            let variant = self.variant
            let failures = Atomic<Int>(0)
            DispatchQueue.concurrentPerform(iterations: tasks) { task in
                let first = task * perTask, count = min(perTask, N - first)
                guard count > 0 else { return }
                if ts_gemm(M, count, K, shared.a.pointer, aRow, aK, shared.b.pointer + first * bCol, bK, bCol,
                           shared.d.pointer + first * dCol, dCol, mode, variant) != 0 {
                    failures.add(1, ordering: .relaxed)
                }
            }
            if failures.load(ordering: .relaxed) > 0 { throw OutOfMemory() }
        }
    }

    /// The error the look-ahead task met, if any (written by that task only, read after all tasks are done).
    final class LookAheadError: @unchecked Sendable { var error: Error? }
}

/// Pointers the QR shares across its column tasks, each of which touches its own columns only.
struct SendablePointer: @unchecked Sendable { let pointer: UnsafeMutablePointer<Double>; init(_ p: UnsafeMutablePointer<Double>) { pointer = p } }
struct SendableConstPointer: @unchecked Sendable { let pointer: UnsafePointer<Double>; init(_ p: UnsafePointer<Double>) { pointer = p } }
