/* registry.c - the chain-state registry: per-chain entries (height, hash,
 * validators, performance, issues, metadata) updated in place.
 * Owns: luxc_ai_registry's life cycle, update, set_issues, set_metadata,
 * lookup. Not here: snapshots (snapshot.c), the clock and its ticker
 * thread (registry_clock.c), the upgrade decision (upgrade.c). The top of
 * the registry's files: it calls snapshot.c and registry_clock.c, which
 * never call back. Layout and locking: registry_state.h.
 * Layer ai_parity (the Go reference's ai package, kept for benchmark
 * parity; the node does not use it, see luxc/ai_parity.h). */
#include "registry_clock.h"
#include "snapshot_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#if defined(__AVX512BW__) && defined(__AVX512VL__)
#include <immintrin.h>
#endif

#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)

/* Loads of 1..8 bytes that stay inside [p, p + n): for n >= 4, two
 * (possibly overlapping) 4-byte loads; below, the first, middle and last
 * byte. Every byte is covered, so equal words mean equal bytes. */
static inline uint64_t load_upto8(const char *p, size_t n)
{
    if (n >= 4) {
        uint32_t a, b;
        memcpy(&a, p, 4);
        memcpy(&b, p + n - 4, 4);
        return (uint64_t)a << 32 | b;
    }
    return (uint64_t)(unsigned char)p[0] << 16 | (uint64_t)(unsigned char)p[n / 2] << 8 |
           (unsigned char)p[n - 1];
}

/* The lookup key of a chain id (n >= 1): its first and last 8 bytes
 * (for n < 8, load_upto8's word and 0). Equal keys and lengths mean
 * equal ids up to 16 bytes; longer ids also compare their middles
 * (id_eq). No hashing: comparing two words costs less than mixing them. */
typedef struct id_key {
    uint64_t lo, hi;
} id_key;

static inline id_key id_key_of(const char *s, size_t n)
{
    id_key k;
    if (n >= 8) {
        memcpy(&k.lo, s, 8);
        memcpy(&k.hi, s + n - 8, 8);
    } else {
        k.lo = load_upto8(s, n);
        k.hi = 0;
    }
    return k;
}

/* Length of a required string in [1, max], or a negative code. Reads
 * at most max + 1 bytes and never past the string's NUL into another
 * page, as strnlen(s, max + 1) would. Byte by byte: the general case. */
static long req_len_slow(const char *s, size_t max)
{
    if (s == NULL || s[0] == '\0')
        return LUXC_EINVAL;
    size_t l = 1;
    while (l <= max && s[l] != '\0')
        l++;
    return l > max ? LUXC_ETOOBIG : (long)l;
}

/* req_len_slow for the strings of an update (ids, hashes, validator ids:
 * short, and every bound at least 32). With AVX-512BW/VL, when the 32
 * bytes at s lie in s's page (so reading them cannot fault), one masked
 * load and compare find a NUL among them without a loop or a libc call;
 * the masked-load form is not instrumented by AddressSanitizer, which
 * would otherwise flag the harmless bytes read past the NUL. */
_Static_assert(LUXC_AI_CHAIN_ID_MAX >= 32 && LUXC_AI_HASH_MAX >= 32 &&
                   LUXC_AI_VALIDATOR_ID_MAX >= 32 && LUXC_AI_ISSUE_MAX >= 32 &&
                   LUXC_AI_METADATA_KEY_MAX >= 32,
               "req_len's fast path needs every bound >= 32");

static inline long req_len(const char *s, size_t max)
{
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    if (LIKELY(s != NULL && ((uintptr_t)s & 4095u) <= 4096u - 32u)) {
        __m256i v = _mm256_maskz_loadu_epi8(~(__mmask32)0, s);
        uint32_t z = (uint32_t)_mm256_cmpeq_epi8_mask(v, _mm256_setzero_si256());
        if (LIKELY(z != 0)) {
            size_t l = (size_t)__builtin_ctz(z);
            return l == 0 ? LUXC_EINVAL : (long)l; /* l < 32 <= max */
        }
    }
#endif
    return req_len_slow(s, max);
}

/* memcmp(a, b, n) == 0 for n >= 1, inline: ids are a few bytes, for
 * which a libc call costs more than the comparison. The last word
 * overlaps the one before; no load leaves [a, a + n) or [b, b + n). */
static inline int id_eq(const char *a, const char *b, size_t n)
{
    if (n < 8)
        return load_upto8(a, n) == load_upto8(b, n);
    for (size_t i = 0; i + 8 < n; i += 8) {
        uint64_t x, y;
        memcpy(&x, a + i, 8);
        memcpy(&y, b + i, 8);
        if (x != y)
            return 0;
    }
    uint64_t x, y;
    memcpy(&x, a + n - 8, 8);
    memcpy(&y, b + n - 8, 8);
    return x == y;
}

/* memcpy for the short strings of an update, inline (a libc call costs
 * more than copying a few bytes): overlapping 8-, 4- or 1-byte moves
 * inside [src, src + n). */
static inline void copy_short(char *dst, const char *src, size_t n)
{
    if (n >= 8) {
        size_t i = 0;
        for (; i + 8 < n; i += 8)
            memcpy(dst + i, src + i, 8);
        memcpy(dst + n - 8, src + n - 8, 8);
    } else if (n >= 4) {
        memcpy(dst, src, 4);
        memcpy(dst + n - 4, src + n - 4, 4);
    } else {
        for (size_t i = 0; i < n; i++)
            dst[i] = src[i];
    }
}

/* Copies len bytes and a NUL after them (dst has room for len + 1).
 * With AVX-512BW/VL, strings below 32 bytes take one masked load (of
 * exactly len bytes, zeroing the rest, so the NUL comes with it) and one
 * masked store; masked-off bytes are neither read nor written. */
static inline void copy_nul(char *dst, const char *src, size_t len)
{
#if defined(__AVX512BW__) && defined(__AVX512VL__)
    if (LIKELY(len < 32)) {
        __m256i v = _mm256_maskz_loadu_epi8((__mmask32)_bzhi_u32(~0u, (unsigned)len), src);
        _mm256_mask_storeu_epi8(dst, (__mmask32)_bzhi_u32(~0u, (unsigned)len + 1), v);
        return;
    }
#endif
    copy_short(dst, src, len);
    dst[len] = '\0';
}

int luxc_ai_registry_new(luxc_ai_registry **out, const luxc_ai_registry_cfg *cfg)
{
    if (out == NULL)
        return LUXC_EINVAL;
    *out = NULL;
    size_t cap = cfg && cfg->max_chains ? cfg->max_chains : LUXC_AI_DEFAULT_CHAINS;
    if (cap > LUXC_AI_MAX_CHAINS)
        return LUXC_ETOOBIG;
    uint32_t tick = cfg ? cfg->tick_ms : 0;
    if (tick == 0)
        tick = 1;
    if (tick > LUXC_AI_TICK_MAX_MS && tick != LUXC_AI_TICK_OFF)
        return LUXC_EINVAL;
    /* The ticker's line is 64-byte aligned: calloc does not promise it. */
    luxc_ai_registry *r = aligned_alloc(_Alignof(luxc_ai_registry), sizeof *r);
    if (r == NULL)
        return LUXC_ENOMEM;
    memset(r, 0, sizeof *r);
    r->e = calloc(cap, sizeof *r->e);
    if (r->e == NULL || luxc_ai_reg_snapshots_init(r) != LUXC_OK)
        goto fail;
    luxc_ai_reg_lock_init(&r->lock);
    r->cap = cap;
    atomic_init(&r->demand, 0);
    if (cfg) {
        r->clock = cfg->clock;
        r->clock_ctx = cfg->clock_ctx;
    }
    if (r->clock == NULL && tick != LUXC_AI_TICK_OFF && luxc_ai_reg_ticker_start(r, tick) != LUXC_OK) {
        luxc_ai_reg_snapshots_close(r);
        goto fail;
    }
    *out = r;
    return LUXC_OK;
fail:
    free(r->e);
    free(r);
    return LUXC_ENOMEM;
}

void luxc_ai_registry_free(luxc_ai_registry *r)
{
    if (r == NULL)
        return;
    luxc_ai_reg_ticker_stop(r);
    luxc_ai_reg_snapshots_close(r);
    size_t n = atomic_load_explicit(&r->n, memory_order_relaxed);
    for (size_t i = 0; i < n; i++)
        free(r->e[i]);
    free(r->e);
    free(r);
}

static inline entry *find(const luxc_ai_registry *r, const char *id, size_t len, id_key k)
{
    size_t n = atomic_load_explicit(&r->n, memory_order_acquire);
    for (size_t i = 0; i < n; i++) {
        entry *e = r->e[i];
        if (e->key_lo == k.lo && e->key_hi == k.hi && e->id_len == len &&
            (len <= 16 || id_eq(e->id, id, len)))
            return e;
    }
    return NULL;
}

/* Checks a string list against its bounds, keeping each length in
 * lens[] (every bound is below 256). Returns sum(len + 1), or a negative
 * code (returned, not stored: no address-taken local on the hot path). */
static inline long check_list(const char *const *v, size_t n, size_t max_n, size_t max_len,
                              size_t max_bytes, uint8_t *lens)
{
    if (n > max_n)
        return LUXC_ETOOBIG;
    if (n > 0 && v == NULL)
        return LUXC_EINVAL;
    size_t sum = 0;
    for (size_t i = 0; i < n; i++) {
        long l = req_len(v[i], max_len);
        if (l < 0)
            return l;
        lens[i] = (uint8_t)l;
        sum += (size_t)l + 1;
    }
    return sum > max_bytes ? LUXC_ETOOBIG : (long)sum;
}

/* Copies a checked list: exactly the measured lengths, each followed by
 * a NUL, so a caller changing its strings meanwhile cannot overflow dst
 * (it can only garble its own data). Returns the bytes used. */
static inline size_t pack_list(char *dst, const char *const *v, size_t n, const uint8_t *lens)
{
    size_t used = 0;
    for (size_t i = 0; i < n; i++) {
        copy_nul(dst + used, v[i], lens[i]);
        used += (size_t)lens[i] + 1;
    }
    return used;
}

/* Appends an entry for a new chain id (write lock held); NULL when full
 * or out of memory. Out of the update's hot path. */
static __attribute__((noinline)) entry *new_entry(luxc_ai_registry *r, const char *id,
                                                  size_t len, id_key k)
{
    size_t n = atomic_load_explicit(&r->n, memory_order_relaxed);
    if (n == r->cap)
        return NULL;
    entry *e = malloc(sizeof *e);
    if (e == NULL)
        return NULL;
    e->key_lo = k.lo;
    e->key_hi = k.hi;
    e->id_len = (uint32_t)len;
    memcpy(e->id, id, len);
    e->id[len] = '\0';
    e->n_iss = e->iss_bytes = 0;
    e->n_meta = e->meta_bytes = 0;
    r->e[n] = e;
    atomic_store_explicit(&r->n, n + 1, memory_order_release);
    return e;
}

/* Caller holds the write lock and saw r->demand set. Returns the
 * replaced snapshot, to be released after unlocking. A failed refresh
 * leaves the cache stale. Out of line, so that updates nobody takes
 * snapshots after keep no address-taken local. */
static __attribute__((noinline)) luxc_ai_snapshot *republish(luxc_ai_registry *r)
{
    luxc_ai_snapshot *old = NULL;
    if (luxc_ai_reg_refresh(r, &old) == LUXC_OK)
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
    uint8_t lens[LUXC_AI_MAX_VALIDATORS];
    long vb = check_list(validators, n_validators, LUXC_AI_MAX_VALIDATORS,
                         LUXC_AI_VALIDATOR_ID_MAX, LUXC_AI_VALIDATORSBYTES, lens);
    if (vb < 0)
        return (int)vb;
    luxc_ai_perf pf = {0};
    if (perf) {
        if (!isfinite(perf->tps) || !isfinite(perf->fault_rate))
            return LUXC_ERANGE;
        pf = *perf;
        pf.upgrade_needed = perf->upgrade_needed != 0;
    }
    id_key k = id_key_of(chain_id, (size_t)il);
    int64_t now = luxc_ai_reg_now(r);

    /* Found before locking (see `n` in registry_state.h), so the
     * lookup's loads overlap the lock's compare-and-swap. */
    entry *e = find(r, chain_id, (size_t)il, k);
    luxc_ai_reg_wrlock(&r->lock);
    if (e == NULL && (e = find(r, chain_id, (size_t)il, k)) == NULL) {
        e = new_entry(r, chain_id, (size_t)il, k);
        if (e == NULL) {
            int full = atomic_load_explicit(&r->n, memory_order_relaxed) == r->cap;
            luxc_ai_reg_wrunlock(&r->lock);
            return full ? LUXC_EFULL : LUXC_ENOMEM;
        }
    }
    e->height = height;
    e->hash_len = (uint32_t)hl;
    copy_nul(e->hash, hash, (size_t)hl);
    e->val_bytes = (uint32_t)pack_list(e->vals, validators, n_validators, lens);
    e->n_val = (uint32_t)n_validators;
    e->perf = pf;
    e->last_seen_ns = now;
    e->seq = ++r->version;
    r->last_update = now;
    luxc_ai_snapshot *old = NULL;
    if (atomic_load_explicit(&r->demand, memory_order_relaxed))
        old = republish(r);
    luxc_ai_reg_wrunlock(&r->lock);
    if (old)
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
    uint8_t lens[LUXC_AI_MAX_ISSUES];
    long ib = check_list(issues, n_issues, LUXC_AI_MAX_ISSUES, LUXC_AI_ISSUE_MAX,
                         LUXC_AI_ISSUESBYTES, lens);
    if (ib < 0)
        return (int)ib;
    id_key k = id_key_of(chain_id, (size_t)il);
    int64_t now = luxc_ai_reg_now(r);
    luxc_ai_reg_wrlock(&r->lock);
    entry *e = find(r, chain_id, (size_t)il, k);
    if (e) {
        e->iss_bytes = (uint32_t)pack_list(e->iss, issues, n_issues, lens);
        e->n_iss = (uint32_t)n_issues;
        e->seq = ++r->version;
        r->last_update = now;
    }
    luxc_ai_reg_wrunlock(&r->lock);
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
    id_key k = id_key_of(chain_id, (size_t)il);
    int64_t now = luxc_ai_reg_now(r);
    luxc_ai_reg_wrlock(&r->lock);
    entry *e = find(r, chain_id, (size_t)il, k);
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
    luxc_ai_reg_wrunlock(&r->lock);
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
    id_key k = id_key_of(chain_id, (size_t)il);
    luxc_ai_reg_rdlock(&r->lock);
    const entry *e = find(r, chain_id, (size_t)il, k);
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
    luxc_ai_reg_rdunlock(&r->lock);
    return e ? LUXC_OK : LUXC_ENOTFOUND;
}

size_t luxc_ai_registry_count(luxc_ai_registry *r)
{
    if (r == NULL)
        return 0;
    luxc_ai_reg_rdlock(&r->lock);
    size_t n = atomic_load_explicit(&r->n, memory_order_relaxed);
    luxc_ai_reg_rdunlock(&r->lock);
    return n;
}
