// TensorSeed stream kernels, SPEC.md version 1.
//
// A function-by-function mirror of Sources/TensorSeed/Stream/*.swift: every function below has the
// same name as its Swift twin and performs the same float32 operations in the same order. Only
// float +, -, * (correctly rounded on every conforming device), exact integer operations and exact
// or round-to-nearest-even conversions are used: no fma/mad, no log/sin/cos/sqrt/native_*/half_*
// built-ins, no division. Every sign, mask and selection is plain unsigned integer arithmetic; the
// rules, and why, are in kernels/README.md (read them before changing anything here).
//
// Two layouts share every function (README.md, "Layouts"), chosen by the build option TS_LANES:
//   -DTS_LANES=8  each work-item makes eight Philox blocks side by side as uint8 / float8 (one group
//                 of 32 elements; Swift's WordLanes / FloatLanes): CPU devices, which vectorize it.
//   -DTS_LANES=1  each work-item makes one Philox block (4 elements) as uint / float: GPUs, which run
//                 one work-item per SIMT lane; consecutive work-items store consecutive 16-byte runs.
// uintL / intL / floatL / ushortL below are the lane types of the layout.
//
// Build options are pinned by the host (OpenCLEngine.buildOptions): "-cl-std=CL1.2", the layout's
// -DTS_LANES, and nothing that relaxes math (never -cl-mad-enable, -cl-fast-relaxed-math,
// -cl-unsafe-math-optimizations, -cl-denorms-are-zero, -cl-finite-math-only).
// The pragma below forbids the compiler from fusing a * b + c on its own.

#pragma OPENCL FP_CONTRACT OFF

#if !defined(TS_LANES)
#error "build with -DTS_LANES=8 (eight Philox blocks per work-item) or -DTS_LANES=1 (one block per work-item)"
#elif TS_LANES == 8
typedef uint8 uintL;
typedef int8 intL;
typedef float8 floatL;
typedef ushort8 ushortL;
#define as_uintL as_uint8
#define as_intL as_int8
#define as_floatL as_float8
#define convert_floatL convert_float8
#define convert_floatL_rte convert_float8_rte
#define convert_ushortL convert_ushort8
#define laneIndices ((uint8)(0u, 1u, 2u, 3u, 4u, 5u, 6u, 7u))
#elif TS_LANES == 1
typedef uint uintL;
typedef int intL;
typedef float floatL;
typedef ushort ushortL;
#define as_uintL as_uint
#define as_intL as_int
#define as_floatL as_float
#define convert_floatL convert_float
#define convert_floatL_rte convert_float_rte
#define convert_ushortL convert_ushort
#define laneIndices 0u
#else
#error "TS_LANES must be 8 or 1"
#endif

// Every helper is inlined: a GPU compiler that keeps a call gives each work-item a call stack in
// scratch memory (README.md, "Checking the GPU shape"). `static`, so that a helper a driver does not
// inline is still defined in the program (a C99 `inline` definition without `static` is no external
// definition: the call would not link).
#define TS_INLINE static inline __attribute__((always_inline))

// ---------------------------------------------------------------------------------
// Lane masks (Lanes.swift): all ones or zero per lane, from unsigned arithmetic only
// ---------------------------------------------------------------------------------

// WordLanes.select(mask, a, b): a where mask is all ones, b where it is zero (`select` is an OpenCL built-in).
TS_INLINE uintL maskSelect(uintL mask, uintL a, uintL b) {
    return (a & mask) | (b & ~mask);
}

// WordLanes.lessMask: all ones where x < bound; x and bound below 2^31, so x - bound wraps past 2^31
// exactly when x < bound. (Swift shifts the signed difference arithmetically: the same 0 or -1.)
TS_INLINE uintL lessMask(uintL x, uint bound) {
    return (uintL)(0u) - ((x - bound) >> 31);
}

// WordLanes.greaterMask: all ones where x > bound; x and bound below 2^31.
TS_INLINE uintL greaterMask(uintL x, uint bound) {
    return (uintL)(0u) - (((uintL)(bound) - x) >> 31);
}

// WordLanes.anyBitSet for masks: nonzero when some lane is all ones. Swift ORs the lanes; `any` reads
// each lane's top bit, which a mask has exactly where it is all ones (README.md, rule 2).
TS_INLINE uint anyBitSet(uintL m) {
#if TS_LANES == 8
    return (uint)any(as_int8(m));
#else
    return m;
#endif
}

// Float comparisons as integer masks (no Swift function of these names: Swift compares floats, `.<`).
// For every pair of bit patterns, floatLessMask(x, y) is all ones exactly where IEEE-754 x < y holds:
// NaNs compare false, -0 and +0 are equal (README.md, rule 4, has the proof).

// 2^31 + |x| for x >= +0, 2^31 - |x| for x <= -0 (|x| the magnitude bits): for non-NaN x, ordered
// as x is, and the same key for -0 and +0. Non-NaN keys lie in [2^23, 2^32 - 2^23].
TS_INLINE uintL floatOrderKey(uintL bits) {
    uintL magnitude = bits & 0x7FFFFFFFu;
    uintL negative = (uintL)(0u) - (bits >> 31);
    return 0x80000000u + ((magnitude ^ negative) - negative);
}

// All ones where a < b as unsigned 32-bit words: the borrow out of a - b, (~a & b) | (~(a ^ b) & (a - b))
// in the top bit (H. S. Warren, Hacker's Delight, 2nd ed., section 2-12).
TS_INLINE uintL unsignedLessMask(uintL a, uintL b) {
    return (uintL)(0u) - (((~a & b) | (~(a ^ b) & (a - b))) >> 31);
}

// All ones where x < y (IEEE-754, any bit patterns); the twin of Swift's `x .< y`.
TS_INLINE uintL floatLessMask(floatL x, floatL y) {
    uintL bx = as_uintL(x), by = as_uintL(y);
    uintL ordered = lessMask(bx & 0x7FFFFFFFu, 0x7F800001u) & lessMask(by & 0x7FFFFFFFu, 0x7F800001u);   // neither is NaN
    return unsignedLessMask(floatOrderKey(bx), floatOrderKey(by)) & ordered;
}

// ---------------------------------------------------------------------------------
// Philox4x32 (Philox4x32.swift)
// ---------------------------------------------------------------------------------

#define multiplier0 0xD2511F53u   // Philox4x32.multiplier0
#define multiplier1 0xCD9E8D57u   // Philox4x32.multiplier1
#define weyl0 0x9E3779B9u         // Philox4x32.weyl0
#define weyl1 0xBB67AE85u         // Philox4x32.weyl1

// Philox4x32.Block: four counter or output words of TS_LANES blocks, word-major.
typedef struct { uintL x0, x1, x2, x3; } Block;

// Philox4x32.mulhilo: high and low 32 bits of a * b in each lane.
TS_INLINE void mulhilo(uintL a, uint b, uintL *hi, uintL *lo) {
    *hi = mul_hi(a, (uintL)(b));
    *lo = a * (uintL)(b);
}

// Philox4x32.round: one Philox4x32 round. The only renamed function: `round` is an
// OpenCL C built-in (round to integral value) and OpenCL C has no overloading.
TS_INLINE Block philoxRound(Block x, uint k0, uint k1) {
    uintL hi0, lo0, hi1, lo1;
    mulhilo(x.x0, multiplier0, &hi0, &lo0);
    mulhilo(x.x2, multiplier1, &hi1, &lo1);
    Block y;
    y.x0 = hi1 ^ x.x1 ^ (uintL)(k0);
    y.x1 = lo1;
    y.x2 = hi0 ^ x.x3 ^ (uintL)(k1);
    y.x3 = lo0;
    return y;
}

// Philox4x32.generate(_:key:rounds:): Philox4x32-10 of TS_LANES counters under one key;
// the Weyl key bump comes between rounds. The `rounds` loop spelled out, as in Swift: a compiler
// that sees mul_hi as a call before linking its built-ins does not unroll it (clang with libclc).
TS_INLINE Block generate(Block counter, uint key0, uint key1) {
    Block x = counter;
    uint k0 = key0, k1 = key1;
    x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
    k0 += weyl0; k1 += weyl1; x = philoxRound(x, k0, k1);
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
TS_INLINE floatL deterministicLog(floatL u) {
    uintL bits = as_uintL(u);
    // Swift compares the mantissa with sqrt2MantissaBits and subtracts the mask from the exponent; here the
    // comparison is the carry of an addition (README.md, rule 3): the magnitude plus 2^23 - 1 - sqrt2MantissaBits
    // carries into the exponent field exactly when the mantissa is above sqrt2MantissaBits. With the sign bit
    // counted as Swift's bits >> 23 counts it, exponent is Swift's biasedExponent (+ 1 above sqrt 2) for every
    // pattern, and scaledBits, bits less exponent in the exponent field, is Swift's mantissa | 0x3F000000 or 0x3F800000.
    uintL carried = (bits & 0x7FFFFFFFu) + (0x007FFFFFu - sqrt2MantissaBits);
    uintL exponent = (carried >> 23) + ((bits >> 23) & 0x100u) - 127u;
    uintL scaledBits = bits - (exponent << 23);
    floatL f = as_floatL(scaledBits) - 1.0f;
    floatL q = (floatL)(logQ9);
    q = q * f + logQ8;
    q = q * f + logQ7;
    q = q * f + logQ6;
    q = q * f + logQ5;
    q = q * f + logQ4;
    q = q * f + logQ3;
    q = q * f + logQ2;
    q = q * f + logQ1;
    q = q * f + logQ0;
    floatL log1pF = f + (f * f) * q;
    floatL e = convert_floatL(as_intL(exponent));   // |exponent| < 2^9: exact
    return e * ln2Hi + (e * ln2Lo + log1pF);
}

// DeterministicMath.deterministicSqrt: square root of non-negative, finite lanes (+0 and -0 give +0).
TS_INLINE floatL deterministicSqrt(floatL s) {
    floatL y = as_floatL((uintL)(rsqrtMagic) - (as_uintL(s) >> 1));
    floatL h = s * 0.5f;
    y = y * (1.5f - (h * y) * y);
    y = y * (1.5f - (h * y) * y);
    floatL r = s * y;
    r = r + (y * 0.5f) * (s - r * r);
    // Swift masks where s == 0 (float compare): true exactly for the patterns +0 and -0, whose
    // magnitude bits are 0, the one value below 1.
    uintL isZero = lessMask(as_uintL(s) & 0x7FFFFFFFu, 1u);
    return as_floatL(as_uintL(r) & ~isZero);
}

// DeterministicMath.sinCosEighthTurn: sin(pi/4 t) and cos(pi/4 t), t in [0, 1], <= 21 bits.
TS_INLINE void sinCosEighthTurn(floatL t, floatL *sinOut, floatL *cosOut) {
    floatL z = t * t;
    floatL s = (floatL)(sinS3);
    s = s * z + sinS2;
    s = s * z + sinS1;
    s = s * z + sinS0;
    floatL sinRest = quarterPiLo + z * s;
    floatL sinValue = t * quarterPiHi + t * sinRest;
    floatL c = (floatL)(cosC4);
    c = c * z + cosC3;
    c = c * z + cosC2;
    c = c * z + cosC1;
    c = c * z + cosC0;
    floatL cosValue = 1.0f + z * c;
    *sinOut = sinValue;
    *cosOut = cosValue;
}

// ---------------------------------------------------------------------------------
// StreamTransforms (StreamTransforms.swift)
// ---------------------------------------------------------------------------------

#define twoPowMinus24 0x1p-24f             // StreamTransforms.twoPowMinus24
#define twoPowMinus32 0x1p-32f             // StreamTransforms.twoPowMinus32
#define twoPowMinus21 0x1p-21f             // StreamTransforms.twoPowMinus21

// StreamTransforms.uniformClosedOpen: (w >> 8) * 2^-24 in [0, 1), exact.
TS_INLINE floatL uniformClosedOpen(uintL w) {
    return convert_floatL(as_intL(w >> 8)) * twoPowMinus24;
}

// StreamTransforms.uniformOpenClosed: RNE(w + 1) * 2^-32 in (0, 1]; w + 1 wraps to 0 only for
// w = 0xFFFFFFFF, whose exact value 2^32 gives u = 1. (Swift converts n by two exact halves and
// one rounding: the correctly rounded value, as convert_float_rte is.)
TS_INLINE floatL uniformOpenClosed(uintL w) {
    uintL n = w + 1u;
    floatL u = convert_floatL_rte(n) * twoPowMinus32;
#if TS_LANES == 1
    if (n == 0u) u = 1.0f;   // one lane: the wrap as an `if` condition (README.md, rule 1); 1.0f = +0 | 0x3F800000
    return u;
#else
    // n = 0 gives u = +0, the one lane whose bits minus one has the top bit set: all ones there.
    uintL wrapped = (uintL)(0u) - ((as_uintL(u) - 1u) >> 31);
    return as_floatL(as_uintL(u) | (wrapped & 0x3F800000u));
#endif
}

// StreamTransforms.boxMullerRadius: sqrt(-2 ln u), u = uniformOpenClosed(w).
TS_INLINE floatL boxMullerRadius(uintL w) {
    floatL u = uniformOpenClosed(w);
    floatL s = deterministicLog(u) * -2.0f;
    return deterministicSqrt(s);
}

// StreamTransforms.boxMullerAngle: cos and sin of the angle 2 pi (w >> 8) 2^-24.
TS_INLINE void boxMullerAngle(uintL w, floatL *cosOut, floatL *sinOut) {
    uintL a = w >> 8;
    uintL octant = a >> 21;
    uintL position = a & 0x001FFFFFu;
#if TS_LANES == 1
    // One lane: the octant's low bit is an `if` condition (README.md, rule 1) instead of a mask.
    uintL tInt = position;
    if ((octant & 1u) != 0u) tInt = 0x00200000u - position;
#else
    uintL odd = (uintL)(0u) - (octant & 1u);                         // all ones in odd octants
    uintL tInt = maskSelect(odd, 0x00200000u - position, position);
#endif
    floatL t = convert_floatL(as_intL(tInt)) * twoPowMinus21;        // tInt <= 2^21: exact
    floatL sinT, cosT;
    sinCosEighthTurn(t, &sinT, &cosT);
    // Angle = k quarter turns + psi, psi = +-pi/4 t (negative in odd octants).
    floatL sinPsi = as_floatL(as_uintL(sinT) ^ (octant << 31));
    uintL k = ((octant + 1u) >> 1) & 3u;
#if TS_LANES == 1
    floatL cosRotated = cosT, sinRotated = sinPsi;
    if ((k & 1u) != 0u) { cosRotated = sinPsi; sinRotated = cosT; }  // k = 1, 3 swap (an `if`, rule 1)
#else
    uintL swap = (uintL)(0u) - (k & 1u);                              // all ones for k = 1, 3
    floatL cosRotated = as_floatL(maskSelect(swap, as_uintL(sinPsi), as_uintL(cosT)));
    floatL sinRotated = as_floatL(maskSelect(swap, as_uintL(cosT), as_uintL(sinPsi)));
#endif
    uintL negateCos = (k ^ (k >> 1)) << 31;                           // sign bit for k = 1, 2
    uintL negateSin = (k >> 1) << 31;                                 // sign bit for k = 2, 3
    *cosOut = as_floatL(as_uintL(cosRotated) ^ negateCos);
    *sinOut = as_floatL(as_uintL(sinRotated) ^ negateSin);
}

// ---------------------------------------------------------------------------------
// Truncated normal (DeterministicErfinv.swift, TruncatedNormalTransform.swift)
// ---------------------------------------------------------------------------------

// DeterministicMath.erfinvLogTerm: w = -ln((1 - x)(1 + x)), the argument of erfinv's polynomials.
TS_INLINE floatL erfinvLogTerm(floatL x) {
    return -deterministicLog((1.0f - x) * (1.0f + x));
}

// DeterministicMath.erfinvCentralLanes: all ones where w < 5 (the central polynomial), zero elsewhere.
TS_INLINE uintL erfinvCentralLanes(floatL w) {
    return floatLessMask(w, (floatL)(5.0f));
}

// DeterministicMath.erfinvPolynomial: P(w - 2.5) where `central` is all ones, Q(sqrt(w) - 3) elsewhere;
// the caller says (nonzero) which polynomials to evaluate, at least those some lane needs.
TS_INLINE floatL erfinvPolynomial(floatL w, uintL central, uint evaluateCentral, uint evaluateTail) {
    floatL p = (floatL)(0.0f);
    if (evaluateCentral != 0u) {
        floatL wc = w - 2.5f;
        p = (floatL)(2.81022636e-08f);
        p = 3.43273939e-07f + p * wc;
        p = -3.5233877e-06f + p * wc;
        p = -4.39150654e-06f + p * wc;
        p = 0.00021858087f + p * wc;
        p = -0.00125372503f + p * wc;
        p = -0.00417768164f + p * wc;
        p = 0.246640727f + p * wc;
        p = 1.50140941f + p * wc;
    }
    if (evaluateTail != 0u) {
        floatL wt = deterministicSqrt(w) - 3.0f;
        floatL q = (floatL)(-0.000200214257f);
        q = 0.000100950558f + q * wt;
        q = 0.00134934322f + q * wt;
        q = -0.00367342844f + q * wt;
        q = 0.00573950773f + q * wt;
        q = -0.0076224613f + q * wt;
        q = 0.00943887047f + q * wt;
        q = 1.00167406f + q * wt;
        q = 2.83297682f + q * wt;
        p = as_floatL(maskSelect(central, as_uintL(p), as_uintL(q)));
    }
    return p;
}

// DeterministicMath.deterministicErfinv: Giles (2011), single precision; each polynomial is
// evaluated only when some lane needs it (the selected value is the same either way).
TS_INLINE floatL deterministicErfinv(floatL x) {
    floatL w = erfinvLogTerm(x);
#if TS_LANES == 1
    // One lane: w < 5 is an `if` condition (README.md, rule 1), true exactly where erfinvCentralLanes(w) is
    // all ones (IEEE <, rule 4: NaN takes the tail, as there), so p is the lane's own polynomial. The central
    // one is always evaluated and the rare tail branched to, so a warp of central lanes does not diverge.
    floatL p = erfinvPolynomial(w, 0xFFFFFFFFu, 1u, 0u);
    if (!(w < 5.0f)) p = erfinvPolynomial(w, 0u, 0u, 1u);
    return p * x;
#else
    uintL central = erfinvCentralLanes(w);
    return erfinvPolynomial(w, central, anyBitSet(central), anyBitSet(~central)) * x;
#endif
}

#define erfArgumentLimit 0x1.fffffep-1f    // StreamTransforms.erfArgumentLimit
#define sqrt2 0x1.6a09e6p+0f               // StreamTransforms.sqrt2

// StreamTransforms.clampBetween: x < low ? low : x, then x > high ? high : x (no fmin/fmax, whose
// choice between -0 and +0 OpenCL leaves open); the comparisons are floatLessMask, or in the one-lane
// layout IEEE < as `if` conditions (README.md, rule 1), which floatLessMask equals on every pair (rule 4).
TS_INLINE floatL clampBetween(floatL x, float low, float high) {
#if TS_LANES == 1
    if (x < low) x = low;
    if (high < x) x = high;
    return x;
#else
    uintL raised = maskSelect(floatLessMask(x, (floatL)(low)), as_uintL((floatL)(low)), as_uintL(x));
    return as_floatL(maskSelect(floatLessMask((floatL)(high), as_floatL(raised)), as_uintL((floatL)(high)), raised));
#endif
}

// StreamTransforms.truncatedErfArgument: u * erfWidth + erfLow kept in +-(1 - 2^-24), u = uniformClosedOpen(w).
TS_INLINE floatL truncatedErfArgument(uintL w, float erfLow, float erfWidth) {
    return clampBetween(uniformClosedOpen(w) * erfWidth + erfLow, -erfArgumentLimit, erfArgumentLimit);
}

// StreamTransforms.truncatedStandardNormal: sqrt(2) erfinv(truncatedErfArgument(w)).
TS_INLINE floatL truncatedStandardNormal(uintL w, float erfLow, float erfWidth) {
    return deterministicErfinv(truncatedErfArgument(w, erfLow, erfWidth)) * sqrt2;
}

// ---------------------------------------------------------------------------------
// ReducedPrecision (ReducedPrecision.swift): float32 -> float16 / bfloat16 bit patterns,
// round to nearest even, unsigned integer operations only; every shift count is below 32.
// ---------------------------------------------------------------------------------

// ReducedPrecision.float16Bits: float16 patterns in the low 16 bits of each lane.
TS_INLINE uintL float16Bits(floatL x) {
    uintL b = as_uintL(x);
    uintL sign = (b >> 16) & 0x8000u;
    uintL a = b & 0x7FFFFFFFu;
    // Normal float16 range: rebias the exponent (127 - 15 = 112) and round 13 bits away.
    uintL rebased = a - 0x38000000u;
    uintL normal = (rebased + 0x0FFFu + ((rebased >> 13) & 1u)) >> 13;
    // Subnormal float16 range [2^-25, 2^-14): value / 2^-24 = m 2^(e - 126), rounded to nearest even;
    // computed only when some lane needs it.
    uintL isSubnormal = lessMask(a, 0x38800000u);
    uintL h = normal;
    if (anyBitSet(isSubnormal) != 0u) {
        uintL e = a >> 23;
        uintL m = (a & 0x007FFFFFu) | 0x00800000u;
        uintL shift = ((uintL)(126u) - e) & 31u;
        uintL subnormal = (m + (((uintL)(1u) << ((shift - 1u) & 31u)) - 1u) + ((m >> shift) & 1u)) >> shift;
        h = maskSelect(isSubnormal, subnormal, h);
    }
    h = maskSelect(lessMask(a, 0x33000000u), (uintL)(0u), h);
    h = maskSelect(greaterMask(a, 0x477FEFFFu), (uintL)(0x7C00u), h);   // a >= 0x477FF000
    h = maskSelect(greaterMask(a, 0x7F800000u), 0x7E00u | ((a >> 13) & 0x03FFu), h);
    return sign | h;
}

// ReducedPrecision.bfloat16Bits: bfloat16 patterns in the low 16 bits of each lane.
TS_INLINE uintL bfloat16Bits(floatL x) {
    uintL b = as_uintL(x);
    uintL rounded = (b + 0x7FFFu + ((b >> 16) & 1u)) >> 16;
    uintL quietNaN = (b >> 16) | 0x0040u;
    return maskSelect(greaterMask(b & 0x7FFFFFFFu, 0x7F800000u), quietNaN, rounded);
}

// ---------------------------------------------------------------------------------
// TensorStream (TensorStream.swift)
// ---------------------------------------------------------------------------------

// TensorStream.words(group:), which starts at block 8 group: here the TS_LANES blocks from firstBlock,
// lane l being block firstBlock + l. firstBlock is a multiple of TS_LANES, so no lane's word 0 carries.
TS_INLINE Block words(ulong firstBlock, uint seedLo, uint seedHi, uint streamLo, uint streamHi) {
    Block counter;
    counter.x0 = (uintL)((uint)firstBlock) + laneIndices;
    counter.x1 = (uintL)((uint)(firstBlock >> 32));
    counter.x2 = (uintL)(streamLo);
    counter.x3 = (uintL)(streamHi);
    return generate(counter, seedLo, seedHi);
}

// TensorStream.values(group:_:), one case per function: element 4l + j of the work-item's blocks is word j
// of lane l, its value in v0 ... v3 (vj = word j). Every case takes the kernel's `parameters`.

// ... for .uniform(low, high); parameters = (low, high, width, ...), width = high - low rounded to float32
// by the host as Swift's values(group:_:) computes it (the same correctly rounded subtraction; README.md, rule 10).
TS_INLINE void valuesUniform(Block w, float8 p, floatL *v0, floatL *v1, floatL *v2, floatL *v3) {
    float low = p.s0, width = p.s2;
    *v0 = uniformClosedOpen(w.x0) * width + low;
    *v1 = uniformClosedOpen(w.x1) * width + low;
    *v2 = uniformClosedOpen(w.x2) * width + low;
    *v3 = uniformClosedOpen(w.x3) * width + low;
}

// ... for .normal(mean, std); parameters = (mean, std, ...): the radius of word 0 with the angle of word 1
// gives elements 4l + 0 (cos) and 4l + 1 (sin); words 2 and 3 give 4l + 2, 4l + 3.
TS_INLINE void valuesNormal(Block w, float8 p, floatL *v0, floatL *v1, floatL *v2, floatL *v3) {
    float mean = p.s0, std = p.s1;
    floatL r01 = boxMullerRadius(w.x0);
    floatL a01cos, a01sin;
    boxMullerAngle(w.x1, &a01cos, &a01sin);
    floatL r23 = boxMullerRadius(w.x2);
    floatL a23cos, a23sin;
    boxMullerAngle(w.x3, &a23cos, &a23sin);
    *v0 = (r01 * a01cos) * std + mean;
    *v1 = (r01 * a01sin) * std + mean;
    *v2 = (r23 * a23cos) * std + mean;
    *v3 = (r23 * a23sin) * std + mean;
}

// ... for .truncatedNormal(mean, std, low, high); parameters = (mean, std, low, high, erfLow, erfWidth, ...).
TS_INLINE void valuesTruncatedNormal(Block w, float8 p, floatL *v0, floatL *v1, floatL *v2, floatL *v3) {
    *v0 = clampBetween(truncatedStandardNormal(w.x0, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v1 = clampBetween(truncatedStandardNormal(w.x1, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v2 = clampBetween(truncatedStandardNormal(w.x2, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
    *v3 = clampBetween(truncatedStandardNormal(w.x3, p.s4, p.s5) * p.s1 + p.s0, p.s2, p.s3);
}

// TensorStream.store(group:_:to:): the 4 TS_LANES elements of item `item` to out[4 TS_LANES item ...]
// in element order, lane l's four words as one vstore4 (elements 4l ... 4l + 3). (A float4 assignment
// through a float4 pointer would be one 16-byte store on NVIDIA where vstore4 is four, but Oclgrind's
// --uninitialized check reports every such store as uninitialized: README.md, rule 7.)
#if TS_LANES == 8
#define STORE_ITEM(type4, v0, v1, v2, v3, item, out)                               \
    vstore4((type4)(v0.s0, v1.s0, v2.s0, v3.s0), 8u * (item) + 0u, out);           \
    vstore4((type4)(v0.s1, v1.s1, v2.s1, v3.s1), 8u * (item) + 1u, out);           \
    vstore4((type4)(v0.s2, v1.s2, v2.s2, v3.s2), 8u * (item) + 2u, out);           \
    vstore4((type4)(v0.s3, v1.s3, v2.s3, v3.s3), 8u * (item) + 3u, out);           \
    vstore4((type4)(v0.s4, v1.s4, v2.s4, v3.s4), 8u * (item) + 4u, out);           \
    vstore4((type4)(v0.s5, v1.s5, v2.s5, v3.s5), 8u * (item) + 5u, out);           \
    vstore4((type4)(v0.s6, v1.s6, v2.s6, v3.s6), 8u * (item) + 6u, out);           \
    vstore4((type4)(v0.s7, v1.s7, v2.s7, v3.s7), 8u * (item) + 7u, out);
#else
#define STORE_ITEM(type4, v0, v1, v2, v3, item, out)                               \
    vstore4((type4)(v0, v1, v2, v3), (item), out);
#endif

// StorageType codes of the `storage` kernel argument (OpenCLEngine.storageCode).
#define storageFloat32 0u
#define storageFloat16 1u
#define storageBFloat16 2u

// StorageType.store on the device: float32 as is, float16 / bfloat16 as the patterns of
// float16Bits / bfloat16Bits (each below 2^16, so the conversion to ushort is exact).
TS_INLINE void store(floatL v0, floatL v1, floatL v2, floatL v3, __global uchar *out, uint item, uint storage) {
    if (storage == storageFloat32) {
        __global float *o = (__global float *)out;
        STORE_ITEM(float4, v0, v1, v2, v3, item, o)
    } else if (storage == storageBFloat16) {
        __global ushort *o = (__global ushort *)out;
        ushortL h0 = convert_ushortL(bfloat16Bits(v0)), h1 = convert_ushortL(bfloat16Bits(v1));
        ushortL h2 = convert_ushortL(bfloat16Bits(v2)), h3 = convert_ushortL(bfloat16Bits(v3));
        STORE_ITEM(ushort4, h0, h1, h2, h3, item, o)
    } else {
        __global ushort *o = (__global ushort *)out;
        ushortL h0 = convert_ushortL(float16Bits(v0)), h1 = convert_ushortL(float16Bits(v1));
        ushortL h2 = convert_ushortL(float16Bits(v2)), h3 = convert_ushortL(float16Bits(v3));
        STORE_ITEM(ushort4, h0, h1, h2, h3, item, o)
    }
}

// ---------------------------------------------------------------------------------
// Kernels: CPUEngine.fillRange on the device
// ---------------------------------------------------------------------------------
//
// One launch makes whole groups from group firstGroup on: out[e] is element 32 firstGroup + e of the
// stream, as float32, float16 or bfloat16 (`storage`), for e in [0, firstOffset + count) rounded up to
// a multiple of 4 TS_LANES; the caller's range is out[firstOffset ..< firstOffset + count] and out must
// hold firstOffset + count rounded up to a multiple of 32 elements. firstOffset + count < 2^31.
// Item `item` is blocks 8 firstGroup + TS_LANES item + l, l < TS_LANES. Work-item g makes items g,
// g + G, g + 2G, ... below itemCount (G the global size, any size below 2^31: the host caps it at what
// the device holds resident, README.md "Layouts"), so the key schedule and the launch's setup are paid once per
// work-item, not per item; work-items past the end make nothing. The distribution is the kernel's own
// (no run-time switch); the storage type is one uniform branch per item.

// The items of a launch: ceil((firstOffset + count) / (4 TS_LANES)), in 32 bits.
TS_INLINE uint itemCount(uint firstOffset, ulong count) {
    return (firstOffset + (uint)count + (4u * TS_LANES - 1u)) / (4u * TS_LANES);
}

// The first block of item `item`.
TS_INLINE ulong firstBlockOf(ulong firstGroup, uint item) {
    return firstGroup * 8 + (ulong)(TS_LANES * item);
}

// One kernel per distribution, each with its own values function (no run-time switch):
// __kernel void NAME(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,
//                    float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint storage)
#define FILL_KERNEL(name, valuesOfBlocks)                                                               \
    __kernel void name(uint seedLo, uint seedHi, uint streamLo, uint streamHi, ulong firstGroup,        \
                       float8 parameters, __global uchar *out, uint firstOffset, ulong count, uint storage) { \
        uint items = itemCount(firstOffset, count);                                                     \
        /* items < 2^29 and the host's global size < 2^31 (README.md), so item + stride never wraps. */  \
        uint stride = (uint)get_global_size(0);                                                         \
        for (uint item = (uint)get_global_id(0); item < items; item += stride) {                        \
            Block w = words(firstBlockOf(firstGroup, item), seedLo, seedHi, streamLo, streamHi);        \
            floatL v0, v1, v2, v3;                                                                      \
            valuesOfBlocks(w, parameters, &v0, &v1, &v2, &v3);                                          \
            store(v0, v1, v2, v3, out, item, storage);                                                  \
        }                                                                                               \
    }

// fill_uniform: parameters = (low, high, high - low, ...).
FILL_KERNEL(fill_uniform, valuesUniform)

// fill_normal: parameters = (mean, std, ...).
FILL_KERNEL(fill_normal, valuesNormal)

// fill_truncated_normal: parameters = (mean, std, low, high, erfLow, erfWidth, ...).
FILL_KERNEL(fill_truncated_normal, valuesTruncatedNormal)
