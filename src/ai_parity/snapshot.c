/* snapshot.c - immutable, reference-counted snapshots of the chain
 * registry: the cached snapshot, its rebuild, the buffer pool, and the
 * read-only accessors. Owns: luxc_ai_snapshot, the pool's whole life
 * (created, closed and freed here). Not here: entries and their updates
 * (registry.c), the clock (registry_clock.c). Calls only the lock
 * (registry_lock.h); registry.c calls in through snapshot_internal.h.
 * Layout and locking: registry_state.h.
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h). */
#include "snapshot_internal.h"

#include <stdlib.h>
#include <string.h>

#define POOL_KEEP 4u /* idle snapshot buffers kept for reuse */

static void pool_destroy(pool *p)
{
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int luxc_ai_reg_snapshots_init(luxc_ai_registry *r)
{
    pool *p = calloc(1, sizeof *p);
    if (p == NULL)
        return LUXC_ENOMEM;
    if (pthread_mutex_init(&p->mu, NULL) != 0) {
        free(p);
        return LUXC_ENOMEM;
    }
    r->pool = p;
    r->cached = NULL;
    return LUXC_OK;
}

void luxc_ai_snapshot_retain(luxc_ai_snapshot *s)
{
    if (s)
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
}

void luxc_ai_snapshot_release(luxc_ai_snapshot *s)
{
    if (s == NULL)
        return;
    if (atomic_fetch_sub_explicit(&s->refs, 1, memory_order_acq_rel) != 1)
        return;
    pool *p = s->pool;
    int destroy = 0;
    pthread_mutex_lock(&p->mu);
    if (!p->closed && p->n_free < POOL_KEEP) {
        s->next = p->free_list;
        p->free_list = s;
        p->n_free++;
        s = NULL;
    } else {
        p->live--;
        destroy = p->closed && p->live == 0;
    }
    pthread_mutex_unlock(&p->mu);
    free(s);
    if (destroy)
        pool_destroy(p);
}

void luxc_ai_reg_snapshots_close(luxc_ai_registry *r)
{
    luxc_ai_snapshot_release(r->cached);
    r->cached = NULL;
    pool *p = r->pool;
    r->pool = NULL;
    pthread_mutex_lock(&p->mu);
    p->closed = 1;
    luxc_ai_snapshot *s = p->free_list;
    p->free_list = NULL;
    while (s) {
        luxc_ai_snapshot *next = s->next;
        free(s);
        p->live--;
        s = next;
    }
    p->n_free = 0;
    int destroy = p->live == 0;
    pthread_mutex_unlock(&p->mu);
    if (destroy)
        pool_destroy(p);
}

/* A buffer of at least `need` bytes: a pooled one if one fits, else new. */
static luxc_ai_snapshot *pool_take(pool *p, size_t need)
{
    luxc_ai_snapshot *s = NULL, *drop = NULL;
    pthread_mutex_lock(&p->mu);
    if (p->free_list) {
        s = p->free_list;
        p->free_list = s->next;
        p->n_free--;
        if (s->cap < need) {
            drop = s;
            s = NULL;
            p->live--;
        }
    }
    if (s == NULL)
        p->live++; /* reserved for the allocation below */
    pthread_mutex_unlock(&p->mu);
    free(drop);
    if (s)
        return s;
    size_t cap = need < 1024 ? 1024 : need;
    s = malloc(cap);
    if (s == NULL) {
        pthread_mutex_lock(&p->mu);
        p->live--;
        pthread_mutex_unlock(&p->mu);
        return NULL;
    }
    s->cap = cap;
    s->pool = p;
    return s;
}

/* Makes r->cached a snapshot of the current version; *old gets the
 * snapshot it replaced (to release after unlocking) or NULL. Caller holds
 * the write lock. If only the cache holds the current snapshot (refs 1),
 * it is rewritten in place: new references are only taken under the
 * lock, which we hold exclusively, and the acquire load pairs with the
 * releasers' acq_rel decrement, so their reads are finished. */
int luxc_ai_reg_refresh(luxc_ai_registry *r, luxc_ai_snapshot **old)
{
    *old = NULL;
    size_t n = atomic_load_explicit(&r->n, memory_order_relaxed); /* lock held */
    size_t need = sizeof(luxc_ai_snapshot) + n * sizeof(luxc_ai_chain_info);
    for (size_t i = 0; i < n; i++) {
        const entry *e = r->e[i];
        need += e->id_len + 1 + e->hash_len + 1 + e->val_bytes + e->iss_bytes + e->meta_bytes;
    }
    luxc_ai_snapshot *c = r->cached, *s;
    if (c && atomic_load_explicit(&c->refs, memory_order_acquire) == 1 && c->cap >= need) {
        s = c;
    } else {
        s = pool_take(r->pool, need);
        if (s == NULL)
            return LUXC_ENOMEM;
        atomic_init(&s->refs, 1);
        *old = c;
    }
    s->next = NULL;
    s->version = r->version;
    s->last_update = r->last_update;
    s->count = n;
    char *a = (char *)&s->e[n];
    for (size_t i = 0; i < n; i++) {
        const entry *e = r->e[i];
        luxc_ai_chain_info *ci = &s->e[i];
        ci->chain_id = memcpy(a, e->id, e->id_len + 1);
        a += e->id_len + 1;
        ci->hash = memcpy(a, e->hash, e->hash_len + 1);
        a += e->hash_len + 1;
        ci->validators = e->val_bytes ? memcpy(a, e->vals, e->val_bytes) : "";
        a += e->val_bytes;
        ci->issues = e->iss_bytes ? memcpy(a, e->iss, e->iss_bytes) : "";
        a += e->iss_bytes;
        ci->metadata = e->meta_bytes ? memcpy(a, e->meta, e->meta_bytes) : "";
        a += e->meta_bytes;
        ci->n_metadata = e->n_meta;
        ci->n_validators = e->n_val;
        ci->n_issues = e->n_iss;
        ci->height = e->height;
        ci->perf = e->perf;
        ci->last_seen_ns = e->last_seen_ns;
        ci->update_seq = e->seq;
    }
    r->cached = s;
    return LUXC_OK;
}

int luxc_ai_registry_snapshot(luxc_ai_registry *r, luxc_ai_snapshot **out)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    if (r == NULL)
        return LUXC_EINVAL;
    /* Relaxed: a hint only; the lock orders the data. */
    if (!atomic_load_explicit(&r->demand, memory_order_relaxed))
        atomic_store_explicit(&r->demand, 1, memory_order_relaxed);
    luxc_ai_reg_rdlock(&r->lock);
    luxc_ai_snapshot *s = r->cached;
    if (s && s->version == r->version) {
        /* Relaxed: the cache's own reference keeps s alive while we hold
         * the lock; the caller's later reads are ordered by the unlock. */
        atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
        luxc_ai_reg_rdunlock(&r->lock);
        *out = s;
        return LUXC_OK;
    }
    luxc_ai_reg_rdunlock(&r->lock);

    luxc_ai_reg_wrlock(&r->lock);
    s = r->cached;
    luxc_ai_snapshot *old = NULL;
    if (s == NULL || s->version != r->version) {
        if (luxc_ai_reg_refresh(r, &old) != LUXC_OK) {
            luxc_ai_reg_wrunlock(&r->lock);
            return LUXC_ENOMEM;
        }
        s = r->cached;
    }
    atomic_fetch_add_explicit(&s->refs, 1, memory_order_relaxed);
    luxc_ai_reg_wrunlock(&r->lock);
    luxc_ai_snapshot_release(old);
    *out = s;
    return LUXC_OK;
}

size_t luxc_ai_snapshot_count(const luxc_ai_snapshot *s) { return s ? s->count : 0; }
uint64_t luxc_ai_snapshot_version(const luxc_ai_snapshot *s) { return s ? s->version : 0; }
int64_t luxc_ai_snapshot_last_update(const luxc_ai_snapshot *s)
{
    return s ? s->last_update : 0;
}

int luxc_ai_snapshot_get(const luxc_ai_snapshot *s, size_t i, luxc_ai_chain_info *out)
{
    if (s == NULL || out == NULL)
        return LUXC_EINVAL;
    if (i >= s->count)
        return LUXC_ENOTFOUND;
    *out = s->e[i];
    return LUXC_OK;
}

int luxc_ai_snapshot_find(const luxc_ai_snapshot *s, const char *chain_id,
                          luxc_ai_chain_info *out)
{
    if (s == NULL || out == NULL || chain_id == NULL)
        return LUXC_EINVAL;
    for (size_t i = 0; i < s->count; i++) {
        if (strcmp(s->e[i].chain_id, chain_id) == 0) {
            *out = s->e[i];
            return LUXC_OK;
        }
    }
    return LUXC_ENOTFOUND;
}
