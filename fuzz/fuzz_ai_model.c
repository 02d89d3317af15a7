/* fuzz_ai_model.c - libFuzzer target for the model file decoder
 * (luxc_ai_model_decode, and luxc_ai_model_load on a model over the block
 * extractor's schema: height, tx_count, age_seconds, age_normalized,
 * hash_complexity, time_since_last; luxc/ai_model.h). Properties checked
 * on every input:
 *  - luxc_ai_model_decode accepts exactly what load accepts or refuses
 *    with LUXC_EPARAM (load is decode plus the schema), refusing with
 *    the same code otherwise; whatever it accepts, luxc_ai_model_encode
 *    writes back byte for byte;
 *  - a rejected input returns a documented code and leaves the model
 *    exactly as it was (load is all-or-nothing: weights, bias and
 *    learning rate compared bit for bit);
 *  - an accepted input gives finite weights, a finite bias and a finite
 *    positive learning rate; luxc_ai_model_save then writes
 *    luxc_ai_model_saved_size bytes that load into a fresh model with
 *    the identical weights, bias and learning rate (load -> save -> load
 *    -> compare), and saving that model gives the same bytes again;
 *  - when the input lists all six features in schema order, saving
 *    reproduces the input bytes exactly.
 * Deterministic (fixed clock and decision-id salt); the models are freed. */
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/ai_model.h"

#define NF LUXC_AI_BLOCK_FEATURES
#define SAVED_MAX LUXC_AI_MODEL_ENCODED_MAX

typedef struct params {
    double w[NF], bias, lr;
} params;

static int64_t fixed_clock(void *ctx)
{
    (void)ctx;
    return INT64_C(1764000000) * 1000000000;
}

static luxc_ai_model *new_model(void)
{
    luxc_ai_model_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.node_id = "fuzz";
    cfg.extractor = &luxc_ai_extractor_block;
    cfg.history_cap = 1;
    cfg.clock = fixed_clock;
    cfg.id_salt = 1;
    luxc_ai_model *m;
    if (luxc_ai_model_new(&m, &cfg) != LUXC_OK || luxc_ai_model_n_features(m) != NF)
        abort();
    return m;
}

static void get(const luxc_ai_model *m, params *p)
{
    memset(p, 0, sizeof *p);
    if (luxc_ai_model_get_weights(m, p->w, NF, &p->bias) != LUXC_OK)
        abort();
    p->lr = luxc_ai_model_learning_rate(m);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const double w0[NF] = {1.5, -2.25, 3.0, -0.0, 1e-300, 42.0};
    luxc_ai_model *m = new_model();
    if (luxc_ai_model_set_weights(m, w0, NF, 0.5) != LUXC_OK)
        abort();
    params before, after;
    get(m, &before);
    /* load reads buf even for len 0; give it a valid pointer */
    const uint8_t *in = size ? data : (const uint8_t *)"";
    luxc_ai_model_file file;
    int drc = luxc_ai_model_decode(&file, in, size);
    if (drc == LUXC_OK) {
        uint8_t back[SAVED_MAX];
        size_t bl;
        if (luxc_ai_model_encode(&file, back, sizeof back, &bl) != LUXC_OK || bl != size ||
            memcmp(back, data, size) != 0)
            abort();
    }
    int rc = luxc_ai_model_load(m, in, size);
    if (rc != drc && !(drc == LUXC_OK && rc == LUXC_EPARAM))
        abort();
    get(m, &after);
    if (rc != LUXC_OK) {
        if (memcmp(&before, &after, sizeof before) != 0 ||
            (rc != LUXC_ETRUNC && rc != LUXC_ECORRUPT && rc != LUXC_EVERSION &&
             rc != LUXC_ETRAILING && rc != LUXC_EPARAM))
            abort();
        luxc_ai_model_free(m);
        return 0;
    }
    for (size_t f = 0; f < NF; f++)
        if (!isfinite(after.w[f]))
            abort();
    if (!isfinite(after.bias) || !isfinite(after.lr) || !(after.lr > 0.0))
        abort();

    uint8_t s1[SAVED_MAX], s2[SAVED_MAX];
    size_t l1, l2;
    if (luxc_ai_model_save(m, s1, sizeof s1, &l1) != LUXC_OK ||
        l1 != luxc_ai_model_saved_size(m))
        abort();
    luxc_ai_model *m2 = new_model();
    params back;
    if (luxc_ai_model_load(m2, s1, l1) != LUXC_OK)
        abort();
    get(m2, &back);
    if (memcmp(&after, &back, sizeof after) != 0)
        abort();
    if (luxc_ai_model_save(m2, s2, sizeof s2, &l2) != LUXC_OK || l2 != l1 ||
        memcmp(s1, s2, l1) != 0)
        abort();
    /* A file with all six names in schema order is the canonical one. */
    if (size == l1) {
        size_t off = 8 + 4 + 4 + 8 + 8;
        int canonical = 1;
        for (size_t f = 0; f < NF && canonical; f++) {
            const char *name = luxc_ai_model_feature_name(m, f);
            size_t nl = strlen(name);
            canonical = off < size && data[off] == nl && size - off - 1 >= nl &&
                        memcmp(data + off + 1, name, nl) == 0;
            off += 1 + nl + 8;
        }
        if (canonical && memcmp(s1, data, size) != 0)
            abort();
    }
    luxc_ai_model_free(m2);
    luxc_ai_model_free(m);
    return 0;
}
