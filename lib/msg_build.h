/* whole messages built in one call, for the places (daemon and locictl)
 * that send the same kind of message */
#ifndef LOCID_MSG_BUILD_H
#define LOCID_MSG_BUILD_H

#include <stddef.h>
#include <stdint.h>

#include "msg.h"

/* a Map-Request for one EID-prefix, optionally inside an ECM */
struct mreq_build {
	uint32_t		 flags;		/* MREQ_* */
	uint64_t		 nonce;
	struct lisp_addr	 seid;		/* AFI_NONE: no Source-EID */
	const struct lisp_addr	*itr;		/* ITR-RLOCs, first MREQ_ITR_MAX used */
	int			 nitr;
	struct lisp_addr	 eid;
	int			 mlen;
	uint8_t			 rec_flags;	/* MREQ_REC_N: subscribe (RFC 9437) */
	/* has_ids: I set and xTR-ID + Site-ID appended */
	int			 has_ids;
	uint8_t			 xtr_id[XTR_ID_LEN];
	uint64_t		 site_id;
	/* ecm: wrap it in an ECM from isrc:sport to idst:4342 */
	int			 ecm;
	struct lisp_addr	 isrc, idst;
	uint16_t		 sport;
};

/* write the message to buf; its length, or 0 when it does not fit (or has
 * no ITR-RLOC, or ecm with inner addresses of mixed families) */
size_t	map_request_build(uint8_t *buf, size_t cap, const struct mreq_build *);

/* a Map-Referral (RFC 8111 §6.4) of one record: the referral action, its
 * TTL (minutes) and I bit, and the referral set (unsigned: no signature) */
#define REFB_RLOC_MAX	16
struct referral_build {
	uint64_t		 nonce;		/* of the DDT Map-Request */
	struct lisp_addr	 eid;		/* the (delegated, hole, ...) prefix */
	int			 mlen;
	uint8_t			 act;		/* REF_* */
	uint8_t			 incomplete;	/* I */
	uint32_t		 ttl;
	const struct lisp_addr	*rlocs;		/* first REFB_RLOC_MAX used */
	int			 nrlocs;
};

/* write it to buf; its length, or 0 when it does not fit or the mask
 * length is longer than the EID's family */
size_t	map_referral_build(uint8_t *buf, size_t cap, const struct referral_build *);

#endif
