/* the Map-Resolver role against the fake core (fakecore.c): ms-routes,
 * negative answers for space nothing covers, the per-source rate limit on
 * the fake clock, the record cap, and resolution through the resolver
 * backend a co-located Map-Server provides */
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

#include "fakecore.h"
#include "rolemsg.h"

extern const struct role role_ms, role_mr;

#define ITR		"192.0.2.9"
#define MS1		"192.0.2.1"
#define MS2		"192.0.2.2"
#define KEY		"s3cret"

static const char mr_conf[] =
    "role map-resolver\n"
    "map-request-ratelimit 5\n"
    "ms-route 198.18.0.0/15 via " MS1 "\n"
    "ms-route 2001:db8::/32 via " MS2 "\n";

static const char mrms_conf[] =
    "role map-resolver\n"
    "role map-server\n"
    "ms-route 198.18.0.0/15 via " MS1 "\n"
    "site here {\n"
    "	key 0 sha256 \"" KEY "\"\n"
    "	eid-prefix 198.18.7.0/24\n"
    "	eid-prefix 203.0.113.0/24\n"
    "}\n";

static int
setup_mr(void **state)
{
	fake_start(mr_conf);
	fake_role(&role_mr);
	return 0;
}

static int
setup_mrms(void **state)
{
	fake_start(mrms_conf);
	fake_role(&role_ms);	/* the role table's order: MS first */
	fake_role(&role_mr);
	return 0;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

static uint64_t nonce_seq = 0x9000;

/* a Map-Request (in an ECM unless plain) from ITR; messages sent */
static size_t
request(const char *eid, int plain, uint8_t *inner, size_t *ilen)
{
	uint8_t	buf[1024], in[512];
	size_t	len, n;

	len = rm_request(eid, 0, ITR, 40000, ++nonce_seq, plain, buf, sizeof(buf),
	    inner != NULL ? inner : in, ilen != NULL ? ilen : &n);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	return fake_nsent();
}

static void
negative(const char *eid, const char *prefix, uint32_t ttl)
{
	struct rm_answer a;

	fake_advance(250);	/* under the rate limit of 5 a second */
	assert_int_equal(request(eid, 0, NULL, NULL), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":40000");
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, nonce_seq);
	assert_string_equal(a.prefix, prefix);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(a.rec.nrlocs, 0);
	assert_int_equal(a.rec.ttl, ttl);
}

static void
test_ms_route_forward(void **state)
{
	uint8_t			 buf[1024], inner[512];
	size_t			 len, ilen;
	const struct fake_sent	*f;
	struct lisp_ecm		 ecm;
	struct rbuf		 b;
	struct msg_err		 why;

	/* an ECM: passed on unchanged to the MS of the route */
	len = rm_request("198.19.4.4", 0, ITR, 40000, 77, 0, buf, sizeof(buf),
	    inner, &ilen);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 1);
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), MS1 ":4342");
	assert_int_equal(f->len, len);
	assert_memory_equal(f->buf, buf, len);
	/* a plain request: wrapped in an ECM whose inner message is it */
	assert_int_equal(request("2001:db8:5::1", 1, inner, &ilen), 1);
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), MS2 ":4342");
	rbuf_init(&b, f->buf, f->len);
	assert_int_equal(ecm_decode(&b, &ecm, &why), 0);
	assert_false(ecm.flags & ECM_E);
	assert_int_equal(ecm.sport, 40000);
	assert_int_equal(ecm.inner.len, ilen);
	assert_memory_equal(ecm.inner.p, inner, ilen);
	/* the MR keeps no state per request: no timer */
	assert_int_equal(fake_timers_armed(), 0);
}

/* an ECM with E was forwarded by a Map-Server to an ETR: a Map-Resolver
 * that took it would forward or answer it again, and a site registering
 * the MS's own address made that a loop (issue 9, attack 5) */
/* issue 9, attack 3: requests from random spoofed sources all naming the
 * victim as ITR-RLOC. the per-source limit never fires; the per-ITR-RLOC
 * one does: 5 answers a second (map-request-ratelimit), not one each */
static void
test_reply_limit_per_itr_rloc(void **state)
{
	uint8_t	buf[1024], inner[512];
	size_t	len, ilen;
	char	src[32];
	int	i;

	len = rm_request("1.2.3.4", 0, ITR, 40000, 3, 0, buf, sizeof(buf),
	    inner, &ilen);
	fake_sent_clear();
	for (i = 0; i < 50; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 1 + i);
		assert_int_equal(fake_rx(buf, len, src, 40000), 1);
	}
	assert_int_equal(fake_nsent(), 5);
	assert_int_equal(fake_role_drops(&role_mr, "map-request: rate limit"), 0);
	assert_int_equal(fake_role_drops(&role_mr,
	    "map-reply: rate limit towards the itr-rloc"), 45);
	fake_advance(1000);
	assert_int_equal(fake_rx(buf, len, "198.51.100.200", 40000), 1);
	assert_int_equal(fake_nsent(), 6);
}

static void
test_forwarded_ecm_not_taken(void **state)
{
	uint8_t	buf[1024], inner[512];
	size_t	len, ilen;

	len = rm_request("198.19.4.4", 0, ITR, 40000, 78, 0, buf, sizeof(buf),
	    inner, &ilen);
	put_u32(buf, get_u32(buf) | ECM_E);
	fake_sent_clear();
	fake_rx(buf, len, ITR, 40000);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_REQUEST_NO_ROLE), 1);
}

static void
test_negative(void **state)
{
	/* the coarsest prefix around the EID that no ms-route covers, with
	 * negative-ttl (15 by default) */
	negative("1.2.3.4", "0.0.0.0/1", 15);
	negative("198.16.0.1", "198.16.0.0/15", 15);
	negative("199.0.0.1", "199.0.0.0/8", 15);
	negative("2001:db9::1", "2001:db9::/32", 15);
	negative("3fff::1", "3000::/4", 15);
	/* an instance with no route at all: all of it */
	negative("[5]10.0.0.1", "[5]0.0.0.0/0", 15);
	assert_int_equal(fake_role_drops(&role_mr, "map-request: rate limit"), 0);
}

static void
test_rate_limit(void **state)
{
	uint8_t	buf[1024], inner[512];
	size_t	len, ilen;
	int	i;

	len = rm_request("1.2.3.4", 0, ITR, 40000, 1, 0, buf, sizeof(buf),
	    inner, &ilen);
	fake_sent_clear();
	/* 5 a second from one source: the 6th to 20th are counted drops */
	for (i = 0; i < 20; i++)
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 5);
	assert_int_equal(fake_role_drops(&role_mr, "map-request: rate limit"), 15);
	/* a log line per drop up to log-rate (10 per 10 s by default) */
	assert_int_equal(fake_log_count("over the rate limit"), 10);
	/* another source (with its own ITR-RLOC) is not limited by this one */
	{
		uint8_t	b2[1024];
		size_t	l2 = rm_request("1.2.3.4", 0, "192.0.2.99", 40000, 2, 0, b2,
			    sizeof(b2), inner, &ilen);

		assert_int_equal(fake_rx(b2, l2, "192.0.2.99", 40000), 1);
	}
	assert_int_equal(fake_nsent(), 6);
	/* the next second: answered again */
	fake_advance(1000);
	for (i = 0; i < 6; i++)
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 11);
	assert_int_equal(fake_role_drops(&role_mr, "map-request: rate limit"), 16);
	/* a reload lifts the limit */
	assert_int_equal(fake_reload("role map-resolver\n"
	    "ms-route 198.18.0.0/15 via " MS1 "\n"), 0);
	fake_sent_clear();
	for (i = 0; i < 20; i++)
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 20);
}

/* a request of 20 records: 8 answers, the rest one drop */
static void
test_record_cap(void **state)
{
	struct lisp_map_request	 mr;
	struct lisp_eid_prefix	 ep;
	struct wbuf		 w;
	uint8_t			 buf[1500];
	char			 eid[32];
	size_t			 i;

	memset(&mr, 0, sizeof(mr));
	mr.nonce = 0x7777;
	addr_set_none(&mr.seid);
	mr.nitr = 1;
	assert_int_equal(addr_parse(&mr.itr[0], ITR), 0);
	mr.nrecords = 20;
	wbuf_init(&w, buf, sizeof(buf));
	map_request_encode_hdr(&w, &mr);
	for (i = 0; i < 20; i++) {
		memset(&ep, 0, sizeof(ep));
		snprintf(eid, sizeof(eid), "1.2.3.%zu", i);
		assert_int_equal(addr_parse(&ep.eid, eid), 0);
		ep.mlen = 32;
		mreq_record_encode(&w, &ep);
	}
	map_request_encode_trailer(&w, &mr);
	assert_false(w.err);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, w.len, ITR, 40000), 1);
	/* the limit counts messages: the 5 a second allows this one. the
	 * 8 records answered go in one Map-Reply, no larger than the
	 * request (issue 9: 8 replies for 8 records) */
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(fake_sent_get(0)->buf[3], 8);
	assert_true(fake_sent_get(0)->len <= w.len);
	{
		struct lisp_map_reply	 rep;
		struct lisp_record	 rec;
		struct msg_err		 err;
		struct rbuf		 b, recs;

		rbuf_init(&b, fake_sent_get(0)->buf, fake_sent_get(0)->len);
		assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
		assert_int_equal(rep.nonce, 0x7777);
		recs = rep.records;
		for (i = 0; i < 8; i++) {
			assert_int_equal(record_next(&recs, &rec), 1);
			assert_int_equal(rec.eid_mlen, 1);
			assert_int_equal(rec.act, ACT_NATIVE_FORWARD);
		}
		assert_int_equal(record_next(&recs, &rec), 0);
	}
	assert_int_equal(fake_role_drops(&role_mr, "map-request: too many records"), 1);
}

static void
test_no_usable_itr_rloc(void **state)
{
	uint8_t	buf[1024], inner[512];
	size_t	len, ilen;

	len = rm_request("1.2.3.4", 0, "2001:db8:9::9", 40000, 3, 0, buf,
	    sizeof(buf), inner, &ilen);
	fake_can_send(AF_INET6, 0);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_REQUEST_NO_USABLE_ITR_RLOC), 1);
	fake_can_send(AF_INET6, 1);
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), "[2001:db8:9::9]:40000");
}

static void
test_reload_routes(void **state)
{
	assert_int_equal(fake_reload("role map-resolver\n"
	    "ms-route 198.18.0.0/16 via " MS2 "\n"), 0);
	assert_int_equal(request("198.18.4.4", 0, NULL, NULL), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), MS2 ":4342");
	/* 198.19/16 is no longer routed */
	negative("198.19.4.4", "198.19.0.0/16", 15);
}

/* -- with a Map-Server behind core_resolver ---------------------------- */

static int
do_register(const char *prefix, uint32_t flags, uint64_t nonce)
{
	struct rm_reg	s = { prefix, "192.0.2.50", flags, nonce, KEY, 0, 0, 0, 0 };
	uint8_t		buf[512];
	size_t		len = rm_register(&s, buf, sizeof(buf));

	return fake_rx(buf, len, "192.0.2.50", 4342);
}

static void
test_backend(void **state)
{
	struct rm_answer	a;

	/* the MS set itself up as the backend the MR resolves through.
	 * configured, not registered: the MS's negative answer (its
	 * unregistered-ttl), not a forward along the covering ms-route */
	assert_int_equal(request("198.18.7.1", 0, NULL, NULL), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "198.18.7.0/24");
	assert_int_equal(a.rec.ttl, 1);
	/* registered with P: the MS answers with the RLOC */
	assert_int_equal(do_register("198.18.7.0/24", MREG_P, 1), 1);
	assert_int_equal(request("198.18.7.1", 0, NULL, NULL), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nlocs, 1);
	assert_int_equal(a.rec.act, ACT_NO_ACTION);
	/* registered without P: forwarded to the ETR, E set */
	assert_int_equal(do_register("203.0.113.0/24", 0, 2), 1);
	assert_int_equal(request("203.0.113.3", 0, NULL, NULL), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), "192.0.2.50:4342");
	assert_int_equal(fake_sent_get(0)->buf[0] >> 4, LISP_ECM);
	assert_true(fake_sent_get(0)->buf[0] & 0x02);	/* E */
	/* in the ms-route but no site of this MS: along the route */
	assert_int_equal(request("198.18.8.1", 0, NULL, NULL), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), MS1 ":4342");
	/* neither: negative against both the sites and the ms-routes */
	negative("203.0.112.1", "203.0.112.0/24", 15);
	negative("198.0.0.1", "198.0.0.0/12", 15);
	/* the registration expired: the MS's negative answer again */
	fake_advance(180000);
	assert_int_equal(request("203.0.113.3", 0, NULL, NULL), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "203.0.113.0/24");
	assert_int_equal(a.rec.ttl, 1);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_ms_route_forward, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_forwarded_ecm_not_taken, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_reply_limit_per_itr_rloc, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_negative, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_rate_limit, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_record_cap, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_no_usable_itr_rloc, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_reload_routes, setup_mr, teardown),
		cmocka_unit_test_setup_teardown(test_backend, setup_mrms, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
