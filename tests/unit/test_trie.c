/* trie: worked examples of the negative-prefix computation (digest §6),
 * edge cases, and a million random operations checked against a naive
 * array of prefixes scanned linearly */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

/* the trie itself, compiled here with the direct table switched on at 64
 * prefixes so the random runs below exercise building and maintaining it
 * (the library's threshold is larger; the code is the same) */
#define TRIE_DIR_MIN	64

/* allocation failures on demand: the n-th allocation from now fails */
static long alloc_fail = -1;

static int
alloc_fails(void)
{
	if (alloc_fail < 0)
		return 0;
	return alloc_fail-- == 0;
}

static void *
t_malloc(size_t n)
{
	return alloc_fails() ? NULL : malloc(n);
}

static void *
t_calloc(size_t n, size_t m)
{
	return alloc_fails() ? NULL : calloc(n, m);
}

#define malloc(n)	t_malloc(n)
#define calloc(n, m)	t_calloc(n, m)
#include "trie.c"
#undef malloc
#undef calloc

/* ---- helpers ---- */

static void
v4(const char *s, uint8_t *k)
{
	assert_int_equal(inet_pton(AF_INET, s, k), 1);
}

static void
v6(const char *s, uint8_t *k)
{
	assert_int_equal(inet_pton(AF_INET6, s, k), 1);
}

static int
bit(const uint8_t *k, int i)
{
	return k[i / 8] >> (7 - i % 8) & 1;
}

static int
common_bits(const uint8_t *a, const uint8_t *b, int max)
{
	int i;

	for (i = 0; i < max; i++)
		if (bit(a, i) != bit(b, i))
			break;
	return i;
}

static void
clear_host(uint8_t *k, int plen, int bits)
{
	int i;

	for (i = plen; i < bits; i++)
		k[i / 8] &= (uint8_t)~(0x80 >> (i % 8));
}

/* ---- worked examples ---- */

static const char *known4[] = { "10.0.0.0", "192.168.0.0", "172.16.1.0" };
static const int known4_len[] = { 8, 16, 24 };

static void
test_negative_examples(void **state)
{
	static const struct {
		const char	*req;
		const char	*net;
		int		 len;
	} ex[] = {
		{ "1.2.3.4", "0.0.0.0", 5 },
		{ "100.1.1.1", "64.0.0.0", 2 },
		{ "130.0.0.1", "128.0.0.0", 3 },
		{ "172.16.2.5", "172.16.2.0", 23 },
		{ "192.169.0.1", "192.169.0.0", 16 },
		{ "11.0.0.1", "11.0.0.0", 8 },
		{ "200.1.1.1", "200.0.0.0", 5 },
	};
	struct trie *t;
	uint8_t k[4], net[4];
	size_t i;
	int l;

	assert_non_null(t = trie_new(32));
	/* nothing known: 0.0.0.0/0 */
	v4("1.2.3.4", k);
	assert_int_equal(trie_negative(t, k), 0);
	for (i = 0; i < 3; i++) {
		v4(known4[i], k);
		assert_int_equal(trie_insert(t, k, known4_len[i],
		    (void *)known4[i], NULL), 0);
	}
	for (i = 0; i < sizeof(ex) / sizeof(ex[0]); i++) {
		v4(ex[i].req, k);
		l = trie_negative(t, k);
		assert_int_equal(l, ex[i].len);
		clear_host(k, l, 32);
		v4(ex[i].net, net);
		assert_memory_equal(k, net, 4);
		/* the answer overlaps nothing stored */
		assert_int_equal(trie_has_inside(t, k, l), 0);
		assert_null(trie_lookup_prefix(t, k, l, NULL));
	}
	/* inside a stored prefix: not a negative case */
	v4("10.200.1.1", k);
	assert_int_equal(trie_negative(t, k), -1);
	v4("172.16.1.255", k);
	assert_int_equal(trie_negative(t, k), -1);
	trie_free(t, NULL);

	/* single known prefixes */
	assert_non_null(t = trie_new(32));
	v4("192.0.2.0", k);
	assert_int_equal(trie_insert(t, k, 24, k, NULL), 0);
	v4("1.1.1.1", k);
	assert_int_equal(trie_negative(t, k), 1);
	trie_free(t, NULL);

	assert_non_null(t = trie_new(32));
	v4("160.0.0.0", k);
	assert_int_equal(trie_insert(t, k, 8, k, NULL), 0);
	v4("130.0.0.1", k);
	assert_int_equal(trie_negative(t, k), 3);
	trie_free(t, NULL);
}

static void
test_negative_v6(void **state)
{
	struct trie *t;
	uint8_t k[16], net[16];
	int l;

	assert_non_null(t = trie_new(128));
	v6("2001:db8:2::1", k);
	assert_int_equal(trie_negative(t, k), 0);
	v6("2001:db8:1::", net);
	assert_int_equal(trie_insert(t, net, 48, net, NULL), 0);
	l = trie_negative(t, k);
	assert_int_equal(l, 47);
	clear_host(k, l, 128);
	v6("2001:db8:2::", net);
	assert_memory_equal(k, net, 16);
	v6("2001:db8:1:ffff::1", k);
	assert_int_equal(trie_negative(t, k), -1);
	/* divergence in the low 64 bits */
	v6("2001:db8::1:0:0:0", net);
	assert_int_equal(trie_insert(t, net, 80, net, NULL), 0);
	v6("2001:db8::3:0:0:0", k);
	assert_int_equal(trie_negative(t, k), 79);
	v6("2001:db8::1:0:0:1", k);
	assert_int_equal(trie_negative(t, k), -1);
	/* a host route */
	v6("2001:db8::5", net);
	assert_int_equal(trie_insert(t, net, 128, net, NULL), 0);
	assert_int_equal(trie_negative(t, net), -1);
	v6("2001:db8::4", k);
	assert_int_equal(trie_negative(t, k), 128);
	trie_free(t, NULL);
}

/* ---- basic operations ---- */

static int nfreed;

static void
count_free(void *v)
{
	nfreed++;
}

static void
test_basic(void **state)
{
	struct trie *t;
	uint8_t k[4];
	void *old;
	int plen = -1;
	int a, b, c, d;

	assert_null(trie_new(0));
	assert_null(trie_new(129));
	assert_non_null(t = trie_new(32));
	assert_int_equal(trie_count(t), 0);
	v4("1.2.3.4", k);
	assert_null(trie_lookup(t, k, &plen));
	assert_int_equal(trie_insert(t, k, 33, &a, NULL), -1);
	assert_int_equal(trie_insert(t, k, -1, &a, NULL), -1);

	/* host bits are ignored */
	v4("10.1.2.3", k);
	assert_int_equal(trie_insert(t, k, 8, &a, &old), 0);
	assert_null(old);
	v4("10.0.0.0", k);
	assert_ptr_equal(trie_exact(t, k, 8), &a);
	assert_null(trie_exact(t, k, 9));
	assert_null(trie_exact(t, k, 7));
	assert_int_equal(trie_insert(t, k, 8, &b, &old), 0);
	assert_ptr_equal(old, &a);
	assert_int_equal(trie_count(t), 1);

	v4("10.1.0.0", k);
	assert_int_equal(trie_insert(t, k, 16, &c, NULL), 0);
	v4("0.0.0.0", k);
	assert_int_equal(trie_insert(t, k, 0, &d, NULL), 0);
	assert_int_equal(trie_count(t), 3);

	v4("10.1.9.9", k);
	assert_ptr_equal(trie_lookup(t, k, &plen), &c);
	assert_int_equal(plen, 16);
	assert_ptr_equal(trie_lookup_prefix(t, k, 12, &plen), &b);
	assert_int_equal(plen, 8);
	assert_ptr_equal(trie_lookup_prefix(t, k, 16, &plen), &c);
	v4("10.2.0.0", k);
	assert_ptr_equal(trie_lookup(t, k, &plen), &b);
	assert_int_equal(plen, 8);
	v4("11.0.0.0", k);
	assert_ptr_equal(trie_lookup(t, k, &plen), &d);
	assert_int_equal(plen, 0);
	assert_int_equal(trie_negative(t, k), -1);

	v4("10.0.0.0", k);
	assert_int_equal(trie_has_inside(t, k, 8), 1);
	assert_int_equal(trie_has_inside(t, k, 9), 1);	/* 10.0/9 has 10.1/16 */
	v4("10.128.0.0", k);
	assert_int_equal(trie_has_inside(t, k, 9), 0);
	v4("10.1.0.0", k);
	assert_int_equal(trie_has_inside(t, k, 15), 1);
	assert_int_equal(trie_has_inside(t, k, 16), 1);
	assert_int_equal(trie_has_inside(t, k, 17), 0);

	/* removal */
	v4("10.0.0.0", k);
	assert_null(trie_remove(t, k, 9));
	assert_ptr_equal(trie_remove(t, k, 8), &b);
	assert_null(trie_remove(t, k, 8));
	assert_int_equal(trie_count(t), 2);
	v4("10.1.9.9", k);
	assert_ptr_equal(trie_lookup(t, k, &plen), &c);
	v4("10.2.0.0", k);
	assert_ptr_equal(trie_lookup(t, k, &plen), &d);
	assert_int_equal(plen, 0);
	v4("0.0.0.0", k);
	assert_ptr_equal(trie_remove(t, k, 0), &d);
	v4("10.2.0.0", k);
	assert_null(trie_lookup(t, k, &plen));
	v4("10.1.0.0", k);
	assert_ptr_equal(trie_remove(t, k, 16), &c);
	assert_int_equal(trie_count(t), 0);
	assert_int_equal(trie_negative(t, k), 0);

	/* free calls free_val once per stored prefix */
	v4("10.0.0.0", k);
	assert_int_equal(trie_insert(t, k, 8, &a, NULL), 0);
	v4("10.128.0.0", k);
	assert_int_equal(trie_insert(t, k, 9, &a, NULL), 0);
	v4("10.0.0.0", k);
	assert_int_equal(trie_insert(t, k, 9, &a, NULL), 0);
	v4("20.0.0.0", k);
	assert_int_equal(trie_insert(t, k, 32, &a, NULL), 0);
	nfreed = 0;
	trie_free(t, count_free);
	assert_int_equal(nfreed, 4);
}

static void
test_mac(void **state)
{
	static const uint8_t m1[6] = { 0x02, 0, 0x5e, 0x10, 0, 1 };
	static const uint8_t m2[6] = { 0x02, 0, 0x5e, 0x10, 0, 2 };
	struct trie *t;
	int x, y, plen;

	assert_non_null(t = trie_new(48));
	assert_int_equal(trie_insert(t, m1, 48, &x, NULL), 0);
	assert_int_equal(trie_insert(t, m1, 24, &y, NULL), 0);
	assert_ptr_equal(trie_lookup(t, m1, &plen), &x);
	assert_int_equal(plen, 48);
	assert_ptr_equal(trie_lookup(t, m2, &plen), &y);
	assert_int_equal(plen, 24);
	assert_int_equal(trie_insert(t, m1, 49, &x, NULL), -1);
	assert_ptr_equal(trie_remove(t, m1, 24), &y);
	assert_int_equal(trie_negative(t, m2), 47);
	trie_free(t, NULL);
}

/* ---- walk order ---- */

struct collect {
	int		 n;
	uint8_t		 key[16][4];
	int		 plen[16];
	int		 stop;
};

static int
collect_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct collect *c = arg;

	memcpy(c->key[c->n], key, 4);
	c->plen[c->n] = plen;
	c->n++;
	return c->stop != 0 && c->n == c->stop ? 7 : 0;
}

static void
test_walk(void **state)
{
	static const struct {
		const char	*a;
		int		 len;
	} in[] = {
		{ "192.168.1.0", 24 }, { "10.0.0.0", 8 }, { "0.0.0.0", 0 },
		{ "10.0.0.0", 16 }, { "10.128.0.0", 9 }, { "255.255.255.255", 32 },
		{ "10.0.0.0", 9 }, { "128.0.0.0", 1 },
	};
	/* address order; a shorter prefix before the longer ones it covers */
	static const int order[] = { 2, 1, 6, 3, 4, 7, 0, 5 };
	struct trie *t;
	struct collect c;
	uint8_t k[4];
	size_t i;

	assert_non_null(t = trie_new(32));
	for (i = 0; i < 8; i++) {
		v4(in[i].a, k);
		assert_int_equal(trie_insert(t, k, in[i].len, NULL, NULL), 0);
	}
	memset(&c, 0, sizeof(c));
	assert_int_equal(trie_walk(t, collect_cb, &c), 0);
	assert_int_equal(c.n, 8);
	for (i = 0; i < 8; i++) {
		v4(in[order[i]].a, k);
		assert_memory_equal(c.key[i], k, 4);
		assert_int_equal(c.plen[i], in[order[i]].len);
	}
	/* stop early with the callback's value */
	memset(&c, 0, sizeof(c));
	c.stop = 3;
	assert_int_equal(trie_walk(t, collect_cb, &c), 7);
	assert_int_equal(c.n, 3);

	/* under 10.0.0.0/8: 10/8, 10.0/9, 10.0/16, 10.128/9, in order */
	memset(&c, 0, sizeof(c));
	v4("10.1.2.3", k);		/* host bits ignored */
	assert_int_equal(trie_walk_under(t, k, 8, collect_cb, &c), 0);
	assert_int_equal(c.n, 4);
	for (i = 0; i < 4; i++) {
		v4(in[order[i + 1]].a, k);
		assert_memory_equal(c.key[i], k, 4);
		assert_int_equal(c.plen[i], in[order[i + 1]].len);
	}
	/* under 10.0.0.0/9: 10.0/9 itself and 10.0/16 */
	memset(&c, 0, sizeof(c));
	v4("10.0.0.0", k);
	assert_int_equal(trie_walk_under(t, k, 9, collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.plen[0], 9);
	assert_int_equal(c.plen[1], 16);
	/* a range inside a branch point but holding nothing: 10.64/10 */
	memset(&c, 0, sizeof(c));
	v4("10.64.0.0", k);
	assert_int_equal(trie_walk_under(t, k, 10, collect_cb, &c), 0);
	assert_int_equal(c.n, 0);
	/* a range whose first node is longer: 192.0.0.0/2 holds 192.168.1/24
	 * and 255.255.255.255/32 */
	memset(&c, 0, sizeof(c));
	v4("192.0.0.0", k);
	assert_int_equal(trie_walk_under(t, k, 2, collect_cb, &c), 0);
	assert_int_equal(c.n, 2);
	assert_int_equal(c.plen[0], 24);
	assert_int_equal(c.plen[1], 32);
	/* /0 is the whole walk; a /32 only itself; early stop */
	memset(&c, 0, sizeof(c));
	assert_int_equal(trie_walk_under(t, k, 0, collect_cb, &c), 0);
	assert_int_equal(c.n, 8);
	memset(&c, 0, sizeof(c));
	v4("255.255.255.255", k);
	assert_int_equal(trie_walk_under(t, k, 32, collect_cb, &c), 0);
	assert_int_equal(c.n, 1);
	memset(&c, 0, sizeof(c));
	c.stop = 2;
	v4("10.0.0.0", k);
	assert_int_equal(trie_walk_under(t, k, 8, collect_cb, &c), 7);
	assert_int_equal(c.n, 2);
	/* bad lengths visit nothing */
	memset(&c, 0, sizeof(c));
	assert_int_equal(trie_walk_under(t, k, 33, collect_cb, &c), 0);
	assert_int_equal(trie_walk_under(t, k, -1, collect_cb, &c), 0);
	assert_int_equal(c.n, 0);
	trie_free(t, NULL);
}

/* ---- random operations against a naive reference ---- */

#define REF_MAX		400

struct ref {
	int		 bits;
	int		 n;
	uint8_t		 key[REF_MAX][16];
	int		 plen[REF_MAX];
	uintptr_t	 val[REF_MAX];
};

static uint64_t rng_state;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static int
ref_find(const struct ref *r, const uint8_t *k, int plen)
{
	int i, o = (r->bits + 7) / 8;

	for (i = 0; i < r->n; i++)
		if (r->plen[i] == plen && memcmp(r->key[i], k, o) == 0)
			return i;
	return -1;
}

/* longest stored prefix of length <= plen covering k */
static int
ref_lookup(const struct ref *r, const uint8_t *k, int plen)
{
	int i, best = -1;

	for (i = 0; i < r->n; i++) {
		if (r->plen[i] > plen ||
		    common_bits(r->key[i], k, r->plen[i]) < r->plen[i])
			continue;
		if (best == -1 || r->plen[i] > r->plen[best])
			best = i;
	}
	return best;
}

static int
ref_has_inside(const struct ref *r, const uint8_t *k, int plen)
{
	int i;

	for (i = 0; i < r->n; i++)
		if (r->plen[i] >= plen && common_bits(r->key[i], k, plen) == plen)
			return 1;
	return 0;
}

/* digest §6, literally */
static int
ref_negative(const struct ref *r, const uint8_t *k)
{
	int i, d, l = 0;

	for (i = 0; i < r->n; i++) {
		d = common_bits(r->key[i], k, r->bits);
		if (d >= r->plen[i])
			return -1;
		if (d + 1 > l)
			l = d + 1;
	}
	return l;
}

/* regions where prefixes concentrate */
struct region {
	uint8_t		 base[16];
	int		 len;
};

static void
rand_key(int bits, const struct region *rg, int nrg, uint8_t *k, int *plen)
{
	const struct region *g = &rg[rng() % (uint64_t)nrg];
	int i, o = bits / 8, spread, tail;

	memcpy(k, g->base, (size_t)o);
	spread = 1 + (int)(rng() % 14);
	tail = rng() % 4 == 0;
	for (i = g->len; i < bits; i++) {
		if (i < g->len + spread || tail) {
			if (rng() & 1)
				k[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
		}
	}
	/* a third of the keys stray just outside the region */
	if (rng() % 3 == 0) {
		i = (int)(rng() % (uint64_t)(g->len + 1));
		if (i < bits)
			k[i / 8] ^= (uint8_t)(0x80 >> (i % 8));
	}
	switch (rng() % 8) {
	case 0:
		/* anywhere, but rarely very short: a /0 covers everything */
		*plen = (int)(rng() % (uint64_t)(bits + 1));
		if (*plen < g->len - 3 && rng() % 16 != 0)
			*plen = g->len - 3 < 0 ? 0 : g->len - 3;
		break;
	case 1:
		*plen = bits;
		break;
	default:
		*plen = g->len + (int)(rng() % 18) - (rng() % 8 == 0 ? 3 : 0);
		if (*plen < 0)
			*plen = 0;
		if (*plen > bits)
			*plen = bits;
		break;
	}
}

struct wcheck {
	const struct ref *r;
	int		 n;
	uint8_t		 last[16];
	int		 lastlen;
};

static int
wcheck_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct wcheck *w = arg;
	int o = (w->r->bits + 7) / 8, i, c;

	i = ref_find(w->r, key, plen);
	assert_true(i >= 0);
	assert_true((uintptr_t)val == w->r->val[i]);
	if (w->n > 0) {
		/* strictly increasing: by address, then by length */
		c = memcmp(w->last, key, (size_t)o);
		assert_true(c < 0 || (c == 0 && w->lastlen < plen));
	}
	memcpy(w->last, key, (size_t)o);
	w->lastlen = plen;
	w->n++;
	return 0;
}

/* every visited prefix of a walk, in order */
struct wlist {
	int		 n, stop, octets;
	uint8_t		 key[REF_MAX][16];
	int		 plen[REF_MAX];
	uintptr_t	 val[REF_MAX];
};

static int
wlist_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct wlist *l = arg;

	assert_true(l->n < REF_MAX);
	memset(l->key[l->n], 0, 16);
	memcpy(l->key[l->n], key, (size_t)l->octets);
	l->plen[l->n] = plen;
	l->val[l->n] = (uintptr_t)val;
	l->n++;
	return l->stop != 0 && l->n == l->stop ? 5 : 0;
}

static uint64_t rng_under = 0x3c6ef372fe94f82bULL;

/* walk_under over random ranges: exactly the prefixes of the reference
 * inside the range, in the order of the full walk (so address order) */
static long
check_under(struct trie *t, const struct ref *r, const struct region *rg,
    int nrg, struct wlist *all, struct wlist *got)
{
	uint64_t saved = rng_state;
	uint8_t k[16];
	int i, j, plen, want, o = r->bits / 8, round;
	long seen = 0;

	/* its own random stream: the main workload stays as it was */
	rng_state = rng_under;
	memset(all, 0, sizeof(*all));
	all->octets = o;
	assert_int_equal(trie_walk(t, wlist_cb, all), 0);
	for (round = 0; round < 4; round++) {
		memset(k, 0, sizeof(k));
		if (r->n > 0 && rng() % 3 == 0) {
			/* the range of a stored prefix, or one shorter */
			i = (int)(rng() % (uint64_t)r->n);
			memcpy(k, r->key[i], 16);
			plen = r->plen[i] - (int)(rng() % 4);
			if (plen < 0)
				plen = 0;
		} else
			rand_key(r->bits, rg, nrg, k, &plen);
		memset(got, 0, sizeof(*got));
		got->octets = o;
		assert_int_equal(trie_walk_under(t, k, plen, wlist_cb, got), 0);
		clear_host(k, plen, r->bits);
		for (i = 0, j = 0, want = 0; i < all->n; i++) {
			if (all->plen[i] < plen ||
			    common_bits(all->key[i], k, plen) < plen)
				continue;
			want++;
			assert_true(j < got->n);
			assert_memory_equal(got->key[j], all->key[i], (size_t)o);
			assert_int_equal(got->plen[j], all->plen[i]);
			assert_true(got->val[j] == all->val[i]);
			j++;
		}
		assert_int_equal(got->n, want);
		for (i = 0, want = 0; i < r->n; i++)
			if (r->plen[i] >= plen &&
			    common_bits(r->key[i], k, plen) == plen)
				want++;
		assert_int_equal(got->n, want);
		seen += got->n;
		/* stopping early returns the callback's value */
		if (want >= 2) {
			memset(got, 0, sizeof(*got));
			got->octets = o;
			got->stop = 2;
			assert_int_equal(trie_walk_under(t, k, plen, wlist_cb,
			    got), 5);
			assert_int_equal(got->n, 2);
		}
	}
	rng_under = rng_state;
	rng_state = saved;
	return seen;
}

/* (key, plen) ordered as the walks visit prefixes: by address (host bits
 * clear), then by length; <0, 0, >0 */
static int
ref_order(const uint8_t *a, int alen, const uint8_t *b, int blen, int bits)
{
	uint8_t x[16], y[16];
	int c;

	memcpy(x, a, 16);
	memcpy(y, b, 16);
	clear_host(x, alen, bits);
	clear_host(y, blen, bits);
	if ((c = memcmp(x, y, (size_t)bits / 8)) != 0)
		return c;
	return alen - blen;
}

static uint64_t rng_after = 0x510e527fade682d1ULL;

/* walk_after from random points (stored prefixes, their neighbours, keys
 * of any length from 0 to full): exactly the reference's prefixes that
 * come after the point, in the full walk's order; stopping early returns
 * the callback's value. all holds the full walk (check_under fills it). */
static void
check_after(struct trie *t, const struct ref *r, const struct region *rg,
    int nrg, const struct wlist *all, struct wlist *got)
{
	uint64_t saved = rng_state;
	uint8_t k[16];
	int i, j, plen, want, first, o = r->bits / 8, round;

	rng_state = rng_after;
	for (round = 0; round < 4; round++) {
		memset(k, 0, sizeof(k));
		if (r->n > 0 && rng() % 2 == 0) {
			i = (int)(rng() % (uint64_t)r->n);
			memcpy(k, r->key[i], 16);
			plen = r->plen[i];
			if (rng() % 2 == 0)
				plen += (int)(rng() % 5) - 2;
			if (plen < 0)
				plen = 0;
			if (plen > r->bits)
				plen = r->bits;
			if (rng() % 4 == 0)	/* some host bits set */
				k[o - 1] ^= (uint8_t)rng();
		} else
			rand_key(r->bits, rg, nrg, k, &plen);
		memset(got, 0, sizeof(*got));
		got->octets = o;
		assert_int_equal(trie_walk_after(t, k, plen, wlist_cb, got), 0);
		for (i = 0, want = 0; i < r->n; i++)
			if (ref_order(r->key[i], r->plen[i], k, plen, r->bits) > 0)
				want++;
		assert_int_equal(got->n, want);
		first = all->n - want;
		for (j = 0; j < got->n; j++) {
			assert_memory_equal(got->key[j], all->key[first + j],
			    (size_t)o);
			assert_int_equal(got->plen[j], all->plen[first + j]);
			assert_true(got->val[j] == all->val[first + j]);
		}
		if (first > 0)
			assert_true(ref_order(all->key[first - 1],
			    all->plen[first - 1], k, plen, r->bits) <= 0);
		if (want >= 2) {
			memset(got, 0, sizeof(*got));
			got->octets = o;
			got->stop = 2;
			assert_int_equal(trie_walk_after(t, k, plen, wlist_cb,
			    got), 5);
			assert_int_equal(got->n, 2);
		}
	}
	rng_after = rng_state;
	rng_state = saved;
}

static void
random_ops(int bits, const struct region *rg, int nrg, long nops)
{
	struct wlist *wall, *wgot;
	long under = 0;
	struct ref *r;
	struct trie *t;
	struct wcheck wc;
	uint8_t k[16], kk[16];
	uintptr_t next = 1;
	void *old, *v;
	long op;
	int plen, mlen, i;
	long hits = 0, negs = 0, inside = 0;

	assert_non_null(r = calloc(1, sizeof(*r)));
	assert_non_null(wall = calloc(1, sizeof(*wall)));
	assert_non_null(wgot = calloc(1, sizeof(*wgot)));
	r->bits = bits;
	assert_non_null(t = trie_new(bits));
	for (op = 0; op < nops; op++) {
		if (op % 500 == 0) {
			under += check_under(t, r, rg, nrg, wall, wgot);
			check_after(t, r, rg, nrg, wall, wgot);
		}
		memset(k, 0, sizeof(k));
		rand_key(bits, rg, nrg, k, &plen);
		switch (rng() % 10) {
		case 0:
		case 1:
		case 2:
			if (r->n >= REF_MAX - 1)
				goto remove;
			memcpy(kk, k, sizeof(kk));
			assert_int_equal(trie_insert(t, kk, plen,
			    (void *)next, &old), 0);
			clear_host(k, plen, bits);
			if ((i = ref_find(r, k, plen)) >= 0) {
				assert_true((uintptr_t)old == r->val[i]);
			} else {
				assert_null(old);
				i = r->n++;
				memcpy(r->key[i], k, 16);
				r->plen[i] = plen;
			}
			r->val[i] = next++;
			break;
		case 3:
		case 4:
		remove:
			/* half the time remove something that exists */
			if (r->n > 0 && rng() & 1) {
				i = (int)(rng() % (uint64_t)r->n);
				memcpy(k, r->key[i], 16);
				plen = r->plen[i];
			}
			v = trie_remove(t, k, plen);
			clear_host(k, plen, bits);
			if ((i = ref_find(r, k, plen)) >= 0) {
				assert_true((uintptr_t)v == r->val[i]);
				r->n--;
				memcpy(r->key[i], r->key[r->n], 16);
				r->plen[i] = r->plen[r->n];
				r->val[i] = r->val[r->n];
			} else
				assert_null(v);
			break;
		case 5:
			mlen = -1;
			v = trie_lookup(t, k, &mlen);
			i = ref_lookup(r, k, bits);
			if (i < 0) {
				assert_null(v);
			} else {
				hits++;
				assert_true((uintptr_t)v == r->val[i]);
				assert_int_equal(mlen, r->plen[i]);
			}
			break;
		case 6:
			mlen = -1;
			v = trie_lookup_prefix(t, k, plen, &mlen);
			clear_host(k, plen, bits);
			i = ref_lookup(r, k, plen);
			if (i < 0) {
				assert_null(v);
			} else {
				assert_true((uintptr_t)v == r->val[i]);
				assert_int_equal(mlen, r->plen[i]);
			}
			break;
		case 7:
			if (r->n > 0 && rng() & 1) {
				i = (int)(rng() % (uint64_t)r->n);
				memcpy(k, r->key[i], 16);
				plen = r->plen[i];
			}
			v = trie_exact(t, k, plen);
			clear_host(k, plen, bits);
			i = ref_find(r, k, plen);
			if (i < 0)
				assert_null(v);
			else
				assert_true((uintptr_t)v == r->val[i]);
			break;
		case 8:
			i = trie_negative(t, k);
			assert_int_equal(i, ref_negative(r, k));
			if (i == -1)
				inside++;
			else
				negs++;
			break;
		case 9:
			i = trie_has_inside(t, k, plen);
			clear_host(k, plen, bits);
			assert_int_equal(i, ref_has_inside(r, k, plen));
			break;
		}
		assert_int_equal(trie_count(t), (size_t)r->n);
		if (op % 50000 == 0 || op == nops - 1) {
			memset(&wc, 0, sizeof(wc));
			wc.r = r;
			assert_int_equal(trie_walk(t, wcheck_cb, &wc), 0);
			assert_int_equal(wc.n, r->n);
		}
	}
	/* the workload exercised the interesting cases */
	printf("%d bits: %ld ops, %ld lookup hits, %ld negative, %ld inside, "
	    "%ld visited under ranges\n", bits, nops, hits, negs, inside, under);
	assert_true(under > nops / 500);
	free(wall);
	free(wgot);
	assert_true(hits > nops / 40);
	assert_true(inside > nops / 100);
	assert_true(negs > nops / 100);
	/* empty it through remove and check it is empty */
	while (r->n > 0) {
		r->n--;
		assert_true((uintptr_t)trie_remove(t, r->key[r->n],
		    r->plen[r->n]) == r->val[r->n]);
	}
	assert_int_equal(trie_count(t), 0);
	memset(k, 0, sizeof(k));
	assert_int_equal(trie_negative(t, k), 0);
	trie_free(t, NULL);
	free(r);
}

static long
nops_env(void)
{
	const char *s = getenv("TRIE_OPS");

	return s != NULL ? atol(s) : 1000000;
}

static void
test_random_v4(void **state)
{
	struct region rg[4];
	int i;

	rng_state = 0x9e3779b97f4a7c15ULL;
	for (i = 0; i < 4; i++) {
		memset(&rg[i], 0, sizeof(rg[i]));
		rg[i].base[0] = (uint8_t)rng();
		rg[i].base[1] = (uint8_t)rng();
		rg[i].base[2] = (uint8_t)rng();
		rg[i].len = 6 + 5 * i;		/* 6, 11, 16, 21 */
	}
	random_ops(32, rg, 4, nops_env());
}

/* four regions of random bases (octets of them, the rest zero) with the
 * given lengths, the generator seeded first */
static void
random_regions(struct region *rg, int octets, uint64_t seed, const int len[4])
{
	int i, j;

	rng_state = seed;
	for (i = 0; i < 4; i++) {
		memset(&rg[i], 0, sizeof(rg[i]));
		for (j = 0; j < octets; j++)
			rg[i].base[j] = (uint8_t)rng();
		rg[i].len = len[i];
	}
}

static void
test_random_v6(void **state)
{
	/* 58: spread across the 64-bit word boundary */
	static const int len[4] = { 2, 32, 58, 116 };
	struct region rg[4];

	random_regions(rg, 16, 0x243f6a8885a308d3ULL, len);
	random_ops(128, rg, 4, nops_env());
}

/* 48-bit keys (MAC): a narrow trie whose key fills most of its word */
static void
test_random_mac(void **state)
{
	/* 24: an OUI */
	static const int len[4] = { 10, 24, 36, 44 };
	struct region rg[4];

	random_regions(rg, 6, 0x6a09e667f3bcc908ULL, len);
	random_ops(48, rg, 4, nops_env());
}

/* ---- the IPv4 16-8-8 index against the tree it is built from ---- */

/* the index's answer and the binary trie's for every address of a /16 */
static long
index_check16(const struct trie *t, uint32_t h)
{
	struct tkey k;
	uint8_t a[4];
	uint32_t lo;
	void *v, *w;
	int l1, l2, plen;
	long found = 0;

	for (lo = 0; lo < 65536; lo++) {
		a[0] = (uint8_t)(h >> 8);
		a[1] = (uint8_t)h;
		a[2] = (uint8_t)(lo >> 8);
		a[3] = (uint8_t)lo;
		l1 = l2 = -1;
		v = trie_lookup(t, a, &l1);
		key_load(t, a, &k);
		w = lookup(t, &k, 32, &l2);
		if (v != w || l1 != l2)
			fail_msg("%u.%u.%u.%u: index %p/%d, tree %p/%d", a[0],
			    a[1], a[2], a[3], v, l1, w, l2);
		if (w != NULL)
			found++;
		/* lookup_prefix of a full address goes through the index too */
		assert_ptr_equal(trie_lookup_prefix(t, a, 32, &l1), w);
		if (w != NULL)
			assert_int_equal(l1, l2);
		/* and of shorter prefixes, when its answer is short enough */
		if ((lo & 0x3f) == 0) {
			for (plen = 0; plen < 32; plen++) {
				l1 = l2 = -1;
				v = trie_lookup_prefix(t, a, plen, &l1);
				key_load(t, a, &k);
				key_mask(&k, plen);
				w = lookup(t, &k, plen, &l2);
				if (v != w || l1 != l2)
					fail_msg("%u.%u.%u.%u/%d: index %p/%d, "
					    "tree %p/%d", a[0], a[1], a[2],
					    a[3], plen, v, l1, w, l2);
			}
		}
	}
	return found;
}

/* the IPv4 index's /8 words: a /8 without a page holds nothing longer
 * than /8 and every /16 of it has the /8's word for default; a page's
 * words are each /16's block or default. returns the pages */
static int
index_pages(const struct trie *t)
{
	const struct tnode *n;
	struct tkey k;
	uintptr_t w;
	uint32_t h8, h;
	int pages = 0;

	for (h8 = 0; h8 < 256; h8++) {
		if (t->idx[h8] & IDX_PAGE)
			pages++;
		for (h = h8 << 8; h < (h8 + 1) << 8; h++) {
			k.w[0] = (uint64_t)h << 48;
			k.w[1] = 0;
			n = idx_sub(t, &k, 9);
			w = idx_word(t->idx, h);
			if ((t->idx[h8] & IDX_PAGE) == 0)
				assert_null(n);
			if (w & IDX_BLK)
				assert_non_null(idx_sub(t, &k, 16));
			else
				assert_true(w == (uintptr_t)idx_dflt(t, h));
		}
	}
	return pages;
}

static int
first_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	uint8_t *f = arg;

	f[0] = (uint8_t)plen;
	memcpy(f + 1, key, 4);
	return 1;
}

static void
test_index_v4(void **state)
{
	/* three /16s: a dense one, one next to it, one far away */
	static const uint32_t h16[] = { 0xc633, 0xc632, 0x0a00 };
	struct trie *t;
	uint8_t k[4], f[5];
	uint32_t a, *vals;
	void *old, *v;
	int i, round, plen, n = 0, ins = 0, rem = 0, rep = 0;
	long found;

	rng_state = 0x853c49e6748fea9bULL;
	assert_non_null(vals = calloc(4096, sizeof(*vals)));
	assert_non_null(t = trie_new(32));
	for (round = 0; round < 40; round++) {
		for (i = 0; i < 300; i++) {
			/* every length, biased to each band's edges */
			switch (rng() % 6) {
			case 0:
				plen = (int)(rng() % 17);		/* /0-/16 */
				break;
			case 1:
				plen = 17 + (int)(rng() % 8);		/* /17-/24 */
				break;
			case 2:
				plen = 24 + (int)(rng() % 2);
				break;
			default:
				plen = 25 + (int)(rng() % 8);		/* /25-/32 */
				break;
			}
			if (plen < 8 && rng() % 4 != 0)
				plen += 8;
			a = h16[rng() % 3] << 16 | (uint32_t)(rng() & 0xffff);
			/* crowd the dense /16 into a few /24s */
			if ((a >> 16) == 0xc633)
				a = (a & 0xffff03ff);
			k[0] = (uint8_t)(a >> 24);
			k[1] = (uint8_t)(a >> 16);
			k[2] = (uint8_t)(a >> 8);
			k[3] = (uint8_t)a;
			if (rng() % 3 == 0) {
				/* remove, or re-insert with a new value */
				if (rng() & 1) {
					if (trie_remove(t, k, plen) != NULL)
						rem++;
				} else if (trie_exact(t, k, plen) != NULL) {
					assert_int_equal(trie_insert(t, k, plen,
					    &vals[n++ % 4096], &old), 0);
					assert_non_null(old);
					rep++;
				}
			} else {
				assert_int_equal(trie_insert(t, k, plen,
				    &vals[n++ % 4096], &old), 0);
				if (old == NULL)
					ins++;
			}
		}
		assert_non_null(t->idx);	/* past TRIE_DIR_MIN */
		found = 0;
		for (i = 0; i < 3; i++)
			found += index_check16(t, h16[i]);
		assert_true(found > 0);
		/* a /16 that holds nothing of its own gets the default,
		 * in a /8 with a page and in one without */
		index_check16(t, 0xc634);
		index_check16(t, 0xc700);
		/* pages only where a /8 holds more than /8s: 198 and 10 */
		assert_true(index_pages(t) <= 2);
	}
	printf("index: %zu prefixes, %d inserted, %d removed, %d replaced\n",
	    trie_count(t), ins, rem, rep);
	assert_true(ins > 1000 && rem > 300 && rep > 300);
	/* the dense /16 has both levels */
	assert_true((idx_word(t->idx, 0xc633) & IDX_BLK) != 0);
	/* emptying goes back to no block, through every band */
	while (trie_count(t) > 0) {
		assert_int_equal(trie_walk(t, first_cb, f), 1);
		v = trie_remove(t, f + 1, f[0]);
		assert_true(v >= (void *)vals && v < (void *)(vals + 4096));
		if (trie_count(t) % 97 == 0)
			index_check16(t, h16[trie_count(t) % 3]);
	}
	for (i = 0; i < 3; i++) {
		assert_int_equal(idx_word(t->idx, h16[i]), 0);
		assert_int_equal(index_check16(t, h16[i]), 0);
	}
	assert_int_equal(index_pages(t), 0);	/* and the pages went */
	trie_free(t, NULL);

	/* freed with both levels of blocks in place (ASan checks leaks) */
	assert_non_null(t = trie_new(32));
	for (i = 0; i < 500; i++) {
		a = 0xcb007100 | (uint32_t)(rng() & 0x3ff);	/* 203.0.113-116 */
		k[0] = (uint8_t)(a >> 24);
		k[1] = (uint8_t)(a >> 16);
		k[2] = (uint8_t)(a >> 8);
		k[3] = (uint8_t)a;
		assert_int_equal(trie_insert(t, k, 20 + (int)(rng() % 13),
		    &vals[i], NULL), 0);
	}
	assert_true((idx_word(t->idx, 0xcb00) & IDX_BLK) != 0);
	index_check16(t, 0xcb00);
	nfreed = 0;
	n = (int)trie_count(t);
	trie_free(t, count_free);
	assert_int_equal(nfreed, n);
	free(vals);
}

/* a bulk load: no index while it runs, lookups the same as a trie built
 * one change at a time, during and after; the index comes back at the end */
static void
test_bulk(void **state)
{
	static const uint32_t h16[] = { 0xc633, 0x0a00, 0x0a01 };
	struct trie *t, *ref;
	uint8_t k[4];
	uint32_t a, *vals;
	int i, j, pl, pr, plen;
	void *v, *w;

	(void)state;
	rng_state = 0x2545f4914f6cdd1dULL;
	assert_non_null(vals = calloc(20000, sizeof(*vals)));
	assert_non_null(t = trie_new(32));
	assert_non_null(ref = trie_new(32));
	trie_bulk(t, 1);
	for (i = 0; i < 20000; i++) {
		plen = 16 + (int)(rng() % 17);
		a = h16[rng() % 3] << 16 | (uint32_t)(rng() & 0xffff);
		k[0] = (uint8_t)(a >> 24);
		k[1] = (uint8_t)(a >> 16);
		k[2] = (uint8_t)(a >> 8);
		k[3] = (uint8_t)a;
		assert_int_equal(trie_insert(t, k, plen, &vals[i], NULL), 0);
		assert_int_equal(trie_insert(ref, k, plen, &vals[i], NULL), 0);
		if (i % 5000 == 4999) {
			assert_null(t->idx);
			assert_non_null(ref->idx);
		}
	}
	for (j = 0; j < 2; j++) {
		for (i = 0; i < 50000; i++) {
			a = h16[rng() % 3] << 16 | (uint32_t)(rng() & 0xffff);
			k[0] = (uint8_t)(a >> 24);
			k[1] = (uint8_t)(a >> 16);
			k[2] = (uint8_t)(a >> 8);
			k[3] = (uint8_t)a;
			v = trie_lookup(t, k, &pl);
			w = trie_lookup(ref, k, &pr);
			assert_ptr_equal(v, w);
			if (v != NULL)
				assert_int_equal(pl, pr);
		}
		trie_bulk(t, 0);	/* the second pass reads the index */
	}
	assert_non_null(t->idx);
	for (i = 0; i < 3; i++)
		assert_true(index_check16(t, h16[i]) > 0);
	trie_free(t, NULL);
	trie_free(ref, NULL);
	free(vals);
}

/* an allocation failing anywhere in an update or a build leaves a correct
 * trie: the index is dropped (lookups use the tree) and built again once
 * the trie has doubled */
static void
test_index_nomem(void **state)
{
	struct trie *t;
	uint8_t k[4];
	uint32_t a;
	long i, nth;
	int plen, r, dropped = 0, kept = 0;
	static int v;

	rng_state = 0xda3e39cb94b95bdbULL;
	assert_non_null(t = trie_new(32));
	for (i = 0; i < 200; i++) {
		a = 0xc6120000 | (uint32_t)(rng() & 0x3fff);	/* 198.18/18 */
		k[0] = (uint8_t)(a >> 24);
		k[1] = (uint8_t)(a >> 16);
		k[2] = (uint8_t)(a >> 8);
		k[3] = (uint8_t)a;
		assert_int_equal(trie_insert(t, k, 20 + (int)(rng() % 13), &v,
		    NULL), 0);
	}
	assert_non_null(t->idx);
	for (nth = 0; nth < 6; nth++) {
		for (i = 0; i < 40; i++) {
			a = 0xc6120000 | (uint32_t)(rng() & 0x3fff);
			k[0] = (uint8_t)(a >> 24);
			k[1] = (uint8_t)(a >> 16);
			k[2] = (uint8_t)(a >> 8);
			k[3] = (uint8_t)a;
			plen = 17 + (int)(rng() % 16);
			alloc_fail = nth;
			if (rng() & 1)
				r = trie_insert(t, k, plen, &v, NULL);
			else
				r = trie_remove(t, k, plen) != NULL ? 0 : 1;
			alloc_fail = -1;
			assert_true(r >= -1 && r <= 1);
			if (t->idx == NULL) {
				dropped++;
				index_check16(t, 0xc612);	/* the tree */
				assert_true(t->idx_retry == 2 * t->count);
				if (dropped > 1) {
					/* skip the wait */
					t->idx_retry = 0;
					idx_build(t);
					assert_non_null(t->idx);
					continue;
				}
				/* built again once the trie doubles */
				for (a = 0; t->idx == NULL && a < 100000; a++) {
					k[0] = 203;
					k[1] = (uint8_t)(a >> 16);
					k[2] = (uint8_t)(a >> 8);
					k[3] = (uint8_t)a;
					assert_int_equal(trie_insert(t, k, 32,
					    &v, NULL), 0);
				}
				assert_non_null(t->idx);
				assert_true(t->count >= t->idx_retry);
			} else
				kept++;
			index_check16(t, 0xc612);
		}
	}
	/* the build itself failing half-way */
	for (nth = 0; nth < 200; nth += 7) {
		idx_drop(t);
		t->idx_retry = 0;
		alloc_fail = nth;
		idx_build(t);
		alloc_fail = -1;
		if (t->idx == NULL) {
			assert_true(t->idx_retry == 2 * t->count);
			dropped++;
		}
		index_check16(t, 0xc612);
	}
	printf("nomem: index dropped %d times, kept %d\n", dropped, kept);
	assert_true(dropped > 0 && kept > 0);
	trie_free(t, NULL);
}

/* trie_walk_after: from any point (stored or not), exactly the tail of
 * the full walk's order; cut a walk at random places and resume it */
struct order { uint8_t key[400][16]; int plen[400]; int n; };

static int
order_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct order *o = arg;

	memcpy(o->key[o->n], key, 16);
	o->plen[o->n++] = plen;
	return 0;
}

static void
test_walk_after(void **state)
{
	static struct order all, tail;
	struct trie	*t;
	uint8_t		 k[16];
	uint32_t	 x = 12345;
	int		 i, j, round, bits;

	for (round = 0; round < 200; round++) {
		bits = round % 2 ? 128 : 32;
		assert_non_null(t = trie_new(bits));
		for (i = 0; i < 300; i++) {
			memset(k, 0, sizeof(k));
			for (j = 0; j < 16; j++) {
				x ^= x << 13; x ^= x >> 17; x ^= x << 5;
				/* few distinct high bits: deep shared paths */
				k[j] = (uint8_t)(j < 2 ? x & 0x3 : x);
			}
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			trie_insert(t, k, (int)(x % (unsigned)(bits + 1)), (void *)1, NULL);
		}
		all.n = 0;
		trie_walk(t, order_cb, &all);
		/* after each stored prefix: the rest of the walk */
		for (i = 0; i < all.n; i++) {
			tail.n = 0;
			trie_walk_after(t, all.key[i], all.plen[i], order_cb, &tail);
			assert_int_equal(tail.n, all.n - i - 1);
			for (j = 0; j < tail.n; j++) {
				assert_int_equal(tail.plen[j], all.plen[i + 1 + j]);
				assert_memory_equal(tail.key[j], all.key[i + 1 + j], (size_t)bits / 8);
			}
		}
		/* after a point that is not stored: what the walk puts after it,
		 * checked as "no stored prefix is both before it and in the tail" */
		for (i = 0; i < 50; i++) {
			x ^= x << 13; x ^= x >> 17; x ^= x << 5;
			memset(k, 0, sizeof(k));
			memcpy(k, &x, 4);
			tail.n = 0;
			trie_walk_after(t, k, (int)(x % (unsigned)(bits + 1)), order_cb, &tail);
			/* the tail is a suffix of the full order */
			for (j = 0; j < tail.n; j++) {
				int at = all.n - tail.n + j;

				assert_int_equal(tail.plen[j], all.plen[at]);
				assert_memory_equal(tail.key[j], all.key[at], (size_t)bits / 8);
			}
		}
		trie_free(t, NULL);
	}
}

/* a node that loses its value or its children moves to a smaller node;
 * without memory for it, it stays where it is and everything still
 * answers right. a node that must grow fails the insert cleanly. */
static void
exhaust(struct trie *t)
{
	t->cend = t->cpos;		/* the chunk is full */
	memset(t->free, 0, sizeof(t->free));
	alloc_fail = 0;			/* and the next malloc fails */
}

static void
test_resize_nomem(void **state)
{
	static const int widths[] = { 32, 48, 128 };
	struct trie *t;
	uint8_t a[16], b[16], c[16], d[16], x[16];
	int i, plen;

	for (i = 0; i < 3; i++) {
		memset(a, 0, sizeof(a));
		a[0] = 10;
		memcpy(b, a, 16);		/* 10/8 > 10.0/16, 10.128/16 */
		memcpy(c, a, 16);
		c[1] = 128;
		memcpy(d, a, 16);		/* 10.0.0/24 under 10.0/16 */
		assert_non_null(t = trie_new(widths[i]));
		assert_int_equal(trie_insert(t, a, 8, (void *)1, NULL), 0);
		assert_int_equal(trie_insert(t, b, 16, (void *)2, NULL), 0);
		assert_int_equal(trie_insert(t, c, 16, (void *)3, NULL), 0);

		/* 10/8 becomes a branch node in place */
		exhaust(t);
		assert_true(trie_remove(t, a, 8) == (void *)1);
		alloc_fail = -1;
		assert_null(trie_exact(t, a, 8));
		memcpy(x, a, 16);
		x[3] = 1;
		assert_true(trie_lookup(t, x, &plen) == (void *)2);
		assert_int_equal(plen, 16);
		x[1] = 200;
		assert_null(trie_lookup(t, x, &plen));
		assert_int_equal(trie_negative(t, x), 10);
		assert_int_equal(trie_count(t), 2);

		/* growing a leaf without memory: the insert fails, nothing
		 * changes */
		exhaust(t);
		assert_int_equal(trie_insert(t, d, 24, (void *)4, NULL), -1);
		alloc_fail = -1;
		assert_null(trie_exact(t, d, 24));
		assert_int_equal(trie_count(t), 2);

		/* 10.0/16 keeps its empty child pointers */
		assert_int_equal(trie_insert(t, d, 24, (void *)4, NULL), 0);
		exhaust(t);
		assert_true(trie_remove(t, d, 24) == (void *)4);
		alloc_fail = -1;
		assert_true(trie_exact(t, b, 16) == (void *)2);
		x[1] = 0;
		assert_true(trie_lookup(t, x, &plen) == (void *)2);
		assert_int_equal(plen, 16);
		assert_int_equal(trie_has_inside(t, d, 24), 0);
		/* and takes a child again, and loses it */
		assert_int_equal(trie_insert(t, d, 24, (void *)5, NULL), 0);
		assert_true(trie_lookup(t, x, &plen) == (void *)5);
		assert_int_equal(plen, 24);
		assert_true(trie_remove(t, d, 24) == (void *)5);
		/* 10/8 stored again into the branch node kept in place */
		assert_int_equal(trie_insert(t, a, 8, (void *)6, NULL), 0);
		x[1] = 200;
		assert_true(trie_lookup(t, x, &plen) == (void *)6);
		assert_true(trie_remove(t, b, 16) == (void *)2);
		assert_true(trie_remove(t, c, 16) == (void *)3);
		assert_true(trie_remove(t, a, 8) == (void *)6);
		assert_int_equal(trie_count(t), 0);
		assert_null(trie_lookup(t, x, &plen));
		trie_free(t, NULL);
	}
}

/* node memory: a dense set of full-length prefixes is N leaves and N - 1
 * branch nodes, 16 + 24 octets a prefix for narrow keys, 32 + 40 for wide
 * ones; churn reuses freed nodes of each kind */
static size_t
chunk_bytes(const struct trie *t)
{
	const struct tchunk *c;
	size_t n = 0;

	for (c = t->chunks; c != NULL; c = c->next)
		n += CHUNK_BYTES;
	return n;
}

static void
test_node_bytes(void **state)
{
	static const int widths[] = { 32, 48, 128 };
	struct trie *t;
	uint8_t k[16];
	size_t per, n = 20000, i, round;
	int w;

	for (w = 0; w < 3; w++) {
		per = widths[w] <= 48 ? 16 + 24 : 32 + 40;
		assert_non_null(t = trie_new(widths[w]));
		for (i = 0; i < n; i++) {
			memset(k, 0, sizeof(k));
			k[0] = 10;
			k[widths[w] / 8 - 2] = (uint8_t)(i >> 8);
			k[widths[w] / 8 - 1] = (uint8_t)i;
			assert_int_equal(trie_insert(t, k, widths[w],
			    (void *)(i + 1), NULL), 0);
		}
		assert_int_equal(trie_count(t), n);
		assert_true(chunk_bytes(t) <= per * n + CHUNK_BYTES);
		/* remove and put back every other prefix, three times */
		for (round = 0; round < 3; round++) {
			for (i = round % 2; i < n; i += 2) {
				k[widths[w] / 8 - 2] = (uint8_t)(i >> 8);
				k[widths[w] / 8 - 1] = (uint8_t)i;
				assert_true(trie_remove(t, k, widths[w]) ==
				    (void *)(i + 1));
			}
			for (i = round % 2; i < n; i += 2) {
				k[widths[w] / 8 - 2] = (uint8_t)(i >> 8);
				k[widths[w] / 8 - 1] = (uint8_t)i;
				assert_int_equal(trie_insert(t, k, widths[w],
				    (void *)(i + 1), NULL), 0);
			}
		}
		assert_int_equal(trie_count(t), n);
		assert_true(chunk_bytes(t) <= per * n + CHUNK_BYTES);
		trie_free(t, NULL);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_negative_examples),
		cmocka_unit_test(test_negative_v6),
		cmocka_unit_test(test_basic),
		cmocka_unit_test(test_mac),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_walk_after),
		cmocka_unit_test(test_random_v4),
		cmocka_unit_test(test_random_v6),
		cmocka_unit_test(test_random_mac),
		cmocka_unit_test(test_index_v4),
		cmocka_unit_test(test_bulk),
		cmocka_unit_test(test_index_nomem),
		cmocka_unit_test(test_resize_nomem),
		cmocka_unit_test(test_node_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
