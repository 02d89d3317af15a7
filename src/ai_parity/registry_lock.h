/* registry_lock.h - the reader-writer spin lock on one word that guards
 * the chain registry, and the backoff its waiters use. Not a public header.
 * Owns: luxc_ai_reg_lock and its four operations. Not here: what the lock
 * guards (registry_state.h). The leaf of the registry's files: it knows
 * nothing of the registry, so every other file may include it.
 *
 * Critical sections are tens of nanoseconds and never call out, so a
 * waiter backs off (see luxc_ai_reg_backoff) and, after a dozen rounds,
 * yields instead of sleeping on a futex; the uncontended write lock is one
 * compare-and-swap and its unlock a plain release store, with no library
 * call around them. `word`: bit 0 (RW_W) a writer holds it, the bits above
 * it count readers (RW_R each). Nobody changes `word` while a writer holds
 * it (readers and writers only compare-and-swap from a state without
 * RW_W), which is what makes the plain store unlock correct. `wwait` is
 * set by writers while they wait; new readers hold back then, so writers
 * are not starved. Readers never wait for each other (a failed
 * compare-and-swap against another reader is retried at once), only for a
 * writer. Acquire on taking, release on dropping. */
#ifndef LUXC_SRC_AI_REGISTRY_LOCK_H
#define LUXC_SRC_AI_REGISTRY_LOCK_H

#include <sched.h>
#include <stdatomic.h>
#include <stdint.h>

typedef struct luxc_ai_reg_lock {
    _Atomic uint32_t word;  /* RW_W | readers * RW_R */
    _Atomic uint32_t wwait; /* a writer waits for `word` */
} luxc_ai_reg_lock;

#define RW_W 1u
#define RW_R 2u
#define BACKOFF_BASE 512u  /* first delay, loop iterations (~0.15 us) */
#define BACKOFF_MAXSHIFT 5u /* longest delay: 512 << 5 iterations (~5 us) */
#define YIELD_AFTER 12u

static inline void luxc_ai_reg_lock_init(luxc_ai_reg_lock *l)
{
    atomic_init(&l->word, 0);
    atomic_init(&l->wwait, 0);
}

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

static inline void luxc_ai_reg_wrlock(luxc_ai_reg_lock *l)
{
    uint32_t s = 0;
    if (atomic_compare_exchange_strong_explicit(&l->word, &s, RW_W, memory_order_acquire,
                                                memory_order_relaxed))
        return;
    unsigned k = 0;
    atomic_store_explicit(&l->wwait, 1, memory_order_relaxed);
    for (;;) {
        luxc_ai_reg_backoff(&k);
        s = 0;
        if (atomic_load_explicit(&l->word, memory_order_relaxed) == 0 &&
            atomic_compare_exchange_strong_explicit(&l->word, &s, RW_W, memory_order_acquire,
                                                    memory_order_relaxed)) {
            atomic_store_explicit(&l->wwait, 0, memory_order_relaxed);
            return;
        }
        if (!atomic_load_explicit(&l->wwait, memory_order_relaxed))
            atomic_store_explicit(&l->wwait, 1, memory_order_relaxed);
    }
}

static inline void luxc_ai_reg_wrunlock(luxc_ai_reg_lock *l)
{
    atomic_store_explicit(&l->word, 0, memory_order_release);
}

static inline void luxc_ai_reg_rdlock(luxc_ai_reg_lock *l)
{
    unsigned k = 0;
    uint32_t s = atomic_load_explicit(&l->word, memory_order_relaxed);
    for (;;) {
        if (!(s & RW_W) && !atomic_load_explicit(&l->wwait, memory_order_relaxed)) {
            if (atomic_compare_exchange_weak_explicit(&l->word, &s, s + RW_R,
                                                      memory_order_acquire,
                                                      memory_order_relaxed))
                return;
            continue; /* s reloaded: another reader came or went */
        }
        luxc_ai_reg_backoff(&k);
        s = atomic_load_explicit(&l->word, memory_order_relaxed);
    }
}

static inline void luxc_ai_reg_rdunlock(luxc_ai_reg_lock *l)
{
    atomic_fetch_sub_explicit(&l->word, RW_R, memory_order_release);
}

#endif
