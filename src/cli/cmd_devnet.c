/* cmd_devnet.c - `luxc devnet`: a local network of validator processes on
 * loopback, with a live progress line and a summary.
 * Owns: spawning and stopping the children (Ctrl-C stops every one),
 * reading their /status, the safety check over their stores afterwards,
 * and the human and JSON reports. */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <poll.h>
#include <time.h>
#include <unistd.h>

#include <cjson/cJSON.h>

#include "chain/json_util.h"

#include "cli.h"
#include "devnet.h"
#include "daemon/metrics.h"
#include "luxc/node.h"
#include "luxc/store.h"
#include "node_files.h"
#include "store_compare.h"

typedef struct opts {
    uint32_t nodes, blocks, seconds, load, byz_nodes, block_time, kill_every;
    int json, keep, chaos, chaos_seed_set;
    uint64_t chaos_seed;
    luxc_behaviour byz;
    const char *dir;
} opts;

static double mono_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc devnet [--nodes N] [--blocks B | --seconds S] [options]\n"
            "\n"
            "Start a local network: create keys and a genesis for N validators, spawn N\n"
            "`luxc node` processes on loopback, show one live progress line (height,\n"
            "blocks/s, p50/p99 finality, messages/s, CPU %%), and end with a summary.\n"
            "Afterwards every node's store is opened read-only and compared height by\n"
            "height: two different finalized blocks at one height is a safety violation.\n"
            "Ctrl-C stops every node and still prints the summary.\n"
            "\n"
            "  -n, --nodes N           validators (default 5, at most %d)\n"
            "  -b, --blocks B          stop when every honest node finalized B blocks\n"
            "  -s, --seconds S         stop after S seconds (default 30 when no --blocks)\n"
            "  -l, --load TPS          each node generates TPS transactions/s (default 0)\n"
            "  -t, --block-time MS     minimum time between blocks (default: preset's)\n"
            "  -B, --byzantine MODE    silent, random or equivocate ...\n"
            "  -k, --byzantine-nodes K ... on K nodes (default 1; keep K < N/3)\n"
            "  -d, --dir DIR           work folder (default: a new /tmp/luxc-devnet-*)\n"
            "  -x, --kill-every MS     crash test: every MS ms kill -9 a random honest\n"
            "                          node and restart it 200 ms later (it recovers from\n"
            "                          its store and catches up from certified blocks)\n"
            "  -c, --chaos             perturb the running network: kill -9 a node, kill -9\n"
            "                          every node at once, or SIGSTOP a node for 1-3 s, each\n"
            "                          followed by 4-6 s of calm (a seeded schedule)\n"
            "      --chaos-seed N      the schedule's seed (default: from the clock; the\n"
            "                          summary prints it)\n"
            "      --keep              keep the work folder (logs in DIR/node*/node.log)\n"
            "  -j, --json              print one JSON object: nodes, blocks_finalized,\n"
            "                          blocks_per_s, finality_p50_ms, finality_p99_ms,\n"
            "                          safety_violations, cpu_pct_per_node,\n"
            "                          longest_stall_ms (the longest time in which no node\n"
            "                          finalized a new height; +-0.25 s), perturbations, ...\n"
            "  -h, --help              show this text\n"
            "\n"
            "Exit status: 0 when the network finalized blocks with no safety violation, no\n"
            "honest node crashed, and every honest store opened and read; 1 otherwise,\n"
            "2 on a usage error.\n",
            DEVNET_MAX_NODES);
}

static int num(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    char *end;
    unsigned long v = strtoul(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || v < lo || v > hi)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

static int parse(int argc, char **argv, opts *o)
{
    static const struct option lo[] = {
        {"nodes", required_argument, NULL, 'n'},  {"blocks", required_argument, NULL, 'b'},
        {"seconds", required_argument, NULL, 's'}, {"load", required_argument, NULL, 'l'},
        {"block-time", required_argument, NULL, 't'},
        {"byzantine", required_argument, NULL, 'B'},
        {"byzantine-nodes", required_argument, NULL, 'k'}, {"dir", required_argument, NULL, 'd'},
        {"keep", no_argument, NULL, 'K'},          {"json", no_argument, NULL, 'j'},
        {"kill-every", required_argument, NULL, 'x'},
        {"chaos", no_argument, NULL, 'c'},         {"chaos-seed", required_argument, NULL, 'S'},
        {"help", no_argument, NULL, 'h'},          {NULL, 0, NULL, 0}};
    memset(o, 0, sizeof *o);
    o->nodes = 5;
    o->byz_nodes = 1;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "n:b:s:l:t:B:k:d:x:cjh", lo, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'n': bad = num(optarg, 1, DEVNET_MAX_NODES, &o->nodes); break;
        case 'b': bad = num(optarg, 1, 100000000, &o->blocks); break;
        case 's': bad = num(optarg, 1, 86400, &o->seconds); break;
        case 'l': bad = num(optarg, 0, 1000000, &o->load); break;
        case 't': bad = num(optarg, 0, 60000, &o->block_time); break;
        case 'k': bad = num(optarg, 0, DEVNET_MAX_NODES, &o->byz_nodes); break;
        case 'x': bad = num(optarg, 10, 3600000, &o->kill_every); break;
        case 'B': {
            int b = luxc_behaviour_parse(optarg);
            bad = b <= 0;
            o->byz = b > 0 ? (luxc_behaviour)b : LUXC_HONEST;
            break;
        }
        case 'c': o->chaos = 1; break;
        case 'S': {
            char *end;
            errno = 0;
            o->chaos_seed = strtoull(optarg, &end, 10);
            bad = *optarg < '0' || *optarg > '9' || *end || errno != 0;
            o->chaos_seed_set = 1;
            break;
        }
        case 'd': o->dir = optarg; break;
        case 'K': o->keep = 1; break;
        case 'j': o->json = 1; break;
        case 'h': usage(stdout); return 1;
        default: usage(stderr); return 2;
        }
        if (bad) {
            const char *name = "?";
            for (const struct option *l = lo; l->name; l++)
                if (l->val == ch)
                    name = l->name;
            fprintf(stderr, "luxc devnet: bad value '%s' for --%s (see --help)\n", optarg, name);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "luxc devnet: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    if (o->chaos && o->kill_every) {
        fprintf(stderr, "luxc devnet: --chaos and --kill-every are two schedules; choose one\n");
        return 2;
    }
    if (!o->blocks && !o->seconds)
        o->seconds = 30;
    if (o->byz && 3 * o->byz_nodes >= o->nodes)
        fprintf(stderr, "luxc devnet: warning: %u byzantine of %u is not below 1/3; "
                        "safety is not guaranteed\n", o->byz_nodes, o->nodes);
    return 0;
}

/* luxc_behaviour's names, as `luxc node --byzantine` takes them */
static const char *const behaviour_names[] = {"honest", "silent", "random", "equivocate"};

typedef struct spawn_ctx {
    const opts *o;
    char *self_exe;
} spawn_ctx;

static pid_t spawn(devnet_node *nd, void *ctx)
{
    const opts *o = ((spawn_ctx *)ctx)->o;
    char *const self_exe = ((spawn_ctx *)ctx)->self_exe;
    char log[600], load[16];
    snprintf(log, sizeof log, "%s/node.log", nd->dir);
    snprintf(load, sizeof load, "%u", o->load);
    pid_t pid = fork();
    if (pid != 0)
        return pid;
    /* child: default signal mask, logs to its file */
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    FILE *f = freopen(log, "a", stderr);
    (void)f;
    char *args[12];
    int a = 0;
    args[a++] = self_exe;
    args[a++] = (char *)"node";
    args[a++] = (char *)"--config";
    args[a++] = (char *)nd->config;
    if (o->load) {
        args[a++] = (char *)"--load";
        args[a++] = load;
    }
    if (nd->byzantine) {
        args[a++] = (char *)"--byzantine";
        args[a++] = (char *)behaviour_names[o->byz];
    }
    args[a] = NULL;
    execv(self_exe, args);
    _exit(127);
}

static int read_status(devnet_node *nd)
{
    char buf[4096];
    size_t len;
    if (luxc_http_get(nd->metrics, "/status", buf, sizeof buf, &len, 500) != LUXC_OK) {
        nd->up = 0;
        return -1;
    }
    cJSON *j = cJSON_ParseWithLength(buf, len);
    if (!j)
        return -1;
    double v;
#define GET(field, dst)                                                                      \
    v = cJSON_GetNumberValue(cJSON_GetObjectItemCaseSensitive(j, field));                    \
    if (!isnan(v))                                                                           \
        dst = v;
    GET("height", nd->height);
    GET("blocks_finalized", nd->blocks);
    GET("msgs_in", nd->msgs_in);
    GET("msgs_out", nd->msgs_out);
    GET("bytes_in", nd->bytes_in);
    GET("bytes_out", nd->bytes_out);
    GET("finality_p50_ms", nd->p50);
    GET("finality_p99_ms", nd->p99);
    GET("finality_samples", nd->samples);
    GET("cpu_seconds", nd->cpu);
    GET("uptime_seconds", nd->uptime);
    GET("peers", nd->peers);
    GET("equivocations_seen", nd->equivocations);
    GET("dropped_msgs", nd->dropped);
#undef GET
    cJSON_Delete(j);
    nd->up = 1;
    return 0;
}

/* Compare every honest node's finalized blocks height by height (stores
 * opened read-only after the nodes stopped); a store that will not open
 * is counted and named, never skipped in silence. */
static void check_stores(const devnet *d, devnet_facts *f)
{
    luxc_store *s[DEVNET_MAX_NODES] = {0};
    for (uint32_t i = 0; i < d->n; i++) {
        if (d->nodes[i].byzantine)
            continue;
        char path[600], err[256] = "";
        snprintf(path, sizeof path, "%s/data", d->nodes[i].dir);
        luxc_store_cfg sc = {.path = path, .flags = LUXC_STORE_RDONLY | LUXC_STORE_NOVERIFY};
        int rc = luxc_store_new(&s[i], &sc, err, sizeof err);
        if (rc != LUXC_OK) {
            s[i] = NULL;
            f->store_open_errors++;
            fprintf(stderr, "luxc devnet: node%u's store %s does not open: %s (%s)\n", i, path,
                    luxc_strerror(rc), err);
        } else {
            f->stores_opened++;
        }
    }
    store_compare(s, d->n, &f->cmp);
    for (uint32_t i = 0; i < d->n; i++)
        luxc_store_free(s[i]);
}

/* A node's exit that we did not cause (not our kill -9): count it, and
 * say so on stderr also with --json (stdout holds only the object). */
static void note_exit(devnet_node *nd, uint32_t i, int status, int json)
{
    nd->crashes++;
    nd->last_status = status;
    char how[32];
    fprintf(stderr, "%sluxc devnet: node%u exited by itself (%s); see %s/node.log\n",
            json ? "" : "\n", i, devnet_exit_text(how, sizeof how, status), nd->dir);
}

/* Reap children that ended on their own while the network runs. */
static void reap_crashed(devnet *d, int json)
{
    for (uint32_t i = 0; i < d->n; i++) {
        devnet_node *nd = &d->nodes[i];
        int st;
        if (nd->pid > 0 && waitpid(nd->pid, &st, WNOHANG) == nd->pid) {
            nd->pid = 0;
            nd->up = 0;
            nd->paused = 0;
            note_exit(nd, i, st, json);
        }
    }
}

/* SIGTERM every node; a node must then exit with status 0 within 10 s
 * (anything else, or the SIGKILL after 10 s, is counted as a crash). */
static void stop_all(devnet *d, int json)
{
    for (uint32_t i = 0; i < d->n; i++)
        if (d->nodes[i].pid > 0)
            kill(d->nodes[i].pid, SIGTERM);
    double deadline = mono_s() + 10;
    for (uint32_t i = 0; i < d->n; i++) {
        devnet_node *nd = &d->nodes[i];
        while (nd->pid > 0) {
            int st = 0;
            pid_t r = waitpid(nd->pid, &st, WNOHANG);
            if (r == nd->pid || (r < 0 && errno == ECHILD)) {
                int reaped = r == nd->pid;
                nd->pid = 0;
                if (reaped && !(WIFEXITED(st) && WEXITSTATUS(st) == 0))
                    note_exit(nd, i, st, json);
            } else if (mono_s() > deadline) {
                kill(nd->pid, SIGKILL);
                waitpid(nd->pid, &st, 0);
                nd->pid = 0;
                note_exit(nd, i, st, json);
            } else {
                struct timespec ts = {0, 20000000};
                nanosleep(&ts, NULL);
            }
        }
    }
}

static int wait_ready(devnet *d, int sigfd, double timeout)
{
    double end = mono_s() + timeout;
    while (mono_s() < end) {
        uint32_t ready = 0;
        for (uint32_t i = 0; i < d->n; i++)
            ready += read_status(&d->nodes[i]) == 0;
        if (ready == d->n)
            return 0;
        struct pollfd p = {sigfd, POLLIN, 0};
        if (poll(&p, 1, 100) > 0)
            return -1;
        for (uint32_t i = 0; i < d->n; i++) {
            int st;
            if (waitpid(d->nodes[i].pid, &st, WNOHANG) == d->nodes[i].pid) {
                fprintf(stderr, "luxc devnet: node%u exited at start; see %s/node.log\n", i,
                        d->nodes[i].dir);
                d->nodes[i].pid = 0;
                return -1;
            }
        }
    }
    fprintf(stderr, "luxc devnet: nodes did not start within %.0f s\n", timeout);
    return -1;
}

int luxc_cmd_devnet(int argc, char **argv)
{
    opts o;
    int prc = parse(argc, argv, &o);
    if (prc)
        return prc == 1 ? 0 : prc;
    static devnet d;
    memset(&d, 0, sizeof d);
    d.n = o.nodes;
    d.preset = node_files_default_preset(o.nodes);
    d.block_time_ms = o.block_time;
    if (o.dir) {
        snprintf(d.dir, sizeof d.dir, "%s", o.dir);
    } else {
        snprintf(d.dir, sizeof d.dir, "/tmp/luxc-devnet-XXXXXX");
        if (!mkdtemp(d.dir)) {
            fprintf(stderr, "luxc devnet: cannot create a work folder: %s\n", strerror(errno));
            return 1;
        }
    }
    for (uint32_t i = 0; o.byz && i < o.byz_nodes && i < d.n; i++)
        d.nodes[d.n - 1 - i].byzantine = 1;
    char err[512];
    if (devnet_setup(&d, err, sizeof err) != 0) {
        fprintf(stderr, "luxc devnet: %s\n", err);
        return 1;
    }
    char self_exe[4096];
    ssize_t sl = readlink("/proc/self/exe", self_exe, sizeof self_exe - 1);
    if (sl <= 0) {
        fprintf(stderr, "luxc devnet: cannot find the luxc program\n");
        return 1;
    }
    self_exe[sl] = '\0';
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    sigprocmask(SIG_BLOCK, &mask, NULL);
    int sigfd = signalfd(-1, &mask, SFD_CLOEXEC);
    spawn_ctx sc = {&o, self_exe};
    for (uint32_t i = 0; i < d.n; i++)
        d.nodes[i].pid = spawn(&d.nodes[i], &sc);
    if (!o.json)
        fprintf(stderr, "luxc devnet: %u nodes (%s preset) in %s\n", d.n, d.preset, d.dir);
    int interrupted = wait_ready(&d, sigfd, 30) != 0;
    for (uint32_t i = 0; i < d.n; i++) {
        devnet_node *nd = &d.nodes[i];
        nd->cpu0 = nd->cpu;
        nd->uptime0 = nd->uptime;
        nd->bytes0 = nd->bytes_in + nd->bytes_out;
    }
    devnet_totals t;
    devnet_sum_up(&d, &t);
    uint64_t base_h = t.min_h;
    double t0 = mono_s(), last_msgs_t = t0;
    uint64_t last_msgs = t.msgs;
    int tty = isatty(2);
    uint32_t kills = 0;
    int down = -1; /* node killed by --kill-every and waiting to restart */
    double next_kill = t0 + o.kill_every / 1e3, restart_at = 0;
    uint64_t kill_rng = (uint64_t)getpid() * 2654435761u;
    uint64_t chaos_seed = o.chaos_seed_set ? o.chaos_seed
                                           : (uint64_t)time(NULL) * 1000003u ^ (uint64_t)getpid();
    devnet_chaos chaos;
    devnet_chaos_init(&chaos, chaos_seed, t0);
    /* the frontier: the highest height any honest node has shown, and when */
    uint64_t frontier = t.max_h;
    double frontier_t = t0;
    devnet_facts rf = {.chaos = o.chaos ? &chaos : NULL,
                       .chaos_seed = chaos_seed,
                       .byzantine = o.byz ? behaviour_names[o.byz] : "none",
                       .byzantine_nodes = o.byz ? o.byz_nodes : 0,
                       .keep = o.keep};
    while (!interrupted) {
        double now0 = mono_s();
        if (o.kill_every && down < 0 && now0 >= next_kill) {
            kill_rng = kill_rng * 6364136223846793005u + 1442695040888963407u;
            uint32_t victim = (uint32_t)((kill_rng >> 33) % d.n);
            if (!d.nodes[victim].byzantine && d.nodes[victim].pid > 0) {
                devnet_node_kill(&d.nodes[victim]);
                down = (int)victim;
                kills++;
                restart_at = now0 + 0.2;
            }
            next_kill = now0 + o.kill_every / 1e3;
        }
        if (down >= 0 && now0 >= restart_at) {
            devnet_node_restart(&d.nodes[down], spawn, &sc);
            down = -1;
        }
        if (o.chaos && devnet_chaos_step(&chaos, &d, now0, spawn, &sc) && !o.json && !tty &&
            chaos.active != DEVNET_CHAOS_NONE)
            fprintf(stderr, "[%5.1fs] chaos: %s\n", now0 - t0, chaos.last);
        struct pollfd p = {sigfd, POLLIN, 0};
        if (poll(&p, 1, 250) > 0) {
            struct signalfd_siginfo si;
            if (read(sigfd, &si, sizeof si) > 0)
                interrupted = 1;
            break;
        }
        reap_crashed(&d, o.json);
        for (uint32_t i = 0; i < d.n; i++)
            if (!d.nodes[i].paused)
                read_status(&d.nodes[i]);
        devnet_sum_up(&d, &t);
        double now = mono_s(), el = now - t0;
        if (t.max_h > frontier) {
            devnet_note_stall(&rf, chaos.latest, now - frontier_t);
            frontier = t.max_h;
            frontier_t = now;
        }
        double mps = now > last_msgs_t ? (t.msgs - last_msgs) / (now - last_msgs_t) : 0;
        last_msgs = t.msgs;
        last_msgs_t = now;
        if (!o.json && tty)
            fprintf(stderr,
                    "\r[%5.1fs] height %llu  %.1f blocks/s  finality p50 %.2f ms p99 %.2f ms  "
                    "%.0f msgs/s  CPU %.1f%%/node%s%s%s   ",
                    el, (unsigned long long)t.min_h, el > 0 ? (t.min_h - base_h) / el : 0.0, t.p50,
                    t.p99, mps, t.cpu_pct, o.chaos ? "  chaos: " : "",
                    o.chaos ? chaos.last : "",
                    o.chaos && chaos.active == DEVNET_CHAOS_NONE && chaos.perturbations ? " (over)"
                                                                                        : "");
        else if (!o.json && (int)(el * 4) % 8 == 0)
            fprintf(stderr, "[%5.1fs] height %llu  %.1f blocks/s\n", el,
                    (unsigned long long)t.min_h, el > 0 ? (t.min_h - base_h) / el : 0.0);
        /* End in calm: nothing killed or stopped by us, every honest node
         * answering again (or 10 s past the time, for one that cannot). */
        uint32_t honest = 0; /* honest nodes that should answer: not crashed and down */
        for (uint32_t i = 0; i < d.n; i++)
            honest += !d.nodes[i].byzantine && !(d.nodes[i].pid <= 0 && d.nodes[i].crashes);
        int calm = down < 0 && chaos.active == DEVNET_CHAOS_NONE &&
                   (t.up == honest || (o.seconds && el >= o.seconds + 10.0));
        if (calm && ((o.blocks && t.up == honest && t.min_h - base_h >= o.blocks) ||
                     (o.seconds && el >= o.seconds)))
            break;
    }
    double secs = mono_s() - t0;
    devnet_chaos_finish(&chaos, &d);
    for (uint32_t i = 0; i < d.n; i++)
        read_status(&d.nodes[i]);
    devnet_sum_up(&d, &t);
    /* the stall still open when the run ended counts too */
    double end_t = mono_s();
    devnet_note_stall(&rf, chaos.latest, t.max_h > frontier ? 0 : end_t - frontier_t);
    reap_crashed(&d, o.json);
    stop_all(&d, o.json);
    if (!o.json && tty)
        fprintf(stderr, "\n");
    check_stores(&d, &rf);
    for (uint32_t i = 0; i < d.n; i++) {
        if (d.nodes[i].byzantine)
            rf.byzantine_crashes += d.nodes[i].crashes;
        else
            rf.honest_crashes += d.nodes[i].crashes;
    }
    int printed = 1;
    rf.kills = kills + chaos.kills;
    if (o.json)
        printed = devnet_print_json(&d, &t, secs, base_h, &rf);
    else
        devnet_print_summary(&d, &t, secs, base_h, &rf);
    if (!o.keep && !o.dir) {
        char cmd[600];
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", d.dir);
        if (system(cmd) != 0)
            fprintf(stderr, "luxc devnet: could not remove %s\n", d.dir);
    } else if (!o.json) {
        fprintf(stderr, "work folder kept: %s\n", d.dir);
    }
    close(sigfd);
    return (devnet_run_ok(&d, &t, base_h, &rf) && !interrupted && printed) ? 0 : 1;
}
