/* upgrade.c - ShouldUpgrade: ask a pluggable oracle whether a chain should
 * upgrade, from the registry's view of it, and log the answer.
 * Owns: the chain feature schema, the question text, the model-backed
 * oracle. The registry lock is held only while copying the chain's
 * summary (luxc_ai_registry_lookup); the oracle and logger run unlocked.
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
    out[7] = ((double)now_ns - (double)c->last_seen_ns) / 1e9;
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

int luxc_ai_should_upgrade(luxc_ai_registry *r, const char *chain_id,
                           const luxc_ai_oracle *oracle, const luxc_ai_logger *log,
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
        if (log && log->log)
            log->log(log->ctx, 2, "upgrade decision failed", c.chain_id, luxc_strerror(rc),
                     0.0);
        return rc;
    }
    out->action[LUXC_AI_ACTION_MAX] = '\0';
    if (log && log->log)
        log->log(log->ctx, 0, "upgrade decision", c.chain_id, out->action, out->confidence);
    return LUXC_OK;
}
