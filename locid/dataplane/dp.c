/* the user-space data plane (see dp.h): TUN and sockets, forwarding by
 * the FIB, misses to the control side */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include "dp.h"
#include "sockaddr.h"

#ifndef IPV6_HDRINCL
#define IPV6_HDRINCL	36
#endif
#ifndef UDP_NO_CHECK6_RX
#define UDP_NO_CHECK6_RX 102
#endif

const char *const dp_drop_names[DP_DROP__N] = { DP_DROPS(DROP_NAME) };

struct dp_pkt *
dp_pkt_new(const uint8_t *p, size_t len)
{
	struct dp_pkt *q;

	if ((q = malloc(sizeof(*q) + len)) == NULL)
		return NULL;
	q->next = NULL;
	q->len = len;
	q->tn = 0;
	memcpy(q->data, p, len);
	return q;
}

void
dp_pkt_free(struct dp_pkt *q)
{
	struct dp_pkt *next;

	for (; q != NULL; q = next) {
		next = q->next;
		free(q);
	}
}

/* -- policy ------------------------------------------------------------ */

const struct dp_prefix *
dp_prefix_cover(const struct dp_prefix *ps, int n, const struct lisp_addr *a,
    int any_iid, uint32_t iid)
{
	const struct dp_prefix *best = NULL;
	struct lisp_addr b = *a;
	int i;

	for (i = 0; i < n; i++) {
		const struct dp_prefix *p = &ps[i];

		if (any_iid ? p->tenant :
		    (p->eid.has_iid ? p->eid.iid : 0) != iid)
			continue;
		b.has_iid = p->eid.has_iid;
		b.iid = p->eid.iid;
		if (addr_prefix_covers(&p->eid, p->mlen, &b) &&
		    (best == NULL || p->mlen > best->mlen))
			best = p;
	}
	return best;
}

static struct dp_prefix *
prefixes_dup(const struct dp_prefix *ps, int n)
{
	struct dp_prefix *c;

	if (n == 0)
		return NULL;
	if ((c = calloc((size_t)n, sizeof(*c))) == NULL)
		return NULL;
	memcpy(c, ps, (size_t)n * sizeof(*c));
	return c;
}

/* the prefix arrays of a policy the data plane holds (its own copies) */
static void
policy_free(struct dp_policy *p)
{
	free((void *)p->eids);
	free((void *)p->pitr_pfx);
	free((void *)p->petr_pfx);
	free((void *)p->decap_allow);
}

int
dp_policy_set(struct dp *dp, const struct dp_policy *p)
{
	struct dp_prefix *e, *pi, *pe, *da;

	e = prefixes_dup(p->eids, p->neids);
	pi = prefixes_dup(p->pitr_pfx, p->npitr);
	pe = prefixes_dup(p->petr_pfx, p->npetr_pfx);
	da = prefixes_dup(p->decap_allow, p->ndecap_allow);
	if ((p->neids && e == NULL) || (p->npitr && pi == NULL) ||
	    (p->npetr_pfx && pe == NULL) || (p->ndecap_allow && da == NULL)) {
		free(e);
		free(pi);
		free(pe);
		free(da);
		return -1;
	}
	policy_free(&dp->pol);
	dp->pol = *p;
	dp->pol.eids = e;
	dp->pol.pitr_pfx = pi;
	dp->pol.petr_pfx = pe;
	dp->pol.decap_allow = da;
	dp->fams = (p->rloc4.afi != AFI_NONE ? FAM_V4 : 0) |
	    (p->rloc6.afi != AFI_NONE ? FAM_V6 : 0);
	if (dp->ops != NULL && dp->ops->policy != NULL)
		dp->ops->policy(dp->ops_arg, &dp->pol);
	return 0;
}

static void
fib_changed(void *arg, const struct lisp_addr *eid, int mlen, const struct fib_ent *fe)
{
	struct dp *dp = arg;

	if (dp->ops != NULL && dp->ops->fib_sync != NULL)
		dp->ops->fib_sync(dp->ops_arg, eid, mlen, fe);
}

void
dp_set_ops(struct dp *dp, const struct dp_ops *ops, void *arg)
{
	dp->ops = ops;
	dp->ops_arg = arg;
	fib_set_hook(dp->fib, ops != NULL ? fib_changed : NULL, dp);
	if (ops != NULL && ops->policy != NULL)
		ops->policy(arg, &dp->pol);
}

void
dp_sync(struct dp *dp)
{
	if (dp->ops != NULL && dp->ops->sync != NULL)
		dp->ops->sync(dp->ops_arg);
}

static const struct lisp_addr *
src_rloc(const struct dp *dp, uint16_t afi)
{
	if (afi == AFI_IPV4 && dp->pol.rloc4.afi == AFI_IPV4)
		return &dp->pol.rloc4;
	if (afi == AFI_IPV6 && dp->pol.rloc6.afi == AFI_IPV6)
		return &dp->pol.rloc6;
	return NULL;
}

/* -- sending ----------------------------------------------------------- */

static void
txq_flush(struct dp *dp, struct dp_txq *q)
{
	int off = 0, r;

	while (off < q->n) {
		r = sendmmsg(q->fd, q->msg + off, (unsigned)(q->n - off), 0);
		if (r <= 0) {
			if (r == -1 && errno == EINTR)
				continue;
			dp->drops[DP_DROP_ENCAP_SEND_FAILED]++;
			log_limited(dp->logrl, "xtr: encap send: %s", strerror(errno));
			off++;		/* skip the packet the kernel refused */
			continue;
		}
		off += r;
	}
	q->n = 0;
}

static void	miss_drain(struct dp *);

void
dp_flush(struct dp *dp)
{
	if (dp->tx4.n)
		txq_flush(dp, &dp->tx4);
	if (dp->tx6.n)
		txq_flush(dp, &dp->tx6);
	dp->nslot = 0;
	miss_drain(dp);
}

/* queue an outer packet (inside one of the slots) for the raw socket */
static int
send_raw(struct dp *dp, uint8_t *pkt, size_t len, const struct lisp_addr *dst)
{
	struct dp_txq *q = dst->afi == AFI_IPV6 ? &dp->tx6 : &dp->tx4;
	int i;

	if (q->fd == -1)
		return -1;
	i = q->n++;
	sockaddr_from_addr(&q->sa[i], dst, 0);
	q->iov[i].iov_base = pkt;
	q->iov[i].iov_len = len;
	memset(&q->msg[i].msg_hdr, 0, sizeof(q->msg[i].msg_hdr));
	q->msg[i].msg_hdr.msg_name = &q->sa[i];
	q->msg[i].msg_hdr.msg_namelen = dst->afi == AFI_IPV6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
	q->msg[i].msg_hdr.msg_iov = &q->iov[i];
	q->msg[i].msg_hdr.msg_iovlen = 1;
	dp->nslot++;
	return 0;
}

static int
fd_write(struct dp *dp, int fd, const uint8_t *p, size_t len)
{
	if (fd == -1)
		return -1;
	if (write(fd, p, len) == -1) {
		dp->drops[DP_DROP_TUN_WRITE_FAILED]++;
		log_limited(dp->logrl, "xtr: tun write: %s", strerror(errno));
		return -1;
	}
	return 0;
}

int
dp_tun_write(struct dp *dp, const uint8_t *p, size_t len)
{
	return fd_write(dp, dp->tun_fd, p, len);
}

/* into the TUN of tenant tn (0: the default one) */
static int
tn_write(struct dp *dp, int tn, const uint8_t *p, size_t len)
{
	if (tn > 0 && tn <= dp->ntenants)
		return fd_write(dp, dp->tenants[tn - 1].fd, p, len);
	return dp_tun_write(dp, p, len);
}

/* the tenant of an instance-id as a TUN number, 0 when none */
static int
tn_of(const struct dp *dp, int has_iid, uint32_t iid)
{
	int i;

	if (!has_iid || iid == 0)
		return 0;
	for (i = 0; i < dp->ntenants; i++)
		if (dp->tenants[i].iid == iid)
			return i + 1;
	return 0;
}

/* -- the control side's queue ------------------------------------------ */

static void
miss_drain(struct dp *dp)
{
	int i;

	/* the callee may send packets (replays) that miss again: those
	 * are queued behind and taken by this same loop */
	if (dp->draining)
		return;
	dp->draining = 1;
	for (i = 0; i < dp->nmiss; i++) {
		struct dp_miss m = dp->missq[i];

		if (dp->ctl.miss != NULL)
			dp->ctl.miss(dp->ctl.arg, &m);
		else
			dp_pkt_free(m.pkt);
	}
	dp->nmiss = 0;
	dp->draining = 0;
}

static void
to_ctl(struct dp *dp, int kind, const struct lisp_addr *src,
    const struct lisp_addr *dst, struct fib_ent *fe, const uint8_t *p, size_t len,
    int tn)
{
	struct dp_miss *m;

	if (dp->nmiss == DP_MISSQ && !dp->draining)
		miss_drain(dp);	/* one thread: let the control side run now */
	if (dp->nmiss == DP_MISSQ) {
		/* full while the control side runs: what its replays miss
		 * beyond the queue is dropped, not looped on */
		dp->drops[DP_DROP_ITR_MISS_QUEUE_FULL]++;
		return;
	}
	m = &dp->missq[dp->nmiss];
	m->kind = (uint8_t)kind;
	m->src = *src;
	m->dst = *dst;
	m->ctl = fe != NULL ? fe->ctl : NULL;
	m->pkt = NULL;
	if (p != NULL && (m->pkt = dp_pkt_new(p, len)) == NULL) {
		dp->drops[DP_DROP_ITR_MISS_QUEUE_FULL]++;
		return;
	}
	if (m->pkt != NULL)
		m->pkt->tn = tn;
	dp->nmiss++;
	dp->st.to_ctl++;
}

/* -- forwarding -------------------------------------------------------- */

static void
drop(struct dp *dp, struct fib_ent *fe, enum dp_drop reason)
{
	if (fe != NULL)
		fib_ent_drop(dp->fib, fe, 1);
	dp->drops[reason]++;
}

/* p is inside a slot with ENCAP_HEADROOM before it. loc: fe's locators
 * (own set), or the PETRs */
static void
encap_to(struct dp *dp, struct fib_ent *fe, const struct fib_loc *loc, int nloc, int own,
    uint8_t *p, size_t len, const struct ip_info *ip, const struct dp_prefix *db,
    int tn)
{
	uint32_t h = flow_hash(ip);
	const struct lisp_addr *src, *from;
	struct lisp_addr dst;
	uint8_t *o, icmp[1300];
	size_t olen, n;
	int i, room;

	if ((i = rloc_select(loc, nloc, h, dp->fams)) == -1) {
		drop(dp, fe, DP_DROP_ITR_NO_USABLE_LOCATOR);
		return;
	}
	fib_loc_addr(&loc[i], &dst);
	src = src_rloc(dp, dst.afi);
	room = dst.afi == AFI_IPV6 ? dp->pol.ul_mtu6 - ENCAP_OVERHEAD6 :
	    dp->pol.ul_mtu4 - ENCAP_OVERHEAD4;
	if (room <= 0)		/* underlay MTU not known */
		room = dp->tun_mtu;
	if ((int)len > room) {
		/* larger than the path allows: tell the sender */
		from = src_rloc(dp, ip->version == 6 ? AFI_IPV6 : AFI_IPV4);
		n = icmp_too_big(icmp, sizeof(icmp), p, len, from ? from : &ip->dst, room);
		if (n > 0 && tn_write(dp, tn, icmp, n) == 0)
			dp->st.icmp_too_big++;
		drop(dp, fe, DP_DROP_ITR_PACKET_LARGER_THAN_THE_TUNNEL_MTU);
		return;
	}
	o = encap_build(p, len, ENCAP_HEADROOM, ip, src, &dst, flow_sport(h),
	    db != NULL && db->eid.has_iid && db->eid.iid != 0, db ? db->eid.iid : 0, &olen);
	if (o != NULL && loc[i].port != 0) {
		/* through a NAT's binding (NAT traversal draft §5.3.1): to the
		 * port it mapped, from the control port it was made towards */
		uint8_t *u = o + (dst.afi == AFI_IPV6 ? 40 : 20);

		u[0] = LISP_CONTROL_PORT >> 8;
		u[1] = LISP_CONTROL_PORT & 0xff;
		u[2] = (uint8_t)(loc[i].port >> 8);
		u[3] = (uint8_t)(loc[i].port & 0xff);
	}
	if (o == NULL || send_raw(dp, o, olen, &dst) == -1) {
		drop(dp, fe, DP_DROP_ITR_ENCAPSULATION_FAILED);
		return;
	}
	/* a locator of the entry, or a PETR (counted in the totals only) */
	if (fe != NULL)
		fib_ent_count(dp->fib, fe, own ? i : -1, len);
	dp->st.encap_pkts++;
	dp->st.encap_bytes += len;
}

/* natively: to the PETRs when there are some, else back into the kernel
 * through the TUN (the control side installed a throw route) */
static void
native(struct dp *dp, struct fib_ent *fe, uint8_t *p, size_t len,
    const struct ip_info *ip, const struct dp_prefix *db, int tn)
{
	if (db == NULL && dp->pol.pitr) {
		/* a non-EID source towards EID space nobody registered:
		 * natively it would come straight back to us */
		drop(dp, fe, DP_DROP_PITR_NO_LISP_SITE_FOR_THE_DESTINATION);
		return;
	}
	if (dp->pol.npetrs > 0) {
		encap_to(dp, fe, dp->pol.petrs, dp->pol.npetrs, 0, p, len, ip, db, tn);
		return;
	}
	if (tn > 0) {
		/* no VRF to leave to: back into the tenant's TUN it would
		 * route straight back here, into the main table it would
		 * mix with the other tenants' */
		drop(dp, fe, DP_DROP_ITR_NATIVE_FORWARD_IN_A_TENANT);
		return;
	}
	if (dp_tun_write(dp, p, len) == 0) {
		dp->st.native_pkts++;
		fib_ent_count(dp->fib, fe, -1, len);
	}
}

void
dp_forward(struct dp *dp, uint8_t *p, size_t len, uint64_t now)
{
	dp_forward_tn(dp, 0, p, len, now);
}

void
dp_forward_tn(struct dp *dp, int tn, uint8_t *p, size_t len, uint64_t now)
{
	const struct dp_prefix *db;
	struct ip_info ip;
	struct lisp_addr src, dst;
	struct fib_ent *fe;
	const char *why;

	if (!dp->pol.itr && !dp->pol.pitr) {
		dp->drops[DP_DROP_ITR_PACKET_ON_TUN_WITHOUT_ITR_ROLE]++;
		return;
	}
	if (dp->nslot >= DP_BATCH)
		dp_flush(dp);
	if (ip_parse(p, len, &ip, &why) == -1) {
		dp->drops[DP_DROP_ITR_MALFORMED_PACKET_FROM_TUN]++;
		return;
	}
	len = ip.len;
	/* only packets from our own EID space get LISP treatment; a PITR
	 * takes any source towards the EID aggregates it serves */
	if (tn > 0 && tn <= dp->ntenants)	/* a tenant's TUN: its instance-id */
		db = dp_prefix_cover(dp->pol.eids, dp->pol.neids, &ip.src, 0,
		    dp->tenants[tn - 1].iid);
	else
		db = dp_prefix_cover(dp->pol.eids, dp->pol.neids, &ip.src, 1, 0);
	if (db == NULL && (!dp->pol.pitr || tn > 0)) {
		dp->drops[DP_DROP_ITR_SOURCE_NOT_IN_OUR_EID_SPACE]++;
		return;
	}
	if (db == NULL && dp_prefix_cover(dp->pol.pitr_pfx, dp->pol.npitr, &ip.dst, 0, 0) == NULL) {
		/* the kernel's own chatter on the TUN (IPv6 multicast, link-local) */
		dp->drops[DP_DROP_PITR_DESTINATION_OUTSIDE_THE_PITR_PREFIXES]++;
		return;
	}
	src = ip.src;
	dst = ip.dst;
	if (db != NULL) {
		src.has_iid = dst.has_iid = db->eid.has_iid;
		src.iid = dst.iid = db->eid.iid;
	}
	if ((fe = fib_lookup(dp->fib, &dst)) == NULL) {
		to_ctl(dp, DP_MISS, &src, &dst, NULL, p, len, tn);
		return;
	}
	/* a first use after an idle minute (or since the entry changed)
	 * re-arms the control side's refresh and probe timers */
	if (fib_ent_used(fe) + 60000 <= now || fe->fresh)
		to_ctl(dp, DP_USED, &src, &dst, fe, NULL, 0, tn);
	fe->used_ms = now;
	fe->fresh = 0;
	switch (fe->kind) {
	case FIB_PENDING:
		to_ctl(dp, DP_PENDING, &src, &dst, fe, p, len, tn);
		return;
	case FIB_ENCAP: {
		struct fib_loc locs[FIB_MAX_LOCS];

		encap_to(dp, fe, locs, fib_ent_locs(fe, locs), 1, p, len, &ip, db, tn);
		return;
	}
	case FIB_NATIVE:
		native(dp, fe, p, len, &ip, db, tn);
		return;
	case FIB_ASK:
		to_ctl(dp, DP_ASK, &src, &dst, fe, NULL, 0, tn);
		drop(dp, fe, DP_DROP_ITR_NEGATIVE_ENTRY_SEND_MAP_REQUEST);
		return;
	default:
		drop(dp, fe, DP_DROP_ITR_NEGATIVE_ENTRY_DROP_ACTION);
		return;
	}
}

static uint8_t *
slot_next(struct dp *dp)
{
	if (dp->nslot >= DP_BATCH)
		dp_flush(dp);
	return dp->slots + (size_t)dp->nslot * dp->slot_size + ENCAP_HEADROOM;
}

static void
tun_read(struct dp *dp, int tn, evutil_socket_t fd)
{
	uint64_t now = now_ms();
	uint8_t *p;
	ssize_t n;
	int budget = 1024;

	while (budget-- > 0) {
		p = slot_next(dp);
		n = read(fd, p, dp->slot_size - ENCAP_HEADROOM);
		if (n <= 0) {
			if (n == -1 && errno != EAGAIN && errno != EINTR)
				log_limited(dp->logrl, "itr: tun read: %s", strerror(errno));
			break;
		}
		dp_forward_tn(dp, tn, p, (size_t)n, now);
	}
	dp_flush(dp);
}

void
dp_tun_read(evutil_socket_t fd, short ev, void *arg)
{
	tun_read(arg, 0, fd);
}

static void
tenant_read(evutil_socket_t fd, short ev, void *arg)
{
	struct dp_tenant *t = arg;

	tun_read(t->dp, (int)(t - t->dp->tenants) + 1, fd);
}

void
dp_replay(struct dp *dp, struct dp_pkt *q)
{
	struct dp_pkt *next;
	uint64_t now = now_ms();
	uint8_t *p;

	for (; q != NULL; q = next) {
		next = q->next;
		if (dp->slots != NULL && q->len <= dp->slot_size - ENCAP_HEADROOM) {
			p = slot_next(dp);
			memcpy(p, q->data, q->len);
			dp_forward_tn(dp, q->tn, p, q->len, now);
		}
		free(q);
	}
	dp_flush(dp);
}

/* -- decapsulation ----------------------------------------------------- */

int
dp_petr_decap(struct dp *dp, const struct decap *d)
{
	if (!dp->pol.petr)
		return 0;
	/* our own EID-prefixes are the ETR's */
	if (dp_prefix_cover(dp->pol.eids, dp->pol.neids, &d->ip.dst, 0,
	    d->has_iid ? d->iid : 0) != NULL)
		return 0;
	/* without petr-prefixes any source is accepted (locid.conf(5)) */
	if (dp->pol.npetr_pfx > 0 && dp_prefix_cover(dp->pol.petr_pfx, dp->pol.npetr_pfx,
	    &d->ip.src, 0, d->has_iid ? d->iid : 0) == NULL) {
		dp->drops[DP_DROP_PETR_INNER_SOURCE_NOT_IN_PETR_PREFIX_EID_SPACE]++;
		if (log_limited_ok(dp->logrl))
			log_warn("petr: packet from %s to %s dropped: inner source "
			    "outside the petr-prefixes", addr_fmt(&d->ip.src,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), addr_fmt(&d->ip.dst,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return 1;
	}
	if (dp_tun_write(dp, d->inner, d->len) == 0) {
		dp->st.decap_pkts++;
		dp->st.decap_bytes += d->len;
		dp->st.petr_pkts++;
		dp->st.petr_bytes += d->len;
	}
	return 1;
}

/* the inner packet is LISP data to one of our RLOCs: decapsulating it
 * would have us decapsulate again what a sender wrapped twice */
static int
nested_to_us(const struct dp *dp, const struct decap *d)
{
	const struct lisp_addr *r = src_rloc(dp, d->ip.dst.afi);

	return d->ip.proto == IPPROTO_UDP && d->ip.dport == dp->port && dp->port != 0 &&
	    r != NULL && addr_equal(r, &d->ip.dst);
}

/* decap-check: the outer source is a locator of the inner source's
 * mapping (or in decap-allow: PITRs, RTRs). a source with no FIB entry is
 * asked for (mapping-system) and its packets dropped until it is known */
static int
decap_source_ok(struct dp *dp, const struct decap *d, const struct sockaddr *from)
{
	struct lisp_addr outer, src = d->ip.src, dst = d->ip.dst, la;
	struct fib_ent *fe;
	int i;

	if (dp->pol.decap_check == DECAP_CHECK_OFF)
		return 1;
	if (addr_from_sockaddr(&outer, from, NULL) == -1)
		return 0;
	if (dp_prefix_cover(dp->pol.decap_allow, dp->pol.ndecap_allow, &outer, 0, 0) != NULL)
		return 1;
	src.has_iid = dst.has_iid = d->has_iid;
	src.iid = dst.iid = d->has_iid ? d->iid : 0;
	if ((fe = fib_lookup(dp->fib, &src)) == NULL || fe->kind == FIB_PENDING) {
		if (fe == NULL && dp->pol.decap_check == DECAP_CHECK_MAPPING_SYSTEM)
			to_ctl(dp, DP_MISS, &dst, &src, NULL, NULL, 0, 0);
		dp->drops[DP_DROP_DECAP_INNER_SOURCE_NOT_CACHED]++;
		if (log_limited_ok(dp->logrl))
			log_warn("etr: data packet from %s dropped: inner source %s "
			    "not in the map-cache (decap-check)", sa_fmt(from,
			    (char[64]){ 0 }, 64), addr_fmt(&d->ip.src,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return 0;
	}
	for (i = 0; fe->kind == FIB_ENCAP && i < fe->nlocs; i++) {
		fib_loc_addr(fib_ent_loc(fe, i, &(struct fib_loc){ 0 }), &la);
		if (addr_equal(&la, &outer))
			return 1;
	}
	dp->drops[DP_DROP_DECAP_OUTER_SOURCE_NOT_A_LOCATOR]++;
	if (log_limited_ok(dp->logrl))
		log_warn("etr: data packet from %s dropped: not a locator of "
		    "inner source %s (decap-check)", sa_fmt(from, (char[64]){ 0 }, 64),
		    addr_fmt(&d->ip.src, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	return 0;
}

void
dp_decap(struct dp *dp, uint8_t *p, size_t len, int ttl, const struct sockaddr *from)
{
	struct decap d;
	const char *why;

	if (decap_parse(p, len, ttl, &d, &why) == -1) {
		dp->drops[DP_DROP_DECAP_MALFORMED]++;
		if (log_limited_ok(dp->logrl))
			log_warn("etr: data packet from %s dropped: %s",
			    sa_fmt(from, (char[64]){ 0 }, 64), why);
		return;
	}
	if (d.has_iid && d.iid == DP_CONTROL_IID && dp->ctl.control != NULL) {
		dp->ctl.control(dp->ctl.arg, from, &d);
		return;
	}
	if (nested_to_us(dp, &d)) {
		dp->drops[DP_DROP_DECAP_NESTED_LISP_TO_OURSELVES]++;
		if (log_limited_ok(dp->logrl))
			log_warn("etr: data packet from %s dropped: LISP inside LISP "
			    "to our own RLOC", sa_fmt(from, (char[64]){ 0 }, 64));
		return;
	}
	if (dp_petr_decap(dp, &d) == 1)	/* PETR: native or dropped */
		return;
	if (dp_prefix_cover(dp->pol.eids, dp->pol.neids, &d.ip.dst, 0,
	    d.has_iid ? d.iid : 0) == NULL) {
		dp->drops[DP_DROP_DECAP_DESTINATION_NOT_IN_OUR_EID_SPACE]++;
		if (log_limited_ok(dp->logrl))
			log_warn("etr: data packet from %s dropped: inner "
			    "destination %s not in our EID space",
			    sa_fmt(from, (char[64]){ 0 }, 64), addr_fmt(&d.ip.dst,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return;
	}
	if (!decap_source_ok(dp, &d, from))
		return;
	/* into the tenant of its instance-id, whose rules route it in the
	 * tenant's table */
	if (tn_write(dp, tn_of(dp, d.has_iid, d.iid), d.inner, d.len) == 0) {
		dp->st.decap_pkts++;
		dp->st.decap_bytes += d.len;
		if (dp->ctl.decap != NULL)
			dp->ctl.decap(dp->ctl.arg, from, &d);
	}
}

static void
udp_read(evutil_socket_t fd, short ev, void *arg)
{
	struct dp *dp = arg;
	struct mmsghdr msg[DP_BATCH];
	struct iovec iov[DP_BATCH];
	struct sockaddr_storage from[DP_BATCH];
	char cbuf[DP_BATCH][64];
	int n, i, rounds;
	size_t ss = dp->slot_size;

	for (rounds = 0; rounds < 8; rounds++) {
		for (i = 0; i < DP_BATCH; i++) {
			iov[i].iov_base = dp->slots + (size_t)i * ss;
			iov[i].iov_len = ss;
			memset(&msg[i].msg_hdr, 0, sizeof(msg[i].msg_hdr));
			msg[i].msg_hdr.msg_name = &from[i];
			msg[i].msg_hdr.msg_namelen = sizeof(from[i]);
			msg[i].msg_hdr.msg_iov = &iov[i];
			msg[i].msg_hdr.msg_iovlen = 1;
			msg[i].msg_hdr.msg_control = cbuf[i];
			msg[i].msg_hdr.msg_controllen = sizeof(cbuf[i]);
		}
		/* the tx queues share the slots: nothing may be pending */
		dp_flush(dp);
		n = recvmmsg(fd, msg, DP_BATCH, MSG_DONTWAIT, NULL);
		if (n <= 0)
			return;
		for (i = 0; i < n; i++) {
			struct cmsghdr *cm;
			int ttl = -1;

			for (cm = CMSG_FIRSTHDR(&msg[i].msg_hdr); cm != NULL;
			    cm = CMSG_NXTHDR(&msg[i].msg_hdr, cm)) {
				if ((cm->cmsg_level == IPPROTO_IP && cm->cmsg_type == IP_TTL) ||
				    (cm->cmsg_level == IPPROTO_IPV6 &&
				    cm->cmsg_type == IPV6_HOPLIMIT))
					memcpy(&ttl, CMSG_DATA(cm), sizeof(ttl));
			}
			if (msg[i].msg_hdr.msg_flags & MSG_TRUNC) {
				dp->drops[DP_DROP_DECAP_PACKET_TRUNCATED]++;
				continue;
			}
			dp_decap(dp, iov[i].iov_base, msg[i].msg_len, ttl,
			    (struct sockaddr *)&from[i]);
		}
		if (n < DP_BATCH) {
			dp_flush(dp);	/* what decap-check asks for goes now */
			return;
		}
	}
}

/* -- life cycle -------------------------------------------------------- */

static int
udp_open(struct dp *dp, int family)
{
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd, on = 1, bufsz = 8 << 20;

	memset(&ss, 0, sizeof(ss));
	if ((fd = socket(family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0)) == -1)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, sizeof(on));
	/* bursts of a fast sender must not overflow the socket between reads */
	if (setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &bufsz, sizeof(bufsz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &bufsz, sizeof(bufsz));
	if (family == AF_INET) {
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;

		s4->sin_family = AF_INET;
		s4->sin_port = htons(dp->port);
		sl = sizeof(*s4);
		setsockopt(fd, IPPROTO_IP, IP_RECVTTL, &on, sizeof(on));
	} else {
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;

		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(dp->port);
		sl = sizeof(*s6);
		setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof(on));
		setsockopt(fd, IPPROTO_IPV6, IPV6_RECVHOPLIMIT, &on, sizeof(on));
		setsockopt(fd, IPPROTO_UDP, UDP_NO_CHECK6_RX, &on, sizeof(on));
	}
	if (bind(fd, (struct sockaddr *)&ss, sl) == -1) {
		log_warn("xtr: bind data port %u (IPv%d): %s", dp->port,
		    family == AF_INET ? 4 : 6, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int
raw_open(int family)
{
	int fd, on = 1, bufsz = 4 << 20;

	if ((fd = socket(family, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_RAW)) == -1)
		return -1;
	if (setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &bufsz, sizeof(bufsz)) == -1)
		setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &bufsz, sizeof(bufsz));
	if (family == AF_INET6)
		setsockopt(fd, IPPROTO_IPV6, IPV6_HDRINCL, &on, sizeof(on));
	return fd;
}

int
dp_attach(struct dp *dp, struct event_base *base, struct fib *fib,
    const struct dp_ctl *ctl, struct ratelimit *logrl, int tun_fd, int tun_mtu)
{
	memset(dp, 0, sizeof(*dp));
	dp->tun_fd = dp->udp4 = dp->udp6 = dp->tx4.fd = dp->tx6.fd = -1;
	dp->base = base;
	dp->fib = fib;
	if (ctl != NULL)
		dp->ctl = *ctl;
	dp->logrl = logrl;
	dp->tun_fd = tun_fd;
	dp_set_mtu(dp, tun_mtu);
	return dp->slots != NULL ? 0 : -1;
}

int
dp_open(struct dp *dp, struct event_base *base, struct fib *fib,
    const struct dp_ctl *ctl, struct ratelimit *logrl, const char *tun_name,
    uint16_t port)
{
	if (dp_attach(dp, base, fib, ctl, logrl, -1, 1500 - ENCAP_OVERHEAD4) == -1)
		return -1;
	dp->port = port;
	snprintf(dp->tun_name, sizeof(dp->tun_name), "%s", tun_name);
	if ((dp->tun_fd = tun_open(dp->tun_name, sizeof(dp->tun_name))) == -1) {
		log_warn("xtr: tun %s: %s", dp->tun_name, strerror(errno));
		return -1;
	}
	dp->own_tun = 1;
	dp->udp4 = udp_open(dp, AF_INET);
	dp->udp6 = udp_open(dp, AF_INET6);
	if (dp->udp4 == -1 && dp->udp6 == -1)
		return -1;
	dp->tx4.fd = raw_open(AF_INET);
	dp->tx6.fd = raw_open(AF_INET6);
	if (dp->tx4.fd == -1 && dp->tx6.fd == -1) {
		log_warn("xtr: raw sockets: %s", strerror(errno));
		return -1;
	}
	return 0;
}

void
dp_set_mtu(struct dp *dp, int tun_mtu)
{
	size_t sz = ENCAP_HEADROOM + (size_t)(tun_mtu > 9000 ? tun_mtu : 9000) + 64;
	uint8_t *s;

	dp->tun_mtu = tun_mtu;
	if (dp->slots != NULL && sz == dp->slot_size)
		return;
	dp_flush(dp);
	if ((s = malloc(sz * DP_BATCH)) == NULL)
		return;		/* the old buffers stay */
	free(dp->slots);
	dp->slots = s;
	dp->slot_size = sz;
}

static void
tenant_start(struct dp *dp, struct dp_tenant *t)
{
	if (dp->base == NULL || t->ev != NULL)
		return;
	if ((t->ev = event_new(dp->base, t->fd, EV_READ | EV_PERSIST, tenant_read,
	    t)) != NULL)
		event_add(t->ev, NULL);
}

int
dp_tenant_attach(struct dp *dp, uint32_t iid, int fd)
{
	struct dp_tenant *t;

	if (dp->ntenants == DP_TENANTS || tn_of(dp, 1, iid) != 0)
		return -1;
	t = &dp->tenants[dp->ntenants++];
	memset(t, 0, sizeof(*t));
	t->dp = dp;
	t->iid = iid;
	t->fd = fd;
	if (dp->started)
		tenant_start(dp, t);
	return 0;
}

int
dp_tenant_open(struct dp *dp, uint32_t iid, char *name, size_t namelen)
{
	int fd;

	if ((fd = tun_open(name, namelen)) == -1) {
		log_warn("xtr: tun %s: %s", name, strerror(errno));
		return -1;
	}
	if (dp_tenant_attach(dp, iid, fd) == -1) {
		close(fd);
		return -1;
	}
	dp->tenants[dp->ntenants - 1].own = 1;
	snprintf(dp->tenants[dp->ntenants - 1].name, IFNAMSIZ, "%s", name);
	return 0;
}

void
dp_start(struct dp *dp)
{
	int i;

	dp->started = 1;
	for (i = 0; i < dp->ntenants; i++)
		tenant_start(dp, &dp->tenants[i]);
	dp->ev_tun = event_new(dp->base, dp->tun_fd, EV_READ | EV_PERSIST, dp_tun_read, dp);
	event_add(dp->ev_tun, NULL);
	if (dp->udp4 != -1) {
		dp->ev_udp4 = event_new(dp->base, dp->udp4, EV_READ | EV_PERSIST, udp_read, dp);
		event_add(dp->ev_udp4, NULL);
	}
	if (dp->udp6 != -1) {
		dp->ev_udp6 = event_new(dp->base, dp->udp6, EV_READ | EV_PERSIST, udp_read, dp);
		event_add(dp->ev_udp6, NULL);
	}
}

void
dp_close(struct dp *dp)
{
	int i;

	if (dp->slots != NULL)
		dp_flush(dp);
	if (dp->ops != NULL && dp->ops->close != NULL)
		dp->ops->close(dp->ops_arg);
	if (dp->ops != NULL && dp->fib != NULL)
		fib_set_hook(dp->fib, NULL, NULL);
	dp->ops = NULL;
	if (dp->ev_tun != NULL)
		event_free(dp->ev_tun);
	if (dp->ev_udp4 != NULL)
		event_free(dp->ev_udp4);
	if (dp->ev_udp6 != NULL)
		event_free(dp->ev_udp6);
	dp->ev_tun = dp->ev_udp4 = dp->ev_udp6 = NULL;
	if (dp->udp4 != -1)
		close(dp->udp4);
	if (dp->udp6 != -1)
		close(dp->udp6);
	if (dp->tx4.fd != -1)
		close(dp->tx4.fd);
	if (dp->tx6.fd != -1)
		close(dp->tx6.fd);
	if (dp->tun_fd != -1 && dp->own_tun)
		close(dp->tun_fd);
	for (i = 0; i < dp->ntenants; i++) {
		if (dp->tenants[i].ev != NULL)
			event_free(dp->tenants[i].ev);
		if (dp->tenants[i].own)
			close(dp->tenants[i].fd);
	}
	dp->ntenants = 0;
	dp->started = 0;
	dp->udp4 = dp->udp6 = dp->tx4.fd = dp->tx6.fd = dp->tun_fd = -1;
	free(dp->slots);
	dp->slots = NULL;
	policy_free(&dp->pol);
	memset(&dp->pol, 0, sizeof(dp->pol));
}

json_t *
dp_stats_json(const struct dp *dp, json_t *o)
{
	const struct dp_stats *s = &dp->st;

#define S(k, n)	json_object_set_new(o, k, json_integer((json_int_t)s->n))
	S("encap_packets", encap_pkts); S("encap_bytes", encap_bytes);
	S("decap_packets", decap_pkts); S("decap_bytes", decap_bytes);
	S("native_packets", native_pkts); S("icmp_too_big", icmp_too_big);
#undef S
	json_object_set_new(o, "dataplane", json_string(dp->ops != NULL ?
	    dp->ops->name : "tun"));
	if (dp->ops != NULL && dp->ops->stats != NULL)
		dp->ops->stats(dp->ops_arg, o);
	return o;
}
