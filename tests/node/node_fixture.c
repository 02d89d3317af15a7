/* node_fixture.c - one real node among scripted peers (node_fixture.h). */
#include "node_fixture.h"

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ftw.h>
#include <unistd.h>

#include <cmocka.h>

#include "testutil.h"

static int fx_send(void *ctx, uint32_t peer, const uint8_t *msg, size_t len)
{
    fx *f = ctx;
    assert_true(f->nout < FX_OUTBOX_MAX);
    fx_msg *m = &f->outbox[f->nout++];
    m->to = peer;
    m->data = malloc(len);
    assert_non_null(m->data);
    memcpy(m->data, msg, len);
    m->len = len;
    return 0;
}

static void fx_on_final(void *ctx, uint64_t height, const uint8_t id[32], const uint8_t *block,
                        size_t len, double latency_ms)
{
    (void)id;
    (void)block;
    (void)len;
    (void)latency_ms;
    fx *f = ctx;
    f->finals++;
    f->last_final_height = height;
}

static void start_node(fx *f)
{
    if (f->dir[0]) {
        uint8_t chain[32];
        assert_int_equal(luxc_chain_id_hash(chain, f->genesis.chain_id), LUXC_OK);
        luxc_store_cfg sc = {.path = f->dir, .chain_id = chain,
                             .flags = LUXC_STORE_CREATE | LUXC_STORE_NOSYNC,
                             .map_size = f->map_size ? f->map_size : (size_t)64 << 20};
        char err[512];
        int rc = luxc_store_new(&f->store, &sc, err, sizeof err);
        if (rc != LUXC_OK)
            fail_msg("luxc_store_new: %s", err);
    }
    f->cfg.store = f->store;
    assert_int_equal(luxc_node_new(&f->node, &f->cfg), LUXC_OK);
}

void fx_setup(fx *f, uint32_t n, const char *preset, int store, int async)
{
    memset(f, 0, sizeof *f);
    assert_true(n <= FX_MAX_NODES);
    assert_int_equal(luxc_crypto_init(), LUXC_OK);
    assert_int_equal(luxc_params_preset(&f->params, preset), LUXC_OK);
    f->n = n;
    f->now = 1764000000000000ull;
    snprintf(f->genesis.chain_id, sizeof f->genesis.chain_id, "fixture");
    snprintf(f->genesis.consensus.preset, sizeof f->genesis.consensus.preset, "%s", preset);
    f->genesis.genesis_time = f->now / 1000000 - 1;
    f->genesis.validators = f->vals;
    f->genesis.n_validators = n;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t s[LUXC_HSIGN_SEEDBYTES];
        memset(s, (int)(i + 1), sizeof s);
        assert_int_equal(luxc_hsign_keypair_from_seed(f->keys[i].pk, f->keys[i].sk, s), LUXC_OK);
        luxc_genesis_validator *v = &f->vals[i];
        snprintf(v->name, sizeof v->name, "node%u", i);
        snprintf(v->address, sizeof v->address, "fx://%u", i);
        v->stake = 100;
        memcpy(v->ed25519_pk, f->keys[i].pk, LUXC_ED25519_PUBLICKEYBYTES);
        memcpy(v->mldsa65_pk, f->keys[i].pk + LUXC_ED25519_PUBLICKEYBYTES,
               LUXC_MLDSA_PUBLICKEYBYTES);
        f->genesis.total_stake += v->stake;
    }
    if (store) {
        snprintf(f->dir, sizeof f->dir, "/tmp/luxc-fixture-XXXXXX");
        assert_non_null(mkdtemp(f->dir));
    }
    f->cfg.genesis = &f->genesis;
    f->cfg.self = 0;
    f->cfg.keys = &f->keys[0];
    f->cfg.params = f->params;
    f->cfg.io = (luxc_node_io){fx_send, f};
    f->cfg.on_final = fx_on_final;
    f->cfg.on_final_ctx = f;
    f->cfg.seed = 7;
    f->cfg.async = async;
    /* the genesis block, as the node computes it */
    luxc_chain_block g;
    assert_int_equal(luxc_chain_block_genesis(&g, f->genesis.chain_id,
                                              f->genesis.genesis_time * 1000000u),
                     LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&g, f->tip.bytes, sizeof f->tip.bytes, &f->tip.len,
                                             f->tip.id),
                     LUXC_OK);
    assert_int_equal(luxc_chain_block_decode(&f->tip.hdr, NULL, f->tip.bytes, f->tip.len),
                     LUXC_OK);
}

void fx_start(fx *f) { start_node(f); }

void fx_init(fx *f, uint32_t n, const char *preset, int store, int async)
{
    fx_setup(f, n, preset, store, async);
    start_node(f);
}

void fx_restart(fx *f)
{
    luxc_node_free(f->node);
    luxc_store_free(f->store);
    f->node = NULL;
    f->store = NULL;
    start_node(f);
}

void fx_clear_outbox(fx *f)
{
    for (uint32_t i = 0; i < f->nout; i++)
        free(f->outbox[i].data);
    f->nout = 0;
}

static int rm_one(const char *p, const struct stat *st, int flag, struct FTW *w)
{
    (void)st;
    (void)flag;
    (void)w;
    return remove(p);
}

void fx_free(fx *f)
{
    luxc_node_free(f->node);
    luxc_store_free(f->store);
    fx_clear_outbox(f);
    if (f->dir[0])
        nftw(f->dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

uint32_t fx_leader(const fx *f, uint32_t round)
{
    return (uint32_t)((f->tip.hdr.height + 1 + round) % f->n);
}

uint32_t fx_round_of(const fx *f, uint32_t who)
{
    uint32_t h = (uint32_t)((f->tip.hdr.height + 1) % f->n);
    return (who + f->n - h) % f->n;
}

void fx_make_block(const fx *f, fx_block *b, uint32_t round, const uint8_t *payload,
                   size_t payload_len, uint32_t tx_count, uint64_t salt)
{
    luxc_chain_block c;
    memset(&c, 0, sizeof c);
    memcpy(c.chain_id, f->tip.hdr.chain_id, 32);
    c.height = f->tip.hdr.height + 1;
    memcpy(c.parent, f->tip.id, 32);
    c.timestamp_us = f->tip.hdr.timestamp_us + 1000 + salt;
    c.proposer = fx_leader(f, round);
    c.round = round;
    c.payload = payload;
    c.payload_len = (uint32_t)payload_len;
    c.tx_count = tx_count;
    assert_int_equal(luxc_chain_block_prepare(&c, f->tip.hdr.state_root), LUXC_OK);
    assert_int_equal(luxc_chain_block_encode(&c, b->bytes, sizeof b->bytes, &b->len, b->id),
                     LUXC_OK);
    assert_int_equal(luxc_chain_block_decode(&b->hdr, NULL, b->bytes, b->len), LUXC_OK);
}

void fx_advance(fx *f, const fx_block *b)
{
    f->tip = *b;
    assert_int_equal(luxc_chain_block_decode(&f->tip.hdr, NULL, f->tip.bytes, f->tip.len),
                     LUXC_OK);
}

size_t fx_propose_msg(const fx_block *b, uint8_t *out)
{
    size_t len;
    assert_int_equal(luxc_wire_propose(out, NODE_MSG_MAX, &len, b->bytes, b->len), LUXC_OK);
    return len;
}

/* v signed by voter, as a VOTE message into out. */
static size_t signed_vote(const fx *f, uint32_t voter, const luxc_vote *v, uint8_t *out)
{
    /* node_vote_build reads only the keys of the node it is given */
    static luxc_node signer;
    signer.cfg.keys = f->keys[voter];
    uint8_t *wire;
    size_t len;
    assert_int_equal(node_vote_build(&signer, v, &wire, &len), LUXC_OK);
    memcpy(out, wire, len);
    free(wire);
    return len;
}

size_t fx_vote_msg(const fx *f, uint32_t voter, const fx_block *b, uint8_t *out)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    memcpy(v.chain_id, b->hdr.chain_id, 32);
    v.height = b->hdr.height;
    v.round = b->hdr.round;
    memcpy(v.block, b->id, 32);
    memcpy(v.parent, b->hdr.parent, 32);
    memcpy(v.state_root, b->hdr.state_root, 32);
    v.accept = 1;
    return signed_vote(f, voter, &v, out);
}

size_t fx_round_vote_msg(const fx *f, uint32_t voter, luxc_vote_phase phase, uint32_t round,
                         const fx_block *b, uint8_t *out)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    assert_int_equal(luxc_chain_id_hash(v.chain_id, f->genesis.chain_id), LUXC_OK);
    v.height = f->tip.hdr.height + 1;
    v.round = round;
    v.phase = (uint8_t)phase;
    memcpy(v.parent, f->tip.id, 32);
    if (b) {
        memcpy(v.block, b->id, 32);
        memcpy(v.state_root, b->hdr.state_root, 32);
        v.accept = 1;
    }
    return signed_vote(f, voter, &v, out);
}

int fx_round_vote(fx *f, uint32_t voter, luxc_vote_phase phase, uint32_t round, const fx_block *b)
{
    uint8_t *msg = malloc(NODE_MSG_MAX);
    assert_non_null(msg);
    size_t len = fx_round_vote_msg(f, voter, phase, round, b, msg);
    int rc = fx_deliver(f, voter, msg, len);
    free(msg);
    return rc;
}

void fx_skip_to_round(fx *f, uint32_t round, luxc_vote_phase phase)
{
    /* nil votes of `phase` in `round` from more than 1/3 of the stake */
    uint32_t need = f->n / 3 + 1, sent = 0;
    for (uint32_t v = 1; v < f->n && sent < need; v++, sent++)
        assert_int_equal(fx_round_vote(f, v, phase, round, NULL), LUXC_OK);
}

/* by_tip: votes of phase/round at the fixture's next height
 * (fx_round_vote_msg); else b's own precommit (fx_vote_msg). */
static size_t cert_of(const fx *f, int by_tip, luxc_vote_phase phase, uint32_t round,
                      const fx_block *b, const uint32_t *voters, uint32_t count, uint8_t *out,
                      size_t cap)
{
    uint64_t stakes[FX_MAX_NODES];
    for (uint32_t i = 0; i < f->n; i++)
        stakes[i] = f->vals[i].stake;
    luxc_voteset *vs;
    assert_int_equal(luxc_voteset_new(&vs, f->n, stakes), LUXC_OK);
    uint8_t *msg = malloc(NODE_MSG_MAX);
    assert_non_null(msg);
    for (uint32_t i = 0; i < count; i++) {
        size_t len = by_tip ? fx_round_vote_msg(f, voters[i], phase, round, b, msg)
                            : fx_vote_msg(f, voters[i], b, msg);
        luxc_wire_msg m;
        assert_int_equal(luxc_wire_decode(&m, msg, len), LUXC_OK);
        assert_int_equal(luxc_voteset_add(vs, voters[i], m.vote_msg, m.sig, m.sig_len), LUXC_OK);
    }
    free(msg);
    luxc_cert *c;
    assert_int_equal(luxc_voteset_cert(vs, &c), LUXC_OK);
    size_t len;
    assert_int_equal(luxc_cert_encode(c, out, cap, &len), LUXC_OK);
    luxc_cert_free(c);
    luxc_voteset_free(vs);
    return len;
}

size_t fx_round_cert(const fx *f, luxc_vote_phase phase, uint32_t round, const fx_block *b,
                     const uint32_t *voters, uint32_t count, uint8_t *out, size_t cap)
{
    return cert_of(f, 1, phase, round, b, voters, count, out, cap);
}

size_t fx_cert(const fx *f, const fx_block *b, const uint32_t *voters, uint32_t count,
               uint8_t *out, size_t cap)
{
    return cert_of(f, 0, LUXC_PRECOMMIT, b->hdr.round, b, voters, count, out, cap);
}

size_t fx_sync_block_msg(const fx_block *b, const uint8_t *cert, size_t cert_len, uint8_t *out)
{
    size_t len;
    assert_int_equal(luxc_wire_sync_block(out, NODE_MSG_MAX, &len, b->bytes, b->len, cert,
                                          cert_len),
                     LUXC_OK);
    return len;
}

int fx_deliver(fx *f, uint32_t from, const uint8_t *msg, size_t len)
{
    f->delivered++;
    return luxc_node_receive(f->node, from, msg, len, f->now);
}

int fx_run_ms(fx *f, uint64_t ms)
{
    uint64_t end = f->now + ms * 1000u, next = f->now;
    int rc = LUXC_OK;
    for (int guard = 0; guard < 100000; guard++) {
        if (f->cfg.async && luxc_node_event_fd(f->node) >= 0)
            usleep(200); /* let the worker finish what it has */
        rc = luxc_node_tick(f->node, f->now, &next);
        if (rc != LUXC_OK || next > end)
            break;
        f->now = next > f->now ? next : f->now + 1;
    }
    f->now = end;
    return rc;
}

uint32_t fx_answer_queries(fx *f, const uint8_t id[32])
{
    uint32_t count = f->nout, answered = 0;
    for (uint32_t i = 0; i < count; i++) {
        fx_msg *q = &f->outbox[i];
        luxc_wire_msg m;
        if (q->len == 0 || q->data[0] != LUXC_WIRE_QUERY ||
            luxc_wire_decode(&m, q->data, q->len) != LUXC_OK)
            continue;
        uint8_t out[45];
        size_t len;
        assert_int_equal(luxc_wire_query(out, sizeof out, &len, LUXC_WIRE_CHITS, m.req, m.height,
                                         id),
                         LUXC_OK);
        (void)fx_deliver(f, q->to, out, len);
        q->data[0] = 0; /* answered */
        answered++;
    }
    return answered;
}

size_t fx_proposal_msg(const fx_block *b, uint8_t *out)
{
    size_t len;
    assert_int_equal(luxc_wire_proposal(out, NODE_MSG_MAX, &len, b->hdr.round, LUXC_WIRE_NO_ROUND,
                                        b->bytes, b->len, NULL, 0),
                     LUXC_OK);
    return len;
}

void fx_propose(fx *f, const fx_block *b)
{
    uint8_t *msg = malloc(NODE_MSG_MAX);
    assert_non_null(msg);
    size_t len = fx_proposal_msg(b, msg);
    assert_int_equal(fx_deliver(f, b->hdr.proposer, msg, len), LUXC_OK);
    free(msg);
}

int fx_vote(fx *f, uint32_t voter, const fx_block *b)
{
    uint8_t *msg = malloc(NODE_MSG_MAX);
    assert_non_null(msg);
    size_t len = fx_vote_msg(f, voter, b, msg);
    int rc = fx_deliver(f, voter, msg, len);
    free(msg);
    return rc;
}

uint32_t fx_sent(const fx *f, uint8_t type, uint32_t to, const fx_msg **last)
{
    uint32_t c = 0;
    if (last)
        *last = NULL;
    for (uint32_t i = 0; i < f->nout; i++) {
        const fx_msg *m = &f->outbox[i];
        if (m->len && m->data[0] == type && (to == UINT32_MAX || m->to == to)) {
            c++;
            if (last)
                *last = m;
        }
    }
    return c;
}

luxc_node_status fx_status(const fx *f)
{
    luxc_node_status st;
    luxc_node_status_get(f->node, &st);
    return st;
}
