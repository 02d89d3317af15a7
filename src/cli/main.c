/* main.c - the luxc program: dispatch to a subcommand.
 * Owns: the subcommand table and the top-level --help / --version text. */
#include "cli.h"

#include <stdio.h>
#include <string.h>

#include "luxc/common.h"

static const luxc_cmd commands[] = {
    {"bench", luxc_cmd_bench, "run the benchmarks (Go-style lines, --json)"},
    {"keygen", luxc_cmd_keygen, "create a validator's identity keys"},
    {"node", luxc_cmd_node, "run a validator node (--config FILE)"},
    {"devnet", luxc_cmd_devnet, "run a local multi-node network with live progress"},
    {"testnet", luxc_cmd_testnet, "write genesis, keys, configs and systemd units for N machines"},
    {"status", luxc_cmd_status, "print a running node's status"},
    {"propose-upgrade", luxc_cmd_upgrade, "submit an upgrade proposal to a running node"},
    {"sim", luxc_cmd_sim, "simulate N validators deterministically (safety, rounds)"},
    {"verify", luxc_cmd_verify, "check validator stores and compare them block by block"},
};

static void usage(FILE *f)
{
    fprintf(f, "usage: luxc <command> [options]\n\n"
               "luxc runs validator nodes of an AI-assisted, post-quantum-secured\n"
               "blockchain consensus. Commands:\n\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(f, "\n  luxc <command> --help   options of one command\n"
               "  luxc --version          print the version\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return 2;
    }
    if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
        usage(stdout);
        return 0;
    }
    if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "version")) {
        printf("luxc %s\n", luxc_version());
        return 0;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        if (!strcmp(argv[1], commands[i].name))
            return commands[i].fn(argc - 1, argv + 1);
    fprintf(stderr, "luxc: unknown command '%s' (try luxc --help)\n", argv[1]);
    return 2;
}
