/* Info-Request / Info-Reply: decode the samples, compare fields,
 * re-encode, truncate */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "lcaf.h"
#include "msg.h"
#include "vectors.h"
#include "msg_roundtrip.h"
#include "testlib.h"

static void
test_request(void **state)
{
	uint8_t			 pkt[256], out[256];
	struct lisp_info	 info;
	struct rbuf		 b;
	char			 s[ADDR_STRLEN];
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("info-request", pkt, sizeof(pkt));
	rbuf_init(&b, pkt, n);
	assert_int_equal(info_decode(&b, &info, &err), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(info.reply, 0);
	assert_int_equal(info.nonce, 0x5555);
	assert_int_equal(info.key_id, 1);
	assert_int_equal(info.auth_len, 20);
	assert_int_equal(info.auth_off, 16);
	assert_ptr_equal(info.auth, pkt + 16);
	assert_int_equal(info.auth[19], 0x77);
	assert_int_equal(info.ttl, 0);
	assert_int_equal(info.eid_mlen, 24);
	assert_string_equal(prefix_fmt(&info.eid, info.eid_mlen, s, sizeof(s)),
	    "198.18.1.0/24");
	assert_int_equal(info.nat.afi, AFI_NONE);
	assert_ptr_equal(info.msg.p, pkt);
	assert_int_equal(info.msg.len, n);

	assert_int_equal(rt_info_encode(&info, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, n);

	/* without auth data the encoder writes zeros for auth_sign */
	info.auth = NULL;
	assert_int_equal(rt_info_encode(&info, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, 16);
	assert_int_equal(out[16], 0);
	assert_int_equal(out[35], 0);
	assert_memory_equal(out + 36, pkt + 36, n - 36);
}

/* lispers.net: no auth, EID AFI 0, hostname; and the same with nothing
 * after the EID */
static void
test_request_lispers(void **state)
{
	uint8_t			 pkt[256], out[256];
	struct lisp_info	 info;
	struct rbuf		 b;
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("info-request-dn", pkt, sizeof(pkt));
	rbuf_init(&b, pkt, n);
	assert_int_equal(info_decode(&b, &info, &err), 0);
	assert_int_equal(info.reply, 0);
	assert_int_equal(info.nonce, 0xa1b2c3d4e5f60708ull);
	assert_int_equal(info.auth_len, 0);
	assert_int_equal(info.eid.afi, AFI_NONE);
	assert_int_equal(info.eid_mlen, 0);
	assert_int_equal(info.nat.afi, AFI_DN);
	assert_int_equal(info.nat.body_len, 6);
	assert_memory_equal(info.nat.body, "xtr-1", 6);
	assert_int_equal(rt_info_encode(&info, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, n);

	/* cut after the EID: accepted, re-encoded with AFI 0 */
	rbuf_init(&b, pkt, n - 8);
	assert_int_equal(info_decode(&b, &info, &err), 0);
	assert_int_equal(info.nat.afi, AFI_NONE);
	assert_int_equal(rt_info_encode(&info, out, sizeof(out)), n - 6);
	assert_memory_equal(out, pkt, n - 8);
	assert_int_equal(get_u16(out + n - 8), 0);
}

static void
test_reply(void **state)
{
	uint8_t			 pkt[256], out[256];
	struct lisp_info	 info;
	struct lcaf_nat		 nat;
	struct rbuf		 b;
	char			 s[ADDR_STRLEN];
	struct msg_err		 err;
	size_t			 n;

	n = tl_sample("info-reply", pkt, sizeof(pkt));
	rbuf_init(&b, pkt, n);
	assert_int_equal(info_decode(&b, &info, &err), 0);
	assert_int_equal(info.reply, 1);
	assert_int_equal(info.nonce, 0x5555);
	assert_int_equal(info.ttl, 1440);
	assert_int_equal(info.auth_len, 20);
	assert_int_equal(info.nat.afi, AFI_LCAF);
	assert_int_equal(info.nat.lcaf_type, LCAF_NAT);
	assert_int_equal(lcaf_nat_decode(&info.nat, &nat), 0);
	assert_int_equal(nat.ms_port, 4342);
	assert_int_equal(nat.etr_port, 40000);
	assert_string_equal(addr_fmt(&nat.global_etr, s, sizeof(s)), "203.0.113.5");
	assert_string_equal(addr_fmt(&nat.ms_rloc, s, sizeof(s)), "203.0.113.1");
	assert_int_equal(nat.private_etr.afi, AFI_NONE);
	assert_int_equal(nat.nrtr, 1);
	assert_string_equal(addr_fmt(&nat.rtr[0], s, sizeof(s)), "203.0.113.9");

	assert_int_equal(rt_info_encode(&info, out, sizeof(out)), n);
	assert_memory_equal(out, pkt, n);
}

/* a reply built from parts with lcaf_nat_encode + info_encode decodes to
 * the same fields */
static void
test_reply_build(void **state)
{
	uint8_t			 lc[128], out[256];
	struct lisp_info	 info, back;
	struct lcaf_nat		 nat, nat2;
	struct wbuf		 w;
	struct rbuf		 b;
	size_t			 n;

	memset(&nat, 0, sizeof(nat));
	nat.ms_port = 4342;
	nat.etr_port = 12345;
	assert_int_equal(addr_parse(&nat.global_etr, "198.51.100.7"), 0);
	assert_int_equal(addr_parse(&nat.ms_rloc, "203.0.113.1"), 0);
	addr_set_none(&nat.private_etr);
	nat.nrtr = 2;
	assert_int_equal(addr_parse(&nat.rtr[0], "203.0.113.9"), 0);
	assert_int_equal(addr_parse(&nat.rtr[1], "2001:db8::9"), 0);
	wbuf_init(&w, lc, sizeof(lc));
	lcaf_nat_encode(&w, &nat);
	assert_int_equal(w.err, 0);

	memset(&info, 0, sizeof(info));
	info.reply = 1;
	info.nonce = 99;
	info.ttl = 15;
	info.eid_mlen = 48;
	assert_int_equal(addr_parse(&info.eid, "2001:db8:1::"), 0);
	rbuf_init(&b, lc, w.len);
	assert_int_equal(addr_decode(&b, &info.nat, 0, NULL), 0);
	n = rt_info_encode(&info, out, sizeof(out));

	rbuf_init(&b, out, n);
	assert_int_equal(info_decode(&b, &back, NULL), 0);
	assert_int_equal(back.reply, 1);
	assert_int_equal(back.nonce, 99);
	assert_int_equal(back.key_id, 0);
	assert_int_equal(back.auth_len, 0);
	assert_int_equal(back.ttl, 15);
	assert_int_equal(back.eid_mlen, 48);
	assert_true(addr_equal(&back.eid, &info.eid));
	assert_int_equal(lcaf_nat_decode(&back.nat, &nat2), 0);
	assert_int_equal(nat2.etr_port, 12345);
	assert_int_equal(nat2.nrtr, 2);
	assert_true(addr_equal(&nat2.rtr[1], &nat.rtr[1]));
}

/* a request may end right after its EID (lispers.net) */
static size_t info_min;

static void
accept_no_nat(void *m, size_t k)
{
	assert_int_equal(k, info_min);
}

static void
test_truncated(void **state)
{
	static const char *names[] = { "info-request", "info-reply" };
	uint8_t			 pkt[256];
	struct lisp_info	 info;
	size_t			 i, n;

	for (i = 0; i < 2; i++) {
		n = tl_sample(names[i], pkt, sizeof(pkt));
		info_min = i == 0 ? n - 2 : n;
		assert_int_equal(tl_truncations(&tl_info_codec, &info, pkt, n,
		    accept_no_nat), i == 0 ? 1 : 0);
	}
}

static void
test_refused(void **state)
{
	uint8_t			 pkt[256];
	struct lisp_info	 info;
	size_t			 n;

	/* a reply without the NAT LCAF (the request's AFI 0) */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	pkt[0] |= 0x08;
	tl_expect_fail(&tl_info_codec, &info, pkt, n, NULL);
	/* a request with an IPv4 address after the EID */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	put_u16(pkt + n - 2, 1);
	memcpy(pkt + n, "\xcb\x00\x71\x01", 4);
	tl_expect_fail(&tl_info_codec, &info, pkt, n + 4, NULL);
	/* a request whose AFI 0 is wrapped in an IID LCAF (found by
	 * fuzz_info: it cannot be written back as it came) */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	memcpy(pkt + n - 2, "\x40\x03\x00\x00\x02\x00\x00\x06"
	    "\x00\x00\x00\x07\x00\x00", 14);
	tl_expect_fail(&tl_info_codec, &info, pkt, n + 12, NULL);
	/* auth length beyond the message */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	put_u16(pkt + 14, 200);
	tl_expect_fail(&tl_info_codec, &info, pkt, n, NULL);
	/* EID mask-len 33 */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	pkt[16 + 20 + 5] = 33;
	tl_expect_fail(&tl_info_codec, &info, pkt, n, NULL);
	/* wrong type */
	n = tl_sample("info-request", pkt, sizeof(pkt));
	pkt[0] = 0x60;
	tl_expect_fail(&tl_info_codec, &info, pkt, n, NULL);
	/* a reply with an LCAF of another type */
	n = tl_sample("info-reply", pkt, sizeof(pkt));
	pkt[n - 24 - 4] = LCAF_ASN;
	tl_expect_fail(&tl_info_codec, &info, pkt, n, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_request),
		cmocka_unit_test(test_request_lispers),
		cmocka_unit_test(test_reply),
		cmocka_unit_test(test_reply_build),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
