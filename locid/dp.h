/* the data plane as an object: the TUN device, UDP 4341, the raw send
 * sockets, packet buffers, counters and the FIB. it forwards what the FIB
 * says and nothing else: a packet the FIB cannot forward (no entry, still
 * resolving, a send-map-request action) and a first use of an entry go to
 * the control side through a bounded queue (dp_ctl.miss), which decides
 * and publishes the answer in the FIB. what the data plane needs to know
 * about the site (EID-prefixes, PITR/PETR prefixes, PETRs, source RLOCs,
 * MTUs) it is given whole as a policy (dp_policy_set): a role without a
 * database (PxTR today, an RTR later) uses it the same way.
 *
 * a second implementation (the kernel fast path) plugs in as dp_ops: it is
 * told every FIB change and every policy, and what it does not handle
 * comes back the way of this one (TUN). */
#ifndef LOCID_DP_H
#define LOCID_DP_H

#include <sys/socket.h>

#include <net/if.h>
#include <event2/event.h>

#include "dataplane.h"
#include "fib.h"
#include "locid.h"

#define DP_BATCH	64
#define DP_MISSQ	256		/* misses queued before the control side runs */

/* a packet copied out of the data plane (held while its destination
 * resolves, or on its way to the control side) */
struct dp_pkt {
	struct dp_pkt	*next;
	size_t		 len;
	int		 tn;		/* the TUN it came from: 0 default, else tenant + 1 */
	uint8_t		 data[];
};
struct dp_pkt	*dp_pkt_new(const uint8_t *, size_t);
void		 dp_pkt_free(struct dp_pkt *);	/* a list */

/* an EID-prefix of the policy, normalised, IID in eid.has_iid/eid.iid */
struct dp_prefix {
	struct lisp_addr eid;
	int		 mlen;
	int		 tenant;	/* its instance-id is a tenant's: its TUN only */
};

/* what the data plane is told about the site, copied by dp_policy_set */
struct dp_policy {
	int		 itr, etr, pitr, petr;
	const struct dp_prefix *eids;	/* the database-mappings' prefixes */
	int		 neids;
	const struct dp_prefix *pitr_pfx; /* PITR: destinations it encapsulates to */
	int		 npitr;
	const struct dp_prefix *petr_pfx; /* PETR: inner sources it accepts (none: any) */
	int		 npetr_pfx;
	struct fib_loc	 petrs[FIB_MAX_LOCS];	/* natively forwarded goes to these */
	int		 npetrs;
	struct lisp_addr rloc4, rloc6;	/* source RLOCs (AFI_NONE if none) */
	int		 ul_mtu4, ul_mtu6;	/* underlay MTU per family, 0 unknown */
	int		 decap_check;		/* DECAP_CHECK_* (conf.h) */
	const struct dp_prefix *decap_allow;	/* outer sources always accepted */
	int		 ndecap_allow;
};

/* what goes to the control side */
enum dp_miss_kind {
	DP_MISS,		/* no FIB entry for the destination */
	DP_PENDING,		/* the entry is resolving: hold the packet */
	DP_ASK,			/* negative, send-map-request (packet dropped) */
	DP_USED,		/* first use of an entry since its update or in a minute */
};
struct dp_miss {
	uint8_t		 kind;		/* DP_* */
	struct lisp_addr src, dst;	/* IID of the source's EID-prefix */
	void		*ctl;		/* the entry's ctl (not DP_MISS); check before use */
	struct dp_pkt	*pkt;		/* taken by the callee; NULL for DP_USED and DP_ASK */
};

struct dp_ctl {
	void		*arg;
	void		(*miss)(void *arg, struct dp_miss *);
	/* a decapsulated packet was delivered to our EID space */
	void		(*decap)(void *arg, const struct sockaddr *from, const struct decap *);
	/* a control message in a data packet (instance-id 0xFFFFFF: the
	 * Data-Map-Notify of the NAT traversal draft); NULL: not wanted */
	void		(*control)(void *arg, const struct sockaddr *from, const struct decap *);
};
#define DP_CONTROL_IID	0xFFFFFFu

/* the drops of the data plane */
#define DP_DROPS(X) \
	X(DP_DROP_DECAP_PACKET_TRUNCATED, "decap: packet truncated") \
	X(DP_DROP_DECAP_MALFORMED, "decap: malformed") \
	X(DP_DROP_DECAP_DESTINATION_NOT_IN_OUR_EID_SPACE, "decap: destination not in our EID space") \
	X(DP_DROP_DECAP_NESTED_LISP_TO_OURSELVES, "decap: nested lisp to ourselves") \
	X(DP_DROP_DECAP_OUTER_SOURCE_NOT_A_LOCATOR, "decap: outer source not a locator of the inner source") \
	X(DP_DROP_DECAP_INNER_SOURCE_NOT_CACHED, "decap: inner source not in the map-cache") \
	X(DP_DROP_ITR_MALFORMED_PACKET_FROM_TUN, "itr: malformed packet from tun") \
	X(DP_DROP_ITR_SOURCE_NOT_IN_OUR_EID_SPACE, "itr: source not in our EID space") \
	X(DP_DROP_ITR_PACKET_ON_TUN_WITHOUT_ITR_ROLE, "itr: packet on tun without itr role") \
	X(DP_DROP_ITR_NO_USABLE_LOCATOR, "itr: no usable locator") \
	X(DP_DROP_ITR_PACKET_LARGER_THAN_THE_TUNNEL_MTU, "itr: packet larger than the tunnel MTU") \
	X(DP_DROP_ITR_ENCAPSULATION_FAILED, "itr: encapsulation failed") \
	X(DP_DROP_ITR_NEGATIVE_ENTRY_SEND_MAP_REQUEST, "itr: negative entry, send-map-request") \
	X(DP_DROP_ITR_NEGATIVE_ENTRY_DROP_ACTION, "itr: negative entry, drop action") \
	X(DP_DROP_ITR_MISS_QUEUE_FULL, "itr: miss queue full") \
	X(DP_DROP_ITR_NATIVE_FORWARD_IN_A_TENANT, "itr: native forward in a tenant without use-petr") \
	X(DP_DROP_PETR_INNER_SOURCE_NOT_IN_PETR_PREFIX_EID_SPACE, "petr: inner source not in petr-prefix EID space") \
	X(DP_DROP_PITR_NO_LISP_SITE_FOR_THE_DESTINATION, "pitr: no LISP site for the destination") \
	X(DP_DROP_PITR_DESTINATION_OUTSIDE_THE_PITR_PREFIXES, "pitr: destination outside the pitr-prefixes") \
	X(DP_DROP_ENCAP_SEND_FAILED, "encap send failed") \
	X(DP_DROP_TUN_WRITE_FAILED, "tun write failed")
enum dp_drop { DP_DROPS(DROP_ENUM) DP_DROP__N };
extern const char *const dp_drop_names[DP_DROP__N];

struct dp_stats {
	uint64_t	 encap_pkts, encap_bytes;
	uint64_t	 decap_pkts, decap_bytes;
	uint64_t	 native_pkts;		/* natively forwarded (negative entries) */
	uint64_t	 icmp_too_big;
	uint64_t	 petr_pkts, petr_bytes;	/* forwarded natively by the PETR */
	uint64_t	 to_ctl;		/* packets handed to the control side */
};

/* a second implementation: told what this one is told */
struct dp_ops {
	const char	*name;
	int		(*fib_sync)(void *, const struct lisp_addr *eid, int mlen,
			    const struct fib_ent *);	/* NULL: withdrawn */
	int		(*policy)(void *, const struct dp_policy *);
	void		(*close)(void *);
	void		(*stats)(void *, json_t *);	/* into dp_stats_json's object */
	void		(*sync)(void *);	/* its counters into the FIB entries now */
};

/* a tenant's TUN (instance-id blocks): what the ITR reads there is of
 * that instance-id only, what the ETR decapsulates for it is written
 * there */
#define DP_TENANTS	CONF_TENANTS_MAX
struct dp_tenant {
	struct dp	*dp;
	uint32_t	 iid;
	int		 fd;
	int		 own;		/* dp_tenant_open made it */
	struct event	*ev;
	char		 name[IFNAMSIZ];
};

struct dp_txq {
	int		 fd;
	int		 n;
	struct mmsghdr	 msg[DP_BATCH];
	struct iovec	 iov[DP_BATCH];
	struct sockaddr_storage sa[DP_BATCH];
};

struct dp {
	struct event_base *base;
	struct fib	*fib;
	struct dp_ctl	 ctl;
	struct ratelimit *logrl;	/* the owner's limiter */

	/* the policy; its prefix arrays are the data plane's own copies */
	struct dp_policy pol;
	unsigned	 fams;		/* FAM_V4 | FAM_V6 of the source RLOCs */

	char		 tun_name[IFNAMSIZ];
	int		 tun_fd, tun_mtu;
	int		 own_tun;		/* dp_open made it: dp_close closes it */
	struct event	*ev_tun;
	uint16_t	 port;			/* UDP data port, 4341 */
	int		 udp4, udp6;
	struct event	*ev_udp4, *ev_udp6;
	struct dp_txq	 tx4, tx6;
	uint8_t		*slots;			/* DP_BATCH buffers with headroom */
	size_t		 slot_size;
	int		 nslot;			/* slots in use by the tx queues */

	struct dp_miss	 missq[DP_MISSQ];
	int		 nmiss;
	int		 draining;		/* the control side is taking them */

	struct dp_stats	 st;
	uint64_t	 drops[DP_DROP__N];

	const struct dp_ops *ops;
	void		*ops_arg;

	struct dp_tenant tenants[DP_TENANTS];
	int		 ntenants;
	int		 started;
};

/* open the TUN (name, updated to the kernel's), UDP port on both families
 * and the raw send sockets; tun_mtu is set by the caller after (dp_mtu).
 * -1 with a message logged on failure (dp_close cleans up) */
int	dp_open(struct dp *, struct event_base *, struct fib *, const struct dp_ctl *,
	    struct ratelimit *, const char *tun_name, uint16_t port);
/* the same over a given TUN-like fd and no sockets (tests, embedding):
 * the caller keeps the fd */
int	dp_attach(struct dp *, struct event_base *, struct fib *, const struct dp_ctl *,
	    struct ratelimit *, int tun_fd, int tun_mtu);
void	dp_close(struct dp *);
/* a tenant's TUN: created (name updated to the kernel's), or a given fd
 * the caller keeps (tests); -1 on failure */
int	dp_tenant_open(struct dp *, uint32_t iid, char *name, size_t namelen);
int	dp_tenant_attach(struct dp *, uint32_t iid, int fd);
/* start reading (after the TUN is configured) */
void	dp_start(struct dp *);
void	dp_set_mtu(struct dp *, int tun_mtu);
int	dp_policy_set(struct dp *, const struct dp_policy *);
void	dp_set_ops(struct dp *, const struct dp_ops *, void *);
/* the second implementation's counters into the FIB entries (before
 * they are shown) */
void	dp_sync(struct dp *);

/* send packets through the FIB again (held ones, now resolved): the list
 * is freed */
void	dp_replay(struct dp *, struct dp_pkt *);
/* write a packet into the TUN (towards the site or the kernel) */
int	dp_tun_write(struct dp *, const uint8_t *, size_t);
/* the longest policy EID-prefix covering a: any_iid matches every one
 * but a tenant's (dp_prefix.tenant),
 * else only those whose instance-id (0 when none) is iid; NULL if none */
const struct dp_prefix *dp_prefix_cover(const struct dp_prefix *, int n,
	    const struct lisp_addr *a, int any_iid, uint32_t iid);
json_t	*dp_stats_json(const struct dp *, json_t *into);

/* the TUN's read callback (arg: the dp) */
void	dp_tun_read(evutil_socket_t, short, void *);
/* one packet from the TUN (inside a buffer with ENCAP_HEADROOM before p),
 * as the read callback handles it; dp_flush sends what is queued and
 * runs the control side's queue */
void	dp_forward(struct dp *, uint8_t *p, size_t len, uint64_t now);
/* the same for a packet read from the TUN of tenant tn (0: the default) */
void	dp_forward_tn(struct dp *, int tn, uint8_t *p, size_t len, uint64_t now);
void	dp_flush(struct dp *);
/* a decapsulated packet the PETR may take: 1 when it did (forwarded
 * natively or dropped), 0 when it is not the PETR's (the ETR's) */
int	dp_petr_decap(struct dp *, const struct decap *);
/* one packet received on the data port (p/len its UDP payload, ttl the
 * outer TTL or -1), as the read callback handles it */
void	dp_decap(struct dp *, uint8_t *p, size_t len, int ttl, const struct sockaddr *from);

#endif
