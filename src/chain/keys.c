/* keys.c - write and read a validator's identity key files (format in
 * include/luxc/keys.h).
 * Owns: file creation that never overwrites (O_EXCL, mode 0600), and the
 * check that a loaded secret key and public key belong together. */
#include "luxc/keys.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "json_util.h"
#include "luxc/node_config.h"

static const char *const key_fields[] = {"version", "type", "secret_key", "public_key", NULL};

static int join(char *out, size_t cap, const char *dir, const char *file)
{
    int n = snprintf(out, cap, "%s/%s", dir, file);
    return n > 0 && (size_t)n < cap ? LUXC_OK : LUXC_ETOOBIG;
}

/* Write text to a new file (O_EXCL, 0600) and fsync it. */
static int write_new(const luxc_jctx *ctx, const char *path, const char *text)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return luxc_jerr(ctx, errno == EEXIST ? LUXC_EEXIST : LUXC_EIO, NULL,
                         "cannot create %s: %s", path, strerror(errno));
    size_t len = strlen(text), off = 0;
    while (off < len) {
        ssize_t w = write(fd, text + off, len - off);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0) {
            int e = errno;
            close(fd);
            unlink(path);
            return luxc_jerr(ctx, LUXC_EIO, NULL, "cannot write %s: %s", path, strerror(e));
        }
        off += (size_t)w;
    }
    if (fsync(fd) != 0 || close(fd) != 0) {
        unlink(path);
        return luxc_jerr(ctx, LUXC_EIO, NULL, "cannot sync %s: %s", path, strerror(errno));
    }
    return LUXC_OK;
}

static int keys_match(const luxc_keypair *kp)
{
    static const uint8_t probe[] = "luxc key check";
    uint8_t sig[LUXC_HSIGN_BYTES];
    int rc = luxc_hsign_sign(sig, probe, sizeof probe, NULL, 0, kp->sk);
    if (rc == LUXC_OK)
        rc = luxc_hsign_verify(sig, probe, sizeof probe, NULL, 0, kp->pk);
    return rc;
}

/* A key file's text: a cJSON tree whose strings are references to our
 * buffers, printed into out (cap bytes) by cJSON_PrintPreallocated, which
 * allocates nothing: the secret hex exists only in buffers we wipe. Frees
 * the tree. LUXC_ENOMEM (tree not built, or out too small). */
static int print_file(cJSON *o, int ok, char *out, size_t cap)
{
    /* cJSON_PrintPreallocated wants 5 bytes of slack; one more for '\n' */
    ok = ok && o && cap > 6 && cap <= INT_MAX &&
         cJSON_PrintPreallocated(o, out, (int)cap - 6, 1);
    cJSON_Delete(o);
    if (!ok)
        return LUXC_ENOMEM;
    size_t n = strlen(out);
    out[n] = '\n';
    out[n + 1] = '\0';
    return LUXC_OK;
}

static int build_files(const luxc_keypair *kp, char **secret_text, char **public_text)
{
    char *sk_hex = malloc(2 * LUXC_HSIGN_SECRETKEYBYTES + 1);
    char *pk_hex = malloc(2 * LUXC_HSIGN_PUBLICKEYBYTES + 1);
    char *text = malloc(2 * LUXC_HSIGN_SECRETKEYBYTES + 2 * LUXC_HSIGN_PUBLICKEYBYTES + 256);
    char *pub = malloc(2 * LUXC_HSIGN_PUBLICKEYBYTES + 128);
    size_t text_cap = 2 * LUXC_HSIGN_SECRETKEYBYTES + 2 * LUXC_HSIGN_PUBLICKEYBYTES + 256;
    size_t pub_cap = 2 * LUXC_HSIGN_PUBLICKEYBYTES + 128;
    int rc = LUXC_ENOMEM;
    if (sk_hex && pk_hex && text && pub) {
        luxc_hex_encode(sk_hex, kp->sk, LUXC_HSIGN_SECRETKEYBYTES);
        luxc_hex_encode(pk_hex, kp->pk, LUXC_HSIGN_PUBLICKEYBYTES);
        cJSON *o = cJSON_CreateObject();
        int ok = o && cJSON_AddNumberToObject(o, "version", LUXC_KEYS_VERSION) &&
                 cJSON_AddItemToObjectCS(o, "type", cJSON_CreateStringReference("luxc-validator-key")) &&
                 cJSON_AddItemToObjectCS(o, "secret_key", cJSON_CreateStringReference(sk_hex)) &&
                 cJSON_AddItemToObjectCS(o, "public_key", cJSON_CreateStringReference(pk_hex));
        rc = print_file(o, ok, text, text_cap);
        /* pk_hex = ed25519 (64 hex) || ml-dsa-65: split for the genesis entry */
        char ed[2 * LUXC_ED25519_PUBLICKEYBYTES + 1];
        memcpy(ed, pk_hex, sizeof ed - 1);
        ed[sizeof ed - 1] = '\0';
        o = rc == LUXC_OK ? cJSON_CreateObject() : NULL;
        ok = o && cJSON_AddItemToObjectCS(o, "ed25519_public_key", cJSON_CreateStringReference(ed)) &&
             cJSON_AddItemToObjectCS(o, "mldsa65_public_key",
                                   cJSON_CreateStringReference(pk_hex + sizeof ed - 1));
        if (rc == LUXC_OK)
            rc = print_file(o, ok, pub, pub_cap);
        if (rc != LUXC_OK)
            luxc_wipe(text, text_cap);
    }
    if (sk_hex)
        luxc_wipe(sk_hex, 2 * LUXC_HSIGN_SECRETKEYBYTES + 1);
    free(sk_hex);
    free(pk_hex);
    if (rc) {
        free(text);
        free(pub);
        return rc;
    }
    *secret_text = text;
    *public_text = pub;
    return LUXC_OK;
}

int luxc_keys_generate(const char *dir, const uint8_t *seed, luxc_keypair *out, char *err,
                       size_t errlen)
{
    luxc_jctx ctx = {dir ? dir : "keygen", err, errlen};
    if (!dir || !*dir || !out)
        return luxc_jerr(&ctx, LUXC_EINVAL, NULL, "no key directory given");
    char skp[LUXC_PATH_MAX + 1], pkp[LUXC_PATH_MAX + 1];
    if (join(skp, sizeof skp, dir, LUXC_KEYS_SECRET_FILE) ||
        join(pkp, sizeof pkp, dir, LUXC_KEYS_PUBLIC_FILE))
        return luxc_jerr(&ctx, LUXC_ETOOBIG, NULL, "path too long");
    if (access(skp, F_OK) == 0 || access(pkp, F_OK) == 0)
        return luxc_jerr(&ctx, LUXC_EEXIST, NULL,
                         "key files already exist; refusing to overwrite them");
    if (mkdir(dir, 0700) != 0 && errno != EEXIST)
        return luxc_jerr(&ctx, LUXC_EIO, NULL, "cannot create directory: %s", strerror(errno));
    int rc = luxc_crypto_init();
    if (rc == LUXC_OK)
        rc = seed ? luxc_hsign_keypair_from_seed(out->pk, out->sk, seed)
                  : luxc_hsign_keypair(out->pk, out->sk);
    if (rc != LUXC_OK)
        return luxc_jerr(&ctx, rc, NULL, "key generation failed: %s", luxc_strerror(rc));
    char *secret_text, *public_text;
    rc = build_files(out, &secret_text, &public_text);
    if (rc)
        return luxc_jerr(&ctx, rc, NULL, "out of memory");
    rc = write_new(&ctx, skp, secret_text);
    if (rc == LUXC_OK) {
        rc = write_new(&ctx, pkp, public_text);
        if (rc != LUXC_OK)
            unlink(skp);
    }
    luxc_wipe(secret_text, strlen(secret_text));
    free(secret_text);
    free(public_text);
    return rc;
}

static int parse_key_file(const luxc_jctx *ctx, const char *text, size_t len, luxc_keypair *out)
{
    cJSON *root;
    int rc = luxc_jparse(ctx, text, len, &root);
    if (rc)
        return rc;
    uint64_t version = 0;
    char type[32] = "";
    if (!cJSON_IsObject(root))
        rc = luxc_jerr(ctx, LUXC_EINVAL, NULL, "expected a JSON object");
    if (!rc)
        rc = luxc_jcheck_keys(ctx, root, NULL, key_fields);
    if (!rc)
        rc = luxc_jget_u64(ctx, root, "version", NULL, 1, 0, UINT32_MAX, &version);
    if (!rc && version != LUXC_KEYS_VERSION)
        rc = luxc_jerr(ctx, LUXC_EVERSION, "version", "expected %d, got %llu", LUXC_KEYS_VERSION,
                       (unsigned long long)version);
    if (!rc)
        rc = luxc_jget_str(ctx, root, "type", NULL, 1, type, sizeof type);
    if (!rc && strcmp(type, "luxc-validator-key") != 0)
        rc = luxc_jerr(ctx, LUXC_EINVAL, "type", "expected \"luxc-validator-key\", got \"%s\"",
                       type);
    int header_ok = rc == LUXC_OK;
    if (!rc)
        rc = luxc_jget_hex(ctx, root, "secret_key", NULL, out->sk, sizeof out->sk);
    if (!rc)
        rc = luxc_jget_hex(ctx, root, "public_key", NULL, out->pk, sizeof out->pk);
    /* cJSON keeps its own copy of the hex secret; scrub it before freeing */
    cJSON *sk = cJSON_GetObjectItemCaseSensitive(root, "secret_key");
    if (cJSON_IsString(sk))
        luxc_wipe(sk->valuestring, strlen(sk->valuestring));
    cJSON_Delete(root);
    if (rc == LUXC_EINVAL && header_ok)
        rc = LUXC_ECORRUPT; /* well-formed file, damaged key material */
    return rc;
}

int luxc_keys_load(const char *dir, luxc_keypair *out, char *err, size_t errlen)
{
    char path[LUXC_PATH_MAX + 1];
    luxc_jctx ctx = {dir ? dir : "keys", err, errlen};
    if (!dir || !out)
        return luxc_jerr(&ctx, LUXC_EINVAL, NULL, "no key directory given");
    if (join(path, sizeof path, dir, LUXC_KEYS_SECRET_FILE))
        return luxc_jerr(&ctx, LUXC_ETOOBIG, NULL, "path too long");
    ctx.origin = path;
    char *text;
    size_t len;
    int rc = luxc_read_file(path, 64 * 1024, &text, &len, err, errlen);
    if (rc)
        return rc;
    rc = parse_key_file(&ctx, text, len, out);
    luxc_wipe(text, len);
    free(text);
    if (rc == LUXC_OK && (rc = luxc_crypto_init()) == LUXC_OK && keys_match(out) != LUXC_OK)
        rc = luxc_jerr(&ctx, LUXC_ECORRUPT, NULL,
                       "public key does not match the secret key (file damaged?)");
    if (rc != LUXC_OK)
        luxc_keypair_wipe(out);
    return rc;
}

void luxc_keypair_wipe(luxc_keypair *kp)
{
    if (kp)
        luxc_wipe(kp, sizeof *kp);
}
