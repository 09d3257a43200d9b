/* the DDT roles against the fake core (fakecore.c): the DDT node's
 * Map-Referrals for delegations, holes and space it does not know; the
 * Map-Server as a DDT leaf (MS-ACK, MS-NOT-REGISTERED) */
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
#include "rolemsg.h"

extern const struct role role_ms, role_ddt, role_ddtmr, role_mr;

#define MR		"192.0.2.9"
#define ITR		"192.0.2.50"

#include "ddtmsg.h"

static const char node_conf[] =
    "role ddt-node\n"
    "map-request-ratelimit 20\n"
    "ddt-authoritative-prefix 198.18.0.0/15\n"
    "ddt-authoritative-prefix [7]2001:db8::/32\n"
    "ddt-delegation 198.18.1.0/24 node 203.0.113.11 203.0.113.12\n"
    "ddt-delegation 198.18.2.0/24 map-server 203.0.113.21\n"
    "ddt-delegation [7]2001:db8:1::/48 map-server 2001:db8::21\n";

static int
setup_node(void **state)
{
	fake_start(node_conf);
	fake_role(&role_ddt);
	return 0;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

struct ref_answer {
	uint64_t		 nonce;
	struct lisp_record	 rec;
	char			 prefix[ADDR_STRLEN];
	char			 rlocs[8][ADDR_STRLEN];
	int			 nrlocs;
};

static void
ref_decode(const struct fake_sent *s, struct ref_answer *a)
{
	struct lisp_map_referral mr;
	struct lisp_rloc	 rl;
	struct rbuf		 b, r;
	struct msg_err		 why;

	memset(a, 0, sizeof(*a));
	assert_int_equal(s->buf[0] >> 4, LISP_MAP_REFERRAL);
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(map_referral_decode(&b, &mr, &why), 0);
	assert_int_equal(b.len, 0);
	assert_int_equal(mr.nrecords, 1);
	a->nonce = mr.nonce;
	b = mr.records;
	assert_int_equal(referral_record_next(&b, &a->rec), 1);
	prefix_fmt(&a->rec.eid, a->rec.eid_mlen, a->prefix, sizeof(a->prefix));
	r = a->rec.rlocs;
	while (a->nrlocs < 8 && rloc_next(&r, &rl) == 1)
		addr_fmt(&rl.addr, a->rlocs[a->nrlocs++], ADDR_STRLEN);
}

static uint64_t nonce_seq = 0x7000;

/* a DDT Map-Request (ECM with D) from the MR for eid; its one answer */
static void
ddt_request(const char *eid, int mlen, struct ref_answer *a)
{
	uint8_t	buf[1024], in[512];
	size_t	len, n;

	len = rm_request(eid, mlen, ITR, 4342, ++nonce_seq, 0, buf, sizeof(buf),
	    in, &n);
	buf[0] |= ECM_D >> 24;
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, MR, 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), MR ":4342");
	ref_decode(fake_sent_get(0), a);
	assert_int_equal(a->nonce, nonce_seq);
}

static void
test_node_referrals(void **state)
{
	static const struct {
		const char	*eid;
		int		 mlen;
		unsigned	 act;
		uint32_t	 ttl;
		int		 incomplete;
		const char	*prefix;
		int		 nrlocs;
		const char	*rloc0, *rloc1;
	} t[] = {
		{ "198.18.1.7", 0, REF_NODE_REFERRAL, 1440, 0, "198.18.1.0/24", 2,
		    "203.0.113.11", "203.0.113.12" },
		{ "198.18.2.200", 0, REF_MS_REFERRAL, 1440, 0, "198.18.2.0/24", 1,
		    "203.0.113.21", NULL },
		{ "[7]2001:db8:1::5", 0, REF_MS_REFERRAL, 1440, 0,
		    "[7]2001:db8:1::/48", 1, "2001:db8::21", NULL },
		/* holes: the coarsest part of the authority with no
		 * delegation; 198.18.0.0/24 borders both delegations */
		{ "198.19.4.4", 0, REF_DELEGATION_HOLE, 15, 0, "198.19.0.0/16", 0, NULL, NULL },
		{ "198.18.128.1", 0, REF_DELEGATION_HOLE, 15, 0, "198.18.128.0/17", 0, NULL, NULL },
		{ "198.18.0.9", 0, REF_DELEGATION_HOLE, 15, 0, "198.18.0.0/24", 0, NULL, NULL },
		{ "[7]2001:db8:ff::1", 0, REF_DELEGATION_HOLE, 15, 0,
		    "[7]2001:db8:80::/41", 0, NULL, NULL },
		/* a request coarser than a delegation: the hole or the
		 * delegation around its first address */
		{ "198.18.0.0", 16, REF_DELEGATION_HOLE, 15, 0, "198.18.0.0/24", 0, NULL, NULL },
		{ "198.18.1.0", 23, REF_NODE_REFERRAL, 1440, 0, "198.18.1.0/24", 2,
		    "203.0.113.11", "203.0.113.12" },
		/* outside: the requested prefix, I set, TTL 0 */
		{ "203.0.113.77", 0, REF_NOT_AUTHORITATIVE, 0, 1, "203.0.113.77/32", 0, NULL, NULL },
		{ "198.20.1.7", 8, REF_NOT_AUTHORITATIVE, 0, 1, "198.0.0.0/8", 0, NULL, NULL },
		{ "2001:db8:1::5", 0, REF_NOT_AUTHORITATIVE, 0, 1,
		    "2001:db8:1::5/128", 0, NULL, NULL },	/* IID 0: not the [7] space */
	};
	struct ref_answer a;
	size_t i;

	for (i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
		ddt_request(t[i].eid, t[i].mlen, &a);
		assert_int_equal(a.rec.act, t[i].act);
		assert_int_equal(a.rec.ttl, t[i].ttl);
		assert_int_equal(a.rec.incomplete, t[i].incomplete);
		assert_string_equal(a.prefix, t[i].prefix);
		assert_int_equal(a.nrlocs, t[i].nrlocs);
		if (t[i].rloc0 != NULL)
			assert_string_equal(a.rlocs[0], t[i].rloc0);
		if (t[i].rloc1 != NULL)
			assert_string_equal(a.rlocs[1], t[i].rloc1);
	}
}

/* a plain ECM (no D) is not the node's, nor a Map-Referral; the per-source
 * limit holds within a second and frees the next */
static void
test_node_refuses(void **state)
{
	uint8_t	buf[1024];
	size_t	len;
	int	i, answered = 0;

	len = rm_request("198.18.1.1", 0, ITR, 4342, 1, 0, buf, sizeof(buf),
	    NULL, NULL);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, MR, 4342), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_REQUEST_NO_ROLE), 1);
	buf[0] |= ECM_D >> 24;
	for (i = 0; i < 30; i++) {
		assert_int_equal(fake_rx(buf, len, "192.0.2.77", 4342), 1);
	}
	answered = (int)fake_nsent();
	assert_int_equal(answered, 20);
	assert_int_equal(fake_role_drops(&role_ddt, "ddt map-request: rate limit"), 10);
	fake_advance(1000);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, "192.0.2.77", 4342), 1);
	assert_int_equal(fake_nsent(), 1);
}

static const char ms_conf[] =
    "role map-server\n"
    "site here {\n"
    "	key 0 sha256 \"s3cret\"\n"
    "	eid-prefix 198.18.7.0/24 accept-more-specifics\n"
    "}\n";

static int
setup_ms(void **state)
{
	fake_start(ms_conf);
	fake_role(&role_ms);
	return 0;
}

static void
ms_register(const char *prefix, uint32_t flags)
{
	struct rm_reg	s = { prefix, "192.0.2.60", flags, 0x55, "s3cret", 0, 0, 0, 0 };
	uint8_t		buf[512];
	size_t		len = rm_register(&s, buf, sizeof(buf));

	assert_int_equal(fake_rx(buf, len, "192.0.2.60", 4342), 1);
}

/* the Map-Server as the DDT leaf: MS-ACK and the request forwarded to the
 * ETR as an ECM with E (D cleared), or proxy-answered; MS-NOT-REGISTERED
 * for configured space without a registration; NOT-AUTHORITATIVE outside */
static void
test_ms_leaf(void **state)
{
	struct ref_answer	 a;
	struct rm_answer	 rep;
	const struct fake_sent	*s;
	uint32_t		 w0;
	size_t			 i;

	ddt_request("198.18.7.9", 0, &a);
	assert_int_equal(a.rec.act, REF_MS_NOT_REGISTERED);
	assert_int_equal(a.rec.ttl, 1);
	assert_int_equal(a.rec.incomplete, 1);
	assert_string_equal(a.prefix, "198.18.7.0/24");

	ms_register("198.18.7.128/25", 0);
	ddt_request("198.18.7.9", 0, &a);	/* beside the registration */
	assert_int_equal(a.rec.act, REF_MS_NOT_REGISTERED);
	assert_string_equal(a.prefix, "198.18.7.0/25");

	fake_sent_clear();
	{
		uint8_t	buf[1024];
		size_t	len = rm_request("198.18.7.200", 0, ITR, 4342, 0xabc, 0,
		    buf, sizeof(buf), NULL, NULL);

		buf[0] |= ECM_D >> 24;
		assert_int_equal(fake_rx(buf, len, MR, 4342), 1);
	}
	assert_int_equal(fake_nsent(), 2);
	for (i = 0; i < 2; i++) {
		s = fake_sent_get(i);
		if (s->buf[0] >> 4 == LISP_ECM) {
			assert_string_equal(fake_dst_fmt(s), "192.0.2.60:4342");
			w0 = get_u32(s->buf);
			assert_true(w0 & ECM_E);
			assert_false(w0 & ECM_D);
		} else {
			assert_string_equal(fake_dst_fmt(s), MR ":4342");
			ref_decode(s, &a);
			assert_int_equal(a.nonce, 0xabc);
			assert_int_equal(a.rec.act, REF_MS_ACK);
			assert_int_equal(a.rec.ttl, 1440);
			assert_string_equal(a.prefix, "198.18.7.128/25");
		}
	}

	/* proxy-reply: the ITR gets the Map-Reply from the Map-Server */
	ms_register("198.18.7.0/26", MREG_P);
	fake_sent_clear();
	{
		uint8_t	buf[1024];
		size_t	len = rm_request("198.18.7.1", 0, ITR, 4342, 0xabd, 0,
		    buf, sizeof(buf), NULL, NULL);

		buf[0] |= ECM_D >> 24;
		assert_int_equal(fake_rx(buf, len, MR, 4342), 1);
	}
	assert_int_equal(fake_nsent(), 2);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &rep);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":4342");
	assert_string_equal(rep.prefix, "198.18.7.0/26");
	ref_decode(fake_sent_get(1), &a);
	assert_int_equal(a.rec.act, REF_MS_ACK);

	ddt_request("198.51.100.1", 0, &a);
	assert_int_equal(a.rec.act, REF_NOT_AUTHORITATIVE);
	assert_int_equal(a.rec.ttl, 0);
	assert_string_equal(a.prefix, "198.51.100.1/32");
}

/* -- the DDT Map-Resolver -------------------------------------------- */

#define ROOT	"192.0.2.1"
#define NODE1	"192.0.2.11"
#define NODE2	"192.0.2.12"
#define MSA	"192.0.2.21"

static const char dr_conf[] =
    "role map-resolver\n"
    "ddt-root " ROOT "\n"
    "timers {\n"
    "	referral-ttl-max 30\n"
    "}\n";

static int
setup_dr(void **state)
{
	fake_start(dr_conf);
	fake_role(&role_ddtmr);
	fake_role(&role_mr);
	return 0;
}


/* a Map-Referral of one record from src; what was sent in answer */
static size_t
referral(const char *src, uint64_t nonce, const char *pfx, unsigned act,
    uint32_t ttl, const char *r0, const char *r1)
{
	struct referral_build	 b;
	struct lisp_addr	 rl[2];
	uint8_t			 buf[512];
	size_t			 len;

	memset(&b, 0, sizeof(b));
	b.nonce = nonce;
	assert_int_equal(prefix_parse(pfx, &b.eid, &b.mlen), 0);
	b.act = (uint8_t)act;
	b.ttl = ttl;
	if (r0 != NULL)
		assert_int_equal(addr_parse(&rl[b.nrlocs++], r0), 0);
	if (r1 != NULL)
		assert_int_equal(addr_parse(&rl[b.nrlocs++], r1), 0);
	b.rlocs = rl;
	len = map_referral_build(buf, sizeof(buf), &b);
	assert_true(len > 0);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, src, 4342), 1);
	return fake_nsent();
}

static json_int_t
dr_stat(const char *key)
{
	char	 err[128];
	json_t	*j = fake_ctl(&role_ddtmr, "show referral-cache", NULL, err, sizeof(err));
	json_int_t n = (json_int_t)json_array_size(j);

	assert_non_null(j);
	json_decref(j);
	(void)key;
	return n;
}

/* the walk root -> node (timeout, the alternate) -> Map-Server, the cache
 * short-cutting the next request, a hole answered negatively and then
 * from the cache, forged and looping referrals refused, expiry */
static void
test_dr_walk(void **state)
{
	const struct fake_sent	*s;
	struct rm_answer	 a;
	uint64_t		 drops;

	s = itr_request("198.18.1.9", 0x100);
	assert_ddt_to(s, ROOT);
	assert_int_equal(referral(ROOT, 0x100, "198.18.0.0/16",
	    REF_NODE_REFERRAL, 1440, NODE1, NODE2), 1);
	assert_ddt_to(fake_sent_get(0), NODE1);
	/* NODE1 is down: after the timeout the alternate */
	fake_sent_clear();
	fake_advance(1000);
	assert_int_equal(fake_nsent(), 1);
	assert_ddt_to(fake_sent_get(0), NODE2);
	/* a referral from the node that went quiet is not taken now */
	drops = fake_role_drops(&role_ddtmr, "map-referral: not from the rloc asked");
	assert_int_equal(referral(NODE1, 0x100, "198.18.1.0/24",
	    REF_MS_REFERRAL, 1440, "192.0.2.66", NULL), 0);
	assert_int_equal(fake_role_drops(&role_ddtmr,
	    "map-referral: not from the rloc asked"), drops + 1);
	/* nor one no more specific than the last (a loop) */
	assert_int_equal(referral(NODE2, 0x100, "198.18.0.0/15",
	    REF_NODE_REFERRAL, 1440, ROOT, NULL), 0);
	assert_int_equal(fake_role_drops(&role_ddtmr,
	    "map-referral: not more specific than the last"), 1);

	/* again, through the cache: NODE2 first now */
	s = itr_request("198.18.1.9", 0x101);
	assert_ddt_to(s, NODE2);
	assert_int_equal(referral(NODE2, 0x101, "198.18.1.0/24",
	    REF_MS_REFERRAL, 1440, MSA, NULL), 1);
	assert_ddt_to(fake_sent_get(0), MSA);
	assert_int_equal(referral(MSA, 0x101, "198.18.1.0/24", REF_MS_ACK,
	    1440, MSA, NULL), 0);
	/* the next goes straight to the Map-Server */
	assert_ddt_to(itr_request("198.18.1.10", 0x102), MSA);
	assert_int_equal(referral(MSA, 0x102, "198.18.1.0/24", REF_MS_ACK,
	    1440, MSA, NULL), 0);
	assert_int_equal(dr_stat(NULL), 3);	/* root, /16, /24 */

	/* a hole: negative Map-Reply for its prefix, then from the cache */
	s = itr_request("198.18.9.9", 0x103);
	assert_ddt_to(s, NODE2);
	assert_int_equal(referral(NODE2, 0x103, "198.18.8.0/21",
	    REF_DELEGATION_HOLE, 15, NULL, NULL), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":40000");
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, 0x103);
	assert_string_equal(a.prefix, "198.18.8.0/21");
	assert_int_equal(a.rec.ttl, 15);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	s = itr_request("198.18.10.1", 0x104);
	rm_reply_decode(s->buf, s->len, &a);
	assert_int_equal(a.nonce, 0x104);
	assert_string_equal(a.prefix, "198.18.8.0/21");

	/* a hole wider than the node's delegation is its part only */
	s = itr_request("198.18.200.1", 0x105);
	assert_ddt_to(s, NODE2);
	assert_int_equal(referral(NODE2, 0x105, "198.0.0.0/8",
	    REF_DELEGATION_HOLE, 15, NULL, NULL), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "198.18.0.0/16");

	/* unsolicited */
	assert_int_equal(referral(NODE2, 0x999, "198.18.1.0/24",
	    REF_MS_ACK, 1440, NULL, NULL), 0);
	assert_int_equal(fake_role_drops(&role_ddtmr,
	    "map-referral: no pending request"), 1);

	/* referral-ttl-max 30 s: all gone but the root after it */
	fake_advance(31000);
	assert_int_equal(dr_stat(NULL), 1);
	assert_ddt_to(itr_request("198.18.1.9", 0x106), ROOT);
}

/* every RLOC silent: the request is given up, the table does not grow */
static void
test_dr_timeout(void **state)
{
	int i;

	for (i = 0; i < 5; i++)
		assert_ddt_to(itr_request("198.18.1.9", 0x200 + (uint64_t)i), ROOT);
	fake_sent_clear();
	fake_advance(1000);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_role_drops(&role_ddtmr,
	    "ddt: no answer from any referral rloc"), 5);
	assert_int_equal(fake_timers_armed(), 0);
}

/* MS-NOT-REGISTERED from every Map-Server of the set: a negative reply
 * (TTL 1) and a negative cache entry; NOT-AUTHORITATIVE to a request sent
 * from the cache flushes the entry and starts again at the root */
static void
test_dr_not_registered_and_stale(void **state)
{
	const struct fake_sent	*s;
	struct rm_answer	 a;
	char			 err[128];
	json_t			*j;
	size_t			 i;
	int			 found = 0;

	s = itr_request("198.18.5.5", 0x300);
	assert_ddt_to(s, ROOT);
	assert_int_equal(referral(ROOT, 0x300, "198.18.5.0/24",
	    REF_MS_REFERRAL, 1440, MSA, "192.0.2.22"), 1);
	assert_ddt_to(fake_sent_get(0), MSA);
	assert_int_equal(referral(MSA, 0x300, "198.18.5.0/24",
	    REF_MS_NOT_REGISTERED, 1, MSA, NULL), 1);
	assert_ddt_to(fake_sent_get(0), "192.0.2.22");	/* the other one */
	assert_int_equal(referral("192.0.2.22", 0x300, "198.18.5.0/24",
	    REF_MS_NOT_REGISTERED, 1, NULL, NULL), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":40000");
	assert_string_equal(a.prefix, "198.18.5.0/24");
	assert_int_equal(a.rec.ttl, 1);
	assert_int_equal(a.nlocs, 0);
	j = fake_ctl(&role_ddtmr, "show referral-cache", NULL, err, sizeof(err));
	for (i = 0; i < json_array_size(j); i++)
		if (strcmp(json_string_value(json_object_get(json_array_get(j, i),
		    "action")), "ms-not-registered") == 0)
			found = 1;
	json_decref(j);
	assert_true(found);

	/* a cached node referral gone stale */
	s = itr_request("198.18.1.9", 0x301);
	assert_ddt_to(s, ROOT);
	assert_int_equal(referral(ROOT, 0x301, "198.18.0.0/16",
	    REF_NODE_REFERRAL, 1440, NODE1, NULL), 1);
	assert_int_equal(referral(NODE1, 0x301, "198.18.1.0/24",
	    REF_MS_REFERRAL, 1440, MSA, NULL), 1);
	assert_int_equal(referral(MSA, 0x301, "198.18.1.0/24", REF_MS_ACK,
	    1440, MSA, NULL), 0);
	s = itr_request("198.18.9.1", 0x302);		/* via the cached /16 */
	assert_ddt_to(s, NODE1);
	assert_int_equal(referral(NODE1, 0x302, "198.18.9.1/32",
	    REF_NOT_AUTHORITATIVE, 0, NULL, NULL), 1);
	assert_ddt_to(fake_sent_get(0), ROOT);		/* from the top again */
	/* and a second NOT-AUTHORITATIVE, now from the root, ends it */
	assert_int_equal(referral(ROOT, 0x302, "198.18.9.1/32",
	    REF_NOT_AUTHORITATIVE, 0, NULL, NULL), 0);
	assert_int_equal(fake_role_drops(&role_ddtmr, "ddt: not-authoritative answer"), 1);
}

/* a DDT node beside a Map-Server: its delegations are the node's, the
 * site's space (outside them) the Map-Server's */
static const char node_ms_conf[] =
    "role ddt-node\n"
    "role map-server\n"
    "ddt-authoritative-prefix 198.18.0.0/16\n"
    "ddt-delegation 198.18.1.0/24 map-server 203.0.113.21\n"
    "site here {\n"
    "	key 0 sha256 \"s3cret\"\n"
    "	eid-prefix 198.19.7.0/24\n"
    "}\n";

static int
setup_node_ms(void **state)
{
	fake_start(node_ms_conf);
	fake_role(&role_ms);
	fake_role(&role_ddt);
	return 0;
}

static void
test_node_beside_ms(void **state)
{
	struct ref_answer a;

	ddt_request("198.18.1.1", 0, &a);
	assert_int_equal(a.rec.act, REF_MS_REFERRAL);
	ddt_request("198.18.9.1", 0, &a);
	assert_int_equal(a.rec.act, REF_DELEGATION_HOLE);
	ddt_request("198.19.7.1", 0, &a);
	assert_int_equal(a.rec.act, REF_MS_NOT_REGISTERED);
	assert_string_equal(a.prefix, "198.19.7.0/24");
	ddt_request("203.0.113.1", 0, &a);
	assert_int_equal(a.rec.act, REF_NOT_AUTHORITATIVE);
}

/* the Map-Server limits DDT Map-Requests per requester like plain ones */
static int
setup_ms_limited(void **state)
{
	fake_start("role map-server\n"
	    "map-request-ratelimit 3\n"
	    "site here {\n"
	    "	key 0 sha256 \"s3cret\"\n"
	    "	eid-prefix 198.18.7.0/24\n"
	    "}\n");
	fake_role(&role_ms);
	return 0;
}

static void
test_ms_leaf_limited(void **state)
{
	uint8_t	buf[1024];
	size_t	len;
	int	i;

	len = rm_request("198.18.7.9", 0, ITR, 4342, 0x42, 0, buf, sizeof(buf),
	    NULL, NULL);
	buf[0] |= ECM_D >> 24;
	fake_sent_clear();
	for (i = 0; i < 5; i++)
		assert_int_equal(fake_rx(buf, len, MR, 4342), 1);
	assert_int_equal(fake_nsent(), 3);
	assert_int_equal(fake_role_drops(&role_ms, "ddt map-request: rate limit"), 2);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_node_referrals, setup_node, teardown),
		cmocka_unit_test_setup_teardown(test_node_refuses, setup_node, teardown),
		cmocka_unit_test_setup_teardown(test_ms_leaf, setup_ms, teardown),
		cmocka_unit_test_setup_teardown(test_ms_leaf_limited, setup_ms_limited, teardown),
		cmocka_unit_test_setup_teardown(test_node_beside_ms, setup_node_ms, teardown),
		cmocka_unit_test_setup_teardown(test_dr_walk, setup_dr, teardown),
		cmocka_unit_test_setup_teardown(test_dr_timeout, setup_dr, teardown),
		cmocka_unit_test_setup_teardown(test_dr_not_registered_and_stale, setup_dr, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
