/* cmd_keygen.c - `luxc keygen --out DIR`: create a validator's keys. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "luxc/keys.h"
#include "chain/json_util.h"

static void usage(FILE *f)
{
    fprintf(f,
            "usage: luxc keygen --out DIR [--json]\n"
            "\n"
            "Create a validator identity: a hybrid Ed25519 + ML-DSA-65 signing key.\n"
            "Writes DIR/" LUXC_KEYS_SECRET_FILE " (secret, keep it private) and DIR/"
            LUXC_KEYS_PUBLIC_FILE "\n"
            "(the public keys to paste into a genesis validator entry), both with\n"
            "mode 0600. DIR is created (mode 0700) if missing. Existing key files\n"
            "are never overwritten: the command fails instead.\n"
            "\n"
            "  -o, --out DIR   key directory (required)\n"
            "  -j, --json      print {\"dir\", \"ed25519_public_key\", \"mldsa65_public_key\"}\n"
            "  -h, --help      show this text\n"
            "\n"
            "Exit status: 0 created, 1 failed (message on stderr), 2 usage error.\n");
}

int luxc_cmd_keygen(int argc, char **argv)
{
    static const struct option opts[] = {{"out", required_argument, NULL, 'o'},
                                         {"json", no_argument, NULL, 'j'},
                                         {"help", no_argument, NULL, 'h'},
                                         {NULL, 0, NULL, 0}};
    const char *out = NULL;
    int json = 0, ch;
    optind = 1;
    while ((ch = getopt_long(argc, argv, "o:jh", opts, NULL)) != -1) {
        switch (ch) {
        case 'o': out = optarg; break;
        case 'j': json = 1; break;
        case 'h': usage(stdout); return 0;
        default: usage(stderr); return 2;
        }
    }
    if (!out || optind < argc) {
        fprintf(stderr, "luxc keygen: %s\n", out ? "unexpected argument" : "--out DIR is required");
        usage(stderr);
        return 2;
    }
    luxc_keypair kp;
    char err[512] = "";
    int rc = luxc_keys_generate(out, NULL, &kp, err, sizeof err);
    if (rc != LUXC_OK) {
        fprintf(stderr, "luxc keygen: %s\n", err[0] ? err : luxc_strerror(rc));
        return 1;
    }
    char ed[2 * LUXC_ED25519_PUBLICKEYBYTES + 1];
    luxc_hex_encode(ed, kp.pk, LUXC_ED25519_PUBLICKEYBYTES);
    if (json) {
        char ml[2 * LUXC_MLDSA_PUBLICKEYBYTES + 1];
        luxc_hex_encode(ml, kp.pk + LUXC_ED25519_PUBLICKEYBYTES, LUXC_MLDSA_PUBLICKEYBYTES);
        cJSON *o = cJSON_CreateObject();
        int ok = o && cJSON_AddStringToObject(o, "dir", out) &&
                 cJSON_AddStringToObject(o, "ed25519_public_key", ed) &&
                 cJSON_AddStringToObject(o, "mldsa65_public_key", ml) &&
                 luxc_jput_line(stdout, o) == LUXC_OK;
        cJSON_Delete(o);
        if (!ok) {
            fprintf(stderr, "luxc keygen: cannot write the JSON summary\n");
            luxc_keypair_wipe(&kp);
            return 1;
        }
    } else {
        printf("created %s/%s and %s/%s\ned25519 public key %s\n", out, LUXC_KEYS_SECRET_FILE,
               out, LUXC_KEYS_PUBLIC_FILE, ed);
    }
    luxc_keypair_wipe(&kp);
    return 0;
}
