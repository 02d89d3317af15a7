/* json_util.c - the node's JSON loading helpers (see json_util.h).
 * Owns: how every config error is worded: file, field, expectation. */
#include "json_util.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "luxc/common.h"
#include "common/errdetail.h"

int luxc_jerr(const luxc_jctx *ctx, int rc, const char *field, const char *fmt, ...)
{
    if (!ctx->err || ctx->errlen == 0)
        return rc;
    char detail[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    /* one line, always (luxc_errf): values echoed from the file may hold
     * newlines */
    return luxc_errf(ctx->err, ctx->errlen, rc, "%s: %s%s%s", ctx->origin, field ? field : "",
                     field ? ": " : "", detail);
}

int luxc_read_file(const char *path, size_t max, char **out, size_t *len, char *err,
                   size_t errlen)
{
    luxc_jctx ctx = {path, err, errlen};
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return luxc_jerr(&ctx, LUXC_EIO, NULL, "cannot open: %s", strerror(errno));
    char *buf = malloc(max + 1);
    if (!buf) {
        fclose(f);
        return luxc_jerr(&ctx, LUXC_ENOMEM, NULL, "out of memory");
    }
    size_t n = fread(buf, 1, max + 1, f);
    int rd_err = ferror(f);
    fclose(f);
    if (rd_err) {
        free(buf);
        return luxc_jerr(&ctx, LUXC_EIO, NULL, "read error");
    }
    if (n > max) {
        free(buf);
        return luxc_jerr(&ctx, LUXC_ETOOBIG, NULL, "file larger than %zu bytes", max);
    }
    buf[n] = '\0';
    *out = buf;
    *len = n;
    return LUXC_OK;
}

int luxc_jparse(const luxc_jctx *ctx, const char *json, size_t len, cJSON **out)
{
    const char *end = NULL;
    *out = cJSON_ParseWithLengthOpts(json, len, &end, 0);
    if (*out) {
        /* cJSON stops after the first value; anything but whitespace after
         * it (a second object, a stray brace) is not one JSON text and must
         * not be ignored. (cJSON's own check wants a NUL inside len.) */
        const char *tail = end ? end : json + len;
        while (tail < json + len && (*tail == ' ' || *tail == '\t' || *tail == '\n' ||
                                     *tail == '\r'))
            tail++;
        if (tail == json + len)
            return LUXC_OK;
        cJSON_Delete(*out);
        *out = NULL;
        end = tail;
    }
    size_t line = 1, col = 1;
    if (end) {
        for (const char *p = json; p < end && p < json + len; p++) {
            if (*p == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
    }
    return luxc_jerr(ctx, LUXC_ECORRUPT, NULL, "not valid JSON (line %zu, column %zu)", line,
                     col);
}

int luxc_jcheck_keys(const luxc_jctx *ctx, const cJSON *obj, const char *where,
                     const char *const *allowed)
{
    const cJSON *it;
    cJSON_ArrayForEach(it, obj) {
        int ok = 0;
        for (const char *const *a = allowed; *a && !ok; a++)
            ok = it->string && strcmp(it->string, *a) == 0;
        /* cJSON keeps both members of {"a": 1, "a": 2} and lookups find the
         * first: the one a person appended last would be ignored. */
        int twice = 0;
        for (const cJSON *p = obj->child; ok && p != it && !twice; p = p->next)
            twice = p->string && strcmp(p->string, it->string) == 0;
        if (!ok || twice) {
            char field[160];
            snprintf(field, sizeof field, "%s%s%s", where ? where : "", where ? "." : "",
                     it->string ? it->string : "?");
            return twice ? luxc_jerr(ctx, LUXC_EDUPLICATE, field, "given twice")
                         : luxc_jerr(ctx, LUXC_EINVAL, field, "unknown field");
        }
    }
    return LUXC_OK;
}

static void field_name(char *buf, size_t cap, const char *where, const char *key)
{
    snprintf(buf, cap, "%s%s%s", where ? where : "", where ? "." : "", key);
}

static const char *kind(const cJSON *v)
{
    if (cJSON_IsString(v))
        return "a string";
    if (cJSON_IsNumber(v))
        return "a number";
    if (cJSON_IsBool(v))
        return "a boolean";
    if (cJSON_IsNull(v))
        return "null";
    if (cJSON_IsArray(v))
        return "an array";
    return "an object";
}

int luxc_jget_str(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, int required, char *buf, size_t cap)
{
    char field[160];
    field_name(field, sizeof field, where, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (!required)
            return LUXC_OK;
        return luxc_jerr(ctx, LUXC_EINVAL, field, "missing (expected a string)");
    }
    if (!cJSON_IsString(v))
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected a string, got %s", kind(v));
    size_t n = strlen(v->valuestring);
    if (n == 0)
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected a non-empty string");
    if (n >= cap)
        return luxc_jerr(ctx, LUXC_ETOOBIG, field, "expected at most %zu characters, got %zu",
                         cap - 1, n);
    memcpy(buf, v->valuestring, n + 1);
    return LUXC_OK;
}

int luxc_jget_u64(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, int required, uint64_t min, uint64_t max, uint64_t *out)
{
    char field[160];
    field_name(field, sizeof field, where, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v) {
        if (!required)
            return LUXC_OK;
        return luxc_jerr(ctx, LUXC_EINVAL, field, "missing (expected an integer in [%llu, %llu])",
                         (unsigned long long)min, (unsigned long long)max);
    }
    uint64_t x;
    if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        if (!isfinite(d) || d != floor(d) || d < 0 || d > 9007199254740992.0)
            return luxc_jerr(ctx, LUXC_EINVAL, field,
                             "expected an integer in [%llu, %llu], got %g",
                             (unsigned long long)min, (unsigned long long)max, d);
        x = (uint64_t)d;
    } else if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        char *end;
        errno = 0;
        unsigned long long u = strtoull(s, &end, 10);
        if (*s < '0' || *s > '9' || *end != '\0' || errno == ERANGE)
            return luxc_jerr(ctx, LUXC_EINVAL, field,
                             "expected a decimal integer string, got \"%.40s\"", s);
        x = u;
    } else {
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected an integer, got %s", kind(v));
    }
    if (x < min || x > max)
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected an integer in [%llu, %llu], got %llu",
                         (unsigned long long)min, (unsigned long long)max,
                         (unsigned long long)x);
    *out = x;
    return LUXC_OK;
}

/* Hex through libsodium: its encoder and decoder run in constant time,
 * which matters for the secret key files this also writes and reads. */
cJSON *luxc_jadd_u64(cJSON *obj, const char *key, uint64_t v)
{
    char t[24];
    snprintf(t, sizeof t, "%llu", (unsigned long long)v);
    return cJSON_AddRawToObject(obj, key, t);
}

cJSON *luxc_jadd_fixed(cJSON *obj, const char *key, double v, int decimals)
{
    char t[64];
    if (!isfinite(v) || fabs(v) >= 1e40) /* keep the text short and valid */
        return cJSON_AddNullToObject(obj, key);
    snprintf(t, sizeof t, "%.*f", decimals, v);
    return cJSON_AddRawToObject(obj, key, t);
}

int luxc_jprint_line(const cJSON *obj, char *out, size_t cap, size_t *len)
{
    char *s = cJSON_PrintUnformatted(obj);
    if (!s)
        return LUXC_ENOMEM;
    size_t n = strlen(s);
    int rc = LUXC_ETOOBIG;
    if (n + 2 <= cap) {
        memcpy(out, s, n);
        out[n++] = '\n';
        out[n] = '\0';
        *len = n;
        rc = LUXC_OK;
    } else if (cap) {
        out[0] = '\0';
    }
    cJSON_free(s);
    return rc;
}

int luxc_jput_line(FILE *f, const cJSON *obj)
{
    char *s = cJSON_PrintUnformatted(obj);
    if (!s)
        return LUXC_ENOMEM;
    int ok = fputs(s, f) >= 0 && fputc('\n', f) != EOF;
    cJSON_free(s);
    return ok ? LUXC_OK : LUXC_EIO;
}

int luxc_jget_hex(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, uint8_t *out, size_t n)
{
    char field[160];
    field_name(field, sizeof field, where, key);
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(obj, key);
    if (!v)
        return luxc_jerr(ctx, LUXC_EINVAL, field, "missing (expected %zu hex characters)", 2 * n);
    if (!cJSON_IsString(v))
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected a hex string, got %s", kind(v));
    size_t len = strlen(v->valuestring);
    if (len != 2 * n)
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected %zu hex characters, got %zu", 2 * n,
                         len);
    if (luxc_hex_decode(out, n, v->valuestring) != 0)
        return luxc_jerr(ctx, LUXC_EINVAL, field, "expected hex digits only");
    return LUXC_OK;
}
