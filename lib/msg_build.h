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
	/* ecm: wrap it in an ECM from isrc:sport to idst:4342 */
	int			 ecm;
	struct lisp_addr	 isrc, idst;
	uint16_t		 sport;
};

/* write the message to buf; its length, or 0 when it does not fit (or has
 * no ITR-RLOC, or ecm with inner addresses of mixed families) */
size_t	map_request_build(uint8_t *buf, size_t cap, const struct mreq_build *);

#endif
