/* handshake.c - the authenticated hybrid handshake of one connection.
 * Owns: the three-message state machine (HELLO_I, HELLO_R, FINISH_I), the
 * transcript, both identity signatures, key confirmation and the split
 * into per-direction keys. Pure: works on caller buffers, no I/O, no
 * locks. Every failure is final, logged with its reason, and wipes the
 * secrets. Wire format: include/luxc/net.h. */
#include "net/net_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

#define PROLOGUE_BYTES (9u + 1u + LUXC_NET_CHAINIDBYTES)
/* Hashed in one piece: P || HELLO_I || HELLO_R up to its signature. Later
 * transcript hashes chain: th_i = H(th_r || rest of HELLO_R), th_f =
 * H(th_i || FINISH_I), so no byte is hashed twice. */
#define TR_MAX (PROLOGUE_BYTES + LUXC_NET_HELLO_I_BYTES + HR_SIG)
#define CHAIN_MAX (LUXC_HASH_BYTES + LUXC_NET_FINISH_I_BYTES)
/* Offsets inside messages (header included). */
#define HI_CHAIN LUXC_NET_HEADERBYTES
#define HI_KX (HI_CHAIN + LUXC_NET_CHAINIDBYTES)
#define HI_PK (HI_KX + LUXC_HKX_INITBYTES)
#define HR_KX LUXC_NET_HEADERBYTES
#define HR_PK (HR_KX + LUXC_HKX_RESPBYTES)
#define HR_SIG (HR_PK + LUXC_HSIGN_PUBLICKEYBYTES)
#define HR_CONF (HR_SIG + LUXC_HSIGN_BYTES)
#define FI_SIG LUXC_NET_HEADERBYTES
#define FI_CONF (FI_SIG + LUXC_HSIGN_BYTES)

static const char CTX_R[] = "luxc/qzmq/v1/responder";
static const char CTX_I[] = "luxc/qzmq/v1/initiator";

enum hs_state { ST_INIT, ST_WAIT_HELLO_R, ST_WAIT_FINISH, ST_DONE, ST_FAILED, ST_SPENT };

struct luxc_hs {
    luxc_net_limits lim;
    const luxc_valset *vs;
    int role, state, peer, has_expected;
    uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES];
    uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES];
    uint8_t expected[LUXC_HSIGN_PUBLICKEYBYTES];
    uint8_t chain_id[LUXC_NET_CHAINIDBYTES];
    luxc_hkx_state hkx;
    uint8_t secret[LUXC_HKX_SECRETBYTES];
    uint8_t k_i2r[LUXC_AEAD_KEYBYTES], k_r2i[LUXC_AEAD_KEYBYTES];
    uint8_t th[LUXC_HASH_BYTES]; /* latest transcript hash (th_r, th_i) */
    size_t trlen;
    uint8_t tr[TR_MAX];          /* prologue || HELLO_I || HELLO_R[0..HR_SIG) */
    uint8_t chain[CHAIN_MAX];    /* scratch: previous hash || new bytes */
};

static void wipe_secrets(luxc_hs *hs)
{
    luxc_hkx_state_wipe(&hs->hkx);
    luxc_wipe(hs->secret, sizeof hs->secret);
    luxc_wipe(hs->k_i2r, sizeof hs->k_i2r);
    luxc_wipe(hs->k_r2i, sizeof hs->k_r2i);
    luxc_wipe(hs->sk, sizeof hs->sk);
}

static const char *role_name(const luxc_hs *hs)
{
    return hs->role == LUXC_HS_INITIATOR ? "initiator" : "responder";
}

/* Record a final failure: log the reason, wipe, return rc. */
static int fail(luxc_hs *hs, int rc, const char *reason)
{
    hs->state = ST_FAILED;
    wipe_secrets(hs);
    char r[160], e[64];
    luxc_net_logf(&hs->lim, LUXC_LOG_WARN, "handshake refused", "role=%s reason=%s error=%s",
                  role_name(hs), luxc_logfmt_value(r, sizeof r, reason),
                  luxc_logfmt_value(e, sizeof e, luxc_strerror(rc)));
    return rc;
}

int luxc_hs_new(luxc_hs **out, const luxc_net_cfg *cfg, int role,
                const uint8_t *expected_peer_pk)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg || !cfg->valset || !cfg->identity_pk || !cfg->identity_sk ||
        (role != LUXC_HS_INITIATOR && role != LUXC_HS_RESPONDER))
        return LUXC_EINVAL;
    luxc_net_limits lim;
    int rc = luxc_net_limits_from_cfg(&lim, cfg);
    if (rc != LUXC_OK)
        return rc;
    if (luxc_valset_find(cfg->valset, cfg->identity_pk) < 0)
        return LUXC_ENOTMEMBER;
    luxc_hs *hs = calloc(1, sizeof *hs);
    if (!hs)
        return LUXC_ENOMEM;
    hs->lim = lim;
    hs->vs = cfg->valset;
    hs->role = role;
    hs->state = ST_INIT;
    hs->peer = LUXC_ESTATE;
    memcpy(hs->pk, cfg->identity_pk, sizeof hs->pk);
    memcpy(hs->sk, cfg->identity_sk, sizeof hs->sk);
    memcpy(hs->chain_id, cfg->chain_id, sizeof hs->chain_id);
    if (expected_peer_pk) {
        hs->has_expected = 1;
        memcpy(hs->expected, expected_peer_pk, sizeof hs->expected);
    }
    /* Prologue P = "luxc/qzmq" || version || chain_id. */
    memcpy(hs->tr, "luxc/qzmq", 9);
    hs->tr[9] = LUXC_NET_VERSION;
    memcpy(hs->tr + 10, cfg->chain_id, LUXC_NET_CHAINIDBYTES);
    hs->trlen = PROLOGUE_BYTES;
    *out = hs;
    return LUXC_OK;
}

void luxc_hs_free(luxc_hs *hs)
{
    if (!hs)
        return;
    luxc_wipe(hs, sizeof *hs);
    free(hs);
}

int luxc_hs_done(const luxc_hs *hs) { return hs && hs->state == ST_DONE; }

int luxc_hs_peer(const luxc_hs *hs)
{
    if (!hs)
        return LUXC_EINVAL;
    return hs->peer >= 0 ? hs->peer : LUXC_ESTATE;
}

static void tr_append(luxc_hs *hs, const uint8_t *m, size_t len)
{
    memcpy(hs->tr + hs->trlen, m, len);
    hs->trlen += len;
}

/* out = BLAKE2b-256(prev || m); out may alias prev. */
static int chain_hash(luxc_hs *hs, uint8_t out[LUXC_HASH_BYTES],
                      const uint8_t prev[LUXC_HASH_BYTES], const uint8_t *m, size_t len)
{
    memcpy(hs->chain, prev, LUXC_HASH_BYTES);
    memcpy(hs->chain + LUXC_HASH_BYTES, m, len);
    return luxc_hash(out, hs->chain, LUXC_HASH_BYTES + len) == LUXC_OK ? LUXC_OK : LUXC_ECRYPTO;
}

int luxc_hs_start(luxc_hs *hs, uint8_t *out, size_t outmax, size_t *outlen)
{
    if (!hs || !out || !outlen)
        return LUXC_EINVAL;
    *outlen = 0;
    if (hs->role != LUXC_HS_INITIATOR || hs->state != ST_INIT)
        return LUXC_ESTATE;
    if (outmax < LUXC_NET_HELLO_I_BYTES)
        return LUXC_EFULL;
    luxc_net_hdr_write(out, LUXC_NET_MSG_HELLO_I, LUXC_NET_HELLO_I_BYTES - LUXC_NET_HEADERBYTES);
    memcpy(out + HI_CHAIN, hs->chain_id, LUXC_NET_CHAINIDBYTES);
    if (luxc_hkx_initiate(&hs->hkx, out + HI_KX) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "key agreement could not start");
    memcpy(out + HI_PK, hs->pk, LUXC_HSIGN_PUBLICKEYBYTES);
    tr_append(hs, out, LUXC_NET_HELLO_I_BYTES);
    hs->state = ST_WAIT_HELLO_R;
    *outlen = LUXC_NET_HELLO_I_BYTES;
    return LUXC_OK;
}

/* Header, type and exact size of an expected fixed-size message. */
static int check_msg(luxc_hs *hs, const uint8_t *in, size_t inlen, uint8_t want_type,
                     size_t want_len)
{
    uint8_t type;
    uint32_t bl;
    int rc = luxc_net_hdr_parse(in, inlen, &type, &bl);
    if (rc == LUXC_EVERSION)
        return fail(hs, rc, "unsupported protocol version");
    if (rc != LUXC_OK)
        return fail(hs, rc, "malformed message length");
    if (type != want_type)
        return fail(hs, LUXC_ECORRUPT, "unexpected message type");
    if (bl < want_len - LUXC_NET_HEADERBYTES)
        return fail(hs, LUXC_ETRUNC, "message too short");
    if (bl > want_len - LUXC_NET_HEADERBYTES)
        return fail(hs, LUXC_ETRAILING, "message too long");
    return LUXC_OK;
}

/* The peer's presented key: in the set, not ours, the pinned one if any. */
static int check_peer(luxc_hs *hs, const uint8_t *pk)
{
    if (!memcmp(pk, hs->pk, LUXC_HSIGN_PUBLICKEYBYTES))
        return fail(hs, LUXC_EAUTH, "peer presented our own identity key");
    int idx = luxc_valset_find(hs->vs, pk);
    if (idx < 0)
        return fail(hs, LUXC_ENOTMEMBER, "peer key is not in the validator set");
    if (hs->has_expected && memcmp(pk, hs->expected, LUXC_HSIGN_PUBLICKEYBYTES))
        return fail(hs, LUXC_EAUTH, "peer key is not the expected validator's key");
    hs->peer = idx;
    return LUXC_OK;
}

static int confirm_tag(uint8_t tag[LUXC_NET_CONFIRMBYTES], const uint8_t *secret,
                       const char *label, const uint8_t th[LUXC_HASH_BYTES])
{
    return luxc_kdf(tag, LUXC_NET_CONFIRMBYTES, secret, LUXC_HKX_SECRETBYTES, label, th,
                    LUXC_HASH_BYTES) == LUXC_OK ? LUXC_OK : LUXC_ECRYPTO;
}

/* Both direction keys from th_f = H(th_i || FINISH_I). */
static int derive_keys(luxc_hs *hs, const uint8_t *finish)
{
    uint8_t th[LUXC_HASH_BYTES];
    if (chain_hash(hs, th, hs->th, finish, LUXC_NET_FINISH_I_BYTES) != LUXC_OK ||
        luxc_kdf(hs->k_i2r, LUXC_AEAD_KEYBYTES, hs->secret, LUXC_HKX_SECRETBYTES,
                 "luxc/qzmq/v1/i2r", th, sizeof th) != LUXC_OK ||
        luxc_kdf(hs->k_r2i, LUXC_AEAD_KEYBYTES, hs->secret, LUXC_HKX_SECRETBYTES,
                 "luxc/qzmq/v1/r2i", th, sizeof th) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "key derivation failed");
    luxc_wipe(hs->secret, sizeof hs->secret);
    luxc_wipe(hs->sk, sizeof hs->sk);
    hs->state = ST_DONE;
    char name[LUXC_NET_NAMEMAX + 8];
    luxc_net_logf(&hs->lim, LUXC_LOG_INFO, "handshake done", "role=%s peer=%d name=%s",
                  role_name(hs), hs->peer,
                  luxc_logfmt_value(name, sizeof name,
                                    luxc_valset_get(hs->vs, (size_t)hs->peer)->name));
    return LUXC_OK;
}

/* Responder: HELLO_I in, HELLO_R out. */
static int on_hello_i(luxc_hs *hs, const uint8_t *in, size_t inlen, uint8_t *out)
{
    int rc = check_msg(hs, in, inlen, LUXC_NET_MSG_HELLO_I, LUXC_NET_HELLO_I_BYTES);
    if (rc != LUXC_OK)
        return rc;
    if (memcmp(in + HI_CHAIN, hs->chain_id, LUXC_NET_CHAINIDBYTES))
        return fail(hs, LUXC_EAUTH, "peer is on another chain (chain id differs)");
    if ((rc = check_peer(hs, in + HI_PK)) != LUXC_OK)
        return rc;
    tr_append(hs, in, LUXC_NET_HELLO_I_BYTES);
    if (luxc_hkx_respond(out + HR_KX, hs->secret, in + HI_KX, hs->tr, PROLOGUE_BYTES) != LUXC_OK)
        return fail(hs, LUXC_EAUTH, "key agreement failed (bad key share)");
    luxc_net_hdr_write(out, LUXC_NET_MSG_HELLO_R, LUXC_NET_HELLO_R_BYTES - LUXC_NET_HEADERBYTES);
    memcpy(out + HR_PK, hs->pk, LUXC_HSIGN_PUBLICKEYBYTES);
    tr_append(hs, out, HR_SIG);
    uint8_t *th = hs->th;
    if (luxc_hash(th, hs->tr, hs->trlen) != LUXC_OK ||
        luxc_hsign_sign(out + HR_SIG, th, LUXC_HASH_BYTES, (const uint8_t *)CTX_R,
                        sizeof CTX_R - 1, hs->sk) != LUXC_OK ||
        confirm_tag(out + HR_CONF, hs->secret, "luxc/qzmq/v1/confirm-r", th) != LUXC_OK ||
        chain_hash(hs, th, th, out + HR_SIG, LUXC_NET_HELLO_R_BYTES - HR_SIG) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "signing failed");
    hs->state = ST_WAIT_FINISH;
    return LUXC_OK;
}

/* Initiator: HELLO_R in, FINISH_I out; done. */
static int on_hello_r(luxc_hs *hs, const uint8_t *in, size_t inlen, uint8_t *out)
{
    int rc = check_msg(hs, in, inlen, LUXC_NET_MSG_HELLO_R, LUXC_NET_HELLO_R_BYTES);
    if (rc != LUXC_OK)
        return rc;
    if ((rc = check_peer(hs, in + HR_PK)) != LUXC_OK)
        return rc;
    tr_append(hs, in, HR_SIG);
    uint8_t *th = hs->th, tag[LUXC_NET_CONFIRMBYTES];
    if (luxc_hash(th, hs->tr, hs->trlen) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "hash failed");
    if (luxc_hsign_verify(in + HR_SIG, th, LUXC_HASH_BYTES, (const uint8_t *)CTX_R,
                          sizeof CTX_R - 1, in + HR_PK) != LUXC_OK)
        return fail(hs, LUXC_EAUTH, "bad responder signature");
    if (luxc_hkx_finish(&hs->hkx, hs->secret, in + HR_KX, hs->tr, PROLOGUE_BYTES) != LUXC_OK)
        return fail(hs, LUXC_EAUTH, "key agreement failed (bad key share)");
    if (confirm_tag(tag, hs->secret, "luxc/qzmq/v1/confirm-r", th) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "key derivation failed");
    if (luxc_memeq_ct(tag, in + HR_CONF, sizeof tag) != 0)
        return fail(hs, LUXC_EAUTH, "key confirmation failed (peer derived another key)");
    luxc_net_hdr_write(out, LUXC_NET_MSG_FINISH_I, LUXC_NET_FINISH_I_BYTES - LUXC_NET_HEADERBYTES);
    if (chain_hash(hs, th, th, in + HR_SIG, LUXC_NET_HELLO_R_BYTES - HR_SIG) != LUXC_OK ||
        luxc_hsign_sign(out + FI_SIG, th, LUXC_HASH_BYTES, (const uint8_t *)CTX_I,
                        sizeof CTX_I - 1, hs->sk) != LUXC_OK ||
        confirm_tag(out + FI_CONF, hs->secret, "luxc/qzmq/v1/confirm-i", th) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "signing failed");
    return derive_keys(hs, out);
}

/* Responder: FINISH_I in; done. */
static int on_finish_i(luxc_hs *hs, const uint8_t *in, size_t inlen)
{
    int rc = check_msg(hs, in, inlen, LUXC_NET_MSG_FINISH_I, LUXC_NET_FINISH_I_BYTES);
    if (rc != LUXC_OK)
        return rc;
    uint8_t *th = hs->th, tag[LUXC_NET_CONFIRMBYTES]; /* th_i, from on_hello_i */
    const uint8_t *peer_pk = luxc_valset_get(hs->vs, (size_t)hs->peer)->pk;
    if (luxc_hsign_verify(in + FI_SIG, th, LUXC_HASH_BYTES, (const uint8_t *)CTX_I,
                          sizeof CTX_I - 1, peer_pk) != LUXC_OK)
        return fail(hs, LUXC_EAUTH, "bad initiator signature");
    if (confirm_tag(tag, hs->secret, "luxc/qzmq/v1/confirm-i", th) != LUXC_OK)
        return fail(hs, LUXC_ECRYPTO, "key derivation failed");
    if (luxc_memeq_ct(tag, in + FI_CONF, sizeof tag) != 0)
        return fail(hs, LUXC_EAUTH, "key confirmation failed (peer derived another key)");
    return derive_keys(hs, in);
}

int luxc_hs_recv(luxc_hs *hs, const uint8_t *in, size_t inlen, uint8_t *out, size_t outmax,
                 size_t *outlen)
{
    if (!hs || !in || !outlen)
        return LUXC_EINVAL;
    *outlen = 0;
    if (hs->state == ST_INIT && hs->role == LUXC_HS_RESPONDER) {
        if (!out || outmax < LUXC_NET_HELLO_R_BYTES)
            return LUXC_EFULL;
        int rc = on_hello_i(hs, in, inlen, out);
        if (rc == LUXC_OK)
            *outlen = LUXC_NET_HELLO_R_BYTES;
        return rc;
    }
    if (hs->state == ST_WAIT_HELLO_R) {
        if (!out || outmax < LUXC_NET_FINISH_I_BYTES)
            return LUXC_EFULL;
        int rc = on_hello_r(hs, in, inlen, out);
        if (rc == LUXC_OK)
            *outlen = LUXC_NET_FINISH_I_BYTES;
        return rc;
    }
    if (hs->state == ST_WAIT_FINISH)
        return on_finish_i(hs, in, inlen);
    return LUXC_ESTATE;
}

int luxc_hs_finish(luxc_hs *hs, luxc_chan **out)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!hs)
        return LUXC_EINVAL;
    if (hs->state != ST_DONE)
        return LUXC_ESTATE;
    int init = hs->role == LUXC_HS_INITIATOR;
    int rc = luxc_chan_new_internal(out, &hs->lim, init ? hs->k_i2r : hs->k_r2i,
                                    init ? hs->k_r2i : hs->k_i2r, hs->peer);
    if (rc != LUXC_OK)
        return rc;
    hs->state = ST_SPENT;
    wipe_secrets(hs);
    return LUXC_OK;
}
