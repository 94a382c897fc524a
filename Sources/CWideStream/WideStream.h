// The bodies of the wide paths, written once on clang's vector types and compiled twice by Dispatch.c
// (for AVX2 and for AVX-512): sixteen float32 lanes become two ymm or one zmm register per operation.
// Each function mirrors the Swift function of the same name in Sources/TensorSeed/Stream, with the same
// operations in the same order (CWideStream.h says why this is C).
#ifndef TENSORSEED_WIDESTREAM_H
#define TENSORSEED_WIDESTREAM_H
// No fused multiply-add: clang's default for C contracts a * b + c within an expression, and both
// targets below have FMA. Kept off for the whole file (ts_wide_contraction_probe tests it).
#pragma clang fp contract(off)
#include "CWideStream.h"
// The helpers below pass 512-bit vectors by value; they are always inlined into the target-attributed
// functions of Dispatch.c, so no call with the ABI this warns about is ever made.
#pragma clang diagnostic ignored "-Wpsabi"
#include <string.h>

typedef uint32_t ts_u32x16 __attribute__((ext_vector_type(16)));
typedef int32_t ts_i32x16 __attribute__((ext_vector_type(16)));
typedef float ts_f32x16 __attribute__((ext_vector_type(16)));
typedef uint64_t ts_u64x8 __attribute__((ext_vector_type(8)));
typedef uint16_t ts_u16x16 __attribute__((ext_vector_type(16)));

#define TS_INLINE static inline __attribute__((always_inline))
// Vector casts between types of the same size reinterpret the bits (OpenCL as_uint16 / as_float16).
#define TS_BITS(x) ((ts_u32x16)(x))
#define TS_FLOATS(x) ((ts_f32x16)(x))
#define TS_INTS(x) ((ts_i32x16)(x))

/// Philox4x32: Random123's multipliers and Weyl increments (Philox4x32.swift).
#define TS_PHILOX_M0 0xD2511F53u
#define TS_PHILOX_M1 0xCD9E8D57u
#define TS_PHILOX_W0 0x9E3779B9u
#define TS_PHILOX_W1 0xBB67AE85u

// MARK: Lanes.swift

/// `WordLanes16.select`: a where mask is all ones, b where it is zero.
TS_INLINE ts_u32x16 select(ts_u32x16 mask, ts_u32x16 a, ts_u32x16 b) { return (a & mask) | (b & ~mask); }

/// `WordLanes16.anyBitSet`.
TS_INLINE int anyBitSet(ts_u32x16 x) { return __builtin_reduce_or(x) != 0; }

/// `lessMask` / `greaterMask`: all ones where x < bound (x > bound); x and bound below 2^31.
TS_INLINE ts_u32x16 lessMask(ts_u32x16 x, uint32_t bound) { return (ts_u32x16)(TS_INTS(x - bound) >> 31); }
TS_INLINE ts_u32x16 greaterMask(ts_u32x16 x, uint32_t bound) { return (ts_u32x16)(TS_INTS((ts_u32x16)(bound) - x) >> 31); }

/// `WideLanes(interleavingLow:high:)` viewed as sixteen words: (low[0], high[0], low[1], high[1], ...).
///
/// A shuffle of the low words rather than Swift's mask, shift and or (the same words): LLVM folded the
/// shift of a Philox product into the multiply, a 64×64 vpmullq instead of vpmuludq.
TS_INLINE ts_u32x16 interleavingLow(ts_u64x8 low, ts_u64x8 high) {
    return __builtin_shufflevector((ts_u32x16)low, (ts_u32x16)high, 0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28, 14, 30);
}

/// `FloatLanes16(converting:)` of signed lanes with at most 24 bits (exact).
TS_INLINE ts_f32x16 convertingSigned(ts_i32x16 x) { return __builtin_convertvector(x, ts_f32x16); }

/// `FloatLanes16(converting:)` of unsigned lanes: correctly rounded (RNE), the value Swift's hi/lo
/// formula computes; here one vcvtudq2ps on AVX-512 and LLVM's exact lowering on AVX2.
TS_INLINE ts_f32x16 convertingUnsigned(ts_u32x16 x) { return __builtin_convertvector(x, ts_f32x16); }

// MARK: Philox4x32.swift

/// `Philox4x32.round` on the low halves of 64-bit lanes: each multiply is one 32×32→64 vpmuludq.
TS_INLINE void round(ts_u64x8 x[4], uint32_t k0, uint32_t k1) {
    const ts_u64x8 p0 = (x[0] & 0xFFFFFFFFu) * (uint64_t)TS_PHILOX_M0;
    const ts_u64x8 p1 = (x[2] & 0xFFFFFFFFu) * (uint64_t)TS_PHILOX_M1;
    const ts_u64x8 y0 = (p1 >> 32) ^ x[1] ^ (uint64_t)k0, y2 = (p0 >> 32) ^ x[3] ^ (uint64_t)k1;
    x[0] = y0; x[1] = p1; x[2] = y2; x[3] = p0;
}

/// `Philox4x32.generate`, ten rounds.
TS_INLINE void generate(ts_u64x8 x[4], uint32_t k0, uint32_t k1) {
#pragma clang loop unroll(full)
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += TS_PHILOX_W0; k1 += TS_PHILOX_W1; }
        round(x, k0, k1);
    }
}

// MARK: TensorStream.swift

/// `TensorStream.wideWords(group:)`: the Philox words of blocks 8·group ..< 8·group + 8.
TS_INLINE void wideWords(uint64_t seed, uint64_t stream, uint64_t group, ts_u64x8 x[4]) {
    const uint64_t firstBlock = group * 8;
    x[0] = (ts_u64x8)(firstBlock) + (ts_u64x8){0, 1, 2, 3, 4, 5, 6, 7};
    x[1] = (ts_u64x8)(firstBlock >> 32);
    x[2] = (ts_u64x8)(stream);
    x[3] = (ts_u64x8)(stream >> 32);
    generate(x, (uint32_t)seed, (uint32_t)(seed >> 32));
}

/// `storeInterleavingPairs`: out[0 ..< 32] from the 64-bit pairs of a and b, a's pair k, then b's pair k.
TS_INLINE void storeInterleavingPairs(ts_f32x16 a, ts_f32x16 b, float *out) {
    const ts_u64x8 p = (ts_u64x8)a, q = (ts_u64x8)b;
    const ts_u64x8 first = __builtin_shufflevector(p, q, 0, 8, 1, 9, 2, 10, 3, 11);
    const ts_u64x8 second = __builtin_shufflevector(p, q, 4, 12, 5, 13, 6, 14, 7, 15);
    memcpy(out, &first, 64);
    memcpy(out + 16, &second, 64);
}

/// `storeInterleavingGroup`: out[0 ..< 32] = x[0], y[0], x[1], y[1], ...
TS_INLINE void storeInterleavingGroup(ts_f32x16 x, ts_f32x16 y, float *out) {
    const ts_f32x16 first = __builtin_shufflevector(x, y, 0, 16, 1, 17, 2, 18, 3, 19, 4, 20, 5, 21, 6, 22, 7, 23);
    const ts_f32x16 second = __builtin_shufflevector(x, y, 8, 24, 9, 25, 10, 26, 11, 27, 12, 28, 13, 29, 14, 30, 15, 31);
    memcpy(out, &first, 64);
    memcpy(out + 16, &second, 64);
}

// MARK: DeterministicMath.swift

/// `deterministicLog`.
TS_INLINE ts_f32x16 deterministicLog(ts_f32x16 u) {
    const ts_u32x16 bits = TS_BITS(u);
    const ts_u32x16 mantissa = bits & 0x007FFFFFu;
    const ts_u32x16 aboveSqrt2 = (ts_u32x16)(TS_INTS(mantissa) > 0x003504F3);
    const ts_u32x16 scaledBits = mantissa | select(aboveSqrt2, (ts_u32x16)(0x3F000000u), (ts_u32x16)(0x3F800000u));
    const ts_i32x16 biasedExponent = TS_INTS(bits >> 23) - 127;
    const ts_i32x16 exponent = biasedExponent - TS_INTS(aboveSqrt2);
    const ts_f32x16 f = TS_FLOATS(scaledBits) - 1.0f;
    ts_f32x16 q = 0x1.1c57dap-4f * f + -0x1.dd7416p-4f;
    q = q * f + 0x1.e2dfa4p-4f;
    q = q * f + -0x1.fc0442p-4f;
    q = q * f + 0x1.237dfcp-3f;
    q = q * f + -0x1.555f60p-3f;
    q = q * f + 0x1.99a136p-3f;
    q = q * f + -0x1.fffff4p-3f;
    q = q * f + 0x1.55554ep-2f;
    q = q * f + -0x1p-1f;
    const ts_f32x16 log1pF = f + (f * f) * q;
    const ts_f32x16 e = convertingSigned(exponent);
    return e * 0x1.62e300p-1f + (e * 0x1.2fefa2p-17f + log1pF);
}

/// `deterministicSqrt`.
TS_INLINE ts_f32x16 deterministicSqrt(ts_f32x16 s) {
    ts_f32x16 y = TS_FLOATS((ts_u32x16)(0x5F3759DFu) - (TS_BITS(s) >> 1));
    const ts_f32x16 h = s * 0.5f;
    y = y * (1.5f - (h * y) * y);
    y = y * (1.5f - (h * y) * y);
    ts_f32x16 r = s * y;
    r = r + (y * 0.5f) * (s - r * r);
    return TS_FLOATS(TS_BITS(r) & ~(ts_u32x16)(s == 0.0f));
}

/// `sinCosEighthTurn`.
TS_INLINE void sinCosEighthTurn(ts_f32x16 t, ts_f32x16 *sinOut, ts_f32x16 *cosOut) {
    const ts_f32x16 z = t * t;
    ts_f32x16 s = 0x1.4be288p-22f * z + -0x1.32cb0ep-15f;
    s = s * z + 0x1.466bbcp-9f;
    s = s * z + -0x1.4abbcep-4f;
    const ts_f32x16 sinRest = 0x1.21fb54p-5f + z * s;
    *sinOut = t * 0.75f + t * sinRest;
    ts_f32x16 c = -0x1.a1089cp-26f * z + 0x1.e1e858p-19f;
    c = c * z + -0x1.55d3bcp-12f;
    c = c * z + 0x1.03c1f0p-6f;
    c = c * z + -0x1.3bd3ccp-2f;
    *cosOut = 1.0f + z * c;
}

// MARK: StreamTransforms.swift

/// `uniformClosedOpen`: (w >> 8) · 2^-24.
TS_INLINE ts_f32x16 uniformClosedOpen(ts_u32x16 w) { return convertingSigned(TS_INTS(w >> 8)) * 0x1p-24f; }

/// `uniformOpenClosed`: RNE(w + 1) · 2^-32, with 2^32 for w = 2^32 − 1.
TS_INLINE ts_f32x16 uniformOpenClosed(ts_u32x16 w) {
    const ts_u32x16 n = w + 1;
    const ts_f32x16 u = convertingUnsigned(n) * 0x1p-32f;
    const ts_u32x16 wrapped = (ts_u32x16)(TS_INTS(TS_BITS(u) - 1) >> 31);
    return TS_FLOATS(TS_BITS(u) | (wrapped & 0x3F800000u));
}

/// `boxMullerRadius`.
TS_INLINE ts_f32x16 boxMullerRadius(ts_u32x16 w) {
    const ts_f32x16 u = uniformOpenClosed(w);
    const ts_f32x16 s = deterministicLog(u) * -2.0f;
    return deterministicSqrt(s);
}

/// `boxMullerAngle`.
TS_INLINE void boxMullerAngle(ts_u32x16 w, ts_f32x16 *cosOut, ts_f32x16 *sinOut) {
    const ts_u32x16 a = w >> 8;
    const ts_u32x16 octant = a >> 21;
    const ts_u32x16 position = a & 0x001FFFFFu;
    const ts_u32x16 odd = (ts_u32x16)(0u) - (octant & 1);
    const ts_u32x16 tInt = select(odd, 0x00200000u - position, position);
    const ts_f32x16 t = convertingSigned(TS_INTS(tInt)) * 0x1p-21f;
    ts_f32x16 sinT, cosT;
    sinCosEighthTurn(t, &sinT, &cosT);
    const ts_u32x16 sinPsi = TS_BITS(sinT) ^ (octant << 31);
    const ts_u32x16 k = ((octant + 1) >> 1) & 3;
    const ts_u32x16 swap = (ts_u32x16)(0u) - (k & 1);
    const ts_u32x16 cosRotated = select(swap, sinPsi, TS_BITS(cosT));
    const ts_u32x16 sinRotated = select(swap, TS_BITS(cosT), sinPsi);
    const ts_u32x16 negateCos = (k ^ (k >> 1)) << 31;
    const ts_u32x16 negateSin = (k >> 1) << 31;
    *cosOut = TS_FLOATS(cosRotated ^ negateCos);
    *sinOut = TS_FLOATS(sinRotated ^ negateSin);
}

// MARK: TruncatedNormalTransform.swift and DeterministicErfinv.swift

/// `clampBetween`: x < low ? low : x, then x > high ? high : x (masks from clang's vector compares, -1 or 0).
TS_INLINE ts_f32x16 clampBetween(ts_f32x16 x, float low, float high) {
    const ts_f32x16 lowLanes = (ts_f32x16)(low), highLanes = (ts_f32x16)(high);
    const ts_f32x16 raised = TS_FLOATS(select((ts_u32x16)(x < lowLanes), TS_BITS(lowLanes), TS_BITS(x)));
    return TS_FLOATS(select((ts_u32x16)(raised > highLanes), TS_BITS(highLanes), TS_BITS(raised)));
}

/// `truncatedErfArgument`: u·erfWidth + erfLow kept in ±(1 − 2^-24).
TS_INLINE ts_f32x16 truncatedErfArgument(ts_u32x16 w, float erfLow, float erfWidth) {
    return clampBetween(uniformClosedOpen(w) * erfWidth + erfLow, -0x1.fffffep-1f, 0x1.fffffep-1f);
}

/// `erfinvLogTerm`: −ln((1 − x)(1 + x)).
TS_INLINE ts_f32x16 erfinvLogTerm(ts_f32x16 x) { return -deterministicLog((1.0f - x) * (1.0f + x)); }

/// `erfinvCentralLanes`: all ones where w < 5.
TS_INLINE ts_u32x16 erfinvCentralLanes(ts_f32x16 w) { return (ts_u32x16)(w < 5.0f); }

/// `erfinvPolynomial` (Giles 2011, single precision).
TS_INLINE ts_f32x16 erfinvPolynomial(ts_f32x16 w, ts_u32x16 central, int evaluateCentral, int evaluateTail) {
    ts_f32x16 p = (ts_f32x16)(0.0f);
    if (evaluateCentral) {
        const ts_f32x16 wc = w - 2.5f;
        p = 3.43273939e-07f + 2.81022636e-08f * wc;
        p = -3.5233877e-06f + p * wc;
        p = -4.39150654e-06f + p * wc;
        p = 0.00021858087f + p * wc;
        p = -0.00125372503f + p * wc;
        p = -0.00417768164f + p * wc;
        p = 0.246640727f + p * wc;
        p = 1.50140941f + p * wc;
    }
    if (evaluateTail) {
        const ts_f32x16 wt = deterministicSqrt(w) - 3.0f;
        ts_f32x16 q = 0.000100950558f + -0.000200214257f * wt;
        q = 0.00134934322f + q * wt;
        q = -0.00367342844f + q * wt;
        q = 0.00573950773f + q * wt;
        q = -0.0076224613f + q * wt;
        q = 0.00943887047f + q * wt;
        q = 1.00167406f + q * wt;
        q = 2.83297682f + q * wt;
        p = TS_FLOATS(select(central, TS_BITS(p), TS_BITS(q)));
    }
    return p;
}

// MARK: The group loops (CPUEngine.fillGroups over TensorStream.store / storeTruncatedNormal)

TS_INLINE void fillUniform(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float low, float high, float *out) {
    const float width = high - low;
    for (size_t g = 0; g < groups; g++) {
        ts_u64x8 w[4];
        wideWords(seed, stream, first + g, w);
        const ts_f32x16 v01 = uniformClosedOpen(interleavingLow(w[0], w[1])) * width + low;
        const ts_f32x16 v23 = uniformClosedOpen(interleavingLow(w[2], w[3])) * width + low;
        storeInterleavingPairs(v01, v23, out + 32 * g);
    }
}

TS_INLINE void fillNormal(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean, float std, float *out) {
    for (size_t g = 0; g < groups; g++) {
        ts_u64x8 w[4];
        wideWords(seed, stream, first + g, w);
        // `normalWords`: the radius words (w0, w2 of each block) and the angle words (w1, w3).
        const ts_f32x16 r = boxMullerRadius(interleavingLow(w[0], w[2]));
        ts_f32x16 cosA, sinA;
        boxMullerAngle(interleavingLow(w[1], w[3]), &cosA, &sinA);
        storeInterleavingGroup((r * cosA) * std + mean, (r * sinA) * std + mean, out + 32 * g);
    }
}

TS_INLINE ts_f32x16 truncatedValue(ts_f32x16 w, ts_u32x16 central, ts_f32x16 y, int evaluateCentral, int evaluateTail,
                                   float mean, float std, float low, float high) {
    const ts_f32x16 erfinv = erfinvPolynomial(w, central, evaluateCentral, evaluateTail) * y;
    return clampBetween((erfinv * 0x1.6a09e6p+0f) * std + mean, low, high);
}

TS_INLINE void fillTruncatedNormal(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean, float std,
                                   float low, float high, float erfLow, float erfWidth, float *out) {
    for (size_t g = 0; g < groups; g++) {
        ts_u64x8 w[4];
        wideWords(seed, stream, first + g, w);
        const ts_f32x16 y01 = truncatedErfArgument(interleavingLow(w[0], w[1]), erfLow, erfWidth);
        const ts_f32x16 y23 = truncatedErfArgument(interleavingLow(w[2], w[3]), erfLow, erfWidth);
        const ts_f32x16 w01 = erfinvLogTerm(y01), w23 = erfinvLogTerm(y23);
        const ts_u32x16 central01 = erfinvCentralLanes(w01), central23 = erfinvCentralLanes(w23);
        const int evaluateCentral = anyBitSet(central01 | central23), evaluateTail = anyBitSet(~(central01 & central23));
        storeInterleavingPairs(truncatedValue(w01, central01, y01, evaluateCentral, evaluateTail, mean, std, low, high),
                               truncatedValue(w23, central23, y23, evaluateCentral, evaluateTail, mean, std, low, high),
                               out + 32 * g);
    }
}

// MARK: ReducedPrecision.swift

/// `float16Bits` (the subnormal lanes are always computed: per-lane shifts are single instructions here).
TS_INLINE ts_u32x16 float16Bits(ts_f32x16 x) {
    const ts_u32x16 b = TS_BITS(x);
    const ts_u32x16 sign = (b >> 16) & 0x8000u;
    const ts_u32x16 a = b & 0x7FFFFFFFu;
    const ts_u32x16 rebased = a - 0x38000000u;
    const ts_u32x16 normal = (rebased + 0x0FFFu + ((rebased >> 13) & 1)) >> 13;
    const ts_u32x16 isSubnormal = lessMask(a, 0x38800000u);
    const ts_u32x16 e = a >> 23;
    const ts_u32x16 m = (a & 0x007FFFFFu) | 0x00800000u;
    // Shift counts taken mod 32 as Swift's &<< and &>> take them (C leaves counts ≥ 32 undefined).
    const ts_u32x16 shift = (126u - e) & 31;
    const ts_u32x16 subnormal = (m + (((ts_u32x16)(1u) << ((shift - 1) & 31)) - 1) + ((m >> shift) & 1)) >> shift;
    ts_u32x16 h = select(isSubnormal, subnormal, normal);
    h = select(lessMask(a, 0x33000000u), (ts_u32x16)(0u), h);
    h = select(greaterMask(a, 0x477FEFFFu), (ts_u32x16)(0x7C00u), h);
    h = select(greaterMask(a, 0x7F800000u), 0x7E00u | ((a >> 13) & 0x03FFu), h);
    return sign | h;
}

/// `bfloat16Bits`.
TS_INLINE ts_u32x16 bfloat16Bits(ts_f32x16 x) {
    const ts_u32x16 b = TS_BITS(x);
    const ts_u32x16 rounded = (b + 0x7FFFu + ((b >> 16) & 1)) >> 16;
    const ts_u32x16 quietNaN = (b >> 16) | 0x0040u;
    return select(greaterMask(b & 0x7FFFFFFFu, 0x7F800000u), quietNaN, rounded);
}

/// n values through `bits` (float16Bits or bfloat16Bits), sixteen at a time; the tail through a zeroed block.
#define TS_CONVERT_LOOP(bits)                                                              \
    size_t i = 0;                                                                          \
    for (; i + 16 <= n; i += 16) {                                                         \
        ts_f32x16 x;                                                                       \
        memcpy(&x, in + i, 64);                                                            \
        const ts_u16x16 h = __builtin_convertvector(bits(x), ts_u16x16);                   \
        memcpy(out + i, &h, 32);                                                           \
    }                                                                                      \
    if (i < n) {                                                                           \
        float tail[16] = {0};                                                              \
        uint16_t result[16];                                                               \
        memcpy(tail, in + i, (n - i) * sizeof(float));                                     \
        ts_f32x16 x;                                                                       \
        memcpy(&x, tail, 64);                                                              \
        const ts_u16x16 h = __builtin_convertvector(bits(x), ts_u16x16);                   \
        memcpy(result, &h, 32);                                                            \
        memcpy(out + i, result, (n - i) * sizeof(uint16_t));                               \
    }

TS_INLINE void convertFloat16(const float *in, uint16_t *out, size_t n) { TS_CONVERT_LOOP(float16Bits) }
TS_INLINE void convertBfloat16(const float *in, uint16_t *out, size_t n) { TS_CONVERT_LOOP(bfloat16Bits) }

TS_INLINE float contractionProbe(float a, float b, float c) { return a * b + c; }

#endif
