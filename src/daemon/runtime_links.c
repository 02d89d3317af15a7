/* runtime_links.c - dial every other validator in the background.
 * Owns: one connector thread per peer and the hand-over of each finished
 * client to the loop thread (a mutex gives the full memory barrier libzmq
 * requires to move a socket between threads).
 * Lock order: only one mutex per link, never two at once. */
#include "runtime_links.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define DIAL_TIMEOUT_MS 1000
#define REDIAL_PAUSE_MS 100

typedef struct link {
    luxc_links *owner;
    uint32_t peer;
    pthread_t thread;
    int started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int want;              /* loop -> connector: dial */
    int stop;
    luxc_zclient *ready;   /* connector -> loop */
    luxc_zclient *client;  /* owned by the loop */
} link;

struct luxc_links {
    void *zctx;
    luxc_net_cfg cfg;
    uint32_t self, n;
    link *links;
};

static void *connector(void *arg)
{
    link *k = arg;
    const luxc_validator *v = luxc_valset_get(k->owner->cfg.valset, k->peer);
    for (;;) {
        pthread_mutex_lock(&k->mu);
        while (!k->want && !k->stop)
            pthread_cond_wait(&k->cv, &k->mu);
        int stop = k->stop;
        pthread_mutex_unlock(&k->mu);
        if (stop)
            return NULL;
        luxc_zclient *c = NULL;
        int rc = luxc_zclient_new(&c, k->owner->zctx, v->addr, &k->owner->cfg, v->pk,
                                  DIAL_TIMEOUT_MS);
        pthread_mutex_lock(&k->mu);
        if (rc == LUXC_OK && !k->stop) {
            k->ready = c;
            k->want = 0;
            c = NULL;
        }
        stop = k->stop;
        pthread_mutex_unlock(&k->mu);
        luxc_zclient_free(c);
        if (stop)
            return NULL;
        if (rc != LUXC_OK) {
            struct timespec ts = {0, REDIAL_PAUSE_MS * 1000000L};
            nanosleep(&ts, NULL);
        }
    }
}

int luxc_links_new(luxc_links **out, void *zctx, const luxc_net_cfg *cfg, uint32_t self)
{
    *out = NULL;
    luxc_links *l = calloc(1, sizeof *l);
    if (!l)
        return LUXC_ENOMEM;
    l->zctx = zctx;
    l->cfg = *cfg;
    l->self = self;
    l->n = (uint32_t)luxc_valset_count(cfg->valset);
    l->links = calloc(l->n, sizeof *l->links);
    if (!l->links) {
        free(l);
        return LUXC_ENOMEM;
    }
    for (uint32_t i = 0; i < l->n; i++) {
        link *k = &l->links[i];
        k->owner = l;
        k->peer = i;
        pthread_mutex_init(&k->mu, NULL);
        pthread_cond_init(&k->cv, NULL);
        if (i == self)
            continue;
        k->want = 1;
        if (pthread_create(&k->thread, NULL, connector, k) != 0) {
            luxc_links_free(l);
            return LUXC_ENOMEM;
        }
        k->started = 1;
    }
    *out = l;
    return LUXC_OK;
}

void luxc_links_free(luxc_links *l)
{
    if (!l)
        return;
    for (uint32_t i = 0; i < l->n; i++) {
        link *k = &l->links[i];
        pthread_mutex_lock(&k->mu);
        k->stop = 1;
        pthread_cond_signal(&k->cv);
        pthread_mutex_unlock(&k->mu);
    }
    for (uint32_t i = 0; i < l->n; i++) {
        link *k = &l->links[i];
        if (k->started)
            pthread_join(k->thread, NULL);
        luxc_zclient_free(k->ready);
        luxc_zclient_free(k->client);
        pthread_mutex_destroy(&k->mu);
        pthread_cond_destroy(&k->cv);
    }
    free(l->links);
    free(l);
}

void luxc_links_poll(luxc_links *l)
{
    for (uint32_t i = 0; i < l->n; i++) {
        link *k = &l->links[i];
        if (i == l->self || k->client)
            continue;
        pthread_mutex_lock(&k->mu);
        if (k->ready) {
            k->client = k->ready;
            k->ready = NULL;
        } else if (!k->want) {
            k->want = 1;
            pthread_cond_signal(&k->cv);
        }
        pthread_mutex_unlock(&k->mu);
    }
}

void luxc_links_drop(luxc_links *l, uint32_t peer)
{
    if (peer >= l->n || peer == l->self)
        return;
    luxc_zclient_free(l->links[peer].client);
    l->links[peer].client = NULL;
    luxc_links_poll(l);
}

int luxc_links_send(luxc_links *l, uint32_t peer, const uint8_t *m, size_t len)
{
    if (peer >= l->n || !l->links[peer].client)
        return LUXC_ENOTFOUND;
    int rc = luxc_zclient_send(l->links[peer].client, m, len);
    if (rc == LUXC_EIO)
        luxc_links_drop(l, peer);
    return rc;
}

uint32_t luxc_links_connected(const luxc_links *l)
{
    uint32_t c = 0;
    for (uint32_t i = 0; i < l->n; i++)
        c += l->links[i].client != NULL;
    return c;
}
