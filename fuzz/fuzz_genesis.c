/* fuzz_genesis.c - libFuzzer target for the JSON loaders of
 * luxc/node_config.h: luxc_genesis_parse and luxc_node_config_parse, both
 * run on every input (the seeds hold genesis files and node configs).
 * Properties checked:
 *  genesis - a rejected input returns a documented code with *out NULL
 *    and a non-empty message in err; an accepted one has 1..4096
 *    validators whose stakes sum to total_stake, and round-trips:
 *    luxc_genesis_to_json -> luxc_genesis_parse gives the same genesis
 *    (every field compared), and to_json of that gives the same text;
 *  node config - a rejected input returns a documented code, leaves the
 *    struct all zero and writes a message; an accepted one has its
 *    required fields set, every string NUL-terminated within its array,
 *    and parsing again with a base directory prefixes exactly the
 *    relative paths.
 * Deterministic; everything allocated is freed. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/node_config.h"

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

static int documented(int rc)
{
    return rc == LUXC_EINVAL || rc == LUXC_ECORRUPT || rc == LUXC_ETOOBIG ||
           rc == LUXC_EDUPLICATE || rc == LUXC_EOVERFLOW || rc == LUXC_ENOMEM;
}

static int terminated(const char *s, size_t cap) { return memchr(s, '\0', cap) != NULL; }

static int same_genesis(const luxc_genesis *a, const luxc_genesis *b)
{
    if (strcmp(a->chain_id, b->chain_id) || a->genesis_time != b->genesis_time ||
        strcmp(a->consensus.preset, b->consensus.preset) || a->consensus.k != b->consensus.k ||
        a->consensus.alpha_pref != b->consensus.alpha_pref ||
        a->consensus.alpha_conf != b->consensus.alpha_conf ||
        a->consensus.beta != b->consensus.beta ||
        a->consensus.block_time_ms != b->consensus.block_time_ms ||
        a->consensus.round_timeout_ms != b->consensus.round_timeout_ms ||
        a->total_stake != b->total_stake || a->n_validators != b->n_validators)
        return 0;
    for (size_t i = 0; i < a->n_validators; i++) {
        const luxc_genesis_validator *x = &a->validators[i], *y = &b->validators[i];
        if (strcmp(x->name, y->name) || strcmp(x->address, y->address) || x->stake != y->stake ||
            memcmp(x->ed25519_pk, y->ed25519_pk, sizeof x->ed25519_pk) ||
            memcmp(x->mldsa65_pk, y->mldsa65_pk, sizeof x->mldsa65_pk))
            return 0;
    }
    return 1;
}

static void fuzz_genesis(const char *text, size_t size)
{
    char err[256];
    err[0] = '\0';
    luxc_genesis *g = (luxc_genesis *)&err; /* parse must set it */
    int rc = luxc_genesis_parse(&g, text, size, "fuzz.json", err, sizeof err);
    if (rc != LUXC_OK) {
        if (g != NULL || !documented(rc) || err[0] == '\0' || !terminated(err, sizeof err))
            abort();
        return;
    }
    if (g->n_validators < 1 || g->n_validators > LUXC_GENESIS_MAX_VALIDATORS ||
        !terminated(g->chain_id, sizeof g->chain_id) || g->chain_id[0] == '\0')
        abort();
    uint64_t total = 0;
    for (size_t i = 0; i < g->n_validators; i++) {
        const luxc_genesis_validator *v = &g->validators[i];
        if (v->stake == 0 || !terminated(v->name, sizeof v->name) || v->name[0] == '\0' ||
            !terminated(v->address, sizeof v->address) || v->address[0] == '\0' ||
            luxc_genesis_find(g, v->name) != (long)i)
            abort();
        total += v->stake; /* parse bounds the sum by 2^63 - 1 */
    }
    if (total != g->total_stake || total > INT64_MAX)
        abort();

    char *j1 = NULL, *j2 = NULL;
    luxc_genesis *g2 = NULL;
    if (luxc_genesis_to_json(g, &j1) != LUXC_OK)
        abort();
    rc = luxc_genesis_parse(&g2, j1, strlen(j1), "roundtrip.json", err, sizeof err);
    if (rc != LUXC_OK) {
        fprintf(stderr, "to_json output does not parse back: %s\n%s\n", err, j1);
        abort();
    }
    if (!same_genesis(g, g2)) {
        fprintf(stderr, "to_json -> parse changed the genesis:\n%s\n", j1);
        abort();
    }
    if (luxc_genesis_to_json(g2, &j2) != LUXC_OK || strcmp(j1, j2) != 0)
        abort();
    free(j1);
    free(j2);
    luxc_genesis_free(g2);
    luxc_genesis_free(g);
}

static int prefixed(const char *with, const char *without, const char *base)
{
    if (without[0] == '/')
        return strcmp(with, without) == 0;
    size_t bl = strlen(base);
    return strncmp(with, base, bl) == 0 && with[bl] == '/' && strcmp(with + bl + 1, without) == 0;
}

static void fuzz_config(const char *text, size_t size)
{
    static luxc_node_config c, c2; /* 16 KiB each: keep them off the stack */
    char err[256];
    err[0] = '\0';
    memset(&c, 0xa5, sizeof c);
    int rc = luxc_node_config_parse(&c, text, size, "node.json", NULL, err, sizeof err);
    if (rc != LUXC_OK) {
        if (!all_zero(&c, sizeof c) || !documented(rc) || err[0] == '\0' ||
            !terminated(err, sizeof err))
            abort();
        return;
    }
    if (!terminated(c.genesis_path, sizeof c.genesis_path) || !c.genesis_path[0] ||
        !terminated(c.key_dir, sizeof c.key_dir) || !c.key_dir[0] ||
        !terminated(c.data_dir, sizeof c.data_dir) || !c.data_dir[0] ||
        !terminated(c.name, sizeof c.name) || !c.name[0] ||
        !terminated(c.listen, sizeof c.listen) || !c.listen[0] ||
        !terminated(c.submit, sizeof c.submit) || !terminated(c.metrics, sizeof c.metrics) ||
        c.log_level < LUXC_LOG_ERROR || c.log_level > LUXC_LOG_DEBUG)
        abort();
    static const char base[] = "/srv/luxc";
    rc = luxc_node_config_parse(&c2, text, size, "node.json", base, err, sizeof err);
    if (rc == LUXC_ETOOBIG) /* a path that no longer fits after joining */
        return;
    if (rc != LUXC_OK || !prefixed(c2.genesis_path, c.genesis_path, base) ||
        !prefixed(c2.key_dir, c.key_dir, base) || !prefixed(c2.data_dir, c.data_dir, base) ||
        strcmp(c2.name, c.name) || strcmp(c2.listen, c.listen) || strcmp(c2.submit, c.submit) ||
        strcmp(c2.metrics, c.metrics) || c2.log_level != c.log_level)
        abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    /* The parsers take (text, len); give them an exact-size copy so ASan
     * catches any read past len. */
    char *text = malloc(size ? size : 1);
    if (!text)
        abort();
    if (size)
        memcpy(text, data, size);
    fuzz_genesis(text, size);
    fuzz_config(text, size);
    free(text);
    return 0;
}
