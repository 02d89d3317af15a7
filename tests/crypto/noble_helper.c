/* noble_helper.c - the C side of the cross-check against @noble/post-quantum
 * (tests/crypto/noble_crosscheck.mjs drives it; not a cmocka test).
 * Reads one command per line on stdin, answers one line of hex on stdout.
 * Hex "-" means empty. Commands:
 *   kem <d||z> <m>              -> "<ek> <dk> <ct> <ss>"  (keypair_from_seed, encaps_derand)
 *   kemdec <dk> <ct>            -> "<ss>"                 (decaps)
 *   dsa <xi> <rnd> <ctx> <msg>  -> "<pk> <sig>"           (keypair_from_seed, sign_derand)
 *   dsahedged <xi> <ctx> <msg>  -> "<sig>"                (sign with OS randomness)
 *   dsaver <pk> <ctx> <msg> <sig> -> "ok" | "bad"         (verify)
 * Any error prints "error <code>" and the exit status becomes 1. */
#include "luxc/crypto.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAXLINE (1u << 20)

static int unhex(const char *s, uint8_t *out, size_t cap, size_t *len)
{
    if (strcmp(s, "-") == 0) {
        *len = 0;
        return 0;
    }
    size_t n = strlen(s);
    if (n % 2 || n / 2 > cap)
        return -1;
    for (size_t i = 0; i < n / 2; i++) {
        unsigned v;
        if (sscanf(s + 2 * i, "%2x", &v) != 1)
            return -1;
        out[i] = (uint8_t)v;
    }
    *len = n / 2;
    return 0;
}

static void puthex(const uint8_t *p, size_t n)
{
    if (n == 0)
        fputc('-', stdout);
    for (size_t i = 0; i < n; i++)
        printf("%02x", p[i]);
}

/* Fetch the next space-separated field as bytes of exactly `want` (or any
 * length up to cap when want == 0). */
static int field(char **save, uint8_t *out, size_t cap, size_t want, size_t *len)
{
    char *tok = strtok_r(NULL, " \n", save);
    size_t n;
    if (tok == NULL || unhex(tok, out, cap, &n) != 0 || (want && n != want))
        return -1;
    if (len)
        *len = n;
    return 0;
}

static uint8_t ek[LUXC_MLKEM_PUBLICKEYBYTES], dk[LUXC_MLKEM_SECRETKEYBYTES];
static uint8_t ct[LUXC_MLKEM_CIPHERTEXTBYTES];
static uint8_t pk[LUXC_MLDSA_PUBLICKEYBYTES], sk[LUXC_MLDSA_SECRETKEYBYTES];
static uint8_t sig[LUXC_MLDSA_BYTES];
static uint8_t msg[65536], ctx[256];

static int run(char *line)
{
    char *save = NULL;
    char *cmd = strtok_r(line, " \n", &save);
    uint8_t seed[64], coins[32], ss[32];
    size_t mlen = 0, ctxlen = 0;
    int rc;

    if (cmd == NULL)
        return LUXC_EINVAL;
    if (strcmp(cmd, "kem") == 0) {
        if (field(&save, seed, 64, 64, NULL) || field(&save, coins, 32, 32, NULL))
            return LUXC_EINVAL;
        if ((rc = luxc_mlkem_keypair_from_seed(ek, dk, seed)) != LUXC_OK ||
            (rc = luxc_mlkem_encaps_derand(ct, ss, ek, coins)) != LUXC_OK)
            return rc;
        puthex(ek, sizeof ek); putchar(' ');
        puthex(dk, sizeof dk); putchar(' ');
        puthex(ct, sizeof ct); putchar(' ');
        puthex(ss, sizeof ss);
    } else if (strcmp(cmd, "kemdec") == 0) {
        if (field(&save, dk, sizeof dk, sizeof dk, NULL) ||
            field(&save, ct, sizeof ct, sizeof ct, NULL))
            return LUXC_EINVAL;
        if ((rc = luxc_mlkem_decaps(ss, ct, dk)) != LUXC_OK)
            return rc;
        puthex(ss, sizeof ss);
    } else if (strcmp(cmd, "dsa") == 0) {
        if (field(&save, seed, 32, 32, NULL) || field(&save, coins, 32, 32, NULL) ||
            field(&save, ctx, sizeof ctx, 0, &ctxlen) || field(&save, msg, sizeof msg, 0, &mlen))
            return LUXC_EINVAL;
        if ((rc = luxc_mldsa_keypair_from_seed(pk, sk, seed)) != LUXC_OK ||
            (rc = luxc_mldsa_sign_derand(sig, msg, mlen, ctx, ctxlen, sk, coins)) != LUXC_OK)
            return rc;
        puthex(pk, sizeof pk); putchar(' ');
        puthex(sig, sizeof sig);
    } else if (strcmp(cmd, "dsahedged") == 0) {
        if (field(&save, seed, 32, 32, NULL) || field(&save, ctx, sizeof ctx, 0, &ctxlen) ||
            field(&save, msg, sizeof msg, 0, &mlen))
            return LUXC_EINVAL;
        if ((rc = luxc_mldsa_keypair_from_seed(pk, sk, seed)) != LUXC_OK ||
            (rc = luxc_mldsa_sign(sig, msg, mlen, ctx, ctxlen, sk)) != LUXC_OK)
            return rc;
        puthex(sig, sizeof sig);
    } else if (strcmp(cmd, "dsaver") == 0) {
        if (field(&save, pk, sizeof pk, sizeof pk, NULL) ||
            field(&save, ctx, sizeof ctx, 0, &ctxlen) || field(&save, msg, sizeof msg, 0, &mlen) ||
            field(&save, sig, sizeof sig, sizeof sig, NULL))
            return LUXC_EINVAL;
        rc = luxc_mldsa_verify(sig, msg, mlen, ctx, ctxlen, pk);
        if (rc != LUXC_OK && rc != LUXC_EAUTH)
            return rc;
        fputs(rc == LUXC_OK ? "ok" : "bad", stdout);
    } else {
        return LUXC_EINVAL;
    }
    putchar('\n');
    return LUXC_OK;
}

int main(void)
{
    if (luxc_crypto_init() != LUXC_OK)
        return 1;
    char *line = malloc(MAXLINE);
    int status = 0;
    if (line == NULL)
        return 1;
    while (fgets(line, (int)MAXLINE, stdin) != NULL) {
        int rc = run(line);
        if (rc != LUXC_OK) {
            printf("error %d\n", rc);
            status = 1;
        }
    }
    free(line);
    return status;
}
