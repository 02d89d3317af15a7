/* bench_net.c - benchmarks of the net layer (filled in by its issue). */
#include "harness.h"

const luxc_bench_case luxc_bench_cases_net[] = {
    {0},
};
