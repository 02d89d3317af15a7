/* json_util.h - shared helpers of the node's JSON loaders (genesis, config,
 * key files): whole-file reads with a size cap, parse errors with line and
 * column, typed field getters that write "origin: field: expected ..., got
 * ..." messages; hex fields; writing (exact numbers, one-line printing).
 * Internal to libluxc (the chain layer and the luxc and luxc-bench
 * programs). */
#ifndef LUXC_CHAIN_JSON_UTIL_H
#define LUXC_CHAIN_JSON_UTIL_H

#include <cjson/cJSON.h>
#include <stddef.h>
#include <stdio.h>

#include "common/hex.h" /* luxc_hex_encode / luxc_hex_decode */
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


/* ---- Writing: every JSON the program prints or serves is a cJSON tree,
 * so strings (names, paths) are always escaped. Numbers that must keep
 * their exact text go in as raw number text: a u64 keeps every digit (a
 * cJSON number is a double) and a figure keeps its fixed decimals; a value
 * that is not finite becomes null. Both return NULL on ENOMEM. */
cJSON *luxc_jadd_u64(cJSON *obj, const char *key, uint64_t v);
cJSON *luxc_jadd_fixed(cJSON *obj, const char *key, double v, int decimals);
/* obj on one line (cJSON_PrintUnformatted) and a newline, into out (cap
 * bytes, NUL-terminated); *len excludes the NUL. LUXC_ENOMEM, LUXC_ETOOBIG. */
int luxc_jprint_line(const cJSON *obj, char *out, size_t cap, size_t *len);
/* The same to a stream. LUXC_ENOMEM, LUXC_EIO. */
int luxc_jput_line(FILE *f, const cJSON *obj);

#endif
