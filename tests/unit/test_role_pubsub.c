/* publish/subscribe at the Map-Server (RFC 9437) against the fake core:
 * a Map-Request with I and N subscribes, the confirmation Map-Notify
 * carries the request's nonce and the mapping, signed with the PubSubKey;
 * a change of the mapping is published (nonce + 1), a refresh is not;
 * Map-Notifies are retransmitted until a signed Map-Notify-Ack, and the
 * unacknowledged are removed; a forged ack or request changes nothing;
 * subscriptions-max holds; a request with one ITR-RLOC of AFI 0 ends the
 * subscription of its xTR-ID at its source RLOC, and only that one */
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
#include "msg_build.h"
#include "pubsub.h"
#include "rolemsg.h"

extern const struct role role_ms, role_mr;

#define ITR	"192.0.2.50"
#define ETR	"192.0.2.60"
#define PSKEY	"pubsub-s3cret"

static const char ms_conf[] =
    "role map-server\n"
    "role map-resolver\n"
    "pubsub-key 1 sha256 \"" PSKEY "\"\n"
    "subscriptions-max 3\n"
    "site here {\n"
    "	key 0 sha256 \"s3cret\"\n"
    "	eid-prefix 198.18.7.0/24\n"
    "}\n";

static int
setup(void **state)
{
	fake_start(ms_conf);
	fake_role(&role_ms);
	fake_role(&role_mr);
	return 0;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

static uint64_t reg_nonce = 0x100;

static void
ms_register(const char *prefix, const char *rloc, int withdraw)
{
	struct rm_reg	s = { prefix, rloc, 0, ++reg_nonce, "s3cret", 0, 0,
	    withdraw, 0 };
	uint8_t		buf[512];
	size_t		len = rm_register(&s, buf, sizeof(buf));

	assert_int_equal(fake_rx(buf, len, ETR, 4342), 1);
}

/* an ECM'd Map-Request with I and N from src (xTR-ID 0xAA.. + id): a
 * subscription with src as its ITR-RLOC, or the unsubscribe of RFC 9437
 * §5 (unsub: one ITR-RLOC of AFI 0, src the inner source alone) */
static void
pubsub_request(const char *src, uint8_t id, uint64_t nonce, const char *eid,
    int unsub)
{
	struct mreq_build	 b;
	struct lisp_addr	 rloc;
	uint8_t			 buf[1024];
	size_t			 len;

	memset(&b, 0, sizeof(b));
	b.nonce = nonce;
	addr_set_none(&b.seid);
	assert_int_equal(addr_parse(&b.isrc, src), 0);
	if (unsub)
		addr_set_none(&rloc);
	else
		rloc = b.isrc;
	b.itr = &rloc;
	b.nitr = 1;
	assert_int_equal(addr_parse(&b.eid, eid), 0);
	b.mlen = 32;
	b.rec_flags = MREQ_REC_N;
	b.has_ids = 1;
	memset(b.xtr_id, 0xaa, XTR_ID_LEN);
	b.xtr_id[15] = id;
	b.site_id = unsub ? 0 : 9;
	b.ecm = 1;
	b.idst = b.eid;
	b.sport = 4342;
	assert_true((len = map_request_build(buf, sizeof(buf), &b)) > 0);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, src, 4342), 1);
}

static void
subscribe(const char *itr, uint8_t id, uint64_t nonce, const char *eid)
{
	pubsub_request(itr, id, nonce, eid, 0);
}

static void
unsubscribe(const char *src, uint8_t id, uint64_t nonce, const char *eid)
{
	pubsub_request(src, id, nonce, eid, 1);
}

/* the Map-Notify among what was sent to dst; its nonce and first record */
static int
find_notify(const char *dst, uint64_t *nonce, struct rm_answer *a)
{
	struct lisp_map_register m;
	struct conf_key		 k = { 1, ALG_HMAC_SHA256_128, (char *)PSKEY };
	struct rbuf		 b, rl;
	size_t			 i;

	for (i = 0; i < fake_nsent(); i++) {
		const struct fake_sent *s = fake_sent_get(i);

		if (s->buf[0] >> 4 != LISP_MAP_NOTIFY ||
		    strcmp(fake_dst_fmt(s), dst) != 0)
			continue;
		rbuf_init(&b, s->buf, s->len);
		assert_int_equal(map_register_decode(&b, &m, NULL), 0);
		assert_true(pubsub_msg_verify(&k, &m));
		*nonce = m.nonce;
		memset(a, 0, sizeof(*a));
		b = m.records;
		assert_int_equal(record_next(&b, &a->rec), 1);
		prefix_fmt(&a->rec.eid, a->rec.eid_mlen, a->prefix, sizeof(a->prefix));
		rl = a->rec.rlocs;
		while (a->nlocs < 8 && rloc_next(&rl, &a->locs[a->nlocs]) == 1)
			a->nlocs++;
		return 1;
	}
	return 0;
}

/* the ITR's Map-Notify-Ack for nonce, signed with secret */
static int
ack(const char *from, uint64_t nonce, const struct rm_answer *a, const char *secret)
{
	struct conf_key	 k = { 1, ALG_HMAC_SHA256_128, (char *)secret };
	uint8_t		 rec[512], buf[1024];
	struct wbuf	 w;
	struct rbuf	 rl = a->rec.rlocs;
	struct lisp_rloc loc;
	size_t		 n;

	wbuf_init(&w, rec, sizeof(rec));
	record_encode(&w, &a->rec);
	while (rloc_next(&rl, &loc) == 1)
		rloc_encode(&w, &loc);
	n = pubsub_msg_build(LISP_MAP_NOTIFY_ACK, nonce, &k, rec, w.len, 1, buf,
	    sizeof(buf));
	assert_true(n > 0);
	fake_sent_clear();
	return fake_rx(buf, n, from, 4342);
}

static json_t *
subs(void)
{
	char err[128];
	json_t *j = fake_ctl(&role_ms, "show subscriptions", NULL, err, sizeof(err));

	assert_non_null(j);
	return j;
}

static const char *
sub_state(json_t *j, size_t i)
{
	return json_string_value(json_object_get(json_array_get(j, i), "state"));
}

static void
test_subscribe_publish(void **state)
{
	struct rm_answer a;
	uint64_t	 nonce;
	json_t		*j;

	ms_register("198.18.7.0/24", ETR, 0);
	subscribe(ITR, 1, 0x5000, "198.18.7.9");
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(nonce, 0x5000);
	assert_string_equal(a.prefix, "198.18.7.0/24");
	assert_int_equal(a.nlocs, 1);
	j = subs();
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(sub_state(j, 0), "pending");
	json_decref(j);

	/* a forged ack (wrong key), one from elsewhere: still pending */
	assert_int_equal(ack(ITR, 0x5000, &a, "guess"), 1);
	assert_int_equal(ack("192.0.2.77", 0x5000, &a, PSKEY), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-notify-ack: unsolicited"), 1);
	j = subs();
	assert_string_equal(sub_state(j, 0), "pending");
	json_decref(j);
	/* the right one: confirmed, no retransmission after it */
	assert_int_equal(ack(ITR, 0x5000, &a, PSKEY), 1);
	j = subs();
	assert_string_equal(sub_state(j, 0), "confirmed");
	json_decref(j);
	fake_sent_clear();
	fake_advance(3000);
	assert_int_equal(fake_nsent(), 0);

	/* a refresh of the same mapping publishes nothing */
	fake_sent_clear();
	ms_register("198.18.7.0/24", ETR, 0);
	assert_false(find_notify(ITR ":4342", &nonce, &a));
	/* a withdrawal is published: no RLOCs, nonce + 1 */
	ms_register("198.18.7.0/24", ETR, 1);
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(nonce, 0x5001);
	assert_int_equal(a.nlocs, 0);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(ack(ITR, 0x5001, &a, PSKEY), 1);
	/* and the registration coming back */
	fake_sent_clear();
	ms_register("198.18.7.0/24", ETR, 0);
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(nonce, 0x5002);
	assert_int_equal(a.nlocs, 1);
	/* unacknowledged: three retransmissions a second apart, then gone */
	fake_sent_clear();
	fake_advance(1000);
	fake_advance(1000);
	fake_advance(1000);
	assert_int_equal(fake_nsent(), 3);
	fake_advance(1000);
	j = subs();
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

static void
test_unsubscribe(void **state)
{
	struct rm_answer a, b;
	uint64_t	 nonce;
	json_t		*j;

	ms_register("198.18.7.0/24", ETR, 0);
	subscribe(ITR, 1, 0x6000, "198.18.7.9");
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(ack(ITR, 0x6000, &a, PSKEY), 1);

	/* from another RLOC, or for another xTR-ID: nothing ends, nothing
	 * is sent (no Map-Reply: there is no ITR-RLOC to send it to) */
	unsubscribe("192.0.2.77", 1, 0x6100, "198.18.7.9");
	assert_int_equal(fake_nsent(), 0);
	unsubscribe(ITR, 2, 0x6101, "198.18.7.9");
	assert_int_equal(fake_nsent(), 0);
	j = subs();
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(sub_state(j, 0), "confirmed");
	json_decref(j);

	/* the ITR itself: one signed Map-Notify with the request's nonce to
	 * it, nothing else (no forward to the ETR), published no more */
	unsubscribe(ITR, 1, 0x6200, "198.18.7.9");
	assert_int_equal(fake_nsent(), 1);
	assert_true(find_notify(ITR ":4342", &nonce, &b));
	assert_int_equal(nonce, 0x6200);
	assert_string_equal(b.prefix, "198.18.7.0/24");
	j = subs();
	assert_string_equal(sub_state(j, 0), "unsubscribed");
	json_decref(j);
	fake_sent_clear();
	ms_register("198.18.7.0/24", ETR, 1);	/* a change */
	assert_false(find_notify(ITR ":4342", &nonce, &a));
	/* its ack removes it */
	assert_int_equal(ack(ITR, 0x6200, &b, PSKEY), 1);
	j = subs();
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);

	/* unacknowledged: gone a second later, not retransmitted */
	ms_register("198.18.7.0/24", ETR, 0);
	subscribe(ITR, 1, 0x7000, "198.18.7.9");
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(ack(ITR, 0x7000, &a, PSKEY), 1);
	unsubscribe(ITR, 1, 0x7100, "198.18.7.9");
	assert_int_equal(fake_nsent(), 1);
	fake_sent_clear();
	fake_advance(1000);
	fake_advance(1000);
	assert_int_equal(fake_nsent(), 0);
	j = subs();
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
	/* and one with nothing to end changes nothing */
	unsubscribe(ITR, 1, 0x7200, "198.18.7.9");
	assert_int_equal(fake_nsent(), 0);
}

/* a request naming the xTR-ID from another RLOC does not move the
 * confirmed subscription; the bound holds */
static void
test_forged_and_bounds(void **state)
{
	struct rm_answer a;
	uint64_t	 nonce;
	json_t		*j;

	ms_register("198.18.7.0/24", ETR, 0);
	subscribe(ITR, 1, 0x6000, "198.18.7.9");
	assert_true(find_notify(ITR ":4342", &nonce, &a));
	assert_int_equal(ack(ITR, nonce, &a, PSKEY), 1);
	subscribe("192.0.2.66", 1, 0x7000, "198.18.7.9");	/* the spoofer */
	j = subs();
	assert_int_equal(json_array_size(j), 2);
	json_decref(j);
	fake_advance(4000);		/* nobody acks the spoofer's */
	j = subs();
	assert_int_equal(json_array_size(j), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0),
	    "itr_rloc")), ITR);
	assert_string_equal(sub_state(j, 0), "confirmed");
	json_decref(j);

	/* clear site by the operator is published too */
	{
		char	 err[128];
		json_t	*args = json_pack("{s:s}", "site", "here"), *r;

		fake_sent_clear();
		r = fake_ctl(&role_ms, "clear site", args, err, sizeof(err));
		assert_non_null(r);
		json_decref(r);	/* args went with the call */
		assert_true(find_notify(ITR ":4342", &nonce, &a));
		assert_int_equal(a.nlocs, 0);
	}
	subscribe("192.0.2.51", 2, 0x8000, "198.18.7.1");
	subscribe("192.0.2.52", 3, 0x8001, "198.18.7.1");
	subscribe("192.0.2.53", 4, 0x8002, "198.18.7.1");	/* the fourth */
	assert_false(find_notify("192.0.2.53:4342", &nonce, &a));
	j = subs();
	assert_int_equal(json_array_size(j), 3);
	json_decref(j);
}

static int
setup_big(void **state)
{
	fake_start("role map-server\n"
	    "role map-resolver\n"
	    "pubsub-key 1 sha256 \"" PSKEY "\"\n"
	    "site here {\n"
	    "	key 0 sha256 \"s3cret\"\n"
	    "	eid-prefix 198.18.7.0/24\n"
	    "}\n");
	fake_role(&role_ms);
	fake_role(&role_mr);
	return 0;
}

/* spoofed requests naming one ITR-RLOC under many xTR-IDs: at most
 * PUBSUB_PENDING_PER_RLOC unacknowledged subscriptions towards it */
static void
test_pending_per_rloc(void **state)
{
	struct rm_answer a;
	uint64_t	 nonce;
	json_t		*j;
	int		 i, notified = 0;

	ms_register("198.18.7.0/24", ETR, 0);
	for (i = 0; i < PUBSUB_PENDING_PER_RLOC + 4; i++) {
		subscribe(ITR, (uint8_t)(10 + i), 0x9000 + (uint64_t)i, "198.18.7.9");
		notified += find_notify(ITR ":4342", &nonce, &a);
	}
	assert_int_equal(notified, PUBSUB_PENDING_PER_RLOC);
	j = subs();
	assert_int_equal(json_array_size(j), PUBSUB_PENDING_PER_RLOC);
	json_decref(j);
	fake_advance(5000);	/* unacknowledged: all gone */
	j = subs();
	assert_int_equal(json_array_size(j), 0);
	json_decref(j);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_subscribe_publish, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forged_and_bounds, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unsubscribe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_per_rloc, setup_big, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
