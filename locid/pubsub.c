/* publish/subscribe at the Map-Server (RFC 9437 §5, §6): an ITR that asks
 * with the I bit (xTR-ID, Site-ID) and a record's N bit subscribes to the
 * prefix the Map-Server answers for; every change of that mapping
 * (registration, withdrawal, expiry) goes to it in a Map-Notify signed
 * with the PubSubKey, retransmitted until a Map-Notify-Ack signed with the
 * same key comes back from the ITR-RLOC it went to.
 *
 * a subscription counts only once it is acknowledged: a request names an
 * xTR-ID and ITR-RLOCs nobody vouches for, so it makes a pending entry of
 * its own beside any confirmed one, and only the ack of its Map-Notify
 * (proof of the key, received at that RLOC) replaces the older entry. a
 * pending entry that is never acknowledged is gone after the
 * retransmissions. entries are bounded in all (subscriptions-max) and per
 * xTR-ID (PUBSUB_PER_XTR).
 *
 * a request with I, N and one ITR-RLOC of AFI 0 unsubscribes (§5): the
 * subscription of that xTR-ID and prefix whose ITR-RLOC is the request's
 * source (the inner source of the ECM), so nobody ends another ITR's
 * subscription from elsewhere. it stops being published at once; one
 * signed Map-Notify goes to that RLOC, and the entry is gone on its ack or
 * a second later. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include "auth.h"
#include "msmr.h"
#include "pubsub.h"

struct ps_sub {
	struct pubsub	*ps;
	uint8_t		 xtr_id[XTR_ID_LEN];
	uint64_t	 site_id;
	struct lisp_addr eid;		/* the subscribed prefix */
	int		 mlen;
	struct sockaddr_storage to;	/* ITR-RLOC, port 4342 */
	uint64_t	 nonce;		/* of the last Map-Notify */
	int		 confirmed;
	int		 leaving;	/* unsubscribed: its last Map-Notify out */
	int		 tries;		/* sends of the outstanding one, 0: none */
	uint8_t		 rec[PUBSUB_REC_MAX];	/* last record published */
	size_t		 reclen;
	uint8_t		 msg[PUBSUB_REC_MAX + 64];
	size_t		 msglen;
	uint64_t	 since_s, notifies, acks;
	struct locid_timer *timer;
	TAILQ_ENTRY(ps_sub) entry;
};
TAILQ_HEAD(ps_subs, ps_sub);

struct pubsub {
	struct locid	*l;
	struct ps_subs	 subs;
	unsigned	 n;
	uint64_t	 sent, retx, acked, expired;
	uint64_t	 refused_full, refused_xtr, refused_rloc, ack_bad_auth;
	uint64_t	 unsubscribed, unsub_unknown;
	struct ratelimit logrl;
};

size_t
pubsub_msg_build(uint8_t type, uint64_t nonce, const struct conf_key *key,
    const uint8_t *rec, size_t len, uint8_t nrec, uint8_t *buf, size_t cap)
{
	struct lisp_map_register n;
	struct wbuf		 w;
	int			 alen = auth_len(key->alg);

	if (alen < 0 || key->secret == NULL)
		return 0;
	memset(&n, 0, sizeof(n));
	n.type = type;
	n.nonce = nonce;
	n.key_id = key->key_id;
	n.alg_id = key->alg;
	n.auth_len = (uint16_t)alen;
	n.nrecords = nrec;
	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, &n);
	wbuf_bytes(&w, rec, len);
	map_register_encode_trailer(&w, &n);
	if (w.err || auth_sign(key->alg, key->secret, strlen(key->secret), buf,
	    w.len, MREG_AUTH_OFF, (size_t)alen) == -1)
		return 0;
	return w.len;
}

int
pubsub_msg_verify(const struct conf_key *k, const struct lisp_map_register *m)
{
	if (k->secret == NULL || m->key_id != k->key_id || m->alg_id != k->alg)
		return 0;
	return auth_verify(k->alg, k->secret, strlen(k->secret), m->msg.p,
	    m->msg.len, m->auth_off, m->auth_len) == 1;
}

struct pubsub *
pubsub_new(struct locid *l)
{
	struct pubsub *ps;

	if (l->conf->pubsub_key.secret == NULL ||
	    (ps = calloc(1, sizeof(*ps))) == NULL)
		return NULL;
	ps->l = l;
	TAILQ_INIT(&ps->subs);
	log_limiter_init(&ps->logrl, l->conf);
	return ps;
}

static void
sub_free(struct ps_sub *s)
{
	TAILQ_REMOVE(&s->ps->subs, s, entry);
	s->ps->n--;
	locid_timer_free(s->timer);
	free(s);
}

void
pubsub_free(struct pubsub *ps)
{
	if (ps == NULL)
		return;
	while (!TAILQ_EMPTY(&ps->subs))
		sub_free(TAILQ_FIRST(&ps->subs));
	free(ps);
}

static void
sub_send(struct ps_sub *s)
{
	s->tries++;
	s->notifies++;
	locid_send(s->ps->l, (const struct sockaddr *)&s->to, s->msg, s->msglen);
	locid_timer_at(s->timer, now_ms() + PUBSUB_RETRY_MS);
}

static void	sub_event(struct ps_sub *, const char *);

static void
sub_timer(void *arg)
{
	struct ps_sub	*s = arg;
	struct pubsub	*ps = s->ps;
	char		 a[80], p[ADDR_STRLEN];

	if (s->tries == 0)
		return;
	if (s->leaving) {	/* its one Map-Notify went unanswered */
		sub_free(s);
		return;
	}
	if (s->tries <= PUBSUB_RETRIES) {
		ps->retx++;
		sub_send(s);
		return;
	}
	ps->expired++;
	sub_event(s, "removed");
	log_limited(&ps->logrl, "pubsub: subscriber %s of %s removed: no "
	    "map-notify-ack after %d map-notifies",
	    sa_fmt((const struct sockaddr *)&s->to, a, sizeof(a)),
	    prefix_fmt(&s->eid, s->mlen, p, sizeof(p)), s->tries);
	sub_free(s);
}

/* locictl monitor: what happened to the subscription */
static void
sub_event(struct ps_sub *s, const char *what)
{
	struct lisp_addr ra;
	char		 p[ADDR_STRLEN], r[ADDR_STRLEN], x[2 * XTR_ID_LEN + 1];
	int		 i;

	if (!core_monitoring(s->ps->l))
		return;
	for (i = 0; i < XTR_ID_LEN; i++)
		snprintf(x + 2 * i, 3, "%02x", s->xtr_id[i]);
	addr_from_sockaddr(&ra, (const struct sockaddr *)&s->to, NULL);
	core_event(s->ps->l, "pubsub", json_pack("{s:s, s:s, s:s, s:s, s:I}",
	    "event", what, "eid_prefix", prefix_fmt(&s->eid, s->mlen, p, sizeof(p)),
	    "xtr_id", x, "itr_rloc", addr_fmt(&ra, r, sizeof(r)),
	    "nonce", (json_int_t)s->nonce));
}

/* the outstanding Map-Notify of s becomes rec under a new nonce */
static void
sub_notify(struct ps_sub *s, uint64_t nonce, const uint8_t *rec, size_t len)
{
	size_t n;

	n = pubsub_msg_build(LISP_MAP_NOTIFY, nonce, &s->ps->l->conf->pubsub_key,
	    rec, len, 1, s->msg, sizeof(s->msg));
	if (n == 0)
		return;
	s->msglen = n;
	s->nonce = nonce;
	s->tries = 0;
	s->ps->sent++;
	sub_send(s);
}

static int
same_prefix(const struct ps_sub *s, const struct lisp_addr *eid, int mlen)
{
	return s->mlen == mlen && addr_equal(&s->eid, eid);
}

/* p/plen covers a/alen */
static int
covers(const struct lisp_addr *p, int plen, const struct lisp_addr *a, int alen)
{
	struct lisp_addr x = *a;

	if (plen > alen || eid_iid(p) != eid_iid(a) || addr_bits(p) != addr_bits(a))
		return 0;
	addr_mask(&x, plen);
	return addr_equal(&x, p);
}

void
pubsub_subscribe(struct pubsub *ps, const struct pkt *p,
    const struct lisp_map_request *mreq, const struct lisp_addr *eid0, int mlen,
    const uint8_t *rec, size_t len)
{
	struct ps_sub		*s, *o;
	struct lisp_addr	 eid = *eid0, oa;
	const struct lisp_addr	*to = NULL;
	unsigned		 per = 0, pending_to = 0;
	int			 i;

	if (len > PUBSUB_REC_MAX)
		return;
	addr_mask(&eid, mlen);
	for (i = 0; i < mreq->nitr && to == NULL; i++)
		if (core_can_send(ps->l, &mreq->itr[i]))
			to = &mreq->itr[i];
	if (to == NULL) {
		ps->refused_rloc++;
		return;
	}
	TAILQ_FOREACH(o, &ps->subs, entry) {
		if (o->leaving)
			continue;
		if (!o->confirmed) {
			addr_from_sockaddr(&oa, (const struct sockaddr *)&o->to, NULL);
			pending_to += addr_equal(&oa, to);
		}
		if (memcmp(o->xtr_id, mreq->xtr_id, XTR_ID_LEN) != 0)
			continue;
		per++;
		if (same_prefix(o, &eid, mlen)) {
			/* the same RLOC: subscribed already (a refresh of the
			 * ITR's cache), or pending and asked again */
			addr_from_sockaddr(&oa, (const struct sockaddr *)&o->to, NULL);
			if (addr_equal(&oa, to)) {
				if (o->confirmed)
					return;
				memcpy(o->rec, rec, len);
				o->reclen = len;
				sub_notify(o, mreq->nonce, rec, len);
				return;
			}
		}
	}
	if (ps->n >= ps->l->conf->subscriptions_max) {
		ps->refused_full++;
		log_limited(&ps->logrl, "pubsub: %u subscriptions: one refused", ps->n);
		return;
	}
	/* unacknowledged Map-Notifies towards one address are bounded: a
	 * spoofed request must not make us send many to a victim */
	if (pending_to >= PUBSUB_PENDING_PER_RLOC) {
		ps->refused_rloc++;
		log_limited(&ps->logrl, "pubsub: %u subscriptions pending at one "
		    "ITR-RLOC: one refused", pending_to);
		return;
	}
	if (per >= PUBSUB_PER_XTR) {
		ps->refused_xtr++;
		log_limited(&ps->logrl, "pubsub: xTR-ID with %u subscriptions: one refused",
		    per);
		return;
	}
	if ((s = calloc(1, sizeof(*s))) == NULL)
		return;
	if ((s->timer = locid_timer_new(ps->l, sub_timer, s)) == NULL) {
		free(s);
		return;
	}
	s->ps = ps;
	memcpy(s->xtr_id, mreq->xtr_id, XTR_ID_LEN);
	s->site_id = mreq->site_id;
	s->eid = eid;
	s->mlen = mlen;
	sockaddr_from_addr(&s->to, to, LISP_CONTROL_PORT);
	s->since_s = wall_s();
	memcpy(s->rec, rec, len);
	s->reclen = len;
	TAILQ_INSERT_TAIL(&ps->subs, s, entry);
	ps->n++;
	/* the confirmation carries the request's nonce (§5) */
	sub_notify(s, mreq->nonce, rec, len);
	sub_event(s, "subscribed");
	(void)p;
}

int
pubsub_unsubscribe(struct pubsub *ps, const struct lisp_addr *src,
    const struct lisp_map_request *mreq, const struct lisp_addr *eid0, int mlen)
{
	struct ps_sub		*s;
	struct lisp_addr	 eid = *eid0, sa;
	int			 n = 0;

	if (ps == NULL)
		return 0;
	addr_mask(&eid, mlen);
	TAILQ_FOREACH(s, &ps->subs, entry) {
		addr_from_sockaddr(&sa, (const struct sockaddr *)&s->to, NULL);
		if (s->leaving || memcmp(s->xtr_id, mreq->xtr_id, XTR_ID_LEN) != 0 ||
		    !same_prefix(s, &eid, mlen) || !addr_equal(&sa, src))
			continue;
		locid_timer_stop(s->timer);
		s->leaving = 1;
		s->confirmed = 0;
		/* the one Map-Notify of the removal carries the request's
		 * nonce, as the confirmation of a subscription does */
		sub_notify(s, mreq->nonce, s->rec, s->reclen);
		sub_event(s, "unsubscribed");
		ps->unsubscribed++;
		n++;
	}
	if (n == 0) {
		ps->unsub_unknown++;
		log_limited(&ps->logrl, "pubsub: unsubscribe of %s from %s: no such "
		    "subscription", prefix_fmt(&eid, mlen, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN), addr_fmt(src, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
	}
	return n;
}

void
pubsub_publish(struct pubsub *ps, const struct lisp_addr *eid0, int mlen,
    const uint8_t *rec, size_t len)
{
	struct ps_sub		*s;
	struct lisp_addr	 eid = *eid0;

	if (ps == NULL || len > PUBSUB_REC_MAX)
		return;
	addr_mask(&eid, mlen);
	TAILQ_FOREACH(s, &ps->subs, entry) {
		if (s->leaving || !covers(&s->eid, s->mlen, &eid, mlen))
			continue;
		if (same_prefix(s, &eid, mlen)) {
			if (s->reclen == len && memcmp(s->rec, rec, len) == 0)
				continue;	/* a refresh, not a change */
			memcpy(s->rec, rec, len);
			s->reclen = len;
		}
		sub_notify(s, s->nonce + 1, rec, len);
		sub_event(s, "published");
	}
}

int
pubsub_ack(struct pubsub *ps, const struct pkt *p, const struct lisp_map_register *m)
{
	struct ps_sub		*s, *o, *n;
	struct lisp_addr	 src, sa;
	char			 a[80];

	if (ps == NULL)
		return 0;
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	TAILQ_FOREACH(s, &ps->subs, entry) {
		addr_from_sockaddr(&sa, (const struct sockaddr *)&s->to, NULL);
		if (s->tries > 0 && s->nonce == m->nonce && addr_equal(&sa, &src))
			break;
	}
	if (s == NULL)
		return 0;
	if (!pubsub_msg_verify(&ps->l->conf->pubsub_key, m)) {
		ps->ack_bad_auth++;
		log_limited(&ps->logrl, "pubsub: map-notify-ack from %s dropped: "
		    "authentication failed", sa_fmt((const struct sockaddr *)&p->src,
		    a, sizeof(a)));
		return 1;
	}
	locid_timer_stop(s->timer);
	s->tries = 0;
	s->acks++;
	ps->acked++;
	if (s->leaving) {
		sub_free(s);
		return 1;
	}
	if (!s->confirmed) {
		s->confirmed = 1;
		sub_event(s, "confirmed");
		/* it replaces what the xTR had for the prefix */
		for (o = TAILQ_FIRST(&ps->subs); o != NULL; o = n) {
			n = TAILQ_NEXT(o, entry);
			if (o != s && memcmp(o->xtr_id, s->xtr_id, XTR_ID_LEN) == 0 &&
			    same_prefix(o, &s->eid, s->mlen))
				sub_free(o);
		}
	}
	return 1;
}

json_t *
pubsub_json(struct pubsub *ps)
{
	struct ps_sub	*s;
	json_t		*a = json_array();
	char		 x[2 * XTR_ID_LEN + 1], p[ADDR_STRLEN], r[ADDR_STRLEN];
	struct lisp_addr ra;
	int		 i;

	if (ps == NULL)
		return a;
	TAILQ_FOREACH(s, &ps->subs, entry) {
		for (i = 0; i < XTR_ID_LEN; i++)
			snprintf(x + 2 * i, 3, "%02x", s->xtr_id[i]);
		addr_from_sockaddr(&ra, (const struct sockaddr *)&s->to, NULL);
		json_array_append_new(a, json_pack("{s:s, s:s, s:I, s:s, s:s, s:I, s:I, s:I, s:I}",
		    "eid_prefix", prefix_fmt(&s->eid, s->mlen, p, sizeof(p)),
		    "xtr_id", x, "site_id", (json_int_t)s->site_id,
		    "itr_rloc", addr_fmt(&ra, r, sizeof(r)),
		    "state", s->leaving ? "unsubscribed" : s->confirmed ?
		    "confirmed" : "pending",
		    "since", (json_int_t)s->since_s,
		    "map_notifies", (json_int_t)s->notifies,
		    "acks", (json_int_t)s->acks,
		    "unacked", (json_int_t)s->tries));
	}
	return a;
}

json_t *
pubsub_stats(struct pubsub *ps)
{
	if (ps == NULL)
		return json_null();
	return json_pack("{s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "subscriptions", (json_int_t)ps->n,
	    "map_notifies", (json_int_t)ps->sent,
	    "retransmissions", (json_int_t)ps->retx,
	    "acks", (json_int_t)ps->acked,
	    "unacked_removed", (json_int_t)ps->expired,
	    "refused_full", (json_int_t)ps->refused_full,
	    "refused_per_xtr", (json_int_t)ps->refused_xtr,
	    "refused_rloc", (json_int_t)ps->refused_rloc,
	    "ack_bad_auth", (json_int_t)ps->ack_bad_auth,
	    "unsubscribed", (json_int_t)ps->unsubscribed,
	    "unsubscribe_unknown", (json_int_t)ps->unsub_unknown);
}
