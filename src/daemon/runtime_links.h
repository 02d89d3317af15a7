/* runtime_links.h - outgoing secure links to the other validators, each
 * (re)connected by its own thread so a missing peer never stalls the
 * node loop (runtime_links.c). The loop owns a link's client once handed
 * over; links_take / links_drop are called from the loop thread only. */
#ifndef LUXC_RUNTIME_LINKS_H
#define LUXC_RUNTIME_LINKS_H

#include <stdint.h>

#include "luxc/net.h"

typedef struct luxc_links luxc_links;

/* One connector per validator but `self`; endpoints from the valset. */
int luxc_links_new(luxc_links **out, void *zctx, const luxc_net_cfg *cfg, uint32_t self);
void luxc_links_free(luxc_links *l);
/* Hand over finished connections; ask connectors to dial missing ones. */
void luxc_links_poll(luxc_links *l);
/* Send to peer: LUXC_ENOTFOUND (no link yet), else luxc_zclient_send's. A
 * broken link is dropped and redialled. */
int luxc_links_send(luxc_links *l, uint32_t peer, const uint8_t *m, size_t len);
/* Drop the link to peer (it restarted): redialled by its connector. */
void luxc_links_drop(luxc_links *l, uint32_t peer);
uint32_t luxc_links_connected(const luxc_links *l);

#endif
