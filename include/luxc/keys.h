/* luxc/keys.h - a validator's identity key files (`luxc keygen`).
 *
 * A key directory holds two files, both created with mode 0600 and never
 * overwritten:
 *   validator.key   JSON {"version": 1, "type": "luxc-validator-key",
 *                         "secret_key": "<hex of the hybrid secret key>",
 *                         "public_key": "<hex of the hybrid public key>"}
 *   validator.pub   JSON {"ed25519_public_key": "<hex>",
 *                         "mldsa65_public_key": "<hex>"} - the fields a
 *                   genesis validator entry needs.
 * The hybrid key is Ed25519 + ML-DSA-65 (luxc_hsign_*). Loading checks the
 * version and type, and that the public key belongs to the secret key (a
 * signature made with one verifies under the other), so a damaged or
 * mismatched file is refused instead of signing votes nobody can verify.
 *
 * Thread safety: plain functions over caller buffers. */
#ifndef LUXC_KEYS_H
#define LUXC_KEYS_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_KEYS_VERSION 1
#define LUXC_KEYS_SECRET_FILE "validator.key"
#define LUXC_KEYS_PUBLIC_FILE "validator.pub"

typedef struct luxc_keypair {
    uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES];
    uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES];
} luxc_keypair;

/* Generate a key pair (seed NULL: from the OS CSPRNG; else deterministic
 * from LUXC_HSIGN_SEEDBYTES bytes, for tests and reproducible devnets) and
 * write both files into dir (created with mode 0700 if missing).
 * Errors: LUXC_EEXIST (a key file already exists: nothing is touched),
 * LUXC_EIO (cannot create or write; partial files are removed),
 * LUXC_EINVAL, LUXC_ECRYPTO. err gets one line naming the file. */
LUXC_API
LUXC_MUST_CHECK int luxc_keys_generate(const char *dir, const uint8_t *seed, luxc_keypair *out,
                                       char *err, size_t errlen);

/* Read dir/validator.key. Errors: LUXC_EIO (missing/unreadable),
 * LUXC_ECORRUPT (not JSON, bad hex, or public key does not match the
 * secret key), LUXC_EVERSION, LUXC_EINVAL (wrong type or fields). The
 * secret key in *out is the caller's to wipe (luxc_keypair_wipe). */
LUXC_API
LUXC_MUST_CHECK int luxc_keys_load(const char *dir, luxc_keypair *out, char *err,
                                   size_t errlen);

LUXC_API
void luxc_keypair_wipe(luxc_keypair *kp);

#ifdef __cplusplus
}
#endif
#endif
