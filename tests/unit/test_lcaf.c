/* LCAF bodies: encode each type, decode it back field by field, re-encode
 * byte for byte; vectors, truncations, range checks, nesting limits */
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

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	if (addr_parse(&a, s) == -1)
		fail_msg("bad test address %s", s);
	return a;
}

/*
 * the common checks for an encoded LCAF: the Length field, decode with
 * addr_decode (known, right type), re-encode to the same bytes, and every
 * truncation refused with the cursor left alone. *a views buf.
 */
static void
roundtrip(const uint8_t *buf, size_t n, uint8_t type, struct lisp_addr *a)
{
	uint8_t out[1024];
	struct lisp_addr t;
	struct rbuf b;
	struct wbuf w;
	const char *why = NULL;

	assert_true(n >= 8);
	assert_int_equal(get_u16(buf), AFI_LCAF);
	assert_int_equal(buf[4], type);
	assert_int_equal(get_u16(buf + 6), n - 8);

	rbuf_init(&b, buf, n);
	if (addr_decode(&b, a, 0, &why) == -1)
		fail_msg("type %u: %s", type, why);
	assert_int_equal(b.len, 0);
	assert_int_equal(a->afi, AFI_LCAF);
	assert_int_equal(a->lcaf_type, type);
	assert_int_equal(a->known, 1);
	assert_int_equal(a->has_iid, 0);
	assert_int_equal(a->body_len, n - 8);
	assert_ptr_equal(a->body, buf + 8);

	assert_int_equal(addr_wire_len(a), n);
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, a);
	assert_false(w.err);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, buf, n);

	assert_int_equal(tl_truncations(&tl_addr_codec, &t, buf, n, NULL), 0);
}

/* the length an encoder wrote, which must have fitted */
static size_t
encode_into(uint8_t *buf, size_t cap, struct wbuf *w)
{
	assert_false(w->err);
	assert_ptr_equal(w->p, buf);
	assert_true(w->len <= cap);
	return w->len;
}

/* what the encoder wrote: the octets hex spells (unless NULL), then the
 * common checks of roundtrip() */
static size_t
encoded(uint8_t *buf, size_t cap, struct wbuf *w, uint8_t type,
    struct lisp_addr *a, const char *hex)
{
	size_t n = encode_into(buf, cap, w);

	if (hex != NULL)
		tl_assert_hex(buf, n, hex);
	roundtrip(buf, n, type, a);
	return n;
}

static void
assert_fmt(const struct lisp_addr *a, const char *want)
{
	char text[ADDR_STRLEN];

	assert_string_equal(addr_fmt(a, text, sizeof(text)), want);
}

static void
test_afi_list(void **state)
{
	struct lisp_addr items[4], a, it;
	struct lcaf_elp_hop hop;
	struct lcaf_list l;
	uint8_t buf[512], elp[64];
	struct rbuf b;
	struct wbuf w;
	const char *why;
	int i;

	items[0] = A("198.18.1.1");
	items[1] = A("2001:db8::1");
	items[2] = A("[5]02:00:00:00:00:01");
	/* a nested ELP as the fourth element */
	hop.flags = ELP_S;
	hop.addr = A("203.0.113.1");
	wbuf_init(&w, elp, sizeof(elp));
	lcaf_elp_encode(&w, &hop, 1);
	rbuf_init(&b, elp, encode_into(elp, sizeof(elp), &w));
	assert_int_equal(addr_decode(&b, &items[3], 0, &why), 0);

	wbuf_init(&w, buf, sizeof(buf));
	lcaf_list_encode(&w, items, 4);
	encoded(buf, sizeof(buf), &w, LCAF_AFI_LIST, &a, NULL);

	assert_int_equal(lcaf_list_decode(&a, &l), 0);
	for (i = 0; i < 4; i++) {
		assert_int_equal(lcaf_list_next(&l, &it), 1);
		assert_true(addr_equal(&it, &items[i]));
	}
	assert_int_equal(lcaf_list_next(&l, &it), 0);
	assert_fmt(&a, "lcaf-afi-list(198.18.1.1,2001:db8::1,"
	    "[5]02:00:00:00:00:01,lcaf-elp(203.0.113.1/S))");

	/* wrong type for the typed decoder */
	assert_int_equal(lcaf_elp_decode(&a, &(struct lcaf_elp){ 0 }), -1);
	assert_int_equal(lcaf_asn_decode(&items[0], &(struct lcaf_asn){ 0 }),
	    -1);
}

static void
test_asn(void **state)
{
	struct lcaf_asn x = { 64512, { 0 } }, y;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;

	x.addr = A("198.51.100.7");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_asn_encode(&w, &x);
	encoded(buf, sizeof(buf), &w, LCAF_ASN, &a,
	    "4003 00 00 03 00 000a 0000fc00 0001 c6336407");
	assert_int_equal(lcaf_asn_decode(&a, &y), 0);
	assert_int_equal(y.asn, 64512);
	assert_true(addr_equal(&y.addr, &x.addr));
	assert_fmt(&a, "lcaf-asn(AS64512,198.51.100.7)");
}

static void
test_geo(void **state)
{
	struct lcaf_geo g = { 0 }, h;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;

	g.north = 1;
	g.lat_deg = 37;
	g.lat_min = 23;
	g.lat_sec = 59;
	g.east = 0;
	g.lon_deg = 122;
	g.lon_min = 5;
	g.lon_sec = 0;
	g.alt = -12;
	g.addr = A("198.18.1.1");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_geo_encode(&w, &g);
	encoded(buf, sizeof(buf), &w, LCAF_GEO, &a,
	    "4003 00 00 05 00 0012 8025 17 3b 007a 05 00 "
	    "fffffff4 0001 c6120101");
	assert_int_equal(lcaf_geo_decode(&a, &h), 0);
	assert_int_equal(h.north, 1);
	assert_int_equal(h.lat_deg, 37);
	assert_int_equal(h.lat_min, 23);
	assert_int_equal(h.lat_sec, 59);
	assert_int_equal(h.east, 0);
	assert_int_equal(h.lon_deg, 122);
	assert_int_equal(h.lon_min, 5);
	assert_int_equal(h.lon_sec, 0);
	assert_int_equal(h.alt, -12);
	assert_true(addr_equal(&h.addr, &g.addr));
	assert_fmt(&a, "lcaf-geo(37-23-59-N,122-5-0-W,-12m,198.18.1.1)");

	/* no altitude, no address */
	g.alt = GEO_ALT_NONE;
	addr_set_none(&g.addr);
	g.lat_deg = 90;
	g.lat_min = g.lat_sec = 0;
	g.lon_deg = 180;
	g.lon_min = g.lon_sec = 0;
	g.east = 1;
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_geo_encode(&w, &g);
	encoded(buf, sizeof(buf), &w, LCAF_GEO, &a, NULL);
	assert_int_equal(lcaf_geo_decode(&a, &h), 0);
	assert_int_equal(h.alt, GEO_ALT_NONE);
	assert_int_equal(h.addr.afi, AFI_NONE);
	assert_fmt(&a, "lcaf-geo(90-0-0-N,180-0-0-E,none)");
}

/* Application Data (RFC 8060 §4.3): fields, text, and refusals */
static void
test_appdata(void **state)
{
	struct lcaf_app x = { 0 }, y;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;
	struct rbuf b;
	const char *why = NULL;
	size_t n;

	x.tos = 0x2e1234;
	x.proto = 6;
	x.lport_lo = 1024;
	x.lport_hi = 2047;
	x.rport_lo = 443;
	x.rport_hi = 443;
	x.addr = A("198.18.1.1");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_app_encode(&w, &x);
	n = w.len;
	encoded(buf, sizeof(buf), &w, LCAF_APPDATA, &a,
	    "4003 00 00 04 00 0012 2e1234 06 0400 07ff 01bb 01bb 0001 c6120101");
	assert_int_equal(lcaf_app_decode(&a, &y), 0);
	assert_int_equal(y.tos, 0x2e1234);
	assert_int_equal(y.proto, 6);
	assert_int_equal(y.lport_lo, 1024);
	assert_int_equal(y.lport_hi, 2047);
	assert_int_equal(y.rport_lo, 443);
	assert_int_equal(y.rport_hi, 443);
	assert_true(addr_equal(&y.addr, &x.addr));
	assert_fmt(&a, "lcaf-appdata(proto 6,tos 0x2e1234,lport 1024-2047,"
	    "rport 443-443,198.18.1.1)");
	/* a reversed port range and octets past the address are refused */
	put_u16(buf + 12, 3000);
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "application-data port range reversed");
	put_u16(buf + 12, 1024);
	buf[n] = 0;
	put_u16(buf + 6, (uint16_t)(get_u16(buf + 6) + 1));
	rbuf_init(&b, buf, n + 1);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "trailing octets in LCAF body");
	/* short */
	put_u16(buf + 6, 6);
	rbuf_init(&b, buf, 14);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "short application-data LCAF");
}

/* degree, minute and second ranges */
static void
test_geo_ranges(void **state)
{
	static const struct {
		const char *hex;
		int ok;
	} t[] = {
		{ "4003 00 00 05 00 000e 805a 00 00 00b4 00 00 7fffffff 0000", 1 },
		{ "4003 00 00 05 00 000e 005b 00 00 0000 00 00 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 005a 01 00 0000 00 00 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 0059 3c 00 0000 00 00 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 0059 3b 3c 0000 00 00 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 0000 00 00 00b5 00 00 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 0000 00 00 00b4 00 01 7fffffff 0000", 0 },
		{ "4003 00 00 05 00 000e 0000 00 00 80b3 3b 3b 7fffffff 0000", 1 },
		{ "4003 00 00 05 00 000e 0000 00 00 0000 3c 00 7fffffff 0000", 0 },
	};
	uint8_t buf[64];
	struct lisp_addr a;
	struct rbuf b;
	const char *why;
	size_t i, n;

	for (i = 0; i < NELEM(t); i++) {
		n = tl_unhex(t[i].hex, buf, sizeof(buf));
		rbuf_init(&b, buf, n);
		why = NULL;
		if (t[i].ok) {
			if (addr_decode(&b, &a, 0, &why) != 0)
				fail_msg("geo %zu: %s", i, why);
		} else {
			assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
			assert_string_equal(why, "geo coordinate out of range");
		}
	}
}

static void
test_nat(void **state)
{
	struct lcaf_nat *n = calloc(1, sizeof(*n)), *m = calloc(1, sizeof(*m));
	struct lisp_addr a;
	uint8_t buf[1024];
	struct wbuf w;
	struct rbuf b;
	const char *why;
	size_t len;
	int i;

	assert_non_null(n);
	assert_non_null(m);
	n->ms_port = 4342;
	n->etr_port = 61000;
	n->global_etr = A("203.0.113.50");
	n->ms_rloc = A("198.51.100.1");
	addr_set_none(&n->private_etr);
	n->nrtr = 2;
	n->rtr[0] = A("198.51.100.10");
	n->rtr[1] = A("2001:db8::10");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_nat_encode(&w, n);
	len = encoded(buf, sizeof(buf), &w, LCAF_NAT, &a, NULL);
	assert_int_equal(lcaf_nat_decode(&a, m), 0);
	assert_int_equal(m->ms_port, 4342);
	assert_int_equal(m->etr_port, 61000);
	assert_true(addr_equal(&m->global_etr, &n->global_etr));
	assert_true(addr_equal(&m->ms_rloc, &n->ms_rloc));
	assert_int_equal(m->private_etr.afi, AFI_NONE);
	assert_int_equal(m->nrtr, 2);
	assert_true(addr_equal(&m->rtr[0], &n->rtr[0]));
	assert_true(addr_equal(&m->rtr[1], &n->rtr[1]));
	assert_fmt(&a, "lcaf-nat(203.0.113.50:61000,ms 198.51.100.1:4342,"
	    "private none,rtr 198.51.100.10,rtr 2001:db8::10)");

	/* no RTRs at all */
	n->nrtr = 0;
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_nat_encode(&w, n);
	len = encoded(buf, sizeof(buf), &w, LCAF_NAT, &a, NULL);
	assert_int_equal(lcaf_nat_decode(&a, m), 0);
	assert_int_equal(m->nrtr, 0);

	/* NAT_RTR_MAX + 1 RTRs: refused on decode and on encode */
	n->nrtr = NAT_RTR_MAX;
	for (i = 0; i < NAT_RTR_MAX; i++)
		n->rtr[i] = A("198.51.100.10");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_nat_encode(&w, n);
	len = encoded(buf, sizeof(buf), &w, LCAF_NAT, &a, NULL);
	buf[len] = 0;
	buf[len + 1] = 0;	/* one more RTR: AFI 0 */
	put_u16(buf + 6, (uint16_t)(len + 2 - 8));
	rbuf_init(&b, buf, len + 2);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "too many RTRs in NAT-traversal LCAF");
	n->nrtr = NAT_RTR_MAX + 1;
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_nat_encode(&w, n);
	assert_true(w.err);
	free(n);
	free(m);
}

static void
test_mcast(void **state)
{
	struct lcaf_mcast m = { 0 }, k;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;
	struct rbuf b;
	const char *why;
	size_t n;

	m.flags = 0x05;		/* R, J */
	m.iid = 1000;
	m.src_mlen = 32;
	m.grp_mlen = 32;
	m.src = A("198.18.1.1");
	m.grp = A("233.252.0.1");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_mcast_encode(&w, &m);
	n = encoded(buf, sizeof(buf), &w, LCAF_MCAST, &a,
	    "4003 00 00 09 05 0014 000003e8 0000 20 20 "
	    "0001 c6120101 0001 e9fc0001");
	assert_int_equal(a.lcaf_rsvd2, 0x05);
	assert_int_equal(lcaf_mcast_decode(&a, &k), 0);
	assert_int_equal(k.flags, 0x05);
	assert_int_equal(k.iid, 1000);
	assert_int_equal(k.src_mlen, 32);
	assert_int_equal(k.grp_mlen, 32);
	assert_true(addr_equal(&k.src, &m.src));
	assert_true(addr_equal(&k.grp, &m.grp));
	assert_fmt(&a, "lcaf-mcast([1000]198.18.1.1/32,233.252.0.1/32,RJ)");

	/* a source mask length beyond the family */
	buf[14] = 33;
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "multicast-info mask length too long");
}

static void
test_elp(void **state)
{
	struct lcaf_elp_hop hops[3], h;
	struct lcaf_elp e;
	struct lisp_addr a;
	uint8_t buf[256];
	struct wbuf w;
	struct rbuf b;
	const char *why;
	size_t n;
	int i;

	/* the digest's layout: flags THEN AFI */
	hops[0].flags = ELP_L | ELP_P | ELP_S;
	hops[0].addr = A("198.18.1.1");
	hops[1].flags = 0;
	hops[1].addr = A("198.18.1.2");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_elp_encode(&w, hops, 2);
	n = encoded(buf, sizeof(buf), &w, LCAF_ELP, &a,
	    "4003 00 00 0a 00 0010 0007 0001 c6120101 "
	    "0000 0001 c6120102");
	assert_fmt(&a, "lcaf-elp(198.18.1.1/LPS->198.18.1.2)");

	hops[2].flags = ELP_P;
	hops[2].addr = A("[5]2001:db8::9");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_elp_encode(&w, hops, 3);
	n = encoded(buf, sizeof(buf), &w, LCAF_ELP, &a, NULL);
	assert_int_equal(lcaf_elp_decode(&a, &e), 0);
	for (i = 0; i < 3; i++) {
		assert_int_equal(lcaf_elp_next(&e, &h), 1);
		assert_int_equal(h.flags, hops[i].flags);
		assert_true(addr_equal(&h.addr, &hops[i].addr));
	}
	assert_int_equal(lcaf_elp_next(&e, &h), 0);

	/* an empty ELP is refused */
	n = tl_unhex("4003 00 00 0a 00 0000", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "empty ELP");
}

static void
test_seckey(void **state)
{
	static const uint8_t k1[32] = { 1, 2, 3 }, k2[1] = { 0xaa };
	struct lcaf_seckey k = { 0 }, m;
	struct lisp_addr a;
	uint8_t buf[256];
	struct wbuf w;
	struct rbuf b;
	const char *why;
	size_t n;

	k.nkeys = 3;
	k.alg = 6;
	k.revoke = 1;
	k.key[0].len = sizeof(k1);
	k.key[0].material = k1;
	k.key[1].len = 0;
	k.key[2].len = sizeof(k2);
	k.key[2].material = k2;
	k.addr = A("198.18.1.1");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_seckey_encode(&w, &k);
	n = encoded(buf, sizeof(buf), &w, LCAF_SECKEY, &a, NULL);
	assert_int_equal(n, 8 + 4 + 2 + 32 + 2 + 2 + 1 + 6);
	assert_int_equal(lcaf_seckey_decode(&a, &m), 0);
	assert_int_equal(m.nkeys, 3);
	assert_int_equal(m.alg, 6);
	assert_int_equal(m.revoke, 1);
	assert_int_equal(m.key[0].len, 32);
	assert_memory_equal(m.key[0].material, k1, 32);
	assert_int_equal(m.key[1].len, 0);
	assert_int_equal(m.key[2].len, 1);
	assert_int_equal(m.key[2].material[0], 0xaa);
	assert_true(addr_equal(&m.addr, &k.addr));
	assert_fmt(&a, "lcaf-seckey(3 keys,cs 6,revoke,198.18.1.1)");

	/* key count 4 */
	buf[8] = 4;
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "too many keys in security-key LCAF");
	/* key length beyond the body */
	buf[8] = 1;
	put_u16(buf + 12, 200);
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "key length exceeds LCAF");

	k.nkeys = 4;
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_seckey_encode(&w, &k);
	assert_true(w.err);
}

static void
test_srcdst(void **state)
{
	struct lcaf_srcdst sd = { 0 }, m;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;
	int mlen;

	assert_int_equal(prefix_parse("198.18.1.0/24", &sd.src, &mlen), 0);
	sd.src_mlen = (uint8_t)mlen;
	assert_int_equal(prefix_parse("198.18.2.0/25", &sd.dst, &mlen), 0);
	sd.dst_mlen = (uint8_t)mlen;
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_srcdst_encode(&w, &sd);
	encoded(buf, sizeof(buf), &w, LCAF_SRCDST, &a,
	    "4003 00 00 0c 00 0010 0000 18 19 "
	    "0001 c6120100 0001 c6120200");
	assert_int_equal(lcaf_srcdst_decode(&a, &m), 0);
	assert_int_equal(m.src_mlen, 24);
	assert_int_equal(m.dst_mlen, 25);
	assert_true(addr_equal(&m.src, &sd.src));
	assert_true(addr_equal(&m.dst, &sd.dst));
	assert_fmt(&a, "lcaf-srcdst(198.18.1.0/24->198.18.2.0/25)");
}

static void
test_rle(void **state)
{
	struct lcaf_rle_entry e[2], x;
	struct lcaf_rle r;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;
	size_t n;

	e[0].level = 0;
	e[0].addr = A("198.18.1.1");
	e[1].level = 1;
	e[1].addr = A("2001:db8::2");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_rle_encode(&w, e, 2);
	n = encoded(buf, sizeof(buf), &w, LCAF_RLE, &a, NULL);
	assert_int_equal(n, 8 + 4 + 6 + 4 + 18);
	assert_int_equal(lcaf_rle_decode(&a, &r), 0);
	assert_int_equal(lcaf_rle_next(&r, &x), 1);
	assert_int_equal(x.level, 0);
	assert_true(addr_equal(&x.addr, &e[0].addr));
	assert_int_equal(lcaf_rle_next(&r, &x), 1);
	assert_int_equal(x.level, 1);
	assert_true(addr_equal(&x.addr, &e[1].addr));
	assert_int_equal(lcaf_rle_next(&r, &x), 0);
	assert_fmt(&a, "lcaf-rle(198.18.1.1(L0),2001:db8::2(L1))");
}

/* lispers.net appends an AFI 17 name to each entry; it is skipped */
static void
test_rle_names(void **state)
{
	struct lcaf_rle_entry x;
	struct lcaf_rle r;
	struct lisp_addr a;
	uint8_t buf[128], out[128];
	struct rbuf b;
	struct wbuf w;
	const char *why;
	size_t n;

	n = tl_unhex("4003 00 00 0d 00 001d "
	    "0000 00 00 0001 c6120101 0011 6100 "
	    "0000 00 02 0001 c6120102 0011 626200", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	assert_int_equal(a.known, 1);
	assert_int_equal(lcaf_rle_decode(&a, &r), 0);
	assert_int_equal(lcaf_rle_next(&r, &x), 1);
	assert_int_equal(x.level, 0);
	assert_fmt(&x.addr, "198.18.1.1");
	assert_int_equal(lcaf_rle_next(&r, &x), 1);
	assert_int_equal(x.level, 2);
	assert_fmt(&x.addr, "198.18.1.2");
	assert_int_equal(lcaf_rle_next(&r, &x), 0);
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, buf, n);
}

static void
test_json(void **state)
{
	static const char txt[] = "{\"rtt\":12}";
	struct lcaf_json j = { 0 }, k;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;
	struct rbuf b;
	const char *why;
	size_t n;

	j.len = (uint16_t)strlen(txt);
	j.text = (const uint8_t *)txt;
	addr_set_none(&j.addr);
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_json_encode(&w, &j);
	n = encoded(buf, sizeof(buf), &w, LCAF_JSON, &a,
	    "4003 00 00 0e 00 000e 000a 7b22727474223a31327d "
	    "0000");
	assert_int_equal(lcaf_json_decode(&a, &k), 0);
	assert_int_equal(k.binary, 0);
	assert_int_equal(k.len, j.len);
	assert_memory_equal(k.text, txt, j.len);
	assert_int_equal(k.addr.afi, AFI_NONE);
	assert_fmt(&a, "lcaf-json(10 octets)");

	/* binary, with an RLOC */
	j.binary = 1;
	j.addr = A("2001:db8::7");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_json_encode(&w, &j);
	n = encoded(buf, sizeof(buf), &w, LCAF_JSON, &a, NULL);
	assert_int_equal(a.lcaf_rsvd2, 1);
	assert_int_equal(lcaf_json_decode(&a, &k), 0);
	assert_int_equal(k.binary, 1);
	assert_true(addr_equal(&k.addr, &j.addr));
	assert_fmt(&a, "lcaf-json(10 octets binary,2001:db8::7)");

	/* JSON length beyond the body */
	put_u16(buf + 8, 100);
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "JSON length exceeds LCAF");
}

static void
test_kv(void **state)
{
	struct lcaf_kv kv, m;
	struct lisp_addr a;
	uint8_t buf[128];
	struct wbuf w;

	kv.key = A("198.18.1.1");
	kv.value = A("aa:bb:cc:dd:ee:ff");
	wbuf_init(&w, buf, sizeof(buf));
	lcaf_kv_encode(&w, &kv);
	encoded(buf, sizeof(buf), &w, LCAF_KV, &a,
	    "4003 00 00 0f 00 000e 0001 c6120101 "
	    "4005 aabbccddeeff");
	assert_int_equal(lcaf_kv_decode(&a, &m), 0);
	assert_true(addr_equal(&m.key, &kv.key));
	assert_true(addr_equal(&m.value, &kv.value));
	assert_fmt(&a, "lcaf-kv(198.18.1.1=aa:bb:cc:dd:ee:ff)");
}

/* a typed body in an IID: the IID wrapper and the inner LCAF both survive */
static void
test_iid_wrapped(void **state)
{
	struct lcaf_srcdst sd = { 0 }, m;
	struct lisp_addr a, inner;
	uint8_t body[64], buf[128], out[128];
	struct rbuf b;
	struct wbuf w;
	const char *why;
	size_t n;

	sd.src = A("198.18.1.0");
	sd.dst = A("198.18.2.0");
	sd.src_mlen = sd.dst_mlen = 24;
	wbuf_init(&w, body, sizeof(body));
	lcaf_srcdst_encode(&w, &sd);
	rbuf_init(&b, body, w.len);
	assert_int_equal(addr_decode(&b, &inner, 0, &why), 0);
	addr_set_iid(&inner, 77);
	wbuf_init(&w, buf, sizeof(buf));
	addr_encode(&w, &inner);
	n = w.len;
	assert_false(w.err);
	assert_int_equal(get_u16(buf + 6), 4 + 8 + 16);

	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	assert_int_equal(a.has_iid, 1);
	assert_int_equal(a.iid, 77);
	assert_int_equal(a.afi, AFI_LCAF);
	assert_int_equal(a.lcaf_type, LCAF_SRCDST);
	assert_int_equal(lcaf_srcdst_decode(&a, &m), 0);
	assert_int_equal(m.src_mlen, 24);
	assert_fmt(&a, "[77]lcaf-srcdst(198.18.1.0/24->198.18.2.0/24)");
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, buf, n);
}

/* nest Key/Value LCAFs: 4 levels inside the top one decode, 5 do not */
static size_t
kv_nest(uint8_t *buf, size_t cap, int levels)
{
	uint8_t tmp[512];
	struct lcaf_kv kv;
	struct rbuf b;
	struct wbuf w;
	const char *why;
	int i;

	kv.key = A("198.18.1.1");
	kv.value = A("198.18.1.2");
	wbuf_init(&w, buf, cap);
	lcaf_kv_encode(&w, &kv);
	for (i = 1; i < levels; i++) {
		memcpy(tmp, buf, w.len);
		rbuf_init(&b, tmp, w.len);
		/* decode at the level it will end up at, so it is accepted */
		assert_int_equal(addr_decode(&b, &kv.key, 0, &why), 0);
		wbuf_init(&w, buf, cap);
		lcaf_kv_encode(&w, &kv);
	}
	assert_false(w.err);
	return w.len;
}

static void
test_depth(void **state)
{
	uint8_t buf[512];
	struct lisp_addr a;
	struct rbuf b;
	const char *why;
	size_t n;

	/* KV LCAFs at depths 0..4, addresses at 5: refused */
	n = kv_nest(buf, sizeof(buf), ADDR_DEPTH_MAX + 1);
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), -1);
	assert_string_equal(why, "LCAF nesting too deep");
	assert_int_equal(b.len, n);

	/* depths 0..3, addresses at 4: accepted */
	n = kv_nest(buf, sizeof(buf), ADDR_DEPTH_MAX);
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	assert_int_equal(b.len, 0);
	/* the same bytes one level further down are too deep */
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 1, &why), -1);
}

struct bad {
	const char	*name;
	const char	*hex;
	const char	*why;
};

static const struct bad bads[] = {
	{ "asn-trailing", "4003 00 00 03 00 000c 0000fc00 0001 c6336407 0000",
	    "trailing octets in LCAF body" },
	{ "asn-short", "4003 00 00 03 00 0003 0000fc", "short AS number LCAF" },
	{ "list-empty", "4003 00 00 01 00 0000", "empty AFI list" },
	{ "list-bad-item", "4003 00 00 01 00 0004 0003 0000",
	    "unknown AFI inside LCAF" },
	{ "kv-one", "4003 00 00 0f 00 0006 0001 c6120101", "short AFI" },
	{ "srcdst-mlen", "4003 00 00 0c 00 0010 0000 21 18 "
	    "0001 c6120100 0001 c6120200", "source/dest mask length too long" },
	{ "rle-empty", "4003 00 00 0d 00 0000", "empty RLE" },
	{ "rle-short", "4003 00 00 0d 00 0003 000000", "short RLE entry" },
	{ "json-no-afi", "4003 00 00 0e 00 0003 0001 7b", "short AFI" },
	{ "nat-short", "4003 00 00 07 00 0002 10f6", "short NAT-traversal LCAF" },
	{ "mcast-short", "4003 00 00 09 00 0004 00000001",
	    "short multicast-info LCAF" },
	{ "elp-short-hop", "4003 00 00 0a 00 0001 00", "short ELP hop" },
	{ "seckey-short", "4003 00 00 0b 00 0002 0100",
	    "short security-key LCAF" },
	/* an IID inside an ELP hop is fine, but not an IID in an IID */
	{ "elp-iid-iid", "4003 00 00 0a 00 0020 0000 "
	    "4003 00 00 02 00 0016 00000001 "
	    "4003 00 00 02 00 000a 00000002 0001 01020304",
	    "instance-id inside instance-id" },
};

static void
test_bad(void **state)
{
	struct tl_codec c = tl_addr_codec;
	uint8_t buf[128];
	struct lisp_addr a;
	size_t n, i;

	for (i = 0; i < NELEM(bads); i++) {
		n = tl_unhex(bads[i].hex, buf, sizeof(buf));
		c.name = bads[i].name;
		tl_expect_fail(&c, &a, buf, n, bads[i].why);
	}
}

/* unknown type 200 travels opaquely, flags and Rsvd2 included */
static void
test_unknown_type(void **state)
{
	uint8_t buf[64], out[64];
	struct lisp_addr a;
	struct rbuf b;
	struct wbuf w;
	const char *why;
	size_t n;

	n = tl_unhex("4003 00 a5 c8 5a 0005 0102030405", buf, sizeof(buf));
	rbuf_init(&b, buf, n);
	assert_int_equal(addr_decode(&b, &a, 0, &why), 0);
	assert_int_equal(a.afi, AFI_LCAF);
	assert_int_equal(a.lcaf_type, 200);
	assert_int_equal(a.lcaf_flags, 0xa5);
	assert_int_equal(a.lcaf_rsvd2, 0x5a);
	assert_int_equal(a.known, 0);
	assert_int_equal(a.body_len, 5);
	assert_ptr_equal(a.body, buf + 8);
	wbuf_init(&w, out, sizeof(out));
	addr_encode(&w, &a);
	assert_int_equal(w.len, n);
	assert_memory_equal(out, buf, n);
	assert_int_equal(lcaf_validate(200, 0, buf + 8, 5, 0, &why), -1);
}

/* every type number: a type lib validates has a name and a text renderer
 * (an empty body it cannot decode prints as "lcaf-<name>()"), any other
 * prints its octet count */
static void
test_kinds_text(void **state)
{
	char want[64], got[ADDR_STRLEN];
	struct lisp_addr a;
	const char *name;
	int t, nknown = 0;

	for (t = 0; t < 256; t++) {
		memset(&a, 0, sizeof(a));
		a.afi = AFI_LCAF;
		a.lcaf_type = (uint8_t)t;
		a.known = (uint8_t)lcaf_type_known((uint8_t)t);
		name = lcaf_type_name((uint8_t)t);
		if (a.known) {
			assert_string_not_equal(name, "unknown");
			snprintf(want, sizeof(want), "lcaf-%s()", name);
			nknown++;
		} else if (strcmp(name, "unknown") == 0)
			snprintf(want, sizeof(want), "lcaf-type-%d(0 octets)", t);
		else
			snprintf(want, sizeof(want), "lcaf-%s(0 octets)", name);
		assert_string_equal(addr_fmt(&a, got, sizeof(got)), want);
	}
	/* null, afi-list, asn, appdata, geo, nat, mcast, elp, seckey,
	 * srcdst, rle, json, kv */
	assert_int_equal(nknown, 13);
	assert_false(lcaf_type_known(LCAF_IID));
	assert_false(lcaf_type_known(LCAF_VENDOR));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_afi_list),
		cmocka_unit_test(test_asn),
		cmocka_unit_test(test_geo),
		cmocka_unit_test(test_geo_ranges),
		cmocka_unit_test(test_appdata),
		cmocka_unit_test(test_nat),
		cmocka_unit_test(test_mcast),
		cmocka_unit_test(test_elp),
		cmocka_unit_test(test_seckey),
		cmocka_unit_test(test_srcdst),
		cmocka_unit_test(test_rle),
		cmocka_unit_test(test_rle_names),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_kv),
		cmocka_unit_test(test_iid_wrapped),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_bad),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_kinds_text),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
