/* heightvotes.c - one height's votes by round and phase (luxc/horizon.h).
 * Owns: a slot per held round (a PREVOTE and a PRECOMMIT vote set, the
 * validators heard from in the round and their stake), which slot a new
 * round takes, and the questions the round-based rule asks of them
 * (majorities, "2f+1 of any kind", "f+1 from a higher round", the
 * decision). Not here: counting within one set (voteset.c), signatures
 * (the caller verifies), what the rule does with the answers (the node). */
#include "luxc/consensus.h"

#include <stdlib.h>
#include <string.h>

typedef struct round_slot {
    int used;
    uint32_t round;
    luxc_voteset *set[2]; /* by luxc_vote_phase */
    uint8_t *heard;       /* n bits: a vote of this round from validator i */
    uint64_t heard_stake;
    int proven[2];        /* a majority verified whole (add_proven) */
    uint8_t proven_id[2][32];
} round_slot;

struct luxc_heightvotes {
    uint32_t n, max_rounds, current;
    uint64_t total;
    uint64_t *stakes;
    round_slot *slots;
    uint64_t dropped, equivocations; /* kept when a slot is given up */
};

static const uint8_t zero_id[32];

int luxc_horizon_is_third(uint64_t signed_stake, uint64_t total_stake)
{
    if (signed_stake > total_stake || total_stake == 0)
        return 0;
    return signed_stake > total_stake / 3; /* 3s > t <=> s > floor(t/3) */
}

void luxc_heightvotes_free(luxc_heightvotes *hv)
{
    if (!hv)
        return;
    if (hv->slots)
        for (uint32_t k = 0; k < hv->max_rounds; k++) {
            luxc_voteset_free(hv->slots[k].set[0]);
            luxc_voteset_free(hv->slots[k].set[1]);
            free(hv->slots[k].heard);
        }
    free(hv->slots);
    free(hv->stakes);
    free(hv);
}

static void slot_reset(const luxc_heightvotes *hv, round_slot *s)
{
    s->used = 0;
    s->round = 0;
    s->heard_stake = 0;
    s->proven[0] = s->proven[1] = 0;
    luxc_voteset_clear(s->set[0]);
    luxc_voteset_clear(s->set[1]);
    memset(s->heard, 0, (hv->n + 7) / 8);
}

void luxc_heightvotes_clear(luxc_heightvotes *hv)
{
    if (!hv)
        return;
    for (uint32_t k = 0; k < hv->max_rounds; k++)
        slot_reset(hv, &hv->slots[k]);
    hv->current = 0;
    hv->dropped = hv->equivocations = 0;
}

int luxc_heightvotes_new(luxc_heightvotes **out, uint32_t n, const uint64_t *stakes,
                         uint32_t max_rounds)
{
    if (!out)
        return LUXC_EINVAL;
    *out = NULL;
    if (n == 0 || n > LUXC_CERT_MAX_SIGNERS || !stakes || max_rounds < 2 ||
        max_rounds > LUXC_HEIGHTVOTES_MAX_ROUNDS)
        return LUXC_EINVAL;
    luxc_heightvotes *hv = calloc(1, sizeof *hv);
    if (!hv)
        return LUXC_ENOMEM;
    hv->n = n;
    hv->max_rounds = max_rounds;
    hv->stakes = malloc(n * sizeof *hv->stakes);
    hv->slots = calloc(max_rounds, sizeof *hv->slots);
    int rc = hv->stakes && hv->slots ? LUXC_OK : LUXC_ENOMEM;
    for (uint32_t k = 0; rc == LUXC_OK && k < max_rounds; k++) {
        round_slot *s = &hv->slots[k];
        rc = luxc_voteset_new(&s->set[0], n, stakes);
        if (rc == LUXC_OK)
            rc = luxc_voteset_new(&s->set[1], n, stakes);
        if (rc == LUXC_OK && !(s->heard = calloc((n + 7) / 8, 1)))
            rc = LUXC_ENOMEM;
    }
    if (rc != LUXC_OK) { /* the vote sets refuse stakes that overflow */
        luxc_heightvotes_free(hv);
        return rc;
    }
    hv->total = luxc_voteset_total(hv->slots[0].set[0]);
    memcpy(hv->stakes, stakes, n * sizeof *stakes);
    *out = hv;
    return LUXC_OK;
}

void luxc_heightvotes_set_round(luxc_heightvotes *hv, uint32_t round)
{
    if (hv)
        hv->current = round;
}

static round_slot *find(const luxc_heightvotes *hv, uint32_t round)
{
    for (uint32_t k = 0; k < hv->max_rounds; k++)
        if (hv->slots[k].used && hv->slots[k].round == round)
            return &hv->slots[k];
    return NULL;
}

/* The block with a majority of `phase` in this slot, counted here or
 * proven whole: 1 with id (zero = nil), else 0. */
static int slot_majority(const round_slot *s, luxc_vote_phase phase, uint8_t id[32],
                         uint32_t *signer)
{
    const uint8_t *m = luxc_voteset_final(s->set[phase], signer);
    luxc_vote v;
    if (m && luxc_vote_decode(&v, m, LUXC_VOTE_BYTES) == LUXC_OK) {
        memcpy(id, v.block, 32);
        return 1;
    }
    if (!s->proven[phase])
        return 0;
    memcpy(id, s->proven_id[phase], 32);
    if (signer)
        *signer = UINT32_MAX;
    return 1;
}

/* A block (not nil) has a majority of `phase` in this slot. */
static int block_majority(const round_slot *s, luxc_vote_phase phase)
{
    uint8_t id[32];
    return slot_majority(s, phase, id, NULL) && memcmp(id, zero_id, 32) != 0;
}

/* The highest round in which a block had a polka, or -1. */
static int64_t highest_polka(const luxc_heightvotes *hv)
{
    int64_t best = -1;
    for (uint32_t k = 0; k < hv->max_rounds; k++) {
        const round_slot *s = &hv->slots[k];
        if (s->used && (int64_t)s->round > best && block_majority(s, LUXC_PREVOTE))
            best = s->round;
    }
    return best;
}

/* A round whose slot must stay: ours, the latest polka for a block (what
 * a re-proposal names), and a certificate (what decides). */
static int pinned(const luxc_heightvotes *hv, const round_slot *s, int64_t polka)
{
    return s->round == hv->current || (int64_t)s->round == polka ||
           block_majority(s, LUXC_PRECOMMIT);
}

/* Which of two unpinned slots to give up first: a round we have left
 * behind (the oldest first), else the one heard from least (ties: the
 * highest round, so far-off votes of a minority go first). */
static int worse(const luxc_heightvotes *hv, const round_slot *a, const round_slot *b)
{
    int a_old = a->round < hv->current, b_old = b->round < hv->current;
    if (a_old != b_old)
        return a_old;
    if (a_old)
        return a->round < b->round;
    if (a->heard_stake != b->heard_stake)
        return a->heard_stake < b->heard_stake;
    return a->round > b->round;
}

/* The slot for a round not held yet: a free one, else the worst unpinned
 * one - but a round ahead of ours heard from by more than this vote brings
 * is kept; NULL when none may go. */
static round_slot *take(luxc_heightvotes *hv, uint32_t round, uint64_t stake)
{
    round_slot *victim = NULL;
    int64_t polka = highest_polka(hv);
    for (uint32_t k = 0; k < hv->max_rounds; k++) {
        round_slot *s = &hv->slots[k];
        if (!s->used) {
            victim = s;
            break;
        }
        if (!pinned(hv, s, polka) && (!victim || worse(hv, s, victim)))
            victim = s;
    }
    if (!victim)
        return NULL;
    if (victim->used && victim->round > hv->current && victim->heard_stake > stake &&
        round != hv->current)
        return NULL;
    slot_reset(hv, victim);
    victim->used = 1;
    victim->round = round;
    return victim;
}

int luxc_heightvotes_add(luxc_heightvotes *hv, uint32_t i, const uint8_t msg[LUXC_VOTE_BYTES],
                         const uint8_t *sig, size_t sig_len)
{
    if (!hv || !msg || (!sig && sig_len) || sig_len > LUXC_CERT_MAX_SIGBYTES)
        return LUXC_EINVAL;
    if (i >= hv->n)
        return LUXC_ENOTMEMBER;
    luxc_vote v;
    int rc = luxc_vote_decode(&v, msg, LUXC_VOTE_BYTES);
    if (rc != LUXC_OK)
        return rc;
    uint32_t round = v.round;
    luxc_vote_phase phase = (luxc_vote_phase)v.phase;
    round_slot *s = find(hv, round);
    if (!s && !(s = take(hv, round, hv->stakes[i]))) {
        hv->dropped++;
        return LUXC_EFULL;
    }
    rc = luxc_voteset_add(s->set[phase], i, msg, sig, sig_len);
    if (rc == LUXC_EDUPLICATE)
        hv->equivocations++;
    if (rc == LUXC_OK && !(s->heard[i / 8] & (1u << (i % 8)))) {
        s->heard[i / 8] |= (uint8_t)(1u << (i % 8));
        s->heard_stake += hv->stakes[i];
    }
    if (rc != LUXC_OK && !luxc_voteset_voters(s->set[0]) && !luxc_voteset_voters(s->set[1]))
        s->used = 0; /* a slot taken for this vote alone stays free */
    return rc;
}

static const luxc_voteset *set_of(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                  uint32_t round)
{
    if (!hv || (phase != LUXC_PREVOTE && phase != LUXC_PRECOMMIT))
        return NULL;
    const round_slot *s = find(hv, round);
    return s ? s->set[phase] : NULL;
}

const luxc_voteset *luxc_heightvotes_set(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                         uint32_t round)
{
    return set_of(hv, phase, round);
}

int luxc_heightvotes_majority(const luxc_heightvotes *hv, luxc_vote_phase phase, uint32_t round,
                              uint8_t block[32], uint32_t *signer)
{
    if (!hv || (phase != LUXC_PREVOTE && phase != LUXC_PRECOMMIT))
        return 0;
    const round_slot *s = find(hv, round);
    uint8_t id[32];
    if (!s || !slot_majority(s, phase, id, signer))
        return 0;
    if (block)
        memcpy(block, id, 32);
    return 1;
}

int luxc_heightvotes_add_proven(luxc_heightvotes *hv, luxc_vote_phase phase, uint32_t round,
                                const uint8_t block[32])
{
    if (!hv || !block || (phase != LUXC_PREVOTE && phase != LUXC_PRECOMMIT))
        return LUXC_EINVAL;
    round_slot *s = find(hv, round);
    if (!s && !(s = take(hv, round, hv->total))) {
        hv->dropped++;
        return LUXC_EFULL;
    }
    s->proven[phase] = 1;
    memcpy(s->proven_id[phase], block, 32);
    return LUXC_OK;
}

uint64_t luxc_heightvotes_phase_stake(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                      uint32_t round)
{
    return luxc_voteset_voted_stake(set_of(hv, phase, round));
}

uint64_t luxc_heightvotes_round_stake(const luxc_heightvotes *hv, uint32_t round)
{
    const round_slot *s = hv ? find(hv, round) : NULL;
    return s ? s->heard_stake : 0;
}

int luxc_heightvotes_any_quorum(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                uint32_t round)
{
    return hv && luxc_horizon_is_final(luxc_heightvotes_phase_stake(hv, phase, round), hv->total);
}

int luxc_heightvotes_skip_round(const luxc_heightvotes *hv, uint32_t after, uint32_t *round)
{
    if (!hv)
        return 0;
    int found = 0;
    uint32_t best = 0;
    for (uint32_t k = 0; k < hv->max_rounds; k++) {
        const round_slot *s = &hv->slots[k];
        if (s->used && s->round > after && (!found || s->round > best) &&
            luxc_horizon_is_third(s->heard_stake, hv->total)) {
            found = 1;
            best = s->round;
        }
    }
    if (found && round)
        *round = best;
    return found;
}

int luxc_heightvotes_decided(const luxc_heightvotes *hv, uint32_t *round, uint8_t block[32])
{
    if (!hv)
        return 0;
    const round_slot *best = NULL;
    uint8_t id[32];
    for (uint32_t k = 0; k < hv->max_rounds; k++) {
        const round_slot *s = &hv->slots[k];
        if (s->used && (!best || s->round < best->round) &&
            luxc_heightvotes_majority(hv, LUXC_PRECOMMIT, s->round, id, NULL) &&
            memcmp(id, zero_id, 32) != 0)
            best = s;
    }
    if (!best)
        return 0;
    if (round)
        *round = best->round;
    return block ? luxc_heightvotes_majority(hv, LUXC_PRECOMMIT, best->round, block, NULL) : 1;
}

uint64_t luxc_heightvotes_equivocations(const luxc_heightvotes *hv)
{
    return hv ? hv->equivocations : 0;
}

uint64_t luxc_heightvotes_dropped(const luxc_heightvotes *hv) { return hv ? hv->dropped : 0; }
