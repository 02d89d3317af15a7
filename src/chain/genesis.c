/* genesis.c - load, check and write the genesis file (format in
 * include/luxc/node_config.h).
 * Owns: the validator set as the chain starts, and its invariants: unique
 * names, addresses and keys, positive stakes whose sum fits in 63 bits.
 * Not here: consensus parameter rules (the consensus layer checks those
 * when the node builds its parameters). */
#include "luxc/node_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

static const char *const top_keys[] = {"chain_id", "genesis_time", "consensus", "validators",
                                       NULL};
static const char *const cons_keys[] = {"preset", "k", "alpha_pref", "alpha_conf", "beta",
                                        "block_time_ms", "round_timeout_ms", NULL};
static const char *const val_keys[] = {"name", "address", "stake", "ed25519_public_key",
                                       "mldsa65_public_key", NULL};
static const char *const presets[] = {"default", "mainnet", "testnet", "local", "localbft",
                                      "single", NULL};

static int chain_id_ok(const char *s)
{
    for (; *s; s++)
        if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
              *s == '.' || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static int parse_consensus(const luxc_jctx *ctx, const cJSON *c, luxc_genesis_consensus *out)
{
    snprintf(out->preset, sizeof out->preset, "default");
    if (!c)
        return LUXC_OK;
    if (!cJSON_IsObject(c))
        return luxc_jerr(ctx, LUXC_EINVAL, "consensus", "expected an object");
    int rc = luxc_jcheck_keys(ctx, c, "consensus", cons_keys);
    if (rc)
        return rc;
    rc = luxc_jget_str(ctx, c, "preset", "consensus", 0, out->preset, sizeof out->preset);
    if (rc)
        return rc;
    int known = 0;
    for (const char *const *p = presets; *p; p++)
        known |= strcmp(*p, out->preset) == 0;
    if (!known)
        return luxc_jerr(ctx, LUXC_EINVAL, "consensus.preset",
                         "expected one of default, mainnet, testnet, local, localbft, single; "
                         "got \"%s\"", out->preset);
    struct {
        const char *key;
        uint32_t *dst;
        uint64_t max;
    } nums[] = {
        {"k", &out->k, 100000},
        {"alpha_pref", &out->alpha_pref, 100000},
        {"alpha_conf", &out->alpha_conf, 100000},
        {"beta", &out->beta, 100000},
        {"block_time_ms", &out->block_time_ms, 3600000},
        {"round_timeout_ms", &out->round_timeout_ms, 3600000},
    };
    for (size_t i = 0; i < sizeof nums / sizeof nums[0]; i++) {
        uint64_t v = 0;
        rc = luxc_jget_u64(ctx, c, nums[i].key, "consensus", 0, 1, nums[i].max, &v);
        if (rc)
            return rc;
        *nums[i].dst = (uint32_t)v;
    }
    return LUXC_OK;
}

static int parse_validator(const luxc_jctx *ctx, const cJSON *v, size_t i,
                           luxc_genesis_validator *out)
{
    char where[48];
    snprintf(where, sizeof where, "validators[%zu]", i);
    if (!cJSON_IsObject(v))
        return luxc_jerr(ctx, LUXC_EINVAL, where, "expected an object");
    int rc = luxc_jcheck_keys(ctx, v, where, val_keys);
    if (!rc)
        rc = luxc_jget_str(ctx, v, "name", where, 1, out->name, sizeof out->name);
    if (!rc)
        rc = luxc_jget_str(ctx, v, "address", where, 1, out->address, sizeof out->address);
    if (!rc)
        rc = luxc_jget_u64(ctx, v, "stake", where, 1, 1, INT64_MAX, &out->stake);
    if (!rc)
        rc = luxc_jget_hex(ctx, v, "ed25519_public_key", where, out->ed25519_pk,
                           sizeof out->ed25519_pk);
    if (!rc)
        rc = luxc_jget_hex(ctx, v, "mldsa65_public_key", where, out->mldsa65_pk,
                           sizeof out->mldsa65_pk);
    return rc;
}

/* Names, addresses and keys must be unique: a set with one key twice would
 * let one signer count double toward the stake quorum. */
static int check_unique(const luxc_jctx *ctx, const luxc_genesis *g)
{
    for (size_t i = 0; i < g->n_validators; i++) {
        const luxc_genesis_validator *a = &g->validators[i];
        for (size_t j = 0; j < i; j++) {
            const luxc_genesis_validator *b = &g->validators[j];
            char field[48];
            snprintf(field, sizeof field, "validators[%zu]", i);
            if (!strcmp(a->name, b->name))
                return luxc_jerr(ctx, LUXC_EDUPLICATE, field,
                                 "name \"%s\" already used by validators[%zu]", a->name, j);
            if (!strcmp(a->address, b->address))
                return luxc_jerr(ctx, LUXC_EDUPLICATE, field,
                                 "address \"%s\" already used by validators[%zu]", a->address, j);
            if (!memcmp(a->ed25519_pk, b->ed25519_pk, sizeof a->ed25519_pk) ||
                !memcmp(a->mldsa65_pk, b->mldsa65_pk, sizeof a->mldsa65_pk))
                return luxc_jerr(ctx, LUXC_EDUPLICATE, field,
                                 "public key already used by validators[%zu]", j);
        }
    }
    return LUXC_OK;
}

static int parse_root(const luxc_jctx *ctx, const cJSON *root, luxc_genesis *g)
{
    if (!cJSON_IsObject(root))
        return luxc_jerr(ctx, LUXC_EINVAL, NULL, "expected a JSON object at the top level");
    int rc = luxc_jcheck_keys(ctx, root, NULL, top_keys);
    if (!rc)
        rc = luxc_jget_str(ctx, root, "chain_id", NULL, 1, g->chain_id, sizeof g->chain_id);
    if (rc)
        return rc;
    if (!chain_id_ok(g->chain_id))
        return luxc_jerr(ctx, LUXC_EINVAL, "chain_id",
                         "expected only letters, digits, '.', '_' and '-', got \"%s\"",
                         g->chain_id);
    rc = luxc_jget_u64(ctx, root, "genesis_time", NULL, 0, 0, INT64_MAX, &g->genesis_time);
    if (!rc)
        rc = parse_consensus(ctx, cJSON_GetObjectItemCaseSensitive(root, "consensus"),
                             &g->consensus);
    if (rc)
        return rc;
    const cJSON *vals = cJSON_GetObjectItemCaseSensitive(root, "validators");
    if (!cJSON_IsArray(vals))
        return luxc_jerr(ctx, LUXC_EINVAL, "validators",
                         vals ? "expected an array" : "missing (expected an array)");
    int n = cJSON_GetArraySize(vals);
    if (n < 1)
        return luxc_jerr(ctx, LUXC_EINVAL, "validators", "expected at least one validator");
    if ((size_t)n > LUXC_GENESIS_MAX_VALIDATORS)
        return luxc_jerr(ctx, LUXC_ETOOBIG, "validators",
                         "expected at most %u validators, got %d", LUXC_GENESIS_MAX_VALIDATORS, n);
    g->validators = calloc((size_t)n, sizeof *g->validators);
    if (!g->validators)
        return luxc_jerr(ctx, LUXC_ENOMEM, NULL, "out of memory");
    g->n_validators = (size_t)n;
    size_t i = 0;
    const cJSON *v;
    cJSON_ArrayForEach(v, vals) {
        rc = parse_validator(ctx, v, i, &g->validators[i]);
        if (rc)
            return rc;
        if (g->validators[i].stake > (uint64_t)INT64_MAX - g->total_stake) {
            char field[48];
            snprintf(field, sizeof field, "validators[%zu].stake", i);
            return luxc_jerr(ctx, LUXC_EOVERFLOW, field, "total stake exceeds 2^63-1");
        }
        g->total_stake += g->validators[i].stake;
        i++;
    }
    return check_unique(ctx, g);
}

int luxc_genesis_parse(luxc_genesis **out, const char *json, size_t len, const char *origin,
                       char *err, size_t errlen)
{
    luxc_jctx ctx = {origin ? origin : "genesis", err, errlen};
    if (out == NULL || json == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    cJSON *root;
    int rc = luxc_jparse(&ctx, json, len, &root);
    if (rc)
        return rc;
    luxc_genesis *g = calloc(1, sizeof *g);
    if (!g) {
        cJSON_Delete(root);
        return luxc_jerr(&ctx, LUXC_ENOMEM, NULL, "out of memory");
    }
    rc = parse_root(&ctx, root, g);
    cJSON_Delete(root);
    if (rc) {
        luxc_genesis_free(g);
        return rc;
    }
    *out = g;
    return LUXC_OK;
}

int luxc_genesis_load(luxc_genesis **out, const char *path, char *err, size_t errlen)
{
    if (out == NULL || path == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    char *text;
    size_t len;
    int rc = luxc_read_file(path, LUXC_CONFIG_FILE_MAX, &text, &len, err, errlen);
    if (rc)
        return rc;
    rc = luxc_genesis_parse(out, text, len, path, err, errlen);
    free(text);
    return rc;
}

long luxc_genesis_find(const luxc_genesis *g, const char *name)
{
    if (!g || !name)
        return -1;
    for (size_t i = 0; i < g->n_validators; i++)
        if (!strcmp(g->validators[i].name, name))
            return (long)i;
    return -1;
}

void luxc_genesis_free(luxc_genesis *g)
{
    if (!g)
        return;
    free(g->validators);
    free(g);
}

static int add_u32(cJSON *obj, const char *key, uint32_t v)
{
    return v == 0 || cJSON_AddNumberToObject(obj, key, v) != NULL;
}

/* An integer as a JSON number while cJSON prints it exactly, else as a
 * decimal string (the parser takes both). cJSON prints with "%1.15g" when
 * that reads back within DBL_EPSILON, so integers of 16 or more digits
 * (10^15 <= v, even below 2^53) would lose their last digits. */
static int add_u64(cJSON *obj, const char *key, uint64_t v)
{
    if (v < 1000000000000000ull)
        return cJSON_AddNumberToObject(obj, key, (double)v) != NULL;
    char s[24];
    snprintf(s, sizeof s, "%llu", (unsigned long long)v);
    return cJSON_AddStringToObject(obj, key, s) != NULL;
}

static int add_validator(cJSON *arr, const luxc_genesis_validator *v)
{
    char ed[2 * LUXC_ED25519_PUBLICKEYBYTES + 1];
    char *ml = malloc(2 * LUXC_MLDSA_PUBLICKEYBYTES + 1);
    cJSON *o = cJSON_CreateObject();
    int ok = ml && o && cJSON_AddItemToArray(arr, o);
    if (!ok) {
        free(ml);
        cJSON_Delete(o);
        return 0;
    }
    luxc_hex_encode(ed, v->ed25519_pk, sizeof v->ed25519_pk);
    luxc_hex_encode(ml, v->mldsa65_pk, sizeof v->mldsa65_pk);
    ok = cJSON_AddStringToObject(o, "name", v->name) &&
         cJSON_AddStringToObject(o, "address", v->address) &&
         add_u64(o, "stake", v->stake) &&
         cJSON_AddStringToObject(o, "ed25519_public_key", ed) &&
         cJSON_AddStringToObject(o, "mldsa65_public_key", ml);
    free(ml);
    return ok;
}

int luxc_genesis_to_json(const luxc_genesis *g, char **json)
{
    if (!g || !json)
        return LUXC_EINVAL;
    *json = NULL;
    cJSON *root = cJSON_CreateObject(), *cons = NULL, *vals = NULL;
    int ok = root && cJSON_AddStringToObject(root, "chain_id", g->chain_id) &&
             add_u64(root, "genesis_time", g->genesis_time) &&
             (cons = cJSON_AddObjectToObject(root, "consensus")) &&
             cJSON_AddStringToObject(cons, "preset", g->consensus.preset[0]
                                                         ? g->consensus.preset
                                                         : "default") &&
             add_u32(cons, "k", g->consensus.k) &&
             add_u32(cons, "alpha_pref", g->consensus.alpha_pref) &&
             add_u32(cons, "alpha_conf", g->consensus.alpha_conf) &&
             add_u32(cons, "beta", g->consensus.beta) &&
             add_u32(cons, "block_time_ms", g->consensus.block_time_ms) &&
             add_u32(cons, "round_timeout_ms", g->consensus.round_timeout_ms) &&
             (vals = cJSON_AddArrayToObject(root, "validators"));
    for (size_t i = 0; ok && i < g->n_validators; i++)
        ok = add_validator(vals, &g->validators[i]);
    if (ok)
        *json = cJSON_Print(root);
    cJSON_Delete(root);
    return *json ? LUXC_OK : LUXC_ENOMEM;
}
