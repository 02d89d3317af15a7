/* cert.c - horizon finality certificates.
 * Owns: the certificate object (a certified accept vote plus signers and
 * their signatures), its canonical encoding, the strict decoder checked
 * against a validator set, and verification through luxc_verifier.
 * A polka proof (2f+1 prevotes of one round for one block, carried by a
 * re-proposal) is the same object and layout under the magic "LUXPOLK\0";
 * each decoder takes only its own kind, so neither passes for the other.
 * Layout (big-endian): "LUXCERT\0" | version u16 | chain_id(32) |
 * height u64 | round u32 | block(32) | parent(32) | state_root(32) |
 * count u32 | count x { index u32 | siglen u32 | sig }. Signers ascend. */
#include "luxc/consensus.h"

#include <stdlib.h>
#include <string.h>

#include "common/be.h"

typedef struct cert_sig {
    uint32_t index;
    uint32_t len;
    uint8_t *sig;
} cert_sig;

struct luxc_cert {
    luxc_vote vote;
    cert_sig *sigs;     /* ascending index */
    size_t n, cap;
};

void luxc_cert_free(luxc_cert *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < c->n; i++)
        free(c->sigs[i].sig);
    free(c->sigs);
    free(c);
}

int luxc_cert_new(luxc_cert **out, const luxc_vote *v)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (!v || v->accept != 1 || (v->phase != LUXC_PRECOMMIT && v->phase != LUXC_PREVOTE))
        return LUXC_EINVAL;
    luxc_cert *c = calloc(1, sizeof *c);
    if (!c)
        return LUXC_ENOMEM;
    c->vote = *v;
    *out = c;
    return LUXC_OK;
}

const luxc_vote *luxc_cert_vote(const luxc_cert *c) { return c ? &c->vote : NULL; }
size_t luxc_cert_num_signers(const luxc_cert *c) { return c ? c->n : 0; }
uint32_t luxc_cert_signer(const luxc_cert *c, size_t i)
{
    return c && i < c->n ? c->sigs[i].index : UINT32_MAX;
}

int luxc_cert_add(luxc_cert *c, uint32_t index, const uint8_t *sig, size_t siglen)
{
    if (!c || (!sig && siglen))
        return LUXC_EINVAL;
    if (siglen > LUXC_CERT_MAX_SIGBYTES || c->n >= LUXC_CERT_MAX_SIGNERS)
        return LUXC_ETOOBIG;
    size_t pos = c->n;
    while (pos > 0 && c->sigs[pos - 1].index > index)
        pos--;
    if (pos > 0 && c->sigs[pos - 1].index == index)
        return LUXC_EDUPLICATE;
    if (c->n == c->cap) {
        size_t nc = c->cap ? c->cap * 2 : 8;
        cert_sig *s = realloc(c->sigs, nc * sizeof *s);
        if (!s)
            return LUXC_ENOMEM;
        c->sigs = s;
        c->cap = nc;
    }
    uint8_t *copy = malloc(siglen ? siglen : 1);
    if (!copy)
        return LUXC_ENOMEM;
    if (siglen)
        memcpy(copy, sig, siglen);
    memmove(c->sigs + pos + 1, c->sigs + pos, (c->n - pos) * sizeof *c->sigs);
    c->sigs[pos] = (cert_sig){index, (uint32_t)siglen, copy};
    c->n++;
    return LUXC_OK;
}

size_t luxc_cert_encoded_len(const luxc_cert *c)
{
    if (!c)
        return 0;
    size_t len = LUXC_CERT_HEADERBYTES;
    for (size_t i = 0; i < c->n; i++)
        len += 8 + c->sigs[i].len;
    return len;
}

static uint8_t *put_vote_body(uint8_t *p, const luxc_vote *v)
{
    memcpy(p, v->chain_id, 32);
    luxc_be64_store(p + 32, v->height);
    luxc_be32_store(p + 40, v->round);
    memcpy(p + 44, v->block, 32);
    memcpy(p + 76, v->parent, 32);
    memcpy(p + 108, v->state_root, 32);
    return p + 140;
}

int luxc_cert_encode(const luxc_cert *c, uint8_t *out, size_t cap, size_t *len)
{
    if (!c || !out || !len)
        return LUXC_EINVAL;
    size_t need = luxc_cert_encoded_len(c);
    if (cap < need)
        return LUXC_EFULL;
    uint8_t *p = out;
    memcpy(p, c->vote.phase == LUXC_PREVOTE ? LUXC_POLKA_MAGIC : LUXC_CERT_MAGIC, 8);
    luxc_be16_store(p + 8, LUXC_CERT_VERSION);
    p = put_vote_body(p + 10, &c->vote);
    luxc_be32_store(p, (uint32_t)c->n);
    p += 4;
    for (size_t i = 0; i < c->n; i++) {
        luxc_be32_store(p, c->sigs[i].index);
        luxc_be32_store(p + 4, c->sigs[i].len);
        memcpy(p + 8, c->sigs[i].sig, c->sigs[i].len);
        p += 8 + c->sigs[i].len;
    }
    *len = need;
    return LUXC_OK;
}

/* Decode body checks, in order: framing, then membership, duplicates,
 * order and stake, so that each malformation maps to one code. */
static int decode_as(luxc_cert **out, const uint8_t *buf, size_t len, const luxc_cert_member *set,
                     size_t nset, luxc_vote_phase phase)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if ((!buf && len) || (!set && nset))
        return LUXC_EINVAL;
    if (len < 10)
        return LUXC_ETRUNC;
    if (memcmp(buf, phase == LUXC_PREVOTE ? LUXC_POLKA_MAGIC : LUXC_CERT_MAGIC, 8))
        return LUXC_ECORRUPT;
    if (luxc_be16_load(buf + 8) != LUXC_CERT_VERSION)
        return LUXC_EVERSION;
    if (len < LUXC_CERT_HEADERBYTES)
        return LUXC_ETRUNC;
    luxc_vote v = {0};
    const uint8_t *p = buf + 10;
    memcpy(v.chain_id, p, 32);
    v.height = luxc_be64_load(p + 32);
    v.round = luxc_be32_load(p + 40);
    memcpy(v.block, p + 44, 32);
    memcpy(v.parent, p + 76, 32);
    memcpy(v.state_root, p + 108, 32);
    v.accept = 1;
    v.phase = (uint8_t)phase;
    uint32_t count = luxc_be32_load(p + 140);
    size_t off = LUXC_CERT_HEADERBYTES;
    /* Cap the count before allocating anything. */
    if (count > nset || count > LUXC_CERT_MAX_SIGNERS)
        return LUXC_ETOOBIG;
    uint8_t *seen = calloc(nset ? nset : 1, 1);
    luxc_cert *c = NULL;
    int rc = luxc_cert_new(&c, &v);
    if (!seen || rc != LUXC_OK) {
        rc = LUXC_ENOMEM;
        goto fail;
    }
    if (count && !(c->sigs = malloc(count * sizeof *c->sigs))) {
        rc = LUXC_ENOMEM;
        goto fail;
    }
    c->cap = count;
    uint64_t stake = 0;
    int out_of_order = 0;
    for (uint32_t i = 0; i < count; i++) {
        if (8 > len - off) {
            rc = LUXC_ETRUNC;
            goto fail;
        }
        uint32_t idx = luxc_be32_load(buf + off), sl = luxc_be32_load(buf + off + 4);
        off += 8;
        if (sl > LUXC_CERT_MAX_SIGBYTES) {
            rc = LUXC_ETOOBIG;
            goto fail;
        }
        if (sl > len - off) {
            rc = LUXC_ETRUNC;
            goto fail;
        }
        if (idx >= nset) {
            rc = LUXC_ENOTMEMBER;
            goto fail;
        }
        if (seen[idx]) {
            rc = LUXC_EDUPLICATE;
            goto fail;
        }
        seen[idx] = 1;
        if (c->n && idx < c->sigs[c->n - 1].index)
            out_of_order = 1;
        if (set[idx].stake > UINT64_MAX - stake) {
            rc = LUXC_EOVERFLOW;
            goto fail;
        }
        stake += set[idx].stake;
        uint8_t *copy = malloc(sl ? sl : 1);
        if (!copy) {
            rc = LUXC_ENOMEM;
            goto fail;
        }
        memcpy(copy, buf + off, sl);
        c->sigs[c->n++] = (cert_sig){idx, sl, copy};
        off += sl;
    }
    if (off != len) {
        rc = LUXC_ETRAILING;
        goto fail;
    }
    if (out_of_order) {
        rc = LUXC_ECORRUPT; /* not the canonical (ascending) encoding */
        goto fail;
    }
    free(seen);
    *out = c;
    return LUXC_OK;
fail:
    free(seen);
    luxc_cert_free(c);
    return rc;
}

int luxc_cert_decode(luxc_cert **out, const uint8_t *buf, size_t len, const luxc_cert_member *set,
                     size_t nset)
{
    return decode_as(out, buf, len, set, nset, LUXC_PRECOMMIT);
}

int luxc_cert_decode_polka(luxc_cert **out, const uint8_t *buf, size_t len,
                           const luxc_cert_member *set, size_t nset)
{
    return decode_as(out, buf, len, set, nset, LUXC_PREVOTE);
}

int luxc_cert_stake(const luxc_cert *c, const luxc_cert_member *set, size_t nset, uint64_t *stake)
{
    if (!c || (!set && nset) || !stake)
        return LUXC_EINVAL;
    uint64_t s = 0;
    for (size_t i = 0; i < c->n; i++) {
        uint32_t idx = c->sigs[i].index;
        if (idx >= nset)
            return LUXC_ENOTMEMBER;
        if (set[idx].stake > UINT64_MAX - s)
            return LUXC_EOVERFLOW;
        s += set[idx].stake;
    }
    *stake = s;
    return LUXC_OK;
}

int luxc_cert_verify(const luxc_cert *c, const luxc_cert_member *set, size_t nset,
                     const luxc_verifier *vf)
{
    if (!c || (!set && nset) || !vf || !vf->verify)
        return LUXC_EINVAL;
    uint64_t total, signed_stake;
    int rc = luxc_cert_members_total(set, nset, &total);
    if (rc != LUXC_OK)
        return rc;
    if ((rc = luxc_cert_stake(c, set, nset, &signed_stake)) != LUXC_OK)
        return rc;
    /* Cheap quorum check first: no signature work for a hopeless cert. */
    if (!luxc_horizon_is_final(signed_stake, total))
        return LUXC_ENOQUORUM;
    uint8_t msg[LUXC_VOTE_BYTES];
    if ((rc = luxc_vote_encode(msg, &c->vote)) != LUXC_OK)
        return rc;
    for (size_t i = 0; i < c->n; i++) {
        const luxc_cert_member *val = &set[c->sigs[i].index];
        rc = vf->verify(vf->ctx, c->sigs[i].sig, c->sigs[i].len, msg, sizeof msg, val->pk,
                        val->pklen);
        if (rc != LUXC_OK)
            return rc < 0 ? rc : LUXC_EAUTH;
    }
    return LUXC_OK;
}
