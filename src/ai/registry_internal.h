/* registry_internal.h - the layout of the chain registry and its
 * snapshots, shared by registry.c (entries: update, lookup) and
 * snapshot.c (snapshots: build, cache, pool, accessors). Not public.
 *
 * Locks (order: lock, then pool->mu): `lock` (pthread_rwlock) guards the
 * entries, version, last_update and `cached`. Writers (update,
 * set_issues, set_metadata, rebuilding a stale snapshot) hold it
 * exclusively; lookups and handing out a fresh cached snapshot hold it
 * shared. pool->mu guards the free list of snapshot buffers; releases
 * take only pool->mu. A snapshot's reference count is atomic; the cache
 * holds one reference. The pool outlives the registry while snapshots
 * are still held (`live` counts buffers not yet freed). */
#ifndef LUXC_SRC_AI_REGISTRY_INTERNAL_H
#define LUXC_SRC_AI_REGISTRY_INTERNAL_H

#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>

#include "luxc/ai_registry.h"

#define POOL_KEEP 4u /* idle snapshot buffers kept for reuse */

typedef struct entry {
    uint64_t id_hash;
    uint32_t id_len, hash_len;
    uint64_t height;
    luxc_ai_perf perf;
    int64_t last_seen_ns;
    uint64_t seq;
    uint32_t n_val, val_bytes, n_iss, iss_bytes, n_meta, meta_bytes;
    char id[LUXC_AI_CHAIN_ID_MAX + 1];
    char hash[LUXC_AI_HASH_MAX + 1];
    char vals[LUXC_AI_VALIDATORSBYTES];
    char iss[LUXC_AI_ISSUESBYTES];
    char meta[LUXC_AI_METADATABYTES];
} entry;

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
    pthread_rwlock_t lock;
    entry **e;
    size_t n, cap;
    uint64_t version;
    int64_t last_update;
    luxc_ai_snapshot *cached;
    /* Set when a snapshot was handed out; the next write then rebuilds the
     * cache inside its own critical section, so a GetState after it finds
     * a fresh snapshot under the shared lock (one exclusive section per
     * update + snapshot instead of two). */
    atomic_int demand;
    pool *pool;
    luxc_ai_clock_fn clock;
    void *clock_ctx;
};

#define SPIN_TRIES 64
#define YIELD_TRIES 4

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static inline void luxc_ai_reg_wrlock(luxc_ai_registry *r)
{
    for (int i = 0; i < SPIN_TRIES; i++) {
        if (pthread_rwlock_trywrlock(&r->lock) == 0)
            return;
        cpu_relax();
    }
    /* Still held: its owner may have been preempted (more runnable
     * threads than CPUs); let it run before sleeping on the futex. */
    for (int i = 0; i < YIELD_TRIES; i++) {
        sched_yield();
        if (pthread_rwlock_trywrlock(&r->lock) == 0)
            return;
    }
    pthread_rwlock_wrlock(&r->lock);
}

static inline void luxc_ai_reg_rdlock(luxc_ai_registry *r)
{
    for (int i = 0; i < SPIN_TRIES; i++) {
        if (pthread_rwlock_tryrdlock(&r->lock) == 0)
            return;
        cpu_relax();
    }
    /* Still held: its owner may have been preempted (more runnable
     * threads than CPUs); let it run before sleeping on the futex. */
    for (int i = 0; i < YIELD_TRIES; i++) {
        sched_yield();
        if (pthread_rwlock_tryrdlock(&r->lock) == 0)
            return;
    }
    pthread_rwlock_rdlock(&r->lock);
}

/* snapshot.c */
void luxc_ai_reg_pool_destroy(pool *p);
/* Closes the pool for registry_free: frees idle buffers; the pool itself
 * is freed here or by the last snapshot release. */
void luxc_ai_reg_pool_close(pool *p);
/* Makes r->cached a snapshot of the current version (write lock held);
 * *old gets the replaced snapshot to release after unlocking, or NULL. */
int luxc_ai_reg_refresh(luxc_ai_registry *r, luxc_ai_snapshot **old);

#endif
