/* store_int.h - what the store's files share: the object, the record
 * format, per-call error messages and LMDB helpers. Internal.
 *
 * Record format (every value in every sub-database):
 *   crc32c (4 B, big-endian) || payload
 * with crc = CRC-32C(db tag (1 B) || key length (u16 BE) || key || payload),
 * so a value moved to another key or sub-database also fails the check.
 * Payloads:
 *   blocks    id (32) || parent (32) || block bytes
 *   block_ids height (u64 BE)
 *   certs     certificate bytes
 *   votes     vote bytes (key: height u64 || round u32 || voter 32, BE)
 *   weights   version (u64 BE) || blob
 *   meta      "format" -> u32 BE; "chain" -> 32 B; "first" -> u64 BE;
 *             "last" -> height u64 BE || id 32 */
#ifndef LUXC_SRC_STORE_STORE_INT_H
#define LUXC_SRC_STORE_STORE_INT_H

#include <lmdb.h>
#include <stdarg.h>

#include "common/logfmt.h"
#include "luxc/store.h"

enum {
    DB_META,
    DB_BLOCKS,
    DB_IDS,
    DB_CERTS,
    DB_VOTES,
    DB_WEIGHTS,
    DB_COUNT
};

#define REC_HDR 4u
#define BLOCK_HDR (2u * LUXC_STORE_IDBYTES) /* id || parent */
#define VOTE_KEYBYTES (8u + 4u + LUXC_STORE_VOTERBYTES)
#define STORE_MSGBYTES 384u

struct luxc_store {
    MDB_env *env;
    MDB_dbi dbi[DB_COUNT];
    unsigned flags;
    uint8_t chain_id[LUXC_STORE_CHAINIDBYTES];
    luxc_log_fn log;
    void *log_ctx;
    char *path; /* for messages */
};

/* The message of one call's failure; reported after the txn is closed. */
typedef struct store_msg {
    char text[STORE_MSGBYTES];
} store_msg;

extern const char *const luxc_store_db_names[DB_COUNT];

/* Format into m and return rc (rc < 0). */
int store_err(store_msg *m, int rc, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Map an LMDB or errno code to a luxc_err, with `what` in the message. */
int store_mdb_err(store_msg *m, int mdb_rc, const char *what);
/* Log m through s->log when rc < 0; returns rc. */
int store_report(const luxc_store *s, int rc, const store_msg *m);
/* One failure as a LUXC_LOG_ERROR event with path= error= detail= (no-op
 * when log is NULL); shared by store_report and luxc_store_new. */
void store_log_event(luxc_log_fn log, void *ctx, const char *event, const char *path, int rc,
                     const char *detail);

/* "height 17", "id 0a1b2c3d...", "height 5 round 2 voter 0a1b...",
 * "name \"w\"" - where a record lives, for messages. */
void store_key_describe(int db, const MDB_val *key, char *out, size_t n);

uint32_t store_rec_crc(int db, const MDB_val *key, const uint8_t *payload,
                       size_t plen);
/* Check a stored value; on success *payload and *plen give the payload. */
int store_rec_open(store_msg *m, int db, const MDB_val *key, const MDB_val *val,
                   const uint8_t **payload, size_t *plen);
/* Write key -> (header || seg0 || seg1 || seg2) with MDB_RESERVE. NULL
 * segments with length 0 are skipped. */
int store_rec_put(store_msg *m, MDB_txn *txn, const luxc_store *s, int db,
                  MDB_val *key, const uint8_t *const seg[3], const size_t len[3],
                  unsigned mdb_flags);
/* Read and check: LUXC_ENOTFOUND if the key is absent. */
int store_rec_get(store_msg *m, MDB_txn *txn, const luxc_store *s, int db,
                  MDB_val *key, const uint8_t **payload, size_t *plen);

int store_txn_begin(store_msg *m, luxc_store *s, int write, MDB_txn **txn);
/* Commit (fsync'd unless NOSYNC); on failure the txn is gone. */
int store_txn_commit(store_msg *m, MDB_txn *txn, const char *what);

/* Copy n bytes to the caller: LUXC_ETOOBIG with *len = n if cap < n. */
int store_copy_out(const uint8_t *p, size_t n, uint8_t *buf, size_t cap,
                   size_t *len);

/* meta "last": has_last 0 if absent. */
int store_meta_last(store_msg *m, MDB_txn *txn, const luxc_store *s,
                    int *has_last, uint64_t *height, uint8_t id[LUXC_STORE_IDBYTES]);
int store_meta_first(store_msg *m, MDB_txn *txn, const luxc_store *s,
                     int *has_first, uint64_t *height);

/* Before LMDB opens `file` (data.mdb): both meta pages sane, so LMDB will
 * neither map a corrupt size nor read past the file. */
int store_lmdb_precheck(store_msg *m, const char *file);

/* The open-time walk of data.mdb with pread (lmdbcheck.c): LUXC_OK or
 * LUXC_ECORRUPT/LUXC_EIO/LUXC_ENOMEM with the page in the message. Call with
 * a read txn open so the newest snapshot's pages cannot be reused. */
int store_lmdb_walk(store_msg *m, int fd);

/* Every record's checksum and layout and the chain invariant (check.c). */
int store_check_records(store_msg *m, MDB_txn *txn, const luxc_store *s);

#endif
