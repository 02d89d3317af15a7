/* runtime.c - `luxc node`: one validator process (daemon/runtime.h).
 * Owns: start-up from files (each failure named), the event loop that
 * feeds the consensus core from the network, the submission socket and the
 * load generator, taking the status snapshot the HTTP thread serves
 * (rendered in runtime_status.c), and clean stop
 * on SIGTERM/SIGINT (read from a signalfd: no global state).
 * Threads: the loop (everything that touches the core), one connector per
 * peer (runtime_links.c), libmicrohttpd's server thread (reads the
 * published status under status_mu only). */
#include "daemon/runtime.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>
#include <zmq.h>

#include "luxc/chain_block.h"
#include "daemon/metrics.h"
#include "luxc/net.h"
#include "chain/json_util.h"
#include "common/logfmt.h"
#include "common/errdetail.h"
#include "node_model.h"
#include "runtime_links.h"
#include "runtime_status.h"

#define RECV_MAX (1u + LUXC_CHAIN_BLOCK_MAXBYTES + 4u + (4u << 20))

typedef struct rt {
    const luxc_run_opts *opts;
    luxc_node_config cfg;
    luxc_genesis *genesis;
    uint32_t self;
    luxc_keypair keys;
    luxc_params params;
    luxc_logger log;
    /* what the layers report goes through it: what strangers can make a
     * node log (net events, refused frames) is held back past 20 lines an
     * event a second, and counted */
    luxc_log_limit *limit;
    luxc_store *store;
    luxc_node_ai *ai;
    luxc_node *node;
    luxc_valset *valset;
    luxc_net_cfg ncfg;
    void *zctx;
    luxc_zserver *server;
    luxc_links *links;
    void *submit;
    int sigfd;
    luxc_http_server *http;
    luxc_status_metrics *metrics; /* what /metrics renders */
    pthread_mutex_t status_mu;
    luxc_published pub;
    uint64_t *sessions; /* last zserver session id seen per peer */
    uint64_t *heard_us; /* when each peer last sent us a record */
    uint64_t start_us, load_sent;
    uint64_t load_seq;
    uint8_t *buf;
} rt;

static uint64_t wall_us(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}


/* Consensus parameters: the genesis preset with its overrides. */
static int make_params(rt *r, char *err, size_t errlen)
{
    const luxc_genesis_consensus *c = &r->genesis->consensus;
    if (luxc_params_preset(&r->params, c->preset) != LUXC_OK)
        return luxc_errf(err, errlen, LUXC_EPARAM, "%s: consensus.preset \"%s\" is unknown",
                    r->cfg.genesis_path, c->preset);
    if (c->k)
        r->params.k = c->k;
    if (c->alpha_pref)
        r->params.alpha_pref = c->alpha_pref;
    if (c->alpha_conf)
        r->params.alpha_conf = c->alpha_conf;
    if (c->beta)
        r->params.beta = c->beta;
    if (c->block_time_ms)
        r->params.block_time_ms = c->block_time_ms;
    if (c->round_timeout_ms)
        r->params.round_timeout_ms = c->round_timeout_ms;
    char msg[256];
    if (luxc_params_validate(&r->params, msg, sizeof msg) != LUXC_OK)
        return luxc_errf(err, errlen, LUXC_EPARAM, "%s: consensus: %s", r->cfg.genesis_path, msg);
    return LUXC_OK;
}

/* The net layer's events, tagged so that a line says which layer spoke. */
/* A layer's event, tagged with its component, through the limiter. */
static void layer_log(rt *r, const char *component, luxc_log_level level, const char *event,
                      const char *fields)
{
    char tagged[LUXC_LOG_LINE_MAX];
    snprintf(tagged, sizeof tagged, "component=%s%s%s", component, fields ? " " : "",
             fields ? fields : "");
    if (r->limit)
        luxc_log_limit_sink(r->limit, level, event, tagged);
    else
        luxc_logger_sink(&r->log, level, event, tagged);
}

static void net_log(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    layer_log(ctx, "net", level, event, fields);
}

static void store_log(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    layer_log(ctx, "store", level, event, fields);
}

static int io_send(void *ctx, uint32_t peer, const uint8_t *msg, size_t len)
{
    rt *r = ctx;
    return luxc_links_send(r->links, peer, msg, len);
}

static void on_final(void *ctx, uint64_t height, const uint8_t id[32], const uint8_t *block,
                     size_t len, double latency_ms)
{
    (void)block;
    (void)len;
    rt *r = ctx;
    if (r->log.level >= LUXC_LOG_DEBUG) {
        char hex[9];
        luxc_log(&r->log, LUXC_LOG_DEBUG, "block final", "height=%llu id=%s latency_ms=%.2f",
                 (unsigned long long)height, luxc_hex_encode(hex, id, 4), latency_ms);
    }
}

static int open_net(rt *r, char *err, size_t errlen)
{
    int rc = luxc_valset_new(&r->valset);
    for (size_t i = 0; rc == LUXC_OK && i < r->genesis->n_validators; i++) {
        const luxc_genesis_validator *v = &r->genesis->validators[i];
        uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES];
        memcpy(pk, v->ed25519_pk, LUXC_ED25519_PUBLICKEYBYTES);
        memcpy(pk + LUXC_ED25519_PUBLICKEYBYTES, v->mldsa65_pk, LUXC_MLDSA_PUBLICKEYBYTES);
        rc = luxc_valset_add(r->valset, pk, v->stake, v->name, v->address);
    }
    if (rc != LUXC_OK)
        return luxc_errf(err, errlen, rc, "validator set: %s", luxc_strerror(rc));
    memset(&r->ncfg, 0, sizeof r->ncfg);
    r->ncfg.valset = r->valset;
    r->ncfg.identity_pk = r->keys.pk;
    r->ncfg.identity_sk = r->keys.sk;
    if (luxc_chain_id_hash(r->ncfg.chain_id, r->genesis->chain_id) != LUXC_OK)
        return luxc_errf(err, errlen, LUXC_ECRYPTO, "cannot hash the chain id");
    r->ncfg.max_record = RECV_MAX;
    r->ncfg.log = net_log;
    r->ncfg.log_ctx = r;
    r->zctx = zmq_ctx_new();
    if (!r->zctx)
        return luxc_errf(err, errlen, LUXC_EIO, "cannot create a ZeroMQ context");
    rc = luxc_zserver_new(&r->server, r->zctx, r->cfg.listen, &r->ncfg);
    if (rc != LUXC_OK)
        return luxc_errf(err, errlen, rc, "%s: listen \"%s\": %s", r->opts->config_path,
                    r->cfg.listen, luxc_strerror(rc));
    rc = luxc_links_new(&r->links, r->zctx, &r->ncfg, r->self);
    if (rc != LUXC_OK)
        return luxc_errf(err, errlen, rc, "peer links: %s", luxc_strerror(rc));
    if (r->cfg.submit[0]) {
        r->submit = zmq_socket(r->zctx, ZMQ_PULL);
        /* above LUXC_TX_MAX we still read (and count) the message; only
         * beyond 1 MiB does libzmq drop the connection itself */
        int64_t maxmsg = 1 << 20;
        int linger = 0;
        if (!r->submit || zmq_setsockopt(r->submit, ZMQ_MAXMSGSIZE, &maxmsg, sizeof maxmsg) ||
            zmq_setsockopt(r->submit, ZMQ_LINGER, &linger, sizeof linger) ||
            zmq_bind(r->submit, r->cfg.submit) != 0)
            return luxc_errf(err, errlen, LUXC_EIO, "%s: submit \"%s\": %s", r->opts->config_path,
                        r->cfg.submit, zmq_strerror(zmq_errno()));
    }
    return LUXC_OK;
}

static int http_handler(void *ctx, const char *path, char *body, size_t cap, size_t *len,
                        const char **type)
{
    rt *r = ctx;
    int rc;
    if (!strcmp(path, "/metrics")) {
        /* set and rendered under the lock: one snapshot per scrape, and
         * the registry is used by one request at a time */
        *type = "text/plain; version=0.0.4";
        pthread_mutex_lock(&r->status_mu);
        rc = luxc_status_metrics_render(r->metrics, &r->pub, body, cap, len);
        pthread_mutex_unlock(&r->status_mu);
        return rc;
    }
    if (strcmp(path, "/status"))
        return LUXC_ENOTFOUND;
    *type = "application/json";
    pthread_mutex_lock(&r->status_mu);
    luxc_published p = r->pub;
    pthread_mutex_unlock(&r->status_mu);
    return luxc_status_json(r->cfg.name, &p, body, cap, len);
}

static void publish(rt *r, uint64_t now_us)
{
    luxc_published p;
    memset(&p, 0, sizeof p);
    luxc_node_status_get(r->node, &p.st);
    /* a peer counts when it spoke within 3 s: a link that is up but silent
     * (partition, hung process) is not a peer we have */
    for (uint32_t i = 0; i < r->genesis->n_validators; i++)
        p.peers += i != r->self && r->heard_us[i] + 3000000u > now_us && r->heard_us[i];
    p.links = luxc_links_connected(r->links);
    p.refused = luxc_zserver_refused(r->server);
    for (uint32_t i = 0; i < r->genesis->n_validators; i++) {
        luxc_net_stats ns;
        if (i != r->self && luxc_zserver_stats(r->server, (int)i, &ns) == LUXC_OK)
            p.dropped_frames += luxc_net_stats_dropped(&ns);
    }
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        p.cpu_seconds = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                        (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    p.uptime_seconds = (double)(now_us - r->start_us) / 1e6;
    pthread_mutex_lock(&r->status_mu);
    r->pub = p;
    pthread_mutex_unlock(&r->status_mu);
}

/* A peer that opened a new session with us restarted: its end of our old
 * link is gone, so dial it again. */
static void check_sessions(rt *r)
{
    for (uint32_t i = 0; i < r->genesis->n_validators; i++) {
        uint64_t sid;
        if (i == r->self || luxc_zserver_session(r->server, (int)i, &sid) != LUXC_OK)
            continue;
        if (r->sessions[i] && r->sessions[i] != sid) {
            char name[2 * sizeof r->genesis->validators[i].name + 4];
            luxc_log(&r->log, LUXC_LOG_INFO, "peer reconnected; redialling", "peer=%s",
                     luxc_logfmt_value(name, sizeof name, r->genesis->validators[i].name));
            luxc_links_drop(r->links, i);
        }
        r->sessions[i] = sid;
    }
}

static void drain_submit(rt *r)
{
    for (int i = 0; i < 1024; i++) {
        int n = zmq_recv(r->submit, r->buf, LUXC_TX_MAX + 1, ZMQ_DONTWAIT); /* size, even if cut */
        if (n < 0)
            return;
        /* oversized (truncated by zmq_recv) and empty ones are counted */
        (void)luxc_node_submit_tx(r->node, r->buf, n > (int)LUXC_TX_MAX ? 0 : (size_t)n);
    }
}

static void generate_load(rt *r, uint64_t now_us)
{
    if (!r->opts->load_tps)
        return;
    uint64_t due = (now_us - r->start_us) * r->opts->load_tps / 1000000u;
    size_t size = r->opts->load_tx_bytes ? r->opts->load_tx_bytes : 128;
    if (size > LUXC_TX_MAX)
        size = LUXC_TX_MAX;
    uint8_t tx[LUXC_TX_MAX];
    for (; r->load_sent < due; r->load_sent++) {
        memset(tx, 0, size);
        memcpy(tx, &r->self, sizeof r->self);
        uint64_t seq = ++r->load_seq;
        memcpy(tx + 4, &seq, size >= 12 ? sizeof seq : size - 4);
        (void)luxc_node_submit_tx(r->node, tx, size);
    }
}

static int loop(rt *r)
{
    uint64_t next_tick = 0, last_pub = 0, last_sessions = 0;
    for (;;) {
        uint64_t now = wall_us();
        if (now >= next_tick) {
            luxc_links_poll(r->links);
            generate_load(r, now);
            int trc = luxc_node_tick(r->node, now, &next_tick);
            if (trc != LUXC_OK) {
                luxc_log(&r->log, LUXC_LOG_ERROR, "stopping: the store failed",
                         "error=\"%s\"", luxc_strerror(trc));
                return 1;
            }
        }
        if (now >= last_sessions + 100000) {
            check_sessions(r);
            luxc_log_limit_flush(r->limit); /* what a window held back */
            last_sessions = now;
        }
        if (now >= last_pub + 100000) {
            publish(r, now);
            last_pub = now;
        }
        if (r->opts->stop_height) {
            luxc_node_status st;
            luxc_node_status_get(r->node, &st);
            if (st.height >= r->opts->stop_height)
                return 0;
        }
        /* zmq_poll counts milliseconds: round up so a due timer is not
         * missed, and look at links, sessions and status every 20 ms */
        long timeout = next_tick > now ? (long)((next_tick - now + 999) / 1000) : 0;
        if (timeout > 20)
            timeout = 20;
        zmq_pollitem_t items[4] = {
            {luxc_zserver_socket(r->server), 0, ZMQ_POLLIN, 0},
            {NULL, r->sigfd, ZMQ_POLLIN, 0},
            {NULL, luxc_node_event_fd(r->node), ZMQ_POLLIN, 0},
            {r->submit, 0, ZMQ_POLLIN, 0},
        };
        int rc = zmq_poll(items, r->submit ? 4 : 3, timeout);
        if (rc < 0 && zmq_errno() != EINTR)
            return 1;
        if (items[1].revents & ZMQ_POLLIN) {
            struct signalfd_siginfo si;
            if (read(r->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
                luxc_log(&r->log, LUXC_LOG_INFO, "stopping", "signal=%u", si.ssi_signo);
                return 0;
            }
        }
        if (items[2].revents & ZMQ_POLLIN)
            next_tick = 0; /* the worker finished something */
        if (r->submit && (items[3].revents & ZMQ_POLLIN))
            drain_submit(r);
        for (int i = 0; i < 4096; i++) { /* bounded: timers must run too */
            int peer;
            size_t len;
            int rr = luxc_zserver_recv(r->server, &peer, r->buf, RECV_MAX, &len, 0);
            if (rr == LUXC_EAGAIN || rr == LUXC_EIO)
                break;
            if (rr != LUXC_OK)
                continue;
            now = wall_us();
            if ((uint32_t)peer < r->genesis->n_validators)
                r->heard_us[peer] = now;
            luxc_node_receive(r->node, (uint32_t)peer, r->buf, len, now);
            next_tick = now; /* react at once */
        }
    }
}

/* What a node reads before it binds anything: its configuration, the
 * genesis, its place in it, its keys (which must be that validator's) and
 * the consensus parameters. Shared by start-up and `luxc node --check`, so
 * that a folder that passes the check gets past these steps at start. */
static int load_files(rt *r, char *err, size_t errlen)
{
    const luxc_run_opts *o = r->opts;
    char msg[512] = "";
    int rc = luxc_node_config_load(&r->cfg, o->config_path, msg, sizeof msg);
    if (rc)
        return luxc_errf(err, errlen, rc, "%s", msg);
    luxc_logger_init(&r->log, 2, r->cfg.log_level, NULL);
    char tag[80];
    snprintf(tag, sizeof tag, "node=%s", r->cfg.name);
    luxc_logger_init(&r->log, 2, r->cfg.log_level, tag);
    luxc_log_limit_cfg lc = {.logger = &r->log};
    if (luxc_log_limit_new(&r->limit, &lc) != LUXC_OK)
        r->limit = NULL; /* lines then go out unlimited: still logged */
    if ((rc = luxc_genesis_load(&r->genesis, r->cfg.genesis_path, msg, sizeof msg)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "%s", msg);
    long self = luxc_genesis_find(r->genesis, r->cfg.name);
    if (self < 0)
        return luxc_errf(err, errlen, LUXC_ENOTMEMBER, "%s: name: \"%s\" is not a validator in %s",
                    o->config_path, r->cfg.name, r->cfg.genesis_path);
    r->self = (uint32_t)self;
    if ((rc = luxc_crypto_init()) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "crypto: %s", luxc_strerror(rc));
    if ((rc = luxc_keys_load(r->cfg.key_dir, &r->keys, msg, sizeof msg)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "%s", msg);
    const luxc_genesis_validator *me = &r->genesis->validators[r->self];
    if (memcmp(r->keys.pk, me->ed25519_pk, LUXC_ED25519_PUBLICKEYBYTES) != 0 ||
        memcmp(r->keys.pk + LUXC_ED25519_PUBLICKEYBYTES, me->mldsa65_pk,
               LUXC_MLDSA_PUBLICKEYBYTES) != 0)
        return luxc_errf(err, errlen, LUXC_EAUTH,
                    "%s: key_dir holds other keys than validator %s's in the genesis",
                    o->config_path, r->cfg.name);
    return make_params(r, err, errlen);
}

static int start(rt *r, char *err, size_t errlen)
{
    const luxc_run_opts *o = r->opts;
    int rc = load_files(r, err, errlen);
    if (rc != LUXC_OK)
        return rc;
    uint8_t chain[32];
    if (luxc_chain_id_hash(chain, r->genesis->chain_id) != LUXC_OK)
        return luxc_errf(err, errlen, LUXC_ECRYPTO, "cannot hash the chain id");
    luxc_store_cfg sc = {.path = r->cfg.data_dir, .chain_id = chain,
                         .flags = LUXC_STORE_CREATE | (o->store_nosync ? LUXC_STORE_NOSYNC : 0),
                         .log = store_log, .log_ctx = r};
    if ((rc = luxc_store_new(&r->store, &sc, err, errlen)) != LUXC_OK)
        return rc;
    if ((rc = luxc_node_ai_new(&r->ai, r->cfg.name, r->genesis, r->store)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "model: %s", luxc_strerror(rc));
    if (r->limit)
        luxc_node_ai_set_log(r->ai, luxc_log_limit_sink, r->limit);
    else
        luxc_node_ai_set_log(r->ai, luxc_logger_sink, &r->log);
    r->buf = malloc(RECV_MAX);
    r->sessions = calloc(r->genesis->n_validators, sizeof *r->sessions);
    r->heard_us = calloc(r->genesis->n_validators, sizeof *r->heard_us);
    if (!r->buf || !r->sessions || !r->heard_us)
        return luxc_errf(err, errlen, LUXC_ENOMEM, "out of memory");
    if ((rc = open_net(r, err, errlen)) != LUXC_OK)
        return rc;
    luxc_node_cfg nc;
    memset(&nc, 0, sizeof nc);
    nc.genesis = r->genesis;
    nc.self = r->self;
    nc.keys = &r->keys;
    nc.params = r->params;
    nc.store = r->store;
    nc.io = (luxc_node_io){io_send, r};
    nc.model = luxc_node_ai_hook(r->ai);
    nc.on_final = on_final;
    nc.on_final_ctx = r;
    nc.log = r->limit ? luxc_log_limit_sink : luxc_logger_sink;
    nc.log_ctx = r->limit ? (void *)r->limit : (void *)&r->log;
    nc.log_level = r->log.level;
    nc.behaviour = o->behaviour;
    nc.async = 1;
    if ((rc = luxc_node_new(&r->node, &nc)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "node: %s", luxc_strerror(rc));
    if (r->cfg.metrics[0] && (rc = luxc_status_metrics_new(&r->metrics)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "metrics: %s", luxc_strerror(rc));
    if (r->cfg.metrics[0] &&
        (rc = luxc_http_server_new(&r->http, r->cfg.metrics, http_handler, r)) != LUXC_OK)
        return luxc_errf(err, errlen, rc, "%s: metrics \"%s\": %s", o->config_path, r->cfg.metrics,
                    luxc_strerror(rc));
    return LUXC_OK;
}

static void stop(rt *r)
{
    luxc_http_server_free(r->http); /* first: its thread reads r->pub */
    luxc_status_metrics_free(r->metrics);
    if (r->node && r->ai) {
        luxc_node_status st;
        luxc_node_status_get(r->node, &st);
        if (luxc_node_ai_save(r->ai, st.height) != LUXC_OK)
            luxc_log(&r->log, LUXC_LOG_WARN, "model weights not saved", NULL);
    }
    luxc_node_free(r->node);
    luxc_links_free(r->links);
    luxc_zserver_free(r->server);
    if (r->submit)
        zmq_close(r->submit);
    if (r->zctx)
        zmq_ctx_term(r->zctx);
    luxc_valset_free(r->valset);
    luxc_node_ai_free(r->ai);
    luxc_store_free(r->store);
    luxc_genesis_free(r->genesis);
    luxc_keypair_wipe(&r->keys);
    free(r->buf);
    free(r->sessions);
    free(r->heard_us);
    luxc_log_limit_free(r->limit); /* last: it says what it still held */
    r->limit = NULL;
}

int luxc_node_check(const char *config_path, char *summary, size_t slen, char *err,
                    size_t errlen)
{
    if (!config_path)
        return luxc_errf(err, errlen, LUXC_EINVAL, "no configuration file given");
    luxc_run_opts o = {.config_path = config_path};
    rt r;
    memset(&r, 0, sizeof r);
    r.opts = &o;
    int rc = load_files(&r, err, errlen);
    if (rc == LUXC_OK && summary && slen)
        snprintf(summary, slen, "validator %s of chain %s (%zu validators), listen %s, keys match",
                 r.cfg.name, r.genesis->chain_id, r.genesis->n_validators, r.cfg.listen);
    luxc_keypair_wipe(&r.keys); /* as stop() does: safe on keys never loaded */
    luxc_genesis_free(r.genesis);
    luxc_log_limit_free(r.limit);
    return rc;
}

int luxc_node_run(const luxc_run_opts *o, char *err, size_t errlen)
{
    if (!o || !o->config_path)
        return luxc_errf(err, errlen, 1, "no configuration file given");
    rt r;
    memset(&r, 0, sizeof r);
    r.opts = o;
    pthread_mutex_init(&r.status_mu, NULL);
    r.start_us = wall_us();
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    /* block before any thread starts so that every thread inherits it */
    pthread_sigmask(SIG_BLOCK, &mask, NULL);
    r.sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    int status = 1;
    if (r.sigfd < 0) {
        luxc_errf(err, errlen, 1, "signalfd: %s", strerror(errno));
    } else if (start(&r, err, errlen) == LUXC_OK) {
        publish(&r, wall_us());
        char listen[2 * sizeof r.cfg.listen + 4], metrics[2 * sizeof r.cfg.metrics + 4];
        luxc_log(&r.log, LUXC_LOG_INFO, "started",
                 "validators=%zu listen=%s metrics=%s height=%llu", r.genesis->n_validators,
                 luxc_logfmt_value(listen, sizeof listen, r.cfg.listen),
                 luxc_logfmt_value(metrics, sizeof metrics, r.cfg.metrics[0] ? r.cfg.metrics : "-"),
                 (unsigned long long)r.pub.st.height);
        status = loop(&r);
        publish(&r, wall_us());
        luxc_log(&r.log, LUXC_LOG_INFO, "stopped", "height=%llu",
                 (unsigned long long)r.pub.st.height);
    }
    stop(&r);
    if (r.sigfd >= 0)
        close(r.sigfd);
    pthread_mutex_destroy(&r.status_mu);
    return status;
}
