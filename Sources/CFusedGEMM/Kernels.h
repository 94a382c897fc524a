// The bodies of the kernels, written once and compiled twice by Dispatch.c: once for AVX2 + FMA and
// once for the baseline of the host (where a vector fma becomes C `fma` calls). Every element is
// the same chain of fused multiply-adds in both, so both give the same bits (CFusedGEMM.h).
#ifndef TENSORSEED_KERNELS_H
#define TENSORSEED_KERNELS_H
#pragma clang fp contract(off)
#include "CFusedGEMM.h"
#include <stdlib.h>
#include <string.h>

/// Rows of a micro-tile (two vectors of four doubles) and its columns: 12 accumulators of 4 doubles,
/// which with the 2 loaded A vectors and 1 broadcast fit the 16 AVX2 registers.
#define TS_MR 8
#define TS_NR 6
/// Cache blocking: a KC × MC block of packed A (256 KiB) stays in L2, a KC × NR slice of packed B
/// (12 KiB) in L1, NC columns of packed B (3 MiB) in L3. Sizes change speed only, never bits.
#define TS_KC 256
#define TS_MC 128
#define TS_NC 1536

typedef double ts_v4 __attribute__((vector_size(32)));
typedef double ts_v4u __attribute__((vector_size(32), aligned(8)));

#define TS_INLINE static inline __attribute__((always_inline))

/// D tile (rows × cols valid of MR × NR) from packed a (kc × MR) and B(k, c) = b[k·bk + c·bc]: a packed
/// slice (bk = NR, bc = 1) or NR columns of B read in place (bk = 1). The sums start from +0, or
/// (resume) from the partial sums already in D (a later K block of a stored product).
TS_INLINE void ts_micro_tile(ptrdiff_t kc, const double *restrict a, const double *restrict b, ptrdiff_t bk, ptrdiff_t bc,
                             double *restrict d, ptrdiff_t d_col, int rows, int cols,
                             int resume, ts_gemm_mode mode) {
    double tile[TS_MR * TS_NR] __attribute__((aligned(32)));
    const int full = rows == TS_MR && cols == TS_NR;
    ts_v4 acc[TS_NR][2];
    if (resume) {
        for (int c = 0; c < TS_NR; c++)
            for (int r = 0; r < TS_MR; r++) tile[c * TS_MR + r] = (r < rows && c < cols) ? d[r + c * d_col] : 0.0;
        for (int c = 0; c < TS_NR; c++) {
            acc[c][0] = *(const ts_v4 *)(tile + c * TS_MR);
            acc[c][1] = *(const ts_v4 *)(tile + c * TS_MR + 4);
        }
    } else {
        for (int c = 0; c < TS_NR; c++) { acc[c][0] = (ts_v4){0, 0, 0, 0}; acc[c][1] = (ts_v4){0, 0, 0, 0}; }
    }
    for (ptrdiff_t k = 0; k < kc; k++) {
        const ts_v4 a0 = *(const ts_v4 *)(a + k * TS_MR);
        const ts_v4 a1 = *(const ts_v4 *)(a + k * TS_MR + 4);
#pragma clang loop unroll(full)
        for (int c = 0; c < TS_NR; c++) {
            const double x = b[k * bk + c * bc];
            const ts_v4 bc = {x, x, x, x};
            acc[c][0] = __builtin_elementwise_fma(a0, bc, acc[c][0]);
            acc[c][1] = __builtin_elementwise_fma(a1, bc, acc[c][1]);
        }
    }
    if (full && mode == TS_GEMM_STORE) {
        for (int c = 0; c < TS_NR; c++) {
            *(ts_v4u *)(d + c * d_col) = acc[c][0];
            *(ts_v4u *)(d + c * d_col + 4) = acc[c][1];
        }
        return;
    }
    if (full) {
        for (int c = 0; c < TS_NR; c++) {
            *(ts_v4u *)(d + c * d_col) = *(ts_v4u *)(d + c * d_col) - acc[c][0];
            *(ts_v4u *)(d + c * d_col + 4) = *(ts_v4u *)(d + c * d_col + 4) - acc[c][1];
        }
        return;
    }
    for (int c = 0; c < TS_NR; c++) {
        *(ts_v4 *)(tile + c * TS_MR) = acc[c][0];
        *(ts_v4 *)(tile + c * TS_MR + 4) = acc[c][1];
    }
    for (int c = 0; c < cols; c++)
        for (int r = 0; r < rows; r++)
            d[r + c * d_col] = mode == TS_GEMM_STORE ? tile[c * TS_MR + r] : d[r + c * d_col] - tile[c * TS_MR + r];
}

/// Packs A(r0 + r, k0 + k), r < mc, k < kc, as MR-row slices, each kc × MR (k major), zero-padded.
TS_INLINE void ts_pack_a(const double *A, ptrdiff_t a_row, ptrdiff_t a_k, ptrdiff_t r0, ptrdiff_t mc,
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
TS_INLINE void ts_pack_b(const double *B, ptrdiff_t b_k, ptrdiff_t b_col, ptrdiff_t k0, ptrdiff_t kc,
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

static inline ptrdiff_t ts_round_up(ptrdiff_t x, ptrdiff_t m) { return (x + m - 1) / m * m; }

/// ts_gemm (CFusedGEMM.h): K blocks in increasing order, each continuing the sums the last one
/// left in D; a subtracting product is not split in K, so its sums never pass through D.
TS_INLINE int ts_gemm_body(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K,
                           const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                           const double *B, ptrdiff_t b_k, ptrdiff_t b_col,
                           double *D, ptrdiff_t d_col, ts_gemm_mode mode) {
    if (M <= 0 || N <= 0) return 0;
    const ptrdiff_t kcMax = (mode == TS_GEMM_SUBTRACT || K <= TS_KC) ? (K > 0 ? K : 1) : TS_KC;
    const ptrdiff_t mcMax = M < TS_MC ? ts_round_up(M, TS_MR) : TS_MC;
    const ptrdiff_t ncMax = N < TS_NC ? ts_round_up(N, TS_NR) : TS_NC;
    double *packA = aligned_alloc(64, (size_t)ts_round_up(kcMax * mcMax * (ptrdiff_t)sizeof(double), 64));
    double *packB = aligned_alloc(64, (size_t)ts_round_up(kcMax * ncMax * (ptrdiff_t)sizeof(double), 64));
    if (!packA || !packB) { free(packA); free(packB); return -1; }
    for (ptrdiff_t jc = 0; jc < N; jc += TS_NC) {
        const ptrdiff_t nc = N - jc < TS_NC ? N - jc : TS_NC;
        ptrdiff_t pc = 0;
        do {
            const ptrdiff_t kc = K - pc < kcMax ? K - pc : kcMax;
            // B columns already contiguous in k are read in place; others (and a last partial slice) are packed.
            const int direct = b_k == 1;
            if (!direct) ts_pack_b(B, b_k, b_col, pc, kc, jc, nc, packB);
            for (ptrdiff_t ic = 0; ic < M; ic += TS_MC) {
                const ptrdiff_t mc = M - ic < TS_MC ? M - ic : TS_MC;
                ts_pack_a(A, a_row, a_k, ic, mc, pc, kc, packA);
                for (ptrdiff_t jr = 0; jr < nc; jr += TS_NR) {
                    const int cols = (int)(nc - jr < TS_NR ? nc - jr : TS_NR);
                    const double *slice = packB + jr * kc;
                    if (direct && cols < TS_NR) {
                        ts_pack_b(B, b_k, b_col, pc, kc, jc + jr, cols, packB);
                        slice = packB;
                    }
                    double *dTile = D + ic + (jc + jr) * d_col;
                    if (direct && cols == TS_NR) {
                        const double *columns = B + pc + (jc + jr) * b_col;
                        for (ptrdiff_t ir = 0; ir < mc; ir += TS_MR) {
                            const int rows = (int)(mc - ir < TS_MR ? mc - ir : TS_MR);
                            ts_micro_tile(kc, packA + ir * kc, columns, 1, b_col, dTile + ir, d_col, rows, cols, pc > 0, mode);
                        }
                    } else {
                        for (ptrdiff_t ir = 0; ir < mc; ir += TS_MR) {
                            const int rows = (int)(mc - ir < TS_MR ? mc - ir : TS_MR);
                            ts_micro_tile(kc, packA + ir * kc, slice, TS_NR, 1, dTile + ir, d_col, rows, cols, pc > 0, mode);
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

/// ts_sum_of_squares (CFusedGEMM.h).
TS_INLINE double ts_sum_of_squares_body(const double *x, ptrdiff_t n) {
    double s = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) s = __builtin_fma(x[i], x[i], s);
    return s;
}

/// ts_reflect (CFusedGEMM.h): four columns at a time, so their dot-product chains run side by side.
TS_INLINE void ts_reflect_body(const double *restrict v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc,
                               ptrdiff_t count) {
    ptrdiff_t j = 0;
    for (; j + 4 <= count; j += 4) {
        double *restrict y0 = C + j * ldc, *restrict y1 = y0 + ldc, *restrict y2 = y1 + ldc, *restrict y3 = y2 + ldc;
        double d0 = 0.0, d1 = 0.0, d2 = 0.0, d3 = 0.0;
        for (ptrdiff_t i = 0; i < n; i++) {
            d0 = __builtin_fma(v[i], y0[i], d0);
            d1 = __builtin_fma(v[i], y1[i], d1);
            d2 = __builtin_fma(v[i], y2[i], d2);
            d3 = __builtin_fma(v[i], y3[i], d3);
        }
        const double t0 = -(beta * d0), t1 = -(beta * d1), t2 = -(beta * d2), t3 = -(beta * d3);
        for (ptrdiff_t i = 0; i < n; i++) {
            y0[i] = __builtin_fma(t0, v[i], y0[i]);
            y1[i] = __builtin_fma(t1, v[i], y1[i]);
            y2[i] = __builtin_fma(t2, v[i], y2[i]);
            y3[i] = __builtin_fma(t3, v[i], y3[i]);
        }
    }
    for (; j < count; j++) {
        double *restrict y = C + j * ldc;
        double d = 0.0;
        for (ptrdiff_t i = 0; i < n; i++) d = __builtin_fma(v[i], y[i], d);
        const double t = -(beta * d);
        for (ptrdiff_t i = 0; i < n; i++) y[i] = __builtin_fma(t, v[i], y[i]);
    }
}
#endif
