/* LISP-SEC (RFC 9303): key wrap against RFC 3394, HKDF against RFC 5869,
 * the Map-Server's interleaved signing and derivation against both and
 * EVP_MAC, the ITR -> MS -> ETR -> ITR chain of keys and HMACs, every tampered
 * field refused, and the record clip of RFC 9303 §6.9.1 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <cmocka.h>

#include "lispsec.h"
#include "msg.h"
#include "testlib.h"
#include "hmac_ref.h"

/* RFC 3394 §4.1: 128 bits of key data with a 128-bit KEK */
static void
test_aes_kw_rfc3394(void **state)
{
	uint8_t kek[16], key[16], out[24], back[16];

	tl_unhex("000102030405060708090A0B0C0D0E0F", kek, sizeof(kek));
	tl_unhex("00112233445566778899AABBCCDDEEFF", key, sizeof(key));
	assert_int_equal(ls_aes_kw(NULL, 1, kek, key, 16, out, 24), 0);
	tl_assert_hex(out, 24, "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5");
	assert_int_equal(ls_aes_kw(NULL, 0, kek, out, 24, back, 16), 0);
	assert_memory_equal(back, key, 16);
	/* a changed bit fails the IV check */
	out[5] ^= 1;
	assert_int_equal(ls_aes_kw(NULL, 0, kek, out, 24, back, 16), -1);
	/* the same through a crypto context, reused */
	{
		struct ls_crypto *cr = ls_crypto_new();

		assert_non_null(cr);
		assert_int_equal(ls_aes_kw(cr, 0, kek, out, 24, back, 16), -1);
		assert_int_equal(ls_aes_kw(cr, 1, kek, key, 16, out, 24), 0);
		tl_assert_hex(out, 24, "1FA68B0A8112B447 AEF34BD8FB5A7B82 9D3E862371D2CFE5");
		assert_int_equal(ls_aes_kw(cr, 0, kek, out, 24, back, 16), 0);
		assert_memory_equal(back, key, 16);
		/* the context's wrap (RFC 3394 over AES-128-ECB) and OpenSSL's
		 * AES-128-WRAP agree on other keys and lengths, both ways */
		{
			uint8_t in[32], a[40], b[40], k2[16], c[32];
			size_t n;
			int i;

			for (i = 0; i < 8; i++) {
				n = 16 + 8 * (size_t)(i % 3);
				memset(k2, 0x11 * i, sizeof(k2));
				memset(in, 0xa5 ^ i, sizeof(in));
				assert_int_equal(ls_aes_kw(NULL, 1, k2, in, n, a, n + 8), 0);
				assert_int_equal(ls_aes_kw(cr, 1, k2, in, n, b, n + 8), 0);
				assert_memory_equal(a, b, n + 8);
				assert_int_equal(ls_aes_kw(cr, 0, k2, a, n + 8, c, n), 0);
				assert_memory_equal(c, in, n);
			}
			/* lengths RFC 3394 has no wrap for, or a wrong output size */
			assert_int_equal(ls_aes_kw(cr, 1, kek, key, 8, a, 16), -1);
			assert_int_equal(ls_aes_kw(cr, 1, kek, key, 12, a, 20), -1);
			assert_int_equal(ls_aes_kw(cr, 1, kek, key, 16, a, 16), -1);
			assert_int_equal(ls_aes_kw(cr, 0, kek, out, 24, back, 24), -1);
		}
		ls_crypto_free(cr);
	}
}

/* RFC 5869 A.3 (SHA-256) and A.7 (SHA-1): no salt, no info; the first
 * 16 octets of OKM */
static void
test_hkdf_rfc5869(void **state)
{
	uint8_t ikm[22], out[16];

	memset(ikm, 0x0b, sizeof(ikm));
	assert_int_equal(ls_kdf(NULL, LS_KDF_HKDF_SHA256, ikm, sizeof(ikm), out), 0);
	tl_assert_hex(out, 16, "8da4e775a563c18f715f802a063c5a31");
	memset(ikm, 0x0c, sizeof(ikm));
	assert_int_equal(ls_kdf(NULL, LS_KDF_HKDF_SHA1_128, ikm, sizeof(ikm), out), 0);
	tl_assert_hex(out, 16, "2c91117204d745f3500d636a62f64f0a");
	assert_int_equal(ls_kdf(NULL, LS_KDF_NOPREF, ikm, sizeof(ikm), out), -1);
	/* a context gives the same, call after call */
	{
		struct ls_crypto *cr = ls_crypto_new();
		int i;

		for (i = 0; i < 3; i++) {
			memset(ikm, 0x0b, sizeof(ikm));
			assert_int_equal(ls_kdf(cr, LS_KDF_HKDF_SHA256, ikm, sizeof(ikm), out), 0);
			tl_assert_hex(out, 16, "8da4e775a563c18f715f802a063c5a31");
			memset(ikm, 0x0c, sizeof(ikm));
			assert_int_equal(ls_kdf(cr, LS_KDF_HKDF_SHA1_128, ikm, sizeof(ikm), out), 0);
			tl_assert_hex(out, 16, "2c91117204d745f3500d636a62f64f0a");
		}
		ls_crypto_free(cr);
	}
	assert_int_equal(ls_kdf(NULL, 7, ikm, sizeof(ikm), out), -1);
}

static void
test_otk_wrap(void **state)
{
	uint8_t otk[16], w[24], back[16];
	const char *psk = "itr-mr-key";

	assert_int_equal(ls_otk_new(otk), 0);
	assert_int_equal(ls_otk_wrap(NULL, psk, strlen(psk), 0x0102030405060708ULL, otk, w), 0);
	assert_int_equal(ls_otk_unwrap(NULL, psk, strlen(psk), 0x0102030405060708ULL, w, back), 0);
	assert_memory_equal(back, otk, 16);
	/* the nonce and the PSK are part of the key */
	assert_int_equal(ls_otk_unwrap(NULL, psk, strlen(psk), 0x0102030405060709ULL, w, back), -1);
	assert_int_equal(ls_otk_unwrap(NULL, "other", 5, 0x0102030405060708ULL, w, back), -1);
}

static void
pfx(struct ls_prefix *p, const char *s)
{
	int mlen;

	assert_int_equal(prefix_parse(s, &p->eid, &mlen), 0);
	p->mlen = (uint8_t)mlen;
}

/* an ECM with the ITR's AD around a stand-in inner packet */
static size_t
itr_ecm(uint8_t *buf, size_t cap, const uint8_t otk[16], uint64_t nonce,
    const char *psk)
{
	uint8_t ad[64], wrapped[24];
	struct wbuf w;
	size_t len = 8;

	memset(buf, 0, cap);
	put_u32(buf, (uint32_t)LISP_ECM << 28);
	memcpy(buf + 4, "\x45\x00\x00\x00", 4);
	assert_int_equal(ls_otk_wrap(NULL, psk, strlen(psk), nonce, otk, wrapped), 0);
	wbuf_init(&w, ad, sizeof(ad));
	ls_ecm_ad_encode_itr(&w, LS_HMAC_SHA256_128, 3, LS_WRAP_AES_HKDF_SHA256,
	    wrapped, LS_KDF_HKDF_SHA256);
	assert_false(w.err);
	assert_int_equal(w.len, 4 + 28 + 4);
	return ls_ecm_insert_ad(buf, len, cap, ad, w.len);
}

/* HMAC through a context equals the one-shot (auth.c) one */
static void
test_hmac_ctx(void **state)
{
	struct ls_crypto *cr = ls_crypto_new();
	uint8_t key[16], msg[77], a[16], b[16];
	unsigned id;

	memset(key, 0x5a, sizeof(key));
	memset(msg, 0x33, sizeof(msg));
	for (id = LS_HMAC_SHA1_96; id <= LS_HMAC_SHA256_128; id++) {
		assert_int_equal(ls_hmac(NULL, id, key, msg, sizeof(msg), 40, a), 0);
		assert_int_equal(ls_hmac(cr, id, key, msg, sizeof(msg), 40, b), 0);
		assert_memory_equal(a, b, (size_t)ls_hmac_len(id));
	}
	assert_int_equal(ls_hmac(cr, 3, key, msg, sizeof(msg), 40, b), -1);
	assert_int_equal(ls_hmac(cr, 2, key, msg, sizeof(msg), 70, b), -1);
	ls_crypto_free(cr);
}

/* ITR -> MS -> ETR -> ITR, then each field of the answer changed */
static void
test_chain(void **state)
{
	const char *mr_psk = "itr-mr-key", *site_psk = "site-key";
	uint64_t nonce = 0x1122334455667788ULL;
	uint8_t itr_otk[16], otk[16], ms_otk[16], etr_otk[16], wrapped[24];
	uint8_t ecm[256], fwd[256], eidad[128], rep[512];
	struct ls_prefix p[2];
	struct ls_ecm_ad ad, ad2;
	struct ls_reply_ad rad;
	struct lisp_map_reply mr;
	struct msg_err err;
	struct rbuf sec, msg;
	struct wbuf w;
	size_t n, elen, rlen, i;
	struct lisp_map_reply hdr;
	struct lisp_record rec;

	/* ITR */
	assert_int_equal(ls_otk_new(itr_otk), 0);
	n = itr_ecm(ecm, sizeof(ecm), itr_otk, nonce, mr_psk);
	assert_int_equal(n, 8 + 36);
	assert_true(get_u32(ecm) & ECM_S);

	/* MS: unwrap, derive, sign the EID-AD, wrap the MS-OTK for the ETR */
	rbuf_init(&sec, ecm + 4, 36);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), 0);
	assert_int_equal(ad.req_hmac_id, LS_HMAC_SHA256_128);
	assert_int_equal(ad.key_id, 3);
	assert_int_equal(ad.wrap_id, LS_WRAP_AES_HKDF_SHA256);
	assert_int_equal(ad.eid.kdf_id, LS_KDF_HKDF_SHA256);
	assert_false(ad.eid.signed_);
	assert_int_equal(ls_otk_unwrap(NULL, mr_psk, strlen(mr_psk), nonce, ad.otk, otk), 0);
	assert_memory_equal(otk, itr_otk, 16);
	assert_int_equal(ls_kdf(NULL, ad.eid.kdf_id, otk, 16, ms_otk), 0);
	pfx(&p[0], "198.18.2.0/24");
	pfx(&p[1], "2001:db8:2::/48");
	wbuf_init(&w, eidad, sizeof(eidad));
	elen = ls_eid_ad_encode(NULL, &w, LS_KDF_HKDF_SHA256, 1, LS_HMAC_SHA256_128, p, 2, otk);
	assert_int_equal(elen, 8 + (2 + 2 + 4) + (2 + 2 + 16) + 16);
	assert_int_equal(ls_otk_wrap(NULL, site_psk, strlen(site_psk), nonce, ms_otk, wrapped), 0);
	wbuf_init(&w, fwd, sizeof(fwd));
	ls_ecm_ad_encode(&w, ad.req_hmac_id, 1, LS_WRAP_AES_HKDF_SHA256, wrapped, eidad, elen);
	assert_false(w.err);

	/* ETR: decode, unwrap with the site key, sign the Map-Reply */
	rbuf_init(&sec, fwd, w.len);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad2, &err), 0);
	assert_true(ad2.eid.signed_);
	assert_int_equal(ad2.eid.nrecords, 2);
	assert_int_equal(ad2.eid.e, 1);
	assert_int_equal(ad2.eid.pfx[1].mlen, 48);
	assert_int_equal(ls_otk_unwrap(NULL, site_psk, strlen(site_psk), nonce, ad2.otk, etr_otk), 0);
	assert_memory_equal(etr_otk, ms_otk, 16);
	memset(&hdr, 0, sizeof(hdr));
	hdr.flags = MREP_S;
	hdr.nonce = nonce;
	hdr.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = 10;
	rec.eid_mlen = 24;
	rec.act = ACT_NATIVE_FORWARD;
	rec.auth = 1;
	rec.eid = p[0].eid;
	wbuf_init(&w, rep, sizeof(rep));
	map_reply_encode_hdr(&w, &hdr);
	record_encode(&w, &rec);
	ls_reply_ad_encode(NULL, &w, ad2.eid.raw.p, ad2.eid.raw.len, ad2.req_hmac_id, etr_otk);
	assert_false(w.err);
	rlen = w.len;

	/* ITR: decode and verify both HMACs */
	rbuf_init(&msg, rep, rlen);
	assert_int_equal(map_reply_decode(&msg, &mr, &err), 0);
	rbuf_init(&msg, rep, rlen);
	assert_int_equal(ls_reply_ad_decode(&msg, &mr.sec, &rad, &err), 0);
	assert_true(ls_eid_ad_verify(NULL, &rad.eid, itr_otk));
	assert_true(ls_pkt_ad_verify(NULL, &msg, &rad, ms_otk));
	assert_int_equal(rad.pkt_hmac_off + 16, rlen);

	/* any changed octet fails the EID HMAC or the PKT HMAC (or the
	 * decode) */
	for (i = 0; i < rlen; i++) {
		uint8_t t[512];
		struct rbuf m;
		int ok;

		memcpy(t, rep, rlen);
		t[i] ^= 0x01;
		rbuf_init(&m, t, rlen);
		if (map_reply_decode(&m, &mr, &err) == -1 || !(mr.flags & MREP_S))
			continue;
		rbuf_init(&m, t, rlen);
		if (ls_reply_ad_decode(&m, &mr.sec, &rad, &err) == -1)
			continue;
		ok = ls_eid_ad_verify(NULL, &rad.eid, itr_otk) && ls_pkt_ad_verify(NULL, &m, &rad, ms_otk);
		if (ok)
			fail_msg("octet %zu changed and still verified", i);
	}
	/* an ETR keyed with another site's MS-OTK (or none) fails the PKT-AD */
	rbuf_init(&msg, rep, rlen);
	assert_int_equal(map_reply_decode(&msg, &mr, &err), 0);
	rbuf_init(&msg, rep, rlen);
	assert_int_equal(ls_reply_ad_decode(&msg, &mr.sec, &rad, &err), 0);
	assert_false(ls_pkt_ad_verify(NULL, &msg, &rad, itr_otk));
	assert_false(ls_eid_ad_verify(NULL, &rad.eid, ms_otk));
}

static void
test_decode_refusals(void **state)
{
	uint8_t otk[16], ecm[256], t[256];
	struct ls_ecm_ad ad;
	struct msg_err err;
	struct rbuf sec;
	size_t n, i;

	memset(otk, 7, sizeof(otk));
	n = itr_ecm(ecm, sizeof(ecm), otk, 1, "k");
	/* every truncation of the AD is refused */
	for (i = 0; i < 36; i++) {
		rbuf_init(&sec, ecm + 4, i);
		assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), -1);
	}
	memcpy(t, ecm, n);
	t[4] = 2;		/* AD type */
	rbuf_init(&sec, t + 4, 36);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), -1);
	memcpy(t, ecm, n);
	t[9] = 0x19;		/* OTK length 25 */
	rbuf_init(&sec, t + 4, 36);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), -1);
	memcpy(t, ecm, n);
	t[11] = 9;		/* wrap id */
	rbuf_init(&sec, t + 4, 36);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), -1);
	memcpy(t, ecm, n);
	t[37] = 3;		/* EID-AD length 3 */
	rbuf_init(&sec, t + 4, 36);
	assert_int_equal(ls_ecm_ad_decode(&sec, &ad, &err), -1);
	assert_string_equal(err.reason, "eid-ad length %u too small");
}

/* RFC 9303 §6.9.1's example */
static void
test_clip(void **state)
{
	struct ls_eid_ad ea;
	struct lisp_addr a, out;
	int mlen, outlen;
	char s[ADDR_STRLEN];

	memset(&ea, 0, sizeof(ea));
	ea.nrecords = 2;
	pfx(&ea.pfx[0], "2001:db8:103::/48");
	pfx(&ea.pfx[1], "2001:db8:203::/48");
	assert_int_equal(prefix_parse("2001:db8:102::/48", &a, &mlen), 0);
	assert_int_equal(ls_eid_ad_clip(&ea, &a, mlen, &out, &outlen), -1);
	assert_int_equal(prefix_parse("2001:db8:103::/48", &a, &mlen), 0);
	assert_int_equal(ls_eid_ad_clip(&ea, &a, mlen, &out, &outlen), 0);
	assert_int_equal(outlen, 48);
	assert_string_equal(prefix_fmt(&out, outlen, s, sizeof(s)), "2001:db8:103::/48");
	/* an over-claim: the /40 is cut to what the MS vouches for ... */
	assert_int_equal(prefix_parse("2001:db8:200::/40", &a, &mlen), 0);
	assert_int_equal(ls_eid_ad_clip(&ea, &a, mlen, &out, &outlen), 0);
	assert_string_equal(prefix_fmt(&out, outlen, s, sizeof(s)), "2001:db8:203::/48");
	/* ... and 0.0.0.0/0 of another family matches nothing */
	assert_int_equal(prefix_parse("0.0.0.0/0", &a, &mlen), 0);
	assert_int_equal(ls_eid_ad_clip(&ea, &a, mlen, &out, &outlen), -1);
}

/* ls_eid_ad_encode_kdf, interleaved with a context and one after the
 * other without, against the references: the EID HMAC against EVP_MAC
 * over the EID-AD with its HMAC zeroed, the MS-OTK against EVP_KDF
 * (ls_kdf without a context), the wrap against EVP's AES-128-WRAP
 * (ls_otk_wrap without one); both KDFs and HMACs, 1, 3 and 16 prefixes,
 * no wrap, a short PSK and one whose IKM spans blocks */
static void
test_eid_ad_kdf(void **state)
{
	static const char *const pfxs[] = { "198.18.1.0/24", "2001:db8:1::/48",
	    "10.0.0.0/8" };
	struct ls_crypto *cr = ls_crypto_new();
	struct ls_prefix p[LS_EID_MAX];
	struct ls_wrap_to to;
	uint8_t itr[16], a[512], b[512], c[512], msa[16], msb[16], ref[32],
	    wa[24], wb[24], back[16], z[512];
	char psk[201];
	struct wbuf wa_, wb_, wc_;
	size_t la, lb, lc;
	unsigned kdf, hid;
	int i, np, t, hl;

	assert_non_null(cr);
	memset(psk, 'k', sizeof(psk) - 1);
	psk[sizeof(psk) - 1] = '\0';
	for (i = 0; i < LS_EID_MAX; i++)
		pfx(&p[i], pfxs[i % 3]);
	for (i = 0; i < 16; i++)
		itr[i] = (uint8_t)(0xa0 + i);
	for (kdf = LS_KDF_HKDF_SHA1_128; kdf <= LS_KDF_HKDF_SHA256; kdf++)
	for (hid = LS_HMAC_SHA1_96; hid <= LS_HMAC_SHA256_128; hid++)
	for (np = 1; np <= LS_EID_MAX; np = np == 1 ? 3 : np == 3 ? LS_EID_MAX : 99)
	for (t = 0; t < 3; t++) {
		to.psk = psk;
		to.psklen = t == 1 ? 8 : sizeof(psk) - 1;
		to.nonce = 0x0102030405060708ULL + (uint64_t)np;
		hl = ls_hmac_len(hid);
		wbuf_init(&wa_, a, sizeof(a));
		wbuf_init(&wb_, b, sizeof(b));
		wbuf_init(&wc_, c, sizeof(c));
		la = ls_eid_ad_encode_kdf(cr, &wa_, (uint16_t)kdf, np & 1,
		    (uint16_t)hid, p, np, itr, msa, t ? &to : NULL, wa);
		lb = ls_eid_ad_encode_kdf(NULL, &wb_, (uint16_t)kdf, np & 1,
		    (uint16_t)hid, p, np, itr, msb, t ? &to : NULL, wb);
		lc = ls_eid_ad_encode(NULL, &wc_, (uint16_t)kdf, np & 1,
		    (uint16_t)hid, p, np, itr);
		assert_true(la > 0 && la == lb && la == lc);
		assert_memory_equal(a, b, la);
		assert_memory_equal(a, c, la);
		/* the EID HMAC: EVP_MAC over the EID-AD, its HMAC zeroed */
		memcpy(z, a, la);
		assert_int_equal(hmac_ref(hid == LS_HMAC_SHA256_128 ? "SHA256" :
		    "SHA1", itr, 16, z, la, la - (size_t)hl, (size_t)hl, ref) > 0, 1);
		assert_memory_equal(a + la - hl, ref, (size_t)hl);
		assert_int_equal(ls_kdf(NULL, kdf, itr, 16, ref), 0);
		assert_memory_equal(msa, ref, 16);
		assert_memory_equal(msb, ref, 16);
		if (t) {
			assert_memory_equal(wa, wb, 24);
			assert_int_equal(ls_otk_wrap(NULL, to.psk, to.psklen, to.nonce,
			    msa, ref), 0);
			assert_memory_equal(wa, ref, 24);
			assert_int_equal(ls_otk_unwrap(NULL, to.psk, to.psklen,
			    to.nonce, wa, back), 0);
			assert_memory_equal(back, msa, 16);
		}
	}
	/* refused: an unknown KDF, a PSK beyond 256 octets, no prefix */
	wbuf_init(&wa_, a, sizeof(a));
	assert_int_equal(ls_eid_ad_encode_kdf(cr, &wa_, 3, 0, LS_HMAC_SHA256_128,
	    p, 1, itr, msa, NULL, wa), 0);
	assert_true(wa_.err);
	{
		char big[300];

		memset(big, 'x', sizeof(big));
		to.psk = big;
		to.psklen = sizeof(big);
		wbuf_init(&wa_, a, sizeof(a));
		assert_int_equal(ls_eid_ad_encode_kdf(cr, &wa_, LS_KDF_HKDF_SHA256,
		    0, LS_HMAC_SHA256_128, p, 1, itr, msa, &to, wa), 0);
		assert_true(wa_.err);
	}
	wbuf_init(&wa_, a, sizeof(a));
	assert_int_equal(ls_eid_ad_encode_kdf(cr, &wa_, LS_KDF_HKDF_SHA256, 0,
	    LS_HMAC_SHA256_128, p, 0, itr, msa, NULL, wa), 0);
	ls_crypto_free(cr);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_aes_kw_rfc3394),
		cmocka_unit_test(test_hkdf_rfc5869),
		cmocka_unit_test(test_otk_wrap),
		cmocka_unit_test(test_hmac_ctx),
		cmocka_unit_test(test_eid_ad_kdf),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_decode_refusals),
		cmocka_unit_test(test_clip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
