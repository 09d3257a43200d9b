/* LISP-SEC (RFC 9303) codec and keys; the layout is in lispsec.h */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/modes.h>
#include <openssl/params.h>
#include <openssl/rand.h>

#include <string.h>

#include "auth.h"
#include "hmac.h"
#include "lispsec.h"
#include "msg.h"

#define LS_OTKAD_HDR	4	/* OTK Length, Key ID, OTK Wrap ID */
#define LS_EIDAD_HDR	8	/* Length, KDF ID, count, E, EID HMAC ID */
#define LS_EIDAD_E	0x80
#define LS_PKTAD_HDR	4

static const char ls_wrap_label[] = "OTK-Key-Wrap";
static const uint8_t ls_zeros[32];	/* the HKDF salt when there is none */

int
ls_hmac_len(unsigned id)
{
	switch (id) {
	case LS_HMAC_SHA1_96:
		return 12;
	case LS_HMAC_SHA256_128:
		return 16;
	default:
		return -1;
	}
}

/* the EID-AD at the start of b, Length octets of it */
static int
eid_ad_decode(struct rbuf *b, struct ls_eid_ad *ea, struct msg_err *err)
{
	struct rbuf	 c, body;
	uint16_t	 len;
	uint8_t		 flags, unassigned, mlen;
	const char	*why;
	int		 i, hl;

	/* all but the prefixes, each zeroed as it is read: 16 of them are
	 * most of the struct and an ITR's EID-AD has none */
	memset(ea, 0, offsetof(struct ls_eid_ad, pfx));
	memset((uint8_t *)ea + offsetof(struct ls_eid_ad, hmac), 0,
	    sizeof(*ea) - offsetof(struct ls_eid_ad, hmac));
	if (rbuf_peek_u16(b, &len) == -1)
		return msg_err_set(err, "short eid-ad", 0, 0);
	if (len < 4)
		return msg_err_set(err, "eid-ad length %u too small", len, 0);
	if (rbuf_sub(b, len, &ea->raw) == -1)
		return msg_err_set(err, "eid-ad length %u beyond message", len, 0);
	c = ea->raw;
	rbuf_skip(&c, 2);
	rbuf_u16(&c, &ea->kdf_id);
	if (len == 4)
		return 0;	/* an ITR's: KDF ID only */
	ea->signed_ = 1;
	if (rbuf_u8(&c, &ea->nrecords) == -1 || rbuf_u8(&c, &flags) == -1 ||
	    rbuf_u16(&c, &ea->hmac_id) == -1)
		return msg_err_set(err, "short eid-ad header", 0, 0);
	ea->e = (flags & LS_EIDAD_E) != 0;
	if ((hl = ls_hmac_len(ea->hmac_id)) == -1)
		return msg_err_set(err, "unknown eid hmac id %u", ea->hmac_id, 0);
	if (c.len < (size_t)hl)
		return msg_err_set(err, "eid-ad too short for its hmac", 0, 0);
	body = c;
	body.len -= (size_t)hl;
	if (ea->nrecords == 0)
		return msg_err_set(err, "eid-ad without records", 0, 0);
	if (ea->nrecords > LS_EID_MAX)
		return msg_err_set(err, "eid-ad with %u records (at most %u)",
		    ea->nrecords, LS_EID_MAX);
	for (i = 0; i < ea->nrecords; i++) {
		memset(&ea->pfx[i], 0, sizeof(ea->pfx[i]));
		if (rbuf_u8(&body, &unassigned) == -1 ||
		    rbuf_u8(&body, &mlen) == -1)
			return msg_err_set(err, "eid-ad record %u: short", i + 1, 0);
		if (addr_decode(&body, &ea->pfx[i].eid, 0, &why) == -1)
			return msg_err_set(err, "eid-ad record %u: bad eid-prefix",
			    i + 1, 0);
		if (ea->pfx[i].eid.afi != AFI_IPV4 && ea->pfx[i].eid.afi != AFI_IPV6)
			return msg_err_set(err, "eid-ad record %u: not ipv4 or ipv6",
			    i + 1, 0);
		if (mlen > addr_bits(&ea->pfx[i].eid))
			return msg_err_set(err, "eid-ad record %u: mask-len %u too long",
			    i + 1, mlen);
		ea->pfx[i].eid.body = NULL;
		ea->pfx[i].mlen = mlen;
	}
	if (body.len != 0)
		return msg_err_set(err, "eid-ad records do not fill its length", 0, 0);
	ea->hmac = body.p;
	ea->hmac_len = (size_t)hl;
	ea->hmac_off = (size_t)(ea->hmac - ea->raw.p);
	return 0;
}

int
ls_ecm_ad_decode(const struct rbuf *sec, struct ls_ecm_ad *ad,
    struct msg_err *err)
{
	struct rbuf	 c = *sec;
	uint8_t		 type, unassigned;
	uint16_t	 otklen;

	/* the EID-AD is set by eid_ad_decode */
	memset(ad, 0, offsetof(struct ls_ecm_ad, eid));
	if (rbuf_u8(&c, &type) == -1 || rbuf_u8(&c, &unassigned) == -1 ||
	    rbuf_u16(&c, &ad->req_hmac_id) == -1)
		return msg_err_set(err, "short ecm auth data", 0, 0);
	if (type != LS_AD_LISPSEC)
		return msg_err_set(err, "ecm auth data type %u is not lisp-sec",
		    type, 0);
	if (rbuf_u16(&c, &otklen) == -1 || rbuf_u8(&c, &ad->key_id) == -1 ||
	    rbuf_u8(&c, &ad->wrap_id) == -1)
		return msg_err_set(err, "short otk-ad", 0, 0);
	if (otklen != LS_WRAPPED_LEN)
		return msg_err_set(err, "otk length %u (not 24)", otklen, 0);
	if (rbuf_bytes(&c, ad->otk, sizeof(ad->otk)) == -1)
		return msg_err_set(err, "short otk", 0, 0);
	if (ad->wrap_id != LS_WRAP_NULL && ad->wrap_id != LS_WRAP_AES_HKDF_SHA256)
		return msg_err_set(err, "unknown otk wrap id %u", ad->wrap_id, 0);
	if (eid_ad_decode(&c, &ad->eid, err) == -1)
		return -1;
	if (c.len != 0)
		return msg_err_set(err, "octets after the eid-ad", 0, 0);
	return 0;
}

int
ls_reply_ad_decode(const struct rbuf *msg, const struct rbuf *sec,
    struct ls_reply_ad *ad, struct msg_err *err)
{
	struct rbuf	 c = *sec;
	uint8_t		 type;
	uint16_t	 plen;
	int		 hl;

	memset(ad, 0, sizeof(*ad));
	if (sec->p < msg->p || sec->p + sec->len > msg->p + msg->len)
		return msg_err_set(err, "auth data outside the map-reply", 0, 0);
	if (rbuf_u8(&c, &type) == -1 || rbuf_skip(&c, 3) == -1)
		return msg_err_set(err, "short map-reply auth data", 0, 0);
	if (type != LS_AD_LISPSEC)
		return msg_err_set(err, "map-reply auth data type %u is not lisp-sec",
		    type, 0);
	if (eid_ad_decode(&c, &ad->eid, err) == -1)
		return -1;
	if (!ad->eid.signed_)
		return msg_err_set(err, "eid-ad without prefixes", 0, 0);
	if (rbuf_u16(&c, &plen) == -1 || rbuf_u16(&c, &ad->pkt_hmac_id) == -1)
		return msg_err_set(err, "short pkt-ad", 0, 0);
	if ((hl = ls_hmac_len(ad->pkt_hmac_id)) == -1)
		return msg_err_set(err, "unknown pkt hmac id %u", ad->pkt_hmac_id, 0);
	if (plen != LS_PKTAD_HDR + hl)
		return msg_err_set(err, "pkt-ad length %u does not match its hmac",
		    plen, 0);
	if (c.len != (size_t)hl)
		return msg_err_set(err, c.len < (size_t)hl ? "short pkt hmac" :
		    "octets after the pkt-ad", 0, 0);
	ad->pkt_hmac = c.p;
	ad->pkt_hmac_len = (size_t)hl;
	ad->pkt_hmac_off = (size_t)(c.p - msg->p);
	return 0;
}

void
ls_ecm_ad_encode_itr(struct wbuf *w, uint16_t req_hmac_id, uint8_t key_id,
    uint8_t wrap_id, const uint8_t otk[LS_WRAPPED_LEN], uint16_t kdf_id)
{
	uint8_t eid[4];

	put_u16(eid, 4);
	put_u16(eid + 2, kdf_id);
	ls_ecm_ad_encode(w, req_hmac_id, key_id, wrap_id, otk, eid, sizeof(eid));
}

void
ls_ecm_ad_encode(struct wbuf *w, uint16_t req_hmac_id, uint8_t key_id,
    uint8_t wrap_id, const uint8_t otk[LS_WRAPPED_LEN], const uint8_t *eidad,
    size_t eidlen)
{
	wbuf_u8(w, LS_AD_LISPSEC);
	wbuf_u8(w, 0);
	wbuf_u16(w, req_hmac_id);
	wbuf_u16(w, LS_WRAPPED_LEN);
	wbuf_u8(w, key_id);
	wbuf_u8(w, wrap_id);
	wbuf_bytes(w, otk, LS_WRAPPED_LEN);
	wbuf_bytes(w, eidad, eidlen);
}

/* the EID-AD with its HMAC zeroed at w's end; its length, 0 on error */
static size_t
eid_ad_put(struct wbuf *w, uint16_t kdf_id, int e, uint16_t hmac_id,
    const struct ls_prefix *pfx, int n)
{
	size_t	 start = w->len, len;
	int	 i, hl;

	if ((hl = ls_hmac_len(hmac_id)) == -1 || n < 1 || n > LS_EID_MAX) {
		w->err = 1;
		return 0;
	}
	wbuf_u16(w, 0);			/* length, below */
	wbuf_u16(w, kdf_id);
	wbuf_u8(w, (uint8_t)n);
	wbuf_u8(w, e ? LS_EIDAD_E : 0);
	wbuf_u16(w, hmac_id);
	for (i = 0; i < n; i++) {
		wbuf_u8(w, 0);
		wbuf_u8(w, pfx[i].mlen);
		addr_encode(w, &pfx[i].eid);
	}
	wbuf_zero(w, (size_t)hl);
	if (w->err)
		return 0;
	len = w->len - start;
	if (len > 0xffff) {
		w->err = 1;
		return 0;
	}
	wbuf_set_u16(w, start, (uint16_t)len);
	return len;
}

size_t
ls_eid_ad_encode(struct ls_crypto *cr, struct wbuf *w, uint16_t kdf_id, int e,
    uint16_t hmac_id, const struct ls_prefix *pfx, int n,
    const uint8_t itr_otk[LS_OTK_LEN])
{
	size_t	 len;
	int	 hl = ls_hmac_len(hmac_id);

	if ((len = eid_ad_put(w, kdf_id, e, hmac_id, pfx, n)) == 0)
		return 0;
	if (ls_hmac(cr, hmac_id, itr_otk, w->p + w->len - len, len,
	    len - (size_t)hl, w->p + w->len - hl) == -1) {
		w->err = 1;
		return 0;
	}
	return len;
}

void
ls_reply_ad_encode(struct ls_crypto *cr, struct wbuf *w, const uint8_t *eidad,
    size_t eidlen, uint16_t pkt_hmac_id, const uint8_t ms_otk[LS_OTK_LEN])
{
	int hl;

	if ((hl = ls_hmac_len(pkt_hmac_id)) == -1) {
		w->err = 1;
		return;
	}
	wbuf_u32(w, (uint32_t)LS_AD_LISPSEC << 24);
	wbuf_bytes(w, eidad, eidlen);
	wbuf_u16(w, (uint16_t)(LS_PKTAD_HDR + hl));
	wbuf_u16(w, pkt_hmac_id);
	wbuf_zero(w, (size_t)hl);
	if (w->err)
		return;
	if (ls_hmac(cr, pkt_hmac_id, ms_otk, w->p, w->len, w->len - (size_t)hl,
	    w->p + w->len - hl) == -1)
		w->err = 1;
}

size_t
ls_ecm_insert_ad(uint8_t *buf, size_t len, size_t cap, const uint8_t *ad,
    size_t adlen)
{
	if (len < 4 || adlen > cap || len > cap - adlen)
		return 0;
	memmove(buf + 4 + adlen, buf + 4, len - 4);
	memcpy(buf + 4, ad, adlen);
	put_u32(buf, get_u32(buf) | ECM_S);
	return len + adlen;
}

/* -- keys ------------------------------------------------------------
 * every function takes an optional struct ls_crypto: the algorithms
 * fetched once and contexts re-keyed per message (OpenSSL 3 spends most
 * of a small HKDF, HMAC or key wrap fetching and allocating); NULL does
 * the same per call. with a context the HMACs are ours over OpenSSL's
 * digests (hmac.h), a key prepared once where it serves more than once */
struct ls_crypto {
	struct hmac_key	 ext[2];	/* SHA-1, SHA-256 keyed with HashLen
					 * zeros: the HKDF extract without a
					 * salt */
	EVP_CIPHER	*ecb;		/* AES-128-ECB */
	EVP_CIPHER_CTX	*aes[2];	/* decrypt, encrypt: re-keyed per use.
					 * padding left on: EVP_Cipher never
					 * pads, and with it off OpenSSL 3.0
					 * sets it again through a parameter
					 * on every re-key */
};

static EVP_KDF_CTX *
hkdf_new(const char *md)
{
	EVP_KDF		*kdf;
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 params[2];

	if ((kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL)) == NULL)
		return NULL;
	ctx = EVP_KDF_CTX_new(kdf);
	EVP_KDF_free(kdf);
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (ctx != NULL && EVP_KDF_CTX_set_params(ctx, params) != 1) {
		EVP_KDF_CTX_free(ctx);
		return NULL;
	}
	return ctx;
}

struct ls_crypto *
ls_crypto_new(void)
{
	struct ls_crypto	*c;

	if ((c = OPENSSL_zalloc(sizeof(*c))) == NULL)
		return NULL;
	c->ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL);
	c->aes[0] = EVP_CIPHER_CTX_new();
	c->aes[1] = EVP_CIPHER_CTX_new();
	if (hmac_key_set(&c->ext[0], HMAC_SHA1, ls_zeros, 20) == -1 ||
	    hmac_key_set(&c->ext[1], HMAC_SHA256, ls_zeros, 32) == -1 ||
	    c->ecb == NULL ||
	    c->aes[0] == NULL || c->aes[1] == NULL ||
	    EVP_CipherInit_ex2(c->aes[0], c->ecb, NULL, NULL, 0, NULL) != 1 ||
	    EVP_CipherInit_ex2(c->aes[1], c->ecb, NULL, NULL, 1, NULL) != 1) {
		ls_crypto_free(c);
		return NULL;
	}
	return c;
}

void
ls_crypto_free(struct ls_crypto *c)
{
	if (c == NULL)
		return;
	hmac_key_clear(&c->ext[0]);
	hmac_key_clear(&c->ext[1]);
	EVP_CIPHER_free(c->ecb);
	EVP_CIPHER_CTX_free(c->aes[0]);
	EVP_CIPHER_CTX_free(c->aes[1]);
	OPENSSL_free(c);
}

int
ls_kdf(struct ls_crypto *cr, unsigned kdf_id, const void *ikm, size_t len,
    uint8_t out[LS_OTK_LEN])
{
	EVP_KDF_CTX	*ctx;
	OSSL_PARAM	 params[2];
	int		 rv = -1;

	if (kdf_id != LS_KDF_HKDF_SHA1_128 && kdf_id != LS_KDF_HKDF_SHA256)
		return -1;
	if (cr != NULL) {
		/*
		 * RFC 5869 on our HMAC (hmac.h): OpenSSL's HKDF fetches an
		 * HMAC per call (4 us of a 4.3 us derive here). no salt: a
		 * key of HashLen zeros (prepared once in the context); PRK =
		 * HMAC(zeros, IKM); no info and 16 <= HashLen octets: OKM =
		 * HMAC(PRK, 0x01), truncated. test_lispsec checks it against
		 * EVP_KDF on RFC 5869's vectors.
		 */
		uint8_t okm[HMAC_MAX];

		hmac_hkdf1(&cr->ext[kdf_id == LS_KDF_HKDF_SHA256], ikm, len, okm);
		memcpy(out, okm, LS_OTK_LEN);
		explicit_bzero(okm, sizeof(okm));
		return 0;
	}
	if ((ctx = hkdf_new(kdf_id == LS_KDF_HKDF_SHA256 ? "SHA256" :
	    "SHA1")) == NULL)
		return -1;
	/* no salt, no info: the IKM is all there is */
	params[0] = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, len);
	params[1] = OSSL_PARAM_construct_end();
	if (EVP_KDF_derive(ctx, out, LS_OTK_LEN, params) == 1)
		rv = 0;
	EVP_KDF_CTX_free(ctx);
	return rv;
}

int
ls_otk_new(uint8_t otk[LS_OTK_LEN])
{
	return RAND_bytes(otk, LS_OTK_LEN) == 1 ? 0 : -1;
}

/* the IKM of a per-msg-key: nonce | "OTK-Key-Wrap" | PSK; its length,
 * 0 if the PSK is too long */
#define LS_IKM_MAX	(8 + sizeof(ls_wrap_label) - 1 + 256)

static size_t
msg_ikm(uint8_t ikm[LS_IKM_MAX], const void *psk, size_t psklen, uint64_t nonce)
{
	size_t n;

	if (psklen > 256)
		return 0;
	put_u32(ikm, (uint32_t)(nonce >> 32));
	put_u32(ikm + 4, (uint32_t)nonce);
	n = 8;
	memcpy(ikm + n, ls_wrap_label, sizeof(ls_wrap_label) - 1);
	n += sizeof(ls_wrap_label) - 1;
	if (psklen > 0)
		memcpy(ikm + n, psk, psklen);
	return n + psklen;
}

/* per-msg-key = HKDF-SHA256(nonce | "OTK-Key-Wrap" | PSK) */
static int
msg_key(struct ls_crypto *cr, const void *psk, size_t psklen, uint64_t nonce,
    uint8_t key[LS_OTK_LEN])
{
	uint8_t	 ikm[LS_IKM_MAX];
	size_t	 n;
	int	 rv;

	if ((n = msg_ikm(ikm, psk, psklen, nonce)) == 0)
		return -1;
	rv = ls_kdf(cr, LS_KDF_HKDF_SHA256, ikm, n, key);
	OPENSSL_cleanse(ikm, n);
	return rv;
}

/* one AES block for OpenSSL's RFC 3394 code (CRYPTO_128_wrap): the
 * keyed ECB context of the direction, an error remembered */
struct kw_block {
	EVP_CIPHER_CTX	*ctx;
	int		 err;
};

static void
kw_block(const unsigned char in[16], unsigned char out[16], const void *arg)
{
	struct kw_block *b = (struct kw_block *)(uintptr_t)arg;

	if (EVP_Cipher(b->ctx, out, in, 16) <= 0)
		b->err = 1;
}

int
ls_aes_kw(struct ls_crypto *cr, int enc, const uint8_t key[LS_OTK_LEN],
    const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen)
{
	EVP_CIPHER_CTX	*ctx;
	struct kw_block	 b;
	size_t		 n;
	int		 m = 0, f = 0, rv = -1;

	if (cr != NULL) {
		/*
		 * OpenSSL 3.0's AES-128-WRAP runs on AES_encrypt/AES_decrypt
		 * (tables, no AES-NI: 1.3 us a wrap here, more once the
		 * daemon's other work has the tables out of cache); its own
		 * RFC 3394 code over the context's AES-128-ECB, which has
		 * AES-NI, gives the same octets (test_lispsec)
		 */
		if (inlen < 16 || inlen % 8 != 0 ||
		    outlen != (enc ? inlen + 8 : inlen - 8))
			return -1;
		b.ctx = cr->aes[enc != 0];
		b.err = 0;
		if (EVP_CipherInit_ex2(b.ctx, NULL, key, NULL, -1, NULL) != 1)
			return -1;
		/* the default IV (NULL); unwrap: 0 also when it does not match */
		n = enc ? CRYPTO_128_wrap(&b, NULL, out, in, inlen, kw_block) :
		    CRYPTO_128_unwrap(&b, NULL, out, in, inlen, kw_block);
		return n == outlen && !b.err ? 0 : -1;
	}
	if ((ctx = EVP_CIPHER_CTX_new()) == NULL)
		return -1;
	EVP_CIPHER_CTX_set_flags(ctx, EVP_CIPHER_CTX_FLAG_WRAP_ALLOW);
	if (EVP_CipherInit_ex(ctx, EVP_aes_128_wrap(), NULL, key, NULL, enc) == 1 &&
	    EVP_CipherUpdate(ctx, out, &m, in, (int)inlen) == 1 && m > 0 &&
	    EVP_CipherFinal_ex(ctx, out + m, &f) == 1 &&
	    (size_t)(m + f) == outlen)
		rv = 0;
	EVP_CIPHER_CTX_free(ctx);
	return rv;
}

int
ls_otk_wrap(struct ls_crypto *cr, const void *psk, size_t psklen, uint64_t nonce,
    const uint8_t otk[LS_OTK_LEN], uint8_t out[LS_WRAPPED_LEN])
{
	uint8_t	 key[LS_OTK_LEN];
	int	 rv;

	if (msg_key(cr, psk, psklen, nonce, key) == -1)
		return -1;
	rv = ls_aes_kw(cr, 1, key, otk, LS_OTK_LEN, out, LS_WRAPPED_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	return rv;
}

int
ls_otk_unwrap(struct ls_crypto *cr, const void *psk, size_t psklen, uint64_t nonce,
    const uint8_t in[LS_WRAPPED_LEN], uint8_t otk[LS_OTK_LEN])
{
	uint8_t	 key[LS_OTK_LEN], tmp[LS_WRAPPED_LEN];
	int	 rv;

	if (msg_key(cr, psk, psklen, nonce, key) == -1)
		return -1;
	/* OpenSSL checks the IV (0xA6A6A6A6A6A6A6A6) and fails otherwise */
	rv = ls_aes_kw(cr, 0, key, in, LS_WRAPPED_LEN, tmp, LS_OTK_LEN);
	if (rv == 0)
		memcpy(otk, tmp, LS_OTK_LEN);
	OPENSSL_cleanse(key, sizeof(key));
	OPENSSL_cleanse(tmp, sizeof(tmp));
	return rv;
}

/* the digest of a LISP-SEC HMAC id (known to ls_hmac_len) */
static int
ls_md(unsigned id)
{
	return id == LS_HMAC_SHA256_128 ? HMAC_SHA256 : HMAC_SHA1;
}

int
ls_hmac(struct ls_crypto *cr, unsigned id, const uint8_t key[LS_OTK_LEN],
    const uint8_t *msg, size_t len, size_t zoff, uint8_t *out)
{
	uint8_t		 mac[HMAC_MAX];
	int		 hl;

	if ((hl = ls_hmac_len(id)) == -1 || zoff > len || len - zoff < (size_t)hl)
		return -1;
	/* LISP-SEC ids 1 and 2 are the Map-Register algorithms, truncated */
	if (cr == NULL)
		return auth_compute(id, key, LS_OTK_LEN, msg, len, zoff,
		    (size_t)hl, out);
	{
		/* one lane (hmac.h): the key's pads and the padded blocks
		 * straight to the compression function, the zeroed field
		 * copied only in the block that holds it */
		struct hmac_lane l;

		hmac_lane_init(&l, ls_md(id), NULL, key, LS_OTK_LEN, msg, len,
		    zoff, (size_t)hl, 0, mac);
		hmac_lanes_run(&l, 1);
	}
	memcpy(out, mac, (size_t)hl);
	explicit_bzero(mac, sizeof(mac));
	return 0;
}

size_t
ls_eid_ad_encode_kdf(struct ls_crypto *cr, struct wbuf *w, uint16_t kdf_id,
    int e, uint16_t hmac_id, const struct ls_prefix *pfx, int n,
    const uint8_t itr_otk[LS_OTK_LEN], uint8_t ms_otk[LS_OTK_LEN],
    const struct ls_wrap_to *to, uint8_t wrapped[LS_WRAPPED_LEN])
{
	struct hmac_lane l[3];
	uint8_t		 mac[HMAC_MAX], okm[HMAC_MAX], key[HMAC_MAX];
	uint8_t		 ikm[LS_IKM_MAX];
	size_t		 len, ilen = 0;
	int		 hl = ls_hmac_len(hmac_id), nl = 2, rv = 0;

	if (kdf_id != LS_KDF_HKDF_SHA1_128 && kdf_id != LS_KDF_HKDF_SHA256) {
		w->err = 1;
		return 0;
	}
	if (to != NULL && (ilen = msg_ikm(ikm, to->psk, to->psklen,
	    to->nonce)) == 0) {
		w->err = 1;
		return 0;
	}
	if ((len = eid_ad_put(w, kdf_id, e, hmac_id, pfx, n)) == 0)
		return 0;
	if (cr == NULL) {
		if (ls_hmac(NULL, hmac_id, itr_otk, w->p + w->len - len, len,
		    len - (size_t)hl, w->p + w->len - hl) == -1 ||
		    ls_kdf(NULL, kdf_id, itr_otk, LS_OTK_LEN, ms_otk) == -1 ||
		    (to != NULL && ls_kdf(NULL, LS_KDF_HKDF_SHA256, ikm, ilen,
		    key) == -1))
			rv = -1;
	} else {
		/* the EID HMAC, the MS-OTK's HKDF and the per-msg-key's
		 * HKDF need nothing of each other: interleaved (hmac.h) */
		hmac_lane_init(&l[0], ls_md(hmac_id), NULL, itr_otk, LS_OTK_LEN,
		    w->p + w->len - len, len, len - (size_t)hl, (size_t)hl, 0, mac);
		hmac_lane_init(&l[1], kdf_id == LS_KDF_HKDF_SHA256 ? HMAC_SHA256 :
		    HMAC_SHA1, &cr->ext[kdf_id == LS_KDF_HKDF_SHA256], NULL, 0,
		    itr_otk, LS_OTK_LEN, 0, 0, 1, okm);
		if (to != NULL)
			hmac_lane_init(&l[nl++], HMAC_SHA256, &cr->ext[1], NULL, 0,
			    ikm, ilen, 0, 0, 1, key);
		hmac_lanes_run(l, nl);
		memcpy(w->p + w->len - hl, mac, (size_t)hl);
		memcpy(ms_otk, okm, LS_OTK_LEN);
	}
	if (rv == 0 && to != NULL &&
	    ls_aes_kw(cr, 1, key, ms_otk, LS_OTK_LEN, wrapped, LS_WRAPPED_LEN) == -1)
		rv = -1;
	explicit_bzero(mac, sizeof(mac));
	explicit_bzero(okm, sizeof(okm));
	explicit_bzero(key, sizeof(key));
	if (ilen > 0)
		explicit_bzero(ikm, ilen);
	if (rv == -1) {
		explicit_bzero(ms_otk, LS_OTK_LEN);
		w->err = 1;
		return 0;
	}
	return len;
}

int
ls_eid_ad_verify(struct ls_crypto *cr, const struct ls_eid_ad *ea,
    const uint8_t itr_otk[LS_OTK_LEN])
{
	uint8_t mac[LS_HMAC_MAX];

	if (!ea->signed_ || ea->hmac == NULL ||
	    ls_hmac(cr, ea->hmac_id, itr_otk, ea->raw.p, ea->raw.len, ea->hmac_off,
	    mac) == -1)
		return 0;
	return CRYPTO_memcmp(mac, ea->hmac, ea->hmac_len) == 0;
}

int
ls_pkt_ad_verify(struct ls_crypto *cr, const struct rbuf *msg,
    const struct ls_reply_ad *ad, const uint8_t ms_otk[LS_OTK_LEN])
{
	uint8_t mac[LS_HMAC_MAX];

	if (ad->pkt_hmac == NULL ||
	    ad->pkt_hmac_off + ad->pkt_hmac_len != msg->len ||
	    ls_hmac(cr, ad->pkt_hmac_id, ms_otk, msg->p, msg->len, ad->pkt_hmac_off,
	    mac) == -1)
		return 0;
	return CRYPTO_memcmp(mac, ad->pkt_hmac, ad->pkt_hmac_len) == 0;
}

/* a covers b, an instance-id of 0 being the same as none */
static int
ls_covers(const struct lisp_addr *a, int alen, const struct lisp_addr *b)
{
	struct lisp_addr aa = *a, bb = *b;

	if (aa.has_iid && aa.iid == 0)
		aa.has_iid = 0;
	if (bb.has_iid && bb.iid == 0)
		bb.has_iid = 0;
	return addr_prefix_covers(&aa, alen, &bb);
}

int
ls_eid_ad_clip(const struct ls_eid_ad *ea, const struct lisp_addr *eid,
    int mlen, struct lisp_addr *out, int *outlen)
{
	int i;

	for (i = 0; i < ea->nrecords; i++) {
		const struct ls_prefix *p = &ea->pfx[i];

		if (p->mlen <= mlen && ls_covers(&p->eid, p->mlen, eid)) {
			*out = *eid;
			*outlen = mlen;
			return 0;
		}
		if (mlen <= p->mlen && ls_covers(eid, mlen, &p->eid)) {
			*out = p->eid;
			*outlen = p->mlen;
			return 0;
		}
	}
	return -1;
}

const char *
ls_hmac_name(unsigned id)
{
	switch (id) {
	case LS_HMAC_NOPREF:
		return "nopref";
	case LS_HMAC_SHA1_96:
		return "hmac-sha1-96";
	case LS_HMAC_SHA256_128:
		return "hmac-sha256-128";
	default:
		return "unknown";
	}
}

const char *
ls_kdf_name(unsigned id)
{
	switch (id) {
	case LS_KDF_NOPREF:
		return "nopref";
	case LS_KDF_HKDF_SHA1_128:
		return "hkdf-sha1-128";
	case LS_KDF_HKDF_SHA256:
		return "hkdf-sha256";
	default:
		return "unknown";
	}
}

const char *
ls_wrap_name(unsigned id)
{
	switch (id) {
	case LS_WRAP_NULL:
		return "null-key-wrap-128";
	case LS_WRAP_AES_HKDF_SHA256:
		return "aes-key-wrap-128+hkdf-sha256";
	default:
		return "unknown";
	}
}
