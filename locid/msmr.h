/* helpers shared by the Map-Server (ms.c) and the Map-Resolver (mr.c) */
#ifndef LOCID_MSMR_H
#define LOCID_MSMR_H

#include "locid.h"

#define MSMR_PKT_MAX	1500

/* where the Map-Reply for a request goes: the first ITR-RLOC of a family we
 * can send to, at the inner UDP source port (ECM) or the outer one */
int	msmr_reply_dst(struct locid *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_map_request *, struct sockaddr_storage *);
/* negative Map-Reply for eid/mlen (eid keeps the IID of the request) */
int	msmr_send_negative(struct locid *, const struct pkt *,
	    const struct lisp_ecm *, const struct lisp_map_request *,
	    const struct lisp_addr *eid, int mlen, uint32_t ttl, int act);
/* one negative Map-Reply with a record per prefix, as many as fit in the
 * size of the request (at least one) */
struct msmr_neg {
	struct lisp_addr eid;
	int		 mlen;
};
int	msmr_send_negatives(struct locid *, const struct pkt *,
	    const struct lisp_ecm *, const struct lisp_map_request *,
	    const struct msmr_neg *, int n, uint32_t ttl, int act);
/* forward a request to dst:4342: the received ECM with the extra ECM
 * flags set, or a plain request wrapped in a new ECM */
int	msmr_forward(struct locid *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_eid_prefix *, const struct lisp_addr *dst,
	    uint32_t ecm_flags);
/* a protected (LISP-SEC) request that cannot be opened: counted, logged */
void	msmr_lsec_refused(struct locid *, const struct pkt *, const char *why);
/* trie key helpers: IID (0 when absent) and family bits of an EID */
uint32_t eid_iid(const struct lisp_addr *);

#endif
