/* test_registry.c - the chain-state registry: update/lookup/snapshot
 * semantics, bounds, snapshot immutability and lifetime, allocation
 * failure, and a writers + snapshot readers stress test that checks every
 * snapshot entry is derived from one single update. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <inttypes.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/ai_registry.h"
#include "testutil.h"

static int64_t clock_now = 5000;
static int64_t test_clock(void *ctx) { return *(int64_t *)ctx; }

static luxc_ai_registry *reg(size_t max)
{
    luxc_ai_registry_cfg cfg = {.max_chains = max, .clock = test_clock, .clock_ctx = &clock_now};
    luxc_ai_registry *r = NULL;
    assert_int_equal(luxc_ai_registry_new(&r, &cfg), LUXC_OK);
    return r;
}

static const char *const v3[] = {"val1", "val2", "val3"};

static void test_update_lookup_snapshot(void **state)
{
    (void)state;
    luxc_ai_registry *r = reg(0);
    luxc_ai_perf perf = {.tps = 1500, .latency_ms = 100, .fault_rate = 0.01, .upgrade_needed = 7};
    assert_int_equal(luxc_ai_registry_update(r, "chain-1", 1000, "0xabcdef", v3, 3, &perf),
                     LUXC_OK);
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "chain-1", &c), LUXC_OK);
    assert_string_equal(c.chain_id, "chain-1");
    assert_string_equal(c.hash, "0xabcdef");
    assert_true(c.height == 1000 && c.n_validators == 3 && c.n_issues == 0);
    assert_true(c.perf.tps == 1500 && c.perf.latency_ms == 100 && c.perf.fault_rate == 0.01);
    assert_int_equal(c.perf.upgrade_needed, 1); /* normalised to 0/1 */
    assert_true(c.last_seen_ns == 5000);
    assert_int_equal(c.update_seq, 1);
    assert_int_equal(luxc_ai_registry_lookup(r, "chain-2", &c), LUXC_ENOTFOUND);

    clock_now = 6000;
    assert_int_equal(luxc_ai_registry_update(r, "chain-1", 1001, "h2", v3, 1, NULL), LUXC_OK);
    const char *const issues[] = {"slow blocks", "fork at 990"};
    assert_int_equal(luxc_ai_registry_set_issues(r, "chain-1", issues, 2), LUXC_OK);
    assert_int_equal(luxc_ai_registry_update(r, "chain-2", 5, "h", NULL, 0, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_registry_count(r), 2);

    luxc_ai_snapshot *s;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
    assert_int_equal(luxc_ai_snapshot_count(s), 2);
    assert_int_equal(luxc_ai_snapshot_version(s), 4);
    assert_true(luxc_ai_snapshot_last_update(s) == 6000);
    luxc_ai_chain_info ci;
    assert_int_equal(luxc_ai_snapshot_get(s, 0, &ci), LUXC_OK);
    assert_string_equal(ci.chain_id, "chain-1");
    assert_string_equal(ci.hash, "h2");
    assert_true(ci.height == 1001 && ci.n_validators == 1);
    assert_string_equal(ci.validators, "val1");
    assert_true(ci.perf.tps == 0 && ci.perf.latency_ms == 0); /* NULL perf */
    assert_int_equal(ci.n_issues, 2);
    assert_string_equal(ci.issues, "slow blocks");
    assert_string_equal(ci.issues + strlen(ci.issues) + 1, "fork at 990");
    assert_true(ci.last_seen_ns == 6000);
    assert_int_equal(ci.update_seq, 3);
    assert_int_equal(luxc_ai_snapshot_find(s, "chain-2", &ci), LUXC_OK);
    assert_true(ci.height == 5 && ci.n_validators == 0);
    assert_string_equal(ci.validators, "");
    assert_int_equal(luxc_ai_snapshot_find(s, "chain-3", &ci), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_snapshot_get(s, 2, &ci), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_snapshot_get(NULL, 0, &ci), LUXC_EINVAL);
    assert_int_equal(luxc_ai_snapshot_get(s, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_snapshot_find(s, NULL, &ci), LUXC_EINVAL);
    assert_int_equal(luxc_ai_snapshot_find(NULL, "chain-2", &ci), LUXC_EINVAL);

    /* Unchanged registry: the same cached snapshot. */
    luxc_ai_snapshot *s2;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s2), LUXC_OK);
    assert_ptr_equal(s, s2);
    luxc_ai_snapshot_release(s2);

    /* An update does not touch the snapshot already handed out. */
    assert_int_equal(luxc_ai_registry_update(r, "chain-1", 2000, "h3", v3, 3, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_snapshot_get(s, 0, &ci), LUXC_OK);
    assert_true(ci.height == 1001);
    assert_string_equal(ci.hash, "h2");
    assert_int_equal(luxc_ai_registry_snapshot(r, &s2), LUXC_OK);
    assert_ptr_not_equal(s, s2);
    assert_int_equal(luxc_ai_snapshot_get(s2, 0, &ci), LUXC_OK);
    assert_true(ci.height == 2000 && ci.n_validators == 3);
    assert_string_equal(ci.validators + 5 + 5, "val3");
    assert_int_equal(ci.n_issues, 2); /* issues kept across updates */

    /* Snapshots outlive the registry. */
    luxc_ai_snapshot_retain(s2);
    luxc_ai_registry_free(r);
    assert_int_equal(luxc_ai_snapshot_get(s, 1, &ci), LUXC_OK);
    assert_string_equal(ci.chain_id, "chain-2");
    assert_int_equal(luxc_ai_snapshot_get(s2, 0, &ci), LUXC_OK);
    assert_string_equal(ci.hash, "h3");
    luxc_ai_snapshot_release(s);
    luxc_ai_snapshot_release(s2);
    assert_int_equal(luxc_ai_snapshot_get(s2, 0, &ci), LUXC_OK);
    luxc_ai_snapshot_release(s2);
    luxc_ai_snapshot_release(NULL);
    luxc_ai_snapshot_retain(NULL);
    assert_int_equal(luxc_ai_snapshot_count(NULL), 0);
    assert_int_equal(luxc_ai_snapshot_version(NULL), 0);
    assert_true(luxc_ai_snapshot_last_update(NULL) == 0);
}

static void test_empty_snapshot_and_recycling(void **state)
{
    (void)state;
    luxc_ai_registry *r = reg(0);
    luxc_ai_snapshot *s;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
    assert_int_equal(luxc_ai_snapshot_count(s), 0);
    luxc_ai_snapshot_release(s);
    /* Many update/snapshot rounds: buffers are recycled, contents fresh. */
    for (uint64_t i = 0; i < 2000; i++) {
        char h[32];
        snprintf(h, sizeof h, "h%" PRIu64, i);
        assert_int_equal(luxc_ai_registry_update(r, "c", i, h, v3, i % 4, NULL), LUXC_OK);
        assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
        luxc_ai_chain_info ci;
        assert_int_equal(luxc_ai_snapshot_get(s, 0, &ci), LUXC_OK);
        assert_true(ci.height == i && ci.n_validators == i % 4);
        assert_string_equal(ci.hash, h);
        luxc_ai_snapshot_release(s);
    }
    luxc_ai_registry_free(r);
    luxc_ai_registry_free(NULL);
}

static void test_bounds(void **state)
{
    (void)state;
    luxc_ai_registry *r = reg(2);
    char id[LUXC_AI_CHAIN_ID_MAX + 2], hash[LUXC_AI_HASH_MAX + 2], vid[LUXC_AI_VALIDATOR_ID_MAX + 2];
    memset(id, 'c', sizeof id - 1);
    id[sizeof id - 1] = '\0';
    memset(hash, 'f', sizeof hash - 1);
    hash[sizeof hash - 1] = '\0';
    memset(vid, 'v', sizeof vid - 1);
    vid[sizeof vid - 1] = '\0';
    assert_int_equal(luxc_ai_registry_update(r, id, 1, "h", NULL, 0, NULL), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, hash, NULL, 0, NULL), LUXC_ETOOBIG);
    const char *vl[] = {vid};
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", vl, 1, NULL), LUXC_ETOOBIG);
    id[LUXC_AI_CHAIN_ID_MAX] = '\0';
    hash[LUXC_AI_HASH_MAX] = '\0';
    vid[LUXC_AI_VALIDATOR_ID_MAX] = '\0';
    assert_int_equal(luxc_ai_registry_update(r, id, 1, hash, vl, 1, NULL), LUXC_OK);
    /* Validator count and total bytes. */
    const char *many[LUXC_AI_MAX_VALIDATORS + 1];
    for (size_t i = 0; i <= LUXC_AI_MAX_VALIDATORS; i++)
        many[i] = "v";
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", many, LUXC_AI_MAX_VALIDATORS, NULL),
                     LUXC_OK);
    assert_int_equal(
        luxc_ai_registry_update(r, "c", 1, "h", many, LUXC_AI_MAX_VALIDATORS + 1, NULL),
        LUXC_ETOOBIG);
    for (size_t i = 0; i < 64; i++)
        many[i] = vid; /* 64 x 65 bytes = 4160 > 4096 */
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", many, 64, NULL), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", many, 63, NULL), LUXC_OK);
    /* Bad strings. */
    const char *withnull[] = {"a", NULL}, *withempty[] = {"a", ""};
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", withnull, 2, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", withempty, 2, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 1, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, "", 1, "h", NULL, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, NULL, 1, "h", NULL, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "", NULL, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, NULL, NULL, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_update(NULL, "c", 1, "h", NULL, 0, NULL), LUXC_EINVAL);
    luxc_ai_perf p = {.tps = NAN};
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, &p), LUXC_ERANGE);
    p.tps = 1;
    p.fault_rate = INFINITY;
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, &p), LUXC_ERANGE);
    /* Failed updates changed nothing. */
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "c", &c), LUXC_OK);
    assert_int_equal(c.n_validators, 63);
    /* Capacity: two chains. */
    assert_int_equal(luxc_ai_registry_update(r, "third", 1, "h", NULL, 0, NULL), LUXC_EFULL);
    /* Issues. */
    const char *iss[LUXC_AI_MAX_ISSUES + 1];
    for (size_t i = 0; i <= LUXC_AI_MAX_ISSUES; i++)
        iss[i] = "x";
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", iss, LUXC_AI_MAX_ISSUES + 1), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", iss, LUXC_AI_MAX_ISSUES), LUXC_OK);
    char longi[LUXC_AI_ISSUE_MAX + 2];
    memset(longi, 'i', sizeof longi - 1);
    longi[sizeof longi - 1] = '\0';
    iss[0] = longi;
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", iss, 1), LUXC_ETOOBIG);
    longi[LUXC_AI_ISSUE_MAX] = '\0';
    for (size_t i = 0; i < 8; i++)
        iss[i] = longi; /* 8 x 129 = 1032 > 1024 */
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", iss, 8), LUXC_ETOOBIG);
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", iss, 7), LUXC_OK);
    assert_int_equal(luxc_ai_registry_set_issues(r, "nope", iss, 1), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_registry_set_issues(r, "c", NULL, 0), LUXC_OK);
    assert_int_equal(luxc_ai_registry_set_issues(r, "", NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_issues(NULL, "c", NULL, 0), LUXC_EINVAL);
    /* Lookup bad input. */
    assert_int_equal(luxc_ai_registry_lookup(r, NULL, &c), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_lookup(r, "", &c), LUXC_EINVAL);
    id[LUXC_AI_CHAIN_ID_MAX] = 'c';
    assert_int_equal(luxc_ai_registry_lookup(r, id, &c), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_registry_lookup(r, "c", NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_lookup(NULL, "c", &c), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_count(NULL), 0);
    luxc_ai_snapshot *s = (luxc_ai_snapshot *)1;
    assert_int_equal(luxc_ai_registry_snapshot(NULL, &s), LUXC_EINVAL);
    assert_null(s);
    assert_int_equal(luxc_ai_registry_snapshot(r, NULL), LUXC_EINVAL);
    luxc_ai_registry_free(r);

    luxc_ai_registry_cfg big = {.max_chains = LUXC_AI_MAX_CHAINS + 1};
    luxc_ai_registry *r2 = (luxc_ai_registry *)1;
    assert_int_equal(luxc_ai_registry_new(&r2, &big), LUXC_ETOOBIG);
    assert_null(r2);
    assert_int_equal(luxc_ai_registry_new(NULL, NULL), LUXC_EINVAL);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        luxc_ai_registry *r = (luxc_ai_registry *)1;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_ai_registry_new(&r, NULL);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            assert_true(n >= 3);
            luxc_ai_registry_free(r);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(r);
    }
    luxc_ai_registry *r = reg(0);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, NULL), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_ai_registry_count(r), 0);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, NULL), LUXC_OK);
    /* An existing chain updates without allocating. */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_ai_registry_update(r, "c", 2, "h", NULL, 0, NULL), LUXC_OK);
    luxc_ai_snapshot *s = (luxc_ai_snapshot *)1;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_ENOMEM);
    assert_null(s);
    luxc_test_alloc_fail_after(-1);
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
    luxc_ai_snapshot_release(s);
    luxc_ai_registry_free(r);
}

/* ---- stress: writers + snapshot readers --------------------------------- */

#define CHAINS 4
#define WRITERS 2
#define UPDATES 100000

typedef struct stress {
    luxc_ai_registry *r;
    atomic_int stop;
    atomic_int bad;
    atomic_int started;
    char why[256];
    pthread_mutex_t why_mu;
    uint64_t checked;
} stress;

static void flag(stress *s, const char *msg)
{
    pthread_mutex_lock(&s->why_mu);
    if (!atomic_exchange(&s->bad, 1))
        snprintf(s->why, sizeof s->why, "%s", msg);
    pthread_mutex_unlock(&s->why_mu);
}

/* Everything of update u on chain k is derived from u. */
static void *writer(void *p)
{
    stress *s = p;
    static _Atomic int next_id;
    int w = atomic_fetch_add(&next_id, 1) % WRITERS;
    char hash[32], vbuf[4][24];
    const char *vals[4] = {vbuf[0], vbuf[1], vbuf[2], vbuf[3]};
    for (uint64_t u = 1; u <= UPDATES; u++) {
        int k = (int)(u % (CHAINS / WRITERS)) + w * (CHAINS / WRITERS);
        char id[16];
        snprintf(id, sizeof id, "chain-%d", k);
        snprintf(hash, sizeof hash, "h%" PRIu64, u);
        size_t nv = u % 4 + 1;
        for (size_t j = 0; j < nv; j++)
            snprintf(vbuf[j], sizeof vbuf[j], "v%" PRIu64 "-%zu", u, j);
        luxc_ai_perf pf = {.tps = (double)u, .latency_ms = (int64_t)u * 3,
                           .fault_rate = (double)u / 1e9, .upgrade_needed = (int)(u & 1)};
        if (luxc_ai_registry_update(s->r, id, u, hash, vals, nv, &pf) != LUXC_OK)
            flag(s, "update failed");
        if (u % 512 == 0) {
            const char *iss[2] = {hash, "x"};
            if (luxc_ai_registry_set_issues(s->r, id, iss, u % 3) != LUXC_OK)
                flag(s, "set_issues failed");
        }
    }
    return NULL;
}

static void check_entry(stress *s, const luxc_ai_chain_info *c, uint64_t *last_height)
{
    uint64_t u = c->height;
    char want[64], msg[200];
    snprintf(want, sizeof want, "h%" PRIu64, u);
    int ok = strcmp(c->hash, want) == 0 && c->perf.tps == (double)u &&
             c->perf.latency_ms == (int64_t)u * 3 && c->perf.fault_rate == (double)u / 1e9 &&
             c->perf.upgrade_needed == (int)(u & 1) && c->n_validators == u % 4 + 1;
    const char *v = c->validators;
    for (size_t j = 0; ok && j < c->n_validators; j++) {
        snprintf(want, sizeof want, "v%" PRIu64 "-%zu", u, j);
        ok = strcmp(v, want) == 0;
        v += strlen(v) + 1;
    }
    int k = atoi(c->chain_id + 6);
    if (ok && u < last_height[k])
        ok = 0; /* a later snapshot went back in time */
    if (!ok) {
        snprintf(msg, sizeof msg, "torn entry %s: height %" PRIu64 " hash %s nval %zu tps %g",
                 c->chain_id, u, c->hash, c->n_validators, c->perf.tps);
        flag(s, msg);
    }
    last_height[k] = u;
}

static void *reader(void *p)
{
    stress *s = p;
    uint64_t last[CHAINS] = {0};
    uint64_t last_version = 0, n = 0;
    atomic_fetch_add(&s->started, 1);
    do {
        luxc_ai_snapshot *snap;
        if (luxc_ai_registry_snapshot(s->r, &snap) != LUXC_OK) {
            flag(s, "snapshot failed");
            break;
        }
        if (luxc_ai_snapshot_version(snap) < last_version)
            flag(s, "version went back");
        last_version = luxc_ai_snapshot_version(snap);
        uint64_t seq_sum = 0;
        for (size_t i = 0; i < luxc_ai_snapshot_count(snap); i++) {
            luxc_ai_chain_info c;
            (void)luxc_ai_snapshot_get(snap, i, &c);
            check_entry(s, &c, last);
            if (c.update_seq > last_version)
                flag(s, "entry newer than its snapshot");
            seq_sum += c.update_seq;
        }
        (void)seq_sum;
        luxc_ai_chain_summary cs;
        if (luxc_ai_registry_lookup(s->r, "chain-0", &cs) == LUXC_OK) {
            char want[32];
            snprintf(want, sizeof want, "h%" PRIu64, cs.height);
            if (strcmp(cs.hash, want) != 0 || cs.perf.tps != (double)cs.height)
                flag(s, "torn lookup");
        }
        luxc_ai_snapshot_release(snap);
        n++;
    } while (!atomic_load(&s->stop));
    __atomic_fetch_add(&s->checked, n, __ATOMIC_RELAXED);
    return NULL;
}

static void test_stress_consistent_snapshots(void **state)
{
    (void)state;
    stress s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.why_mu, NULL);
    s.r = reg(0);
    pthread_t w[WRITERS], rd[3];
    for (int i = 0; i < 3; i++)
        assert_int_equal(pthread_create(&rd[i], NULL, reader, &s), 0);
    while (atomic_load(&s.started) < 3) /* readers run during the writes */
        sched_yield();
    for (int i = 0; i < WRITERS; i++)
        assert_int_equal(pthread_create(&w[i], NULL, writer, &s), 0);
    for (int i = 0; i < WRITERS; i++)
        pthread_join(w[i], NULL);
    atomic_store(&s.stop, 1);
    for (int i = 0; i < 3; i++)
        pthread_join(rd[i], NULL);
    if (atomic_load(&s.bad))
        fail_msg("%s", s.why);
    assert_true(s.checked > 0);
    /* Final state: each chain holds its writer's last update for it. */
    luxc_ai_snapshot *snap;
    assert_int_equal(luxc_ai_registry_snapshot(s.r, &snap), LUXC_OK);
    assert_int_equal(luxc_ai_snapshot_count(snap), CHAINS);
    assert_int_equal(luxc_ai_snapshot_version(snap),
                     WRITERS * (UPDATES + UPDATES / 512));
    uint64_t last[CHAINS] = {0};
    for (size_t i = 0; i < CHAINS; i++) {
        luxc_ai_chain_info c;
        assert_int_equal(luxc_ai_snapshot_get(snap, i, &c), LUXC_OK);
        check_entry(&s, &c, last);
        assert_true(c.height >= UPDATES - 1);
    }
    assert_int_equal(atomic_load(&s.bad), 0);
    luxc_ai_snapshot_release(snap);
    luxc_ai_registry_free(s.r);
    pthread_mutex_destroy(&s.why_mu);
}

/* The check can fail: a hand-torn entry is reported. */
static void test_stress_check_detects_torn(void **state)
{
    (void)state;
    stress s;
    memset(&s, 0, sizeof s);
    pthread_mutex_init(&s.why_mu, NULL);
    uint64_t last[CHAINS] = {0};
    luxc_ai_chain_info c = {.chain_id = "chain-1", .hash = "h5", .height = 5,
                            .perf = {.tps = 5, .latency_ms = 15, .fault_rate = 5 / 1e9,
                                     .upgrade_needed = 1},
                            .n_validators = 2, .validators = "v5-0\0v4-1"};
    check_entry(&s, &c, last);
    assert_int_equal(atomic_load(&s.bad), 1);
    pthread_mutex_destroy(&s.why_mu);
}


static int64_t wall_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int64_t last_seen_of(luxc_ai_registry *r, const char *id)
{
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, id, &c), LUXC_OK);
    return c.last_seen_ns;
}

/* The default clock is the ticker: stamps follow real time within a
 * tick (plus scheduling delay: generous room, CI machines are loaded),
 * move forward between updates, and agree with luxc_ai_registry_now. The
 * coarse-clock mode and the bounds of tick_ms work too, and _free stops
 * the thread at once rather than after a tick. */
static void test_ticker_clock(void **state)
{
    (void)state;
    const uint32_t ticks[] = {0, 5, LUXC_AI_TICK_OFF};
    for (size_t t = 0; t < sizeof ticks / sizeof ticks[0]; t++) {
        luxc_ai_registry_cfg cfg = {.tick_ms = ticks[t]};
        luxc_ai_registry *r;
        assert_int_equal(luxc_ai_registry_new(&r, &cfg), LUXC_OK);
        int64_t before = wall_ns();
        assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, NULL), LUXC_OK);
        int64_t first = last_seen_of(r, "c");
        /* Lag: one tick (<= 5 ms here, 4 ms for the kernel's coarse clock)
         * plus delay; lead: none beyond clock granularity. */
        assert_true(first <= wall_ns() + 1000000);
        assert_true(first >= before - 2000000000);
        struct timespec nap = {0, 100000000};
        nanosleep(&nap, NULL);
        assert_int_equal(luxc_ai_registry_update(r, "c", 2, "h", NULL, 0, NULL), LUXC_OK);
        int64_t second = last_seen_of(r, "c");
        assert_true(second > first); /* 100 ms passed: at least one tick */
        int64_t now = luxc_ai_registry_now(r);
        assert_true(now >= second && now - second < 1000000000);
        int64_t t0 = wall_ns();
        luxc_ai_registry_free(r);
        assert_true(wall_ns() - t0 < 1000000000);
    }
    luxc_ai_registry_cfg bad = {.tick_ms = LUXC_AI_TICK_MAX_MS + 1};
    luxc_ai_registry *r = (luxc_ai_registry *)1;
    assert_int_equal(luxc_ai_registry_new(&r, &bad), LUXC_EINVAL);
    assert_null(r);
    assert_int_equal(luxc_ai_registry_now(NULL), 0);
}

/* Strings that end at the last byte of a mapped page, with an
 * inaccessible page after it: the length search (32 bytes at a time
 * where the page allows) must neither fault nor misjudge a length, for
 * every length that crosses the 32-byte window and every bound. */
static void test_strings_at_page_end(void **state)
{
    (void)state;
    long pg = sysconf(_SC_PAGESIZE);
    char *m = mmap(NULL, (size_t)pg * 2, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                   -1, 0);
    assert_true(m != MAP_FAILED);
    assert_int_equal(mprotect(m + pg, (size_t)pg, PROT_NONE), 0);
    char *end = m + pg; /* first byte that faults */
    luxc_ai_registry *r = reg(200);
    char want[LUXC_AI_HASH_MAX + 2];
    for (size_t len = 0; len <= LUXC_AI_HASH_MAX + 1; len++) {
        char *id = end - len - 1;
        memset(id, 'a' + (int)(len % 26), len);
        id[len] = '\0';
        memcpy(want, id, len + 1);
        /* The same bytes as chain id (bound 64), hash (128) and validator
         * id (64). */
        const char *vals[] = {id};
        int want_id = len == 0 ? LUXC_EINVAL : len > LUXC_AI_CHAIN_ID_MAX ? LUXC_ETOOBIG : LUXC_OK;
        int want_h = len == 0 ? LUXC_EINVAL : len > LUXC_AI_HASH_MAX ? LUXC_ETOOBIG : LUXC_OK;
        assert_int_equal(luxc_ai_registry_update(r, id, len, "h", NULL, 0, NULL), want_id);
        assert_int_equal(luxc_ai_registry_update(r, "p", len, id, NULL, 0, NULL), want_h);
        assert_int_equal(luxc_ai_registry_update(r, "v", len, "h", vals, 1, NULL), want_id);
        if (want_id == LUXC_OK) {
            luxc_ai_chain_summary c;
            assert_int_equal(luxc_ai_registry_lookup(r, id, &c), LUXC_OK);
            assert_string_equal(c.chain_id, want);
            assert_true(c.height == len);
        }
        if (want_h == LUXC_OK) {
            luxc_ai_chain_summary c;
            assert_int_equal(luxc_ai_registry_lookup(r, "p", &c), LUXC_OK);
            assert_string_equal(c.hash, want);
        }
    }
    /* Ids that share their first and last 8 bytes and length are told
     * apart by their middles. */
    assert_int_equal(luxc_ai_registry_update(r, "abcdefgh-1-ijklmnop", 1, "h", NULL, 0, NULL), 0);
    assert_int_equal(luxc_ai_registry_update(r, "abcdefgh-2-ijklmnop", 2, "h", NULL, 0, NULL), 0);
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "abcdefgh-1-ijklmnop", &c), LUXC_OK);
    assert_true(c.height == 1);
    assert_int_equal(luxc_ai_registry_lookup(r, "abcdefgh-2-ijklmnop", &c), LUXC_OK);
    assert_true(c.height == 2);
    assert_int_equal(luxc_ai_registry_lookup(r, "abcdefgh-3-ijklmnop", &c), LUXC_ENOTFOUND);
    luxc_ai_registry_free(r);
    munmap(m, (size_t)pg * 2);
}

/* Threads create chains while others update and snapshot them: updates
 * look entries up without the lock, so a chain created twice at once
 * must still end up as one entry, and every update must land. */
#define CREATORS 4
#define CHAINS_EACH 24
#define ROUNDS 400

typedef struct create_ctx {
    luxc_ai_registry *r;
    int id;
} create_ctx;

static void *creator(void *arg)
{
    create_ctx *c = arg;
    char name[32];
    for (int round = 1; round <= ROUNDS; round++) {
        for (int k = 0; k < CHAINS_EACH; k++) {
            /* Half the names are shared by all threads. */
            if (k % 2)
                snprintf(name, sizeof name, "shared-%d", k);
            else
                snprintf(name, sizeof name, "own-%d-%d", c->id, k);
            if (luxc_ai_registry_update(c->r, name, (uint64_t)round, "h", NULL, 0, NULL) != 0)
                return (void *)1;
        }
        luxc_ai_snapshot *s;
        if (luxc_ai_registry_snapshot(c->r, &s) != LUXC_OK)
            return (void *)1;
        luxc_ai_snapshot_release(s);
    }
    return NULL;
}

static void test_concurrent_creation(void **state)
{
    (void)state;
    luxc_ai_registry_cfg cfg = {.max_chains = 256};
    luxc_ai_registry *r;
    assert_int_equal(luxc_ai_registry_new(&r, &cfg), LUXC_OK);
    pthread_t t[CREATORS];
    create_ctx c[CREATORS];
    for (int i = 0; i < CREATORS; i++) {
        c[i] = (create_ctx){r, i};
        assert_int_equal(pthread_create(&t[i], NULL, creator, &c[i]), 0);
    }
    for (int i = 0; i < CREATORS; i++) {
        void *ret;
        pthread_join(t[i], &ret);
        assert_null(ret);
    }
    /* CHAINS_EACH/2 shared names plus CHAINS_EACH/2 own names per thread. */
    assert_int_equal(luxc_ai_registry_count(r), CHAINS_EACH / 2 * (CREATORS + 1));
    luxc_ai_snapshot *s;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
    for (size_t i = 0; i < luxc_ai_snapshot_count(s); i++) {
        luxc_ai_chain_info ci;
        assert_int_equal(luxc_ai_snapshot_get(s, i, &ci), LUXC_OK);
        assert_true(ci.height == ROUNDS);
        for (size_t j = 0; j < i; j++) {
            luxc_ai_chain_info cj;
            assert_int_equal(luxc_ai_snapshot_get(s, j, &cj), LUXC_OK);
            assert_string_not_equal(ci.chain_id, cj.chain_id);
        }
    }
    luxc_ai_snapshot_release(s);
    luxc_ai_registry_free(r);
}

static void test_metadata(void **state)
{
    (void)state;
    luxc_ai_registry *r = reg(0);
    const char *k[] = {"vm", "region", "note"}, *v[] = {"evm", "eu-west", ""};
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", k, v, 3), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_registry_update(r, "c", 1, "h", NULL, 0, NULL), LUXC_OK);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", k, v, 3), LUXC_OK);
    assert_int_equal(luxc_ai_registry_update(r, "c", 2, "h2", NULL, 0, NULL), LUXC_OK);
    luxc_ai_chain_summary c;
    assert_int_equal(luxc_ai_registry_lookup(r, "c", &c), LUXC_OK);
    assert_int_equal(c.n_metadata, 3); /* kept across updates */
    luxc_ai_snapshot *s;
    assert_int_equal(luxc_ai_registry_snapshot(r, &s), LUXC_OK);
    luxc_ai_chain_info ci;
    assert_int_equal(luxc_ai_snapshot_find(s, "c", &ci), LUXC_OK);
    assert_int_equal(ci.n_metadata, 3);
    const char *p = ci.metadata;
    for (int i = 0; i < 3; i++) {
        assert_string_equal(p, k[i]);
        p += strlen(p) + 1;
        assert_string_equal(p, v[i]);
        p += strlen(p) + 1;
    }
    luxc_ai_snapshot_release(s);

    char lk[LUXC_AI_METADATA_KEY_MAX + 2], lv[LUXC_AI_METADATA_VALUE_MAX + 2];
    memset(lk, 'k', sizeof lk - 1);
    lk[sizeof lk - 1] = '\0';
    memset(lv, 'v', sizeof lv - 1);
    lv[sizeof lv - 1] = '\0';
    const char *kk[1] = {lk}, *vv[1] = {"x"};
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", kk, vv, 1), LUXC_ETOOBIG);
    lk[LUXC_AI_METADATA_KEY_MAX] = '\0';
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", kk, vv, 1), LUXC_OK);
    vv[0] = lv;
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", kk, vv, 1), LUXC_ETOOBIG);
    lv[LUXC_AI_METADATA_VALUE_MAX] = '\0';
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", kk, vv, 1), LUXC_OK);
    /* 8 distinct maximal pairs: 8 x (32 + 1 + 128 + 1) = 1296 > 1024 */
    char keys8[8][LUXC_AI_METADATA_KEY_MAX + 1];
    const char *k8[9], *v8[9];
    for (int i = 0; i < 8; i++) {
        memset(keys8[i], 'a' + i, LUXC_AI_METADATA_KEY_MAX);
        keys8[i][LUXC_AI_METADATA_KEY_MAX] = '\0';
        k8[i] = keys8[i];
        v8[i] = lv;
    }
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", k8, v8, 8), LUXC_ETOOBIG);
    for (int i = 0; i < 8; i++)
        v8[i] = "1";
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", k8, v8, 8), LUXC_OK);
    k8[8] = "ninth";
    v8[8] = "9";
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", k8, v8, 9), LUXC_ETOOBIG);
    const char *dk[] = {"a", "b", "a"}, *dv[] = {"1", "2", "3"};
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", dk, dv, 3), LUXC_EDUPLICATE);
    const char *ek[] = {""}, *nv[] = {NULL};
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", ek, dv, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", dk, nv, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", NULL, dv, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", dk, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "", dk, dv, 1), LUXC_EINVAL);
    assert_int_equal(luxc_ai_registry_set_metadata(NULL, "c", dk, dv, 1), LUXC_EINVAL);
    /* Failed calls kept the 8 pairs; n = 0 clears. */
    assert_int_equal(luxc_ai_registry_lookup(r, "c", &c), LUXC_OK);
    assert_int_equal(c.n_metadata, 8);
    assert_int_equal(luxc_ai_registry_set_metadata(r, "c", NULL, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_ai_registry_lookup(r, "c", &c), LUXC_OK);
    assert_int_equal(c.n_metadata, 0);
    luxc_ai_registry_free(r);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_update_lookup_snapshot),
        cmocka_unit_test(test_empty_snapshot_and_recycling),
        cmocka_unit_test(test_bounds),
        cmocka_unit_test(test_metadata),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_stress_consistent_snapshots),
        cmocka_unit_test(test_stress_check_detects_torn),
        cmocka_unit_test(test_ticker_clock),
        cmocka_unit_test(test_strings_at_page_end),
        cmocka_unit_test(test_concurrent_creation),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
