/* zserver.c - accept authenticated links from many validators on one
 * ZMQ_ROUTER socket.
 * Owns: the session table keyed by ZeroMQ routing id (one responder
 * handshake, then one channel per connection), replacing an older session
 * when the same validator reconnects, and evicting stale half-open
 * handshakes when the table is full. Thin: the protocol lives in
 * handshake.c and chan.c. */
#include "net/net_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zmq.h>

#define RID_MAX 256u

typedef struct zsession {
    uint8_t rid[RID_MAX];
    size_t ridlen;
    luxc_hs *hs;     /* while handshaking */
    luxc_chan *ch;   /* once established */
    uint64_t born;   /* arrival order, for eviction */
} zsession;

struct luxc_zserver {
    luxc_net_cfg cfg; /* identity pointers point at pk/sk below */
    luxc_net_limits lim;
    uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES];
    uint8_t sk[LUXC_HSIGN_SECRETKEYBYTES];
    void *sock;
    char endpoint[LUXC_NET_ADDRMAX];
    zsession *s;
    size_t n, cap;
    uint64_t refused, stray, arrivals;
    uint8_t reply[LUXC_NET_HS_MSGMAX];
};

static void session_clear(zsession *z)
{
    luxc_hs_free(z->hs);
    luxc_chan_free(z->ch);
    memset(z, 0, sizeof *z);
}

static void session_remove(luxc_zserver *s, size_t i)
{
    session_clear(&s->s[i]);
    s->s[i] = s->s[s->n - 1];
    s->n--;
}

void luxc_zserver_free(luxc_zserver *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++)
        session_clear(&s->s[i]);
    free(s->s);
    if (s->sock)
        zmq_close(s->sock);
    luxc_wipe(s->sk, sizeof s->sk);
    free(s);
}

int luxc_zserver_new(luxc_zserver **out, void *zctx, const char *endpoint,
                     const luxc_net_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!zctx || !endpoint || !cfg || !cfg->valset || !cfg->identity_pk || !cfg->identity_sk)
        return LUXC_EINVAL;
    if (luxc_valset_find(cfg->valset, cfg->identity_pk) < 0)
        return LUXC_ENOTMEMBER;
    luxc_zserver *s = calloc(1, sizeof *s);
    if (!s)
        return LUXC_ENOMEM;
    int rc = luxc_net_limits_from_cfg(&s->lim, cfg);
    if (rc != LUXC_OK)
        goto fail;
    s->cfg = *cfg;
    memcpy(s->pk, cfg->identity_pk, sizeof s->pk);
    memcpy(s->sk, cfg->identity_sk, sizeof s->sk);
    s->cfg.identity_pk = s->pk;
    s->cfg.identity_sk = s->sk;
    s->cap = 2 * luxc_valset_count(cfg->valset) + 16;
    rc = LUXC_ENOMEM;
    if (!(s->s = calloc(s->cap, sizeof *s->s)))
        goto fail;
    rc = LUXC_EIO;
    int one = 1;
    if (!(s->sock = zmq_socket(zctx, ZMQ_ROUTER)) ||
        luxc_net_zsock_setup(s->sock, &s->lim) != LUXC_OK ||
        zmq_setsockopt(s->sock, ZMQ_ROUTER_MANDATORY, &one, sizeof one) != 0)
        goto fail;
    if (zmq_bind(s->sock, endpoint) != 0) {
        luxc_net_log_zmq_failure(&s->lim, "bind failed", endpoint);
        goto fail;
    }
    size_t elen = sizeof s->endpoint;
    if (zmq_getsockopt(s->sock, ZMQ_LAST_ENDPOINT, s->endpoint, &elen) != 0)
        goto fail;
    *out = s;
    return LUXC_OK;
fail:
    luxc_zserver_free(s);
    return rc;
}

int luxc_zserver_endpoint(const luxc_zserver *s, char *buf, size_t len)
{
    if (!s || !buf)
        return LUXC_EINVAL;
    size_t n = strlen(s->endpoint);
    if (n >= len)
        return LUXC_EFULL;
    memcpy(buf, s->endpoint, n + 1);
    return LUXC_OK;
}

uint64_t luxc_zserver_refused(const luxc_zserver *s) { return s ? s->refused : 0; }

uint64_t luxc_zserver_stray(const luxc_zserver *s) { return s ? s->stray : 0; }

void *luxc_zserver_socket(luxc_zserver *s) { return s ? s->sock : NULL; }

static zsession *find_rid(luxc_zserver *s, const uint8_t *rid, size_t len)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->s[i].ridlen == len && !memcmp(s->s[i].rid, rid, len))
            return &s->s[i];
    return NULL;
}

/* The established session of validator `peer` (the newest wins). */
static zsession *find_peer(const luxc_zserver *s, int peer)
{
    for (size_t i = 0; i < s->n; i++)
        if (s->s[i].ch && luxc_chan_peer(s->s[i].ch) == peer)
            return &s->s[i];
    return NULL;
}

/* A slot for a new connection: evict the oldest half-open handshake when
 * the table is full (established sessions are never evicted for this). */
static zsession *new_session(luxc_zserver *s, const uint8_t *rid, size_t ridlen)
{
    if (s->n == s->cap) {
        size_t old = s->n;
        for (size_t i = 0; i < s->n; i++)
            if (s->s[i].hs && (old == s->n || s->s[i].born < s->s[old].born))
                old = i;
        if (old == s->n)
            return NULL;
        luxc_net_logf(&s->lim, LUXC_LOG_INFO, "half-open handshake evicted", NULL);
        session_remove(s, old);
    }
    zsession *z = &s->s[s->n];
    memset(z, 0, sizeof *z);
    if (luxc_hs_new(&z->hs, &s->cfg, LUXC_HS_RESPONDER, NULL) != LUXC_OK)
        return NULL;
    memcpy(z->rid, rid, ridlen);
    z->ridlen = ridlen;
    z->born = s->arrivals++;
    s->n++;
    return z;
}

static int send_to(luxc_zserver *s, const zsession *z, zmq_msg_t *body)
{
    if (zmq_send(s->sock, z->rid, z->ridlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) != (int)z->ridlen ||
        zmq_msg_send(body, s->sock, ZMQ_DONTWAIT) < 0)
        return LUXC_EIO;
    return LUXC_OK;
}

/* One handshake message from connection z. */
static void handshake_step(luxc_zserver *s, zsession *z, const uint8_t *in, size_t inlen)
{
    size_t len;
    int rc = luxc_hs_recv(z->hs, in, inlen, s->reply, sizeof s->reply, &len);
    if (rc == LUXC_OK && len) {
        zmq_msg_t m;
        if (zmq_msg_init_size(&m, len) != 0) {
            rc = LUXC_ENOMEM;
        } else {
            memcpy(zmq_msg_data(&m), s->reply, len);
            if ((rc = send_to(s, z, &m)) != LUXC_OK)
                zmq_msg_close(&m);
        }
    }
    if (rc == LUXC_OK && luxc_hs_done(z->hs)) {
        int peer = luxc_hs_peer(z->hs);
        zsession *old = find_peer(s, peer);
        luxc_chan *ch;
        if ((rc = luxc_hs_finish(z->hs, &ch)) == LUXC_OK) {
            luxc_hs_free(z->hs);
            z->hs = NULL;
            z->ch = ch;
            if (old) /* the validator reconnected: the new link replaces it */
                session_remove(s, (size_t)(old - s->s));
        }
    }
    if (rc != LUXC_OK) {
        s->refused++;
        session_remove(s, (size_t)(z - s->s));
    }
}

int luxc_zserver_recv(luxc_zserver *s, int *peer, uint8_t *out, size_t outmax, size_t *outlen,
                      int timeout_ms)
{
    if (!s || !peer || !outlen)
        return LUXC_EINVAL;
    *outlen = 0;
    *peer = -1;
    if (!out || outmax < s->lim.max_record)
        return LUXC_EFULL;
    int64_t deadline = luxc_net_deadline(timeout_ms);
    for (;;) {
        zmq_msg_t f[2];
        size_t nf;
        int rc = luxc_net_zrecv(s->sock, f, 2, &nf, luxc_net_left_ms(deadline));
        if (rc != LUXC_OK)
            return rc;
        if (nf == 2 && zmq_msg_size(&f[0]) <= RID_MAX) {
            const uint8_t *rid = zmq_msg_data(&f[0]);
            const uint8_t *body = zmq_msg_data(&f[1]);
            size_t ridlen = zmq_msg_size(&f[0]), blen = zmq_msg_size(&f[1]);
            zsession *z = find_rid(s, rid, ridlen);
            if (!z && blen >= 2 && body[0] == LUXC_NET_VERSION &&
                body[1] == LUXC_NET_MSG_HELLO_I) {
                z = new_session(s, rid, ridlen);
            } else if (!z) {
                /* e.g. records of a link from before our restart: a new
                 * connection must start with HELLO_I; never open a
                 * session (or evict a half-open one) for anything else */
                s->stray++;
                luxc_net_logf(&s->lim, LUXC_LOG_DEBUG, "frame dropped",
                              "bytes=%zu reason=\"unknown connection\"", blen);
            }
            if (z && z->hs) {
                handshake_step(s, z, body, blen);
            } else if (z) {
                rc = luxc_chan_open(z->ch, out, outmax, outlen, body, blen);
                if (rc == LUXC_OK) {
                    *peer = luxc_chan_peer(z->ch);
                    zmq_msg_close(&f[0]);
                    zmq_msg_close(&f[1]);
                    return rc;
                }
            }
        }
        for (size_t i = 0; i < nf && i < 2; i++)
            zmq_msg_close(&f[i]);
        if (luxc_net_left_ms(deadline) == 0)
            return LUXC_EAGAIN;
    }
}

int luxc_zserver_send(luxc_zserver *s, int peer, const uint8_t *m, size_t mlen)
{
    if (!s || (!m && mlen))
        return LUXC_EINVAL;
    zsession *z = find_peer(s, peer);
    if (!z)
        return LUXC_ENOTFOUND;
    if (mlen > s->lim.max_record)
        return LUXC_ETOOBIG;
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, luxc_chan_sealed_len(mlen)) != 0)
        return LUXC_ENOMEM;
    /* The routing frame goes first and never waits: if libzmq cannot take
     * the message (queue full, or the peer is gone) nothing has been sealed
     * yet, so the sequence the peer expects has no gap. */
    if (zmq_send(s->sock, z->rid, z->ridlen, ZMQ_SNDMORE | ZMQ_DONTWAIT) != (int)z->ridlen) {
        int e = zmq_errno();
        zmq_msg_close(&msg);
        if (e == EAGAIN)
            return LUXC_EAGAIN;
        if (e == EHOSTUNREACH) {
            luxc_net_logf(&s->lim, LUXC_LOG_INFO, "peer disconnected", "peer=%d", peer);
            session_remove(s, (size_t)(z - s->s));
            return LUXC_ECLOSED;
        }
        return LUXC_EIO;
    }
    size_t len;
    int rc = luxc_chan_seal(z->ch, zmq_msg_data(&msg), zmq_msg_size(&msg), &len, m, mlen);
    if (rc != LUXC_OK) {
        /* end the started message with an empty frame (the peer drops it) */
        zmq_msg_close(&msg);
        zmq_send(s->sock, "", 0, ZMQ_DONTWAIT);
        return rc;
    }
    if (zmq_msg_send(&msg, s->sock, ZMQ_DONTWAIT) < 0) {
        zmq_msg_close(&msg);
        return LUXC_EIO;
    }
    return LUXC_OK;
}

int luxc_zserver_session(const luxc_zserver *s, int peer, uint64_t *session)
{
    if (!s || !session)
        return LUXC_EINVAL;
    const zsession *z = find_peer(s, peer);
    if (!z)
        return LUXC_ENOTFOUND;
    *session = z->born + 1;
    return LUXC_OK;
}

int luxc_zserver_stats(const luxc_zserver *s, int peer, luxc_net_stats *out)
{
    if (!s || !out)
        return LUXC_EINVAL;
    const zsession *z = find_peer(s, peer);
    if (!z)
        return LUXC_ENOTFOUND;
    luxc_chan_stats(z->ch, out);
    return LUXC_OK;
}
