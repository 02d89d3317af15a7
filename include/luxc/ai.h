/* luxc/ai.h - the ai layer of libluxc (SPEC section 2): feature
 * extraction, sigmoid, the logistic model, its file format and
 * stake-weighted merging. The validator node uses this layer: its block
 * scorer and upgrade votes are luxc_ai_model calls (src/daemon/node_model.c).
 *   luxc/ai_model.h     sigmoid, extractors, normaliser, model, save/load,
 *                       encode/decode
 * The Go reference's registry, ShouldUpgrade and module pipeline are a
 * separate layer the node does not use: luxc/ai_parity.h.
 * It depends only on libc, libm and pthreads. */
#ifndef LUXC_AI_H
#define LUXC_AI_H

#include "luxc/ai_model.h"

#endif /* LUXC_AI_H */
