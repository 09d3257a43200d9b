/* Encapsulated Control Message (RFC 9301 §5.8, LISP-SEC AD per RFC 9303,
 * MS-RTR AD per the NAT-traversal draft) and the Internet checksums. */
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "msg.h"

#define ECM_AD_LISPSEC	1	/* RFC 9303 */
#define ECM_AD_MSRTR	2	/* NAT draft: MS-RTR authentication */

#define IPPROTO_UDP_	17
#define IP4_HDR_LEN	20
#define IP6_HDR_LEN	40
#define UDP_HDR_LEN	8
#define ECM_INNER_TTL	64

static uint32_t
cksum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	while (len > 1) {
		sum += (uint32_t)p[0] << 8 | p[1];
		p += 2;
		len -= 2;
		if (sum & 0x80000000u)
			sum = (sum & 0xffff) + (sum >> 16);
	}
	if (len == 1)
		sum += (uint32_t)p[0] << 8;
	return sum;
}

static uint16_t
cksum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* RFC 1071 checksum of len octets, starting from the partial sum "sum"
 * (host-order 16-bit words already added up). returns the complemented
 * result in host order; over data that carries a valid checksum it is 0. */
uint16_t
inet_cksum(const void *data, size_t len, uint32_t sum)
{
	return cksum_fold(cksum_add(sum, data, len));
}

/* UDP checksum with the IPv4 or IPv6 pseudo-header. udp points at the UDP
 * header, len covers header and payload; the checksum field is summed as
 * it is (zero it first to compute, leave it to verify: 0 means valid).
 * the caller sends 0xffff when the result is 0. returns 0 when the
 * addresses are not both IPv4 or both IPv6. */
uint16_t
udp_cksum(const struct lisp_addr *src, const struct lisp_addr *dst,
    const uint8_t *udp, size_t len)
{
	uint32_t sum = 0;
	uint8_t ph[8];

	if (src->afi == AFI_IPV4 && dst->afi == AFI_IPV4) {
		sum = cksum_add(sum, src->u.v4, 4);
		sum = cksum_add(sum, dst->u.v4, 4);
		sum += IPPROTO_UDP_;
		sum += (uint32_t)(len & 0xffff);
	} else if (src->afi == AFI_IPV6 && dst->afi == AFI_IPV6) {
		sum = cksum_add(sum, src->u.v6, 16);
		sum = cksum_add(sum, dst->u.v6, 16);
		put_u32(ph, (uint32_t)len);
		put_u32(ph + 4, IPPROTO_UDP_);
		sum = cksum_add(sum, ph, sizeof(ph));
	} else
		return 0;
	return inet_cksum(udp, len, sum);
}

/* walk the authentication data that precedes the inner IP header when
 * S=1. LISP-SEC (type 1): 4-octet AD header, OTK-AD whose OTK Length counts
 * the preamble and OTK after its own 4-octet header, then the EID-AD whose
 * Length counts the whole EID-AD including the Length field (RFC 9303: an
 * ITR sends 4). MS-RTR (type 2): AD type, 3 reserved, Key ID (16), Auth
 * Data Length (16), Auth Data. */
static int
ecm_sec_walk(struct rbuf *b, struct rbuf *sec, struct msg_err *err)
{
	struct rbuf	 c = *b;
	uint8_t		 adtype;
	uint16_t	 otklen, eidlen, authlen;

	if (b->len < 1)
		return msg_err_set(err, "short ecm auth data", 0, 0);
	adtype = b->p[0];
	switch (adtype) {
	case ECM_AD_LISPSEC:
		if (rbuf_skip(&c, 4) == -1 || rbuf_u16(&c, &otklen) == -1 ||
		    rbuf_skip(&c, 2) == -1)
			return msg_err_set(err, "short ecm otk-ad", 0, 0);
		if (rbuf_skip(&c, otklen) == -1)
			return msg_err_set(err, "ecm otk length beyond message",
			    0, 0);
		if (rbuf_peek_u16(&c, &eidlen) == -1)
			return msg_err_set(err, "short ecm eid-ad", 0, 0);
		if (eidlen < 4)
			return msg_err_set(err, "ecm eid-ad length too small",
			    0, 0);
		if (rbuf_skip(&c, eidlen) == -1)
			return msg_err_set(err, "ecm eid-ad length beyond message",
			    0, 0);
		break;
	case ECM_AD_MSRTR:
		if (rbuf_skip(&c, 6) == -1 || rbuf_u16(&c, &authlen) == -1)
			return msg_err_set(err, "short ecm ms-rtr auth data",
			    0, 0);
		if (rbuf_skip(&c, authlen) == -1)
			return msg_err_set(err, "ecm ms-rtr auth length beyond message",
			    0, 0);
		break;
	default:
		return msg_err_set(err, "unknown ecm auth data type", 0, 0);
	}
	rbuf_sub(b, b->len - c.len, sec);
	return 0;
}

static int
ecm_ip4(struct rbuf *b, struct lisp_ecm *ecm, struct rbuf *payload,
    struct msg_err *err)
{
	const uint8_t	*h = b->p;
	size_t		 ihl, tot;
	uint16_t	 frag;

	if (b->len < IP4_HDR_LEN)
		return msg_err_set(err, "short inner ipv4 header", 0, 0);
	ihl = (size_t)(h[0] & 0x0f) * 4;
	if (ihl < IP4_HDR_LEN)
		return msg_err_set(err, "inner ipv4 ihl < 5", 0, 0);
	tot = get_u16(h + 2);
	if (tot < ihl + UDP_HDR_LEN)
		return msg_err_set(err, "inner ipv4 total length too small",
		    0, 0);
	if (tot > b->len)
		return msg_err_set(err, "inner ipv4 total length beyond message",
		    0, 0);
	frag = get_u16(h + 6);
	if (frag & 0x3fff)
		return msg_err_set(err, "inner ipv4 fragment", 0, 0);
	if (h[9] != IPPROTO_UDP_)
		return msg_err_set(err, "inner ipv4 protocol not udp", 0, 0);
	ecm->ttl = h[8];
	addr_set_v4(&ecm->src, h + 12);
	addr_set_v4(&ecm->dst, h + 16);
	rbuf_sub(b, tot, &ecm->ip);
	*payload = ecm->ip;
	rbuf_skip(payload, ihl);	/* options skipped */
	return 0;
}

static int
ecm_ip6(struct rbuf *b, struct lisp_ecm *ecm, struct rbuf *payload,
    struct msg_err *err)
{
	const uint8_t	*h = b->p;
	size_t		 plen;

	if (b->len < IP6_HDR_LEN)
		return msg_err_set(err, "short inner ipv6 header", 0, 0);
	plen = get_u16(h + 4);
	if (plen < UDP_HDR_LEN)
		return msg_err_set(err, "inner ipv6 payload length too small",
		    0, 0);
	if (plen > b->len - IP6_HDR_LEN)
		return msg_err_set(err, "inner ipv6 payload length beyond message",
		    0, 0);
	if (h[6] != IPPROTO_UDP_)
		return msg_err_set(err, "inner ipv6 next header not udp", 0, 0);
	ecm->ttl = h[7];
	addr_set_v6(&ecm->src, h + 8);
	addr_set_v6(&ecm->dst, h + 24);
	rbuf_sub(b, IP6_HDR_LEN + plen, &ecm->ip);
	*payload = ecm->ip;
	rbuf_skip(payload, IP6_HDR_LEN);
	return 0;
}

int
ecm_decode(struct rbuf *b, struct lisp_ecm *ecm, struct msg_err *err)
{
	struct rbuf	 c = *b, payload;
	uint32_t	 w0;
	uint16_t	 ulen;

	memset(ecm, 0, sizeof(*ecm));
	if (rbuf_u32(&c, &w0) == -1)
		return msg_err_set(err, "short ecm header", 0, 0);
	if (LISP_TYPE(w0) != LISP_ECM)
		return msg_err_set(err, "not an ecm", 0, 0);
	ecm->flags = w0 & 0x0fffffffu;	/* ECM_* and reserved bits as received */
	if ((w0 & ECM_S) && ecm_sec_walk(&c, &ecm->sec, err) == -1)
		return -1;
	if (c.len < 1)
		return msg_err_set(err, "no inner ip header", 0, 0);
	ecm->ip_version = c.p[0] >> 4;
	if (ecm->ip_version == 4) {
		if (ecm_ip4(&c, ecm, &payload, err) == -1)
			return -1;
	} else if (ecm->ip_version == 6) {
		if (ecm_ip6(&c, ecm, &payload, err) == -1)
			return -1;
	} else
		return msg_err_set(err, "inner ip version not 4 or 6", 0, 0);

	/* payload: from the UDP header to the end of the IP packet */
	if (rbuf_u16(&payload, &ecm->sport) == -1 ||
	    rbuf_u16(&payload, &ecm->dport) == -1 ||
	    rbuf_u16(&payload, &ulen) == -1 ||
	    rbuf_u16(&payload, &ecm->udp_csum) == -1)
		return msg_err_set(err, "short inner udp header", 0, 0);
	if (ulen < UDP_HDR_LEN)
		return msg_err_set(err, "inner udp length too small", 0, 0);
	if ((size_t)ulen - UDP_HDR_LEN > payload.len)
		return msg_err_set(err, "inner udp length beyond ip packet",
		    0, 0);
	rbuf_sub(&payload, (size_t)ulen - UDP_HDR_LEN, &ecm->inner);
	/* ->ip ends with the UDP payload, not with IP padding */
	ecm->ip.len = (size_t)(ecm->inner.p + ecm->inner.len - ecm->ip.p);
	if (ecm->inner.len < 4)
		return msg_err_set(err, "inner lisp message too short", 0, 0);
	*b = c;
	return 0;
}

/* S (LISP-SEC data) is never written: a caller that needs it builds the AD
 * itself. */
void
ecm_encode(struct wbuf *w, uint32_t flags, const struct lisp_addr *src,
    const struct lisp_addr *dst, uint16_t sport, uint16_t dport,
    const uint8_t *inner, size_t len)
{
	size_t		 iplen, ulen, ip_off, udp_off;
	uint8_t		*ip, *udp;
	uint16_t	 ck;
	int		 v6;

	if (src->afi == AFI_IPV4 && dst->afi == AFI_IPV4)
		v6 = 0;
	else if (src->afi == AFI_IPV6 && dst->afi == AFI_IPV6)
		v6 = 1;
	else {
		w->err = 1;
		return;
	}
	ulen = UDP_HDR_LEN + len;
	iplen = (v6 ? IP6_HDR_LEN : IP4_HDR_LEN) + ulen;
	if (ulen > 0xffff || (!v6 && iplen > 0xffff)) {
		w->err = 1;
		return;
	}

	wbuf_u32(w, (uint32_t)LISP_ECM << 28 | (flags & 0x0fffffffu & ~ECM_S));
	ip_off = w->len;
	if (!v6) {
		wbuf_u8(w, 0x45);
		wbuf_u8(w, 0);			/* tos */
		wbuf_u16(w, (uint16_t)iplen);
		wbuf_u16(w, 0);			/* id */
		wbuf_u16(w, 0);			/* DF clear, no fragment */
		wbuf_u8(w, ECM_INNER_TTL);
		wbuf_u8(w, IPPROTO_UDP_);
		wbuf_u16(w, 0);			/* checksum, below */
		wbuf_bytes(w, src->u.v4, 4);
		wbuf_bytes(w, dst->u.v4, 4);
	} else {
		wbuf_u32(w, 6u << 28);
		wbuf_u16(w, (uint16_t)ulen);
		wbuf_u8(w, IPPROTO_UDP_);
		wbuf_u8(w, ECM_INNER_TTL);
		wbuf_bytes(w, src->u.v6, 16);
		wbuf_bytes(w, dst->u.v6, 16);
	}
	udp_off = w->len;
	wbuf_u16(w, sport);
	wbuf_u16(w, dport);
	wbuf_u16(w, (uint16_t)ulen);
	wbuf_u16(w, 0);
	wbuf_bytes(w, inner, len);
	if (w->err)
		return;

	ip = w->p + ip_off;
	udp = w->p + udp_off;
	if (!v6)
		put_u16(ip + 10, inet_cksum(ip, IP4_HDR_LEN, 0));
	ck = udp_cksum(src, dst, udp, ulen);
	put_u16(udp + 6, ck == 0 ? 0xffff : ck);
}
