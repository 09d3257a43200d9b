/* one-call builders over the msg_*.c encoders */
#include <string.h>

#include "buf.h"
#include "ddtsig.h"
#include "lcaf.h"
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
	if (b->has_ids) {
		q.flags |= MREQ_I;
		q.has_ids = 1;
		memcpy(q.xtr_id, b->xtr_id, XTR_ID_LEN);
		q.site_id = b->site_id;
	}
	memset(&ep, 0, sizeof(ep));
	ep.flags = b->rec_flags;
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

size_t
map_referral_build(uint8_t *buf, size_t cap, const struct referral_build *b)
{
	struct lisp_map_referral mr;
	struct lisp_record	 rec;
	struct lisp_rloc	 rl;
	struct lcaf_seckey	 k;
	struct wbuf		 w;
	size_t			 at;
	int			 i, n;

	if (b->mlen < 0 || b->mlen > addr_bits(&b->eid) ||
	    (b->rloc_key != NULL && b->rloc_key_len > UINT16_MAX))
		return 0;
	n = b->nrlocs < REFB_RLOC_MAX ? b->nrlocs : REFB_RLOC_MAX;
	memset(&mr, 0, sizeof(mr));
	mr.nonce = b->nonce;
	mr.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = b->ttl;
	rec.nrlocs = (uint8_t)n;
	rec.eid_mlen = (uint8_t)b->mlen;
	rec.act = b->act;
	rec.auth = 1;
	rec.incomplete = b->incomplete != 0;
	rec.eid = b->eid;
	rec.sigcnt = b->sign != NULL;
	wbuf_init(&w, buf, cap);
	map_referral_encode_hdr(&w, &mr);
	at = w.len;
	record_encode(&w, &rec);
	for (i = 0; i < n; i++) {
		memset(&rl, 0, sizeof(rl));
		rl.priority = 1;
		rl.weight = (uint8_t)(100 / n);
		rl.mpriority = 255;
		rl.flags = RLOC_R;
		if (b->rloc_key == NULL) {
			rl.addr = b->rlocs[i];
			rloc_encode(&w, &rl);
			continue;
		}
		/* the fixed part, then the locator inside the key LCAF */
		addr_set_none(&rl.addr);
		rloc_encode(&w, &rl);
		w.len -= 2;	/* AFI 0 */
		memset(&k, 0, sizeof(k));
		k.nkeys = 1;
		k.alg = DDTSIG_RSA_SHA256;
		k.key[0].len = (uint16_t)b->rloc_key_len;
		k.key[0].material = b->rloc_key;
		k.addr = b->rlocs[i];
		lcaf_seckey_encode(&w, &k);
	}
	if (b->sign != NULL && ddtsig_sign(&w, at, b->sign, b->sign_tag, b->now, b->sig_valid_s) == -1)
		return 0;
	return w.err ? 0 : w.len;
}
