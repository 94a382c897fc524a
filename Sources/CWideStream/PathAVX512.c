// The AVX-512 (F, BW, DQ, VL) build of WideStream.h: 64 lanes, four zmm registers per operation (measured on
// Zen 4, one core, values in cache: 32 lanes gave 9.0 / 3.5 / 3.1 GB/s for the uniform / normal / truncated
// normal, 64 lanes 10.0 / 4.15 / 3.7, 128 lanes 7.9 / 3.4 / 3.6).
#if defined(__x86_64__)
#define TS_LANES 64
#define TS_PATH(name) name##_avx512
// min_vector_width(512): the operations stay zmm operations (not split in ymm halves).
#define TS_TARGET __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"), min_vector_width(512)))
#include "WideStream.h"
#endif
