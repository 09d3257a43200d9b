/* auth: HMAC-SHA-1 / HMAC-SHA-256 over a Map-Register with the auth field
 * zeroed, against the vectors of the protocol digest §3.6 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "auth.h"
#include "msg.h"

#define KEY	"password"
#define KEYLEN	8

#include "auth_vectors.h"

struct vec {
	unsigned	 alg;
	const char	*msg;
	const char	*mac;
	size_t		 alen;
};

static const struct vec vecs[] = {
	{ ALG_HMAC_SHA1_96, sha1_msg, sha1_mac, 20 },
	{ ALG_HMAC_SHA256_128, sha256_msg, sha256_mac, 32 },
};

static void
test_len(void **state)
{
	assert_int_equal(auth_len(ALG_NONE), 0);
	assert_int_equal(auth_len(ALG_HMAC_SHA1_96), 20);
	assert_int_equal(auth_len(ALG_HMAC_SHA256_128), 32);
	assert_int_equal(auth_len(ALG_HMAC_SHA256_HKDF), -1);
	assert_int_equal(auth_len(77), -1);
}

static void
test_vectors(void **state)
{
	uint8_t msg[256], mac[64], out[AUTH_MAX_LEN], zero[AUTH_MAX_LEN];
	size_t i, len, maclen;

	memset(zero, 0, sizeof(zero));
	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		len = unhex(v->msg, msg, sizeof(msg));
		maclen = unhex(v->mac, mac, sizeof(mac));
		assert_int_equal(maclen, v->alen);
		assert_int_equal(auth_len(v->alg), (int)v->alen);
		/* the header states the algorithm and length we expect */
		assert_int_equal(msg[MREG_AUTH_OFF - 3], v->alg);
		assert_int_equal(msg[MREG_AUTH_OFF - 1], v->alen);

		/* compute over the zeroed message */
		assert_int_equal(auth_compute(v->alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, v->alen, out), 0);
		assert_memory_equal(out, mac, v->alen);

		/* sign in place: only the auth field changes */
		assert_int_equal(auth_sign(v->alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, v->alen), 0);
		assert_memory_equal(msg + MREG_AUTH_OFF, mac, v->alen);
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, v->alen), 1);

		/* compute ignores whatever is in the auth field */
		memset(out, 0, sizeof(out));
		assert_int_equal(auth_compute(v->alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, v->alen, out), 0);
		assert_memory_equal(out, mac, v->alen);
	}
}

static void
test_reject(void **state)
{
	uint8_t msg[256], good[256];
	size_t i, len, bit;

	for (i = 0; i < sizeof(vecs) / sizeof(vecs[0]); i++) {
		const struct vec *v = &vecs[i];

		len = unhex(v->msg, good, sizeof(good));
		assert_int_equal(auth_sign(v->alg, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, v->alen), 0);

		/* a flipped bit anywhere fails: header, auth field, records */
		for (bit = 0; bit < len * 8; bit++) {
			memcpy(msg, good, len);
			msg[bit / 8] ^= (uint8_t)(1 << (bit % 8));
			assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, msg,
			    len, MREG_AUTH_OFF, v->alen), 0);
		}

		/* zero-filled auth fails */
		memcpy(msg, good, len);
		memset(msg + MREG_AUTH_OFF, 0, v->alen);
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, v->alen), 0);

		/* wrong key, longer key, empty key fail */
		assert_int_equal(auth_verify(v->alg, "passwore", KEYLEN, good,
		    len, MREG_AUTH_OFF, v->alen), 0);
		assert_int_equal(auth_verify(v->alg, "password1", KEYLEN + 1,
		    good, len, MREG_AUTH_OFF, v->alen), 0);
		assert_int_equal(auth_verify(v->alg, "", 0, good, len,
		    MREG_AUTH_OFF, v->alen), 0);

		/* other algorithm fails */
		assert_int_equal(auth_verify(v->alg == 1 ? 2 : 1, KEY, KEYLEN,
		    good, len, MREG_AUTH_OFF, v->alen), 0);

		/* alg 0 and unknown algorithms are never valid */
		assert_int_equal(auth_verify(ALG_NONE, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, 0), 0);
		assert_int_equal(auth_verify(ALG_NONE, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, v->alen), 0);
		assert_int_equal(auth_verify(ALG_HMAC_SHA256_HKDF, KEY, KEYLEN,
		    good, len, MREG_AUTH_OFF, v->alen), 0);
		assert_int_equal(auth_verify(9, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, v->alen), 0);

		/* length 0 and lengths other than full/truncated are invalid */
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, 0), 0);
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, v->alen - 1), 0);
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, 4), 0);

		/* auth field past the end of the message */
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good,
		    MREG_AUTH_OFF + v->alen - 1, MREG_AUTH_OFF, v->alen), 0);
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good, len,
		    len + 1, v->alen), 0);
		assert_int_equal(auth_sign(v->alg, KEY, KEYLEN, msg, 10,
		    MREG_AUTH_OFF, v->alen), -1);
		assert_int_equal(auth_compute(v->alg, KEY, KEYLEN, good, len,
		    MREG_AUTH_OFF, 24, msg), -1);

		/* truncated message (trailer cut) fails */
		assert_int_equal(auth_verify(v->alg, KEY, KEYLEN, good, len - 1,
		    MREG_AUTH_OFF, v->alen), 0);
	}
}

/* the -96 / -128 forms: 12 / 16 octets, the leading octets of the MAC of
 * the message with a 12 / 16 octet zeroed field */
static void
test_truncated(void **state)
{
	static const struct {
		unsigned	alg;
		size_t		full, trunc;
	} t[] = {
		{ ALG_HMAC_SHA1_96, 20, 12 },
		{ ALG_HMAC_SHA256_128, 32, 16 },
	};
	uint8_t msg[128], full[AUTH_MAX_LEN], trunc[AUTH_MAX_LEN];
	unsigned int flen;
	size_t i, len;

	for (i = 0; i < 2; i++) {
		/* header + trunc-octet field + a record tail */
		memset(msg, 0, sizeof(msg));
		msg[0] = 0x30;
		msg[3] = 1;
		msg[11] = 1;
		msg[13] = (uint8_t)t[i].alg;
		msg[15] = (uint8_t)t[i].trunc;
		len = MREG_AUTH_OFF + t[i].trunc + 24;
		memset(msg + MREG_AUTH_OFF + t[i].trunc, 0xa5, 24);

		/* independent reference: one-shot HMAC() of the message,
		 * whose field is still zero, cut to the truncated length */
		assert_non_null(HMAC(t[i].alg == 1 ? EVP_sha1() : EVP_sha256(),
		    KEY, KEYLEN, msg, len, full, &flen));
		assert_int_equal(flen, t[i].full);
		assert_int_equal(auth_compute(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[i].trunc, trunc), 0);
		assert_memory_equal(full, trunc, t[i].trunc);

		assert_int_equal(auth_sign(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[i].trunc), 0);
		assert_memory_equal(msg + MREG_AUTH_OFF, trunc, t[i].trunc);
		assert_int_equal(auth_verify(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[i].trunc), 1);
		msg[len - 1] ^= 1;
		assert_int_equal(auth_verify(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[i].trunc), 0);
		msg[len - 1] ^= 1;
		msg[MREG_AUTH_OFF + t[i].trunc - 1] ^= 0x80;
		assert_int_equal(auth_verify(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[i].trunc), 0);
		/* the other algorithm's truncated length is refused */
		assert_int_equal(auth_verify(t[i].alg, KEY, KEYLEN, msg, len,
		    MREG_AUTH_OFF, t[1 - i].trunc), 0);
	}
}

/* the auth field at another offset (Info-Request layout) */
static void
test_offset(void **state)
{
	uint8_t msg[64], copy[64], mac[20];
	size_t off = 20, len = 60;

	memset(msg, 0x11, sizeof(msg));
	assert_int_equal(auth_sign(ALG_HMAC_SHA1_96, "k", 1, msg, len, off,
	    20), 0);
	/* equals the MAC of the message with the field zeroed */
	memcpy(copy, msg, len);
	memset(copy + off, 0, 20);
	assert_int_equal(auth_compute(ALG_HMAC_SHA1_96, "k", 1, copy, len,
	    off, 20, mac), 0);
	assert_memory_equal(mac, msg + off, 20);
	/* the octets around the field are untouched */
	assert_int_equal(msg[off - 1], 0x11);
	assert_int_equal(msg[off + 20], 0x11);
	assert_int_equal(auth_verify(ALG_HMAC_SHA1_96, "k", 1, msg, len, off,
	    20), 1);
	assert_int_equal(auth_verify(ALG_HMAC_SHA1_96, "k", 1, msg, len,
	    off + 1, 20), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_len),
		cmocka_unit_test(test_vectors),
		cmocka_unit_test(test_reject),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_offset),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
