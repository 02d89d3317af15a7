/* netcfg.c - configuration defaults, clock and the common header.
 * Owns: turning a caller's luxc_net_cfg into checked limits, and the one
 * parser of the 6-byte message header every net decoder starts with. */
#include "net/net_int.h"

#include <stdio.h>
#include <time.h>

#include "common/be.h"

size_t luxc_net_hs_msgmax(void) { return LUXC_NET_HS_MSGMAX; }
size_t luxc_net_chainidbytes(void) { return LUXC_NET_CHAINIDBYTES; }
size_t luxc_net_recoverhead(void) { return LUXC_NET_RECOVERHEAD; }

int luxc_net_limits_from_cfg(luxc_net_limits *lim, const luxc_net_cfg *cfg)
{
    if (!lim || !cfg)
        return LUXC_EINVAL;
    if (cfg->rekey_records > LUXC_NET_REKEY_RECORDS_MAX ||
        cfg->rekey_bytes > LUXC_NET_REKEY_BYTES_MAX || cfg->rekey_ms > LUXC_NET_REKEY_MS_MAX ||
        cfg->peer_rekey_records > LUXC_NET_REKEY_RECORDS_MAX ||
        cfg->peer_rekey_bytes > LUXC_NET_REKEY_BYTES_MAX ||
        cfg->peer_rekey_ms > LUXC_NET_REKEY_MS_MAX || cfg->max_record > LUXC_NET_RECORD_MAX)
        return LUXC_EPARAM;
    lim->rekey_records = cfg->rekey_records ? cfg->rekey_records : LUXC_NET_REKEY_RECORDS_MAX;
    lim->rekey_bytes = cfg->rekey_bytes ? cfg->rekey_bytes : LUXC_NET_REKEY_BYTES_MAX;
    lim->rekey_ms = cfg->rekey_ms ? cfg->rekey_ms : LUXC_NET_REKEY_MS_MAX;
    lim->peer_rekey_records =
        cfg->peer_rekey_records ? cfg->peer_rekey_records : LUXC_NET_REKEY_RECORDS_MAX;
    lim->peer_rekey_bytes = cfg->peer_rekey_bytes ? cfg->peer_rekey_bytes : LUXC_NET_REKEY_BYTES_MAX;
    lim->peer_rekey_ms = cfg->peer_rekey_ms ? cfg->peer_rekey_ms : LUXC_NET_REKEY_MS_MAX;
    lim->max_record = cfg->max_record ? cfg->max_record : LUXC_NET_RECORD_DEFAULT;
    lim->log = cfg->log;
    lim->log_ctx = cfg->log_ctx;
    lim->clock = cfg->clock;
    lim->clock_ctx = cfg->clock_ctx;
    return LUXC_OK;
}

uint64_t luxc_net_now_ms(const luxc_net_limits *lim)
{
    if (lim->clock)
        return lim->clock(lim->clock_ctx);
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000u + (uint64_t)ts.tv_nsec / 1000000u;
}

int luxc_net_hdr_parse(const uint8_t *msg, size_t len, uint8_t *type, uint32_t *body_len)
{
    if (len < 1)
        return LUXC_ETRUNC;
    if (msg[0] != LUXC_NET_VERSION)
        return LUXC_EVERSION;
    if (len < LUXC_NET_HEADERBYTES)
        return LUXC_ETRUNC;
    uint32_t bl = luxc_be32_load(msg + 2);
    size_t rest = len - LUXC_NET_HEADERBYTES;
    if (bl > rest)
        return LUXC_ETRUNC;
    if (bl < rest)
        return LUXC_ETRAILING;
    *type = msg[1];
    *body_len = bl;
    return LUXC_OK;
}

void luxc_net_hdr_write(uint8_t *msg, uint8_t type, uint32_t body_len)
{
    msg[0] = LUXC_NET_VERSION;
    msg[1] = type;
    luxc_be32_store(msg + 2, body_len);
}
