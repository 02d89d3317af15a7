/* test_config.c - the node configuration file (src/chain/config.c): a
 * wrong file fails with one clear line naming the file, the field and
 * what was expected - each required field missing, every field given the
 * wrong JSON type, empty and too long strings, endpoints and host:port at
 * and past their limits, unknown log levels, a top level that is not an
 * object, text that is not JSON (trailing or duplicated content
 * included) - and leaves the output zeroed. Also: defaults, relative
 * paths joined with the file's folder (and too long after joining),
 * loading from a file, and NULL / small error buffers. test_genesis.c has
 * the happy path beside the genesis file. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <unistd.h>

#include "luxc/node_config.h"
#include "testutil.h"

static luxc_node_config C; /* large: static */
static char err[512];

/* A complete valid config with `extra` spliced in before the closing
 * brace and the field named `drop` left out. */
static const char *with(const char *drop, const char *extra)
{
    static char buf[16384];
    static const char *const fields[][2] = {
        {"genesis", "\"genesis.json\""}, {"key_dir", "\"keys/n0\""},
        {"name", "\"node0\""},           {"listen", "\"tcp://127.0.0.1:7000\""},
        {"data_dir", "\"data/n0\""},
    };
    size_t n = (size_t)snprintf(buf, sizeof buf, "{");
    int first = 1;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++) {
        if (drop && !strcmp(drop, fields[i][0]))
            continue;
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s\"%s\": %s", first ? "" : ", ",
                              fields[i][0], fields[i][1]);
        first = 0;
    }
    if (extra)
        n += (size_t)snprintf(buf + n, sizeof buf - n, "%s%s", first ? "" : ", ", extra);
    snprintf(buf + n, sizeof buf - n, "}");
    return buf;
}

static int parse(const char *json, const char *base)
{
    err[0] = '\0';
    memset(&C, 0x5a, sizeof C); /* what a failure must not leave behind */
    return luxc_node_config_parse(&C, json, strlen(json), "node.json", base, err, sizeof err);
}

static int zeroed(void)
{
    static const luxc_node_config zero;
    return !memcmp(&C, &zero, sizeof C);
}

/* Fails with rc and exactly the message `msg`, output zeroed. */
static void bad(const char *json, int rc, const char *msg)
{
    int got = parse(json, NULL);
    if (got != rc || strcmp(err, msg) || !zeroed())
        fail_msg("%s\n  -> %s \"%s\"%s\n  wanted %s \"%s\"", json, luxc_strerror(got), err,
                 zeroed() ? "" : " (output not zeroed)", luxc_strerror(rc), msg);
}

static void test_valid_and_defaults(void **state)
{
    (void)state;
    assert_int_equal(parse(with(NULL, NULL), NULL), LUXC_OK);
    assert_string_equal(C.genesis_path, "genesis.json"); /* no base: as written */
    assert_string_equal(C.key_dir, "keys/n0");
    assert_string_equal(C.name, "node0");
    assert_string_equal(C.listen, "tcp://127.0.0.1:7000");
    assert_string_equal(C.data_dir, "data/n0");
    assert_string_equal(C.submit, "");
    assert_string_equal(C.metrics, "");
    assert_int_equal(C.log_level, LUXC_LOG_INFO);
    assert_string_equal(err, "");
    static const char *const levels[] = {"error", "warn", "info", "debug"};
    for (int i = 0; i < 4; i++) {
        char extra[64];
        snprintf(extra, sizeof extra, "\"log_level\": \"%s\"", levels[i]);
        assert_int_equal(parse(with(NULL, extra), NULL), LUXC_OK);
        assert_int_equal(C.log_level, (luxc_log_level)i);
    }
    /* Fields in any order, whitespace anywhere. */
    const char *j = "\n\t{ \"data_dir\" :\"d\",\"listen\":\"ipc://x\" , \"name\":\"n\",\n"
                    "\"key_dir\":\"k\",\"genesis\":\"g\" }\n  ";
    assert_int_equal(parse(j, NULL), LUXC_OK);
    assert_string_equal(C.listen, "ipc://x");
}

static void test_missing_fields(void **state)
{
    (void)state;
    static const char *const req[] = {"genesis", "key_dir", "name", "listen", "data_dir"};
    for (size_t i = 0; i < 5; i++) {
        char msg[128];
        snprintf(msg, sizeof msg, "node.json: %s: missing (expected a string)", req[i]);
        bad(with(req[i], NULL), LUXC_EINVAL, msg);
    }
    bad("{}", LUXC_EINVAL, "node.json: genesis: missing (expected a string)");
}

static void test_wrong_types(void **state)
{
    (void)state;
    static const char *const keys[] = {"genesis", "key_dir", "name",    "listen",
                                       "data_dir", "submit", "metrics", "log_level"};
    static const char *const vals[][2] = {
        {"1", "a number"},   {"1.5", "a number"}, {"true", "a boolean"}, {"null", "null"},
        {"[\"x\"]", "an array"}, {"{\"x\": 1}", "an object"},
    };
    for (size_t k = 0; k < sizeof keys / sizeof keys[0]; k++)
        for (size_t v = 0; v < sizeof vals / sizeof vals[0]; v++) {
            char extra[128], msg[160];
            snprintf(extra, sizeof extra, "\"%s\": %s", keys[k], vals[v][0]);
            snprintf(msg, sizeof msg, "node.json: %s: expected a string, got %s", keys[k],
                     vals[v][1]);
            bad(with(k < 5 ? keys[k] : NULL, extra), LUXC_EINVAL, msg);
        }
}

static void test_string_sizes(void **state)
{
    (void)state;
    bad(with("name", "\"name\": \"\""), LUXC_EINVAL, "node.json: name: expected a non-empty string");
    bad(with(NULL, "\"submit\": \"\""), LUXC_EINVAL,
        "node.json: submit: expected a non-empty string");
    /* name: 63 characters fit, 64 do not. */
    char extra[8192];
    char name[80];
    memset(name, 'n', 63);
    name[63] = '\0';
    snprintf(extra, sizeof extra, "\"name\": \"%s\"", name);
    assert_int_equal(parse(with("name", extra), NULL), LUXC_OK);
    assert_string_equal(C.name, name);
    snprintf(extra, sizeof extra, "\"name\": \"%sn\"", name);
    bad(with("name", extra), LUXC_ETOOBIG, "node.json: name: expected at most 63 characters, got 64");
    /* listen: 127 characters fit (an ipc path), 128 do not. */
    char path[200];
    memset(path, 'p', sizeof path);
    path[127 - 6] = '\0';
    snprintf(extra, sizeof extra, "\"listen\": \"ipc://%s\"", path);
    assert_int_equal(parse(with("listen", extra), NULL), LUXC_OK);
    assert_int_equal(strlen(C.listen), 127);
    path[127 - 6] = 'p';
    path[128 - 6] = '\0';
    snprintf(extra, sizeof extra, "\"listen\": \"ipc://%s\"", path);
    bad(with("listen", extra), LUXC_ETOOBIG,
        "node.json: listen: expected at most 127 characters, got 128");
    /* A path of LUXC_PATH_MAX characters fits; one more does not. */
    static char longp[LUXC_PATH_MAX + 2];
    static char bigextra[LUXC_PATH_MAX + 64];
    memset(longp, 'd', LUXC_PATH_MAX);
    longp[0] = '/';
    longp[LUXC_PATH_MAX] = '\0';
    snprintf(bigextra, sizeof bigextra, "\"data_dir\": \"%s\"", longp);
    assert_int_equal(parse(with("data_dir", bigextra), "/base"), LUXC_OK); /* absolute: kept */
    longp[LUXC_PATH_MAX] = 'd';
    longp[LUXC_PATH_MAX + 1] = '\0';
    snprintf(bigextra, sizeof bigextra, "\"data_dir\": \"%s\"", longp);
    int rc = parse(with("data_dir", bigextra), NULL);
    assert_int_equal(rc, LUXC_ETOOBIG);
    assert_non_null(strstr(err, "data_dir: expected at most 4095 characters, got 4096"));
}

static void test_endpoints(void **state)
{
    (void)state;
    static const char *const good[] = {
        "tcp://127.0.0.1:0", "tcp://127.0.0.1:65535", "tcp://host:1", "tcp://[::1]:7000",
        "tcp://*:7000",      "ipc:///tmp/x",          "ipc://rel",
    };
    static const char *const wrong[] = {
        "tcp://127.0.0.1:65536", "tcp://127.0.0.1:-1", "tcp://127.0.0.1:", "tcp://127.0.0.1",
        "tcp://:7000",           "tcp://",             "ipc://",           "udp://h:1",
        "TCP://h:1",             "tcp://h:70x",        "tcp://h:99999999999999999999",
        "h:1",                   "inproc://x",            "tcp://h: 80",
        "tcp://h:+80",           "tcp://h:0x50",
    };
    char extra[256], msg[320];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(extra, sizeof extra, "\"listen\": \"%s\", \"submit\": \"%s\"", good[i], good[i]);
        if (parse(with("listen", extra), NULL) != LUXC_OK)
            fail_msg("%s refused: %s", good[i], err);
        assert_string_equal(C.listen, good[i]);
        assert_string_equal(C.submit, good[i]);
    }
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        snprintf(extra, sizeof extra, "\"listen\": \"%s\"", wrong[i]);
        snprintf(msg, sizeof msg,
                 "node.json: listen: expected tcp://HOST:PORT or ipc://PATH, got \"%s\"", wrong[i]);
        bad(with("listen", extra), LUXC_EINVAL, msg);
        snprintf(extra, sizeof extra, "\"submit\": \"%s\"", wrong[i]);
        snprintf(msg, sizeof msg,
                 "node.json: submit: expected tcp://HOST:PORT or ipc://PATH, got \"%s\"", wrong[i]);
        bad(with(NULL, extra), LUXC_EINVAL, msg);
    }
}

static void test_metrics(void **state)
{
    (void)state;
    static const char *const good[] = {"127.0.0.1:9100", "localhost:0", "h:65535", "[::1]:80"};
    static const char *const wrong[] = {"127.0.0.1", ":9100", "h:", "h:65536", "h:-1", "h:9x",
                                        "tcp://h:1x", "h: 80", "h:+80"};
    char extra[256], msg[320];
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        snprintf(extra, sizeof extra, "\"metrics\": \"%s\"", good[i]);
        if (parse(with(NULL, extra), NULL) != LUXC_OK)
            fail_msg("%s refused: %s", good[i], err);
        assert_string_equal(C.metrics, good[i]);
    }
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        snprintf(extra, sizeof extra, "\"metrics\": \"%s\"", wrong[i]);
        snprintf(msg, sizeof msg, "node.json: metrics: expected HOST:PORT, got \"%s\"", wrong[i]);
        bad(with(NULL, extra), LUXC_EINVAL, msg);
    }
}

static void test_log_level(void **state)
{
    (void)state;
    static const char *const wrong[] = {"INFO", "warning", "trace", "info ", "0"};
    char extra[128], msg[192];
    for (size_t i = 0; i < sizeof wrong / sizeof wrong[0]; i++) {
        snprintf(extra, sizeof extra, "\"log_level\": \"%s\"", wrong[i]);
        snprintf(msg, sizeof msg,
                 "node.json: log_level: expected error, warn, info or debug, got \"%s\"", wrong[i]);
        bad(with(NULL, extra), LUXC_EINVAL, msg);
    }
    /* Longer than any level: too long for its buffer, said so. */
    bad(with(NULL, "\"log_level\": \"informational-ish\""), LUXC_ETOOBIG,
        "node.json: log_level: expected at most 15 characters, got 17");
}

static void test_shapes(void **state)
{
    (void)state;
    bad("[]", LUXC_EINVAL, "node.json: expected a JSON object at the top level");
    bad("\"genesis\"", LUXC_EINVAL, "node.json: expected a JSON object at the top level");
    bad("42", LUXC_EINVAL, "node.json: expected a JSON object at the top level");
    bad("", LUXC_ECORRUPT, "node.json: not valid JSON (line 1, column 1)");
    /* The line is exact; the column is where cJSON stopped (at or just
     * after the bad character). */
    assert_int_equal(parse("{\n  \"genesis\": \"g\",\n  oops\n}", NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "node.json: not valid JSON (line 3, column "));
    assert_true(zeroed());
    bad(with(NULL, "\"Name\": \"x\""), LUXC_EINVAL, "node.json: Name: unknown field");
    bad(with(NULL, "\"genesis_path\": \"x\""), LUXC_EINVAL, "node.json: genesis_path: unknown field");
    /* A second document after the object is not one JSON text. */
    static char two[16400];
    snprintf(two, sizeof two, "%s {}", with(NULL, NULL));
    int rc = parse(two, NULL);
    if (rc == LUXC_OK)
        fail_msg("trailing text accepted: %s", two);
    assert_int_equal(rc, LUXC_ECORRUPT);
    assert_true(zeroed());
    /* A field given twice: which one counts would be a guess. */
    rc = parse(with(NULL, "\"name\": \"other\""), NULL);
    if (rc == LUXC_OK)
        fail_msg("duplicate field accepted (name = %s)", C.name);
    assert_int_equal(rc, LUXC_EDUPLICATE);
    assert_string_equal(err, "node.json: name: given twice");
    assert_true(zeroed());
    /* Control characters echoed from the file stay on one line. */
    bad(with(NULL, "\"metrics\": \"a\\nb\""), LUXC_EINVAL,
        "node.json: metrics: expected HOST:PORT, got \"a?b\"");
}

static void test_relative_paths(void **state)
{
    (void)state;
    const char *j = "{\"genesis\": \"g.json\", \"key_dir\": \"/abs/keys\", \"name\": \"n\", "
                    "\"listen\": \"ipc://rel\", \"data_dir\": \"../data\"}";
    assert_int_equal(parse(j, "/etc/luxc"), LUXC_OK);
    assert_string_equal(C.genesis_path, "/etc/luxc/g.json");
    assert_string_equal(C.key_dir, "/abs/keys");
    assert_string_equal(C.data_dir, "/etc/luxc/../data");
    assert_string_equal(C.listen, "ipc://rel"); /* endpoints are not paths */
    assert_int_equal(parse(j, ""), LUXC_OK);    /* empty base: as written */
    assert_string_equal(C.genesis_path, "g.json");
    /* Too long after joining: the field and the base are named. */
    static char base[LUXC_PATH_MAX];
    memset(base, 'b', sizeof base - 1);
    base[0] = '/';
    base[sizeof base - 1] = '\0';
    int rc = parse(j, base);
    assert_int_equal(rc, LUXC_ETOOBIG);
    assert_non_null(strstr(err, "node.json: genesis: path too long after joining with /bbb"));
    assert_true(zeroed());
}

static void test_args_and_err_buffers(void **state)
{
    (void)state;
    const char *j = with("name", NULL);
    assert_int_equal(luxc_node_config_parse(NULL, j, strlen(j), "x", NULL, err, sizeof err),
                     LUXC_EINVAL);
    assert_int_equal(luxc_node_config_parse(&C, NULL, 0, "x", NULL, err, sizeof err), LUXC_EINVAL);
    /* No buffer: the code alone. */
    assert_int_equal(luxc_node_config_parse(&C, j, strlen(j), "x", NULL, NULL, 0), LUXC_EINVAL);
    /* A small buffer: cut, terminated. */
    char small[12];
    assert_int_equal(luxc_node_config_parse(&C, j, strlen(j), "node.json", NULL, small,
                                            sizeof small),
                     LUXC_EINVAL);
    assert_int_equal(strlen(small), sizeof small - 1);
    assert_memory_equal(small, "node.json: ", 11);
    /* No origin: "config". */
    assert_int_equal(luxc_node_config_parse(&C, j, strlen(j), NULL, NULL, err, sizeof err),
                     LUXC_EINVAL);
    assert_string_equal(err, "config: name: missing (expected a string)");
    /* len bounds the text: a prefix of a valid file is not valid. */
    const char *full = with(NULL, NULL);
    assert_int_equal(luxc_node_config_parse(&C, full, strlen(full) - 1, "x", NULL, err, sizeof err),
                     LUXC_ECORRUPT);
}

static void test_load(void **state)
{
    (void)state;
    char dir[64];
    snprintf(dir, sizeof dir, "/tmp/luxc-config-XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/node.json", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(with(NULL, "\"log_level\": \"warn\""), f);
    fclose(f);
    assert_int_equal(luxc_node_config_load(&C, path, err, sizeof err), LUXC_OK);
    char want[320];
    snprintf(want, sizeof want, "%s/genesis.json", dir);
    assert_string_equal(C.genesis_path, want); /* relative to the file's folder */
    snprintf(want, sizeof want, "%s/data/n0", dir);
    assert_string_equal(C.data_dir, want);
    assert_int_equal(C.log_level, LUXC_LOG_WARN);
    /* A bad file: the message names the path given. */
    f = fopen(path, "w");
    assert_non_null(f);
    fputs(with("listen", NULL), f);
    fclose(f);
    assert_int_equal(luxc_node_config_load(&C, path, err, sizeof err), LUXC_EINVAL);
    snprintf(want, sizeof want, "%s: listen: missing (expected a string)", path);
    assert_string_equal(err, want);
    /* Relative to the working directory when the path has no folder. */
    char cwd[4096];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0);
    f = fopen("node.json", "w");
    assert_non_null(f);
    fputs(with(NULL, NULL), f);
    fclose(f);
    assert_int_equal(luxc_node_config_load(&C, "node.json", err, sizeof err), LUXC_OK);
    assert_string_equal(C.genesis_path, "genesis.json");
    assert_int_equal(chdir(cwd), 0);
    unlink(path);
    /* Unreadable: EIO with the path and the reason. */
    assert_int_equal(luxc_node_config_load(&C, path, err, sizeof err), LUXC_EIO);
    snprintf(want, sizeof want, "%s: cannot open: No such file or directory", path);
    assert_string_equal(err, want);
    assert_int_equal(luxc_node_config_load(&C, NULL, err, sizeof err), LUXC_EINVAL);
    assert_int_equal(luxc_node_config_load(NULL, path, err, sizeof err), LUXC_EINVAL);
    rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_and_defaults),
        cmocka_unit_test(test_missing_fields),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_string_sizes),
        cmocka_unit_test(test_endpoints),
        cmocka_unit_test(test_metrics),
        cmocka_unit_test(test_log_level),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_relative_paths),
        cmocka_unit_test(test_args_and_err_buffers),
        cmocka_unit_test(test_load),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
