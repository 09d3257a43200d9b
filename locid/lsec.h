/* LISP-SEC (RFC 9303) in the daemon: the ITR's one-time keys, what the
 * Map-Resolver / Map-Server and the ETR do with a protected Map-Request,
 * and the ITR's check of the answer. the wire codec and the crypto are
 * lib/lispsec.c; the roles call these and count and log what they
 * refuse, with the reason given back here. */
#ifndef LOCID_LSEC_H
#define LOCID_LSEC_H

#include <stddef.h>
#include <stdint.h>

#include "conf.h"
#include "lispsec.h"
#include "msg.h"

/* the crypto context the daemon's LISP-SEC work uses (made once) */
struct ls_crypto *lsec_crypto(void);

/* -- ITR ------------------------------------------------------------- */

/* the ITR-OTKs of outstanding Map-Requests by nonce: at most max, the
 * oldest goes first; one older than LSEC_OTK_AGE_MS is gone too, and one
 * is taken when its answer verified */
#define LSEC_OTK_MAX		16384	/* 4096 destinations x 4 nonces */
#define LSEC_OTK_AGE_MS		120000
struct lsec_otks;

struct lsec_otks *lsec_otks_new(size_t max);
void		 lsec_otks_free(struct lsec_otks *);
size_t		 lsec_otks_count(const struct lsec_otks *);
int		 lsec_otk_put(struct lsec_otks *, uint64_t nonce,
		    const uint8_t otk[LS_OTK_LEN], uint64_t now);
/* 0 with the key, -1 if none (or too old) */
int		 lsec_otk_get(const struct lsec_otks *, uint64_t nonce,
		    uint8_t otk[LS_OTK_LEN], uint64_t now);
void		 lsec_otk_del(struct lsec_otks *, uint64_t nonce);

/* make the ECM Map-Request in buf (len octets, cap available, nonce
 * its Map-Request's) a protected one: a fresh ITR-OTK, wrapped with the
 * first lisp-sec-key, kept in *otks (made when NULL). the new length, 0
 * on failure with *why */
size_t		 lsec_itr_protect(struct lsec_otks **, const struct conf *,
		    uint8_t *buf, size_t len, size_t cap, uint64_t nonce,
		    uint64_t now, const char **why);

enum lsec_verdict {
	LSEC_PLAIN,		/* not LISP-SEC: the usual checks only */
	LSEC_VERIFIED,		/* both HMACs good: clip records to ad->eid */
	LSEC_REFUSED,		/* drop the whole reply (*why) */
};
#define LSEC_REFUSALS(X) \
	X(LSEC_R_NOT_SIGNED, "without lisp-sec") \
	X(LSEC_R_MALFORMED, "malformed lisp-sec data") \
	X(LSEC_R_NO_OTK, "no one-time key for its nonce") \
	X(LSEC_R_EID_HMAC, "eid-ad hmac does not verify") \
	X(LSEC_R_PKT_HMAC, "pkt-ad hmac does not verify") \
	X(LSEC_R_ALGORITHM, "kdf or hmac not supported")
#define LSEC_ENUM(a, b)	a,
enum lsec_refusal { LSEC_REFUSALS(LSEC_ENUM) LSEC_R__N };
const char	*lsec_refusal_name(enum lsec_refusal);

/* the ITR's verdict on a Map-Reply p (whole message msg, decoded rep)
 * under conf's lisp-sec; with LSEC_VERIFIED ad is filled, the key stays
 * (lsec_otk_del once the answer is used); with LSEC_REFUSED *r says why */
enum lsec_verdict lsec_itr_check(const struct lsec_otks *, const struct conf *,
		    const uint8_t *msg, size_t len, const struct lisp_map_reply *rep,
		    struct ls_reply_ad *ad, enum lsec_refusal *r, struct msg_err *err,
		    uint64_t now);

/* -- Map-Resolver / Map-Server ---------------------------------------- */

/* a protected Map-Request opened with a lisp-sec-key. the MS-OTK is
 * derived with the first answer signed or forwarded, its HKDF interleaved
 * with the EID HMAC (ls_eid_ad_encode_kdf) */
struct lsec_req {
	uint8_t		 itr_otk[LS_OTK_LEN];
	uint8_t		 ms_otk[LS_OTK_LEN];
	uint8_t		 derived;	/* ms_otk set */
	uint16_t	 kdf_id;	/* the one used for ms_otk */
	uint16_t	 hmac_id;	/* for the EID HMAC and the PKT HMAC */
	uint64_t	 nonce;
};

/* 0: not protected (no ECM or no S), 1: *r filled, -1: refused (*why).
 * with the MS-RTR AD type of the NAT draft (not LISP-SEC) 0 too */
int		 lsec_req_open(const struct conf *, const struct lisp_ecm *,
		    uint64_t nonce, struct lsec_req *r, const char **why);
/* sign the Map-Reply in buf (len octets, cap available): S set, the
 * EID-AD with the n prefixes (and E) signed with the ITR-OTK, the PKT-AD
 * with the MS-OTK. the new length, 0 if it does not fit */
size_t		 lsec_reply_sign(struct lsec_req *, uint8_t *buf, size_t len,
		    size_t cap, const struct ls_prefix *, int n, int e);
/* the ECM to forward to an ETR: the received inner packet under a new
 * AD with the EID-AD and the MS-OTK wrapped with the site key the ETR
 * registered with. the length, 0 on failure */
size_t		 lsec_forward_build(struct lsec_req *, const struct lisp_ecm *,
		    uint32_t ecm_flags, const struct conf_key *site_key,
		    const struct ls_prefix *, int n, int e, uint8_t *out, size_t cap);

/* -- ETR --------------------------------------------------------------- */

/* a forwarded protected Map-Request at the ETR: the AD with the EID-AD
 * the Map-Server signed, and the MS-OTK unwrapped with the key of a
 * map-server statement (the sender's first). 0: not protected, 1: ad
 * and ms_otk filled, -1: refused (*why) */
struct xtr_ms;
int		 lsec_etr_open(const struct xtr_ms *, int nms, const struct lisp_addr *from,
		    const struct lisp_ecm *, uint64_t nonce, struct ls_ecm_ad *ad,
		    uint8_t ms_otk[LS_OTK_LEN], const char **why);

#endif
