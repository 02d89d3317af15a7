/* test_wire.c - validator messages: every type encodes and decodes back to
 * the same fields, decoded pointers point into the input, and the decoder
 * refuses each malformed shape with its documented code (truncation at
 * every length, trailing bytes, unknown type, empty block or signature). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "luxc/node_wire.h"
#include "testutil.h"

static uint8_t buf[8192];

/* Every strict prefix of a valid message must be refused, and so must the
 * message with one byte more. */
static void check_prefixes_and_trailing(size_t len)
{
    luxc_wire_msg m;
    for (size_t k = 0; k < len; k++)
        if (luxc_wire_decode(&m, buf, k) == LUXC_OK) {
            fprintf(stderr, "type %u: a %zu-byte prefix of %zu decoded\n", buf[0], k, len);
            fail();
        }
    buf[len] = 0;
    assert_int_equal(luxc_wire_decode(&m, buf, len + 1), LUXC_ETRAILING);
}

static void test_query_chits_get_block(void **state)
{
    (void)state;
    uint8_t id[32];
    for (int i = 0; i < 32; i++)
        id[i] = (uint8_t)(i * 7);
    for (uint8_t type = LUXC_WIRE_QUERY; type <= LUXC_WIRE_CHITS; type++) {
        size_t len;
        assert_int_equal(luxc_wire_query(buf, sizeof buf, &len, type, 77, 1234567890123ull, id),
                         LUXC_OK);
        luxc_wire_msg m;
        assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
        assert_int_equal(m.type, type);
        assert_int_equal(m.req, 77);
        assert_int_equal(m.height, 1234567890123ull);
        assert_memory_equal(m.id, id, 32);
        check_prefixes_and_trailing(len);
        assert_int_equal(luxc_wire_query(buf, len - 1, &len, type, 1, 1, id), LUXC_EFULL);
    }
    size_t len;
    assert_int_equal(luxc_wire_get_block(buf, sizeof buf, &len, id), LUXC_OK);
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_GET_BLOCK);
    assert_memory_equal(m.id, id, 32);
    check_prefixes_and_trailing(len);
}

static void test_propose_and_sync(void **state)
{
    (void)state;
    const uint8_t block[] = {1, 2, 3, 4, 5};
    const uint8_t cert[] = {9, 8, 7};
    size_t len;
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_propose(buf, sizeof buf, &len, block, sizeof block), LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_PROPOSE);
    assert_int_equal(m.block_len, sizeof block);
    assert_ptr_equal(m.block, buf + 1);
    assert_memory_equal(m.block, block, sizeof block);
    assert_int_equal(luxc_wire_decode(&m, buf, 1), LUXC_ETRUNC); /* empty block */

    /* PROPOSAL: round, valid round, block, and a proof with a valid round */
    const uint8_t proof[] = {6, 6, 6};
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, LUXC_WIRE_NO_ROUND, block,
                                        sizeof block, NULL, 0),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_PROPOSAL);
    assert_int_equal(m.round, 7);
    assert_int_equal(m.valid_round, LUXC_WIRE_NO_ROUND);
    assert_int_equal(m.block_len, sizeof block);
    assert_memory_equal(m.block, block, sizeof block);
    assert_int_equal(m.cert_len, 0);
    for (size_t k = 0; k < len; k++) /* no prefix decodes */
        assert_int_not_equal(luxc_wire_decode(&m, buf, k), LUXC_OK);
    buf[len] = 0; /* a trailing byte is a proof without a valid round */
    assert_int_equal(luxc_wire_decode(&m, buf, len + 1), LUXC_ECORRUPT);
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, 6, block, sizeof block, proof,
                                        sizeof proof),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.valid_round, 6);
    assert_int_equal(m.cert_len, sizeof proof);
    assert_memory_equal(m.cert, proof, sizeof proof);
    assert_int_equal(luxc_wire_decode(&m, buf, 13 + sizeof block), LUXC_ECORRUPT); /* no proof */
    assert_int_equal(luxc_wire_decode(&m, buf, 13), LUXC_ETRUNC);                  /* no block */
    buf[8] = 7; /* valid round 7 = round: not a round before it */
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_ECORRUPT);
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, 7, block, sizeof block, proof, 3),
                     LUXC_EINVAL);
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, 1, block, sizeof block, NULL, 0),
                     LUXC_EINVAL); /* a valid round needs its proof */
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, LUXC_WIRE_NO_ROUND, block,
                                        sizeof block, proof, 3),
                     LUXC_EINVAL);
    assert_int_equal(luxc_wire_proposal(buf, 15, &len, 7, 1, block, sizeof block, proof, 3),
                     LUXC_EFULL);
    assert_int_equal(luxc_wire_proposal(buf, sizeof buf, &len, 7, 1, block, 0, proof, 3),
                     LUXC_EINVAL);

    /* POLKA: round, block and a proof, none empty */
    assert_int_equal(luxc_wire_polka(buf, sizeof buf, &len, 9, block, sizeof block, proof,
                                     sizeof proof),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_POLKA);
    assert_int_equal(m.round, 9);
    assert_int_equal(m.block_len, sizeof block);
    assert_memory_equal(m.block, block, sizeof block);
    assert_int_equal(m.cert_len, sizeof proof);
    assert_memory_equal(m.cert, proof, sizeof proof);
    for (size_t k = 0; k <= 9 + sizeof block; k++) /* no prefix without a proof byte */
        assert_int_not_equal(luxc_wire_decode(&m, buf, k), LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, 9 + sizeof block), LUXC_ETRUNC); /* no proof */
    assert_int_equal(luxc_wire_polka(buf, sizeof buf, &len, 9, block, sizeof block, NULL, 0),
                     LUXC_EINVAL);
    assert_int_equal(luxc_wire_polka(buf, sizeof buf, &len, 9, block, 0, proof, 3), LUXC_EINVAL);
    assert_int_equal(luxc_wire_polka(buf, 12, &len, 9, block, sizeof block, proof, 3), LUXC_EFULL);

    assert_int_equal(luxc_wire_sync_block(buf, sizeof buf, &len, block, sizeof block, cert,
                                          sizeof cert),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_SYNC_BLOCK);
    assert_int_equal(m.block_len, sizeof block);
    assert_memory_equal(m.block, block, sizeof block);
    assert_int_equal(m.cert_len, sizeof cert);
    assert_memory_equal(m.cert, cert, sizeof cert);

    assert_int_equal(luxc_wire_sync_req(buf, sizeof buf, &len, 42, 16), LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_SYNC_REQ);
    assert_int_equal(m.height, 42);
    assert_int_equal(m.max, 16);
    check_prefixes_and_trailing(len);
}

static void test_vote(void **state)
{
    (void)state;
    luxc_vote v;
    memset(&v, 0, sizeof v);
    v.height = 9;
    v.round = 3;
    memset(v.block, 0xab, 32);
    v.accept = 1;
    uint8_t msg[LUXC_VOTE_BYTES], sig[100];
    assert_int_equal(luxc_vote_encode(msg, &v), LUXC_OK);
    memset(sig, 0x5a, sizeof sig);
    size_t len;
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_vote(buf, sizeof buf, &len, msg, sig, sizeof sig), LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_VOTE);
    assert_int_equal(m.vote.height, 9);
    assert_int_equal(m.vote.round, 3);
    assert_memory_equal(m.vote_msg, msg, LUXC_VOTE_BYTES);
    assert_ptr_equal(m.vote_msg, buf + 1);
    assert_int_equal(m.sig_len, sizeof sig);
    assert_memory_equal(m.sig, sig, sizeof sig);
    /* A damaged vote inside is refused with the vote decoder's code. */
    buf[1] ^= 1; /* domain tag */
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_ECORRUPT);
    buf[1] ^= 1;
    assert_int_equal(luxc_wire_vote(buf, sizeof buf, &len, msg, sig, 0), LUXC_EINVAL);
}

static void test_upgrade_and_unknown(void **state)
{
    (void)state;
    uint8_t id[32];
    memset(id, 0x42, 32);
    size_t len;
    luxc_wire_msg m;
    assert_int_equal(luxc_wire_upgrade(buf, sizeof buf, &len, LUXC_WIRE_UPCHITS, 5, id, 2),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_UPCHITS);
    assert_int_equal(m.req, 5);
    assert_int_equal(m.choice, 2);
    assert_memory_equal(m.id, id, 32);
    check_prefixes_and_trailing(len);
    assert_int_equal(luxc_wire_upgrade(buf, sizeof buf, &len, LUXC_WIRE_UPQUERY, 6, id, 0),
                     LUXC_OK);
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_OK);
    assert_int_equal(m.type, LUXC_WIRE_UPQUERY);
    buf[0] = 0x7f;
    assert_int_equal(luxc_wire_decode(&m, buf, len), LUXC_ECORRUPT);
    assert_int_equal(m.type, 0); /* zeroed on failure */
    assert_int_equal(luxc_wire_decode(NULL, buf, len), LUXC_EINVAL);
    assert_int_equal(luxc_wire_decode(&m, buf, 0), LUXC_ETRUNC);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_query_chits_get_block),
        cmocka_unit_test(test_propose_and_sync),
        cmocka_unit_test(test_vote),
        cmocka_unit_test(test_upgrade_and_unknown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
