/* test_fuzz_regressions.c - inputs found by the chain layer's fuzz targets
 * (fuzz/fuzz_genesis.c, fuzz/fuzz_node_wire.c), each kept as a test so the
 * bug stays fixed. One test per finding, named after what was wrong.
 * Fixed in src/chain/config.c (zeroing), src/chain/genesis.c (add_u64) and
 * src/chain/wire.c (empty VOTE signature). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/node_config.h"
#include "luxc/node_wire.h"
#include "luxc/chain_block.h"
#include "testutil.h"

static int all_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++)
        if (b[i])
            return 0;
    return 1;
}

/* fuzz_genesis: luxc_node_config_parse on text that is not JSON (the empty
 * input) returned LUXC_ECORRUPT but left log_level = INFO in *out; every
 * failure must leave the struct all zero (STYLE section 4). */
static void test_config_not_json_leaves_zero(void **state)
{
    (void)state;
    static const char *const inputs[] = {"", "{", "nul", "[1,"};
    static luxc_node_config c;
    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        char err[128] = "";
        memset(&c, 0xa5, sizeof c);
        assert_int_equal(luxc_node_config_parse(&c, inputs[i], strlen(inputs[i]), "n.json", NULL,
                                                err, sizeof err),
                         LUXC_ECORRUPT);
        assert_true(all_zero(&c, sizeof c));
        assert_non_null(strstr(err, "not valid JSON"));
    }
}

/* A one-validator genesis with the given stake and genesis_time text. */
static char *genesis_text(const char *stake, const char *time)
{
    size_t cap = 512 + 2 * LUXC_ED25519_PUBLICKEYBYTES + 2 * LUXC_MLDSA_PUBLICKEYBYTES;
    char *s = malloc(cap);
    assert_non_null(s);
    int n = snprintf(s, cap,
                     "{\"chain_id\": \"c\", \"genesis_time\": %s, \"validators\": [{\"name\": "
                     "\"a\", \"address\": \"tcp://h:1\", \"stake\": %s, "
                     "\"ed25519_public_key\": \"",
                     time, stake);
    for (size_t i = 0; i < LUXC_ED25519_PUBLICKEYBYTES; i++)
        n += snprintf(s + n, cap - (size_t)n, "11");
    n += snprintf(s + n, cap - (size_t)n, "\", \"mldsa65_public_key\": \"");
    for (size_t i = 0; i < LUXC_MLDSA_PUBLICKEYBYTES; i++)
        n += snprintf(s + n, cap - (size_t)n, "22");
    snprintf(s + n, cap - (size_t)n, "\"}]}");
    return s;
}

/* fuzz_genesis: luxc_genesis_to_json wrote integers of 16 or more digits
 * as JSON numbers, which cJSON prints with 15 significant digits when that
 * reads back within DBL_EPSILON: genesis_time 9007199254740993 (given as a
 * string) came back as 9007199254740990, and so did a stake of 2^53 - 1
 * (stakes up to 2^53 were written as numbers). */
static void test_genesis_big_integers_round_trip(void **state)
{
    (void)state;
    static const struct {
        const char *stake, *time;
        uint64_t want_stake, want_time;
    } cases[] = {
        {"9007199254740991", "\"9007199254740993\"", 9007199254740991ull, 9007199254740993ull},
        {"9007199254740992", "9007199254740992", 9007199254740992ull, 9007199254740992ull},
        {"\"1000000000000001\"", "999999999999999", 1000000000000001ull, 999999999999999ull},
        {"\"9223372036854775807\"", "\"9223372036854775807\"", 9223372036854775807ull,
         9223372036854775807ull},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *text = genesis_text(cases[i].stake, cases[i].time), err[256] = "", *json = NULL;
        luxc_genesis *g = NULL, *g2 = NULL;
        assert_int_equal(luxc_genesis_parse(&g, text, strlen(text), "g", err, sizeof err),
                         LUXC_OK);
        assert_true(g->validators[0].stake == cases[i].want_stake);
        assert_true(g->genesis_time == cases[i].want_time);
        assert_int_equal(luxc_genesis_to_json(g, &json), LUXC_OK);
        assert_int_equal(luxc_genesis_parse(&g2, json, strlen(json), "rt", err, sizeof err),
                         LUXC_OK);
        if (g2->validators[0].stake != cases[i].want_stake ||
            g2->genesis_time != cases[i].want_time || g2->total_stake != g->total_stake)
            fail_msg("case %zu: round trip gave stake %llu, genesis_time %llu", i,
                     (unsigned long long)g2->validators[0].stake,
                     (unsigned long long)g2->genesis_time);
        free(json);
        free(text);
        luxc_genesis_free(g);
        luxc_genesis_free(g2);
    }
}

/* fuzz_node_wire: a VOTE message with sig_len 0 (the vote followed by
 * 00 00) was accepted by luxc_wire_decode, but luxc_wire_vote refuses an
 * empty signature, so the decoded message could not be re-encoded. The
 * decoder now refuses it (LUXC_ETRUNC); one signature byte is accepted. */
static void test_wire_vote_without_signature(void **state)
{
    (void)state;
    luxc_vote v;
    memset(&v, 0, sizeof v);
    memset(v.chain_id, 0xc1, 32);
    v.height = 7;
    v.accept = 1;
    uint8_t buf[1 + LUXC_VOTE_BYTES + 3], enc[sizeof buf];
    buf[0] = LUXC_WIRE_VOTE;
    assert_int_equal(luxc_vote_encode(buf + 1, &v), LUXC_OK);
    buf[1 + LUXC_VOTE_BYTES] = 0;
    buf[2 + LUXC_VOTE_BYTES] = 0;
    luxc_wire_msg m;
    memset(&m, 0xa5, sizeof m);
    assert_int_equal(luxc_wire_decode(&m, buf, 3 + LUXC_VOTE_BYTES), LUXC_ETRUNC);
    assert_true(all_zero(&m, sizeof m));
    size_t len;
    assert_int_equal(luxc_wire_vote(enc, sizeof enc, &len, buf + 1, buf, 0), LUXC_EINVAL);
    /* sig_len 1: accepted, and re-encodes to the same bytes */
    buf[2 + LUXC_VOTE_BYTES] = 1;
    buf[3 + LUXC_VOTE_BYTES] = 0x5e;
    assert_int_equal(luxc_wire_decode(&m, buf, sizeof buf), LUXC_OK);
    assert_int_equal(m.sig_len, 1);
    assert_int_equal(luxc_wire_vote(enc, sizeof enc, &len, m.vote_msg, m.sig, m.sig_len),
                     LUXC_OK);
    assert_int_equal(len, sizeof buf);
    assert_memory_equal(enc, buf, sizeof buf);
}

/* A parent at height 2^64-1 has no valid child: height 0 must not pass as
 * "parent + 1" by wrapping around. */
static void test_child_of_max_height(void **state)
{
    (void)state;
    luxc_chain_block parent, child;
    uint8_t pid[32] = {1};
    char why[32];
    assert_int_equal(luxc_chain_block_genesis(&parent, "wrap", 0), LUXC_OK);
    parent.height = UINT64_MAX;
    child = parent;
    child.height = 0;
    memcpy(child.parent, pid, 32);
    assert_int_equal(luxc_chain_block_prepare(&child, parent.state_root), LUXC_OK);
    assert_int_equal(luxc_chain_block_check_child(&child, &parent, pid, why, sizeof why), LUXC_EINVAL);
    assert_string_equal(why, "height");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_config_not_json_leaves_zero),
        cmocka_unit_test(test_genesis_big_integers_round_trip),
        cmocka_unit_test(test_wire_vote_without_signature),
        cmocka_unit_test(test_child_of_max_height),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
