/* encapsulation and decapsulation of data packets (RFC 9300 §5), RLOC
 * choice and ICMP too-big. no sockets here: the ITR and ETR call these on
 * packet buffers, the unit tests call them on vectors. */
#include <string.h>

#include "dataplane.h"

static uint32_t
csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t
csum_fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

int
ip_parse(const uint8_t *p, size_t len, struct ip_info *ip, const char **why)
{
	size_t hl;
	uint16_t frag;
	const uint8_t *l4;
	size_t l4len;

	memset(ip, 0, sizeof(*ip));
	if (len < 1)
		goto short_;
	ip->version = p[0] >> 4;
	if (ip->version == 4) {
		if (len < 20)
			goto short_;
		hl = (size_t)(p[0] & 0x0f) * 4;
		ip->len = get_u16(p + 2);
		if (hl < 20 || ip->len < hl || ip->len > len) {
			*why = "inner IPv4 header or length invalid";
			return -1;
		}
		ip->tos = p[1];
		frag = get_u16(p + 6);
		ip->df = (frag & 0x4000) != 0;
		ip->ttl = p[8];
		ip->proto = p[9];
		addr_set_v4(&ip->src, p + 12);
		addr_set_v4(&ip->dst, p + 16);
		l4 = p + hl;
		l4len = ip->len - hl;
		if ((frag & 0x1fff) != 0)	/* not the first fragment */
			return 0;
	} else if (ip->version == 6) {
		if (len < 40)
			goto short_;
		ip->len = 40 + (size_t)get_u16(p + 4);
		if (ip->len > len) {
			*why = "inner IPv6 payload length exceeds packet";
			return -1;
		}
		ip->tos = (uint8_t)((p[0] & 0x0f) << 4 | p[1] >> 4);
		ip->proto = p[6];
		ip->ttl = p[7];
		addr_set_v6(&ip->src, p + 8);
		addr_set_v6(&ip->dst, p + 24);
		l4 = p + 40;
		l4len = ip->len - 40;
	} else {
		*why = "inner packet is not IPv4 or IPv6";
		return -1;
	}
	if ((ip->proto == 6 || ip->proto == 17 || ip->proto == 132 || ip->proto == 136) &&
	    l4len >= 4) {
		ip->sport = get_u16(l4);
		ip->dport = get_u16(l4 + 2);
	}
	return 0;
short_:
	*why = "inner packet too short";
	return -1;
}

/* FNV-1a over the 5-tuple, then a murmur3 finaliser so every bit mixes */
uint32_t
flow_hash(const struct ip_info *ip)
{
	const uint8_t *s = addr_bytes(&ip->src), *d = addr_bytes(&ip->dst);
	size_t n = ip->version == 6 ? 16 : 4, i;
	uint32_t h = 2166136261u;
	uint8_t tail[5];

	for (i = 0; s != NULL && i < n; i++)
		h = (h ^ s[i]) * 16777619u;
	for (i = 0; d != NULL && i < n; i++)
		h = (h ^ d[i]) * 16777619u;
	tail[0] = ip->proto;
	put_u16(tail + 1, ip->sport);
	put_u16(tail + 3, ip->dport);
	for (i = 0; i < sizeof(tail); i++)
		h = (h ^ tail[i]) * 16777619u;
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

uint16_t
flow_sport(uint32_t hash)
{
	return (uint16_t)(49152 | (hash & 0x3fff));
}

static int
loc_usable(const struct fib_loc *l, unsigned fams)
{
	/* fib_loc.up holds the R bit already */
	return l->up && l->priority != 255 && (l->fam & fams);
}

/*
 * RLOC choice (RFC 9300 §6, RFC 9301 §5.5): a locator with R=0 or priority
 * 255 is never used. among the usable ones, the lowest priority wins; the
 * locators sharing it split flows in proportion to their weights, or evenly
 * when every weight is 0. the flow hash (upper 16 bits, independent of the
 * 14 bits used for the source port) picks the slot, so one flow always
 * takes the same locator while the locator set is unchanged.
 */
int
rloc_select(const struct fib_loc *loc, int n, uint32_t hash, unsigned fams)
{
	int i, best = 256, cand = 0;
	uint32_t sumw = 0, v;

	for (i = 0; i < n; i++)
		if (loc_usable(&loc[i], fams) && loc[i].priority < best)
			best = loc[i].priority;
	if (best == 256)
		return -1;
	for (i = 0; i < n; i++) {
		if (!loc_usable(&loc[i], fams) || loc[i].priority != best)
			continue;
		cand++;
		sumw += loc[i].weight;
	}
	hash = hash >> 16 | hash << 16;
	if (sumw == 0) {
		v = hash % (uint32_t)cand;
		for (i = 0; i < n; i++) {
			if (!loc_usable(&loc[i], fams) || loc[i].priority != best)
				continue;
			if (v-- == 0)
				return i;
		}
		return -1;
	}
	v = hash % sumw;
	for (i = 0; i < n; i++) {
		if (!loc_usable(&loc[i], fams) || loc[i].priority != best ||
		    loc[i].weight == 0)
			continue;
		if (v < loc[i].weight)
			return i;
		v -= loc[i].weight;
	}
	return -1;
}

uint8_t *
encap_build(uint8_t *inner, size_t len, size_t headroom, const struct ip_info *ip,
    const struct lisp_addr *src, const struct lisp_addr *dst, uint16_t sport,
    int has_iid, uint32_t iid, size_t *outlen)
{
	size_t iphl, total;
	uint8_t *o, *u, *l;

	if (src->afi != dst->afi)
		return NULL;
	if (src->afi == AFI_IPV4)
		iphl = 20;
	else if (src->afi == AFI_IPV6)
		iphl = 40;
	else
		return NULL;
	if (headroom < iphl + 16)
		return NULL;
	total = iphl + 16 + len;
	if (total > 65535 + (iphl == 40 ? 40 : 0))
		return NULL;
	o = inner - iphl - 16;
	u = o + iphl;
	l = u + 8;
	if (iphl == 20) {
		o[0] = 0x45;
		o[1] = ip->tos;
		put_u16(o + 2, (uint16_t)total);
		put_u16(o + 4, 0);		/* id: the kernel fills it */
		put_u16(o + 6, 0);
		o[8] = ip->ttl;
		o[9] = 17;
		put_u16(o + 10, 0);
		memcpy(o + 12, addr_bytes(src), 4);
		memcpy(o + 16, addr_bytes(dst), 4);
		put_u16(o + 10, csum_fold(csum_add(0, o, 20)));
	} else {
		uint32_t fl = flow_hash(ip) & 0xfffff;

		put_u32(o, 6u << 28 | (uint32_t)ip->tos << 20 | fl);
		put_u16(o + 4, (uint16_t)(len + 16));
		o[6] = 17;
		o[7] = ip->ttl;
		memcpy(o + 8, addr_bytes(src), 16);
		memcpy(o + 24, addr_bytes(dst), 16);
	}
	put_u16(u, sport);
	put_u16(u + 2, LISP_DATA_PORT);
	put_u16(u + 4, (uint16_t)(len + 16));
	put_u16(u + 6, 0);
	if (has_iid) {
		put_u32(l, (uint32_t)LD_I << 24);
		put_u32(l + 4, (iid & 0xffffff) << 8);
	} else {
		put_u32(l, 0);
		put_u32(l + 4, 0);
	}
	*outlen = total;
	return o;
}

int
decap_parse(uint8_t *p, size_t len, int outer_ttl, struct decap *d, const char **why)
{
	uint8_t flags, *in;
	size_t inlen;

	memset(d, 0, sizeof(*d));
	if (len < LISP_DATA_HDR_LEN + 1) {
		*why = "short LISP header";
		return -1;
	}
	flags = p[0];
	if (flags & LD_KK) {
		*why = "encrypted (key-id set)";
		return -1;
	}
	if (flags & LD_P) {
		*why = "LISP-GPE next protocol set";
		return -1;
	}
	if (flags & LD_I) {
		d->has_iid = 1;
		d->iid = get_u32(p + 4) >> 8;
	}
	in = p + LISP_DATA_HDR_LEN;
	inlen = len - LISP_DATA_HDR_LEN;
	if (ip_parse(in, inlen, &d->ip, why) == -1)
		return -1;
	inlen = d->ip.len;
	if (outer_ttl >= 0 && d->ip.ttl > outer_ttl) {
		d->ip.ttl = (uint8_t)outer_ttl;
		if (d->ip.version == 4) {
			size_t hl = (size_t)(in[0] & 0x0f) * 4;

			in[8] = (uint8_t)outer_ttl;
			put_u16(in + 10, 0);
			put_u16(in + 10, csum_fold(csum_add(0, in, hl)));
		} else
			in[7] = (uint8_t)outer_ttl;
	}
	if (d->ip.ttl == 0) {
		*why = "inner TTL zero";
		return -1;
	}
	d->inner = in;
	d->len = inlen;
	return 0;
}

int
decap_udp_payload(const struct decap *d, struct rbuf *out, const char **why)
{
	size_t hl, ulen;

	if (d->ip.proto != 17) {
		*why = "not UDP";
		return -1;
	}
	hl = d->ip.version == 4 ? (size_t)(d->inner[0] & 0x0f) * 4 : 40;
	if (d->len < hl + 8) {
		*why = "short UDP header";
		return -1;
	}
	ulen = get_u16(d->inner + hl + 4);
	if (ulen < 8 || ulen > d->len - hl) {
		*why = "bad UDP length";
		return -1;
	}
	rbuf_init(out, d->inner + hl + 8, ulen - 8);
	return 0;
}

size_t
icmp_too_big(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len,
    const struct lisp_addr *from, int mtu)
{
	struct ip_info ip;
	const char *why;
	size_t quote, n;
	uint32_t sum;

	if (ip_parse(pkt, len, &ip, &why) == -1)
		return 0;
	if (ip.version == 4) {
		size_t hl = (size_t)(pkt[0] & 0x0f) * 4;

		if (!ip.df || from->afi != AFI_IPV4)
			return 0;
		/* no ICMP about ICMP errors */
		if (ip.proto == 1 && len > hl && pkt[hl] != 0 && pkt[hl] != 8)
			return 0;
		quote = len < 548 ? len : 548;
		n = 28 + quote;
		if (cap < n)
			return 0;
		out[0] = 0x45;
		out[1] = 0;
		put_u16(out + 2, (uint16_t)n);
		put_u16(out + 4, 0);
		put_u16(out + 6, 0);
		out[8] = 64;
		out[9] = 1;
		put_u16(out + 10, 0);
		memcpy(out + 12, addr_bytes(from), 4);
		memcpy(out + 16, pkt + 12, 4);		/* back to the source */
		put_u16(out + 10, csum_fold(csum_add(0, out, 20)));
		out[20] = 3;
		out[21] = 4;
		put_u16(out + 22, 0);
		put_u16(out + 24, 0);
		put_u16(out + 26, (uint16_t)mtu);
		memcpy(out + 28, pkt, quote);
		put_u16(out + 22, csum_fold(csum_add(0, out + 20, 8 + quote)));
		return n;
	}
	if (from->afi != AFI_IPV6)
		return 0;
	if (ip.proto == 58 && len > 40 && pkt[40] < 128)
		return 0;
	quote = len < 1232 ? len : 1232;
	n = 48 + quote;
	if (cap < n)
		return 0;
	put_u32(out, 6u << 28);
	put_u16(out + 4, (uint16_t)(8 + quote));
	out[6] = 58;
	out[7] = 64;
	memcpy(out + 8, addr_bytes(from), 16);
	memcpy(out + 24, pkt + 8, 16);
	out[40] = 2;
	out[41] = 0;
	put_u16(out + 42, 0);
	put_u32(out + 44, (uint32_t)mtu);
	memcpy(out + 48, pkt, quote);
	/* pseudo-header: addresses, upper-layer length, next header */
	sum = csum_add(0, out + 8, 32);
	sum += (uint32_t)(8 + quote);
	sum += 58;
	sum = csum_add(sum, out + 40, 8 + quote);
	put_u16(out + 42, csum_fold(sum));
	return n;
}
