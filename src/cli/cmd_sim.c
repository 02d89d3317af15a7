/* cmd_sim.c - `luxc sim`: run the deterministic network simulator
 * (luxc/consensus_sim.h) and print its report as text or JSON.
 * The wall clock is read here only, for `seconds` and the progress line;
 * the simulation itself never sees it. */
#include "cli.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "luxc/consensus_sim.h"

static const char usage_text[] =
    "usage: luxc sim [options]\n"
    "\n"
    "Simulate N validators running luxc's consensus in one process and\n"
    "report rounds to finality, finalized blocks, agreement and safety.\n"
    "The run is deterministic: the same options and --seed give the same\n"
    "result on every machine (no clock or thread influences it).\n"
    "\n"
    "Model: heights are decided one after another. At each height\n"
    "--candidates conflicting blocks exist (candidate 0 from the honest\n"
    "proposer, the last one the Byzantine block) and every honest validator\n"
    "starts preferring a random one. Each round every undecided honest\n"
    "validator samples K validators uniformly without replacement, counts\n"
    "their answers (their preference of the previous round) and runs one\n"
    "snowball poll: alpha_pref votes make it successful, alpha_conf votes\n"
    "count towards beta consecutive successes, which decide. A block is\n"
    "finalized (certified) when validators holding more than 2/3 of stake\n"
    "signed it (every validator has stake 1).\n"
    "\n"
    "Finality (--finality rounds, the default, what the node runs): the race\n"
    "above only gives each honest validator its round-0 choice; every honest\n"
    "validator then runs the node's round rule (propose, prevote, precommit,\n"
    "lock, growing timeouts; docs/CONSENSUS.md) over the messages its region\n"
    "has received. Time goes in ticks (one tick = one poll round). Before GST\n"
    "a message waits 1 to 1 + --delay ticks, and each loss (--loss) costs a\n"
    "resend 2 ticks later; from --gst on every message arrives the next tick.\n"
    "Validators sit in up to 64 regions (a message reaches a region at once),\n"
    "so up to 64 validators each have their own view. Byzantine ones vote in\n"
    "every round, at once: fixed for the last candidate, random and\n"
    "equivocate different candidates to different regions, silent never.\n"
    "--finality snowman: the race alone decides (the reference's model).\n"
    "\n";

/* Two strings: C17 compilers need not take one over 4095 characters. */
static const char usage_options[] =
    "Options:\n"
    "  -n, --nodes N          validators (default 100; up to 10,000,000)\n"
    "  -f, --byzantine F      Byzantine fraction in [0, 1) (default 0);\n"
    "                         floor(F * N) validators, chosen by the seed\n"
    "  -b, --blocks B         heights to decide (default 10)\n"
    "  -s, --seed S           seed of the run (default 1)\n"
    "  -S, --strategy NAME    Byzantine behaviour (default honest):\n"
    "                           honest      follow the protocol\n"
    "                           fixed       always answer/sign the Byzantine block\n"
    "                           random      answer/sign a random candidate\n"
    "                           equivocate  tell each querier the candidate it\n"
    "                                       does not prefer; sign every candidate\n"
    "                           silent      never answer, never sign\n"
    "  -l, --loss P           drop each answer with probability P (default 0)\n"
    "  -d, --delay D          answers reflect state up to D rounds old (default 0)\n"
    "  -c, --candidates C     conflicting blocks per height (default 2)\n"
    "  -p, --preset NAME      parameters: default, mainnet, testnet, local,\n"
    "                         localbft, single (default: default, K=20 a=14 b=14)\n"
    "      --k K              override the sample size\n"
    "      --alpha A          override alpha_pref and alpha_conf\n"
    "      --alpha-conf A     override alpha_conf only\n"
    "      --beta B           override beta\n"
    "      --fpc              per-round FPC thresholds, theta in [0.5, 0.8]\n"
    "  -r, --max-rounds R     give up on a height after R rounds (ticks) (default\n"
    "                         1000); such a height counts as stalled\n"
    "  -F, --finality NAME    rounds (default) or snowman\n"
    "  -g, --gst R            rounds: the network is timely from tick R on: no\n"
    "                         loss, no delay (default: never)\n"
    "      --crash P          rounds: before GST, each tick, each honest validator\n"
    "                         crashes with probability P and restarts from its\n"
    "                         persisted round state (default 0)\n"
    "      --down T           rounds: ticks a crashed validator stays down (10)\n"
    "      --round-ticks T    rounds: round 0's propose timeout (default beta + 4);\n"
    "                         vote steps and each later round add T/2\n"
    "  -j, --json             print one JSON object on stdout\n"
    "  -q, --quiet            no progress line on stderr\n"
    "  -h, --help             this text\n"
    "\n"
    "Output: nodes, byzantine (count), blocks, blocks_finalized, rounds\n"
    "(total), rounds_per_block (mean, max), agreement (every honest validator\n"
    "decided the same block at every height), safety_violations (heights\n"
    "where two honest validators decided different blocks),\n"
    "conflicting_certificates, stalled_blocks, polls, votes, lost, and with\n"
    "rounds finality consensus_rounds (mean, max), heights_after_gst,\n"
    "stalled_heights_after_gst, max_rounds_after_gst, crashes;\n"
    "memory_bytes, bytes_per_validator, seconds (wall time, not part of the\n"
    "deterministic result).\n"
    "\n"
    "Exit status: 0 when the run completes with agreement, 1 when it\n"
    "completes without (a finding, not a crash), 2 on a usage error.\n"
    "\n"
    "Example:\n"
    "  luxc sim --nodes 10000 --byzantine 0.2 --blocks 100 --seed 7 \\\n"
    "           --strategy equivocate --json\n"
    "  luxc sim --nodes 10 --preset local --delay 5 --loss 0.5 --candidates 3 \\\n"
    "           --blocks 500 --gst 2000 --crash 0.01\n";

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct progress {
    double start, last;
    uint32_t blocks;
    int tty, shown;
} progress;

static void on_progress(void *ctx, uint32_t height, uint64_t rounds)
{
    progress *p = ctx;
    double t = now_s();
    if (t - p->last < (p->tty ? 0.5 : 10.0) || t - p->start < 1.0)
        return;
    p->last = t;
    p->shown = 1;
    fprintf(stderr, "%ssim: height %u/%u, %llu rounds, %.1f s%s", p->tty ? "\r" : "", height,
            p->blocks, (unsigned long long)rounds, t - p->start, p->tty ? "" : "\n");
    fflush(stderr);
}

static int parse_u32(const char *s, uint32_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 0);
    if (errno || end == s || *end || v > UINT32_MAX || s[0] == '-')
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int bad(const char *what, const char *val)
{
    fprintf(stderr, "luxc sim: invalid %s '%s' (try luxc sim --help)\n", what, val);
    return 2;
}

static const char *finality_name(luxc_sim_finality f)
{
    return f == LUXC_SIM_FINALITY_ROUNDS ? "rounds" : "snowman";
}

static void print_json(const luxc_sim_cfg *cfg, const luxc_sim_result *r, double secs)
{
    cJSON *o = cJSON_CreateObject();
    if (!o) {
        fprintf(stderr, "luxc sim: out of memory\n");
        return;
    }
    cJSON_AddNumberToObject(o, "nodes", r->nodes);
    cJSON_AddNumberToObject(o, "byzantine", r->byzantine_nodes);
    cJSON_AddNumberToObject(o, "byzantine_fraction", cfg->byzantine);
    cJSON_AddStringToObject(o, "strategy", luxc_sim_strategy_name(cfg->strategy));
    cJSON_AddNumberToObject(o, "seed", (double)cfg->seed);
    cJSON_AddNumberToObject(o, "k", cfg->params.k);
    cJSON_AddNumberToObject(o, "alpha_pref", cfg->params.alpha_pref);
    cJSON_AddNumberToObject(o, "alpha_conf", cfg->params.alpha_conf);
    cJSON_AddNumberToObject(o, "beta", cfg->params.beta);
    cJSON_AddBoolToObject(o, "fpc", cfg->params.fpc != 0);
    cJSON_AddNumberToObject(o, "loss", cfg->loss);
    cJSON_AddNumberToObject(o, "delay", cfg->delay);
    cJSON_AddNumberToObject(o, "candidates", cfg->candidates);
    cJSON_AddNumberToObject(o, "blocks", r->blocks);
    cJSON_AddNumberToObject(o, "blocks_finalized", r->blocks_finalized);
    cJSON_AddNumberToObject(o, "rounds", (double)r->rounds);
    cJSON_AddNumberToObject(o, "rounds_per_block_mean", r->mean_rounds_per_block);
    cJSON_AddNumberToObject(o, "rounds_per_block_max", r->max_rounds_per_block);
    cJSON_AddBoolToObject(o, "agreement", r->agreement != 0);
    cJSON_AddNumberToObject(o, "safety_violations", r->safety_violations);
    cJSON_AddNumberToObject(o, "conflicting_certificates", r->conflicting_certificates);
    cJSON_AddNumberToObject(o, "stalled_blocks", r->stalled_blocks);
    cJSON_AddNumberToObject(o, "byzantine_wins", r->byzantine_wins);
    cJSON_AddStringToObject(o, "finality", finality_name(cfg->finality));
    if (cfg->finality == LUXC_SIM_FINALITY_ROUNDS) {
        if (cfg->gst == LUXC_SIM_NO_GST)
            cJSON_AddNullToObject(o, "gst");
        else
            cJSON_AddNumberToObject(o, "gst", (double)cfg->gst);
        cJSON_AddNumberToObject(o, "crash", cfg->crash);
        cJSON_AddNumberToObject(o, "crashes", (double)r->crashes);
        cJSON_AddNumberToObject(o, "consensus_rounds_mean",
                                (double)r->consensus_rounds / (double)r->blocks);
        cJSON_AddNumberToObject(o, "consensus_rounds_max", r->max_consensus_rounds);
        cJSON_AddNumberToObject(o, "heights_after_gst", r->heights_after_gst);
        cJSON_AddNumberToObject(o, "stalled_heights_after_gst", r->stalled_heights_after_gst);
        cJSON_AddNumberToObject(o, "max_rounds_after_gst", r->max_rounds_after_gst);
    }
    cJSON_AddNumberToObject(o, "polls", (double)r->polls);
    cJSON_AddNumberToObject(o, "votes", (double)r->votes);
    cJSON_AddNumberToObject(o, "lost", (double)r->lost);
    cJSON_AddNumberToObject(o, "memory_bytes", (double)r->bytes);
    cJSON_AddNumberToObject(o, "bytes_per_validator", r->bytes_per_validator);
    cJSON_AddNumberToObject(o, "seconds", secs);
    char *txt = cJSON_PrintUnformatted(o);
    if (txt)
        printf("%s\n", txt);
    cJSON_free(txt);
    cJSON_Delete(o);
}

static void print_text(const luxc_sim_cfg *cfg, const luxc_sim_result *r, double secs)
{
    printf("luxc sim: %u validators (%u Byzantine, %s), K=%u alpha=%u/%u beta=%u%s, seed %llu\n",
           r->nodes, r->byzantine_nodes, luxc_sim_strategy_name(cfg->strategy), cfg->params.k,
           cfg->params.alpha_pref, cfg->params.alpha_conf, cfg->params.beta,
           cfg->params.fpc ? " (FPC)" : "", (unsigned long long)cfg->seed);
    printf("  blocks finalized    %u / %u\n", r->blocks_finalized, r->blocks);
    printf("  rounds              %llu (mean %.1f, max %u per block)\n",
           (unsigned long long)r->rounds, r->mean_rounds_per_block, r->max_rounds_per_block);
    printf("  agreement           %s\n", r->agreement ? "yes" : "NO");
    printf("  safety violations   %u\n", r->safety_violations);
    printf("  conflicting certs   %u\n", r->conflicting_certificates);
    printf("  stalled blocks      %u\n", r->stalled_blocks);
    if (cfg->finality == LUXC_SIM_FINALITY_ROUNDS) {
        printf("  finality            round rule: %.2f rounds per height (max %u), %llu crashes\n",
               (double)r->consensus_rounds / (double)r->blocks, r->max_consensus_rounds,
               (unsigned long long)r->crashes);
        if (cfg->gst != LUXC_SIM_NO_GST)
            printf("  after GST (tick %llu) %u heights: %u stalled, at most %u rounds\n",
                   (unsigned long long)cfg->gst, r->heights_after_gst,
                   r->stalled_heights_after_gst, r->max_rounds_after_gst);
    } else {
        printf("  finality            snowman race alone\n");
    }
    printf("  polls / votes       %llu / %llu (%llu lost)\n", (unsigned long long)r->polls,
           (unsigned long long)r->votes, (unsigned long long)r->lost);
    printf("  memory              %.1f MiB, %.1f bytes per validator\n",
           (double)r->bytes / 1048576.0, r->bytes_per_validator);
    printf("  time                %.3f s\n", secs);
}

enum { OPT_K = 256, OPT_ALPHA, OPT_ALPHA_CONF, OPT_BETA, OPT_FPC, OPT_CRASH, OPT_DOWN,
       OPT_ROUND_TICKS };

int luxc_cmd_sim(int argc, char **argv)
{
    static const struct option opts[] = {
        {"nodes", required_argument, 0, 'n'},      {"byzantine", required_argument, 0, 'f'},
        {"blocks", required_argument, 0, 'b'},     {"seed", required_argument, 0, 's'},
        {"strategy", required_argument, 0, 'S'},   {"loss", required_argument, 0, 'l'},
        {"delay", required_argument, 0, 'd'},      {"candidates", required_argument, 0, 'c'},
        {"preset", required_argument, 0, 'p'},     {"k", required_argument, 0, OPT_K},
        {"alpha", required_argument, 0, OPT_ALPHA}, {"alpha-conf", required_argument, 0, OPT_ALPHA_CONF},
        {"beta", required_argument, 0, OPT_BETA},  {"fpc", no_argument, 0, OPT_FPC},
        {"max-rounds", required_argument, 0, 'r'}, {"json", no_argument, 0, 'j'},
        {"quiet", no_argument, 0, 'q'},            {"help", no_argument, 0, 'h'},
        {"finality", required_argument, 0, 'F'},   {"gst", required_argument, 0, 'g'},
        {"crash", required_argument, 0, OPT_CRASH}, {"down", required_argument, 0, OPT_DOWN},
        {"round-ticks", required_argument, 0, OPT_ROUND_TICKS},
        {0, 0, 0, 0},
    };
    luxc_sim_cfg cfg;
    luxc_sim_defaults(&cfg);
    cfg.seed = 1;
    int json = 0, quiet = 0, fpc = 0;
    uint32_t k = 0, alpha = 0, alpha_conf = 0, beta = 0;
    const char *preset = "default";
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "n:f:b:s:S:l:d:c:p:r:F:g:jqh", opts, NULL)) != -1) {
        switch (c) {
        case 'n':
            if (parse_u32(optarg, &cfg.nodes) || cfg.nodes == 0)
                return bad("--nodes", optarg);
            break;
        case 'f':
            if (parse_double(optarg, &cfg.byzantine) || cfg.byzantine < 0 || cfg.byzantine >= 1)
                return bad("--byzantine", optarg);
            break;
        case 'b':
            if (parse_u32(optarg, &cfg.blocks) || cfg.blocks == 0)
                return bad("--blocks", optarg);
            break;
        case 's': {
            char *end;
            errno = 0;
            cfg.seed = strtoull(optarg, &end, 0);
            if (errno || end == optarg || *end)
                return bad("--seed", optarg);
            break;
        }
        case 'S':
            if (luxc_sim_strategy_parse(optarg, &cfg.strategy) != LUXC_OK)
                return bad("--strategy", optarg);
            break;
        case 'l':
            if (parse_double(optarg, &cfg.loss) || cfg.loss < 0 || cfg.loss > 1)
                return bad("--loss", optarg);
            break;
        case 'd':
            if (parse_u32(optarg, &cfg.delay) || cfg.delay > LUXC_SIM_MAX_DELAY)
                return bad("--delay", optarg);
            break;
        case 'c':
            if (parse_u32(optarg, &cfg.candidates) || cfg.candidates == 0 ||
                cfg.candidates > LUXC_SIM_MAX_CANDIDATES)
                return bad("--candidates", optarg);
            break;
        case 'p':
            preset = optarg;
            break;
        case OPT_K:
            if (parse_u32(optarg, &k) || k == 0)
                return bad("--k", optarg);
            break;
        case OPT_ALPHA:
            if (parse_u32(optarg, &alpha) || alpha == 0)
                return bad("--alpha", optarg);
            break;
        case OPT_ALPHA_CONF:
            if (parse_u32(optarg, &alpha_conf) || alpha_conf == 0)
                return bad("--alpha-conf", optarg);
            break;
        case OPT_BETA:
            if (parse_u32(optarg, &beta) || beta == 0)
                return bad("--beta", optarg);
            break;
        case OPT_FPC:
            fpc = 1;
            break;
        case 'r':
            if (parse_u32(optarg, &cfg.max_rounds) || cfg.max_rounds == 0)
                return bad("--max-rounds", optarg);
            break;
        case 'F':
            if (luxc_sim_finality_parse(optarg, &cfg.finality) != LUXC_OK)
                return bad("--finality", optarg);
            break;
        case 'g': {
            char *end;
            errno = 0;
            cfg.gst = strtoull(optarg, &end, 0);
            if (errno || end == optarg || *end || optarg[0] == '-' || cfg.gst == LUXC_SIM_NO_GST)
                return bad("--gst", optarg);
            break;
        }
        case OPT_CRASH:
            if (parse_double(optarg, &cfg.crash) || cfg.crash < 0 || cfg.crash > 1)
                return bad("--crash", optarg);
            break;
        case OPT_DOWN:
            if (parse_u32(optarg, &cfg.down) || cfg.down == 0)
                return bad("--down", optarg);
            break;
        case OPT_ROUND_TICKS:
            if (parse_u32(optarg, &cfg.round_ticks) || cfg.round_ticks == 0)
                return bad("--round-ticks", optarg);
            break;
        case 'j':
            json = 1;
            break;
        case 'q':
            quiet = 1;
            break;
        case 'h':
            fputs(usage_text, stdout);
            fputs(usage_options, stdout);
            return 0;
        default:
            fprintf(stderr, "try luxc sim --help\n");
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "luxc sim: unexpected argument '%s' (try luxc sim --help)\n", argv[optind]);
        return 2;
    }
    if (luxc_params_preset(&cfg.params, preset) != LUXC_OK)
        return bad("--preset", preset);
    if (k)
        cfg.params.k = k;
    if (alpha)
        cfg.params.alpha_pref = cfg.params.alpha_conf = alpha;
    if (alpha_conf)
        cfg.params.alpha_conf = alpha_conf;
    if (beta)
        cfg.params.beta = beta;
    cfg.params.fpc = fpc;
    char msg[256];
    if (luxc_params_validate(&cfg.params, msg, sizeof msg) != LUXC_OK) {
        fprintf(stderr, "luxc sim: invalid parameters: %s\n", msg);
        return 2;
    }
    if (cfg.finality == LUXC_SIM_FINALITY_ROUNDS && cfg.nodes > LUXC_SIM_MAX_ROUNDS_NODES) {
        fprintf(stderr,
                "luxc sim: rounds finality runs one round rule per validator: at most %u "
                "nodes (--finality snowman goes to %u)\n",
                LUXC_SIM_MAX_ROUNDS_NODES, LUXC_SIM_MAX_NODES);
        return 2;
    }
    if (cfg.params.k > cfg.nodes) {
        fprintf(stderr, "luxc sim: K=%u is larger than --nodes %u\n", cfg.params.k, cfg.nodes);
        return 2;
    }
    progress pr = {now_s(), 0, cfg.blocks, isatty(STDERR_FILENO), 0};
    pr.last = pr.start;
    if (!quiet) {
        cfg.progress = on_progress;
        cfg.progress_ctx = &pr;
    }
    luxc_sim_result res;
    int rc = luxc_sim_run(&cfg, &res);
    double secs = now_s() - pr.start;
    if (pr.shown && pr.tty)
        fprintf(stderr, "\r\033[K");
    if (rc != LUXC_OK) {
        fprintf(stderr, "luxc sim: %s\n", luxc_strerror(rc));
        return 1;
    }
    if (json)
        print_json(&cfg, &res, secs);
    else
        print_text(&cfg, &res, secs);
    return res.agreement ? 0 : 1;
}
