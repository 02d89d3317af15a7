/* cmd_verify.c - `luxc verify --data DIR ...`: check validator stores.
 * Owns: opening each store read-only (with the store's full integrity check
 * at open), reporting its range of finalized heights, and the cross-store
 * safety check (store_compare.c): exit 0 iff every store opened and no two
 * stores hold different blocks at one height. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "luxc/store.h"
#include "common/hex.h"
#include "store_compare.h"

#define VERIFY_MAX_STORES 256

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc verify --data DIR [--data DIR ...] [--json]\n"
            "\n"
            "Open each validator store (a node's data_dir) read-only, check it (page\n"
            "walk, record checksums, chain invariant), report its finalized heights,\n"
            "and compare the stores height by height: two stores holding different\n"
            "blocks at one height is a safety violation. Stores may belong to running\n"
            "nodes (read-only opens do not disturb them).\n"
            "\n"
            "  -d, --data DIR   a store folder; repeat for each (at most %d)\n"
            "  -j, --json       print one JSON object: stores[{path, ok, error,\n"
            "                   first_height, last_height, last_id}], heights_compared,\n"
            "                   heights_shared, safety_violations,\n"
            "                   first_violation_height, read_errors\n"
            "  -h, --help       show this text\n"
            "\n"
            "Exit status: 0 every store opened and no violation, 1 otherwise,\n"
            "2 usage error.\n",
            VERIFY_MAX_STORES);
}

typedef struct vstore {
    const char *path;
    luxc_store *s;
    char err[512];
    int has_blocks;
    uint64_t first, last;
    uint8_t last_id[LUXC_STORE_IDBYTES];
    uint8_t chain_id[LUXC_STORE_CHAINIDBYTES];
} vstore;

static void open_one(vstore *v)
{
    luxc_store_cfg sc = {.path = v->path, .flags = LUXC_STORE_RDONLY};
    int rc = luxc_store_new(&v->s, &sc, v->err, sizeof v->err);
    if (rc != LUXC_OK) {
        if (!v->err[0])
            snprintf(v->err, sizeof v->err, "%s", luxc_strerror(rc));
        v->s = NULL;
        return;
    }
    luxc_store_info info;
    rc = luxc_store_info_get(v->s, &info);
    if (rc != LUXC_OK) {
        snprintf(v->err, sizeof v->err, "cannot read the store's metadata: %s",
                 luxc_strerror(rc));
        luxc_store_free(v->s);
        v->s = NULL;
        return;
    }
    v->has_blocks = info.has_blocks;
    v->first = info.has_blocks ? info.first_height : 0;
    v->last = info.has_blocks ? info.last_height : 0;
    memcpy(v->last_id, info.last_id, sizeof v->last_id);
    memcpy(v->chain_id, info.chain_id, sizeof v->chain_id);
}

static void print_json(const vstore *v, size_t n, const store_cmp_result *r)
{
    cJSON *j = cJSON_CreateObject(), *arr = cJSON_AddArrayToObject(j, "stores");
    for (size_t i = 0; i < n; i++) {
        cJSON *o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "path", v[i].path);
        cJSON_AddBoolToObject(o, "ok", v[i].s != NULL);
        if (!v[i].s) {
            cJSON_AddStringToObject(o, "error", v[i].err);
        } else {
            char id[2 * LUXC_STORE_IDBYTES + 1] = "";
            if (v[i].has_blocks)
                luxc_hex_encode(id, v[i].last_id, sizeof v[i].last_id);
            cJSON_AddNumberToObject(o, "first_height", (double)v[i].first);
            cJSON_AddNumberToObject(o, "last_height", (double)v[i].last);
            cJSON_AddStringToObject(o, "last_id", id);
        }
        cJSON_AddItemToArray(arr, o);
    }
    cJSON_AddNumberToObject(j, "heights_compared", (double)r->heights_compared);
    cJSON_AddNumberToObject(j, "heights_shared", (double)r->heights_shared);
    cJSON_AddNumberToObject(j, "safety_violations", (double)r->violations);
    cJSON_AddNumberToObject(j, "first_violation_height", (double)r->first_violation);
    cJSON_AddNumberToObject(j, "read_errors", (double)r->read_errors);
    char *text = cJSON_PrintUnformatted(j);
    if (text)
        printf("%s\n", text);
    free(text);
    cJSON_Delete(j);
}

static void print_text(const vstore *v, size_t n, const store_cmp_result *r)
{
    for (size_t i = 0; i < n; i++) {
        if (!v[i].s) {
            printf("%s: cannot open: %s\n", v[i].path, v[i].err);
        } else if (!v[i].has_blocks) {
            printf("%s: ok, no finalized block yet\n", v[i].path);
        } else {
            char id[2 * LUXC_STORE_IDBYTES + 1];
            luxc_hex_encode(id, v[i].last_id, sizeof v[i].last_id);
            printf("%s: ok, heights %llu..%llu, last block %.16s\n", v[i].path,
                   (unsigned long long)v[i].first, (unsigned long long)v[i].last, id);
        }
    }
    printf("safety: %llu violations over %llu heights compared (%llu held by two or more "
           "stores)",
           (unsigned long long)r->violations, (unsigned long long)r->heights_compared,
           (unsigned long long)r->heights_shared);
    if (r->violations)
        printf(", first at height %llu", (unsigned long long)r->first_violation);
    if (r->read_errors)
        printf(", %llu block reads failed", (unsigned long long)r->read_errors);
    printf("\n");
}

int luxc_cmd_verify(int argc, char **argv)
{
    static const struct option opts[] = {{"data", required_argument, NULL, 'd'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    static vstore v[VERIFY_MAX_STORES];
    size_t n = 0;
    int json = 0, ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
        switch (ch) {
        case 'd':
            if (n == VERIFY_MAX_STORES) {
                fprintf(stderr, "luxc verify: at most %d stores\n", VERIFY_MAX_STORES);
                return 2;
            }
            memset(&v[n], 0, sizeof v[n]);
            v[n++].path = optarg;
            break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!n || optind < argc) {
        fprintf(stderr, "luxc verify: %s\n", n ? "unexpected argument" : "--data DIR is required");
        usage(stderr);
        return 2;
    }
    luxc_store *stores[VERIFY_MAX_STORES];
    int failed = 0;
    for (size_t i = 0; i < n; i++) {
        open_one(&v[i]);
        stores[i] = v[i].s;
        failed |= v[i].s == NULL;
    }
    /* Stores of different chains are not one network: say so. */
    for (size_t i = 1; i < n; i++) {
        for (size_t k = 0; k < i && v[i].s; k++) {
            if (v[k].s && memcmp(v[k].chain_id, v[i].chain_id, sizeof v[i].chain_id)) {
                fprintf(stderr, "luxc verify: %s and %s belong to different chains\n",
                        v[k].path, v[i].path);
                failed = 1;
                break;
            }
        }
    }
    store_cmp_result r;
    store_compare(stores, n, &r);
    if (json)
        print_json(v, n, &r);
    else
        print_text(v, n, &r);
    for (size_t i = 0; i < n; i++)
        luxc_store_free(v[i].s);
    return (failed || r.violations || r.read_errors) ? 1 : 0;
}
