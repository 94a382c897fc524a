// The AVX2 build of WideStream.h: 32 lanes, four ymm registers per operation (16 lanes, two ymm, measured
// slower on Zen 4; 64 lanes spilled: the normal lost 14 %).
#if defined(__x86_64__)
#define TS_LANES 32
#define TS_PATH(name) name##_avx2
#define TS_TARGET __attribute__((target("avx2")))
#include "WideStream.h"
#endif
