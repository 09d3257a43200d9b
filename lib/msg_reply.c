/* Map-Reply (type 2, RFC 9301 §5.4) */
#include "msg.h"

#define MREP_KEEP	0x0fffff00u	/* word 0 bits 4-23: flags and reserved */

int
map_reply_decode(struct rbuf *b, struct lisp_map_reply *mr, const char **why)
{
	struct rbuf c = *b;
	uint32_t w0;

	if (c.len < 12)
		return msg_fail(why, "short map-reply header");
	w0 = get_u32(c.p);
	if (LISP_TYPE(w0) != LISP_MAP_REPLY)
		return msg_fail(why, "not a map-reply (type %u)", LISP_TYPE(w0));
	mr->flags = w0 & MREP_KEEP;
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	if (mr->nrecords == 0)
		return msg_fail(why, "no records");
	mr->nonce = (uint64_t)get_u32(c.p + 4) << 32 | get_u32(c.p + 8);
	c.p += 12;
	c.len -= 12;
	if (records_decode(&c, mr->nrecords, 0, &mr->records, why) == -1)
		return -1;
	/* S: LISP-SEC data follows; kept opaque. otherwise extra octets are
	 * ignored */
	mr->sec.p = c.p;
	mr->sec.len = (mr->flags & MREP_S) ? c.len : 0;
	b->p = c.p + c.len;
	b->len = 0;
	return 0;
}

void
map_reply_encode_hdr(struct wbuf *w, const struct lisp_map_reply *mr)
{
	wbuf_u32(w, (uint32_t)LISP_MAP_REPLY << 28 |
	    (mr->flags & MREP_KEEP) | mr->nrecords);
	wbuf_u64(w, mr->nonce);
}
