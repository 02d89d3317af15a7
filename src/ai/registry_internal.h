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
#include <time.h>

#include "luxc/ai_registry.h"

#define POOL_KEEP 4u /* idle snapshot buffers kept for reuse */

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
    pool *pool;
    luxc_ai_clock_fn clock;
    void *clock_ctx;
    /* Written by every update and snapshot: one line of its own, so a
     * thread taking the lock over moves this line and no other of the
     * registry's. */
    _Alignas(64) _Atomic uint32_t lock; /* see luxc_ai_reg_wrlock below */
    _Atomic uint32_t wwait;             /* a writer waits for `lock` */
    uint64_t version;
    int64_t last_update;
    luxc_ai_snapshot *cached;
    /* Set when a snapshot was handed out; the next write then rebuilds the
     * cache inside its own critical section, so a GetState after it finds
     * a fresh snapshot under the shared lock (one exclusive section per
     * update + snapshot instead of two). */
    atomic_int demand;
    /* The ticker (registry.c): now_ns is written by its thread only, on
     * a line of its own. */
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

/* The registry lock: a reader-writer spin lock on one word. Critical
 * sections are tens of nanoseconds and never call out, so a waiter backs
 * off (see luxc_ai_reg_backoff) and, after a dozen rounds, yields instead
 * of sleeping on a futex; the uncontended write lock is one
 * compare-and-swap and its unlock a plain release store, with no library
 * call around them. `lock`:
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
#define BACKOFF_BASE 512u  /* first delay, loop iterations (~0.15 us) */
#define BACKOFF_MAXSHIFT 5u /* longest delay: 512 << 5 iterations (~5 us) */
#define YIELD_AFTER 12u

/* Waiting step k (0, 1, ...): a delay that touches no shared memory and
 * doubles each round up to ~5 us. Why: moving a cache line between the
 * two cores of this machine's kind takes 100-170 ns (measured one way),
 * longer than a whole update. A waiter that polls the lock word steals
 * its line on every poll, so holder and waiter would pay a transfer per
 * critical section; backing off lets the thread that holds the line run
 * many sections before the next hand-over (BenchmarkConcurrentAccess:
 * 93-312 ns/op polling with pauses, 36-40 with this backoff). The cost
 * is fairness over short spans: a waiter may wait a few microseconds
 * longer. No pause instruction: under KVM a long pause loop can exit to
 * the hypervisor (pause-loop exiting). */
static inline void luxc_ai_reg_backoff(unsigned *k)
{
    unsigned shift = *k < BACKOFF_MAXSHIFT ? *k : BACKOFF_MAXSHIFT;
    for (unsigned i = BACKOFF_BASE << shift; i > 0; i--)
        __asm__ __volatile__("" ::: "memory");
    if (*k >= YIELD_AFTER)
        sched_yield();
    else
        ++*k;
}

static inline void luxc_ai_reg_wrlock(luxc_ai_registry *r)
{
    uint32_t s = 0;
    if (atomic_compare_exchange_strong_explicit(&r->lock, &s, RW_W, memory_order_acquire,
                                                memory_order_relaxed))
        return;
    unsigned k = 0;
    atomic_store_explicit(&r->wwait, 1, memory_order_relaxed);
    for (;;) {
        luxc_ai_reg_backoff(&k);
        s = 0;
        if (atomic_load_explicit(&r->lock, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&r->lock, &s, RW_W, memory_order_acquire,
                                                    memory_order_relaxed)) {
            atomic_store_explicit(&r->wwait, 0, memory_order_relaxed);
            return;
        }
        if (!atomic_load_explicit(&r->wwait, memory_order_relaxed))
            atomic_store_explicit(&r->wwait, 1, memory_order_relaxed);
    }
}

static inline void luxc_ai_reg_wrunlock(luxc_ai_registry *r)
{
    atomic_store_explicit(&r->lock, 0, memory_order_release);
}

static inline void luxc_ai_reg_rdlock(luxc_ai_registry *r)
{
    unsigned k = 0;
    uint32_t s = atomic_load_explicit(&r->lock, memory_order_relaxed);
    for (;;) {
        if (!(s & RW_W) && !atomic_load_explicit(&r->wwait, memory_order_relaxed)) {
            if (atomic_compare_exchange_weak_explicit(&r->lock, &s, s + RW_R,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue; /* s reloaded: another reader came or went */
        }
        luxc_ai_reg_backoff(&k);
        s = atomic_load_explicit(&r->lock, memory_order_relaxed);
    }
}

static inline void luxc_ai_reg_rdunlock(luxc_ai_registry *r)
{
    atomic_fetch_sub_explicit(&r->lock, RW_R, memory_order_release);
}

/* registry_clock.c */
static inline int64_t luxc_ai_reg_timespec_ns(const struct timespec *ts)
{
    return (int64_t)ts->tv_sec * 1000000000 + ts->tv_nsec;
}

/* The time that stamps last_seen: the ticker's value, else the caller's
 * clock, else CLOCK_REALTIME_COARSE. */
static inline int64_t luxc_ai_reg_now(luxc_ai_registry *r)
{
    if (r->tick.running)
        return atomic_load_explicit(&r->tick.now_ns, memory_order_relaxed);
    if (r->clock)
        return r->clock(r->clock_ctx);
    /* The coarse clock (one tick, typically 1-4 ms) costs ~5 ns instead of
     * ~25 ns; last_seen needs no finer resolution. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return luxc_ai_reg_timespec_ns(&ts);
}

/* Starts the ticker (period_ms >= 1); LUXC_ENOMEM if anything fails. */
int luxc_ai_reg_ticker_start(luxc_ai_registry *r, uint32_t period_ms);
/* Stops and joins the ticker; a no-op when it does not run. */
void luxc_ai_reg_ticker_stop(luxc_ai_registry *r);

/* snapshot.c */
void luxc_ai_reg_pool_destroy(pool *p);
/* Closes the pool for registry_free: frees idle buffers; the pool itself
 * is freed here or by the last snapshot release. */
void luxc_ai_reg_pool_close(pool *p);
/* Makes r->cached a snapshot of the current version (write lock held);
 * *old gets the replaced snapshot to release after unlocking, or NULL. */
int luxc_ai_reg_refresh(luxc_ai_registry *r, luxc_ai_snapshot **old);

#endif
