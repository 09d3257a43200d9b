/* Map-Register / Map-Notify / Map-Notify-Ack / Info authentication:
 * HMAC-SHA-1 and HMAC-SHA-256 (OpenSSL libcrypto) over the whole message
 * with the auth data zeroed, 20 / 32 octets on the wire as deployed. */
#ifndef LOCID_AUTH_H
#define LOCID_AUTH_H

#include <stddef.h>
#include <stdint.h>

#define AUTH_MAX_LEN	32

/* octets of auth data we send for an algorithm (20, 32), 0 for none, -1 unknown */
int	auth_len(unsigned alg);

/* compute the MAC of msg (len octets) with the auth field at auth_off
 * (auth_len octets) treated as zero; out gets auth_len octets */
int	auth_compute(unsigned alg, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len,
	    uint8_t *out);

/* sign in place: msg is writable, its auth field is overwritten */
int	auth_sign(unsigned alg, const void *key, size_t keylen, uint8_t *msg,
	    size_t len, size_t auth_off, size_t auth_len);

/* 1 valid, 0 invalid (constant-time compare over the stated length; a
 * length that does not match the algorithm's output is invalid) */
int	auth_verify(unsigned alg, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len);

#endif
