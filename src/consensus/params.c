/* params.c - consensus parameter presets and their validation.
 * Owns: the preset table of SPEC section 4 and every rule a custom set
 * must satisfy. Pure: no allocation, no state. */
#include "luxc/consensus.h"

#include "common/errdetail.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct preset {
    const char *name;
    uint32_t k, alpha, beta, block_ms, timeout_ms;
} preset;

/* SPEC section 4 table: K, alpha (pref = conf), beta, block / timeout. */
static const preset presets[] = {
    {"default", 20, 14, 14, 100, 250}, {"mainnet", 21, 15, 15, 200, 400},
    {"testnet", 11, 8, 8, 100, 225},   {"local", 3, 2, 2, 1, 5},
    {"localbft", 4, 3, 2, 1, 5},       {"single", 1, 1, 1, 0, 0},
};

static const char *const preset_names[] = {"default", "mainnet", "testnet", "local",
                                           "localbft", "single", NULL};

const char *const *luxc_params_preset_names(void) { return preset_names; }

int luxc_params_preset(luxc_params *out, const char *name)
{
    if (!out || !name)
        return LUXC_EINVAL;
    memset(out, 0, sizeof *out);
    for (size_t i = 0; i < sizeof presets / sizeof presets[0]; i++) {
        const preset *q = &presets[i];
        if (strcmp(q->name, name))
            continue;
        out->k = q->k;
        out->alpha_pref = q->alpha;
        out->alpha_conf = q->alpha;
        out->beta = q->beta;
        out->block_time_ms = q->block_ms;
        out->round_timeout_ms = q->timeout_ms;
        out->fpc = 0;
        out->theta_min = 0.5;
        out->theta_max = 0.8;
        return LUXC_OK;
    }
    return LUXC_ENOTFOUND;
}


int luxc_params_validate(const luxc_params *p, char *msg, size_t msglen)
{
    if (msg && msglen)
        msg[0] = '\0';
    if (!p)
        return LUXC_EINVAL;
    uint64_t k = p->k, ap = p->alpha_pref, ac = p->alpha_conf;
    if (k < 1 || k > LUXC_CONSENSUS_MAX_K)
        return luxc_errf(msg, msglen, LUXC_EPARAM, "rule 1 <= K <= %u violated: K=%u",
                         LUXC_CONSENSUS_MAX_K, p->k);
    if (p->beta < 1)
        return luxc_errf(msg, msglen, LUXC_EPARAM, "rule beta >= 1 violated: beta=%u", p->beta);
    if (2 * ap <= k)
        return luxc_errf(msg, msglen, LUXC_EPARAM,
                         "rule K/2 < alpha_pref violated: K=%u alpha_pref=%u", p->k, p->alpha_pref);
    if (ap > ac)
        return luxc_errf(msg, msglen, LUXC_EPARAM,
                         "rule alpha_pref <= alpha_conf violated: alpha_pref=%u alpha_conf=%u",
                         p->alpha_pref, p->alpha_conf);
    if (ac > k)
        return luxc_errf(msg, msglen, LUXC_EPARAM,
                         "rule alpha_conf <= K violated: alpha_conf=%u K=%u", p->alpha_conf, p->k);
    /* alpha/K >= 0.66 in integers: 100*alpha >= 66*K. */
    if (100 * ap < 66 * k)
        return luxc_errf(msg, msglen, LUXC_EPARAM,
                         "rule alpha/K in [0.66, 1] violated: alpha_pref=%u K=%u (ratio %.4f)",
                         p->alpha_pref, p->k, (double)ap / (double)k);
    uint64_t f = (k - 1) / 3;
    if (2 * ap < k + f + 1)
        return luxc_errf(msg, msglen, LUXC_EPARAM,
                         "rule BFT floor 2*alpha_pref - K >= f+1 violated: alpha_pref=%u K=%u "
                         "f=floor((K-1)/3)=%llu (2*alpha_pref-K=%lld)",
                         p->alpha_pref, p->k, (unsigned long long)f,
                         (long long)(2 * ap) - (long long)k);
    if (p->fpc) {
        if (!isfinite(p->theta_min) || !isfinite(p->theta_max))
            return luxc_errf(msg, msglen, LUXC_EPARAM,
                             "rule FPC theta finite violated: theta_min=%g theta_max=%g",
                             p->theta_min, p->theta_max);
        if (p->theta_min < 0.5 || p->theta_max > 0.8 || p->theta_min > p->theta_max)
            return luxc_errf(msg, msglen, LUXC_EPARAM,
                             "rule FPC 0.5 <= theta_min <= theta_max <= 0.8 violated: "
                             "theta_min=%g theta_max=%g",
                             p->theta_min, p->theta_max);
    }
    return LUXC_OK;
}
