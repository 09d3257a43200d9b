/* Info-Request / Info-Reply (type 7, draft-ermagan-lisp-nat-traversal).
 * a request ends with AFI 0; lispers.net sends nothing or a hostname (AFI
 * 17) there instead, both accepted. a reply ends with a NAT-Traversal
 * LCAF. */
#include <stdint.h>
#include <string.h>

#include "addr.h"
#include "buf.h"
#include "lcaf.h"
#include "msg.h"

#define INFO_AUTH_OFF	16

int
info_decode(struct rbuf *b, struct lisp_info *info, struct msg_err *err)
{
	struct rbuf	 c = *b;
	struct lcaf_nat	 nat;
	const char	*w = "";
	uint32_t	 w0;
	uint8_t		 rsvd;

	memset(info, 0, sizeof(*info));
	info->msg = *b;
	if (rbuf_u32(&c, &w0) == -1 || rbuf_u64(&c, &info->nonce) == -1 ||
	    rbuf_u16(&c, &info->key_id) == -1 ||
	    rbuf_u16(&c, &info->auth_len) == -1)
		return msg_err_set(err, "short info header", 0, 0);
	if (LISP_TYPE(w0) != LISP_INFO)
		return msg_err_set(err, "not an info message", 0, 0);
	info->reply = (w0 & INFO_R) != 0;
	info->auth = c.p;
	info->auth_off = INFO_AUTH_OFF;
	if (rbuf_skip(&c, info->auth_len) == -1)
		return msg_err_set(err, "auth length beyond message", 0, 0);
	if (rbuf_u32(&c, &info->ttl) == -1 || rbuf_u8(&c, &rsvd) == -1 ||
	    rbuf_u8(&c, &info->eid_mlen) == -1)
		return msg_err_set(err, "short info body", 0, 0);
	if (addr_decode(&c, &info->eid, 0, &w) == -1)
		return msg_err_set(err, w, 0, 0);
	if (addr_bits(&info->eid) > 0 && info->eid_mlen > addr_bits(&info->eid))
		return msg_err_set(err, "eid mask-len too long", 0, 0);

	addr_set_none(&info->nat);
	if (!info->reply) {
		if (c.len > 0) {
			if (addr_decode(&c, &info->nat, 0, &w) == -1)
				return msg_err_set(err, w, 0, 0);
			if (info->nat.has_iid || (info->nat.afi != AFI_NONE &&
			    info->nat.afi != AFI_DN))
				return msg_err_set(err, "info-request: unexpected address after eid",
				    0, 0);
		}
	} else {
		if (addr_decode(&c, &info->nat, 0, &w) == -1)
			return msg_err_set(err, w, 0, 0);
		if (info->nat.afi != AFI_LCAF || info->nat.lcaf_type != LCAF_NAT ||
		    lcaf_nat_decode(&info->nat, &nat) == -1)
			return msg_err_set(err, "info-reply without nat-traversal lcaf",
			    0, 0);
	}
	*b = c;
	return 0;
}

/* writes the auth data given (or zeros when info->auth is NULL) for
 * auth_sign to fill in at auth_off 16. a request carries info->nat when it
 * is a hostname (AFI 17), else AFI 0. */
void
info_encode(struct wbuf *w, const struct lisp_info *info)
{
	wbuf_u32(w, (uint32_t)LISP_INFO << 28 | (info->reply ? INFO_R : 0));
	wbuf_u64(w, info->nonce);
	wbuf_u16(w, info->key_id);
	wbuf_u16(w, info->auth_len);
	if (info->auth != NULL)
		wbuf_bytes(w, info->auth, info->auth_len);
	else
		wbuf_zero(w, info->auth_len);
	wbuf_u32(w, info->ttl);
	wbuf_u8(w, 0);
	wbuf_u8(w, info->eid_mlen);
	addr_encode(w, &info->eid);
	if (info->reply || info->nat.afi == AFI_DN)
		addr_encode(w, &info->nat);
	else
		wbuf_u16(w, AFI_NONE);
}
