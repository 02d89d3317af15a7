/* fips202.h - SHA-3 and SHAKE (FIPS 202) with the function names PQClean's
 * ML-KEM-768 / ML-DSA-65 sources call.
 *
 * Why ours and not PQClean's common/fips202.c: PQClean's version keeps each
 * context behind a malloc'd pointer and calls exit(111) when malloc fails,
 * so an allocation failure anywhere under ML-KEM/ML-DSA would end the whole
 * process (and every hash would count as an allocation). Here the Keccak
 * state lives inside the context struct: no allocation, nothing to release
 * (the *_release functions only wipe the state).
 *
 * cmake/pqclean.cmake puts this directory first on PQClean's include path,
 * so its sources compile against these types. Library-internal: not part of
 * the public API.
 *
 * Thread safety: contexts belong to one thread; the functions are pure. */
#ifndef LUXC_FIPS202_H
#define LUXC_FIPS202_H
#define FIPS202_H /* PQClean's include guard: never also pull in common/fips202.h */

#include <stddef.h>
#include <stdint.h>

#define SHAKE128_RATE 168
#define SHAKE256_RATE 136
#define SHA3_256_RATE 136
#define SHA3_384_RATE 104
#define SHA3_512_RATE 72

/* Keccak sponge: 25 little-endian lanes, and the byte position in the
 * current rate block (absorbing: bytes absorbed; squeezing: bytes used). */
typedef struct luxc_keccak_ctx {
    uint64_t s[25];
    size_t pos;
} luxc_keccak_ctx;

typedef luxc_keccak_ctx shake128incctx;
typedef luxc_keccak_ctx shake128ctx;
typedef luxc_keccak_ctx shake256incctx;
typedef luxc_keccak_ctx shake256ctx;
typedef luxc_keccak_ctx sha3_256incctx;
typedef luxc_keccak_ctx sha3_512incctx;

/* The Keccak-f[1600] permutation (FIPS 202 s3.3, 24 rounds). */
void luxc_keccak_f1600(uint64_t s[25]);

/* One-shot absorb (pads; the next squeeze permutes first) and squeeze of
 * whole rate blocks. */
void shake128_absorb(shake128ctx *state, const uint8_t *input, size_t inlen);
void shake128_squeezeblocks(uint8_t *output, size_t nblocks, shake128ctx *state);
void shake128_ctx_release(shake128ctx *state);
void shake256_absorb(shake256ctx *state, const uint8_t *input, size_t inlen);
void shake256_squeezeblocks(uint8_t *output, size_t nblocks, shake256ctx *state);
void shake256_ctx_release(shake256ctx *state);

/* Incremental: init, absorb any number of times, finalize, squeeze any
 * number of bytes any number of times. */
void shake128_inc_init(shake128incctx *state);
void shake128_inc_absorb(shake128incctx *state, const uint8_t *input, size_t inlen);
void shake128_inc_finalize(shake128incctx *state);
void shake128_inc_squeeze(uint8_t *output, size_t outlen, shake128incctx *state);
void shake128_inc_ctx_release(shake128incctx *state);
void shake256_inc_init(shake256incctx *state);
void shake256_inc_absorb(shake256incctx *state, const uint8_t *input, size_t inlen);
void shake256_inc_finalize(shake256incctx *state);
void shake256_inc_squeeze(uint8_t *output, size_t outlen, shake256incctx *state);
void shake256_inc_ctx_release(shake256incctx *state);

void shake128(uint8_t *output, size_t outlen, const uint8_t *input, size_t inlen);
void shake256(uint8_t *output, size_t outlen, const uint8_t *input, size_t inlen);
void sha3_256(uint8_t *output, const uint8_t *input, size_t inlen);
void sha3_512(uint8_t *output, const uint8_t *input, size_t inlen);

void sha3_256_inc_init(sha3_256incctx *state);
void sha3_256_inc_absorb(sha3_256incctx *state, const uint8_t *input, size_t inlen);
void sha3_256_inc_finalize(uint8_t *output, sha3_256incctx *state);
void sha3_512_inc_init(sha3_512incctx *state);
void sha3_512_inc_absorb(sha3_512incctx *state, const uint8_t *input, size_t inlen);
void sha3_512_inc_finalize(uint8_t *output, sha3_512incctx *state);

#endif /* LUXC_FIPS202_H */
