/* test_http.c - the metrics/status HTTP endpoint and GET client
 * (src/daemon/http.c) at the edges test_metrics.c does not reach. The
 * server gets raw requests over a socket: other methods (405), unknown
 * paths (404), handler errors and oversized bodies (500), query strings,
 * malformed request lines and huge headers (refused, server still up),
 * idle connections (others still served), keep-alive. The client talks to
 * a scripted one-shot server thread: responses without a header end,
 * non-200 codes, garbage, a response of exactly cap - 1 bytes and one
 * more, silence (timeout), an immediate close. Plus host:port parsing.
 * Loopback only, ports picked by the kernel. */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmocka.h>

#include "daemon/metrics.h"
#include "testutil.h"

/* ---- the server side ---------------------------------------------------- */

typedef struct seen {
    pthread_mutex_t mu;
    char last_path[256];
    int calls;
} seen;

static int handler(void *ctx, const char *path, char *body, size_t cap, size_t *len,
                   const char **type)
{
    seen *s = ctx;
    pthread_mutex_lock(&s->mu);
    snprintf(s->last_path, sizeof s->last_path, "%s", path);
    s->calls++;
    pthread_mutex_unlock(&s->mu);
    if (!strcmp(path, "/status")) {
        *type = "application/json";
        *len = (size_t)snprintf(body, cap, "{\"ok\": true}");
        return LUXC_OK;
    }
    if (!strcmp(path, "/empty")) {
        *len = 0;
        return LUXC_OK;
    }
    if (!strcmp(path, "/full")) { /* exactly the body capacity */
        memset(body, 'f', cap);
        *len = cap;
        return LUXC_OK;
    }
    if (!strcmp(path, "/liar")) { /* claims more than it may write */
        *len = cap + 1;
        return LUXC_OK;
    }
    if (!strcmp(path, "/eio"))
        return LUXC_EIO;
    return LUXC_ENOTFOUND;
}

static int dial(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    return fd;
}

/* Send req raw and read until the server closes (or 5 s); returns the
 * bytes read (NUL-terminated in out). */
static size_t raw_request(uint16_t port, const char *req, size_t reqlen, char *out, size_t cap)
{
    int fd = dial(port);
    size_t sent = 0;
    while (sent < reqlen) {
        ssize_t w = send(fd, req + sent, reqlen - sent, MSG_NOSIGNAL);
        if (w <= 0)
            break; /* the server may close on a request it refuses */
        sent += (size_t)w;
    }
    size_t got = 0;
    for (;;) {
        struct pollfd p = {.fd = fd, .events = POLLIN};
        if (poll(&p, 1, 5000) != 1 || got == cap - 1)
            break;
        ssize_t r = recv(fd, out + got, cap - 1 - got, 0);
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    out[got] = '\0';
    close(fd);
    return got;
}

static size_t raw(uint16_t port, const char *req, char *out, size_t cap)
{
    return raw_request(port, req, strlen(req), out, cap);
}

static luxc_http_server *server(seen *s, uint16_t *port)
{
    memset(s, 0, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    luxc_http_server *h = NULL;
    assert_int_equal(luxc_http_server_new(&h, "127.0.0.1:0", handler, s), LUXC_OK);
    *port = luxc_http_server_port(h);
    assert_true(*port > 0);
    return h;
}

static void server_done(luxc_http_server *h, seen *s)
{
    luxc_http_server_free(h);
    pthread_mutex_destroy(&s->mu);
}

static void test_methods_and_paths(void **state)
{
    (void)state;
    seen s;
    uint16_t port;
    luxc_http_server *h = server(&s, &port);
    static char out[1 << 21];
    raw(port, "GET /status HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 OK\r\n"));
    assert_non_null(strstr(out, "Content-Type: application/json"));
    assert_non_null(strstr(out, "\r\n\r\n{\"ok\": true}"));
    /* HEAD: GET's status and headers, no body. */
    size_t hn = raw(port, "HEAD /status HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 OK\r\n"));
    assert_non_null(strstr(out, "Content-Type: application/json"));
    assert_int_equal(hn, (size_t)(strstr(out, "\r\n\r\n") + 4 - out));
    /* Only GET and HEAD: the handler is not even asked. */
    static const char *const methods[] = {"POST", "PUT", "DELETE", "OPTIONS", "TRACE"};
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "%s /status HTTP/1.0\r\nContent-Length: 0\r\n\r\n", methods[i]);
        int before = s.calls;
        raw(port, req, out, sizeof out);
        if (!strstr(out, " 405 "))
            fail_msg("%s: %s", methods[i], out);
        assert_non_null(strstr(out, "only GET and HEAD"));
        assert_int_equal(s.calls, before);
    }
    raw(port, "GET /nope HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 404 "));
    assert_non_null(strstr(out, "Content-Type: text/plain"));
    /* a fixed text: nothing of the request comes back */
    assert_non_null(strstr(out, "\r\n\r\nnot found\n"));
    assert_null(strstr(out, "nope"));
    raw(port, "GET /%3Cscript%3E HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_null(strstr(out, "script"));
    /* Paths as sent: no %-decoding, so no NUL can cut "/status%00.txt"
     * to "/status", and "/stat%75s" is not "/status". */
    static const char *const near[] = {"/status%00.txt", "/status%00", "/stat%75s", "/%73tatus"};
    for (size_t i = 0; i < sizeof near / sizeof near[0]; i++) {
        char req[128];
        snprintf(req, sizeof req, "GET %s HTTP/1.0\r\n\r\n", near[i]);
        raw(port, req, out, sizeof out);
        if (!strstr(out, " 404 "))
            fail_msg("%s served: %s", near[i], out);
        assert_string_equal(s.last_path, near[i]);
    }
    raw(port, "GET /eio HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 500 "));
    assert_non_null(strstr(out, "error: I/O error"));
    /* A body of exactly the capacity is sent; a claimed length past it
     * is an error, not a read past the buffer. */
    size_t n = raw(port, "GET /full HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 "));
    assert_int_equal(n - (size_t)(strstr(out, "\r\n\r\n") + 4 - out), 1u << 20);
    raw(port, "GET /liar HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 500 "));
    raw(port, "GET /empty HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 "));
    assert_non_null(strstr(out, "Content-Length: 0\r\n"));
    /* The query string is not part of the path. */
    raw(port, "GET /status?x=1&y HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 "));
    assert_string_equal(s.last_path, "/status");
    server_done(h, &s);
}

static void test_malformed_requests(void **state)
{
    (void)state;
    seen s;
    uint16_t port;
    luxc_http_server *h = server(&s, &port);
    static char out[65536];
    static const char *const junk[] = {
        "GARBAGE\r\n\r\n",
        "GET\r\n\r\n",
        "GET /status HTTP/9.9\r\n\r\n",
        "\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", /* a TLS hello */
        "GET /status HTTP/1.0\r\nBad Header Line\r\n\r\n",
    };
    for (size_t i = 0; i < sizeof junk / sizeof junk[0]; i++) {
        int before = s.calls;
        raw(port, junk[i], out, sizeof out);
        /* refused with a 4xx/5xx or a close, never a 200 */
        if (strstr(out, " 200 ") || s.calls != before)
            fail_msg("request %zu served: %s", i, out);
    }
    /* A header larger than libmicrohttpd's connection memory. */
    static char big[200000];
    int n = snprintf(big, sizeof big, "GET /status HTTP/1.0\r\nX-Big: ");
    memset(big + n, 'a', sizeof big - (size_t)n - 8);
    memcpy(big + sizeof big - 8, "\r\n\r\n", 5);
    raw_request(port, big, strlen(big), out, sizeof out);
    assert_null(strstr(out, " 200 "));
    /* A path longer than the handler's record of it is still served. */
    char longp[600];
    memset(longp, 'p', sizeof longp);
    memcpy(longp, "GET /", 5);
    snprintf(longp + 500, sizeof longp - 500, " HTTP/1.0\r\n\r\n");
    raw(port, longp, out, sizeof out);
    assert_non_null(strstr(out, " 404 "));
    /* And after all that, a normal request works. */
    raw(port, "GET /status HTTP/1.0\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 "));
    server_done(h, &s);
}

/* Idle and half-sent connections do not keep others waiting; one
 * keep-alive connection carries two requests. */
static void test_connections(void **state)
{
    (void)state;
    seen s;
    uint16_t port;
    luxc_http_server *h = server(&s, &port);
    int idle = dial(port), half = dial(port);
    assert_int_equal(send(half, "GET /sta", 8, MSG_NOSIGNAL), 8);
    char hp[32], buf[4096];
    size_t len;
    snprintf(hp, sizeof hp, "127.0.0.1:%u", port);
    assert_int_equal(luxc_http_get(hp, "/status", buf, sizeof buf, &len, 3000), LUXC_OK);
    assert_string_equal(buf, "{\"ok\": true}");
    close(idle);
    close(half);
    /* Every response ends the connection, also for HTTP/1.1 (so a client
     * reading to the end, as luxc_http_get does, is done). */
    static char out[4096];
    raw(port, "GET /status HTTP/1.1\r\nHost: x\r\n\r\n", out, sizeof out);
    assert_non_null(strstr(out, " 200 OK\r\n"));
    assert_non_null(strstr(out, "Connection: close\r\n"));
    assert_non_null(strstr(out, "{\"ok\": true}"));
    server_done(h, &s);
}

/* A connection to port from the loopback address src (any 127.x.y.z is
 * ours on Linux), or -1. */
static int dial_from(uint16_t port, const char *src)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    struct sockaddr_in me = {.sin_family = AF_INET};
    inet_pton(AF_INET, src, &me.sin_addr);
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&me, sizeof me) != 0 ||
        connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* GET /status from src; 1 if it was answered 200 within 3 s. */
static int status_from(uint16_t port, const char *src)
{
    int fd = dial_from(port, src);
    if (fd < 0)
        return 0;
    static const char req[] = "GET /status HTTP/1.0\r\n\r\n";
    char out[4096];
    size_t got = 0;
    if (send(fd, req, sizeof req - 1, MSG_NOSIGNAL) == (ssize_t)(sizeof req - 1)) {
        for (;;) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 3000) != 1 || got == sizeof out - 1)
                break;
            ssize_t r = recv(fd, out + got, sizeof out - 1 - got, 0);
            if (r <= 0)
                break;
            got += (size_t)r;
        }
    }
    out[got] = '\0';
    close(fd);
    return strstr(out, " 200 OK\r\n") != NULL;
}

/* A stranger holding 1,100 idle connections from one address (the red
 * team's ~1,020 blocked every scrape) takes that address's few slots
 * only: a scrape from another address is answered at once, and when the
 * stranger lets go its address is served again. */
static void test_connection_limits(void **state)
{
    (void)state;
    struct rlimit rl;
    assert_int_equal(getrlimit(RLIMIT_NOFILE, &rl), 0);
    rlim_t want = 4096;
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < want)
        want = rl.rlim_max;
    if (rl.rlim_cur < want) {
        rl.rlim_cur = want;
        assert_int_equal(setrlimit(RLIMIT_NOFILE, &rl), 0);
    }
    /* the flood and, at worst, the server's end of each */
    int flood = (int)(want - 200) / 2;
    if (flood > 1100)
        flood = 1100;
    if (flood < 1030) { /* reported as skipped, not as passed */
        print_message("%d descriptors are too few for the flood\n", (int)want);
        skip();
    }
    seen s;
    uint16_t port;
    luxc_http_server *h = server(&s, &port);
    int *fds = malloc((size_t)flood * sizeof *fds);
    assert_non_null(fds);
    int opened = 0;
    for (int i = 0; i < flood; i++)
        if ((fds[i] = dial_from(port, "127.0.0.1")) >= 0)
            opened++;
    assert_true(opened >= 1030);
    assert_true(status_from(port, "127.0.0.2"));
    assert_true(status_from(port, "127.0.0.3"));
    assert_false(status_from(port, "127.0.0.1")); /* its slots are taken */
    for (int i = 0; i < flood; i++)
        if (fds[i] >= 0)
            close(fds[i]);
    free(fds);
    int served = 0;
    for (int t = 0; t < 100 && !served; t++) {
        served = status_from(port, "127.0.0.1");
        if (!served)
            usleep(100000);
    }
    assert_true(served);
    server_done(h, &s);
}

static void test_server_args(void **state)
{
    (void)state;
    luxc_http_server *h = (luxc_http_server *)&h;
    assert_int_equal(luxc_http_server_new(NULL, "127.0.0.1:0", handler, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_new(&h, NULL, handler, NULL), LUXC_EINVAL);
    assert_null(h);
    assert_int_equal(luxc_http_server_new(&h, "127.0.0.1:-1", handler, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_new(&h, ":80", handler, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_http_server_port(NULL), 0);
    luxc_http_server_free(NULL);
}

/* ---- the client side: a one-shot scripted server ------------------------ */

typedef struct script {
    int lfd;
    uint16_t port;
    const char *reply; /* NULL = say nothing until the client goes */
    size_t reply_len;
    int close_first;   /* close without reading */
    char request[2048];
    pthread_t th;
} script;

static void *script_main(void *arg)
{
    script *sc = arg;
    int fd = accept(sc->lfd, NULL, NULL);
    if (fd < 0)
        return NULL;
    if (!sc->close_first) {
        size_t got = 0;
        while (got < sizeof sc->request - 1 && !strstr(sc->request, "\r\n\r\n")) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 5000) != 1)
                break;
            ssize_t r = recv(fd, sc->request + got, sizeof sc->request - 1 - got, 0);
            if (r <= 0)
                break;
            got += (size_t)r;
            sc->request[got] = '\0';
        }
        if (sc->reply) {
            size_t sent = 0;
            while (sent < sc->reply_len) {
                ssize_t w = send(fd, sc->reply + sent, sc->reply_len - sent, MSG_NOSIGNAL);
                if (w <= 0)
                    break;
                sent += (size_t)w;
            }
        } else {
            char c;
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, 5000) == 1) /* until the client hangs up */
                (void)recv(fd, &c, 1, 0);
        }
    }
    close(fd);
    return NULL;
}

static void script_start(script *sc, const char *reply, size_t reply_len, int close_first)
{
    memset(sc, 0, sizeof *sc);
    sc->reply = reply;
    sc->reply_len = reply_len;
    sc->close_first = close_first;
    sc->lfd = socket(AF_INET, SOCK_STREAM, 0);
    assert_true(sc->lfd >= 0);
    struct sockaddr_in sa = {.sin_family = AF_INET};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_int_equal(bind(sc->lfd, (struct sockaddr *)&sa, sizeof sa), 0);
    assert_int_equal(listen(sc->lfd, 4), 0);
    socklen_t sl = sizeof sa;
    assert_int_equal(getsockname(sc->lfd, (struct sockaddr *)&sa, &sl), 0);
    sc->port = ntohs(sa.sin_port);
    assert_int_equal(pthread_create(&sc->th, NULL, script_main, sc), 0);
}

static void script_end(script *sc)
{
    pthread_join(sc->th, NULL);
    close(sc->lfd);
}

/* GET against a script that answers `reply`; returns luxc_http_get's rc. */
static int get_with(const char *reply, size_t cap, char *buf, size_t *len, int timeout_ms,
                    script *sc)
{
    script_start(sc, reply, reply ? strlen(reply) : 0, 0);
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", sc->port);
    int rc = luxc_http_get(hp, "/status", buf, cap, len, timeout_ms);
    script_end(sc);
    return rc;
}

static void test_client_responses(void **state)
{
    (void)state;
    script sc;
    char buf[256];
    size_t len = 99;
    const char *ok = "HTTP/1.0 200 OK\r\nContent-Type: text/plain\r\n\r\nhello";
    assert_int_equal(get_with(ok, sizeof buf, buf, &len, 3000, &sc), LUXC_OK);
    assert_string_equal(buf, "hello");
    assert_int_equal(len, 5);
    /* What the client sent: one HTTP/1.0 GET naming the host. */
    assert_non_null(strstr(sc.request, "GET /status HTTP/1.0\r\n"));
    assert_non_null(strstr(sc.request, "Host: 127.0.0.1:"));
    assert_non_null(strstr(sc.request, "Connection: close\r\n"));
    /* HTTP/1.1 and an empty body are fine; len may be NULL. */
    assert_int_equal(get_with("HTTP/1.1 200 OK\r\n\r\n", sizeof buf, buf, NULL, 3000, &sc), LUXC_OK);
    assert_string_equal(buf, "");
    static const struct {
        const char *reply;
        int rc;
    } cases[] = {
        {"HTTP/1.0 404 Not Found\r\n\r\nnope", LUXC_ENOTFOUND},
        {"HTTP/1.0 500 Oops\r\n\r\n", LUXC_ECORRUPT},
        {"HTTP/1.0 201 Created\r\n\r\n", LUXC_ECORRUPT},
        {"HTTP/1.0 200 OK\r\nno end of headers", LUXC_ECORRUPT},
        {"HTTP/1.0 200 OK\n\nbare newlines", LUXC_ECORRUPT},
        {"HTTP/2.0 200 OK\r\n\r\nx", LUXC_ECORRUPT},
        {"SSH-2.0-OpenSSH_9.2\r\n\r\n", LUXC_ECORRUPT},
        {"HTTP/1.0 2", LUXC_ECORRUPT}, /* shorter than a status line */
        {"HTTP/1.0 abc OK\r\n\r\n", LUXC_ECORRUPT},
        {"", LUXC_ECORRUPT},           /* closed without a byte */
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        int rc = get_with(cases[i].reply, sizeof buf, buf, &len, 3000, &sc);
        if (rc != cases[i].rc)
            fail_msg("reply \"%s\": %s, wanted %s", cases[i].reply, luxc_strerror(rc),
                     luxc_strerror(cases[i].rc));
    }
    /* Closed before reading the request. */
    script_start(&sc, NULL, 0, 1);
    char hp[32];
    snprintf(hp, sizeof hp, "127.0.0.1:%u", sc.port);
    int rc = luxc_http_get(hp, "/status", buf, sizeof buf, &len, 3000);
    script_end(&sc);
    assert_true(rc == LUXC_ECORRUPT || rc == LUXC_EIO);
}

/* The response may use cap - 1 bytes (the NUL takes the last): exactly
 * that fits, one byte more is ETOOBIG. */
static void test_client_size_limit(void **state)
{
    (void)state;
    script sc;
    char reply[200], buf[128];
    size_t len;
    int n = snprintf(reply, sizeof reply, "HTTP/1.0 200 OK\r\n\r\n");
    memset(reply + n, 'b', sizeof buf - 1 - (size_t)n);
    reply[sizeof buf - 1] = '\0';
    assert_int_equal(strlen(reply), sizeof buf - 1);
    int rc = get_with(reply, sizeof buf, buf, &len, 3000, &sc);
    if (rc != LUXC_OK)
        fail_msg("a response of exactly cap - 1 bytes: %s", luxc_strerror(rc));
    assert_int_equal(len, sizeof buf - 1 - (size_t)n);
    reply[sizeof buf - 1] = 'b';
    reply[sizeof buf] = '\0';
    assert_int_equal(get_with(reply, sizeof buf, buf, &len, 3000, &sc), LUXC_ETOOBIG);
    /* The smallest buffer: only an empty response would fit. */
    assert_int_equal(get_with("HTTP/1.0 200 OK\r\n\r\n", 2, buf, &len, 3000, &sc), LUXC_ETOOBIG);
}

static void test_client_timeout_and_args(void **state)
{
    (void)state;
    script sc;
    char buf[64];
    size_t len;
    assert_int_equal(get_with(NULL, sizeof buf, buf, &len, 200, &sc), LUXC_ETIMEOUT);
    assert_int_equal(luxc_http_get("127.0.0.1:1", "/x", buf, sizeof buf, &len, 0), LUXC_EINVAL);
    assert_int_equal(luxc_http_get("127.0.0.1:1", "/x", buf, 1, &len, 100), LUXC_EINVAL);
    assert_int_equal(luxc_http_get("127.0.0.1:1", "/x", NULL, 64, &len, 100), LUXC_EINVAL);
    assert_int_equal(luxc_http_get("127.0.0.1:1", NULL, buf, 64, &len, 100), LUXC_EINVAL);
    assert_int_equal(luxc_http_get(NULL, "/x", buf, 64, &len, 100), LUXC_EINVAL);
    assert_int_equal(luxc_http_get("127.0.0.1", "/x", buf, 64, &len, 100), LUXC_EINVAL);
    assert_int_equal(luxc_http_get("no.such.host.invalid:80", "/x", buf, 64, &len, 100),
                     LUXC_EINVAL);
    static char longpath[1100];
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[0] = '/';
    assert_int_equal(luxc_http_get("127.0.0.1:1", longpath, buf, 64, &len, 100), LUXC_EINVAL);
    longpath[1024] = '\0'; /* 1024 characters: allowed (then refused by nobody listening) */
    assert_int_equal(luxc_http_get("127.0.0.1:1", longpath, buf, 64, &len, 1000), LUXC_EIO);
}

static void test_hostport_parse(void **state)
{
    (void)state;
    static const struct {
        const char *in, *host;
        int port;
    } good[] = {
        {"127.0.0.1:9100", "127.0.0.1", 9100}, {"h:0", "h", 0},
        {"h:65535", "h", 65535},               {"[::1]:80", "[::1]", 80},
        {"a:b:7", "a:b", 7},                   /* the last colon splits */
    };
    char host[64];
    uint16_t port;
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        assert_int_equal(luxc_hostport_parse(good[i].in, host, sizeof host, &port), LUXC_OK);
        assert_string_equal(host, good[i].host);
        assert_int_equal(port, good[i].port);
    }
    static const char *const bad[] = {"", "h", ":80", "h:", "h:65536", "h:-1", "h:80x",
                                      "h:99999999999999999999", "h: 80", "h:+80", "h:\t1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (luxc_hostport_parse(bad[i], host, sizeof host, &port) != LUXC_EINVAL)
            fail_msg("\"%s\" accepted", bad[i]);
    /* The host must fit with its NUL. */
    assert_int_equal(luxc_hostport_parse("abcd:1", host, 5, &port), LUXC_OK);
    assert_string_equal(host, "abcd");
    assert_int_equal(luxc_hostport_parse("abcde:1", host, 5, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:1", host, 0, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:1", NULL, 5, &port), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse("h:1", host, 5, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_hostport_parse(NULL, host, 5, &port), LUXC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_methods_and_paths),
        cmocka_unit_test(test_malformed_requests),
        cmocka_unit_test(test_connections),
        cmocka_unit_test(test_connection_limits),
        cmocka_unit_test(test_server_args),
        cmocka_unit_test(test_client_responses),
        cmocka_unit_test(test_client_size_limit),
        cmocka_unit_test(test_client_timeout_and_args),
        cmocka_unit_test(test_hostport_parse),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
