/* test_json_util.c - the chain layer's JSON helpers: quoting for JSON
 * written with printf (quotes, backslashes, control characters, a buffer
 * too small), hex both ways through libsodium (case, odd length, bad
 * digits, wrong size), typed getters' messages, and file reads with a cap. */
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

static void test_quote(void **state)
{
    (void)state;
    char out[64];
    assert_int_equal(luxc_json_quote(out, sizeof out, "node0"), LUXC_OK);
    assert_string_equal(out, "\"node0\"");
    assert_int_equal(luxc_json_quote(out, sizeof out, "a\"b\\c\nd\x01"), LUXC_OK);
    assert_string_equal(out, "\"a\\\"b\\\\c\\nd\\u0001\"");
    /* The quoted text must parse back to the original. */
    cJSON *j = cJSON_Parse(out);
    assert_non_null(j);
    assert_string_equal(cJSON_GetStringValue(j), "a\"b\\c\nd\x01");
    cJSON_Delete(j);
    assert_int_equal(luxc_json_quote(out, sizeof out, NULL), LUXC_OK);
    assert_string_equal(out, "\"\"");
    char tiny[8];
    assert_int_equal(luxc_json_quote(tiny, sizeof tiny, "longer than it fits"), LUXC_ETOOBIG);
    assert_string_equal(tiny, "");
}

static void test_hex(void **state)
{
    (void)state;
    const uint8_t in[4] = {0x00, 0xab, 0x7f, 0xff};
    char hex[9];
    luxc_hex_encode(hex, in, sizeof in);
    assert_string_equal(hex, "00ab7fff");
    uint8_t back[4];
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fff"), 0);
    assert_memory_equal(back, in, sizeof in);
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00AB7FFF"), 0);
    assert_memory_equal(back, in, sizeof in);
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7ff"), -1);   /* odd */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fffee"), -1); /* long */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab7fgf"), -1);   /* digit */
    assert_int_equal(luxc_hex_decode(back, sizeof back, "00ab 7ff"), -1);   /* space */
    assert_int_equal(luxc_hex_decode(back, 0, ""), 0);
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
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_hex),
        cmocka_unit_test(test_getters),
        cmocka_unit_test(test_read_file_cap),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
