/* DDT node (RFC 8111 §7): answers DDT Map-Requests (ECM with D) with a
 * Map-Referral per record, from the configured delegations and
 * authoritative prefixes:
 *	inside a delegation		NODE-REFERRAL / MS-REFERRAL, the children
 *	inside the authority only	DELEGATION-HOLE, the coarsest part of the
 *					authority around the EID with no delegation
 *	elsewhere			NOT-AUTHORITATIVE, the requested prefix */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <openssl/evp.h>

#include "ddt.h"
#include "ddtsig.h"
#include "msmr.h"
#include "trie.h"

#define DDT_RL_SLOTS	4096

#define DDT_DROPS(X) \
	X(DDT_DROP_RATE_LIMIT, "ddt map-request: rate limit") \
	X(DDT_DROP_NOT_RESOLVABLE, "ddt map-request: eid not resolvable") \
	X(DDT_DROP_TOO_MANY_RECORDS, "ddt map-request: too many records") \
	X(DDT_DROP_SEND_FAILED, "map-referral: not sent")
enum ddt_drop { DDT_DROPS(DROP_ENUM) DDT_DROP__N };
static const char *const ddt_drop_names[DDT_DROP__N] = { DDT_DROPS(DROP_NAME) };

#define REF_ACTS	6

struct ddt_table {
	struct ddt_table *next;
	uint32_t	 iid;
	int		 bits;
	struct trie	*deleg;		/* -> struct conf_ddt_deleg */
	struct trie	*auth;		/* -> struct conf_prefix */
};

struct ddt_rl_slot {
	uint8_t		 addr[16];
	uint8_t		 af;
	uint64_t	 sec;
	uint32_t	 n;
};

struct ddt_rl {
	struct ddt_rl_slot s[DDT_RL_SLOTS];
};

struct ddt {
	struct locid		*l;
	struct ddt_table	*tables;
	struct ddt_rl		*rl;
	uint64_t		 drops[DDT_DROP__N];
	uint64_t		 sent[REF_ACTS];	/* Map-Referrals by action */
	struct ratelimit	 logrl;
};

/* signed records are kept: an RSA-2048 signature costs about 0.3 ms here
 * against 17 us to verify, and a node's answers repeat (the record of a
 * delegation does not change with the request; only the header's nonce
 * does; a Map-Server's MS-ACK is one record per registered prefix).
 * SIGCACHE_SLOTS records in sets of SIGCACHE_WAYS by SHA-256 of the
 * unsigned record and the key (the oldest signature of a set makes room);
 * one is signed again when half of its validity is gone.
 * bounded: SIGCACHE_SLOTS records of at most DDT_REFERRAL_MAX octets
 * (an MS-ACK signed with RSA-2048 is about 300), allocated as they come */
#define SIGCACHE_SLOTS	16384
#define SIGCACHE_WAYS	4
#define DDT_SIG_VALID_S	(2 * 86400)	/* the records' TTL is at most a day */
#define REF_HDR		12

struct sigslot {
	uint8_t		 md[32];
	const void	*key;
	uint64_t	 signed_at;	/* Unix s */
	uint16_t	 len, cap;
	uint8_t		*rec;
};
static struct sigslot	*sigcache;
uint64_t		 ddt_signatures, ddt_signature_hits;

static size_t
referral_signed(uint8_t *buf, size_t cap, struct referral_build *b,
    struct evp_pkey_st *key, uint16_t tag)
{
	struct sigslot	*s, *set;
	uint8_t		 md[32];
	int		 i;
	uint64_t	 now = (uint64_t)time(NULL);
	size_t		 n;

	b->sign = NULL;
	if ((n = map_referral_build(buf, cap, b)) == 0 || n <= REF_HDR)
		return 0;
	if (sigcache == NULL)
		sigcache = calloc(SIGCACHE_SLOTS, sizeof(*sigcache));
	if (sigcache != NULL && ddtsig_sha256(buf + REF_HDR, n - REF_HDR, md) == 0) {
		set = &sigcache[((size_t)(md[0] << 16 | md[1] << 8 | md[2]) *
		    SIGCACHE_WAYS) % SIGCACHE_SLOTS];
		for (s = set, i = 0; i < SIGCACHE_WAYS; i++) {
			if (set[i].key == key && memcmp(set[i].md, md, sizeof(md)) == 0 &&
			    now - set[i].signed_at < DDT_SIG_VALID_S / 2 &&
			    REF_HDR + (size_t)set[i].len <= cap) {
				memcpy(buf + REF_HDR, set[i].rec, set[i].len);
				ddt_signature_hits++;
				return REF_HDR + set[i].len;
			}
			if (set[i].signed_at < s->signed_at)
				s = &set[i];	/* the oldest (or an empty) one */
		}
	} else
		s = NULL;
	b->sign = key;
	b->sign_tag = tag;
	b->now = (uint32_t)now;
	b->sig_valid_s = DDT_SIG_VALID_S;
	if ((n = map_referral_build(buf, cap, b)) == 0)
		return 0;
	ddt_signatures++;
	if (s != NULL && s->cap < n - REF_HDR) {
		free(s->rec);
		s->cap = (s->rec = malloc(n - REF_HDR)) != NULL ? (uint16_t)(n - REF_HDR) : 0;
	}
	if (s != NULL && s->cap >= n - REF_HDR) {
		memcpy(s->md, md, sizeof(md));
		s->key = key;
		s->signed_at = now;
		s->len = (uint16_t)(n - REF_HDR);
		memcpy(s->rec, buf + REF_HDR, s->len);
	}
	return n;
}

int
ddt_referral_send(struct locid *l, const struct sockaddr *dst,
    const struct referral_build *b0)
{
	struct referral_build	 b = *b0;
	uint8_t			 buf[DDT_REFERRAL_MAX];
	size_t			 n;

	if (l->conf->ddt_sign_key != NULL)
		n = referral_signed(buf, sizeof(buf), &b, l->conf->ddt_sign_key,
		    l->conf->ddt_sign_tag);
	else
		n = map_referral_build(buf, sizeof(buf), &b);
	if (n == 0) {
		core_drop(l, CORE_DROP_REPLY_ENCODE_FAILED);
		return -1;
	}
	return locid_send(l, dst, buf, n);
}

static struct ddt_table *
table_get(struct ddt *d, uint32_t iid, int bits, int create)
{
	struct ddt_table *t;

	for (t = d->tables; t != NULL; t = t->next)
		if (t->iid == iid && t->bits == bits)
			return t;
	if (!create || (t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	if ((t->deleg = trie_new(bits)) == NULL ||
	    (t->auth = trie_new(bits)) == NULL) {
		trie_free(t->deleg, NULL);
		free(t);
		return NULL;
	}
	t->iid = iid;
	t->bits = bits;
	t->next = d->tables;
	d->tables = t;
	return t;
}

static void
tables_free(struct ddt *d)
{
	struct ddt_table *t;

	while ((t = d->tables) != NULL) {
		d->tables = t->next;
		trie_free(t->deleg, NULL);
		trie_free(t->auth, NULL);
		free(t);
	}
}

static int
tables_load(struct ddt *d)
{
	const struct conf	*c = d->l->conf;
	struct conf_ddt_deleg	*dl;
	struct conf_prefix	*cp;
	struct ddt_table	*t;
	void			*old;

	TAILQ_FOREACH(dl, &c->ddt_delegs, entry)
		if ((t = table_get(d, eid_iid(&dl->eid), addr_bits(&dl->eid), 1)) == NULL ||
		    trie_insert(t->deleg, addr_bytes(&dl->eid), dl->mlen, dl, &old) == -1)
			return -1;
	TAILQ_FOREACH(cp, &c->ddt_auth, entry)
		if ((t = table_get(d, eid_iid(&cp->eid), addr_bits(&cp->eid), 1)) == NULL ||
		    trie_insert(t->auth, addr_bytes(&cp->eid), cp->mlen, cp, &old) == -1)
			return -1;
	return 0;
}

struct ddt_rl *
ddt_rl_new(void)
{
	return calloc(1, sizeof(struct ddt_rl));
}

void
ddt_rl_free(struct ddt_rl *rl)
{
	free(rl);
}

int
ddt_rl_take(struct ddt_rl *rl, const struct lisp_addr *a, uint32_t pps)
{
	const uint8_t		*b;
	uint8_t			 af, len;
	uint32_t		 h = 2166136261u;
	uint64_t		 sec;
	struct ddt_rl_slot	*s;
	unsigned		 i;

	if (pps == 0 || rl == NULL || (b = addr_bytes(a)) == NULL)
		return 1;
	af = a->afi == AFI_IPV4 ? 4 : 6;
	len = af == 4 ? 4 : 16;
	for (i = 0; i < len; i++)
		h = (h ^ b[i]) * 16777619u;
	s = &rl->s[h % DDT_RL_SLOTS];
	sec = now_ms() / 1000;
	if (s->af != af || memcmp(s->addr, b, len) != 0 || s->sec != sec) {
		s->af = af;
		memcpy(s->addr, b, len);
		s->sec = sec;
		s->n = 0;
	}
	return ++s->n <= pps;
}

/* the referral for one requested prefix */
static void
ddt_answer(struct ddt *d, const struct pkt *p,
    const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep)
{
	struct ddt_table	*t;
	struct conf_ddt_deleg	*dl = NULL;
	struct conf_prefix	*ap = NULL;
	struct referral_build	 b;
	const uint8_t		*key = addr_bytes(&ep->eid);
	int			 bits = addr_bits(&ep->eid), mlen, amlen, nl;

	t = table_get(d, eid_iid(&ep->eid), bits, 0);
	if (t != NULL)
		dl = trie_lookup_prefix(t->deleg, key, ep->mlen, &mlen);
	/* a request coarser than a delegation that holds its first
	 * address: that delegation (the EID asked for is in it) */
	if (t != NULL && dl == NULL && trie_negative(t->deleg, key) < 0)
		dl = trie_lookup(t->deleg, key, &mlen);
	if (t != NULL && dl == NULL)
		ap = trie_lookup_prefix(t->auth, key, ep->mlen, &amlen);
	memset(&b, 0, sizeof(b));
	b.nonce = mreq->nonce;
	if (dl != NULL) {
		b.eid = dl->eid;
		b.mlen = dl->mlen;
		b.act = dl->to_ms ? REF_MS_REFERRAL : REF_NODE_REFERRAL;
		b.ttl = DDT_TTL_REFERRAL;
		b.rlocs = dl->rlocs;
		b.nrlocs = dl->nrlocs;
		b.rloc_key = dl->key_der;
		b.rloc_key_len = dl->key_der_len;
	} else if (ap != NULL) {
		/* the coarsest prefix around the EID that holds no
		 * delegation, no coarser than the authoritative prefix */
		nl = trie_negative(t->deleg, key);
		b.mlen = nl > amlen ? nl : amlen;
		b.eid = ep->eid;
		addr_mask(&b.eid, b.mlen);
		b.act = REF_DELEGATION_HOLE;
		b.ttl = DDT_TTL_HOLE;
	} else {
		b.eid = ep->eid;
		b.mlen = ep->mlen;
		addr_mask(&b.eid, b.mlen);
		b.act = REF_NOT_AUTHORITATIVE;
		b.incomplete = 1;
		b.ttl = DDT_TTL_NOT_AUTH;
	}
	if (ddt_referral_send(d->l, (const struct sockaddr *)&p->src, &b) == -1)
		d->drops[DDT_DROP_SEND_FAILED]++;
	else
		d->sent[b.act]++;
}

/* 1 if a delegation or an authoritative prefix of ours covers ep */
static int
ddt_covers(struct ddt *d, const struct lisp_eid_prefix *ep)
{
	struct ddt_table	*t;
	const uint8_t		*key = addr_bytes(&ep->eid);
	int			 bits = addr_bits(&ep->eid), m;

	if (key == NULL || bits == 0 ||
	    (t = table_get(d, eid_iid(&ep->eid), bits, 0)) == NULL)
		return 0;
	return trie_lookup_prefix(t->deleg, key, ep->mlen > bits ? bits : ep->mlen, &m) != NULL ||
	    trie_lookup_prefix(t->auth, key, ep->mlen > bits ? bits : ep->mlen, &m) != NULL ||
	    trie_negative(t->deleg, key) < 0;
}

static int
ddt_rx_request(void *o, const struct msg_in *m)
{
	struct ddt		*d = o;
	const struct pkt	*p = m->pkt;
	struct rbuf		 recs = m->mreq->records;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 src;
	int			 n = 0, bits;
	char			 s[80];

	/* beside a Map-Server, what the tree here does not cover is the
	 * Map-Server's to answer (MS-ACK, MS-NOT-REGISTERED) */
	if (d->l->conf->map_server && mreq_record_next(&recs, &ep) == 1 &&
	    !ddt_covers(d, &ep))
		return 0;
	recs = m->mreq->records;
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	if (!ddt_rl_take(d->rl, &src, d->l->conf->ratelimit_pps)) {
		d->drops[DDT_DROP_RATE_LIMIT]++;
		if (log_limited_ok(&d->logrl))
			log_warn("ddt map-requests from %s over the rate limit",
			    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)));
		return 1;
	}
	while (mreq_record_next(&recs, &ep) == 1) {
		if (++n > DDT_MAX_RECORDS) {
			d->drops[DDT_DROP_TOO_MANY_RECORDS]++;
			break;
		}
		if ((bits = addr_bits(&ep.eid)) == 0 || addr_bytes(&ep.eid) == NULL) {
			d->drops[DDT_DROP_NOT_RESOLVABLE]++;
			log_limited(&d->logrl, "ddt map-request from %s: eid "
			    "not resolvable", sa_fmt((const struct sockaddr *)&p->src,
			    s, sizeof(s)));
			continue;
		}
		if (ep.mlen > bits)
			ep.mlen = (uint8_t)bits;
		ddt_answer(d, p, m->mreq, &ep);
	}
	return 1;
}

/* -- the role ---------------------------------------------------------- */

static void	ddt_free(void *);

static int
ddt_wanted(const struct conf *c)
{
	return c->ddt_node;
}

static void *
ddt_new(struct locid *l)
{
	struct ddt *d;

	if ((d = calloc(1, sizeof(*d))) == NULL ||
	    (d->rl = ddt_rl_new()) == NULL) {
		free(d);
		log_warn("ddt-node: out of memory");
		return NULL;
	}
	d->l = l;
	log_limiter_init(&d->logrl, l->conf);
	if (tables_load(d) == -1) {
		log_warn("ddt-node: out of memory loading the delegations");
		ddt_free(d);
		return NULL;
	}
	return d;
}

static int
ddt_reconf(void *o, char *err, size_t errlen)
{
	struct ddt *d = o;

	tables_free(d);
	log_limiter_init(&d->logrl, d->l->conf);
	if (tables_load(d) == -1) {
		snprintf(err, errlen, "out of memory loading the delegations");
		return -1;
	}
	return 0;
}

static void
ddt_free(void *o)
{
	struct ddt *d = o;

	if (d == NULL)
		return;
	tables_free(d);
	ddt_rl_free(d->rl);
	free(d);
}

static void
ddt_counters(void *o, struct counters *k)
{
	struct ddt *d = o;

	k->names = ddt_drop_names;
	k->v = d->drops;
	k->n = DDT_DROP__N;
}

/* "show stats": Map-Referrals sent by action */
static json_t *
ddt_stats(void *o)
{
	struct ddt	*d = o;
	json_t		*j = json_object();
	unsigned	 i;

	for (i = 0; i < REF_ACTS; i++)
		json_object_set_new(j, referral_act_name(i),
		    json_integer((json_int_t)d->sent[i]));
	return json_pack("{s:o, s:I, s:I}", "referrals_sent", j,
	    "referral_signatures", (json_int_t)ddt_signatures,
	    "referral_signature_cache_hits", (json_int_t)ddt_signature_hits);
}

static struct ratelimit *
ddt_logrl(void *o)
{
	return &((struct ddt *)o)->logrl;
}

/* DDT Map-Requests go to the node before a co-located Map-Server */
const struct role role_ddt = {
	.name = "ddt-node",
	.wanted = ddt_wanted,
	.new = ddt_new,
	.reconf = ddt_reconf,
	.free = ddt_free,
	.rx = {
		[RX_DDT_REQUEST] = { ddt_rx_request, 10 },
	},
	.counters = ddt_counters,
	.stats = ddt_stats,
	.logrl = ddt_logrl,
};
