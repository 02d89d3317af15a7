/* luxc/upgrade.h - upgrade proposals: a transaction that proposes a new
 * protocol version. Each validator's ai model decides whether it approves
 * (its vote, luxc_node_model.upgrade); the network then decides the
 * proposal with a binary snowball instance polled like blocks (node core).
 *
 * Transaction encoding (big-endian):
 *   "LXUPGRD1" (8) | version_len u8 (1..LUXC_UPGRADE_VERSION_MAX) | version |
 *   change_count u32 | risk u8 (0 low, 1 medium, 2 high, 3 critical) |
 *   test_count u32 | timestamp_us u64
 * The proposal id is BLAKE2b-256 of the encoding.
 * Thread safety: pure functions. */
#ifndef LUXC_UPGRADE_H
#define LUXC_UPGRADE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_UPGRADE_MAGIC "LXUPGRD1"
#define LUXC_UPGRADE_VERSION_MAX 32u
#define LUXC_UPGRADE_MAXBYTES (8u + 1u + LUXC_UPGRADE_VERSION_MAX + 4u + 1u + 4u + 8u)

typedef struct luxc_upgrade_proposal {
    char version[LUXC_UPGRADE_VERSION_MAX + 1];
    uint32_t change_count;
    uint8_t risk; /* 0 low, 1 medium, 2 high, 3 critical */
    uint32_t test_count;
    uint64_t timestamp_us;
} luxc_upgrade_proposal;

/* "low", "medium", "high", "critical" -> 0..3; -1 otherwise. */
LUXC_API
int luxc_upgrade_risk_parse(const char *s);
LUXC_API
const char *luxc_upgrade_risk_name(uint8_t risk);

/* Errors: LUXC_EINVAL (NULL, empty/long version, risk > 3), LUXC_EFULL. */
LUXC_API
LUXC_MUST_CHECK int luxc_upgrade_encode(uint8_t *out, size_t cap, size_t *len,
                                        const luxc_upgrade_proposal *u);
/* 1 if tx starts with the magic (an upgrade transaction), else 0. */
LUXC_API
int luxc_upgrade_is(const uint8_t *tx, size_t len);
/* Errors: LUXC_EINVAL (NULL, not an upgrade), LUXC_ETRUNC, LUXC_ETRAILING,
 * LUXC_ERANGE (risk > 3, version length 0 or too long). */
LUXC_API
LUXC_MUST_CHECK int luxc_upgrade_decode(luxc_upgrade_proposal *u, const uint8_t *tx, size_t len);

#ifdef __cplusplus
}
#endif
#endif
