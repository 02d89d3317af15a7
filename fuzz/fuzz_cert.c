/* fuzz_cert.c - libFuzzer target for the finality certificate decoder
 * (luxc_cert_decode, luxc/consensus.h), against a fixed set of five
 * members whose stakes can overflow u64 when summed (member 3 holds
 * 2^64 - 8). Properties checked on every input:
 *  - a rejected input leaves *out NULL and returns a documented code;
 *  - an accepted input is canonical: luxc_cert_encode reproduces the
 *    input bytes exactly, encoded_len equals the input length, signers
 *    ascend, and the signer stake (luxc_cert_stake) does not overflow;
 *  - the same certificate rebuilt with luxc_cert_new / luxc_cert_add,
 *    adding the signers in reverse order, encodes to the same bytes;
 *  - luxc_cert_verify with a toy verifier (a signature is valid iff it
 *    equals the member's 4-byte public key), against members 0..2 when
 *    every signer is one of them: LUXC_OK only with more than 2/3 of
 *    their stake, LUXC_ENOQUORUM only without; against all five members
 *    the total stake overflows, so always LUXC_EOVERFLOW.
 * Deterministic; everything allocated is freed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/be.h"
#include "luxc/consensus.h"

#define NSET 5u

static const uint8_t pks[NSET][4] = {
    {'p', 'k', '0', 0}, {'p', 'k', '1', 0}, {'p', 'k', '2', 0}, {'p', 'k', '3', 0},
    {'p', 'k', '4', 0}};
static const luxc_cert_member set[NSET] = {
    {10, pks[0], 4}, {20, pks[1], 4}, {30, pks[2], 4}, {UINT64_MAX - 7, pks[3], 4},
    {40, pks[4], 4}};

static int toy_verify(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *msg,
                      size_t mlen, const uint8_t *pk, size_t pklen)
{
    (void)ctx;
    if (mlen != LUXC_VOTE_BYTES || msg[LUXC_VOTE_BYTES - 1] != 1)
        abort(); /* certificates sign the accept vote */
    return siglen == pklen && memcmp(sig, pk, pklen) == 0 ? LUXC_OK : LUXC_EAUTH;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const int documented[] = {LUXC_ETRUNC,     LUXC_ECORRUPT,  LUXC_EVERSION,
                                     LUXC_ETOOBIG,    LUXC_EDUPLICATE, LUXC_ENOTMEMBER,
                                     LUXC_EOVERFLOW,  LUXC_ETRAILING, LUXC_ENOMEM};
    luxc_cert *c = (luxc_cert *)&size; /* decode must set it */
    int rc = luxc_cert_decode(&c, data, size, set, NSET);
    if (rc != LUXC_OK) {
        int known = 0;
        for (size_t i = 0; i < sizeof documented / sizeof documented[0]; i++)
            known |= rc == documented[i];
        if (c != NULL || !known)
            abort();
        return 0;
    }
    size_t n = luxc_cert_num_signers(c), len = 0;
    if (luxc_cert_encoded_len(c) != size || luxc_cert_vote(c)->accept != 1 || n > NSET)
        abort();
    uint8_t *enc = malloc(size);
    if (!enc || luxc_cert_encode(c, enc, size, &len) != LUXC_OK || len != size ||
        memcmp(enc, data, size) != 0)
        abort();
    if (size > 0 && luxc_cert_encode(c, enc, size - 1, &len) != LUXC_EFULL)
        abort();
    for (size_t i = 1; i < n; i++)
        if (luxc_cert_signer(c, i - 1) >= luxc_cert_signer(c, i))
            abort();
    uint64_t stake;
    if (luxc_cert_stake(c, set, NSET, &stake) != LUXC_OK)
        abort();

    /* Rebuild through the builder API, signers added in reverse order:
     * the canonical form must not depend on insertion order. The
     * signatures are read back from the input: signer i's record follows
     * the header and signers 0..i-1. */
    luxc_cert *b;
    if (luxc_cert_new(&b, luxc_cert_vote(c)) != LUXC_OK)
        abort();
    const uint8_t *sigp[NSET];
    uint32_t sigl[NSET];
    size_t off = LUXC_CERT_HEADERBYTES;
    for (size_t i = 0; i < n; i++) {
        sigl[i] = luxc_be32_load(data + off + 4);
        sigp[i] = data + off + 8;
        off += 8 + sigl[i];
    }
    for (size_t i = n; i-- > 0;)
        if (luxc_cert_add(b, luxc_cert_signer(c, i), sigp[i], sigl[i]) != LUXC_OK)
            abort();
    if (n > 0 && luxc_cert_add(b, luxc_cert_signer(c, 0), sigp[0], sigl[0]) != LUXC_EDUPLICATE)
        abort();
    if (luxc_cert_encode(b, enc, size, &len) != LUXC_OK || len != size ||
        memcmp(enc, data, size) != 0)
        abort();
    luxc_cert_free(b);

    luxc_verifier vf = {toy_verify, NULL};
    /* Against members 0..2 (total 60) when every signer is one of them. */
    int small = 1;
    for (size_t i = 0; i < n; i++)
        small &= luxc_cert_signer(c, i) < 3;
    if (small) {
        uint64_t s3;
        rc = luxc_cert_verify(c, set, 3, &vf);
        if (luxc_cert_stake(c, set, 3, &s3) != LUXC_OK)
            abort();
        int final = luxc_horizon_is_final(s3, 60);
        if ((rc == LUXC_OK && !final) || (rc == LUXC_ENOQUORUM && final) ||
            (rc != LUXC_OK && rc != LUXC_ENOQUORUM && rc != LUXC_EAUTH))
            abort();
    }
    /* Against the full set the total overflows u64: never final. */
    if (luxc_cert_verify(c, set, NSET, &vf) != LUXC_EOVERFLOW)
        abort();
    free(enc);
    luxc_cert_free(c);
    return 0;
}
