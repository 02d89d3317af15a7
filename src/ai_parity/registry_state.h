/* registry_state.h - the layout of the chain registry, its entries and its
 * snapshots. Not a public header. Owns: the structs and the lock rules
 * below, nothing that runs. Not here: the lock's code (registry_lock.h,
 * included), the functions (registry.c, snapshot.c, registry_clock.c,
 * declared by registry_clock.h and snapshot_internal.h).
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h).
 *
 * Who includes whom (calls point one way, there is no circle):
 *   registry_lock.h <- registry_state.h <- registry_clock.h  <- registry.c
 *                                       <- snapshot_internal.h <- registry.c
 * registry_clock.c and snapshot.c include only their own header (so
 * neither calls the other or registry.c); registry.c calls both.
 *
 * Locks (order: lock, then pool->mu): `lock` guards the entries, version,
 * last_update and `cached`. Writers (update, set_issues, set_metadata,
 * rebuilding a stale snapshot) hold it exclusively; lookups and handing
 * out a fresh cached snapshot hold it shared. pool->mu guards the free
 * list of snapshot buffers; releases take only pool->mu. A snapshot's
 * reference count is atomic; the cache holds one reference. The pool
 * outlives the registry while snapshots are still held (`live` counts
 * buffers not yet freed). */
#ifndef LUXC_SRC_AI_REGISTRY_STATE_H
#define LUXC_SRC_AI_REGISTRY_STATE_H

#include <pthread.h>
#include <stdatomic.h>

#include "luxc/ai_registry.h"
#include "registry_lock.h"

typedef struct entry {
    uint64_t key_lo, key_hi; /* registry.c's id_key */
    uint32_t id_len, hash_len;
    uint64_t height;
    luxc_ai_perf perf;
    int64_t last_seen_ns;
    uint64_t seq;
    uint32_t n_val, val_bytes, n_iss, iss_bytes, n_meta, meta_bytes;
    /* What an update writes comes first: with short strings it touches
     * three cache lines (fields, hash start, validators start), fewer
     * lines to move between cores when threads update one chain. */
    char hash[LUXC_AI_HASH_MAX + 1];
    char vals[LUXC_AI_VALIDATORSBYTES];
    char id[LUXC_AI_CHAIN_ID_MAX + 1];
    char iss[LUXC_AI_ISSUESBYTES];
    char meta[LUXC_AI_METADATABYTES];
} entry;

/* Snapshot buffers for reuse (snapshot.c). */
typedef struct pool {
    pthread_mutex_t mu;
    luxc_ai_snapshot *free_list;
    size_t n_free;
    size_t live;
    int closed;
} pool;

struct luxc_ai_snapshot {
    _Atomic size_t refs;
    pool *pool;
    luxc_ai_snapshot *next; /* free list link */
    size_t cap;             /* bytes allocated for this object */
    uint64_t version;
    int64_t last_update;
    size_t count;
    luxc_ai_chain_info e[]; /* then the string arena */
};

struct luxc_ai_registry {
    /* Read-mostly: shared by all cores without moving. */
    entry **e; /* cap slots, allocated once: entries never move */
    /* Entries in use. Appends store it with release after filling the
     * slot, so a lock-free reader that loads it with acquire finds
     * complete entries: an entry's id and key never change after that,
     * so updates look their entry up before taking the lock. Everything
     * else in an entry is guarded by `lock`. */
    _Atomic size_t n;
    size_t cap;
    pool *pool; /* snapshot.c's */
    luxc_ai_clock_fn clock;
    void *clock_ctx;
    /* Written by every update and snapshot: one line of its own, so a
     * thread taking the lock over moves this line and no other of the
     * registry's. */
    _Alignas(64) luxc_ai_reg_lock lock;
    uint64_t version;
    int64_t last_update;
    luxc_ai_snapshot *cached; /* snapshot.c's */
    /* Set when a snapshot was handed out; the next write then rebuilds the
     * cache inside its own critical section, so a GetState after it finds
     * a fresh snapshot under the shared lock (one exclusive section per
     * update + snapshot instead of two). */
    atomic_int demand;
    /* The ticker (registry_clock.c): now_ns is written by its thread
     * only, on a line of its own. */
    struct {
        _Alignas(64) _Atomic int64_t now_ns;
        int running;
        int stop;
        uint32_t period_ms;
        pthread_t thread;
        pthread_mutex_t mu;
        pthread_cond_t cv;
    } tick;
};

#endif
