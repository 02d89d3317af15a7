/* devnet_report.c - what `luxc devnet` says about a run: the network's
 * figures over its honest nodes, stall accounting, the summary table and
 * the JSON object.
 * Owns: arithmetic over the nodes' last /status and the two report formats.
 * Not here: reading status, running or perturbing nodes (cmd_devnet.c,
 * devnet_chaos.c). One thread. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <cjson/cJSON.h>

#include "chain/json_util.h"

#include "devnet.h"
#include "luxc/common.h"

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Network figures over honest nodes: height range, median of the nodes'
 * p50, worst p99, mean CPU % and bytes/s since the run phase began. */
void devnet_sum_up(const devnet *d, devnet_totals *t)
{
    memset(t, 0, sizeof *t);
    t->min_h = UINT64_MAX;
    double p50s[DEVNET_MAX_NODES];
    uint32_t k = 0;
    for (uint32_t i = 0; i < d->n; i++) {
        const devnet_node *nd = &d->nodes[i];
        if (!nd->up || nd->byzantine)
            continue;
        t->up++;
        t->min_h = nd->height < t->min_h ? nd->height : t->min_h;
        t->max_h = nd->height > t->max_h ? nd->height : t->max_h;
        t->msgs += nd->msgs_in;
        t->equivocations += nd->equivocations;
        t->dropped += nd->dropped;
        p50s[k++] = nd->p50;
        t->p99 = nd->p99 > t->p99 ? nd->p99 : t->p99;
        t->samples = k == 1 || nd->samples < t->samples ? nd->samples : t->samples;
        double wall = nd->uptime - nd->uptime0;
        if (wall > 0) {
            t->cpu_pct += 100.0 * (nd->cpu - nd->cpu0) / wall;
            t->bytes_per_s += (double)(nd->bytes_in + nd->bytes_out - nd->bytes0) / wall;
        }
    }
    if (k) {
        qsort(p50s, k, sizeof *p50s, cmp_d);
        t->p50 = p50s[(k - 1) / 2];
        t->cpu_pct /= k;
        t->bytes_per_s /= k;
    }
    if (t->min_h == UINT64_MAX)
        t->min_h = 0;
}


const char *devnet_exit_text(char *buf, size_t cap, int status)
{
    if (WIFSIGNALED(status))
        snprintf(buf, cap, "signal %d", WTERMSIG(status));
    else
        snprintf(buf, cap, "exit status %d", WEXITSTATUS(status));
    return buf;
}

void devnet_note_stall(devnet_facts *rf, devnet_chaos_kind latest, double seconds)
{
    double ms = seconds * 1e3;
    if (ms > rf->longest_stall_ms)
        rf->longest_stall_ms = ms;
    if (ms > rf->stall_by_kind_ms[latest])
        rf->stall_by_kind_ms[latest] = ms;
}

void devnet_print_summary(const devnet *d, const devnet_totals *t, double secs, uint64_t base_h,
                          const devnet_facts *rf)
{
    fprintf(stdout, "\n%-8s %8s %8s %10s %10s %8s %12s %12s\n", "node", "height", "peers",
            "p50 ms", "p99 ms", "CPU %", "msgs in", "bytes/s");
    for (uint32_t i = 0; i < d->n; i++) {
        const devnet_node *nd = &d->nodes[i];
        double wall = nd->uptime - nd->uptime0;
        fprintf(stdout, "node%-4u %8llu %8u %10.2f %10.2f %8.1f %12llu %12.0f%s\n", i,
                (unsigned long long)nd->height, nd->peers, nd->p50, nd->p99,
                wall > 0 ? 100.0 * (nd->cpu - nd->cpu0) / wall : 0.0,
                (unsigned long long)nd->msgs_in,
                wall > 0 ? (double)(nd->bytes_in + nd->bytes_out - nd->bytes0) / wall : 0.0,
                nd->byzantine ? "  (byzantine)" : nd->up ? "" : "  (no status)");
        if (nd->crashes) {
            char how[32];
            fprintf(stdout, "         crashed %u time%s, last: %s; see %s/node.log\n",
                    nd->crashes, nd->crashes == 1 ? "" : "s",
                    devnet_exit_text(how, sizeof how, nd->last_status), nd->dir);
        }
    }
    uint64_t blocks = t->min_h > base_h ? t->min_h - base_h : 0;
    fprintf(stdout,
            "\n%u nodes, %.1f s: %llu blocks finalized by every honest node%s (%.1f blocks/s), "
            "finality p50 %.2f ms, p99 %.2f ms (each node's last %llu blocks at least), CPU %.1f "
            "%% per node, %.0f bytes/s per node\n"
            "safety: %llu violations over %llu heights (%llu held by two or more stores), "
            "%u stores opened, %u not opened, %llu read errors\n",
            d->n, secs, (unsigned long long)blocks, rf->honest_crashes ? " still running" : "",
            secs > 0 ? blocks / secs : 0.0, t->p50, t->p99, (unsigned long long)t->samples,
            t->cpu_pct, t->bytes_per_s,
            (unsigned long long)rf->cmp.violations, (unsigned long long)rf->cmp.heights_compared,
            (unsigned long long)rf->cmp.heights_shared, rf->stores_opened, rf->store_open_errors,
            (unsigned long long)rf->cmp.read_errors);
    if (rf->honest_crashes || rf->byzantine_crashes)
        fprintf(stdout, "crashes: %u of honest nodes, %u of byzantine nodes\n", rf->honest_crashes,
                rf->byzantine_crashes);
    fprintf(stdout, "longest stall: %.0f ms without a new finalized height", rf->longest_stall_ms);
    if (rf->chaos)
        fprintf(stdout,
                "\nchaos (seed %llu): %u perturbations - %u kill -9 of one node, %u of all, "
                "%u SIGSTOP; %u processes killed"
                "\nlongest stall after kill -9 of one node %.0f ms, of all %.0f ms, "
                "SIGSTOP %.0f ms",
                (unsigned long long)rf->chaos_seed, rf->chaos->perturbations,
                rf->chaos->perturbations - rf->chaos->kill_alls - rf->chaos->pauses,
                rf->chaos->kill_alls, rf->chaos->pauses, rf->kills,
                rf->stall_by_kind_ms[DEVNET_CHAOS_KILL_ONE],
                rf->stall_by_kind_ms[DEVNET_CHAOS_KILL_ALL],
                rf->stall_by_kind_ms[DEVNET_CHAOS_PAUSE]);
    else if (rf->kills)
        fprintf(stdout, "; %u kill -9", rf->kills);
    fprintf(stdout, "\n");
}

int devnet_run_ok(const devnet *d, const devnet_totals *t, uint64_t base_h, const devnet_facts *f)
{
    uint32_t honest = 0;
    for (uint32_t i = 0; i < d->n; i++)
        honest += !d->nodes[i].byzantine;
    /* every honest store holds heights 1..min_h, so with two of them at
     * least that many heights must have been compared between stores */
    int shared_ok = honest < 2 || f->cmp.heights_shared >= t->min_h;
    return f->cmp.violations == 0 && f->honest_crashes == 0 && f->store_open_errors == 0 &&
           f->cmp.read_errors == 0 && shared_ok && t->min_h > base_h;
}

int devnet_print_json(const devnet *d, const devnet_totals *t, double secs, uint64_t base_h,
                      const devnet_facts *rf)
{
    const devnet_chaos *c = rf->chaos;
    uint64_t blocks = t->min_h > base_h ? t->min_h - base_h : 0;
    cJSON *j = cJSON_CreateObject();
    /* dir is the user's --dir: cJSON escapes whatever it holds */
    int ok =
        j && luxc_jadd_u64(j, "nodes", d->n) &&
        cJSON_AddStringToObject(j, "byzantine", rf->byzantine) &&
        luxc_jadd_u64(j, "byzantine_nodes", rf->byzantine_nodes) &&
        luxc_jadd_fixed(j, "seconds", secs, 3) && luxc_jadd_u64(j, "blocks_finalized", blocks) &&
        luxc_jadd_fixed(j, "blocks_per_s", secs > 0 ? blocks / secs : 0.0, 3) &&
        luxc_jadd_fixed(j, "finality_p50_ms", t->p50, 3) &&
        luxc_jadd_fixed(j, "finality_p99_ms", t->p99, 3) &&
        luxc_jadd_u64(j, "finality_samples", t->samples) &&
        luxc_jadd_u64(j, "safety_violations", rf->cmp.violations) &&
        luxc_jadd_u64(j, "heights_compared", rf->cmp.heights_compared) &&
        luxc_jadd_u64(j, "heights_shared", rf->cmp.heights_shared) &&
        luxc_jadd_u64(j, "read_errors", rf->cmp.read_errors) &&
        luxc_jadd_u64(j, "stores_opened", rf->stores_opened) &&
        luxc_jadd_u64(j, "store_open_errors", rf->store_open_errors) &&
        luxc_jadd_u64(j, "node_crashes", rf->honest_crashes) &&
        luxc_jadd_u64(j, "byzantine_crashes", rf->byzantine_crashes) &&
        luxc_jadd_fixed(j, "cpu_pct_per_node", t->cpu_pct, 2) &&
        luxc_jadd_fixed(j, "bytes_per_s_per_node", t->bytes_per_s, 0) &&
        luxc_jadd_u64(j, "max_height", t->max_h) && luxc_jadd_u64(j, "messages_in", t->msgs) &&
        luxc_jadd_u64(j, "kills", rf->kills) &&
        luxc_jadd_fixed(j, "longest_stall_ms", rf->longest_stall_ms, 0) &&
        luxc_jadd_u64(j, "perturbations", c ? c->perturbations : 0) &&
        luxc_jadd_u64(j, "kill_alls", c ? c->kill_alls : 0) &&
        luxc_jadd_u64(j, "pauses", c ? c->pauses : 0) &&
        luxc_jadd_fixed(j, "longest_stall_kill_one_ms", rf->stall_by_kind_ms[DEVNET_CHAOS_KILL_ONE],
                        0) &&
        luxc_jadd_fixed(j, "longest_stall_kill_all_ms", rf->stall_by_kind_ms[DEVNET_CHAOS_KILL_ALL],
                        0) &&
        luxc_jadd_fixed(j, "longest_stall_pause_ms", rf->stall_by_kind_ms[DEVNET_CHAOS_PAUSE], 0) &&
        (!c || luxc_jadd_u64(j, "chaos_seed", rf->chaos_seed)) &&
        luxc_jadd_u64(j, "equivocations_seen", t->equivocations) &&
        luxc_jadd_u64(j, "dropped_messages", t->dropped) &&
        cJSON_AddStringToObject(j, "dir", rf->keep ? d->dir : "") &&
        luxc_jput_line(stdout, j) == LUXC_OK;
    cJSON_Delete(j);
    if (!ok)
        fprintf(stderr, "luxc devnet: cannot write the JSON summary\n");
    return ok;
}
