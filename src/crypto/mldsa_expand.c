/* mldsa_expand.c - ML-DSA-65 ExpandA and ExpandMask, four SHAKE instances at
 * a time.
 * Owns: batching the 30 matrix entries and the 5 mask polynomials over the
 * 4-way sponge (keccak4x.c) and the rejection sampling of ExpandA.
 * Why: these samplers are most of the Keccak work in signing and
 * verification (perf: Keccak was 55 % of ML-DSA-65 verify), and their
 * SHAKE instances are independent, so four run in the time of about one.
 * The output is bit-for-bit that of PQClean's polyvec_matrix_expand /
 * polyvecl_uniform_gamma1 (the ACVP vectors and tests/crypto/test_mldsa.c
 * check it). Public data only (rho) in ExpandA; ExpandMask's rho'' is
 * secret, and its buffers are wiped. */
#include "mldsa_expand.h"

#include <string.h>

#include "luxc/crypto.h"

#include "fips202.h"
#include "keccak4x.h"
#include "packing.h"
#include "poly.h"

#define UNIFORM_NBLOCKS ((768 + SHAKE128_RATE - 1) / SHAKE128_RATE) /* 5 */
#define GAMMA1_NBLOCKS ((POLYZ_PACKEDBYTES + SHAKE256_RATE - 1) / SHAKE256_RATE) /* 5 */

/* RejNTTPoly's inner loop (FIPS 204 Alg. 30 / 14): 3-byte candidates,
 * top bit cleared, kept if < q. Returns how many coefficients were added. */
static unsigned rej_uniform(int32_t *a, unsigned len, const uint8_t *buf, size_t buflen)
{
    unsigned ctr = 0;
    size_t pos = 0;
    while (ctr < len && pos + 3 <= buflen) {
        uint32_t t = (uint32_t)buf[pos] | ((uint32_t)buf[pos + 1] << 8) |
                     ((uint32_t)buf[pos + 2] << 16);
        pos += 3;
        t &= 0x7FFFFF;
        if (t < Q)
            a[ctr++] = (int32_t)t;
    }
    return ctr;
}

void luxc_mldsa_expand_a(polyvecl mat[K], const uint8_t rho[SEEDBYTES])
{
    luxc_mldsa_expand_a_blocks(mat, rho, UNIFORM_NBLOCKS);
}

void luxc_mldsa_expand_a_blocks(polyvecl mat[K], const uint8_t rho[SEEDBYTES],
                                unsigned first_blocks)
{
    /* 168 is a multiple of 3, so no candidate straddles two blocks. */
    uint8_t buf[4][UNIFORM_NBLOCKS * SHAKE128_RATE];
    if (first_blocks < 1 || first_blocks > UNIFORM_NBLOCKS)
        first_blocks = UNIFORM_NBLOCKS;
    if (!luxc_keccakx4_fast()) {
        PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_expand(mat, rho);
        return;
    }
    uint8_t in[4][SEEDBYTES + 2];
    poly spare;
    luxc_keccakx4 st;

    for (unsigned first = 0; first < K * L; first += 4) {
        poly *dst[4];
        unsigned ctr[4];
        const uint8_t *inp[4];
        uint8_t *outp[4];
        for (unsigned t = 0; t < 4; t++) {
            unsigned idx = first + t, i = idx / L, j = idx % L;
            dst[t] = idx < K * L ? &mat[i].vec[j] : &spare; /* last batch: 2 spare */
            memcpy(in[t], rho, SEEDBYTES);
            in[t][SEEDBYTES] = (uint8_t)j;     /* nonce = 256 i + j, little-endian */
            in[t][SEEDBYTES + 1] = (uint8_t)i;
            inp[t] = in[t];
            outp[t] = buf[t];
        }
        luxc_shakex4_absorb_once(&st, SHAKE128_RATE, inp, SEEDBYTES + 2);
        luxc_shakex4_squeezeblocks(outp, first_blocks, SHAKE128_RATE, &st);
        unsigned done = 0;
        for (unsigned t = 0; t < 4; t++) {
            ctr[t] = rej_uniform(dst[t]->coeffs, N, buf[t], first_blocks * SHAKE128_RATE);
            done += ctr[t] == N;
        }
        while (done < 4) {
            luxc_shakex4_squeezeblocks(outp, 1, SHAKE128_RATE, &st);
            done = 0;
            for (unsigned t = 0; t < 4; t++) {
                if (ctr[t] < N)
                    ctr[t] += rej_uniform(dst[t]->coeffs + ctr[t], N - ctr[t], buf[t],
                                          SHAKE128_RATE);
                done += ctr[t] == N;
            }
        }
    }
}

void luxc_mldsa_expand_mask(polyvecl *y, const uint8_t rhoprime[CRHBYTES], uint16_t kappa)
{
    uint8_t buf[4][GAMMA1_NBLOCKS * SHAKE256_RATE];
    uint8_t in[4][CRHBYTES + 2];
    const uint8_t *inp[4];
    uint8_t *outp[4];
    luxc_keccakx4 st;

    _Static_assert(L == 5, "ML-DSA-65: four polynomials 4-way, one alone");
    if (!luxc_keccakx4_fast()) {
        for (unsigned i = 0; i < L; i++)
            PQCLEAN_MLDSA65_CLEAN_poly_uniform_gamma1(&y->vec[i], rhoprime, (uint16_t)(kappa + i));
        return;
    }
    for (unsigned t = 0; t < 4; t++) {
        uint16_t nonce = (uint16_t)(kappa + t);
        memcpy(in[t], rhoprime, CRHBYTES);
        in[t][CRHBYTES] = (uint8_t)nonce;
        in[t][CRHBYTES + 1] = (uint8_t)(nonce >> 8);
        inp[t] = in[t];
        outp[t] = buf[t];
    }
    luxc_shakex4_absorb_once(&st, SHAKE256_RATE, inp, CRHBYTES + 2);
    luxc_shakex4_squeezeblocks(outp, GAMMA1_NBLOCKS, SHAKE256_RATE, &st);
    for (unsigned t = 0; t < 4; t++)
        PQCLEAN_MLDSA65_CLEAN_polyz_unpack(&y->vec[t], buf[t]);
    PQCLEAN_MLDSA65_CLEAN_poly_uniform_gamma1(&y->vec[4], rhoprime, (uint16_t)(kappa + 4));
    luxc_wipe(buf, sizeof buf);
    luxc_wipe(in, sizeof in);
    luxc_wipe(&st, sizeof st);
}
