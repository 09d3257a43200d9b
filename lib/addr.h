/* struct lisp_addr: an AFI-encoded LISP address, optionally inside an
 * Instance-ID LCAF. IPv4/IPv6/MAC are held by value; other LCAF types and
 * Distinguished Names are held as a view (body) into the bytes they were
 * decoded from, or into caller memory when building a message. lcaf.h
 * decodes and encodes the typed LCAF bodies. */
#ifndef LOCID_ADDR_H
#define LOCID_ADDR_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

#define AFI_NONE	0
#define AFI_IPV4	1
#define AFI_IPV6	2
#define AFI_MAC_IEEE	6	/* accepted on receive, MAC */
#define AFI_DN		17	/* NUL-terminated ASCII */
#define AFI_LCAF	16387
#define AFI_MAC		16389

#define LCAF_NULL	0
#define LCAF_AFI_LIST	1
#define LCAF_IID	2
#define LCAF_ASN	3
#define LCAF_APPDATA	4
#define LCAF_GEO	5
#define LCAF_OPAQUE_KEY	6
#define LCAF_NAT	7
#define LCAF_NONCE_LOC	8
#define LCAF_MCAST	9
#define LCAF_ELP	10
#define LCAF_SECKEY	11
#define LCAF_SRCDST	12
#define LCAF_RLE	13
#define LCAF_JSON	14
#define LCAF_KV		15
#define LCAF_ENCAP	16
#define LCAF_VENDOR	255

#define ADDR_DEPTH_MAX	4	/* LCAF nesting accepted on receive */
#define DN_MAX		255

struct lisp_addr {
	uint16_t	 afi;		/* AFI_*; AFI_LCAF for LCAF types other than IID */
	uint8_t		 has_iid;	/* wrapped in an Instance-ID LCAF */
	uint8_t		 iid_mlen;	/* IID mask-len octet as on the wire */
	uint32_t	 iid;
	uint8_t		 lcaf_type;	/* afi == AFI_LCAF: LCAF_* */
	uint8_t		 lcaf_flags;	/* Flags octet of the LCAF header */
	uint8_t		 lcaf_rsvd2;	/* Rsvd2 octet (type-specific: JSON B bit, mcast RLJ) */
	uint8_t		 known;		/* afi == AFI_LCAF: the body was validated as its type */
	uint8_t		 iid_flags;	/* has_iid: Flags octet of the Instance-ID LCAF */
	union {
		uint8_t	 v4[4];
		uint8_t	 v6[16];
		uint8_t	 mac[6];
	} u;
	const uint8_t	*body;		/* AFI_LCAF: payload after Length; AFI_DN: string incl. NUL */
	uint16_t	 body_len;
};

/* decode one AFI-encoded address at the cursor. depth is 0 at top level.
 * unknown AFIs are refused; an LCAF of unknown type is carried opaquely
 * (known = 0). */
int	addr_decode(struct rbuf *, struct lisp_addr *, int depth, const char **why);
/* addr_decode at depth 0, and 1 for an LCAF whose header and Length fit
 * but whose body does not decode: *a holds it opaquely (known 0), the
 * cursor is past it and *why says what is wrong (a locator a peer's
 * layout broke); -1 when the framing itself is broken */
int	addr_decode_framed(struct rbuf *, struct lisp_addr *, const char **why);
/* encode; sets w->err on overflow */
void	addr_encode(struct wbuf *, const struct lisp_addr *);
/* octets addr_encode will write */
size_t	addr_wire_len(const struct lisp_addr *);

/* constructors */
void	addr_set_none(struct lisp_addr *);
void	addr_set_v4(struct lisp_addr *, const void *a4);	/* 4 octets, network order */
void	addr_set_v6(struct lisp_addr *, const void *a6);
void	addr_set_mac(struct lisp_addr *, const void *mac6);
void	addr_set_iid(struct lisp_addr *, uint32_t iid);		/* wrap in IID LCAF */
/* parse "198.18.1.0", "2001:db8::1", "aa:bb:cc:dd:ee:ff", "[5]10.0.0.1" */
int	addr_parse(struct lisp_addr *, const char *);

/* bits of the address family (32, 128, 48) or 0 when not prefix-capable */
int	addr_bits(const struct lisp_addr *);
/* pointer to the address octets for IPv4/IPv6/MAC, else NULL */
const uint8_t *addr_bytes(const struct lisp_addr *);
/* zero host bits beyond mlen (normalise a prefix) */
void	addr_mask(struct lisp_addr *, int mlen);
/* 1 if a/alen covers b (same family and IID) */
int	addr_prefix_covers(const struct lisp_addr *a, int alen, const struct lisp_addr *b);
/* equal: same AFI, IID and value */
int	addr_equal(const struct lisp_addr *, const struct lisp_addr *);
/* total order (for sorting locators: IPv4 < IPv6 < ..., then value) */
int	addr_cmp(const struct lisp_addr *, const struct lisp_addr *);

/* text: "198.18.1.1", "[5]198.18.1.0", "2001:db8::1", "lcaf-type-10(...)".
 * returns buf. */
#define ADDR_STRLEN	256
char	*addr_fmt(const struct lisp_addr *, char *buf, size_t len);
/* "198.18.1.0/24", "[5]198.18.1.0/24" */
char	*prefix_fmt(const struct lisp_addr *, int mlen, char *buf, size_t len);
/* parse "198.18.1.0/24", "[5]2001:db8::/48"; normalises host bits */
int	prefix_parse(const char *, struct lisp_addr *, int *mlen);

const char *afi_name(uint16_t afi);
const char *lcaf_type_name(uint8_t type);

#endif
