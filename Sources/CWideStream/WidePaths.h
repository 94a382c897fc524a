// The entry points of one build of WideStream.h (PathAVX2.c, PathAVX512.c), declared for Dispatch.c and for
// the builds themselves (which define them at the end of WideStream.h), so both sides agree on every signature.
#ifndef TENSORSEED_WIDEPATHS_H
#define TENSORSEED_WIDEPATHS_H
#include <stddef.h>
#include <stdint.h>

#define TS_DECLARE_PATH(suffix)                                                                                     \
    void ts_fill_uniform_##suffix(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float low,          \
                                  float high, float *out);                                                          \
    void ts_fill_normal_##suffix(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean,          \
                                 float std, float *out);                                                            \
    void ts_fill_truncated_normal_##suffix(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean, \
                                           float std, float low, float high, float erf_low, float erf_width,        \
                                           float *out);                                                             \
    void ts_float16_bits_##suffix(const float *in, uint16_t *out, size_t n);                                        \
    void ts_bfloat16_bits_##suffix(const float *in, uint16_t *out, size_t n);                                       \
    float ts_contraction_probe_##suffix(float a, float b, float c);

TS_DECLARE_PATH(avx2)
TS_DECLARE_PATH(avx512)

#endif
