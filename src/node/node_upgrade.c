/* node_upgrade.c - the network's decision on upgrade proposals.
 * Owns: one binary snowball instance (approve / reject) per proposal seen
 * in a final block, started from this node's model decision (its vote),
 * and polls of sampled validators about one proposal at a time - the same
 * wave/focus rules as blocks. A decided proposal is logged, counted and
 * kept in the store ("upgrade:<id>" blob: the outcome). */
#include "node_int.h"

#include <stdio.h>
#include <string.h>

#include "common/be.h"

static node_upgrade *find(luxc_node *n, const uint8_t id[32])
{
    for (uint32_t i = 0; i < n->nupgrades; i++)
        if (!memcmp(n->upgrades[i].id, id, 32))
            return &n->upgrades[i];
    return NULL;
}

static void add(luxc_node *n, const uint8_t *tx, size_t len)
{
    luxc_upgrade_proposal u;
    uint8_t id[32];
    if (luxc_upgrade_decode(&u, tx, len) != LUXC_OK || luxc_hash(id, tx, len) != LUXC_OK ||
        find(n, id))
        return;
    if (n->nupgrades == NODE_MAX_UPGRADES) {
        /* make room by forgetting the oldest decided one */
        uint32_t k = 0;
        while (k < n->nupgrades && !luxc_snowball_finalized(&n->upgrades[k].sb))
            k++;
        if (k == n->nupgrades) {
            node_logf(n, LUXC_LOG_WARN, "upgrade proposal ignored: too many undecided", NULL);
            return;
        }
        memmove(&n->upgrades[k], &n->upgrades[k + 1],
                (n->nupgrades - k - 1) * sizeof n->upgrades[0]);
        n->nupgrades--;
        for (uint32_t i = k; i < n->nupgrades; i++) /* strengths moved with them */
            n->upgrades[i].sb.strengths = n->upgrades[i].strengths;
        n->upoll.active = 0;
    }
    node_upgrade *g = &n->upgrades[n->nupgrades];
    memset(g, 0, sizeof *g);
    memcpy(g->id, id, 32);
    g->u = u;
    int approve = n->model.upgrade ? n->model.upgrade(n->model.ctx, &u) != 0 : 1;
    if (luxc_snowball_init(&g->sb, &n->params, g->strengths, 2, approve ? 1u : 0u) != LUXC_OK)
        return;
    n->nupgrades++;
    node_logf(n, LUXC_LOG_INFO, "upgrade proposal", "version=%s risk=%s changes=%u tests=%u vote=%s",
              u.version, luxc_upgrade_risk_name(u.risk), u.change_count, u.test_count,
              approve ? "approve" : "reject");
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

int node_on_upquery(luxc_node *n, uint32_t from, const luxc_wire_msg *m)
{
    node_upgrade *g = find(n, m->id);
    uint8_t choice = g ? (uint8_t)luxc_snowball_preference(&g->sb) : 2;
    if (g && n->behaviour == LUXC_RANDOM) {
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

int node_on_upchits(luxc_node *n, uint32_t from, const luxc_wire_msg *m, uint64_t now_us)
{
    if (!n->upoll.active || m->req != n->upoll.req ||
        memcmp(m->id, n->upgrades[n->upoll.which].id, 32))
        return LUXC_OK; /* late answer to an old poll */
    int rc = node_poll_answer(n->upoll.sampled, n->upoll.answered, n->upoll.k, from);
    if (rc == LUXC_OK)
        node_note_rtt(n, n->upoll.start_us, now_us);
    if (rc == LUXC_OK && m->choice < 2)
        n->upoll.votes[n->upoll.nvotes++] = m->choice;
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
    node_logf(n, LUXC_LOG_INFO, "upgrade decided", "version=%s outcome=%s", g->u.version,
              approved ? "approved" : "rejected");
    if (n->store) {
        char name[64];
        snprintf(name, sizeof name, "upgrade:%02x%02x%02x%02x%02x%02x%02x%02x", g->id[0],
                 g->id[1], g->id[2], g->id[3], g->id[4], g->id[5], g->id[6], g->id[7]);
        uint8_t outcome = (uint8_t)approved;
        if (luxc_store_weights_put(n->store, name, 1, &outcome, 1) != LUXC_OK)
            node_logf(n, LUXC_LOG_WARN, "upgrade outcome not stored", "version=%s",
                      g->u.version);
    }
}

static void close_upoll(luxc_node *n)
{
    node_upgrade *g = &n->upgrades[n->upoll.which];
    n->upoll.active = 0;
    uint32_t counts[2] = {0, 0};
    luxc_wave_tally t;
    if (luxc_wave_tally_votes(&t, n->upoll.votes, n->upoll.nvotes, counts, 2) != LUXC_OK)
        return;
    /* choice < 2 always (tallied over 2 choices), so recording cannot fail */
    if (t.count < n->params.alpha_pref ||
        luxc_snowball_record_poll(&g->sb, t.count, t.choice) != LUXC_OK)
        luxc_snowball_record_unsuccessful(&g->sb);
    if (luxc_snowball_finalized(&g->sb) && !g->reported)
        report(n, g);
}

static void start_upoll(luxc_node *n, uint32_t which, uint64_t now_us)
{
    node_upgrade *g = &n->upgrades[which];
    uint32_t k = n->params.k < n->n ? n->params.k : n->n;
    if (luxc_photon_sample(n->photon, &n->rng, n->upoll.sampled, k) != LUXC_OK)
        return;
    n->upoll.active = 1;
    n->upoll.which = which;
    n->upoll.req = ++n->next_req;
    n->upoll.start_us = now_us;
    n->upoll.k = k;
    n->upoll.nvotes = 0;
    memset(n->upoll.answered, 0, k);
    uint8_t msg[38];
    size_t len;
    if (luxc_wire_upgrade(msg, sizeof msg, &len, LUXC_WIRE_UPQUERY, n->upoll.req, g->id, 0) !=
        LUXC_OK)
        return;
    for (uint32_t i = 0; i < k; i++) {
        if (n->upoll.sampled[i] == n->self) {
            n->upoll.answered[i] = 1;
            n->upoll.votes[n->upoll.nvotes++] = luxc_snowball_preference(&g->sb);
        } else {
            node_send(n, n->upoll.sampled[i], msg, len);
        }
    }
}

void node_upgrade_tick(luxc_node *n, uint64_t now_us, uint64_t *next_us)
{
    uint64_t pending = 0;
    for (uint32_t i = 0; i < n->nupgrades; i++)
        pending += !luxc_snowball_finalized(&n->upgrades[i].sb);
    n->st.upgrades_pending = pending;
    if (n->upoll.active && (node_poll_complete(n->upoll.answered, n->upoll.k) ||
                            now_us >= n->upoll.start_us + node_poll_wait(n)))
        close_upoll(n);
    if (!n->upoll.active && pending) {
        for (uint32_t step = 0; step < n->nupgrades; step++) {
            uint32_t i = (n->up_next + step) % n->nupgrades;
            if (!luxc_snowball_finalized(&n->upgrades[i].sb)) {
                n->up_next = i + 1;
                start_upoll(n, i, now_us);
                break;
            }
        }
    }
    if (n->upoll.active) {
        uint64_t due = n->upoll.start_us + node_poll_wait(n);
        if (due < *next_us)
            *next_us = due;
    }
}
