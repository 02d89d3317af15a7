/* test_record.c - the record format and LMDB plumbing every store call
 * shares (src/store/record.c), called directly on a raw LMDB environment
 * wrapped in a bare luxc_store (no luxc_store_new, no logger): the error
 * mapping of LMDB and errno codes, message text and truncation, where-a-
 * record-lives descriptions, the checksum's coverage (sub-database, key
 * length, key, payload), record put/get round trips with segments, damaged
 * and short values, NOOVERWRITE, a full map, oversized keys, a failed
 * transaction's commit, read-only stores, copying out, and the meta
 * records' size checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>

#include "common/be.h"
#include "store/crc32c.h"
#include "store/helpers.h"
#include "store/store_int.h"

typedef struct env_fx {
    char dir[64], path[80];
    luxc_store s; /* only env, dbi, flags and path are used here */
} env_fx;

/* A raw LMDB environment with the store's six sub-databases. */
static int env_open(env_fx *f, size_t mapsize)
{
    test_tmpdir(f->dir, f->path);
    memset(&f->s, 0, sizeof f->s);
    f->s.path = f->dir;
    if (mdb_env_create(&f->s.env) || mdb_env_set_maxdbs(f->s.env, DB_COUNT) ||
        mdb_env_set_mapsize(f->s.env, mapsize) ||
        mdb_env_open(f->s.env, f->dir, MDB_NOSYNC, 0600))
        return -1;
    MDB_txn *txn;
    if (mdb_txn_begin(f->s.env, NULL, 0, &txn))
        return -1;
    for (int i = 0; i < DB_COUNT; i++)
        if (mdb_dbi_open(txn, luxc_store_db_names[i], MDB_CREATE, &f->s.dbi[i]))
            return -1;
    return mdb_txn_commit(txn) ? -1 : 0;
}

static int setup(void **state)
{
    env_fx *f = calloc(1, sizeof *f);
    if (!f || env_open(f, 1u << 20) != 0)
        return -1;
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    env_fx *f = *state;
    mdb_env_close(f->s.env);
    test_rmdir(f->dir);
    free(f);
    return 0;
}

static void test_error_mapping(void **state)
{
    (void)state;
    static const struct {
        int mdb, want;
    } map[] = {
        {MDB_NOTFOUND, LUXC_ENOTFOUND},   {ENOENT, LUXC_ENOTFOUND},
        {MDB_MAP_FULL, LUXC_EFULL},       {MDB_TXN_FULL, LUXC_EFULL},
        {ENOSPC, LUXC_EFULL},             {EDQUOT, LUXC_EFULL},
        {EFBIG, LUXC_EFULL},              {MDB_KEYEXIST, LUXC_ECORRUPT},
        {MDB_CORRUPTED, LUXC_ECORRUPT},   {MDB_PAGE_NOTFOUND, LUXC_ECORRUPT},
        {MDB_INVALID, LUXC_ECORRUPT},     {MDB_INCOMPATIBLE, LUXC_ECORRUPT},
        {MDB_BAD_VALSIZE, LUXC_ECORRUPT}, {MDB_VERSION_MISMATCH, LUXC_EVERSION},
        {ENOMEM, LUXC_ENOMEM},            {MDB_READERS_FULL, LUXC_EAGAIN},
        {EIO, LUXC_EIO},                  {EACCES, LUXC_EIO},
        {EROFS, LUXC_EIO},                {MDB_PANIC, LUXC_EIO},
        {MDB_BAD_TXN, LUXC_EIO},
    };
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++) {
        store_msg m;
        int rc = store_mdb_err(&m, map[i].mdb, "doing it");
        if (rc != map[i].want)
            fail_msg("LMDB/errno %d: %d, wanted %d", map[i].mdb, rc, map[i].want);
        char want[128];
        snprintf(want, sizeof want, "doing it: %s (LMDB/errno %d)", mdb_strerror(map[i].mdb),
                 map[i].mdb);
        assert_string_equal(m.text, want);
    }
}

static void test_messages(void **state)
{
    (void)state;
    store_msg m;
    assert_int_equal(store_err(&m, LUXC_EIO, "a %d %s", 7, "b"), LUXC_EIO);
    assert_string_equal(m.text, "a 7 b");
    /* Longer than the buffer: cut, still terminated. */
    char longs[1000];
    memset(longs, 'q', sizeof longs - 1);
    longs[sizeof longs - 1] = '\0';
    assert_int_equal(store_err(&m, LUXC_ECORRUPT, "%s", longs), LUXC_ECORRUPT);
    assert_int_equal(strlen(m.text), STORE_MSGBYTES - 1);
    /* store_report passes rc through, with or without a store. */
    assert_int_equal(store_report(NULL, LUXC_EIO, &m), LUXC_EIO);
    luxc_store bare;
    memset(&bare, 0, sizeof bare);
    assert_int_equal(store_report(&bare, LUXC_ECORRUPT, &m), LUXC_ECORRUPT);
    assert_int_equal(store_report(&bare, LUXC_OK, &m), LUXC_OK);
}

static void describe(int db, const void *k, size_t kl, const char *want)
{
    char out[128];
    MDB_val key = {.mv_size = kl, .mv_data = (void *)(uintptr_t)k};
    store_key_describe(db, &key, out, sizeof out);
    assert_string_equal(out, want);
}

static void test_key_describe(void **state)
{
    (void)state;
    uint8_t h[8];
    luxc_be64_store(h, 1234567);
    describe(DB_BLOCKS, h, 8, "height 1234567");
    describe(DB_CERTS, h, 8, "height 1234567");
    uint8_t id[LUXC_STORE_IDBYTES];
    for (unsigned i = 0; i < sizeof id; i++)
        id[i] = (uint8_t)(0xa0 + i);
    describe(DB_IDS, id, sizeof id, "id a0a1a2a3a4a5a6a7...");
    uint8_t vk[VOTE_KEYBYTES] = {0};
    luxc_be64_store(vk, 9);
    luxc_be32_store(vk + 8, 3);
    vk[12] = 0xde;
    vk[13] = 0xad;
    describe(DB_VOTES, vk, sizeof vk, "height 9 round 3 voter dead000000000000...");
    describe(DB_WEIGHTS, "model", 5, "name \"model\"");
    describe(DB_META, "last", 4, "name \"last\"");
    char name[100];
    memset(name, 'n', sizeof name);
    char want[80];
    snprintf(want, sizeof want, "name \"%.64s\"", name);
    describe(DB_META, name, sizeof name, want); /* at most 64 characters */
    /* A key of the wrong size for its sub-database: its size and bytes. */
    describe(DB_BLOCKS, "\x01\x02\x03", 3, "key of 3 bytes 010203...");
    describe(DB_IDS, id, 12, "key of 12 bytes a0a1a2a3a4a5a6a7...");
    describe(DB_VOTES, h, 8, "key of 8 bytes 000000000012d687...");
    /* The output is cut to the buffer. */
    char small[6];
    MDB_val key = {.mv_size = 8, .mv_data = h};
    store_key_describe(DB_BLOCKS, &key, small, sizeof small);
    assert_string_equal(small, "heigh");
}

static void test_checksum_coverage(void **state)
{
    (void)state;
    uint8_t k[8] = {1, 2, 3, 4, 5, 6, 7, 8}, p[5] = {9, 9, 9, 9, 9};
    MDB_val key = {.mv_size = 8, .mv_data = k};
    uint32_t c = store_rec_crc(DB_BLOCKS, &key, p, sizeof p);
    /* CRC-32C of db || len16 || key || payload, in one piece. */
    uint8_t all[3 + 8 + 5] = {DB_BLOCKS, 0, 8};
    memcpy(all + 3, k, 8);
    memcpy(all + 11, p, 5);
    assert_int_equal(c, luxc_crc32c(0, all, sizeof all));
    /* Another sub-database, key, key split or payload: another sum. */
    assert_int_not_equal(c, store_rec_crc(DB_CERTS, &key, p, sizeof p));
    k[7] ^= 1;
    assert_int_not_equal(c, store_rec_crc(DB_BLOCKS, &key, p, sizeof p));
    k[7] ^= 1;
    MDB_val shorter = {.mv_size = 7, .mv_data = k};
    uint8_t p2[6] = {8, 9, 9, 9, 9, 9}; /* the byte moved from key to payload */
    assert_int_not_equal(c, store_rec_crc(DB_BLOCKS, &shorter, p2, sizeof p2));
    p[4] ^= 0x80;
    assert_int_not_equal(c, store_rec_crc(DB_BLOCKS, &key, p, sizeof p));
    /* An empty payload still covers the key. */
    assert_int_not_equal(store_rec_crc(DB_META, &key, NULL, 0),
                         store_rec_crc(DB_META, &shorter, NULL, 0));
}

static void test_rec_open(void **state)
{
    (void)state;
    uint8_t h[8];
    luxc_be64_store(h, 42);
    MDB_val key = {.mv_size = 8, .mv_data = h};
    uint8_t v[4 + 10];
    for (int i = 0; i < 10; i++)
        v[4 + i] = (uint8_t)i;
    luxc_be32_store(v, store_rec_crc(DB_CERTS, &key, v + 4, 10));
    MDB_val val = {.mv_size = sizeof v, .mv_data = v};
    const uint8_t *p = NULL;
    size_t plen = 0;
    store_msg m;
    assert_int_equal(store_rec_open(&m, DB_CERTS, &key, &val, &p, &plen), LUXC_OK);
    assert_ptr_equal(p, v + 4);
    assert_int_equal(plen, 10);
    /* Any flipped bit, in the sum or the payload. */
    for (size_t bit = 0; bit < 8 * sizeof v; bit += 5) {
        v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
        assert_int_equal(store_rec_open(&m, DB_CERTS, &key, &val, &p, &plen), LUXC_ECORRUPT);
        assert_non_null(strstr(m.text, "certs at height 42: checksum mismatch"));
        v[bit / 8] ^= (uint8_t)(1u << (bit % 8));
    }
    /* The same bytes under another sub-database do not open. */
    assert_int_equal(store_rec_open(&m, DB_BLOCKS, &key, &val, &p, &plen), LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "blocks at height 42"));
    /* Shorter than the checksum; exactly the checksum (empty payload). */
    val.mv_size = 3;
    assert_int_equal(store_rec_open(&m, DB_CERTS, &key, &val, &p, &plen), LUXC_ECORRUPT);
    assert_string_equal(m.text, "certs at height 42: value of 3 bytes, shorter than its checksum");
    luxc_be32_store(v, store_rec_crc(DB_CERTS, &key, NULL, 0));
    val.mv_size = 4;
    assert_int_equal(store_rec_open(&m, DB_CERTS, &key, &val, &p, &plen), LUXC_OK);
    assert_int_equal(plen, 0);
}

static void test_put_get(void **state)
{
    env_fx *f = *state;
    store_msg m;
    MDB_txn *txn;
    assert_int_equal(store_txn_begin(&m, &f->s, 1, &txn), LUXC_OK);
    uint8_t h[8];
    luxc_be64_store(h, 7);
    MDB_val key = {.mv_size = 8, .mv_data = h};
    const uint8_t a[3] = {1, 2, 3}, c[2] = {8, 9};
    const uint8_t *seg[3] = {a, NULL, c};
    const size_t len[3] = {3, 0, 2};
    assert_int_equal(store_rec_put(&m, txn, &f->s, DB_BLOCKS, &key, seg, len, 0), LUXC_OK);
    const uint8_t *p;
    size_t plen;
    assert_int_equal(store_rec_get(&m, txn, &f->s, DB_BLOCKS, &key, &p, &plen), LUXC_OK);
    assert_int_equal(plen, 5);
    assert_memory_equal(p, "\x01\x02\x03\x08\x09", 5);
    /* The value in LMDB is the sum then the payload. */
    MDB_val raw;
    assert_int_equal(mdb_get(txn, f->s.dbi[DB_BLOCKS], &key, &raw), 0);
    assert_int_equal(raw.mv_size, 9);
    assert_int_equal(luxc_be32_load(raw.mv_data),
                     store_rec_crc(DB_BLOCKS, &key, (const uint8_t *)raw.mv_data + 4, 5));
    /* Written under one sub-database, the value fails under another. */
    assert_int_equal(mdb_put(txn, f->s.dbi[DB_CERTS], &key, &raw, 0), 0);
    assert_int_equal(store_rec_get(&m, txn, &f->s, DB_CERTS, &key, &p, &plen), LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "checksum mismatch"));
    /* Absent: ENOTFOUND without a message. */
    luxc_be64_store(h, 8);
    m.text[0] = '\0';
    assert_int_equal(store_rec_get(&m, txn, &f->s, DB_BLOCKS, &key, &p, &plen), LUXC_ENOTFOUND);
    assert_string_equal(m.text, "");
    /* NOOVERWRITE on a key that exists: the store's invariant broken. */
    luxc_be64_store(h, 7);
    assert_int_equal(store_rec_put(&m, txn, &f->s, DB_BLOCKS, &key, seg, len, MDB_NOOVERWRITE),
                     LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "writing blocks at height 7: "));
    /* Empty segments only: a record of just its sum. */
    const uint8_t *none[3] = {NULL, NULL, NULL};
    const size_t zero[3] = {0, 0, 0};
    MDB_val mk = {.mv_size = 5, .mv_data = "first"};
    assert_int_equal(store_rec_put(&m, txn, &f->s, DB_META, &mk, none, zero, 0), LUXC_OK);
    assert_int_equal(store_rec_get(&m, txn, &f->s, DB_META, &mk, &p, &plen), LUXC_OK);
    assert_int_equal(plen, 0);
    /* A key LMDB cannot hold (> 511 bytes). */
    static uint8_t bigkey[600];
    MDB_val bk = {.mv_size = sizeof bigkey, .mv_data = bigkey};
    assert_int_equal(store_rec_put(&m, txn, &f->s, DB_WEIGHTS, &bk, seg, len, 0), LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "writing weights at name"));
    /* (LMDB's get does not check the key size: such a key is just absent.) */
    assert_int_equal(store_rec_get(&m, txn, &f->s, DB_WEIGHTS, &bk, &p, &plen), LUXC_ENOTFOUND);
    assert_int_equal(store_txn_commit(&m, txn, "test"), LUXC_OK);
}

/* A map too small for a value: EFULL at the put; the transaction is then
 * unusable and its commit fails with a message naming what was committed. */
static void test_full_map_and_failed_commit(void **state)
{
    (void)state;
    env_fx f;
    assert_int_equal(env_open(&f, 64 * 1024), 0);
    store_msg m;
    MDB_txn *txn;
    assert_int_equal(store_txn_begin(&m, &f.s, 1, &txn), LUXC_OK);
    static uint8_t blob[200 * 1024];
    const uint8_t *seg[3] = {blob, NULL, NULL};
    const size_t len[3] = {sizeof blob, 0, 0};
    MDB_val key = {.mv_size = 5, .mv_data = "model"};
    assert_int_equal(store_rec_put(&m, txn, &f.s, DB_WEIGHTS, &key, seg, len, 0), LUXC_EFULL);
    assert_non_null(strstr(m.text, "writing weights at name \"model\": "));
    assert_int_equal(store_txn_commit(&m, txn, "weights"), LUXC_EIO);
    assert_non_null(strstr(m.text, "commit weights: "));
    mdb_env_close(f.s.env);
    test_rmdir(f.dir);
}

static void test_txn_begin(void **state)
{
    env_fx *f = *state;
    store_msg m;
    MDB_txn *txn = NULL;
    f->s.flags = LUXC_STORE_RDONLY;
    assert_int_equal(store_txn_begin(&m, &f->s, 1, &txn), LUXC_EUNSUPPORTED);
    assert_string_equal(m.text, "write on a read-only store");
    assert_null(txn);
    assert_int_equal(store_txn_begin(&m, &f->s, 0, &txn), LUXC_OK);
    mdb_txn_abort(txn);
    f->s.flags = 0;
    assert_int_equal(store_txn_begin(&m, &f->s, 1, &txn), LUXC_OK);
    mdb_txn_abort(txn);
    /* LMDB's own refusal is mapped and named: a read-only environment. */
    env_fx ro;
    assert_int_equal(env_open(&ro, 1u << 20), 0);
    mdb_env_close(ro.s.env);
    assert_int_equal(mdb_env_create(&ro.s.env), 0);
    assert_int_equal(mdb_env_set_maxdbs(ro.s.env, DB_COUNT), 0);
    assert_int_equal(mdb_env_open(ro.s.env, ro.dir, MDB_RDONLY, 0600), 0);
    assert_int_equal(store_txn_begin(&m, &ro.s, 1, &txn), LUXC_EIO);
    assert_non_null(strstr(m.text, "begin write transaction: "));
    mdb_env_close(ro.s.env);
    test_rmdir(ro.dir);
}

static void test_copy_out(void **state)
{
    (void)state;
    uint8_t out[4] = {0}, src[5] = {1, 2, 3, 4, 5};
    size_t len = 0;
    assert_int_equal(store_copy_out(src, 5, out, 4, &len), LUXC_ETOOBIG);
    assert_int_equal(len, 5);
    assert_memory_equal(out, "\0\0\0\0", 4); /* nothing copied */
    assert_int_equal(store_copy_out(src, 4, out, 4, &len), LUXC_OK);
    assert_int_equal(len, 4);
    assert_memory_equal(out, src, 4);
    assert_int_equal(store_copy_out(src, 0, NULL, 0, &len), LUXC_OK);
    assert_int_equal(len, 0);
}

static void put_meta(env_fx *f, MDB_txn *txn, const char *name, const uint8_t *p, size_t n)
{
    store_msg m;
    const uint8_t *seg[3] = {p, NULL, NULL};
    const size_t len[3] = {n, 0, 0};
    MDB_val key = {.mv_size = strlen(name), .mv_data = (void *)(uintptr_t)name};
    assert_int_equal(store_rec_put(&m, txn, &f->s, DB_META, &key, seg, len, 0), LUXC_OK);
}

static void test_meta_records(void **state)
{
    env_fx *f = *state;
    store_msg m;
    MDB_txn *txn;
    assert_int_equal(store_txn_begin(&m, &f->s, 1, &txn), LUXC_OK);
    MDB_val k1 = {.mv_size = 4, .mv_data = "last"}, k2 = {.mv_size = 5, .mv_data = "first"};
    mdb_del(txn, f->s.dbi[DB_META], &k1, NULL);
    mdb_del(txn, f->s.dbi[DB_META], &k2, NULL);
    int has = 7;
    uint64_t height = 99;
    uint8_t id[LUXC_STORE_IDBYTES];
    assert_int_equal(store_meta_last(&m, txn, &f->s, &has, &height, id), LUXC_OK);
    assert_int_equal(has, 0);
    assert_int_equal(store_meta_first(&m, txn, &f->s, &has, &height), LUXC_OK);
    assert_int_equal(has, 0);
    uint8_t last[8 + LUXC_STORE_IDBYTES];
    luxc_be64_store(last, 1ull << 40);
    memset(last + 8, 0xab, LUXC_STORE_IDBYTES);
    put_meta(f, txn, "last", last, sizeof last);
    put_meta(f, txn, "first", last, 8);
    assert_int_equal(store_meta_last(&m, txn, &f->s, &has, &height, id), LUXC_OK);
    assert_int_equal(has, 1);
    assert_int_equal(height, 1ull << 40);
    assert_memory_equal(id, last + 8, LUXC_STORE_IDBYTES);
    assert_int_equal(store_meta_last(&m, txn, &f->s, &has, &height, NULL), LUXC_OK);
    assert_int_equal(store_meta_first(&m, txn, &f->s, &has, &height), LUXC_OK);
    assert_int_equal(has, 1);
    assert_int_equal(height, 1ull << 40);
    /* Wrong sizes are damage, and say which record and sizes. */
    put_meta(f, txn, "last", last, sizeof last - 1);
    assert_int_equal(store_meta_last(&m, txn, &f->s, &has, &height, id), LUXC_ECORRUPT);
    assert_int_equal(has, 0);
    assert_string_equal(m.text, "meta \"last\": 39 bytes, expected 40");
    put_meta(f, txn, "first", last, 9);
    assert_int_equal(store_meta_first(&m, txn, &f->s, &has, &height), LUXC_ECORRUPT);
    assert_string_equal(m.text, "meta \"first\": 9 bytes, expected 8");
    /* A damaged sum is reported as such, not as absent. */
    MDB_val raw;
    assert_int_equal(mdb_get(txn, f->s.dbi[DB_META], &k2, &raw), 0);
    uint8_t copy[16];
    memcpy(copy, raw.mv_data, raw.mv_size);
    copy[5] ^= 1;
    MDB_val bad = {.mv_size = raw.mv_size, .mv_data = copy};
    assert_int_equal(mdb_put(txn, f->s.dbi[DB_META], &k2, &bad, 0), 0);
    assert_int_equal(store_meta_first(&m, txn, &f->s, &has, &height), LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "meta at name \"first\": checksum mismatch"));
    mdb_txn_abort(txn);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_error_mapping),
        cmocka_unit_test(test_messages),
        cmocka_unit_test(test_key_describe),
        cmocka_unit_test(test_checksum_coverage),
        cmocka_unit_test(test_rec_open),
        cmocka_unit_test(test_put_get),
        cmocka_unit_test(test_full_map_and_failed_commit),
        cmocka_unit_test(test_txn_begin),
        cmocka_unit_test(test_copy_out),
        cmocka_unit_test(test_meta_records),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
