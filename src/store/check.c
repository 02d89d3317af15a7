/* check.c - the record-level consistency check run at open and by
 * luxc_store_check.
 * Owns: every value's checksum and layout, and the chain invariant: blocks
 * and certificates at exactly heights first..last, each block's parent the
 * block below, the id index a bijection onto the blocks, meta "last" naming
 * the top block. Not here: LMDB's page structure (lmdbcheck.c). */
#include "store/store_int.h"

#include <string.h>

#include "common/be.h"

typedef struct chain_walk {
    const luxc_store *s;
    MDB_txn *txn;
    int has_last;
    uint64_t first, last, next;
    uint8_t last_id[LUXC_STORE_IDBYTES], prev_id[LUXC_STORE_IDBYTES];
    uint64_t count;
} chain_walk;

typedef int (*rec_fn)(store_msg *m, chain_walk *cw, const MDB_val *key,
                      const uint8_t *p, size_t n);

/* Calls fn for every record of db, checksums verified. */
static int each(store_msg *m, chain_walk *cw, int db, rec_fn fn)
{
    MDB_cursor *cur;
    MDB_val key, val;
    int mrc = mdb_cursor_open(cw->txn, cw->s->dbi[db], &cur);
    if (mrc != MDB_SUCCESS)
        return store_mdb_err(m, mrc, "open cursor");
    int rc = LUXC_OK;
    cw->count = 0;
    for (mrc = mdb_cursor_get(cur, &key, &val, MDB_FIRST); mrc == MDB_SUCCESS;
         mrc = mdb_cursor_get(cur, &key, &val, MDB_NEXT)) {
        const uint8_t *p;
        size_t n;
        rc = store_rec_open(m, db, &key, &val, &p, &n);
        if (rc == LUXC_OK && fn)
            rc = fn(m, cw, &key, p, n);
        if (rc != LUXC_OK)
            break;
        cw->count++;
    }
    if (rc == LUXC_OK && mrc != MDB_NOTFOUND)
        rc = store_mdb_err(m, mrc, "walk records");
    mdb_cursor_close(cur);
    return rc;
}

/* A height-keyed record (blocks, certs) at the next expected height. */
static int next_height(store_msg *m, chain_walk *cw, const MDB_val *key,
                       const char *what)
{
    if (key->mv_size != 8)
        return store_err(m, LUXC_ECORRUPT, "%s: key of %zu bytes", what, key->mv_size);
    uint64_t h = luxc_be64_load(key->mv_data);
    if (!cw->has_last || h < cw->first || h > cw->last)
        return store_err(m, LUXC_ECORRUPT, "%s at height %llu lies outside the "
                         "accepted range", what, (unsigned long long)h);
    if (h != cw->next)
        return store_err(m, LUXC_ECORRUPT, "%s at height %llu missing",
                         what, (unsigned long long)cw->next);
    cw->next++;
    return LUXC_OK;
}

static int on_block(store_msg *m, chain_walk *cw, const MDB_val *key,
                    const uint8_t *p, size_t n)
{
    int rc = next_height(m, cw, key, "block");
    if (rc != LUXC_OK)
        return rc;
    uint64_t h = cw->next - 1;
    if (n < BLOCK_HDR)
        return store_err(m, LUXC_ECORRUPT, "blocks at height %llu: %zu bytes",
                         (unsigned long long)h, n);
    if (h > cw->first && memcmp(p + LUXC_STORE_IDBYTES, cw->prev_id,
                                LUXC_STORE_IDBYTES) != 0)
        return store_err(m, LUXC_ECORRUPT, "block at height %llu: parent is not "
                         "the block below", (unsigned long long)h);
    if (h == cw->last && memcmp(p, cw->last_id, LUXC_STORE_IDBYTES) != 0)
        return store_err(m, LUXC_ECORRUPT, "block at height %llu is not the last "
                         "accepted id", (unsigned long long)h);
    memcpy(cw->prev_id, p, LUXC_STORE_IDBYTES);
    MDB_val ik = {.mv_size = LUXC_STORE_IDBYTES, .mv_data = (void *)(uintptr_t)p};
    const uint8_t *q;
    size_t qn;
    rc = store_rec_get(m, cw->txn, cw->s, DB_IDS, &ik, &q, &qn);
    if (rc == LUXC_ENOTFOUND || (rc == LUXC_OK && (qn != 8 || luxc_be64_load(q) != h)))
        return store_err(m, LUXC_ECORRUPT, "block_ids: no entry for the block at "
                         "height %llu", (unsigned long long)h);
    return rc;
}

static int on_cert(store_msg *m, chain_walk *cw, const MDB_val *key,
                   const uint8_t *p, size_t n)
{
    (void)p;
    int rc = next_height(m, cw, key, "certificate");
    if (rc == LUXC_OK && n == 0)
        rc = store_err(m, LUXC_ECORRUPT, "certs at height %llu: empty",
                       (unsigned long long)(cw->next - 1));
    return rc;
}

static int on_id(store_msg *m, chain_walk *cw, const MDB_val *key,
                 const uint8_t *p, size_t n)
{
    (void)cw;
    (void)p;
    if (key->mv_size != LUXC_STORE_IDBYTES || n != 8)
        return store_err(m, LUXC_ECORRUPT, "block_ids: malformed entry");
    return LUXC_OK;
}

static int on_vote(store_msg *m, chain_walk *cw, const MDB_val *key,
                   const uint8_t *p, size_t n)
{
    (void)cw;
    (void)p;
    if (key->mv_size != VOTE_KEYBYTES || n == 0)
        return store_err(m, LUXC_ECORRUPT, "votes: malformed entry");
    return LUXC_OK;
}

static int on_weights(store_msg *m, chain_walk *cw, const MDB_val *key,
                      const uint8_t *p, size_t n)
{
    (void)cw;
    (void)p;
    if (key->mv_size == 0 || key->mv_size > LUXC_STORE_NAMEMAXBYTES || n < 8)
        return store_err(m, LUXC_ECORRUPT, "weights: malformed entry");
    return LUXC_OK;
}

int store_check_records(store_msg *m, MDB_txn *txn, const luxc_store *s)
{
    chain_walk cw = {.s = s, .txn = txn};
    int has_first = 0;
    int rc = each(m, &cw, DB_META, NULL);
    if (rc == LUXC_OK)
        rc = store_meta_last(m, txn, s, &cw.has_last, &cw.last, cw.last_id);
    if (rc == LUXC_OK)
        rc = store_meta_first(m, txn, s, &has_first, &cw.first);
    if (rc != LUXC_OK)
        return rc;
    if (has_first != cw.has_last || (cw.has_last && cw.first > cw.last))
        return store_err(m, LUXC_ECORRUPT, "meta \"first\"/\"last\" inconsistent");
    uint64_t want = cw.has_last ? cw.last - cw.first + 1 : 0;
    cw.next = cw.first;
    rc = each(m, &cw, DB_BLOCKS, on_block);
    if (rc == LUXC_OK && cw.count != want)
        rc = store_err(m, LUXC_ECORRUPT, "blocks: %llu records for %llu accepted "
                       "heights", (unsigned long long)cw.count, (unsigned long long)want);
    cw.next = cw.first;
    if (rc == LUXC_OK)
        rc = each(m, &cw, DB_CERTS, on_cert);
    if (rc == LUXC_OK && cw.count != want)
        rc = store_err(m, LUXC_ECORRUPT, "certs: %llu records for %llu accepted "
                       "heights", (unsigned long long)cw.count, (unsigned long long)want);
    if (rc == LUXC_OK)
        rc = each(m, &cw, DB_IDS, on_id);
    if (rc == LUXC_OK && cw.count != want)
        rc = store_err(m, LUXC_ECORRUPT, "block_ids: %llu entries for %llu blocks",
                       (unsigned long long)cw.count, (unsigned long long)want);
    if (rc == LUXC_OK)
        rc = each(m, &cw, DB_VOTES, on_vote);
    if (rc == LUXC_OK)
        rc = each(m, &cw, DB_WEIGHTS, on_weights);
    return rc;
}
