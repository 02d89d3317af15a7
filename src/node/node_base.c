/* node_base.c - what every part of the node core uses (node_int.h).
 * Owns: sending with counters, the leader rule, logging, the table of
 * blocks seen for height + 1, fetching a block we lack, and the timing of
 * polls. Calls nothing else in src/node: it is the leaf. */
#include "node_int.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void node_logf(const luxc_node *n, luxc_log_level lvl, const char *msg, const char *fmt, ...)
{
    if (!n->cfg.log || lvl > n->cfg.log_level)
        return; /* before formatting: debug events sit on the vote path */
    va_list ap;
    va_start(ap, fmt);
    luxc_log_emitv(n->cfg.log, n->cfg.log_ctx, lvl, msg, fmt, ap);
    va_end(ap);
}

void node_send(luxc_node *n, uint32_t peer, const uint8_t *msg, size_t len)
{
    if (peer == n->cfg.self || peer >= n->cfg.n || !n->cfg.io.send)
        return;
    n->st.msgs_out++;
    n->st.bytes_out += len;
    (void)n->cfg.io.send(n->cfg.io.ctx, peer, msg, len);
}

void node_broadcast(luxc_node *n, const uint8_t *msg, size_t len)
{
    for (uint32_t i = 0; i < n->cfg.n; i++)
        node_send(n, i, msg, len);
}

uint32_t node_leader(const luxc_node *n, uint64_t height, uint32_t round)
{
    return (uint32_t)((height + round) % n->cfg.n);
}

void node_note_height(luxc_node *n, uint32_t from, uint64_t height)
{
    if (from < n->cfg.n && height > n->sync.peer_heights[from])
        n->sync.peer_heights[from] = height;
    if (height > n->sync.peer_height_hint) {
        n->sync.peer_height_hint = height;
        n->sync.peer = from;
    }
}

node_proposal *node_proposal_find(luxc_node *n, const uint8_t id[32])
{
    for (uint32_t i = 0; i < n->table.count; i++)
        if (!memcmp(n->table.items[i].id, id, 32))
            return &n->table.items[i];
    return NULL;
}

/* A block the round rule may still need: our lock and valid value, the
 * block a certificate names, snowman's decision, the current round's
 * proposal, the block we are fetching. */
static int pinned(const luxc_node *n, const node_proposal *p)
{
    const luxc_round_state *st = luxc_rounds_state(n->ballot.rule);
    uint32_t r;
    uint8_t id[32];
    if ((st->locked_round != LUXC_NO_ROUND && !memcmp(st->locked_id, p->id, 32)) ||
        (st->valid_round != LUXC_NO_ROUND && !memcmp(st->valid_id, p->id, 32)) ||
        (n->race.decided && !memcmp(n->race.decided_id, p->id, 32)) ||
        (n->table.want && !memcmp(n->table.want_id, p->id, 32)) ||
        (luxc_heightvotes_decided(n->ballot.votes, &r, id) && !memcmp(id, p->id, 32)))
        return 1;
    const node_round_prop *cur = &n->race.props[st->round % NODE_ROUND_PROPS];
    return cur->have && cur->round == st->round && !memcmp(cur->id, p->id, 32);
}

/* A full table gives up the unpinned block whose round is farthest from
 * the current one (blocks of long-gone rounds, or a flood of far-off
 * ones); LUXC_EFULL when every block is pinned. */
static int make_room(luxc_node *n)
{
    uint32_t cur = luxc_rounds_state(n->ballot.rule)->round;
    int victim = -1;
    uint32_t worst = 0;
    for (uint32_t i = 0; i < n->table.count; i++) {
        const node_proposal *p = &n->table.items[i];
        if (pinned(n, p))
            continue;
        uint32_t d = p->hdr.round > cur ? p->hdr.round - cur : cur - p->hdr.round;
        if (victim < 0 || d > worst) {
            victim = (int)i;
            worst = d;
        }
    }
    if (victim < 0)
        return LUXC_EFULL;
    node_proposal *v = &n->table.items[victim];
    node_logf(n, LUXC_LOG_DEBUG, "proposal evicted", "height=%llu round=%u",
              (unsigned long long)v->hdr.height, v->hdr.round);
    free(v->bytes);
    *v = n->table.items[--n->table.count];
    n->st.proposals_evicted++;
    return LUXC_OK;
}

int node_proposal_add(luxc_node *n, const uint8_t id[32], const uint8_t *block, size_t len,
                      node_proposal **out)
{
    *out = NULL;
    if (n->table.count == NODE_MAX_PROPOSALS) {
        int rc = make_room(n);
        if (rc != LUXC_OK)
            return rc;
    }
    node_proposal *p = &n->table.items[n->table.count];
    memset(p, 0, sizeof *p);
    p->bytes = malloc(len);
    if (!p->bytes)
        return LUXC_ENOMEM;
    memcpy(p->bytes, block, len);
    p->len = len;
    memcpy(p->id, id, 32);
    int rc = luxc_chain_block_decode(&p->hdr, NULL, p->bytes, len);
    if (rc != LUXC_OK) {
        free(p->bytes);
        return rc;
    }
    n->table.count++;
    if (n->table.want && !memcmp(n->table.want_id, id, 32))
        n->table.want = 0; /* the block we were fetching is here */
    *out = p;
    return LUXC_OK;
}

void node_proposals_clear(luxc_node *n)
{
    for (uint32_t i = 0; i < n->table.count; i++)
        free(n->table.items[i].bytes);
    n->table.count = 0;
    n->table.want = 0;
}

void node_final_block_free(node_final_block *f)
{
    free(f->block);
    free(f->cert);
    f->block = f->cert = NULL;
}

void node_ask_block(luxc_node *n, uint32_t peer, const uint8_t id[32])
{
    uint8_t msg[33];
    size_t len;
    memcpy(n->table.asked[n->table.asked_pos], id, 32);
    n->table.asked_pos = (n->table.asked_pos + 1) % NODE_ASKED_RING;
    if (luxc_wire_get_block(msg, sizeof msg, &len, id) != LUXC_OK)
        return;
    if (peer == n->cfg.self)
        node_broadcast(n, msg, len);
    else
        node_send(n, peer, msg, len);
}

int node_was_asked(const luxc_node *n, const uint8_t id[32])
{
    for (uint32_t i = 0; i < NODE_ASKED_RING; i++)
        if (!memcmp(n->table.asked[i], id, 32))
            return 1;
    return 0;
}

void node_want(luxc_node *n, const uint8_t id[32], uint32_t peer)
{
    if (n->table.want && !memcmp(n->table.want_id, id, 32))
        return; /* already fetching it */
    memcpy(n->table.want_id, id, 32);
    n->table.want = 1;
    n->table.want_peer = peer;
    n->table.want_sent_us = 0;
}

void node_want_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    if (!n->table.want)
        return;
    uint64_t resend = n->cfg.poll_timeout_us * 2u;
    if (now_us >= n->table.want_sent_us + resend) {
        node_ask_block(n, n->table.want_peer, n->table.want_id);
        n->table.want_sent_us = now_us;
    }
    node_earliest(next_us, n->table.want_sent_us + resend);
}

int node_poll_answer(const uint32_t *sampled, uint8_t *answered, uint32_t k, uint32_t from)
{
    for (uint32_t i = 0; i < k; i++) {
        if (sampled[i] != from)
            continue;
        if (answered[i])
            return LUXC_EDUPLICATE;
        answered[i] = 1;
        return LUXC_OK;
    }
    return LUXC_ENOTMEMBER;
}

int node_poll_complete(const uint8_t *answered, uint32_t k)
{
    for (uint32_t i = 0; i < k; i++)
        if (!answered[i])
            return 0;
    return 1;
}

uint64_t node_poll_wait(const luxc_node *n)
{
    uint64_t w = 3 * n->table.rtt_us;
    if (w > n->cfg.round_timeout_us / 2)
        w = n->cfg.round_timeout_us / 2;
    return w > n->cfg.poll_timeout_us ? w : n->cfg.poll_timeout_us;
}

void node_note_rtt(luxc_node *n, uint64_t start_us, uint64_t now_us)
{
    uint64_t rtt = now_us > start_us ? now_us - start_us : 0;
    uint64_t s = n->table.rtt_us;
    n->table.rtt_us = s ? s - s / 8 + rtt / 8 : rtt;
}

uint32_t node_poll_k(const luxc_node *n)
{
    return n->cfg.params.k < n->cfg.n ? n->cfg.params.k : n->cfg.n;
}
