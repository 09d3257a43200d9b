/* Map-Server: sites, authenticated registrations, expiry, Map-Notify,
 * and the Map-Server side of resolution (proxy reply, forward to an ETR,
 * negative reply for configured but unregistered space) */
#include <sys/queue.h>

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "ddt.h"
#include "locid.h"
#include "lispsec.h"
#include "lsec.h"
#include "msrtr.h"
#include "msmr.h"
#include "pubsub.h"
#include "replay.h"
#include "trie.h"

#define IDS_LEN		(XTR_ID_LEN + 8)
/* an identical Map-Register retransmitted gets one Map-Notify a second */
#define MS_NOTIFY_RETRANSMIT_MS	1000

enum refusal {
	REF_BAD_KEY_ID,
	REF_BAD_HMAC,
	REF_OUTSIDE,
	REF_MORE_SPECIFIC,
	REF_SPANS_SITES,
	REF_REPLAY,
	REF_RLOC,
	REF_TOO_MANY,
	REF_REPLAY_ELSEWHERE,
	REF_OWN_RLOC,
	REF_MAX
};

static const char *const refusal_name[REF_MAX] = {
	"unknown key-id or algorithm",
	"bad authentication data",
	"eid-prefix outside the site's prefixes",
	"more-specific eid-prefix not accepted",
	"records span several sites",
	"nonce not increasing",
	"rloc not allowed",
	"too many registrants for the eid-prefix",
	"replayed: accepted before from another registrant",
	"rloc is an address of this map-server",
};

#define MS_DROPS(X) \
	X(MS_DROP_UNKNOWN_KEY_ID, "map-register: unknown key-id") \
	X(MS_DROP_BAD_HMAC, "map-register: bad hmac") \
	X(MS_DROP_OUTSIDE_SITE, "map-register: outside site prefixes") \
	X(MS_DROP_MORE_SPECIFIC, "map-register: more-specific not accepted") \
	X(MS_DROP_SPANS_SITES, "map-register: records span sites") \
	X(MS_DROP_REPLAYED_NONCE, "map-register: replayed nonce") \
	X(MS_DROP_RLOC_NOT_ALLOWED, "map-register: rloc not allowed") \
	X(MS_DROP_TOO_MANY_REGISTRANTS, "map-register: too many registrants for the prefix") \
	X(MS_DROP_REPLAYED_ELSEWHERE, "map-register: replayed from another registrant") \
	X(MS_DROP_OWN_RLOC, "map-register: rloc is an address of this node") \
	X(MS_DROP_NOTIFY_RETRANSMIT, "map-notify: retransmission answered a second ago") \
	X(MS_DROP_UNKNOWN_SITE, "map-register: unknown site") \
	X(MS_DROP_REGISTER_NO_MEMORY, "map-register: out of memory") \
	X(MS_DROP_NOTIFY_TOO_LARGE, "map-notify: too large") \
	X(MS_DROP_NOTIFY_SIGNING_FAILED, "map-notify: signing failed") \
	X(MS_DROP_NOTIFY_ACK_UNSOLICITED, "map-notify-ack: unsolicited") \
	X(MS_DROP_REPLY_TOO_LARGE, "map-reply: too large") \
	X(MS_DROP_ECM_REGISTER_NOT_FROM_RTR, "map-register: ecm not from a nat-rtr") \
	X(MS_DROP_RELAY_WITHOUT_MSRTR_AUTH, "map-register: relayed without ms-rtr auth data") \
	X(MS_DROP_RELAY_MSRTR_AUTH_INVALID, "map-register: relayed with invalid ms-rtr auth data") \
	X(MS_DROP_DDT_RATE_LIMIT, "ddt map-request: rate limit") \
	X(MS_DROP_DDT_ITR_RATE_LIMIT, "ddt map-request: rate limit towards the itr-rloc") \
	X(MS_DROP_MALFORMED_LOCATOR, "map-register: malformed lcaf locator skipped")
enum ms_drop { MS_DROPS(DROP_ENUM) MS_DROP__N };
static const char *const ms_drop_names[MS_DROP__N] = { MS_DROPS(DROP_NAME) };

/* the drop counted for each refusal */
static const enum ms_drop refusal_drop[REF_MAX] = {
	MS_DROP_UNKNOWN_KEY_ID, MS_DROP_BAD_HMAC, MS_DROP_OUTSIDE_SITE,
	MS_DROP_MORE_SPECIFIC, MS_DROP_SPANS_SITES, MS_DROP_REPLAYED_NONCE,
	MS_DROP_RLOC_NOT_ALLOWED, MS_DROP_TOO_MANY_REGISTRANTS,
	MS_DROP_REPLAYED_ELSEWHERE, MS_DROP_OWN_RLOC,
};

struct ms_site {
	TAILQ_ENTRY(ms_site) entry;
	char		*name;
	struct conf_site *cs;		/* in the current conf */
	struct auth_key	*akeys[4];	/* keyed MACs of cs->keys[] */
	uint32_t	 kfp[4];	/* key_fp of cs->keys[] */
	uint64_t	 accepted;
	uint64_t	 refused[REF_MAX];
	struct replay_set replay;	/* per registrant (replay.h) */
	int		 seen;		/* reconf mark */
};
TAILQ_HEAD(ms_sites, ms_site);

/*
 * One registration of one prefix by one ETR (keyed by xTR-ID, else by
 * source address). Most prefixes have a single registrant, so the first
 * one lives inside the prefix entry (struct ms_eid) and only the second
 * and later ETRs of a prefix get an allocation of their own (struct
 * ms_xreg). Variable data follows each: the source address (4 or 16
 * octets), the xTR-ID and Site-ID (24, only with RF_IDS), then the
 * RLOC-records as registered (rlen octets). The registrations of a prefix
 * are chained from the inline one, which is marked RF_EMPTY when its ETR
 * went away while others remain.
 */
#define RF_INLINE	0x01	/* lives in struct ms_eid */
#define RF_EMPTY	0x02	/* inline slot unused */
#define RF_IDS		0x04	/* xTR-ID and Site-ID present */
#define RF_SRC6		0x08	/* source is IPv6 */
#define RF_PROXY	0x10	/* P */
#define RF_TTL		0x20	/* T: expires after Record TTL */
#define RF_NOTIFY	0x40	/* M */
#define RF_SEC		0x80	/* S: the ETR signs (LISP-SEC) */

#define IDS_DATA	(XTR_ID_LEN + 8)

struct ms_reg {
	struct ms_reg	*next;		/* of the same prefix */
	uint64_t	 expire_ms;
	uint32_t	 heap_idx;	/* in ms->due, 1-based; 0: not there */
	uint32_t	 first_wall, last_wall;
	uint32_t	 count;
	uint32_t	 ttl;		/* Record TTL, minutes */
	uint16_t	 src_port;
	uint16_t	 rlen;
	uint8_t		 flags;		/* RF_* */
	uint8_t		 nrlocs;
	uint32_t	 key_fp;	/* the key it was authenticated with (key_fp) */
};

/*
 * Expiry: every registration has one slot in a binary min-heap keyed by a
 * time at or before its expiry, and one timer is armed to the top. A
 * refresh only moves expire_ms later and leaves the slot alone (a register
 * stays O(1)); when a slot whose registration was refreshed comes to the
 * top it is re-keyed to the real expiry and sinks. So the timer fires only
 * when something may be due, and an idle MS does no work per registration.
 */
struct ms_due {
	uint64_t	 at;		/* <= r->expire_ms */
	struct ms_reg	*r;
};

/* slots looked at per firing: a mass expiry goes on at the next turn of
 * the loop instead of stalling it */
#define DUE_BATCH	4096

struct ms_eid {			/* a registered prefix */
	struct ms_reg	 reg;		/* first: the inline registration */
	struct ms_site	*site;
	uint32_t	 iid;
	uint16_t	 afi;
	uint8_t		 mlen;
	uint8_t		 has_iid, iid_mlen, iid_flags;
	uint8_t		 data[];	/* address (addr_bits / 8), reg data */
};

#define EID_HDR		offsetof(struct ms_eid, data)

struct ms_xreg {		/* the second and later ETRs of a prefix */
	struct ms_reg	 reg;
	struct ms_eid	*eid;
	uint8_t		 data[];
};

struct ms_pfx {			/* a configured prefix */
	struct ms_site	*site;
	struct conf_prefix *cp;
};

struct ms_table {
	struct ms_table	*next;
	uint32_t	 iid;
	int		 bits;
	struct trie	*sites;		/* -> struct ms_pfx */
	struct trie	*regs;		/* -> struct ms_eid */
};

struct ms {
	struct locid	*l;
	struct ms_sites	 sites;
	struct ms_table	*tables;
	struct ms_due	*due;		/* min-heap on at */
	size_t		 ndue, capdue;
	struct locid_timer *timer;	/* armed to due[0].at ... */
	uint64_t	 armed_ms;	/* ... at this instant, UINT64_MAX: not */
	uint64_t	 nregs;
	uint64_t	 drops[MS_DROP__N];
	uint64_t	 ddt_sent[6];	/* Map-Referrals by action */
	struct pubsub	*ps;		/* NULL: no pubsub-key */
	struct ddt_rl	*ddt_rl, *ddt_rl_itr;	/* DDT Map-Requests per source, answers per ITR-RLOC */
	struct ratelimit logrl;
};

static struct ms_table *
table_get(struct ms *ms, uint32_t iid, int bits, int create)
{
	struct ms_table *t;

	for (t = ms->tables; t != NULL; t = t->next)
		if (t->iid == iid && t->bits == bits)
			return t;
	if (!create)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->iid = iid;
	t->bits = bits;
	t->sites = trie_new(bits);
	t->regs = trie_new(bits);
	if (t->sites == NULL || t->regs == NULL) {
		trie_free(t->sites, NULL);
		trie_free(t->regs, NULL);
		free(t);
		return NULL;
	}
	t->next = ms->tables;
	ms->tables = t;
	return t;
}

uint32_t
eid_iid(const struct lisp_addr *a)
{
	return a->has_iid ? a->iid : 0;
}

static struct ms_table *
table_of(struct ms *ms, const struct lisp_addr *eid, int create)
{
	int bits = addr_bits(eid);

	if (bits == 0 || addr_bytes(eid) == NULL)
		return NULL;
	return table_get(ms, eid_iid(eid), bits, create);
}

static struct ms_site *
site_find(struct ms *ms, const char *name)
{
	struct ms_site *s;

	TAILQ_FOREACH(s, &ms->sites, entry)
		if (strcmp(s->name, name) == 0)
			return s;
	return NULL;
}

/* the configured prefix that holds eid/mlen: the longest configured prefix
 * covering it */
static struct ms_pfx *
pfx_find(struct ms *ms, const struct lisp_addr *eid, int mlen, int *cfg_mlen)
{
	struct ms_table *t = table_of(ms, eid, 0);

	if (t == NULL)
		return NULL;
	return trie_lookup_prefix(t->sites, addr_bytes(eid), mlen, cfg_mlen);
}

/* -- registrations --------------------------------------------------- */

static size_t
afi_len(uint16_t afi)
{
	return afi == AFI_IPV4 ? 4 : afi == AFI_IPV6 ? 16 : 6;
}

/* the prefix of a registration entry as an address */
static void
eid_addr(const struct ms_eid *e, struct lisp_addr *a)
{
	addr_set_none(a);
	a->afi = e->afi;
	memcpy(a->u.v6, e->data, afi_len(e->afi));	/* v4, v6 and mac alike */
	a->has_iid = e->has_iid;
	a->iid = e->iid;
	a->iid_mlen = e->iid_mlen;
	a->iid_flags = e->iid_flags;
}

static struct ms_eid *
reg_eid(struct ms_reg *r)
{
	if (r->flags & RF_INLINE)
		return (struct ms_eid *)r;
	return ((struct ms_xreg *)r)->eid;
}

static uint8_t *
reg_data(struct ms_reg *r)
{
	struct ms_eid *e;

	if (r->flags & RF_INLINE) {
		e = (struct ms_eid *)r;
		return e->data + afi_len(e->afi);
	}
	return ((struct ms_xreg *)r)->data;
}

static size_t
reg_srclen(const struct ms_reg *r)
{
	return (r->flags & RF_SRC6) ? 16 : 4;
}

static const uint8_t *
reg_rlocs(struct ms_reg *r)
{
	return reg_data(r) + reg_srclen(r) + ((r->flags & RF_IDS) ? IDS_DATA : 0);
}

static size_t
reg_datalen(const struct ms_reg *r)
{
	return reg_srclen(r) + ((r->flags & RF_IDS) ? IDS_DATA : 0) + r->rlen;
}

static void
reg_src(struct ms_reg *r, struct lisp_addr *a)
{
	if (r->flags & RF_SRC6)
		addr_set_v6(a, reg_data(r));
	else
		addr_set_v4(a, reg_data(r));
}

static int
reg_alive(const struct ms_reg *r, uint64_t now)
{
	return !(r->flags & RF_EMPTY) && r->expire_ms > now;
}

/* -- expiry heap ------------------------------------------------------ */

static void
due_put(struct ms *ms, size_t i, struct ms_due d)
{
	ms->due[i] = d;
	d.r->heap_idx = (uint32_t)i + 1;
}

static void
due_up(struct ms *ms, size_t i)
{
	struct ms_due d = ms->due[i];

	while (i > 0 && ms->due[(i - 1) / 2].at > d.at) {
		due_put(ms, i, ms->due[(i - 1) / 2]);
		i = (i - 1) / 2;
	}
	due_put(ms, i, d);
}

static void
due_down(struct ms *ms, size_t i)
{
	struct ms_due	d = ms->due[i];
	size_t		c;

	while ((c = 2 * i + 1) < ms->ndue) {
		if (c + 1 < ms->ndue && ms->due[c + 1].at < ms->due[c].at)
			c++;
		if (ms->due[c].at >= d.at)
			break;
		due_put(ms, i, ms->due[c]);
		i = c;
	}
	due_put(ms, i, d);
}

/* the timer at the top of the heap, if that is earlier than it is armed */
static void
due_arm(struct ms *ms)
{
	if (ms->ndue == 0 || ms->due[0].at >= ms->armed_ms || ms->timer == NULL)
		return;
	ms->armed_ms = ms->due[0].at;
	locid_timer_at(ms->timer, ms->armed_ms);
}

/* r's slot keyed by r->expire_ms: a new slot, or an earlier key (a later
 * expiry waits for the slot to come to the top); -1 out of memory */
static int
due_set(struct ms *ms, struct ms_reg *r)
{
	struct ms_due	*h;
	size_t		 cap, i;

	if (r->heap_idx != 0) {
		i = r->heap_idx - 1;
		if (r->expire_ms < ms->due[i].at) {
			ms->due[i].at = r->expire_ms;
			due_up(ms, i);
			due_arm(ms);
		}
		return 0;
	}
	if (ms->ndue == ms->capdue) {
		cap = ms->capdue ? ms->capdue * 2 : 256;
		if ((h = realloc(ms->due, cap * sizeof(*h))) == NULL)
			return -1;
		ms->due = h;
		ms->capdue = cap;
	}
	due_put(ms, ms->ndue++, (struct ms_due){ r->expire_ms, r });
	due_up(ms, ms->ndue - 1);
	due_arm(ms);
	return 0;
}

static void
reg_dequeue(struct ms *ms, struct ms_reg *r)
{
	size_t		 i;
	struct ms_due	 m, *h;

	if (r->heap_idx == 0)
		return;
	i = r->heap_idx - 1;
	r->heap_idx = 0;
	if (--ms->ndue != i) {
		m = ms->due[ms->ndue];
		due_put(ms, i, m);
		due_up(ms, i);
		due_down(ms, m.r->heap_idx - 1);
	}
	/* a quarter full: half the room goes back (no thrashing at the edge) */
	if (ms->capdue > 256 && ms->ndue < ms->capdue / 4 &&
	    (h = realloc(ms->due, ms->capdue / 2 * sizeof(*h))) != NULL) {
		ms->due = h;
		ms->capdue /= 2;
	}
}

/* the prefix entry leaves the trie and is freed with its registrations */
static void
eid_drop(struct ms *ms, struct ms_eid *e)
{
	struct ms_reg	*r, *nr;
	struct ms_table	*t;

	for (r = &e->reg; r != NULL; r = nr) {
		nr = r->next;
		reg_dequeue(ms, r);
		if (!(r->flags & RF_EMPTY))
			ms->nregs--;
		if (r != &e->reg)
			free(r);
	}
	if ((t = table_get(ms, e->has_iid ? e->iid : 0,
	    (int)afi_len(e->afi) * 8, 0)) != NULL)
		trie_remove(t->regs, e->data, e->mlen);
	free(e);
}

/* one ETR's registration goes; the prefix entry with its last one */
static void
reg_free(struct ms *ms, struct ms_reg *r)
{
	struct ms_eid	*e = reg_eid(r);
	struct ms_reg	**pp;

	if (r->flags & RF_EMPTY)
		return;
	reg_dequeue(ms, r);
	ms->nregs--;
	if (r->flags & RF_INLINE)
		r->flags |= RF_EMPTY;
	else {
		for (pp = &e->reg.next; *pp != NULL; pp = &(*pp)->next)
			if (*pp == r) {
				*pp = r->next;
				break;
			}
		free(r);
	}
	if ((e->reg.flags & RF_EMPTY) && e->reg.next == NULL)
		eid_drop(ms, e);
}

static void	ms_publish(struct ms *, const struct lisp_addr *, int);

/* what is due at now goes; a slot of a refreshed registration is
 * re-keyed. the timer is then armed to the new top, or to now again when
 * the batch ran out with work left */
static void
ms_expire(struct ms *ms, uint64_t now)
{
	struct ms_reg	*r;
	struct lisp_addr a;
	char		 p[ADDR_STRLEN];
	int		 n, n2;

	ms->armed_ms = UINT64_MAX;
	for (n = 0; ms->ndue > 0 && ms->due[0].at <= now; n++) {
		if (n == DUE_BATCH) {
			ms->armed_ms = now;
			locid_timer_at(ms->timer, now);
			return;
		}
		r = ms->due[0].r;
		if (r->expire_ms > now) {
			ms->due[0].at = r->expire_ms;
			due_down(ms, 0);
			continue;
		}
		eid_addr(reg_eid(r), &a);
		log_info("registration of %s by site %s expired%s",
		    prefix_fmt(&a, reg_eid(r)->mlen, p, sizeof(p)),
		    reg_eid(r)->site->name,
		    (r->flags & RF_TTL) ? " (record ttl)" : "");
		n2 = reg_eid(r)->mlen;
		if (core_monitoring(ms->l))
			core_event(ms->l, "register", json_pack("{s:s, s:s, s:s}",
			    "event", "expired", "site", reg_eid(r)->site->name,
			    "eid_prefix", p));
		reg_free(ms, r);
		ms_publish(ms, &a, n2);
	}
	due_arm(ms);
}

static void
ms_timer(void *arg)
{
	ms_expire(arg, now_ms());
}

static int
same_registrant(struct ms_reg *r, const struct lisp_map_register *mr,
    const struct lisp_addr *src)
{
	if (r->flags & RF_EMPTY)
		return 0;
	if (mr->has_ids)
		return (r->flags & RF_IDS) &&
		    memcmp(reg_data(r) + reg_srclen(r), mr->xtr_id, XTR_ID_LEN) == 0;
	if (r->flags & RF_IDS)
		return 0;
	if (src->afi == AFI_IPV4)
		return !(r->flags & RF_SRC6) && memcmp(reg_data(r), src->u.v4, 4) == 0;
	return (r->flags & RF_SRC6) && memcmp(reg_data(r), src->u.v6, 16) == 0;
}

/* a new prefix entry with room for its inline registration's data */
static struct ms_eid *
eid_new(struct ms_table *t, const struct lisp_addr *eid, int mlen,
    size_t datalen)
{
	struct ms_eid	*e;
	void		*prev;
	size_t		 alen = afi_len(eid->afi);

	if ((e = calloc(1, EID_HDR + alen + datalen)) == NULL)
		return NULL;
	/* an empty slot's flags and rlen tell its capacity (reg_datalen) */
	e->reg.flags = RF_INLINE | RF_EMPTY;
	e->reg.rlen = (uint16_t)(datalen - 4);
	e->afi = eid->afi;
	e->mlen = (uint8_t)mlen;
	e->has_iid = eid->has_iid;
	e->iid = eid->has_iid ? eid->iid : 0;
	e->iid_mlen = eid->iid_mlen;
	e->iid_flags = eid->iid_flags;
	memcpy(e->data, addr_bytes(eid), alen);
	if (trie_insert(t->regs, e->data, mlen, e, &prev) == -1) {
		free(e);
		return NULL;
	}
	return e;
}

/* the prefix entry with room for datalen octets of inline data: the same,
 * or a copy that replaced it in the trie (inline registration unqueued) */
static struct ms_eid *
eid_resize(struct ms *ms, struct ms_table *t, struct ms_eid *e,
    size_t datalen)
{
	struct ms_eid	*ne;
	struct ms_reg	*r;
	void		*prev;
	size_t		 alen = afi_len(e->afi);

	if (reg_datalen(&e->reg) == datalen)
		return e;
	if ((ne = malloc(EID_HDR + alen + datalen)) == NULL)
		return NULL;
	memcpy(ne, e, EID_HDR + alen);
	if (trie_insert(t->regs, ne->data, ne->mlen, ne, &prev) == -1) {
		free(ne);
		return NULL;
	}
	/* the inline registration's heap slot follows it */
	if (ne->reg.heap_idx != 0)
		ms->due[ne->reg.heap_idx - 1].r = &ne->reg;
	for (r = ne->reg.next; r != NULL; r = r->next)
		((struct ms_xreg *)r)->eid = ne;
	free(e);
	return ne;
}

/* a key's fingerprint (key-id, algorithm, secret): a registration
 * remembers which key made it, so that a reload that revokes the key can
 * remove it. never 0 */
static uint32_t
key_fp(const struct conf_key *k)
{
	uint32_t h = 2166136261u;
	const char *c;

	h = (h ^ k->key_id) * 16777619u;
	h = (h ^ k->alg) * 16777619u;
	for (c = k->secret != NULL ? k->secret : ""; *c != '\0'; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	return h | 1;
}

/* store one validated record, authenticated with the key of fingerprint
 * kfp (ms_site.kfp); 0 or -1 (out of memory) */
static int
reg_store(struct ms *ms, struct ms_site *site, const struct pkt *p,
    const struct lisp_map_register *mr, const struct lisp_record *rec,
    uint32_t kfp, uint64_t now)
{
	const struct conf_timers *tm = &ms->l->conf->timers;
	struct ms_table	*t;
	struct ms_eid	*e;
	struct ms_xreg	*x;
	struct ms_reg	*r, *old = NULL, **pp;
	struct lisp_addr eid = rec->eid, src;
	uint16_t	 port;
	uint64_t	 life;
	uint32_t	 first_wall, count = 0;
	uint8_t		*d;
	size_t		 srclen, datalen;

	addr_mask(&eid, rec->eid_mlen);
	if ((t = table_of(ms, &eid, 1)) == NULL)
		return -1;
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, &port);
	srclen = src.afi == AFI_IPV4 ? 4 : 16;
	datalen = srclen + (mr->has_ids ? IDS_DATA : 0) + rec->rlocs.len;
	first_wall = (uint32_t)wall_s();

	e = trie_exact(t->regs, addr_bytes(&eid), rec->eid_mlen);
	if (e == NULL && (e = eid_new(t, &eid, rec->eid_mlen, datalen)) == NULL)
		return -1;
	for (r = &e->reg; r != NULL; r = r->next)
		if (same_registrant(r, mr, &src)) {
			old = r;
			break;
		}
	if (old != NULL && reg_datalen(old) == datalen) {
		r = old;		/* a refresh in place, heap slot kept */
	} else if (old == &e->reg || (old == NULL && (e->reg.flags & RF_EMPTY))) {
		/* the inline slot, resized if the data length changed */
		if (old != NULL) {
			first_wall = old->first_wall;
			count = old->count;
		}
		if ((e = eid_resize(ms, t, e, datalen)) == NULL)
			return -1;
		r = &e->reg;
		if (r->flags & RF_EMPTY)
			ms->nregs++;
		r->flags = RF_INLINE;
		r->first_wall = first_wall;
		r->count = count;
	} else {
		/* an ETR of its own allocation, in place of its old one */
		if ((x = calloc(1, sizeof(*x) + datalen)) == NULL)
			return -1;
		x->eid = e;
		r = &x->reg;
		if (old != NULL) {
			r->first_wall = old->first_wall;
			r->count = old->count;
			for (pp = &e->reg.next; *pp != old; pp = &(*pp)->next)
				;
			r->next = old->next;
			*pp = r;
			reg_dequeue(ms, old);
			free(old);
		} else {
			r->first_wall = first_wall;
			r->next = e->reg.next;
			e->reg.next = r;
			ms->nregs++;
		}
	}
	reg_eid(r)->site = site;
	r->flags &= RF_INLINE;
	if (mr->flags & MREG_T) {
		r->flags |= RF_TTL;
		/* at most record-ttl-max: 0xffffffff minutes is 8,000 years */
		life = (uint64_t)(rec->ttl < tm->record_ttl_max ? rec->ttl :
		    tm->record_ttl_max) * 60000;
	} else
		life = (uint64_t)tm->registration_ttl * 1000;
	r->expire_ms = now + life;
	r->key_fp = kfp;
	r->last_wall = (uint32_t)wall_s();
	r->count++;
	r->ttl = rec->ttl;
	if (mr->flags & MREG_P)
		r->flags |= RF_PROXY;
	if (mr->flags & MREG_M)
		r->flags |= RF_NOTIFY;
	if (mr->flags & MREG_S)
		r->flags |= RF_SEC;
	if (mr->has_ids)
		r->flags |= RF_IDS;
	if (srclen == 16)
		r->flags |= RF_SRC6;
	r->src_port = port;
	r->nrlocs = rec->nrlocs;
	r->rlen = (uint16_t)rec->rlocs.len;
	d = reg_data(r);
	memcpy(d, srclen == 4 ? src.u.v4 : src.u.v6, srclen);
	d += srclen;
	if (mr->has_ids) {
		memcpy(d, mr->xtr_id, XTR_ID_LEN);
		put_u32(d + XTR_ID_LEN, (uint32_t)(mr->site_id >> 32));
		put_u32(d + XTR_ID_LEN + 4, (uint32_t)mr->site_id);
		d += IDS_DATA;
	}
	if (rec->rlocs.len > 0)
		memcpy(d, rec->rlocs.p, rec->rlocs.len);
	if (due_set(ms, r) == -1) {
		reg_free(ms, r);	/* it could never expire */
		return -1;
	}
	return 0;
}

/* -- Map-Register ---------------------------------------------------- */

static void
refuse(struct ms *ms, struct ms_site *site, const struct pkt *p,
    enum refusal why, const struct lisp_record *rec)
{
	char s[80], e[ADDR_STRLEN] = "";

	if (site != NULL)
		site->refused[why]++;
	ms->drops[refusal_drop[why]]++;
	if (rec != NULL)
		prefix_fmt(&rec->eid, rec->eid_mlen, e, sizeof(e));
	if (core_monitoring(ms->l))
		core_event(ms->l, "register", json_pack("{s:s, s:s, s:s, s:s, s:s}",
		    "event", "refused", "site", site != NULL ? site->name : "",
		    "from", sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    "reason", refusal_name[why], "eid_prefix", e));
	if (!log_limited_ok(&ms->logrl))
		return;
	log_warn("map-register from %s refused: site %s: %s%s%s",
	    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
	    site != NULL ? site->name : "(none)", refusal_name[why],
	    rec != NULL ? " " : "", e);
}

/* a new registrant of rec's prefix fits under registrants-per-prefix
 * (one that is registered already always does): many registrations of
 * one prefix, by an attacker holding the site's key, under distinct
 * xTR-IDs, would grow the MS without bound */
static int
registrant_fits(struct ms *ms, const struct pkt *p, const struct lisp_map_register *mr,
    const struct lisp_record *rec)
{
	struct ms_table	*t = table_of(ms, &rec->eid, 0);
	struct lisp_addr eid = rec->eid, src;
	struct ms_eid	*e;
	struct ms_reg	*r;
	int		 n = 0;

	addr_mask(&eid, rec->eid_mlen);
	if (t == NULL || (e = trie_exact(t->regs, addr_bytes(&eid), rec->eid_mlen)) == NULL ||
	    (e->reg.flags & RF_EMPTY))
		return 1;
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	for (r = &e->reg; r != NULL; r = r->next) {
		if (same_registrant(r, mr, &src))
			return 1;
		n++;
	}
	return n < ms->l->conf->registrants_per_prefix;
}

/* an RLOC that is one of our own addresses: requests forwarded to it
 * would come back to us (only an ETR here may register them) */
static int
rloc_own(struct ms *ms, const struct lisp_record *rec)
{
	struct rbuf		 rl = rec->rlocs;
	struct lisp_rloc	 loc;

	if (ms->l->conf->etr)
		return 0;
	while (rloc_next(&rl, &loc) == 1)
		if ((loc.addr.afi == AFI_IPV4 || loc.addr.afi == AFI_IPV6) &&
		    core_addr_local(ms->l, &loc.addr))
			return 1;
	return 0;
}

static int
rloc_allowed(const struct conf_site *cs, const struct lisp_record *rec)
{
	struct rbuf		 rl = rec->rlocs;
	struct lisp_rloc	 loc;
	struct conf_rloc	*cr;
	int			 ok;

	if (TAILQ_EMPTY(&cs->allowed_rlocs))
		return 1;
	while (rloc_next(&rl, &loc) == 1) {
		if (loc.addr.afi != AFI_IPV4 && loc.addr.afi != AFI_IPV6)
			continue;
		ok = 0;
		TAILQ_FOREACH(cr, &cs->allowed_rlocs, entry)
			if (addr_equal(&cr->addr, &loc.addr))
				ok = 1;
		if (!ok)
			return 0;
	}
	return 1;
}

/* the nat-rtr a packet came from, NULL if none */
static const struct conf_nat_rtr *
nat_rtr_of(const struct ms *ms, const struct pkt *p)
{
	const struct conf_nat_rtr	*r;
	struct lisp_addr		 src;

	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	TAILQ_FOREACH(r, &ms->l->conf->nat_rtrs, entry)
		if (addr_equal(&r->addr, &src))
			return r;
	return NULL;
}

/* the Map-Notify goes back to the sender; for a Map-Register an RTR
 * relayed in an ECM (NAT draft §5.2), in an ECM with R set, from the
 * inner destination to the inner source, for the RTR to pass on */
static void
send_notify(struct ms *ms, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_register *mr, const struct conf_key *key,
    struct auth_key *ak)
{
	uint8_t				 buf[MSMR_PKT_MAX * 2], ebuf[MSMR_PKT_MAX * 2 + 64];
	struct wbuf			 ew;
	struct wbuf			 w;
	struct lisp_map_register	 n;
	const struct conf_nat_rtr	*r;
	size_t				 len;
	int				 alen = auth_len(key->alg);

	if (alen < 0)
		return;
	memset(&n, 0, sizeof(n));
	n.type = LISP_MAP_NOTIFY;
	n.flags = mr->has_ids ? MNOT_I : 0;
	n.nonce = mr->nonce;
	n.key_id = key->key_id;
	n.alg_id = key->alg;
	n.auth_len = (uint16_t)alen;
	n.nrecords = mr->nrecords;
	n.has_ids = mr->has_ids;
	memcpy(n.xtr_id, mr->xtr_id, XTR_ID_LEN);
	n.site_id = mr->site_id;
	wbuf_init(&w, buf, sizeof(buf));
	map_register_encode_hdr(&w, &n);
	wbuf_bytes(&w, mr->records.p, mr->records.len);
	map_register_encode_trailer(&w, &n);
	if (w.err) {
		ms->drops[MS_DROP_NOTIFY_TOO_LARGE]++;
		return;
	}
	if ((ak != NULL ? auth_key_sign(ak, buf, w.len, MREG_AUTH_OFF,
	    (size_t)alen) : auth_sign(key->alg, key->secret, strlen(key->secret),
	    buf, w.len, MREG_AUTH_OFF, (size_t)alen)) == -1) {
		ms->drops[MS_DROP_NOTIFY_SIGNING_FAILED]++;
		return;
	}
	if (ecm == NULL) {
		locid_send(ms->l, (const struct sockaddr *)&p->src, buf, w.len);
		return;
	}
	wbuf_init(&ew, ebuf, sizeof(ebuf));
	ecm_encode(&ew, ECM_R, &ecm->dst, &ecm->src, LISP_CONTROL_PORT,
	    ecm->sport, buf, w.len);
	if (ew.err) {
		ms->drops[MS_DROP_NOTIFY_TOO_LARGE]++;
		return;
	}
	len = ew.len;
	/* with a key shared with the RTR: S and the MS-RTR authentication
	 * data over the Map-Notify (NAT draft §4.4) */
	if ((r = nat_rtr_of(ms, p)) != NULL && r->key.secret != NULL &&
	    ms->l->conf->ms_rtr_auth != MSRTR_AUTH_OFF) {
		if ((len = msrtr_ecm_sign(ebuf, ew.len, sizeof(ebuf), r->key.key_id,
		    r->key.alg, r->key.secret, strlen(r->key.secret), buf, w.len)) == 0) {
			ms->drops[MS_DROP_NOTIFY_SIGNING_FAILED]++;
			return;
		}
	}
	locid_send(ms->l, (const struct sockaddr *)&p->src, ebuf, len);
}

/* with the site's keyed MAC, or the secret when that could not be made */
static int
mac_ok(const struct conf_key *k, struct auth_key *ak,
    const struct lisp_map_register *mr, size_t len)
{
	if (ak != NULL)
		return auth_key_verify(ak, mr->msg.p, len, mr->auth_off,
		    mr->auth_len);
	return auth_verify(k->alg, k->secret, strlen(k->secret), mr->msg.p,
	    len, mr->auth_off, mr->auth_len);
}

static int
verify(const struct conf_key *k, struct auth_key *ak,
    const struct lisp_map_register *mr)
{
	if (mac_ok(k, ak, mr, mr->msg.len) == 1)
		return 1;
	/* RFC 9301 text: the MAC stops at the last RLOC-record */
	if (mr->has_ids && mr->trailing == 0 && mr->msg.len > IDS_LEN &&
	    mac_ok(k, ak, mr, mr->msg.len - IDS_LEN) == 1)
		return 1;
	return 0;
}

static void
ms_register_in(struct ms *ms, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_register *mr)
{
	struct conf		*c = ms->l->conf;
	struct rbuf		 recs = mr->records;
	struct lisp_record	 rec;
	struct ms_pfx		*pf;
	struct ms_site		*site = NULL;
	const struct conf_key	*key = NULL;
	struct auth_key		*ak = NULL;
	uint32_t		 kfp = 0;
	struct replay_id	 rid;
	struct lisp_addr	 src;
	enum replay_verdict	 rv;
	uint64_t		 now = now_ms(), digest = 0;
	int			 i, n, cfg_mlen, notify;
	char			 s[80], eb[ADDR_STRLEN];

	/* 1. the site, from the first record */
	if (record_next(&recs, &rec) != 1)
		return;
	if ((pf = pfx_find(ms, &rec.eid, rec.eid_mlen, &cfg_mlen)) == NULL) {
		ms->drops[MS_DROP_UNKNOWN_SITE]++;
		log_limited(&ms->logrl, "map-register from %s refused: no site for %s",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    prefix_fmt(&rec.eid, rec.eid_mlen, eb, sizeof(eb)));
		return;
	}
	site = pf->site;

	/* 2. authenticate before anything changes */
	for (i = 0; i < site->cs->nkeys; i++)
		if (site->cs->keys[i].key_id == mr->key_id &&
		    site->cs->keys[i].alg == mr->alg_id) {
			key = &site->cs->keys[i];
			ak = site->akeys[i];
			kfp = site->kfp[i];
		}
	if (key == NULL) {
		refuse(ms, site, p, REF_BAD_KEY_ID, NULL);
		return;
	}
	if (!verify(key, ak, mr)) {
		refuse(ms, site, p, REF_BAD_HMAC, NULL);
		return;
	}
	/* the authentication data is a MAC of the whole message: its first
	 * octets tell one message from another */
	memcpy(&digest, mr->msg.p + mr->auth_off,
	    mr->auth_len < sizeof(digest) ? mr->auth_len : sizeof(digest));
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	replay_id_make(&rid, key->key_id, mr->has_ids ? mr->xtr_id : NULL, &src);
	rv = replay_check(&site->replay, &rid, &src, mr->nonce, digest,
	    c->strict_register_nonce && mr->has_ids, now);
	if (rv == REPLAY_NONCE || rv == REPLAY_OTHER_SOURCE) {
		refuse(ms, site, p, rv == REPLAY_NONCE ? REF_REPLAY :
		    REF_REPLAY_ELSEWHERE, NULL);
		return;
	}

	/* 3. every record inside this site's prefixes */
	recs = mr->records;
	for (n = 0; record_next(&recs, &rec) == 1; n++) {
		if ((pf = pfx_find(ms, &rec.eid, rec.eid_mlen, &cfg_mlen)) == NULL) {
			refuse(ms, site, p, REF_OUTSIDE, &rec);
			return;
		}
		if (pf->site != site) {
			refuse(ms, site, p, REF_SPANS_SITES, &rec);
			return;
		}
		if (rec.eid_mlen > cfg_mlen && !pf->cp->accept_more_specifics) {
			refuse(ms, site, p, REF_MORE_SPECIFIC, &rec);
			return;
		}
		if (!rloc_allowed(site->cs, &rec)) {
			refuse(ms, site, p, REF_RLOC, &rec);
			return;
		}
		if (rec.ttl != 0 && rloc_own(ms, &rec)) {
			refuse(ms, site, p, REF_OWN_RLOC, &rec);
			return;
		}
		if (rec.ttl != 0 && !registrant_fits(ms, p, mr, &rec)) {
			refuse(ms, site, p, REF_TOO_MANY, &rec);
			return;
		}
	}

	/* 4. apply */
	notify = replay_accept(&site->replay, &rid, &src, mr->nonce, digest, rv,
	    now, MS_NOTIFY_RETRANSMIT_MS);
	recs = mr->records;
	while (record_next(&recs, &rec) == 1) {
		if (rec.ttl == 0 && !(mr->flags & MREG_T)) {
			/* Record TTL 0: withdraw this ETR's registration */
			struct ms_table *t = table_of(ms, &rec.eid, 0);
			struct lisp_addr ea = rec.eid;
			struct ms_eid *e;
			struct ms_reg *r;

			addr_mask(&ea, rec.eid_mlen);
			if (t != NULL && (e = trie_exact(t->regs, addr_bytes(&ea),
			    rec.eid_mlen)) != NULL)
				for (r = &e->reg; r != NULL; r = r->next)
					if (same_registrant(r, mr, &src)) {
						reg_free(ms, r);
						break;
					}
			ms_publish(ms, &rec.eid, rec.eid_mlen);
			continue;
		}
		if (rec.nbad > 0) {
			/* an LCAF we know that does not validate (a peer's
			 * draft layout): that locator is unusable, the rest
			 * of the registration stands */
			ms->drops[MS_DROP_MALFORMED_LOCATOR] += rec.nbad;
			if (log_limited_ok(&ms->logrl))
				log_warn("map-register from %s for %s: "
				    "%u locator(s) skipped: malformed LCAF (%s)",
				    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
				    prefix_fmt(&rec.eid, rec.eid_mlen,
				    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
				    rec.nbad, rec.bad_why);
		}
		if (reg_store(ms, site, p, mr, &rec, kfp, now) == -1) {
			ms->drops[MS_DROP_REGISTER_NO_MEMORY]++;
			return;
		}
		ms_publish(ms, &rec.eid, rec.eid_mlen);
	}
	site->accepted++;
	if (core_monitoring(ms->l))
		core_event(ms->l, "register", json_pack("{s:s, s:s, s:s, s:i, s:b}",
		    "event", "accepted", "site", site->name,
		    "from", sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    "records", mr->nrecords, "retransmission", rv == REPLAY_RETRANSMIT));
	if (ms->l->debug)	/* formatting costs as much as the rest */
		log_debug("map-register from %s accepted for site %s (%u records)",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    site->name, mr->nrecords);
	if (!(mr->flags & MREG_M))
		return;
	if (notify)
		send_notify(ms, p, ecm, mr, key, ak);
	else
		ms->drops[MS_DROP_NOTIFY_RETRANSMIT]++;
}

static void
ms_notify_ack_in(struct ms *ms, const struct pkt *p,
    const struct lisp_map_register *mr)
{
	/* only publications (pubsub.c) are acknowledged */
	if (pubsub_ack(ms->ps, p, mr))
		return;
	ms->drops[MS_DROP_NOTIFY_ACK_UNSOLICITED]++;
}

/* -- resolution ------------------------------------------------------ */

static int
rloc_cmp(const void *a, const void *b)
{
	return addr_cmp(&((const struct lisp_rloc *)a)->addr,
	    &((const struct lisp_rloc *)b)->addr);
}

/* the RLOCs of e's live registrations, each once, in address order */
static int
ms_locs(struct ms_eid *e, uint64_t now, struct lisp_rloc locs[255])
{
	struct lisp_rloc	 loc;
	struct ms_reg		*r;
	struct rbuf		 rl;
	int			 n = 0, i, dup;

	for (r = &e->reg; r != NULL; r = r->next) {
		if (!reg_alive(r, now))
			continue;
		rbuf_init(&rl, reg_rlocs(r), r->rlen);
		while (n < 255 && rloc_next(&rl, &loc) == 1) {
			for (dup = 0, i = 0; i < n; i++)
				if (addr_equal(&locs[i].addr, &loc.addr))
					dup = 1;
			if (dup)
				continue;
			loc.flags &= ~(RLOC_L | RLOC_p);
			locs[n++] = loc;
		}
	}
	qsort(locs, (size_t)n, sizeof(locs[0]), rloc_cmp);
	return n;
}

static int
send_proxy_reply(struct ms *ms, const struct pkt *p,
    const struct lisp_ecm *ecm, const struct lisp_map_request *mreq,
    struct ms_eid *e, uint64_t now, struct lsec_req *sr, int ebit)
{
	struct ls_prefix	 pfx;
	size_t			 len;
	struct lisp_rloc	 locs[255];
	struct lisp_record	 rec;
	struct lisp_map_reply	 rep;
	struct sockaddr_storage	 dst;
	uint8_t			 buf[MSMR_PKT_MAX * 2];
	struct wbuf		 w;
	int			 n, i;

	if (msmr_reply_dst(ms->l, p, ecm, mreq, &dst) == -1)
		return 1;
	n = ms_locs(e, now, locs);
	memset(&rep, 0, sizeof(rep));
	rep.nonce = mreq->nonce;
	rep.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = ms->l->conf->timers.map_cache_ttl;
	rec.nrlocs = (uint8_t)n;
	rec.eid_mlen = e->mlen;
	rec.act = n == 0 ? ACT_NATIVE_FORWARD : ACT_NO_ACTION;
	rec.auth = 0;
	eid_addr(e, &rec.eid);
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &rep);
	record_encode(&w, &rec);
	for (i = 0; i < n; i++)
		rloc_encode(&w, &locs[i]);
	len = w.len;
	if (!w.err && sr != NULL) {
		/* LISP-SEC: the Map-Server signs for the registered prefix */
		pfx.eid = rec.eid;
		pfx.mlen = rec.eid_mlen;
		len = lsec_reply_sign(sr, buf, len, sizeof(buf), &pfx, 1, ebit);
	}
	if (w.err || len == 0) {
		ms->drops[MS_DROP_REPLY_TOO_LARGE]++;
		return 1;
	}
	locid_send(ms->l, (struct sockaddr *)&dst, buf, len);
	return 1;
}

/* -- publish/subscribe (pubsub.c) ------------------------------------ */

/* the EID-record of eid/mlen as it stands: e's live RLOCs, or none
 * (natively-forward, unregistered-ttl) */
static size_t
ms_record(struct ms *ms, const struct lisp_addr *eid, int mlen,
    struct ms_eid *e, uint64_t now, uint8_t *buf, size_t cap)
{
	struct lisp_rloc	 locs[255];
	struct lisp_record	 rec;
	struct wbuf		 w;
	int			 n = e != NULL ? ms_locs(e, now, locs) : 0, i;

	memset(&rec, 0, sizeof(rec));
	rec.ttl = n > 0 ? ms->l->conf->timers.map_cache_ttl :
	    ms->l->conf->timers.unregistered_ttl;
	rec.nrlocs = (uint8_t)n;
	rec.eid_mlen = (uint8_t)mlen;
	rec.act = n == 0 ? ACT_NATIVE_FORWARD : ACT_NO_ACTION;
	rec.auth = 1;
	rec.eid = *eid;
	addr_mask(&rec.eid, mlen);
	wbuf_init(&w, buf, cap);
	record_encode(&w, &rec);
	for (i = 0; i < n; i++)
		rloc_encode(&w, &locs[i]);
	return w.err ? 0 : w.len;
}

/* the mapping of a registered prefix changed (or went) */
static void
ms_publish(struct ms *ms, const struct lisp_addr *eid, int mlen)
{
	struct ms_table	*t;
	struct ms_eid	*e = NULL;
	struct lisp_addr a = *eid;
	uint8_t		 buf[PUBSUB_REC_MAX];
	size_t		 n;

	if (ms->ps == NULL)
		return;
	addr_mask(&a, mlen);
	if ((t = table_of(ms, &a, 0)) != NULL)
		e = trie_exact(t->regs, addr_bytes(&a), mlen);
	if ((n = ms_record(ms, &a, mlen, e, now_ms(), buf, sizeof(buf))) > 0)
		pubsub_publish(ms->ps, &a, mlen, buf, n);
}

/* a request with I and N subscribes to the registered prefix holding the
 * EID, or to the configured one while nothing is registered there */
/* RFC 9437 §5: I, N and a single ITR-RLOC of AFI 0 end a subscription */
static int
is_unsubscribe(const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep)
{
	return mreq->has_ids && (ep->flags & MREQ_REC_N) && mreq->nitr == 1 &&
	    mreq->itr[0].afi == AFI_NONE;
}

static void
ms_subscribe(struct ms *ms, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep)
{
	struct ms_table	*t = table_of(ms, &ep->eid, 0);
	struct ms_eid	*e;
	struct ms_reg	*r;
	struct lisp_addr a, src;
	uint8_t		 buf[PUBSUB_REC_MAX];
	uint64_t	 now = now_ms();
	size_t		 n;
	int		 mlen, alive = 0;

	if (ms->ps == NULL || !mreq->has_ids || !(ep->flags & MREQ_REC_N) ||
	    t == NULL)
		return;
	if ((e = trie_lookup_prefix(t->regs, addr_bytes(&ep->eid), ep->mlen,
	    &mlen)) != NULL)
		for (r = &e->reg; r != NULL; r = r->next)
			alive |= reg_alive(r, now);
	if (e == NULL || !alive) {
		e = NULL;
		if (trie_lookup_prefix(t->sites, addr_bytes(&ep->eid), ep->mlen,
		    &mlen) == NULL)
			return;
	}
	a = ep->eid;
	addr_mask(&a, mlen);
	if (is_unsubscribe(mreq, ep)) {
		/* the source RLOC: inside the ECM, the ITR's own */
		if (ecm != NULL)
			src = ecm->src;
		else
			addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
		pubsub_unsubscribe(ms->ps, &src, mreq, &a, mlen);
		return;
	}
	if ((n = ms_record(ms, &a, mlen, e, now, buf, sizeof(buf))) > 0)
		pubsub_subscribe(ms->ps, p, mreq, &a, mlen, buf, n);
}

/* one registered ETR RLOC to forward to: lowest priority, reachable first */
static int
pick_etr(struct ms *ms, struct ms_eid *e, uint64_t now, int sec,
    struct lisp_addr *out, struct ms_reg **by)
{
	struct ms_reg		*r;
	struct rbuf		 rl;
	struct lisp_rloc	 loc;
	int			 best = -1, score;

	for (r = &e->reg; r != NULL; r = r->next) {
		if (!reg_alive(r, now) || (sec && !(r->flags & RF_SEC)))
			continue;
		rbuf_init(&rl, reg_rlocs(r), r->rlen);
		while (rloc_next(&rl, &loc) == 1) {
			if (loc.priority == 255 || !core_can_send(ms->l, &loc.addr))
				continue;
			score = loc.priority * 2 + ((loc.flags & RLOC_R) ? 0 : 1);
			if (best == -1 || score < best) {
				best = score;
				*out = loc.addr;
				*by = r;
			}
		}
	}
	return best == -1 ? -1 : 0;
}

/* the key of site s a registration was made with, NULL if s no longer
 * has it */
static const struct conf_key *
reg_key(const struct ms_site *s, const struct ms_reg *r)
{
	int i;

	for (i = 0; i < s->cs->nkeys; i++)
		if (s->kfp[i] == r->key_fp)
			return &s->cs->keys[i];
	return NULL;
}

/*
 * a protected (LISP-SEC) Map-Request for a registered prefix, RFC 9303
 * Table 1: an ETR that registered with P is answered for by us, signed
 * (E clear); else the request goes, re-signed with the EID-AD and the
 * MS-OTK wrapped with the site key, to an ETR that registered with S (E
 * set when others did not). where no registered ETR signs, the RFC
 * sends a signed negative answer with E set so that the ITR asks again
 * without LISP-SEC; we answer for the registered mapping instead,
 * signed, with E set: the same information one round trip sooner, and
 * still vouched for by the Map-Server.
 */
static int
ms_resolve_sec(struct ms *ms, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, struct ms_eid *e, uint64_t now,
    struct lsec_req *sr, int proxy, int signers, int plain, int *forwarded)
{
	const struct conf_key	*k;
	struct ls_prefix	 pfx;
	struct lisp_addr	 etr;
	struct ms_reg		*by = NULL;
	struct sockaddr_storage	 dst;
	uint8_t			 buf[MSMR_PKT_MAX * 2];
	size_t			 len;
	int			 rv;

	if (proxy || e->site->cs->force_proxy_reply) {
		*forwarded |= RESOLVED_PROXY;
		rv = send_proxy_reply(ms, p, ecm, mreq, e, now, sr, 0);
	} else if (signers == 0 || pick_etr(ms, e, now, 1, &etr, &by) == -1 ||
	    (k = reg_key(e->site, by)) == NULL) {
		*forwarded |= RESOLVED_PROXY;
		rv = send_proxy_reply(ms, p, ecm, mreq, e, now, sr, 1);
	} else {
		eid_addr(e, &pfx.eid);
		pfx.mlen = e->mlen;
		*forwarded |= RESOLVED_FORWARDED;
		rv = 1;
		/* not to ourselves (issue 9, attack 5), as msmr_forward */
		if (core_addr_local(ms->l, &etr) && !ms->l->conf->etr) {
			core_drop(ms->l, CORE_DROP_FORWARD_TO_OURSELVES);
			log_limited(core_logrl(ms->l), "forward of a map-request to %s "
			    "refused: an address of this node", addr_fmt(&etr,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		} else if ((len = lsec_forward_build(sr, ecm, ECM_E, k, &pfx, 1,
		    plain > 0, buf, sizeof(buf))) == 0)
			core_drop(ms->l, CORE_DROP_ECM_ENCODE_FAILED);
		else {
			sockaddr_from_addr(&dst, &etr, LISP_CONTROL_PORT);
			locid_send(ms->l, (struct sockaddr *)&dst, buf, len);
		}
	}
	explicit_bzero(sr, sizeof(*sr));
	return rv;
}

static int
ms_resolve(struct ms *ms, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep,
    int *forwarded)
{
	const struct conf_timers *tm = &ms->l->conf->timers;
	struct ms_table	*t = table_of(ms, &ep->eid, 0);
	struct ms_eid	*e;
	struct ms_reg	*r;
	struct ms_pfx	*pf;
	struct lisp_addr etr, neg;
	const uint8_t	*key;
	uint64_t	 now = now_ms();
	int		 mlen, cfg_mlen, proxy = 0, alive = 0, nl, sec, signers = 0,
			 plain = 0;
	struct lsec_req	 sr;
	struct ms_reg	*by = NULL;
	const char	*why;

	if (t == NULL)
		return 0;
	ms_subscribe(ms, p, ecm, mreq, ep);
	if (is_unsubscribe(mreq, ep))
		return 1;	/* nobody to answer: the removal's Map-Notify is the answer */
	key = addr_bytes(&ep->eid);
	e = trie_lookup_prefix(t->regs, key, ep->mlen, &mlen);
	if (e != NULL) {
		for (r = &e->reg; r != NULL; r = r->next)
			if (reg_alive(r, now)) {
				alive = 1;
				proxy |= (r->flags & RF_PROXY) != 0;
				if (r->flags & RF_SEC)
					signers++;
				else
					plain++;
			}
	}
	if (e != NULL && alive) {
		/* a protected request is opened once per message: its one
		 * answer or forward covers every record */
		if (ecm != NULL && (ecm->flags & ECM_S) &&
		    (*forwarded & (RESOLVED_PROXY | RESOLVED_FORWARDED)))
			return 1;
		if ((sec = lsec_req_open(ms->l->conf, ecm, mreq->nonce, &sr, &why)) == -1) {
			msmr_lsec_refused(ms->l, p, why);
			return 1;
		}
		if (sec == 1)
			return ms_resolve_sec(ms, p, ecm, mreq, e, now, &sr, proxy,
			    signers, plain, forwarded);
		/* one proxy reply per message (with nothing to forward to,
		 * the MS answers for the ETRs) */
		if (proxy || e->site->cs->force_proxy_reply ||
		    pick_etr(ms, e, now, 0, &etr, &by) == -1) {
			if (*forwarded & RESOLVED_PROXY)
				return 1;
			*forwarded |= RESOLVED_PROXY;
			return send_proxy_reply(ms, p, ecm, mreq, e, now, NULL, 0);
		}
		/* one ECM per message: the ETR answers every record of it
		 * that it holds (issue 9: 8 records made 8 copies) */
		if (!(*forwarded & RESOLVED_FORWARDED))
			msmr_forward(ms->l, p, ecm, ep, &etr, ECM_E);
		*forwarded |= RESOLVED_FORWARDED;
		return 1;
	}
	pf = trie_lookup_prefix(t->sites, key, ep->mlen, &cfg_mlen);
	if (pf == NULL)
		return 0;
	/* configured, not registered: the configured prefix, or with
	 * registered more-specifics the coarsest part of it without one */
	neg = ep->eid;
	mlen = cfg_mlen;
	if ((nl = trie_negative(t->regs, key)) > mlen)
		mlen = nl;
	addr_mask(&neg, mlen);
	/* one negative answer per message from the MS (an 8-record request
	 * for configured, unregistered space made 8 replies) */
	if (*forwarded & RESOLVED_NEGATIVE)
		return 1;
	*forwarded |= RESOLVED_NEGATIVE;
	msmr_send_negative(ms->l, p, ecm, mreq, &neg, mlen,
	    tm->unregistered_ttl, ACT_NATIVE_FORWARD);
	return 1;
}

/* a DDT Map-Request (RFC 8111 §7.3.1): a registered EID is resolved as
 * from a Map-Resolver and the DDT client gets MS-ACK; a configured one
 * without registration MS-NOT-REGISTERED (the coarsest unregistered part
 * of the site prefix); anything else NOT-AUTHORITATIVE. the referral set
 * is this Map-Server alone, so I is set: the client keeps the parent's
 * MS-REFERRAL rather than this answer */
static void
ms_ddt_answer(struct ms *ms, const struct msg_in *m,
    const struct lisp_eid_prefix *ep, int *forwarded)
{
	struct ms_table		*t = table_of(ms, &ep->eid, 0);
	struct ms_eid		*e = NULL;
	struct ms_reg		*r;
	struct referral_build	 b;
	struct lisp_addr	 self;
	const uint8_t		*key = addr_bytes(&ep->eid);
	uint64_t		 now = now_ms();
	int			 mlen, cfg_mlen, nl, alive = 0;

	memset(&b, 0, sizeof(b));
	b.nonce = m->mreq->nonce;
	b.incomplete = 1;
	if (addr_from_sockaddr(&self, (const struct sockaddr *)&m->pkt->dst,
	    NULL) == 0 && (self.afi == AFI_IPV4 || self.afi == AFI_IPV6)) {
		b.rlocs = &self;
		b.nrlocs = 1;
	}
	if (t != NULL && (e = trie_lookup_prefix(t->regs, key, ep->mlen, &mlen)) != NULL)
		for (r = &e->reg; r != NULL; r = r->next)
			alive |= reg_alive(r, now);
	if (e != NULL && alive) {
		ms_resolve(ms, m->pkt, m->ecm, m->mreq, ep, forwarded);
		eid_addr(e, &b.eid);
		b.mlen = e->mlen;
		b.act = REF_MS_ACK;
		b.ttl = DDT_TTL_REFERRAL;
	} else if (t != NULL && trie_lookup_prefix(t->sites, key, ep->mlen,
	    &cfg_mlen) != NULL) {
		b.mlen = cfg_mlen;
		if ((nl = trie_negative(t->regs, key)) > b.mlen)
			b.mlen = nl;
		b.eid = ep->eid;
		addr_mask(&b.eid, b.mlen);
		b.act = REF_MS_NOT_REGISTERED;
		b.ttl = ms->l->conf->timers.unregistered_ttl;
	} else {
		b.eid = ep->eid;
		b.mlen = ep->mlen;
		addr_mask(&b.eid, b.mlen);
		b.act = REF_NOT_AUTHORITATIVE;
		b.ttl = DDT_TTL_NOT_AUTH;
		b.nrlocs = 0;
	}
	if (ddt_referral_send(ms->l, (const struct sockaddr *)&m->pkt->src, &b) == 0)
		ms->ddt_sent[b.act]++;
}

static int
ms_rx_ddt(void *o, const struct msg_in *m)
{
	struct ms		*ms = o;
	struct rbuf		 recs = m->mreq->records;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 src;
	uint32_t		 pps = ms->l->conf->ratelimit_pps;
	int			 n = 0, bits, forwarded = 0;
	char			 s[80];

	/* what the Map-Resolver limits for plain requests, per requester
	 * and per ITR-RLOC answered (forwarded to, proxy-replied to) */
	addr_from_sockaddr(&src, (const struct sockaddr *)&m->pkt->src, NULL);
	if (!ddt_rl_take(ms->ddt_rl, &src, pps)) {
		ms->drops[MS_DROP_DDT_RATE_LIMIT]++;
		if (log_limited_ok(&ms->logrl))
			log_warn("ddt map-requests from %s over the rate limit",
			    sa_fmt((const struct sockaddr *)&m->pkt->src, s, sizeof(s)));
		return 1;
	}
	if (m->mreq->nitr > 0 && !ddt_rl_take(ms->ddt_rl_itr, &m->mreq->itr[0], pps)) {
		ms->drops[MS_DROP_DDT_ITR_RATE_LIMIT]++;
		return 1;
	}

	while (mreq_record_next(&recs, &ep) == 1 && ++n <= DDT_MAX_RECORDS) {
		if ((bits = addr_bits(&ep.eid)) == 0 || addr_bytes(&ep.eid) == NULL ||
		    ep.eid.afi == AFI_MAC || ep.eid.afi == AFI_MAC_IEEE)
			continue;
		if (ep.mlen > bits)
			ep.mlen = (uint8_t)bits;
		ms_ddt_answer(ms, m, &ep, &forwarded);
	}
	return 1;
}

static struct trie *
ms_site_trie(struct ms *ms, uint32_t iid, int afi_bits)
{
	struct ms_table *t = table_get(ms, iid, afi_bits, 0);

	return t != NULL ? t->sites : NULL;
}

/* -- lifecycle ------------------------------------------------------- */

static void
free_pfx(void *v)
{
	free(v);
}

static void
tables_clear_sites(struct ms *ms)
{
	struct ms_table *t;

	for (t = ms->tables; t != NULL; t = t->next) {
		trie_free(t->sites, free_pfx);
		t->sites = trie_new(t->bits);
	}
}

/* (re)make the keyed MAC and the fingerprint of every key of the site
 * (registrations and forwards find their key by it); a key that cannot
 * be made is verified through auth_verify with its secret */
static void
site_keys(struct ms_site *s)
{
	const struct conf_key	*k;
	int			 i;

	for (i = 0; i < 4; i++) {
		auth_key_free(s->akeys[i]);
		s->akeys[i] = NULL;
		s->kfp[i] = 0;
		if (i >= s->cs->nkeys)
			continue;
		k = &s->cs->keys[i];
		s->akeys[i] = auth_key_new(k->alg, k->secret, strlen(k->secret));
		s->kfp[i] = key_fp(k);
	}
}

static int
sites_load(struct ms *ms)
{
	struct conf_site	*cs;
	struct conf_prefix	*cp;
	struct ms_site		*s;
	struct ms_table		*t;
	struct ms_pfx		*pf;
	void			*old;

	TAILQ_FOREACH(s, &ms->sites, entry)
		s->seen = 0;
	TAILQ_FOREACH(cs, &ms->l->conf->sites, entry) {
		if ((s = site_find(ms, cs->name)) == NULL) {
			if ((s = calloc(1, sizeof(*s))) == NULL)
				return -1;
			s->name = strdup(cs->name);
			TAILQ_INSERT_TAIL(&ms->sites, s, entry);
		}
		s->cs = cs;
		s->seen = 1;
		site_keys(s);
		TAILQ_FOREACH(cp, &cs->prefixes, entry) {
			if ((t = table_of(ms, &cp->eid, 1)) == NULL ||
			    (pf = calloc(1, sizeof(*pf))) == NULL)
				return -1;
			pf->site = s;
			pf->cp = cp;
			if (trie_insert(t->sites, addr_bytes(&cp->eid), cp->mlen,
			    pf, &old) == -1) {
				free(pf);
				return -1;
			}
			free(old);	/* a prefix configured twice: last wins */
		}
	}
	return 0;
}

static void	ms_free(struct ms *);
static const struct resolver ms_resolver;

static struct ms *
ms_new(struct locid *l)
{
	struct ms	*ms;

	if ((ms = calloc(1, sizeof(*ms))) == NULL) {
		log_warn("ms: out of memory");
		return NULL;
	}
	ms->l = l;
	log_limiter_init(&ms->logrl, l->conf);
	TAILQ_INIT(&ms->sites);
	ms->armed_ms = UINT64_MAX;
	if ((ms->timer = locid_timer_new(l, ms_timer, ms)) == NULL ||
	    sites_load(ms) == -1) {
		log_warn("ms: out of memory loading sites");
		ms_free(ms);
		return NULL;
	}
	ms->ps = pubsub_new(l);
	ms->ddt_rl = ddt_rl_new();
	ms->ddt_rl_itr = ddt_rl_new();
	core_resolver_set(l, &ms_resolver, ms);
	return ms;
}

struct stale {
	struct ms	*ms;
	struct ms_eid	**v;
	size_t		 n, cap;
	struct ms_reg	**r;		/* registrations made with a key now gone */
	size_t		 nr, capr;
};

/* append r to a growing list; -1 when out of memory */
static int
regs_push(struct ms_reg ***v, size_t *n, size_t *cap, struct ms_reg *r)
{
	void *nv;

	if (*n == *cap) {
		*cap = *cap ? *cap * 2 : 64;
		if ((nv = realloc(*v, *cap * sizeof(**v))) == NULL)
			return -1;
		*v = nv;
	}
	(*v)[(*n)++] = r;
	return 0;
}

static int
collect_stale(const uint8_t *key, int plen, void *val, void *arg)
{
	struct stale	*st = arg;
	struct ms_eid	*e = val;
	struct ms_pfx	*pf;
	struct lisp_addr a;
	int		 cfg_mlen;
	void		*nv;

	eid_addr(e, &a);
	pf = pfx_find(st->ms, &a, e->mlen, &cfg_mlen);
	if (pf != NULL && pf->site == e->site &&
	    (cfg_mlen == e->mlen || pf->cp->accept_more_specifics)) {
		struct ms_reg *r;

		/* the prefix stays: its registrations made with a key the
		 * reload revoked go (a stolen key stops working at once) */
		for (r = &e->reg; r != NULL; r = r->next) {
			if ((r->flags & RF_EMPTY) || reg_key(e->site, r) != NULL)
				continue;
			if (regs_push(&st->r, &st->nr, &st->capr, r) == -1)
				return 1;
		}
		return 0;
	}
	if (st->n == st->cap) {
		st->cap = st->cap ? st->cap * 2 : 64;
		if ((nv = realloc(st->v, st->cap * sizeof(*st->v))) == NULL)
			return 1;
		st->v = nv;
	}
	st->v[st->n++] = e;
	return 0;
}

static void
site_free(struct ms_site *s)
{
	int i;

	replay_free(&s->replay);
	for (i = 0; i < 4; i++)
		auth_key_free(s->akeys[i]);
	free(s->name);
	free(s);
}

static int
ms_reconf(struct ms *ms, char *err, size_t errlen)
{
	struct ms_site	*s, *ns;
	struct ms_table	*t;
	struct stale	 st = { ms, NULL, 0, 0, NULL, 0, 0 };
	size_t		 i;

	tables_clear_sites(ms);
	log_limiter_init(&ms->logrl, ms->l->conf);
	/* subscriptions stay while a pubsub-key is configured */
	if (ms->l->conf->pubsub_key.secret == NULL) {
		pubsub_free(ms->ps);
		ms->ps = NULL;
	} else if (ms->ps == NULL)
		ms->ps = pubsub_new(ms->l);
	if (sites_load(ms) == -1) {
		snprintf(err, errlen, "out of memory loading the sites");
		return -1;
	}
	/* registrations no longer inside a prefix of their (surviving) site */
	for (t = ms->tables; t != NULL; t = t->next)
		trie_walk(t->regs, collect_stale, &st);
	for (i = 0; i < st.n; i++)
		eid_drop(ms, st.v[i]);
	free(st.v);
	/* a prefix entry goes only with its last registration, after every
	 * one of it in the list: the order is safe */
	if (st.nr > 0)
		log_info("ms: %zu registration(s) made with a revoked key removed", st.nr);
	for (i = 0; i < st.nr; i++)
		reg_free(ms, st.r[i]);
	free(st.r);
	for (s = TAILQ_FIRST(&ms->sites); s != NULL; s = ns) {
		ns = TAILQ_NEXT(s, entry);
		if (!s->seen) {
			TAILQ_REMOVE(&ms->sites, s, entry);
			site_free(s);
		}
	}
	i = 0;
	TAILQ_FOREACH(s, &ms->sites, entry)
		i++;
	log_info("ms: %zu sites, %llu registrations kept", i,
	    (unsigned long long)ms->nregs);
	return 0;
}

/* a prefix entry and its other ETRs, with everything going away */
static void
free_eid(void *v)
{
	struct ms_eid	*e = v;
	struct ms_reg	*r, *nr;

	for (r = e->reg.next; r != NULL; r = nr) {
		nr = r->next;
		free(r);
	}
	free(e);
}

static void
ms_free(struct ms *ms)
{
	struct ms_site	*s;
	struct ms_table	*t;
	void		*cur;

	if (ms == NULL)
		return;
	if (core_resolver(ms->l, &cur) == &ms_resolver && cur == ms)
		core_resolver_set(ms->l, NULL, NULL);
	pubsub_free(ms->ps);
	ddt_rl_free(ms->ddt_rl);
	ddt_rl_free(ms->ddt_rl_itr);
	locid_timer_free(ms->timer);
	free(ms->due);
	while ((t = ms->tables) != NULL) {
		ms->tables = t->next;
		trie_free(t->sites, free_pfx);
		trie_free(t->regs, free_eid);
		free(t);
	}
	while ((s = TAILQ_FIRST(&ms->sites)) != NULL) {
		TAILQ_REMOVE(&ms->sites, s, entry);
		site_free(s);
	}
	free(ms);
}

/* -- show site ------------------------------------------------------- */

static json_t *
reg_json(struct ms_reg *r, uint64_t now)
{
	json_t			*o, *locs;
	struct rbuf		 rl;
	struct lisp_rloc	 loc;
	struct lisp_addr	 src;
	char			 a[ADDR_STRLEN], x[XTR_ID_LEN * 2 + 3];
	int			 i;

	reg_src(r, &src);
	addr_fmt(&src, a, sizeof(a));
	o = json_object();
	json_object_set_new(o, "source", json_string(a));
	json_object_set_new(o, "source_port", json_integer(r->src_port));
	if (r->flags & RF_IDS) {
		const uint8_t *ids = reg_data(r) + reg_srclen(r);

		strcpy(x, "0x");
		for (i = 0; i < XTR_ID_LEN; i++)
			snprintf(x + 2 + 2 * i, 3, "%02x", ids[i]);
		json_object_set_new(o, "xtr_id", json_string(x));
		json_object_set_new(o, "site_id", json_integer((json_int_t)
		    ((uint64_t)get_u32(ids + XTR_ID_LEN) << 32 |
		    get_u32(ids + XTR_ID_LEN + 4))));
	}
	json_object_set_new(o, "proxy_reply", json_boolean(r->flags & RF_PROXY));
	json_object_set_new(o, "want_map_notify", json_boolean(r->flags & RF_NOTIFY));
	json_object_set_new(o, "lisp_sec", json_boolean(r->flags & RF_SEC));
	json_object_set_new(o, "ttl_is_lifetime", json_boolean(r->flags & RF_TTL));
	json_object_set_new(o, "ttl", json_integer(r->ttl));
	json_object_set_new(o, "expires_in", json_integer(
	    (json_int_t)((r->expire_ms - now + 999) / 1000)));
	json_object_set_new(o, "first_register", json_integer(r->first_wall));
	json_object_set_new(o, "last_register", json_integer(r->last_wall));
	json_object_set_new(o, "last_register_ago", json_integer(
	    (json_int_t)(wall_s() - r->last_wall)));
	json_object_set_new(o, "registers", json_integer(r->count));
	locs = json_array();
	rbuf_init(&rl, reg_rlocs(r), r->rlen);
	while (rloc_next(&rl, &loc) == 1) {
		json_array_append_new(locs, json_pack("{s:s, s:i, s:i, s:i, s:i, s:b, s:b}",
		    "address", addr_fmt(&loc.addr, a, sizeof(a)),
		    "priority", loc.priority, "weight", loc.weight,
		    "mpriority", loc.mpriority, "mweight", loc.mweight,
		    "reachable", (loc.flags & RLOC_R) != 0,
		    "local", (loc.flags & RLOC_L) != 0));
	}
	json_object_set_new(o, "locators", locs);
	return o;
}

static json_t *
row_json(struct ms_site *s, const struct lisp_addr *eid, int mlen,
    int configured, struct ms_eid *e, int detail, uint64_t now)
{
	json_t		*o, *regs;
	struct ms_reg	*r, *last = NULL;
	char		 p[ADDR_STRLEN], a[ADDR_STRLEN + 8];
	struct lisp_addr src;
	int		 n = 0, i;

	o = json_object();
	json_object_set_new(o, "site", json_string(s->name));
	json_object_set_new(o, "eid_prefix", json_string(prefix_fmt(eid, mlen, p, sizeof(p))));
	json_object_set_new(o, "iid", json_integer(eid_iid(eid)));
	json_object_set_new(o, "configured", json_boolean(configured));
	regs = json_array();
	for (r = e != NULL ? &e->reg : NULL; r != NULL; r = r->next) {
		if (!reg_alive(r, now))
			continue;
		n++;
		if (last == NULL || r->last_wall >= last->last_wall)
			last = r;
		if (detail)
			json_array_append_new(regs, reg_json(r, now));
	}
	json_object_set_new(o, "registered", json_boolean(n > 0));
	json_object_set_new(o, "registrations", json_integer(n));
	if (last != NULL) {
		reg_src(last, &src);
		addr_fmt(&src, p, sizeof(p));
		snprintf(a, sizeof(a), "%s", p);
		json_object_set_new(o, "last_register", json_integer(last->last_wall));
		json_object_set_new(o, "last_register_ago", json_integer(
		    (json_int_t)(wall_s() - last->last_wall)));
		json_object_set_new(o, "who_last_registered", json_string(a));
	} else {
		json_object_set_new(o, "last_register", json_null());
		json_object_set_new(o, "who_last_registered", json_null());
	}
	if (detail) {
		json_t *ref = json_object();

		json_object_set_new(o, "details", regs);
		for (i = 0; i < REF_MAX; i++)
			if (s->refused[i] != 0)
				json_object_set_new(ref, refusal_name[i],
				    json_integer((json_int_t)s->refused[i]));
		json_object_set_new(o, "site_registers_accepted",
		    json_integer((json_int_t)s->accepted));
		json_object_set_new(o, "site_refused", ref);
		if (s->cs->description != NULL)
			json_object_set_new(o, "description",
			    json_string(s->cs->description));
		json_object_set_new(o, "force_proxy_reply",
		    json_boolean(s->cs->force_proxy_reply));
		json_object_set_new(o, "accept_more_specifics", json_false());
	} else
		json_decref(regs);
	return o;
}

/* the streamed form of show site: rows a chunk at a time; the cursor holds
 * ordinals and a key, so a reload between chunks cannot leave it dangling
 * (rows may then be skipped or repeated, never invalid) */
struct site_cursor {
	int		 site, pfx;	/* ordinals */
	int		 in_more;	/* walking the prefix's more-specifics */
	uint8_t		 key[16];
	int		 plen;
};

struct site_walk {
	struct ms_site		*site;
	struct conf_prefix	*cp;
	struct site_cursor	*sc;
	struct ctl_stream	*st;
	int			 detail, full;
	uint64_t		 now;
};

static int
site_more_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct site_walk	*w = arg;
	struct ms_eid		*e = val;
	struct lisp_addr	 a;

	eid_addr(e, &a);
	if (!addr_prefix_covers(&w->cp->eid, w->cp->mlen, &a))
		return 2;	/* past the prefix: done with it */
	memcpy(w->sc->key, key, sizeof(w->sc->key));
	w->sc->plen = plen;
	if (e->site == w->site && e->mlen > w->cp->mlen &&
	    !ctl_stream_item(w->st, row_json(w->site, &a, e->mlen, 0, e,
	    w->detail, w->now))) {
		w->full = 1;
		return 1;
	}
	return 0;
}

static int
ms_stream_site(void *o, json_t *args, struct ctl_stream *st, void **cursor,
    char *err, size_t errlen)
{
	struct ms		*ms = o;
	const char		*name = json_string_value(json_object_get(args, "name"));
	struct site_cursor	*sc = *cursor;
	struct site_walk	 w;
	struct ms_site		*s;
	struct conf_prefix	*cp;
	struct ms_table		*t;
	struct ms_eid		*e;
	json_t			*row;
	int			 i, j, more, rv;

	if (sc == NULL) {
		if (name != NULL && site_find(ms, name) == NULL) {
			snprintf(err, errlen, "no site named \"%s\"", name);
			return -1;
		}
		if ((sc = calloc(1, sizeof(*sc))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		*cursor = sc;
	}
	memset(&w, 0, sizeof(w));
	w.sc = sc;
	w.st = st;
	w.detail = json_is_true(json_object_get(args, "detail"));
	w.now = now_ms();
	i = 0;
	TAILQ_FOREACH(s, &ms->sites, entry) {
		if (i++ < sc->site)
			continue;
		if (name != NULL && strcmp(name, s->name) != 0) {
			sc->site++;
			continue;
		}
		j = 0;
		TAILQ_FOREACH(cp, &s->cs->prefixes, entry) {
			if (j++ < sc->pfx)
				continue;
			t = table_of(ms, &cp->eid, 0);
			if (!sc->in_more) {
				e = t != NULL ? trie_exact(t->regs, addr_bytes(&cp->eid),
				    cp->mlen) : NULL;
				row = row_json(s, &cp->eid, cp->mlen, 1, e, w.detail, w.now);
				if (w.detail)
					json_object_set_new(row, "accept_more_specifics",
					    json_boolean(cp->accept_more_specifics));
				more = ctl_stream_item(st, row);
				if (cp->accept_more_specifics && t != NULL) {
					sc->in_more = 1;
					memset(sc->key, 0, sizeof(sc->key));
					memcpy(sc->key, addr_bytes(&cp->eid),
					    (size_t)(addr_bits(&cp->eid) + 7) / 8);
					sc->plen = cp->mlen;
				} else
					sc->pfx++;
				if (!more)
					return 1;
			}
			if (sc->in_more) {
				w.site = s;
				w.cp = cp;
				rv = trie_walk_after(t->regs, sc->key, sc->plen,
				    site_more_cb, &w);
				if (rv == 1)
					return 1;	/* chunk full: resume here */
				sc->in_more = 0;
				sc->pfx++;
			}
		}
		sc->site++;
		sc->pfx = 0;
	}
	return 0;
}

/* -- the role ---------------------------------------------------------- */

static int
ms_rx_register(void *o, const struct msg_in *m)
{
	ms_register_in(o, m->pkt, NULL, m->reg);
	return 1;
}

/* a Map-Register relayed by an RTR (ECM with N): only from a nat-rtr */
/* the MS-RTR authentication data of a Map-Register an RTR relayed, when
 * we share a key with it: checked when present (ms-rtr-auth on), and
 * required (ms-rtr-auth required); 0 refused */
static int
relay_auth_ok(struct ms *ms, const struct msg_in *m, const struct conf_nat_rtr *r)
{
	const struct lisp_ecm	*ecm = m->ecm;
	struct msrtr_ad		 ad;
	const char		*why = "invalid mac";
	char			 s[80];
	enum ms_drop		 d;

	if (r->key.secret == NULL || ms->l->conf->ms_rtr_auth == MSRTR_AUTH_OFF)
		return 1;
	if (!(ecm->flags & ECM_S) || ecm->sec.len == 0) {
		if (ms->l->conf->ms_rtr_auth != MSRTR_AUTH_REQUIRED)
			return 1;
		d = MS_DROP_RELAY_WITHOUT_MSRTR_AUTH;
		why = "no ms-rtr auth data (ms-rtr-auth required)";
	} else if (msrtr_ad_decode(&ecm->sec, &ad, &why) == 0 &&
	    msrtr_ad_verify(&ad, r->key.key_id, r->key.alg, r->key.secret,
	    strlen(r->key.secret), ecm->inner.p, ecm->inner.len) == 1)
		return 1;
	else
		d = MS_DROP_RELAY_MSRTR_AUTH_INVALID;
	ms->drops[d]++;
	log_limited(&ms->logrl, "relayed map-register from %s dropped: %s",
	    sa_fmt((const struct sockaddr *)&m->pkt->src, s, sizeof(s)), why);
	return 0;
}

static int
ms_rx_ecm_register(void *o, const struct msg_in *m)
{
	struct ms			*ms = o;
	const struct conf_nat_rtr	*r;
	char				 s[80];

	if (!(m->ecm->flags & ECM_N))
		return 0;	/* for an RTR to relay */
	if ((r = nat_rtr_of(ms, m->pkt)) == NULL) {
		ms->drops[MS_DROP_ECM_REGISTER_NOT_FROM_RTR]++;
		log_limited(&ms->logrl, "ecm'd map-register from %s dropped: not "
		    "relayed by a nat-rtr", sa_fmt((const struct sockaddr *)&m->pkt->src,
		    s, sizeof(s)));
		return 1;
	}
	if (!relay_auth_ok(ms, m, r))
		return 1;
	ms_register_in(ms, m->pkt, m->ecm, m->reg);
	return 1;
}

static int
ms_rx_notify_ack(void *o, const struct msg_in *m)
{
	ms_notify_ack_in(o, m->pkt, m->reg);
	return 1;
}

static int
ms_wanted(const struct conf *c)
{
	return c->map_server;
}

static void *
ms_role_new(struct locid *l)
{
	return ms_new(l);
}

static int
ms_role_reconf(void *o, char *err, size_t errlen)
{
	return ms_reconf(o, err, errlen);
}

static void
ms_role_free(void *o)
{
	ms_free(o);
}

static void
ms_counters(void *o, struct counters *k)
{
	struct ms *ms = o;

	k->names = ms_drop_names;
	k->v = ms->drops;
	k->n = MS_DROP__N;
}

/* "show stats": Map-Referrals sent as a DDT Map-Server */
static json_t *
ms_stats(void *o)
{
	struct ms	*ms = o;
	json_t		*j = json_object();
	unsigned	 i;

	for (i = REF_MS_ACK; i <= REF_NOT_AUTHORITATIVE; i++)
		if (i != REF_DELEGATION_HOLE)
			json_object_set_new(j, referral_act_name(i),
			    json_integer((json_int_t)ms->ddt_sent[i]));
	return json_pack("{s:o, s:I, s:I, s:o}", "ddt_referrals_sent", j,
	    "referral_signatures", (json_int_t)ddt_signatures,
	    "referral_signature_cache_hits", (json_int_t)ddt_signature_hits,
	    "pubsub", pubsub_stats(ms->ps));
}

/* the drops and each site's accepted and refused counts */
static void
ms_clear_stats(void *o)
{
	struct ms	*ms = o;
	struct ms_site	*s;

	memset(ms->drops, 0, sizeof(ms->drops));
	TAILQ_FOREACH(s, &ms->sites, entry) {
		s->accepted = 0;
		memset(s->refused, 0, sizeof(s->refused));
	}
}

static struct ratelimit *
ms_logrl(void *o)
{
	return &((struct ms *)o)->logrl;
}

static int
ms_backend_resolve(void *o, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep,
    int *forwarded)
{
	return ms_resolve(o, p, ecm, mreq, ep, forwarded);
}

static struct trie *
ms_backend_space(void *o, uint32_t iid, int afi_bits)
{
	return ms_site_trie(o, iid, afi_bits);
}

static const struct resolver ms_resolver = {
	.resolve = ms_backend_resolve,
	.eid_space = ms_backend_space,
};

/* clear site {"site": NAME}: every registration of the site goes now
 * (a key compromised, an ETR retired); its ETRs register again at their
 * next Map-Register if they still may */
struct site_regs {
	const struct ms_site	*s;
	struct ms_reg		**r;
	size_t			 n, cap;
	int			 oom;
};

static int
site_regs_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct site_regs	*w = arg;
	struct ms_eid		*e = val;
	struct ms_reg		*r;

	if (e->site != w->s)
		return 0;
	for (r = &e->reg; r != NULL; r = r->next)
		if (!(r->flags & RF_EMPTY) && regs_push(&w->r, &w->n, &w->cap, r) == -1) {
			w->oom = 1;
			return 1;
		}
	return 0;
}

static json_t *
ms_clear_site(void *o, json_t *args, char *err, size_t errlen)
{
	struct ms		*ms = o;
	struct ms_site		*s;
	struct ms_table		*t;
	struct site_regs	 w;
	const char		*name = json_string_value(json_object_get(args, "site"));
	size_t			 i;

	if (name == NULL) {
		snprintf(err, errlen, "clear site needs a site name");
		return NULL;
	}
	TAILQ_FOREACH(s, &ms->sites, entry)
		if (strcmp(s->name, name) == 0)
			break;
	if (s == NULL) {
		snprintf(err, errlen, "no site %s", name);
		return NULL;
	}
	memset(&w, 0, sizeof(w));
	w.s = s;
	for (t = ms->tables; t != NULL && !w.oom; t = t->next)
		trie_walk(t->regs, site_regs_cb, &w);
	if (w.oom) {
		free(w.r);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* a prefix entry goes with its last registration, after every one
	 * of it in the list */
	for (i = 0; i < w.n; i++) {
		struct lisp_addr a;
		int m = reg_eid(w.r[i])->mlen;

		eid_addr(reg_eid(w.r[i]), &a);
		reg_free(ms, w.r[i]);
		ms_publish(ms, &a, m);	/* subscribers see it go */
	}
	free(w.r);
	log_info("ms: site %s cleared by the operator: %zu registration(s) removed",
	    name, w.n);
	return json_pack("{s:s, s:I}", "site", name, "cleared", (json_int_t)w.n);
}

static json_t *
ms_show_subscriptions(void *o, json_t *args, char *err, size_t errlen)
{
	return pubsub_json(((struct ms *)o)->ps);
}

static const struct ctl_cmd ms_cmds[] = {
	{ .name = "show subscriptions", .fn = ms_show_subscriptions },
	{ .name = "show site", .stream = ms_stream_site, .cursor_free = free },
	{ .name = "clear site", .flags = CTL_PRIV, .fn = ms_clear_site },
	{ .name = NULL },
};

const struct role role_ms = {
	.name = "map-server",
	.wanted = ms_wanted,
	.new = ms_role_new,
	.reconf = ms_role_reconf,
	.free = ms_role_free,
	.rx = {
		[RX_REGISTER] = { ms_rx_register, 10 },
		[RX_ECM_REGISTER] = { ms_rx_ecm_register, 10 },
		[RX_NOTIFY_ACK] = { ms_rx_notify_ack, 10 },
		[RX_DDT_REQUEST] = { ms_rx_ddt, 20 },
	},
	.cmds = ms_cmds,
	.counters = ms_counters,
	.stats = ms_stats,
	.clear_stats = ms_clear_stats,
	.logrl = ms_logrl,
};
