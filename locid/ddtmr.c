/* DDT Map-Resolver (RFC 8111 §7.3): the resolver backend of a
 * Map-Resolver configured with ddt-root. a Map-Request from an ITR
 * becomes a pending request that walks the delegation tree: a DDT
 * Map-Request (the ITR's request in an ECM with D) to an RLOC of the
 * longest cached referral (or a root), and from each Map-Referral on to
 * the next, until a Map-Server says MS-ACK (its ETR answers the ITR) or
 * the tree says there is nothing (negative Map-Reply from here).
 *
 * what a referral may teach is bounded by where it came from: it must
 * come from the RLOC the request went to, cover the EID asked for and be
 * strictly more specific than the referral that led there, so a node
 * speaks only for the space delegated to it and a walk ends in at most
 * DR_DEPTH_MAX steps. state is bounded: DR_PENDING_MAX requests in flight,
 * DR_CACHE_MAX referrals cached (the oldest goes first), each with its
 * TTL capped by referral-ttl-max.
 *
 * signatures (RFC 8111 §10.4): a root given with a key (its trust anchor)
 * must sign its referrals; a signed referral carries each child's public
 * key in a Security Key LCAF around the child's RLOC, and the child's
 * answers must then be signed with that key, down to the Map-Server's
 * MS-ACK. a referral whose signature is missing or does not verify is
 * dropped and counted, and the next RLOC of the set is asked. an RLOC
 * reached without a key (a root with no key, or a child its signed parent
 * gave none) is taken unsigned, as before. keys are held once each in
 * DR_KEYS_MAX slots, referenced by the cache and the pending requests; an
 * RLOC whose key finds no slot is not followed (never taken unsigned).
 * a Map-Server's MS-ACK for a prefix is the same octets every time (the
 * nonce is outside the record), so a record found good is remembered, by
 * SHA-256 of the key and the record, for DR_VCACHE_MS: the next copy costs
 * a hash instead of an RSA verification. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/queue.h>

#include <time.h>

#include <openssl/evp.h>

#include "ddt.h"
#include "ddtsig.h"
#include "lcaf.h"
#include "msmr.h"
#include "trie.h"

#define DR_PENDING_MAX	1024
#define DR_CACHE_MAX	10000
#define DR_DEPTH_MAX	8	/* referrals followed per request */
#define DR_SENDS_MAX	16	/* DDT Map-Requests sent per request */
#define DR_RLOCS	CONF_DDT_RLOCS
#define DR_KEYS_MAX	256	/* distinct public keys known at once */
#define DR_VCACHE	4096	/* records whose signature was checked */
#define DR_VCACHE_MS	300000	/* and for how long that holds */

#define DR_DROPS(X) \
	X(DR_DROP_PENDING_FULL, "ddt: pending requests full") \
	X(DR_DROP_MORE_RECORDS, "ddt: records after the first not followed") \
	X(DR_DROP_ENCODE, "ddt: map-request too large to encapsulate") \
	X(DR_DROP_UNSOLICITED, "map-referral: no pending request") \
	X(DR_DROP_WRONG_SOURCE, "map-referral: not from the rloc asked") \
	X(DR_DROP_NOT_COVERING, "map-referral: prefix does not cover the eid") \
	X(DR_DROP_LOOP, "map-referral: not more specific than the last") \
	X(DR_DROP_DEPTH, "ddt: referral depth limit") \
	X(DR_DROP_EMPTY_SET, "map-referral: referral without rlocs") \
	X(DR_DROP_NOT_AUTH, "ddt: not-authoritative answer") \
	X(DR_DROP_TIMEOUT, "ddt: no answer from any referral rloc") \
	X(DR_DROP_BAD_ACTION, "map-referral: unknown action") \
	X(DR_DROP_BAD_SIGNATURE, "map-referral: signature missing or invalid") \
	X(DR_DROP_BAD_KEY, "map-referral: child key unusable or no slot for it")
enum dr_drop { DR_DROPS(DROP_ENUM) DR_DROP__N };
static const char *const dr_drop_names[DR_DROP__N] = { DR_DROPS(DROP_NAME) };

/* a referral-cache entry */
struct dr_entry {
	struct trie_set	*tab;
	struct lisp_addr eid;
	int		 mlen;
	uint8_t		 act;		/* REF_* */
	int		 nrlocs;
	struct lisp_addr rlocs[DR_RLOCS];
	uint64_t	 expires;	/* now_ms() */
	int16_t		 key[DR_RLOCS];	/* slot of each RLOC's key, -1: none */
	uint8_t		 verified;	/* learnt from a signed referral */
	uint32_t	 ttl;		/* as received, minutes */
	uint64_t	 hits;
	TAILQ_ENTRY(dr_entry) age;	/* oldest first */
};
TAILQ_HEAD(dr_entries, dr_entry);

struct dr;

struct dr_pending {
	struct dr	*dr;
	uint64_t	 nonce;
	struct lisp_addr eid;		/* the EID asked for (IID kept) */
	int		 mlen;
	struct sockaddr_storage reply_to;	/* the ITR-RLOC and port */
	uint8_t		 msg[MSMR_PKT_MAX];	/* the DDT Map-Request */
	size_t		 len;
	/* the referral being followed */
	struct lisp_addr ref_eid;
	int		 ref_mlen;	/* -1: the roots */
	int		 ref_cached;	/* it came from the cache */
	int		 nrlocs, next;
	struct lisp_addr rlocs[DR_RLOCS];
	int16_t		 key[DR_RLOCS];	/* the key each must sign with, -1: none */
	struct lisp_addr asked;		/* where the last request went */
	int16_t		 asked_key;
	int		 depth, sends, restarted;
	uint64_t	 started;
	struct locid_timer *timer;
	TAILQ_ENTRY(dr_pending) entry;
};
TAILQ_HEAD(dr_pendings, dr_pending);

struct dr {
	struct locid		*l;
	struct trie_set		*tables;
	struct dr_entries	 cache;
	unsigned		 ncache;
	struct dr_pendings	 pending;
	unsigned		 npending;
	struct locid_timer	*sweep;
	uint64_t		 sweep_at;	/* when it is armed for, 0: not */
	uint64_t		 drops[DR_DROP__N];
	uint64_t		 rx_ref[6];	/* Map-Referrals taken, by action */
	uint64_t		 resolved, negative, sent, verified;
	struct ratelimit	 logrl;
	struct dr_key {
		uint8_t		 md[32];	/* SHA-256 of its DER */
		struct ddtsig_verifier *k;
		unsigned	 refs;
	} keys[DR_KEYS_MAX];
	struct dr_vslot {
		uint8_t		 md[32];	/* of the key's md and the record */
		uint64_t	 until;		/* now_ms() */
	} *vcache;			/* DR_VCACHE, on the first signed record */
	uint64_t		 vcache_hits;
	unsigned		 nkeys;
};

static const struct resolver dr_resolver;

/* -- keys -------------------------------------------------------------- */

/* the slot of the public key der (known, or learnt now) with a reference
 * taken; -1 when it is no usable key or no slot is free */
static int
key_get(struct dr *dr, const uint8_t *der, size_t len)
{
	uint8_t		md[32];
	EVP_PKEY	*pk;
	int		i, fr = -1;

	if (ddtsig_sha256(der, len, md) == -1)
		return -1;
	for (i = 0; i < DR_KEYS_MAX; i++) {
		if (dr->keys[i].k == NULL) {
			if (fr < 0)
				fr = i;
		} else if (memcmp(dr->keys[i].md, md, sizeof(md)) == 0) {
			dr->keys[i].refs++;
			return i;
		}
	}
	if (fr < 0 || (pk = ddtsig_from_der(der, len)) == NULL)
		return -1;
	dr->keys[fr].k = ddtsig_verifier_new(pk);	/* holds its own reference */
	ddtsig_free(pk);
	if (dr->keys[fr].k == NULL)
		return -1;
	memcpy(dr->keys[fr].md, md, sizeof(md));
	dr->keys[fr].refs = 1;
	dr->nkeys++;
	return fr;
}

static int
key_ref(struct dr *dr, int i)
{
	if (i >= 0)
		dr->keys[i].refs++;
	return i;
}

static void
key_put(struct dr *dr, int i)
{
	if (i < 0 || dr->keys[i].k == NULL || --dr->keys[i].refs > 0)
		return;
	ddtsig_verifier_free(dr->keys[i].k);
	dr->keys[i].k = NULL;
	dr->nkeys--;
}

/* the referral set of rec: the RLOCs (unwrapped from a Security Key LCAF)
 * and each one's key slot (a reference the caller puts back); how many.
 * an RLOC with a key it cannot hold is left out and counted */
static int
referral_set(struct dr *dr, const struct lisp_record *rec,
    struct lisp_addr *rl, int16_t *key)
{
	struct rbuf		 rb = rec->rlocs;
	struct lisp_rloc	 loc;
	struct lcaf_seckey	 sk;
	int			 n = 0, k;

	while (n < DR_RLOCS && rloc_next(&rb, &loc) == 1) {
		if (loc.addr.afi == AFI_LCAF && loc.addr.lcaf_type == LCAF_SECKEY) {
			if (lcaf_seckey_decode(&loc.addr, &sk) == -1 || sk.nkeys == 0 ||
			    sk.alg != DDTSIG_RSA_SHA256 || sk.revoke ||
			    (k = key_get(dr, sk.key[0].material, sk.key[0].len)) < 0) {
				dr->drops[DR_DROP_BAD_KEY]++;
				continue;
			}
			rl[n] = sk.addr;
			key[n++] = (int16_t)k;
		} else {
			rl[n] = loc.addr;
			key[n++] = -1;
		}
	}
	return n;
}

/* the record signed by the key of slot k: from the checked records, or
 * checked now (and remembered when good) */
static int
record_verify(struct dr *dr, int k, const struct lisp_record *rec, const char **why)
{
	struct dr_vslot	*v = NULL;
	uint8_t		 md[32];
	uint64_t	 now = now_ms();

	if (dr->vcache == NULL)
		dr->vcache = calloc(DR_VCACHE, sizeof(*dr->vcache));
	if (dr->vcache != NULL) {
		if (ddtsig_sha256_2(dr->keys[k].md, 32, rec->raw.p, rec->raw.len, md) == 0) {
			v = &dr->vcache[(md[0] << 8 | md[1]) % DR_VCACHE];
			if (v->until > now && memcmp(v->md, md, sizeof(md)) == 0) {
				dr->vcache_hits++;
				return 0;
			}
		} else
			v = NULL;
	}
	if (ddtsig_verify(rec, dr->keys[k].k, (uint32_t)time(NULL), why) == -1)
		return -1;
	if (v != NULL) {
		memcpy(v->md, md, sizeof(md));
		v->until = now + DR_VCACHE_MS;
	}
	return 0;
}

static void
keys_put(struct dr *dr, int16_t *key, int n)
{
	int i;

	for (i = 0; i < n; i++)
		key_put(dr, key[i]);
}

/* -- the referral cache ---------------------------------------------- */

static struct trie_set *
table_get(struct dr *dr, uint32_t iid, int bits, int create)
{
	return trie_set_get(&dr->tables, iid, bits, create);
}

static void
entry_free(struct dr *dr, struct dr_entry *e)
{
	trie_remove(e->tab->t, addr_bytes(&e->eid), e->mlen);
	TAILQ_REMOVE(&dr->cache, e, age);
	dr->ncache--;
	keys_put(dr, e->key, e->nrlocs);
	free(e);
}

static void
cache_clear(struct dr *dr)
{
	struct dr_entry *e;

	while ((e = TAILQ_FIRST(&dr->cache)) != NULL)
		entry_free(dr, e);
}

/* drop what expired; the sweep timer at the next expiry */
static void
cache_expire(struct dr *dr, uint64_t now)
{
	struct dr_entry	*e, *n;
	uint64_t	 next = 0;

	for (e = TAILQ_FIRST(&dr->cache); e != NULL; e = n) {
		n = TAILQ_NEXT(e, age);
		if (e->expires <= now)
			entry_free(dr, e);
		else if (next == 0 || e->expires < next)
			next = e->expires;
	}
	/* a sweep walks the cache: at most one a second (lookups and show
	 * skip what expired in between) */
	if (next != 0 && next < now + 1000)
		next = now + 1000;
	dr->sweep_at = next;
	if (next != 0)
		locid_timer_at(dr->sweep, next);
	else
		locid_timer_stop(dr->sweep);
}

static void
sweep_cb(void *arg)
{
	cache_expire(arg, now_ms());
}

/* the longest unexpired referral covering eid */
static struct dr_entry *
cache_lookup(struct dr *dr, const struct lisp_addr *eid, int mlen)
{
	struct trie_set	*t = table_get(dr, eid_iid(eid), addr_bits(eid), 0);
	struct dr_entry	*e;
	int		 m;

	if (t == NULL)
		return NULL;
	e = trie_lookup_prefix(t->t, addr_bytes(eid), mlen, &m);
	if (e != NULL && e->expires <= now_ms()) {
		cache_expire(dr, now_ms());
		e = trie_lookup_prefix(t->t, addr_bytes(eid), mlen, &m);
	}
	return e;
}

static void
cache_put(struct dr *dr, const struct lisp_record *rec, const struct lisp_addr *rl,
    const int16_t *key, int n, int verified)
{
	const struct conf	*c = dr->l->conf;
	struct trie_set		*t;
	struct dr_entry		*e;
	uint64_t		 ttl_ms, now = now_ms();
	void			*old;
	int			 i;

	if (rec->ttl == 0)
		return;
	ttl_ms = (uint64_t)rec->ttl * 60000;
	if (ttl_ms > (uint64_t)c->timers.referral_ttl_max * 1000)
		ttl_ms = (uint64_t)c->timers.referral_ttl_max * 1000;
	if ((t = table_get(dr, eid_iid(&rec->eid), addr_bits(&rec->eid), 1)) == NULL)
		return;
	if ((e = trie_exact(t->t, addr_bytes(&rec->eid), rec->eid_mlen)) != NULL)
		entry_free(dr, e);
	else if (dr->ncache >= DR_CACHE_MAX)
		entry_free(dr, TAILQ_FIRST(&dr->cache));
	if ((e = calloc(1, sizeof(*e))) == NULL)
		return;
	e->tab = t;
	e->eid = rec->eid;
	addr_mask(&e->eid, rec->eid_mlen);
	e->mlen = rec->eid_mlen;
	e->act = rec->act;
	e->ttl = rec->ttl;
	e->expires = now + ttl_ms;
	e->verified = verified != 0;
	for (i = 0; i < n && e->nrlocs < DR_RLOCS; i++)
		if (core_can_send(dr->l, &rl[i])) {
			e->key[e->nrlocs] = (int16_t)key_ref(dr, key[i]);
			e->rlocs[e->nrlocs++] = rl[i];
		}
	if (trie_insert(t->t, addr_bytes(&e->eid), e->mlen, e, &old) == -1) {
		keys_put(dr, e->key, e->nrlocs);
		free(e);
		return;
	}
	TAILQ_INSERT_TAIL(&dr->cache, e, age);
	dr->ncache++;
	/* the sweep moves only for an earlier expiry: an insert is O(depth) */
	if (dr->sweep_at == 0 || e->expires < dr->sweep_at) {
		dr->sweep_at = e->expires;
		locid_timer_at(dr->sweep, e->expires);
	}
}

/* an RLOC of a cached referral did not answer: the others first next time */
static void
cache_demote(struct dr *dr, const struct dr_pending *pr, const struct lisp_addr *rloc)
{
	struct trie_set	*t;
	struct dr_entry	*e;
	int		 i;

	if (pr->ref_mlen < 0 ||
	    (t = table_get(dr, eid_iid(&pr->ref_eid), addr_bits(&pr->ref_eid), 0)) == NULL ||
	    (e = trie_exact(t->t, addr_bytes(&pr->ref_eid), pr->ref_mlen)) == NULL)
		return;
	for (i = 0; i < e->nrlocs; i++)
		if (addr_equal(&e->rlocs[i], rloc)) {
			int16_t k = e->key[i];

			memmove(&e->rlocs[i], &e->rlocs[i + 1],
			    (size_t)(e->nrlocs - i - 1) * sizeof(e->rlocs[0]));
			memmove(&e->key[i], &e->key[i + 1],
			    (size_t)(e->nrlocs - i - 1) * sizeof(e->key[0]));
			e->rlocs[e->nrlocs - 1] = *rloc;
			e->key[e->nrlocs - 1] = k;
			return;
		}
}

static void
cache_flush_one(struct dr *dr, const struct lisp_addr *eid, int mlen)
{
	struct trie_set	*t = table_get(dr, eid_iid(eid), addr_bits(eid), 0);
	struct dr_entry	*e;

	if (t != NULL && (e = trie_exact(t->t, addr_bytes(eid), mlen)) != NULL)
		entry_free(dr, e);
}

/* -- pending requests ------------------------------------------------ */

static void
pending_free(struct dr_pending *pr)
{
	struct dr *dr = pr->dr;

	TAILQ_REMOVE(&dr->pending, pr, entry);
	dr->npending--;
	keys_put(dr, pr->key, pr->nrlocs);
	locid_timer_free(pr->timer);
	free(pr);
}

/* follow the roots */
static void
pending_roots(struct dr_pending *pr)
{
	struct dr	 *dr = pr->dr;
	struct conf_peer *p;
	int		  k;

	keys_put(dr, pr->key, pr->nrlocs);
	pr->nrlocs = pr->next = 0;
	pr->ref_mlen = -1;
	pr->ref_cached = 0;
	TAILQ_FOREACH(p, &dr->l->conf->ddt_roots, entry) {
		if (pr->nrlocs == DR_RLOCS || !core_can_send(dr->l, &p->addr))
			continue;
		/* a root with a trust anchor is asked only if we can check it */
		if ((k = p->key_der != NULL ? key_get(dr, p->key_der, p->key_der_len) :
		    -1) < 0 && p->key != NULL) {
			dr->drops[DR_DROP_BAD_KEY]++;
			continue;
		}
		pr->key[pr->nrlocs] = (int16_t)k;
		pr->rlocs[pr->nrlocs++] = p->addr;
	}
}

static void
pending_follow(struct dr_pending *pr, const struct lisp_addr *eid, int mlen,
    const struct lisp_addr *rlocs, const int16_t *key, int n, int cached)
{
	int i;

	keys_put(pr->dr, pr->key, pr->nrlocs);
	pr->ref_eid = *eid;
	pr->ref_mlen = mlen;
	pr->ref_cached = cached;
	pr->nrlocs = pr->next = 0;
	for (i = 0; i < n && pr->nrlocs < DR_RLOCS; i++) {
		pr->key[pr->nrlocs] = (int16_t)key_ref(pr->dr, key[i]);
		pr->rlocs[pr->nrlocs++] = rlocs[i];
	}
}

/* the DDT Map-Request to the next RLOC of the referral; 0 when none is left */
static int
pending_send(struct dr_pending *pr)
{
	struct dr		*dr = pr->dr;
	struct sockaddr_storage	 dst;

	while (pr->next < pr->nrlocs && pr->sends < DR_SENDS_MAX) {
		pr->asked_key = pr->key[pr->next];
		pr->asked = pr->rlocs[pr->next++];
		if (!core_can_send(dr->l, &pr->asked))
			continue;
		sockaddr_from_addr(&dst, &pr->asked, LISP_CONTROL_PORT);
		pr->sends++;
		dr->sent++;
		locid_send(dr->l, (struct sockaddr *)&dst, pr->msg, pr->len);
		locid_timer_at(pr->timer, now_ms() + dr->l->conf->timers.map_request_timeout_ms);
		return 1;
	}
	return 0;
}

/* a negative Map-Reply to the ITR for eid/mlen */
static void
pending_negative(struct dr_pending *pr, const struct lisp_addr *eid, int mlen,
    uint32_t ttl)
{
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	uint8_t			 buf[256];
	struct wbuf		 w;

	memset(&rep, 0, sizeof(rep));
	rep.nonce = pr->nonce;
	rep.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = ttl;
	rec.eid_mlen = (uint8_t)mlen;
	rec.act = ACT_NATIVE_FORWARD;
	rec.auth = 1;
	rec.eid = *eid;
	addr_mask(&rec.eid, mlen);
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &rep);
	record_encode(&w, &rec);
	if (w.err) {
		core_drop(pr->dr->l, CORE_DROP_REPLY_ENCODE_FAILED);
		return;
	}
	pr->dr->negative++;
	if (core_monitoring(pr->dr->l)) {
		char pf[ADDR_STRLEN];

		core_event(pr->dr->l, "ddt", json_pack("{s:s, s:s, s:I}",
		    "event", "negative", "eid_prefix", prefix_fmt(&rec.eid, mlen, pf,
		    sizeof(pf)), "ttl", (json_int_t)ttl));
	}
	locid_send(pr->dr->l, (struct sockaddr *)&pr->reply_to, buf, w.len);
}

static void
pending_timeout(void *arg)
{
	struct dr_pending	*pr = arg;
	struct dr		*dr = pr->dr;
	char			 s[ADDR_STRLEN], e[ADDR_STRLEN];

	cache_demote(dr, pr, &pr->asked);
	if (pending_send(pr))
		return;
	dr->drops[DR_DROP_TIMEOUT]++;
	if (core_monitoring(dr->l))
		core_event(dr->l, "ddt", json_pack("{s:s, s:s, s:s}", "event",
		    "unanswered", "eid", prefix_fmt(&pr->eid, pr->mlen, e, sizeof(e)),
		    "last_asked", addr_fmt(&pr->asked, s, sizeof(s))));
	log_limited(&dr->logrl, "ddt: no answer for %s (last asked %s)",
	    prefix_fmt(&pr->eid, pr->mlen, e, sizeof(e)),
	    addr_fmt(&pr->asked, s, sizeof(s)));
	pending_free(pr);
}

/* the DDT Map-Request: the received ECM with D (E and M cleared), or a
 * plain request wrapped */
static int
ddt_msg(struct dr_pending *pr, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_eid_prefix *ep)
{
	struct lisp_addr	 src, edst;
	struct wbuf		 w;
	uint16_t		 sport;

	if (ecm != NULL) {
		if (p->len > sizeof(pr->msg))
			return -1;
		memcpy(pr->msg, p->buf, p->len);
		put_u32(pr->msg, (get_u32(pr->msg) & ~(ECM_E | ECM_M)) | ECM_D);
		pr->len = p->len;
		return 0;
	}
	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, &sport);
	edst = ep->eid;
	edst.has_iid = 0;
	if (edst.afi != src.afi)
		addr_set_any(&src, edst.afi);
	wbuf_init(&w, pr->msg, sizeof(pr->msg));
	ecm_encode(&w, ECM_D, &src, &edst, sport, LISP_CONTROL_PORT, p->buf, p->len);
	if (w.err)
		return -1;
	pr->len = w.len;
	return 0;
}

/* the backend: every EID is the tree's to answer */
static int
dr_resolve(void *o, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, const struct lisp_eid_prefix *ep,
    int *forwarded)
{
	struct dr		*dr = o;
	struct dr_pending	*pr;
	struct dr_entry		*e;
	struct sockaddr_storage	 to;
	uint64_t		 now = now_ms(), left;

	if (*forwarded) {
		dr->drops[DR_DROP_MORE_RECORDS]++;
		return 1;
	}
	*forwarded = 1;
	if (msmr_reply_dst(dr->l, p, ecm, mreq, &to) == -1)
		return 1;
	e = cache_lookup(dr, &ep->eid, ep->mlen);
	if (e != NULL && (e->act == REF_DELEGATION_HOLE ||
	    e->act == REF_MS_NOT_REGISTERED)) {
		/* a known hole: answered from here, for what is left of it */
		struct dr_pending tmp;

		e->hits++;
		left = (e->expires - now + 59999) / 60000;
		memset(&tmp, 0, sizeof(tmp));
		tmp.dr = dr;
		tmp.nonce = mreq->nonce;
		tmp.reply_to = to;
		pending_negative(&tmp, &e->eid, e->mlen,
		    (uint32_t)(left < e->ttl ? left : e->ttl));
		return 1;
	}
	if (dr->npending >= DR_PENDING_MAX) {
		dr->drops[DR_DROP_PENDING_FULL]++;
		log_limited(&dr->logrl, "ddt: %u requests pending, one refused",
		    dr->npending);
		return 1;
	}
	if ((pr = calloc(1, sizeof(*pr))) == NULL)
		return 1;
	pr->dr = dr;
	pr->nonce = mreq->nonce;
	pr->eid = ep->eid;
	pr->mlen = ep->mlen;
	pr->reply_to = to;
	pr->started = now;
	if (ddt_msg(pr, p, ecm, ep) == -1 ||
	    (pr->timer = locid_timer_new(dr->l, pending_timeout, pr)) == NULL) {
		dr->drops[DR_DROP_ENCODE]++;
		free(pr);
		return 1;
	}
	TAILQ_INSERT_TAIL(&dr->pending, pr, entry);
	dr->npending++;
	if (e != NULL) {
		e->hits++;
		pending_follow(pr, &e->eid, e->mlen, e->rlocs, e->key, e->nrlocs, 1);
	} else
		pending_roots(pr);
	if (!pending_send(pr)) {
		dr->drops[DR_DROP_TIMEOUT]++;
		pending_free(pr);
	}
	return 1;
}

static struct trie *
dr_eid_space(void *o, uint32_t iid, int bits)
{
	return NULL;
}

static const struct resolver dr_resolver = {
	.resolve = dr_resolve,
	.eid_space = dr_eid_space,
};

/* -- Map-Referrals --------------------------------------------------- */

/* p/plen covers a (same IID and family) */
static int
covers(const struct lisp_addr *p, int plen, const struct lisp_addr *a)
{
	struct lisp_addr x = *a, y = *p;

	if (eid_iid(p) != eid_iid(a) || addr_bits(p) != addr_bits(a) ||
	    plen > addr_bits(a))
		return 0;
	addr_mask(&x, plen);
	addr_mask(&y, plen);
	return memcmp(addr_bytes(&x), addr_bytes(&y), (size_t)addr_bits(a) / 8) == 0;
}

static void
referral_in(struct dr *dr, const struct pkt *p, uint64_t nonce,
    const struct lisp_record *in)
{
	struct lisp_record	 r = *in, *rec = &r;
	struct dr_pending	*pr;
	struct lisp_addr	 src, rl[DR_RLOCS];
	int16_t			 key[DR_RLOCS];
	const char		*why;
	int			 n = 0, any_nonce = 0, verified = 0, i;
	char			 s[80], e[ADDR_STRLEN];

	addr_from_sockaddr(&src, (const struct sockaddr *)&p->src, NULL);
	TAILQ_FOREACH(pr, &dr->pending, entry) {
		if (pr->nonce != nonce)
			continue;
		any_nonce = 1;
		if (addr_equal(&pr->asked, &src) && covers(&rec->eid,
		    rec->eid_mlen, &pr->eid))
			break;
	}
	if (pr == NULL) {
		enum dr_drop d = !any_nonce ? DR_DROP_UNSOLICITED :
		    DR_DROP_WRONG_SOURCE;

		dr->drops[d]++;
		log_limited(&dr->logrl, "map-referral from %s dropped: %s",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    dr_drop_names[d]);
		return;
	}
	/* the RLOC asked holds a key: its answer is signed with it or is
	 * not its answer (the request waits on, and times out to the next
	 * RLOC if nothing better comes) */
	if (pr->asked_key >= 0) {
		if (record_verify(dr, pr->asked_key, in, &why) == -1) {
			dr->drops[DR_DROP_BAD_SIGNATURE]++;
			log_limited(&dr->logrl, "map-referral from %s for %s dropped: %s",
			    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
			    prefix_fmt(&pr->eid, pr->mlen, e, sizeof(e)), why);
			return;
		}
		verified = 1;
		dr->verified++;
	}
	if (rec->act < 6)
		dr->rx_ref[rec->act]++;
	/* a node speaks for what it was asked as the holder of */
	if ((rec->act == REF_NODE_REFERRAL || rec->act == REF_MS_REFERRAL) &&
	    rec->eid_mlen <= pr->ref_mlen) {
		dr->drops[DR_DROP_LOOP]++;
		log_limited(&dr->logrl, "map-referral from %s dropped: %s",
		    sa_fmt((const struct sockaddr *)&p->src, s, sizeof(s)),
		    dr_drop_names[DR_DROP_LOOP]);
		pending_free(pr);
		return;
	}
	if (core_monitoring(dr->l)) {
		char pf[ADDR_STRLEN], a[ADDR_STRLEN];

		core_event(dr->l, "ddt", json_pack("{s:s, s:s, s:s, s:s, s:s, s:I, s:b, s:b}",
		    "event", "referral", "from", addr_fmt(&src, a, sizeof(a)),
		    "eid", prefix_fmt(&pr->eid, pr->mlen, e, sizeof(e)),
		    "eid_prefix", prefix_fmt(&rec->eid, rec->eid_mlen, pf, sizeof(pf)),
		    "action", referral_act_name(rec->act), "ttl", (json_int_t)rec->ttl,
		    "incomplete", rec->incomplete != 0, "verified", verified));
	}
	/* an answer about more than the node holds is taken for its part */
	if (rec->act != REF_NODE_REFERRAL && rec->act != REF_MS_REFERRAL &&
	    rec->eid_mlen < pr->ref_mlen) {
		rec->eid = pr->ref_eid;
		rec->eid_mlen = (uint8_t)pr->ref_mlen;
	}
	n = referral_set(dr, rec, rl, key);
	/* keys count only from a signed parent */
	for (i = 0; i < n && !verified; i++) {
		key_put(dr, key[i]);
		key[i] = -1;
	}
	switch (rec->act) {
	case REF_NODE_REFERRAL:
	case REF_MS_REFERRAL:
		if (n == 0) {
			dr->drops[DR_DROP_EMPTY_SET]++;
			pending_free(pr);
			break;
		}
		if (++pr->depth > DR_DEPTH_MAX) {
			dr->drops[DR_DROP_DEPTH]++;
			pending_free(pr);
			break;
		}
		if (!rec->incomplete)
			cache_put(dr, rec, rl, key, n, verified);
		pending_follow(pr, &rec->eid, rec->eid_mlen, rl, key, n, 0);
		if (!pending_send(pr)) {
			dr->drops[DR_DROP_TIMEOUT]++;
			pending_free(pr);
		}
		break;
	case REF_MS_ACK:
		dr->resolved++;
		pending_free(pr);
		break;
	case REF_MS_NOT_REGISTERED:
		/* another Map-Server of the set may hold the registration */
		locid_timer_stop(pr->timer);
		if (pending_send(pr))
			break;
		cache_put(dr, rec, rl, key, n, verified);
		pending_negative(pr, &rec->eid, rec->eid_mlen, rec->ttl);
		pending_free(pr);
		break;
	case REF_DELEGATION_HOLE:
		cache_put(dr, rec, rl, key, n, verified);
		pending_negative(pr, &rec->eid, rec->eid_mlen, rec->ttl);
		pending_free(pr);
		break;
	case REF_NOT_AUTHORITATIVE:
		/* stale cached data: once more from the roots */
		if (pr->ref_cached && !pr->restarted) {
			pr->restarted = 1;
			cache_flush_one(dr, &pr->ref_eid, pr->ref_mlen);
			pending_roots(pr);
			if (pending_send(pr))
				break;
		}
		dr->drops[DR_DROP_NOT_AUTH]++;
		pending_free(pr);
		break;
	default:
		dr->drops[DR_DROP_BAD_ACTION]++;
		pending_free(pr);
		break;
	}
	keys_put(dr, key, n);
}

static int
dr_rx_referral(void *o, const struct msg_in *m)
{
	struct dr		*dr = o;
	struct rbuf		 recs = m->ref->records;
	struct lisp_record	 rec;

	while (referral_record_next(&recs, &rec) == 1)
		referral_in(dr, m->pkt, m->ref->nonce, &rec);
	return 1;
}

/* -- control ----------------------------------------------------------- */

static json_t *
entry_json(const struct dr_entry *e, uint64_t now)
{
	json_t	*rl = json_array();
	char	 s[ADDR_STRLEN];
	int	 i;

	for (i = 0; i < e->nrlocs; i++)
		json_array_append_new(rl, json_string(addr_fmt(&e->rlocs[i], s,
		    sizeof(s))));
	return json_pack("{s:s, s:s, s:I, s:I, s:I, s:o, s:b}",
	    "eid_prefix", prefix_fmt(&e->eid, e->mlen, s, sizeof(s)),
	    "action", referral_act_name(e->act),
	    "ttl", (json_int_t)e->ttl,
	    "expires_in", (json_int_t)((e->expires - now) / 1000),
	    "hits", (json_int_t)e->hits,
	    "referral_set", rl,
	    "verified", e->verified != 0);
}

/* show referral-cache: the roots first (never expire), then the cache in
 * prefix order */
struct rc_walk {
	json_t		*a;
	uint64_t	 now;
};

static int
rc_cb(const uint8_t *key, int plen, void *val, void *arg)
{
	struct rc_walk	*w = arg;
	struct dr_entry	*e = val;

	if (e->expires > w->now)
		json_array_append_new(w->a, entry_json(e, w->now));
	return 0;
}

static json_t *
dr_show_cache(void *o, json_t *args, char *err, size_t errlen)
{
	struct dr		*dr = o;
	struct trie_set		*t;
	struct conf_peer	*p;
	struct rc_walk		 w;
	json_t			*roots = json_array();
	char			 s[ADDR_STRLEN];
	int			 anchored = 1;

	w.a = json_array();
	w.now = now_ms();
	TAILQ_FOREACH(p, &dr->l->conf->ddt_roots, entry) {
		json_array_append_new(roots, json_string(addr_fmt(&p->addr, s,
		    sizeof(s))));
		anchored &= p->key != NULL;
	}
	/* the roots are "verified" when each has a trust anchor */
	json_array_append_new(w.a, json_pack("{s:s, s:s, s:n, s:n, s:I, s:o, s:b}",
	    "eid_prefix", "root", "action", "node-referral", "ttl", "expires_in",
	    "hits", (json_int_t)0, "referral_set", roots, "verified", anchored));
	for (t = dr->tables; t != NULL; t = t->next)
		trie_walk(t->t, rc_cb, &w);
	return w.a;
}

static json_t *
dr_clear_cache(void *o, json_t *args, char *err, size_t errlen)
{
	struct dr	*dr = o;
	unsigned	 n = dr->ncache;

	cache_clear(dr);
	locid_timer_stop(dr->sweep);
	dr->sweep_at = 0;
	return json_pack("{s:I}", "cleared", (json_int_t)n);
}

static const struct ctl_cmd dr_cmds[] = {
	{ .name = "show referral-cache", .fn = dr_show_cache },
	{ .name = "clear referral-cache", .flags = CTL_PRIV, .fn = dr_clear_cache },
	{ .name = NULL },
};

/* -- the role ---------------------------------------------------------- */

static void	dr_free(void *);

static int
dr_wanted(const struct conf *c)
{
	return c->map_resolver && !TAILQ_EMPTY(&c->ddt_roots);
}

static void *
dr_new(struct locid *l)
{
	struct dr *dr;

	if ((dr = calloc(1, sizeof(*dr))) == NULL) {
		log_warn("ddt-resolver: out of memory");
		return NULL;
	}
	dr->l = l;
	TAILQ_INIT(&dr->cache);
	TAILQ_INIT(&dr->pending);
	log_limiter_init(&dr->logrl, l->conf);
	if ((dr->sweep = locid_timer_new(l, sweep_cb, dr)) == NULL) {
		log_warn("ddt-resolver: out of memory");
		free(dr);
		return NULL;
	}
	core_resolver_set(l, &dr_resolver, dr);
	return dr;
}

/* roots and limits come from the conf in force; the cache stays (a new
 * referral-ttl-max applies to what is learnt next) */
static int
dr_reconf(void *o, char *err, size_t errlen)
{
	struct dr *dr = o;

	log_limiter_init(&dr->logrl, dr->l->conf);
	core_resolver_set(dr->l, &dr_resolver, dr);
	return 0;
}

static void
dr_free(void *o)
{
	struct dr	*dr = o;
	void		*cur;
	int		 i;

	if (dr == NULL)
		return;
	while (!TAILQ_EMPTY(&dr->pending))
		pending_free(TAILQ_FIRST(&dr->pending));
	cache_clear(dr);
	trie_set_free(&dr->tables, NULL);
	for (i = 0; i < DR_KEYS_MAX; i++)
		ddtsig_verifier_free(dr->keys[i].k);
	free(dr->vcache);
	locid_timer_free(dr->sweep);
	if (core_resolver(dr->l, &cur) == &dr_resolver && cur == dr)
		core_resolver_set(dr->l, NULL, NULL);
	free(dr);
}

static void
dr_counters(void *o, struct counters *k)
{
	struct dr *dr = o;

	k->names = dr_drop_names;
	k->v = dr->drops;
	k->n = DR_DROP__N;
}

static json_t *
dr_stats(void *o)
{
	struct dr	*dr = o;
	json_t		*j = json_object();
	unsigned	 i;

	for (i = 0; i < 6; i++)
		json_object_set_new(j, referral_act_name(i),
		    json_integer((json_int_t)dr->rx_ref[i]));
	return json_pack("{s:o, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}",
	    "referrals_in", j,
	    "referrals_verified", (json_int_t)dr->verified,
	    "verified_from_cache", (json_int_t)dr->vcache_hits,
	    "keys", (json_int_t)dr->nkeys,
	    "ddt_requests_sent", (json_int_t)dr->sent,
	    "resolved", (json_int_t)dr->resolved,
	    "negative_replies", (json_int_t)dr->negative,
	    "pending", (json_int_t)dr->npending,
	    "referral_cache_entries", (json_int_t)dr->ncache);
}

static struct ratelimit *
dr_logrl(void *o)
{
	return &((struct dr *)o)->logrl;
}

const struct role role_ddtmr = {
	.name = "ddt-resolver",
	.wanted = dr_wanted,
	.new = dr_new,
	.reconf = dr_reconf,
	.free = dr_free,
	.rx = {
		[RX_REFERRAL] = { dr_rx_referral, 10 },
	},
	.cmds = dr_cmds,
	.counters = dr_counters,
	.stats = dr_stats,
	.logrl = dr_logrl,
};
