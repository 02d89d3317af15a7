/* test_crash.c - kill -9 a writer at random moments; every block it
 * reported as accepted must be there after reopen, intact, with the store
 * consistent (the open-time walk and luxc_store_check both pass).
 *
 * The child opens the store, then loops: accept the next block or a batch
 * of blocks (sizes vary, some need overflow pages), put votes, prune old ones, rewrite the model
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

/* Heights from..to as one luxc_store_accept_batch, data as test_accept_range. */
static int accept_batch(luxc_store *s, uint64_t from, uint64_t to)
{
    static uint8_t ids[8][32], parents[8][32], blocks[8][TEST_BLOCK_MAX], certs[8][512];
    luxc_store_accepted b[8];
    size_t n = (size_t)(to - from + 1);
    for (size_t i = 0; i < n; i++) {
        uint64_t h = from + i;
        test_id(ids[i], DATA_SEED, h);
        test_id(parents[i], DATA_SEED, h - 1);
        b[i] = (luxc_store_accepted){
            .height = h, .id = ids[i], .parent = parents[i], .block = blocks[i],
            .block_len = test_fill(blocks[i], test_block_len(h), DATA_SEED, h, 1),
            .cert = certs[i], .cert_len = test_fill(certs[i], test_cert_len(h), DATA_SEED, h, 2)};
    }
    return luxc_store_accept_batch(s, b, n);
}

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
        uint64_t r = luxc_test_rand(&st);
        /* One block, or now and then a batch of up to 8 in one commit. */
        uint64_t top = (r & 0x300) == 0 ? next + (r >> 40) % 8 : next;
        if (accept_batch(s, next, top) != LUXC_OK)
            _exit(5);
        next = top;
        if (write(fd, &next, sizeof next) != (ssize_t)sizeof next)
            _exit(6);
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
        uint64_t h, reported = 0;
        int got = 0;
        /* Every 4th round waits for a first accept (so a slow machine still
         * kills mid-loop); the delay of 0.2 .. 80 ms otherwise lands
         * sometimes during open, mostly in the commit loop. */
        if (round % 4 == 0 && read(p[0], &h, sizeof h) == (ssize_t)sizeof h) {
            reported = h;
            got++;
        }
        sleep_us(200 + luxc_test_rand(&st) % 80000);
        kill(pid, SIGKILL);
        int status;
        assert_int_equal(waitpid(pid, &status, 0), pid);
        if (!WIFSIGNALED(status))
            LUXC_TEST_FAIL_SEED(seed, "round %d: child exited with %d before the kill",
                                round, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
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
    assert_true(total >= ROUNDS / 4); /* the loop did run between kills */
    test_rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_kill9_recovery),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
