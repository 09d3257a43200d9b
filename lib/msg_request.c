/* Map-Request (type 1, RFC 9301 §5.2, RFC 9437 I bit and N records) */
#include "msg.h"

#define MREQ_KEEP	0x0fffe000u	/* word 0 bits 4-18: flags and reserved */
#define MREQ_IRC(w)	(((w) >> 8) & 0x1f)

static int
mreq_record_decode(struct rbuf *b, struct lisp_eid_prefix *e, unsigned rec,
    struct msg_err *err)
{
	struct rbuf c = *b;
	const char *w = "";
	int bits;

	if (c.len < 4)
		msg_err_set(err, "short request record", 0, 0);
	else {
		rbuf_u8(&c, &e->flags);
		rbuf_u8(&c, &e->mlen);
		if (addr_decode(&c, &e->eid, 0, &w) == -1) {
			msg_err_set(err, w, 0, 0);
			if (err != NULL)
				err->part = "eid";
		} else if ((bits = addr_bits(&e->eid)) > 0 && e->mlen > bits)
			msg_err_set(err, "eid mask-len %u exceeds %u", e->mlen,
			    (unsigned)bits);
		else {
			*b = c;
			return 0;
		}
	}
	if (err != NULL)
		err->rec = rec;
	return -1;
}

int
mreq_record_next(struct rbuf *records, struct lisp_eid_prefix *out)
{
	if (records->len == 0)
		return 0;
	return mreq_record_decode(records, out, 1, NULL) == -1 ? -1 : 1;
}

/* an address of the header that did not decode */
static int
addr_fail(struct msg_err *err, const char *w, const char *part, unsigned idx)
{
	msg_err_set(err, w, 0, 0);
	if (err != NULL) {
		err->part = part;
		err->part_idx = idx;
	}
	return -1;
}

int
map_request_decode(struct rbuf *b, struct lisp_map_request *mr,
    struct msg_err *err)
{
	struct rbuf c = *b;
	struct lisp_eid_prefix e;
	struct lisp_record r;
	const char *w = "";
	uint32_t w0;
	unsigned i;

	if (rbuf_u32(&c, &w0) == -1 || rbuf_u64(&c, &mr->nonce) == -1)
		return msg_err_set(err, "short map-request header", 0, 0);
	if (LISP_TYPE(w0) != LISP_MAP_REQUEST)
		return msg_err_set(err, "not a map-request (type %u)",
		    LISP_TYPE(w0), 0);
	mr->flags = w0 & MREQ_KEEP;
	mr->nitr = (uint8_t)(MREQ_IRC(w0) + 1);
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	if (mr->nrecords == 0)
		return msg_err_set(err, "no records", 0, 0);

	if (addr_decode(&c, &mr->seid, 0, &w) == -1)
		return addr_fail(err, w, "source-eid", 0);
	if ((size_t)mr->nitr * 2 > c.len)
		return msg_err_set(err, "itr-rloc count %u exceeds packet",
		    mr->nitr, 0);
	for (i = 0; i < mr->nitr; i++)
		if (addr_decode(&c, &mr->itr[i], 0, &w) == -1)
			return addr_fail(err, w, "itr-rloc", i + 1);

	if ((size_t)mr->nrecords * 4 > c.len)
		return msg_err_set(err, "record count %u exceeds packet",
		    mr->nrecords, 0);
	mr->records = c;
	for (i = 0; i < mr->nrecords; i++)
		if (mreq_record_decode(&c, &e, i + 1, err) == -1)
			return -1;
	mr->records.len -= c.len;

	mr->has_reply = (mr->flags & MREQ_M) != 0;
	mr->reply = c;
	mr->reply.len = 0;
	if (mr->has_reply) {
		if (c.len < 12)
			return msg_err_set(err, "M set but no map-reply record",
			    0, 0);
		mr->reply = c;
		if (record_decode(&c, &r, err) == -1) {
			if (err != NULL)
				err->within = "map-reply";
			return -1;
		}
		mr->reply.len -= c.len;
	}

	mr->has_ids = (mr->flags & MREQ_I) != 0;
	mr->site_id = 0;
	if (mr->has_ids) {
		/* RFC 9437: xTR-ID + Site-ID; lispers.net: xTR-ID only */
		if (c.len != XTR_ID_LEN && c.len != XTR_ID_LEN + 8)
			return msg_err_set(err, "I set but %u octets follow the "
			    "records (want 16 or 24)", (unsigned)c.len, 0);
		rbuf_bytes(&c, mr->xtr_id, XTR_ID_LEN);
		if (c.len > 0)
			rbuf_u64(&c, &mr->site_id);
	}
	/* without I, octets after the records are ignored */
	rbuf_skip(b, b->len);
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
