/* cli.h - the subcommands of the luxc program.
 * Each subcommand lives in its own file cmd_<name>.c and is listed in
 * main.c's table. A subcommand gets argv starting at its own name and
 * returns the process exit status (0 ok, 1 failure, 2 usage error). */
#ifndef LUXC_CLI_H
#define LUXC_CLI_H

typedef int (*luxc_cmd_fn)(int argc, char **argv);

typedef struct luxc_cmd {
    const char *name;
    luxc_cmd_fn fn;
    const char *summary; /* one line for `luxc --help` */
} luxc_cmd;

int luxc_cmd_bench(int argc, char **argv);
int luxc_cmd_keygen(int argc, char **argv);
int luxc_cmd_node(int argc, char **argv);
int luxc_cmd_devnet(int argc, char **argv);
int luxc_cmd_testnet(int argc, char **argv);
int luxc_cmd_status(int argc, char **argv);
int luxc_cmd_upgrade(int argc, char **argv);
int luxc_cmd_sim(int argc, char **argv);
int luxc_cmd_verify(int argc, char **argv);

#endif
