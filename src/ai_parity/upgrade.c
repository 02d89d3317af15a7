/* upgrade.c - ShouldUpgrade: ask a pluggable oracle whether a chain should
 * upgrade, from the registry's view of it, and log the answer.
 * Owns: the chain feature schema, the question text, the model-backed
 * oracle, the logfmt fields of its log events. The registry lock is held
 * only while copying the chain's summary (luxc_ai_registry_lookup); the
 * oracle and the log function run unlocked.
 * Not here: the node's vote on an upgrade proposal, which does not come
 * from this file: src/daemon/node_model.c asks a luxc_ai_model over the
 * upgrade extractor directly. Nothing in the node calls ShouldUpgrade;
 * the ShouldUpgrade benchmark and tests/ai_parity/test_upgrade.c do.
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h). */
#include "luxc/ai_registry.h"

#include <math.h>
#include <string.h>
#include <time.h>

static const char *const chain_names[] = {"height",          "tps",
                                          "latency_ms",      "fault_rate",
                                          "upgrade_needed",  "issue_count",
                                          "validator_count", "seconds_since_seen"};

int luxc_ai_extract_chain(const luxc_ai_chain_summary *c, int64_t now_ns, double out[8])
{
    if (c == NULL || out == NULL)
        return LUXC_EINVAL;
    out[0] = (double)c->height;
    out[1] = c->perf.tps;
    out[2] = (double)c->perf.latency_ms;
    out[3] = c->perf.fault_rate;
    out[4] = c->perf.upgrade_needed ? 1.0 : 0.0;
    out[5] = (double)c->n_issues;
    out[6] = (double)c->n_validators;
    /* the age in integers first: as doubles, two epoch-nanosecond times
     * keep only ~256 ns of precision, and a 2.5 s age could come out as
     * 2.500000256 s (a test failed on some clock readings) */
    int64_t age = now_ns >= c->last_seen_ns ? now_ns - c->last_seen_ns
                                            : -(int64_t)(c->last_seen_ns - now_ns);
    out[7] = (double)age / 1e9;
    return LUXC_OK;
}

static int ex_chain(const void *in, int64_t now_ns, double *out)
{
    return luxc_ai_extract_chain(in, now_ns, out);
}

const luxc_ai_extractor luxc_ai_extractor_chain = {8, chain_names, ex_chain, 0};

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void copy_str(char *dst, size_t cap, const char *src)
{
    size_t l = strnlen(src, cap - 1);
    memcpy(dst, src, l);
    dst[l] = '\0';
}

static int model_oracle(void *ctx, const char *question, size_t qlen,
                        const luxc_ai_chain_summary *chain, const double *x, size_t n,
                        luxc_ai_verdict *out)
{
    (void)question;
    (void)qlen;
    (void)chain;
    luxc_ai_model *m = ctx;
    double s, c;
    int rc = luxc_ai_model_score(m, x, n, &s, &c);
    if (rc != LUXC_OK)
        return rc;
    int up = s >= 0.0;
    copy_str(out->action, sizeof out->action, up ? "upgrade" : "hold");
    out->confidence = up ? c : 1.0 - c;
    out->reasoning[0] = '\0';
    out->timestamp_ns = realtime_ns();
    return LUXC_OK;
}

luxc_ai_oracle luxc_ai_oracle_from_model(luxc_ai_model *m)
{
    luxc_ai_oracle o = {model_oracle, m};
    return o;
}

/* Fields of one log event: logfmt "key=value" pairs built in place, cut
 * (never overrun) if they would not fit. Sized for the longest event: a
 * 64-byte chain id, a 31-byte action or an error text, all escaped. */
typedef struct fields {
    char s[400];
    size_t n;
} fields;

/* n bytes, or as many as leave room for the final NUL (end()). */
static inline void put_mem(fields *f, const char *p, size_t n)
{
    size_t room = sizeof f->s - 1 - f->n;
    if (n > room)
        n = room;
    memcpy(f->s + f->n, p, n);
    f->n += n;
}

static const char *end(fields *f)
{
    f->s[f->n] = '\0';
    return f->s;
}

/* 1 for the bytes a logfmt value cannot hold unquoted. */
static int needs_quote(unsigned char c)
{
    return c <= ' ' || c == '"' || c == '=' || c == '\\' || c == 0x7f;
}

/* " key=value" (key with its '=' and leading space, as a literal), the
 * value quoted when logfmt needs it (see luxc_ai_should_upgrade in
 * luxc/ai_registry.h). A plain value is copied as it is scanned, in one
 * pass with no library call (the ShouldUpgrade benchmark logs every
 * call); one that needs quotes is then rewritten. Inline, so the key's
 * copy has a constant size. */
static inline void put_kv(fields *f, const char *key, size_t key_len, const char *v)
{
    put_mem(f, key, key_len);
    size_t start = f->n, room = sizeof f->s - 1 - f->n, n = 0;
    int quote = v[0] == '\0';
    for (; v[n] != '\0' && n < room; n++) {
        quote |= needs_quote((unsigned char)v[n]);
        f->s[start + n] = v[n];
    }
    f->n = start + n;
    if (!quote)
        return;
    f->n = start;
    put_mem(f, "\"", 1);
    for (size_t i = 0; v[i] != '\0'; i++) {
        unsigned char c = (unsigned char)v[i];
        if (c == '"' || c == '\\')
            put_mem(f, "\\", 1);
        char o = c < ' ' || c == 0x7f ? '?' : (char)c;
        put_mem(f, &o, 1);
    }
    put_mem(f, "\"", 1);
}

#define PUT_KV(f, key, v) put_kv((f), key, sizeof key - 1, (v))

/* confidence (in [0, 1], checked) with 3 decimals, without printf. */
static void put_conf(fields *f, double c)
{
    unsigned milli = (unsigned)(c * 1000.0 + 0.5);
    char v[5] = {(char)('0' + milli / 1000), '.', (char)('0' + milli / 100 % 10),
                 (char)('0' + milli / 10 % 10), (char)('0' + milli % 10)};
    put_mem(f, " confidence=", 12);
    put_mem(f, v, sizeof v);
}

int luxc_ai_should_upgrade(luxc_ai_registry *r, const char *chain_id,
                           const luxc_ai_oracle *oracle, luxc_log_fn log, void *log_ctx,
                           luxc_ai_verdict *out)
{
    static const char q1[] = "Should chain ";
    static const char q2[] = " upgrade based on current performance and issues?";
    if (r == NULL || chain_id == NULL || oracle == NULL || oracle->decide == NULL ||
        out == NULL)
        return LUXC_EINVAL;
    luxc_ai_chain_summary c;
    int rc = luxc_ai_registry_lookup(r, chain_id, &c);
    if (rc != LUXC_OK)
        return rc;
    double x[LUXC_AI_CHAIN_FEATURES];
    (void)luxc_ai_extract_chain(&c, luxc_ai_registry_now(r), x);
    char q[sizeof q1 + LUXC_AI_CHAIN_ID_MAX + sizeof q2];
    size_t il = strlen(c.chain_id), ql = 0;
    memcpy(q, q1, sizeof q1 - 1);
    ql += sizeof q1 - 1;
    memcpy(q + ql, c.chain_id, il);
    ql += il;
    memcpy(q + ql, q2, sizeof q2); /* with the NUL */
    ql += sizeof q2 - 1;

    memset(out->action, 0, sizeof out->action);
    rc = oracle->decide(oracle->ctx, q, ql, &c, x, LUXC_AI_CHAIN_FEATURES, out);
    if (rc == LUXC_OK && !(out->confidence >= 0.0 && out->confidence <= 1.0))
        rc = LUXC_ERANGE;
    if (rc != LUXC_OK) {
        if (rc > 0)
            rc = LUXC_EINVAL; /* an oracle must return 0 or a LUXC_E* code */
        if (log) {
            fields f;
            f.n = 0;
            PUT_KV(&f, "chain=", c.chain_id);
            PUT_KV(&f, " err=", luxc_strerror(rc));
            log(log_ctx, LUXC_LOG_ERROR, "upgrade decision failed", end(&f));
        }
        return rc;
    }
    out->action[LUXC_AI_ACTION_MAX] = '\0';
    if (log) {
        fields f;
        f.n = 0;
        PUT_KV(&f, "chain=", c.chain_id);
        PUT_KV(&f, " action=", out->action);
        put_conf(&f, out->confidence);
        log(log_ctx, LUXC_LOG_INFO, "upgrade decision", end(&f));
    }
    return LUXC_OK;
}
