/* votes.c - votes in flight, keyed (height, round, voter) big-endian so a
 * cursor walks them by height, then round, then voter.
 * Owns: put (first vote wins; an identical re-put is fine), get, the walk of
 * one height, and pruning below a height. Not here: what a vote means. */
#include "luxc/store.h"

#include <string.h>

#include "common/be.h"
#include "store/store_int.h"

static void vote_key(uint8_t key[VOTE_KEYBYTES], uint64_t height, uint32_t round,
                     const uint8_t *voter)
{
    luxc_be64_store(key, height);
    luxc_be32_store(key + 8, round);
    memcpy(key + 12, voter, LUXC_STORE_VOTERBYTES);
}

static int vote_write(store_msg *m, MDB_txn *txn, const luxc_store *s, MDB_val *k,
                      const uint8_t *vote, size_t vote_len)
{
    const uint8_t *p;
    size_t n;
    int rc = store_rec_get(m, txn, s, DB_VOTES, k, &p, &n);
    if (rc == LUXC_OK)
        return n == vote_len && memcmp(p, vote, n) == 0 ? LUXC_OK : LUXC_EEXIST;
    if (rc != LUXC_ENOTFOUND)
        return rc;
    const uint8_t *seg[3] = {vote, NULL, NULL};
    const size_t len[3] = {vote_len, 0, 0};
    return store_rec_put(m, txn, s, DB_VOTES, k, seg, len, MDB_NOOVERWRITE);
}

int luxc_store_vote_put(luxc_store *s, uint64_t height, uint32_t round,
                        const uint8_t voter[LUXC_STORE_VOTERBYTES],
                        const uint8_t *vote, size_t vote_len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    uint8_t key[VOTE_KEYBYTES];
    MDB_val k = {.mv_size = sizeof key, .mv_data = key};
    if (!s)
        return LUXC_EINVAL;
    int rc = LUXC_OK;
    if (!voter || !vote || vote_len == 0)
        rc = store_err(&m, LUXC_EINVAL, "vote_put: missing voter or vote");
    else if (vote_len > LUXC_STORE_VALUEMAXBYTES)
        rc = store_err(&m, LUXC_ETOOBIG, "vote_put: vote of %zu bytes exceeds %u",
                       vote_len, LUXC_STORE_VALUEMAXBYTES);
    if (rc == LUXC_OK)
        rc = store_txn_begin(&m, s, 1, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    vote_key(key, height, round, voter);
    rc = vote_write(&m, txn, s, &k, vote, vote_len);
    if (rc != LUXC_OK)
        mdb_txn_abort(txn);
    else
        rc = store_txn_commit(&m, txn, "vote");
    return store_report(s, rc, &m);
}

int luxc_store_vote_get(luxc_store *s, uint64_t height, uint32_t round,
                        const uint8_t voter[LUXC_STORE_VOTERBYTES], uint8_t *buf,
                        size_t cap, size_t *len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    uint8_t key[VOTE_KEYBYTES];
    MDB_val k = {.mv_size = sizeof key, .mv_data = key};
    const uint8_t *p;
    size_t n;
    if (!s || !voter || !len || (!buf && cap > 0))
        return LUXC_EINVAL;
    vote_key(key, height, round, voter);
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = store_rec_get(&m, txn, s, DB_VOTES, &k, &p, &n);
    if (rc == LUXC_OK)
        rc = store_copy_out(p, n, buf, cap, len);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}

static int walk_votes(store_msg *m, MDB_txn *txn, const luxc_store *s,
                      uint64_t height, luxc_store_vote_fn fn, void *ctx)
{
    MDB_cursor *cur;
    uint8_t key[VOTE_KEYBYTES] = {0};
    MDB_val k = {.mv_size = sizeof key, .mv_data = key}, v;
    luxc_be64_store(key, height);
    int mrc = mdb_cursor_open(txn, s->dbi[DB_VOTES], &cur);
    if (mrc != MDB_SUCCESS)
        return store_mdb_err(m, mrc, "open cursor");
    int rc = LUXC_OK;
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_SET_RANGE); mrc == MDB_SUCCESS;
         mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        const uint8_t *kp = k.mv_data, *p;
        size_t n;
        if (k.mv_size != VOTE_KEYBYTES) {
            rc = store_err(m, LUXC_ECORRUPT, "votes: key of %zu bytes", k.mv_size);
            break;
        }
        if (luxc_be64_load(kp) != height)
            break;
        rc = store_rec_open(m, DB_VOTES, &k, &v, &p, &n);
        if (rc != LUXC_OK)
            break;
        rc = fn(ctx, height, luxc_be32_load(kp + 8), kp + 12, p, n);
        if (rc != 0)
            break;
    }
    if (rc == LUXC_OK && mrc != MDB_SUCCESS && mrc != MDB_NOTFOUND)
        rc = store_mdb_err(m, mrc, "walk votes");
    mdb_cursor_close(cur);
    return rc;
}

int luxc_store_votes_foreach(luxc_store *s, uint64_t height, luxc_store_vote_fn fn,
                             void *ctx)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    if (!s || !fn)
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = walk_votes(&m, txn, s, height, fn, ctx);
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}

static int prune(store_msg *m, MDB_txn *txn, const luxc_store *s, uint64_t below,
                 uint64_t *removed)
{
    MDB_cursor *cur;
    MDB_val k, v;
    int mrc = mdb_cursor_open(txn, s->dbi[DB_VOTES], &cur);
    if (mrc != MDB_SUCCESS)
        return store_mdb_err(m, mrc, "open cursor");
    /* Keys sort by height first; after a delete MDB_NEXT yields the record
     * that followed the deleted one (LMDB's C_DEL cursor state). */
    for (mrc = mdb_cursor_get(cur, &k, &v, MDB_FIRST); mrc == MDB_SUCCESS;
         mrc = mdb_cursor_get(cur, &k, &v, MDB_NEXT)) {
        if (k.mv_size >= 8 && luxc_be64_load(k.mv_data) >= below)
            break;
        mrc = mdb_cursor_del(cur, 0);
        if (mrc != MDB_SUCCESS)
            break;
        (*removed)++;
    }
    mdb_cursor_close(cur);
    if (mrc != MDB_SUCCESS && mrc != MDB_NOTFOUND)
        return store_mdb_err(m, mrc, "prune votes");
    return LUXC_OK;
}

int luxc_store_votes_prune(luxc_store *s, uint64_t below, uint64_t *removed)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    uint64_t n = 0;
    if (!s)
        return LUXC_EINVAL;
    int rc = store_txn_begin(&m, s, 1, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = prune(&m, txn, s, below, &n);
    if (rc != LUXC_OK)
        mdb_txn_abort(txn);
    else
        rc = store_txn_commit(&m, txn, "vote pruning");
    if (rc == LUXC_OK && removed)
        *removed = n;
    return store_report(s, rc, &m);
}
