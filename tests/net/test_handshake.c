/* test_handshake.c - the hybrid handshake in memory: success in both
 * directions of traffic, and every refusal path (outsider, bad signature,
 * wrong key, wrong chain, wrong version, truncated/long/mistyped hello,
 * key confirmation), each with its logged reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "net_fixture.h"
#include "testutil.h"

static fx *F;
static uint8_t hi[LUXC_NET_HS_MSGMAX], hr[LUXC_NET_HS_MSGMAX], fi[LUXC_NET_HS_MSGMAX];
static size_t hilen, hrlen, filen;

static int setup(void **state)
{
    (void)state;
    F = calloc(1, sizeof *F);
    return F && fx_init(F) == 0 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    fx_free(F);
    free(F);
    return 0;
}

static void clear_logs(void) { memset(F->log, 0, sizeof F->log); }

/* Run a handshake i -> r; returns the first error (or LUXC_OK) and leaves
 * the messages in hi/hr/fi. */
static int run(luxc_hs *i, luxc_hs *r)
{
    int rc;
    hrlen = filen = 0;
    if ((rc = luxc_hs_start(i, hi, sizeof hi, &hilen)) != LUXC_OK)
        return rc;
    if ((rc = luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen)) != LUXC_OK)
        return rc;
    if ((rc = luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen)) != LUXC_OK)
        return rc;
    size_t none = 99;
    rc = luxc_hs_recv(r, fi, filen, NULL, 0, &none);
    assert_int_equal(none, 0);
    return rc;
}

static void new_pair(luxc_hs **i, luxc_hs **r, int who_i, int who_r)
{
    assert_int_equal(luxc_hs_new(i, &F->cfg[who_i], LUXC_HS_INITIATOR, NULL), LUXC_OK);
    assert_int_equal(luxc_hs_new(r, &F->cfg[who_r], LUXC_HS_RESPONDER, NULL), LUXC_OK);
}

static void test_handshake_ok_and_traffic(void **state)
{
    (void)state;
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_peer(i), LUXC_ESTATE);
    assert_int_equal(run(i, r), LUXC_OK);
    assert_int_equal(hilen, LUXC_NET_HELLO_I_BYTES);
    assert_int_equal(hrlen, LUXC_NET_HELLO_R_BYTES);
    assert_int_equal(filen, LUXC_NET_FINISH_I_BYTES);
    assert_true(luxc_hs_done(i));
    assert_true(luxc_hs_done(r));
    assert_int_equal(luxc_hs_peer(i), 1); /* bob */
    assert_int_equal(luxc_hs_peer(r), 0); /* alice */
    luxc_chan *ci, *cr;
    assert_int_equal(luxc_hs_finish(i, &ci), LUXC_OK);
    assert_int_equal(luxc_hs_finish(r, &cr), LUXC_OK);
    luxc_chan *again = (luxc_chan *)&again;
    assert_int_equal(luxc_hs_finish(r, &again), LUXC_ESTATE); /* spent */
    assert_null(again);
    assert_int_equal(luxc_hs_finish(NULL, &again), LUXC_EINVAL);
    luxc_hs_free(i);
    luxc_hs_free(r);
    uint8_t m[100], f[100 + LUXC_NET_RECOVERHEAD], o[100];
    size_t flen, olen;
    for (int k = 0; k < 10; k++) {
        memset(m, k, sizeof m);
        luxc_chan *tx = k & 1 ? cr : ci, *rx = k & 1 ? ci : cr;
        assert_int_equal(luxc_chan_seal(tx, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
        assert_int_equal(luxc_chan_open(rx, o, sizeof o, &olen, f, flen), LUXC_OK);
        assert_memory_equal(o, m, sizeof m);
    }
    /* the two directions use different keys: a record cannot be reflected */
    assert_int_equal(luxc_chan_seal(ci, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
    luxc_net_stats st;
    luxc_chan_stats(ci, &st);
    uint64_t before = st.drop_auth + st.drop_reorder + st.drop_replay;
    assert_int_not_equal(luxc_chan_open(ci, o, sizeof o, &olen, f, flen), LUXC_OK);
    luxc_chan_stats(ci, &st);
    assert_int_equal(st.drop_auth + st.drop_reorder + st.drop_replay, before + 1);
    assert_int_equal(luxc_chan_peer(ci), 1);
    assert_int_equal(luxc_chan_peer(cr), 0);
    luxc_chan_free(ci);
    luxc_chan_free(cr);
}

/* The signatures cover the transcript hashes exactly as net.h documents. */
static void test_transcript_matches_doc(void **state)
{
    (void)state;
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(run(i, r), LUXC_OK);
    static uint8_t buf[42 + LUXC_NET_HELLO_R_BYTES + LUXC_NET_HELLO_I_BYTES];
    size_t n = 0;
    memcpy(buf, "luxc/qzmq", 9);
    buf[9] = LUXC_NET_VERSION;
    memcpy(buf + 10, F->cfg[FX_A].chain_id, 32);
    n = 42;
    memcpy(buf + n, hi, hilen);
    n += hilen;
    memcpy(buf + n, hr, 3110);
    n += 3110;
    uint8_t th_r[32], th_i[32], tail[32 + LUXC_NET_HELLO_R_BYTES];
    assert_int_equal(luxc_hash(th_r, buf, n), LUXC_OK);
    const char *ctx_r = "luxc/qzmq/v1/responder", *ctx_i = "luxc/qzmq/v1/initiator";
    assert_int_equal(luxc_hsign_verify(hr + 3110, th_r, 32, (const uint8_t *)ctx_r,
                                       strlen(ctx_r), F->pk[FX_B]),
                     LUXC_OK);
    memcpy(tail, th_r, 32);
    memcpy(tail + 32, hr + 3110, hrlen - 3110);
    assert_int_equal(luxc_hash(th_i, tail, 32 + hrlen - 3110), LUXC_OK);
    assert_int_equal(luxc_hsign_verify(fi + 6, th_i, 32, (const uint8_t *)ctx_i, strlen(ctx_i),
                                       F->pk[FX_A]),
                     LUXC_OK);
    /* and not under the other role's context (no reflection) */
    assert_int_equal(luxc_hsign_verify(fi + 6, th_i, 32, (const uint8_t *)ctx_r, strlen(ctx_r),
                                       F->pk[FX_A]),
                     LUXC_EAUTH);
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void expect_refused(int rc, int want, int who, const char *reason)
{
    assert_int_equal(rc, want);
    /* one event, at warn level (1), the reason as a quoted logfmt field */
    if (!strstr(F->log[who].text, "1 handshake refused role=") ||
        !strstr(F->log[who].text, reason))
        fail_msg("log of %d lacks \"%s\": %s", who, reason, F->log[who].text);
}

static void test_outsider_refused(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_C, FX_B);
    expect_refused(run(i, r), LUXC_ENOTMEMBER, FX_B, "not in the validator set");
    assert_int_equal(hrlen, 0);
    /* the failure is final */
    size_t len;
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &len), LUXC_ESTATE);
    assert_false(luxc_hs_done(r));
    luxc_chan *ch;
    assert_int_equal(luxc_hs_finish(r, &ch), LUXC_ESTATE);
    luxc_hs_free(i);
    luxc_hs_free(r);
    /* and the outsider refuses to dial with a set that lacks its own key */
    assert_int_equal(luxc_hs_new(&i, &(luxc_net_cfg){.valset = F->vs, .identity_pk = F->pk[FX_C],
                                                     .identity_sk = F->sk[FX_C]},
                                 LUXC_HS_INITIATOR, NULL),
                     LUXC_ENOTMEMBER);
    assert_null(i);
}

static void test_responder_not_in_initiators_set(void **state)
{
    (void)state;
    clear_logs();
    /* carol's set lists A, B and C; A's lists only A and B: A as initiator
     * must refuse carol as responder. */
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_C);
    /* carol accepts alice (alice is in carol's set) */
    expect_refused(run(i, r), LUXC_ENOTMEMBER, FX_A, "not in the validator set");
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void test_bad_responder_signature(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    /* flip one byte in the Ed25519 half, then one in the ML-DSA half */
    size_t sig = LUXC_NET_HEADERBYTES + LUXC_HKX_RESPBYTES + LUXC_HSIGN_PUBLICKEYBYTES;
    hr[sig + 3] ^= 1;
    expect_refused(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_EAUTH, FX_A,
                   "bad responder signature");
    luxc_hs_free(i);
    luxc_hs_free(r);
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    hr[sig + LUXC_ED25519_BYTES + 100] ^= 0x40;
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_EAUTH);
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void test_bad_initiator_signature(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_OK);
    fi[LUXC_NET_HEADERBYTES + 10] ^= 4;
    size_t len;
    expect_refused(luxc_hs_recv(r, fi, filen, NULL, 0, &len), LUXC_EAUTH, FX_B,
                   "bad initiator signature");
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void test_key_confirmation(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    hr[hrlen - 1] ^= 1;
    expect_refused(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_EAUTH, FX_A,
                   "key confirmation failed");
    luxc_hs_free(i);
    luxc_hs_free(r);
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_OK);
    fi[filen - 1] ^= 1;
    size_t len;
    expect_refused(luxc_hs_recv(r, fi, filen, NULL, 0, &len), LUXC_EAUTH, FX_B,
                   "key confirmation failed");
    luxc_hs_free(i);
    luxc_hs_free(r);
}

/* A key share swapped in transit: the signature covers it, so refused. */
static void test_tampered_key_share(void **state)
{
    (void)state;
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    hi[LUXC_NET_HEADERBYTES + LUXC_NET_CHAINIDBYTES + 40] ^= 1; /* ML-KEM key */
    int rc = luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen);
    if (rc == LUXC_OK)
        rc = luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen);
    assert_int_equal(rc, LUXC_EAUTH);
    luxc_hs_free(i);
    luxc_hs_free(r);
}

/* A key share the primitives reject: an X25519 low-order point (all zero)
 * or an ML-KEM encapsulation key that fails the FIPS 203 s7.2 check. */
static void test_bad_key_share(void **state)
{
    (void)state;
    size_t kx = LUXC_NET_HEADERBYTES + LUXC_NET_CHAINIDBYTES;
    for (int variant = 0; variant < 2; variant++) {
        clear_logs();
        luxc_hs *i, *r;
        new_pair(&i, &r, FX_A, FX_B);
        assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
        if (variant == 0)
            memset(hi + kx, 0, LUXC_X25519_BYTES);
        else
            memset(hi + kx + LUXC_X25519_BYTES, 0xff, 384); /* coefficients >= q */
        expect_refused(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_EAUTH, FX_B,
                       "bad key share");
        assert_int_equal(hrlen, 0);
        luxc_hs_free(i);
        luxc_hs_free(r);
    }
}

static void test_wrong_expected_key(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    /* alice dials expecting carol's key but bob answers */
    assert_int_equal(luxc_hs_new(&i, &F->cfg[FX_A], LUXC_HS_INITIATOR, F->pk[FX_C]), LUXC_OK);
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(run(i, r), LUXC_EAUTH, FX_A, "not the expected validator");
    luxc_hs_free(i);
    luxc_hs_free(r);
    /* pinned to the right key: fine */
    assert_int_equal(luxc_hs_new(&i, &F->cfg[FX_A], LUXC_HS_INITIATOR, F->pk[FX_B]), LUXC_OK);
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, F->pk[FX_A]), LUXC_OK);
    assert_int_equal(run(i, r), LUXC_OK);
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void test_own_key_reflected(void **state)
{
    (void)state;
    clear_logs();
    luxc_hs *i, *r;
    new_pair(&i, &r, FX_A, FX_A);
    expect_refused(run(i, r), LUXC_EAUTH, FX_A, "our own identity key");
    luxc_hs_free(i);
    luxc_hs_free(r);
}

static void test_wrong_chain(void **state)
{
    (void)state;
    clear_logs();
    luxc_net_cfg other = F->cfg[FX_A];
    other.chain_id[31] ^= 1;
    luxc_hs *i, *r;
    assert_int_equal(luxc_hs_new(&i, &other, LUXC_HS_INITIATOR, NULL), LUXC_OK);
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(run(i, r), LUXC_EAUTH, FX_B, "another chain");
    luxc_hs_free(i);
    luxc_hs_free(r);
}

/* Malformed HELLO_I variants against a fresh responder each. */
static void test_malformed_hello(void **state)
{
    (void)state;
    luxc_hs *i, *r;
    assert_int_equal(luxc_hs_new(&i, &F->cfg[FX_A], LUXC_HS_INITIATOR, NULL), LUXC_OK);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    static uint8_t bad[LUXC_NET_HS_MSGMAX + 8];
    struct {
        size_t len;
        int rc;
        const char *why;
        void (*edit)(uint8_t *);
    } cases[] = {
        {0, LUXC_ETRUNC, "malformed message length", NULL},
        {5, LUXC_ETRUNC, "malformed message length", NULL},
        {LUXC_NET_HELLO_I_BYTES - 1, LUXC_ETRUNC, "malformed message length", NULL},
        {LUXC_NET_HELLO_I_BYTES + 1, LUXC_ETRAILING, "malformed message length", NULL},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        clear_logs();
        memcpy(bad, hi, hilen);
        memset(bad + hilen, 0, sizeof bad - hilen);
        assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
        expect_refused(luxc_hs_recv(r, bad, cases[k].len, hr, sizeof hr, &hrlen), cases[k].rc,
                       FX_B, cases[k].why);
        luxc_hs_free(r);
    }
    /* consistent header, short body: "too short"; long body: "too long" */
    uint8_t *edit = bad;
    memcpy(edit, hi, hilen);
    edit[5] = (uint8_t)(edit[5] - 1);
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(luxc_hs_recv(r, edit, hilen - 1, hr, sizeof hr, &hrlen), LUXC_ETRUNC, FX_B,
                   "message too short");
    luxc_hs_free(r);
    memcpy(edit, hi, hilen);
    edit[5] = (uint8_t)(edit[5] + 1);
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(luxc_hs_recv(r, edit, hilen + 1, hr, sizeof hr, &hrlen), LUXC_ETRAILING,
                   FX_B, "message too long");
    luxc_hs_free(r);
    /* wrong version, wrong type */
    memcpy(edit, hi, hilen);
    edit[0] = LUXC_NET_VERSION + 1;
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(luxc_hs_recv(r, edit, hilen, hr, sizeof hr, &hrlen), LUXC_EVERSION, FX_B,
                   "unsupported protocol version");
    luxc_hs_free(r);
    memcpy(edit, hi, hilen);
    edit[1] = LUXC_NET_MSG_FINISH_I;
    assert_int_equal(luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL), LUXC_OK);
    expect_refused(luxc_hs_recv(r, edit, hilen, hr, sizeof hr, &hrlen), LUXC_ECORRUPT, FX_B,
                   "unexpected message type");
    luxc_hs_free(r);
    /* the initiator gets its own HELLO back instead of HELLO_R */
    expect_refused(luxc_hs_recv(i, hi, hilen, fi, sizeof fi, &filen), LUXC_ECORRUPT, FX_A,
                   "unexpected message type");
    luxc_hs_free(i);
}

static void test_state_and_args(void **state)
{
    (void)state;
    luxc_hs *i, *r;
    size_t len;
    assert_int_equal(luxc_hs_new(NULL, &F->cfg[FX_A], 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_hs_new(&i, NULL, 0, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_hs_new(&i, &F->cfg[FX_A], 7, NULL), LUXC_EINVAL);
    luxc_net_cfg bad = F->cfg[FX_A];
    bad.max_record = LUXC_NET_RECORD_MAX + 1;
    assert_int_equal(luxc_hs_new(&i, &bad, 0, NULL), LUXC_EPARAM);
    bad = F->cfg[FX_A];
    bad.valset = NULL;
    assert_int_equal(luxc_hs_new(&i, &bad, 0, NULL), LUXC_EINVAL);
    new_pair(&i, &r, FX_A, FX_B);
    assert_int_equal(luxc_hs_start(r, hi, sizeof hi, &hilen), LUXC_ESTATE);
    assert_int_equal(luxc_hs_start(i, hi, 10, &hilen), LUXC_EFULL);
    assert_int_equal(luxc_hs_start(i, NULL, 10, &hilen), LUXC_EINVAL);
    assert_int_equal(luxc_hs_recv(i, hi, hilen, hr, sizeof hr, &len), LUXC_ESTATE); /* not started */
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &hilen), LUXC_OK);
    assert_int_equal(luxc_hs_start(i, hi, sizeof hi, &len), LUXC_ESTATE);
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, 100, &hrlen), LUXC_EFULL); /* not final */
    assert_int_equal(luxc_hs_recv(r, hi, hilen, hr, sizeof hr, &hrlen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, 100, &filen), LUXC_EFULL);
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &filen), LUXC_OK);
    assert_int_equal(luxc_hs_recv(i, hr, hrlen, fi, sizeof fi, &len), LUXC_ESTATE);
    assert_int_equal(luxc_hs_recv(NULL, hr, hrlen, fi, sizeof fi, &filen), LUXC_EINVAL);
    assert_int_equal(luxc_hs_peer(NULL), LUXC_EINVAL);
    assert_false(luxc_hs_done(NULL));
    assert_int_equal(luxc_hs_finish(i, NULL), LUXC_EINVAL);
    luxc_hs_free(i);
    luxc_hs_free(r);
    luxc_hs_free(NULL);
    assert_int_equal(luxc_net_hs_msgmax(), LUXC_NET_HS_MSGMAX);
    assert_int_equal(luxc_net_chainidbytes(), 32);
    assert_int_equal(luxc_net_recoverhead(), 34);
    /* the documented message sizes */
    assert_int_equal(LUXC_NET_HELLO_I_BYTES, 3238);
    assert_int_equal(LUXC_NET_HELLO_R_BYTES, 6515);
    assert_int_equal(LUXC_NET_FINISH_I_BYTES, 3411);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    for (long n = 0;; n++) {
        luxc_hs *i = NULL, *r = NULL;
        luxc_chan *ci = NULL;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_hs_new(&i, &F->cfg[FX_A], LUXC_HS_INITIATOR, NULL);
        if (rc == LUXC_OK)
            rc = luxc_hs_new(&r, &F->cfg[FX_B], LUXC_HS_RESPONDER, NULL);
        if (rc == LUXC_OK)
            rc = run(i, r);
        if (rc == LUXC_OK)
            rc = luxc_hs_finish(i, &ci);
        luxc_test_alloc_fail_after(-1);
        luxc_hs_free(i);
        luxc_hs_free(r);
        luxc_chan_free(ci);
        if (rc == LUXC_OK)
            break;
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_true(n < 20);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_handshake_ok_and_traffic),
        cmocka_unit_test(test_transcript_matches_doc),
        cmocka_unit_test(test_outsider_refused),
        cmocka_unit_test(test_responder_not_in_initiators_set),
        cmocka_unit_test(test_bad_responder_signature),
        cmocka_unit_test(test_bad_initiator_signature),
        cmocka_unit_test(test_key_confirmation),
        cmocka_unit_test(test_tampered_key_share),
        cmocka_unit_test(test_bad_key_share),
        cmocka_unit_test(test_wrong_expected_key),
        cmocka_unit_test(test_own_key_reflected),
        cmocka_unit_test(test_wrong_chain),
        cmocka_unit_test(test_malformed_hello),
        cmocka_unit_test(test_state_and_args),
        cmocka_unit_test(test_alloc_failure),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
