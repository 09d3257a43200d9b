/* path-compressed binary (Patricia) trie for longest-prefix match.
 *
 * every node holds a prefix (key, plen). a node either carries a value
 * (a stored prefix) or is a branch node with exactly two children; a
 * node's children hold longer prefixes that extend its own, child[b]
 * those whose bit plen is b. keys are held as host-order 64-bit words,
 * left-aligned (bit 0 of the key is the top bit of the first), so prefix
 * comparisons are one xor and a count-leading-zeros.
 *
 * nodes come from per-trie chunks with a free list per kind and no
 * malloc header; a node has room only for what it holds (struct tnode):
 * for keys of up to 48 bits (IPv4, MAC) 16 octets a leaf, 24 a branch
 * node, 32 a prefix with children; 32, 40 and 48 for wider keys. memory of removed nodes is reused, and returned when
 * the trie is freed.
 *
 * the binary trie is the truth; once a trie holds TRIE_DIR_MIN prefixes a
 * lookup index is built beside it and kept up to date on every change:
 *
 * - IPv4 (32 bits): a 16-8-8 multibit index. a word per /16 holds either
 *   the longest stored /0-/16 covering it or, when the /16 holds longer
 *   prefixes, a level-1 block. the words of a /8 are a page of 256, made
 *   only when the /8 holds a prefix longer than /8: else one word for the
 *   /8 holds the longest /0-/8 that covers it, so a trie whose prefixes
 *   lie in a few /8s pays a few 2 KiB pages, not 512 KiB for every /16
 *   (idx_word). a block covers 8 bits
 *   below its top with 256 slots; it keeps only the prefixes of its own
 *   band (/17-/24 in level 1, /25-/32 in level 2), compressed as runs: a
 *   bit per slot marks where a new run starts and a popcount finds the
 *   run, so a /16 with a handful of prefixes takes a few hundred octets.
 *   a lookup tries level 2, then level 1, then the /16's default. runs
 *   hold copies of values and lengths, so a lookup reads the /16's word,
 *   its block and perhaps a level-2 block, and no tree node. an update
 *   rebuilds only the block of the band it touched (or the defaults of
 *   the /16s under a short prefix); a prefix lookup shorter than /32
 *   uses the index when its answer is no longer than the prefix.
 * - wider keys: a direct table indexed by the first 16 bits keeps, per
 *   slot, the first node of 16 or more bits on the slot's path and the
 *   longest stored prefix of fewer bits covering it, so lookups skip the
 *   top of the tree. its slots come in pages of 256 (a /8 each, 4 KiB),
 *   made only for a /8 the tree reaches into; every /8 has a slot of its
 *   own too (the first node of 8 or more bits), which a lookup starts
 *   from when the /8 has no page. */
#include <stdlib.h>
#include <string.h>

#include "trie.h"

struct tkey {
	uint64_t	 w[2];
};

/* a node is sized to its trie's key width and to what it holds: its key
 * words, then two child pointers if it has children (NODE_KIDS), then a
 * value if it holds a stored prefix (NODE_USED). w[0] holds the length in
 * bits 0-7 and the two flags; a narrow trie (up to 48 bits) keeps its key
 * in the same word, left-aligned above them, a wide one in w[1] and w[2].
 * so a leaf is 16 octets (narrow) or 32 (wide), a branch node 24 or 40,
 * a stored prefix with children 32 or 48. key comparisons never look past
 * a narrow key's length, so they read its word as it is. a node that
 * gains or loses children or its value is moved to a node of the new
 * size (node_resize); the direct table and the IPv4 index's /16 defaults,
 * which point at nodes, are refreshed where it was. */
struct tnode {
	uint64_t	 w0;		/* the words: through node_w() */
};

#define NODE_USED	0x100		/* holds a stored prefix: a value */
#define NODE_KIDS	0x200		/* has child pointers */
#define NODE_FLAGS	(NODE_USED | NODE_KIDS)
#define NARROW_BITS	48
#define CHUNK_HDR	16		/* the link, nodes 16-octet aligned */
#define CHUNK_BYTES	(CHUNK_HDR + 511 * 48)

#ifndef TRIE_DIR_MIN
#define TRIE_DIR_MIN	4096
#endif
#define DIR_BITS	16

struct tslot {
	const struct tnode *start;
	const struct tnode *best;
};

struct tchunk {
	struct tchunk	*next;
};

/* a /8 of the direct table: its own slot, and the page of its /16s */
struct tdir {
	struct tslot	 s8;
	struct tslot	*page;
};

/* the IPv4 index: 256 slots of runs of leaves (a level-2 block, /24);
 * val[] and plen[] live in the same allocation, after the header */
struct dleaf {
	uint64_t		 lbm[4];	/* slots starting a run */
	uint16_t		 lcum[4];	/* lbm bits set before word w */
	void			**val;		/* a value per run */
	uint8_t			*plen;		/* its length, 0: none */
};

/* a level-1 block (/16): its own runs, the level-2 blocks below it, and
 * the /16's default; child[] follows the header, then the runs */
struct dblk {
	uint64_t		 cbm[4];	/* slots with a level-2 block */
	uint16_t		 ccum[4];	/* cbm bits set before word w */
	struct dleaf		 lf;
	struct dleaf		**child;
	void			*dval;		/* best /0-/16 */
	int			 dplen;		/* its length, -1: none */
};

#define IDX_SLOTS	65536
#define IDX_BLK		1		/* tag of a block in a /16's word */
#define IDX_PAGE	2		/* tag of a page in a /8's word */

struct trie {
	struct tnode	*root;
	size_t		 count;
	int		 bits;
	int		 octets;
	int		 nw;		/* key words a node: 1 or 3 */
	int		 koff;		/* the key's first word in them */
	struct tnode	*free[4];	/* per kind, NODE_FLAGS >> 8 */
	struct tchunk	*chunks;
	char		*cpos, *cend;	/* what is left of chunks */
	struct tdir	*dir;		/* wider keys: 256 /8s */
	uintptr_t	*idx;		/* IPv4: 256 tagged words, a /8 each */
	size_t		 idx_retry;	/* count to try again after ENOMEM */
	int		 bulk;		/* trie_bulk: the IPv4 index waits */
};

/* the word of the /16 h: in its /8's page, or the /8's own */
static inline uintptr_t
idx_word(const uintptr_t *idx, uint32_t h)
{
	uintptr_t w = idx[h >> 8];

	return (w & IDX_PAGE) ? ((const uintptr_t *)(w - IDX_PAGE))[h & 255] : w;
}

static inline int
key_bit(const uint64_t *w, int i)
{
	if (i < 64)
		return (int)(w[0] >> (63 - i)) & 1;
	return (int)(w[1] >> (127 - i)) & 1;
}

/* leading bits in which a and b agree, at most max */
static inline int
key_common(const uint64_t *a, const uint64_t *b, int max)
{
	uint64_t x;
	int c;

	if ((x = a[0] ^ b[0]) != 0)
		c = __builtin_clzll(x);
	else if (max <= 64)
		c = 64;		/* a narrow node has no second word */
	else if ((x = a[1] ^ b[1]) != 0)
		c = 64 + __builtin_clzll(x);
	else
		c = 128;
	return c < max ? c : max;
}

/* 1 if the first plen bits of a and b agree */
static inline int
key_match(const uint64_t *a, const uint64_t *b, int plen)
{
	uint64_t m0, m1;

	if (plen <= 64) {
		m0 = plen == 0 ? 0 : ~0ULL << (64 - plen);
		return ((a[0] ^ b[0]) & m0) == 0;
	}
	m1 = ~0ULL << (128 - plen);
	return a[0] == b[0] && ((a[1] ^ b[1]) & m1) == 0;
}

static void
key_mask(struct tkey *k, int plen)
{
	if (plen <= 0) {
		k->w[0] = k->w[1] = 0;
	} else if (plen < 64) {
		k->w[0] &= ~0ULL << (64 - plen);
		k->w[1] = 0;
	} else if (plen == 64) {
		k->w[1] = 0;
	} else if (plen < 128) {
		k->w[1] &= ~0ULL << (128 - plen);
	}
}

static void
key_load(const struct trie *t, const uint8_t *p, struct tkey *k)
{
	uint8_t b[16];
	int i;

	memset(b, 0, sizeof(b));
	memcpy(b, p, (size_t)t->octets);
	k->w[0] = k->w[1] = 0;
	for (i = 0; i < 8; i++)
		k->w[0] = k->w[0] << 8 | b[i];
	for (i = 8; i < 16; i++)
		k->w[1] = k->w[1] << 8 | b[i];
	/* ignore bits beyond the family's width (48-bit MAC keys) */
	key_mask(k, t->bits);
}

static void
key_store(const struct trie *t, const uint64_t *w, uint8_t *p)
{
	int i;

	for (i = 0; i < t->octets; i++)
		p[i] = (uint8_t)(w[i / 8] >> (56 - 8 * (i % 8)));
}

static inline uint64_t *
node_w(const struct tnode *n)
{
	return (uint64_t *)(void *)(uintptr_t)n;
}

static inline int
node_plen(const struct tnode *n)
{
	return (int)(n->w0 & 0xff);
}

static inline int
node_used(const struct tnode *n)
{
	return (n->w0 & NODE_USED) != 0;
}

static inline const uint64_t *
node_key(const struct trie *t, const struct tnode *n)
{
	return node_w(n) + t->koff;
}

/* nw: the trie's key words, a constant where it matters */
static inline struct tnode **
node_kids_at(const struct tnode *n, int nw)
{
	return (struct tnode **)(void *)(node_w(n) + nw);
}

static inline struct tnode *
node_kid_at(const struct tnode *n, int nw, int b)
{
	return (n->w0 & NODE_KIDS) ? node_kids_at(n, nw)[b] : NULL;
}

static inline void **
node_valp_at(const struct tnode *n, int nw)
{
	return (void **)(void *)(node_w(n) + nw +
	    ((n->w0 & NODE_KIDS) ? 2 : 0));
}

static inline struct tnode *
node_kid(const struct trie *t, const struct tnode *n, int b)
{
	return node_kid_at(n, t->nw, b);
}

/* only for a node with NODE_KIDS */
static inline struct tnode **
node_kidp(const struct trie *t, struct tnode *n, int b)
{
	return &node_kids_at(n, t->nw)[b];
}

/* the value, NULL for a branch node */
static inline void *
node_val(const struct trie *t, const struct tnode *n)
{
	return node_used(n) ? *node_valp_at(n, t->nw) : NULL;
}

static inline size_t
node_size(const struct trie *t, uint64_t flags)
{
	return 8 * ((size_t)t->nw + ((flags & NODE_KIDS) ? 2 : 0) +
	    ((flags & NODE_USED) ? 1 : 0));
}

static void
node_tkey(const struct trie *t, const struct tnode *n, struct tkey *k)
{
	const uint64_t *w = node_key(t, n);

	k->w[0] = w[0];
	k->w[1] = t->koff != 0 ? w[1] : 0;
	key_mask(k, node_plen(n));
}

/* a zeroed node of the kind flags, from the kind's free list or a chunk */
static struct tnode *
node_alloc(struct trie *t, uint64_t flags)
{
	struct tchunk *c;
	struct tnode *n, **fl = &t->free[(flags & NODE_FLAGS) >> 8];
	size_t sz = node_size(t, flags);

	if ((n = *fl) != NULL) {
		*fl = node_kids_at(n, t->nw)[0];	/* the link */
	} else {
		if (t->cpos == NULL || (size_t)(t->cend - t->cpos) < sz) {
			if ((c = malloc(CHUNK_BYTES)) == NULL)
				return NULL;
			c->next = t->chunks;
			t->chunks = c;
			t->cpos = (char *)c + CHUNK_HDR;
			t->cend = (char *)c + CHUNK_BYTES;
		}
		n = (struct tnode *)(void *)t->cpos;
		t->cpos += sz;
	}
	memset(n, 0, sz);
	n->w0 = flags & NODE_FLAGS;
	return n;
}

/* a new node of kind flags, key k (masked to plen), length plen */
static struct tnode *
node_new(struct trie *t, uint64_t flags, const uint64_t *k, int plen)
{
	struct tnode *n;
	uint64_t *w;

	if ((n = node_alloc(t, flags)) == NULL)
		return NULL;
	w = node_w(n);
	if (t->koff == 0) {
		w[0] |= k[0] | (uint64_t)plen;
	} else {
		w[0] |= (uint64_t)plen;
		w[1] = k[0];
		w[2] = k[1];
	}
	return n;
}

static void
node_free(struct trie *t, struct tnode *n)
{
	struct tnode **fl = &t->free[(n->w0 & NODE_FLAGS) >> 8];

	node_kids_at(n, t->nw)[0] = *fl;
	*fl = n;
}

/* *pp moves to a node of kind flags: key, children and value are kept
 * where both kinds have them (new child pointers are NULL). NULL when out
 * of memory, with *pp unchanged */
static struct tnode *
node_resize(struct trie *t, struct tnode **pp, uint64_t flags)
{
	struct tnode *n = *pp, *m;

	if ((m = node_alloc(t, flags)) == NULL)
		return NULL;
	memcpy(node_w(m), node_w(n), 8 * (size_t)t->nw);
	m->w0 = (n->w0 & ~(uint64_t)NODE_FLAGS) | (flags & NODE_FLAGS);
	if ((n->w0 & NODE_KIDS) && (flags & NODE_KIDS))
		memcpy(node_kids_at(m, t->nw), node_kids_at(n, t->nw),
		    2 * sizeof(struct tnode *));
	if ((n->w0 & NODE_USED) && (flags & NODE_USED))
		*node_valp_at(m, t->nw) = *node_valp_at(n, t->nw);
	*pp = m;
	node_free(t, n);
	return m;
}

/* the slot of the prefix idx of bits bits (8 or 16): the first node of
 * that many bits or more on its path, the longest stored prefix shorter */
static void
slot_fill(const struct trie *t, uint32_t idx, int bits, struct tslot *sl)
{
	const struct tnode *n, *best = NULL;
	struct tkey k;

	k.w[0] = (uint64_t)idx << (64 - bits);
	k.w[1] = 0;
	for (n = t->root; n != NULL && node_plen(n) < bits;
	    n = node_kid(t, n, key_bit(k.w, node_plen(n)))) {
		if (!key_match(node_key(t, n), k.w, node_plen(n))) {
			n = NULL;
			break;
		}
		if (node_used(n))
			best = n;
	}
	/* a node that leaves the slot's prefix holds nothing under it */
	if (n != NULL && !key_match(node_key(t, n), k.w, bits))
		n = NULL;
	sl->start = n;
	sl->best = best;
}

/* /8 h's slot again, and its page's slots first..first + n - 1: a page
 * when the tree reaches into the /8, none when it does not. without
 * memory for a page lookups start from the /8's slot */
static void
dir_fill8(struct trie *t, uint32_t h, uint32_t first, uint32_t n)
{
	struct tdir *d = &t->dir[h];
	uint32_t i;

	slot_fill(t, h, 8, &d->s8);
	if (d->s8.start == NULL) {
		free(d->page);
		d->page = NULL;
		return;
	}
	if (d->page == NULL) {
		if ((d->page = malloc(256 * sizeof(*d->page))) == NULL)
			return;
		first = 0;
		n = 256;
	}
	for (i = first; i < first + n; i++)
		slot_fill(t, h << 8 | i, 16, &d->page[i]);
}

/* refresh the slots whose path reaches a place in the tree that changed:
 * the child pointer of a node of length p on key's side is reached by the
 * slots under key/(p + 1) (the root pointer by all). slots point at nodes
 * only through such places, so no slot keeps a freed node. */
static void
dir_update(struct trie *t, const struct tkey *k, int plen)
{
	uint32_t top, h, first, n;

	if (t->dir == NULL)
		return;
	if (plen > DIR_BITS)
		plen = DIR_BITS;
	top = (uint32_t)(k->w[0] >> (64 - DIR_BITS));
	if (plen < 8) {
		first = (top >> 8) & (plen == 0 ? 0 : ~0u << (8 - plen));
		for (h = first; h < first + (1u << (8 - plen)); h++)
			dir_fill8(t, h, 0, 256);
		return;
	}
	n = 1u << (DIR_BITS - plen);
	dir_fill8(t, top >> 8, top & 0xff & ~(n - 1), n);
}

static void
dir_free(struct trie *t)
{
	int h;

	for (h = 0; t->dir != NULL && h < 256; h++)
		free(t->dir[h].page);
	free(t->dir);
	t->dir = NULL;
}

static void
dir_build(struct trie *t)
{
	uint32_t h;

	if (t->bits <= 32 || t->count < TRIE_DIR_MIN || t->dir != NULL)
		return;
	if ((t->dir = calloc(256, sizeof(*t->dir))) == NULL)
		return;		/* lookups work without it */
	for (h = 0; h < 256; h++)
		dir_fill8(t, h, 0, 256);
}

/* ---- IPv4 16-8-8 index ---- */

static inline unsigned
blk_rank(const uint64_t *bm, const uint16_t *cum, unsigned i)
{
	uint64_t below = (2ULL << (i & 63)) - 1;	/* bits 0..i */

	return cum[i >> 6] + (unsigned)__builtin_popcountll(bm[i >> 6] & below);
}

static inline int
blk_has(const uint64_t *bm, unsigned i)
{
	return (int)(bm[i >> 6] >> (i & 63)) & 1;
}

/* longest stored prefix of /0-/max covering the /16 h */
static const struct tnode *
idx_dflt_to(const struct trie *t, uint32_t h, int max)
{
	const struct tnode *n, *best = NULL;
	struct tkey k;

	k.w[0] = (uint64_t)h << 48;
	k.w[1] = 0;
	for (n = t->root; n != NULL && node_plen(n) <= max;
	    n = node_kid(t, n, key_bit(k.w, node_plen(n)))) {
		if (!key_match(node_key(t, n), k.w, node_plen(n)))
			break;
		if (node_used(n))
			best = n;
		if (node_plen(n) == max)
			break;
	}
	return best;
}

static const struct tnode *
idx_dflt(const struct trie *t, uint32_t h)
{
	return idx_dflt_to(t, h, 16);
}

/* the subtree of the prefixes of top or more bits inside k/top */
static const struct tnode *
idx_sub(const struct trie *t, const struct tkey *k, int top)
{
	const struct tnode *n;

	for (n = t->root; n != NULL && node_plen(n) < top;
	    n = node_kid(t, n, key_bit(k->w, node_plen(n))))
		if (!key_match(node_key(t, n), k->w, node_plen(n)))
			return NULL;
	if (n == NULL || !key_match(node_key(t, n), k->w, top))
		return NULL;
	return n;
}

struct blkfill {
	int			 top;		/* 16 or 24 */
	const struct tnode	*leaf[256];
	uint64_t		 cbm[4];
};

static inline unsigned
blk_slot(const struct blkfill *f, const struct tnode *m)
{
	return (unsigned)(m->w0 >> (56 - f->top)) & 255;	/* narrow */
}

/* preorder: a prefix's slots are written before those of the longer
 * prefixes inside it. prefixes below the band only mark their slot. */
static void
blk_fill(struct blkfill *f, const struct tnode *m)
{
	unsigned s, i, n;
	int bot = f->top + 8;

	for (; m != NULL; m = node_kid_at(m, 1, 1)) {
		s = blk_slot(f, m);
		if (node_plen(m) > bot) {
			f->cbm[s >> 6] |= 1ULL << (s & 63);
			return;
		}
		if (node_used(m) && node_plen(m) > f->top) {
			n = 1u << (bot - node_plen(m));
			for (i = 0; i < n; i++)
				f->leaf[s + i] = m;
		}
		if (node_plen(m) == bot) {
			if (node_kid_at(m, 1, 0) != NULL || node_kid_at(m, 1, 1) != NULL)
				f->cbm[s >> 6] |= 1ULL << (s & 63);
			return;
		}
		blk_fill(f, node_kid_at(m, 1, 0));
	}
}

static void
blk_free(struct dblk *b)
{
	unsigned i, n;

	if (b == NULL)
		return;
	n = b->ccum[3] + (unsigned)__builtin_popcountll(b->cbm[3]);
	for (i = 0; i < n; i++)
		free(b->child[i]);
	free(b);
}

static void
blk_dflt(struct dblk *b, const struct tnode *n)
{
	b->dval = n != NULL ? *node_valp_at(n, 1) : NULL;
	b->dplen = n != NULL ? node_plen(n) : -1;
}

/* the runs of a filled table: how many, and whether any holds a prefix */
static unsigned
leaf_runs(const struct blkfill *f, uint64_t *lbm, int *any)
{
	unsigned i, nl = 0;

	memset(lbm, 0, 4 * sizeof(*lbm));
	*any = 0;
	for (i = 0; i < 256; i++) {
		if (f->leaf[i] != NULL)
			*any = 1;
		if (i == 0 || f->leaf[i] != f->leaf[i - 1]) {
			lbm[i >> 6] |= 1ULL << (i & 63);
			nl++;
		}
	}
	return nl;
}

/* the runs go to mem: nl values, then nl lengths */
static void
leaf_set(struct dleaf *lf, const struct blkfill *f, const uint64_t *lbm,
    unsigned nl, void *mem)
{
	unsigned i, w, r;

	memcpy(lf->lbm, lbm, sizeof(lf->lbm));
	lf->lcum[0] = 0;
	for (w = 1; w < 4; w++)
		lf->lcum[w] = (uint16_t)(lf->lcum[w - 1] +
		    __builtin_popcountll(lf->lbm[w - 1]));
	lf->val = mem;
	lf->plen = (uint8_t *)(lf->val + nl);
	for (i = 0, r = 0; i < 256; i++) {
		if (!blk_has(lf->lbm, i))
			continue;
		lf->val[r] = f->leaf[i] != NULL ? *node_valp_at(f->leaf[i], 1) : NULL;
		lf->plen[r] = f->leaf[i] != NULL ? node_plen(f->leaf[i]) : 0;
		r++;
	}
}

/* level 2: the /25-/32 prefixes inside the /24 g. NULL when out of
 * memory, or with *empty set when it holds none. */
static struct dleaf *
leaf_build24(const struct trie *t, uint32_t g, int *empty)
{
	struct blkfill f;
	struct tkey k;
	const struct tnode *n;
	struct dleaf *lf;
	uint64_t lbm[4];
	unsigned nl;
	int any;

	memset(&f, 0, sizeof(f));
	f.top = 24;
	k.w[0] = (uint64_t)g << 40;
	k.w[1] = 0;
	*empty = 1;
	if ((n = idx_sub(t, &k, 24)) == NULL)
		return NULL;
	if (node_plen(n) == 24) {
		blk_fill(&f, node_kid(t, n, 0));
		blk_fill(&f, node_kid(t, n, 1));
	} else
		blk_fill(&f, n);
	nl = leaf_runs(&f, lbm, &any);
	if (!any)
		return NULL;
	*empty = 0;
	if ((lf = malloc(sizeof(*lf) + nl * (sizeof(void *) + 1))) == NULL)
		return NULL;
	leaf_set(lf, &f, lbm, nl, lf + 1);
	return lf;
}

/* a level-1 block from a filled table. level-2 blocks are taken from old
 * where it has them (old is then freed, with those it no longer needs)
 * and built otherwise. NULL when out of memory (old untouched), or with
 * *empty set when the block would hold nothing. */
static struct dblk *
blk_make(const struct trie *t, const struct blkfill *f, uint32_t h,
    struct dblk *old, int *empty)
{
	struct dblk *b;
	struct dleaf *c;
	unsigned i, w, nc = 0, nl;
	uint64_t lbm[4];
	int e, any;

	nl = leaf_runs(f, lbm, &any);
	for (w = 0; w < 4; w++)
		nc += (unsigned)__builtin_popcountll(f->cbm[w]);
	*empty = !any && nc == 0;
	if (*empty)
		return NULL;
	if ((b = malloc(sizeof(*b) + nc * sizeof(*b->child) +
	    nl * (sizeof(void *) + 1))) == NULL)
		return NULL;
	memcpy(b->cbm, f->cbm, sizeof(b->cbm));
	b->ccum[0] = 0;
	for (w = 1; w < 4; w++)
		b->ccum[w] = (uint16_t)(b->ccum[w - 1] +
		    __builtin_popcountll(b->cbm[w - 1]));
	b->child = (struct dleaf **)(b + 1);
	leaf_set(&b->lf, f, lbm, nl, b->child + nc);
	blk_dflt(b, NULL);
	/* new level-2 blocks first, so a failure leaves old untouched */
	for (i = 0, nc = 0; i < 256; i++) {
		if (!blk_has(b->cbm, i))
			continue;
		c = NULL;
		if ((old == NULL || !blk_has(old->cbm, i)) &&
		    (c = leaf_build24(t, h << 8 | i, &e)) == NULL) {
			/* e is 0: a marked slot holds a prefix */
			while (nc-- > 0)
				free(b->child[nc]);
			free(b);
			return NULL;
		}
		b->child[nc++] = c;
	}
	if (old == NULL)
		return b;
	for (i = 0; i < 256; i++) {
		if (!blk_has(old->cbm, i))
			continue;
		c = old->child[blk_rank(old->cbm, old->ccum, i) - 1];
		if (blk_has(b->cbm, i))
			b->child[blk_rank(b->cbm, b->ccum, i) - 1] = c;
		else
			free(c);
	}
	free(old);
	return b;
}

/* the page of the /16 h's /8, made (each word the /8's) when it has
 * none; NULL when out of memory */
static uintptr_t *
idx_page(struct trie *t, uint32_t h)
{
	uintptr_t *pg, w = t->idx[h >> 8];
	int i;

	if (w & IDX_PAGE)
		return (uintptr_t *)(w - IDX_PAGE);
	if ((pg = malloc(256 * sizeof(*pg))) == NULL)
		return NULL;
	for (i = 0; i < 256; i++)
		pg[i] = w;
	t->idx[h >> 8] = (uintptr_t)pg | IDX_PAGE;
	return pg;
}

/* set the word of the /16 h, making its /8's page when the word differs
 * from the /8's own; -1 when out of memory (nothing changed). it cannot
 * fail once the /8 has its page */
static int
idx_put(struct trie *t, uint32_t h, uintptr_t v)
{
	uintptr_t *pg;

	if ((t->idx[h >> 8] & IDX_PAGE) == 0 && v == t->idx[h >> 8])
		return 0;
	if ((pg = idx_page(t, h)) == NULL)
		return -1;
	pg[h & 255] = v;
	return 0;
}

/* the page of the /8 h8 goes when it no longer holds a prefix longer than
 * /8: its words are then all the same default */
static void
idx_trim(struct trie *t, uint32_t h8)
{
	uintptr_t *pg, w = t->idx[h8];
	int i;

	if ((w & IDX_PAGE) == 0)
		return;
	pg = (uintptr_t *)(w - IDX_PAGE);
	for (i = 1; i < 256; i++)
		if (pg[i] != pg[0])
			return;
	if (pg[0] & IDX_BLK)
		return;
	t->idx[h8] = pg[0];
	free(pg);
}

/* level 1: the /17-/24 prefixes inside the /16 h, reusing old's level-2
 * blocks; idx[h] becomes the block, or the /16's default when the /16
 * holds no longer prefix. -1 when out of memory (idx[h] unchanged). */
static int
idx_set16(struct trie *t, uint32_t h)
{
	struct blkfill f;
	struct tkey k;
	const struct tnode *n, *dflt;
	struct dblk *b, *old = NULL;
	int empty;

	if (idx_word(t->idx, h) & IDX_BLK)
		old = (struct dblk *)(idx_word(t->idx, h) - IDX_BLK);
	dflt = idx_dflt(t, h);
	memset(&f, 0, sizeof(f));
	f.top = 16;
	k.w[0] = (uint64_t)h << 48;
	k.w[1] = 0;
	b = NULL;
	empty = 1;
	if ((n = idx_sub(t, &k, 16)) != NULL) {
		/* a prefix of 16 bits or more inside: the /8 has a page, so
		 * that idx_put below cannot fail once the block is made */
		if (idx_page(t, h) == NULL)
			return -1;
		if (node_plen(n) == 16) {
			blk_fill(&f, node_kid(t, n, 0));
			blk_fill(&f, node_kid(t, n, 1));
		} else
			blk_fill(&f, n);
		if ((b = blk_make(t, &f, h, old, &empty)) == NULL && !empty)
			return -1;
	}
	if (b == NULL) {
		if (idx_put(t, h, (uintptr_t)dflt) == -1)
			return -1;	/* old stays where it is */
		blk_free(old);
	} else {
		blk_dflt(b, dflt);
		idx_put(t, h, (uintptr_t)b | IDX_BLK);
	}
	return 0;
}

static void
idx_drop(struct trie *t)
{
	uint32_t h;

	if (t->idx == NULL)
		return;
	for (h = 0; h < IDX_SLOTS; h++)
		if (idx_word(t->idx, h) & IDX_BLK)
			blk_free((struct dblk *)(idx_word(t->idx, h) - IDX_BLK));
	for (h = 0; h < 256; h++)
		if (t->idx[h] & IDX_PAGE)
			free((void *)(t->idx[h] - IDX_PAGE));
	free(t->idx);
	t->idx = NULL;
}

static void
idx_build(struct trie *t)
{
	uint32_t h;

	if (t->bits != 32 || t->count < TRIE_DIR_MIN || t->idx != NULL ||
	    t->count < t->idx_retry || t->bulk)
		return;
	if ((t->idx = calloc(256, sizeof(*t->idx))) == NULL)
		goto fail;
	for (h = 0; h < 256; h++)
		t->idx[h] = (uintptr_t)idx_dflt_to(t, h << 8, 8);
	for (h = 0; h < IDX_SLOTS; h++)
		if (idx_set16(t, h) == -1)
			goto fail;
	return;
 fail:
	/* lookups work without it; try again when the trie has doubled */
	idx_drop(t);
	t->idx_retry = 2 * t->count;
}

/* the stored prefix k/plen was added or removed: refresh its band */
static void
idx_update(struct trie *t, const struct tkey *k, int plen)
{
	uint32_t h, n, i, s;
	struct dblk *b;
	struct dleaf *c, **cp;
	const struct tnode *dflt;
	uintptr_t w;
	int empty;

	if (t->idx == NULL)
		return;
	h = (uint32_t)(k->w[0] >> 48);
	if (plen <= 16) {
		n = 1u << (16 - plen);
		h &= ~(n - 1);
		for (i = h; i < h + n; i++) {
			if (plen <= 8 && (t->idx[i >> 8] & IDX_PAGE) == 0) {
				/* no page: nothing longer than /8 inside, its
				 * /16s have the /8's default */
				t->idx[i >> 8] = (uintptr_t)idx_dflt_to(t, i, 8);
				i |= 255;
				continue;
			}
			dflt = idx_dflt(t, i);
			w = idx_word(t->idx, i);
			if (w & IDX_BLK)
				blk_dflt((struct dblk *)(w - IDX_BLK), dflt);
			else if (idx_put(t, i, (uintptr_t)dflt) == -1)
				goto fail;
		}
		if (plen > 8)
			idx_trim(t, h >> 8);
		return;
	}
	if (plen > 24 && (idx_word(t->idx, h) & IDX_BLK)) {
		b = (struct dblk *)(idx_word(t->idx, h) - IDX_BLK);
		s = (uint32_t)(k->w[0] >> 40) & 255;
		if (blk_has(b->cbm, s)) {
			/* only the level-2 block changes, unless it empties */
			c = leaf_build24(t, (uint32_t)(k->w[0] >> 40), &empty);
			if (c != NULL) {
				cp = &b->child[blk_rank(b->cbm, b->ccum, s) - 1];
				free(*cp);
				*cp = c;
				return;
			}
			if (!empty)
				goto fail;
		}
	}
	if (idx_set16(t, h) == 0) {
		idx_trim(t, h >> 8);
		return;
	}
 fail:
	idx_drop(t);
	t->idx_retry = 2 * t->count;
}

/* values and lengths are copied into the blocks, so a lookup reads no
 * tree node once the /16 has a block. on x86-64 a clone with the popcnt
 * instruction is picked at load time (the baseline ISA lacks it). */
#if defined(__x86_64__) && defined(__has_attribute)
#if __has_attribute(target_clones)
__attribute__((target_clones("popcnt", "default")))
#endif
#endif
static void *
idx_lookup(const uintptr_t *idx, uint32_t a, int *mlen)
{
	uintptr_t e = idx_word(idx, a >> 16);
	const struct dblk *b;
	const struct dleaf *c;
	const struct tnode *n;
	unsigned i, r;

	if ((e & IDX_BLK) == 0) {
		if ((n = (const struct tnode *)e) == NULL)
			return NULL;
		if (mlen != NULL)
			*mlen = node_plen(n);
		return *node_valp_at(n, 1);
	}
	b = (const struct dblk *)(e - IDX_BLK);
	i = (a >> 8) & 255;
	if (blk_has(b->cbm, i)) {
		c = b->child[blk_rank(b->cbm, b->ccum, i) - 1];
		r = blk_rank(c->lbm, c->lcum, a & 255) - 1;
		if (c->plen[r] != 0) {
			if (mlen != NULL)
				*mlen = c->plen[r];
			return c->val[r];
		}
	}
	r = blk_rank(b->lf.lbm, b->lf.lcum, i) - 1;
	if (b->lf.plen[r] != 0) {
		if (mlen != NULL)
			*mlen = b->lf.plen[r];
		return b->lf.val[r];
	}
	if (b->dplen < 0)
		return NULL;
	if (mlen != NULL)
		*mlen = b->dplen;
	return b->dval;
}

/* the same for a prefix a/plen: the index's answer holds when it is no
 * longer than plen (a longer one hides the one wanted: -1, ask the tree) */
static int
idx_lookup_prefix(const uintptr_t *idx, uint32_t a, int plen, void **val,
    int *mlen)
{
	uintptr_t e = idx_word(idx, a >> 16);
	const struct dblk *b;
	const struct dleaf *c;
	const struct tnode *n;
	unsigned i, r;
	int l = -1;

	*val = NULL;
	if ((e & IDX_BLK) == 0) {
		if ((n = (const struct tnode *)e) != NULL) {
			*val = *node_valp_at(n, 1);
			l = node_plen(n);
		}
		goto out;
	}
	b = (const struct dblk *)(e - IDX_BLK);
	i = (a >> 8) & 255;
	if (plen > 24 && blk_has(b->cbm, i)) {
		c = b->child[blk_rank(b->cbm, b->ccum, i) - 1];
		r = blk_rank(c->lbm, c->lcum, a & 255) - 1;
		if (c->plen[r] != 0) {
			*val = c->val[r];
			l = c->plen[r];
			goto out;
		}
	}
	r = blk_rank(b->lf.lbm, b->lf.lcum, i) - 1;
	if (plen > 16 && b->lf.plen[r] != 0) {
		*val = b->lf.val[r];
		l = b->lf.plen[r];
		goto out;
	}
	*val = b->dval;
	l = b->dplen;
 out:
	if (l > plen)
		return -1;
	if (l >= 0 && mlen != NULL)
		*mlen = l;
	return 0;
}

/* every change of a stored prefix goes through here */
static void
index_changed(struct trie *t, const struct tkey *k, int plen, int ppos)
{
	dir_update(t, k, ppos);
	idx_update(t, k, plen);
	dir_build(t);
	idx_build(t);
}

struct trie *
trie_new(int bits)
{
	struct trie *t;

	if (bits <= 0 || bits > 128 || bits % 8 != 0)
		return NULL;
	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->bits = bits;
	t->octets = bits / 8;
	t->nw = bits <= NARROW_BITS ? 1 : 3;
	t->koff = bits <= NARROW_BITS ? 0 : 1;
	return t;
}

static void
node_free_vals(const struct trie *t, struct tnode *n,
    void (*free_val)(void *))
{
	while (n != NULL) {
		if (node_used(n))
			free_val(node_val(t, n));
		node_free_vals(t, node_kid(t, n, 0), free_val);
		n = node_kid(t, n, 1);
	}
}

void
trie_free(struct trie *t, void (*free_val)(void *))
{
	struct tchunk *c, *next;

	if (t == NULL)
		return;
	if (free_val != NULL)
		node_free_vals(t, t->root, free_val);
	for (c = t->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	dir_free(t);
	idx_drop(t);
	free(t);
}

/* a bulk load rebuilds each touched block once per change: building the
 * index once at the end is cheaper. lookups meanwhile walk the tree */
void
trie_bulk(struct trie *t, int on)
{
	if (t == NULL || t->bulk == (on != 0))
		return;
	t->bulk = on != 0;
	if (t->bulk)
		idx_drop(t);
	else
		idx_build(t);
}

size_t
trie_count(const struct trie *t)
{
	return t->count;
}

/* the /16 defaults of the IPv4 index point at stored prefixes of up to
 * 16 bits: after such a node moved, refresh them */
static void
idx_moved(struct trie *t, const struct tnode *n)
{
	struct tkey nk;

	if (t->idx == NULL || !node_used(n) || node_plen(n) > 16)
		return;
	node_tkey(t, n, &nk);
	idx_update(t, &nk, node_plen(n));
}

int
trie_insert(struct trie *t, const uint8_t *key, int plen, void *val,
    void **old)
{
	struct tnode **pp, *n, *nn, *br;
	struct tkey k, bk;
	int c, ppos = 0;

	if (old != NULL)
		*old = NULL;
	if (plen < 0 || plen > t->bits)
		return -1;
	key_load(t, key, &k);
	key_mask(&k, plen);

	pp = &t->root;
	for (;;) {
		n = *pp;
		if (n == NULL) {
			if ((nn = node_new(t, NODE_USED, k.w, plen)) == NULL)
				return -1;
			*node_valp_at(nn, t->nw) = val;
			*pp = nn;
			t->count++;
			index_changed(t, &k, plen, ppos);
			return 0;
		}
		c = key_common(node_key(t, n), k.w,
		    node_plen(n) < plen ? node_plen(n) : plen);
		if (c == node_plen(n)) {
			if (node_plen(n) == plen) {
				/* exact: replace, or fill a branch node */
				if (node_used(n)) {
					if (old != NULL)
						*old = *node_valp_at(n, t->nw);
					*node_valp_at(n, t->nw) = val;
					idx_update(t, &k, plen);  /* copies */
					return 0;
				}
				if ((n = node_resize(t, pp, n->w0 |
				    NODE_USED)) == NULL)
					return -1;
				*node_valp_at(n, t->nw) = val;
				t->count++;
				index_changed(t, &k, plen, ppos);
				return 0;
			}
			if (!(n->w0 & NODE_KIDS)) {
				/* a leaf gets the new prefix as its child */
				if ((nn = node_new(t, NODE_USED, k.w,
				    plen)) == NULL)
					return -1;
				if ((n = node_resize(t, pp, n->w0 |
				    NODE_KIDS)) == NULL) {
					node_free(t, nn);
					return -1;
				}
				*node_valp_at(nn, t->nw) = val;
				*node_kidp(t, n, key_bit(k.w, node_plen(n))) = nn;
				t->count++;
				index_changed(t, &k, plen, ppos);
				idx_moved(t, n);
				return 0;
			}
			pp = node_kidp(t, n, key_bit(k.w, node_plen(n)));
			ppos = node_plen(n) + 1;
			continue;
		}
		/* k and n diverge before n's length */
		if (c == plen) {
			/* the new prefix covers n */
			if ((nn = node_new(t, NODE_USED | NODE_KIDS, k.w,
			    plen)) == NULL)
				return -1;
			*node_kidp(t, nn, key_bit(node_key(t, n), plen)) = n;
			*pp = nn;
		} else {
			if ((nn = node_new(t, NODE_USED, k.w, plen)) == NULL)
				return -1;
			bk = k;
			key_mask(&bk, c);
			if ((br = node_new(t, NODE_KIDS, bk.w, c)) == NULL) {
				node_free(t, nn);
				return -1;
			}
			*node_kidp(t, br, key_bit(k.w, c)) = nn;
			*node_kidp(t, br, key_bit(node_key(t, n), c)) = n;
			*pp = br;
		}
		*node_valp_at(nn, t->nw) = val;
		t->count++;
		index_changed(t, &k, plen, ppos);
		return 0;
	}
}

void *
trie_remove(struct trie *t, const uint8_t *key, int plen)
{
	struct tnode **pp, **ppp = NULL, *n, *parent = NULL, *other, *m;
	struct tkey k;
	void *val;
	int ppos = 0, pppos = 0;

	if (plen < 0 || plen > t->bits)
		return NULL;
	key_load(t, key, &k);
	key_mask(&k, plen);

	pp = &t->root;
	while ((n = *pp) != NULL) {
		if (node_plen(n) > plen ||
		    !key_match(node_key(t, n), k.w, node_plen(n)))
			return NULL;
		if (node_plen(n) == plen)
			break;
		if (!(n->w0 & NODE_KIDS))
			return NULL;		/* a leaf: nothing below */
		ppp = pp;
		pppos = ppos;
		parent = n;
		pp = node_kidp(t, n, key_bit(k.w, node_plen(n)));
		ppos = node_plen(n) + 1;
	}
	if (n == NULL || !node_used(n))
		return NULL;
	val = *node_valp_at(n, t->nw);
	t->count--;

	if (node_kid(t, n, 0) != NULL && node_kid(t, n, 1) != NULL) {
		/* stays as a branch node. without memory for the smaller
		 * node it stays where it is: a branch node's layout is the
		 * start of this one's (its last 8 octets are lost until the
		 * trie is freed) */
		if (node_resize(t, pp, NODE_KIDS) == NULL)
			n->w0 &= ~(uint64_t)NODE_USED;
		index_changed(t, &k, plen, ppos);
		return val;
	}
	*pp = node_kid(t, n, 0) != NULL ? node_kid(t, n, 0) :
	    node_kid(t, n, 1);
	node_free(t, n);
	if (*pp == NULL && parent != NULL && !node_used(parent)) {
		/* a valueless parent left with one child is spliced out */
		other = node_kid(t, parent, 0) != NULL ?
		    node_kid(t, parent, 0) : node_kid(t, parent, 1);
		*ppp = other;
		ppos = pppos;
		node_free(t, parent);
	} else if (*pp == NULL && parent != NULL &&
	    node_kid(t, parent, 0) == NULL && node_kid(t, parent, 1) == NULL) {
		/* a stored parent left without children becomes a leaf
		 * (without memory it keeps its two empty child pointers) */
		ppos = pppos;
		if ((m = node_resize(t, ppp, NODE_USED)) != NULL) {
			index_changed(t, &k, plen, ppos);
			idx_moved(t, m);
			return val;
		}
	}
	index_changed(t, &k, plen, ppos);
	return val;
}

void *
trie_exact(const struct trie *t, const uint8_t *key, int plen)
{
	const struct tnode *n;
	struct tkey k;

	if (plen < 0 || plen > t->bits)
		return NULL;
	key_load(t, key, &k);
	key_mask(&k, plen);
	for (n = t->root; n != NULL; n = node_kid(t, n, key_bit(k.w, node_plen(n)))) {
		if (node_plen(n) > plen || !key_match(node_key(t, n), k.w, node_plen(n)))
			return NULL;
		if (node_plen(n) == plen)
			return node_val(t, n);
	}
	return NULL;
}

/* the walk down k's path from n, with the key's place in a node a
 * constant (koff) so that a wide trie's loop loads nothing but nodes */
static inline __attribute__((always_inline)) const struct tnode *
lookup_from(const struct tnode *n, const struct tnode *best,
    const uint64_t *k, int plen, int nw)
{
	int l;

	while (n != NULL && (l = node_plen(n)) <= plen) {
		if (!key_match(node_w(n) + (nw == 1 ? 0 : 1), k, l))
			break;
		if (node_used(n))
			best = n;
		if (l == plen)
			break;
		n = node_kid_at(n, nw, key_bit(k, l));
	}
	return best;
}

static void *
lookup(const struct trie *t, const struct tkey *k, int plen, int *mlen)
{
	const struct tnode *n = t->root, *best = NULL;
	const struct tslot *sl;

	if (t->dir != NULL && plen >= DIR_BITS) {
		const struct tdir *d = &t->dir[k->w[0] >> 56];

		sl = d->page != NULL ? &d->page[(k->w[0] >> 48) & 0xff] : &d->s8;
		n = sl->start;
		best = sl->best;
	}
	if (t->nw == 1)
		best = lookup_from(n, best, k->w, plen, 1);
	else
		best = lookup_from(n, best, k->w, plen, 3);
	if (best == NULL)
		return NULL;
	if (mlen != NULL)
		*mlen = node_plen(best);
	return node_val(t, best);
}

static inline uint32_t
get32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	    (uint32_t)p[2] << 8 | p[3];
}

void *
trie_lookup(const struct trie *t, const uint8_t *key, int *plen)
{
	struct tkey k;

	if (t->idx != NULL)
		return idx_lookup(t->idx, get32(key), plen);
	key_load(t, key, &k);
	return lookup(t, &k, t->bits, plen);
}

void *
trie_lookup_prefix(const struct trie *t, const uint8_t *key, int plen,
    int *mlen)
{
	struct tkey k;
	uint32_t a;
	void *v;

	if (plen < 0 || plen > t->bits)
		return NULL;
	if (t->idx != NULL && plen == 32)
		return idx_lookup(t->idx, get32(key), mlen);
	if (t->idx != NULL) {
		a = get32(key) & (plen == 0 ? 0 : ~0u << (32 - plen));
		if (idx_lookup_prefix(t->idx, a, plen, &v, mlen) == 0)
			return v;
	}
	key_load(t, key, &k);
	key_mask(&k, plen);
	return lookup(t, &k, plen, mlen);
}

int
trie_has_inside(const struct trie *t, const uint8_t *key, int plen)
{
	const struct tnode *n;
	struct tkey k;

	if (plen < 0 || plen > t->bits)
		return 0;
	key_load(t, key, &k);
	key_mask(&k, plen);
	for (n = t->root; n != NULL; n = node_kid(t, n, key_bit(k.w, node_plen(n)))) {
		/* every subtree holds at least one stored prefix */
		if (node_plen(n) >= plen)
			return key_match(node_key(t, n), k.w, plen);
		if (!key_match(node_key(t, n), k.w, node_plen(n)))
			return 0;
	}
	return 0;
}

/*
 * the coarsest prefix around key that overlaps no stored prefix is key/L
 * with L = max over stored P of (common leading bits of key and P) + 1.
 * walking down key's path, the deepest place where key leaves the stored
 * prefixes gives the maximum: either a node whose prefix key does not
 * match (every prefix below shares that node's bits, so they agree with
 * key on exactly c bits), or a branch node whose child on key's side is
 * empty (the prefixes on the other side agree with key on plen bits).
 * passing a node that holds a value means key lies inside it.
 */
int
trie_negative(const struct trie *t, const uint8_t *key)
{
	const struct tnode *n, *next;
	struct tkey k;
	int c;

	key_load(t, key, &k);
	for (n = t->root; n != NULL; n = next) {
		c = key_common(node_key(t, n), k.w, node_plen(n));
		if (c < node_plen(n))
			return c + 1;
		if (node_used(n))
			return -1;
		/* a branch node: both children exist */
		if ((next = node_kid(t, n, key_bit(k.w, node_plen(n)))) == NULL)
			return node_plen(n) + 1;
	}
	return 0;
}

struct walk {
	const struct trie *t;
	int	(*cb)(const uint8_t *, int, void *, void *);
	void	*arg;
};

static int
walk_node(const struct walk *w, const struct tnode *n)
{
	uint8_t key[16];
	int rv;

	while (n != NULL) {
		if (node_used(n)) {
			key_store(w->t, node_key(w->t, n), key);
			if ((rv = w->cb(key, node_plen(n), node_val(w->t, n),
			    w->arg)) != 0)
				return rv;
		}
		if ((rv = walk_node(w, node_kid(w->t, n, 0))) != 0)
			return rv;
		n = node_kid(w->t, n, 1);
	}
	return 0;
}

int
trie_walk(const struct trie *t, int (*cb)(const uint8_t *, int, void *,
    void *), void *arg)
{
	struct walk w = { t, cb, arg };

	return walk_node(&w, t->root);
}

int
trie_walk_under(const struct trie *t, const uint8_t *key, int plen,
    int (*cb)(const uint8_t *, int, void *, void *), void *arg)
{
	struct walk w = { t, cb, arg };
	const struct tnode *n;
	struct tkey k;

	if (plen < 0 || plen > t->bits)
		return 0;
	key_load(t, key, &k);
	key_mask(&k, plen);
	/* down key's path to the first node of plen or more bits: the
	 * subtree under it holds exactly the prefixes inside key/plen */
	for (n = t->root; n != NULL && node_plen(n) < plen;
	    n = node_kid(t, n, key_bit(k.w, node_plen(n))))
		if (!key_match(node_key(t, n), k.w, node_plen(n)))
			return 0;
	if (n == NULL || !key_match(node_key(t, n), k.w, plen))
		return 0;
	return walk_node(&w, n);
}

/* the nodes of n's subtree that come after (k, plen) in walk order (a
 * prefix before the longer ones inside it, 0 branches before 1) */
static int
walk_after(const struct walk *w, const struct tnode *n, const struct tkey *k,
    int plen)
{
	int m, i, b, rv;

	while (n != NULL) {
		m = node_plen(n) < plen ? node_plen(n) : plen;
		i = key_common(node_key(w->t, n), k->w, m);
		if (i < m)	/* they part before either ends */
			return key_bit(node_key(w->t, n), i) ? walk_node(w, n) : 0;
		if (node_plen(n) > plen)	/* inside (k, plen): all after it */
			return walk_node(w, n);
		if (node_plen(n) == plen) {	/* (k, plen) itself: its subtree */
			if ((rv = walk_node(w, node_kid(w->t, n, 0))) != 0)
				return rv;
			return walk_node(w, node_kid(w->t, n, 1));
		}
		/* n covers (k, plen): n comes before; so does its 0 side when
		 * k goes to the 1 side */
		b = key_bit(k->w, node_plen(n));
		if (b == 0) {
			if ((rv = walk_after(w, node_kid(w->t, n, 0), k, plen)) != 0)
				return rv;
			return walk_node(w, node_kid(w->t, n, 1));
		}
		n = node_kid(w->t, n, 1);
	}
	return 0;
}

int
trie_walk_after(const struct trie *t, const uint8_t *key, int plen,
    int (*cb)(const uint8_t *, int, void *, void *), void *arg)
{
	struct walk w = { t, cb, arg };
	struct tkey k;

	if (plen < 0 || plen > t->bits)
		return 0;
	key_load(t, key, &k);
	key_mask(&k, plen);
	return walk_after(&w, t->root, &k, plen);
}

struct trie_set *
trie_set_get(struct trie_set **head, uint32_t iid, int bits, int create)
{
	struct trie_set *t;

	for (t = *head; t != NULL; t = t->next)
		if (t->iid == iid && t->bits == bits)
			return t;
	if (!create || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->t = trie_new(bits)) == NULL) {
		free(t);
		return NULL;
	}
	t->iid = iid;
	t->bits = bits;
	t->next = *head;
	*head = t;
	return t;
}

void
trie_set_free(struct trie_set **head, void (*free_val)(void *))
{
	struct trie_set *t;

	while ((t = *head) != NULL) {
		*head = t->next;
		trie_free(t->t, free_val);
		free(t);
	}
}
