/* vote.c - the signed vote message of SPEC section 4 and the finality rule.
 * Owns: the one canonical 161-byte encoding (big-endian, fixed layout,
 * domain tag "LUX/chain/vote/v2\0" for a precommit, SPEC's accept vote;
 * "LUX/chain/prev/v2\0" for a prevote), its strict decoder, signing through
 * the luxc_signer interface, and "strictly more than 2/3 of stake". */
#include "luxc/consensus.h"

#include <string.h>

#include "common/be.h"

size_t luxc_vote_bytes(void) { return LUXC_VOTE_BYTES; }

/* Offsets of the fixed layout. */
enum {
    OFF_TAG = 0,
    OFF_VER = 18,
    OFF_CHAIN = 20,
    OFF_HEIGHT = 52,
    OFF_ROUND = 60,
    OFF_BLOCK = 64,
    OFF_PARENT = 96,
    OFF_ROOT = 128,
    OFF_ACCEPT = 160,
};
_Static_assert(OFF_ACCEPT + 1 == LUXC_VOTE_BYTES, "vote layout");
_Static_assert(sizeof LUXC_VOTE_TAG == LUXC_VOTE_TAGBYTES, "tag includes its NUL");
_Static_assert(sizeof LUXC_PREVOTE_TAG == LUXC_VOTE_TAGBYTES, "both tags are one size");

int luxc_vote_encode(uint8_t out[LUXC_VOTE_BYTES], const luxc_vote *v)
{
    if (!out || !v || v->accept > 1 || (v->phase != LUXC_PRECOMMIT && v->phase != LUXC_PREVOTE))
        return LUXC_EINVAL;
    memcpy(out + OFF_TAG, v->phase == LUXC_PREVOTE ? LUXC_PREVOTE_TAG : LUXC_VOTE_TAG,
           LUXC_VOTE_TAGBYTES);
    luxc_be16_store(out + OFF_VER, LUXC_VOTE_VERSION);
    memcpy(out + OFF_CHAIN, v->chain_id, 32);
    luxc_be64_store(out + OFF_HEIGHT, v->height);
    luxc_be32_store(out + OFF_ROUND, v->round);
    memcpy(out + OFF_BLOCK, v->block, 32);
    memcpy(out + OFF_PARENT, v->parent, 32);
    memcpy(out + OFF_ROOT, v->state_root, 32);
    out[OFF_ACCEPT] = v->accept;
    return LUXC_OK;
}

int luxc_vote_decode(luxc_vote *out, const uint8_t *buf, size_t len)
{
    if (!out)
        return LUXC_EINVAL;
    memset(out, 0, sizeof *out);
    if (!buf && len)
        return LUXC_EINVAL;
    if (len < LUXC_VOTE_BYTES)
        return LUXC_ETRUNC;
    if (len > LUXC_VOTE_BYTES)
        return LUXC_ETRAILING;
    uint8_t phase = LUXC_PRECOMMIT;
    if (!memcmp(buf + OFF_TAG, LUXC_PREVOTE_TAG, LUXC_VOTE_TAGBYTES))
        phase = LUXC_PREVOTE;
    else if (memcmp(buf + OFF_TAG, LUXC_VOTE_TAG, LUXC_VOTE_TAGBYTES))
        return LUXC_ECORRUPT;
    if (luxc_be16_load(buf + OFF_VER) != LUXC_VOTE_VERSION)
        return LUXC_EVERSION;
    if (buf[OFF_ACCEPT] > 1)
        return LUXC_ERANGE;
    memcpy(out->chain_id, buf + OFF_CHAIN, 32);
    out->height = luxc_be64_load(buf + OFF_HEIGHT);
    out->round = luxc_be32_load(buf + OFF_ROUND);
    memcpy(out->block, buf + OFF_BLOCK, 32);
    memcpy(out->parent, buf + OFF_PARENT, 32);
    memcpy(out->state_root, buf + OFF_ROOT, 32);
    out->accept = buf[OFF_ACCEPT];
    out->phase = phase;
    return LUXC_OK;
}

int luxc_vote_sign(const luxc_vote *v, const luxc_signer *s, uint8_t *sig, size_t cap,
                   size_t *siglen)
{
    if (!v || !s || !s->sign || !sig || !siglen)
        return LUXC_EINVAL;
    uint8_t msg[LUXC_VOTE_BYTES];
    int rc = luxc_vote_encode(msg, v);
    if (rc != LUXC_OK)
        return rc;
    return s->sign(s->ctx, sig, siglen, cap, msg, sizeof msg);
}

int luxc_horizon_is_final(uint64_t signed_stake, uint64_t total_stake)
{
    if (signed_stake > total_stake || total_stake == 0)
        return 0;
    /* 3s > 2t  <=>  s > floor(2t/3); floor(2t/3) = 2*(t/3) + (2*(t%3))/3
     * computed without overflowing u64. */
    uint64_t two_thirds = 2 * (total_stake / 3) + (2 * (total_stake % 3)) / 3;
    return signed_stake > two_thirds;
}

int luxc_cert_members_total(const luxc_cert_member *set, size_t n, uint64_t *total)
{
    if ((!set && n) || !total)
        return LUXC_EINVAL;
    uint64_t t = 0;
    for (size_t i = 0; i < n; i++) {
        if (set[i].stake > UINT64_MAX - t)
            return LUXC_EOVERFLOW;
        t += set[i].stake;
    }
    *total = t;
    return LUXC_OK;
}
