/* fuzz_record.c - libFuzzer target for the record decoder (luxc_chan_open).
 * Input: a sequence of frames, each prefixed by a 2-byte big-endian length,
 * opened in order on a fresh receiving channel with fixed keys (the same
 * for every run, so a seed can hold valid records, across rekeys:
 * rekey_records is 3). Properties checked on every frame:
 *  - a rejected frame is counted under exactly one drop reason and leaves
 *    no output;
 *  - an accepted frame round-trips: a fresh sender with the same key,
 *    sealing the same plaintexts in order, produces the identical bytes
 *    (decode -> encode -> compare).
 * Finally the whole input, as plaintext, is sealed and opened again. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "luxc/crypto.h"
#include "luxc/net.h"

#define MAXREC 2048u

static uint64_t zero_clock(void *ctx)
{
    (void)ctx;
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int ready;
    static uint8_t out[MAXREC], frame[MAXREC + LUXC_NET_RECOVERHEAD];
    if (!ready) {
        if (luxc_crypto_init() != LUXC_OK)
            abort();
        ready = 1;
    }
    uint8_t k1[LUXC_AEAD_KEYBYTES], k2[LUXC_AEAD_KEYBYTES];
    memset(k1, 0x11, sizeof k1);
    memset(k2, 0x22, sizeof k2);
    luxc_net_cfg cfg;
    memset(&cfg, 0, sizeof cfg);
    cfg.max_record = MAXREC;
    cfg.rekey_records = 3;
    cfg.clock = zero_clock;
    luxc_chan *rx, *tx;
    if (luxc_chan_new_from_keys(&rx, &cfg, k2, k1, 0) != LUXC_OK ||
        luxc_chan_new_from_keys(&tx, &cfg, k1, k2, 1) != LUXC_OK)
        abort();

    size_t off = 0;
    while (size - off >= 2) {
        size_t flen = (size_t)data[off] << 8 | data[off + 1];
        off += 2;
        if (flen > size - off)
            flen = size - off;
        const uint8_t *f = data + off;
        off += flen;
        luxc_net_stats before, after;
        luxc_chan_stats(rx, &before);
        size_t olen = 12345;
        int rc = luxc_chan_open(rx, out, sizeof out, &olen, f, flen);
        luxc_chan_stats(rx, &after);
        if (rc != LUXC_OK) {
            if (olen != 0 || luxc_net_stats_dropped(&after) != luxc_net_stats_dropped(&before) + 1 ||
                after.recv_records != before.recv_records)
                abort();
            continue;
        }
        if (after.recv_records != before.recv_records + 1 || olen > MAXREC)
            abort();
        size_t slen;
        if (luxc_chan_seal(tx, frame, sizeof frame, &slen, out, olen) != LUXC_OK ||
            slen != flen || memcmp(frame, f, flen) != 0)
            abort();
    }

    /* The input as one plaintext: seal, then open on the other side. */
    size_t mlen = size < MAXREC ? size : MAXREC, slen, olen;
    luxc_chan *tx3, *rx3;
    if (luxc_chan_new_from_keys(&tx3, &cfg, k1, k2, 1) != LUXC_OK ||
        luxc_chan_new_from_keys(&rx3, &cfg, k2, k1, 0) != LUXC_OK)
        abort();
    for (int rep = 0; rep < 4; rep++) { /* crosses a rekey (every 3 records) */
        if (luxc_chan_seal(tx3, frame, sizeof frame, &slen, data, mlen) != LUXC_OK ||
            luxc_chan_open(rx3, out, sizeof out, &olen, frame, slen) != LUXC_OK ||
            olen != mlen || (mlen && memcmp(out, data, mlen) != 0))
            abort();
    }
    luxc_chan_free(tx3);
    luxc_chan_free(rx3);
    luxc_chan_free(tx);
    luxc_chan_free(rx);
    return 0;
}
