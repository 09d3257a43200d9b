/* HMAC (RFC 2104) with SHA-1 or SHA-256: OpenSSL's digest functions,
 * the composition here, so that a key is prepared once (its inner and
 * outer digest states: key ^ ipad and key ^ opad absorbed) and each MAC
 * then costs a copy of two states and the message's blocks. OpenSSL 3.0's
 * EVP_MAC spends more than the hashing on a small message: parameter
 * parsing, a digest context allocated and freed per copy, fetch checks
 * (0.34 us an HMAC-SHA256 of 80 octets with a new key here, 0.20 this
 * way; 0.20 -> 0.12 with a prepared key). test_hmac checks it against
 * EVP_MAC on the RFC 2202 and RFC 4231 vectors and random keys and
 * lengths. */
#ifndef LOCID_HMAC_H
#define LOCID_HMAC_H

#include <stddef.h>
#include <stdint.h>

#include <openssl/sha.h>

#define HMAC_SHA1	1
#define HMAC_SHA256	2
#define HMAC_MAX	32	/* octets of the longest output */

struct hmac_key {
	int	 md;			/* HMAC_SHA1, HMAC_SHA256 */
	union hmac_state {
		SHA_CTX		sha1;
		SHA256_CTX	sha256;
	}	 in, out;		/* after key ^ ipad, key ^ opad */
};

/* a piece of the message */
struct hmac_part {
	const void	*p;
	size_t		 len;
};

/* the output size of md (20, 32), 0 if unknown */
size_t	hmac_size(int md);
/* prepare k for md and key (any length: longer than the 64-octet block
 * it is hashed first); 0, or -1 for an unknown md */
int	hmac_key_set(struct hmac_key *, int md, const void *key, size_t len);
void	hmac_key_clear(struct hmac_key *);
/* the HMAC of the n parts one after the other: hmac_size(md) octets */
void	hmac_parts(const struct hmac_key *, const struct hmac_part *, int n,
	    uint8_t out[HMAC_MAX]);
/* the HMAC of msg */
void	hmac_run(const struct hmac_key *, const void *msg, size_t len,
	    uint8_t out[HMAC_MAX]);

/* HKDF (RFC 5869) with salt's prepared states (no salt: HashLen zeros),
 * no info and one output block: OKM = T(1) = HMAC(PRK, 0x01), PRK =
 * HMAC(salt, IKM); hmac_size octets */
void	hmac_hkdf1(const struct hmac_key *salt, const void *ikm, size_t len,
	    uint8_t out[HMAC_MAX]);

/* HMACs stepped one compression at a time, so that independent ones run
 * interleaved: each compression needs the one before it, and SHA-256's
 * (SHA-NI here) is bound by that latency, 40 ns chained against 26 ns
 * a compression when two chains alternate. a lane is one HMAC of msg
 * with [zoff, zoff + zlen) taken as zeros, its key prepared (k) or raw
 * (at most the 64-octet block); with hkdf set, the result keys a second
 * HMAC of 0x01: the HKDF above when k is the salt. hmac_lanes_run runs
 * them to the end, a step of each in turn; out: hmac_size octets each */
struct hmac_lane {
	int			 md;
	int			 phase;
	int			 hkdf;
	union hmac_state	 s, o;		/* chaining; outer */
	const uint8_t		*msg;
	size_t			 len, zoff, zlen, blk, nblk;
	size_t			 klen;
	uint8_t			 key[64];	/* a raw key, the block at most */
	uint8_t			*out;
	uint8_t			 tmp[64], tmp2[64];
};
#define HMAC_LANES_MAX	4	/* run together; more go in turns */

/* 0, or -1 for an unknown md or a raw key longer than the block */
int	hmac_lane_init(struct hmac_lane *, int md, const struct hmac_key *k,
	    const void *key, size_t klen, const void *msg, size_t len,
	    size_t zoff, size_t zlen, int hkdf, uint8_t out[HMAC_MAX]);
/* the lanes run and wiped */
void	hmac_lanes_run(struct hmac_lane *, int n);

#endif
