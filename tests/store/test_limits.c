/* test_limits.c - running out of room and failing I/O: a full map gives
 * LUXC_EFULL with committed data intact and the store usable (and growable
 * by reopening with a larger map); a file-size limit (RLIMIT_FSIZE, works
 * as root too) fails commits without damage; paths that cannot hold a store
 * give LUXC_EIO with a message; concurrent readers and a writer agree. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#include "store/helpers.h"

#define MAP_SMALL ((size_t)256 << 10)

static luxc_store *open_map(const char *path, size_t map, test_log *log)
{
    luxc_store *s = NULL;
    luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, log);
    c.map_size = map;
    return luxc_store_new(&s, &c, NULL, 0) == LUXC_OK ? s : NULL;
}

/* Accept growing blocks until the map is full; each EFULL leaves the store
 * exactly as the last successful commit left it. */
static void test_map_full(void **state)
{
    (void)state;
    char dir[64], path[80];
    test_log log = {0};
    uint64_t seed = luxc_test_seed(), st = seed;
    test_tmpdir(dir, path);
    luxc_store *s = open_map(path, MAP_SMALL, &log);
    assert_non_null(s);
    uint64_t last = 0;
    int fulls = 0;
    uint8_t big[20000], id[32], parent[32], cert[3000];
    memset(parent, 0, 32);
    for (uint64_t h = 0; h < 400 && fulls < 12; h++) {
        size_t bl = luxc_test_rand(&st) % sizeof big, cl = 1 + luxc_test_rand(&st) % sizeof cert;
        test_fill(big, bl, seed, h, 1);
        test_fill(cert, cl, seed, h, 2);
        test_id(id, seed, h);
        int rc = luxc_store_accept_block(s, h, id, parent, big, bl, cert, cl);
        if (rc == LUXC_OK) {
            memcpy(parent, id, 32);
            last = h;
            continue;
        }
        if (rc != LUXC_EFULL)
            LUXC_TEST_FAIL_SEED(seed, "height %llu: %d", (unsigned long long)h, rc);
        fulls++;
        assert_int_equal(log.last_err, LUXC_EFULL);
        assert_non_null(strstr(log.last, "MDB_MAP_FULL"));
        uint64_t now;
        size_t len;
        assert_int_equal(luxc_store_last(s, &now, NULL), LUXC_OK);
        if (now != last || luxc_store_block_get(s, h, NULL, NULL, NULL, 0, &len) !=
                               LUXC_ENOTFOUND ||
            luxc_store_cert_get(s, h, NULL, 0, &len) != LUXC_ENOTFOUND)
            LUXC_TEST_FAIL_SEED(seed, "EFULL at %llu left a partial write",
                                (unsigned long long)h);
        h--; /* retry this height with other sizes */
    }
    assert_true(fulls > 0);
    assert_int_equal(luxc_store_check(s), LUXC_OK);
    /* Still usable: small writes and reads work. */
    uint8_t v[1] = {1}, buf[20000];
    size_t len;
    int rc = luxc_store_vote_put(s, last + 1, 0, parent, v, 1);
    assert_true(rc == LUXC_OK || rc == LUXC_EFULL);
    assert_int_equal(luxc_store_block_get(s, last, NULL, NULL, buf, sizeof buf, &len),
                     LUXC_OK);
    luxc_store_free(s);
    /* Reopen with a bigger map: everything is there and it grows. */
    s = open_map(path, MAP_SMALL * 16, NULL);
    assert_non_null(s);
    luxc_store_info info;
    assert_int_equal(luxc_store_info_get(s, &info), LUXC_OK);
    assert_int_equal(info.last_height, last);
    assert_int_equal(info.map_size, MAP_SMALL * 16);
    st = seed;
    for (uint64_t h = last + 1; h < last + 20; h++) {
        test_id(id, seed, h);
        assert_int_equal(luxc_store_accept_block(s, h, id, parent, big, sizeof big, cert,
                                                 sizeof cert), LUXC_OK);
        memcpy(parent, id, 32);
    }
    assert_int_equal(luxc_store_check(s), LUXC_OK);
    luxc_store_free(s);
    test_rmdir(dir);
}

/* The smallest map holds a new store, then fills. */
static void test_map_minimum(void **state)
{
    (void)state;
    char dir[64], path[80];
    test_tmpdir(dir, path);
    luxc_store *s = open_map(path, LUXC_STORE_MAPSIZE_MIN, NULL);
    assert_non_null(s);
    uint8_t blob[8000] = {0};
    int rc = LUXC_OK;
    for (int i = 0; i < 64 && rc == LUXC_OK; i++) {
        char name[16];
        snprintf(name, sizeof name, "w%d", i);
        rc = luxc_store_weights_put(s, name, 1, blob, sizeof blob);
    }
    assert_int_equal(rc, LUXC_EFULL);
    assert_int_equal(luxc_store_check(s), LUXC_OK);
    luxc_store_free(s);
    test_rmdir(dir);
}

/* A child caps its file size (as a full disk would, also for root): the
 * commits that need a bigger file fail cleanly; then the parent reopens. */
static void test_file_size_limit(void **state)
{
    (void)state;
    char dir[64], path[80], data[96];
    test_tmpdir(dir, path);
    snprintf(data, sizeof data, "%s/data.mdb", path);
    luxc_store *s = test_open(path, LUXC_STORE_CREATE, NULL);
    assert_non_null(s);
    assert_int_equal(test_accept_range(s, 3, 0, 5), LUXC_OK);
    luxc_store_free(s);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        test_log log = {0};
        luxc_store *c = test_open(path, 0, &log);
        long size = test_file_size(data);
        struct rlimit rl = {.rlim_cur = (rlim_t)size, .rlim_max = (rlim_t)size};
        if (!c || size <= 0 || setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        int rc = LUXC_OK;
        uint64_t h;
        for (h = 6; h < 200 && rc == LUXC_OK; h++)
            rc = test_accept_range(c, 3, h, h);
        if (rc != LUXC_EFULL && rc != LUXC_EIO)
            _exit(11);
        if (!strstr(log.last, "commit") && !strstr(log.last, "writing"))
            _exit(12);
        if (test_verify_range(c, 3, 0, h - 2) != 0)
            _exit(13);
        luxc_store_free(c);
        _exit(0);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    s = test_open(path, 0, NULL);
    assert_non_null(s);
    uint64_t last;
    assert_int_equal(luxc_store_last(s, &last, NULL), LUXC_OK);
    assert_true(last >= 5);
    assert_int_equal(test_verify_range(s, 3, 0, last), 0);
    assert_int_equal(test_accept_range(s, 3, last + 1, last + 3), LUXC_OK);
    luxc_store_free(s);
    test_rmdir(dir);
}

/* No room to create a store at all: LUXC_EFULL, and nothing half-made
 * that a later open would take for a store. */
static void test_create_without_room(void **state)
{
    (void)state;
    char dir[64], path[80], data[96];
    test_tmpdir(dir, path);
    snprintf(data, sizeof data, "%s/data.mdb", path);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        signal(SIGXFSZ, SIG_IGN);
        struct rlimit rl = {.rlim_cur = 0, .rlim_max = 0};
        if (setrlimit(RLIMIT_FSIZE, &rl) != 0)
            _exit(10);
        char err[512];
        luxc_store *s = NULL;
        luxc_store_cfg c = test_cfg(path, LUXC_STORE_CREATE, NULL);
        int rc = luxc_store_new(&s, &c, err, sizeof err);
        _exit(rc == LUXC_EFULL && s == NULL ? 0 : 11);
    }
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 0);
    /* The failed creation removed its half-made files: creating again works. */
    assert_int_equal(test_file_size(data), -1);
    luxc_store *s = test_open(path, LUXC_STORE_CREATE, NULL);
    assert_non_null(s);
    luxc_store_free(s);
    test_rmdir(dir);
}

static int open_err(const char *path, unsigned flags, char *err, size_t n)
{
    luxc_store *s = NULL;
    luxc_store_cfg c = test_cfg(path, flags, NULL);
    int rc = luxc_store_new(&s, &c, err, n);
    luxc_store_free(s);
    return rc;
}

static void test_io_errors(void **state)
{
    (void)state;
    char dir[64], path[80], p[160], err[512];
    test_tmpdir(dir, path);
    /* The path is a regular file. */
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fclose(f);
    assert_int_equal(open_err(path, LUXC_STORE_CREATE, err, sizeof err), LUXC_EIO);
    assert_non_null(strstr(err, "not a directory"));
    /* Its parent is a file (ENOTDIR). */
    snprintf(p, sizeof p, "%s/sub", path);
    assert_int_equal(open_err(p, LUXC_STORE_CREATE, err, sizeof err), LUXC_EIO);
    assert_non_null(strstr(err, "Not a directory"));
    assert_int_equal(open_err(p, 0, err, sizeof err), LUXC_EIO);
    assert_int_equal(remove(path), 0);
    /* mkdir refused (sysfs refuses even root). */
    assert_int_equal(open_err("/sys/luxc-store-test", LUXC_STORE_CREATE, err, sizeof err),
                     LUXC_EIO);
    assert_non_null(strstr(err, "mkdir"));
    /* data.mdb is a directory. */
    assert_int_equal(mkdir(path, 0700), 0);
    snprintf(p, sizeof p, "%s/data.mdb", path);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(open_err(path, LUXC_STORE_CREATE, err, sizeof err), LUXC_EIO);
    assert_non_null(strstr(err, "not a regular file"));
    assert_int_equal(rmdir(p), 0);
    /* lock.mdb is a directory: LMDB cannot open its lock file. */
    snprintf(p, sizeof p, "%s/lock.mdb", path);
    assert_int_equal(mkdir(p, 0700), 0);
    assert_int_equal(open_err(path, LUXC_STORE_CREATE, err, sizeof err), LUXC_EIO);
    assert_non_null(strstr(err, "mdb_env_open"));
    assert_int_equal(rmdir(p), 0);
    /* No permission: only meaningful when not root (root bypasses modes). */
    luxc_store *s = test_open(path, LUXC_STORE_CREATE, NULL);
    assert_non_null(s);
    luxc_store_free(s);
    if (geteuid() != 0) {
        assert_int_equal(chmod(path, 0500), 0);
        snprintf(p, sizeof p, "%s/lock.mdb", path);
        assert_int_equal(remove(p), 0);
        assert_int_equal(open_err(path, 0, err, sizeof err), LUXC_EIO);
        assert_non_null(strstr(err, "ermission"));
        assert_int_equal(chmod(path, 0700), 0);
    } else {
        fprintf(stderr, "note: running as root, the permission-denied case is "
                        "skipped (RLIMIT_FSIZE and path cases cover I/O failure)\n");
    }
    test_rmdir(dir);
}

typedef struct shared {
    luxc_store *s;
    uint64_t upto;
    int bad;
} shared;

static void *reader(void *arg)
{
    shared *sh = arg;
    for (int i = 0; i < 300; i++) {
        uint64_t last;
        if (luxc_store_last(sh->s, &last, NULL) != LUXC_OK ||
            test_verify_range(sh->s, 4, last > 3 ? last - 3 : 0, last) != 0)
            sh->bad++;
    }
    return NULL;
}

/* Two reader threads and a writer on one store: readers always see a
 * consistent last block with its data and certificate. */
static void test_threads(void **state)
{
    (void)state;
    char dir[64], path[80];
    pthread_t t[2];
    test_tmpdir(dir, path);
    shared sh = {.s = test_open(path, LUXC_STORE_CREATE | LUXC_STORE_NOSYNC, NULL)};
    assert_non_null(sh.s);
    assert_int_equal(test_accept_range(sh.s, 4, 0, 0), LUXC_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_create(&t[i], NULL, reader, &sh), 0);
    assert_int_equal(test_accept_range(sh.s, 4, 1, 150), LUXC_OK);
    for (int i = 0; i < 2; i++)
        assert_int_equal(pthread_join(t[i], NULL), 0);
    assert_int_equal(sh.bad, 0);
    luxc_store_free(sh.s);
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_map_full),
        cmocka_unit_test(test_map_minimum),
        cmocka_unit_test(test_file_size_limit),
        cmocka_unit_test(test_create_without_room),
        cmocka_unit_test(test_io_errors),
        cmocka_unit_test(test_threads),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
