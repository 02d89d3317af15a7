/* test_genesis.c - genesis and node configuration loading: the happy path,
 * a round trip, and one test per error message the loaders can give. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/node_config.h"
#include "testutil.h"

static char *hex_of(uint8_t byte, size_t n)
{
    char *s = malloc(2 * n + 1);
    for (size_t i = 0; i < n; i++)
        sprintf(s + 2 * i, "%02x", (unsigned)(uint8_t)(byte + i));
    return s;
}

/* A genesis with `n` validators; `tweak` (may be NULL) is text spliced in
 * place of validator 0's stake entry, `extra` appended to the top object. */
static char *make_genesis(int n, const char *stake0, const char *extra)
{
    size_t cap = 64 + (size_t)n * 5000 + (extra ? strlen(extra) : 0);
    char *s = malloc(cap);
    int off = snprintf(s, cap, "{\"chain_id\": \"luxc-test\", \"consensus\": {\"preset\": "
                               "\"local\"}, %s \"validators\": [", extra ? extra : "");
    for (int i = 0; i < n; i++) {
        char *ed = hex_of((uint8_t)(i * 7 + 1), LUXC_ED25519_PUBLICKEYBYTES);
        char *ml = hex_of((uint8_t)(i * 13 + 2), LUXC_MLDSA_PUBLICKEYBYTES);
        off += snprintf(s + off, cap - (size_t)off,
                        "%s{\"name\": \"node%d\", \"address\": \"tcp://127.0.0.1:%d\", "
                        "\"stake\": %s, \"ed25519_public_key\": \"%s\", "
                        "\"mldsa65_public_key\": \"%s\"}",
                        i ? ", " : "", i, 7000 + i, i == 0 && stake0 ? stake0 : "100", ed, ml);
        free(ed);
        free(ml);
    }
    snprintf(s + off, cap - (size_t)off, "]}");
    return s;
}

static int parse(const char *json, luxc_genesis **g, char *err)
{
    return luxc_genesis_parse(g, json, strlen(json), "g.json", err, 256);
}

static void test_valid_genesis(void **state)
{
    (void)state;
    char *json = make_genesis(3, NULL, NULL);
    luxc_genesis *g;
    char err[256] = "";
    assert_int_equal(parse(json, &g, err), LUXC_OK);
    assert_string_equal(g->chain_id, "luxc-test");
    assert_string_equal(g->consensus.preset, "local");
    assert_int_equal(g->n_validators, 3);
    assert_int_equal(g->total_stake, 300);
    assert_int_equal(g->validators[1].ed25519_pk[0], 8);
    assert_int_equal(g->validators[2].mldsa65_pk[1], 29);
    assert_int_equal(luxc_genesis_find(g, "node2"), 2);
    assert_int_equal(luxc_genesis_find(g, "node9"), -1);
    luxc_genesis_free(g);
    free(json);
}

static void test_round_trip(void **state)
{
    (void)state;
    char *json = make_genesis(4, "\"18446744073709551\"",
                              "\"genesis_time\": 1764000000,");
    luxc_genesis *g, *h;
    char err[256] = "", *out;
    assert_int_equal(parse(json, &g, err), LUXC_OK);
    assert_int_equal(g->validators[0].stake, 18446744073709551ull);
    assert_int_equal(luxc_genesis_to_json(g, &out), LUXC_OK);
    assert_int_equal(parse(out, &h, err), LUXC_OK);
    assert_string_equal(g->chain_id, h->chain_id);
    assert_int_equal(g->genesis_time, h->genesis_time);
    assert_int_equal(g->total_stake, h->total_stake);
    assert_int_equal(g->n_validators, h->n_validators);
    assert_memory_equal(g->validators, h->validators, g->n_validators * sizeof *g->validators);
    luxc_genesis_free(g);
    luxc_genesis_free(h);
    free(out);
    free(json);
}

typedef struct bad_case {
    const char *stake0; /* replaces validator 0's stake */
    const char *extra;  /* extra top-level members */
    int rc;
    const char *expect; /* substring of the message */
} bad_case;

static void test_bad_genesis_fields(void **state)
{
    (void)state;
    static const bad_case cases[] = {
        {"-5", NULL, LUXC_EINVAL, "validators[0].stake: expected an integer in [1, "},
        {"0", NULL, LUXC_EINVAL, "validators[0].stake: expected an integer in [1, "},
        {"1.5", NULL, LUXC_EINVAL, "validators[0].stake"},
        {"\"12x\"", NULL, LUXC_EINVAL, "expected a decimal integer string"},
        {"true", NULL, LUXC_EINVAL, "expected an integer, got a boolean"},
        {"\"9223372036854775808\"", NULL, LUXC_EINVAL, "validators[0].stake"},
        {"\"9223372036854775807\"", NULL, LUXC_EOVERFLOW, "total stake exceeds"},
        {NULL, "\"colour\": 1,", LUXC_EINVAL, "g.json: colour: unknown field"},
        {NULL, "\"genesis_time\": -1,", LUXC_EINVAL, "genesis_time"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *json = make_genesis(2, cases[i].stake0, cases[i].extra);
        luxc_genesis *g = (luxc_genesis *)1;
        char err[256] = "";
        int rc = parse(json, &g, err);
        if (rc != cases[i].rc || strstr(err, cases[i].expect) == NULL)
            fail_msg("case %zu: rc %d (%s) message \"%s\", want %d \"%s\"", i, rc,
                     luxc_strerror(rc), err, cases[i].rc, cases[i].expect);
        assert_null(g);
        free(json);
    }
}

static void expect_error(const char *json, int want_rc, const char *want_msg)
{
    luxc_genesis *g = (luxc_genesis *)1;
    char err[256] = "";
    int rc = parse(json, &g, err);
    if (rc != want_rc || strstr(err, want_msg) == NULL)
        fail_msg("rc %d message \"%s\", want %d \"%s\" for %.80s", rc, err, want_rc, want_msg,
                 json);
    assert_null(g);
}

static void test_bad_genesis_shapes(void **state)
{
    (void)state;
    expect_error("{\"chain_id\": \"x\",\n \"validators\": [", LUXC_ECORRUPT,
                 "g.json: not valid JSON (line 2");
    expect_error("[]", LUXC_EINVAL, "expected a JSON object at the top level");
    expect_error("{\"validators\": []}", LUXC_EINVAL, "chain_id: missing (expected a string)");
    expect_error("{\"chain_id\": \"a b\", \"validators\": []}", LUXC_EINVAL,
                 "chain_id: expected only letters");
    expect_error("{\"chain_id\": \"\", \"validators\": []}", LUXC_EINVAL,
                 "chain_id: expected a non-empty string");
    expect_error("{\"chain_id\": 5, \"validators\": []}", LUXC_EINVAL,
                 "chain_id: expected a string, got a number");
    expect_error("{\"chain_id\": \"x\"}", LUXC_EINVAL, "validators: missing (expected an array)");
    expect_error("{\"chain_id\": \"x\", \"validators\": []}", LUXC_EINVAL,
                 "validators: expected at least one validator");
    expect_error("{\"chain_id\": \"x\", \"validators\": [1]}", LUXC_EINVAL,
                 "validators[0]: expected an object");
    /* a value echoed in the message cannot break it into two lines */
    expect_error("{\"chain_id\": \"x\", \"consensus\": {\"preset\": \"a\\nb\"}, \"validators\": []}",
                 LUXC_EINVAL, "got \"a?b\"");
    expect_error("{\"chain_id\": \"x\", \"consensus\": {\"preset\": \"fast\"}, \"validators\": []}",
                 LUXC_EINVAL, "consensus.preset: expected one of default");
    expect_error("{\"chain_id\": \"x\", \"consensus\": {\"k\": 0}, \"validators\": []}",
                 LUXC_EINVAL, "consensus.k: expected an integer in [1, 100000], got 0");
    expect_error("{\"chain_id\": \"x\", \"consensus\": {\"kk\": 1}, \"validators\": []}",
                 LUXC_EINVAL, "consensus.kk: unknown field");
    char long_id[100];
    memset(long_id, 'a', 80);
    long_id[80] = '\0';
    char buf[200];
    snprintf(buf, sizeof buf, "{\"chain_id\": \"%s\", \"validators\": []}", long_id);
    expect_error(buf, LUXC_ETOOBIG, "chain_id: expected at most 64 characters, got 80");
}

static void test_bad_validator_entries(void **state)
{
    (void)state;
    char *json = make_genesis(2, NULL, NULL);
    /* the same name twice */
    char *p = strstr(json, "\"node1\"");
    memcpy(p, "\"node0\"", 7);
    expect_error(json, LUXC_EDUPLICATE, "validators[1]: name \"node0\" already used");
    memcpy(p, "\"node1\"", 7);
    /* the same address twice */
    p = strstr(json, "127.0.0.1:7001");
    memcpy(p, "127.0.0.1:7000", 14);
    expect_error(json, LUXC_EDUPLICATE, "validators[1]: address \"tcp://127.0.0.1:7000\"");
    memcpy(p, "127.0.0.1:7001", 14);
    /* a bad hex digit, then a short key */
    p = strstr(json, "\"ed25519_public_key\": \"") + 23;
    char saved = *p;
    *p = 'g';
    expect_error(json, LUXC_EINVAL, "validators[0].ed25519_public_key: expected hex digits only");
    *p = saved;
    memmove(p, p + 2, strlen(p + 2) + 1);
    expect_error(json, LUXC_EINVAL,
                 "validators[0].ed25519_public_key: expected 64 hex characters, got 62");
    free(json);
    /* duplicate key material */
    json = make_genesis(2, NULL, NULL);
    char *k0 = strstr(json, "\"mldsa65_public_key\": \"") + 23;
    char *k1 = strstr(k0, "\"mldsa65_public_key\": \"") + 23;
    memcpy(k1, k0, 2 * LUXC_MLDSA_PUBLICKEYBYTES);
    expect_error(json, LUXC_EDUPLICATE, "validators[1]: public key already used by validators[0]");
    free(json);
}

static void test_load_and_alloc_failure(void **state)
{
    (void)state;
    luxc_genesis *g;
    char err[256] = "";
    assert_int_equal(luxc_genesis_load(&g, "/nonexistent/genesis.json", err, sizeof err),
                     LUXC_EIO);
    assert_non_null(strstr(err, "/nonexistent/genesis.json: cannot open: No such file"));
    assert_null(g);
    assert_int_equal(luxc_genesis_parse(NULL, "{}", 2, NULL, NULL, 0), LUXC_EINVAL);

    char path[] = "/tmp/luxc-genesis-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    char *json = make_genesis(5, NULL, NULL);
    assert_int_equal(write(fd, json, strlen(json)), (ssize_t)strlen(json));
    close(fd);
    int rc = LUXC_ENOMEM;
    for (long n = 0; rc == LUXC_ENOMEM && n < 100; n++) {
        luxc_test_alloc_fail_after(n);
        rc = luxc_genesis_load(&g, path, err, sizeof err);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_ENOMEM)
            assert_null(g);
    }
    assert_int_equal(rc, LUXC_OK);
    assert_int_equal(g->n_validators, 5);
    luxc_genesis_free(g);
    luxc_genesis_free(NULL);
    unlink(path);
    free(json);
}

static int cfg(const char *json, luxc_node_config *c, char *err)
{
    return luxc_node_config_parse(c, json, strlen(json), "n.json", "/etc/luxc", err, 256);
}

static void test_node_config(void **state)
{
    (void)state;
    luxc_node_config c;
    char err[256] = "";
    assert_int_equal(cfg("{\"genesis\": \"genesis.json\", \"key_dir\": \"/k/n0\", \"name\": "
                         "\"node0\", \"listen\": \"tcp://127.0.0.1:7000\", \"data_dir\": "
                         "\"data/n0\", \"metrics\": \"127.0.0.1:9100\", \"submit\": "
                         "\"ipc:///tmp/s\", \"log_level\": \"debug\"}",
                         &c, err),
                     LUXC_OK);
    assert_string_equal(c.genesis_path, "/etc/luxc/genesis.json");
    assert_string_equal(c.key_dir, "/k/n0");
    assert_string_equal(c.data_dir, "/etc/luxc/data/n0");
    assert_string_equal(c.metrics, "127.0.0.1:9100");
    assert_int_equal(c.log_level, LUXC_LOG_DEBUG);

    static const struct {
        const char *json;
        const char *msg;
    } bad[] = {
        {"{\"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"tcp://h:1\", \"data_dir\": \"d\"}",
         "n.json: genesis: missing (expected a string)"},
        {"{\"genesis\": \"g\", \"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"udp://h:1\", "
         "\"data_dir\": \"d\"}",
         "n.json: listen: expected tcp://HOST:PORT or ipc://PATH, got \"udp://h:1\""},
        {"{\"genesis\": \"g\", \"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"tcp://h:99999\", "
         "\"data_dir\": \"d\"}",
         "listen: expected tcp://HOST:PORT"},
        {"{\"genesis\": \"g\", \"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"tcp://h:1\", "
         "\"data_dir\": \"d\", \"metrics\": \"nope\"}",
         "metrics: expected HOST:PORT, got \"nope\""},
        {"{\"genesis\": \"g\", \"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"tcp://h:1\", "
         "\"data_dir\": \"d\", \"log_level\": \"loud\"}",
         "log_level: expected error, warn, info or debug, got \"loud\""},
        {"{\"genesis\": \"g\", \"key_dir\": \"k\", \"name\": \"n\", \"listen\": \"tcp://h:1\", "
         "\"data_dir\": \"d\", \"datadir\": \"d\"}",
         "n.json: datadir: unknown field"},
        {"{\"genesis\": \"g\",", "n.json: not valid JSON (line 1"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        int rc = cfg(bad[i].json, &c, err);
        if (rc == LUXC_OK || strstr(err, bad[i].msg) == NULL)
            fail_msg("case %zu: rc %d message \"%s\", want \"%s\"", i, rc, err, bad[i].msg);
        assert_string_equal(c.name, ""); /* zeroed on failure */
    }
    assert_int_equal(luxc_node_config_load(&c, "/nonexistent/n.json", err, sizeof err), LUXC_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_valid_genesis),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_bad_genesis_fields),
        cmocka_unit_test(test_bad_genesis_shapes),
        cmocka_unit_test(test_bad_validator_entries),
        cmocka_unit_test(test_load_and_alloc_failure),
        cmocka_unit_test(test_node_config),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
