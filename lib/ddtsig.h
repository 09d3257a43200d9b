/* RFC 8111 §6.4.1 and §10: signatures on Map-Referral records.
 *
 * one algorithm, the mandatory one: RSA-SHA256 (Sig-Algorithm 2), an
 * RSASSA-PKCS1-v1_5 signature over the whole record with its Record TTL
 * set to the Original Record TTL and the Signature field zeroed. a child's
 * public key travels in the referral set as a Security Key LCAF (type 11)
 * around the child's RLOC; RFC 8111 leaves its Key Algorithm to DDT, and
 * we use the Sig-Algorithm's number (2) with the key as DER
 * SubjectPublicKeyInfo. the Key Tag is the first two octets of SHA-256 of
 * that DER, so both ends compute it from the key alone. */
#ifndef LOCID_DDTSIG_H
#define LOCID_DDTSIG_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "msg.h"

#define DDTSIG_RSA_SHA256	2	/* Sig-Algorithm and our Key Algorithm */
#define DDTSIG_DER_MAX		1100	/* SubjectPublicKeyInfo of RSA up to 8192 bits */
#define DDTSIG_SIG_MAX		1024	/* RSA up to 8192 bits */
#define DDTSIG_SKEW		300	/* s of clock skew allowed at inception */

struct evp_pkey_st;

/* a PEM file's key: the private key when priv, else the public key (a
 * public or a private key file). NULL with why when unreadable or not RSA */
struct evp_pkey_st *ddtsig_load(const char *path, int priv, char *why, size_t whylen);
/* the public key from DER SubjectPublicKeyInfo, RSA only; NULL if not one */
struct evp_pkey_st *ddtsig_from_der(const uint8_t *der, size_t len);
/* the key's public part as DER into buf; its length, 0 when it does not fit */
size_t		 ddtsig_der(struct evp_pkey_st *, uint8_t *buf, size_t cap);
uint16_t	 ddtsig_key_tag(struct evp_pkey_st *);
uint16_t	 ddtsig_der_tag(const uint8_t *der, size_t len);
void		 ddtsig_free(struct evp_pkey_st *);
/* SHA-256 with a digest fetched once (OpenSSL 3 fetches per call else) */
int		 ddtsig_sha256(const void *, size_t, uint8_t md[32]);
/* of a then b, without joining them first */
int		 ddtsig_sha256_2(const void *a, size_t alen, const void *b, size_t blen,
		    uint8_t md[32]);

/* sign the record w->p[rec..w->len) (encoded with SigCnt 1): append its
 * signature section with Key Tag tag, valid from now - DDTSIG_SKEW for
 * valid_s seconds. -1 (w->err set) when it does not fit or signing fails */
int		 ddtsig_sign(struct wbuf *w, size_t rec, struct evp_pkey_st *priv,
		    uint16_t tag, uint32_t now, uint32_t valid_s);

/* a public key made ready to check signatures: its tag computed and a
 * verification context set up once (per-call set-up costs more than the
 * RSA verification itself) */
struct ddtsig_verifier;
struct ddtsig_verifier *ddtsig_verifier_new(struct evp_pkey_st *pub);
void		 ddtsig_verifier_free(struct ddtsig_verifier *);
uint16_t	 ddtsig_verifier_tag(const struct ddtsig_verifier *);

/* the record's signatures (a decoded Map-Referral record: rec->raw,
 * rec->sigs) checked against the key: 0 when one made with it (by Key
 * Tag) verifies and is valid at now, else -1 with why */
int		 ddtsig_verify(const struct lisp_record *, struct ddtsig_verifier *,
		    uint32_t now, const char **why);

#endif
