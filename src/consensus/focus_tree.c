/* focus_tree.c - the snowball tree: an n-ary decision as a trie of binary
 * snowball instances over the bits of the choice index (avalanchego
 * snow/consensus/snowball/tree.go, simplified to a complete trie).
 * Owns: splitting a poll's votes by bit, the per-node reset flags that
 * clear a subtree's confidence when it was not polled successfully, and
 * the preferred path. Heap layout: node i has children 2i+1 and 2i+2. */
#include "luxc/consensus.h"

#include <stdlib.h>
#include <string.h>

typedef struct tree_node {
    luxc_snowball sb;      /* binary: choice = next bit */
    uint32_t strengths[2];
    uint8_t reset[2];      /* reset child[bit] before its next poll */
} tree_node;

struct luxc_snowball_tree {
    luxc_params p;
    uint32_t nchoices, nbits, nnodes;
    tree_node *nodes;
};

static uint32_t bit_at(uint32_t choice, uint32_t nbits, uint32_t depth)
{
    return (choice >> (nbits - 1 - depth)) & 1u;
}

void luxc_snowball_tree_free(luxc_snowball_tree *t)
{
    if (!t)
        return;
    free(t->nodes);
    free(t);
}

int luxc_snowball_tree_new(luxc_snowball_tree **out, const luxc_params *p, uint32_t nchoices,
                           uint32_t initial)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!p || nchoices == 0 || nchoices > 65536 || initial >= nchoices)
        return LUXC_EINVAL;
    if (luxc_params_validate(p, NULL, 0) != LUXC_OK)
        return LUXC_EPARAM;
    luxc_snowball_tree *t = calloc(1, sizeof *t);
    if (!t)
        return LUXC_ENOMEM;
    t->p = *p;
    t->nchoices = nchoices;
    while ((1u << t->nbits) < nchoices)
        t->nbits++;
    t->nnodes = (1u << t->nbits) - 1; /* internal nodes of the trie */
    if (t->nnodes && !(t->nodes = calloc(t->nnodes, sizeof *t->nodes))) {
        free(t);
        return LUXC_ENOMEM;
    }
    /* Initial preference of each node: towards `initial` when it lies
     * below, else towards the lowest valid choice below. */
    for (uint32_t i = 0; i < t->nnodes; i++) {
        uint32_t depth = 0, x = i + 1;
        while (x > 1) {
            x >>= 1;
            depth++;
        }
        uint32_t prefix = i + 1 - (1u << depth); /* bits above this node */
        uint32_t shift = t->nbits - depth;
        uint32_t bit = (initial >> shift) == prefix ? bit_at(initial, t->nbits, depth) : 0;
        int rc = luxc_snowball_init(&t->nodes[i].sb, p, t->nodes[i].strengths, 2, bit);
        (void)rc; /* valid by construction */
    }
    *out = t;
    return LUXC_OK;
}

int luxc_snowball_tree_record_poll(luxc_snowball_tree *t, const uint32_t *votes, size_t n)
{
    if (!t || (!votes && n) || n > LUXC_CONSENSUS_MAX_K)
        return LUXC_EINVAL;
    uint32_t buf[LUXC_CONSENSUS_MAX_K];
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (votes[i] < t->nchoices)
            buf[m++] = votes[i];
    uint32_t node = 0;
    int reset = 0;
    for (uint32_t depth = 0; depth < t->nbits; depth++) {
        tree_node *tn = &t->nodes[node];
        uint32_t c[2] = {0, 0};
        for (size_t i = 0; i < m; i++)
            c[bit_at(buf[i], t->nbits, depth)]++;
        uint32_t bit = c[1] >= t->p.alpha_pref ? 1u : 0u;
        if (reset) {
            luxc_snowball_record_unsuccessful(&tn->sb);
            tn->reset[0] = tn->reset[1] = 1;
        }
        tn->reset[1 - bit] = 1; /* the other side was not polled */
        if (c[bit] >= t->p.alpha_pref) {
            int rc = luxc_snowball_record_poll(&tn->sb, c[bit], bit);
            (void)rc;
        } else {
            luxc_snowball_record_unsuccessful(&tn->sb);
            tn->reset[bit] = 1;
        }
        reset = tn->reset[bit];
        tn->reset[bit] = 0; /* passed down */
        size_t k = 0;
        for (size_t i = 0; i < m; i++)
            if (bit_at(buf[i], t->nbits, depth) == bit)
                buf[k++] = buf[i];
        m = k;
        node = 2 * node + 1 + bit;
    }
    return LUXC_OK;
}

uint32_t luxc_snowball_tree_preference(const luxc_snowball_tree *t)
{
    uint32_t node = 0, choice = 0;
    for (uint32_t depth = 0; depth < t->nbits; depth++) {
        uint32_t bit = luxc_snowball_preference(&t->nodes[node].sb);
        choice = choice << 1 | bit;
        node = 2 * node + 1 + bit;
    }
    return choice < t->nchoices ? choice : t->nchoices - 1;
}

int luxc_snowball_tree_finalized(const luxc_snowball_tree *t)
{
    uint32_t node = 0;
    for (uint32_t depth = 0; depth < t->nbits; depth++) {
        if (!luxc_snowball_finalized(&t->nodes[node].sb))
            return 0;
        node = 2 * node + 1 + luxc_snowball_preference(&t->nodes[node].sb);
    }
    return 1;
}

size_t luxc_snowball_tree_bytes(uint32_t nchoices)
{
    uint32_t bits = 0;
    while (bits < 17 && (1u << bits) < nchoices)
        bits++;
    return sizeof(luxc_snowball_tree) + (((size_t)1 << bits) - 1) * sizeof(tree_node);
}
