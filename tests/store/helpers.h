/* helpers.h - what the store tests share: temporary store directories,
 * a log sink, deterministic ids and payloads, and a full-content compare.
 * Header-only (static) so each test program stays one file. */
#ifndef LUXC_TESTS_STORE_HELPERS_H
#define LUXC_TESTS_STORE_HELPERS_H

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/logfmt.h"
#include "luxc/store.h"
#include "testutil.h"

static const uint8_t test_chain[LUXC_STORE_CHAINIDBYTES] = {
    0x6c, 0x75, 0x78, 0x63, 0x2d, 0x74, 0x65, 0x73, 0x74, 1, 2, 3, 4, 5, 6, 7,
    8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23};

/* The last failure event the store logged ("event fields"), its level,
 * the code named by its error= field, and how many it logged. */
typedef struct test_log {
    int count, last_err;
    luxc_log_level last_level;
    char last[1024];
} test_log;

/* The code whose luxc_strerror text is the error= field, or 0. */
static inline int test_log_code(const char *fields)
{
    for (int e = -1; e >= LUXC_ELAST; e--) {
        char v[96], want[112];
        snprintf(want, sizeof want, "error=%s", luxc_logfmt_value(v, sizeof v, luxc_strerror(e)));
        const char *p = strstr(fields, want);
        if (p && (p[strlen(want)] == ' ' || p[strlen(want)] == '\0'))
            return e;
    }
    return 0;
}

static inline void test_log_fn(void *ctx, luxc_log_level level, const char *event,
                               const char *fields)
{
    test_log *l = ctx;
    l->count++;
    l->last_level = level;
    l->last_err = fields ? test_log_code(fields) : 0;
    snprintf(l->last, sizeof l->last, "%s %s", event, fields ? fields : "");
}

/* mkdtemp under /tmp; the store goes into dir/store (not yet created). */
static inline void test_tmpdir(char dir[64], char store[80])
{
    snprintf(dir, 64, "/tmp/luxc-store-XXXXXX");
    if (!mkdtemp(dir)) {
        perror("mkdtemp");
        abort();
    }
    snprintf(store, 80, "%s/store", dir);
}

static inline int rm_one(const char *p, const struct stat *st, int flag, struct FTW *f)
{
    (void)st;
    (void)flag;
    (void)f;
    chmod(p, 0700);
    return remove(p);
}

static inline void test_rmdir(const char *dir)
{
    chmod(dir, 0700);
    nftw(dir, rm_one, 16, FTW_DEPTH | FTW_PHYS);
}

static inline luxc_store_cfg test_cfg(const char *path, unsigned flags, test_log *log)
{
    luxc_store_cfg c = {.path = path, .chain_id = test_chain, .flags = flags,
                        .log = log ? test_log_fn : NULL, .log_ctx = log};
    return c;
}

static inline luxc_store *test_open(const char *path, unsigned flags, test_log *log)
{
    luxc_store *s = NULL;
    char err[512] = "";
    luxc_store_cfg c = test_cfg(path, flags, log);
    int rc = luxc_store_new(&s, &c, err, sizeof err);
    if (rc != LUXC_OK) {
        fprintf(stderr, "luxc_store_new: %s (%s)\n", luxc_strerror(rc), err);
        return NULL;
    }
    return s;
}

/* Deterministic block id / payload of a height under a seed. */
static inline void test_id(uint8_t id[LUXC_STORE_IDBYTES], uint64_t seed, uint64_t h)
{
    uint64_t st = seed ^ (h * 0x9e3779b97f4a7c15ull) ^ 0x1d;
    for (unsigned i = 0; i < LUXC_STORE_IDBYTES; i += 8) {
        uint64_t r = luxc_test_rand(&st);
        memcpy(id + i, &r, 8);
    }
}

static inline size_t test_fill(uint8_t *buf, size_t n, uint64_t seed, uint64_t h, int kind)
{
    uint64_t st = seed * 31 + h * 7 + (uint64_t)kind;
    for (size_t i = 0; i < n; i++)
        buf[i] = (uint8_t)(luxc_test_rand(&st) >> 11);
    return n;
}

/* Sizes used for the block / certificate at height h. */
/* Every 7th block needs LMDB overflow pages. */
#define TEST_BLOCK_MAX 8192u
static inline size_t test_block_len(uint64_t h)
{
    return h % 7 == 3 ? 2000 + (size_t)(h % 5000) : (size_t)(h * 37 % 700);
}
static inline size_t test_cert_len(uint64_t h) { return 1 + (size_t)(h * 53 % 300); }

/* Accept heights from..to; the parent of h is test_id(h - 1) (zeros at 0). */
static inline int test_accept_range(luxc_store *s, uint64_t seed, uint64_t from, uint64_t to)
{
    uint8_t id[32], parent[32], block[TEST_BLOCK_MAX] = {0}, cert[512] = {0};
    if (from == 0)
        memset(parent, 0, 32);
    else
        test_id(parent, seed, from - 1);
    for (uint64_t h = from; h <= to; h++) {
        size_t bl = test_fill(block, test_block_len(h), seed, h, 1);
        size_t cl = test_fill(cert, test_cert_len(h), seed, h, 2);
        test_id(id, seed, h);
        int rc = luxc_store_accept_block(s, h, id, parent, block, bl, cert, cl);
        if (rc != LUXC_OK)
            return rc;
        memcpy(parent, id, 32);
    }
    return LUXC_OK;
}

/* 0 if heights from..to hold exactly what test_accept_range wrote. */
static inline int test_verify_range(luxc_store *s, uint64_t seed, uint64_t from, uint64_t to)
{
    uint8_t id[32], parent[32], want_id[32], want_parent[32];
    uint8_t block[TEST_BLOCK_MAX], want[TEST_BLOCK_MAX];
    size_t len;
    for (uint64_t h = from; h <= to; h++) {
        test_id(want_id, seed, h);
        if (h == 0)
            memset(want_parent, 0, 32);
        else
            test_id(want_parent, seed, h - 1);
        if (luxc_store_block_get(s, h, id, parent, block, sizeof block, &len) != LUXC_OK)
            return 1;
        size_t wl = test_fill(want, test_block_len(h), seed, h, 1);
        if (len != wl || memcmp(block, want, wl) || memcmp(id, want_id, 32) ||
            memcmp(parent, want_parent, 32))
            return 2;
        if (luxc_store_cert_get(s, h, block, sizeof block, &len) != LUXC_OK)
            return 3;
        wl = test_fill(want, test_cert_len(h), seed, h, 2);
        if (len != wl || memcmp(block, want, wl))
            return 4;
    }
    return 0;
}

static inline long test_file_size(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 ? (long)st.st_size : -1;
}

/* A fresh store in a temporary directory, for cmocka setup/teardown. */
typedef struct fixture {
    char dir[64], path[80];
    test_log log;
    luxc_store *s;
} fixture;

static inline int fixture_setup(void **state)
{
    fixture *f = calloc(1, sizeof *f);
    if (!f)
        return -1;
    test_tmpdir(f->dir, f->path);
    f->s = test_open(f->path, LUXC_STORE_CREATE, &f->log);
    *state = f;
    return f->s ? 0 : -1;
}

static inline int fixture_teardown(void **state)
{
    fixture *f = *state;
    luxc_store_free(f->s);
    test_rmdir(f->dir);
    free(f);
    return 0;
}

#endif
