/*
 * tensorseed.h — the C ABI of TensorSeed (library libTensorSeedC, built by
 * `swift build -c release --product TensorSeedC`).
 *
 * One function fills a caller's buffer with elements of a named tensor, bit-identical to what
 * `tensorseed init` writes for the same (seed, name, shape, scheme, dtype): every element is a pure
 * function of (seed, tensor name, element index), so any element range may be filled on its own.
 *
 * Nothing here aborts the process on bad input: every failure returns a nonzero code and writes
 * one line of UTF-8 text (NUL-terminated, truncated to fit) into the caller's error buffer.
 * Calls may come from any thread; they are serialized inside the library (each fill already
 * spreads over every core).
 */
#ifndef TENSORSEED_H
#define TENSORSEED_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The version of this ABI; changes whenever a signature or code changes meaning. */
#define TENSORSEED_ABI_VERSION 1

/** Return codes of tensorseed_fill. */
enum tensorseed_status {
    TENSORSEED_OK = 0,
    TENSORSEED_ERROR_ARGUMENT = 1, /* a null pointer, bad UTF-8, a dtype or range that does not fit */
    TENSORSEED_ERROR_SCHEME = 2,   /* the scheme JSON does not parse, or does not fit the shape */
    TENSORSEED_ERROR_ENGINE = 3,   /* the engine/device string is malformed or the device is unusable */
    TENSORSEED_ERROR_FILL = 4      /* generation failed (e.g. an orthogonal matrix too large for memory) */
};

/** TENSORSEED_ABI_VERSION of the loaded library. */
int32_t tensorseed_abi_version(void);

/**
 * Fills `buffer` with elements [offset, offset + count) of tensor `name` (row-major order).
 *
 * seed            the model's seed (as in a spec's "seed")
 * name, name_len  the tensor's name, UTF-8 bytes (no NUL needed)
 * shape, rank     the tensor's dimensions (rank 0 is a scalar)
 * scheme, scheme_len  the spec's scheme object as UTF-8 JSON, e.g. {"name": "normal", "std": 0.02}
 * dtype           "f32", "f16", "bf16" or "f64" (also "float32", "bfloat16", ...), NUL-terminated
 * offset, count   the element range; offset + count must not exceed the element count
 * device          "cpu", "auto" or "opencl:P.D", NUL-terminated (NULL means "cpu")
 * buffer          count × element-size bytes, written little-endian
 * buffer_bytes    the buffer's size; must be at least count × element size
 * error, error_capacity  where a failure's message goes (may be NULL / 0)
 *
 * Returns TENSORSEED_OK or one of the error codes above.
 */
int32_t tensorseed_fill(uint64_t seed,
                        const char *name, size_t name_len,
                        const int64_t *shape, size_t rank,
                        const char *scheme, size_t scheme_len,
                        const char *dtype,
                        uint64_t offset, uint64_t count,
                        const char *device,
                        void *buffer, size_t buffer_bytes,
                        char *error, size_t error_capacity);

/**
 * Writes the resolved recipe of `scheme` for `shape` (what is generated: e.g. the uniform bounds as
 * float32, exactly, in "low_bits"/"high_bits") as NUL-terminated JSON into `out`. Returns
 * TENSORSEED_OK, TENSORSEED_ERROR_SCHEME, or TENSORSEED_ERROR_ARGUMENT when `out` is too small.
 */
int32_t tensorseed_recipe(const int64_t *shape, size_t rank,
                          const char *scheme, size_t scheme_len,
                          char *out, size_t out_capacity,
                          char *error, size_t error_capacity);

#ifdef __cplusplus
}
#endif

#endif /* TENSORSEED_H */
