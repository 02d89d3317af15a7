/* devnet_chaos.c - perturbations of a running devnet: kill -9 one node and
 * restart it, kill -9 every node at once and restart them all, or SIGSTOP
 * one node and SIGCONT it a few seconds later (`luxc devnet --chaos`, and
 * the single kill of `--kill-every`).
 * Owns: the seeded schedule (which perturbation, which node, how long, how
 * much calm after it), carrying each one out and undoing it, and counting.
 * Not here: starting a node process (the caller's spawn function), reading
 * status, measuring stalls (cmd_devnet.c).
 * The schedule is a function of the seed alone; what the network does in
 * between depends on timing, so a seed repeats the perturbations, not the
 * run. One thread. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>

#include "devnet.h"

/* Time without a perturbation after each one ends, so every stall the run
 * reports belongs to one perturbation and the network shows it recovered. */
#define CALM_MIN_S 4.0
#define CALM_SPAN_S 2.0

static uint64_t next_rand(devnet_chaos *c)
{
    /* PCG's LCG step; the high bits are the good ones */
    c->rng = c->rng * 6364136223846793005u + 1442695040888963407u;
    return c->rng >> 33;
}

/* uniform in [lo, lo + span) */
static double uniform(devnet_chaos *c, double lo, double span)
{
    return lo + span * (double)(next_rand(c) % 1000000) / 1e6;
}

void devnet_node_kill(devnet_node *nd)
{
    if (nd->pid <= 0)
        return;
    kill(nd->pid, SIGKILL);
    while (waitpid(nd->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    nd->pid = 0;
    nd->up = 0;
    nd->paused = 0;
}

void devnet_node_restart(devnet_node *nd, devnet_spawn_fn spawn, void *ctx)
{
    nd->pid = spawn(nd, ctx);
    /* a new process counts CPU, uptime and bytes from zero */
    nd->cpu0 = nd->uptime0 = 0;
    nd->bytes0 = 0;
}

void devnet_chaos_init(devnet_chaos *c, uint64_t seed, double now)
{
    *c = (devnet_chaos){.rng = seed ^ 0x9e3779b97f4a7c15u, .victim = -1};
    c->next_at = now + uniform(c, 2.0, 1.0);
}

const char *devnet_chaos_kind_name(devnet_chaos_kind k)
{
    switch (k) {
    case DEVNET_CHAOS_KILL_ONE: return "kill -9";
    case DEVNET_CHAOS_KILL_ALL: return "kill -9 all";
    case DEVNET_CHAOS_PAUSE: return "SIGSTOP";
    case DEVNET_CHAOS_NONE: break;
    }
    return "none";
}

/* An honest node still running, chosen by the schedule; -1 if none. */
static int pick_victim(devnet_chaos *c, const devnet *d)
{
    uint32_t start = (uint32_t)(next_rand(c) % d->n);
    for (uint32_t k = 0; k < d->n; k++) {
        uint32_t i = (start + k) % d->n;
        if (!d->nodes[i].byzantine && d->nodes[i].pid > 0)
            return (int)i;
    }
    return -1;
}

static void begin(devnet_chaos *c, devnet *d, double now)
{
    /* Kinds come from a deck of five - two kill -9 of one node, two SIGSTOP,
     * one kill -9 of all - shuffled anew when used up, so the 1st-5th
     * perturbations hold every kind, and the 6th-10th, ... */
    if (c->deck_left == 0) {
        static const devnet_chaos_kind deck[DEVNET_CHAOS_DECK] = {
            DEVNET_CHAOS_KILL_ONE, DEVNET_CHAOS_KILL_ONE, DEVNET_CHAOS_PAUSE, DEVNET_CHAOS_PAUSE,
            DEVNET_CHAOS_KILL_ALL};
        for (int i = 0; i < DEVNET_CHAOS_DECK; i++)
            c->deck[i] = deck[i];
        for (int i = DEVNET_CHAOS_DECK - 1; i > 0; i--) {
            int j = (int)(next_rand(c) % (uint64_t)(i + 1));
            devnet_chaos_kind tmp = c->deck[i];
            c->deck[i] = c->deck[j];
            c->deck[j] = tmp;
        }
        c->deck_left = DEVNET_CHAOS_DECK;
    }
    devnet_chaos_kind kind = c->deck[--c->deck_left];
    int victim = kind == DEVNET_CHAOS_KILL_ALL ? -1 : pick_victim(c, d);
    if (kind != DEVNET_CHAOS_KILL_ALL && victim < 0) {
        c->next_at = now + 1.0;
        return;
    }
    switch (kind) {
    case DEVNET_CHAOS_KILL_ONE:
        devnet_node_kill(&d->nodes[victim]);
        c->kills++;
        c->until = now + uniform(c, 0.2, 1.3);
        break;
    case DEVNET_CHAOS_KILL_ALL:
        for (uint32_t i = 0; i < d->n; i++)
            if (d->nodes[i].pid > 0) {
                devnet_node_kill(&d->nodes[i]);
                c->kills++;
            }
        c->kill_alls++;
        c->until = now + uniform(c, 0.2, 0.8);
        break;
    case DEVNET_CHAOS_PAUSE:
        kill(d->nodes[victim].pid, SIGSTOP);
        d->nodes[victim].paused = 1;
        c->pauses++;
        c->until = now + uniform(c, 1.0, 2.0);
        break;
    case DEVNET_CHAOS_NONE: break;
    }
    c->active = c->latest = kind;
    c->victim = victim;
    c->perturbations++;
    if (victim >= 0)
        snprintf(c->last, sizeof c->last, "%s node%d", devnet_chaos_kind_name(kind), victim);
    else
        snprintf(c->last, sizeof c->last, "%s", devnet_chaos_kind_name(kind));
}

/* Undo the perturbation in progress: restart what was killed, resume what
 * was stopped. */
static void undo(devnet_chaos *c, devnet *d, devnet_spawn_fn spawn, void *ctx)
{
    switch (c->active) {
    case DEVNET_CHAOS_KILL_ONE:
        devnet_node_restart(&d->nodes[c->victim], spawn, ctx);
        break;
    case DEVNET_CHAOS_KILL_ALL:
        for (uint32_t i = 0; i < d->n; i++)
            if (d->nodes[i].pid <= 0)
                devnet_node_restart(&d->nodes[i], spawn, ctx);
        break;
    case DEVNET_CHAOS_PAUSE:
        if (d->nodes[c->victim].pid > 0)
            kill(d->nodes[c->victim].pid, SIGCONT);
        d->nodes[c->victim].paused = 0;
        break;
    case DEVNET_CHAOS_NONE: break;
    }
    c->active = DEVNET_CHAOS_NONE;
    c->victim = -1;
}

int devnet_chaos_step(devnet_chaos *c, devnet *d, double now, devnet_spawn_fn spawn, void *ctx)
{
    if (c->active != DEVNET_CHAOS_NONE) {
        if (now < c->until)
            return 0;
        undo(c, d, spawn, ctx);
        c->next_at = now + uniform(c, CALM_MIN_S, CALM_SPAN_S);
        return 1;
    }
    if (now < c->next_at)
        return 0;
    begin(c, d, now);
    return c->active != DEVNET_CHAOS_NONE;
}

void devnet_chaos_finish(devnet_chaos *c, devnet *d)
{
    /* A stopped node must run again to take the SIGTERM that stops it; a
     * killed one stays down (its store is what the safety check reads). */
    if (c->active == DEVNET_CHAOS_PAUSE && d->nodes[c->victim].pid > 0) {
        kill(d->nodes[c->victim].pid, SIGCONT);
        d->nodes[c->victim].paused = 0;
    }
    c->active = DEVNET_CHAOS_NONE;
}
