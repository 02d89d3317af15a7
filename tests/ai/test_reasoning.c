/* test_reasoning.c - src/ai/reasoning.c directly: luxc_ai_format_fixed
 * against snprintf("%.*f") for dec 0..3 over seeded random doubles (every
 * bit pattern, small and large magnitudes, the fast path's 1e8 edge,
 * near-ties, exact binary ties, -0.0, NaN, +-inf), its "does not fit"
 * and bad-dec answers (exact fit, one byte short, no write past cap),
 * and luxc_ai_reasoning_format's text: the reference shape, factor
 * selection (influence > 0.1, schema order, key_factors), and the cut
 * with "...]" at every cap from the smallest it accepts, against a
 * snprintf model and with guard bytes after cap. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <float.h>
#include <limits.h>
#include <stdio.h>

#include <cmocka.h>

#include "ai/model_internal.h"
#include "luxc/ai_model.h"
#include "testutil.h"

enum { BIG = 1024, GUARD = 0xA5 };

static double bits_double(uint64_t u)
{
    double d;
    memcpy(&d, &u, sizeof d);
    return d;
}

static const double pow10d[4] = {1.0, 10.0, 100.0, 1000.0};

/* One random input of the kinds the fast path and its snprintf fallback
 * must both get right. */
static double random_value(uint64_t *st, int dec)
{
    uint64_t r = luxc_test_rand(st), s = luxc_test_rand(st);
    double sign = (s & 1) ? -1.0 : 1.0;
    double unit = (double)(r >> 11) / 9007199254740992.0; /* [0, 1) */
    switch ((s >> 1) % 9) {
    case 0: /* any bit pattern: NaN, inf, subnormal, huge */
        return bits_double(r);
    case 1: /* 1e-6 .. 1e12, over the 1e8 fast-path limit */
        return sign * unit * pow(10.0, (double)((s >> 8) % 19) - 6.0);
    case 2: { /* near-tie n.5 / 10^dec, a few ulps either way */
        double n = floor(unit * pow(10.0, (double)((s >> 8) % 10)));
        double v = (n + 0.5) / pow10d[dec];
        for (int k = (int)((s >> 16) % 7) - 3; k != 0; k += k < 0 ? 1 : -1)
            v = nextafter(v, k < 0 ? 0.0 : INFINITY);
        return sign * v;
    }
    case 3: /* exact binary values: x.5, x.25, x.125, x.0625, ... */
        return sign * (double)(int64_t)(r % 2000000) / (double)(UINT64_C(1) << ((s >> 8) % 7));
    case 4: { /* |v| * 10^dec next to the fast path's 1e8 limit */
        double d = (double)(int64_t)((s >> 8) % 64) / 8.0 - 4.0;
        return sign * (1e8 + d) / pow10d[dec];
    }
    case 5: /* integers, small and large */
        return sign * (double)(r % ((s >> 8) % 2 ? 1000u : 10000000000000ull));
    case 6: { /* next to a multiple of 10^-dec */
        double v = floor(unit * 1e6) / pow10d[dec];
        return sign * ((s >> 8) & 1 ? nextafter(v, INFINITY) : nextafter(v, 0.0));
    }
    case 7: /* tiny: rounds to (-)0 */
        return sign * unit * 1e-3;
    default: /* the decimal ties people write (1.005 for dec 2): the
              * double nearest n5 / 10^(dec + 1), a hair off the tie */
        return sign * (double)((r % 10000000) * 10 + 5) / (pow10d[dec] * 10.0);
    }
}

/* format_fixed(v, dec) == snprintf("%.*f"), with the exact-fit and
 * one-short caps, and no byte written at or after cap. */
static void check_fixed(uint64_t seed, double v, int dec)
{
    char want[BIG], got[BIG];
    int n = snprintf(want, sizeof want, "%.*f", dec, v);
    assert_true(n > 0 && n < BIG - 1);
    memset(got, GUARD, sizeof got);
    size_t k = luxc_ai_format_fixed(got, sizeof got, v, dec);
    if (k != (size_t)n || strcmp(got, want) != 0)
        LUXC_TEST_FAIL_SEED(seed, "format_fixed(%a, %d) = '%s' (%zu), snprintf '%s' (%d)", v,
                            dec, k ? got : "", k, want, n);
    /* Exactly fits (text + NUL). */
    memset(got, GUARD, sizeof got);
    k = luxc_ai_format_fixed(got, (size_t)n + 1, v, dec);
    if (k != (size_t)n || strcmp(got, want) != 0 || (unsigned char)got[n + 1] != GUARD)
        LUXC_TEST_FAIL_SEED(seed, "format_fixed(%a, %d) at cap %d: %zu", v, dec, n + 1, k);
    /* One byte short: 0, nothing written at or after cap. */
    memset(got, GUARD, sizeof got);
    k = luxc_ai_format_fixed(got, (size_t)n, v, dec);
    if (k != 0 || (unsigned char)got[n] != GUARD || (unsigned char)got[n + 1] != GUARD)
        LUXC_TEST_FAIL_SEED(seed, "format_fixed(%a, %d) at cap %d: %zu", v, dec, n, k);
}

static void test_fixed_matches_snprintf_fixed_cases(void **state)
{
    (void)state;
    const double cases[] = {
        0.0, -0.0, NAN, -NAN, INFINITY, -INFINITY, DBL_MAX, -DBL_MAX, DBL_MIN,
        4.9406564584124654e-324, -4.9406564584124654e-324, 0.5, 1.5, 2.5, -2.5, 0.125,
        0.375, -0.625, 0.0625, 1.005, 2.675, 1.0005, 9.9995, 99999.9995, 0.045, 0.0005,
        -0.0005, -0.004, -0.0049999, 10.5, 60.1, 0.2948, 5e14, 99999999.5, 99999999.49,
        1e8, -1e8, 1e8 - 0.5, 9999999.95, 999999.995, 99999.9999, 1e15 + 0.5, 1e22,
        4503599627370495.5, 9007199254740993.0, 0.1, 0.7, 1e-300, -1e-300, 123456.785,
        0.015, 0.025, 0.035, 1.115, 1.125, 1.135};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        for (int dec = 0; dec <= 3; dec++)
            check_fixed(0, cases[i], dec);
}

static void test_fixed_matches_snprintf_random(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int i = 0; i < 100000; i++) {
        int dec = (int)(luxc_test_rand(&st) % 4);
        check_fixed(seed, random_value(&st, dec), dec);
        /* The same value at the other decimals too. */
        if (i % 16 == 0) {
            double v = random_value(&st, dec);
            for (int d = 0; d <= 3; d++)
                check_fixed(seed, v, d);
        }
    }
}

/* 0 without writing anything for a bad dec or cap 0. */
static void test_fixed_bad_arguments(void **state)
{
    (void)state;
    char buf[64];
    const int bad[] = {-1, 4, 5, 100, INT_MIN, INT_MAX};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        memset(buf, GUARD, sizeof buf);
        assert_int_equal(luxc_ai_format_fixed(buf, sizeof buf, 1.25, bad[i]), 0);
        for (size_t j = 0; j < sizeof buf; j++)
            assert_int_equal((unsigned char)buf[j], GUARD);
    }
    const double vals[] = {1.25, 1e20, NAN, 0.125};
    for (size_t i = 0; i < sizeof vals / sizeof vals[0]; i++) {
        memset(buf, GUARD, sizeof buf);
        assert_int_equal(luxc_ai_format_fixed(buf, 0, vals[i], 2), 0);
        assert_int_equal((unsigned char)buf[0], GUARD);
    }
    /* cap 1 holds only the NUL: no number fits. */
    assert_int_equal(luxc_ai_format_fixed(buf, 1, 0.0, 0), 0);
    assert_int_equal(luxc_ai_format_fixed(buf, 2, 7.0, 0), 1);
    assert_string_equal(buf, "7");
    assert_int_equal(luxc_ai_format_fixed(buf, 6, -0.0, 3), 0);
    assert_int_equal(luxc_ai_format_fixed(buf, 7, -0.0, 3), 6);
    assert_string_equal(buf, "-0.000");
}

/* ---- the reasoning text ------------------------------------------------- */

static void set_schema(luxc_ai_model *m, size_t n, const char *const *names)
{
    memset(m, 0, sizeof *m);
    m->n = n;
    for (size_t f = 0; f < n; f++) {
        size_t l = strlen(names[f]);
        assert_true(l >= 1 && l <= LUXC_AI_FEATURE_NAME_MAX);
        m->name_len[f] = (uint8_t)l;
        memcpy(m->names[f], names[f], l);
    }
}

/* The model of what luxc_ai_reasoning_format writes into cap bytes, from
 * snprintf: the header (the caller's cap must hold it plus 5), then each
 * factor with influence > 0.1 in schema order while its text (with the
 * separating space) fits in the room before the last 5 bytes, which stay
 * free for "...]" and the NUL. The fit check counts a separator and four
 * digits for every factor, so the first one needs room for
 * max(its text, name + 7). After the first that does not fit none is
 * written (the list ends "...]"); key_factors still names them all. */
static size_t model_text(char *out, size_t cap, int action, double score,
                         const luxc_ai_model *m, const double *infl, uint32_t *mask)
{
    int len = snprintf(out, BIG, "Decision to %s based on score %.3f. Key factors: [",
                       action == LUXC_AI_APPROVE ? "approve" : "reject", score);
    assert_true(len > 0 && (size_t)len + 5 <= cap);
    size_t room = cap - 5, n = (size_t)len;
    int cut = 0, first = 1;
    *mask = 0;
    for (size_t f = 0; f < m->n; f++) {
        if (!(infl[f] > 0.1))
            continue;
        *mask |= UINT32_C(1) << f;
        if (cut)
            continue;
        char piece[BIG];
        int pl = snprintf(piece, sizeof piece, "%s%.*s(%.2f)", first ? "" : " ",
                          (int)m->name_len[f], m->names[f], infl[f]);
        size_t need = (size_t)pl > m->name_len[f] + 7u ? (size_t)pl : m->name_len[f] + 7u;
        if (n + need > room) {
            cut = 1;
            continue;
        }
        memcpy(out + n, piece, (size_t)pl + 1);
        n += (size_t)pl;
        first = 0;
    }
    memcpy(out + n, cut ? "...]" : "]", cut ? 5 : 2);
    return n + (cut ? 4 : 1);
}

/* Formats into cap bytes of a guarded buffer; checks the length, the
 * guard and the model; returns the text in `got`. */
static void check_text(uint64_t seed, char *got, size_t cap, int action, double score,
                       const luxc_ai_model *m, const double *infl)
{
    char want[BIG];
    uint32_t want_mask, mask = 0xdeadbeef;
    size_t wl = model_text(want, cap, action, score, m, infl, &want_mask);
    memset(got, GUARD, BIG);
    size_t k = luxc_ai_reasoning_format(got, cap, action, score, m, infl, &mask);
    for (size_t i = cap; i < BIG; i++)
        if ((unsigned char)got[i] != GUARD)
            LUXC_TEST_FAIL_SEED(seed, "cap %zu: byte %zu written", cap, i);
    if (k >= cap || memchr(got, '\0', cap) == NULL || strlen(got) != k)
        LUXC_TEST_FAIL_SEED(seed, "cap %zu: length %zu", cap, k);
    if (k != wl || strcmp(got, want) != 0 || mask != want_mask)
        LUXC_TEST_FAIL_SEED(seed, "cap %zu:\n got  '%s' (%zu, mask %x)\n want '%s' (%zu, mask %x)",
                            cap, got, k, mask, want, wl, want_mask);
    /* key_factors may be NULL. */
    char again[BIG];
    assert_int_equal(luxc_ai_reasoning_format(again, cap, action, score, m, infl, NULL), k);
    assert_string_equal(again, got);
}

/* The shape in reasoning.c's top comment and the cut, byte for byte. */
static void test_reasoning_reference_shape(void **state)
{
    (void)state;
    static const char *const names[4] = {"height", "tx_count", "size", "gas_used"};
    luxc_ai_model m;
    set_schema(&m, 4, names);
    char buf[BIG];
    uint32_t mask;
    double infl[4] = {0, 10.0, 0, 0};
    assert_int_equal(luxc_ai_reasoning_format(buf, LUXC_AI_REASONINGBYTES, LUXC_AI_APPROVE,
                                              10.5, &m, infl, &mask),
                     73);
    assert_string_equal(buf,
                        "Decision to approve based on score 10.500. Key factors: [tx_count(10.00)]");
    assert_int_equal(mask, 1u << 1);

    /* Schema order, a space between factors; 0.1 itself and NaN are not
     * listed. */
    double two[4] = {50.0, 10.0, 0.1, NAN};
    size_t len = luxc_ai_reasoning_format(buf, LUXC_AI_REASONINGBYTES, LUXC_AI_REJECT, -60.1,
                                          &m, two, &mask);
    assert_int_equal(len, strlen(buf));
    assert_string_equal(
        buf,
        "Decision to reject based on score -60.100. Key factors: [height(50.00) tx_count(10.00)]");
    assert_int_equal(mask, 3u);

    double none[4] = {0.1, 0.0, -5.0, 0.05};
    luxc_ai_reasoning_format(buf, LUXC_AI_REASONINGBYTES, LUXC_AI_APPROVE, 0.0, &m, none, &mask);
    assert_string_equal(buf, "Decision to approve based on score 0.000. Key factors: []");
    assert_int_equal(mask, 0);
    /* Ties round as printf rounds the binary value. */
    double tie[4] = {0.125, 0.375, 2.675, 1e300};
    luxc_ai_reasoning_format(buf, LUXC_AI_REASONINGBYTES, LUXC_AI_REJECT, -0.0005, &m, tie, &mask);
    char want[BIG];
    snprintf(want, sizeof want,
             "Decision to reject based on score %.3f. Key factors: [height(%.2f) tx_count(%.2f) "
             "size(%.2f) gas_used(%.2f)]",
             -0.0005, 0.125, 0.375, 2.675, 1e300);
    assert_string_equal(buf, want);
    assert_int_equal(mask, 15u);

    /* The header is 57 bytes; 62 is the smallest cap (header + "...]" +
     * NUL). The one factor fits from cap 77 ("]" + NUL in the 5 bytes
     * kept free); below that it is dropped. */
    for (size_t cap = 62; cap <= 80; cap++) {
        memset(buf, GUARD, sizeof buf);
        size_t k = luxc_ai_reasoning_format(buf, cap, LUXC_AI_APPROVE, 10.5, &m, infl, &mask);
        assert_int_equal((unsigned char)buf[cap], GUARD);
        assert_int_equal(mask, 1u << 1);
        if (cap >= 77) {
            assert_int_equal(k, 73);
            assert_string_equal(
                buf, "Decision to approve based on score 10.500. Key factors: [tx_count(10.00)]");
        } else {
            assert_int_equal(k, 61);
            assert_string_equal(buf,
                                "Decision to approve based on score 10.500. Key factors: [...]");
        }
    }
    /* Two factors: the second is dropped, the first kept. */
    size_t k = luxc_ai_reasoning_format(buf, 85, LUXC_AI_REJECT, -60.1, &m, two, &mask);
    assert_string_equal(buf, "Decision to reject based on score -60.100. Key factors: [height(50.00)...]");
    assert_int_equal(k, strlen(buf));
    assert_int_equal(mask, 3u);
}

/* Random schemas, influences and scores at random caps, against the model. */
static void test_reasoning_random_against_model(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    static const char alpha[] = "abcdefghijklmnopqrstuvwxyz_0123456789";
    char namebuf[LUXC_AI_MAX_FEATURES][LUXC_AI_FEATURE_NAME_MAX + 1];
    const char *names[LUXC_AI_MAX_FEATURES];
    static char got[BIG];
    luxc_ai_model m;
    for (int it = 0; it < 3000; it++) {
        size_t n = 1 + luxc_test_rand(&st) % LUXC_AI_MAX_FEATURES;
        for (size_t f = 0; f < n; f++) {
            size_t l = 1 + luxc_test_rand(&st) % LUXC_AI_FEATURE_NAME_MAX;
            for (size_t i = 0; i < l; i++)
                namebuf[f][i] = alpha[luxc_test_rand(&st) % (sizeof alpha - 1)];
            namebuf[f][l] = '\0';
            names[f] = namebuf[f];
        }
        set_schema(&m, n, names);
        double infl[LUXC_AI_MAX_FEATURES];
        for (size_t f = 0; f < n; f++) {
            uint64_t r = luxc_test_rand(&st);
            switch (r % 8) {
            case 0: infl[f] = 0.0; break;
            case 1: infl[f] = 0.1; break;
            case 2: infl[f] = nextafter(0.1, 1.0); break;
            case 3: infl[f] = (double)(r >> 40) / 1000.0 + 0.005; break; /* x.xx5 */
            case 4: infl[f] = pow(10.0, (double)((r >> 8) % 40)) * (double)(r >> 44) / 1e6; break;
            case 5: infl[f] = (r >> 8) % 16 == 0 ? INFINITY : NAN; break;
            default: infl[f] = (double)(r >> 11) / 9007199254740992.0 * 100.0; break;
            }
        }
        int action = luxc_test_rand(&st) % 2 ? LUXC_AI_APPROVE : LUXC_AI_REJECT;
        uint64_t r = luxc_test_rand(&st);
        double score = (double)(int64_t)(r >> 1) / 9.2233720368547758e18 *
                       pow(10.0, (double)(luxc_test_rand(&st) % 13) - 3.0);
        if (r % 50 == 0)
            score = (r >> 8) % 2 ? 1e300 : -DBL_MAX; /* the longest headers */
        char hdr[BIG];
        int hl = snprintf(hdr, sizeof hdr, "Decision to %s based on score %.3f. Key factors: [",
                          action == LUXC_AI_APPROVE ? "approve" : "reject", score);
        /* Every cap from the smallest for a few; a random one for the rest. */
        size_t lo = (size_t)hl + 5, hi = BIG - 1;
        if (it % 50 == 0) {
            for (size_t cap = lo; cap <= lo + 600 && cap <= hi; cap++)
                check_text(seed, got, cap, action, score, &m, infl);
        } else {
            size_t cap = lo + luxc_test_rand(&st) % (hi - lo + 1);
            if (it % 3 == 0)
                cap = LUXC_AI_REASONINGBYTES > lo ? LUXC_AI_REASONINGBYTES : lo;
            check_text(seed, got, cap, action, score, &m, infl);
        }
    }
}

/* The longest text luxc_ai_model_decide can ask for: 16 names of 31 bytes,
 * huge influences and a score with 300 digits, in LUXC_AI_REASONINGBYTES. */
static void test_reasoning_worst_case_fits(void **state)
{
    (void)state;
    char namebuf[LUXC_AI_MAX_FEATURES][LUXC_AI_FEATURE_NAME_MAX + 1];
    const char *names[LUXC_AI_MAX_FEATURES];
    double infl[LUXC_AI_MAX_FEATURES];
    for (size_t f = 0; f < LUXC_AI_MAX_FEATURES; f++) {
        memset(namebuf[f], 'a' + (int)f, LUXC_AI_FEATURE_NAME_MAX);
        namebuf[f][LUXC_AI_FEATURE_NAME_MAX] = '\0';
        names[f] = namebuf[f];
        infl[f] = DBL_MAX;
    }
    luxc_ai_model m;
    set_schema(&m, LUXC_AI_MAX_FEATURES, names);
    static char got[BIG];
    check_text(0, got, LUXC_AI_REASONINGBYTES, LUXC_AI_REJECT, -DBL_MAX, &m, infl);
    assert_string_equal(got + strlen(got) - 5, "[...]"); /* no factor fits after that score */
    for (size_t f = 0; f < LUXC_AI_MAX_FEATURES; f++)
        infl[f] = 99.995;
    check_text(0, got, LUXC_AI_REASONINGBYTES, LUXC_AI_APPROVE, 1e20, &m, infl);
    assert_string_equal(got + strlen(got) - 4, "...]");
}

/* Every cap below the smallest full text, in a heap buffer of exactly
 * cap bytes (the sanitizer builds catch a byte past it): below
 * LUXC_AI_REASONING_MINBYTES "" and 0, from there on the fixed text with
 * whatever score and factors fit, never a byte past cap. (The first
 * version wrote its 35-byte header into any cap.) */
static void test_reasoning_small_caps_stay_inside(void **state)
{
    (void)state;
    static const char *const names[4] = {"height", "tx_count", "size", "gas_used"};
    luxc_ai_model m;
    set_schema(&m, 4, names);
    double infl[4] = {50.0, 10.0, 0, 0};
    for (size_t cap = 0; cap < 90; cap++) {
        for (int action = 0; action < 2; action++) {
            char *buf = malloc(cap ? cap : 1);
            assert_non_null(buf);
            uint32_t mask = 99;
            size_t k = luxc_ai_reasoning_format(
                buf, cap, action ? LUXC_AI_APPROVE : LUXC_AI_REJECT, -123.456, &m, infl, &mask);
            if (cap < LUXC_AI_REASONING_MINBYTES) {
                assert_int_equal(k, 0);
                assert_int_equal(mask, 0);
                if (cap)
                    assert_int_equal(buf[0], '\0');
            } else {
                assert_true(k < cap);
                assert_int_equal(strlen(buf), k);
                assert_non_null(strstr(buf, ". Key factors: ["));
                assert_int_equal(buf[k - 1], ']');
            }
            free(buf);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fixed_matches_snprintf_fixed_cases),
        cmocka_unit_test(test_fixed_matches_snprintf_random),
        cmocka_unit_test(test_fixed_bad_arguments),
        cmocka_unit_test(test_reasoning_reference_shape),
        cmocka_unit_test(test_reasoning_random_against_model),
        cmocka_unit_test(test_reasoning_small_caps_stay_inside),
        cmocka_unit_test(test_reasoning_worst_case_fits),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
