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
