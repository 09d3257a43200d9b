/* Map-Register (3), Map-Notify (4) and Map-Notify-Ack (5), RFC 9301 §5.6,
 * §5.7; I/R Map-Notify bits from the NAT-traversal draft */
#include "msg.h"

#define MREG_KEEP	0x0fffff00u	/* word 0 bits 4-23: flags and reserved */
#define MREG_FIXED	16
#define IDS_LEN		(XTR_ID_LEN + 8)

int
map_register_decode(struct rbuf *b, struct lisp_map_register *mr,
    struct msg_err *err)
{
	struct rbuf c = *b;
	uint32_t w0;
	unsigned type;
	int ids;

	mr->msg = *b;
	if (rbuf_u32(&c, &w0) == -1 || rbuf_u64(&c, &mr->nonce) == -1 ||
	    rbuf_u8(&c, &mr->key_id) == -1 || rbuf_u8(&c, &mr->alg_id) == -1 ||
	    rbuf_u16(&c, &mr->auth_len) == -1)
		return msg_err_set(err, "short header", 0, 0);
	type = LISP_TYPE(w0);
	if (type != LISP_MAP_REGISTER && type != LISP_MAP_NOTIFY &&
	    type != LISP_MAP_NOTIFY_ACK)
		return msg_err_set(err, "not a map-register/notify (type %u)",
		    type, 0);
	mr->type = (uint8_t)type;
	mr->flags = w0 & MREG_KEEP;
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	if (mr->nrecords == 0 && type == LISP_MAP_REGISTER)
		return msg_err_set(err, "no records", 0, 0);
	mr->auth = c.p;
	mr->auth_off = MREG_FIXED;
	if (rbuf_skip(&c, mr->auth_len) == -1)
		return msg_err_set(err, "auth length %u exceeds packet",
		    mr->auth_len, 0);

	if (records_decode(&c, mr->nrecords, 0, &mr->records, err) == -1)
		return -1;

	if (type == LISP_MAP_REGISTER)
		ids = (mr->flags & MREG_I) != 0;
	else
		ids = (mr->flags & MNOT_I) != 0 || c.len == IDS_LEN;
	mr->has_ids = (uint8_t)ids;
	mr->site_id = 0;
	if (ids) {
		if (c.len < IDS_LEN)
			return msg_err_set(err, "I set but only %u octets for "
			    "xTR-ID and Site-ID", (unsigned)c.len, 0);
		rbuf_bytes(&c, mr->xtr_id, XTR_ID_LEN);
		rbuf_u64(&c, &mr->site_id);
	}
	/* e.g. MS-RTR auth data, or the records of a lispers.net
	 * Map-Notify-Ack that says Record Count 0 */
	mr->trailing = c.len;
	rbuf_skip(b, b->len);
	return 0;
}

void
map_register_encode_hdr(struct wbuf *w, const struct lisp_map_register *mr)
{
	uint32_t w0;

	w0 = mr->flags & MREG_KEEP;
	if (mr->type == LISP_MAP_REGISTER) {
		w0 &= ~MREG_I;
		if (mr->has_ids)
			w0 |= MREG_I;
	} else if (!mr->has_ids)
		w0 &= ~MNOT_I;
	w0 |= (uint32_t)(mr->type & 0xf) << 28 | mr->nrecords;
	wbuf_u32(w, w0);
	wbuf_u64(w, mr->nonce);
	wbuf_u8(w, mr->key_id);
	wbuf_u8(w, mr->alg_id);
	wbuf_u16(w, mr->auth_len);
	wbuf_zero(w, mr->auth_len);
}

void
map_register_encode_trailer(struct wbuf *w, const struct lisp_map_register *mr)
{
	if (!mr->has_ids)
		return;
	wbuf_bytes(w, mr->xtr_id, XTR_ID_LEN);
	wbuf_u64(w, mr->site_id);
}
