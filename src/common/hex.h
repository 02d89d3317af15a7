/* hex.h - lower-case hex for ids, keys and names (internal to libluxc and
 * its programs).
 * Owns: the one hex encoder and decoder, both libsodium's constant-time
 * sodium_bin2hex / sodium_hex2bin (keys are encoded too).
 * Not here: JSON fields of hex (chain/json_util.h luxc_jget_hex). */
#ifndef LUXC_SRC_COMMON_HEX_H
#define LUXC_SRC_COMMON_HEX_H

#include <stddef.h>
#include <stdint.h>

/* Lower-case hex of n bytes into out (2n+1 bytes, NUL-terminated);
 * returns out. */
char *luxc_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly n bytes from 2n hex chars (either case); -1 on a bad
 * char or length. */
int luxc_hex_decode(uint8_t *out, size_t n, const char *hex);

#endif
