/* re-encode decoded messages with the library encoders and compare
 * decoded messages field by field; shared by the unit tests and the fuzz
 * targets. the *_same functions return NULL when equal, else the name of
 * the first field that differs. */
#ifndef LOCID_TEST_MSG_ROUNDTRIP_H
#define LOCID_TEST_MSG_ROUNDTRIP_H

#include <string.h>

#include "msg.h"

static inline int
rt_addr_same(const struct lisp_addr *a, const struct lisp_addr *b)
{
	if (a->afi != b->afi || a->has_iid != b->has_iid)
		return 0;
	if (a->has_iid && a->iid != b->iid)
		return 0;
	if (a->afi == AFI_LCAF && (a->lcaf_type != b->lcaf_type ||
	    a->body_len != b->body_len ||
	    (a->body_len && memcmp(a->body, b->body, a->body_len) != 0)))
		return 0;
	return addr_equal(a, b);
}

/* write the records of a validated list */
static inline void
rt_records_encode(struct wbuf *w, struct rbuf recs)
{
	struct lisp_record r;
	struct lisp_rloc rl;
	struct rbuf rls;

	while (record_next(&recs, &r) == 1) {
		record_encode(w, &r);
		rls = r.rlocs;
		while (rloc_next_all(&rls, &rl) == 1)
			rloc_encode(w, &rl);
	}
}

static inline const char *
rt_records_same(struct rbuf a, struct rbuf b)
{
	struct lisp_record ra, rb;
	struct lisp_rloc la, lb;
	struct rbuf pa, pb;
	int ea, eb, fa, fb;

	for (;;) {
		ea = record_next(&a, &ra);
		eb = record_next(&b, &rb);
		if (ea != eb)
			return "record list";
		if (ea != 1)
			return NULL;
		if (ra.ttl != rb.ttl || ra.nrlocs != rb.nrlocs ||
		    ra.eid_mlen != rb.eid_mlen || ra.act != rb.act ||
		    ra.auth != rb.auth || ra.version != rb.version)
			return "record header";
		if (!rt_addr_same(&ra.eid, &rb.eid))
			return "record eid";
		pa = ra.rlocs;
		pb = rb.rlocs;
		for (;;) {
			fa = rloc_next_all(&pa, &la);
			fb = rloc_next_all(&pb, &lb);
			if (fa != fb)
				return "rloc list";
			if (fa != 1)
				break;
			if (la.priority != lb.priority ||
			    la.weight != lb.weight ||
			    la.mpriority != lb.mpriority ||
			    la.mweight != lb.mweight || la.flags != lb.flags)
				return "rloc header";
			if (!rt_addr_same(&la.addr, &lb.addr))
				return "rloc address";
		}
	}
}

static inline size_t
rt_map_request_encode(const struct lisp_map_request *m, uint8_t *buf,
    size_t cap)
{
	struct lisp_eid_prefix e;
	struct rbuf recs = m->records;
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	map_request_encode_hdr(&w, m);
	while (mreq_record_next(&recs, &e) == 1)
		mreq_record_encode(&w, &e);
	if (m->has_reply)
		rt_records_encode(&w, m->reply);
	map_request_encode_trailer(&w, m);
	return w.err ? 0 : w.len;
}

static inline const char *
rt_map_request_same(const struct lisp_map_request *a,
    const struct lisp_map_request *b)
{
	struct lisp_eid_prefix ea, eb;
	struct rbuf ra = a->records, rb = b->records;
	int i, na, nb;

	if (a->flags != b->flags)
		return "flags";
	if (a->nonce != b->nonce)
		return "nonce";
	if (!rt_addr_same(&a->seid, &b->seid))
		return "source-eid";
	if (a->nitr != b->nitr)
		return "nitr";
	for (i = 0; i < a->nitr; i++)
		if (!rt_addr_same(&a->itr[i], &b->itr[i]))
			return "itr-rloc";
	if (a->nrecords != b->nrecords)
		return "nrecords";
	for (;;) {
		na = mreq_record_next(&ra, &ea);
		nb = mreq_record_next(&rb, &eb);
		if (na != nb)
			return "request records";
		if (na != 1)
			break;
		if (ea.flags != eb.flags || ea.mlen != eb.mlen ||
		    !rt_addr_same(&ea.eid, &eb.eid))
			return "request record";
	}
	if (a->has_reply != b->has_reply)
		return "has_reply";
	if (a->has_reply && rt_records_same(a->reply, b->reply) != NULL)
		return "map-reply record";
	if (a->has_ids != b->has_ids)
		return "has_ids";
	if (a->has_ids && (memcmp(a->xtr_id, b->xtr_id, XTR_ID_LEN) != 0 ||
	    a->site_id != b->site_id))
		return "xtr-id/site-id";
	return NULL;
}

static inline size_t
rt_map_reply_encode(const struct lisp_map_reply *m, uint8_t *buf, size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	map_reply_encode_hdr(&w, m);
	rt_records_encode(&w, m->records);
	wbuf_bytes(&w, m->sec.p, m->sec.len);
	return w.err ? 0 : w.len;
}

static inline const char *
rt_map_reply_same(const struct lisp_map_reply *a, const struct lisp_map_reply *b)
{
	if (a->flags != b->flags)
		return "flags";
	if (a->nonce != b->nonce)
		return "nonce";
	if (a->nrecords != b->nrecords)
		return "nrecords";
	if (rt_records_same(a->records, b->records) != NULL)
		return "records";
	if (a->sec.len != b->sec.len ||
	    (a->sec.len && memcmp(a->sec.p, b->sec.p, a->sec.len) != 0))
		return "sec";
	return NULL;
}

/* copies the received auth data and trailing octets so the result can be
 * compared byte for byte */
static inline size_t
rt_map_register_encode(const struct lisp_map_register *m, uint8_t *buf,
    size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, m);
	rt_records_encode(&w, m->records);
	map_register_encode_trailer(&w, m);
	wbuf_bytes(&w, m->msg.p + m->msg.len - m->trailing, m->trailing);
	if (w.err)
		return 0;
	if (m->auth_len)
		memcpy(buf + MREG_AUTH_OFF, m->auth, m->auth_len);
	return w.len;
}

static inline const char *
rt_map_register_same(const struct lisp_map_register *a,
    const struct lisp_map_register *b)
{
	if (a->type != b->type)
		return "type";
	if (a->flags != b->flags)
		return "flags";
	if (a->nonce != b->nonce)
		return "nonce";
	if (a->key_id != b->key_id || a->alg_id != b->alg_id)
		return "key/alg id";
	if (a->auth_len != b->auth_len ||
	    (a->auth_len && memcmp(a->auth, b->auth, a->auth_len) != 0))
		return "auth";
	if (a->auth_off != b->auth_off)
		return "auth_off";
	if (a->nrecords != b->nrecords)
		return "nrecords";
	if (rt_records_same(a->records, b->records) != NULL)
		return "records";
	if (a->has_ids != b->has_ids)
		return "has_ids";
	if (a->has_ids && (memcmp(a->xtr_id, b->xtr_id, XTR_ID_LEN) != 0 ||
	    a->site_id != b->site_id))
		return "xtr-id/site-id";
	if (a->trailing != b->trailing)
		return "trailing";
	return NULL;
}

static inline const char *
rt_map_referral_same(const struct lisp_map_referral *a,
    const struct lisp_map_referral *b)
{
	struct lisp_record ra, rb;
	struct lisp_ref_sig ga, gb;
	struct rbuf x = a->records, y = b->records, sx, sy;
	unsigned i;

	if (a->nonce != b->nonce || a->nrecords != b->nrecords)
		return "referral header";
	for (i = 0; i < a->nrecords; i++) {
		if (referral_record_next(&x, &ra) != 1 ||
		    referral_record_next(&y, &rb) != 1)
			return "referral records";
		if (ra.ttl != rb.ttl || ra.nrlocs != rb.nrlocs ||
		    ra.eid_mlen != rb.eid_mlen || ra.act != rb.act ||
		    ra.auth != rb.auth || ra.incomplete != rb.incomplete ||
		    ra.sigcnt != rb.sigcnt || ra.version != rb.version ||
		    !rt_addr_same(&ra.eid, &rb.eid))
			return "referral record";
		if (ra.rlocs.len != rb.rlocs.len || ra.sigs.len != rb.sigs.len)
			return "referral set or signatures";
		sx = ra.sigs;
		sy = rb.sigs;
		while (ref_sig_next(&sx, &ga) == 1) {
			if (ref_sig_next(&sy, &gb) != 1)
				return "referral signatures";
			if (ga.orig_ttl != gb.orig_ttl ||
			    ga.expiration != gb.expiration ||
			    ga.inception != gb.inception ||
			    ga.key_tag != gb.key_tag || ga.alg != gb.alg ||
			    ga.sig_len != gb.sig_len ||
			    memcmp(ga.sig, gb.sig, ga.sig_len) != 0)
				return "referral signature";
		}
	}
	return NULL;
}

static inline size_t
rt_map_referral_encode(const struct lisp_map_referral *mr, uint8_t *out,
    size_t cap)
{
	struct lisp_record	 rec;
	struct lisp_rloc	 rl;
	struct lisp_ref_sig	 sg;
	struct rbuf		 recs = mr->records, rlocs, sigs;
	struct wbuf		 w;

	wbuf_init(&w, out, cap);
	map_referral_encode_hdr(&w, mr);
	while (referral_record_next(&recs, &rec) == 1) {
		record_encode(&w, &rec);
		rlocs = rec.rlocs;
		while (rloc_next_all(&rlocs, &rl) == 1)
			rloc_encode(&w, &rl);
		sigs = rec.sigs;
		while (ref_sig_next(&sigs, &sg) == 1)
			ref_sig_encode(&w, &sg);
	}
	return w.err ? 0 : w.len;
}

static inline const char *
rt_info_same(const struct lisp_info *a, const struct lisp_info *b)
{
	if (a->reply != b->reply || a->nonce != b->nonce ||
	    a->key_id != b->key_id || a->ttl != b->ttl ||
	    a->eid_mlen != b->eid_mlen)
		return "info header";
	if (a->auth_len != b->auth_len ||
	    (a->auth_len && memcmp(a->auth, b->auth, a->auth_len) != 0))
		return "info auth";
	if (!rt_addr_same(&a->eid, &b->eid))
		return "info eid";
	if (!rt_addr_same(&a->nat, &b->nat))
		return "info nat";
	return NULL;
}

static inline size_t
rt_info_encode(const struct lisp_info *m, uint8_t *buf, size_t cap)
{
	struct wbuf w;

	wbuf_init(&w, buf, cap);
	info_encode(&w, m);
	return w.err ? 0 : w.len;
}

#endif
