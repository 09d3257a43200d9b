/* the FIB (see fib.h) */
#include <stdlib.h>
#include <string.h>

#include "fib.h"
#include "msg.h"
#include "pool.h"
#include "trie.h"

struct fib_table {
	uint32_t	 iid;
	int		 bits;
	struct trie	*t;
};

struct fib {
	struct fib_table *tab;
	int		 ntab;
	size_t		 count;
	int		 bulk;		/* fib_bulk */
	struct pool	*pool;		/* entries and counters */
	void		(*hook)(void *, const struct lisp_addr *, int, const struct fib_ent *);
	void		*hook_arg;
};

void
fib_set_hook(struct fib *f, void (*hook)(void *, const struct lisp_addr *, int,
    const struct fib_ent *), void *arg)
{
	f->hook = hook;
	f->hook_arg = arg;
}

struct fib *
fib_new(void)
{
	struct fib *f;

	if ((f = calloc(1, sizeof(*f))) == NULL)
		return NULL;
	if ((f->pool = pool_new()) == NULL) {
		free(f);
		return NULL;
	}
	return f;
}

size_t
fib_pool_bytes(const struct fib *f)
{
	return pool_bytes(f->pool);
}

static uint32_t
key_iid(const struct lisp_addr *a)
{
	return a->has_iid ? a->iid : 0;
}

static struct trie *
table_get(const struct fib *f, const struct lisp_addr *a)
{
	int i, bits = addr_bits(a);

	for (i = 0; i < f->ntab; i++)
		if (f->tab[i].iid == key_iid(a) && f->tab[i].bits == bits)
			return f->tab[i].t;
	return NULL;
}

static struct trie *
table_make(struct fib *f, const struct lisp_addr *a)
{
	struct fib_table *nt;
	struct trie *t;
	int bits = addr_bits(a);

	if ((t = table_get(f, a)) != NULL)
		return t;
	if (bits == 0)
		return NULL;
	if ((nt = reallocarray(f->tab, (size_t)f->ntab + 1, sizeof(*nt))) == NULL)
		return NULL;
	f->tab = nt;
	if ((t = trie_new(bits)) == NULL)
		return NULL;
	trie_bulk(t, f->bulk);
	f->tab[f->ntab].iid = key_iid(a);
	f->tab[f->ntab].bits = bits;
	f->tab[f->ntab].t = t;
	f->ntab++;
	return t;
}

void
fib_bulk(struct fib *f, int on)
{
	int i;

	f->bulk = on != 0;
	for (i = 0; i < f->ntab; i++)
		trie_bulk(f->tab[i].t, on);
}

struct free_walk {
	void	(*cb)(void *, void *);
	void	*arg;
};

static int
free_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct free_walk *w = arg;
	struct fib_ent *fe = val;

	if (w->cb != NULL)
		w->cb(fe->ctl, w->arg);
	return 0;
}

void
fib_free(struct fib *f, void (*cb)(void *, void *), void *arg)
{
	struct free_walk w = { cb, arg };
	int i;

	if (f == NULL)
		return;
	for (i = 0; i < f->ntab; i++) {
		trie_walk(f->tab[i].t, free_cb, &w);
		trie_free(f->tab[i].t, NULL);	/* the entries go with the pool */
	}
	free(f->tab);
	pool_free(f->pool);
	free(f);
}

size_t
fib_count(const struct fib *f)
{
	return f->count;
}

/* how an entry stores its locators (fib_ent.fmt): as struct fib_loc
 * (24 octets), or packed when all are of one family, on port 4341 and
 * with no flags but L, p and R: the address, priority, weight and those
 * bits, 8 octets for IPv4, 20 for IPv6 */
#define FMT_WIDE	0
#define FMT_V4		1
#define FMT_V6		2
#define PK_UP		0x08		/* beside RLOC_L | RLOC_p | RLOC_R */
#define PK_FLAGS	(RLOC_L | RLOC_p | RLOC_R)

static size_t
loc_size(int fmt)
{
	return fmt == FMT_V4 ? 8 : fmt == FMT_V6 ? 20 : sizeof(struct fib_loc);
}

static size_t
ent_size(int nlocs, int fmt)
{
	return sizeof(struct fib_ent) + (size_t)nlocs * loc_size(fmt);
}

static size_t
ctr_size(const struct fib_ent *fe)
{
	return sizeof(struct fib_ctr) + (size_t)(fe->nlocs + fe->other_slot) *
	    sizeof(struct fib_cnt);
}

static int
fmt_of(int nlocs, const struct fib_loc *locs)
{
	int i;

	for (i = 0; i < nlocs; i++)
		if (locs[i].fam != locs[0].fam || locs[i].port != 0 ||
		    (locs[i].flags & ~PK_FLAGS) != 0)
			return FMT_WIDE;
	return nlocs == 0 ? FMT_WIDE : locs[0].fam == FIB_V6 ? FMT_V6 : FMT_V4;
}

struct fib_ent *
fib_ent_new(struct fib *f, int nlocs, const struct fib_loc *locs)
{
	struct fib_ent *fe;
	unsigned char *p;
	int i, fmt, al;

	if (nlocs < 0 || nlocs > FIB_MAX_LOCS || (nlocs > 0 && locs == NULL))
		return NULL;
	fmt = fmt_of(nlocs, locs);
	if ((fe = pool_get(f->pool, ent_size(nlocs, fmt))) == NULL)
		return NULL;
	fe->nlocs = (unsigned)nlocs & 0xf;
	fe->fmt = (unsigned)fmt & 3;
	/* an entry without locators counts only elsewhere */
	fe->other_slot = nlocs == 0;
	al = fmt == FMT_V4 ? 4 : 16;
	for (i = 0; i < nlocs; i++) {
		p = fe->lb + (size_t)i * loc_size(fmt);
		if (fmt == FMT_WIDE) {
			memcpy(p, &locs[i], sizeof(locs[i]));
			continue;
		}
		memcpy(p, locs[i].a, (size_t)al);
		p[al] = locs[i].priority;
		p[al + 1] = locs[i].weight;
		p[al + 2] = (uint8_t)((locs[i].flags & PK_FLAGS) | (locs[i].up ? PK_UP : 0));
		p[al + 3] = 0;
	}
	return fe;
}

void
fib_ent_free(struct fib *f, struct fib_ent *fe)
{
	if (fe == NULL)
		return;
	if (fe->ctr != NULL)
		pool_put(f->pool, fe->ctr, ctr_size(fe));
	pool_put(f->pool, fe, ent_size(fe->nlocs, fe->fmt));
}

size_t
fib_ent_size(const struct fib_ent *fe)
{
	return (ent_size(fe->nlocs, fe->fmt) + 7) / 8 * 8;
}

const struct fib_loc *
fib_ent_loc(const struct fib_ent *fe, int i, struct fib_loc *l)
{
	const unsigned char *p = fe->lb + (size_t)i * loc_size(fe->fmt);
	int al = fe->fmt == FMT_V4 ? 4 : 16;

	if (fe->fmt == FMT_WIDE) {
		memcpy(l, p, sizeof(*l));
		return l;
	}
	memset(l, 0, sizeof(*l));
	l->fam = fe->fmt == FMT_V4 ? FIB_V4 : FIB_V6;
	memcpy(l->a, p, (size_t)al);
	l->priority = p[al];
	l->weight = p[al + 1];
	l->flags = p[al + 2] & PK_FLAGS;
	l->up = (p[al + 2] & PK_UP) != 0;
	return l;
}

int
fib_ent_locs(const struct fib_ent *fe, struct fib_loc buf[FIB_MAX_LOCS])
{
	int i;

	for (i = 0; i < fe->nlocs; i++)
		fib_ent_loc(fe, i, &buf[i]);
	return fe->nlocs;
}

/* fe's counters, made (or given the elsewhere slot, other) if it has
 * none (or not that slot); NULL without memory */
static struct fib_ctr *
ent_ctr(struct fib *f, struct fib_ent *fe, int other)
{
	struct fib_ctr *c;
	size_t old = fe->ctr != NULL ? ctr_size(fe) : 0;
	unsigned had = fe->other_slot;

	if (fe->ctr != NULL && (!other || fe->other_slot))
		return fe->ctr;
	if (other)
		fe->other_slot = 1;
	if ((c = pool_get(f->pool, ctr_size(fe))) == NULL) {
		fe->other_slot = had & 1;
		return NULL;
	}
	if (fe->ctr != NULL) {
		memcpy(c, fe->ctr, old);
		pool_put(f->pool, fe->ctr, old);
	}
	fe->ctr = c;
	return c;
}

void
fib_ent_add(struct fib *f, struct fib_ent *fe, int loc, uint64_t pkts, uint64_t bytes)
{
	struct fib_ctr *c;
	int i = loc >= 0 && loc < fe->nlocs ? loc : fe->nlocs;

	if ((pkts == 0 && bytes == 0) || (c = ent_ctr(f, fe, i == fe->nlocs)) == NULL)
		return;
	c->s[i].pkts += pkts;
	c->s[i].bytes += bytes;
}

void
fib_ent_count(struct fib *f, struct fib_ent *fe, int loc, size_t len)
{
	fib_ent_add(f, fe, loc, 1, len);
}

void
fib_ent_drop(struct fib *f, struct fib_ent *fe, uint64_t n)
{
	struct fib_ctr *c;

	if (n > 0 && (c = ent_ctr(f, fe, 0)) != NULL)
		c->drops += n;
}

/* the prefix's total: the sum of its slots, packets or bytes */
static uint64_t
ctr_sum(const struct fib_ent *fe, int bytes)
{
	uint64_t n = 0;
	int i;

	for (i = 0; fe->ctr != NULL && i < fe->nlocs + fe->other_slot; i++)
		n += bytes ? fe->ctr->s[i].bytes : fe->ctr->s[i].pkts;
	return n;
}

uint64_t
fib_ent_pkts(const struct fib_ent *fe)
{
	return ctr_sum(fe, 0);
}

uint64_t
fib_ent_bytes(const struct fib_ent *fe)
{
	return ctr_sum(fe, 1);
}

static int
same_loc(const struct fib_loc *a, const struct fib_loc *b)
{
	return a->fam == b->fam && memcmp(a->a, b->a, 16) == 0;
}

/* the counters of old go on in fe: each locator's to the locator of the
 * same address, the rest (elsewhere, and locators fe does not have) to
 * fe's elsewhere slot. the same locators in the same order (a probe
 * changed one's state) take old's counters as they are: 1 when they
 * were moved so, 0 when copied or there were none, -1 without memory */
static int
carry(struct fib *f, struct fib_ent *fe, struct fib_ent *old)
{
	struct fib_loc nl[FIB_MAX_LOCS], ol[FIB_MAX_LOCS];
	int to[FIB_MAX_LOCS + 1], same, rest = 0, i, j;
	struct fib_ctr *c;

	if (fib_ent_used(old) > fib_ent_used(fe))
		fe->used_ms = old->used_ms;
	if (old->ctr == NULL)
		return 0;
	if (fe->ctr != NULL)
		pool_put(f->pool, fe->ctr, ctr_size(fe));
	fe->ctr = NULL;
	fib_ent_locs(fe, nl);
	fib_ent_locs(old, ol);
	/* where each of old's slots goes: fe's locator of its address, or
	 * elsewhere (fe->nlocs) */
	same = fe->nlocs == old->nlocs;
	for (j = 0; j < old->nlocs + old->other_slot; j++) {
		for (i = 0; j < old->nlocs && i < fe->nlocs; i++)
			if (same_loc(&nl[i], &ol[j]))
				break;
		to[j] = j < old->nlocs ? i : fe->nlocs;
		same = same && (j == old->nlocs || same_loc(&nl[j], &ol[j]));
		if (to[j] == fe->nlocs &&
		    (old->ctr->s[j].pkts != 0 || old->ctr->s[j].bytes != 0))
			rest = 1;
	}
	if (same) {
		fe->ctr = old->ctr;
		fe->other_slot = old->other_slot;
		old->ctr = NULL;
		return 1;
	}
	if ((c = ent_ctr(f, fe, rest)) == NULL)
		return -1;
	c->drops = old->ctr->drops;
	for (j = 0; j < old->nlocs + old->other_slot; j++)
		if (to[j] < fe->nlocs || fe->other_slot) {
			c->s[to[j]].pkts += old->ctr->s[j].pkts;
			c->s[to[j]].bytes += old->ctr->s[j].bytes;
		}
	return 0;
}

int
fib_publish(struct fib *f, const struct lisp_addr *eid, int mlen, struct fib_ent *fe,
    uint64_t mark_ms)
{
	const uint8_t *k = addr_bytes(eid);
	struct fib_ent *old;
	struct trie *t;
	void *o;
	int moved = 0;

	if (k == NULL || mlen < 0 || mlen > addr_bits(eid) ||
	    (t = table_make(f, eid)) == NULL) {
		fib_ent_free(f, fe);
		return -1;
	}
	if ((old = trie_exact(t, k, mlen)) != NULL && (moved = carry(f, fe, old)) == -1) {
		fib_ent_free(f, fe);
		return -1;
	}
	/* with one thread the old entry can go at once; readers on other
	 * threads would need it kept until they are past it (RCU) */
	if (trie_insert(t, k, mlen, fe, &o) == -1) {
		if (moved == 1) {
			old->ctr = fe->ctr;
			fe->ctr = NULL;
		}
		fib_ent_free(f, fe);
		return -1;
	}
	if (o == NULL)
		f->count++;
	fib_ent_free(f, o);
	/* the hook may add what a kernel path counted before now (and its
	 * last use) to fe: fresh again after it */
	fe->fresh = fib_ent_used(fe) <= mark_ms;
	if (f->hook != NULL)
		f->hook(f->hook_arg, eid, mlen, fe);
	fe->fresh = fib_ent_used(fe) <= mark_ms;
	return 0;
}

void
fib_withdraw(struct fib *f, const struct lisp_addr *eid, int mlen)
{
	struct trie *t;
	void *o;

	if ((t = table_get(f, eid)) == NULL || addr_bytes(eid) == NULL)
		return;
	if ((o = trie_remove(t, addr_bytes(eid), mlen)) != NULL) {
		f->count--;
		fib_ent_free(f, o);
		if (f->hook != NULL)
			f->hook(f->hook_arg, eid, mlen, NULL);
	}
}

struct fib_ent *
fib_lookup(const struct fib *f, const struct lisp_addr *a)
{
	struct trie *t;
	int plen;

	if ((t = table_get(f, a)) == NULL || addr_bytes(a) == NULL)
		return NULL;
	return trie_lookup(t, addr_bytes(a), &plen);
}

struct fib_ent *
fib_exact(const struct fib *f, const struct lisp_addr *eid, int mlen)
{
	struct trie *t;

	if ((t = table_get(f, eid)) == NULL || addr_bytes(eid) == NULL)
		return NULL;
	return trie_exact(t, addr_bytes(eid), mlen);
}

struct walk {
	int	(*cb)(struct fib_ent *, void *);
	void	*arg;
};

static int
walk_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	const struct walk *w = arg;

	return w->cb(val, w->arg);
}

int
fib_walk_under(const struct fib *f, const struct lisp_addr *eid, int mlen,
    int (*cb)(struct fib_ent *, void *), void *arg)
{
	struct walk w = { cb, arg };
	struct trie *t;

	if ((t = table_get(f, eid)) == NULL || addr_bytes(eid) == NULL ||
	    mlen < 0 || mlen > addr_bits(eid))
		return 0;
	return trie_walk_under(t, addr_bytes(eid), mlen, walk_cb, &w);
}

void
fib_cursor_set(struct fib_cursor *c, const struct lisp_addr *eid, int mlen)
{
	const uint8_t *k = addr_bytes(eid);

	memset(c->key, 0, sizeof(c->key));
	if (k != NULL)
		memcpy(c->key, k, (size_t)(addr_bits(eid) + 7) / 8);
	c->plen = mlen;
}

/* tables in (bits, iid) order: IPv4 before IPv6, lower instance-ids first */
static int
table_before(const struct fib_table *a, int bits, uint32_t iid)
{
	return a->bits < bits || (a->bits == bits && a->iid < iid);
}

int
fib_walk_after(const struct fib *f, struct fib_cursor *cur,
    int (*cb)(struct fib_ent *, void *), void *arg)
{
	struct walk		 w = { cb, arg };
	const struct fib_table	*best;
	uint8_t			 zero[16] = { 0 };
	int			 i, rv, first;

	for (;;) {
		/* the table of the cursor, or the next one after it */
		best = NULL;
		for (i = 0; i < f->ntab; i++) {
			const struct fib_table *t = &f->tab[i];

			if (cur->started && table_before(t, cur->bits, cur->iid))
				continue;
			if (best == NULL || table_before(t, best->bits, best->iid))
				best = t;
		}
		if (best == NULL)
			return 0;
		first = !cur->started || best->bits != cur->bits ||
		    best->iid != cur->iid || cur->plen < 0;
		cur->started = 1;
		cur->bits = best->bits;
		cur->iid = best->iid;
		if (first) {
			/* the whole table: the default route, then after it */
			struct fib_ent *fe = trie_exact(best->t, zero, 0);

			if (fe != NULL && (rv = cb(fe, arg)) != 0)
				return rv;
			memset(cur->key, 0, sizeof(cur->key));
			cur->plen = 0;
		}
		if ((rv = trie_walk_after(best->t, cur->key, cur->plen, walk_cb, &w)) != 0)
			return rv;
		/* this table is done: move past it */
		cur->iid++;
		if (cur->iid == 0)
			cur->bits++;
		cur->plen = -1;
	}
}

void
fib_loc_addr(const struct fib_loc *l, struct lisp_addr *a)
{
	if (l->fam == FIB_V6)
		addr_set_v6(a, l->a);
	else
		addr_set_v4(a, l->a);
}

int
fib_loc_is(const struct fib_loc *l, const struct lisp_addr *a)
{
	if (a->afi == AFI_IPV4)
		return l->fam == FIB_V4 && memcmp(l->a, a->u.v4, 4) == 0;
	if (a->afi == AFI_IPV6)
		return l->fam == FIB_V6 && memcmp(l->a, a->u.v6, 16) == 0;
	return 0;
}

const char *
fib_loc_fmt(const struct fib_loc *l, char *buf, size_t len)
{
	struct lisp_addr a;

	fib_loc_addr(l, &a);
	return addr_fmt(&a, buf, len);
}
