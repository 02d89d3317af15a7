/* test_weights.c - model weights: put, replace, versions, empty blobs, name
 * length boundaries, argument errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "store/helpers.h"

static void test_weights(void **state)
{
    fixture *f = *state;
    uint8_t blob[300], buf[300];
    uint64_t ver = 0;
    size_t len;
    char name64[LUXC_STORE_NAMEMAXBYTES + 2];
    test_fill(blob, sizeof blob, 5, 5, 5);
    assert_int_equal(luxc_store_weights_put(f->s, "model", 3, blob, 200), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "model", &ver, buf, sizeof buf, &len),
                     LUXC_OK);
    assert_int_equal(ver, 3);
    assert_int_equal(len, 200);
    assert_memory_equal(buf, blob, 200);
    /* Replace with a newer, longer blob. */
    assert_int_equal(luxc_store_weights_put(f->s, "model", 4, blob, 300), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "model", &ver, NULL, 0, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(len, 300);
    assert_int_equal(luxc_store_weights_get(f->s, "model", NULL, buf, sizeof buf, &len),
                     LUXC_OK);
    assert_memory_equal(buf, blob, 300);
    /* Empty blob, other names, boundaries of the name length. */
    assert_int_equal(luxc_store_weights_put(f->s, "empty", 1, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, "empty", &ver, NULL, 0, &len), LUXC_OK);
    assert_int_equal(len, 0);
    assert_int_equal(ver, 1);
    assert_int_equal(luxc_store_weights_get(f->s, "mode", &ver, buf, 300, &len),
                     LUXC_ENOTFOUND);
    memset(name64, 'w', sizeof name64);
    name64[LUXC_STORE_NAMEMAXBYTES] = '\0';
    assert_int_equal(luxc_store_weights_put(f->s, name64, 9, blob, 1), LUXC_OK);
    assert_int_equal(luxc_store_weights_get(f->s, name64, &ver, buf, 1, &len), LUXC_OK);
    assert_int_equal(ver, 9);
    name64[LUXC_STORE_NAMEMAXBYTES] = 'w';
    name64[LUXC_STORE_NAMEMAXBYTES + 1] = '\0';
    assert_int_equal(luxc_store_weights_put(f->s, name64, 9, blob, 1), LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_get(f->s, name64, &ver, buf, 1, &len),
                     LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_put(f->s, "", 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, NULL, 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, "x", 9, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_put(f->s, "x", 9, blob,
                                            LUXC_STORE_VALUEMAXBYTES + 1u), LUXC_ETOOBIG);
    assert_int_equal(luxc_store_weights_put(NULL, "x", 9, blob, 1), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(NULL, "x", &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "", &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, NULL, &ver, buf, 1, &len), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "x", &ver, buf, 1, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_weights_get(f->s, "x", &ver, NULL, 1, &len), LUXC_EINVAL);
    assert_int_equal(f->log.last_err, LUXC_EINVAL);
}


int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_weights, fixture_setup, fixture_teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
