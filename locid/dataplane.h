/* the xTR data plane: encapsulation and decapsulation (encap.c, pure
 * functions over packet bytes), the TUN device (tun.c) and the kernel
 * routing state the ITR needs (netlink.c, libmnl). */
#ifndef LOCID_DATAPLANE_H
#define LOCID_DATAPLANE_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "fib.h"
#include "msg.h"

#define ENCAP_HEADROOM	64		/* >= outer IPv6 40 + UDP 8 + LISP 8 */
#define ENCAP_OVERHEAD4	36
#define ENCAP_OVERHEAD6	56
#define DP_PKT_MAX	65536

/* what the ITR needs to know about an inner packet */
struct ip_info {
	int		 version;	/* 4 or 6 */
	struct lisp_addr src, dst;
	uint8_t		 ttl;		/* TTL / hop limit */
	uint8_t		 tos;		/* DSCP + ECN / traffic class */
	uint8_t		 proto;		/* IPv6: the first next header */
	uint16_t	 sport, dport;	/* TCP/UDP/SCTP, else 0 */
	int		 df;		/* IPv4 DF bit */
	size_t		 len;		/* total length from the header */
};

int	ip_parse(const uint8_t *, size_t, struct ip_info *, const char **why);
/* hash of the inner 5-tuple (symmetric in neither direction: per flow) */
uint32_t flow_hash(const struct ip_info *);
/* UDP source port of the outer header: 49152 + 14 bits of the hash */
uint16_t flow_sport(uint32_t hash);

#define FAM_V4	1
#define FAM_V6	2
/* choose a locator: the usable ones (up, R=1, priority < 255, a family in
 * fams) of the best priority, then by weight using hash; -1 when none */
int	rloc_select(const struct fib_loc *, int n, uint32_t hash, unsigned fams);

/* write the outer IP, UDP and LISP headers in the headroom before inner:
 * outer TTL = inner TTL, DSCP/ECN copied, UDP checksum 0, I bit with iid
 * when has_iid. returns the start of the outer packet, *outlen its length;
 * NULL when headroom is short or the families are not IPv4/IPv6. */
uint8_t	*encap_build(uint8_t *inner, size_t len, size_t headroom,
	    const struct ip_info *, const struct lisp_addr *src,
	    const struct lisp_addr *dst, uint16_t sport, int has_iid, uint32_t iid,
	    size_t *outlen);

/* a decapsulated packet */
struct decap {
	uint8_t		*inner;
	size_t		 len;
	int		 has_iid;
	uint32_t	 iid;
	struct ip_info	 ip;
};

/* p/len: the UDP payload of a packet received on 4341 (LISP header and
 * inner packet). checks the header and the inner IP header, trims to the
 * inner length and sets inner TTL = min(inner, outer_ttl). */
int	decap_parse(uint8_t *p, size_t len, int outer_ttl, struct decap *, const char **why);
/* the UDP payload of a decapsulated packet (a control message carried in
 * a data packet: the NAT draft's Data-Map-Notify), within the UDP length;
 * -1 with a reason when it is not UDP or does not fit */
int	decap_udp_payload(const struct decap *, struct rbuf *, const char **why);

/* an ICMP fragmentation-needed (IPv4) or packet-too-big (IPv6) message back
 * to the source of pkt, from the address from, announcing mtu. returns its
 * length, 0 when none is due (IPv4 without DF, ICMP errors, no source). */
size_t	icmp_too_big(uint8_t *out, size_t cap, const uint8_t *pkt, size_t len,
	    const struct lisp_addr *from, int mtu);

/* tun.c: open (create) a TUN device without packet info, non-blocking;
 * name is updated with the kernel's name. returns the fd or -1 */
int	tun_open(char *name, size_t namelen);

/* netlink.c */
struct nl;
struct nl *nl_open(void);
void	nl_close(struct nl *);
int	nl_ifindex(struct nl *, const char *name);	/* 0 if none */
int	nl_link_mtu(struct nl *, int ifindex);		/* -1 on error */
int	nl_link_set(struct nl *, int ifindex, int mtu, int up);
int	nl_link_txqlen(struct nl *, int ifindex, uint32_t qlen);
/* first address of family (4/6) on ifindex (global scope preferred) */
int	nl_if_addr(struct nl *, int ifindex, int family, struct lisp_addr *);
/* interface holding a local address, 0 if none */
int	nl_addr_ifindex(struct nl *, const struct lisp_addr *);
/* interface the kernel would use to reach dst, 0 if none */
int	nl_route_oif(struct nl *, const struct lisp_addr *dst);
#define NL_RT_DEV	0	/* unicast route out of oif */
#define NL_RT_THROW	1
int	nl_route(struct nl *, int add, int type, uint32_t table,
	    const struct lisp_addr *dst, int plen, int oif);
/* `ip rule from src/plen lookup table priority prio`; with src NULL and
 * suppress >= 0: `ip rule lookup table suppress_prefixlength suppress` */
int	nl_rule(struct nl *, int add, int family, const struct lisp_addr *src,
	    int plen, uint32_t table, uint32_t prio, int suppress);
/* `ip rule iif ifname lookup table priority prio` */
int	nl_rule_iif(struct nl *, int add, int family, const char *ifname,
	    uint32_t table, uint32_t prio);
/* the on-link prefixes of ifindex's addresses of family (4/6), host bits
 * clear, global scope only; up to max, their number (-1 on error) */
int	nl_if_prefixes(struct nl *, int ifindex, int family, struct lisp_addr *,
	    int *plen, int max);
const char *nl_error(struct nl *);

#endif
