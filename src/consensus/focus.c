/* focus.c - confidence: snowflake and snowball (avalanchego semantics).
 * Owns: the per-instance state machine that turns poll results into a
 * preference and a decision. Stacked like avalanchego's
 * nnary_snowflake.go / nnary_snowball.go: snowball = snowflake plus
 * per-choice success counts. Not here: counting votes (wave.c), sampling
 * (photon.c). Pure: no I/O, clock, allocation or locks. */
#include "luxc/consensus.h"

#include <string.h>

void luxc_snowflake_init(luxc_snowflake *sf, const luxc_params *p, uint32_t initial)
{
    memset(sf, 0, sizeof *sf);
    sf->preference = initial;
    sf->alpha_pref = p->alpha_pref;
    sf->alpha_conf = p->alpha_conf;
    sf->beta = p->beta;
}

void luxc_snowflake_record_unsuccessful(luxc_snowflake *sf)
{
    if (!sf->finalized)
        sf->confidence = 0;
}

void luxc_snowflake_record_poll_at(luxc_snowflake *sf, uint32_t count, uint32_t choice,
                                   uint32_t alpha_pref, uint32_t alpha_conf)
{
    if (sf->finalized)
        return;
    if (count < alpha_pref) {
        sf->confidence = 0;
        return;
    }
    /* A preference change clears confidence before the success counts. */
    if (choice != sf->preference)
        sf->confidence = 0;
    sf->preference = choice;
    if (count < alpha_conf) {
        sf->confidence = 0;
        return;
    }
    sf->confidence++;
    if (sf->confidence >= sf->beta)
        sf->finalized = 1;
}

void luxc_snowflake_record_poll(luxc_snowflake *sf, uint32_t count, uint32_t choice)
{
    luxc_snowflake_record_poll_at(sf, count, choice, sf->alpha_pref, sf->alpha_conf);
}

int luxc_snowball_init(luxc_snowball *sb, const luxc_params *p, uint32_t *strengths,
                       uint32_t nchoices, uint32_t initial)
{
    if (!sb || !p || !strengths || nchoices == 0 || initial >= nchoices)
        return LUXC_EINVAL;
    luxc_snowflake_init(&sb->sf, p, initial);
    sb->preference = initial;
    sb->max_strength = 0;
    sb->nchoices = nchoices;
    sb->strengths = strengths;
    memset(strengths, 0, (size_t)nchoices * sizeof *strengths);
    return LUXC_OK;
}

int luxc_snowball_grow(luxc_snowball *sb, uint32_t *strengths, uint32_t nchoices)
{
    if (!sb || !strengths || nchoices < sb->nchoices)
        return LUXC_EINVAL;
    sb->strengths = strengths;
    sb->nchoices = nchoices;
    return LUXC_OK;
}

int luxc_snowball_record_poll_at(luxc_snowball *sb, uint32_t count, uint32_t choice,
                                 uint32_t alpha_pref, uint32_t alpha_conf)
{
    if (choice >= sb->nchoices)
        return LUXC_EINVAL;
    if (count >= alpha_pref && !sb->sf.finalized) {
        uint32_t s = ++sb->strengths[choice];
        if (s > sb->max_strength) {
            sb->max_strength = s;
            sb->preference = choice;
        }
    }
    luxc_snowflake_record_poll_at(&sb->sf, count, choice, alpha_pref, alpha_conf);
    return LUXC_OK;
}

int luxc_snowball_record_poll(luxc_snowball *sb, uint32_t count, uint32_t choice)
{
    return luxc_snowball_record_poll_at(sb, count, choice, sb->sf.alpha_pref, sb->sf.alpha_conf);
}

void luxc_snowball_record_unsuccessful(luxc_snowball *sb)
{
    luxc_snowflake_record_unsuccessful(&sb->sf);
}

uint32_t luxc_snowball_preference(const luxc_snowball *sb)
{
    /* As avalanchego: once snowflake finalized (rarely on a choice other
     * than the strongest), its choice is the decision. */
    return sb->sf.finalized ? sb->sf.preference : sb->preference;
}

int luxc_snowball_finalized(const luxc_snowball *sb) { return sb->sf.finalized != 0; }
