/* luxc/common.h - error codes, attribute macros and version shared by
 * every layer of libluxc.
 *
 * Errors: every call returns LUXC_OK (0) or a negative luxc_err. The codes
 * are ABI: new codes are appended before LUXC_ELAST and LUXC_ELAST moves to
 * the new last one; a code's value never changes.
 *
 * Thread safety: everything here is pure and callable from any thread. */
#ifndef LUXC_COMMON_H
#define LUXC_COMMON_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

#define LUXC_VERSION_STRING "0.1.0"

/* LUXC_API marks the public API: libluxc is built with -fvisibility=hidden,
 * so only what is declared with it is exported from libluxc.so (every such
 * symbol starts with luxc_; a test checks). For callers it changes nothing. */
#if defined(__GNUC__) || defined(__clang__)
#define LUXC_API __attribute__((visibility("default")))
#define LUXC_MUST_CHECK __attribute__((warn_unused_result))
#define LUXC_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#else
#define LUXC_API
#define LUXC_MUST_CHECK
#define LUXC_NONNULL(...)
#endif

typedef enum luxc_err {
    LUXC_OK = 0,
    LUXC_EINVAL = -1,       /* invalid argument (NULL, empty, bad enum) */
    LUXC_ENOMEM = -2,       /* allocation failed */
    LUXC_ETRUNC = -3,       /* input shorter than it claims */
    LUXC_EAUTH = -4,        /* authentication / signature check failed */
    LUXC_EIO = -5,          /* I/O error (file, socket, database) */
    LUXC_ECORRUPT = -6,     /* stored or received data is corrupt */
    LUXC_ENOTFOUND = -7,    /* no such entry (chain, block, key) */
    LUXC_ETOOBIG = -8,      /* a bounded size or count was exceeded */
    LUXC_EEXIST = -9,       /* already exists (refuse to overwrite) */
    LUXC_EVERSION = -10,    /* unknown format or protocol version */
    LUXC_EDUPLICATE = -11,  /* duplicate entry (e.g. signer listed twice) */
    LUXC_ENOTMEMBER = -12,  /* signer or peer is not in the validator set */
    LUXC_EOVERFLOW = -13,   /* arithmetic overflow (stake sum, counter) */
    LUXC_EREPLAY = -14,     /* replayed or reordered record */
    LUXC_ESTATE = -15,      /* call not valid in the object's current state */
    LUXC_EPARAM = -16,      /* parameter set violates a documented rule */
    LUXC_ERANGE = -17,      /* value out of range or not finite (NaN/Inf) */
    LUXC_EFULL = -18,       /* no space left (disk, map, buffer) */
    LUXC_ETIMEOUT = -19,    /* deadline passed */
    LUXC_EAGAIN = -20,      /* nothing available now; try again */
    LUXC_ECLOSED = -21,     /* peer or object closed */
    LUXC_ECRYPTO = -22,     /* a cryptographic primitive failed */
    LUXC_ETRAILING = -23,   /* trailing bytes after a complete message */
    LUXC_EUNSUPPORTED = -24,/* operation not supported by this build/object */
    LUXC_ESTALE = -25,      /* too old: below the last accepted height */
    LUXC_ENOQUORUM = -26,   /* stake or vote quorum not reached */
    LUXC_ELAST = LUXC_ENOQUORUM /* keep last: tests walk to it */
} luxc_err;

/* ---- Logging: one callback type for every layer ------------------------
 * A layer that reports events (net, store, ai, node) takes a luxc_log_fn and
 * its ctx in its configuration; NULL means silent. event is a short fixed
 * phrase ("peer refused"); fields are logfmt "key=value ..." text or NULL.
 * Both strings are valid only during the call, which runs on the thread
 * that logs. luxc_logger (luxc/log.h) is one such sink: it writes lines.
 *
 * Error detail, one convention: a call whose failure has more to say than
 * its code takes `char *err, size_t errlen` as its last two parameters (NULL
 * and 0 allowed) and writes one line there; objects with a logger also log
 * it. */
typedef enum luxc_log_level {
    LUXC_LOG_ERROR = 0,
    LUXC_LOG_WARN = 1,
    LUXC_LOG_INFO = 2,
    LUXC_LOG_DEBUG = 3
} luxc_log_level;

typedef void (*luxc_log_fn)(void *ctx, luxc_log_level level, const char *event,
                            const char *fields);

/* Text for a luxc_err (or LUXC_OK). Never NULL; unknown codes give
 * "unknown error". The string is static and must not be freed. */
LUXC_API
const char *luxc_strerror(int err);

/* Library version, e.g. "0.1.0". Static string. */
LUXC_API
const char *luxc_version(void);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_COMMON_H */
