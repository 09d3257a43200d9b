/* the daemon side of the in-kernel fast path (see ebpf.h): loads
 * bpf/lisp.bpf.c through its bpftool skeleton, attaches it at TC ingress,
 * and keeps its maps what the FIB and the policy say. a FIB change is
 * pushed locator set first, then the LPM key that points to it, so the
 * program never sees a key without its set; a set replaced or withdrawn
 * is reused only a second later (a program still running on it finishes
 * long before). once a second the per-CPU counters of the sets go into
 * the FIB entries (packets, bytes, per locator, first use: what dp.c
 * reports as DP_USED), and the ITRs whose packets were decapsulated to
 * the SMR bookkeeping. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <net/if.h>
#include <sys/socket.h>
#include <sys/utsname.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <libmnl/libmnl.h>
#include <linux/fib_rules.h>
#include <linux/rtnetlink.h>

#include "bpf/lb_maps.h"
#include "ebpf.h"
#include "lisp.skel.h"
#include "sockaddr.h"

#define EB_MAX_IFS	64
#define EB_TC_HANDLE	0x4c15
#define EB_TC_PRIO	1
#define EB_REUSE_MS	1000
#define EB_SYNC_MS	1000
#define EB_BATCH	256

static const char *const lb_counter_names[LB__N] = {
#define LB_NAME(id, s)	[id] = s,
	LB_COUNTERS(LB_NAME)
#undef LB_NAME
};

struct eb_slot {
	int		 used;
	struct lisp_addr eid;		/* the FIB prefix it serves */
	int		 mlen;
	struct lb_set	 set;
	struct lb_setstat got;		/* summed over CPUs, already in the FIB */
};

struct eb_if {
	int		 ifindex;
	int		 created;	/* we made its clsact qdisc */
	char		 name[IF_NAMESIZE];
};

/* prefixes pushed into a pair of (instance-id, prefix) LPM maps */
struct pfxset {
	struct dp_prefix *p;
	int		 n;
};

struct dp_ebpf {
	struct dp	*dp;
	struct lisp_bpf	*skel;
	int		 ncpu;
	struct lb_setstat *pcpu;	/* ncpu values, a read buffer */
	/* the once-a-second look reads EB_BATCH slots per system call
	 * (ncpu values each); 0 when the kernel has no batch lookup */
	struct lb_setstat *bvals;
	uint32_t	*bkeys;
	int		 batch_ok;
	struct lb_cfg	 cfg;
	struct eb_slot	*slots;
	int		 hwm;		/* slots ever used */
	int		 nused;
	uint32_t	*freeq;		/* released slots, oldest first */
	uint64_t	*freeq_ms;
	int		 fq_head, fq_n;
	int		 fib_full;	/* an LPM update failed: the ITR side is off */
	struct dp_prefix *eids;		/* what the EID maps hold */
	int		 neids;
	struct pfxset	 pitr, petr;	/* what the PITR and PETR maps hold */
	struct pfxset	 dallow;	/* decap-allow */
	struct eb_if	 ifs[EB_MAX_IFS];
	int		 nifs;
	struct event	*ev_sync;
	struct mnl_socket *rules_mon;	/* rule changes (RTNLGRP_IPV[46]_RULE) */
	struct event	*ev_rules;
	uint32_t	 direct;	/* LB_F_[E]DIRECT4/6 the rules allow */
	struct lb_skey6	*ltab4, *ltab6;	/* what lb_ltab4/6 hold */
	int		 nltab4, nltab6;
	int		 ltab4_ok, ltab6_ok;	/* ... and that is the local table */
	char		 nlbuf[32768];	/* netlink dumps and notifications */
	uint64_t	 seen_ns;	/* the last SMR poll */
	uint64_t	 gen;
};

static int
eb_libbpf_log(enum libbpf_print_level lvl, const char *fmt, va_list ap)
{
	char buf[256];
	size_t n;

	if (lvl == LIBBPF_DEBUG)
		return 0;
	vsnprintf(buf, sizeof(buf), fmt, ap);
	if ((n = strlen(buf)) > 0 && buf[n - 1] == '\n')
		buf[n - 1] = '\0';
	log_debug("ebpf: libbpf: %s", buf);
	return 0;
}

/* -- keys -------------------------------------------------------------- */

static uint32_t
eid_iid(const struct lisp_addr *a)
{
	return a->has_iid ? a->iid : 0;
}

static void
put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

/* the FIB/EID key of a prefix (instance-id first); -1 if not IP */
static int
key_of(const struct lisp_addr *eid, int mlen, void *k, int *fam)
{
	const uint8_t *b = addr_bytes(eid);

	if (b == NULL)
		return -1;
	if (eid->afi == AFI_IPV4 && mlen >= 0 && mlen <= 32) {
		struct lb_key4 *k4 = k;

		memset(k4, 0, sizeof(*k4));
		k4->plen = 32 + (uint32_t)mlen;
		put_be32(k4->iid, eid_iid(eid));
		memcpy(k4->a, b, 4);
		*fam = 4;
		return 0;
	}
	if (eid->afi == AFI_IPV6 && mlen >= 0 && mlen <= 128) {
		struct lb_key6 *k6 = k;

		memset(k6, 0, sizeof(*k6));
		k6->plen = 32 + (uint32_t)mlen;
		put_be32(k6->iid, eid_iid(eid));
		memcpy(k6->a, b, 16);
		*fam = 6;
		return 0;
	}
	return -1;
}

static int
fib_fd(struct dp_ebpf *eb, int fam)
{
	return bpf_map__fd(fam == 4 ? eb->skel->maps.lb_fib4 : eb->skel->maps.lb_fib6);
}

/* -- locator sets ------------------------------------------------------ */

/* the candidates rloc_select() chooses among (encap.c), prepared: the
 * usable locators of the best priority; with weights, those of weight
 * > 0 with cumulative weights */
static void
set_build(const struct fib_ent *fe, unsigned fams, struct lb_set *s)
{
	struct fib_loc locs[FIB_MAX_LOCS];
	int i, n, best = 256;
	uint32_t sumw = 0;

	memset(s, 0, sizeof(*s));
	n = fib_ent_locs(fe, locs);
	for (i = 0; i < n && i < LB_MAX_LOCS; i++) {
		struct lb_loc *a = &s->all[s->nall++];

		a->fam = locs[i].fam == FIB_V6 ? 6 : 4;
		memcpy(a->a, locs[i].a, a->fam == 6 ? 16 : 4);
	}
	for (i = 0; i < n; i++) {
		const struct fib_loc *l = &locs[i];

		if (l->up && l->priority != 255 && (l->fam & fams) && l->priority < best)
			best = l->priority;
	}
	if (best == 256)
		return;
	for (i = 0; i < n; i++) {
		const struct fib_loc *l = &locs[i];

		if (l->up && l->priority == best && (l->fam & fams))
			sumw += l->weight;
	}
	for (i = 0; i < n && i < LB_MAX_LOCS; i++) {
		const struct fib_loc *l = &locs[i];
		struct lb_cand *c;

		if (!l->up || l->priority != best || !(l->fam & fams) ||
		    (sumw > 0 && l->weight == 0))
			continue;
		c = &s->c[s->ncand++];
		c->fam = l->fam == FIB_V6 ? 6 : 4;
		c->idx = (uint8_t)i;
		memcpy(c->a, l->a, c->fam == 6 ? 16 : 4);
		s->sumw = (uint16_t)(s->sumw + l->weight);
		c->cumw = s->sumw;
	}
	if (sumw == 0)
		s->sumw = 0;
}

static int
slot_alloc(struct dp_ebpf *eb, uint64_t now)
{
	uint32_t i;

	if (eb->fq_n > 0 && eb->freeq_ms[eb->fq_head] + EB_REUSE_MS <= now) {
		i = eb->freeq[eb->fq_head];
		eb->fq_head = (eb->fq_head + 1) % LB_SLOTS;
		eb->fq_n--;
		return (int)i;
	}
	if (eb->hwm < LB_SLOTS)
		return eb->hwm++;
	return -1;
}

static void
slot_release(struct dp_ebpf *eb, uint32_t i, uint64_t now)
{
	int tail;

	if (i >= (uint32_t)eb->hwm || !eb->slots[i].used)
		return;
	eb->slots[i].used = 0;
	eb->nused--;
	tail = (eb->fq_head + eb->fq_n) % LB_SLOTS;
	eb->freeq[tail] = i;
	eb->freeq_ms[tail] = now;
	eb->fq_n++;
}

/* ncpu per-CPU counters of a slot, summed */
static void
slot_sum(const struct dp_ebpf *eb, const struct lb_setstat *pcpu, struct lb_setstat *sum)
{
	int c, j;

	memset(sum, 0, sizeof(*sum));
	for (c = 0; c < eb->ncpu; c++) {
		const struct lb_setstat *v = &pcpu[c];

		sum->pkts += v->pkts;
		sum->bytes += v->bytes;
		if (v->used_ns > sum->used_ns)
			sum->used_ns = v->used_ns;
		for (j = 0; j < LB_MAX_LOCS; j++) {
			sum->lpkts[j] += v->lpkts[j];
			sum->lbytes[j] += v->lbytes[j];
		}
	}
}

/* the per-CPU counters of a slot, summed; -1 on error */
static int
slot_read(struct dp_ebpf *eb, uint32_t i, struct lb_setstat *sum)
{
	if (bpf_map_lookup_elem(bpf_map__fd(eb->skel->maps.lb_setstats), &i, eb->pcpu) == -1)
		return -1;
	slot_sum(eb, eb->pcpu, sum);
	return 0;
}

/* what the program counted on slot i since the last look, into fe (its
 * locators matched by address: fe may be the entry that replaced the
 * slot's). reports a first use to the control side as dp.c does */
static void
slot_apply(struct dp_ebpf *eb, uint32_t i, struct fib_ent *fe, const struct lb_setstat *now_st)
{
	struct eb_slot *s = &eb->slots[i];
	struct lb_setstat cur = *now_st;
	struct fib_loc locs[FIB_MAX_LOCS];
	uint64_t pk, by;
	int j, k, n;

	if (fe == NULL)
		return;
	/* an entry gets its counters only when something was counted; what
	 * went to a locator fe no longer has (or past the per-locator
	 * counts) is counted as elsewhere */
	if (cur.pkts != s->got.pkts || cur.bytes != s->got.bytes) {
		pk = cur.pkts - s->got.pkts;
		by = cur.bytes - s->got.bytes;
		n = fib_ent_locs(fe, locs);
		for (j = 0; j < s->set.ncand; j++) {
			const struct lb_cand *c = &s->set.c[j];
			uint64_t lp = cur.lpkts[c->idx] - s->got.lpkts[c->idx];
			uint64_t lb = cur.lbytes[c->idx] - s->got.lbytes[c->idx];

			if (lp > pk || lb > by)
				continue;
			for (k = 0; k < n; k++)
				if ((locs[k].fam == FIB_V6 ? 6 : 4) == c->fam &&
				    memcmp(locs[k].a, c->a, c->fam == 6 ? 16 : 4) == 0)
					break;
			if (k == n)
				continue;
			fib_ent_add(eb->dp->fib, fe, k, lp, lb);
			pk -= lp;
			by -= lb;
		}
		fib_ent_add(eb->dp->fib, fe, -1, pk, by);
	}
	if (cur.used_ns > s->got.used_ns) {
		uint64_t used = cur.used_ns / 1000000;

		if ((fib_ent_used(fe) + 60000 <= used || fe->fresh) &&
		    eb->dp->ctl.miss != NULL) {
			struct dp_miss m;

			memset(&m, 0, sizeof(m));
			m.kind = DP_USED;
			m.src = s->eid;
			m.dst = s->eid;
			m.ctl = fe->ctl;
			eb->dp->ctl.miss(eb->dp->ctl.arg, &m);
		}
		if (used > fib_ent_used(fe))
			fe->used_ms = used;
		fe->fresh = 0;	/* (at a publish fib_publish sets it again) */
	}
	s->got = cur;
}

static void
slot_harvest(struct dp_ebpf *eb, uint32_t i, struct fib_ent *fe, uint64_t now)
{
	struct lb_setstat cur;

	(void)now;
	if (slot_read(eb, i, &cur) == 0)
		slot_apply(eb, i, fe, &cur);
}

/* the slot the FIB key points to, when it is this prefix's; -1 if none */
static int
slot_of(struct dp_ebpf *eb, const void *key, int fam, const struct lisp_addr *eid, int mlen)
{
	uint32_t v;

	if (bpf_map_lookup_elem(fib_fd(eb, fam), key, &v) == -1 || v == LB_PASS ||
	    v >= (uint32_t)eb->hwm || !eb->slots[v].used)
		return -1;
	if (eb->slots[v].mlen != mlen || !addr_equal(&eb->slots[v].eid, eid))
		return -1;
	return (int)v;
}

static unsigned
eb_fams(const struct dp_ebpf *eb)
{
	return (eb->cfg.has4 ? FIB_V4 : 0) | (eb->cfg.has6 ? FIB_V6 : 0);
}

static void
cfg_push(struct dp_ebpf *eb)
{
	uint32_t zero = 0;
	struct lb_cfg c = eb->cfg;

	if (eb->fib_full)
		c.flags &= ~(uint32_t)LB_F_ITR;
	c.flags |= eb->direct;
	if (bpf_map_update_elem(bpf_map__fd(eb->skel->maps.lb_cfg), &zero, &c, BPF_ANY) == -1)
		log_warn("ebpf: config map: %s", strerror(errno));
}

static int
eb_fib_sync(void *arg, const struct lisp_addr *eid, int mlen, const struct fib_ent *fe)
{
	struct dp_ebpf *eb = arg;
	union { struct lb_key4 k4; struct lb_key6 k6; } key;
	uint64_t now = now_ms();
	uint32_t v = LB_PASS;
	int fam, old, slot = -1;
	struct lb_set set;

	if (key_of(eid, mlen, &key, &fam) == -1)
		return 0;
	old = slot_of(eb, &key, fam, eid, mlen);
	if (fe == NULL) {
		bpf_map_delete_elem(fib_fd(eb, fam), &key);
		if (old >= 0)
			slot_release(eb, (uint32_t)old, now);
		return 0;
	}
	if (fe->kind == FIB_ENCAP) {
		set_build(fe, eb_fams(eb), &set);
		if (set.ncand > 0 && (slot = slot_alloc(eb, now)) >= 0) {
			struct eb_slot *s = &eb->slots[slot];
			uint32_t i = (uint32_t)slot;

			set.gen = (uint32_t)++eb->gen;
			memset(eb->pcpu, 0, sizeof(*eb->pcpu) * (size_t)eb->ncpu);
			if (bpf_map_update_elem(bpf_map__fd(eb->skel->maps.lb_setstats), &i,
			    eb->pcpu, BPF_ANY) == -1 ||
			    bpf_map_update_elem(bpf_map__fd(eb->skel->maps.lb_sets), &i,
			    &set, BPF_ANY) == -1) {
				log_warn("ebpf: locator set: %s", strerror(errno));
				slot = -1;
			} else {
				s->used = 1;
				s->eid = *eid;
				s->mlen = mlen;
				s->set = set;
				memset(&s->got, 0, sizeof(s->got));
				eb->nused++;
				v = i;
			}
		}
	}
	if (bpf_map_update_elem(fib_fd(eb, fam), &key, &v, BPF_ANY) == -1) {
		/* a prefix the program does not know could let a shorter
		 * one it knows take its packets: the ITR side stops */
		if (!eb->fib_full)
			log_warn("ebpf: FIB map full (%s): encapsulation goes the TUN "
			    "way from now on", strerror(errno));
		eb->fib_full = 1;
		cfg_push(eb);
		if (slot >= 0)
			slot_release(eb, (uint32_t)slot, now);
		return -1;
	}
	if (old >= 0) {
		/* what the program counted on the old set, into the new entry */
		slot_harvest(eb, (uint32_t)old, (struct fib_ent *)fe, now);
		slot_release(eb, (uint32_t)old, now);
	}
	return 0;
}

/* the fams changed: every set again from its FIB entry */
static void
sets_rebuild(struct dp_ebpf *eb)
{
	int i;

	for (i = 0; i < eb->hwm; i++) {
		struct eb_slot *s = &eb->slots[i];
		struct fib_ent *fe;

		if (!s->used || (fe = fib_exact(eb->dp->fib, &s->eid, s->mlen)) == NULL)
			continue;
		eb_fib_sync(eb, &s->eid, s->mlen, fe);
	}
}

/* -- policy ------------------------------------------------------------ */

static int
prefix_in(const struct dp_prefix *ps, int n, const struct dp_prefix *p)
{
	int i;

	for (i = 0; i < n; i++)
		if (ps[i].mlen == p->mlen && addr_equal(&ps[i].eid, &p->eid))
			return 1;
	return 0;
}

/* the EID key (instance-id and prefix) and the source key (prefix) */
static void
eid_maps(struct dp_ebpf *eb, const struct dp_prefix *p, int add)
{
	union { struct lb_key4 k4; struct lb_key6 k6; } key;
	union { struct lb_skey4 s4; struct lb_skey6 s6; } sk;
	struct lb_src src;
	uint32_t one = 1;
	int fam, efd, sfd;

	if (key_of(&p->eid, p->mlen, &key, &fam) == -1)
		return;
	memset(&sk, 0, sizeof(sk));
	if (fam == 4) {
		sk.s4.plen = (uint32_t)p->mlen;
		memcpy(sk.s4.a, key.k4.a, 4);
		efd = bpf_map__fd(eb->skel->maps.lb_eid4);
		sfd = bpf_map__fd(eb->skel->maps.lb_src4);
	} else {
		sk.s6.plen = (uint32_t)p->mlen;
		memcpy(sk.s6.a, key.k6.a, 16);
		efd = bpf_map__fd(eb->skel->maps.lb_eid6);
		sfd = bpf_map__fd(eb->skel->maps.lb_src6);
	}
	if (!add) {
		bpf_map_delete_elem(efd, &key);
		if (!p->tenant)
			bpf_map_delete_elem(sfd, &sk);
		return;
	}
	memset(&src, 0, sizeof(src));
	src.iid = eid_iid(&p->eid);
	src.set_i = p->eid.has_iid && p->eid.iid != 0;
	/* a tenant's prefix is a source on its interfaces only (lb_tifs) */
	one = p->tenant ? LB_EID_TENANT : 1;
	if (bpf_map_update_elem(efd, &key, &one, BPF_ANY) == -1 ||
	    (!p->tenant && bpf_map_update_elem(sfd, &sk, &src, BPF_NOEXIST) == -1)) {
		if (errno != EEXIST)	/* the same prefix in two instances: the first */
			log_warn("ebpf: EID map: %s", strerror(errno));
	}
}

/* make the maps m4/m6 hold the prefixes ps (and the set remember them) */
static void
pfx_sync(struct dp_ebpf *eb, struct pfxset *set, const struct dp_prefix *ps, int n,
    struct bpf_map *m4, struct bpf_map *m6)
{
	union { struct lb_key4 k4; struct lb_key6 k6; } key;
	struct dp_prefix *copy = NULL;
	uint32_t one = 1;
	int i, fam;

	for (i = 0; i < n; i++)
		if (key_of(&ps[i].eid, ps[i].mlen, &key, &fam) == 0 &&
		    bpf_map_update_elem(bpf_map__fd(fam == 4 ? m4 : m6), &key, &one,
		    BPF_ANY) == -1)
			log_warn("ebpf: prefix map: %s", strerror(errno));
	for (i = 0; i < set->n; i++)
		if (!prefix_in(ps, n, &set->p[i]) &&
		    key_of(&set->p[i].eid, set->p[i].mlen, &key, &fam) == 0)
			bpf_map_delete_elem(bpf_map__fd(fam == 4 ? m4 : m6), &key);
	if (n > 0 && (copy = calloc((size_t)n, sizeof(*copy))) != NULL)
		memcpy(copy, ps, (size_t)n * sizeof(*copy));
	free(set->p);
	set->p = copy;
	set->n = copy != NULL ? n : 0;
}

void
dp_ebpf_local_rlocs(struct dp_ebpf *eb, const struct lisp_addr *a, int n)
{
	int fd = bpf_map__fd(eb->skel->maps.lb_local), i;
	struct lb_local_key k, next, *prev = NULL;
	uint32_t one = 1;

	/* empty it, then the new set */
	while (bpf_map_get_next_key(fd, prev, &next) == 0) {
		bpf_map_delete_elem(fd, &next);
		prev = NULL;
	}
	for (i = 0; i < n && i < LB_LOCAL_MAX; i++) {
		const uint8_t *b = addr_bytes(&a[i]);

		if (b == NULL || (a[i].afi != AFI_IPV4 && a[i].afi != AFI_IPV6))
			continue;
		memset(&k, 0, sizeof(k));
		k.fam = a[i].afi == AFI_IPV4 ? 4 : 6;
		memcpy(k.a, b, k.fam == 4 ? 4 : 16);
		bpf_map_update_elem(fd, &k, &one, BPF_ANY);
	}

}

/* -- the policy rules, the local table and the routes of the programs -- */

/*
 * both programs look routes up as the kernel would route the packet
 * coming in: through the policy rules. that walk is most of what the
 * lookup costs (with the xTR's own rules an outer lookup is one of the
 * local table and two of the main table). the main table alone
 * (BPF_FIB_LOOKUP_DIRECT) gives the same route when
 *  - the destination is not in the local table (its own addresses,
 *    broadcasts, the loopback): the programs look it up in a copy of the
 *    local table (lb_ltab4/6) and walk the rules on a hit;
 *  - and no rule can send the packet elsewhere: every rule is the local,
 *    main (suppress_prefixlength or not) or default (32767) one, or
 *    selects by source prefix alone. for the ITR (outer source: our RLOC)
 *    such a rule must not hold the RLOC; for the ETR (inner source: the
 *    remote site's choice) it must lie inside one of our EID-prefixes,
 *    and the program walks the rules for an inner source in our EID
 *    space (lb_src4/6). anything else (iif, fwmark, a catch-all to
 *    another table as the PITR's, inverted, an attribute not known here)
 *    and the rules are walked; tenants' packets always walk them.
 * the rules and the local table are read at each policy change and again
 * whenever the kernel announces a change of either (a monitor socket in
 * the event loop); while the monitor is not running, the rules are always
 * walked. routes and neighbours are looked up per packet either way.
 */
struct rules_walk {
	struct dp_ebpf	*eb;
	int		 fam;
	const uint8_t	*rloc;		/* NULL: no source RLOC of the family */
	int		 itr, etr;	/* the rules allow each program's shortcut */
};

/* does the prefix a/plen hold the address r (alen octets) */
static int
pfx_holds(const uint8_t *a, int plen, const uint8_t *r, int alen)
{
	int i;

	if (plen < 0 || plen > alen * 8)
		return 1;
	for (i = 0; i < plen / 8; i++)
		if (a[i] != r[i])
			return 0;
	if (plen % 8 != 0) {
		uint8_t m = (uint8_t)(0xff << (8 - plen % 8));

		if ((a[i] & m) != (r[i] & m))
			return 0;
	}
	return 1;
}

/* a source prefix inside one of our (not a tenant's) EID-prefixes */
static int
in_our_eids(const struct dp_ebpf *eb, int fam, const uint8_t *src, int plen)
{
	int i;

	for (i = 0; i < eb->neids; i++) {
		const struct dp_prefix *p = &eb->eids[i];
		const uint8_t *e = addr_bytes(&p->eid);

		if (p->tenant || e == NULL || (fam == 4) != (p->eid.afi == AFI_IPV4) ||
		    p->mlen > plen)
			continue;
		if (pfx_holds(e, p->mlen, src, fam == 4 ? 4 : 16))
			return 1;
	}
	return 0;
}

static int
rule_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct rules_walk *w = arg;
	const struct fib_rule_hdr *frh = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at;
	const uint8_t *src = NULL;
	uint32_t table, prio = 0;
	int alen = w->fam == 4 ? 4 : 16, suppress = 0;

	if (nlh->nlmsg_type != RTM_NEWRULE ||
	    nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*frh)) || frh->family !=
	    (w->fam == 4 ? AF_INET : AF_INET6))
		return MNL_CB_OK;
	table = frh->table;
	if (frh->action != FR_ACT_TO_TBL || frh->dst_len != 0 || frh->tos != 0 ||
	    (frh->flags & FIB_RULE_INVERT))
		goto walk;
	mnl_attr_for_each(at, nlh, sizeof(*frh)) {
		switch (mnl_attr_get_type(at)) {
		case FRA_TABLE:
			if (mnl_attr_get_payload_len(at) < 4)
				goto walk;
			table = mnl_attr_get_u32(at);
			break;
		case FRA_PRIORITY:
			if (mnl_attr_get_payload_len(at) < 4)
				goto walk;
			prio = mnl_attr_get_u32(at);
			break;
		case FRA_SRC:
			if (mnl_attr_get_payload_len(at) < (uint16_t)alen)
				goto walk;
			src = mnl_attr_get_payload(at);
			break;
		case FRA_SUPPRESS_PREFIXLEN:
			if (mnl_attr_get_payload_len(at) < 4)
				goto walk;
			suppress = (int32_t)mnl_attr_get_u32(at) != -1;
			break;
		case FRA_SUPPRESS_IFGROUP:
			if (mnl_attr_get_payload_len(at) < 4 ||
			    (int32_t)mnl_attr_get_u32(at) != -1)
				goto walk;
			break;
		case FRA_PROTOCOL:
			break;
		case FRA_FWMARK:
		case FRA_FWMASK:
			if (mnl_attr_get_payload_len(at) < 4 || mnl_attr_get_u32(at) != 0)
				goto walk;
			break;
		default:	/* iif, oif, l3mdev, uid, ports, dscp... */
			goto walk;
		}
	}
	if (frh->src_len == 0) {
		if (table == RT_TABLE_MAIN || (table == RT_TABLE_LOCAL && !suppress) ||
		    (table == RT_TABLE_DEFAULT && !suppress && prio == 0x7fff))
			return MNL_CB_OK;
		goto walk;
	}
	if (src == NULL)
		goto walk;
	/* a source prefix: harmless where the source cannot be in it */
	if (w->rloc == NULL || pfx_holds(src, frh->src_len, w->rloc, alen))
		w->itr = 0;
	if (!in_our_eids(w->eb, w->fam, src, frh->src_len))
		w->etr = 0;
	return MNL_CB_OK;
walk:
	w->itr = w->etr = 0;
	return MNL_CB_OK;
}

/* a dump request of the family on a socket of its own, cb over the
 * answer; -1 on any error */
static int
nl_dump(char *buf, size_t bufsz, int type, int fam, mnl_cb_t cb, void *arg)
{
	struct mnl_socket *nl;
	struct nlmsghdr *nlh;
	uint32_t seq = 1, portid;
	int ret = -1, one = 1;

	if ((nl = mnl_socket_open(NETLINK_ROUTE)) == NULL)
		return -1;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) == -1)
		goto out;
	portid = mnl_socket_get_portid(nl);
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = (uint16_t)type;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	if (type == RTM_GETRULE) {
		struct fib_rule_hdr *frh = mnl_nlmsg_put_extra_header(nlh, sizeof(*frh));

		frh->family = fam == 4 ? AF_INET : AF_INET6;
	} else {
		struct rtmsg *rtm = mnl_nlmsg_put_extra_header(nlh, sizeof(*rtm));

		/* the kernel filters by table where it checks strictly;
		 * the callback filters too */
		rtm->rtm_family = fam == 4 ? AF_INET : AF_INET6;
		rtm->rtm_table = RT_TABLE_LOCAL;
		mnl_attr_put_u32(nlh, RTA_TABLE, RT_TABLE_LOCAL);
		mnl_socket_setsockopt(nl, NETLINK_GET_STRICT_CHK, &one, sizeof(one));
	}
	if (mnl_socket_sendto(nl, nlh, nlh->nlmsg_len) < 0)
		goto out;
	for (;;) {
		ssize_t n = mnl_socket_recvfrom(nl, buf, bufsz);
		int r;

		if (n <= 0 || (r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, arg)) < 0)
			goto out;
		if (r == MNL_CB_STOP)
			break;
	}
	ret = 0;
out:
	mnl_socket_close(nl);
	return ret;
}

/* the local table's prefixes, as LPM keys (lb_skey4/6) */
struct ltab {
	int		 fam;
	struct lb_skey6	*k;		/* lb_skey4 for IPv4: first octets */
	int		 n, cap;
	int		 full;
};

static uint32_t
rt_table_of(const struct nlmsghdr *nlh)
{
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at;
	uint32_t t = rtm->rtm_table;

	mnl_attr_for_each(at, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(at) == RTA_TABLE && mnl_attr_get_payload_len(at) >= 4)
			t = mnl_attr_get_u32(at);
	return t;
}

static int
ltab_cb(const struct nlmsghdr *nlh, void *arg)
{
	struct ltab *lt = arg;
	const struct rtmsg *rtm = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *at;
	struct lb_skey6 k;
	int alen = lt->fam == 4 ? 4 : 16;

	if (nlh->nlmsg_type != RTM_NEWROUTE || nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*rtm)) ||
	    rtm->rtm_family != (lt->fam == 4 ? AF_INET : AF_INET6) ||
	    rt_table_of(nlh) != RT_TABLE_LOCAL)
		return MNL_CB_OK;
	memset(&k, 0, sizeof(k));
	k.plen = rtm->rtm_dst_len;
	mnl_attr_for_each(at, nlh, sizeof(*rtm))
		if (mnl_attr_get_type(at) == RTA_DST && mnl_attr_get_payload_len(at) >= alen)
			memcpy(k.a, mnl_attr_get_payload(at), (size_t)alen);
	if (lt->n == lt->cap) {
		int cap = lt->cap ? lt->cap * 2 : 64;
		struct lb_skey6 *nk;

		if (cap > LB_LTAB_MAX || (nk = realloc(lt->k, (size_t)cap * sizeof(*nk))) == NULL) {
			lt->full = 1;
			return MNL_CB_OK;
		}
		lt->k = nk;
		lt->cap = cap;
	}
	lt->k[lt->n++] = k;
	return MNL_CB_OK;
}

static int
key_in(const struct lb_skey6 *k, int n, const struct lb_skey6 *x)
{
	int i;

	for (i = 0; i < n; i++)
		if (k[i].plen == x->plen && memcmp(k[i].a, x->a, 16) == 0)
			return 1;
	return 0;
}

/* copy the local table of the family into its map: what is new first,
 * then what went (a local address is never missing meanwhile); 0 when
 * the map holds the whole table */
static int
ltab_sync(struct dp_ebpf *eb, int fam)
{
	struct ltab lt = { .fam = fam };
	struct lb_skey6 **cur = fam == 4 ? &eb->ltab4 : &eb->ltab6;
	int *ncur = fam == 4 ? &eb->nltab4 : &eb->nltab6;
	int fd = bpf_map__fd(fam == 4 ? eb->skel->maps.lb_ltab4 : eb->skel->maps.lb_ltab6);
	uint32_t one = 1;
	int i, bad = 0;

	if (nl_dump(eb->nlbuf, sizeof(eb->nlbuf), RTM_GETROUTE, fam, ltab_cb, &lt) == -1 ||
	    lt.full) {
		free(lt.k);
		return -1;
	}
	for (i = 0; i < lt.n; i++) {
		struct lb_skey4 k4 = { .plen = lt.k[i].plen };
		void *k = &lt.k[i];

		if (fam == 4) {
			memcpy(k4.a, lt.k[i].a, 4);
			k = &k4;
		}
		if (bpf_map_update_elem(fd, k, &one, BPF_ANY) == -1)
			bad = 1;
	}
	for (i = 0; i < *ncur; i++) {
		struct lb_skey4 k4 = { .plen = (*cur)[i].plen };
		void *k = &(*cur)[i];

		if (key_in(lt.k, lt.n, &(*cur)[i]))
			continue;
		if (fam == 4) {
			memcpy(k4.a, (*cur)[i].a, 4);
			k = &k4;
		}
		bpf_map_delete_elem(fd, k);
	}
	free(*cur);
	*cur = lt.k;
	*ncur = lt.n;
	return bad ? -1 : 0;
}

/* what the rules and the local table allow now, into the program's
 * config if it changed */
static void
rules_check(struct dp_ebpf *eb, int ltab)
{
	uint32_t d = 0;
	int fam;

	for (fam = 4; fam <= 6 && eb->rules_mon != NULL; fam += 2) {
		struct rules_walk w = { .eb = eb, .fam = fam, .itr = 1, .etr = 1 };
		int *ok = fam == 4 ? &eb->ltab4_ok : &eb->ltab6_ok;

		if (fam == 4 && eb->cfg.has4)
			w.rloc = eb->cfg.rloc4;
		else if (fam == 6 && eb->cfg.has6)
			w.rloc = eb->cfg.rloc6;
		if (ltab || !*ok)
			*ok = ltab_sync(eb, fam) == 0;
		if (!*ok || nl_dump(eb->nlbuf, sizeof(eb->nlbuf), RTM_GETRULE, fam, rule_cb,
		    &w) == -1)
			continue;
		if (w.itr && w.rloc != NULL)
			d |= fam == 4 ? LB_F_DIRECT4 : LB_F_DIRECT6;
		if (w.etr)
			d |= fam == 4 ? LB_F_EDIRECT4 : LB_F_EDIRECT6;
	}
	if (d != eb->direct) {
		log_info("ebpf: routes from the main table alone: ITR IPv4 %s IPv6 %s, ETR IPv4 %s IPv6 %s",
		    d & LB_F_DIRECT4 ? "yes" : "no", d & LB_F_DIRECT6 ? "yes" : "no",
		    d & LB_F_EDIRECT4 ? "yes" : "no", d & LB_F_EDIRECT6 ? "yes" : "no");
		eb->direct = d;
		cfg_push(eb);
	}
}

static void
rules_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct dp_ebpf *eb = arg;
	char *buf = eb->nlbuf;
	int rules = 0, ltab = 0;
	ssize_t n;

	/* drain; a rule change: look at the rules again, a change of the
	 * local table: copy it again too (a lost message: both) */
	while ((n = recv(fd, buf, sizeof(eb->nlbuf), MSG_DONTWAIT)) > 0 ||
	    (n == -1 && errno == ENOBUFS)) {
		const struct nlmsghdr *nlh = (const struct nlmsghdr *)buf;
		int len = (int)n;

		if (n == -1) {
			rules = ltab = 1;
			continue;
		}
		for (; mnl_nlmsg_ok(nlh, len); nlh = mnl_nlmsg_next(nlh, &len)) {
			if (nlh->nlmsg_type == RTM_NEWRULE || nlh->nlmsg_type == RTM_DELRULE)
				rules = 1;
			else if ((nlh->nlmsg_type == RTM_NEWROUTE ||
			    nlh->nlmsg_type == RTM_DELROUTE) &&
			    nlh->nlmsg_len >= NLMSG_LENGTH(sizeof(struct rtmsg)) &&
			    rt_table_of(nlh) == RT_TABLE_LOCAL)
				ltab = 1;
		}
	}
	if (rules || ltab)
		rules_check(eb, ltab);
}

static void
rules_monitor(struct dp_ebpf *eb)
{
	int g[] = { RTNLGRP_IPV6_RULE, RTNLGRP_IPV6_ROUTE }, i;

	if (eb->dp->base == NULL || (eb->rules_mon = mnl_socket_open(NETLINK_ROUTE)) == NULL)
		return;
	if (mnl_socket_bind(eb->rules_mon, RTMGRP_IPV4_RULE | RTMGRP_IPV4_ROUTE,
	    MNL_SOCKET_AUTOPID) == -1)
		goto fail;
	for (i = 0; i < 2; i++)
		if (mnl_socket_setsockopt(eb->rules_mon, NETLINK_ADD_MEMBERSHIP, &g[i],
		    sizeof(g[i])) == -1)
			goto fail;
	if ((eb->ev_rules = event_new(eb->dp->base, mnl_socket_get_fd(eb->rules_mon),
	    EV_READ | EV_PERSIST, rules_cb, eb)) == NULL || event_add(eb->ev_rules, NULL) == -1)
		goto fail;
	return;
fail:
	log_warn("ebpf: rule monitor: %s; routes through the rules", strerror(errno));
	if (eb->ev_rules != NULL)
		event_free(eb->ev_rules);
	eb->ev_rules = NULL;
	mnl_socket_close(eb->rules_mon);
	eb->rules_mon = NULL;
}

static int
mtu_or(int v, int d)
{
	return v > 0 ? v : d;
}

static int
eb_policy(void *arg, const struct dp_policy *pol)
{
	struct dp_ebpf *eb = arg;
	struct dp *dp = eb->dp;
	struct dp_prefix *copy = NULL;
	unsigned fams = eb_fams(eb);
	int i, tun = dp->tun_mtu > 0 ? dp->tun_mtu : 1500 - ENCAP_OVERHEAD4, m4, m6;

	eb->cfg.flags = (pol->itr ? LB_F_ITR : 0) | (pol->etr ? LB_F_ETR : 0) |
	    (pol->pitr ? LB_F_PITR : 0) | (pol->petr ? LB_F_PETR : 0) |
	    (pol->petr && pol->npetr_pfx == 0 ? LB_F_PETR_ANY : 0) |
	    (pol->decap_check != DECAP_CHECK_OFF ? LB_F_DECAP_CHECK : 0) |
	    (eb->cfg.flags & (LB_F_DECAP_L3 | LB_F_TENANTS));
	eb->cfg.port = dp->port ? dp->port : LISP_DATA_PORT;
	eb->cfg.has4 = pol->rloc4.afi == AFI_IPV4;
	eb->cfg.has6 = pol->rloc6.afi == AFI_IPV6;
	if (eb->cfg.has4)
		memcpy(eb->cfg.rloc4, addr_bytes(&pol->rloc4), 4);
	if (eb->cfg.has6)
		memcpy(eb->cfg.rloc6, addr_bytes(&pol->rloc6), 16);
	/* the TUN path's limits: the tunnel MTU and the underlay's room */
	m4 = mtu_or(pol->ul_mtu4, 1500);
	m6 = mtu_or(pol->ul_mtu6, 1500);
	eb->cfg.room4 = (uint32_t)(m4 - ENCAP_OVERHEAD4 < tun ? m4 - ENCAP_OVERHEAD4 : tun);
	eb->cfg.room6 = (uint32_t)(m6 - ENCAP_OVERHEAD6 < tun ? m6 - ENCAP_OVERHEAD6 : tun);
	eb->cfg.mtu4 = eb->cfg.room4 + ENCAP_OVERHEAD4;
	eb->cfg.mtu6 = eb->cfg.room6 + ENCAP_OVERHEAD6;
	pfx_sync(eb, &eb->pitr, pol->pitr_pfx, pol->npitr, eb->skel->maps.lb_pitr4,
	    eb->skel->maps.lb_pitr6);
	pfx_sync(eb, &eb->petr, pol->petr_pfx, pol->npetr_pfx, eb->skel->maps.lb_petr4,
	    eb->skel->maps.lb_petr6);
	pfx_sync(eb, &eb->dallow, pol->decap_allow, pol->ndecap_allow,
	    eb->skel->maps.lb_dallow4, eb->skel->maps.lb_dallow6);
	for (i = 0; i < pol->neids; i++)
		eid_maps(eb, &pol->eids[i], 1);
	for (i = 0; i < eb->neids; i++)
		if (!prefix_in(pol->eids, pol->neids, &eb->eids[i]))
			eid_maps(eb, &eb->eids[i], 0);
	if (pol->neids > 0 && (copy = calloc((size_t)pol->neids, sizeof(*copy))) != NULL)
		memcpy(copy, pol->eids, (size_t)pol->neids * sizeof(*copy));
	free(eb->eids);
	eb->eids = copy;
	eb->neids = copy != NULL ? pol->neids : 0;
	cfg_push(eb);
	rules_check(eb, 0);	/* the source RLOCs or the EIDs may have changed */
	if (fams != eb_fams(eb))
		sets_rebuild(eb);
	return 0;
}

/* -- the periodic look at the counters --------------------------------- */

static void
seen_poll(struct dp_ebpf *eb)
{
	int fd = bpf_map__fd(eb->skel->maps.lb_seen);
	struct lb_seen_key k, next, *prev = NULL;
	uint64_t t, newest = eb->seen_ns;
	int n = 0;

	if (eb->dp->ctl.decap == NULL)
		return;
	while (n++ < LB_SEEN_MAX && bpf_map_get_next_key(fd, prev, &next) == 0) {
		k = next;
		prev = &k;
		if (bpf_map_lookup_elem(fd, &k, &t) == -1 || t <= eb->seen_ns)
			continue;
		if (t > newest)
			newest = t;
		{
			struct sockaddr_storage ss;
			struct lisp_addr rloc;
			struct decap d;

			memset(&d, 0, sizeof(d));
			if (k.fam == 4)
				addr_set_v4(&rloc, k.rloc);
			else
				addr_set_v6(&rloc, k.rloc);
			if (k.efam == 4)
				addr_set_v4(&d.ip.src, k.eid);
			else
				addr_set_v6(&d.ip.src, k.eid);
			d.ip.version = k.efam;
			d.has_iid = k.iid != 0;
			d.iid = k.iid;
			sockaddr_from_addr(&ss, &rloc, LISP_DATA_PORT);
			eb->dp->ctl.decap(eb->dp->ctl.arg, (struct sockaddr *)&ss, &d);
		}
	}
	eb->seen_ns = newest;
}

/* the counters of slots [0, hwm) in batches: one system call per
 * EB_BATCH slots instead of one per slot, and the FIB entry looked up only
 * for a slot the program counted on since the last look (an idle FIB of
 * LB_SLOTS sets cost 2.5% of a core as a lookup per slot). -1: the
 * kernel refused the batch, slot by slot from now on */
static int
sync_batched(struct dp_ebpf *eb)
{
	DECLARE_LIBBPF_OPTS(bpf_map_batch_opts, opts);
	int fd = bpf_map__fd(eb->skel->maps.lb_setstats);
	uint32_t token = 0, n;
	int pos = 0, first = 1, k;

	while (pos < eb->hwm) {
		n = (uint32_t)(eb->hwm - pos < EB_BATCH ? eb->hwm - pos : EB_BATCH);
		if (bpf_map_lookup_batch(fd, first ? NULL : &token, &token, eb->bkeys,
		    eb->bvals, &n, &opts) == -1 && errno != ENOENT)
			return first ? -1 : 0;
		if (n == 0)
			break;
		for (k = 0; k < (int)n; k++) {
			uint32_t i = eb->bkeys[k];
			struct eb_slot *s;
			struct lb_setstat cur;

			if (i >= (uint32_t)eb->hwm || !(s = &eb->slots[i])->used)
				continue;
			slot_sum(eb, &eb->bvals[(size_t)k * (size_t)eb->ncpu], &cur);
			if (cur.pkts == s->got.pkts && cur.used_ns == s->got.used_ns)
				continue;	/* nothing new */
			slot_apply(eb, i, fib_exact(eb->dp->fib, &s->eid, s->mlen), &cur);
		}
		first = 0;
		pos = (int)token + 1;
	}
	return 0;
}

static void
eb_sync(void *arg)
{
	struct dp_ebpf *eb = arg;
	uint64_t now = now_ms();
	int i;

	if (eb->batch_ok && sync_batched(eb) == -1) {
		log_info("ebpf: no batch lookup of the counters (%s): slot by slot",
		    strerror(errno));
		eb->batch_ok = 0;
	}
	if (!eb->batch_ok)
		for (i = 0; i < eb->hwm; i++) {
			struct eb_slot *s = &eb->slots[i];

			if (s->used)
				slot_harvest(eb, (uint32_t)i,
				    fib_exact(eb->dp->fib, &s->eid, s->mlen), now);
		}
	seen_poll(eb);
}

static void
sync_cb(evutil_socket_t fd, short ev, void *arg)
{
	eb_sync(arg);
}

/* -- attach ------------------------------------------------------------ */

static int
if_attach(struct dp_ebpf *eb, int ifindex, const char *name)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex,
	    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = EB_TC_HANDLE,
	    .priority = EB_TC_PRIO, .flags = BPF_TC_F_REPLACE);
	struct eb_if *e;
	int r, created = 0;

	if (eb->nifs == EB_MAX_IFS)
		return -1;
	r = bpf_tc_hook_create(&hook);
	if (r == 0)
		created = 1;
	else if (r != -EEXIST)
		return r;
	opts.prog_fd = bpf_program__fd(eb->skel->progs.lisp_ingress);
	if ((r = bpf_tc_attach(&hook, &opts)) < 0) {
		if (created) {
			hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
			bpf_tc_hook_destroy(&hook);
		}
		return r;
	}
	e = &eb->ifs[eb->nifs++];
	e->ifindex = ifindex;
	e->created = created;
	snprintf(e->name, sizeof(e->name), "%s", name);
	return 0;
}

static void
if_detach(struct eb_if *e)
{
	DECLARE_LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = e->ifindex,
	    .attach_point = BPF_TC_INGRESS);
	DECLARE_LIBBPF_OPTS(bpf_tc_opts, opts, .handle = EB_TC_HANDLE,
	    .priority = EB_TC_PRIO);

	bpf_tc_detach(&hook, &opts);
	if (e->created) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);
	}
}

/* a TUN of the data plane (L3: no Ethernet header for the program) */
static int
is_tun(const struct dp *dp, const char *name)
{
	int i;

	if (strcmp(name, dp->tun_name) == 0)
		return 1;
	for (i = 0; i < dp->ntenants; i++)
		if (strcmp(name, dp->tenants[i].name) == 0)
			return 1;
	return 0;
}

static void
map_clear(int fd, void *key, void *next, size_t ksz)
{
	void *prev = NULL;

	while (bpf_map_get_next_key(fd, prev, next) == 0) {
		memcpy(key, next, ksz);
		bpf_map_delete_elem(fd, key);
		prev = NULL;
	}
}

void
dp_ebpf_tenants(struct dp_ebpf *eb, const struct dp_ebpf_tenant *t, int n)
{
	int ifd = bpf_map__fd(eb->skel->maps.lb_tifs);
	int tfd = bpf_map__fd(eb->skel->maps.lb_ttuns);
	uint32_t k, next;
	struct lb_tif ti;
	struct lb_ttun tt;
	int i, j, any;

	/* the program looks tenant interfaces up while the flag is set:
	 * set before the map fills, cleared once it is empty */
	for (i = 0, any = 0; i < n && i < LB_TENANTS; i++)
		for (j = 0; j < t[i].nifs; j++)
			if (t[i].ifs[j] > 0)
				any = 1;
	if (any && !(eb->cfg.flags & LB_F_TENANTS)) {
		eb->cfg.flags |= LB_F_TENANTS;
		cfg_push(eb);
	}
	map_clear(ifd, &k, &next, sizeof(k));
	map_clear(tfd, &k, &next, sizeof(k));
	if (!any && (eb->cfg.flags & LB_F_TENANTS)) {
		eb->cfg.flags &= ~(uint32_t)LB_F_TENANTS;
		cfg_push(eb);
	}
	for (i = 0; i < n && i < LB_TENANTS; i++) {
		k = t[i].iid;
		tt.tun_ifindex = (uint32_t)t[i].tun_if;
		if (t[i].tun_if > 0 && bpf_map_update_elem(tfd, &k, &tt, BPF_ANY) == -1)
			log_warn("ebpf: tenant map: %s", strerror(errno));
		for (j = 0; j < t[i].nifs; j++) {
			if (t[i].ifs[j] <= 0)
				continue;
			k = (uint32_t)t[i].ifs[j];
			ti.iid = t[i].iid;
			if (bpf_map_update_elem(ifd, &k, &ti, BPF_ANY) == -1)
				log_warn("ebpf: tenant interface map: %s", strerror(errno));
		}
	}
}

void
dp_ebpf_rescan(struct dp_ebpf *eb)
{
	struct if_nameindex *ni, *p;
	int i, r, have;

	if ((ni = if_nameindex()) == NULL)
		return;
	for (p = ni; p->if_index != 0; p++) {
		if (strcmp(p->if_name, "lo") == 0 || is_tun(eb->dp, p->if_name))
			continue;
		for (i = 0, have = 0; i < eb->nifs; i++)
			if (eb->ifs[i].ifindex == (int)p->if_index)
				have = 1;
		if (have)
			continue;
		if ((r = if_attach(eb, (int)p->if_index, p->if_name)) < 0)
			log_warn("ebpf: attach to %s: %s", p->if_name, strerror(-r));
		else
			log_info("ebpf: attached at tc ingress of %s", p->if_name);
	}
	if_freenameindex(ni);
}

/* the kernel takes BPF_F_ADJ_ROOM_DECAP_L3_* from 6.3 on */
static int
kernel_decap_l3(void)
{
	struct utsname u;
	int ma = 0, mi = 0;

	if (uname(&u) == -1 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > 6 || (ma == 6 && mi >= 3);
}

static void	eb_close(void *);

struct dp_ebpf *
dp_ebpf_open(struct dp *dp, char *why, size_t whylen)
{
	struct dp_ebpf *eb;
	int r;

	libbpf_set_print(eb_libbpf_log);
	if ((eb = calloc(1, sizeof(*eb))) == NULL) {
		snprintf(why, whylen, "out of memory");
		return NULL;
	}
	eb->dp = dp;
	if ((eb->ncpu = libbpf_num_possible_cpus()) <= 0) {
		snprintf(why, whylen, "number of CPUs: %s", strerror(-eb->ncpu));
		goto fail;
	}
	eb->pcpu = calloc((size_t)eb->ncpu, sizeof(*eb->pcpu));
	eb->bvals = calloc((size_t)eb->ncpu * EB_BATCH, sizeof(*eb->bvals));
	eb->bkeys = calloc(EB_BATCH, sizeof(*eb->bkeys));
	eb->batch_ok = eb->bvals != NULL && eb->bkeys != NULL;
	eb->slots = calloc(LB_SLOTS, sizeof(*eb->slots));
	eb->freeq = calloc(LB_SLOTS, sizeof(*eb->freeq));
	eb->freeq_ms = calloc(LB_SLOTS, sizeof(*eb->freeq_ms));
	if (eb->pcpu == NULL || eb->slots == NULL || eb->freeq == NULL || eb->freeq_ms == NULL) {
		snprintf(why, whylen, "out of memory");
		goto fail;
	}
	if ((eb->skel = lisp_bpf__open()) == NULL) {
		snprintf(why, whylen, "open BPF object: %s", strerror(errno));
		goto fail;
	}
	if ((r = lisp_bpf__load(eb->skel)) != 0) {
		snprintf(why, whylen, "load BPF programs: %s", strerror(r < 0 ? -r : errno));
		goto fail;
	}
	if (kernel_decap_l3())
		eb->cfg.flags |= LB_F_DECAP_L3;
	eb->cfg.port = dp->port ? dp->port : LISP_DATA_PORT;
	cfg_push(eb);		/* flags 0 until the policy: everything passes */
	dp_ebpf_rescan(eb);
	if (eb->nifs == 0) {
		snprintf(why, whylen, "attached to no interface");
		goto fail;
	}
	if (dp->base != NULL) {
		struct timeval tv = { EB_SYNC_MS / 1000, (EB_SYNC_MS % 1000) * 1000 };

		eb->ev_sync = event_new(dp->base, -1, EV_PERSIST, sync_cb, eb);
		if (eb->ev_sync != NULL)
			event_add(eb->ev_sync, &tv);
	}
	rules_monitor(eb);
	return eb;
fail:
	eb_close(eb);
	return NULL;
}

static void
eb_close(void *arg)
{
	struct dp_ebpf *eb = arg;
	int i;

	if (eb == NULL)
		return;
	if (eb->ev_sync != NULL)
		event_free(eb->ev_sync);
	if (eb->ev_rules != NULL)
		event_free(eb->ev_rules);
	if (eb->rules_mon != NULL)
		mnl_socket_close(eb->rules_mon);
	for (i = 0; i < eb->nifs; i++)
		if_detach(&eb->ifs[i]);
	if (eb->skel != NULL)
		lisp_bpf__destroy(eb->skel);
	free(eb->pcpu);
	free(eb->bvals);
	free(eb->bkeys);
	free(eb->slots);
	free(eb->freeq);
	free(eb->freeq_ms);
	free(eb->eids);
	free(eb->pitr.p);
	free(eb->petr.p);
	free(eb->dallow.p);
	free(eb->ltab4);
	free(eb->ltab6);
	free(eb);
}

/* -- stats ------------------------------------------------------------- */

static void
eb_stats(void *arg, json_t *o)
{
	struct dp_ebpf *eb = arg;
	uint64_t v[LB__N], *pc;
	json_t *e = json_object(), *ifs = json_array();
	uint32_t i;
	int c;

	memset(v, 0, sizeof(v));
	if ((pc = calloc((size_t)eb->ncpu, sizeof(uint64_t))) != NULL) {
		for (i = 0; i < LB__N; i++) {
			if (bpf_map_lookup_elem(bpf_map__fd(eb->skel->maps.lb_stats), &i, pc) == -1)
				continue;
			for (c = 0; c < eb->ncpu; c++)
				v[i] += pc[c];
		}
		free(pc);
	}
	for (i = 0; i < LB__N; i++)
		json_object_set_new(e, lb_counter_names[i], json_integer((json_int_t)v[i]));
	json_object_set_new(e, "fib_prefixes", json_integer((json_int_t)fib_count(eb->dp->fib)));
	json_object_set_new(e, "locator_sets", json_integer(eb->nused));
	json_object_set_new(e, "fib_full", json_boolean(eb->fib_full));
	/* where the ITR's outer routes come from (rules_check) */
	json_object_set_new(e, "outer_route_v4",
	    json_string(eb->direct & LB_F_DIRECT4 ? "main" : "rules"));
	json_object_set_new(e, "outer_route_v6",
	    json_string(eb->direct & LB_F_DIRECT6 ? "main" : "rules"));
	json_object_set_new(e, "inner_route_v4",
	    json_string(eb->direct & LB_F_EDIRECT4 ? "main" : "rules"));
	json_object_set_new(e, "inner_route_v6",
	    json_string(eb->direct & LB_F_EDIRECT6 ? "main" : "rules"));
	for (c = 0; c < eb->nifs; c++)
		json_array_append_new(ifs, json_string(eb->ifs[c].name));
	json_object_set_new(e, "interfaces", ifs);
	json_object_set_new(o, "ebpf", e);
	/* the totals: both paths */
#define ADD(k, id) json_object_set_new(o, k, json_integer( \
	json_integer_value(json_object_get(o, k)) + (json_int_t)v[id]))
	ADD("encap_packets", LB_ENCAP_PKTS);
	ADD("encap_bytes", LB_ENCAP_BYTES);
	ADD("decap_packets", LB_DECAP_PKTS);
	ADD("decap_bytes", LB_DECAP_BYTES);
	if (json_object_get(o, "petr_packets") != NULL) {
		ADD("petr_packets", LB_PETR_PKTS);
		ADD("petr_bytes", LB_PETR_BYTES);
	}
#undef ADD
}

const struct dp_ops dp_ebpf_ops = {
	.name = "ebpf",
	.fib_sync = eb_fib_sync,
	.policy = eb_policy,
	.close = eb_close,
	.stats = eb_stats,
	.sync = eb_sync,
};
