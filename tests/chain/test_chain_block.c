/* test_chain_block.c - the block format: encode/decode round trip with the
 * id, each distinct decode error (short, trailing, version, oversized
 * payload, bad tx framing, wrong digest), the state root rule, every field
 * luxc_chain_block_check_child refuses, and the genesis block. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/chain_block.h"
#include "luxc/crypto.h"
#include "testutil.h"

/* Two transactions "abc" and "de", framed as u16 length || bytes. */
static const uint8_t PAYLOAD[] = {0, 3, 'a', 'b', 'c', 0, 2, 'd', 'e'};

static void child_of(luxc_chain_block *c, const luxc_chain_block *parent, const uint8_t pid[32])
{
    memset(c, 0, sizeof *c);
    memcpy(c->chain_id, parent->chain_id, 32);
    c->height = parent->height + 1;
    memcpy(c->parent, pid, 32);
    c->timestamp_us = parent->timestamp_us + 1000;
    c->proposer = 2;
    c->round = 1;
    c->tx_count = 2;
    c->payload_len = sizeof PAYLOAD;
    c->payload = PAYLOAD;
    assert_int_equal(luxc_chain_block_prepare(c, parent->state_root), LUXC_OK);
}

static void test_round_trip(void **state)
{
    (void)state;
    luxc_chain_block g, b, d;
    uint8_t gid[32], id[32], id2[32], buf[512];
    size_t len;
    assert_int_equal(luxc_chain_block_genesis(&g, "test-chain", 1700000000000000ull), LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&g, buf, sizeof buf, &len, gid), LUXC_OK);
    assert_int_equal(len, LUXC_CHAIN_BLOCK_HEADERBYTES);
    child_of(&b, &g, gid);
    assert_int_equal(luxc_chain_block_encode(&b, buf, sizeof buf, &len, id), LUXC_OK);
    assert_int_equal(len, LUXC_CHAIN_BLOCK_HEADERBYTES + sizeof PAYLOAD);
    assert_int_equal(luxc_chain_block_decode(&d, id2, buf, len), LUXC_OK);
    assert_memory_equal(id, id2, 32);
    uint8_t h[32];
    assert_int_equal(luxc_hash(h, buf, len), LUXC_OK); /* id = BLAKE2b-256(encoding) */
    assert_memory_equal(h, id, 32);
    assert_int_equal(d.height, 1);
    assert_int_equal(d.proposer, 2);
    assert_int_equal(d.round, 1);
    assert_int_equal(d.tx_count, 2);
    assert_int_equal(d.payload_len, sizeof PAYLOAD);
    assert_memory_equal(d.payload, PAYLOAD, sizeof PAYLOAD);
    assert_ptr_equal(d.payload, buf + LUXC_CHAIN_BLOCK_HEADERBYTES); /* borrowed */
    char why[32] = "x";
    assert_int_equal(luxc_chain_block_check_child(&d, &g, gid, why, sizeof why), LUXC_OK);
    assert_string_equal(why, ""); /* success clears it */
    /* cap too small */
    assert_int_equal(luxc_chain_block_encode(&b, buf, len - 1, &len, id), LUXC_EFULL);
}

static void test_decode_errors(void **state)
{
    (void)state;
    luxc_chain_block g, b, d;
    uint8_t gid[32], id[32], buf[600], bad[600];
    size_t len;
    assert_int_equal(luxc_chain_block_genesis(&g, "test-chain", 1), LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&g, buf, sizeof buf, &len, gid), LUXC_OK);
    child_of(&b, &g, gid);
    assert_int_equal(luxc_chain_block_encode(&b, buf, sizeof buf, &len, id), LUXC_OK);
    assert_int_equal(luxc_chain_block_decode(&d, NULL, buf, len - 1), LUXC_ETRUNC);
    assert_int_equal(luxc_chain_block_decode(&d, NULL, buf, 10), LUXC_ETRUNC);
    memcpy(bad, buf, len);
    bad[len] = 0;
    assert_int_equal(luxc_chain_block_decode(&d, NULL, bad, len + 1), LUXC_ETRAILING);
    memcpy(bad, buf, len);
    bad[0] = 2; /* version */
    assert_int_equal(luxc_chain_block_decode(&d, NULL, bad, len), LUXC_EVERSION);
    memcpy(bad, buf, len);
    bad[157] = 0x7f; /* payload_len far above the maximum */
    assert_int_equal(luxc_chain_block_decode(&d, NULL, bad, len), LUXC_ETOOBIG);
    memcpy(bad, buf, len);
    bad[LUXC_CHAIN_BLOCK_HEADERBYTES + sizeof PAYLOAD - 1] ^= 1; /* payload byte */
    assert_int_equal(luxc_chain_block_decode(&d, NULL, bad, len), LUXC_ECORRUPT);
    memcpy(bad, buf, len);
    bad[156] = 3; /* tx_count 3, framing holds 2 */
    assert_int_equal(luxc_chain_block_decode(&d, NULL, bad, len), LUXC_ECORRUPT);
    assert_int_equal(luxc_chain_block_decode(NULL, NULL, buf, len), LUXC_EINVAL);
    /* *b is zeroed on failure */
    memset(&d, 0xff, sizeof d);
    assert_int_not_equal(luxc_chain_block_decode(&d, NULL, buf, 5), LUXC_OK);
    assert_int_equal(d.height, 0);
    assert_null(d.payload);
    /* Framing errors at build time. */
    luxc_chain_block e = b;
    e.tx_count = 1;
    assert_int_equal(luxc_chain_block_prepare(&e, g.state_root), LUXC_EINVAL);
    e = b;
    e.payload_len = LUXC_CHAIN_PAYLOAD_MAX + 1;
    assert_int_equal(luxc_chain_block_prepare(&e, g.state_root), LUXC_ETOOBIG);
}

static void test_state_root_rule(void **state)
{
    (void)state;
    luxc_chain_block g, b;
    uint8_t gid[32], buf[600], want[32], cat[64];
    size_t len;
    assert_int_equal(luxc_chain_block_genesis(&g, "c", 5), LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&g, buf, sizeof buf, &len, gid), LUXC_OK);
    child_of(&b, &g, gid);
    uint8_t digest[32];
    assert_int_equal(luxc_hash(digest, PAYLOAD, sizeof PAYLOAD), LUXC_OK);
    assert_memory_equal(b.payload_digest, digest, 32);
    memcpy(cat, g.state_root, 32);
    memcpy(cat + 32, digest, 32);
    assert_int_equal(luxc_hash(want, cat, 64), LUXC_OK);
    assert_memory_equal(b.state_root, want, 32);
    uint8_t r[32];
    assert_int_equal(luxc_chain_state_root(r, g.state_root, digest), LUXC_OK);
    assert_memory_equal(r, want, 32);
}

static void test_check_child_refusals(void **state)
{
    (void)state;
    luxc_chain_block g, b, c;
    uint8_t gid[32], buf[600];
    size_t len;
    char why[32];
    assert_int_equal(luxc_chain_block_genesis(&g, "c", 5000), LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&g, buf, sizeof buf, &len, gid), LUXC_OK);
    child_of(&b, &g, gid);
    static const char *const what[] = {"chain id", "height", "parent", "state root",
                                       "timestamp"};
    static const char *const field[] = {"chain_id", "height", "parent", "state_root",
                                        "timestamp"};
    for (size_t k = 0; k < sizeof what / sizeof what[0]; k++) {
        c = b;
        switch (k) {
        case 0: c.chain_id[0] ^= 1; break;
        case 1: c.height = 2; break;
        case 2: c.parent[31] ^= 1; break;
        case 3: c.state_root[0] ^= 1; break;
        default: c.timestamp_us = g.timestamp_us - 1; break;
        }
        why[0] = '\0';
        int rc = luxc_chain_block_check_child(&c, &g, gid, why, sizeof why);
        if (rc != LUXC_EINVAL || strcmp(why, field[k])) {
            fprintf(stderr, "spoiled %s: rc %d why %s\n", what[k], rc, why);
            fail();
        }
        assert_int_equal(luxc_chain_block_check_child(&c, &g, gid, NULL, 0), LUXC_EINVAL);
    }
    /* The same timestamp as the parent is allowed ("not before"). */
    c = b;
    c.timestamp_us = g.timestamp_us;
    assert_int_equal(luxc_chain_block_check_child(&c, &g, gid, why, sizeof why), LUXC_OK);
}

static void test_genesis(void **state)
{
    (void)state;
    luxc_chain_block g;
    uint8_t cid[32], zero[32] = {0};
    assert_int_equal(luxc_chain_block_genesis(&g, "luxc-devnet", 42), LUXC_OK);
    assert_int_equal(luxc_chain_id_hash(cid, "luxc-devnet"), LUXC_OK);
    assert_memory_equal(g.chain_id, cid, 32);
    assert_int_equal(g.height, 0);
    assert_int_equal(g.timestamp_us, 42);
    assert_memory_equal(g.parent, zero, 32);
    assert_memory_equal(g.state_root, zero, 32);
    assert_int_equal(g.tx_count, 0);
    assert_int_equal(g.payload_len, 0);
    uint8_t other[32];
    assert_int_equal(luxc_chain_id_hash(other, "luxc-devnet2"), LUXC_OK);
    assert_memory_not_equal(cid, other, 32);
    assert_int_equal(luxc_chain_id_hash(other, NULL), LUXC_EINVAL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_decode_errors),
        cmocka_unit_test(test_state_root_rule),
        cmocka_unit_test(test_check_child_refusals),
        cmocka_unit_test(test_genesis),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
