/* test_model.c - the logistic model: the SPEC section 3 decide case, the
 * reasoning text, one learn step's exact deltas, the history ring,
 * validation, gradient updates, batch decide, merging, bad input and
 * allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>

#include <cmocka.h>

#include "luxc/ai_model.h"
#include "testutil.h"

static int64_t fixed_clock(void *ctx) { return *(const int64_t *)ctx; }
static int64_t clock_value = 1700000000123456789LL;

static const luxc_ai_block spec_block = {
    .height = 100, .tx_count = 10, .size = 2048, .gas_used = 50000};

static luxc_ai_model *new_basic(size_t history_cap, int normalize)
{
    luxc_ai_model_cfg cfg = {.node_id = "node-1",
                             .extractor = &luxc_ai_extractor_block_basic,
                             .history_cap = history_cap,
                             .normalize = normalize,
                             .clock = fixed_clock,
                             .clock_ctx = &clock_value};
    luxc_ai_model *m = NULL;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    assert_non_null(m);
    return m;
}

static void set_w(luxc_ai_model *m, double h, double tx, double sz, double gas, double bias)
{
    double w[4] = {h, tx, sz, gas};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, bias), LUXC_OK);
}

/* SPEC section 3: w[tx_count] = 1, bias .5, block {100, 10 txs, 2048,
 * 50000} -> score 10.5, approve, confidence sigmoid(10.5). */
static void test_spec_decide_case(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    set_w(m, 0, 1.0, 0, 0, 0.5);
    luxc_ai_decision d;
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    assert_true(d.score == 10.5);
    assert_int_equal(d.action, LUXC_AI_APPROVE);
    assert_true(fabs(d.confidence - 1.0 / (1.0 + exp(-10.5))) < 1e-15);
    assert_string_equal(d.reasoning,
                        "Decision to approve based on score 10.500. Key factors: [tx_count(10.00)]");
    assert_int_equal(d.reasoning_len, strlen(d.reasoning));
    assert_int_equal(d.key_factors, 1u << 1);
    assert_string_equal(d.proposer, "node-1");
    assert_true(d.timestamp_ns == clock_value);
    assert_int_equal(strlen(d.id), 16);
    for (int i = 0; i < 16; i++)
        assert_non_null(strchr("0123456789abcdef", d.id[i]));
    assert_string_equal(luxc_ai_action_name(d.action), "approve");
    luxc_ai_model_free(m);
}

static void test_decide_reject_and_factors(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    luxc_ai_decision d;
    /* Reference TestSimpleModelDecide_RejectAction: -10 - 10 = -20. */
    set_w(m, 0, -1.0, 0, 0, -10.0);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    assert_int_equal(d.action, LUXC_AI_REJECT);
    assert_true(d.score == -20.0);
    assert_true(fabs(d.confidence - 1.0 / (1.0 + exp(20.0))) < 1e-22);
    assert_string_equal(d.reasoning,
                        "Decision to reject based on score -20.000. Key factors: [tx_count(10.00)]");
    /* Two factors in schema order; 0.0009 * 100 = 0.09 is below 0.1. */
    set_w(m, 0.5, 1.0, 0, 0, 0.1);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    assert_string_equal(
        d.reasoning,
        "Decision to approve based on score 60.100. Key factors: [height(50.00) tx_count(10.00)]");
    set_w(m, 0.0009, 0, 0.0001, 0, 0);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    /* 0.09 + 0.2048 = 0.2948; only size (0.2048 > 0.1) is listed */
    assert_string_equal(d.reasoning,
                        "Decision to approve based on score 0.295. Key factors: [size(0.20)]");
    assert_int_equal(d.key_factors, 1u << 2);
    /* Zero model: score 0 approves (score >= 0), no factors. */
    set_w(m, 0, 0, 0, 0, 0);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    assert_int_equal(d.action, LUXC_AI_APPROVE);
    assert_true(d.confidence == 0.5);
    assert_string_equal(d.reasoning, "Decision to approve based on score 0.000. Key factors: []");
    /* Large values take the printf path and still match it. */
    set_w(m, 0, 0, 0, 1e10, 0);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    char want[LUXC_AI_REASONINGBYTES];
    snprintf(want, sizeof want,
             "Decision to approve based on score %.3f. Key factors: [gas_used(%.2f)]",
             5e14, 5e14);
    assert_string_equal(d.reasoning, want);
    luxc_ai_model_free(m);
}

/* The hand-rolled "%.3f"/"%.2f" must agree with printf everywhere. */
static void test_reasoning_numbers_match_printf(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    uint64_t seed = luxc_test_seed(), st = seed;
    luxc_ai_decision d;
    for (int i = 0; i < 20000; i++) {
        uint64_t r = luxc_test_rand(&st);
        double bias = ((double)(int64_t)(r >> 20) / 4294967296.0) / (double)(1 + (r & 1023));
        if (i % 7 == 0)
            bias = (double)(int64_t)(r % 2000001 - 1000000) / 2000.0; /* ties like x.0005 */
        double wtx = bias / 3.0;
        set_w(m, 0, wtx, 0, 0, bias);
        assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
        char want[LUXC_AI_REASONINGBYTES], f[64];
        double infl = fabs(wtx * 10.0);
        if (infl > 0.1)
            snprintf(f, sizeof f, "tx_count(%.2f)", infl);
        else
            f[0] = '\0';
        snprintf(want, sizeof want, "Decision to %s based on score %.3f. Key factors: [%s]",
                 d.score >= 0 ? "approve" : "reject", d.score, f);
        if (strcmp(want, d.reasoning) != 0)
            LUXC_TEST_FAIL_SEED(seed, "'%s' vs '%s'", d.reasoning, want);
    }
    luxc_ai_model_free(m);
}

/* A schema of 16 long names with huge weights: the text is cut, never
 * overflows, and ends with "...]". */
static const char *const long_names[16] = {
    "feature_name_number_00_abcdefgh", "feature_name_number_01_abcdefgh",
    "feature_name_number_02_abcdefgh", "feature_name_number_03_abcdefgh",
    "feature_name_number_04_abcdefgh", "feature_name_number_05_abcdefgh",
    "feature_name_number_06_abcdefgh", "feature_name_number_07_abcdefgh",
    "feature_name_number_08_abcdefgh", "feature_name_number_09_abcdefgh",
    "feature_name_number_10_abcdefgh", "feature_name_number_11_abcdefgh",
    "feature_name_number_12_abcdefgh", "feature_name_number_13_abcdefgh",
    "feature_name_number_14_abcdefgh", "feature_name_number_15_abcdefgh"};

static int ex_ones(const void *in, int64_t now, double *out)
{
    (void)now;
    const double *v = in;
    for (int i = 0; i < 16; i++)
        out[i] = v[i];
    return LUXC_OK;
}

static void test_reasoning_cut(void **state)
{
    (void)state;
    luxc_ai_extractor ex = {16, long_names, ex_ones, 0};
    luxc_ai_model_cfg cfg = {.node_id = "n", .extractor = &ex};
    luxc_ai_model *m;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    double w[16], x[16];
    luxc_ai_decision d;
    for (int i = 0; i < 16; i++) {
        w[i] = 1e200;
        x[i] = 1e200;
    }
    assert_int_equal(luxc_ai_model_set_weights(m, w, 16, 0), LUXC_OK);
    assert_int_equal(luxc_ai_model_decide(m, x, &d), LUXC_ERANGE); /* overflow to inf */
    for (int i = 0; i < 16; i++)
        x[i] = 1e150;
    for (int i = 0; i < 16; i++)
        w[i] = i % 2 ? 1e150 : -1e150;
    assert_int_equal(luxc_ai_model_set_weights(m, w, 16, 0), LUXC_OK);
    assert_int_equal(luxc_ai_model_decide(m, x, &d), LUXC_OK);
    assert_true(d.reasoning_len < LUXC_AI_REASONINGBYTES);
    assert_int_equal(strlen(d.reasoning), d.reasoning_len);
    assert_string_equal(d.reasoning + d.reasoning_len - 4, "...]");
    assert_int_equal(d.key_factors, 0xffffu);
    assert_int_equal(luxc_ai_model_feature_index(m, "feature_name_number_15_abcdefgh"), 15);
    luxc_ai_model_free(m);
}

static void test_ids_unique(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    enum { N = 20000 };
    char(*ids)[LUXC_AI_DECISION_IDBYTES] = malloc(N * sizeof *ids);
    assert_non_null(ids);
    luxc_ai_decision d;
    for (int i = 0; i < N; i++) {
        assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
        memcpy(ids[i], d.id, sizeof d.id);
    }
    qsort(ids, N, sizeof *ids, (int (*)(const void *, const void *))strcmp);
    for (int i = 1; i < N; i++)
        assert_string_not_equal(ids[i - 1], ids[i]);
    free(ids);
    luxc_ai_model_free(m);
}

typedef struct id_thread {
    luxc_ai_model *m;
    char ids[5000][LUXC_AI_DECISION_IDBYTES];
} id_thread;

static void *decide_many(void *p)
{
    id_thread *t = p;
    luxc_ai_decision d;
    for (int i = 0; i < 5000; i++) {
        if (luxc_ai_model_decide(t->m, &spec_block, &d) != LUXC_OK)
            return p;
        memcpy(t->ids[i], d.id, sizeof d.id);
    }
    return NULL;
}

static void test_ids_unique_across_threads(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    id_thread *t = calloc(2, sizeof *t);
    assert_non_null(t);
    pthread_t th[2];
    for (int i = 0; i < 2; i++) {
        t[i].m = m;
        assert_int_equal(pthread_create(&th[i], NULL, decide_many, &t[i]), 0);
    }
    for (int i = 0; i < 2; i++) {
        void *rv;
        pthread_join(th[i], &rv);
        assert_null(rv);
    }
    char(*all)[LUXC_AI_DECISION_IDBYTES] = (void *)t[0].ids;
    static char merged[10000][LUXC_AI_DECISION_IDBYTES];
    memcpy(merged, all, sizeof t[0].ids);
    memcpy(merged[5000], t[1].ids, sizeof t[1].ids);
    qsort(merged, 10000, sizeof merged[0], (int (*)(const void *, const void *))strcmp);
    for (int i = 1; i < 10000; i++)
        assert_string_not_equal(merged[i - 1], merged[i]);
    free(t);
    luxc_ai_model_free(m);
}

/* One learn step on a fresh model: p = 0.5, target 1, err .5,
 * k = .5 * .5 * .5 = .125, w[f] += .01 * (.125 * x[f] * 1), bias += .00125. */
static void test_learn_one_step_exact(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    luxc_ai_example ex = {.input = &spec_block, .feedback = 1.0, .weight = 1.0};
    size_t learned = 99;
    assert_int_equal(luxc_ai_model_learn(m, &ex, 1, &learned), LUXC_OK);
    assert_int_equal(learned, 1);
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    const double x[4] = {100, 10, 2048, 50000};
    const double lr = 0.01, k = (1.0 - 0.5) * 0.5 * (1 - 0.5);
    for (int f = 0; f < 4; f++)
        assert_true(w[f] == lr * (k * x[f] * 1.0));
    assert_true(b == lr * (k * 1.0));
    /* The same by hand. */
    assert_true(fabs(w[0] - 0.125) < 1e-15 && fabs(w[1] - 0.0125) < 1e-15);
    assert_true(fabs(w[2] - 2.56) < 1e-14 && fabs(w[3] - 62.5) < 1e-12);
    assert_true(fabs(b - 0.00125) < 1e-17);

    /* Second step, feedback -0.5 (target .25), weight 2, from a vector. */
    const double x2[4] = {1, 2, 3, 4};
    luxc_ai_example ex2 = {.x = x2, .feedback = -0.5, .weight = 2.0};
    double s = b;
    for (int f = 0; f < 4; f++)
        s += w[f] * x2[f];
    double p = 1.0 / (1.0 + exp(-s));
    double k2 = (0.25 - p) * p * (1 - p);
    double we[4], be = b + lr * (k2 * 2.0);
    for (int f = 0; f < 4; f++)
        we[f] = w[f] + lr * (k2 * x2[f] * 2.0);
    assert_int_equal(luxc_ai_model_learn(m, &ex2, 1, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(fabs(w[f] - we[f]) <= 1e-15 * fabs(we[f]) + 1e-300);
    assert_true(fabs(b - be) <= 1e-15 * fabs(be));
    assert_true(luxc_ai_model_learning_rate(m) == 0.01);
    luxc_ai_model_free(m);
}

static void test_learn_batch_and_errors(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    const double good[4] = {1, 1, 1, 1}, nan4[4] = {1, NAN, 1, 1}, inf4[4] = {INFINITY, 0, 0, 0};
    luxc_ai_example ex[3] = {{.x = good, .feedback = 1, .weight = 1},
                             {.x = good, .feedback = 1.5, .weight = 1},
                             {.x = good, .feedback = 1, .weight = 1}};
    size_t learned = 99;
    assert_int_equal(luxc_ai_model_learn(m, ex, 3, &learned), LUXC_ERANGE);
    assert_int_equal(learned, 1); /* the first one stays learned */
    assert_int_equal(luxc_ai_model_history_len(m), 1);
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    assert_true(b == 0.01 * (0.125 * 1.0));

    luxc_ai_example e = {.x = good, .feedback = NAN, .weight = 1};
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.feedback = -1.0001;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.feedback = -1;
    e.weight = -0.5;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.weight = INFINITY;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.weight = NAN;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.weight = 1;
    e.x = nan4;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.x = inf4;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ERANGE);
    e.x = NULL;
    e.input = NULL;
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_learn(m, &e, 0, &learned), LUXC_EINVAL); /* zero examples */
    assert_int_equal(learned, 0);
    assert_int_equal(luxc_ai_model_learn(m, NULL, 1, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_learn(NULL, &e, 1, NULL), LUXC_EINVAL);
    /* Nothing above changed the model. */
    double w2[4], b2;
    assert_int_equal(luxc_ai_model_get_weights(m, w2, 4, &b2), LUXC_OK);
    assert_memory_equal(w, w2, sizeof w);
    assert_true(b == b2);
    assert_int_equal(luxc_ai_model_history_len(m), 1);
    luxc_ai_model_free(m);
}

static void test_history_ring(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(3, 0);
    for (int i = 0; i < 5; i++) {
        double x[4] = {i, i, i, i};
        luxc_ai_example e = {.x = x, .feedback = 0.1 * i, .weight = i};
        assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_OK);
    }
    assert_int_equal(luxc_ai_model_history_len(m), 3);
    for (int i = 0; i < 3; i++) {
        double x[4], fb, wt;
        assert_int_equal(luxc_ai_model_history_get(m, (size_t)i, x, &fb, &wt), LUXC_OK);
        assert_true(x[0] == i + 2 && x[3] == i + 2);
        assert_true(fb == 0.1 * (i + 2) && wt == i + 2);
    }
    assert_int_equal(luxc_ai_model_history_get(m, 3, NULL, NULL, NULL), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_model_history_get(NULL, 0, NULL, NULL, NULL), LUXC_EINVAL);
    luxc_ai_model_free(m);

    /* Default capacity: the last 10,000. */
    m = new_basic(0, 0);
    luxc_ai_example e = {.input = &spec_block, .feedback = 1, .weight = 1};
    for (int i = 0; i < 10001; i++)
        assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_model_history_len(m), LUXC_AI_HISTORY_MAX);
    luxc_ai_model_free(m);
}

static void test_validate(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    set_w(m, 0, 0.1, 0, 0, 0); /* score 1 */
    double c = 1.0 / (1.0 + exp(-1.0)), v;
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, 0.8, &v), LUXC_OK);
    assert_true(fabs(v - (1.0 - fabs(c - 0.8)) * c) < 1e-14);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_REJECT, 0.8, &v), LUXC_OK);
    assert_true(v == 0.0);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, c, &v), LUXC_OK);
    assert_true(fabs(v - c) < 1e-14);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, 7, 0.5, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_DEFER, 0.5, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, 1.5, &v), LUXC_ERANGE);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, NAN, &v), LUXC_ERANGE);
    assert_int_equal(luxc_ai_model_validate(m, NULL, LUXC_AI_APPROVE, 0.5, &v), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, 0.5, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_validate(NULL, &spec_block, LUXC_AI_APPROVE, 0.5, &v), LUXC_EINVAL);
    luxc_ai_model_free(m);
}

static void test_update_weights(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    const double g[5] = {0.1, 0.2, 0.15, 0.25, 0.05};
    assert_int_equal(luxc_ai_model_update_weights(m, g, 5), LUXC_OK);
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(w[f] == -(0.01 * g[f]));
    assert_true(b == -(0.01 * 0.05));
    assert_int_equal(luxc_ai_model_update_weights(m, g, 2), LUXC_EINVAL); /* size mismatch */
    assert_int_equal(luxc_ai_model_update_weights(m, g, 4), LUXC_EINVAL);
    const double bad[5] = {0, 0, NAN, 0, 0};
    assert_int_equal(luxc_ai_model_update_weights(m, bad, 5), LUXC_ERANGE);
    assert_int_equal(luxc_ai_model_update_weights(m, NULL, 5), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_update_weights(NULL, g, 5), LUXC_EINVAL);
    double w2[4], b2;
    assert_int_equal(luxc_ai_model_get_weights(m, w2, 4, &b2), LUXC_OK);
    assert_memory_equal(w, w2, sizeof w);
    assert_true(b == b2);
    /* get/set errors */
    assert_int_equal(luxc_ai_model_get_weights(m, w, 3, &b), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_get_weights(m, NULL, 0, &b), LUXC_OK);
    assert_int_equal(luxc_ai_model_get_weights(NULL, w, 4, &b), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_set_weights(m, w, 5, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_set_weights(m, NULL, 4, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, NAN), LUXC_ERANGE);
    w[1] = INFINITY;
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, 0), LUXC_ERANGE);
    luxc_ai_model_free(m);
}

static void test_decide_bad_input(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    set_w(m, 1, 1, 1, 1, 0);
    luxc_ai_decision d;
    double x[4] = {1, 2, 3, 4}, s, c;
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, &d), LUXC_OK);
    assert_true(d.score == 10.0);
    x[2] = NAN;
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, &d), LUXC_ERANGE);
    assert_int_equal(luxc_ai_model_score(m, x, 4, &s, &c), LUXC_ERANGE);
    x[2] = INFINITY;
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, &d), LUXC_ERANGE);
    x[2] = -INFINITY;
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, &d), LUXC_ERANGE);
    set_w(m, 0, 0, 0, 0, 0); /* 0 * Inf is NaN: still caught */
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, &d), LUXC_ERANGE);
    x[2] = 3;
    assert_int_equal(luxc_ai_model_decide_x(m, x, 3, &d), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide_x(m, NULL, 4, &d), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide_x(m, x, 4, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide_x(NULL, x, 4, &d), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide(m, NULL, &d), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide(NULL, &spec_block, &d), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_score(m, x, 5, &s, &c), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_score(m, x, 4, NULL, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_model_extract(m, NULL, x), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_extract(m, &spec_block, x), LUXC_OK);
    assert_true(x[3] == 50000);
    assert_int_equal(luxc_ai_model_feature_index(m, "gas_used"), 3);
    assert_int_equal(luxc_ai_model_feature_index(m, "nope"), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_model_feature_index(m, NULL), LUXC_EINVAL);
    assert_string_equal(luxc_ai_model_feature_name(m, 0), "height");
    assert_null(luxc_ai_model_feature_name(m, 4));
    assert_int_equal(luxc_ai_model_n_features(m), 4);
    assert_int_equal(luxc_ai_model_n_features(NULL), 0);
    assert_string_equal(luxc_ai_action_name(LUXC_AI_DEFER), "defer");
    assert_string_equal(luxc_ai_action_name(LUXC_AI_REJECT), "reject");
    assert_string_equal(luxc_ai_action_name(42), "unknown");
    luxc_ai_model_free(m);
    luxc_ai_model_free(NULL);
}

static int ex_fail(const void *in, int64_t now, double *out)
{
    (void)in;
    (void)now;
    (void)out;
    return LUXC_ECORRUPT;
}
static const char *const one_name[] = {"a"};
static const char *const dup_names[] = {"a", "b", "a"};
static const char *const empty_name[] = {"a", ""};
static const char *const null_name[] = {"a", NULL};
static const char *const long_name[] = {"a_name_that_is_32_bytes_long_xyz"};

static void test_new_bad_config(void **state)
{
    (void)state;
    luxc_ai_model *m = (luxc_ai_model *)1;
    luxc_ai_extractor ok = {1, one_name, ex_fail, 0};
    luxc_ai_model_cfg cfg = {.node_id = "n", .extractor = &ok};
    assert_int_equal(luxc_ai_model_new(NULL, &cfg), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_new(&m, NULL), LUXC_EINVAL);
    assert_null(m);
    cfg.node_id = "";
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    cfg.node_id = NULL;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    char id[LUXC_AI_NODE_ID_MAX + 2];
    memset(id, 'n', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    cfg.node_id = id; /* 65 bytes */
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ETOOBIG);
    id[LUXC_AI_NODE_ID_MAX] = '\0'; /* 64 bytes: fine */
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    luxc_ai_decision d;
    double x[1] = {1};
    assert_int_equal(luxc_ai_model_decide_x(m, x, 1, &d), LUXC_OK);
    assert_string_equal(d.proposer, id);
    assert_int_equal(luxc_ai_model_decide(m, x, &d), LUXC_ECORRUPT); /* extractor error */
    luxc_ai_example e = {.input = x, .feedback = 0, .weight = 1};
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_ECORRUPT);
    double v;
    assert_int_equal(luxc_ai_model_validate(m, x, LUXC_AI_APPROVE, 0.5, &v), LUXC_ECORRUPT);
    luxc_ai_model_free(m);
    cfg.node_id = "n";
    cfg.extractor = NULL;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    luxc_ai_extractor bad = {0, one_name, ex_fail, 0};
    cfg.extractor = &bad;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    bad = (luxc_ai_extractor){17, long_names, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ETOOBIG);
    bad = (luxc_ai_extractor){3, dup_names, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    bad = (luxc_ai_extractor){2, empty_name, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    bad = (luxc_ai_extractor){2, null_name, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    bad = (luxc_ai_extractor){1, long_name, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ETOOBIG);
    bad = (luxc_ai_extractor){1, NULL, ex_fail, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    bad = (luxc_ai_extractor){1, one_name, NULL, 0};
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_EINVAL);
    cfg.extractor = &ok;
    cfg.learning_rate = -0.1;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ERANGE);
    cfg.learning_rate = NAN;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ERANGE);
    cfg.learning_rate = INFINITY;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ERANGE);
    cfg.learning_rate = 0.5;
    cfg.history_cap = LUXC_AI_HISTORY_MAX + 1;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_ETOOBIG);
    assert_null(m);
    cfg.history_cap = 1;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    assert_true(luxc_ai_model_learning_rate(m) == 0.5);
    luxc_ai_model_free(m);
}

static void test_new_alloc_failure(void **state)
{
    (void)state;
    luxc_ai_model_cfg cfg = {.node_id = "n", .extractor = &luxc_ai_extractor_block};
    for (long n = 0;; n++) {
        luxc_ai_model *m = (luxc_ai_model *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_ai_model_new(&m, &cfg);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            assert_true(n >= 2);
            luxc_ai_model_free(m);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(m);
    }
}

static void test_normalized_model(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 1);
    const double a[4] = {100, 10, 2048, 50000}, b[4] = {200, 30, 1024, 70000};
    luxc_ai_example ex[2] = {{.x = a, .feedback = 1, .weight = 1},
                             {.x = b, .feedback = -1, .weight = 1}};
    assert_int_equal(luxc_ai_model_learn(m, ex, 2, NULL), LUXC_OK);
    /* Replay by hand with a normaliser. */
    luxc_ai_normalizer nz;
    assert_int_equal(luxc_ai_normalizer_init(&nz, 4), LUXC_OK);
    double w[4] = {0}, bias = 0, z[4];
    for (int i = 0; i < 2; i++) {
        const double *x = i ? b : a;
        double fb = i ? -1 : 1;
        assert_int_equal(luxc_ai_normalizer_update(&nz, x), LUXC_OK);
        assert_int_equal(luxc_ai_normalizer_apply(&nz, z, x), LUXC_OK);
        double s = bias;
        for (int f = 0; f < 4; f++)
            s += w[f] * z[f];
        double p = luxc_ai_sigmoid(s), k = ((fb + 1) / 2 - p) * p * (1 - p);
        for (int f = 0; f < 4; f++)
            w[f] += 0.01 * (k * z[f] * 1.0);
        bias += 0.01 * (k * 1.0);
    }
    double mw[4], mb;
    assert_int_equal(luxc_ai_model_get_weights(m, mw, 4, &mb), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(mw[f] == w[f]);
    assert_true(mb == bias);
    /* Decide sees z, so gas_used 70000 is not 70000 any more. */
    luxc_ai_decision d;
    assert_int_equal(luxc_ai_model_decide_x(m, b, 4, &d), LUXC_OK);
    assert_int_equal(luxc_ai_normalizer_apply(&nz, z, b), LUXC_OK);
    double s = bias;
    for (int f = 0; f < 4; f++)
        s += w[f] * z[f];
    assert_true(d.score == s);
    assert_true(fabs(d.score) < 1.0);
    luxc_ai_model_free(m);
}

static void test_decide_batch(void **state)
{
    (void)state;
    luxc_ai_model *m = new_basic(0, 0);
    set_w(m, 0.01, -0.3, 0.001, -0.0001, 0.25);
    enum { R = 1000 };
    double *xt = malloc(4 * R * sizeof *xt), *s = malloc(R * sizeof *s),
           *c = malloc(R * sizeof *c);
    uint8_t *ap = malloc(R);
    assert_true(xt && s && c && ap);
    uint64_t seed = luxc_test_seed(), st = seed;
    for (size_t i = 0; i < 4 * R; i++)
        xt[i] = (double)(luxc_test_rand(&st) % 20000) / 3.0;
    assert_int_equal(luxc_ai_model_decide_batch(m, xt, R, s, c, ap), LUXC_OK);
    for (size_t r = 0; r < R; r++) {
        double x[4] = {xt[r], xt[R + r], xt[2 * R + r], xt[3 * R + r]}, ss, cc;
        assert_int_equal(luxc_ai_model_score(m, x, 4, &ss, &cc), LUXC_OK);
        if (ss != s[r] || cc != c[r] || ap[r] != (ss >= 0))
            LUXC_TEST_FAIL_SEED(seed, "row %zu: %.17g/%.17g", r, s[r], ss);
    }
    assert_int_equal(luxc_ai_model_decide_batch(m, xt, R, NULL, NULL, NULL), LUXC_OK);
    xt[3 * R + 777] = NAN;
    assert_int_equal(luxc_ai_model_decide_batch(m, xt, R, s, c, ap), LUXC_ERANGE);
    xt[3 * R + 777] = INFINITY;
    assert_int_equal(luxc_ai_model_decide_batch(m, xt, R, s, NULL, NULL), LUXC_ERANGE);
    assert_int_equal(luxc_ai_model_decide_batch(m, xt, 0, s, c, ap), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide_batch(m, NULL, R, s, c, ap), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decide_batch(NULL, xt, R, s, c, ap), LUXC_EINVAL);
    free(xt);
    free(s);
    free(c);
    free(ap);
    luxc_ai_model_free(m);
}

static void test_merge_weighted(void **state)
{
    (void)state;
    const double a[2] = {1, 2}, b[2] = {3, 4};
    const double *v[2] = {a, b};
    const double st[2] = {1, 3};
    double out[2];
    assert_int_equal(luxc_ai_merge_weighted(out, v, st, 2, 2), LUXC_OK);
    assert_true(out[0] == 2.5 && out[1] == 3.5); /* (1 + 9) / 4, (2 + 12) / 4 */
    double al[2] = {1, 2};
    const double *va[2] = {al, b};
    assert_int_equal(luxc_ai_merge_weighted(al, va, st, 2, 2), LUXC_OK); /* aliasing */
    assert_true(al[0] == 2.5 && al[1] == 3.5);
    const double z[2] = {0, 0}, neg[2] = {1, -1}, nanst[2] = {1, NAN};
    assert_int_equal(luxc_ai_merge_weighted(out, v, z, 2, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, v, neg, 2, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, v, nanst, 2, 2), LUXC_ERANGE);
    const double bad[2] = {INFINITY, 0};
    const double *vb[2] = {a, bad};
    assert_int_equal(luxc_ai_merge_weighted(out, vb, st, 2, 2), LUXC_ERANGE);
    const double *vn[2] = {a, NULL};
    assert_int_equal(luxc_ai_merge_weighted(out, vn, st, 2, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, v, st, 0, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, v, st, 2, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(NULL, v, st, 2, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, NULL, st, 2, 2), LUXC_EINVAL);
    assert_int_equal(luxc_ai_merge_weighted(out, v, NULL, 2, 2), LUXC_EINVAL);
    const double huge[2] = {1e308, 1e308};
    assert_int_equal(luxc_ai_merge_weighted(out, v, huge, 2, 2), LUXC_ERANGE);
}

static int64_t counting_clock(void *ctx)
{
    ++*(int *)ctx;
    return 1000;
}

/* Timeless extractors let learn/score paths skip the clock; the decision
 * record is always stamped. */
static void test_clock_use(void **state)
{
    (void)state;
    int calls = 0;
    luxc_ai_model_cfg cfg = {.node_id = "n", .extractor = &luxc_ai_extractor_block_basic,
                             .clock = counting_clock, .clock_ctx = &calls};
    luxc_ai_model *m;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    luxc_ai_example e = {.input = &spec_block, .feedback = 1, .weight = 1};
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_OK);
    double x[6], v;
    assert_int_equal(luxc_ai_model_extract(m, &spec_block, x), LUXC_OK);
    assert_int_equal(luxc_ai_model_validate(m, &spec_block, LUXC_AI_APPROVE, 0.5, &v), LUXC_OK);
    assert_int_equal(calls, 0);
    luxc_ai_decision d;
    assert_int_equal(luxc_ai_model_decide(m, &spec_block, &d), LUXC_OK);
    assert_int_equal(calls, 1);
    assert_true(d.timestamp_ns == 1000);
    luxc_ai_model_free(m);

    calls = 0;
    cfg.extractor = &luxc_ai_extractor_block; /* reads now_ns: age features */
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    assert_int_equal(luxc_ai_model_learn(m, &e, 1, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_model_extract(m, &spec_block, x), LUXC_OK);
    assert_int_equal(calls, 2);
    assert_true(x[2] == 1000 / 1e9); /* age of a block stamped at 0 */
    luxc_ai_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_spec_decide_case),
        cmocka_unit_test(test_decide_reject_and_factors),
        cmocka_unit_test(test_reasoning_numbers_match_printf),
        cmocka_unit_test(test_reasoning_cut),
        cmocka_unit_test(test_ids_unique),
        cmocka_unit_test(test_ids_unique_across_threads),
        cmocka_unit_test(test_learn_one_step_exact),
        cmocka_unit_test(test_learn_batch_and_errors),
        cmocka_unit_test(test_history_ring),
        cmocka_unit_test(test_validate),
        cmocka_unit_test(test_update_weights),
        cmocka_unit_test(test_decide_bad_input),
        cmocka_unit_test(test_new_bad_config),
        cmocka_unit_test(test_new_alloc_failure),
        cmocka_unit_test(test_normalized_model),
        cmocka_unit_test(test_decide_batch),
        cmocka_unit_test(test_merge_weighted),
        cmocka_unit_test(test_clock_use),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
