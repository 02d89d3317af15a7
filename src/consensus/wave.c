/* wave.c - one threshold round of consensus.
 * Owns: counting K sampled answers against alpha_pref/alpha_conf, the FPC
 * per-phase thresholds of SPEC section 4, and the round bookkeeping
 * (who was asked, who answered). Not here: sampling (photon.c),
 * confidence (focus.c). Pure: no I/O, clock, allocation or locks. */
#include "luxc/consensus.h"

#include <math.h>
#include <string.h>

#include <sodium.h>

#include "common/be.h"

int luxc_wave_tally_votes(luxc_wave_tally *out, const uint32_t *votes, size_t n,
                          uint32_t *counts, uint32_t nchoices)
{
    if (!out || (!votes && n) || !counts || nchoices == 0)
        return LUXC_EINVAL;
    memset(counts, 0, (size_t)nchoices * sizeof *counts);
    uint32_t counted = 0;
    for (size_t i = 0; i < n; i++)
        if (votes[i] < nchoices) {
            counts[votes[i]]++;
            counted++;
        }
    uint32_t best = 0;
    for (uint32_t c = 1; c < nchoices; c++)
        if (counts[c] > counts[best])
            best = c;
    out->choice = best;
    out->count = counts[best];
    out->votes = counted;
    return LUXC_OK;
}

void luxc_fpc_epoch_seed(uint8_t seed[LUXC_FPC_SEEDBYTES], uint64_t epoch,
                         const uint8_t chain_id[32], const uint8_t prev_block_hash[32])
{
    uint8_t e[8];
    luxc_be64_store(e, epoch);
    crypto_hash_sha256_state c;
    crypto_hash_sha256_init(&c);
    crypto_hash_sha256_update(&c, e, sizeof e);
    crypto_hash_sha256_update(&c, chain_id, 32);
    crypto_hash_sha256_update(&c, prev_block_hash, 32);
    crypto_hash_sha256_final(&c, seed);
}

double luxc_fpc_theta(const uint8_t seed[LUXC_FPC_SEEDBYTES], uint64_t phase, double theta_min,
                      double theta_max)
{
    uint8_t buf[LUXC_FPC_SEEDBYTES + 8], h[32];
    memcpy(buf, seed, LUXC_FPC_SEEDBYTES);
    luxc_be64_store(buf + LUXC_FPC_SEEDBYTES, phase);
    crypto_hash_sha256(h, buf, sizeof buf);
    double u = (double)luxc_be64_load(h) / 18446744073709551615.0; /* 2^64 - 1 */
    return theta_min + u * (theta_max - theta_min);
}

int luxc_wave_thresholds(const luxc_params *p, const uint8_t *seed, uint64_t phase,
                         uint32_t *alpha_pref, uint32_t *alpha_conf)
{
    if (!p || !alpha_pref || !alpha_conf || (p->fpc && !seed))
        return LUXC_EINVAL;
    if (!p->fpc) {
        *alpha_pref = p->alpha_pref;
        *alpha_conf = p->alpha_conf;
        return LUXC_OK;
    }
    double theta = luxc_fpc_theta(seed, phase, p->theta_min, p->theta_max);
    double t = ceil(theta * (double)p->k);
    uint32_t a = t < 1.0 ? 1u : t > (double)p->k ? p->k : (uint32_t)t;
    *alpha_pref = a;
    *alpha_conf = a;
    return LUXC_OK;
}

int luxc_wave_round_start(luxc_wave_round *r, const uint32_t *sample, uint32_t k)
{
    if (!r || !sample || k == 0 || k > LUXC_CONSENSUS_MAX_K)
        return LUXC_EINVAL;
    for (uint32_t i = 0; i < k; i++)
        for (uint32_t j = 0; j < i; j++)
            if (sample[i] == sample[j])
                return LUXC_EDUPLICATE;
    r->k = k;
    r->answered = 0;
    memcpy(r->sampled, sample, (size_t)k * sizeof *sample);
    memset(r->has, 0, k);
    return LUXC_OK;
}

int luxc_wave_round_answer(luxc_wave_round *r, uint32_t v, uint32_t choice)
{
    if (!r)
        return LUXC_EINVAL;
    for (uint32_t i = 0; i < r->k; i++) {
        if (r->sampled[i] != v)
            continue;
        if (r->has[i])
            return LUXC_EDUPLICATE;
        r->has[i] = 1;
        r->vote[i] = choice;
        r->answered++;
        return r->answered == r->k ? 1 : LUXC_OK;
    }
    return LUXC_ENOTMEMBER;
}

int luxc_wave_round_close(const luxc_wave_round *r, luxc_wave_tally *out, uint32_t *counts,
                          uint32_t nchoices)
{
    if (!r || !out || !counts || nchoices == 0)
        return LUXC_EINVAL;
    uint32_t votes[LUXC_CONSENSUS_MAX_K];
    size_t n = 0;
    for (uint32_t i = 0; i < r->k && i < LUXC_CONSENSUS_MAX_K; i++)
        if (r->has[i])
            votes[n++] = r->vote[i];
    return luxc_wave_tally_votes(out, votes, n, counts, nchoices);
}
