/* luxc/ai_registry.h - the chain-state registry and the upgrade decision
 * of the reference-parity layer (luxc/ai_parity.h; SPEC section 2,
 * "ChainState", "UpdateChain", "GetState", "ShouldUpgrade"). The luxc node
 * does not use them yet: its upgrade votes come from a luxc_ai_model
 * directly (src/daemon/node_model.c); these mirror the Go reference so
 * its benchmarks time the same work here.
 *
 * Model. A registry holds up to max_chains entries keyed by chain id. Each
 * entry: height, hash, validator list, performance {tps, latency_ms,
 * fault_rate, upgrade_needed}, issue list, metadata (key/value pairs),
 * last_seen (ns since the epoch) and update_seq (the registry version of
 * its last write). Sizes are
 * bounded (LUXC_AI_* below); an update over a bound fails with
 * LUXC_ETOOBIG and changes nothing. Chains are found by a linear scan
 * with a 64-bit hash pre-check (registries hold tens of chains; the cost
 * is linear in max_chains at worst).
 *
 * Snapshots. luxc_ai_registry_snapshot returns an immutable,
 * reference-counted copy of every entry as of one registry version: no
 * entry in it is ever torn, and it stays valid (and unchanged) until the
 * caller releases it, even after the registry is freed. Snapshots are
 * cached: while nothing changed, taking one costs a read lock and a
 * reference count increment. After a change the cache is rebuilt once:
 * by the next update itself if snapshots were taken since the last
 * rebuild (inside its critical section), else by the next snapshot call.
 * Snapshot buffers are rewritten in place when nobody else holds them, or
 * recycled through a small pool, so the steady state allocates nothing.
 *
 * Thread safety: every call is thread-safe. Lock order: the registry's
 * reader-writer lock (a spin lock: waiters back off for up to ~5 us at a
 * time, then yield; this favours throughput over short-term fairness),
 * then its snapshot pool mutex. update/set_issues/stale
 * snapshot rebuild take the write lock; lookup and fresh snapshots take
 * the read lock, so readers do not block each other. Snapshots are
 * immutable: any thread may read them; retain/release are atomic. No
 * callback runs under a lock: luxc_ai_should_upgrade copies what it needs
 * under the read lock, then calls the oracle and the log function unlocked.
 * _free must not overlap other calls on the registry; it stops and joins
 * the ticker thread. After fork() a child must not use a registry its
 * parent created (the ticker thread does not exist in the child, so its
 * clock would stand still). */
#ifndef LUXC_AI_REGISTRY_H
#define LUXC_AI_REGISTRY_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/ai_model.h"
#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_AI_CHAIN_ID_MAX 64u       /* bytes, no NUL; at least 1 */
#define LUXC_AI_HASH_MAX 128u          /* bytes, no NUL; at least 1 */
#define LUXC_AI_VALIDATOR_ID_MAX 64u   /* bytes of one validator id */
#define LUXC_AI_MAX_VALIDATORS 128u    /* validators per chain */
#define LUXC_AI_VALIDATORSBYTES 4096u  /* sum of (id length + 1) */
#define LUXC_AI_ISSUE_MAX 128u         /* bytes of one issue text */
#define LUXC_AI_MAX_ISSUES 16u
#define LUXC_AI_ISSUESBYTES 1024u      /* sum of (issue length + 1) */
#define LUXC_AI_METADATA_KEY_MAX 32u   /* bytes of a key, at least 1 */
#define LUXC_AI_METADATA_VALUE_MAX 128u/* bytes of a value, may be 0 */
#define LUXC_AI_MAX_METADATA 8u        /* key/value pairs per chain */
#define LUXC_AI_METADATABYTES 1024u    /* sum of (key + 1 + value + 1) */
#define LUXC_AI_DEFAULT_CHAINS 64u
#define LUXC_AI_MAX_CHAINS 4096u

typedef struct luxc_ai_perf {
    double tps;
    int64_t latency_ms;
    double fault_rate;
    int upgrade_needed;
} luxc_ai_perf;

/* tick_ms: no ticker thread; every update reads CLOCK_REALTIME_COARSE. */
#define LUXC_AI_TICK_OFF UINT32_MAX
#define LUXC_AI_TICK_MAX_MS 1000u

typedef struct luxc_ai_registry_cfg {
    size_t max_chains;        /* 0 = LUXC_AI_DEFAULT_CHAINS; <= MAX_CHAINS */
    luxc_ai_clock_fn clock;   /* stamps last_seen; NULL = the registry's clock,
                                 see tick_ms */
    void *clock_ctx;
    /* The registry's clock (when clock is NULL), the way Redis caches its
     * unixtime: a ticker thread stores CLOCK_REALTIME every tick_ms
     * milliseconds and updates read the stored value (one load instead
     * of a ~5 ns clock call), so last_seen lags by at most one tick plus
     * the ticker's scheduling delay. 0 = 1 ms; at most
     * LUXC_AI_TICK_MAX_MS; LUXC_AI_TICK_OFF = no thread, read
     * CLOCK_REALTIME_COARSE (resolution one kernel tick, 1-4 ms) at every
     * update. */
    uint32_t tick_ms;
} luxc_ai_registry_cfg;

typedef struct luxc_ai_registry luxc_ai_registry;
typedef struct luxc_ai_snapshot luxc_ai_snapshot;

/* cfg may be NULL (defaults: a 1 ms ticker thread). On failure *out =
 * NULL. LUXC_EINVAL (tick_ms), LUXC_ETOOBIG (max_chains), LUXC_ENOMEM
 * (also when the ticker thread cannot start). */
LUXC_API
LUXC_MUST_CHECK int luxc_ai_registry_new(luxc_ai_registry **out,
                                         const luxc_ai_registry_cfg *cfg);
LUXC_API
void luxc_ai_registry_free(luxc_ai_registry *r);

/* UpdateChain: creates the entry if missing, overwrites height, hash,
 * validators (n_validators may be 0; validators may then be NULL) and
 * performance (NULL = all zero), stamps last_seen and the registry's
 * last update. Issues are kept. LUXC_EINVAL (NULL/empty id, hash or
 * validator id), LUXC_ETOOBIG (a bound), LUXC_ERANGE (tps or fault_rate
 * not finite), LUXC_EFULL (max_chains reached), LUXC_ENOMEM (first update
 * of a chain only). Steady state: no allocation. */
LUXC_API
int luxc_ai_registry_update(luxc_ai_registry *r, const char *chain_id, uint64_t height,
                            const char *hash, const char *const *validators,
                            size_t n_validators, const luxc_ai_perf *perf);

/* Replaces the issue list of a known chain. LUXC_ENOTFOUND, LUXC_EINVAL,
 * LUXC_ETOOBIG. */
LUXC_API
int luxc_ai_registry_set_issues(luxc_ai_registry *r, const char *chain_id,
                                const char *const *issues, size_t n_issues);

/* Replaces the metadata (key/value pairs) of a known chain; kept across
 * updates. LUXC_ENOTFOUND, LUXC_EINVAL (NULL, empty key), LUXC_EDUPLICATE
 * (a key twice), LUXC_ETOOBIG. */
LUXC_API
int luxc_ai_registry_set_metadata(luxc_ai_registry *r, const char *chain_id,
                                  const char *const *keys, const char *const *values,
                                  size_t n);

/* Fixed-size copy of one entry's scalar fields. */
typedef struct luxc_ai_chain_summary {
    char chain_id[LUXC_AI_CHAIN_ID_MAX + 1];
    char hash[LUXC_AI_HASH_MAX + 1];
    uint64_t height;
    luxc_ai_perf perf;
    int64_t last_seen_ns;
    uint64_t update_seq;
    size_t n_validators;
    size_t n_issues;
    size_t n_metadata;
} luxc_ai_chain_summary;

/* Lookup under the read lock. LUXC_ENOTFOUND, LUXC_EINVAL. */
LUXC_API
int luxc_ai_registry_lookup(luxc_ai_registry *r, const char *chain_id,
                            luxc_ai_chain_summary *out);
LUXC_API
size_t luxc_ai_registry_count(luxc_ai_registry *r);
/* The registry's clock, the one that stamps last_seen (ns since the
 * epoch; see luxc_ai_registry_cfg): ages computed against it are never
 * negative because of two clocks' different resolutions. */
LUXC_API
int64_t luxc_ai_registry_now(luxc_ai_registry *r);

/* GetState. *out gets a snapshot reference the caller must release.
 * LUXC_EINVAL, LUXC_ENOMEM (only when a new snapshot must be built). */
LUXC_API
int luxc_ai_registry_snapshot(luxc_ai_registry *r, luxc_ai_snapshot **out);
LUXC_API
void luxc_ai_snapshot_retain(luxc_ai_snapshot *s);
LUXC_API
void luxc_ai_snapshot_release(luxc_ai_snapshot *s); /* NULL is a no-op */

/* One entry of a snapshot. Pointers point into the snapshot and live as
 * long as the caller's reference. validators / issues hold n strings, each
 * NUL-terminated, back to back (walk with p += strlen(p) + 1). */
typedef struct luxc_ai_chain_info {
    const char *chain_id;
    const char *hash;
    uint64_t height;
    luxc_ai_perf perf;
    int64_t last_seen_ns;
    uint64_t update_seq;
    size_t n_validators;
    const char *validators;
    size_t n_issues;
    const char *issues;
    size_t n_metadata;
    const char *metadata;  /* n_metadata pairs: key NUL value NUL ... */
} luxc_ai_chain_info;

LUXC_API
size_t luxc_ai_snapshot_count(const luxc_ai_snapshot *s);
LUXC_API
uint64_t luxc_ai_snapshot_version(const luxc_ai_snapshot *s); /* updates applied */
LUXC_API
int64_t luxc_ai_snapshot_last_update(const luxc_ai_snapshot *s);
/* Entry i (creation order) or by id. LUXC_ENOTFOUND, LUXC_EINVAL. */
LUXC_API
int luxc_ai_snapshot_get(const luxc_ai_snapshot *s, size_t i, luxc_ai_chain_info *out);
LUXC_API
int luxc_ai_snapshot_find(const luxc_ai_snapshot *s, const char *chain_id,
                          luxc_ai_chain_info *out);

/* ---- upgrade decision ---------------------------------------------------- */

/* Features of a chain the upgrade oracle sees, in this order. */
#define LUXC_AI_CHAIN_FEATURES 8u
/* height, tps, latency_ms, fault_rate, upgrade_needed (0/1), issue_count,
 * validator_count, seconds_since_last_seen. Schema for a luxc_ai_model:
 * input is a luxc_ai_chain_summary (now_ns gives the last feature;
 * luxc_ai_should_upgrade uses CLOCK_REALTIME_COARSE, the registry's
 * default last_seen clock). */
LUXC_API
extern const luxc_ai_extractor luxc_ai_extractor_chain;
LUXC_API
int luxc_ai_extract_chain(const luxc_ai_chain_summary *c, int64_t now_ns, double out[8]);

#define LUXC_AI_ACTION_MAX 31u
#define LUXC_AI_VERDICT_REASONBYTES 256u

/* What the oracle answers (the reference's SimpleDecision). */
typedef struct luxc_ai_verdict {
    char action[LUXC_AI_ACTION_MAX + 1];  /* e.g. "proceed", "upgrade", "hold" */
    double confidence;                    /* in [0, 1] */
    char reasoning[LUXC_AI_VERDICT_REASONBYTES];
    int64_t timestamp_ns;
} luxc_ai_verdict;

/* The pluggable model: answers a question about a chain. Returns 0 and
 * fills out, or a negative LUXC_E* code. Called without registry locks. */
typedef struct luxc_ai_oracle {
    int (*decide)(void *ctx, const char *question, size_t question_len,
                  const luxc_ai_chain_summary *chain, const double *features,
                  size_t n_features, luxc_ai_verdict *out);
    void *ctx;
} luxc_ai_oracle;

/* An oracle backed by a luxc_ai_model whose extractor is
 * luxc_ai_extractor_chain: action "upgrade" if the score is >= 0, else
 * "hold"; confidence = sigmoid(score) for upgrade, 1 - that for hold.
 * The model must outlive the oracle; the model's thread rules apply. */
LUXC_API
luxc_ai_oracle luxc_ai_oracle_from_model(luxc_ai_model *m);

/* ShouldUpgrade: looks the chain up (LUXC_ENOTFOUND if unknown), builds
 * the question "Should chain <id> upgrade based on current performance and
 * issues?" and the chain features, asks the oracle, and logs through log
 * (the common luxc_log_fn, luxc/common.h; NULL = silent) the event
 * "upgrade decision" at LUXC_LOG_INFO with the fields
 *   chain=<id> action=<action> confidence=<3 decimals>
 * or "upgrade decision failed" at LUXC_LOG_ERROR with chain=<id>
 * err="<luxc_strerror text>". Values with a space, '"', '=', '\' or a
 * control byte are quoted, '"' and '\' escaped with '\', control bytes
 * written as '?'. LUXC_EINVAL (NULL), LUXC_ERANGE (oracle confidence not
 * in [0, 1]), or the oracle's error. Allocates nothing. */
LUXC_API
int luxc_ai_should_upgrade(luxc_ai_registry *r, const char *chain_id,
                           const luxc_ai_oracle *oracle, luxc_log_fn log, void *log_ctx,
                           luxc_ai_verdict *out);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_AI_REGISTRY_H */
