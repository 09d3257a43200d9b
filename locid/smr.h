/* Solicit-Map-Requests from the ETR (RFC 9301 §6.1): when a reload changes
 * the database-mappings, every ITR that sent us traffic recently (sources
 * of decapsulated packets, and the locators of our own map-cache entries in
 * use) gets an SMR per changed EID-prefix: Map-Request S=1, Source-EID = the
 * changed prefix, record = the ITR's EID-prefix, at most one per 3 s per
 * ITR RLOC. the ITR side (the SMR-invoked Map-Request) is itr_smr_in. the
 * table is pure state over a caller's clock in milliseconds. */
#ifndef LOCID_SMR_H
#define LOCID_SMR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include <jansson.h>

#include "addr.h"

#define SMR_TARGETS	64
#define SMR_CHANGES	16
#define SMR_INTERVAL_MS	3000	/* per destination RLOC */
#define SMR_RECENT_MS	60000	/* an ITR that sent traffic this recently */
#define SMR_DELAY_MS	300	/* after a change, let the Map-Register go first */

struct smr_change {
	struct lisp_addr eid;
	int		 mlen;
};

struct smr_target {
	struct lisp_addr rloc;		/* AFI_NONE: free slot */
	struct lisp_addr eid;		/* the ITR's EID-prefix, record of the SMR */
	int		 mlen;
	uint64_t	 seen_ms, last_ms;
	uint32_t	 pending;	/* bit i: change i still to announce */
	uint64_t	 sent;
};

struct xtr_db;

struct smr {
	uint64_t	 now_ms;	/* clock of the last tick */
	struct smr_target t[SMR_TARGETS];
	struct smr_change c[SMR_CHANGES];
	int		 nc;
	uint64_t	 due_ms;	/* changes go out from then on */
	struct xtr_db	*snap;		/* the database as last announced */
	int		 nsnap;
	uint64_t	 sent, changes, dropped;
};

struct smr	*smr_new(void);
void		 smr_free(struct smr *);
/* an ITR at rloc sends us traffic from eid/mlen */
void		 smr_note(struct smr *, const struct lisp_addr *rloc,
		    const struct lisp_addr *eid, int mlen, uint64_t now);
/* EID-prefixes added, removed or with another locator set (address,
 * priority, weight) between two databases; returns how many, up to max */
int		 smr_diff(const struct xtr_db *old, int nold, const struct xtr_db *db,
		    int ndb, struct smr_change *, int max);
/* changes to announce to every recent target, from now + delay */
void		 smr_changed(struct smr *, const struct smr_change *, int n, uint64_t now,
		    uint64_t delay);
/* the next SMR due by now within the rate limit: 1 with *t and *c set
 * (marked sent), 0 when none */
int		 smr_next(struct smr *, uint64_t now, struct smr_target **,
		    const struct smr_change **);
size_t		 smr_encode(uint8_t *, size_t, const struct smr_change *,
		    const struct smr_target *, uint64_t nonce, const struct lisp_addr *itr,
		    int nitr);

/* daemon side */
struct xtr;
struct decap;
int	smr_start(struct xtr *);	/* after the database is loaded */
void	smr_reconf(struct xtr *);	/* after a reload loaded the new database */
void	smr_tick(struct xtr *, uint64_t now);
void	smr_decap(struct xtr *, const struct sockaddr *from, const struct decap *);
/* when smr_tick has something to send (UINT64_MAX: nothing) */
uint64_t smr_next_due(const struct smr *);
json_t	*smr_json(const struct smr *, uint64_t now);

#endif
