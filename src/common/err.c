/* err.c - text for luxc_err codes and the library version string.
 * Owns: the one table that maps each code to its message. */
#include "luxc/common.h"

static const char *const messages[] = {
    [0] = "success",
    [1] = "invalid argument",
    [2] = "out of memory",
    [3] = "input truncated",
    [4] = "authentication failed",
    [5] = "I/O error",
    [6] = "data corrupt",
    [7] = "not found",
    [8] = "size or count limit exceeded",
    [9] = "already exists",
    [10] = "unknown version",
    [11] = "duplicate entry",
    [12] = "not a member of the validator set",
    [13] = "arithmetic overflow",
    [14] = "replayed or reordered record",
    [15] = "invalid state for this call",
    [16] = "invalid parameters",
    [17] = "value out of range or not finite",
    [18] = "no space left",
    [19] = "timed out",
    [20] = "resource temporarily unavailable",
    [21] = "closed",
    [22] = "cryptographic failure",
    [23] = "trailing bytes after message",
    [24] = "operation not supported",
    [25] = "stale: below the last accepted height",
    [26] = "quorum not reached",
};

_Static_assert(sizeof messages / sizeof messages[0] == 1 - LUXC_ELAST,
               "every luxc_err needs a message");

const char *luxc_strerror(int err)
{
    if (err > 0 || err < LUXC_ELAST)
        return "unknown error";
    return messages[-err];
}

const char *luxc_version(void) { return LUXC_VERSION_STRING; }
