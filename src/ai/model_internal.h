/* model_internal.h - the layout of luxc_ai_model, shared by model.c
 * (decide, learn) and model_io.c (save, load). Not a public header. */
#ifndef LUXC_SRC_AI_MODEL_INTERNAL_H
#define LUXC_SRC_AI_MODEL_INTERNAL_H

#include <stdatomic.h>

#include "luxc/ai_model.h"

struct luxc_ai_model {
    size_t n;                                  /* features in the schema */
    double w[LUXC_AI_MAX_FEATURES];
    double bias;
    double lr;
    luxc_ai_extract_fn extract;
    int timeless;                              /* extract ignores now_ns */
    luxc_ai_clock_fn clock;
    void *clock_ctx;
    int normalize;
    luxc_ai_normalizer nz;
    _Atomic uint64_t seq;                      /* decision counter */
    uint64_t salt;
    size_t node_len;
    char node_id[LUXC_AI_NODE_ID_MAX + 1];
    uint8_t name_len[LUXC_AI_MAX_FEATURES];
    char names[LUXC_AI_MAX_FEATURES][LUXC_AI_FEATURE_NAME_MAX + 1];
    /* History ring: cap slots of (n features, feedback, weight). */
    double *hist;
    size_t hist_cap, hist_len, hist_head;
};

/* reasoning.c: writes the reference's reasoning text for a decision into
 * buf (cap bytes) and returns its length (without the NUL). Below
 * LUXC_AI_REASONING_MINBYTES (the header without its score, ". Key
 * factors: [" and "...]" with the NUL) it writes "" and returns 0; the
 * score is left out when it does not fit, factors that do not fit are
 * cut with "...]". influence[f] = |w[f] x[f]|; factors with influence >
 * 0.1 are listed. */
#define LUXC_AI_REASONING_MINBYTES (35u + 16u + 5u)
size_t luxc_ai_reasoning_format(char *buf, size_t cap, int action, double score,
                                const luxc_ai_model *m, const double *influence,
                                uint32_t *key_factors);
/* Writes v with `dec` (2 or 3) decimals exactly as printf("%.*f") would;
 * returns the length, or 0 if it does not fit in cap (incl. NUL). */
size_t luxc_ai_format_fixed(char *buf, size_t cap, double v, int dec);

#endif
