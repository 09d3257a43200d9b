/* the Map-Server side of NAT traversal (draft-ermagan-lisp-nat-traversal
 * §5.2): Info-Requests in, Info-Replies out. it runs beside the
 * Map-Server role (wanted with it) and keeps its own index of the sites'
 * EID-prefixes to find the key an Info-Request is signed with.
 *
 * an Info-Reply is larger than the request that caused it (it adds the
 * NAT-Traversal LCAF), so what is answered is bounded: every source
 * address gets at most INFO_PER_SOURCE replies a second; a request must be
 * signed with a key of the site whose EID-prefix it carries, unless
 * info-request-unauthenticated allows lispers.net's form (no
 * authentication, EID AFI 0 or a hostname), whose replies are also
 * limited to INFO_UNAUTH_PPS a second over all sources. a reply echoes
 * the request's EID field and adds only the LCAF, so it is never more
 * than the request plus the LCAF (at most 56 + 18 per RTR octets). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "lcaf.h"
#include "locid.h"
#include "sockaddr.h"
#include "trie.h"

#define INFO_RL_SLOTS	4096
#define INFO_PER_SOURCE	4	/* replies a second to one source address */
#define INFO_UNAUTH_PPS	50	/* unauthenticated replies a second, in all */
#define INFO_TTL_MIN	15	/* minutes the xTR keeps the RTR list */
#define INFO_PKT_MAX	1500

#define NATMS_DROPS(X) \
	X(NATMS_DROP_RATE_LIMIT, "info-request: rate limit per source") \
	X(NATMS_DROP_UNAUTH_RATE_LIMIT, "info-request: unauthenticated rate limit") \
	X(NATMS_DROP_UNAUTH_REFUSED, "info-request: unauthenticated (not allowed)") \
	X(NATMS_DROP_NO_EID, "info-request: authenticated without an eid-prefix") \
	X(NATMS_DROP_NO_SITE, "info-request: no site for the eid-prefix") \
	X(NATMS_DROP_UNKNOWN_KEY, "info-request: unknown key-id") \
	X(NATMS_DROP_BAD_HMAC, "info-request: bad hmac") \
	X(NATMS_DROP_ENCODE_FAILED, "info-reply: encode failed")
enum natms_drop { NATMS_DROPS(DROP_ENUM) NATMS_DROP__N };
static const char *const natms_drop_names[NATMS_DROP__N] = { NATMS_DROPS(DROP_NAME) };

struct natms_slot {		/* replies to one source address this second */
	uint8_t		 addr[16];
	uint8_t		 af;
	uint64_t	 sec;
	uint32_t	 n;
};

struct natms {
	struct locid	*l;
	struct trie_set *tables;
	struct natms_slot *rl;
	struct ratelimit unauth;
	uint64_t	 replies, replies_unauth;
	uint64_t	 drops[NATMS_DROP__N];
	struct ratelimit logrl;
};

static void
tables_free(struct natms *n)
{
	trie_set_free(&n->tables, NULL);
}

static struct trie_set *
table_get(struct natms *n, uint32_t iid, int bits, int create)
{
	return trie_set_get(&n->tables, iid, bits, create);
}

static int
tables_load(struct natms *n)
{
	struct conf_site	*cs;
	struct conf_prefix	*cp;
	struct trie_set	*t;
	void			*old;

	tables_free(n);
	TAILQ_FOREACH(cs, &n->l->conf->sites, entry)
		TAILQ_FOREACH(cp, &cs->prefixes, entry) {
			if (addr_bytes(&cp->eid) == NULL)
				continue;
			if ((t = table_get(n, cp->eid.has_iid ? cp->eid.iid : 0,
			    addr_bits(&cp->eid), 1)) == NULL ||
			    trie_insert(t->t, addr_bytes(&cp->eid), cp->mlen, cs,
			    &old) == -1)
				return -1;
		}
	return 0;
}

static struct conf_site *
site_of(struct natms *n, const struct lisp_addr *eid, int mlen)
{
	struct trie_set	*t;
	int			 m;

	if (addr_bytes(eid) == NULL || addr_bits(eid) == 0 ||
	    (t = table_get(n, eid->has_iid ? eid->iid : 0, addr_bits(eid), 0)) == NULL)
		return NULL;
	return trie_lookup_prefix(t->t, addr_bytes(eid), mlen, &m);
}

/* one more reply to source a this second, within INFO_PER_SOURCE */
static int
rl_take(struct natms *n, const struct lisp_addr *a)
{
	const uint8_t		*b;
	uint8_t			 af, len;
	uint32_t		 h = 2166136261u;
	uint64_t		 sec = now_ms() / 1000;
	struct natms_slot	*s;
	unsigned		 i;

	if ((b = addr_bytes(a)) == NULL)
		return 0;
	af = a->afi == AFI_IPV4 ? 4 : 6;
	len = af == 4 ? 4 : 16;
	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	s = &n->rl[h % INFO_RL_SLOTS];
	if (s->af != af || memcmp(s->addr, b, len) != 0 || s->sec != sec) {
		s->af = af;
		memcpy(s->addr, b, len);
		s->sec = sec;
		s->n = 0;
	}
	return ++s->n <= INFO_PER_SOURCE;
}

static void
refuse(struct natms *n, const struct pkt *p, enum natms_drop d)
{
	char s[80];

	n->drops[d]++;
	if (log_limited_ok(&n->logrl))
		log_warn("info-request from %s dropped: %s",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    natms_drop_names[d] + strlen("info-request: "));
}

/* the NAT-Traversal LCAF of the reply as a lisp_addr (pointing into buf) */
static int
nat_lcaf(struct natms *n, const struct pkt *p, uint8_t *buf, size_t cap,
    struct lisp_addr *out)
{
	struct lcaf_nat		 nat;
	struct conf_nat_rtr	*r;
	struct wbuf		 w;
	struct rbuf		 b;
	const char		*why;
	uint16_t		 port = 0;

	memset(&nat, 0, sizeof(nat));
	addr_from_sockaddr(&nat.global_etr, (const struct sockaddr *)&p->src,
	    &nat.etr_port);
	if (p->dst.ss_family == AF_INET || p->dst.ss_family == AF_INET6) {
		addr_from_sockaddr(&nat.ms_rloc, (const struct sockaddr *)&p->dst,
		    &port);
		if (port == 0)
			port = core_port(n->l, p->dst.ss_family == AF_INET ? 4 : 6);
	} else
		addr_set_none(&nat.ms_rloc);
	nat.ms_port = port;
	addr_set_none(&nat.private_etr);	/* AFI 0, as the draft says */
	TAILQ_FOREACH(r, &n->l->conf->nat_rtrs, entry)
		if (nat.nrtr < NAT_RTR_MAX)
			nat.rtr[nat.nrtr++] = r->addr;
	wbuf_init(&w, buf, cap);
	lcaf_nat_encode(&w, &nat);
	if (w.err)
		return -1;
	rbuf_init(&b, buf, w.len);
	return addr_decode(&b, out, 0, &why);
}

static void
natms_info_in(struct natms *n, const struct pkt *p, const struct lisp_info *q)
{
	struct conf		*c = n->l->conf;
	struct conf_site	*cs;
	const struct conf_key	*key = NULL;
	struct lisp_addr	 src;
	struct lisp_info	 r;
	uint8_t			 lbuf[512], buf[INFO_PKT_MAX];
	struct wbuf		 w;
	int			 i, alen = 0;
	char			 s[80];

	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	if (!rl_take(n, &src)) {
		refuse(n, p, NATMS_DROP_RATE_LIMIT);
		return;
	}
	if (q->auth_len == 0 && q->key_id == 0) {
		/* lispers.net: unauthenticated, EID AFI 0 or a hostname */
		if (!c->info_unauth) {
			refuse(n, p, NATMS_DROP_UNAUTH_REFUSED);
			return;
		}
		if (!ratelimit_allow(&n->unauth, now_ms())) {
			refuse(n, p, NATMS_DROP_UNAUTH_RATE_LIMIT);
			return;
		}
	} else {
		/* OOR and the draft: signed with the key of the EID's site;
		 * the 16-bit Key ID field is key-id << 8 | algorithm */
		if (addr_bytes(&q->eid) == NULL) {
			refuse(n, p, NATMS_DROP_NO_EID);
			return;
		}
		if ((cs = site_of(n, &q->eid, q->eid_mlen)) == NULL) {
			refuse(n, p, NATMS_DROP_NO_SITE);
			return;
		}
		for (i = 0; i < cs->nkeys; i++)
			if (cs->keys[i].key_id == q->key_id >> 8 &&
			    cs->keys[i].alg == (q->key_id & 0xff))
				key = &cs->keys[i];
		if (key == NULL || (alen = auth_len(key->alg)) <= 0) {
			refuse(n, p, NATMS_DROP_UNKNOWN_KEY);
			return;
		}
		if (auth_verify(key->alg, key->secret, strlen(key->secret),
		    p->buf, p->len, q->auth_off, q->auth_len) != 1) {
			refuse(n, p, NATMS_DROP_BAD_HMAC);
			return;
		}
	}

	memset(&r, 0, sizeof(r));
	r.reply = 1;
	r.nonce = q->nonce;
	r.key_id = key != NULL ? q->key_id : 0;
	r.auth_len = (uint16_t)alen;
	r.ttl = INFO_TTL_MIN;
	r.eid_mlen = q->eid_mlen;
	r.eid = q->eid;
	wbuf_init(&w, buf, sizeof(buf));
	if (nat_lcaf(n, p, lbuf, sizeof(lbuf), &r.nat) == -1) {
		n->drops[NATMS_DROP_ENCODE_FAILED]++;
		return;
	}
	info_encode(&w, &r);
	if (w.err || (key != NULL && auth_sign(key->alg, key->secret,
	    strlen(key->secret), buf, w.len, q->auth_off, (size_t)alen) == -1)) {
		n->drops[NATMS_DROP_ENCODE_FAILED]++;
		return;
	}
	if (key != NULL)
		n->replies++;
	else
		n->replies_unauth++;
	if (n->l->debug)
		log_debug("info-reply to %s (%s)",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    key != NULL ? "authenticated" : "unauthenticated");
	locid_send(n->l, (const struct sockaddr *)&p->src, buf, w.len);
}

/* -- role row ---------------------------------------------------------- */

static int
natms_wanted(const struct conf *c)
{
	return c->map_server;
}

static void	natms_free(void *);

static void *
natms_new(struct locid *l)
{
	struct natms *n;

	if ((n = calloc(1, sizeof(*n))) == NULL ||
	    (n->rl = calloc(INFO_RL_SLOTS, sizeof(*n->rl))) == NULL) {
		free(n);
		log_warn("map-server-nat: out of memory");
		return NULL;
	}
	n->l = l;
	log_limiter_init(&n->logrl, l->conf);
	n->unauth.window_ms = 1000;
	n->unauth.burst = INFO_UNAUTH_PPS;
	if (tables_load(n) == -1) {
		log_warn("map-server-nat: out of memory loading sites");
		natms_free(n);
		return NULL;
	}
	return n;
}

static int
natms_reconf(void *o, char *err, size_t errlen)
{
	struct natms *n = o;

	log_limiter_init(&n->logrl, n->l->conf);
	if (tables_load(n) == -1) {
		snprintf(err, errlen, "map-server-nat: out of memory loading sites");
		return -1;
	}
	return 0;
}

static void
natms_free(void *o)
{
	struct natms *n = o;

	if (n == NULL)
		return;
	tables_free(n);
	free(n->rl);
	free(n);
}

static int
natms_rx_info(void *o, const struct msg_in *m)
{
	natms_info_in(o, m->pkt, m->info);
	return 1;
}

static void
natms_counters(void *o, struct counters *k)
{
	struct natms *n = o;

	k->names = natms_drop_names;
	k->v = n->drops;
	k->n = NATMS_DROP__N;
}

static json_t *
natms_stats(void *o)
{
	struct natms *n = o;

	return json_pack("{s:I,s:I}",
	    "info_replies", (json_int_t)n->replies,
	    "info_replies_unauthenticated", (json_int_t)n->replies_unauth);
}

static void
natms_clear_stats(void *o)
{
	struct natms *n = o;

	memset(n->drops, 0, sizeof(n->drops));
	n->replies = n->replies_unauth = 0;
}

static struct ratelimit *
natms_logrl(void *o)
{
	return &((struct natms *)o)->logrl;
}

const struct role role_natms = {
	.name = "map-server-nat",
	.wanted = natms_wanted,
	.new = natms_new,
	.reconf = natms_reconf,
	.free = natms_free,
	.rx = {
		[RX_INFO_REQUEST] = { natms_rx_info, 10 },
	},
	.counters = natms_counters,
	.stats = natms_stats,
	.clear_stats = natms_clear_stats,
	.logrl = natms_logrl,
};
