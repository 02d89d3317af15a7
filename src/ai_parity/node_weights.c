/* node_weights.c - per-node reputation weights updated by an exponential
 * moving average of performance (SPEC section 2):
 *   w <- 0.1 * perf + 0.9 * w, clamped to [0.01, 10]; new nodes 0.1.
 * Owns: luxc_ai_node_weights. Thread-safe: one mutex guards the table;
 * nothing is called under it. Lookups are linear (tables are small:
 * validator sets). Used by pipeline.c's coordination stage only.
* Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h). */
#include "luxc/ai_pipeline.h"

#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

typedef struct node {
    size_t len;
    char id[LUXC_AI_NODE_ID_MAX + 1];
    double w;
} node;

struct luxc_ai_node_weights {
    pthread_mutex_t mu;
    node *nodes;
    size_t n, cap;
};

int luxc_ai_node_weights_new(luxc_ai_node_weights **out, size_t max_nodes)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    size_t cap = max_nodes ? max_nodes : 1024;
    if (cap > (SIZE_MAX / sizeof(node)))
        return LUXC_ETOOBIG;
    luxc_ai_node_weights *t = calloc(1, sizeof *t);
    if (t == NULL)
        return LUXC_ENOMEM;
    t->nodes = calloc(cap, sizeof *t->nodes);
    if (t->nodes == NULL || pthread_mutex_init(&t->mu, NULL) != 0) {
        free(t->nodes);
        free(t);
        return LUXC_ENOMEM;
    }
    t->cap = cap;
    *out = t;
    return LUXC_OK;
}

void luxc_ai_node_weights_free(luxc_ai_node_weights *t)
{
    if (t == NULL)
        return;
    pthread_mutex_destroy(&t->mu);
    free(t->nodes);
    free(t);
}

static int id_len(const char *id, size_t *len)
{
    if (id == NULL || id[0] == '\0')
        return LUXC_EINVAL;
    *len = strnlen(id, LUXC_AI_NODE_ID_MAX + 1);
    return *len > LUXC_AI_NODE_ID_MAX ? LUXC_ETOOBIG : LUXC_OK;
}

static node *find(luxc_ai_node_weights *t, const char *id, size_t len)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->nodes[i].len == len && memcmp(t->nodes[i].id, id, len) == 0)
            return &t->nodes[i];
    return NULL;
}

int luxc_ai_node_weights_get(luxc_ai_node_weights *t, const char *node_id, double *w)
{
    size_t len;
    if (t == NULL || w == NULL)
        return LUXC_EINVAL;
    int rc = id_len(node_id, &len);
    if (rc != LUXC_OK)
        return rc;
    pthread_mutex_lock(&t->mu);
    node *nd = find(t, node_id, len);
    *w = nd ? nd->w : LUXC_AI_NODE_WEIGHT_NEW;
    pthread_mutex_unlock(&t->mu);
    return LUXC_OK;
}

int luxc_ai_node_weights_update(luxc_ai_node_weights *t, const char *node_id,
                                double performance, double *w)
{
    size_t len;
    if (t == NULL)
        return LUXC_EINVAL;
    int rc = id_len(node_id, &len);
    if (rc != LUXC_OK)
        return rc;
    if (!isfinite(performance))
        return LUXC_ERANGE;
    pthread_mutex_lock(&t->mu);
    node *nd = find(t, node_id, len);
    if (nd == NULL) {
        if (t->n == t->cap) {
            pthread_mutex_unlock(&t->mu);
            return LUXC_EFULL;
        }
        nd = &t->nodes[t->n++];
        nd->len = len;
        memcpy(nd->id, node_id, len);
        nd->id[len] = '\0';
        nd->w = LUXC_AI_NODE_WEIGHT_NEW;
    }
    double v = LUXC_AI_NODE_WEIGHT_ALPHA * performance + (1.0 - LUXC_AI_NODE_WEIGHT_ALPHA) * nd->w;
    v = v < LUXC_AI_NODE_WEIGHT_MIN ? LUXC_AI_NODE_WEIGHT_MIN : v;
    v = v > LUXC_AI_NODE_WEIGHT_MAX ? LUXC_AI_NODE_WEIGHT_MAX : v;
    nd->w = v;
    pthread_mutex_unlock(&t->mu);
    if (w)
        *w = v;
    return LUXC_OK;
}
