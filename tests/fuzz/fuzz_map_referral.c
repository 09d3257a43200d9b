/* libFuzzer target: map-referral decoder; an accepted input is walked with
 * every iterator and re-encoded (tests/unit/decode_all.h), any broken
 * invariant aborts. each accepted record is also rebuilt with
 * map_referral_build (the DDT node's and Map-Server's encoder) from its
 * decoded fields and must decode back to them */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "../unit/decode_all.h"
#include "msg_build.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

static void
rebuild(const struct lisp_map_referral *mr)
{
	struct rbuf		 recs = mr->records, rl, b;
	struct lisp_record	 rec, back;
	struct lisp_rloc	 loc;
	struct lisp_addr	 set[REFB_RLOC_MAX];
	struct referral_build	 rb;
	struct lisp_map_referral m2;
	uint8_t			 out[4096];
	size_t			 n;

	while (referral_record_next(&recs, &rec) == 1) {
		memset(&rb, 0, sizeof(rb));
		rb.nonce = mr->nonce;
		rb.eid = rec.eid;
		rb.mlen = rec.eid_mlen;
		rb.act = rec.act;
		rb.incomplete = rec.incomplete;
		rb.ttl = rec.ttl;
		rl = rec.rlocs;
		while (rb.nrlocs < REFB_RLOC_MAX && rloc_next(&rl, &loc) == 1)
			set[rb.nrlocs++] = loc.addr;
		rb.rlocs = set;
		if ((n = map_referral_build(out, sizeof(out), &rb)) == 0)
			continue;	/* a mask longer than the family: refused */
		rbuf_init(&b, out, n);
		if (map_referral_decode(&b, &m2, NULL) == -1 || b.len != 0)
			abort();
		b = m2.records;
		if (referral_record_next(&b, &back) != 1 || back.act != rec.act ||
		    back.eid_mlen != rec.eid_mlen || back.ttl != rec.ttl ||
		    back.incomplete != rec.incomplete || back.nrlocs != rb.nrlocs ||
		    m2.nonce != mr->nonce)
			abort();
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct da_stats		 st;
	struct lisp_map_referral mr;
	struct rbuf		 b;
	const char		*err;

	memset(&st, 0, sizeof(st));
	if ((err = da_decode_as(LISP_MAP_REFERRAL, data, size, 0, &st)) != NULL) {
		fprintf(stderr, "invariant broken: %s\n", err);
		abort();
	}
	rbuf_init(&b, data, size);
	if (map_referral_decode(&b, &mr, NULL) == 0)
		rebuild(&mr);
	return 0;
}
