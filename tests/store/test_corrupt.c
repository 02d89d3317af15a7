/* test_corrupt.c - damaged stores are reported, never crash: an empty,
 * truncated, garbage or bit-flipped data.mdb; values whose checksum no
 * longer matches (edited with raw LMDB); a record moved to another key; a
 * broken chain; another format version; a missing sub-database. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>

#include "common/be.h"
#include "store/helpers.h"
#include "store/store_int.h"

#define SEED 77u
#define LAST 60u

typedef struct cfixture {
    char dir[64], path[80], data[96];
    uint8_t *pristine;
    size_t pristine_len;
} cfixture;

static uint8_t *read_file(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *p = malloc((size_t)n);
    assert_non_null(p);
    assert_int_equal(fread(p, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    *len = (size_t)n;
    return p;
}

static void write_file(const char *path, const uint8_t *p, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(p, 1, n, f), n);
    fclose(f);
}

/* A store with blocks 0..LAST (some on overflow pages), votes, weights. */
static int setup(void **state)
{
    cfixture *f = calloc(1, sizeof *f);
    uint8_t voter[32] = {0}, blob[5000];
    test_tmpdir(f->dir, f->path);
    snprintf(f->data, sizeof f->data, "%s/data.mdb", f->path);
    luxc_store *s = test_open(f->path, LUXC_STORE_CREATE, NULL);
    if (!s || test_accept_range(s, SEED, 0, LAST) != LUXC_OK)
        return -1;
    for (int i = 0; i < 40; i++) {
        voter[0] = (uint8_t)i;
        if (luxc_store_vote_put(s, LAST + 1, (uint32_t)i % 2, voter, voter, 32) != LUXC_OK)
            return -1;
    }
    if (luxc_store_votes_prune(s, LAST + 1, NULL) != LUXC_OK) /* leave free pages */
        return -1;
    for (int i = 20; i < 40; i++) {
        voter[0] = (uint8_t)i;
        if (luxc_store_vote_put(s, LAST + 2, 1, voter, voter, 32) != LUXC_OK)
            return -1;
    }
    test_fill(blob, sizeof blob, SEED, 0, 7);
    if (luxc_store_weights_put(s, "model", 1, blob, sizeof blob) != LUXC_OK)
        return -1;
    luxc_store_free(s);
    f->pristine = read_file(f->data, &f->pristine_len);
    *state = f;
    return 0;
}

static int teardown(void **state)
{
    cfixture *f = *state;
    test_rmdir(f->dir);
    free(f->pristine);
    free(f);
    return 0;
}

static int open_rc(const char *path, unsigned flags, char *err, size_t errlen,
                   luxc_store **out)
{
    luxc_store *s = NULL;
    luxc_store_cfg c = test_cfg(path, flags, NULL);
    int rc = luxc_store_new(&s, &c, err, errlen);
    if (out)
        *out = s;
    else
        luxc_store_free(s);
    return rc;
}

static void test_empty_file(void **state)
{
    cfixture *f = *state;
    char err[512];
    assert_int_equal(truncate(f->data, 0), 0);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "empty"));
    /* Not even LUXC_STORE_CREATE starts over a damaged store. */
    assert_int_equal(open_rc(f->path, LUXC_STORE_CREATE, err, sizeof err, NULL),
                     LUXC_ECORRUPT);
    assert_int_equal(test_file_size(f->data), 0);
}

/* Truncation at every page boundary and inside pages: ECORRUPT, or LUXC_OK
 * only if nothing reachable was cut off (then the data must be intact). */
static void test_truncated(void **state)
{
    cfixture *f = *state;
    char err[512];
    int corrupt = 0, said_truncated = 0;
    for (size_t len = f->pristine_len - 1; len > 0; len = len > 4096 ? len - 2048 : len / 2) {
        write_file(f->data, f->pristine, len);
        luxc_store *s;
        int rc = open_rc(f->path, 0, err, sizeof err, &s);
        if (rc == LUXC_OK) {
            assert_int_equal(test_verify_range(s, SEED, 0, LAST), 0);
            luxc_store_free(s);
            continue;
        }
        if (rc != LUXC_ECORRUPT)
            fail_msg("truncated to %zu: %d (%s)", len, rc, err);
        corrupt++;
        said_truncated += strstr(err, "truncated") != NULL;
    }
    fprintf(stderr, "truncations: %d detected (%d say so)\n", corrupt, said_truncated);
    assert_true(corrupt > 0);
    assert_true(said_truncated > 0);
}

static void test_garbage(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint64_t seed = luxc_test_seed(), st = seed;
    uint8_t *g = malloc(f->pristine_len);
    assert_non_null(g);
    for (int i = 0; i < 6; i++) {
        size_t n = i == 0 ? f->pristine_len : 1 + luxc_test_rand(&st) % f->pristine_len;
        for (size_t k = 0; k < n; k++)
            g[k] = (uint8_t)luxc_test_rand(&st);
        write_file(f->data, g, n);
        int rc = open_rc(f->path, 0, err, sizeof err, NULL);
        if (rc != LUXC_ECORRUPT)
            LUXC_TEST_FAIL_SEED(seed, "garbage of %zu bytes: %d (%s)", n, rc, err);
    }
    /* Garbage after two valid meta pages. */
    memcpy(g, f->pristine, 8192);
    write_file(f->data, g, f->pristine_len);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    free(g);
}

/* Flip random bytes anywhere, hundreds of times: open either reports
 * corruption or yields an intact, consistent store that can still be
 * written. A flip in the older meta page's txnid can make LMDB choose it
 * (LMDB has no meta checksum): the store is then one commit older but
 * consistent, so "intact" means up to the height the store reports. */
static void test_bit_flips(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint64_t seed = luxc_test_seed(), st = seed;
    uint8_t *g = malloc(f->pristine_len);
    int detected = 0, harmless = 0;
    assert_non_null(g);
    /* LUXC_STORE_FLIPS=N soaks with more iterations. */
    const char *env = getenv("LUXC_STORE_FLIPS");
    int iters = env && atoi(env) > 0 ? atoi(env) : 400;
    for (int iter = 0; iter < iters; iter++) {
        memcpy(g, f->pristine, f->pristine_len);
        int flips = 1 + (int)(luxc_test_rand(&st) % 4);
        for (int k = 0; k < flips; k++) {
            size_t off = luxc_test_rand(&st) % f->pristine_len;
            g[off] ^= (uint8_t)(1u + luxc_test_rand(&st) % 255);
        }
        write_file(f->data, g, f->pristine_len);
        luxc_store *s;
        test_log log = {0};
        int rc = open_rc(f->path, 0, err, sizeof err, &s);
        if (rc == LUXC_ECORRUPT || rc == LUXC_EVERSION) {
            detected++;
            continue;
        }
        if (rc != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "iter %d: open gave %d (%s)", iter, rc, err);
        luxc_store_free(s);
        s = test_open(f->path, 0, &log);
        assert_non_null(s);
        uint64_t last;
        if (luxc_store_last(s, &last, NULL) != LUXC_OK || last > LAST ||
            test_verify_range(s, SEED, 0, last) != 0 || luxc_store_check(s) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "iter %d: undetected damage", iter);
        /* Writing on top must work and keep the store consistent. */
        rc = test_accept_range(s, SEED, last + 1, last + 3);
        if (rc == LUXC_OK)
            rc = luxc_store_check(s);
        if (rc != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "iter %d: write after open gave %d (%s)", iter,
                                rc, log.last);
        luxc_store_free(s);
        if (open_rc(f->path, 0, err, sizeof err, NULL) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "iter %d: reopen after write: %s", iter, err);
        harmless++;
    }
    fprintf(stderr, "bit flips: %d detected, %d harmless\n", detected, harmless);
    assert_true(detected > 0);
    free(g);
}

/* Raw LMDB access to the store's sub-databases, bypassing luxc. */
typedef struct raw {
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
} raw;

static void raw_open(raw *r, const char *path, const char *db)
{
    assert_int_equal(mdb_env_create(&r->env), 0);
    assert_int_equal(mdb_env_set_maxdbs(r->env, 8), 0);
    assert_int_equal(mdb_env_open(r->env, path, 0, 0600), 0);
    assert_int_equal(mdb_txn_begin(r->env, NULL, 0, &r->txn), 0);
    assert_int_equal(mdb_dbi_open(r->txn, db, 0, &r->dbi), 0);
}

static void raw_close(raw *r)
{
    assert_int_equal(mdb_txn_commit(r->txn), 0);
    mdb_env_close(r->env);
}

/* Change one byte of the value at key (or move it to key2). */
static void raw_edit(const char *path, const char *db, const void *key, size_t klen,
                     size_t at, const void *key2)
{
    raw r;
    MDB_val k = {.mv_size = klen, .mv_data = (void *)(uintptr_t)key}, v;
    raw_open(&r, path, db);
    assert_int_equal(mdb_get(r.txn, r.dbi, &k, &v), 0);
    uint8_t *copy = malloc(v.mv_size);
    assert_non_null(copy);
    memcpy(copy, v.mv_data, v.mv_size);
    if (key2)
        k.mv_data = (void *)(uintptr_t)key2;
    else
        copy[at % v.mv_size] ^= 0x40;
    MDB_val nv = {.mv_size = v.mv_size, .mv_data = copy};
    assert_int_equal(mdb_put(r.txn, r.dbi, &k, &nv, 0), 0);
    free(copy);
    raw_close(&r);
}

static void test_checksum_mismatch(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t h7[8], h8[8], buf[TEST_BLOCK_MAX];
    size_t len;
    test_log log = {0};
    luxc_be64_store(h7, 7);
    luxc_be64_store(h8, 8);
    raw_edit(f->path, "certs", h7, 8, 5, NULL);
    /* The open-time check finds it and says where. */
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "certs at height 7"));
    assert_non_null(strstr(err, "checksum"));
    /* Without the check, the read finds it (logged) and others still work. */
    luxc_store *s = test_open(f->path, LUXC_STORE_NOVERIFY, &log);
    assert_non_null(s);
    assert_int_equal(luxc_store_cert_get(s, 7, buf, sizeof buf, &len), LUXC_ECORRUPT);
    assert_int_equal(log.last_err, LUXC_ECORRUPT);
    assert_non_null(strstr(log.last, "certs at height 7"));
    assert_int_equal(luxc_store_cert_get(s, 6, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_store_blocks_foreach(s, 0, LAST, NULL, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_store_check(s), LUXC_ECORRUPT);
    luxc_store_free(s);
    /* A block body, the id index, a vote, the weights, meta "last". */
    struct { const char *db; const void *key; size_t klen; const char *where; } cases[] = {
        {"blocks", h8, 8, "blocks at height 8"},
        {"votes", NULL, 0, "votes at height"},
        {"weights", "model", 5, "weights at name \"model\""},
        {"meta", "last", 4, "meta at name \"last\""},
        {"meta", "chain", 5, "meta at name \"chain\""},
    };
    uint8_t vkey[VOTE_KEYBYTES] = {0};
    luxc_be64_store(vkey, LAST + 2);
    luxc_be32_store(vkey + 8, 1);
    vkey[12] = 25;
    cases[1].key = vkey;
    cases[1].klen = sizeof vkey;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        write_file(f->data, f->pristine, f->pristine_len);
        raw_edit(f->path, cases[i].db, cases[i].key, cases[i].klen, 40, NULL);
        int rc = open_rc(f->path, 0, err, sizeof err, NULL);
        if (rc != LUXC_ECORRUPT || !strstr(err, cases[i].where))
            fail_msg("case %zu: %d (%s)", i, rc, err);
    }
    write_file(f->data, f->pristine, f->pristine_len);
    raw_edit(f->path, "weights", "model", 5, 40, NULL);
    s = test_open(f->path, LUXC_STORE_NOVERIFY, NULL);
    assert_non_null(s);
    assert_int_equal(luxc_store_weights_get(s, "model", NULL, buf, sizeof buf, &len),
                     LUXC_ECORRUPT);
    luxc_store_free(s);
    write_file(f->data, f->pristine, f->pristine_len);
    raw_edit(f->path, "votes", vkey, sizeof vkey, 3, NULL);
    s = test_open(f->path, LUXC_STORE_NOVERIFY, NULL);
    assert_non_null(s);
    assert_int_equal(luxc_store_vote_get(s, LAST + 2, 1, vkey + 12, buf, sizeof buf, &len),
                     LUXC_ECORRUPT);
    luxc_store_free(s);
}

static int noop_block(void *ctx, const luxc_store_block_view *b)
{
    (void)b;
    (*(int *)ctx)++;
    return 0;
}

/* The checksum covers the key: a value copied to another key is caught. */
static void test_moved_record(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t h7[8], h9[8], buf[TEST_BLOCK_MAX];
    size_t len;
    int calls = 0;
    luxc_be64_store(h7, 7);
    luxc_be64_store(h9, 9);
    raw_edit(f->path, "blocks", h7, 8, 0, h9);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "blocks at height 9"));
    luxc_store *s = test_open(f->path, LUXC_STORE_NOVERIFY, NULL);
    assert_non_null(s);
    assert_int_equal(luxc_store_block_get(s, 9, NULL, NULL, buf, sizeof buf, &len),
                     LUXC_ECORRUPT);
    assert_int_equal(luxc_store_blocks_foreach(s, 0, LAST, noop_block, &calls),
                     LUXC_ECORRUPT);
    assert_int_equal(calls, 9); /* 0..8, then the bad one stops the walk */
    luxc_store_free(s);
}

/* Valid checksums, broken meaning: caught by the chain check at open. */
static void test_broken_chain(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t h[8];
    raw r;
    luxc_be64_store(h, 30);
    MDB_val k = {.mv_size = 8, .mv_data = h};
    raw_open(&r, f->path, "certs");
    assert_int_equal(mdb_del(r.txn, r.dbi, &k, NULL), 0);
    raw_close(&r);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "certificate at height 30 missing"));
    write_file(f->data, f->pristine, f->pristine_len);
    raw_open(&r, f->path, "blocks");
    assert_int_equal(mdb_del(r.txn, r.dbi, &k, NULL), 0);
    raw_close(&r);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "block at height 30 missing"));
    write_file(f->data, f->pristine, f->pristine_len);
    uint8_t id[32];
    test_id(id, SEED, 12);
    k = (MDB_val){.mv_size = 32, .mv_data = id};
    raw_open(&r, f->path, "block_ids");
    assert_int_equal(mdb_del(r.txn, r.dbi, &k, NULL), 0);
    raw_close(&r);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "block_ids"));
}

/* Write a record with a correct checksum, bypassing the store's rules. */
static void raw_rec(const char *path, int db, const void *key, size_t klen,
                    const uint8_t *p, size_t n)
{
    raw r;
    uint8_t v[64];
    MDB_val k = {.mv_size = klen, .mv_data = (void *)(uintptr_t)key};
    assert_true(n <= sizeof v - 4);
    luxc_be32_store(v, store_rec_crc(db, &k, p, n));
    memcpy(v + 4, p, n);
    MDB_val val = {.mv_size = 4 + n, .mv_data = v};
    raw_open(&r, path, luxc_store_db_names[db]);
    assert_int_equal(mdb_put(r.txn, r.dbi, &k, &val, 0), 0);
    raw_close(&r);
}

static void raw_meta(const char *path, const char *name, const uint8_t *p, size_t n)
{
    raw_rec(path, DB_META, name, strlen(name), p, n);
}

/* The id index pointing at the wrong height, checksum intact. */
static void test_id_index_mismatch(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t id[32], h[8], buf[TEST_BLOCK_MAX];
    uint64_t height;
    size_t len;
    test_id(id, SEED, 12);
    luxc_be64_store(h, 13);
    raw_rec(f->path, DB_IDS, id, 32, h, 8);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "block_ids"));
    luxc_store *s = test_open(f->path, LUXC_STORE_NOVERIFY, NULL);
    assert_non_null(s);
    assert_int_equal(luxc_store_block_get_by_id(s, id, &height, NULL, buf, sizeof buf,
                                                &len), LUXC_ECORRUPT);
    assert_int_equal(luxc_store_block_get(s, 12, NULL, NULL, buf, sizeof buf, &len),
                     LUXC_OK);
    luxc_store_free(s);
}

static void test_format_version(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t v[4];
    luxc_be32_store(v, LUXC_STORE_FORMAT_VERSION + 1);
    raw_meta(f->path, "format", v, 4);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_EVERSION);
    assert_non_null(strstr(err, "format version 2"));
    assert_int_equal(open_rc(f->path, LUXC_STORE_RDONLY, err, sizeof err, NULL),
                     LUXC_EVERSION);
    raw_meta(f->path, "format", v, 3);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    /* "last" naming a block that is not the top one. */
    write_file(f->data, f->pristine, f->pristine_len);
    uint8_t last[40];
    luxc_be64_store(last, LAST);
    memset(last + 8, 0x11, 32);
    raw_meta(f->path, "last", last, 40);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "last accepted"));
}

/* lock.mdb holds only reader slots; LMDB rebuilds it when no other process
 * has the store open, so garbage there is harmless. */
static void test_garbage_lock_file(void **state)
{
    cfixture *f = *state;
    char lock[128];
    uint8_t g[8192];
    snprintf(lock, sizeof lock, "%s/lock.mdb", f->path);
    for (size_t i = 0; i < sizeof g; i++)
        g[i] = (uint8_t)(i * 131 + 7);
    write_file(lock, g, sizeof g);
    luxc_store *s = test_open(f->path, 0, NULL);
    assert_non_null(s);
    assert_int_equal(test_verify_range(s, SEED, 0, LAST), 0);
    luxc_store_free(s);
}

/* An LMDB file of another data format version (meta pages say 2). */
static void test_lmdb_version(void **state)
{
    cfixture *f = *state;
    char err[512];
    uint8_t *g = malloc(f->pristine_len);
    assert_non_null(g);
    memcpy(g, f->pristine, f->pristine_len);
    for (int i = 0; i < 2; i++)
        g[4096 * i + 16 + 4] = 2; /* mm_version, little-endian u32 */
    write_file(f->data, g, f->pristine_len);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_EVERSION);
    assert_non_null(strstr(err, "version 2"));
    /* Without the pre-check LMDB itself refuses it. */
    assert_int_equal(open_rc(f->path, LUXC_STORE_NOVERIFY, err, sizeof err, NULL),
                     LUXC_EVERSION);
    free(g);
}

static void test_missing_subdb(void **state)
{
    cfixture *f = *state;
    char err[512];
    raw r;
    raw_open(&r, f->path, "votes");
    assert_int_equal(mdb_drop(r.txn, r.dbi, 1), 0);
    raw_close(&r);
    assert_int_equal(open_rc(f->path, 0, err, sizeof err, NULL), LUXC_ECORRUPT);
    assert_non_null(strstr(err, "\"votes\" is missing"));
}

/* Another program's LMDB file in the directory: not ours. */
static void test_foreign_lmdb(void **state)
{
    (void)state;
    char dir[64], path[80], err[512];
    MDB_env *env;
    MDB_txn *txn;
    MDB_dbi dbi;
    test_tmpdir(dir, path);
    assert_int_equal(mkdir(path, 0700), 0);
    assert_int_equal(mdb_env_create(&env), 0);
    assert_int_equal(mdb_env_open(env, path, 0, 0600), 0);
    assert_int_equal(mdb_txn_begin(env, NULL, 0, &txn), 0);
    assert_int_equal(mdb_dbi_open(txn, NULL, 0, &dbi), 0);
    MDB_val k = {.mv_size = 3, .mv_data = "key"}, v = {.mv_size = 3, .mv_data = "val"};
    assert_int_equal(mdb_put(txn, dbi, &k, &v, 0), 0);
    assert_int_equal(mdb_txn_commit(txn), 0);
    mdb_env_close(env);
    assert_int_equal(open_rc(path, LUXC_STORE_CREATE, err, sizeof err, NULL),
                     LUXC_ECORRUPT);
    assert_non_null(strstr(err, "missing"));
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_empty_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_truncated, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage, setup, teardown),
        cmocka_unit_test_setup_teardown(test_bit_flips, setup, teardown),
        cmocka_unit_test_setup_teardown(test_checksum_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_moved_record, setup, teardown),
        cmocka_unit_test_setup_teardown(test_broken_chain, setup, teardown),
        cmocka_unit_test_setup_teardown(test_id_index_mismatch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_format_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_garbage_lock_file, setup, teardown),
        cmocka_unit_test_setup_teardown(test_lmdb_version, setup, teardown),
        cmocka_unit_test_setup_teardown(test_missing_subdb, setup, teardown),
        cmocka_unit_test(test_foreign_lmdb),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
