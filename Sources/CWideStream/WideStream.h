// The bodies of the wide paths, written once on clang's vector types and compiled once per path
// (PathAVX2.c, PathAVX512.c; Dispatch.c chooses between them at run time). Each function mirrors the Swift
// function of the same name in Sources/TensorSeed/Stream, with the same operations in the same order
// (CWideStream.h says why this is C).
//
// A vector here holds TS_LANES float32 lanes, set by the including file: 32 for AVX2, 64 for AVX-512, four
// registers per operation either way. Every operation is thus four independent instructions side by side, four
// dependency chains in flight: the long Philox and polynomial chains (a Horner step is a multiply and an add,
// 6 cycles on Zen 4) overlap in the core's scheduler instead of waiting on each other, which sixteen lanes (the
// Swift code's width) left to out-of-order execution across groups, a window too small for them. A vector holds
// the words of TS_GROUPS groups, the batch of the group loops. No lane reads another: the lane count changes no value.
#ifndef TENSORSEED_WIDESTREAM_H
#define TENSORSEED_WIDESTREAM_H
#if !defined(TS_LANES) || (TS_LANES != 16 && TS_LANES != 32 && TS_LANES != 64 && TS_LANES != 128)
#error "TS_LANES must be 16, 32, 64 or 128"
#endif
// No fused multiply-add: clang's default for C contracts a * b + c within an expression, and both
// targets below have FMA. Kept off for the whole file (ts_wide_contraction_probe tests it).
#pragma clang fp contract(off)
#include "CWideStream.h"
// The helpers below pass wide vectors by value; they are always inlined into the target-attributed
// entry points at the end, so no call with the ABI this warns about is ever made.
#pragma clang diagnostic ignored "-Wpsabi"
#include <string.h>

/// Groups of 32 elements whose words one vector holds: the batch of the group loops.
#define TS_GROUPS (TS_LANES / 16)

/// TS_LANES words, integers, floats; TS_LANES / 2 words in the low halves of 64-bit lanes (Swift's
/// `WideLanes`, TS_GROUPS groups of eight blocks); TS_LANES float16 or bfloat16 bit patterns.
typedef uint32_t ts_uintL __attribute__((ext_vector_type(TS_LANES)));
typedef int32_t ts_intL __attribute__((ext_vector_type(TS_LANES)));
typedef float ts_floatL __attribute__((ext_vector_type(TS_LANES)));
typedef uint64_t ts_wideL __attribute__((ext_vector_type(TS_LANES / 2)));
typedef uint16_t ts_ushortL __attribute__((ext_vector_type(TS_LANES)));
/// Twice as many 64-bit lanes, twice as many floats: the stores' interleavings of two vectors.
typedef uint64_t ts_wide2L __attribute__((ext_vector_type(TS_LANES)));
typedef float ts_float2L __attribute__((ext_vector_type(2 * TS_LANES)));

/// Shuffle index lists (n a literal 8 ... 128): TS_SEQ(n) = 0, 1, ..., n − 1; TS_ZIP(n, m) = 0, m, 1, 1 + m, ...,
/// n − 1, n − 1 + m (the lanes of a vector interleaved with those of a second, whose lanes are numbered from m);
/// TS_EVENS(n, m) = 0, m, 2, 2 + m, ..., 2n − 2, 2n − 2 + m (n even lanes of each, interleaved).
#define TS_SEQ_8(i) (i), (i) + 1, (i) + 2, (i) + 3, (i) + 4, (i) + 5, (i) + 6, (i) + 7
#define TS_SEQ_16(i) TS_SEQ_8(i), TS_SEQ_8((i) + 8)
#define TS_SEQ_32(i) TS_SEQ_16(i), TS_SEQ_16((i) + 16)
#define TS_SEQ_64(i) TS_SEQ_32(i), TS_SEQ_32((i) + 32)
#define TS_STEP_8(i, step, m) (i), (i) + (m), (i) + (step), (i) + (step) + (m), (i) + 2 * (step), (i) + 2 * (step) + (m), \
    (i) + 3 * (step), (i) + 3 * (step) + (m), (i) + 4 * (step), (i) + 4 * (step) + (m), (i) + 5 * (step),               \
    (i) + 5 * (step) + (m), (i) + 6 * (step), (i) + 6 * (step) + (m), (i) + 7 * (step), (i) + 7 * (step) + (m)
#define TS_STEP_16(i, step, m) TS_STEP_8(i, step, m), TS_STEP_8((i) + 8 * (step), step, m)
#define TS_STEP_32(i, step, m) TS_STEP_16(i, step, m), TS_STEP_16((i) + 16 * (step), step, m)
#define TS_STEP_64(i, step, m) TS_STEP_32(i, step, m), TS_STEP_32((i) + 32 * (step), step, m)
#define TS_STEP_128(i, step, m) TS_STEP_64(i, step, m), TS_STEP_64((i) + 64 * (step), step, m)
#define TS_ZIP(n, m) TS_CAT(TS_STEP_, n)(0, 1, m)
#define TS_EVENS(n, m) TS_CAT(TS_STEP_, n)(0, 2, m)
#define TS_SEQ(n) TS_CAT(TS_SEQ_, n)(0)
#define TS_CAT(a, b) TS_CAT_(a, b)
#define TS_CAT_(a, b) a##b
/// TS_LANES / 2 as a literal (for TS_CAT).
#if TS_LANES == 16
#define TS_HALF_LANES 8
#elif TS_LANES == 32
#define TS_HALF_LANES 16
#elif TS_LANES == 64
#define TS_HALF_LANES 32
#else
#define TS_HALF_LANES 64
#endif

#define TS_INLINE static inline __attribute__((always_inline))
// Vector casts between types of the same size reinterpret the bits (OpenCL as_uintL / as_floatL).
#define TS_BITS(x) ((ts_uintL)(x))
#define TS_FLOATS(x) ((ts_floatL)(x))
#define TS_INTS(x) ((ts_intL)(x))

/// Philox4x32: Random123's multipliers and Weyl increments (Philox4x32.swift).
#define TS_PHILOX_M0 0xD2511F53u
#define TS_PHILOX_M1 0xCD9E8D57u
#define TS_PHILOX_W0 0x9E3779B9u
#define TS_PHILOX_W1 0xBB67AE85u

// MARK: Lanes.swift

/// `WordLanes16.select`: a where mask is all ones, b where it is zero.
TS_INLINE ts_uintL select(ts_uintL mask, ts_uintL a, ts_uintL b) { return (a & mask) | (b & ~mask); }

/// `WordLanes16.anyBitSet`.
TS_INLINE int anyBitSet(ts_uintL x) { return __builtin_reduce_or(x) != 0; }

/// `lessMask` / `greaterMask`: all ones where x < bound (x > bound); x and bound below 2^31.
TS_INLINE ts_uintL lessMask(ts_uintL x, uint32_t bound) { return (ts_uintL)(TS_INTS(x - bound) >> 31); }
TS_INLINE ts_uintL greaterMask(ts_uintL x, uint32_t bound) { return (ts_uintL)(TS_INTS((ts_uintL)(bound) - x) >> 31); }

/// `WideLanes(interleavingLow:high:)` viewed as words: (low[0], high[0], low[1], high[1], ...), sixteen per group.
///
/// A shuffle of the low words rather than Swift's mask, shift and or (the same words): LLVM folded the
/// shift of a Philox product into the multiply, a 64×64 vpmullq instead of vpmuludq.
TS_INLINE ts_uintL interleavingLow(ts_wideL low, ts_wideL high) {
    return __builtin_shufflevector((ts_uintL)low, (ts_uintL)high, TS_EVENS(TS_HALF_LANES, TS_LANES));
}

/// `FloatLanes16(converting:)` of signed lanes with at most 24 bits (exact).
TS_INLINE ts_floatL convertingSigned(ts_intL x) { return __builtin_convertvector(x, ts_floatL); }

/// `FloatLanes16(converting:)` of unsigned lanes: correctly rounded (RNE), the value Swift's hi/lo
/// formula computes; here one vcvtudq2ps on AVX-512 and LLVM's exact lowering on AVX2.
TS_INLINE ts_floatL convertingUnsigned(ts_uintL x) { return __builtin_convertvector(x, ts_floatL); }

// MARK: Philox4x32.swift

/// `Philox4x32.round` on the low halves of 64-bit lanes: each multiply is one 32×32→64 vpmuludq.
TS_INLINE void round(ts_wideL x[4], uint32_t k0, uint32_t k1) {
    const ts_wideL p0 = (x[0] & 0xFFFFFFFFu) * (uint64_t)TS_PHILOX_M0;
    const ts_wideL p1 = (x[2] & 0xFFFFFFFFu) * (uint64_t)TS_PHILOX_M1;
    const ts_wideL y0 = (p1 >> 32) ^ x[1] ^ (uint64_t)k0, y2 = (p0 >> 32) ^ x[3] ^ (uint64_t)k1;
    x[0] = y0; x[1] = p1; x[2] = y2; x[3] = p0;
}

/// `Philox4x32.generate`, ten rounds.
TS_INLINE void generate(ts_wideL x[4], uint32_t k0, uint32_t k1) {
#pragma clang loop unroll(full)
    for (int r = 0; r < 10; r++) {
        if (r > 0) { k0 += TS_PHILOX_W0; k1 += TS_PHILOX_W1; }
        round(x, k0, k1);
    }
}

// MARK: TensorStream.swift

/// `TensorStream.wideWords(group:)` of groups group ..< group + TS_GROUPS: the Philox words of blocks
/// 8·group ..< 8·(group + TS_GROUPS), block b in lane b − 8·group (all mod 2^64, as Swift's &* and &+).
/// Counter word 1 is taken lane by lane: the groups of a batch may lie on both sides of block 2^32.
TS_INLINE void wideWords(uint64_t seed, uint64_t stream, uint64_t group, ts_wideL x[4]) {
    const ts_wideL block = (ts_wideL)(group * 8) + (ts_wideL){TS_SEQ(TS_HALF_LANES)};
    x[0] = block;
    x[1] = block >> 32;
    x[2] = (ts_wideL)(stream);
    x[3] = (ts_wideL)(stream >> 32);
    generate(x, (uint32_t)seed, (uint32_t)(seed >> 32));
}

/// `storeInterleavingPairs`: out[0 ..< 32·TS_GROUPS] from the 64-bit pairs of a and b, a's pair k, then b's pair k
/// (group after group, as Swift stores each: group j's pairs are pairs 8j ..< 8j + 8 of a and of b).
TS_INLINE void storeInterleavingPairs(ts_floatL a, ts_floatL b, float *out) {
    const ts_wide2L pairs = __builtin_shufflevector((ts_wideL)a, (ts_wideL)b, TS_ZIP(TS_HALF_LANES, TS_HALF_LANES));
    memcpy(out, &pairs, sizeof pairs);
}

/// `storeInterleavingGroup`: out[0 ..< 2·TS_LANES] = x[0], y[0], x[1], y[1], ... (group by group, the same order).
TS_INLINE void storeInterleavingGroup(ts_floatL x, ts_floatL y, float *out) {
    const ts_float2L lanes = __builtin_shufflevector(x, y, TS_ZIP(TS_LANES, TS_LANES));
    memcpy(out, &lanes, sizeof lanes);
}

// MARK: DeterministicMath.swift

/// `deterministicLog`.
///
/// Swift's integer steps (the mantissa test against √2, the select of scaledBits, the exponent less one where
/// above) come here from one exact subtraction, the same integers for every u with the sign bit clear (checked
/// on all 2^31 patterns; u is positive here): t = bits − 0x3F3504F4 borrows from the exponent field exactly
/// when the mantissa is at most 0x3504F3, so t >> 23 (arithmetic) is `exponent` and (t & 0x7FFFFF) + 0x3F3504F4
/// is `scaledBits`. Four instructions instead of eight (a compare into a mask register, a blend, the mask
/// turned back into a vector, two adjustments).
TS_INLINE ts_floatL deterministicLog(ts_floatL u) {
    const ts_intL t = TS_INTS(TS_BITS(u) - 0x3F3504F4u);
    const ts_intL exponent = t >> 23;
    const ts_uintL scaledBits = (TS_BITS(t) & 0x007FFFFFu) + 0x3F3504F4u;
    const ts_floatL f = TS_FLOATS(scaledBits) - 1.0f;
    ts_floatL q = 0x1.1c57dap-4f * f + -0x1.dd7416p-4f;
    q = q * f + 0x1.e2dfa4p-4f;
    q = q * f + -0x1.fc0442p-4f;
    q = q * f + 0x1.237dfcp-3f;
    q = q * f + -0x1.555f60p-3f;
    q = q * f + 0x1.99a136p-3f;
    q = q * f + -0x1.fffff4p-3f;
    q = q * f + 0x1.55554ep-2f;
    q = q * f + -0x1p-1f;
    const ts_floatL log1pF = f + (f * f) * q;
    const ts_floatL e = convertingSigned(exponent);
    return e * 0x1.62e300p-1f + (e * 0x1.2fefa2p-17f + log1pF);
}

/// `deterministicSqrt`.
TS_INLINE ts_floatL deterministicSqrt(ts_floatL s) {
    ts_floatL y = TS_FLOATS((ts_uintL)(0x5F3759DFu) - (TS_BITS(s) >> 1));
    const ts_floatL h = s * 0.5f;
    y = y * (1.5f - (h * y) * y);
    y = y * (1.5f - (h * y) * y);
    ts_floatL r = s * y;
    r = r + (y * 0.5f) * (s - r * r);
    return TS_FLOATS(TS_BITS(r) & ~(ts_uintL)(s == 0.0f));
}

/// `sinCosEighthTurn`.
TS_INLINE void sinCosEighthTurn(ts_floatL t, ts_floatL *sinOut, ts_floatL *cosOut) {
    const ts_floatL z = t * t;
    ts_floatL s = 0x1.4be288p-22f * z + -0x1.32cb0ep-15f;
    s = s * z + 0x1.466bbcp-9f;
    s = s * z + -0x1.4abbcep-4f;
    const ts_floatL sinRest = 0x1.21fb54p-5f + z * s;
    *sinOut = t * 0.75f + t * sinRest;
    ts_floatL c = -0x1.a1089cp-26f * z + 0x1.e1e858p-19f;
    c = c * z + -0x1.55d3bcp-12f;
    c = c * z + 0x1.03c1f0p-6f;
    c = c * z + -0x1.3bd3ccp-2f;
    *cosOut = 1.0f + z * c;
}

// MARK: StreamTransforms.swift

/// `uniformClosedOpen`: (w >> 8) · 2^-24.
TS_INLINE ts_floatL uniformClosedOpen(ts_uintL w) { return convertingSigned(TS_INTS(w >> 8)) * 0x1p-24f; }

/// `uniformClosedOpen(w) * width` with the factor 2^-24 folded into `scaledWidth` = width · 2^-24, for a width
/// where that product is exact (`widthScalesExactly`): (w >> 8) · width · 2^-24 is then the same real number
/// rounded once, the same float, in one multiply instead of two.
TS_INLINE ts_floatL uniformClosedOpenScaled(ts_uintL w, float scaledWidth) {
    return convertingSigned(TS_INTS(w >> 8)) * scaledWidth;
}

/// Whether width · 2^-24 is exact (not rounded into the subnormal range): scaling back up by 2^24 then gives width.
TS_INLINE int widthScalesExactly(float width) { return (width * 0x1p-24f) * 0x1p24f == width; }

/// `uniformOpenClosed`: RNE(w + 1) · 2^-32, with 2^32 for w = 2^32 − 1.
TS_INLINE ts_floatL uniformOpenClosed(ts_uintL w) {
    const ts_uintL n = w + 1;
    const ts_floatL u = convertingUnsigned(n) * 0x1p-32f;
    const ts_uintL wrapped = (ts_uintL)(TS_INTS(TS_BITS(u) - 1) >> 31);
    return TS_FLOATS(TS_BITS(u) | (wrapped & 0x3F800000u));
}

/// `boxMullerRadius`.
TS_INLINE ts_floatL boxMullerRadius(ts_uintL w) {
    const ts_floatL u = uniformOpenClosed(w);
    const ts_floatL s = deterministicLog(u) * -2.0f;
    return deterministicSqrt(s);
}

/// `boxMullerAngle`.
TS_INLINE void boxMullerAngle(ts_uintL w, ts_floatL *cosOut, ts_floatL *sinOut) {
    const ts_uintL a = w >> 8;
    const ts_uintL octant = a >> 21;
    const ts_uintL position = a & 0x001FFFFFu;
    const ts_uintL odd = (ts_uintL)(0u) - (octant & 1);
    const ts_uintL tInt = select(odd, 0x00200000u - position, position);
    const ts_floatL t = convertingSigned(TS_INTS(tInt)) * 0x1p-21f;
    ts_floatL sinT, cosT;
    sinCosEighthTurn(t, &sinT, &cosT);
    const ts_uintL sinPsi = TS_BITS(sinT) ^ (octant << 31);
    const ts_uintL k = ((octant + 1) >> 1) & 3;
    const ts_uintL swap = (ts_uintL)(0u) - (k & 1);
    const ts_uintL cosRotated = select(swap, sinPsi, TS_BITS(cosT));
    const ts_uintL sinRotated = select(swap, TS_BITS(cosT), sinPsi);
    const ts_uintL negateCos = (k ^ (k >> 1)) << 31;
    const ts_uintL negateSin = (k >> 1) << 31;
    *cosOut = TS_FLOATS(cosRotated ^ negateCos);
    *sinOut = TS_FLOATS(sinRotated ^ negateSin);
}

// MARK: TruncatedNormalTransform.swift and DeterministicErfinv.swift

/// `clampBetween`: x < low ? low : x, then x > high ? high : x (masks from clang's vector compares, -1 or 0).
TS_INLINE ts_floatL clampBetween(ts_floatL x, float low, float high) {
    const ts_floatL lowLanes = (ts_floatL)(low), highLanes = (ts_floatL)(high);
    const ts_floatL raised = TS_FLOATS(select((ts_uintL)(x < lowLanes), TS_BITS(lowLanes), TS_BITS(x)));
    return TS_FLOATS(select((ts_uintL)(raised > highLanes), TS_BITS(highLanes), TS_BITS(raised)));
}

/// `truncatedErfArgument`: u·erfWidth + erfLow kept in ±(1 − 2^-24), by a clamp that the caller may skip when
/// `erfArgumentNeedsClamp` says it changes no lane.
TS_INLINE ts_floatL truncatedErfArgument(ts_uintL w, float erfLow, float erfWidth, int clamp) {
    const ts_floatL y = uniformClosedOpen(w) * erfWidth + erfLow;
    return clamp ? clampBetween(y, -0x1.fffffep-1f, 0x1.fffffep-1f) : y;
}

/// Whether truncatedErfArgument's clamp can change some value of a fill (not in the Swift code, which always
/// clamps; the same values either way). u·erfWidth + erfLow is monotonic in u, each rounded step being so, so
/// over u = 0 ... 1 − 2^-24 (the values of uniformClosedOpen) it stays between its values at the two ends; where
/// both lie in ±(1 − 2^-24), x < low and x > high are false in every lane and the clamp returns x unchanged. Any
/// other case (an end outside, a NaN) clamps. torch's default bounds (±2 std) need no clamp; bounds at ±100 std
/// (erfLow = −1) do.
TS_INLINE int erfArgumentNeedsClamp(float erfLow, float erfWidth) {
    const float limit = 0x1.fffffep-1f;
    const float first = 0.0f * erfWidth + erfLow, last = 0x1.fffffep-1f * erfWidth + erfLow;
    return !(first >= -limit && first <= limit && last >= -limit && last <= limit);
}

/// `erfinvLogTerm`: −ln((1 − x)(1 + x)).
TS_INLINE ts_floatL erfinvLogTerm(ts_floatL x) { return -deterministicLog((1.0f - x) * (1.0f + x)); }

/// `erfinvCentralLanes`: all ones where w < 5.
TS_INLINE ts_uintL erfinvCentralLanes(ts_floatL w) { return (ts_uintL)(w < 5.0f); }

/// `erfinvPolynomial` (Giles 2011, single precision).
TS_INLINE ts_floatL erfinvPolynomial(ts_floatL w, ts_uintL central, int evaluateCentral, int evaluateTail) {
    ts_floatL p = (ts_floatL)(0.0f);
    if (evaluateCentral) {
        const ts_floatL wc = w - 2.5f;
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
        const ts_floatL wt = deterministicSqrt(w) - 3.0f;
        ts_floatL q = 0.000100950558f + -0.000200214257f * wt;
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

// MARK: TensorStream.store / storeTruncatedNormal (groups group ..< group + TS_GROUPS), and CPUEngine.fillGroups

/// `TensorStream.store(group:)` of a uniform (with `uniformClosedOpenScaled` where `scaled`).
TS_INLINE void storeUniform(uint64_t seed, uint64_t stream, uint64_t group, float low, float width, int scaled, float *out) {
    ts_wideL w[4];
    wideWords(seed, stream, group, w);
    const ts_uintL words01 = interleavingLow(w[0], w[1]), words23 = interleavingLow(w[2], w[3]);
    const ts_floatL v01 = (scaled ? uniformClosedOpenScaled(words01, width * 0x1p-24f) : uniformClosedOpen(words01) * width) + low;
    const ts_floatL v23 = (scaled ? uniformClosedOpenScaled(words23, width * 0x1p-24f) : uniformClosedOpen(words23) * width) + low;
    storeInterleavingPairs(v01, v23, out);
}

/// `TensorStream.store(group:)` of a normal.
TS_INLINE void storeNormal(uint64_t seed, uint64_t stream, uint64_t group, float mean, float std, float *out) {
    ts_wideL w[4];
    wideWords(seed, stream, group, w);
    // `normalWords`: the radius words (w0, w2 of each block) and the angle words (w1, w3).
    const ts_floatL r = boxMullerRadius(interleavingLow(w[0], w[2]));
    ts_floatL cosA, sinA;
    boxMullerAngle(interleavingLow(w[1], w[3]), &cosA, &sinA);
    storeInterleavingGroup((r * cosA) * std + mean, (r * sinA) * std + mean, out);
}

/// `value` in `TensorStream.storeTruncatedNormal`.
TS_INLINE ts_floatL truncatedValue(ts_floatL w, ts_uintL central, ts_floatL y, int evaluateCentral, int evaluateTail,
                                   float mean, float std, float low, float high) {
    const ts_floatL erfinv = erfinvPolynomial(w, central, evaluateCentral, evaluateTail) * y;
    return clampBetween((erfinv * 0x1.6a09e6p+0f) * std + mean, low, high);
}

/// `TensorStream.storeTruncatedNormal(group:)`, one test of erfinv's branches for the whole batch.
TS_INLINE void storeTruncatedNormal(uint64_t seed, uint64_t stream, uint64_t group, float mean, float std, float low,
                                    float high, float erfLow, float erfWidth, int clampArgument, float *out) {
    ts_wideL w[4];
    wideWords(seed, stream, group, w);
    const ts_floatL y01 = truncatedErfArgument(interleavingLow(w[0], w[1]), erfLow, erfWidth, clampArgument);
    const ts_floatL y23 = truncatedErfArgument(interleavingLow(w[2], w[3]), erfLow, erfWidth, clampArgument);
    const ts_floatL w01 = erfinvLogTerm(y01), w23 = erfinvLogTerm(y23);
    const ts_uintL central01 = erfinvCentralLanes(w01), central23 = erfinvCentralLanes(w23);
    const int evaluateCentral = anyBitSet(central01 | central23), evaluateTail = anyBitSet(~(central01 & central23));
    storeInterleavingPairs(truncatedValue(w01, central01, y01, evaluateCentral, evaluateTail, mean, std, low, high),
                           truncatedValue(w23, central23, y23, evaluateCentral, evaluateTail, mean, std, low, high), out);
}

/// `CPUEngine.fillGroups`' loop over groups first ..< first + groups, TS_GROUPS at a time: `store(group, destination)`
/// (a macro naming one of the store functions above with its other arguments) writes whole batches straight to
/// out, and a last partial one to a scratch batch, of which only the groups asked for are copied (one copy of
/// the store in the loop either way).
#define TS_FILL_GROUPS(first, groups, out, store)                                           \
    float scratch[32 * TS_GROUPS];                                                          \
    for (size_t g = 0; g < (groups); g += TS_GROUPS) {                                      \
        const int whole = g + TS_GROUPS <= (groups);                                        \
        store((first) + g, whole ? (out) + 32 * g : scratch);                               \
        if (!whole) memcpy((out) + 32 * g, scratch, ((groups) - g) * 32 * sizeof(float));   \
    }

/// One loop with the factor 2^-24 folded into the width (almost every width) and one without.
TS_INLINE void fillUniform(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float low, float high, float *out) {
    const float width = high - low;
    if (widthScalesExactly(width)) {
#define TS_STORE(group, destination) storeUniform(seed, stream, group, low, width, 1, destination)
        TS_FILL_GROUPS(first, groups, out, TS_STORE)
#undef TS_STORE
    } else {
#define TS_STORE(group, destination) storeUniform(seed, stream, group, low, width, 0, destination)
        TS_FILL_GROUPS(first, groups, out, TS_STORE)
#undef TS_STORE
    }
}

TS_INLINE void fillNormal(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean, float std, float *out) {
#define TS_STORE(group, destination) storeNormal(seed, stream, group, mean, std, destination)
    TS_FILL_GROUPS(first, groups, out, TS_STORE)
#undef TS_STORE
}

/// One loop with the erf argument's clamp and one without (each with its constant folded in).
TS_INLINE void fillTruncatedNormal(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean, float std,
                                   float low, float high, float erfLow, float erfWidth, float *out) {
    if (erfArgumentNeedsClamp(erfLow, erfWidth)) {
#define TS_STORE(group, destination) storeTruncatedNormal(seed, stream, group, mean, std, low, high, erfLow, erfWidth, 1, destination)
        TS_FILL_GROUPS(first, groups, out, TS_STORE)
#undef TS_STORE
    } else {
#define TS_STORE(group, destination) storeTruncatedNormal(seed, stream, group, mean, std, low, high, erfLow, erfWidth, 0, destination)
        TS_FILL_GROUPS(first, groups, out, TS_STORE)
#undef TS_STORE
    }
}

// MARK: ReducedPrecision.swift

/// `float16Bits` (the subnormal lanes are always computed: per-lane shifts are single instructions here).
TS_INLINE ts_uintL float16Bits(ts_floatL x) {
    const ts_uintL b = TS_BITS(x);
    const ts_uintL sign = (b >> 16) & 0x8000u;
    const ts_uintL a = b & 0x7FFFFFFFu;
    const ts_uintL rebased = a - 0x38000000u;
    const ts_uintL normal = (rebased + 0x0FFFu + ((rebased >> 13) & 1)) >> 13;
    const ts_uintL isSubnormal = lessMask(a, 0x38800000u);
    const ts_uintL e = a >> 23;
    const ts_uintL m = (a & 0x007FFFFFu) | 0x00800000u;
    // Shift counts taken mod 32 as Swift's &<< and &>> take them (C leaves counts ≥ 32 undefined).
    const ts_uintL shift = (126u - e) & 31;
    const ts_uintL subnormal = (m + (((ts_uintL)(1u) << ((shift - 1) & 31)) - 1) + ((m >> shift) & 1)) >> shift;
    ts_uintL h = select(isSubnormal, subnormal, normal);
    h = select(lessMask(a, 0x33000000u), (ts_uintL)(0u), h);
    h = select(greaterMask(a, 0x477FEFFFu), (ts_uintL)(0x7C00u), h);
    h = select(greaterMask(a, 0x7F800000u), 0x7E00u | ((a >> 13) & 0x03FFu), h);
    return sign | h;
}

/// `bfloat16Bits`.
TS_INLINE ts_uintL bfloat16Bits(ts_floatL x) {
    const ts_uintL b = TS_BITS(x);
    const ts_uintL rounded = (b + 0x7FFFu + ((b >> 16) & 1)) >> 16;
    const ts_uintL quietNaN = (b >> 16) | 0x0040u;
    return select(greaterMask(b & 0x7FFFFFFFu, 0x7F800000u), quietNaN, rounded);
}

/// n values through `bits` (float16Bits or bfloat16Bits), TS_LANES at a time; the tail through a zeroed block.
#define TS_CONVERT_LOOP(bits)                                                              \
    size_t i = 0;                                                                          \
    for (; i + TS_LANES <= n; i += TS_LANES) {                                             \
        ts_floatL x;                                                                       \
        memcpy(&x, in + i, sizeof x);                                                      \
        const ts_ushortL h = __builtin_convertvector(bits(x), ts_ushortL);                 \
        memcpy(out + i, &h, sizeof h);                                                     \
    }                                                                                      \
    if (i < n) {                                                                           \
        float tail[TS_LANES] = {0};                                                        \
        uint16_t result[TS_LANES];                                                         \
        memcpy(tail, in + i, (n - i) * sizeof(float));                                     \
        ts_floatL x;                                                                       \
        memcpy(&x, tail, sizeof x);                                                        \
        const ts_ushortL h = __builtin_convertvector(bits(x), ts_ushortL);                 \
        memcpy(result, &h, sizeof h);                                                      \
        memcpy(out + i, result, (n - i) * sizeof(uint16_t));                               \
    }

TS_INLINE void convertFloat16(const float *in, uint16_t *out, size_t n) { TS_CONVERT_LOOP(float16Bits) }
TS_INLINE void convertBfloat16(const float *in, uint16_t *out, size_t n) { TS_CONVERT_LOOP(bfloat16Bits) }

TS_INLINE float contractionProbe(float a, float b, float c) { return a * b + c; }

// MARK: The entry points of this build (WidePaths.h declares them, Dispatch.c chooses between builds)

#include "WidePaths.h"

TS_TARGET void TS_PATH(ts_fill_uniform)(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float low,
                                        float high, float *out) {
    fillUniform(seed, stream, first, groups, low, high, out);
}
TS_TARGET void TS_PATH(ts_fill_normal)(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean,
                                       float std, float *out) {
    fillNormal(seed, stream, first, groups, mean, std, out);
}
TS_TARGET void TS_PATH(ts_fill_truncated_normal)(uint64_t seed, uint64_t stream, uint64_t first, size_t groups, float mean,
                                                 float std, float low, float high, float erf_low, float erf_width,
                                                 float *out) {
    fillTruncatedNormal(seed, stream, first, groups, mean, std, low, high, erf_low, erf_width, out);
}
TS_TARGET void TS_PATH(ts_float16_bits)(const float *in, uint16_t *out, size_t n) { convertFloat16(in, out, n); }
TS_TARGET void TS_PATH(ts_bfloat16_bits)(const float *in, uint16_t *out, size_t n) { convertBfloat16(in, out, n); }
TS_TARGET float TS_PATH(ts_contraction_probe)(float a, float b, float c) { return contractionProbe(a, b, c); }

#endif
