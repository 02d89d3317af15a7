/* cmd_bench.c - `luxc bench`: the benchmark harness (bench/harness.c). */
#include "cli.h"

#include "../../bench/harness.h"

int luxc_cmd_bench(int argc, char **argv) { return luxc_bench_main(argc, argv); }
