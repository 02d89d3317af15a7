/* mldsa_ntt.c - ML-DSA's number-theoretic transform (FIPS 204 Alg. 41/42)
 * over Z_q, q = 8380417, in PQClean's Montgomery convention.
 * Owns: NTT and NTT^-1 (with the factor mont^2/256) of one polynomial.
 * Why ours: GCC 12 does not vectorize PQClean's ntt.c loops (the butterfly
 * distance `len` is a loop variable, so it cannot rule out overlap), and
 * perf showed invntt_tomont at ~40 % of ML-DSA-65 signing (clang, which
 * vectorizes them, signs in 0.57x the time). Here each layer is a call with
 * a constant distance, so the compiler sees independent lanes.
 * Bit-for-bit the same results as PQClean's ntt / invntt_tomont (same
 * Montgomery reduction, same order of operations per coefficient):
 * tests/crypto/test_mldsa_ntt.c compares them on random and extreme
 * polynomials and checks NTT^-1(NTT(a)) = mont * a.
 * zetas[k] = 2^32 * 1753^BitRev8(k) mod q, centred, for k = 1..255, from
 * FIPS 204 s7.5 (1753 is the 512th root of unity); zetas[0] is never read
 * (the forward layers start at k0 = 1, the inverse ends at index 1) and is
 * 0 as in PQClean. Pure functions, no state. */
#include "mldsa_ntt.h"

#define NTT_Q 8380417
#define NTT_QINV 58728449 /* q^-1 mod 2^32 */
#define NTT_F 41978       /* mont^2 / 256 mod q (mont = 2^32) */

static const int32_t zetas[256] = {
    0, 25847, -2608894, -518909, 237124, -777960, -876248, 466468,
    1826347, 2353451, -359251, -2091905, 3119733, -2884855, 3111497, 2680103,
    2725464, 1024112, -1079900, 3585928, -549488, -1119584, 2619752, -2108549,
    -2118186, -3859737, -1399561, -3277672, 1757237, -19422, 4010497, 280005,
    2706023, 95776, 3077325, 3530437, -1661693, -3592148, -2537516, 3915439,
    -3861115, -3043716, 3574422, -2867647, 3539968, -300467, 2348700, -539299,
    -1699267, -1643818, 3505694, -3821735, 3507263, -2140649, -1600420, 3699596,
    811944, 531354, 954230, 3881043, 3900724, -2556880, 2071892, -2797779,
    -3930395, -1528703, -3677745, -3041255, -1452451, 3475950, 2176455, -1585221,
    -1257611, 1939314, -4083598, -1000202, -3190144, -3157330, -3632928, 126922,
    3412210, -983419, 2147896, 2715295, -2967645, -3693493, -411027, -2477047,
    -671102, -1228525, -22981, -1308169, -381987, 1349076, 1852771, -1430430,
    -3343383, 264944, 508951, 3097992, 44288, -1100098, 904516, 3958618,
    -3724342, -8578, 1653064, -3249728, 2389356, -210977, 759969, -1316856,
    189548, -3553272, 3159746, -1851402, -2409325, -177440, 1315589, 1341330,
    1285669, -1584928, -812732, -1439742, -3019102, -3881060, -3628969, 3839961,
    2091667, 3407706, 2316500, 3817976, -3342478, 2244091, -2446433, -3562462,
    266997, 2434439, -1235728, 3513181, -3520352, -3759364, -1197226, -3193378,
    900702, 1859098, 909542, 819034, 495491, -1613174, -43260, -522500,
    -655327, -3122442, 2031748, 3207046, -3556995, -525098, -768622, -3595838,
    342297, 286988, -2437823, 4108315, 3437287, -3342277, 1735879, 203044,
    2842341, 2691481, -2590150, 1265009, 4055324, 1247620, 2486353, 1595974,
    -3767016, 1250494, 2635921, -3548272, -2994039, 1869119, 1903435, -1050970,
    -1333058, 1237275, -3318210, -1430225, -451100, 1312455, 3306115, -1962642,
    -1279661, 1917081, -2546312, -1374803, 1500165, 777191, 2235880, 3406031,
    -542412, -2831860, -1671176, -1846953, -2584293, -3724270, 594136, -3776993,
    -2013608, 2432395, 2454455, -164721, 1957272, 3369112, 185531, -1207385,
    -3183426, 162844, 1616392, 3014001, 810149, 1652634, -3694233, -1799107,
    -3038916, 3523897, 3866901, 269760, 2213111, -975884, 1717735, 472078,
    -426683, 1723600, -1803090, 1910376, -1667432, -1104333, -260646, -3833893,
    -2939036, -2235985, -420899, -2286327, 183443, -976891, 1612842, -3545687,
    -554416, 3919660, -48306, -1362209, 3937738, 1400424, -846154, 1976782,
};

/* a * 2^-32 mod q, for |a| <= 2^31 q: result in (-q, q). */
static inline int32_t mont_reduce(int64_t a)
{
    int32_t t = (int32_t)((uint64_t)a * (uint64_t)NTT_QINV);
    return (int32_t)((a - (int64_t)t * NTT_Q) >> 32);
}

/* One Cooley-Tukey layer: blocks of 2*len, zeta index k0 + block. */
static inline __attribute__((always_inline)) void ntt_layer(int32_t *a, unsigned len,
                                                            unsigned k0)
{
    for (unsigned b = 0; b < 128 / len; b++) {
        const int32_t zeta = zetas[k0 + b];
        int32_t *lo = a + 2 * len * b, *hi = lo + len;
        for (unsigned j = 0; j < len; j++) {
            int32_t t = mont_reduce((int64_t)zeta * hi[j]);
            hi[j] = lo[j] - t;
            lo[j] = lo[j] + t;
        }
    }
}

/* One Gentleman-Sande layer of the inverse, zetas walked backwards. */
static inline __attribute__((always_inline)) void invntt_layer(int32_t *a, unsigned len)
{
    const unsigned nb = 128 / len;
    for (unsigned b = 0; b < nb; b++) {
        const int32_t zeta = -zetas[2 * nb - 1 - b];
        int32_t *lo = a + 2 * len * b, *hi = lo + len;
        for (unsigned j = 0; j < len; j++) {
            int32_t t = lo[j];
            lo[j] = t + hi[j];
            hi[j] = mont_reduce((int64_t)zeta * (t - hi[j]));
        }
    }
}

void luxc_mldsa_ntt(int32_t a[256])
{
    ntt_layer(a, 128, 1);
    ntt_layer(a, 64, 2);
    ntt_layer(a, 32, 4);
    ntt_layer(a, 16, 8);
    ntt_layer(a, 8, 16);
    ntt_layer(a, 4, 32);
    ntt_layer(a, 2, 64);
    ntt_layer(a, 1, 128);
}

void luxc_mldsa_invntt_tomont(int32_t a[256])
{
    invntt_layer(a, 1);
    invntt_layer(a, 2);
    invntt_layer(a, 4);
    invntt_layer(a, 8);
    invntt_layer(a, 16);
    invntt_layer(a, 32);
    invntt_layer(a, 64);
    invntt_layer(a, 128);
    for (unsigned j = 0; j < 256; j++)
        a[j] = mont_reduce((int64_t)NTT_F * a[j]);
}
