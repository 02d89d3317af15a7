/* luxc/ai.h - the ai layer of libluxc (SPEC sections 2-3): feature
 * extraction, sigmoid, the logistic model, the chain-state registry and
 * upgrade decision, and the module pipeline with node weights.
 *
 * The layer is split into three headers, each the manual for its part
 * (model and thread rules are stated at the top of each):
 *   luxc/ai_model.h     sigmoid, extractors, normaliser, model, save/load
 *   luxc/ai_registry.h  chain registry, snapshots, ShouldUpgrade
 *   luxc/ai_pipeline.h  inference -> decision -> learning -> coordination
 * It depends only on libc, libm and pthreads. */
#ifndef LUXC_AI_H
#define LUXC_AI_H

#include "luxc/ai_model.h"
#include "luxc/ai_pipeline.h"
#include "luxc/ai_registry.h"

#endif /* LUXC_AI_H */
