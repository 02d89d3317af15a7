/* model_io.c - the model file format (version 1, see luxc/ai_model.h),
 * written once: luxc_ai_model_encode / luxc_ai_model_decode on a
 * luxc_ai_model_file, and save / load, which are those plus the model's
 * schema. Owns: the byte layout and its checks. Not here: the model
 * (model.c). The decoder checks the remaining length before every read,
 * trusts no length field, and load commits nothing to the model until
 * the whole buffer has been verified. scripts/make_fuzz_corpus.c writes
 * its seed files through the encoder too, so no second copy of the
 * layout can drift from this one. */
#include "model_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/be.h"

#define FILE_MAX 65536u

static uint64_t fnv1a64(const uint8_t *p, size_t n)
{
    uint64_t h = UINT64_C(0xcbf29ce484222325);
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= UINT64_C(0x100000001b3);
    }
    return h;
}

static void put_f64(uint8_t *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, sizeof u);
    luxc_be64_store(p, u);
}

static double get_f64(const uint8_t *p)
{
    uint64_t u = luxc_be64_load(p);
    double v;
    memcpy(&v, &u, sizeof v);
    return v;
}

/* The size of a file with n entries whose names total name_bytes. */
static size_t layout_size(size_t n, size_t name_bytes)
{
    return 8 + 4 + 4 + 8 + 8 + n * (1 + 8) + name_bytes + 8;
}

/* Length of f's name i, or 0 if it is empty or longer than the format
 * allows (reads at most LUXC_AI_FEATURE_NAME_MAX + 1 bytes). */
static size_t name_len(const luxc_ai_model_file *f, size_t i)
{
    size_t l = strnlen(f->names[i], LUXC_AI_FEATURE_NAME_MAX + 1);
    return l > LUXC_AI_FEATURE_NAME_MAX ? 0 : l;
}

size_t luxc_ai_model_encoded_size(const luxc_ai_model_file *f)
{
    if (f == NULL || f->n == 0 || f->n > LUXC_AI_MAX_FEATURES)
        return 0;
    size_t bytes = 0;
    for (size_t i = 0; i < f->n; i++) {
        size_t l = name_len(f, i);
        if (l == 0)
            return 0;
        bytes += l;
    }
    return layout_size(f->n, bytes);
}

int luxc_ai_model_encode(const luxc_ai_model_file *f, uint8_t *buf, size_t cap, size_t *len)
{
    if (f == NULL || len == NULL || (buf == NULL && cap != 0))
        return LUXC_EINVAL;
    size_t need = luxc_ai_model_encoded_size(f);
    if (need == 0)
        return LUXC_EINVAL;
    *len = need;
    if (cap < need)
        return LUXC_EFULL;
    uint8_t *p = buf;
    memcpy(p, LUXC_AI_MODEL_MAGIC, 8);
    p += 8;
    luxc_be32_store(p, LUXC_AI_MODEL_VERSION);
    p += 4;
    luxc_be32_store(p, (uint32_t)f->n);
    p += 4;
    put_f64(p, f->learning_rate);
    p += 8;
    put_f64(p, f->bias);
    p += 8;
    for (size_t i = 0; i < f->n; i++) {
        size_t l = name_len(f, i);
        *p++ = (uint8_t)l;
        memcpy(p, f->names[i], l);
        p += l;
        put_f64(p, f->w[i]);
        p += 8;
    }
    luxc_be64_store(p, fnv1a64(buf, (size_t)(p - buf)));
    return LUXC_OK;
}

int luxc_ai_model_decode(luxc_ai_model_file *f, const uint8_t *buf, size_t len)
{
    if (f == NULL || buf == NULL)
        return LUXC_EINVAL;
    size_t off = 0;
    if (len < 8 + 4)
        return len >= 8 && memcmp(buf, LUXC_AI_MODEL_MAGIC, 8) != 0 ? LUXC_ECORRUPT
                                                                     : LUXC_ETRUNC;
    if (memcmp(buf, LUXC_AI_MODEL_MAGIC, 8) != 0)
        return LUXC_ECORRUPT;
    off = 8;
    if (luxc_be32_load(buf + off) != LUXC_AI_MODEL_VERSION)
        return LUXC_EVERSION;
    off += 4;
    if (len - off < 4 + 8 + 8)
        return LUXC_ETRUNC;
    uint32_t n = luxc_be32_load(buf + off);
    off += 4;
    if (n == 0 || n > LUXC_AI_MAX_FEATURES)
        return LUXC_ECORRUPT;
    f->n = n;
    f->learning_rate = get_f64(buf + off);
    f->bias = get_f64(buf + off + 8);
    off += 16;
    uint8_t nlen[LUXC_AI_MAX_FEATURES];
    for (uint32_t i = 0; i < n; i++) {
        if (len - off < 1)
            return LUXC_ETRUNC;
        uint8_t l = buf[off++];
        if (l == 0 || l > LUXC_AI_FEATURE_NAME_MAX)
            return LUXC_ECORRUPT;
        if (len - off < (size_t)l + 8)
            return LUXC_ETRUNC;
        memcpy(f->names[i], buf + off, l);
        f->names[i][l] = '\0';
        nlen[i] = l;
        off += l;
        f->w[i] = get_f64(buf + off);
        off += 8;
    }
    if (len - off < 8)
        return LUXC_ETRUNC;
    if (luxc_be64_load(buf + off) != fnv1a64(buf, off))
        return LUXC_ECORRUPT;
    off += 8;
    if (off != len)
        return LUXC_ETRAILING;
    /* Semantic checks after the checksum: a damaged file reads as corrupt.
     * A NUL inside a name would make it a different, shorter name. */
    if (!isfinite(f->learning_rate) || f->learning_rate <= 0.0 || !isfinite(f->bias))
        return LUXC_ECORRUPT;
    for (uint32_t i = 0; i < n; i++) {
        if (!isfinite(f->w[i]) || memchr(f->names[i], '\0', nlen[i]) != NULL)
            return LUXC_ECORRUPT;
        for (uint32_t j = 0; j < i; j++)
            if (nlen[j] == nlen[i] && memcmp(f->names[j], f->names[i], nlen[i]) == 0)
                return LUXC_ECORRUPT;
    }
    return LUXC_OK;
}

size_t luxc_ai_model_saved_size(const luxc_ai_model *m)
{
    if (m == NULL)
        return 0;
    size_t bytes = 0;
    for (size_t f = 0; f < m->n; f++)
        bytes += m->name_len[f];
    return layout_size(m->n, bytes);
}

int luxc_ai_model_save(const luxc_ai_model *m, uint8_t *buf, size_t cap, size_t *len)
{
    if (m == NULL || len == NULL || (buf == NULL && cap != 0))
        return LUXC_EINVAL;
    luxc_ai_model_file f;
    f.n = m->n;
    f.learning_rate = m->lr;
    f.bias = m->bias;
    memcpy(f.names, m->names, sizeof f.names);
    memcpy(f.w, m->w, sizeof f.w);
    return luxc_ai_model_encode(&f, buf, cap, len);
}

int luxc_ai_model_load(luxc_ai_model *m, const uint8_t *buf, size_t len)
{
    if (m == NULL || buf == NULL)
        return LUXC_EINVAL;
    luxc_ai_model_file f;
    int rc = luxc_ai_model_decode(&f, buf, len);
    if (rc != LUXC_OK)
        return rc;
    /* decode refused repeated names, so each schema index is hit once. */
    double nw[LUXC_AI_MAX_FEATURES] = {0};
    for (size_t i = 0; i < f.n; i++) {
        int idx = luxc_ai_model_feature_index(m, f.names[i]);
        if (idx < 0)
            return LUXC_EPARAM;
        nw[idx] = f.w[i];
    }
    memcpy(m->w, nw, sizeof m->w);
    m->bias = f.bias;
    m->lr = f.learning_rate;
    return LUXC_OK;
}

int luxc_ai_model_save_file(const luxc_ai_model *m, const char *path)
{
    if (m == NULL || path == NULL || path[0] == '\0')
        return LUXC_EINVAL;
    uint8_t buf[LUXC_AI_MODEL_ENCODED_MAX];
    size_t len;
    int rc = luxc_ai_model_save(m, buf, sizeof buf, &len);
    if (rc != LUXC_OK)
        return rc;
    size_t pl = strlen(path);
    char *tmp = malloc(pl + 5);
    if (tmp == NULL)
        return LUXC_ENOMEM;
    memcpy(tmp, path, pl);
    memcpy(tmp + pl, ".tmp", 5);
    rc = LUXC_EIO;
    FILE *f = fopen(tmp, "wb");
    if (f != NULL) {
        int ok = fwrite(buf, 1, len, f) == len;
        ok &= fflush(f) == 0;
        ok &= fsync(fileno(f)) == 0; /* data on disk before the rename */
        ok &= fclose(f) == 0;
        if (ok && rename(tmp, path) == 0)
            rc = LUXC_OK;
        else
            remove(tmp);
    }
    free(tmp);
    return rc;
}

int luxc_ai_model_load_file(luxc_ai_model *m, const char *path)
{
    if (m == NULL || path == NULL || path[0] == '\0')
        return LUXC_EINVAL;
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        return errno == ENOENT ? LUXC_ENOTFOUND : LUXC_EIO;
    uint8_t *buf = malloc(FILE_MAX + 1);
    if (buf == NULL) {
        fclose(f);
        return LUXC_ENOMEM;
    }
    size_t len = fread(buf, 1, FILE_MAX + 1, f);
    int err = ferror(f);
    fclose(f);
    int rc;
    if (err)
        rc = LUXC_EIO;
    else if (len > FILE_MAX)
        rc = LUXC_ETOOBIG;
    else
        rc = luxc_ai_model_load(m, buf, len);
    free(buf);
    return rc;
}
