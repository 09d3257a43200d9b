/* the ITR map-cache: the control state of each cached EID-prefix. an
 * entry is pending (a Map-Request is outstanding, packets are held),
 * positive (a locator set) or negative (an action). the map-cache only
 * keeps state; itr.c sends requests, the data plane moves packets. what
 * the data plane forwards with is the entry's FIB entry (fib.h), published
 * on every change (mc_entry_publish); the FIB's index is the map-cache's
 * too (fib_ent.ctl), so a prefix is stored once. */
#ifndef LOCID_MAPCACHE_H
#define LOCID_MAPCACHE_H

#include <stdint.h>
#include <string.h>
#include <sys/queue.h>

#include <jansson.h>

#include "addr.h"
#include "dp.h"
#include "fib.h"
#include "msg.h"

#define MC_MAX_LOCS	8
#define MC_NONCES	4	/* nonces of retransmissions still accepted */
#define MC_NONCE_BUCKETS 1024	/* nonce index (requests and RLOC probes) */

enum mc_state {
	MC_PENDING,
	MC_POSITIVE,
	MC_NEGATIVE,
};

/* RLOC-probe state of one locator (probe.c); kept across refreshes.
 * made when a locator of the entry is first probed: an entry nobody
 * sends to has none (mc_entry_probe reads a zeroed one then) */
#define PROBE_UNKNOWN	0
#define PROBE_UP	1
#define PROBE_DOWN	2
struct mc_probe {
	uint64_t	 nonce;		/* outstanding probe, 0 if none */
	uint64_t	 sent_us, next_us;
	uint32_t	 rtt_us;	/* last measured round trip, 0 if none */
	uint32_t	 sent, answered;
	uint8_t		 state;		/* PROBE_* */
	uint8_t		 miss;		/* consecutive unanswered probes */
};

/* what only resolution needs: allocated while an entry is pending or a
 * Map-Request for it is outstanding (or packets are held), freed when
 * none of these holds (mc_entry_settle), so a settled entry pays a
 * pointer for it */
struct mc_res {
	struct lisp_addr seid;		/* source EID of the triggering packet */
	struct dp_pkt	*qhead, **qtail;	/* held while pending */
	uint64_t	 nonces[MC_NONCES];
	uint64_t	 asked_us;	/* first request of this round */
	uint32_t	 req_flags;	/* MREQ_* of this round, kept on retransmission */
	uint32_t	 backoff_ms;
	uint16_t	 qlen;
	uint16_t	 tries;
	uint8_t		 nnonces;
};

/* laid out by size, from the map-cache's pool: 80 octets and the
 * EID-prefix's address (mc_entry_eid: what a normalised struct lisp_addr
 * of an IPv4, IPv6 or MAC prefix holds, no LCAF body), 4, 6 or 16
 * octets, so 80 for an IPv4 EID-prefix, 96 for an IPv6 one. times are
 * monotonic milliseconds in 48 bits (8,900 years; next_try_ms in 44:
 * 557), the narrow fields beside them */
#define MC_TTL_MAX	((1u << 20) - 1)	/* minutes kept (record-ttl-max is at
					 * most 525600) */
struct mc_entry {
	struct fib_ent	*fe;		/* what forwarding reads: the locators
					 * (mc_entry_loc), their counters */
	struct mc_probe	*probe;		/* NULL, or one per locator of fe once
					 * one is probed (mc_entry_probe) */
	struct mc_res	*res;		/* while resolving, else NULL */
	/* the entry's one timer: the earliest of its deadlines (expiry,
	 * retransmission, deferred SMR, refresh, RLOC probes) in a min-heap
	 * of the map-cache; heap_idx is its slot + 1, 0 when not armed */
	uint64_t	 due_ms;
	uint32_t	 heap_idx;
	uint32_t	 iid;		/* has_iid: the EID-prefix's instance-id */
	uint64_t	 created_ms:48;	/* expiry: mc_entry_expires */
	uint64_t	 mlen:8;
	uint64_t	 state:2;	/* enum mc_state */
	uint64_t	 act:3;		/* negative: ACT_* */
	uint64_t	 auth:1;	/* A bit of the record */
	uint64_t	 requesting:1;	/* a Map-Request is outstanding */
	uint64_t	 smr_defer:1;	/* an SMR came within 3 s: ask at smr_ms + 3 s */
	uint64_t	 updated_ms:48;	/* last answer; last use: mc_entry_used */
	uint64_t	 source:4;	/* MC_SRC_*: mc_entry_source */
	uint64_t	 nlocs:4;	/* positive: fe's locators; else 0 */
	uint64_t	 has_iid:1;	/* the EID-prefix is in an instance-id */
	uint64_t	 route:1;	/* a throw route is installed for it */
	uint64_t	 is_static:1;	/* from the config: never expires or asked for */
	uint64_t	 has_pub:1;	/* has a publication nonce (mapcache_pub_nonce) */
	/* refresh */
	uint64_t	 next_try_ms:44;	/* no request before this */
	uint64_t	 ttl:20;	/* minutes, as received (at most MC_TTL_MAX) */
	uint64_t	 smr_ms:48;	/* last SMR-invoked request */
	uint64_t	 resolve:16;	/* first packet to mapping: mc_entry_resolve_us */
	uint16_t	 afi;		/* the EID-prefix's */
	uint8_t		 iid_mlen, iid_flags;	/* has_iid: as received */
	uint8_t		 ea[];		/* its address, host bits clear */
};

/* the octets of the address an entry of EID family afi keeps */
static inline size_t
mc_eid_len(uint16_t afi)
{
	return afi == AFI_IPV4 ? 4 : afi == AFI_IPV6 ? 16 : 6;
}

/* the time from the first packet to the mapping, 0 if unknown: kept in
 * 16 bits, exact below 4096 us, then to 1/2048 (at most 134 s) */
static inline uint32_t
mc_entry_resolve_us(const struct mc_entry *e)
{
	return (uint32_t)(e->resolve & 0xfff) << (e->resolve >> 12);
}
static inline void
mc_entry_set_resolve_us(struct mc_entry *e, uint64_t us)
{
	unsigned x = 0;

	while (x < 15 && (us >> x) > 0xfff)
		x++;
	if ((us >> x) > 0xfff)
		us = (uint64_t)0xfff << x;	/* at most 134 s */
	e->resolve = (x << 12) | (unsigned)(us >> x);
}

/* e's EID-prefix (with e->mlen): normalised, with IID when has_iid */
static inline struct lisp_addr
mc_entry_eid(const struct mc_entry *e)
{
	struct lisp_addr a;

	memset(&a, 0, sizeof(a));
	a.afi = e->afi;
	memcpy(a.u.v6, e->ea, mc_eid_len(e->afi));
	a.has_iid = (uint8_t)e->has_iid;
	a.iid = e->iid;
	a.iid_mlen = e->iid_mlen;
	a.iid_flags = e->iid_flags;
	return a;
}

/* the same as a pointer to a copy that lasts until the end of the
 * enclosing block (a compound literal), for arguments */
#define MC_EID(e)	((const struct lisp_addr *)(struct lisp_addr[1]){ mc_entry_eid(e) })

/* the locators are stored once, in the FIB entry (address, priority,
 * weight, flags as received, up = usable: R set and not probed down);
 * the map-cache keeps only what probing learns of each. locator i
 * (< e->nlocs) into buf, which it returns */
static inline const struct fib_loc *
mc_entry_loc(const struct mc_entry *e, int i, struct fib_loc *buf)
{
	return fib_ent_loc(e->fe, i, buf);
}
/* locator i's probe state, a zeroed one (never written) when it has none */
const struct mc_probe *mc_entry_probe(const struct mc_entry *, int i);
/* locator i's probe state, made when the entry has none; NULL on
 * allocation failure. it lasts until the entry's locator set changes
 * (mc_entry_set), not only until the next publish */
struct mc_probe	*mc_entry_probe_make(struct mc_entry *, int i);

/* when e expires: its last Map-Reply + TTL, never when static (a pending
 * entry has no TTL yet) */
static inline uint64_t
mc_entry_expires(const struct mc_entry *e)
{
	return e->is_static ? UINT64_MAX : e->updated_ms + (uint64_t)e->ttl * 60000;
}
/* where e's mapping came from: "pending", "map-reply", "proxy-reply",
 * "lisp-sec", "negative", "publication", "static", "nat-shortcut" */
const char	*mc_entry_source(const struct mc_entry *);
/* set it (one of those names; any other shows as "?") */
void		 mc_entry_set_source(struct mc_entry *, const char *);

struct mapcache;

/* entries are indexed in fib (the data plane's FIB); NULL: a FIB of its
 * own (tests) */
struct mapcache	*mapcache_new(struct fib *fib);
struct fib	*mapcache_fib(const struct mapcache *);
/* publish e's forwarding state again (state, action, and which of its
 * locators are usable, after a probe changed one) to the FIB: a new
 * entry with the same locators. -1 on allocation failure (the old state
 * stays) */
int		 mc_entry_publish(struct mapcache *, struct mc_entry *);
/* the last time a packet used e, its creation at first: the FIB entry's
 * mark, which only the data plane writes (a new FIB entry carries it on) */
static inline uint64_t
mc_entry_used(const struct mc_entry *e)
{
	return e->fe != NULL && fib_ent_used(e->fe) > e->created_ms ? fib_ent_used(e->fe) :
	    e->created_ms;
}
/* what a packet through the data plane does to it (tests) */
static inline void
mc_entry_touch(struct mc_entry *e, uint64_t now)
{
	if (e->fe != NULL && now > fib_ent_used(e->fe)) {
		e->fe->used_ms = now;
		e->fe->fresh = 0;
	}
}
/* e carried traffic since its last answer and lately: in the last minute,
 * or the last half of a TTL shorter than two minutes (so that the packets
 * held for the answer and sent on right after it do not keep an idle
 * short-lived entry alive) */
static inline int
mc_entry_used_lately(const struct mc_entry *e, uint64_t expires, uint64_t now)
{
	uint64_t used = mc_entry_used(e), window = 60000;

	if (expires > e->updated_ms && (expires - e->updated_ms) / 2 < window)
		window = (expires - e->updated_ms) / 2;
	return used > e->updated_ms && used + window > now;
}
/* del is called for every entry before it is freed (remove routes) */
void		 mapcache_free(struct mapcache *, void (*del)(struct mc_entry *, void *), void *);
size_t		 mapcache_count(const struct mapcache *);
/* the entries of instance-id iid (0: none); counted for the first
 * MC_IIDS instance-ids seen, 0 for any later one */
#define MC_IIDS		128
size_t		 mapcache_count_iid(const struct mapcache *, uint32_t iid);
/* cb with every entry in the FIB's order (see mapcache_walk_after) until
 * it returns non-zero (returned); cb may remove the entry it is given,
 * no other */
int		 mapcache_foreach(struct mapcache *, int (*cb)(struct mc_entry *, void *), void *);

/* longest match of a full address (IID taken from a->has_iid/iid) */
struct mc_entry	*mapcache_lookup(const struct mapcache *, const struct lisp_addr *a);
struct mc_entry	*mapcache_exact(const struct mapcache *, const struct lisp_addr *eid, int mlen);
/* the entries inside eid/mlen (same IID and family, length >= mlen) in
 * address order, until cb returns non-zero (its value is returned). cb
 * must not add or remove entries: collect them and act after the walk. */
int		 mapcache_walk_under(const struct mapcache *, const struct lisp_addr *eid, int mlen,
		    int (*cb)(struct mc_entry *, void *), void *);
/* create a pending entry (or return the existing one for that prefix) */
struct mc_entry	*mapcache_add(struct mapcache *, const struct lisp_addr *eid, int mlen, uint64_t now);
/* unlink and free an entry with its held packets */
void		 mapcache_remove(struct mapcache *, struct mc_entry *);
/* of the next scan entries (oldest first), the least recently used one
 * that is neither pending nor asking; NULL if none */
struct mc_entry	*mapcache_idlest(struct mapcache *, int scan);
/* the same among the entries of instance-id iid: scan of those, looking
 * at no more than 64 times that many entries of others */
struct mc_entry	*mapcache_idlest_iid(struct mapcache *, int scan, uint32_t iid);
/* the entry that sent nonce, or NULL */
struct mc_entry	*mapcache_by_nonce(const struct mapcache *, uint64_t nonce);
/* the nonce of the last publication (RFC 9437) taken for e, 0 if none;
 * kept beside the map-cache (few entries have one), dropped with e */
uint64_t	 mapcache_pub_nonce(const struct mapcache *, const struct mc_entry *);
/* -1 on allocation failure (the old one stays) */
int		 mapcache_set_pub_nonce(struct mapcache *, struct mc_entry *, uint64_t nonce);
void		 mc_entry_add_nonce(struct mapcache *, struct mc_entry *, uint64_t nonce);
/* e's resolution state, made when it has none; NULL on allocation
 * failure */
struct mc_res	*mc_entry_res(struct mc_entry *);
/* free e's resolution state once it is neither pending nor requesting
 * and holds no packets (its request nonces leave the index) */
void		 mc_entry_settle(struct mapcache *, struct mc_entry *);
/* a new round of requests: retransmissions are counted from 0 */
void		 mc_entry_new_round(struct mc_entry *);
static inline unsigned
mc_entry_qlen(const struct mc_entry *e)
{
	return e->res != NULL ? e->res->qlen : 0;
}
static inline unsigned
mc_entry_tries(const struct mc_entry *e)
{
	return e->res != NULL ? e->res->tries : 0;
}
/* forget the request nonces of e (and their index entries) */
void		 mc_entry_clear_nonces(struct mapcache *, struct mc_entry *);
/* entries still pending (bounded by the ITR) */
size_t		 mapcache_pending(const struct mapcache *);

/* outstanding RLOC-probe nonces, indexed so a reply is matched in O(1):
 * add when a probe goes out (l->probe.nonce set), del when it is answered
 * or times out; entries that are removed or lose the locator drop theirs */
int		 mapcache_probe_add(struct mapcache *, struct mc_entry *, uint64_t nonce);
struct mc_entry	*mapcache_probe_find(const struct mapcache *, uint64_t nonce);
void		 mapcache_probe_del(struct mapcache *, uint64_t nonce);
size_t		 mapcache_nonce_count(const struct mapcache *);	/* index size */

/* fill e from a Map-Reply record: positive with its locators (up to
 * MC_MAX_LOCS, AFIs other than IPv4/IPv6 skipped) or negative with its
 * action. a TTL of 0 expires at once; 0xffffffff is treated as 1440. */
void		 mc_entry_set(struct mapcache *, struct mc_entry *, const struct lisp_record *,
		    const char *source, uint64_t now);

/* timers: arm e to fire at due_ms (replacing its deadline); wake brings
 * it forward only (a deadline later than the armed one is ignored).
 * mapcache_due returns the entry with the earliest deadline if that is
 * <= now (the caller handles it and arms it again or removes it), else
 * NULL; mapcache_next_due is that deadline (UINT64_MAX: none). Nothing
 * scans the table: a tick costs O(log n) per due entry. */
void		 mapcache_sched(struct mapcache *, struct mc_entry *, uint64_t due_ms);
/* told when the earliest deadline becomes earlier than it was (the owner
 * re-arms its one timer) */
void		 mapcache_set_wake(struct mapcache *, void (*)(void *, uint64_t due_ms), void *);
void		 mc_entry_wake(struct mapcache *, struct mc_entry *, uint64_t at_ms);
struct mc_entry	*mapcache_due(const struct mapcache *, uint64_t now);
uint64_t	 mapcache_next_due(const struct mapcache *);

/* remove every entry that expired by now; del is called first (a full
 * sweep: the daemon expires entries by their timer instead) */
int		 mapcache_expire(struct mapcache *, uint64_t now,
		    void (*del)(struct mc_entry *, void *), void *);
/* entries that need a refresh Map-Request: used recently and within the
 * last tenth of their TTL */
int		 mc_entry_wants_refresh(const struct mc_entry *, uint64_t now);

/* hold a copy of a packet; -1 when max are already held */
int		 mc_entry_queue(struct mc_entry *, const uint8_t *, size_t, int max);
/* the same with a packet already copied (taken, or freed on -1) */
int		 mc_entry_queue_pkt(struct mc_entry *, struct dp_pkt *, int max);
/* take the held packets (a list the caller frees) */
struct dp_pkt	*mc_entry_dequeue(struct mapcache *, struct mc_entry *);

const char	*mc_state_name(enum mc_state);
/* one entry as JSON (Cisco-like fields) */
json_t		*mc_entry_json(const struct mc_entry *, uint64_t now);

/* a place in a walk of the whole map-cache that survives changes to it:
 * set started = 0 to begin; the callback records where it is by calling
 * mc_cursor_set(cur, e) for the entry it handled before it stops */
struct mc_cursor {
	struct fib_cursor fc;
};
/* the entries after the cursor, tables in (family, instance-id) order and
 * in address order inside each, until cb returns non-zero */
int		 mapcache_walk_after(const struct mapcache *, struct mc_cursor *,
		    int (*cb)(struct mc_entry *, void *), void *);
static inline void
mc_cursor_set(struct mc_cursor *c, const struct mc_entry *e)
{
	struct lisp_addr eid = mc_entry_eid(e);

	fib_cursor_set(&c->fc, &eid, e->mlen);
}

#endif
