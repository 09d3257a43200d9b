/* RFC 9300 §5.3 data-plane header, with the LISP-GPE next protocol
 * (RFC 9305) when P is set. every bit of the flags octet is kept. */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "msg.h"

static int
fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return -1;
}

int
data_hdr_decode(struct rbuf *b, struct lisp_data_hdr *h, const char **why)
{
	uint32_t w0, w1;

	memset(h, 0, sizeof(*h));
	if (b->len < LISP_DATA_HDR_LEN)
		return fail(why, "short lisp data header");
	rbuf_u32(b, &w0);
	rbuf_u32(b, &w1);
	h->flags = (uint8_t)(w0 >> 24);
	if (h->flags & LD_N)		/* N wins over V */
		h->nonce = w0 & 0xffffff;
	else if (h->flags & LD_V) {
		h->src_version = (w0 >> 12) & 0xfff;
		h->dst_version = w0 & 0xfff;
	}
	if (h->flags & LD_P)
		h->next_proto = (uint8_t)w0;
	if (h->flags & LD_I) {
		h->iid = w1 >> 8;
		h->lsb = w1 & 0xff;
	} else
		h->lsb = w1;
	return 0;
}

void
data_hdr_encode(struct wbuf *w, const struct lisp_data_hdr *h)
{
	uint32_t w0 = 0, w1;

	if (h->flags & LD_N)
		w0 = h->nonce & 0xffffff;
	else if (h->flags & LD_V)
		w0 = (uint32_t)(h->src_version & 0xfff) << 12 |
		    (h->dst_version & 0xfff);
	if (h->flags & LD_P)
		w0 = (w0 & 0xffff00) | h->next_proto;
	w0 |= (uint32_t)h->flags << 24;
	if (h->flags & LD_I)
		w1 = (h->iid & 0xffffff) << 8 | (h->lsb & 0xff);
	else
		w1 = h->lsb;
	wbuf_u32(w, w0);
	wbuf_u32(w, w1);
}
