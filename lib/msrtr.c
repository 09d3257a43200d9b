/* MS-RTR authentication data: see msrtr.h */
#include <openssl/crypto.h>

#include <string.h>

#include "auth.h"
#include "lispsec.h"
#include "msrtr.h"

int
msrtr_ad_decode(const struct rbuf *sec, struct msrtr_ad *ad, const char **why)
{
	struct rbuf	 c = *sec;
	uint8_t		 type;
	uint16_t	 kid, alen;

	memset(ad, 0, sizeof(*ad));
	if (rbuf_u8(&c, &type) == -1 || rbuf_skip(&c, 3) == -1 ||
	    rbuf_u16(&c, &kid) == -1 || rbuf_u16(&c, &alen) == -1) {
		*why = "short ms-rtr auth data";
		return -1;
	}
	if (type != MSRTR_AD_TYPE) {
		*why = "not ms-rtr auth data";
		return -1;
	}
	if (rbuf_sub(&c, alen, &ad->auth) == -1) {
		*why = "ms-rtr auth length beyond the data";
		return -1;
	}
	ad->key_id = (uint8_t)(kid >> 8);
	ad->alg = (uint8_t)kid;
	return 0;
}

size_t
msrtr_ad_build(uint8_t *out, size_t cap, uint8_t key_id, uint8_t alg,
    const void *key, size_t keylen, const uint8_t *msg, size_t len)
{
	struct wbuf	 w;
	int		 alen = auth_len(alg);
	uint8_t		*mac;

	if (alen <= 0)
		return 0;
	wbuf_init(&w, out, cap);
	wbuf_u32(&w, (uint32_t)MSRTR_AD_TYPE << 24);
	wbuf_u16(&w, (uint16_t)(key_id << 8 | alg));
	wbuf_u16(&w, (uint16_t)alen);
	mac = wbuf_reserve(&w, (size_t)alen);
	if (w.err || mac == NULL ||
	    auth_mac(alg, key, keylen, msg, len, (size_t)alen, mac) == -1)
		return 0;
	return w.len;
}

size_t
msrtr_ecm_sign(uint8_t *buf, size_t len, size_t cap, uint8_t key_id, uint8_t alg,
    const void *key, size_t keylen, const uint8_t *msg, size_t msglen)
{
	uint8_t	ad[MSRTR_AD_HDR + AUTH_MAX_LEN];
	size_t	adlen;

	/* the MAC is made before the insertion moves msg */
	if ((adlen = msrtr_ad_build(ad, sizeof(ad), key_id, alg, key, keylen,
	    msg, msglen)) == 0)
		return 0;
	return ls_ecm_insert_ad(buf, len, cap, ad, adlen);
}

int
msrtr_ad_verify(const struct msrtr_ad *ad, uint8_t key_id, uint8_t alg,
    const void *key, size_t keylen, const uint8_t *msg, size_t len)
{
	uint8_t	 mac[AUTH_MAX_LEN];
	int	 ok;

	if (ad->key_id != key_id || ad->alg != alg || ad->auth.len == 0 ||
	    ad->auth.len > AUTH_MAX_LEN)
		return 0;
	if (auth_mac(alg, key, keylen, msg, len, ad->auth.len, mac) == -1)
		return 0;
	ok = CRYPTO_memcmp(mac, ad->auth.p, ad->auth.len) == 0;
	OPENSSL_cleanse(mac, sizeof(mac));
	return ok;
}
