/* Map-Referral: decode the samples, compare fields, re-encode, truncate */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "msg.h"
#include "vectors.h"
#include "msg_roundtrip.h"
#include "testlib.h"

static void
test_decode_two_records(void **state)
{
	uint8_t			 pkt[512], out[512];
	struct lisp_map_referral mr;
	struct lisp_record	 rec;
	struct lisp_rloc	 rl;
	struct rbuf		 b, recs, rlocs;
	char			 s[ADDR_STRLEN];
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("map-referral", pkt, sizeof(pkt));
	rbuf_init(&b, pkt, n);
	assert_int_equal(map_referral_decode(&b, &mr, &err), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(mr.nonce, 0x0123456789abcdefull);
	assert_int_equal(mr.nrecords, 2);
	assert_ptr_equal(mr.records.p, pkt + 12);
	assert_int_equal(mr.records.len, n - 12);

	recs = mr.records;
	assert_int_equal(referral_record_next(&recs, &rec), 1);
	assert_int_equal(rec.ttl, 1440);
	assert_int_equal(rec.nrlocs, 2);
	assert_int_equal(rec.eid_mlen, 16);
	assert_int_equal(rec.act, REF_MS_REFERRAL);
	assert_int_equal(rec.auth, 1);
	assert_int_equal(rec.incomplete, 0);
	assert_int_equal(rec.sigcnt, 0);
	assert_string_equal(prefix_fmt(&rec.eid, rec.eid_mlen, s, sizeof(s)),
	    "[5]198.18.0.0/16");
	rlocs = rec.rlocs;
	assert_int_equal(rloc_next(&rlocs, &rl), 1);
	assert_int_equal(rl.priority, 1);
	assert_int_equal(rl.weight, 50);
	assert_int_equal(rl.flags, RLOC_R);
	assert_string_equal(addr_fmt(&rl.addr, s, sizeof(s)), "203.0.113.10");
	assert_int_equal(rloc_next(&rlocs, &rl), 1);
	assert_string_equal(addr_fmt(&rl.addr, s, sizeof(s)), "2001:db8::a");
	assert_int_equal(rloc_next(&rlocs, &rl), 0);

	assert_int_equal(referral_record_next(&recs, &rec), 1);
	assert_int_equal(rec.ttl, 0);
	assert_int_equal(rec.nrlocs, 0);
	assert_int_equal(rec.act, REF_NOT_AUTHORITATIVE);
	assert_int_equal(rec.auth, 0);
	assert_int_equal(rec.incomplete, 1);
	assert_string_equal(prefix_fmt(&rec.eid, rec.eid_mlen, s, sizeof(s)),
	    "198.51.100.0/24");
	assert_int_equal(rec.rlocs.len, 0);
	assert_int_equal(referral_record_next(&recs, &rec), 0);

	assert_int_equal(rt_map_referral_encode(&mr, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, n);
}

static void
test_decode_signed(void **state)
{
	uint8_t			 pkt[512], out[512];
	struct lisp_map_referral mr;
	struct lisp_record	 rec;
	struct lisp_ref_sig	 sg;
	struct rbuf		 b, recs, sigs;
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("map-referral-sig", pkt, sizeof(pkt));
	rbuf_init(&b, pkt, n);
	assert_int_equal(map_referral_decode(&b, &mr, &err), 0);
	assert_int_equal(mr.nrecords, 1);
	recs = mr.records;
	assert_int_equal(referral_record_next(&recs, &rec), 1);
	assert_int_equal(rec.act, REF_NODE_REFERRAL);
	assert_int_equal(rec.eid_mlen, 15);
	assert_int_equal(rec.sigcnt, 1);
	assert_int_equal(rec.version, 0);
	assert_int_equal(rec.sigs.len, 20 + 16);
	sigs = rec.sigs;
	assert_int_equal(ref_sig_next(&sigs, &sg), 1);
	assert_int_equal(sg.orig_ttl, 1440);
	assert_int_equal(sg.expiration, 1900000000u);
	assert_int_equal(sg.inception, 1800000000u);
	assert_int_equal(sg.key_tag, 0x4242);
	assert_int_equal(sg.alg, 2);
	assert_int_equal(sg.sig_len, 16);
	assert_int_equal(sg.sig[0], 0x5e);
	assert_int_equal(ref_sig_next(&sigs, &sg), 0);

	assert_int_equal(rt_map_referral_encode(&mr, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, n);
}

static void
test_truncated(void **state)
{
	static const char *names[] = { "map-referral", "map-referral-sig" };
	uint8_t			 pkt[512];
	struct lisp_map_referral mr;
	size_t			 i, n;

	for (i = 0; i < 2; i++) {
		n = tl_sample(names[i], pkt, sizeof(pkt));
		assert_int_equal(tl_truncations(&tl_map_referral_codec, &mr,
		    pkt, n, NULL), 0);
	}
}

static void
test_refused(void **state)
{
	uint8_t			 pkt[512];
	struct lisp_map_referral mr;
	struct rbuf		 b;
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("map-referral", pkt, sizeof(pkt));
	/* wrong type */
	pkt[0] = 0x20;
	tl_expect_fail(&tl_map_referral_codec, &mr, pkt, n, NULL);
	/* no records */
	pkt[0] = 0x60;
	pkt[3] = 0;
	tl_expect_fail(&tl_map_referral_codec, &mr, pkt, n, NULL);
	/* more records than present */
	pkt[3] = 3;
	tl_expect_fail(&tl_map_referral_codec, &mr, pkt, n, NULL);
	/* one record fewer: the rest is left in the cursor */
	pkt[3] = 1;
	rbuf_init(&b, pkt, n);
	assert_int_equal(map_referral_decode(&b, &mr, &err), 0);
	assert_int_equal(b.len, 10 + 6);
	/* sigcnt beyond the message */
	n = tl_sample("map-referral-sig", pkt, sizeof(pkt));
	pkt[12 + 8] = 0x20;
	tl_expect_fail(&tl_map_referral_codec, &mr, pkt, n, NULL);
	/* signature length beyond the message */
	n = tl_sample("map-referral-sig", pkt, sizeof(pkt));
	put_u16(pkt + n - 16 - 6, 17);
	tl_expect_fail(&tl_map_referral_codec, &mr, pkt, n, NULL);
}

/* a header written from scratch */
static void
test_encode_hdr(void **state)
{
	static const uint8_t want[12] = { 0x60, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8 };
	struct lisp_map_referral mr;
	struct wbuf		 w;
	uint8_t			 out[12];

	memset(&mr, 0, sizeof(mr));
	mr.nonce = 0x0102030405060708ull;
	mr.nrecords = 3;
	wbuf_init(&w, out, sizeof(out));
	map_referral_encode_hdr(&w, &mr);
	assert_int_equal(w.err, 0);
	assert_memory_equal(out, want, 12);
	wbuf_init(&w, out, 11);
	map_referral_encode_hdr(&w, &mr);
	assert_int_equal(w.err, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_decode_two_records),
		cmocka_unit_test(test_decode_signed),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_encode_hdr),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
