/* RFC 8060 LCAF bodies. decoders take an address with afi == AFI_LCAF and
 * read its body; list-shaped types are walked with a *_next iterator over a
 * view that the decoder validated. encoders write a complete LCAF (AFI,
 * header, body) with the right Length. the Instance-ID LCAF is handled by
 * addr.c through lisp_addr.has_iid. */
#ifndef LOCID_LCAF_H
#define LOCID_LCAF_H

#include "addr.h"

/* the LCAF types this library validates, decodes and renders, one row
 * each: X(type number, name in text and JSON, suffix of its hooks). lcaf.c
 * builds its table from it (v_<suffix> validates a body, t_<suffix>
 * renders it as text) and so do other renderers (locictl's JSON:
 * j_<suffix>), so a type added here without all its hooks does not build */
#define LCAF_KINDS(X)					\
	X(LCAF_NULL,		"null",		null)	\
	X(LCAF_AFI_LIST,	"afi-list",	list)	\
	X(LCAF_ASN,		"asn",		asn)	\
	X(LCAF_APPDATA,		"appdata",	app)	\
	X(LCAF_GEO,		"geo",		geo)	\
	X(LCAF_NAT,		"nat",		nat)	\
	X(LCAF_MCAST,		"mcast",	mcast)	\
	X(LCAF_ELP,		"elp",		elp)	\
	X(LCAF_SECKEY,		"seckey",	seckey)	\
	X(LCAF_SRCDST,		"srcdst",	srcdst)	\
	X(LCAF_RLE,		"rle",		rle)	\
	X(LCAF_JSON,		"json",		json)	\
	X(LCAF_KV,		"kv",		kv)
/* types that are named but whose body is kept opaque (Instance-ID is
 * unwrapped by addr.c itself): X(type number, name) */
#define LCAF_OPAQUE_KINDS(X)				\
	X(LCAF_IID,		"iid")			\
	X(LCAF_OPAQUE_KEY,	"opaque-key")		\
	X(LCAF_NONCE_LOC,	"nonce-loc")		\
	X(LCAF_ENCAP,		"encap")		\
	X(LCAF_VENDOR,		"vendor")

/* whether this library validates and decodes bodies of this LCAF type
 * (a row of LCAF_KINDS) */
int	lcaf_type_known(uint8_t type);
/* validate the body of a known LCAF type (called by addr_decode).
 * returns 0 when valid, -1 with a reason. */
int	lcaf_validate(uint8_t type, uint8_t rsvd2, const uint8_t *body, size_t len,
	    int depth, const char **why);

/* AFI-List (1): a sequence of addresses */
struct lcaf_list { struct rbuf items; };
int	lcaf_list_decode(const struct lisp_addr *, struct lcaf_list *);
int	lcaf_list_next(struct lcaf_list *, struct lisp_addr *);	/* 1 item, 0 end, -1 error */

/* AS Number (3) */
struct lcaf_asn { uint32_t asn; struct lisp_addr addr; };

/* Geo-Coordinates (5), RFC 8060 form */
struct lcaf_geo {
	uint8_t		 north;		/* 1 = N */
	uint16_t	 lat_deg;	/* 0..90 */
	uint8_t		 lat_min, lat_sec;
	uint8_t		 east;		/* 1 = E */
	uint16_t	 lon_deg;	/* 0..180 */
	uint8_t		 lon_min, lon_sec;
	int32_t		 alt;		/* metres; 0x7fffffff = none */
	struct lisp_addr addr;
};
#define GEO_ALT_NONE	0x7fffffff

/* NAT-Traversal (7) */
#define NAT_RTR_MAX	16
struct lcaf_nat {
	uint16_t	 ms_port, etr_port;
	struct lisp_addr global_etr, ms_rloc, private_etr;
	int		 nrtr;
	struct lisp_addr rtr[NAT_RTR_MAX];
};

/* Multicast Info (9) */
struct lcaf_mcast {
	uint8_t		 flags;		/* R 0x04, L 0x02, J 0x01 (Rsvd2) */
	uint32_t	 iid;
	uint8_t		 src_mlen, grp_mlen;
	struct lisp_addr src, grp;
};

/* Explicit Locator Path (10): hops of flags (L 4, P 2, S 1) then address */
#define ELP_L	0x0004
#define ELP_P	0x0002
#define ELP_S	0x0001
struct lcaf_elp { struct rbuf hops; };
struct lcaf_elp_hop { uint16_t flags; struct lisp_addr addr; };
int	lcaf_elp_next(struct lcaf_elp *, struct lcaf_elp_hop *);

/* Security Key (11) */
#define SECKEY_MAX	3
struct lcaf_seckey {
	uint8_t		 nkeys;
	uint8_t		 alg;		/* cipher suite */
	uint8_t		 revoke;	/* R bit */
	struct { uint16_t len; const uint8_t *material; } key[SECKEY_MAX];
	struct lisp_addr addr;
};

/* Source/Dest Key (12) */
struct lcaf_srcdst {
	uint8_t		 src_mlen, dst_mlen;
	struct lisp_addr src, dst;
};

/* Replication List Entry (13) */
struct lcaf_rle { struct rbuf entries; };
struct lcaf_rle_entry { uint8_t level; struct lisp_addr addr; };
int	lcaf_rle_next(struct lcaf_rle *, struct lcaf_rle_entry *);

/* JSON (14) */
struct lcaf_json {
	uint8_t		 binary;	/* B bit */
	uint16_t	 len;
	const uint8_t	*text;		/* not NUL-terminated */
	struct lisp_addr addr;		/* AFI_NONE when absent */
};

/* Key/Value (15) */
struct lcaf_kv { struct lisp_addr key, value; };

/* Application Data (4, RFC 8060 §4.3): the flow an address stands for */
struct lcaf_app {
	uint32_t	 tos;		/* IPv4 TOS / IPv6 TC and flow label, 24 bits */
	uint8_t		 proto;
	uint16_t	 lport_lo, lport_hi;	/* local port range */
	uint16_t	 rport_lo, rport_hi;	/* remote port range */
	struct lisp_addr addr;
};

/* decode a typed body from an address with afi == AFI_LCAF and that type;
 * -1 when the type does not match or the body is invalid */
int	lcaf_asn_decode(const struct lisp_addr *, struct lcaf_asn *);
int	lcaf_geo_decode(const struct lisp_addr *, struct lcaf_geo *);
int	lcaf_nat_decode(const struct lisp_addr *, struct lcaf_nat *);
int	lcaf_mcast_decode(const struct lisp_addr *, struct lcaf_mcast *);
int	lcaf_elp_decode(const struct lisp_addr *, struct lcaf_elp *);
int	lcaf_seckey_decode(const struct lisp_addr *, struct lcaf_seckey *);
int	lcaf_srcdst_decode(const struct lisp_addr *, struct lcaf_srcdst *);
int	lcaf_rle_decode(const struct lisp_addr *, struct lcaf_rle *);
int	lcaf_json_decode(const struct lisp_addr *, struct lcaf_json *);
int	lcaf_kv_decode(const struct lisp_addr *, struct lcaf_kv *);
int	lcaf_app_decode(const struct lisp_addr *, struct lcaf_app *);

/* encoders write AFI 16387 + header + body into w. to put the result in a
 * lisp_addr (e.g. as a locator) decode it back with addr_decode. */
void	lcaf_list_encode(struct wbuf *, const struct lisp_addr *items, int n);
void	lcaf_asn_encode(struct wbuf *, const struct lcaf_asn *);
void	lcaf_geo_encode(struct wbuf *, const struct lcaf_geo *);
void	lcaf_nat_encode(struct wbuf *, const struct lcaf_nat *);
void	lcaf_mcast_encode(struct wbuf *, const struct lcaf_mcast *);
void	lcaf_elp_encode(struct wbuf *, const struct lcaf_elp_hop *hops, int n);
void	lcaf_seckey_encode(struct wbuf *, const struct lcaf_seckey *);
void	lcaf_srcdst_encode(struct wbuf *, const struct lcaf_srcdst *);
void	lcaf_rle_encode(struct wbuf *, const struct lcaf_rle_entry *e, int n);
void	lcaf_json_encode(struct wbuf *, const struct lcaf_json *);
void	lcaf_kv_encode(struct wbuf *, const struct lcaf_kv *);
void	lcaf_app_encode(struct wbuf *, const struct lcaf_app *);

#endif
