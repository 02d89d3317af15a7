/* chan.c - the record layer: one authenticated, encrypted, ordered channel.
 * Owns: sealing and opening DATA records (XChaCha20-Poly1305 with counter
 * nonces), strict next-sequence-only acceptance, epoch rekeying, and the
 * per-reason drop counters. Pure: no I/O, no locks; the clock comes from
 * the configuration. Wire format: include/luxc/net.h. */
#include "net/net_int.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

#define REC_MINBODY (LUXC_NET_RECHEADERBYTES - LUXC_NET_HEADERBYTES + LUXC_AEAD_TAGBYTES)

struct luxc_chan {
    luxc_net_limits lim;
    uint8_t send_key[LUXC_AEAD_KEYBYTES];
    uint8_t recv_key[LUXC_AEAD_KEYBYTES];
    uint64_t send_seq, recv_seq;  /* next to send / next expected */
    uint64_t ep_records, ep_bytes, ep_start_ms; /* current send epoch usage */
    uint64_t rep_records, rep_bytes, rep_start_ms; /* current receive epoch usage */
    luxc_net_stats st;
    int peer;
};

int luxc_chan_new_internal(luxc_chan **out, const luxc_net_limits *lim,
                           const uint8_t send_key[LUXC_AEAD_KEYBYTES],
                           const uint8_t recv_key[LUXC_AEAD_KEYBYTES], int peer)
{
    luxc_chan *ch = calloc(1, sizeof *ch);
    *out = ch;
    if (!ch)
        return LUXC_ENOMEM;
    ch->lim = *lim;
    memcpy(ch->send_key, send_key, sizeof ch->send_key);
    memcpy(ch->recv_key, recv_key, sizeof ch->recv_key);
    ch->peer = peer;
    ch->ep_start_ms = luxc_net_now_ms(&ch->lim);
    ch->rep_start_ms = ch->ep_start_ms;
    return LUXC_OK;
}

int luxc_chan_new_from_keys(luxc_chan **out, const luxc_net_cfg *cfg,
                            const uint8_t send_key[LUXC_AEAD_KEYBYTES],
                            const uint8_t recv_key[LUXC_AEAD_KEYBYTES], int peer)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg || !send_key || !recv_key)
        return LUXC_EINVAL;
    luxc_net_limits lim;
    int rc = luxc_net_limits_from_cfg(&lim, cfg);
    if (rc != LUXC_OK)
        return rc;
    return luxc_chan_new_internal(out, &lim, send_key, recv_key, peer);
}

void luxc_chan_free(luxc_chan *ch)
{
    if (!ch)
        return;
    luxc_wipe(ch, sizeof *ch);
    free(ch);
}

size_t luxc_chan_sealed_len(size_t mlen) { return mlen + LUXC_NET_RECOVERHEAD; }

/* key(e+1) = KDF(key(e), "luxc/qzmq/v1/rekey", be32(e+1)). */
static int next_key(uint8_t out[LUXC_AEAD_KEYBYTES], const uint8_t key[LUXC_AEAD_KEYBYTES],
                    uint32_t next_epoch)
{
    uint8_t info[4];
    luxc_be32_store(info, next_epoch);
    int rc = luxc_kdf(out, LUXC_AEAD_KEYBYTES, key, LUXC_AEAD_KEYBYTES, "luxc/qzmq/v1/rekey",
                      info, sizeof info);
    if (rc != LUXC_OK) {
        luxc_wipe(out, LUXC_AEAD_KEYBYTES);
        return LUXC_ECRYPTO;
    }
    return LUXC_OK;
}

int luxc_chan_rekey(luxc_chan *ch)
{
    if (!ch)
        return LUXC_EINVAL;
    if (ch->st.send_epoch == UINT32_MAX)
        return LUXC_EOVERFLOW;
    uint8_t k[LUXC_AEAD_KEYBYTES];
    int rc = next_key(k, ch->send_key, ch->st.send_epoch + 1);
    if (rc != LUXC_OK)
        return rc;
    memcpy(ch->send_key, k, sizeof k);
    luxc_wipe(k, sizeof k);
    ch->st.send_epoch++;
    ch->st.rekeys_sent++;
    ch->ep_records = 0;
    ch->ep_bytes = 0;
    ch->ep_start_ms = luxc_net_now_ms(&ch->lim);
    luxc_net_logf(&ch->lim, LUXC_LOG_DEBUG, "rekey sent", "epoch=%u peer=%d",
                  (unsigned)ch->st.send_epoch, ch->peer);
    return LUXC_OK;
}

/* An epoch that has carried `records` records and `bytes` plaintext
 * bytes since start_ms is spent once it reaches either limit or is
 * max_ms old. A clock that went backwards never spends it. One rule for
 * both directions: the sender rekeys by it, the receiver refuses by it. */
static int epoch_spent(const luxc_net_limits *lim, uint64_t records, uint64_t bytes,
                       uint64_t start_ms, uint64_t max_records, uint64_t max_bytes,
                       uint64_t max_ms)
{
    if (records >= max_records || bytes >= max_bytes)
        return 1;
    uint64_t now = luxc_net_now_ms(lim);
    return now >= start_ms && now - start_ms >= max_ms;
}

static int rekey_due(const luxc_chan *ch)
{
    return epoch_spent(&ch->lim, ch->ep_records, ch->ep_bytes, ch->ep_start_ms,
                       ch->lim.rekey_records, ch->lim.rekey_bytes, ch->lim.rekey_ms);
}

static void make_nonce(uint8_t nonce[LUXC_AEAD_NONCEBYTES], const uint8_t *hdr)
{
    memset(nonce, 0, LUXC_AEAD_NONCEBYTES);
    memcpy(nonce, hdr + LUXC_NET_HEADERBYTES, 12); /* epoch || seq */
}

int luxc_chan_seal(luxc_chan *ch, uint8_t *out, size_t outmax, size_t *outlen,
                   const uint8_t *m, size_t mlen)
{
    if (!ch || !out || !outlen || (!m && mlen))
        return LUXC_EINVAL;
    *outlen = 0;
    if (mlen > ch->lim.max_record)
        return LUXC_ETOOBIG;
    if (outmax < luxc_chan_sealed_len(mlen))
        return LUXC_EFULL;
    if (ch->send_seq == UINT64_MAX)
        return LUXC_EOVERFLOW;
    if (rekey_due(ch)) {
        int rc = luxc_chan_rekey(ch);
        if (rc != LUXC_OK)
            return rc;
    }
    luxc_net_hdr_write(out, LUXC_NET_MSG_DATA, (uint32_t)(mlen + REC_MINBODY));
    luxc_be32_store(out + 6, ch->st.send_epoch);
    luxc_be64_store(out + 10, ch->send_seq);
    uint8_t nonce[LUXC_AEAD_NONCEBYTES];
    make_nonce(nonce, out);
    size_t clen;
    if (luxc_aead_seal(out + LUXC_NET_RECHEADERBYTES, &clen, m, mlen, out,
                       LUXC_NET_RECHEADERBYTES, nonce, ch->send_key) != LUXC_OK)
        return LUXC_ECRYPTO;
    *outlen = LUXC_NET_RECHEADERBYTES + clen;
    ch->send_seq++;
    ch->ep_records++;
    ch->ep_bytes += mlen;
    ch->st.sent_records++;
    ch->st.sent_bytes += mlen;
    return LUXC_OK;
}

/* The peer's current epoch has carried what a conforming sender may put
 * in one (it rekeys before sealing once a limit is reached, so a record
 * that finds the epoch at a limit should have come under the next key),
 * or has outlived its time by more than the grace. */
static int recv_key_stale(const luxc_chan *ch)
{
    return epoch_spent(&ch->lim, ch->rep_records, ch->rep_bytes, ch->rep_start_ms,
                       ch->lim.peer_rekey_records, ch->lim.peer_rekey_bytes,
                       ch->lim.peer_rekey_ms + LUXC_NET_REKEY_GRACE_MS);
}

/* Structural checks of a DATA frame, in the documented order. Counts the
 * drop reason and returns its error, or LUXC_OK with *mlen set. */
static int check_frame(luxc_chan *ch, const uint8_t *f, size_t flen, size_t *mlen)
{
    luxc_net_stats *st = &ch->st;
    uint64_t maxbody = (uint64_t)ch->lim.max_record + REC_MINBODY;
    if (flen < LUXC_NET_RECHEADERBYTES)
        return st->drop_truncated++, LUXC_ETRUNC;
    if (f[0] != LUXC_NET_VERSION)
        return st->drop_version++, LUXC_EVERSION;
    if (f[1] != LUXC_NET_MSG_DATA)
        return st->drop_header++, LUXC_ECORRUPT;
    uint32_t bl = luxc_be32_load(f + 2);
    if (bl > maxbody || flen - LUXC_NET_HEADERBYTES > maxbody)
        return st->drop_oversized++, LUXC_ETOOBIG;
    if (bl < REC_MINBODY)
        return st->drop_header++, LUXC_ECORRUPT;
    if (bl > flen - LUXC_NET_HEADERBYTES)
        return st->drop_truncated++, LUXC_ETRUNC;
    if (bl < flen - LUXC_NET_HEADERBYTES)
        return st->drop_header++, LUXC_ETRAILING;
    uint64_t seq = luxc_be64_load(f + 10);
    if (seq < ch->recv_seq)
        return st->drop_replay++, LUXC_EREPLAY;
    if (seq > ch->recv_seq)
        return st->drop_reorder++, LUXC_EREPLAY;
    *mlen = bl - REC_MINBODY;
    return LUXC_OK;
}

int luxc_chan_open(luxc_chan *ch, uint8_t *out, size_t outmax, size_t *outlen,
                   const uint8_t *frame, size_t flen)
{
    if (!ch || !outlen || !frame || (!out && outmax))
        return LUXC_EINVAL;
    *outlen = 0;
    size_t mlen;
    int rc = check_frame(ch, frame, flen, &mlen);
    if (rc != LUXC_OK)
        return rc;
    uint32_t epoch = luxc_be32_load(frame + 6);
    uint8_t next[LUXC_AEAD_KEYBYTES];
    const uint8_t *key = ch->recv_key;
    if (epoch != ch->st.recv_epoch) {
        if (ch->st.recv_epoch == UINT32_MAX || epoch != ch->st.recv_epoch + 1)
            return ch->st.drop_epoch++, LUXC_ESTALE;
        if (next_key(next, ch->recv_key, epoch) != LUXC_OK)
            return LUXC_ECRYPTO;
        key = next;
    } else if (recv_key_stale(ch)) {
        return ch->st.drop_stale_key++, LUXC_ESTALE;
    }
    if (outmax < mlen) {
        luxc_wipe(next, sizeof next);
        return LUXC_EFULL;
    }
    uint8_t nonce[LUXC_AEAD_NONCEBYTES];
    make_nonce(nonce, frame);
    size_t got;
    uint8_t dummy[1];
    rc = luxc_aead_open(out ? out : dummy, &got, frame + LUXC_NET_RECHEADERBYTES,
                        flen - LUXC_NET_RECHEADERBYTES, frame, LUXC_NET_RECHEADERBYTES, nonce,
                        key);
    if (rc != LUXC_OK || got != mlen) {
        luxc_wipe(next, sizeof next);
        if (out && mlen)
            luxc_wipe(out, mlen);
        ch->st.drop_auth++;
        return LUXC_EAUTH;
    }
    if (key == next) {
        memcpy(ch->recv_key, next, sizeof next);
        ch->st.recv_epoch = epoch;
        ch->st.rekeys_recv++;
        ch->rep_records = ch->rep_bytes = 0;
        ch->rep_start_ms = luxc_net_now_ms(&ch->lim);
        luxc_net_logf(&ch->lim, LUXC_LOG_DEBUG, "rekey received", "epoch=%u peer=%d",
                      (unsigned)epoch, ch->peer);
    }
    luxc_wipe(next, sizeof next);
    ch->recv_seq++;
    ch->rep_records++;
    ch->rep_bytes += mlen;
    ch->st.recv_records++;
    ch->st.recv_bytes += mlen;
    *outlen = mlen;
    return LUXC_OK;
}

uint64_t luxc_net_stats_dropped(const luxc_net_stats *s)
{
    if (!s)
        return 0;
    return s->drop_truncated + s->drop_oversized + s->drop_header + s->drop_version +
           s->drop_replay + s->drop_reorder + s->drop_epoch + s->drop_auth + s->drop_stale_key;
}

void luxc_chan_stats(const luxc_chan *ch, luxc_net_stats *out)
{
    if (!out)
        return;
    if (!ch) {
        memset(out, 0, sizeof *out);
        return;
    }
    *out = ch->st;
}

int luxc_chan_peer(const luxc_chan *ch) { return ch ? ch->peer : LUXC_EINVAL; }
