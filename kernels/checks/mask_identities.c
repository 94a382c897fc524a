// The integer identities the kernels use in place of Swift's comparisons (kernels/README.md, rules 3 and 4),
// checked against C on every 32-bit pattern. Not part of the test suite (minutes of CPU):
//   cc -O2 -ffp-contract=off -o /tmp/mask_identities kernels/checks/mask_identities.c && /tmp/mask_identities
// The functions below are transcriptions of tensorseed.cl's lessMask, floatOrderKey, unsignedLessMask,
// floatLessMask and deterministicLog's exponent step, for one lane.
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef uint32_t u32;

static u32 lessMask(u32 x, u32 bound) { return 0u - ((x - bound) >> 31); }
static u32 floatOrderKey(u32 bits) {
    u32 magnitude = bits & 0x7FFFFFFFu, negative = 0u - (bits >> 31);
    return 0x80000000u + ((magnitude ^ negative) - negative);
}
static u32 unsignedLessMask(u32 a, u32 b) { return 0u - (((~a & b) | (~(a ^ b) & (a - b))) >> 31); }
static u32 floatLessMask(u32 bx, u32 by) {
    u32 ordered = lessMask(bx & 0x7FFFFFFFu, 0x7F800001u) & lessMask(by & 0x7FFFFFFFu, 0x7F800001u);
    return unsignedLessMask(floatOrderKey(bx), floatOrderKey(by)) & ordered;
}
static float asFloat(u32 bits) { float f; memcpy(&f, &bits, 4); return f; }
static u32 maskOf(int truth) { return truth ? 0xFFFFFFFFu : 0u; }

static u32 state = 12345u;
static u32 xorshift(void) { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state; }

int main(void) {
    // +0, -0, erfinv's 5, the clamp's ±(1 - 2^-24), a NaN, -inf: each against every x, both ways.
    const u32 specials[] = {0x00000000u, 0x80000000u, 0x40A00000u, 0x3F7FFFFFu, 0xBF7FFFFFu, 0x7FC00000u, 0xFF800000u};
    unsigned long long checked = 0, wrong = 0;
    for (unsigned long long i = 0; i <= 0xFFFFFFFFull; i++) {
        u32 x = (u32)i;
        for (size_t k = 0; k < sizeof specials / sizeof specials[0]; k++) {
            u32 y = specials[k];
            wrong += floatLessMask(x, y) != maskOf(asFloat(x) < asFloat(y));
            wrong += floatLessMask(y, x) != maskOf(asFloat(y) < asFloat(x));
            checked += 2;
        }
        u32 y = xorshift();                       // a random pair, and a near one (same sign and exponent mostly)
        wrong += floatLessMask(x, y) != maskOf(asFloat(x) < asFloat(y));
        y = x ^ (xorshift() & 0xFFu);
        wrong += floatLessMask(x, y) != maskOf(asFloat(x) < asFloat(y));
        checked += 2;
        // deterministicSqrt's s == 0.
        wrong += lessMask(x & 0x7FFFFFFFu, 1u) != maskOf(asFloat(x) == 0.0f);
        // deterministicLog: the carry form against Swift's compare form (exponent and scaled mantissa).
        u32 mantissa = x & 0x007FFFFFu, above = maskOf((int32_t)mantissa > (int32_t)0x003504F3);
        u32 swiftExponent = (x >> 23) - 127u - above, swiftScaled = mantissa | (above ? 0x3F000000u : 0x3F800000u);
        u32 carried = (x & 0x7FFFFFFFu) + (0x007FFFFFu - 0x003504F3u);
        u32 exponent = (carried >> 23) + ((x >> 23) & 0x100u) - 127u;
        wrong += exponent != swiftExponent || x - (exponent << 23) != swiftScaled;
        checked += 2;
    }
    printf("%llu identities checked, %llu wrong\n", checked, wrong);
    return wrong != 0;
}
