/* replay protection at scale: the cost of checking and accepting one
 * Map-Register's nonce and digest in a site with 4096 registrants (the
 * bound), against a site with one registrant measured in the same run.
 * A per-message cost that grew with the registrants would show as a
 * ratio far above 1.
 *
 * usage: replay [-n registrants] [-m messages] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "replay.h"

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

static uint64_t
rng(void)
{
	return bench_rng(&rng_state);
}

static void
registrant(uint32_t n, struct replay_id *id, struct lisp_addr *src)
{
	uint8_t x[16];

	memset(src, 0, sizeof(*src));
	src->afi = AFI_IPV4;
	src->u.v4[0] = 198;
	src->u.v4[1] = 18;
	src->u.v4[2] = (uint8_t)(n >> 8);
	src->u.v4[3] = (uint8_t)n;
	memset(x, 0, sizeof(x));
	memcpy(x, &n, sizeof(n));
	replay_id_make(id, 1, x, src);
}

/* ns per message: m fresh messages from random registrants of n */
static double
run(uint32_t n, long m, long *refused)
{
	struct replay_set rs;
	struct replay_id id;
	struct lisp_addr src;
	uint64_t now = 1000, *nonce;
	double t0, t;
	long i;
	uint32_t r;

	memset(&rs, 0, sizeof(rs));
	if ((nonce = calloc(n, sizeof(*nonce))) == NULL)
		return -1;
	for (r = 0; r < n; r++)		/* each with a full ring */
		for (i = 0; i < MS_REPLAY_RING; i++) {
			registrant(r, &id, &src);
			replay_accept(&rs, &id, &src, ++nonce[r], rng(),
			    REPLAY_FRESH, now, 1000);
		}
	*refused = 0;
	t0 = now_s();
	for (i = 0; i < m; i++) {
		enum replay_verdict v;
		uint64_t d = rng();

		r = (uint32_t)(rng() % n);
		registrant(r, &id, &src);
		v = replay_check(&rs, &id, &src, ++nonce[r], d, 0, ++now);
		if (v == REPLAY_FRESH || v == REPLAY_RETRANSMIT)
			replay_accept(&rs, &id, &src, nonce[r], d, v, now, 1000);
		else
			(*refused)++;
	}
	t = now_s() - t0;
	replay_free(&rs);
	free(nonce);
	return t * 1e9 / (double)m;
}

int
main(int argc, char **argv)
{
	uint32_t n = MS_REPLAY_MAX;
	long m = 2000000, ref1, refn;
	double base, big;
	int c;

	while ((c = getopt(argc, argv, "n:m:")) != -1)
		switch (c) {
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 'm': m = strtol(optarg, NULL, 10); break;
		default:
			fprintf(stderr, "usage: replay [-n registrants] [-m messages]\n");
			return 2;
		}
	if (n < 1 || m < 1)
		return 2;
	base = run(1, m, &ref1);
	big = run(n, m, &refn);
	printf("replay check+accept: 1 registrant %.0f ns/message, %u registrants %.0f ns/message, ratio %.2f (refused %ld/%ld)\n",
	    base, n, big, big / base, ref1, refn);
	return ref1 == 0 && refn == 0 ? 0 : 1;
}
