/* pipeline.c - the module pipeline: inference -> decision -> learning ->
 * coordination, with real modules (see luxc/ai_pipeline.h).
 * Owns: luxc_ai_pipeline, its built-in modules and its inbox.
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h).
 *
 * Locks: `inbox_mu` guards the outcome queue and the peer table, filled by
 * report_outcome / peer_state from any thread. process drains them into
 * its own buffers under the lock, then runs every module unlocked. It is
 * the only lock; no callback runs under it. */
#include "luxc/ai_pipeline.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

enum kind { K_CUSTOM, K_INFER, K_DECIDE, K_LEARN, K_COORD };

typedef struct pending {
    uint64_t seq;
    double x[LUXC_AI_MAX_FEATURES];
} pending;

typedef struct module {
    int stage;
    enum kind kind;
    char id[LUXC_AI_MODULE_ID_MAX + 1];
    luxc_ai_model *model;
    double threshold, margin;
    pending *pend;                 /* learning: LUXC_AI_PIPELINE_PENDING */
    luxc_ai_module custom;
} module;

typedef struct outcome {
    uint64_t seq;
    int accepted;
} outcome;

typedef struct peer {
    size_t len;
    char id[LUXC_AI_NODE_ID_MAX + 1];
    double stake;
    size_t n;
    double v[LUXC_AI_MAX_FEATURES + 1]; /* weights then bias */
    int fresh;
} peer;

struct luxc_ai_pipeline {
    module mods[LUXC_AI_PIPELINE_MAX_MODULES];
    size_t n_mods;
    uint64_t seq;
    char self_id[LUXC_AI_NODE_ID_MAX + 1];
    double self_stake;
    luxc_ai_node_weights *weights;
    luxc_ai_share_fn share;
    void *share_ctx;
    pthread_mutex_t inbox_mu;
    outcome inbox[LUXC_AI_PIPELINE_INBOX];
    size_t n_inbox;
    peer peers[LUXC_AI_PIPELINE_MAX_PEERS];
    size_t n_peers;
    /* process's private copies of the drained inbox */
    outcome work_out[LUXC_AI_PIPELINE_INBOX];
    peer work_peers[LUXC_AI_PIPELINE_MAX_PEERS];
};

int luxc_ai_pipeline_new(luxc_ai_pipeline **out, const luxc_ai_pipeline_cfg *cfg)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    if (cfg == NULL || cfg->self_id == NULL || cfg->self_id[0] == '\0')
        return LUXC_EINVAL;
    size_t l = strnlen(cfg->self_id, LUXC_AI_NODE_ID_MAX + 1);
    if (l > LUXC_AI_NODE_ID_MAX)
        return LUXC_ETOOBIG;
    double stake = cfg->self_stake == 0.0 ? 1.0 : cfg->self_stake;
    if (!isfinite(stake) || stake < 0.0)
        return LUXC_ERANGE;
    luxc_ai_pipeline *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LUXC_ENOMEM;
    if (pthread_mutex_init(&p->inbox_mu, NULL) != 0) {
        free(p);
        return LUXC_ENOMEM;
    }
    memcpy(p->self_id, cfg->self_id, l);
    p->self_stake = stake;
    p->weights = cfg->weights;
    p->share = cfg->share;
    p->share_ctx = cfg->share_ctx;
    *out = p;
    return LUXC_OK;
}

void luxc_ai_pipeline_free(luxc_ai_pipeline *p)
{
    if (p == NULL)
        return;
    for (size_t i = 0; i < p->n_mods; i++)
        free(p->mods[i].pend);
    pthread_mutex_destroy(&p->inbox_mu);
    free(p);
}

static int add(luxc_ai_pipeline *p, const char *id, int stage, enum kind kind, module **out)
{
    if (p == NULL || id == NULL || id[0] == '\0')
        return LUXC_EINVAL;
    size_t l = strnlen(id, LUXC_AI_MODULE_ID_MAX + 1);
    if (l > LUXC_AI_MODULE_ID_MAX)
        return LUXC_ETOOBIG;
    for (size_t i = 0; i < p->n_mods; i++)
        if (strcmp(p->mods[i].id, id) == 0)
            return LUXC_EEXIST;
    if (p->n_mods == LUXC_AI_PIPELINE_MAX_MODULES)
        return LUXC_EFULL;
    module *m = &p->mods[p->n_mods];
    memset(m, 0, sizeof *m);
    memcpy(m->id, id, l);
    m->stage = stage;
    m->kind = kind;
    *out = m;
    return LUXC_OK;
}

int luxc_ai_pipeline_add_inference(luxc_ai_pipeline *p, const char *id, luxc_ai_model *mdl)
{
    module *m;
    if (mdl == NULL)
        return LUXC_EINVAL;
    int rc = add(p, id, LUXC_AI_STAGE_INFERENCE, K_INFER, &m);
    if (rc == LUXC_OK) {
        m->model = mdl;
        p->n_mods++;
    }
    return rc;
}

int luxc_ai_pipeline_add_decision(luxc_ai_pipeline *p, const char *id, double threshold,
                                  double margin)
{
    module *m;
    if (!(threshold > 0.0 && threshold < 1.0) || !(margin >= 0.0 && margin < 0.5))
        return p == NULL ? LUXC_EINVAL : LUXC_ERANGE;
    int rc = add(p, id, LUXC_AI_STAGE_DECISION, K_DECIDE, &m);
    if (rc == LUXC_OK) {
        m->threshold = threshold;
        m->margin = margin;
        p->n_mods++;
    }
    return rc;
}

int luxc_ai_pipeline_add_learning(luxc_ai_pipeline *p, const char *id, luxc_ai_model *mdl)
{
    module *m;
    if (mdl == NULL)
        return LUXC_EINVAL;
    int rc = add(p, id, LUXC_AI_STAGE_LEARNING, K_LEARN, &m);
    if (rc != LUXC_OK)
        return rc;
    m->pend = calloc(LUXC_AI_PIPELINE_PENDING, sizeof *m->pend);
    if (m->pend == NULL)
        return LUXC_ENOMEM;
    m->model = mdl;
    p->n_mods++;
    return LUXC_OK;
}

int luxc_ai_pipeline_add_coordination(luxc_ai_pipeline *p, const char *id,
                                      luxc_ai_model *mdl)
{
    module *m;
    if (mdl == NULL)
        return LUXC_EINVAL;
    int rc = add(p, id, LUXC_AI_STAGE_COORDINATION, K_COORD, &m);
    if (rc == LUXC_OK) {
        m->model = mdl;
        p->n_mods++;
    }
    return rc;
}

int luxc_ai_pipeline_add_module(luxc_ai_pipeline *p, const luxc_ai_module *mod)
{
    module *m;
    if (mod == NULL || mod->process == NULL || mod->stage < LUXC_AI_STAGE_INFERENCE ||
        mod->stage > LUXC_AI_STAGE_COORDINATION)
        return LUXC_EINVAL;
    int rc = add(p, mod->id, mod->stage, K_CUSTOM, &m);
    if (rc == LUXC_OK) {
        m->custom = *mod;
        m->custom.id = m->id;
        p->n_mods++;
    }
    return rc;
}

int luxc_ai_pipeline_report_outcome(luxc_ai_pipeline *p, uint64_t seq, int accepted)
{
    if (p == NULL || seq == 0)
        return LUXC_EINVAL;
    int rc = LUXC_OK;
    pthread_mutex_lock(&p->inbox_mu);
    if (p->n_inbox == LUXC_AI_PIPELINE_INBOX)
        rc = LUXC_EFULL;
    else
        p->inbox[p->n_inbox++] = (outcome){seq, accepted != 0};
    pthread_mutex_unlock(&p->inbox_mu);
    return rc;
}

int luxc_ai_pipeline_peer_state(luxc_ai_pipeline *p, const char *peer_id, double stake,
                                const double *w, size_t n, double bias)
{
    if (p == NULL || peer_id == NULL || peer_id[0] == '\0' || w == NULL || n == 0)
        return LUXC_EINVAL;
    size_t l = strnlen(peer_id, LUXC_AI_NODE_ID_MAX + 1);
    if (l > LUXC_AI_NODE_ID_MAX || n > LUXC_AI_MAX_FEATURES)
        return LUXC_ETOOBIG;
    if (!isfinite(stake) || stake < 0.0 || !isfinite(bias))
        return LUXC_ERANGE;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(w[i]))
            return LUXC_ERANGE;
    int rc = LUXC_OK;
    pthread_mutex_lock(&p->inbox_mu);
    peer *pe = NULL;
    for (size_t i = 0; i < p->n_peers; i++)
        if (p->peers[i].len == l && memcmp(p->peers[i].id, peer_id, l) == 0)
            pe = &p->peers[i];
    if (pe == NULL) {
        if (p->n_peers == LUXC_AI_PIPELINE_MAX_PEERS) {
            rc = LUXC_EFULL;
        } else {
            pe = &p->peers[p->n_peers++];
            pe->len = l;
            memcpy(pe->id, peer_id, l);
            pe->id[l] = '\0';
        }
    }
    if (pe) {
        pe->stake = stake;
        pe->n = n;
        memcpy(pe->v, w, n * sizeof *w);
        pe->v[n] = bias;
        pe->fresh = 1;
    }
    pthread_mutex_unlock(&p->inbox_mu);
    return rc;
}

/* ---- stages ---------------------------------------------------------------- */

static int run_infer(module *m, const luxc_ai_input *in, luxc_ai_pipeline_result *io)
{
    double xb[LUXC_AI_MAX_FEATURES], s, c;
    size_t n = luxc_ai_model_n_features(m->model);
    const double *x = in->x;
    if (x != NULL) {
        if (in->nx != n)
            return LUXC_EINVAL;
    } else {
        if (in->data == NULL)
            return LUXC_EINVAL;
        int rc = luxc_ai_model_extract(m->model, in->data, xb);
        if (rc != LUXC_OK)
            return rc;
        x = xb;
    }
    int rc = luxc_ai_model_score(m->model, x, n, &s, &c);
    if (rc != LUXC_OK)
        return rc;
    luxc_ai_analysis *a = &io->analysis;
    if (a->sources == 0) {
        a->nx = n;
        memcpy(a->x, x, n * sizeof *x);
    }
    /* Running mean over the sources. */
    a->sources++;
    a->score += (s - a->score) / a->sources;
    a->confidence += (c - a->confidence) / a->sources;
    a->risk = 1.0 - a->confidence;
    a->valid = a->score >= 0.0;
    return LUXC_OK;
}

static void run_decide(const module *m, luxc_ai_pipeline_result *io)
{
    double c = io->analysis.confidence, t = m->threshold, g = m->margin;
    luxc_ai_choice *d = &io->decision;
    d->n_alternatives = 2;
    if (c >= t + g) {
        d->action = LUXC_AI_APPROVE;
        d->confidence = c;
        d->alternatives[0] = LUXC_AI_DEFER;
        d->alternatives[1] = LUXC_AI_REJECT;
    } else if (c < t - g) {
        d->action = LUXC_AI_REJECT;
        d->confidence = 1.0 - c;
        d->alternatives[0] = LUXC_AI_DEFER;
        d->alternatives[1] = LUXC_AI_APPROVE;
    } else {
        d->action = LUXC_AI_DEFER;
        d->confidence = g > 0.0 ? 1.0 - fabs(c - t) / g : 1.0;
        d->alternatives[0] = c >= t ? LUXC_AI_APPROVE : LUXC_AI_REJECT;
        d->alternatives[1] = c >= t ? LUXC_AI_REJECT : LUXC_AI_APPROVE;
    }
}

static int run_learn(module *m, const outcome *outs, size_t n_out,
                     luxc_ai_pipeline_result *io)
{
    size_t nf = luxc_ai_model_n_features(m->model);
    for (size_t i = 0; i < n_out; i++) {
        pending *pd = &m->pend[outs[i].seq % LUXC_AI_PIPELINE_PENDING];
        if (pd->seq != outs[i].seq)
            continue; /* unknown, or too old: forgotten */
        luxc_ai_example ex = {NULL, pd->x, outs[i].accepted ? 1.0 : -1.0, 1.0};
        int rc = luxc_ai_model_learn(m->model, &ex, 1, NULL);
        if (rc != LUXC_OK)
            return rc;
        pd->seq = 0; /* learn each outcome once */
        io->learned++;
    }
    if (io->analysis.nx == nf) {
        pending *pd = &m->pend[io->decision.seq % LUXC_AI_PIPELINE_PENDING];
        pd->seq = io->decision.seq;
        memcpy(pd->x, io->analysis.x, nf * sizeof *pd->x);
    }
    return LUXC_OK;
}

static double node_weight(luxc_ai_pipeline *p, const char *id)
{
    double w = LUXC_AI_NODE_WEIGHT_NEW;
    if (p->weights)
        (void)luxc_ai_node_weights_get(p->weights, id, &w);
    return w;
}

static int run_coord(luxc_ai_pipeline *p, module *m, const peer *peers, size_t n_peers,
                     luxc_ai_pipeline_result *io)
{
    size_t nf = luxc_ai_model_n_features(m->model);
    double own[LUXC_AI_MAX_FEATURES + 1];
    (void)luxc_ai_model_get_weights(m->model, own, nf, &own[nf]);
    if (n_peers > 0) {
        const double *vec[LUXC_AI_PIPELINE_MAX_PEERS + 1];
        double stake[LUXC_AI_PIPELINE_MAX_PEERS + 1];
        size_t k = 0;
        vec[k] = own;
        stake[k++] = p->self_stake * node_weight(p, p->self_id);
        for (size_t i = 0; i < n_peers; i++) {
            if (peers[i].n != nf)
                continue;
            vec[k] = peers[i].v;
            stake[k++] = peers[i].stake * node_weight(p, peers[i].id);
        }
        if (k > 1) {
            double merged[LUXC_AI_MAX_FEATURES + 1];
            int rc = luxc_ai_merge_weighted(merged, vec, stake, k, nf + 1);
            if (rc == LUXC_OK)
                rc = luxc_ai_model_set_weights(m->model, merged, nf, merged[nf]);
            if (rc != LUXC_OK && rc != LUXC_EINVAL) /* EINVAL: all stake 0 */
                return rc;
            if (rc == LUXC_OK) {
                memcpy(own, merged, (nf + 1) * sizeof *own);
                io->merged += (uint32_t)(k - 1);
            }
        }
    }
    if (p->share) {
        p->share(p->share_ctx, p->self_id, own, nf, own[nf]);
        io->shared++;
    }
    return LUXC_OK;
}

static int run_stage(luxc_ai_pipeline *p, int stage, const luxc_ai_input *in,
                     luxc_ai_pipeline_result *io, size_t n_out, size_t n_peers)
{
    for (size_t i = 0; i < p->n_mods; i++) {
        module *m = &p->mods[i];
        if (m->stage != stage)
            continue;
        int rc = LUXC_OK;
        switch (m->kind) {
        case K_INFER: rc = run_infer(m, in, io); break;
        case K_DECIDE: run_decide(m, io); break;
        case K_LEARN: rc = run_learn(m, p->work_out, n_out, io); break;
        case K_COORD: rc = run_coord(p, m, p->work_peers, n_peers, io); break;
        case K_CUSTOM: rc = m->custom.process(m->custom.ctx, in, io); break;
        }
        if (rc != LUXC_OK)
            return rc > 0 ? LUXC_EINVAL : rc;
    }
    return LUXC_OK;
}

int luxc_ai_pipeline_process(luxc_ai_pipeline *p, const luxc_ai_input *in,
                             luxc_ai_pipeline_result *out)
{
    if (p == NULL || in == NULL || out == NULL)
        return LUXC_EINVAL;
    if (in->type < LUXC_AI_INPUT_BLOCK || in->type > LUXC_AI_INPUT_QUERY)
        return LUXC_EINVAL;
    memset(out, 0, sizeof *out);
    out->analysis.confidence = 0.5; /* no evidence yet */
    out->analysis.risk = 0.5;
    out->decision.action = LUXC_AI_DEFER;

    int rc = run_stage(p, LUXC_AI_STAGE_INFERENCE, in, out, 0, 0);
    if (rc != LUXC_OK)
        return rc;
    out->decision.seq = ++p->seq;
    rc = run_stage(p, LUXC_AI_STAGE_DECISION, in, out, 0, 0);
    if (rc != LUXC_OK)
        return rc;

    /* Drain the inbox: outcomes for the learners, fresh peer states for
     * the coordinators. */
    size_t n_out = 0, n_peers = 0;
    pthread_mutex_lock(&p->inbox_mu);
    if (p->n_inbox) {
        n_out = p->n_inbox;
        memcpy(p->work_out, p->inbox, n_out * sizeof *p->inbox);
        p->n_inbox = 0;
    }
    for (size_t i = 0; i < p->n_peers; i++) {
        if (p->peers[i].fresh) {
            p->work_peers[n_peers++] = p->peers[i];
            p->peers[i].fresh = 0;
        }
    }
    pthread_mutex_unlock(&p->inbox_mu);

    rc = run_stage(p, LUXC_AI_STAGE_LEARNING, in, out, n_out, n_peers);
    if (rc != LUXC_OK)
        return rc;
    return run_stage(p, LUXC_AI_STAGE_COORDINATION, in, out, n_out, n_peers);
}
