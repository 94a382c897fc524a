// The two builds of Kernels.h and the run-time choice between them (CFusedGEMM.h).
#pragma clang fp contract(off)
#include "Kernels.h"
#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#define TS_HAVE_AVX2_BUILD 1
#define TS_AVX2 __attribute__((target("avx2,fma")))

TS_AVX2 static int ts_gemm_avx2(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                                const double *B, ptrdiff_t b_k, ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode) {
    return ts_gemm_body(M, N, K, A, a_row, a_k, B, b_k, b_col, D, d_col, mode);
}
TS_AVX2 static double ts_sum_of_squares_avx2(const double *x, ptrdiff_t n) { return ts_sum_of_squares_body(x, n); }
TS_AVX2 static void ts_reflect_avx2(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc, ptrdiff_t count) {
    ts_reflect_body(v, n, beta, C, ldc, count);
}

/// AVX2 and FMA both present (and enabled by the OS, which the CPU-model check covers). Threads may race
/// to fill the cache; they all store the same answer, atomically.
static int ts_has_avx2_fma(void) {
    static _Atomic int known = -1;
    int answer = atomic_load_explicit(&known, memory_order_relaxed);
    if (answer < 0) {
        __builtin_cpu_init();
        answer = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
        atomic_store_explicit(&known, answer, memory_order_relaxed);
    }
    return answer;
}
#else
#define TS_HAVE_AVX2_BUILD 0
static int ts_has_avx2_fma(void) { return 0; }
#endif

static int ts_use_fast(ts_kernels_variant variant) { return TS_HAVE_AVX2_BUILD && variant == TS_KERNELS_BEST && ts_has_avx2_fma(); }

int ts_gemm(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
            const double *B, ptrdiff_t b_k, ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode,
            ts_kernels_variant variant) {
#if TS_HAVE_AVX2_BUILD
    if (ts_use_fast(variant)) return ts_gemm_avx2(M, N, K, A, a_row, a_k, B, b_k, b_col, D, d_col, mode);
#endif
    return ts_gemm_body(M, N, K, A, a_row, a_k, B, b_k, b_col, D, d_col, mode);
}

double ts_sum_of_squares(const double *x, ptrdiff_t n, ts_kernels_variant variant) {
#if TS_HAVE_AVX2_BUILD
    if (ts_use_fast(variant)) return ts_sum_of_squares_avx2(x, n);
#endif
    return ts_sum_of_squares_body(x, n);
}

void ts_reflect(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc, ptrdiff_t count,
                ts_kernels_variant variant) {
#if TS_HAVE_AVX2_BUILD
    if (ts_use_fast(variant)) { ts_reflect_avx2(v, n, beta, C, ldc, count); return; }
#endif
    ts_reflect_body(v, n, beta, C, ldc, count);
}

const char *ts_kernels_best_name(void) { return ts_use_fast(TS_KERNELS_BEST) ? "avx2+fma" : "portable"; }
