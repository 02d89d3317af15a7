/* valset.c - the validator set: who may connect, with which key and stake.
 * Owns: an append-only array of luxc_validator with duplicate and stake
 * overflow checks, and lookup by hybrid public key.
 * Not here: loading it from genesis JSON (the node layer does that). */
#include "luxc/net.h"

#include <stdlib.h>
#include <string.h>

struct luxc_valset {
    luxc_validator *v;
    size_t n, cap;
    uint64_t total;
};

int luxc_valset_new(luxc_valset **out)
{
    if (!out)
        return LUXC_EINVAL;
    *out = calloc(1, sizeof **out);
    return *out ? LUXC_OK : LUXC_ENOMEM;
}

void luxc_valset_free(luxc_valset *vs)
{
    if (!vs)
        return;
    free(vs->v);
    free(vs);
}

int luxc_valset_add(luxc_valset *vs, const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                    uint64_t stake, const char *name, const char *addr)
{
    if (!vs || !pk || !name || !*name || stake == 0)
        return LUXC_EINVAL;
    if (!addr)
        addr = "";
    size_t nl = strlen(name), al = strlen(addr);
    if (nl >= LUXC_NET_NAMEMAX || al >= LUXC_NET_ADDRMAX || vs->n >= LUXC_NET_VALSET_MAX)
        return LUXC_ETOOBIG;
    if (luxc_valset_find(vs, pk) >= 0)
        return LUXC_EDUPLICATE;
    if (stake > UINT64_MAX - vs->total)
        return LUXC_EOVERFLOW;
    if (vs->n == vs->cap) {
        size_t cap = vs->cap ? vs->cap * 2 : 8;
        luxc_validator *nv = realloc(vs->v, cap * sizeof *nv);
        if (!nv)
            return LUXC_ENOMEM;
        vs->v = nv;
        vs->cap = cap;
    }
    luxc_validator *e = &vs->v[vs->n];
    memset(e, 0, sizeof *e);
    memcpy(e->pk, pk, LUXC_HSIGN_PUBLICKEYBYTES);
    e->stake = stake;
    memcpy(e->name, name, nl);
    memcpy(e->addr, addr, al);
    vs->n++;
    vs->total += stake;
    return LUXC_OK;
}

size_t luxc_valset_count(const luxc_valset *vs) { return vs ? vs->n : 0; }

uint64_t luxc_valset_total_stake(const luxc_valset *vs) { return vs ? vs->total : 0; }

const luxc_validator *luxc_valset_get(const luxc_valset *vs, size_t i)
{
    return vs && i < vs->n ? &vs->v[i] : NULL;
}

/* Public keys are public: a plain memcmp is fine (no timing secret). */
int luxc_valset_find(const luxc_valset *vs, const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES])
{
    if (!vs || !pk)
        return LUXC_EINVAL;
    for (size_t i = 0; i < vs->n; i++)
        if (!memcmp(vs->v[i].pk, pk, LUXC_HSIGN_PUBLICKEYBYTES))
            return (int)i;
    return LUXC_ENOTMEMBER;
}
