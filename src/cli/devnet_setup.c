/* devnet_setup.c - lay out a local network in one folder: a key pair per
 * validator, one genesis naming them all (equal stake), and one node
 * configuration each, on loopback ports that were free when checked.
 * The files themselves are written by node_files.c (shared with testnet). */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "devnet.h"
#include "node_files.h"

static int port_free(uint16_t port)
{
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 0;
    struct sockaddr_in sa = {.sin_family = AF_INET, .sin_port = htons(port)};
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    int ok = bind(fd, (struct sockaddr *)&sa, sizeof sa) == 0;
    close(fd);
    return ok;
}

/* 3n consecutive free ports from a base derived from our pid, so two
 * devnets on one machine rarely collide. */
static int pick_ports(devnet *d)
{
    for (int attempt = 0; attempt < 200; attempt++) {
        uint16_t base = (uint16_t)(20000 + ((unsigned)getpid() * 7 + (unsigned)attempt * 131) %
                                               30000);
        int ok = 1;
        for (uint32_t i = 0; ok && i < 3 * d->n; i++)
            ok = port_free((uint16_t)(base + i));
        if (ok) {
            d->base_port = base;
            return 0;
        }
    }
    return -1;
}

int devnet_setup(devnet *d, char *err, size_t errlen)
{
    if (mkdir(d->dir, 0700) != 0 && errno != EEXIST) {
        snprintf(err, errlen, "cannot create %s: %s", d->dir, strerror(errno));
        return -1;
    }
    if (!d->base_port && pick_ports(d) != 0) {
        snprintf(err, errlen, "no free loopback ports found");
        return -1;
    }
    luxc_genesis g;
    if (node_files_genesis_init(&g, "luxc-devnet", d->preset, d->n, err, errlen) != 0)
        return -1;
    g.consensus.block_time_ms = d->block_time_ms;
    int rc = 0;
    for (uint32_t i = 0; rc == 0 && i < d->n; i++) {
        devnet_node *nd = &d->nodes[i];
        char base[sizeof d->dir];
        memcpy(base, d->dir, sizeof base);
        snprintf(nd->dir, sizeof nd->dir, "%s/node%u", base, i);
        char ndir[sizeof nd->dir];
        memcpy(ndir, nd->dir, sizeof ndir);
        snprintf(nd->config, sizeof nd->config, "%s/config.json", ndir);
        snprintf(nd->listen, sizeof nd->listen, "tcp://127.0.0.1:%u", d->base_port + i);
        snprintf(nd->metrics, sizeof nd->metrics, "127.0.0.1:%u", d->base_port + d->n + i);
        snprintf(nd->submit, sizeof nd->submit, "tcp://127.0.0.1:%u", d->base_port + 2 * d->n + i);
        char name[16];
        snprintf(name, sizeof name, "node%u", i);
        const node_files_config cfg = {.genesis = "../genesis.json", .name = name,
                                       .listen = nd->listen, .metrics = nd->metrics,
                                       .submit = nd->submit, .log_level = "info"};
        rc = node_files_validator(&g, i, nd->dir, name, nd->listen, 100, err, errlen);
        if (rc == 0)
            rc = node_files_write_config(nd->config, &cfg, err, errlen);
    }
    char path[600];
    snprintf(path, sizeof path, "%s/genesis.json", d->dir);
    const char *const paths[] = {path};
    if (rc == 0)
        rc = node_files_write_genesis(&g, paths, 1, err, errlen);
    free(g.validators);
    return rc;
}
