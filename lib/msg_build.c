/* one-call builders over the msg_*.c encoders */
#include <string.h>

#include "buf.h"
#include "msg_build.h"

#define MREQ_INNER_MAX	512	/* an ECM'd Map-Request, before the ECM */

static size_t
mreq_encode(uint8_t *buf, size_t cap, const struct mreq_build *b)
{
	struct lisp_map_request q;
	struct lisp_eid_prefix ep;
	struct wbuf w;
	int i;

	memset(&q, 0, sizeof(q));
	q.flags = b->flags;
	q.nonce = b->nonce;
	q.seid = b->seid;
	for (i = 0; i < b->nitr && q.nitr < MREQ_ITR_MAX; i++)
		q.itr[q.nitr++] = b->itr[i];
	q.nrecords = 1;
	memset(&ep, 0, sizeof(ep));
	ep.mlen = (uint8_t)b->mlen;
	ep.eid = b->eid;
	wbuf_init(&w, buf, cap);
	map_request_encode_hdr(&w, &q);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &q);
	return w.err ? 0 : w.len;
}

size_t
map_request_build(uint8_t *buf, size_t cap, const struct mreq_build *b)
{
	uint8_t inner[MREQ_INNER_MAX];
	struct wbuf w;
	size_t len;

	if (!b->ecm)
		return mreq_encode(buf, cap, b);
	if ((len = mreq_encode(inner, sizeof(inner), b)) == 0)
		return 0;
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, 0, &b->isrc, &b->idst, b->sport, LISP_CONTROL_PORT,
	    inner, len);
	return w.err ? 0 : w.len;
}
