/* the maps the in-kernel fast path (lisp.bpf.c) shares with the daemon
 * (ebpf.c). plain fixed-size types only: this header is compiled for the
 * BPF target and for the host. byte order: addresses and instance-ids
 * network order (they are LPM key bytes), the rest host order. */
#ifndef LOCID_LB_MAPS_H
#define LOCID_LB_MAPS_H

#define LB_MAX_LOCS	8
#define LB_SLOTS	16384	/* locator sets (FIB entries that encapsulate) */
#define LB_FIB_MAX	262144	/* FIB prefixes per family (allocated as used) */
#define LB_EID_MAX	1024	/* database-mapping prefixes per family */
#define LB_SEEN_MAX	1024	/* remote ITRs remembered for SMRs */
#define LB_PASS		0xffffffffu	/* FIB value: not ours, the TUN path */
#define LB_EID_TENANT	2	/* EID map value of a tenant's prefix (else 1) */

/* FIB and EID keys: prefix length counts the 32 bits of instance-id */
struct lb_key4 {
	__u32		plen;
	__u8		iid[4];
	__u8		a[4];
};
struct lb_key6 {
	__u32		plen;
	__u8		iid[4];
	__u8		a[16];
};
/* source EID-prefixes (ITR eligibility), any instance-id */
struct lb_skey4 {
	__u32		plen;
	__u8		a[4];
};
struct lb_skey6 {
	__u32		plen;
	__u8		a[16];
};
struct lb_src {
	__u32		iid;		/* host order; 0 none */
	__u8		set_i;		/* I bit and iid in the LISP header */
	__u8		pad[3];
};

/* a locator set: the candidates rloc_select() would choose among, in
 * order, with cumulative weights (sumw 0: even split) */
struct lb_cand {
	__u8		fam;		/* 4 or 6 */
	__u8		idx;		/* locator index in the FIB entry */
	__u16		cumw;
	__u8		a[16];
};
struct lb_loc {
	__u8		fam;		/* 4 or 6 */
	__u8		pad[3];
	__u8		a[16];
};
struct lb_set {
	__u8		ncand;
	__u8		nall;
	__u16		sumw;
	__u32		gen;
	struct lb_cand	c[LB_MAX_LOCS];
	struct lb_loc	all[LB_MAX_LOCS];	/* every locator (decap-check) */
};

/* per-CPU counters of a locator set */
struct lb_setstat {
	__u64		pkts, bytes;
	__u64		used_ns;	/* bpf_ktime_get_coarse_ns of the last packet */
	__u64		lpkts[LB_MAX_LOCS], lbytes[LB_MAX_LOCS];
};

#define LB_F_ITR	1
#define LB_F_ETR	2
#define LB_F_DECAP_L3	4	/* the kernel takes BPF_F_ADJ_ROOM_DECAP_L3_* */
#define LB_F_PITR	8
#define LB_F_PETR	16
#define LB_F_PETR_ANY	32	/* no petr-prefix: any inner source */
#define LB_F_DECAP_CHECK 64	/* decap-check: outer source a locator of the inner's */
#define LB_F_TENANTS	128	/* lb_tifs may hold interfaces (else not looked up) */
#define LB_F_DIRECT4	256	/* the ITR's outer IPv4 route: the main table alone */
#define LB_F_DIRECT6	512	/* the same for IPv6 (ebpf.c, rules_check) */
#define LB_F_EDIRECT4	1024	/* the ETR's inner IPv4 route: the main table alone */
#define LB_F_EDIRECT6	2048

/* a copy of the local table (lb_ltab4/6, lb_skey4/6 keys): destinations
 * that take the rule walk */
#define LB_LTAB_MAX	4096

struct lb_cfg {
	__u32		flags;
	__u16		port;		/* UDP data port, 4341 */
	__u16		pad;
	__u32		room4, room6;	/* largest inner packet per outer family */
	__u32		mtu4, mtu6;	/* underlay MTU per family */
	__u8		has4, has6;	/* source RLOCs */
	__u8		pad2[2];
	__u8		rloc4[4];
	__u8		rloc6[16];
};

/* our own RLOCs (every database-mapping's), to decapsulate on */
#define LB_LOCAL_MAX	64
struct lb_local_key {
	__u8		fam;
	__u8		pad[3];
	__u8		a[16];
};

/* an ITR whose packets we decapsulated (SMR targets) */
struct lb_seen_key {
	__u8		fam;		/* of the outer source */
	__u8		efam;		/* of the inner source */
	__u8		pad[2];
	__u32		iid;		/* host order, 0 none */
	__u8		rloc[16];
	__u8		eid[16];
};

/* tenants (instance-id blocks): an EID-facing interface of a tenant
 * (keyed by ifindex) and the TUN a tenant's decapsulated packets are
 * routed as coming in on (keyed by instance-id, host order) */
#define LB_TENANTS	64
#define LB_TENANT_IFS	(LB_TENANTS * 8)
struct lb_tif {
	__u32		iid;		/* host order */
};
struct lb_ttun {
	__u32		tun_ifindex;
};

/* the global per-CPU counters */
#define LB_COUNTERS(X) \
	X(LB_ENCAP_PKTS, "encap_packets") \
	X(LB_ENCAP_BYTES, "encap_bytes") \
	X(LB_DECAP_PKTS, "decap_packets") \
	X(LB_DECAP_BYTES, "decap_bytes") \
	X(LB_PETR_PKTS, "petr_packets") \
	X(LB_PETR_BYTES, "petr_bytes") \
	X(LB_PITR_PKTS, "pitr_packets") \
	X(LB_PASS_NOT_EID_SOURCE, "pass_not_eid_source") \
	X(LB_TENANT_ENCAP_PKTS, "tenant_encap_packets") \
	X(LB_TENANT_DECAP_PKTS, "tenant_decap_packets") \
	X(LB_PASS_FIB_MISS, "pass_fib_miss") \
	X(LB_PASS_NOT_ENCAP, "pass_not_encap") \
	X(LB_PASS_NO_LOCATOR, "pass_no_locator") \
	X(LB_PASS_TTL, "pass_ttl") \
	X(LB_PASS_TOO_BIG, "pass_too_big") \
	X(LB_PASS_NO_ROUTE, "pass_no_route") \
	X(LB_PASS_UNHANDLED, "pass_unhandled") \
	X(LB_PASS_ADJUST_FAILED, "pass_adjust_failed") \
	X(LB_DECAP_PASS_HEADER, "decap_pass_header") \
	X(LB_DECAP_PASS_UDP_CHECKSUM, "decap_pass_udp_checksum") \
	X(LB_DECAP_PASS_NOT_OUR_EID, "decap_pass_not_our_eid") \
	X(LB_DECAP_PASS_PETR_SOURCE, "decap_pass_petr_source") \
	X(LB_DECAP_PASS_DECAP_CHECK, "decap_pass_decap_check") \
	X(LB_DECAP_PASS_TTL, "decap_pass_ttl") \
	X(LB_DECAP_PASS_NESTED, "decap_pass_nested") \
	X(LB_DECAP_PASS_NO_ROUTE, "decap_pass_no_route") \
	X(LB_DECAP_PASS_ADJUST_FAILED, "decap_pass_adjust_failed")
#define LB_ENUM(id, s)	id,
enum lb_counter { LB_COUNTERS(LB_ENUM) LB__N };
#undef LB_ENUM

#endif
