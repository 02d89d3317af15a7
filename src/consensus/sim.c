/* sim.c - the deterministic network simulator (luxc/consensus_sim.h).
 * Owns: the configuration, the virtual validators' state (made and freed
 * here), the snowman model's lock-step height loop and its safety /
 * liveness / finality accounting, and the entry point that picks the model
 * (the rounds model is sim_rounds.c; the poll both models run is
 * sim_poll.c). It composes the layer's own rules: photon for
 * sampling, wave for the thresholds, focus (snowball) for confidence. No
 * clock, no threads: one xoshiro256** stream drives everything in a
 * fixed order. */
#include "sim_poll.h"
#include "sim_rounds.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char *const strategy_names[] = {"honest", "fixed", "random", "equivocate",
                                             "silent"};

const char *luxc_sim_strategy_name(luxc_sim_strategy s)
{
    return (unsigned)s < 5 ? strategy_names[s] : "unknown";
}

int luxc_sim_strategy_parse(const char *name, luxc_sim_strategy *out)
{
    if (!name || !out)
        return LUXC_EINVAL;
    for (unsigned i = 0; i < 5; i++)
        if (!strcmp(name, strategy_names[i])) {
            *out = (luxc_sim_strategy)i;
            return LUXC_OK;
        }
    return LUXC_EINVAL;
}

int luxc_sim_finality_parse(const char *name, luxc_sim_finality *out)
{
    if (!name || !out)
        return LUXC_EINVAL;
    if (!strcmp(name, "rounds"))
        *out = LUXC_SIM_FINALITY_ROUNDS;
    else if (!strcmp(name, "snowman"))
        *out = LUXC_SIM_FINALITY_SNOWMAN;
    else
        return LUXC_EINVAL;
    return LUXC_OK;
}

void luxc_sim_defaults(luxc_sim_cfg *cfg)
{
    memset(cfg, 0, sizeof *cfg);
    cfg->nodes = 100;
    cfg->blocks = 10;
    cfg->candidates = 2;
    cfg->strategy = LUXC_SIM_HONEST;
    cfg->finality = LUXC_SIM_FINALITY_ROUNDS;
    cfg->gst = LUXC_SIM_NO_GST;
    int rc = luxc_params_preset(&cfg->params, "default");
    (void)rc; /* the name is ours */
}

static void sim_free(sim *s)
{
    free(s->byz);
    free(s->hist);
    free(s->decided);
    free(s->sb);
    free(s->strengths);
    free(s->sample);
    free(s->counts);
    free(s->dec);
    free(s->signed_c);
    if (s->trees)
        for (uint32_t i = 0; i < s->n; i++)
            luxc_snowball_tree_free(s->trees[i]);
    free(s->trees);
    free(s->votes);
    luxc_photon_free(s->photon);
}

static int check_cfg(const luxc_sim_cfg *cfg)
{
    if (cfg->nodes < 1 || cfg->nodes > LUXC_SIM_MAX_NODES || cfg->blocks < 1)
        return LUXC_EINVAL;
    if (!(cfg->byzantine >= 0.0 && cfg->byzantine < 1.0) || !(cfg->loss >= 0.0 && cfg->loss <= 1.0))
        return LUXC_EINVAL;
    if (cfg->delay > LUXC_SIM_MAX_DELAY || cfg->candidates > LUXC_SIM_MAX_CANDIDATES ||
        (unsigned)cfg->strategy > LUXC_SIM_SILENT ||
        (unsigned)cfg->finality > LUXC_SIM_FINALITY_SNOWMAN || !(cfg->crash >= 0.0 && cfg->crash <= 1.0))
        return LUXC_EINVAL;
    if (cfg->finality == LUXC_SIM_FINALITY_ROUNDS && cfg->nodes > LUXC_SIM_MAX_ROUNDS_NODES)
        return LUXC_EINVAL;
    if (luxc_params_validate(&cfg->params, NULL, 0) != LUXC_OK)
        return LUXC_EPARAM;
    if (cfg->params.k > cfg->nodes)
        return LUXC_ERANGE;
    return LUXC_OK;
}

/* Run one height; returns the rounds used or a negative error. */
static int64_t run_height(sim *s, uint32_t height, luxc_sim_result *res)
{
    const luxc_sim_cfg *cfg = s->cfg;
    uint32_t n = s->n, c = s->c, h = s->h;
    int byz_active = cfg->strategy != LUXC_SIM_HONEST;
    uint32_t running = 0, ndecided = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint8_t init = (uint8_t)luxc_xoshiro_below(&s->x, c);
        s->decided[i] = 0;
        if (byz_active && s->byz[i]) {
            for (uint32_t sl = 0; sl < h; sl++)
                s->hist[(size_t)sl * n + i] = init;
            continue;
        }
        running++;
        int rc = luxc_sim_snowball_start(s, i, init);
        if (rc != LUXC_OK)
            return rc;
    }
    uint8_t seed[LUXC_FPC_SEEDBYTES];
    luxc_sim_fpc_seed(s, height, seed);
    uint32_t max_rounds = cfg->max_rounds ? cfg->max_rounds : 1000;
    uint64_t r = 0;
    while (ndecided < running && r < max_rounds) {
        r++;
        uint32_t ap, ac;
        int rc = luxc_wave_thresholds(&cfg->params, seed, r, &ap, &ac);
        if (rc != LUXC_OK)
            return rc;
        uint8_t *cur = s->hist + (size_t)(r % h) * n;
        for (uint32_t i = 0; i < n; i++) {
            if ((byz_active && s->byz[i]) || s->decided[i]) {
                cur[i] = s->decided[i] ? (uint8_t)(s->decided[i] - 1)
                                       : s->hist[(size_t)((r - 1) % h) * n + i];
                continue;
            }
            if ((rc = luxc_sim_poll(s, i, r, ap, ac, res)) != LUXC_OK)
                return rc;
            uint32_t pref = luxc_sim_preference(s, i);
            cur[i] = (uint8_t)pref;
            if (luxc_sim_finalized(s, i)) {
                s->decided[i] = (uint8_t)(pref + 1);
                ndecided++;
            }
        }
    }
    return (int64_t)r;
}

/* Safety, liveness and certificates of one finished height. */
static void account(sim *s, luxc_sim_result *res)
{
    const luxc_sim_cfg *cfg = s->cfg;
    uint32_t n = s->n, c = s->c;
    uint64_t *dec = s->dec, *signed_c = s->signed_c;
    memset(dec, 0, c * sizeof *dec);
    memset(signed_c, 0, c * sizeof *signed_c);
    uint32_t undecided = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (s->byz[i]) {
            switch (cfg->strategy) {
            case LUXC_SIM_HONEST:
                if (s->decided[i])
                    signed_c[s->decided[i] - 1]++;
                break;
            case LUXC_SIM_FIXED:
                signed_c[c - 1]++;
                break;
            case LUXC_SIM_RANDOM:
                signed_c[luxc_xoshiro_below(&s->x, c)]++;
                break;
            case LUXC_SIM_EQUIVOCATE:
                for (uint32_t q = 0; q < c; q++)
                    signed_c[q]++;
                break;
            case LUXC_SIM_SILENT:
                break;
            }
            continue;
        }
        if (!s->decided[i]) {
            undecided++;
            continue;
        }
        dec[s->decided[i] - 1]++;
        signed_c[s->decided[i] - 1]++;
    }
    uint32_t kinds = 0, certified = 0, winner = UINT32_MAX;
    for (uint32_t q = 0; q < c; q++) {
        kinds += dec[q] != 0;
        if (luxc_horizon_is_final(signed_c[q], n)) {
            certified++;
            winner = q;
        }
    }
    if (kinds > 1)
        res->safety_violations++;
    if (undecided)
        res->stalled_blocks++;
    if (certified > 1)
        res->conflicting_certificates++;
    if (certified >= 1)
        res->blocks_finalized++;
    if (certified == 1 && c > 1 && winner == c - 1 && cfg->strategy != LUXC_SIM_HONEST)
        res->byzantine_wins++;
}

int luxc_sim_run(const luxc_sim_cfg *cfg, luxc_sim_result *res)
{
    if (!res)
        return LUXC_EINVAL;
    memset(res, 0, sizeof *res);
    if (!cfg)
        return LUXC_EINVAL;
    int rc = check_cfg(cfg);
    if (rc != LUXC_OK)
        return rc;
    sim s = {0};
    s.cfg = cfg;
    s.n = cfg->nodes;
    s.c = cfg->candidates ? cfg->candidates : 2;
    s.h = cfg->delay + 2;
    s.loss = cfg->loss;
    s.delay = cfg->delay;
    luxc_xoshiro_seed(&s.x, cfg->seed);
    uint32_t nbyz = (uint32_t)floor(cfg->byzantine * (double)s.n);
    s.nbyz = nbyz;
    rc = LUXC_ENOMEM;
    s.byz = luxc_sim_alloc(&s, s.n, 1);
    s.hist = luxc_sim_alloc(&s, (size_t)s.h * s.n, 1);
    s.decided = luxc_sim_alloc(&s, s.n, 1);
    s.sb = luxc_sim_alloc(&s, s.n, sizeof *s.sb);
    s.strengths = luxc_sim_alloc(&s, (size_t)s.n * s.c, sizeof *s.strengths);
    s.sample = luxc_sim_alloc(&s, cfg->params.k, sizeof *s.sample);
    s.counts = luxc_sim_alloc(&s, s.c, sizeof *s.counts);
    s.dec = luxc_sim_alloc(&s, s.c, sizeof *s.dec);
    s.signed_c = luxc_sim_alloc(&s, s.c, sizeof *s.signed_c);
    s.votes = luxc_sim_alloc(&s, cfg->params.k, sizeof *s.votes);
    if (s.c > 2) {
        s.trees = luxc_sim_alloc(&s, s.n, sizeof *s.trees);
        s.bytes += (uint64_t)s.n * luxc_snowball_tree_bytes(s.c); /* allocated per height */
    }
    if (!s.byz || !s.hist || !s.decided || !s.sb || !s.strengths || !s.sample || !s.counts ||
        !s.dec || !s.signed_c || !s.votes || (s.c > 2 && !s.trees))
        goto out;
    if ((rc = luxc_photon_new(&s.photon, s.n, LUXC_PHOTON_UNIFORM, NULL, 0)) != LUXC_OK)
        goto out;
    s.bytes += (size_t)s.n * sizeof(uint32_t); /* the photon permutation */
    /* Choose the Byzantine set: a seeded sample of nbyz validators. */
    if (nbyz) {
        uint32_t *pick = malloc((size_t)nbyz * sizeof *pick);
        if (!pick) {
            rc = LUXC_ENOMEM;
            goto out;
        }
        luxc_rng rng = luxc_rng_xoshiro(&s.x);
        rc = luxc_photon_sample(s.photon, &rng, pick, nbyz);
        for (uint32_t i = 0; rc == LUXC_OK && i < nbyz; i++)
            s.byz[pick[i]] = 1;
        free(pick);
        if (rc != LUXC_OK)
            goto out;
    }
    res->nodes = s.n;
    res->byzantine_nodes = nbyz;
    res->blocks = cfg->blocks;
    if (cfg->finality == LUXC_SIM_FINALITY_ROUNDS) {
        if ((rc = luxc_sim_rounds_run(&s, res)) != LUXC_OK)
            goto out;
    } else {
        for (uint32_t height = 1; height <= cfg->blocks; height++) {
            int64_t r = run_height(&s, height, res);
            if (r < 0) {
                rc = (int)r;
                goto out;
            }
            res->rounds += (uint64_t)r;
            if ((uint64_t)r > res->max_rounds_per_block)
                res->max_rounds_per_block = (uint32_t)r;
            account(&s, res);
            if (cfg->progress)
                cfg->progress(cfg->progress_ctx, height, res->rounds);
        }
    }
    res->mean_rounds_per_block = (double)res->rounds / (double)cfg->blocks;
    res->agreement = res->safety_violations == 0 && res->stalled_blocks == 0;
    res->bytes = s.bytes;
    res->bytes_per_validator = (double)s.bytes / (double)s.n;
    rc = LUXC_OK;
out:
    sim_free(&s);
    if (rc != LUXC_OK) {
        memset(res, 0, sizeof *res);
    }
    return rc;
}
