/* test_upgrade.c - ShouldUpgrade: unknown chain, the question and features
 * the oracle sees, logging, oracle errors, the model-backed oracle, and
 * that oracle and logger run without the registry lock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <time.h>

#include <cmocka.h>

#include "luxc/ai_registry.h"
#include "testutil.h"

typedef struct seen {
    int calls;
    char question[256];
    size_t qlen;
    double x[LUXC_AI_CHAIN_FEATURES];
    int rc;
    double conf;
    luxc_ai_registry *reenter; /* if set, the oracle calls into it */
} seen;

static int oracle(void *ctx, const char *q, size_t ql, const luxc_ai_chain_summary *c,
                  const double *x, size_t n, luxc_ai_verdict *out)
{
    seen *s = ctx;
    s->calls++;
    memcpy(s->question, q, ql + 1);
    s->qlen = ql;
    memcpy(s->x, x, n * sizeof *x);
    (void)c;
    if (s->reenter) {
        /* Would deadlock if the registry lock were held. */
        if (luxc_ai_registry_update(s->reenter, "other", 1, "h", NULL, 0, NULL) != LUXC_OK)
            return LUXC_ESTATE;
    }
    if (s->rc != LUXC_OK)
        return s->rc;
    memcpy(out->action, "proceed", 8);
    out->confidence = s->conf;
    return LUXC_OK;
}

typedef struct logs {
    int n;
    luxc_log_level level;
    char msg[64], fields[512];
    luxc_ai_registry *reenter;
} logs;

static void logger(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    logs *l = ctx;
    l->n++;
    l->level = level;
    snprintf(l->msg, sizeof l->msg, "%s", event);
    snprintf(l->fields, sizeof l->fields, "%s", fields);
    if (l->reenter)
        (void)luxc_ai_registry_update(l->reenter, "from-logger", 1, "h", NULL, 0, NULL);
}

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static void test_should_upgrade(void **state)
{
    (void)state;
    luxc_ai_registry *r;
    assert_int_equal(luxc_ai_registry_new(&r, NULL), LUXC_OK);
    seen s = {.conf = 0.85};
    logs l = {0};
    luxc_ai_oracle o = {oracle, &s};
    luxc_ai_verdict v;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_ENOTFOUND);
    assert_int_equal(s.calls, 0);
    assert_int_equal(l.n, 0);

    luxc_ai_perf p = {.tps = 500, .latency_ms = 200, .fault_rate = 0.05, .upgrade_needed = 1};
    const char *vals[] = {"a", "b"};
    assert_int_equal(luxc_ai_registry_update(r, "chain-1", 1000, "hash", vals, 2, &p), LUXC_OK);
    const char *iss[] = {"slow", "forks", "stalls"};
    assert_int_equal(luxc_ai_registry_set_issues(r, "chain-1", iss, 3), LUXC_OK);
    int64_t before = now_ns();
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_OK);
    int64_t after = now_ns();
    assert_string_equal(s.question,
                        "Should chain chain-1 upgrade based on current performance and issues?");
    assert_int_equal(s.qlen, strlen(s.question));
    assert_true(s.x[0] == 1000 && s.x[1] == 500 && s.x[2] == 200 && s.x[3] == 0.05);
    assert_true(s.x[4] == 1 && s.x[5] == 3 && s.x[6] == 2);
    /* Age of last_seen on the coarse clock: a few ticks at most, but the
     * machine may be loaded, so only a loose upper bound. */
    assert_true(s.x[7] >= 0 && s.x[7] <= (double)(after - before) / 1e9 + 10.0);
    assert_string_equal(v.action, "proceed");
    assert_true(v.confidence == 0.85);
    assert_int_equal(l.n, 1);
    assert_int_equal(l.level, LUXC_LOG_INFO);
    assert_string_equal(l.msg, "upgrade decision");
    assert_string_equal(l.fields, "chain=chain-1 action=proceed confidence=0.850");
    /* No logger is fine. */
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, NULL, NULL, &v), LUXC_OK);

    /* Oracle failure: returned and logged at error level. */
    s.rc = LUXC_EIO;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_EIO);
    assert_int_equal(l.level, LUXC_LOG_ERROR);
    assert_string_equal(l.msg, "upgrade decision failed");
    assert_string_equal(l.fields, "chain=chain-1 err=\"I/O error\"");
    s.rc = 5; /* not a LUXC_E* code */
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_EINVAL);
    s.rc = LUXC_OK;
    s.conf = 1.5;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_ERANGE);
    s.conf = NAN;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_ERANGE);
    s.conf = 0.5;

    /* logfmt: a chain id that needs quoting, confidence at the ends. */
    assert_int_equal(luxc_ai_registry_update(r, "a \"b\\c=\x01", 1, "h", NULL, 0, NULL),
                     LUXC_OK);
    assert_int_equal(luxc_ai_should_upgrade(r, "a \"b\\c=\x01", &o, logger, &l, &v), LUXC_OK);
    assert_string_equal(l.fields, "chain=\"a \\\"b\\\\c=?\" action=proceed confidence=0.500");
    s.conf = 1.0;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_OK);
    assert_string_equal(l.fields, "chain=chain-1 action=proceed confidence=1.000");
    s.conf = 0.0;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_OK);
    assert_string_equal(l.fields, "chain=chain-1 action=proceed confidence=0.000");
    s.conf = 0.0004999;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_OK);
    assert_string_equal(l.fields, "chain=chain-1 action=proceed confidence=0.000");
    s.conf = 0.5;

    /* Oracle and logger may call back into the registry: no lock held. */
    s.reenter = r;
    l.reenter = r;
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, &v), LUXC_OK);
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "other", &c), LUXC_OK);
    assert_int_equal(luxc_ai_registry_lookup(r, "from-logger", &c), LUXC_OK);

    /* Bad input. */
    assert_int_equal(luxc_ai_should_upgrade(NULL, "chain-1", &o, logger, &l, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_should_upgrade(r, NULL, &o, logger, &l, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_should_upgrade(r, "", &o, logger, &l, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", NULL, logger, &l, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &o, logger, &l, NULL), LUXC_EINVAL);
    luxc_ai_oracle none = {NULL, NULL};
    assert_int_equal(luxc_ai_should_upgrade(r, "chain-1", &none, logger, &l, &v), LUXC_EINVAL);
    luxc_ai_registry_free(r);
}

static void test_model_backed_oracle(void **state)
{
    (void)state;
    luxc_ai_registry *r;
    assert_int_equal(luxc_ai_registry_new(&r, NULL), LUXC_OK);
    luxc_ai_model_cfg cfg = {.node_id = "n1", .extractor = &luxc_ai_extractor_chain};
    luxc_ai_model *m;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    assert_int_equal(luxc_ai_model_feature_index(m, "upgrade_needed"), 4);
    double w[8] = {0, 0, 0, 0, 2.0, 0, 0, 0};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 8, -1.0), LUXC_OK);
    luxc_ai_oracle o = luxc_ai_oracle_from_model(m);
    luxc_ai_perf p = {.tps = 10, .upgrade_needed = 1};
    assert_int_equal(luxc_ai_registry_update(r, "a", 1, "h", NULL, 0, &p), LUXC_OK);
    p.upgrade_needed = 0;
    assert_int_equal(luxc_ai_registry_update(r, "b", 1, "h", NULL, 0, &p), LUXC_OK);
    luxc_ai_verdict v;
    assert_int_equal(luxc_ai_should_upgrade(r, "a", &o, NULL, NULL, &v), LUXC_OK);
    assert_string_equal(v.action, "upgrade"); /* score 2 - 1 = 1 */
    assert_true(fabs(v.confidence - 1.0 / (1.0 + exp(-1.0))) < 1e-14);
    assert_int_equal(luxc_ai_should_upgrade(r, "b", &o, NULL, NULL, &v), LUXC_OK);
    assert_string_equal(v.action, "hold"); /* score -1 */
    assert_true(fabs(v.confidence - (1.0 - 1.0 / (1.0 + exp(1.0)))) < 1e-14);
    /* Features straight from a summary. */
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "a", &c), LUXC_OK);
    double x[8];
    assert_int_equal(luxc_ai_extract_chain(&c, c.last_seen_ns + 2500000000LL, x), LUXC_OK);
    assert_true(x[1] == 10 && x[4] == 1 && x[7] == 2.5);
    /* the age is exact at any epoch time (as doubles, two such times keep
     * only ~256 ns of precision) */
    c.last_seen_ns = 1764000000123457664LL;
    assert_int_equal(luxc_ai_extract_chain(&c, c.last_seen_ns + 2500000000LL, x), LUXC_OK);
    assert_true(x[7] == 2.5);
    assert_int_equal(luxc_ai_extract_chain(NULL, 0, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_extract_chain(&c, 0, NULL), LUXC_EINVAL);
    /* A model with the wrong schema: the oracle reports LUXC_EINVAL. */
    luxc_ai_model_cfg cfg2 = {.node_id = "n1", .extractor = &luxc_ai_extractor_block_basic};
    luxc_ai_model *m2;
    assert_int_equal(luxc_ai_model_new(&m2, &cfg2), LUXC_OK);
    luxc_ai_oracle o2 = luxc_ai_oracle_from_model(m2);
    assert_int_equal(luxc_ai_should_upgrade(r, "a", &o2, NULL, NULL, &v), LUXC_EINVAL);
    luxc_ai_model_free(m2);
    luxc_ai_model_free(m);
    luxc_ai_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_should_upgrade),
        cmocka_unit_test(test_model_backed_oracle),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
