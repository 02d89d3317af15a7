/* json_util.h - shared helpers of the node's JSON loaders (genesis, config,
 * key files): whole-file reads with a size cap, parse errors with line and
 * column, typed field getters that write "origin: field: expected ..., got
 * ..." messages; hex and JSON string quoting. Internal to libluxc (the
 * chain layer and the luxc program). */
#ifndef LUXC_CHAIN_JSON_UTIL_H
#define LUXC_CHAIN_JSON_UTIL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdint.h>

typedef struct luxc_jctx {
    const char *origin; /* file name for messages */
    char *err;          /* caller's buffer, may be NULL */
    size_t errlen;
} luxc_jctx;

/* Write "origin: field: message" into ctx->err; returns rc. */
int luxc_jerr(const luxc_jctx *ctx, int rc, const char *field, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Read a whole file (at most `max` bytes) into a NUL-terminated buffer the
 * caller frees. LUXC_EIO (with strerror text) or LUXC_ETOOBIG. */
int luxc_read_file(const char *path, size_t max, char **out, size_t *len,
                   char *err, size_t errlen);

/* Parse text: exactly one JSON value, only whitespace after it. On failure
 * a message with line and column, LUXC_ECORRUPT. */
int luxc_jparse(const luxc_jctx *ctx, const char *json, size_t len, cJSON **out);

/* Refuse members not in `allowed` (NULL-terminated): LUXC_EINVAL naming it;
 * a member given twice: LUXC_EDUPLICATE. */
int luxc_jcheck_keys(const luxc_jctx *ctx, const cJSON *obj, const char *where,
                     const char *const *allowed);

/* String field into buf (1..cap-1 chars). required=0: absent leaves buf
 * untouched and returns LUXC_OK. */
int luxc_jget_str(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, int required, char *buf, size_t cap);

/* Unsigned integer field: a JSON integer <= 2^53 or a decimal string; must
 * lie in [min, max]. required=0: absent leaves *out untouched. */
int luxc_jget_u64(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, int required, uint64_t min, uint64_t max,
                  uint64_t *out);

/* Hex string field of exactly n bytes. */
int luxc_jget_hex(const luxc_jctx *ctx, const cJSON *obj, const char *key,
                  const char *where, uint8_t *out, size_t n);

/* Lower-case hex of n bytes into out (2n+1 bytes). */
void luxc_hex_encode(char *out, const uint8_t *in, size_t n);

/* s as a JSON string literal, quotes included, escaped by cJSON, into out
 * (cap bytes): for JSON written with printf, where a name or a path may
 * hold a quote or a control character. LUXC_OK, LUXC_ENOMEM, or
 * LUXC_ETOOBIG (out too small; out is then ""). */
int luxc_json_quote(char *out, size_t cap, const char *s);
/* Decode exactly n bytes from 2n hex chars; -1 on a bad char or length. */
int luxc_hex_decode(uint8_t *out, size_t n, const char *hex);

#endif
