/* the ITR map-cache (see mapcache.h) */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "mapcache.h"
#include "pool.h"

#define NK_REQUEST	0
#define NK_PROBE	1

/* one outstanding nonce of an entry */
struct mc_nonce {
	struct mc_nonce	*next;
	uint64_t	 nonce;
	struct mc_entry	*e;
	int		 kind;		/* NK_* */
};

/* the publication nonce of an entry that has one (has_pub) */
struct mc_pub {
	struct mc_pub	*next;
	const struct mc_entry *e;
	uint64_t	 nonce;
};

struct mapcache {
	struct fib	*fib;		/* the index: FIB entries' ctl */
	int		 own_fib;
	struct pool	*pool;		/* the entries: no malloc header */
	struct mc_cursor clock;		/* where mapcache_idlest looks next */
	size_t		 count, npending, nnonce;
	struct {
		uint32_t iid;
		size_t	 n;		/* 0 and iid 0: a free slot after the first */
	}		 iidn[MC_IIDS];
	int		 niidn;
	struct mc_nonce	*nb[MC_NONCE_BUCKETS];
	/* timers: a min-heap on due_ms, its slots in pages of HEAP_PAGE
	 * (heap_slot), so it grows by a page, without copying, and holds
	 * at most a page and a spare beyond its entries */
	struct mc_entry	***hpg;
	size_t		 nheap, npg, cappg;
	struct mc_pub	**pb;		/* publication nonces, by entry */
	size_t		 npb, npub;	/* buckets (a power of 2), nonces */
	void		(*wake)(void *, uint64_t);
	void		*wake_arg;
};

void
mapcache_set_wake(struct mapcache *mc, void (*fn)(void *, uint64_t), void *arg)
{
	mc->wake = fn;
	mc->wake_arg = arg;
}

#define HEAP_PAGE	512	/* slots: 4 KiB */
#define HEAP(mc, i)	((mc)->hpg[(i) / HEAP_PAGE][(i) % HEAP_PAGE])

static void
heap_put(struct mapcache *mc, size_t i, struct mc_entry *e)
{
	HEAP(mc, i) = e;
	e->heap_idx = (uint32_t)i + 1;
}

static void
heap_up(struct mapcache *mc, size_t i)
{
	struct mc_entry *e = HEAP(mc, i);

	while (i > 0 && HEAP(mc, (i - 1) / 2)->due_ms > e->due_ms) {
		heap_put(mc, i, HEAP(mc, (i - 1) / 2));
		i = (i - 1) / 2;
	}
	heap_put(mc, i, e);
}

static void
heap_down(struct mapcache *mc, size_t i)
{
	struct mc_entry *e = HEAP(mc, i);
	size_t c;

	while ((c = 2 * i + 1) < mc->nheap) {
		if (c + 1 < mc->nheap && HEAP(mc, c + 1)->due_ms < HEAP(mc, c)->due_ms)
			c++;
		if (HEAP(mc, c)->due_ms >= e->due_ms)
			break;
		heap_put(mc, i, HEAP(mc, c));
		i = c;
	}
	heap_put(mc, i, e);
}

static void
heap_del(struct mapcache *mc, struct mc_entry *e)
{
	struct mc_entry *m;
	size_t i;

	if (e->heap_idx == 0)
		return;
	i = e->heap_idx - 1;
	e->heap_idx = 0;
	if (--mc->nheap != i) {
		m = HEAP(mc, mc->nheap);
		heap_put(mc, i, m);
		heap_up(mc, i);
		heap_down(mc, m->heap_idx - 1);
	}
	/* two pages free: the last goes */
	if (mc->npg > 1 && mc->nheap + 2 * HEAP_PAGE <= mc->npg * HEAP_PAGE)
		free(mc->hpg[--mc->npg]);
}

static void	heap_set(struct mapcache *, struct mc_entry *, uint64_t);

void
mapcache_sched(struct mapcache *mc, struct mc_entry *e, uint64_t due_ms)
{
	uint64_t first = mc->nheap ? HEAP(mc, 0)->due_ms : UINT64_MAX;

	heap_set(mc, e, due_ms);
	if (mc->wake != NULL && mc->nheap && HEAP(mc, 0)->due_ms < first)
		mc->wake(mc->wake_arg, HEAP(mc, 0)->due_ms);
}

static void
heap_set(struct mapcache *mc, struct mc_entry *e, uint64_t due_ms)
{
	struct mc_entry ***d, **pg;
	size_t cap;

	if (e->heap_idx == 0) {
		if (mc->nheap == mc->npg * HEAP_PAGE) {
			/* no memory for the slot: the entry stays unarmed and
			 * is expired by a full sweep */
			if (mc->npg == mc->cappg) {
				cap = mc->cappg ? mc->cappg * 2 : 16;
				if ((d = realloc(mc->hpg, cap * sizeof(*d))) == NULL)
					return;
				mc->hpg = d;
				mc->cappg = cap;
			}
			if ((pg = malloc(HEAP_PAGE * sizeof(*pg))) == NULL)
				return;
			mc->hpg[mc->npg++] = pg;
		}
		e->due_ms = due_ms;
		heap_put(mc, mc->nheap++, e);
		heap_up(mc, mc->nheap - 1);
		return;
	}
	e->due_ms = due_ms;
	heap_up(mc, e->heap_idx - 1);
	heap_down(mc, e->heap_idx - 1);
}

void
mc_entry_wake(struct mapcache *mc, struct mc_entry *e, uint64_t at_ms)
{
	if (e->heap_idx == 0 || at_ms < e->due_ms)
		mapcache_sched(mc, e, at_ms);
}

struct mc_entry *
mapcache_due(const struct mapcache *mc, uint64_t now)
{
	if (mc->nheap == 0 || HEAP(mc, 0)->due_ms > now)
		return NULL;
	return HEAP(mc, 0);
}

uint64_t
mapcache_next_due(const struct mapcache *mc)
{
	return mc->nheap == 0 ? UINT64_MAX : HEAP(mc, 0)->due_ms;
}

static unsigned
nonce_slot(uint64_t n)
{
	n ^= n >> 33;
	n *= 0xff51afd7ed558ccdULL;
	n ^= n >> 33;
	return (unsigned)(n % MC_NONCE_BUCKETS);
}

static int
nonce_add(struct mapcache *mc, struct mc_entry *e, uint64_t nonce, int kind)
{
	struct mc_nonce *n;

	if ((n = malloc(sizeof(*n))) == NULL)
		return -1;
	n->nonce = nonce;
	n->e = e;
	n->kind = kind;
	n->next = mc->nb[nonce_slot(nonce)];
	mc->nb[nonce_slot(nonce)] = n;
	mc->nnonce++;
	return 0;
}

static struct mc_entry *
nonce_find(const struct mapcache *mc, uint64_t nonce, int kind)
{
	struct mc_nonce *n;

	for (n = mc->nb[nonce_slot(nonce)]; n != NULL; n = n->next)
		if (n->nonce == nonce && n->kind == kind)
			return n->e;
	return NULL;
}

/* e NULL: any entry */
static void
nonce_del(struct mapcache *mc, uint64_t nonce, int kind, const struct mc_entry *e)
{
	struct mc_nonce **np, *n;

	for (np = &mc->nb[nonce_slot(nonce)]; (n = *np) != NULL; np = &n->next)
		if (n->nonce == nonce && n->kind == kind && (e == NULL || n->e == e)) {
			*np = n->next;
			free(n);
			mc->nnonce--;
			return;
		}
}

/* every nonce of e leaves the index */
static void
nonce_del_entry(struct mapcache *mc, struct mc_entry *e)
{
	int i;

	if (e->res != NULL)
		for (i = 0; i < e->res->nnonces; i++)
			nonce_del(mc, e->res->nonces[i], NK_REQUEST, e);
	for (i = 0; e->probe != NULL && i < e->nlocs; i++)
		if (e->probe[i].nonce != 0)
			nonce_del(mc, e->probe[i].nonce, NK_PROBE, e);
}

static size_t
pub_slot(const struct mapcache *mc, const struct mc_entry *e)
{
	uint64_t h = (uint64_t)(uintptr_t)e * 0x9e3779b97f4a7c15ULL;

	return (size_t)(h >> 32) & (mc->npb - 1);
}

static struct mc_pub **
pub_find(const struct mapcache *mc, const struct mc_entry *e)
{
	struct mc_pub **pp;

	if (!e->has_pub || mc->npb == 0)
		return NULL;
	for (pp = &mc->pb[pub_slot(mc, e)]; *pp != NULL; pp = &(*pp)->next)
		if ((*pp)->e == e)
			return pp;
	return NULL;
}

static void
pub_del(struct mapcache *mc, struct mc_entry *e)
{
	struct mc_pub **pp, *p;

	if ((pp = pub_find(mc, e)) == NULL)
		return;
	p = *pp;
	*pp = p->next;
	free(p);
	mc->npub--;
	e->has_pub = 0;
}

uint64_t
mapcache_pub_nonce(const struct mapcache *mc, const struct mc_entry *e)
{
	struct mc_pub **pp = pub_find(mc, e);

	return pp != NULL ? (*pp)->nonce : 0;
}

/* twice the buckets once there are more nonces than buckets */
static int
pub_grow(struct mapcache *mc)
{
	struct mc_pub **nb, *p, *next;
	size_t i, n = mc->npb ? mc->npb * 2 : 64, old = mc->npb;
	struct mc_pub **ob = mc->pb;

	if ((nb = calloc(n, sizeof(*nb))) == NULL)
		return -1;
	mc->pb = nb;
	mc->npb = n;
	for (i = 0; i < old; i++)
		for (p = ob[i]; p != NULL; p = next) {
			next = p->next;
			p->next = nb[pub_slot(mc, p->e)];
			nb[pub_slot(mc, p->e)] = p;
		}
	free(ob);
	return 0;
}

int
mapcache_set_pub_nonce(struct mapcache *mc, struct mc_entry *e, uint64_t nonce)
{
	struct mc_pub **pp, *p;

	if ((pp = pub_find(mc, e)) != NULL) {
		(*pp)->nonce = nonce;
		return 0;
	}
	if (mc->npub >= mc->npb && pub_grow(mc) == -1 && mc->npb == 0)
		return -1;
	if ((p = malloc(sizeof(*p))) == NULL)
		return -1;
	p->e = e;
	p->nonce = nonce;
	p->next = mc->pb[pub_slot(mc, e)];
	mc->pb[pub_slot(mc, e)] = p;
	mc->npub++;
	e->has_pub = 1;
	return 0;
}

struct mapcache *
mapcache_new(struct fib *fib)
{
	struct mapcache *mc;

	if ((mc = calloc(1, sizeof(*mc))) == NULL)
		return NULL;
	if ((mc->pool = pool_new()) == NULL) {
		free(mc);
		return NULL;
	}
	if ((mc->fib = fib) == NULL) {
		if ((mc->fib = fib_new()) == NULL) {
			pool_free(mc->pool);
			free(mc);
			return NULL;
		}
		mc->own_fib = 1;
	}
	return mc;
}

struct fib *
mapcache_fib(const struct mapcache *mc)
{
	return mc->fib;
}

static enum fib_kind
fib_kind_of(const struct mc_entry *e)
{
	switch (e->state) {
	case MC_PENDING:
		return FIB_PENDING;
	case MC_POSITIVE:
		return FIB_ENCAP;
	case MC_NEGATIVE:
		break;
	}
	switch (e->act) {
	case ACT_NO_ACTION:
	case ACT_NATIVE_FORWARD:
		return FIB_NATIVE;
	case ACT_SEND_MAP_REQUEST:
		return FIB_ASK;
	default:
		return FIB_DROP;
	}
}

/* make a FIB entry of the n locators locs (filled as received) e's
 * forwarding entry: kind from e's state, a locator usable when its R bit
 * is set and probe (the state of the locators in their order, NULL:
 * none) does not have it down. -1 (e->fe unchanged) on allocation
 * failure */
static int
entry_publish(struct mapcache *mc, struct mc_entry *e, int n, struct fib_loc *locs,
    const struct mc_probe *probe)
{
	struct fib_ent *fe;
	int i;

	for (i = 0; i < n; i++)
		locs[i].up = (locs[i].flags & RLOC_R) &&
		    (probe == NULL || probe[i].state != PROBE_DOWN);
	if ((fe = fib_ent_new(mc->fib, n, locs)) == NULL)
		return -1;
	fe->ctl = e;
	fe->kind = (uint8_t)fib_kind_of(e);
	if (fib_publish(mc->fib, MC_EID(e), e->mlen, fe, e->updated_ms) == -1)
		return -1;
	e->fe = fe;
	return 0;
}

int
mc_entry_publish(struct mapcache *mc, struct mc_entry *e)
{
	struct fib_loc locs[FIB_MAX_LOCS];
	int n = e->state == MC_POSITIVE ? e->nlocs : 0;

	/* the same locators (their counters are carried) */
	if (n > 0)
		fib_ent_locs(e->fe, locs);
	return entry_publish(mc, e, n, locs, e->probe);
}

static const struct mc_probe no_probe;

const struct mc_probe *
mc_entry_probe(const struct mc_entry *e, int i)
{
	return e->probe != NULL && i < e->nlocs ? &e->probe[i] : &no_probe;
}

struct mc_probe *
mc_entry_probe_make(struct mc_entry *e, int i)
{
	if (i < 0 || i >= e->nlocs)
		return NULL;
	if (e->probe == NULL)
		e->probe = calloc((size_t)e->nlocs, sizeof(*e->probe));
	return e->probe != NULL ? &e->probe[i] : NULL;
}

static size_t
entry_size(uint16_t afi)
{
	return offsetof(struct mc_entry, ea) + mc_eid_len(afi);
}

static void
entry_free(struct mapcache *mc, struct mc_entry *e)
{
	if (e->res != NULL) {
		dp_pkt_free(e->res->qhead);
		free(e->res);
	}
	free(e->probe);
	pool_put(mc->pool, e, entry_size(e->afi));
}

struct mc_res *
mc_entry_res(struct mc_entry *e)
{
	struct mc_res *r;

	if (e->res != NULL)
		return e->res;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return NULL;
	addr_set_none(&r->seid);
	r->qtail = &r->qhead;
	return e->res = r;
}

void
mc_entry_settle(struct mapcache *mc, struct mc_entry *e)
{
	struct mc_res *r = e->res;
	int i;

	if (r == NULL || e->state == MC_PENDING || e->requesting || r->qlen != 0)
		return;
	for (i = 0; i < r->nnonces; i++)
		nonce_del(mc, r->nonces[i], NK_REQUEST, e);
	free(r);
	e->res = NULL;
}

void
mc_entry_new_round(struct mc_entry *e)
{
	if (e->res != NULL)
		e->res->tries = 0;
}

struct mc_free {
	struct mapcache	*mc;
	void		(*del)(struct mc_entry *, void *);
	void		*arg;
};

static int
free_cb(struct mc_entry *e, void *arg)
{
	const struct mc_free *f = arg;

	if (f->del != NULL)
		f->del(e, f->arg);
	nonce_del_entry(f->mc, e);
	pub_del(f->mc, e);
	fib_withdraw(f->mc->fib, MC_EID(e), e->mlen);
	entry_free(f->mc, e);
	return 0;
}

void
mapcache_free(struct mapcache *mc, void (*del)(struct mc_entry *, void *), void *arg)
{
	struct mc_free f = { mc, del, arg };
	int i;

	if (mc == NULL)
		return;
	mapcache_foreach(mc, free_cb, &f);
	for (i = 0; i < MC_NONCE_BUCKETS; i++) {
		struct mc_nonce *n, *next;

		for (n = mc->nb[i]; n != NULL; n = next) {
			next = n->next;
			free(n);
		}
	}
	if (mc->own_fib)
		fib_free(mc->fib, NULL, NULL);
	free(mc->pb);	/* each entry's went with it */
	while (mc->npg > 0)
		free(mc->hpg[--mc->npg]);
	free(mc->hpg);
	pool_free(mc->pool);
	free(mc);
}

size_t
mapcache_count(const struct mapcache *mc)
{
	return mc->count;
}

static uint32_t
entry_iid(const struct mc_entry *e)
{
	return e->has_iid ? e->iid : 0;
}

/* the count slot of iid, made when make and there is room; NULL if none */
static size_t *
iid_slot(struct mapcache *mc, uint32_t iid, int make)
{
	int i;

	for (i = 0; i < mc->niidn; i++)
		if (mc->iidn[i].iid == iid)
			return &mc->iidn[i].n;
	if (!make || mc->niidn == MC_IIDS)
		return NULL;
	mc->iidn[mc->niidn].iid = iid;
	mc->iidn[mc->niidn].n = 0;
	return &mc->iidn[mc->niidn++].n;
}

size_t
mapcache_count_iid(const struct mapcache *mc, uint32_t iid)
{
	size_t *n = iid_slot((struct mapcache *)mc, iid, 0);

	return n != NULL ? *n : 0;
}

size_t
mapcache_pending(const struct mapcache *mc)
{
	return mc->npending;
}

size_t
mapcache_nonce_count(const struct mapcache *mc)
{
	return mc->nnonce;
}

/* every entry, collected by a resumable walk in batches and handed to
 * the callback outside it (which may then remove the entry it is given).
 * the batch is on the stack (1 KiB) so that a walk, mapcache_free's
 * among them, never fails for want of memory */
#define MC_BATCH	128
struct mc_batch {
	struct mc_cursor *cur;
	struct mc_entry	*e[MC_BATCH];
	int		 n;
};

static int
batch_cb(struct mc_entry *e, void *arg)
{
	struct mc_batch *b = arg;

	b->e[b->n++] = e;
	mc_cursor_set(b->cur, e);
	return b->n == MC_BATCH;
}

int
mapcache_foreach(struct mapcache *mc, int (*cb)(struct mc_entry *, void *), void *arg)
{
	struct mc_cursor cur;
	struct mc_batch b;
	int i, r = 0;

	memset(&cur, 0, sizeof(cur));
	b.cur = &cur;
	do {
		b.n = 0;
		mapcache_walk_after(mc, &cur, batch_cb, &b);
		for (i = 0; i < b.n && r == 0; i++)
			r = cb(b.e[i], arg);
	} while (r == 0 && b.n == MC_BATCH);
	return r;
}

static struct mc_entry *
ctl_of(const struct fib_ent *fe)
{
	return fe != NULL ? fe->ctl : NULL;
}

struct mc_entry *
mapcache_lookup(const struct mapcache *mc, const struct lisp_addr *a)
{
	return ctl_of(fib_lookup(mc->fib, a));
}

struct mc_entry *
mapcache_exact(const struct mapcache *mc, const struct lisp_addr *eid, int mlen)
{
	return ctl_of(fib_exact(mc->fib, eid, mlen));
}

struct mc_walk {
	int		(*cb)(struct mc_entry *, void *);
	void		*arg;
};

static int
mc_walk_cb(struct fib_ent *fe, void *arg)
{
	const struct mc_walk *w = arg;

	return fe->ctl != NULL ? w->cb(fe->ctl, w->arg) : 0;
}

int
mapcache_walk_under(const struct mapcache *mc, const struct lisp_addr *eid,
    int mlen, int (*cb)(struct mc_entry *, void *), void *arg)
{
	struct mc_walk w = { cb, arg };

	return fib_walk_under(mc->fib, eid, mlen, mc_walk_cb, &w);
}

struct mc_entry *
mapcache_add(struct mapcache *mc, const struct lisp_addr *eid, int mlen, uint64_t now)
{
	struct lisp_addr n_eid;
	struct mc_entry *e;
	size_t *n;

	if (mlen < 0 || mlen > addr_bits(eid) || addr_bytes(eid) == NULL)
		return NULL;
	if ((e = mapcache_exact(mc, eid, mlen)) != NULL)
		return e;
	if ((e = pool_get(mc->pool, entry_size(eid->afi))) == NULL)
		return NULL;
	n_eid = *eid;
	addr_mask(&n_eid, mlen);
	memcpy(e->ea, addr_bytes(&n_eid), mc_eid_len(n_eid.afi));
	e->afi = n_eid.afi;
	if (n_eid.has_iid) {
		e->has_iid = 1;
		e->iid = n_eid.iid;
		e->iid_mlen = n_eid.iid_mlen;
		e->iid_flags = n_eid.iid_flags;
	}
	e->mlen = mlen;
	e->state = MC_PENDING;
	mc_entry_set_source(e, "pending");
	e->created_ms = e->updated_ms = now;
	if (mc_entry_res(e) == NULL || mc_entry_publish(mc, e) == -1) {
		free(e->res);
		pool_put(mc->pool, e, entry_size(e->afi));
		return NULL;
	}
	mc->count++;
	if ((n = iid_slot(mc, entry_iid(e), 1)) != NULL)
		(*n)++;
	mc->npending++;
	mapcache_sched(mc, e, now);	/* its owner sets the real deadlines */
	return e;
}

struct idle_scan {
	struct mc_cursor *cur;
	struct mc_entry	*best;
	int		 scan, n, other, any;
	uint32_t	 iid;
};

static int
idle_cb(struct mc_entry *e, void *arg)
{
	struct idle_scan *s = arg;

	mc_cursor_set(s->cur, e);
	if (!s->any && entry_iid(e) != s->iid)
		return ++s->other > 64 * s->scan;
	if (e->state != MC_PENDING && !e->requesting && !e->is_static &&
	    (s->best == NULL || mc_entry_used(e) < mc_entry_used(s->best)))
		s->best = e;
	return ++s->n >= s->scan;
}

static struct mc_entry *
idlest(struct mapcache *mc, int scan, int any, uint32_t iid)
{
	struct idle_scan s = { &mc->clock, NULL, scan, 0, 0, any, iid };
	int pass;

	/* a clock over the FIB's order: each call goes on where the last
	 * stopped, so it looks at others; from the start again at the end
	 * (once a call); another instance's entries are passed over, a
	 * bounded number of them */
	for (pass = 0; pass < 2; pass++) {
		if (mapcache_walk_after(mc, &mc->clock, idle_cb, &s) != 0)
			break;
		memset(&mc->clock, 0, sizeof(mc->clock));	/* at the end */
	}
	return s.best;
}

struct mc_entry *
mapcache_idlest(struct mapcache *mc, int scan)
{
	return idlest(mc, scan, 1, 0);
}

struct mc_entry *
mapcache_idlest_iid(struct mapcache *mc, int scan, uint32_t iid)
{
	return idlest(mc, scan, 0, iid);
}

void
mapcache_remove(struct mapcache *mc, struct mc_entry *e)
{
	size_t *n;

	fib_withdraw(mc->fib, MC_EID(e), e->mlen);
	e->fe = NULL;
	nonce_del_entry(mc, e);
	pub_del(mc, e);
	heap_del(mc, e);
	mc->count--;
	if ((n = iid_slot(mc, entry_iid(e), 0)) != NULL && *n > 0)
		(*n)--;
	if (e->state == MC_PENDING)
		mc->npending--;
	entry_free(mc, e);
}

struct mc_entry *
mapcache_by_nonce(const struct mapcache *mc, uint64_t nonce)
{
	struct mc_entry *e;

	if ((e = nonce_find(mc, nonce, NK_REQUEST)) == NULL || !e->requesting)
		return NULL;
	return e;
}

void
mc_entry_add_nonce(struct mapcache *mc, struct mc_entry *e, uint64_t nonce)
{
	struct mc_res *r;

	if ((r = mc_entry_res(e)) == NULL)
		return;		/* out of memory: the reply will not match */
	if (r->nnonces == MC_NONCES) {
		nonce_del(mc, r->nonces[0], NK_REQUEST, e);
		memmove(r->nonces, r->nonces + 1, sizeof(r->nonces[0]) * (MC_NONCES - 1));
		r->nnonces--;
	}
	if (nonce_add(mc, e, nonce, NK_REQUEST) == -1)
		return;		/* out of memory: the reply will not match */
	r->nonces[r->nnonces++] = nonce;
}

void
mc_entry_clear_nonces(struct mapcache *mc, struct mc_entry *e)
{
	int i;

	if (e->res == NULL)
		return;
	for (i = 0; i < e->res->nnonces; i++)
		nonce_del(mc, e->res->nonces[i], NK_REQUEST, e);
	e->res->nnonces = 0;
	mc_entry_settle(mc, e);
}

int
mapcache_probe_add(struct mapcache *mc, struct mc_entry *e, uint64_t nonce)
{
	return nonce_add(mc, e, nonce, NK_PROBE);
}

struct mc_entry *
mapcache_probe_find(const struct mapcache *mc, uint64_t nonce)
{
	return nonce_find(mc, nonce, NK_PROBE);
}

void
mapcache_probe_del(struct mapcache *mc, uint64_t nonce)
{
	nonce_del(mc, nonce, NK_PROBE, NULL);
}

void
mc_entry_set(struct mapcache *mc, struct mc_entry *e, const struct lisp_record *rec,
    const char *source, uint64_t now)
{
	struct rbuf rl = rec->rlocs;
	struct lisp_rloc r;
	struct fib_loc locs[MC_MAX_LOCS], olocs[MC_MAX_LOCS];
	struct mc_probe *np = NULL;
	uint8_t taken[MC_MAX_LOCS];
	uint32_t ttl = rec->ttl;
	int nold = e->nlocs, i, j, n = 0, positive;

	/* the locators we keep (IPv4/IPv6, at most MC_MAX_LOCS), counted
	 * first */
	while (rloc_next(&rl, &r) == 1)
		if ((r.addr.afi == AFI_IPV4 || r.addr.afi == AFI_IPV6) && n < MC_MAX_LOCS)
			n++;
	rl = rec->rlocs;
	/* no locators, or none we can use (all non-IP): negative, acting
	 * per the record's ACT */
	positive = rec->nrlocs != 0 && n != 0;
	if (!positive)
		n = 0;
	memset(locs, 0, sizeof(locs));
	for (i = 0; i < n && rloc_next(&rl, &r) == 1;) {
		struct fib_loc *l = &locs[i];

		if (r.addr.afi != AFI_IPV4 && r.addr.afi != AFI_IPV6)
			continue;
		if (r.addr.afi == AFI_IPV6) {
			l->fam = FIB_V6;
			memcpy(l->a, r.addr.u.v6, 16);
		} else {
			l->fam = FIB_V4;
			memcpy(l->a, r.addr.u.v4, 4);
		}
		l->priority = r.priority;
		l->weight = r.weight;
		l->flags = r.flags;
		i++;
	}
	/* locators that stay keep what probing learnt (their counters the
	 * FIB carries), each old one passed to the first new one of its
	 * address */
	memset(taken, 0, sizeof(taken));
	if (nold > 0)
		fib_ent_locs(e->fe, olocs);
	if (e->probe != NULL && n > 0 && (np = calloc((size_t)n, sizeof(*np))) != NULL) {
		int carried = 0;

		for (i = 0; i < n; i++)
			for (j = 0; j < nold; j++)
				if (!taken[j] && olocs[j].fam == locs[i].fam &&
				    memcmp(olocs[j].a, locs[i].a, 16) == 0) {
					np[i] = e->probe[j];
					taken[j] = carried = 1;
					break;
				}
		if (!carried) {		/* none stays: none is kept */
			free(np);
			np = NULL;
		}
	}
	if (ttl == 0xffffffff)
		ttl = 1440;
	e->ttl = ttl < MC_TTL_MAX ? ttl : MC_TTL_MAX;
	e->auth = rec->auth;
	e->updated_ms = now;
	e->act = rec->act;
	if (e->state == MC_PENDING)
		mc->npending--;
	if (positive) {
		e->state = MC_POSITIVE;
		e->act = ACT_NO_ACTION;
		mc_entry_set_source(e, source);
	} else {
		e->state = MC_NEGATIVE;
		mc_entry_set_source(e, "negative");
	}
	e->requesting = 0;
	mc_entry_new_round(e);
	if (entry_publish(mc, e, n, locs, np) == -1) {
		/* no memory for the new FIB entry: forward by the old one
		 * (and keep its locators' probe state) until the next change */
		free(np);
	} else {
		/* the outstanding probes of the locators that left are
		 * forgotten */
		for (j = 0; e->probe != NULL && j < nold; j++)
			if (!taken[j] && e->probe[j].nonce != 0)
				nonce_del(mc, e->probe[j].nonce, NK_PROBE, e);
		free(e->probe);
		e->probe = np;
		e->nlocs = (unsigned)n;
	}
	mc_entry_settle(mc, e);	/* answered: unless packets are held */
	mc_entry_wake(mc, e, now);	/* new deadlines: let the owner set them */
}

struct mc_expire {
	struct mapcache	*mc;
	uint64_t	 now;
	void		(*del)(struct mc_entry *, void *);
	void		*arg;
	int		 n;
};

static int
expire_cb(struct mc_entry *e, void *arg)
{
	struct mc_expire *x = arg;

	if (e->state == MC_PENDING || mc_entry_expires(e) > x->now)
		return 0;
	if (x->del != NULL)
		x->del(e, x->arg);
	mapcache_remove(x->mc, e);
	x->n++;
	return 0;
}

int
mapcache_expire(struct mapcache *mc, uint64_t now,
    void (*del)(struct mc_entry *, void *), void *arg)
{
	struct mc_expire x = { mc, now, del, arg, 0 };

	mapcache_foreach(mc, expire_cb, &x);
	return x.n;
}

int
mc_entry_wants_refresh(const struct mc_entry *e, uint64_t now)
{
	uint64_t life, left, exp = mc_entry_expires(e);

	if (e->state == MC_PENDING || e->requesting || exp <= now ||
	    e->is_static)
		return 0;
	life = exp - e->updated_ms;
	left = exp - now;
	if (left * 10 > life)
		return 0;
	return mc_entry_used_lately(e, exp, now);
}

int
mc_entry_queue_pkt(struct mc_entry *e, struct dp_pkt *q, int max)
{
	struct mc_res *r;

	if (q == NULL)
		return -1;
	if ((r = mc_entry_res(e)) == NULL || r->qlen >= max) {
		free(q);
		return -1;
	}
	q->next = NULL;
	*r->qtail = q;
	r->qtail = &q->next;
	r->qlen++;
	return 0;
}

int
mc_entry_queue(struct mc_entry *e, const uint8_t *p, size_t len, int max)
{
	if (mc_entry_qlen(e) >= (unsigned)max)
		return -1;
	return mc_entry_queue_pkt(e, dp_pkt_new(p, len), max);
}

struct dp_pkt *
mc_entry_dequeue(struct mapcache *mc, struct mc_entry *e)
{
	struct mc_res *r = e->res;
	struct dp_pkt *q;

	if (r == NULL)
		return NULL;
	q = r->qhead;
	r->qhead = NULL;
	r->qtail = &r->qhead;
	r->qlen = 0;
	mc_entry_settle(mc, e);
	return q;
}

/* the names of MC_SRC_*: the source bit-field indexes them */
static const char *const sources[] = {
	"?", "pending", "map-reply", "proxy-reply", "lisp-sec", "negative",
	"publication", "static", "nat-shortcut",
};

const char *
mc_entry_source(const struct mc_entry *e)
{
	return e->source < sizeof(sources) / sizeof(sources[0]) ? sources[e->source] : "?";
}

void
mc_entry_set_source(struct mc_entry *e, const char *name)
{
	unsigned i;

	e->source = 0;
	for (i = 1; i < sizeof(sources) / sizeof(sources[0]); i++)
		if (name != NULL && strcmp(name, sources[i]) == 0)
			e->source = i;
}

const char *
mc_state_name(enum mc_state s)
{
	switch (s) {
	case MC_PENDING:
		return "pending";
	case MC_POSITIVE:
		return "complete";
	case MC_NEGATIVE:
		return "negative";
	}
	return "?";
}

json_t *
mc_entry_json(const struct mc_entry *e, uint64_t now)
{
	char buf[ADDR_STRLEN];
	json_t *o, *locs, *lo;
	int i;

	o = json_object();
	json_object_set_new(o, "eid_prefix", json_string(prefix_fmt(MC_EID(e), e->mlen,
	    buf, sizeof(buf))));
	json_object_set_new(o, "iid", json_integer(e->has_iid ? e->iid : 0));
	json_object_set_new(o, "state", json_string(mc_state_name(e->state)));
	json_object_set_new(o, "source", json_string(mc_entry_source(e)));
	json_object_set_new(o, "uptime", json_integer((json_int_t)((now - e->created_ms) / 1000)));
	if (e->state == MC_PENDING || e->is_static)
		json_object_set_new(o, "expires_in", json_null());
	else
		json_object_set_new(o, "expires_in", json_integer(mc_entry_expires(e) > now ?
		    (json_int_t)((mc_entry_expires(e) - now + 999) / 1000) : 0));
	json_object_set_new(o, "ttl", json_integer(e->ttl));
	json_object_set_new(o, "authoritative", json_boolean(e->auth));
	if (e->state == MC_NEGATIVE)
		json_object_set_new(o, "action", json_string(act_name(e->act)));
	json_object_set_new(o, "packets", json_integer(e->fe ? (json_int_t)fib_ent_pkts(e->fe) : 0));
	json_object_set_new(o, "bytes", json_integer(e->fe ? (json_int_t)fib_ent_bytes(e->fe) : 0));
	json_object_set_new(o, "drops", json_integer(e->fe ? (json_int_t)fib_ent_drops(e->fe) : 0));
	if (mc_entry_resolve_us(e))
		json_object_set_new(o, "resolve_us", json_integer((json_int_t)mc_entry_resolve_us(e)));
	if (e->state == MC_PENDING) {
		json_object_set_new(o, "requests", json_integer(mc_entry_tries(e)));
		json_object_set_new(o, "queued", json_integer(mc_entry_qlen(e)));
	}
	locs = json_array();
	for (i = 0; i < e->nlocs; i++) {
		const struct fib_loc *l = mc_entry_loc(e, i, &(struct fib_loc){ 0 });
		const struct mc_probe *pr = mc_entry_probe(e, i);

		lo = json_object();
		json_object_set_new(lo, "address", json_string(fib_loc_fmt(l, buf, sizeof(buf))));
		json_object_set_new(lo, "state", json_string(l->up ? "up" : "down"));
		json_object_set_new(lo, "priority", json_integer(l->priority));
		json_object_set_new(lo, "weight", json_integer(l->weight));
		json_object_set_new(lo, "reachable", json_boolean(l->flags & RLOC_R));
		json_object_set_new(lo, "local", json_boolean(l->flags & RLOC_L));
		json_object_set_new(lo, "encap_packets", json_integer((json_int_t)fib_loc_pkts(e->fe, i)));
		json_object_set_new(lo, "encap_bytes", json_integer((json_int_t)fib_loc_bytes(e->fe, i)));
		json_object_set_new(lo, "probe", json_string(pr->state == PROBE_UP ? "up" :
		    pr->state == PROBE_DOWN ? "down" : "unknown"));
		json_object_set_new(lo, "rtt_ms", pr->rtt_us ?
		    json_real((double)pr->rtt_us / 1000.0) : json_null());
		json_object_set_new(lo, "probes_sent", json_integer((json_int_t)pr->sent));
		json_object_set_new(lo, "probes_answered",
		    json_integer((json_int_t)pr->answered));
		json_array_append_new(locs, lo);
	}
	json_object_set_new(o, "locators", locs);
	return o;
}

/* -- resumable walk (streamed "show map-cache") ------------------------ */

int
mapcache_walk_after(const struct mapcache *mc, struct mc_cursor *cur,
    int (*cb)(struct mc_entry *, void *), void *arg)
{
	struct mc_walk w = { cb, arg };

	return fib_walk_after(mc->fib, &cur->fc, mc_walk_cb, &w);
}
