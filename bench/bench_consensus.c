/* bench_consensus.c - benchmarks of the consensus layer.
 * RecordPoll: one snowman poll of K=20 votes on a tree of 5 processing
 *   blocks with a conflicting sibling (16 votes for the tip, 4 for the
 *   sibling), beta out of reach so the tree stays; reported per vote.
 *   Reference: the C port's 46.4 us per vote (issue 3).
 * AddBlock: add one block extending a chain (engine re-created, untimed,
 *   every 8192 blocks).
 * CertVerifyFake: verify a certificate of 67 of 100 equal-stake signers
 *   through a fake scheme (byte compare): the certificate machinery
 *   without the cost of ML-DSA (benchmarked in the crypto layer).
 * CertDecode: strict decode of that certificate against the set.
 * SimRound: one synchronous round of `luxc sim` with 10,000 validators
 *   (K=20): every undecided validator samples and polls once. */
#include "harness.h"

#include <stdlib.h>
#include <string.h>

#include "luxc/consensus.h"
#include "luxc/consensus_sim.h"

static luxc_block bblk(uint32_t id, uint32_t parent, uint64_t height)
{
    luxc_block b;
    memset(&b, 0, sizeof b);
    /* Spread ids over the hash (ids are hashes in real use). */
    uint64_t x = id * 0x9e3779b97f4a7c15ull, y = parent * 0x9e3779b97f4a7c15ull;
    memcpy(b.id, &x, 8);
    memcpy(b.id + 8, &id, 4);
    memcpy(b.parent, &y, 8);
    memcpy(b.parent + 8, &parent, 4);
    b.height = height;
    return b;
}

static luxc_snowman *engine(uint32_t beta)
{
    luxc_snowman_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    if (luxc_params_preset(&cfg.params, "default") != LUXC_OK)
        return NULL;
    cfg.params.beta = beta;
    cfg.genesis = bblk(0, 0xffffffffu, 0);
    cfg.max_blocks = 1u << 20;
    luxc_snowman *s = NULL;
    return luxc_snowman_new(&s, &cfg) == LUXC_OK ? s : NULL;
}

static void bench_record_poll(luxc_bench_b *b)
{
    luxc_snowman *s = engine(1u << 30);
    if (!s) {
        luxc_bench_fail(b, "setup");
        return;
    }
    /* G <- 1 <- 2 <- 3 <- 4 <- 5 ; G <- 6 */
    int bad = 0;
    for (uint32_t i = 1; i <= 5; i++) {
        luxc_block blk = bblk(i, i - 1, i);
        bad |= luxc_snowman_add(s, &blk);
    }
    luxc_block sib = bblk(6, 0, 1);
    bad |= luxc_snowman_add(s, &sib);
    uint8_t votes[20][32];
    luxc_block tip = bblk(5, 4, 5);
    for (int i = 0; i < 20; i++)
        memcpy(votes[i], i < 16 ? tip.id : sib.id, 32);
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        bad |= luxc_snowman_record_poll(s, (const uint8_t(*)[32])votes, 20);
    luxc_bench_stop_timer(b);
    luxc_bench_set_ops(b, b->n * 20);
    if (bad || luxc_snowman_num_processing(s) != 6)
        luxc_bench_fail(b, "poll failed or decided");
    luxc_snowman_free(s);
}

static void bench_add_block(luxc_bench_b *b)
{
    luxc_snowman *s = NULL;
    int bad = 0;
    uint32_t h = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        if (!s || h == 8192) {
            luxc_bench_stop_timer(b);
            luxc_snowman_free(s);
            s = engine(14);
            h = 0;
            luxc_bench_start_timer(b);
            if (!s) {
                bad = 1;
                break;
            }
        }
        luxc_block blk = bblk(h + 1, h, h + 1);
        bad |= luxc_snowman_add(s, &blk);
        h++;
    }
    luxc_bench_stop_timer(b);
    if (bad)
        luxc_bench_fail(b, "add failed");
    luxc_snowman_free(s);
}

enum { NSET = 100, NSIGN = 67, SIGLEN = 32 };

static int fake_verify(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *m,
                       size_t mlen, const uint8_t *pk, size_t pklen)
{
    (void)ctx;
    (void)pklen;
    if (siglen != SIGLEN)
        return LUXC_EAUTH;
    for (size_t i = 0; i < SIGLEN; i++)
        if (sig[i] != (uint8_t)(m[(i * 5) % mlen] ^ pk[0]))
            return LUXC_EAUTH;
    return LUXC_OK;
}

typedef struct cert_fixture {
    uint8_t pks[NSET];
    luxc_cert_member set[NSET];
    uint8_t buf[LUXC_CERT_HEADERBYTES + NSIGN * (8 + SIGLEN)];
    size_t len;
    luxc_cert *c;
} cert_fixture;

static int cert_setup(cert_fixture *f)
{
    luxc_vote v;
    memset(&v, 0, sizeof v);
    memset(v.block, 0xb0, 32);
    v.height = 42;
    v.accept = 1;
    uint8_t msg[LUXC_VOTE_BYTES];
    if (luxc_vote_encode(msg, &v) != LUXC_OK || luxc_cert_new(&f->c, &v) != LUXC_OK)
        return -1;
    for (int i = 0; i < NSET; i++) {
        f->pks[i] = (uint8_t)(i * 7 + 1);
        f->set[i] = (luxc_cert_member){1, &f->pks[i], 1};
    }
    for (int i = 0; i < NSIGN; i++) {
        uint8_t sig[SIGLEN];
        for (size_t j = 0; j < SIGLEN; j++)
            sig[j] = (uint8_t)(msg[(j * 5) % sizeof msg] ^ f->pks[i]);
        if (luxc_cert_add(f->c, (uint32_t)i, sig, SIGLEN) != LUXC_OK)
            return -1;
    }
    return luxc_cert_encode(f->c, f->buf, sizeof f->buf, &f->len) == LUXC_OK ? 0 : -1;
}

static void bench_cert_verify(luxc_bench_b *b)
{
    cert_fixture *f = calloc(1, sizeof *f);
    if (!f || cert_setup(f)) {
        luxc_bench_fail(b, "setup");
        goto out;
    }
    luxc_verifier vf = {fake_verify, NULL};
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++)
        bad |= luxc_cert_verify(f->c, f->set, NSET, &vf);
    luxc_bench_stop_timer(b);
    if (bad)
        luxc_bench_fail(b, "verify failed");
out:
    if (f)
        luxc_cert_free(f->c);
    free(f);
}

static void bench_cert_decode(luxc_bench_b *b)
{
    cert_fixture *f = calloc(1, sizeof *f);
    if (!f || cert_setup(f)) {
        luxc_bench_fail(b, "setup");
        goto out;
    }
    int bad = 0;
    luxc_bench_reset_timer(b);
    for (uint64_t i = 0; i < b->n; i++) {
        luxc_cert *c;
        bad |= luxc_cert_decode(&c, f->buf, f->len, f->set, NSET);
        luxc_bench_sink_ptr(c);
        luxc_cert_free(c);
    }
    luxc_bench_stop_timer(b);
    if (bad)
        luxc_bench_fail(b, "decode failed");
out:
    if (f)
        luxc_cert_free(f->c);
    free(f);
}

static void bench_sim_round(luxc_bench_b *b)
{
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.nodes = 10000;
    cfg.blocks = 1;
    uint64_t rounds = 0;
    int bad = 0;
    for (uint64_t i = 0; i < b->n; i++) {
        luxc_sim_result r;
        cfg.seed = i + 1;
        bad |= luxc_sim_run(&cfg, &r) != LUXC_OK || !r.agreement;
        rounds += r.rounds;
    }
    luxc_bench_stop_timer(b);
    luxc_bench_set_ops(b, rounds ? rounds : 1);
    if (bad)
        luxc_bench_fail(b, "sim run failed or disagreed");
}

const luxc_bench_case luxc_bench_cases_consensus[] = {
    {"RecordPoll", bench_record_poll, 46400, 0, 0, "per vote", LUXC_BENCH_REF_CPORT},
    {"AddBlock", bench_add_block, 0, 0, 0, NULL, NULL},
    {"CertVerifyFake", bench_cert_verify, 0, 0, 0, "67 signers", NULL},
    {"CertDecode", bench_cert_decode, 0, 0, 0, "67 signers", NULL},
    {"SimRound", bench_sim_round, 0, 0, 0, "per round, 10k validators", NULL},
    {0},
};
