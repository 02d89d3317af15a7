/* cmd_node.c - `luxc node --config FILE`: run one validator, or with
 * --check only check its files (config, genesis, keys) and exit. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "daemon/runtime.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc node --config FILE [options]\n"
            "\n"
            "Run a validator: connect to the validator set of the genesis over the\n"
            "post-quantum secure transport, propose blocks when leading, vote, and\n"
            "finalize blocks with certificates of ML-DSA-65 votes from more than 2/3\n"
            "of stake. Finalized blocks are in the LMDB store before they are reported.\n"
            "Logs go to stderr (logfmt); SIGTERM or SIGINT stops the node cleanly.\n"
            "\n"
            "  -c, --config FILE        node configuration (JSON; see luxc/node_config.h):\n"
            "                           genesis, key_dir, name, listen, data_dir,\n"
            "                           optional submit, metrics, log_level\n"
            "  -l, --load TPS           built-in load generator: TPS transactions/s\n"
            "  -s, --tx-bytes N         size of generated transactions (default 128)\n"
            "  -b, --byzantine MODE     misbehave for testing: silent, random, equivocate\n"
            "  -H, --stop-height H      exit 0 once height H is final\n"
            "  -C, --check              check the files and exit: the config and genesis\n"
            "                           parse, the name is a validator of the genesis,\n"
            "                           the keys load and match its public keys, and the\n"
            "                           consensus parameters are valid\n"
            "  -h, --help               show this text\n"
            "\n"
            "With \"metrics\" set, GET /metrics (Prometheus) and /status (JSON) are\n"
            "served there; `luxc status --metrics HOST:PORT` prints the status.\n"
            "Exit status: 0 clean stop, 1 error (the reason on stderr), 2 usage.\n");
}

/* --check: the node's own start-up steps that read files, nothing bound
 * or opened (daemon/runtime.c). Returns the exit status. */
static int check_files(const char *config_path)
{
    char err[1024] = "", summary[512] = "";
    int rc = luxc_node_check(config_path, summary, sizeof summary, err, sizeof err);
    if (rc == LUXC_OK)
        printf("%s: ok: %s\n", config_path, summary);
    else
        fprintf(stderr, "luxc node: %s\n", err[0] ? err : luxc_strerror(rc));
    return rc == LUXC_OK ? 0 : 1;
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v > 10000000ul)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

int luxc_cmd_node(int argc, char **argv)
{
    static const struct option opts[] = {
        {"config", required_argument, NULL, 'c'},    {"load", required_argument, NULL, 'l'},
        {"tx-bytes", required_argument, NULL, 's'},  {"byzantine", required_argument, NULL, 'b'},
        {"stop-height", required_argument, NULL, 'H'}, {"store-nosync", no_argument, NULL, 'N'},
        {"check", no_argument, NULL, 'C'},
        {"help", no_argument, NULL, 'h'},            {NULL, 0, NULL, 0}};
    luxc_run_opts o;
    memset(&o, 0, sizeof o);
    int ch, check = 0;
    uint32_t v;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "c:l:s:b:H:Ch", opts, NULL)) != -1) {
        switch (ch) {
        case 'c': o.config_path = optarg; break;
        case 'l':
            if (parse_u32(optarg, &o.load_tps)) {
                fprintf(stderr, "luxc node: --load wants transactions per second, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        case 's':
            if (parse_u32(optarg, &o.load_tx_bytes) || o.load_tx_bytes == 0 ||
                o.load_tx_bytes > 4096) {
                fprintf(stderr, "luxc node: --tx-bytes wants 1..4096, got '%s'\n", optarg);
                return 2;
            }
            break;
        case 'b': {
            int b = luxc_behaviour_parse(optarg);
            if (b <= 0) {
                fprintf(stderr, "luxc node: --byzantine wants silent, random or equivocate, "
                                "got '%s'\n", optarg);
                return 2;
            }
            o.behaviour = (luxc_behaviour)b;
            break;
        }
        case 'H':
            if (parse_u32(optarg, &v) || v == 0) {
                fprintf(stderr, "luxc node: --stop-height wants a height >= 1, got '%s'\n",
                        optarg);
                return 2;
            }
            o.stop_height = v;
            break;
        case 'N': o.store_nosync = 1; break;
        case 'C': check = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!o.config_path || optind < argc) {
        fprintf(stderr, "luxc node: %s\n",
                o.config_path ? "unexpected argument" : "--config FILE is required");
        usage(stderr);
        return 2;
    }
    if (check)
        return check_files(o.config_path);
    char err[1024] = "";
    int status = luxc_node_run(&o, err, sizeof err);
    if (status != 0 && err[0])
        fprintf(stderr, "luxc node: %s\n", err);
    return status;
}
