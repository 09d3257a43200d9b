/* the in-kernel fast path of the xTR data plane, one TC ingress program
 * (clsact) on every interface but the loopback and the TUN:
 *
 *  - ETR: UDP to the data port of our own source RLOC carrying a LISP
 *    data header and an inner packet to our EID space is decapsulated
 *    (the checks of dp_decap: header flags, instance-id, inner destination,
 *    TTL) and redirected to where the kernel routes the inner packet;
 *  - ITR: a packet from our EID space whose destination hits a FIB entry
 *    that encapsulates gets outer IP + UDP + LISP pushed (GSO stays GSO),
 *    the locator chosen as rloc_select() does, and is redirected to the
 *    outer route.
 *
 * everything else, and every case it is unsure of, is TC_ACT_OK: the
 * stack and the TUN path handle it as without this program (misses,
 * pending and negative entries, ICMP too-big, control traffic on 4342,
 * RLOC-probes, the PETR). it never drops a packet. */
#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/in.h>
#include <linux/pkt_cls.h>

#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>

#include "lb_maps.h"

#ifndef BPF_F_ADJ_ROOM_DECAP_L3_IPV4	/* UAPI headers older than 6.3 */
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV4	(1ULL << 7)
#define BPF_F_ADJ_ROOM_DECAP_L3_IPV6	(1ULL << 8)
#endif
#ifndef AF_INET
#define AF_INET		2
#define AF_INET6	10
#endif

char LICENSE[] SEC("license") = "Dual BSD/GPL";

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct lb_cfg);
} lb_cfg SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_FIB_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key4);
	__type(value, __u32);
} lb_fib4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_FIB_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key6);
	__type(value, __u32);
} lb_fib6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key4);
	__type(value, __u32);
} lb_eid4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key6);
	__type(value, __u32);
} lb_eid6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_skey4);
	__type(value, struct lb_src);
} lb_src4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_skey6);
	__type(value, struct lb_src);
} lb_src6 SEC(".maps");

/* PITR: destinations it encapsulates to; PETR: inner sources it accepts */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key4);
	__type(value, __u32);
} lb_pitr4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key6);
	__type(value, __u32);
} lb_pitr6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key4);
	__type(value, __u32);
} lb_petr4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key6);
	__type(value, __u32);
} lb_petr6 SEC(".maps");

/* decap-check: outer sources always accepted (decap-allow) */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key4);
	__type(value, __u32);
} lb_dallow4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_EID_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_key6);
	__type(value, __u32);
} lb_dallow6 SEC(".maps");

/* the local table: destinations whose route takes the rule walk */
struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_LTAB_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_skey4);
	__type(value, __u32);
} lb_ltab4 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__uint(max_entries, LB_LTAB_MAX);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct lb_skey6);
	__type(value, __u32);
} lb_ltab6 SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, LB_SLOTS);
	__type(key, __u32);
	__type(value, struct lb_set);
} lb_sets SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB_SLOTS);
	__type(key, __u32);
	__type(value, struct lb_setstat);
} lb_setstats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, LB__N);
	__type(key, __u32);
	__type(value, __u64);
} lb_stats SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_LOCAL_MAX);
	__type(key, struct lb_local_key);
	__type(value, __u32);
} lb_local SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_TENANT_IFS);
	__type(key, __u32);
	__type(value, struct lb_tif);
} lb_tifs SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, LB_TENANTS);
	__type(key, __u32);
	__type(value, struct lb_ttun);
} lb_ttuns SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, LB_SEEN_MAX);
	__type(key, struct lb_seen_key);
	__type(value, __u64);
} lb_seen SEC(".maps");

/* an IP header and what the ITR and ETR need of it */
struct pinfo {
	__u32		len;		/* total length */
	__u32		hl;		/* header length: v4 IHL, v6 40 */
	__u8		ver, proto, ttl, tos;
	__u16		sport, dport;	/* host order, 0 when ip_parse gives none */
	__u8		l4hl;		/* TCP header length, 0 if unknown */
	__u8		later_frag;
	__u8		frag;		/* v4: MF or a fragment offset */
	__u8		sane;		/* what ip_rcv would take: v4 checksum, no options */
	__u8		src[16], dst[16];
};

/* what does not fit the 512 octets of stack */
struct scratch {
	struct pinfo	o, in;
	struct bpf_fib_lookup fl;
	__u8		hdr[56];
	/* the last lb_seen key this CPU noted and the time it holds */
	struct lb_seen_key seen_k;
	__u64		seen_t;
};
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} lb_scratch SEC(".maps");

static __always_inline void
count(__u32 id, __u64 n)
{
	__u64 *v = bpf_map_lookup_elem(&lb_stats, &id);

	if (v != NULL)
		*v += n;
}

static __always_inline int
eq4(const __u8 *a, const __u8 *b)
{
	return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3];
}

static __always_inline int
eq16(const __u8 *a, const __u8 *b)
{
	__u8 d = 0;
	int i;

#pragma unroll
	for (i = 0; i < 16; i++)
		d |= a[i] ^ b[i];
	return d == 0;
}

static __always_inline int
pass(__u32 id)
{
	count(id, 1);
	return TC_ACT_OK;
}


/* the fields of a header both parsers read, from the copy on the stack
 * (parse_ip) or in place (parse_ip_lin) */
static __always_inline void
pinfo_reset(struct pinfo *p, __u8 ver)
{
	p->ver = ver;
	p->l4hl = 0;
	p->later_frag = 0;
	p->frag = 0;
	p->sane = 0;
	p->sport = p->dport = 0;
}

/* an IPv4 header's first 20 octets; sane: its checksum holds */
static __always_inline void
ip4_fields(const __u8 *h, struct pinfo *p)
{
	__u32 sum = 0;
	int i;

	p->tos = h[1];
#pragma unroll
	for (i = 0; i < 20; i += 2)
		sum += (__u32)h[i] << 8 | h[i + 1];
	sum = (sum & 0xffff) + (sum >> 16);
	sum = (sum & 0xffff) + (sum >> 16);
	p->sane = sum == 0xffff;
	p->later_frag = ((h[6] & 0x1f) | h[7]) != 0;
	p->frag = ((h[6] & 0x3f) | h[7]) != 0;
	p->ttl = h[8];
	p->proto = h[9];
	__builtin_memcpy(p->src, h + 12, 4);
	__builtin_memcpy(p->dst, h + 16, 4);
}

static __always_inline void
ip6_fields(const __u8 *h, struct pinfo *p)
{
	p->tos = (__u8)((h[0] & 0x0f) << 4 | h[1] >> 4);
	p->sane = 1;
	p->proto = h[6];
	p->ttl = h[7];
	__builtin_memcpy(p->src, h + 8, 16);
	__builtin_memcpy(p->dst, h + 24, 16);
}

/* the L4 header has ports (4 octets) */
static __always_inline int
has_ports(const struct pinfo *p, __u32 l4len)
{
	return (p->proto == 6 || p->proto == 17 || p->proto == 132 || p->proto == 136) &&
	    l4len >= 4;
}

static __always_inline void
ports_fields(const __u8 *l4, struct pinfo *p)
{
	p->sport = (__u16)(l4[0] << 8 | l4[1]);
	p->dport = (__u16)(l4[2] << 8 | l4[3]);
}

/* the packet's IP header at off with avail octets from there; the rules of
 * ip_parse() (encap.c), which the flow hash must agree with. parse_ip
 * copies with bpf_skb_load_bytes, wherever the octets are; parse() reads
 * them in place when they are in the linear data, as they nearly always
 * are, and hands anything else (IPv4 options too) to parse_ip */
static __noinline int
parse_ip(struct __sk_buff *skb, __u32 off, __u32 avail, struct pinfo *p)
{
	__u8 h[40];
	__u32 l4len;

	if (bpf_skb_load_bytes(skb, off, h, 1) < 0)
		return -1;
	pinfo_reset(p, h[0] >> 4);
	if (p->ver == 4) {
		if (avail < 20 || bpf_skb_load_bytes(skb, off, h, 20) < 0)
			return -1;
		p->hl = (__u32)(h[0] & 0x0f) * 4;
		p->len = (__u32)h[2] << 8 | h[3];
		if (p->hl < 20 || p->len < p->hl || p->len > avail)
			return -1;
		ip4_fields(h, p);
		if (p->hl != 20)
			p->sane = 0;	/* options: the checksum is not checked */
		if (p->later_frag)
			return 0;
	} else if (p->ver == 6) {
		if (avail < 40 || bpf_skb_load_bytes(skb, off, h, 40) < 0)
			return -1;
		p->hl = 40;
		p->len = 40 + ((__u32)h[4] << 8 | h[5]);
		if (p->len > avail)
			return -1;
		ip6_fields(h, p);
	} else
		return -1;
	l4len = p->len - p->hl;
	if (has_ports(p, l4len)) {
		__u8 ports[4];

		if (bpf_skb_load_bytes(skb, off + (p->hl & 0x3f), ports, 4) < 0)
			return -1;
		ports_fields(ports, p);
	}
	if (p->proto == 6 && l4len >= 20) {
		__u8 doff;

		if (bpf_skb_load_bytes(skb, off + (p->hl & 0x3f) + 12, &doff, 1) < 0)
			return -1;
		p->l4hl = (__u8)((doff >> 4) * 4);
	}
	return 0;
}

/* 1: not all in the linear data (or IPv4 options), parse_ip decides */
static __noinline int
parse_ip_lin(struct __sk_buff *skb, __u32 off, __u32 avail, struct pinfo *p)
{
	void *end = (void *)(long)skb->data_end;
	const __u8 *h = (void *)(long)skb->data, *l4;
	__u32 l4len;

	if (off > 128)
		return 1;
	h += off;
	if ((void *)(h + 20) > end)
		return 1;
	pinfo_reset(p, h[0] >> 4);
	if (p->ver == 4) {
		if (avail < 20)
			return -1;
		if ((h[0] & 0x0f) != 5)
			return 1;
		p->hl = 20;
		p->len = (__u32)h[2] << 8 | h[3];
		if (p->len < 20 || p->len > avail)
			return -1;
		ip4_fields(h, p);
		if (p->later_frag)
			return 0;
	} else if (p->ver == 6) {
		if (avail < 40)
			return -1;
		if ((void *)(h + 40) > end)
			return 1;
		p->hl = 40;
		p->len = 40 + ((__u32)h[4] << 8 | h[5]);
		if (p->len > avail)
			return -1;
		ip6_fields(h, p);
	} else
		return -1;
	l4len = p->len - p->hl;
	l4 = h + (p->ver == 4 ? 20 : 40);
	if (has_ports(p, l4len)) {
		if ((void *)(l4 + 4) > end)
			return 1;
		ports_fields(l4, p);
	}
	if (p->proto == 6 && l4len >= 20) {
		if ((void *)(l4 + 13) > end)
			return 1;
		p->l4hl = (__u8)((l4[12] >> 4) * 4);
	}
	return 0;
}

static __always_inline int
parse(struct __sk_buff *skb, __u32 off, __u32 avail, struct pinfo *p)
{
	int r = parse_ip_lin(skb, off, avail, p);

	return r == 1 ? parse_ip(skb, off, avail, p) : r;
}

#define FNV(h, b)	(((h) ^ (__u8)(b)) * 16777619u)

/* flow_hash() of encap.c */
static __always_inline __u32
flow_hash(const struct pinfo *p)
{
	__u32 h = 2166136261u;
	int i;

	if (p->ver == 6) {
#pragma unroll
		for (i = 0; i < 16; i++)
			h = FNV(h, p->src[i]);
#pragma unroll
		for (i = 0; i < 16; i++)
			h = FNV(h, p->dst[i]);
	} else {
#pragma unroll
		for (i = 0; i < 4; i++)
			h = FNV(h, p->src[i]);
#pragma unroll
		for (i = 0; i < 4; i++)
			h = FNV(h, p->dst[i]);
	}
	h = FNV(h, p->proto);
	h = FNV(h, p->sport >> 8);
	h = FNV(h, p->sport);
	h = FNV(h, p->dport >> 8);
	h = FNV(h, p->dport);
	h ^= h >> 16;
	h *= 0x85ebca6bu;
	h ^= h >> 13;
	h *= 0xc2b2ae35u;
	h ^= h >> 16;
	return h;
}

/* rloc_select() over the candidates the daemon prepared */
static __always_inline int
set_pick(const struct lb_set *s, __u32 hash)
{
	__u32 h = hash >> 16 | hash << 16, v;
	int i;

	if (s->ncand == 0 || s->ncand > LB_MAX_LOCS)
		return -1;
	if (s->sumw == 0)
		return (int)(h % s->ncand);
	v = h % s->sumw;
#pragma unroll
	for (i = 0; i < LB_MAX_LOCS; i++)
		if (i < s->ncand && v < s->c[i].cumw)
			return i;
	return -1;
}

static __always_inline __u16
csum_fold(__u64 s)
{
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return (__u16)~s;
}

/* set the IP header's TTL at off (the IPv4 checksum follows, RFC 1624):
 * in place in the linear data, else with the helpers */
static __always_inline void
set_ttl(struct __sk_buff *skb, __u32 off, int ver, __u8 old, __u8 ttl)
{
	void *end = (void *)(long)skb->data_end;
	__u8 *h = (void *)(long)skb->data;

	if (off <= 128) {
		h += off;
		if ((void *)(h + 20) <= end) {
			if (ver == 4) {
				/* TTL shares a 16-bit word with the protocol */
				__u32 sum = ~((__u32)h[10] << 8 | h[11]) & 0xffff;

				sum += ~((__u32)h[8] << 8 | h[9]) & 0xffff;
				sum += (__u32)ttl << 8 | h[9];
				sum = (sum & 0xffff) + (sum >> 16);
				sum = (sum & 0xffff) + (sum >> 16);
				sum = ~sum & 0xffff;
				h[8] = ttl;
				h[10] = sum >> 8;
				h[11] = sum;
			} else
				h[7] = ttl;
			return;
		}
	}
	if (ver == 4) {
		bpf_l3_csum_replace(skb, off + 10, bpf_htons((__u16)old << 8),
		    bpf_htons((__u16)ttl << 8), 2);
		bpf_skb_store_bytes(skb, off + 8, &ttl, 1, 0);
	} else
		bpf_skb_store_bytes(skb, off + 7, &ttl, 1, 0);
}

/* the kernel's route to dst (ingress view, as if the packet came in on
 * ifindex: the ip rules of that interface apply; DIRECT: the main table
 * alone), before anything is changed */
static __always_inline int
route(struct __sk_buff *skb, struct bpf_fib_lookup *fl, int ver,
    const __u8 *src, const __u8 *dst, __u32 ifindex, __u32 lflags)
{
	int rc;

	__builtin_memset(fl, 0, sizeof(*fl));
	fl->ifindex = ifindex;
	if (ver == 4) {
		fl->family = AF_INET;
		__builtin_memcpy(&fl->ipv4_src, src, 4);
		__builtin_memcpy(&fl->ipv4_dst, dst, 4);
	} else {
		fl->family = AF_INET6;
		__builtin_memcpy(fl->ipv6_src, src, 16);
		__builtin_memcpy(fl->ipv6_dst, dst, 16);
	}
	rc = bpf_fib_lookup(skb, fl, sizeof(*fl), lflags);
	if (rc == BPF_FIB_LKUP_RET_SUCCESS || rc == BPF_FIB_LKUP_RET_NO_NEIGH)
		return rc;
	return -1;
}

/* out of the interface route() found: with the neighbour it knew, or
 * through the neighbour subsystem */
static __always_inline int
xmit(struct __sk_buff *skb, const struct bpf_fib_lookup *fl, int rc, __u16 proto)
{
	void *end = (void *)(long)skb->data_end;
	__u8 *e = (void *)(long)skb->data;
	__u16 p = bpf_htons(proto);

	if ((void *)(e + ETH_HLEN) <= end) {
		__builtin_memcpy(e + 12, &p, 2);
		if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
			__builtin_memcpy(e, fl->dmac, 6);
			__builtin_memcpy(e + 6, fl->smac, 6);
		}
	} else {
		bpf_skb_store_bytes(skb, 12, &p, 2, 0);
		if (rc == BPF_FIB_LKUP_RET_SUCCESS) {
			bpf_skb_store_bytes(skb, 0, fl->dmac, 6, 0);
			bpf_skb_store_bytes(skb, 6, fl->smac, 6, 0);
		}
	}
	if (rc == BPF_FIB_LKUP_RET_SUCCESS)
		return bpf_redirect(fl->ifindex, 0);
	return bpf_redirect_neigh(fl->ifindex, NULL, 0, 0);
}

/* a lookup in one of the (instance-id, prefix) LPM maps of the family */
static __always_inline void *
lpm_iid(void *m4, void *m6, int ver, __u32 iid, const __u8 *a)
{
	if (ver == 4) {
		struct lb_key4 k = { .plen = 64 };

		k.iid[0] = iid >> 24; k.iid[1] = iid >> 16; k.iid[2] = iid >> 8; k.iid[3] = iid;
		__builtin_memcpy(k.a, a, 4);
		return bpf_map_lookup_elem(m4, &k);
	} else {
		struct lb_key6 k = { .plen = 160 };

		k.iid[0] = iid >> 24; k.iid[1] = iid >> 16; k.iid[2] = iid >> 8; k.iid[3] = iid;
		__builtin_memcpy(k.a, a, 16);
		return bpf_map_lookup_elem(m6, &k);
	}
}

/* an address-only LPM lookup (the source EID maps, the local table) */
static __always_inline void *
lpm_addr(void *m4, void *m6, int ver, const __u8 *a)
{
	if (ver == 4) {
		struct lb_skey4 k = { .plen = 32 };

		__builtin_memcpy(k.a, a, 4);
		return bpf_map_lookup_elem(m4, &k);
	} else {
		struct lb_skey6 k = { .plen = 128 };

		__builtin_memcpy(k.a, a, 16);
		return bpf_map_lookup_elem(m6, &k);
	}
}

/* -- ETR ---------------------------------------------------------------- */

/* an inner source the kernel would refuse to route (martian): those go
 * the socket path, which hands them to the kernel, which drops them */
static __always_inline int
martian_src(const struct pinfo *p)
{
	if (p->ver == 4)
		return p->src[0] == 0 || p->src[0] == 127 || p->src[0] >= 224;
	if (p->src[0] == 0xff)
		return 1;
	/* :: and ::1 */
	{
		__u8 z = 0;
		int i;

#pragma unroll
		for (i = 0; i < 15; i++)
			z |= p->src[i];
		return z == 0 && p->src[15] <= 1;
	}
}

/* note the (ITR, source EID) for SMRs: at most a write a second per key,
 * and no map lookup while this CPU sees the key it saw last (a flow) */
static __always_inline void
seen(struct scratch *sc, const struct pinfo *o, const struct pinfo *in, __u32 iid)
{
	struct lb_seen_key k;
	__u64 now = bpf_ktime_get_coarse_ns(), *t;
	const __u64 *a = (const __u64 *)&k, *b = (const __u64 *)&sc->seen_k;

	__builtin_memset(&k, 0, sizeof(k));
	k.fam = o->ver;
	k.efam = in->ver;
	k.iid = iid;
	if (o->ver == 4)
		__builtin_memcpy(k.rloc, o->src, 4);
	else
		__builtin_memcpy(k.rloc, o->src, 16);
	if (in->ver == 4)
		__builtin_memcpy(k.eid, in->src, 4);
	else
		__builtin_memcpy(k.eid, in->src, 16);
	if (((a[0] ^ b[0]) | (a[1] ^ b[1]) | (a[2] ^ b[2]) | (a[3] ^ b[3]) |
	    (a[4] ^ b[4])) == 0 && sc->seen_t + 1000000000ull >= now)
		return;
	t = bpf_map_lookup_elem(&lb_seen, &k);
	if (t != NULL && *t + 1000000000ull >= now)
		now = *t;	/* noted this second, elsewhere */
	else
		bpf_map_update_elem(&lb_seen, &k, &now, BPF_ANY);
	sc->seen_k = k;
	sc->seen_t = now;
}

/* the outer destination is one of our RLOCs: the source RLOC, or
 * another of the database's */
static __always_inline int
to_us(const struct lb_cfg *cfg, const struct pinfo *o)
{
	struct lb_local_key k;

	if (o->ver == 4 && cfg->has4 && eq4(o->dst, cfg->rloc4))
		return 1;
	if (o->ver == 6 && cfg->has6 && eq16(o->dst, cfg->rloc6))
		return 1;
	__builtin_memset(&k, 0, sizeof(k));
	k.fam = o->ver;
	__builtin_memcpy(k.a, o->dst, 16);
	if (o->ver == 4)
		__builtin_memset(k.a + 4, 0, 12);
	return bpf_map_lookup_elem(&lb_local, &k) != NULL;
}

/* decap-check (decap_source_ok of dp.c): the outer source is in
 * decap-allow or a locator of the inner source's mapping. 0 for anything
 * else, a miss and a pending entry too: the socket path then drops,
 * counts and, with mapping-system, asks */
static __always_inline int
decap_src_ok(const struct pinfo *o, const struct pinfo *in, __u32 iid)
{
	struct lb_set *set;
	__u32 *slot, sl;
	int i;

	if (lpm_iid(&lb_dallow4, &lb_dallow6, o->ver, 0, o->src) != NULL)
		return 1;
	if ((slot = lpm_iid(&lb_fib4, &lb_fib6, in->ver, iid, in->src)) == NULL ||
	    (sl = *slot) == LB_PASS || (set = bpf_map_lookup_elem(&lb_sets, &sl)) == NULL)
		return 0;
#pragma unroll
	for (i = 0; i < LB_MAX_LOCS; i++) {
		const struct lb_loc *l = &set->all[i];

		if (i >= set->nall || l->fam != o->ver)
			continue;
		if (o->ver == 4 ? eq4(l->a, o->src) : eq16(l->a, o->src))
			return 1;
	}
	return 0;
}

/* -1: not LISP data to us (the ITR side looks at it) */
static __always_inline int
etr(struct __sk_buff *skb, const struct lb_cfg *cfg, __u16 eproto, struct scratch *sc)
{
	struct pinfo *o = &sc->o, *in = &sc->in;
	struct bpf_fib_lookup *fl = &sc->fl;
	__u8 h[8], lh[8];
	__u32 olen, iid = 0, avail, *hit, rif = skb->ingress_ifindex;
	__u64 flags = BPF_F_ADJ_ROOM_FIXED_GSO;
	__u8 ttl;
	int rc, petr;

	avail = skb->len - ETH_HLEN;
	if (eproto == ETH_P_IP) {
		if (parse(skb, ETH_HLEN, avail, o) < 0 || o->ver != 4 || o->hl != 20 ||
		    !o->sane || o->proto != 17 || o->dport != cfg->port || !to_us(cfg, o))
			return -1;
		if (o->frag)	/* a fragment: the stack */
			return -1;
		olen = 20;
	} else {
		if (parse(skb, ETH_HLEN, avail, o) < 0 || o->ver != 6 ||
		    o->proto != 17 || o->dport != cfg->port || !to_us(cfg, o))
			return -1;
		olen = 40;
	}
	if (o->dport != cfg->port)
		return -1;
	/* LISP data to us from here on: the socket path for anything odd */
	if (o->len != avail || o->len < olen + 16 + 20)
		return pass(LB_DECAP_PASS_HEADER);
	/* UDP and LISP headers, in place or copied */
	{
		void *end = (void *)(long)skb->data_end;
		__u8 *u = (void *)(long)skb->data + ETH_HLEN + olen;

		if ((void *)(u + 16) <= end) {
			__builtin_memcpy(h, u, 8);
			__builtin_memcpy(lh, u + 8, 8);
		} else if (bpf_skb_load_bytes(skb, ETH_HLEN + olen, h, 8) < 0 ||
		    bpf_skb_load_bytes(skb, ETH_HLEN + olen + 8, lh, 8) < 0)
			return pass(LB_DECAP_PASS_HEADER);
	}
	if (((__u32)h[4] << 8 | h[5]) != o->len - olen)
		return pass(LB_DECAP_PASS_HEADER);
	/* a UDP checksum the kernel would verify: the socket path does */
	if ((h[6] | h[7]) != 0)
		return pass(LB_DECAP_PASS_UDP_CHECKSUM);
	if ((lh[0] & (0x03 | 0x04)) != 0)	/* key-id, LISP-GPE */
		return pass(LB_DECAP_PASS_HEADER);
	if (lh[0] & 0x08)
		iid = (__u32)lh[4] << 16 | (__u32)lh[5] << 8 | lh[6];
	if (iid == 0xffffff)	/* a control message in a data packet (NAT traversal) */
		return pass(LB_DECAP_PASS_HEADER);
	olen += 16;
	if (parse(skb, ETH_HLEN + olen, avail - olen, in) < 0 ||
	    in->len != avail - olen || !in->sane || martian_src(in))
		return pass(LB_DECAP_PASS_HEADER);
	/* LISP inside LISP to our own RLOC: dp_decap refuses it */
	if (in->proto == 17 && in->dport == cfg->port &&
	    ((in->ver == 4 && cfg->has4 && eq4(in->dst, cfg->rloc4)) ||
	    (in->ver == 6 && cfg->has6 && eq16(in->dst, cfg->rloc6))))
		return pass(LB_DECAP_PASS_NESTED);
	petr = 0;
	if ((hit = lpm_iid(&lb_eid4, &lb_eid6, in->ver, iid, in->dst)) == NULL) {
		/* not our EID space: natively forwarded by a PETR, from the
		 * sources it accepts (dp_petr_decap); else the socket path */
		if (!(cfg->flags & LB_F_PETR))
			return pass(LB_DECAP_PASS_NOT_OUR_EID);
		if (!(cfg->flags & LB_F_PETR_ANY) &&
		    lpm_iid(&lb_petr4, &lb_petr6, in->ver, iid, in->src) == NULL)
			return pass(LB_DECAP_PASS_PETR_SOURCE);
		petr = 1;
	}
	if (!petr && (cfg->flags & LB_F_DECAP_CHECK) && !decap_src_ok(o, in, iid))
		return pass(LB_DECAP_PASS_DECAP_CHECK);
	ttl = in->ttl < o->ttl ? in->ttl : o->ttl;
	if (ttl <= 1)
		return pass(LB_DECAP_PASS_TTL);
	/* a tenant's packet is routed as the TUN path routes it: in on the
	 * tenant's TUN, whose rule picks the tenant's table */
	{
		struct lb_ttun *tt = iid != 0 ? bpf_map_lookup_elem(&lb_ttuns, &iid) : NULL;

		if (tt != NULL)
			rif = tt->tun_ifindex;
		else if (hit != NULL && *hit == LB_EID_TENANT)
			/* a tenant's without its TUN known: the main table
			 * could hand it to another tenant; the socket path */
			return pass(LB_DECAP_PASS_NO_ROUTE);
		/* the main table alone where the rules cannot make a
		 * difference (ebpf.c, rules_check): not a tenant's, not to
		 * the local table, not from our EID space */
		__u32 lf = 0;

		if (tt == NULL && (cfg->flags & (in->ver == 4 ? LB_F_EDIRECT4 : LB_F_EDIRECT6)) &&
		    lpm_addr(&lb_ltab4, &lb_ltab6, in->ver, in->dst) == NULL &&
		    lpm_addr(&lb_src4, &lb_src6, in->ver, in->src) == NULL)
			lf = BPF_FIB_LOOKUP_DIRECT;
		rc = route(skb, fl, in->ver, in->src, in->dst, rif, lf);
		if (rc < 0)
			return pass(LB_DECAP_PASS_NO_ROUTE);
		if (tt != NULL)
			count(LB_TENANT_DECAP_PKTS, 1);
	}
	if (in->ver != o->ver) {
		if (!(cfg->flags & LB_F_DECAP_L3))
			return pass(LB_DECAP_PASS_ADJUST_FAILED);
		flags |= in->ver == 4 ? BPF_F_ADJ_ROOM_DECAP_L3_IPV4 :
		    BPF_F_ADJ_ROOM_DECAP_L3_IPV6;
	}
	if (bpf_skb_adjust_room(skb, -(__s32)olen, BPF_ADJ_ROOM_MAC, flags) < 0)
		return pass(LB_DECAP_PASS_ADJUST_FAILED);
	/* min(inner, outer) as decap_parse, less the hop this router is */
	set_ttl(skb, ETH_HLEN, in->ver, in->ttl, ttl - 1);
	seen(sc, o, in, iid);
	count(LB_DECAP_PKTS, 1);
	count(LB_DECAP_BYTES, in->len);
	if (petr) {
		count(LB_PETR_PKTS, 1);
		count(LB_PETR_BYTES, in->len);
	}
	return xmit(skb, fl, rc, in->ver == 4 ? ETH_P_IP : ETH_P_IPV6);
}

/* -- ITR ---------------------------------------------------------------- */

static __always_inline int
itr(struct __sk_buff *skb, const struct lb_cfg *cfg, struct scratch *sc)
{
	struct pinfo *p = &sc->o;
	struct bpf_fib_lookup *fl = &sc->fl;
	struct lb_src *s;
	struct lb_set *set;
	struct lb_setstat *st;
	const struct lb_cand *c;
	__u32 *slot, sl, h, olen, mtu, inner, iid;
	__u8 *hdr = sc->hdr;
	__u64 flags;
	__u32 ifi = skb->ingress_ifindex, lflags = 0;
	struct lb_tif *ti;
	int k, rc, ofam, set_i, pitr = 0, tenant = 0;

	if (parse(skb, ETH_HLEN, skb->len - ETH_HLEN, p) < 0 || !p->sane)
		return pass(LB_PASS_UNHANDLED);
	if ((cfg->flags & LB_F_TENANTS) &&
	    (ti = bpf_map_lookup_elem(&lb_tifs, &ifi)) != NULL) {
		/* a tenant's interface: its instance-id and EID space only;
		 * the outer packet is routed in the main table (its rules
		 * would send it to the tenant's TUN) */
		if (!(cfg->flags & LB_F_ITR) ||
		    lpm_iid(&lb_eid4, &lb_eid6, p->ver, ti->iid, p->src) == NULL)
			return pass(LB_PASS_NOT_EID_SOURCE);
		iid = ti->iid;
		set_i = 1;
		lflags = BPF_FIB_LOOKUP_DIRECT;
		tenant = 1;
		s = NULL;
		goto lookup;
	}
	if (p->ver == 4) {
		struct lb_skey4 sk = { .plen = 32 };

		__builtin_memcpy(sk.a, p->src, 4);
		s = bpf_map_lookup_elem(&lb_src4, &sk);
	} else {
		struct lb_skey6 sk = { .plen = 128 };

		__builtin_memcpy(sk.a, p->src, 16);
		s = bpf_map_lookup_elem(&lb_src6, &sk);
	}
	if (s != NULL) {
		if (!(cfg->flags & LB_F_ITR))
			return pass(LB_PASS_NOT_EID_SOURCE);
		iid = s->iid;
		set_i = s->set_i;
	} else {
		/* a PITR takes any source towards the EID aggregates it
		 * serves (no instance-id); else routed natively */
		if (!(cfg->flags & LB_F_PITR) ||
		    lpm_iid(&lb_pitr4, &lb_pitr6, p->ver, 0, p->dst) == NULL)
			return pass(LB_PASS_NOT_EID_SOURCE);
		iid = 0;
		set_i = 0;
		pitr = 1;
	}
lookup:
	slot = lpm_iid(&lb_fib4, &lb_fib6, p->ver, iid, p->dst);
	if (slot == NULL)	/* a miss: the TUN, the ITR resolves it */
		return pass(LB_PASS_FIB_MISS);
	if ((sl = *slot) == LB_PASS)
		return pass(LB_PASS_NOT_ENCAP);
	if ((set = bpf_map_lookup_elem(&lb_sets, &sl)) == NULL)
		return pass(LB_PASS_NO_LOCATOR);
	if (p->ttl <= 1)
		return pass(LB_PASS_TTL);
	h = flow_hash(p);
	if ((k = set_pick(set, h)) < 0)
		return pass(LB_PASS_NO_LOCATOR);
	c = &set->c[k & (LB_MAX_LOCS - 1)];
	ofam = c->fam;
	if ((ofam == 4 && !cfg->has4) || (ofam == 6 && !cfg->has6) ||
	    (ofam != 4 && ofam != 6))
		return pass(LB_PASS_NO_LOCATOR);
	olen = ofam == 4 ? 36 : 56;
	mtu = ofam == 4 ? cfg->mtu4 : cfg->mtu6;
	inner = p->len;
	if (skb->gso_size != 0) {
		/* segments keep their outer size: the inner ones shrink by
		 * the headers; those must fit the underlay */
		if (p->proto != 6 || p->l4hl < 20 ||
		    p->hl + p->l4hl + skb->gso_size > mtu)
			return pass(LB_PASS_TOO_BIG);
	} else if (inner > (ofam == 4 ? cfg->room4 : cfg->room6))
		return pass(LB_PASS_TOO_BIG);	/* ICMP too-big from the TUN path */
	/* the main table alone where the policy rules cannot make a
	 * difference (ebpf.c, rules_check) and the locator is not in the
	 * local table */
	if (!tenant && (cfg->flags & (ofam == 4 ? LB_F_DIRECT4 : LB_F_DIRECT6)) &&
	    lpm_addr(&lb_ltab4, &lb_ltab6, ofam, c->a) == NULL)
		lflags = BPF_FIB_LOOKUP_DIRECT;
	if ((rc = route(skb, fl, ofam, ofam == 4 ? cfg->rloc4 : cfg->rloc6, c->a,
	    ifi, lflags)) < 0)
		return pass(LB_PASS_NO_ROUTE);

	flags = (ofam == 4 ? BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 : BPF_F_ADJ_ROOM_ENCAP_L3_IPV6) |
	    BPF_F_ADJ_ROOM_ENCAP_L4_UDP;
	if (bpf_skb_adjust_room(skb, (__s32)olen, BPF_ADJ_ROOM_MAC, flags) < 0)
		return pass(LB_PASS_ADJUST_FAILED);

	/* outer IP, TTL and DSCP/ECN from the inner packet (after this
	 * hop), then UDP (source port from the flow hash, checksum 0) and
	 * the LISP header (I bit and instance-id as encap_build) */
	__builtin_memset(hdr, 0, sizeof(sc->hdr));
	if (ofam == 4) {
		__u32 tot = inner + 36, ipid = bpf_get_prandom_u32();
		__u64 sum = 0;
		int i;

		hdr[0] = 0x45;
		hdr[1] = p->tos;
		hdr[2] = tot >> 8;
		hdr[3] = tot;
		hdr[4] = ipid >> 8;
		hdr[5] = ipid;
		hdr[8] = p->ttl - 1;
		hdr[9] = 17;
		__builtin_memcpy(hdr + 12, cfg->rloc4, 4);
		__builtin_memcpy(hdr + 16, c->a, 4);
#pragma unroll
		for (i = 0; i < 20; i += 2)
			sum += (__u32)hdr[i] << 8 | hdr[i + 1];
		sum = csum_fold(sum);
		hdr[10] = sum >> 8;
		hdr[11] = sum;
	} else {
		__u32 fl6 = h & 0xfffff, plen = inner + 16;

		hdr[0] = 0x60 | p->tos >> 4;
		hdr[1] = (__u8)(p->tos << 4) | (__u8)(fl6 >> 16);
		hdr[2] = fl6 >> 8;
		hdr[3] = fl6;
		hdr[4] = plen >> 8;
		hdr[5] = plen;
		hdr[6] = 17;
		hdr[7] = p->ttl - 1;
		__builtin_memcpy(hdr + 8, cfg->rloc6, 16);
		__builtin_memcpy(hdr + 24, c->a, 16);
	}
	{
		__u8 *u = hdr + (ofam == 4 ? 20 : 40);
		__u16 sport = (__u16)(49152 | (h & 0x3fff));
		__u32 ulen = inner + 16;

		u[0] = sport >> 8;
		u[1] = sport;
		u[2] = cfg->port >> 8;
		u[3] = cfg->port;
		u[4] = ulen >> 8;
		u[5] = ulen;
		if (set_i) {
			u[8] = 0x08;
			u[12] = iid >> 16;
			u[13] = iid >> 8;
			u[14] = iid;
		}
	}
	{
		void *end = (void *)(long)skb->data_end;
		__u8 *d = (void *)(long)skb->data + ETH_HLEN;

		if ((void *)(d + 56) <= end) {
			if (ofam == 4)
				__builtin_memcpy(d, hdr, 36);
			else
				__builtin_memcpy(d, hdr, 56);
		} else if (ofam == 4)
			bpf_skb_store_bytes(skb, ETH_HLEN, hdr, 36, 0);
		else
			bpf_skb_store_bytes(skb, ETH_HLEN, hdr, 56, 0);
	}
	set_ttl(skb, ETH_HLEN + olen, p->ver, p->ttl, p->ttl - 1);

	if ((st = bpf_map_lookup_elem(&lb_setstats, &sl)) != NULL) {
		__u32 li = c->idx & (LB_MAX_LOCS - 1);

		st->pkts++;
		st->bytes += inner;
		st->lpkts[li]++;
		st->lbytes[li] += inner;
		st->used_ns = bpf_ktime_get_coarse_ns();
	}
	count(LB_ENCAP_PKTS, 1);
	count(LB_ENCAP_BYTES, inner);
	if (pitr)
		count(LB_PITR_PKTS, 1);
	if (tenant)
		count(LB_TENANT_ENCAP_PKTS, 1);
	return xmit(skb, fl, rc, ofam == 4 ? ETH_P_IP : ETH_P_IPV6);
}

SEC("tc")
int
lisp_ingress(struct __sk_buff *skb)
{
	struct lb_cfg *cfg;
	struct scratch *sc;
	__u32 zero = 0;
	__u16 eproto;
	int r;

	if ((cfg = bpf_map_lookup_elem(&lb_cfg, &zero)) == NULL || cfg->flags == 0)
		return TC_ACT_OK;
	eproto = bpf_ntohs(skb->protocol);
	if (eproto != ETH_P_IP && eproto != ETH_P_IPV6)
		return TC_ACT_OK;
	if (skb->len < ETH_HLEN + 20)
		return TC_ACT_OK;
	if ((sc = bpf_map_lookup_elem(&lb_scratch, &zero)) == NULL)
		return TC_ACT_OK;
	if ((cfg->flags & (LB_F_ETR | LB_F_PETR)) && (r = etr(skb, cfg, eproto, sc)) != -1)
		return r;
	if (cfg->flags & (LB_F_ITR | LB_F_PITR))
		return itr(skb, cfg, sc);
	return TC_ACT_OK;
}
