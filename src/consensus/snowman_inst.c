/* snowman_inst.c - the snowball instance over one block's children.
 * Owns: deciding between conflicting children bit by bit over their ids,
 * as avalanchego's snowball tree (tree.go) does inside snowman. The
 * children form a compressed binary trie on id bits (most significant
 * first); each branching point is a binary snowball ("bin") and each
 * child carries a unary snowflake (its leaf) that needs beta successful
 * polls too. A flat n-ary snowball stalls when votes spread over many
 * children (none reaches alpha); comparing two groups at a time does
 * not. Reset flags carry "this side was not polled successfully" down
 * lazily. Allocation happens in _reserve only; polls never allocate. */
#include "consensus/snowman_internal.h"

#include <stdlib.h>
#include <string.h>

static inline unsigned id_bit(const uint8_t id[32], unsigned d)
{
    return (id[d >> 3] >> (7 - (d & 7))) & 1u;
}

/* First bit index >= from where a and b differ (256 if none). */
static unsigned first_diff(const uint8_t *a, const uint8_t *b, unsigned from)
{
    for (unsigned d = from; d < 256; d++) {
        if ((d & 7) == 0) {
            while (d < 256 && a[d >> 3] == b[d >> 3])
                d += 8;
            if (d >= 256)
                return 256;
        }
        if (id_bit(a, d) != id_bit(b, d))
            return d;
    }
    return 256;
}

static const uint8_t *cid(const luxc_snowman *s, uint32_t node) { return s->nodes[node].b.id; }

static sm_bin *find_bin(const luxc_snowman *s, const sm_node *p, unsigned d, const uint8_t *rep)
{
    for (uint32_t i = 0; i < p->nbins; i++) {
        sm_bin *b = &p->bins[i];
        if (b->depth == d && first_diff(cid(s, b->rep), rep, 0) >= d)
            return b;
    }
    return NULL;
}

/* The branching bit of set S (children node indices) from `from`. */
static unsigned split_bit(const luxc_snowman *s, const uint32_t *set, uint32_t n, unsigned from)
{
    unsigned d = 256;
    for (uint32_t i = 1; i < n; i++) {
        unsigned x = first_diff(cid(s, set[0]), cid(s, set[i]), from);
        if (x < d)
            d = x;
    }
    return d;
}

static uint32_t filter(const luxc_snowman *s, uint32_t *set, uint32_t n, unsigned d, unsigned bit)
{
    uint32_t k = 0;
    for (uint32_t i = 0; i < n; i++)
        if (id_bit(cid(s, set[i]), d) == bit)
            set[k++] = set[i];
    return k;
}

int luxc_sm_inst_reserve(luxc_snowman *s, uint32_t pi)
{
    sm_node *p = &s->nodes[pi];
    if (p->nchildren == p->capchildren) {
        uint32_t nc = p->capchildren ? p->capchildren * 2 : 2;
        uint32_t *c = realloc(p->children, (size_t)nc * sizeof *c);
        if (!c)
            return LUXC_ENOMEM;
        p->children = c;
        p->capchildren = nc;
    }
    /* A trie of n leaves has n - 1 bins: none until a second child. */
    if (p->nchildren >= 1 && p->nbins == p->capbins) {
        uint32_t nb = p->capbins ? p->capbins * 2 : 2;
        sm_bin *b = realloc(p->bins, (size_t)nb * sizeof *b);
        if (!b)
            return LUXC_ENOMEM;
        p->bins = b;
        p->capbins = nb;
        for (uint32_t i = 0; i < p->nbins; i++) /* re-point after the move */
            p->bins[i].sb.strengths = p->bins[i].str;
    }
    return LUXC_OK;
}

void luxc_sm_inst_add(luxc_snowman *s, uint32_t pi, uint32_t child)
{
    sm_node *p = &s->nodes[pi];
    sm_node *c = &s->nodes[child];
    luxc_snowflake_init(&c->leaf, &s->params, 0);
    if (p->nchildren == 0) {
        p->children[p->nchildren++] = child;
        return;
    }
    /* Walk the existing trie along the new id to the point where it
     * branches off; the new bin prefers the existing side. */
    uint32_t *set = s->scratch3, n = p->nchildren;
    memcpy(set, p->children, (size_t)n * sizeof *set);
    const uint8_t *x = c->b.id;
    unsigned depth = 0, e;
    for (;;) {
        if (n == 1) {
            e = first_diff(cid(s, set[0]), x, depth);
            break;
        }
        unsigned d = split_bit(s, set, n, depth);
        e = first_diff(cid(s, set[0]), x, depth);
        if (e < d)
            break;
        n = filter(s, set, n, d, id_bit(x, d));
        depth = d + 1;
    }
    sm_bin *b = &p->bins[p->nbins++];
    memset(b, 0, sizeof *b);
    b->depth = (uint16_t)e;
    b->rep = set[0];
    int rc = luxc_snowball_init(&b->sb, &s->params, b->str, 2, id_bit(cid(s, set[0]), e));
    (void)rc; /* valid by construction */
    p->children[p->nchildren++] = child;
}

uint32_t luxc_sm_inst_poll(luxc_snowman *s, uint32_t pi, uint32_t ep, uint32_t ap, uint32_t ac,
                           int reset)
{
    sm_node *p = &s->nodes[pi];
    uint32_t *set = s->scratch3, n = p->nchildren;
    memcpy(set, p->children, (size_t)n * sizeof *set);
    unsigned depth = 0;
    while (n > 1) {
        unsigned d = split_bit(s, set, n, depth);
        sm_bin *b = find_bin(s, p, d, cid(s, set[0]));
        uint32_t cnt[2] = {0, 0};
        for (uint32_t i = 0; i < n; i++) {
            const sm_node *c = &s->nodes[set[i]];
            if (c->mark == ep)
                cnt[id_bit(c->b.id, d)] += c->votes;
        }
        unsigned bit = cnt[1] >= ap ? 1u : 0u;
        if (b) {
            if (reset) {
                luxc_snowball_record_unsuccessful(&b->sb);
                b->reset[0] = b->reset[1] = 1;
            }
            b->reset[1 - bit] = 1;
            if (cnt[bit] >= ap) {
                int rc = luxc_snowball_record_poll_at(&b->sb, cnt[bit], bit, ap, ac);
                (void)rc;
            } else {
                luxc_snowball_record_unsuccessful(&b->sb);
                b->reset[bit] = 1;
            }
            reset = b->reset[bit];
            b->reset[bit] = 0;
        }
        n = filter(s, set, n, d, bit);
        depth = d + 1;
    }
    sm_node *c = &s->nodes[set[0]];
    uint32_t v = c->mark == ep ? c->votes : 0;
    if (reset)
        luxc_snowflake_record_unsuccessful(&c->leaf);
    if (v >= ap) {
        luxc_snowflake_record_poll_at(&c->leaf, v, 0, ap, ac);
        return set[0];
    }
    luxc_snowflake_record_unsuccessful(&c->leaf);
    return SM_NONE;
}

/* Follow the bins' preferences; *final = every step decided. */
static uint32_t walk(const luxc_snowman *s, uint32_t pi, int *final)
{
    const sm_node *p = &s->nodes[pi];
    uint32_t *set = s->scratch3, n = p->nchildren;
    memcpy(set, p->children, (size_t)n * sizeof *set);
    unsigned depth = 0;
    int fin = 1;
    while (n > 1) {
        unsigned d = split_bit(s, set, n, depth);
        const sm_bin *b = find_bin(s, p, d, cid(s, set[0]));
        unsigned bit = b ? luxc_snowball_preference(&b->sb) : id_bit(cid(s, set[0]), d);
        fin &= b && luxc_snowball_finalized(&b->sb);
        uint32_t k = filter(s, set, n, d, bit);
        n = k ? k : n; /* a bin always has both sides; keep the guard */
        depth = d + 1;
    }
    fin &= s->nodes[set[0]].leaf.finalized != 0;
    if (final)
        *final = fin;
    return set[0];
}

uint32_t luxc_sm_inst_preference(const luxc_snowman *s, uint32_t pi)
{
    return walk(s, pi, NULL);
}

int luxc_sm_inst_finalized(const luxc_snowman *s, uint32_t pi)
{
    int fin = 0;
    if (s->nodes[pi].nchildren)
        walk(s, pi, &fin);
    return fin;
}
