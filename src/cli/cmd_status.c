/* cmd_status.c - `luxc status`: ask a running node for its status. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "cli.h"
#include "daemon/metrics.h"
#include "luxc/node_config.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc status (--metrics HOST:PORT | --config FILE) [--json | --prometheus]\n"
            "\n"
            "Print a running node's status: height, peers, finality latency, traffic,\n"
            "drops. Reads GET /status from the node's metrics address (the \"metrics\"\n"
            "field of its configuration).\n"
            "\n"
            "  -m, --metrics HOST:PORT  the node's metrics address\n"
            "  -c, --config FILE        take the address from the node configuration\n"
            "  -j, --json               print the node's JSON as it is\n"
            "  -p, --prometheus         print the node's /metrics text instead\n"
            "  -h, --help               show this text\n"
            "\n"
            "Exit status: 0 ok, 1 the node did not answer, 2 usage error.\n");
}

int luxc_cmd_status(int argc, char **argv)
{
    static const struct option opts[] = {{"metrics", required_argument, NULL, 'm'},
                                         {"config", required_argument, NULL, 'c'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"prometheus", no_argument, NULL, 'p'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *addr = NULL, *config = NULL;
    int json = 0, prom = 0, ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "m:c:jph", opts, NULL)) != -1) {
        switch (ch) {
        case 'm': addr = optarg; break;
        case 'c': config = optarg; break;
        case 'j': json = 1; break;
        case 'p': prom = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if ((!addr && !config) || optind < argc) {
        fprintf(stderr, "luxc status: give --metrics HOST:PORT or --config FILE\n");
        usage(stderr);
        return 2;
    }
    luxc_node_config cfg;
    char err[512];
    if (!addr) {
        if (luxc_node_config_load(&cfg, config, err, sizeof err) != LUXC_OK) {
            fprintf(stderr, "luxc status: %s\n", err);
            return 1;
        }
        if (!cfg.metrics[0]) {
            fprintf(stderr, "luxc status: %s has no \"metrics\" address\n", config);
            return 1;
        }
        addr = cfg.metrics;
    }
    char buf[16384];
    size_t len;
    int rc = luxc_http_get(addr, prom ? "/metrics" : "/status", buf, sizeof buf, &len, 2000);
    if (rc != LUXC_OK) {
        fprintf(stderr, "luxc status: no answer from %s: %s\n", addr, luxc_strerror(rc));
        return 1;
    }
    if (json || prom) {
        fputs(buf, stdout);
        return 0;
    }
    cJSON *j = cJSON_ParseWithLength(buf, len);
    if (!j) {
        fprintf(stderr, "luxc status: %s answered something that is not JSON\n", addr);
        return 1;
    }
    const cJSON *it;
    cJSON_ArrayForEach(it, j) {
        if (cJSON_IsString(it))
            printf("%-20s %s\n", it->string, it->valuestring);
        else if (cJSON_IsNumber(it))
            printf("%-20s %.10g\n", it->string, it->valuedouble);
    }
    cJSON_Delete(j);
    return 0;
}
