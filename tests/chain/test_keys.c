/* test_keys.c - key files: generate, load, refuse to overwrite, file
 * modes, and every way a key file can be damaged. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/keys.h"
#include "testutil.h"

static char dir[64];

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/luxc-keys-XXXXXX");
    if (!mkdtemp(dir))
        return -1;
    rmdir(dir); /* keygen creates it */
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static char *file_path(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void test_generate_load_and_modes(void **state)
{
    (void)state;
    luxc_keypair a, b;
    char err[256] = "";
    assert_int_equal(luxc_keys_generate(dir, NULL, &a, err, sizeof err), LUXC_OK);
    struct stat st;
    assert_int_equal(stat(file_path(LUXC_KEYS_SECRET_FILE), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(file_path(LUXC_KEYS_PUBLIC_FILE), &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600);
    assert_int_equal(stat(dir, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0700);
    assert_int_equal(luxc_keys_load(dir, &b, err, sizeof err), LUXC_OK);
    assert_memory_equal(&a, &b, sizeof a);
    /* a second keygen must not touch the existing files */
    luxc_keypair c;
    assert_int_equal(luxc_keys_generate(dir, NULL, &c, err, sizeof err), LUXC_EEXIST);
    assert_non_null(strstr(err, "refusing to overwrite"));
    assert_int_equal(luxc_keys_load(dir, &b, err, sizeof err), LUXC_OK);
    assert_memory_equal(&a, &b, sizeof a);
    luxc_keypair_wipe(&a);
    luxc_keypair_wipe(&b);
}

static void test_seeded_keys_are_reproducible(void **state)
{
    (void)state;
    uint8_t seed[LUXC_HSIGN_SEEDBYTES];
    memset(seed, 7, sizeof seed);
    luxc_keypair a, b;
    char err[256], other[96];
    assert_int_equal(luxc_keys_generate(dir, seed, &a, err, sizeof err), LUXC_OK);
    snprintf(other, sizeof other, "%s/second", dir);
    assert_int_equal(luxc_keys_generate(other, seed, &b, err, sizeof err), LUXC_OK);
    assert_memory_equal(a.pk, b.pk, sizeof a.pk);
    /* the public file carries the genesis fields */
    char *text;
    size_t len;
    FILE *f = fopen(file_path(LUXC_KEYS_PUBLIC_FILE), "r");
    assert_non_null(f);
    text = calloc(1, 8192);
    len = fread(text, 1, 8191, f);
    fclose(f);
    assert_true(len > 0);
    assert_non_null(strstr(text, "\"ed25519_public_key\""));
    assert_non_null(strstr(text, "\"mldsa65_public_key\""));
    free(text);
}

static void rewrite_key_file(const char *from, const char *to)
{
    const char *p = file_path(LUXC_KEYS_SECRET_FILE);
    FILE *f = fopen(p, "r");
    assert_non_null(f);
    char *text = calloc(1, 32768);
    size_t n = fread(text, 1, 32767, f);
    fclose(f);
    assert_true(n > 0);
    char *at = strstr(text, from);
    assert_non_null(at);
    memcpy(at, to, strlen(to)); /* same length */
    f = fopen(p, "w");
    fwrite(text, 1, n, f);
    fclose(f);
    free(text);
}

static void expect_load_error(int rc_want, const char *msg)
{
    luxc_keypair k;
    char err[256] = "";
    int rc = luxc_keys_load(dir, &k, err, sizeof err);
    if (rc != rc_want || !strstr(err, msg))
        fail_msg("rc %d \"%s\", want %d \"%s\"", rc, err, rc_want, msg);
}

static void test_damaged_files(void **state)
{
    (void)state;
    luxc_keypair a;
    char err[256];
    expect_load_error(LUXC_EIO, "cannot open");
    assert_int_equal(luxc_keys_generate(dir, NULL, &a, err, sizeof err), LUXC_OK);
    /* the files are cJSON's formatted print: a tab after each colon */
    rewrite_key_file("\"version\":\t1", "\"version\":\t9");
    expect_load_error(LUXC_EVERSION, "version: expected 1, got 9");
    rewrite_key_file("\"version\":\t9", "\"version\":\t1");
    rewrite_key_file("luxc-validator-key", "luxc-validator-kez");
    expect_load_error(LUXC_EINVAL, "type: expected \"luxc-validator-key\"");
    rewrite_key_file("luxc-validator-kez", "luxc-validator-key");
    /* flip a nibble of the ML-DSA public key: it no longer matches */
    char hexpk[2 * LUXC_HSIGN_PUBLICKEYBYTES + 1];
    for (size_t i = 0; i < LUXC_HSIGN_PUBLICKEYBYTES; i++)
        sprintf(hexpk + 2 * i, "%02x", a.pk[i]);
    char from[16], to[16];
    memcpy(from, hexpk + 100, 8);
    from[8] = '\0';
    memcpy(to, from, 9);
    to[0] = to[0] == '0' ? '1' : '0';
    rewrite_key_file(from, to);
    expect_load_error(LUXC_ECORRUPT, "public key does not match the secret key");
    rewrite_key_file(to, from);
    rewrite_key_file("\"secret_key\":\t\"", "\"secret_key\":\t\"z");
    expect_load_error(LUXC_ECORRUPT, "secret_key: expected hex digits only");
    /* not JSON at all */
    FILE *f = fopen(file_path(LUXC_KEYS_SECRET_FILE), "w");
    fputs("garbage", f);
    fclose(f);
    expect_load_error(LUXC_ECORRUPT, "not valid JSON");
    luxc_keypair_wipe(&a);
}

static void test_bad_arguments(void **state)
{
    (void)state;
    luxc_keypair k;
    char err[256];
    assert_int_equal(luxc_keys_generate(NULL, NULL, &k, err, sizeof err), LUXC_EINVAL);
    assert_int_equal(luxc_keys_generate("", NULL, &k, err, sizeof err), LUXC_EINVAL);
    assert_int_equal(luxc_keys_load(NULL, &k, err, sizeof err), LUXC_EINVAL);
    assert_int_equal(luxc_keys_generate("/proc/luxc-no/such", NULL, &k, err, sizeof err),
                     LUXC_EIO);
    assert_non_null(strstr(err, "cannot create directory"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_generate_load_and_modes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_seeded_keys_are_reproducible, setup, teardown),
        cmocka_unit_test_setup_teardown(test_damaged_files, setup, teardown),
        cmocka_unit_test(test_bad_arguments),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
