/* test_json_util.c - the chain layer's JSON helpers: writing (escaped
 * strings, exact u64, fixed decimals, null for NaN/Inf, a buffer too
 * small), typed getters' messages, and file reads with a cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "chain/json_util.h"
#include "luxc/common.h"
#include "testutil.h"

/* Writing: strings escaped by cJSON, u64 with every digit, fixed
 * decimals, null for what is not finite, one line, a buffer too small. */
static void test_write(void **state)
{
    (void)state;
    cJSON *o = cJSON_CreateObject();
    assert_non_null(o);
    assert_non_null(cJSON_AddStringToObject(o, "name", "a\"b\\c\nd\x01"));
    assert_non_null(luxc_jadd_u64(o, "big", UINT64_MAX));
    assert_non_null(luxc_jadd_fixed(o, "ms", 2.0 / 3.0, 3));
    assert_non_null(luxc_jadd_fixed(o, "nan", 0.0 / 0.0, 3));
    assert_non_null(luxc_jadd_fixed(o, "inf", 1.0 / 0.0, 3));
    assert_non_null(luxc_jadd_fixed(o, "whole", 12.0, 0));
    char out[256];
    size_t len = 0;
    assert_int_equal(luxc_jprint_line(o, out, sizeof out, &len), LUXC_OK);
    assert_string_equal(out, "{\"name\":\"a\\\"b\\\\c\\nd\\u0001\",\"big\":18446744073709551615,"
                             "\"ms\":0.667,\"nan\":null,\"inf\":null,\"whole\":12}\n");
    assert_int_equal(len, strlen(out));
    /* it parses back to the original string */
    cJSON *back = cJSON_Parse(out);
    assert_non_null(back);
    assert_string_equal(cJSON_GetStringValue(cJSON_GetObjectItem(back, "name")), "a\"b\\c\nd\x01");
    cJSON_Delete(back);
    char tiny[8];
    assert_int_equal(luxc_jprint_line(o, tiny, sizeof tiny, &len), LUXC_ETOOBIG);
    assert_string_equal(tiny, "");
    /* exactly the text, the newline and the NUL fit */
    size_t need = strlen(out) + 1;
    char *exact = malloc(need);
    assert_non_null(exact);
    assert_int_equal(luxc_jprint_line(o, exact, need, &len), LUXC_OK);
    assert_string_equal(exact, out);
    assert_int_equal(luxc_jprint_line(o, exact, need - 1, &len), LUXC_ETOOBIG);
    free(exact);
    cJSON_Delete(o);
}

static void test_getters(void **state)
{
    (void)state;
    char err[256] = "";
    luxc_jctx ctx = {"f.json", err, sizeof err};
    cJSON *o = NULL;
    const char *text = "{\"n\": 7, \"s\": \"x\", \"h\": \"0102\", \"big\": 99}";
    assert_int_equal(luxc_jparse(&ctx, text, strlen(text), &o), LUXC_OK);
    uint64_t v = 0;
    assert_int_equal(luxc_jget_u64(&ctx, o, "n", NULL, 1, 0, 10, &v), LUXC_OK);
    assert_int_equal(v, 7);
    assert_int_not_equal(luxc_jget_u64(&ctx, o, "big", NULL, 1, 0, 10, &v), LUXC_OK);
    assert_non_null(strstr(err, "f.json"));
    assert_non_null(strstr(err, "big"));
    uint8_t h[2];
    assert_int_equal(luxc_jget_hex(&ctx, o, "h", NULL, h, 2), LUXC_OK);
    assert_int_equal(h[0], 1);
    assert_int_equal(h[1], 2);
    assert_int_not_equal(luxc_jget_hex(&ctx, o, "h", NULL, h, 1), LUXC_OK);
    const char *const allowed[] = {"n", "s", "h", NULL};
    assert_int_not_equal(luxc_jcheck_keys(&ctx, o, NULL, allowed), LUXC_OK);
    assert_non_null(strstr(err, "big"));
    cJSON_Delete(o);
    /* A parse error names line and column. */
    assert_int_equal(luxc_jparse(&ctx, "{\n  \"a\": ,\n}", 12, &o), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "f.json"));
}

static void test_read_file_cap(void **state)
{
    (void)state;
    char path[] = "/tmp/luxc-json-util-XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    assert_int_equal(write(fd, "0123456789", 10), 10);
    close(fd);
    char err[256], *buf = NULL;
    size_t len = 0;
    assert_int_equal(luxc_read_file(path, 10, &buf, &len, err, sizeof err), LUXC_OK);
    assert_int_equal(len, 10);
    assert_string_equal(buf, "0123456789");
    free(buf);
    buf = NULL;
    assert_int_equal(luxc_read_file(path, 9, &buf, &len, err, sizeof err), LUXC_ETOOBIG);
    assert_null(buf);
    unlink(path);
    assert_int_equal(luxc_read_file(path, 9, &buf, &len, err, sizeof err), LUXC_EIO);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write),
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_read_file_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
