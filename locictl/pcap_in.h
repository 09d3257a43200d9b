/* reading LISP packets out of a capture: link layers, IPv4/IPv6, UDP */
#ifndef LOCICTL_PCAP_IN_H
#define LOCICTL_PCAP_IN_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>

#define IPSTR_LEN	INET6_ADDRSTRLEN

/* an IP header, parsed as far as the transport */
struct ip_info {
	uint8_t		 version;		/* 4 or 6 */
	uint8_t		 proto;			/* upper-layer protocol */
	uint8_t		 ttl;
	uint8_t		 later_frag;		/* not the first fragment */
	char		 src[IPSTR_LEN], dst[IPSTR_LEN];
	const uint8_t	*l4;			/* transport header */
	size_t		 l4_len;		/* captured octets of it, up to the IP length */
};

/* a UDP datagram found in a frame */
struct pkt_udp {
	struct ip_info	 ip;
	uint16_t	 sport, dport;
	const uint8_t	*payload;
	size_t		 len;			/* captured payload octets */
	size_t		 wire_len;		/* payload length from the UDP header */
};

/* parse an IP packet; -1 when it is not IPv4/IPv6 or is malformed */
int	ip_parse(const uint8_t *, size_t, struct ip_info *);

/* find the UDP datagram in a frame of the given pcap link type (DLT_*).
 * 1 found, 0 not UDP (or unsupported link type, or a later fragment) */
int	pkt_udp_find(int dlt, const uint8_t *, size_t caplen, struct pkt_udp *);

/* call fn for every frame (frame numbers from 1); fn gets NULL for frames
 * without a UDP datagram. returns 0, or -1 with err filled when the file
 * cannot be read. fn returning non-zero stops the walk. */
typedef int (*pcap_in_fn)(unsigned frame, const struct pkt_udp *, void *);
int	pcap_in_walk(const char *path, pcap_in_fn, void *arg, char *err,
	    size_t errlen);

#endif
