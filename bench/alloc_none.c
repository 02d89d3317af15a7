/* alloc_none.c - allocation counters for builds that cannot interpose
 * malloc (sanitizer builds): report "not counted" rather than a zero. */
#include "harness.h"

int luxc_bench_allocs_counted(void) { return 0; }
uint64_t luxc_bench_alloc_count(void) { return 0; }
uint64_t luxc_bench_alloc_bytes(void) { return 0; }
