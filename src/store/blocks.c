/* blocks.c - accepted blocks and their finality certificates.
 * Owns: luxc_store_accept_block/_batch (blocks + certificates + id index +
 * last accepted, one durable transaction, chain rules) and the block reads
 * (by height, by id, certificate, range walk for catch-up).
 * Not here: the record format (record.c), votes (votes.c). */
#include "luxc/store.h"

#include <string.h>

#include "common/be.h"
#include "store/store_int.h"

/* Height rules against the last accepted block (see store.h). */
static int accept_rules(store_msg *m, MDB_txn *txn, const luxc_store *s,
                        uint64_t height, const uint8_t *id, const uint8_t *parent,
                        int *has_last)
{
    uint64_t last;
    uint8_t last_id[LUXC_STORE_IDBYTES];
    int rc = store_meta_last(m, txn, s, has_last, &last, last_id);
    if (rc != LUXC_OK || !*has_last)
        return rc;
    if (height <= last) {
        uint8_t key[8];
        MDB_val k = {.mv_size = 8, .mv_data = key};
        const uint8_t *p;
        size_t n;
        luxc_be64_store(key, height);
        rc = store_rec_get(m, txn, s, DB_BLOCKS, &k, &p, &n);
        if (rc == LUXC_OK && n >= BLOCK_HDR && memcmp(p, id, LUXC_STORE_IDBYTES) == 0)
            return LUXC_EEXIST; /* a replay, not a failure: no message */
        if (rc != LUXC_OK && rc != LUXC_ENOTFOUND)
            return rc;
        return store_err(m, LUXC_ESTALE, "accept at height %llu: a different "
                         "block is final there (last accepted %llu)",
                         (unsigned long long)height, (unsigned long long)last);
    }
    /* height > last here, so last + 1 cannot overflow. */
    if (height > last + 1)
        return store_err(m, LUXC_ESTATE, "accept at height %llu: last accepted is "
                         "%llu (gap)", (unsigned long long)height,
                         (unsigned long long)last);
    if (memcmp(parent, last_id, LUXC_STORE_IDBYTES) != 0)
        return store_err(m, LUXC_EINVAL, "accept at height %llu: parent is not the "
                         "last accepted block", (unsigned long long)height);
    return LUXC_OK;
}

static int accept_write(store_msg *m, MDB_txn *txn, const luxc_store *s,
                        uint64_t height, const uint8_t *id, const uint8_t *parent,
                        const uint8_t *block, size_t block_len, const uint8_t *cert,
                        size_t cert_len)
{
    uint8_t hkey[8], last[8 + LUXC_STORE_IDBYTES];
    MDB_val k = {.mv_size = 8, .mv_data = hkey};
    MDB_val ik = {.mv_size = LUXC_STORE_IDBYTES, .mv_data = (void *)(uintptr_t)id};
    MDB_val lk = {.mv_size = 4, .mv_data = "last"};
    MDB_val fk = {.mv_size = 5, .mv_data = "first"};
    MDB_val dummy;
    int has_last;
    luxc_be64_store(hkey, height);
    int rc = accept_rules(m, txn, s, height, id, parent, &has_last);
    if (rc != LUXC_OK)
        return rc;
    int mrc = mdb_get(txn, s->dbi[DB_IDS], &ik, &dummy);
    if (mrc == MDB_SUCCESS)
        return store_err(m, LUXC_EDUPLICATE, "accept at height %llu: block id "
                         "already accepted at another height",
                         (unsigned long long)height);
    if (mrc != MDB_NOTFOUND)
        return store_mdb_err(m, mrc, "reading block_ids");
    const uint8_t *bseg[3] = {id, parent, block};
    const size_t blen[3] = {LUXC_STORE_IDBYTES, LUXC_STORE_IDBYTES, block_len};
    rc = store_rec_put(m, txn, s, DB_BLOCKS, &k, bseg, blen, MDB_NOOVERWRITE);
    if (rc == LUXC_OK) {
        const uint8_t *cseg[3] = {cert, NULL, NULL};
        const size_t clen[3] = {cert_len, 0, 0};
        rc = store_rec_put(m, txn, s, DB_CERTS, &k, cseg, clen, MDB_NOOVERWRITE);
    }
    if (rc == LUXC_OK) {
        const uint8_t *hseg[3] = {hkey, NULL, NULL};
        const size_t hlen[3] = {8, 0, 0};
        rc = store_rec_put(m, txn, s, DB_IDS, &ik, hseg, hlen, MDB_NOOVERWRITE);
    }
    memcpy(last, hkey, 8);
    memcpy(last + 8, id, LUXC_STORE_IDBYTES);
    if (rc == LUXC_OK) {
        const uint8_t *lseg[3] = {last, NULL, NULL};
        const size_t llen[3] = {sizeof last, 0, 0};
        rc = store_rec_put(m, txn, s, DB_META, &lk, lseg, llen, 0);
    }
    if (rc == LUXC_OK && !has_last) {
        const uint8_t *fseg[3] = {hkey, NULL, NULL};
        const size_t flen[3] = {8, 0, 0};
        rc = store_rec_put(m, txn, s, DB_META, &fk, fseg, flen, 0);
    }
    return rc;
}

static int accept_check_args(store_msg *m, const luxc_store_accepted *b)
{
    if (!b->id || !b->parent || (!b->block && b->block_len > 0) || !b->cert ||
        b->cert_len == 0)
        return store_err(m, LUXC_EINVAL, "accept at height %llu: missing id, parent, "
                         "block or certificate", (unsigned long long)b->height);
    if (b->block_len > LUXC_STORE_VALUEMAXBYTES || b->cert_len > LUXC_STORE_VALUEMAXBYTES)
        return store_err(m, LUXC_ETOOBIG, "accept at height %llu: block of %zu or "
                         "certificate of %zu bytes exceeds %u",
                         (unsigned long long)b->height, b->block_len, b->cert_len,
                         LUXC_STORE_VALUEMAXBYTES);
    return LUXC_OK;
}

int luxc_store_accept_batch(luxc_store *s, const luxc_store_accepted *blocks, size_t n)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    if (!s || !blocks || n == 0)
        return LUXC_EINVAL;
    int rc = LUXC_OK;
    for (size_t i = 0; i < n && rc == LUXC_OK; i++)
        rc = accept_check_args(&m, &blocks[i]);
    if (rc == LUXC_OK)
        rc = store_txn_begin(&m, s, 1, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    /* Each block sees the previous ones: LMDB reads its own writes. */
    for (size_t i = 0; i < n && rc == LUXC_OK; i++) {
        const luxc_store_accepted *b = &blocks[i];
        rc = accept_write(&m, txn, s, b->height, b->id, b->parent, b->block,
                          b->block_len, b->cert, b->cert_len);
        if (rc == LUXC_EEXIST && n > 1)
            rc = store_err(&m, LUXC_EEXIST, "accept batch: block %zu of %zu (height "
                           "%llu) is already accepted", i, n,
                           (unsigned long long)b->height);
    }
    if (rc != LUXC_OK)
        mdb_txn_abort(txn);
    else
        rc = store_txn_commit(&m, txn, n > 1 ? "accepted blocks" : "accepted block");
    return store_report(s, rc, &m);
}

int luxc_store_accept_block(luxc_store *s, uint64_t height,
                            const uint8_t id[LUXC_STORE_IDBYTES],
                            const uint8_t parent[LUXC_STORE_IDBYTES],
                            const uint8_t *block, size_t block_len,
                            const uint8_t *cert, size_t cert_len)
{
    const luxc_store_accepted b = {.height = height, .id = id, .parent = parent,
                                   .block = block, .block_len = block_len,
                                   .cert = cert, .cert_len = cert_len};
    return luxc_store_accept_batch(s, &b, 1);
}

static int read_args_ok(const luxc_store *s, const uint8_t *buf, size_t cap,
                        const size_t *len)
{
    return s && len && (buf || cap == 0);
}

/* Block record at height -> id, parent, bytes (one read txn). */
static int block_at(store_msg *m, MDB_txn *txn, const luxc_store *s, uint64_t height,
                    const uint8_t **p, size_t *n)
{
    uint8_t key[8];
    MDB_val k = {.mv_size = 8, .mv_data = key};
    luxc_be64_store(key, height);
    int rc = store_rec_get(m, txn, s, DB_BLOCKS, &k, p, n);
    if (rc == LUXC_OK && *n < BLOCK_HDR)
        rc = store_err(m, LUXC_ECORRUPT, "blocks at height %llu: %zu bytes",
                       (unsigned long long)height, *n);
    return rc;
}

static int block_out(const uint8_t *p, size_t n, uint8_t *id, uint8_t *parent,
                     uint8_t *buf, size_t cap, size_t *len)
{
    if (id)
        memcpy(id, p, LUXC_STORE_IDBYTES);
    if (parent)
        memcpy(parent, p + LUXC_STORE_IDBYTES, LUXC_STORE_IDBYTES);
    return store_copy_out(p + BLOCK_HDR, n - BLOCK_HDR, buf, cap, len);
}

int luxc_store_block_get(luxc_store *s, uint64_t height,
                         uint8_t id[LUXC_STORE_IDBYTES],
                         uint8_t parent[LUXC_STORE_IDBYTES], uint8_t *buf,
                         size_t cap, size_t *len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    const uint8_t *p;
    size_t n;
    if (!read_args_ok(s, buf, cap, len))
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = block_at(&m, txn, s, height, &p, &n);
    if (rc == LUXC_OK)
        rc = block_out(p, n, id, parent, buf, cap, len);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}

int luxc_store_block_get_by_id(luxc_store *s, const uint8_t id[LUXC_STORE_IDBYTES],
                               uint64_t *height, uint8_t parent[LUXC_STORE_IDBYTES],
                               uint8_t *buf, size_t cap, size_t *len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    const uint8_t *p;
    size_t n;
    if (!read_args_ok(s, buf, cap, len) || !id)
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    MDB_val k = {.mv_size = LUXC_STORE_IDBYTES, .mv_data = (void *)(uintptr_t)id};
    rc = store_rec_get(&m, txn, s, DB_IDS, &k, &p, &n);
    if (rc == LUXC_OK && n != 8)
        rc = store_err(&m, LUXC_ECORRUPT, "block_ids entry of %zu bytes", n);
    uint64_t h = rc == LUXC_OK ? luxc_be64_load(p) : 0;
    if (rc == LUXC_OK) {
        rc = block_at(&m, txn, s, h, &p, &n);
        if (rc == LUXC_ENOTFOUND || (rc == LUXC_OK && memcmp(p, id, LUXC_STORE_IDBYTES)))
            rc = store_err(&m, LUXC_ECORRUPT, "block_ids points to height %llu, "
                           "which holds another block", (unsigned long long)h);
    }
    if (rc == LUXC_OK) {
        if (height)
            *height = h;
        rc = block_out(p, n, NULL, parent, buf, cap, len);
    }
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}

int luxc_store_cert_get(luxc_store *s, uint64_t height, uint8_t *buf, size_t cap,
                        size_t *len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    const uint8_t *p;
    size_t n;
    uint8_t key[8];
    MDB_val k = {.mv_size = 8, .mv_data = key};
    if (!read_args_ok(s, buf, cap, len))
        return LUXC_EINVAL;
    luxc_be64_store(key, height);
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = store_rec_get(&m, txn, s, DB_CERTS, &k, &p, &n);
    if (rc == LUXC_OK)
        rc = store_copy_out(p, n, buf, cap, len);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}

static int walk_blocks(store_msg *m, MDB_txn *txn, const luxc_store *s, uint64_t from,
                       uint64_t to, luxc_store_block_fn fn, void *ctx)
{
    MDB_cursor *cur;
    uint8_t key[8];
    MDB_val k = {.mv_size = 8, .mv_data = key}, v;
    luxc_be64_store(key, from);
    int mrc = mdb_cursor_open(txn, s->dbi[DB_BLOCKS], &cur);
    if (mrc != MDB_SUCCESS)
        return store_mdb_err(m, mrc, "open cursor");
    int rc = LUXC_OK;
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == MDB_SUCCESS;
         mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        luxc_store_block_view b;
        const uint8_t *p, *c;
        size_t n, cn;
        if (k.mv_size != 8) {
            rc = store_err(m, LUXC_ECORRUPT, "blocks: key of %zu bytes", k.mv_size);
            break;
        }
        b.height = luxc_be64_load(k.mv_data);
        if (b.height > to)
            break;
        rc = store_rec_open(m, DB_BLOCKS, &k, &v, &p, &n);
        if (rc == LUXC_OK && n < BLOCK_HDR)
            rc = store_err(m, LUXC_ECORRUPT, "blocks at height %llu: %zu bytes",
                           (unsigned long long)b.height, n);
        MDB_val ck = {.mv_size = 8, .mv_data = k.mv_data};
        if (rc == LUXC_OK)
            rc = store_rec_get(m, txn, s, DB_CERTS, &ck, &c, &cn);
        if (rc == LUXC_ENOTFOUND)
            rc = store_err(m, LUXC_ECORRUPT, "certs: missing for height %llu",
                           (unsigned long long)b.height);
        if (rc != LUXC_OK)
            break;
        b.id = p;
        b.parent = p + LUXC_STORE_IDBYTES;
        b.block = p + BLOCK_HDR;
        b.block_len = n - BLOCK_HDR;
        b.cert = c;
        b.cert_len = cn;
        rc = fn(ctx, &b);
        if (rc != 0 || b.height == UINT64_MAX)
            break;
    }
    if (rc == LUXC_OK && mrc != MDB_SUCCESS && mrc != MDB_NOTFOUND)
        rc = store_mdb_err(m, mrc, "walk blocks");
    mdb_cursor_close(cur);
    return rc;
}

int luxc_store_blocks_foreach(luxc_store *s, uint64_t from, uint64_t to,
                              luxc_store_block_fn fn, void *ctx)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    if (!s || !fn)
        return LUXC_EINVAL;
    if (from > to)
        return LUXC_OK;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = walk_blocks(&m, txn, s, from, to, fn, ctx);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}
