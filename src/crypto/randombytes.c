/* randombytes.c - PQClean's randomness hook, served by libsodium.
 * Owns: PQCLEAN_randombytes, which PQClean's kem.c / sign.c reference from
 * their randomized entry points. luxc itself calls the *_derand / internal
 * functions with randomness it drew from randombytes_buf, so this hook only
 * matters for those PQClean entry points (used by tests as a second
 * opinion). PQClean's common/randombytes.c is not compiled.
 * No state: libsodium's CSPRNG is thread-safe. */
#include <stddef.h>
#include <stdint.h>

#include <sodium.h>

int PQCLEAN_randombytes(uint8_t *output, size_t n);

int PQCLEAN_randombytes(uint8_t *output, size_t n)
{
    randombytes_buf(output, n);
    return 0;
}
