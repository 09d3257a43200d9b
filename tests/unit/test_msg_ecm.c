/* ECM codec and Internet checksums */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "msg.h"
#include "msrtr.h"
#include "testlib.h"

static const uint8_t v4a[4] = { 198, 18, 1, 1 };
static const uint8_t v4b[4] = { 198, 18, 2, 1 };
static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 2 };

/* a small Map-Request-looking payload */
static const uint8_t inner_msg[] = {
	0x10, 0x00, 0x00, 0x01, 0x01, 0x02, 0x03, 0x04,
	0x05, 0x06, 0x07, 0x08, 0x00, 0x00, 0x00, 0x01,
	0xc6, 0x12, 0x01, 0x01, 0x00, 0x20, 0x00, 0x01,
	0xc6, 0x12, 0x02, 0x05, 0xaa,
};

/* the IPv4 header example used everywhere for RFC 1071: checksum 0xb861 */
static void
test_inet_cksum_known(void **state)
{
	uint8_t hdr[20] = {
		0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00,
		0x40, 0x11, 0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01,
		0xc0, 0xa8, 0x00, 0xc7,
	};

	assert_int_equal(inet_cksum(hdr, sizeof(hdr), 0), 0xb861);
	hdr[10] = 0xb8;
	hdr[11] = 0x61;
	assert_int_equal(inet_cksum(hdr, sizeof(hdr), 0), 0);
	/* odd length pads with a zero octet; partial sums chain */
	assert_int_equal(inet_cksum("\x01", 1, 0), (uint16_t)~0x0100);
	assert_int_equal(inet_cksum("\x00\x01", 2, 0x0100), (uint16_t)~0x0101);
}

/* UDP checksum checked against a hand-computed sum: IPv4 pseudo header
 * 198.18.1.1 -> 198.18.2.1, proto 17, len 10; UDP 4342 -> 4342, len 10,
 * payload 0x1234 */
static void
test_udp_cksum_known(void **state)
{
	struct lisp_addr s, d;
	uint8_t udp[10] = { 0x10, 0xf6, 0x10, 0xf6, 0x00, 0x0a, 0, 0, 0x12, 0x34 };
	uint32_t sum;

	addr_set_v4(&s, v4a);
	addr_set_v4(&d, v4b);
	sum = 0xc612 + 0x0101 + 0xc612 + 0x0201 + 17 + 10 +
	    0x10f6 + 0x10f6 + 0x000a + 0x1234;
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	assert_int_equal(udp_cksum(&s, &d, udp, sizeof(udp)), (uint16_t)~sum);
	put_u16(udp + 6, (uint16_t)~sum);
	assert_int_equal(udp_cksum(&s, &d, udp, sizeof(udp)), 0);
	/* mixed families are refused */
	addr_set_v6(&d, v6b);
	assert_int_equal(udp_cksum(&s, &d, udp, sizeof(udp)), 0);
}

static void
test_encode_decode_v4(void **state)
{
	struct lisp_addr	 s, d;
	struct lisp_ecm		 ecm;
	struct wbuf		 w;
	struct rbuf		 b;
	uint8_t			 out[256];
	struct msg_err		 err;
	size_t			 n = sizeof(inner_msg);
	const uint8_t		*ip;

	addr_set_v4(&s, v4a);
	addr_set_v4(&d, v4b);
	wbuf_init(&w, out, sizeof(out));
	ecm_encode(&w, ECM_D, &s, &d, 61000, LISP_CONTROL_PORT, inner_msg, n);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, 4 + 20 + 8 + n);

	/* the octets */
	assert_int_equal(get_u32(out), 0x84000000u);
	ip = out + 4;
	assert_int_equal(ip[0], 0x45);
	assert_int_equal(get_u16(ip + 2), 20 + 8 + n);
	assert_int_equal(get_u16(ip + 6), 0);		/* DF clear */
	assert_int_equal(ip[8], 64);
	assert_int_equal(ip[9], 17);
	assert_memory_equal(ip + 12, v4a, 4);
	assert_memory_equal(ip + 16, v4b, 4);
	assert_int_equal(inet_cksum(ip, 20, 0), 0);
	assert_int_equal(get_u16(ip + 20), 61000);
	assert_int_equal(get_u16(ip + 22), 4342);
	assert_int_equal(get_u16(ip + 24), 8 + n);
	assert_int_not_equal(get_u16(ip + 26), 0);
	assert_int_equal(udp_cksum(&s, &d, ip + 20, 8 + n), 0);
	assert_memory_equal(ip + 28, inner_msg, n);

	/* and back */
	rbuf_init(&b, out, w.len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_int_equal(ecm.flags, ECM_D);
	assert_int_equal(ecm.sec.len, 0);
	assert_int_equal(ecm.ip_version, 4);
	assert_true(addr_equal(&ecm.src, &s));
	assert_true(addr_equal(&ecm.dst, &d));
	assert_int_equal(ecm.ttl, 64);
	assert_int_equal(ecm.sport, 61000);
	assert_int_equal(ecm.dport, 4342);
	assert_int_equal(ecm.udp_csum, get_u16(ip + 26));
	assert_ptr_equal(ecm.ip.p, ip);
	assert_int_equal(ecm.ip.len, 28 + n);
	assert_ptr_equal(ecm.inner.p, ip + 28);
	assert_int_equal(ecm.inner.len, n);
	assert_int_equal(b.len, 0);
}

static void
test_encode_decode_v6(void **state)
{
	struct lisp_addr	 s, d;
	struct lisp_ecm		 ecm;
	struct wbuf		 w;
	struct rbuf		 b;
	uint8_t			 out[256];
	struct msg_err		 err;
	size_t			 n = sizeof(inner_msg);
	const uint8_t		*ip;

	addr_set_v6(&s, v6a);
	addr_set_v6(&d, v6b);
	wbuf_init(&w, out, sizeof(out));
	ecm_encode(&w, ECM_R | ECM_N | ECM_S, &s, &d, 4342, 4342, inner_msg, n);
	assert_int_equal(w.err, 0);
	assert_int_equal(w.len, 4 + 40 + 8 + n);
	/* S is never written (no auth data), R and N are */
	assert_int_equal(get_u32(out), 0x80600000u);
	ip = out + 4;
	assert_int_equal(ip[0] >> 4, 6);
	assert_int_equal(get_u16(ip + 4), 8 + n);
	assert_int_equal(ip[6], 17);
	assert_int_equal(ip[7], 64);
	assert_memory_equal(ip + 8, v6a, 16);
	assert_memory_equal(ip + 24, v6b, 16);
	assert_int_equal(udp_cksum(&s, &d, ip + 40, 8 + n), 0);
	assert_int_not_equal(get_u16(ip + 46), 0);

	rbuf_init(&b, out, w.len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_int_equal(ecm.flags, ECM_R | ECM_N);
	assert_int_equal(ecm.ip_version, 6);
	assert_true(addr_equal(&ecm.src, &s));
	assert_true(addr_equal(&ecm.dst, &d));
	assert_int_equal(ecm.ttl, 64);
	assert_int_equal(ecm.sport, 4342);
	assert_int_equal(ecm.inner.len, n);
	assert_memory_equal(ecm.inner.p, inner_msg, n);
	assert_int_equal(ecm.ip.len, 48 + n);
}

static void
test_encode_errors(void **state)
{
	struct lisp_addr	 s, d;
	struct wbuf		 w;
	uint8_t			 out[64];

	addr_set_v4(&s, v4a);
	addr_set_v6(&d, v6b);
	wbuf_init(&w, out, sizeof(out));
	ecm_encode(&w, 0, &s, &d, 1, 2, inner_msg, 4);
	assert_int_equal(w.err, 1);

	addr_set_v4(&d, v4b);
	wbuf_init(&w, out, sizeof(out));
	ecm_encode(&w, 0, &s, &d, 1, 2, inner_msg, sizeof(out));
	assert_int_equal(w.err, 1);
}

/* hand-built: reserved bits kept, LISP-SEC AD skipped, IPv4 options, UDP
 * payload shorter than the IP packet allows */
static const uint8_t sec_ecm[] = {
	0x8c, 0x00, 0x80, 0x01,			/* S D, reserved bits */
	/* ECM AD type 1, requested HMAC ID 2 */
	0x01, 0x00, 0x00, 0x02,
	/* OTK-AD: OTK length 24, key id 1, wrap id 2, preamble, otk */
	0x00, 0x18, 0x01, 0x02,
	0, 0, 0, 0, 0, 0, 0, 0,
	1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
	/* EID-AD as an ITR sends it: length 4, KDF ID 2 */
	0x00, 0x04, 0x00, 0x02,
	/* inner IPv4 with 4 octets of options (IHL 6) */
	0x46, 0x00, 0x00, 0x26, 0x00, 0x00, 0x00, 0x00,
	0x20, 0x11, 0x00, 0x00, 198, 18, 1, 1,
	198, 18, 2, 1, 0x01, 0x01, 0x01, 0x00,
	/* UDP 1234 -> 4342, length 12 */
	0x04, 0xd2, 0x10, 0xf6, 0x00, 0x0c, 0xbe, 0xef,
	0x10, 0x00, 0x00, 0x00,
	/* padding inside the IP packet, not the UDP payload */
	0x00, 0x00,
};

static void
test_decode_lispsec(void **state)
{
	struct lisp_ecm		 ecm;
	struct rbuf		 b;
	struct msg_err		 err;

	rbuf_init(&b, sec_ecm, sizeof(sec_ecm));
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_int_equal(ecm.flags, 0x0c008001u);
	assert_true(ecm.flags & ECM_S);
	assert_ptr_equal(ecm.sec.p, sec_ecm + 4);
	assert_int_equal(ecm.sec.len, 4 + 28 + 4);
	assert_int_equal(ecm.ip_version, 4);
	assert_int_equal(ecm.ttl, 0x20);
	assert_memory_equal(addr_bytes(&ecm.src), v4a, 4);
	assert_memory_equal(addr_bytes(&ecm.dst), v4b, 4);
	assert_ptr_equal(ecm.ip.p, sec_ecm + 40);
	assert_int_equal(ecm.ip.len, 0x26 - 2);	/* without the padding */
	assert_int_equal(ecm.sport, 1234);
	assert_int_equal(ecm.dport, 4342);
	assert_int_equal(ecm.udp_csum, 0xbeef);
	assert_ptr_equal(ecm.inner.p, sec_ecm + 40 + 24 + 8);
	assert_int_equal(ecm.inner.len, 4);
	assert_int_equal(b.len, 0);
}

/* MS-RTR authentication data (NAT draft, AD type 2) */
static void
test_decode_msrtr(void **state)
{
	static const uint8_t pkt[] = {
		0x88, 0x00, 0x00, 0x00,
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x04,
		0xde, 0xad, 0xbe, 0xef,
		0x45, 0x00, 0x00, 0x20, 0x00, 0x00, 0x00, 0x00,
		0x40, 0x11, 0x00, 0x00, 198, 18, 1, 1,
		198, 18, 2, 1,
		0x10, 0xf6, 0x10, 0xf6, 0x00, 0x0c, 0x00, 0x00,
		0x40, 0x00, 0x00, 0x01,
	};
	struct lisp_ecm		 ecm;
	struct rbuf		 b;

	rbuf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(ecm_decode(&b, &ecm, NULL), 0);
	assert_int_equal(ecm.sec.len, 12);
	assert_int_equal(ecm.inner.len, 4);
	assert_int_equal(ecm.inner.p[0], 0x40);
}

/* the MS-RTR AD on its own: fields, and what is refused */
static void
test_msrtr_ad(void **state)
{
	static const uint8_t ok[] = { 0x02, 0, 0, 0, 0x03, 0x02, 0x00, 0x02, 0xaa, 0xbb };
	static const uint8_t lisp_sec[] = { 0x01, 0, 0, 0, 0x00, 0x01, 0x00, 0x00 };
	static const uint8_t beyond[] = { 0x02, 0, 0, 0, 0x00, 0x01, 0x00, 0x03, 0xaa, 0xbb };
	struct msrtr_ad	 ad;
	struct rbuf	 b;
	const char	*why;
	uint8_t		 out[64];
	size_t		 n;

	rbuf_init(&b, ok, sizeof(ok));
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), 0);
	assert_int_equal(ad.key_id, 3);
	assert_int_equal(ad.alg, 2);
	assert_int_equal(ad.auth.len, 2);
	assert_ptr_equal(ad.auth.p, ok + 8);
	rbuf_init(&b, ok, 7);
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), -1);
	assert_string_equal(why, "short ms-rtr auth data");
	rbuf_init(&b, lisp_sec, sizeof(lisp_sec));
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), -1);
	assert_string_equal(why, "not ms-rtr auth data");
	rbuf_init(&b, beyond, sizeof(beyond));
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), -1);
	assert_string_equal(why, "ms-rtr auth length beyond the data");
	/* built, decoded, verified; a changed octet of the message or
	 * another key-id does not verify; an unknown algorithm builds nothing */
	n = msrtr_ad_build(out, sizeof(out), 3, ALG_HMAC_SHA256_128, "k", 1,
	    (const uint8_t *)"message", 7);
	assert_int_equal(n, MSRTR_AD_HDR + 32);
	rbuf_init(&b, out, n);
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), 0);
	assert_int_equal(msrtr_ad_verify(&ad, 3, ALG_HMAC_SHA256_128, "k", 1,
	    (const uint8_t *)"message", 7), 1);
	assert_int_equal(msrtr_ad_verify(&ad, 3, ALG_HMAC_SHA256_128, "k", 1,
	    (const uint8_t *)"messagf", 7), 0);
	assert_int_equal(msrtr_ad_verify(&ad, 2, ALG_HMAC_SHA256_128, "k", 1,
	    (const uint8_t *)"message", 7), 0);
	/* truncated to HMAC-SHA-256-128: still the same MAC */
	out[7] = 16;
	rbuf_init(&b, out, MSRTR_AD_HDR + 16);
	assert_int_equal(msrtr_ad_decode(&b, &ad, &why), 0);
	assert_int_equal(msrtr_ad_verify(&ad, 3, ALG_HMAC_SHA256_128, "k", 1,
	    (const uint8_t *)"message", 7), 1);
	assert_int_equal(msrtr_ad_build(out, sizeof(out), 0, 9, "k", 1,
	    (const uint8_t *)"m", 1), 0);
	assert_int_equal(msrtr_ad_build(out, 20, 0, ALG_HMAC_SHA1_96, "k", 1,
	    (const uint8_t *)"m", 1), 0);
}

static void
test_truncated(void **state)
{
	struct lisp_ecm		 ecm;

	/* the IP total length covers the padding: every cut is refused */
	assert_int_equal(tl_truncations(&tl_ecm_codec, &ecm, sec_ecm,
	    sizeof(sec_ecm), NULL), 0);
}

struct bad_case {
	size_t		 off;
	uint8_t		 val;
	const char	*name;
};

/* one-octet corruptions of sec_ecm that must be refused */
static const struct bad_case bad[] = {
	{ 0, 0x18, "type 1" },
	{ 9, 0xff, "otk length beyond message" },
	{ 36, 0xff, "eid-ad length beyond" },
	{ 37, 0x02, "eid-ad length 2" },
	{ 4, 0x07, "unknown ad type" },
	{ 40, 0x44, "ihl 4" },
	{ 40, 0x56, "ip version 5" },
	{ 43, 0x27, "ip total length beyond" },
	{ 43, 0x1b, "ip total length below ihl + udp" },
	{ 49, 0x06, "protocol tcp" },
	{ 46, 0x20, "more fragments" },
	{ 69, 0x00, "udp length 0" },
	{ 69, 0x07, "udp length 7" },
	{ 69, 0x0f, "udp length beyond ip" },
};

static void
test_refused(void **state)
{
	uint8_t			 pkt[sizeof(sec_ecm)];
	struct lisp_ecm		 ecm;
	struct rbuf		 b;
	struct msg_err		 err;
	size_t			 i;

	for (i = 0; i < NELEM(bad); i++) {
		memcpy(pkt, sec_ecm, sizeof(pkt));
		pkt[bad[i].off] = bad[i].val;
		print_message("refuse: %s\n", bad[i].name);
		tl_expect_fail(&tl_ecm_codec, &ecm, pkt, sizeof(pkt), NULL);
	}
	/* same packet without S: the AD is taken for an IP header */
	memcpy(pkt, sec_ecm, sizeof(pkt));
	pkt[0] = 0x84;
	rbuf_init(&b, pkt, sizeof(pkt));
	assert_int_equal(ecm_decode(&b, &ecm, &err), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inet_cksum_known),
		cmocka_unit_test(test_udp_cksum_known),
		cmocka_unit_test(test_encode_decode_v4),
		cmocka_unit_test(test_encode_decode_v6),
		cmocka_unit_test(test_encode_errors),
		cmocka_unit_test(test_decode_lispsec),
		cmocka_unit_test(test_decode_msrtr),
		cmocka_unit_test(test_msrtr_ad),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
