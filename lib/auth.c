/* Map-Register / Map-Notify / Info authentication: HMAC on lib/hmac.c
 * (OpenSSL's SHA-1 / SHA-256 with the key's states prepared once; an
 * auth_key keeps them for every message of its key, the one-shot
 * functions prepare them per call). the MAC is fed in three pieces
 * (before the auth field, zeros, after it) so the message is neither
 * copied nor modified. EVP_MAC spent 1.4 us an HMAC-SHA-256 of a
 * 112-octet Map-Register here, fetching and keying a context per call
 * (bench/codec), and 0.3-0.4 us re-initialising a keyed one; test_auth_key
 * checks these against EVP_MAC. */
#include <openssl/crypto.h>

#include <string.h>

#include "auth.h"
#include "hmac.h"
#include "msg.h"

static int
auth_digest(unsigned alg, size_t *full, size_t *trunc)
{
	switch (alg) {
	case ALG_HMAC_SHA1_96:
		*full = 20;
		*trunc = 12;
		return HMAC_SHA1;
	case ALG_HMAC_SHA256_128:
		*full = 32;
		*trunc = 16;
		return HMAC_SHA256;
	default:
		return 0;
	}
}

int
auth_len(unsigned alg)
{
	size_t full, trunc;

	if (alg == ALG_NONE)
		return 0;
	if (auth_digest(alg, &full, &trunc) == 0)
		return -1;
	return (int)full;
}

/* the MAC with k of msg with zlen octets at auth_off fed as zeros, alen
 * octets of it (full: the whole output, trunc: its truncation) into out */
static int
key_hmac(const struct hmac_key *k, size_t full, size_t trunc,
    const uint8_t *msg, size_t len, size_t auth_off, size_t zlen, size_t alen,
    uint8_t *out)
{
	static const uint8_t zeros[AUTH_MAX_LEN];
	uint8_t mac[HMAC_MAX];
	struct hmac_part p[3];

	if (alen != full && alen != trunc)
		return -1;
	if (auth_off > len || len - auth_off < zlen || zlen > AUTH_MAX_LEN)
		return -1;
	p[0].p = msg;
	p[0].len = auth_off;
	p[1].p = zeros;
	p[1].len = zlen;
	p[2].p = msg + auth_off + zlen;
	p[2].len = len - auth_off - zlen;
	hmac_parts(k, p, 3, mac);
	memcpy(out, mac, alen);
	OPENSSL_cleanse(mac, sizeof(mac));
	return 0;
}

static int
auth_hmac(unsigned alg, const void *key, size_t keylen, const uint8_t *msg,
    size_t len, size_t auth_off, size_t zlen, size_t alen, uint8_t *out)
{
	struct hmac_key k;
	size_t full, trunc;
	int md, rv;

	if ((md = auth_digest(alg, &full, &trunc)) == 0 ||
	    hmac_key_set(&k, md, key != NULL ? key : "", key != NULL ? keylen : 0) == -1)
		return -1;
	rv = key_hmac(&k, full, trunc, msg, len, auth_off, zlen, alen, out);
	hmac_key_clear(&k);
	return rv;
}
int
auth_compute(unsigned alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, size_t alen,
    uint8_t *out)
{
	return auth_hmac(alg, key, keylen, msg, len, auth_off, alen, alen, out);
}

int
auth_mac(unsigned alg, const void *key, size_t keylen, const uint8_t *msg,
    size_t len, size_t alen, uint8_t *out)
{
	return auth_hmac(alg, key, keylen, msg, len, 0, 0, alen, out);
}

int
auth_sign(unsigned alg, const void *key, size_t keylen, uint8_t *msg,
    size_t len, size_t auth_off, size_t alen)
{
	uint8_t mac[AUTH_MAX_LEN];

	if (auth_compute(alg, key, keylen, msg, len, auth_off, alen, mac) == -1)
		return -1;
	memcpy(msg + auth_off, mac, alen);
	return 0;
}

int
auth_verify(unsigned alg, const void *key, size_t keylen,
    const uint8_t *msg, size_t len, size_t auth_off, size_t alen)
{
	uint8_t mac[AUTH_MAX_LEN];
	int ok;

	if (alen == 0)
		return 0;
	if (auth_compute(alg, key, keylen, msg, len, auth_off, alen, mac) == -1)
		return 0;
	ok = CRYPTO_memcmp(mac, msg + auth_off, alen) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}

/* -- prepared keys -------------------------------------------------- */

struct auth_key {
	unsigned	 alg;
	size_t		 full, trunc;
	struct hmac_key	 k;		/* ipad / opad states */
};

struct auth_key *
auth_key_new(unsigned alg, const void *key, size_t keylen)
{
	struct auth_key	*k;
	size_t		 full, trunc;
	int		 md;

	if ((md = auth_digest(alg, &full, &trunc)) == 0)
		return NULL;
	if ((k = OPENSSL_zalloc(sizeof(*k))) == NULL)
		return NULL;
	k->alg = alg;
	k->full = full;
	k->trunc = trunc;
	if (key == NULL)
		keylen = 0;
	if (hmac_key_set(&k->k, md, key != NULL ? key : "", keylen) == -1) {
		OPENSSL_free(k);
		return NULL;
	}
	return k;
}

void
auth_key_free(struct auth_key *k)
{
	if (k == NULL)
		return;
	OPENSSL_clear_free(k, sizeof(*k));
}

unsigned
auth_key_alg(const struct auth_key *k)
{
	return k->alg;
}

int
auth_key_compute(struct auth_key *k, const uint8_t *msg, size_t len,
    size_t auth_off, size_t alen, uint8_t *out)
{
	return key_hmac(&k->k, k->full, k->trunc, msg, len, auth_off, alen, alen,
	    out);
}

int
auth_key_sign(struct auth_key *k, uint8_t *msg, size_t len, size_t auth_off,
    size_t alen)
{
	uint8_t mac[AUTH_MAX_LEN];

	if (auth_key_compute(k, msg, len, auth_off, alen, mac) == -1)
		return -1;
	memcpy(msg + auth_off, mac, alen);
	return 0;
}

int
auth_key_verify(struct auth_key *k, const uint8_t *msg, size_t len,
    size_t auth_off, size_t alen)
{
	uint8_t mac[AUTH_MAX_LEN];
	int ok;

	if (alen == 0)
		return 0;
	if (auth_key_compute(k, msg, len, auth_off, alen, mac) == -1)
		return 0;
	ok = CRYPTO_memcmp(mac, msg + auth_off, alen) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}
