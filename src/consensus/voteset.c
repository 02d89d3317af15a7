/* voteset.c - one height's verified votes, counted (luxc/consensus.h).
 * Owns: one vote per validator (equivocation detection), a running stake
 * sum per distinct vote message, which message passed 2/3 of stake, and
 * the certificate of its signers. Not here: signature checks (the caller
 * verifies before adding), the wire format of votes (vote.c), certificate
 * encoding (cert.c), when a height starts or ends (the node).
 *
 * Distinct messages live in an array (at most one per validator) found
 * through an open-addressed table of twice as many slots, so adding a vote
 * is one hash and, almost always, one compare. */
#include "luxc/consensus.h"

#include <stdlib.h>
#include <string.h>

#define NONE (-1)

struct luxc_voteset {
    uint32_t n;
    uint32_t table_mask;    /* table has table_mask + 1 slots, a power of 2 */
    uint32_t voters;
    uint32_t ndistinct;
    uint64_t total;
    uint64_t voted;         /* stake of the validators with a counted vote */
    uint64_t equivocations;
    int32_t final;          /* distinct index, or NONE */
    uint32_t final_signer;
    uint64_t *stakes;       /* n */
    int32_t *vote_of;       /* n: distinct index of validator i's vote, or NONE */
    uint8_t **sig;          /* n: signature buffers, kept across clears */
    size_t *sig_len;        /* n */
    size_t *sig_cap;        /* n */
    uint8_t (*msg)[LUXC_VOTE_BYTES]; /* n: distinct messages */
    uint64_t *msg_stake;    /* n */
    int32_t *table;         /* table_mask + 1: distinct index, or NONE */
};

/* FNV-1a: the messages are short, fixed-size and not adversarial in a way
 * that matters (a collision costs a compare, never a wrong count). */
static uint64_t msg_hash(const uint8_t *m)
{
    uint64_t h = 1469598103934665603ull;
    for (size_t i = 0; i < LUXC_VOTE_BYTES; i++)
        h = (h ^ m[i]) * 1099511628211ull;
    return h;
}

/* The table slot holding msg, or the empty slot where it would go. */
static uint32_t find_slot(const luxc_voteset *vs, const uint8_t *m)
{
    uint32_t s = (uint32_t)msg_hash(m) & vs->table_mask;
    while (vs->table[s] != NONE && memcmp(vs->msg[vs->table[s]], m, LUXC_VOTE_BYTES) != 0)
        s = (s + 1) & vs->table_mask;
    return s;
}

void luxc_voteset_clear(luxc_voteset *vs)
{
    if (!vs)
        return;
    for (uint32_t i = 0; i < vs->n; i++) {
        vs->vote_of[i] = NONE;
        vs->sig_len[i] = 0;
    }
    for (uint32_t s = 0; s <= vs->table_mask; s++)
        vs->table[s] = NONE;
    vs->voters = vs->ndistinct = 0;
    vs->voted = 0;
    vs->equivocations = 0;
    vs->final = NONE;
    vs->final_signer = 0;
}

void luxc_voteset_free(luxc_voteset *vs)
{
    if (!vs)
        return;
    if (vs->sig)
        for (uint32_t i = 0; i < vs->n; i++)
            free(vs->sig[i]);
    free(vs->stakes);
    free(vs->vote_of);
    free(vs->sig);
    free(vs->sig_len);
    free(vs->sig_cap);
    free(vs->msg);
    free(vs->msg_stake);
    free(vs->table);
    free(vs);
}

int luxc_voteset_new(luxc_voteset **out, uint32_t n, const uint64_t *stakes)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (n == 0 || n > LUXC_CERT_MAX_SIGNERS || !stakes)
        return LUXC_EINVAL;
    uint64_t total = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (stakes[i] > UINT64_MAX - total)
            return LUXC_EOVERFLOW;
        total += stakes[i];
    }
    uint32_t slots = 4;
    while (slots < 2 * n)
        slots *= 2;
    luxc_voteset *vs = calloc(1, sizeof *vs);
    if (!vs)
        return LUXC_ENOMEM;
    vs->n = n;
    vs->table_mask = slots - 1;
    vs->total = total;
    vs->stakes = malloc(n * sizeof *vs->stakes);
    vs->vote_of = malloc(n * sizeof *vs->vote_of);
    vs->sig = calloc(n, sizeof *vs->sig);
    vs->sig_len = calloc(n, sizeof *vs->sig_len);
    vs->sig_cap = calloc(n, sizeof *vs->sig_cap);
    vs->msg = malloc(n * sizeof *vs->msg);
    vs->msg_stake = malloc(n * sizeof *vs->msg_stake);
    vs->table = malloc(slots * sizeof *vs->table);
    if (!vs->stakes || !vs->vote_of || !vs->sig || !vs->sig_len || !vs->sig_cap || !vs->msg ||
        !vs->msg_stake || !vs->table) {
        luxc_voteset_free(vs);
        return LUXC_ENOMEM;
    }
    memcpy(vs->stakes, stakes, n * sizeof *stakes);
    luxc_voteset_clear(vs);
    *out = vs;
    return LUXC_OK;
}

int luxc_voteset_add(luxc_voteset *vs, uint32_t i, const uint8_t msg[LUXC_VOTE_BYTES],
                     const uint8_t *sig, size_t sig_len)
{
    if (!vs || !msg || (!sig && sig_len) || sig_len > LUXC_CERT_MAX_SIGBYTES)
        return LUXC_EINVAL;
    if (i >= vs->n)
        return LUXC_ENOTMEMBER;
    if (vs->vote_of[i] != NONE) {
        if (memcmp(vs->msg[vs->vote_of[i]], msg, LUXC_VOTE_BYTES) == 0)
            return LUXC_EEXIST;
        vs->equivocations++;
        return LUXC_EDUPLICATE;
    }
    /* Everything that can fail comes before any count changes. */
    if (sig_len > vs->sig_cap[i]) {
        uint8_t *b = realloc(vs->sig[i], sig_len);
        if (!b)
            return LUXC_ENOMEM;
        vs->sig[i] = b;
        vs->sig_cap[i] = sig_len;
    }
    if (sig_len)
        memcpy(vs->sig[i], sig, sig_len);
    vs->sig_len[i] = sig_len;
    uint32_t s = find_slot(vs, msg);
    int32_t d = vs->table[s];
    if (d == NONE) {
        d = (int32_t)vs->ndistinct++;
        memcpy(vs->msg[d], msg, LUXC_VOTE_BYTES);
        vs->msg_stake[d] = 0;
        vs->table[s] = d;
    }
    vs->vote_of[i] = d;
    vs->voters++;
    vs->voted += vs->stakes[i];
    vs->msg_stake[d] += vs->stakes[i];
    if (vs->final == NONE && luxc_horizon_is_final(vs->msg_stake[d], vs->total)) {
        vs->final = d;
        vs->final_signer = i;
    }
    return LUXC_OK;
}

const uint8_t *luxc_voteset_vote_of(const luxc_voteset *vs, uint32_t i)
{
    if (!vs || i >= vs->n || vs->vote_of[i] == NONE)
        return NULL;
    return vs->msg[vs->vote_of[i]];
}

uint64_t luxc_voteset_stake(const luxc_voteset *vs, const uint8_t msg[LUXC_VOTE_BYTES])
{
    if (!vs || !msg)
        return 0;
    int32_t d = vs->table[find_slot(vs, msg)];
    return d == NONE ? 0 : vs->msg_stake[d];
}

uint64_t luxc_voteset_block_stake(const luxc_voteset *vs, const uint8_t block[32])
{
    if (!vs || !block)
        return 0;
    uint64_t s = 0;
    for (uint32_t d = 0; d < vs->ndistinct; d++) {
        luxc_vote v;
        if (luxc_vote_decode(&v, vs->msg[d], LUXC_VOTE_BYTES) == LUXC_OK &&
            memcmp(v.block, block, 32) == 0)
            s += vs->msg_stake[d];
    }
    return s;
}

const uint8_t *luxc_voteset_final(const luxc_voteset *vs, uint32_t *signer)
{
    if (!vs || vs->final == NONE)
        return NULL;
    if (signer)
        *signer = vs->final_signer;
    return vs->msg[vs->final];
}

int luxc_voteset_cert(const luxc_voteset *vs, luxc_cert **out)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!vs)
        return LUXC_EINVAL;
    if (vs->final == NONE)
        return LUXC_ENOQUORUM;
    luxc_vote v;
    int rc = luxc_vote_decode(&v, vs->msg[vs->final], LUXC_VOTE_BYTES);
    luxc_cert *c = NULL;
    if (rc == LUXC_OK)
        rc = luxc_cert_new(&c, &v);
    for (uint32_t i = 0; rc == LUXC_OK && i < vs->n; i++)
        if (vs->vote_of[i] == vs->final)
            rc = luxc_cert_add(c, i, vs->sig[i], vs->sig_len[i]);
    if (rc != LUXC_OK) {
        luxc_cert_free(c);
        return rc;
    }
    *out = c;
    return LUXC_OK;
}

uint32_t luxc_voteset_voters(const luxc_voteset *vs) { return vs ? vs->voters : 0; }

uint64_t luxc_voteset_equivocations(const luxc_voteset *vs) { return vs ? vs->equivocations : 0; }

uint64_t luxc_voteset_total(const luxc_voteset *vs) { return vs ? vs->total : 0; }

uint64_t luxc_voteset_voted_stake(const luxc_voteset *vs) { return vs ? vs->voted : 0; }
