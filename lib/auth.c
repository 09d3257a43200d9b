/* Map-Register / Map-Notify / Info authentication with OpenSSL EVP_MAC:
 * the MAC is fed in three pieces (before the auth field, zeros, after it)
 * so the message is neither copied nor modified. */
#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <string.h>

#include "auth.h"
#include "msg.h"

static const char *
auth_digest(unsigned alg, size_t *full, size_t *trunc)
{
	switch (alg) {
	case ALG_HMAC_SHA1_96:
		*full = 20;
		*trunc = 12;
		return "SHA1";
	case ALG_HMAC_SHA256_128:
		*full = 32;
		*trunc = 16;
		return "SHA256";
	default:
		return NULL;
	}
}

int
auth_len(unsigned alg)
{
	size_t full, trunc;

	if (alg == ALG_NONE)
		return 0;
	if (auth_digest(alg, &full, &trunc) == NULL)
		return -1;
	return (int)full;
}

/* the MAC of msg with zlen octets at auth_off fed as zeros, alen octets
 * of it into out */
static int
auth_hmac(unsigned alg, const void *key, size_t keylen, const uint8_t *msg,
    size_t len, size_t auth_off, size_t zlen, size_t alen, uint8_t *out)
{
	static const uint8_t zeros[AUTH_MAX_LEN];
	uint8_t mac[EVP_MAX_MD_SIZE];
	const char *md;
	EVP_MAC *m;
	EVP_MAC_CTX *ctx = NULL;
	OSSL_PARAM params[2];
	size_t full, trunc, maclen;
	int rv = -1;

	if ((md = auth_digest(alg, &full, &trunc)) == NULL)
		return -1;
	if (alen != full && alen != trunc)
		return -1;
	if (auth_off > len || len - auth_off < zlen)
		return -1;
	if (key == NULL)
		key = "";		/* EVP_MAC_init wants a pointer even for "" */

	if ((m = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL)
		return -1;
	if ((ctx = EVP_MAC_CTX_new(m)) == NULL)
		goto done;
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (!EVP_MAC_init(ctx, key, keylen, params) ||
	    !EVP_MAC_update(ctx, msg, auth_off) ||
	    !EVP_MAC_update(ctx, zeros, zlen) ||
	    !EVP_MAC_update(ctx, msg + auth_off + zlen, len - auth_off - zlen) ||
	    !EVP_MAC_final(ctx, mac, &maclen, sizeof(mac)) || maclen != full)
		goto done;
	memcpy(out, mac, alen);
	rv = 0;
done:
	OPENSSL_cleanse(mac, sizeof(mac));
	EVP_MAC_CTX_free(ctx);
	EVP_MAC_free(m);
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

/* -- cached keyed contexts ------------------------------------------- */

struct auth_key {
	unsigned	 alg;
	size_t		 full, trunc;
	EVP_MAC_CTX	*ctx;		/* keyed; re-initialised per message */
};

struct auth_key *
auth_key_new(unsigned alg, const void *key, size_t keylen)
{
	struct auth_key	*k;
	const char	*md;
	EVP_MAC		*m;
	OSSL_PARAM	 params[2];
	size_t		 full, trunc;

	if ((md = auth_digest(alg, &full, &trunc)) == NULL)
		return NULL;
	if ((k = OPENSSL_zalloc(sizeof(*k))) == NULL)
		return NULL;
	k->alg = alg;
	k->full = full;
	k->trunc = trunc;
	if (key == NULL)
		key = "";
	if ((m = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL)) == NULL) {
		OPENSSL_free(k);
		return NULL;
	}
	k->ctx = EVP_MAC_CTX_new(m);
	EVP_MAC_free(m);		/* the context holds its own reference */
	params[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST,
	    (char *)md, 0);
	params[1] = OSSL_PARAM_construct_end();
	if (k->ctx == NULL || !EVP_MAC_init(k->ctx, key, keylen, params)) {
		auth_key_free(k);
		return NULL;
	}
	return k;
}

void
auth_key_free(struct auth_key *k)
{
	if (k == NULL)
		return;
	EVP_MAC_CTX_free(k->ctx);	/* cleanses the key schedule */
	OPENSSL_free(k);
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
	static const uint8_t zeros[AUTH_MAX_LEN];
	uint8_t mac[EVP_MAX_MD_SIZE];
	size_t maclen;
	int rv = -1;

	if (alen != k->full && alen != k->trunc)
		return -1;
	if (auth_off > len || len - auth_off < alen)
		return -1;
	/* a NULL key restarts HMAC from the stored key schedule */
	if (!EVP_MAC_init(k->ctx, NULL, 0, NULL) ||
	    !EVP_MAC_update(k->ctx, msg, auth_off) ||
	    !EVP_MAC_update(k->ctx, zeros, alen) ||
	    !EVP_MAC_update(k->ctx, msg + auth_off + alen, len - auth_off - alen) ||
	    !EVP_MAC_final(k->ctx, mac, &maclen, sizeof(mac)) || maclen != k->full)
		goto done;
	memcpy(out, mac, alen);
	rv = 0;
done:
	OPENSSL_cleanse(mac, sizeof(mac));
	return rv;
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
