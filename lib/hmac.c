/* HMAC over OpenSSL's SHA-1 / SHA-256; see hmac.h. the low-level digest
 * functions (SHA256_Init, ...) are deprecated in OpenSSL 3.0 but kept in
 * its libcrypto; they are what its own provider runs, and a state is a
 * plain struct that is copied for free where an EVP_MD_CTX copy
 * allocates */
#define OPENSSL_SUPPRESS_DEPRECATED
#include <openssl/crypto.h>

#include <string.h>

#include "buf.h"
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

/* -- HKDF of one block ------------------------------------------------
 * every step of it but the IKM is one block: the extract's outer digest,
 * the PRK's two key states, the expand of 0x01 and its outer digest; with
 * an IKM that ends within a block so is the extract. those blocks are
 * padded here (FIPS 180-4 5.1.1: 0x80, zeros, the length in bits in the
 * last 64 bits) and go straight to the compression function: through
 * hmac_key_set and hmac_run the same HKDF is 10 % slower (305 against
 * 275 ns here), the difference being the buffering of SHA*_Update and
 * SHA*_Final and the wipes of every intermediate state */
struct hkdf_tmp {
	union hmac_state	 s, pi, po;
	uint8_t			 t[HMAC_MAX];
	uint8_t			 ipad[HMAC_BLOCK], opad[HMAC_BLOCK];
	uint8_t			 blk[HMAC_BLOCK];
};

/* the digest of msg (at most HMAC_BLOCK - 9 octets) after the one block
 * absorbed in s */
static void
md_one(int md, union hmac_state *s, uint8_t *blk, const void *msg, size_t len,
    uint8_t *out)
{
	int i;

	memset(blk, 0, HMAC_BLOCK);
	memcpy(blk, msg, len);
	blk[len] = 0x80;
	put_u32(blk + HMAC_BLOCK - 4, (uint32_t)(HMAC_BLOCK + len) * 8);
	if (md == HMAC_SHA256) {
		SHA256_Transform(&s->sha256, blk);
		for (i = 0; i < 8; i++)
			put_u32(out + 4 * i, s->sha256.h[i]);
	} else {
		SHA1_Transform(&s->sha1, blk);
		put_u32(out, s->sha1.h0);
		put_u32(out + 4, s->sha1.h1);
		put_u32(out + 8, s->sha1.h2);
		put_u32(out + 12, s->sha1.h3);
		put_u32(out + 16, s->sha1.h4);
	}
}

void
hmac_hkdf1(const struct hmac_key *salt, const void *ikm, size_t len,
    uint8_t out[HMAC_MAX])
{
	static const uint8_t	 one[1] = { 1 };
	struct hkdf_tmp		 x;
	int			 md = salt->md;
	size_t			 hs = hmac_size(md), i;

	/* the PRK into x.t */
	if (len <= HMAC_BLOCK - 9) {
		x.s = salt->in;
		md_one(md, &x.s, x.blk, ikm, len, x.t);
		x.s = salt->out;
		md_one(md, &x.s, x.blk, x.t, hs, x.t);
	} else
		hmac_run(salt, ikm, len, x.t);
	memset(x.ipad, 0x36, sizeof(x.ipad));
	memset(x.opad, 0x5c, sizeof(x.opad));
	for (i = 0; i < hs; i++) {
		x.ipad[i] ^= x.t[i];
		x.opad[i] ^= x.t[i];
	}
	md_init(md, &x.pi);
	x.po = x.pi;
	if (md == HMAC_SHA256) {
		SHA256_Transform(&x.pi.sha256, x.ipad);
		SHA256_Transform(&x.po.sha256, x.opad);
	} else {
		SHA1_Transform(&x.pi.sha1, x.ipad);
		SHA1_Transform(&x.po.sha1, x.opad);
	}
	md_one(md, &x.pi, x.blk, one, sizeof(one), x.t);
	md_one(md, &x.po, x.blk, x.t, hs, out);
	explicit_bzero(&x, sizeof(x));
}
