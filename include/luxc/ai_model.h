/* luxc/ai_model.h - the learning model of the ai layer: sigmoid, feature
 * extractors, the feature normaliser and the logistic model (SPEC section 2).
 *
 * Model. A luxc_ai_model is logistic regression over a fixed feature schema
 * (the names of an extractor, resolved to indices once at _new):
 *   score      = bias + sum_f w[f] * x[f]
 *   confidence = sigmoid(score) = 1 / (1 + e^-score)
 *   action     = APPROVE if score >= 0, else REJECT
 *   learn:  p = sigmoid(score), target = (feedback + 1) / 2,
 *           w[f] += lr * ((target - p) * p * (1 - p) * x[f] * weight),
 *           bias += lr * ((target - p) * p * (1 - p) * weight)
 *           (lr default 0.01; the reference's operation order, so results
 *           match it bit for bit)
 * With cfg.normalize, x is replaced by z = (x - mean) / stddev from a
 * running normaliser that learn updates (luxc_ai_normalizer); the raw
 * path (default) is the reference's and the benchmarks'.
 * Decide and learn touch no strings and allocate nothing: the decision
 * record (with its reasoning text) is written into a caller-owned struct,
 * and each learned example is stored in a preallocated history ring
 * (capacity LUXC_AI_HISTORY_MAX by default; the oldest entry is dropped).
 *
 * Sigmoid. luxc_ai_exp reduces x to |r| <= ln2/512 (Cody-Waite, with
 * 2^(j/256) from two 16-entry tables) and evaluates e^r with a degree-4
 * polynomial; its relative error against libm exp is below 1e-15 for x
 * in [-708, 709] (tests/ai/test_sigmoid.c sweeps it). The sigmoid
 * trades a little accuracy for speed where nobody looks: relative error
 * below 5e-16 + 3.4e-17 * |x| (2.5e-14 at the clamp; only x < 0 feels
 * it, where sigmoid(x) ~ e^x). Arguments are clamped to [-708, 709]
 * (sigmoid: [-708, 708]), so exp never overflows: sigmoid(x) for
 * x < -708 returns about 1e-308 instead of a subnormal. NaN gives NaN.
 * The kernels live in the library (src/ai/sigmoid_kernel.h), so results
 * depend on how libluxc was built (fused multiply-adds and AVX-512 in a
 * native build), never on the caller's compiler flags; the batch forms
 * (luxc_ai_sigmoid_batch, luxc_ai_model_decide_batch) equal the scalar
 * calls bit for bit.
 *
 * Errors: LUXC_EINVAL (NULL, empty string, wrong count), LUXC_ERANGE (NaN or
 * infinite feature, feedback outside [-1, 1], ...), LUXC_ETOOBIG (a bounded
 * size exceeded), LUXC_ENOMEM, and for load: LUXC_ETRUNC, LUXC_ECORRUPT,
 * LUXC_EVERSION, LUXC_ETRAILING, LUXC_EPARAM, LUXC_EIO.
 *
 * Thread safety: extractors, the sigmoid and the batch functions are pure.
 * A luxc_ai_normalizer belongs to one thread at a time. A luxc_ai_model:
 * decide, score, validate and the getters may run concurrently with each
 * other (decision ids come from an atomic counter); learn, update_weights,
 * set_weights and load need exclusive access (the caller serialises them
 * against everything else). _free must not overlap any call. */
#ifndef LUXC_AI_MODEL_H
#define LUXC_AI_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- limits ------------------------------------------------------------ */
#define LUXC_AI_MAX_FEATURES 16u      /* features in one schema */
#define LUXC_AI_FEATURE_NAME_MAX 31u  /* bytes of a feature name, no NUL */
#define LUXC_AI_NODE_ID_MAX 64u       /* bytes of a node id, no NUL */
#define LUXC_AI_DECISION_IDBYTES 17u  /* 16 hex digits + NUL */
#define LUXC_AI_REASONINGBYTES 512u   /* reasoning text incl. NUL */
#define LUXC_AI_HISTORY_MAX 10000u    /* default and largest history ring */
#define LUXC_AI_STRING_MAX 4096u      /* longest string an extractor reads */
LUXC_API
size_t luxc_ai_max_features(void);
LUXC_API
size_t luxc_ai_reasoningbytes(void);

/* ---- sigmoid ------------------------------------------------------------ */

/* e^x, see the header comment for range and error. Pure. */
LUXC_API
double luxc_ai_exp(double x);
/* 1 / (1 + e^-x), see the header comment for range and error. Pure. */
LUXC_API
double luxc_ai_sigmoid(double x);

/* y[i] = sigmoid(x[i]) for i < n; y may equal x (in place), but must not
 * otherwise overlap it. Vectorised (AVX-512 when libluxc was built for
 * it); equal to luxc_ai_sigmoid element by element. */
LUXC_API
void luxc_ai_sigmoid_batch(double *y, const double *x, size_t n);

/* ---- inputs and feature extractors --------------------------------------- */

/* A block as the extractors see it. Strings may be NULL (= empty).
 * Times are nanoseconds since the Unix epoch. */
typedef struct luxc_ai_block {
    uint64_t height;
    const char *hash;        /* hex text, e.g. "0xab12..." */
    const char *parent_hash;
    size_t tx_count;
    int64_t timestamp_ns;
    uint64_t size;           /* bytes */
    uint64_t gas_used;
    const char *validator;
} luxc_ai_block;

typedef struct luxc_ai_tx {
    const char *hash;
    const char *from;
    const char *to;
    uint64_t amount;
    uint64_t fee;
    size_t data_size;        /* payload bytes (the reference printed its map) */
    int64_t timestamp_ns;
} luxc_ai_tx;

typedef struct luxc_ai_upgrade {
    const char *version;     /* e.g. "v2.0.0" */
    size_t change_count;
    const char *risk;        /* "low", "medium", "high", "critical"; else 0 */
    size_t test_count;
    int64_t timestamp_ns;
} luxc_ai_upgrade;

/* Fills out[0 .. n_features) from input at time now_ns; 0 or LUXC_E*. */
typedef int (*luxc_ai_extract_fn)(const void *input, int64_t now_ns, double *out);

/* A feature schema plus the function that fills it. Immutable. */
typedef struct luxc_ai_extractor {
    size_t n_features;           /* 1 .. LUXC_AI_MAX_FEATURES */
    const char *const *names;    /* n_features distinct names */
    luxc_ai_extract_fn extract;
    int timeless;                /* 1: extract ignores now_ns, so learn and
                                    score paths skip reading the clock */
} luxc_ai_extractor;

/* Built-in extractors (input types in brackets):
 *  block_basic [luxc_ai_block]: height, tx_count, size, gas_used
 *      (the reference benchmark's extractor)
 *  block [luxc_ai_block]: height, tx_count, age_seconds,
 *      age_normalized = sigmoid(age_seconds / 3600), hash_complexity,
 *      time_since_last = now_s - timestamp_s (whole seconds)
 *  tx [luxc_ai_tx]: amount, fee, fee_ratio = fee / max(amount, 1),
 *      data_size, age_seconds, from_entropy, to_entropy
 *  upgrade [luxc_ai_upgrade]: change_count, risk_score, test_count,
 *      age_hours, version_entropy */
LUXC_API
extern const luxc_ai_extractor luxc_ai_extractor_block_basic;
LUXC_API
extern const luxc_ai_extractor luxc_ai_extractor_block;
LUXC_API
extern const luxc_ai_extractor luxc_ai_extractor_tx;
LUXC_API
extern const luxc_ai_extractor luxc_ai_extractor_upgrade;

#define LUXC_AI_BLOCK_BASIC_FEATURES 4u
#define LUXC_AI_BLOCK_FEATURES 6u
#define LUXC_AI_TX_FEATURES 7u
#define LUXC_AI_UPGRADE_FEATURES 5u

/* Direct forms of the extractors (same layout as above). LUXC_EINVAL on
 * NULL, LUXC_ETOOBIG for a string longer than LUXC_AI_STRING_MAX. */
LUXC_API
int luxc_ai_extract_block_basic(const luxc_ai_block *b, double out[4]);
LUXC_API
int luxc_ai_extract_block(const luxc_ai_block *b, int64_t now_ns, double out[6]);
LUXC_API
int luxc_ai_extract_tx(const luxc_ai_tx *t, int64_t now_ns, double out[7]);
LUXC_API
int luxc_ai_extract_upgrade(const luxc_ai_upgrade *u, int64_t now_ns, double out[5]);

/* Feature helpers (pure; a NULL or empty string gives 0):
 * hash_complexity: (0.1 per '0'-'9' + 0.2 per 'a'-'f') / length in bytes;
 * entropy: Shannon entropy in bits of the byte distribution;
 * version_entropy: (0.5 per '.' + 0.1 * i per digit at byte index i) / length;
 * risk_score: low .25, medium .5, high .75, critical 1, anything else 0. */
LUXC_API
double luxc_ai_hash_complexity(const char *s, size_t len);
LUXC_API
double luxc_ai_entropy(const char *s, size_t len);
LUXC_API
double luxc_ai_version_entropy(const char *s, size_t len);
LUXC_API
double luxc_ai_risk_score(const char *risk);

/* ---- feature normaliser (running mean / variance, Welford) -------------- */

/* Caller-allocated state; init before use. z = (x - mean) / stddev with the
 * sample standard deviation; with fewer than 2 samples, or a feature whose
 * stddev is below 1e-12, z = x - mean. */
typedef struct luxc_ai_normalizer {
    size_t n;
    uint64_t count;
    double mean[LUXC_AI_MAX_FEATURES];
    double m2[LUXC_AI_MAX_FEATURES];
} luxc_ai_normalizer;

/* LUXC_EINVAL if nz is NULL or n is 0 or > LUXC_AI_MAX_FEATURES. */
LUXC_API
int luxc_ai_normalizer_init(luxc_ai_normalizer *nz, size_t n);
/* Adds one sample of nz->n features; LUXC_ERANGE if any is not finite
 * (the state is then unchanged). */
LUXC_API
int luxc_ai_normalizer_update(luxc_ai_normalizer *nz, const double *x);
/* z may alias x. */
LUXC_API
int luxc_ai_normalizer_apply(const luxc_ai_normalizer *nz, double *z, const double *x);
/* Sample variance of feature i (0 with fewer than 2 samples). */
LUXC_API
double luxc_ai_normalizer_variance(const luxc_ai_normalizer *nz, size_t i);

/* ---- the model ------------------------------------------------------------ */

typedef enum luxc_ai_action {
    LUXC_AI_REJECT = 0,
    LUXC_AI_APPROVE = 1,
    LUXC_AI_DEFER = 2, /* only the pipeline's threshold decision uses it */
} luxc_ai_action;

/* "reject", "approve", "defer"; "unknown" otherwise. Static string. */
LUXC_API
const char *luxc_ai_action_name(int action);

/* Clock: nanoseconds since the Unix epoch. NULL in a config = CLOCK_REALTIME. */
typedef int64_t (*luxc_ai_clock_fn)(void *ctx);

typedef struct luxc_ai_model_cfg {
    const char *node_id;                 /* required, 1..LUXC_AI_NODE_ID_MAX */
    const luxc_ai_extractor *extractor;  /* required; copied (names too) */
    double learning_rate;                /* 0 = 0.01; must be finite, > 0 */
    size_t history_cap;                  /* 0 = LUXC_AI_HISTORY_MAX */
    int normalize;                       /* 1: learn updates a running
                                            normaliser, decide/learn use z */
    luxc_ai_clock_fn clock;              /* NULL = CLOCK_REALTIME */
    void *clock_ctx;
    uint64_t id_salt;                    /* 0 = random (getrandom) */
} luxc_ai_model_cfg;

typedef struct luxc_ai_model luxc_ai_model;

/* The full decision record (the reference's Decision). */
typedef struct luxc_ai_decision {
    char id[LUXC_AI_DECISION_IDBYTES];   /* unique per model: 16 hex digits */
    int action;                          /* LUXC_AI_APPROVE / LUXC_AI_REJECT */
    double score;
    double confidence;                   /* sigmoid(score) */
    int64_t timestamp_ns;
    char proposer[LUXC_AI_NODE_ID_MAX + 1];
    uint32_t key_factors;                /* bit f set: |w[f] x[f]| > 0.1 */
    size_t reasoning_len;
    /* "Decision to approve based on score 10.500. Key factors:
     * [tx_count(10.00)]"; factors in schema order, "%.3f" / "%.2f" as the
     * reference prints them. Cut with "...]" if it would not fit. */
    char reasoning[LUXC_AI_REASONINGBYTES];
} luxc_ai_decision;

/* One training example: features come from x (n_features values) if it is
 * non-NULL, else from the model's extractor applied to input.
 * feedback in [-1, 1]; weight finite and >= 0. */
typedef struct luxc_ai_example {
    const void *input;
    const double *x;
    double feedback;
    double weight;
} luxc_ai_example;

/* Creates a model with zero weights and bias. On failure *out = NULL.
 * LUXC_EINVAL (NULL, empty/duplicate names, empty node id), LUXC_ETOOBIG
 * (node id, name or count over the limit), LUXC_ERANGE (learning rate),
 * LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_ai_model_new(luxc_ai_model **out, const luxc_ai_model_cfg *cfg);
LUXC_API
void luxc_ai_model_free(luxc_ai_model *m);

LUXC_API
size_t luxc_ai_model_n_features(const luxc_ai_model *m);
/* Name of feature i (NULL if out of range). Lives as long as the model. */
LUXC_API
const char *luxc_ai_model_feature_name(const luxc_ai_model *m, size_t i);
/* Index of a feature name, or LUXC_ENOTFOUND / LUXC_EINVAL. */
LUXC_API
int luxc_ai_model_feature_index(const luxc_ai_model *m, const char *name);

/* Extracts features from input (at the model clock's time) and decides.
 * The record is complete: id, action, confidence, timestamp, proposer,
 * reasoning. LUXC_EINVAL (NULL), LUXC_ERANGE (a feature not finite), or
 * the extractor's error. Allocates nothing. */
LUXC_API
int luxc_ai_model_decide(luxc_ai_model *m, const void *input, luxc_ai_decision *out);
/* Same on a feature vector of n == n_features values. */
LUXC_API
int luxc_ai_model_decide_x(luxc_ai_model *m, const double *x, size_t n,
                           luxc_ai_decision *out);
/* Runs the model's extractor on input at the model clock's time; x gets
 * n_features values. */
LUXC_API
int luxc_ai_model_extract(const luxc_ai_model *m, const void *input, double *x);
/* Score and confidence only (no record). */
LUXC_API
int luxc_ai_model_score(const luxc_ai_model *m, const double *x, size_t n, double *score,
                        double *confidence);

/* Decides rows of a feature-major matrix: xt[f * rows + r] is feature f of
 * row r. Any output pointer may be NULL. Vectorised; LUXC_ERANGE if any
 * value is not finite (outputs then undefined). Uses the raw features
 * (no normaliser). */
LUXC_API
int luxc_ai_model_decide_batch(const luxc_ai_model *m, const double *xt, size_t rows,
                               double *score, double *confidence, uint8_t *approve);

/* Learns the examples in order. *learned (may be NULL) gets how many were
 * applied: on an error at example k, examples 0..k-1 stay learned.
 * LUXC_EINVAL (NULL, count 0), LUXC_ERANGE (feedback, weight or feature). */
LUXC_API
int luxc_ai_model_learn(luxc_ai_model *m, const luxc_ai_example *ex, size_t count,
                        size_t *learned);

/* Validates another node's decision on the same input: re-decides and returns
 * agreement (0/1) * (1 - |our confidence - theirs|) * our confidence.
 * their_action APPROVE/REJECT (else LUXC_EINVAL), their_confidence in [0, 1]
 * (else LUXC_ERANGE). */
LUXC_API
int luxc_ai_model_validate(const luxc_ai_model *m, const void *input, int their_action,
                           double their_confidence, double *out);

/* w[f] -= lr * g[f], bias -= lr * g[n]: g has n_features + 1 entries
 * (else LUXC_EINVAL); LUXC_ERANGE if any is not finite (nothing changes). */
LUXC_API
int luxc_ai_model_update_weights(luxc_ai_model *m, const double *g, size_t n);

/* Copies out / replaces the n_features weights and the bias. */
LUXC_API
int luxc_ai_model_get_weights(const luxc_ai_model *m, double *w, size_t n, double *bias);
LUXC_API
int luxc_ai_model_set_weights(luxc_ai_model *m, const double *w, size_t n, double bias);
LUXC_API
double luxc_ai_model_learning_rate(const luxc_ai_model *m);

/* History ring: entries currently stored (<= capacity) and entry i
 * (0 = oldest); x gets n_features values. */
LUXC_API
size_t luxc_ai_model_history_len(const luxc_ai_model *m);
LUXC_API
int luxc_ai_model_history_get(const luxc_ai_model *m, size_t i, double *x, double *feedback,
                              double *weight);

/* ---- save / load -------------------------------------------------------- *
 * Format version 1, big-endian:
 *   magic "LUXCAIMD" (8) | version u32 = 1 | n u32 (1..16) |
 *   learning_rate f64 | bias f64 |
 *   n x { name_len u8 (1..31) | name bytes | weight f64 } |
 *   checksum u64 = FNV-1a 64 of every preceding byte.
 * f64 is the IEEE-754 bit pattern. Load matches features by name: a saved
 * name the model does not have is LUXC_EPARAM, a schema feature not in the
 * file gets weight 0. Load is all-or-nothing. The history is not saved. */
#define LUXC_AI_MODEL_MAGIC "LUXCAIMD"
#define LUXC_AI_MODEL_VERSION 1u
/* The largest file: 16 features with 31-byte names (680 bytes). */
#define LUXC_AI_MODEL_ENCODED_MAX \
    (8u + 4u + 4u + 8u + 8u + 8u + LUXC_AI_MAX_FEATURES * (1u + LUXC_AI_FEATURE_NAME_MAX + 8u))

/* What a model file holds, apart from any model: the format's one encoder
 * and one decoder work on it (save and load are these plus the model's
 * schema). Entries in file order; names NUL-terminated. */
typedef struct luxc_ai_model_file {
    size_t n;              /* features, 1 .. LUXC_AI_MAX_FEATURES */
    double learning_rate;
    double bias;
    char names[LUXC_AI_MAX_FEATURES][LUXC_AI_FEATURE_NAME_MAX + 1]; /* 1..31 bytes */
    double w[LUXC_AI_MAX_FEATURES];
} luxc_ai_model_file;

/* Bytes luxc_ai_model_encode writes for f; 0 if f cannot be encoded
 * (NULL, n or a name length out of range). */
LUXC_API
size_t luxc_ai_model_encoded_size(const luxc_ai_model_file *f);
/* Writes f in format version 1. Checks only what the layout needs (n and
 * name lengths: LUXC_EINVAL); values and names are written as given, so
 * a file with a NaN weight or a name twice can be built on purpose (the
 * decoder refuses it). LUXC_EFULL if cap is too small (*len then holds
 * the size needed); buf may be NULL when cap is 0. */
LUXC_API
int luxc_ai_model_encode(const luxc_ai_model_file *f, uint8_t *buf, size_t cap, size_t *len);
/* Reads and checks a whole file: LUXC_ETRUNC, LUXC_ECORRUPT (magic,
 * checksum, lengths, a NUL in a name, non-finite values, learning rate
 * not > 0, a name twice), LUXC_EVERSION, LUXC_ETRAILING. On failure *f
 * is unspecified. Encoding what it accepted gives the same bytes back. */
LUXC_API
LUXC_MUST_CHECK int luxc_ai_model_decode(luxc_ai_model_file *f, const uint8_t *buf,
                                         size_t len);

/* Save = the model's parameters through luxc_ai_model_encode; load =
 * luxc_ai_model_decode, then the names matched to the schema.
 * Bytes luxc_ai_model_save writes. */
LUXC_API
size_t luxc_ai_model_saved_size(const luxc_ai_model *m);
/* LUXC_EFULL if cap is too small (*len then holds the size needed). */
LUXC_API
int luxc_ai_model_save(const luxc_ai_model *m, uint8_t *buf, size_t cap, size_t *len);
/* LUXC_ETRUNC, LUXC_ECORRUPT (magic, checksum, lengths, non-finite values,
 * duplicate names), LUXC_EVERSION, LUXC_ETRAILING, LUXC_EPARAM. */
LUXC_API
LUXC_MUST_CHECK int luxc_ai_model_load(luxc_ai_model *m, const uint8_t *buf, size_t len);
/* File forms: save writes path.tmp then renames; LUXC_EIO on I/O errors.
 * Files larger than 64 KiB are rejected with LUXC_ETOOBIG. */
LUXC_API
int luxc_ai_model_save_file(const luxc_ai_model *m, const char *path);
LUXC_API
LUXC_MUST_CHECK int luxc_ai_model_load_file(luxc_ai_model *m, const char *path);

/* ---- stake-weighted aggregation ----------------------------------------- */

/* out[j] = sum_i stake[i] * vec[i][j] / sum_i stake[i], j < n (e.g. the
 * weights followed by the bias of k models). LUXC_EINVAL (NULL, k or n 0,
 * negative stake, total stake 0), LUXC_ERANGE (non-finite input). out may
 * alias vec[0]. */
LUXC_API
int luxc_ai_merge_weighted(double *out, const double *const *vec, const double *stake,
                           size_t k, size_t n);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_AI_MODEL_H */
