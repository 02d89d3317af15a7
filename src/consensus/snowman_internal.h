/* snowman_internal.h - the snowman engine's private state, shared by
 * snowman.c (blocks, pending, table), snowman_poll.c (polls, decisions)
 * and prism.c (read-only views). Not a public header.
 *
 * Invariants: node `root` is the last accepted block (state SM_ROOT);
 * every SM_PROCESSING node descends from it through processing nodes; a
 * node with children holds a snowball over them (choice i = children[i]).
 * Every live node (root, processing, pending) is in the id table. */
#ifndef LUXC_SRC_CONSENSUS_SNOWMAN_INTERNAL_H
#define LUXC_SRC_CONSENSUS_SNOWMAN_INTERNAL_H

#include "luxc/consensus.h"

#define SM_NONE UINT32_MAX

enum { SM_FREE = 0, SM_PENDING, SM_PROCESSING, SM_ROOT, SM_DECIDED };

/* A branching point of the children's id trie: a binary snowball over
 * bit `depth`, under the prefix shared with child `rep`. */
typedef struct sm_bin {
    luxc_snowball sb;       /* sb.strengths points at str */
    uint32_t str[2];
    uint32_t rep;           /* node index of a child below this bin */
    uint16_t depth;
    uint8_t reset[2];       /* reset side before its next poll */
} sm_bin;

typedef struct sm_node {
    luxc_block b;
    uint32_t parent;        /* node index, SM_NONE for root / pending */
    uint32_t *children;     /* node indices */
    uint32_t nchildren, capchildren;
    sm_bin *bins;           /* nchildren - 1 of them (snowman_inst.c) */
    uint32_t nbins, capbins;
    luxc_snowflake leaf;    /* as a child: its own unary confidence */
    uint32_t votes;         /* scratch: subtree votes in this poll */
    uint32_t mark;          /* scratch: poll epoch of votes */
    uint32_t next_free;
    uint8_t state;
    uint8_t falter;         /* reset confidence before the next poll */
} sm_node;

struct luxc_snowman {
    luxc_params params;
    luxc_snowman_cb cb;
    uint32_t max_blocks, max_pending;
    sm_node *nodes;
    uint32_t cap, used, free_head;
    uint32_t root;
    uint32_t nprocessing, npending;
    uint32_t *pending;      /* indices of pending nodes, npending of them */
    uint32_t *table;        /* open addressing, SM_NONE = empty */
    uint32_t tcap;          /* power of two, >= 2 * cap */
    uint32_t epoch;
    uint32_t *scratch;      /* cap entries: touched nodes */
    uint32_t *scratch2;     /* 2 * cap entries: decisions */
    uint32_t *scratch3;     /* cap entries: BFS queue, child sets */
};

uint32_t luxc_sm_lookup(const luxc_snowman *s, const uint8_t id[32]);
void luxc_sm_table_remove(luxc_snowman *s, uint32_t idx);
void luxc_sm_node_release(luxc_snowman *s, uint32_t idx);
/* Per-parent instance (snowman_inst.c). */
int luxc_sm_inst_reserve(luxc_snowman *s, uint32_t p);
void luxc_sm_inst_add(luxc_snowman *s, uint32_t p, uint32_t child);
/* Apply a poll (children's votes valid where mark == ep); returns the
 * child that was polled successfully, or SM_NONE. */
uint32_t luxc_sm_inst_poll(luxc_snowman *s, uint32_t p, uint32_t ep, uint32_t ap, uint32_t ac,
                           int reset);
uint32_t luxc_sm_inst_preference(const luxc_snowman *s, uint32_t p);
int luxc_sm_inst_finalized(const luxc_snowman *s, uint32_t p);

/* Join pending nodes whose parent is now live, repeatedly. */
void luxc_sm_join_pending(luxc_snowman *s);

#endif
