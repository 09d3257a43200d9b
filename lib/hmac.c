/* HMAC over OpenSSL's SHA-1 / SHA-256; see hmac.h. the low-level digest
 * functions (SHA256_Init, ...) are deprecated in OpenSSL 3.0 but kept in
 * its libcrypto; they are what its own provider runs, and a state is a
 * plain struct that is copied for free where an EVP_MD_CTX copy
 * allocates */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>

#include <string.h>

#include "hmac.h"

#define HMAC_BLOCK	64	/* both digests */


size_t
hmac_size(int md)
{
	switch (md) {
	case HMAC_SHA1:
		return SHA_DIGEST_LENGTH;
	case HMAC_SHA256:
		return SHA256_DIGEST_LENGTH;
	default:
		return 0;
	}
}

static void
md_init(int md, union hmac_state *s)
{
	if (md == HMAC_SHA256)
		SHA256_Init(&s->sha256);
	else
		SHA1_Init(&s->sha1);
}

static void
md_update(int md, union hmac_state *s, const void *p, size_t len)
{
	if (len == 0)
		return;
	if (md == HMAC_SHA256)
		SHA256_Update(&s->sha256, p, len);
	else
		SHA1_Update(&s->sha1, p, len);
}

static void
md_final(int md, union hmac_state *s, uint8_t *out)
{
	if (md == HMAC_SHA256)
		SHA256_Final(out, &s->sha256);
	else
		SHA1_Final(out, &s->sha1);
}

int
hmac_key_set(struct hmac_key *k, int md, const void *key, size_t len)
{
	uint8_t			 pad[HMAC_BLOCK], kh[HMAC_MAX];
	union hmac_state	 s;
	size_t			 i;

	if (hmac_size(md) == 0)
		return -1;
	k->md = md;
	if (len > HMAC_BLOCK) {		/* RFC 2104: a long key is hashed */
		md_init(md, &s);
		md_update(md, &s, key, len);
		md_final(md, &s, kh);
		OPENSSL_cleanse(&s, sizeof(s));
		key = kh;
		len = hmac_size(md);
	}
	memset(pad, 0, sizeof(pad));
	if (len > 0)
		memcpy(pad, key, len);
	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] ^= 0x36;
	md_init(md, &k->in);
	md_update(md, &k->in, pad, HMAC_BLOCK);
	for (i = 0; i < HMAC_BLOCK; i++)
		pad[i] ^= 0x36 ^ 0x5c;
	md_init(md, &k->out);
	md_update(md, &k->out, pad, HMAC_BLOCK);
	OPENSSL_cleanse(pad, sizeof(pad));
	if (key == kh)
		OPENSSL_cleanse(kh, sizeof(kh));
	return 0;
}

void
hmac_key_clear(struct hmac_key *k)
{
	OPENSSL_cleanse(k, sizeof(*k));
}

void
hmac_parts(const struct hmac_key *k, const struct hmac_part *v, int n,
    uint8_t out[HMAC_MAX])
{
	union hmac_state	 s = k->in;
	uint8_t			 ih[HMAC_MAX];
	int			 i;

	for (i = 0; i < n; i++)
		md_update(k->md, &s, v[i].p, v[i].len);
	md_final(k->md, &s, ih);
	s = k->out;
	md_update(k->md, &s, ih, hmac_size(k->md));
	md_final(k->md, &s, out);
	/* the final leaves the chaining values in s */
	OPENSSL_cleanse(&s, sizeof(s));
	OPENSSL_cleanse(ih, sizeof(ih));
}

void
hmac_run(const struct hmac_key *k, const void *msg, size_t len,
    uint8_t out[HMAC_MAX])
{
	struct hmac_part p = { msg, len };

	hmac_parts(k, &p, 1, out);
}
