/* libFuzzer target: LISP-SEC authentication data (lib/lispsec.c). the
 * first octet picks the decoder: even, an ECM AD; odd, a Map-Reply whose
 * AD follows its records. an accepted AD is checked for what the
 * decoders promise (views inside the input, HMAC where it says) */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lispsec.h"
#include "msg.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

/* the crypto context the daemon uses, made once */
static struct ls_crypto *
ctx(void)
{
	static struct ls_crypto *cr;

	if (cr == NULL && (cr = ls_crypto_new()) == NULL)
		abort();
	return cr;
}

static void
check_eid(const struct ls_eid_ad *ea, const uint8_t *p, size_t n)
{
	uint8_t key[LS_OTK_LEN] = { 0 };
	struct lisp_addr out;
	int i, len;

	if (ea->raw.p < p || ea->raw.p + ea->raw.len > p + n)
		abort();
	if (ea->signed_ && (ea->hmac_off + ea->hmac_len != ea->raw.len ||
	    ea->nrecords == 0 || ea->nrecords > LS_EID_MAX))
		abort();
	/* both paths of the HMAC agree */
	if (ls_eid_ad_verify(NULL, ea, key) != ls_eid_ad_verify(ctx(), ea, key))
		abort();
	for (i = 0; i < ea->nrecords; i++)
		(void)ls_eid_ad_clip(ea, &ea->pfx[i].eid, ea->pfx[i].mlen, &out, &len);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t key[LS_OTK_LEN] = { 0 }, otk[LS_OTK_LEN];
	struct ls_ecm_ad ad;
	struct ls_reply_ad rad;
	struct lisp_map_reply mr;
	struct rbuf b, msg;

	if (size < 1)
		return 0;
	if ((data[0] & 1) == 0) {
		rbuf_init(&b, data + 1, size - 1);
		if (ls_ecm_ad_decode(&b, &ad, NULL) == 0) {
			check_eid(&ad.eid, data + 1, size - 1);
			if (ls_otk_unwrap(NULL, "k", 1, 1, ad.otk, otk) !=
			    ls_otk_unwrap(ctx(), "k", 1, 1, ad.otk, otk))
				abort();
		}
		return 0;
	}
	rbuf_init(&b, data + 1, size - 1);
	if (map_reply_decode(&b, &mr, NULL) == -1 || !(mr.flags & MREP_S))
		return 0;
	rbuf_init(&msg, data + 1, size - 1);
	if (ls_reply_ad_decode(&msg, &mr.sec, &rad, NULL) == 0) {
		check_eid(&rad.eid, data + 1, size - 1);
		if (rad.pkt_hmac_off + rad.pkt_hmac_len != size - 1)
			abort();
		if (ls_pkt_ad_verify(NULL, &msg, &rad, key) !=
		    ls_pkt_ad_verify(ctx(), &msg, &rad, key))
			abort();
	}
	return 0;
}
