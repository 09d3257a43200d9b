/* Map-Referral (RFC 8111 §6.4): header, then referral records walked with
 * referral_record_next (msg_record.c). */
#include <stdint.h>
#include <string.h>

#include "buf.h"
#include "msg.h"

int
map_referral_decode(struct rbuf *b, struct lisp_map_referral *mr,
    struct msg_err *err)
{
	struct rbuf	 c = *b;
	uint32_t	 w0;

	memset(mr, 0, sizeof(*mr));
	if (rbuf_u32(&c, &w0) == -1 || rbuf_u64(&c, &mr->nonce) == -1)
		return msg_err_set(err, "short map-referral header", 0, 0);
	if (LISP_TYPE(w0) != LISP_MAP_REFERRAL)
		return msg_err_set(err, "not a map-referral", 0, 0);
	mr->nrecords = REC_COUNT(w0);
	if (mr->nrecords == 0)
		return msg_err_set(err, "no records", 0, 0);

	/* validate every record, its referral set and signatures now so the
	 * iterators cannot fail later */
	if (records_decode(&c, mr->nrecords, 1, &mr->records, err) == -1)
		return -1;
	*b = c;
	return 0;
}

void
map_referral_encode_hdr(struct wbuf *w, const struct lisp_map_referral *mr)
{
	wbuf_u32(w, (uint32_t)LISP_MAP_REFERRAL << 28 | mr->nrecords);
	wbuf_u64(w, mr->nonce);
}
