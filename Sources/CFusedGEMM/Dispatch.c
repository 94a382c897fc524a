// The builds of Kernels.h and the run-time choice between them (CFusedGEMM.h).
#pragma clang fp contract(off)
#include "Kernels.h"
#include <stdatomic.h>

#if defined(__x86_64__) || defined(__i386__)
#define TS_HAVE_X86_BUILDS 1
#define TS_AVX2 __attribute__((target("avx2,fma")))
#define TS_AVX512 __attribute__((target("avx512f,avx512dq,avx512vl,fma"), min_vector_width(512)))

/// The 32 × 6 shape for AVX-512: 24 accumulators of 8 doubles, 4 loaded A vectors and 1 broadcast within
/// the 32 registers; per k, 24 fmas for 4 loads and 6 broadcasts. Six columns of B are read in place, as
/// in the 8 × 6 shape (twelve, a leading dimension of often a multiple of 4 KiB apart, would share more L1
/// sets than it has ways; 16 × 12 and 24 × 8 tiles measured slower on AMD Zen 4). A KC × MC block of
/// packed A (512 KiB) stays in L2; KC 512 measured faster than 256 for W = VᵀC, whose M is only 64.
#define TS_MR 32
#define TS_NR 6
#define TS_LANES 8
#define TS_KC 512
#define TS_MC 128
#define TS_NC 1536
#define TS_NAMED(x) x##_32x6
#include "GEMMTemplate.h"

TS_AVX2 static int ts_gemm_avx2(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                                const double *packedA, const double *B, ptrdiff_t b_k, ptrdiff_t b_col, double *D,
                                ptrdiff_t d_col, ts_gemm_mode mode) {
    return ts_gemm_body_8x6(M, N, K, A, a_row, a_k, packedA, B, b_k, b_col, D, d_col, mode);
}
TS_AVX2 static void ts_pack_a_avx2(ptrdiff_t M, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                                   ts_gemm_mode mode, double *out) {
    ts_pack_a_whole_8x6(M, K, A, a_row, a_k, mode, out);
}
TS_AVX2 static double ts_sum_of_squares_avx2(const double *x, ptrdiff_t n) { return ts_sum_of_squares_body(x, n); }
TS_AVX2 static void ts_reflect_avx2(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc, ptrdiff_t count) {
    ts_reflect_body(v, n, beta, C, ldc, count);
}
TS_AVX512 static int ts_gemm_avx512(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row,
                                    ptrdiff_t a_k, const double *packedA, const double *B, ptrdiff_t b_k, ptrdiff_t b_col,
                                    double *D, ptrdiff_t d_col, ts_gemm_mode mode) {
    return ts_gemm_body_32x6(M, N, K, A, a_row, a_k, packedA, B, b_k, b_col, D, d_col, mode);
}
TS_AVX512 static void ts_pack_a_avx512(ptrdiff_t M, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                                       ts_gemm_mode mode, double *out) {
    ts_pack_a_whole_32x6(M, K, A, a_row, a_k, mode, out);
}
TS_AVX512 static double ts_sum_of_squares_avx512(const double *x, ptrdiff_t n) { return ts_sum_of_squares_body(x, n); }
TS_AVX512 static void ts_reflect_avx512(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc,
                                        ptrdiff_t count) {
    ts_reflect_body(v, n, beta, C, ldc, count);
}

/// Bit v set: variant v runs on this processor (and its registers are enabled by the operating system,
/// which __builtin_cpu_supports checks through XCR0). Threads may race to fill the cache; they all store
/// the same answer, atomically.
static int ts_supported_variants(void) {
    static _Atomic int known = -1;
    int answer = atomic_load_explicit(&known, memory_order_relaxed);
    if (answer < 0) {
        __builtin_cpu_init();
        answer = 1 << TS_KERNELS_PORTABLE;
        if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) {
            answer |= 1 << TS_KERNELS_AVX2;
            if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                __builtin_cpu_supports("avx512vl"))
                answer |= 1 << TS_KERNELS_AVX512;
        }
        atomic_store_explicit(&known, answer, memory_order_relaxed);
    }
    return answer;
}
#else
#define TS_HAVE_X86_BUILDS 0
static int ts_supported_variants(void) { return 1 << TS_KERNELS_PORTABLE; }
#endif

int ts_kernels_supported(ts_kernels_variant variant) {
    if (variant == TS_KERNELS_BEST) return 1;
    return variant >= TS_KERNELS_PORTABLE && variant <= TS_KERNELS_AVX512 && (ts_supported_variants() >> variant) & 1;
}

/// The variant that runs: BEST becomes the widest supported; one this processor lacks becomes PORTABLE.
static ts_kernels_variant ts_resolve(ts_kernels_variant variant) {
    const int supported = ts_supported_variants();
    if (variant == TS_KERNELS_BEST)
        return (supported >> TS_KERNELS_AVX512) & 1 ? TS_KERNELS_AVX512
             : (supported >> TS_KERNELS_AVX2) & 1   ? TS_KERNELS_AVX2
                                                    : TS_KERNELS_PORTABLE;
    return ts_kernels_supported(variant) ? variant : TS_KERNELS_PORTABLE;
}

/// ts_gemm or, with packedA, ts_gemm_prepacked.
static int ts_gemm_any(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
                       const double *packedA, const double *B, ptrdiff_t b_k, ptrdiff_t b_col, double *D,
                       ptrdiff_t d_col, ts_gemm_mode mode, ts_kernels_variant variant) {
#if TS_HAVE_X86_BUILDS
    switch (ts_resolve(variant)) {
    case TS_KERNELS_AVX512: return ts_gemm_avx512(M, N, K, A, a_row, a_k, packedA, B, b_k, b_col, D, d_col, mode);
    case TS_KERNELS_AVX2: return ts_gemm_avx2(M, N, K, A, a_row, a_k, packedA, B, b_k, b_col, D, d_col, mode);
    default: break;
    }
#endif
    return ts_gemm_body_8x6(M, N, K, A, a_row, a_k, packedA, B, b_k, b_col, D, d_col, mode);
}

int ts_gemm(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k,
            const double *B, ptrdiff_t b_k, ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode,
            ts_kernels_variant variant) {
    return ts_gemm_any(M, N, K, A, a_row, a_k, NULL, B, b_k, b_col, D, d_col, mode, variant);
}

size_t ts_gemm_packed_a_count(ptrdiff_t M, ptrdiff_t K, ts_kernels_variant variant) {
#if TS_HAVE_X86_BUILDS
    if (ts_resolve(variant) == TS_KERNELS_AVX512) return ts_packed_a_count_32x6(M, K);
#endif
    (void)variant;
    return ts_packed_a_count_8x6(M, K);
}

void ts_gemm_pack_a(ptrdiff_t M, ptrdiff_t K, const double *A, ptrdiff_t a_row, ptrdiff_t a_k, ts_gemm_mode mode,
                    double *out, ts_kernels_variant variant) {
    if (M <= 0) return;
#if TS_HAVE_X86_BUILDS
    switch (ts_resolve(variant)) {
    case TS_KERNELS_AVX512: ts_pack_a_avx512(M, K, A, a_row, a_k, mode, out); return;
    case TS_KERNELS_AVX2: ts_pack_a_avx2(M, K, A, a_row, a_k, mode, out); return;
    default: break;
    }
#endif
    ts_pack_a_whole_8x6(M, K, A, a_row, a_k, mode, out);
}

int ts_gemm_prepacked(ptrdiff_t M, ptrdiff_t N, ptrdiff_t K, const double *packedA, const double *B, ptrdiff_t b_k,
                      ptrdiff_t b_col, double *D, ptrdiff_t d_col, ts_gemm_mode mode, ts_kernels_variant variant) {
    return ts_gemm_any(M, N, K, NULL, 0, 0, packedA, B, b_k, b_col, D, d_col, mode, variant);
}

double ts_sum_of_squares(const double *x, ptrdiff_t n, ts_kernels_variant variant) {
#if TS_HAVE_X86_BUILDS
    switch (ts_resolve(variant)) {
    case TS_KERNELS_AVX512: return ts_sum_of_squares_avx512(x, n);
    case TS_KERNELS_AVX2: return ts_sum_of_squares_avx2(x, n);
    default: break;
    }
#endif
    return ts_sum_of_squares_body(x, n);
}

void ts_reflect(const double *v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc, ptrdiff_t count,
                ts_kernels_variant variant) {
#if TS_HAVE_X86_BUILDS
    switch (ts_resolve(variant)) {
    case TS_KERNELS_AVX512: ts_reflect_avx512(v, n, beta, C, ldc, count); return;
    case TS_KERNELS_AVX2: ts_reflect_avx2(v, n, beta, C, ldc, count); return;
    default: break;
    }
#endif
    ts_reflect_body(v, n, beta, C, ldc, count);
}

const char *ts_kernels_best_name(void) {
    switch (ts_resolve(TS_KERNELS_BEST)) {
    case TS_KERNELS_AVX512: return "avx512";
    case TS_KERNELS_AVX2: return "avx2+fma";
    default: return "portable";
    }
}
