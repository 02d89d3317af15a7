/* test_hkx.c - hybrid key agreement X25519 + ML-KEM-768: agreement, the
 * documented derivation (both component secrets and the transcript go into
 * the KDF), prologue binding, low-order X25519 points, bad ML-KEM keys,
 * tampered messages, error paths and state wiping. */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>
#include <sodium.h>

#include "testutil.h"

static uint64_t seed;

static int is_zero(const void *p, size_t n)
{
    const uint8_t *b = p;
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= b[i];
    return acc == 0;
}

/* X25519 public keys of small order (all give an all-zero shared secret). */
static const uint8_t low_order[][32] = {
    {0},
    {1},
    {0xe0, 0xeb, 0x7a, 0x7c, 0x3b, 0x41, 0xb8, 0xae, 0x16, 0x56, 0xe3, 0xfa, 0xf1, 0x9f, 0xc4, 0x6a,
     0xda, 0x09, 0x8d, 0xeb, 0x9c, 0x32, 0xb1, 0xfd, 0x86, 0x62, 0x05, 0x16, 0x5f, 0x49, 0xb8, 0x00},
    {0x5f, 0x9c, 0x95, 0xbc, 0xa3, 0x50, 0x8c, 0x24, 0xb1, 0xd0, 0xb1, 0x55, 0x9c, 0x83, 0xef, 0x5b,
     0x04, 0x44, 0x5c, 0xc4, 0x58, 0x1c, 0x8e, 0x86, 0xd8, 0x22, 0x4e, 0xdd, 0xd0, 0x9f, 0x11, 0x57},
    {0xec, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
     0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f},
};

static luxc_hkx_state st;
static uint8_t init_msg[LUXC_HKX_INITBYTES], resp_msg[LUXC_HKX_RESPBYTES];

static void test_agree(void **state)
{
    (void)state;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];
    const uint8_t pro[] = "luxc/qzmq/v1 peerA peerB";
    for (int i = 0; i < 4; i++) {
        assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
        assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, pro, sizeof pro), LUXC_OK);
        assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, pro, sizeof pro), LUXC_OK);
        assert_memory_equal(s1, s2, sizeof s1);
        assert_false(is_zero(s1, sizeof s1));
        assert_true(is_zero(&st, sizeof st)); /* finish wipes the state */
    }
    /* empty prologue, NULL with length 0 */
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, NULL, 0), LUXC_OK);
    assert_memory_equal(s1, s2, sizeof s1);
}

/* Recompute the secret from its parts as crypto.h documents it: proves the
 * X25519 secret, the ML-KEM secret and the transcript all enter the KDF. */
static void test_derivation_matches_documentation(void **state)
{
    (void)state;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES], want[LUXC_HKX_SECRETBYTES];
    uint8_t xss[32], kss[32], ikm[64], th[32];
    const uint8_t pro[] = {1, 2, 3};
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    luxc_hkx_state copy = st;
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, pro, 3), LUXC_OK);
    assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, pro, 3), LUXC_OK);

    assert_int_equal(crypto_scalarmult_curve25519(xss, copy.x25519_sk, resp_msg), 0);
    assert_int_equal(luxc_mlkem_decaps(kss, resp_msg + 32, copy.mlkem_sk), LUXC_OK);
    crypto_generichash_state h;
    crypto_generichash_init(&h, NULL, 0, 32);
    crypto_generichash_update(&h, pro, 3);
    crypto_generichash_update(&h, init_msg, sizeof init_msg);
    crypto_generichash_update(&h, resp_msg, sizeof resp_msg);
    crypto_generichash_final(&h, th, 32);
    memcpy(ikm, xss, 32);
    memcpy(ikm + 32, kss, 32);
    assert_int_equal(luxc_kdf(want, sizeof want, ikm, 64, "luxc/hkx/v1", th, 32), LUXC_OK);
    assert_memory_equal(s1, want, sizeof want);
    /* dropping either component gives something else */
    memset(ikm, 0, 32);
    assert_int_equal(luxc_kdf(want, sizeof want, ikm, 64, "luxc/hkx/v1", th, 32), LUXC_OK);
    assert_memory_not_equal(s1, want, sizeof want);
    memcpy(ikm, xss, 32);
    memset(ikm + 32, 0, 32);
    assert_int_equal(luxc_kdf(want, sizeof want, ikm, 64, "luxc/hkx/v1", th, 32), LUXC_OK);
    assert_memory_not_equal(s1, want, sizeof want);
    luxc_hkx_state_wipe(&copy);
    assert_true(is_zero(&copy, sizeof copy));
}

static void test_prologue_mismatch(void **state)
{
    (void)state;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, (const uint8_t *)"A", 1), LUXC_OK);
    assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, (const uint8_t *)"B", 1), LUXC_OK);
    assert_memory_not_equal(s1, s2, sizeof s1);
}

/* Tampering with either part of either message changes the secret. */
static void test_tampered_messages(void **state)
{
    (void)state;
    uint64_t rs = seed;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];
    for (int i = 0; i < 4; i++) {
        assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
        assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_OK);
        /* i=0,1: X25519 part of resp; i=2,3: ML-KEM ciphertext */
        size_t off = i < 2 ? (size_t)(luxc_test_rand(&rs) % 31)
                           : 32 + (size_t)(luxc_test_rand(&rs) % LUXC_MLKEM_CIPHERTEXTBYTES);
        resp_msg[off] ^= 0x01;
        int rc = luxc_hkx_finish(&st, s1, resp_msg, NULL, 0);
        if (rc == LUXC_OK && memcmp(s1, s2, sizeof s1) == 0)
            LUXC_TEST_FAIL_SEED(seed, "tampered resp byte %zu kept the secret", off);
    }
    /* tampered init_msg seen by the responder: the initiator derives another secret */
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    uint8_t forged[LUXC_HKX_INITBYTES];
    memcpy(forged, init_msg, sizeof forged);
    forged[40] ^= 0x10; /* inside the ML-KEM key's first coefficients */
    int rc = luxc_hkx_respond(resp_msg, s2, forged, NULL, 0);
    if (rc == LUXC_OK) {
        assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, NULL, 0), LUXC_OK);
        assert_memory_not_equal(s1, s2, sizeof s1);
    } else {
        assert_int_equal(rc, LUXC_EINVAL);
        luxc_hkx_state_wipe(&st);
    }
}

static void test_low_order_points(void **state)
{
    (void)state;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];
    for (size_t i = 0; i < sizeof low_order / sizeof low_order[0]; i++) {
        /* responder side: the initiator's X25519 key is low order */
        assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
        memcpy(init_msg, low_order[i], 32);
        memset(s2, 0xaa, sizeof s2);
        memset(resp_msg, 0xaa, sizeof resp_msg);
        assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_EAUTH);
        assert_true(is_zero(s2, sizeof s2));
        assert_true(is_zero(resp_msg, sizeof resp_msg)); /* nothing to send */
        luxc_hkx_state_wipe(&st);

        /* initiator side: the responder's X25519 key is low order */
        assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
        assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_OK);
        memcpy(resp_msg, low_order[i], 32);
        memset(s1, 0xaa, sizeof s1);
        assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, NULL, 0), LUXC_EAUTH);
        assert_true(is_zero(s1, sizeof s1));
        assert_true(is_zero(&st, sizeof st));
    }
}

/* An ML-KEM key with a coefficient >= q is refused by the responder. */
static void test_bad_mlkem_key(void **state)
{
    (void)state;
    uint8_t s2[LUXC_HKX_SECRETBYTES];
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    init_msg[32] = 0xff;
    init_msg[33] |= 0x0f; /* first coefficient = 4095 */
    memset(s2, 0xaa, sizeof s2);
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_EINVAL);
    assert_true(is_zero(s2, sizeof s2));
    luxc_hkx_state_wipe(&st);
}

static void test_error_paths(void **state)
{
    (void)state;
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];
    assert_int_equal(luxc_hkx_initiate(&st, init_msg), LUXC_OK);
    memset(s2, 0xaa, sizeof s2);
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 5), LUXC_EINVAL);
    assert_true(is_zero(s2, sizeof s2));
    assert_int_equal(luxc_hkx_respond(resp_msg, s2, init_msg, NULL, 0), LUXC_OK);
    memset(s1, 0xaa, sizeof s1);
    assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, NULL, 5), LUXC_EINVAL);
    assert_true(is_zero(s1, sizeof s1));
    assert_true(is_zero(&st, sizeof st)); /* wiped on error too */
    /* a finished (wiped) state cannot be reused to reach the secret */
    assert_int_equal(luxc_hkx_finish(&st, s1, resp_msg, NULL, 0), LUXC_EINVAL);
    luxc_hkx_state_wipe(NULL); /* no-op */
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_agree),
        cmocka_unit_test(test_derivation_matches_documentation),
        cmocka_unit_test(test_prologue_mismatch),
        cmocka_unit_test(test_tampered_messages),
        cmocka_unit_test(test_low_order_points),
        cmocka_unit_test(test_bad_mlkem_key),
        cmocka_unit_test(test_error_paths),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
