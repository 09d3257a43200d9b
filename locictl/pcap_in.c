/* frames from a capture file down to the UDP payload: Ethernet (with
 * stacked 802.1Q/802.1ad tags), Linux cooked v1/v2, raw IP, BSD loopback;
 * IPv4 with options and IPv6 with extension headers. */
#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#include "buf.h"
#include "pcap_in.h"

#define ETH_IP4		0x0800
#define ETH_IP6		0x86dd
#define ETH_VLAN	0x8100
#define ETH_QINQ	0x88a8
#define ETH_QINQ_OLD	0x9100
#define VLAN_MAX	8

#ifndef DLT_LINUX_SLL2
#define DLT_LINUX_SLL2	276
#endif
#ifndef DLT_IPV4
#define DLT_IPV4	228
#endif
#ifndef DLT_IPV6
#define DLT_IPV6	229
#endif

static int
ip4_parse(const uint8_t *p, size_t len, struct ip_info *ip)
{
	size_t ihl, tot;

	if (len < 20)
		return -1;
	ihl = (size_t)(p[0] & 0x0f) * 4;
	tot = get_u16(p + 2);
	if (ihl < 20 || ihl > len)
		return -1;
	if (tot == 0)		/* segmentation offload: trust the capture */
		tot = len;
	if (tot < ihl)
		return -1;
	if (tot > len)
		tot = len;
	ip->version = 4;
	ip->ttl = p[8];
	ip->proto = p[9];
	ip->later_frag = (get_u16(p + 6) & 0x1fff) != 0;
	inet_ntop(AF_INET, p + 12, ip->src, sizeof(ip->src));
	inet_ntop(AF_INET, p + 16, ip->dst, sizeof(ip->dst));
	ip->l4 = p + ihl;
	ip->l4_len = tot - ihl;
	return 0;
}

static int
ip6_parse(const uint8_t *p, size_t len, struct ip_info *ip)
{
	size_t plen, off, hlen;
	uint8_t nh;
	int n;

	if (len < 40)
		return -1;
	plen = get_u16(p + 4);
	if (plen == 0 || plen > len - 40)	/* jumbogram or truncated */
		plen = len - 40;
	ip->version = 6;
	ip->ttl = p[7];
	ip->later_frag = 0;
	inet_ntop(AF_INET6, p + 8, ip->src, sizeof(ip->src));
	inet_ntop(AF_INET6, p + 24, ip->dst, sizeof(ip->dst));
	nh = p[6];
	p += 40;
	off = 0;
	/* walk a bounded number of extension headers */
	for (n = 0; n < 8; n++) {
		if (nh != 0 && nh != 43 && nh != 60 && nh != 44 && nh != 51)
			break;
		if (plen - off < 8)
			return -1;
		if (nh == 44) {
			if ((get_u16(p + off + 2) & 0xfff8) != 0)
				ip->later_frag = 1;
			hlen = 8;
		} else if (nh == 51)
			hlen = ((size_t)p[off + 1] + 2) * 4;
		else
			hlen = ((size_t)p[off + 1] + 1) * 8;
		if (hlen > plen - off)
			return -1;
		nh = p[off];
		off += hlen;
	}
	ip->proto = nh;
	ip->l4 = p + off;
	ip->l4_len = plen - off;
	return 0;
}

int
ip_parse(const uint8_t *p, size_t len, struct ip_info *ip)
{
	memset(ip, 0, sizeof(*ip));
	if (len < 1)
		return -1;
	switch (p[0] >> 4) {
	case 4:
		return ip4_parse(p, len, ip);
	case 6:
		return ip6_parse(p, len, ip);
	default:
		return -1;
	}
}

/* skip the link layer; returns the network-layer offset or -1 */
static long
link_skip(int dlt, const uint8_t *p, size_t len)
{
	size_t off;
	uint16_t et;
	int n;

	switch (dlt) {
	case DLT_EN10MB:
		if (len < 14)
			return -1;
		et = get_u16(p + 12);
		off = 14;
		for (n = 0; n < VLAN_MAX && (et == ETH_VLAN || et == ETH_QINQ ||
		    et == ETH_QINQ_OLD); n++) {
			if (len - off < 4)
				return -1;
			et = get_u16(p + off + 2);
			off += 4;
		}
		break;
	case DLT_LINUX_SLL:
		if (len < 16)
			return -1;
		et = get_u16(p + 14);
		off = 16;
		break;
	case DLT_LINUX_SLL2:
		if (len < 20)
			return -1;
		et = get_u16(p);
		off = 20;
		break;
	case DLT_RAW:
	case DLT_IPV4:
	case DLT_IPV6:
		return 0;
	case DLT_NULL:
	case DLT_LOOP:
		/* a 4-octet family word; the IP version nibble decides */
		return len < 4 ? -1 : 4;
	default:
		return -1;
	}
	if (et != ETH_IP4 && et != ETH_IP6)
		return -1;
	return (long)off;
}

int
pkt_udp_find(int dlt, const uint8_t *p, size_t caplen, struct pkt_udp *u)
{
	long off;
	uint16_t ulen;

	memset(u, 0, sizeof(*u));
	if ((off = link_skip(dlt, p, caplen)) < 0)
		return 0;
	if (ip_parse(p + off, caplen - (size_t)off, &u->ip) == -1)
		return 0;
	if (u->ip.proto != 17 || u->ip.later_frag || u->ip.l4_len < 8)
		return 0;
	u->sport = get_u16(u->ip.l4);
	u->dport = get_u16(u->ip.l4 + 2);
	ulen = get_u16(u->ip.l4 + 4);
	if (ulen < 8)
		return 0;
	u->payload = u->ip.l4 + 8;
	u->wire_len = (size_t)ulen - 8;
	u->len = u->ip.l4_len - 8;
	if (u->len > u->wire_len)	/* link-layer padding */
		u->len = u->wire_len;
	return 1;
}

int
pcap_in_walk(const char *path, pcap_in_fn fn, void *arg, char *err,
    size_t errlen)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *data;
	struct pkt_udp u;
	unsigned frame = 0;
	pcap_t *pc;
	int dlt, r, rc = 0;

	if ((pc = pcap_open_offline(path, ebuf)) == NULL) {
		snprintf(err, errlen, "%s", ebuf);
		return -1;
	}
	dlt = pcap_datalink(pc);
	while ((r = pcap_next_ex(pc, &h, &data)) == 1) {
		frame++;
		if (fn(frame, pkt_udp_find(dlt, data, h->caplen, &u) == 1 ?
		    &u : NULL, arg) != 0)
			break;
	}
	if (r == PCAP_ERROR) {
		snprintf(err, errlen, "frame %u: %s", frame + 1,
		    pcap_geterr(pc));
		rc = -1;
	}
	pcap_close(pc);
	return rc;
}
