/* model_io.c - save and load a model's parameters (format version 1, see
 * luxc/ai_model.h). Owns: the byte layout and its checks. The decoder
 * checks the remaining length before every read, trusts no length field,
 * and commits nothing until the whole buffer has been verified. */
#include "model_internal.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
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

size_t luxc_ai_model_saved_size(const luxc_ai_model *m)
{
    if (m == NULL)
        return 0;
    size_t n = 8 + 4 + 4 + 8 + 8 + 8;
    for (size_t f = 0; f < m->n; f++)
        n += 1 + m->name_len[f] + 8;
    return n;
}

int luxc_ai_model_save(const luxc_ai_model *m, uint8_t *buf, size_t cap, size_t *len)
{
    if (m == NULL || len == NULL || (buf == NULL && cap != 0))
        return LUXC_EINVAL;
    size_t need = luxc_ai_model_saved_size(m);
    *len = need;
    if (cap < need)
        return LUXC_EFULL;
    uint8_t *p = buf;
    memcpy(p, LUXC_AI_MODEL_MAGIC, 8);
    p += 8;
    luxc_be32_store(p, LUXC_AI_MODEL_VERSION);
    p += 4;
    luxc_be32_store(p, (uint32_t)m->n);
    p += 4;
    put_f64(p, m->lr);
    p += 8;
    put_f64(p, m->bias);
    p += 8;
    for (size_t f = 0; f < m->n; f++) {
        *p++ = m->name_len[f];
        memcpy(p, m->names[f], m->name_len[f]);
        p += m->name_len[f];
        put_f64(p, m->w[f]);
        p += 8;
    }
    luxc_be64_store(p, fnv1a64(buf, (size_t)(p - buf)));
    return LUXC_OK;
}

int luxc_ai_model_load(luxc_ai_model *m, const uint8_t *buf, size_t len)
{
    if (m == NULL || buf == NULL)
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
    double lr = get_f64(buf + off), bias = get_f64(buf + off + 8);
    off += 16;
    char names[LUXC_AI_MAX_FEATURES][LUXC_AI_FEATURE_NAME_MAX + 1];
    uint8_t nlen[LUXC_AI_MAX_FEATURES];
    double w[LUXC_AI_MAX_FEATURES];
    for (uint32_t f = 0; f < n; f++) {
        if (len - off < 1)
            return LUXC_ETRUNC;
        uint8_t l = buf[off++];
        if (l == 0 || l > LUXC_AI_FEATURE_NAME_MAX)
            return LUXC_ECORRUPT;
        if (len - off < (size_t)l + 8)
            return LUXC_ETRUNC;
        memcpy(names[f], buf + off, l);
        names[f][l] = '\0';
        nlen[f] = l;
        off += l;
        w[f] = get_f64(buf + off);
        off += 8;
    }
    if (len - off < 8)
        return LUXC_ETRUNC;
    if (luxc_be64_load(buf + off) != fnv1a64(buf, off))
        return LUXC_ECORRUPT;
    off += 8;
    if (off != len)
        return LUXC_ETRAILING;
    /* Semantic checks after the checksum: a damaged file reads as corrupt. */
    if (!isfinite(lr) || lr <= 0.0 || !isfinite(bias))
        return LUXC_ECORRUPT;
    double nw[LUXC_AI_MAX_FEATURES] = {0};
    uint32_t seen = 0;
    for (uint32_t f = 0; f < n; f++) {
        if (!isfinite(w[f]) || memchr(names[f], '\0', nlen[f]) != NULL)
            return LUXC_ECORRUPT;
        int idx = luxc_ai_model_feature_index(m, names[f]);
        if (idx < 0)
            return LUXC_EPARAM;
        if (seen & (UINT32_C(1) << idx))
            return LUXC_ECORRUPT;
        seen |= UINT32_C(1) << idx;
        nw[idx] = w[f];
    }
    memcpy(m->w, nw, sizeof m->w);
    m->bias = bias;
    m->lr = lr;
    return LUXC_OK;
}

int luxc_ai_model_save_file(const luxc_ai_model *m, const char *path)
{
    if (m == NULL || path == NULL || path[0] == '\0')
        return LUXC_EINVAL;
    uint8_t buf[8 + 4 + 4 + 8 + 8 + 8 + LUXC_AI_MAX_FEATURES * (1 + LUXC_AI_FEATURE_NAME_MAX + 8)];
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
