/* the digest's §3.6 authentication vectors (Map-Register, nonce 1, one
 * record, password "password") and a hex helper, shared by test_auth and
 * test_auth_key. include after cmocka.h. */
#ifndef LOCID_TEST_AUTH_VECTORS_H
#define LOCID_TEST_AUTH_VECTORS_H

#include <stdio.h>

/* message with zeroed auth, and the expected MAC */
static const char sha1_msg[] =
    "300001010000000000000001000100140000000000000000000000000000000000000000"
    "000005a001181000000000010a0101000164ff0000050001c0000201";
static const char sha1_mac[] = "0070f2ea6aef83bfdaaa1603379a49805d78ea02";
static const char sha256_msg[] =
    "300001010000000000000001000200200000000000000000000000000000000000000000"
    "000000000000000000000000000005a001181000000000010a0101000164ff0000050001"
    "c0000201";
static const char sha256_mac[] =
    "2bda0db8466ce8b232a3e063a627fb2301744a68741fc20f098c7b18b49c5a6c";

static size_t
unhex(const char *s, uint8_t *out, size_t cap)
{
	size_t n = 0;
	unsigned v;

	while (s[0] != '\0' && s[1] != '\0') {
		assert_true(n < cap);
		assert_int_equal(sscanf(s, "%2x", &v), 1);
		out[n++] = (uint8_t)v;
		s += 2;
	}
	return n;
}

#endif
