/* addresses: wire vectors, truncation, errors, text forms, prefixes, order */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "lcaf.h"
#include "testlib.h"

struct vec {
	const char	*name;
	const char	*hex;
	uint16_t	 afi;
	int		 has_iid;
	uint32_t	 iid;
	uint8_t		 lcaf_type;	/* afi == AFI_LCAF */
	int		 known;
	const char	*text;
};

static const struct vec vecs[] = {
	{ "none", "0000", AFI_NONE, 0, 0, 0, 0, "none" },
	{ "ipv4", "0001 c6120101", AFI_IPV4, 0, 0, 0, 0, "198.18.1.1" },
	{ "ipv6", "0002 20010db8000000000000000000000001", AFI_IPV6, 0, 0, 0,
	    0, "2001:db8::1" },
	{ "mac", "4005 aabbccddeeff", AFI_MAC, 0, 0, 0, 0,
	    "aa:bb:cc:dd:ee:ff" },
	{ "mac-ieee", "0006 0200000000a1", AFI_MAC_IEEE, 0, 0, 0, 0,
	    "02:00:00:00:00:a1" },
	{ "dn", "0011 72747231 00", AFI_DN, 0, 0, 0, 0, "'rtr1'" },
	{ "dn-empty", "0011 00", AFI_DN, 0, 0, 0, 0, "''" },
	/* the digest's example: IID 5 + 10.2.2.2 */
	{ "iid-v4", "4003 00 00 02 00 000a 00000005 0001 0a020202", AFI_IPV4,
	    1, 5, 0, 0, "[5]10.2.2.2" },
	/* OOR style: IID mask-len 32 with an address, flags kept */
	{ "iid-v4-oor", "4003 00 80 02 20 000a 00000007 0001 c6336401",
	    AFI_IPV4, 1, 7, 0, 0, "[7]198.51.100.1" },
	{ "iid-v6", "4003 00 00 02 00 0016 00ffffff 0002 "
	    "20010db8000100000000000000000000", AFI_IPV6, 1, 0xffffff, 0, 0,
	    "[16777215]2001:db8:1::" },
	{ "iid-mac", "4003 00 00 02 00 000c 00000064 4005 020000000001",
	    AFI_MAC, 1, 100, 0, 0, "[100]02:00:00:00:00:01" },
	{ "iid-range", "4003 00 00 02 18 0006 00000500 0000", AFI_NONE, 1,
	    0x500, 0, 0, "[1280/24]" },
	{ "iid-elp", "4003 00 00 02 00 0014 00000009 "
	    "4003 00 00 0a 00 0008 0007 0001 cb007101", AFI_LCAF, 1, 9,
	    LCAF_ELP, 1, "[9]lcaf-elp(203.0.113.1/LPS)" },
	{ "null-lcaf", "4003 00 00 00 00 0000", AFI_LCAF, 0, 0, LCAF_NULL, 1,
	    "lcaf-null()" },
	{ "unknown-200", "4003 00 05 c8 07 0003 aabbcc", AFI_LCAF, 0, 0, 200,
	    0, "lcaf-type-200(3 octets)" },
	{ "appdata-4", "4003 00 00 04 00 000e 000000 11 0035 0035 0000 ffff 0000",
	    AFI_LCAF, 0, 0, LCAF_APPDATA, 1,
	    "lcaf-appdata(proto 17,tos 0x000000,lport 53-53,rport 0-65535,none)" },
	{ "opaque-6", "4003 00 00 06 00 0000", AFI_LCAF, 0, 0,
	    LCAF_OPAQUE_KEY, 0, "lcaf-opaque-key(0 octets)" },
	{ "nonce-8", "4003 00 00 08 00 0001 ff", AFI_LCAF, 0, 0,
	    LCAF_NONCE_LOC, 0, "lcaf-nonce-loc(1 octets)" },
	{ "encap-16", "4003 00 00 10 00 0004 00000001", AFI_LCAF, 0, 0,
	    LCAF_ENCAP, 0, "lcaf-encap(4 octets)" },
	{ "vendor-255", "4003 00 00 ff 00 0004 00001122", AFI_LCAF, 0, 0,
	    LCAF_VENDOR, 0, "lcaf-vendor(4 octets)" },
	/* an unknown type inside an IID is carried opaquely too */
	{ "iid-unknown", "4003 00 00 02 00 000d 00000001 4003 00 00 c9 00 0001 "
	    "ee", AFI_LCAF, 1, 1, 201, 0, "[1]lcaf-type-201(1 octets)" },
};

static void
test_vectors(void **state)
{
	uint8_t in[128], tail[130], out[128];
	char text[ADDR_STRLEN];
	struct lisp_addr a;
	struct rbuf b;
	struct wbuf w;
	const char *why;
	size_t n, i;

	for (i = 0; i < NELEM(vecs); i++) {
		const struct vec *v = &vecs[i];

		n = tl_unhex(v->hex, in, sizeof(in));
		/* decode with a trailing pair of octets that must stay */
		memcpy(tail, in, n);
		tail[n] = 0xde;
		tail[n + 1] = 0xad;
		rbuf_init(&b, tail, n + 2);
		why = NULL;
		if (addr_decode(&b, &a, 0, &why) == -1)
			fail_msg("%s: %s", v->name, why);
		assert_int_equal(b.len, 2);
		assert_ptr_equal(b.p, tail + n);
		assert_int_equal(a.afi, v->afi);
		assert_int_equal(a.has_iid, v->has_iid);
		assert_int_equal(a.iid, v->iid);
		if (v->afi == AFI_LCAF) {
			assert_int_equal(a.lcaf_type, v->lcaf_type);
			assert_int_equal(a.known, v->known);
		}
		assert_string_equal(addr_fmt(&a, text, sizeof(text)), v->text);

		assert_int_equal(addr_wire_len(&a), n);
		wbuf_init(&w, out, sizeof(out));
		addr_encode(&w, &a);
		assert_false(w.err);
		assert_int_equal(w.len, n);
		assert_memory_equal(out, in, n);

		/* one octet short of room: sticky error */
		wbuf_init(&w, out, n - 1);
		addr_encode(&w, &a);
		assert_true(w.err);
	}
}

/* every truncation of every vector fails and leaves the cursor alone */
static void
test_truncations(void **state)
{
	struct tl_codec c = tl_addr_codec;
	uint8_t in[128];
	struct lisp_addr a;
	size_t n, i;

	for (i = 0; i < NELEM(vecs); i++) {
		n = tl_unhex(vecs[i].hex, in, sizeof(in));
		c.name = vecs[i].name;
		assert_int_equal(tl_truncations(&c, &a, in, n, NULL), 0);
	}
}

struct bad {
	const char	*name;
	const char	*hex;
	const char	*why;
};

static const struct bad bads[] = {
	{ "afi-3", "0003 01020304", "unknown AFI" },
	{ "afi-18", "0012 0000fde8", "unknown AFI" },
	{ "iid-in-iid", "4003 00 00 02 00 0016 00000001 "
	    "4003 00 00 02 00 000a 00000002 0001 01020304",
	    "instance-id inside instance-id" },
	{ "iid-len-long", "4003 00 00 02 00 000c 00000005 0001 0a020202 0000",
	    "instance-id LCAF length mismatch" },
	{ "iid-len-short", "4003 00 00 02 00 0008 00000005 0001 0a020202",
	    "short IPv4 address" },
	{ "iid-len-3", "4003 00 00 02 00 0003 000000", "short instance-id LCAF" },
	{ "lcaf-len-over", "4003 00 00 c8 00 0004 010203",
	    "LCAF length exceeds data" },
	{ "lcaf-hdr", "4003 00 00 c8 00", "short LCAF header" },
	{ "dn-unterminated", "0011 616263", "unterminated distinguished name" },
	{ "null-with-body", "4003 00 00 00 00 0001 00",
	    "null-body LCAF with a body" },
	{ "short-afi", "00", "short AFI" },
};

static void
test_errors(void **state)
{
	struct tl_codec c = tl_addr_codec;
	uint8_t in[128];
	struct lisp_addr a;
	struct rbuf b;
	const char *why;
	size_t n, i;

	for (i = 0; i < NELEM(bads); i++) {
		n = tl_unhex(bads[i].hex, in, sizeof(in));
		c.name = bads[i].name;
		tl_expect_fail(&c, &a, in, n, bads[i].why);
	}

	/* the unknown AFI number is left in ->afi for the log line */
	n = tl_unhex("0003 01020304", in, sizeof(in));
	rbuf_init(&b, in, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_int_equal(a.afi, 3);
	/* also when the unknown AFI sits inside an IID */
	n = tl_unhex("4003 00 00 02 00 000a 00000005 0063 01020304", in,
	    sizeof(in));
	rbuf_init(&b, in, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "unknown AFI");
	assert_int_equal(a.afi, 99);
}

static void
test_dn_limits(void **state)
{
	uint8_t in[2 + 300];
	struct lisp_addr a;
	struct rbuf b;
	const char *why = NULL;

	/* 254 characters + NUL = DN_MAX octets: accepted */
	in[0] = 0;
	in[1] = AFI_DN;
	memset(in + 2, 'x', sizeof(in) - 2);
	in[2 + DN_MAX - 1] = '\0';
	rbuf_init(&b, in, sizeof(in));
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	assert_int_equal(a.body_len, DN_MAX);
	assert_int_equal(a.body[DN_MAX - 1], '\0');
	assert_int_equal(b.len, sizeof(in) - 2 - DN_MAX);

	/* one longer: refused */
	in[2 + DN_MAX - 1] = 'x';
	in[2 + DN_MAX] = '\0';
	rbuf_init(&b, in, sizeof(in));
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "distinguished name too long");
}

/* Rsvd1 is ignored on receipt and written as zero */
static void
test_rsvd1(void **state)
{
	uint8_t in[64], out[64];
	struct lisp_addr a;
	struct rbuf b;
	struct wbuf w;
	const char *why;
	size_t n;

	n = tl_unhex("4003 7f 00 02 00 000a 00000005 0001 0a020202", in,
	    sizeof(in));
	rbuf_init(&b, in, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_int_equal(out[2], 0);
	in[2] = 0;
	assert_memory_equal(out, in, n);
}

static void
test_constructors(void **state)
{
	static const uint8_t v4[4] = { 198, 18, 1, 1 };
	static const uint8_t mac[6] = { 2, 0, 0, 0, 0, 1 };
	uint8_t want[64], out[64];
	struct lisp_addr a;
	struct wbuf w;
	size_t n;

	addr_set_v4(&a, v4);
	addr_set_iid(&a, 5);
	assert_int_equal(a.iid_mlen, 0);
	n = tl_unhex("4003 00 00 02 00 000a 00000005 0001 c6120101", want,
	    sizeof(want));
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, want, n);

	/* a bare instance: AFI 0 with IID mask-len 32 */
	addr_set_none(&a);
	addr_set_iid(&a, 5);
	n = tl_unhex("4003 00 00 02 20 0006 00000005 0000", want, sizeof(want));
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, want, n);

	addr_set_mac(&a, mac);
	assert_int_equal(a.afi, AFI_MAC);
	assert_int_equal(addr_bits(&a), 48);
	assert_memory_equal(addr_bytes(&a), mac, 6);

	/* a DN built over caller memory without the NUL gets one */
	addr_set_none(&a);
	a.afi = AFI_DN;
	a.body = (const uint8_t *)"ms1";
	a.body_len = 3;
	assert_int_equal(addr_wire_len(&a), 6);
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	n = tl_unhex("0011 6d7331 00", want, sizeof(want));
	assert_int_equal(w.len, n);
	assert_memory_equal(out, want, n);

	/* an address of an unknown AFI cannot be encoded */
	addr_set_none(&a);
	a.afi = 3;
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_true(w.err);
}

struct ptext {
	const char	*in;
	int		 ok;
	const char	*out;
};

/* r from a parser is 0 where the table says ok, else -1; returns ok */
static int
parsed(int r, int ok, const char *in)
{
	if (ok && r != 0)
		fail_msg("'%s' not parsed", in);
	if (!ok && r != -1)
		fail_msg("'%s' parsed", in);
	return ok;
}

static void
test_parse_fmt(void **state)
{
	static const struct ptext t[] = {
		{ "198.18.1.1", 1, "198.18.1.1" },
		{ "2001:db8::1", 1, "2001:db8::1" },
		{ "2001:DB8:0:0::1", 1, "2001:db8::1" },
		{ "aa:bb:cc:dd:ee:ff", 1, "aa:bb:cc:dd:ee:ff" },
		{ "AA-BB-CC-DD-EE-0F", 1, "aa:bb:cc:dd:ee:0f" },
		{ "[5]198.18.1.0", 1, "[5]198.18.1.0" },
		{ "[4294967295]2001:db8::", 1, "[4294967295]2001:db8::" },
		{ "[0]02:00:00:00:00:01", 1, "[0]02:00:00:00:00:01" },
		{ "[4294967296]198.18.1.0", 0, NULL },
		{ "[5198.18.1.0", 0, NULL },
		{ "[]198.18.1.0", 0, NULL },
		{ "[-1]198.18.1.0", 0, NULL },
		{ "[x]198.18.1.0", 0, NULL },
		{ "198.18.1", 0, NULL },
		{ "198.18.1.256", 0, NULL },
		{ "aa:bb:cc:dd:ee", 0, NULL },
		{ "aa:bb:cc:dd:ee:ff:00", 0, NULL },
		{ "aa:bb:cc:dd:ee:fg", 0, NULL },
		{ "", 0, NULL },
		{ "[5]", 0, NULL },
	};
	char text[ADDR_STRLEN];
	struct lisp_addr a;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		if (!parsed(addr_parse(&a, t[i].in), t[i].ok, t[i].in))
			continue;
		assert_string_equal(addr_fmt(&a, text, sizeof(text)),
		    t[i].out);
	}
	assert_int_equal(addr_parse(&a, "[5]198.18.1.0"), 0);
	assert_int_equal(a.has_iid, 1);
	assert_int_equal(a.iid, 5);
	assert_int_equal(a.afi, AFI_IPV4);

	/* truncated output stays terminated */
	assert_int_equal(addr_parse(&a, "2001:db8::1"), 0);
	assert_string_equal(addr_fmt(&a, text, 5), "2001");
}

struct pfx {
	const char	*in;
	int		 ok;
	int		 mlen;
	const char	*out;
};

static void
test_prefix(void **state)
{
	static const struct pfx t[] = {
		{ "198.18.1.77/24", 1, 24, "198.18.1.0/24" },
		{ "198.18.255.255/15", 1, 15, "198.18.0.0/15" },
		{ "198.18.1.1", 1, 32, "198.18.1.1/32" },
		{ "0.0.0.0/0", 1, 0, "0.0.0.0/0" },
		{ "203.0.113.9/0", 1, 0, "0.0.0.0/0" },
		{ "[5]2001:db8::1/48", 1, 48, "[5]2001:db8::/48" },
		{ "2001:db8:ffff::/33", 1, 33, "2001:db8:8000::/33" },
		{ "2001:db8::1/128", 1, 128, "2001:db8::1/128" },
		{ "aa:bb:cc:dd:ee:ff/24", 1, 24, "aa:bb:cc:00:00:00/24" },
		{ "[7]02:00:00:00:00:01/48", 1, 48, "[7]02:00:00:00:00:01/48" },
		{ "198.18.1.0/33", 0, 0, NULL },
		{ "2001:db8::/129", 0, 0, NULL },
		{ "aa:bb:cc:dd:ee:ff/49", 0, 0, NULL },
		{ "198.18.1.0/", 0, 0, NULL },
		{ "198.18.1.0/-1", 0, 0, NULL },
		{ "198.18.1.0/24x", 0, 0, NULL },
		{ "198.18.1.0/ 24", 0, 0, NULL },
		{ "[5]/8", 0, 0, NULL },
		{ "/24", 0, 0, NULL },
	};
	char text[ADDR_STRLEN];
	struct lisp_addr a;
	int mlen;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		if (!parsed(prefix_parse(t[i].in, &a, &mlen), t[i].ok, t[i].in))
			continue;
		assert_int_equal(mlen, t[i].mlen);
		assert_string_equal(prefix_fmt(&a, mlen, text, sizeof(text)),
		    t[i].out);
	}
}

struct cov {
	const char	*a;
	int		 alen;
	const char	*b;
	int		 covers;
};

static void
test_covers(void **state)
{
	static const struct cov t[] = {
		{ "198.18.0.0", 15, "198.19.255.255", 1 },
		{ "198.18.0.0", 15, "198.20.0.1", 0 },
		{ "198.18.1.0", 24, "198.18.1.200", 1 },
		{ "198.18.1.0", 25, "198.18.1.200", 0 },
		{ "198.18.1.128", 25, "198.18.1.200", 1 },
		{ "198.18.1.1", 32, "198.18.1.1", 1 },
		{ "198.18.1.1", 32, "198.18.1.2", 0 },
		{ "0.0.0.0", 0, "203.0.113.1", 1 },
		{ "0.0.0.0", 0, "2001:db8::1", 0 },
		{ "2001:db8::", 32, "2001:db8:ffff::1", 1 },
		{ "2001:db8::", 33, "2001:db8:ffff::1", 0 },
		{ "2001:db8::", 32, "198.18.1.1", 0 },
		{ "[5]198.18.1.0", 24, "[5]198.18.1.9", 1 },
		{ "[5]198.18.1.0", 24, "[6]198.18.1.9", 0 },
		{ "[5]198.18.1.0", 24, "198.18.1.9", 0 },
		{ "198.18.1.0", 24, "[5]198.18.1.9", 0 },
		{ "aa:bb:cc:00:00:00", 24, "aa:bb:cc:dd:ee:ff", 1 },
		{ "aa:bb:cc:00:00:00", 25, "aa:bb:cc:dd:ee:ff", 0 },
		{ "198.18.1.0", 33, "198.18.1.0", 0 },
		{ "198.18.1.0", -1, "198.18.1.0", 0 },
	};
	struct lisp_addr a, b;
	size_t i;

	for (i = 0; i < NELEM(t); i++) {
		assert_int_equal(addr_parse(&a, t[i].a), 0);
		assert_int_equal(addr_parse(&b, t[i].b), 0);
		if (addr_prefix_covers(&a, t[i].alen, &b) != t[i].covers)
			fail_msg("%s/%d covers %s: expected %d", t[i].a,
			    t[i].alen, t[i].b, t[i].covers);
	}

	/* MAC carried as AFI 6 and as AFI 16389 is one family */
	assert_int_equal(addr_parse(&a, "aa:bb:cc:00:00:00"), 0);
	assert_int_equal(addr_parse(&b, "aa:bb:cc:dd:ee:ff"), 0);
	b.afi = AFI_MAC_IEEE;
	assert_int_equal(addr_prefix_covers(&a, 24, &b), 1);
}

static int
qcmp(const void *x, const void *y)
{
	return addr_cmp(x, y);
}

static void
test_cmp(void **state)
{
	/* already in the expected order */
	static const char *order[] = {
		"198.18.1.1", "198.18.1.2", "203.0.113.1",
		"[1]198.18.1.9", "[5]198.18.1.0", "[5]198.18.1.1",
		"[300]10.0.0.0",
		"2001:db8::1", "2001:db8::2", "[5]2001:db8::",
		"02:00:00:00:00:01", "aa:bb:cc:dd:ee:ff",
	};
	struct lisp_addr a[NELEM(order) + 2], x, y;
	char text[ADDR_STRLEN];
	uint8_t dn[] = { 0x00, 0x11, 'a', 0 };
	uint8_t lc[] = { 0x40, 0x03, 0, 0, 0xc8, 0, 0, 1, 0xff };
	struct rbuf b;
	const char *why;
	size_t i, n = NELEM(order);

	for (i = 0; i < n; i++)
		assert_int_equal(addr_parse(&a[i], order[i]), 0);
	rbuf_init(&b, dn, sizeof(dn));
	assert_int_equal(addr_decode(&b, &a[n], 0, &why), 0);
	rbuf_init(&b, lc, sizeof(lc));
	assert_int_equal(addr_decode(&b, &a[n + 1], 0, &why), 0);
	n += 2;

	/* reverse, then sort back */
	for (i = 0; i < n / 2; i++) {
		x = a[i];
		a[i] = a[n - 1 - i];
		a[n - 1 - i] = x;
	}
	qsort(a, n, sizeof(a[0]), qcmp);
	for (i = 0; i < NELEM(order); i++)
		assert_string_equal(addr_fmt(&a[i], text, sizeof(text)),
		    order[i]);
	assert_int_equal(a[NELEM(order)].afi, AFI_DN);
	assert_int_equal(a[NELEM(order) + 1].afi, AFI_LCAF);

	for (i = 0; i + 1 < n; i++) {
		assert_true(addr_cmp(&a[i], &a[i + 1]) < 0);
		assert_true(addr_cmp(&a[i + 1], &a[i]) > 0);
		assert_false(addr_equal(&a[i], &a[i + 1]));
		assert_true(addr_equal(&a[i], &a[i]));
	}

	assert_int_equal(addr_parse(&x, "[5]198.18.1.0"), 0);
	assert_int_equal(addr_parse(&y, "[5]198.18.1.0"), 0);
	assert_true(addr_equal(&x, &y));
	y.iid = 6;
	assert_false(addr_equal(&x, &y));
}

static void
test_names(void **state)
{
	assert_string_equal(afi_name(AFI_IPV4), "ipv4");
	assert_string_equal(afi_name(AFI_IPV6), "ipv6");
	assert_string_equal(afi_name(AFI_MAC), "mac");
	assert_string_equal(afi_name(AFI_MAC_IEEE), "mac");
	assert_string_equal(afi_name(AFI_LCAF), "lcaf");
	assert_string_equal(afi_name(AFI_DN), "dn");
	assert_string_equal(afi_name(3), "unknown");
	assert_string_equal(lcaf_type_name(LCAF_ELP), "elp");
	assert_string_equal(lcaf_type_name(LCAF_IID), "iid");
	assert_string_equal(lcaf_type_name(LCAF_VENDOR), "vendor");
	assert_string_equal(lcaf_type_name(200), "unknown");
	assert_string_equal(lcaf_type_name(17), "unknown");
}

static void
test_mask(void **state)
{
	char text[ADDR_STRLEN];
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, "198.18.255.255"), 0);
	addr_mask(&a, 17);
	assert_string_equal(addr_fmt(&a, text, sizeof(text)), "198.18.128.0");
	addr_mask(&a, 40);	/* beyond the family: unchanged */
	assert_string_equal(addr_fmt(&a, text, sizeof(text)), "198.18.128.0");
	addr_mask(&a, 0);
	assert_string_equal(addr_fmt(&a, text, sizeof(text)), "0.0.0.0");
	assert_int_equal(addr_parse(&a, "2001:db8:ffff:ffff::1"), 0);
	addr_mask(&a, 36);
	assert_string_equal(addr_fmt(&a, text, sizeof(text)), "2001:db8:f000::");
	addr_set_none(&a);
	assert_int_equal(addr_bits(&a), 0);
	assert_null(addr_bytes(&a));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_truncations),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_dn_limits),
		cmocka_unit_test(test_rsvd1),
		cmocka_unit_test(test_constructors),
		cmocka_unit_test(test_parse_fmt),
		cmocka_unit_test(test_prefix),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_cmp),
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_mask),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
