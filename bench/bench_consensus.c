/* bench_consensus.c - benchmarks of the consensus layer (filled in by its issue). */
#include "harness.h"

const luxc_bench_case luxc_bench_cases_consensus[] = {
    {0},
};
