/* data plane: inner header parsing, encapsulation (4-in-4, 6-in-4, 4-in-6),
 * decapsulation with TTL = min(inner, outer), malformed packets, RLOC
 * choice by priority/weight and ICMP too-big */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "dataplane.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static uint32_t
sum16(const uint8_t *p, size_t len, uint32_t s)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		s += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		s += (uint32_t)p[len - 1] << 8;
	return s;
}

static uint16_t
fold(uint32_t s)
{
	while (s >> 16)
		s = (s & 0xffff) + (s >> 16);
	return (uint16_t)s;
}

/* an IPv4 UDP packet 198.18.1.10:1234 -> 198.18.2.10:80, ttl, DF */
static size_t
mk4(uint8_t *p, uint8_t ttl, int df, size_t paylen)
{
	size_t len = 20 + 8 + paylen;

	memset(p, 0, len);
	p[0] = 0x45;
	p[1] = 0xb8;		/* EF + ECT(0) */
	put_u16(p + 2, (uint16_t)len);
	put_u16(p + 6, df ? 0x4000 : 0);
	p[8] = ttl;
	p[9] = 17;
	p[12] = 198; p[13] = 18; p[14] = 1; p[15] = 10;
	p[16] = 198; p[17] = 18; p[18] = 2; p[19] = 10;
	put_u16(p + 10, (uint16_t)~fold(sum16(p, 20, 0)));
	put_u16(p + 20, 1234);
	put_u16(p + 22, 80);
	put_u16(p + 24, (uint16_t)(8 + paylen));
	return len;
}

/* an IPv6 TCP packet 2001:db8:1::10 -> 2001:db8:2::10 */
static size_t
mk6(uint8_t *p, uint8_t hops, size_t paylen)
{
	size_t len = 40 + 20 + paylen;

	memset(p, 0, len);
	put_u32(p, 6u << 28 | 0x2au << 20);
	put_u16(p + 4, (uint16_t)(20 + paylen));
	p[6] = 6;
	p[7] = hops;
	p[8] = 0x20; p[9] = 0x01; p[10] = 0x0d; p[11] = 0xb8; p[13] = 1; p[23] = 0x10;
	p[24] = 0x20; p[25] = 0x01; p[26] = 0x0d; p[27] = 0xb8; p[29] = 2; p[39] = 0x10;
	put_u16(p + 40, 40000);
	put_u16(p + 42, 443);
	return len;
}

static void
test_ip_parse(void **state)
{
	uint8_t p[200];
	struct ip_info ip;
	const char *why;
	char buf[64];
	size_t n;

	n = mk4(p, 64, 1, 10);
	assert_int_equal(ip_parse(p, n, &ip, &why), 0);
	assert_int_equal(ip.version, 4);
	assert_string_equal(addr_fmt(&ip.src, buf, sizeof(buf)), "198.18.1.10");
	assert_string_equal(addr_fmt(&ip.dst, buf, sizeof(buf)), "198.18.2.10");
	assert_int_equal(ip.ttl, 64);
	assert_int_equal(ip.tos, 0xb8);
	assert_int_equal(ip.proto, 17);
	assert_int_equal(ip.sport, 1234);
	assert_int_equal(ip.dport, 80);
	assert_int_equal(ip.df, 1);
	assert_int_equal(ip.len, n);
	n = mk6(p, 33, 0);
	assert_int_equal(ip_parse(p, n, &ip, &why), 0);
	assert_int_equal(ip.version, 6);
	assert_string_equal(addr_fmt(&ip.dst, buf, sizeof(buf)), "2001:db8:2::10");
	assert_int_equal(ip.ttl, 33);
	assert_int_equal(ip.tos, 0x2a);
	assert_int_equal(ip.sport, 40000);
	assert_int_equal(ip.dport, 443);
	/* trailing octets beyond the IP length are not part of it */
	n = mk4(p, 64, 0, 4);
	assert_int_equal(ip_parse(p, n + 6, &ip, &why), 0);
	assert_int_equal(ip.len, n);
}

static const struct {
	const char	*name;
	size_t		 cut;		/* bytes kept, 0 = all */
	int		 off;		/* byte to overwrite, -1 none */
	uint8_t		 val;
} bad_ip[] = {
	{ "empty", 1, -1, 0 },
	{ "short ipv4 header", 19, -1, 0 },
	{ "ipv4 length beyond packet", 0, 2, 0x7f },
	{ "ipv4 ihl below 5", 0, 0, 0x44 },
	{ "version 5", 0, 0, 0x55 },
	{ "version 0", 0, 0, 0x05 },
};

static void
test_ip_parse_bad(void **state)
{
	uint8_t p[200];
	struct ip_info ip;
	const char *why;
	size_t n, i;

	for (i = 0; i < NELEM(bad_ip); i++) {
		n = mk4(p, 64, 0, 8);
		if (bad_ip[i].cut)
			n = bad_ip[i].cut - (bad_ip[i].cut == 1);
		if (bad_ip[i].off >= 0)
			p[bad_ip[i].off] = bad_ip[i].val;
		why = NULL;
		assert_int_equal(ip_parse(p, n, &ip, &why), -1);
		assert_non_null(why);
	}
}

static void
check_outer4(const uint8_t *o, size_t olen, size_t inlen, uint8_t ttl, uint8_t tos)
{
	assert_int_equal(olen, 36 + inlen);
	assert_int_equal(o[0], 0x45);
	assert_int_equal(o[1], tos);
	assert_int_equal(get_u16(o + 2), olen);
	assert_int_equal(o[8], ttl);		/* outer TTL = inner TTL */
	assert_int_equal(o[9], 17);
	assert_int_equal(fold(sum16(o, 20, 0)), 0xffff);	/* header checksum valid */
	assert_memory_equal(o + 12, "\xcb\x00\x71\x01", 4);
	assert_memory_equal(o + 16, "\xcb\x00\x71\x05", 4);
	assert_int_equal(get_u16(o + 22), 4341);
	assert_int_equal(get_u16(o + 24), inlen + 16);
	assert_int_equal(get_u16(o + 26), 0);	/* UDP checksum 0 */
}

static void
test_encap4(void **state)
{
	uint8_t buf[ENCAP_HEADROOM + 300], *in = buf + ENCAP_HEADROOM, *o;
	struct lisp_addr s, d;
	struct ip_info ip;
	const char *why;
	size_t n, olen;
	uint32_t h;

	assert_int_equal(addr_parse(&s, "203.0.113.1"), 0);
	assert_int_equal(addr_parse(&d, "203.0.113.5"), 0);
	n = mk4(in, 17, 1, 20);
	assert_int_equal(ip_parse(in, n, &ip, &why), 0);
	h = flow_hash(&ip);
	o = encap_build(in, n, ENCAP_HEADROOM, &ip, &s, &d, flow_sport(h), 0, 0, &olen);
	assert_ptr_equal(o, in - 36);
	check_outer4(o, olen, n, 17, 0xb8);
	assert_int_equal(get_u16(o + 20), flow_sport(h));
	assert_true(get_u16(o + 20) >= 49152);
	/* LISP header: all flags 0 without an instance-id */
	assert_memory_equal(o + 28, "\0\0\0\0\0\0\0\0", 8);
	/* with instance-id 100: I bit and the IID in the upper 24 bits */
	o = encap_build(in, n, ENCAP_HEADROOM, &ip, &s, &d, 50000, 1, 100, &olen);
	assert_int_equal(o[28], LD_I);
	assert_int_equal(get_u32(o + 32), 100u << 8);
	/* not enough headroom, mixed families */
	assert_null(encap_build(in, n, 20, &ip, &s, &d, 50000, 0, 0, &olen));
	assert_int_equal(addr_parse(&d, "2001:db8::5"), 0);
	assert_null(encap_build(in, n, ENCAP_HEADROOM, &ip, &s, &d, 50000, 0, 0, &olen));
}

static void
test_encap_cross_family(void **state)
{
	uint8_t buf[ENCAP_HEADROOM + 300], *in = buf + ENCAP_HEADROOM, *o;
	struct lisp_addr s4, d4, s6, d6;
	struct ip_info ip;
	struct decap dc;
	const char *why;
	size_t n, olen;

	addr_parse(&s4, "203.0.113.1");
	addr_parse(&d4, "203.0.113.5");
	addr_parse(&s6, "2001:db8:ff::1");
	addr_parse(&d6, "2001:db8:ff::5");
	/* 6-in-4 */
	n = mk6(in, 40, 12);
	assert_int_equal(ip_parse(in, n, &ip, &why), 0);
	o = encap_build(in, n, ENCAP_HEADROOM, &ip, &s4, &d4, 50001, 0, 0, &olen);
	assert_non_null(o);
	check_outer4(o, olen, n, 40, 0x2a);
	assert_int_equal(o[36] >> 4, 6);
	assert_int_equal(decap_parse(o + 28, olen - 28, 39, &dc, &why), 0);
	assert_int_equal(dc.ip.version, 6);
	assert_int_equal(dc.inner[7], 39);	/* hop limit lowered to the outer TTL */
	assert_int_equal(dc.len, n);
	/* 4-in-6 */
	n = mk4(in, 200, 0, 100);
	assert_int_equal(ip_parse(in, n, &ip, &why), 0);
	o = encap_build(in, n, ENCAP_HEADROOM, &ip, &s6, &d6, 50002, 0, 0, &olen);
	assert_ptr_equal(o, in - 56);
	assert_int_equal(olen, n + 56);
	assert_int_equal(o[0] >> 4, 6);
	assert_int_equal((get_u32(o) >> 20) & 0xff, 0xb8);	/* traffic class from TOS */
	assert_int_equal(get_u16(o + 4), n + 16);
	assert_int_equal(o[6], 17);
	assert_int_equal(o[7], 200);
	assert_memory_equal(o + 8, addr_bytes(&s6), 16);
	assert_memory_equal(o + 24, addr_bytes(&d6), 16);
	assert_int_equal(get_u16(o + 40), 50002);
	assert_int_equal(get_u16(o + 42), 4341);
	assert_int_equal(get_u16(o + 46), 0);
	assert_int_equal(decap_parse(o + 48, olen - 48, 255, &dc, &why), 0);
	assert_int_equal(dc.ip.ttl, 200);	/* min(200, 255) */
	assert_ptr_equal(dc.inner, in);
}

static void
test_decap_ttl(void **state)
{
	uint8_t p[300];
	struct decap d;
	const char *why;
	size_t n;

	memset(p, 0, 8);
	n = mk4(p + 8, 64, 0, 30);
	/* outer TTL lower: inner becomes it, header checksum still valid */
	assert_int_equal(decap_parse(p, n + 8, 5, &d, &why), 0);
	assert_int_equal(d.inner[8], 5);
	assert_int_equal(fold(sum16(d.inner, 20, 0)), 0xffff);
	assert_int_equal(d.len, n);
	assert_int_equal(d.has_iid, 0);
	/* outer TTL higher: inner unchanged */
	n = mk4(p + 8, 64, 0, 30);
	assert_int_equal(decap_parse(p, n + 8, 250, &d, &why), 0);
	assert_int_equal(d.inner[8], 64);
	/* instance-id */
	p[0] = LD_I;
	put_u32(p + 4, 0x123456u << 8);
	assert_int_equal(decap_parse(p, n + 8, 64, &d, &why), 0);
	assert_int_equal(d.has_iid, 1);
	assert_int_equal(d.iid, 0x123456);
	/* outer TTL 0 (impossible on the wire) makes the inner 0: dropped */
	p[0] = 0;
	assert_int_equal(decap_parse(p, n + 8, 0, &d, &why), -1);
}

static void
test_decap_bad(void **state)
{
	uint8_t p[300];
	struct decap d;
	const char *why;
	size_t n;

	memset(p, 0, sizeof(p));
	n = mk4(p + 8, 64, 0, 30);
	assert_int_equal(decap_parse(p, 7, 64, &d, &why), -1);
	assert_string_equal(why, "short LISP header");
	assert_int_equal(decap_parse(p, 8, 64, &d, &why), -1);
	p[0] = 0x01;		/* KK: encrypted */
	assert_int_equal(decap_parse(p, n + 8, 64, &d, &why), -1);
	assert_non_null(strstr(why, "encrypted"));
	p[0] = LD_P;
	assert_int_equal(decap_parse(p, n + 8, 64, &d, &why), -1);
	p[0] = 0;
	assert_int_equal(decap_parse(p, n + 8 - 5, 64, &d, &why), -1);	/* truncated inner */
	p[8] = 0x75;		/* not IP */
	assert_int_equal(decap_parse(p, n + 8, 64, &d, &why), -1);
	assert_non_null(strstr(why, "not IPv4 or IPv6"));
}

/* a FIB locator as the map-cache publishes it: usable only with R */
static void
setloc(struct fib_loc *l, const char *a, uint8_t prio, uint8_t w, uint16_t flags)
{
	struct lisp_addr la;

	memset(l, 0, sizeof(*l));
	assert_int_equal(addr_parse(&la, a), 0);
	l->fam = la.afi == AFI_IPV6 ? FIB_V6 : FIB_V4;
	memcpy(l->a, addr_bytes(&la), la.afi == AFI_IPV6 ? 16 : 4);
	l->priority = prio;
	l->weight = w;
	l->up = (flags & RLOC_R) != 0;
}

static uint32_t
rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void
test_rloc_select(void **state)
{
	struct fib_loc l[4];
	int count[4] = { 0 }, i;
	uint32_t seed = 1;

	/* R=0 and priority 255 are never used, even when they are better */
	setloc(&l[0], "203.0.113.9", 0, 100, 0);
	setloc(&l[1], "203.0.113.10", 1, 0, RLOC_R);
	l[1].priority = 255;
	setloc(&l[2], "203.0.113.11", 5, 10, RLOC_R);
	setloc(&l[3], "2001:db8::1", 2, 10, RLOC_R);
	for (i = 0; i < 1000; i++)
		assert_int_equal(rloc_select(l, 4, rnd(&seed), FAM_V4), 2);
	/* with IPv6 usable the better priority wins */
	assert_int_equal(rloc_select(l, 4, 7, FAM_V4 | FAM_V6), 3);
	/* nothing usable */
	assert_int_equal(rloc_select(l, 2, 7, FAM_V4 | FAM_V6), -1);
	l[2].up = 0;
	assert_int_equal(rloc_select(l, 3, 7, FAM_V4), -1);
	/* weights 75/25 at the same priority: the split follows them */
	setloc(&l[0], "203.0.113.1", 1, 75, RLOC_R);
	setloc(&l[1], "203.0.113.2", 1, 25, RLOC_R);
	setloc(&l[2], "203.0.113.3", 2, 100, RLOC_R);
	for (i = 0; i < 100000; i++)
		count[rloc_select(l, 3, rnd(&seed), FAM_V4)]++;
	assert_true(count[0] > 73000 && count[0] < 77000);
	assert_true(count[1] > 23000 && count[1] < 27000);
	assert_int_equal(count[2], 0);
	/* all weights 0: an even split */
	memset(count, 0, sizeof(count));
	l[0].weight = l[1].weight = 0;
	for (i = 0; i < 100000; i++)
		count[rloc_select(l, 3, rnd(&seed), FAM_V4)]++;
	assert_true(count[0] > 48000 && count[0] < 52000);
	/* a flow always takes the same locator */
	l[0].weight = 30;
	l[1].weight = 70;
	for (i = 0; i < 100; i++) {
		uint32_t h = rnd(&seed);

		assert_int_equal(rloc_select(l, 3, h, FAM_V4), rloc_select(l, 3, h, FAM_V4));
	}
}

static void
test_flow_hash(void **state)
{
	uint8_t p[200];
	struct ip_info a, b;
	const char *why;
	size_t n;

	n = mk4(p, 64, 0, 0);
	ip_parse(p, n, &a, &why);
	b = a;
	assert_int_equal(flow_hash(&a), flow_hash(&b));
	b.sport++;
	assert_int_not_equal(flow_hash(&a), flow_hash(&b));
	assert_int_equal(flow_sport(0xffffffff), 65535);
	assert_int_equal(flow_sport(0), 49152);
}

static void
test_icmp_too_big(void **state)
{
	uint8_t p[1600], out[1600];
	struct lisp_addr from4, from6;
	size_t n, m;
	uint32_t s;

	addr_parse(&from4, "203.0.113.1");
	addr_parse(&from6, "2001:db8:ff::1");
	n = mk4(p, 64, 1, 1400);
	m = icmp_too_big(out, sizeof(out), p, n, &from4, 1300);
	assert_int_equal(m, 28 + 548);
	assert_int_equal(out[9], 1);
	assert_memory_equal(out + 12, addr_bytes(&from4), 4);
	assert_memory_equal(out + 16, p + 12, 4);	/* back to the sender */
	assert_int_equal(fold(sum16(out, 20, 0)), 0xffff);
	assert_int_equal(out[20], 3);
	assert_int_equal(out[21], 4);
	assert_int_equal(get_u16(out + 26), 1300);
	assert_int_equal(fold(sum16(out + 20, m - 20, 0)), 0xffff);
	assert_memory_equal(out + 28, p, 28);		/* the offending header quoted */
	/* no DF: no ICMP (the packet may be fragmented) */
	n = mk4(p, 64, 0, 1400);
	assert_int_equal(icmp_too_big(out, sizeof(out), p, n, &from4, 1300), 0);
	/* IPv6 packet too big with a valid checksum */
	n = mk6(p, 64, 1400);
	m = icmp_too_big(out, sizeof(out), p, n, &from6, 1280);
	assert_int_equal(m, 48 + 1232);
	assert_int_equal(out[6], 58);
	assert_int_equal(out[40], 2);
	assert_int_equal(get_u32(out + 44), 1280);
	assert_memory_equal(out + 24, p + 8, 16);
	s = sum16(out + 8, 32, 0) + (uint32_t)(m - 40) + 58;
	assert_int_equal(fold(sum16(out + 40, m - 40, s)), 0xffff);
	/* family of from must match; no ICMP error about an ICMPv6 error */
	assert_int_equal(icmp_too_big(out, sizeof(out), p, n, &from4, 1280), 0);
	p[6] = 58;
	p[40] = 1;
	assert_int_equal(icmp_too_big(out, sizeof(out), p, n, &from6, 1280), 0);
	/* too small an output buffer */
	p[6] = 6;
	assert_int_equal(icmp_too_big(out, 100, p, n, &from6, 1280), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ip_parse),
		cmocka_unit_test(test_ip_parse_bad),
		cmocka_unit_test(test_encap4),
		cmocka_unit_test(test_encap_cross_family),
		cmocka_unit_test(test_decap_ttl),
		cmocka_unit_test(test_decap_bad),
		cmocka_unit_test(test_rloc_select),
		cmocka_unit_test(test_flow_hash),
		cmocka_unit_test(test_icmp_too_big),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
