// CFusedGEMM: the float64 kernels of the orthogonal scheme's blocked Householder QR (SPEC.md 7.4).
//
// Every result is defined element by element as a chain of fused multiply-adds (IEEE 754
// fusedMultiplyAdd, one rounding each) in increasing index order, starting from +0. Tiling,
// vector width, packing and threads only change which element is computed where, never the
// operations that make it, so the fast paths (AVX-512 and AVX2 + FMA, chosen at run time) and the
// portable path (C `fma`, any IEEE host) give the same bits; the test suite runs each and compares them.
#ifndef TENSORSEED_CFUSEDGEMM_H
#define TENSORSEED_CFUSEDGEMM_H
#include <stddef.h>

/// Which implementation runs.
typedef enum {
    /// The fastest one this processor supports (AVX-512, else AVX2 + FMA, on x86-64 when present).
    TS_KERNELS_BEST = 0,
    /// The portable one: the same operations through C `fma`, on any host.
    TS_KERNELS_PORTABLE = 1,
    /// AVX2 + FMA, 8 × 6 micro-tiles (x86-64). Runs the portable one where the processor lacks it.
    TS_KERNELS_AVX2 = 2,
    /// AVX-512 (F, DQ, VL), 16 × 12 micro-tiles (x86-64). Runs the portable one where the processor lacks it.
    TS_KERNELS_AVX512 = 3,
} ts_kernels_variant;

/// 1 if `variant` runs as itself on this processor (BEST and PORTABLE always do), else 0.
int ts_kernels_supported(ts_kernels_variant variant);

/// What `ts_gemm` does with each sum s: store it, or subtract it from what is there.
typedef enum {
    TS_GEMM_STORE = 0,
    TS_GEMM_SUBTRACT = 1,
} ts_gemm_mode;

/// D(r, c) = s or D(r, c) − s for r < M, c < N, where s = Σ_{k<K} A(r, k)·B(k, c) as the chain
/// s = +0; s = fma(A(r, k), B(k, c), s) for k = 0, 1, …, K − 1.
/// A(r, k) = A[r·a_row + k·a_k], B(k, c) = B[k·b_k + c·b_col], D(r, c) = D[r + c·d_col].
/// D must not overlap A or B. Returns 0, or −1 if scratch memory could not be allocated
/// (D is then unchanged).
int ts_gemm(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K,
            const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
            const double *B, ptrdiff_t b_k, ptrdiff_t b_col,
            double *D, ptrdiff_t d_col, ts_gemm_mode mode, ts_kernels_variant variant);

/// Doubles `ts_gemm_pack_a` writes for an M × K matrix A (with this variant's micro-tile shape).
size_t ts_gemm_packed_a_count(ptrdiff_t M, ptrdiff_t K, ts_kernels_variant variant);

/// Copies A (as in ts_gemm) into `out` (ts_gemm_packed_a_count doubles) in the order the micro-tiles of
/// `variant` read it, for several `ts_gemm_prepacked` calls that share A (column groups of one product).
void ts_gemm_pack_a(ptrdiff_t M, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k, ts_gemm_mode mode,
                    double *out, ts_kernels_variant variant);

/// ts_gemm with A already packed by ts_gemm_pack_a (the same M, K, mode and variant): the same bits.
int ts_gemm_prepacked(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *packedA, const double *B, ptrdiff_t b_k,
                      ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode, ts_kernels_variant variant);

/// Σ x_i² over i < n as the chain s = +0; s = fma(x_i, x_i, s).
double ts_sum_of_squares(const double *x, ptrdiff_t n, ts_kernels_variant variant);

/// Applies the reflection I − beta·v·vᵀ to `count` columns y = C + j·ldc (j < count), each of length n:
/// d = +0; d = fma(v_i, y_i, d) for i < n; t = beta·d; y_i = fma(−t, v_i, y_i) for i < n.
void ts_reflect(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc, ptrdiff_t count,
                ts_kernels_variant variant);

/// The name of the implementation TS_KERNELS_BEST selects on this processor ("avx512", "avx2+fma" or "portable").
const char *ts_kernels_best_name(void);

#endif
