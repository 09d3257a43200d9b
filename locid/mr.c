/* Map-Resolver: takes (Encapsulated) Map-Requests, resolves through the
 * co-located Map-Server or forwards to the Map-Server of the matching
 * ms-route, and answers negatively for space no EID-prefix covers */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "locid.h"
#include "lsec.h"
#include "msmr.h"
#include "trie.h"

#define RL_SLOTS	4096
/* records answered per Map-Request: each gets its own reply, so the
 * per-source rate limit (in messages) would otherwise amplify up to 255x */
#define MR_MAX_RECORDS	8

struct rl_slot {			/* per-source Map-Request counter */
	uint8_t		 addr[16];
	uint8_t		 af;
	uint64_t	 sec;
	uint32_t	 n;
};

#define MR_DROPS(X) \
	X(MR_DROP_RATE_LIMIT, "map-request: rate limit") \
	X(MR_DROP_REPLY_RATE_LIMIT, "map-reply: rate limit towards the itr-rloc") \
	X(MR_DROP_NO_ITR_RLOC, "map-request: no itr-rloc") \
	X(MR_DROP_TOO_MANY_RECORDS, "map-request: too many records") \
	X(MR_DROP_EID_NOT_RESOLVABLE, "map-request: eid not resolvable")
enum mr_drop { MR_DROPS(DROP_ENUM) MR_DROP__N };
static const char *const mr_drop_names[MR_DROP__N] = { MR_DROPS(DROP_NAME) };

struct mr {
	struct locid		*l;
	struct trie_set	*routes;
	struct rl_slot		*rl;		/* per source of requests */
	struct rl_slot		*rl_dst;	/* per ITR-RLOC answered */
	uint64_t		 drops[MR_DROP__N];
	struct ratelimit	 logrl;
};

/* -- helpers shared with ms.c ---------------------------------------- */

/* the ITR-RLOC an answer goes to: the first one we can send to */
static const struct lisp_addr *
reply_rloc(struct locid *l, const struct lisp_map_request *mreq)
{
	int i;

	for (i = 0; i < mreq->nitr; i++)
		if (core_can_send(l, &mreq->itr[i]))
			return &mreq->itr[i];
	return NULL;
}

int
msmr_reply_dst(struct locid *l, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, struct sockaddr_storage *dst)
{
	const struct lisp_addr	*to;
	struct lisp_addr	 a;
	uint16_t		 port;

	addr_from_sockaddr(&a, (const struct sockaddr *)&p->src, &port);
	if (ecm != NULL)
		port = ecm->sport;
	if ((to = reply_rloc(l, mreq)) == NULL) {
		core_drop(l, CORE_DROP_REQUEST_NO_USABLE_ITR_RLOC);
		return -1;
	}
	sockaddr_from_addr(dst, to, port);
	return 0;
}

int
msmr_send_negative(struct locid *l, const struct pkt *p,
    const struct lisp_ecm *ecm, const struct lisp_map_request *mreq,
    const struct lisp_addr *eid, int mlen, uint32_t ttl, int act)
{
	struct msmr_neg n = { *eid, mlen };

	return msmr_send_negatives(l, p, ecm, mreq, &n, 1, ttl, act);
}

int
msmr_send_negatives(struct locid *l, const struct pkt *p,
    const struct lisp_ecm *ecm, const struct lisp_map_request *mreq,
    const struct msmr_neg *negs, int n, uint32_t ttl, int act)
{
	struct sockaddr_storage	 dst;
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct lsec_req		 sr;
	struct ls_prefix	 pfx[LS_EID_MAX];
	uint8_t			 buf[MSMR_PKT_MAX];
	struct wbuf		 w;
	size_t			 hdr, len, adlen = 0;
	const char		*why;
	int			 i, nrec = 0, sec;

	if (n <= 0 || msmr_reply_dst(l, p, ecm, mreq, &dst) == -1)
		return -1;
	/* a protected request gets a signed answer (RFC 9303 §6.7.2) */
	if ((sec = lsec_req_open(l->conf, ecm, mreq->nonce, &sr, &why)) == -1) {
		msmr_lsec_refused(l, p, why);
		return -1;
	}
	memset(&rep, 0, sizeof(rep));
	rep.nonce = mreq->nonce;
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &rep);
	hdr = w.len;
	/* a signed answer carries each record's prefix in its EID-AD too */
	if (sec == 1)
		adlen = 4 + 8 + 4 + 2 * (size_t)ls_hmac_len(sr.hmac_id);
	for (i = 0; i < n; i++) {
		if (sec == 1 && nrec == LS_EID_MAX)
			break;
		len = w.len;
		memset(&rec, 0, sizeof(rec));
		rec.ttl = ttl;
		rec.nrlocs = 0;
		rec.eid_mlen = (uint8_t)negs[i].mlen;
		rec.act = (uint8_t)act;
		rec.auth = 1;
		rec.eid = negs[i].eid;
		record_encode(&w, &rec);
		if (sec == 1)
			adlen += 2 + addr_wire_len(&rec.eid);
		/* never larger than the request that asked (a record or
		 * more always fits: 28 octets answer the smallest request) */
		if (w.err || (nrec > 0 && w.len + adlen > p->len)) {
			w.len = len;
			w.err = 0;
			break;
		}
		if (sec == 1) {
			pfx[nrec].eid = rec.eid;
			pfx[nrec].mlen = rec.eid_mlen;
		}
		nrec++;
	}
	if (w.err || nrec == 0 || w.len == hdr) {
		core_drop(l, CORE_DROP_REPLY_ENCODE_FAILED);
		return -1;
	}
	buf[3] = (uint8_t)nrec;		/* Record Count, last octet of word 0 */
	len = w.len;
	if (sec == 1) {
		len = lsec_reply_sign(&sr, buf, len, sizeof(buf), pfx, nrec, 0);
		explicit_bzero(&sr, sizeof(sr));
		if (len == 0) {
			core_drop(l, CORE_DROP_REPLY_ENCODE_FAILED);
			return -1;
		}
	}
	return locid_send(l, (struct sockaddr *)&dst, buf, len);
}

void
msmr_lsec_refused(struct locid *l, const struct pkt *p, const char *why)
{
	core_drop(l, CORE_DROP_LISP_SEC_REQUEST_REFUSED);
	log_limited(core_logrl(l), "protected map-request from %s dropped: lisp-sec: %s",
	    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64), why);
}

int
msmr_forward(struct locid *l, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_eid_prefix *ep, const struct lisp_addr *to,
    uint32_t ecm_flags)
{
	struct sockaddr_storage	 dst;
	uint8_t			 buf[MSMR_PKT_MAX * 2];
	struct wbuf		 w;
	struct lisp_addr	 src, edst;
	uint16_t		 sport;

	/* to ourselves it would come back and go out again (issue 9: a
	 * site registering the MS's address as RLOC looped): only an ETR
	 * role here takes a forwarded request */
	if (core_addr_local(l, to) && !((ecm_flags & ECM_E) && l->conf->etr)) {
		core_drop(l, CORE_DROP_FORWARD_TO_OURSELVES);
		log_limited(core_logrl(l), "forward of a map-request to %s refused: "
		    "an address of this node", addr_fmt(to, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN));
		return -1;
	}
	sockaddr_from_addr(&dst, to, LISP_CONTROL_PORT);
	if (ecm != NULL) {
		/* the received ECM unchanged but for the outer flags */
		if (p->len > sizeof(buf))
			return -1;
		memcpy(buf, p->buf, p->len);
		put_u32(buf, (get_u32(buf) & ~ECM_D) | ecm_flags);
		return locid_send(l, (struct sockaddr *)&dst, buf, p->len);
	}
	/* a plain Map-Request: wrap it, inner source = its sender */
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, &sport);
	edst = ep->eid;
	edst.has_iid = 0;
	/* inner header of the EID's family; the source is not used */
	if (edst.afi != src.afi)
		addr_set_any(&src, edst.afi);
	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, ecm_flags, &src, &edst, sport, LISP_CONTROL_PORT, p->buf,
	    p->len);
	if (w.err) {
		core_drop(l, CORE_DROP_ECM_ENCODE_FAILED);
		return -1;
	}
	return locid_send(l, (struct sockaddr *)&dst, buf, w.len);
}

/* -- the Map-Resolver ------------------------------------------------ */

static struct trie_set *
route_table(struct mr *mr, uint32_t iid, int bits, int create)
{
	return trie_set_get(&mr->routes, iid, bits, create);
}

static void
routes_free(struct mr *mr)
{
	trie_set_free(&mr->routes, NULL);
}

static int
routes_load(struct mr *mr)
{
	struct conf_ms_route	*r;
	struct trie_set	*t;
	void			*old;
	int			 bits;

	TAILQ_FOREACH(r, &mr->l->conf->ms_routes, entry) {
		if ((bits = addr_bits(&r->eid)) == 0)
			continue;
		if ((t = route_table(mr, eid_iid(&r->eid), bits, 1)) == NULL)
			return -1;
		if (trie_insert(t->t, addr_bytes(&r->eid), r->mlen, r, &old) == -1)
			return -1;
	}
	return 0;
}

static void	mr_free(struct mr *);

static struct mr *
mr_new(struct locid *l)
{
	struct mr *mr;

	if ((mr = calloc(1, sizeof(*mr))) == NULL ||
	    (mr->rl = calloc(RL_SLOTS, sizeof(*mr->rl))) == NULL ||
	    (mr->rl_dst = calloc(RL_SLOTS, sizeof(*mr->rl_dst))) == NULL) {
		if (mr != NULL)
			free(mr->rl);
		free(mr);
		log_warn("mr: out of memory");
		return NULL;
	}
	mr->l = l;
	log_limiter_init(&mr->logrl, l->conf);
	if (routes_load(mr) == -1) {
		log_warn("mr: out of memory loading ms-routes");
		mr_free(mr);
		return NULL;
	}
	return mr;
}

static int
mr_reconf(struct mr *mr, char *err, size_t errlen)
{
	routes_free(mr);
	log_limiter_init(&mr->logrl, mr->l->conf);
	if (routes_load(mr) == -1) {
		snprintf(err, errlen, "out of memory loading the ms-routes");
		return -1;
	}
	return 0;
}

static void
mr_free(struct mr *mr)
{
	if (mr == NULL)
		return;
	routes_free(mr);
	free(mr->rl);
	free(mr->rl_dst);
	free(mr);
}

/* per-source limit: a fixed one-second window per hash slot */
/* one more event for address a in this second, within pps (0: no limit) */
static int
rl_take(struct rl_slot *tab, const struct lisp_addr *a, uint32_t pps)
{
	const uint8_t		*b;
	uint8_t			 af, len;
	uint32_t		 h = 2166136261u;
	uint64_t		 sec;
	struct rl_slot		*s;
	unsigned		 i;

	if (pps == 0 || tab == NULL || (b = addr_bytes(a)) == NULL)
		return 1;
	af = a->afi == AFI_IPV4 ? 4 : 6;
	len = af == 4 ? 4 : 16;
	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	s = &tab[h % RL_SLOTS];
	sec = now_ms() / 1000;
	if (s->af != af || memcmp(s->addr, b, len) != 0 || s->sec != sec) {
		s->af = af;
		memcpy(s->addr, b, len);
		s->sec = sec;
		s->n = 0;
	}
	return ++s->n <= pps;
}

/* the ITR-RLOC the answer goes to has budget (none: msmr_reply_dst
 * refuses and counts it) */
static int
reply_ok(struct mr *mr, const struct lisp_map_request *mreq)
{
	const struct lisp_addr *to = reply_rloc(mr->l, mreq);

	return to == NULL || rl_take(mr->rl_dst, to, mr->l->conf->ratelimit_pps);
}

static int
rate_ok(struct mr *mr, const struct pkt *p)
{
	struct lisp_addr a;

	addr_from_sockaddr(&a, (const struct sockaddr *)&p->src, NULL);
	return rl_take(mr->rl, &a, mr->l->conf->ratelimit_pps);
}

static int
neg_len(struct trie *t, const uint8_t *key)
{
	return t != NULL ? trie_negative(t, key) : 0;
}

static void
mr_request_in(struct mr *mr, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq)
{
	struct locid		*l = mr->l;
	struct rbuf		 recs = mreq->records;
	struct lisp_eid_prefix	 ep;
	struct trie_set	*rt;
	struct conf_ms_route	*route;
	struct msmr_neg		 neg[MR_MAX_RECORDS];
	const uint8_t		*key;
	uint32_t		 iid;
	int			 bits, mlen, a, b, forwarded = 0, nrec = 0, nneg = 0;
	char			 s[80];
	void			*rarg;
	const struct resolver	*res = core_resolver(l, &rarg);

	if (!rate_ok(mr, p)) {
		mr->drops[MR_DROP_RATE_LIMIT]++;
		if (log_limited_ok(&mr->logrl))
			log_warn("map-requests from %s over the rate limit",
			    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)));
		return;
	}
	if (mreq->nitr == 0) {
		mr->drops[MR_DROP_NO_ITR_RLOC]++;
		return;
	}
	while (mreq_record_next(&recs, &ep) == 1) {
		if (++nrec > MR_MAX_RECORDS) {
			mr->drops[MR_DROP_TOO_MANY_RECORDS]++;
			break;
		}
		if ((bits = addr_bits(&ep.eid)) == 0 ||
		    (key = addr_bytes(&ep.eid)) == NULL ||
		    ep.eid.afi == AFI_MAC || ep.eid.afi == AFI_MAC_IEEE) {
			mr->drops[MR_DROP_EID_NOT_RESOLVABLE]++;
			continue;
		}
		if (ep.mlen > bits)
			ep.mlen = (uint8_t)bits;
		if (res != NULL && res->resolve(rarg, p, ecm, mreq, &ep, &forwarded))
			continue;
		iid = eid_iid(&ep.eid);
		rt = route_table(mr, iid, bits, 0);
		route = rt != NULL ? trie_lookup_prefix(rt->t, key, ep.mlen, &mlen) : NULL;
		if (route != NULL) {
			/* one forward per message: the MS answers every record */
			if (!(forwarded & RESOLVED_FORWARDED))
				msmr_forward(l, p, ecm, &ep, &route->ms, 0);
			forwarded |= RESOLVED_FORWARDED;
			continue;
		}
		/* coarsest prefix around the EID with no known EID-prefix:
		 * the site prefixes of the MS and the ms-route prefixes */
		a = neg_len(res != NULL ? res->eid_space(rarg, iid, bits) : NULL, key);
		b = neg_len(rt != NULL ? rt->t : NULL, key);
		mlen = a > b ? a : b;
		if (mlen < 0)
			mlen = bits;
		neg[nneg].eid = ep.eid;
		addr_mask(&neg[nneg].eid, mlen);
		neg[nneg++].mlen = mlen;
	}
	if (nneg == 0)
		return;
	/* the negative records of a message go in one Map-Reply, no
	 * larger than the request; answers are limited per ITR-RLOC too:
	 * spoofed sources naming one victim must not each get a budget */
	if (!reply_ok(mr, mreq)) {
		mr->drops[MR_DROP_REPLY_RATE_LIMIT]++;
		if (log_limited_ok(&mr->logrl))
			log_warn("map-replies to %s over the rate limit",
			    addr_fmt(&mreq->itr[0], s, sizeof(s)));
		return;
	}
	msmr_send_negatives(l, p, ecm, mreq, neg, nneg,
	    l->conf->timers.negative_ttl, ACT_NATIVE_FORWARD);
}

/* -- the role ---------------------------------------------------------- */

static int
mr_rx_request(void *o, const struct msg_in *m)
{
	mr_request_in(o, m->pkt, m->ecm, m->mreq);
	return 1;
}

/* the Map-Resolver module also takes the Map-Requests of an MS-only
 * locid: resolution of registered EIDs is the resolver backend's */
static int
mr_wanted(const struct conf *c)
{
	return c->map_resolver || c->map_server;
}

static void *
mr_role_new(struct locid *l)
{
	return mr_new(l);
}

static int
mr_role_reconf(void *o, char *err, size_t errlen)
{
	return mr_reconf(o, err, errlen);
}

static void
mr_role_free(void *o)
{
	mr_free(o);
}

static void
mr_counters(void *o, struct counters *k)
{
	struct mr *mr = o;

	k->names = mr_drop_names;
	k->v = mr->drops;
	k->n = MR_DROP__N;
}

static void
mr_clear_stats(void *o)
{
	struct mr *mr = o;

	memset(mr->drops, 0, sizeof(mr->drops));
}

static struct ratelimit *
mr_logrl(void *o)
{
	return &((struct mr *)o)->logrl;
}

/* requests from ITRs first to the MR; plain requests and those a
 * Map-Server forwarded (E) only when no ETR here takes them */
const struct role role_mr = {
	.name = "map-resolver",
	.wanted = mr_wanted,
	.new = mr_role_new,
	.reconf = mr_role_reconf,
	.free = mr_role_free,
	.rx = {
		[RX_REQUEST] = { mr_rx_request, 20 },
		[RX_ECM_REQUEST] = { mr_rx_request, 10 },
	},
	.counters = mr_counters,
	.clear_stats = mr_clear_stats,
	.logrl = mr_logrl,
};
