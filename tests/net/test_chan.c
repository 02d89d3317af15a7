/* test_chan.c - the record layer: round trips, ordering, rekey by records,
 * bytes and time, and every kind of bad frame dropped and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <sodium.h>

#include "common/be.h"
#include "luxc/crypto.h"
#include "luxc/net.h"
#include "testutil.h"

static uint64_t seed;
static uint64_t fake_now;
static uint64_t fake_clock(void *ctx)
{
    (void)ctx;
    return fake_now;
}

typedef struct pair {
    luxc_chan *a, *b; /* a sends with k1, b receives with k1 */
} pair;

static luxc_net_cfg base_cfg(void)
{
    luxc_net_cfg c;
    memset(&c, 0, sizeof c);
    c.clock = fake_clock;
    return c;
}

static void pair_new(pair *p, const luxc_net_cfg *cfg)
{
    uint8_t k1[LUXC_AEAD_KEYBYTES], k2[LUXC_AEAD_KEYBYTES];
    memset(k1, 0x11, sizeof k1);
    memset(k2, 0x22, sizeof k2);
    assert_int_equal(luxc_chan_new_from_keys(&p->a, cfg, k1, k2, 1), LUXC_OK);
    assert_int_equal(luxc_chan_new_from_keys(&p->b, cfg, k2, k1, 0), LUXC_OK);
}

/* a sends under cfg_a; b receives under cfg_b. */
static void pair_new2(pair *p, const luxc_net_cfg *cfg_a, const luxc_net_cfg *cfg_b)
{
    uint8_t k1[LUXC_AEAD_KEYBYTES], k2[LUXC_AEAD_KEYBYTES];
    memset(k1, 0x11, sizeof k1);
    memset(k2, 0x22, sizeof k2);
    assert_int_equal(luxc_chan_new_from_keys(&p->a, cfg_a, k1, k2, 1), LUXC_OK);
    assert_int_equal(luxc_chan_new_from_keys(&p->b, cfg_b, k2, k1, 0), LUXC_OK);
}

static void pair_free(pair *p)
{
    luxc_chan_free(p->a);
    luxc_chan_free(p->b);
}

static int setup(void **state)
{
    (void)state;
    return luxc_crypto_init() == LUXC_OK ? 0 : -1;
}

static void test_round_trip_random(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.max_record = 4096;
    pair p;
    pair_new(&p, &cfg);
    uint64_t rs = seed;
    static uint8_t m[4096], f[4096 + LUXC_NET_RECOVERHEAD], o[4096];
    for (int i = 0; i < 2000; i++) {
        size_t len = (size_t)(luxc_test_rand(&rs) % (sizeof m + 1));
        for (size_t j = 0; j < len; j++)
            m[j] = (uint8_t)luxc_test_rand(&rs);
        luxc_chan *tx = i & 1 ? p.b : p.a, *rx = i & 1 ? p.a : p.b;
        size_t flen, olen;
        assert_int_equal(luxc_chan_seal(tx, f, sizeof f, &flen, m, len), LUXC_OK);
        assert_int_equal(flen, luxc_chan_sealed_len(len));
        if (luxc_chan_open(rx, o, sizeof o, &olen, f, flen) != LUXC_OK || olen != len ||
            memcmp(o, m, len))
            LUXC_TEST_FAIL_SEED(seed, "record %d of %zu bytes did not round-trip", i, len);
    }
    luxc_net_stats st;
    luxc_chan_stats(p.a, &st);
    assert_int_equal(st.sent_records, 1000);
    assert_int_equal(st.recv_records, 1000);
    assert_int_equal(luxc_chan_peer(p.a), 1);
    pair_free(&p);
}

/* The documented DATA layout, rebuilt here from libsodium directly:
 * header = 1, 16, be32(12 + n + 16), be32(epoch), be64(seq); ct =
 * XChaCha20-Poly1305(m, AD = header, nonce = epoch || seq || 0^12), and
 * key(e+1) = luxc_kdf(key(e), "luxc/qzmq/v1/rekey", be32(e+1)). */
static void test_wire_format_matches_doc(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.rekey_records = 2;
    pair p;
    pair_new(&p, &cfg);
    uint8_t key[LUXC_AEAD_KEYBYTES];
    memset(key, 0x11, sizeof key); /* p.a's send key */
    const uint8_t m[5] = "hello";
    for (uint32_t seq = 0; seq < 5; seq++) {
        uint32_t epoch = seq / 2;
        if (seq && seq % 2 == 0) {
            uint8_t info[4];
            luxc_be32_store(info, epoch);
            assert_int_equal(luxc_kdf(key, sizeof key, key, sizeof key, "luxc/qzmq/v1/rekey",
                                      info, sizeof info),
                             LUXC_OK);
        }
        uint8_t want[18 + 5 + 16], got[sizeof want], nonce[24] = {0};
        want[0] = 1;
        want[1] = 16;
        luxc_be32_store(want + 2, 12 + 5 + 16);
        luxc_be32_store(want + 6, epoch);
        luxc_be64_store(want + 10, seq);
        memcpy(nonce, want + 6, 12);
        unsigned long long clen;
        crypto_aead_xchacha20poly1305_ietf_encrypt(want + 18, &clen, m, sizeof m, want, 18, NULL,
                                                   nonce, key);
        assert_int_equal(clen, 5 + 16);
        size_t glen;
        assert_int_equal(luxc_chan_seal(p.a, got, sizeof got, &glen, m, sizeof m), LUXC_OK);
        assert_int_equal(glen, sizeof want);
        assert_memory_equal(got, want, sizeof want);
    }
    pair_free(&p);
}

static void test_zero_length_and_bounds(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.max_record = 100;
    pair p;
    pair_new(&p, &cfg);
    uint8_t m[101] = {0}, f[200], o[101];
    size_t flen, olen;
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, NULL, 0), LUXC_OK);
    assert_int_equal(flen, LUXC_NET_RECOVERHEAD);
    assert_int_equal(luxc_chan_open(p.b, NULL, 0, &olen, f, flen), LUXC_OK);
    assert_int_equal(olen, 0);
    /* max_record is allowed, max_record + 1 is not */
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, 100), LUXC_OK);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f, flen), LUXC_OK);
    assert_int_equal(olen, 100);
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, 101), LUXC_ETOOBIG);
    /* output buffers too small */
    assert_int_equal(luxc_chan_seal(p.a, f, 10 + LUXC_NET_RECOVERHEAD - 1, &flen, m, 10),
                     LUXC_EFULL);
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, 10), LUXC_OK);
    assert_int_equal(luxc_chan_open(p.b, o, 9, &olen, f, flen), LUXC_EFULL);
    assert_int_equal(luxc_chan_open(p.b, o, 10, &olen, f, flen), LUXC_OK);
    /* NULL arguments */
    assert_int_equal(luxc_chan_seal(NULL, f, sizeof f, &flen, m, 1), LUXC_EINVAL);
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, NULL, 1), LUXC_EINVAL);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, NULL, f, flen), LUXC_EINVAL);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, NULL, 0), LUXC_EINVAL);
    assert_int_equal(luxc_chan_rekey(NULL), LUXC_EINVAL);
    assert_int_equal(luxc_chan_peer(NULL), LUXC_EINVAL);
    luxc_net_stats st;
    luxc_chan_stats(NULL, &st);
    assert_int_equal(st.sent_records, 0);
    luxc_chan_free(NULL);
    pair_free(&p);
}

static void test_cfg_limits(void **state)
{
    (void)state;
    uint8_t k[LUXC_AEAD_KEYBYTES] = {0};
    luxc_chan *ch = (luxc_chan *)&ch;
    luxc_net_cfg cfg = base_cfg();
    cfg.rekey_records = LUXC_NET_REKEY_RECORDS_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    assert_null(ch);
    cfg = base_cfg();
    cfg.rekey_bytes = LUXC_NET_REKEY_BYTES_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg = base_cfg();
    cfg.rekey_ms = LUXC_NET_REKEY_MS_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg = base_cfg();
    cfg.peer_rekey_records = LUXC_NET_REKEY_RECORDS_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg = base_cfg();
    cfg.peer_rekey_bytes = LUXC_NET_REKEY_BYTES_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg = base_cfg();
    cfg.peer_rekey_ms = LUXC_NET_REKEY_MS_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg = base_cfg();
    cfg.max_record = LUXC_NET_RECORD_MAX + 1;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_EPARAM);
    cfg.max_record = LUXC_NET_RECORD_MAX;
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, k, k, 0), LUXC_OK);
    luxc_chan_free(ch);
    assert_int_equal(luxc_chan_new_from_keys(NULL, &cfg, k, k, 0), LUXC_EINVAL);
    assert_int_equal(luxc_chan_new_from_keys(&ch, NULL, k, k, 0), LUXC_EINVAL);
    assert_int_equal(luxc_chan_new_from_keys(&ch, &cfg, NULL, k, 0), LUXC_EINVAL);
}

static void test_alloc_failure(void **state)
{
    (void)state;
    uint8_t k[LUXC_AEAD_KEYBYTES] = {0};
    luxc_net_cfg cfg = base_cfg();
    for (long n = 0;; n++) {
        luxc_chan *ch = NULL;
        luxc_test_alloc_fail_after(n);
        int rc = luxc_chan_new_from_keys(&ch, &cfg, k, k, 0);
        luxc_test_alloc_fail_after(-1);
        if (rc == LUXC_OK) {
            luxc_chan_free(ch);
            break;
        }
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_null(ch);
        assert_true(n < 10);
    }
}

/* Send n records a->b, each checked; returns the stats of b. */
static void stream(pair *p, int n, luxc_net_stats *st)
{
    uint8_t m[64], f[64 + LUXC_NET_RECOVERHEAD], o[64];
    for (int i = 0; i < n; i++) {
        size_t flen, olen;
        memset(m, i, sizeof m);
        luxc_be32_store(m, (uint32_t)i);
        assert_int_equal(luxc_chan_seal(p->a, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
        assert_int_equal(luxc_chan_open(p->b, o, sizeof o, &olen, f, flen), LUXC_OK);
        assert_memory_equal(o, m, sizeof m);
    }
    luxc_chan_stats(p->b, st);
}

static void test_rekey_after_records(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.rekey_records = 100;
    pair p;
    pair_new(&p, &cfg);
    luxc_net_stats st, sa;
    stream(&p, 1000, &st);
    luxc_chan_stats(p.a, &sa);
    /* records 100, 200, ..., 900 each start a new epoch */
    assert_int_equal(sa.rekeys_sent, 9);
    assert_int_equal(sa.send_epoch, 9);
    assert_int_equal(st.rekeys_recv, 9);
    assert_int_equal(st.recv_epoch, 9);
    assert_int_equal(st.recv_records, 1000);
    pair_free(&p);
}

static void test_rekey_after_bytes_and_time(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.rekey_bytes = 640; /* 10 records of 64 bytes */
    cfg.rekey_ms = 1000;
    fake_now = 5000;
    pair p;
    pair_new(&p, &cfg);
    luxc_net_stats st;
    stream(&p, 25, &st);
    assert_int_equal(st.rekeys_recv, 2);
    fake_now += 999;
    stream(&p, 1, &st);
    assert_int_equal(st.rekeys_recv, 2);
    fake_now += 1; /* epoch 2 began at 5000: now 1000 ms old */
    stream(&p, 1, &st);
    assert_int_equal(st.rekeys_recv, 3);
    assert_int_equal(st.recv_epoch, 3);
    pair_free(&p);
}

/* With no limits configured, the defaults apply: 10 minutes of age. */
static void test_default_rekey_after_ten_minutes(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    fake_now = 1000000;
    pair p;
    pair_new(&p, &cfg);
    luxc_net_stats st;
    stream(&p, 1000, &st);
    assert_int_equal(st.rekeys_recv, 0);
    fake_now += 10 * 60 * 1000 - 1;
    stream(&p, 1, &st);
    assert_int_equal(st.rekeys_recv, 0);
    fake_now += 1;
    stream(&p, 1, &st);
    assert_int_equal(st.rekeys_recv, 1);
    /* a clock that goes backwards never triggers a rekey by itself */
    fake_now -= 5000;
    stream(&p, 1, &st);
    assert_int_equal(st.rekeys_recv, 1);
    pair_free(&p);
}


/* One record a->b that b must refuse as a stale key; b's state is
 * unchanged apart from the counter. */
static void expect_stale(pair *p, uint64_t stale_before)
{
    uint8_t m[64] = {9}, f[64 + LUXC_NET_RECOVERHEAD], o[64];
    size_t flen, olen = 99;
    luxc_net_stats before, after;
    luxc_chan_stats(p->b, &before);
    assert_int_equal(luxc_chan_seal(p->a, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
    assert_int_equal(luxc_chan_open(p->b, o, sizeof o, &olen, f, flen), LUXC_ESTALE);
    assert_int_equal(olen, 0);
    luxc_chan_stats(p->b, &after);
    assert_int_equal(after.drop_stale_key, stale_before + 1);
    assert_int_equal(luxc_net_stats_dropped(&after), luxc_net_stats_dropped(&before) + 1);
    assert_int_equal(after.recv_records, before.recv_records);
    assert_int_equal(after.drop_epoch, before.drop_epoch);
}

/* The receiver enforces the rekey limits on the sender: a sender that
 * keeps a key past the records, bytes or age a conforming peer allows
 * has its records refused and counted (the channel cannot recover: the
 * refused record used up a sequence number), while a conforming sender
 * with the same limits is never refused. */
static void test_receiver_enforces_rekey_limits(void **state)
{
    (void)state;
    luxc_net_cfg lax = base_cfg(), strict = base_cfg(), conforming = base_cfg();
    luxc_net_stats st;
    pair p;

    strict.peer_rekey_records = 100;
    conforming.rekey_records = 100;
    pair_new2(&p, &conforming, &strict);
    stream(&p, 1000, &st);
    assert_int_equal(st.drop_stale_key, 0);
    assert_int_equal(st.rekeys_recv, 9);
    pair_free(&p);
    pair_new2(&p, &lax, &strict);
    stream(&p, 100, &st);
    expect_stale(&p, 0);
    /* Rekeying now does not save the channel: the refused record took
     * sequence number 100, so the next one is out of order. */
    assert_int_equal(luxc_chan_rekey(p.a), LUXC_OK);
    uint8_t m[8] = {0}, f[8 + LUXC_NET_RECOVERHEAD], o[8];
    size_t flen, olen;
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f, flen), LUXC_EREPLAY);
    pair_free(&p);

    strict = base_cfg();
    strict.peer_rekey_bytes = 640; /* 10 records of 64 bytes */
    conforming = base_cfg();
    conforming.rekey_bytes = 640;
    pair_new2(&p, &conforming, &strict);
    stream(&p, 105, &st);
    assert_int_equal(st.drop_stale_key, 0);
    pair_free(&p);
    pair_new2(&p, &lax, &strict);
    stream(&p, 10, &st);
    expect_stale(&p, 0);
    pair_free(&p);

    fake_now = 7000;
    strict = base_cfg();
    strict.peer_rekey_ms = 1000;
    conforming = base_cfg();
    conforming.rekey_ms = 1000;
    pair_new2(&p, &conforming, &strict);
    for (int i = 0; i < 50; i++) {
        fake_now += 700;
        stream(&p, 3, &st);
    }
    assert_int_equal(st.drop_stale_key, 0);
    pair_free(&p);
    pair_new2(&p, &lax, &strict);
    /* Age counts from the channel's creation for epoch 0, with the grace
     * for clocks started a round trip apart. */
    fake_now += 1000 + LUXC_NET_REKEY_GRACE_MS - 1;
    stream(&p, 1, &st);
    fake_now += 1;
    expect_stale(&p, 0);
    pair_free(&p);

    /* Defaults: the protocol's maxima. A lax sender (it rekeys at 10
     * minutes by default too) is not refused before 10 minutes + grace. */
    fake_now = 1000000;
    luxc_net_cfg never = base_cfg();
    pair_new2(&p, &never, &lax);
    fake_now += LUXC_NET_REKEY_MS_MAX - 1;
    stream(&p, 1, &st);
    assert_int_equal(st.drop_stale_key, 0);
    pair_free(&p);
}

static void test_forced_rekey_keeps_stream(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    pair p;
    pair_new(&p, &cfg);
    luxc_net_stats st;
    stream(&p, 50, &st);
    assert_int_equal(luxc_chan_rekey(p.a), LUXC_OK);
    assert_int_equal(luxc_chan_rekey(p.a), LUXC_OK); /* two in a row: e+2 */
    uint8_t f[LUXC_NET_RECOVERHEAD + 1], o[1], m[1] = {7};
    size_t flen, olen;
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, 1), LUXC_OK);
    /* the receiver only follows one epoch at a time */
    assert_int_equal(luxc_chan_open(p.b, o, 1, &olen, f, flen), LUXC_ESTALE);
    luxc_chan_stats(p.b, &st);
    assert_int_equal(st.drop_epoch, 1);
    pair_free(&p);
    pair_new(&p, &cfg);
    stream(&p, 50, &st);
    assert_int_equal(luxc_chan_rekey(p.a), LUXC_OK);
    stream(&p, 50, &st);
    assert_int_equal(st.recv_records, 100);
    assert_int_equal(st.rekeys_recv, 1);
    pair_free(&p);
}

/* Each kind of bad frame is dropped, counted under its reason, and leaves
 * the channel able to take the genuine record afterwards. */
static void test_bad_frames_counted(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.max_record = 256;
    pair p;
    pair_new(&p, &cfg);
    uint8_t m[32], f0[32 + LUXC_NET_RECOVERHEAD], f1[sizeof f0], bad[600], o[256];
    size_t flen0, flen1, olen;
    memset(m, 0xab, sizeof m);
    assert_int_equal(luxc_chan_seal(p.a, f0, sizeof f0, &flen0, m, sizeof m), LUXC_OK);
    assert_int_equal(luxc_chan_seal(p.a, f1, sizeof f1, &flen1, m, sizeof m), LUXC_OK);

    /* reordered: record 1 before record 0 */
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f1, flen1), LUXC_EREPLAY);
    /* tampered tag, tampered ciphertext, tampered header (epoch) */
    memcpy(bad, f0, flen0);
    bad[flen0 - 1] ^= 1;
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_EAUTH);
    memcpy(bad, f0, flen0);
    bad[LUXC_NET_RECHEADERBYTES] ^= 0x80;
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_EAUTH);
    memcpy(bad, f0, flen0);
    bad[9] ^= 1; /* epoch 1 = "next": still fails authentication */
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_EAUTH);
    /* truncated: shorter than the header, and shorter than body_len */
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f0, 5), LUXC_ETRUNC);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f0, flen0 - 1), LUXC_ETRUNC);
    /* trailing garbage */
    memcpy(bad, f0, flen0);
    bad[flen0] = 0;
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0 + 1), LUXC_ETRAILING);
    /* garbage header: unknown type, body shorter than seq + tag */
    memcpy(bad, f0, flen0);
    bad[1] = LUXC_NET_MSG_HELLO_I;
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_ECORRUPT);
    memcpy(bad, f0, LUXC_NET_RECHEADERBYTES);
    luxc_be32_store(bad + 2, 12);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, 18), LUXC_ECORRUPT);
    /* wrong version */
    memcpy(bad, f0, flen0);
    bad[0] = 2;
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_EVERSION);
    /* oversized: by the length field, and by the frame itself */
    memcpy(bad, f0, flen0);
    luxc_be32_store(bad + 2, 0xfffffff0u);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen0), LUXC_ETOOBIG);
    memset(bad + flen0, 0, sizeof bad - flen0);
    luxc_be32_store(bad + 2, (uint32_t)(sizeof bad - 6));
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, bad, sizeof bad), LUXC_ETOOBIG);

    /* the genuine records still arrive, in order */
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f0, flen0), LUXC_OK);
    assert_memory_equal(o, m, sizeof m);
    /* replayed */
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f0, flen0), LUXC_EREPLAY);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f1, flen1), LUXC_OK);

    luxc_net_stats st;
    luxc_chan_stats(p.b, &st);
    assert_int_equal(st.drop_reorder, 1);
    assert_int_equal(st.drop_auth, 3);
    assert_int_equal(st.drop_truncated, 2);
    assert_int_equal(st.drop_header, 3);
    assert_int_equal(st.drop_version, 1);
    assert_int_equal(st.drop_oversized, 2);
    assert_int_equal(st.drop_replay, 1);
    assert_int_equal(st.drop_epoch, 0);
    assert_int_equal(st.recv_records, 2);
    pair_free(&p);
}

/* Replays of every kind, each refused and counted, the stream unharmed:
 * every old record again (the oldest, one far back, the latest), a
 * record from far in the future (sealed but held back while 999 others
 * were skipped), and an old record whose sequence number was rewritten
 * to the expected one (the number is authenticated). */
static void test_replays_refused(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    pair p;
    pair_new(&p, &cfg);
    enum { N = 20 };
    uint8_t m[16], f[N][16 + LUXC_NET_RECOVERHEAD], o[16];
    size_t flen[N], olen;
    for (int i = 0; i < N; i++) {
        memset(m, i, sizeof m);
        assert_int_equal(luxc_chan_seal(p.a, f[i], sizeof f[i], &flen[i], m, sizeof m), LUXC_OK);
        assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f[i], flen[i]), LUXC_OK);
        assert_int_equal(o[0], i);
    }
    for (int i = 0; i < N; i++) /* every old record, oldest first */
        assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f[i], flen[i]), LUXC_EREPLAY);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f[N - 1], flen[N - 1]),
                     LUXC_EREPLAY); /* the latest, twice */
    /* an old record with the expected sequence number written in */
    uint8_t forged[sizeof f[0]];
    memcpy(forged, f[3], flen[3]);
    luxc_be64_store(forged + 10, N);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, forged, flen[3]), LUXC_EAUTH);

    /* record N is genuine and next: accepted; then one from 1000 ahead */
    uint8_t next[sizeof f[0]], far[sizeof f[0]];
    size_t nlen, farlen;
    assert_int_equal(luxc_chan_seal(p.a, next, sizeof next, &nlen, m, sizeof m), LUXC_OK);
    for (int i = 0; i < 999; i++) {
        uint8_t skip[sizeof f[0]];
        size_t sl;
        assert_int_equal(luxc_chan_seal(p.a, skip, sizeof skip, &sl, m, sizeof m), LUXC_OK);
    }
    assert_int_equal(luxc_chan_seal(p.a, far, sizeof far, &farlen, m, sizeof m), LUXC_OK);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, next, nlen), LUXC_OK);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, far, farlen), LUXC_EREPLAY);

    luxc_net_stats st;
    luxc_chan_stats(p.b, &st);
    assert_int_equal(st.drop_replay, N + 1);
    assert_int_equal(st.drop_reorder, 1);
    assert_int_equal(st.drop_auth, 1);
    assert_int_equal(st.recv_records, N + 1);
    pair_free(&p);
}

/* Flip every bit of a sealed frame in turn: never accepted, always counted. */
static void test_every_bit_flip_dropped(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    pair p;
    pair_new(&p, &cfg);
    uint8_t m[20] = "every bit matters!!", f[20 + LUXC_NET_RECOVERHEAD], bad[sizeof f], o[64];
    size_t flen, olen;
    assert_int_equal(luxc_chan_seal(p.a, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
    uint64_t dropped = 0;
    for (size_t bit = 0; bit < flen * 8; bit++) {
        memcpy(bad, f, flen);
        bad[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        int rc = luxc_chan_open(p.b, o, sizeof o, &olen, bad, flen);
        if (rc == LUXC_OK)
            fail_msg("bit %zu flipped and still accepted", bit);
        assert_int_equal(olen, 0);
        dropped++;
    }
    luxc_net_stats st;
    luxc_chan_stats(p.b, &st);
    assert_int_equal(st.drop_truncated + st.drop_oversized + st.drop_header + st.drop_version +
                         st.drop_replay + st.drop_reorder + st.drop_epoch + st.drop_auth +
                             st.drop_stale_key,
                     dropped);
    assert_int_equal(luxc_net_stats_dropped(&st), dropped);
    assert_int_equal(luxc_net_stats_dropped(NULL), 0);
    assert_int_equal(luxc_chan_open(p.b, o, sizeof o, &olen, f, flen), LUXC_OK);
    pair_free(&p);
}

/* Random garbage of random length never crashes and is always counted. */
static void test_random_garbage(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    cfg.max_record = 512;
    pair p;
    pair_new(&p, &cfg);
    uint64_t rs = seed ^ 0x5555;
    static uint8_t g[1024], o[512];
    for (int i = 0; i < 5000; i++) {
        size_t len = (size_t)(luxc_test_rand(&rs) % sizeof g), olen;
        for (size_t j = 0; j < len; j++)
            g[j] = (uint8_t)luxc_test_rand(&rs);
        if (i & 1 && len > 1) {
            g[0] = LUXC_NET_VERSION;
            g[1] = LUXC_NET_MSG_DATA;
        }
        if (luxc_chan_open(p.b, o, sizeof o, &olen, g, len) == LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "garbage frame %d accepted", i);
    }
    luxc_net_stats st;
    luxc_chan_stats(p.b, &st);
    assert_int_equal(st.drop_truncated + st.drop_oversized + st.drop_header + st.drop_version +
                         st.drop_replay + st.drop_reorder + st.drop_epoch + st.drop_auth +
                             st.drop_stale_key,
                     5000);
    assert_int_equal(luxc_net_stats_dropped(&st), 5000);
    pair_free(&p);
}

/* Keys that differ (a "wrong key" peer) never open each other's records. */
static void test_wrong_key(void **state)
{
    (void)state;
    luxc_net_cfg cfg = base_cfg();
    uint8_t k1[LUXC_AEAD_KEYBYTES], k2[LUXC_AEAD_KEYBYTES];
    memset(k1, 1, sizeof k1);
    memset(k2, 2, sizeof k2);
    luxc_chan *a, *b;
    assert_int_equal(luxc_chan_new_from_keys(&a, &cfg, k1, k1, 0), LUXC_OK);
    assert_int_equal(luxc_chan_new_from_keys(&b, &cfg, k2, k2, 0), LUXC_OK);
    uint8_t m[8] = {1}, f[8 + LUXC_NET_RECOVERHEAD], o[8];
    size_t flen, olen;
    assert_int_equal(luxc_chan_seal(a, f, sizeof f, &flen, m, sizeof m), LUXC_OK);
    assert_int_equal(luxc_chan_open(b, o, sizeof o, &olen, f, flen), LUXC_EAUTH);
    luxc_net_stats st;
    luxc_chan_stats(b, &st);
    assert_int_equal(st.drop_auth, 1);
    luxc_chan_free(a);
    luxc_chan_free(b);
}

int main(void)
{
    seed = luxc_test_seed();
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_random),
        cmocka_unit_test(test_wire_format_matches_doc),
        cmocka_unit_test(test_zero_length_and_bounds),
        cmocka_unit_test(test_cfg_limits),
        cmocka_unit_test(test_alloc_failure),
        cmocka_unit_test(test_rekey_after_records),
        cmocka_unit_test(test_rekey_after_bytes_and_time),
        cmocka_unit_test(test_default_rekey_after_ten_minutes),
        cmocka_unit_test(test_forced_rekey_keeps_stream),
        cmocka_unit_test(test_receiver_enforces_rekey_limits),
        cmocka_unit_test(test_bad_frames_counted),
        cmocka_unit_test(test_replays_refused),
        cmocka_unit_test(test_every_bit_flip_dropped),
        cmocka_unit_test(test_random_garbage),
        cmocka_unit_test(test_wrong_key),
    };
    return cmocka_run_group_tests(tests, setup, NULL);
}
