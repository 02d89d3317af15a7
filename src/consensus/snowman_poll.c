/* snowman_poll.c - polls and decisions of the snowman engine.
 * Owns: applying one poll (votes for block ids) to the snowball instance
 * of every parent whose children got votes, transitive falter, accepting
 * at the last accepted block, rejecting conflicting subtrees and pruning
 * pending blocks that can no longer join; callbacks in height order.
 * Never allocates: scratch arrays are sized with the node pool. */
#include "consensus/snowman_internal.h"

#include <stdlib.h>
#include <string.h>

/* Heights of touched nodes; insertion sort because a poll touches few
 * blocks (the processing depth) and qsort has no context argument. */
static void sort_by_height(const luxc_snowman *s, uint32_t *a, uint32_t n, int desc)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t v = a[i];
        uint64_t h = s->nodes[v].b.height;
        uint32_t j = i;
        while (j > 0 && (desc ? s->nodes[a[j - 1]].b.height < h : s->nodes[a[j - 1]].b.height > h)) {
            a[j] = a[j - 1];
            j--;
        }
        a[j] = v;
    }
}

typedef struct decisions {
    uint32_t *idx;      /* node indices; high bit set = accepted */
    uint32_t n;
} decisions;

#define ACCEPT_BIT 0x80000000u  /* report accepted; keep the node */
#define OLDROOT_BIT 0x40000000u /* replaced root: release, no report */
#define IDX_MASK 0x3fffffffu

/* Queue the subtree under node x (x included) for rejection, BFS. */
static void reject_subtree(luxc_snowman *s, uint32_t x, decisions *d)
{
    uint32_t *q = s->scratch3, head = 0, tail = 0;
    q[tail++] = x;
    while (head < tail) {
        uint32_t v = q[head++];
        sm_node *n = &s->nodes[v];
        for (uint32_t i = 0; i < n->nchildren; i++)
            q[tail++] = n->children[i];
        n->state = SM_DECIDED;
        s->nprocessing--;
        luxc_sm_table_remove(s, v);
        d->idx[d->n++] = v;
    }
}

/* Accept while the last accepted block's instance is finalized. */
static void accept_cascade(luxc_snowman *s, decisions *d)
{
    for (;;) {
        sm_node *r = &s->nodes[s->root];
        if (!r->nchildren || !luxc_sm_inst_finalized(s, s->root))
            return;
        uint32_t c = luxc_sm_inst_preference(s, s->root);
        for (uint32_t i = 0; i < r->nchildren; i++)
            if (r->children[i] != c)
                reject_subtree(s, r->children[i], d);
        uint32_t old = s->root;
        s->nodes[old].state = SM_DECIDED;
        luxc_sm_table_remove(s, old);
        d->idx[d->n++] = old | OLDROOT_BIT; /* released after callbacks */
        d->idx[d->n++] = c | ACCEPT_BIT;
        sm_node *cn = &s->nodes[c];
        cn->state = SM_ROOT;
        cn->parent = SM_NONE;
        s->nprocessing--;
        s->root = c;
        /* Pending blocks that can no longer join the accepted chain. */
        uint64_t h = cn->b.height;
        for (uint32_t i = 0; i < s->npending;) {
            uint32_t v = s->pending[i];
            const luxc_block *pb = &s->nodes[v].b;
            if (pb->height <= h || (pb->height == h + 1 && memcmp(pb->parent, cn->b.id, 32))) {
                s->pending[i] = s->pending[--s->npending];
                s->nodes[v].state = SM_DECIDED;
                luxc_sm_table_remove(s, v);
                d->idx[d->n++] = v;
                continue;
            }
            i++;
        }
    }
}

/* Report decisions in height order (accepts before rejects at one
 * height), then release rejected blocks and replaced roots. */
static void report(luxc_snowman *s, decisions *d)
{
    uint32_t *a = d->idx;
    for (uint32_t i = 1; i < d->n; i++) {
        uint32_t v = a[i], j = i;
        uint64_t hv = s->nodes[v & IDX_MASK].b.height * 2 + !(v & ACCEPT_BIT);
        while (j > 0) {
            uint32_t u = a[j - 1];
            uint64_t hu = s->nodes[u & IDX_MASK].b.height * 2 + !(u & ACCEPT_BIT);
            if (hu <= hv)
                break;
            a[j] = u;
            j--;
        }
        a[j] = v;
    }
    for (uint32_t i = 0; i < d->n; i++) {
        uint32_t v = a[i];
        const luxc_block *b = &s->nodes[v & IDX_MASK].b;
        if (v & ACCEPT_BIT) {
            if (s->cb.accepted)
                s->cb.accepted(s->cb.ctx, b);
        } else if (!(v & OLDROOT_BIT) && s->cb.rejected) {
            s->cb.rejected(s->cb.ctx, b);
        }
    }
    for (uint32_t i = 0; i < d->n; i++)
        if (!(d->idx[i] & ACCEPT_BIT))
            luxc_sm_node_release(s, d->idx[i] & IDX_MASK);
    d->n = 0;
}

int luxc_snowman_record_poll_at(luxc_snowman *s, const uint8_t (*votes)[32], size_t n,
                                uint32_t alpha_pref, uint32_t alpha_conf)
{
    if (!s || (!votes && n))
        return LUXC_EINVAL;
    sm_node *nodes = s->nodes;
    uint32_t ep = ++s->epoch;
    if (ep == 0) { /* wrapped: clear marks so stale ones cannot match */
        for (uint32_t i = 0; i < s->used; i++)
            nodes[i].mark = 0;
        ep = s->epoch = 1;
    }
    uint32_t *t = s->scratch, nt = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t v = luxc_sm_lookup(s, votes[i]);
        if (v == SM_NONE || nodes[v].state != SM_PROCESSING)
            continue;
        if (nodes[v].mark != ep) {
            nodes[v].mark = ep;
            nodes[v].votes = 0;
            t[nt++] = v;
        }
        nodes[v].votes++;
    }
    decisions d = {s->scratch2, 0};
    if (nt == 0) {
        /* An empty poll falters the whole tree. */
        nodes[s->root].falter = 1;
        return LUXC_OK;
    }
    /* Upward closure: every processing ancestor of a voted block. */
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t p = nodes[t[i]].parent;
        if (p != SM_NONE && nodes[p].state == SM_PROCESSING && nodes[p].mark != ep) {
            nodes[p].mark = ep;
            nodes[p].votes = 0;
            t[nt++] = p;
        }
    }
    /* Subtree sums: children (higher) before parents. */
    sort_by_height(s, t, nt, 1);
    for (uint32_t i = 0; i < nt; i++) {
        uint32_t p = nodes[t[i]].parent;
        if (p != SM_NONE && nodes[p].state == SM_PROCESSING)
            nodes[p].votes += nodes[t[i]].votes;
    }
    /* Parents in ascending height: the root, then the touched nodes. */
    for (uint32_t i = 0; i <= nt; i++) {
        uint32_t pi = i == 0 ? s->root : t[nt - i];
        sm_node *p = &nodes[pi];
        if ((p->state != SM_PROCESSING && p->state != SM_ROOT) || !p->nchildren)
            continue;
        int any = 0;
        for (uint32_t c = 0; c < p->nchildren && !any; c++)
            any = nodes[p->children[c]].mark == ep;
        if (!any)
            continue; /* no votes under p: its instance is not polled */
        int reset = p->falter;
        if (reset) {
            p->falter = 0;
            for (uint32_t c = 0; c < p->nchildren; c++)
                nodes[p->children[c]].falter = 1;
        }
        uint32_t ok = luxc_sm_inst_poll(s, pi, ep, alpha_pref, alpha_conf, reset);
        for (uint32_t c = 0; c < p->nchildren; c++)
            if (p->children[c] != ok)
                nodes[p->children[c]].falter = 1;
        if (pi == s->root)
            accept_cascade(s, &d);
    }
    report(s, &d);
    return LUXC_OK;
}

int luxc_snowman_record_poll(luxc_snowman *s, const uint8_t (*votes)[32], size_t n)
{
    if (!s)
        return LUXC_EINVAL;
    return luxc_snowman_record_poll_at(s, votes, n, s->params.alpha_pref, s->params.alpha_conf);
}
