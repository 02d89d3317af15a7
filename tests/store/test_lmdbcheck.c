/* test_lmdbcheck.c - the pread walk of data.mdb (src/store/lmdbcheck.c)
 * called directly on a copy of a real store's file, damaged one structure
 * at a time: each check must report ECORRUPT (or EVERSION / EIO / ENOMEM)
 * with the message that names what it found. The test reads the LMDB
 * layout itself (meta pages, MDB_db records, page headers, nodes) to find
 * its targets: the main database's root leaf, the "blocks" sub-database's
 * branch and leaf pages, an overflow run and the free list.
 * test_corrupt.c covers the same walk through luxc_store_new with random
 * damage; this file pins down which check catches which damage. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>

#include "store/helpers.h"
#include "store/store_int.h"

#define SEED 91u
#define LAST 150u
#define NO_PAGE UINT64_MAX

static char dir[64], path[80], data[96], copy[96];
static uint8_t *pristine, *buf;
static size_t flen;
static uint32_t psize;

/* The one place this file opens a store. */
static luxc_store *open_store(const char *p, unsigned flags)
{
    luxc_store_cfg c = {.path = p, .chain_id = test_chain, .flags = flags};
    luxc_store *s = NULL;
    return luxc_store_new(&s, &c, NULL, 0) == LUXC_OK ? s : NULL;
}

static uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }
static void st16(uint8_t *p, uint16_t v) { memcpy(p, &v, 2); }
static void st32(uint8_t *p, uint32_t v) { memcpy(p, &v, 4); }
static void st64(uint8_t *p, uint64_t v) { memcpy(p, &v, 8); }

static uint8_t *page(uint64_t pgno) { return buf + pgno * psize; }
static uint8_t *meta_of(int i) { return buf + (size_t)i * psize + 16; }
/* The meta page LMDB uses: the larger transaction id. */
static uint8_t *newest(void) { return ld64(meta_of(1) + 128) > ld64(meta_of(0) + 128) ? meta_of(1) : meta_of(0); }
static size_t nkeys(const uint8_t *pg) { return (ld16(pg + 12) - 16u) / 2; }
static uint8_t *node(uint8_t *pg, size_t i) { return pg + ld16(pg + 16 + 2 * i); }
static uint64_t child(const uint8_t *n)
{
    return (uint64_t)ld16(n) | (uint64_t)ld16(n + 2) << 16 | (uint64_t)ld16(n + 4) << 32;
}

/* The MDB_db record of a named sub-database in the main root leaf. */
static uint8_t *subdb(const char *name)
{
    uint8_t *mdb = newest() + 72;
    assert_int_equal(ld16(mdb + 6), 1); /* six names: one leaf page */
    uint8_t *pg = page(ld64(mdb + 40));
    for (size_t i = 0; i < nkeys(pg); i++) {
        uint8_t *n = node(pg, i);
        if (ld16(n + 6) == strlen(name) && !memcmp(n + 8, name, strlen(name)))
            return n + 8 + ld16(n + 6);
    }
    fail_msg("no sub-database %s", name);
    return NULL;
}

/* Walk buf (possibly cut to len bytes) as a file; message into m. */
static int walk_len(store_msg *m, size_t len)
{
    FILE *f = fopen(copy, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, len, f), len);
    fclose(f);
    int fd = open(copy, O_RDONLY);
    assert_true(fd >= 0);
    m->text[0] = '\0';
    int rc = store_lmdb_walk(m, fd);
    close(fd);
    return rc;
}

/* Expect rc and a message containing want; then restore buf. */
static void expect(int want_rc, const char *want, size_t len)
{
    store_msg m;
    int rc = walk_len(&m, len);
    if (rc != want_rc || !strstr(m.text, want))
        fail_msg("walk: %s (%d) \"%s\", wanted %s with \"%s\"", luxc_strerror(rc), rc, m.text,
                 luxc_strerror(want_rc), want);
    memcpy(buf, pristine, flen);
}

static void expect_corrupt(const char *want) { expect(LUXC_ECORRUPT, want, flen); }

/* A store with blocks 0..LAST (every 7th on overflow pages) and pruned
 * votes, so the free list holds pages. */
static int setup(void **state)
{
    (void)state;
    test_tmpdir(dir, path);
    snprintf(data, sizeof data, "%s/data.mdb", path);
    snprintf(copy, sizeof copy, "%s/copy.mdb", dir);
    luxc_store *s = open_store(path, LUXC_STORE_CREATE);
    if (!s || test_accept_range(s, SEED, 0, LAST) != LUXC_OK)
        return -1;
    uint8_t voter[32] = {0};
    for (int i = 0; i < 60; i++) {
        voter[0] = (uint8_t)i;
        if (luxc_store_vote_put(s, LAST + 1, 0, voter, voter, 32) != LUXC_OK)
            return -1;
    }
    if (luxc_store_votes_prune(s, LAST + 1, NULL) != LUXC_OK)
        return -1;
    luxc_store_free(s);
    FILE *f = fopen(data, "rb");
    if (!f)
        return -1;
    fseek(f, 0, SEEK_END);
    flen = (size_t)ftell(f);
    fseek(f, 0, SEEK_SET);
    pristine = malloc(flen);
    buf = malloc(flen);
    if (!pristine || !buf || fread(pristine, 1, flen, f) != flen)
        return -1;
    fclose(f);
    memcpy(buf, pristine, flen);
    psize = ld32(buf + 16 + 24);
    return psize >= 512 ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    test_rmdir(dir);
    free(pristine);
    free(buf);
    return 0;
}

static void test_pristine_passes(void **state)
{
    (void)state;
    store_msg m;
    assert_int_equal(walk_len(&m, flen), LUXC_OK);
    assert_int_equal(store_lmdb_precheck(&m, copy), LUXC_OK);
    /* What the rest of the file relies on. */
    uint8_t *blocks = subdb("blocks");
    assert_true(ld16(blocks + 6) >= 2); /* a branch level */
    assert_true(ld64(blocks + 24) > 0); /* overflow pages */
    assert_int_not_equal(ld64(newest() + 24 + 40), NO_PAGE); /* a free list */
}

static void test_meta_pages(void **state)
{
    (void)state;
    st32(meta_of(0), 0x12345678);
    expect_corrupt("meta page 0 is not a valid LMDB 0.9 meta page");
    st32(meta_of(1) + 4, 2);
    expect(LUXC_EVERSION, "LMDB data format version 2", flen);
    st32(meta_of(1) + 24, psize * 2);
    expect_corrupt("meta pages disagree on the page size");
    st32(meta_of(0) + 24, 1000); /* not a power of two */
    expect_corrupt("meta page 0 is not a valid");
    st16(buf + 10, 0); /* page 0 without P_META */
    expect_corrupt("meta page 0 is not a valid");
    uint8_t *nm = newest();
    st64(nm + 120, ld64(nm + 16) / psize); /* last page = the map's end */
    expect_corrupt("does not fit its map");
    st64(meta_of(0) + 120, 0);
    expect_corrupt("meta page 0: last page 0");
    st16(meta_of(1) + 28, 0); /* free list without integer keys */
    expect_corrupt("meta page 1: unexpected database flags");
    st16(meta_of(0) + 76, 0x04); /* main database with a flag */
    expect_corrupt("meta page 0: unexpected database flags");
    /* The precheck reads the same metas from a path. */
    store_msg m;
    st32(meta_of(1), 0);
    FILE *f = fopen(copy, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, flen, f), flen);
    fclose(f);
    assert_int_equal(store_lmdb_precheck(&m, copy), LUXC_ECORRUPT);
    assert_non_null(strstr(m.text, "meta page 1"));
    memcpy(buf, pristine, flen);
    char missing[128];
    snprintf(missing, sizeof missing, "%s/none.mdb", dir);
    assert_int_equal(store_lmdb_precheck(&m, missing), LUXC_EIO);
    assert_non_null(strstr(m.text, "none.mdb"));
}

static void test_truncated(void **state)
{
    (void)state;
    /* Cut just before the blocks tree's root page: the claim of a page
     * past the end says so (and which tree) before anything reads it. */
    uint64_t root = ld64(subdb("blocks") + 40);
    expect(LUXC_ECORRUPT, "lies past the end of the file", (size_t)root * psize);
    /* Shorter than the meta pages. */
    expect(LUXC_ECORRUPT, "meta page 1 ends past the end of the file", psize + 100);
}

static void test_page_headers(void **state)
{
    (void)state;
    uint8_t *blocks = subdb("blocks");
    uint64_t root = ld64(blocks + 40);
    st64(page(root), root + 1); /* carries another page number */
    expect_corrupt("has a bad header");
    blocks = subdb("blocks");
    st16(page(ld64(blocks + 40)) + 10, 0x02); /* a branch marked leaf */
    expect_corrupt("has a bad header");
    blocks = subdb("blocks");
    st16(page(ld64(blocks + 40)) + 12, 15); /* lower below the header */
    expect_corrupt("has a bad header");
    blocks = subdb("blocks");
    uint8_t *pg = page(ld64(blocks + 40));
    st16(pg + 14, (uint16_t)(ld16(pg + 14) + 2)); /* upper moved: space unaccounted */
    expect_corrupt("outside the page's node area");
    blocks = subdb("blocks");
    pg = page(ld64(blocks + 40));
    st16(pg + 14, (uint16_t)(ld16(pg + 14) - 2));
    expect_corrupt("nodes use");
}

static void test_page_references(void **state)
{
    (void)state;
    uint8_t *blocks = subdb("blocks");
    uint8_t *root = page(ld64(blocks + 40));
    assert_true(nkeys(root) >= 2);
    uint8_t *n0 = node(root, 0), *n1 = node(root, 1);
    memcpy(n1, n0, 6); /* second child = the first */
    expect_corrupt("is referenced twice");
    /* A child beyond last_pg. */
    blocks = subdb("blocks");
    root = page(ld64(blocks + 40));
    n1 = node(root, 1);
    uint64_t far = ld64(newest() + 120) + 5;
    st16(n1, (uint16_t)far);
    st16(n1 + 2, (uint16_t)(far >> 16));
    st16(n1 + 4, 0);
    expect_corrupt("outside pages 2..");
    /* A meta page as a child. */
    blocks = subdb("blocks");
    root = page(ld64(blocks + 40));
    n1 = node(root, 1);
    st16(n1, 1);
    st16(n1 + 2, 0);
    st16(n1 + 4, 0);
    expect_corrupt("outside pages 2..");
}

static void test_nodes(void **state)
{
    (void)state;
    uint8_t *blocks = subdb("blocks");
    uint8_t *leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    assert_int_equal(ld16(leaf + 10), 0x02);
    assert_true(nkeys(leaf) >= 3);
    /* Offsets: one below upper, one odd, two the same. */
    st16(leaf + 16 + 2, (uint16_t)(ld16(leaf + 14) - 2));
    expect_corrupt("outside the page's node area");
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    st16(leaf + 16 + 2, (uint16_t)(ld16(leaf + 16 + 2) + 1));
    expect_corrupt("outside the page's node area");
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    st16(leaf + 16 + 2, ld16(leaf + 16));
    expect_corrupt("overlaps another");
    /* Keys inside the page: a smaller one after a larger, and a repeat
     * (both still inside the parent's bounds). */
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    memcpy(node(leaf, 2) + 8, node(leaf, 0) + 8, 8);
    expect_corrupt("key of node 2 out of order");
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    memcpy(node(leaf, 1) + 8, node(leaf, 0) + 8, 8);
    expect_corrupt("key of node 1 out of order");
    /* Heights are big-endian u64: a high first byte passes the separator. */
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    node(leaf, 1)[8] = 0xff;
    expect_corrupt("out of order");
    /* The last key of the first leaf raised to the separator above it. */
    blocks = subdb("blocks");
    uint8_t *root = page(ld64(blocks + 40));
    leaf = page(child(node(root, 0)));
    memcpy(node(leaf, nkeys(leaf) - 1) + 8, node(root, 1) + 8, 8);
    expect_corrupt("out of order");
    /* A key size that is not the key's. */
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    st16(node(leaf, 0) + 6, 600);
    expect_corrupt("node 0");
    /* Unknown node flags. */
    blocks = subdb("blocks");
    leaf = page(child(node(page(ld64(blocks + 40)), 0)));
    st16(node(leaf, 0) + 4, 0x10);
    expect_corrupt("node flags 0x10");
}

/* The first leaf node of blocks that lives on overflow pages. */
static uint8_t *bigdata_node(void)
{
    uint8_t *blocks = subdb("blocks");
    uint8_t *root = page(ld64(blocks + 40));
    for (size_t c = 0; c < nkeys(root); c++) {
        uint8_t *leaf = page(child(node(root, c)));
        for (size_t i = 0; i < nkeys(leaf); i++) {
            uint8_t *n = node(leaf, i);
            if (ld16(n + 4) & 0x01)
                return n;
        }
    }
    fail_msg("no overflow node");
    return NULL;
}

static void test_overflow(void **state)
{
    (void)state;
    uint8_t *n = bigdata_node();
    uint64_t ov = ld64(n + 8 + ld16(n + 6));
    st64(page(ov), ov + 1);
    expect_corrupt("overflow page");
    n = bigdata_node();
    ov = ld64(n + 8 + ld16(n + 6));
    st32(page(ov) + 12, 0); /* a run of no pages */
    expect_corrupt("has a bad header");
    /* The data size larger than the run can hold. */
    n = bigdata_node();
    ov = ld64(n + 8 + ld16(n + 6));
    size_t cap = (size_t)ld32(page(ov) + 12) * psize - 16;
    st16(n, (uint16_t)(cap + 1));
    st16(n + 2, (uint16_t)((cap + 1) >> 16));
    expect_corrupt("has a bad header");
    /* Pointing at a tree page: claimed twice. */
    n = bigdata_node();
    uint8_t *blocks = subdb("blocks");
    st64(n + 8 + ld16(n + 6), ld64(blocks + 40));
    expect_corrupt("overflow");
}

static void test_counts_and_subdb_records(void **state)
{
    (void)state;
    uint8_t *blocks = subdb("blocks");
    st64(blocks + 32, ld64(blocks + 32) + 1);
    expect_corrupt("entry count is");
    blocks = subdb("blocks");
    st64(blocks + 16, ld64(blocks + 16) - 1);
    expect_corrupt("leaf page count is");
    blocks = subdb("blocks");
    st64(blocks + 24, 0);
    expect_corrupt("overflow page count is");
    /* The main database's entry count at 0 would look like a new store. */
    st64(newest() + 72 + 32, 0);
    expect_corrupt("the main database: entry count");
    blocks = subdb("blocks");
    st16(blocks + 4, 0x04); /* a sub-database with LMDB flags */
    expect_corrupt("bad sub-database record");
    blocks = subdb("blocks");
    st16(blocks + 6, 0); /* depth 0 with a root */
    expect_corrupt("has depth 0");
    blocks = subdb("blocks");
    st16(blocks + 6, 40);
    expect_corrupt("has depth 40");
    /* An empty tree that claims a depth. */
    uint8_t *votes = subdb("votes");
    st64(votes + 40, NO_PAGE);
    st16(votes + 6, 1);
    expect_corrupt("empty tree a named sub-database claims depth 1");
    /* One level too many: the leaves are read as branches. */
    blocks = subdb("blocks");
    st16(blocks + 6, (uint16_t)(ld16(blocks + 6) + 1));
    expect_corrupt("bad header");
}

static void test_free_list(void **state)
{
    (void)state;
    uint8_t *fdb = newest() + 24;
    assert_int_equal(ld16(fdb + 6), 1);
    uint8_t *leaf = page(ld64(fdb + 40));
    uint8_t *n = node(leaf, 0);
    assert_int_equal(ld16(n + 6), 8);
    assert_int_equal(ld16(n + 4), 0); /* inline record */
    uint8_t *rec = n + 8 + 8;
    size_t dsize = (size_t)ld16(n) | (size_t)ld16(n + 2) << 16;
    assert_true(dsize >= 16);
    st64(rec, ld64(rec) + 1); /* count that disagrees with the size */
    expect_corrupt("free-list record counts");
    fdb = newest() + 24;
    n = node(page(ld64(fdb + 40)), 0);
    rec = n + 16;
    st64(rec + 8, ld64(subdb("blocks") + 40)); /* a page in use listed free */
    expect_corrupt("free page in the free list: page");
    fdb = newest() + 24;
    n = node(page(ld64(fdb + 40)), 0);
    st16(n + 6, 7); /* free-list keys are 8-byte txn ids */
    expect_corrupt("bad size 7");
}

static void test_io_and_memory(void **state)
{
    (void)state;
    store_msg m;
    assert_int_equal(store_lmdb_walk(&m, -1), LUXC_EIO);
    assert_non_null(strstr(m.text, "fstat"));
    FILE *f = fopen(copy, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(buf, 1, flen, f), flen);
    fclose(f);
    int fd = open(copy, O_RDONLY);
    assert_true(fd >= 0);
    for (long k = 0; k < 2; k++) {
        luxc_test_alloc_fail_after(k);
        int rc = store_lmdb_walk(&m, fd);
        luxc_test_alloc_fail_after(-1);
        assert_int_equal(rc, LUXC_ENOMEM);
        assert_non_null(strstr(m.text, "no memory"));
    }
    assert_int_equal(store_lmdb_walk(&m, fd), LUXC_OK);
    close(fd);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_pristine_passes),
        cmocka_unit_test(test_meta_pages),
        cmocka_unit_test(test_truncated),
        cmocka_unit_test(test_page_headers),
        cmocka_unit_test(test_page_references),
        cmocka_unit_test(test_nodes),
        cmocka_unit_test(test_overflow),
        cmocka_unit_test(test_counts_and_subdb_records),
        cmocka_unit_test(test_free_list),
        cmocka_unit_test(test_io_and_memory),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
