/* luxc.h - the whole public API of libluxc in one include.
 *
 *   #include <luxc.h>
 *   cc prog.c $(pkg-config --cflags --libs luxc)
 *
 * Each layer's header is its manual (parameters, errors, thread rules):
 *   luxc/common.h       error codes (luxc_strerror), LUXC_API, version
 *   luxc/rng.h          seeded deterministic RNG
 *   luxc/crypto.h       ML-KEM-768, ML-DSA-65, X25519/Ed25519 hybrids, AEAD
 *   luxc/ai.h           features, sigmoid, logistic model (the node's)
 *   luxc/ai_parity.h    the Go reference's registry and pipeline, for
 *                       benchmark parity (the node does not use them)
 *   luxc/consensus.h    photon, wave, focus, snowball/snowman, prism
 *   luxc/horizon.h      votes, finality certificates, vote sets
 *   luxc/consensus_sim.h  in-process network simulation
 *   luxc/store.h        the LMDB-backed block and vote store
 *   luxc/net.h          authenticated, encrypted links over ZeroMQ
 *   luxc/chain_block.h, node_wire.h, node_config.h, keys.h, upgrade.h,
 *   luxc/log.h          file and wire formats: blocks, messages, genesis
 *                       and configuration, key files, upgrade
 *                       transactions; logfmt logging
 *   luxc/node.h         the validator node core (the luxc program runs it:
 *                       its loop, sockets, signals and HTTP are not here)
 * Every header is also usable on its own, and from C++ (extern "C"). */
#ifndef LUXC_H
#define LUXC_H

#include "luxc/common.h"
#include "luxc/rng.h"
#include "luxc/crypto.h"
#include "luxc/ai.h"
#include "luxc/ai_parity.h"
#include "luxc/consensus.h"
#include "luxc/horizon.h"
#include "luxc/rounds.h"
#include "luxc/consensus_sim.h"
#include "luxc/store.h"
#include "luxc/net.h"
#include "luxc/chain_block.h"
#include "luxc/node_wire.h"
#include "luxc/node_config.h"
#include "luxc/keys.h"
#include "luxc/upgrade.h"
#include "luxc/log.h"
#include "luxc/node.h"

#endif /* LUXC_H */
