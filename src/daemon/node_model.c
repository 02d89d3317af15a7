/* node_model.c - the ai layer's logistic model as the node's proposal
 * scorer (luxc_node_model): features from the block extractor
 * (height, tx_count, age, hash complexity, ...) with running normalisation,
 * learning +1 for the block that became final and -1 for the ones that
 * lost, and weights persisted in the store.
 * Owns: translating chain blocks into ai inputs. */
#include "node_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "chain/json_util.h"
#include "common/logfmt.h"
#include "luxc/chain_block.h"

#define MODEL_BLOB "model"
#define MODEL_BLOB_MAX 4096u

struct luxc_node_ai {
    luxc_ai_model *model;
    luxc_ai_model *upgrade; /* upgrade extractor: this node's upgrade votes */
    luxc_log_fn log;
    void *log_ctx;
    luxc_store *store;
    const luxc_genesis *genesis;
    uint64_t learned;
};

/* The ai view of an encoded chain block; hash is the id in hex. */
static int to_ai_block(const luxc_node_ai *a, const uint8_t *block, size_t len, luxc_ai_block *out,
                       char hash[65])
{
    luxc_chain_block b;
    uint8_t id[32];
    if (luxc_chain_block_decode(&b, id, block, len) != LUXC_OK)
        return LUXC_EINVAL;
    luxc_hex_encode(hash, id, 32);
    memset(out, 0, sizeof *out);
    out->height = b.height;
    out->hash = hash;
    out->tx_count = b.tx_count;
    out->timestamp_ns = (int64_t)(b.timestamp_us * 1000u);
    out->size = len;
    out->gas_used = b.payload_len;
    out->validator = b.proposer < a->genesis->n_validators
                         ? a->genesis->validators[b.proposer].name
                         : "";
    return LUXC_OK;
}

static double score_cb(void *ctx, const uint8_t *block, size_t len, uint64_t now_us)
{
    (void)now_us;
    luxc_node_ai *a = ctx;
    luxc_ai_block b;
    char hash[65];
    double x[LUXC_AI_MAX_FEATURES], score, conf;
    if (to_ai_block(a, block, len, &b, hash) != LUXC_OK ||
        luxc_ai_model_extract(a->model, &b, x) != LUXC_OK ||
        luxc_ai_model_score(a->model, x, luxc_ai_model_n_features(a->model), &score, &conf) !=
            LUXC_OK)
        return -1.0; /* a block we cannot even describe is not preferred */
    return score;
}

static void learn_cb(void *ctx, const uint8_t *block, size_t len, double feedback)
{
    luxc_node_ai *a = ctx;
    luxc_ai_block b;
    char hash[65];
    if (to_ai_block(a, block, len, &b, hash) != LUXC_OK)
        return;
    luxc_ai_example ex = {.input = &b, .feedback = feedback, .weight = 1.0};
    if (luxc_ai_model_learn(a->model, &ex, 1, NULL) == LUXC_OK && ++a->learned % 64 == 0)
        luxc_node_ai_save(a, b.height);
}

/* The upgrade model starts from prior weights a careful operator would
 * hold: risk weighs against (-2 per unit of risk score), tests for (+0.02
 * each), sheer size slightly against (-0.01 per change); bias +0.5. So a
 * low-risk change with some tests is approved and a critical one without
 * tests rejected, until learning says otherwise. Feature order is the
 * upgrade extractor's: change_count, risk_score, test_count, age_hours,
 * version_entropy. */
static const double upgrade_prior[LUXC_AI_UPGRADE_FEATURES] = {-0.01, -2.0, 0.02, 0.0, 0.0};

static int upgrade_cb(void *ctx, const luxc_upgrade_proposal *u)
{
    luxc_node_ai *a = ctx;
    luxc_ai_upgrade in = {.version = u->version, .change_count = u->change_count,
                          .risk = luxc_upgrade_risk_name(u->risk), .test_count = u->test_count,
                          .timestamp_ns = (int64_t)(u->timestamp_us * 1000u)};
    luxc_ai_decision d;
    if (luxc_ai_model_decide(a->upgrade, &in, &d) != LUXC_OK)
        return 0; /* cannot judge it: vote against */
    if (a->log) {
        char v[80], why[256];
        luxc_log_emitf(a->log, a->log_ctx, LUXC_LOG_INFO, "upgrade vote",
                       "version=%s confidence=%.3f reasoning=%s",
                       luxc_logfmt_value(v, sizeof v, u->version), d.confidence,
                       luxc_logfmt_value(why, sizeof why, d.reasoning));
    }
    return d.action == LUXC_AI_APPROVE;
}

int luxc_node_ai_new(luxc_node_ai **out, const char *node_id, const luxc_genesis *g,
                     luxc_store *store)
{
    *out = NULL;
    luxc_node_ai *a = calloc(1, sizeof *a);
    if (!a)
        return LUXC_ENOMEM;
    a->store = store;
    a->genesis = g;
    luxc_ai_model_cfg mc = {.node_id = node_id, .extractor = &luxc_ai_extractor_block,
                            .normalize = 1};
    int rc = luxc_ai_model_new(&a->model, &mc);
    if (rc == LUXC_OK) {
        /* start approving (bias 0.5): an untrained model must not veto */
        double w[LUXC_AI_MAX_FEATURES] = {0};
        rc = luxc_ai_model_set_weights(a->model, w, luxc_ai_model_n_features(a->model), 0.5);
    }
    luxc_ai_model_cfg uc = {.node_id = node_id, .extractor = &luxc_ai_extractor_upgrade};
    if (rc == LUXC_OK)
        rc = luxc_ai_model_new(&a->upgrade, &uc);
    if (rc == LUXC_OK)
        rc = luxc_ai_model_set_weights(a->upgrade, upgrade_prior, LUXC_AI_UPGRADE_FEATURES, 0.5);
    if (rc == LUXC_OK && store) {
        uint8_t blob[MODEL_BLOB_MAX];
        size_t len;
        int lr = luxc_store_weights_get(store, MODEL_BLOB, NULL, blob, sizeof blob, &len);
        if (lr == LUXC_OK)
            rc = luxc_ai_model_load(a->model, blob, len);
        else if (lr != LUXC_ENOTFOUND)
            rc = lr;
    }
    if (rc != LUXC_OK) {
        luxc_node_ai_free(a);
        return rc;
    }
    *out = a;
    return LUXC_OK;
}

int luxc_node_ai_save(luxc_node_ai *a, uint64_t version)
{
    if (!a || !a->store)
        return LUXC_OK;
    uint8_t blob[MODEL_BLOB_MAX];
    size_t len;
    int rc = luxc_ai_model_save(a->model, blob, sizeof blob, &len);
    if (rc == LUXC_OK)
        rc = luxc_store_weights_put(a->store, MODEL_BLOB, version, blob, len);
    return rc;
}

luxc_node_model luxc_node_ai_hook(luxc_node_ai *a)
{
    return (luxc_node_model){score_cb, learn_cb, upgrade_cb, a};
}

void luxc_node_ai_free(luxc_node_ai *a)
{
    if (!a)
        return;
    luxc_ai_model_free(a->model);
    luxc_ai_model_free(a->upgrade);
    free(a);
}

void luxc_node_ai_set_log(luxc_node_ai *a, luxc_log_fn log, void *ctx)
{
    if (a) {
        a->log = log;
        a->log_ctx = ctx;
    }
}
