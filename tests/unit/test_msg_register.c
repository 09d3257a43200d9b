/* Map-Register / Map-Notify / Map-Notify-Ack codec: the digest's §3.6
 * vectors, the sample vectors, lispers.net quirks, round trips over many
 * field combinations, truncations and random mutations of each type */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "auth.h"
#include "msg.h"
#include "vectors.h"
#include "msg_roundtrip.h"
#include "testlib.h"

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (s[0] != '\0' && s[1] != '\0' && n < cap) {
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

/* LISP-PROTOCOL.md §3.6 */
static const char *reg_sha1 =
    "300001010000000000000001000100140000000000000000000000000000000000000000"
    "000005a001181000000000010a0101000164ff0000050001c0000201";
static const char *reg_sha256 =
    "300001010000000000000001000200200000000000000000000000000000000000000000"
    "000000000000000000000000000005a001181000000000010a0101000164ff0000050001"
    "c0000201";

static void
check_digest_vector(const char *hex, unsigned alg, uint16_t alen,
    const char *mac_hex)
{
	uint8_t buf[256], out[256], mac[32];
	struct lisp_map_register m;
	struct lisp_record r;
	struct lisp_rloc rl;
	struct rbuf b, recs, rls;
	struct msg_err err;
	const uint8_t zero[32] = { 0 };
	const uint8_t eid[4] = { 10, 1, 1, 0 }, loc[4] = { 192, 0, 2, 1 };
	size_t n = unhex(hex, buf, sizeof(buf));

	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.type, LISP_MAP_REGISTER);
	assert_int_equal(m.flags, MREG_M);
	assert_true(m.nonce == 1);
	assert_int_equal(m.key_id, 0);
	assert_int_equal(m.alg_id, alg);
	assert_int_equal(m.auth_len, alen);
	assert_int_equal(m.auth_off, MREG_AUTH_OFF);
	assert_ptr_equal(m.auth, buf + 16);
	assert_memory_equal(m.auth, zero, alen);
	assert_int_equal(m.nrecords, 1);
	assert_int_equal(m.has_ids, 0);
	assert_int_equal(m.trailing, 0);
	assert_ptr_equal(m.msg.p, buf);
	assert_int_equal(m.msg.len, n);
	recs = m.records;
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.ttl, 1440);
	assert_int_equal(r.nrlocs, 1);
	assert_int_equal(r.eid_mlen, 24);
	assert_int_equal(r.auth, 1);
	assert_int_equal(r.act, 0);
	assert_int_equal(r.eid.afi, AFI_IPV4);
	assert_memory_equal(r.eid.u.v4, eid, 4);
	rls = r.rlocs;
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.priority, 1);
	assert_int_equal(rl.weight, 100);
	assert_int_equal(rl.mpriority, 255);
	assert_int_equal(rl.mweight, 0);
	assert_int_equal(rl.flags, RLOC_L | RLOC_R);
	assert_memory_equal(rl.addr.u.v4, loc, 4);
	assert_int_equal(rloc_next(&rls, &rl), 0);
	assert_int_equal(record_next(&recs, &r), 0);

	/* re-encode from the decoded fields: identical octets, and signing
	 * them gives the digest's MAC */
	assert_int_equal(rt_map_register_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);
	assert_int_equal(auth_sign(alg, "password", 8, out, n, m.auth_off,
	    m.auth_len), 0);
	assert_int_equal(unhex(mac_hex, mac, sizeof(mac)), alen);
	assert_memory_equal(out + MREG_AUTH_OFF, mac, alen);
}

static void
test_digest_vectors(void **state)
{
	check_digest_vector(reg_sha1, ALG_HMAC_SHA1_96, 20,
	    "0070f2ea6aef83bfdaaa1603379a49805d78ea02");
	check_digest_vector(reg_sha256, ALG_HMAC_SHA256_128, 32,
	    "2bda0db8466ce8b232a3e063a627fb2301744a68741fc20f098c7b18b49c5a6c");
}

static void
test_sample_vectors(void **state)
{
	uint8_t buf[512], out[512], ff[32], x11[16];
	struct lisp_map_register m;
	struct lisp_record r;
	struct lisp_rloc rl;
	struct rbuf b, recs, rls;
	struct msg_err err;
	size_t n;

	n = tl_sample("map-register", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.type, LISP_MAP_REGISTER);
	assert_int_equal(m.flags, MREG_I | MREG_T | MREG_M);
	assert_true(m.nonce == 42);
	assert_int_equal(m.key_id, 1);
	assert_int_equal(m.alg_id, 2);
	assert_int_equal(m.auth_len, 32);
	memset(ff, 0xa5, sizeof(ff));
	assert_memory_equal(m.auth, ff, 32);
	assert_int_equal(m.nrecords, 2);
	recs = m.records;
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.ttl, 3);
	assert_int_equal(r.eid.has_iid, 1);
	assert_int_equal(r.eid.iid, 7);
	assert_int_equal(r.eid.afi, AFI_IPV4);
	assert_int_equal(r.eid_mlen, 24);
	assert_int_equal(record_next(&recs, &r), 1);
	assert_int_equal(r.eid.afi, AFI_IPV6);
	assert_int_equal(r.eid_mlen, 48);
	rls = r.rlocs;
	assert_int_equal(rloc_next(&rls, &rl), 1);
	assert_int_equal(rl.addr.u.v4[3], 2);
	assert_int_equal(record_next(&recs, &r), 0);
	assert_int_equal(m.has_ids, 1);
	memset(x11, 0x11, sizeof(x11));
	assert_memory_equal(m.xtr_id, x11, 16);
	assert_true(m.site_id == 0x1234);
	assert_int_equal(m.trailing, 0);
	assert_int_equal(rt_map_register_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);

	/* Map-Notify: no I bit, the 24 octets after the records are IDs */
	n = tl_sample("map-notify", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.type, LISP_MAP_NOTIFY);
	assert_int_equal(m.flags, 0);
	assert_int_equal(m.nrecords, 2);
	assert_int_equal(m.has_ids, 1);
	assert_true(m.site_id == 0x1234);
	assert_int_equal(m.trailing, 0);
	assert_int_equal(rt_map_register_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);
	/* the same with the NAT draft's I bit */
	buf[0] |= 0x08;
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.flags, MNOT_I);
	assert_int_equal(m.has_ids, 1);
	assert_int_equal(rt_map_register_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);

	n = tl_sample("map-notify-ack", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.type, LISP_MAP_NOTIFY_ACK);
	assert_true(m.nonce == 0xaabbccdddfdfdf00ull);
	assert_int_equal(m.alg_id, 1);
	assert_int_equal(m.auth_len, 20);
	assert_int_equal(m.nrecords, 1);
	assert_int_equal(m.has_ids, 0);
	assert_int_equal(m.trailing, 0);
	assert_int_equal(rt_map_register_encode(&m, out, sizeof(out)), n);
	assert_memory_equal(out, buf, n);
}

/* lispers.net Map-Notify-Ack: Record Count 0 but the records are there */
static void
test_ack_count_zero(void **state)
{
	uint8_t buf[512];
	struct lisp_map_register m;
	struct rbuf b;
	struct msg_err err;
	size_t n = tl_sample("map-notify-ack", buf, sizeof(buf));

	buf[3] = 0;
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.nrecords, 0);
	assert_int_equal(m.records.len, 0);
	assert_int_equal(m.trailing, n - 16 - 20);
	assert_int_equal(m.msg.len, n);
	/* a Map-Register may not do that */
	buf[0] = 0x30;
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), -1);
	assert_string_equal(TL_ERR_STR(&err), "no records");
}

/* lispers.net Map-Registers from the peers capture (frames 381 and 382 of
 * ../shared/captures/peers/lispers-net-interop.pcap): the one locator is an
 * AFI list of the RLOC and a Geo LCAF in the draft layout, or a JSON LCAF
 * whose length runs 2 octets past its list. The message decodes; that
 * locator is malformed, skipped by rloc_next and counted in the record */
#define LISPERS_GEO_REGISTER \
	"30000101887766554433221100020020636487eb18251bee532338dc176814753a92" \
	"19838aecef43005731bb38d20ce2000005a00118100000000001c61202000164ff00" \
	"000540030000010000240001cb0071044003000005000016500000002515d1f07935" \
	"fc5000000064000000000000"
#define LISPERS_JSON_REGISTER \
	"3000010188776655443322110002002001b0d55195dc3238abc698d22599553a98ad" \
	"3e72198aa9e92344fc88762141a8000005a00118100000000001c61202000164ff00" \
	"0005400300000100001c0001cb007104400300000e000010000a7b226b223a202276" \
	"227d0000"

static void
peer_malformed(const char *hex, const char *why)
{
	uint8_t buf[512];
	struct lisp_map_register m;
	struct lisp_record rec;
	struct lisp_rloc loc;
	struct rbuf b, recs, rl;
	struct msg_err err;
	size_t n = tl_unhex(hex, buf, sizeof(buf));

	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), 0);
	assert_int_equal(m.nrecords, 1);
	recs = m.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	assert_int_equal(rec.nrlocs, 1);
	assert_int_equal(rec.nbad, 1);
	assert_string_equal(rec.bad_why, why);
	rl = rec.rlocs;
	assert_int_equal(rloc_next(&rl, &loc), 0);	/* nothing usable */
	rl = rec.rlocs;
	assert_int_equal(rloc_next_all(&rl, &loc), 1);
	assert_true(loc.malformed);
	assert_int_equal(loc.addr.afi, AFI_LCAF);
	assert_int_equal(loc.addr.lcaf_type, LCAF_AFI_LIST);
	assert_false(loc.addr.known);
	assert_int_equal(loc.priority, 1);
	assert_int_equal(loc.weight, 100);
	assert_int_equal(rloc_next_all(&rl, &loc), 0);
	assert_int_equal(record_next(&recs, &rec), 0);
}

static void
test_peer_malformed_lcaf_locator(void **state)
{
	uint8_t buf[512];
	struct lisp_map_register m;
	struct rbuf b;
	struct msg_err err;
	size_t n;

	peer_malformed(LISPERS_GEO_REGISTER, "geo coordinate out of range");
	peer_malformed(LISPERS_JSON_REGISTER, "LCAF length exceeds data");
	/* what breaks the framing still refuses the message: the list's own
	 * Length past the record (the locator's AFI at offset 70, after 16 of
	 * header, 32 of authentication data, 16 of record and 6 of locator;
	 * its LCAF Length at 76) */
	n = tl_unhex(LISPERS_GEO_REGISTER, buf, sizeof(buf));
	assert_int_equal(get_u16(buf + 76), 36);
	put_u16(buf + 76, 37);
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), -1);
	/* and an unknown AFI in the locator itself */
	n = tl_unhex(LISPERS_GEO_REGISTER, buf, sizeof(buf));
	assert_int_equal(get_u16(buf + 70), AFI_LCAF);
	put_u16(buf + 70, 100);
	rbuf_init(&b, buf, n);
	assert_int_equal(map_register_decode(&b, &m, &err), -1);
}

static void
test_reasons(void **state)
{
	const struct tl_codec *c = &tl_map_register_codec;
	struct lisp_map_register m;
	uint8_t buf[512];
	size_t n;

	n = tl_sample("map-register", buf, sizeof(buf));
	put_u16(buf + 14, 400);
	tl_expect_fail(c, &m, buf, n, "auth length 400 exceeds packet");
	n = tl_sample("map-register", buf, sizeof(buf));
	tl_expect_fail(c, &m, buf, n - 1,
	    "I set but only 23 octets for xTR-ID and Site-ID");
	n = tl_sample("map-register", buf, sizeof(buf));
	buf[0] = 0x20;
	tl_expect_fail(c, &m, buf, n, "not a map-register/notify (type 2)");
	n = tl_sample("map-register", buf, sizeof(buf));
	buf[48 + 4] = 30;	/* record 1 locator count */
	tl_expect_fail(c, &m, buf, n,
	    "record 1: locator count 30 exceeds packet");
	n = tl_sample("map-register", buf, sizeof(buf));
	buf[48 + 4] = 3;	/* runs into record 2 */
	tl_expect_fail(c, &m, buf, n, "record 1: locator 2: unknown AFI 4096");
	n = tl_sample("map-register", buf, sizeof(buf));
	buf[48 + 5] = 40;
	tl_expect_fail(c, &m, buf, n, "record 1: eid mask-len 40 exceeds 32");
	n = tl_sample("map-notify", buf, sizeof(buf));
	buf[0] |= 0x08;		/* MNOT_I */
	tl_expect_fail(c, &m, buf, n - 24,
	    "I set but only 0 octets for xTR-ID and Site-ID");
	tl_expect_fail(c, &m, buf, 15, "short header");
}

static void
test_roundtrip_combinations(void **state)
{
	static uint8_t buf[16384], out[16384];
	struct lisp_map_register m, d;
	struct lisp_record rr;
	struct lisp_rloc rl;
	struct rbuf b;
	struct wbuf w;
	struct msg_err err;
	const char *diff;
	uint64_t s = 99;
	const uint16_t alens[] = { 0, 12, 16, 20, 32 };
	int iter, i, k;
	uint8_t want_ids;

	for (iter = 0; iter < 3000; iter++) {
		memset(&m, 0, sizeof(m));
		m.type = (uint8_t)(3 + tv_rand(&s) % 3);
		m.flags = (uint32_t)tv_rand(&s) & 0x0fffff00u;
		m.nonce = tv_rand(&s);
		m.key_id = (uint8_t)tv_rand(&s);
		m.alg_id = (uint8_t)(tv_rand(&s) % 4);
		m.auth_len = alens[tv_rand(&s) % 5];
		m.nrecords = (uint8_t)((m.type == 3 ? 1 : 0) + tv_rand(&s) % 4);
		m.has_ids = tv_rand(&s) & 1;
		for (i = 0; i < XTR_ID_LEN; i++)
			m.xtr_id[i] = (uint8_t)tv_rand(&s);
		m.site_id = tv_rand(&s);
		wbuf_init(&w, buf, sizeof(buf));
		map_register_encode_hdr(&w, &m);
		for (i = 0; i < m.nrecords; i++) {
			tl_rand_record(&rr, &s, 5, 2);
			record_encode(&w, &rr);
			for (k = 0; k < rr.nrlocs; k++) {
				tl_rand_rloc(&rl, &s, 2);
				rloc_encode(&w, &rl);
			}
		}
		map_register_encode_trailer(&w, &m);
		assert_int_equal(w.err, 0);
		/* auth data zeroed */
		for (i = 0; i < m.auth_len; i++)
			assert_int_equal(buf[MREG_AUTH_OFF + i], 0);

		rbuf_init(&b, buf, w.len);
		if (map_register_decode(&b, &d, &err) != 0)
			fail_msg("iter %d: %s", iter, TL_ERR_STR(&err));
		assert_int_equal(d.type, m.type);
		assert_true(d.nonce == m.nonce);
		assert_int_equal(d.key_id, m.key_id);
		assert_int_equal(d.alg_id, m.alg_id);
		assert_int_equal(d.auth_len, m.auth_len);
		assert_int_equal(d.nrecords, m.nrecords);
		assert_int_equal(d.has_ids, m.has_ids);
		if (m.has_ids) {
			assert_memory_equal(d.xtr_id, m.xtr_id, XTR_ID_LEN);
			assert_true(d.site_id == m.site_id);
		}
		assert_int_equal(d.trailing, 0);
		want_ids = m.type == 3 ? (d.flags & MREG_I) != 0 : m.has_ids;
		assert_int_equal(want_ids, m.has_ids);
		if (m.type == 3)
			assert_int_equal(d.flags, (m.flags & ~MREG_I) |
			    (m.has_ids ? MREG_I : 0));
		else if (!m.has_ids)
			assert_int_equal(d.flags, m.flags & ~MNOT_I);
		else
			assert_int_equal(d.flags, m.flags);
		assert_int_equal(rt_map_register_encode(&d, out, sizeof(out)),
		    w.len);
		assert_memory_equal(out, buf, w.len);
		/* and decoding the copy gives the same fields */
		rbuf_init(&b, out, w.len);
		assert_int_equal(map_register_decode(&b, &m, &err), 0);
		if ((diff = rt_map_register_same(&m, &d)) != NULL)
			fail_msg("iter %d: %s", iter, diff);
	}
}

static const char *const names[] = {
	"map-register", "map-notify", "map-notify-ack"
};

/* a Map-Notify without I may lose octets after its records: records plus
 * leftovers; anything else cut is refused */
struct reg_cut {
	struct lisp_map_register m;
	int			 t;
	size_t			 end;
};

static void
accept_leftovers(void *arg, size_t k)
{
	struct reg_cut *rc = arg;

	assert_int_equal(rc->t, 1);
	assert_true(k >= rc->end);
	assert_int_equal(rc->m.has_ids, 0);
	assert_int_equal(rc->m.trailing, k - rc->end);
}

static void
test_truncations(void **state)
{
	uint8_t buf[512];
	struct reg_cut rc;
	size_t n;

	for (rc.t = 0; rc.t < 3; rc.t++) {
		n = tl_sample(names[rc.t], buf, sizeof(buf));
		rc.end = rc.t == 2 ? n : n - 24;	/* end of the records */
		tl_truncations(&tl_map_register_codec, &rc, buf, n,
		    accept_leftovers);
	}
}

static void
test_mutations(void **state)
{
	static struct lisp_map_register m, m2, m3;
	uint64_t s = 31337;
	int t;

	for (t = 0; t < 3; t++)
		tl_mutations(&tl_map_register_codec, &m, &m2, &m3, names[t], &s,
		    100000, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_digest_vectors),
		cmocka_unit_test(test_sample_vectors),
		cmocka_unit_test(test_ack_count_zero),
		cmocka_unit_test(test_reasons),
		cmocka_unit_test(test_peer_malformed_lcaf_locator),
		cmocka_unit_test(test_roundtrip_combinations),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_mutations),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
