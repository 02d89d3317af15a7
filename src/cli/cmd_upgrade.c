/* cmd_upgrade.c - `luxc propose-upgrade`: submit an upgrade proposal to a
 * running node's submission socket. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

#include "cli.h"
#include "luxc/upgrade.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc propose-upgrade --submit ENDPOINT --version V [options]\n"
            "\n"
            "Propose a protocol upgrade. The proposal travels in a block; every\n"
            "validator's model decides whether it approves (its vote), and the network\n"
            "decides with snowball polls. `luxc status` shows upgrades_approved,\n"
            "upgrades_rejected and upgrades_pending.\n"
            "\n"
            "  -s, --submit ENDPOINT  the node's submission socket (tcp://HOST:PORT)\n"
            "  -v, --version V        proposed version, 1..32 characters (e.g. v2.1.0)\n"
            "  -r, --risk LEVEL       low, medium, high or critical (default medium)\n"
            "  -c, --changes N        number of changes (default 1)\n"
            "  -t, --tests N          number of tests covering it (default 0)\n"
            "  -h, --help             show this text\n");
}

int luxc_cmd_upgrade(int argc, char **argv)
{
    static const struct option opts[] = {
        {"submit", required_argument, NULL, 's'}, {"version", required_argument, NULL, 'v'},
        {"risk", required_argument, NULL, 'r'},   {"changes", required_argument, NULL, 'c'},
        {"tests", required_argument, NULL, 't'},  {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    const char *submit = NULL;
    luxc_upgrade_proposal u;
    memset(&u, 0, sizeof u);
    u.risk = 1;
    u.change_count = 1;
    int ch, r;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "s:v:r:c:t:h", opts, NULL)) != -1) {
        switch (ch) {
        case 's': submit = optarg; break;
        case 'v':
            if (strlen(optarg) == 0 || strlen(optarg) > LUXC_UPGRADE_VERSION_MAX) {
                fprintf(stderr, "luxc propose-upgrade: --version wants 1..%u characters\n",
                        LUXC_UPGRADE_VERSION_MAX);
                return 2;
            }
            snprintf(u.version, sizeof u.version, "%s", optarg);
            break;
        case 'r':
            if ((r = luxc_upgrade_risk_parse(optarg)) < 0) {
                fprintf(stderr, "luxc propose-upgrade: --risk wants low, medium, high or "
                                "critical, got '%s'\n", optarg);
                return 2;
            }
            u.risk = (uint8_t)r;
            break;
        case 'c': u.change_count = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 't': u.test_count = (uint32_t)strtoul(optarg, NULL, 10); break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!submit || !u.version[0] || optind < argc) {
        fprintf(stderr, "luxc propose-upgrade: --submit and --version are required\n");
        usage(stderr);
        return 2;
    }
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    u.timestamp_us = (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
    uint8_t tx[LUXC_UPGRADE_MAXBYTES];
    size_t len;
    if (luxc_upgrade_encode(tx, sizeof tx, &len, &u) != LUXC_OK) {
        fprintf(stderr, "luxc propose-upgrade: cannot encode the proposal\n");
        return 1;
    }
    void *ctx = zmq_ctx_new(), *push = zmq_socket(ctx, ZMQ_PUSH);
    int linger = 3000, rc = 1;
    zmq_setsockopt(push, ZMQ_LINGER, &linger, sizeof linger);
    if (zmq_connect(push, submit) != 0)
        fprintf(stderr, "luxc propose-upgrade: %s: %s\n", submit, zmq_strerror(zmq_errno()));
    else if (zmq_send(push, tx, len, 0) != (int)len)
        fprintf(stderr, "luxc propose-upgrade: send: %s\n", zmq_strerror(zmq_errno()));
    else
        rc = 0;
    zmq_close(push); /* linger: delivered if the node is up within 3 s */
    zmq_ctx_term(ctx);
    if (rc == 0)
        printf("proposed %s (risk %s, %u changes, %u tests) to %s\n", u.version,
               luxc_upgrade_risk_name(u.risk), u.change_count, u.test_count, submit);
    return rc;
}
