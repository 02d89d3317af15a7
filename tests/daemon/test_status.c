/* test_status.c - the bodies `luxc node` serves (runtime_status.c): the
 * /status JSON is valid whatever the node's name holds (quotes,
 * backslashes, control characters), keeps its field order, and carries
 * u64 counters with every digit; a buffer too small is refused. The
 * /metrics text from luxc_metrics equals what runtime.c wrote by hand. */
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
    "finality_p99_ms", "finality_samples", "msgs_in", "msgs_out", "bytes_in", "bytes_out", "dropped_msgs",
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

/* The text runtime.c wrote by hand (snprintf per metric) before /metrics
 * went through luxc_metrics: kept here as the reference the new body must
 * equal byte for byte. */
static int old_metrics_text(const luxc_published *pp, char *body, size_t cap, size_t *len)
{
    const luxc_published p = *pp;
    const luxc_node_status *s = &p.st;
    struct {
        const char *name, *type, *help;
        double v;
    } m[] = {
        {"luxc_height", "gauge", "Last finalized height.", (double)s->height},
        {"luxc_round", "gauge", "Proposal round at the next height.", s->round},
        {"luxc_peers", "gauge", "Validators heard from in the last 3 s.", p.peers},
        {"luxc_links_connected", "gauge", "Outgoing secure links up.", p.links},
        {"luxc_blocks_finalized_total", "counter", "Blocks finalized (with a certificate).",
         (double)s->blocks_finalized},
        {"luxc_blocks_synced_total", "counter", "Certified blocks taken from peers.",
         (double)s->blocks_synced},
        {"luxc_txs_finalized_total", "counter", "Transactions in finalized blocks.",
         (double)s->txs_finalized},
        {"luxc_finality_latency_ms", "gauge", "Proposal to finality, last block.",
         s->last_latency_ms},
        {"luxc_finality_latency_p50_ms", "gauge", "Median finality, last 1024 blocks.",
         s->latency_p50_ms},
        {"luxc_finality_latency_p99_ms", "gauge", "p99 finality, last 1024 blocks.",
         s->latency_p99_ms},
        {"luxc_messages_in_total", "counter", "Consensus messages received.", (double)s->msgs_in},
        {"luxc_messages_out_total", "counter", "Consensus messages sent.", (double)s->msgs_out},
        {"luxc_bytes_in_total", "counter", "Consensus bytes received.", (double)s->bytes_in},
        {"luxc_bytes_out_total", "counter", "Consensus bytes sent.", (double)s->bytes_out},
        {"luxc_dropped_messages_total", "counter", "Malformed or invalid messages dropped.",
         (double)s->dropped_msgs},
        {"luxc_dropped_txs_total", "counter", "Submitted transactions refused.",
         (double)s->dropped_txs},
        {"luxc_dropped_frames_total", "counter", "Transport frames dropped (auth, replay, ...).",
         (double)p.dropped_frames},
        {"luxc_refused_peers_total", "counter", "Handshakes refused.", (double)p.refused},
        {"luxc_equivocations_total", "counter", "Validators caught signing twice.",
         (double)s->equivocations_seen},
        {"luxc_mempool_transactions", "gauge", "Transactions waiting.", (double)s->mempool_len},
        {"luxc_cpu_seconds_total", "counter", "CPU time of this process.", p.cpu_seconds},
    };
    size_t off = 0;
    for (size_t i = 0; i < sizeof m / sizeof m[0]; i++) {
        int n = snprintf(body + off, cap - off, "# HELP %s %s\n# TYPE %s %s\n%s %.17g\n",
                         m[i].name, m[i].help, m[i].name, m[i].type, m[i].name, m[i].v);
        if (n < 0 || (size_t)n >= cap - off)
            return LUXC_ETOOBIG;
        off += (size_t)n;
    }
    *len = off;
    return LUXC_OK;
}


static void expect_same_metrics(luxc_status_metrics *sm, const luxc_published *p)
{
    static char want[8192], got[8192];
    size_t wl = 0, gl = 0;
    assert_int_equal(old_metrics_text(p, want, sizeof want, &wl), LUXC_OK);
    assert_int_equal(luxc_status_metrics_render(sm, p, got, sizeof got, &gl), LUXC_OK);
    if (wl != gl || memcmp(want, got, wl))
        fail_msg("metrics differ:\n--- before\n%s--- now\n%s", want, got);
}

static void test_metrics_text_unchanged(void **state)
{
    (void)state;
    luxc_status_metrics *sm = NULL;
    assert_int_equal(luxc_status_metrics_new(&sm), LUXC_OK);
    luxc_published p;
    memset(&p, 0, sizeof p);
    expect_same_metrics(sm, &p); /* a fresh node: all zero */
    p = sample();
    p.st.latency_p99_ms = 150.25;
    p.st.bytes_in = (UINT64_C(1) << 53) + 1; /* beyond a double: rounded alike */
    p.st.msgs_in = 123456789;
    p.st.mempool_len = 5;
    p.refused = 4;
    p.dropped_frames = 9;
    p.cpu_seconds = 0.123456789; /* a fractional counter */
    expect_same_metrics(sm, &p);
    /* values going down again (a new snapshot) are taken as they are */
    p.st.latency_p50_ms = 0.5;
    p.peers = 0;
    expect_same_metrics(sm, &p);
    /* a body too small: ETOOBIG with the size needed */
    char small[100];
    size_t need = 0;
    assert_int_equal(luxc_status_metrics_render(sm, &p, small, sizeof small, &need), LUXC_ETOOBIG);
    assert_true(need > sizeof small);
    assert_int_equal(luxc_status_metrics_render(NULL, &p, small, sizeof small, &need), LUXC_EINVAL);
    luxc_status_metrics_free(sm);
    luxc_status_metrics_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_status_json_escapes_the_name),
        cmocka_unit_test(test_status_json_too_small),
        cmocka_unit_test(test_metrics_text_unchanged),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
