/* snapshot_internal.h - what registry.c asks of snapshot.c. Not a public
 * header. Owns: the declarations of the snapshot cache's and buffer
 * pool's life cycle. Not here: the layout (registry_state.h). */
#ifndef LUXC_SRC_AI_SNAPSHOT_INTERNAL_H
#define LUXC_SRC_AI_SNAPSHOT_INTERNAL_H

#include "registry_state.h"

/* Creates r->pool; LUXC_ENOMEM. */
int luxc_ai_reg_snapshots_init(luxc_ai_registry *r);
/* For registry_free: releases the cached snapshot and closes the pool
 * (idle buffers freed; the pool itself is freed here or by the last
 * release of a snapshot a caller still holds). */
void luxc_ai_reg_snapshots_close(luxc_ai_registry *r);
/* Makes r->cached a snapshot of the current version (write lock held);
 * *old gets the replaced snapshot to release after unlocking, or NULL. */
int luxc_ai_reg_refresh(luxc_ai_registry *r, luxc_ai_snapshot **old);

#endif
