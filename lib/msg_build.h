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
 * TTL (minutes) and I bit, and the referral set; signed (§6.4.1) when
 * sign is set, each RLOC in a Security Key LCAF with the child's key
 * (§10.1) when rloc_key is (see ddtsig.h) */
#define REFB_RLOC_MAX	16
struct evp_pkey_st;
struct referral_build {
	uint64_t		 nonce;		/* of the DDT Map-Request */
	struct lisp_addr	 eid;		/* the (delegated, hole, ...) prefix */
	int			 mlen;
	uint8_t			 act;		/* REF_* */
	uint8_t			 incomplete;	/* I */
	uint32_t		 ttl;
	const struct lisp_addr	*rlocs;		/* first REFB_RLOC_MAX used */
	int			 nrlocs;
	const uint8_t		*rloc_key;	/* DER public key of the children */
	size_t			 rloc_key_len;
	struct evp_pkey_st	*sign;		/* private key: sign the record */
	uint16_t		 sign_tag;	/* its Key Tag (ddtsig_key_tag) */
	uint32_t		 now;		/* Unix time, for the signature */
	uint32_t		 sig_valid_s;
};

/* write it to buf; its length, or 0 when it does not fit or the mask
 * length is longer than the EID's family */
size_t	map_referral_build(uint8_t *buf, size_t cap, const struct referral_build *);

#endif
