// CWideStream: the CPU engine's hot loops (Philox4x32-10, the uniform, normal and truncated normal
// transforms, float16/bfloat16 conversion) compiled for AVX2 and for AVX-512 and chosen at run time.
//
// Why C: Swift cannot compile one function for a wider instruction set than the rest of the module
// (there is no per-function target attribute), and raising the whole module's baseline would make the
// binary fail on older processors. Clang's `__attribute__((target))` does exactly that per function.
//
// Every function mirrors, operation for operation and with the same name, the Swift in
// Sources/TensorSeed/Stream (which stays the definition, and is the baseline path): the same bits on
// every path, checked by CPUPathIdentityTests. Contraction of a * b + c into an fma is off
// (`#pragma clang fp contract(off)` in WideStream.h; clang's default for C would fuse under these targets).
#ifndef TENSORSEED_CWIDESTREAM_H
#define TENSORSEED_CWIDESTREAM_H
#include <stddef.h>
#include <stdint.h>

/// An instruction-set path of the CPU engine. The baseline is the Swift code itself, not this library.
typedef enum {
    TS_PATH_BASELINE = 0,
    TS_PATH_AVX2 = 1,
    /// AVX-512 F, BW, DQ and VL.
    TS_PATH_AVX512 = 2,
} ts_cpu_path;

/// Whether this processor (and its operating system) supports `path`; checked from CPUID once.
int ts_wide_path_supported(ts_cpu_path path);

/// Writes the 32·groups float32 values of groups first ..< first + groups of the stream (seed, stream)
/// in U(low, high), N(mean, std), or the truncated normal (whose host-side erf parameters are given),
/// to out. Returns 0, or -1 if `path` is not built or not supported here (nothing written).
int ts_wide_fill_uniform(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                         float low, float high, float *out);
int ts_wide_fill_normal(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                        float mean, float std, float *out);
int ts_wide_fill_truncated_normal(ts_cpu_path path, uint64_t seed, uint64_t stream, uint64_t first, size_t groups,
                                  float mean, float std, float low, float high, float erf_low, float erf_width,
                                  float *out);

/// float16 (bfloat16) bit patterns of n float32 values, little-endian. Returns 0, or -1 as above.
int ts_wide_float16_bits(ts_cpu_path path, const float *in, uint16_t *out, size_t n);
int ts_wide_bfloat16_bits(ts_cpu_path path, const float *in, uint16_t *out, size_t n);

/// a · b + c written as in the kernels, compiled under `path`'s target attribute: the test that
/// contraction stays off (it must equal the product rounded, then the sum rounded). -1 if not built.
float ts_wide_contraction_probe(ts_cpu_path path, float a, float b, float c);

#endif
