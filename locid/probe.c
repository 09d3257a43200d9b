/* RLOC probing at the ITR (see probe.h) */
#include <sys/socket.h>

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "locid.h"
#include "msg_build.h"
#include "probe.h"
#include "xtr.h"

#define PROBE_IDLE_MIN	60000000ULL	/* an entry used in the last minute is in use */

int
probe_loc_due(const struct mc_probe *p, const struct probe_timers *t, uint64_t now)
{
	return t->interval_us != 0 && p->nonce == 0 && now >= p->next_us;
}

int
probe_loc_sent(struct mc_probe *p, const struct probe_timers *t, uint64_t nonce,
    uint64_t now, uint64_t jitter)
{
	if (p == NULL)
		return -1;
	p->nonce = nonce ? nonce : 1;
	p->sent_us = now;
	p->sent++;
	if (jitter >= t->interval_us)
		jitter = 0;
	p->next_us = now + t->interval_us - jitter;
	return 0;
}

int
probe_loc_reply(struct mc_probe *p, uint64_t nonce, uint64_t now)
{
	int changed;

	if (p == NULL || p->nonce == 0 || p->nonce != nonce)
		return -1;
	p->nonce = 0;
	p->miss = 0;
	p->answered++;
	p->rtt_us = now > p->sent_us ? (uint32_t)(now - p->sent_us) : 1;
	changed = p->state == PROBE_DOWN;
	p->state = PROBE_UP;
	return changed;
}

int
probe_loc_expire(struct mc_probe *p, const struct probe_timers *t, uint64_t now)
{
	if (p == NULL || p->nonce == 0 || now < p->sent_us + t->timeout_us)
		return 0;
	p->nonce = 0;
	if (p->miss < 255)
		p->miss++;
	if (p->miss > t->retries) {
		if (p->state == PROBE_DOWN)
			return 0;
		p->state = PROBE_DOWN;
		return 1;
	}
	/* a miss within the retries: ask again at once to decide quickly */
	p->next_us = now;
	return 0;
}

size_t
probe_encode(uint8_t *buf, size_t cap, const struct mc_entry *e, uint64_t nonce,
    const struct lisp_addr *itr, int nitr)
{
	struct mreq_build b;

	memset(&b, 0, sizeof(b));
	b.flags = MREQ_P;
	b.nonce = nonce;
	addr_set_none(&b.seid);
	b.itr = itr;
	b.nitr = nitr;
	b.eid = mc_entry_eid(e);
	b.mlen = e->mlen;
	return map_request_build(buf, cap, &b);
}

void
probe_timers_conf(struct probe_timers *t, const struct conf *c)
{
	uint64_t idle;

	t->interval_us = (uint64_t)c->timers.probe_interval * 1000000;
	t->timeout_us = (uint64_t)(c->timers.probe_timeout ? c->timers.probe_timeout : 3) *
	    1000000;
	t->retries = 0;
	idle = 3 * t->interval_us;
	t->idle_us = idle > PROBE_IDLE_MIN ? idle : PROBE_IDLE_MIN;
}

/* locator i went up or down: logged, and forwarding follows (a new FIB
 * entry: pointers into the old one are gone) */
static void
log_change(struct xtr *x, struct mc_entry *e, int i)
{
	char p[ADDR_STRLEN], a[ADDR_STRLEN];
	int down = mc_entry_probe(e, i)->state == PROBE_DOWN;

	mc_entry_publish(x->mc, e);

	log_info("probe: locator %s of %s is %s%s", fib_loc_fmt(mc_entry_loc(e, i, &(struct fib_loc){ 0 }), a,
	    sizeof(a)), prefix_fmt(MC_EID(e), e->mlen, p, sizeof(p)), down ? "down" : "up",
	    down ? ": RLOC-probe unanswered" : " again");
	if (core_monitoring(x->l))
		core_event(x->l, "rloc", json_pack("{s:s, s:s, s:s}", "eid_prefix", p,
		    "rloc", a, "state", down ? "down" : "up"));
}

/* locator i's probe state if it has one (no zeroed stand-in) */
static struct mc_probe *
probe_of(struct mc_entry *e, int i)
{
	return e->probe != NULL ? &e->probe[i] : NULL;
}

static int
can_send(struct xtr *x, const struct lisp_addr *a)
{
	struct lisp_addr d = *a;

	d.has_iid = 0;
	return core_can_send(x->l, &d);
}

/* the local address the kernel would send from towards dst, if it is one
 * of our RLOCs: a multi-homed site whose preferred RLOC is down must ask
 * for the probe reply on a link that still works. the kernel's answer is
 * kept per destination RLOC (shared by every entry that has it) for a
 * probe interval, and asked again after a miss */
#define PROBE_SRC_SLOTS	256
struct probe_src {
	struct lisp_addr dst, src;	/* src AFI_NONE: no route */
	uint64_t	 until_us;
};

static struct probe_src *
src_slot(struct xtr *x, const struct lisp_addr *dst)
{
	const uint8_t *b = addr_bytes(dst);
	uint32_t h = 2166136261u;
	int i, n = dst->afi == AFI_IPV6 ? 16 : 4;

	if (x->psrc == NULL &&
	    (x->psrc = calloc(PROBE_SRC_SLOTS, sizeof(*x->psrc))) == NULL)
		return NULL;
	for (i = 0; b != NULL && i < n; i++)
		h = (h ^ b[i]) * 16777619u;
	return &x->psrc[h % PROBE_SRC_SLOTS];
}

static int
route_src(struct xtr *x, const struct mc_probe *pr, const struct lisp_addr *dst,
    const struct probe_timers *t, uint64_t now, struct lisp_addr *out)
{
	struct sockaddr_storage ss, ls;
	socklen_t sl = sizeof(ls);
	struct probe_src *ps;
	uint16_t port;
	int fd, i, j, ok = 0;

	if ((ps = src_slot(x, dst)) == NULL)
		return 0;
	if (!addr_equal(&ps->dst, dst) || now >= ps->until_us || pr->miss > 0) {
		ps->dst = *dst;
		addr_set_none(&ps->src);
		sockaddr_from_addr(&ss, dst, LISP_CONTROL_PORT);
		if ((fd = socket(ss.ss_family, SOCK_DGRAM | SOCK_CLOEXEC, 0)) == -1)
			return 0;
		if (connect(fd, (struct sockaddr *)&ss, ss.ss_family == AF_INET6 ?
		    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in)) == 0 &&
		    getsockname(fd, (struct sockaddr *)&ls, &sl) == 0 &&
		    addr_from_sockaddr(&ps->src, (struct sockaddr *)&ls, &port) != 0)
			addr_set_none(&ps->src);
		close(fd);
		ps->until_us = now + t->interval_us;
	}
	if (ps->src.afi == AFI_NONE)
		return 0;
	*out = ps->src;
	/* our RLOCs may have changed since: checked every time */
	for (i = 0; i < x->ndb && !ok; i++)
		for (j = 0; j < x->db[i].nrlocs && !ok; j++)
			ok = addr_equal(&x->db[i].rlocs[j].addr, out);
	return ok;
}

/* ITR-RLOCs of a probe to dst: the RLOC on the way to it first */
static int
itr_rlocs(struct xtr *x, const struct mc_probe *pr, const struct lisp_addr *dst,
    const struct probe_timers *t, uint64_t now, struct lisp_addr *itr)
{
	struct lisp_addr src;
	int n = 0;

	if (route_src(x, pr, dst, t, now, &src))
		itr[n++] = src;
	if (x->rloc4.afi != AFI_NONE && (n == 0 || !addr_equal(&itr[0], &x->rloc4)))
		itr[n++] = x->rloc4;
	if (x->rloc6.afi != AFI_NONE && (n == 0 || !addr_equal(&itr[0], &x->rloc6)))
		itr[n++] = x->rloc6;
	return n;
}

static int
probe_send(struct xtr *x, struct mc_entry *e, int i,
    const struct probe_timers *t, uint64_t now)
{
	struct lisp_addr itr[3], dst;
	struct sockaddr_storage ss;
	uint8_t buf[512];
	uint64_t nonce = xtr_nonce(), jitter;
	uint16_t port = x->l->conf->control_port ? x->l->conf->control_port :
	    LISP_CONTROL_PORT;
	struct mc_probe *pr;
	size_t len;
	int nitr;

	fib_loc_addr(mc_entry_loc(e, i, &(struct fib_loc){ 0 }), &dst);
	nitr = itr_rlocs(x, mc_entry_probe(e, i), &dst, t, now, itr);
	if (nitr == 0 || (len = probe_encode(buf, sizeof(buf), e, nonce, itr, nitr)) == 0)
		return -1;
	/* jitter: earlier, never later, by up to an eighth of the interval;
	 * and by two ticks, which sending and the timeout check can each be
	 * late by, so that a failure is seen within interval + timeout */
	jitter = 2 * XTR_TICK_MS * 1000ULL + (t->interval_us >= 8 ?
	    (uint64_t)arc4random_uniform((uint32_t)(t->interval_us / 8 > UINT32_MAX ?
	    UINT32_MAX : t->interval_us / 8)) : 0);
	pr = mc_entry_probe_make(e, i);
	if (probe_loc_sent(pr, t, nonce, now, jitter) == -1)
		return -1;
	if (mapcache_probe_add(x->mc, e, pr->nonce) == -1) {
		pr->nonce = 0;	/* unmatchable: try again next interval */
		return -1;
	}
	sockaddr_from_addr(&ss, &dst, port);
	return locid_send(x->l, (struct sockaddr *)&ss, buf, len);
}

uint64_t
probe_entry(struct xtr *x, struct mc_entry *e, const struct probe_timers *t,
    uint64_t now, int *burst)
{
	struct lisp_addr la;
	uint64_t due = UINT64_MAX, d;
	int i, inuse;

	if (e->state != MC_POSITIVE)
		return due;
	inuse = mc_entry_used(e) * 1000 + t->idle_us > now;
	for (i = 0; i < e->nlocs; i++) {
		struct fib_loc lb;
		const struct fib_loc *l;
		const struct mc_probe *pr;
		uint64_t old = mc_entry_probe(e, i)->nonce, next;

		if (probe_loc_expire(probe_of(e, i), t, now))
			log_change(x, e, i);
		/* after log_change: a new FIB entry, the same probe state */
		l = mc_entry_loc(e, i, &lb);
		pr = mc_entry_probe(e, i);
		if (old != 0 && pr->nonce == 0)
			mapcache_probe_del(x->mc, old);
		/* a locator never probed (no state, or a zeroed one): the
		 * first probe one interval after the entry was made */
		next = pr->next_us != 0 ? pr->next_us : e->created_ms * 1000 + t->interval_us;
		if (inuse && (l->flags & RLOC_R) && l->priority != 255 &&
		    t->interval_us != 0 && pr->nonce == 0 && now >= next) {
			fib_loc_addr(l, &la);
			if (*burst == 0)	/* the next tick then */
				d = now + XTR_TICK_MS * 1000ULL;
			else if (!can_send(x, &la))
				d = now + 1000000;	/* no source yet: ask again in 1 s */
			else {
				probe_send(x, e, i, t, now);
				pr = mc_entry_probe(e, i);	/* made by the send */
				(*burst)--;
				d = UINT64_MAX;
			}
			if (d < due)
				due = d;
		}
		/* the locator's own timer: its probe's timeout, or (in use)
		 * its next probe; an unused entry's probes lapse */
		if (pr->nonce != 0)
			d = pr->sent_us + t->timeout_us;
		else if (inuse && (l->flags & RLOC_R) && l->priority != 255 &&
		    t->interval_us != 0)
			d = pr->next_us != 0 ? pr->next_us : next;
		else
			d = UINT64_MAX;
		if (d < due)
			due = d;
	}
	return due;
}

/* the reply comes from the probed RLOC, or names it with the p bit (an
 * ETR answering from another of its addresses) */
static int
reply_from_probed(const struct lisp_addr *src, const struct lisp_map_reply *rep,
    const struct lisp_addr *probed)
{
	struct lisp_record rec;
	struct lisp_rloc r;
	struct rbuf recs = rep->records, rl;

	if (addr_equal(src, probed))
		return 1;
	while (record_next(&recs, &rec) == 1) {
		rl = rec.rlocs;
		while (rloc_next(&rl, &r) == 1) {
			r.addr.has_iid = 0;
			if ((r.flags & RLOC_p) && addr_equal(&r.addr, probed))
				return 1;
		}
	}
	return 0;
}

void
probe_reply_in(struct xtr *x, const struct pkt *p, const struct lisp_map_reply *rep)
{
	struct mc_entry *e;
	struct lisp_record rec;
	struct lisp_addr src, probed;
	struct rbuf recs = rep->records;
	uint64_t now = now_us();
	uint16_t port;
	int i, r;

	/* every record of a probe reply must be authoritative */
	while (record_next(&recs, &rec) == 1)
		if (!rec.auth) {
			x->drops[XTR_DROP_ITR_RLOC_PROBE_REPLY_NOT_AUTHORITATIVE]++;
			log_limited(&x->logrl, "probe: map-reply from %s dropped: record not "
			    "authoritative", sa_fmt((const struct sockaddr *)&p->src,
			    (char[64]){ 0 }, 64));
			return;
		}
	if (rep->nonce != 0 && (e = mapcache_probe_find(x->mc, rep->nonce)) != NULL) {
		for (i = 0; i < e->nlocs; i++) {
			if (mc_entry_probe(e, i)->nonce != rep->nonce)
				continue;
			fib_loc_addr(mc_entry_loc(e, i, &(struct fib_loc){ 0 }), &probed);
			if (addr_from_sockaddr(&src, (const struct sockaddr *)&p->src,
			    &port) == -1 || !reply_from_probed(&src, rep, &probed)) {
				x->drops[XTR_DROP_ITR_RLOC_PROBE_REPLY_NOT_FROM_THE_PROBED_RLOC]++;
				log_limited(&x->logrl, "probe: map-reply from %s dropped: the probe "
				    "went to %s", sa_fmt((const struct sockaddr *)&p->src,
				    (char[64]){ 0 }, 64), addr_fmt(&probed,
				    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
				return;
			}
			mapcache_probe_del(x->mc, rep->nonce);
			if ((r = probe_loc_reply(probe_of(e, i), rep->nonce, now)) == 1)
				log_change(x, e, i);
			return;
		}
		mapcache_probe_del(x->mc, rep->nonce);	/* stale */
	}
	x->drops[XTR_DROP_ITR_RLOC_PROBE_REPLY_WITH_UNKNOWN_NONCE]++;
	log_limited(&x->logrl, "probe: map-reply from %s dropped: nonce %016llx not outstanding",
	    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
	    (unsigned long long)rep->nonce);
}
