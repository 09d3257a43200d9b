/* messages for the role tests against the fake core (test_role_*.c):
 * build Map-Registers and (Encapsulated) Map-Requests as an ETR and an
 * ITR would, and decode what the roles sent. included after cmocka.h */
#ifndef TESTS_ROLEMSG_H
#define TESTS_ROLEMSG_H

#include <string.h>

#include "auth.h"
#include "msg.h"

struct rm_reg {
	const char	*prefix;	/* "198.18.1.0/24" */
	const char	*rloc;		/* the ETR's RLOC */
	uint32_t	 flags;		/* MREG_* */
	uint64_t	 nonce;
	const char	*key;		/* HMAC-SHA-256-128 secret, key-id 0 */
	int		 ids;		/* xTR-ID 0x11.., Site-ID 7 */
	uint32_t	 ttl;		/* Record TTL, minutes; 0 means 1440 */
	int		 withdraw;	/* Record TTL 0 */
	uint8_t		 key_id;
};

/* the locator lispers.net sends (peers capture, frame 381): an AFI list of
 * 203.0.113.4 and a Geo LCAF in the draft layout, which does not validate
 * as RFC 8060 Geo */
static const uint8_t rm_bad_loc[] = {
	0x01, 0x64, 0xff, 0x00, 0x00, 0x05,		/* 1/100 255/0, L R */
	0x40, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x24,	/* AFI list, 36 */
	0x00, 0x01, 0xcb, 0x00, 0x71, 0x04,		/* 203.0.113.4 */
	0x40, 0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x16,	/* Geo, 22 */
	0x50, 0x00, 0x00, 0x00, 0x25, 0x15, 0xd1, 0xf0, 0x79, 0x35, 0xfc, 0x50,
	0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
};

/* with extra (a whole RLOC-record as octets) as a second locator */
static inline size_t
rm_register_x(const struct rm_reg *s, const uint8_t *extra, size_t extra_len,
    uint8_t *buf, size_t cap)
{
	struct lisp_map_register	 mr;
	struct lisp_record		 rec;
	struct lisp_rloc		 loc;
	struct wbuf			 w;
	int				 mlen;

	memset(&mr, 0, sizeof(mr));
	mr.type = LISP_MAP_REGISTER;
	mr.flags = s->flags;
	mr.nonce = s->nonce;
	mr.key_id = s->key_id;
	mr.alg_id = ALG_HMAC_SHA256_128;
	mr.auth_len = 32;
	mr.nrecords = 1;
	mr.has_ids = (uint8_t)s->ids;
	memset(mr.xtr_id, 0x11, XTR_ID_LEN);
	mr.site_id = 7;
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(prefix_parse(s->prefix, &rec.eid, &mlen), 0);
	rec.eid_mlen = (uint8_t)mlen;
	rec.ttl = s->withdraw ? 0 : s->ttl ? s->ttl : 1440;
	rec.auth = 1;
	rec.nrlocs = extra != NULL ? 2 : 1;
	memset(&loc, 0, sizeof(loc));
	loc.priority = 1;
	loc.weight = 100;
	loc.mpriority = 255;
	loc.flags = RLOC_L | RLOC_R;
	assert_int_equal(addr_parse(&loc.addr, s->rloc), 0);
	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &loc);
	if (extra != NULL)
		wbuf_bytes(&w, extra, extra_len);
	map_register_encode_trailer(&w, &mr);
	assert_false(w.err);
	assert_int_equal(auth_sign(ALG_HMAC_SHA256_128, s->key, strlen(s->key),
	    buf, w.len, MREG_AUTH_OFF, 32), 0);
	return w.len;
}

static inline size_t
rm_register(const struct rm_reg *s, uint8_t *buf, size_t cap)
{
	return rm_register_x(s, NULL, 0, buf, cap);
}

/* a Map-Request for eid (host route unless mlen) with ITR-RLOC itr; in an
 * ECM from itr:sport unless plain. the inner request is copied to inner */
static inline size_t
rm_request_n(const char *eid, int mlen, int nrec, const char *itr, uint16_t sport,
    uint64_t nonce, int plain, uint8_t *buf, size_t cap, uint8_t *inner,
    size_t *ilen)
{
	struct lisp_map_request	 mr;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 src, dst;
	struct wbuf		 w;
	uint8_t			 tmp[512];
	size_t			 n;

	memset(&mr, 0, sizeof(mr));
	mr.nonce = nonce;
	addr_set_none(&mr.seid);
	mr.nitr = 1;
	assert_int_equal(addr_parse(&mr.itr[0], itr), 0);
	mr.nrecords = (uint8_t)nrec;
	memset(&ep, 0, sizeof(ep));
	assert_int_equal(addr_parse(&ep.eid, eid), 0);
	ep.mlen = (uint8_t)(mlen ? mlen : addr_bits(&ep.eid));
	wbuf_init(&w, plain ? buf : tmp, plain ? cap : sizeof(tmp));
	map_request_encode_hdr(&w, &mr);
	for (int i = 0; i < nrec; i++)
		mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &mr);
	assert_false(w.err);
	if (inner != NULL) {
		memcpy(inner, plain ? buf : tmp, w.len);
		*ilen = w.len;
	}
	if (plain)
		return w.len;
	dst = ep.eid;
	dst.has_iid = 0;
	src = mr.itr[0];
	if (src.afi != dst.afi)
		addr_set_any(&src, dst.afi);
	n = w.len;
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, 0, &src, &dst, sport, LISP_CONTROL_PORT, tmp, n);
	assert_false(w.err);
	return w.len;
}

/* the same with one record */
static inline size_t
rm_request(const char *eid, int mlen, const char *itr, uint16_t sport,
    uint64_t nonce, int plain, uint8_t *buf, size_t cap, uint8_t *inner,
    size_t *ilen)
{
	return rm_request_n(eid, mlen, 1, itr, sport, nonce, plain, buf, cap, inner, ilen);
}

/* a Map-Reply with one record, decoded */
struct rm_answer {
	uint64_t		 nonce;
	struct lisp_record	 rec;
	struct lisp_rloc	 locs[8];
	int			 nlocs;
	char			 prefix[ADDR_STRLEN];
};

static inline void
rm_reply_decode(const uint8_t *buf, size_t len, struct rm_answer *a)
{
	struct rbuf		 b, rl;
	struct lisp_map_reply	 rep;
	struct msg_err		 why;

	memset(a, 0, sizeof(*a));
	assert_int_equal(buf[0] >> 4, LISP_MAP_REPLY);
	rbuf_init(&b, buf, len);
	assert_int_equal(map_reply_decode(&b, &rep, &why), 0);
	assert_int_equal(rep.nrecords, 1);
	a->nonce = rep.nonce;
	b = rep.records;
	assert_int_equal(record_next(&b, &a->rec), 1);
	prefix_fmt(&a->rec.eid, a->rec.eid_mlen, a->prefix, sizeof(a->prefix));
	rl = a->rec.rlocs;
	while (a->nlocs < 8 && rloc_next(&rl, &a->locs[a->nlocs]) == 1)
		a->nlocs++;
}

#endif
