/* test_store.c - the store object: a new store, reopen (read-write and
 * read-only) returning identical data, every luxc_store_new error, chain
 * mismatch, and allocation failure in luxc_store_new. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(luxc_store_idbytes(), LUXC_STORE_IDBYTES);
    assert_int_equal(luxc_store_chainidbytes(), LUXC_STORE_CHAINIDBYTES);
    assert_int_equal(luxc_store_voterbytes(), LUXC_STORE_VOTERBYTES);
    assert_int_equal(luxc_store_namemaxbytes(), LUXC_STORE_NAMEMAXBYTES);
    assert_int_equal(luxc_store_valuemaxbytes(), LUXC_STORE_VALUEMAXBYTES);
}

static void test_new_store_is_empty(void **state)
{
    fixture *f = *state;
    luxc_store_info info;
    uint64_t h = 77;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_int_equal(info.format_version, LUXC_STORE_FORMAT_VERSION);
    assert_memory_equal(info.chain_id, test_chain, 32);
    assert_int_equal(info.has_blocks, 0);
    assert_int_equal(info.votes, 0);
    assert_true(info.map_size >= LUXC_STORE_MAPSIZE_DEFAULT);
    assert_true(info.map_used > 0 && info.map_used <= info.map_size);
    assert_int_equal(luxc_store_last(f->s, &h, NULL), LUXC_ENOTFOUND);
    assert_int_equal(h, 77);
    size_t len;
    assert_int_equal(luxc_store_block_get(f->s, 0, NULL, NULL, NULL, 0, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_check(f->s), LUXC_OK);
    assert_int_equal(f->log.count, 0);
}

static void test_reopen_identical(void **state)
{
    fixture *f = *state;
    const uint64_t seed = luxc_test_seed();
    uint64_t rs = seed;
    uint64_t first = luxc_test_rand(&rs) % 1000, n = 20 + luxc_test_rand(&rs) % 60;
    uint8_t voter[32], vote[40], buf[64], blob[500];
    size_t len;
    uint64_t ver;
    if (test_accept_range(f->s, seed, first, first + n) != LUXC_OK)
        LUXC_TEST_FAIL_SEED(seed, "accept");
    for (int i = 0; i < 30; i++) {
        test_id(voter, seed, (uint64_t)i + 1000);
        test_fill(vote, sizeof vote, seed, (uint64_t)i, 3);
        assert_int_equal(luxc_store_vote_put(f->s, first + n + 1, (uint32_t)i % 3, voter,
                                             vote, 1 + (size_t)i), LUXC_OK);
    }
    test_fill(blob, sizeof blob, seed, 0, 4);
    assert_int_equal(luxc_store_weights_put(f->s, "ai", seed, blob, sizeof blob), LUXC_OK);
    luxc_store_free(f->s);
    f->s = NULL;
    for (int pass = 0; pass < 2; pass++) {
        unsigned flags = pass == 0 ? LUXC_STORE_RDONLY : 0;
        luxc_store *s = test_open(f->path, flags, &f->log);
        assert_non_null(s);
        if (test_verify_range(s, seed, first, first + n) != 0)
            LUXC_TEST_FAIL_SEED(seed, "blocks differ after reopen (pass %d)", pass);
        uint64_t h;
        assert_int_equal(luxc_store_last(s, &h, NULL), LUXC_OK);
        assert_int_equal(h, first + n);
        for (int i = 0; i < 30; i++) {
            test_id(voter, seed, (uint64_t)i + 1000);
            test_fill(vote, sizeof vote, seed, (uint64_t)i, 3);
            assert_int_equal(luxc_store_vote_get(s, first + n + 1, (uint32_t)i % 3, voter,
                                                 buf, sizeof buf, &len), LUXC_OK);
            assert_int_equal(len, 1 + (size_t)i);
            assert_memory_equal(buf, vote, len);
        }
        uint8_t got[500];
        assert_int_equal(luxc_store_weights_get(s, "ai", &ver, got, sizeof got, &len),
                         LUXC_OK);
        assert_int_equal(ver, seed);
        assert_memory_equal(got, blob, sizeof blob);
        if (pass == 0) {
            uint8_t z[32] = {0};
            assert_int_equal(luxc_store_accept_block(s, first + n + 1, z, z, NULL, 0, z,
                                                     1), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_vote_put(s, 1, 1, z, z, 1), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_votes_prune(s, 1, NULL), LUXC_EUNSUPPORTED);
            assert_int_equal(luxc_store_weights_put(s, "x", 1, z, 1), LUXC_EUNSUPPORTED);
            assert_int_equal(f->log.last_err, LUXC_EUNSUPPORTED);
        }
        luxc_store_free(s);
    }
    /* A chain_id of NULL opens a store of any chain. */
    luxc_store_cfg c = test_cfg(f->path, 0, NULL);
    c.chain_id = NULL;
    assert_int_equal(luxc_store_new(&f->s, &c, NULL, 0), LUXC_OK);
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(f->s, &info), LUXC_OK);
    assert_memory_equal(info.chain_id, test_chain, 32);
}

static void test_new_errors(void **state)
{
    (void)state;
    char dir[64], path[80], errbuf[512], longpath[4100];
    test_log log = {0};
    luxc_store *s = (luxc_store *)1;
    test_tmpdir(dir, path);
    luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, &log);
    errbuf[0] = 'x';
    assert_int_equal(luxc_store_new(NULL, &c, errbuf, sizeof errbuf), LUXC_EINVAL);
    assert_non_null(strstr(errbuf, "out is NULL"));
    assert_int_equal(luxc_store_new(&s, NULL, errbuf, sizeof errbuf), LUXC_EINVAL);
    assert_non_null(strstr(errbuf, "cfg is NULL"));
    assert_null(s);
    assert_int_equal(luxc_store_new(&s, NULL, NULL, 0), LUXC_EINVAL); /* no err buffer */
    /* Each bad cfg: code, *out NULL, message in err and the same text as
     * the log event's detail. */
    struct { const char *path; unsigned flags; size_t map; int null_chain, want; } cases[] = {
        {NULL, LUXC_STORE_CREATE, 0, 0, LUXC_EINVAL},
        {"", LUXC_STORE_CREATE, 0, 0, LUXC_EINVAL},
        {path, 0x100, 0, 0, LUXC_EINVAL},
        {path, LUXC_STORE_CREATE | LUXC_STORE_RDONLY, 0, 0, LUXC_EINVAL},
        {path, LUXC_STORE_CREATE, LUXC_STORE_MAPSIZE_MIN - 1, 0, LUXC_ERANGE},
        {path, 0, 0, 0, LUXC_ENOTFOUND},
        {path, LUXC_STORE_RDONLY, 0, 0, LUXC_ENOTFOUND},
        {path, LUXC_STORE_CREATE, 0, 1, LUXC_EINVAL},
        {longpath, LUXC_STORE_CREATE, 0, 0, LUXC_ETOOBIG},
    };
    memset(longpath, 'a', sizeof longpath - 1);
    longpath[sizeof longpath - 1] = '\0';
    longpath[0] = '/';
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        c.path = cases[i].path;
        c.flags = cases[i].flags;
        c.map_size = cases[i].map;
        c.chain_id = cases[i].null_chain ? NULL : test_chain;
        errbuf[0] = '\0';
        int before = log.count;
        s = (luxc_store *)1;
        int rc = luxc_store_new(&s, &c, errbuf, sizeof errbuf);
        if (rc != cases[i].want)
            fail_msg("case %zu: got %d (%s), want %d", i, rc, errbuf, cases[i].want);
        assert_null(s);
        assert_true(strlen(errbuf) > 0);
        assert_int_equal(log.count, before + 1);
        assert_int_equal(log.last_err, rc);
        assert_int_equal(log.last_level, LUXC_LOG_ERROR);
        assert_non_null(strstr(log.last, "store open failed path="));
        const char *why = strstr(errbuf, ": "); /* cut away for the long path */
        char detail[600];
        if (c.path != longpath) {
            assert_non_null(why);
            assert_non_null(strstr(log.last, luxc_logfmt_value(detail, sizeof detail, why + 2)));
        }
    }
    /* A short errbuf is truncated, not overrun. */
    char small[8];
    memset(small, 'x', sizeof small);
    c = test_cfg(path, 0, NULL);
    assert_int_equal(luxc_store_new(&s, &c, small, 5), LUXC_ENOTFOUND);
    assert_int_equal(strlen(small), 4);
    assert_int_equal(small[5], 'x');
    /* The failed calls created nothing. */
    assert_int_equal(test_file_size(path), -1);
    /* Creating needs the chain id even when the directory exists. */
    assert_int_equal(mkdir(path, 0700), 0);
    c = test_cfg(path, LUXC_STORE_CREATE, NULL);
    c.chain_id = NULL;
    assert_int_equal(luxc_store_new(&s, &c, NULL, 0), LUXC_EINVAL);
    test_rmdir(dir);
}

static void test_chain_mismatch(void **state)
{
    fixture *f = *state;
    char errbuf[512];
    uint8_t other[32];
    luxc_store *s = NULL;
    luxc_store_free(f->s);
    f->s = NULL;
    memcpy(other, test_chain, 32);
    other[31] ^= 1;
    luxc_store_cfg c = test_cfg(f->path, LUXC_STORE_CREATE, NULL);
    c.chain_id = other;
    assert_int_equal(luxc_store_new(&s, &c, errbuf, sizeof errbuf), LUXC_EPARAM);
    assert_null(s);
    assert_non_null(strstr(errbuf, "chain"));
    c.flags = LUXC_STORE_RDONLY;
    assert_int_equal(luxc_store_new(&s, &c, NULL, 0), LUXC_EPARAM);
}

/* Fail the Nth allocation of luxc_store_new, N = 0, 1, ... until it
 * succeeds: every failure is LUXC_ENOMEM, *out stays NULL, nothing leaks
 * (LeakSanitizer in the ASan build); for a new and an existing store. */
static void test_alloc_failures(void **state)
{
    (void)state;
    char dir[64], path[80];
    test_tmpdir(dir, path);
    for (int existing = 0; existing < 2; existing++) {
        long n;
        for (n = 0; n < 100; n++) {
            luxc_store *s = (luxc_store *)1;
            luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, NULL);
            luxc_test_alloc_fail_after(n);
            unsigned long fails = luxc_test_alloc_failures();
            int rc = luxc_store_new(&s, &c, NULL, 0);
            int failed = luxc_test_alloc_failures() != fails;
            luxc_test_alloc_fail_after(-1);
            if (rc == LUXC_OK) {
                assert_false(failed);
                assert_non_null(s);
                if (!existing)
                    assert_int_equal(test_accept_range(s, 1, 0, 3), LUXC_OK);
                assert_int_equal(test_verify_range(s, 1, 0, 3), 0);
                luxc_store_free(s);
                break;
            }
            assert_true(failed);
            assert_int_equal(rc, LUXC_ENOMEM);
            assert_null(s);
        }
        assert_true(n > (existing ? 2 : 1)); /* the walk allocates at open */
        assert_true(n < 100);
    }
    test_rmdir(dir);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test_setup_teardown(test_new_store_is_empty, fixture_setup, fixture_teardown),
        cmocka_unit_test_setup_teardown(test_reopen_identical, fixture_setup, fixture_teardown),
        cmocka_unit_test(test_new_errors),
        cmocka_unit_test_setup_teardown(test_chain_mismatch, fixture_setup, fixture_teardown),
        cmocka_unit_test(test_alloc_failures),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
