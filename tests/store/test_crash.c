/* test_crash.c - kill -9 a writer at random moments; every block it
 * reported as accepted must be there after reopen, intact, with the store
 * consistent (the open-time walk and luxc_store_check both pass).
 *
 * The child opens the store, then loops: accept the next block (sizes vary,
 * some need overflow pages), put votes, prune old ones, rewrite the model
 * weights, and after each LUXC_OK from accept_block writes the height to a
 * pipe. The parent kills it after a seeded random delay, reads every
 * reported height, reopens and checks. A kill -9 keeps the page cache, so
 * this tests atomic commits and recovery, not power loss (that rests on
 * LMDB's fsync, which LUXC_STORE_NOSYNC would turn off). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <sys/wait.h>
#include <time.h>

#include "store/helpers.h"

#define ROUNDS 40
#define DATA_SEED 0x5eedu

static void child_loop(const char *path, int fd, uint64_t seed)
{
    luxc_store *s = test_open(path, 0, NULL);
    uint64_t st = seed, h;
    uint8_t voter[32] = {0}, vote[64], blob[3000];
    if (!s)
        _exit(3);
    if (luxc_store_last(s, &h, NULL) != LUXC_OK)
        _exit(4);
    for (uint64_t next = h + 1; next < h + 100000; next++) {
        if (test_accept_range(s, DATA_SEED, next, next) != LUXC_OK)
            _exit(5);
        if (write(fd, &next, sizeof next) != (ssize_t)sizeof next)
            _exit(6);
        uint64_t r = luxc_test_rand(&st);
        for (unsigned v = 0; v < (r & 7); v++) {
            voter[0] = (uint8_t)v;
            test_fill(vote, sizeof vote, seed, next, (int)v);
            if (luxc_store_vote_put(s, next + 1, (uint32_t)(r >> 8) & 3, voter, vote,
                                    1 + (r >> 16) % sizeof vote) < LUXC_EEXIST)
                _exit(7);
        }
        if ((r >> 20) % 4 == 0 && luxc_store_votes_prune(s, next - 3, NULL) != LUXC_OK)
            _exit(8);
        if ((r >> 24) % 8 == 0) {
            size_t n = test_fill(blob, 100 + (r >> 32) % 2900, seed, next, 9);
            if (luxc_store_weights_put(s, "model", next, blob, n) != LUXC_OK)
                _exit(9);
        }
    }
    luxc_store_free(s);
    _exit(0);
}

static void sleep_us(uint64_t us)
{
    struct timespec ts = {.tv_sec = (time_t)(us / 1000000),
                          .tv_nsec = (long)(us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

static void test_kill9_recovery(void **state)
{
    (void)state;
    char dir[64], path[80];
    const uint64_t seed = luxc_test_seed();
    uint64_t st = seed, total = 0;
    test_tmpdir(dir, path);
    /* Genesis block, written before any crash. */
    luxc_store *s = test_open(path, LUXC_STORE_CREATE, NULL);
    assert_non_null(s);
    assert_int_equal(test_accept_range(s, DATA_SEED, 0, 0), LUXC_OK);
    luxc_store_free(s);
    for (int round = 0; round < ROUNDS; round++) {
        int p[2];
        assert_int_equal(pipe(p), 0);
        pid_t pid = fork();
        assert_true(pid >= 0);
        if (pid == 0) {
            close(p[0]);
            child_loop(path, p[1], seed + (uint64_t)round);
        }
        close(p[1]);
        /* 0.2 .. 80 ms: sometimes during open, mostly mid-commit loop. */
        sleep_us(200 + luxc_test_rand(&st) % 80000);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            LUXC_TEST_FAIL_SEED(seed, "round %d: child exited with %d before the kill",
                                round, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
        uint64_t h, reported = 0;
        int got = 0;
        while (read(p[0], &h, sizeof h) == (ssize_t)sizeof h) {
            reported = h;
            got++;
        }
        close(p[0]);
        total += (uint64_t)got;
        /* Reopen with the full check, then compare every block. */
        s = test_open(path, 0, NULL);
        if (!s)
            LUXC_TEST_FAIL_SEED(seed, "round %d: reopen failed after kill -9", round);
        uint64_t last;
        assert_int_equal(luxc_store_last(s, &last, NULL), LUXC_OK);
        if (last < reported)
            LUXC_TEST_FAIL_SEED(seed, "round %d: child reported %llu durable, store "
                                "has %llu", round, (unsigned long long)reported,
                                (unsigned long long)last);
        int bad = test_verify_range(s, DATA_SEED, 0, last);
        if (bad)
            LUXC_TEST_FAIL_SEED(seed, "round %d: block data wrong (%d) below %llu",
                                round, bad, (unsigned long long)last);
        if (luxc_store_check(s) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "round %d: store inconsistent", round);
        size_t len;
        if (luxc_store_block_get(s, last + 1, NULL, NULL, NULL, 0, &len) != LUXC_ENOTFOUND)
            LUXC_TEST_FAIL_SEED(seed, "round %d: a block above last", round);
        luxc_store_free(s);
    }
    fprintf(stderr, "crash test: %d kills, %llu durable accepts reported\n", ROUNDS,
            (unsigned long long)total);
    assert_true(total > 0); /* the loop did run between kills */
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_recovery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
