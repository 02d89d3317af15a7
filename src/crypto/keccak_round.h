/* keccak_round.h - one round of Keccak-f[1600] (FIPS 202 s3.2), written out
 * lane by lane, shared by the scalar permutation (fips202.c) and the 4-way
 * one (keccak4x.c): the macro works on any lane type with ^, &, ~, << and >>
 * (uint64_t, or a GCC/clang vector of uint64_t). The caller declares the 25
 * lanes aNM (x = N, y = M), c0..c4, d0..d4 and b00..b44 of its lane type.
 * Rotation offsets and round constants were computed from s3.2.2 and s3.2.5
 * (rho offsets: t = 0..23 walk of (x, y) -> (y, 2x + 3y); rc: the LFSR).
 * Library-internal. */
#ifndef LUXC_KECCAK_ROUND_H
#define LUXC_KECCAK_ROUND_H

#include <stdint.h>

#define ROL64(x, n) (((x) << (n)) | ((x) >> (64 - (n))))

static const uint64_t keccak_rc[24] = {
    0x0000000000000001ull, 0x0000000000008082ull, 0x800000000000808aull,
    0x8000000080008000ull, 0x000000000000808bull, 0x0000000080000001ull,
    0x8000000080008081ull, 0x8000000000008009ull, 0x000000000000008aull,
    0x0000000000000088ull, 0x0000000080008009ull, 0x000000008000000aull,
    0x000000008000808bull, 0x800000000000008bull, 0x8000000000008089ull,
    0x8000000000008003ull, 0x8000000000008002ull, 0x8000000000000080ull,
    0x000000000000800aull, 0x800000008000000aull, 0x8000000080008081ull,
    0x8000000000008080ull, 0x0000000080000001ull, 0x8000000080008008ull,
};

#define KECCAK_ROUND(rc) do { \
    c0 = a00 ^ a01 ^ a02 ^ a03 ^ a04; \
    c1 = a10 ^ a11 ^ a12 ^ a13 ^ a14; \
    c2 = a20 ^ a21 ^ a22 ^ a23 ^ a24; \
    c3 = a30 ^ a31 ^ a32 ^ a33 ^ a34; \
    c4 = a40 ^ a41 ^ a42 ^ a43 ^ a44; \
    d0 = c4 ^ ROL64(c1, 1); \
    d1 = c0 ^ ROL64(c2, 1); \
    d2 = c1 ^ ROL64(c3, 1); \
    d3 = c2 ^ ROL64(c4, 1); \
    d4 = c3 ^ ROL64(c0, 1); \
    b00 = (a00 ^ d0); \
    b01 = ROL64((a30 ^ d3), 28); \
    b02 = ROL64((a10 ^ d1), 1); \
    b03 = ROL64((a40 ^ d4), 27); \
    b04 = ROL64((a20 ^ d2), 62); \
    b10 = ROL64((a11 ^ d1), 44); \
    b11 = ROL64((a41 ^ d4), 20); \
    b12 = ROL64((a21 ^ d2), 6); \
    b13 = ROL64((a01 ^ d0), 36); \
    b14 = ROL64((a31 ^ d3), 55); \
    b20 = ROL64((a22 ^ d2), 43); \
    b21 = ROL64((a02 ^ d0), 3); \
    b22 = ROL64((a32 ^ d3), 25); \
    b23 = ROL64((a12 ^ d1), 10); \
    b24 = ROL64((a42 ^ d4), 39); \
    b30 = ROL64((a33 ^ d3), 21); \
    b31 = ROL64((a13 ^ d1), 45); \
    b32 = ROL64((a43 ^ d4), 8); \
    b33 = ROL64((a23 ^ d2), 15); \
    b34 = ROL64((a03 ^ d0), 41); \
    b40 = ROL64((a44 ^ d4), 14); \
    b41 = ROL64((a24 ^ d2), 61); \
    b42 = ROL64((a04 ^ d0), 18); \
    b43 = ROL64((a34 ^ d3), 56); \
    b44 = ROL64((a14 ^ d1), 2); \
    a00 = b00 ^ (~b10 & b20) ^ (rc); \
    a10 = b10 ^ (~b20 & b30); \
    a20 = b20 ^ (~b30 & b40); \
    a30 = b30 ^ (~b40 & b00); \
    a40 = b40 ^ (~b00 & b10); \
    a01 = b01 ^ (~b11 & b21); \
    a11 = b11 ^ (~b21 & b31); \
    a21 = b21 ^ (~b31 & b41); \
    a31 = b31 ^ (~b41 & b01); \
    a41 = b41 ^ (~b01 & b11); \
    a02 = b02 ^ (~b12 & b22); \
    a12 = b12 ^ (~b22 & b32); \
    a22 = b22 ^ (~b32 & b42); \
    a32 = b32 ^ (~b42 & b02); \
    a42 = b42 ^ (~b02 & b12); \
    a03 = b03 ^ (~b13 & b23); \
    a13 = b13 ^ (~b23 & b33); \
    a23 = b23 ^ (~b33 & b43); \
    a33 = b33 ^ (~b43 & b03); \
    a43 = b43 ^ (~b03 & b13); \
    a04 = b04 ^ (~b14 & b24); \
    a14 = b14 ^ (~b24 & b34); \
    a24 = b24 ^ (~b34 & b44); \
    a34 = b34 ^ (~b44 & b04); \
    a44 = b44 ^ (~b04 & b14); \
} while (0)

/* The whole permutation of the 25 lanes s[0..24] of type T: load into
 * locals, 24 rounds, store back. The one body for fips202.c and
 * keccak4x.c, so the two cannot drift. */
#define KECCAK_F1600_BODY(T, s)                                                            \
    do {                                                                                   \
        T a00 = (s)[0], a10 = (s)[1], a20 = (s)[2], a30 = (s)[3], a40 = (s)[4];            \
        T a01 = (s)[5], a11 = (s)[6], a21 = (s)[7], a31 = (s)[8], a41 = (s)[9];            \
        T a02 = (s)[10], a12 = (s)[11], a22 = (s)[12], a32 = (s)[13], a42 = (s)[14];       \
        T a03 = (s)[15], a13 = (s)[16], a23 = (s)[17], a33 = (s)[18], a43 = (s)[19];       \
        T a04 = (s)[20], a14 = (s)[21], a24 = (s)[22], a34 = (s)[23], a44 = (s)[24];       \
        T c0, c1, c2, c3, c4, d0, d1, d2, d3, d4;                                          \
        T b00, b10, b20, b30, b40, b01, b11, b21, b31, b41, b02, b12, b22, b32, b42, b03,  \
            b13, b23, b33, b43, b04, b14, b24, b34, b44;                                   \
        for (int r = 0; r < 24; r += 2) {                                                  \
            KECCAK_ROUND(keccak_rc[r]);                                                    \
            KECCAK_ROUND(keccak_rc[r + 1]);                                                \
        }                                                                                  \
        (s)[0] = a00; (s)[1] = a10; (s)[2] = a20; (s)[3] = a30; (s)[4] = a40;              \
        (s)[5] = a01; (s)[6] = a11; (s)[7] = a21; (s)[8] = a31; (s)[9] = a41;              \
        (s)[10] = a02; (s)[11] = a12; (s)[12] = a22; (s)[13] = a32; (s)[14] = a42;         \
        (s)[15] = a03; (s)[16] = a13; (s)[17] = a23; (s)[18] = a33; (s)[19] = a43;         \
        (s)[20] = a04; (s)[21] = a14; (s)[22] = a24; (s)[23] = a34; (s)[24] = a44;         \
    } while (0)

#endif
