/* what the DDT roles share (RFC 8111): the DDT node (ddt.c), the DDT
 * Map-Resolver (ddtmr.c) and the Map-Server as a DDT leaf (ms.c) */
#ifndef LOCID_DDT_H
#define LOCID_DDT_H

#include "locid.h"
#include "msg_build.h"

/* Record TTLs by referral action (RFC 8111 §6.4), minutes */
#define DDT_TTL_REFERRAL	1440	/* NODE-, MS-REFERRAL, MS-ACK */
#define DDT_TTL_NOT_REGISTERED	1
#define DDT_TTL_HOLE		15
#define DDT_TTL_NOT_AUTH	0

/* records answered per DDT Map-Request, as at the Map-Resolver */
#define DDT_MAX_RECORDS		8

/* a per-address limit of events a second (hashed slots, a fixed
 * one-second window each): the DDT node per requester, the Map-Server per
 * requester and per ITR-RLOC it answers */
struct ddt_rl;
struct ddt_rl	*ddt_rl_new(void);
void		 ddt_rl_free(struct ddt_rl *);
/* 1 if one more from a fits in pps this second (pps 0, table NULL: yes) */
int		 ddt_rl_take(struct ddt_rl *, const struct lisp_addr *a, uint32_t pps);

/* send a Map-Referral of one record to dst; 0 sent or queued, -1 not
 * (it does not fit: CORE_DROP_REPLY_ENCODE_FAILED) */
/* a Map-Referral fits the receive buffers of the peers (RX_BUFSZ); a
 * signed one with keyed RLOCs is the largest */
#define DDT_REFERRAL_MAX	2048
/* Map-Referral records signed, and answered from the signature cache */
extern uint64_t ddt_signatures, ddt_signature_hits;
int	ddt_referral_send(struct locid *, const struct sockaddr *dst,
	    const struct referral_build *);

#endif
