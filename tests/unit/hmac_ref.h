/* OpenSSL's HMAC (EVP_MAC), the reference the HMAC tests compare lib/hmac.c
 * and lib/auth.c against: HMAC with digest ("SHA1", "SHA256") of msg with
 * [off, off + zlen) taken as zeros (zlen 0: msg as it is). returns the
 * digest length; out has room for 32 octets. include after cmocka.h */
#ifndef LOCID_TEST_HMAC_REF_H
#define LOCID_TEST_HMAC_REF_H

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

static inline size_t
hmac_ref(const char *digest, const uint8_t *key, size_t klen, const uint8_t *msg,
    size_t len, size_t off, size_t zlen, uint8_t *out)
{
	static const uint8_t zeros[64];
	EVP_MAC		*m = EVP_MAC_fetch(NULL, OSSL_MAC_NAME_HMAC, NULL);
	EVP_MAC_CTX	*c = EVP_MAC_CTX_new(m);
	OSSL_PARAM	 p[2];
	size_t		 n = 0;

	p[0] = OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, (char *)digest, 0);
	p[1] = OSSL_PARAM_construct_end();
	assert_non_null(c);
	assert_true(zlen <= sizeof(zeros) && off + zlen <= len);
	/* EVP_MAC_init refuses an empty key: HMAC pads it to zeros anyway */
	assert_int_equal(EVP_MAC_init(c, klen > 0 ? key : (const uint8_t *)"\0",
	    klen > 0 ? klen : 1, p), 1);
	assert_int_equal(EVP_MAC_update(c, msg, off), 1);
	assert_int_equal(EVP_MAC_update(c, zeros, zlen), 1);
	assert_int_equal(EVP_MAC_update(c, msg + off + zlen, len - off - zlen), 1);
	assert_int_equal(EVP_MAC_final(c, out, &n, 32), 1);
	EVP_MAC_CTX_free(c);
	EVP_MAC_free(m);
	return n;
}

#endif
