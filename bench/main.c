/* main.c - the standalone bench program: same cases as `luxc bench`. */
#include "harness.h"

int main(int argc, char **argv) { return luxc_bench_main(argc, argv); }
