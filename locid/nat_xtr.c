/* NAT detection on the xTR (draft-ermagan-lisp-nat-traversal §5.1): one
 * link per (uplink, Map-Server of its family). a link sends an
 * Info-Request from the uplink's address, signed with the Map-Server's
 * key and carrying the first database-mapping's EID-prefix (the form the
 * draft and OOR use); the Info-Reply, signed back, tells the address and
 * port the Map-Server saw. when they are not the uplink's own address and
 * control port, the uplink is behind a NAT. unanswered requests are sent
 * again after 1, 2 and 4 s; then every info-request-interval, which also
 * keeps the NAT's binding alive, and at once when the uplink's address
 * changes. a changed global address or port (the NAT lost the binding and
 * made another) is logged and counted. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "nat.h"
#include "sockaddr.h"
#include "xtr.h"

#define NATX_LINKS	16
#define NATX_SHORTCUTS	16	/* same-NAT short-cut entries */
#define NATX_SHORTCUT_TTL_MAX 60	/* minutes */
#define NATX_RETX_MS	1000
#define NATX_RETRIES	3

enum natx_state { NS_PROBING, NS_NO_ANSWER, NS_NO_NAT, NS_NAT };
static const char *const natx_state_name[] = {
	"probing", "no-answer", "no-nat", "behind-nat",
};

struct natx_link {
	struct lisp_addr local;		/* the uplink */
	struct lisp_addr ms;		/* Map-Server asked */
	uint64_t	 nonce;		/* of the request awaiting a reply */
	int		 tries;		/* sent for this nonce so far */
	uint64_t	 next_ms;
	enum natx_state	 state;
	struct lisp_addr global;	/* as the Map-Server saw it */
	uint16_t	 global_port, local_port;
	int		 nrtr;
	struct lisp_addr rtr[NAT_RTR_MAX];
	uint64_t	 requests, replies, binding_changes;
	uint64_t	 last_reply_s;	/* wall clock, 0: never */
	int		 seen;		/* natx_conf mark */
};

struct natx {
	struct xtr	*x;
	uint8_t		 xtr_id[XTR_ID_LEN];
	int		 defaults;	/* default entries to the RTRs installed */
	struct natx_link link[NATX_LINKS];
	int		 nlinks;
	/* the short-cut entries installed, until they lapse (a new hint,
	 * sent with each registration through the RTR, extends them) */
	struct natx_sc {
		struct lisp_addr eid;
		int		 mlen;
		uint64_t	 until_ms;
	}		 sc[NATX_SHORTCUTS];
	int		 nsc;
	uint64_t	 shortcuts;	/* hints taken */
};

static void	reregister(struct natx *, const struct lisp_addr *);

/* a FIB entry of our own: no map-cache entry behind it (ctl NULL), so no
 * Map-Request, refresh or probe. what the map-cache had inside the prefix
 * goes first, so that it cannot publish over it later */
static int
fib_static(struct xtr *x, const struct lisp_addr *eid, int mlen,
    const struct lisp_addr *locs, int n, uint16_t port)
{
	struct fib_ent	*fe;
	struct fib_loc	 fl[FIB_MAX_LOCS];
	struct lisp_addr e = *eid;
	int		 i, k = 0;

	if (n > FIB_MAX_LOCS)
		n = FIB_MAX_LOCS;
	addr_mask(&e, mlen);
	itr_clear(x, &e, mlen);
	memset(fl, 0, sizeof(fl));
	for (i = 0; i < n; i++) {
		const uint8_t *b = addr_bytes(&locs[i]);

		if (b == NULL || (locs[i].afi != AFI_IPV4 && locs[i].afi != AFI_IPV6))
			continue;
		fl[k].fam = locs[i].afi == AFI_IPV6 ? FIB_V6 : FIB_V4;
		memcpy(fl[k].a, b, locs[i].afi == AFI_IPV6 ? 16 : 4);
		fl[k].priority = 1;
		fl[k].weight = 100;
		fl[k].up = 1;
		fl[k].port = port;
		k++;
	}
	if ((fe = fib_ent_new(x->fib, k, fl)) == NULL)
		return -1;
	fe->kind = FIB_ENCAP;
	return fib_publish(x->fib, &e, mlen, fe, 0);
}

static void
fib_static_del(struct xtr *x, const struct lisp_addr *eid, int mlen)
{
	struct lisp_addr e = *eid;
	struct fib_ent	*fe;

	addr_mask(&e, mlen);
	if ((fe = fib_exact(x->fib, &e, mlen)) != NULL && fe->ctl == NULL)
		fib_withdraw(x->fib, &e, mlen);
}

/* the RTR's side: the xTRs behind NAT rtr.c verified */
static int
natfib_publish(void *arg, const struct lisp_addr *eid, int mlen,
    const struct lisp_addr *global, uint16_t port)
{
	return fib_static(arg, eid, mlen, global, 1, port);
}

static void
natfib_withdraw(void *arg, const struct lisp_addr *eid, int mlen)
{
	fib_static_del(arg, eid, mlen);
}

static const struct natfib xtr_natfib = { natfib_publish, natfib_withdraw };

/* behind a NAT everything goes to the RTRs (draft §5.1.3): a default
 * entry per inner family, while some uplink is behind a NAT */
static void
default_via_rtrs(struct natx *n)
{
	struct lisp_addr	 d4, d6, rtr[NAT_RTR_MAX];
	int			 i, j, nr = 0;

	for (i = 0; i < n->nlinks && nr == 0; i++)
		if (n->link[i].state == NS_NAT)
			for (j = 0; j < n->link[i].nrtr; j++)
				rtr[nr++] = n->link[i].rtr[j];
	addr_set_any(&d4, AFI_IPV4);
	addr_set_any(&d6, AFI_IPV6);
	if (nr > 0) {
		fib_static(n->x, &d4, 0, rtr, nr, 0);
		fib_static(n->x, &d6, 0, rtr, nr, 0);
	} else if (n->defaults) {
		fib_static_del(n->x, &d4, 0);
		fib_static_del(n->x, &d6, 0);
	}
	n->defaults = nr > 0;
}

static const struct xtr_ms *
link_ms(const struct natx *n, const struct natx_link *k)
{
	int i;

	for (i = 0; i < n->x->nms; i++)
		if (addr_equal(&n->x->ms[i].addr, &k->ms))
			return &n->x->ms[i];
	return NULL;
}

static struct natx_link *
link_find(struct natx *n, const struct lisp_addr *local, const struct lisp_addr *ms)
{
	int i;

	for (i = 0; i < n->nlinks; i++)
		if (addr_equal(&n->link[i].local, local) &&
		    addr_equal(&n->link[i].ms, ms))
			return &n->link[i];
	return NULL;
}

static void
link_add(struct natx *n, const struct lisp_addr *local, const struct lisp_addr *ms)
{
	struct natx_link *k;

	if ((k = link_find(n, local, ms)) != NULL) {
		k->seen = 1;
		return;
	}
	if (n->nlinks == NATX_LINKS)
		return;
	k = &n->link[n->nlinks++];
	memset(k, 0, sizeof(*k));
	k->local = *local;
	k->ms = *ms;
	k->state = NS_PROBING;
	k->next_ms = now_ms();
	addr_set_none(&k->global);
	k->seen = 1;
	{
		char a[ADDR_STRLEN], b[ADDR_STRLEN];

		log_info("nat: uplink %s: detecting with map-server %s",
		    addr_fmt(local, a, sizeof(a)), addr_fmt(ms, b, sizeof(b)));
	}
}

void
natx_conf(struct natx *n)
{
	struct xtr	*x;
	int		 i, j, m, w;

	if (n == NULL)
		return;
	x = n->x;
	for (i = 0; i < n->nlinks; i++)
		n->link[i].seen = 0;
	if (x->l->conf->nat_traversal)
		for (i = 0; i < x->ndb; i++)
			for (j = 0; j < x->db[i].nrlocs; j++) {
				const struct lisp_addr *a = &x->db[i].rlocs[j].addr;

				if (a->afi != AFI_IPV4 && a->afi != AFI_IPV6)
					continue;
				for (m = 0; m < x->nms; m++)
					if (x->ms[m].addr.afi == a->afi)
						link_add(n, a, &x->ms[m].addr);
			}
	/* links of uplinks (or Map-Servers) that went away */
	for (i = w = 0; i < n->nlinks; i++)
		if (n->link[i].seen)
			n->link[w++] = n->link[i];
	n->nlinks = w;
}

struct natx *
natx_new(struct xtr *x)
{
	struct natx *n;

	if ((n = calloc(1, sizeof(*n))) == NULL)
		return NULL;
	n->x = x;
	if (x->l->conf->has_xtr_id)
		memcpy(n->xtr_id, x->l->conf->xtr_id, XTR_ID_LEN);
	else
		arc4random_buf(n->xtr_id, XTR_ID_LEN);
	natx_conf(n);
	if (x->l->conf->rtr)
		core_natfib_set(x->l, &xtr_natfib, x);
	return n;
}

void
natx_free(struct natx *n)
{
	void *arg;

	if (n != NULL && core_natfib(n->x->l, &arg) == &xtr_natfib && arg == n->x)
		core_natfib_set(n->x->l, NULL, NULL);
	free(n);
}

static void
send_request(struct natx *n, struct natx_link *k)
{
	struct xtr		*x = n->x;
	const struct xtr_ms	*ms = link_ms(n, k);
	struct lisp_info	 q;
	struct sockaddr_storage	 ss;
	uint8_t			 buf[512];
	struct wbuf		 w;
	int			 alen;

	if (ms == NULL || x->ndb == 0 || (alen = auth_len(ms->alg)) <= 0)
		return;
	memset(&q, 0, sizeof(q));
	q.nonce = k->nonce;
	q.key_id = (uint16_t)(ms->key_id << 8 | ms->alg);
	q.auth_len = (uint16_t)alen;
	q.eid = x->db[0].eid;
	q.eid_mlen = (uint8_t)x->db[0].mlen;
	addr_set_none(&q.nat);
	wbuf_init(&w, buf, sizeof(buf));
	info_encode(&w, &q);
	if (w.err || xtr_ms_sign(ms, buf, w.len, 16, (size_t)alen) == -1)
		return;
	sockaddr_from_addr(&ss, &k->ms, x->l->conf->control_port ?
	    x->l->conf->control_port : LISP_CONTROL_PORT);
	if (locid_send_from(x->l, &k->local, (struct sockaddr *)&ss, buf,
	    w.len) == 0)
		k->requests++;
}

void
natx_tick(struct natx *n, uint64_t now)
{
	uint32_t	 ival;
	int		 i, due = 0;

	if (n == NULL || !n->x->l->conf->nat_traversal)
		return;
	for (i = 0; i < n->nsc; i++)
		if (now >= n->sc[i].until_ms) {
			itr_shortcut_del(n->x, &n->sc[i].eid, n->sc[i].mlen);
			n->sc[i--] = n->sc[--n->nsc];
		}
	for (i = 0; i < n->nlinks; i++)
		if (now >= n->link[i].next_ms)
			due = 1;
	if (!due)
		return;
	/* an uplink that changed address is a new link, probed now */
	xtr_rlocs_refresh(n->x);
	natx_conf(n);
	ival = n->x->l->conf->info_interval;
	for (i = 0; i < n->nlinks; i++) {
		struct natx_link *k = &n->link[i];

		if (now < k->next_ms)
			continue;
		if (k->nonce != 0 && k->tries > NATX_RETRIES) {
			/* the last request went unanswered: start over later */
			if (k->state == NS_PROBING)
				k->state = NS_NO_ANSWER;
			k->nonce = 0;
		}
		if (k->nonce == 0) {
			k->nonce = xtr_nonce() | 1;
			k->tries = 0;
		}
		send_request(n, k);
		k->tries++;
		k->next_ms = k->tries > NATX_RETRIES ? now + (uint64_t)ival * 1000 :
		    now + ((uint64_t)NATX_RETX_MS << (k->tries - 1));
	}
}

uint64_t
natx_next_due(const struct natx *n)
{
	uint64_t due = UINT64_MAX;
	int i;

	if (n == NULL || !n->x->l->conf->nat_traversal)
		return due;
	for (i = 0; i < n->nlinks; i++)
		if (n->link[i].next_ms < due)
			due = n->link[i].next_ms;
	for (i = 0; i < n->nsc; i++)
		if (n->sc[i].until_ms < due)
			due = n->sc[i].until_ms;
	return due;
}

static int
own_eid(const struct xtr *x, const struct lisp_addr *eid, int mlen)
{
	int i;

	for (i = 0; i < x->ndb; i++)
		if ((x->db[i].mlen <= mlen &&
		    addr_prefix_covers(&x->db[i].eid, x->db[i].mlen, eid)) ||
		    (mlen <= x->db[i].mlen && addr_prefix_covers(eid, mlen, &x->db[i].eid)))
			return 1;
	return 0;
}

/* an RTR we register through tells us the EID-prefixes of an xTR behind
 * the same NAT, at its private address first and the RTR second. taken
 * from the RTR address and control port of an uplink behind a NAT, with
 * the nonce of one of our last Map-Registers (only we, the RTR and the
 * Map-Server saw it); each record exactly those two locators, not one
 * of our own EID-prefixes, the private one not the RTR's nor ours. at
 * most NATX_SHORTCUTS entries, for at most an hour each unless told
 * again: the RLOC-probes of the entry fall back to the RTR when the
 * private address does not answer */
void
natx_shortcut_in(struct natx *n, const struct sockaddr *from, struct rbuf *b)
{
	struct xtr		*x = n->x;
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc[2];
	struct lisp_addr	 src;
	struct rbuf		 recs, locs;
	struct msg_err		 err;
	uint64_t		 now = now_ms();
	uint16_t		 sport;
	uint32_t		 ttl;
	char			 s[64];
	int			 i, j, ok = 0;

	if (n == NULL || !x->l->conf->nat_shortcut)
		return;
	sa_fmt(from, s, sizeof(s));
	addr_from_sockaddr(&src, from, &sport);
	for (i = 0; i < n->nlinks && !ok; i++)
		for (j = 0; n->link[i].state == NS_NAT && j < n->link[i].nrtr; j++)
			if (addr_equal(&n->link[i].rtr[j], &src))
				ok = 1;
	if (!ok || sport != LISP_CONTROL_PORT) {
		x->drops[XTR_DROP_NAT_SHORTCUT_NOT_FROM_AN_RTR]++;
		log_limited(&x->logrl, "nat: short-cut from %s dropped: not an rtr "
		    "we register through", s);
		return;
	}
	if (map_reply_decode(b, &rep, &err) == -1) {
		x->drops[XTR_DROP_NAT_DATA_MAP_NOTIFY_MALFORMED]++;
		log_limited(&x->logrl, "nat: short-cut from %s dropped: %s", s,
		    err.reason);
		return;
	}
	for (i = 0, ok = 0; i < x->nms && !ok; i++)
		for (j = 0; j < x->ms[i].nnonces; j++)
			if (x->ms[i].nonces[j] == rep.nonce)
				ok = 1;
	if (!ok) {
		x->drops[XTR_DROP_NAT_SHORTCUT_UNKNOWN_NONCE]++;
		log_limited(&x->logrl, "nat: short-cut from %s dropped: nonce "
		    "%016llx not of a map-register of ours", s,
		    (unsigned long long)rep.nonce);
		return;
	}
	recs = rep.records;
	while (record_next(&recs, &rec) == 1) {
		locs = rec.rlocs;
		ok = rec.nrlocs == 2 && rec.act == ACT_NO_ACTION &&
		    !own_eid(x, &rec.eid, rec.eid_mlen) &&
		    rloc_next(&locs, &loc[0]) == 1 && rloc_next(&locs, &loc[1]) == 1 &&
		    (loc[0].addr.afi == AFI_IPV4 || loc[0].addr.afi == AFI_IPV6) &&
		    !addr_equal(&loc[0].addr, &src) && addr_equal(&loc[1].addr, &src) &&
		    !core_addr_local(x->l, &loc[0].addr);
		for (i = 0; ok && i < n->nsc; i++)
			if (n->sc[i].mlen == rec.eid_mlen &&
			    addr_equal(&n->sc[i].eid, &rec.eid))
				break;
		if (ok && i == n->nsc && n->nsc == NATX_SHORTCUTS)
			ok = 0;
		if (!ok || itr_shortcut_set(x, &rec) == -1) {
			x->drops[XTR_DROP_NAT_SHORTCUT_UNUSABLE]++;
			log_limited(&x->logrl, "nat: short-cut record from %s "
			    "dropped: unusable", s);
			continue;
		}
		if (i == n->nsc) {
			n->sc[n->nsc].eid = rec.eid;
			n->sc[n->nsc++].mlen = rec.eid_mlen;
			log_info("nat: short-cut to %s at %s",
			    prefix_fmt(&rec.eid, rec.eid_mlen, (char[ADDR_STRLEN]){ 0 },
			    ADDR_STRLEN), addr_fmt(&loc[0].addr, (char[ADDR_STRLEN]){ 0 },
			    ADDR_STRLEN));
		}
		ttl = rec.ttl < NATX_SHORTCUT_TTL_MAX ? rec.ttl : NATX_SHORTCUT_TTL_MAX;
		n->sc[i].until_ms = now + (uint64_t)(ttl > 0 ? ttl : 1) * 60000;
		n->shortcuts++;
	}
	xtr_timer_kick(x);
}

void
natx_reply_in(struct natx *n, const struct pkt *p, const struct lisp_info *r)
{
	struct xtr		*x = n->x;
	struct natx_link	*k = NULL;
	const struct xtr_ms	*ms;
	struct lcaf_nat		 nat;
	struct lisp_addr	 src;
	enum natx_state		 was;
	uint16_t		 lport;
	int			 i, changed = 0;
	char			 s[80], a[ADDR_STRLEN], b[ADDR_STRLEN];

	sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s));
	for (i = 0; i < n->nlinks && r->nonce != 0; i++)
		if (n->link[i].nonce == r->nonce)
			k = &n->link[i];
	if (k == NULL) {
		x->drops[XTR_DROP_NAT_INFO_REPLY_UNKNOWN_NONCE]++;
		log_limited(&x->logrl, "nat: info-reply from %s dropped: nonce "
		    "%016llx not ours", s, (unsigned long long)r->nonce);
		return;
	}
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	if (!addr_equal(&src, &k->ms) || (ms = link_ms(n, k)) == NULL) {
		x->drops[XTR_DROP_NAT_INFO_REPLY_NOT_FROM_THE_MAP_SERVER]++;
		log_limited(&x->logrl, "nat: info-reply from %s dropped: not "
		    "from the map-server asked", s);
		return;
	}
	if (r->key_id != (ms->key_id << 8 | ms->alg) || xtr_ms_verify(ms, p->buf,
	    p->len, r->auth_off, r->auth_len) != 1) {
		x->drops[XTR_DROP_NAT_INFO_REPLY_AUTHENTICATION_FAILED]++;
		log_limited(&x->logrl, "nat: info-reply from %s dropped: "
		    "authentication failed", s);
		return;
	}
	if (lcaf_nat_decode(&r->nat, &nat) == -1)	/* the decoder checked */
		return;
	k->nonce = 0;
	k->tries = 0;
	k->next_ms = now_ms() + (uint64_t)x->l->conf->info_interval * 1000;
	k->replies++;
	k->last_reply_s = wall_s();
	lport = core_port(x->l, k->local.afi == AFI_IPV6 ? 6 : 4);
	if (k->global.afi != AFI_NONE && (!addr_equal(&k->global, &nat.global_etr) ||
	    k->global_port != nat.etr_port)) {
		k->binding_changes++;
		changed = 1;
		log_info("nat: uplink %s: binding changed from %s:%u to %s:%u",
		    addr_fmt(&k->local, a, sizeof(a)),
		    addr_fmt(&k->global, b, sizeof(b)), k->global_port,
		    addr_fmt(&nat.global_etr, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    nat.etr_port);
	}
	was = k->state;
	k->global = nat.global_etr;
	k->global_port = nat.etr_port;
	k->local_port = lport;
	k->nrtr = nat.nrtr;
	for (i = 0; i < nat.nrtr; i++)
		k->rtr[i] = nat.rtr[i];
	k->state = addr_equal(&nat.global_etr, &k->local) && nat.etr_port == lport ?
	    NS_NO_NAT : NS_NAT;
	if (k->state != was || changed)
		reregister(n, &k->ms);
	if (k->state != was)
		default_via_rtrs(n);
	if ((k->state != was || changed) && core_monitoring(x->l))
		core_event(x->l, "nat", json_pack("{s:s,s:s,s:s,s:s,s:i,s:i}",
		    "uplink", addr_fmt(&k->local, a, sizeof(a)),
		    "map_server", addr_fmt(&k->ms, b, sizeof(b)),
		    "state", natx_state_name[k->state],
		    "global", addr_fmt(&k->global, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    "global_port", k->global_port, "rtrs", k->nrtr));
	if (k->state != was)
		log_info("nat: uplink %s: %s (seen by %s as %s:%u, %d rtr)",
		    addr_fmt(&k->local, a, sizeof(a)), natx_state_name[k->state], s,
		    addr_fmt(&k->global, b, sizeof(b)), k->global_port, k->nrtr);
}

int
natx_rtrs(const struct natx *n, const struct lisp_addr *ms,
    struct lisp_addr *local, struct lisp_addr *rtr, int max)
{
	int i, j;

	if (n == NULL || !n->x->l->conf->nat_traversal)
		return 0;
	for (i = 0; i < n->nlinks; i++) {
		const struct natx_link *k = &n->link[i];

		if (k->state != NS_NAT || k->nrtr == 0 || !addr_equal(&k->ms, ms))
			continue;
		*local = k->local;
		for (j = 0; j < k->nrtr && j < max; j++)
			rtr[j] = k->rtr[j];
		return j;
	}
	return 0;
}

int
natx_probing(const struct natx *n, const struct lisp_addr *ms)
{
	int i;

	if (n == NULL || !n->x->l->conf->nat_traversal)
		return 0;
	for (i = 0; i < n->nlinks; i++)
		if (n->link[i].state == NS_PROBING && addr_equal(&n->link[i].ms, ms))
			return 1;
	return 0;
}

const uint8_t *
natx_xtr_id(const struct natx *n)
{
	return n->xtr_id;
}

/* register again at once: the way to reach us changed */
static void
reregister(struct natx *n, const struct lisp_addr *ms)
{
	int i;

	for (i = 0; i < n->x->nms; i++)
		if (addr_equal(&n->x->ms[i].addr, ms)) {
			n->x->ms[i].next_ms = now_ms();
			n->x->ms[i].quick_left = 3;
		}
	xtr_timer_kick(n->x);
}

json_t *
natx_json(struct natx *n)
{
	json_t		*o = json_object(), *links = json_array(), *rtrs, *l;
	uint64_t	 now = wall_s();
	char		 a[ADDR_STRLEN];
	int		 i, j;

	json_object_set_new(o, "nat_traversal",
	    json_boolean(n != NULL && n->x->l->conf->nat_traversal));
	for (i = 0; n != NULL && i < n->nlinks; i++) {
		struct natx_link *k = &n->link[i];

		rtrs = json_array();
		for (j = 0; j < k->nrtr; j++)
			json_array_append_new(rtrs, json_string(addr_fmt(&k->rtr[j],
			    a, sizeof(a))));
		l = json_object();
		json_object_set_new(l, "uplink", json_string(addr_fmt(&k->local,
		    a, sizeof(a))));
		json_object_set_new(l, "map_server", json_string(addr_fmt(&k->ms,
		    a, sizeof(a))));
		json_object_set_new(l, "state", json_string(natx_state_name[k->state]));
		json_object_set_new(l, "global", k->global.afi == AFI_NONE ?
		    json_null() : json_string(addr_fmt(&k->global, a, sizeof(a))));
		json_object_set_new(l, "global_port", k->global.afi == AFI_NONE ?
		    json_null() : json_integer(k->global_port));
		json_object_set_new(l, "local_port", json_integer(k->local_port));
		json_object_set_new(l, "rtrs", rtrs);
		json_object_set_new(l, "requests", json_integer((json_int_t)k->requests));
		json_object_set_new(l, "replies", json_integer((json_int_t)k->replies));
		json_object_set_new(l, "binding_changes",
		    json_integer((json_int_t)k->binding_changes));
		json_object_set_new(l, "last_reply_ago", k->last_reply_s == 0 ?
		    json_null() : json_integer((json_int_t)(now - k->last_reply_s)));
		json_array_append_new(links, l);
	}
	json_object_set_new(o, "uplinks", links);
	return o;
}
