/* test_status.c - the bodies `luxc node` serves (runtime_status.c): the
 * /status JSON is valid whatever the node's name holds (quotes,
 * backslashes, control characters), keeps its field order, and carries
 * u64 counters with every digit; a buffer too small is refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "daemon/runtime_status.h"

static const char *const fields[] = {
    "name", "height", "last_id", "round", "peers", "links", "blocks_finalized",
    "blocks_synced", "txs_finalized", "finality_last_ms", "finality_p50_ms",
    "finality_p99_ms", "msgs_in", "msgs_out", "bytes_in", "bytes_out", "dropped_msgs",
    "dropped_txs", "dropped_frames", "refused_peers", "equivocations_seen", "mempool",
    "upgrades_pending", "upgrades_approved", "upgrades_rejected", "cpu_seconds",
    "uptime_seconds"};

static luxc_published sample(void)
{
    luxc_published p;
    memset(&p, 0, sizeof p);
    p.st.height = 42;
    for (int i = 0; i < 32; i++)
        p.st.last_id[i] = (uint8_t)(0xa0 + i);
    p.st.round = 3;
    p.st.bytes_in = UINT64_MAX; /* more digits than a double holds */
    p.st.last_latency_ms = 12.3456;
    p.st.latency_p50_ms = 2.0 / 3.0;
    p.st.latency_p99_ms = 0.0 / 0.0; /* not finite: null, not "nan" */
    p.st.upgrades_rejected = 7;
    p.peers = 2;
    p.links = 2;
    p.cpu_seconds = 1.25;
    p.uptime_seconds = 1e6;
    return p;
}

static void test_status_json_escapes_the_name(void **state)
{
    (void)state;
    luxc_published p = sample();
    const char *name = "a\"b\\c\n\x01";
    char body[4096];
    size_t len = 0;
    assert_int_equal(luxc_status_json(name, &p, body, sizeof body, &len), LUXC_OK);
    assert_int_equal(len, strlen(body));
    assert_int_equal(body[len - 1], '\n');
    assert_null(strchr(body, '\n') != body + len - 1 ? body : NULL); /* one line */
    cJSON *j = cJSON_Parse(body);
    if (!cJSON_IsObject(j))
        fail_msg("not one JSON object: %s", body);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "name")), name);
    /* every field, in the documented order, and nothing else */
    const cJSON *it = j->child;
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++, it = it->next) {
        assert_non_null(it);
        assert_string_equal(it->string, fields[i]);
    }
    assert_null(it);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(j, "last_id")),
                        "a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
    assert_true(cJSON_GetNumberValue(cJSON_GetObjectItem(j, "height")) == 42);
    assert_true(cJSON_IsNull(cJSON_GetObjectItem(j, "finality_p99_ms")));
    cJSON_Delete(j);
    /* the text itself: exact u64, three decimals as before */
    assert_non_null(strstr(body, "\"bytes_in\":18446744073709551615,"));
    assert_non_null(strstr(body, "\"finality_last_ms\":12.346,\"finality_p50_ms\":0.667,"));
    assert_non_null(strstr(body, "\"cpu_seconds\":1.250,\"uptime_seconds\":1000000.000}"));
}

static void test_status_json_too_small(void **state)
{
    (void)state;
    luxc_published p = sample();
    char body[64];
    size_t len = 0;
    assert_int_equal(luxc_status_json("node0", &p, body, sizeof body, &len), LUXC_ETOOBIG);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_json_escapes_the_name),
        cmocka_unit_test(test_status_json_too_small),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
