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
    luxc_v4 a00 = s[0], a10 = s[1], a20 = s[2], a30 = s[3], a40 = s[4];
    luxc_v4 a01 = s[5], a11 = s[6], a21 = s[7], a31 = s[8], a41 = s[9];
    luxc_v4 a02 = s[10], a12 = s[11], a22 = s[12], a32 = s[13], a42 = s[14];
    luxc_v4 a03 = s[15], a13 = s[16], a23 = s[17], a33 = s[18], a43 = s[19];
    luxc_v4 a04 = s[20], a14 = s[21], a24 = s[22], a34 = s[23], a44 = s[24];
    luxc_v4 c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;
    luxc_v4 b00, b10, b20, b30, b40, b01, b11, b21, b31, b41, b02, b12, b22,
        b32, b42, b03, b13, b23, b33, b43, b04, b14, b24, b34, b44;

    for (int r = 0; r < 24; r += 2) {
        KECCAK_ROUND(keccak_rc[r]);
        KECCAK_ROUND(keccak_rc[r + 1]);
    }
    s[0] = a00; s[1] = a10; s[2] = a20; s[3] = a30; s[4] = a40;
    s[5] = a01; s[6] = a11; s[7] = a21; s[8] = a31; s[9] = a41;
    s[10] = a02; s[11] = a12; s[12] = a22; s[13] = a32; s[14] = a42;
    s[15] = a03; s[16] = a13; s[17] = a23; s[18] = a33; s[19] = a43;
    s[20] = a04; s[21] = a14; s[22] = a24; s[23] = a34; s[24] = a44;
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
