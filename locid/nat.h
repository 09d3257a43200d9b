/* NAT traversal on the xTR (nat_xtr.c): an uplink (a local RLOC of the
 * database-mappings) finds out by Info-Request to each Map-Server of its
 * family whether a NAT stands between them, what address and port the
 * NAT maps it to and which RTRs the Map-Server offers; at start, when the
 * uplink's address changes and every info-request-interval to keep the
 * binding. */
#ifndef LOCID_NAT_H
#define LOCID_NAT_H

#include <jansson.h>

#include "lcaf.h"
#include "locid.h"

struct xtr;
struct natx;

struct natx	*natx_new(struct xtr *);
void		 natx_free(struct natx *);
/* the uplinks and Map-Servers may have changed (reload, RLOC refresh) */
void		 natx_conf(struct natx *);
void		 natx_tick(struct natx *, uint64_t now);
uint64_t	 natx_next_due(const struct natx *);	/* UINT64_MAX: nothing */
void		 natx_reply_in(struct natx *, const struct pkt *, const struct lisp_info *);
/* the same-NAT short-cut (nat-shortcut): a Map-Reply an RTR sent in the
 * frame of a Data-Map-Notify (b: the message), from `from` */
void		 natx_shortcut_in(struct natx *, const struct sockaddr *from,
		    struct rbuf *b);
/* the RTRs to register with ms through, when an uplink towards it is
 * behind a NAT: their number (0: register directly), the uplink in
 * *local and the RTRs in rtr[] */
int		 natx_rtrs(const struct natx *, const struct lisp_addr *ms,
		    struct lisp_addr *local, struct lisp_addr *rtr, int max);
/* 1 while an uplink towards ms has no answer yet (registration waits) */
int		 natx_probing(const struct natx *, const struct lisp_addr *ms);
/* the xTR-ID registrations through an RTR carry (configured or random) */
const uint8_t	*natx_xtr_id(const struct natx *);
/* "show nat" */
json_t		*natx_json(struct natx *);

#endif
