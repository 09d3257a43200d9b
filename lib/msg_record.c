/* EID-records, RLOC-records and Map-Referral records (RFC 9301 §5.4,
 * RFC 8111 §6.4): validation, iterators and encoders. records are validated
 * once by the message decoder and then walked without allocation. */
#include <stdarg.h>
#include <stdio.h>

#include "msg.h"

#define RLOC_MIN	8	/* fixed part + Loc-AFI */
#define REC_MIN		12	/* fixed part + EID-AFI */
#define SIG_FIXED	20

int
msg_fail(const char **why, const char *fmt, ...)
{
	/* per-thread scratch for reasons that name a record or locator */
	static _Thread_local char buf[160];
	char tmp[sizeof(buf)];
	va_list ap;

	if (why == NULL)
		return -1;
	/* an argument may be the previous reason, held in buf */
	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	memcpy(buf, tmp, sizeof(buf));
	*why = buf;
	return -1;
}

static int
rloc_decode_at(struct rbuf *b, struct lisp_rloc *rl, unsigned rec, unsigned idx,
    const char **why)
{
	struct rbuf c = *b;
	const char *w = "";

	if (c.len < RLOC_MIN)
		return msg_fail(why, "record %u: locator %u: short locator record",
		    rec, idx);
	rl->priority = c.p[0];
	rl->weight = c.p[1];
	rl->mpriority = c.p[2];
	rl->mweight = c.p[3];
	rl->flags = get_u16(c.p + 4);
	c.p += 6;
	c.len -= 6;
	if (addr_decode(&c, &rl->addr, 0, &w) == -1) {
		if (why != NULL && strcmp(w, "unknown AFI") == 0)
			return msg_fail(why, "record %u: locator %u: unknown "
			    "AFI %u", rec, idx, rl->addr.afi);
		return msg_fail(why, "record %u: locator %u: %s", rec, idx, w);
	}
	*b = c;
	return 0;
}

static int
sig_decode(struct rbuf *b, struct lisp_ref_sig *s)
{
	const uint8_t *p = b->p;

	if (b->len < SIG_FIXED)
		return -1;
	s->orig_ttl = get_u32(p);
	s->expiration = get_u32(p + 4);
	s->inception = get_u32(p + 8);
	s->key_tag = get_u16(p + 12);
	s->sig_len = get_u16(p + 14);
	s->alg = p[16];
	if (b->len - SIG_FIXED < s->sig_len)
		return -1;
	s->sig = p + SIG_FIXED;
	b->p += SIG_FIXED + s->sig_len;
	b->len -= SIG_FIXED + s->sig_len;
	return 0;
}

/* rec is the 1-based record number used in reasons */
static int
record_decode_at(struct rbuf *b, struct lisp_record *r, int referral,
    unsigned rec, const char **why)
{
	struct rbuf c = *b;
	struct lisp_rloc rl;
	struct lisp_ref_sig sg;
	const uint8_t *start;
	const char *w = "";
	uint16_t fl, ver;
	unsigned i;
	int bits;

	if (c.len < REC_MIN)
		return msg_fail(why, "record %u: short record header", rec);
	r->ttl = get_u32(c.p);
	r->nrlocs = c.p[4];
	r->eid_mlen = c.p[5];
	fl = get_u16(c.p + 6);
	ver = get_u16(c.p + 8);
	c.p += 10;
	c.len -= 10;
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
		if (why != NULL && strcmp(w, "unknown AFI") == 0)
			return msg_fail(why, "record %u: eid: unknown AFI %u",
			    rec, r->eid.afi);
		return msg_fail(why, "record %u: eid: %s", rec, w);
	}
	bits = addr_bits(&r->eid);
	if (bits > 0 && r->eid_mlen > bits)
		return msg_fail(why, "record %u: eid mask-len %u exceeds %d",
		    rec, r->eid_mlen, bits);
	if ((size_t)r->nrlocs * RLOC_MIN > c.len)
		return msg_fail(why, "record %u: %s count %u exceeds packet",
		    rec, referral ? "referral" : "locator", r->nrlocs);
	start = c.p;
	for (i = 0; i < r->nrlocs; i++)
		if (rloc_decode_at(&c, &rl, rec, i + 1, why) == -1)
			return -1;
	r->rlocs.p = start;
	r->rlocs.len = (size_t)(c.p - start);
	start = c.p;
	if ((size_t)r->sigcnt * SIG_FIXED > c.len)
		return msg_fail(why, "record %u: signature count %u exceeds packet",
		    rec, r->sigcnt);
	for (i = 0; i < r->sigcnt; i++)
		if (sig_decode(&c, &sg) == -1)
			return msg_fail(why, "record %u: signature %u: "
			    "length exceeds packet", rec, i + 1);
	r->sigs.p = start;
	r->sigs.len = (size_t)(c.p - start);
	*b = c;
	return 0;
}

int
record_decode(struct rbuf *b, struct lisp_record *r, const char **why)
{
	return record_decode_at(b, r, 0, 1, why);
}

int
referral_record_decode(struct rbuf *b, struct lisp_record *r, const char **why)
{
	return record_decode_at(b, r, 1, 1, why);
}

int
records_decode(struct rbuf *b, unsigned n, int referral, struct rbuf *view,
    const char **why)
{
	struct rbuf c = *b;
	struct lisp_record r;
	unsigned i;

	if ((size_t)n * REC_MIN > c.len)
		return msg_fail(why, "record count %u exceeds packet", n);
	for (i = 0; i < n; i++)
		if (record_decode_at(&c, &r, referral, i + 1, why) == -1)
			return -1;
	view->p = b->p;
	view->len = (size_t)(c.p - b->p);
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
rloc_next(struct rbuf *rlocs, struct lisp_rloc *out)
{
	if (rlocs->len == 0)
		return 0;
	return rloc_decode_at(rlocs, out, 1, 1, NULL) == -1 ? -1 : 1;
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
