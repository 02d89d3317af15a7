/* test_mlkem.c - ML-KEM-768 API: round trips, determinism, implicit
 * rejection, the s7.2 / s7.3 input checks and their error paths.
 * (Known answers are in test_vectors.c; the noble cross-check in
 * noble_crosscheck.mjs.) */
#include "luxc/crypto.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

static uint64_t seed;

static void fill(uint8_t *p, size_t n, uint64_t *st)
{
    for (size_t i = 0; i < n; i++)
        p[i] = (uint8_t)luxc_test_rand(st);
}

static int is_zero(const uint8_t *p, size_t n)
{
    uint8_t acc = 0;
    for (size_t i = 0; i < n; i++)
        acc |= p[i];
    return acc == 0;
}

static void test_sizes(void **state)
{
    (void)state;
    assert_int_equal(luxc_mlkem_publickeybytes(), 1184);
    assert_int_equal(luxc_mlkem_secretkeybytes(), 2400);
    assert_int_equal(luxc_mlkem_ciphertextbytes(), 1088);
    assert_int_equal(luxc_mlkem_sharedbytes(), 32);
}

static void test_round_trip_random(void **state)
{
    (void)state;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss1[32], ss2[32];
    for (int i = 0; i < 8; i++) {
        assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
        assert_int_equal(luxc_mlkem_check_pk(pk), LUXC_OK);
        assert_int_equal(luxc_mlkem_check_sk(sk), LUXC_OK);
        assert_int_equal(luxc_mlkem_encaps(ct, ss1, pk), LUXC_OK);
        assert_int_equal(luxc_mlkem_decaps(ss2, ct, sk), LUXC_OK);
        assert_memory_equal(ss1, ss2, 32);
    }
}

static void test_from_seed_deterministic(void **state)
{
    (void)state;
    uint64_t st = seed;
    uint8_t s[LUXC_MLKEM_SEEDBYTES], coins[LUXC_MLKEM_COINBYTES];
    uint8_t pk1[LUXC_MLKEM_PUBLICKEYBYTES], sk1[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t pk2[LUXC_MLKEM_PUBLICKEYBYTES], sk2[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct1[LUXC_MLKEM_CIPHERTEXTBYTES], ct2[LUXC_MLKEM_CIPHERTEXTBYTES];
    uint8_t ss1[32], ss2[32], ss3[32];
    fill(s, sizeof s, &st);
    fill(coins, sizeof coins, &st);
    assert_int_equal(luxc_mlkem_keypair_from_seed(pk1, sk1, s), LUXC_OK);
    assert_int_equal(luxc_mlkem_keypair_from_seed(pk2, sk2, s), LUXC_OK);
    if (memcmp(pk1, pk2, sizeof pk1) || memcmp(sk1, sk2, sizeof sk1))
        LUXC_TEST_FAIL_SEED(seed, "keypair_from_seed not deterministic");
    assert_int_equal(luxc_mlkem_encaps_derand(ct1, ss1, pk1, coins), LUXC_OK);
    assert_int_equal(luxc_mlkem_encaps_derand(ct2, ss2, pk1, coins), LUXC_OK);
    assert_memory_equal(ct1, ct2, sizeof ct1);
    assert_memory_equal(ss1, ss2, 32);
    assert_int_equal(luxc_mlkem_decaps(ss3, ct1, sk1), LUXC_OK);
    if (memcmp(ss1, ss3, 32))
        LUXC_TEST_FAIL_SEED(seed, "decaps disagrees with encaps_derand");
    /* dk layout (FIPS 203 Alg. 16): ... || ek || H(ek) || z; z = seed[32..64] */
    assert_memory_equal(sk1 + 1152, pk1, sizeof pk1);
    assert_memory_equal(sk1 + 2400 - 32, s + 32, 32);
    /* another seed, another key */
    s[0] ^= 1;
    assert_int_equal(luxc_mlkem_keypair_from_seed(pk2, sk2, s), LUXC_OK);
    assert_memory_not_equal(pk1, pk2, sizeof pk1);
}

/* A modified ciphertext decapsulates to a different, pseudorandom key and
 * still LUXC_OK (implicit rejection, FIPS 203 Alg. 18); the same modified
 * ciphertext gives the same key again. */
static void test_implicit_rejection(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x1234;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss[32], bad1[32], bad2[32];
    assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
    assert_int_equal(luxc_mlkem_encaps(ct, ss, pk), LUXC_OK);
    for (int i = 0; i < 16; i++) {
        size_t bit = (size_t)(luxc_test_rand(&st) % (8 * sizeof ct));
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(luxc_mlkem_decaps(bad1, ct, sk), LUXC_OK);
        assert_int_equal(luxc_mlkem_decaps(bad2, ct, sk), LUXC_OK);
        if (memcmp(bad1, ss, 32) == 0)
            LUXC_TEST_FAIL_SEED(seed, "flipped ct bit %zu kept the shared secret", bit);
        assert_memory_equal(bad1, bad2, 32);
        ct[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    assert_int_equal(luxc_mlkem_decaps(bad1, ct, sk), LUXC_OK);
    assert_memory_equal(bad1, ss, 32);
}

/* Wrong key: decapsulating with another secret key gives another key. */
static void test_wrong_key(void **state)
{
    (void)state;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t pk2[LUXC_MLKEM_PUBLICKEYBYTES], sk2[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss[32], ss2[32];
    assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
    assert_int_equal(luxc_mlkem_keypair(pk2, sk2), LUXC_OK);
    assert_int_equal(luxc_mlkem_encaps(ct, ss, pk), LUXC_OK);
    assert_int_equal(luxc_mlkem_decaps(ss2, ct, sk2), LUXC_OK);
    assert_memory_not_equal(ss, ss2, 32);
}

static void set_coeff(uint8_t *pk, size_t idx, unsigned v)
{
    /* 12-bit little-endian packing, two coefficients per 3 bytes */
    uint8_t *p = pk + 3 * (idx / 2);
    if (idx % 2 == 0) {
        p[0] = (uint8_t)v;
        p[1] = (uint8_t)((p[1] & 0xf0) | (v >> 8));
    } else {
        p[1] = (uint8_t)((p[1] & 0x0f) | ((v & 0x0f) << 4));
        p[2] = (uint8_t)(v >> 4);
    }
}

/* s7.2: a coefficient >= q (3329) anywhere in ek is refused; q-1 passes. */
static void test_encaps_key_check(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x5678;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss[32];
    assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
    const size_t idxs[] = {0, 1, 255, 256, 511, 512, 767};
    for (size_t k = 0; k < sizeof idxs / sizeof idxs[0] + 8; k++) {
        size_t idx = k < sizeof idxs / sizeof idxs[0] ? idxs[k]
                                                      : (size_t)(luxc_test_rand(&st) % 768);
        uint8_t bad[LUXC_MLKEM_PUBLICKEYBYTES];
        memcpy(bad, pk, sizeof bad);
        set_coeff(bad, idx, 3328);
        assert_int_equal(luxc_mlkem_check_pk(bad), LUXC_OK);
        const unsigned vals[] = {3329, 3330, 4095};
        for (size_t v = 0; v < 3; v++) {
            set_coeff(bad, idx, vals[v]);
            if (luxc_mlkem_check_pk(bad) != LUXC_EINVAL)
                LUXC_TEST_FAIL_SEED(seed, "coefficient %zu = %u accepted", idx, vals[v]);
            memset(ss, 0xaa, sizeof ss);
            assert_int_equal(luxc_mlkem_encaps(ct, ss, bad), LUXC_EINVAL);
            assert_true(is_zero(ss, sizeof ss)); /* secret output wiped */
            assert_int_equal(luxc_mlkem_encaps_derand(ct, ss, bad, ss), LUXC_EINVAL);
        }
    }
    /* The trailing rho (32 bytes) is not range-checked: any value is fine. */
    memset(pk + 1152, 0xff, 32);
    assert_int_equal(luxc_mlkem_check_pk(pk), LUXC_OK);
}

/* s7.3: dk whose stored H(ek) or stored ek was modified is refused. */
static void test_decaps_key_check(void **state)
{
    (void)state;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss[32];
    assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
    assert_int_equal(luxc_mlkem_encaps(ct, ss, pk), LUXC_OK);
    const size_t offs[] = {2400 - 64, 2400 - 33, 1152, 1152 + 1183};
    for (size_t k = 0; k < 4; k++) {
        sk[offs[k]] ^= 0x01;
        assert_int_equal(luxc_mlkem_check_sk(sk), LUXC_EINVAL);
        memset(ss, 0xaa, sizeof ss);
        assert_int_equal(luxc_mlkem_decaps(ss, ct, sk), LUXC_EINVAL);
        assert_true(is_zero(ss, sizeof ss));
        sk[offs[k]] ^= 0x01;
    }
    /* z and dk_pke are not covered by the hash check (by design of s7.3) */
    sk[2399] ^= 1;
    assert_int_equal(luxc_mlkem_check_sk(sk), LUXC_OK);
}

/* Random ciphertexts and random keys: decaps either refuses the key
 * (s7.3) or returns some key, never crashes (the ASan build checks). */
static void test_random_inputs(void **state)
{
    (void)state;
    uint64_t st = seed ^ 0x6161;
    uint8_t pk[LUXC_MLKEM_PUBLICKEYBYTES], sk[LUXC_MLKEM_SECRETKEYBYTES];
    uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES], ss[32];
    assert_int_equal(luxc_mlkem_keypair(pk, sk), LUXC_OK);
    for (int i = 0; i < 50; i++) {
        fill(ct, sizeof ct, &st);
        assert_int_equal(luxc_mlkem_decaps(ss, ct, sk), LUXC_OK);
        uint8_t rsk[LUXC_MLKEM_SECRETKEYBYTES];
        fill(rsk, sizeof rsk, &st);
        assert_int_equal(luxc_mlkem_decaps(ss, ct, rsk), LUXC_EINVAL);
        /* random ek: 768 random 12-bit values are all < q with probability
         * (3329/4096)^768, i.e. never */
        uint8_t rpk[LUXC_MLKEM_PUBLICKEYBYTES];
        fill(rpk, sizeof rpk, &st);
        assert_int_equal(luxc_mlkem_encaps(ct, ss, rpk), LUXC_EINVAL);
    }
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_sizes),
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_from_seed_deterministic),
        cmocka_unit_test(test_implicit_rejection),
        cmocka_unit_test(test_wrong_key),
        cmocka_unit_test(test_encaps_key_check),
        cmocka_unit_test(test_decaps_key_check),
        cmocka_unit_test(test_random_inputs),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
