/* zutil.c - the few ZeroMQ calls shared by zserver.c and zclient.c.
 * Owns: socket limits (ZMQ_MAXMSGSIZE so libzmq never buffers more than
 * one legal message), bounded waits, multi-frame receive, and the log
 * event of a failed bind or connect. */
#include "net/net_int.h"

#include <errno.h>
#include <time.h>
#include <zmq.h>

size_t luxc_net_maxmsg(const luxc_net_limits *lim)
{
    size_t rec = (size_t)lim->max_record + LUXC_NET_RECOVERHEAD;
    return rec > LUXC_NET_HS_MSGMAX ? rec : LUXC_NET_HS_MSGMAX;
}

int luxc_net_zsock_setup(void *sock, const luxc_net_limits *lim)
{
    int64_t maxmsg = (int64_t)luxc_net_maxmsg(lim);
    int linger = 1000; /* flush queued records on close, but never hang */
    if (zmq_setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) != 0 ||
        zmq_setsockopt(sock, ZMQ_LINGER, &linger, sizeof linger) != 0)
        return LUXC_EIO;
    return LUXC_OK;
}

void luxc_net_log_zmq_failure(const luxc_net_limits *lim, const char *event,
                              const char *endpoint)
{
    char ep[LUXC_NET_ADDRMAX + 8], e[128];
    luxc_net_logf(lim, LUXC_LOG_ERROR, event, "endpoint=%s error=%s",
                  luxc_logfmt_value(ep, sizeof ep, endpoint),
                  luxc_logfmt_value(e, sizeof e, zmq_strerror(zmq_errno())));
}

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int64_t luxc_net_deadline(int timeout_ms)
{
    return timeout_ms < 0 ? -1 : mono_ms() + timeout_ms;
}

int luxc_net_left_ms(int64_t deadline_ms)
{
    if (deadline_ms < 0)
        return -1;
    int64_t now = mono_ms();
    if (now >= deadline_ms)
        return 0;
    int64_t left = deadline_ms - now;
    return left > 1000000000 ? 1000000000 : (int)left;
}

int luxc_net_zrecv(void *sock, void *msgs, size_t maxframes, size_t *nframes, int timeout_ms)
{
    zmq_msg_t *m = msgs;
    *nframes = 0;
    zmq_pollitem_t it = {.socket = sock, .events = ZMQ_POLLIN};
    int rc;
    do
        rc = zmq_poll(&it, 1, timeout_ms);
    while (rc < 0 && errno == EINTR);
    if (rc < 0)
        return LUXC_EIO;
    if (rc == 0 || !(it.revents & ZMQ_POLLIN))
        return LUXC_EAGAIN;
    int more = 1;
    while (more) {
        zmq_msg_t tmp, *dst = *nframes < maxframes ? &m[*nframes] : &tmp;
        zmq_msg_init(dst);
        if (zmq_msg_recv(dst, sock, 0) < 0) {
            zmq_msg_close(dst);
            for (size_t i = 0; i < *nframes && i < maxframes; i++)
                zmq_msg_close(&m[i]);
            *nframes = 0;
            return errno == EAGAIN || errno == EINTR ? LUXC_EAGAIN : LUXC_EIO;
        }
        more = zmq_msg_more(dst);
        if (dst == &tmp)
            zmq_msg_close(&tmp);
        (*nframes)++;
    }
    return LUXC_OK;
}
