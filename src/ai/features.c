/* features.c - the reference's feature extractors (block, transaction,
 * upgrade) and their string measures (hash complexity, Shannon entropy,
 * version entropy, risk level), SPEC section 2.
 * Owns: turning one input struct into a fixed-order feature vector.
 * Not here: normalisation (normalizer.c), the model (model.c). Pure. */
#include "luxc/ai_model.h"
#include "sigmoid_kernel.h"

#include <math.h>

/* Length of s, or LUXC_AI_STRING_MAX + 1 if longer; NULL is empty. */
static size_t bounded_len(const char *s)
{
    return s ? strnlen(s, LUXC_AI_STRING_MAX + 1) : 0;
}

double luxc_ai_hash_complexity(const char *s, size_t len)
{
    if (s == NULL || len == 0)
        return 0.0;
    double c = 0.0;
    for (size_t i = 0; i < len; i++) {
        unsigned char ch = (unsigned char)s[i];
        if (ch >= '0' && ch <= '9')
            c += 0.1;
        else if (ch >= 'a' && ch <= 'f')
            c += 0.2;
    }
    return c / (double)len;
}

double luxc_ai_entropy(const char *s, size_t len)
{
    if (s == NULL || len == 0)
        return 0.0;
    size_t count[256] = {0};
    for (size_t i = 0; i < len; i++)
        count[(unsigned char)s[i]]++;
    double e = 0.0, l = (double)len;
    for (size_t b = 0; b < 256; b++) {
        if (count[b]) {
            double p = (double)count[b] / l;
            e -= p * log2(p);
        }
    }
    return e;
}

double luxc_ai_version_entropy(const char *s, size_t len)
{
    if (s == NULL || len == 0)
        return 0.0;
    double e = 0.0;
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '.')
            e += 0.5;
        else if (s[i] >= '0' && s[i] <= '9')
            e += 0.1 * (double)i;
    }
    return e / (double)len;
}

double luxc_ai_risk_score(const char *risk)
{
    if (risk == NULL)
        return 0.0;
    if (strcmp(risk, "low") == 0)
        return 0.25;
    if (strcmp(risk, "medium") == 0)
        return 0.5;
    if (strcmp(risk, "high") == 0)
        return 0.75;
    if (strcmp(risk, "critical") == 0)
        return 1.0;
    return 0.0;
}

/* Whole seconds of a nanosecond time, rounded toward minus infinity (Go's
 * Time.Unix()). */
static int64_t floor_seconds(int64_t ns)
{
    int64_t s = ns / 1000000000;
    if (ns % 1000000000 < 0)
        s--;
    return s;
}

int luxc_ai_extract_block_basic(const luxc_ai_block *b, double out[4])
{
    if (b == NULL || out == NULL)
        return LUXC_EINVAL;
    out[0] = (double)b->height;
    out[1] = (double)b->tx_count;
    out[2] = (double)b->size;
    out[3] = (double)b->gas_used;
    return LUXC_OK;
}

int luxc_ai_extract_block(const luxc_ai_block *b, int64_t now_ns, double out[6])
{
    if (b == NULL || out == NULL)
        return LUXC_EINVAL;
    size_t hl = bounded_len(b->hash);
    if (hl > LUXC_AI_STRING_MAX)
        return LUXC_ETOOBIG;
    double age = ((double)now_ns - (double)b->timestamp_ns) / 1e9;
    out[0] = (double)b->height;
    out[1] = (double)b->tx_count;
    out[2] = age;
    out[3] = luxc_ai_sigmoid_kernel(age / 3600.0);
    out[4] = luxc_ai_hash_complexity(b->hash, hl);
    out[5] = (double)(floor_seconds(now_ns) - floor_seconds(b->timestamp_ns));
    return LUXC_OK;
}

int luxc_ai_extract_tx(const luxc_ai_tx *t, int64_t now_ns, double out[7])
{
    if (t == NULL || out == NULL)
        return LUXC_EINVAL;
    size_t fl = bounded_len(t->from), tl = bounded_len(t->to);
    if (fl > LUXC_AI_STRING_MAX || tl > LUXC_AI_STRING_MAX)
        return LUXC_ETOOBIG;
    double amount = (double)t->amount;
    out[0] = amount;
    out[1] = (double)t->fee;
    out[2] = (double)t->fee / (amount > 1.0 ? amount : 1.0);
    out[3] = (double)t->data_size;
    out[4] = ((double)now_ns - (double)t->timestamp_ns) / 1e9;
    out[5] = luxc_ai_entropy(t->from, fl);
    out[6] = luxc_ai_entropy(t->to, tl);
    return LUXC_OK;
}

int luxc_ai_extract_upgrade(const luxc_ai_upgrade *u, int64_t now_ns, double out[5])
{
    if (u == NULL || out == NULL)
        return LUXC_EINVAL;
    size_t vl = bounded_len(u->version), rl = bounded_len(u->risk);
    if (vl > LUXC_AI_STRING_MAX || rl > LUXC_AI_STRING_MAX)
        return LUXC_ETOOBIG;
    out[0] = (double)u->change_count;
    out[1] = luxc_ai_risk_score(u->risk);
    out[2] = (double)u->test_count;
    out[3] = ((double)now_ns - (double)u->timestamp_ns) / 3.6e12;
    out[4] = luxc_ai_version_entropy(u->version, vl);
    return LUXC_OK;
}

static int ex_block_basic(const void *in, int64_t now_ns, double *out)
{
    (void)now_ns;
    return luxc_ai_extract_block_basic(in, out);
}
static int ex_block(const void *in, int64_t now_ns, double *out)
{
    return luxc_ai_extract_block(in, now_ns, out);
}
static int ex_tx(const void *in, int64_t now_ns, double *out)
{
    return luxc_ai_extract_tx(in, now_ns, out);
}
static int ex_upgrade(const void *in, int64_t now_ns, double *out)
{
    return luxc_ai_extract_upgrade(in, now_ns, out);
}

static const char *const block_basic_names[] = {"height", "tx_count", "size", "gas_used"};
static const char *const block_names[] = {"height",         "tx_count",        "age_seconds",
                                          "age_normalized", "hash_complexity", "time_since_last"};
static const char *const tx_names[] = {"amount",      "fee",          "fee_ratio", "data_size",
                                       "age_seconds", "from_entropy", "to_entropy"};
static const char *const upgrade_names[] = {"change_count", "risk_score", "test_count",
                                            "age_hours", "version_entropy"};

const luxc_ai_extractor luxc_ai_extractor_block_basic = {4, block_basic_names, ex_block_basic, 1};
const luxc_ai_extractor luxc_ai_extractor_block = {6, block_names, ex_block, 0};
const luxc_ai_extractor luxc_ai_extractor_tx = {7, tx_names, ex_tx, 0};
const luxc_ai_extractor luxc_ai_extractor_upgrade = {5, upgrade_names, ex_upgrade, 0};
