/* the RTR role's control side (draft-ermagan-lisp-nat-traversal §5.3):
 * Map-Registers that xTRs behind a NAT send in an ECM (R) are relayed to
 * their Map-Server in a new ECM (N); the Map-Server's ECM'd Map-Notify
 * (R) comes back and goes on to the xTR as a Data-Map-Notify (LISP data
 * header with instance-id 0xFFFFFF) through the NAT's binding, from UDP
 * 4342 to the address and port the Map-Register came from.
 *
 * per xTR (by xTR-ID) the RTR keeps the NAT state: the global address
 * and port its Map-Register came from, its private address, the
 * EID-prefixes. what an ECM'd Map-Register says is only pending: the RTR
 * cannot check a site's key, so the state becomes verified (and replaces
 * what was verified before) when the Map-Server's Map-Notify with the
 * same nonce and xTR-ID comes back, and it lapses registration-ttl after
 * the last verified one. a spoofed Map-Register therefore changes nothing
 * a Map-Server did not accept. the relay goes only to configured
 * map-servers and is the size of what came in (plus the MS-RTR
 * authentication data); the table is bounded.
 *
 * MS-RTR authentication (§4.4, §6; ms-rtr-auth): a Map-Notify's AD is
 * checked with the key of the map-server line before its nonce; with
 * required a Map-Notify without one is refused and the relay carries S
 * and an AD of type 2 over the Map-Register. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "lcaf.h"
#include "lispsec.h"
#include "locid.h"
#include "msrtr.h"
#include "sockaddr.h"

#define RTR_XTRS_MAX	1024
#define RTR_EIDS_MAX	4	/* EID-prefixes shown per xTR */
#define RTR_PENDING_MS	10000	/* a relayed Map-Register waits this long */
#define RTR_PENDING_MAX	8	/* relayed Map-Registers awaiting per xTR */
#define RTR_PENDING_PER_SRC 2	/* of them from one address and port */
#define RTR_PKT_MAX	2048
#define DATA_MAP_NOTIFY_IID 0xFFFFFFu

#define RTR_DROPS(X) \
	X(RTR_DROP_REGISTER_WITHOUT_R, "rtr: ecm'd map-register without r bit") \
	X(RTR_DROP_REGISTER_UNKNOWN_MAP_SERVER, "rtr: map-register for an unknown map-server") \
	X(RTR_DROP_REGISTER_WITHOUT_XTR_ID, "rtr: map-register without xtr-id") \
	X(RTR_DROP_TOO_MANY_XTRS, "rtr: too many xtrs") \
	X(RTR_DROP_PENDING_PUSHED_OUT, "rtr: pending map-register pushed out") \
	X(RTR_DROP_RELAY_ENCODE_FAILED, "rtr: relay encode failed") \
	X(RTR_DROP_NOTIFY_NOT_FROM_MAP_SERVER, "rtr: map-notify not from a map-server") \
	X(RTR_DROP_NOTIFY_WITHOUT_XTR_ID, "rtr: map-notify without xtr-id") \
	X(RTR_DROP_NOTIFY_UNKNOWN_XTR, "rtr: map-notify for an unknown xtr") \
	X(RTR_DROP_NOTIFY_NONCE_MISMATCH, "rtr: map-notify nonce mismatch") \
	X(RTR_DROP_NOTIFY_WITHOUT_MSRTR_AUTH, "rtr: map-notify without ms-rtr auth data") \
	X(RTR_DROP_NOTIFY_MSRTR_AUTH_INVALID, "rtr: map-notify with invalid ms-rtr auth data") \
	X(RTR_DROP_NOTIFY_ENCODE_FAILED, "rtr: data-map-notify encode failed") \
	X(RTR_DROP_PROBE_RATE_LIMIT, "rtr: rloc-probe reply rate limit") \
	X(RTR_DROP_PROBE_NO_ITR_RLOC, "rtr: rloc-probe without usable itr-rloc")
enum rtr_drop { RTR_DROPS(DROP_ENUM) RTR_DROP__N };
static const char *const rtr_drop_names[RTR_DROP__N] = { RTR_DROPS(DROP_NAME) };

struct rtr;

struct rtr_xtr {
	struct rtr_xtr	*next;
	struct rtr	*r;
	struct locid_timer *timer;	/* the pending or the verified state ends */
	uint8_t		 xtr_id[XTR_ID_LEN];
	uint64_t	 site_id;
	/* verified by a Map-Notify */
	int		 verified;
	struct lisp_addr global, local, ms;
	uint16_t	 global_port;
	uint64_t	 expires_ms;
	int		 neids;
	struct lisp_addr eid[RTR_EIDS_MAX];
	uint8_t		 eid_mlen[RTR_EIDS_MAX];
	struct lisp_addr rtr;		/* our address its registers reach */
	uint64_t	 nonce;		/* of the last verified register */
	/* the last Map-Registers relayed, awaiting their Map-Notify (the
	 * oldest first; pend_slot says which goes for a new one) */
	int		 npend;
	struct rtr_pend {
		uint64_t	 nonce, until_ms;
		struct lisp_addr global, local, ms, rtr;
		uint16_t	 global_port;
		int		 neids;
		struct lisp_addr eid[RTR_EIDS_MAX];
		uint8_t		 eid_mlen[RTR_EIDS_MAX];
	}		 pend[RTR_PENDING_MAX];
	uint64_t	 registers, notifies;
};

struct rtr {
	struct locid	*l;
	struct rtr_xtr	*xtrs;
	int		 nxtrs;
	uint64_t	 relayed, notified, notified_auth, probe_replies, hints;
	struct ratelimit probe_rl;	/* RLOC-probe replies, in all */
	uint64_t	 drops[RTR_DROP__N];
	struct ratelimit logrl;
};

static const struct conf_map_server *
ms_known(struct rtr *r, const struct lisp_addr *a)
{
	const struct conf_map_server *m;

	TAILQ_FOREACH(m, &r->l->conf->map_servers, entry)
		if (addr_equal(&m->addr, a))
			return m;
	return NULL;
}

static struct rtr_xtr *
xtr_find(struct rtr *r, const uint8_t *id)
{
	struct rtr_xtr *x;

	for (x = r->xtrs; x != NULL; x = x->next)
		if (memcmp(x->xtr_id, id, XTR_ID_LEN) == 0)
			return x;
	return NULL;
}

/* the verified EID-prefixes of x into the data plane's FIB (add 1) or
 * out of it (add 0) */
static void
xtr_fib(struct rtr *r, struct rtr_xtr *x, int add)
{
	const struct natfib	*f;
	void			*arg;
	int			 i;

	if ((f = core_natfib(r->l, &arg)) == NULL || !x->verified)
		return;
	for (i = 0; i < x->neids; i++)
		if (add)
			f->publish(arg, &x->eid[i], x->eid_mlen[i], &x->global,
			    x->global_port);
		else
			f->withdraw(arg, &x->eid[i], x->eid_mlen[i]);
}

static void
xtr_free(struct rtr *r, struct rtr_xtr *x)
{
	struct rtr_xtr **pp;

	for (pp = &r->xtrs; *pp != NULL; pp = &(*pp)->next)
		if (*pp == x) {
			*pp = x->next;
			r->nxtrs--;
			break;
		}
	xtr_fib(r, x, 0);
	locid_timer_free(x->timer);
	free(x);
}

static void
xtr_arm(struct rtr_xtr *x)
{
	uint64_t at = UINT64_MAX;

	if (x->npend > 0)
		at = x->pend[0].until_ms;	/* the oldest ends first */
	if (x->verified && x->expires_ms < at)
		at = x->expires_ms;
	if (at == UINT64_MAX)
		locid_timer_stop(x->timer);
	else
		locid_timer_at(x->timer, at);
}

static void
xtr_timer(void *arg)
{
	struct rtr_xtr	*x = arg;
	uint64_t	 now = now_ms();
	char		 a[ADDR_STRLEN];

	/* relayed ones the Map-Server did not accept */
	while (x->npend > 0 && now >= x->pend[0].until_ms) {
		memmove(&x->pend[0], &x->pend[1], sizeof(x->pend[0]) * (size_t)(x->npend - 1));
		x->npend--;
	}
	if (x->verified && now >= x->expires_ms) {
		xtr_fib(x->r, x, 0);
		x->verified = 0;
		log_info("rtr: NAT state of %s:%u timed out",
		    addr_fmt(&x->global, a, sizeof(a)), x->global_port);
	}
	if (x->npend == 0 && !x->verified) {
		xtr_free(x->r, x);
		return;
	}
	xtr_arm(x);
}

/* a new entry; when the table is full, an unverified one makes room */
static struct rtr_xtr *
xtr_new(struct rtr *r, const uint8_t *id)
{
	struct rtr_xtr *x, *old = NULL;

	if (r->nxtrs >= RTR_XTRS_MAX) {
		for (x = r->xtrs; x != NULL; x = x->next)
			if (!x->verified)
				old = x;
		if (old == NULL)
			return NULL;
		xtr_free(r, old);
	}
	if ((x = calloc(1, sizeof(*x))) == NULL)
		return NULL;
	if ((x->timer = locid_timer_new(r->l, xtr_timer, x)) == NULL) {
		free(x);
		return NULL;
	}
	x->r = r;
	memcpy(x->xtr_id, id, XTR_ID_LEN);
	x->next = r->xtrs;
	r->xtrs = x;
	r->nxtrs++;
	return x;
}

static int
pend_from(const struct rtr_pend *pd, const struct lisp_addr *g, uint16_t port)
{
	return pd->global_port == port && addr_equal(&pd->global, g);
}

/* how much a pending register looks like the verified xTR's own: 2 from
 * the verified binding (its periodic registers), 1 from another binding
 * but the verified private address (the NAT made a new binding; an
 * off-path spoofer does not see the private address), 0 otherwise */
static int
pend_kin(const struct rtr_xtr *x, const struct rtr_pend *pd)
{
	if (!x->verified)
		return 0;
	if (pend_from(pd, &x->global, x->global_port))
		return 2;
	return addr_equal(&pd->local, &x->local);
}

/* a slot for a Map-Register from g:port, fair to every source, for
 * anyone may send one with any xTR-ID and only the Map-Server's answer
 * tells: a source holds at most RTR_PENDING_PER_SRC (its oldest goes for
 * its new one); in a full list the source holding the most loses its
 * oldest, looked for first among the registers least like the verified
 * xTR's (pend_kin): the verified binding loses nothing to another
 * source, and a register from a new binding with the verified private
 * address nothing to ones without it. registers spoofed from one
 * address, however many, cannot push out a genuine one awaiting its
 * Map-Notify, nor spoofs from any number of addresses the register of a
 * verified xTR from its binding or its private address. (a first
 * registration has nothing to be like: spoofs from 8 addresses and more
 * can push it out, until the xTR's next register.) *pushed: 1 when one
 * waiting was dropped */
static struct rtr_pend *
pend_slot(struct rtr_xtr *x, const struct lisp_addr *g, uint16_t port,
    int *pushed)
{
	struct rtr_pend	*pd;
	int		 i, j, n, k, victim = -1, most = 0, mine = 0;

	for (i = 0; i < x->npend; i++)
		if (pend_from(&x->pend[i], g, port) && mine++ == 0)
			victim = i;
	if (mine < RTR_PENDING_PER_SRC) {
		victim = -1;
		for (k = 0; x->npend == RTR_PENDING_MAX && victim < 0 && k <= 2; k++)
			for (i = 0; i < x->npend; i++) {
				if (pend_kin(x, &x->pend[i]) != k)
					continue;
				for (j = 0, n = 0; j < x->npend; j++)
					n += pend_from(&x->pend[j], &x->pend[i].global,
					    x->pend[i].global_port);
				if (n > most) {		/* the first: its oldest */
					most = n;
					victim = i;
				}
			}
	}
	*pushed = victim >= 0;
	if (victim >= 0) {
		memmove(&x->pend[victim], &x->pend[victim + 1],
		    sizeof(x->pend[0]) * (size_t)(x->npend - victim - 1));
		x->npend--;
	}
	pd = &x->pend[x->npend++];
	memset(pd, 0, sizeof(*pd));
	return pd;
}

static void
refuse(struct rtr *r, const struct pkt *p, enum rtr_drop d)
{
	char s[80];

	r->drops[d]++;
	if (log_limited_ok(&r->logrl))
		log_warn("%s from %s dropped", rtr_drop_names[d] + strlen("rtr: "),
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)));
}

/* an xTR behind a NAT registers through us */
static int
rtr_register_in(struct rtr *r, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_register *reg)
{
	const struct conf_map_server *ms;
	struct rtr_xtr		*x;
	struct rtr_pend		*pd;
	struct rbuf		 recs = reg->records;
	struct lisp_record	 rec;
	struct sockaddr_storage	 ss;
	uint8_t			 buf[RTR_PKT_MAX];
	struct wbuf		 w;
	size_t			 len;
	struct lisp_addr	 g;
	uint16_t		 gport;
	int			 pushed;

	if (ecm->flags & ECM_N)
		return 0;		/* relayed: for a Map-Server */
	if (!(ecm->flags & ECM_R)) {
		refuse(r, p, RTR_DROP_REGISTER_WITHOUT_R);
		return 1;
	}
	if ((ms = ms_known(r, &ecm->dst)) == NULL) {
		refuse(r, p, RTR_DROP_REGISTER_UNKNOWN_MAP_SERVER);
		return 1;
	}
	if (!reg->has_ids) {
		refuse(r, p, RTR_DROP_REGISTER_WITHOUT_XTR_ID);
		return 1;
	}
	if ((x = xtr_find(r, reg->xtr_id)) == NULL &&
	    (x = xtr_new(r, reg->xtr_id)) == NULL) {
		refuse(r, p, RTR_DROP_TOO_MANY_XTRS);
		return 1;
	}
	x->site_id = reg->site_id;
	addr_from_sockaddr(&g, (const struct sockaddr *)&p->src, &gport);
	pd = pend_slot(x, &g, gport, &pushed);
	if (pushed)
		r->drops[RTR_DROP_PENDING_PUSHED_OUT]++;
	pd->nonce = reg->nonce;
	pd->until_ms = now_ms() + RTR_PENDING_MS;
	pd->global = g;
	pd->global_port = gport;
	addr_from_sockaddr(&pd->rtr, (const struct sockaddr *)&p->dst, NULL);
	pd->local = ecm->src;
	pd->ms = ecm->dst;
	while (record_next(&recs, &rec) == 1 && pd->neids < RTR_EIDS_MAX) {
		pd->eid[pd->neids] = rec.eid;
		pd->eid_mlen[pd->neids++] = rec.eid_mlen;
	}
	x->registers++;
	xtr_arm(x);

	/* the same inner packet in a new ECM, N set, to the Map-Server;
	 * with ms-rtr-auth required signed with the key of our map-server
	 * line (S and MS-RTR authentication data over the Map-Register):
	 * the draft leaves the relay unsigned, and a Map-Server that does
	 * not know this may take an S bit for LISP-SEC, so only when asked */
	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, ECM_N, &ecm->src, &ecm->dst, ecm->sport, ecm->dport,
	    reg->msg.p, reg->msg.len);
	len = w.len;
	if (!w.err && r->l->conf->ms_rtr_auth == MSRTR_AUTH_REQUIRED &&
	    (len = msrtr_ecm_sign(buf, w.len, sizeof(buf), ms->key.key_id, ms->key.alg,
	    ms->key.secret, strlen(ms->key.secret), reg->msg.p, reg->msg.len)) == 0)
		w.err = 1;
	if (w.err) {
		refuse(r, p, RTR_DROP_RELAY_ENCODE_FAILED);
		return 1;
	}
	sockaddr_from_addr(&ss, &ecm->dst, LISP_CONTROL_PORT);
	if (locid_send(r->l, (struct sockaddr *)&ss, buf, len) == 0)
		r->relayed++;
	return 1;
}

/* the same-NAT short-cut (nat-shortcut): to xTR `to`, the EID-prefixes
 * of xTR `of`, which sits behind the same NAT (the same global address),
 * at its private address first and at us second (a fallback the xTR's
 * RLOC-probes choose when the private address does not answer). a
 * Map-Reply whose nonce is that of to's last verified Map-Register (what
 * it takes it by: only it, we and the Map-Server saw it), in the frame
 * of a Data-Map-Notify (LISP data header with instance-id 0xFFFFFF, an
 * inner IP and UDP header to its private address) from 4342 to its
 * binding. both were verified by the Map-Server's Map-Notify */
static void
shortcut_send(struct rtr *r, const struct rtr_xtr *to, const struct rtr_xtr *of)
{
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	struct lisp_data_hdr	 h;
	struct sockaddr_storage	 ss;
	uint8_t			 m[512], e[640], buf[700];
	struct wbuf		 w;
	uint32_t		 ttl = r->l->conf->timers.registration_ttl / 60;
	size_t			 mlen, elen;
	int			 i, j;

	memset(&rep, 0, sizeof(rep));
	rep.nonce = to->nonce;
	rep.nrecords = (uint8_t)of->neids;
	wbuf_init(&w, m, sizeof(m));
	map_reply_encode_hdr(&w, &rep);
	for (i = 0; i < of->neids; i++) {
		memset(&rec, 0, sizeof(rec));
		rec.ttl = ttl > 0 ? ttl : 1;
		rec.nrlocs = 2;
		rec.eid_mlen = of->eid_mlen[i];
		rec.act = ACT_NO_ACTION;
		rec.eid = of->eid[i];
		record_encode(&w, &rec);
		for (j = 0; j < 2; j++) {
			memset(&loc, 0, sizeof(loc));
			loc.priority = (uint8_t)(j + 1);
			loc.weight = 100;
			loc.mpriority = 255;
			loc.flags = RLOC_R;
			loc.addr = j == 0 ? of->local : to->rtr;
			rloc_encode(&w, &loc);
		}
	}
	if (w.err)
		return;
	mlen = w.len;
	/* the inner IP and UDP headers as an ECM would carry them, less
	 * the ECM's own 4-octet header */
	wbuf_init(&w, e, sizeof(e));
	ecm_encode(&w, 0, &to->rtr, &to->local, LISP_CONTROL_PORT,
	    LISP_CONTROL_PORT, m, mlen);
	if (w.err || w.len < 4)
		return;
	elen = w.len;
	memset(&h, 0, sizeof(h));
	h.flags = LD_I;
	h.iid = DATA_MAP_NOTIFY_IID;
	wbuf_init(&w, buf, sizeof(buf));
	data_hdr_encode(&w, &h);
	wbuf_bytes(&w, e + 4, elen - 4);
	if (w.err)
		return;
	sockaddr_from_addr(&ss, &to->global, to->global_port);
	if (locid_send(r->l, (struct sockaddr *)&ss, buf, w.len) == 0)
		r->hints++;
}

/* x was just verified: it and each other verified xTR behind the same
 * NAT learn each other's EID-prefixes (at most RTR_SHORTCUT_PEERS) */
#define RTR_SHORTCUT_PEERS 8
static void
shortcut_hints(struct rtr *r, const struct rtr_xtr *x)
{
	const struct rtr_xtr	*y;
	int			 n = 0;

	for (y = r->xtrs; y != NULL && n < RTR_SHORTCUT_PEERS; y = y->next) {
		if (y == x || !y->verified || y->global.afi != x->global.afi ||
		    !addr_equal(&y->global, &x->global) ||
		    addr_equal(&y->local, &x->local))
			continue;
		shortcut_send(r, x, y);
		shortcut_send(r, y, x);
		n++;
	}
}

static int
rtr_notify_in(struct rtr *r, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_register *n)
{
	const struct conf_map_server *ms;
	struct rtr_xtr		*x;
	struct rtr_pend		*pd = NULL;
	struct lisp_addr	 src;
	struct msrtr_ad		 ad;
	const char		*why;
	int			 authed = 0;
	struct lisp_data_hdr	 h;
	struct sockaddr_storage	 ss;
	uint8_t			 buf[RTR_PKT_MAX];
	struct wbuf		 w;
	char			 a[ADDR_STRLEN], b[ADDR_STRLEN];
	int			 was, moved, i;

	/* the Map-Server as the inner source: its packets may leave from
	 * another of its addresses than the one we relayed to */
	src = ecm->src;
	if ((ms = ms_known(r, &src)) == NULL) {
		refuse(r, p, RTR_DROP_NOTIFY_NOT_FROM_MAP_SERVER);
		return 1;
	}
	/* the MS-RTR authentication data (NAT draft §5.3): checked when
	 * present, required with ms-rtr-auth required; without it only the
	 * nonce below vouches for the Map-Notify */
	if (r->l->conf->ms_rtr_auth != MSRTR_AUTH_OFF) {
		if ((ecm->flags & ECM_S) && ecm->sec.len > 0) {
			if (msrtr_ad_decode(&ecm->sec, &ad, &why) == -1 ||
			    msrtr_ad_verify(&ad, ms->key.key_id, ms->key.alg,
			    ms->key.secret, strlen(ms->key.secret), ecm->inner.p,
			    ecm->inner.len) != 1) {
				refuse(r, p, RTR_DROP_NOTIFY_MSRTR_AUTH_INVALID);
				return 1;
			}
			authed = 1;
		} else if (r->l->conf->ms_rtr_auth == MSRTR_AUTH_REQUIRED) {
			refuse(r, p, RTR_DROP_NOTIFY_WITHOUT_MSRTR_AUTH);
			return 1;
		}
	}
	if (!n->has_ids) {
		refuse(r, p, RTR_DROP_NOTIFY_WITHOUT_XTR_ID);
		return 1;
	}
	if ((x = xtr_find(r, n->xtr_id)) == NULL) {
		refuse(r, p, RTR_DROP_NOTIFY_UNKNOWN_XTR);
		return 1;
	}
	for (i = 0; i < x->npend && pd == NULL; i++)
		if (x->pend[i].nonce == n->nonce && addr_equal(&src, &x->pend[i].ms))
			pd = &x->pend[i];
	if (pd == NULL) {
		refuse(r, p, RTR_DROP_NOTIFY_NONCE_MISMATCH);
		return 1;
	}
	was = x->verified;
	moved = was && (!addr_equal(&x->global, &pd->global) ||
	    x->global_port != pd->global_port);
	xtr_fib(r, x, 0);	/* prefixes it no longer registers go */
	x->verified = 1;
	x->global = pd->global;
	x->global_port = pd->global_port;
	x->local = pd->local;
	x->ms = pd->ms;
	x->rtr = pd->rtr;
	x->nonce = n->nonce;
	x->neids = pd->neids;
	memcpy(x->eid, pd->eid, sizeof(x->eid));
	memcpy(x->eid_mlen, pd->eid_mlen, sizeof(x->eid_mlen));
	/* it and the ones relayed before it are answered */
	i = (int)(pd - x->pend) + 1;
	memmove(&x->pend[0], &x->pend[i], sizeof(x->pend[0]) * (size_t)(x->npend - i));
	x->npend -= i;
	x->expires_ms = now_ms() + (uint64_t)r->l->conf->timers.registration_ttl * 1000;
	x->notifies++;
	if (authed)
		r->notified_auth++;
	xtr_fib(r, x, 1);
	xtr_arm(x);
	if (!was || moved) {
		log_info("rtr: xtr %s behind NAT at %s:%u%s",
		    addr_fmt(&x->local, a, sizeof(a)),
		    addr_fmt(&x->global, b, sizeof(b)), x->global_port,
		    moved ? " (moved)" : "");
		if (core_monitoring(r->l))
			core_event(r->l, "rtr", json_pack("{s:s,s:s,s:i,s:b}",
			    "private", a, "global", b, "global_port", x->global_port,
			    "moved", moved));
	}

	/* Data-Map-Notify: LISP data header, IID 0xFFFFFF, then the inner
	 * IP packet of the ECM (to the xTR's private address) */
	memset(&h, 0, sizeof(h));
	h.flags = LD_I;
	h.iid = DATA_MAP_NOTIFY_IID;
	wbuf_init(&w, buf, sizeof(buf));
	data_hdr_encode(&w, &h);
	wbuf_bytes(&w, ecm->ip.p, ecm->ip.len);
	if (w.err) {
		refuse(r, p, RTR_DROP_NOTIFY_ENCODE_FAILED);
		return 1;
	}
	sockaddr_from_addr(&ss, &x->global, x->global_port);
	if (locid_send(r->l, (struct sockaddr *)&ss, buf, w.len) == 0)
		r->notified++;
	if (r->l->conf->nat_shortcut)
		shortcut_hints(r, x);
	return 1;
}

/* ITRs that reach an xTR behind NAT through us probe our RLOC for its
 * EID-prefix: we answer for the prefixes we hold verified state of, with
 * the probed address as the locator (an RTR is the ETR they see) */
#define RTR_PROBE_PPS	200
static int
rtr_probe_in(struct rtr *r, const struct pkt *p, const struct lisp_map_request *q)
{
	const struct rtr_xtr	*x, *match[8];
	int			 midx[8], n = 0, i;
	struct rbuf		 recs = q->records;
	struct lisp_eid_prefix	 ep;
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	struct lisp_addr	 local, srca;
	const struct lisp_addr	*to = NULL;
	struct sockaddr_storage	 ss;
	uint8_t			 buf[1024];
	struct wbuf		 w;
	uint16_t		 port;

	while (mreq_record_next(&recs, &ep) == 1 && n < 8)
		for (x = r->xtrs; x != NULL && n < 8; x = x->next)
			for (i = 0; x->verified && i < x->neids && n < 8; i++)
				if (x->eid_mlen[i] <= ep.mlen &&
				    addr_prefix_covers(&x->eid[i], x->eid_mlen[i], &ep.eid)) {
					match[n] = x;
					midx[n++] = i;
				}
	if (n == 0)
		return 0;		/* not one of ours */
	/* from an xTR behind a NAT we serve (the same-NAT short-cut's
	 * fallback): its ITR-RLOC is private, the answer goes back through
	 * the NAT's binding the probe came by */
	addr_from_sockaddr(&srca, (const struct sockaddr *)&p->src, NULL);
	for (x = r->xtrs; x != NULL && to == NULL; x = x->next)
		if (x->verified && addr_equal(&x->global, &srca))
			to = &srca;
	for (i = 0; i < q->nitr && to == NULL; i++)
		if ((q->itr[i].afi == AFI_IPV4 || q->itr[i].afi == AFI_IPV6) &&
		    !q->itr[i].has_iid && core_can_send(r->l, &q->itr[i]))
			to = &q->itr[i];
	if (to == NULL) {
		refuse(r, p, RTR_DROP_PROBE_NO_ITR_RLOC);
		return 1;
	}
	if (!ratelimit_allow(&r->probe_rl, now_ms())) {
		r->drops[RTR_DROP_PROBE_RATE_LIMIT]++;
		return 1;
	}
	addr_from_sockaddr(&local, (const struct sockaddr *)&p->dst, NULL);
	addr_from_sockaddr(&rec.eid, (const struct sockaddr *)&p->src, &port);
	memset(&rep, 0, sizeof(rep));
	rep.flags = MREP_P;
	rep.nonce = q->nonce;
	rep.nrecords = (uint8_t)n;
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &rep);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		rec.ttl = r->l->conf->timers.map_cache_ttl;
		rec.nrlocs = 1;
		rec.eid_mlen = match[i]->eid_mlen[midx[i]];
		rec.act = ACT_NO_ACTION;
		rec.auth = 1;
		rec.eid = match[i]->eid[midx[i]];
		record_encode(&w, &rec);
		memset(&loc, 0, sizeof(loc));
		loc.priority = 1;
		loc.weight = 100;
		loc.mpriority = 255;
		loc.flags = RLOC_L | RLOC_R | RLOC_p;
		loc.addr = local;
		rloc_encode(&w, &loc);
	}
	if (w.err)
		return 1;
	sockaddr_from_addr(&ss, to, port);
	if (locid_send(r->l, (struct sockaddr *)&ss, buf, w.len) == 0)
		r->probe_replies++;
	return 1;
}

/* -- show nat ---------------------------------------------------------- */

static json_t *
xtr_json(const struct rtr_xtr *x, uint64_t now)
{
	json_t	*o = json_object(), *eids = json_array();
	char	 a[ADDR_STRLEN], id[XTR_ID_LEN * 2 + 3];
	int	 i;

	snprintf(id, sizeof(id), "0x");
	for (i = 0; i < XTR_ID_LEN; i++)
		snprintf(id + 2 + i * 2, 3, "%02x", x->xtr_id[i]);
	json_object_set_new(o, "xtr_id", json_string(id));
	json_object_set_new(o, "site_id", json_integer((json_int_t)x->site_id));
	json_object_set_new(o, "state", json_string(x->verified ? "verified" :
	    "pending"));
	for (i = 0; x->verified && i < x->neids; i++)
		json_array_append_new(eids, json_string(prefix_fmt(&x->eid[i],
		    x->eid_mlen[i], a, sizeof(a))));
	json_object_set_new(o, "eid_prefixes", eids);
	json_object_set_new(o, "global", x->verified ?
	    json_string(addr_fmt(&x->global, a, sizeof(a))) : json_null());
	json_object_set_new(o, "global_port", x->verified ?
	    json_integer(x->global_port) : json_null());
	json_object_set_new(o, "private", x->verified ?
	    json_string(addr_fmt(&x->local, a, sizeof(a))) : json_null());
	json_object_set_new(o, "map_server", x->verified ?
	    json_string(addr_fmt(&x->ms, a, sizeof(a))) : json_null());
	json_object_set_new(o, "expires_in", x->verified ?
	    json_integer((json_int_t)((x->expires_ms - now) / 1000)) : json_null());
	json_object_set_new(o, "registers", json_integer((json_int_t)x->registers));
	json_object_set_new(o, "notifies", json_integer((json_int_t)x->notifies));
	return o;
}

static json_t *
rtr_show_nat(void *o, json_t *args, char *err, size_t errlen)
{
	struct rtr		*r = o;
	const struct rtr_xtr	*x;
	json_t			*res = json_object(), *xs = json_array();
	uint64_t		 now = now_ms();

	for (x = r->xtrs; x != NULL; x = x->next)
		json_array_append_new(xs, xtr_json(x, now));
	json_object_set_new(res, "rtr", json_true());
	json_object_set_new(res, "xtrs", xs);
	return res;
}

/* -- role row ---------------------------------------------------------- */

static int
rtr_wanted(const struct conf *c)
{
	return c->rtr;
}

static void *
rtr_new(struct locid *l)
{
	struct rtr *r;

	if ((r = calloc(1, sizeof(*r))) == NULL) {
		log_warn("rtr: out of memory");
		return NULL;
	}
	r->l = l;
	log_limiter_init(&r->logrl, l->conf);
	r->probe_rl.window_ms = 1000;
	r->probe_rl.burst = RTR_PROBE_PPS;
	log_info("rtr: relaying ECM'd map-registers");
	return r;
}

static int
rtr_reconf(void *o, char *err, size_t errlen)
{
	struct rtr *r = o;

	log_limiter_init(&r->logrl, r->l->conf);
	return 0;
}

static void
rtr_free(void *o)
{
	struct rtr *r = o;

	if (r == NULL)
		return;
	while (r->xtrs != NULL)
		xtr_free(r, r->xtrs);
	free(r);
}

static int
rtr_rx_ecm_register(void *o, const struct msg_in *m)
{
	return rtr_register_in(o, m->pkt, m->ecm, m->reg);
}

static int
rtr_rx_probe(void *o, const struct msg_in *m)
{
	return rtr_probe_in(o, m->pkt, m->mreq);
}

static int
rtr_rx_ecm_notify(void *o, const struct msg_in *m)
{
	return rtr_notify_in(o, m->pkt, m->ecm, m->reg);
}

static void
rtr_counters(void *o, struct counters *k)
{
	struct rtr *r = o;

	k->names = rtr_drop_names;
	k->v = r->drops;
	k->n = RTR_DROP__N;
}

static json_t *
rtr_stats(void *o)
{
	struct rtr *r = o;

	return json_pack("{s:I,s:I,s:I,s:I,s:I,s:I}", "registers_relayed", (json_int_t)r->relayed,
	    "notifies_relayed", (json_int_t)r->notified,
	    "notifies_authenticated", (json_int_t)r->notified_auth,
	    "probe_replies", (json_int_t)r->probe_replies,
	    "shortcut_hints", (json_int_t)r->hints,
	    "xtrs", (json_int_t)r->nxtrs);
}

static void
rtr_clear_stats(void *o)
{
	struct rtr *r = o;

	memset(r->drops, 0, sizeof(r->drops));
	r->relayed = r->notified = r->notified_auth = r->probe_replies = r->hints = 0;
}

static struct ratelimit *
rtr_logrl(void *o)
{
	return &((struct rtr *)o)->logrl;
}

static const struct ctl_cmd rtr_cmds[] = {
	{ .name = "show nat", .fn = rtr_show_nat },
	{ .name = NULL },
};

const struct role role_rtr = {
	.name = "rtr",
	.wanted = rtr_wanted,
	.new = rtr_new,
	.reconf = rtr_reconf,
	.free = rtr_free,
	.rx = {
		[RX_ECM_REGISTER] = { rtr_rx_ecm_register, 5 },
		[RX_ECM_NOTIFY] = { rtr_rx_ecm_notify, 5 },
		[RX_PROBE] = { rtr_rx_probe, 5 },
	},
	.cmds = rtr_cmds,
	.counters = rtr_counters,
	.stats = rtr_stats,
	.clear_stats = rtr_clear_stats,
	.logrl = rtr_logrl,
};
