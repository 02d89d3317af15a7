/* reasoning.c - the decision's reasoning text, formatted the reference's
 * way ("Decision to approve based on score 10.500. Key factors:
 * [tx_count(10.00)]") without printf on the hot path.
 * Owns: fixed-point number formatting that matches printf's "%.Nf". */
#include "model_internal.h"

#include <math.h>
#include <stdio.h>

static const double pow10_tab[4] = {1.0, 10.0, 100.0, 1000.0};

size_t luxc_ai_format_fixed(char *buf, size_t cap, double v, int dec)
{
    if (dec < 0 || dec > 3 || cap == 0)
        return 0;
    double r = fabs(v) * pow10_tab[dec];
    /* Fast path while r's rounding error (<= ulp(2^27) / 2 ~ 1e-8) cannot
     * change which way a non-tie rounds; near-ties and large or non-finite
     * values go to snprintf, which rounds the exact binary value. */
    double q = floor(r), frac = r - q;
    if (!(r < 1e8) || fabs(frac - 0.5) < 1e-6) {
        int k = snprintf(buf, cap, "%.*f", dec, v);
        return (k > 0 && (size_t)k < cap) ? (size_t)k : 0;
    }
    uint64_t u = (uint64_t)q + (frac > 0.5);
    char tmp[40];
    size_t t = 0;
    for (int d = 0; d < dec; d++) {
        tmp[t++] = (char)('0' + u % 10);
        u /= 10;
    }
    if (dec > 0)
        tmp[t++] = '.';
    do {
        tmp[t++] = (char)('0' + u % 10);
        u /= 10;
    } while (u);
    if (signbit(v))
        tmp[t++] = '-';
    if (t + 1 > cap)
        return 0;
    for (size_t i = 0; i < t; i++)
        buf[i] = tmp[t - 1 - i];
    buf[t] = '\0';
    return t;
}

/* Appends n bytes if they fit with room for the "...]" cut marker. */
static int put(char *buf, size_t cap, size_t *len, const char *s, size_t n)
{
    if (*len + n + 5 > cap)
        return -1;
    memcpy(buf + *len, s, n);
    *len += n;
    return 0;
}

size_t luxc_ai_reasoning_format(char *buf, size_t cap, int action, double score,
                                const luxc_ai_model *m, const double *influence,
                                uint32_t *key_factors)
{
    static const char p1[] = "Decision to ";
    static const char p2[] = " based on score ";
    static const char p3[] = ". Key factors: [";
    const char *an = luxc_ai_action_name(action);
    char num[400];
    size_t len = 0, k;
    uint32_t mask = 0;
    int cut = 0;
    cut |= put(buf, cap, &len, p1, sizeof p1 - 1);
    if (!cut)
        cut |= put(buf, cap, &len, an, strlen(an));
    if (!cut)
        cut |= put(buf, cap, &len, p2, sizeof p2 - 1);
    k = luxc_ai_format_fixed(num, sizeof num, score, 3);
    if (!cut)
        cut |= put(buf, cap, &len, num, k);
    if (!cut)
        cut |= put(buf, cap, &len, p3, sizeof p3 - 1);
    int first = 1;
    for (size_t f = 0; f < m->n; f++) {
        if (!(influence[f] > 0.1))
            continue;
        mask |= UINT32_C(1) << f;
        if (cut)
            continue;
        if (!first)
            cut |= put(buf, cap, &len, " ", 1);
        first = 0;
        if (!cut)
            cut |= put(buf, cap, &len, m->names[f], m->name_len[f]);
        if (!cut)
            cut |= put(buf, cap, &len, "(", 1);
        k = luxc_ai_format_fixed(num, sizeof num, influence[f], 2);
        if (!cut)
            cut |= put(buf, cap, &len, num, k);
        if (!cut)
            cut |= put(buf, cap, &len, ")", 1);
    }
    if (cut) {
        memcpy(buf + len, "...]", 5);
        len += 4;
    } else {
        buf[len++] = ']';
        buf[len] = '\0';
    }
    if (key_factors)
        *key_factors = mask;
    return len;
}
