/* prism.c - read-only views of the snowman tree: decidable blocks, the
 * frontier (tips), transitive closure up and down, lowest common
 * ancestor. A block is decidable only after its ancestors: only children
 * of the last accepted block can be accepted next. */
#include "consensus/snowman_internal.h"

#include <string.h>

static void put(uint8_t (*out)[32], size_t cap, size_t *n, const sm_node *x)
{
    if (*n < cap)
        memcpy(out[*n], x->b.id, 32);
    (*n)++;
}

static int check(const luxc_snowman *s, const uint8_t (*out)[32], size_t cap, const size_t *n)
{
    return !s || !n || (!out && cap) ? LUXC_EINVAL : LUXC_OK;
}

int luxc_prism_decidable(const luxc_snowman *s, uint8_t (*out)[32], size_t cap, size_t *n)
{
    if (check(s, (const uint8_t(*)[32])out, cap, n))
        return LUXC_EINVAL;
    *n = 0;
    const sm_node *r = &s->nodes[s->root];
    for (uint32_t i = 0; i < r->nchildren; i++)
        put(out, cap, n, &s->nodes[r->children[i]]);
    return LUXC_OK;
}

int luxc_prism_frontier(const luxc_snowman *s, uint8_t (*out)[32], size_t cap, size_t *n)
{
    if (check(s, (const uint8_t(*)[32])out, cap, n))
        return LUXC_EINVAL;
    *n = 0;
    for (uint32_t i = 0; i < s->used; i++) {
        const sm_node *x = &s->nodes[i];
        if (x->state == SM_PROCESSING && x->nchildren == 0)
            put(out, cap, n, x);
    }
    return LUXC_OK;
}

/* A live tree node: processing or the last accepted block. */
static uint32_t live(const luxc_snowman *s, const uint8_t id[32])
{
    uint32_t i = luxc_sm_lookup(s, id);
    if (i == SM_NONE)
        return SM_NONE;
    uint8_t st = s->nodes[i].state;
    return st == SM_PROCESSING || st == SM_ROOT ? i : SM_NONE;
}

/* The common start of a walk from block id: arguments checked, nothing
 * written yet, *at the block's live node. */
static int start_walk(const luxc_snowman *s, const uint8_t id[32], uint8_t (*out)[32],
                      size_t cap, size_t *n, uint32_t *at)
{
    if (check(s, (const uint8_t(*)[32])out, cap, n) || !id)
        return LUXC_EINVAL;
    *n = 0;
    *at = live(s, id);
    return *at == SM_NONE ? LUXC_ENOTFOUND : LUXC_OK;
}

int luxc_prism_ancestors(const luxc_snowman *s, const uint8_t id[32], uint8_t (*out)[32],
                         size_t cap, size_t *n)
{
    uint32_t i;
    int rc = start_walk(s, id, out, cap, n, &i);
    if (rc)
        return rc;
    for (uint32_t p = s->nodes[i].parent; p != SM_NONE && s->nodes[p].state == SM_PROCESSING;
         p = s->nodes[p].parent)
        put(out, cap, n, &s->nodes[p]);
    return LUXC_OK;
}

int luxc_prism_descendants(const luxc_snowman *s, const uint8_t id[32], uint8_t (*out)[32],
                           size_t cap, size_t *n)
{
    uint32_t i;
    int rc = start_walk(s, id, out, cap, n, &i);
    if (rc)
        return rc;
    /* BFS over the scratch queue: views run between polls, never inside
     * one, and the queue is not part of the observable state. */
    uint32_t *q = s->scratch3, head = 0, tail = 0;
    q[tail++] = i;
    while (head < tail) {
        const sm_node *x = &s->nodes[q[head++]];
        for (uint32_t c = 0; c < x->nchildren; c++) {
            q[tail++] = x->children[c];
            put(out, cap, n, &s->nodes[x->children[c]]);
        }
    }
    return LUXC_OK;
}

int luxc_prism_lca(const luxc_snowman *s, const uint8_t a[32], const uint8_t b[32],
                   uint8_t out[32])
{
    if (!s || !a || !b || !out)
        return LUXC_EINVAL;
    uint32_t x = live(s, a), y = live(s, b);
    if (x == SM_NONE || y == SM_NONE)
        return LUXC_ENOTFOUND;
    while (x != y) {
        if (s->nodes[x].b.height >= s->nodes[y].b.height && s->nodes[x].parent != SM_NONE)
            x = s->nodes[x].parent;
        else if (s->nodes[y].parent != SM_NONE)
            y = s->nodes[y].parent;
        else
            x = s->nodes[x].parent != SM_NONE ? s->nodes[x].parent : x;
    }
    memcpy(out, s->nodes[x].b.id, 32);
    return LUXC_OK;
}
