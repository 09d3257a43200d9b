/* LISP-SEC (RFC 9303) through the Map-Server and Map-Resolver roles on
 * the fake core, with the ITR's and the ETR's halves of lsec.c around
 * them: a protected request forwarded re-signed to the ETR that signs,
 * the E bit, proxy and negative answers signed, the ITR's verification
 * and record clip, and each refusal counted */
#include <sys/socket.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "conf.h"
#include "fakecore.h"
#include "lsec.h"
#include "rolemsg.h"
#include "xtr.h"

extern const struct role role_ms, role_mr;

#define KEY1		"s3cret-1"
#define KEY2		"s3cret-2"
#define OTKKEY		"itr-mr-otk-key"
#define ITR		"192.0.2.9"
#define NOW		5000

static const char conf_text[] =
    "role map-server\n"
    "role map-resolver\n"
    "log-rate 1000\n"
    "lisp-sec-key 1 \"" OTKKEY "\"\n"
    "site lisp1 {\n"
    "	key 0 sha256 \"" KEY1 "\"\n"
    "	eid-prefix 198.18.1.0/24\n"
    "}\n"
    "site lisp2 {\n"
    "	key 0 sha256 \"" KEY2 "\"\n"
    "	eid-prefix 198.18.2.0/24\n"
    "}\n";

/* the ITR's side: its configuration and its one-time keys */
static struct conf *itr_conf;
static struct lsec_otks *otks;

static struct conf *
load(const char *text)
{
	char err[256];
	struct conf *c = conf_load_buf("itr", text, strlen(text), err, sizeof(err));

	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

static int
setup(void **state)
{
	fake_start(conf_text);
	fake_role(&role_ms);
	fake_role(&role_mr);
	itr_conf = load("role itr\nlisp-sec required\nlisp-sec-key 1 \"" OTKKEY "\"\n"
	    "map-resolver 192.0.2.1\n");
	otks = NULL;
	return 0;
}

static int
teardown(void **state)
{
	fake_stop();
	conf_free(itr_conf);
	lsec_otks_free(otks);
	return 0;
}

static void
do_register(const char *prefix, const char *rloc, uint32_t flags, const char *key,
    const char *from)
{
	struct rm_reg s = { prefix, rloc, flags, 1, key, 0, 0, 0, 0 };
	uint8_t buf[512];
	size_t len = rm_register(&s, buf, sizeof(buf));

	assert_int_equal(fake_rx(buf, len, from, 4342), 1);
}

/* a protected ECM Map-Request for eid as the ITR sends it; the number of
 * messages the roles sent. with c (NULL: itr_conf) */
static size_t
request_c(const struct conf *c, const char *eid, uint64_t nonce)
{
	uint8_t buf[1024];
	size_t len;
	const char *why = NULL;

	len = rm_request(eid, 0, ITR, 40000, nonce, 0, buf, sizeof(buf), NULL, NULL);
	len = lsec_itr_protect(&otks, c != NULL ? c : itr_conf, buf, len,
	    sizeof(buf), nonce, NOW, &why);
	assert_int_not_equal(len, 0);
	assert_true(get_u32(buf) & ECM_S);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	return fake_nsent();
}

static size_t
request(const char *eid, uint64_t nonce)
{
	return request_c(NULL, eid, nonce);
}

/* the ITR's verdict on a Map-Reply */
static enum lsec_verdict
itr_check(const uint8_t *buf, size_t len, struct ls_reply_ad *ad,
    enum lsec_refusal *r)
{
	struct lisp_map_reply rep;
	struct msg_err err;
	struct rbuf b;

	rbuf_init(&b, buf, len);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	return lsec_itr_check(otks, itr_conf, buf, len, &rep, ad, r, &err, NOW);
}

static void
assert_clip(const struct ls_reply_ad *ad, const char *rec, const char *want)
{
	struct lisp_addr a, out;
	int mlen, olen;
	char s[ADDR_STRLEN];

	assert_int_equal(prefix_parse(rec, &a, &mlen), 0);
	if (want == NULL) {
		assert_int_equal(ls_eid_ad_clip(&ad->eid, &a, mlen, &out, &olen), -1);
		return;
	}
	assert_int_equal(ls_eid_ad_clip(&ad->eid, &a, mlen, &out, &olen), 0);
	addr_mask(&out, olen);
	assert_string_equal(prefix_fmt(&out, olen, s, sizeof(s)), want);
}

/* an ETR's Map-Reply to a forwarded protected request: records (prefix
 * strings, negative), signed with what lsec_etr_open gave */
static size_t
etr_reply(const struct ls_ecm_ad *ad, const uint8_t ms_otk[LS_OTK_LEN],
    uint64_t nonce, const char *const *recs, int n, uint8_t *buf, size_t cap)
{
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct wbuf w;
	int i, mlen;

	memset(&rep, 0, sizeof(rep));
	rep.flags = MREP_S;
	rep.nonce = nonce;
	rep.nrecords = (uint8_t)n;
	wbuf_init(&w, buf, cap);
	map_reply_encode_hdr(&w, &rep);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(prefix_parse(recs[i], &rec.eid, &mlen), 0);
		rec.eid_mlen = (uint8_t)mlen;
		rec.ttl = 10;
		rec.act = ACT_NATIVE_FORWARD;
		rec.auth = 1;
		record_encode(&w, &rec);
	}
	ls_reply_ad_encode(NULL, &w, ad->eid.raw.p, ad->eid.raw.len, ad->req_hmac_id, ms_otk);
	assert_false(w.err);
	return w.len;
}

static void
etr_ms(struct xtr_ms *ms, const char *secret)
{
	memset(ms, 0, sizeof(*ms));
	assert_int_equal(addr_parse(&ms->addr, "192.0.2.1"), 0);
	ms->key_id = 0;
	ms->secret = (char *)secret;
}

/* RFC 9303 §6.7.1 and §6.8: forwarded re-signed to the ETR that signs,
 * whose answer the ITR verifies and cuts to the registered prefix; an
 * ETR with another site's key cannot sign for this one */
static void
test_forward_signed(void **state)
{
	static const char *const recs[] = { "198.18.2.0/24", "198.18.1.0/24", "0.0.0.0/0" };
	const struct fake_sent *f;
	struct lisp_ecm ecm;
	struct ls_ecm_ad ad;
	struct ls_reply_ad rad;
	struct xtr_ms ms;
	struct lisp_addr from;
	struct msg_err err;
	struct rbuf b;
	enum lsec_refusal r;
	uint8_t ms_otk[LS_OTK_LEN], rep[512];
	size_t len;
	const char *why;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_S, KEY2, "192.0.2.77");
	assert_int_equal(request("198.18.2.9", 41), 1);
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), "192.0.2.77:4342");
	rbuf_init(&b, f->buf, f->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_true(ecm.flags & ECM_S);
	assert_true(ecm.flags & ECM_E);
	assert_int_equal(ecm.sport, 40000);
	addr_parse(&from, "192.0.2.1");
	/* the attacker's ETR holds lisp1's key, not lisp2's */
	etr_ms(&ms, KEY1);
	assert_int_equal(lsec_etr_open(&ms, 1, &from, &ecm, 41, &ad, ms_otk, &why), -1);
	etr_ms(&ms, KEY2);
	assert_int_equal(lsec_etr_open(&ms, 1, &from, &ecm, 41, &ad, ms_otk, &why), 1);
	assert_int_equal(ad.eid.nrecords, 1);
	assert_int_equal(ad.eid.e, 0);
	assert_int_equal(ad.eid.pfx[0].mlen, 24);
	assert_int_equal(ad.req_hmac_id, LS_HMAC_SHA256_128);
	assert_int_equal(ad.eid.kdf_id, LS_KDF_HKDF_SHA256);

	/* issue 9 attack 1 under LISP-SEC: the other site's prefix is
	 * refused, 0.0.0.0/0 is cut to the prefix the MS vouched for */
	len = etr_reply(&ad, ms_otk, 41, recs, 3, rep, sizeof(rep));
	assert_int_equal(itr_check(rep, len, &rad, &r), LSEC_VERIFIED);
	assert_clip(&rad, "198.18.2.0/24", "198.18.2.0/24");
	assert_clip(&rad, "198.18.1.0/24", NULL);
	assert_clip(&rad, "0.0.0.0/0", "198.18.2.0/24");
	/* a record changed after signing fails the PKT-AD */
	rep[12 + 12] ^= 1;
	assert_int_equal(itr_check(rep, len, &rad, &r), LSEC_REFUSED);
	assert_int_equal(r, LSEC_R_PKT_HMAC);
	/* once used, the key is gone: a replay has none */
	rep[12 + 12] ^= 1;
	lsec_otk_del(otks, 41);
	assert_int_equal(itr_check(rep, len, &rad, &r), LSEC_REFUSED);
	assert_int_equal(r, LSEC_R_NO_OTK);
}

/* an 8-record protected request: opened once, one forward, one signed
 * proxy reply, one signed negative (issue 9 attack 4 under LISP-SEC),
 * the answers not larger than the request */
static void
test_one_answer_per_message(void **state)
{
	uint8_t buf[1500];
	size_t len;
	const char *why;
	const char *eids[] = { "198.18.2.9", "198.18.1.9", "203.0.113.5" };
	int i;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_S, KEY2, "192.0.2.77");
	do_register("198.18.1.0/24", "192.0.2.66", MREG_P, KEY1, "192.0.2.66");
	for (i = 0; i < 3; i++) {
		len = rm_request_n(eids[i], 0, 8, ITR, 40000, 60 + (uint64_t)i, 0, buf,
		    sizeof(buf), NULL, NULL);
		len = lsec_itr_protect(&otks, itr_conf, buf, len, sizeof(buf),
		    60 + (uint64_t)i, NOW, &why);
		assert_int_not_equal(len, 0);
		fake_sent_clear();
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
		assert_int_equal(fake_nsent(), 1);
		/* answers are no larger than the request; the forward to
		 * the registered ETR grows by 28: the MS's EID-AD (8, the
		 * 8-octet IPv4 record, the 16-octet HMAC) replaces the
		 * ITR's 4 octets */
		if (i == 0)
			assert_int_equal(fake_sent_get(0)->len, len + 28);
		else
			assert_true(fake_sent_get(0)->len <= len);
	}
}

/* RFC 9303 Table 1 row 2: E set when an ETR of the prefix lacks S */
static void
test_e_bit(void **state)
{
	struct lisp_ecm ecm;
	struct ls_ecm_ad ad;
	struct msg_err err;
	struct rbuf b;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_S, KEY2, "192.0.2.77");
	do_register("198.18.2.0/24", "192.0.2.78", 0, KEY2, "192.0.2.78");
	assert_int_equal(request("198.18.2.9", 42), 1);
	/* to the one that signs */
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), "192.0.2.77:4342");
	rbuf_init(&b, fake_sent_get(0)->buf, fake_sent_get(0)->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_int_equal(ls_ecm_ad_decode(&ecm.sec, &ad, &err), 0);
	assert_int_equal(ad.eid.e, 1);
}

/* §6.7.2: a proxy reply is signed by the Map-Server; with no ETR that
 * signs (and no P) the MS answers for the registration, E set */
static void
test_proxy_signed(void **state)
{
	struct ls_reply_ad rad;
	enum lsec_refusal r;
	const struct fake_sent *f;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_P, KEY2, "192.0.2.77");
	assert_int_equal(request("198.18.2.9", 43), 1);
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), ITR ":40000");
	assert_true(get_u32(f->buf) & MREP_S);
	assert_int_equal(itr_check(f->buf, f->len, &rad, &r), LSEC_VERIFIED);
	assert_int_equal(rad.eid.e, 0);
	assert_clip(&rad, "198.18.2.0/24", "198.18.2.0/24");

	do_register("198.18.1.0/24", "192.0.2.66", 0, KEY1, "192.0.2.66");
	assert_int_equal(request("198.18.1.9", 44), 1);
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), ITR ":40000");
	assert_int_equal(itr_check(f->buf, f->len, &rad, &r), LSEC_VERIFIED);
	assert_int_equal(rad.eid.e, 1);
	assert_clip(&rad, "198.18.1.0/24", "198.18.1.0/24");
}

/* negative answers, the MS's (configured, not registered) and the MR's
 * (no site), signed for the prefix they are about */
static void
test_negative_signed(void **state)
{
	struct ls_reply_ad rad;
	enum lsec_refusal r;
	const struct fake_sent *f;

	assert_int_equal(request("198.18.1.7", 45), 1);
	f = fake_sent_get(0);
	assert_int_equal(itr_check(f->buf, f->len, &rad, &r), LSEC_VERIFIED);
	assert_clip(&rad, "198.18.1.0/24", "198.18.1.0/24");
	assert_clip(&rad, "198.18.0.0/16", "198.18.1.0/24");

	assert_int_equal(request("203.0.113.5", 46), 1);
	f = fake_sent_get(0);
	assert_int_equal(itr_check(f->buf, f->len, &rad, &r), LSEC_VERIFIED);
	assert_int_equal(rad.eid.nrecords, 1);
	assert_clip(&rad, "203.0.113.5/32", "203.0.113.5/32");
	assert_clip(&rad, "198.18.2.0/24", NULL);
}

/* what the MS cannot open is dropped, counted and logged: a key id it
 * does not have, an OTK changed on the way, an unwrapped OTK */
static void
test_refused(void **state)
{
	struct conf *other = load("role itr\nlisp-sec on\nlisp-sec-key 9 \"" OTKKEY "\"\n"
	    "map-resolver 192.0.2.1\n");
	uint8_t buf[1024];
	size_t len;
	const char *why;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_S, KEY2, "192.0.2.77");
	assert_int_equal(request_c(other, "198.18.2.9", 47), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_LISP_SEC_REQUEST_REFUSED), 1);
	assert_int_equal(fake_log_count("unknown lisp-sec-key id"), 1);
	conf_free(other);

	len = rm_request("198.18.2.9", 0, ITR, 40000, 48, 0, buf, sizeof(buf), NULL, NULL);
	len = lsec_itr_protect(&otks, itr_conf, buf, len, sizeof(buf), 48, NOW, &why);
	buf[4 + 8 + 3] ^= 0x80;		/* a bit of the wrapped OTK */
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_LISP_SEC_REQUEST_REFUSED), 2);
	assert_int_equal(fake_log_count("does not unwrap"), 1);

	buf[4 + 8 + 3] ^= 0x80;
	buf[4 + 7] = LS_WRAP_NULL;
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_LISP_SEC_REQUEST_REFUSED), 3);
	assert_int_equal(fake_log_count("null-key-wrap"), 1);
}

/* the ITR's policy: required refuses an unsigned answer, on takes it,
 * off does not look */
static void
test_itr_policy(void **state)
{
	struct conf *on = load("role itr\nlisp-sec on\nlisp-sec-key 1 \"k\"\n"
	    "map-resolver 192.0.2.1\n");
	struct lisp_map_reply rep;
	struct ls_reply_ad rad;
	struct msg_err err;
	enum lsec_refusal r;
	uint8_t buf[128];
	struct rbuf b;
	size_t len;

	do_register("198.18.2.0/24", "192.0.2.77", MREG_P, KEY2, "192.0.2.77");
	/* a plain request gets a plain answer */
	len = rm_request("198.18.2.9", 0, ITR, 40000, 50, 0, buf, sizeof(buf), NULL, NULL);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_false(get_u32(fake_sent_get(0)->buf) & MREP_S);
	memcpy(buf, fake_sent_get(0)->buf, fake_sent_get(0)->len);
	len = fake_sent_get(0)->len;
	assert_int_equal(itr_check(buf, len, &rad, &r), LSEC_REFUSED);
	assert_int_equal(r, LSEC_R_NOT_SIGNED);
	rbuf_init(&b, buf, len);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	assert_int_equal(lsec_itr_check(otks, on, buf, len, &rep, &rad, &r, &err, NOW),
	    LSEC_PLAIN);
	on->lisp_sec = LISPSEC_OFF;
	assert_int_equal(lsec_itr_check(otks, on, buf, len, &rep, &rad, &r, &err, NOW),
	    LSEC_PLAIN);
	conf_free(on);
}

/* the one-time keys are bounded and age out */
static void
test_otk_bound(void **state)
{
	struct lsec_otks *o = lsec_otks_new(8);
	uint8_t k[LS_OTK_LEN], got[LS_OTK_LEN];
	uint64_t n;

	for (n = 1; n <= 20; n++) {
		memset(k, (int)n, sizeof(k));
		assert_int_equal(lsec_otk_put(o, n, k, 1000 + n), 0);
	}
	assert_int_equal(lsec_otks_count(o), 8);
	assert_int_equal(lsec_otk_get(o, 12, got, 1100), -1);
	assert_int_equal(lsec_otk_get(o, 13, got, 1100), 0);
	assert_int_equal(got[0], 13);
	assert_int_equal(lsec_otk_get(o, 20, got, 1020 + LSEC_OTK_AGE_MS + 1), -1);
	lsec_otk_del(o, 13);
	assert_int_equal(lsec_otks_count(o), 7);
	assert_int_equal(lsec_otk_get(o, 13, got, 1100), -1);
	lsec_otks_free(o);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_forward_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_one_answer_per_message, setup, teardown),
		cmocka_unit_test_setup_teardown(test_e_bit, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negative_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_itr_policy, setup, teardown),
		cmocka_unit_test(test_otk_bound),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
