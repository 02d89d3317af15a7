/* luxc/ai_pipeline.h - the module pipeline ("orthogonal processing",
 * SPEC section 2) and node weights of the reference-parity layer
 * (luxc/ai_parity.h). The luxc node does not use them yet: they mirror
 * the Go reference so that OrthogonalProcessing times the same work here.
 *
 * Pipeline. luxc_ai_pipeline_process runs four stages in order, in the
 * calling thread:
 *  1. inference: each inference module scores the input with its model
 *     (features from input->x, or the model's extractor on input->data);
 *     the analysis is the mean score/confidence over the modules,
 *     risk = 1 - confidence, valid = score >= 0.
 *  2. decision: a threshold module turns the analysis confidence c into
 *     APPROVE (c >= threshold + margin), REJECT (c < threshold - margin) or
 *     DEFER, with a confidence and the other actions as alternatives, most
 *     plausible first; the decision gets a sequence number.
 *  3. learning: each learning module remembers (sequence, features) of the
 *     last LUXC_AI_PIPELINE_PENDING decisions, and learns from outcomes
 *     reported since the previous run (luxc_ai_pipeline_report_outcome:
 *     accepted -> feedback +1, rejected -> -1, weight 1).
 *  4. coordination: if peers sent model parameters since the previous run
 *     (luxc_ai_pipeline_peer_state), each coordination module replaces its
 *     model's weights and bias by the average of its own and the peers'
 *     vectors weighted by stake * node weight (luxc_ai_merge_weighted);
 *     then it hands its parameters to the share callback (gossip).
 * Custom modules (luxc_ai_module) can be added to any stage. The modules
 * of one stage, built-in or custom, run in the order they were added.
 *
 * Node weights. w <- 0.1 * performance + 0.9 * w, clamped to [0.01, 10];
 * a node never updated has weight 0.1 (and its first update starts from
 * 0.1).
 *
 * Thread safety: process, add_* and _free: one thread at a time (the
 * models the pipeline uses must not be used elsewhere meanwhile).
 * report_outcome and peer_state: any thread, concurrently with process
 * (they fill a mutex-protected inbox that process drains). The share
 * callback and custom modules run with no pipeline lock held. A
 * luxc_ai_node_weights table is thread-safe (one mutex). */
#ifndef LUXC_AI_PIPELINE_H
#define LUXC_AI_PIPELINE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/ai_model.h"
#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- node weights -------------------------------------------------------- */
#define LUXC_AI_NODE_WEIGHT_NEW 0.1
#define LUXC_AI_NODE_WEIGHT_MIN 0.01
#define LUXC_AI_NODE_WEIGHT_MAX 10.0
#define LUXC_AI_NODE_WEIGHT_ALPHA 0.1

typedef struct luxc_ai_node_weights luxc_ai_node_weights;

/* max_nodes 0 = 1024. On failure *out = NULL. LUXC_EINVAL, LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_ai_node_weights_new(luxc_ai_node_weights **out, size_t max_nodes);
LUXC_API
void luxc_ai_node_weights_free(luxc_ai_node_weights *t);
/* Weight of a node (LUXC_AI_NODE_WEIGHT_NEW if unknown). LUXC_EINVAL for
 * NULL, empty or over-long (> LUXC_AI_NODE_ID_MAX: LUXC_ETOOBIG) ids. */
LUXC_API
int luxc_ai_node_weights_get(luxc_ai_node_weights *t, const char *node_id, double *w);
/* Applies the EMA; *w (may be NULL) gets the new weight. LUXC_ERANGE if
 * performance is not finite, LUXC_EFULL if the table is full. */
LUXC_API
int luxc_ai_node_weights_update(luxc_ai_node_weights *t, const char *node_id,
                                double performance, double *w);

/* ---- pipeline ------------------------------------------------------------- */
#define LUXC_AI_PIPELINE_MAX_MODULES 16u
#define LUXC_AI_MODULE_ID_MAX 31u
#define LUXC_AI_PIPELINE_PENDING 256u  /* decisions a learner remembers */
#define LUXC_AI_PIPELINE_INBOX 256u    /* outcomes queued between runs */
#define LUXC_AI_PIPELINE_MAX_PEERS 64u

typedef enum luxc_ai_stage {
    LUXC_AI_STAGE_INFERENCE = 0,
    LUXC_AI_STAGE_DECISION = 1,
    LUXC_AI_STAGE_LEARNING = 2,
    LUXC_AI_STAGE_COORDINATION = 3,
} luxc_ai_stage;

typedef enum luxc_ai_input_type {
    LUXC_AI_INPUT_BLOCK = 0,
    LUXC_AI_INPUT_PROPOSAL = 1,
    LUXC_AI_INPUT_VOTE = 2,
    LUXC_AI_INPUT_QUERY = 3,
} luxc_ai_input_type;

typedef struct luxc_ai_input {
    int type;             /* luxc_ai_input_type */
    const void *data;     /* what the models' extractors read, or NULL */
    const double *x;      /* or ready features (nx of them) */
    size_t nx;
} luxc_ai_input;

typedef struct luxc_ai_analysis {
    double score, confidence, risk;
    int valid;
    uint32_t sources;     /* inference modules that contributed */
    size_t nx;
    double x[LUXC_AI_MAX_FEATURES]; /* features of the first source */
} luxc_ai_analysis;

typedef struct luxc_ai_choice {
    int action;           /* luxc_ai_action */
    double confidence;
    int alternatives[2];
    size_t n_alternatives;
    uint64_t seq;         /* decision sequence number, from 1 */
} luxc_ai_choice;

typedef struct luxc_ai_pipeline_result {
    luxc_ai_analysis analysis;
    luxc_ai_choice decision;
    uint32_t learned;     /* examples learned in stage 3 */
    uint32_t merged;      /* peer vectors merged in stage 4 */
    uint32_t shared;      /* share callbacks made */
} luxc_ai_pipeline_result;

/* A custom module: process may read the input and read/modify io.
 * Returns 0 or a LUXC_E* code (which stops the pipeline). */
typedef struct luxc_ai_module {
    int stage;            /* luxc_ai_stage */
    const char *id;       /* 1..LUXC_AI_MODULE_ID_MAX bytes, unique */
    int (*process)(void *ctx, const luxc_ai_input *in, luxc_ai_pipeline_result *io);
    void *ctx;
} luxc_ai_module;

/* Called by coordination modules with this node's (merged) parameters. */
typedef void (*luxc_ai_share_fn)(void *ctx, const char *self_id, const double *w, size_t n,
                                 double bias);

typedef struct luxc_ai_pipeline_cfg {
    const char *self_id;            /* required: this node's id */
    double self_stake;              /* 0 = 1 */
    luxc_ai_node_weights *weights;  /* optional; NULL = every node 0.1 */
    luxc_ai_share_fn share;         /* optional */
    void *share_ctx;
} luxc_ai_pipeline_cfg;

typedef struct luxc_ai_pipeline luxc_ai_pipeline;

LUXC_API
LUXC_MUST_CHECK int luxc_ai_pipeline_new(luxc_ai_pipeline **out,
                                         const luxc_ai_pipeline_cfg *cfg);
LUXC_API
void luxc_ai_pipeline_free(luxc_ai_pipeline *p);

/* Built-in modules. Models must outlive the pipeline. LUXC_EINVAL (NULL,
 * empty id), LUXC_ETOOBIG (id), LUXC_EEXIST (id taken), LUXC_EFULL (16
 * modules), LUXC_ERANGE (threshold not in (0, 1) or margin not in
 * [0, 0.5)), LUXC_ENOMEM (learning: its pending ring). */
LUXC_API
int luxc_ai_pipeline_add_inference(luxc_ai_pipeline *p, const char *id, luxc_ai_model *m);
LUXC_API
int luxc_ai_pipeline_add_decision(luxc_ai_pipeline *p, const char *id, double threshold,
                                  double margin);
LUXC_API
int luxc_ai_pipeline_add_learning(luxc_ai_pipeline *p, const char *id, luxc_ai_model *m);
LUXC_API
int luxc_ai_pipeline_add_coordination(luxc_ai_pipeline *p, const char *id,
                                      luxc_ai_model *m);
LUXC_API
int luxc_ai_pipeline_add_module(luxc_ai_pipeline *p, const luxc_ai_module *mod);

/* Runs the four stages. LUXC_EINVAL (NULL, bad type, no features for an
 * inference module), a model's error (LUXC_ERANGE for non-finite
 * features), or a custom module's error. Allocates nothing. */
LUXC_API
int luxc_ai_pipeline_process(luxc_ai_pipeline *p, const luxc_ai_input *in,
                             luxc_ai_pipeline_result *out);

/* Thread-safe inbox. report_outcome: LUXC_EINVAL (seq 0), LUXC_EFULL
 * (LUXC_AI_PIPELINE_INBOX outcomes waiting). peer_state: n must equal the
 * coordination models' feature count when merged (else that peer is
 * skipped); LUXC_EINVAL, LUXC_ETOOBIG (n or id), LUXC_ERANGE (non-finite
 * or negative stake), LUXC_EFULL (LUXC_AI_PIPELINE_MAX_PEERS peers). A
 * peer's newer state replaces its older one. */
LUXC_API
int luxc_ai_pipeline_report_outcome(luxc_ai_pipeline *p, uint64_t seq, int accepted);
LUXC_API
int luxc_ai_pipeline_peer_state(luxc_ai_pipeline *p, const char *peer_id, double stake,
                                const double *w, size_t n, double bias);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_AI_PIPELINE_H */
