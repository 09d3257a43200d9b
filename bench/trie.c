/* trie benchmark: 1M random IPv4 prefixes (mostly /16-/24), longest-match
 * lookups for a bounded time, against a one-probe hash lookup of the same
 * addresses measured in the same run; memory per prefix from
 * /proc/self/statm.
 *
 * usage: trie [-n prefixes] [-t seconds] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "trie.h"

#define NKEYS	(1u << 20)	/* lookup addresses, cycled */

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static uint64_t
rng(void)
{
	uint64_t x = rng_state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return rng_state = x;
}

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
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

int
main(int argc, char **argv)
{
	struct trie *t;
	struct hash h;
	uint8_t k[4], (*keys)[4];
	uint32_t *stored, *keys32, a;
	long rss0, rss1;
	double t0, dt, tt, th, secs = 0.5;
	unsigned long n = 1000000, i, nlook, hits, hhits, added = 0, j;
	volatile unsigned long sink;
	int c, plen;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n':
			n = strtoul(optarg, NULL, 10);
			break;
		case 't':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: trie [-n prefixes] [-t seconds]\n");
			return 2;
		}
	}
	if (n == 0)
		n = 1;
	if ((stored = calloc(n, sizeof(*stored))) == NULL ||
	    (keys = calloc(NKEYS, sizeof(*keys))) == NULL ||
	    (keys32 = calloc(NKEYS, sizeof(*keys32))) == NULL)
		return 1;

	rss0 = rss_bytes();
	if ((t = trie_new(32)) == NULL)
		return 1;
	t0 = now();
	for (i = 0; i < n; i++) {
		plen = rand_plen();
		a = (uint32_t)rng();
		a &= plen == 0 ? 0 : ~0u << (32 - plen);
		put32(k, a);
		if (trie_insert(t, k, plen, &stored[i], NULL) == -1)
			return 1;
		stored[i] = a;
	}
	dt = now() - t0;
	rss1 = rss_bytes();
	printf("trie: %zu prefixes (%lu inserted, duplicates replaced) in "
	    "%.2f s, %.0f inserts/s\n", trie_count(t), n, dt, (double)n / dt);
	printf("trie: memory %.1f bytes RSS per prefix (%.1f MB)\n",
	    (double)(rss1 - rss0) / (double)trie_count(t),
	    (double)(rss1 - rss0) / 1e6);

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
		return 1;
	h.mask--;
	for (i = 0; i < n; i++) {
		hash_add(&h, stored[i] >> 8);
		added++;
	}

	/* trie lookups for ~secs, checked every 64K */
	nlook = hits = 0;
	t0 = now();
	do {
		for (j = 0; j < 65536; j++, nlook++)
			if (trie_lookup(t, keys[nlook & (NKEYS - 1)], &plen)
			    != NULL)
				hits++;
	} while ((tt = now() - t0) < secs);
	sink = hits;

	/* baseline: the same number of lookups in the hash */
	hhits = 0;
	t0 = now();
	for (i = 0; i < nlook; i++) {
		memcpy(&a, keys[i & (NKEYS - 1)], 4);	/* same key load */
		hhits += hash_has(&h, keys32[i & (NKEYS - 1)] >> 8);
	}
	th = now() - t0;
	sink = hhits;
	(void)sink;

	printf("trie: %lu longest-match lookups in %.2f s: %.2f M lookups/s, "
	    "%.1f ns/lookup (%.0f%% matched)\n", nlook, tt,
	    (double)nlook / tt / 1e6, tt / (double)nlook * 1e9,
	    100.0 * (double)hits / (double)nlook);
	printf("hash baseline (one /24 probe, %lu entries): %.2f M lookups/s, "
	    "%.1f ns/lookup\n", added, (double)nlook / th / 1e6,
	    th / (double)nlook * 1e9);
	printf("trie/hash time ratio: %.2f (target >= 10 M lookups/s: %s)\n",
	    tt / th, (double)nlook / tt >= 10e6 ? "met" : "NOT met");

	trie_free(t, NULL);
	free(h.slot);
	free(keys);
	free(keys32);
	free(stored);
	return 0;
}
