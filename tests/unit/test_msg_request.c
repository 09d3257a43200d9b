/* Map-Request codec: the sample vector, encoder/decoder round trips over
 * many field combinations, failure reasons, truncations, random mutations */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <cmocka.h>

#include "msg.h"
#include "vectors.h"
#include "msg_roundtrip.h"
#include "testlib.h"

static void
assert_v4(const struct lisp_addr *a, uint8_t x0, uint8_t x1, uint8_t x2,
    uint8_t x3)
{
	const uint8_t want[4] = { x0, x1, x2, x3 };

	assert_int_equal(a->afi, AFI_IPV4);
	assert_memory_equal(a->u.v4, want, 4);
}

static void
test_vector_fields(void **state)
{
	uint8_t buf[512], out[512];
	struct lisp_map_request m;
	struct lisp_eid_prefix e;
	struct lisp_record r;
	struct lisp_rloc rl;
	struct rbuf b, recs, rls;
	struct msg_err err;
	const uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	size_t n = tl_sample("map-request", buf, sizeof(buf)), i;

	rbuf_init(&b, buf, n);
	assert_int_equal(map_request_decode(&b, &m, &err), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(m.flags, MREQ_A | MREQ_M | MREQ_s | MREQ_I);
	assert_true(m.nonce == 0x0123456789abcdefull);
	assert_int_equal(m.seid.has_iid, 1);
	assert_int_equal(m.seid.iid, 5);
	assert_v4(&m.seid, 198, 18, 1, 1);
	assert_int_equal(m.nitr, 2);
	assert_int_equal(m.itr[0].has_iid, 0);
	assert_v4(&m.itr[0], 203, 0, 113, 1);
	assert_int_equal(m.itr[1].afi, AFI_IPV6);
	assert_memory_equal(m.itr[1].u.v6, v6, 16);
	assert_int_equal(m.nrecords, 1);
	recs = m.records;
	assert_int_equal(mreq_record_next(&recs, &e), 1);
	assert_int_equal(e.flags, MREQ_REC_N);
	assert_int_equal(e.mlen, 32);
	assert_int_equal(e.eid.iid, 5);
	assert_v4(&e.eid, 198, 18, 2, 1);
	assert_int_equal(mreq_record_next(&recs, &e), 0);

	assert_int_equal(m.has_reply, 1);
	recs = m.reply;
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.ttl, 1440);
	assert_int_equal(r.nrlocs, 1);
	assert_int_equal(r.eid_mlen, 24);
	assert_int_equal(r.auth, 1);
	assert_int_equal(r.act, 0);
	assert_int_equal(r.version, 0);
	assert_int_equal(r.eid.iid, 5);
	assert_v4(&r.eid, 198, 18, 1, 0);
	rls = r.rlocs;
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.priority, 1);
	assert_int_equal(rl.weight, 100);
	assert_int_equal(rl.mpriority, 255);
	assert_int_equal(rl.mweight, 0);
	assert_int_equal(rl.flags, RLOC_L | RLOC_R);
	assert_v4(&rl.addr, 203, 0, 113, 1);
	assert_int_equal(rloc_next(&rls, &rl), 0);
	assert_int_equal(record_next(&recs, &r), 0);

	assert_int_equal(m.has_ids, 1);
	for (i = 0; i < XTR_ID_LEN; i++)
		assert_int_equal(m.xtr_id[i], i + 1);
	assert_true(m.site_id == 7);

	/* re-encode: identical octets */
	assert_int_equal(rt_map_request_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);
}

/* build messages with the encoders from random field values, decode, compare
 * each field with what was encoded, re-encode and compare octets */
static void
test_roundtrip_combinations(void **state)
{
	static uint8_t buf[8192], out[8192];
	static struct lisp_map_request m, d;
	struct lisp_eid_prefix e[4], de;
	struct lisp_record rr, dr;
	struct lisp_rloc rl[3], dl;
	struct rbuf b, recs, rls;
	struct wbuf w;
	struct msg_err err;
	uint64_t s = 0x9e3779b97f4a7c15ull;
	int iter, i, k, bits;

	for (iter = 0; iter < 3000; iter++) {
		memset(&m, 0, sizeof(m));
		m.flags = (uint32_t)tv_rand(&s) & 0x0fffe000u;
		m.nonce = tv_rand(&s);
		tl_rand_addr(&m.seid, &s, 4);
		m.nitr = (uint8_t)(1 + tv_rand(&s) % MREQ_ITR_MAX);
		for (i = 0; i < m.nitr; i++)
			tl_rand_addr(&m.itr[i], &s, 3);
		m.nrecords = (uint8_t)(1 + tv_rand(&s) % 4);
		m.has_reply = tv_rand(&s) & 1;
		m.has_ids = tv_rand(&s) & 1;
		for (i = 0; i < XTR_ID_LEN; i++)
			m.xtr_id[i] = (uint8_t)tv_rand(&s);
		m.site_id = tv_rand(&s);
		wbuf_init(&w, buf, sizeof(buf));
		map_request_encode_hdr(&w, &m);
		for (i = 0; i < m.nrecords; i++) {
			e[i].flags = (uint8_t)tv_rand(&s);
			tl_rand_addr(&e[i].eid, &s, 3);
			bits = addr_bits(&e[i].eid);
			e[i].mlen = (uint8_t)(tv_rand(&s) % (bits + 1));
			mreq_record_encode(&w, &e[i]);
		}
		if (m.has_reply) {
			tl_rand_record(&rr, &s, 4, 3);
			record_encode(&w, &rr);
			for (k = 0; k < rr.nrlocs; k++) {
				tl_rand_rloc(&rl[k], &s, 3);
				rloc_encode(&w, &rl[k]);
			}
		}
		map_request_encode_trailer(&w, &m);
		assert_int_equal(w.err, 0);

		rbuf_init(&b, buf, w.len);
		if (map_request_decode(&b, &d, &err) != 0)
			fail_msg("iter %d: %s", iter, TL_ERR_STR(&err));
		assert_int_equal(d.flags, (m.flags & ~(MREQ_M | MREQ_I)) |
		    (m.has_reply ? MREQ_M : 0) | (m.has_ids ? MREQ_I : 0));
		assert_true(d.nonce == m.nonce);
		assert_true(rt_addr_same(&d.seid, &m.seid));
		assert_int_equal(d.nitr, m.nitr);
		for (i = 0; i < m.nitr; i++)
			assert_true(rt_addr_same(&d.itr[i], &m.itr[i]));
		assert_int_equal(d.nrecords, m.nrecords);
		recs = d.records;
		for (i = 0; i < m.nrecords; i++) {
			assert_int_equal(mreq_record_next(&recs, &de), 1);
			assert_int_equal(de.flags, e[i].flags);
			assert_int_equal(de.mlen, e[i].mlen);
			assert_true(rt_addr_same(&de.eid, &e[i].eid));
		}
		assert_int_equal(mreq_record_next(&recs, &de), 0);
		assert_int_equal(d.has_reply, m.has_reply);
		if (m.has_reply) {
			recs = d.reply;
			assert_int_equal(record_next(&recs, &dr), 1);
			tl_assert_record(&dr, &rr);
			rls = dr.rlocs;
			for (k = 0; k < rr.nrlocs; k++) {
				assert_int_equal(rloc_next(&rls, &dl), 1);
				tl_assert_rloc(&dl, &rl[k]);
			}
			assert_int_equal(rloc_next(&rls, &dl), 0);
			assert_int_equal(record_next(&recs, &dr), 0);
		}
		assert_int_equal(d.has_ids, m.has_ids);
		if (m.has_ids) {
			assert_memory_equal(d.xtr_id, m.xtr_id, XTR_ID_LEN);
			assert_true(d.site_id == m.site_id);
		}
		assert_int_equal(rt_map_request_encode(&d, out, sizeof(out)),
		    w.len);
		assert_memory_equal(out, buf, w.len);
	}
}

static void
test_reasons(void **state)
{
	const struct tl_codec *c = &tl_map_request_codec;
	struct lisp_map_request m;
	uint8_t buf[512];
	size_t n = tl_sample("map-request", buf, sizeof(buf));
	/* sample: header 12, IID source EID 18, ITR-RLOCs 6 + 18 */
	size_t rec = 12 + 18 + 6 + 18;

	buf[3] = 0;
	tl_expect_fail(c, &m, buf, n, "no records");
	n = tl_sample("map-request", buf, sizeof(buf));
	buf[0] = 0x20;
	tl_expect_fail(c, &m, buf, n, "not a map-request (type 2)");
	n = tl_sample("map-request", buf, sizeof(buf));
	buf[2] |= 0x1f;			/* IRC 31: 32 ITR-RLOCs */
	tl_expect_fail(c, &m, buf, n, NULL);
	n = tl_sample("map-request", buf, sizeof(buf));
	assert_int_equal(buf[rec], 0x80);
	buf[rec + 1] = 33;
	tl_expect_fail(c, &m, buf, n, "record 1: eid mask-len 33 exceeds 32");
	n = tl_sample("map-request", buf, sizeof(buf));
	buf[3] = 200;
	tl_expect_fail(c, &m, buf, n, "record count 200 exceeds packet");
	n = tl_sample("map-request", buf, sizeof(buf));
	/* Map-Reply record: locator count 9 */
	buf[rec + 20 + 4] = 9;
	tl_expect_fail(c, &m, buf, n,
	    "map-reply record 1: locator count 9 exceeds packet");
	/* I set but 20 octets follow */
	n = tl_sample("map-request", buf, sizeof(buf));
	tl_expect_fail(c, &m, buf, n - 4,
	    "I set but 20 octets follow the records "
	    "(want 16 or 24)");
	/* M set with nothing after the records */
	n = tl_sample("map-request", buf, sizeof(buf));
	buf[1] &= (uint8_t)~0x10;		/* clear I */
	tl_expect_fail(c, &m, buf, rec + 20, "M set but no map-reply record");
}

/* lispers.net: I with a 16-octet xTR-ID and no Site-ID */
static void
test_xtr_id_only(void **state)
{
	uint8_t buf[512];
	struct lisp_map_request m;
	struct rbuf b;
	struct msg_err err;
	size_t n = tl_sample("map-request", buf, sizeof(buf));

	rbuf_init(&b, buf, n - 8);
	assert_int_equal(map_request_decode(&b, &m, &err), 0);
	assert_int_equal(m.has_ids, 1);
	assert_int_equal(m.xtr_id[15], 16);
	assert_true(m.site_id == 0);
}

/* every truncation fails with a reason, except dropping the Site-ID */
static size_t trunc_n;

static void
accept_no_site_id(void *m, size_t k)
{
	assert_int_equal(k, trunc_n - 8);
}

static void
test_truncations(void **state)
{
	uint8_t buf[512];
	struct lisp_map_request m;

	trunc_n = tl_sample("map-request", buf, sizeof(buf));
	assert_int_equal(tl_truncations(&tl_map_request_codec, &m, buf,
	    trunc_n, accept_no_site_id), 1);
}

/* random mutations: each result fails with a reason or decodes to a
 * message that re-encodes and decodes to the same fields */
static void
test_mutations(void **state)
{
	static struct lisp_map_request m, m2, m3;
	uint64_t s = 12345;

	tl_mutations(&tl_map_request_codec, &m, &m2, &m3, "map-request", &s,
	    100000, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vector_fields),
		cmocka_unit_test(test_roundtrip_combinations),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_xtr_id_only),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
