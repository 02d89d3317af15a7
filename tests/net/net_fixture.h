/* net_fixture.h - shared set-up of the net tests: three identities from
 * fixed seeds (validators A and B in the set, C an outsider), a validator
 * set, configurations and a log sink that keeps the lines for assertions. */
#ifndef LUXC_TESTS_NET_FIXTURE_H
#define LUXC_TESTS_NET_FIXTURE_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/crypto.h"
#include "luxc/net.h"

enum { FX_A = 0, FX_B = 1, FX_C = 2, FX_N = 3 };

typedef struct fx_log {
    char text[8192];
    size_t len;
    unsigned lines;
} fx_log;

typedef struct fx {
    luxc_valset *vs;       /* A, B */
    luxc_valset *vs_c;     /* C's own view: A, B, C */
    uint8_t pk[FX_N][LUXC_HSIGN_PUBLICKEYBYTES];
    uint8_t sk[FX_N][LUXC_HSIGN_SECRETKEYBYTES];
    luxc_net_cfg cfg[FX_N];
    fx_log log[FX_N];
} fx;

/* Keeps "level event fields" lines; the event is a fixed phrase and the
 * fields logfmt (the assertions look for both). */
static inline void fx_log_fn(void *ctx, luxc_log_level level, const char *event,
                             const char *fields)
{
    fx_log *l = ctx;
    int n = snprintf(l->text + l->len, sizeof l->text - l->len, "%d %s %s\n", (int)level, event,
                     fields ? fields : "");
    if (n > 0 && (size_t)n < sizeof l->text - l->len)
        l->len += (size_t)n;
    l->lines++;
    if (getenv("LUXC_TEST_VERBOSE"))
        fprintf(stderr, "log: %d %s %s\n", (int)level, event, fields ? fields : "");
}

/* Returns 0 on success. fx must be heap or static (it is large). */
static inline int fx_init(fx *f)
{
    memset(f, 0, sizeof *f);
    if (luxc_crypto_init() != LUXC_OK)
        return -1;
    for (int i = 0; i < FX_N; i++) {
        uint8_t seed[LUXC_HSIGN_SEEDBYTES];
        memset(seed, 0x40 + i, sizeof seed);
        if (luxc_hsign_keypair_from_seed(f->pk[i], f->sk[i], seed) != LUXC_OK)
            return -1;
    }
    if (luxc_valset_new(&f->vs) || luxc_valset_new(&f->vs_c))
        return -1;
    if (luxc_valset_add(f->vs, f->pk[FX_A], 10, "alice", "") ||
        luxc_valset_add(f->vs, f->pk[FX_B], 20, "bob", "") ||
        luxc_valset_add(f->vs_c, f->pk[FX_A], 10, "alice", "") ||
        luxc_valset_add(f->vs_c, f->pk[FX_B], 20, "bob", "") ||
        luxc_valset_add(f->vs_c, f->pk[FX_C], 5, "carol", ""))
        return -1;
    for (int i = 0; i < FX_N; i++) {
        luxc_net_cfg *c = &f->cfg[i];
        c->valset = i == FX_C ? f->vs_c : f->vs;
        c->identity_pk = f->pk[i];
        c->identity_sk = f->sk[i];
        memset(c->chain_id, 0xc1, sizeof c->chain_id);
        c->log = fx_log_fn;
        c->log_ctx = &f->log[i];
    }
    return 0;
}

static inline void fx_free(fx *f)
{
    luxc_valset_free(f->vs);
    luxc_valset_free(f->vs_c);
}

#endif
