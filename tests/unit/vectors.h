/* sample packets for tests: one valid message per type, assembled by hand
 * from raw octets (not with the codecs under test). add a builder and a
 * row in test_vectors[] for each new sample. */
#ifndef LOCID_TEST_VECTORS_H
#define LOCID_TEST_VECTORS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "buf.h"

struct test_vector {
	const char	*name;
	unsigned	 type;		/* LISP type of word 0 */
	size_t		(*build)(uint8_t *buf, size_t cap);	/* 0 if cap too small */
};

/* 10-octet IID LCAF around an IPv4 address */
static inline void
tv_iid_v4(struct wbuf *w, uint32_t iid, uint8_t a, uint8_t b, uint8_t c,
    uint8_t d)
{
	const uint8_t v4[4] = { a, b, c, d };

	wbuf_u16(w, 16387);
	wbuf_u8(w, 0);
	wbuf_u8(w, 0);
	wbuf_u8(w, 2);		/* Instance ID */
	wbuf_u8(w, 0);		/* IID mask-len */
	wbuf_u16(w, 4 + 2 + 4);
	wbuf_u32(w, iid);
	wbuf_u16(w, 1);
	wbuf_bytes(w, v4, 4);
}

static inline void
tv_v4(struct wbuf *w, uint8_t a, uint8_t b, uint8_t c, uint8_t d)
{
	const uint8_t v4[4] = { a, b, c, d };

	wbuf_u16(w, 1);
	wbuf_bytes(w, v4, 4);
}

/* 2001:db8:<x>::<y> */
static inline void
tv_v6(struct wbuf *w, uint16_t x, uint16_t y)
{
	uint8_t v6[16] = { 0x20, 0x01, 0x0d, 0xb8 };

	v6[4] = (uint8_t)(x >> 8);
	v6[5] = (uint8_t)x;
	v6[14] = (uint8_t)(y >> 8);
	v6[15] = (uint8_t)y;
	wbuf_u16(w, 2);
	wbuf_bytes(w, v6, 16);
}

static inline void
tv_rloc_hdr(struct wbuf *w, uint8_t prio, uint8_t weight, uint16_t flags)
{
	wbuf_u8(w, prio);
	wbuf_u8(w, weight);
	wbuf_u8(w, 255);
	wbuf_u8(w, 0);
	wbuf_u16(w, flags);
}

static inline size_t
tv_done(struct wbuf *w)
{
	return w->err ? 0 : w->len;
}

/* Map-Request: A M I s flags, source EID [5]198.18.1.1, ITR-RLOCs
 * 203.0.113.1 and 2001:db8::1, one record N=1 [5]198.18.2.1/32, the
 * Map-Reply record [5]198.18.1.0/24 -> 203.0.113.1, xTR-ID 01..10,
 * Site-ID 7 */
static inline size_t
tv_map_request(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t i;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x1u << 28 | 0x08000000u | 0x04000000u | 0x00400000u |
	    0x00100000u | 1u << 8 | 1);
	wbuf_u64(&w, 0x0123456789abcdefull);
	tv_iid_v4(&w, 5, 198, 18, 1, 1);
	tv_v4(&w, 203, 0, 113, 1);
	tv_v6(&w, 0, 1);
	wbuf_u8(&w, 0x80);
	wbuf_u8(&w, 32);
	tv_iid_v4(&w, 5, 198, 18, 2, 1);
	/* Map-Reply record */
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 24);
	wbuf_u16(&w, 0x1000);
	wbuf_u16(&w, 0);
	tv_iid_v4(&w, 5, 198, 18, 1, 0);
	tv_rloc_hdr(&w, 1, 100, 0x0005);
	tv_v4(&w, 203, 0, 113, 1);
	for (i = 1; i <= 16; i++)
		wbuf_u8(&w, i);
	wbuf_u64(&w, 7);
	return tv_done(&w);
}

/* Map-Reply: E flag, two records: 198.18.1.0/24 TTL 1440 A version 5 with
 * locators 203.0.113.1 (L R) and 2001:db8::1 (R); 2001:db8:1::/48 negative
 * natively-forward TTL 15 */
static inline size_t
tv_map_reply(uint8_t *buf, size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x2u << 28 | 0x04000000u | 2);
	wbuf_u64(&w, 0xfedcba9876543210ull);
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 2);
	wbuf_u8(&w, 24);
	wbuf_u16(&w, 0x1000);
	wbuf_u16(&w, 5);
	tv_v4(&w, 198, 18, 1, 0);
	tv_rloc_hdr(&w, 1, 50, 0x0005);
	tv_v4(&w, 203, 0, 113, 1);
	tv_rloc_hdr(&w, 2, 50, 0x0001);
	tv_v6(&w, 0, 1);
	wbuf_u32(&w, 15);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 48);
	wbuf_u16(&w, 1 << 13);
	wbuf_u16(&w, 0);
	tv_v6(&w, 1, 0);
	return tv_done(&w);
}

/* Map-Register: I M T flags, nonce 42, key 1 alg 2 with 32 octets of auth
 * data (0xa5), two records [7]198.18.1.0/24 and 2001:db8:2::/48 TTL 3 each
 * with locator 203.0.113.2, xTR-ID 0x11.., Site-ID 0x1234 */
static inline size_t
tv_map_register(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t *q;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x3u << 28 | 0x02000000u | 0x00000800u | 0x00000100u | 2);
	wbuf_u64(&w, 42);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 2);
	wbuf_u16(&w, 32);
	if ((q = wbuf_reserve(&w, 32)) != NULL)
		memset(q, 0xa5, 32);
	wbuf_u32(&w, 3);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 24);
	wbuf_u16(&w, 0x1000);
	wbuf_u16(&w, 0);
	tv_iid_v4(&w, 7, 198, 18, 1, 0);
	tv_rloc_hdr(&w, 1, 100, 0x0005);
	tv_v4(&w, 203, 0, 113, 2);
	wbuf_u32(&w, 3);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 48);
	wbuf_u16(&w, 0x1000);
	wbuf_u16(&w, 0);
	tv_v6(&w, 2, 0);
	tv_rloc_hdr(&w, 1, 100, 0x0005);
	tv_v4(&w, 203, 0, 113, 2);
	if ((q = wbuf_reserve(&w, 16)) != NULL)
		memset(q, 0x11, 16);
	wbuf_u64(&w, 0x1234);
	return tv_done(&w);
}

/* Map-Notify acking the register above: no flags, the 24 octets after the
 * records are the xTR-ID and Site-ID (RFC 9301 has no I bit here) */
static inline size_t
tv_map_notify(uint8_t *buf, size_t cap)
{
	size_t n = tv_map_register(buf, cap);

	if (n == 0)
		return 0;
	put_u32(buf, 0x4u << 28 | 2);
	memset(buf + 16, 0x5a, 32);
	return n;
}

/* Map-Notify-Ack of an unsolicited Map-Notify: alg 1, 20 octets of auth
 * data, one record 198.18.3.0/24, no IDs */
static inline size_t
tv_map_notify_ack(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t *q;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x5u << 28 | 1);
	wbuf_u64(&w, 0xaabbccdddfdfdf00ull);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 1);
	wbuf_u16(&w, 20);
	if ((q = wbuf_reserve(&w, 20)) != NULL)
		memset(q, 0x3c, 20);
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 24);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, 0);
	tv_v4(&w, 198, 18, 3, 0);
	tv_rloc_hdr(&w, 1, 100, 0x0001);
	tv_v6(&w, 0, 3);
	return tv_done(&w);
}

/* --- ECM, Map-Referral, Info and data-plane samples --- */

/* RFC 1071 sum over n octets added to sum (not complemented) */
static inline uint32_t
tv_sum(const uint8_t *p, size_t n, uint32_t sum)
{
	size_t i;

	for (i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (n & 1)
		sum += (uint32_t)p[n - 1] << 8;
	return sum;
}

static inline uint16_t
tv_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	sum = ~sum & 0xffff;
	return (uint16_t)(sum == 0 ? 0xffff : sum);
}

/* IPv4 header (20 octets, TTL 64, proto 17 unless given) at ip, payload
 * already in place after it; fills total length and header checksum */
static inline void
tv_ip4_hdr(uint8_t *ip, uint8_t proto, const uint8_t *src, const uint8_t *dst,
    size_t payload)
{
	memset(ip, 0, 20);
	ip[0] = 0x45;
	put_u16(ip + 2, (uint16_t)(20 + payload));
	ip[8] = 64;
	ip[9] = proto;
	memcpy(ip + 12, src, 4);
	memcpy(ip + 16, dst, 4);
	put_u16(ip + 10, tv_fold(tv_sum(ip, 20, 0)));
}

static inline void
tv_ip6_hdr(uint8_t *ip, uint8_t nxt, const uint8_t *src, const uint8_t *dst,
    size_t payload)
{
	memset(ip, 0, 40);
	ip[0] = 0x60;
	put_u16(ip + 4, (uint16_t)payload);
	ip[6] = nxt;
	ip[7] = 64;
	memcpy(ip + 8, src, 16);
	memcpy(ip + 24, dst, 16);
}

/* UDP header at udp with len - 8 octets of payload after it; the checksum
 * uses the pseudo-header of the IP header at ip (version from ip[0]) */
static inline void
tv_udp_hdr(uint8_t *udp, const uint8_t *ip, uint16_t sport, uint16_t dport,
    size_t len)
{
	uint32_t sum;

	put_u16(udp, sport);
	put_u16(udp + 2, dport);
	put_u16(udp + 4, (uint16_t)len);
	put_u16(udp + 6, 0);
	if ((ip[0] >> 4) == 4)
		sum = tv_sum(ip + 12, 8, 17 + (uint32_t)len);
	else
		sum = tv_sum(ip + 8, 32, 17 + (uint32_t)len);
	put_u16(udp + 6, tv_fold(tv_sum(udp, len, sum)));
}

/* ECM from an ITR to a Map-Resolver: no flags, inner IPv4 198.18.1.1 ->
 * 198.18.2.1, UDP 61000 -> 4342, the Map-Request above inside */
static inline size_t
tv_ecm(uint8_t *buf, size_t cap)
{
	static const uint8_t s[4] = { 198, 18, 1, 1 }, d[4] = { 198, 18, 2, 1 };
	size_t n;

	if (cap < 32 || (n = tv_map_request(buf + 32, cap - 32)) == 0)
		return 0;
	put_u32(buf, 0x8u << 28);
	tv_ip4_hdr(buf + 4, 17, s, d, 8 + n);
	tv_udp_hdr(buf + 24, buf + 4, 61000, 4342, 8 + n);
	return 32 + n;
}

/* ECM with S D set and LISP-SEC authentication data as an ITR sends it
 * (AD type 1, requested HMAC 2, OTK-AD length 24 key 1 wrap 2, EID-AD
 * length 4 KDF 2), inner IPv6 2001:db8::1 -> 2001:db8:2::1, UDP 4342 ->
 * 4342, the Map-Request above inside */
static inline size_t
tv_ecm_sec_v6(uint8_t *buf, size_t cap)
{
	static const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1 };
	const size_t ad = 4 + 28 + 4, hl = 4 + ad + 40 + 8;
	struct wbuf w;
	uint8_t i;
	size_t n;

	if (cap < hl || (n = tv_map_request(buf + hl, cap - hl)) == 0)
		return 0;
	wbuf_init(&w, buf, 4 + ad);
	wbuf_u32(&w, 0x8u << 28 | 0x08000000u | 0x04000000u);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 0);
	wbuf_u16(&w, 2);
	wbuf_u16(&w, 24);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 2);
	wbuf_u64(&w, 0x0102030405060708ull);
	for (i = 0; i < 16; i++)
		wbuf_u8(&w, (uint8_t)(0xf0 | i));
	wbuf_u16(&w, 4);
	wbuf_u16(&w, 2);
	if (w.err)
		return 0;
	tv_ip6_hdr(buf + 4 + ad, 17, s, d, 8 + n);
	tv_udp_hdr(buf + 4 + ad + 40, buf + 4 + ad, 4342, 4342, 8 + n);
	return hl + n;
}

/* Map-Referral, nonce 0x0123456789abcdef: [5]198.18.0.0/16 MS-REFERRAL
 * TTL 1440 A to 203.0.113.10 and 2001:db8::a; 198.51.100.0/24
 * NOT-AUTHORITATIVE I TTL 0, no referrals */
static inline size_t
tv_map_referral(uint8_t *buf, size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x6u << 28 | 2);
	wbuf_u64(&w, 0x0123456789abcdefull);
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 2);
	wbuf_u8(&w, 16);
	wbuf_u16(&w, 1 << 13 | 0x1000);
	wbuf_u16(&w, 0);
	tv_iid_v4(&w, 5, 198, 18, 0, 0);
	tv_rloc_hdr(&w, 1, 50, 0x0001);
	tv_v4(&w, 203, 0, 113, 10);
	tv_rloc_hdr(&w, 1, 50, 0x0001);
	tv_v6(&w, 0, 0xa);
	wbuf_u32(&w, 0);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 24);
	wbuf_u16(&w, 5 << 13 | 0x0800);
	wbuf_u16(&w, 0);
	tv_v4(&w, 198, 51, 100, 0);
	return tv_done(&w);
}

/* Map-Referral with a signed record: 198.18.0.0/15 NODE-REFERRAL TTL 1440
 * to 203.0.113.11, SigCnt 1 (RSA-SHA256, 16-octet signature) */
static inline size_t
tv_map_referral_sig(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t *q;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x6u << 28 | 1);
	wbuf_u64(&w, 0x1122334455667788ull);
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 1);
	wbuf_u8(&w, 15);
	wbuf_u16(&w, 0 << 13 | 0x1000);
	wbuf_u16(&w, 1 << 12);
	tv_v4(&w, 198, 18, 0, 0);
	tv_rloc_hdr(&w, 1, 100, 0x0001);
	tv_v4(&w, 203, 0, 113, 11);
	wbuf_u32(&w, 1440);
	wbuf_u32(&w, 1900000000u);
	wbuf_u32(&w, 1800000000u);
	wbuf_u16(&w, 0x4242);
	wbuf_u16(&w, 16);
	wbuf_u8(&w, 2);
	wbuf_u8(&w, 0);
	wbuf_u16(&w, 0);
	if ((q = wbuf_reserve(&w, 16)) != NULL)
		memset(q, 0x5e, 16);
	return tv_done(&w);
}

/* Info-Request (draft form): nonce 0x5555, key id 1, 20 octets of auth
 * data (0x77), TTL 0, EID 198.18.1.0/24, AFI 0 */
static inline size_t
tv_info_request(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t *q;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x7u << 28);
	wbuf_u64(&w, 0x5555);
	wbuf_u16(&w, 1);
	wbuf_u16(&w, 20);
	if ((q = wbuf_reserve(&w, 20)) != NULL)
		memset(q, 0x77, 20);
	wbuf_u32(&w, 0);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 24);
	tv_v4(&w, 198, 18, 1, 0);
	wbuf_u16(&w, 0);
	return tv_done(&w);
}

/* Info-Request as lispers.net sends it: no auth, EID AFI 0, then its
 * hostname as AFI 17 */
static inline size_t
tv_info_request_dn(uint8_t *buf, size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x7u << 28);
	wbuf_u64(&w, 0xa1b2c3d4e5f60708ull);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, 0);
	wbuf_u32(&w, 0);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 0);
	wbuf_u16(&w, 0);
	wbuf_u16(&w, 17);
	wbuf_bytes(&w, "xtr-1", 6);
	return tv_done(&w);
}

/* Info-Reply to the request above: R, TTL 1440, NAT-Traversal LCAF with
 * MS port 4342, ETR port 40000, global ETR 203.0.113.5, MS 203.0.113.1,
 * private ETR AFI 0, one RTR 203.0.113.9 */
static inline size_t
tv_info_reply(uint8_t *buf, size_t cap)
{
	struct wbuf w;
	uint8_t *q;

	wbuf_init(&w, buf, cap);
	wbuf_u32(&w, 0x7u << 28 | 0x08000000u);
	wbuf_u64(&w, 0x5555);
	wbuf_u16(&w, 1);
	wbuf_u16(&w, 20);
	if ((q = wbuf_reserve(&w, 20)) != NULL)
		memset(q, 0x88, 20);
	wbuf_u32(&w, 1440);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 24);
	tv_v4(&w, 198, 18, 1, 0);
	wbuf_u16(&w, 16387);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 0);
	wbuf_u8(&w, 7);
	wbuf_u8(&w, 0);
	wbuf_u16(&w, 4 + 6 + 6 + 2 + 6);
	wbuf_u16(&w, 4342);
	wbuf_u16(&w, 40000);
	tv_v4(&w, 203, 0, 113, 5);
	tv_v4(&w, 203, 0, 113, 1);
	wbuf_u16(&w, 0);
	tv_v4(&w, 203, 0, 113, 9);
	return tv_done(&w);
}

/* data packets (UDP 4341 payloads): LISP header then the inner packet */

/* N L I: nonce 0x00abcd, IID 5, LSBs 0x01; inner IPv4 UDP 198.18.1.1:33434
 * -> 198.18.2.1:7 (echo) with 4 octets */
static inline size_t
tv_data_v4(uint8_t *buf, size_t cap)
{
	static const uint8_t s[4] = { 198, 18, 1, 1 }, d[4] = { 198, 18, 2, 1 };

	if (cap < 8 + 20 + 8 + 4)
		return 0;
	put_u32(buf, 0xc8u << 24 | 0x00abcd);
	put_u32(buf + 4, 5u << 8 | 0x01);
	memcpy(buf + 36, "ping", 4);
	tv_ip4_hdr(buf + 8, 17, s, d, 12);
	tv_udp_hdr(buf + 28, buf + 8, 33434, 7, 12);
	return 8 + 20 + 8 + 4;
}

/* V: source map-version 0x123, dest 0x456, 32 LSBs 0x3; inner IPv6 UDP
 * [2001:db8::1]:33434 -> [2001:db8:2::1]:7 (echo) with 4 octets */
static inline size_t
tv_data_v6(uint8_t *buf, size_t cap)
{
	static const uint8_t s[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	static const uint8_t d[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, [15] = 1 };

	if (cap < 8 + 40 + 8 + 4)
		return 0;
	put_u32(buf, 0x50u << 24 | 0x123u << 12 | 0x456);
	put_u32(buf + 4, 3);
	memcpy(buf + 56, "pong", 4);
	tv_ip6_hdr(buf + 8, 17, s, d, 12);
	tv_udp_hdr(buf + 48, buf + 8, 33434, 7, 12);
	return 8 + 40 + 8 + 4;
}

static const struct test_vector test_vectors[] = {
	{ "map-request",	1, tv_map_request },
	{ "map-reply",		2, tv_map_reply },
	{ "map-register",	3, tv_map_register },
	{ "map-notify",		4, tv_map_notify },
	{ "map-notify-ack",	5, tv_map_notify_ack },
	{ "ecm",		8, tv_ecm },
	{ "ecm-sec-v6",		8, tv_ecm_sec_v6 },
	{ "map-referral",	6, tv_map_referral },
	{ "map-referral-sig",	6, tv_map_referral_sig },
	{ "info-request",	7, tv_info_request },
	{ "info-request-dn",	7, tv_info_request_dn },
	{ "info-reply",		7, tv_info_reply },
};

static inline const struct test_vector *
test_vector_find(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(test_vectors) / sizeof(test_vectors[0]); i++)
		if (strcmp(test_vectors[i].name, name) == 0)
			return &test_vectors[i];
	return NULL;
}

/* seeded PRNG and one random mutation (flip a bit, set an octet, insert or
 * delete an octet) of buf[0..len) with room for cap; returns the new length */
static inline uint64_t
tv_rand(uint64_t *s)
{
	uint64_t x = *s;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *s = x;
}

static inline size_t
tv_mutate(uint8_t *buf, size_t len, size_t cap, uint64_t *s)
{
	uint64_t r = tv_rand(s);
	size_t at;

	if (len == 0)
		return 0;
	at = (size_t)(r >> 8) % len;
	switch (r & 3) {
	case 0:
		buf[at] ^= (uint8_t)(1u << ((r >> 4) & 7));
		break;
	case 1:
		buf[at] = (uint8_t)(r >> 40);
		break;
	case 2:
		if (len < cap) {
			memmove(buf + at + 1, buf + at, len - at);
			buf[at] = (uint8_t)(r >> 40);
			len++;
		}
		break;
	default:
		memmove(buf + at, buf + at + 1, len - at - 1);
		len--;
		break;
	}
	return len;
}

/* data-plane samples: UDP 4341 payloads (LISP header + inner packet);
 * type is 0 */
static const struct test_vector test_data_vectors[] = {
	{ "data-v4",		0, tv_data_v4 },
	{ "data-v6",		0, tv_data_v6 },
};

#endif
