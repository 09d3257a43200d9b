/* EID-records, RLOC-records and Map-Referral records (RFC 9301 §5.4,
 * RFC 8111 §6.4): validation, iterators and encoders. records are validated
 * once by the message decoder and then walked without allocation. */
#include <string.h>

#include "msg.h"

#define RLOC_MIN	8	/* fixed part + Loc-AFI */
#define REC_MIN		12	/* fixed part + EID-AFI */
#define SIG_FIXED	20

/* an address that did not decode: addr_decode's reason, with the AFI
 * number added to "unknown AFI" */
static int
addr_fail(struct msg_err *err, const char *w, const struct lisp_addr *a)
{
	if (strcmp(w, "unknown AFI") == 0)
		return msg_err_set(err, "unknown AFI %u", a->afi, 0);
	return msg_err_set(err, w, 0, 0);
}

static int
rloc_decode_at(struct rbuf *b, struct lisp_rloc *rl, unsigned rec, unsigned idx,
    struct msg_err *err)
{
	struct rbuf c = *b;
	const char *w = "";
	int rc;

	rl->malformed = 0;
	rl->why = NULL;
	if (c.len < RLOC_MIN)
		msg_err_set(err, "short locator record", 0, 0);
	else {
		rbuf_u8(&c, &rl->priority);
		rbuf_u8(&c, &rl->weight);
		rbuf_u8(&c, &rl->mpriority);
		rbuf_u8(&c, &rl->mweight);
		rbuf_u16(&c, &rl->flags);
		if ((rc = addr_decode_framed(&c, &rl->addr, &w)) >= 0) {
			rl->malformed = (uint8_t)rc;
			rl->why = rc ? w : NULL;
			*b = c;
			return 0;
		}
		addr_fail(err, w, &rl->addr);
	}
	if (err != NULL) {
		err->rec = rec;
		err->loc = idx;
	}
	return -1;
}

static int
sig_decode(struct rbuf *b, struct lisp_ref_sig *s)
{
	struct rbuf c = *b;

	if (rbuf_u32(&c, &s->orig_ttl) == -1 ||
	    rbuf_u32(&c, &s->expiration) == -1 ||
	    rbuf_u32(&c, &s->inception) == -1 ||
	    rbuf_u16(&c, &s->key_tag) == -1 ||
	    rbuf_u16(&c, &s->sig_len) == -1 ||
	    rbuf_u8(&c, &s->alg) == -1 ||
	    rbuf_skip(&c, SIG_FIXED - 17) == -1)
		return -1;
	s->sig = c.p;
	if (rbuf_skip(&c, s->sig_len) == -1)
		return -1;
	*b = c;
	return 0;
}

/* a failure in record rec (1-based); returns -1 */
static int
rec_fail(struct msg_err *err, unsigned rec, const char *part, unsigned idx)
{
	if (err != NULL) {
		err->rec = rec;
		err->part = part;
		err->part_idx = idx;
	}
	return -1;
}

/* rec is the 1-based record number used in reasons */
static int
record_decode_at(struct rbuf *b, struct lisp_record *r, int referral,
    unsigned rec, struct msg_err *err)
{
	struct rbuf c = *b, sigs;
	struct lisp_rloc rl;
	struct lisp_ref_sig sg;
	const char *w = "";
	uint16_t fl, ver;
	unsigned i;
	int bits;

	if (c.len < REC_MIN) {
		msg_err_set(err, "short record header", 0, 0);
		return rec_fail(err, rec, NULL, 0);
	}
	rbuf_u32(&c, &r->ttl);
	rbuf_u8(&c, &r->nrlocs);
	rbuf_u8(&c, &r->eid_mlen);
	rbuf_u16(&c, &fl);
	rbuf_u16(&c, &ver);
	r->act = EREC_ACT(fl);
	r->auth = (fl & EREC_A) != 0;
	r->version = ver & 0x0fff;
	if (referral) {
		r->incomplete = (fl & EREC_REF_I) != 0;
		r->sigcnt = ver >> 12;
	} else {
		r->incomplete = 0;
		r->sigcnt = 0;
	}
	if (addr_decode(&c, &r->eid, 0, &w) == -1) {
		addr_fail(err, w, &r->eid);
		return rec_fail(err, rec, "eid", 0);
	}
	bits = addr_bits(&r->eid);
	if (bits > 0 && r->eid_mlen > bits) {
		msg_err_set(err, "eid mask-len %u exceeds %u", r->eid_mlen,
		    (unsigned)bits);
		return rec_fail(err, rec, NULL, 0);
	}
	if ((size_t)r->nrlocs * RLOC_MIN > c.len) {
		msg_err_set(err, referral ? "referral count %u exceeds packet" :
		    "locator count %u exceeds packet", r->nrlocs, 0);
		return rec_fail(err, rec, NULL, 0);
	}
	r->rlocs = c;
	r->nbad = 0;
	r->bad_why = NULL;
	for (i = 0; i < r->nrlocs; i++) {
		if (rloc_decode_at(&c, &rl, rec, i + 1, err) == -1)
			return -1;
		if (rl.malformed && r->nbad++ == 0)
			r->bad_why = rl.why;
	}
	r->rlocs.len -= c.len;
	if ((size_t)r->sigcnt * SIG_FIXED > c.len) {
		msg_err_set(err, "signature count %u exceeds packet", r->sigcnt,
		    0);
		return rec_fail(err, rec, NULL, 0);
	}
	sigs = c;
	for (i = 0; i < r->sigcnt; i++)
		if (sig_decode(&c, &sg) == -1) {
			msg_err_set(err, "length exceeds packet", 0, 0);
			return rec_fail(err, rec, "signature", i + 1);
		}
	sigs.len -= c.len;
	r->sigs = sigs;
	r->raw = *b;
	r->raw.len -= c.len;
	*b = c;
	return 0;
}

int
record_decode(struct rbuf *b, struct lisp_record *r, struct msg_err *err)
{
	return record_decode_at(b, r, 0, 1, err);
}

int
referral_record_decode(struct rbuf *b, struct lisp_record *r,
    struct msg_err *err)
{
	return record_decode_at(b, r, 1, 1, err);
}

int
records_decode(struct rbuf *b, unsigned n, int referral, struct rbuf *view,
    struct msg_err *err)
{
	struct rbuf c = *b;
	struct lisp_record r;
	unsigned i;

	if ((size_t)n * REC_MIN > c.len)
		return msg_err_set(err, "record count %u exceeds packet", n, 0);
	for (i = 0; i < n; i++)
		if (record_decode_at(&c, &r, referral, i + 1, err) == -1)
			return -1;
	*view = *b;
	view->len -= c.len;
	*b = c;
	return 0;
}

int
record_next(struct rbuf *records, struct lisp_record *out)
{
	if (records->len == 0)
		return 0;
	return record_decode_at(records, out, 0, 1, NULL) == -1 ? -1 : 1;
}

int
referral_record_next(struct rbuf *records, struct lisp_record *out)
{
	if (records->len == 0)
		return 0;
	return record_decode_at(records, out, 1, 1, NULL) == -1 ? -1 : 1;
}

int
rloc_next_all(struct rbuf *rlocs, struct lisp_rloc *out)
{
	if (rlocs->len == 0)
		return 0;
	return rloc_decode_at(rlocs, out, 1, 1, NULL) == -1 ? -1 : 1;
}

int
rloc_next(struct rbuf *rlocs, struct lisp_rloc *out)
{
	int rc;

	while ((rc = rloc_next_all(rlocs, out)) == 1 && out->malformed)
		;
	return rc;
}

int
ref_sig_next(struct rbuf *sigs, struct lisp_ref_sig *out)
{
	if (sigs->len == 0)
		return 0;
	return sig_decode(sigs, out) == -1 ? -1 : 1;
}

void
record_encode(struct wbuf *w, const struct lisp_record *r)
{
	uint16_t fl;

	fl = (uint16_t)((r->act & 7) << 13);
	if (r->auth)
		fl |= EREC_A;
	if (r->incomplete)
		fl |= EREC_REF_I;
	wbuf_u32(w, r->ttl);
	wbuf_u8(w, r->nrlocs);
	wbuf_u8(w, r->eid_mlen);
	wbuf_u16(w, fl);
	wbuf_u16(w, (uint16_t)((r->sigcnt & 0xf) << 12 | (r->version & 0x0fff)));
	addr_encode(w, &r->eid);
}

void
rloc_encode(struct wbuf *w, const struct lisp_rloc *rl)
{
	uint8_t *q = wbuf_reserve(w, 6);

	if (q != NULL) {
		q[0] = rl->priority;
		q[1] = rl->weight;
		q[2] = rl->mpriority;
		q[3] = rl->mweight;
		put_u16(q + 4, rl->flags);
	}
	addr_encode(w, &rl->addr);
}

void
ref_sig_encode(struct wbuf *w, const struct lisp_ref_sig *s)
{
	uint8_t *q = wbuf_reserve(w, SIG_FIXED);

	if (q != NULL) {
		put_u32(q, s->orig_ttl);
		put_u32(q + 4, s->expiration);
		put_u32(q + 8, s->inception);
		put_u16(q + 12, s->key_tag);
		put_u16(q + 14, s->sig_len);
		q[16] = s->alg;
		q[17] = 0;
		put_u16(q + 18, 0);
	}
	wbuf_bytes(w, s->sig, s->sig_len);
}
