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

/* -- lanes --------------------------------------------------------------
 * a lane's steps: the raw key's two pad blocks (LANE_KEY; they do not
 * depend on each other), each block of the message after the inner pad
 * (LANE_INNER: taken in place where whole and outside the zero window,
 * else copied and padded as FIPS 180-4 5.1.1 says, the length counting
 * the pad block), the inner digest after the outer pad (LANE_OUTER);
 * with hkdf the result is then the raw key of an HMAC of 0x01 */
enum { LANE_KEY, LANE_INNER, LANE_OUTER, LANE_DONE };

static void
md_block(int md, union hmac_state *s, const uint8_t *blk)
{
	if (md == HMAC_SHA256)
		SHA256_Transform(&s->sha256, blk);
	else
		SHA1_Transform(&s->sha1, blk);
}

static void
md_words(int md, const union hmac_state *s, uint8_t *out)
{
	int i;

	if (md == HMAC_SHA256) {
		for (i = 0; i < 8; i++)
			put_u32(out + 4 * i, s->sha256.h[i]);
	} else {
		put_u32(out, s->sha1.h0);
		put_u32(out + 4, s->sha1.h1);
		put_u32(out + 8, s->sha1.h2);
		put_u32(out + 12, s->sha1.h3);
		put_u32(out + 16, s->sha1.h4);
	}
}

static void
lane_msg(struct hmac_lane *l, const void *msg, size_t len, size_t zoff,
    size_t zlen)
{
	l->msg = msg;
	l->len = len;
	l->zoff = zoff;
	l->zlen = zlen;
	l->blk = 0;
	l->nblk = (len + 9 + HMAC_BLOCK - 1) / HMAC_BLOCK;
}

int
hmac_lane_init(struct hmac_lane *l, int md, const struct hmac_key *k,
    const void *key, size_t klen, const void *msg, size_t len, size_t zoff,
    size_t zlen, int hkdf, uint8_t out[HMAC_MAX])
{
	if (hmac_size(md) == 0 || (k == NULL && klen > HMAC_BLOCK) ||
	    (k != NULL && k->md != md) || zoff > len || len - zoff < zlen)
		return -1;
	l->md = md;
	l->hkdf = hkdf;
	l->out = out;
	lane_msg(l, msg, len, zoff, zlen);
	if (k != NULL) {
		l->s = k->in;
		l->o = k->out;
		l->phase = LANE_INNER;
	} else {
		l->klen = klen;
		if (klen > 0)
			memcpy(l->key, key, klen);
		l->phase = LANE_KEY;
	}
	return 0;
}

/* block i of the lane's message */
static const uint8_t *
lane_block(struct hmac_lane *l)
{
	size_t	 start = l->blk * HMAC_BLOCK, n = 0, a, b;
	uint64_t bits;

	if (start + HMAC_BLOCK <= l->len && (l->zlen == 0 ||
	    l->zoff >= start + HMAC_BLOCK || l->zoff + l->zlen <= start))
		return l->msg + start;
	if (start < l->len)
		n = l->len - start < HMAC_BLOCK ? l->len - start : HMAC_BLOCK;
	if (n > 0)
		memcpy(l->tmp, l->msg + start, n);
	memset(l->tmp + n, 0, HMAC_BLOCK - n);
	/* the window's part in this block */
	a = l->zoff > start ? l->zoff : start;
	b = l->zoff + l->zlen < start + n ? l->zoff + l->zlen : start + n;
	if (l->zlen > 0 && a < b)
		memset(l->tmp + (a - start), 0, b - a);
	if (l->len >= start && l->len < start + HMAC_BLOCK)
		l->tmp[l->len - start] = 0x80;
	if (l->blk == l->nblk - 1) {
		bits = (uint64_t)(HMAC_BLOCK + l->len) * 8;
		put_u32(l->tmp + HMAC_BLOCK - 8, (uint32_t)(bits >> 32));
		put_u32(l->tmp + HMAC_BLOCK - 4, (uint32_t)bits);
	}
	return l->tmp;
}

/* a compression to run: state and block */
struct lane_job {
	int			 md;
	union hmac_state	*s;
	const uint8_t		*blk;
};

/* the lane's compressions of this step into j (none once done); they
 * are run together, with nothing between them, for the processor to
 * overlap them: with a step's bookkeeping between two compressions it
 * does not */
static int
lane_prep(struct hmac_lane *l, struct lane_job *j)
{
	size_t hs = hmac_size(l->md), i;

	switch (l->phase) {
	case LANE_KEY:
		/* key (zero-padded) ^ ipad, ^ opad; key holds 64 octets */
		memset(l->key + l->klen, 0, HMAC_BLOCK - l->klen);
		for (i = 0; i < HMAC_BLOCK; i++) {
			l->tmp[i] = l->key[i] ^ 0x36;
			l->tmp2[i] = l->key[i] ^ 0x5c;
		}
		md_init(l->md, &l->s);
		l->o = l->s;
		j[0] = (struct lane_job){ l->md, &l->s, l->tmp };
		j[1] = (struct lane_job){ l->md, &l->o, l->tmp2 };
		return 2;
	case LANE_INNER:
		j[0] = (struct lane_job){ l->md, &l->s, lane_block(l) };
		return 1;
	case LANE_OUTER:
		memset(l->tmp, 0, HMAC_BLOCK);
		md_words(l->md, &l->s, l->tmp);
		l->tmp[hs] = 0x80;
		put_u32(l->tmp + HMAC_BLOCK - 4, (uint32_t)(HMAC_BLOCK + hs) * 8);
		j[0] = (struct lane_job){ l->md, &l->o, l->tmp };
		return 1;
	default:
		return 0;
	}
}

/* after the step's compressions */
static void
lane_post(struct hmac_lane *l)
{
	static const uint8_t one[1] = { 1 };

	switch (l->phase) {
	case LANE_KEY:
		l->phase = LANE_INNER;
		break;
	case LANE_INNER:
		if (++l->blk == l->nblk)
			l->phase = LANE_OUTER;
		break;
	case LANE_OUTER:
		if (l->hkdf) {
			md_words(l->md, &l->o, l->key);
			l->klen = hmac_size(l->md);
			l->hkdf = 0;
			lane_msg(l, one, sizeof(one), 0, 0);
			l->phase = LANE_KEY;
		} else {
			md_words(l->md, &l->o, l->out);
			l->phase = LANE_DONE;
		}
		break;
	}
}

void
hmac_lanes_run(struct hmac_lane *v, int n)
{
	struct lane_job	 job[2 * HMAC_LANES_MAX];
	int		 i, k, nj, m;

	for (k = 0; k < n; k += HMAC_LANES_MAX) {
		m = n - k < HMAC_LANES_MAX ? n - k : HMAC_LANES_MAX;
		do {
			for (nj = 0, i = 0; i < m; i++)
				nj += lane_prep(&v[k + i], job + nj);
			for (i = 0; i < nj; i++)
				md_block(job[i].md, job[i].s, job[i].blk);
			for (i = 0; i < m; i++)
				lane_post(&v[k + i]);
		} while (nj > 0);
	}
	explicit_bzero(v, (size_t)n * sizeof(*v));
}

/* HKDF of one output block: one lane (the extract, then with hkdf the
 * expand of 0x01 keyed by the PRK), every block padded here and sent
 * straight to the compression function: through hmac_key_set and
 * hmac_run the same HKDF is about 10 % slower (the buffering of
 * SHA*_Update and SHA*_Final, the wipes of every intermediate state) */
void
hmac_hkdf1(const struct hmac_key *salt, const void *ikm, size_t len,
    uint8_t out[HMAC_MAX])
{
	struct hmac_lane l;

	hmac_lane_init(&l, salt->md, salt, NULL, 0, ikm, len, 0, 0, 1, out);
	hmac_lanes_run(&l, 1);
}
