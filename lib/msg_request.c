/* Map-Request (type 1, RFC 9301 §5.2, RFC 9437 I bit and N records) */
#include "msg.h"

#define MREQ_KEEP	0x0fffe000u	/* word 0 bits 4-18: flags and reserved */
#define MREQ_IRC(w)	(((w) >> 8) & 0x1f)

static int
mreq_record_decode(struct rbuf *b, struct lisp_eid_prefix *e, unsigned rec,
    const char **why)
{
	struct rbuf c = *b;
	const char *w = "";
	int bits;

	if (c.len < 4)
		return msg_fail(why, "record %u: short request record", rec);
	e->flags = c.p[0];
	e->mlen = c.p[1];
	c.p += 2;
	c.len -= 2;
	if (addr_decode(&c, &e->eid, 0, &w) == -1)
		return msg_fail(why, "record %u: eid: %s", rec, w);
	bits = addr_bits(&e->eid);
	if (bits > 0 && e->mlen > bits)
		return msg_fail(why, "record %u: eid mask-len %u exceeds %d",
		    rec, e->mlen, bits);
	*b = c;
	return 0;
}

int
mreq_record_next(struct rbuf *records, struct lisp_eid_prefix *out)
{
	if (records->len == 0)
		return 0;
	return mreq_record_decode(records, out, 1, NULL) == -1 ? -1 : 1;
}

int
map_request_decode(struct rbuf *b, struct lisp_map_request *mr, const char **why)
{
	struct rbuf c = *b;
	struct lisp_eid_prefix e;
	struct lisp_record r;
	const uint8_t *start;
	const char *w = "";
	uint32_t w0;
	unsigned i;

	if (c.len < 12)
		return msg_fail(why, "short map-request header");
	w0 = get_u32(c.p);
	if (LISP_TYPE(w0) != LISP_MAP_REQUEST)
		return msg_fail(why, "not a map-request (type %u)", LISP_TYPE(w0));
	mr->flags = w0 & MREQ_KEEP;
	mr->nitr = (uint8_t)(MREQ_IRC(w0) + 1);
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	if (mr->nrecords == 0)
		return msg_fail(why, "no records");
	mr->nonce = (uint64_t)get_u32(c.p + 4) << 32 | get_u32(c.p + 8);
	c.p += 12;
	c.len -= 12;

	if (addr_decode(&c, &mr->seid, 0, &w) == -1)
		return msg_fail(why, "source-eid: %s", w);
	if ((size_t)mr->nitr * 2 > c.len)
		return msg_fail(why, "itr-rloc count %u exceeds packet", mr->nitr);
	for (i = 0; i < mr->nitr; i++)
		if (addr_decode(&c, &mr->itr[i], 0, &w) == -1)
			return msg_fail(why, "itr-rloc %u: %s", i + 1, w);

	if ((size_t)mr->nrecords * 4 > c.len)
		return msg_fail(why, "record count %u exceeds packet",
		    mr->nrecords);
	start = c.p;
	for (i = 0; i < mr->nrecords; i++)
		if (mreq_record_decode(&c, &e, i + 1, why) == -1)
			return -1;
	mr->records.p = start;
	mr->records.len = (size_t)(c.p - start);

	mr->has_reply = (mr->flags & MREQ_M) != 0;
	mr->reply.p = c.p;
	mr->reply.len = 0;
	if (mr->has_reply) {
		start = c.p;
		if (c.len < 12)
			return msg_fail(why, "M set but no map-reply record");
		if (record_decode(&c, &r, &w) == -1)
			return msg_fail(why, "map-reply %s", w);
		mr->reply.p = start;
		mr->reply.len = (size_t)(c.p - start);
	}

	mr->has_ids = (mr->flags & MREQ_I) != 0;
	mr->site_id = 0;
	if (mr->has_ids) {
		/* RFC 9437: xTR-ID + Site-ID; lispers.net: xTR-ID only */
		if (c.len != XTR_ID_LEN && c.len != XTR_ID_LEN + 8)
			return msg_fail(why, "I set but %zu octets follow the "
			    "records (want 16 or 24)", c.len);
		memcpy(mr->xtr_id, c.p, XTR_ID_LEN);
		if (c.len == XTR_ID_LEN + 8)
			mr->site_id = (uint64_t)get_u32(c.p + 16) << 32 |
			    get_u32(c.p + 20);
		c.p += c.len;
		c.len = 0;
	}
	/* without I, octets after the records are ignored */
	b->p = c.p + c.len;
	b->len = 0;
	return 0;
}

void
map_request_encode_hdr(struct wbuf *w, const struct lisp_map_request *mr)
{
	uint32_t w0;
	unsigned i;

	if (mr->nitr == 0 || mr->nitr > MREQ_ITR_MAX) {
		w->err = 1;
		return;
	}
	w0 = mr->flags & MREQ_KEEP & ~(MREQ_M | MREQ_I);
	if (mr->has_reply)
		w0 |= MREQ_M;
	if (mr->has_ids)
		w0 |= MREQ_I;
	w0 |= (uint32_t)LISP_MAP_REQUEST << 28 |
	    (uint32_t)(mr->nitr - 1) << 8 | mr->nrecords;
	wbuf_u32(w, w0);
	wbuf_u64(w, mr->nonce);
	addr_encode(w, &mr->seid);
	for (i = 0; i < mr->nitr; i++)
		addr_encode(w, &mr->itr[i]);
}

void
mreq_record_encode(struct wbuf *w, const struct lisp_eid_prefix *e)
{
	wbuf_u8(w, e->flags);
	wbuf_u8(w, e->mlen);
	addr_encode(w, &e->eid);
}

void
map_request_encode_trailer(struct wbuf *w, const struct lisp_map_request *mr)
{
	if (!mr->has_ids)
		return;
	wbuf_bytes(w, mr->xtr_id, XTR_ID_LEN);
	wbuf_u64(w, mr->site_id);
}
