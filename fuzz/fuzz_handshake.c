/* fuzz_handshake.c - libFuzzer target for the handshake decoders
 * (luxc_hs_recv on HELLO_I, HELLO_R and FINISH_I). Two validators A and B
 * come from fixed seeds. The first input byte picks the case:
 *  0: the rest is a HELLO_I for a fresh responder B. Accepting it is fine
 *     (a seed may hold a real HELLO_I) but then the reply must be a
 *     well-formed HELLO_R of the documented size.
 *  1: the rest is a HELLO_R for an initiator A that has sent a fresh
 *     HELLO_I: it must be refused (its signature would have to cover
 *     A's fresh key share).
 *  2: an honest HELLO_I / HELLO_R exchange, then the rest is FINISH_I for
 *     B: it must be refused (it would have to sign B's fresh transcript).
 *  3: an honest handshake in which the rest of the input is XORed into
 *     the messages (bytes 1-2: offset, the rest: mask): the handshake
 *     completes only if nothing changed, and then both sides agree on
 *     keys (a record round-trips).
 * Every refusal must leave the object failed (later calls: LUXC_ESTATE).
 * Key shares and hedged signatures are random, as in real use. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/crypto.h"
#include "luxc/net.h"

static luxc_valset *vs;
static uint8_t pk[2][LUXC_HSIGN_PUBLICKEYBYTES], sk[2][LUXC_HSIGN_SECRETKEYBYTES];
static luxc_net_cfg cfg[2];
static uint8_t m1[LUXC_NET_HS_MSGMAX], m2[LUXC_NET_HS_MSGMAX], m3[LUXC_NET_HS_MSGMAX];

static void init(void)
{
    if (luxc_crypto_init() != LUXC_OK || luxc_valset_new(&vs) != LUXC_OK)
        abort();
    for (int i = 0; i < 2; i++) {
        uint8_t seed[LUXC_HSIGN_SEEDBYTES];
        memset(seed, 0x40 + i, sizeof seed); /* same as tests/net: A, B */
        if (luxc_hsign_keypair_from_seed(pk[i], sk[i], seed) != LUXC_OK ||
            luxc_valset_add(vs, pk[i], 10 + 10 * (uint64_t)i, i ? "bob" : "alice", "") !=
                LUXC_OK)
            abort();
        cfg[i].valset = vs;
        cfg[i].identity_pk = pk[i];
        cfg[i].identity_sk = sk[i];
        memset(cfg[i].chain_id, 0xc1, LUXC_NET_CHAINIDBYTES);
    }
}

static void must_be_failed(luxc_hs *hs)
{
    size_t len;
    if (luxc_hs_done(hs) || luxc_hs_recv(hs, m1, 1, m3, sizeof m3, &len) != LUXC_ESTATE)
        abort();
}

static luxc_hs *new_hs(int who, int role)
{
    luxc_hs *hs;
    if (luxc_hs_new(&hs, &cfg[who], role, NULL) != LUXC_OK)
        abort();
    return hs;
}

static void xor_into(uint8_t *msg, size_t len, size_t off, const uint8_t *mask, size_t mlen,
                     int *changed)
{
    for (size_t i = 0; i < mlen && off + i < len; i++) {
        msg[off + i] ^= mask[i];
        *changed |= mask[i] != 0;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (!vs)
        init();
    if (size < 1)
        return 0;
    int mode = data[0] & 3;
    const uint8_t *in = data + 1;
    size_t inlen = size - 1, l1, l2, l3;
    luxc_hs *a = new_hs(0, LUXC_HS_INITIATOR), *b = new_hs(1, LUXC_HS_RESPONDER);
    int rc;
    if (mode == 0) {
        rc = luxc_hs_recv(b, in, inlen, m2, sizeof m2, &l2);
        if (rc == LUXC_OK) {
            if (l2 != LUXC_NET_HELLO_R_BYTES || m2[0] != LUXC_NET_VERSION ||
                m2[1] != LUXC_NET_MSG_HELLO_R || luxc_hs_peer(b) != 0)
                abort();
        } else {
            must_be_failed(b);
        }
    } else if (mode == 1) {
        if (luxc_hs_start(a, m1, sizeof m1, &l1) != LUXC_OK)
            abort();
        if (luxc_hs_recv(a, in, inlen, m3, sizeof m3, &l3) == LUXC_OK)
            abort();
        must_be_failed(a);
    } else if (mode == 2) {
        if (luxc_hs_start(a, m1, sizeof m1, &l1) != LUXC_OK ||
            luxc_hs_recv(b, m1, l1, m2, sizeof m2, &l2) != LUXC_OK)
            abort();
        if (luxc_hs_recv(b, in, inlen, NULL, 0, &l3) == LUXC_OK)
            abort();
        must_be_failed(b);
    } else {
        size_t off = inlen >= 2 ? (size_t)in[0] << 8 | in[1] : 0;
        const uint8_t *mask = inlen >= 2 ? in + 2 : in;
        size_t mlen = inlen >= 2 ? inlen - 2 : 0;
        int changed = 0;
        if (luxc_hs_start(a, m1, sizeof m1, &l1) != LUXC_OK)
            abort();
        /* offsets address the three messages laid end to end (scaled x4) */
        size_t o = off * 4;
        if (o < l1)
            xor_into(m1, l1, o, mask, mlen, &changed);
        rc = luxc_hs_recv(b, m1, l1, m2, sizeof m2, &l2);
        if (rc == LUXC_OK) {
            if (o >= l1 && o - l1 < l2)
                xor_into(m2, l2, o - l1, mask, mlen, &changed);
            rc = luxc_hs_recv(a, m2, l2, m3, sizeof m3, &l3);
        }
        if (rc == LUXC_OK) {
            if (o >= l1 + l2 && o - l1 - l2 < l3)
                xor_into(m3, l3, o - l1 - l2, mask, mlen, &changed);
            rc = luxc_hs_recv(b, m3, l3, NULL, 0, &l2);
        }
        if ((rc == LUXC_OK) != !changed)
            abort();
        if (rc == LUXC_OK) {
            luxc_chan *ca, *cb;
            uint8_t f[8 + LUXC_NET_RECOVERHEAD], o8[8];
            size_t flen, olen;
            if (luxc_hs_finish(a, &ca) != LUXC_OK || luxc_hs_finish(b, &cb) != LUXC_OK ||
                luxc_chan_seal(ca, f, sizeof f, &flen, (const uint8_t *)"fuzzing", 8) !=
                    LUXC_OK ||
                luxc_chan_open(cb, o8, sizeof o8, &olen, f, flen) != LUXC_OK ||
                memcmp(o8, "fuzzing", 8) != 0)
                abort();
            luxc_chan_free(ca);
            luxc_chan_free(cb);
        }
    }
    luxc_hs_free(a);
    luxc_hs_free(b);
    return 0;
}
