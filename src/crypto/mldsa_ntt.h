/* mldsa_ntt.h - ML-DSA's NTT and inverse NTT of one polynomial (256
 * coefficients), same convention and results as PQClean's ml-dsa-65
 * ntt.c. Library-internal. Pure functions. */
#ifndef LUXC_MLDSA_NTT_H
#define LUXC_MLDSA_NTT_H

#include <stdint.h>

/* In place; input |a[i]| < q, output coefficients bounded by 9q. */
void luxc_mldsa_ntt(int32_t a[256]);
/* In place, times mont = 2^32; input |a[i]| < q, output |a[i]| < q. */
void luxc_mldsa_invntt_tomont(int32_t a[256]);

#endif /* LUXC_MLDSA_NTT_H */
