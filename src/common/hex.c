/* hex.c - hex through libsodium (hex.h). */
#include "common/hex.h"

#include <string.h>

#include <sodium.h>

char *luxc_hex_encode(char *out, const uint8_t *in, size_t n)
{
    return sodium_bin2hex(out, 2 * n + 1, in, n);
}

int luxc_hex_decode(uint8_t *out, size_t n, const char *hex)
{
    size_t len = strlen(hex), got = 0;
    const char *end = NULL;
    if (len != 2 * n)
        return -1;
    if (sodium_hex2bin(out, n, hex, len, NULL, &got, &end) != 0 || got != n || end != hex + len)
        return -1;
    return 0;
}
