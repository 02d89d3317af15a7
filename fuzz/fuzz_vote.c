/* fuzz_vote.c - libFuzzer target for the vote message decoder
 * (luxc_vote_decode, luxc/consensus.h). Properties checked on every input:
 *  - a rejected input leaves *out all zero and returns one of the
 *    documented codes (ETRUNC, ETRAILING, ECORRUPT, EVERSION, ERANGE);
 *  - an accepted input round-trips: luxc_vote_encode of the decoded vote
 *    gives back the identical 161 bytes (decode -> encode -> compare), and
 *    decoding that again gives the same vote;
 *  - luxc_vote_sign with a signer that copies the message signs exactly
 *    those bytes.
 * Deterministic, no allocation. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/consensus.h"

static int copy_sign(void *ctx, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *msg,
                     size_t mlen)
{
    (void)ctx;
    if (cap < mlen)
        return LUXC_EFULL;
    memcpy(sig, msg, mlen);
    *siglen = mlen;
    return LUXC_OK;
}

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    luxc_vote v, v2;
    memset(&v, 0xa5, sizeof v); /* decode must overwrite every byte */
    int rc = luxc_vote_decode(&v, data, size);
    if (rc != LUXC_OK) {
        if (!all_zero(&v, sizeof v))
            abort();
        if (rc != LUXC_ETRUNC && rc != LUXC_ETRAILING && rc != LUXC_ECORRUPT &&
            rc != LUXC_EVERSION && rc != LUXC_ERANGE && rc != LUXC_EINVAL)
            abort();
        /* Length errors are decided by the length alone. */
        if ((size < LUXC_VOTE_BYTES && rc != LUXC_ETRUNC) ||
            (size > LUXC_VOTE_BYTES && rc != LUXC_ETRAILING))
            abort();
        return 0;
    }
    if (size != LUXC_VOTE_BYTES || v.accept > 1)
        abort();
    uint8_t enc[LUXC_VOTE_BYTES], sig[LUXC_VOTE_BYTES];
    if (luxc_vote_encode(enc, &v) != LUXC_OK || memcmp(enc, data, LUXC_VOTE_BYTES) != 0)
        abort();
    if (luxc_vote_decode(&v2, enc, sizeof enc) != LUXC_OK || memcmp(&v, &v2, sizeof v) != 0)
        abort();
    luxc_signer s = {copy_sign, NULL};
    size_t slen = 0;
    if (luxc_vote_sign(&v, &s, sig, sizeof sig, &slen) != LUXC_OK || slen != LUXC_VOTE_BYTES ||
        memcmp(sig, data, LUXC_VOTE_BYTES) != 0)
        abort();
    return 0;
}
