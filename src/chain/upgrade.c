/* upgrade.c - encode and decode upgrade proposal transactions
 * (luxc/upgrade.h). Owns: their wire format only. */
#include "luxc/upgrade.h"

#include <string.h>

#include "common/be.h"

static const char *const risks[] = {"low", "medium", "high", "critical"};

int luxc_upgrade_risk_parse(const char *s)
{
    for (int i = 0; s && i < 4; i++)
        if (!strcmp(s, risks[i]))
            return i;
    return -1;
}

const char *luxc_upgrade_risk_name(uint8_t risk) { return risk < 4 ? risks[risk] : "unknown"; }

int luxc_upgrade_encode(uint8_t *out, size_t cap, size_t *len, const luxc_upgrade_proposal *u)
{
    if (!out || !len || !u)
        return LUXC_EINVAL;
    size_t vl = strnlen(u->version, sizeof u->version);
    if (vl == 0 || vl > LUXC_UPGRADE_VERSION_MAX || u->risk > 3)
        return LUXC_EINVAL;
    size_t need = 8 + 1 + vl + 4 + 1 + 4 + 8;
    if (cap < need)
        return LUXC_EFULL;
    memcpy(out, LUXC_UPGRADE_MAGIC, 8);
    out[8] = (uint8_t)vl;
    memcpy(out + 9, u->version, vl);
    uint8_t *p = out + 9 + vl;
    luxc_be32_store(p, u->change_count);
    p[4] = u->risk;
    luxc_be32_store(p + 5, u->test_count);
    luxc_be64_store(p + 9, u->timestamp_us);
    *len = need;
    return LUXC_OK;
}

int luxc_upgrade_is(const uint8_t *tx, size_t len)
{
    return tx && len >= 8 && memcmp(tx, LUXC_UPGRADE_MAGIC, 8) == 0;
}

int luxc_upgrade_decode(luxc_upgrade_proposal *u, const uint8_t *tx, size_t len)
{
    if (!u)
        return LUXC_EINVAL;
    memset(u, 0, sizeof *u);
    if (!luxc_upgrade_is(tx, len))
        return LUXC_EINVAL;
    if (len < 9)
        return LUXC_ETRUNC;
    size_t vl = tx[8];
    if (vl == 0 || vl > LUXC_UPGRADE_VERSION_MAX)
        return LUXC_ERANGE;
    size_t need = 8 + 1 + vl + 4 + 1 + 4 + 8;
    if (len < need)
        return LUXC_ETRUNC;
    if (len > need)
        return LUXC_ETRAILING;
    const uint8_t *p = tx + 9 + vl;
    if (p[4] > 3)
        return LUXC_ERANGE;
    memcpy(u->version, tx + 9, vl);
    u->change_count = luxc_be32_load(p);
    u->risk = p[4];
    u->test_count = luxc_be32_load(p + 5);
    u->timestamp_us = luxc_be64_load(p + 9);
    return LUXC_OK;
}
