/* devnet_setup.c - lay out a local network in one folder: a key pair per
 * validator, one genesis naming them all (equal stake), and one node
 * configuration each, on loopback ports that were free when checked. */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "devnet.h"
#include "luxc/keys.h"
#include "luxc/node_config.h"

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

static int write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    if (!f)
        return -1;
    int ok = fputs(text, f) >= 0;
    return fclose(f) == 0 && ok ? 0 : -1;
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
    memset(&g, 0, sizeof g);
    snprintf(g.chain_id, sizeof g.chain_id, "luxc-devnet");
    snprintf(g.consensus.preset, sizeof g.consensus.preset, "%s", d->preset);
    g.consensus.block_time_ms = d->block_time_ms;
    g.genesis_time = (uint64_t)time(NULL);
    g.n_validators = d->n;
    g.validators = calloc(d->n, sizeof *g.validators);
    if (!g.validators) {
        snprintf(err, errlen, "out of memory");
        return -1;
    }
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
        char keys[600], msg[512];
        snprintf(keys, sizeof keys, "%s/keys", nd->dir);
        luxc_keypair kp;
        if (mkdir(nd->dir, 0700) != 0 && errno != EEXIST) {
            snprintf(err, errlen, "cannot create %s: %s", nd->dir, strerror(errno));
            rc = -1;
        } else if (luxc_keys_generate(keys, NULL, &kp, msg, sizeof msg) != LUXC_OK) {
            snprintf(err, errlen, "%s", msg);
            rc = -1;
        } else {
            luxc_genesis_validator *v = &g.validators[i];
            snprintf(v->name, sizeof v->name, "node%u", i);
            snprintf(v->address, sizeof v->address, "%s", nd->listen);
            v->stake = 100;
            memcpy(v->ed25519_pk, kp.pk, LUXC_ED25519_PUBLICKEYBYTES);
            memcpy(v->mldsa65_pk, kp.pk + LUXC_ED25519_PUBLICKEYBYTES, LUXC_MLDSA_PUBLICKEYBYTES);
            g.total_stake += v->stake;
            luxc_keypair_wipe(&kp);
            char cfg[1200];
            snprintf(cfg, sizeof cfg,
                     "{\n  \"genesis\": \"../genesis.json\",\n  \"key_dir\": \"keys\",\n"
                     "  \"name\": \"node%u\",\n  \"listen\": \"%s\",\n"
                     "  \"data_dir\": \"data\",\n  \"metrics\": \"%s\",\n"
                     "  \"submit\": \"%s\",\n  \"log_level\": \"info\"\n}\n",
                     i, nd->listen, nd->metrics, nd->submit);
            if (write_file(nd->config, cfg) != 0) {
                snprintf(err, errlen, "cannot write %s", nd->config);
                rc = -1;
            }
        }
    }
    char *json = NULL;
    if (rc == 0 && luxc_genesis_to_json(&g, &json) != LUXC_OK) {
        snprintf(err, errlen, "cannot encode the genesis");
        rc = -1;
    }
    if (rc == 0) {
        char path[600];
        snprintf(path, sizeof path, "%s/genesis.json", d->dir);
        if (write_file(path, json) != 0) {
            snprintf(err, errlen, "cannot write %s", path);
            rc = -1;
        }
    }
    free(json);
    free(g.validators);
    return rc;
}
