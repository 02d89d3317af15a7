/* net_int.h - private helpers shared by the net layer's files.
 * Owns: the normalised configuration (limits with defaults applied), the
 * logger/clock wrappers and the common 6-byte message header codec.
 * Not here: message bodies (hs_wire.c), records (chan.c). */
#ifndef LUXC_SRC_NET_INT_H
#define LUXC_SRC_NET_INT_H

#include <stddef.h>
#include <stdint.h>

#include "common/logfmt.h"
#include "luxc/net.h"

/* Limits and callbacks with defaults applied (no borrowed key material). */
typedef struct luxc_net_limits {
    uint64_t rekey_records, rekey_bytes, rekey_ms;
    uint64_t peer_rekey_records, peer_rekey_bytes, peer_rekey_ms;
    uint32_t max_record;
    luxc_log_fn log;
    void *log_ctx;
    luxc_net_clock_fn clock;
    void *clock_ctx;
} luxc_net_limits;

/* Validate cfg's limits and fill lim. LUXC_EINVAL (NULL), LUXC_EPARAM. */
int luxc_net_limits_from_cfg(luxc_net_limits *lim, const luxc_net_cfg *cfg);
uint64_t luxc_net_now_ms(const luxc_net_limits *lim);
/* An event with printf-built logfmt fields through lim->log (no-op when
 * NULL); quote string values with luxc_logfmt_value (common/logfmt.h). */
#define luxc_net_logf(lim, level, event, ...) \
    luxc_log_emitf((lim)->log, (lim)->log_ctx, (level), (event), __VA_ARGS__)

/* Parse the 6-byte header of msg (len bytes) and check body_len against
 * the bytes present. Returns LUXC_OK with *type and *body_len set, or
 * LUXC_ETRUNC (shorter than the header or the body), LUXC_EVERSION,
 * LUXC_ETRAILING (bytes after the body). The version is checked first. */
int luxc_net_hdr_parse(const uint8_t *msg, size_t len, uint8_t *type, uint32_t *body_len);
void luxc_net_hdr_write(uint8_t *msg, uint8_t type, uint32_t body_len);

/* Create a channel from direction keys and already-normalised limits. */
int luxc_chan_new_internal(luxc_chan **out, const luxc_net_limits *lim,
                           const uint8_t send_key[LUXC_AEAD_KEYBYTES],
                           const uint8_t recv_key[LUXC_AEAD_KEYBYTES], int peer);

/* ZeroMQ helpers (zutil.c). Largest message a socket accepts for lim. */
size_t luxc_net_maxmsg(const luxc_net_limits *lim);
/* Apply MAXMSGSIZE and LINGER to a fresh socket. LUXC_EIO on failure. */
int luxc_net_zsock_setup(void *sock, const luxc_net_limits *lim);
/* Log event ("bind failed", "connect failed") at error level with the
 * endpoint and zmq's text for the current zmq_errno(). */
void luxc_net_log_zmq_failure(const luxc_net_limits *lim, const char *event,
                              const char *endpoint);
/* Receive one whole message (all frames) into msgs[0..*nframes) (at most
 * maxframes; extra frames are received and discarded, *nframes counts all).
 * Waits up to timeout_ms (-1 forever). LUXC_EAGAIN on timeout, LUXC_EIO. */
int luxc_net_zrecv(void *sock, void *msgs, size_t maxframes, size_t *nframes, int timeout_ms);
/* Socket deadlines use the real CLOCK_MONOTONIC, never the configured
 * clock (a test clock that stands still must not hang a socket wait).
 * Deadline timeout_ms from now (-1 = none); milliseconds left (-1 = none). */
int64_t luxc_net_deadline(int timeout_ms);
int luxc_net_left_ms(int64_t deadline_ms);

#endif
