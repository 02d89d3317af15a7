/* node_upgrade.c - the network's decision on upgrade proposals.
 * Owns: one binary snowball instance (approve / reject) per proposal seen
 * in a final block, started from this node's model decision (its vote),
 * and polls of sampled validators about one proposal at a time - the same
 * wave/focus rules as blocks. A decided proposal is logged, counted and
 * kept in the store ("upgrade:<id>" blob: the outcome).
 * Owns: node_upgrades. Calls node_base.c only. */
#include "node_int.h"

#include <stdio.h>
#include <string.h>

#include "common/be.h"
#include "common/hex.h"

static node_upgrade *find(luxc_node *n, const uint8_t id[32])
{
    for (uint32_t i = 0; i < n->up.count; i++)
        if (!memcmp(n->up.items[i].id, id, 32))
            return &n->up.items[i];
    return NULL;
}

static void add(luxc_node *n, const uint8_t *tx, size_t len)
{
    luxc_upgrade_proposal u;
    uint8_t id[32];
    if (luxc_upgrade_decode(&u, tx, len) != LUXC_OK || luxc_hash(id, tx, len) != LUXC_OK ||
        find(n, id))
        return;
    if (n->up.count == NODE_MAX_UPGRADES) {
        /* make room by forgetting the oldest decided one */
        uint32_t k = 0;
        while (k < n->up.count && !luxc_snowball_finalized(&n->up.items[k].sb))
            k++;
        if (k == n->up.count) {
            node_logf(n, LUXC_LOG_WARN, "upgrade proposal ignored: too many undecided", NULL);
            return;
        }
        memmove(&n->up.items[k], &n->up.items[k + 1],
                (n->up.count - k - 1) * sizeof n->up.items[0]);
        n->up.count--;
        for (uint32_t i = k; i < n->up.count; i++) /* strengths moved with them */
            n->up.items[i].sb.strengths = n->up.items[i].strengths;
        n->up.poll.active = 0;
    }
    node_upgrade *g = &n->up.items[n->up.count];
    memset(g, 0, sizeof *g);
    memcpy(g->id, id, 32);
    g->u = u;
    int approve = n->cfg.model.upgrade ? n->cfg.model.upgrade(n->cfg.model.ctx, &u) != 0 : 1;
    if (luxc_snowball_init(&g->sb, &n->cfg.params, g->strengths, 2, approve ? 1u : 0u) != LUXC_OK)
        return;
    n->up.count++;
    char v[2 * LUXC_UPGRADE_VERSION_MAX + 4]; /* the version comes from a block: quoted */
    node_logf(n, LUXC_LOG_INFO, "upgrade proposal", "version=%s risk=%s changes=%u tests=%u vote=%s",
              luxc_logfmt_value(v, sizeof v, u.version), luxc_upgrade_risk_name(u.risk),
              u.change_count, u.test_count, approve ? "approve" : "reject");
}

void node_upgrades_from_block(luxc_node *n, const luxc_chain_block *b)
{
    size_t off = 0;
    while (off + 2 <= b->payload_len) {
        uint16_t tl = luxc_be16_load(b->payload + off);
        off += 2;
        if (tl > b->payload_len - off)
            return; /* cannot happen: decode checked the framing */
        if (luxc_upgrade_is(b->payload + off, tl))
            add(n, b->payload + off, tl);
        off += tl;
    }
}

int node_upgrade_on_query(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    node_upgrade *g = find(n, m->id);
    uint8_t choice = g ? (uint8_t)luxc_snowball_preference(&g->sb) : 2;
    if (g && n->cfg.behaviour == LUXC_RANDOM) {
        uint8_t r;
        luxc_randombytes(&r, 1);
        choice = r & 1;
    }
    uint8_t msg[38];
    size_t len;
    int rc = luxc_wire_upgrade(msg, sizeof msg, &len, LUXC_WIRE_UPCHITS, m->req, m->id, choice);
    if (rc == LUXC_OK)
        node_send(n, from, msg, len);
    return rc;
}

int node_upgrade_on_chits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    if (!n->up.poll.active || m->req != n->up.poll.req ||
        memcmp(m->id, n->up.items[n->up.poll.which].id, 32))
        return LUXC_OK; /* late answer to an old poll */
    int rc = node_poll_answer(n->up.poll.sampled, n->up.poll.answered, n->up.poll.k, from);
    if (rc == LUXC_OK)
        node_note_rtt(n, n->up.poll.start_us, now_us);
    if (rc == LUXC_OK && m->choice < 2)
        n->up.poll.votes[n->up.poll.nvotes++] = m->choice;
    return rc;
}

static void report(luxc_node *n, node_upgrade *g)
{
    int approved = luxc_snowball_preference(&g->sb) == 1;
    g->reported = 1;
    if (approved)
        n->st.upgrades_approved++;
    else
        n->st.upgrades_rejected++;
    char v[2 * LUXC_UPGRADE_VERSION_MAX + 4];
    luxc_logfmt_value(v, sizeof v, g->u.version);
    node_logf(n, LUXC_LOG_INFO, "upgrade decided", "version=%s outcome=%s", v,
              approved ? "approved" : "rejected");
    if (n->cfg.store) {
        char name[64] = "upgrade:"; /* + the first 8 bytes of the id in hex */
        luxc_hex_encode(name + 8, g->id, 8);
        uint8_t outcome = (uint8_t)approved;
        if (luxc_store_weights_put(n->cfg.store, name, 1, &outcome, 1) != LUXC_OK)
            node_logf(n, LUXC_LOG_WARN, "upgrade outcome not stored", "version=%s", v);
    }
}

static void close_upoll(luxc_node *n)
{
    node_upgrade *g = &n->up.items[n->up.poll.which];
    n->up.poll.active = 0;
    uint32_t counts[2] = {0, 0};
    luxc_wave_tally t;
    if (luxc_wave_tally_votes(&t, n->up.poll.votes, n->up.poll.nvotes, counts, 2) != LUXC_OK)
        return;
    /* choice < 2 always (tallied over 2 choices), so recording cannot fail */
    if (t.count < n->cfg.params.alpha_pref ||
        luxc_snowball_record_poll(&g->sb, t.count, t.choice) != LUXC_OK)
        luxc_snowball_record_unsuccessful(&g->sb);
    if (luxc_snowball_finalized(&g->sb) && !g->reported)
        report(n, g);
}

static void start_upoll(luxc_node *n, uint32_t which, uint64_t now_us)
{
    node_upgrade *g = &n->up.items[which];
    uint32_t k = node_poll_k(n);
    if (luxc_photon_sample(n->photon, &n->rng, n->up.poll.sampled, k) != LUXC_OK)
        return;
    n->up.poll.active = 1;
    n->up.poll.which = which;
    n->up.poll.req = ++n->table.next_req;
    n->up.poll.start_us = now_us;
    n->up.poll.k = k;
    n->up.poll.nvotes = 0;
    memset(n->up.poll.answered, 0, k);
    uint8_t msg[38];
    size_t len;
    if (luxc_wire_upgrade(msg, sizeof msg, &len, LUXC_WIRE_UPQUERY, n->up.poll.req, g->id, 0) !=
        LUXC_OK)
        return;
    for (uint32_t i = 0; i < k; i++) {
        if (n->up.poll.sampled[i] == n->cfg.self) {
            n->up.poll.answered[i] = 1;
            n->up.poll.votes[n->up.poll.nvotes++] = luxc_snowball_preference(&g->sb);
        } else {
            node_send(n, n->up.poll.sampled[i], msg, len);
        }
    }
}

void node_upgrade_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    if (n->up.poll.active && (node_poll_complete(n->up.poll.answered, n->up.poll.k) ||
                            now_us >= n->up.poll.start_us + node_poll_wait(n)))
        close_upoll(n);
    uint64_t pending = 0; /* counted after the poll that may have decided one */
    for (uint32_t i = 0; i < n->up.count; i++)
        pending += !luxc_snowball_finalized(&n->up.items[i].sb);
    n->st.upgrades_pending = pending;
    if (!n->up.poll.active && pending) {
        for (uint32_t step = 0; step < n->up.count; step++) {
            uint32_t i = (n->up.next + step) % n->up.count;
            if (!luxc_snowball_finalized(&n->up.items[i].sb)) {
                n->up.next = i + 1;
                start_upoll(n, i, now_us);
                break;
            }
        }
    }
    if (n->up.poll.active) {
        uint64_t due = n->up.poll.start_us + node_poll_wait(n);
        if (due < *next_us)
            *next_us = due;
    }
}
