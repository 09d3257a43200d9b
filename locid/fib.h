/* the FIB: what the data plane forwards with. one LPM trie per
 * (instance-id, address family) whose values are forwarding entries. an
 * entry is published whole by the control side (fib_publish) and not
 * changed after, but for the counters the forwarder adds to (made at the
 * first count: most cached prefixes carry no traffic); a new state
 * of the prefix is a new entry that replaces it. the map-cache keeps its
 * control state (nonces, retries, held packets, probing) apart and finds
 * its entries through this index (ctl), so a prefix is stored once. */
#ifndef LOCID_FIB_H
#define LOCID_FIB_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define FIB_MAX_LOCS	8

/* what the forwarder does with a packet to the prefix */
enum fib_kind {
	FIB_PENDING,		/* resolving: the packet goes to the control side */
	FIB_ENCAP,		/* encapsulate to a locator */
	FIB_NATIVE,		/* forward natively (negative, native-forward) */
	FIB_ASK,		/* negative, send-map-request: control side, then drop */
	FIB_DROP,		/* negative, drop */
};

#define FIB_V4	1		/* = FAM_V4 */
#define FIB_V6	2		/* = FAM_V6 */

/* a locator as the FIB's users see it (fib_ent_loc): an entry stores
 * its locators packed where it can */
struct fib_loc {
	uint8_t		 fam;		/* FIB_V4 / FIB_V6 */
	uint8_t		 priority, weight;
	uint8_t		 up;		/* usable: R bit and not probed down */
	uint8_t		 a[16];		/* address, network order */
	uint16_t	 port;		/* 0: 4341; else an xTR behind NAT, from 4342 */
	uint16_t	 flags;		/* RLOC_L / RLOC_p / RLOC_R as received */
};

/* what was forwarded to a prefix, per slot: s[i] encapsulated to
 * locator i, and when the entry has other_slot, s[nlocs]: what went
 * elsewhere (natively, to a PETR) and what locators it no longer has
 * carried. the prefix's totals are the sum (fib_ent_pkts) */
struct fib_cnt {
	uint64_t	 pkts, bytes;
};
struct fib_ctr {
	uint64_t	 drops;
	struct fib_cnt	 s[];
};

/* 24 octets and the locators (fib_ent_loc), packed when they are of one
 * family, on port 4341, with flags L, p, R only: 8 octets an IPv4
 * locator, 20 an IPv6 one; else 24. from the FIB's pool: no malloc
 * header */
struct fib_ent {
	void		*ctl;		/* the control side's entry for the prefix */
	struct fib_ctr	*ctr;		/* NULL until something is counted */
	uint64_t	 used_ms:48;	/* last use (monotonic ms; fib_ent_used),
					 * written by the forwarder */
	uint64_t	 kind:3;	/* FIB_* */
	uint64_t	 nlocs:4;	/* up to FIB_MAX_LOCS */
	uint64_t	 fresh:1;	/* not used since fib_publish's mark: the
					 * forwarder reports the first use */
	uint64_t	 fmt:2;		/* how the locators are stored (fib.c) */
	uint64_t	 other_slot:1;	/* ctr has s[nlocs] */
	unsigned char	 lb[];		/* the locators: through fib_ent_loc */
};

static inline uint64_t
fib_ent_used(const struct fib_ent *fe)
{
	return (uint64_t)fe->used_ms;
}

struct fib;

struct fib	*fib_new(void);
/* cb is called with every entry's ctl before the index goes */
void		 fib_free(struct fib *, void (*cb)(void *ctl, void *), void *);
size_t		 fib_count(const struct fib *);
/* around many publishes (the config's static entries): the lookup index
 * is built once at the end (trie_bulk) */
void		 fib_bulk(struct fib *, int on);

/* an entry with the nlocs locators locs (NULL when none), else zeroed;
 * NULL without memory. it is the FIB's once published (fib_publish,
 * which frees it on failure), else fib_ent_free's */
struct fib_ent	*fib_ent_new(struct fib *, int nlocs, const struct fib_loc *locs);
void		 fib_ent_free(struct fib *, struct fib_ent *);
/* the octets fe takes (its counters not counted) */
size_t		 fib_ent_size(const struct fib_ent *);
/* locator i (< nlocs) into buf, which it returns */
const struct fib_loc *fib_ent_loc(const struct fib_ent *, int i, struct fib_loc *buf);
/* all of them into buf: nlocs */
int		 fib_ent_locs(const struct fib_ent *, struct fib_loc buf[FIB_MAX_LOCS]);

/* counting: a packet of len octets forwarded (encapsulated to locator
 * loc, or -1: elsewhere), n packets dropped, what a kernel path counted
 * (pkts, bytes to locator loc or -1). the counters are made at the
 * first count; without memory for them the count is lost (the data
 * plane's totals still have it) */
void		 fib_ent_count(struct fib *, struct fib_ent *, int loc, size_t len);
void		 fib_ent_drop(struct fib *, struct fib_ent *, uint64_t n);
void		 fib_ent_add(struct fib *, struct fib_ent *, int loc, uint64_t pkts,
		    uint64_t bytes);
/* reading them: 0 for an entry nothing was counted on */
uint64_t	 fib_ent_pkts(const struct fib_ent *);
uint64_t	 fib_ent_bytes(const struct fib_ent *);
static inline uint64_t
fib_ent_drops(const struct fib_ent *fe)
{
	return fe->ctr != NULL ? fe->ctr->drops : 0;
}
static inline uint64_t
fib_loc_pkts(const struct fib_ent *fe, int i)
{
	return fe->ctr != NULL ? fe->ctr->s[i].pkts : 0;
}
static inline uint64_t
fib_loc_bytes(const struct fib_ent *fe, int i)
{
	return fe->ctr != NULL ? fe->ctr->s[i].bytes : 0;
}
/* octets the FIB's pool holds for its entries and counters */
size_t		 fib_pool_bytes(const struct fib *);
/* make fe the entry of eid/mlen (normalised: host bits clear). the one
 * it replaces passes its counters and last use on (the counters per
 * locator by address) and is freed; fe is fresh when it was not used
 * after mark_ms (the control side's last change of the mapping, 0: none).
 * -1 (fe freed, the old entry kept) on allocation failure */
int		 fib_publish(struct fib *, const struct lisp_addr *eid, int mlen,
		    struct fib_ent *fe, uint64_t mark_ms);
/* remove the prefix and free its entry */
void		 fib_withdraw(struct fib *, const struct lisp_addr *eid, int mlen);

/* told of every publish and withdraw (fe NULL), e.g. to mirror the FIB
 * in the kernel; one hook, NULL to remove it */
void		 fib_set_hook(struct fib *, void (*)(void *, const struct lisp_addr *eid,
		    int mlen, const struct fib_ent *fe), void *);

/* longest match of a full address (IID from a->has_iid/iid) */
struct fib_ent	*fib_lookup(const struct fib *, const struct lisp_addr *a);
struct fib_ent	*fib_exact(const struct fib *, const struct lisp_addr *eid, int mlen);
/* the entries inside eid/mlen in address order until cb returns non-zero;
 * cb must not publish or withdraw */
int		 fib_walk_under(const struct fib *, const struct lisp_addr *eid, int mlen,
		    int (*cb)(struct fib_ent *, void *), void *);

/* a place in a walk of the whole FIB that survives changes to it: tables
 * in (family, instance-id) order, address order inside each */
struct fib_cursor {
	int		 started;
	int		 bits;
	uint32_t	 iid;
	uint8_t		 key[16];
	int		 plen;
};
void		 fib_cursor_set(struct fib_cursor *, const struct lisp_addr *eid, int mlen);
int		 fib_walk_after(const struct fib *, struct fib_cursor *,
		    int (*cb)(struct fib_ent *, void *), void *);

/* a locator's address as a lisp_addr; whether it is a (IPv4/IPv6, its
 * instance-id ignored); as text */
void		 fib_loc_addr(const struct fib_loc *, struct lisp_addr *);
int		 fib_loc_is(const struct fib_loc *, const struct lisp_addr *a);
const char	*fib_loc_fmt(const struct fib_loc *, char *, size_t);

#endif
