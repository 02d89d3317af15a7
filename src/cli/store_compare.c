/* store_compare.c - the cross-store safety check (see store_compare.h).
 * Owns: walking heights 1..top and comparing every store's block id there. */
#include "store_compare.h"

#include <string.h>

/* The block id at one height: read through the foreach view so the block
 * bytes are not copied (luxc_store_block_get wants a buffer for them). */
static int copy_id(void *ctx, const luxc_store_block_view *b)
{
    memcpy(ctx, b->id, LUXC_STORE_IDBYTES);
    return 1;
}

static int id_at(luxc_store *s, uint64_t h, uint8_t id[LUXC_STORE_IDBYTES])
{
    int rc = luxc_store_blocks_foreach(s, h, h, copy_id, id);
    return rc == 1 ? LUXC_OK : rc == LUXC_OK ? LUXC_ENOTFOUND : rc;
}

void store_compare(luxc_store *const *stores, size_t n, store_cmp_result *r)
{
    memset(r, 0, sizeof *r);
    uint64_t top = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t h;
        if (stores[i] && luxc_store_last(stores[i], &h, NULL) == LUXC_OK && h > top)
            top = h;
    }
    for (uint64_t h = 1; h <= top && h != 0; h++) {
        uint8_t first[LUXC_STORE_IDBYTES], id[LUXC_STORE_IDBYTES];
        unsigned have = 0;
        int differs = 0;
        for (size_t i = 0; i < n; i++) {
            if (!stores[i])
                continue;
            int rc = id_at(stores[i], h, id);
            if (rc == LUXC_ENOTFOUND)
                continue;
            if (rc != LUXC_OK) {
                r->read_errors++;
                continue;
            }
            if (!have)
                memcpy(first, id, sizeof first);
            else if (memcmp(first, id, sizeof id))
                differs = 1;
            have++;
        }
        if (have >= 2)
            r->heights_shared++;
        if (differs) {
            r->violations++;
            if (!r->first_violation)
                r->first_violation = h;
        }
    }
    r->heights_compared = top;
}
