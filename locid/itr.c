/* ITR, the control side: the data plane (dp.c) forwards packets from the
 * TUN by the FIB; what it cannot forward comes here (itr_miss). misses
 * are resolved with ECM Map-Requests to the Map-Resolver(s) while a few
 * packets wait; answers go into the map-cache, which publishes them to
 * the FIB, and the held packets go through the FIB again. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "locid.h"
#include "lsec.h"
#include "msg_build.h"
#include "mrsel.h"
#include "probe.h"
#include "pubsub.h"
#include "xtr.h"

#define ITR_MAX_PENDING		4096	/* destinations resolving at once */

/* the throw route that sends natively forwarded packets (written back
 * into the TUN by the data plane) past the TUN's default route */
static void
entry_route(struct xtr *x, struct mc_entry *e, int add)
{
	struct lisp_addr a = mc_entry_eid(e);

	if (!x->rules_up || e->route == add)
		return;
	/* a tenant's table has no native path to throw to (native()) */
	if (add && conf_tenant_eid(x->l->conf, MC_EID(e)) != NULL)
		return;
	a.has_iid = 0;
	if (nl_route(x->nl, add, NL_RT_THROW, x->rt_table, &a, e->mlen, 0) == -1) {
		log_limited(&x->logrl, "itr: throw route %s %s: %s", add ? "add" : "delete",
		    prefix_fmt(&a, e->mlen, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    nl_error(x->nl));
		if (add)
			return;
	}
	e->route = add;
}

void
itr_entry_del(struct mc_entry *e, void *arg)
{
	struct xtr *x = arg;

	entry_route(x, e, 0);
	if (mc_entry_qlen(e) && e->fe != NULL)
		fib_ent_drop(mapcache_fib(x->mc), e->fe, mc_entry_qlen(e));
}

/* Map-Requests per EID-prefix, whatever the answers (RFC 9301 §5.3: about
 * one a second, backing off): a resolver answering with TTL 0, with action
 * send-map-request or with a record that is then refused would otherwise
 * make one request per packet or per round trip. slots are direct-mapped
 * by a hash of the prefix, so they outlive the map-cache entry (TTL 0
 * removes it) and stay bounded; a collision shares a limit */
#define REQRL_SLOTS	4096
#define REQRL_MIN_MS	1000
#define REQRL_MAX_MS	60000

struct req_slot {
	uint64_t	 key;
	uint64_t	 last_ms;
	uint32_t	 interval_ms;
};

static uint64_t
req_key(const struct mc_entry *e)
{
	uint8_t		 k[24];
	struct lisp_addr a = mc_entry_eid(e);
	uint64_t	 h = 14695981039346656037ULL;	/* FNV-1a */
	size_t		 i;

	addr_mask(&a, e->mlen);
	memset(k, 0, sizeof(k));
	if (addr_bytes(&a) != NULL)
		memcpy(k, addr_bytes(&a), a.afi == AFI_IPV6 ? 16 :
		    a.afi == AFI_IPV4 ? 4 : 6);
	memcpy(k + 16, &a.iid, 4);
	k[20] = (uint8_t)e->mlen;
	k[21] = (uint8_t)a.afi;
	for (i = 0; i < sizeof(k); i++)
		h = (h ^ k[i]) * 1099511628211ULL;
	return h | 1;		/* 0: a free slot */
}

/* when a request for e may go: now, or later (deferred) */
static uint64_t
req_allowed_at(struct xtr *x, const struct mc_entry *e, uint64_t now, struct req_slot **slot)
{
	uint64_t key = req_key(e);
	struct req_slot *s;

	if (x->reqrl == NULL && (x->reqrl = calloc(REQRL_SLOTS, sizeof(*x->reqrl))) == NULL) {
		*slot = NULL;
		return now;
	}
	s = *slot = &x->reqrl[key % REQRL_SLOTS];
	if (s->key != key || now >= s->last_ms + s->interval_ms)
		return now;
	return s->last_ms + s->interval_ms;
}

/* a request went for the slot's prefix: asked again within twice the
 * interval, the interval doubles */
static void
req_sent(struct req_slot *s, const struct mc_entry *e, uint64_t now)
{
	uint64_t key = req_key(e);

	if (s == NULL)
		return;
	if (s->key == key && now < s->last_ms + 2ULL * s->interval_ms)
		s->interval_ms = s->interval_ms * 2 > REQRL_MAX_MS ? REQRL_MAX_MS :
		    s->interval_ms * 2;
	else
		s->interval_ms = REQRL_MIN_MS;
	s->key = key;
	s->last_ms = now;
}

/* RFC 9437 §5: the entry of a subscribed prefix goes away (expiry, clear
 * map-cache, eviction), so does the subscription: a Map-Request with the
 * I and N bits, our xTR-ID and one ITR-RLOC of AFI 0, through the
 * Map-Resolver as any request. the Map-Server removes the subscription
 * whose ITR-RLOC is this request's source. at most UNSUB_BURST a second
 * (a clear of a large cache must not become a flood); those over it are
 * counted and the subscription ends at the Map-Server when its next
 * publication goes unanswered by a cached entry */
#define UNSUB_BURST	64
static void
itr_unsubscribe(struct xtr *x, const struct mc_entry *e, uint64_t now)
{
	struct conf		*c = x->l->conf;
	struct conf_peer	*mr;
	struct mreq_build	 q;
	struct lisp_addr	 none;
	struct sockaddr_storage	 ss;
	const struct lisp_addr	*r;
	uint8_t			 buf[512];
	size_t			 len;

	if (c->pubsub_key.secret == NULL || !c->has_xtr_id || !c->itr ||
	    e->is_static || e->state != MC_POSITIVE ||
	    (mr = TAILQ_FIRST(&c->map_resolvers)) == NULL ||
	    (r = xtr_src_rloc(x, e->afi == AFI_IPV6 ? AFI_IPV6 : AFI_IPV4)) == NULL)
		return;
	if (x->unsub_rl.window_ms == 0) {
		x->unsub_rl.window_ms = 1000;
		x->unsub_rl.burst = UNSUB_BURST;
	}
	if (!ratelimit_allow(&x->unsub_rl, now)) {
		x->drops[XTR_DROP_ITR_UNSUBSCRIBE_RATE_LIMIT]++;
		return;
	}
	memset(&q, 0, sizeof(q));
	q.nonce = xtr_nonce();
	addr_set_none(&q.seid);
	addr_set_none(&none);
	q.itr = &none;
	q.nitr = 1;
	q.eid = mc_entry_eid(e);
	q.mlen = e->mlen;
	q.has_ids = 1;
	memcpy(q.xtr_id, c->xtr_id, XTR_ID_LEN);
	q.site_id = c->site_id;
	q.rec_flags = MREQ_REC_N;
	q.ecm = 1;
	q.isrc = *r;
	q.isrc.has_iid = 0;
	q.idst = mc_entry_eid(e);
	q.idst.has_iid = 0;
	if (q.idst.afi != q.isrc.afi)	/* an LCAF EID: the inner header's family is ours */
		q.idst = q.isrc;
	q.sport = LISP_CONTROL_PORT;
	if ((len = map_request_build(buf, sizeof(buf), &q)) == 0)
		return;
	x->st.unsubscribes++;
	if (core_monitoring(x->l))
		core_event(x->l, "pubsub", json_pack("{s:s, s:s}", "event", "unsubscribe",
		    "eid_prefix", prefix_fmt(MC_EID(e), e->mlen, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN)));
	sockaddr_from_addr(&ss, &mr->addr, LISP_CONTROL_PORT);
	locid_send(x->l, (struct sockaddr *)&ss, buf, len);
}

/* the ECM Map-Request for e to the next Map-Resolver */
static int
request_out(struct xtr *x, struct mc_entry *e, struct mc_res *res, uint32_t flags,
    uint64_t now)
{
	struct conf *c = x->l->conf;
	struct conf_peer *mr, *pick = NULL;
	struct mreq_build q;
	struct lisp_addr itr[2];
	struct sockaddr_storage ss;
	const struct lisp_addr *r;
	struct req_slot *slot;
	uint8_t buf[1024];
	size_t len;
	const char *why;
	uint64_t at;
	int nmr = 0, k;

	TAILQ_FOREACH(mr, &c->map_resolvers, entry)
		nmr++;
	if (nmr == 0) {
		log_limited(&x->logrl, "itr: no map-resolver configured");
		return -1;
	}
	if ((at = req_allowed_at(x, e, now, &slot)) > now) {
		/* asked too recently: it goes when the limit allows, as a
		 * retransmission would (the held packets wait) */
		x->drops[XTR_DROP_ITR_MAP_REQUEST_DEFERRED_PER_EID]++;
		e->requesting = 1;
		res->req_flags = flags;
		if (e->next_try_ms < at || e->next_try_ms > now + REQRL_MAX_MS)
			e->next_try_ms = at;
		mc_entry_wake(x->mc, e, e->next_try_ms);
		return 0;
	}
	/* in order, failing over to the next one that answers (mrsel.c) */
	k = x->mrsel != NULL ? mrsel_pick(x->mrsel, now) : -1;
	if (k == -1)
		k = res->tries % nmr;
	TAILQ_FOREACH(mr, &c->map_resolvers, entry)
		if (k-- == 0)
			pick = mr;
	memset(&q, 0, sizeof(q));
	q.flags = flags | (c->pitr && !c->itr ? MREQ_p : 0);
	q.nonce = xtr_nonce();
	/* a refresh (or SMR-invoked request) of a cached entry has no Source-EID */
	if (res->seid.afi != AFI_NONE && e->state == MC_PENDING && !(flags & MREQ_s))
		q.seid = res->seid;
	else
		addr_set_none(&q.seid);
	q.itr = itr;
	if (x->rloc4.afi != AFI_NONE)
		itr[q.nitr++] = x->rloc4;
	if (x->rloc6.afi != AFI_NONE)
		itr[q.nitr++] = x->rloc6;
	q.eid = mc_entry_eid(e);
	q.mlen = e->mlen;
	/* with a PubSubKey and an xTR-ID: subscribe (RFC 9437 §5) */
	if (c->pubsub_key.secret != NULL && c->has_xtr_id && c->itr) {
		q.has_ids = 1;
		memcpy(q.xtr_id, c->xtr_id, XTR_ID_LEN);
		q.site_id = c->site_id;
		q.rec_flags = MREQ_REC_N;
	}
	/* inner IP: our RLOC of the EID's family, else the source EID */
	q.ecm = 1;
	q.idst = mc_entry_eid(e);
	q.idst.has_iid = 0;
	if ((r = xtr_src_rloc(x, q.idst.afi)) != NULL)
		q.isrc = *r;
	else if (res->seid.afi == q.idst.afi)
		q.isrc = res->seid;
	else if (x->ndb > 0 && x->db[0].eid.afi == q.idst.afi)
		q.isrc = x->db[0].eid;
	else
		q.isrc = q.idst;
	q.isrc.has_iid = 0;
	q.sport = LISP_CONTROL_PORT;
	if ((len = map_request_build(buf, sizeof(buf), &q)) == 0) {
		log_limited(&x->logrl, "itr: map-request does not fit");
		return -1;
	}
	if (c->lisp_sec != LISPSEC_OFF && (len = lsec_itr_protect(&x->otks, c,
	    buf, len, sizeof(buf), q.nonce, now, &why)) == 0) {
		x->drops[XTR_DROP_ITR_LISP_SEC_MAP_REQUEST_NOT_SENT]++;
		log_limited(&x->logrl, "itr: lisp-sec map-request not sent: %s", why);
		return -1;
	}
	mc_entry_add_nonce(x->mc, e, q.nonce);
	e->requesting = 1;
	res->req_flags = flags;	/* a retransmission asks the same way */
	res->tries++;
	res->backoff_ms = res->tries == 1 ? (c->timers.map_request_timeout_ms ?
	    c->timers.map_request_timeout_ms : 1000) : res->backoff_ms * 2;
	if (res->backoff_ms > 30000)
		res->backoff_ms = 30000;
	e->next_try_ms = now + res->backoff_ms;
	mc_entry_wake(x->mc, e, e->next_try_ms);
	req_sent(slot, e, now);
	if (res->tries > 1)
		x->st.map_requests_retx++;
	x->st.map_requests++;
	if (x->mrsel != NULL)
		mrsel_sent(x->mrsel, mrsel_index(x->mrsel, &pick->addr), q.nonce, now);
	sockaddr_from_addr(&ss, &pick->addr, LISP_CONTROL_PORT);
	return locid_send(x->l, (struct sockaddr *)&ss, buf, len);
}

/* request_out with e's resolution state, which goes again if nothing
 * came of it */
static int
send_request(struct xtr *x, struct mc_entry *e, uint32_t flags, uint64_t now)
{
	struct mc_res *res;
	int rv;

	if ((res = mc_entry_res(e)) == NULL) {
		x->drops[XTR_DROP_ITR_OUT_OF_MEMORY]++;
		log_limited(&x->logrl, "itr: map-request not sent: out of memory");
		return -1;
	}
	rv = request_out(x, e, res, flags, now);
	mc_entry_settle(x->mc, e);
	return rv;
}

static void
drop(struct xtr *x, struct mc_entry *e, enum xtr_drop reason)
{
	if (e != NULL && e->fe != NULL)
		fib_ent_drop(mapcache_fib(x->mc), e->fe, 1);
	x->drops[reason]++;
}

/* a packet to a destination with no FIB entry: a pending entry holds it
 * while the Map-Request goes out */
static void
miss_new(struct xtr *x, struct dp_miss *m, uint64_t now)
{
	const struct conf_tenant *t;
	struct mc_entry *e;

	if (mapcache_pending(x->mc) >= ITR_MAX_PENDING) {
		x->drops[XTR_DROP_ITR_TOO_MANY_DESTINATIONS_RESOLVING]++;
		if (log_limited_ok(&x->logrl))
			log_warn("itr: packet to %s dropped: %d destinations "
			    "already resolving", addr_fmt(&m->dst,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), ITR_MAX_PENDING);
		dp_pkt_free(m->pkt);
		return;
	}
	/* a tenant's own map-cache-limit: the idlest of its entries makes
	 * room, so one tenant's destinations never evict another's */
	if ((t = conf_tenant_eid(x->l->conf, &m->dst)) != NULL && t->map_cache_limit != 0 &&
	    mapcache_count_iid(x->mc, t->iid) >= t->map_cache_limit) {
		if ((e = mapcache_idlest_iid(x->mc, 64, t->iid)) == NULL) {
			x->drops[XTR_DROP_ITR_MAP_CACHE_FULL]++;
			dp_pkt_free(m->pkt);
			return;
		}
		x->drops[XTR_DROP_ITR_MAP_CACHE_ENTRY_EVICTED]++;
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
	}
	/* map-cache-limit: the idlest of a few cached entries makes room
	 * (pending ones are bounded above) */
	if (mapcache_count(x->mc) >= x->l->conf->map_cache_limit) {
		if ((e = mapcache_idlest(x->mc, 64)) == NULL) {
			x->drops[XTR_DROP_ITR_MAP_CACHE_FULL]++;
			dp_pkt_free(m->pkt);
			return;
		}
		x->drops[XTR_DROP_ITR_MAP_CACHE_ENTRY_EVICTED]++;
		itr_unsubscribe(x, e, now);
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
	}
	if ((e = mapcache_add(x->mc, &m->dst, addr_bits(&m->dst), now)) == NULL) {
		x->drops[XTR_DROP_ITR_OUT_OF_MEMORY]++;
		dp_pkt_free(m->pkt);
		return;
	}
	if (core_monitoring(x->l))
		core_event(x->l, "map-cache", json_pack("{s:s, s:s, s:s}", "event",
		    "miss", "eid", addr_fmt(&m->dst, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    "source", addr_fmt(&m->src, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
	if (mc_entry_res(e) != NULL) {
		e->res->seid = m->src;
		e->res->asked_us = now_us();
	}
	if (mc_entry_queue_pkt(e, m->pkt, x->l->conf->queue_per_dest) == 0)
		x->st.queued_pkts++;
	send_request(x, e, 0, now);
}

void
itr_miss(void *arg, struct dp_miss *m)
{
	struct xtr *x = arg;
	struct mc_entry *e;
	uint64_t now = now_ms();

	if (m->kind == DP_MISS) {
		/* an earlier miss of the same batch may have made the entry */
		if ((e = mapcache_lookup(x->mc, &m->dst)) == NULL) {
			miss_new(x, m, now);
			return;
		}
	} else if ((e = mapcache_lookup(x->mc, &m->dst)) == NULL || e != m->ctl) {
		/* the entry went or changed while this waited: once more
		 * through the FIB */
		if (m->pkt != NULL)
			dp_replay(&x->dp, m->pkt);
		return;
	}
	switch (m->kind) {
	case DP_USED:
		/* a first use after an idle minute (or since the last
		 * Map-Reply) re-arms the refresh and probe timers (the
		 * data plane marked the use in the FIB entry) */
		mc_entry_wake(x->mc, e, now);
		return;
	case DP_ASK:
		if (!e->requesting) {
			mc_entry_new_round(e);
			send_request(x, e, 0, now);
		}
		return;
	default:
		break;
	}
	if (e->state != MC_PENDING) {
		/* answered since: through the FIB again, once it says so
		 * (a FIB still pending would send the packet back here) */
		if (m->kind == DP_PENDING && mc_entry_publish(x->mc, e) == -1) {
			dp_pkt_free(m->pkt);
			return;
		}
		dp_replay(&x->dp, m->pkt);
		return;
	}
	if (mc_entry_queue_pkt(e, m->pkt, x->l->conf->queue_per_dest) == 0)
		x->st.queued_pkts++;
	else
		drop(x, e, XTR_DROP_ITR_RESOLUTION_QUEUE_FULL);
}

/* send the held packets of q through the FIB again */
static void
replay(struct xtr *x, struct dp_pkt *q)
{
	struct dp_pkt *p;

	for (p = q; p != NULL; p = p->next)
		x->st.queue_sent++;
	dp_replay(&x->dp, q);
}

static struct dp_pkt *
list_cat(struct dp_pkt *a, struct dp_pkt *b)
{
	struct dp_pkt **t = &a;

	while (*t != NULL)
		t = &(*t)->next;
	*t = b;
	return a;
}

/* the normalised EID-prefix of a record, -1 if the map-cache cannot hold it */
static int
record_prefix(const struct lisp_record *rec, struct lisp_addr *eid)
{
	*eid = rec->eid;
	if ((eid->afi != AFI_IPV4 && eid->afi != AFI_IPV6) ||
	    rec->eid_mlen > addr_bits(eid))
		return -1;
	eid->body = NULL;
	addr_mask(eid, rec->eid_mlen);
	return 0;
}

/* a covers b, an instance-id of 0 being the same as none */
static int
covers(const struct lisp_addr *a, int alen, const struct lisp_addr *b)
{
	struct lisp_addr aa = *a, bb = *b;

	if (aa.has_iid && aa.iid == 0)
		aa.has_iid = 0;
	if (bb.has_iid && bb.iid == 0)
		bb.has_iid = 0;
	return addr_prefix_covers(&aa, alen, &bb);
}

/* pending entries under a record just installed, collected in batches
 * (removing them during the walk would change the trie under it) */
#define PENDING_BATCH	128
struct pending_under {
	const struct mc_entry *e;
	struct mc_entry	*o[PENDING_BATCH];
	int		 n;
	int		 more;		/* the batch filled: walk again */
};

static int
pending_cb(struct mc_entry *o, void *arg)
{
	struct pending_under *pc = arg;

	if (o == pc->e || o->state != MC_PENDING)
		return 0;
	if (pc->n == PENDING_BATCH) {
		pc->more = 1;
		return 1;
	}
	pc->o[pc->n++] = o;
	return 0;
}

/* a configured Map-Resolver's address */
static int
from_map_resolver(const struct xtr *x, const struct pkt *p)
{
	const struct conf_peer *mr;
	struct lisp_addr a;
	uint16_t port;

	if (addr_from_sockaddr(&a, (const struct sockaddr *)&p->src, &port) == -1)
		return 0;
	TAILQ_FOREACH(mr, &x->l->conf->map_resolvers, entry)
		if (addr_equal(&mr->addr, &a))
			return 1;
	return 0;
}

/* a record is usable as the answer: it covers what we asked, it is not
 * coarser than the configured bound (a negative one from a configured
 * Map-Resolver excepted: those are coarse by design) and it does not
 * replace an entry learned for that prefix by another answer */
static const char *
record_refused(const struct xtr *x, const struct pkt *p, const struct lisp_record *rec,
    const struct lisp_addr *eid, const struct lisp_addr *req, int reqlen,
    const struct mc_entry *e0, enum xtr_drop *why)
{
	const struct conf *c = x->l->conf;
	const struct mc_entry *o;
	int min = eid->afi == AFI_IPV6 ? c->reply_min_len6 : c->reply_min_len4;

	if (rec->eid_mlen > reqlen || !covers(eid, rec->eid_mlen, req)) {
		*why = XTR_DROP_ITR_MAP_REPLY_RECORD_NOT_ASKED_FOR;
		return "not what was asked";
	}
	if (rec->eid_mlen < min && (rec->nrlocs > 0 || !from_map_resolver(x, p))) {
		*why = XTR_DROP_ITR_MAP_REPLY_RECORD_COARSER_THAN_ALLOWED;
		return "coarser than map-reply-shortest-prefix";
	}
	if ((o = mapcache_exact(x->mc, eid, rec->eid_mlen)) != NULL && o != e0 &&
	    o->state != MC_PENDING) {
		*why = XTR_DROP_ITR_MAP_REPLY_RECORD_FOR_A_PREFIX_LEARNED_ELSEWHERE;
		return "the prefix is cached from another answer";
	}
	return NULL;
}

/* the drop counted for each LISP-SEC refusal (lsec.h) */
static const enum xtr_drop lsec_drop[LSEC_R__N] = {
	[LSEC_R_NOT_SIGNED] = XTR_DROP_ITR_LISP_SEC_MAP_REPLY_WITHOUT_LISP_SEC,
	[LSEC_R_MALFORMED] = XTR_DROP_ITR_LISP_SEC_MALFORMED,
	[LSEC_R_NO_OTK] = XTR_DROP_ITR_LISP_SEC_NO_ONE_TIME_KEY,
	[LSEC_R_EID_HMAC] = XTR_DROP_ITR_LISP_SEC_EID_HMAC,
	[LSEC_R_PKT_HMAC] = XTR_DROP_ITR_LISP_SEC_PKT_HMAC,
	[LSEC_R_ALGORITHM] = XTR_DROP_ITR_LISP_SEC_ALGORITHM,
};

/* with a verified LISP-SEC answer a record counts only for what the
 * Map-Server vouched for: cut to its intersection with the EID-AD, or
 * refused when there is none (RFC 9303 §6.9.1). -1: refused */
static int
lsec_clip(struct xtr *x, const struct pkt *p, const struct ls_reply_ad *ad,
    struct lisp_record *rec, struct lisp_addr *eid)
{
	struct lisp_addr c;
	int clen;
	char a[ADDR_STRLEN], b[ADDR_STRLEN], s[64];

	if (ls_eid_ad_clip(&ad->eid, eid, rec->eid_mlen, &c, &clen) == -1) {
		x->drops[XTR_DROP_ITR_LISP_SEC_RECORD_OUTSIDE_THE_EID_AD]++;
		log_limited(&x->logrl, "itr: map-reply from %s: record %s refused: "
		    "outside the lisp-sec eid-ad",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    prefix_fmt(eid, rec->eid_mlen, a, sizeof(a)));
		return -1;
	}
	if (clen != rec->eid_mlen) {
		c.has_iid = eid->has_iid;
		c.iid = eid->iid;
		addr_mask(&c, clen);
		x->drops[XTR_DROP_ITR_LISP_SEC_RECORD_TRUNCATED_TO_THE_EID_AD]++;
		log_limited(&x->logrl, "itr: map-reply from %s: record %s cut to %s, "
		    "the lisp-sec eid-ad",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    prefix_fmt(eid, rec->eid_mlen, a, sizeof(a)),
		    prefix_fmt(&c, clen, b, sizeof(b)));
		*eid = c;
		rec->eid_mlen = (uint8_t)clen;
	}
	return 0;
}

void
itr_reply_in(struct xtr *x, const struct pkt *p, const struct lisp_map_reply *rep)
{
	struct pending_under pc;
	struct mc_entry *e0, *e, *o;
	struct lisp_record rec, best;
	struct lisp_addr req, eid, beid;
	int reqlen, i, nbest = 0, covered = 0;
	struct rbuf recs = rep->records;
	struct dp_pkt *held = NULL;
	uint64_t now = now_ms(), us = now_us(), asked_us;
	enum xtr_drop why;
	const char *refused;
	struct ls_reply_ad sad;
	enum lsec_verdict sv;
	enum lsec_refusal sr;
	struct msg_err serr;
	char ebuf[MSG_ERR_LEN];

	x->st.map_replies_in++;
	if (rep->flags & MREP_P) {
		probe_reply_in(x, p, rep);	/* probe.c */
		return;
	}
	if ((e0 = mapcache_by_nonce(x->mc, rep->nonce)) == NULL) {
		x->drops[XTR_DROP_ITR_MAP_REPLY_WITH_UNKNOWN_NONCE]++;
		log_limited(&x->logrl, "itr: map-reply from %s dropped: nonce %016llx not outstanding",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    (unsigned long long)rep->nonce);
		return;
	}
	sv = lsec_itr_check(x->otks, x->l->conf, p->buf, p->len, rep, &sad, &sr,
	    &serr, now);
	if (sv == LSEC_REFUSED) {
		/* the request stays outstanding: the real answer may follow */
		x->drops[lsec_drop[sr]]++;
		log_limited(&x->logrl, "itr: map-reply from %s dropped: lisp-sec: %s%s%s",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    lsec_refusal_name(sr), serr.reason != NULL ? ": " : "",
		    serr.reason != NULL ? msg_err_str(&serr, ebuf, sizeof(ebuf)) : "");
		return;
	}
	if (sv == LSEC_VERIFIED)
		lsec_otk_del(x->otks, rep->nonce);	/* a replay finds none */
	req = mc_entry_eid(e0);
	reqlen = e0->mlen;
	asked_us = e0->res != NULL ? e0->res->asked_us : 0;
	/* one Map-Reply sets one entry: the most specific record that covers
	 * what we asked. without LISP-SEC nothing vouches for the rest of an
	 * answer, so records about other prefixes (a site's ETR answering
	 * with 0.0.0.0/0 or another site's prefix) are refused */
	while (record_next(&recs, &rec) == 1) {
		if (record_prefix(&rec, &eid) == -1) {
			x->drops[XTR_DROP_ITR_MAP_REPLY_RECORD_WITH_AN_UNUSABLE_EID]++;
			continue;
		}
		if (sv == LSEC_VERIFIED && lsec_clip(x, p, &sad, &rec, &eid) == -1)
			continue;
		if ((refused = record_refused(x, p, &rec, &eid, &req, reqlen, e0, &why)) != NULL) {
			/* a less specific prefix we hold already answers for
			 * a cached more-specific: its ETR no longer has it */
			if (why == XTR_DROP_ITR_MAP_REPLY_RECORD_FOR_A_PREFIX_LEARNED_ELSEWHERE &&
			    rec.eid_mlen < reqlen)
				covered = 1;
			x->drops[why]++;
			log_limited(&x->logrl, "itr: map-reply from %s: record %s ignored: %s",
			    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
			    prefix_fmt(&eid, rec.eid_mlen, (char[ADDR_STRLEN]){ 0 },
			    ADDR_STRLEN), refused);
			continue;
		}
		if (nbest++ > 0) {
			/* two covering records: the less specific goes */
			x->drops[XTR_DROP_ITR_MAP_REPLY_RECORD_NOT_ASKED_FOR]++;
			if (rec.eid_mlen <= best.eid_mlen)
				continue;
		}
		best = rec;
		beid = eid;
	}
	if (nbest > 0 && best.nbad > 0) {
		/* mc_entry_set walks with rloc_next, which leaves them out */
		x->drops[XTR_DROP_ITR_MAP_REPLY_MALFORMED_LOCATOR] += best.nbad;
		log_limited(&x->logrl, "itr: map-reply from %s for %s: %u locator(s) "
		    "skipped: malformed LCAF (%s)",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    prefix_fmt(&beid, best.eid_mlen, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN), best.nbad, best.bad_why);
	}
	/* only a usable answer counts for the resolver: one that keeps
	 * answering with nothing usable times out and is marked down */
	if (nbest > 0 && x->mrsel != NULL)
		mrsel_reply(x->mrsel, rep->nonce, now);
	if (nbest > 0 && (e = mapcache_add(x->mc, &beid, best.eid_mlen, now)) != NULL) {
		if (best.ttl > x->l->conf->timers.record_ttl_max)
			best.ttl = x->l->conf->timers.record_ttl_max;
		mc_entry_set(x->mc, e, &best, sv == LSEC_VERIFIED ? "lisp-sec" :
		    best.auth ? "map-reply" : "proxy-reply", now);
		if (core_monitoring(x->l))
			core_event(x->l, "map-cache", json_pack("{s:s, s:o}", "event",
			    "install", "entry", mc_entry_json(e, now)));
		if (asked_us && !mc_entry_resolve_us(e)) {
			mc_entry_set_resolve_us(e, us - asked_us);
			x->st.resolve_ms_sum += (us - asked_us) / 1000;
			x->st.resolve_count++;
		}
		mc_entry_clear_nonces(x->mc, e);
		if (e->state == MC_NEGATIVE && (e->act == ACT_NATIVE_FORWARD ||
		    e->act == ACT_NO_ACTION) && TAILQ_EMPTY(&x->l->conf->petrs))
			entry_route(x, e, 1);
		else
			entry_route(x, e, 0);
		/* pending entries inside the answer are answered too: found
		 * in the FIB's index first, removed after the walk */
		do {
			pc.e = e;
			pc.n = 0;
			pc.more = 0;
			mapcache_walk_under(x->mc, MC_EID(e), e->mlen, pending_cb, &pc);
			for (i = 0; i < pc.n; i++) {
				o = pc.o[i];
				held = list_cat(held, mc_entry_dequeue(x->mc, o));
				if (o == e0)
					e0 = NULL;
				mapcache_remove(x->mc, o);
			}
		} while (pc.more);
		if (e == e0)
			held = list_cat(held, mc_entry_dequeue(x->mc, e));
		else if (e0 != NULL && e0->state != MC_PENDING && e0->mlen > e->mlen)
			covered = 1;
	}
	if (covered && e0 != NULL && e0->state != MC_PENDING) {
		/* a refresh or an SMR-invoked request for a more-specific
		 * was answered for a prefix around it: the more-specific is
		 * gone from its site (issue 10: a /25 stayed cached for a day
		 * after the ETR went back to the /24) */
		log_info("itr: %s withdrawn: %s answered for a covering prefix",
		    prefix_fmt(&req, reqlen, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64));
		x->drops[XTR_DROP_ITR_MORE_SPECIFIC_WITHDRAWN]++;
		if (core_monitoring(x->l))
			core_event(x->l, "map-cache", json_pack("{s:s, s:s}", "event",
			    "withdrawn", "eid_prefix", prefix_fmt(&req, reqlen,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
		itr_entry_del(e0, x);
		mapcache_remove(x->mc, e0);
		e0 = NULL;
	}
	if (e0 != NULL && e0->state == MC_PENDING) {
		/* the answer did not cover what we asked (a broken or
		 * spoofing resolver): the request stays unanswered and is
		 * retransmitted on its backoff, the packets stay held. sending
		 * them on now would miss and ask again at once, a Map-Request
		 * per packet for as long as the resolver answers wrongly */
		x->drops[XTR_DROP_ITR_MAP_REPLY_DID_NOT_COVER_THE_REQUESTED_EID]++;
		log_limited(&x->logrl, "itr: map-reply from %s does not cover %s: "
		    "asking again at the next retransmission",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    prefix_fmt(&req, reqlen, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		mc_entry_clear_nonces(x->mc, e0);
	} else if (e0 != NULL) {
		e0->requesting = 0;
		mc_entry_clear_nonces(x->mc, e0);
		mc_entry_wake(x->mc, e0, now);
	}
	replay(x, held);
}

/* 1 if eid/mlen is inside one of our database-mappings */
static int
eid_local(const struct xtr *x, const struct lisp_addr *eid, int mlen)
{
	struct lisp_addr a;
	int i;

	for (i = 0; i < x->ndb; i++) {
		if (x->db[i].mlen > mlen || addr_bits(&x->db[i].eid) != addr_bits(eid))
			continue;
		a = *eid;
		addr_mask(&a, x->db[i].mlen);
		if (addr_equal(&a, &x->db[i].eid))
			return 1;
	}
	return 0;
}

int
itr_publication_in(struct xtr *x, const struct pkt *p, const struct lisp_map_register *n)
{
	const struct conf	*c = x->l->conf;
	struct rbuf		 recs = n->records;
	struct lisp_record	 rec;
	struct lisp_addr	 eid;
	struct mc_entry		*e;
	uint8_t			 buf[1024];
	size_t			 len;
	uint64_t		 now = now_ms(), last;
	char			 s[64], pf[ADDR_STRLEN];

	/* a Map-Notify about space of ours answers our Map-Register */
	if (c->pubsub_key.secret == NULL || !c->itr ||
	    record_next(&recs, &rec) != 1 || eid_local(x, &rec.eid, rec.eid_mlen))
		return 0;
	sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s));
	if (!pubsub_msg_verify(&c->pubsub_key, n)) {
		x->drops[XTR_DROP_ITR_PUBLICATION_AUTHENTICATION_FAILED]++;
		log_limited(&x->logrl, "itr: publication from %s dropped: "
		    "authentication failed", s);
		return 1;
	}
	if (n->nrecords != 1 || record_prefix(&rec, &eid) == -1) {
		x->drops[XTR_DROP_ITR_PUBLICATION_UNUSABLE]++;
		log_limited(&x->logrl, "itr: publication from %s dropped: "
		    "not one usable record", s);
		return 1;
	}
	e = mapcache_exact(x->mc, &eid, rec.eid_mlen);
	if (e != NULL && (last = mapcache_pub_nonce(x->mc, e)) != 0 && n->nonce <= last) {
		x->drops[XTR_DROP_ITR_PUBLICATION_REPLAYED]++;
		log_limited(&x->logrl, "itr: publication from %s for %s dropped: "
		    "nonce %016llx not newer (replayed?)", s,
		    prefix_fmt(&eid, rec.eid_mlen, pf, sizeof(pf)),
		    (unsigned long long)n->nonce);
		return 1;
	}
	/* a cached entry follows; one not cached yet (the confirmation
	 * overtaking the Map-Reply) is left to the Map-Reply, which
	 * answers the pending request and its held packets */
	if (e != NULL && e->state != MC_PENDING) {
		if (rec.ttl > c->timers.record_ttl_max)
			rec.ttl = c->timers.record_ttl_max;
		mc_entry_set(x->mc, e, &rec, "publication", now);
		/* no memory for it: a replay is not caught */
		mapcache_set_pub_nonce(x->mc, e, n->nonce);
		if (core_monitoring(x->l))
			core_event(x->l, "pubsub", json_pack("{s:s, s:s, s:s, s:i}",
			    "event", "publication", "from", s, "eid_prefix",
			    prefix_fmt(&eid, rec.eid_mlen, pf, sizeof(pf)),
			    "locators", (int)rec.nrlocs));
		entry_route(x, e, e->state == MC_NEGATIVE && (e->act == ACT_NATIVE_FORWARD ||
		    e->act == ACT_NO_ACTION) && TAILQ_EMPTY(&c->petrs));
		x->st.publications++;
	}
	len = pubsub_msg_build(LISP_MAP_NOTIFY_ACK, n->nonce, &c->pubsub_key,
	    n->records.p, n->records.len, n->nrecords, buf, sizeof(buf));
	if (len > 0)
		locid_send(x->l, (const struct sockaddr *)&p->src, buf, len);
	return 1;
}

void
itr_smr_in(struct xtr *x, const struct pkt *p, const struct lisp_map_request *q)
{
	struct mc_entry *e;
	uint64_t now = now_ms();

	x->st.smr_in++;
	if (core_monitoring(x->l))
		core_event(x->l, "smr", json_pack("{s:s, s:s, s:s}", "event", "received",
		    "from", sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    "eid", q->seid.afi == AFI_NONE ? "" : addr_fmt(&q->seid,
		    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
	/* an SMR installs nothing: at most it makes us ask the mapping
	 * system again, for an entry we already have */
	if (q->seid.afi == AFI_NONE || (e = mapcache_lookup(x->mc, &q->seid)) == NULL ||
	    e->state == MC_PENDING || e->is_static) {
		x->drops[XTR_DROP_ITR_SMR_FOR_AN_EID_NOT_IN_THE_MAP_CACHE]++;
		log_limited(&x->logrl, "itr: smr from %s ignored: %s not in the map-cache",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    q->seid.afi == AFI_NONE ? "no source-eid" : addr_fmt(&q->seid,
		    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return;
	}
	if (e->requesting || now < e->smr_ms + 3000) {
		/* one SMR-invoked request per 3 s: this one is asked for when
		 * that is over (itr_tick), not lost */
		e->smr_defer = 1;
		mc_entry_wake(x->mc, e, e->requesting ? now + XTR_TICK_MS : e->smr_ms + 3000);
		return;
	}
	e->smr_defer = 0;
	e->smr_ms = now;
	mc_entry_new_round(e);
	send_request(x, e, MREQ_s, now);
}

/* the map-cache side of one entry's timer: returns 1 if e was removed */
static int
entry_timer(struct xtr *x, struct mc_entry *e, uint64_t now, uint32_t retries)
{
	if (e->state != MC_PENDING && mc_entry_expires(e) <= now && !e->is_static) {
		if (core_monitoring(x->l))
			core_event(x->l, "map-cache", json_pack("{s:s, s:s}", "event",
			    "expired", "eid_prefix", prefix_fmt(MC_EID(e), e->mlen,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
		itr_unsubscribe(x, e, now);
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
		return 1;
	}
	if (e->requesting && now >= e->next_try_ms) {
		if (mc_entry_tries(e) > retries) {
			if (e->state == MC_PENDING) {
				drop(x, e, XTR_DROP_ITR_MAP_REQUEST_UNANSWERED);
				itr_entry_del(e, x);
				mapcache_remove(x->mc, e);
				return 1;
			}
			e->requesting = 0;
			e->next_try_ms = now + 30000;
			mc_entry_settle(x->mc, e);
			return 0;
		}
		send_request(x, e, e->res != NULL ? e->res->req_flags : 0, now);
	} else if (e->smr_defer && !e->requesting && now >= e->smr_ms + 3000) {
		e->smr_defer = 0;	/* a deferred SMR (itr_smr_in) */
		e->smr_ms = now;
		mc_entry_new_round(e);
		send_request(x, e, MREQ_s, now);
	} else if (now >= e->next_try_ms && mc_entry_wants_refresh(e, now)) {
		mc_entry_new_round(e);
		send_request(x, e, 0, now);
	}
	return 0;
}

/* the earliest map-cache deadline of e (ms) */
static uint64_t
entry_due(const struct mc_entry *e, uint64_t now)
{
	uint64_t due = UINT64_MAX, d;

	if (e->state != MC_PENDING)
		due = mc_entry_expires(e);
	if (e->requesting && e->next_try_ms < due)
		due = e->next_try_ms;
	if (e->smr_defer && !e->requesting && e->smr_ms + 3000 < due)
		due = e->smr_ms + 3000;
	if (e->state != MC_PENDING && !e->requesting && !e->is_static &&
	    mc_entry_used(e) > e->updated_ms &&
	    mc_entry_used(e) + 60000 > now && mc_entry_expires(e) > e->updated_ms) {
		/* a refresh in the last tenth of the TTL, if still used then
		 * (mc_entry_wants_refresh; a first use after this is woken by
		 * itr_process). Once that point has passed it was declined */
		d = mc_entry_expires(e) - (mc_entry_expires(e) - e->updated_ms) / 10;
		if (d < e->next_try_ms)
			d = e->next_try_ms;
		if (d > now && d < due)
			due = d;
	}
	return due;
}

void
itr_tick(struct xtr *x, uint64_t now)
{
	itr_tick_budget(x, now, 0);
}

int
itr_tick_budget(struct xtr *x, uint64_t now, uint64_t budget_us)
{
	struct probe_timers t;
	struct mc_entry *e;
	uint32_t retries = x->l->conf->timers.map_request_retries;
	uint64_t due, pdue, nus = now_us();
	int burst = PROBE_BURST;
	unsigned n = 0;

	probe_timers_conf(&t, x->l->conf);
	/* only the entries whose timer is due: no table scan */
	while ((e = mapcache_due(x->mc, now)) != NULL) {
		if (entry_timer(x, e, now, retries))
			continue;
		due = entry_due(e, now);
		if (x->itr && (pdue = probe_entry(x, e, &t, nus, &burst)) != UINT64_MAX) {
			pdue = (pdue + 999) / 1000;	/* to ms, not earlier */
			/* the two clocks: fire when now_us() reaches pdue */
			pdue = pdue > nus / 1000 ? now + (pdue - nus / 1000) : now;
			if (pdue < due)
				due = pdue;
		}
		if (due <= now)
			due = now + 1;	/* never twice in one tick */
		mapcache_sched(x->mc, e, due);
		/* many entries due at once (a fill, equal TTLs): stop when the
		 * time is used up and let the loop serve I/O in between */
		if (budget_us != 0 && (++n & 63) == 0 && now_us() - nus >= budget_us)
			return 1;
	}
	return 0;
}

static int
static_del_cb(struct mc_entry *e, void *arg)
{
	struct xtr *x = arg;

	if (e->is_static) {
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
	}
	return 0;
}

/* the configured map-cache entries (map-cache PREFIX ...): the old ones
 * go, the conf's come in place of whatever is cached for their prefixes */
void
itr_static_load(struct xtr *x)
{
	const struct conf_mapping *m;
	const struct conf_rloc *r;
	struct mc_entry *e;
	struct lisp_record rec;
	struct lisp_rloc loc;
	struct rbuf b, recs;
	struct wbuf w;
	uint8_t buf[1024];
	uint64_t now = now_ms();
	int n = 0;

	fib_bulk(mapcache_fib(x->mc), 1);
	mapcache_foreach(x->mc, static_del_cb, x);
	TAILQ_FOREACH(m, &x->l->conf->static_mappings, entry) {
		memset(&rec, 0, sizeof(rec));
		rec.eid = m->eid;
		rec.eid_mlen = (uint8_t)m->mlen;
		rec.ttl = x->l->conf->timers.record_ttl_max;
		rec.act = (uint8_t)(m->negative ? m->act : ACT_NO_ACTION);
		rec.auth = 1;
		TAILQ_FOREACH(r, &m->rlocs, entry)
			rec.nrlocs++;
		wbuf_init(&w, buf, sizeof(buf));
		record_encode(&w, &rec);
		TAILQ_FOREACH(r, &m->rlocs, entry) {
			memset(&loc, 0, sizeof(loc));
			loc.addr = r->addr;
			loc.priority = r->priority;
			loc.weight = r->weight;
			loc.mpriority = 255;
			loc.flags = RLOC_R;
			rloc_encode(&w, &loc);
		}
		rbuf_init(&b, buf, w.len);
		recs = b;
		if (w.err || record_next(&recs, &rec) != 1)
			continue;
		if ((e = mapcache_exact(x->mc, &m->eid, m->mlen)) != NULL) {
			itr_entry_del(e, x);
			mapcache_remove(x->mc, e);
		}
		if ((e = mapcache_add(x->mc, &m->eid, m->mlen, now)) == NULL)
			continue;
		mc_entry_set(x->mc, e, &rec, "static", now);
		mc_entry_set_source(e, "static");	/* negative ones too */
		e->is_static = 1;	/* never expires */
		if (e->state == MC_NEGATIVE && (e->act == ACT_NATIVE_FORWARD ||
		    e->act == ACT_NO_ACTION) && TAILQ_EMPTY(&x->l->conf->petrs))
			entry_route(x, e, 1);
		mc_entry_wake(x->mc, e, now);
		n++;
	}
	fib_bulk(mapcache_fib(x->mc), 0);
	if (n > 0)
		log_info("itr: %d static map-cache entr%s", n, n == 1 ? "y" : "ies");
}

#define SHORTCUT_SOURCE	"nat-shortcut"

static int
is_shortcut(const struct mc_entry *e)
{
	return e->is_static && strcmp(mc_entry_source(e), SHORTCUT_SOURCE) == 0;
}

int
itr_shortcut_set(struct xtr *x, const struct lisp_record *rec)
{
	struct mc_entry		*e;
	struct rbuf		 locs = rec->rlocs;
	struct lisp_rloc	 loc;
	uint64_t		 now = now_ms();
	int			 i = 0, same;

	if ((e = mapcache_exact(x->mc, &rec->eid, rec->eid_mlen)) != NULL) {
		if (e->is_static && !is_shortcut(e))
			return -1;		/* configured: it stays */
		same = is_shortcut(e) && e->nlocs == rec->nrlocs;
		while (same && rloc_next(&locs, &loc) == 1 && i < e->nlocs)
			same = fib_loc_is(mc_entry_loc(e, i++, &(struct fib_loc){ 0 }), &loc.addr);
		if (same)
			return 0;
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
	}
	if ((e = mapcache_add(x->mc, &rec->eid, rec->eid_mlen, now)) == NULL)
		return -1;
	mc_entry_set(x->mc, e, rec, SHORTCUT_SOURCE, now);
	mc_entry_set_source(e, SHORTCUT_SOURCE);
	e->is_static = 1;	/* never expires */
	mc_entry_wake(x->mc, e, now);
	return 0;
}

void
itr_shortcut_del(struct xtr *x, const struct lisp_addr *eid, int mlen)
{
	struct mc_entry *e = mapcache_exact(x->mc, eid, mlen);

	if (e != NULL && is_shortcut(e)) {
		itr_entry_del(e, x);
		mapcache_remove(x->mc, e);
	}
}

struct itr_clear {
	struct xtr	*x;
	struct mc_entry	*e[128];
	int		 n;
};

static void
clear_one(struct xtr *x, struct mc_entry *e)
{
	itr_unsubscribe(x, e, now_ms());
	itr_entry_del(e, x);
	mapcache_remove(x->mc, e);
}

static int
clear_cb(struct mc_entry *e, void *arg)
{
	struct itr_clear *c = arg;

	if (e->is_static)
		return 0;	/* configured: only a reload changes them */
	c->e[c->n++] = e;
	return c->n == (int)(sizeof(c->e) / sizeof(c->e[0]));
}

static int
clear_all_cb(struct mc_entry *e, void *arg)
{
	if (!e->is_static)
		clear_one(arg, e);
	return 0;
}

/* every entry (a NULL), those inside a/mlen, and for a full address the
 * entries that cover it as well: the subtree and the lengths above it,
 * not the whole map-cache */
int
itr_clear(struct xtr *x, const struct lisp_addr *a, int mlen)
{
	struct itr_clear c = { .x = x };
	struct mc_entry *e;
	size_t before = mapcache_count(x->mc);
	int i, len;

	if (a == NULL) {
		mapcache_foreach(x->mc, clear_all_cb, x);
		return (int)(before - mapcache_count(x->mc));
	}
	if (mlen == addr_bits(a))
		for (len = 0; len <= mlen; len++)
			if ((e = mapcache_exact(x->mc, a, len)) != NULL && !e->is_static)
				clear_one(x, e);
	/* the walk may not remove: batches, each walked again from the
	 * start (what was removed is gone from it) */
	do {
		c.n = 0;
		mapcache_walk_under(x->mc, a, mlen, clear_cb, &c);
		for (i = 0; i < c.n; i++)
			clear_one(x, c.e[i]);
	} while (c.n == (int)(sizeof(c.e) / sizeof(c.e[0])));
	return (int)(before - mapcache_count(x->mc));
}

/* -- the row --------------------------------------------------------------- */

static int
itr_wanted(const struct conf *c)
{
	return c->itr;
}

/* what the ITR function puts in the shared state: the source-EID policy
 * rules of the database and the config's static map-cache entries (the
 * PITR's as well when no itr row runs). the xtr row's reconf took the
 * rules away before reloading the database */
void
itr_setup(struct xtr *x)
{
	if (x->ndb > 0)
		xtr_rules_install(x);
	itr_static_load(x);
}

static void *
itr_row_new(struct locid *l)
{
	struct xtr *x = xtr_of(l);

	if (x != NULL)
		itr_setup(x);
	return l;
}

const struct role role_itr = {
	.name = "itr",
	.wanted = itr_wanted,
	.new = itr_row_new,
	.rx = {
		[RX_NOTIFY] = { xtr_rx_publication, 10 },
		XTR_RX_MAPCACHE(10),
	},
};
