/* crc32c.h - CRC-32C (Castagnoli) for the store's record checksums.
 * Internal to the store layer. */
#ifndef LUXC_SRC_STORE_CRC32C_H
#define LUXC_SRC_STORE_CRC32C_H

#include <stddef.h>
#include <stdint.h>

/* CRC-32C of n bytes at p, continuing from crc (start with 0): reflected
 * polynomial 0x82F63B78, initial value and final xor 0xFFFFFFFF, so
 * luxc_crc32c(luxc_crc32c(0, a, n), b, m) equals the CRC of a || b.
 * Check value (RFC 3720 B.4): "123456789" -> 0xE3069283. p may be NULL
 * when n is 0. Pure. */
uint32_t luxc_crc32c(uint32_t crc, const void *p, size_t n);

#endif
