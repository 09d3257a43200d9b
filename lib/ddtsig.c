/* Map-Referral record signatures (RFC 8111 §6.4.1), RSA-SHA256 with
 * OpenSSL's EVP_DigestSign / EVP_DigestVerify. see ddtsig.h */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "ddtsig.h"

#define SIG_FIXED	20	/* the signature section before its Signature */
#define REC_TTL_OFF	0
#define REC_SIGCNT_OFF	8

static int
is_rsa(EVP_PKEY *k)
{
	return k != NULL && EVP_PKEY_get_base_id(k) == EVP_PKEY_RSA;
}

EVP_PKEY *
ddtsig_load(const char *path, int priv, char *why, size_t whylen)
{
	EVP_PKEY	*k = NULL;
	FILE		*f;

	if ((f = fopen(path, "r")) == NULL) {
		snprintf(why, whylen, "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (priv)
		k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
	else {
		/* a public key file, or the public half of a private one */
		if ((k = PEM_read_PUBKEY(f, NULL, NULL, NULL)) == NULL) {
			rewind(f);
			ERR_clear_error();
			k = PEM_read_PrivateKey(f, NULL, NULL, NULL);
		}
	}
	fclose(f);
	ERR_clear_error();
	if (k == NULL) {
		snprintf(why, whylen, "%s: no PEM %s key in it", path,
		    priv ? "private" : "public");
		return NULL;
	}
	if (!is_rsa(k) || EVP_PKEY_get_bits(k) < 1024 ||
	    EVP_PKEY_get_size(k) > DDTSIG_SIG_MAX) {
		snprintf(why, whylen, "%s: not an RSA key of 1024 to 8192 bits "
		    "(RFC 8111 signs with RSA-SHA256)", path);
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

EVP_PKEY *
ddtsig_from_der(const uint8_t *der, size_t len)
{
	const unsigned char	*p = der;
	EVP_PKEY		*k;

	if (len == 0 || len > DDTSIG_DER_MAX)
		return NULL;
	k = d2i_PUBKEY(NULL, &p, (long)len);
	ERR_clear_error();
	if (k != NULL && (p != der + len || !is_rsa(k) ||
	    EVP_PKEY_get_size(k) > DDTSIG_SIG_MAX || EVP_PKEY_get_bits(k) < 1024)) {
		EVP_PKEY_free(k);
		return NULL;
	}
	return k;
}

size_t
ddtsig_der(EVP_PKEY *k, uint8_t *buf, size_t cap)
{
	unsigned char	*p = buf;
	int		 n = i2d_PUBKEY(k, NULL);

	if (n <= 0 || (size_t)n > cap)
		return 0;
	return i2d_PUBKEY(k, &p) == n ? (size_t)n : 0;
}

static EVP_MD *sha256;

int
ddtsig_sha256_2(const void *a, size_t alen, const void *b, size_t blen, uint8_t md[32])
{
	EVP_MD_CTX	*ctx;
	unsigned	 mdlen = 0;
	int		 ok;

	if (sha256 == NULL && (sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MD_CTX_new()) == NULL)
		return -1;
	ok = EVP_DigestInit_ex(ctx, sha256, NULL) == 1 &&
	    EVP_DigestUpdate(ctx, a, alen) == 1 &&
	    (blen == 0 || EVP_DigestUpdate(ctx, b, blen) == 1) &&
	    EVP_DigestFinal_ex(ctx, md, &mdlen) == 1 && mdlen == 32;
	EVP_MD_CTX_free(ctx);
	return ok ? 0 : -1;
}

int
ddtsig_sha256(const void *p, size_t len, uint8_t md[32])
{
	return ddtsig_sha256_2(p, len, NULL, 0, md);
}

uint16_t
ddtsig_der_tag(const uint8_t *der, size_t len)
{
	uint8_t md[32];

	if (ddtsig_sha256(der, len, md) == -1)
		return 0;
	return (uint16_t)(md[0] << 8 | md[1]);
}

uint16_t
ddtsig_key_tag(EVP_PKEY *k)
{
	uint8_t	der[DDTSIG_DER_MAX];
	size_t	n = ddtsig_der(k, der, sizeof(der));

	return n == 0 ? 0 : ddtsig_der_tag(der, n);
}

struct ddtsig_verifier {
	EVP_PKEY_CTX	*ctx;
	uint16_t	 tag;
};

struct ddtsig_verifier *
ddtsig_verifier_new(EVP_PKEY *pub)
{
	struct ddtsig_verifier *v;

	if (pub == NULL || ddtsig_sha256("", 0, (uint8_t[32]){ 0 }) == -1 ||
	    (v = calloc(1, sizeof(*v))) == NULL)
		return NULL;
	v->tag = ddtsig_key_tag(pub);
	if ((v->ctx = EVP_PKEY_CTX_new_from_pkey(NULL, pub, NULL)) == NULL ||
	    EVP_PKEY_verify_init(v->ctx) != 1 ||
	    EVP_PKEY_CTX_set_rsa_padding(v->ctx, RSA_PKCS1_PADDING) != 1 ||
	    EVP_PKEY_CTX_set_signature_md(v->ctx, sha256) != 1) {
		ERR_clear_error();
		ddtsig_verifier_free(v);
		return NULL;
	}
	return v;
}

void
ddtsig_verifier_free(struct ddtsig_verifier *v)
{
	if (v == NULL)
		return;
	EVP_PKEY_CTX_free(v->ctx);
	free(v);
}

uint16_t
ddtsig_verifier_tag(const struct ddtsig_verifier *v)
{
	return v->tag;
}

void
ddtsig_free(EVP_PKEY *k)
{
	EVP_PKEY_free(k);
}

int
ddtsig_sign(struct wbuf *w, size_t rec, EVP_PKEY *priv, uint16_t tag, uint32_t now,
    uint32_t valid_s)
{
	EVP_MD_CTX	*ctx;
	size_t		 slen = (size_t)EVP_PKEY_get_size(priv), sig, got;
	uint8_t		*q;
	int		 ok;

	if (w->err || rec > w->len || w->len - rec < 12 ||
	    (q = wbuf_reserve(w, SIG_FIXED + slen)) == NULL) {
		w->err = 1;
		return -1;
	}
	sig = (size_t)(q - w->p) + SIG_FIXED;
	memcpy(q, w->p + rec + REC_TTL_OFF, 4);		/* Original Record TTL */
	put_u32(q + 4, now + valid_s);
	put_u32(q + 8, now - DDTSIG_SKEW);
	put_u16(q + 12, tag);
	put_u16(q + 14, (uint16_t)slen);
	q[16] = DDTSIG_RSA_SHA256;
	q[17] = 0;
	put_u16(q + 18, 0);
	memset(w->p + sig, 0, slen);
	got = slen;
	if ((ctx = EVP_MD_CTX_new()) == NULL) {
		w->err = 1;
		return -1;
	}
	ok = ddtsig_sha256("", 0, (uint8_t[32]){ 0 }) == 0 &&
	    EVP_DigestSignInit(ctx, NULL, sha256, NULL, priv) == 1 &&
	    EVP_DigestSign(ctx, w->p + sig, &got, w->p + rec, w->len - rec) == 1 &&
	    got == slen;
	EVP_MD_CTX_free(ctx);
	ERR_clear_error();
	if (!ok) {
		w->err = 1;
		return -1;
	}
	return 0;
}

/* one signature section at off (its Signature sig_len octets after the
 * fixed part) of the record raw[0..len) */
static int
verify_one(const uint8_t *raw, size_t len, size_t off, const struct lisp_ref_sig *s,
    struct ddtsig_verifier *v)
{
	uint8_t	tmp[4096], md[32];
	int	ok;

	if (len > sizeof(tmp) || off + SIG_FIXED + s->sig_len > len)
		return 0;
	memcpy(tmp, raw, len);
	put_u32(tmp + REC_TTL_OFF, s->orig_ttl);
	memset(tmp + off + SIG_FIXED, 0, s->sig_len);
	if (ddtsig_sha256(tmp, len, md) == -1)
		return 0;
	ok = EVP_PKEY_verify(v->ctx, s->sig, s->sig_len, md, sizeof(md)) == 1;
	ERR_clear_error();
	return ok;
}

int
ddtsig_verify(const struct lisp_record *r, struct ddtsig_verifier *v, uint32_t now,
    const char **why)
{
	struct rbuf		 sigs = r->sigs;
	struct lisp_ref_sig	 s;
	uint16_t		 tag = v->tag;
	const char		*w = "unsigned";
	size_t			 off;

	if (r->raw.p == NULL || sigs.p < r->raw.p ||
	    sigs.p + sigs.len > r->raw.p + r->raw.len) {
		*why = "no record octets";
		return -1;
	}
	for (;;) {
		off = (size_t)(sigs.p - r->raw.p);
		if (ref_sig_next(&sigs, &s) != 1)
			break;
		if (s.alg != DDTSIG_RSA_SHA256) {
			w = "signature algorithm not RSA-SHA256";
			continue;
		}
		if (s.key_tag != tag) {
			w = "no signature by the expected key (key tag)";
			continue;
		}
		if ((int64_t)now + DDTSIG_SKEW < (int64_t)s.inception ||
		    now > s.expiration) {
			w = "signature not valid now (inception/expiration)";
			continue;
		}
		if (verify_one(r->raw.p, r->raw.len, off, &s, v))
			return 0;
		w = "signature does not verify";
	}
	*why = w;
	return -1;
}
