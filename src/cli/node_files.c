/* node_files.c - write a validator set's files: key pairs, genesis entries,
 * node configurations and the genesis file (see node_files.h).
 * Owns: turning a planned network into files the node's loaders accept.
 * Not here: where the nodes listen (the callers choose addresses). */
#include "node_files.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "luxc/keys.h"

static int write_text(const char *path, const char *text, char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    int ok = fputs(text, f) >= 0;
    if (fclose(f) != 0 || !ok) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

const char *node_files_default_preset(size_t n)
{
    return n == 1 ? "single" : n <= 3 ? "local" : "localbft";
}

int node_files_genesis_init(luxc_genesis *g, const char *chain_id, const char *preset, size_t n,
                            char *err, size_t errlen)
{
    memset(g, 0, sizeof *g);
    snprintf(g->chain_id, sizeof g->chain_id, "%s", chain_id);
    snprintf(g->consensus.preset, sizeof g->consensus.preset, "%s", preset);
    g->genesis_time = (uint64_t)time(NULL);
    g->validators = calloc(n, sizeof *g->validators);
    if (!g->validators) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    g->n_validators = n;
    return 0;
}

int node_files_validator(luxc_genesis *g, size_t i, const char *node_dir, const char *name,
                         const char *address, uint64_t stake, char *err, size_t errlen)
{
    if (mkdir(node_dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", node_dir, strerror(errno));
        return -1;
    }
    char keys[LUXC_PATH_MAX + 1], msg[512];
    if ((size_t)snprintf(keys, sizeof keys, "%s/keys", node_dir) >= sizeof keys) {
        snprintf(err, errlen, "path too long: %s/keys", node_dir);
        return -1;
    }
    luxc_keypair kp;
    if (luxc_keys_generate(keys, NULL, &kp, msg, sizeof msg) != LUXC_OK) {
        snprintf(err, errlen, "%s", msg);
        return -1;
    }
    luxc_genesis_validator *v = &g->validators[i];
    snprintf(v->name, sizeof v->name, "%s", name);
    snprintf(v->address, sizeof v->address, "%s", address);
    v->stake = stake;
    memcpy(v->ed25519_pk, kp.pk, LUXC_ED25519_PUBLICKEYBYTES);
    memcpy(v->mldsa65_pk, kp.pk + LUXC_ED25519_PUBLICKEYBYTES, LUXC_MLDSA_PUBLICKEYBYTES);
    g->total_stake += stake;
    luxc_keypair_wipe(&kp);
    return 0;
}

int node_files_write_config(const char *path, const node_files_config *c, char *err,
                            size_t errlen)
{
    cJSON *o = cJSON_CreateObject();
    int ok = o && cJSON_AddStringToObject(o, "genesis", c->genesis) &&
             cJSON_AddStringToObject(o, "key_dir", "keys") &&
             cJSON_AddStringToObject(o, "name", c->name) &&
             cJSON_AddStringToObject(o, "listen", c->listen) &&
             cJSON_AddStringToObject(o, "data_dir", "data");
    if (ok && c->metrics[0])
        ok = cJSON_AddStringToObject(o, "metrics", c->metrics) != NULL;
    if (ok && c->submit[0])
        ok = cJSON_AddStringToObject(o, "submit", c->submit) != NULL;
    ok = ok && cJSON_AddStringToObject(o, "log_level", c->log_level);
    char *text = ok ? cJSON_Print(o) : NULL;
    cJSON_Delete(o);
    if (!text) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    size_t len = strlen(text);
    char *line = realloc(text, len + 2); /* end the file with a newline */
    if (!line) {
        free(text);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    memcpy(line + len, "\n", 2);
    int rc = write_text(path, line, err, errlen);
    free(line);
    return rc;
}

int node_files_write_genesis(const luxc_genesis *g, const char *const *paths, size_t n_paths,
                             char *err, size_t errlen)
{
    char *json = NULL;
    if (luxc_genesis_to_json(g, &json) != LUXC_OK) {
        snprintf(err, errlen, "cannot encode the genesis");
        return -1;
    }
    /* What the node will load: a planning mistake (two validators on one
     * address) fails here, not on the machines. */
    luxc_genesis *check = NULL;
    char msg[512];
    int rc = 0;
    if (luxc_genesis_parse(&check, json, strlen(json), "genesis.json", msg, sizeof msg) !=
        LUXC_OK) {
        snprintf(err, errlen, "the genesis written would not load: %s", msg);
        rc = -1;
    }
    luxc_genesis_free(check);
    for (size_t i = 0; rc == 0 && i < n_paths; i++)
        rc = write_text(paths[i], json, err, errlen);
    free(json);
    return rc;
}
