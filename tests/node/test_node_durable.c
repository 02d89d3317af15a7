/* test_node_durable.c - node_durable.c: our vote signed into a wire
 * message (ML-DSA-65 under NODE_VOTE_CTX) and checked by node_vote_verify;
 * the vote record (wire_len u32 | wire | block) stored, read back, split,
 * and each damaged record refused; a final block stored with its
 * certificate (a repeat is done, other refusals are returned) and the
 * pruning of old votes every 64 heights. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "common/be.h"
#include "node_fixture.h"
#include "testutil.h"

static uint8_t buf[NODE_MSG_MAX];

static void vote_for(const fx_block *b, luxc_vote *v)
{
    memset(v, 0, sizeof *v);
    memcpy(v->chain_id, b->hdr.chain_id, 32);
    v->height = b->hdr.height;
    v->round = b->hdr.round;
    memcpy(v->block, b->id, 32);
    memcpy(v->parent, b->hdr.parent, 32);
    memcpy(v->state_root, b->hdr.state_root, 32);
    v->accept = 1;
}

static const uint8_t *mldsa_pk(const fx *f, uint32_t i)
{
    return f->keys[i].pk + LUXC_ED25519_PUBLICKEYBYTES;
}

static void test_vote_build_verifies(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 2, NULL, 0, 0, 0);
    luxc_vote v;
    vote_for(&b, &v);
    uint8_t *wire = NULL;
    size_t len = 0;
    assert_int_equal(node_vote_build(f.node, &v, &wire, &len), LUXC_OK);
    assert_non_null(wire);
    assert_int_equal(len, 3 + LUXC_VOTE_BYTES + LUXC_MLDSA_BYTES);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, wire, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_VOTE);
    assert_memory_equal(&m.vote, &v, sizeof v);
    uint8_t enc[LUXC_VOTE_BYTES];
    assert_int_equal(luxc_vote_encode(enc, &v), LUXC_OK);
    assert_memory_equal(m.vote_msg, enc, LUXC_VOTE_BYTES);
    assert_int_equal(m.sig_len, LUXC_MLDSA_BYTES);
    const uint8_t *pk = mldsa_pk(&f, 0);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_OK);
    /* it is a signature under the vote context, not a bare one */
    assert_int_not_equal(luxc_mldsa_verify(m.sig, m.vote_msg, LUXC_VOTE_BYTES, NULL, 0, pk),
                         LUXC_OK);
    /* another validator's key */
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES,
                                      mldsa_pk(&f, 1), LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_EAUTH);
    /* wrong lengths of signature or key */
    assert_int_equal(node_vote_verify(m.sig, m.sig_len - 1, m.vote_msg, LUXC_VOTE_BYTES, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_EAUTH);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len + 1, m.vote_msg, LUXC_VOTE_BYTES, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_EAUTH);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES - 1),
                     LUXC_EAUTH);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES - 1, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_EAUTH);
    /* a flipped byte of the signature, of the vote */
    uint8_t *copy = malloc(len);
    assert_non_null(copy);
    size_t sig_off = (size_t)(m.sig - wire), msg_off = (size_t)(m.vote_msg - wire);
    for (size_t at = 0; at < 3; at++) {
        memcpy(copy, wire, len);
        size_t pos = at == 0 ? sig_off : at == 1 ? sig_off + LUXC_MLDSA_BYTES / 2 : len - 1;
        copy[pos] ^= 0x01;
        assert_int_equal(node_vote_verify(copy + sig_off, LUXC_MLDSA_BYTES, copy + msg_off,
                                          LUXC_VOTE_BYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES),
                         LUXC_EAUTH);
    }
    static const size_t vote_bytes[] = {0, 20, 60, 160}; /* tag, chain, height, accept */
    for (size_t i = 0; i < 4; i++) {
        memcpy(copy, wire, len);
        copy[msg_off + vote_bytes[i]] ^= 0x80;
        assert_int_equal(node_vote_verify(copy + sig_off, LUXC_MLDSA_BYTES, copy + msg_off,
                                          LUXC_VOTE_BYTES, pk, LUXC_MLDSA_PUBLICKEYBYTES),
                         LUXC_EAUTH);
    }
    free(copy);
    free(wire);
    /* a vote of another validator's node verifies under its key only */
    size_t l1 = fx_vote_msg(&f, 3, &b, buf);
    assert_int_equal(luxc_wire_decode(&m, buf, l1), LUXC_OK);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES,
                                      mldsa_pk(&f, 3), LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_OK);
    assert_int_equal(node_vote_verify(m.sig, m.sig_len, m.vote_msg, LUXC_VOTE_BYTES, pk,
                                      LUXC_MLDSA_PUBLICKEYBYTES),
                     LUXC_EAUTH);
    fx_free(&f);
}

static void test_vote_build_errors(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 0, 0);
    fx_block b;
    fx_make_block(&f, &b, 0, NULL, 0, 0, 0);
    luxc_vote v;
    vote_for(&b, &v);
    uint8_t *wire = (uint8_t *)1;
    size_t len = 0;
    v.accept = 2; /* not a vote */
    assert_int_equal(node_vote_build(f.node, &v, &wire, &len), LUXC_EINVAL);
    assert_null(wire);
    v.accept = 1;
    wire = (uint8_t *)1;
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_vote_build(f.node, &v, &wire, &len), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    assert_null(wire);
    /* a reject vote is a vote too */
    v.accept = 0;
    assert_int_equal(node_vote_build(f.node, &v, &wire, &len), LUXC_OK);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, wire, len), LUXC_OK);
    assert_int_equal(m.vote.accept, 0);
    free(wire);
    fx_free(&f);
}

static void test_vote_record_round_trip(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    const uint8_t payload[] = {0, 3, 'a', 'b', 'c'};
    fx_block b;
    fx_make_block(&f, &b, 3, payload, sizeof payload, 1, 0);
    luxc_vote v;
    vote_for(&b, &v);
    uint8_t *wire;
    size_t wire_len;
    assert_int_equal(node_vote_build(f.node, &v, &wire, &wire_len), LUXC_OK);
    assert_int_equal(node_vote_store(f.node, &v, wire, wire_len, b.bytes, b.len), LUXC_OK);
    /* the same bytes again: fine; a different vote at (height, round): refused */
    assert_int_equal(node_vote_store(f.node, &v, wire, wire_len, b.bytes, b.len), LUXC_OK);
    assert_int_equal(node_vote_store(f.node, &v, wire, wire_len, b.bytes, b.len - 1),
                     LUXC_EEXIST);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(node_vote_store(f.node, &v, wire, wire_len, b.bytes, b.len), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    /* stored under our key at (height 1, round 3 * 4 + phase): a precommit
     * here; the prevote of the same round has a record of its own */
    size_t rec_len;
    assert_int_equal(luxc_store_vote_get(f.store, 1, 3 * 4 + LUXC_PRECOMMIT, f.keys[0].pk, buf,
                                         sizeof buf, &rec_len),
                     LUXC_OK);
    assert_int_equal(rec_len, 4 + wire_len + b.len);
    assert_int_equal(luxc_be32_load(buf), wire_len);
    assert_int_equal(luxc_store_vote_get(f.store, 1, 0, f.keys[0].pk, buf + 4096, 16, &rec_len),
                     LUXC_ENOTFOUND);
    luxc_vote pv = v;
    pv.phase = LUXC_PREVOTE;
    uint8_t *pwire;
    size_t pwire_len;
    assert_int_equal(node_vote_build(f.node, &pv, &pwire, &pwire_len), LUXC_OK);
    assert_int_equal(node_vote_store(f.node, &pv, pwire, pwire_len, NULL, 0), LUXC_OK);
    assert_int_equal(luxc_store_vote_get(f.store, 1, 3 * 4 + LUXC_PREVOTE, f.keys[0].pk,
                                         buf + 4096, 4096, &rec_len),
                     LUXC_OK);
    assert_int_equal(rec_len, 4 + pwire_len); /* nil-like: no block with it */
    free(pwire);
    assert_int_equal(luxc_store_vote_get(f.store, 1, 3 * 4 + LUXC_PRECOMMIT, f.keys[0].pk, buf,
                                         sizeof buf, &rec_len),
                     LUXC_OK);
    const uint8_t *w, *blk;
    size_t wl, bl;
    assert_int_equal(node_vote_record_split(buf, rec_len, &w, &wl, &blk, &bl), LUXC_OK);
    assert_int_equal(wl, wire_len);
    assert_ptr_equal(w, buf + 4);
    assert_memory_equal(w, wire, wl);
    assert_int_equal(bl, b.len);
    assert_memory_equal(blk, b.bytes, b.len);
    /* the vote in it is the one signed */
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, w, wl), LUXC_OK);
    assert_memory_equal(m.vote.block, b.id, 32);
    free(wire);
    fx_free(&f);
}

static void test_vote_record_corrupt(void **state)
{
    (void)state;
    uint8_t rec[64];
    memset(rec, 0x33, sizeof rec);
    const uint8_t *w = (const uint8_t *)1, *blk;
    size_t wl = 99, bl = 99;
    /* too short for the length */
    for (size_t len = 0; len < 4; len++)
        assert_int_equal(node_vote_record_split(rec, len, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    assert_ptr_equal(w, (const uint8_t *)1); /* nothing filled */
    assert_int_equal(wl, 99);
    /* a wire length of 0 */
    luxc_be32_store(rec, 0);
    assert_int_equal(node_vote_record_split(rec, 4, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    assert_int_equal(node_vote_record_split(rec, 40, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    /* a wire length past the end */
    luxc_be32_store(rec, 37);
    assert_int_equal(node_vote_record_split(rec, 40, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    luxc_be32_store(rec, UINT32_MAX);
    assert_int_equal(node_vote_record_split(rec, 64, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    luxc_be32_store(rec, 1);
    assert_int_equal(node_vote_record_split(rec, 4, &w, &wl, &blk, &bl), LUXC_ECORRUPT);
    /* exactly to the end: a record without block bytes */
    luxc_be32_store(rec, 36);
    assert_int_equal(node_vote_record_split(rec, 40, &w, &wl, &blk, &bl), LUXC_OK);
    assert_ptr_equal(w, rec + 4);
    assert_int_equal(wl, 36);
    assert_ptr_equal(blk, rec + 40);
    assert_int_equal(bl, 0);
    /* and with one */
    luxc_be32_store(rec, 1);
    assert_int_equal(node_vote_record_split(rec, 5, &w, &wl, &blk, &bl), LUXC_OK);
    assert_int_equal(wl, 1);
    assert_int_equal(bl, 0);
    assert_int_equal(node_vote_record_split(rec, 64, &w, &wl, &blk, &bl), LUXC_OK);
    assert_int_equal(wl, 1);
    assert_ptr_equal(blk, rec + 5);
    assert_int_equal(bl, 59);
}

static void test_block_store(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    const uint8_t payload[] = {0, 1, 'z'};
    fx_block b;
    fx_make_block(&f, &b, 0, payload, sizeof payload, 1, 0);
    static const uint32_t voters[] = {1, 2, 3};
    static uint8_t cert[LUXC_WIRE_CERT_MAX];
    size_t cert_len = fx_cert(&f, &b, voters, 3, cert, sizeof cert);
    int pruned = 7;
    assert_int_equal(node_block_store(f.node, 1, b.id, b.hdr.parent, b.bytes, b.len, cert,
                                      cert_len, &pruned),
                     LUXC_OK);
    assert_int_equal(pruned, 0);
    uint8_t id[32], parent[32];
    size_t len;
    assert_int_equal(luxc_store_block_get(f.store, 1, id, parent, buf, sizeof buf, &len), LUXC_OK);
    assert_memory_equal(id, b.id, 32);
    assert_memory_equal(parent, f.tip.id, 32);
    assert_int_equal(len, b.len);
    assert_memory_equal(buf, b.bytes, b.len);
    assert_int_equal(luxc_store_cert_get(f.store, 1, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(len, cert_len);
    assert_memory_equal(buf, cert, cert_len);
    uint64_t h;
    assert_int_equal(luxc_store_last(f.store, &h, id), LUXC_OK);
    assert_int_equal(h, 1);
    /* the same block again (synced twice): done */
    pruned = 7;
    assert_int_equal(node_block_store(f.node, 1, b.id, b.hdr.parent, b.bytes, b.len, cert,
                                      cert_len, &pruned),
                     LUXC_OK);
    assert_int_equal(pruned, 0);
    /* other refusals are the store's: another block at 1, a gap */
    fx_block twin;
    fx_make_block(&f, &twin, 0, NULL, 0, 0, 5);
    assert_int_equal(node_block_store(f.node, 1, twin.id, twin.hdr.parent, twin.bytes, twin.len,
                                      cert, cert_len, &pruned),
                     LUXC_ESTALE);
    fx_advance(&f, &b);
    fx_block b2;
    fx_make_block(&f, &b2, 0, NULL, 0, 0, 0);
    assert_int_equal(node_block_store(f.node, 3, b2.id, b.id, b2.bytes, b2.len, cert, cert_len,
                                      &pruned),
                     LUXC_ESTATE);
    assert_int_equal(node_block_store(f.node, 2, b2.id, b.id, b2.bytes, b2.len, cert, 0,
                                      &pruned),
                     LUXC_EINVAL);
    assert_int_equal(luxc_store_last(f.store, &h, id), LUXC_OK);
    assert_int_equal(h, 1);
    assert_memory_equal(id, b.id, 32);
    fx_free(&f);
}

/* Every 64 heights the votes below are pruned. The store takes any height
 * as its first block, so height 64 is reached at once. */
static void test_block_store_prunes_votes(void **state)
{
    (void)state;
    fx f;
    fx_init(&f, 4, "local", 1, 0);
    const uint8_t rec[] = {0, 0, 0, 1, 9};
    const uint8_t *voter = f.keys[0].pk;
    assert_int_equal(luxc_store_vote_put(f.store, 62, 0, voter, rec, sizeof rec), LUXC_OK);
    assert_int_equal(luxc_store_vote_put(f.store, 63, 1, voter, rec, sizeof rec), LUXC_OK);
    assert_int_equal(luxc_store_vote_put(f.store, 64, 0, voter, rec, sizeof rec), LUXC_OK);
    assert_int_equal(luxc_store_vote_put(f.store, 65, 0, voter, rec, sizeof rec), LUXC_OK);
    uint8_t id63[32], id64[32], id65[32], zero[32] = {0};
    memset(id63, 63, 32);
    memset(id64, 64, 32);
    memset(id65, 65, 32);
    const uint8_t block[] = {1, 2, 3}, cert[] = {4};
    int pruned = 7;
    size_t len;
    uint8_t got[16];
    /* 63: no pruning */
    assert_int_equal(node_block_store(f.node, 63, id63, zero, block, sizeof block, cert,
                                      sizeof cert, &pruned),
                     LUXC_OK);
    assert_int_equal(pruned, 0);
    assert_int_equal(luxc_store_vote_get(f.store, 62, 0, voter, got, sizeof got, &len), LUXC_OK);
    /* 64: the votes below 64 are gone, the rest stay */
    assert_int_equal(node_block_store(f.node, 64, id64, id63, block, sizeof block, cert,
                                      sizeof cert, &pruned),
                     LUXC_OK);
    assert_int_equal(pruned, 0);
    assert_int_equal(luxc_store_vote_get(f.store, 62, 0, voter, got, sizeof got, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_vote_get(f.store, 63, 1, voter, got, sizeof got, &len),
                     LUXC_ENOTFOUND);
    assert_int_equal(luxc_store_vote_get(f.store, 64, 0, voter, got, sizeof got, &len), LUXC_OK);
    assert_int_equal(luxc_store_vote_get(f.store, 65, 0, voter, got, sizeof got, &len), LUXC_OK);
    assert_int_equal(len, sizeof rec);
    assert_int_equal(node_block_store(f.node, 65, id65, id64, block, sizeof block, cert,
                                      sizeof cert, &pruned),
                     LUXC_OK);
    assert_int_equal(luxc_store_vote_get(f.store, 64, 0, voter, got, sizeof got, &len), LUXC_OK);
    fx_free(&f);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vote_build_verifies),
        cmocka_unit_test(test_vote_build_errors),
        cmocka_unit_test(test_vote_record_round_trip),
        cmocka_unit_test(test_vote_record_corrupt),
        cmocka_unit_test(test_block_store),
        cmocka_unit_test(test_block_store_prunes_votes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
