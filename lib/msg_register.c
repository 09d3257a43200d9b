/* Map-Register (3), Map-Notify (4) and Map-Notify-Ack (5), RFC 9301 §5.6,
 * §5.7; I/R Map-Notify bits from the NAT-traversal draft */
#include "msg.h"

#define MREG_KEEP	0x0fffff00u	/* word 0 bits 4-23: flags and reserved */
#define MREG_FIXED	16
#define IDS_LEN		(XTR_ID_LEN + 8)

int
map_register_decode(struct rbuf *b, struct lisp_map_register *mr,
    const char **why)
{
	struct rbuf c = *b;
	uint32_t w0;
	unsigned type;
	int ids;

	if (c.len < MREG_FIXED)
		return msg_fail(why, "short header");
	w0 = get_u32(c.p);
	type = LISP_TYPE(w0);
	if (type != LISP_MAP_REGISTER && type != LISP_MAP_NOTIFY &&
	    type != LISP_MAP_NOTIFY_ACK)
		return msg_fail(why, "not a map-register/notify (type %u)", type);
	mr->type = (uint8_t)type;
	mr->flags = w0 & MREG_KEEP;
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	if (mr->nrecords == 0 && type == LISP_MAP_REGISTER)
		return msg_fail(why, "no records");
	mr->nonce = (uint64_t)get_u32(c.p + 4) << 32 | get_u32(c.p + 8);
	mr->key_id = c.p[12];
	mr->alg_id = c.p[13];
	mr->auth_len = get_u16(c.p + 14);
	mr->msg.p = c.p;
	mr->msg.len = c.len;
	c.p += MREG_FIXED;
	c.len -= MREG_FIXED;
	if (mr->auth_len > c.len)
		return msg_fail(why, "auth length %u exceeds packet",
		    mr->auth_len);
	mr->auth = c.p;
	mr->auth_off = MREG_FIXED;
	c.p += mr->auth_len;
	c.len -= mr->auth_len;

	if (records_decode(&c, mr->nrecords, 0, &mr->records, why) == -1)
		return -1;

	if (type == LISP_MAP_REGISTER)
		ids = (mr->flags & MREG_I) != 0;
	else
		ids = (mr->flags & MNOT_I) != 0 || c.len == IDS_LEN;
	mr->has_ids = (uint8_t)ids;
	mr->site_id = 0;
	if (ids) {
		if (c.len < IDS_LEN)
			return msg_fail(why, "I set but only %zu octets for "
			    "xTR-ID and Site-ID", c.len);
		memcpy(mr->xtr_id, c.p, XTR_ID_LEN);
		mr->site_id = (uint64_t)get_u32(c.p + 16) << 32 |
		    get_u32(c.p + 20);
		c.p += IDS_LEN;
		c.len -= IDS_LEN;
	}
	/* e.g. MS-RTR auth data, or the records of a lispers.net
	 * Map-Notify-Ack that says Record Count 0 */
	mr->trailing = c.len;
	b->p = c.p + c.len;
	b->len = 0;
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
