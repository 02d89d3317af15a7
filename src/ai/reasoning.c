/* reasoning.c - the decision's reasoning text, formatted the reference's
 * way ("Decision to approve based on score 10.500. Key factors:
 * [tx_count(10.00)]") without printf on the hot path.
 * Owns: fixed-point number formatting that matches printf's "%.Nf". */
#include "model_internal.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

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

/* Writes the text into buf (always LUXC_AI_REASONINGBYTES from
 * decide_at; the header then always fits: at most 35 + 310 + 16 bytes).
 * Factors that do not fit are dropped and the list ends with "...]". */
size_t luxc_ai_reasoning_format(char *buf, size_t cap, int action, double score,
                                const luxc_ai_model *m, const double *influence,
                                uint32_t *key_factors)
{
    static const char ha[] = "Decision to approve based on score ";
    static const char hr[] = "Decision to reject based on score ";
    static const char kf[] = ". Key factors: [";
    uint32_t mask = 0;
    int cut = 0;
    /* The fixed text always fits: the longer header, ". Key factors: ["
     * and "...]" with its NUL. Below that nothing is written but "". */
    if (cap < LUXC_AI_REASONING_MINBYTES) {
        if (cap)
            buf[0] = '\0';
        if (key_factors)
            *key_factors = 0;
        return 0;
    }
    char *p = buf, *end = buf + cap - 5; /* room for "...]" + NUL */
    if (action == LUXC_AI_APPROVE) {
        memcpy(p, ha, sizeof ha - 1);
        p += sizeof ha - 1;
    } else {
        memcpy(p, hr, sizeof hr - 1);
        p += sizeof hr - 1;
    }
    /* the score's NUL may stand where ". Key factors: [" begins */
    p += luxc_ai_format_fixed(p, (size_t)(end - p) - (sizeof kf - 1) + 1, score, 3);
    memcpy(p, kf, sizeof kf - 1);
    p += sizeof kf - 1;
    for (size_t f = 0; f < m->n; f++) {
        if (!(influence[f] > 0.1))
            continue;
        mask |= UINT32_C(1) << f;
        if (cut)
            continue;
        char *start = p;
        size_t nl = m->name_len[f];
        /* separator + name + "(" + at least "0.00" + ")" */
        if ((size_t)(end - p) < 1 + nl + 1 + 4 + 1) {
            cut = 1;
            continue;
        }
        if (mask != (UINT32_C(1) << f))
            *p++ = ' ';
        if ((size_t)(buf + cap - p) >= sizeof m->names[f])
            memcpy(p, m->names[f], sizeof m->names[f]); /* fixed size: inlined */
        else
            memcpy(p, m->names[f], nl);
        p += nl;
        *p++ = '(';
        size_t k = luxc_ai_format_fixed(p, (size_t)(end - p), influence[f], 2);
        if (k == 0 || (size_t)(end - p) < k + 1) {
            p = start;
            cut = 1;
            continue;
        }
        p += k;
        *p++ = ')';
    }
    if (cut) {
        memcpy(p, "...]", 5);
        p += 4;
    } else {
        *p++ = ']';
        *p = '\0';
    }
    if (key_factors)
        *key_factors = mask;
    return (size_t)(p - buf);
}
