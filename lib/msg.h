/* LISP control messages (RFC 9301, RFC 8111, NAT-traversal draft): wire
 * constants and decoded-message structs.
 *
 * decoders take a view of one message (the UDP payload) and fill a
 * caller-owned struct; every count and length is checked against the octets
 * that remain and a failure returns -1 with a short reason. decoded structs
 * point into the message bytes, which must outlive them. record lists are
 * validated in full by the message decoder and then walked with the
 * *_next iterators, so no allocation happens on the decode path.
 * a failure fills the caller's struct msg_err (msg_err.h; NULL: not wanted)
 * with the reason and the record and locator it is about. */
#ifndef LOCID_MSG_H
#define LOCID_MSG_H

#include <stdint.h>

#include "addr.h"
#include "buf.h"
#include "msg_err.h"

#define LISP_DATA_PORT		4341
#define LISP_CONTROL_PORT	4342

enum lisp_type {
	LISP_MAP_REQUEST	= 1,
	LISP_MAP_REPLY		= 2,
	LISP_MAP_REGISTER	= 3,
	LISP_MAP_NOTIFY		= 4,
	LISP_MAP_NOTIFY_ACK	= 5,
	LISP_MAP_REFERRAL	= 6,
	LISP_INFO		= 7,
	LISP_ECM		= 8,
	LISP_SHARED_EXT		= 15,
};

#define LISP_TYPE(w)		((w) >> 28)
#define REC_COUNT(w)		((w) & 0xFF)

/* Map-Request word 0 */
#define MREQ_A		0x08000000u
#define MREQ_M		0x04000000u
#define MREQ_P		0x02000000u
#define MREQ_S		0x01000000u
#define MREQ_p		0x00800000u
#define MREQ_s		0x00400000u
#define MREQ_I		0x00100000u	/* RFC 9437 xTR-ID + Site-ID appended */
#define MREQ_L		0x00004000u
#define MREQ_D		0x00002000u
#define MREQ_FLAGS	(MREQ_A|MREQ_M|MREQ_P|MREQ_S|MREQ_p|MREQ_s|MREQ_I|MREQ_L|MREQ_D)
#define MREQ_REC_N	0x80		/* request record byte 0 */
#define MREQ_ITR_MAX	32

/* Map-Reply word 0 */
#define MREP_P		0x08000000u
#define MREP_E		0x04000000u
#define MREP_S		0x02000000u
#define MREP_FLAGS	(MREP_P|MREP_E|MREP_S)

/* Map-Register word 0 */
#define MREG_P		0x08000000u
#define MREG_S		0x04000000u
#define MREG_I		0x02000000u
#define MREG_RTR	0x01000000u	/* bit 7, reserved in RFC 9301: "R, built
					 * for an RTR" in the NAT drafts */
#define MREG_E		0x00001000u
#define MREG_T		0x00000800u
#define MREG_a		0x00000400u
#define MREG_R		0x00000200u	/* bit 22, RFC 9301's reserved R
					 * (lispers.net: "m", mobile node) */
#define MREG_M		0x00000100u
#define MREG_FLAGS	(MREG_P|MREG_S|MREG_I|MREG_RTR|MREG_E|MREG_T|MREG_a|MREG_R|MREG_M)

/* Map-Notify word 0 (NAT draft; reserved in RFC 9301) */
#define MNOT_I		0x08000000u
#define MNOT_R		0x04000000u
#define MNOT_FLAGS	(MNOT_I|MNOT_R)

/* ECM word 0 */
#define ECM_S		0x08000000u
#define ECM_D		0x04000000u
#define ECM_E		0x02000000u
#define ECM_M		0x01000000u
#define ECM_R		0x00400000u	/* NAT draft / OOR */
#define ECM_N		0x00200000u
#define ECM_FLAGS	(ECM_S|ECM_D|ECM_E|ECM_M|ECM_R|ECM_N)

/* Info word 0 */
#define INFO_R		0x08000000u

/* EID-record 16-bit flags word at +6 */
#define EREC_ACT(h)	(((h) >> 13) & 7)
#define EREC_A		0x1000
#define EREC_REF_I	0x0800

/* RLOC-record 16-bit flags word at +4 */
#define RLOC_L		0x0004
#define RLOC_p		0x0002
#define RLOC_R		0x0001

enum lisp_act {
	ACT_NO_ACTION		= 0,
	ACT_NATIVE_FORWARD	= 1,
	ACT_SEND_MAP_REQUEST	= 2,
	ACT_DROP		= 3,
	ACT_DROP_POLICY		= 4,
	ACT_DROP_AUTH		= 5,
};

enum lisp_referral_act {
	REF_NODE_REFERRAL	= 0,
	REF_MS_REFERRAL		= 1,
	REF_MS_ACK		= 2,
	REF_MS_NOT_REGISTERED	= 3,
	REF_DELEGATION_HOLE	= 4,
	REF_NOT_AUTHORITATIVE	= 5,
};

/* authentication */
#define ALG_NONE		0
#define ALG_HMAC_SHA1_96	1
#define ALG_HMAC_SHA256_128	2
#define ALG_HMAC_SHA256_HKDF	3

#define XTR_ID_LEN	16

/* an RLOC-record */
struct lisp_rloc {
	uint8_t		 priority, weight, mpriority, mweight;
	uint16_t	 flags;		/* RLOC_L | RLOC_p | RLOC_R, other bits as received */
	struct lisp_addr addr;
	/* a locator whose address is a well-framed LCAF of a known type with
	 * a body that does not validate (lispers.net's draft Geo layout, a
	 * JSON length past its AFI list): skipped as unusable, not a reason
	 * to refuse the message. addr then holds the LCAF opaquely (known 0)
	 * and why the validator's reason */
	uint8_t		 malformed;
	const char	*why;
};

/* an EID-record (also a Map-Referral record) with its RLOC-records */
struct lisp_record {
	uint32_t	 ttl;		/* minutes */
	uint8_t		 nrlocs;	/* Locator / Referral Count */
	uint8_t		 eid_mlen;
	uint8_t		 act;
	uint8_t		 auth;		/* A bit */
	uint8_t		 incomplete;	/* Map-Referral I bit */
	uint8_t		 sigcnt;	/* Map-Referral SigCnt */
	uint16_t	 version;	/* Map-Version (12 bits) */
	struct lisp_addr eid;
	struct rbuf	 rlocs;		/* nrlocs RLOC-records, validated */
	struct rbuf	 sigs;		/* Map-Referral: sigcnt signature sections */
	struct rbuf	 raw;		/* the whole record as received (signatures) */
	uint8_t		 nbad;		/* of nrlocs, malformed (rloc_next skips them) */
	const char	*bad_why;	/* the first one's reason */
};

/* walk records of a validated list. return 1 with *out filled, 0 at the end,
 * -1 on error (cannot happen after a successful message decode).
 * rloc_next skips malformed locators (see struct lisp_rloc; rec->nbad
 * counts them); rloc_next_all returns them too, for dissectors */
int	record_next(struct rbuf *records, struct lisp_record *out);
int	referral_record_next(struct rbuf *records, struct lisp_record *out);
int	rloc_next(struct rbuf *rlocs, struct lisp_rloc *out);
int	rloc_next_all(struct rbuf *rlocs, struct lisp_rloc *out);

/* decode one EID-record and its RLOC-records (validation) */
int	record_decode(struct rbuf *, struct lisp_record *, struct msg_err *);
/* encode an EID-record header (not its RLOC-records: the caller writes
 * rec->nrlocs of them with rloc_encode next). rec->rlocs is ignored. */
void	record_encode(struct wbuf *, const struct lisp_record *);
void	rloc_encode(struct wbuf *, const struct lisp_rloc *);
/* decode one Map-Referral record with its RLOC-records and signatures */
int	referral_record_decode(struct rbuf *, struct lisp_record *,
	    struct msg_err *);
/* validate n consecutive records (referral: Map-Referral records) and carve
 * them into *view; reasons name the 1-based record and locator */
int	records_decode(struct rbuf *, unsigned n, int referral, struct rbuf *view,
	    struct msg_err *);
/* Map-Referral signature section (RFC 8111), walked over lisp_record.sigs */
struct lisp_ref_sig {
	uint32_t	 orig_ttl, expiration, inception;
	uint16_t	 key_tag;
	uint8_t		 alg;
	uint16_t	 sig_len;
	const uint8_t	*sig;
};
int	ref_sig_next(struct rbuf *sigs, struct lisp_ref_sig *out);
void	ref_sig_encode(struct wbuf *, const struct lisp_ref_sig *);

/* a Map-Request record (EID-prefix being asked for) */
struct lisp_eid_prefix {
	uint8_t		 flags;		/* MREQ_REC_N */
	uint8_t		 mlen;
	struct lisp_addr eid;
};
int	mreq_record_next(struct rbuf *records, struct lisp_eid_prefix *out);

struct lisp_map_request {
	uint32_t	 flags;		/* MREQ_* bits of word 0 (other reserved bits preserved) */
	uint64_t	 nonce;
	struct lisp_addr seid;		/* Source-EID (AFI_NONE for refresh/probe) */
	uint8_t		 nitr;		/* IRC + 1 */
	struct lisp_addr itr[MREQ_ITR_MAX];
	uint8_t		 nrecords;
	struct rbuf	 records;	/* walk with mreq_record_next */
	uint8_t		 has_reply;	/* M: one Map-Reply record follows */
	struct rbuf	 reply;		/* the Map-Reply record (walk with record_next) */
	uint8_t		 has_ids;	/* I: xTR-ID + Site-ID */
	uint8_t		 xtr_id[XTR_ID_LEN];
	uint64_t	 site_id;
};

struct lisp_map_reply {
	uint32_t	 flags;		/* MREP_* */
	uint64_t	 nonce;
	uint8_t		 nrecords;
	struct rbuf	 records;	/* walk with record_next */
	struct rbuf	 sec;		/* S: LISP-SEC authentication data (opaque) */
};

/* Map-Register, Map-Notify and Map-Notify-Ack share one layout */
struct lisp_map_register {
	uint8_t		 type;		/* LISP_MAP_REGISTER / _NOTIFY / _NOTIFY_ACK */
	uint32_t	 flags;		/* MREG_* (register) or MNOT_* (notify) */
	uint64_t	 nonce;
	uint8_t		 key_id;
	uint8_t		 alg_id;
	uint16_t	 auth_len;
	const uint8_t	*auth;		/* auth_len octets inside the message */
	size_t		 auth_off;	/* offset of the auth data in the message */
	uint8_t		 nrecords;
	struct rbuf	 records;	/* walk with record_next */
	uint8_t		 has_ids;
	uint8_t		 xtr_id[XTR_ID_LEN];
	uint64_t	 site_id;
	struct rbuf	 msg;		/* the whole message (what the MAC covers) */
	size_t		 trailing;	/* octets after the records not understood */
};

/* ECM: LISP header, optional LISP-SEC data, inner IP + UDP, inner message */
struct lisp_ecm {
	uint32_t	 flags;		/* ECM_* */
	struct rbuf	 sec;		/* S: authentication data (opaque, validated length) */
	uint8_t		 ip_version;	/* 4 or 6 */
	struct lisp_addr src, dst;	/* inner IP addresses */
	uint8_t		 ttl;
	uint16_t	 sport, dport;	/* inner UDP ports */
	uint16_t	 udp_csum;
	struct rbuf	 ip;		/* the inner IP packet (header to end of UDP payload) */
	struct rbuf	 inner;		/* the inner LISP message (UDP payload) */
};

struct lisp_map_referral {
	uint64_t	 nonce;
	uint8_t		 nrecords;
	struct rbuf	 records;	/* walk with referral_record_next */
};

/* Info-Request / Info-Reply */
struct lisp_info {
	uint8_t		 reply;		/* R bit */
	uint64_t	 nonce;
	uint16_t	 key_id;	/* 16-bit in the draft */
	uint16_t	 auth_len;
	const uint8_t	*auth;
	size_t		 auth_off;
	uint32_t	 ttl;
	uint8_t		 eid_mlen;
	struct lisp_addr eid;
	struct lisp_addr nat;		/* reply: NAT-Traversal LCAF; request: AFI_NONE */
	struct rbuf	 msg;
};

/* decoders: b is the whole UDP payload of one message */
int	map_request_decode(struct rbuf *, struct lisp_map_request *,
	    struct msg_err *);
int	map_reply_decode(struct rbuf *, struct lisp_map_reply *,
	    struct msg_err *);
/* types 3, 4, 5 */
int	map_register_decode(struct rbuf *, struct lisp_map_register *,
	    struct msg_err *);
int	ecm_decode(struct rbuf *, struct lisp_ecm *, struct msg_err *);
int	map_referral_decode(struct rbuf *, struct lisp_map_referral *,
	    struct msg_err *);
int	info_decode(struct rbuf *, struct lisp_info *, struct msg_err *);

/* encoders. a message with records is written in three steps: the header
 * (which reserves the record count), then the records with record_encode /
 * rloc_encode, then *_finish, which patches counts and appends trailers. */
/* Map-Request: header, Source-EID and ITR-RLOCs; then nrecords records with
 * mreq_record_encode, the Map-Reply record when has_ids/M, then the trailer */
void	map_request_encode_hdr(struct wbuf *, const struct lisp_map_request *);
void	mreq_record_encode(struct wbuf *, const struct lisp_eid_prefix *);
void	map_request_encode_trailer(struct wbuf *, const struct lisp_map_request *);	/* xTR-ID/Site-ID when has_ids */

void	map_reply_encode_hdr(struct wbuf *, const struct lisp_map_reply *);

/* Map-Register/Notify/Ack: header with zeroed auth data of auth_len octets;
 * after the records call map_register_encode_trailer and then auth_sign
 * (auth.h) over the finished message. */
void	map_register_encode_hdr(struct wbuf *, const struct lisp_map_register *);
void	map_register_encode_trailer(struct wbuf *, const struct lisp_map_register *);
#define MREG_AUTH_OFF	16

void	map_referral_encode_hdr(struct wbuf *, const struct lisp_map_referral *);
void	info_encode(struct wbuf *, const struct lisp_info *);

/* ECM: write the LISP header, inner IP + UDP around an already built inner
 * message (computes the IPv4 header checksum and the inner UDP checksum). */
void	ecm_encode(struct wbuf *, uint32_t flags, const struct lisp_addr *src,
	    const struct lisp_addr *dst, uint16_t sport, uint16_t dport,
	    const uint8_t *inner, size_t len);

/* Internet checksum helpers (also used by the data plane) */
uint16_t inet_cksum(const void *, size_t, uint32_t sum);
uint16_t udp_cksum(const struct lisp_addr *src, const struct lisp_addr *dst,
	    const uint8_t *udp, size_t len);

/* names for logs and locictl */
const char *lisp_type_name(unsigned type);
const char *act_name(unsigned act);		/* "natively-forward" ... */
const char *referral_act_name(unsigned act);	/* "ms-ack" ... */
const char *alg_name(unsigned alg);

/* RFC 9300 data-plane header */
#define LD_N		0x80
#define LD_L		0x40
#define LD_E		0x20
#define LD_V		0x10
#define LD_I		0x08
#define LD_P		0x04	/* LISP-GPE next protocol */
#define LD_KK		0x03
#define LISP_DATA_HDR_LEN	8

struct lisp_data_hdr {
	uint8_t		 flags;		/* N L E V I P KK */
	uint32_t	 nonce;		/* 24 bits when N */
	uint16_t	 src_version;	/* when V */
	uint16_t	 dst_version;
	uint32_t	 iid;		/* 24 bits when I */
	uint32_t	 lsb;		/* 32 bits (I=0) or 8 bits (I=1) */
	uint8_t		 next_proto;	/* when P */
};

int	data_hdr_decode(struct rbuf *, struct lisp_data_hdr *, const char **why);
void	data_hdr_encode(struct wbuf *, const struct lisp_data_hdr *);

#endif
