/* node_worker.c - the node core's durability worker (luxc_node_cfg.async).
 * Owns: one thread that signs our votes and commits them and finalized
 * blocks to the store in FIFO order, so the consensus loop never waits on
 * fsync or ML-DSA signing while peers wait for its answers; completed jobs
 * come back through a queue and an eventfd the loop watches.
 * Order is the safety argument: a height's block commits before any vote
 * for the next height, and a vote is on disk before it is sent.
 * Lock order: worker mutex only (never held while calling the store).
 * Calls node_durable.c only. */
#include "node_int.h"

#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

struct node_worker {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    node_job *todo_head, *todo_tail;
    node_job *done_head, *done_tail;
    int stop;
    int efd;
    luxc_node *n; /* read-only from the worker: keys, store, chain id */
};

void node_job_free(node_job *j)
{
    if (!j)
        return;
    free(j->block);
    free(j->cert);
    free(j->wire);
    free(j);
}

static void run_job(node_worker *w, node_job *j)
{
    luxc_node *n = w->n;
    if (j->kind == NODE_JOB_VOTE) {
        j->rc = node_vote_build(n, &j->vote, &j->wire, &j->wire_len);
        if (j->rc == LUXC_OK && n->cfg.store)
            j->rc = node_vote_store(n, &j->vote, j->wire, j->wire_len, j->block, j->block_len);
        return;
    }
    j->rc = node_block_store(n, j->height, j->id, j->parent, j->block, j->block_len, j->cert,
                             j->cert_len, &j->pruned_failed);
}

static void *worker_main(void *arg)
{
    node_worker *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        while (!w->todo_head && !w->stop)
            pthread_cond_wait(&w->cv, &w->mu);
        node_job *j = w->todo_head;
        if (j) {
            w->todo_head = j->next;
            if (!w->todo_head)
                w->todo_tail = NULL;
        }
        pthread_mutex_unlock(&w->mu);
        if (!j)
            return NULL; /* stop requested and the queue is drained */
        run_job(w, j);
        j->next = NULL;
        pthread_mutex_lock(&w->mu);
        if (w->done_tail)
            w->done_tail->next = j;
        else
            w->done_head = j;
        w->done_tail = j;
        pthread_mutex_unlock(&w->mu);
        uint64_t one = 1;
        ssize_t wr = write(w->efd, &one, sizeof one);
        (void)wr; /* the counter cannot overflow in practice; the loop also polls */
    }
}

int node_worker_new(node_worker **out, luxc_node *n)
{
    *out = NULL;
    node_worker *w = calloc(1, sizeof *w);
    if (!w)
        return LUXC_ENOMEM;
    w->n = n;
    w->efd = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (w->efd < 0) {
        free(w);
        return LUXC_EIO;
    }
    pthread_mutex_init(&w->mu, NULL);
    pthread_cond_init(&w->cv, NULL);
    if (pthread_create(&w->thread, NULL, worker_main, w) != 0) {
        close(w->efd);
        pthread_mutex_destroy(&w->mu);
        pthread_cond_destroy(&w->cv);
        free(w);
        return LUXC_ENOMEM;
    }
    *out = w;
    return LUXC_OK;
}

/* Drains the queue (pending blocks become durable), then stops. */
void node_worker_free(node_worker *w)
{
    if (!w)
        return;
    pthread_mutex_lock(&w->mu);
    w->stop = 1;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
    pthread_join(w->thread, NULL);
    node_job *j = w->done_head;
    while (j) {
        node_job *next = j->next;
        node_job_free(j);
        j = next;
    }
    close(w->efd);
    pthread_mutex_destroy(&w->mu);
    pthread_cond_destroy(&w->cv);
    free(w);
}

void node_worker_push(node_worker *w, node_job *j)
{
    j->next = NULL;
    pthread_mutex_lock(&w->mu);
    if (w->todo_tail)
        w->todo_tail->next = j;
    else
        w->todo_head = j;
    w->todo_tail = j;
    pthread_cond_signal(&w->cv);
    pthread_mutex_unlock(&w->mu);
}

node_job *node_worker_take_done(node_worker *w)
{
    uint64_t count;
    ssize_t rd = read(w->efd, &count, sizeof count);
    (void)rd; /* EAGAIN when nothing was signalled: the list says the same */
    pthread_mutex_lock(&w->mu);
    node_job *j = w->done_head;
    w->done_head = w->done_tail = NULL;
    pthread_mutex_unlock(&w->mu);
    return j;
}

int node_worker_fd(const node_worker *w) { return w ? w->efd : -1; }
