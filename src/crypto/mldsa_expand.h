/* mldsa_expand.h - ML-DSA-65's expansion of seeds into polynomials, four at
 * a time (keccak4x.h) where the CPU has a vector unit for it, else with
 * PQClean's scalar samplers (same output either way). Library-internal;
 * compiled against PQClean's ml-dsa-65/clean headers (types poly, polyvecl,
 * polyveck; K, L, ...). */
#ifndef LUXC_MLDSA_EXPAND_H
#define LUXC_MLDSA_EXPAND_H

#include <stdint.h>

#include "params.h"
#include "polyvec.h"

/* ExpandA (FIPS 204 Alg. 32): A_hat[i][j] = RejNTTPoly(rho || j || i).
 * Same output as PQCLEAN_MLDSA65_CLEAN_polyvec_matrix_expand. */
void luxc_mldsa_expand_a(polyvecl mat[K], const uint8_t rho[SEEDBYTES]);
/* The same, squeezing first_blocks (1..5) blocks before the first
 * rejection pass instead of 5. The output does not depend on it (the SHAKE
 * stream is the same); tests use 1 to exercise the extra-block path, which
 * 5 blocks (280 candidates for 256 coefficients) essentially never need. */
void luxc_mldsa_expand_a_blocks(polyvecl mat[K], const uint8_t rho[SEEDBYTES],
                                unsigned first_blocks);

/* ExpandMask (FIPS 204 Alg. 34): y[i] = BitUnpack(H(rho'' || kappa + i)),
 * i < L. Same output as PQCLEAN_MLDSA65_CLEAN_polyvecl_uniform_gamma1(y,
 * rho'', kappa / L) for kappa a multiple of L. */
void luxc_mldsa_expand_mask(polyvecl *y, const uint8_t rhoprime[CRHBYTES], uint16_t kappa);

#endif /* LUXC_MLDSA_EXPAND_H */
