/* record.c - the checksummed record format and the LMDB plumbing every
 * store call shares: error mapping and messages, transactions, reading and
 * writing one record, copying out to the caller, the meta records.
 * Not here: what the records mean (blocks.c, votes.c, weights.c). */
#include "store/store_int.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "common/be.h"
#include "common/errdetail.h"
#include "common/hex.h"
#include "store/crc32c.h"

const char *const luxc_store_db_names[DB_COUNT] = {
    [DB_META] = "meta",     [DB_BLOCKS] = "blocks", [DB_IDS] = "block_ids",
    [DB_CERTS] = "certs",   [DB_VOTES] = "votes",   [DB_WEIGHTS] = "weights",
};

int store_err(store_msg *m, int rc, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    rc = luxc_verrf(m->text, sizeof m->text, rc, fmt, ap);
    va_end(ap);
    return rc;
}

int store_mdb_err(store_msg *m, int mdb_rc, const char *what)
{
    int rc;
    switch (mdb_rc) {
    case MDB_NOTFOUND:
    case ENOENT:
        rc = LUXC_ENOTFOUND;
        break;
    case MDB_MAP_FULL:
    case MDB_TXN_FULL:
    case ENOSPC:
    case EDQUOT:
    case EFBIG:
        rc = LUXC_EFULL;
        break;
    case MDB_KEYEXIST: /* only with MDB_NOOVERWRITE where the store's own
                          * invariants say the key cannot exist yet */
    case MDB_CORRUPTED:
    case MDB_PAGE_NOTFOUND:
    case MDB_INVALID:
    case MDB_INCOMPATIBLE:
    case MDB_BAD_VALSIZE:
        rc = LUXC_ECORRUPT;
        break;
    case MDB_VERSION_MISMATCH:
        rc = LUXC_EVERSION;
        break;
    case ENOMEM:
        rc = LUXC_ENOMEM;
        break;
    case MDB_READERS_FULL:
        rc = LUXC_EAGAIN;
        break;
    default: /* EIO, EACCES, EROFS, EPERM, MDB_PANIC, ... */
        rc = LUXC_EIO;
        break;
    }
    return store_err(m, rc, "%s: %s (LMDB/errno %d)", what, mdb_strerror(mdb_rc),
                     mdb_rc);
}

void store_log_event(luxc_log_fn log, void *ctx, const char *event, const char *path, int rc,
                     const char *detail)
{
    if (!log)
        return;
    char p[STORE_MSGBYTES], e[64], d[STORE_MSGBYTES + 8];
    luxc_log_emitf(log, ctx, LUXC_LOG_ERROR, event, "path=%s error=%s detail=%s",
                   luxc_logfmt_value(p, sizeof p, path),
                   luxc_logfmt_value(e, sizeof e, luxc_strerror(rc)),
                   luxc_logfmt_value(d, sizeof d, detail));
}

int store_report(const luxc_store *s, int rc, const store_msg *m)
{
    if (rc < 0 && s && m->text[0] != '\0')
        store_log_event(s->log, s->log_ctx, "store call failed", s->path, rc, m->text);
    return rc;
}



void store_key_describe(int db, const MDB_val *key, char *out, size_t n)
{
    const uint8_t *k = key->mv_data;
    char h[2 * 8 + 1];
    if ((db == DB_BLOCKS || db == DB_CERTS) && key->mv_size == 8) {
        snprintf(out, n, "height %llu", (unsigned long long)luxc_be64_load(k));
    } else if (db == DB_IDS && key->mv_size == LUXC_STORE_IDBYTES) {
        luxc_hex_encode(h, k, 8);
        snprintf(out, n, "id %s...", h);
    } else if (db == DB_VOTES && key->mv_size == VOTE_KEYBYTES) {
        luxc_hex_encode(h, k + 12, 8);
        snprintf(out, n, "height %llu round %lu voter %s...",
                 (unsigned long long)luxc_be64_load(k),
                 (unsigned long)luxc_be32_load(k + 8), h);
    } else if (db == DB_WEIGHTS || db == DB_META) {
        int len = key->mv_size > 64 ? 64 : (int)key->mv_size;
        snprintf(out, n, "name \"%.*s\"", len, (const char *)k);
    } else {
        luxc_hex_encode(h, k, key->mv_size < 8 ? key->mv_size : 8);
        snprintf(out, n, "key of %zu bytes %s...", key->mv_size, h);
    }
}

uint32_t store_rec_crc(int db, const MDB_val *key, const uint8_t *payload,
                       size_t plen)
{
    uint8_t pre[3] = {(uint8_t)db, (uint8_t)(key->mv_size >> 8),
                      (uint8_t)key->mv_size};
    uint32_t c = luxc_crc32c(0, pre, sizeof pre);
    c = luxc_crc32c(c, key->mv_data, key->mv_size);
    return luxc_crc32c(c, payload, plen);
}

int store_rec_open(store_msg *m, int db, const MDB_val *key, const MDB_val *val,
                   const uint8_t **payload, size_t *plen)
{
    char where[128];
    const uint8_t *v = val->mv_data;
    if (val->mv_size < REC_HDR) {
        store_key_describe(db, key, where, sizeof where);
        return store_err(m, LUXC_ECORRUPT, "%s at %s: value of %zu bytes, "
                         "shorter than its checksum", luxc_store_db_names[db],
                         where, val->mv_size);
    }
    uint32_t want = luxc_be32_load(v);
    uint32_t got = store_rec_crc(db, key, v + REC_HDR, val->mv_size - REC_HDR);
    if (want != got) {
        store_key_describe(db, key, where, sizeof where);
        return store_err(m, LUXC_ECORRUPT, "%s at %s: checksum mismatch "
                         "(stored %08lx, computed %08lx, %zu bytes)",
                         luxc_store_db_names[db], where, (unsigned long)want,
                         (unsigned long)got, val->mv_size);
    }
    *payload = v + REC_HDR;
    *plen = val->mv_size - REC_HDR;
    return LUXC_OK;
}

int store_rec_put(store_msg *m, MDB_txn *txn, const luxc_store *s, int db,
                  MDB_val *key, const uint8_t *const seg[3], const size_t len[3],
                  unsigned mdb_flags)
{
    MDB_val val = {.mv_size = REC_HDR + len[0] + len[1] + len[2], .mv_data = NULL};
    int rc = mdb_put(txn, s->dbi[db], key, &val, mdb_flags | MDB_RESERVE);
    if (rc != MDB_SUCCESS) {
        char what[160], where[128];
        store_key_describe(db, key, where, sizeof where);
        snprintf(what, sizeof what, "writing %s at %s", luxc_store_db_names[db], where);
        return store_mdb_err(m, rc, what);
    }
    uint8_t *p = val.mv_data;
    size_t off = REC_HDR;
    for (int i = 0; i < 3; i++) {
        if (len[i] > 0)
            memcpy(p + off, seg[i], len[i]);
        off += len[i];
    }
    luxc_be32_store(p, store_rec_crc(db, key, p + REC_HDR, off - REC_HDR));
    return LUXC_OK;
}

int store_rec_get(store_msg *m, MDB_txn *txn, const luxc_store *s, int db,
                  MDB_val *key, const uint8_t **payload, size_t *plen)
{
    MDB_val val;
    int rc = mdb_get(txn, s->dbi[db], key, &val);
    if (rc == MDB_NOTFOUND)
        return LUXC_ENOTFOUND;
    if (rc != MDB_SUCCESS) {
        char what[160], where[128];
        store_key_describe(db, key, where, sizeof where);
        snprintf(what, sizeof what, "reading %s at %s", luxc_store_db_names[db], where);
        return store_mdb_err(m, rc, what);
    }
    return store_rec_open(m, db, key, &val, payload, plen);
}

int store_txn_begin(store_msg *m, luxc_store *s, int write, MDB_txn **txn)
{
    if (write && (s->flags & LUXC_STORE_RDONLY))
        return store_err(m, LUXC_EUNSUPPORTED, "write on a read-only store");
    int rc = mdb_txn_begin(s->env, NULL, write ? 0 : MDB_RDONLY, txn);
    if (rc != MDB_SUCCESS)
        return store_mdb_err(m, rc, write ? "begin write transaction"
                                          : "begin read transaction");
    return LUXC_OK;
}

int store_txn_commit(store_msg *m, MDB_txn *txn, const char *what)
{
    int rc = mdb_txn_commit(txn);
    if (rc != MDB_SUCCESS) {
        char w[128];
        snprintf(w, sizeof w, "commit %s", what);
        return store_mdb_err(m, rc, w);
    }
    return LUXC_OK;
}

int store_copy_out(const uint8_t *p, size_t n, uint8_t *buf, size_t cap,
                   size_t *len)
{
    *len = n;
    if (cap < n)
        return LUXC_ETOOBIG;
    if (n > 0)
        memcpy(buf, p, n);
    return LUXC_OK;
}

static int meta_get(store_msg *m, MDB_txn *txn, const luxc_store *s,
                    const char *name, size_t want, const uint8_t **p)
{
    MDB_val key = {.mv_size = strlen(name), .mv_data = (void *)(uintptr_t)name};
    size_t plen;
    int rc = store_rec_get(m, txn, s, DB_META, &key, p, &plen);
    if (rc == LUXC_OK && plen != want)
        rc = store_err(m, LUXC_ECORRUPT, "meta \"%s\": %zu bytes, expected %zu",
                       name, plen, want);
    return rc;
}

int store_meta_last(store_msg *m, MDB_txn *txn, const luxc_store *s,
                    int *has_last, uint64_t *height, uint8_t id[LUXC_STORE_IDBYTES])
{
    const uint8_t *p;
    int rc = meta_get(m, txn, s, "last", 8 + LUXC_STORE_IDBYTES, &p);
    *has_last = 0;
    if (rc == LUXC_ENOTFOUND)
        return LUXC_OK;
    if (rc != LUXC_OK)
        return rc;
    *has_last = 1;
    *height = luxc_be64_load(p);
    if (id)
        memcpy(id, p + 8, LUXC_STORE_IDBYTES);
    return LUXC_OK;
}

int store_meta_first(store_msg *m, MDB_txn *txn, const luxc_store *s,
                     int *has_first, uint64_t *height)
{
    const uint8_t *p;
    int rc = meta_get(m, txn, s, "first", 8, &p);
    *has_first = 0;
    if (rc == LUXC_ENOTFOUND)
        return LUXC_OK;
    if (rc != LUXC_OK)
        return rc;
    *has_first = 1;
    *height = luxc_be64_load(p);
    return LUXC_OK;
}
