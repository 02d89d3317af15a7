/* bench_ai.c - benchmarks of the ai layer (filled in by its issue). */
#include "harness.h"

const luxc_bench_case luxc_bench_cases_ai[] = {
    {0},
};
