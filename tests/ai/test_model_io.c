/* test_model_io.c - the model file format: encode/decode (round trip,
 * known bytes, small buffers, what each refuses), model save/load (round
 * trip, every truncation, flipped bytes, crafted bad fields with valid
 * checksums, schema mismatch, files, and random garbage). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>
#include <stdio.h>
#include <unistd.h>

#include <cmocka.h>

#include "luxc/ai_model.h"
#include "testutil.h"

static luxc_ai_model *new_model(const luxc_ai_extractor *ex)
{
    luxc_ai_model_cfg cfg = {.node_id = "node-1", .extractor = ex, .learning_rate = 0.03};
    luxc_ai_model *m = NULL;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    return m;
}

static size_t save(const luxc_ai_model *m, uint8_t *buf, size_t cap)
{
    size_t len = 0;
    assert_int_equal(luxc_ai_model_save(m, buf, cap, &len), LUXC_OK);
    assert_int_equal(len, luxc_ai_model_saved_size(m));
    return len;
}

static uint64_t fnv(const uint8_t *p, size_t n)
{
    uint64_t h = 0xcbf29ce484222325ull;
    for (size_t i = 0; i < n; i++) {
        h ^= p[i];
        h *= 0x100000001b3ull;
    }
    return h;
}

/* Rewrites the trailing checksum after a deliberate edit. */
static void reseal(uint8_t *buf, size_t len)
{
    uint64_t h = fnv(buf, len - 8);
    for (int i = 0; i < 8; i++)
        buf[len - 8 + (size_t)i] = (uint8_t)(h >> (56 - 8 * i));
}

static void put_f64(uint8_t *p, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    for (int i = 0; i < 8; i++)
        p[i] = (uint8_t)(u >> (56 - 8 * i));
}

static luxc_ai_model *trained(void)
{
    luxc_ai_model *m = new_model(&luxc_ai_extractor_block_basic);
    double w[4] = {0.125, -3.5e-7, 1e300, -0.0};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, -42.25), LUXC_OK);
    return m;
}

static void test_round_trip(void **state)
{
    (void)state;
    luxc_ai_model *a = trained(), *b = new_model(&luxc_ai_extractor_block_basic);
    uint8_t buf[512];
    size_t len = save(a, buf, sizeof buf);
    /* magic, version 1, n 4, 8 + 8, 4 names, checksum */
    assert_int_equal(len, 8 + 4 + 4 + 16 + (1 + 6 + 8) + (1 + 8 + 8) + (1 + 4 + 8) +
                              (1 + 8 + 8) + 8);
    assert_memory_equal(buf, "LUXCAIMD\0\0\0\1\0\0\0\4", 16);
    assert_int_equal(luxc_ai_model_load(b, buf, len), LUXC_OK);
    double wa[4], wb[4], ba, bb;
    assert_int_equal(luxc_ai_model_get_weights(a, wa, 4, &ba), LUXC_OK);
    assert_int_equal(luxc_ai_model_get_weights(b, wb, 4, &bb), LUXC_OK);
    assert_memory_equal(wa, wb, sizeof wa);
    assert_true(ba == bb);
    assert_true(luxc_ai_model_learning_rate(b) == 0.03);
    /* Save again: identical bytes. */
    uint8_t buf2[512];
    assert_int_equal(save(b, buf2, sizeof buf2), len);
    assert_memory_equal(buf, buf2, len);
    /* Too small a buffer. */
    size_t need = 0;
    assert_int_equal(luxc_ai_model_save(a, buf2, len - 1, &need), LUXC_EFULL);
    assert_int_equal(need, len);
    assert_int_equal(luxc_ai_model_save(a, NULL, 0, &need), LUXC_EFULL);
    assert_int_equal(luxc_ai_model_save(a, NULL, 5, &need), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_save(a, buf2, len, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_save(NULL, buf2, len, &need), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_saved_size(NULL), 0);
    assert_int_equal(luxc_ai_model_load(NULL, buf, len), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_load(b, NULL, len), LUXC_EINVAL);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

/* A failed load leaves the model exactly as it was. */
static void assert_unchanged(const luxc_ai_model *m)
{
    double w[4], b;
    assert_int_equal(luxc_ai_model_get_weights(m, w, 4, &b), LUXC_OK);
    for (int i = 0; i < 4; i++)
        assert_true(w[i] == 7.0);
    assert_true(b == 7.0);
}

static luxc_ai_model *sevens(void)
{
    luxc_ai_model *m = new_model(&luxc_ai_extractor_block_basic);
    double w[4] = {7, 7, 7, 7};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 4, 7), LUXC_OK);
    return m;
}

static void test_every_truncation(void **state)
{
    (void)state;
    luxc_ai_model *a = trained(), *b = sevens();
    uint8_t buf[512];
    size_t len = save(a, buf, sizeof buf);
    for (size_t cut = 0; cut < len; cut++) {
        uint8_t *copy = malloc(cut ? cut : 1); /* exact size: ASan sees overreads */
        assert_non_null(copy);
        memcpy(copy, buf, cut);
        int rc = luxc_ai_model_load(b, copy, cut);
        if (rc != LUXC_ETRUNC && rc != LUXC_ECORRUPT)
            fail_msg("truncated to %zu: rc %d", cut, rc);
        assert_unchanged(b);
        free(copy);
    }
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

static void test_flipped_bytes(void **state)
{
    (void)state;
    luxc_ai_model *a = trained(), *b = sevens();
    uint8_t buf[512];
    size_t len = save(a, buf, sizeof buf);
    static const uint8_t masks[] = {0x01, 0x80, 0xff, 0x10};
    for (size_t i = 0; i < len; i++) {
        for (size_t k = 0; k < sizeof masks; k++) {
            uint8_t *copy = malloc(len);
            assert_non_null(copy);
            memcpy(copy, buf, len);
            copy[i] ^= masks[k];
            int rc = luxc_ai_model_load(b, copy, len);
            if (rc == LUXC_OK)
                fail_msg("byte %zu ^ 0x%02x loaded", i, masks[k]);
            assert_unchanged(b);
            free(copy);
        }
    }
    /* A trailing byte. */
    uint8_t big[513];
    memcpy(big, buf, len);
    big[len] = 0;
    assert_int_equal(luxc_ai_model_load(b, big, len + 1), LUXC_ETRAILING);
    assert_unchanged(b);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

/* Field checks behind a valid checksum. */
static void test_crafted_fields(void **state)
{
    (void)state;
    luxc_ai_model *a = trained(), *b = sevens();
    uint8_t buf[512], c[512];
    size_t len = save(a, buf, sizeof buf);

    memcpy(c, buf, len);
    c[11] = 2; /* version 2 */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_EVERSION);
    memcpy(c, buf, len);
    c[0] = 'X'; /* magic */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[15] = 0; /* n = 0 */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[15] = 17; /* n = 17 */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    put_f64(c + 16, NAN); /* learning rate */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    put_f64(c + 16, -1.0);
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    put_f64(c + 24, INFINITY); /* bias */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    put_f64(c + 32 + 1 + 6, NAN); /* weight of "height" */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[32] = 0; /* name length 0 */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[32] = 32; /* name length 32 > 31 */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[32] = 200; /* name length past the end */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    c[33 + 2] = '\0'; /* "he\0ght" */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_ECORRUPT);
    memcpy(c, buf, len);
    memcpy(c + 33, "heighX", 6); /* unknown name */
    reseal(c, len);
    assert_int_equal(luxc_ai_model_load(b, c, len), LUXC_EPARAM);
    /* Duplicate: rename "size" (4 bytes) to "size" twice via gas_used? Build
     * a file whose 4th entry is "size" again. */
    size_t off4 = 32 + (1 + 6 + 8) + (1 + 8 + 8) + (1 + 4 + 8);
    uint8_t d[512];
    memcpy(d, buf, off4);
    d[off4] = 4;
    memcpy(d + off4 + 1, "size", 4);
    put_f64(d + off4 + 5, 1.0);
    size_t dlen = off4 + 13 + 8;
    reseal(d, dlen);
    assert_int_equal(luxc_ai_model_load(b, d, dlen), LUXC_ECORRUPT);
    assert_unchanged(b);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

static void test_schema_subset(void **state)
{
    (void)state;
    /* A file with fewer features than the model: the rest get weight 0. */
    static const char *const two[] = {"tx_count", "height"};
    luxc_ai_extractor ex2 = {2, two, luxc_ai_extractor_block_basic.extract, 1};
    luxc_ai_model *a = new_model(&ex2), *b = sevens();
    double w[2] = {1.5, 2.5};
    assert_int_equal(luxc_ai_model_set_weights(a, w, 2, 0.5), LUXC_OK);
    uint8_t buf[256];
    size_t len = save(a, buf, sizeof buf);
    assert_int_equal(luxc_ai_model_load(b, buf, len), LUXC_OK);
    double wb[4], bb;
    assert_int_equal(luxc_ai_model_get_weights(b, wb, 4, &bb), LUXC_OK);
    assert_true(wb[0] == 2.5 && wb[1] == 1.5 && wb[2] == 0 && wb[3] == 0 && bb == 0.5);
    /* The other way: the model lacks "size"/"gas_used" -> LUXC_EPARAM. */
    luxc_ai_model *full = trained();
    len = save(full, buf, sizeof buf);
    assert_int_equal(luxc_ai_model_load(a, buf, len), LUXC_EPARAM);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
    luxc_ai_model_free(full);
}

static void test_garbage(void **state)
{
    (void)state;
    luxc_ai_model *a = trained(), *b = sevens();
    uint8_t buf[512];
    size_t len = save(a, buf, sizeof buf);
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int i = 0; i < 20000; i++) {
        size_t n = (size_t)(luxc_test_rand(&st) % (len + 16));
        uint8_t *g = malloc(n ? n : 1);
        assert_non_null(g);
        /* Half start from a valid file with a few random edits. */
        if (i & 1) {
            for (size_t j = 0; j < n; j++)
                g[j] = j < len ? buf[j] : 0;
            for (int e = 0; e < 3; e++)
                if (n)
                    g[luxc_test_rand(&st) % n] = (uint8_t)luxc_test_rand(&st);
        } else {
            for (size_t j = 0; j < n; j++)
                g[j] = (uint8_t)luxc_test_rand(&st);
            if (n >= 8)
                memcpy(g, "LUXCAIMD", 8);
        }
        int rc = luxc_ai_model_load(b, g, n);
        if (rc == LUXC_OK && !(n == len && memcmp(g, buf, len) == 0))
            LUXC_TEST_FAIL_SEED(seed, "garbage of %zu bytes loaded", n);
        if (rc != LUXC_OK)
            assert_unchanged(b);
        free(g);
    }
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
}

/* A model file written by hand from the format's description (not by the
 * encoder): n 2, learning rate 0.05, bias -0.75, "height" 0.125,
 * "tx_count" -2.5, FNV-1a 64 checksum 0x9a56c7877b5a3253. */
static const uint8_t known_file[72] = {
    0x4c, 0x55, 0x58, 0x43, 0x41, 0x49, 0x4d, 0x44, 0x00, 0x00, 0x00, 0x01,
    0x00, 0x00, 0x00, 0x02, 0x3f, 0xa9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a,
    0xbf, 0xe8, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x06, 0x68, 0x65, 0x69,
    0x67, 0x68, 0x74, 0x3f, 0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x08,
    0x74, 0x78, 0x5f, 0x63, 0x6f, 0x75, 0x6e, 0x74, 0xc0, 0x04, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x9a, 0x56, 0xc7, 0x87, 0x7b, 0x5a, 0x32, 0x53,
};

static void file_equal(const luxc_ai_model_file *a, const luxc_ai_model_file *b)
{
    assert_int_equal(a->n, b->n);
    assert_memory_equal(&a->learning_rate, &b->learning_rate, sizeof(double));
    assert_memory_equal(&a->bias, &b->bias, sizeof(double));
    for (size_t i = 0; i < a->n; i++) {
        assert_string_equal(a->names[i], b->names[i]);
        assert_memory_equal(&a->w[i], &b->w[i], sizeof(double));
    }
}

static void test_decode_known_bytes(void **state)
{
    (void)state;
    luxc_ai_model_file f;
    memset(&f, 0xa5, sizeof f);
    assert_int_equal(luxc_ai_model_decode(&f, known_file, sizeof known_file), LUXC_OK);
    assert_int_equal(f.n, 2);
    assert_true(f.learning_rate == 0.05 && f.bias == -0.75);
    assert_string_equal(f.names[0], "height");
    assert_string_equal(f.names[1], "tx_count");
    assert_true(f.w[0] == 0.125 && f.w[1] == -2.5);
    /* ... and back: the same bytes. */
    uint8_t out[LUXC_AI_MODEL_ENCODED_MAX];
    size_t len = 0;
    assert_int_equal(luxc_ai_model_encoded_size(&f), sizeof known_file);
    assert_int_equal(luxc_ai_model_encode(&f, out, sizeof out, &len), LUXC_OK);
    assert_int_equal(len, sizeof known_file);
    assert_memory_equal(out, known_file, sizeof known_file);
    /* A model over that schema saves exactly these bytes too. */
    static const char *const two[] = {"height", "tx_count"};
    luxc_ai_extractor ex2 = {2, two, luxc_ai_extractor_block_basic.extract, 1};
    luxc_ai_model_cfg cfg = {.node_id = "n", .extractor = &ex2, .learning_rate = 0.05};
    luxc_ai_model *m = NULL;
    assert_int_equal(luxc_ai_model_new(&m, &cfg), LUXC_OK);
    double w[2] = {0.125, -2.5};
    assert_int_equal(luxc_ai_model_set_weights(m, w, 2, -0.75), LUXC_OK);
    assert_int_equal(save(m, out, sizeof out), sizeof known_file);
    assert_memory_equal(out, known_file, sizeof known_file);
    luxc_ai_model_free(m);
    /* Every shorter prefix is refused (the format's own checks). */
    for (size_t cut = 0; cut < sizeof known_file; cut++) {
        int rc = luxc_ai_model_decode(&f, known_file, cut);
        assert_true(rc == LUXC_ETRUNC || rc == LUXC_ECORRUPT);
    }
    assert_int_equal(luxc_ai_model_decode(NULL, known_file, sizeof known_file), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_decode(&f, NULL, 0), LUXC_EINVAL);
}

static void test_encode_decode_round_trip(void **state)
{
    (void)state;
    uint64_t seed = luxc_test_seed(), st = seed;
    for (int k = 0; k < 200; k++) {
        luxc_ai_model_file a, b;
        memset(&a, 0, sizeof a);
        a.n = 1 + (size_t)(luxc_test_rand(&st) % LUXC_AI_MAX_FEATURES);
        a.learning_rate = (double)(1 + luxc_test_rand(&st) % 1000) / 997.0;
        a.bias = k == 0 ? -0.0 : ((double)(luxc_test_rand(&st) % 2001) - 1000.0) / 7.0;
        for (size_t i = 0; i < a.n; i++) {
            /* distinct names of 1..31 bytes: a per-index prefix + filler */
            size_t l = 2 + (size_t)(luxc_test_rand(&st) % (LUXC_AI_FEATURE_NAME_MAX - 1));
            memset(a.names[i], 'a' + (int)(luxc_test_rand(&st) % 26), l);
            a.names[i][0] = (char)('A' + (int)i);
            a.names[i][l] = '\0';
            uint64_t bits = luxc_test_rand(&st);
            if (((bits >> 52) & 0x7ffu) == 0x7ffu)
                bits ^= UINT64_C(1) << 62; /* NaN or Inf -> finite */
            memcpy(&a.w[i], &bits, sizeof bits);
        }
        a.w[0] = k == 1 ? 1e-310 : a.w[0]; /* subnormal */
        uint8_t buf[LUXC_AI_MODEL_ENCODED_MAX], again[LUXC_AI_MODEL_ENCODED_MAX];
        size_t len = 0, len2 = 0;
        assert_int_equal(luxc_ai_model_encode(&a, buf, sizeof buf, &len), LUXC_OK);
        assert_int_equal(len, luxc_ai_model_encoded_size(&a));
        memset(&b, 0x5a, sizeof b);
        if (luxc_ai_model_decode(&b, buf, len) != LUXC_OK)
            LUXC_TEST_FAIL_SEED(seed, "round %d: encoded file refused", k);
        file_equal(&a, &b);
        assert_int_equal(luxc_ai_model_encode(&b, again, sizeof again, &len2), LUXC_OK);
        assert_int_equal(len2, len);
        assert_memory_equal(buf, again, len);
    }
}

static void test_encode_refusals(void **state)
{
    (void)state;
    luxc_ai_model_file f;
    assert_int_equal(luxc_ai_model_decode(&f, known_file, sizeof known_file), LUXC_OK);
    uint8_t buf[LUXC_AI_MODEL_ENCODED_MAX];
    size_t len = 0;
    /* Too small a buffer: every size below the file's, nothing written. */
    for (size_t cap = 0; cap < sizeof known_file; cap++) {
        memset(buf, 0xee, sizeof buf);
        len = 0;
        assert_int_equal(luxc_ai_model_encode(&f, buf, cap, &len), LUXC_EFULL);
        assert_int_equal(len, sizeof known_file);
        for (size_t i = 0; i < sizeof buf; i++)
            assert_int_equal(buf[i], 0xee);
    }
    assert_int_equal(luxc_ai_model_encode(&f, NULL, 0, &len), LUXC_EFULL);
    assert_int_equal(luxc_ai_model_encode(&f, NULL, 5, &len), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_encode(&f, buf, sizeof buf, NULL), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_encode(NULL, buf, sizeof buf, &len), LUXC_EINVAL);
    /* What the layout cannot hold. */
    luxc_ai_model_file g = f;
    g.n = 0;
    assert_int_equal(luxc_ai_model_encoded_size(&g), 0);
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_EINVAL);
    g.n = LUXC_AI_MAX_FEATURES + 1;
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_EINVAL);
    g = f;
    g.names[1][0] = '\0';
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_EINVAL);
    g = f;
    memset(g.names[1], 'x', sizeof g.names[1]); /* 32 bytes, no NUL */
    assert_int_equal(luxc_ai_model_encoded_size(&g), 0);
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_EINVAL);
    g.names[1][LUXC_AI_FEATURE_NAME_MAX] = '\0'; /* 31: the longest */
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_OK);
    /* Written as given, refused by the decoder: a name twice, a NaN
     * weight, learning rate 0 or an infinite bias. */
    g = f;
    memcpy(g.names[1], "height", 7);
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_ECORRUPT);
    g = f;
    g.w[1] = NAN;
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_ECORRUPT);
    g = f;
    g.learning_rate = 0.0;
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_ECORRUPT);
    g = f;
    g.bias = -INFINITY;
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_ECORRUPT);
    /* The largest file is LUXC_AI_MODEL_ENCODED_MAX bytes. */
    memset(&g, 0, sizeof g);
    g.n = LUXC_AI_MAX_FEATURES;
    g.learning_rate = 1;
    for (size_t i = 0; i < g.n; i++) {
        memset(g.names[i], 'n', LUXC_AI_FEATURE_NAME_MAX);
        g.names[i][0] = (char)('a' + (int)i);
    }
    assert_int_equal(luxc_ai_model_encoded_size(&g), LUXC_AI_MODEL_ENCODED_MAX);
    assert_int_equal(luxc_ai_model_encode(&g, buf, sizeof buf, &len), LUXC_OK);
    assert_int_equal(luxc_ai_model_decode(&g, buf, len), LUXC_OK);
}

static void test_files(void **state)
{
    (void)state;
    char dir[] = "/tmp/luxc-ai-io-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[256], bad[256];
    snprintf(path, sizeof path, "%s/model.bin", dir);
    snprintf(bad, sizeof bad, "%s/missing/model.bin", dir);
    luxc_ai_model *a = trained(), *b = sevens();
    assert_int_equal(luxc_ai_model_save_file(a, path), LUXC_OK);
    assert_int_equal(luxc_ai_model_load_file(b, path), LUXC_OK);
    double wa[4], wb[4], ba, bb;
    assert_int_equal(luxc_ai_model_get_weights(a, wa, 4, &ba), LUXC_OK);
    assert_int_equal(luxc_ai_model_get_weights(b, wb, 4, &bb), LUXC_OK);
    assert_memory_equal(wa, wb, sizeof wa);
    assert_int_equal(luxc_ai_model_save_file(a, bad), LUXC_EIO);
    assert_int_equal(luxc_ai_model_load_file(b, bad), LUXC_ENOTFOUND);
    assert_int_equal(luxc_ai_model_load_file(b, dir), LUXC_EIO); /* a directory */
    assert_int_equal(luxc_ai_model_save_file(a, ""), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_save_file(NULL, path), LUXC_EINVAL);
    assert_int_equal(luxc_ai_model_load_file(b, NULL), LUXC_EINVAL);
    /* Truncated file. */
    FILE *f = fopen(path, "r+b");
    assert_non_null(f);
    assert_int_equal(ftruncate(fileno(f), 20), 0);
    fclose(f);
    luxc_ai_model *c = sevens();
    assert_int_equal(luxc_ai_model_load_file(c, path), LUXC_ETRUNC);
    assert_unchanged(c);
    /* Oversized file. */
    f = fopen(path, "wb");
    assert_non_null(f);
    static uint8_t zeros[70000];
    assert_int_equal(fwrite(zeros, 1, sizeof zeros, f), sizeof zeros);
    fclose(f);
    assert_int_equal(luxc_ai_model_load_file(c, path), LUXC_ETOOBIG);
    /* Allocation failures in the file helpers. */
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_ai_model_save_file(a, path), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(0);
    assert_int_equal(luxc_ai_model_load_file(c, path), LUXC_ENOMEM);
    luxc_test_alloc_fail_after(-1);
    remove(path);
    rmdir(dir);
    luxc_ai_model_free(a);
    luxc_ai_model_free(b);
    luxc_ai_model_free(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_decode_known_bytes),
        cmocka_unit_test(test_encode_decode_round_trip),
        cmocka_unit_test(test_encode_refusals),
        cmocka_unit_test(test_round_trip),
        cmocka_unit_test(test_every_truncation),
        cmocka_unit_test(test_flipped_bytes),
        cmocka_unit_test(test_crafted_fields),
        cmocka_unit_test(test_schema_subset),
        cmocka_unit_test(test_garbage),
        cmocka_unit_test(test_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
