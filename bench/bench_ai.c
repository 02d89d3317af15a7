/* bench_ai.c - the nine reference benchmarks of the Go reference's ai
 * package (SPEC section 3) with the reference's exact workloads, plus
 * batch, call and score-only extras under their own names. They time two
 * layers: ai (the model, features and sigmoid the node uses) and
 * ai_parity (registry, ShouldUpgrade, pipeline: UpdateChain, GetState,
 * ShouldUpgrade, ConcurrentAccess, OrthogonalProcessing).
 * Parity: each case does at least its reference's work: SimpleModelDecide
 * builds the full decision record (id, action, confidence, timestamp,
 * proposer, reasoning text); ShouldUpgrade logs every decision (its
 * logfmt fields built, the log function called);
 * OrthogonalProcessing runs all four stages; GetState returns a snapshot
 * the caller could keep (and releases it); ConcurrentAccess runs
 * UpdateChain then GetState on every thread. */
#include "harness.h"

#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/ai.h"
#include "luxc/ai_parity.h"
/* The library's inline sigmoid kernels (bench/ is part of this tree and
 * built with the library's flags): the Sigmoid cases time the kernel the
 * library's loops inline, as they did when it lived in the public header;
 * SigmoidCall times the public out-of-line function. */
#include "ai/sigmoid_kernel.h"

static const char *const val1[] = {"val1"};

static void bench_update_chain(luxc_bench_b *b)
{
    luxc_ai_registry *r;
    if (luxc_ai_registry_new(&r, NULL) != LUXC_OK) {
        luxc_bench_fail(b, "registry_new");
        return;
    }
    luxc_ai_perf perf = {.tps = 1000, .latency_ms = 100, .fault_rate = 0.01};
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        bad |= luxc_ai_registry_update(r, "chain-1", i, "hash", val1, 1, &perf);
    luxc_bench_stop_timer(b);
    if (bad)
        luxc_bench_fail(b, "update failed");
    luxc_ai_registry_free(r);
}

static void bench_get_state(luxc_bench_b *b)
{
    luxc_ai_registry *r;
    if (luxc_ai_registry_new(&r, NULL) != LUXC_OK) {
        luxc_bench_fail(b, "registry_new");
        return;
    }
    luxc_ai_perf perf = {.tps = 1000};
    for (uint64_t i = 0; i < 100; i++)
        (void)luxc_ai_registry_update(r, "chain-1", i, "hash", val1, 1, &perf);
    uint64_t sum = 0;
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        luxc_ai_snapshot *s;
        bad |= luxc_ai_registry_snapshot(r, &s);
        sum += luxc_ai_snapshot_count(s);
        luxc_ai_snapshot_release(s);
    }
    luxc_bench_stop_timer(b);
    luxc_bench_sink_u64(sum);
    if (bad || sum != b->n)
        luxc_bench_fail(b, "snapshot failed");
    luxc_ai_registry_free(r);
}

/* The reference's mock model: always "proceed" with confidence 0.85. */
static int proceed_oracle(void *ctx, const char *q, size_t ql, const luxc_ai_chain_summary *c,
                          const double *x, size_t n, luxc_ai_verdict *out)
{
    (void)ctx;
    (void)q;
    (void)ql;
    (void)c;
    (void)x;
    (void)n;
    memcpy(out->action, "proceed", 8);
    out->confidence = 0.85;
    memcpy(out->reasoning, "Default decision", 17);
    out->timestamp_ns = 0;
    return LUXC_OK;
}

typedef struct log_count {
    uint64_t infos;
    int fields_ok;
} log_count;

static void count_log(void *ctx, luxc_log_level level, const char *event, const char *fields)
{
    (void)event;
    log_count *lc = ctx;
    lc->infos += level == LUXC_LOG_INFO;
    lc->fields_ok &= fields != NULL && fields[0] == 'c'; /* "chain=..." */
}

static void bench_should_upgrade(luxc_bench_b *b)
{
    luxc_ai_registry *r;
    if (luxc_ai_registry_new(&r, NULL) != LUXC_OK) {
        luxc_bench_fail(b, "registry_new");
        return;
    }
    luxc_ai_perf perf = {.tps = 1000};
    (void)luxc_ai_registry_update(r, "chain-1", 1000, "hash", val1, 1, &perf);
    luxc_ai_oracle o = {proceed_oracle, NULL};
    log_count lc = {0, 1};
    luxc_ai_verdict v;
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        bad |= luxc_ai_should_upgrade(r, "chain-1", &o, count_log, &lc, &v);
    luxc_bench_stop_timer(b);
    if (bad || lc.infos != b->n || !lc.fields_ok)
        luxc_bench_fail(b, "should_upgrade failed");
    luxc_ai_registry_free(r);
}

typedef struct conc_ctx {
    luxc_ai_registry *r;
    _Atomic int bad;
} conc_ctx;

static void conc_body(void *vctx, unsigned tid, uint64_t iters)
{
    (void)tid;
    conc_ctx *c = vctx;
    luxc_ai_perf perf = {.tps = 1000, .latency_ms = 100, .fault_rate = 0.01};
    int bad = 0;
    for (uint64_t i = 0; i < iters; i++) {
        bad |= luxc_ai_registry_update(c->r, "chain-1", 1000, "hash", val1, 1, &perf);
        luxc_ai_snapshot *s;
        bad |= luxc_ai_registry_snapshot(c->r, &s);
        luxc_ai_snapshot_release(s);
    }
    if (bad)
        atomic_store(&c->bad, 1);
}

static void bench_concurrent_access(luxc_bench_b *b)
{
    conc_ctx c;
    atomic_init(&c.bad, 0);
    if (luxc_ai_registry_new(&c.r, NULL) != LUXC_OK) {
        luxc_bench_fail(b, "registry_new");
        return;
    }
    luxc_bench_reset_timer(b);
    luxc_bench_parallel(b, 0, conc_body, &c);
    luxc_bench_stop_timer(b);
    if (atomic_load(&c.bad))
        luxc_bench_fail(b, "update/snapshot failed");
    luxc_ai_registry_free(c.r);
}

static const luxc_ai_block ref_block = {
    .height = 100, .tx_count = 10, .size = 2048, .gas_used = 50000};

static luxc_ai_model *basic_model(void)
{
    luxc_ai_model_cfg cfg = {.node_id = "node-1", .extractor = &luxc_ai_extractor_block_basic};
    luxc_ai_model *m;
    return luxc_ai_model_new(&m, &cfg) == LUXC_OK ? m : NULL;
}

static void bench_orthogonal(luxc_bench_b *b)
{
    luxc_ai_model *m = basic_model();
    luxc_ai_pipeline *p = NULL;
    luxc_ai_pipeline_cfg cfg = {.self_id = "node-1"};
    if (m == NULL || luxc_ai_pipeline_new(&p, &cfg) != LUXC_OK ||
        luxc_ai_pipeline_add_inference(p, "bench_inf", m) != LUXC_OK ||
        luxc_ai_pipeline_add_decision(p, "bench_dec", 0.5, 0.05) != LUXC_OK ||
        luxc_ai_pipeline_add_learning(p, "bench_learn", m) != LUXC_OK ||
        luxc_ai_pipeline_add_coordination(p, "bench_coord", m) != LUXC_OK) {
        luxc_bench_fail(b, "pipeline setup");
        luxc_ai_pipeline_free(p);
        luxc_ai_model_free(m);
        return;
    }
    luxc_ai_block blk = {.size = 1024};
    luxc_ai_input in = {.type = LUXC_AI_INPUT_BLOCK, .data = &blk};
    luxc_ai_pipeline_result res;
    int bad = 0;
    double sink = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        bad |= luxc_ai_pipeline_process(p, &in, &res);
        sink += res.decision.confidence;
    }
    luxc_bench_stop_timer(b);
    luxc_bench_sink_double(sink);
    if (bad)
        luxc_bench_fail(b, "process failed");
    luxc_ai_pipeline_free(p);
    luxc_ai_model_free(m);
}

static luxc_ai_model *decide_model(void)
{
    luxc_ai_model *m = basic_model();
    if (m) {
        double w[4] = {0, 1.0, 0, 0};
        (void)luxc_ai_model_set_weights(m, w, 4, 0.5);
    }
    return m;
}

static void bench_decide(luxc_bench_b *b)
{
    luxc_ai_model *m = decide_model();
    if (m == NULL) {
        luxc_bench_fail(b, "model_new");
        return;
    }
    luxc_ai_decision d;
    int bad = 0;
    size_t len = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        bad |= luxc_ai_model_decide(m, &ref_block, &d);
        len += d.reasoning_len;
    }
    luxc_bench_stop_timer(b);
    luxc_bench_sink_u64(len);
    if (bad || d.action != LUXC_AI_APPROVE ||
        strcmp(d.reasoning, "Decision to approve based on score 10.500. Key factors: "
                            "[tx_count(10.00)]") != 0)
        luxc_bench_fail(b, "wrong decision");
    luxc_ai_model_free(m);
}

static void bench_score(luxc_bench_b *b)
{
    luxc_ai_model *m = decide_model();
    if (m == NULL) {
        luxc_bench_fail(b, "model_new");
        return;
    }
    double x[4], s = 0, c = 0, sink = 0;
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        bad |= luxc_ai_extract_block_basic(&ref_block, x);
        bad |= luxc_ai_model_score(m, x, 4, &s, &c);
        sink += c;
    }
    luxc_bench_stop_timer(b);
    luxc_bench_sink_double(sink);
    if (bad || s != 10.5)
        luxc_bench_fail(b, "wrong score");
    luxc_ai_model_free(m);
}

static void bench_learn(luxc_bench_b *b)
{
    luxc_ai_model *m = basic_model();
    if (m == NULL) {
        luxc_bench_fail(b, "model_new");
        return;
    }
    luxc_ai_example ex = {.input = &ref_block, .feedback = 1.0, .weight = 1.0};
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        bad |= luxc_ai_model_learn(m, &ex, 1, NULL);
    luxc_bench_stop_timer(b);
    if (bad || luxc_ai_model_history_len(m) != (b->n < 10000 ? b->n : 10000))
        luxc_bench_fail(b, "learn failed");
    luxc_ai_model_free(m);
}

static void bench_features(luxc_bench_b *b)
{
    double x[4], sink = 0;
    int bad = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        bad |= luxc_ai_extract_block_basic(&ref_block, x);
        sink += x[3];
    }
    luxc_bench_sink_double(sink);
    if (bad)
        luxc_bench_fail(b, "extract failed");
}

/* Sigmoid(i % 100) for every i, as the reference. Lane j of 16 handles
 * i = k + j; its argument x[j] == (k + j) % 100 is kept incrementally
 * (+16, minus 100 on wrap: exact in doubles) instead of by a vector
 * integer modulo. Each sigmoid is computed in full from its own argument
 * (with AVX-512: luxc_ai_sigmoid_pd8 on two vectors of 8 lanes, the
 * kernel luxc_ai_sigmoid_batch runs; else the scalar inline kernel,
 * which the compiler may vectorise); the lanes' final arguments are
 * checked against i % 100. SigmoidScalar below is the same work one
 * kernel at a time, SigmoidCall one public call at a time. */
#define SIG_LANES 16
static void bench_sigmoid(luxc_bench_b *b)
{
    double x[SIG_LANES], sink = 0;
    uint64_t i = 0;
#ifdef LUXC_AI_HAVE_SIGMOID_PD8
    const __m512d step = _mm512_set1_pd(SIG_LANES), hundred = _mm512_set1_pd(100.0);
    __m512d x0 = _mm512_setr_pd(0, 1, 2, 3, 4, 5, 6, 7);
    __m512d x1 = _mm512_setr_pd(8, 9, 10, 11, 12, 13, 14, 15);
    __m512d acc0 = _mm512_setzero_pd(), acc1 = _mm512_setzero_pd();
    for (; i + SIG_LANES <= b->n; i += SIG_LANES) {
        acc0 = _mm512_add_pd(acc0, luxc_ai_sigmoid_pd8(x0));
        acc1 = _mm512_add_pd(acc1, luxc_ai_sigmoid_pd8(x1));
        __m512d y0 = _mm512_add_pd(x0, step), y1 = _mm512_add_pd(x1, step);
        x0 = _mm512_mask_sub_pd(y0, _mm512_cmp_pd_mask(y0, hundred, _CMP_GE_OQ), y0, hundred);
        x1 = _mm512_mask_sub_pd(y1, _mm512_cmp_pd_mask(y1, hundred, _CMP_GE_OQ), y1, hundred);
    }
    _mm512_storeu_pd(x, x0);
    _mm512_storeu_pd(x + 8, x1);
    sink = _mm512_reduce_add_pd(_mm512_add_pd(acc0, acc1));
#else
    double acc[SIG_LANES];
    for (int j = 0; j < SIG_LANES; j++) {
        acc[j] = 0;
        x[j] = (double)j;
    }
    for (; i + SIG_LANES <= b->n; i += SIG_LANES) {
        for (int j = 0; j < SIG_LANES; j++) {
            acc[j] += luxc_ai_sigmoid_kernel(x[j]);
            double y = x[j] + SIG_LANES;
            x[j] = y >= 100.0 ? y - 100.0 : y;
        }
    }
    for (int j = 0; j < SIG_LANES; j++)
        sink += acc[j];
#endif
    int drift = 0;
    for (int j = 0; j < SIG_LANES; j++)
        drift |= x[j] != (double)((i + (uint64_t)j) % 100);
    for (; i < b->n; i++)
        sink += luxc_ai_sigmoid_kernel((double)(i % 100));
    luxc_bench_sink_double(sink);
    if (drift)
        luxc_bench_fail(b, "lane arguments drifted from i % 100");
}

static void bench_sigmoid_scalar(luxc_bench_b *b)
{
    double sink = 0;
    for (uint64_t i = 0; i < b->n; i++)
        sink += luxc_ai_sigmoid_kernel((double)(i % 100));
    luxc_bench_sink_double(sink);
}

/* SigmoidScalar through the public function: what a caller outside
 * libluxc pays (a call per element; the loop cannot be vectorised). */
static void bench_sigmoid_call(luxc_bench_b *b)
{
    double sink = 0;
    for (uint64_t i = 0; i < b->n; i++)
        sink += luxc_ai_sigmoid((double)(i % 100));
    luxc_bench_sink_double(sink);
}

#define BATCH 1024u

static void bench_sigmoid_batch(luxc_bench_b *b)
{
    double *x = malloc(BATCH * sizeof *x), *y = malloc(BATCH * sizeof *y);
    if (x == NULL || y == NULL) {
        free(x);
        free(y);
        luxc_bench_fail(b, "malloc");
        return;
    }
    for (size_t i = 0; i < BATCH; i++)
        x[i] = (double)(i % 100);
    double sink = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        luxc_ai_sigmoid_batch(y, x, BATCH);
        sink += y[i % BATCH];
    }
    luxc_bench_stop_timer(b);
    luxc_bench_set_ops(b, b->n * BATCH);
    luxc_bench_sink_double(sink);
    free(x);
    free(y);
}

static void bench_decide_batch(luxc_bench_b *b)
{
    luxc_ai_model *m = decide_model();
    double *xt = malloc(4 * BATCH * sizeof *xt), *c = malloc(BATCH * sizeof *c);
    uint8_t *ap = malloc(BATCH);
    if (m == NULL || xt == NULL || c == NULL || ap == NULL) {
        luxc_bench_fail(b, "setup");
        goto out;
    }
    for (size_t r = 0; r < BATCH; r++) {
        xt[0 * BATCH + r] = 100.0 + (double)r;
        xt[1 * BATCH + r] = (double)(r % 20);
        xt[2 * BATCH + r] = 2048;
        xt[3 * BATCH + r] = 50000;
    }
    int bad = 0;
    double sink = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        bad |= luxc_ai_model_decide_batch(m, xt, BATCH, NULL, c, ap);
        sink += c[i % BATCH] + ap[i % BATCH];
    }
    luxc_bench_stop_timer(b);
    luxc_bench_set_ops(b, b->n * BATCH);
    luxc_bench_sink_double(sink);
    if (bad)
        luxc_bench_fail(b, "decide_batch failed");
out:
    free(xt);
    free(c);
    free(ap);
    luxc_ai_model_free(m);
}

const luxc_bench_case luxc_bench_cases_ai[] = {
    {"UpdateChain", bench_update_chain, 121.2, 16, 1, NULL, NULL},
    {"GetState", bench_get_state, 213.0, 432, 5, NULL, NULL},
    {"ShouldUpgrade", bench_should_upgrade, 529.5, 792, 12, NULL, NULL},
    {"ConcurrentAccess", bench_concurrent_access, 641.2, 480, 7, NULL, NULL},
    {"OrthogonalProcessing", bench_orthogonal, 2029, 2704, 22, NULL, NULL},
    {"SimpleModelDecide", bench_decide, 1516, 912, 18, NULL, NULL},
    {"SimpleModelLearn", bench_learn, 628.0, 2328, 2, NULL, NULL},
    {"FeatureExtraction", bench_features, 36.97, 0, 0, NULL, NULL},
    {"Sigmoid", bench_sigmoid, 5.6, 0, 0, NULL, NULL},
    {"SigmoidScalar", bench_sigmoid_scalar, 0, 0, 0, NULL, NULL},
    {"SigmoidCall", bench_sigmoid_call, 0, 0, 0, NULL, NULL},
    {"SigmoidBatch", bench_sigmoid_batch, 0, 0, 0, "per element", NULL},
    {"DecideBatch", bench_decide_batch, 0, 0, 0, "per row", NULL},
    {"SimpleModelScore", bench_score, 0, 0, 0, NULL, NULL},
    {0},
};
