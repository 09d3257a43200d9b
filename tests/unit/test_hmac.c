/* hmac: the composition over OpenSSL's digests against RFC 2202 (SHA-1)
 * and RFC 4231 (SHA-256), and against OpenSSL's EVP_MAC HMAC for random
 * keys (longer than the block too), lengths and splits of the message;
 * its one-block HKDF against OpenSSL's EVP_KDF; the interleaved lanes
 * against both */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/core_names.h>
#include <openssl/evp.h>
#include <openssl/kdf.h>
#include <openssl/params.h>

#include "hmac.h"
#include "testlib.h"
#include "hmac_ref.h"

struct vec {
	int		 md;
	uint8_t		 kbyte;		/* key: klen octets of kbyte ... */
	size_t		 klen;
	const char	*key;		/* ... or this string */
	uint8_t		 dbyte;		/* data: dlen octets of dbyte ... */
	size_t		 dlen;
	const char	*data;		/* ... or this string */
	const char	*mac;		/* hex, maybe a truncation */
};

#define SEQ	"\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f" \
		"\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19"

static const struct vec vecs[] = {
	/* RFC 2202 §3, test cases 1-7 */
	{ HMAC_SHA1, 0x0b, 20, NULL, 0, 0, "Hi There",
	    "b617318655057264e28bc0b6fb378c8ef146be00" },
	{ HMAC_SHA1, 0, 0, "Jefe", 0, 0, "what do ya want for nothing?",
	    "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79" },
	{ HMAC_SHA1, 0xaa, 20, NULL, 0xdd, 50, NULL,
	    "125d7342b9ac11cd91a39af48aa17b4f63f175d3" },
	{ HMAC_SHA1, 0, 0, SEQ, 0xcd, 50, NULL,
	    "4c9007f4026250c6bc8414f9bf50c86c2d7235da" },
	{ HMAC_SHA1, 0x0c, 20, NULL, 0, 0, "Test With Truncation",
	    "4c1a03424b55e07fe7f27be1d58bb9324a9a5a04" },
	{ HMAC_SHA1, 0xaa, 80, NULL, 0, 0,
	    "Test Using Larger Than Block-Size Key - Hash Key First",
	    "aa4ae5e15272d00e95705637ce8a3b55ed402112" },
	{ HMAC_SHA1, 0xaa, 80, NULL, 0, 0,
	    "Test Using Larger Than Block-Size Key and Larger Than One "
	    "Block-Size Data", "e8e99d0f45237d786d6bbaa7965c7808bbff1a91" },
	/* RFC 4231 §4, test cases 1-7 (5: the 128-bit truncation) */
	{ HMAC_SHA256, 0x0b, 20, NULL, 0, 0, "Hi There",
	    "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7" },
	{ HMAC_SHA256, 0, 0, "Jefe", 0, 0, "what do ya want for nothing?",
	    "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843" },
	{ HMAC_SHA256, 0xaa, 20, NULL, 0xdd, 50, NULL,
	    "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe" },
	{ HMAC_SHA256, 0, 0, SEQ, 0xcd, 50, NULL,
	    "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b" },
	{ HMAC_SHA256, 0x0c, 20, NULL, 0, 0, "Test With Truncation",
	    "a3b6167473100ee06e0c796c2955552b" },
	{ HMAC_SHA256, 0xaa, 131, NULL, 0, 0,
	    "Test Using Larger Than Block-Size Key - Hash Key First",
	    "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54" },
	{ HMAC_SHA256, 0xaa, 131, NULL, 0, 0,
	    "This is a test using a larger than block-size key and a larger "
	    "than block-size data. The key needs to be hashed before being "
	    "used by the HMAC algorithm.",
	    "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2" },
};

/* OpenSSL's HMAC, the reference */
static size_t
evp_hmac(int md, const uint8_t *key, size_t klen, const uint8_t *msg,
    size_t len, uint8_t *out)
{
	return hmac_ref(md == HMAC_SHA256 ? "SHA256" : "SHA1", key, klen, msg, len, 0, 0, out);
}

static void
test_vectors(void **state)
{
	uint8_t key[256], data[256], out[HMAC_MAX], ref[HMAC_MAX];
	struct hmac_key k;
	size_t i, klen, dlen, maclen;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		klen = v->key != NULL ? strlen(v->key) : v->klen;
		if (v->key != NULL)
			memcpy(key, v->key, klen);
		else
			memset(key, v->kbyte, klen);
		dlen = v->data != NULL ? strlen(v->data) : v->dlen;
		if (v->data != NULL)
			memcpy(data, v->data, dlen);
		else
			memset(data, v->dbyte, dlen);
		maclen = strlen(v->mac) / 2;
		assert_int_equal(hmac_key_set(&k, v->md, key, klen), 0);
		hmac_run(&k, data, dlen, out);
		tl_assert_hex(out, maclen, v->mac);
		/* and the reference agrees with the RFC */
		assert_int_equal(evp_hmac(v->md, key, klen, data, dlen, ref),
		    hmac_size(v->md));
		tl_assert_hex(ref, maclen, v->mac);
		hmac_key_clear(&k);
	}
	assert_int_equal(hmac_key_set(&k, 3, key, 16), -1);
	assert_int_equal(hmac_size(HMAC_SHA1), 20);
	assert_int_equal(hmac_size(HMAC_SHA256), 32);
	assert_int_equal(hmac_size(0), 0);
}

static uint64_t
xs(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* random keys of 0..200 octets (the block is 64), messages of 0..300 in
 * up to 4 parts, each prepared key used for several messages */
static void
test_random(void **state)
{
	uint8_t key[200], msg[300], out[HMAC_MAX], ref[HMAC_MAX];
	struct hmac_part parts[4];
	struct hmac_key k;
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	size_t klen, len, i, off, cut;
	int md, round, use, np;

	for (round = 0; round < 2000; round++) {
		md = round % 2 ? HMAC_SHA256 : HMAC_SHA1;
		klen = xs(&s) % (sizeof(key) + 1);
		for (i = 0; i < klen; i++)
			key[i] = (uint8_t)xs(&s);
		assert_int_equal(hmac_key_set(&k, md, key, klen), 0);
		for (use = 0; use < 3; use++) {
			len = xs(&s) % (sizeof(msg) + 1);
			for (i = 0; i < len; i++)
				msg[i] = (uint8_t)xs(&s);
			np = 0;
			for (off = 0; np < 3 && off < len; np++) {
				cut = xs(&s) % (len - off + 1);
				parts[np].p = msg + off;
				parts[np].len = cut;
				off += cut;
			}
			parts[np].p = msg + off;
			parts[np].len = len - off;
			np++;
			hmac_parts(&k, parts, np, out);
			assert_int_equal(evp_hmac(md, key, klen, msg, len, ref),
			    hmac_size(md));
			assert_memory_equal(out, ref, hmac_size(md));
			hmac_run(&k, msg, len, out);
			assert_memory_equal(out, ref, hmac_size(md));
		}
		hmac_key_clear(&k);
	}
}

/* OpenSSL's HKDF, the reference: hmac_size(md) octets of OKM, without
 * info, the salt given or none (slen 0) */
static void
evp_hkdf(int md, const uint8_t *salt, size_t slen, const uint8_t *ikm,
    size_t len, uint8_t *out)
{
	EVP_KDF		*kdf = EVP_KDF_fetch(NULL, OSSL_KDF_NAME_HKDF, NULL);
	EVP_KDF_CTX	*c = EVP_KDF_CTX_new(kdf);
	OSSL_PARAM	 p[4], *q = p;

	assert_non_null(c);
	*q++ = OSSL_PARAM_construct_utf8_string(OSSL_KDF_PARAM_DIGEST,
	    md == HMAC_SHA256 ? "SHA256" : "SHA1", 0);
	*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_KEY,
	    (void *)ikm, len);
	if (slen > 0)
		*q++ = OSSL_PARAM_construct_octet_string(OSSL_KDF_PARAM_SALT,
		    (void *)salt, slen);
	*q = OSSL_PARAM_construct_end();
	assert_int_equal(EVP_KDF_derive(c, out, hmac_size(md), p), 1);
	EVP_KDF_CTX_free(c);
	EVP_KDF_free(kdf);
}

/* hmac_hkdf1 against EVP_KDF: IKMs of 1..150 octets (within the block
 * after the key's and beyond it), no salt (HashLen zeros, as LISP-SEC)
 * and random salts of 1..100 octets */
static void
test_hkdf1(void **state)
{
	static const uint8_t zeros[HMAC_MAX];
	uint8_t salt[100], ikm[150], out[HMAC_MAX], ref[HMAC_MAX];
	struct hmac_key k;
	uint64_t s = 0x2545f4914f6cdd1dULL;
	size_t slen, len, i;
	int md, round;

	for (round = 0; round < 1000; round++) {
		md = round % 2 ? HMAC_SHA256 : HMAC_SHA1;
		slen = round % 4 < 2 ? 0 : 1 + xs(&s) % sizeof(salt);
		for (i = 0; i < slen; i++)
			salt[i] = (uint8_t)xs(&s);
		len = 1 + xs(&s) % sizeof(ikm);
		for (i = 0; i < len; i++)
			ikm[i] = (uint8_t)xs(&s);
		if (slen == 0)
			assert_int_equal(hmac_key_set(&k, md, zeros, hmac_size(md)), 0);
		else
			assert_int_equal(hmac_key_set(&k, md, salt, slen), 0);
		memset(out, 0xee, sizeof(out));
		hmac_hkdf1(&k, ikm, len, out);
		evp_hkdf(md, salt, slen, ikm, len, ref);
		assert_memory_equal(out, ref, hmac_size(md));
		hmac_key_clear(&k);
	}
}

/* lanes against EVP_MAC (and EVP_KDF for hkdf): one to three run
 * together, SHA-1 and SHA-256 mixed, keys raw (up to the block) or
 * prepared (any length), messages of 0..300 octets across block edges,
 * with and without a zero window */
static void
test_lanes(void **state)
{
	static const uint8_t one[1] = { 1 };
	uint8_t key[3][100], msg[3][300], out[3][HMAC_MAX], ref[HMAC_MAX],
	    prk[HMAC_MAX];
	struct hmac_lane l[3];
	struct hmac_key k[3];
	size_t klen[3], len[3], zoff[3], zlen[3], i;
	int md[3], hkdf[3], prep[3], n, j, round;
	uint64_t s = 0x5851f42d4c957f2dULL;

	for (round = 0; round < 3000; round++) {
		n = 1 + round % 3;
		for (j = 0; j < n; j++) {
			md[j] = xs(&s) % 2 ? HMAC_SHA256 : HMAC_SHA1;
			prep[j] = xs(&s) % 2;
			hkdf[j] = xs(&s) % 3 == 0;
			klen[j] = xs(&s) % (prep[j] ? sizeof(key[j]) + 1 : 65);
			for (i = 0; i < klen[j]; i++)
				key[j][i] = (uint8_t)xs(&s);
			len[j] = round % 7 == 0 ? 55 + xs(&s) % 20 : xs(&s) % 301;
			for (i = 0; i < len[j]; i++)
				msg[j][i] = (uint8_t)xs(&s);
			zoff[j] = zlen[j] = 0;
			if (len[j] > 0 && xs(&s) % 2) {
				zoff[j] = xs(&s) % len[j];
				zlen[j] = xs(&s) % (len[j] - zoff[j] + 1);
				if (zlen[j] > 64)
					zlen[j] = 64;
			}
			if (prep[j])
				assert_int_equal(hmac_key_set(&k[j], md[j], key[j],
				    klen[j]), 0);
			memset(out[j], 0xee, HMAC_MAX);
			assert_int_equal(hmac_lane_init(&l[j], md[j],
			    prep[j] ? &k[j] : NULL, key[j], klen[j], msg[j], len[j],
			    zoff[j], zlen[j], hkdf[j], out[j]), 0);
		}
		hmac_lanes_run(l, n);
		for (j = 0; j < n; j++) {
			const char *d = md[j] == HMAC_SHA256 ? "SHA256" : "SHA1";

			assert_int_equal(hmac_ref(d, key[j], klen[j], msg[j], len[j],
			    zoff[j], zlen[j], ref), hmac_size(md[j]));
			if (hkdf[j]) {
				memcpy(prk, ref, sizeof(prk));
				hmac_ref(d, prk, hmac_size(md[j]), one, 1, 0, 0, ref);
			}
			assert_memory_equal(out[j], ref, hmac_size(md[j]));
			if (prep[j])
				hmac_key_clear(&k[j]);
		}
	}
	/* the HKDF of LISP-SEC: no salt, a 16-octet IKM, against EVP_KDF */
	{
		static const uint8_t zeros[HMAC_MAX];

		for (i = 0; i < 16; i++)
			key[0][i] = (uint8_t)(i * 7);
		assert_int_equal(hmac_key_set(&k[0], HMAC_SHA256, zeros, 32), 0);
		assert_int_equal(hmac_lane_init(&l[0], HMAC_SHA256, &k[0], NULL, 0,
		    key[0], 16, 0, 0, 1, out[0]), 0);
		hmac_lanes_run(l, 1);
		evp_hkdf(HMAC_SHA256, NULL, 0, key[0], 16, ref);
		assert_memory_equal(out[0], ref, 32);
		hmac_key_clear(&k[0]);
	}
	/* refused: a raw key beyond the block, a window beyond the message,
	 * a prepared key of the other digest */
	assert_int_equal(hmac_lane_init(&l[0], HMAC_SHA1, NULL, key[0], 65,
	    msg[0], 10, 0, 0, 0, out[0]), -1);
	assert_int_equal(hmac_lane_init(&l[0], HMAC_SHA1, NULL, key[0], 16,
	    msg[0], 10, 8, 3, 0, out[0]), -1);
	assert_int_equal(hmac_key_set(&k[0], HMAC_SHA1, key[0], 16), 0);
	assert_int_equal(hmac_lane_init(&l[0], HMAC_SHA256, &k[0], NULL, 0,
	    msg[0], 10, 0, 0, 0, out[0]), -1);
	assert_int_equal(hmac_lane_init(&l[0], 3, NULL, key[0], 16,
	    msg[0], 10, 0, 0, 0, out[0]), -1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_hkdf1),
		cmocka_unit_test(test_lanes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
