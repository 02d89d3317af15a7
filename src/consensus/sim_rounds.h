/* sim_rounds.h - the simulator's round-rule model (sim_rounds.c), which
 * sim.c's entry point runs for LUXC_SIM_FINALITY_ROUNDS. Not part of the
 * public API. */
#ifndef LUXC_SIM_ROUNDS_H
#define LUXC_SIM_ROUNDS_H

#include "sim_poll.h"

/* Run every height of s->cfg with one luxc_rounds per honest validator;
 * fills res. */
int luxc_sim_rounds_run(sim *s, luxc_sim_result *res);

#endif /* LUXC_SIM_ROUNDS_H */
