/* luxc/crypto.h - the primitives luxc builds on: ML-KEM-768 (FIPS 203),
 * ML-DSA-65 (FIPS 204), X25519, Ed25519, XChaCha20-Poly1305, BLAKE2b, and
 * the two hybrids made from them (key agreement X25519 + ML-KEM-768,
 * signature Ed25519 + ML-DSA-65).
 *
 * ML-KEM / ML-DSA come from PQClean's portable sources (pinned npm package
 * `pqclean` 0.8.1, integrity-checked and compiled at build time, see
 * cmake/pqclean.cmake), with our own SHA-3/SHAKE (src/crypto/fips202.c: no
 * allocation) and 4-way SHAKE for ML-DSA's samplers; everything else from
 * libsodium. Randomness is libsodium's randombytes_buf (the OS CSPRNG). The
 * *_from_seed and *_derand functions are deterministic, for tests and test
 * vectors. Correctness is checked against NIST's ACVP vectors and the
 * independent @noble/post-quantum (tests/crypto/).
 *
 * Pointers marked LUXC_NONNULL must not be NULL. A (pointer, length) input
 * that may be NULL when its length is 0 returns LUXC_EINVAL if it is NULL
 * with a nonzero length. Nothing here allocates, except luxc_hsign_* for
 * messages over about 1 KiB (then LUXC_ENOMEM is possible).
 *
 * Conventions (libsodium style): callers own every buffer, sized by the
 * LUXC_*BYTES macros (a size_t function returns each for bindings);
 * functions return LUXC_OK or a negative luxc_err; verification and
 * decryption failures return LUXC_EAUTH and must be checked.
 * Call luxc_crypto_init() once before anything else (idempotent, thread-safe).
 *
 * Thread safety: every function is thread-safe; the only state is the
 * caller's buffers. Secret outputs are wiped on every error path.
 * Stack: ML-DSA signing and verification keep the expanded matrix and
 * vectors on the stack (about 80 KiB); give threads that sign at least
 * 256 KiB of stack. */
#ifndef LUXC_CRYPTO_H
#define LUXC_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Initialise libsodium. LUXC_OK, or LUXC_ECRYPTO if it cannot start. */
LUXC_API
LUXC_MUST_CHECK int luxc_crypto_init(void);

/* Random bytes from the OS CSPRNG. */
LUXC_API
void luxc_randombytes(uint8_t *buf, size_t len);

/* Constant-time comparison: 0 if equal, -1 otherwise. */
LUXC_API
int luxc_memeq_ct(const uint8_t *a, const uint8_t *b, size_t len);
/* Wipe memory the compiler cannot optimise away. */
LUXC_API
void luxc_wipe(void *p, size_t len);

/* ---- BLAKE2b ---------------------------------------------------------- */
#define LUXC_HASH_BYTES 32u /* BLAKE2b-256, the luxc digest (ids, roots) */
LUXC_API
size_t luxc_hash_bytes(void);
/* out = BLAKE2b-256(m). m may be NULL if mlen == 0. LUXC_OK or LUXC_EINVAL. */
LUXC_API
LUXC_NONNULL(1)
int luxc_hash(uint8_t out[LUXC_HASH_BYTES], const uint8_t *m, size_t mlen);

/* ---- AEAD: XChaCha20-Poly1305 (IETF) ---------------------------------- */
#define LUXC_AEAD_KEYBYTES 32u
#define LUXC_AEAD_NONCEBYTES 24u
#define LUXC_AEAD_TAGBYTES 16u
LUXC_API
size_t luxc_aead_keybytes(void);
LUXC_API
size_t luxc_aead_noncebytes(void);
LUXC_API
size_t luxc_aead_tagbytes(void);
/* c gets mlen + TAGBYTES bytes (*clen set) and may alias m; m and ad may be
 * NULL when their length is 0. A (nonce, key) pair must never seal twice.
 * LUXC_OK, LUXC_EINVAL (NULL misuse), LUXC_ETOOBIG (mlen over libsodium's
 * limit); *clen is 0 on error. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 7, 8)
int luxc_aead_seal(uint8_t *c, size_t *clen, const uint8_t *m, size_t mlen,
                   const uint8_t *ad, size_t adlen,
                   const uint8_t nonce[LUXC_AEAD_NONCEBYTES],
                   const uint8_t key[LUXC_AEAD_KEYBYTES]);
/* m gets clen - TAGBYTES bytes and may alias c. LUXC_ETRUNC if clen <
 * TAGBYTES, LUXC_EINVAL if c is NULL or ad is NULL with adlen > 0,
 * LUXC_EAUTH if the tag does not verify (m is then wiped). *mlen is 0 on
 * error. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 7, 8)
int luxc_aead_open(uint8_t *m, size_t *mlen, const uint8_t *c, size_t clen,
                   const uint8_t *ad, size_t adlen,
                   const uint8_t nonce[LUXC_AEAD_NONCEBYTES],
                   const uint8_t key[LUXC_AEAD_KEYBYTES]);

/* ---- KDF: BLAKE2b keyed, domain-separated ----------------------------- */
#define LUXC_KDF_KEYBYTES 32u
/* out (outlen in 16..64) = BLAKE2b(key=ikm_hash, label || info): derive a
 * key from input keying material `ikm` for the purpose named by `label`
 * (a NUL-terminated ASCII string, e.g. "luxc/qzmq/i2r"). Exactly:
 *   ikm_hash = BLAKE2b-256(ikm)      (LUXC_KDF_KEYBYTES)
 *   out      = BLAKE2b-outlen(key = ikm_hash, label || 0x00 || info)
 * The label's NUL is hashed, so ("ab", "c") and ("a", "bc") differ; the
 * output length is bound too. LUXC_EINVAL if outlen is outside 16..64 (out
 * is zeroed when outlen <= 64) or info is NULL with infolen > 0. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 3, 5)
int luxc_kdf(uint8_t *out, size_t outlen, const uint8_t *ikm, size_t ikmlen,
             const char *label, const uint8_t *info, size_t infolen);

/* ---- ML-KEM-768 (FIPS 203) -------------------------------------------- */
#define LUXC_MLKEM_PUBLICKEYBYTES 1184u
#define LUXC_MLKEM_SECRETKEYBYTES 2400u
#define LUXC_MLKEM_CIPHERTEXTBYTES 1088u
#define LUXC_MLKEM_SHAREDBYTES 32u
#define LUXC_MLKEM_SEEDBYTES 64u  /* d || z of KeyGen_internal */
#define LUXC_MLKEM_COINBYTES 32u  /* m of Encaps_internal */
LUXC_API
size_t luxc_mlkem_publickeybytes(void);
LUXC_API
size_t luxc_mlkem_secretkeybytes(void);
LUXC_API
size_t luxc_mlkem_ciphertextbytes(void);
LUXC_API
size_t luxc_mlkem_sharedbytes(void);

LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2)
int luxc_mlkem_keypair(uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_mlkem_keypair_from_seed(uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_MLKEM_SEEDBYTES]);
/* Encaps (FIPS 203 Alg. 20; the _derand form is Encaps_internal, Alg. 17,
 * with m = coins). LUXC_EINVAL if pk fails the FIPS 203 s7.2
 * encapsulation-key check (ct and ss are then zeroed). */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_mlkem_encaps(uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                      uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                      const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3, 4)
int luxc_mlkem_encaps_derand(uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                             uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                             const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES],
                             const uint8_t coins[LUXC_MLKEM_COINBYTES]);
/* Implicit rejection: a modified ciphertext yields a pseudorandom ss and
 * LUXC_OK (FIPS 203 Alg. 18). LUXC_EINVAL if sk fails the s7.3 check (ss
 * is then zeroed). */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_mlkem_decaps(uint8_t ss[LUXC_MLKEM_SHAREDBYTES],
                      const uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES],
                      const uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES]);
/* The input checks encaps/decaps run, exposed for callers that receive keys
 * (and for the ACVP keyCheck vectors). check_pk: FIPS 203 s7.2 modulus check
 * (every 12-bit coefficient < q). check_sk: s7.3 hash check (H(ek) stored in
 * dk matches the ek stored in dk). LUXC_OK or LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1)
int luxc_mlkem_check_pk(const uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1)
int luxc_mlkem_check_sk(const uint8_t sk[LUXC_MLKEM_SECRETKEYBYTES]);

/* ---- ML-DSA-65 (FIPS 204) --------------------------------------------- */
#define LUXC_MLDSA_PUBLICKEYBYTES 1952u
#define LUXC_MLDSA_SECRETKEYBYTES 4032u
#define LUXC_MLDSA_BYTES 3309u
#define LUXC_MLDSA_SEEDBYTES 32u    /* xi of KeyGen_internal */
#define LUXC_MLDSA_RNDBYTES 32u     /* rnd of Sign_internal */
#define LUXC_MLDSA_CONTEXTMAX 255u  /* longest context string */
#define LUXC_MLDSA_MUBYTES 64u      /* mu = H(tr || M', 64) */
LUXC_API
size_t luxc_mldsa_publickeybytes(void);
LUXC_API
size_t luxc_mldsa_secretkeybytes(void);
LUXC_API
size_t luxc_mldsa_bytes(void);

LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2)
int luxc_mldsa_keypair(uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_mldsa_keypair_from_seed(uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_MLDSA_SEEDBYTES]);
/* Keypair: ML-DSA.KeyGen (Alg. 1); _from_seed is KeyGen_internal(xi)
 * (Alg. 6). Hedged ML-DSA.Sign (FIPS 204 Alg. 2) of m under context ctx
 * (ctxlen <= CONTEXTMAX, else LUXC_ETOOBIG): the pure external interface,
 * signing M' = 0x00 || ctxlen || ctx || m. m/ctx may be NULL when their
 * length is 0 (else LUXC_EINVAL). */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6)
int luxc_mldsa_sign(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen,
                    const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES]);
/* Same with caller-chosen rnd (all zero = the deterministic variant). */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6, 7)
int luxc_mldsa_sign_derand(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m,
                           size_t mlen, const uint8_t *ctx, size_t ctxlen,
                           const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                           const uint8_t rnd[LUXC_MLDSA_RNDBYTES]);
/* LUXC_OK if sig is valid for (m, ctx, pk), else LUXC_EAUTH (also for a
 * malformed signature). LUXC_ETOOBIG / LUXC_EINVAL as for sign. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6)
int luxc_mldsa_verify(const uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *m,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen,
                      const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES]);

/* FIPS 204 internal interface (Alg. 7/8), for protocols that frame M'
 * themselves and for the ACVP vectors. Most callers want sign/verify above.
 * sign_internal/verify_internal take M' as is (no 0 || len(ctx) || ctx
 * prefix); mp may be NULL when mplen is 0, else LUXC_EINVAL.
 * sign_mu/verify_mu take mu = H(tr || M', 64) directly ("external mu");
 * luxc_mldsa_mu computes it for the pure external interface, so that
 * sign_mu(mldsa_mu(m, ctx, pk)) == sign_derand(m, ctx). Verification
 * returns LUXC_OK or LUXC_EAUTH. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 4, 5)
int luxc_mldsa_sign_internal(uint8_t sig[LUXC_MLDSA_BYTES], const uint8_t *mp,
                             size_t mplen,
                             const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                             const uint8_t rnd[LUXC_MLDSA_RNDBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 4)
int luxc_mldsa_verify_internal(const uint8_t sig[LUXC_MLDSA_BYTES],
                               const uint8_t *mp, size_t mplen,
                               const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3, 4)
int luxc_mldsa_sign_mu(uint8_t sig[LUXC_MLDSA_BYTES],
                       const uint8_t mu[LUXC_MLDSA_MUBYTES],
                       const uint8_t sk[LUXC_MLDSA_SECRETKEYBYTES],
                       const uint8_t rnd[LUXC_MLDSA_RNDBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_mldsa_verify_mu(const uint8_t sig[LUXC_MLDSA_BYTES],
                         const uint8_t mu[LUXC_MLDSA_MUBYTES],
                         const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES]);
/* mu for ML-DSA.Sign/Verify of (m, ctx) under pk. LUXC_ETOOBIG if ctxlen >
 * CONTEXTMAX, LUXC_EINVAL if m/ctx is NULL with a nonzero length. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6)
int luxc_mldsa_mu(uint8_t mu[LUXC_MLDSA_MUBYTES], const uint8_t *m, size_t mlen,
                  const uint8_t *ctx, size_t ctxlen,
                  const uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES]);

/* ---- X25519 / Ed25519 (libsodium) ------------------------------------- */
#define LUXC_X25519_BYTES 32u           /* public key, secret key, shared */
#define LUXC_ED25519_PUBLICKEYBYTES 32u
#define LUXC_ED25519_SECRETKEYBYTES 64u
#define LUXC_ED25519_SEEDBYTES 32u
#define LUXC_ED25519_BYTES 64u

/* ---- Hybrid signature: Ed25519 + ML-DSA-65 ----------------------------
 * Keys and signatures are the concatenation ed25519 || ml-dsa-65; a hybrid
 * signature verifies only if both halves verify. ML-DSA signs with the
 * context; Ed25519 signs ctxlen(1) || ctx || m, so both bind the context.
 * Errors: LUXC_ETOOBIG (ctxlen > LUXC_MLDSA_CONTEXTMAX, or a length that
 * overflows), LUXC_EINVAL (NULL with a length), LUXC_ENOMEM (framing a
 * message over ~1 KiB needs one malloc), LUXC_EAUTH from verify if either
 * half fails. A failed sign leaves sig zeroed. _from_seed: the seed is
 * ed25519 seed (32) || ML-DSA xi (32). */
#define LUXC_HSIGN_PUBLICKEYBYTES (LUXC_ED25519_PUBLICKEYBYTES + LUXC_MLDSA_PUBLICKEYBYTES)
#define LUXC_HSIGN_SECRETKEYBYTES (LUXC_ED25519_SECRETKEYBYTES + LUXC_MLDSA_SECRETKEYBYTES)
#define LUXC_HSIGN_BYTES (LUXC_ED25519_BYTES + LUXC_MLDSA_BYTES)
#define LUXC_HSIGN_SEEDBYTES 64u /* ed25519 seed || ml-dsa xi */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2)
int luxc_hsign_keypair(uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                       uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_hsign_keypair_from_seed(uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                                 uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES],
                                 const uint8_t seed[LUXC_HSIGN_SEEDBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6)
int luxc_hsign_sign(uint8_t sig[LUXC_HSIGN_BYTES], const uint8_t *m, size_t mlen,
                    const uint8_t *ctx, size_t ctxlen,
                    const uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES]);
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 6)
int luxc_hsign_verify(const uint8_t sig[LUXC_HSIGN_BYTES], const uint8_t *m,
                      size_t mlen, const uint8_t *ctx, size_t ctxlen,
                      const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES]);

/* ---- Hybrid key agreement: X25519 + ML-KEM-768 ------------------------
 * One round trip. The initiator sends an ephemeral X25519 key and an
 * ephemeral ML-KEM-768 encapsulation key; the responder answers with its
 * ephemeral X25519 key and an ML-KEM ciphertext. Both sides derive
 *   secret = KDF(x25519_shared || mlkem_shared, "luxc/hkx/v1",
 *                BLAKE2b(prologue || init_msg || resp_msg))
 * so the secret binds both exchanges and the caller's transcript prologue.
 * The secret is LUXC_HKX_SECRETBYTES; split it per direction with luxc_kdf.
 * An all-zero X25519 result (low-order point) is rejected with LUXC_EAUTH.
 * respond: LUXC_EINVAL if the ML-KEM key in init_msg fails the s7.2 check
 * or prologue is NULL with a length. finish always wipes st; a wiped state
 * fails (LUXC_EINVAL or LUXC_EAUTH). On any error the secret (and, for
 * respond, resp_msg) is zeroed. */
#define LUXC_HKX_INITBYTES (LUXC_X25519_BYTES + LUXC_MLKEM_PUBLICKEYBYTES)
#define LUXC_HKX_RESPBYTES (LUXC_X25519_BYTES + LUXC_MLKEM_CIPHERTEXTBYTES)
#define LUXC_HKX_SECRETBYTES 64u

/* Initiator's ephemeral state between start and finish; wipe with
 * luxc_hkx_state_wipe (finish wipes it too). Plain struct, caller-owned. */
typedef struct luxc_hkx_state {
    uint8_t x25519_sk[LUXC_X25519_BYTES];
    uint8_t mlkem_sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t init_msg[LUXC_HKX_INITBYTES];
} luxc_hkx_state;

LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2)
int luxc_hkx_initiate(luxc_hkx_state *st, uint8_t init_msg[LUXC_HKX_INITBYTES]);
/* Responder: from init_msg, produce resp_msg and the secret. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_hkx_respond(uint8_t resp_msg[LUXC_HKX_RESPBYTES],
                     uint8_t secret[LUXC_HKX_SECRETBYTES],
                     const uint8_t init_msg[LUXC_HKX_INITBYTES],
                     const uint8_t *prologue, size_t prologuelen);
/* Initiator: from resp_msg, derive the same secret; wipes st. */
LUXC_API
LUXC_MUST_CHECK LUXC_NONNULL(1, 2, 3)
int luxc_hkx_finish(luxc_hkx_state *st, uint8_t secret[LUXC_HKX_SECRETBYTES],
                    const uint8_t resp_msg[LUXC_HKX_RESPBYTES],
                    const uint8_t *prologue, size_t prologuelen);
LUXC_API
void luxc_hkx_state_wipe(luxc_hkx_state *st);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_CRYPTO_H */
