/* testnet_write.c - the output of `luxc testnet` (see testnet.h): the tree
 * of validator folders, built in a scratch folder and renamed into place
 * only when complete; the systemd unit of each validator; the human and
 * JSON summaries.
 * Not here: key, config and genesis file formats (node_files.c). */
#include "testnet.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <cjson/cJSON.h>

#include "chain/json_util.h"
#include "node_files.h"

static int write_unit(const char *path, const testnet_opts *o, const testnet_node *nd,
                      char *err, size_t errlen)
{
    FILE *f = fopen(path, "w");
    if (!f) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    /* KillSignal: the node exits 0 on SIGTERM after closing its store;
     * ProtectSystem=strict leaves only the node's folder writable. */
    fprintf(f,
            "# %s - validator %s of chain %s, written by luxc testnet.\n"
            "# Install: cp %s /etc/systemd/system/ && systemctl daemon-reload &&\n"
            "#          systemctl enable --now %s\n"
            "[Unit]\n"
            "Description=luxc validator %s (chain %s)\n"
            "Documentation=man:luxc(1)\n"
            "Wants=network-online.target\n"
            "After=network-online.target\n"
            "\n"
            "[Service]\n"
            "Type=simple\n"
            "User=%s\n"
            "WorkingDirectory=%s\n"
            "ExecStart=%s node --config %s/config.json\n"
            "Restart=on-failure\n"
            "RestartSec=5s\n"
            "KillSignal=SIGTERM\n"
            "TimeoutStopSec=30s\n"
            "LimitNOFILE=65536\n"
            "UMask=0077\n"
            "NoNewPrivileges=yes\n"
            "ProtectSystem=strict\n"
            "ProtectHome=yes\n"
            "PrivateTmp=yes\n"
            "PrivateDevices=yes\n"
            "ProtectKernelTunables=yes\n"
            "ProtectKernelModules=yes\n"
            "ProtectControlGroups=yes\n"
            "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX AF_NETLINK\n"
            "ReadWritePaths=%s\n"
            "\n"
            "[Install]\n"
            "WantedBy=multi-user.target\n",
            nd->unit, nd->name, o->chain_id, nd->unit, nd->unit, nd->name, o->chain_id,
            o->user, nd->install_dir, o->bin, nd->install_dir, nd->install_dir);
    if (fclose(f) != 0) {
        snprintf(err, errlen, "cannot write %s", path);
        return -1;
    }
    return 0;
}

/* Keys, configs, units and genesis copies under root (the scratch folder). */
static int write_tree(const char *root, const testnet_opts *o, const testnet_node *nodes,
                      luxc_genesis *g, char *err, size_t errlen)
{
    char dir[TESTNET_DIR_MAX + 64], path[TESTNET_DIR_MAX + 96];
    size_t n = o->validators;
    char(*genesis_paths)[sizeof path] = calloc(n + 1, sizeof *genesis_paths);
    const char **paths = calloc(n + 1, sizeof *paths);
    if (!genesis_paths || !paths) {
        free(paths);
        free(genesis_paths);
        snprintf(err, errlen, "out of memory");
        return -1;
    }
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        const testnet_node *nd = &nodes[i];
        snprintf(dir, sizeof dir, "%s/%s", root, nd->name);
        const node_files_config cfg = {.genesis = "genesis.json", .name = nd->name,
                                       .listen = nd->listen, .metrics = nd->metrics,
                                       .submit = nd->submit, .log_level = o->log_level};
        rc = node_files_validator(g, i, dir, nd->name, nd->address, o->stake, err, errlen);
        snprintf(path, sizeof path, "%s/config.json", dir);
        if (rc == 0)
            rc = node_files_write_config(path, &cfg, err, errlen);
        snprintf(path, sizeof path, "%s/%s", dir, nd->unit);
        if (rc == 0)
            rc = write_unit(path, o, nd, err, errlen);
        snprintf(genesis_paths[i], sizeof path, "%s/genesis.json", dir);
        paths[i] = genesis_paths[i];
    }
    snprintf(genesis_paths[n], sizeof path, "%s/genesis.json", root);
    paths[n] = genesis_paths[n];
    if (rc == 0)
        rc = node_files_write_genesis(g, paths, n + 1, err, errlen);
    free(paths);
    free(genesis_paths);
    return rc;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
    (void)st, (void)flag, (void)ftw;
    return remove(path);
}

/* DIR.partial-XXXXXX next to DIR, renamed at the end: a failure leaves
 * neither a half-written testnet nor stray secret keys. */
int testnet_write(const testnet_opts *o, const testnet_node *nodes, luxc_genesis *g, char *err,
                  size_t errlen)
{
    char scratch[TESTNET_DIR_MAX + 32];
    snprintf(scratch, sizeof scratch, "%s.partial-XXXXXX", o->out);
    if (!mkdtemp(scratch)) {
        if (errno == ENOENT)
            snprintf(err, errlen, "cannot create %s: its parent folder does not exist", o->out);
        else
            snprintf(err, errlen, "cannot create %s: %s", scratch, strerror(errno));
        return -1;
    }
    int rc = write_tree(scratch, o, nodes, g, err, errlen);
    if (rc == 0 && rename(scratch, o->out) != 0) {
        snprintf(err, errlen, "cannot rename %s to %s: %s", scratch, o->out, strerror(errno));
        rc = -1;
    }
    if (rc != 0)
        nftw(scratch, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
    return rc;
}

void testnet_print_json(const testnet_opts *o, const testnet_node *nodes, const luxc_genesis *g)
{
    cJSON *root = cJSON_CreateObject(), *vals = NULL;
    char path[TESTNET_DIR_MAX + 64], ed[2 * LUXC_ED25519_PUBLICKEYBYTES + 1];
    char *ml = malloc(2 * LUXC_MLDSA_PUBLICKEYBYTES + 1), stake[24];
    snprintf(stake, sizeof stake, "%llu", (unsigned long long)o->stake); /* exact, not a double */
    snprintf(path, sizeof path, "%s/genesis.json", o->out);
    int ok = root && ml && cJSON_AddStringToObject(root, "chain_id", o->chain_id) &&
             cJSON_AddStringToObject(root, "preset", o->preset) &&
             cJSON_AddStringToObject(root, "out", o->out) &&
             cJSON_AddStringToObject(root, "genesis", path) &&
             cJSON_AddNumberToObject(root, "n_validators", (double)o->validators) &&
             cJSON_AddNumberToObject(root, "n_hosts", (double)o->n_hosts) &&
             (vals = cJSON_AddArrayToObject(root, "validators"));
    for (uint32_t i = 0; ok && i < o->validators; i++) {
        const testnet_node *nd = &nodes[i];
        cJSON *v = cJSON_CreateObject();
        snprintf(path, sizeof path, "%s/%s", o->out, nd->name);
        luxc_hex_encode(ed, g->validators[i].ed25519_pk, LUXC_ED25519_PUBLICKEYBYTES);
        luxc_hex_encode(ml, g->validators[i].mldsa65_pk, LUXC_MLDSA_PUBLICKEYBYTES);
        ok = v && cJSON_AddItemToArray(vals, v) && cJSON_AddStringToObject(v, "name", nd->name) &&
             cJSON_AddStringToObject(v, "host", nd->host) &&
             cJSON_AddStringToObject(v, "address", nd->address) &&
             cJSON_AddStringToObject(v, "listen", nd->listen) &&
             cJSON_AddStringToObject(v, "metrics", nd->metrics) &&
             cJSON_AddStringToObject(v, "submit", nd->submit) &&
             cJSON_AddStringToObject(v, "folder", path) &&
             cJSON_AddStringToObject(v, "install_dir", nd->install_dir) &&
             cJSON_AddStringToObject(v, "unit", nd->unit) &&
             cJSON_AddRawToObject(v, "stake", stake) &&
             cJSON_AddStringToObject(v, "ed25519_public_key", ed) &&
             cJSON_AddStringToObject(v, "mldsa65_public_key", ml);
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    if (text)
        printf("%s\n", text);
    else
        fprintf(stderr, "luxc testnet: out of memory printing the summary\n");
    free(text);
    free(ml);
    cJSON_Delete(root);
}

void testnet_print_human(const testnet_opts *o, const testnet_node *nodes)
{
    int wh = 4, wa = 11;
    for (uint32_t i = 0; i < o->validators; i++) {
        int h = (int)strlen(nodes[i].host), a = (int)strlen(nodes[i].address);
        wh = h > wh ? h : wh;
        wa = a > wa ? a : wa;
    }
    printf("luxc testnet: %u validators on %zu hosts, chain %s (preset %s), in %s\n\n",
           o->validators, o->n_hosts, o->chain_id, o->preset, o->out);
    printf("  %-8s %-*s %-*s %-16s %s\n", "name", wh, "host", wa, "p2p address", "metrics",
           "install folder on the host");
    for (uint32_t i = 0; i < o->validators; i++)
        printf("  %-8s %-*s %-*s %-16s %s\n", nodes[i].name, wh, nodes[i].host, wa,
               nodes[i].address, nodes[i].metrics[0] ? nodes[i].metrics : "-",
               nodes[i].install_dir);
    const testnet_node *n0 = &nodes[0];
    uint32_t per_host = (uint32_t)((o->validators + o->n_hosts - 1) / o->n_hosts);
    char ports[24];
    if (per_host > 1)
        snprintf(ports, sizeof ports, "ports %u-%u", o->p2p_port, o->p2p_port + per_host - 1);
    else
        snprintf(ports, sizeof ports, "port %u", o->p2p_port);
    printf("\nNext steps (shown for node0; the same for each node<i> and its host):\n"
           "  1. On every host install luxc as %s and add the service user:\n"
           "       useradd --system --no-create-home --shell /usr/sbin/nologin %s\n"
           "  2. Copy the folder and give it to that user:\n"
           "       ssh root@%s mkdir -p %s\n"
           "       scp -rp %s/%s root@%s:%s/\n"
           "       ssh root@%s chown -R %s: %s\n"
           "  3. Install and start the unit (as root on the host):\n"
           "       cp %s/%s /etc/systemd/system/\n"
           "       systemctl daemon-reload && systemctl enable --now %s\n"
           "  4. Open tcp %s on each host to the other validators only (README,\n"
           "     \"Deploying on several machines\", has an nftables example).\n",
           o->bin, o->user, n0->host, o->install_parent, o->out, n0->name, n0->host,
           o->install_parent, n0->host, o->user, n0->install_dir, n0->install_dir, n0->unit,
           n0->unit, ports);
    if (n0->metrics[0])
        printf("  Check a node on its host: luxc status --metrics %s\n", n0->metrics);
    printf("Keys: node<i>/keys is validator i's identity (files 0600). Back it up offline;\n"
           "never run one folder on two machines at once (that is double signing).\n");
}
