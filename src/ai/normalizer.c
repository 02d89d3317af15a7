/* normalizer.c - running mean and variance of features (Welford's method),
 * used to standardise features before the model sees them.
 * Owns: luxc_ai_normalizer. Pure: no allocation, no locks. */
#include "luxc/ai_model.h"

#include <math.h>
#include <string.h>

int luxc_ai_normalizer_init(luxc_ai_normalizer *nz, size_t n)
{
    if (nz == NULL || n == 0 || n > LUXC_AI_MAX_FEATURES)
        return LUXC_EINVAL;
    memset(nz, 0, sizeof *nz);
    nz->n = n;
    return LUXC_OK;
}

int luxc_ai_normalizer_update(luxc_ai_normalizer *nz, const double *x)
{
    if (nz == NULL || x == NULL || nz->n == 0 || nz->n > LUXC_AI_MAX_FEATURES)
        return LUXC_EINVAL;
    for (size_t i = 0; i < nz->n; i++)
        if (!isfinite(x[i]))
            return LUXC_ERANGE;
    nz->count++;
    double c = (double)nz->count;
    for (size_t i = 0; i < nz->n; i++) {
        double d = x[i] - nz->mean[i];
        nz->mean[i] += d / c;
        nz->m2[i] += d * (x[i] - nz->mean[i]);
    }
    return LUXC_OK;
}

double luxc_ai_normalizer_variance(const luxc_ai_normalizer *nz, size_t i)
{
    if (nz == NULL || i >= nz->n || nz->count < 2)
        return 0.0;
    return nz->m2[i] / (double)(nz->count - 1);
}

int luxc_ai_normalizer_apply(const luxc_ai_normalizer *nz, double *z, const double *x)
{
    if (nz == NULL || z == NULL || x == NULL || nz->n == 0 || nz->n > LUXC_AI_MAX_FEATURES)
        return LUXC_EINVAL;
    for (size_t i = 0; i < nz->n; i++) {
        double sd = sqrt(luxc_ai_normalizer_variance(nz, i));
        double d = x[i] - nz->mean[i];
        z[i] = sd > 1e-12 ? d / sd : d;
    }
    return LUXC_OK;
}
