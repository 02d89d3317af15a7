/* sim_poll.c - the validators' side that both simulator models share
 * (sim.c: snowman alone; sim_rounds.c: the round rule): one snowball poll
 * with Byzantine answers and loss and delay of honest ones, starting a
 * height's snowball, reading its preference, the FPC seed, and counted
 * allocation. A leaf: it calls nothing of sim.c or sim_rounds.c, so the
 * two models call down into it and never into each other. */
#include "sim_poll.h"

#include <stdlib.h>
#include <string.h>

void *luxc_sim_alloc(sim *s, size_t n, size_t size)
{
    if (n && size > SIZE_MAX / n)
        return NULL;
    void *p = calloc(n ? n : 1, size);
    if (p)
        s->bytes += n * size;
    return p;
}

/* The answer of Byzantine validator j to querier i (UINT32_MAX: none). */
static uint32_t byz_answer(sim *s, uint32_t i, uint32_t prev_slot)
{
    switch (s->cfg->strategy) {
    case LUXC_SIM_FIXED:
        return s->c - 1;
    case LUXC_SIM_RANDOM:
        return (uint32_t)luxc_xoshiro_below(&s->x, s->c);
    case LUXC_SIM_EQUIVOCATE:
        return (s->hist[(size_t)prev_slot * s->n + i] + 1u) % s->c;
    case LUXC_SIM_SILENT:
    default:
        return UINT32_MAX;
    }
}

int luxc_sim_poll(sim *s, uint32_t i, uint64_t r, uint32_t ap, uint32_t ac,
                  luxc_sim_result *res)
{
    const luxc_sim_cfg *cfg = s->cfg;
    uint32_t k = cfg->params.k, c = s->c, h = s->h, n = s->n;
    luxc_rng rng = luxc_rng_xoshiro(&s->x);
    int rc = luxc_photon_sample(s->photon, &rng, s->sample, k);
    if (rc != LUXC_OK)
        return rc;
    uint32_t prev_slot = (uint32_t)((r - 1) % h);
    memset(s->counts, 0, c * sizeof *s->counts);
    int byz_active = cfg->strategy != LUXC_SIM_HONEST;
    uint32_t nv = 0;
    for (uint32_t q = 0; q < k; q++) {
        uint32_t j = s->sample[q];
        if (s->loss > 0 && luxc_sim_uniform(&s->x) < s->loss) {
            res->lost++;
            continue;
        }
        uint32_t v;
        if (byz_active && s->byz[j]) {
            v = byz_answer(s, i, prev_slot);
            if (v == UINT32_MAX)
                continue;
        } else {
            uint64_t age = s->delay ? luxc_xoshiro_below(&s->x, (uint64_t)s->delay + 1) : 0;
            uint64_t at = r - 1 >= age ? r - 1 - age : 0;
            v = s->hist[(size_t)(at % h) * n + j];
        }
        s->counts[v]++;
        s->votes[nv++] = v;
        res->votes++;
    }
    res->polls++;
    if (s->trees) /* thresholds: the tree uses the configured alphas */
        return luxc_snowball_tree_record_poll(s->trees[i], s->votes, nv);
    uint32_t best = 0;
    for (uint32_t q = 1; q < c; q++)
        if (s->counts[q] > s->counts[best])
            best = q;
    luxc_snowball *sb = &s->sb[i];
    if (s->counts[best] >= ap)
        rc = luxc_snowball_record_poll_at(sb, s->counts[best], best, ap, ac);
    else
        luxc_snowball_record_unsuccessful(sb);
    return rc;
}

int luxc_sim_snowball_start(sim *s, uint32_t i, uint8_t init)
{
    for (uint32_t sl = 0; sl < s->h; sl++)
        s->hist[(size_t)sl * s->n + i] = init;
    if (s->trees) {
        luxc_snowball_tree_free(s->trees[i]);
        s->trees[i] = NULL;
        return luxc_snowball_tree_new(&s->trees[i], &s->cfg->params, s->c, init);
    }
    return luxc_snowball_init(&s->sb[i], &s->cfg->params, s->strengths + (size_t)i * s->c, s->c,
                              init);
}

uint32_t luxc_sim_preference(const sim *s, uint32_t i)
{
    return s->trees ? luxc_snowball_tree_preference(s->trees[i])
                    : luxc_snowball_preference(&s->sb[i]);
}

int luxc_sim_finalized(const sim *s, uint32_t i)
{
    return s->trees ? luxc_snowball_tree_finalized(s->trees[i])
                    : luxc_snowball_finalized(&s->sb[i]);
}

void luxc_sim_fpc_seed(const sim *s, uint32_t height, uint8_t seed[LUXC_FPC_SEEDBYTES])
{
    memset(seed, 0, LUXC_FPC_SEEDBYTES);
    if (!s->cfg->params.fpc)
        return;
    uint8_t chain[32] = {0}, prev[32] = {0};
    memcpy(chain, "luxc-sim", 8);
    for (int b = 0; b < 8; b++)
        prev[b] = (uint8_t)((uint64_t)height >> (8 * b));
    luxc_fpc_epoch_seed(seed, height, chain, prev);
}
