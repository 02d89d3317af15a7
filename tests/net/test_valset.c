/* test_valset.c - the validator set: add, find, get, totals, and every
 * error of luxc_valset_add (including allocation failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/be.h"
#include "luxc/net.h"
#include "testutil.h"

static uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES];

static const uint8_t *key(uint32_t i)
{
    memset(pk, 0x33, sizeof pk);
    luxc_be32_store(pk + sizeof pk - 4, i); /* differ at the end (full compare) */
    if (i >= 1000)
        luxc_be32_store(pk, i); /* and at the start, to keep big sets quick */
    return pk;
}

static void test_add_find_get(void **state)
{
    (void)state;
    luxc_valset *vs;
    assert_int_equal(luxc_valset_new(&vs), LUXC_OK);
    assert_int_equal(luxc_valset_count(vs), 0);
    assert_int_equal(luxc_valset_find(vs, key(0)), LUXC_ENOTMEMBER);
    for (uint32_t i = 0; i < 20; i++) {
        char name[16];
        snprintf(name, sizeof name, "v%u", i);
        assert_int_equal(luxc_valset_add(vs, key(i), 100 + i, name, i ? "tcp://h:1" : NULL),
                         LUXC_OK);
    }
    assert_int_equal(luxc_valset_count(vs), 20);
    assert_int_equal(luxc_valset_total_stake(vs), 20 * 100 + 190);
    for (uint32_t i = 0; i < 20; i++)
        assert_int_equal(luxc_valset_find(vs, key(i)), (int)i);
    assert_int_equal(luxc_valset_find(vs, key(20)), LUXC_ENOTMEMBER);
    const luxc_validator *v = luxc_valset_get(vs, 7);
    assert_non_null(v);
    assert_string_equal(v->name, "v7");
    assert_string_equal(v->addr, "tcp://h:1");
    assert_int_equal(v->stake, 107);
    assert_memory_equal(v->pk, key(7), sizeof pk);
    assert_string_equal(luxc_valset_get(vs, 0)->addr, "");
    assert_null(luxc_valset_get(vs, 20));
    assert_null(luxc_valset_get(NULL, 0));
    assert_int_equal(luxc_valset_count(NULL), 0);
    assert_int_equal(luxc_valset_total_stake(NULL), 0);
    luxc_valset_free(vs);
    luxc_valset_free(NULL);
}

static void test_add_errors(void **state)
{
    (void)state;
    luxc_valset *vs;
    assert_int_equal(luxc_valset_new(NULL), LUXC_EINVAL);
    assert_int_equal(luxc_valset_new(&vs), LUXC_OK);
    assert_int_equal(luxc_valset_add(NULL, key(1), 1, "a", ""), LUXC_EINVAL);
    assert_int_equal(luxc_valset_add(vs, NULL, 1, "a", ""), LUXC_EINVAL);
    assert_int_equal(luxc_valset_add(vs, key(1), 0, "a", ""), LUXC_EINVAL);
    assert_int_equal(luxc_valset_add(vs, key(1), 1, NULL, ""), LUXC_EINVAL);
    assert_int_equal(luxc_valset_add(vs, key(1), 1, "", ""), LUXC_EINVAL);
    char longname[LUXC_NET_NAMEMAX + 1], longaddr[LUXC_NET_ADDRMAX + 1];
    memset(longname, 'n', sizeof longname);
    memset(longaddr, 'a', sizeof longaddr);
    longname[LUXC_NET_NAMEMAX] = longaddr[LUXC_NET_ADDRMAX] = 0;
    assert_int_equal(luxc_valset_add(vs, key(1), 1, longname, ""), LUXC_ETOOBIG);
    longname[LUXC_NET_NAMEMAX - 1] = 0; /* the longest that fits */
    assert_int_equal(luxc_valset_add(vs, key(1), 1, longname, longaddr), LUXC_ETOOBIG);
    longaddr[LUXC_NET_ADDRMAX - 1] = 0;
    assert_int_equal(luxc_valset_add(vs, key(1), 1, longname, longaddr), LUXC_OK);
    assert_string_equal(luxc_valset_get(vs, 0)->name, longname);
    assert_int_equal(luxc_valset_add(vs, key(1), 1, "again", ""), LUXC_EDUPLICATE);
    assert_int_equal(luxc_valset_add(vs, key(2), UINT64_MAX, "big", ""), LUXC_EOVERFLOW);
    assert_int_equal(luxc_valset_add(vs, key(2), UINT64_MAX - 1, "big", ""), LUXC_OK);
    assert_int_equal(luxc_valset_total_stake(vs), UINT64_MAX);
    assert_int_equal(luxc_valset_count(vs), 2);
    assert_int_equal(luxc_valset_find(NULL, key(1)), LUXC_EINVAL);
    assert_int_equal(luxc_valset_find(vs, NULL), LUXC_EINVAL);
    luxc_valset_free(vs);
}

static void test_capacity_limit(void **state)
{
    (void)state;
    luxc_valset *vs;
    assert_int_equal(luxc_valset_new(&vs), LUXC_OK);
    for (uint32_t i = 0; i < LUXC_NET_VALSET_MAX; i++)
        assert_int_equal(luxc_valset_add(vs, key(i), 1, "v", NULL), LUXC_OK);
    assert_int_equal(luxc_valset_add(vs, key(LUXC_NET_VALSET_MAX), 1, "v", NULL), LUXC_ETOOBIG);
    assert_int_equal(luxc_valset_count(vs), LUXC_NET_VALSET_MAX);
    luxc_valset_free(vs);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        luxc_valset *vs = NULL;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_valset_new(&vs);
        for (uint32_t i = 0; rc == LUXC_OK && i < 20; i++)
            rc = luxc_valset_add(vs, key(i), 1, "v", NULL);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            assert_int_equal(luxc_valset_count(vs), 20);
            luxc_valset_free(vs);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        if (vs) { /* a failed add leaves the set as it was */
            size_t k = luxc_valset_count(vs);
            for (size_t i = 0; i < k; i++)
                assert_int_equal(luxc_valset_find(vs, key((uint32_t)i)), (int)i);
        }
        luxc_valset_free(vs);
        assert_true(n < 10);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_add_find_get),
        cmocka_unit_test(test_add_errors),
        cmocka_unit_test(test_capacity_limit),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
