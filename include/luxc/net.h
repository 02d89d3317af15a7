/* luxc/net.h - the secure transport ("QZMQ"): validator identities, a hybrid
 * post-quantum handshake, an AEAD record layer, and a thin ZeroMQ carrier.
 *
 * Model
 * -----
 * A validator's identity is a hybrid signing key (Ed25519 + ML-DSA-65,
 * luxc_hsign_*) listed with its stake in a validator set (luxc_valset).
 * Two validators open a link with a three-message handshake (luxc_hs):
 * hybrid key agreement (X25519 + ML-KEM-768, luxc_hkx_*), a transcript that
 * both sides sign with their identity keys, key confirmation, and one
 * AEAD key per direction. The result is a channel (luxc_chan) that seals
 * and opens records (XChaCha20-Poly1305, counter nonces, strict in-order
 * delivery, periodic rekey). luxc_hs and luxc_chan work on byte buffers
 * only (no I/O), so they can be tested and fuzzed without sockets; the
 * ZeroMQ wrapper (luxc_zserver / luxc_zclient) is a thin layer on top.
 *
 * Wire format (version LUXC_NET_VERSION = 1; all integers big-endian)
 * -------------------------------------------------------------------
 * Every message, handshake or record, is one ZeroMQ message that starts
 * with the same 6-byte header:
 *
 *   off len field
 *   0   1   version     LUXC_NET_VERSION (1); anything else: LUXC_EVERSION
 *   1   1   type        1 HELLO_I, 2 HELLO_R, 3 FINISH_I, 16 DATA
 *   2   4   body_len    number of bytes after the header; must equal the
 *                       rest of the message exactly (shorter message:
 *                       LUXC_ETRUNC, longer: LUXC_ETRAILING)
 *
 * HELLO_I   initiator -> responder, body 3232 bytes:
 *   6    32    chain_id      must equal the responder's chain id
 *   38   1216  hkx_init      X25519 public key || ML-KEM-768 encaps key
 *   1254 1984  identity_pk   initiator's hybrid public key (ed || ml-dsa)
 * HELLO_R   responder -> initiator, body 6509 bytes:
 *   6    1120  hkx_resp      X25519 public key || ML-KEM-768 ciphertext
 *   1126 1984  identity_pk   responder's hybrid public key
 *   3110 3373  sig_r         hybrid signature, context
 *                            "luxc/qzmq/v1/responder", over
 *                            th_r = BLAKE2b-256(P || HELLO_I || HELLO_R[0..3110))
 *   6483 32    confirm_r     luxc_kdf(S, "luxc/qzmq/v1/confirm-r", th_r)
 * FINISH_I  initiator -> responder, body 3405 bytes:
 *   6    3373  sig_i         hybrid signature, context
 *                            "luxc/qzmq/v1/initiator", over
 *                            th_i = BLAKE2b-256(th_r || HELLO_R[3110..6515))
 *   3379 32    confirm_i     luxc_kdf(S, "luxc/qzmq/v1/confirm-i", th_i)
 * where P (the prologue, 42 bytes) = "luxc/qzmq" || version || chain_id and
 * S = the 64-byte hybrid secret of luxc_hkx_* computed with prologue P
 * (it already binds HELLO_I's and HELLO_R's key shares). The transcript
 * hashes chain, so th_i and th_f cover every byte of P, HELLO_I, HELLO_R
 * (and FINISH_I). After FINISH_I, with th_f = BLAKE2b-256(th_i || FINISH_I):
 *   key initiator->responder = luxc_kdf(S, "luxc/qzmq/v1/i2r", th_f)
 *   key responder->initiator = luxc_kdf(S, "luxc/qzmq/v1/r2i", th_f)
 *
 * DATA      either direction after the handshake, 18-byte header + ct:
 *   0    1     version
 *   1    1     type = 16
 *   2    4     body_len = 12 + ct_len
 *   6    4     epoch         key generation of this direction (0, 1, ...)
 *   10   8     seq           record number of this direction, from 0,
 *                            never reset (also across rekeys)
 *   18   n+16  ct            XChaCha20-Poly1305(plaintext), AD = bytes
 *                            0..18, nonce = epoch || seq || 12 zero bytes
 * Limits: ct_len >= 16; plaintext <= the channel's max_record.
 * Rekey: before sealing, when the current epoch has carried rekey_records
 * records or rekey_bytes plaintext bytes, or is rekey_ms old, the sender
 * moves to epoch e+1 with key(e+1) = luxc_kdf(key(e), "luxc/qzmq/v1/rekey",
 * be32(e+1)) and wipes key(e). The receiver accepts epoch e (current) or
 * e+1 (derives the next key, commits it only when the record verifies).
 *
 * Receive checks, in order (each drop is counted by reason in
 * luxc_net_stats): length < 18 -> truncated; version -> version; type !=
 * DATA -> header; body_len > max_record + 28 or message longer than
 * 18 + max_record + 16 -> oversized; body_len < 28 -> header; body_len
 * larger than the rest -> truncated; smaller -> header (trailing bytes);
 * seq < expected -> replay; seq > expected -> reorder; epoch not current or
 * next -> epoch; the current epoch has already carried peer_rekey_records
 * records or peer_rekey_bytes plaintext bytes, or is older than
 * peer_rekey_ms + LUXC_NET_REKEY_GRACE_MS (counted from the first record
 * of the epoch, or the channel's creation for epoch 0) -> stale key (the
 * sender should have rekeyed: the channel cannot recover and should be
 * closed); tag fails -> auth. Only the next expected seq is accepted.
 *
 * Thread safety: luxc_valset is filled by one thread, then immutable and
 * readable from any thread. luxc_hs, luxc_chan, luxc_zserver and
 * luxc_zclient are one thread at a time (one object per connection; no
 * internal locks). The logger is called on the calling thread. There is no
 * global state; luxc_crypto_init() must have been called once. */
#ifndef LUXC_NET_H
#define LUXC_NET_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"
#include "luxc/crypto.h"

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_NET_VERSION 1u
#define LUXC_NET_CHAINIDBYTES 32u
#define LUXC_NET_HEADERBYTES 6u      /* version, type, body_len */
#define LUXC_NET_RECHEADERBYTES 18u  /* + epoch, seq */
#define LUXC_NET_RECOVERHEAD (LUXC_NET_RECHEADERBYTES + LUXC_AEAD_TAGBYTES)

#define LUXC_NET_MSG_HELLO_I 1u
#define LUXC_NET_MSG_HELLO_R 2u
#define LUXC_NET_MSG_FINISH_I 3u
#define LUXC_NET_MSG_DATA 16u

#define LUXC_NET_CONFIRMBYTES 32u
#define LUXC_NET_HELLO_I_BYTES \
    (LUXC_NET_HEADERBYTES + LUXC_NET_CHAINIDBYTES + LUXC_HKX_INITBYTES + LUXC_HSIGN_PUBLICKEYBYTES)
#define LUXC_NET_HELLO_R_BYTES                                                   \
    (LUXC_NET_HEADERBYTES + LUXC_HKX_RESPBYTES + LUXC_HSIGN_PUBLICKEYBYTES +     \
     LUXC_HSIGN_BYTES + LUXC_NET_CONFIRMBYTES)
#define LUXC_NET_FINISH_I_BYTES \
    (LUXC_NET_HEADERBYTES + LUXC_HSIGN_BYTES + LUXC_NET_CONFIRMBYTES)
/* Largest handshake message: size output buffers of luxc_hs_* with it. */
#define LUXC_NET_HS_MSGMAX LUXC_NET_HELLO_R_BYTES
LUXC_API
size_t luxc_net_hs_msgmax(void);
LUXC_API
size_t luxc_net_chainidbytes(void);
LUXC_API
size_t luxc_net_recoverhead(void);

/* Rekey limits (SPEC.md s5) and record size bounds. */
#define LUXC_NET_REKEY_RECORDS_MAX (UINT64_C(1) << 32)
#define LUXC_NET_REKEY_BYTES_MAX (UINT64_C(1) << 50)
#define LUXC_NET_REKEY_MS_MAX UINT64_C(600000) /* 10 minutes */
/* Receive side: a peer's epoch may be this much older than its limit
 * before its records are refused (the two ends start their clocks a
 * round trip apart and see records after transit). */
#define LUXC_NET_REKEY_GRACE_MS UINT64_C(60000)
#define LUXC_NET_RECORD_DEFAULT (1u << 20)     /* default max plaintext */
#define LUXC_NET_RECORD_MAX (1u << 24)         /* hard cap of max_record */

/* ---- Logging and clock (caller-supplied, no global state) -------------- */
/* Events go to a luxc_log_fn (luxc/common.h): short fixed phrases
 * ("handshake refused", "peer disconnected") with logfmt fields
 * (role=, peer=, reason=, error=, endpoint=, epoch=). */
/* Monotonic milliseconds (any origin). */
typedef uint64_t (*luxc_net_clock_fn)(void *ctx);

/* ---- Validator set ------------------------------------------------------ */
#define LUXC_NET_NAMEMAX 64u   /* name, including its NUL */
#define LUXC_NET_ADDRMAX 256u  /* ZeroMQ endpoint, including its NUL */
#define LUXC_NET_VALSET_MAX 4096u

typedef struct luxc_validator {
    uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES]; /* ed25519 || ml-dsa-65 */
    uint64_t stake;                        /* > 0 */
    char name[LUXC_NET_NAMEMAX];           /* NUL-terminated */
    char addr[LUXC_NET_ADDRMAX];           /* NUL-terminated, may be "" */
} luxc_validator;

typedef struct luxc_valset luxc_valset;

/* Empty set. LUXC_EINVAL if out is NULL, LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_valset_new(luxc_valset **out);
LUXC_API
void luxc_valset_free(luxc_valset *vs);
/* Append a validator (copies everything). name must be non-empty; addr may
 * be NULL (stored as ""). Errors: LUXC_EINVAL (NULL vs/pk/name, empty name,
 * stake 0), LUXC_ETOOBIG (name or addr too long, or the set already holds
 * LUXC_NET_VALSET_MAX), LUXC_EDUPLICATE (pk already listed), LUXC_EOVERFLOW
 * (total stake would exceed UINT64_MAX), LUXC_ENOMEM. On error the set is
 * unchanged. */
LUXC_API
LUXC_MUST_CHECK int luxc_valset_add(luxc_valset *vs, const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES],
                                    uint64_t stake, const char *name, const char *addr);
LUXC_API
size_t luxc_valset_count(const luxc_valset *vs);
LUXC_API
uint64_t luxc_valset_total_stake(const luxc_valset *vs);
/* Entry i (0-based) or NULL when out of range. Valid until _add or _free. */
LUXC_API
const luxc_validator *luxc_valset_get(const luxc_valset *vs, size_t i);
/* Index (>= 0) of the validator with this public key, LUXC_ENOTMEMBER if
 * none, LUXC_EINVAL on NULL. */
LUXC_API
int luxc_valset_find(const luxc_valset *vs, const uint8_t pk[LUXC_HSIGN_PUBLICKEYBYTES]);

/* ---- Configuration ------------------------------------------------------ */
typedef struct luxc_net_cfg {
    const luxc_valset *valset;   /* borrowed; must outlive every object */
    const uint8_t *identity_pk;  /* LUXC_HSIGN_PUBLICKEYBYTES, copied */
    const uint8_t *identity_sk;  /* LUXC_HSIGN_SECRETKEYBYTES, copied */
    uint8_t chain_id[LUXC_NET_CHAINIDBYTES];
    /* Send-side rekey limits; 0 = the maximum (2^32 records, 2^50 bytes,
     * 600000 ms); larger than the maximum -> LUXC_EPARAM. */
    uint64_t rekey_records, rekey_bytes, rekey_ms;
    /* Receive-side limits: the most a peer's epoch may carry before the
     * peer must rekey. 0 = the same maxima (what every conforming sender
     * keeps to, whatever its own settings); smaller values are for tests
     * or for peers known to rekey sooner; larger -> LUXC_EPARAM. */
    uint64_t peer_rekey_records, peer_rekey_bytes, peer_rekey_ms;
    /* Largest plaintext per record; 0 = LUXC_NET_RECORD_DEFAULT; at most
     * LUXC_NET_RECORD_MAX. */
    uint32_t max_record;
    luxc_log_fn log;             /* NULL = silent; runs on the calling thread */
    void *log_ctx;
    luxc_net_clock_fn clock;     /* NULL = CLOCK_MONOTONIC */
    void *clock_ctx;
} luxc_net_cfg;

/* ---- Record channel ------------------------------------------------------ */
typedef struct luxc_net_stats {
    uint64_t sent_records, sent_bytes;   /* plaintext bytes */
    uint64_t recv_records, recv_bytes;
    uint64_t rekeys_sent, rekeys_recv;
    uint32_t send_epoch, recv_epoch;
    /* Frames dropped by luxc_chan_open, by reason (see wire format). */
    uint64_t drop_truncated, drop_oversized, drop_header, drop_version;
    uint64_t drop_replay, drop_reorder, drop_epoch, drop_auth;
    uint64_t drop_stale_key; /* the peer's epoch is past its limits */
} luxc_net_stats;

typedef struct luxc_chan luxc_chan;

/* A channel from raw direction keys, for tests, fuzzing and benchmarks
 * (normal code gets its channel from luxc_hs_finish). cfg supplies the
 * limits, logger and clock (valset/identity are not used). peer is the
 * value luxc_chan_peer returns. Errors: LUXC_EINVAL, LUXC_EPARAM,
 * LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_chan_new_from_keys(luxc_chan **out, const luxc_net_cfg *cfg,
                                            const uint8_t send_key[LUXC_AEAD_KEYBYTES],
                                            const uint8_t recv_key[LUXC_AEAD_KEYBYTES],
                                            int peer);
/* Wipes the keys. NULL is a no-op. */
LUXC_API
void luxc_chan_free(luxc_chan *ch);
/* Bytes a sealed record of mlen plaintext bytes takes (mlen + 34). */
LUXC_API
size_t luxc_chan_sealed_len(size_t mlen);
/* Seal m into out (outmax bytes; *outlen = mlen + LUXC_NET_RECOVERHEAD),
 * rekeying first when a limit is reached. m may be NULL when mlen is 0.
 * Errors: LUXC_EINVAL (NULL), LUXC_ETOOBIG (mlen > max_record), LUXC_EFULL
 * (outmax too small), LUXC_EOVERFLOW (sequence or epoch space exhausted:
 * the channel must be closed), LUXC_ECRYPTO. Nothing is counted on error. */
LUXC_API
LUXC_MUST_CHECK int luxc_chan_seal(luxc_chan *ch, uint8_t *out, size_t outmax, size_t *outlen,
                                   const uint8_t *m, size_t mlen);
/* Open a received DATA frame into out (outmax bytes, *outlen set). A frame
 * that fails a check is dropped: the channel state is unchanged, the reason
 * is counted, and the error says which: LUXC_ETRUNC, LUXC_EVERSION,
 * LUXC_ECORRUPT (bad type or size field), LUXC_ETRAILING, LUXC_ETOOBIG,
 * LUXC_EREPLAY (replayed or reordered), LUXC_ESTALE (wrong epoch, or a
 * key used past the receive-side limits), LUXC_EAUTH (tag). LUXC_EFULL if
 * outmax < plaintext size (not counted; nothing consumed), LUXC_EINVAL on
 * NULL. out is wiped on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_chan_open(luxc_chan *ch, uint8_t *out, size_t outmax, size_t *outlen,
                                   const uint8_t *frame, size_t flen);
/* Move the send direction to the next epoch now (the peer follows when the
 * next record arrives). LUXC_EOVERFLOW when the epoch space is exhausted. */
LUXC_API
LUXC_MUST_CHECK int luxc_chan_rekey(luxc_chan *ch);
LUXC_API
void luxc_chan_stats(const luxc_chan *ch, luxc_net_stats *out);
/* Frames dropped for any reason: the sum of the drop_* counters (0 for
 * NULL), so callers need not list them and miss a new one. */
LUXC_API
uint64_t luxc_net_stats_dropped(const luxc_net_stats *s);
/* Validator-set index of the peer (from the handshake). */
LUXC_API
int luxc_chan_peer(const luxc_chan *ch);

/* ---- Handshake ------------------------------------------------------------ */
enum { LUXC_HS_INITIATOR = 0, LUXC_HS_RESPONDER = 1 };
typedef struct luxc_hs luxc_hs;

/* New handshake for one connection. cfg is validated and copied (the
 * identity key too; the valset is borrowed). If expected_peer_pk is not
 * NULL, only that key is accepted as the peer ("wrong key" otherwise).
 * The own identity must be in the set. Errors: LUXC_EINVAL (NULL, bad
 * role), LUXC_EPARAM (bad limits), LUXC_ENOTMEMBER (own key not in the
 * set), LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_hs_new(luxc_hs **out, const luxc_net_cfg *cfg, int role,
                                const uint8_t *expected_peer_pk);
/* Wipes every secret. NULL is a no-op. */
LUXC_API
void luxc_hs_free(luxc_hs *hs);
/* Initiator only, once: write HELLO_I to out (outmax >= LUXC_NET_HS_MSGMAX
 * is always enough). Errors: LUXC_ESTATE, LUXC_EFULL, LUXC_EINVAL,
 * LUXC_ECRYPTO. */
LUXC_API
LUXC_MUST_CHECK int luxc_hs_start(luxc_hs *hs, uint8_t *out, size_t outmax, size_t *outlen);
/* Feed one received handshake message. When a reply is due it is written
 * to out (*outlen > 0; send it), else *outlen = 0. A refusal is final:
 * the reason is logged (LUXC_LOG_WARN, event "handshake refused", fields
 * role= reason= error=) and later calls return LUXC_ESTATE. Caller errors
 * (LUXC_EINVAL, LUXC_EFULL: out shorter than the reply) consume nothing. Errors: LUXC_EVERSION, LUXC_ETRUNC,
 * LUXC_ETRAILING, LUXC_ECORRUPT (unexpected type), LUXC_ENOTMEMBER (peer
 * key not in the set), LUXC_EAUTH (bad signature, wrong chain id, wrong or
 * own key, key confirmation), LUXC_ECRYPTO, LUXC_EFULL, LUXC_ESTATE. */
LUXC_API
LUXC_MUST_CHECK int luxc_hs_recv(luxc_hs *hs, const uint8_t *in, size_t inlen, uint8_t *out,
                                 size_t outmax, size_t *outlen);
/* 1 when the handshake completed (then call luxc_hs_finish), else 0. */
LUXC_API
int luxc_hs_done(const luxc_hs *hs);
/* Peer's validator index once HELLO is accepted, else LUXC_ESTATE. */
LUXC_API
int luxc_hs_peer(const luxc_hs *hs);
/* Hand the direction keys to a new channel; the handshake is spent
 * (free it). Errors: LUXC_ESTATE (not done), LUXC_ENOMEM, LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_hs_finish(luxc_hs *hs, luxc_chan **out);

/* ---- ZeroMQ carrier --------------------------------------------------------
 * A server binds one ZMQ_ROUTER socket and runs a handshake per connecting
 * DEALER (keyed by ZeroMQ routing id); a client is one ZMQ_DEALER socket
 * connected to one server. Every ZeroMQ message is one wire message;
 * ZMQ_MAXMSGSIZE (the larger of LUXC_NET_HS_MSGMAX and max_record + 34)
 * bounds what libzmq will even buffer: a longer message makes libzmq drop
 * that connection before we see it (not counted). Bad DATA frames are
 * dropped and counted in the session's stats; failed handshakes are
 * logged and the session is dropped. zctx is the caller's zmq context
 * (zmq_ctx_new) and must outlive the object.
 * Cost of a stranger: a HELLO_I naming any listed key (keys are public)
 * makes the server run one key agreement and one hybrid signature before
 * the initiator has proven anything; half-open handshakes are capped at
 * 2 * validators + 16 and the oldest is evicted when a new one arrives. */
typedef struct luxc_zserver luxc_zserver;
typedef struct luxc_zclient luxc_zclient;

/* Bind to endpoint (e.g. "tcp://127.0.0.1:*" or "ipc:///tmp/x"). Errors:
 * LUXC_EINVAL, LUXC_EPARAM, LUXC_ENOTMEMBER, LUXC_EIO (socket/bind), ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_new(luxc_zserver **out, void *zctx, const char *endpoint,
                                     const luxc_net_cfg *cfg);
LUXC_API
void luxc_zserver_free(luxc_zserver *s);
/* The endpoint actually bound (resolves a "*" port). LUXC_EFULL if short. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_endpoint(const luxc_zserver *s, char *buf, size_t len);
/* Serve handshakes and wait up to timeout_ms (-1 = forever) for one record
 * from an authenticated peer; *peer = its validator index. Handshakes
 * only progress inside this call. out must hold the configured max_record
 * bytes (LUXC_EFULL otherwise, checked before anything is received, so a
 * record is never half-consumed). LUXC_EAGAIN on timeout, LUXC_EIO. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_recv(luxc_zserver *s, int *peer, uint8_t *out, size_t outmax,
                                      size_t *outlen, int timeout_ms);
/* Seal and queue one record to an authenticated peer; never blocks.
 * LUXC_ENOTFOUND if no session with that validator is established,
 * LUXC_EAGAIN when libzmq cannot take a message now (queue full: nothing
 * was sealed, retry later), LUXC_ECLOSED when the peer has disconnected
 * (the session is dropped), LUXC_EIO if libzmq failed after sealing (the
 * session is then broken), or luxc_chan_seal's errors. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_send(luxc_zserver *s, int peer, const uint8_t *m, size_t mlen);
/* Stats of the session with validator `peer`; LUXC_ENOTFOUND if none. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_stats(const luxc_zserver *s, int peer, luxc_net_stats *out);
/* Handshakes refused since _new (any reason). */
LUXC_API
uint64_t luxc_zserver_refused(const luxc_zserver *s);
/* Frames dropped because they came on a connection with no session and
 * were not a HELLO_I (e.g. records of a link from before a restart). */
LUXC_API
uint64_t luxc_zserver_stray(const luxc_zserver *s);
/* An id (> 0) of the established session with validator `peer`; a new id
 * means the peer reconnected (e.g. restarted, so links towards it are
 * stale). LUXC_ENOTFOUND if no session, LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_zserver_session(const luxc_zserver *s, int peer, uint64_t *session);
/* The raw ROUTER socket, to wait on it with zmq_poll beside other sockets
 * (then call luxc_zserver_recv with timeout 0). */
LUXC_API
void *luxc_zserver_socket(luxc_zserver *s);

/* Connect to endpoint and run the handshake (blocking, up to timeout_ms
 * in total; -1 = forever). expected_peer_pk as in luxc_hs_new. Errors:
 * luxc_hs_recv's, LUXC_ETIMEOUT, LUXC_EIO, LUXC_EINVAL, LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_zclient_new(luxc_zclient **out, void *zctx, const char *endpoint,
                                     const luxc_net_cfg *cfg, const uint8_t *expected_peer_pk,
                                     int timeout_ms);
LUXC_API
void luxc_zclient_free(luxc_zclient *c);
/* Seal and queue one record; never blocks. LUXC_EAGAIN when libzmq cannot
 * take a message now (peer gone or queue full: nothing was sealed, the
 * channel stays usable), LUXC_EIO if libzmq failed after sealing (the
 * link is then broken: recreate it), or luxc_chan_seal's errors. */
LUXC_API
LUXC_MUST_CHECK int luxc_zclient_send(luxc_zclient *c, const uint8_t *m, size_t mlen);
/* Wait up to timeout_ms for one record; bad frames are dropped, counted
 * and skipped. out must hold max_record bytes (else LUXC_EFULL before
 * anything is received). LUXC_EAGAIN on timeout, LUXC_EIO. */
LUXC_API
LUXC_MUST_CHECK int luxc_zclient_recv(luxc_zclient *c, uint8_t *out, size_t outmax,
                                      size_t *outlen, int timeout_ms);
LUXC_API
void luxc_zclient_stats(const luxc_zclient *c, luxc_net_stats *out);
/* The raw DEALER socket (tests inject frames through it). */
LUXC_API
void *luxc_zclient_socket(luxc_zclient *c);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_NET_H */
