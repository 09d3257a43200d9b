/* path-compressed binary (Patricia) trie for longest-prefix match.
 *
 * every node holds a prefix (key, plen). a node either carries a value
 * (a stored prefix) or is a branch node with exactly two children; a
 * node's children hold longer prefixes that extend its own, child[b]
 * those whose bit plen is b. keys are held as two host-order 64-bit words,
 * left-aligned (bit 0 of the key is the top bit of w[0]), so prefix
 * comparisons are one xor and a count-leading-zeros.
 *
 * nodes come from per-trie chunks with a free list: 48 octets a node and
 * no malloc header. memory of removed nodes is reused, and returned when
 * the trie is freed.
 *
 * once a trie holds TRIE_DIR_MIN prefixes, a direct table indexed by the
 * first 16 bits of the key (1 MB) lets longest-match lookups skip the top
 * of the tree: each slot keeps the first node of 16 or more bits on the
 * slot's path and the longest stored prefix of fewer bits covering it.
 * inserts and removals refresh the slots under the prefix they touched. */
#include <stdlib.h>
#include <string.h>

#include "trie.h"

struct tkey {
	uint64_t	 w[2];
};

struct tnode {
	struct tnode	*child[2];
	void		*val;
	struct tkey	 key;
	uint8_t		 plen;
	uint8_t		 used;		/* holds a stored prefix */
};

#define CHUNK_NODES	511

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
	struct tnode	 n[CHUNK_NODES];
};

struct trie {
	struct tnode	*root;
	size_t		 count;
	int		 bits;
	int		 octets;
	struct tnode	*free;
	struct tchunk	*chunks;
	size_t		 chunk_used;	/* nodes handed out of chunks->n */
	struct tslot	*dir;		/* 1 << DIR_BITS slots, or NULL */
};

static inline int
key_bit(const struct tkey *k, int i)
{
	if (i < 64)
		return (int)(k->w[0] >> (63 - i)) & 1;
	return (int)(k->w[1] >> (127 - i)) & 1;
}

/* leading bits in which a and b agree, at most max */
static inline int
key_common(const struct tkey *a, const struct tkey *b, int max)
{
	uint64_t x;
	int c;

	if ((x = a->w[0] ^ b->w[0]) != 0)
		c = __builtin_clzll(x);
	else if ((x = a->w[1] ^ b->w[1]) != 0)
		c = 64 + __builtin_clzll(x);
	else
		c = 128;
	return c < max ? c : max;
}

/* 1 if the first plen bits of a and b agree */
static inline int
key_match(const struct tkey *a, const struct tkey *b, int plen)
{
	uint64_t m0, m1;

	if (plen <= 64) {
		m0 = plen == 0 ? 0 : ~0ULL << (64 - plen);
		return ((a->w[0] ^ b->w[0]) & m0) == 0;
	}
	m1 = ~0ULL << (128 - plen);
	return a->w[0] == b->w[0] && ((a->w[1] ^ b->w[1]) & m1) == 0;
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
key_store(const struct trie *t, const struct tkey *k, uint8_t *p)
{
	int i;

	for (i = 0; i < t->octets; i++)
		p[i] = (uint8_t)(k->w[i / 8] >> (56 - 8 * (i % 8)));
}

static struct tnode *
node_alloc(struct trie *t)
{
	struct tchunk *c;
	struct tnode *n;

	if ((n = t->free) != NULL) {
		t->free = n->child[0];
	} else {
		if (t->chunks == NULL || t->chunk_used == CHUNK_NODES) {
			if ((c = malloc(sizeof(*c))) == NULL)
				return NULL;
			c->next = t->chunks;
			t->chunks = c;
			t->chunk_used = 0;
		}
		n = &t->chunks->n[t->chunk_used++];
	}
	memset(n, 0, sizeof(*n));
	return n;
}

static void
node_free(struct trie *t, struct tnode *n)
{
	n->child[0] = t->free;
	n->child[1] = NULL;
	n->val = NULL;
	n->used = 0;
	t->free = n;
}

static void
dir_fill(struct trie *t, uint32_t idx)
{
	const struct tnode *n, *best = NULL;
	struct tkey k;

	k.w[0] = (uint64_t)idx << (64 - DIR_BITS);
	k.w[1] = 0;
	for (n = t->root; n != NULL && n->plen < DIR_BITS;
	    n = n->child[key_bit(&k, n->plen)]) {
		if (!key_match(&n->key, &k, n->plen)) {
			n = NULL;
			break;
		}
		if (n->used)
			best = n;
	}
	t->dir[idx].start = n;
	t->dir[idx].best = best;
}

/* refresh the slots whose path reaches a place in the tree that changed:
 * the child pointer of a node of length p on key's side is reached by the
 * slots under key/(p + 1) (the root pointer by all). slots point at nodes
 * only through such places, so no slot keeps a freed node. */
static void
dir_update(struct trie *t, const struct tkey *k, int plen)
{
	uint32_t first, n, i;

	if (t->dir == NULL)
		return;
	if (plen > DIR_BITS)
		plen = DIR_BITS;
	first = (uint32_t)(k->w[0] >> (64 - DIR_BITS));
	first &= plen == 0 ? 0 : ~0u << (DIR_BITS - plen);
	n = 1u << (DIR_BITS - plen);
	for (i = 0; i < n; i++)
		dir_fill(t, first + i);
}

static void
dir_build(struct trie *t)
{
	uint32_t i;

	if (t->bits < 32 || t->count < TRIE_DIR_MIN || t->dir != NULL)
		return;
	if ((t->dir = calloc(1u << DIR_BITS, sizeof(*t->dir))) == NULL)
		return;		/* lookups work without it */
	for (i = 0; i < 1u << DIR_BITS; i++)
		dir_fill(t, i);
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
	return t;
}

static void
node_free_vals(struct tnode *n, void (*free_val)(void *))
{
	while (n != NULL) {
		if (n->used)
			free_val(n->val);
		node_free_vals(n->child[0], free_val);
		n = n->child[1];
	}
}

void
trie_free(struct trie *t, void (*free_val)(void *))
{
	struct tchunk *c, *next;

	if (t == NULL)
		return;
	if (free_val != NULL)
		node_free_vals(t->root, free_val);
	for (c = t->chunks; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(t->dir);
	free(t);
}

size_t
trie_count(const struct trie *t)
{
	return t->count;
}

int
trie_insert(struct trie *t, const uint8_t *key, int plen, void *val,
    void **old)
{
	struct tnode **pp, *n, *nn, *br;
	struct tkey k;
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
			if ((nn = node_alloc(t)) == NULL)
				return -1;
			nn->key = k;
			nn->plen = (uint8_t)plen;
			nn->val = val;
			nn->used = 1;
			*pp = nn;
			t->count++;
			dir_update(t, &k, ppos);
			dir_build(t);
			return 0;
		}
		c = key_common(&n->key, &k, n->plen < plen ? n->plen : plen);
		if (c == n->plen) {
			if (n->plen == plen) {
				/* exact: replace, or fill a branch node */
				if (n->used) {
					if (old != NULL)
						*old = n->val;
				} else {
					n->used = 1;
					t->count++;
					dir_update(t, &k, ppos);
					dir_build(t);
				}
				n->val = val;
				return 0;
			}
			pp = &n->child[key_bit(&k, n->plen)];
			ppos = n->plen + 1;
			continue;
		}
		/* k and n diverge before n->plen */
		if ((nn = node_alloc(t)) == NULL)
			return -1;
		nn->key = k;
		nn->plen = (uint8_t)plen;
		nn->val = val;
		nn->used = 1;
		if (c == plen) {
			/* the new prefix covers n */
			nn->child[key_bit(&n->key, plen)] = n;
			*pp = nn;
		} else {
			if ((br = node_alloc(t)) == NULL) {
				node_free(t, nn);
				return -1;
			}
			br->key = k;
			key_mask(&br->key, c);
			br->plen = (uint8_t)c;
			br->child[key_bit(&k, c)] = nn;
			br->child[key_bit(&n->key, c)] = n;
			*pp = br;
		}
		t->count++;
		dir_update(t, &k, ppos);
		dir_build(t);
		return 0;
	}
}

void *
trie_remove(struct trie *t, const uint8_t *key, int plen)
{
	struct tnode **pp, **ppp = NULL, *n, *parent = NULL, *other;
	struct tkey k;
	void *val;
	int ppos = 0, pppos = 0;

	if (plen < 0 || plen > t->bits)
		return NULL;
	key_load(t, key, &k);
	key_mask(&k, plen);

	pp = &t->root;
	while ((n = *pp) != NULL) {
		if (n->plen > plen || !key_match(&n->key, &k, n->plen))
			return NULL;
		if (n->plen == plen)
			break;
		ppp = pp;
		pppos = ppos;
		parent = n;
		pp = &n->child[key_bit(&k, n->plen)];
		ppos = n->plen + 1;
	}
	if (n == NULL || !n->used)
		return NULL;
	val = n->val;
	t->count--;
	n->used = 0;
	n->val = NULL;

	if (n->child[0] != NULL && n->child[1] != NULL) {
		dir_update(t, &k, ppos);
		return val;		/* stays as a branch node */
	}
	*pp = n->child[0] != NULL ? n->child[0] : n->child[1];
	node_free(t, n);
	/* a valueless parent left with one child is spliced out */
	if (*pp == NULL && parent != NULL && !parent->used) {
		other = parent->child[0] != NULL ? parent->child[0] :
		    parent->child[1];
		*ppp = other;
		ppos = pppos;
		node_free(t, parent);
	}
	dir_update(t, &k, ppos);
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
	for (n = t->root; n != NULL; n = n->child[key_bit(&k, n->plen)]) {
		if (n->plen > plen || !key_match(&n->key, &k, n->plen))
			return NULL;
		if (n->plen == plen)
			return n->used ? n->val : NULL;
	}
	return NULL;
}

static void *
lookup(const struct trie *t, const struct tkey *k, int plen, int *mlen)
{
	const struct tnode *n = t->root, *best = NULL;
	const struct tslot *sl;

	if (t->dir != NULL && plen >= DIR_BITS) {
		sl = &t->dir[k->w[0] >> (64 - DIR_BITS)];
		n = sl->start;
		best = sl->best;
	}
	while (n != NULL && n->plen <= plen) {
		if (!key_match(&n->key, k, n->plen))
			break;
		if (n->used)
			best = n;
		if (n->plen == plen)
			break;
		n = n->child[key_bit(k, n->plen)];
	}
	if (best == NULL)
		return NULL;
	if (mlen != NULL)
		*mlen = best->plen;
	return best->val;
}

void *
trie_lookup(const struct trie *t, const uint8_t *key, int *plen)
{
	struct tkey k;

	key_load(t, key, &k);
	return lookup(t, &k, t->bits, plen);
}

void *
trie_lookup_prefix(const struct trie *t, const uint8_t *key, int plen,
    int *mlen)
{
	struct tkey k;

	if (plen < 0 || plen > t->bits)
		return NULL;
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
	for (n = t->root; n != NULL; n = n->child[key_bit(&k, n->plen)]) {
		/* every subtree holds at least one stored prefix */
		if (n->plen >= plen)
			return key_match(&n->key, &k, plen);
		if (!key_match(&n->key, &k, n->plen))
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
		c = key_common(&n->key, &k, n->plen);
		if (c < n->plen)
			return c + 1;
		if (n->used)
			return -1;
		/* a branch node: both children exist */
		if ((next = n->child[key_bit(&k, n->plen)]) == NULL)
			return n->plen + 1;
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
		if (n->used) {
			key_store(w->t, &n->key, key);
			if ((rv = w->cb(key, n->plen, n->val, w->arg)) != 0)
				return rv;
		}
		if ((rv = walk_node(w, n->child[0])) != 0)
			return rv;
		n = n->child[1];
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
