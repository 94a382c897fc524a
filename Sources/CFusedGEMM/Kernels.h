// The bodies of the kernels, written once and compiled three times by Dispatch.c: for AVX-512, for
// AVX2 + FMA and for the baseline of the host (where a vector fma becomes C `fma` calls); the product's
// body (GEMMTemplate.h) in two micro-tile shapes. Every element is the same chain of fused multiply-adds
// in all of them, so all give the same bits (CFusedGEMM.h).
#ifndef TENSORSEED_KERNELS_H
#define TENSORSEED_KERNELS_H
#pragma clang fp contract(off)
#include "CFusedGEMM.h"
#include <stdlib.h>
#include <string.h>

#define TS_INLINE static inline __attribute__((always_inline))

static inline ptrdiff_t ts_round_up(ptrdiff_t x, ptrdiff_t m) { return (x + m - 1) / m * m; }

/// The 8 × 6 shape (AVX2 and the portable build): 12 accumulators of 4 doubles, which with the 2 loaded
/// A vectors and 1 broadcast fit the 16 AVX2 registers. Cache blocking: a KC × MC block of packed A
/// (256 KiB) stays in L2, a KC × NR slice of B (12 KiB) in L1, NC columns of packed B (3 MiB) in L3.
#define TS_MR 8
#define TS_NR 6
#define TS_LANES 4
#define TS_KC 256
#define TS_MC 128
#define TS_NC 1536
#define TS_NAMED(x) x##_8x6
#include "GEMMTemplate.h"

/// ts_sum_of_squares (CFusedGEMM.h).
TS_INLINE double ts_sum_of_squares_body(const double *x, ptrdiff_t n) {
    double s = 0.0;
    for (ptrdiff_t i = 0; i < n; i++) s = __builtin_fma(x[i], x[i], s);
    return s;
}

/// y ← y + t·v, one fma per element (the second half of ts_reflect for one column).
TS_INLINE void ts_reflect_update(const double *restrict v, ptrdiff_t n, double t, double *restrict y) {
    for (ptrdiff_t i = 0; i < n; i++) y[i] = __builtin_fma(t, v[i], y[i]);
}

/// ts_reflect for `width` columns at once, so that their dot-product chains (each one fma after another,
/// 4 cycles apart on current x86) run side by side: eight fill both fma units.
TS_INLINE void ts_reflect_columns(const double *restrict v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc,
                                  const int width) {
    double d[8] = {0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0};
    for (ptrdiff_t i = 0; i < n; i++) {
        const double x = v[i];
#pragma clang loop unroll(full)
        for (int c = 0; c < 8; c++)
            if (c < width) d[c] = __builtin_fma(x, C[c * ldc + i], d[c]);
    }
#pragma clang loop unroll(full)
    for (int c = 0; c < 8; c++)
        if (c < width) ts_reflect_update(v, n, -(beta * d[c]), C + c * ldc);
}

/// ts_reflect (CFusedGEMM.h): eight columns at a time, then four, then one.
TS_INLINE void ts_reflect_body(const double *restrict v, ptrdiff_t n, double beta, double *C, ptrdiff_t ldc,
                               ptrdiff_t count) {
    ptrdiff_t j = 0;
    for (; j + 8 <= count; j += 8) ts_reflect_columns(v, n, beta, C + j * ldc, ldc, 8);
    for (; j + 4 <= count; j += 4) ts_reflect_columns(v, n, beta, C + j * ldc, ldc, 4);
    for (; j < count; j++) ts_reflect_columns(v, n, beta, C + j * ldc, ldc, 1);
}
#endif
