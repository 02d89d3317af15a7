/* make_fuzz_corpus.c - writes the seed corpora of the decoder fuzz targets
 * (fuzz/corpus/<target>/<seed>) using the library's own encoders, so every
 * "valid" seed is what a real node would produce, plus one or two seeds
 * per documented rejection. Built and run by scripts/make-fuzz-corpus.sh;
 * deterministic (fixed keys and contents), so re-running it rewrites the
 * same files. Usage: make_fuzz_corpus OUT_DIR (normally fuzz/corpus). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/be.h"
#include "luxc/ai_model.h"
#include "luxc/chain_block.h"
#include "luxc/consensus.h"
#include "luxc/crypto.h"
#include "luxc/node_config.h"
#include "luxc/node_wire.h"

static const char *root;

static void die(const char *what)
{
    fprintf(stderr, "make_fuzz_corpus: %s\n", what);
    exit(1);
}

static void check(int rc, const char *what)
{
    if (rc != LUXC_OK) {
        fprintf(stderr, "make_fuzz_corpus: %s: %s\n", what, luxc_strerror(rc));
        exit(1);
    }
}

static void put(const char *target, const char *name, const void *p, size_t n)
{
    char path[512];
    snprintf(path, sizeof path, "%s/%s", root, target);
    if (mkdir(path, 0755) != 0 && errno != EEXIST)
        die(path);
    snprintf(path, sizeof path, "%s/%s/%s", root, target, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(p, 1, n, f) != n || fclose(f) != 0)
        die(path);
}

static void sample_vote(luxc_vote *v, uint8_t accept)
{
    memset(v, 0, sizeof *v);
    memset(v->chain_id, 0xc1, 32);
    v->height = 7;
    v->round = 1;
    memset(v->block, 0xb7, 32);
    memset(v->parent, 0xb6, 32);
    memset(v->state_root, 0x5a, 32);
    v->accept = accept;
}

static void votes(void)
{
    luxc_vote v;
    uint8_t m[LUXC_VOTE_BYTES + 1];
    sample_vote(&v, 1);
    check(luxc_vote_encode(m, &v), "vote");
    put("fuzz_vote", "accept", m, LUXC_VOTE_BYTES);
    put("fuzz_vote", "short", m, LUXC_VOTE_BYTES - 1);
    m[LUXC_VOTE_BYTES] = 0;
    put("fuzz_vote", "trailing", m, LUXC_VOTE_BYTES + 1);
    sample_vote(&v, 0);
    v.height = UINT64_MAX;
    v.round = UINT32_MAX;
    check(luxc_vote_encode(m, &v), "vote");
    put("fuzz_vote", "reject_max", m, LUXC_VOTE_BYTES);
    m[LUXC_VOTE_BYTES - 1] = 2;
    put("fuzz_vote", "bad_accept", m, LUXC_VOTE_BYTES);
    m[LUXC_VOTE_BYTES - 1] = 0;
    m[19] = 1; /* version 0x0201 */
    put("fuzz_vote", "bad_version", m, LUXC_VOTE_BYTES);
    m[19] = 2;
    m[0] ^= 0x20;
    put("fuzz_vote", "bad_tag", m, LUXC_VOTE_BYTES);
}

/* Certificates against fuzz_cert.c's member set: 5 members whose 4-byte
 * public keys are "pk0".."pk4" (NUL-padded); its toy verifier accepts a
 * signature equal to the key. */
static void cert_seed(const char *name, const uint32_t *idx, size_t n, int good_sigs)
{
    luxc_vote v;
    luxc_cert *c;
    sample_vote(&v, 1);
    check(luxc_cert_new(&c, &v), "cert_new");
    for (size_t i = 0; i < n; i++) {
        uint8_t sig[LUXC_MLDSA_BYTES];
        size_t sl = good_sigs ? 4 : 40 + 7 * i;
        memset(sig, 0x33 + (int)i, sl);
        if (good_sigs) {
            memcpy(sig, "pk0", 4);
            sig[2] = (uint8_t)('0' + idx[i]);
        }
        check(luxc_cert_add(c, idx[i], sig, sl), "cert_add");
    }
    size_t len = luxc_cert_encoded_len(c);
    uint8_t *buf = malloc(len);
    if (!buf)
        die("out of memory");
    check(luxc_cert_encode(c, buf, len, &len), "cert_encode");
    put("fuzz_cert", name, buf, len);
    free(buf);
    luxc_cert_free(c);
}

static void certs(void)
{
    static const uint32_t q[] = {1, 2, 0}, nq[] = {0, 2}, big[] = {3}, ovf[] = {3, 4},
                          all4[] = {0, 1, 2, 4};
    cert_seed("empty", NULL, 0, 0);
    cert_seed("quorum_of_three", q, 3, 1);
    cert_seed("no_quorum", nq, 2, 1);
    cert_seed("bad_sigs", all4, 4, 0);
    cert_seed("big_stake", big, 1, 1);
    cert_seed("stake_overflow", ovf, 2, 1);
    /* out of order: swap the two signer records of no_quorum by hand */
    luxc_vote v;
    sample_vote(&v, 1);
    uint8_t buf[LUXC_CERT_HEADERBYTES + 2 * 12];
    luxc_cert *c;
    check(luxc_cert_new(&c, &v), "cert_new");
    check(luxc_cert_add(c, 0, (const uint8_t *)"pk0", 4), "cert_add");
    check(luxc_cert_add(c, 2, (const uint8_t *)"pk2", 4), "cert_add");
    size_t len;
    check(luxc_cert_encode(c, buf, sizeof buf, &len), "cert_encode");
    luxc_cert_free(c);
    uint8_t rec[12];
    memcpy(rec, buf + LUXC_CERT_HEADERBYTES, 12);
    memmove(buf + LUXC_CERT_HEADERBYTES, buf + LUXC_CERT_HEADERBYTES + 12, 12);
    memcpy(buf + LUXC_CERT_HEADERBYTES + 12, rec, 12);
    put("fuzz_cert", "out_of_order", buf, len);
    memcpy(buf + LUXC_CERT_HEADERBYTES, rec, 12); /* signer 0 twice */
    put("fuzz_cert", "duplicate", buf, len);
}

/* A block with ntx transactions of growing size; payload in buf's tail. */
static size_t block_seed(uint8_t *out, size_t cap, uint8_t *payload, uint32_t ntx, uint64_t h)
{
    luxc_chain_block b;
    size_t pl = 0;
    for (uint32_t i = 0; i < ntx; i++) {
        uint16_t tl = (uint16_t)(1 + 13 * i);
        luxc_be16_store(payload + pl, tl);
        memset(payload + pl + 2, 'a' + (int)i, tl);
        pl += 2u + tl;
    }
    check(luxc_chain_block_genesis(&b, "luxc-fuzz", 1764000000000000ull), "genesis");
    uint8_t root0[32] = {0}, id[32];
    b.height = h;
    memset(b.parent, 0x9a, 32);
    b.timestamp_us += h * 1000;
    b.proposer = 2;
    b.round = 1;
    b.tx_count = ntx;
    b.payload_len = (uint32_t)pl;
    b.payload = payload;
    if (h)
        check(luxc_chain_block_prepare(&b, root0), "prepare");
    size_t len;
    check(luxc_chain_block_encode(&b, out, cap, &len, id), "block_encode");
    return len;
}

static void blocks(uint8_t *blk, size_t *blklen)
{
    uint8_t buf[1024] = {0}, payload[512];
    size_t len = block_seed(buf, sizeof buf, payload, 0, 0);
    put("fuzz_chain_block", "genesis", buf, len);
    len = block_seed(buf, sizeof buf, payload, 3, 5);
    put("fuzz_chain_block", "three_txs", buf, len);
    memcpy(blk, buf, len);
    *blklen = len;
    buf[LUXC_CHAIN_BLOCK_HEADERBYTES + 5] ^= 1;
    put("fuzz_chain_block", "bad_digest", buf, len);
    buf[LUXC_CHAIN_BLOCK_HEADERBYTES + 5] ^= 1;
    buf[156] = 4; /* tx_count 3 -> 4 */
    put("fuzz_chain_block", "bad_tx_count", buf, len);
    buf[156] = 3;
    buf[len] = 0;
    put("fuzz_chain_block", "trailing", buf, len + 1);
    put("fuzz_chain_block", "short", buf, LUXC_CHAIN_BLOCK_HEADERBYTES - 1);
}

static void wire(const uint8_t *blk, size_t blklen)
{
    static uint8_t out[8192], sig[LUXC_MLDSA_BYTES], cert[600];
    uint8_t id[32], vm[LUXC_VOTE_BYTES];
    size_t len;
    luxc_vote v;
    memset(id, 0x1d, sizeof id);
    memset(sig, 0x51, sizeof sig);
    check(luxc_wire_propose(out, sizeof out, &len, blk, blklen), "propose");
    put("fuzz_node_wire", "propose", out, len);
    check(luxc_wire_proposal(out, sizeof out, &len, 3, LUXC_WIRE_NO_ROUND, blk, blklen, NULL, 0),
          "proposal");
    put("fuzz_node_wire", "proposal", out, len);
    memset(cert, 0xce, sizeof cert);
    check(luxc_wire_proposal(out, sizeof out, &len, 5, 2, blk, blklen, cert, 40),
          "proposal_again");
    put("fuzz_node_wire", "proposal_again", out, len);
    check(luxc_wire_query(out, sizeof out, &len, LUXC_WIRE_QUERY, 9, 5, id), "query");
    put("fuzz_node_wire", "query", out, len);
    check(luxc_wire_query(out, sizeof out, &len, LUXC_WIRE_CHITS, 9, 5, id), "chits");
    put("fuzz_node_wire", "chits", out, len);
    sample_vote(&v, 1);
    check(luxc_vote_encode(vm, &v), "vote");
    check(luxc_wire_vote(out, sizeof out, &len, vm, sig, LUXC_MLDSA_BYTES), "wire_vote");
    put("fuzz_node_wire", "vote", out, len);
    out[1 + LUXC_VOTE_BYTES + 1] = 0; /* sig_len 0: refused (regression) */
    put("fuzz_node_wire", "vote_empty_sig", out, 1 + LUXC_VOTE_BYTES + 2);
    check(luxc_wire_sync_req(out, sizeof out, &len, 3, LUXC_WIRE_SYNC_MAX), "sync_req");
    put("fuzz_node_wire", "sync_req", out, len);
    memset(cert, 0xce, sizeof cert);
    check(luxc_wire_sync_block(out, sizeof out, &len, blk, blklen, cert, sizeof cert),
          "sync_block");
    put("fuzz_node_wire", "sync_block", out, len);
    check(luxc_wire_get_block(out, sizeof out, &len, id), "get_block");
    put("fuzz_node_wire", "get_block", out, len);
    check(luxc_wire_upgrade(out, sizeof out, &len, LUXC_WIRE_UPQUERY, 4, id, 0), "upquery");
    put("fuzz_node_wire", "upquery", out, len);
    check(luxc_wire_upgrade(out, sizeof out, &len, LUXC_WIRE_UPCHITS, 4, id, 2), "upchits");
    put("fuzz_node_wire", "upchits", out, len);
    out[0] = 0x7f;
    put("fuzz_node_wire", "unknown_type", out, len);
}

/* A model file over the given names (any order, any subset, repeats
 * allowed: the encoder writes what it is given), through the library's
 * encoder like every other seed. */
static size_t model_file(uint8_t *out, size_t cap, const char *const *names, size_t n)
{
    luxc_ai_model_file f;
    memset(&f, 0, sizeof f);
    f.n = n;
    f.learning_rate = 0.05;
    f.bias = -0.75;
    for (size_t i = 0; i < n; i++) {
        snprintf(f.names[i], sizeof f.names[i], "%s", names[i]);
        f.w[i] = 0.125 * (double)(i + 1);
    }
    size_t len;
    check(luxc_ai_model_encode(&f, out, cap, &len), "model_encode");
    return len;
}

static void models(void)
{
    luxc_ai_model_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.node_id = "seed";
    cfg.extractor = &luxc_ai_extractor_block;
    cfg.history_cap = 1;
    cfg.id_salt = 1;
    luxc_ai_model *m;
    check(luxc_ai_model_new(&m, &cfg), "model_new");
    double w[LUXC_AI_BLOCK_FEATURES] = {0.5, -1.25, 3e-3, 0.0, -0.0, 1e9};
    check(luxc_ai_model_set_weights(m, w, LUXC_AI_BLOCK_FEATURES, 0.25), "set_weights");
    uint8_t buf[LUXC_AI_MODEL_ENCODED_MAX];
    size_t len;
    check(luxc_ai_model_save(m, buf, sizeof buf, &len), "save");
    luxc_ai_model_free(m);
    put("fuzz_ai_model", "saved", buf, len);
    buf[len - 1] ^= 1;
    put("fuzz_ai_model", "bad_checksum", buf, len);
    static const char *const sub[] = {"hash_complexity", "height"};
    static const char *const alien[] = {"height", "gas_used"};
    static const char *const dup[] = {"height", "height"};
    len = model_file(buf, sizeof buf, sub, 2);
    put("fuzz_ai_model", "subset_reordered", buf, len);
    len = model_file(buf, sizeof buf, alien, 2);
    put("fuzz_ai_model", "unknown_feature", buf, len);
    len = model_file(buf, sizeof buf, dup, 2);
    put("fuzz_ai_model", "duplicate_feature", buf, len);
}

static void genesis_seed(const char *name, size_t n, uint64_t stake0, const char *preset)
{
    luxc_genesis g;
    memset(&g, 0, sizeof g);
    snprintf(g.chain_id, sizeof g.chain_id, "luxc-fuzz");
    g.genesis_time = 1764000000;
    snprintf(g.consensus.preset, sizeof g.consensus.preset, "%s", preset);
    if (!strcmp(preset, "local")) {
        g.consensus.k = 3;
        g.consensus.alpha_pref = g.consensus.alpha_conf = g.consensus.beta = 2;
        g.consensus.block_time_ms = 1;
        g.consensus.round_timeout_ms = 5;
    }
    g.n_validators = n;
    g.validators = calloc(n, sizeof *g.validators);
    if (!g.validators)
        die("out of memory");
    for (size_t i = 0; i < n; i++) {
        luxc_genesis_validator *v = &g.validators[i];
        snprintf(v->name, sizeof v->name, "node%zu", i);
        snprintf(v->address, sizeof v->address, "tcp://127.0.0.1:%zu", 7000 + i);
        v->stake = i == 0 ? stake0 : 100 * (i + 1);
        memset(v->ed25519_pk, (int)(0x10 + i), sizeof v->ed25519_pk);
        memset(v->mldsa65_pk, (int)(0x20 + i), sizeof v->mldsa65_pk);
        g.total_stake += v->stake;
    }
    char *json;
    check(luxc_genesis_to_json(&g, &json), "genesis_to_json");
    put("fuzz_genesis", name, json, strlen(json));
    free(json);
    free(g.validators);
}

static void configs(void)
{
    genesis_seed("genesis_one", 1, 100, "single");
    genesis_seed("genesis_local3", 3, 100, "local");
    genesis_seed("genesis_big_stake", 2, (1ull << 62) + 1, "default");
    genesis_seed("genesis_stake_2p53", 1, (1ull << 53) - 1, "default"); /* regression */
    genesis_seed("genesis_stake_overflow", 2, INT64_MAX, "default");  /* sum > 2^63 - 1 */
    static const char no_vals[] = "{\"chain_id\": \"c\", \"validators\": []}";
    static const char bad_val[] = "{\"chain_id\": \"c\", \"validators\": [1]}";
    put("fuzz_genesis", "genesis_no_validators", no_vals, sizeof no_vals - 1);
    put("fuzz_genesis", "genesis_bad_validator", bad_val, sizeof bad_val - 1);
    static const char cfg_full[] =
        "{\"genesis\": \"genesis.json\", \"key_dir\": \"keys/node0\", \"name\": \"node0\",\n"
        " \"listen\": \"tcp://127.0.0.1:7000\", \"data_dir\": \"/var/lib/luxc/node0\",\n"
        " \"submit\": \"ipc:///tmp/luxc-submit\", \"metrics\": \"127.0.0.1:9100\",\n"
        " \"log_level\": \"debug\"}\n";
    static const char cfg_min[] =
        "{\"genesis\":\"g.json\",\"key_dir\":\"k\",\"name\":\"n\","
        "\"listen\":\"ipc://x\",\"data_dir\":\"d\"}";
    static const char cfg_bad[] =
        "{\"genesis\":\"g.json\",\"key_dir\":\"k\",\"name\":\"n\","
        "\"listen\":\"tcp://host:99999\",\"data_dir\":\"d\",\"lsiten\":1}";
    put("fuzz_genesis", "config_full", cfg_full, sizeof cfg_full - 1);
    put("fuzz_genesis", "config_min", cfg_min, sizeof cfg_min - 1);
    put("fuzz_genesis", "config_bad", cfg_bad, sizeof cfg_bad - 1);
}

int main(int argc, char **argv)
{
    if (argc != 2)
        die("usage: make_fuzz_corpus OUT_DIR");
    root = argv[1];
    check(luxc_crypto_init(), "crypto_init");
    uint8_t blk[1024];
    size_t blklen;
    votes();
    certs();
    blocks(blk, &blklen);
    wire(blk, blklen);
    models();
    configs();
    return 0;
}
