// The exhaustive check behind deterministicLog's integer steps in Sources/CWideStream/WideStream.h: for every
// float32 bit pattern with the sign bit clear (2^31 of them), one subtraction gives the exponent and scaledBits
// that Swift's mantissa test, select and adjustment give (DeterministicMath.swift). A few seconds:
//
//   cc -O2 Benchmarks/cpu-paths/log-integers.c -o /tmp/log-integers && /tmp/log-integers
#include <stdint.h>
#include <stdio.h>

int main(void) {
    uint64_t differences = 0;
    for (uint64_t pattern = 0; pattern < 0x80000000ull; pattern++) {
        const uint32_t bits = (uint32_t)pattern;
        // Swift: the mantissa against √2's, scaledBits by a select, the exponent less one where above.
        const uint32_t mantissa = bits & 0x007FFFFFu;
        const uint32_t aboveSqrt2 = (int32_t)mantissa > 0x003504F3 ? 0xFFFFFFFFu : 0;
        const uint32_t scaledBits = mantissa | ((0x3F000000u & aboveSqrt2) | (0x3F800000u & ~aboveSqrt2));
        const int32_t exponent = (int32_t)(bits >> 23) - 127 - (int32_t)aboveSqrt2;
        // C: one subtraction that borrows from the exponent exactly when the mantissa is at most 0x3504F3.
        const int32_t t = (int32_t)(bits - 0x3F3504F4u);
        if ((t >> 23) != exponent || (((uint32_t)t & 0x007FFFFFu) + 0x3F3504F4u) != scaledBits) {
            if (differences++ < 5) printf("differs at 0x%08x\n", bits);
        }
    }
    printf("%llu differences in 2^31 patterns\n", (unsigned long long)differences);
    return differences != 0;
}
