/* the Map-Server's Info-Reply (NAT traversal draft §5.2) against the fake
 * core: both peer forms of Info-Request (OOR's, signed and carrying its
 * EID-prefix; lispers.net's, unsigned with EID AFI 0 and a hostname), what
 * the reply carries field by field, its authentication, refusals with
 * their counters, and the bounds on what is answered (per source, and in
 * all for unauthenticated requests). Map-Registers an RTR relays: from a
 * nat-rtr only; with a key shared with it (MS-RTR authentication, NAT
 * draft §4.4, §6) the relay's authentication data is checked and the
 * Map-Notify signed; ms-rtr-auth on takes unsigned relays, required
 * refuses them, off neither checks nor signs; an RTR without a key is
 * served as before */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fakecore.h"
#include "rolemsg.h"
#include "lcaf.h"
#include "lispsec.h"
#include "msrtr.h"
#include "vectors.h"

extern const struct role role_ms, role_natms;

#define KEY1	"nat-s3cret"
#define ETR	"198.51.100.7"	/* the NAT's public address, as the MS sees it */

#define CONF_HEAD \
    "role map-server\n" \
    "log-rate 1000\n" \
    "site natted {\n" \
    "	key 0 sha1 \"" KEY1 "\"\n" \
    "	key 3 sha256 \"" KEY1 "-256\"\n" \
    "	eid-prefix 198.18.1.0/24\n" \
    "}\n" \
    "nat-rtr 203.0.113.9\n" \
    "nat-rtr 2001:db8::9\n"

static const char conf_text[] = CONF_HEAD;
static const char conf_unauth[] = CONF_HEAD "info-request-unauthenticated yes\n";

static int
setup(void **state)
{
	fake_start(conf_text);
	fake_role(&role_ms);
	fake_role(&role_natms);
	return 0;
}

#define CONF_MSRTR_REQUIRED \
    "role map-server\n" \
    "log-rate 1000\n" \
    "site natted {\n" \
    "	key 3 sha256 \"" KEY1 "-256\"\n" \
    "	eid-prefix 198.18.1.0/24\n" \
    "}\n" \
    "nat-rtr 203.0.113.9 key 0 sha1 \"ms-rtr\"\n" \
    "ms-rtr-auth required\n"

#define CONF_MSRTR \
    "role map-server\n" \
    "log-rate 1000\n" \
    "site natted {\n" \
    "	key 3 sha256 \"" KEY1 "-256\"\n" \
    "	eid-prefix 198.18.1.0/24\n" \
    "}\n" \
    "nat-rtr 203.0.113.9 key 0 sha1 \"ms-rtr\"\n" \
    "nat-rtr 203.0.113.19\n"

static int
setup_msrtr(void **state)
{
	fake_start(CONF_MSRTR);
	fake_role(&role_ms);
	return 0;
}

static int
setup_msrtr_required(void **state)
{
	fake_start(CONF_MSRTR_REQUIRED);
	fake_role(&role_ms);
	return 0;
}

static int
setup_msrtr_off(void **state)
{
	fake_start(CONF_MSRTR "ms-rtr-auth off\n");
	fake_role(&role_ms);
	return 0;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

/* an Info-Request as OOR sends it: EID-prefix, key-id << 8 | algorithm in
 * the 16-bit Key ID, HMAC over the whole message with the field zeroed */
static size_t
oor_request(uint8_t *buf, size_t cap, const char *prefix, uint8_t key_id,
    uint8_t alg, const char *secret, uint64_t nonce)
{
	struct lisp_info	 q;
	struct wbuf		 w;
	int			 mlen, alen = auth_len(alg);

	memset(&q, 0, sizeof(q));
	q.nonce = nonce;
	q.key_id = (uint16_t)(key_id << 8 | alg);
	q.auth_len = (uint16_t)alen;
	assert_int_equal(prefix_parse(prefix, &q.eid, &mlen), 0);
	q.eid_mlen = (uint8_t)mlen;
	addr_set_none(&q.nat);
	wbuf_init(&w, buf, cap);
	info_encode(&w, &q);
	assert_false(w.err);
	assert_int_equal(auth_sign(alg, secret, strlen(secret), buf, w.len, 16,
	    (size_t)alen), 0);
	return w.len;
}

/* the one message sent, decoded as an Info-Reply with its LCAF */
static const struct fake_sent *
reply_get(struct lisp_info *r, struct lcaf_nat *nat)
{
	const struct fake_sent	*s;
	struct rbuf		 b;
	struct msg_err		 err;

	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(info_decode(&b, r, &err), 0);
	assert_int_equal(b.len, 0);
	assert_true(r->reply);
	assert_int_equal(lcaf_nat_decode(&r->nat, nat), 0);
	return s;
}

static void
assert_addr(const struct lisp_addr *a, const char *want)
{
	char s[ADDR_STRLEN];

	addr_fmt(a, s, sizeof(s));
	assert_string_equal(s, want);
}

static void
test_oor_signed(void **state)
{
	uint8_t			 q[256];
	size_t			 qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 0,
				    ALG_HMAC_SHA1_96, KEY1, 0x1122334455667788ull);
	struct lisp_info	 r;
	struct lcaf_nat		 nat;
	const struct fake_sent	*s;

	assert_int_equal(fake_rx(q, qlen, ETR, 40001), 1);
	s = reply_get(&r, &nat);
	/* back to where the request came from: the NAT's mapping */
	assert_string_equal(fake_dst_fmt(s), ETR ":40001");
	assert_int_equal(r.nonce, 0x1122334455667788ull);
	assert_int_equal(r.key_id, ALG_HMAC_SHA1_96);
	assert_int_equal(r.auth_len, 20);
	assert_int_equal(r.eid_mlen, 24);
	assert_addr(&r.eid, "198.18.1.0");
	assert_int_equal(r.ttl, 15);
	/* the global address and port as seen, the MS's own, private AFI 0 */
	assert_addr(&nat.global_etr, ETR);
	assert_int_equal(nat.etr_port, 40001);
	assert_addr(&nat.ms_rloc, FAKE_LOCAL4);
	assert_int_equal(nat.ms_port, 4342);
	assert_int_equal(nat.private_etr.afi, AFI_NONE);
	assert_int_equal(nat.nrtr, 2);
	assert_addr(&nat.rtr[0], "203.0.113.9");
	assert_addr(&nat.rtr[1], "2001:db8::9");
	/* signed with the site's key: an ETR can trust the RTR list */
	assert_int_equal(auth_verify(ALG_HMAC_SHA1_96, KEY1, strlen(KEY1),
	    s->buf, s->len, 16, 20), 1);
	/* the request plus the LCAF (8 header, 4 ports, 6 + 6 + 2, RTRs
	 * 6 + 18) less the AFI 0 it replaces: nothing more */
	assert_int_equal(s->len, qlen - 2 + 8 + 4 + 6 + 6 + 2 + 6 + 18);

	/* the other key of the site, HMAC-SHA-256-128 as key-id 3 */
	fake_sent_clear();
	fake_advance(1000);
	qlen = oor_request(q, sizeof(q), "198.18.1.128/25", 3,
	    ALG_HMAC_SHA256_128, KEY1 "-256", 7);
	assert_int_equal(fake_rx(q, qlen, ETR, 40001), 1);
	s = reply_get(&r, &nat);
	assert_int_equal(r.key_id, 3 << 8 | ALG_HMAC_SHA256_128);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY1 "-256",
	    strlen(KEY1 "-256"), s->buf, s->len, 16, 32), 1);
}

static void
test_refused(void **state)
{
	uint8_t		 q[256];
	size_t		 qlen;

	/* wrong secret */
	qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 0, ALG_HMAC_SHA1_96,
	    "guess", 1);
	fake_rx(q, qlen, ETR, 40001);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: bad hmac"), 1);
	/* a signed request changed on the way (the EID mask) */
	qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 0, ALG_HMAC_SHA1_96,
	    KEY1, 2);
	q[16 + 20 + 5] = 25;
	fake_rx(q, qlen, ETR, 40001);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: bad hmac"), 2);
	/* a key-id the site does not have */
	qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 9, ALG_HMAC_SHA1_96,
	    KEY1, 3);
	fake_rx(q, qlen, ETR, 40002);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: unknown key-id"), 1);
	/* an EID outside every site */
	qlen = oor_request(q, sizeof(q), "198.18.9.0/24", 0, ALG_HMAC_SHA1_96,
	    KEY1, 4);
	fake_rx(q, qlen, "198.51.100.8", 40002);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: no site for the eid-prefix"), 1);
	/* lispers.net's unauthenticated form while not allowed */
	qlen = tv_info_request_dn(q, sizeof(q));
	fake_rx(q, qlen, "198.51.100.9", 40003);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: unauthenticated (not allowed)"), 1);
	/* truncated: the core's decoder drops it */
	qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 0, ALG_HMAC_SHA1_96,
	    KEY1, 5);
	assert_int_equal(fake_rx(q, 20, ETR, 40004), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_MALFORMED_INFO), 1);
	/* an Info-Reply is for an xTR, not for us */
	qlen = tv_info_reply(q, sizeof(q));
	assert_int_equal(fake_rx(q, qlen, ETR, 4342), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_INFO_REPLY_UNEXPECTED), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_true(fake_log_count("info-request from") >= 1);
}

static void
test_lispers_unauthenticated(void **state)
{
	uint8_t			 q[256];
	size_t			 qlen = tv_info_request_dn(q, sizeof(q));
	struct lisp_info	 r;
	struct lcaf_nat		 nat;
	const struct fake_sent	*s;

	assert_int_equal(fake_reload(conf_unauth), 0);
	assert_int_equal(fake_rx(q, qlen, ETR, 61000), 1);
	s = reply_get(&r, &nat);
	assert_string_equal(fake_dst_fmt(s), ETR ":61000");
	assert_int_equal(r.nonce, 0xa1b2c3d4e5f60708ull);
	assert_int_equal(r.key_id, 0);
	assert_int_equal(r.auth_len, 0);
	assert_int_equal(r.eid.afi, AFI_NONE);
	assert_addr(&nat.global_etr, ETR);
	assert_int_equal(nat.etr_port, 61000);
	assert_int_equal(nat.nrtr, 2);
	/* the hostname is not echoed: smaller than the request plus LCAF */
	assert_true(s->len <= qlen + 8 + 4 + 6 + 6 + 2 + 6 + 18);
}

/* per source: INFO_PER_SOURCE (4) a second, the rest counted */
static void
test_rate_per_source(void **state)
{
	uint8_t		 q[256];
	size_t		 qlen;
	int		 i;

	for (i = 0; i < 10; i++) {
		qlen = oor_request(q, sizeof(q), "198.18.1.0/24", 0,
		    ALG_HMAC_SHA1_96, KEY1, (uint64_t)i + 1);
		fake_rx(q, qlen, ETR, (uint16_t)(40000 + i));
	}
	assert_int_equal(fake_nsent(), 4);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: rate limit per source"), 6);
	/* another source is not held back by the first */
	fake_rx(q, qlen, "198.51.100.99", 40000);
	assert_int_equal(fake_nsent(), 5);
	/* the next second the first source is answered again */
	fake_advance(1000);
	fake_rx(q, qlen, ETR, 40000);
	assert_int_equal(fake_nsent(), 6);
}

/* unauthenticated replies: 50 a second over all sources, whatever their
 * number (spoofed sources cannot turn the MS into a reflector) */
static void
test_rate_unauth_total(void **state)
{
	uint8_t		 q[256];
	size_t		 qlen = tv_info_request_dn(q, sizeof(q));
	char		 src[32];
	int		 i;

	assert_int_equal(fake_reload(conf_unauth), 0);
	fake_advance(1000);
	for (i = 0; i < 200; i++) {
		snprintf(src, sizeof(src), "198.18.%d.%d", 100 + i / 200, i % 200 + 1);
		fake_rx(q, qlen, src, 4342);
	}
	assert_int_equal(fake_nsent(), 50);
	assert_int_equal(fake_role_drops(&role_natms, "info-request: unauthenticated rate limit"), 150);
}

/* a Map-Register an RTR relays in an ECM (N): registered as if sent
 * directly, the Map-Notify back in an ECM (R) to the RTR, its inner
 * header from the MS to the xTR's private address and port */
static size_t
relayed_register(uint8_t *buf, size_t cap, uint32_t ecm_flags, uint64_t nonce)
{
	struct rm_reg	 r = { .prefix = "198.18.1.0/24", .rloc = "203.0.113.9",
			    .flags = MREG_M | MREG_P, .nonce = nonce,
			    .key = KEY1 "-256", .ids = 1, .key_id = 3 };
	uint8_t		 inner[512];
	size_t		 n = rm_register(&r, inner, sizeof(inner));
	struct lisp_addr src, dst;
	struct wbuf	 w;

	assert_int_equal(addr_parse(&src, "198.19.0.2"), 0);
	assert_int_equal(addr_parse(&dst, FAKE_LOCAL4), 0);
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, ecm_flags, &src, &dst, 33333, 4342, inner, n);
	assert_false(w.err);
	return w.len;
}

static void
test_ecm_register_via_rtr(void **state)
{
	uint8_t				 q[1024];
	size_t				 qlen = relayed_register(q, sizeof(q), ECM_N, 5);
	const struct fake_sent		*s;
	struct rbuf			 b;
	struct lisp_ecm			 ecm;
	struct lisp_map_register	 n;
	struct msg_err			 err;
	char				 e[128], a[ADDR_STRLEN];
	json_t				*rows;

	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	rows = fake_ctl(&role_ms, "show site", NULL, e, sizeof(e));
	assert_non_null(rows);
	assert_true(json_is_true(json_object_get(json_array_get(rows, 0), "registered")));
	json_decref(rows);
	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(s), "203.0.113.9:4342");
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_true(ecm.flags & ECM_R);
	assert_false(ecm.flags & ECM_N);
	assert_string_equal(addr_fmt(&ecm.src, a, sizeof(a)), FAKE_LOCAL4);
	assert_string_equal(addr_fmt(&ecm.dst, a, sizeof(a)), "198.19.0.2");
	assert_int_equal(ecm.sport, 4342);
	assert_int_equal(ecm.dport, 33333);
	b = ecm.inner;
	assert_int_equal(map_register_decode(&b, &n, &err), 0);
	assert_int_equal(n.type, LISP_MAP_NOTIFY);
	assert_int_equal(n.nonce, 5);
	assert_true(n.has_ids);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY1 "-256",
	    strlen(KEY1 "-256"), n.msg.p, n.msg.len, n.auth_off, n.auth_len), 1);

	/* from an address that is no nat-rtr: refused, nothing sent */
	fake_sent_clear();
	qlen = relayed_register(q, sizeof(q), ECM_N, 6);
	fake_rx(q, qlen, "203.0.113.66", 4342);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: ecm not from a nat-rtr"), 1);
	assert_int_equal(fake_nsent(), 0);
	/* R without N is for an RTR: the Map-Server does not take it */
	assert_int_equal(fake_rx(q, relayed_register(q, sizeof(q), ECM_R, 7),
	    "203.0.113.9", 4342), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_ECM_REGISTER_NO_ROLE), 1);
}

/* relayed_register with the RTR's MS-RTR authentication data */
static size_t
signed_register(uint8_t *buf, size_t cap, uint64_t nonce, const char *key)
{
	size_t		 len = relayed_register(buf, cap, ECM_N, nonce);
	struct rbuf	 b;
	struct lisp_ecm	 ecm;
	struct msg_err	 err;

	rbuf_init(&b, buf, len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	len = msrtr_ecm_sign(buf, len, cap, 0, ALG_HMAC_SHA1_96, key, strlen(key),
	    ecm.inner.p, ecm.inner.len);
	assert_int_not_equal(len, 0);
	return len;
}

static int
registered(void)
{
	char	 e[128];
	json_t	*rows = fake_ctl(&role_ms, "show site", NULL, e, sizeof(e));
	int	 r;

	assert_non_null(rows);
	r = json_is_true(json_object_get(json_array_get(rows, 0), "registered"));
	json_decref(rows);
	return r;
}

/* the one Map-Notify sent: 1 when it carries S and MS-RTR authentication
 * data that the RTR's key verifies over the Map-Notify, 0 when it has no
 * S; fails on anything else */
static int
notify_signed(uint64_t nonce)
{
	const struct fake_sent		*s;
	struct rbuf			 b;
	struct lisp_ecm			 ecm;
	struct lisp_map_register	 n;
	struct msrtr_ad			 ad;
	struct msg_err			 err;
	const char			*why;

	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(s), "203.0.113.9:4342");
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_true(ecm.flags & ECM_R);
	b = ecm.inner;
	assert_int_equal(map_register_decode(&b, &n, &err), 0);
	assert_int_equal(n.type, LISP_MAP_NOTIFY);
	assert_int_equal(n.nonce, nonce);
	if (!(ecm.flags & ECM_S))
		return 0;
	assert_int_equal(msrtr_ad_decode(&ecm.sec, &ad, &why), 0);
	assert_int_equal(ad.key_id, 0);
	assert_int_equal(ad.alg, ALG_HMAC_SHA1_96);
	assert_int_equal(ad.auth.len, 20);
	assert_int_equal(msrtr_ad_verify(&ad, 0, ALG_HMAC_SHA1_96, "ms-rtr", 6,
	    ecm.inner.p, ecm.inner.len), 1);
	return 1;
}

/* a keyed RTR under ms-rtr-auth on: a signed relay registers and the
 * Map-Notify is signed; a relay signed with another key is refused; an
 * unsigned one is taken (a peer that does not sign), the notify signed
 * all the same; an RTR without a key gets what it always got */
static void
test_msrtr_on(void **state)
{
	uint8_t	q[1024];
	size_t	qlen;

	qlen = signed_register(q, sizeof(q), 10, "wrong");
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: relayed with invalid ms-rtr auth data"), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_false(registered());

	qlen = signed_register(q, sizeof(q), 11, "ms-rtr");
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_true(registered());
	assert_int_equal(notify_signed(11), 1);

	fake_sent_clear();
	qlen = relayed_register(q, sizeof(q), ECM_N, 12);
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_int_equal(notify_signed(12), 1);

	/* an RTR without a key: unsigned both ways, as before */
	fake_sent_clear();
	qlen = relayed_register(q, sizeof(q), ECM_N, 13);
	assert_int_equal(fake_rx(q, qlen, "203.0.113.19", 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_false(fake_sent_get(0)->buf[0] & (ECM_S >> 24));
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: relayed without ms-rtr auth data"), 0);
}

static void
test_msrtr_required(void **state)
{
	uint8_t	q[1024];
	size_t	qlen;

	qlen = relayed_register(q, sizeof(q), ECM_N, 20);
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: relayed without ms-rtr auth data"), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_false(registered());
	assert_int_equal(fake_log_count("relayed map-register from 203.0.113.9"), 1);
	qlen = signed_register(q, sizeof(q), 21, "ms-rtr");
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_true(registered());
	assert_int_equal(notify_signed(21), 1);
}

/* ms-rtr-auth off: nothing checked (another key passes), nothing signed */
static void
test_msrtr_off(void **state)
{
	uint8_t	q[1024];
	size_t	qlen;

	qlen = signed_register(q, sizeof(q), 30, "wrong");
	assert_int_equal(fake_rx(q, qlen, "203.0.113.9", 4342), 1);
	assert_true(registered());
	assert_int_equal(notify_signed(30), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_oor_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_lispers_unauthenticated, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_per_source, setup, teardown),
		cmocka_unit_test_setup_teardown(test_rate_unauth_total, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ecm_register_via_rtr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_msrtr_on, setup_msrtr, teardown),
		cmocka_unit_test_setup_teardown(test_msrtr_required, setup_msrtr_required, teardown),
		cmocka_unit_test_setup_teardown(test_msrtr_off, setup_msrtr_off, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
