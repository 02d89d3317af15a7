/* bench_crypto.c - benchmarks of the crypto layer (filled in by its issue). */
#include "harness.h"

const luxc_bench_case luxc_bench_cases_crypto[] = {
    {0},
};
