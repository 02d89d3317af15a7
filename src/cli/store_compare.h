/* store_compare.h - compare the finalized chains of several validator stores
 * height by height: two stores holding different block ids at one height is
 * a safety violation. Shared by `luxc devnet` (after its run) and
 * `luxc verify`. One thread; the stores are the caller's (opened read-only,
 * typically with LUXC_STORE_RDONLY, after or while the nodes run). */
#ifndef LUXC_CLI_STORE_COMPARE_H
#define LUXC_CLI_STORE_COMPARE_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/store.h"

typedef struct store_cmp_result {
    uint64_t heights_compared; /* heights 1..top, top = highest last height */
    uint64_t heights_shared;   /* heights held by two or more stores */
    uint64_t violations;       /* heights where two stores differ */
    uint64_t first_violation;  /* lowest such height, 0 if none */
    uint64_t read_errors;      /* block reads that failed other than ENOTFOUND */
} store_cmp_result;

/* Compare stores[0..n-1]; NULL entries are skipped (a store that could not
 * be opened, a byzantine node). Heights a store does not hold (below its
 * first or above its last) are not compared for that store. */
void store_compare(luxc_store *const *stores, size_t n, store_cmp_result *r);

#endif
