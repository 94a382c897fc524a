// TensorSeed stream kernels, SPEC.md version 1.
//
// A function-by-function mirror of Sources/TensorSeed/Stream/*.swift: every function
// below has the same name as its Swift twin and performs the same float32 operations
// in the same order, on uint8 / float8 / int8 where Swift uses WordLanes / FloatLanes /
// IntLanes (SIMD8). Only float +, -, * (correctly rounded on every conforming device),
// exact integer operations and exact or round-to-nearest-even conversions are used:
// no fma/mad, no log/sin/cos/sqrt/native_*/half_* built-ins, no division.
//
// Build options are pinned by the host (OpenCLEngine.buildOptions): "-cl-std=CL1.2"
// and nothing that relaxes math (never -cl-mad-enable, -cl-fast-relaxed-math,
// -cl-unsafe-math-optimizations, -cl-denorms-are-zero, -cl-finite-math-only).
// The pragma below forbids the compiler from fusing a * b + c on its own.

#pragma OPENCL FP_CONTRACT OFF

// ---------------------------------------------------------------------------------
// Philox4x32 (Philox4x32.swift)
// ---------------------------------------------------------------------------------

#define multiplier0 0xD2511F53u   // Philox4x32.multiplier0
#define multiplier1 0xCD9E8D57u   // Philox4x32.multiplier1
#define weyl0 0x9E3779B9u         // Philox4x32.weyl0
#define weyl1 0xBB67AE85u         // Philox4x32.weyl1
#define rounds 10                 // Philox4x32.rounds

// Philox4x32.Block: four counter or output words of eight blocks, word-major.
typedef struct { uint8 x0, x1, x2, x3; } Block;

// Philox4x32.mulhilo: high and low 32 bits of a * b in each lane.
inline void mulhilo(uint8 a, uint b, uint8 *hi, uint8 *lo) {
    *hi = mul_hi(a, (uint8)(b));
    *lo = a * (uint8)(b);
}

// Philox4x32.round: one Philox4x32 round. The only renamed function: `round` is an
// OpenCL C built-in (round to integral value) and OpenCL C has no overloading.
inline Block philoxRound(Block x, uint k0, uint k1) {
    uint8 hi0, lo0, hi1, lo1;
    mulhilo(x.x0, multiplier0, &hi0, &lo0);
    mulhilo(x.x2, multiplier1, &hi1, &lo1);
    Block y;
    y.x0 = hi1 ^ x.x1 ^ (uint8)(k0);
    y.x1 = lo1;
    y.x2 = hi0 ^ x.x3 ^ (uint8)(k1);
    y.x3 = lo0;
    return y;
}

// Philox4x32.generate(_:key:rounds:): Philox4x32-10 of eight counters under one key;
// the Weyl key bump comes between rounds.
inline Block generate(Block counter, uint key0, uint key1) {
    Block x = counter;
    uint k0 = key0, k1 = key1;
    for (int r = 0; r < rounds; r++) {
        if (r > 0) { k0 += weyl0; k1 += weyl1; }
        x = philoxRound(x, k0, k1);
    }
    return x;
}

// ---------------------------------------------------------------------------------
// DeterministicMath (DeterministicMath.swift)
// ---------------------------------------------------------------------------------

#define ln2Hi 0x1.62e300p-1f               // DeterministicMath.ln2Hi
#define ln2Lo 0x1.2fefa2p-17f              // DeterministicMath.ln2Lo
#define sqrt2MantissaBits 0x003504F3u      // DeterministicMath.sqrt2MantissaBits
#define logQ0 -0x1p-1f                     // DeterministicMath.logQ.0 ...
#define logQ1 0x1.55554ep-2f
#define logQ2 -0x1.fffff4p-3f
#define logQ3 0x1.99a136p-3f
#define logQ4 -0x1.555f60p-3f
#define logQ5 0x1.237dfcp-3f
#define logQ6 -0x1.fc0442p-4f
#define logQ7 0x1.e2dfa4p-4f
#define logQ8 -0x1.dd7416p-4f
#define logQ9 0x1.1c57dap-4f               // ... DeterministicMath.logQ.9
#define rsqrtMagic 0x5F3759DFu             // DeterministicMath.rsqrtMagic
#define quarterPiHi 0.75f                  // DeterministicMath.quarterPiHi
#define quarterPiLo 0x1.21fb54p-5f         // DeterministicMath.quarterPiLo
#define sinS0 -0x1.4abbcep-4f              // DeterministicMath.sinS.0 ...
#define sinS1 0x1.466bbcp-9f
#define sinS2 -0x1.32cb0ep-15f
#define sinS3 0x1.4be288p-22f              // ... DeterministicMath.sinS.3
#define cosC0 -0x1.3bd3ccp-2f              // DeterministicMath.cosC.0 ...
#define cosC1 0x1.03c1f0p-6f
#define cosC2 -0x1.55d3bcp-12f
#define cosC3 0x1.e1e858p-19f
#define cosC4 -0x1.a1089cp-26f             // ... DeterministicMath.cosC.4

// DeterministicMath.deterministicLog: natural logarithm of positive, normal, finite lanes.
inline float8 deterministicLog(float8 u) {
    uint8 bits = as_uint8(u);
    uint8 mantissa = bits & 0x007FFFFFu;
    int8 aboveSqrt2 = mantissa > sqrt2MantissaBits;
    uint8 scaledBits = mantissa | select((uint8)(0x3F800000u), (uint8)(0x3F000000u), aboveSqrt2);
    int8 biasedExponent = as_int8(bits >> 23) - 127;
    int8 exponent = select(biasedExponent, biasedExponent + 1, aboveSqrt2);
    float8 f = as_float8(scaledBits) - 1.0f;
    float8 q = (float8)(logQ9);
    q = q * f + logQ8;
    q = q * f + logQ7;
    q = q * f + logQ6;
    q = q * f + logQ5;
    q = q * f + logQ4;
    q = q * f + logQ3;
    q = q * f + logQ2;
    q = q * f + logQ1;
    q = q * f + logQ0;
    float8 log1pF = f + (f * f) * q;
    float8 e = convert_float8(exponent);
    return e * ln2Hi + (e * ln2Lo + log1pF);
}

// DeterministicMath.deterministicSqrt: square root of non-negative, finite lanes (0 gives 0).
inline float8 deterministicSqrt(float8 s) {
    float8 y = as_float8((uint8)(rsqrtMagic) - (as_uint8(s) >> 1));
    float8 h = s * 0.5f;
    y = y * (1.5f - (h * y) * y);
    y = y * (1.5f - (h * y) * y);
    float8 r = s * y;
    r = r + (y * 0.5f) * (s - r * r);
    return select(r, (float8)(0.0f), s == 0.0f);
}

// DeterministicMath.sinCosEighthTurn: sin(pi/4 t) and cos(pi/4 t), t in [0, 1], <= 21 bits.
inline void sinCosEighthTurn(float8 t, float8 *sinOut, float8 *cosOut) {
    float8 z = t * t;
    float8 s = (float8)(sinS3);
    s = s * z + sinS2;
    s = s * z + sinS1;
    s = s * z + sinS0;
    float8 sinRest = quarterPiLo + z * s;
    float8 sin = t * quarterPiHi + t * sinRest;
    float8 c = (float8)(cosC4);
    c = c * z + cosC3;
    c = c * z + cosC2;
    c = c * z + cosC1;
    c = c * z + cosC0;
    float8 cos = 1.0f + z * c;
    *sinOut = sin;
    *cosOut = cos;
}

// ---------------------------------------------------------------------------------
// StreamTransforms (StreamTransforms.swift)
// ---------------------------------------------------------------------------------

#define twoPowMinus24 0x1p-24f             // StreamTransforms.twoPowMinus24
#define twoPowMinus32 0x1p-32f             // StreamTransforms.twoPowMinus32
#define twoPowMinus21 0x1p-21f             // StreamTransforms.twoPowMinus21

// StreamTransforms.uniformClosedOpen: (w >> 8) * 2^-24 in [0, 1), exact.
inline float8 uniformClosedOpen(uint8 w) {
    return convert_float8(as_int8(w >> 8)) * twoPowMinus24;
}

// StreamTransforms.uniformOpenClosed: RNE(w + 1) * 2^-32 in (0, 1]; w + 1 wraps to 0
// only for w = 0xFFFFFFFF, whose exact value 2^32 gives u = 1.
inline float8 uniformOpenClosed(uint8 w) {
    uint8 n = w + 1u;
    float8 u = convert_float8_rte(n) * twoPowMinus32;
    return select(u, (float8)(1.0f), n == 0u);
}

// StreamTransforms.boxMullerRadius: sqrt(-2 ln u), u = uniformOpenClosed(w).
inline float8 boxMullerRadius(uint8 w) {
    float8 u = uniformOpenClosed(w);
    float8 s = deterministicLog(u) * -2.0f;
    return deterministicSqrt(s);
}

// StreamTransforms.boxMullerAngle: cos and sin of the angle 2 pi (w >> 8) 2^-24.
inline void boxMullerAngle(uint8 w, float8 *cosOut, float8 *sinOut) {
    uint8 a = w >> 8;
    uint8 octant = a >> 21;
    uint8 position = a & 0x001FFFFFu;
    int8 odd = (octant & 1u) == 1u;
    uint8 tInt = select(position, 0x00200000u - position, odd);
    float8 t = convert_float8(as_int8(tInt)) * twoPowMinus21;
    float8 sinT, cosT;
    sinCosEighthTurn(t, &sinT, &cosT);
    uint8 signBit = (uint8)(0x80000000u);
    // Angle = k quarter turns + psi, psi = +-pi/4 t (negative in odd octants).
    float8 sinPsi = as_float8(as_uint8(sinT) ^ select(signBit, (uint8)(0u), !odd));
    uint8 k = ((octant + 1u) >> 1) & 3u;
    int8 swap = (k & 1u) == 1u;
    float8 cosRotated = select(cosT, sinPsi, swap);
    float8 sinRotated = select(sinPsi, cosT, swap);
    int8 negateCos = (k == 1u) | (k == 2u);
    int8 negateSin = (k == 2u) | (k == 3u);
    *cosOut = as_float8(as_uint8(cosRotated) ^ select(signBit, (uint8)(0u), !negateCos));
    *sinOut = as_float8(as_uint8(sinRotated) ^ select(signBit, (uint8)(0u), !negateSin));
}

// ---------------------------------------------------------------------------------
// TensorStream (TensorStream.swift)
// ---------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------
// Truncated normal (DeterministicErfinv.swift, TruncatedNormalTransform.swift)
// ---------------------------------------------------------------------------------

// DeterministicMath.deterministicErfinv: Giles (2011), single precision; both branches are
// computed only when some lane needs them (the selected value is the same either way).
inline float8 deterministicErfinv(float8 x) {
    float8 w = -deterministicLog((1.0f - x) * (1.0f + x));
    int8 central = w < 5.0f;
    float8 p = (float8)(0.0f);
    if (any(central)) {
        float8 wc = w - 2.5f;
        p = (float8)(2.81022636e-08f);
        p = 3.43273939e-07f + p * wc;
        p = -3.5233877e-06f + p * wc;
        p = -4.39150654e-06f + p * wc;
        p = 0.00021858087f + p * wc;
        p = -0.00125372503f + p * wc;
        p = -0.00417768164f + p * wc;
        p = 0.246640727f + p * wc;
        p = 1.50140941f + p * wc;
    }
    if (!all(central)) {
        float8 wt = deterministicSqrt(w) - 3.0f;
        float8 q = (float8)(-0.000200214257f);
        q = 0.000100950558f + q * wt;
        q = 0.00134934322f + q * wt;
        q = -0.00367342844f + q * wt;
        q = 0.00573950773f + q * wt;
        q = -0.0076224613f + q * wt;
        q = 0.00943887047f + q * wt;
        q = 1.00167406f + q * wt;
        q = 2.83297682f + q * wt;
        p = select(p, q, ~central);
    }
    return p * x;
}

#define erfArgumentLimit 0x1.fffffep-1f    // StreamTransforms.erfArgumentLimit
#define sqrt2 0x1.6a09e6p+0f               // StreamTransforms.sqrt2

// StreamTransforms.clampBetween: x < low ? low : x, then x > high ? high : x (no fmin/fmax, whose
// choice between -0 and +0 OpenCL leaves open).
inline float8 clampBetween(float8 x, float low, float high) {
    x = select(x, (float8)(low), x < low);
    return select(x, (float8)(high), x > high);
}

// StreamTransforms.truncatedStandardNormal.
inline float8 truncatedStandardNormal(uint8 w, float erfLow, float erfWidth) {
    float8 u = uniformClosedOpen(w);
    float8 y = clampBetween(u * erfWidth + erfLow, -erfArgumentLimit, erfArgumentLimit);
    return deterministicErfinv(y) * sqrt2;
}

// ---------------------------------------------------------------------------------
// ReducedPrecision (ReducedPrecision.swift): float32 -> float16 / bfloat16 bit patterns,
// round to nearest even, integer operations only. Shift counts are taken modulo 32, as
// Swift's masking shifts (&<<, &>>) take them.
// ---------------------------------------------------------------------------------

// ReducedPrecision.float16Bits: float16 patterns in the low 16 bits of each lane.
inline uint8 float16Bits(float8 x) {
    uint8 b = as_uint8(x);
    uint8 sign = (b >> 16) & 0x8000u;
    uint8 a = b & 0x7FFFFFFFu;
    uint8 rebased = a - 0x38000000u;
    uint8 normal = (rebased + 0x0FFFu + ((rebased >> 13) & 1u)) >> 13;
    uint8 e = a >> 23;
    uint8 m = (a & 0x007FFFFFu) | 0x00800000u;
    uint8 shift = ((uint8)(126u) - e) & 31u;
    uint8 subnormal = (m + ((((uint8)(1u)) << ((shift - 1u) & 31u)) - 1u) + ((m >> shift) & 1u)) >> shift;
    uint8 h = normal;
    h = select(h, subnormal, a < 0x38800000u);
    h = select(h, (uint8)(0u), a < 0x33000000u);
    h = select(h, (uint8)(0x7C00u), a >= 0x477FF000u);
    h = select(h, 0x7E00u | ((a >> 13) & 0x03FFu), a > 0x7F800000u);
    return sign | h;
}

// ReducedPrecision.bfloat16Bits: bfloat16 patterns in the low 16 bits of each lane.
inline uint8 bfloat16Bits(float8 x) {
    uint8 b = as_uint8(x);
    uint8 rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) >> 16;
    uint8 quietNaN = (b >> 16) | 0x0040u;
    return select(rounded, quietNaN, (b & 0x7FFFFFFFu) > 0x7F800000u);
}

// TensorStream.words(group:): Philox words of blocks 8 group ..< 8 group + 8.
inline Block words(ulong group, uint seedLo, uint seedHi, uint streamLo, uint streamHi) {
    ulong firstBlock = group * 8;
    Block counter;
    counter.x0 = (uint8)((uint)firstBlock) + (uint8)(0, 1, 2, 3, 4, 5, 6, 7);
    counter.x1 = (uint8)((uint)(firstBlock >> 32));
    counter.x2 = (uint8)(streamLo);
    counter.x3 = (uint8)(streamHi);
    return generate(counter, seedLo, seedHi);
}

// TensorStream.values(group:_:) for .uniform(low, high): element 4l + j = word j of lane l.
inline void valuesUniform(Block w, float low, float high, float8 *v0, float8 *v1, float8 *v2, float8 *v3) {
    float width = high - low;
    *v0 = uniformClosedOpen(w.x0) * width + low;
    *v1 = uniformClosedOpen(w.x1) * width + low;
    *v2 = uniformClosedOpen(w.x2) * width + low;
    *v3 = uniformClosedOpen(w.x3) * width + low;
}

// TensorStream.values(group:_:) for .normal(mean, std): radius of word 0 with the angle of
// word 1 gives elements 4l + 0 (cos) and 4l + 1 (sin); words 2 and 3 give 4l + 2, 4l + 3.
inline void valuesNormal(Block w, float mean, float std, float8 *v0, float8 *v1, float8 *v2, float8 *v3) {
    float8 r01 = boxMullerRadius(w.x0);
    float8 a01cos, a01sin;
    boxMullerAngle(w.x1, &a01cos, &a01sin);
    float8 r23 = boxMullerRadius(w.x2);
    float8 a23cos, a23sin;
    boxMullerAngle(w.x3, &a23cos, &a23sin);
    *v0 = (r01 * a01cos) * std + mean;
    *v1 = (r01 * a01sin) * std + mean;
    *v2 = (r23 * a23cos) * std + mean;
    *v3 = (r23 * a23sin) * std + mean;
}

// TensorStream.values(group:_:) for .truncatedNormal(mean, std, low, high): element 4l + j from
// word j of lane l; p = (mean, std, low, high, erfLow, erfWidth).
inline void valuesTruncatedNormal(Block w, float8 p, float8 *v0, float8 *v1, float8 *v2, float8 *v3) {
    *v0 = clampBetween(truncatedStandardNormal(w.x0, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v1 = clampBetween(truncatedStandardNormal(w.x1, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v2 = clampBetween(truncatedStandardNormal(w.x2, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v3 = clampBetween(truncatedStandardNormal(w.x3, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
}

// TensorStream.store(group:_:to:) restricted to the group's elements [begin, end):
// element e of the group goes to out[e - begin]; lane l of v0 ... v3 holds elements 4l ... 4l + 3.
// A full group is four stores per lane. type4 is float4 (float32) or ushort4 (16-bit patterns).
#define STORE_LANE(type4, l, sl)                                                    \
    {                                                                               \
        type4 lane = (type4)(v0.sl, v1.sl, v2.sl, v3.sl);                           \
        if (full) {                                                                 \
            vstore4(lane, 0, out + 4 * l);                                          \
        } else {                                                                    \
            if (4 * l + 0 >= begin && 4 * l + 0 < end) out[4 * l + 0 - begin] = lane.s0; \
            if (4 * l + 1 >= begin && 4 * l + 1 < end) out[4 * l + 1 - begin] = lane.s1; \
            if (4 * l + 2 >= begin && 4 * l + 2 < end) out[4 * l + 2 - begin] = lane.s2; \
            if (4 * l + 3 >= begin && 4 * l + 3 < end) out[4 * l + 3 - begin] = lane.s3; \
        }                                                                           \
    }
#define STORE_GROUP(type4)                                                          \
    bool full = begin == 0 && end == 32;                                            \
    STORE_LANE(type4, 0, s0) STORE_LANE(type4, 1, s1) STORE_LANE(type4, 2, s2) STORE_LANE(type4, 3, s3) \
    STORE_LANE(type4, 4, s4) STORE_LANE(type4, 5, s5) STORE_LANE(type4, 6, s6) STORE_LANE(type4, 7, s7)

inline void store(float8 v0, float8 v1, float8 v2, float8 v3, __global float *out, int begin, int end) {
    STORE_GROUP(float4)
}

// `store` for 16-bit storage (StorageType.store): each value converted by float16Bits, or by
// bfloat16Bits when bfloat != 0, then the same element order.
inline void store16(float8 f0, float8 f1, float8 f2, float8 f3, __global ushort *out, int begin, int end, uint bfloat) {
    ushort8 v0 = convert_ushort8(bfloat ? bfloat16Bits(f0) : float16Bits(f0));
    ushort8 v1 = convert_ushort8(bfloat ? bfloat16Bits(f1) : float16Bits(f1));
    ushort8 v2 = convert_ushort8(bfloat ? bfloat16Bits(f2) : float16Bits(f2));
    ushort8 v3 = convert_ushort8(bfloat ? bfloat16Bits(f3) : float16Bits(f3));
    STORE_GROUP(ushort4)
}

// Distribution codes of `fill`.
#define distributionUniform 0u
#define distributionNormal 1u
#define distributionTruncatedNormal 2u

// StorageType codes of the `storage` kernel argument.
#define storageFloat32 0u
#define storageFloat16 1u
#define storageBFloat16 2u

// CPUEngine.fillRange (and StorageType.store) on the device: element i of the range, i in
// [0, count), is element firstOffset + i of the stream counted from group firstGroup
// (firstOffset < 32), written to out as float32, float16 or bfloat16 (`storage`).
// Work-item k makes groups k, k + global size, ... (a grid-stride loop), so any global size is correct.
inline void fill(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,
                 float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint distribution, uint storage) {
    ulong end = (ulong)firstOffset + count;          // in elements from the start of firstGroup
    ulong groupCount = (end + 31) / 32;
    for (ulong g = get_global_id(0); g < groupCount; g += get_global_size(0)) {
        Block w = words(firstGroup + g, seedLo, seedHi, streamLo, streamHi);
        float8 v0, v1, v2, v3;
        if (distribution == distributionNormal) {
            valuesNormal(w, parameters.s0, parameters.s1, &v0, &v1, &v2, &v3);
        } else if (distribution == distributionTruncatedNormal) {
            valuesTruncatedNormal(w, parameters, &v0, &v1, &v2, &v3);
        } else {
            valuesUniform(w, parameters.s0, parameters.s1, &v0, &v1, &v2, &v3);
        }
        ulong groupStart = g * 32;                   // same origin as end
        int begin = g == 0 ? (int)firstOffset : 0;
        int stop = groupStart + 32 <= end ? 32 : (int)(end - groupStart);
        ulong position = groupStart + (ulong)begin - (ulong)firstOffset;   // index in out
        if (storage == storageFloat32) {
            store(v0, v1, v2, v3, (__global float *)out + position, begin, stop);
        } else {
            store16(v0, v1, v2, v3, (__global ushort *)out + position, begin, stop, storage == storageBFloat16);
        }
    }
}

// Uniform elements: parameters = (low, high, ...). See fill.
__kernel void fill_uniform(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,
                           float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint storage) {
    fill(seedLo, seedHi, streamLo, streamHi, firstGroup, parameters, out, firstOffset, count, distributionUniform, storage);
}

// Normal elements: parameters = (mean, std, ...). See fill.
__kernel void fill_normal(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,
                          float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint storage) {
    fill(seedLo, seedHi, streamLo, streamHi, firstGroup, parameters, out, firstOffset, count, distributionNormal, storage);
}

// Truncated normal elements: parameters = (mean, std, low, high, erfLow, erfWidth, ...). See fill.
__kernel void fill_truncated_normal(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,
                                    float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint storage) {
    fill(seedLo, seedHi, streamLo, streamHi, firstGroup, parameters, out, firstOffset, count, distributionTruncatedNormal, storage);
}
