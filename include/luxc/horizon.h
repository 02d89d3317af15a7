/* luxc/horizon.h - horizon finality, the last phase of the consensus layer
 * (luxc/consensus.h): the signed vote message, finality certificates (accept
 * votes of validators holding strictly more than 2/3 of the total stake)
 * and the vote set that counts one height's votes (vote.c, cert.c,
 * voteset.c in src/consensus/).
 *
 * Signatures come in through luxc_signer / luxc_verifier, so the layer
 * depends on libc only. Errors: LUXC_OK or a negative luxc_err.
 * Thread safety is stated per object below. */
#ifndef LUXC_HORIZON_H
#define LUXC_HORIZON_H

#include <stddef.h>
#include <stdint.h>

#include "luxc/common.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------
 * Horizon: votes and finality certificates (vote.c, cert.c).
 * ------------------------------------------------------------------- */

/* Signed vote message (SPEC section 4), big-endian, fixed layout:
 *   tag "LUX/chain/vote/v2\0" (18) | version u16 (= 2) | chain_id (32) |
 *   height u64 | round u32 | block id (32) | parent id (32) |
 *   state root (32) | accept u8 (0 or 1)                 = 161 bytes.
 * The round-based rule (docs/CONSENSUS.md) has two phases. A PRECOMMIT is
 * SPEC's accept vote itself (the tag above: certificates are made of
 * them); a PREVOTE has the same layout under its own tag
 * "LUX/chain/prev/v2\0", so no prevote's signature can ever be taken for
 * a precommit's. A vote for nil names the all-zero block. */
#define LUXC_VOTE_TAG "LUX/chain/vote/v2"
#define LUXC_PREVOTE_TAG "LUX/chain/prev/v2"
#define LUXC_VOTE_TAGBYTES 18u
#define LUXC_VOTE_VERSION 2u
#define LUXC_VOTE_BYTES 161u
LUXC_API
size_t luxc_vote_bytes(void);

typedef struct luxc_vote {
    uint8_t chain_id[32];
    uint64_t height;
    uint32_t round;
    uint8_t block[32];
    uint8_t parent[32];
    uint8_t state_root[32];
    uint8_t accept;           /* 1 accept, 0 reject */
    uint8_t phase;            /* luxc_vote_phase (0: a precommit) */
} luxc_vote;

/* The phase a vote belongs to. A zeroed luxc_vote is a PRECOMMIT, SPEC's
 * accept vote, as every vote was before rounds had phases. */
typedef enum luxc_vote_phase {
    LUXC_PRECOMMIT = 0,
    LUXC_PREVOTE = 1,
} luxc_vote_phase;

/* Errors: LUXC_EINVAL (NULL, accept not 0/1, phase not a luxc_vote_phase). */
LUXC_API
LUXC_MUST_CHECK int luxc_vote_encode(uint8_t out[LUXC_VOTE_BYTES], const luxc_vote *v);
/* Errors (distinct): LUXC_EINVAL (NULL), LUXC_ETRUNC (len < 161),
 * LUXC_ETRAILING (len > 161), LUXC_ECORRUPT (neither tag; the tag sets
 * out->phase),
 * LUXC_EVERSION (version != 2), LUXC_ERANGE (accept byte not 0/1).
 * *out zeroed on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_vote_decode(luxc_vote *out, const uint8_t *buf, size_t len);

/* Signature interface: nodes plug ML-DSA-65 (or a hybrid) here.
 * sign writes at most cap bytes to sig and the length to *siglen;
 * verify returns LUXC_OK for a valid signature, else a negative code. */
typedef struct luxc_signer {
    int (*sign)(void *ctx, uint8_t *sig, size_t *siglen, size_t cap, const uint8_t *msg,
                size_t mlen);
    void *ctx;
} luxc_signer;

typedef struct luxc_verifier {
    int (*verify)(void *ctx, const uint8_t *sig, size_t siglen, const uint8_t *msg, size_t mlen,
                  const uint8_t *pk, size_t pklen);
    void *ctx;
} luxc_verifier;

/* A validator of the set a certificate is checked against. */
typedef struct luxc_cert_member {
    uint64_t stake;
    const uint8_t *pk;
    size_t pklen;
} luxc_cert_member;

/* Encode v and sign it. Errors: LUXC_EINVAL, or the signer's error. */
LUXC_API
LUXC_MUST_CHECK int luxc_vote_sign(const luxc_vote *v, const luxc_signer *s, uint8_t *sig,
                                   size_t cap, size_t *siglen);

/* Finality rule: 3 * signed > 2 * total, computed without overflow.
 * Exactly 2/3 is not final. Returns 1 / 0. */
LUXC_API
int luxc_horizon_is_final(uint64_t signed_stake, uint64_t total_stake);

/* Sum of all stakes. Errors: LUXC_EINVAL, LUXC_EOVERFLOW. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_members_total(const luxc_cert_member *set, size_t n, uint64_t *total);

/* Certificate: the accept vote it certifies and the signers, as a
 * canonical binary encoding (big-endian):
 *   magic "LUXCERT\0" (8) | version u16 (= 1) | vote fields as in the
 *   vote message minus tag/version/accept: chain_id | height | round |
 *   block | parent | state_root (140) | signer count u32 | per signer,
 *   ascending index: index u32 | sig length u32 | sig bytes.
 * Signatures are over the vote message with accept = 1. */
#define LUXC_CERT_MAGIC "LUXCERT"
#define LUXC_POLKA_MAGIC "LUXPOLK" /* the same layout: prevotes (a polka) */
#define LUXC_CERT_VERSION 1u
#define LUXC_CERT_MAX_SIGBYTES 8192u   /* ML-DSA-65 (3309) + Ed25519 fit */
#define LUXC_CERT_HEADERBYTES (8u + 2u + 140u + 4u)
#define LUXC_CERT_MAX_SIGNERS 65536u

/* Owned by one thread at a time; immutable after decode. */
typedef struct luxc_cert luxc_cert;

/* A new empty certificate for v (v->accept must be 1). A certificate of
 * finality is made of PRECOMMITs; one of PREVOTEs (v->phase) is a polka
 * proof, encoded under LUXC_POLKA_MAGIC and read by luxc_cert_decode_polka
 * only. Errors: LUXC_EINVAL, LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_new(luxc_cert **out, const luxc_vote *v);
LUXC_API
void luxc_cert_free(luxc_cert *c);

/* Add signer `index` with its signature (copied). Errors: LUXC_EINVAL,
 * LUXC_ETOOBIG (sig longer than LUXC_CERT_MAX_SIGBYTES, or too many
 * signers), LUXC_EDUPLICATE (index already present), LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_add(luxc_cert *c, uint32_t index, const uint8_t *sig,
                                  size_t siglen);

/* The certified vote (accept = 1) and signer count. */
LUXC_API
const luxc_vote *luxc_cert_vote(const luxc_cert *c);
LUXC_API
size_t luxc_cert_num_signers(const luxc_cert *c);
LUXC_API
uint32_t luxc_cert_signer(const luxc_cert *c, size_t i);

/* Exact encoded size; encode writes it (cap too small: LUXC_EFULL). */
LUXC_API
size_t luxc_cert_encoded_len(const luxc_cert *c);
LUXC_API
LUXC_MUST_CHECK int luxc_cert_encode(const luxc_cert *c, uint8_t *out, size_t cap,
                                     size_t *len);

/* Decode against the validator set set[nset]. Errors (distinct):
 * LUXC_EINVAL (NULL), LUXC_ETRUNC (shorter than a field claims),
 * LUXC_ECORRUPT (bad magic, or signers not in ascending order),
 * LUXC_EVERSION (version != 1), LUXC_ETOOBIG (signer count above the
 * set size or LUXC_CERT_MAX_SIGNERS, or a signature above
 * LUXC_CERT_MAX_SIGBYTES), LUXC_EDUPLICATE (a signer twice),
 * LUXC_ENOTMEMBER (index >= nset), LUXC_EOVERFLOW (signers' stake sum
 * overflows u64), LUXC_ETRAILING (bytes after the last signer),
 * LUXC_ENOMEM. *out NULL on failure. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_decode(luxc_cert **out, const uint8_t *buf, size_t len,
                                     const luxc_cert_member *set, size_t nset);
/* The same for a polka proof (magic LUXC_POLKA_MAGIC, votes of phase
 * PREVOTE); a certificate of finality is LUXC_ECORRUPT here, as a polka
 * proof is for luxc_cert_decode. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_decode_polka(luxc_cert **out, const uint8_t *buf, size_t len,
                                           const luxc_cert_member *set, size_t nset);

/* Stake of the signers. Errors: LUXC_ENOTMEMBER, LUXC_EOVERFLOW. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_stake(const luxc_cert *c, const luxc_cert_member *set, size_t nset,
                                    uint64_t *stake);

/* Full check: every signature verifies over the vote message (LUXC_EAUTH
 * otherwise, or the verifier's code), signers are members, and the
 * signers hold strictly more than 2/3 of the set's total stake
 * (LUXC_ENOQUORUM otherwise). LUXC_OK means final. */
LUXC_API
LUXC_MUST_CHECK int luxc_cert_verify(const luxc_cert *c, const luxc_cert_member *set, size_t nset,
                                     const luxc_verifier *vf);

/* ---- Vote set: one height's verified votes, counted -------------------
 * The votes a validator holds for one height (CometBFT's VoteSet): at most
 * one vote per validator (a second, different one is equivocation: counted,
 * and the first stands), a running stake sum per distinct vote message, and
 * the message, if any, that more than 2/3 of stake signed. Adding a vote
 * costs O(1) (one hash of the 161-byte message); building the certificate
 * is O(n). Signatures are not checked here: add only verified votes. Memory
 * is reserved at _new and reused across _clear, so a running node adds
 * votes without allocating once each validator's signature buffer exists.
 * Thread safety: one thread at a time. */
typedef struct luxc_voteset luxc_voteset;

/* A set for n validators (1..LUXC_CERT_MAX_SIGNERS) with these stakes
 * (copied; each may be 0). Errors: LUXC_EINVAL, LUXC_EOVERFLOW (stake sum),
 * LUXC_ENOMEM. */
LUXC_API
LUXC_MUST_CHECK int luxc_voteset_new(luxc_voteset **out, uint32_t n, const uint64_t *stakes);
LUXC_API
void luxc_voteset_free(luxc_voteset *vs);
/* Forget every vote (the next height); keeps the memory. */
LUXC_API
void luxc_voteset_clear(luxc_voteset *vs);

/* Add validator i's vote: msg is the encoded vote it signed, sig its
 * signature (may be NULL when sig_len is 0, e.g. in simulations).
 * LUXC_OK (counted), LUXC_EEXIST (this exact vote is already counted:
 * nothing changes), LUXC_EDUPLICATE (i already voted otherwise:
 * equivocation, counted in luxc_voteset_equivocations, the first vote
 * stands), LUXC_ENOTMEMBER (i >= n), LUXC_EINVAL (NULL, sig_len >
 * LUXC_CERT_MAX_SIGBYTES), LUXC_ENOMEM (nothing changes). */
LUXC_API
LUXC_MUST_CHECK int luxc_voteset_add(luxc_voteset *vs, uint32_t i,
                                     const uint8_t msg[LUXC_VOTE_BYTES], const uint8_t *sig,
                                     size_t sig_len);

/* Validator i's counted vote message, or NULL. */
LUXC_API
const uint8_t *luxc_voteset_vote_of(const luxc_voteset *vs, uint32_t i);
/* Stake behind exactly this vote message (0 if none). */
LUXC_API
uint64_t luxc_voteset_stake(const luxc_voteset *vs, const uint8_t msg[LUXC_VOTE_BYTES]);
/* Stake behind any counted vote for block id (every round, accept or
 * not): what the node uses to order proposals it re-polls. */
LUXC_API
uint64_t luxc_voteset_block_stake(const luxc_voteset *vs, const uint8_t block[32]);
/* The vote message signed by more than 2/3 of the total stake, or NULL;
 * with *signer (may be NULL) one validator that signed it. Once a message
 * is final it stays the answer until _clear. */
LUXC_API
const uint8_t *luxc_voteset_final(const luxc_voteset *vs, uint32_t *signer);
/* A certificate of the final message with every signer that signed it.
 * Errors: LUXC_ENOQUORUM (nothing is final), LUXC_ENOMEM, or
 * luxc_cert_add's (e.g. a signer's vote without a signature: LUXC_EINVAL). */
LUXC_API
LUXC_MUST_CHECK int luxc_voteset_cert(const luxc_voteset *vs, luxc_cert **out);
/* Counters: validators with a counted vote; equivocations seen since the
 * last _clear; the total stake. */
LUXC_API
uint32_t luxc_voteset_voters(const luxc_voteset *vs);
LUXC_API
uint64_t luxc_voteset_equivocations(const luxc_voteset *vs);
LUXC_API
uint64_t luxc_voteset_total(const luxc_voteset *vs);
/* Stake of the validators with a counted vote, whatever they voted for
 * (Tendermint's "2f+1 votes of any kind" compares this with the total). */
LUXC_API
uint64_t luxc_voteset_voted_stake(const luxc_voteset *vs);

/* ---- one height's votes by round and phase ------------------------------
 * The votes of the round-based finality rule (docs/CONSENSUS.md, after
 * Tendermint's Algorithm 1 and CometBFT's HeightVoteSet): for each round a
 * vote set of PREVOTEs and one of PRECOMMITs, and the stake of the distinct
 * validators heard from in that round (either phase). A vote for nil is a
 * vote for the all-zero block id. Equivocation is per (round, phase): a
 * validator may vote in many rounds, once per phase in each.
 *
 * At most max_rounds rounds are held. When a vote arrives for a new round
 * and every slot is in use, one is given up: never the current round
 * (luxc_heightvotes_set_round), the latest round with a polka for a block
 * (what a re-proposal names) or a round with a certificate; first a round
 * already left behind (the oldest), else the round ahead heard from least
 * (ties: the highest) - and that one only if this vote's validator has at
 * least as much stake as it was heard from, so votes for far-off rounds
 * from a minority cannot push out the rounds the rule needs.
 * Thread safety: one thread at a time. */
typedef struct luxc_heightvotes luxc_heightvotes;

/* n validators (1..LUXC_CERT_MAX_SIGNERS) with these stakes (copied), at
 * most max_rounds rounds (2..LUXC_HEIGHTVOTES_MAX_ROUNDS) held at once.
 * Errors: LUXC_EINVAL, LUXC_EOVERFLOW (stake sum), LUXC_ENOMEM. */
#define LUXC_HEIGHTVOTES_MAX_ROUNDS 256u
LUXC_API
LUXC_MUST_CHECK int luxc_heightvotes_new(luxc_heightvotes **out, uint32_t n,
                                         const uint64_t *stakes, uint32_t max_rounds);
LUXC_API
void luxc_heightvotes_free(luxc_heightvotes *hv);
/* Forget every vote (the next height) and set the current round to 0;
 * keeps the memory. */
LUXC_API
void luxc_heightvotes_clear(luxc_heightvotes *hv);
/* The round the caller is in: its slot is never given up. */
LUXC_API
void luxc_heightvotes_set_round(luxc_heightvotes *hv, uint32_t round);

/* Add validator i's verified vote: msg is the encoded vote it signed (its
 * phase, round and block - zero for nil - are read from it).
 * LUXC_OK (counted), LUXC_EEXIST (the same vote again: nothing changes),
 * LUXC_EDUPLICATE (i already voted otherwise in this round and phase:
 * counted in luxc_heightvotes_equivocations, the first vote stands),
 * LUXC_EFULL (no slot may be given up for this round: dropped, counted),
 * LUXC_ENOTMEMBER, LUXC_EINVAL, luxc_vote_decode's errors,
 * LUXC_ENOMEM (the vote is not counted). */
LUXC_API
LUXC_MUST_CHECK int luxc_heightvotes_add(luxc_heightvotes *hv, uint32_t i,
                                         const uint8_t msg[LUXC_VOTE_BYTES], const uint8_t *sig,
                                         size_t sig_len);

/* A majority proven whole: the caller has verified one `phase` vote for
 * block in round signed by validators with more than 2/3 of the stake (a
 * certificate from catch-up, the polka a re-proposal carries). Counting
 * here keeps an equivocator's first vote, so a majority another validator
 * saw may never add up here; its proof still counts. LUXC_OK, LUXC_EFULL
 * (no slot), LUXC_EINVAL. */
LUXC_API
LUXC_MUST_CHECK int luxc_heightvotes_add_proven(luxc_heightvotes *hv, luxc_vote_phase phase,
                                                uint32_t round, const uint8_t block[32]);

/* 1 when more than 2/3 of the stake cast the same `phase` vote in round
 * (counted here, else proven), with its block id in block (zero: a
 * majority for nil) and, in signer (may be NULL), one validator that
 * signed it (UINT32_MAX for a proven one); 0 otherwise. */
LUXC_API
int luxc_heightvotes_majority(const luxc_heightvotes *hv, luxc_vote_phase phase, uint32_t round,
                              uint8_t block[32], uint32_t *signer);
/* Stake that cast a `phase` vote of any kind in round. */
LUXC_API
uint64_t luxc_heightvotes_phase_stake(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                      uint32_t round);
/* Stake of the distinct validators heard from in round (either phase). */
LUXC_API
uint64_t luxc_heightvotes_round_stake(const luxc_heightvotes *hv, uint32_t round);
/* 1 when more than 2/3 of the stake cast a `phase` vote of any kind in
 * round (Algorithm 1's "2f+1 <PREVOTE, h, r, *>"). */
LUXC_API
int luxc_heightvotes_any_quorum(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                uint32_t round);
/* The highest round above `after` from which validators with more than
 * 1/3 of the stake were heard (Algorithm 1's rule "f+1 messages of a
 * higher round": start that round). 1 and *round, or 0. */
LUXC_API
int luxc_heightvotes_skip_round(const luxc_heightvotes *hv, uint32_t after, uint32_t *round);
/* A certificate: the lowest round in which more than 2/3 of the stake
 * precommitted one block (not nil). 1 with *round and block, else 0. */
LUXC_API
int luxc_heightvotes_decided(const luxc_heightvotes *hv, uint32_t *round, uint8_t block[32]);
/* The vote set of (phase, round), or NULL when the round is not held. */
LUXC_API
const luxc_voteset *luxc_heightvotes_set(const luxc_heightvotes *hv, luxc_vote_phase phase,
                                         uint32_t round);
/* Equivocations seen since the last _clear (every round and phase);
 * votes dropped for want of a slot. */
LUXC_API
uint64_t luxc_heightvotes_equivocations(const luxc_heightvotes *hv);
LUXC_API
uint64_t luxc_heightvotes_dropped(const luxc_heightvotes *hv);
/* "More than 1/3 of total": 3s > t, without overflow. */
LUXC_API
int luxc_horizon_is_third(uint64_t signed_stake, uint64_t total_stake);

#ifdef __cplusplus
}
#endif
#endif /* LUXC_HORIZON_H */
