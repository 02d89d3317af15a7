/* test_zmq.c - the transport over real ZeroMQ sockets, two processes:
 * 100,000 records cross loopback intact and in order across forced rekeys,
 * an outsider is refused, and bad frames on the wire are dropped and
 * counted without breaking the session. The child process is the client
 * (validator A), the parent the server (validator B). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zmq.h>

#include "common/be.h"
#include "net_fixture.h"
#include "testutil.h"

#define NRECORDS 100000
#define REKEY_EVERY 7919 /* a prime: rekeys land mid-stream, not on round numbers */
#define RECMAX 640

static fx *F;
static uint64_t seed;
static char dir[64];

static int setup(void **state)
{
    (void)state;
    F = calloc(1, sizeof *F);
    if (!F || fx_init(F) != 0)
        return -1;
    strcpy(dir, "/tmp/luxc-net-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    char p[128];
    snprintf(p, sizeof p, "%s/s", dir);
    unlink(p);
    rmdir(dir);
    fx_free(F);
    free(F);
    return 0;
}

/* Record i: be64(i) then a seeded pseudo-random body of 0..599 bytes. */
static size_t make_record(uint64_t i, uint8_t *b)
{
    uint64_t rs = seed ^ (i * 0x9e3779b97f4a7c15ull);
    size_t len = 8 + (size_t)(luxc_test_rand(&rs) % 600);
    luxc_be64_store(b, i);
    for (size_t j = 8; j < len; j++)
        b[j] = (uint8_t)luxc_test_rand(&rs);
    return len;
}

/* Running digest d = H(d || be32(len) || record). */
static void digest_add(uint8_t d[LUXC_HASH_BYTES], const uint8_t *r, size_t len)
{
    uint8_t buf[LUXC_HASH_BYTES + 4 + RECMAX];
    memcpy(buf, d, LUXC_HASH_BYTES);
    luxc_be32_store(buf + LUXC_HASH_BYTES, (uint32_t)len);
    memcpy(buf + LUXC_HASH_BYTES + 4, r, len);
    if (luxc_hash(d, buf, LUXC_HASH_BYTES + 4 + len) != LUXC_OK)
        abort();
}

static luxc_net_cfg quiet_cfg(int who)
{
    luxc_net_cfg c = F->cfg[who];
    c.rekey_records = REKEY_EVERY;
    c.max_record = 1024;
    return c;
}

/* ---- child side (no cmocka here: exit codes report failures) ---------- */

/* The client streams NRECORDS records; after every REPLY_EVERY-th record
 * the server answers with (index, running digest of what it received),
 * so both directions carry a stream (and both rekey) at the same time. */
#define REPLY_EVERY 10
#define NREPLIES (NRECORDS / REPLY_EVERY)

typedef struct stream_ctx {
    luxc_zclient *c;
    uint8_t (*hist)[LUXC_HASH_BYTES]; /* the client's digest at each reply point */
    uint64_t replies;                 /* replies checked so far */
} stream_ctx;

/* Check every reply that has arrived (or, with a timeout, wait for one). */
static int drain(stream_ctx *x, int timeout_ms)
{
    uint8_t b[1024];
    size_t len;
    for (;;) {
        int rc = luxc_zclient_recv(x->c, b, sizeof b, &len, timeout_ms);
        if (rc == LUXC_EAGAIN)
            return 0;
        if (rc != LUXC_OK || len != 8 + LUXC_HASH_BYTES || x->replies >= NREPLIES)
            return -1;
        uint64_t idx = luxc_be64_load(b);
        if (idx != x->replies * REPLY_EVERY + REPLY_EVERY - 1 ||
            memcmp(b + 8, x->hist[x->replies], LUXC_HASH_BYTES))
            return -1;
        x->replies++;
        if (timeout_ms)
            return 0;
    }
}

/* luxc_zclient_send never blocks: on a full queue, check replies and wait. */
static int send_wait(luxc_zclient *c, const uint8_t *m, size_t len, stream_ctx *x)
{
    for (int tries = 0; tries < 1000; tries++) {
        int rc = luxc_zclient_send(c, m, len);
        if (rc != LUXC_EAGAIN)
            return rc;
        if (x && drain(x, 0) != 0)
            return LUXC_ECORRUPT;
        zmq_pollitem_t it = {.socket = luxc_zclient_socket(c), .events = ZMQ_POLLOUT};
        zmq_poll(&it, 1, 100);
    }
    return LUXC_ETIMEOUT;
}

static int child_stream(const char *ep)
{
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_A);
    cfg.log = NULL;
    stream_ctx x = {.hist = malloc(NREPLIES * sizeof *x.hist)};
    int rc = luxc_zclient_new(&x.c, ctx, ep, &cfg, F->pk[FX_B], 20000);
    if (rc != LUXC_OK || !x.hist) {
        fprintf(stderr, "child: handshake failed: %s\n", luxc_strerror(rc));
        return 10;
    }
    uint8_t rec[RECMAX], d[LUXC_HASH_BYTES] = {0};
    for (uint64_t i = 0; i < NRECORDS; i++) {
        size_t len = make_record(i, rec);
        digest_add(d, rec, len);
        if (i % REPLY_EVERY == REPLY_EVERY - 1)
            memcpy(x.hist[i / REPLY_EVERY], d, sizeof d);
        rc = send_wait(x.c, rec, len, &x);
        if (rc != LUXC_OK) {
            fprintf(stderr, "child: send %llu failed: %s\n", (unsigned long long)i,
                    luxc_strerror(rc));
            return 11;
        }
        if (drain(&x, 0) != 0)
            return 12;
    }
    while (x.replies < NREPLIES) {
        uint64_t before = x.replies;
        if (drain(&x, 30000) != 0 || x.replies == before) {
            fprintf(stderr, "child: reply %llu missing or wrong\n",
                    (unsigned long long)x.replies);
            return 13;
        }
    }
    luxc_net_stats st;
    luxc_zclient_stats(x.c, &st);
    if (st.sent_records != NRECORDS || st.rekeys_sent != (NRECORDS - 1) / REKEY_EVERY ||
        st.recv_records != NREPLIES || st.rekeys_recv != (NREPLIES - 1) / REKEY_EVERY)
        return 14;
    free(x.hist);
    luxc_zclient_free(x.c);
    zmq_ctx_term(ctx);
    return 0;
}

/* The outsider waits forever for a HELLO_R that never comes; the parent
 * kills it once the server has refused it (no timing involved). */
static int child_outsider(const char *ep)
{
    void *ctx = zmq_ctx_new();
    luxc_zclient *c = NULL;
    int rc = luxc_zclient_new(&c, ctx, ep, &F->cfg[FX_C], NULL, -1);
    fprintf(stderr, "child: outsider handshake returned %s\n", luxc_strerror(rc));
    return 20;
}

static int raw_send(void *sock, const uint8_t *b, size_t len)
{
    return zmq_send(sock, b, len, 0) == (int)len ? 0 : 1;
}

static int child_bad_frames(const char *ep)
{
    void *ctx = zmq_ctx_new();
    /* a connection that starts with a record instead of HELLO_I: a stray
     * frame; the HELLO_I after it proves the server has seen both */
    static uint8_t hello[LUXC_NET_HS_MSGMAX], reply[LUXC_NET_HS_MSGMAX];
    size_t hlen;
    luxc_hs *hs;
    if (luxc_hs_new(&hs, &F->cfg[FX_A], LUXC_HS_INITIATOR, NULL) != LUXC_OK ||
        luxc_hs_start(hs, hello, sizeof hello, &hlen) != LUXC_OK)
        return 34;
    luxc_hs_free(hs);
    void *raw = zmq_socket(ctx, ZMQ_DEALER);
    int timeout = 20000, zero = 0;
    uint8_t stray[46] = {LUXC_NET_VERSION, LUXC_NET_MSG_DATA, 0, 0, 0, 40};
    if (!raw || zmq_setsockopt(raw, ZMQ_RCVTIMEO, &timeout, sizeof timeout) ||
        zmq_setsockopt(raw, ZMQ_LINGER, &zero, sizeof zero) || zmq_connect(raw, ep) ||
        zmq_send(raw, stray, sizeof stray, 0) != (int)sizeof stray ||
        zmq_send(raw, hello, hlen, 0) != (int)hlen ||
        zmq_recv(raw, reply, sizeof reply, 0) != (int)LUXC_NET_HELLO_R_BYTES)
        return 35;
    zmq_close(raw);
    luxc_net_cfg cfg = quiet_cfg(FX_A);
    luxc_zclient *c;
    if (luxc_zclient_new(&c, ctx, ep, &cfg, F->pk[FX_B], 20000) != LUXC_OK)
        return 30;
    void *s = luxc_zclient_socket(c);
    uint8_t f[64] = {0};
    int bad = 0;
    bad |= raw_send(s, f, 5); /* truncated */
    f[0] = 9;
    f[1] = LUXC_NET_MSG_DATA;
    luxc_be32_store(f + 2, 40);
    bad |= raw_send(s, f, 46); /* wrong version */
    f[0] = LUXC_NET_VERSION;
    f[1] = LUXC_NET_MSG_HELLO_I;
    bad |= raw_send(s, f, 46); /* wrong type after the handshake */
    f[1] = LUXC_NET_MSG_DATA;
    luxc_be32_store(f + 2, 0x7fffffff);
    bad |= raw_send(s, f, 46); /* length field far beyond the limit */
    luxc_be32_store(f + 2, 40);
    bad |= raw_send(s, f, 46); /* well-formed, seq 0, forged tag */
    f[17] = 5;
    bad |= raw_send(s, f, 46); /* seq 5: out of order */
    if (zmq_send(s, f, 3, ZMQ_SNDMORE) != 3 || raw_send(s, f, 3)) /* two frames */
        bad = 1;
    if (bad)
        return 31;
    const uint8_t ok[] = "after the garbage";
    if (send_wait(c, ok, sizeof ok, NULL) != LUXC_OK)
        return 32;
    static uint8_t big[1024]; /* exactly max_record */
    memset(big, 0x5a, sizeof big);
    if (send_wait(c, big, sizeof big, NULL) != LUXC_OK ||
        luxc_zclient_send(c, big, sizeof big + 1) != LUXC_ETOOBIG)
        return 36;
    uint8_t ack[1024];
    size_t alen;
    if (luxc_zclient_recv(c, ack, sizeof ack, &alen, 30000) != LUXC_OK)
        return 33;
    luxc_zclient_free(c);
    zmq_ctx_term(ctx);
    return 0;
}

static int child_reconnect(const char *ep)
{
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_A);
    luxc_zclient *c;
    if (luxc_zclient_new(&c, ctx, ep, &cfg, F->pk[FX_B], 20000) != LUXC_OK)
        return 40;
    if (send_wait(c, (const uint8_t *)"first", 6, NULL) != LUXC_OK)
        return 41;
    luxc_zclient_free(c);
    if (luxc_zclient_new(&c, ctx, ep, &cfg, F->pk[FX_B], 20000) != LUXC_OK)
        return 42;
    if (send_wait(c, (const uint8_t *)"second", 7, NULL) != LUXC_OK)
        return 43;
    uint8_t ack[1024];
    size_t alen;
    if (luxc_zclient_recv(c, ack, sizeof ack, &alen, 30000) != LUXC_OK || alen != 3 ||
        memcmp(ack, "ack", 3))
        return 44;
    luxc_zclient_free(c);
    zmq_ctx_term(ctx);
    return 0;
}

/* Alice dials the server expecting carol's key; bob answers: refused. */
static int child_wrong_server(const char *ep)
{
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_A);
    luxc_zclient *c = (luxc_zclient *)&c;
    int rc = luxc_zclient_new(&c, ctx, ep, &cfg, F->pk[FX_C], 20000);
    zmq_ctx_term(ctx);
    if (rc != LUXC_EAUTH || c != NULL)
        return 60;
    return strstr(F->log[FX_A].text, "not the expected validator") ? 0 : 61;
}

/* 25 connections that send HELLO_I and never finish, then a real client:
 * the server (room for 2 * 2 + 16 sessions) evicts the oldest half-open
 * ones and still serves the real client. */
#define HALF_OPEN 25
static int child_half_open(const char *ep)
{
    void *ctx = zmq_ctx_new();
    static uint8_t hello[LUXC_NET_HS_MSGMAX], reply[LUXC_NET_HS_MSGMAX];
    size_t hlen;
    luxc_hs *hs;
    if (luxc_hs_new(&hs, &F->cfg[FX_A], LUXC_HS_INITIATOR, NULL) != LUXC_OK ||
        luxc_hs_start(hs, hello, sizeof hello, &hlen) != LUXC_OK)
        return 50;
    luxc_hs_free(hs);
    void *raw[HALF_OPEN];
    int timeout = 20000, zero = 0;
    for (int i = 0; i < HALF_OPEN; i++) {
        raw[i] = zmq_socket(ctx, ZMQ_DEALER);
        if (!raw[i] || zmq_setsockopt(raw[i], ZMQ_RCVTIMEO, &timeout, sizeof timeout) ||
            zmq_setsockopt(raw[i], ZMQ_LINGER, &zero, sizeof zero) || zmq_connect(raw[i], ep) ||
            zmq_send(raw[i], hello, hlen, 0) != (int)hlen)
            return 51;
        /* wait for HELLO_R: the server has opened this session */
        if (zmq_recv(raw[i], reply, sizeof reply, 0) != (int)LUXC_NET_HELLO_R_BYTES)
            return 52;
    }
    luxc_net_cfg cfg = quiet_cfg(FX_A);
    luxc_zclient *c;
    if (luxc_zclient_new(&c, ctx, ep, &cfg, F->pk[FX_B], 20000) != LUXC_OK)
        return 53;
    if (send_wait(c, (const uint8_t *)"real", 5, NULL) != LUXC_OK)
        return 54;
    uint8_t ack[1024];
    size_t alen;
    if (luxc_zclient_recv(c, ack, sizeof ack, &alen, 30000) != LUXC_OK)
        return 55;
    luxc_zclient_free(c);
    for (int i = 0; i < HALF_OPEN; i++)
        zmq_close(raw[i]);
    zmq_ctx_term(ctx);
    return 0;
}

/* Fork the child before this process has any ZeroMQ context: a fork while
 * libzmq's I/O threads run can hand the child a lock held by a thread that
 * does not exist there (seen as a child that never connects). The child
 * waits for the endpoint on a pipe, then makes its own context. */
static pid_t spawn(int (*fn)(const char *), int *wfd)
{
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        char ep[256];
        size_t n = 0;
        close(fds[1]);
        while (n < sizeof ep - 1 && read(fds[0], ep + n, 1) == 1 && ep[n] != '\n')
            n++;
        ep[n] = 0;
        _exit(n ? fn(ep) : 99);
    }
    close(fds[0]);
    *wfd = fds[1];
    return pid;
}

static void give_endpoint(int wfd, const char *ep)
{
    size_t n = strlen(ep);
    assert_int_equal(write(wfd, ep, n), (ssize_t)n);
    assert_int_equal(write(wfd, "\n", 1), 1);
    close(wfd);
}

static void reap(pid_t pid, int *exited)
{
    int st;
    assert_int_equal(waitpid(pid, &st, 0), pid);
    assert_true(WIFEXITED(st));
    if (WEXITSTATUS(st) != 0)
        LUXC_TEST_FAIL_SEED(seed, "child failed with code %d", WEXITSTATUS(st));
    if (exited)
        *exited = 1;
}

/* Receive one record; fails (instead of hanging) if the child died. */
static int server_recv(luxc_zserver *s, pid_t child, int *peer, uint8_t *b, size_t max,
                       size_t *len)
{
    for (int tries = 0; tries < 600; tries++) {
        int rc = luxc_zserver_recv(s, peer, b, max, len, 100);
        if (rc != LUXC_EAGAIN)
            return rc;
        int st;
        if (waitpid(child, &st, WNOHANG) == child)
            LUXC_TEST_FAIL_SEED(seed, "child exited early, status %d", st);
    }
    return LUXC_ETIMEOUT;
}

static void test_100k_records_two_processes(void **state)
{
    (void)state;
    int wfd;
    pid_t pid = spawn(child_stream, &wfd);
    void *ctx = zmq_ctx_new();
    char ep[128];
    snprintf(ep, sizeof ep, "ipc://%s/s", dir);
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, ep, &cfg), LUXC_OK);
    give_endpoint(wfd, ep);
    uint8_t want[RECMAX], got[1024], d[LUXC_HASH_BYTES] = {0};
    for (uint64_t i = 0; i < NRECORDS; i++) {
        int peer;
        size_t len;
        int rc = server_recv(s, pid, &peer, got, sizeof got, &len);
        if (rc != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "record %llu: %s", (unsigned long long)i,
                                luxc_strerror(rc));
        size_t wlen = make_record(i, want);
        if (peer != FX_A || len != wlen || memcmp(got, want, len))
            LUXC_TEST_FAIL_SEED(seed, "record %llu differs (len %zu, want %zu)",
                                (unsigned long long)i, len, wlen);
        digest_add(d, got, len);
        if (i % REPLY_EVERY == REPLY_EVERY - 1) {
            uint8_t reply[8 + LUXC_HASH_BYTES];
            luxc_be64_store(reply, i);
            memcpy(reply + 8, d, sizeof d);
            /* never blocks: the child drains replies while it streams */
            int tries = 0;
            while ((rc = luxc_zserver_send(s, FX_A, reply, sizeof reply)) == LUXC_EAGAIN &&
                   tries++ < 10000)
                usleep(1000);
            if (rc != LUXC_OK)
                LUXC_TEST_FAIL_SEED(seed, "reply %llu: %s", (unsigned long long)i,
                                    luxc_strerror(rc));
        }
    }
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_OK);
    assert_int_equal(st.recv_records, NRECORDS);
    assert_int_equal(st.rekeys_recv, (NRECORDS - 1) / REKEY_EVERY);
    assert_true(st.rekeys_recv >= 12);
    assert_int_equal(st.sent_records, NREPLIES);
    assert_int_equal(st.rekeys_sent, 1);
    assert_int_equal(st.drop_truncated + st.drop_oversized + st.drop_header + st.drop_version +
                         st.drop_replay + st.drop_reorder + st.drop_epoch + st.drop_auth +
                             st.drop_stale_key,
                     0);
    reap(pid, NULL);
    assert_int_equal(luxc_zserver_refused(s), 0);
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_outsider_refused(void **state)
{
    (void)state;
    memset(&F->log[FX_B], 0, sizeof F->log[FX_B]);
    int wfd;
    pid_t pid = spawn(child_outsider, &wfd);
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &cfg), LUXC_OK);
    char ep[128];
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    assert_non_null(strstr(ep, "tcp://127.0.0.1:"));
    assert_int_equal(luxc_zserver_endpoint(s, ep, 3), LUXC_EFULL);
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    give_endpoint(wfd, ep);
    for (int tries = 0; tries < 600 && luxc_zserver_refused(s) == 0; tries++) {
        int peer;
        size_t len;
        uint8_t b[1024];
        assert_int_equal(luxc_zserver_recv(s, &peer, b, sizeof b, &len, 100), LUXC_EAGAIN);
    }
    assert_int_equal(luxc_zserver_refused(s), 1);
    assert_non_null(strstr(F->log[FX_B].text, "not in the validator set"));
    int wst;
    assert_int_equal(waitpid(pid, &wst, WNOHANG), 0); /* still waiting: never let in */
    assert_int_equal(kill(pid, SIGKILL), 0);
    assert_int_equal(waitpid(pid, &wst, 0), pid);
    assert_true(WIFSIGNALED(wst));
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_C, &st), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"x", 1), LUXC_ENOTFOUND);
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_bad_frames_on_the_wire(void **state)
{
    (void)state;
    int wfd;
    pid_t pid = spawn(child_bad_frames, &wfd);
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &cfg), LUXC_OK);
    char ep[128];
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    give_endpoint(wfd, ep);
    int peer;
    size_t len;
    uint8_t b[1024];
    assert_int_equal(server_recv(s, pid, &peer, b, sizeof b, &len), LUXC_OK);
    assert_int_equal(peer, FX_A);
    assert_string_equal((const char *)b, "after the garbage");
    assert_int_equal(server_recv(s, pid, &peer, b, sizeof b, &len), LUXC_OK);
    assert_int_equal(len, 1024);
    assert_int_equal(b[0], 0x5a);
    assert_int_equal(b[1023], 0x5a);
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_OK);
    assert_int_equal(st.drop_truncated, 1);
    assert_int_equal(st.drop_version, 1);
    assert_int_equal(st.drop_header, 1);
    assert_int_equal(st.drop_oversized, 1);
    assert_int_equal(st.drop_auth, 1);
    assert_int_equal(st.drop_reorder, 1);
    assert_int_equal(st.recv_records, 2);
    assert_int_equal(luxc_zserver_stray(s), 1);
    assert_int_equal(luxc_zserver_stray(NULL), 0);
    assert_int_equal(luxc_zserver_send(s, FX_A, b, 8), LUXC_OK);
    reap(pid, NULL);
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_reconnect_replaces_session(void **state)
{
    (void)state;
    int wfd;
    pid_t pid = spawn(child_reconnect, &wfd);
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &cfg), LUXC_OK);
    char ep[128];
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    give_endpoint(wfd, ep);
    int peer;
    size_t len;
    uint8_t b[1024];
    /* a buffer smaller than max_record is refused before anything is read */
    assert_int_equal(luxc_zserver_recv(s, &peer, b, sizeof b - 1, &len, 0), LUXC_EFULL);
    assert_int_equal(server_recv(s, pid, &peer, b, sizeof b, &len), LUXC_OK);
    assert_string_equal((const char *)b, "first");
    uint64_t sess1, sess2;
    assert_int_equal(luxc_zserver_session(s, FX_A, &sess1), LUXC_OK);
    assert_int_equal(server_recv(s, pid, &peer, b, sizeof b, &len), LUXC_OK);
    assert_string_equal((const char *)b, "second");
    assert_int_equal(peer, FX_A);
    assert_int_equal(luxc_zserver_session(s, FX_A, &sess2), LUXC_OK);
    assert_true(sess1 > 0 && sess2 != sess1);
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_OK);
    assert_int_equal(st.recv_records, 1); /* the new session, not the old one */
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"ack", 3), LUXC_OK);
    reap(pid, NULL);
    assert_int_equal(luxc_zserver_refused(s), 0);
    /* the client is gone: libzmq notices asynchronously, then the session
     * is dropped on the next send */
    int rc = LUXC_OK;
    for (int tries = 0; tries < 500 && rc == LUXC_OK; tries++) {
        rc = luxc_zserver_send(s, FX_A, (const uint8_t *)"late", 4);
        if (rc == LUXC_OK)
            usleep(10000);
    }
    assert_int_equal(rc, LUXC_ECLOSED);
    assert_int_equal(luxc_zserver_stats(s, FX_A, &st), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_session(s, FX_A, &sess1), LUXC_ENOTFOUND);
    assert_int_equal(luxc_zserver_session(NULL, FX_A, &sess1), LUXC_EINVAL);
    assert_non_null(luxc_zserver_socket(s));
    assert_null(luxc_zserver_socket(NULL));
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_client_refuses_wrong_server(void **state)
{
    (void)state;
    memset(&F->log[FX_A], 0, sizeof F->log[FX_A]);
    int wfd;
    pid_t pid = spawn(child_wrong_server, &wfd);
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &cfg), LUXC_OK);
    char ep[128];
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    give_endpoint(wfd, ep);
    int st, done = 0;
    for (int tries = 0; tries < 600 && !done; tries++) {
        int peer;
        size_t len;
        uint8_t b[1024];
        assert_int_equal(luxc_zserver_recv(s, &peer, b, sizeof b, &len, 100), LUXC_EAGAIN);
        done = waitpid(pid, &st, WNOHANG) == pid;
    }
    assert_true(done);
    assert_true(WIFEXITED(st));
    assert_int_equal(WEXITSTATUS(st), 0);
    luxc_net_stats ns;
    assert_int_equal(luxc_zserver_stats(s, FX_A, &ns), LUXC_ENOTFOUND); /* never established */
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_half_open_handshakes_evicted(void **state)
{
    (void)state;
    memset(&F->log[FX_B], 0, sizeof F->log[FX_B]);
    int wfd;
    pid_t pid = spawn(child_half_open, &wfd);
    void *ctx = zmq_ctx_new();
    luxc_net_cfg cfg = quiet_cfg(FX_B);
    luxc_zserver *s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &cfg), LUXC_OK);
    char ep[128];
    assert_int_equal(luxc_zserver_endpoint(s, ep, sizeof ep), LUXC_OK);
    give_endpoint(wfd, ep);
    int peer;
    size_t len;
    uint8_t b[1024];
    assert_int_equal(server_recv(s, pid, &peer, b, sizeof b, &len), LUXC_OK);
    assert_string_equal((const char *)b, "real");
    assert_non_null(strstr(F->log[FX_B].text, "half-open handshake evicted"));
    assert_int_equal(luxc_zserver_send(s, FX_A, (const uint8_t *)"ack", 3), LUXC_OK);
    reap(pid, NULL);
    luxc_zserver_free(s);
    zmq_ctx_term(ctx);
}

static void test_socket_errors(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new();
    luxc_zserver *s = (luxc_zserver *)&s;
    assert_int_equal(luxc_zserver_new(&s, ctx, "bogus://nowhere", &F->cfg[FX_B]), LUXC_EIO);
    assert_null(s);
    assert_int_equal(luxc_zserver_new(&s, NULL, "tcp://127.0.0.1:*", &F->cfg[FX_B]),
                     LUXC_EINVAL);
    luxc_net_cfg c = F->cfg[FX_C];
    c.valset = F->vs; /* carol is not in it */
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &c), LUXC_ENOTMEMBER);
    c = F->cfg[FX_B];
    c.rekey_ms = LUXC_NET_REKEY_MS_MAX + 1;
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &c), LUXC_EPARAM);
    luxc_zclient *cl = (luxc_zclient *)&cl;
    assert_int_equal(luxc_zclient_new(&cl, ctx, "bogus://x", &F->cfg[FX_A], NULL, 10), LUXC_EIO);
    assert_null(cl);
    /* nobody listens: the handshake times out */
    assert_int_equal(luxc_zclient_new(&cl, ctx, "tcp://127.0.0.1:1", &F->cfg[FX_A], NULL, 50),
                     LUXC_ETIMEOUT);
    assert_int_equal(luxc_zclient_send(NULL, NULL, 0), LUXC_EINVAL);
    /* argument checks of a live server */
    assert_int_equal(luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &F->cfg[FX_B]), LUXC_OK);
    uint8_t b[8];
    size_t len;
    int peer;
    luxc_net_stats st;
    assert_int_equal(luxc_zserver_recv(NULL, &peer, b, sizeof b, &len, 0), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_recv(s, NULL, b, sizeof b, &len, 0), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_send(NULL, FX_A, b, 1), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_send(s, FX_A, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_stats(NULL, FX_A, &st), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_endpoint(NULL, (char *)b, sizeof b), LUXC_EINVAL);
    assert_int_equal(luxc_zserver_new(NULL, ctx, "tcp://127.0.0.1:*", &F->cfg[FX_B]),
                     LUXC_EINVAL);
    luxc_zserver_free(s);
    luxc_zserver_free(NULL);
    luxc_zclient_free(NULL);
    assert_null(luxc_zclient_socket(NULL));
    assert_int_equal(luxc_zserver_refused(NULL), 0);
    zmq_ctx_term(ctx);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    void *ctx = zmq_ctx_new();
    for (long n = 0;; n++) {
        luxc_zserver *s = (luxc_zserver *)&s;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_zserver_new(&s, ctx, "tcp://127.0.0.1:*", &F->cfg[FX_B]);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_zserver_free(s);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(s);
        assert_true(n < 10);
    }
    /* nobody answers and the deadline is now: past the allocations the
     * client fails with LUXC_ETIMEOUT, before them with LUXC_ENOMEM */
    for (long n = 0;; n++) {
        luxc_zclient *c = (luxc_zclient *)&c;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_zclient_new(&c, ctx, "tcp://127.0.0.1:1", &F->cfg[FX_A], NULL, 0);
        luxc_test_alloc_fail_after(-1);
        assert_null(c);
        if (rc == LUXC_ETIMEOUT)
            break;
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_true(n < 10);
    }
    zmq_ctx_term(ctx);
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_100k_records_two_processes),
        cmocka_unit_test(test_outsider_refused),
        cmocka_unit_test(test_bad_frames_on_the_wire),
        cmocka_unit_test(test_reconnect_replaces_session),
        cmocka_unit_test(test_client_refuses_wrong_server),
        cmocka_unit_test(test_half_open_handshakes_evicted),
        cmocka_unit_test(test_socket_errors),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
