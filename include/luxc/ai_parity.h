/* luxc/ai_parity.h - the reference-parity layer (src/ai_parity/): a
 * mirror of the Go reference's ai package beyond the model, kept so that
 * the reference's benchmarks (UpdateChain, GetState, ShouldUpgrade,
 * ConcurrentAccess, OrthogonalProcessing; bench/bench_ai.c) time the same
 * work here. The luxc node does not use it yet: nothing in the node core
 * or the luxc program calls it; only its tests and the benchmarks do.
 *   luxc/ai_registry.h  chain registry, snapshots, ShouldUpgrade
 *   luxc/ai_pipeline.h  inference -> decision -> learning -> coordination,
 *                       node weights
 * It builds on the ai layer (luxc/ai.h) and depends only on libc, libm and
 * pthreads. */
#ifndef LUXC_AI_PARITY_H
#define LUXC_AI_PARITY_H

#include "luxc/ai.h"
#include "luxc/ai_pipeline.h"
#include "luxc/ai_registry.h"

#endif /* LUXC_AI_PARITY_H */
