/* registry.c - the chain-state registry: per-chain entries (height, hash,
 * validators, performance, issues, metadata) updated in place.
 * Owns: luxc_ai_registry's life cycle, update, set_issues, set_metadata,
 * lookup. Not here: snapshots (snapshot.c), the upgrade decision
 * (upgrade.c). Locking: see registry_internal.h. */
#include "registry_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int64_t reg_now(const luxc_ai_registry *r)
{
    if (r->clock)
        return r->clock(r->clock_ctx);
    /* The coarse clock (one tick, typically 1-4 ms) costs ~5 ns instead of
     * ~25 ns; last_seen needs no finer resolution. */
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME_COARSE, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* Hash of a chain id for the lookup pre-check: one multiply per 8 bytes
 * (FNV's byte-at-a-time chain cost ~3 cycles per byte). */
static uint64_t id_hash(const char *s, size_t n)
{
    uint64_t h = n * UINT64_C(0x9e3779b97f4a7c15);
    while (n > 0) {
        /* Bytes assembled in a register: a partial memcpy into a stack
         * word stalls store-to-load forwarding. */
        uint64_t w = 0;
        size_t k = n < 8 ? n : 8;
        for (size_t i = 0; i < k; i++)
            w |= (uint64_t)(unsigned char)s[i] << (8 * i);
        h = (h ^ w) * UINT64_C(0xbf58476d1ce4e5b9);
        h ^= h >> 31;
        s += k;
        n -= k;
    }
    return h;
}

/* Length of a required string in [1, max], or a negative code. The
 * strings are short (ids, hashes, validator ids): an inline byte loop
 * beats a strnlen call (~3 ns each on the UpdateChain path). Reads at
 * most max + 1 bytes, as strnlen(s, max + 1) would. */
static inline long req_len(const char *s, size_t max)
{
    if (s == NULL || s[0] == '\0')
        return LUXC_EINVAL;
    size_t l = 1;
    while (l <= max && s[l] != '\0')
        l++;
    return l > max ? LUXC_ETOOBIG : (long)l;
}

/* memcmp(a, b, n) == 0 inline: ids are a few bytes, for which a libc
 * call costs more than the comparison. */
static inline int id_eq(const char *a, const char *b, size_t n)
{
    for (; n >= 8; a += 8, b += 8, n -= 8) {
        uint64_t x, y;
        memcpy(&x, a, 8);
        memcpy(&y, b, 8);
        if (x != y)
            return 0;
    }
    for (; n > 0; a++, b++, n--)
        if (*a != *b)
            return 0;
    return 1;
}

int luxc_ai_registry_new(luxc_ai_registry **out, const luxc_ai_registry_cfg *cfg)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    size_t cap = cfg && cfg->max_chains ? cfg->max_chains : LUXC_AI_DEFAULT_CHAINS;
    if (cap > LUXC_AI_MAX_CHAINS)
        return LUXC_ETOOBIG;
    luxc_ai_registry *r = calloc(1, sizeof *r);
    if (r == NULL)
        return LUXC_ENOMEM;
    r->e = calloc(cap, sizeof *r->e);
    r->pool = calloc(1, sizeof *r->pool);
    if (r->e == NULL || r->pool == NULL)
        goto fail;
    if (pthread_mutex_init(&r->pool->mu, NULL) != 0)
        goto fail;
    atomic_init(&r->lock, 0);
    atomic_init(&r->wwait, 0);
    r->cap = cap;
    atomic_init(&r->demand, 0);
    if (cfg) {
        r->clock = cfg->clock;
        r->clock_ctx = cfg->clock_ctx;
    }
    *out = r;
    return LUXC_OK;
fail:
    free(r->pool);
    free(r->e);
    free(r);
    return LUXC_ENOMEM;
}

void luxc_ai_registry_free(luxc_ai_registry *r)
{
    if (r == NULL)
        return;
    pool *p = r->pool;
    luxc_ai_snapshot_release(r->cached);
    luxc_ai_reg_pool_close(p);
    for (size_t i = 0; i < r->n; i++)
        free(r->e[i]);
    free(r->e);
    free(r);
}

static entry *find(const luxc_ai_registry *r, const char *id, size_t len, uint64_t h)
{
    for (size_t i = 0; i < r->n; i++) {
        entry *e = r->e[i];
        if (e->id_hash == h && e->id_len == len && id_eq(e->id, id, len))
            return e;
    }
    return NULL;
}

/* Checks a string list against its bounds; *bytes gets sum(len + 1). */
static int check_list(const char *const *v, size_t n, size_t max_n, size_t max_len,
                      size_t max_bytes, size_t *bytes)
{
    *bytes = 0;
    if (n > max_n)
        return LUXC_ETOOBIG;
    if (n > 0 && v == NULL)
        return LUXC_EINVAL;
    for (size_t i = 0; i < n; i++) {
        long l = req_len(v[i], max_len);
        if (l < 0)
            return (int)l;
        *bytes += (size_t)l + 1;
    }
    return *bytes > max_bytes ? LUXC_ETOOBIG : LUXC_OK;
}

/* Copies the checked list; the bounds are re-applied so that a caller
 * changing its strings meanwhile cannot overflow dst (a string that does
 * not fit whole, NUL included, ends the copy). Returns bytes used; *count
 * gets the strings stored. One pass per string (measure while copying). */
static size_t pack_list(char *dst, size_t cap, const char *const *v, size_t n,
                        size_t max_len, uint32_t *count)
{
    size_t used = 0, i;
    for (i = 0; i < n; i++) {
        const char *src = v[i];
        char *d = dst + used;
        size_t room = cap - used, l = 0;
        if (room == 0)
            break;
        /* Invariant: l + 1 <= room (room for the NUL). */
        while (l < max_len && src[l] != '\0' && l + 1 < room) {
            d[l] = src[l];
            l++;
        }
        if (l < max_len && src[l] != '\0')
            break; /* out of room before the string's end */
        d[l] = '\0';
        used += l + 1;
    }
    *count = (uint32_t)i;
    return used;
}

/* Caller holds the write lock. Returns the replaced snapshot, to be
 * released after unlocking. A failed refresh leaves the cache stale. */
static luxc_ai_snapshot *republish(luxc_ai_registry *r)
{
    luxc_ai_snapshot *old = NULL;
    if (atomic_load_explicit(&r->demand, memory_order_relaxed) &&
        luxc_ai_reg_refresh(r, &old) == LUXC_OK)
        atomic_store_explicit(&r->demand, 0, memory_order_relaxed);
    return old;
}

int luxc_ai_registry_update(luxc_ai_registry *r, const char *chain_id, uint64_t height,
                            const char *hash, const char *const *validators,
                            size_t n_validators, const luxc_ai_perf *perf)
{
    if (r == NULL)
        return LUXC_EINVAL;
    long il = req_len(chain_id, LUXC_AI_CHAIN_ID_MAX);
    if (il < 0)
        return (int)il;
    long hl = req_len(hash, LUXC_AI_HASH_MAX);
    if (hl < 0)
        return (int)hl;
    size_t vb;
    int rc = check_list(validators, n_validators, LUXC_AI_MAX_VALIDATORS,
                        LUXC_AI_VALIDATOR_ID_MAX, LUXC_AI_VALIDATORSBYTES, &vb);
    if (rc != LUXC_OK)
        return rc;
    luxc_ai_perf pf = {0};
    if (perf) {
        if (!isfinite(perf->tps) || !isfinite(perf->fault_rate))
            return LUXC_ERANGE;
        pf = *perf;
        pf.upgrade_needed = perf->upgrade_needed != 0;
    }
    uint64_t h = id_hash(chain_id, (size_t)il);
    int64_t now = reg_now(r);

    luxc_ai_reg_wrlock(r);
    entry *e = find(r, chain_id, (size_t)il, h);
    if (e == NULL) {
        if (r->n == r->cap) {
            luxc_ai_reg_wrunlock(r);
            return LUXC_EFULL;
        }
        e = malloc(sizeof *e);
        if (e == NULL) {
            luxc_ai_reg_wrunlock(r);
            return LUXC_ENOMEM;
        }
        e->id_hash = h;
        e->id_len = (uint32_t)il;
        memcpy(e->id, chain_id, (size_t)il + 1);
        e->n_iss = e->iss_bytes = 0;
        e->n_meta = e->meta_bytes = 0;
        r->e[r->n++] = e;
    }
    e->height = height;
    e->hash_len = (uint32_t)hl;
    memcpy(e->hash, hash, (size_t)hl + 1);
    e->val_bytes = (uint32_t)pack_list(e->vals, sizeof e->vals, validators, n_validators,
                                       LUXC_AI_VALIDATOR_ID_MAX, &e->n_val);
    e->perf = pf;
    e->last_seen_ns = now;
    e->seq = ++r->version;
    r->last_update = now;
    luxc_ai_snapshot *old = republish(r);
    luxc_ai_reg_wrunlock(r);
    luxc_ai_snapshot_release(old);
    return LUXC_OK;
}

int luxc_ai_registry_set_issues(luxc_ai_registry *r, const char *chain_id,
                                const char *const *issues, size_t n_issues)
{
    if (r == NULL)
        return LUXC_EINVAL;
    long il = req_len(chain_id, LUXC_AI_CHAIN_ID_MAX);
    if (il < 0)
        return (int)il;
    size_t ib;
    int rc = check_list(issues, n_issues, LUXC_AI_MAX_ISSUES, LUXC_AI_ISSUE_MAX,
                        LUXC_AI_ISSUESBYTES, &ib);
    if (rc != LUXC_OK)
        return rc;
    uint64_t h = id_hash(chain_id, (size_t)il);
    int64_t now = reg_now(r);
    luxc_ai_reg_wrlock(r);
    entry *e = find(r, chain_id, (size_t)il, h);
    if (e) {
        e->iss_bytes = (uint32_t)pack_list(e->iss, sizeof e->iss, issues, n_issues,
                                           LUXC_AI_ISSUE_MAX, &e->n_iss);
        e->seq = ++r->version;
        r->last_update = now;
    }
    luxc_ai_reg_wrunlock(r);
    return e ? LUXC_OK : LUXC_ENOTFOUND;
}

int luxc_ai_registry_set_metadata(luxc_ai_registry *r, const char *chain_id,
                                  const char *const *keys, const char *const *values,
                                  size_t n)
{
    if (r == NULL || (n > 0 && (keys == NULL || values == NULL)))
        return LUXC_EINVAL;
    long il = req_len(chain_id, LUXC_AI_CHAIN_ID_MAX);
    if (il < 0)
        return (int)il;
    if (n > LUXC_AI_MAX_METADATA)
        return LUXC_ETOOBIG;
    size_t bytes = 0, kl[LUXC_AI_MAX_METADATA], vl[LUXC_AI_MAX_METADATA];
    for (size_t i = 0; i < n; i++) {
        long k = req_len(keys[i], LUXC_AI_METADATA_KEY_MAX);
        if (k < 0)
            return (int)k;
        if (values[i] == NULL)
            return LUXC_EINVAL;
        kl[i] = (size_t)k;
        vl[i] = strnlen(values[i], LUXC_AI_METADATA_VALUE_MAX + 1);
        if (vl[i] > LUXC_AI_METADATA_VALUE_MAX)
            return LUXC_ETOOBIG;
        for (size_t j = 0; j < i; j++)
            if (kl[j] == kl[i] && memcmp(keys[j], keys[i], kl[i]) == 0)
                return LUXC_EDUPLICATE;
        bytes += kl[i] + 1 + vl[i] + 1;
    }
    if (bytes > LUXC_AI_METADATABYTES)
        return LUXC_ETOOBIG;
    uint64_t h = id_hash(chain_id, (size_t)il);
    int64_t now = reg_now(r);
    luxc_ai_reg_wrlock(r);
    entry *e = find(r, chain_id, (size_t)il, h);
    if (e) {
        /* Lengths measured above: copy exactly them (bytes fits). */
        char *d = e->meta;
        for (size_t i = 0; i < n; i++) {
            memcpy(d, keys[i], kl[i]);
            d[kl[i]] = '\0';
            d += kl[i] + 1;
            memcpy(d, values[i], vl[i]);
            d[vl[i]] = '\0';
            d += vl[i] + 1;
        }
        e->n_meta = (uint32_t)n;
        e->meta_bytes = (uint32_t)bytes;
        e->seq = ++r->version;
        r->last_update = now;
    }
    luxc_ai_reg_wrunlock(r);
    return e ? LUXC_OK : LUXC_ENOTFOUND;
}

int luxc_ai_registry_lookup(luxc_ai_registry *r, const char *chain_id,
                            luxc_ai_chain_summary *out)
{
    if (r == NULL || out == NULL)
        return LUXC_EINVAL;
    long il = req_len(chain_id, LUXC_AI_CHAIN_ID_MAX);
    if (il < 0)
        return il == LUXC_ETOOBIG ? LUXC_ENOTFOUND : (int)il;
    uint64_t h = id_hash(chain_id, (size_t)il);
    luxc_ai_reg_rdlock(r);
    const entry *e = find(r, chain_id, (size_t)il, h);
    if (e) {
        memcpy(out->chain_id, e->id, e->id_len + 1);
        memcpy(out->hash, e->hash, e->hash_len + 1);
        out->height = e->height;
        out->perf = e->perf;
        out->last_seen_ns = e->last_seen_ns;
        out->update_seq = e->seq;
        out->n_validators = e->n_val;
        out->n_issues = e->n_iss;
        out->n_metadata = e->n_meta;
    }
    luxc_ai_reg_rdunlock(r);
    return e ? LUXC_OK : LUXC_ENOTFOUND;
}

size_t luxc_ai_registry_count(luxc_ai_registry *r)
{
    if (r == NULL)
        return 0;
    luxc_ai_reg_rdlock(r);
    size_t n = r->n;
    luxc_ai_reg_rdunlock(r);
    return n;
}
