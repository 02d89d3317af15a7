/* sha256.h - SHA-256 (FIPS 180-4) for the consensus layer (internal).
 * Owns: the hash FPC needs for epoch seeds and per-phase thresholds. The
 * consensus layer links libc only, so it carries this small implementation
 * instead of calling the crypto layer.
 * Thread safety: a context belongs to one thread; the one-shot is pure. */
#ifndef LUXC_SRC_CONSENSUS_SHA256_H
#define LUXC_SRC_CONSENSUS_SHA256_H

#include <stddef.h>
#include <stdint.h>

#define LUXC_SHA256_BYTES 32u

typedef struct luxc_sha256_ctx {
    uint32_t h[8];
    uint64_t bytes;      /* message length so far */
    uint8_t buf[64];
    size_t buflen;
} luxc_sha256_ctx;

void luxc_sha256_init(luxc_sha256_ctx *c);
void luxc_sha256_update(luxc_sha256_ctx *c, const void *data, size_t len);
void luxc_sha256_final(luxc_sha256_ctx *c, uint8_t out[LUXC_SHA256_BYTES]);
void luxc_sha256(uint8_t out[LUXC_SHA256_BYTES], const void *data, size_t len);

#endif
