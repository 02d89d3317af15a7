/* cmd_testnet.c - `luxc testnet`: lay out a network of validators that run
 * on several machines (like `cometbft testnet`): one genesis, and one
 * self-contained folder per validator (keys, config.json, a copy of the
 * genesis, a systemd unit) to copy to its host.
 * Owns: the options and their checks (hosts, ports, consensus settings
 * that N validators can reach), and placing validators on hosts: validator
 * i on host i mod H, validators sharing a host get consecutive ports.
 * Not here: writing the files and the summaries (testnet_write.c). */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cli.h"
#include "luxc/consensus.h"
#include "node_files.h"
#include "testnet.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc testnet --validators N --hosts HOST[,HOST...] --out DIR [options]\n"
            "\n"
            "Lay out a network of N validators for several machines: DIR/genesis.json\n"
            "(every validator, equal stake) and one folder per validator, DIR/node<i>/,\n"
            "holding keys/ (its identity, mode 0600), config.json, a copy of\n"
            "genesis.json and a systemd unit luxc-node<i>.service. Each folder is\n"
            "self-contained: copy node<i> into the --install-dir folder of its host\n"
            "and start the unit (the summary prints the commands); `luxc node --config\n"
            "node<i>/config.json --check` checks a folder. Validator i goes to host\n"
            "i mod (number of hosts); validators on one host get consecutive ports\n"
            "(p2p, metrics and submit + 0, 1, 2, ...).\n"
            "\n"
            "  -n, --validators N        validators (1..%u, the genesis limit)\n"
            "  -H, --hosts LIST          comma-separated IPv4 addresses or DNS names, at\n"
            "                            most N, each once (no spaces, no tcp://, no port)\n"
            "  -o, --out DIR             output folder (at most 400 characters); must not\n"
            "                            exist or be an empty folder\n"
            "  -p, --p2p-port PORT       first peer port on each host (default 7000)\n"
            "      --listen-any          nodes bind 0.0.0.0 instead of their host's IPv4\n"
            "                            address (for hosts behind NAT; nodes on DNS-named\n"
            "                            hosts always bind 0.0.0.0)\n"
            "  -m, --metrics-listen A    IPV4:PORT of /metrics and /status, or none\n"
            "                            (default 127.0.0.1:9100: loopback, because the\n"
            "                            endpoint has no authentication and shows the\n"
            "                            node's state; scrape it through an SSH tunnel or\n"
            "                            bind a private address)\n"
            "  -s, --submit-listen A     IPV4:PORT of the transaction socket, or none\n"
            "                            (default 127.0.0.1:7100: loopback, anyone who\n"
            "                            reaches it can submit transactions and upgrades)\n"
            "  -c, --chain-id ID         chain id (default luxc-testnet)\n"
            "  -P, --preset NAME         consensus preset (default as luxc devnet: single\n"
            "                            for 1 validator, local up to 3, else localbft)\n"
            "  -r, --round-timeout-ms MS poll/round timeout override in the genesis\n"
            "  -t, --block-time-ms MS    minimum time between blocks override\n"
            "  -S, --stake N             stake of every validator (default 100)\n"
            "  -l, --log-level LEVEL     error, warn, info (default) or debug\n"
            "  -b, --bin PATH            luxc binary in the units (default /usr/local/bin/luxc)\n"
            "  -i, --install-dir DIR     folder on each host that receives node<i>, so the\n"
            "                            node lives in DIR/node<i> (default /var/lib/luxc)\n"
            "  -u, --user NAME           system user the units run as (default luxc)\n"
            "  -j, --json                print a JSON summary instead of the table: chain_id,\n"
            "                            n_validators, validators[] with name, host,\n"
            "                            address, listen, metrics, folder, public keys...\n"
            "  -h, --help                show this text\n"
            "\n"
            "Example: four validators on two machines\n"
            "  luxc testnet --validators 4 --hosts 10.0.0.1,10.0.0.2 --out ./testnet\n"
            "  -> node0, node2 on 10.0.0.1 (p2p 7000, 7001); node1, node3 on 10.0.0.2\n"
            "\n"
            "Exit status: 0 written, 1 failed (nothing is left behind), 2 usage error.\n",
            LUXC_GENESIS_MAX_VALIDATORS);
}

static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    char *end;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (*s < '0' || *s > '9' || *end || errno || v < lo || v > hi)
        return -1;
    *out = v;
    return 0;
}

static int parse_u32(const char *s, uint32_t lo, uint32_t hi, uint32_t *out)
{
    uint64_t v;
    if (parse_u64(s, lo, hi, &v) != 0)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Only characters that need no quoting in JSON, systemd unit files or a
 * shell; '%' would be a systemd specifier. */
static int plain_path(const char *s)
{
    if (s[0] != '/')
        return 0;
    for (; *s; s++)
        if (!strchr("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+", *s))
            return 0;
    return 1;
}

static const char dns_chars[] = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-";

/* Digits and dots only: meant as an IPv4 address (check_host checks it). */
static int looks_ipv4(const char *h) { return h[strspn(h, "0123456789.")] == '\0'; }

/* A peer host: an IPv4 address or a DNS name (RFC 1123 labels). 0 if ok,
 * else -1 with the reason in why. */
static int check_host(const char *h, char *why, size_t whylen)
{
    if (!*h)
        return snprintf(why, whylen, "empty host name"), -1;
    if (strstr(h, "://"))
        return snprintf(why, whylen, "give a bare host, without a scheme such as tcp://"), -1;
    if (strchr(h, ':'))
        return snprintf(why, whylen, "no ports or IPv6 addresses: give an IPv4 address or a "
                                     "DNS name (ports come from --p2p-port)"), -1;
    if (strlen(h) > TESTNET_HOST_MAX)
        return snprintf(why, whylen, "longer than %u characters", TESTNET_HOST_MAX), -1;
    if (looks_ipv4(h)) {
        struct in_addr a;
        if (inet_pton(AF_INET, h, &a) != 1)
            return snprintf(why, whylen, "not a valid IPv4 address"), -1;
        if (a.s_addr == htonl(INADDR_ANY) || a.s_addr == htonl(INADDR_BROADCAST))
            return snprintf(why, whylen, "not an address peers can dial"), -1;
        return 0;
    }
    for (const char *label = h;;) {
        size_t len = strspn(label, dns_chars);
        char next = label[len];
        if (next == ' ')
            return snprintf(why, whylen, "no spaces allowed (write host1,host2)"), -1;
        if (next != '.' && next != '\0')
            return snprintf(why, whylen, "character '%c' is not allowed in a host name", next), -1;
        if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
            return snprintf(why, whylen, "bad DNS label (1-63 letters, digits or '-', not "
                                         "starting or ending with '-')"), -1;
        if (next == '\0')
            return 0;
        label += len + 1;
    }
}

/* Split --hosts in place and check every entry. */
static int parse_hosts(testnet_opts *o, const char *list)
{
    o->hosts_list = strdup(list);
    size_t entries = 1;
    for (const char *c = list; (c = strchr(c, ',')); c++)
        entries++;
    o->hosts = calloc(entries, sizeof *o->hosts);
    if (!o->hosts_list || !o->hosts) {
        fprintf(stderr, "luxc testnet: out of memory\n");
        return 1;
    }
    for (char *p = o->hosts_list;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char why[160];
        if (check_host(p, why, sizeof why) != 0) {
            fprintf(stderr, "luxc testnet: --hosts entry %zu \"%s\": %s\n", o->n_hosts + 1, p,
                    why);
            return 2;
        }
        for (size_t i = 0; i < o->n_hosts; i++)
            if (!strcasecmp(o->hosts[i], p)) {
                fprintf(stderr, "luxc testnet: --hosts lists \"%s\" twice (to put more "
                                "validators on one host, raise --validators)\n", p);
                return 2;
            }
        o->hosts[o->n_hosts++] = p;
        if (!comma)
            return 0;
        p = comma + 1;
    }
}

/* IPV4:PORT or "none" for a loopback/private endpoint. */
static int check_bind(const char *what, const char *s)
{
    if (!strcmp(s, "none"))
        return 0;
    const char *colon = strrchr(s, ':');
    char host[32];
    uint64_t port;
    struct in_addr a;
    if (colon && (size_t)(colon - s) < sizeof host) {
        memcpy(host, s, (size_t)(colon - s));
        host[colon - s] = '\0';
        if (inet_pton(AF_INET, host, &a) == 1 && parse_u64(colon + 1, 1, 65535, &port) == 0)
            return 0;
    }
    fprintf(stderr, "luxc testnet: %s wants IPV4:PORT (e.g. 127.0.0.1:9100) or none, got '%s'\n",
            what, s);
    return 2;
}

static int bind_port(const char *s)
{
    return strcmp(s, "none") ? atoi(strrchr(s, ':') + 1) : 0;
}

/* The consensus settings must let N validators decide: K is cut to N, but
 * alpha is not, so a preset whose alpha exceeds N would never finalize. */
static int check_consensus(const testnet_opts *o)
{
    luxc_params p;
    if (luxc_params_preset(&p, o->preset) != LUXC_OK) {
        fprintf(stderr, "luxc testnet: unknown --preset '%s' (one of:", o->preset);
        for (const char *const *n = luxc_params_preset_names(); *n; n++)
            fprintf(stderr, " %s", *n);
        fprintf(stderr, ")\n");
        return 2;
    }
    if (p.alpha_conf > o->validators) {
        fprintf(stderr, "luxc testnet: preset %s needs at least %u validators (alpha %u), got "
                        "%u; use --preset local or localbft\n",
                o->preset, p.alpha_conf, p.alpha_conf, o->validators);
        return 2;
    }
    if (o->block_time_ms)
        p.block_time_ms = o->block_time_ms;
    if (o->round_timeout_ms)
        p.round_timeout_ms = o->round_timeout_ms;
    char msg[256];
    if (luxc_params_validate(&p, msg, sizeof msg) != LUXC_OK) {
        fprintf(stderr, "luxc testnet: consensus settings: %s\n", msg);
        return 2;
    }
    return 0;
}

/* ProtectHome=yes hides these folders from the service. */
static int hidden_by_protect_home(const char *path)
{
    static const char *const hidden[] = {"/home", "/root", "/run/user", NULL};
    for (const char *const *h = hidden; *h; h++) {
        size_t hl = strlen(*h);
        if (!strncmp(path, *h, hl) && (path[hl] == '/' || path[hl] == '\0'))
            return 1;
    }
    return 0;
}

/* --bin, --install-dir and --user: what goes into the systemd units. */
static int check_unit_opts(const testnet_opts *o)
{
    const char *bad = !plain_path(o->bin) ? "--bin"
                      : !plain_path(o->install_parent) ? "--install-dir"
                                                       : NULL;
    if (bad || strlen(o->install_parent) > TESTNET_DIR_MAX) {
        fprintf(stderr, "luxc testnet: %s wants an absolute path of at most %u characters from "
                        "[A-Za-z0-9/._+-] (it goes into the systemd unit unquoted)\n",
                bad ? bad : "--install-dir", TESTNET_DIR_MAX);
        return 2;
    }
    if (hidden_by_protect_home(o->install_parent)) {
        fprintf(stderr, "luxc testnet: --install-dir %s is hidden from the service by "
                        "ProtectHome=yes; use a folder such as /var/lib/luxc\n",
                o->install_parent);
        return 2;
    }
    if (hidden_by_protect_home(o->bin))
        fprintf(stderr, "luxc testnet: warning: --bin %s is hidden from the service by "
                        "ProtectHome=yes\n", o->bin);
    size_t ul = strlen(o->user);
    if (ul == 0 || ul > 32 || !strchr("abcdefghijklmnopqrstuvwxyz_", o->user[0]) ||
        o->user[strspn(o->user, "abcdefghijklmnopqrstuvwxyz0123456789_-")]) {
        fprintf(stderr, "luxc testnet: --user wants a system user name like luxc, got '%s'\n",
                o->user);
        return 2;
    }
    if (!strcmp(o->user, "root"))
        fprintf(stderr, "luxc testnet: warning: the units will run the validator as root\n");
    return 0;
}

/* Everything that can be checked before writing a file. */
static int check_opts(const testnet_opts *o)
{
    if (!o->validators || !o->n_hosts || !o->out[0]) {
        fprintf(stderr, "luxc testnet: %s is required (see --help)\n",
                !o->validators ? "--validators N" : !o->n_hosts ? "--hosts LIST" : "--out DIR");
        return 2;
    }
    if (o->n_hosts > o->validators) {
        fprintf(stderr, "luxc testnet: --hosts lists %zu hosts for %u validators; every host "
                        "must get one (give at most %u hosts)\n",
                o->n_hosts, o->validators, o->validators);
        return 2;
    }
    if (!*o->chain_id || strlen(o->chain_id) > LUXC_CHAIN_ID_MAX ||
        o->chain_id[strspn(o->chain_id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                        "0123456789._-")]) {
        fprintf(stderr, "luxc testnet: --chain-id wants 1..%u of [A-Za-z0-9._-], got '%s'\n",
                LUXC_CHAIN_ID_MAX, o->chain_id);
        return 2;
    }
    static const char *const levels[] = {"error", "warn", "info", "debug", NULL};
    int level_ok = 0;
    for (const char *const *l = levels; *l; l++)
        level_ok |= !strcmp(*l, o->log_level);
    if (!level_ok) {
        fprintf(stderr, "luxc testnet: --log-level wants error, warn, info or debug, got '%s'\n",
                o->log_level);
        return 2;
    }
    if (o->stake > (uint64_t)INT64_MAX / o->validators) {
        fprintf(stderr, "luxc testnet: --stake %llu times %u validators exceeds 2^63 - 1\n",
                (unsigned long long)o->stake, o->validators);
        return 2;
    }
    int rc = check_unit_opts(o);
    if (!rc)
        rc = check_bind("--metrics-listen", o->metrics);
    if (!rc)
        rc = check_bind("--submit-listen", o->submit);
    return rc ? rc : check_consensus(o);
}

/* Validators per host is at most ceil(N / H); the three port ranges of one
 * host must fit below 65536 and must not overlap. */
static int check_ports(const testnet_opts *o)
{
    uint32_t per_host = (uint32_t)((o->validators + o->n_hosts - 1) / o->n_hosts);
    struct {
        const char *what;
        int first;
    } r[] = {{"--p2p-port", o->p2p_port},
             {"--metrics-listen", bind_port(o->metrics)},
             {"--submit-listen", bind_port(o->submit)}};
    for (size_t i = 0; i < 3; i++) {
        if (!r[i].first)
            continue;
        if (r[i].first + per_host - 1 > 65535) {
            fprintf(stderr, "luxc testnet: %s: %u validators on one host need ports %d-%u\n",
                    r[i].what, per_host, r[i].first, r[i].first + per_host - 1);
            return 2;
        }
        for (size_t j = 0; j < i; j++)
            if (r[j].first && r[i].first < r[j].first + (int)per_host &&
                r[j].first < r[i].first + (int)per_host) {
                fprintf(stderr, "luxc testnet: ports of %s (%d-%u) and %s (%d-%u) overlap "
                                "with %u validators on one host\n",
                        r[j].what, r[j].first, r[j].first + per_host - 1, r[i].what,
                        r[i].first, r[i].first + per_host - 1, per_host);
                return 2;
            }
    }
    return 0;
}

static void set_defaults(testnet_opts *o)
{
    memset(o, 0, sizeof *o);
    o->chain_id = "luxc-testnet";
    o->log_level = "info";
    o->bin = "/usr/local/bin/luxc";
    o->install_parent = "/var/lib/luxc";
    o->user = "luxc";
    o->metrics = "127.0.0.1:9100";
    o->submit = "127.0.0.1:7100";
    o->stake = 100;
}

/* Options into o (set_defaults first). Returns 0, 2 on a usage error, or
 * -1 after --help. */
static int parse(int argc, char **argv, testnet_opts *o)
{
    static const struct option lo[] = {
        {"validators", required_argument, NULL, 'n'}, {"hosts", required_argument, NULL, 'H'},
        {"out", required_argument, NULL, 'o'},        {"p2p-port", required_argument, NULL, 'p'},
        {"listen-any", no_argument, NULL, 'A'},
        {"metrics-listen", required_argument, NULL, 'm'},
        {"submit-listen", required_argument, NULL, 's'},
        {"chain-id", required_argument, NULL, 'c'},   {"preset", required_argument, NULL, 'P'},
        {"round-timeout-ms", required_argument, NULL, 'r'},
        {"block-time-ms", required_argument, NULL, 't'},
        {"stake", required_argument, NULL, 'S'},      {"log-level", required_argument, NULL, 'l'},
        {"bin", required_argument, NULL, 'b'},        {"install-dir", required_argument, NULL, 'i'},
        {"user", required_argument, NULL, 'u'},       {"json", no_argument, NULL, 'j'},
        {"help", no_argument, NULL, 'h'},             {NULL, 0, NULL, 0}};
    const char *hosts = NULL;
    uint32_t port = 7000;
    int ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "n:H:o:p:m:s:c:P:r:t:S:l:b:i:u:jh", lo, NULL)) != -1) {
        int bad = 0;
        switch (ch) {
        case 'n':
            if (parse_u32(optarg, 1, LUXC_GENESIS_MAX_VALIDATORS, &o->validators) != 0) {
                fprintf(stderr, "luxc testnet: --validators wants 1..%u (the genesis limit), "
                                "got '%s'\n", LUXC_GENESIS_MAX_VALIDATORS, optarg);
                return 2;
            }
            break;
        case 'H': hosts = optarg; break;
        case 'o':
            bad = strlen(optarg) >= sizeof o->out;
            snprintf(o->out, sizeof o->out, "%s", optarg);
            for (size_t l = strlen(o->out); l > 1 && o->out[l - 1] == '/'; l--)
                o->out[l - 1] = '\0';
            break;
        case 'p': bad = parse_u32(optarg, 1, 65535, &port); break;
        case 'A': o->listen_any = 1; break;
        case 'm': o->metrics = optarg; break;
        case 's': o->submit = optarg; break;
        case 'c': o->chain_id = optarg; break;
        case 'P': o->preset = optarg; break;
        case 'r': bad = parse_u32(optarg, 1, 3600000, &o->round_timeout_ms); break;
        case 't': bad = parse_u32(optarg, 1, 3600000, &o->block_time_ms); break;
        case 'S': bad = parse_u64(optarg, 1, INT64_MAX, &o->stake); break;
        case 'l': o->log_level = optarg; break;
        case 'b': o->bin = optarg; break;
        case 'i': o->install_parent = optarg; break;
        case 'u': o->user = optarg; break;
        case 'j': o->json = 1; break;
        case 'h': usage(stdout); return -1;
        default: usage(stderr); return 2;
        }
        if (bad) {
            const char *name = "";
            for (const struct option *opt = lo; opt->name; opt++)
                name = opt->val == ch ? opt->name : name;
            fprintf(stderr, "luxc testnet: bad value '%s' for --%s (see --help)\n", optarg, name);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "luxc testnet: unexpected argument '%s'\n", argv[optind]);
        return 2;
    }
    o->p2p_port = (uint16_t)port;
    if (!o->preset && o->validators)
        o->preset = node_files_default_preset(o->validators);
    int rc = hosts ? parse_hosts(o, hosts) : 0;
    if (!rc)
        rc = check_opts(o);
    return rc ? rc : check_ports(o);
}

/* --out must not exist, or be an empty folder. */
static int out_is_free(const char *out)
{
    struct stat st;
    if (stat(out, &st) != 0)
        return errno == ENOENT;
    if (!S_ISDIR(st.st_mode))
        return 0;
    DIR *d = opendir(out);
    if (!d)
        return 0;
    int empty = 1;
    for (struct dirent *e; empty && (e = readdir(d));)
        empty = !strcmp(e->d_name, ".") || !strcmp(e->d_name, "..");
    closedir(d);
    return empty;
}

static void plan(const testnet_opts *o, testnet_node *nodes)
{
    for (uint32_t i = 0; i < o->validators; i++) {
        testnet_node *nd = &nodes[i];
        nd->host = o->hosts[i % o->n_hosts];
        nd->slot = (uint32_t)(i / o->n_hosts); /* the hosts are distinct */
        int ipv4 = looks_ipv4(nd->host);
        unsigned port = o->p2p_port + nd->slot;
        snprintf(nd->name, sizeof nd->name, "node%u", i);
        snprintf(nd->address, sizeof nd->address, "tcp://%s:%u", nd->host, port);
        snprintf(nd->listen, sizeof nd->listen, "tcp://%s:%u",
                 ipv4 && !o->listen_any ? nd->host : "0.0.0.0", port);
        const char *binds[2] = {o->metrics, o->submit};
        char *dst[2] = {nd->metrics, nd->submit};
        for (int b = 0; b < 2; b++) {
            if (!strcmp(binds[b], "none"))
                continue;
            int host_len = (int)(strrchr(binds[b], ':') - binds[b]);
            snprintf(dst[b], sizeof nd->metrics, "%s%.*s:%d", b ? "tcp://" : "", host_len,
                     binds[b], bind_port(binds[b]) + (int)nd->slot);
        }
        snprintf(nd->install_dir, sizeof nd->install_dir, "%s/%s", o->install_parent, nd->name);
        snprintf(nd->unit, sizeof nd->unit, "luxc-%s.service", nd->name);
    }
}

static void free_opts(testnet_opts *o)
{
    free(o->hosts_list);
    free(o->hosts);
}

int luxc_cmd_testnet(int argc, char **argv)
{
    testnet_opts o;
    set_defaults(&o);
    int rc = parse(argc, argv, &o);
    if (rc) {
        free_opts(&o);
        return rc < 0 ? 0 : rc;
    }
    if (!out_is_free(o.out)) {
        fprintf(stderr, "luxc testnet: refusing to overwrite %s: it exists and is not an empty "
                        "folder\n", o.out);
        free_opts(&o);
        return 1;
    }
    testnet_node *nodes = calloc(o.validators, sizeof *nodes);
    luxc_genesis g;
    char err[1200] = "";
    rc = -1;
    if (!nodes)
        snprintf(err, sizeof err, "out of memory");
    else
        rc = node_files_genesis_init(&g, o.chain_id, o.preset, o.validators, err, sizeof err);
    if (rc == 0) {
        g.consensus.round_timeout_ms = o.round_timeout_ms;
        g.consensus.block_time_ms = o.block_time_ms;
        plan(&o, nodes);
        rc = testnet_write(&o, nodes, &g, err, sizeof err);
        if (rc == 0 && o.json)
            testnet_print_json(&o, nodes, &g);
        else if (rc == 0)
            testnet_print_human(&o, nodes);
        free(g.validators);
    }
    if (rc != 0)
        fprintf(stderr, "luxc testnet: %s\n", err);
    free(nodes);
    free_opts(&o);
    return rc ? 1 : 0;
}
