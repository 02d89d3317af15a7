/* bench_json_check.c - validate `luxc bench --json` output read from stdin:
 * one JSON array of objects with name (string), iterations (> 0), ns_per_op
 * (> 0), bytes_per_op and allocs_per_op (numbers >= 0), and none marked
 * "failed": true (a benchmark whose self-check failed). With arguments, each
 * named benchmark must be present. Exit 0 if valid, 1 with a reason if not. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int fail(const char *why, const char *name)
{
    fprintf(stderr, "bench --json: %s%s%s\n", why, name ? ": " : "", name ? name : "");
    return 1;
}

int main(int argc, char **argv)
{
    size_t cap = 1 << 16, len = 0;
    char *buf = malloc(cap);
    if (!buf)
        return fail("out of memory", NULL);
    size_t n;
    while ((n = fread(buf + len, 1, cap - len - 1, stdin)) > 0) {
        len += n;
        if (len + 1 == cap) {
            char *nb = realloc(buf, cap *= 2);
            if (!nb) {
                free(buf);
                return fail("out of memory", NULL);
            }
            buf = nb;
        }
    }
    buf[len] = '\0';
    cJSON *root = cJSON_Parse(buf);
    free(buf);
    if (!root || !cJSON_IsArray(root))
        return fail("output is not one JSON array", NULL);
    int rc = 0;
    const cJSON *item;
    cJSON_ArrayForEach(item, root) {
        const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
        const cJSON *it = cJSON_GetObjectItemCaseSensitive(item, "iterations");
        const cJSON *ns = cJSON_GetObjectItemCaseSensitive(item, "ns_per_op");
        const cJSON *by = cJSON_GetObjectItemCaseSensitive(item, "bytes_per_op");
        const cJSON *al = cJSON_GetObjectItemCaseSensitive(item, "allocs_per_op");
        if (!cJSON_IsString(name) || !cJSON_IsNumber(it) || it->valuedouble < 1 ||
            !cJSON_IsNumber(ns) || !(ns->valuedouble > 0) || !cJSON_IsNumber(by) ||
            by->valuedouble < 0 || !cJSON_IsNumber(al) || al->valuedouble < 0) {
            rc = fail("malformed entry", cJSON_IsString(name) ? name->valuestring : "?");
            break;
        }
        if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(item, "failed"))) {
            rc = fail("benchmark failed its self-check", name->valuestring);
            break;
        }
    }
    for (int i = 1; rc == 0 && i < argc; i++) {
        int found = 0;
        cJSON_ArrayForEach(item, root) {
            const cJSON *name = cJSON_GetObjectItemCaseSensitive(item, "name");
            found |= cJSON_IsString(name) && strcmp(name->valuestring, argv[i]) == 0;
        }
        if (!found)
            rc = fail("missing benchmark", argv[i]);
    }
    cJSON_Delete(root);
    return rc;
}
