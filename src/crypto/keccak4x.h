/* keccak4x.h - four SHAKE instances side by side (FIPS 202), for the
 * samplers that expand many independent seeds (ML-DSA's ExpandA and
 * ExpandMask). Lanes are GCC/clang vectors of four uint64_t: with
 * -march=native on AVX2 / AVX-512VL machines each Keccak step is one vector
 * instruction for all four instances; elsewhere the compiler lowers the
 * vectors to narrower or scalar code, still correct. Library-internal.
 *
 * Thread safety: a state belongs to one thread; the functions are pure. */
#ifndef LUXC_KECCAK4X_H
#define LUXC_KECCAK4X_H

#include <stddef.h>
#include <stdint.h>

typedef uint64_t luxc_v4 __attribute__((vector_size(32)));

typedef struct luxc_keccakx4 {
    luxc_v4 s[25]; /* lane i of instance t is s[i][t] */
} luxc_keccakx4;

/* Keccak-f[1600] on all four states. */
void luxc_keccakx4_f1600(luxc_v4 s[25]);

/* 1 if the 4-way permutation runs on real vector instructions here (it is
 * always correct; when 0 it is slower than four scalar permutations, and
 * callers should use the scalar sponge instead). */
int luxc_keccakx4_fast(void);

/* Start four SHAKE instances of the given rate (SHAKE128_RATE or
 * SHAKE256_RATE), instance t absorbing in[t] (inlen bytes each, inlen <
 * rate), padded; the next squeeze permutes first. */
void luxc_shakex4_absorb_once(luxc_keccakx4 *st, size_t rate, const uint8_t *const in[4],
                              size_t inlen);
/* Squeeze nblocks whole rate blocks from each instance into out[t]. */
void luxc_shakex4_squeezeblocks(uint8_t *const out[4], size_t nblocks, size_t rate,
                                luxc_keccakx4 *st);

#endif /* LUXC_KECCAK4X_H */
