// One build of ts_gemm's body (CFusedGEMM.h) for one micro-tile shape. Included once per shape with
//   TS_MR     rows of a micro-tile (a multiple of TS_LANES),
//   TS_NR     its columns,
//   TS_LANES  doubles per vector register (4: AVX2 or the portable build; 8: AVX-512),
//   TS_KC, TS_MC, TS_NC  cache blocking (speed only, never bits),
//   TS_NAMED(x) the name x with this shape's suffix,
// and undefines them at the end. Shapes differ only in which elements a tile holds: every element is
// still the same chain of fused multiply-adds, so every shape gives the same bits.
// No include guard: it is meant to be included more than once.
#pragma clang fp contract(off)

typedef double TS_NAMED(ts_vec) __attribute__((vector_size(TS_LANES * 8)));
typedef double TS_NAMED(ts_vecu) __attribute__((vector_size(TS_LANES * 8), aligned(8)));
#define TS_VECS (TS_MR / TS_LANES)

/// D tile (rows × cols valid of MR × NR) from packed a (kc × MR) and B(k, c) = b[k·bk + c·bc]: a packed
/// slice (bk = NR, bc = 1) or NR columns of B read in place (bk = 1). The sums start from +0, or
/// (resume) from the partial sums already in D (a later K block of a stored product).
TS_INLINE void TS_NAMED(ts_micro_tile)(ptrdiff_t kc, const double *restrict a, const double *restrict b, ptrdiff_t bk,
                                       ptrdiff_t bc, double *restrict d, ptrdiff_t d_col, int rows, int cols,
                                       int resume, ts_gemm_mode mode) {
    typedef TS_NAMED(ts_vec) vec;
    typedef TS_NAMED(ts_vecu) vecu;
    double tile[TS_MR * TS_NR] __attribute__((aligned(64)));
    const int full = rows == TS_MR && cols == TS_NR;
    vec acc[TS_NR][TS_VECS];
    // The tile of D is needed only after the k loop (or, resumed, right away): ask for it now, so that
    // its cache misses overlap the loop instead of following it.
    if (!resume && full)
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
            for (int line = 0; line < TS_MR; line += 8) __builtin_prefetch(d + c * d_col + line, 1, 3);
    if (resume && full) {
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
            for (int v = 0; v < TS_VECS; v++) acc[c][v] = *(const vecu *)(d + c * d_col + v * TS_LANES);
    } else if (resume) {
        for (int c = 0; c < TS_NR; c++)
            for (int r = 0; r < TS_MR; r++) tile[c * TS_MR + r] = (r < rows && c < cols) ? d[r + c * d_col] : 0.0;
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
            for (int v = 0; v < TS_VECS; v++) acc[c][v] = *(const vec *)(tile + c * TS_MR + v * TS_LANES);
    } else {
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
            for (int v = 0; v < TS_VECS; v++) acc[c][v] = (vec){0};
    }
    for (ptrdiff_t k = 0; k < kc; k++) {
        vec av[TS_VECS];
#pragma clang loop unroll(full)
        for (int v = 0; v < TS_VECS; v++) av[v] = *(const vec *)(a + k * TS_MR + v * TS_LANES);
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++) {
            const double bkc = b[k * bk + c * bc];
            vec x;
#pragma clang loop unroll(full)
            for (int lane = 0; lane < TS_LANES; lane++) x[lane] = bkc;
#pragma clang loop unroll(full)
            for (int v = 0; v < TS_VECS; v++) acc[c][v] = __builtin_elementwise_fma(av[v], x, acc[c][v]);
        }
    }
    if (full) {
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
            for (int v = 0; v < TS_VECS; v++) {
                vecu *out = (vecu *)(d + c * d_col + v * TS_LANES);
                *out = mode == TS_GEMM_STORE ? acc[c][v] : *out - acc[c][v];
            }
        return;
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < TS_NR; c++)
#pragma clang loop unroll(full)
        for (int v = 0; v < TS_VECS; v++) *(vec *)(tile + c * TS_MR + v * TS_LANES) = acc[c][v];
    for (int c = 0; c < cols; c++)
        for (int r = 0; r < rows; r++)
            d[r + c * d_col] = mode == TS_GEMM_STORE ? tile[c * TS_MR + r] : d[r + c * d_col] - tile[c * TS_MR + r];
}

/// Packs A(r0 + r, k0 + k), r < mc, k < kc, as MR-row slices, each kc × MR (k major), zero-padded.
TS_INLINE void TS_NAMED(ts_pack_a)(const double *A, ptrdiff_t a_row, ptrdiff_t a_k, ptrdiff_t r0, ptrdiff_t mc,
                                   ptrdiff_t k0, ptrdiff_t kc, double *restrict out) {
    for (ptrdiff_t s = 0; s < mc; s += TS_MR) {
        const ptrdiff_t rows = mc - s < TS_MR ? mc - s : TS_MR;
        double *slice = out + s * kc;
        for (ptrdiff_t k = 0; k < kc; k++) {
            const double *src = A + (r0 + s) * a_row + (k0 + k) * a_k;
            ptrdiff_t r = 0;
            for (; r < rows; r++) slice[k * TS_MR + r] = src[r * a_row];
            for (; r < TS_MR; r++) slice[k * TS_MR + r] = 0.0;
        }
    }
}

/// Packs B(k0 + k, c0 + c), k < kc, c < nc, as NR-column slices, each kc × NR (k major), zero-padded.
TS_INLINE void TS_NAMED(ts_pack_b)(const double *B, ptrdiff_t b_k, ptrdiff_t b_col, ptrdiff_t k0, ptrdiff_t kc,
                                   ptrdiff_t c0, ptrdiff_t nc, double *restrict out) {
    for (ptrdiff_t s = 0; s < nc; s += TS_NR) {
        const ptrdiff_t cols = nc - s < TS_NR ? nc - s : TS_NR;
        double *slice = out + s * kc;
        for (ptrdiff_t c = 0; c < TS_NR; c++) {
            if (c < cols) {
                const double *src = B + k0 * b_k + (c0 + s + c) * b_col;
                for (ptrdiff_t k = 0; k < kc; k++) slice[k * TS_NR + c] = src[k * b_k];
            } else {
                for (ptrdiff_t k = 0; k < kc; k++) slice[k * TS_NR + c] = 0.0;
            }
        }
    }
}

/// Rows of the K blocks of a product in `mode`: a subtracting product is not split in K, so its sums never
/// pass through D; a storing one is, in blocks of KC.
TS_INLINE ptrdiff_t TS_NAMED(ts_kc_max)(ptrdiff_t K, ts_gemm_mode mode) {
    return (mode == TS_GEMM_SUBTRACT || K <= TS_KC) ? (K > 0 ? K : 1) : TS_KC;
}

/// Doubles of the whole of A packed (ts_gemm_pack_a): each K block, an MR-padded M × kc block.
TS_INLINE size_t TS_NAMED(ts_packed_a_count)(ptrdiff_t M, ptrdiff_t K) {
    return (size_t)(ts_round_up(M, TS_MR) * (K > 0 ? K : 1));
}

/// Where the whole of A packed holds the MC block at row ic of the K block at pc (of kc rows).
TS_INLINE ptrdiff_t TS_NAMED(ts_packed_a_offset)(ptrdiff_t M, ptrdiff_t pc, ptrdiff_t ic, ptrdiff_t kc) {
    return pc * ts_round_up(M, TS_MR) + ic * kc;
}

/// ts_gemm_pack_a (CFusedGEMM.h): every block ts_gemm_body would pack, in the place it looks for it.
TS_INLINE void TS_NAMED(ts_pack_a_whole)(ptrdiff_t M, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                                         ts_gemm_mode mode, double *out) {
    const ptrdiff_t kcMax = TS_NAMED(ts_kc_max)(K, mode);
    ptrdiff_t pc = 0;
    do {
        const ptrdiff_t kc = K - pc < kcMax ? K - pc : kcMax;
        for (ptrdiff_t ic = 0; ic < M; ic += TS_MC) {
            const ptrdiff_t mc = M - ic < TS_MC ? M - ic : TS_MC;
            TS_NAMED(ts_pack_a)(A, a_row, a_k, ic, mc, pc, kc, out + TS_NAMED(ts_packed_a_offset)(M, pc, ic, kc));
        }
        pc += kc;
    } while (pc < K);
}

/// ts_gemm (CFusedGEMM.h): K blocks in increasing order, each continuing the sums the last one left in D.
/// A is packed block by block, or (packedA not NULL) was packed whole by ts_pack_a_whole.
TS_INLINE int TS_NAMED(ts_gemm_body)(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row,
                                     ptrdiff_t a_k, const double *packedA, const double *B, ptrdiff_t b_k,
                                     ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode) {
    if (M <= 0 || N <= 0) return 0;
    const ptrdiff_t kcMax = TS_NAMED(ts_kc_max)(K, mode);
    const ptrdiff_t mcMax = M < TS_MC ? ts_round_up(M, TS_MR) : ts_round_up(TS_MC, TS_MR);
    const ptrdiff_t ncMax = N < TS_NC ? ts_round_up(N, TS_NR) : ts_round_up(TS_NC, TS_NR);
    double *packA = packedA ? NULL : aligned_alloc(64, (size_t)ts_round_up(kcMax * mcMax * (ptrdiff_t)sizeof(double), 64));
    double *packB = aligned_alloc(64, (size_t)ts_round_up(kcMax * ncMax * (ptrdiff_t)sizeof(double), 64));
    if ((!packedA && !packA) || !packB) { free(packA); free(packB); return -1; }
    for (ptrdiff_t jc = 0; jc < N; jc += TS_NC) {
        const ptrdiff_t nc = N - jc < TS_NC ? N - jc : TS_NC;
        ptrdiff_t pc = 0;
        do {
            const ptrdiff_t kc = K - pc < kcMax ? K - pc : kcMax;
            // B columns already contiguous in k are read in place; others (and a last partial slice) are packed.
            const int direct = b_k == 1;
            if (!direct) TS_NAMED(ts_pack_b)(B, b_k, b_col, pc, kc, jc, nc, packB);
            for (ptrdiff_t ic = 0; ic < M; ic += TS_MC) {
                const ptrdiff_t mc = M - ic < TS_MC ? M - ic : TS_MC;
                const double *blockA = packedA ? packedA + TS_NAMED(ts_packed_a_offset)(M, pc, ic, kc) : packA;
                if (!packedA) TS_NAMED(ts_pack_a)(A, a_row, a_k, ic, mc, pc, kc, packA);
                for (ptrdiff_t jr = 0; jr < nc; jr += TS_NR) {
                    const int cols = (int)(nc - jr < TS_NR ? nc - jr : TS_NR);
                    const double *slice = packB + jr * kc;
                    if (direct && cols < TS_NR) {
                        TS_NAMED(ts_pack_b)(B, b_k, b_col, pc, kc, jc + jr, cols, packB);
                        slice = packB;
                    }
                    double *dTile = D + ic + (jc + jr) * d_col;
                    if (direct && cols == TS_NR) {
                        const double *columns = B + pc + (jc + jr) * b_col;
                        for (ptrdiff_t ir = 0; ir < mc; ir += TS_MR) {
                            const int rows = (int)(mc - ir < TS_MR ? mc - ir : TS_MR);
                            TS_NAMED(ts_micro_tile)(kc, blockA + ir * kc, columns, 1, b_col, dTile + ir, d_col, rows, cols,
                                                    pc > 0, mode);
                        }
                    } else {
                        for (ptrdiff_t ir = 0; ir < mc; ir += TS_MR) {
                            const int rows = (int)(mc - ir < TS_MR ? mc - ir : TS_MR);
                            TS_NAMED(ts_micro_tile)(kc, blockA + ir * kc, slice, TS_NR, 1, dTile + ir, d_col, rows, cols,
                                                    pc > 0, mode);
                        }
                    }
                }
            }
            pc += kc;
        } while (pc < K);
    }
    free(packA);
    free(packB);
    return 0;
}

#undef TS_VECS
#undef TS_KC
#undef TS_MC
#undef TS_NC
#undef TS_MR
#undef TS_NR
#undef TS_LANES
#undef TS_NAMED
