/* test_zserver.c - the ROUTER-side session table (src/net/zserver.c),
 * driven from one thread: the test plays each client with a raw
 * ZMQ_DEALER socket and its own luxc_hs / luxc_chan, so it decides every
 * frame the server sees. Covers the handshake inside recv, records both
 * ways, frames from unknown connections (stray, never a session),
 * messages of the wrong frame count, a failed handshake (refused, slot
 * freed, the connection may start over), a reconnect replacing the
 * session, eviction of the oldest half-open handshake (never an
 * established one) when the table is full, and the argument and size
 * checks of recv / send / endpoint. Loggers are NULL: the outcome is read
 * from the counters and return codes. Endpoints are loopback with an
 * ephemeral port, so parallel runs do not collide. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <zmq.h>

#include "net_fixture.h"
#include "testutil.h"

#define RECMAX 1024

static fx *F;
static void *zctx;

static int setup(void **state)
{
    (void)state;
    F = calloc(1, sizeof *F);
    if (!F || fx_init(F) != 0)
        return -1;
    for (int i = 0; i < FX_N; i++) {
        F->cfg[i].log = NULL; /* silent: assertions use counters */
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

/* A context per test. A failed test leaves sockets open (cmocka jumps out
 * of it) and zmq_ctx_term would wait for them forever: only a test that
 * reached its end (passed = 1) terminates its context. */
static int passed;

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

static luxc_zserver *server(char *ep, size_t eplen)
{
    luxc_zserver *s = NULL;
    assert_int_equal(luxc_zserver_new(&s, zctx, "tcp://127.0.0.1:*", &F->cfg[FX_B]), LUXC_OK);
    assert_int_equal(luxc_zserver_endpoint(s, ep, eplen), LUXC_OK);
    return s;
}

/* One client as the test drives it. */
typedef struct raw {
    void *sock;
    luxc_hs *hs;
    luxc_chan *ch;
} raw;

static void raw_open(raw *r, const char *ep)
{
    memset(r, 0, sizeof *r);
    r->sock = zmq_socket(zctx, ZMQ_DEALER);
    assert_non_null(r->sock);
    int linger = 0;
    assert_int_equal(zmq_setsockopt(r->sock, ZMQ_LINGER, &linger, sizeof linger), 0);
    assert_int_equal(zmq_connect(r->sock, ep), 0);
}

static void raw_close(raw *r)
{
    luxc_hs_free(r->hs);
    luxc_chan_free(r->ch);
    if (r->sock)
        zmq_close(r->sock);
    memset(r, 0, sizeof *r);
}

static void raw_send(raw *r, const void *b, size_t len)
{
    assert_int_equal(zmq_send(r->sock, b, len, 0), (int)len);
}

/* Serve the server until the raw socket has a message (or ~5 s). The
 * server's recv must not return a record meanwhile. */
static int pump_until_readable(luxc_zserver *s, raw *r)
{
    for (int i = 0; i < 500; i++) {
        zmq_pollitem_t it = {.socket = r->sock, .events = ZMQ_POLLIN};
        if (zmq_poll(&it, 1, 0) == 1)
            return 0;
        int peer;
        size_t len;
        uint8_t b[RECMAX];
        int rc = luxc_zserver_recv(s, &peer, b, sizeof b, &len, 10);
        if (rc != LUXC_EAGAIN)
            return rc;
    }
    return LUXC_ETIMEOUT;
}

/* Serve until cond(s, arg) holds (or ~5 s). */
static int pump_until(luxc_zserver *s, int (*cond)(luxc_zserver *, const void *), const void *arg)
{
    for (int i = 0; i < 500 && !cond(s, arg); i++) {
        int peer;
        size_t len;
        uint8_t b[RECMAX];
        int rc = luxc_zserver_recv(s, &peer, b, sizeof b, &len, 10);
        if (rc != LUXC_EAGAIN)
            return rc;
    }
    return cond(s, arg) ? 0 : LUXC_ETIMEOUT;
}

static int has_session(luxc_zserver *s, const void *peer)
{
    uint64_t id;
    return luxc_zserver_session(s, *(const int *)peer, &id) == LUXC_OK;
}

static int refused_at_least(luxc_zserver *s, const void *n)
{
    return luxc_zserver_refused(s) >= *(const uint64_t *)n;
}

static int stray_at_least(luxc_zserver *s, const void *n)
{
    return luxc_zserver_stray(s) >= *(const uint64_t *)n;
}

/* Send HELLO_I as validator `who`. */
static void raw_hello(raw *r, int who)
{
    assert_int_equal(luxc_hs_new(&r->hs, &F->cfg[who], LUXC_HS_INITIATOR, NULL), LUXC_OK);
    uint8_t b[LUXC_NET_HS_MSGMAX];
    size_t len;
    assert_int_equal(luxc_hs_start(r->hs, b, sizeof b, &len), LUXC_OK);
    raw_send(r, b, len);
}

/* Read HELLO_R (the server must be pumped first) and send FINISH_I. */
static void raw_finish(raw *r)
{
    uint8_t in[LUXC_NET_HS_MSGMAX], out[LUXC_NET_HS_MSGMAX];
    int n = zmq_recv(r->sock, in, sizeof in, 0);
    assert_true(n > 0);
    size_t len;
    assert_int_equal(luxc_hs_recv(r->hs, in, (size_t)n, out, sizeof out, &len), LUXC_OK);
    assert_true(len > 0);
    assert_true(luxc_hs_done(r->hs));
    raw_send(r, out, len);
    assert_int_equal(luxc_hs_finish(r->hs, &r->ch), LUXC_OK);
    luxc_hs_free(r->hs);
    r->hs = NULL;
}

/* A whole handshake as validator `who`; returns once the server has the
 * session. */
static void raw_connect(luxc_zserver *s, raw *r, const char *ep, int who)
{
    raw_open(r, ep);
    raw_hello(r, who);
    assert_int_equal(pump_until_readable(s, r), 0);
    raw_finish(r);
    assert_int_equal(pump_until(s, has_session, &who), 0);
}

static void raw_record(raw *r, const char *text)
{
    uint8_t b[RECMAX + LUXC_NET_RECOVERHEAD];
    size_t len;
    assert_int_equal(luxc_chan_seal(r->ch, b, sizeof b, &len, (const uint8_t *)text,
                                    strlen(text) + 1), LUXC_OK);
    raw_send(r, b, len);
}

/* The next record the server returns (serving handshakes meanwhile). */
static void expect_record(luxc_zserver *s, int want_peer, const char *text)
{
    int peer = -7;
    size_t len = 0;
    uint8_t b[RECMAX];
    int rc = LUXC_EAGAIN;
    for (int i = 0; i < 500 && rc == LUXC_EAGAIN; i++)
        rc = luxc_zserver_recv(s, &peer, b, sizeof b, &len, 10);
    assert_int_equal(rc, LUXC_OK);
    assert_int_equal(peer, want_peer);
    assert_int_equal(len, strlen(text) + 1);
    assert_string_equal((const char *)b, text);
}

/* The next record the raw client gets from the server. */
static void raw_expect(raw *r, const char *text)
{
    zmq_pollitem_t it = {.socket = r->sock, .events = ZMQ_POLLIN};
    assert_int_equal(zmq_poll(&it, 1, 5000), 1);
    uint8_t in[RECMAX + LUXC_NET_RECOVERHEAD], out[RECMAX];
    int n = zmq_recv(r->sock, in, sizeof in, 0);
    assert_true(n > 0);
    size_t len;
    assert_int_equal(luxc_chan_open(r->ch, out, sizeof out, &len, in, (size_t)n), LUXC_OK);
    assert_string_equal((const char *)out, text);
}

static void test_handshake_and_records(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    raw a;
    raw_open(&a, ep);
    raw_hello(&a, FX_A);
    /* Before FINISH_I the peer is not established: nothing to send to. */
    assert_int_equal(pump_until_readable(s, &a), 0);
    uint64_t id;
    assert_int_equal(luxc_zserver_session(s, FX_A, &id), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"x", 1), LUXC_ENOTFOUND);
    raw_finish(&a);
    raw_record(&a, "hello");
    expect_record(s, FX_A, "hello"); /* FINISH_I and the record in one recv call */
    assert_int_equal(luxc_zserver_session(s, FX_A, &id), LUXC_OK);
    assert_true(id > 0);
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"back", 5), LUXC_OK);
    raw_expect(&a, "back");
    /* Empty records and the largest one pass; one byte more does not. */
    assert_int_equal(luxc_zserver_send(s, FX_A, NULL, 0), LUXC_OK);
    static uint8_t big[RECMAX + 1];
    assert_int_equal(luxc_zserver_send(s, FX_A, big, RECMAX), LUXC_OK);
    assert_int_equal(luxc_zserver_send(s, FX_A, big, RECMAX + 1), LUXC_ETOOBIG);
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_OK);
    assert_int_equal(st.recv_records, 1);
    assert_int_equal(st.sent_records, 3);
    assert_int_equal(luxc_zserver_refused(s), 0);
    assert_int_equal(luxc_zserver_stray(s), 0);
    raw_close(&a);
    luxc_zserver_free(s);
    passed = 1;
}

/* Frames on a connection without a session that are not a HELLO_I are
 * counted as stray and open nothing; a later HELLO_I on the same
 * connection still works. */
static void test_stray_frames(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    raw r;
    raw_open(&r, ep);
    const uint8_t empty[1] = {0};
    const uint8_t one[1] = {LUXC_NET_VERSION};
    const uint8_t finish[8] = {LUXC_NET_VERSION, LUXC_NET_MSG_FINISH_I};
    const uint8_t data[40] = {LUXC_NET_VERSION, LUXC_NET_MSG_DATA};
    const uint8_t badver[8] = {LUXC_NET_VERSION + 1, LUXC_NET_MSG_HELLO_I};
    zmq_send(r.sock, empty, 0, 0);
    raw_send(&r, one, sizeof one);
    raw_send(&r, finish, sizeof finish);
    raw_send(&r, data, sizeof data);
    raw_send(&r, badver, sizeof badver);
    uint64_t want = 5;
    assert_int_equal(pump_until(s, stray_at_least, &want), 0);
    assert_int_equal(luxc_zserver_stray(s), 5);
    assert_int_equal(luxc_zserver_refused(s), 0);
    /* A HELLO_I-looking frame that is garbage opens a handshake that fails. */
    const uint8_t fake_hello[8] = {LUXC_NET_VERSION, LUXC_NET_MSG_HELLO_I, 0, 0, 0, 0};
    raw_send(&r, fake_hello, sizeof fake_hello);
    uint64_t one_refused = 1;
    assert_int_equal(pump_until(s, refused_at_least, &one_refused), 0);
    /* The slot was freed: the same connection starts over and gets in. */
    raw_hello(&r, FX_A);
    assert_int_equal(pump_until_readable(s, &r), 0);
    raw_finish(&r);
    raw_record(&r, "in");
    expect_record(s, FX_A, "in");
    assert_int_equal(luxc_zserver_stray(s), 5);
    assert_int_equal(luxc_zserver_refused(s), 1);
    raw_close(&r);
    luxc_zserver_free(s);
    passed = 1;
}

/* A message of more than one frame (a DEALER sends [frame, frame]: the
 * server sees three) is ignored: not stray, not refused, the session
 * untouched. */
static void test_multiframe_ignored(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    raw a;
    raw_connect(s, &a, ep, FX_A);
    uint8_t rec[64];
    size_t len;
    assert_int_equal(luxc_chan_seal(a.ch, rec, sizeof rec, &len, (const uint8_t *)"two", 4),
                     LUXC_OK);
    /* A valid record split over two frames, then the same record whole:
     * the split one must not be opened (it would consume seq 0). */
    assert_int_equal(zmq_send(a.sock, rec, 10, ZMQ_SNDMORE), 10);
    assert_int_equal(zmq_send(a.sock, rec + 10, len - 10, 0), (int)(len - 10));
    raw_send(&a, rec, len);
    expect_record(s, FX_A, "two");
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_OK);
    assert_int_equal(st.recv_records, 1);
    assert_int_equal(luxc_net_stats_dropped(&st), 0);
    assert_int_equal(luxc_zserver_stray(s), 0);
    assert_int_equal(luxc_zserver_refused(s), 0);
    raw_close(&a);
    luxc_zserver_free(s);
    passed = 1;
}

/* A second connection of the same validator replaces the first: sends go
 * to the new one, the old connection's frames become stray. */
static void test_reconnect_replaces(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    raw a1, a2;
    raw_connect(s, &a1, ep, FX_A);
    uint64_t id1, id2;
    assert_int_equal(luxc_zserver_session(s, FX_A, &id1), LUXC_OK);
    raw_open(&a2, ep);
    raw_hello(&a2, FX_A);
    assert_int_equal(pump_until_readable(s, &a2), 0);
    /* Still the old session while the new one is half-open. */
    assert_int_equal(luxc_zserver_session(s, FX_A, &id2), LUXC_OK);
    assert_int_equal(id2, id1);
    raw_finish(&a2);
    raw_record(&a2, "new");
    expect_record(s, FX_A, "new");
    assert_int_equal(luxc_zserver_session(s, FX_A, &id2), LUXC_OK);
    assert_true(id2 > id1);
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"to-new", 7), LUXC_OK);
    raw_expect(&a2, "to-new");
    raw_record(&a1, "old");
    uint64_t want = 1;
    assert_int_equal(pump_until(s, stray_at_least, &want), 0);
    assert_int_equal(luxc_zserver_stray(s), 1);
    raw_close(&a1);
    raw_close(&a2);
    luxc_zserver_free(s);
    passed = 1;
}

/* The table holds 2 * validators + 16 sessions. When it is full a new
 * HELLO_I evicts the oldest half-open handshake (whose FINISH_I is then
 * stray), never an established session. */
static void test_eviction(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    const int cap = 2 * 2 + 16;
    raw est;
    raw_connect(s, &est, ep, FX_A); /* one established session */
    raw *h = calloc((size_t)cap, sizeof *h);
    assert_non_null(h);
    /* cap - 1 half-open handshakes fill the table. */
    for (int i = 0; i < cap - 1; i++) {
        raw_open(&h[i], ep);
        raw_hello(&h[i], FX_A);
        assert_int_equal(pump_until_readable(s, &h[i]), 0);
    }
    /* One more: the oldest half-open (h[0]) goes. */
    raw_open(&h[cap - 1], ep);
    raw_hello(&h[cap - 1], FX_A);
    assert_int_equal(pump_until_readable(s, &h[cap - 1]), 0);
    raw_finish(&h[0]);
    uint64_t want = 1;
    assert_int_equal(pump_until(s, stray_at_least, &want), 0);
    assert_int_equal(luxc_zserver_refused(s), 0);
    /* The established session is still there and still the same. */
    raw_record(&est, "still here");
    expect_record(s, FX_A, "still here");
    /* The second oldest was kept: it completes and replaces est. */
    uint64_t id_before, id_after;
    assert_int_equal(luxc_zserver_session(s, FX_A, &id_before), LUXC_OK);
    raw_finish(&h[1]);
    raw_record(&h[1], "second");
    expect_record(s, FX_A, "second");
    assert_int_equal(luxc_zserver_session(s, FX_A, &id_after), LUXC_OK);
    assert_true(id_after != id_before);
    for (int i = 0; i < cap; i++)
        raw_close(&h[i]);
    free(h);
    raw_close(&est);
    luxc_zserver_free(s);
    passed = 1;
}

/* Argument and size checks that need a live server. */
static void test_checks(void **state)
{
    (void)state;
    char ep[LUXC_NET_ADDRMAX];
    luxc_zserver *s = server(ep, sizeof ep);
    size_t n = strlen(ep);
    char small[LUXC_NET_ADDRMAX];
    assert_int_equal(luxc_zserver_endpoint(s, small, n), LUXC_EFULL); /* no room for NUL */
    assert_int_equal(luxc_zserver_endpoint(s, small, n + 1), LUXC_OK);
    assert_string_equal(small, ep);
    assert_int_equal(luxc_zserver_endpoint(s, NULL, 8), LUXC_EINVAL);
    int peer = 5;
    size_t len = 9;
    uint8_t b[RECMAX];
    /* out shorter than max_record: refused before waiting */
    assert_int_equal(luxc_zserver_recv(s, &peer, b, RECMAX - 1, &len, -1), LUXC_EFULL);
    assert_int_equal(peer, -1);
    assert_int_equal(len, 0);
    assert_int_equal(luxc_zserver_recv(s, &peer, NULL, RECMAX, &len, 0), LUXC_EFULL);
    assert_int_equal(luxc_zserver_recv(s, &peer, b, sizeof b, NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_recv(s, &peer, b, sizeof b, &len, 0), LUXC_EAGAIN);
    uint64_t id;
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_session(s, FX_A, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_session(s, -1, &id), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_stats(s, FX_A, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_stats(s, 99, &st), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_send(s, 99, b, 1), LUXC_ENOTFOUND);
    /* The endpoint string is copied: a second server on an ipc path. */
    char path[64], ipc[80];
    strcpy(path, "/tmp/luxc-zs-XXXXXX");
    assert_non_null(mkdtemp(path));
    snprintf(ipc, sizeof ipc, "ipc://%s/s", path);
    luxc_zserver *s2 = NULL;
    assert_int_equal(luxc_zserver_new(&s2, zctx, ipc, &F->cfg[FX_A]), LUXC_OK);
    assert_int_equal(luxc_zserver_endpoint(s2, small, sizeof small), LUXC_OK);
    assert_string_equal(small, ipc);
    luxc_zserver_free(s2);
    /* Binding a port that is taken fails with EIO, and no object. */
    luxc_zserver *s3 = (luxc_zserver *)&s3;
    assert_int_equal(luxc_zserver_new(&s3, zctx, ep, &F->cfg[FX_A]), LUXC_EIO);
    assert_null(s3);
    char sock[96];
    snprintf(sock, sizeof sock, "%s/s", path);
    remove(sock);
    remove(path);
    /* NULL identity parts are refused before anything is made. */
    luxc_net_cfg c = F->cfg[FX_B];
    c.identity_sk = NULL;
    assert_int_equal(luxc_zserver_new(&s3, zctx, "tcp://127.0.0.1:*", &c), LUXC_EINVAL);
    c = F->cfg[FX_B];
    c.valset = NULL;
    assert_int_equal(luxc_zserver_new(&s3, zctx, "tcp://127.0.0.1:*", &c), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_new(&s3, zctx, NULL, &F->cfg[FX_B]), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_new(&s3, zctx, "tcp://127.0.0.1:*", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_stray(s), 0);
    luxc_zserver_free(s);
    passed = 1;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_handshake_and_records, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_stray_frames, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_multiframe_ignored, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_reconnect_replaces, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_eviction, ctx_setup, ctx_teardown),
        cmocka_unit_test_setup_teardown(test_checks, ctx_setup, ctx_teardown),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
