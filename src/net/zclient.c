/* zclient.c - one authenticated link to a server over a ZMQ_DEALER socket.
 * Owns: connect + blocking handshake, then sealing/opening records on the
 * socket. Thin: the protocol lives in handshake.c and chan.c. */
#include "net/net_int.h"

#include <stdlib.h>
#include <string.h>
#include <zmq.h>

struct luxc_zclient {
    luxc_net_limits lim;
    void *sock;
    luxc_chan *ch;
};

void luxc_zclient_free(luxc_zclient *c)
{
    if (!c)
        return;
    if (c->sock)
        zmq_close(c->sock);
    luxc_chan_free(c->ch);
    free(c);
}

static int send_buf(void *sock, const uint8_t *b, size_t len)
{
    return zmq_send(sock, b, len, 0) == (int)len ? LUXC_OK : LUXC_EIO;
}

/* Wait for the handshake reply; skip anything that is not one message of
 * one frame (a DEALER peer only ever sends single frames). */
static int hs_exchange(luxc_zclient *c, luxc_hs *hs, uint8_t *buf, int64_t deadline)
{
    size_t len;
    int rc = luxc_hs_start(hs, buf, LUXC_NET_HS_MSGMAX, &len);
    if (rc != LUXC_OK || (rc = send_buf(c->sock, buf, len)) != LUXC_OK)
        return rc;
    while (!luxc_hs_done(hs)) {
        zmq_msg_t m;
        size_t nf;
        int left = luxc_net_left_ms(deadline);
        if (left == 0)
            return LUXC_ETIMEOUT;
        rc = luxc_net_zrecv(c->sock, &m, 1, &nf, left);
        if (rc == LUXC_EAGAIN)
            continue;
        if (rc != LUXC_OK)
            return rc;
        if (nf != 1) {
            zmq_msg_close(&m);
            continue;
        }
        rc = luxc_hs_recv(hs, zmq_msg_data(&m), zmq_msg_size(&m), buf, LUXC_NET_HS_MSGMAX, &len);
        zmq_msg_close(&m);
        if (rc != LUXC_OK)
            return rc;
        if (len && (rc = send_buf(c->sock, buf, len)) != LUXC_OK)
            return rc;
    }
    return LUXC_OK;
}

int luxc_zclient_new(luxc_zclient **out, void *zctx, const char *endpoint,
                     const luxc_net_cfg *cfg, const uint8_t *expected_peer_pk, int timeout_ms)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!zctx || !endpoint || !cfg)
        return LUXC_EINVAL;
    luxc_zclient *c = calloc(1, sizeof *c);
    if (!c)
        return LUXC_ENOMEM;
    luxc_hs *hs = NULL;
    uint8_t *buf = NULL;
    int rc = luxc_net_limits_from_cfg(&c->lim, cfg);
    if (rc != LUXC_OK)
        goto fail;
    if ((rc = luxc_hs_new(&hs, cfg, LUXC_HS_INITIATOR, expected_peer_pk)) != LUXC_OK)
        goto fail;
    rc = LUXC_ENOMEM;
    if (!(buf = malloc(LUXC_NET_HS_MSGMAX)))
        goto fail;
    rc = LUXC_EIO;
    if (!(c->sock = zmq_socket(zctx, ZMQ_DEALER)))
        goto fail;
    if ((rc = luxc_net_zsock_setup(c->sock, &c->lim)) != LUXC_OK)
        goto fail;
    if (zmq_connect(c->sock, endpoint) != 0) {
        luxc_net_log_zmq_failure(&c->lim, "connect failed", endpoint);
        rc = LUXC_EIO;
        goto fail;
    }
    int64_t deadline = luxc_net_deadline(timeout_ms);
    if ((rc = hs_exchange(c, hs, buf, deadline)) != LUXC_OK)
        goto fail;
    if ((rc = luxc_hs_finish(hs, &c->ch)) != LUXC_OK)
        goto fail;
    luxc_hs_free(hs);
    free(buf);
    *out = c;
    return LUXC_OK;
fail:
    luxc_hs_free(hs);
    free(buf);
    luxc_zclient_free(c);
    return rc;
}

int luxc_zclient_send(luxc_zclient *c, const uint8_t *m, size_t mlen)
{
    if (!c || (!m && mlen))
        return LUXC_EINVAL;
    if (mlen > c->lim.max_record)
        return LUXC_ETOOBIG;
    /* Never block, and never seal a record we cannot hand to libzmq: a
     * sealed record that is not sent would leave a gap in the sequence the
     * peer accepts, and every later record would be dropped as reordered. */
    int events = 0;
    size_t evlen = sizeof events;
    if (zmq_getsockopt(c->sock, ZMQ_EVENTS, &events, &evlen) != 0)
        return LUXC_EIO;
    if (!(events & ZMQ_POLLOUT))
        return LUXC_EAGAIN;
    zmq_msg_t msg;
    if (zmq_msg_init_size(&msg, luxc_chan_sealed_len(mlen)) != 0)
        return LUXC_ENOMEM;
    size_t len;
    int rc = luxc_chan_seal(c->ch, zmq_msg_data(&msg), zmq_msg_size(&msg), &len, m, mlen);
    if (rc == LUXC_OK && zmq_msg_send(&msg, c->sock, ZMQ_DONTWAIT) < 0)
        rc = LUXC_EIO;
    if (rc != LUXC_OK)
        zmq_msg_close(&msg);
    return rc;
}

int luxc_zclient_recv(luxc_zclient *c, uint8_t *out, size_t outmax, size_t *outlen,
                      int timeout_ms)
{
    if (!c || !outlen)
        return LUXC_EINVAL;
    *outlen = 0;
    if (!out || outmax < c->lim.max_record)
        return LUXC_EFULL;
    int64_t deadline = luxc_net_deadline(timeout_ms);
    for (;;) {
        zmq_msg_t m;
        size_t nf;
        int rc = luxc_net_zrecv(c->sock, &m, 1, &nf, luxc_net_left_ms(deadline));
        if (rc != LUXC_OK)
            return rc;
        if (nf != 1) {
            zmq_msg_close(&m);
            continue;
        }
        rc = luxc_chan_open(c->ch, out, outmax, outlen, zmq_msg_data(&m), zmq_msg_size(&m));
        zmq_msg_close(&m);
        if (rc == LUXC_OK)
            return rc;
        /* dropped and counted by the channel; wait for the next one */
        if (luxc_net_left_ms(deadline) == 0)
            return LUXC_EAGAIN;
    }
}

void luxc_zclient_stats(const luxc_zclient *c, luxc_net_stats *out)
{
    luxc_chan_stats(c ? c->ch : NULL, out);
}

void *luxc_zclient_socket(luxc_zclient *c) { return c ? c->sock : NULL; }
