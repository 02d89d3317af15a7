/* test_threads.c - crypto.h promises every function is thread-safe (no
 * shared state; our SHA-3 keeps its state in the caller's context). Four
 * threads run key generation, hybrid signatures and key agreement at the
 * same time and check every result; a deterministic signature made on a
 * thread must equal the one made on the main thread. */
#include "luxc/crypto.h"

#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "testutil.h"

#define THREADS 4
#define ROUNDS 6

static uint8_t ref_sig[LUXC_MLDSA_BYTES];
static const uint8_t xi[32] = {42}, rnd[32] = {0}, msg[48] = {1, 2, 3};

struct result {
    int failures;
};

static void *worker(void *arg)
{
    struct result *r = arg;
    static _Thread_local uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES], sk[LUXC_HSIGN_SECRETKEYBYTES];
    static _Thread_local uint8_t sig[LUXC_HSIGN_BYTES];
    static _Thread_local uint8_t dpk[LUXC_MLDSA_PUBLICKEYBYTES], dsk[LUXC_MLDSA_SECRETKEYBYTES];
    static _Thread_local uint8_t dsig[LUXC_MLDSA_BYTES];
    static _Thread_local luxc_hkx_state st;
    static _Thread_local uint8_t im[LUXC_HKX_INITBYTES], rm[LUXC_HKX_RESPBYTES];
    uint8_t s1[LUXC_HKX_SECRETBYTES], s2[LUXC_HKX_SECRETBYTES];

    for (int i = 0; i < ROUNDS; i++) {
        if (luxc_hsign_keypair(pk, sk) != LUXC_OK ||
            luxc_hsign_sign(sig, msg, sizeof msg, NULL, 0, sk) != LUXC_OK ||
            luxc_hsign_verify(sig, msg, sizeof msg, NULL, 0, pk) != LUXC_OK)
            r->failures++;
        if (luxc_mldsa_keypair_from_seed(dpk, dsk, xi) != LUXC_OK ||
            luxc_mldsa_sign_derand(dsig, msg, sizeof msg, NULL, 0, dsk, rnd) != LUXC_OK ||
            memcmp(dsig, ref_sig, sizeof dsig) != 0)
            r->failures++;
        if (luxc_hkx_initiate(&st, im) != LUXC_OK ||
            luxc_hkx_respond(rm, s2, im, msg, sizeof msg) != LUXC_OK ||
            luxc_hkx_finish(&st, s1, rm, msg, sizeof msg) != LUXC_OK ||
            memcmp(s1, s2, sizeof s1) != 0)
            r->failures++;
    }
    return NULL;
}

static void test_concurrent(void **state)
{
    (void)state;
    uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES], sk[LUXC_MLDSA_SECRETKEYBYTES];
    assert_int_equal(luxc_mldsa_keypair_from_seed(pk, sk, xi), LUXC_OK);
    assert_int_equal(luxc_mldsa_sign_derand(ref_sig, msg, sizeof msg, NULL, 0, sk, rnd), LUXC_OK);
    pthread_t th[THREADS];
    struct result res[THREADS];
    memset(res, 0, sizeof res);
    for (int i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, worker, &res[i]), 0);
    for (int i = 0; i < THREADS; i++) {
        assert_int_equal(pthread_join(th[i], NULL), 0);
        assert_int_equal(res[i].failures, 0);
    }
}

int main(void)
{
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_concurrent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
