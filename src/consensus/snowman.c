/* snowman.c - the snowman block engine: blocks, the id table, pending
 * blocks with unknown parents, and the tree they form.
 * Owns: add, lookup, the node pool, joining pending blocks. Not here:
 * polls and decisions (snowman_poll.c), views (prism.c), the rule itself
 * (focus.c). One thread at a time (see luxc/consensus.h). */
#include "consensus/snowman_internal.h"

#include <stdlib.h>
#include <string.h>

static uint32_t hash_id(const uint8_t id[32], uint32_t mask)
{
    uint64_t h;
    memcpy(&h, id, 8);
    h ^= h >> 31;
    h *= 0x9e3779b97f4a7c15ull;
    return (uint32_t)(h >> 32) & mask;
}

uint32_t luxc_sm_lookup(const luxc_snowman *s, const uint8_t id[32])
{
    uint32_t mask = s->tcap - 1;
    for (uint32_t i = hash_id(id, mask);; i = (i + 1) & mask) {
        uint32_t v = s->table[i];
        if (v == SM_NONE)
            return SM_NONE;
        if (!memcmp(s->nodes[v].b.id, id, 32))
            return v;
    }
}

static void table_insert(luxc_snowman *s, uint32_t idx)
{
    uint32_t mask = s->tcap - 1;
    uint32_t i = hash_id(s->nodes[idx].b.id, mask);
    while (s->table[i] != SM_NONE)
        i = (i + 1) & mask;
    s->table[i] = idx;
}

/* Linear probing deletion by backward shift (no tombstones). */
void luxc_sm_table_remove(luxc_snowman *s, uint32_t idx)
{
    uint32_t mask = s->tcap - 1;
    uint32_t i = hash_id(s->nodes[idx].b.id, mask);
    while (s->table[i] != idx) {
        if (s->table[i] == SM_NONE)
            return;
        i = (i + 1) & mask;
    }
    uint32_t j = i;
    for (;;) {
        j = (j + 1) & mask;
        uint32_t v = s->table[j];
        if (v == SM_NONE)
            break;
        uint32_t home = hash_id(s->nodes[v].b.id, mask);
        /* v may move to the hole i if its home is not in (i, j]. */
        if ((j > i && (home <= i || home > j)) || (j < i && home <= i && home > j)) {
            s->table[i] = v;
            i = j;
        }
    }
    s->table[i] = SM_NONE;
}

void luxc_sm_node_release(luxc_snowman *s, uint32_t idx)
{
    sm_node *n = &s->nodes[idx];
    free(n->children);
    free(n->bins);
    memset(n, 0, sizeof *n);
    n->state = SM_FREE;
    n->next_free = s->free_head;
    s->free_head = idx;
}

/* Make room for one more node: pool, scratch arrays and table. */
static int reserve_node(luxc_snowman *s)
{
    if (s->free_head != SM_NONE || s->used < s->cap)
        return LUXC_OK;
    uint32_t ncap = s->cap ? s->cap * 2 : 16;
    sm_node *nodes = realloc(s->nodes, (size_t)ncap * sizeof *nodes);
    if (!nodes)
        return LUXC_ENOMEM;
    s->nodes = nodes;
    uint32_t *a = realloc(s->scratch, (size_t)ncap * sizeof *a);
    if (!a)
        return LUXC_ENOMEM;
    s->scratch = a;
    /* Decisions: an accepted block can appear twice (accepted, then
     * replaced as root in the same poll). */
    if (!(a = realloc(s->scratch2, 2 * (size_t)ncap * sizeof *a)))
        return LUXC_ENOMEM;
    s->scratch2 = a;
    if (!(a = realloc(s->scratch3, (size_t)ncap * sizeof *a)))
        return LUXC_ENOMEM;
    s->scratch3 = a;
    if (!(a = realloc(s->pending, (size_t)ncap * sizeof *a)))
        return LUXC_ENOMEM;
    s->pending = a;
    uint32_t ntcap = s->tcap;
    while (ntcap < 2 * ncap)
        ntcap *= 2;
    if (ntcap != s->tcap) {
        uint32_t *t = malloc((size_t)ntcap * sizeof *t);
        if (!t)
            return LUXC_ENOMEM;
        free(s->table);
        s->table = t;
        s->tcap = ntcap;
        memset(t, 0xff, (size_t)ntcap * sizeof *t);
        for (uint32_t i = 0; i < s->used; i++)
            if (s->nodes[i].state != SM_FREE)
                table_insert(s, i);
    }
    memset(nodes + s->cap, 0, (size_t)(ncap - s->cap) * sizeof *nodes);
    s->cap = ncap;
    return LUXC_OK;
}

static uint32_t take_node(luxc_snowman *s)
{
    uint32_t idx;
    if (s->free_head != SM_NONE) {
        idx = s->free_head;
        s->free_head = s->nodes[idx].next_free;
    } else {
        idx = s->used++;
    }
    memset(&s->nodes[idx], 0, sizeof s->nodes[idx]);
    s->nodes[idx].parent = SM_NONE;
    return idx;
}

void luxc_snowman_free(luxc_snowman *s)
{
    if (!s)
        return;
    for (uint32_t i = 0; i < s->used; i++) {
        free(s->nodes[i].children);
        free(s->nodes[i].bins);
    }
    free(s->nodes);
    free(s->scratch);
    free(s->scratch2);
    free(s->scratch3);
    free(s->pending);
    free(s->table);
    free(s);
}

int luxc_snowman_new(luxc_snowman **out, const luxc_snowman_cfg *cfg)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!cfg)
        return LUXC_EINVAL;
    if (luxc_params_validate(&cfg->params, NULL, 0) != LUXC_OK)
        return LUXC_EPARAM;
    luxc_snowman *s = calloc(1, sizeof *s);
    if (!s)
        return LUXC_ENOMEM;
    s->params = cfg->params;
    s->cb = cfg->cb;
    s->max_blocks = cfg->max_blocks ? cfg->max_blocks : 65536;
    if (s->max_blocks > (1u << 29)) /* node indices keep two flag bits free */
        s->max_blocks = 1u << 29;
    s->max_pending = cfg->max_pending ? cfg->max_pending : 1024;
    s->free_head = SM_NONE;
    s->tcap = 16;
    s->table = malloc(16 * sizeof *s->table);
    if (!s->table || reserve_node(s) != LUXC_OK) {
        luxc_snowman_free(s);
        return LUXC_ENOMEM;
    }
    memset(s->table, 0xff, (size_t)s->tcap * sizeof *s->table);
    s->root = take_node(s);
    s->nodes[s->root].b = cfg->genesis;
    s->nodes[s->root].state = SM_ROOT;
    table_insert(s, s->root);
    *out = s;
    return LUXC_OK;
}

/* Attach live-parented node idx under parent p. Allocation happens before
 * any change, so a failure leaves the tree as it was. */
static int attach(luxc_snowman *s, uint32_t idx, uint32_t p)
{
    if (luxc_sm_inst_reserve(s, p) != LUXC_OK)
        return LUXC_ENOMEM;
    sm_node *n = &s->nodes[idx];
    n->parent = p;
    n->state = SM_PROCESSING;
    luxc_sm_inst_add(s, p, idx);
    s->nprocessing++;
    return LUXC_OK;
}

static void pending_remove_at(luxc_snowman *s, uint32_t i)
{
    s->pending[i] = s->pending[--s->npending];
}

void luxc_sm_join_pending(luxc_snowman *s)
{
    int progress = 1;
    while (progress) {
        progress = 0;
        for (uint32_t i = 0; i < s->npending;) {
            uint32_t idx = s->pending[i];
            uint32_t p = luxc_sm_lookup(s, s->nodes[idx].b.parent);
            if (p != SM_NONE && (s->nodes[p].state == SM_PROCESSING || s->nodes[p].state == SM_ROOT) &&
                s->nodes[idx].b.height == s->nodes[p].b.height + 1 && attach(s, idx, p) == LUXC_OK) {
                pending_remove_at(s, i);
                progress = 1;
                continue;
            }
            i++;
        }
    }
}

int luxc_snowman_add(luxc_snowman *s, const luxc_block *b)
{
    if (!s || !b)
        return LUXC_EINVAL;
    if (luxc_sm_lookup(s, b->id) != SM_NONE)
        return LUXC_OK;
    const sm_node *root = &s->nodes[s->root];
    if (b->height <= root->b.height)
        return LUXC_ESTALE;
    uint32_t p = luxc_sm_lookup(s, b->parent);
    int live = p != SM_NONE && s->nodes[p].state != SM_PENDING;
    if (p != SM_NONE && b->height != s->nodes[p].b.height + 1)
        return LUXC_EINVAL;
    /* A parent at or below the last accepted height that is not the last
     * accepted block can never join: the block conflicts with history. */
    if (p == SM_NONE && b->height == root->b.height + 1)
        return LUXC_ESTALE;
    if (s->nprocessing + s->npending >= s->max_blocks)
        return LUXC_EFULL;
    if (!live && s->npending >= s->max_pending)
        return LUXC_EFULL;
    if (reserve_node(s) != LUXC_OK)
        return LUXC_ENOMEM;
    uint32_t idx = take_node(s);
    s->nodes[idx].b = *b;
    if (live) {
        if (attach(s, idx, p) != LUXC_OK) {
            luxc_sm_node_release(s, idx);
            return LUXC_ENOMEM;
        }
        table_insert(s, idx);
        luxc_sm_join_pending(s);
    } else {
        s->nodes[idx].state = SM_PENDING;
        s->pending[s->npending++] = idx;
        table_insert(s, idx);
    }
    return LUXC_OK;
}

void luxc_snowman_preference(const luxc_snowman *s, uint8_t id[LUXC_BLOCK_IDBYTES])
{
    uint32_t n = s->root;
    while (s->nodes[n].nchildren)
        n = luxc_sm_inst_preference(s, n);
    memcpy(id, s->nodes[n].b.id, LUXC_BLOCK_IDBYTES);
}

void luxc_snowman_last_accepted(const luxc_snowman *s, uint8_t id[LUXC_BLOCK_IDBYTES],
                                uint64_t *height)
{
    if (id)
        memcpy(id, s->nodes[s->root].b.id, LUXC_BLOCK_IDBYTES);
    if (height)
        *height = s->nodes[s->root].b.height;
}

size_t luxc_snowman_num_processing(const luxc_snowman *s) { return s->nprocessing; }
size_t luxc_snowman_num_pending(const luxc_snowman *s) { return s->npending; }

int luxc_snowman_is_processing(const luxc_snowman *s, const uint8_t id[LUXC_BLOCK_IDBYTES])
{
    uint32_t i = luxc_sm_lookup(s, id);
    return i != SM_NONE && s->nodes[i].state == SM_PROCESSING;
}
