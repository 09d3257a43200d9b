/* LISP-SEC (RFC 9303) in the daemon; see lsec.h */
#include <openssl/crypto.h>

#include <stdlib.h>
#include <string.h>

#include "lsec.h"
#include "xtr.h"

/* the process's LISP-SEC crypto context (lispsec.h): algorithms fetched
 * once, made at the first use and kept for the life of the process. the
 * one piece of state here that belongs to no role: the MS, the MR and the
 * xTR all sign and verify, and it is a cache of what OpenSSL would
 * otherwise look up per message (the figures are in bench/msmr). NULL
 * (fetch per call) if it cannot be made. */
static struct ls_crypto *lsec_cr;

struct ls_crypto *
lsec_crypto(void)
{
	if (lsec_cr == NULL)
		lsec_cr = ls_crypto_new();
	return lsec_cr;
}

/* -- the ITR's one-time keys -------------------------------------------
 * a ring of max slots (the oldest is reused first) indexed by a hash of
 * the nonce; slot and bucket links are 1-based indices, 0 ends a chain */
struct lsec_slot {
	uint64_t	 nonce;
	uint64_t	 at;
	uint32_t	 next;
	uint8_t		 used;
	uint8_t		 otk[LS_OTK_LEN];
};

struct lsec_otks {
	struct lsec_slot *s;
	uint32_t	*bucket;
	size_t		 max, nbuckets, head, count;
};

static size_t
otk_hash(const struct lsec_otks *o, uint64_t nonce)
{
	nonce ^= nonce >> 33;
	nonce *= 0xff51afd7ed558ccdULL;
	nonce ^= nonce >> 33;
	return (size_t)(nonce % o->nbuckets);
}

struct lsec_otks *
lsec_otks_new(size_t max)
{
	struct lsec_otks *o;

	if (max == 0 || max > UINT32_MAX / 2 || (o = calloc(1, sizeof(*o))) == NULL)
		return NULL;
	o->max = max;
	o->nbuckets = max;
	o->s = calloc(max, sizeof(*o->s));
	o->bucket = calloc(o->nbuckets, sizeof(*o->bucket));
	if (o->s == NULL || o->bucket == NULL) {
		lsec_otks_free(o);
		return NULL;
	}
	return o;
}

void
lsec_otks_free(struct lsec_otks *o)
{
	if (o == NULL)
		return;
	if (o->s != NULL)
		OPENSSL_cleanse(o->s, o->max * sizeof(*o->s));
	free(o->s);
	free(o->bucket);
	free(o);
}

size_t
lsec_otks_count(const struct lsec_otks *o)
{
	return o != NULL ? o->count : 0;
}

static void
slot_unlink(struct lsec_otks *o, size_t i)
{
	uint32_t *np = &o->bucket[otk_hash(o, o->s[i].nonce)];

	while (*np != 0) {
		if (*np - 1 == i) {
			*np = o->s[i].next;
			break;
		}
		np = &o->s[*np - 1].next;
	}
	OPENSSL_cleanse(o->s[i].otk, LS_OTK_LEN);
	o->s[i].used = 0;
	o->s[i].next = 0;
	o->count--;
}

static struct lsec_slot *
slot_find(const struct lsec_otks *o, uint64_t nonce, size_t *idx)
{
	uint32_t n;

	for (n = o->bucket[otk_hash(o, nonce)]; n != 0; n = o->s[n - 1].next)
		if (o->s[n - 1].nonce == nonce) {
			*idx = n - 1;
			return &o->s[n - 1];
		}
	return NULL;
}

int
lsec_otk_put(struct lsec_otks *o, uint64_t nonce, const uint8_t otk[LS_OTK_LEN],
    uint64_t now)
{
	struct lsec_slot *s;
	size_t i = o->head, h;

	if (slot_find(o, nonce, &h) != NULL)
		slot_unlink(o, h);
	if (o->s[i].used)
		slot_unlink(o, i);	/* the oldest goes */
	s = &o->s[i];
	s->nonce = nonce;
	s->at = now;
	s->used = 1;
	memcpy(s->otk, otk, LS_OTK_LEN);
	h = otk_hash(o, nonce);
	s->next = o->bucket[h];
	o->bucket[h] = (uint32_t)(i + 1);
	o->count++;
	o->head = (i + 1) % o->max;
	return 0;
}

int
lsec_otk_get(const struct lsec_otks *o, uint64_t nonce, uint8_t otk[LS_OTK_LEN],
    uint64_t now)
{
	const struct lsec_slot *s;
	size_t i;

	if (o == NULL || (s = slot_find(o, nonce, &i)) == NULL ||
	    now - s->at > LSEC_OTK_AGE_MS)
		return -1;
	memcpy(otk, s->otk, LS_OTK_LEN);
	return 0;
}

void
lsec_otk_del(struct lsec_otks *o, uint64_t nonce)
{
	size_t i;

	if (o != NULL && slot_find(o, nonce, &i) != NULL)
		slot_unlink(o, i);
}

size_t
lsec_itr_protect(struct lsec_otks **otks, const struct conf *c, uint8_t *buf,
    size_t len, size_t cap, uint64_t nonce, uint64_t now, const char **why)
{
	const struct conf_key *k = &c->lskeys[0];
	uint8_t otk[LS_OTK_LEN], wrapped[LS_WRAPPED_LEN], ad[64];
	struct wbuf w;
	size_t n;

	if (c->nlskeys == 0) {
		*why = "no lisp-sec-key";
		return 0;
	}
	if (*otks == NULL && (*otks = lsec_otks_new(LSEC_OTK_MAX)) == NULL) {
		*why = "out of memory";
		return 0;
	}
	if (ls_otk_new(otk) == -1 ||
	    ls_otk_wrap(lsec_crypto(), k->secret, strlen(k->secret), nonce, otk,
	    wrapped) == -1) {
		*why = "one-time key generation failed";
		return 0;
	}
	wbuf_init(&w, ad, sizeof(ad));
	ls_ecm_ad_encode_itr(&w, LS_HMAC_SHA256_128, k->key_id,
	    LS_WRAP_AES_HKDF_SHA256, wrapped, LS_KDF_HKDF_SHA256);
	if (w.err || (n = ls_ecm_insert_ad(buf, len, cap, ad, w.len)) == 0) {
		OPENSSL_cleanse(otk, sizeof(otk));
		*why = "map-request does not fit";
		return 0;
	}
	lsec_otk_put(*otks, nonce, otk, now);
	OPENSSL_cleanse(otk, sizeof(otk));
	return n;
}

#define LSEC_NAME(a, b)	b,
static const char *const lsec_refusal_names[LSEC_R__N] = {
	LSEC_REFUSALS(LSEC_NAME)
};

const char *
lsec_refusal_name(enum lsec_refusal r)
{
	return (unsigned)r < LSEC_R__N ? lsec_refusal_names[r] : "?";
}

static enum lsec_verdict
refused(enum lsec_refusal *r, enum lsec_refusal why)
{
	*r = why;
	return LSEC_REFUSED;
}

enum lsec_verdict
lsec_itr_check(const struct lsec_otks *otks, const struct conf *c,
    const uint8_t *msg, size_t len, const struct lisp_map_reply *rep,
    struct ls_reply_ad *ad, enum lsec_refusal *r, struct msg_err *err,
    uint64_t now)
{
	uint8_t otk[LS_OTK_LEN], ms_otk[LS_OTK_LEN];
	struct rbuf m;
	enum lsec_verdict v = LSEC_VERIFIED;

	if (err != NULL)
		memset(err, 0, sizeof(*err));
	if (c->lisp_sec == LISPSEC_OFF)
		return LSEC_PLAIN;
	if (!(rep->flags & MREP_S))
		return c->lisp_sec == LISPSEC_REQUIRED ?
		    refused(r, LSEC_R_NOT_SIGNED) : LSEC_PLAIN;
	rbuf_init(&m, msg, len);
	if (ls_reply_ad_decode(&m, &rep->sec, ad, err) == -1)
		return refused(r, LSEC_R_MALFORMED);
	if (lsec_otk_get(otks, rep->nonce, otk, now) == -1)
		return refused(r, LSEC_R_NO_OTK);
	/* we ask for HKDF-SHA256 and HMAC-SHA-256-128 and take nothing else
	 * (RFC 9303 §6.9: a different answer is discarded) */
	if (ad->eid.kdf_id != LS_KDF_HKDF_SHA256 ||
	    ad->pkt_hmac_id != LS_HMAC_SHA256_128 ||
	    ls_kdf(lsec_crypto(), ad->eid.kdf_id, otk, LS_OTK_LEN, ms_otk) == -1)
		v = refused(r, LSEC_R_ALGORITHM);
	else if (!ls_eid_ad_verify(lsec_crypto(), &ad->eid, otk))
		v = refused(r, LSEC_R_EID_HMAC);
	else if (!ls_pkt_ad_verify(lsec_crypto(), &m, ad, ms_otk))
		v = refused(r, LSEC_R_PKT_HMAC);
	OPENSSL_cleanse(otk, sizeof(otk));
	OPENSSL_cleanse(ms_otk, sizeof(ms_otk));
	return v;
}

/* -- Map-Resolver / Map-Server ----------------------------------------- */

static int
supported_kdf(unsigned id)
{
	return id == LS_KDF_HKDF_SHA1_128 || id == LS_KDF_HKDF_SHA256;
}

/* the last request opened: a message with several answers (a proxy
 * reply, the MS's negative reply, the MR's) is unwrapped and derived
 * once. what is kept is the whole input of the open, the key's secret
 * included, so a hit gives exactly what the open would have */
#define LSEC_MEMO_SECRET	64
static struct {
	int		 valid;
	uint64_t	 nonce;
	uint8_t		 key_id;
	uint8_t		 wrapped[LS_WRAPPED_LEN];
	uint16_t	 kdf_id, hmac_id;	/* as asked */
	size_t		 slen;
	char		 secret[LSEC_MEMO_SECRET];
	struct lsec_req	 r;
} lsec_memo;

static int
memo_hit(const struct conf_key *k, size_t slen, uint64_t nonce,
    const struct ls_ecm_ad *ad)
{
	return lsec_memo.valid && lsec_memo.nonce == nonce &&
	    lsec_memo.key_id == ad->key_id && lsec_memo.kdf_id == ad->eid.kdf_id &&
	    lsec_memo.hmac_id == ad->req_hmac_id && lsec_memo.slen == slen &&
	    CRYPTO_memcmp(lsec_memo.wrapped, ad->otk, LS_WRAPPED_LEN) == 0 &&
	    CRYPTO_memcmp(lsec_memo.secret, k->secret, slen) == 0;
}

int
lsec_req_open(const struct conf *c, const struct lisp_ecm *ecm, uint64_t nonce,
    struct lsec_req *r, const char **why)
{
	const struct conf_key *k = NULL;
	struct ls_ecm_ad ad;
	size_t slen;
	int i, rv = -1;

	if (ecm == NULL || !(ecm->flags & ECM_S) || ecm->sec.len == 0 ||
	    ecm->sec.p[0] != LS_AD_LISPSEC)
		return 0;
	memset(r, 0, sizeof(*r));
	if (ls_ecm_ad_decode(&ecm->sec, &ad, NULL) == -1) {
		*why = "malformed lisp-sec data";
		return -1;
	}
	if (ad.eid.signed_) {
		*why = "eid-ad already filled in";
		return -1;
	}
	if (ad.wrap_id != LS_WRAP_AES_HKDF_SHA256) {
		*why = "one-time key not wrapped (null-key-wrap without dtls)";
		return -1;
	}
	for (i = 0; i < c->nlskeys; i++)
		if (c->lskeys[i].key_id == ad.key_id)
			k = &c->lskeys[i];
	if (k == NULL) {
		*why = "unknown lisp-sec-key id";
		return -1;
	}
	slen = strlen(k->secret);
	if (memo_hit(k, slen, nonce, &ad)) {
		*r = lsec_memo.r;
		OPENSSL_cleanse(ad.otk, sizeof(ad.otk));
		return 1;
	}
	if (ls_otk_unwrap(lsec_crypto(), k->secret, slen, nonce, ad.otk,
	    r->itr_otk) == -1) {
		*why = "one-time key does not unwrap (wrong key or changed)";
		goto out;
	}
	/* the ITR's choice where we have it, else ours */
	r->kdf_id = supported_kdf(ad.eid.kdf_id) ? ad.eid.kdf_id : LS_KDF_HKDF_SHA256;
	r->hmac_id = ls_hmac_len(ad.req_hmac_id) > 0 ? ad.req_hmac_id :
	    LS_HMAC_SHA256_128;
	r->nonce = nonce;
	rv = 1;
	lsec_memo.valid = 0;
	if (slen <= LSEC_MEMO_SECRET) {
		lsec_memo.nonce = nonce;
		lsec_memo.key_id = ad.key_id;
		memcpy(lsec_memo.wrapped, ad.otk, LS_WRAPPED_LEN);
		lsec_memo.kdf_id = ad.eid.kdf_id;
		lsec_memo.hmac_id = ad.req_hmac_id;
		lsec_memo.slen = slen;
		memcpy(lsec_memo.secret, k->secret, slen);
		lsec_memo.r = *r;
		lsec_memo.valid = 1;
	}
out:
	OPENSSL_cleanse(ad.otk, sizeof(ad.otk));
	if (rv == -1)
		OPENSSL_cleanse(r, sizeof(*r));
	return rv;
}

/* the EID-AD of the answer signed into w and, the first time, the MS-OTK
 * derived with it (and wrapped under to); the memo learns it */
static size_t
eid_ad_sign(struct lsec_req *r, struct wbuf *w, const struct ls_prefix *pfx,
    int n, int e, const struct ls_wrap_to *to, uint8_t wrapped[LS_WRAPPED_LEN])
{
	size_t elen;

	if (r->derived) {
		if ((elen = ls_eid_ad_encode(lsec_crypto(), w, r->kdf_id, e,
		    r->hmac_id, pfx, n, r->itr_otk)) == 0 ||
		    (to != NULL && ls_otk_wrap(lsec_crypto(), to->psk, to->psklen,
		    to->nonce, r->ms_otk, wrapped) == -1))
			return 0;
		return elen;
	}
	if ((elen = ls_eid_ad_encode_kdf(lsec_crypto(), w, r->kdf_id, e,
	    r->hmac_id, pfx, n, r->itr_otk, r->ms_otk, to, wrapped)) == 0)
		return 0;
	r->derived = 1;
	if (lsec_memo.valid && lsec_memo.r.nonce == r->nonce &&
	    lsec_memo.r.kdf_id == r->kdf_id && !lsec_memo.r.derived &&
	    CRYPTO_memcmp(lsec_memo.r.itr_otk, r->itr_otk, LS_OTK_LEN) == 0) {
		memcpy(lsec_memo.r.ms_otk, r->ms_otk, LS_OTK_LEN);
		lsec_memo.r.derived = 1;
	}
	return elen;
}

size_t
lsec_reply_sign(struct lsec_req *r, uint8_t *buf, size_t len, size_t cap,
    const struct ls_prefix *pfx, int n, int e)
{
	uint8_t eid[512];
	struct wbuf w;
	size_t elen;

	if (len < 12 || len > cap)
		return 0;
	wbuf_init(&w, eid, sizeof(eid));
	if ((elen = eid_ad_sign(r, &w, pfx, n, e, NULL, NULL)) == 0)
		return 0;
	put_u32(buf, get_u32(buf) | MREP_S);
	wbuf_init(&w, buf, cap);
	w.len = len;
	ls_reply_ad_encode(lsec_crypto(), &w, eid, elen, r->hmac_id, r->ms_otk);
	return w.err ? 0 : w.len;
}

size_t
lsec_forward_build(struct lsec_req *r, const struct lisp_ecm *ecm,
    uint32_t ecm_flags, const struct conf_key *k, const struct ls_prefix *pfx,
    int n, int e, uint8_t *out, size_t cap)
{
	uint8_t eid[512], wrapped[LS_WRAPPED_LEN];
	struct ls_wrap_to to = { k->secret, strlen(k->secret), r->nonce };
	struct wbuf w, we;
	size_t elen;

	wbuf_init(&we, eid, sizeof(eid));
	if ((elen = eid_ad_sign(r, &we, pfx, n, e, &to, wrapped)) == 0)
		return 0;
	wbuf_init(&w, out, cap);
	wbuf_u32(&w, (uint32_t)LISP_ECM << 28 | (ecm->flags & 0x0fffffffu) |
	    ecm_flags | ECM_S);
	ls_ecm_ad_encode(&w, r->hmac_id, k->key_id, LS_WRAP_AES_HKDF_SHA256,
	    wrapped, eid, elen);
	wbuf_bytes(&w, ecm->ip.p, ecm->ip.len);
	explicit_bzero(wrapped, sizeof(wrapped));
	return w.err ? 0 : w.len;
}

/* -- ETR --------------------------------------------------------------- */

int
lsec_etr_open(const struct xtr_ms *ms, int nms, const struct lisp_addr *from,
    const struct lisp_ecm *ecm, uint64_t nonce, struct ls_ecm_ad *ad,
    uint8_t ms_otk[LS_OTK_LEN], const char **why)
{
	int pass, i;

	if (ecm == NULL || !(ecm->flags & ECM_S) || ecm->sec.len == 0 ||
	    ecm->sec.p[0] != LS_AD_LISPSEC)
		return 0;
	if (ls_ecm_ad_decode(&ecm->sec, ad, NULL) == -1) {
		*why = "malformed lisp-sec data";
		return -1;
	}
	if (!ad->eid.signed_) {
		*why = "no eid-ad from a map-server";
		return -1;
	}
	if (ad->wrap_id != LS_WRAP_AES_HKDF_SHA256) {
		*why = "one-time key not wrapped (null-key-wrap without dtls)";
		return -1;
	}
	/* the key of the map-server it came from first, then the others
	 * with that key id (a Map-Server with several addresses) */
	for (pass = 0; pass < 2; pass++)
		for (i = 0; i < nms; i++) {
			if (ms[i].key_id != ad->key_id || ms[i].secret == NULL ||
			    addr_equal(&ms[i].addr, from) != (pass == 0))
				continue;
			if (ls_otk_unwrap(lsec_crypto(), ms[i].secret, strlen(ms[i].secret), nonce,
			    ad->otk, ms_otk) == 0)
				return 1;
		}
	*why = "one-time key does not unwrap with a map-server key";
	return -1;
}
