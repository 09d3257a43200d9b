/* MS-RTR authentication data (draft-ermagan-lisp-nat-traversal-19 §4.4,
 * §6): what a Map-Server and an RTR that share a key put in the ECMs
 * between them, after the ECM header (S bit set) and before the inner
 * IP header:
 *
 *   AD Type = 2 (8) | Reserved (24)
 *   MS-RTR Key ID (16) | MS-RTR Auth. Data Length (16)
 *   MS-RTR Authentication Data
 *
 * the MAC covers the inner LISP message as the draft says ("the entire
 * Map-Notify payload"); the Map-Register an RTR relays is covered the
 * same way. Key ID carries the key-id in its high octet and the
 * algorithm (1 HMAC-SHA-1, 2 HMAC-SHA-256) in its low octet, as a
 * Map-Register's two key octets do: with key-id 0 it is the algorithm's
 * code point alone, which is how the draft reads. The MAC is sent whole
 * (20 or 32 octets, as in Map-Registers) and a truncated one (12, 16)
 * is accepted. */
#ifndef LOCID_MSRTR_H
#define LOCID_MSRTR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define MSRTR_AD_TYPE	2
#define MSRTR_AD_HDR	8

struct msrtr_ad {
	uint8_t		 key_id;
	uint8_t		 alg;
	struct rbuf	 auth;		/* the MAC as received */
};

/* the AD of an ECM (its ->sec): 0, or -1 with *why when it is not a
 * well-formed MS-RTR AD */
int	msrtr_ad_decode(const struct rbuf *sec, struct msrtr_ad *, const char **why);
/* the AD for msg (len octets) into out (cap octets): its length, 0 when
 * the algorithm is unknown or it does not fit */
size_t	msrtr_ad_build(uint8_t *out, size_t cap, uint8_t key_id, uint8_t alg,
	    const void *key, size_t keylen, const uint8_t *msg, size_t len);
/* sign the ECM buf[0..len) (cap octets of room): S set and the AD over
 * msg (its inner message, which may lie inside buf) inserted after the
 * ECM header; the new length, 0 when it cannot be made or does not fit */
size_t	msrtr_ecm_sign(uint8_t *buf, size_t len, size_t cap, uint8_t key_id,
	    uint8_t alg, const void *key, size_t keylen, const uint8_t *msg,
	    size_t msglen);
/* 1 when the AD is made with that key over msg, 0 otherwise */
int	msrtr_ad_verify(const struct msrtr_ad *, uint8_t key_id, uint8_t alg,
	    const void *key, size_t keylen, const uint8_t *msg, size_t len);

#endif
