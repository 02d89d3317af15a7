/* test_zclient.c - the DEALER-side link (src/net/zclient.c) against a
 * scripted server: a thread with a raw ZMQ_ROUTER socket and its own
 * luxc_hs responder / luxc_chan, so the test decides every frame the
 * client sees. Covers the blocking handshake (multi-frame messages
 * skipped, a garbage reply failing at once, a silent server timing out, a
 * wrong server key refused), records both ways, recv dropping and
 * counting bad frames and skipping multi-frame ones, the EFULL / ETOOBIG /
 * EINVAL checks, and send refusing with EAGAIN (sealing nothing) when the
 * queue is full, so the records that were queued arrive with no gap once
 * the server reads again. Loggers are NULL. Loopback, ephemeral ports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>
#include <zmq.h>

#include "common/be.h"
#include "net_fixture.h"
#include "testutil.h"

#define RECMAX 1024

static fx *F;
static void *zctx;
static int passed;

static int setup(void **state)
{
    (void)state;
    F = calloc(1, sizeof *F);
    if (!F || fx_init(F) != 0)
        return -1;
    for (int i = 0; i < FX_N; i++) {
        F->cfg[i].log = NULL;
        F->cfg[i].log_ctx = NULL;
        F->cfg[i].max_record = RECMAX;
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    fx_free(F);
    free(F);
    return 0;
}

/* A context per test; only a test that reached its end terminates it (a
 * failed one leaves sockets open and zmq_ctx_term would wait forever). */
static int ctx_setup(void **state)
{
    (void)state;
    passed = 0;
    zctx = zmq_ctx_new();
    return zctx ? 0 : -1;
}

static int ctx_teardown(void **state)
{
    (void)state;
    if (passed)
        zmq_ctx_term(zctx);
    zctx = NULL;
    return 0;
}

/* ---- the scripted server (its own thread; no cmocka calls there) ------ */

enum {
    M_ECHO,       /* handshake, then answer "echo:<text>" until "quit" */
    M_MULTIFRAME, /* a two-frame message before HELLO_R, then M_ECHO */
    M_GARBAGE,    /* answer HELLO_I with a DATA-typed frame */
    M_SILENT,     /* read HELLO_I, never answer */
    M_JUNK,       /* after "go": bad frames, a multi-frame message, then "after" */
    M_STALL,      /* read nothing until `drain`, then check every record */
};

typedef struct fake {
    void *sock;
    int mode;
    char ep[LUXC_NET_ADDRMAX];
    pthread_t th;
    atomic_int stop, drain;
    int result;          /* 0 = the script ran as planned */
    uint64_t stalled;    /* M_STALL: records read after the drain */
    uint8_t rid[256];
    size_t ridlen;
    luxc_hs *hs;
    luxc_chan *ch;
} fake;

/* Next [rid][body] message into body; 1 = got one, 0 = stop asked. */
static int fake_recv(fake *f, uint8_t *body, size_t max, size_t *len)
{
    for (;;) {
        if (atomic_load(&f->stop))
            return 0;
        zmq_pollitem_t it = {.socket = f->sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&it, 1, 20) != 1)
            continue;
        int n = zmq_recv(f->sock, f->rid, sizeof f->rid, 0);
        int more = 0;
        size_t ml = sizeof more;
        zmq_getsockopt(f->sock, ZMQ_RCVMORE, &more, &ml);
        if (n <= 0 || !more)
            return 0;
        f->ridlen = (size_t)n;
        int b = zmq_recv(f->sock, body, max, 0);
        if (b < 0 || (size_t)b > max)
            return 0;
        *len = (size_t)b;
        return 1;
    }
}

static int fake_send(fake *f, const void *b, size_t len)
{
    if (zmq_send(f->sock, f->rid, f->ridlen, ZMQ_SNDMORE) != (int)f->ridlen ||
        zmq_send(f->sock, b, len, 0) != (int)len)
        return -1;
    return 0;
}

static int fake_record(fake *f, const void *m, size_t mlen)
{
    uint8_t b[RECMAX + LUXC_NET_RECOVERHEAD];
    size_t len;
    if (luxc_chan_seal(f->ch, b, sizeof b, &len, m, mlen) != LUXC_OK)
        return -1;
    return fake_send(f, b, len);
}

/* One record from the client, opened into out (NUL-terminated). */
static int fake_next(fake *f, char *out, size_t *olen)
{
    uint8_t b[RECMAX + LUXC_NET_RECOVERHEAD];
    size_t len;
    if (!fake_recv(f, b, sizeof b, &len))
        return -1;
    if (luxc_chan_open(f->ch, (uint8_t *)out, RECMAX, olen, b, len) != LUXC_OK)
        return -1;
    out[*olen < RECMAX ? *olen : RECMAX - 1] = 0;
    return 0;
}

static int fake_handshake(fake *f)
{
    uint8_t in[LUXC_NET_HS_MSGMAX], out[LUXC_NET_HS_MSGMAX];
    size_t len, olen;
    if (luxc_hs_new(&f->hs, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL) != LUXC_OK)
        return -1;
    if (!fake_recv(f, in, sizeof in, &len))
        return -1;
    if (f->mode == M_SILENT) {
        while (!atomic_load(&f->stop))
            fake_recv(f, in, sizeof in, &len);
        return -1;
    }
    if (f->mode == M_GARBAGE) {
        /* a well-formed header (body_len 34 = the rest) of the wrong type */
        const uint8_t junk[40] = {LUXC_NET_VERSION, LUXC_NET_MSG_DATA, 0, 0, 0, 34};
        return fake_send(f, junk, sizeof junk) == 0 ? 1 : -1;
    }
    if (f->mode == M_MULTIFRAME &&
        (zmq_send(f->sock, f->rid, f->ridlen, ZMQ_SNDMORE) < 0 ||
         zmq_send(f->sock, "a", 1, ZMQ_SNDMORE) < 0 || zmq_send(f->sock, "b", 1, 0) < 0))
        return -1;
    if (luxc_hs_recv(f->hs, in, len, out, sizeof out, &olen) != LUXC_OK || !olen ||
        fake_send(f, out, olen) != 0)
        return -1;
    if (!fake_recv(f, in, sizeof in, &len) ||
        luxc_hs_recv(f->hs, in, len, out, sizeof out, &olen) != LUXC_OK || !luxc_hs_done(f->hs) ||
        luxc_hs_finish(f->hs, &f->ch) != LUXC_OK)
        return -1;
    return 0;
}

static int fake_echo(fake *f)
{
    char m[RECMAX + 1], r[RECMAX + 8];
    size_t len;
    for (;;) {
        if (fake_next(f, m, &len) != 0)
            return -1;
        if (len == 5 && !strcmp(m, "quit"))
            return 0;
        int n = snprintf(r, sizeof r, "echo:%.*s", (int)len, m);
        if (fake_record(f, r, (size_t)n + 1) != 0)
            return -1;
    }
}

/* Bad frames for the client's recv, each dropped for one reason. */
static int fake_junk(fake *f)
{
    char m[RECMAX + 1];
    size_t len;
    if (fake_next(f, m, &len) != 0 || strcmp(m, "go"))
        return -1;
    uint8_t rec[64];
    size_t rlen;
    if (luxc_chan_seal(f->ch, rec, sizeof rec, &rlen, (const uint8_t *)"after", 6) != LUXC_OK)
        return -1;
    uint8_t bad[64];
    memcpy(bad, rec, rlen);
    bad[0] ^= 0x7f; /* version */
    if (fake_send(f, rec, 5) != 0 || fake_send(f, bad, rlen) != 0) /* truncated, version */
        return -1;
    memcpy(bad, rec, rlen);
    bad[rlen - 1] ^= 1; /* tag */
    if (fake_send(f, bad, rlen) != 0)
        return -1;
    /* The good record split over two frames: skipped, not opened. */
    if (zmq_send(f->sock, f->rid, f->ridlen, ZMQ_SNDMORE) < 0 ||
        zmq_send(f->sock, rec, 10, ZMQ_SNDMORE) < 0 || zmq_send(f->sock, rec + 10, rlen - 10, 0) < 0)
        return -1;
    if (fake_send(f, rec, rlen) != 0)
        return -1;
    return fake_echo(f);
}

/* Read nothing until drain; then every record must open, in order (be64
 * index first), up to "quit". */
static int fake_stall(fake *f)
{
    while (!atomic_load(&f->drain)) {
        if (atomic_load(&f->stop))
            return -1;
        usleep(2000);
    }
    char m[RECMAX + 1];
    size_t len;
    for (uint64_t i = 0;; i++) {
        if (fake_next(f, m, &len) != 0)
            return -1;
        if (len == 5 && !strcmp(m, "quit"))
            return 0;
        if (len != RECMAX || luxc_be64_load((const uint8_t *)m) != i)
            return -1;
        f->stalled = i + 1;
    }
}

static void *fake_main(void *arg)
{
    fake *f = arg;
    int rc = fake_handshake(f);
    if (rc == 0) {
        switch (f->mode) {
        case M_JUNK: rc = fake_junk(f); break;
        case M_STALL: rc = fake_stall(f); break;
        default: rc = fake_echo(f); break;
        }
    } else if (rc == 1) {
        rc = 0; /* the script ended early on purpose */
    }
    f->result = rc;
    return NULL;
}

static fake *fake_start(int mode)
{
    fake *f = calloc(1, sizeof *f);
    assert_non_null(f);
    f->mode = mode;
    f->sock = zmq_socket(zctx, ZMQ_ROUTER);
    assert_non_null(f->sock);
    int linger = 0;
    assert_int_equal(zmq_setsockopt(f->sock, ZMQ_LINGER, &linger, sizeof linger), 0);
    assert_int_equal(zmq_bind(f->sock, "tcp://127.0.0.1:*"), 0);
    size_t n = sizeof f->ep;
    assert_int_equal(zmq_getsockopt(f->sock, ZMQ_LAST_ENDPOINT, f->ep, &n), 0);
    /* the socket moves to the thread: pthread_create is the barrier */
    assert_int_equal(pthread_create(&f->th, NULL, fake_main, f), 0);
    return f;
}

/* Join the script (asking it to stop) and return its result. */
static int fake_end(fake *f, int ask_stop)
{
    if (ask_stop)
        atomic_store(&f->stop, 1);
    pthread_join(f->th, NULL);
    int r = f->result;
    luxc_hs_free(f->hs);
    luxc_chan_free(f->ch);
    zmq_close(f->sock);
    free(f);
    return r;
}

static luxc_zclient *client(const fake *f)
{
    luxc_zclient *c = NULL;
    assert_int_equal(luxc_zclient_new(&c, zctx, f->ep, &F->cfg[FX_A], F->pk[FX_B], 10000),
                     LUXC_OK);
    return c;
}

static void send_text(luxc_zclient *c, const char *t)
{
    int rc;
    for (int i = 0; i < 6000 && (rc = luxc_zclient_send(c, (const uint8_t *)t, strlen(t) + 1)) ==
                                    LUXC_EAGAIN; i++)
        zmq_poll(NULL, 0, 5);
    assert_int_equal(rc, LUXC_OK);
}

static void expect_text(luxc_zclient *c, const char *t)
{
    uint8_t b[RECMAX];
    size_t len = 0;
    assert_int_equal(luxc_zclient_recv(c, b, sizeof b, &len, 10000), LUXC_OK);
    assert_int_equal(len, strlen(t) + 1);
    assert_string_equal((const char *)b, t);
}

/* ---- tests ------------------------------------------------------------- */

static void test_records_both_ways(void **state)
{
    (void)state;
    fake *f = fake_start(M_ECHO);
    luxc_zclient *c = client(f);
    assert_non_null(luxc_zclient_socket(c));
    send_text(c, "ping");
    /* recv refuses a short buffer before reading: the echo stays queued */
    uint8_t b[RECMAX];
    size_t len = 7;
    assert_int_equal(luxc_zclient_recv(c, b, RECMAX - 1, &len, 1000), LUXC_EFULL);
    assert_int_equal(len, 0);
    assert_int_equal(luxc_zclient_recv(c, NULL, RECMAX, &len, 0), LUXC_EFULL);
    assert_int_equal(luxc_zclient_recv(c, b, sizeof b, NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_zclient_recv(NULL, b, sizeof b, &len, 0), LUXC_EINVAL);
    expect_text(c, "echo:ping");
    assert_int_equal(luxc_zclient_recv(c, b, sizeof b, &len, 0), LUXC_EAGAIN);
    /* sizes: the largest record is sent, one byte more is refused unsealed */
    static uint8_t big[RECMAX + 1];
    memset(big, 'x', sizeof big);
    big[RECMAX - 6] = 0; /* echo:<1018 x> + NUL fits RECMAX */
    assert_int_equal(luxc_zclient_send(c, big, RECMAX + 1), LUXC_ETOOBIG);
    assert_int_equal(luxc_zclient_send(c, NULL, 1), LUXC_EINVAL);
    luxc_net_stats st;
    luxc_zclient_stats(c, &st);
    assert_int_equal(st.sent_records, 1);
    assert_int_equal(st.recv_records, 1);
    assert_int_equal(luxc_zclient_send(c, big, RECMAX - 5), LUXC_OK);
    uint8_t want[RECMAX];
    memcpy(want, "echo:", 5);
    memcpy(want + 5, big, RECMAX - 5);
    assert_int_equal(luxc_zclient_recv(c, b, sizeof b, &len, 10000), LUXC_OK);
    assert_int_equal(len, RECMAX);
    assert_memory_equal(b, want, RECMAX);
    send_text(c, "quit");
    assert_int_equal(fake_end(f, 0), 0);
    luxc_zclient_stats(c, &st);
    assert_int_equal(st.sent_records, 3);
    assert_int_equal(st.recv_records, 2);
    assert_int_equal(luxc_net_stats_dropped(&st), 0);
    luxc_zclient_free(c);
    /* stats of NULL are zeros */
    memset(&st, 0xff, sizeof st);
    luxc_zclient_stats(NULL, &st);
    assert_int_equal(st.sent_records, 0);
    passed = 1;
}

/* A message of two frames before HELLO_R is skipped, not fed to the
 * handshake. */
static void test_handshake_skips_multiframe(void **state)
{
    (void)state;
    fake *f = fake_start(M_MULTIFRAME);
    luxc_zclient *c = client(f);
    send_text(c, "hi");
    expect_text(c, "echo:hi");
    send_text(c, "quit");
    assert_int_equal(fake_end(f, 0), 0);
    luxc_zclient_free(c);
    passed = 1;
}

/* A single-frame reply that is not HELLO_R fails the handshake with the
 * handshake's error at once, long before the timeout. */
static void test_garbage_reply_fails_fast(void **state)
{
    (void)state;
    fake *f = fake_start(M_GARBAGE);
    luxc_zclient *c = (luxc_zclient *)&c;
    int rc = luxc_zclient_new(&c, zctx, f->ep, &F->cfg[FX_A], NULL, 60000);
    assert_int_equal(rc, LUXC_ECORRUPT);
    assert_null(c);
    assert_int_equal(fake_end(f, 1), 0);
    passed = 1;
}

static void test_silent_server_times_out(void **state)
{
    (void)state;
    fake *f = fake_start(M_SILENT);
    luxc_zclient *c = (luxc_zclient *)&c;
    assert_int_equal(luxc_zclient_new(&c, zctx, f->ep, &F->cfg[FX_A], NULL, 300), LUXC_ETIMEOUT);
    assert_null(c);
    assert_int_equal(fake_end(f, 1), -1);
    passed = 1;
}

/* The server is B, the client insists on C's key: refused. */
static void test_wrong_server_key(void **state)
{
    (void)state;
    fake *f = fake_start(M_ECHO);
    luxc_zclient *c = (luxc_zclient *)&c;
    assert_int_equal(luxc_zclient_new(&c, zctx, f->ep, &F->cfg[FX_A], F->pk[FX_C], 10000),
                     LUXC_EAUTH);
    assert_null(c);
    fake_end(f, 1);
    passed = 1;
}

/* Bad frames are dropped and counted by reason, a multi-frame message is
 * skipped uncounted, and the good record after them arrives. */
static void test_recv_drops_bad_frames(void **state)
{
    (void)state;
    fake *f = fake_start(M_JUNK);
    luxc_zclient *c = client(f);
    send_text(c, "go");
    expect_text(c, "after");
    luxc_net_stats st;
    luxc_zclient_stats(c, &st);
    assert_int_equal(st.drop_truncated, 1);
    assert_int_equal(st.drop_version, 1);
    assert_int_equal(st.drop_auth, 1);
    assert_int_equal(luxc_net_stats_dropped(&st), 3);
    assert_int_equal(st.recv_records, 1);
    send_text(c, "quit");
    assert_int_equal(fake_end(f, 0), 0);
    luxc_zclient_free(c);
    passed = 1;
}

/* With the server not reading, send fills the queues and then says
 * EAGAIN without sealing: every record sent before arrives, in order and
 * opened, once the server reads, and the link goes on. */
static void test_send_eagain_seals_nothing(void **state)
{
    (void)state;
    fake *f = fake_start(M_STALL);
    luxc_zclient *c = client(f);
    static uint8_t rec[RECMAX];
    memset(rec, 0x33, sizeof rec);
    uint64_t n = 0;
    int rc = LUXC_OK;
    while (n < 2000000) {
        luxc_be64_store(rec, n);
        if ((rc = luxc_zclient_send(c, rec, sizeof rec)) != LUXC_OK)
            break;
        n++;
    }
    assert_int_equal(rc, LUXC_EAGAIN);
    assert_true(n > 0);
    luxc_net_stats st;
    luxc_zclient_stats(c, &st);
    assert_int_equal(st.sent_records, n);
    assert_int_equal(luxc_zclient_send(c, rec, sizeof rec), LUXC_EAGAIN);
    luxc_zclient_stats(c, &st);
    assert_int_equal(st.sent_records, n);
    atomic_store(&f->drain, 1);
    send_text(c, "quit");
    assert_int_equal(fake_end(f, 0), 0);
    luxc_zclient_free(c);
    passed = 1;
}

static void test_args(void **state)
{
    (void)state;
    luxc_zclient *c = (luxc_zclient *)&c;
    assert_int_equal(luxc_zclient_new(NULL, zctx, "tcp://127.0.0.1:1", &F->cfg[FX_A], NULL, 0),
                     LUXC_EINVAL);
    assert_int_equal(luxc_zclient_new(&c, NULL, "tcp://127.0.0.1:1", &F->cfg[FX_A], NULL, 0),
                     LUXC_EINVAL);
    assert_null(c);
    assert_int_equal(luxc_zclient_new(&c, zctx, NULL, &F->cfg[FX_A], NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_zclient_new(&c, zctx, "tcp://127.0.0.1:1", NULL, NULL, 0), LUXC_EINVAL);
    luxc_net_cfg cfg = F->cfg[FX_A];
    cfg.max_record = LUXC_NET_RECORD_MAX + 1;
    assert_int_equal(luxc_zclient_new(&c, zctx, "tcp://127.0.0.1:1", &cfg, NULL, 0), LUXC_EPARAM);
    cfg = F->cfg[FX_C];
    cfg.valset = F->vs; /* not in the set it is given */
    assert_int_equal(luxc_zclient_new(&c, zctx, "tcp://127.0.0.1:1", &cfg, NULL, 0),
                     LUXC_ENOTMEMBER);
    assert_null(c);
    passed = 1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_records_both_ways, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_handshake_skips_multiframe, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_garbage_reply_fails_fast, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_silent_server_times_out, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_wrong_server_key, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_recv_drops_bad_frames, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_send_eagain_seals_nothing, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_args, ctx_setup, ctx_teardown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
