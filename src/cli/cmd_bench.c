/* cmd_bench.c - `luxc bench`: runs the benchmark program luxc-bench.
 *
 * The benchmarks live in their own program because they count allocations
 * by replacing malloc (bench/alloc_count.c): linked into `luxc`, every
 * validator would run on the benchmark's malloc. `luxc bench ARGS` executes
 * the luxc-bench beside this program (the build folder, or bin/ of an
 * install), or the one $LUXC_BENCH names, with the same arguments. */
#include "cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* The folder of the running program, from /proc/self/exe. */
static int self_dir(char *out, size_t cap)
{
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return -1;
    exe[n] = 0;
    char *slash = strrchr(exe, '/');
    if (!slash)
        return -1;
    *slash = 0;
    int w = snprintf(out, cap, "%s", exe);
    return w < 0 || (size_t)w >= cap ? -1 : 0;
}

int luxc_cmd_bench(int argc, char **argv)
{
    char path[PATH_MAX];
    const char *env = getenv("LUXC_BENCH");
    if (env && *env) {
        snprintf(path, sizeof path, "%s", env);
    } else {
        char dir[PATH_MAX - 16];
        if (self_dir(dir, sizeof dir) != 0) {
            fprintf(stderr, "luxc bench: cannot find this program's folder (/proc/self/exe)\n");
            return 1;
        }
        snprintf(path, sizeof path, "%s/luxc-bench", dir);
    }
    (void)argc;
    argv[0] = path;
    execv(path, argv);
    fprintf(stderr,
            "luxc bench: cannot run %s: %s\n"
            "  (the benchmarks are the program luxc-bench, built and installed beside luxc;\n"
            "   LUXC_BENCH=/path/to/luxc-bench names another)\n",
            path, strerror(errno));
    return 1;
}
