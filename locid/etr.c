/* ETR: registration with the Map-Servers, authoritative Map-Replies and
 * RLOC-probe replies, decapsulation of UDP 4341 into the TUN */
#include <sys/socket.h>

#include <netinet/in.h>

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "auth.h"
#include "locid.h"
#include "nat.h"
#include "smr.h"
#include "lsec.h"
#include "xtr.h"

#define QUICK_REGISTERS		3
#define QUICK_INTERVAL_MS	3000
#define NOTIFY_BACKOFF_MIN	1000
#define NOTIFY_BACKOFF_MAX	60000

void
etr_start(struct xtr *x)
{
	uint64_t now = now_ms();
	int i;

	for (i = 0; i < x->nms; i++) {
		x->ms[i].quick_left = QUICK_REGISTERS;
		x->ms[i].next_ms = now;
		x->ms[i].backoff_ms = NOTIFY_BACKOFF_MIN;
		x->ms[i].awaiting = 0;
	}
}

static int
db_usable_rlocs(const struct xtr_db *db)
{
	int i, n = 0;

	for (i = 0; i < db->nrlocs; i++)
		if (db->rlocs[i].addr.afi != AFI_NONE)
			n++;
	return n;
}

/* one EID-record of a local mapping with its RLOCs; probed marks the
 * locator a probe was sent to (p bit) */
static void
db_record_encode(struct wbuf *w, const struct xtr_db *db, const struct lisp_addr *probed)
{
	struct lisp_record rec;
	struct lisp_rloc r;
	int i;

	memset(&rec, 0, sizeof(rec));
	rec.ttl = db->ttl;
	rec.nrlocs = (uint8_t)db_usable_rlocs(db);
	rec.eid_mlen = (uint8_t)db->mlen;
	rec.act = ACT_NO_ACTION;
	rec.auth = 1;
	rec.eid = db->eid;
	record_encode(w, &rec);
	for (i = 0; i < db->nrlocs; i++) {
		const struct xtr_rloc *xr = &db->rlocs[i];

		if (xr->addr.afi == AFI_NONE)
			continue;
		memset(&r, 0, sizeof(r));
		r.priority = xr->priority;
		r.weight = xr->weight;
		r.mpriority = 255;
		r.mweight = 0;
		r.flags = RLOC_R | (xr->local ? RLOC_L : 0);
		if (probed != NULL && addr_equal(probed, &xr->addr))
			r.flags |= RLOC_p;
		r.addr = xr->addr;
		rloc_encode(w, &r);
	}
}

/* one EID-record whose locators are the RTRs we register through (R
 * set, as the NAT draft §5.1.1 says; not local) */
static void
db_record_rtrs(struct wbuf *w, const struct xtr_db *db,
    const struct lisp_addr *rtr, int nrtr, int withdraw)
{
	struct lisp_record rec;
	struct lisp_rloc r;
	int i;

	memset(&rec, 0, sizeof(rec));
	rec.ttl = withdraw ? 0 : db->ttl;
	rec.nrlocs = (uint8_t)nrtr;
	rec.eid_mlen = (uint8_t)db->mlen;
	rec.act = ACT_NO_ACTION;
	rec.auth = 1;
	rec.eid = db->eid;
	record_encode(w, &rec);
	for (i = 0; i < nrtr; i++) {
		memset(&r, 0, sizeof(r));
		r.priority = 1;
		r.weight = (uint8_t)(100 / nrtr);
		r.mpriority = 255;
		r.flags = RLOC_R;
		r.addr = rtr[i];
		rloc_encode(w, &r);
	}
}

/* the Map-Register in an ECM (R) to the first RTR, from the data port so
 * that the NAT's binding for it is the one the RTR sends data to */
static int
send_via_rtr(struct xtr *x, const struct xtr_ms *ms, const struct lisp_addr *local,
    const struct lisp_addr *rtr, const uint8_t *msg, size_t len)
{
	uint8_t buf[4096 + 64];
	struct wbuf w;
	struct sockaddr_storage ss;
	socklen_t sl;
	int fd = rtr->afi == AFI_IPV6 ? x->dp.udp6 : x->dp.udp4;

	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, ECM_R, local, &ms->addr, LISP_CONTROL_PORT,
	    LISP_CONTROL_PORT, msg, len);
	if (w.err || fd == -1 || local->afi != ms->addr.afi)
		return -1;
	sl = sockaddr_from_addr(&ss, rtr, LISP_CONTROL_PORT);
	if (sendto(fd, buf, w.len, 0, (struct sockaddr *)&ss, sl) == -1) {
		log_limited(&x->logrl, "etr: map-register via rtr %s: %s",
		    addr_fmt(rtr, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
		    strerror(errno));
		return -1;
	}
	return 0;
}

/* a Map-Register of dbs[0..n) to ms; withdraw: Record TTL 0, no Map-Notify */
static int
send_register(struct xtr *x, struct xtr_ms *ms, const struct xtr_db *dbs, int n,
    int withdraw)
{
	struct conf *c = x->l->conf;
	struct lisp_map_register reg;
	struct sockaddr_storage ss;
	struct lisp_addr local, rtr[NAT_RTR_MAX];
	uint8_t buf[4096];
	struct wbuf w;
	int i, alen, nrtr;

	memset(&reg, 0, sizeof(reg));
	reg.type = LISP_MAP_REGISTER;
	reg.flags = (ms->proxy_reply ? MREG_P : 0) |
	    (ms->want_notify && !withdraw ? MREG_M : 0);
	/* S: we sign our Map-Replies when the Map-Server asks (RFC 9303 §6.3) */
	if (x->l->conf->lisp_sec != LISPSEC_OFF)
		reg.flags |= MREG_S;
	reg.nonce = ++x->reg_nonce;
	reg.key_id = ms->key_id;
	reg.alg_id = ms->alg;
	alen = auth_len(ms->alg);
	reg.auth_len = (uint16_t)(alen > 0 ? alen : 0);
	reg.nrecords = (uint8_t)n;
	if (c->has_xtr_id) {
		reg.has_ids = 1;
		memcpy(reg.xtr_id, c->xtr_id, XTR_ID_LEN);
		reg.site_id = c->site_id;
	}
	/* behind a NAT: the RTRs are our locators, proxy-reply and
	 * Map-Notify asked for, through the first RTR */
	if ((nrtr = natx_rtrs(x->nat, &ms->addr, &local, rtr, NAT_RTR_MAX)) > 0)
		reg.flags |= MREG_P | (withdraw ? 0 : MREG_M);
	if (c->nat_traversal) {	/* one xTR-ID, direct or through an RTR */
		reg.has_ids = 1;
		memcpy(reg.xtr_id, natx_xtr_id(x->nat), XTR_ID_LEN);
		reg.site_id = c->site_id;
	}
	wbuf_init(&w, buf, sizeof(buf));
	map_register_encode_hdr(&w, &reg);
	for (i = 0; i < n; i++) {
		struct xtr_db d = dbs[i];

		if (withdraw)
			d.ttl = 0;
		if (nrtr > 0)
			db_record_rtrs(&w, &d, rtr, nrtr, withdraw);
		else
			db_record_encode(&w, &d, NULL);
	}
	map_register_encode_trailer(&w, &reg);
	if (w.err) {
		log_warn("etr: map-register does not fit");
		return -1;
	}
	if (reg.auth_len > 0 && xtr_ms_sign(ms, buf, w.len, MREG_AUTH_OFF,
	    reg.auth_len) == -1) {
		log_warn("etr: map-register signing failed");
		return -1;
	}
	if (ms->nnonces == XTR_REG_NONCES) {
		memmove(ms->nonces, ms->nonces + 1, sizeof(ms->nonces[0]) * (XTR_REG_NONCES - 1));
		ms->nnonces--;
	}
	ms->nonces[ms->nnonces++] = reg.nonce;
	if (nrtr > 0) {
		if (send_via_rtr(x, ms, &local, &rtr[0], buf, w.len) == -1)
			return -1;
	} else {
		sockaddr_from_addr(&ss, &ms->addr, c->control_port ? c->control_port : LISP_CONTROL_PORT);
		if (locid_send(x->l, (struct sockaddr *)&ss, buf, w.len) == -1)
			return -1;
	}
	if (withdraw)
		return 0;
	ms->registers++;
	ms->last_register_s = wall_s();
	x->st.registers++;
	return 0;
}

int
etr_send_register(struct xtr *x, struct xtr_ms *ms)
{
	int i;

	if (x->ndb == 0)
		return -1;
	for (i = 0; i < x->ndb; i++)
		if (db_usable_rlocs(&x->db[i]) > 0)
			break;
	if (i == x->ndb) {
		log_limited(&x->logrl, "etr: no usable RLOC yet, map-register to %s postponed",
		    addr_fmt(&ms->addr, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		return -1;
	}
	/* with nat-traversal, not before we know whether we are behind a
	 * NAT (else a private RLOC would be registered first) */
	if (natx_probing(x->nat, &ms->addr))
		return -1;
	return send_register(x, ms, x->db, x->ndb, 0);
}

void
etr_withdraw(struct xtr *x, const struct xtr_db *dbs, int n)
{
	char p[ADDR_STRLEN];
	int i, j;

	for (i = 0; i < x->nms; i++)
		for (j = 0; j < n; j += 16) {
			if (send_register(x, &x->ms[i], dbs + j, n - j > 16 ? 16 : n - j, 1) == -1)
				continue;
			log_info("etr: %s%s withdrawn from map-server %s",
			    prefix_fmt(&dbs[j].eid, dbs[j].mlen, p, sizeof(p)),
			    n - j > 1 ? " and others" : "",
			    addr_fmt(&x->ms[i].addr, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
		}
}

void
etr_tick(struct xtr *x, uint64_t now)
{
	uint32_t ival = x->l->conf->timers.register_interval;
	int i;

	if (ival == 0)
		ival = 60;
	for (i = 0; i < x->nms; i++)
		if (now >= x->ms[i].next_ms || (x->ms[i].awaiting && now >= x->ms[i].retx_ms)) {
			xtr_rlocs_refresh(x);
			break;
		}
	for (i = 0; i < x->nms; i++) {
		struct xtr_ms *ms = &x->ms[i];

		if (now >= ms->next_ms) {
			etr_send_register(x, ms);
			if (ms->quick_left > 0)
				ms->quick_left--;
			ms->next_ms = now + (ms->quick_left > 0 ? QUICK_INTERVAL_MS :
			    (uint64_t)ival * 1000);
			if (ms->want_notify && !ms->awaiting) {
				ms->awaiting = 1;
				ms->backoff_ms = NOTIFY_BACKOFF_MIN;
			}
			if (ms->awaiting)	/* this send counts as the retransmission */
				ms->retx_ms = now + ms->backoff_ms;
		} else if (ms->awaiting && now >= ms->retx_ms) {
			/* the Map-Notify we asked for did not come */
			etr_send_register(x, ms);
			ms->backoff_ms *= 2;
			if (ms->backoff_ms > NOTIFY_BACKOFF_MAX)
				ms->backoff_ms = NOTIFY_BACKOFF_MAX;
			ms->retx_ms = now + ms->backoff_ms;
		}
	}
}

uint64_t
etr_next_due(const struct xtr *x)
{
	uint64_t due = UINT64_MAX;
	int i;

	for (i = 0; i < x->nms; i++) {
		if (x->ms[i].next_ms < due)
			due = x->ms[i].next_ms;
		if (x->ms[i].awaiting && x->ms[i].retx_ms < due)
			due = x->ms[i].retx_ms;
	}
	return due;
}

void
etr_notify_in(struct xtr *x, const struct pkt *p, const struct lisp_map_register *n)
{
	struct lisp_addr src;
	struct xtr_ms *ms = NULL;
	uint16_t port;
	int i, j, nonce_ok = 0;

	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, &port);
	for (i = 0; i < x->nms && ms == NULL; i++)
		for (j = 0; j < x->ms[i].nnonces; j++)
			if (x->ms[i].nonces[j] == n->nonce) {
				ms = &x->ms[i];
				nonce_ok = 1;
				break;
			}
	if (ms == NULL) {
		for (i = 0; i < x->nms; i++)
			if (addr_equal(&x->ms[i].addr, &src))
				ms = &x->ms[i];
	}
	if (ms == NULL) {
		x->drops[XTR_DROP_MAP_NOTIFY_FROM_UNKNOWN_MAP_SERVER]++;
		log_limited(&x->logrl, "etr: map-notify from %s dropped: not a configured map-server",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64));
		return;
	}
	/* the algorithm is ours, not the one the packet names */
	if (n->alg_id != ms->alg || !xtr_ms_verify(ms, n->msg.p, n->msg.len,
	    n->auth_off, n->auth_len)) {
		ms->notify_bad++;
		x->drops[XTR_DROP_MAP_NOTIFY_AUTHENTICATION_FAILED]++;
		log_limited(&x->logrl, "etr: map-notify from %s dropped: authentication failed",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64));
		return;
	}
	if (!nonce_ok) {
		ms->notify_bad++;
		x->drops[XTR_DROP_MAP_NOTIFY_NONCE_MISMATCH]++;
		log_limited(&x->logrl, "etr: map-notify from %s dropped: nonce %016llx not ours",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    (unsigned long long)n->nonce);
		return;
	}
	ms->notifies++;
	ms->last_notify_s = wall_s();
	ms->awaiting = 0;
	ms->backoff_ms = NOTIFY_BACKOFF_MIN;
	x->st.notifies++;
	log_debug("etr: map-notify from %s ok", sa_fmt((const struct sockaddr *)&p->src,
	    (char[64]){ 0 }, 64));
}

/* a Data-Map-Notify: the inner packet is IP + UDP + Map-Notify; it is
 * then checked as any Map-Notify (our nonce, the Map-Server's key) */
void
etr_data_notify_in(void *arg, const struct sockaddr *from, const struct decap *d)
{
	struct xtr			*x = arg;
	struct lisp_map_register	 n;
	struct msg_err			 err;
	struct rbuf			 b;
	struct pkt			 p;
	const char			*why;

	if (decap_udp_payload(d, &b, &why) == 0 && b.len >= 4 &&
	    b.p[0] >> 4 == LISP_MAP_REPLY && x->l->conf->nat_shortcut) {
		natx_shortcut_in(x->nat, from, &b);	/* the same-NAT short-cut */
		return;
	}
	if (decap_udp_payload(d, &b, &why) == -1 || b.len < 4 ||
	    b.p[0] >> 4 != LISP_MAP_NOTIFY) {
		x->drops[XTR_DROP_NAT_DATA_MAP_NOTIFY_MALFORMED]++;
		log_limited(&x->logrl, "etr: data-map-notify from %s dropped: %s",
		    sa_fmt(from, (char[64]){ 0 }, 64), b.len < 4 ? why : "not a map-notify");
		return;
	}
	if (map_register_decode(&b, &n, &err) == -1) {
		x->drops[XTR_DROP_NAT_DATA_MAP_NOTIFY_MALFORMED]++;
		log_limited(&x->logrl, "etr: data-map-notify from %s dropped: %s",
		    sa_fmt(from, (char[64]){ 0 }, 64), err.reason);
		return;
	}
	memset(&p, 0, sizeof(p));
	memcpy(&p.src, from, from->sa_family == AF_INET6 ?
	    sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in));
	p.buf = n.msg.p;
	p.len = n.msg.len;
	etr_notify_in(x, &p, &n);
}

static unsigned
rl_hash(const struct lisp_addr *a)
{
	const uint8_t *p = addr_bytes(a);
	size_t n = a->afi == AFI_IPV6 ? 16 : 4, i;
	uint32_t h = 2166136261u;

	for (i = 0; p != NULL && i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % ETR_RL_SLOTS;
}

int
etr_rl_allow(struct etr_rl *rl, const struct lisp_addr *rloc, uint64_t now)
{
	struct etr_rl_slot *t, *victim = NULL;
	unsigned h = rl_hash(rloc);
	uint64_t add, rate = rl->rate ? rl->rate : ETR_RL_RATE;
	uint64_t cap = (rl->burst ? rl->burst : ETR_RL_BURST) * 1000ULL;
	int k;

	for (k = 0; k < ETR_RL_WINDOW; k++) {
		t = &rl->s[(h + (unsigned)k) % ETR_RL_SLOTS];
		if (t->rloc.afi != AFI_NONE && addr_equal(&t->rloc, rloc))
			break;
		/* a free slot, else the one idle longest */
		if (victim == NULL || (victim->rloc.afi != AFI_NONE &&
		    (t->rloc.afi == AFI_NONE || t->last_ms < victim->last_ms)))
			victim = t;
	}
	if (k == ETR_RL_WINDOW) {
		/* a new requester starts with a full bucket */
		t = victim;
		t->rloc = *rloc;
		t->rloc.body = NULL;
		t->milli = (uint32_t)cap;
		t->last_ms = now;
	}
	if (now > t->last_ms) {
		add = (now - t->last_ms) * rate;
		t->milli = add >= cap - t->milli ? (uint32_t)cap : t->milli + (uint32_t)add;
		t->last_ms = now;
	}
	if (t->milli < 1000) {
		rl->limited++;
		return 0;
	}
	t->milli -= 1000;
	return 1;
}

/* the first ITR-RLOC we can send to */
static const struct lisp_addr *
reply_rloc(struct xtr *x, const struct lisp_map_request *q)
{
	int i;

	for (i = 0; i < q->nitr; i++) {
		const struct lisp_addr *a = &q->itr[i];

		if ((a->afi == AFI_IPV4 || a->afi == AFI_IPV6) && !a->has_iid &&
		    core_can_send(x->l, a))
			return a;
	}
	return NULL;
}

/* a reflector must not answer without bound: a bucket per ITR-RLOC the
 * reply goes to, RLOC-probes in a wider one of their own */
static int
reply_allowed(struct xtr *x, const struct pkt *p, const struct lisp_addr *to, int probe)
{
	struct etr_rl **rlp = probe ? &x->rl_probe : &x->rl;
	int i;

	if (*rlp == NULL && (*rlp = calloc(1, sizeof(**rlp))) != NULL) {
		for (i = 0; i < ETR_RL_SLOTS; i++)
			addr_set_none(&(*rlp)->s[i].rloc);
		if (probe) {
			(*rlp)->rate = ETR_PROBE_RL_RATE;
			(*rlp)->burst = ETR_PROBE_RL_BURST;
		}
	}
	if (*rlp == NULL || etr_rl_allow(*rlp, to, now_ms()))
		return 1;
	x->drops[probe ? XTR_DROP_ETR_RLOC_PROBE_REPLY_RATE_LIMITED :
	    XTR_DROP_ETR_MAP_REPLY_RATE_LIMITED]++;
	if (log_limited_ok(&x->logrl))
		log_warn("etr: %s from %s not answered: more than %d replies/s to %s",
		    probe ? "rloc-probe" : "map-request",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64),
		    probe ? ETR_PROBE_RL_RATE : ETR_RL_RATE,
		    addr_fmt(to, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	return 0;
}

void
etr_request_in(struct xtr *x, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *q)
{
	const struct xtr_db *match[16];
	uint8_t first[16];		/* match[i] answers a new request record */
	struct lisp_eid_prefix ep;
	struct lisp_map_reply rep;
	struct lisp_addr local, probed;
	struct sockaddr_storage ss;
	const struct lisp_addr *to;
	struct rbuf recs = q->records;
	uint8_t buf[1400];
	struct wbuf w;
	uint16_t port, lport;
	int nmatch = 0, i, probe = (q->flags & MREQ_P) != 0, sec = 0;
	struct ls_ecm_ad ad;
	uint8_t ms_otk[LS_OTK_LEN];
	uint16_t hmac_id = LS_HMAC_SHA256_128;
	size_t adlen = 0;
	const char *why;

	if (!x->etr) {
		x->drops[XTR_DROP_MAP_REQUEST_WITHOUT_ETR_ROLE]++;
		return;
	}
	if (q->flags & MREQ_S) {	/* an SMR is the ITR's business */
		x->drops[XTR_DROP_ETR_SMR_IN_AN_ECM]++;
		return;
	}
	/* best covering mapping per record, or the mappings inside it */
	while (mreq_record_next(&recs, &ep) == 1 && nmatch < 16) {
		const struct xtr_db *d = NULL;

		first[nmatch] = 1;
		for (i = nmatch + 1; i < 16; i++)
			first[i] = 0;
		/* an RLOC-probe with an empty EID record (lispers.net probes
		 * an RLOC so): answered with our first mapping */
		if (probe && ep.eid.afi == AFI_NONE && x->ndb > 0) {
			if (nmatch == 0)
				match[nmatch++] = &x->db[0];
			continue;
		}
		for (i = 0; i < x->ndb; i++) {
			const struct xtr_db *c = &x->db[i];

			if (c->mlen <= ep.mlen && addr_prefix_covers(&c->eid, c->mlen, &ep.eid) &&
			    (d == NULL || c->mlen > d->mlen))
				d = c;
		}
		for (i = 0; d != NULL && i < nmatch; i++)
			if (match[i] == d)
				break;
		if (d != NULL && i < nmatch)
			continue;	/* answered for an earlier record */
		if (d != NULL) {
			match[nmatch++] = d;
			/* and more-specifics inside it; a probe is answered
			 * for the probed prefix only (an RLOC-probe is sent
			 * unauthenticated straight to us: the reply must not
			 * amplify whatever it names) */
			for (i = 0; i < x->ndb && nmatch < 16 && !probe; i++)
				if (&x->db[i] != d && x->db[i].mlen > d->mlen &&
				    addr_prefix_covers(&d->eid, d->mlen, &x->db[i].eid))
					match[nmatch++] = &x->db[i];
			continue;
		}
		for (i = 0; i < x->ndb && nmatch < 16 && !probe; i++)
			if (x->db[i].mlen > ep.mlen &&
			    addr_prefix_covers(&ep.eid, ep.mlen, &x->db[i].eid))
				match[nmatch++] = &x->db[i];
	}
	if (nmatch == 0) {
		x->drops[XTR_DROP_MAP_REQUEST_FOR_AN_EID_NOT_OURS]++;
		log_limited(&x->logrl, "etr: map-request from %s dropped: EID not in our database",
		    sa_fmt((const struct sockaddr *)&p->src, (char[64]){ 0 }, 64));
		return;
	}
	if ((to = reply_rloc(x, q)) == NULL) {
		x->drops[XTR_DROP_MAP_REQUEST_WITHOUT_USABLE_ITR_RLOC]++;
		return;
	}
	if (!reply_allowed(x, p, to, probe))
		return;
	addr_from_sockaddr(&local, (const struct sockaddr *)&p->dst, &lport);
	addr_from_sockaddr(&probed, (const struct sockaddr *)&p->src, &port);
	/* a protected request forwarded by the Map-Server: sign the answer
	 * with the MS-OTK and pass its EID-AD on (RFC 9303 §6.8) */
	if (!probe && (sec = lsec_etr_open(x->ms, x->nms, &probed, ecm, q->nonce,
	    &ad, ms_otk, &why)) == -1) {
		x->drops[XTR_DROP_ETR_LISP_SEC_MAP_REQUEST_REFUSED]++;
		log_limited(&x->logrl, "etr: protected map-request from %s dropped: "
		    "lisp-sec: %s", sa_fmt((const struct sockaddr *)&p->src,
		    (char[64]){ 0 }, 64), why);
		return;
	}
	if (sec == 1) {
		hmac_id = ls_hmac_len(ad.req_hmac_id) > 0 ? ad.req_hmac_id :
		    LS_HMAC_SHA256_128;
		adlen = 4 + ad.eid.raw.len + 4 + (size_t)ls_hmac_len(hmac_id);
	}
	if (ecm != NULL)
		port = ecm->sport;
	memset(&rep, 0, sizeof(rep));
	rep.flags = probe ? MREP_P : sec == 1 ? MREP_S : 0;
	rep.nonce = q->nonce;
	rep.nrecords = (uint8_t)nmatch;
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &rep);
	for (i = 0; i < nmatch; i++) {
		size_t len = w.len;

		db_record_encode(&w, match[i], probe ? &local : NULL);
		/* no larger than the request that asked, but for its first
		 * record's answer (the mapping asked for and the
		 * more-specifics inside it go back whole: without them the
		 * ITR would forward their space by the covering entry);
		 * a signed answer counts its authentication data too */
		if (i > 0 && first[i] && !w.err && w.len + adlen > p->len) {
			w.len = len;
			break;
		}
	}
	buf[3] = (uint8_t)i;	/* Record Count: those that fit */
	if (sec == 1 && !w.err) {
		ls_reply_ad_encode(lsec_crypto(), &w, ad.eid.raw.p, ad.eid.raw.len,
		    hmac_id, ms_otk);
		explicit_bzero(ms_otk, sizeof(ms_otk));
	}
	if (w.err) {
		x->drops[XTR_DROP_MAP_REPLY_DOES_NOT_FIT]++;
		return;
	}
	sockaddr_from_addr(&ss, to, port);
	if (locid_send(x->l, (struct sockaddr *)&ss, buf, w.len) == 0) {
		x->st.map_replies_out++;
		if (probe)
			x->st.probe_replies++;
	}
}

json_t *
etr_database_json(struct xtr *x)
{
	char buf[ADDR_STRLEN];
	json_t *o, *arr, *rl, *ms, *r;
	uint64_t now = now_ms();
	int i, j;

	o = json_object();
	arr = json_array();
	for (i = 0; i < x->ndb; i++) {
		const struct xtr_db *d = &x->db[i];

		r = json_object();
		json_object_set_new(r, "eid_prefix", json_string(prefix_fmt(&d->eid, d->mlen,
		    buf, sizeof(buf))));
		json_object_set_new(r, "iid", json_integer(d->eid.has_iid ? d->eid.iid : 0));
		json_object_set_new(r, "ttl", json_integer(d->ttl));
		rl = json_array();
		for (j = 0; j < d->nrlocs; j++) {
			const struct xtr_rloc *xr = &d->rlocs[j];
			json_t *lo = json_object();

			json_object_set_new(lo, "address", xr->addr.afi == AFI_NONE ? json_null() :
			    json_string(addr_fmt(&xr->addr, buf, sizeof(buf))));
			if (xr->ifname != NULL)
				json_object_set_new(lo, "interface", json_string(xr->ifname));
			json_object_set_new(lo, "priority", json_integer(xr->priority));
			json_object_set_new(lo, "weight", json_integer(xr->weight));
			json_object_set_new(lo, "state", json_string(xr->addr.afi == AFI_NONE ?
			    "down" : "up"));
			json_array_append_new(rl, lo);
		}
		json_object_set_new(r, "locators", rl);
		json_array_append_new(arr, r);
	}
	json_object_set_new(o, "mappings", arr);
	arr = json_array();
	for (i = 0; i < x->nms; i++) {
		struct xtr_ms *m = &x->ms[i];

		ms = json_object();
		json_object_set_new(ms, "map_server", json_string(addr_fmt(&m->addr, buf,
		    sizeof(buf))));
		json_object_set_new(ms, "proxy_reply", json_boolean(m->proxy_reply));
		json_object_set_new(ms, "want_map_notify", json_boolean(m->want_notify));
		json_object_set_new(ms, "registers", json_integer((json_int_t)m->registers));
		json_object_set_new(ms, "notifies", json_integer((json_int_t)m->notifies));
		json_object_set_new(ms, "notify_failures", json_integer((json_int_t)m->notify_bad));
		json_object_set_new(ms, "last_register", m->last_register_s ?
		    json_integer((json_int_t)m->last_register_s) : json_null());
		json_object_set_new(ms, "last_map_notify", m->last_notify_s ?
		    json_integer((json_int_t)m->last_notify_s) : json_null());
		json_object_set_new(ms, "state", json_string(!m->want_notify ?
		    (m->registers ? "registering" : "idle") :
		    m->notifies && !m->awaiting ? "registered" :
		    m->notifies ? "refreshing" : "waiting-for-notify"));
		json_object_set_new(ms, "next_register_in", json_integer(m->next_ms > now ?
		    (json_int_t)((m->next_ms - now) / 1000) : 0));
		json_array_append_new(arr, ms);
	}
	json_object_set_new(o, "map_servers", arr);
	/* the tenants (instance-id blocks) and their kernel side */
	if (x->ntn > 0) {
		arr = json_array();
		for (i = 0; i < x->ntn; i++) {
			const struct xtr_tenant *t = &x->tn[i];
			json_t *ifs = json_array();

			for (j = 0; j < t->nifs; j++)
				json_array_append_new(ifs, json_string(t->ifs[j]));
			json_array_append_new(arr, json_pack("{s:I, s:s, s:I, s:o, s:I}",
			    "iid", (json_int_t)t->iid, "tun", t->tun,
			    "routing_table", (json_int_t)t->table, "interfaces", ifs,
			    "on_link_routes", (json_int_t)t->nroutes));
		}
		json_object_set_new(o, "tenants", arr);
	}
	return o;
}

/* -- the row --------------------------------------------------------------- */

/* requests for our EIDs: forwarded ones (E), RLOC-probes, plain ones before
 * the Map-Resolver, and ECM'd ones from ITRs only when no MR runs */
static int
etr_rx_request(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	if (x == NULL)
		return 0;
	etr_request_in(x, m->pkt, m->ecm, m->mreq);
	return 1;
}

/* after the ITR's publications (xtr_rx_publication): the rest are ours */
static int
etr_rx_notify(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	if (x == NULL)
		return 0;
	etr_notify_in(x, m->pkt, m->reg);
	return 1;
}

static int
etr_rx_info_reply(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	if (x == NULL || !x->l->conf->nat_traversal)
		return 0;
	natx_reply_in(x->nat, m->pkt, m->info);
	return 1;
}

static int
etr_wanted(const struct conf *c)
{
	return c->etr;
}

/* what the ETR function does on a start or reload (the PETR's too when
 * no etr row runs): withdraw the prefixes the reload removed, at once
 * rather than leaving them registered until they expire, and register
 * the rest now */
void
etr_setup(struct xtr *x)
{
	if (x->ngone > 0)
		etr_withdraw(x, x->gone, x->ngone);
	free(x->gone);
	x->gone = NULL;
	x->ngone = 0;
	etr_start(x);
	xtr_timer_kick(x);
}

/* a clean stop withdraws what we registered (withdraw-on-stop) */
void
etr_teardown(struct xtr *x)
{
	if (x->l->stopping && x->ndb > 0 && x->l->conf->withdraw_on_stop)
		etr_withdraw(x, x->db, x->ndb);
}

static void *
etr_row_new(struct locid *l)
{
	struct xtr *x = xtr_of(l);

	if (x != NULL)
		etr_setup(x);
	return l;
}

static void
etr_row_free(void *o)
{
	struct xtr *x = xtr_of(o);

	if (x != NULL)
		etr_teardown(x);
}

const struct role role_etr = {
	.name = "etr",
	.wanted = etr_wanted,
	.new = etr_row_new,
	.free = etr_row_free,
	.rx = {
		[RX_NOTIFY] = { etr_rx_notify, 11 },
		XTR_RX_MAPCACHE(11),	/* decap-check mapping-system */
		[RX_REQUEST] = { etr_rx_request, 10 },
		[RX_PROBE] = { etr_rx_request, 10 },
		[RX_ECM_REQUEST] = { etr_rx_request, 20 },
		[RX_ECM_FORWARDED] = { etr_rx_request, 10 },
		[RX_INFO_REPLY] = { etr_rx_info_reply, 10 },
	},
};
