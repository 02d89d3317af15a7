/* registry_internal.h - the layout of the chain registry and its
 * snapshots, shared by registry.c (entries: update, lookup) and
 * snapshot.c (snapshots: build, cache, pool, accessors). Not public.
 *
 * Locks (order: lock, then pool->mu): `lock` (a reader-writer spin lock,
 * below) guards the
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
    /* What an update writes comes first: with short strings it touches
     * three cache lines (fields, hash start, validators start), fewer
     * lines to move between cores when threads update one chain. */
    char hash[LUXC_AI_HASH_MAX + 1];
    char vals[LUXC_AI_VALIDATORSBYTES];
    char id[LUXC_AI_CHAIN_ID_MAX + 1];
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
    _Atomic uint32_t lock;  /* see luxc_ai_reg_wrlock below */
    _Atomic uint32_t wwait; /* a writer waits for `lock` */
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

/* The registry lock: a reader-writer spin lock on one word. Critical
 * sections are tens of nanoseconds and never call out, so a waiter spins
 * (with a pause) and then yields instead of sleeping on a futex; the
 * uncontended write lock is one compare-and-swap and its unlock a plain
 * release store, with no library call around them. `lock`:
 * bit 0 (RW_W) a writer holds it, the bits above it count readers
 * (RW_R each). Nobody changes `lock` while a writer holds it (readers and
 * writers only compare-and-swap from a state without RW_W), which is what
 * makes the plain store unlock correct. `wwait` is set by writers while
 * they wait; new readers hold back then, so writers are not starved.
 * Readers never wait for each other (a failed compare-and-swap against
 * another reader is retried at once), only for a writer. Acquire on
 * taking, release on dropping. */
#define RW_W 1u
#define RW_R 2u
#define SPIN_TRIES 64

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

/* Waiting step: spin a while, then let the holder run (it may have been
 * preempted: more runnable threads than CPUs). */
static inline void luxc_ai_reg_backoff(unsigned *spins)
{
    if (*spins < SPIN_TRIES) {
        ++*spins;
        cpu_relax();
    } else {
        sched_yield();
    }
}

static inline void luxc_ai_reg_wrlock(luxc_ai_registry *r)
{
    uint32_t s = 0;
    if (atomic_compare_exchange_strong_explicit(&r->lock, &s, RW_W, memory_order_acquire,
                                                memory_order_relaxed))
        return;
    unsigned spins = 0;
    for (;;) {
        atomic_store_explicit(&r->wwait, 1, memory_order_relaxed);
        luxc_ai_reg_backoff(&spins);
        s = 0;
        if (atomic_load_explicit(&r->lock, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&r->lock, &s, RW_W, memory_order_acquire,
                                                    memory_order_relaxed)) {
            /* Other waiters set it again on their next round. */
            atomic_store_explicit(&r->wwait, 0, memory_order_relaxed);
            return;
        }
    }
}

static inline void luxc_ai_reg_wrunlock(luxc_ai_registry *r)
{
    atomic_store_explicit(&r->lock, 0, memory_order_release);
}

static inline void luxc_ai_reg_rdlock(luxc_ai_registry *r)
{
    unsigned spins = 0;
    uint32_t s = atomic_load_explicit(&r->lock, memory_order_relaxed);
    for (;;) {
        if (!(s & RW_W) && !atomic_load_explicit(&r->wwait, memory_order_relaxed)) {
            if (atomic_compare_exchange_weak_explicit(&r->lock, &s, s + RW_R,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue; /* s reloaded: another reader came or went */
        }
        luxc_ai_reg_backoff(&spins);
        s = atomic_load_explicit(&r->lock, memory_order_relaxed);
    }
}

static inline void luxc_ai_reg_rdunlock(luxc_ai_registry *r)
{
    atomic_fetch_sub_explicit(&r->lock, RW_R, memory_order_release);
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
