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

/* the MAC of all of msg (nothing zeroed), alen octets of it (the whole
 * output or its truncation) into out */
int	auth_mac(unsigned alg, const void *key, size_t keylen, const uint8_t *msg,
	    size_t len, size_t alen, uint8_t *out);

/* sign in place: msg is writable, its auth field is overwritten */
int	auth_sign(unsigned alg, const void *key, size_t keylen, uint8_t *msg,
	    size_t len, size_t auth_off, size_t auth_len);

/* 1 valid, 0 invalid (constant-time compare over the stated length; a
 * length that does not match the algorithm's output is invalid) */
int	auth_verify(unsigned alg, const void *key, size_t keylen,
	    const uint8_t *msg, size_t len, size_t auth_off, size_t auth_len);

/* a configured key's HMAC states (key ^ ipad, key ^ opad) prepared once
 * and used for every message: the same results as the functions above
 * without hashing the key's two blocks per message. read-only once made */
struct auth_key;

/* NULL for an unknown algorithm (or ALG_NONE) or on allocation failure */
struct auth_key	*auth_key_new(unsigned alg, const void *key, size_t keylen);
void		 auth_key_free(struct auth_key *);
unsigned	 auth_key_alg(const struct auth_key *);
int		 auth_key_compute(struct auth_key *, const uint8_t *msg, size_t len,
		    size_t auth_off, size_t auth_len, uint8_t *out);
int		 auth_key_sign(struct auth_key *, uint8_t *msg, size_t len,
		    size_t auth_off, size_t auth_len);
/* 1 valid, 0 invalid, as auth_verify */
int		 auth_key_verify(struct auth_key *, const uint8_t *msg, size_t len,
		    size_t auth_off, size_t auth_len);

#endif
