/* http.c - the metrics/status HTTP endpoint (libmicrohttpd) and a minimal
 * HTTP/1.0 GET client for `luxc status` and `luxc devnet`.
 * Owns: address parsing, the server thread's lifecycle and its limits
 * (GET and HEAD only, paths as sent, a fixed 404, connections per address
 * and in all, idle timeout), and reading a response without trusting its
 * size (bounded by the caller's buffer). */
#include "daemon/metrics.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <microhttpd.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define HTTP_BODY_MAX (1u << 20)
/* A scrape takes one connection for well under a second: a few per
 * address, a few dozen in all, and an idle one is dropped after 5 s, so
 * idle connections from one address cannot keep another out. */
#define HTTP_CONNECTIONS_MAX 64u
#define HTTP_CONNECTIONS_PER_IP 8u
#define HTTP_IDLE_SECONDS 5u

struct luxc_http_server {
    struct MHD_Daemon *daemon;
    luxc_http_handler handler;
    void *ctx;
    uint16_t port;
};

int luxc_hostport_parse(const char *hostport, char *host, size_t hostcap, uint16_t *port)
{
    if (!hostport || !host || !port || hostcap == 0)
        return LUXC_EINVAL;
    const char *colon = strrchr(hostport, ':');
    /* digits only: strtol alone would also take " 80" and "+80" */
    if (!colon || colon == hostport || colon[1] < '0' || colon[1] > '9')
        return LUXC_EINVAL;
    size_t hl = (size_t)(colon - hostport);
    if (hl >= hostcap)
        return LUXC_EINVAL;
    char *end;
    errno = 0;
    long p = strtol(colon + 1, &end, 10);
    if (*end != '\0' || errno || p < 0 || p > 65535)
        return LUXC_EINVAL;
    memcpy(host, hostport, hl);
    host[hl] = '\0';
    *port = (uint16_t)p;
    return LUXC_OK;
}

static int resolve_v4(const char *host, uint16_t port, struct sockaddr_in *sa)
{
    struct addrinfo hints = {.ai_family = AF_INET, .ai_socktype = SOCK_STREAM}, *res;
    if (getaddrinfo(host, NULL, &hints, &res) != 0 || !res)
        return LUXC_EINVAL;
    memcpy(sa, res->ai_addr, sizeof *sa);
    sa->sin_port = htons(port);
    freeaddrinfo(res);
    return LUXC_OK;
}

/* Paths are taken as sent, never %-decoded: the endpoint serves a few
 * fixed paths, and decoding let "/metrics%00.txt" reach the handler as
 * "/metrics". */
static size_t keep_escapes(void *cls, struct MHD_Connection *conn, char *s)
{
    (void)cls;
    (void)conn;
    return strlen(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *conn, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_size, void **req_cls)
{
    (void)version;
    (void)upload_data;
    (void)upload_size;
    (void)req_cls;
    luxc_http_server *s = cls;
    unsigned status = MHD_HTTP_OK;
    const char *type = "text/plain; charset=utf-8";
    size_t len = 0;
    char *body = malloc(HTTP_BODY_MAX);
    if (!body)
        return MHD_NO;
    /* HEAD is GET without the body (libmicrohttpd leaves it out) */
    if (strcmp(method, "GET") != 0 && strcmp(method, "HEAD") != 0) {
        status = MHD_HTTP_METHOD_NOT_ALLOWED;
        len = (size_t)snprintf(body, HTTP_BODY_MAX, "only GET and HEAD\n");
    } else {
        int rc = s->handler(s->ctx, url, body, HTTP_BODY_MAX, &len, &type);
        if (rc == LUXC_ENOTFOUND) {
            status = MHD_HTTP_NOT_FOUND;
            type = "text/plain; charset=utf-8";
            /* fixed text: the path is the requester's, not ours to echo */
            len = (size_t)snprintf(body, HTTP_BODY_MAX, "not found\n");
        } else if (rc != LUXC_OK || len > HTTP_BODY_MAX) {
            status = MHD_HTTP_INTERNAL_SERVER_ERROR;
            type = "text/plain; charset=utf-8";
            len = (size_t)snprintf(body, HTTP_BODY_MAX, "error: %s\n", luxc_strerror(rc));
        }
    }
    struct MHD_Response *resp =
        MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE);
    if (!resp) {
        free(body);
        return MHD_NO;
    }
    MHD_add_response_header(resp, "Content-Type", type);
    enum MHD_Result r = MHD_queue_response(conn, status, resp);
    MHD_destroy_response(resp);
    return r;
}

int luxc_http_server_new(luxc_http_server **out, const char *hostport, luxc_http_handler handler,
                         void *ctx)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    char host[256];
    uint16_t port;
    if (!handler || luxc_hostport_parse(hostport, host, sizeof host, &port) != LUXC_OK)
        return LUXC_EINVAL;
    struct sockaddr_in sa;
    if (resolve_v4(host, port, &sa) != LUXC_OK)
        return LUXC_EINVAL;
    luxc_http_server *s = calloc(1, sizeof *s);
    if (!s)
        return LUXC_ENOMEM;
    s->handler = handler;
    s->ctx = ctx;
    s->daemon = MHD_start_daemon(MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_POLL, port, NULL,
                                 NULL, on_request, s, MHD_OPTION_SOCK_ADDR, &sa,
                                 MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)HTTP_IDLE_SECONDS,
                                 MHD_OPTION_CONNECTION_LIMIT, (unsigned)HTTP_CONNECTIONS_MAX,
                                 MHD_OPTION_PER_IP_CONNECTION_LIMIT,
                                 (unsigned)HTTP_CONNECTIONS_PER_IP, MHD_OPTION_UNESCAPE_CALLBACK,
                                 keep_escapes, NULL, MHD_OPTION_END);
    if (!s->daemon) {
        free(s);
        return LUXC_EIO;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(s->daemon, MHD_DAEMON_INFO_BIND_PORT);
    s->port = info ? info->port : port;
    *out = s;
    return LUXC_OK;
}

uint16_t luxc_http_server_port(const luxc_http_server *s) { return s ? s->port : 0; }

void luxc_http_server_free(luxc_http_server *s)
{
    if (!s)
        return;
    MHD_stop_daemon(s->daemon);
    free(s);
}

static long ms_left(const struct timespec *deadline)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (deadline->tv_sec - now.tv_sec) * 1000 + (deadline->tv_nsec - now.tv_nsec) / 1000000;
}

static int wait_fd(int fd, short events, const struct timespec *deadline)
{
    for (;;) {
        long left = ms_left(deadline);
        if (left <= 0)
            return LUXC_ETIMEOUT;
        struct pollfd p = {.fd = fd, .events = events};
        int r = poll(&p, 1, (int)left);
        if (r > 0)
            return LUXC_OK;
        if (r < 0 && errno != EINTR)
            return LUXC_EIO;
    }
}

static int connect_to(const char *hostport, const struct timespec *deadline, int *fd_out)
{
    char host[256];
    uint16_t port;
    struct sockaddr_in sa;
    if (luxc_hostport_parse(hostport, host, sizeof host, &port) != LUXC_OK ||
        resolve_v4(host, port, &sa) != LUXC_OK)
        return LUXC_EINVAL;
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return LUXC_EIO;
    int rc = LUXC_OK;
    if (connect(fd, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (errno != EINPROGRESS)
            rc = LUXC_EIO;
        else if ((rc = wait_fd(fd, POLLOUT, deadline)) == LUXC_OK) {
            int soerr = 0;
            socklen_t sl = sizeof soerr;
            if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) != 0 || soerr != 0)
                rc = LUXC_EIO;
        }
    }
    if (rc != LUXC_OK) {
        close(fd);
        return rc;
    }
    *fd_out = fd;
    return LUXC_OK;
}

/* Parse "HTTP/1.x NNN ...\r\n...\r\n\r\nbody" in place; move the body to buf. */
static int parse_response(char *buf, size_t n, size_t *len)
{
    unsigned code;
    if (n < 12 || strncmp(buf, "HTTP/1.", 7) != 0 || sscanf(buf + 9, "%3u", &code) != 1)
        return LUXC_ECORRUPT;
    char *sep = strstr(buf, "\r\n\r\n");
    if (!sep)
        return LUXC_ECORRUPT;
    if (code == 404)
        return LUXC_ENOTFOUND;
    if (code != 200)
        return LUXC_ECORRUPT;
    size_t body = (size_t)(sep + 4 - buf);
    memmove(buf, buf + body, n - body);
    buf[n - body] = '\0';
    if (len)
        *len = n - body;
    return LUXC_OK;
}

int luxc_http_get(const char *hostport, const char *path, char *buf, size_t cap, size_t *len,
                  int timeout_ms)
{
    if (!hostport || !path || path[0] != '/' || !buf || cap < 2 || timeout_ms <= 0 ||
        strlen(path) > 1024)
        return LUXC_EINVAL;
    struct timespec deadline;
    clock_gettime(CLOCK_MONOTONIC, &deadline);
    deadline.tv_sec += timeout_ms / 1000;
    deadline.tv_nsec += (long)(timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    int fd, rc = connect_to(hostport, &deadline, &fd);
    if (rc != LUXC_OK)
        return rc;
    char req[1200];
    int rl = snprintf(req, sizeof req, "GET %s HTTP/1.0\r\nHost: %s\r\nConnection: close\r\n\r\n",
                      path, hostport);
    size_t sent = 0;
    while (rc == LUXC_OK && sent < (size_t)rl) {
        ssize_t w = send(fd, req + sent, (size_t)rl - sent, MSG_NOSIGNAL);
        if (w > 0)
            sent += (size_t)w;
        else if (w < 0 && (errno == EAGAIN || errno == EINTR))
            rc = wait_fd(fd, POLLOUT, &deadline);
        else
            rc = LUXC_EIO;
    }
    /* Up to cap - 1 bytes and the NUL; reading into the NUL's byte too
     * tells "exactly cap - 1" (then EOF) from "longer" (cap bytes). */
    size_t got = 0;
    while (rc == LUXC_OK) {
        if (got == cap) {
            rc = LUXC_ETOOBIG;
            break;
        }
        ssize_t r = recv(fd, buf + got, cap - got, 0);
        if (r > 0)
            got += (size_t)r;
        else if (r == 0)
            break;
        else if (errno == EAGAIN || errno == EINTR)
            rc = wait_fd(fd, POLLIN, &deadline);
        else
            rc = LUXC_EIO;
    }
    close(fd);
    if (rc != LUXC_OK)
        return rc;
    buf[got] = '\0';
    return parse_response(buf, got, len);
}
