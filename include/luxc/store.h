/* luxc/store.h - the durable store of a validator, on LMDB.
 *
 * Model: one store per data directory (an LMDB environment: DIR/data.mdb and
 * DIR/lock.mdb) holding, in named sub-databases,
 *   blocks    height (u64 big-endian) -> block id, parent id, encoded block
 *   block_ids block id (32 B)          -> height
 *   certs     height                   -> encoded finality certificate
 *   votes     (height u64, round u32, voter id 32 B), big-endian -> vote
 *   weights   name (1..LUXC_STORE_NAMEMAXBYTES bytes) -> version, blob
 *   meta      store format version, chain id, first and last accepted block.
 * Blocks, certificates, votes and weights are opaque bytes to the store; the
 * node encodes them. Blocks enter only through luxc_store_accept_block (or
 * _batch), which keeps the chain invariant: heights first..last are all
 * present, each with its certificate, each block's parent the block below.
 *
 * Durability: every write call commits one LMDB transaction before it
 * returns. Unless LUXC_STORE_NOSYNC is set the commit is fsync'd, so a
 * block that luxc_store_accept_block reported as LUXC_OK survives a crash
 * (kill -9, tested; power loss on a filesystem that honours fsync, which
 * rests on LMDB's fsync and is not tested here). A failed call changes
 * nothing (the transaction is aborted). A durable commit costs the disk's
 * fsync latency (milliseconds); luxc_store_accept_batch pays it once for
 * several blocks. Creation: a failed luxc_store_new removes the files it
 * created; only a process killed inside LMDB's first write of a new
 * data.mdb leaves an empty file, which the next open reports as
 * LUXC_ECORRUPT (move it away) rather than silently starting over.
 *
 * Integrity: every stored value carries a CRC32C over (sub-database, key,
 * value); a mismatch is LUXC_ECORRUPT and is logged with the sub-database and
 * key. At open the store also walks the LMDB file itself with pread (page
 * headers, node bounds, page numbers inside the file, no page used twice) and
 * then every record (checksums, the chain invariant), so a truncated, garbage
 * or bit-flipped data.mdb is reported as LUXC_ECORRUPT instead of crashing
 * LMDB later. LUXC_STORE_NOVERIFY skips that O(file size) walk. Limits: LMDB
 * has no checksum on its two meta pages, so a flipped transaction id there
 * can make LMDB open the previous commit (consistent, one commit older);
 * damage in free space is harmless and not reported.
 *
 * Reads copy into caller buffers: pass cap and get *len = the value's length.
 * If cap is too small the call returns LUXC_ETOOBIG with *len set to the
 * length needed and the buffer untouched (buf may be NULL when cap is 0, the
 * size query). The _foreach calls instead hand a callback const views into
 * the map that are valid only during that callback.
 *
 * Errors common to every call: LUXC_EINVAL for a NULL store or a NULL
 * pointer that is documented as required, LUXC_ECORRUPT for a value whose
 * checksum or layout is wrong, LUXC_EIO for an I/O error, LUXC_EFULL when the
 * map (cfg.map_size) or the disk is full (committed data stays intact and the
 * store stays usable; reopen with a larger map_size to grow it),
 * LUXC_EUNSUPPORTED for a write on a store opened LUXC_STORE_RDONLY.
 * Every failure is also reported with a message through cfg.log, except
 * the ordinary outcomes LUXC_ENOTFOUND, a size query's LUXC_ETOOBIG and a
 * replay's LUXC_EEXIST.
 *
 * Thread safety: a luxc_store is thread-safe: any call from any thread; each
 * call runs its own LMDB transaction (env shared, txn per call; the env is
 * opened MDB_NOTLS so read transactions are not tied to thread slots).
 * Writers are serialised by LMDB's writer lock. A _foreach callback runs
 * inside a read transaction: it may call read functions but must not call
 * write functions of the same store. _free must not overlap other calls.
 * At most one luxc_store per data directory per process (LMDB rule: a second
 * open in the same process breaks its locks); other processes may open the
 * same directory read-only. */
#ifndef LUXC_STORE_H
#define LUXC_STORE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_STORE_IDBYTES 32u       /* block id and parent id */
#define LUXC_STORE_CHAINIDBYTES 32u  /* chain id (SPEC section 4) */
#define LUXC_STORE_VOTERBYTES 32u    /* voter (validator) id */
#define LUXC_STORE_NAMEMAXBYTES 64u  /* longest weights name, in bytes */
#define LUXC_STORE_VALUEMAXBYTES (64u << 20) /* largest block/cert/vote/blob */
#define LUXC_STORE_MAPSIZE_DEFAULT ((size_t)1 << 30)
#define LUXC_STORE_MAPSIZE_MIN ((size_t)64 << 10)
#define LUXC_STORE_FORMAT_VERSION 1u /* on-disk layout of this build */
LUXC_API
size_t luxc_store_idbytes(void);
LUXC_API
size_t luxc_store_chainidbytes(void);
LUXC_API
size_t luxc_store_voterbytes(void);
LUXC_API
size_t luxc_store_namemaxbytes(void);
LUXC_API
size_t luxc_store_valuemaxbytes(void);

/* cfg.flags */
#define LUXC_STORE_CREATE 0x1u   /* create the directory / store if missing */
#define LUXC_STORE_RDONLY 0x2u   /* read-only: writes return LUXC_EUNSUPPORTED */
#define LUXC_STORE_NOSYNC 0x4u   /* commits not fsync'd: NOT durable (tests) */
#define LUXC_STORE_NOVERIFY 0x8u /* skip the full file/record check at open */

typedef struct luxc_store_cfg {
    const char *path;        /* data directory (required) */
    /* Chain id the store belongs to. Required to create a store; when the
     * store exists and chain_id is non-NULL it must match (else
     * LUXC_EPARAM); NULL opens a store of any chain. */
    const uint8_t *chain_id;
    size_t map_size;         /* bytes, 0 = LUXC_STORE_MAPSIZE_DEFAULT */
    unsigned flags;          /* LUXC_STORE_* */
    /* Optional (NULL = silent): every failure is one LUXC_LOG_ERROR event,
     * "store open failed" or "store call failed", with the fields
     * path= error= (luxc_strerror text) detail= (what failed); called from
     * the thread that made the failing call, with no transaction open. */
    luxc_log_fn log;
    void *log_ctx;
} luxc_store_cfg;

typedef struct luxc_store luxc_store;

/* Open (or with LUXC_STORE_CREATE create) the store in cfg->path. On
 * failure one line "store PATH: why" goes to err (errlen bytes, cut to
 * fit; NULL/0 allowed: luxc/common.h) and to cfg->log. Errors:
 *   LUXC_EINVAL    out or cfg NULL, path NULL/empty, unknown flag,
 *                  CREATE with RDONLY, creating without chain_id
 *   LUXC_ETOOBIG   path too long
 *   LUXC_ERANGE    map_size below LUXC_STORE_MAPSIZE_MIN
 *   LUXC_ENOTFOUND no store at path and LUXC_STORE_CREATE not given
 *   LUXC_EIO       path is not a directory, permission denied, read-only
 *                  filesystem, other system errors (errno in the message)
 *   LUXC_ECORRUPT  data.mdb empty, truncated, not an LMDB file, a damaged
 *                  page or record, a broken chain invariant
 *   LUXC_EVERSION  LMDB file version or store format version not ours
 *   LUXC_EPARAM    the store belongs to another chain id
 *   LUXC_EFULL     no room to create the store
 *   LUXC_ENOMEM    allocation failed
 * On failure *out is NULL and nothing leaks. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_new(luxc_store **out, const luxc_store_cfg *cfg, char *err,
                                   size_t errlen);

/* Close. NULL is a no-op. No call may overlap or follow it. */
LUXC_API
void luxc_store_free(luxc_store *s);

typedef struct luxc_store_info {
    uint32_t format_version;                 /* LUXC_STORE_FORMAT_VERSION */
    uint8_t chain_id[LUXC_STORE_CHAINIDBYTES];
    int has_blocks;                          /* 0: nothing accepted yet */
    uint64_t first_height, last_height;      /* valid when has_blocks */
    uint8_t last_id[LUXC_STORE_IDBYTES];     /* valid when has_blocks */
    uint64_t votes;                          /* votes held */
    size_t map_size, map_used;               /* bytes */
} luxc_store_info;

/* A consistent snapshot of the metadata. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_info_get(luxc_store *s, luxc_store_info *info);

/* Last accepted block. LUXC_ENOTFOUND if none yet. id may be NULL. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_last(luxc_store *s, uint64_t *height,
                                    uint8_t id[LUXC_STORE_IDBYTES]);

/* Write the block at `height` with its certificate and make it the last
 * accepted block, in one transaction, fsync'd before returning LUXC_OK
 * (unless LUXC_STORE_NOSYNC). The first block of an empty store may have any
 * height; after that height must be last + 1 and parent the last id.
 * block may be NULL when block_len is 0; a certificate is required.
 * Errors: LUXC_EINVAL (NULL, cert_len 0, parent is not the last block),
 * LUXC_ETOOBIG (block_len or cert_len > LUXC_STORE_VALUEMAXBYTES),
 * LUXC_EEXIST (this very block is already accepted at height: nothing to do),
 * LUXC_ESTALE (height <= last and a different block is final there),
 * LUXC_ESTATE (height > last + 1: a gap), LUXC_EDUPLICATE (id already
 * accepted at another height). Once UINT64_MAX is accepted every further
 * height is <= last. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_accept_block(luxc_store *s, uint64_t height,
                                            const uint8_t id[LUXC_STORE_IDBYTES],
                                            const uint8_t parent[LUXC_STORE_IDBYTES],
                                            const uint8_t *block, size_t block_len,
                                            const uint8_t *cert, size_t cert_len);

/* One block for luxc_store_accept_batch (fields as in accept_block). */
typedef struct luxc_store_accepted {
    uint64_t height;
    const uint8_t *id, *parent; /* LUXC_STORE_IDBYTES each */
    const uint8_t *block;
    size_t block_len;
    const uint8_t *cert;
    size_t cert_len;
} luxc_store_accepted;

/* Accept n >= 1 consecutive blocks in ONE transaction and one fsync: all or
 * nothing. Same rules and errors as luxc_store_accept_block, applied to each
 * block in order (block i + 1 must extend block i); LUXC_EEXIST for a batch
 * of more than one is a failure like any other (nothing is written). Use it
 * when several blocks become final at once (catch-up): a durable commit
 * costs an fsync, the same for one block or many. LUXC_EINVAL also for
 * blocks NULL or n 0. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_accept_batch(luxc_store *s,
                                            const luxc_store_accepted *blocks,
                                            size_t n);

/* Accepted block at height: id and parent (each may be NULL) and the block
 * bytes into buf (see "Reads" above). LUXC_ENOTFOUND if none. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_block_get(luxc_store *s, uint64_t height,
                                         uint8_t id[LUXC_STORE_IDBYTES],
                                         uint8_t parent[LUXC_STORE_IDBYTES],
                                         uint8_t *buf, size_t cap, size_t *len);

/* Accepted block by id: its height and parent (each may be NULL) and bytes.
 * LUXC_ENOTFOUND if no accepted block has that id. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_block_get_by_id(luxc_store *s,
                                               const uint8_t id[LUXC_STORE_IDBYTES],
                                               uint64_t *height,
                                               uint8_t parent[LUXC_STORE_IDBYTES],
                                               uint8_t *buf, size_t cap, size_t *len);

/* Certificate of the accepted block at height. LUXC_ENOTFOUND if none. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_cert_get(luxc_store *s, uint64_t height,
                                        uint8_t *buf, size_t cap, size_t *len);

/* One accepted block, as handed to a luxc_store_blocks_foreach callback.
 * The pointers are into the read-only map, valid only during the callback. */
typedef struct luxc_store_block_view {
    uint64_t height;
    const uint8_t *id, *parent;  /* LUXC_STORE_IDBYTES each */
    const uint8_t *block;
    size_t block_len;
    const uint8_t *cert;
    size_t cert_len;
} luxc_store_block_view;

/* Return 0 to continue, non-zero to stop (foreach then returns that value). */
typedef int (*luxc_store_block_fn)(void *ctx, const luxc_store_block_view *b);

/* Calls fn for each accepted block with from <= height <= to, in height
 * order, from one consistent snapshot (catch-up serving). Checksums are
 * verified before each call (LUXC_ECORRUPT stops the walk). Returns
 * LUXC_OK, an error, or the callback's non-zero value. from > to: LUXC_OK,
 * no calls. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_blocks_foreach(luxc_store *s, uint64_t from,
                                              uint64_t to, luxc_store_block_fn fn,
                                              void *ctx);

/* Store a vote in flight. Storing the identical bytes again is LUXC_OK;
 * different bytes for the same (height, round, voter) are LUXC_EEXIST and
 * the first vote stays (the node decides whether that is equivocation).
 * vote_len 1..LUXC_STORE_VALUEMAXBYTES (0: LUXC_EINVAL, above: LUXC_ETOOBIG). */
LUXC_API
LUXC_MUST_CHECK int luxc_store_vote_put(luxc_store *s, uint64_t height,
                                        uint32_t round,
                                        const uint8_t voter[LUXC_STORE_VOTERBYTES],
                                        const uint8_t *vote, size_t vote_len);

/* The vote for (height, round, voter). LUXC_ENOTFOUND if none. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_vote_get(luxc_store *s, uint64_t height,
                                        uint32_t round,
                                        const uint8_t voter[LUXC_STORE_VOTERBYTES],
                                        uint8_t *buf, size_t cap, size_t *len);

/* Return 0 to continue, non-zero to stop. Pointers valid during the call. */
typedef int (*luxc_store_vote_fn)(void *ctx, uint64_t height, uint32_t round,
                                  const uint8_t *voter, const uint8_t *vote,
                                  size_t vote_len);

/* All votes at `height`, ordered by round then voter id (one snapshot). */
LUXC_API
LUXC_MUST_CHECK int luxc_store_votes_foreach(luxc_store *s, uint64_t height,
                                             luxc_store_vote_fn fn, void *ctx);

/* Delete every vote with height < below, in one transaction. *removed
 * (may be NULL) gets the count. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_votes_prune(luxc_store *s, uint64_t below,
                                           uint64_t *removed);

/* Model weights: a named opaque blob with the caller's version number.
 * name is NUL-terminated, 1..LUXC_STORE_NAMEMAXBYTES bytes (0: LUXC_EINVAL,
 * longer: LUXC_ETOOBIG). put replaces any earlier blob of that name;
 * blob_len 0..LUXC_STORE_VALUEMAXBYTES (blob may be NULL when 0). */
LUXC_API
LUXC_MUST_CHECK int luxc_store_weights_put(luxc_store *s, const char *name,
                                           uint64_t version, const uint8_t *blob,
                                           size_t blob_len);

/* version may be NULL. LUXC_ENOTFOUND if no blob has that name. */
LUXC_API
LUXC_MUST_CHECK int luxc_store_weights_get(luxc_store *s, const char *name,
                                           uint64_t *version, uint8_t *buf,
                                           size_t cap, size_t *len);

/* Re-run the open-time check on the live store: every record's checksum and
 * layout and the chain invariant (not the page walk). LUXC_OK or the first
 * problem found (LUXC_ECORRUPT, logged with where). */
LUXC_API
LUXC_MUST_CHECK int luxc_store_check(luxc_store *s);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_STORE_H */
