/* auth_key: the prepared key gives the same MACs as auth_compute
 * (digest §3.6 vectors, random messages, every offset), keeps working
 * across many messages, and refuses what auth_verify refuses; both give
 * what OpenSSL's EVP_MAC HMAC gives for random keys and messages */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include "auth.h"
#include "msg.h"

#include "auth_vectors.h"
#include "hmac_ref.h"

static void
test_vectors(void **state)
{
	static const struct {
		unsigned	 alg;
		const char	*msg, *mac;
		size_t		 alen;
	} v[] = {
		{ ALG_HMAC_SHA1_96, sha1_msg, sha1_mac, 20 },
		{ ALG_HMAC_SHA256_128, sha256_msg, sha256_mac, 32 },
	};
	uint8_t msg[256], mac[32], out[32];
	struct auth_key *k;
	size_t i, n;
	int round;

	for (i = 0; i < 2; i++) {
		n = unhex(v[i].msg, msg, sizeof(msg));
		assert_int_equal(unhex(v[i].mac, mac, sizeof(mac)), v[i].alen);
		k = auth_key_new(v[i].alg, "password", 8);
		assert_non_null(k);
		assert_int_equal(auth_key_alg(k), v[i].alg);
		/* the same key context, several times in a row */
		for (round = 0; round < 3; round++) {
			memset(out, 0xee, sizeof(out));
			assert_int_equal(auth_key_compute(k, msg, n, MREG_AUTH_OFF,
			    v[i].alen, out), 0);
			assert_memory_equal(out, mac, v[i].alen);
		}
		/* sign in place, verify, then a flipped bit fails */
		assert_int_equal(auth_key_sign(k, msg, n, MREG_AUTH_OFF, v[i].alen), 0);
		assert_memory_equal(msg + MREG_AUTH_OFF, mac, v[i].alen);
		assert_int_equal(auth_key_verify(k, msg, n, MREG_AUTH_OFF, v[i].alen), 1);
		msg[n - 1] ^= 1;
		assert_int_equal(auth_key_verify(k, msg, n, MREG_AUTH_OFF, v[i].alen), 0);
		msg[n - 1] ^= 1;
		assert_int_equal(auth_key_verify(k, msg, n, MREG_AUTH_OFF, v[i].alen), 1);
		msg[MREG_AUTH_OFF] ^= 0x80;
		assert_int_equal(auth_key_verify(k, msg, n, MREG_AUTH_OFF, v[i].alen), 0);
		auth_key_free(k);
	}
}

static void
test_refusals(void **state)
{
	uint8_t msg[64] = { 0 }, out[32];
	struct auth_key *k;

	assert_null(auth_key_new(ALG_NONE, "k", 1));
	assert_null(auth_key_new(7, "k", 1));
	auth_key_free(NULL);
	k = auth_key_new(ALG_HMAC_SHA256_128, "k", 1);
	assert_non_null(k);
	/* wrong length, zero length, auth field past the end */
	assert_int_equal(auth_key_compute(k, msg, sizeof(msg), 16, 20, out), -1);
	assert_int_equal(auth_key_verify(k, msg, sizeof(msg), 16, 0), 0);
	assert_int_equal(auth_key_verify(k, msg, sizeof(msg), 16, 20), 0);
	assert_int_equal(auth_key_compute(k, msg, 40, 16, 32, out), -1);
	assert_int_equal(auth_key_compute(k, msg, 10, 16, 32, out), -1);
	/* still usable after refusals */
	assert_int_equal(auth_key_sign(k, msg, sizeof(msg), 16, 32), 0);
	assert_int_equal(auth_key_verify(k, msg, sizeof(msg), 16, 32), 1);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, "k", 1, msg,
	    sizeof(msg), 16, 32), 1);
	auth_key_free(k);
}

/* random keys, lengths, offsets and both truncations, interleaving two
 * cached keys, against auth_compute */
static void
test_random_against_compute(void **state)
{
	static const unsigned algs[] = { ALG_HMAC_SHA1_96, ALG_HMAC_SHA256_128 };
	uint8_t msg[600], a[32], b[32], key[2][80];
	struct auth_key *k[2];
	size_t klen[2], len, off, alen, full;
	unsigned alg;
	int i, j, which;

	srandom(11);
	for (i = 0; i < 40; i++) {
		alg = algs[i & 1];
		full = alg == ALG_HMAC_SHA1_96 ? 20 : 32;
		for (j = 0; j < 2; j++) {
			klen[j] = (size_t)random() % sizeof(key[j]);	/* incl. > block size */
			for (len = 0; len < klen[j]; len++)
				key[j][len] = (uint8_t)random();
			k[j] = auth_key_new(alg, klen[j] ? key[j] : NULL, klen[j]);
			assert_non_null(k[j]);
		}
		for (j = 0; j < 50; j++) {
			alen = (random() & 1) ? full : full == 20 ? 12 : 16;	/* or 96/128 */
			len = alen + (size_t)random() % (sizeof(msg) - alen);
			off = (size_t)random() % (len - alen + 1);
			for (size_t x = 0; x < len; x++)
				msg[x] = (uint8_t)random();
			which = (int)(random() & 1);
			assert_int_equal(auth_key_compute(k[which], msg, len, off,
			    alen, a), 0);
			assert_int_equal(auth_compute(alg, klen[which] ?
			    key[which] : NULL, klen[which], msg, len, off, alen, b), 0);
			assert_memory_equal(a, b, alen);
			memcpy(msg + off, a, alen);
			assert_int_equal(auth_verify(alg, key[which], klen[which],
			    msg, len, off, alen), 1);
			assert_int_equal(auth_key_verify(k[which], msg, len, off,
			    alen), 1);
			/* the other key refuses it (keys differ but for chance) */
			if (klen[0] != klen[1] || memcmp(key[0], key[1], klen[0]) != 0)
				assert_int_equal(auth_key_verify(k[!which], msg, len,
				    off, alen), 0);
		}
		auth_key_free(k[0]);
		auth_key_free(k[1]);
	}
}

/* OpenSSL's HMAC of msg with [off, off + zlen) as zeros, the reference */
static void
evp_auth(unsigned alg, const uint8_t *key, size_t klen, const uint8_t *msg,
    size_t len, size_t off, size_t zlen, uint8_t *out)
{
	assert_int_equal(hmac_ref(alg == ALG_HMAC_SHA256_128 ? "SHA256" : "SHA1",
	    key, klen, msg, len, off, zlen, out), alg == ALG_HMAC_SHA256_128 ? 32 : 20);
}

/* random keys of 0..150 octets (the block is 64), messages of up to
 * 700 (a Map-Register of several records), every offset of the field, the
 * whole output and its truncation: auth_compute, auth_mac and a prepared
 * auth_key against EVP_MAC */
static void
test_random_against_evp_mac(void **state)
{
	static const unsigned algs[] = { ALG_HMAC_SHA1_96, ALG_HMAC_SHA256_128 };
	uint8_t msg[700], key[150], ref[32], out[32];
	struct auth_key *k;
	size_t klen, len, off, alen, full, x;
	unsigned alg;
	int i, j;

	srandom(23);
	for (i = 0; i < 200; i++) {
		alg = algs[i & 1];
		full = alg == ALG_HMAC_SHA1_96 ? 20 : 32;
		klen = (size_t)random() % (sizeof(key) + 1);
		for (x = 0; x < klen; x++)
			key[x] = (uint8_t)random();
		assert_non_null(k = auth_key_new(alg, key, klen));
		for (j = 0; j < 10; j++) {
			alen = (random() & 1) ? full : full == 20 ? 12 : 16;
			len = alen + (size_t)random() % (sizeof(msg) - alen + 1);
			off = (size_t)random() % (len - alen + 1);
			for (x = 0; x < len; x++)
				msg[x] = (uint8_t)random();
			evp_auth(alg, key, klen, msg, len, off, alen, ref);
			memset(out, 0xee, sizeof(out));
			assert_int_equal(auth_compute(alg, key, klen, msg, len, off,
			    alen, out), 0);
			assert_memory_equal(out, ref, alen);
			memset(out, 0xee, sizeof(out));
			assert_int_equal(auth_key_compute(k, msg, len, off, alen,
			    out), 0);
			assert_memory_equal(out, ref, alen);
			/* nothing zeroed */
			evp_auth(alg, key, klen, msg, len, 0, 0, ref);
			assert_int_equal(auth_mac(alg, key, klen, msg, len, alen,
			    out), 0);
			assert_memory_equal(out, ref, alen);
		}
		auth_key_free(k);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_random_against_compute),
		cmocka_unit_test(test_random_against_evp_mac),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
