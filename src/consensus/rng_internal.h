/* rng_internal.h - what the consensus layer knows about its own RNG
 * back-ends (not public): the xoshiro fill function, so that samplers can
 * recognise a luxc_rng bound to a luxc_xoshiro and draw words directly
 * instead of through bytes. The stream is identical either way: fill
 * emits each word little-endian and the sampler reads them back so. */
#ifndef LUXC_SRC_CONSENSUS_RNG_INTERNAL_H
#define LUXC_SRC_CONSENSUS_RNG_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

int luxc_rng_xoshiro_fill(void *ctx, uint8_t *buf, size_t len);

#endif
