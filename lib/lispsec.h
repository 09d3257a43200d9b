/* LISP-SEC (RFC 9303): the authentication data of a protected ECM
 * Map-Request and of its Map-Reply, and the keys around them.
 *
 *   ECM AD:  type 1 | requested HMAC ID | OTK-AD | EID-AD
 *   OTK-AD:  OTK Length (24: preamble + OTK) | Key ID | OTK Wrap ID |
 *            preamble (8) | OTK (16)
 *   EID-AD:  Length (all of it, 4 from an ITR) | KDF ID [| Record Count |
 *            E | EID HMAC ID | records (mask-len, AFI-encoded prefix) |
 *            EID HMAC]
 *   MR AD:   type 1 | EID-AD as the Map-Server made it | PKT-AD
 *   PKT-AD:  Length (4 + HMAC) | PKT HMAC ID | PKT HMAC
 *
 * keys: the ITR-OTK is random per Map-Request; MS-OTK = KDF(ITR-OTK) with
 * HKDF (RFC 5869, no salt, no info, 16 octets); an OTK on the wire is
 * wrapped with AES-KEY-WRAP-128 (RFC 3394, default IV) under per-msg-key
 * = HKDF-SHA256(nonce (8 octets, network order) | "OTK-Key-Wrap" | PSK),
 * 16 octets. the EID HMAC covers the EID-AD with the EID HMAC zeroed
 * (errata 7423), the PKT HMAC the whole Map-Reply with the PKT HMAC
 * zeroed. HMAC-SHA-1-96 and HMAC-SHA-256-128 (auth.h). */
#ifndef LOCID_LISPSEC_H
#define LOCID_LISPSEC_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"
#include "buf.h"
#include "msg_err.h"

#define LS_AD_LISPSEC		1	/* ECM and Map-Reply AD type */

#define LS_HMAC_NOPREF		0
#define LS_HMAC_SHA1_96		1
#define LS_HMAC_SHA256_128	2

#define LS_KDF_NOPREF		0
#define LS_KDF_HKDF_SHA1_128	1
#define LS_KDF_HKDF_SHA256	2

#define LS_WRAP_NULL		1	/* only under DTLS: refused here */
#define LS_WRAP_AES_HKDF_SHA256	2

#define LS_OTK_LEN		16
#define LS_WRAPPED_LEN		24	/* preamble + OTK */
#define LS_HMAC_MAX		16
#define LS_EID_MAX		16	/* EID-AD records decoded */

struct ls_crypto;	/* below */

struct ls_prefix {
	struct lisp_addr eid;
	uint8_t		 mlen;
};

struct ls_eid_ad {
	uint16_t	 kdf_id;
	uint8_t		 signed_;	/* more than the ITR's 4 octets */
	uint8_t		 nrecords;
	uint8_t		 e;		/* ETR-Cant-Sign */
	uint16_t	 hmac_id;
	struct ls_prefix pfx[LS_EID_MAX];
	const uint8_t	*hmac;
	size_t		 hmac_len;
	struct rbuf	 raw;		/* the whole EID-AD */
	size_t		 hmac_off;	/* of the EID HMAC in raw */
};

struct ls_ecm_ad {
	uint16_t	 req_hmac_id;
	uint8_t		 key_id;
	uint8_t		 wrap_id;
	uint8_t		 otk[LS_WRAPPED_LEN];	/* preamble + OTK as sent */
	struct ls_eid_ad eid;
};

struct ls_reply_ad {
	struct ls_eid_ad eid;
	uint16_t	 pkt_hmac_id;
	const uint8_t	*pkt_hmac;
	size_t		 pkt_hmac_len;
	size_t		 pkt_hmac_off;	/* in the whole Map-Reply */
};

/* sec: the ECM's authentication data (lisp_ecm.sec) */
int	ls_ecm_ad_decode(const struct rbuf *sec, struct ls_ecm_ad *,
	    struct msg_err *);
/* msg: the whole Map-Reply, sec: its lisp_map_reply.sec inside it */
int	ls_reply_ad_decode(const struct rbuf *msg, const struct rbuf *sec,
	    struct ls_reply_ad *, struct msg_err *);

/* ECM AD as an ITR sends it (EID-AD of 4 octets: KDF ID only) */
void	ls_ecm_ad_encode_itr(struct wbuf *, uint16_t req_hmac_id, uint8_t key_id,
	    uint8_t wrap_id, const uint8_t otk[LS_WRAPPED_LEN], uint16_t kdf_id);
/* an ECM AD with an EID-AD (eidad, eidlen: already signed) */
void	ls_ecm_ad_encode(struct wbuf *, uint16_t req_hmac_id, uint8_t key_id,
	    uint8_t wrap_id, const uint8_t otk[LS_WRAPPED_LEN],
	    const uint8_t *eidad, size_t eidlen);
/* an EID-AD with n prefixes, signed with the ITR-OTK; the octets
 * written, 0 on error (w->err set) */
size_t	ls_eid_ad_encode(struct ls_crypto *, struct wbuf *, uint16_t kdf_id,
	    int e, uint16_t hmac_id, const struct ls_prefix *, int n,
	    const uint8_t itr_otk[LS_OTK_LEN]);
/* where ls_eid_ad_encode_kdf wraps the MS-OTK: ls_otk_wrap's arguments */
struct ls_wrap_to {
	const void	*psk;
	size_t		 psklen;
	uint64_t	 nonce;
};
/* ls_eid_ad_encode, ms_otk = ls_kdf(kdf_id, itr_otk) and, with to, the
 * MS-OTK wrapped as ls_otk_wrap does (into wrapped): a Map-Server's keys
 * for one answer. with a context the HMACs of the three are interleaved
 * (hmac.h lanes), the same octets. the EID-AD's length, 0 on error */
size_t	ls_eid_ad_encode_kdf(struct ls_crypto *, struct wbuf *, uint16_t kdf_id,
	    int e, uint16_t hmac_id, const struct ls_prefix *, int n,
	    const uint8_t itr_otk[LS_OTK_LEN], uint8_t ms_otk[LS_OTK_LEN],
	    const struct ls_wrap_to *to, uint8_t wrapped[LS_WRAPPED_LEN]);
/* append the Map-Reply AD to the Map-Reply that starts at w->p (its
 * header must have S set): type, the EID-AD as given, PKT-AD signed with
 * the MS-OTK over the whole message */
void	ls_reply_ad_encode(struct ls_crypto *, struct wbuf *, const uint8_t *eidad,
	    size_t eidlen, uint16_t pkt_hmac_id, const uint8_t ms_otk[LS_OTK_LEN]);
/* insert ad (adlen) after the 4-octet ECM header of the ECM in buf (len
 * octets, cap available) and set S; the new length, 0 if it does not fit */
size_t	ls_ecm_insert_ad(uint8_t *buf, size_t len, size_t cap,
	    const uint8_t *ad, size_t adlen);

/* crypto (OpenSSL libcrypto); 0 or -1. every function that computes takes
 * an optional context: the algorithms fetched once and contexts re-keyed
 * per use (several times faster for these small inputs); NULL fetches per
 * call (the KDF and the key wrap; the HMACs go through auth.h, on
 * hmac.h either way). a context is not for concurrent use. */
struct ls_crypto *ls_crypto_new(void);
void	ls_crypto_free(struct ls_crypto *);
int	ls_hmac_len(unsigned hmac_id);		/* 12, 16, -1 unknown */
int	ls_kdf(struct ls_crypto *, unsigned kdf_id, const void *ikm, size_t len,
	    uint8_t out[LS_OTK_LEN]);
int	ls_otk_new(uint8_t otk[LS_OTK_LEN]);	/* RAND_bytes */
int	ls_otk_wrap(struct ls_crypto *, const void *psk, size_t psklen,
	    uint64_t nonce, const uint8_t otk[LS_OTK_LEN],
	    uint8_t out[LS_WRAPPED_LEN]);
/* -1 also when the unwrapped IV is not 0xA6A6A6A6A6A6A6A6 */
int	ls_otk_unwrap(struct ls_crypto *, const void *psk, size_t psklen,
	    uint64_t nonce, const uint8_t in[LS_WRAPPED_LEN],
	    uint8_t otk[LS_OTK_LEN]);
/* RFC 3394 AES-128 key wrap (enc 1) / unwrap (0) with the default IV */
int	ls_aes_kw(struct ls_crypto *, int enc, const uint8_t key[LS_OTK_LEN],
	    const uint8_t *in, size_t inlen, uint8_t *out, size_t outlen);
/* HMAC of msg with [zoff, zoff + ls_hmac_len) as zeros */
int	ls_hmac(struct ls_crypto *, unsigned hmac_id, const uint8_t key[LS_OTK_LEN],
	    const uint8_t *msg, size_t len, size_t zoff, uint8_t *out);

/* 1 valid, 0 not (constant-time compare) */
int	ls_eid_ad_verify(struct ls_crypto *, const struct ls_eid_ad *,
	    const uint8_t itr_otk[LS_OTK_LEN]);
int	ls_pkt_ad_verify(struct ls_crypto *, const struct rbuf *msg,
	    const struct ls_reply_ad *, const uint8_t ms_otk[LS_OTK_LEN]);
/* the intersection of eid/mlen with the EID-AD's prefixes: the longer of
 * the two for the first prefix that overlaps (an EID-AD prefix inside the
 * record, or the record inside it). 0 with out and outlen set, -1 if none */
int	ls_eid_ad_clip(const struct ls_eid_ad *, const struct lisp_addr *eid,
	    int mlen, struct lisp_addr *out, int *outlen);

const char *ls_hmac_name(unsigned);
const char *ls_kdf_name(unsigned);
const char *ls_wrap_name(unsigned);

#endif
