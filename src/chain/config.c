/* config.c - load the node configuration file (format in
 * include/luxc/node_config.h).
 * Owns: resolving relative paths against the config file's folder and
 * checking endpoint syntax, so a typo fails at start with a clear line. */
#include "luxc/node_config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "json_util.h"

static const char *const cfg_keys[] = {"genesis", "key_dir", "name", "listen", "data_dir",
                                       "submit", "metrics", "log_level", NULL};

/* ZeroMQ endpoints we accept: tcp://host:port or ipc://path. */
static int endpoint_ok(const char *s)
{
    if (!strncmp(s, "ipc://", 6))
        return s[6] != '\0';
    if (strncmp(s, "tcp://", 6))
        return 0;
    const char *colon = strrchr(s + 6, ':');
    if (!colon || colon == s + 6)
        return 0;
    /* digits only: strtol alone would also take " 80" and "+80" */
    char *end;
    long port = strtol(colon + 1, &end, 10);
    return *end == '\0' && colon[1] >= '0' && colon[1] <= '9' && port >= 0 && port <= 65535;
}

/* host:port for the metrics HTTP server. */
static int hostport_ok(const char *s)
{
    const char *colon = strrchr(s, ':');
    if (!colon || colon == s)
        return 0;
    char *end;
    long port = strtol(colon + 1, &end, 10);
    return *end == '\0' && colon[1] >= '0' && colon[1] <= '9' && port >= 0 && port <= 65535;
}

static int resolve(const luxc_jctx *ctx, const char *field, char *path, size_t cap,
                   const char *base_dir)
{
    if (!base_dir || !*base_dir || path[0] == '/')
        return LUXC_OK;
    char tmp[LUXC_PATH_MAX + 1];
    int n = snprintf(tmp, sizeof tmp, "%s/%s", base_dir, path);
    if (n < 0 || (size_t)n >= cap || (size_t)n >= sizeof tmp)
        return luxc_jerr(ctx, LUXC_ETOOBIG, field, "path too long after joining with %s",
                         base_dir);
    memcpy(path, tmp, (size_t)n + 1);
    return LUXC_OK;
}

int luxc_node_config_parse(luxc_node_config *out, const char *json, size_t len,
                           const char *origin, const char *base_dir, char *err, size_t errlen)
{
    luxc_jctx ctx = {origin ? origin : "config", err, errlen};
    if (!out || !json)
        return LUXC_EINVAL;
    /* All zero until success (STYLE section 4), also when the text is not
     * JSON; the log level is set from "log_level" (default "info") below. */
    memset(out, 0, sizeof *out);
    cJSON *root;
    int rc = luxc_jparse(&ctx, json, len, &root);
    if (rc)
        return rc;
    char level[16] = "info";
    if (!cJSON_IsObject(root))
        rc = luxc_jerr(&ctx, LUXC_EINVAL, NULL, "expected a JSON object at the top level");
    if (!rc)
        rc = luxc_jcheck_keys(&ctx, root, NULL, cfg_keys);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "genesis", NULL, 1, out->genesis_path,
                           sizeof out->genesis_path);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "key_dir", NULL, 1, out->key_dir, sizeof out->key_dir);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "name", NULL, 1, out->name, sizeof out->name);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "listen", NULL, 1, out->listen, sizeof out->listen);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "data_dir", NULL, 1, out->data_dir, sizeof out->data_dir);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "submit", NULL, 0, out->submit, sizeof out->submit);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "metrics", NULL, 0, out->metrics, sizeof out->metrics);
    if (!rc)
        rc = luxc_jget_str(&ctx, root, "log_level", NULL, 0, level, sizeof level);
    cJSON_Delete(root);
    if (rc)
        goto fail;
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    int found = -1;
    for (int i = 0; i < 4; i++)
        if (!strcmp(level, levels[i]))
            found = i;
    if (found < 0) {
        rc = luxc_jerr(&ctx, LUXC_EINVAL, "log_level",
                       "expected error, warn, info or debug, got \"%s\"", level);
        goto fail;
    }
    out->log_level = (luxc_log_level)found;
    if (!endpoint_ok(out->listen)) {
        rc = luxc_jerr(&ctx, LUXC_EINVAL, "listen",
                       "expected tcp://HOST:PORT or ipc://PATH, got \"%s\"", out->listen);
        goto fail;
    }
    if (out->submit[0] && !endpoint_ok(out->submit)) {
        rc = luxc_jerr(&ctx, LUXC_EINVAL, "submit",
                       "expected tcp://HOST:PORT or ipc://PATH, got \"%s\"", out->submit);
        goto fail;
    }
    if (out->metrics[0] && !hostport_ok(out->metrics)) {
        rc = luxc_jerr(&ctx, LUXC_EINVAL, "metrics", "expected HOST:PORT, got \"%s\"",
                       out->metrics);
        goto fail;
    }
    rc = resolve(&ctx, "genesis", out->genesis_path, sizeof out->genesis_path, base_dir);
    if (!rc)
        rc = resolve(&ctx, "key_dir", out->key_dir, sizeof out->key_dir, base_dir);
    if (!rc)
        rc = resolve(&ctx, "data_dir", out->data_dir, sizeof out->data_dir, base_dir);
    if (!rc)
        return LUXC_OK;
fail:
    memset(out, 0, sizeof *out);
    return rc;
}

int luxc_node_config_load(luxc_node_config *out, const char *path, char *err, size_t errlen)
{
    if (!out || !path)
        return LUXC_EINVAL;
    char *text;
    size_t len;
    int rc = luxc_read_file(path, LUXC_CONFIG_FILE_MAX, &text, &len, err, errlen);
    if (rc)
        return rc;
    char dir[LUXC_PATH_MAX + 1];
    const char *slash = strrchr(path, '/');
    if (slash) {
        size_t n = (size_t)(slash - path);
        if (n == 0)
            n = 1; /* "/x.json" -> "/" */
        if (n > LUXC_PATH_MAX)
            n = LUXC_PATH_MAX;
        memcpy(dir, path, n);
        dir[n] = '\0';
    }
    rc = luxc_node_config_parse(out, text, len, path, slash ? dir : NULL, err, errlen);
    free(text);
    return rc;
}
