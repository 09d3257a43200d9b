/* the proxy roles of the xTR (RFC 6832). a PITR attracts packets for its
 * pitr-prefix aggregates from non-LISP sources: routes for them point to
 * the TUN in the LISP table behind a `from all` rule, and itr.c resolves
 * and encapsulates them without the source-EID check. a PETR decapsulates
 * packets from LISP sites bound for non-LISP space and forwards them
 * natively when the inner source is inside its petr-prefixes (any source
 * when none are configured). a proxy has
 * no database-mapping: its RLOCs come from `listen` or from the interface
 * towards the Map-Resolver. */
#ifndef LOCID_PXTR_H
#define LOCID_PXTR_H

#include <jansson.h>

#include "addr.h"
#include "conf.h"

#define PXTR_PREFIXES	32

struct xtr;
struct xtr_db;
struct decap;
struct ip_info;

/* kernel state a PITR installed, so that a reload removes what was there */
struct pxtr {
	uint32_t	 table, prio;
	int		 tun_if;
	unsigned	 fams;		/* FAM_V4 | FAM_V6: from-all rule installed */
	unsigned	 suppress;	/* ... and the main suppress rule */
	int		 n;
	struct lisp_addr pfx[PXTR_PREFIXES];
	int		 mlen[PXTR_PREFIXES];
};

/* after the database-mappings are loaded: source RLOCs for a proxy */
void	pxtr_rlocs(struct xtr *);
/* the TUN must carry IPv6 (a pitr-prefix or petr-prefix is IPv6) */
int	pxtr_wants_v6(const struct xtr *);
/* PITR routes and rules: install per the conf (add) or remove what was
 * installed (!add) */
void	pxtr_rules(struct xtr *, int add);
/* PETR: a decapsulated packet whose destination is not one of our
 * EID-prefixes. 1 when handled (forwarded natively through the TUN, or
 * dropped and counted), 0 when the ETR should judge it */
int	pxtr_decap(struct xtr *, const struct decap *);
/* PITR: a packet from a non-EID source hit a negative entry: -1 when it
 * must be dropped (forwarding natively would bring it back) */
int	pxtr_native_check(struct xtr *, const struct xtr_db *);
/* PITR: a packet from a non-EID source: -1 (dropped and counted) when its
 * destination is outside the pitr-prefixes */
int	pxtr_itr_check(struct xtr *, const struct ip_info *);
/* operator view: petr counters into show stats, the proxy's RLOCs and
 * prefixes into show database (returns o) */
void	pxtr_stats_json(struct xtr *, json_t *o);
json_t	*pxtr_database_json(struct xtr *, json_t *o);
/* a (without IID) inside one of the prefixes of instance iid */
int	pxtr_prefixes_cover(const struct conf_prefixes *, const struct lisp_addr *a,
	    int has_iid, uint32_t iid);

#endif
