/* model.c - the logistic model: decide, learn, validate, weight updates,
 * history ring (SPEC section 2, "SimpleModel").
 * Owns: luxc_ai_model's life cycle and its arithmetic. Not here: the text
 * of the reasoning (reasoning.c), save/load (model_io.c), batch forms
 * (batch.c). Decide and learn allocate nothing and take no locks; see
 * luxc/ai_model.h for the thread rules. */
#include "model_internal.h"
#include "sigmoid_kernel.h"

#include <math.h>
#include <stdlib.h>
#include <sys/random.h>
#include <time.h>

const char *luxc_ai_action_name(int action)
{
    switch (action) {
    case LUXC_AI_REJECT: return "reject";
    case LUXC_AI_APPROVE: return "approve";
    case LUXC_AI_DEFER: return "defer";
    default: return "unknown";
    }
}

static int64_t realtime_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t model_now(const luxc_ai_model *m)
{
    return m->clock ? m->clock(m->clock_ctx) : realtime_ns();
}

/* The time an extractor sees: none needed for timeless ones (learn and
 * score paths have no record to stamp). */
static int64_t extract_now(const luxc_ai_model *m)
{
    return m->timeless ? 0 : model_now(m);
}

/* splitmix64's finaliser: a bijection on 64-bit words, so distinct
 * counters give distinct ids. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * UINT64_C(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)) * UINT64_C(0x94d049bb133111eb);
    return z ^ (z >> 31);
}

static int check_schema(const luxc_ai_extractor *ex)
{
    if (ex->n_features == 0 || ex->names == NULL || ex->extract == NULL)
        return LUXC_EINVAL;
    if (ex->n_features > LUXC_AI_MAX_FEATURES)
        return LUXC_ETOOBIG;
    for (size_t i = 0; i < ex->n_features; i++) {
        const char *a = ex->names[i];
        if (a == NULL || a[0] == '\0')
            return LUXC_EINVAL;
        if (strnlen(a, LUXC_AI_FEATURE_NAME_MAX + 1) > LUXC_AI_FEATURE_NAME_MAX)
            return LUXC_ETOOBIG;
        for (size_t j = 0; j < i; j++)
            if (strcmp(a, ex->names[j]) == 0)
                return LUXC_EINVAL;
    }
    return LUXC_OK;
}

int luxc_ai_model_new(luxc_ai_model **out, const luxc_ai_model_cfg *cfg)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    if (cfg == NULL || cfg->extractor == NULL || cfg->node_id == NULL || cfg->node_id[0] == '\0')
        return LUXC_EINVAL;
    size_t nl = strnlen(cfg->node_id, LUXC_AI_NODE_ID_MAX + 1);
    if (nl > LUXC_AI_NODE_ID_MAX)
        return LUXC_ETOOBIG;
    int rc = check_schema(cfg->extractor);
    if (rc != LUXC_OK)
        return rc;
    double lr = cfg->learning_rate == 0.0 ? 0.01 : cfg->learning_rate;
    if (!isfinite(lr) || lr <= 0.0)
        return LUXC_ERANGE;
    size_t cap = cfg->history_cap ? cfg->history_cap : LUXC_AI_HISTORY_MAX;
    if (cap > LUXC_AI_HISTORY_MAX)
        return LUXC_ETOOBIG;

    luxc_ai_model *m = calloc(1, sizeof *m);
    if (m == NULL)
        return LUXC_ENOMEM;
    size_t n = cfg->extractor->n_features;
    m->hist = calloc(cap * (n + 2), sizeof(double));
    if (m->hist == NULL) {
        free(m);
        return LUXC_ENOMEM;
    }
    m->hist_cap = cap;
    m->n = n;
    m->lr = lr;
    m->extract = cfg->extractor->extract;
    m->timeless = cfg->extractor->timeless != 0;
    m->clock = cfg->clock;
    m->clock_ctx = cfg->clock_ctx;
    m->normalize = cfg->normalize != 0;
    (void)luxc_ai_normalizer_init(&m->nz, n);
    m->node_len = nl;
    memcpy(m->node_id, cfg->node_id, nl);
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(cfg->extractor->names[i]);
        memcpy(m->names[i], cfg->extractor->names[i], l);
        m->name_len[i] = (uint8_t)l;
    }
    m->salt = cfg->id_salt;
    if (m->salt == 0 && getrandom(&m->salt, sizeof m->salt, 0) != (ssize_t)sizeof m->salt)
        m->salt = (uint64_t)realtime_ns() ^ (uint64_t)(uintptr_t)m;
    atomic_init(&m->seq, 0);
    *out = m;
    return LUXC_OK;
}

void luxc_ai_model_free(luxc_ai_model *m)
{
    if (m == NULL)
        return;
    free(m->hist);
    free(m);
}

size_t luxc_ai_model_n_features(const luxc_ai_model *m) { return m ? m->n : 0; }

const char *luxc_ai_model_feature_name(const luxc_ai_model *m, size_t i)
{
    return (m && i < m->n) ? m->names[i] : NULL;
}

int luxc_ai_model_feature_index(const luxc_ai_model *m, const char *name)
{
    if (m == NULL || name == NULL)
        return LUXC_EINVAL;
    for (size_t i = 0; i < m->n; i++)
        if (strcmp(m->names[i], name) == 0)
            return (int)i;
    return LUXC_ENOTFOUND;
}

double luxc_ai_model_learning_rate(const luxc_ai_model *m) { return m ? m->lr : 0.0; }

/* Features the model computes on: x itself, or x standardised. */
static const double *model_view(const luxc_ai_model *m, const double *x, double *z)
{
    if (!m->normalize)
        return x;
    (void)luxc_ai_normalizer_apply(&m->nz, z, x);
    return z;
}

static double dot_bias(const luxc_ai_model *m, const double *x)
{
    double s = m->bias;
    for (size_t f = 0; f < m->n; f++)
        s += m->w[f] * x[f];
    return s;
}

int luxc_ai_model_score(const luxc_ai_model *m, const double *x, size_t n, double *score,
                        double *confidence)
{
    if (m == NULL || x == NULL || n != m->n)
        return LUXC_EINVAL;
    double z[LUXC_AI_MAX_FEATURES];
    double s = dot_bias(m, model_view(m, x, z));
    /* A NaN or infinite feature (or an overflow) makes the score non-finite:
     * w * Inf is +-Inf or, for w = 0, NaN. */
    if (!isfinite(s))
        return LUXC_ERANGE;
    if (score)
        *score = s;
    if (confidence)
        *confidence = luxc_ai_sigmoid_kernel(s);
    return LUXC_OK;
}

/* Not common/hex.h: the id is no secret, and libsodium's constant-time
 * encoder through a byte buffer made SimpleModelDecide 59 -> 74 ns/op
 * (five interleaved runs), a quarter of the whole decision. */
static void write_id(char id[LUXC_AI_DECISION_IDBYTES], uint64_t v)
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 15; i >= 0; i--) {
        id[i] = hex[v & 15];
        v >>= 4;
    }
    id[16] = '\0';
}

static int decide_at(luxc_ai_model *m, const double *x, int64_t now, luxc_ai_decision *out)
{
    double z[LUXC_AI_MAX_FEATURES], infl[LUXC_AI_MAX_FEATURES];
    const double *v = model_view(m, x, z);
    double s = dot_bias(m, v);
    if (!isfinite(s))
        return LUXC_ERANGE;
    for (size_t f = 0; f < m->n; f++)
        infl[f] = fabs(m->w[f] * v[f]);
    out->action = s >= 0.0 ? LUXC_AI_APPROVE : LUXC_AI_REJECT;
    out->score = s;
    out->confidence = luxc_ai_sigmoid_kernel(s);
    out->timestamp_ns = now;
    /* Relaxed: the counter only has to hand out distinct values. */
    uint64_t seq = atomic_fetch_add_explicit(&m->seq, 1, memory_order_relaxed);
    write_id(out->id, mix64(seq + m->salt));
    memcpy(out->proposer, m->node_id, sizeof out->proposer); /* NUL-padded */
    out->reasoning_len = luxc_ai_reasoning_format(out->reasoning, sizeof out->reasoning,
                                                  out->action, s, m, infl, &out->key_factors);
    return LUXC_OK;
}

int luxc_ai_model_decide_x(luxc_ai_model *m, const double *x, size_t n, luxc_ai_decision *out)
{
    if (m == NULL || x == NULL || out == NULL || n != m->n)
        return LUXC_EINVAL;
    return decide_at(m, x, model_now(m), out);
}

int luxc_ai_model_decide(luxc_ai_model *m, const void *input, luxc_ai_decision *out)
{
    if (m == NULL || input == NULL || out == NULL)
        return LUXC_EINVAL;
    double x[LUXC_AI_MAX_FEATURES];
    int64_t now = model_now(m);
    int rc = m->extract(input, now, x);
    if (rc != LUXC_OK)
        return rc;
    return decide_at(m, x, now, out);
}

int luxc_ai_model_extract(const luxc_ai_model *m, const void *input, double *x)
{
    if (m == NULL || input == NULL || x == NULL)
        return LUXC_EINVAL;
    return m->extract(input, extract_now(m), x);
}

int luxc_ai_model_validate(const luxc_ai_model *m, const void *input, int their_action,
                           double their_confidence, double *out)
{
    if (m == NULL || input == NULL || out == NULL)
        return LUXC_EINVAL;
    if (their_action != LUXC_AI_APPROVE && their_action != LUXC_AI_REJECT)
        return LUXC_EINVAL;
    if (!(their_confidence >= 0.0 && their_confidence <= 1.0))
        return LUXC_ERANGE;
    double x[LUXC_AI_MAX_FEATURES], s, c;
    int rc = m->extract(input, extract_now(m), x);
    if (rc != LUXC_OK)
        return rc;
    rc = luxc_ai_model_score(m, x, m->n, &s, &c);
    if (rc != LUXC_OK)
        return rc;
    int ours = s >= 0.0 ? LUXC_AI_APPROVE : LUXC_AI_REJECT;
    double agreement = ours == their_action ? 1.0 : 0.0;
    *out = agreement * (1.0 - fabs(c - their_confidence)) * c;
    return LUXC_OK;
}

static void history_push(luxc_ai_model *m, const double *x, double feedback, double weight)
{
    size_t stride = m->n + 2, slot;
    if (m->hist_len < m->hist_cap) {
        slot = (m->hist_head + m->hist_len) % m->hist_cap;
        m->hist_len++;
    } else {
        slot = m->hist_head;
        m->hist_head = (m->hist_head + 1) % m->hist_cap;
    }
    double *d = m->hist + slot * stride;
    memcpy(d, x, m->n * sizeof *x);
    d[m->n] = feedback;
    d[m->n + 1] = weight;
}

static int learn_one(luxc_ai_model *m, const luxc_ai_example *e)
{
    double buf[LUXC_AI_MAX_FEATURES], z[LUXC_AI_MAX_FEATURES];
    if (!(e->feedback >= -1.0 && e->feedback <= 1.0))
        return LUXC_ERANGE;
    if (!(e->weight >= 0.0) || !isfinite(e->weight))
        return LUXC_ERANGE;
    const double *x = e->x;
    if (x == NULL) {
        if (e->input == NULL)
            return LUXC_EINVAL;
        int rc = m->extract(e->input, extract_now(m), buf);
        if (rc != LUXC_OK)
            return rc;
        x = buf;
    }
    for (size_t f = 0; f < m->n; f++)
        if (!isfinite(x[f]))
            return LUXC_ERANGE;
    const double *v = x;
    if (m->normalize) {
        (void)luxc_ai_normalizer_update(&m->nz, x);
        (void)luxc_ai_normalizer_apply(&m->nz, z, x);
        v = z;
    }
    double p = luxc_ai_sigmoid_kernel(dot_bias(m, v));
    double target = (e->feedback + 1.0) / 2.0;
    /* Same operation order as the reference, so results match it bit for
     * bit: grad = err * p * (1 - p) * x * weight; w += lr * grad. */
    double k = (target - p) * p * (1.0 - p);
    for (size_t f = 0; f < m->n; f++)
        m->w[f] += m->lr * (k * v[f] * e->weight);
    m->bias += m->lr * (k * e->weight);
    history_push(m, x, e->feedback, e->weight);
    return LUXC_OK;
}

int luxc_ai_model_learn(luxc_ai_model *m, const luxc_ai_example *ex, size_t count,
                        size_t *learned)
{
    if (learned)
        *learned = 0;
    if (m == NULL || ex == NULL || count == 0)
        return LUXC_EINVAL;
    for (size_t i = 0; i < count; i++) {
        int rc = learn_one(m, &ex[i]);
        if (rc != LUXC_OK)
            return rc;
        if (learned)
            *learned = i + 1;
    }
    return LUXC_OK;
}

int luxc_ai_model_update_weights(luxc_ai_model *m, const double *g, size_t n)
{
    if (m == NULL || g == NULL || n != m->n + 1)
        return LUXC_EINVAL;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(g[i]))
            return LUXC_ERANGE;
    for (size_t f = 0; f < m->n; f++)
        m->w[f] -= m->lr * g[f];
    m->bias -= m->lr * g[m->n];
    return LUXC_OK;
}

int luxc_ai_model_get_weights(const luxc_ai_model *m, double *w, size_t n, double *bias)
{
    if (m == NULL || (w == NULL && n != 0) || (w != NULL && n != m->n))
        return LUXC_EINVAL;
    if (w)
        memcpy(w, m->w, m->n * sizeof *w);
    if (bias)
        *bias = m->bias;
    return LUXC_OK;
}

int luxc_ai_model_set_weights(luxc_ai_model *m, const double *w, size_t n, double bias)
{
    if (m == NULL || w == NULL || n != m->n)
        return LUXC_EINVAL;
    if (!isfinite(bias))
        return LUXC_ERANGE;
    for (size_t f = 0; f < n; f++)
        if (!isfinite(w[f]))
            return LUXC_ERANGE;
    memcpy(m->w, w, n * sizeof *w);
    m->bias = bias;
    return LUXC_OK;
}

size_t luxc_ai_model_history_len(const luxc_ai_model *m) { return m ? m->hist_len : 0; }

int luxc_ai_model_history_get(const luxc_ai_model *m, size_t i, double *x, double *feedback,
                              double *weight)
{
    if (m == NULL)
        return LUXC_EINVAL;
    if (i >= m->hist_len)
        return LUXC_ENOTFOUND;
    const double *d = m->hist + ((m->hist_head + i) % m->hist_cap) * (m->n + 2);
    if (x)
        memcpy(x, d, m->n * sizeof *x);
    if (feedback)
        *feedback = d[m->n];
    if (weight)
        *weight = d[m->n + 1];
    return LUXC_OK;
}
