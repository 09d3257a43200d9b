/* Map-Reply (type 2, RFC 9301 §5.4) */
#include "msg.h"

#define MREP_KEEP	0x0fffff00u	/* word 0 bits 4-23: flags and reserved */

int
map_reply_decode(struct rbuf *b, struct lisp_map_reply *mr,
    struct msg_err *err)
{
	struct rbuf c = *b;
	uint32_t w0;

	if (rbuf_u32(&c, &w0) == -1 || rbuf_u64(&c, &mr->nonce) == -1)
		return msg_err_set(err, "short map-reply header", 0, 0);
	if (LISP_TYPE(w0) != LISP_MAP_REPLY)
		return msg_err_set(err, "not a map-reply (type %u)",
		    LISP_TYPE(w0), 0);
	mr->flags = w0 & MREP_KEEP;
	mr->nrecords = (uint8_t)REC_COUNT(w0);
	/* zero records is valid: an RLOC-probe reply that carries no
	 * mapping (some peers send one), or an answer with nothing in it */
	if (mr->nrecords == 0)
		rbuf_init(&mr->records, c.p, 0);
	else if (records_decode(&c, mr->nrecords, 0, &mr->records, err) == -1)
		return -1;
	/* S: LISP-SEC data follows; kept opaque. otherwise extra octets are
	 * ignored */
	mr->sec = c;
	if (!(mr->flags & MREP_S))
		mr->sec.len = 0;
	rbuf_skip(b, b->len);
	return 0;
}

void
map_reply_encode_hdr(struct wbuf *w, const struct lisp_map_reply *mr)
{
	wbuf_u32(w, (uint32_t)LISP_MAP_REPLY << 28 |
	    (mr->flags & MREP_KEEP) | mr->nrecords);
	wbuf_u64(w, mr->nonce);
}
