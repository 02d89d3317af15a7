/* test_pipeline.c - the four-stage module pipeline with real modules, node
 * weights (EMA), the thread-safe inbox, custom modules, bad input and
 * allocation failure. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

#include <cmocka.h>

#include "luxc/ai_pipeline.h"
#include "testutil.h"

static luxc_ai_model *model(double wtx, double bias)
{
    luxc_ai_model_cfg cfg = {.node_id = "node-1", .extractor = &luxc_ai_extractor_block_basic};
    luxc_ai_model *m;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    double w[4] = {0, wtx, 0, 0};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, bias), LUXC_OK);
    return m;
}

static luxc_ai_pipeline *pipe_new(luxc_ai_node_weights *nw, luxc_ai_share_fn share, void *sctx)
{
    luxc_ai_pipeline_cfg cfg = {.self_id = "node-1", .weights = nw, .share = share,
                                .share_ctx = sctx};
    luxc_ai_pipeline *p;
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_OK);
    return p;
}

static double sig(double x) { return 1.0 / (1.0 + exp(-x)); }

static void test_node_weights(void **state)
{
    (void)state;
    luxc_ai_node_weights *t;
    assert_int_equal(luxc_ai_node_weights_new(&t, 2), LUXC_OK);
    double w;
    assert_int_equal(luxc_ai_node_weights_get(t, "a", &w), LUXC_OK);
    assert_true(w == 0.1); /* new nodes */
    assert_int_equal(luxc_ai_node_weights_update(t, "a", 1.0, &w), LUXC_OK);
    assert_true(fabs(w - 0.19) < 1e-15); /* .1 * 1 + .9 * .1 */
    assert_int_equal(luxc_ai_node_weights_update(t, "a", 1.0, &w), LUXC_OK);
    assert_true(fabs(w - (0.1 + 0.9 * 0.19)) < 1e-15);
    assert_int_equal(luxc_ai_node_weights_update(t, "a", 1000.0, &w), LUXC_OK);
    assert_true(w == 10.0); /* clamped */
    assert_int_equal(luxc_ai_node_weights_update(t, "b", -100.0, &w), LUXC_OK);
    assert_true(w == 0.01); /* clamped */
    assert_int_equal(luxc_ai_node_weights_get(t, "a", &w), LUXC_OK);
    assert_true(w == 10.0);
    assert_int_equal(luxc_ai_node_weights_update(t, "c", 1.0, NULL), LUXC_EFULL);
    assert_int_equal(luxc_ai_node_weights_update(t, "a", NAN, &w), LUXC_ERANGE);
    assert_int_equal(luxc_ai_node_weights_update(t, "a", INFINITY, &w), LUXC_ERANGE);
    assert_int_equal(luxc_ai_node_weights_update(t, "", 1, &w), LUXC_EINVAL);
    assert_int_equal(luxc_ai_node_weights_update(t, NULL, 1, &w), LUXC_EINVAL);
    assert_int_equal(luxc_ai_node_weights_update(NULL, "a", 1, &w), LUXC_EINVAL);
    char id[LUXC_AI_NODE_ID_MAX + 2];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    assert_int_equal(luxc_ai_node_weights_update(t, id, 1, &w), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_node_weights_get(t, id, &w), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_node_weights_get(t, "a", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_node_weights_get(NULL, "a", &w), LUXC_EINVAL);
    luxc_ai_node_weights_free(t);
    luxc_ai_node_weights_free(NULL);
    assert_int_equal(luxc_ai_node_weights_new(NULL, 2), LUXC_EINVAL);
    for (long n = 0;; n++) {
        luxc_ai_node_weights *u = (luxc_ai_node_weights *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_ai_node_weights_new(&u, 0);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_ai_node_weights_free(u);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(u);
    }
}

static void test_inference_and_decision(void **state)
{
    (void)state;
    luxc_ai_model *a = model(0.1, 0.0), *b = model(0.3, 0.0);
    luxc_ai_pipeline *p = pipe_new(NULL, NULL, NULL);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "inf-a", a), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "inf-b", b), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "dec", 0.6, 0.05), LUXC_OK);
    luxc_ai_block blk = {.height = 7, .tx_count = 10, .size = 1024};
    luxc_ai_input in = {.type = LUXC_AI_INPUT_BLOCK, .data = &blk};
    luxc_ai_pipeline_result res;
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    /* scores 1 and 3: mean score 2, mean confidence (s(1) + s(3)) / 2 */
    double c = (sig(1) + sig(3)) / 2;
    assert_int_equal(res.analysis.sources, 2);
    assert_true(fabs(res.analysis.score - 2.0) < 1e-15);
    assert_true(fabs(res.analysis.confidence - c) < 1e-14);
    assert_true(fabs(res.analysis.risk - (1 - c)) < 1e-14);
    assert_int_equal(res.analysis.valid, 1);
    assert_int_equal(res.analysis.nx, 4);
    assert_true(res.analysis.x[0] == 7 && res.analysis.x[2] == 1024);
    /* c = 0.8425 >= 0.65: approve, alternatives defer then reject */
    assert_int_equal(res.decision.action, LUXC_AI_APPROVE);
    assert_true(fabs(res.decision.confidence - c) < 1e-14);
    assert_int_equal(res.decision.n_alternatives, 2);
    assert_int_equal(res.decision.alternatives[0], LUXC_AI_DEFER);
    assert_int_equal(res.decision.alternatives[1], LUXC_AI_REJECT);
    assert_int_equal(res.decision.seq, 1);
    assert_int_equal(res.learned + res.merged + res.shared, 0);

    /* Ready features: tx_count 1 -> scores .1 and .3 -> c ~ .5499 in
     * [.55, .65)? (s(.1) + s(.3)) / 2 = 0.5498: just below .55 -> reject */
    const double x[4] = {0, 1, 0, 0};
    luxc_ai_input in2 = {.type = LUXC_AI_INPUT_QUERY, .x = x, .nx = 4};
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_OK);
    c = (sig(0.1) + sig(0.3)) / 2;
    assert_true(c < 0.55);
    assert_int_equal(res.decision.action, LUXC_AI_REJECT);
    assert_true(fabs(res.decision.confidence - (1 - c)) < 1e-14);
    assert_int_equal(res.decision.alternatives[0], LUXC_AI_DEFER);
    assert_int_equal(res.decision.alternatives[1], LUXC_AI_APPROVE);
    assert_int_equal(res.decision.seq, 2);
    /* tx_count 2 -> (s(.2) + s(.6)) / 2 = 0.5976: defer, leaning approve */
    const double x2[4] = {0, 2, 0, 0};
    in2.x = x2;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_OK);
    c = (sig(0.2) + sig(0.6)) / 2;
    assert_int_equal(res.decision.action, LUXC_AI_DEFER);
    assert_true(fabs(res.decision.confidence - (1 - fabs(c - 0.6) / 0.05)) < 1e-12);
    assert_int_equal(res.decision.alternatives[0], LUXC_AI_REJECT);
    assert_int_equal(res.decision.alternatives[1], LUXC_AI_APPROVE);

    /* Bad input. */
    const double bad[4] = {0, NAN, 0, 0};
    in2.x = bad;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_ERANGE);
    in2.x = x;
    in2.nx = 3;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_EINVAL);
    in2.x = NULL;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_EINVAL); /* no data */
    in2.type = 9;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_EINVAL);
    in2.type = -1;
    assert_int_equal(luxc_ai_pipeline_process(p, &in2, &res), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_process(p, NULL, &res), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_process(NULL, &in, &res), LUXC_EINVAL);
    luxc_ai_pipeline_free(p);
    luxc_ai_pipeline_free(NULL);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

static void test_empty_pipeline_defers(void **state)
{
    (void)state;
    luxc_ai_pipeline *p = pipe_new(NULL, NULL, NULL);
    luxc_ai_input in = {.type = LUXC_AI_INPUT_VOTE};
    luxc_ai_pipeline_result res;
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_true(res.analysis.confidence == 0.5 && res.analysis.sources == 0);
    assert_int_equal(res.decision.action, LUXC_AI_DEFER);
    assert_int_equal(res.decision.n_alternatives, 0);
    /* A decision module with no inference: c = .5 vs threshold .5 -> defer
     * with confidence 1 (margin 0 -> approve since c >= t). */
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 0.5, 0.0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.decision.action, LUXC_AI_APPROVE);
    luxc_ai_pipeline_free(p);
}

static void test_learning_from_outcomes(void **state)
{
    (void)state;
    luxc_ai_model *m = model(0.0, 0.0);
    luxc_ai_pipeline *p = pipe_new(NULL, NULL, NULL);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "inf", m), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "dec", 0.5, 0.0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_learning(p, "learn", m), LUXC_OK);
    const double x[4] = {1, 2, 3, 4};
    luxc_ai_input in = {.type = LUXC_AI_INPUT_BLOCK, .x = x, .nx = 4};
    luxc_ai_pipeline_result res;
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    uint64_t seq = res.decision.seq;
    assert_int_equal(res.learned, 0);
    /* The network rejected it: feedback -1 -> target 0, p = .5:
     * k = (0 - .5) * .5 * .5 = -.125, w[f] = .01 * (k * x[f] * 1). */
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, seq, 0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, 999, 1), LUXC_OK); /* unknown: ignored */
    const double zero[4] = {0, 0, 0, 0};
    in.x = zero;
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.learned, 1);
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(w[f] == 0.01 * (-0.125 * x[f] * 1.0));
    assert_true(b == 0.01 * (-0.125 * 1.0));
    assert_int_equal(luxc_ai_model_history_len(m), 1);
    /* Reporting the same outcome again learns nothing more. */
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, seq, 0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.learned, 0);
    /* Inbox bound. */
    for (unsigned i = 0; i < LUXC_AI_PIPELINE_INBOX; i++)
        assert_int_equal(luxc_ai_pipeline_report_outcome(p, 1000 + i, 1), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, 5, 1), LUXC_EFULL);
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, 0, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_report_outcome(NULL, 1, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK); /* drains */
    assert_int_equal(luxc_ai_pipeline_report_outcome(p, 5, 1), LUXC_OK);
    luxc_ai_pipeline_free(p);
    luxc_ai_model_free(m);
}

typedef struct shared {
    int calls;
    char self[80];
    double w[LUXC_AI_MAX_FEATURES];
    size_t n;
    double bias;
} shared;

static void share_cb(void *ctx, const char *self, const double *w, size_t n, double bias)
{
    shared *s = ctx;
    s->calls++;
    snprintf(s->self, sizeof s->self, "%s", self);
    memcpy(s->w, w, n * sizeof *w);
    s->n = n;
    s->bias = bias;
}

static void test_coordination_merges_stake_weighted(void **state)
{
    (void)state;
    luxc_ai_model *m = model(0.0, 0.0);
    double own[4] = {1, 2, 3, 4};
    assert_int_equal(luxc_ai_model_set_weights(m, own, 4, 1.0), LUXC_OK);
    luxc_ai_node_weights *nw;
    assert_int_equal(luxc_ai_node_weights_new(&nw, 0), LUXC_OK);
    assert_int_equal(luxc_ai_node_weights_update(nw, "peer-a", 1.0, NULL), LUXC_OK); /* .19 */
    shared sh = {0};
    luxc_ai_pipeline *p = pipe_new(nw, share_cb, &sh);
    assert_int_equal(luxc_ai_pipeline_add_coordination(p, "coord", m), LUXC_OK);
    luxc_ai_input in = {.type = LUXC_AI_INPUT_QUERY};
    luxc_ai_pipeline_result res;
    /* No peers yet: weights unchanged, still shared. */
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.merged, 0);
    assert_int_equal(res.shared, 1);
    assert_int_equal(sh.calls, 1);
    assert_string_equal(sh.self, "node-1");
    assert_memory_equal(sh.w, own, sizeof own);
    assert_true(sh.bias == 1.0);

    const double pa[4] = {3, 2, 1, 0}, pb[4] = {5, 5, 5, 5}, pc[3] = {9, 9, 9};
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "peer-a", 2.0, pa, 4, 3.0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "peer-b", 1.0, pb, 4, -1.0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "peer-c", 1.0, pc, 3, 0.0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.merged, 2); /* peer-c has the wrong size: skipped */
    /* stakes: self 1 * .1, peer-a 2 * .19, peer-b 1 * .1 */
    const double s0 = 0.1, sa = 2.0 * 0.19, sb = 0.1, tot = s0 + sa + sb;
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int f = 0; f < 4; f++) {
        double want = (s0 * own[f] + sa * pa[f] + sb * pb[f]) / tot;
        assert_true(fabs(w[f] - want) < 1e-14);
        assert_true(fabs(sh.w[f] - want) < 1e-14); /* shared after the merge */
    }
    assert_true(fabs(b - (s0 * 1.0 + sa * 3.0 + sb * -1.0) / tot) < 1e-14);
    /* Consumed: the next run merges nothing. */
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.merged, 0);
    /* Zero stake everywhere else: only self -> k = 1, no merge. */
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "peer-a", 0.0, pa, 4, 0.0), LUXC_OK);
    double before[4];
    assert_int_equal(luxc_ai_model_get_weights(m, before, 4, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_int_equal(res.merged, 1);
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, NULL), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(fabs(w[f] - before[f]) < 1e-14);

    /* Bad peer states. */
    const double nanw[4] = {0, NAN, 0, 0};
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", 1.0, nanw, 4, 0), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", -1.0, pa, 4, 0), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", NAN, pa, 4, 0), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", 1.0, pa, 4, INFINITY), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", 1.0, pa, 0, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", 1.0, pa, 17, 0), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "", 1.0, pa, 4, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "x", 1.0, NULL, 4, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_peer_state(NULL, "x", 1.0, pa, 4, 0), LUXC_EINVAL);
    for (unsigned i = 0; i < LUXC_AI_PIPELINE_MAX_PEERS - 3; i++) {
        char id[16];
        snprintf(id, sizeof id, "p%u", i);
        assert_int_equal(luxc_ai_pipeline_peer_state(p, id, 1.0, pa, 4, 0), LUXC_OK);
    }
    assert_int_equal(luxc_ai_pipeline_peer_state(p, "one-more", 1.0, pa, 4, 0), LUXC_EFULL);
    luxc_ai_pipeline_free(p);
    luxc_ai_node_weights_free(nw);
    luxc_ai_model_free(m);
}

typedef struct order {
    char log[64];
    int fail_at;
} order;

static int custom(void *ctx, const luxc_ai_input *in, luxc_ai_pipeline_result *io)
{
    (void)in;
    order *o = ctx;
    size_t l = strlen(o->log);
    o->log[l] = (char)('0' + (int)l);
    o->log[l + 1] = '\0';
    if ((int)l == o->fail_at)
        return LUXC_ESTATE;
    io->analysis.score += 1.0;
    return LUXC_OK;
}

static void test_custom_modules_and_registration(void **state)
{
    (void)state;
    luxc_ai_model *m = model(0, 0);
    luxc_ai_pipeline *p = pipe_new(NULL, NULL, NULL);
    order o = {.fail_at = -1};
    /* Added out of stage order: they run by stage, then insertion order. */
    luxc_ai_module c3 = {LUXC_AI_STAGE_COORDINATION, "c3", custom, &o};
    luxc_ai_module c0 = {LUXC_AI_STAGE_INFERENCE, "c0", custom, &o};
    luxc_ai_module c1 = {LUXC_AI_STAGE_DECISION, "c1", custom, &o};
    luxc_ai_module c2 = {LUXC_AI_STAGE_LEARNING, "c2", custom, &o};
    assert_int_equal(luxc_ai_pipeline_add_module(p, &c3), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_module(p, &c0), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_module(p, &c1), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_module(p, &c2), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_module(p, &c2), LUXC_EEXIST);
    luxc_ai_input in = {.type = LUXC_AI_INPUT_PROPOSAL};
    luxc_ai_pipeline_result res;
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_OK);
    assert_string_equal(o.log, "0123");
    assert_true(res.analysis.score == 4.0);
    o.log[0] = '\0';
    o.fail_at = 1; /* the decision-stage module fails: later stages do not run */
    assert_int_equal(luxc_ai_pipeline_process(p, &in, &res), LUXC_ESTATE);
    assert_string_equal(o.log, "01");

    luxc_ai_module bad = {7, "bad", custom, &o};
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_EINVAL);
    bad.stage = -1;
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_EINVAL);
    bad = (luxc_ai_module){0, "bad", NULL, NULL};
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_EINVAL);
    bad = (luxc_ai_module){0, "", custom, NULL};
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_EINVAL);
    bad = (luxc_ai_module){0, "an_id_that_is_thirty_two_bytes_", custom, NULL};
    assert_int_equal(strlen(bad.id), 31);
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_OK);
    bad.id = "an_id_that_is_thirty_two_bytes_x";
    assert_int_equal(luxc_ai_pipeline_add_module(p, &bad), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_pipeline_add_module(p, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "c0", m), LUXC_EEXIST);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "i", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_add_inference(NULL, "i", m), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_add_learning(p, "l", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_add_coordination(p, "k", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 0.0, 0.1), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 1.0, 0.1), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", NAN, 0.1), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 0.5, 0.5), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 0.5, -0.1), LUXC_ERANGE);
    assert_int_equal(luxc_ai_pipeline_add_decision(NULL, "d", 0.5, 0.1), LUXC_EINVAL);
    /* Fill to 16 modules. */
    for (int i = 0; i < 11; i++) {
        char id[8];
        snprintf(id, sizeof id, "x%d", i);
        assert_int_equal(luxc_ai_pipeline_add_decision(p, id, 0.5, 0.1), LUXC_OK);
    }
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "full", 0.5, 0.1), LUXC_EFULL);
    luxc_ai_pipeline_free(p);

    /* Allocation failure: the learner's pending ring. */
    p = pipe_new(NULL, NULL, NULL);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_ai_pipeline_add_learning(p, "l", m), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_ai_pipeline_add_learning(p, "l", m), LUXC_OK);
    luxc_ai_pipeline_free(p);
    luxc_ai_model_free(m);
}

static void test_new_bad_and_alloc(void **state)
{
    (void)state;
    luxc_ai_pipeline *p = (luxc_ai_pipeline *)1;
    luxc_ai_pipeline_cfg cfg = {0};
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_EINVAL);
    assert_null(p);
    assert_int_equal(luxc_ai_pipeline_new(&p, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_pipeline_new(NULL, &cfg), LUXC_EINVAL);
    cfg.self_id = "";
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_EINVAL);
    char id[LUXC_AI_NODE_ID_MAX + 2];
    memset(id, 'x', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    cfg.self_id = id;
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_ETOOBIG);
    cfg.self_id = "n";
    cfg.self_stake = -1;
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_ERANGE);
    cfg.self_stake = NAN;
    assert_int_equal(luxc_ai_pipeline_new(&p, &cfg), LUXC_ERANGE);
    cfg.self_stake = 2;
    for (long n = 0;; n++) {
        p = (luxc_ai_pipeline *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_ai_pipeline_new(&p, &cfg);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_ai_pipeline_free(p);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(p);
    }
}

/* report_outcome / peer_state from other threads while process runs. */
typedef struct race {
    luxc_ai_pipeline *p;
    _Atomic int stop;
    _Atomic int bad;
} race;

static void *feeder(void *arg)
{
    race *r = arg;
    const double w[4] = {0.001, 0.002, 0.003, 0.004};
    uint64_t i = 1;
    while (!atomic_load(&r->stop)) {
        int rc = luxc_ai_pipeline_report_outcome(r->p, i, (int)(i & 1));
        if (rc != LUXC_OK && rc != LUXC_EFULL)
            atomic_store(&r->bad, 1);
        if (luxc_ai_pipeline_peer_state(r->p, i & 1 ? "pa" : "pb", 1.0, w, 4, 0.0) != LUXC_OK)
            atomic_store(&r->bad, 1);
        i++;
    }
    return NULL;
}

static void test_concurrent_inbox(void **state)
{
    (void)state;
    luxc_ai_model *m = model(0.01, 0);
    shared sh = {0};
    luxc_ai_pipeline *p = pipe_new(NULL, share_cb, &sh);
    assert_int_equal(luxc_ai_pipeline_add_inference(p, "i", m), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_decision(p, "d", 0.5, 0.01), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_learning(p, "l", m), LUXC_OK);
    assert_int_equal(luxc_ai_pipeline_add_coordination(p, "c", m), LUXC_OK);
    race r = {.p = p};
    pthread_t th[2];
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&th[i], NULL, feeder, &r), 0);
    luxc_ai_block blk = {.height = 1, .tx_count = 3, .size = 10, .gas_used = 2};
    luxc_ai_input in = {.type = LUXC_AI_INPUT_BLOCK, .data = &blk};
    luxc_ai_pipeline_result res;
    uint64_t learned = 0;
    for (int i = 0; i < 3000; i++) {
        int rc = luxc_ai_pipeline_process(p, &in, &res);
        if (rc != LUXC_OK)
            fail_msg("process: %d", rc);
        learned += res.learned;
    }
    atomic_store(&r.stop, 1);
    for (int i = 0; i < 2; i++)
        pthread_join(th[i], NULL);
    assert_int_equal(atomic_load(&r.bad), 0);
    assert_int_equal(sh.calls, 3000);
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int f = 0; f < 4; f++)
        assert_true(isfinite(w[f]));
    (void)learned;
    luxc_ai_pipeline_free(p);
    luxc_ai_model_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_node_weights),
        cmocka_unit_test(test_inference_and_decision),
        cmocka_unit_test(test_empty_pipeline_defers),
        cmocka_unit_test(test_learning_from_outcomes),
        cmocka_unit_test(test_coordination_merges_stake_weighted),
        cmocka_unit_test(test_custom_modules_and_registration),
        cmocka_unit_test(test_new_bad_and_alloc),
        cmocka_unit_test(test_concurrent_inbox),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
