/* AFI-encoded LISP addresses: decode, encode, text forms, prefix helpers */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "addr.h"
#include "lcaf.h"
#include "sbuf.h"

#define LCAF_HDR_LEN	6	/* Rsvd1, Flags, Type, Rsvd2, Length after the AFI */

static int
fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return -1;
}

static int	addr_decode_at(struct rbuf *, struct lisp_addr *, int,
		    const char **, int *);
static int	lcaf_body_decode(struct rbuf body, struct lisp_addr *a, int depth,
		    const char **why, uint8_t type, uint8_t flags, uint8_t rsvd2);

/* the LCAF after its AFI: header and payload; fills a (afi already set).
 * framed != NULL: a body that does not decode after a header and Length
 * that fit sets *framed, leaves a holding the LCAF opaquely (known 0) and
 * b past it; still -1 */
static int
addr_decode_lcaf(struct rbuf *b, struct lisp_addr *a, int depth,
    const char **why, int *framed)
{
	struct rbuf body;
	uint8_t rsvd1, flags, type, rsvd2;
	uint16_t len;

	if (rbuf_u8(b, &rsvd1) == -1 || rbuf_u8(b, &flags) == -1 ||
	    rbuf_u8(b, &type) == -1 || rbuf_u8(b, &rsvd2) == -1 ||
	    rbuf_u16(b, &len) == -1)
		return fail(why, "short LCAF header");
	if (rbuf_sub(b, len, &body) == -1)
		return fail(why, "LCAF length exceeds data");
	if (lcaf_body_decode(body, a, depth, why, type, flags, rsvd2) == 0)
		return 0;
	if (framed != NULL) {
		memset(a, 0, sizeof(*a));
		a->afi = AFI_LCAF;
		a->lcaf_type = type;
		a->lcaf_flags = flags;
		a->lcaf_rsvd2 = rsvd2;
		a->body = body.p;
		a->body_len = len;
		*framed = 1;
	}
	return -1;
}

static int
lcaf_body_decode(struct rbuf body, struct lisp_addr *a, int depth,
    const char **why, uint8_t type, uint8_t flags, uint8_t rsvd2)
{
	if (type == LCAF_IID) {
		uint32_t iid;

		if (rbuf_u32(&body, &iid) == -1)
			return fail(why, "short instance-id LCAF");
		if (addr_decode(&body, a, depth + 1, why) == -1)
			return -1;
		if (a->has_iid)
			return fail(why, "instance-id inside instance-id");
		if (body.len != 0)
			return fail(why, "instance-id LCAF length mismatch");
		a->has_iid = 1;
		a->iid = iid;
		a->iid_mlen = rsvd2;
		a->iid_flags = flags;
		return 0;
	}

	a->afi = AFI_LCAF;
	a->lcaf_type = type;
	a->lcaf_flags = flags;
	a->lcaf_rsvd2 = rsvd2;
	a->body = body.p;
	a->body_len = (uint16_t)body.len;
	if (lcaf_type_known(type)) {
		if (lcaf_validate(type, rsvd2, body.p, body.len, depth,
		    why) == -1) {
			/* ->afi is 16387 here, so do not invite "AFI %u" */
			if (why != NULL && strcmp(*why, "unknown AFI") == 0)
				*why = "unknown AFI inside LCAF";
			return -1;
		}
		a->known = 1;
	}
	return 0;
}

int
addr_decode(struct rbuf *b, struct lisp_addr *a, int depth, const char **why)
{
	return addr_decode_at(b, a, depth, why, NULL);
}

int
addr_decode_framed(struct rbuf *b, struct lisp_addr *a, const char **why)
{
	int framed = 0;

	if (addr_decode_at(b, a, 0, why, &framed) == 0)
		return 0;
	return framed ? 1 : -1;
}

static int
addr_decode_at(struct rbuf *b, struct lisp_addr *a, int depth, const char **why,
    int *framed)
{
	struct rbuf c = *b;
	uint16_t afi;
	const uint8_t *nul;
	size_t max;

	if (depth > ADDR_DEPTH_MAX)
		return fail(why, "LCAF nesting too deep");
	if (rbuf_u16(&c, &afi) == -1)
		return fail(why, "short AFI");
	memset(a, 0, sizeof(*a));
	a->afi = afi;

	switch (afi) {
	case AFI_NONE:
		break;
	case AFI_IPV4:
		if (rbuf_bytes(&c, a->u.v4, 4) == -1)
			return fail(why, "short IPv4 address");
		break;
	case AFI_IPV6:
		if (rbuf_bytes(&c, a->u.v6, 16) == -1)
			return fail(why, "short IPv6 address");
		break;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		if (rbuf_bytes(&c, a->u.mac, 6) == -1)
			return fail(why, "short MAC address");
		break;
	case AFI_DN:
		max = c.len < DN_MAX ? c.len : DN_MAX;
		nul = memchr(c.p, '\0', max);
		if (nul == NULL)
			return fail(why, c.len < DN_MAX ?
			    "unterminated distinguished name" :
			    "distinguished name too long");
		a->body = c.p;
		a->body_len = (uint16_t)(nul - c.p + 1);
		(void)rbuf_skip(&c, a->body_len);
		break;
	case AFI_LCAF:
		if (addr_decode_lcaf(&c, a, depth, why, framed) == -1) {
			if (framed != NULL && *framed)
				*b = c;
			return -1;
		}
		break;
	default:
		/* afi stays set so a caller can report the number */
		return fail(why, "unknown AFI");
	}
	*b = c;
	return 0;
}

/* octets of a Distinguished Name on the wire (adds a NUL when missing) */
static size_t
dn_wire_len(const struct lisp_addr *a)
{
	if (a->body == NULL || a->body_len == 0)
		return 1;
	return a->body_len + (a->body[a->body_len - 1] != '\0');
}

static size_t
addr_wire_len_noiid(const struct lisp_addr *a)
{
	switch (a->afi) {
	case AFI_NONE:
		return 2;
	case AFI_IPV4:
		return 2 + 4;
	case AFI_IPV6:
		return 2 + 16;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return 2 + 6;
	case AFI_DN:
		return 2 + dn_wire_len(a);
	case AFI_LCAF:
		return 2 + LCAF_HDR_LEN + a->body_len;
	default:
		return 2;
	}
}

size_t
addr_wire_len(const struct lisp_addr *a)
{
	size_t n = addr_wire_len_noiid(a);

	if (a->has_iid)
		n += 2 + LCAF_HDR_LEN + 4;
	return n;
}

static void
addr_encode_noiid(struct wbuf *w, const struct lisp_addr *a)
{
	wbuf_u16(w, a->afi);
	switch (a->afi) {
	case AFI_NONE:
		break;
	case AFI_IPV4:
		wbuf_bytes(w, a->u.v4, 4);
		break;
	case AFI_IPV6:
		wbuf_bytes(w, a->u.v6, 16);
		break;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		wbuf_bytes(w, a->u.mac, 6);
		break;
	case AFI_DN:
		if (a->body != NULL && a->body_len > 0)
			wbuf_bytes(w, a->body, a->body_len);
		if (dn_wire_len(a) != a->body_len)
			wbuf_u8(w, 0);
		break;
	case AFI_LCAF:
		wbuf_u8(w, 0);
		wbuf_u8(w, a->lcaf_flags);
		wbuf_u8(w, a->lcaf_type);
		wbuf_u8(w, a->lcaf_rsvd2);
		wbuf_u16(w, a->body_len);
		if (a->body_len > 0)
			wbuf_bytes(w, a->body, a->body_len);
		break;
	default:
		w->err = 1;
		break;
	}
}

void
addr_encode(struct wbuf *w, const struct lisp_addr *a)
{
	size_t inner;

	if (a->has_iid) {
		inner = addr_wire_len_noiid(a);
		if (inner + 4 > 0xffff) {
			w->err = 1;
			return;
		}
		wbuf_u16(w, AFI_LCAF);
		wbuf_u8(w, 0);
		wbuf_u8(w, a->iid_flags);
		wbuf_u8(w, LCAF_IID);
		wbuf_u8(w, a->iid_mlen);
		wbuf_u16(w, (uint16_t)(inner + 4));
		wbuf_u32(w, a->iid);
	}
	addr_encode_noiid(w, a);
}

void
addr_set_none(struct lisp_addr *a)
{
	memset(a, 0, sizeof(*a));
	a->afi = AFI_NONE;
}

void
addr_set_v4(struct lisp_addr *a, const void *a4)
{
	addr_set_none(a);
	a->afi = AFI_IPV4;
	memcpy(a->u.v4, a4, 4);
}

void
addr_set_v6(struct lisp_addr *a, const void *a6)
{
	addr_set_none(a);
	a->afi = AFI_IPV6;
	memcpy(a->u.v6, a6, 16);
}

void
addr_set_mac(struct lisp_addr *a, const void *mac6)
{
	addr_set_none(a);
	a->afi = AFI_MAC;
	memcpy(a->u.mac, mac6, 6);
}

/* wrap the address in an IID LCAF. the IID mask-len is 0 with an address
 * (lispers.net) and 32 for a bare instance (AFI 0, a one-IID range) */
void
addr_set_iid(struct lisp_addr *a, uint32_t iid)
{
	a->has_iid = 1;
	a->iid = iid;
	a->iid_flags = 0;
	a->iid_mlen = a->afi == AFI_NONE ? 32 : 0;
}

static int
hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower((unsigned char)c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "aa:bb:cc:dd:ee:ff" (or '-' separated) */
static int
mac_parse(const char *s, uint8_t mac[6])
{
	int i, hi, lo;

	for (i = 0; i < 6; i++) {
		if ((hi = hexval(s[0])) == -1 || (lo = hexval(s[1])) == -1)
			return -1;
		mac[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < 5) {
			if (*s != ':' && *s != '-')
				return -1;
			s++;
		}
	}
	return *s == '\0' ? 0 : -1;
}

/* "[N]" prefix: sets *iid, returns the rest, or NULL on a bad IID */
static const char *
iid_parse(const char *s, int *has, uint32_t *iid)
{
	unsigned long long v;
	char *end;

	*has = 0;
	if (*s != '[')
		return s;
	s++;
	if (!isdigit((unsigned char)*s))
		return NULL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0 || v > 0xffffffffULL || *end != ']')
		return NULL;
	*has = 1;
	*iid = (uint32_t)v;
	return end + 1;
}

int
addr_parse(struct lisp_addr *a, const char *s)
{
	uint8_t buf[16];
	uint32_t iid = 0;
	int has;

	if (s == NULL || (s = iid_parse(s, &has, &iid)) == NULL)
		return -1;
	if (inet_pton(AF_INET, s, buf) == 1)
		addr_set_v4(a, buf);
	else if (inet_pton(AF_INET6, s, buf) == 1)
		addr_set_v6(a, buf);
	else if (mac_parse(s, buf) == 0)
		addr_set_mac(a, buf);
	else
		return -1;
	if (has)
		addr_set_iid(a, iid);
	return 0;
}

int
addr_bits(const struct lisp_addr *a)
{
	switch (a->afi) {
	case AFI_IPV4:
		return 32;
	case AFI_IPV6:
		return 128;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return 48;
	default:
		return 0;
	}
}

const uint8_t *
addr_bytes(const struct lisp_addr *a)
{
	switch (a->afi) {
	case AFI_IPV4:
		return a->u.v4;
	case AFI_IPV6:
		return a->u.v6;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return a->u.mac;
	default:
		return NULL;
	}
}

void
addr_mask(struct lisp_addr *a, int mlen)
{
	int bits = addr_bits(a), i;
	uint8_t *p;

	if (bits == 0 || mlen >= bits)
		return;
	if (mlen < 0)
		mlen = 0;
	p = (uint8_t *)addr_bytes(a);
	for (i = mlen / 8; i < bits / 8; i++) {
		if (i == mlen / 8 && mlen % 8 != 0)
			p[i] &= (uint8_t)(0xff << (8 - mlen % 8));
		else
			p[i] = 0;
	}
}

/* family rank for ordering: IPv4 < IPv6 < MAC < DN < LCAF; AFI 0 first */
static int
afi_rank(uint16_t afi)
{
	switch (afi) {
	case AFI_NONE:
		return 0;
	case AFI_IPV4:
		return 1;
	case AFI_IPV6:
		return 2;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return 3;
	case AFI_DN:
		return 4;
	case AFI_LCAF:
		return 5;
	default:
		return 6 + afi;
	}
}

int
addr_prefix_covers(const struct lisp_addr *a, int alen, const struct lisp_addr *b)
{
	const uint8_t *pa, *pb;
	int bits = addr_bits(a), full, rest;

	if (afi_rank(a->afi) != afi_rank(b->afi) || bits == 0)
		return 0;
	if (a->has_iid != b->has_iid || (a->has_iid && a->iid != b->iid))
		return 0;
	if (alen < 0 || alen > bits)
		return 0;
	pa = addr_bytes(a);
	pb = addr_bytes(b);
	full = alen / 8;
	rest = alen % 8;
	if (memcmp(pa, pb, full) != 0)
		return 0;
	if (rest != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - rest));

		if ((pa[full] & m) != (pb[full] & m))
			return 0;
	}
	return 1;
}

static int
cmp_int(long long x, long long y)
{
	return x < y ? -1 : x > y;
}

static int
cmp_bytes(const uint8_t *p, size_t plen, const uint8_t *q, size_t qlen)
{
	size_t n = plen < qlen ? plen : qlen;
	int r;

	if (n > 0 && (r = memcmp(p, q, n)) != 0)
		return r < 0 ? -1 : 1;
	return cmp_int((long long)plen, (long long)qlen);
}

int
addr_cmp(const struct lisp_addr *a, const struct lisp_addr *b)
{
	int r;

	if ((r = cmp_int(afi_rank(a->afi), afi_rank(b->afi))) != 0)
		return r;
	if ((r = cmp_int(a->has_iid, b->has_iid)) != 0)
		return r;
	if (a->has_iid) {
		if ((r = cmp_int(a->iid, b->iid)) != 0)
			return r;
		/* the mask-len only means something for an IID range */
		if (a->afi == AFI_NONE &&
		    (r = cmp_int(a->iid_mlen, b->iid_mlen)) != 0)
			return r;
	}
	switch (a->afi) {
	case AFI_NONE:
		return 0;
	case AFI_IPV4:
	case AFI_IPV6:
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return cmp_bytes(addr_bytes(a), addr_bits(a) / 8,
		    addr_bytes(b), addr_bits(b) / 8);
	case AFI_DN:
		return cmp_bytes(a->body, a->body_len, b->body, b->body_len);
	case AFI_LCAF:
		if ((r = cmp_int(a->lcaf_type, b->lcaf_type)) != 0)
			return r;
		if ((r = cmp_int(a->lcaf_rsvd2, b->lcaf_rsvd2)) != 0)
			return r;
		return cmp_bytes(a->body, a->body_len, b->body, b->body_len);
	default:
		return 0;
	}
}

int
addr_equal(const struct lisp_addr *a, const struct lisp_addr *b)
{
	return addr_cmp(a, b) == 0;
}

const char *
afi_name(uint16_t afi)
{
	switch (afi) {
	case AFI_NONE:
		return "none";
	case AFI_IPV4:
		return "ipv4";
	case AFI_IPV6:
		return "ipv6";
	case AFI_MAC_IEEE:
	case AFI_MAC:
		return "mac";
	case AFI_DN:
		return "dn";
	case AFI_LCAF:
		return "lcaf";
	default:
		return "unknown";
	}
}

/* text output */
void
addr_sbuf(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	char tmp[INET6_ADDRSTRLEN];
	uint16_t i;

	if (a->has_iid) {
		if (a->afi == AFI_NONE && a->iid_mlen != 32)
			sbuf_printf(sb, "[%u/%u]", a->iid, a->iid_mlen);
		else
			sbuf_printf(sb, "[%u]", a->iid);
	}
	switch (a->afi) {
	case AFI_NONE:
		if (!a->has_iid)
			sbuf_printf(sb, "none");
		break;
	case AFI_IPV4:
		inet_ntop(AF_INET, a->u.v4, tmp, sizeof(tmp));
		sbuf_printf(sb, "%s", tmp);
		break;
	case AFI_IPV6:
		inet_ntop(AF_INET6, a->u.v6, tmp, sizeof(tmp));
		sbuf_printf(sb, "%s", tmp);
		break;
	case AFI_MAC_IEEE:
	case AFI_MAC:
		sbuf_printf(sb, "%02x:%02x:%02x:%02x:%02x:%02x", a->u.mac[0],
		    a->u.mac[1], a->u.mac[2], a->u.mac[3], a->u.mac[4],
		    a->u.mac[5]);
		break;
	case AFI_DN:
		sbuf_printf(sb, "'");
		for (i = 0; a->body != NULL && i < a->body_len &&
		    a->body[i] != '\0'; i++)
			sbuf_printf(sb, "%c", isprint(a->body[i]) &&
			    a->body[i] != '\'' ? a->body[i] : '?');
		sbuf_printf(sb, "'");
		break;
	case AFI_LCAF:
		lcaf_sbuf(sb, a, depth);
		break;
	default:
		sbuf_printf(sb, "afi-%u", a->afi);
		break;
	}
}

char *
addr_fmt(const struct lisp_addr *a, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	addr_sbuf(&sb, a, 0);
	return buf;
}

char *
prefix_fmt(const struct lisp_addr *a, int mlen, char *buf, size_t len)
{
	struct sbuf sb = { buf, len, 0 };

	if (len == 0)
		return buf;
	buf[0] = '\0';
	addr_sbuf(&sb, a, 0);
	sbuf_printf(&sb, "/%d", mlen);
	return buf;
}

/* "198.18.1.0/24", "[5]2001:db8::/48"; without "/len" a host prefix */
int
prefix_parse(const char *s, struct lisp_addr *a, int *mlen)
{
	char tmp[ADDR_STRLEN];
	const char *slash;
	char *end;
	size_t n;
	long v;
	int bits;

	if (s == NULL)
		return -1;
	slash = strchr(s, '/');
	n = slash != NULL ? (size_t)(slash - s) : strlen(s);
	if (n >= sizeof(tmp))
		return -1;
	memcpy(tmp, s, n);
	tmp[n] = '\0';
	if (addr_parse(a, tmp) == -1)
		return -1;
	bits = addr_bits(a);
	if (slash == NULL) {
		*mlen = bits;
		return 0;
	}
	if (!isdigit((unsigned char)slash[1]))
		return -1;
	errno = 0;
	v = strtol(slash + 1, &end, 10);
	if (errno != 0 || *end != '\0' || v < 0 || v > bits)
		return -1;
	*mlen = (int)v;
	addr_mask(a, *mlen);
	return 0;
}
