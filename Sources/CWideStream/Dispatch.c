// The run-time choice between the builds of WideStream.h (PathAVX2.c; PathAVX512.c: AVX-512 F/BW/DQ/VL), CWideStream.h.
#include "CWideStream.h"
#include "WidePaths.h"
#include <stdatomic.h>

#if defined(__x86_64__)
#define TS_WIDE_BUILT 1
/// Bit i set: path i is supported (bit 0, the baseline, always). Computed once; threads racing to fill the
/// cache all store the same answer, atomically. __builtin_cpu_supports also checks that the operating
/// system saves the wider registers (XCR0).
static int ts_supported_paths(void) {
    static _Atomic int known = -1;
    int answer = atomic_load_explicit(&known, memory_order_relaxed);
    if (answer < 0) {
        __builtin_cpu_init();
        answer = 1 << TS_PATH_BASELINE;
        if (__builtin_cpu_supports("avx2")) answer |= 1 << TS_PATH_AVX2;
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
            __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl"))
            answer |= 1 << TS_PATH_AVX512;
        atomic_store_explicit(&known, answer, memory_order_relaxed);
    }
    return answer;
}
#else
#define TS_WIDE_BUILT 0
static int ts_supported_paths(void) { return 1 << TS_PATH_BASELINE; }
#endif

int ts_wide_path_supported(ts_cpu_path path) {
    return path >= TS_PATH_BASELINE && path <= TS_PATH_AVX512 && (ts_supported_paths() >> path) & 1;
}

/// Runs the build of `path`: `ts_name_avx2(args)` or `ts_name_avx512(args)`; -1 for any other path.
#if TS_WIDE_BUILT
#define TS_DISPATCH(path, call_avx2, call_avx512)                                              \
    if (path == TS_PATH_AVX512 && ts_wide_path_supported(path)) { call_avx512; return 0; }    \
    if (path == TS_PATH_AVX2 && ts_wide_path_supported(path)) { call_avx2; return 0; }        \
    return -1;
#else
#define TS_DISPATCH(path, call_avx2, call_avx512) (void)path; return -1;
#endif

int ts_wide_fill_uniform(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                         float low, float high, float *out) {
    TS_DISPATCH(path, ts_fill_uniform_avx2(seed, stream, first, groups, low, high, out),
                ts_fill_uniform_avx512(seed, stream, first, groups, low, high, out))
}

int ts_wide_fill_normal(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                        float mean, float std, float *out) {
    TS_DISPATCH(path, ts_fill_normal_avx2(seed, stream, first, groups, mean, std, out),
                ts_fill_normal_avx512(seed, stream, first, groups, mean, std, out))
}

int ts_wide_fill_truncated_normal(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                                  float mean, float std, float low, float high, float erf_low, float erf_width,
                                  float *out) {
    TS_DISPATCH(path, ts_fill_truncated_normal_avx2(seed, stream, first, groups, mean, std, low, high, erf_low, erf_width, out),
                ts_fill_truncated_normal_avx512(seed, stream, first, groups, mean, std, low, high, erf_low, erf_width, out))
}

int ts_wide_float16_bits(ts_cpu_path path, const float *in, uint16_t *out, size_t n) {
    TS_DISPATCH(path, ts_float16_bits_avx2(in, out, n), ts_float16_bits_avx512(in, out, n))
}

int ts_wide_bfloat16_bits(ts_cpu_path path, const float *in, uint16_t *out, size_t n) {
    TS_DISPATCH(path, ts_bfloat16_bits_avx2(in, out, n), ts_bfloat16_bits_avx512(in, out, n))
}

float ts_wide_contraction_probe(ts_cpu_path path, float a, float b, float c) {
    float result = -1;
    (void)a; (void)b; (void)c;
#if TS_WIDE_BUILT
    if (path == TS_PATH_AVX512 && ts_wide_path_supported(path)) result = ts_contraction_probe_avx512(a, b, c);
    if (path == TS_PATH_AVX2 && ts_wide_path_supported(path)) result = ts_contraction_probe_avx2(a, b, c);
#endif
    (void)path;
    return result;
}
