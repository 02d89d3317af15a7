/* node_model.h - the ai model plugged into the node core (node_model.c).
 * One thread at a time (the node loop). */
#ifndef LUXC_NODE_MODEL_H
#define LUXC_NODE_MODEL_H

#include "luxc/ai_model.h"
#include "luxc/node.h"

typedef struct luxc_node_ai luxc_node_ai;

/* A model with the block extractor and normalisation; weights come from
 * the store's "model" blob when present. store may be NULL. */
int luxc_node_ai_new(luxc_node_ai **out, const char *node_id, const luxc_genesis *g,
                     luxc_store *store);
/* Persist the weights (version = the height they were learned up to). */
int luxc_node_ai_save(luxc_node_ai *a, uint64_t version);
luxc_node_model luxc_node_ai_hook(luxc_node_ai *a);
/* Log upgrade votes with the model's reasoning as "upgrade vote" events
 * (log NULL = silent; ctx outlives a). */
void luxc_node_ai_set_log(luxc_node_ai *a, luxc_log_fn log, void *ctx);
void luxc_node_ai_free(luxc_node_ai *a);

#endif
