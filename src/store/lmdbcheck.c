/* lmdbcheck.c - walk an LMDB data file with pread before LMDB trusts it.
 * Owns: the open-time structural check of data.mdb, so a truncated or
 * bit-flipped file is reported as LUXC_ECORRUPT instead of making LMDB read
 * outside the file (SIGBUS) or follow wild offsets (SIGSEGV).
 * Not here: our own records' checksums (check.c).
 *
 * The on-disk format is LMDB 0.9's (liblmdb mdb.c: MDB_page, MDB_node,
 * MDB_db, MDB_meta) on a 64-bit little- or big-endian host, read field by
 * field at fixed offsets:
 *   page header (16 B): pgno u64 @0, pad u16 @8, flags u16 @10,
 *     lower u16 @12, upper u16 @14 (overflow pages: page count u32 @12),
 *     then u16 node offsets.
 *   node (8 B + key + data): lo u16, hi u16, flags u16, ksize u16; a leaf's
 *     data size is lo | hi << 16, a branch's child is lo | hi << 16 |
 *     flags << 32.
 *   MDB_db (48 B): pad u32, flags u16, depth u16, branch, leaf, overflow,
 *     entries, root (u64 each).
 *   meta (page 0 and 1, after the header): magic u32, version u32, address,
 *     mapsize, dbs[2] (free, main), last_pg, txnid; page size = dbs[0].pad.
 * Checked: meta magic/version/page size; every page reachable from the
 * newest meta lies inside the file and below last_pg, carries its own page
 * number and the type its depth calls for, and is referenced once (tree
 * pages, overflow runs and free-list entries together); node offsets and
 * sizes stay inside the page; keys are ordered within and across pages;
 * free-list records are well-formed. Pure reads: no LMDB call. */
#include "store/store_int.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define PAGEHDR 16u
#define NODEHDR 8u
#define DBBYTES 48u
#define P_BRANCH 0x01u
#define P_LEAF 0x02u
#define P_OVERFLOW 0x04u
#define P_META 0x08u
#define F_BIGDATA 0x01u
#define F_SUBDATA 0x02u
#define META_MAGIC 0xBEEFC0DEu
#define META_VERSION 1u
#define NO_PAGE UINT64_MAX
#define MAXDEPTH 24u

_Static_assert(sizeof(size_t) == 8 && sizeof(void *) == 8,
               "lmdbcheck reads the 64-bit LMDB layout");

typedef struct walk {
    store_msg *m;
    int fd;
    uint32_t psize;
    uint64_t last_pg, file_pages;
    uint8_t *seen;  /* one bit per page 0..last_pg */
    uint8_t *bufs;  /* page buffers, a stack: main tree + one sub-tree */
    unsigned sp;    /* buffers in use */
    uint64_t cnt[4]; /* current tree: branch, leaf, overflow pages, entries */
    const char *tree;
} walk;

/* Key bounds for a subtree: lo <= key < hi (NULL = unbounded). */
typedef struct bounds {
    const uint8_t *lo, *hi;
    size_t lo_len, hi_len;
} bounds;

static uint16_t ld16(const uint8_t *p) { uint16_t v; memcpy(&v, p, 2); return v; }
static uint32_t ld32(const uint8_t *p) { uint32_t v; memcpy(&v, p, 4); return v; }
static uint64_t ld64(const uint8_t *p) { uint64_t v; memcpy(&v, p, 8); return v; }

static int pread_all(walk *w, void *buf, size_t n, uint64_t off, const char *what,
                     uint64_t pgno)
{
    size_t done = 0;
    while (done < n) {
        ssize_t r = pread(w->fd, (uint8_t *)buf + done, n - done, (off_t)(off + done));
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return store_err(w->m, LUXC_EIO, "data.mdb: reading %s page %llu: %s",
                             what, (unsigned long long)pgno, strerror(errno));
        if (r == 0)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu ends "
                             "past the end of the file (truncated?)", what,
                             (unsigned long long)pgno);
        done += (size_t)r;
    }
    return LUXC_OK;
}

/* Claim pages [pgno, pgno + n): inside the file, below last_pg, unseen. */
static int claim(walk *w, uint64_t pgno, uint64_t n, int must_exist, const char *what)
{
    if (pgno < 2 || n == 0 || pgno > w->last_pg || n - 1 > w->last_pg - pgno)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s in %s: page %llu (+%llu) "
                         "outside pages 2..%llu", what, w->tree,
                         (unsigned long long)pgno, (unsigned long long)n,
                         (unsigned long long)w->last_pg);
    if (must_exist && pgno + n > w->file_pages)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s in %s: page %llu lies "
                         "past the end of the file (%llu pages; truncated?)", what,
                         w->tree, (unsigned long long)(pgno + n - 1),
                         (unsigned long long)w->file_pages);
    for (uint64_t p = pgno; p < pgno + n; p++) {
        if (w->seen[p >> 3] & (1u << (p & 7)))
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s in %s: page %llu "
                             "is referenced twice", what, w->tree,
                             (unsigned long long)p);
        w->seen[p >> 3] |= (uint8_t)(1u << (p & 7));
    }
    return LUXC_OK;
}

static int key_cmp(const uint8_t *a, size_t al, const uint8_t *b, size_t bl, int intkey)
{
    if (intkey) {
        uint64_t x = ld64(a), y = ld64(b);
        return x < y ? -1 : x > y;
    }
    int c = memcmp(a, b, al < bl ? al : bl);
    return c ? c : (al < bl ? -1 : al > bl);
}

static int walk_page(walk *w, uint64_t pgno, unsigned level, unsigned depth,
                     int is_main, int is_free, bounds bd);
static int walk_nodes(walk *w, const uint8_t *pg, uint64_t pgno, unsigned level,
                      unsigned depth, int is_main, int is_free, bounds bd);

static int walk_tree(walk *w, const uint8_t *db, const char *name, int is_main,
                     int is_free)
{
    unsigned depth = ld16(db + 6);
    uint64_t root = ld64(db + 40);
    const char *saved = w->tree;
    uint64_t outer[4];
    memcpy(outer, w->cnt, sizeof outer);
    memset(w->cnt, 0, sizeof w->cnt);
    w->tree = name;
    int rc = LUXC_OK;
    if (root == NO_PAGE)
        rc = depth == 0 ? LUXC_OK
                        : store_err(w->m, LUXC_ECORRUPT, "data.mdb: empty tree %s "
                                    "claims depth %u", name, depth);
    else if (depth == 0 || depth > MAXDEPTH)
        rc = store_err(w->m, LUXC_ECORRUPT, "data.mdb: tree %s has depth %u", name, depth);
    else
        rc = walk_page(w, root, 1, depth, is_main, is_free, (bounds){0});
    /* LMDB keeps exact page and entry counts; a flipped count (main
     * database entries = 0 would look like a new store) is damage too. */
    for (int i = 0; i < 4 && rc == LUXC_OK; i++)
        if (w->cnt[i] != ld64(db + 8 + 8 * (size_t)i))
            rc = store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s: %s count is %llu, "
                           "the tree has %llu", name,
                           (const char *const[]){"branch page", "leaf page",
                                                 "overflow page", "entry"}[i],
                           (unsigned long long)ld64(db + 8 + 8 * (size_t)i),
                           (unsigned long long)w->cnt[i]);
    memcpy(w->cnt, outer, sizeof outer);
    w->tree = saved;
    return rc;
}

/* A free-list record: u64 count n, then n page numbers (freed, not in use). */
static int check_freelist(walk *w, const uint8_t *data, uint64_t ovpg, size_t dsize)
{
    uint8_t chunk[4096];
    if (dsize < 8 || dsize % 8 != 0)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: free-list record of %zu "
                         "bytes", dsize);
    for (size_t off = 0; off < dsize; off += sizeof chunk) {
        size_t n = dsize - off < sizeof chunk ? dsize - off : sizeof chunk;
        const uint8_t *p = data ? data + off : chunk;
        if (!data) {
            int rc = pread_all(w, chunk, n, ovpg * w->psize + PAGEHDR + off,
                               "free-list overflow", ovpg);
            if (rc != LUXC_OK)
                return rc;
        }
        for (size_t i = 0; i < n; i += 8) {
            uint64_t v = ld64(p + i);
            if (off + i == 0) {
                if (v != dsize / 8 - 1)
                    return store_err(w->m, LUXC_ECORRUPT, "data.mdb: free-list "
                                     "record counts %llu pages in %zu bytes",
                                     (unsigned long long)v, dsize);
                continue;
            }
            int rc = claim(w, v, 1, 0, "free page");
            if (rc != LUXC_OK)
                return rc;
        }
    }
    return LUXC_OK;
}

static int walk_leaf_node(walk *w, const uint8_t *pg, size_t off, const uint8_t *node,
                          int is_main, int is_free)
{
    unsigned flags = ld16(node + 4), ksize = ld16(node + 6);
    size_t dsize = (size_t)ld16(node) | (size_t)ld16(node + 2) << 16;
    const uint8_t *data = node + NODEHDR + ksize;
    w->cnt[3]++;
    if (flags & ~(F_BIGDATA | F_SUBDATA))
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s leaf page %llu: node "
                         "flags %#x", w->tree, (unsigned long long)ld64(pg), flags);
    if (flags & F_BIGDATA) {
        uint8_t hdr[PAGEHDR];
        if (off + NODEHDR + ksize + 8 > w->psize)
            goto overrun;
        uint64_t ov = ld64(data);
        int rc = claim(w, ov, 1, 1, "overflow page");
        if (rc != LUXC_OK)
            return rc;
        w->seen[ov >> 3] &= (uint8_t)~(1u << (ov & 7)); /* claimed again below */
        rc = pread_all(w, hdr, sizeof hdr, ov * w->psize, "overflow", ov);
        if (rc != LUXC_OK)
            return rc;
        uint32_t n = ld32(hdr + 12);
        if (ld64(hdr) != ov || ld16(hdr + 10) != P_OVERFLOW || n == 0 ||
            (uint64_t)n * w->psize - PAGEHDR < dsize)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s: overflow page "
                             "%llu has a bad header", w->tree, (unsigned long long)ov);
        w->cnt[2] += n;
        rc = claim(w, ov, n, 1, "overflow run");
        if (rc == LUXC_OK && is_free)
            rc = check_freelist(w, NULL, ov, dsize);
        return rc;
    }
    if (off + NODEHDR + ksize + dsize > w->psize)
        goto overrun;
    if (flags & F_SUBDATA) {
        /* Our sub-databases use no LMDB flags (no dupsort, no integer
         * keys); a flipped flag would change how LMDB reads them. */
        if (!is_main || dsize != DBBYTES || ld32(data) != 0 || ld16(data + 4) != 0)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s: bad sub-database "
                             "record", w->tree);
        return walk_tree(w, data, "a named sub-database", 0, 0);
    }
    return is_free ? check_freelist(w, data, 0, dsize) : LUXC_OK;
overrun:
    return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: node at offset "
                     "%zu runs past the page", w->tree, (unsigned long long)ld64(pg), off);
}

static int walk_page(walk *w, uint64_t pgno, unsigned level, unsigned depth,
                     int is_main, int is_free, bounds bd)
{
    if (level > MAXDEPTH)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s deeper than %u",
                         w->tree, MAXDEPTH);
    if (w->sp >= 2 * MAXDEPTH)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: trees nested too deep");
    int rc = claim(w, pgno, 1, 1, level == depth ? "leaf page" : "branch page");
    if (rc != LUXC_OK)
        return rc;
    w->cnt[level == depth ? 1 : 0]++;
    uint8_t *pg = w->bufs + (size_t)w->sp * w->psize;
    rc = pread_all(w, pg, w->psize, pgno * w->psize, "tree", pgno);
    if (rc != LUXC_OK)
        return rc;
    w->sp++;
    rc = walk_nodes(w, pg, pgno, level, depth, is_main, is_free, bd);
    w->sp--;
    return rc;
}

/* The nodes tile [upper, psize) exactly: each inside the page, none
 * overlapping, sizes (rounded to even as LMDB does) summing to the space
 * used. LMDB keeps pages compact on every insert and delete, so a flipped
 * upper, size or offset shows here before LMDB writes on top of it. */
static int check_layout(walk *w, const uint8_t *pg, uint64_t pgno, int leaf,
                        unsigned upper, size_t nkeys)
{
    uint8_t cover[32768 / 16]; /* one bit per 2-byte unit of the page */
    size_t used = 0;
    memset(cover, 0, w->psize / 16);
    for (size_t i = 0; i < nkeys; i++) {
        size_t off = ld16(pg + PAGEHDR + 2 * i);
        size_t size = NODEHDR;
        if (off >= upper && off % 2 == 0 && off + NODEHDR <= w->psize) {
            const uint8_t *node = pg + off;
            size += ld16(node + 6);
            if (leaf)
                size += (ld16(node + 4) & F_BIGDATA)
                            ? 8
                            : ((size_t)ld16(node) | (size_t)ld16(node + 2) << 16);
            size = (size + 1) & ~(size_t)1;
        }
        if (off < upper || off % 2 != 0 || off > w->psize || size > w->psize - off)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: node %zu "
                             "(offset %zu, %zu bytes) outside the page's node area",
                             w->tree, (unsigned long long)pgno, i, off, size);
        for (size_t u = off / 2; u < (off + size) / 2; u++) {
            if (cover[u >> 3] & (1u << (u & 7)))
                return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: node "
                                 "%zu overlaps another", w->tree,
                                 (unsigned long long)pgno, i);
            cover[u >> 3] |= (uint8_t)(1u << (u & 7));
        }
        used += size;
    }
    if (used != w->psize - upper)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: nodes use %zu "
                         "bytes, the header says %zu", w->tree,
                         (unsigned long long)pgno, used, (size_t)(w->psize - upper));
    return LUXC_OK;
}

static int walk_nodes(walk *w, const uint8_t *pg, uint64_t pgno, unsigned level,
                      unsigned depth, int is_main, int is_free, bounds bd)
{
    int rc;
    unsigned want = level == depth ? P_LEAF : P_BRANCH;
    unsigned lower = ld16(pg + 12), upper = ld16(pg + 14);
    /* Exact flags: LMDB acts on P_DIRTY/P_LOOSE/P_KEEP, which a written
     * page never carries. */
    if (ld64(pg) != pgno || ld16(pg + 10) != want || lower < PAGEHDR ||
        (lower - PAGEHDR) % 2 != 0 || lower > upper || upper > w->psize ||
        (want == P_BRANCH && lower == PAGEHDR))
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu (level %u of "
                         "%u) has a bad header", w->tree, (unsigned long long)pgno,
                         level, depth);
    size_t nkeys = (lower - PAGEHDR) / 2;
    rc = check_layout(w, pg, pgno, want == P_LEAF, upper, nkeys);
    if (rc != LUXC_OK)
        return rc;
    /* Keys rise strictly within the page; the first may equal the lower
     * bound (the parent's separator) and all stay below the upper one. */
    const uint8_t *prev = bd.lo;
    size_t prev_len = bd.lo_len;
    int prev_is_bound = 1;
    /* check_layout put every node (header, key, inline data) in the page. */
    for (size_t i = 0; i < nkeys; i++) {
        size_t off = ld16(pg + PAGEHDR + 2 * i);
        const uint8_t *node = pg + off, *key = node + NODEHDR;
        size_t ksize = ld16(node + 6);
        /* A branch's first key is implicit (the parent's bound). */
        int has_key = !(want == P_BRANCH && i == 0);
        if (ksize > 511 || (is_free && has_key && ksize != 8))
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: key of "
                             "node %zu has bad size %zu", w->tree,
                             (unsigned long long)pgno, i, ksize);
        if (has_key) {
            int c = prev ? key_cmp(prev, prev_len, key, ksize, is_free) : -1;
            if (c > 0 || (c == 0 && !prev_is_bound) ||
                (bd.hi && key_cmp(key, ksize, bd.hi, bd.hi_len, is_free) >= 0))
                return store_err(w->m, LUXC_ECORRUPT, "data.mdb: %s page %llu: key "
                                 "of node %zu out of order", w->tree,
                                 (unsigned long long)pgno, i);
            prev = key;
            prev_len = ksize;
            prev_is_bound = 0;
        }
        if (want == P_LEAF) {
            rc = walk_leaf_node(w, pg, off, node, is_main, is_free);
        } else {
            uint64_t child = (uint64_t)ld16(node) | (uint64_t)ld16(node + 2) << 16 |
                             (uint64_t)ld16(node + 4) << 32;
            bounds cb = {.lo = has_key ? key : bd.lo, .lo_len = has_key ? ksize : bd.lo_len,
                         .hi = bd.hi, .hi_len = bd.hi_len};
            if (i + 1 < nkeys) {
                size_t noff = ld16(pg + PAGEHDR + 2 * (i + 1));
                cb.hi = pg + noff + NODEHDR;
                cb.hi_len = ld16(pg + noff + 6);
            }
            rc = walk_page(w, child, level + 1, depth, is_main, is_free, cb);
        }
        if (rc != LUXC_OK)
            return rc;
    }
    return LUXC_OK;
}

/* Read meta page i (at offset i * psize0) into meta; 0 if it is valid. */
static int read_meta(walk *w, unsigned i, uint32_t psize0, uint8_t meta[136])
{
    uint8_t hdr[PAGEHDR];
    uint64_t off = (uint64_t)i * psize0;
    int rc = pread_all(w, hdr, sizeof hdr, off, "meta", i);
    if (rc == LUXC_OK)
        rc = pread_all(w, meta, 136, off + PAGEHDR, "meta", i);
    if (rc != LUXC_OK)
        return rc;
    uint32_t ps = ld32(meta + 24);
    if (ld32(meta) == META_MAGIC && ld32(meta + 4) != META_VERSION)
        return store_err(w->m, LUXC_EVERSION, "data.mdb: LMDB data format version "
                         "%lu, liblmdb 0.9 reads version %u",
                         (unsigned long)ld32(meta + 4), META_VERSION);
    if (ld32(meta) != META_MAGIC ||
        !(ld16(hdr + 10) & P_META) || ps < 512 || ps > 32768 || (ps & (ps - 1)) != 0)
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: meta page %u is not a "
                         "valid LMDB 0.9 meta page", i);
    return LUXC_OK;
}

/* Both meta pages valid and agreeing on the page size; the newest one's
 * last page plausible. LMDB maps (last_pg + 1) * psize bytes at least, so a
 * flipped last_pg would otherwise become a huge mmap (ENOMEM) or a map past
 * the file. */
static int read_metas(walk *w, uint8_t meta0[136], uint8_t meta1[136],
                      const uint8_t **newest)
{
    int rc = read_meta(w, 0, 4096, meta0);
    if (rc == LUXC_OK)
        rc = read_meta(w, 1, ld32(meta0 + 24), meta1);
    if (rc != LUXC_OK)
        return rc;
    if (ld32(meta1 + 24) != ld32(meta0 + 24))
        return store_err(w->m, LUXC_ECORRUPT, "data.mdb: meta pages disagree on the "
                         "page size");
    w->psize = ld32(meta0 + 24);
    for (int i = 0; i < 2; i++) {
        const uint8_t *mt = i ? meta1 : meta0;
        uint64_t last = ld64(mt + 120), mapsize = ld64(mt + 16);
        if (last < 1 || last >= ((uint64_t)1 << 44) / w->psize ||
            (last + 1) * w->psize > mapsize)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: meta page %d: last page "
                             "%llu does not fit its map of %llu bytes", i,
                             (unsigned long long)last, (unsigned long long)mapsize);
        /* The store never sets LMDB flags: the free list has integer keys
         * (MDB_INTEGERKEY 0x08, also the env flags' slot), the main
         * database none; other bits would change how LMDB reads keys. */
        if (ld16(mt + 28) != 0x08u || ld16(mt + 76) != 0 || ld32(mt + 72) != 0)
            return store_err(w->m, LUXC_ECORRUPT, "data.mdb: meta page %d: "
                             "unexpected database flags", i);
    }
    *newest = ld64(meta1 + 128) > ld64(meta0 + 128) ? meta1 : meta0;
    w->last_pg = ld64(*newest + 120);
    return LUXC_OK;
}

int store_lmdb_precheck(store_msg *m, const char *file)
{
    walk w = {.m = m, .tree = "meta"};
    uint8_t meta0[136], meta1[136];
    const uint8_t *meta;
    w.fd = open(file, O_RDONLY | O_CLOEXEC);
    if (w.fd < 0)
        return store_err(m, LUXC_EIO, "open %s: %s", file, strerror(errno));
    int rc = read_metas(&w, meta0, meta1, &meta);
    close(w.fd);
    return rc;
}

int store_lmdb_walk(store_msg *m, int fd)
{
    walk w = {.m = m, .fd = fd, .tree = "meta"};
    uint8_t meta0[136], meta1[136];
    const uint8_t *meta;
    struct stat st;
    if (fstat(fd, &st) != 0)
        return store_err(m, LUXC_EIO, "data.mdb: fstat: %s", strerror(errno));
    int rc = read_metas(&w, meta0, meta1, &meta);
    if (rc != LUXC_OK)
        return rc;
    w.file_pages = (uint64_t)st.st_size / w.psize;
    w.seen = calloc((size_t)(w.last_pg / 8 + 1), 1);
    w.bufs = malloc((size_t)w.psize * 2 * MAXDEPTH);
    if (!w.seen || !w.bufs) {
        rc = store_err(m, LUXC_ENOMEM, "data.mdb: no memory for the page walk");
        goto out;
    }
    w.seen[0] |= 3; /* the two meta pages */
    rc = walk_tree(&w, meta + 72, "the main database", 1, 0);
    if (rc == LUXC_OK)
        rc = walk_tree(&w, meta + 24, "the free list", 0, 1);
out:
    free(w.seen);
    free(w.bufs);
    return rc;
}
