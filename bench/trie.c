/* trie benchmark: 1M random IPv4 prefixes (mostly /16-/24), longest-match
 * lookups for a bounded time, against a one-probe hash lookup of the same
 * addresses measured in the same run; memory per prefix from
 * /proc/self/statm; insert and remove rates at full size; then 100k IPv6
 * prefixes (/32-/64) the same way.
 *
 * rates are per core: lookups divided by the CPU time of this process
 * (the machine may be shared); wall-clock rates are printed beside them.
 *
 * usage: trie [-n prefixes] [-6 v6-prefixes] [-t seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <malloc.h>

#include "bench.h"
#include "hash.h"
#include "trie.h"

#define NKEYS	(1u << 20)	/* lookup addresses, cycled */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	return bench_rng(&rng_state);
}

static double
clock_s(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double
now(void)
{
	return clock_s(CLOCK_MONOTONIC);
}

static double
cpu(void)
{
	return clock_s(CLOCK_PROCESS_CPUTIME_ID);
}

static long
rss_bytes(void)
{
	FILE *f;
	long size, res;

	if ((f = fopen("/proc/self/statm", "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld %ld", &size, &res) != 2)
		res = -1;
	fclose(f);
	return res < 0 ? -1 : res * sysconf(_SC_PAGESIZE);
}

/* realistic length mix: mostly /16-/24, some /8-/15 and /25-/32 */
static int
rand_plen(void)
{
	unsigned r = (unsigned)(rng() % 100);

	if (r < 2)
		return 8 + (int)(rng() % 8);		/* /8-/15 */
	if (r < 12)
		return 16 + (int)(rng() % 4);		/* /16-/19 */
	if (r < 20)
		return 20 + (int)(rng() % 3);		/* /20-/22 */
	if (r < 30)
		return 23;
	if (r < 90)
		return 24;
	return 25 + (int)(rng() % 8);			/* /25-/32 */
}

static void
put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* baseline: open-addressing hash of /24 networks, one probe sequence per
 * lookup, same addresses */
struct hash {
	uint32_t	*slot;		/* net24 + 1, 0 = empty */
	uint32_t	 mask;
};

static inline uint32_t
hash32(uint32_t x)
{
	x ^= x >> 16;
	x *= 0x7feb352dU;
	x ^= x >> 15;
	x *= 0x846ca68bU;
	x ^= x >> 16;
	return x;
}

static void
hash_add(struct hash *h, uint32_t net)
{
	uint32_t i = hash32(net) & h->mask;

	while (h->slot[i] != 0 && h->slot[i] != net + 1)
		i = (i + 1) & h->mask;
	h->slot[i] = net + 1;
}

static inline int
hash_has(const struct hash *h, uint32_t net)
{
	uint32_t i = hash32(net) & h->mask;

	while (h->slot[i] != 0) {
		if (h->slot[i] == net + 1)
			return 1;
		i = (i + 1) & h->mask;
	}
	return 0;
}

/* the same for IPv6: /48 networks (the top 48 bits) as 64-bit words */
struct hash64 {
	uint64_t	*slot;		/* net48 + 1, 0 = empty */
	uint64_t	 mask;
};

static void
hash64_add(struct hash64 *h, uint64_t net)
{
	uint64_t i = hash_mix64(net) & h->mask;

	while (h->slot[i] != 0 && h->slot[i] != net + 1)
		i = (i + 1) & h->mask;
	h->slot[i] = net + 1;
}

static inline int
hash64_has(const struct hash64 *h, uint64_t net)
{
	uint64_t i = hash_mix64(net) & h->mask;

	while (h->slot[i] != 0) {
		if (h->slot[i] == net + 1)
			return 1;
		i = (i + 1) & h->mask;
	}
	return 0;
}

/* bytes malloc has handed out (RSS says nothing once memory is reused) */
static size_t
heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
put128(uint8_t *p, uint64_t hi, uint64_t lo)
{
	int i;

	for (i = 0; i < 8; i++) {
		p[i] = (uint8_t)(hi >> (56 - 8 * i));
		p[8 + i] = (uint8_t)(lo >> (56 - 8 * i));
	}
}

static void
report_lookups(const char *what, unsigned long nlook, double tw, double tc,
    unsigned long hits)
{
	printf("%s: %lu longest-match lookups: %.2f M lookups/s per core "
	    "(%.1f ns CPU each), %.2f M/s wall, %.0f%% matched\n", what, nlook,
	    (double)nlook / tc / 1e6, tc / (double)nlook * 1e9,
	    (double)nlook / tw / 1e6, 100.0 * (double)hits / (double)nlook);
}

/* remove m stored prefixes and put them back: the churn of a Map-Server */
static void
churn(const char *what, struct trie *t, const uint8_t *keys, size_t ksz,
    const int *plens, unsigned long n, unsigned long m, void *val)
{
	unsigned long i, j, removed = 0;
	double t0, tr, ti;

	if (m > n)
		m = n;
	t0 = cpu();
	for (i = 0; i < m; i++) {
		j = (unsigned long)((uint64_t)i * 7919 % n);
		if (trie_remove(t, keys + j * ksz, plens[j]) != NULL)
			removed++;
	}
	tr = cpu() - t0;
	t0 = cpu();
	for (i = 0; i < m; i++) {
		j = (unsigned long)((uint64_t)i * 7919 % n);
		if (trie_insert(t, keys + j * ksz, plens[j], val, NULL) == -1)
			exit(1);
	}
	ti = cpu() - t0;
	printf("%s: churn at %zu prefixes: %lu removes (%lu found) %.0f/s, "
	    "%lu inserts %.0f/s (CPU time)\n", what, trie_count(t), m, removed,
	    (double)m / tr, m, (double)m / ti);
}

static double
bench_v4(unsigned long n, double secs)
{
	struct trie *t;
	struct hash h;
	uint8_t (*keys)[4], (*pk)[4];
	uint32_t *stored, *keys32, a;
	int *plens;
	long rss0, rss1;
	size_t heap0, heap1;
	double t0, c0, dt, tt, tc, th, rate;
	unsigned long i, nlook, hits, hhits, added = 0, j;
	volatile unsigned long sink;
	int plen;

	if ((stored = calloc(n, sizeof(*stored))) == NULL ||
	    (pk = calloc(n, sizeof(*pk))) == NULL ||
	    (plens = calloc(n, sizeof(*plens))) == NULL ||
	    (keys = calloc(NKEYS, sizeof(*keys))) == NULL ||
	    (keys32 = calloc(NKEYS, sizeof(*keys32))) == NULL)
		exit(1);
	/* fault the bench's own arrays in before measuring */
	memset(stored, 0, n * sizeof(*stored));
	memset(pk, 0, n * sizeof(*pk));
	memset(plens, 0, n * sizeof(*plens));

	heap0 = heap_bytes();
	rss0 = rss_bytes();
	if ((t = trie_new(32)) == NULL)
		exit(1);
	t0 = now();
	c0 = cpu();
	for (i = 0; i < n; i++) {
		plen = rand_plen();
		a = (uint32_t)rng();
		a &= plen == 0 ? 0 : ~0u << (32 - plen);
		put32(pk[i], a);
		plens[i] = plen;
		if (trie_insert(t, pk[i], plen, &stored[i], NULL) == -1)
			exit(1);
		stored[i] = a;
	}
	dt = cpu() - c0;
	rss1 = rss_bytes();
	heap1 = heap_bytes();
	printf("trie: %zu prefixes (%lu inserted, duplicates replaced) in "
	    "%.2f s CPU (%.2f s wall), %.0f inserts/s\n", trie_count(t), n, dt,
	    now() - t0, (double)n / dt);
	printf("trie: memory %.1f bytes RSS per prefix (%.1f MB), "
	    "%.1f bytes allocated per prefix\n",
	    (double)(rss1 - rss0) / (double)trie_count(t),
	    (double)(rss1 - rss0) / 1e6,
	    (double)(heap1 - heap0) / (double)trie_count(t));

	/* half the lookups inside stored prefixes, half uniformly random */
	for (i = 0; i < NKEYS; i++) {
		a = (uint32_t)rng();
		if (i & 1)
			a = stored[rng() % n] | (a & 0xff);
		keys32[i] = a;
		put32(keys[i], a);
	}

	/* baseline hash of the /24 part of every stored prefix */
	for (h.mask = 1; h.mask < 2 * n; h.mask <<= 1)
		;
	if ((h.slot = calloc(h.mask, sizeof(*h.slot))) == NULL)
		exit(1);
	h.mask--;
	for (i = 0; i < n; i++) {
		hash_add(&h, stored[i] >> 8);
		added++;
	}

	/* trie lookups for ~secs of CPU, checked every 64K */
	nlook = hits = 0;
	t0 = now();
	c0 = cpu();
	do {
		for (j = 0; j < 65536; j++, nlook++)
			if (trie_lookup(t, keys[nlook & (NKEYS - 1)], &plen)
			    != NULL)
				hits++;
	} while ((tc = cpu() - c0) < secs);
	tt = now() - t0;
	sink = hits;

	/* baseline: the same number of lookups in the hash */
	hhits = 0;
	c0 = cpu();
	for (i = 0; i < nlook; i++) {
		memcpy(&a, keys[i & (NKEYS - 1)], 4);	/* same key load */
		hhits += hash_has(&h, keys32[i & (NKEYS - 1)] >> 8);
	}
	th = cpu() - c0;
	sink = hhits;
	(void)sink;

	rate = (double)nlook / tc;
	report_lookups("trie", nlook, tt, tc, hits);
	printf("hash baseline (one /24 probe, %lu entries): %.2f M lookups/s "
	    "per core, %.1f ns CPU each\n", added, (double)nlook / th / 1e6,
	    th / (double)nlook * 1e9);
	printf("trie/hash time ratio: %.2f (target >= 10 M lookups/s per "
	    "core: %s)\n", tc / th, rate >= 10e6 ? "met" : "NOT met");

	churn("trie", t, &pk[0][0], sizeof(pk[0]), plens, n, n / 10,
	    &stored[0]);

	trie_free(t, NULL);
	free(h.slot);
	free(keys);
	free(keys32);
	free(stored);
	free(pk);
	free(plens);
	return rate;
}

/* IPv6: /32-/64 prefixes (three in four /48) under 64 random /20s of
 * 2000::/4; lookups half inside stored prefixes, half random inside the
 * 64 /20s. IPv6 has no multibit index: this measures the tree walk. */
static void
bench_v6(unsigned long n, double secs)
{
	struct trie *t;
	struct hash64 h;
	uint8_t (*pk)[16], (*keys)[16];
	uint64_t *hi, *keys64;
	int *plens, plen;
	size_t heap0, heap1;
	double t0, c0, dt, tc, tt, th;
	unsigned long i, j, nlook, hits, hhits;
	volatile unsigned long sink;
	uint64_t v, top[64], a;

	if ((pk = calloc(n, sizeof(*pk))) == NULL ||
	    (plens = calloc(n, sizeof(*plens))) == NULL ||
	    (hi = calloc(n, sizeof(*hi))) == NULL ||
	    (keys = calloc(NKEYS, sizeof(*keys))) == NULL ||
	    (keys64 = calloc(NKEYS, sizeof(*keys64))) == NULL)
		exit(1);
	for (i = 0; i < 64; i++)
		top[i] = (0x2000ULL | (rng() & 0xfff)) << 48 |
		    (rng() & 0xf) << 44;
	heap0 = heap_bytes();
	if ((t = trie_new(128)) == NULL)
		exit(1);
	t0 = now();
	c0 = cpu();
	for (i = 0; i < n; i++) {
		plen = 32 + (int)(rng() % 33);
		if (rng() % 4 != 0)
			plen = 48;
		v = top[rng() % 64] | (rng() & 0xfffffffffffULL);
		v &= ~0ULL << (64 - plen);
		hi[i] = v;
		plens[i] = plen;
		put128(pk[i], v, 0);
		if (trie_insert(t, pk[i], plen, &hi[i], NULL) == -1)
			exit(1);
	}
	dt = cpu() - c0;
	heap1 = heap_bytes();
	printf("trie6: %zu prefixes (%lu inserted) in %.2f s CPU (%.2f s wall), "
	    "%.0f inserts/s\n", trie_count(t), n, dt, now() - t0,
	    (double)n / dt);
	printf("trie6: memory %.1f bytes allocated per prefix (%.1f MB)\n",
	    (double)(heap1 - heap0) / (double)trie_count(t),
	    (double)(heap1 - heap0) / 1e6);
	for (i = 0; i < NKEYS; i++) {
		if (i & 1)
			v = hi[rng() % n] | (rng() & 0xffff);
		else
			v = top[rng() % 64] | (rng() & 0xfffffffffffULL);
		put128(keys[i], v, rng());
		keys64[i] = v;
	}
	for (h.mask = 1; h.mask < 2 * n; h.mask <<= 1)
		;
	if ((h.slot = calloc(h.mask, sizeof(*h.slot))) == NULL)
		exit(1);
	h.mask--;
	for (i = 0; i < n; i++)
		hash64_add(&h, hi[i] >> 16);
	nlook = hits = 0;
	t0 = now();
	c0 = cpu();
	do {
		for (j = 0; j < 65536; j++, nlook++)
			if (trie_lookup(t, keys[nlook & (NKEYS - 1)], &plen)
			    != NULL)
				hits++;
	} while ((tc = cpu() - c0) < secs);
	tt = now() - t0;
	sink = hits;
	hhits = 0;
	c0 = cpu();
	for (i = 0; i < nlook; i++) {
		memcpy(&a, keys[i & (NKEYS - 1)], 8);	/* same key load */
		hhits += hash64_has(&h, keys64[i & (NKEYS - 1)] >> 16);
	}
	th = cpu() - c0;
	sink = hhits;
	(void)sink;
	report_lookups("trie6", nlook, tt, tc, hits);
	printf("hash6 baseline (one /48 probe, %lu entries): %.2f M lookups/s "
	    "per core, %.1f ns CPU each\n", n, (double)nlook / th / 1e6,
	    th / (double)nlook * 1e9);
	printf("trie6/hash6 time ratio: %.2f\n", tc / th);
	churn("trie6", t, &pk[0][0], sizeof(pk[0]), plens, n, n / 10, &hi[0]);
	trie_free(t, NULL);
	free(pk);
	free(plens);
	free(hi);
	free(keys);
	free(keys64);
	free(h.slot);
}

int
main(int argc, char **argv)
{
	double secs = 0.5;
	unsigned long n = 1000000, n6 = 100000;
	int c;

	while ((c = getopt(argc, argv, "n:6:t:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case '6':
			n6 = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: trie [-n prefixes] "
			    "[-6 v6-prefixes] [-t seconds]\n");
			return 2;
		}
	}
	if (n == 0)
		n = 1;
	bench_v4(n, secs);
	if (n6 > 0)
		bench_v6(n6, secs);
	return 0;
}
