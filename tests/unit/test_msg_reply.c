/* Map-Reply codec and EID/RLOC-records: the sample vector, round trips over
 * many field combinations, reasons naming record and locator, LISP-SEC
 * view, truncations, random mutations */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "msg.h"
#include "vectors.h"
#include "msg_roundtrip.h"
#include "testlib.h"

/* sample layout: header 12; record 1 at 12 (16 + locators 12 and 24);
 * record 2 at 64 (28) */
#define REC1	12
#define REC2	(12 + 16 + 12 + 24)

static void
test_vector_fields(void **state)
{
	uint8_t buf[512], out[512];
	struct lisp_map_reply m;
	struct lisp_record r;
	struct lisp_rloc rl;
	struct rbuf b, recs, rls;
	struct msg_err err;
	const uint8_t v4[4] = { 198, 18, 1, 0 }, l4[4] = { 203, 0, 113, 1 };
	const uint8_t l6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	const uint8_t e6[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1 };
	size_t n = tl_sample("map-reply", buf, sizeof(buf));

	assert_int_equal(n, REC2 + 28);
	rbuf_init(&b, buf, n);
	assert_int_equal(map_reply_decode(&b, &m, &err), 0);
	assert_int_equal(m.flags, MREP_E);
	assert_true(m.nonce == 0xfedcba9876543210ull);
	assert_int_equal(m.nrecords, 2);
	assert_int_equal(m.sec.len, 0);
	recs = m.records;
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.ttl, 1440);
	assert_int_equal(r.nrlocs, 2);
	assert_int_equal(r.eid_mlen, 24);
	assert_int_equal(r.act, ACT_NO_ACTION);
	assert_int_equal(r.auth, 1);
	assert_int_equal(r.version, 5);
	assert_int_equal(r.eid.afi, AFI_IPV4);
	assert_int_equal(r.eid.has_iid, 0);
	assert_memory_equal(r.eid.u.v4, v4, 4);
	rls = r.rlocs;
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.priority, 1);
	assert_int_equal(rl.weight, 50);
	assert_int_equal(rl.mpriority, 255);
	assert_int_equal(rl.mweight, 0);
	assert_int_equal(rl.flags, RLOC_L | RLOC_R);
	assert_int_equal(rl.addr.afi, AFI_IPV4);
	assert_memory_equal(rl.addr.u.v4, l4, 4);
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.priority, 2);
	assert_int_equal(rl.flags, RLOC_R);
	assert_int_equal(rl.addr.afi, AFI_IPV6);
	assert_memory_equal(rl.addr.u.v6, l6, 16);
	assert_int_equal(rloc_next(&rls, &rl), 0);
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.ttl, 15);
	assert_int_equal(r.nrlocs, 0);
	assert_int_equal(r.eid_mlen, 48);
	assert_int_equal(r.act, ACT_NATIVE_FORWARD);
	assert_int_equal(r.auth, 0);
	assert_int_equal(r.eid.afi, AFI_IPV6);
	assert_memory_equal(r.eid.u.v6, e6, 16);
	assert_int_equal(r.rlocs.len, 0);
	assert_int_equal(record_next(&recs, &r), 0);

	assert_int_equal(rt_map_reply_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);
}

static void
test_roundtrip_combinations(void **state)
{
	static uint8_t buf[16384], out[16384];
	struct lisp_map_reply m, d;
	struct lisp_record rr[5], dr;
	struct lisp_rloc rl[5][6], dl;
	struct rbuf b, recs, rls;
	struct wbuf w;
	struct msg_err err;
	uint64_t s = 77;
	int iter, i, k;
	uint8_t sec[40];

	for (iter = 0; iter < 3000; iter++) {
		memset(&m, 0, sizeof(m));
		m.flags = (uint32_t)tv_rand(&s) & 0x0fffff00u;
		m.nonce = tv_rand(&s);
		m.nrecords = (uint8_t)(1 + tv_rand(&s) % 5);
		wbuf_init(&w, buf, sizeof(buf));
		map_reply_encode_hdr(&w, &m);
		for (i = 0; i < m.nrecords; i++) {
			tl_rand_record(&rr[i], &s, 7, 3);
			record_encode(&w, &rr[i]);
			for (k = 0; k < rr[i].nrlocs; k++) {
				tl_rand_rloc(&rl[i][k], &s, 3);
				rloc_encode(&w, &rl[i][k]);
			}
		}
		for (k = 0; k < (int)sizeof(sec); k++)
			sec[k] = (uint8_t)tv_rand(&s);
		k = (int)(tv_rand(&s) % sizeof(sec));
		if (m.flags & MREP_S)
			wbuf_bytes(&w, sec, (size_t)k);
		assert_int_equal(w.err, 0);

		rbuf_init(&b, buf, w.len);
		if (map_reply_decode(&b, &d, &err) != 0)
			fail_msg("iter %d: %s", iter, TL_ERR_STR(&err));
		assert_int_equal(d.flags, m.flags);
		assert_true(d.nonce == m.nonce);
		assert_int_equal(d.nrecords, m.nrecords);
		if (m.flags & MREP_S) {
			assert_int_equal(d.sec.len, k);
			assert_memory_equal(d.sec.p, sec, (size_t)k);
		} else
			assert_int_equal(d.sec.len, 0);
		recs = d.records;
		for (i = 0; i < m.nrecords; i++) {
			assert_int_equal(record_next(&recs, &dr), 1);
			tl_assert_record(&dr, &rr[i]);
			rls = dr.rlocs;
			for (k = 0; k < rr[i].nrlocs; k++) {
				assert_int_equal(rloc_next(&rls, &dl), 1);
				tl_assert_rloc(&dl, &rl[i][k]);
			}
			assert_int_equal(rloc_next(&rls, &dl), 0);
		}
		assert_int_equal(record_next(&recs, &dr), 0);
		assert_int_equal(rt_map_reply_encode(&d, out, sizeof(out)), w.len);
		assert_memory_equal(out, buf, w.len);
	}
}

static void
test_reasons(void **state)
{
	const struct tl_codec *c = &tl_map_reply_codec;
	struct lisp_map_reply m;
	uint8_t buf[512];
	size_t n = tl_sample("map-reply", buf, sizeof(buf));

	buf[REC2 + 4] = 9;
	tl_expect_fail(c, &m, buf, n,
	    "record 2: locator count 9 exceeds packet");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[REC1 + 5] = 33;
	tl_expect_fail(c, &m, buf, n, "record 1: eid mask-len 33 exceeds 32");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[REC2 + 5] = 129;
	tl_expect_fail(c, &m, buf, n, "record 2: eid mask-len 129 exceeds 128");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[REC1 + 16 + 12 + 7] = 99;	/* second locator's AFI low octet */
	tl_expect_fail(c, &m, buf, n, "record 1: locator 2: unknown AFI 99");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[3] = 0;	/* zero records decode (peers' empty probe replies) */
	{
		struct lisp_map_reply	 z;
		struct msg_err		 e;
		struct rbuf		 zb;
		struct lisp_record	 zr;

		rbuf_init(&zb, buf, n);
		assert_int_equal(map_reply_decode(&zb, &z, &e), 0);
		assert_int_equal(z.nrecords, 0);
		assert_int_equal(record_next(&z.records, &zr), 0);
	}
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[3] = 3;
	tl_expect_fail(c, &m, buf, n, "record 3: short record header");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[3] = 20;
	tl_expect_fail(c, &m, buf, n, "record count 20 exceeds packet");
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[0] = 0x10;
	tl_expect_fail(c, &m, buf, n, "not a map-reply (type 1)");
	/* second locator cut short: names record and locator */
	n = tl_sample("map-reply", buf, sizeof(buf));
	buf[REC1 + 4] = 2;
	tl_expect_fail(c, &m, buf, REC1 + 16 + 12 + 8 + 4,
	    "record 1: locator 2: short IPv6 address");
}

/* the error struct names the record and locator of a bad locator, and the
 * reasons of two decodes stay apart (the old per-thread reason buffer was
 * overwritten by the next failure) */
static void
test_err_struct(void **state)
{
	uint8_t a[512], b2[512];
	struct lisp_map_reply m;
	struct msg_err e1, e2;
	struct rbuf b;
	char s1[MSG_ERR_LEN], s2[MSG_ERR_LEN];
	size_t na = tl_sample("map-reply", a, sizeof(a));
	size_t nb = tl_sample("map-reply", b2, sizeof(b2));

	a[REC1 + 16 + 12 + 7] = 99;	/* record 1, locator 2: AFI 99 */
	rbuf_init(&b, a, na);
	assert_int_equal(map_reply_decode(&b, &m, &e1), -1);
	assert_int_equal(e1.rec, 1);
	assert_int_equal(e1.loc, 2);
	assert_int_equal(e1.arg[0], 99);
	assert_string_equal(e1.reason, "unknown AFI %u");
	msg_err_str(&e1, s1, sizeof(s1));
	assert_string_equal(s1, "record 1: locator 2: unknown AFI 99");

	b2[REC2 + 5] = 129;		/* record 2: eid mask-len */
	rbuf_init(&b, b2, nb);
	assert_int_equal(map_reply_decode(&b, &m, &e2), -1);
	assert_int_equal(e2.rec, 2);
	assert_int_equal(e2.loc, 0);
	msg_err_str(&e2, s2, sizeof(s2));
	assert_string_equal(s2, "record 2: eid mask-len 129 exceeds 128");
	/* the first reason is untouched by the second decode */
	assert_string_equal(TL_ERR_STR(&e1),
	    "record 1: locator 2: unknown AFI 99");
	assert_string_equal(s1, "record 1: locator 2: unknown AFI 99");
	/* a decode that succeeds leaves the caller's struct alone */
	rbuf_init(&b, b2, tl_sample("map-reply", b2, sizeof(b2)));
	assert_int_equal(map_reply_decode(&b, &m, &e2), 0);
	assert_string_equal(TL_ERR_STR(&e2),
	    "record 2: eid mask-len 129 exceeds 128");
}

/* msg_err_str: every piece in its place, truncation stays terminated, no
 * conversion but %u is interpreted */
static void
test_err_str(void **state)
{
	struct msg_err e;
	char s[16];

	msg_err_set(&e, "short AFI", 0, 0);
	e.within = "map-reply";
	e.rec = 3;
	e.part = "eid";
	assert_string_equal(TL_ERR_STR(&e), "map-reply record 3: eid: short AFI");
	msg_err_set(&e, "length exceeds packet", 0, 0);
	e.rec = 2;
	e.part = "signature";
	e.part_idx = 4;
	assert_string_equal(TL_ERR_STR(&e),
	    "record 2: signature 4: length exceeds packet");
	msg_err_set(&e, "a %u b %u c %u %s %d", 7, 4000000000u);
	assert_string_equal(TL_ERR_STR(&e), "a 7 b 4000000000 c 0 %s %d");
	msg_err_set(&e, "unknown AFI %u", 99, 0);
	e.rec = 12;
	e.loc = 200;
	assert_ptr_equal(msg_err_str(&e, s, sizeof(s)), s);
	assert_string_equal(s, "record 12: loca");
	assert_ptr_equal(msg_err_str(&e, s, 1), s);
	assert_string_equal(s, "");
	assert_int_equal(msg_err_set(NULL, "x", 0, 0), -1);
	memset(&e, 0, sizeof(e));
	assert_string_equal(TL_ERR_STR(&e), "malformed");
}

/* S: the octets after the records are kept as the LISP-SEC view; without
 * S extra octets are ignored */
static void
test_sec(void **state)
{
	uint8_t buf[512];
	struct lisp_map_reply m;
	struct rbuf b;
	struct msg_err err;
	size_t n = tl_sample("map-reply", buf, sizeof(buf));

	memset(buf + n, 0x77, 30);
	buf[0] |= 0x02;
	rbuf_init(&b, buf, n + 30);
	assert_int_equal(map_reply_decode(&b, &m, &err), 0);
	assert_int_equal(m.flags, MREP_E | MREP_S);
	assert_ptr_equal(m.sec.p, buf + n);
	assert_int_equal(m.sec.len, 30);
	buf[0] &= (uint8_t)~0x02;
	rbuf_init(&b, buf, n + 30);
	assert_int_equal(map_reply_decode(&b, &m, &err), 0);
	assert_int_equal(m.sec.len, 0);
	/* reserved bits (lispers.net hop count) are kept */
	buf[2] = 0x5a;
	rbuf_init(&b, buf, n);
	assert_int_equal(map_reply_decode(&b, &m, &err), 0);
	assert_int_equal(m.flags, MREP_E | 0x5a00);
}

static void
test_truncations(void **state)
{
	uint8_t buf[512];
	struct lisp_map_reply m;
	struct rbuf b;
	struct msg_err err;
	size_t n = tl_sample("map-reply", buf, sizeof(buf));

	assert_int_equal(tl_truncations(&tl_map_reply_codec, &m, buf, n, NULL),
	    0);
	/* with one record less, the first record alone is a valid message */
	buf[3] = 1;
	rbuf_init(&b, buf, REC2);
	assert_int_equal(map_reply_decode(&b, &m, &err), 0);
	assert_int_equal(m.records.len, REC2 - REC1);
}

static void
test_mutations(void **state)
{
	static struct lisp_map_reply m, m2, m3;
	uint64_t s = 4242;

	tl_mutations(&tl_map_reply_codec, &m, &m2, &m3, "map-reply", &s, 100000,
	    0);
}

/* Map-Referral record (RFC 8111): Referral Count, ACT, A, I, SigCnt and a
 * signature section after the referral set */
static const uint8_t ref_rec[] = {
	0x00, 0x00, 0x05, 0xa0, 0x01, 24, 0x58, 0x00, 0x10, 0x03,
	0x00, 0x01, 198, 18, 0, 0,
	0, 0, 0, 0, 0x00, 0x00, 0x00, 0x01, 203, 0, 113, 9,
	0x00, 0x00, 0x05, 0xa0, 0x65, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00,
	0x12, 0x34, 0x00, 0x08, 0x02, 0x00, 0x00, 0x00,
	0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee,
};

static void
test_referral_record(void **state)
{
	uint8_t buf[256], out[256];
	struct lisp_record r;
	struct lisp_rloc rl;
	struct lisp_ref_sig sg;
	struct rbuf b, v, rls, sigs;
	struct wbuf w;
	struct msg_err err;
	const uint8_t sig[8] = { 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee, 0xee };
	size_t n = sizeof(ref_rec);

	rbuf_init(&b, ref_rec, n);
	assert_int_equal(referral_record_decode(&b, &r, &err), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(r.ttl, 1440);
	assert_int_equal(r.nrlocs, 1);
	assert_int_equal(r.eid_mlen, 24);
	assert_int_equal(r.act, REF_MS_ACK);
	assert_int_equal(r.auth, 1);
	assert_int_equal(r.incomplete, 1);
	assert_int_equal(r.sigcnt, 1);
	assert_int_equal(r.version, 3);
	rls = r.rlocs;
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.addr.u.v4[3], 9);
	assert_int_equal(rloc_next(&rls, &rl), 0);
	sigs = r.sigs;
	assert_int_equal(sigs.len, 28);
	assert_int_equal(ref_sig_next(&sigs, &sg), 1);
	assert_int_equal(sg.orig_ttl, 1440);
	assert_int_equal(sg.expiration, 0x65000000);
	assert_int_equal(sg.inception, 0x64000000);
	assert_int_equal(sg.key_tag, 0x1234);
	assert_int_equal(sg.sig_len, 8);
	assert_int_equal(sg.alg, 2);
	assert_memory_equal(sg.sig, sig, 8);
	assert_int_equal(ref_sig_next(&sigs, &sg), 0);

	/* re-encode: identical octets */
	wbuf_init(&w, out, sizeof(out));
	record_encode(&w, &r);
	rls = r.rlocs;
	while (rloc_next(&rls, &rl) == 1)
		rloc_encode(&w, &rl);
	ref_sig_encode(&w, &sg);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, ref_rec, n);

	/* as a plain EID-record the signature is not part of the record and
	 * the I bit and SigCnt are reserved */
	rbuf_init(&b, ref_rec, n);
	assert_int_equal(record_decode(&b, &r, &err), 0);
	assert_int_equal(r.incomplete, 0);
	assert_int_equal(r.sigcnt, 0);
	assert_int_equal(b.len, 28);

	/* reasons */
	memcpy(buf, ref_rec, n);
	memcpy(buf + n, ref_rec, n);
	rbuf_init(&b, buf, 2 * n);
	assert_int_equal(records_decode(&b, 2, 1, &v, &err), 0);
	assert_int_equal(v.len, 2 * n);
	rbuf_init(&b, buf, 2 * n - 1);
	assert_int_equal(records_decode(&b, 2, 1, &v, &err), -1);
	assert_string_equal(TL_ERR_STR(&err),
	    "record 2: signature 1: length exceeds packet");
	buf[n + 8] = 0xf0;	/* SigCnt 15 */
	rbuf_init(&b, buf, 2 * n);
	assert_int_equal(records_decode(&b, 2, 1, &v, &err), -1);
	assert_string_equal(TL_ERR_STR(&err), "record 2: signature count 15 exceeds packet");
	buf[n + 8] = 0x10;
	buf[n + 4] = 6;
	rbuf_init(&b, buf, 2 * n);
	assert_int_equal(records_decode(&b, 2, 1, &v, &err), -1);
	assert_string_equal(TL_ERR_STR(&err), "record 2: referral count 6 exceeds packet");
	rbuf_init(&b, buf, 2 * n);
	assert_int_equal(records_decode(&b, 10, 1, &v, &err), -1);
	assert_string_equal(TL_ERR_STR(&err), "record count 10 exceeds packet");
}

static void
test_names(void **state)
{
	assert_string_equal(lisp_type_name(LISP_MAP_REPLY), "map-reply");
	assert_string_equal(lisp_type_name(LISP_MAP_NOTIFY_ACK), "map-notify-ack");
	assert_string_equal(lisp_type_name(12), "unknown");
	assert_string_equal(act_name(ACT_NATIVE_FORWARD), "natively-forward");
	assert_string_equal(act_name(ACT_DROP_AUTH), "drop-auth-failure");
	assert_string_equal(act_name(7), "unknown");
	assert_string_equal(referral_act_name(REF_MS_ACK), "ms-ack");
	assert_string_equal(referral_act_name(REF_NOT_AUTHORITATIVE),
	    "not-authoritative");
	assert_string_equal(alg_name(ALG_HMAC_SHA256_128), "hmac-sha256-128");
	assert_string_equal(alg_name(9), "unknown");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_fields),
		cmocka_unit_test(test_roundtrip_combinations),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_err_struct),
		cmocka_unit_test(test_err_str),
		cmocka_unit_test(test_sec),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
		cmocka_unit_test(test_referral_record),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
