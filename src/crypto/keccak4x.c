/* keccak4x.c - four Keccak-f[1600] permutations and SHAKE sponges at once.
 * Owns: the 4-way permutation (same round code as fips202.c, on vector
 * lanes) and the absorb-once / squeeze-blocks pair the ML-DSA samplers use.
 * Not here: what is sampled (mldsa_expand.c). No allocation, no state. */
#include "keccak4x.h"

#include <string.h>

#include "keccak_round.h"

/* The permutation, inlined into each compiled variant below. */
static inline __attribute__((always_inline)) void f1600x4(luxc_v4 s[25])
{
    KECCAK_F1600_BODY(luxc_v4, s);
}

/* x86-64 built without AVX2 (the portable, non -march=native build): the
 * compiler would lower the 256-bit lanes to SSE2 pairs with emulated
 * rotates, slower than four scalar permutations. So compile one AVX2
 * variant and pick it at run time if the CPU has AVX2;
 * luxc_keccakx4_fast() tells callers whether to use the 4-way path at all. */
#if defined(__x86_64__) && !defined(__AVX2__) && (defined(__GNUC__) || defined(__clang__))
#define KECCAKX4_DISPATCH 1
__attribute__((target("avx2"))) static void f1600x4_avx2(luxc_v4 s[25]) { f1600x4(s); }
static void f1600x4_generic(luxc_v4 s[25]) { f1600x4(s); }

void luxc_keccakx4_f1600(luxc_v4 s[25])
{
    if (__builtin_cpu_supports("avx2"))
        f1600x4_avx2(s);
    else
        f1600x4_generic(s);
}

int luxc_keccakx4_fast(void) { return __builtin_cpu_supports("avx2") ? 1 : 0; }
#else
void luxc_keccakx4_f1600(luxc_v4 s[25]) { f1600x4(s); }

/* Native vectors (AVX2 or better compiled in), or not x86: on other
 * architectures the 4-way code is portable vector C, used as is. */
int luxc_keccakx4_fast(void) { return 1; }
#endif

void luxc_shakex4_absorb_once(luxc_keccakx4 *st, size_t rate, const uint8_t *const in[4],
                              size_t inlen)
{
    memset(st, 0, sizeof *st);
    for (size_t t = 0; t < 4; t++) {
        for (size_t i = 0; i < inlen; i++)
            st->s[i / 8][t] ^= (uint64_t)in[t][i] << (8 * (i % 8));
        st->s[inlen / 8][t] ^= (uint64_t)0x1F << (8 * (inlen % 8)); /* SHAKE domain + pad */
        st->s[(rate - 1) / 8][t] ^= (uint64_t)0x80 << (8 * ((rate - 1) % 8));
    }
}

void luxc_shakex4_squeezeblocks(uint8_t *const out[4], size_t nblocks, size_t rate,
                                luxc_keccakx4 *st)
{
    for (size_t blk = 0; blk < nblocks; blk++) {
        luxc_keccakx4_f1600(st->s);
        for (size_t t = 0; t < 4; t++) {
            uint8_t *o = out[t] + blk * rate;
            for (size_t i = 0; i < rate / 8; i++) {
                uint64_t v = st->s[i][t];
                for (size_t k = 0; k < 8; k++)
                    o[8 * i + k] = (uint8_t)(v >> (8 * k));
            }
        }
    }
}
