/* weights.c - model weights: named opaque blobs with the caller's version.
 * Owns: put (replace) and get. Not here: what the weights are (ai layer). */
#include "luxc/store.h"

#include <string.h>

#include "common/be.h"
#include "store/store_int.h"

/* Validates name; fills key. LUXC_OK, LUXC_EINVAL or LUXC_ETOOBIG. */
static int name_key(store_msg *m, const char *name, MDB_val *key)
{
    if (!name)
        return store_err(m, LUXC_EINVAL, "weights: name is NULL");
    size_t n = strnlen(name, LUXC_STORE_NAMEMAXBYTES + 1);
    if (n == 0)
        return store_err(m, LUXC_EINVAL, "weights: empty name");
    if (n > LUXC_STORE_NAMEMAXBYTES)
        return store_err(m, LUXC_ETOOBIG, "weights: name longer than %u bytes",
                         LUXC_STORE_NAMEMAXBYTES);
    key->mv_size = n;
    key->mv_data = (void *)(uintptr_t)name;
    return LUXC_OK;
}

int luxc_store_weights_put(luxc_store *s, const char *name, uint64_t version,
                           const uint8_t *blob, size_t blob_len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    MDB_val k;
    uint8_t ver[8];
    if (!s)
        return LUXC_EINVAL;
    int rc = name_key(&m, name, &k);
    if (rc == LUXC_OK && !blob && blob_len > 0)
        rc = store_err(&m, LUXC_EINVAL, "weights_put: blob is NULL");
    else if (rc == LUXC_OK && blob_len > LUXC_STORE_VALUEMAXBYTES)
        rc = store_err(&m, LUXC_ETOOBIG, "weights_put: blob of %zu bytes exceeds %u",
                       blob_len, LUXC_STORE_VALUEMAXBYTES);
    if (rc == LUXC_OK)
        rc = store_txn_begin(&m, s, 1, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    luxc_be64_store(ver, version);
    const uint8_t *seg[3] = {ver, blob, NULL};
    const size_t len[3] = {8, blob_len, 0};
    rc = store_rec_put(&m, txn, s, DB_WEIGHTS, &k, seg, len, 0);
    if (rc != LUXC_OK)
        mdb_txn_abort(txn);
    else
        rc = store_txn_commit(&m, txn, "weights");
    return store_report(s, rc, &m);
}

int luxc_store_weights_get(luxc_store *s, const char *name, uint64_t *version,
                           uint8_t *buf, size_t cap, size_t *len)
{
    store_msg m = {{0}};
    MDB_txn *txn;
    MDB_val k;
    const uint8_t *p;
    size_t n;
    if (!s || !len || (!buf && cap > 0))
        return LUXC_EINVAL;
    int rc = name_key(&m, name, &k);
    if (rc == LUXC_OK)
        rc = store_txn_begin(&m, s, 0, &txn);
    if (rc != LUXC_OK)
        return store_report(s, rc, &m);
    rc = store_rec_get(&m, txn, s, DB_WEIGHTS, &k, &p, &n);
    if (rc == LUXC_OK && n < 8)
        rc = store_err(&m, LUXC_ECORRUPT, "weights \"%s\": %zu bytes", name, n);
    if (rc == LUXC_OK) {
        if (version)
            *version = luxc_be64_load(p);
        rc = store_copy_out(p + 8, n - 8, buf, cap, len);
    }
    mdb_txn_abort(txn);
    return store_report(s, rc, &m);
}
