/* relay.c - netns_relay: a small userspace Ethernet switch that delays and
 * drops frames, for tests/system/netns_test.sh on kernels without sch_netem.
 *
 *   netns_relay [--delay-ms D] [--jitter-ms J] [--loss-pct P] [--seed S] IFACE...
 *
 * Every frame received on one of the interfaces is forwarded to the
 * interface that owns its destination MAC (learned from source MACs) or, for
 * broadcast/multicast/unknown destinations, to all the others, after
 * D +- J ms (uniform, so frames may be reordered as with netem's jitter), or
 * dropped with probability P %. Frames keep their offload metadata (GSO,
 * partial checksums) through PACKET_VNET_HDR, so large TCP segments pass as
 * they would through a bridge. Runs until SIGTERM or SIGINT (exit 0); a
 * setup error exits 1 with the reason on stderr. Needs CAP_NET_RAW in the
 * interfaces' network namespace. Test tool: one thread, not a library. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/virtio_net.h>
#include <net/if.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define MAX_IFS 16
#define MAX_PENDING 65536
#define FRAME_MAX (sizeof(struct virtio_net_hdr) + 65536 + 64)

typedef struct pending {
    uint64_t due_us;
    uint64_t seq; /* ties keep arrival order */
    int out;      /* interface index into ifs[] */
    size_t len;
    uint8_t *data;
} pending;

typedef struct relay {
    int n;
    int fd[MAX_IFS];
    const char *name[MAX_IFS];
    uint8_t mac[64][6];
    int mac_if[64];
    int nmac;
    pending heap[MAX_PENDING];
    size_t nheap;
    uint64_t seq, rng;
    uint64_t delay_us, jitter_us;
    uint32_t loss_ppm;
    uint64_t forwarded, dropped_loss, dropped_full, send_errors;
} relay;

static volatile sig_atomic_t stop_flag;

static void on_signal(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static uint64_t now_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

static uint64_t next_rand(relay *r)
{
    /* splitmix64: enough for delays and losses in a test */
    uint64_t z = (r->rng += 0x9e3779b97f4a7c15u);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9u;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebu;
    return z ^ (z >> 31);
}

static int before(const pending *a, const pending *b)
{
    return a->due_us != b->due_us ? a->due_us < b->due_us : a->seq < b->seq;
}

static void heap_push(relay *r, pending p)
{
    size_t i = r->nheap++;
    while (i > 0) {
        size_t up = (i - 1) / 2;
        if (!before(&p, &r->heap[up]))
            break;
        r->heap[i] = r->heap[up];
        i = up;
    }
    r->heap[i] = p;
}

static pending heap_pop(relay *r)
{
    pending top = r->heap[0], last = r->heap[--r->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= r->nheap)
            break;
        if (c + 1 < r->nheap && before(&r->heap[c + 1], &r->heap[c]))
            c++;
        if (!before(&r->heap[c], &last))
            break;
        r->heap[i] = r->heap[c];
        i = c;
    }
    if (r->nheap)
        r->heap[i] = last;
    return top;
}

static int open_if(const char *name)
{
    int fd = socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    int one = 1;
    unsigned idx = if_nametoindex(name);
    struct sockaddr_ll sa = {.sll_family = AF_PACKET, .sll_protocol = htons(ETH_P_ALL),
                             .sll_ifindex = (int)idx};
    struct packet_mreq mr = {.mr_ifindex = (int)idx, .mr_type = PACKET_MR_PROMISC};
    if (!idx || setsockopt(fd, SOL_PACKET, PACKET_VNET_HDR, &one, sizeof one) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_IGNORE_OUTGOING, &one, sizeof one) != 0 ||
        bind(fd, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        setsockopt(fd, SOL_PACKET, PACKET_ADD_MEMBERSHIP, &mr, sizeof mr) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    return fd;
}

static void learn(relay *r, const uint8_t *src, int in)
{
    if (src[0] & 1)
        return;
    for (int i = 0; i < r->nmac; i++) {
        if (!memcmp(r->mac[i], src, 6)) {
            r->mac_if[i] = in;
            return;
        }
    }
    if (r->nmac < 64) {
        memcpy(r->mac[r->nmac], src, 6);
        r->mac_if[r->nmac++] = in;
    }
}

static int lookup(const relay *r, const uint8_t *dst)
{
    if (dst[0] & 1)
        return -1;
    for (int i = 0; i < r->nmac; i++)
        if (!memcmp(r->mac[i], dst, 6))
            return r->mac_if[i];
    return -1;
}

static void enqueue(relay *r, const uint8_t *buf, size_t len, int out, uint64_t now)
{
    if (r->loss_ppm && next_rand(r) % 1000000u < r->loss_ppm) {
        r->dropped_loss++;
        return;
    }
    if (r->nheap == MAX_PENDING) {
        r->dropped_full++;
        return;
    }
    uint64_t d = r->delay_us;
    if (r->jitter_us) {
        uint64_t span = 2 * r->jitter_us + 1, j = next_rand(r) % span;
        d = d + j >= r->jitter_us ? d + j - r->jitter_us : 0;
    }
    pending p = {.due_us = now + d, .seq = r->seq++, .out = out, .len = len,
                 .data = malloc(len)};
    if (!p.data) {
        r->dropped_full++;
        return;
    }
    memcpy(p.data, buf, len);
    heap_push(r, p);
}

static void receive(relay *r, int in, uint8_t *buf)
{
    for (int budget = 0; budget < 256; budget++) {
        ssize_t got = recv(r->fd[in], buf, FRAME_MAX, MSG_DONTWAIT | MSG_TRUNC);
        if (got < 0)
            return;
        size_t hl = sizeof(struct virtio_net_hdr);
        if ((size_t)got > FRAME_MAX || (size_t)got < hl + 14)
            continue; /* truncated or runt: drop */
        const uint8_t *eth = buf + hl;
        learn(r, eth + 6, in);
        int out = lookup(r, eth);
        uint64_t t = now_us();
        if (out >= 0 && out != in) {
            enqueue(r, buf, (size_t)got, out, t);
        } else if (out < 0) {
            for (int o = 0; o < r->n; o++)
                if (o != in)
                    enqueue(r, buf, (size_t)got, o, t);
        }
    }
}

static void flush_due(relay *r)
{
    uint64_t t = now_us();
    while (r->nheap && r->heap[0].due_us <= t) {
        pending p = heap_pop(r);
        if (send(r->fd[p.out], p.data, p.len, MSG_DONTWAIT) == (ssize_t)p.len)
            r->forwarded++;
        else
            r->send_errors++;
        free(p.data);
    }
}

static int num(const char *s, unsigned long max, unsigned long *out)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v > max)
        return -1;
    *out = v;
    return 0;
}

int main(int argc, char **argv)
{
    static relay r;
    static const struct option lo[] = {{"delay-ms", required_argument, NULL, 'd'},
                                       {"jitter-ms", required_argument, NULL, 'j'},
                                       {"loss-pct", required_argument, NULL, 'l'},
                                       {"seed", required_argument, NULL, 's'},
                                       {NULL, 0, NULL, 0}};
    unsigned long v = 0;
    int ch;
    r.rng = (uint64_t)getpid() * 0x2545f4914f6cdd1du ^ now_us();
    while ((ch = getopt_long(argc, argv, "d:j:l:s:", lo, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'd': bad = num(optarg, 60000, &v); r.delay_us = v * 1000u; break;
        case 'j': bad = num(optarg, 60000, &v); r.jitter_us = v * 1000u; break;
        case 'l': bad = num(optarg, 100, &v); r.loss_ppm = (uint32_t)v * 10000u; break;
        case 's': bad = num(optarg, (unsigned long)-1, &v); r.rng = v; break;
        default: bad = 1;
        }
        if (bad) {
            fprintf(stderr, "usage: netns_relay [--delay-ms D] [--jitter-ms J] "
                            "[--loss-pct P] [--seed S] IFACE...\n");
            return 2;
        }
    }
    if (argc - optind < 2 || argc - optind > MAX_IFS) {
        fprintf(stderr, "netns_relay: give 2..%d interfaces\n", MAX_IFS);
        return 2;
    }
    for (int i = optind; i < argc; i++) {
        r.name[r.n] = argv[i];
        if ((r.fd[r.n] = open_if(argv[i])) < 0) {
            fprintf(stderr, "netns_relay: %s: %s\n", argv[i], strerror(errno));
            return 1;
        }
        r.n++;
    }
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_signal;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    uint8_t *buf = malloc(FRAME_MAX);
    if (!buf)
        return 1;
    struct pollfd pfd[MAX_IFS];
    for (int i = 0; i < r.n; i++)
        pfd[i] = (struct pollfd){.fd = r.fd[i], .events = POLLIN};
    while (!stop_flag) {
        int timeout = -1;
        if (r.nheap) {
            uint64_t t = now_us(), due = r.heap[0].due_us;
            timeout = due <= t ? 0 : (int)((due - t + 999) / 1000);
        }
        int rc = poll(pfd, (nfds_t)r.n, timeout);
        if (rc < 0 && errno != EINTR)
            break;
        for (int i = 0; rc > 0 && i < r.n; i++)
            if (pfd[i].revents & POLLIN)
                receive(&r, i, buf);
        flush_due(&r);
    }
    fprintf(stderr, "netns_relay: forwarded %llu, lost %llu (loss), dropped %llu (queue), "
                    "send errors %llu\n",
            (unsigned long long)r.forwarded, (unsigned long long)r.dropped_loss,
            (unsigned long long)r.dropped_full, (unsigned long long)r.send_errors);
    while (r.nheap) {
        pending p = heap_pop(&r);
        free(p.data);
    }
    free(buf);
    for (int i = 0; i < r.n; i++)
        close(r.fd[i]);
    return 0;
}
