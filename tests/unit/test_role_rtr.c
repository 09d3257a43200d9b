/* the RTR role's control side against the fake core: an xTR's ECM'd
 * Map-Register relayed to its Map-Server unchanged but for the N bit, the
 * Map-Notify passed on as a Data-Map-Notify to the address and port the
 * register came from; spoofed registers (another source, the same xTR-ID)
 * change nothing until a Map-Notify with their nonce verifies them;
 * refusals counted; no relay to an unconfigured Map-Server; the state
 * times out. MS-RTR authentication (NAT draft §4.4, §5.3): a signed
 * Map-Notify checked with the map-server line's key, an unsigned one
 * taken (ms-rtr-auth on) or refused (required, which also signs the
 * relay); off sends and checks nothing. the same-NAT short-cut (nat-shortcut): two xTRs
 * verified behind one global address are told each other's prefixes at
 * their private addresses, others not; probes from behind the NAT are
 * answered through it */
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

#include "auth.h"
#include "fakecore.h"
#include "lispsec.h"
#include "msrtr.h"
#include "rolemsg.h"

extern const struct role role_rtr;

#define MS	"203.0.113.2"
#define XTR	"198.19.0.2"		/* private */
#define NAT	"203.0.113.1"		/* the NAT's outside */

static const char conf_text[] =
    "role rtr\n"
    "log-rate 1000\n"
    "timers {\n"
    "	registration-ttl 60\n"
    "}\n"
    "map-server " MS " key 0 sha1 \"ms-rtr\"\n";

static void *rtr;

static int
setup(void **state)
{
	fake_start(conf_text);
	rtr = fake_role(&role_rtr);
	return 0;
}

static int
setup_required(void **state)
{
	char c[512];

	snprintf(c, sizeof(c), "%sms-rtr-auth required\n", conf_text);
	fake_start(c);
	rtr = fake_role(&role_rtr);
	return 0;
}

static int
setup_off(void **state)
{
	char c[512];

	snprintf(c, sizeof(c), "%sms-rtr-auth off\n", conf_text);
	fake_start(c);
	rtr = fake_role(&role_rtr);
	return 0;
}

static int
setup_shortcut(void **state)
{
	char c[512];

	snprintf(c, sizeof(c), "%snat-shortcut yes\n", conf_text);
	fake_start(c);
	rtr = fake_role(&role_rtr);
	return 0;
}

static json_int_t
stat(const char *k)
{
	json_t		*o = role_rtr.stats(rtr);
	json_int_t	 v = json_integer_value(json_object_get(o, k));

	json_decref(o);
	return v;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

/* an ECM around a Map-Register or Map-Notify: inner src -> dst */
static size_t
ecm_msg(uint8_t *buf, size_t cap, uint32_t flags, const char *src, const char *dst,
    int notify, uint64_t nonce, int ids)
{
	struct rm_reg	 r = { .prefix = "198.18.1.0/24", .rloc = "203.0.113.9",
			    .flags = MREG_M | MREG_P, .nonce = nonce, .key = "k",
			    .ids = ids };
	uint8_t		 inner[512];
	size_t		 n = rm_register(&r, inner, sizeof(inner));
	struct lisp_addr s, d;
	struct wbuf	 w;

	if (notify)
		inner[0] = LISP_MAP_NOTIFY << 4;
	assert_int_equal(addr_parse(&s, src), 0);
	assert_int_equal(addr_parse(&d, dst), 0);
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, flags, &s, &d, 4342, 4342, inner, n);
	assert_false(w.err);
	return w.len;
}

/* ecm_msg for another xTR: its prefix, the last octet of its xTR-ID, its
 * private address */
static size_t
ecm_xtr(uint8_t *buf, size_t cap, int notify, uint64_t nonce,
    const char *prefix, uint8_t id, const char *priv)
{
	struct rm_reg	 r = { .prefix = prefix, .rloc = "203.0.113.9",
			    .flags = MREG_M | MREG_P, .nonce = nonce, .key = "k",
			    .ids = 1 };
	uint8_t		 inner[512];
	size_t		 n = rm_register(&r, inner, sizeof(inner));
	struct lisp_addr s, d;
	struct wbuf	 w;

	inner[n - 9] = id;		/* xTR-ID (16), Site-ID (8) at the end */
	if (notify)
		inner[0] = LISP_MAP_NOTIFY << 4;
	assert_int_equal(addr_parse(&s, notify ? MS : priv), 0);
	assert_int_equal(addr_parse(&d, notify ? priv : MS), 0);
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, ECM_R, &s, &d, 4342, 4342, inner, n);
	assert_false(w.err);
	return w.len;
}

/* the Map-Reply of a short-cut sent to dst: LISP data header with
 * instance-id 0xFFFFFF, inner IPv4 to priv, UDP 4342 */
static const struct fake_sent *
hint_to(const char *dst, const char *priv, struct rm_answer *a)
{
	const struct fake_sent	*s;
	struct rbuf		 b;
	struct lisp_data_hdr	 h;
	const char		*why;
	char			 ip[ADDR_STRLEN];
	size_t			 i;

	for (i = 0; i < fake_nsent(); i++) {
		s = fake_sent_get(i);
		if (strcmp(fake_dst_fmt(s), dst) != 0)
			continue;
		rbuf_init(&b, s->buf, s->len);
		assert_int_equal(data_hdr_decode(&b, &h, &why), 0);
		assert_int_equal(h.iid, 0xFFFFFF);
		assert_true(b.len > 28);
		if (b.p[28] >> 4 != LISP_MAP_REPLY)
			continue;	/* the Data-Map-Notify */
		assert_int_equal(b.p[0], 0x45);
		inet_ntop(AF_INET, b.p + 16, ip, sizeof(ip));
		assert_string_equal(ip, priv);
		assert_int_equal(b.p[22] << 8 | b.p[23], 4342);
		rm_reply_decode(b.p + 28, b.len - 28, a);
		return s;
	}
	return NULL;
}

static void
test_shortcut(void **state)
{
	uint8_t			 q[1024];
	struct rm_answer	 a;
	char			 s[ADDR_STRLEN];

	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 100, "198.18.1.0/24", 0x11, XTR), NAT, 40001);
	fake_rx(q, ecm_xtr(q, sizeof(q), 1, 100, "198.18.1.0/24", 0x11, XTR), MS, 4342);
	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 200, "198.18.3.0/24", 0x22, "198.19.1.2"), NAT, 40002);
	fake_sent_clear();
	fake_rx(q, ecm_xtr(q, sizeof(q), 1, 200, "198.18.3.0/24", 0x22, "198.19.1.2"), MS, 4342);
	/* the Data-Map-Notify and one short-cut each way */
	assert_int_equal(fake_nsent(), 3);
	assert_non_null(hint_to(NAT ":40001", XTR, &a));
	assert_int_equal(a.nonce, 100);		/* the receiver's own */
	assert_string_equal(a.prefix, "198.18.3.0/24");
	assert_int_equal(a.nlocs, 2);
	assert_string_equal(addr_fmt(&a.locs[0].addr, s, sizeof(s)), "198.19.1.2");
	assert_int_equal(a.locs[0].priority, 1);
	assert_string_equal(addr_fmt(&a.locs[1].addr, s, sizeof(s)), FAKE_LOCAL4);
	assert_int_equal(a.locs[1].priority, 2);
	assert_non_null(hint_to(NAT ":40002", "198.19.1.2", &a));
	assert_int_equal(a.nonce, 200);
	assert_string_equal(a.prefix, "198.18.1.0/24");
	assert_string_equal(addr_fmt(&a.locs[0].addr, s, sizeof(s)), XTR);
	assert_int_equal(stat("shortcut_hints"), 2);

	/* behind another NAT: no short-cut */
	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 300, "198.18.4.0/24", 0x33, "198.19.2.2"),
	    "203.0.113.77", 40003);
	fake_sent_clear();
	fake_rx(q, ecm_xtr(q, sizeof(q), 1, 300, "198.18.4.0/24", 0x33, "198.19.2.2"), MS, 4342);
	assert_int_equal(fake_nsent(), 1);
	assert_null(hint_to("203.0.113.77:40003", "198.19.2.2", &a));

	/* an RLOC-probe from behind the NAT (its ITR-RLOC private): answered
	 * to where it came from, through the NAT's binding */
	fake_sent_clear();
	{
		size_t qlen = rm_request("198.18.3.5", 0, XTR, 0, 78, 1, q, sizeof(q), NULL, NULL);

		q[0] |= MREQ_P >> 24;
		assert_int_equal(fake_rx(q, qlen, NAT, 40001), 1);
		assert_int_equal(fake_nsent(), 1);
		assert_string_equal(fake_dst_fmt(fake_sent_get(0)), NAT ":40001");
	}
}

/* without nat-shortcut: two xTRs behind one NAT get no short-cut */
static void
test_no_shortcut(void **state)
{
	uint8_t	q[1024];

	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 100, "198.18.1.0/24", 0x11, XTR), NAT, 40001);
	fake_rx(q, ecm_xtr(q, sizeof(q), 1, 100, "198.18.1.0/24", 0x11, XTR), MS, 4342);
	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 200, "198.18.3.0/24", 0x22, "198.19.1.2"), NAT, 40002);
	fake_sent_clear();
	fake_rx(q, ecm_xtr(q, sizeof(q), 1, 200, "198.18.3.0/24", 0x22, "198.19.1.2"), MS, 4342);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(stat("shortcut_hints"), 0);
}

/* the ECM of ecm_msg signed as a Map-Server sharing key with us */
static size_t
ecm_signed(uint8_t *buf, size_t cap, uint32_t flags, const char *src,
    const char *dst, int notify, uint64_t nonce, const char *key)
{
	size_t		 len0 = ecm_msg(buf, cap, flags, src, dst, notify, nonce, 1), len;
	struct rbuf	 b;
	struct lisp_ecm	 ecm;
	struct msg_err	 err;

	rbuf_init(&b, buf, len0);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	len = msrtr_ecm_sign(buf, len0, cap, 0, ALG_HMAC_SHA1_96, key, strlen(key),
	    ecm.inner.p, ecm.inner.len);
	assert_int_equal(len, len0 + MSRTR_AD_HDR + 20);
	return len;
}

static json_t *
xtr0(void)
{
	char	 err[128];
	json_t	*o = fake_ctl(&role_rtr, "show nat", NULL, err, sizeof(err));

	assert_non_null(o);
	return o;
}

static void
test_relay_and_notify(void **state)
{
	uint8_t			 q[1024];
	size_t			 qlen = ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1);
	const struct fake_sent	*s;
	struct rbuf		 b;
	struct lisp_ecm		 ecm;
	struct lisp_data_hdr	 h;
	struct msg_err		 err;
	const char		*why;
	json_t			*o, *x;

	assert_int_equal(fake_rx(q, qlen, NAT, 40001), 1);
	/* relayed: the same inner packet, N instead of R, to the MS
	 * (unsigned under ms-rtr-auth on, as the draft has it) */
	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(s), MS ":4342");
	assert_int_equal(s->len, qlen);
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_true(ecm.flags & ECM_N);
	assert_false(ecm.flags & ECM_S);
	assert_false(ecm.flags & ECM_R);
	assert_memory_equal(s->buf + 4, q + 4, qlen - 4);
	/* pending until the MS says yes */
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "state")), "pending");
	assert_true(json_is_null(json_object_get(x, "global")));
	json_decref(o);

	/* the MS's ECM'd Map-Notify (from another of its addresses) */
	fake_sent_clear();
	qlen = ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1);
	assert_int_equal(fake_rx(q, qlen, "203.0.113.10", 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(s), NAT ":40001");
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(data_hdr_decode(&b, &h, &why), 0);
	assert_true(h.flags & LD_I);
	assert_int_equal(h.iid, 0xFFFFFF);
	/* then the inner IP packet of the ECM: the Map-Notify to the xTR */
	assert_int_equal(b.len, qlen - 4);
	assert_memory_equal(b.p, q + 4, b.len);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "state")), "verified");
	assert_string_equal(json_string_value(json_object_get(x, "global")), NAT);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40001);
	assert_string_equal(json_string_value(json_object_get(x, "private")), XTR);
	assert_string_equal(json_string_value(json_array_get(json_object_get(x,
	    "eid_prefixes"), 0)), "198.18.1.0/24");
	json_decref(o);
	/* unsigned (ms-rtr-auth on): taken on the nonce alone */
	assert_int_equal(stat("notifies_relayed"), 1);
	assert_int_equal(stat("notifies_authenticated"), 0);
}

/* a Map-Notify signed by the MS: checked, then passed on without the AD
 * (the Data-Map-Notify carries the inner IP packet); a wrong key is
 * refused and verifies nothing */
static void
test_notify_signed(void **state)
{
	uint8_t			 q[1024], ip[1024];
	size_t			 qlen, iplen;
	const struct fake_sent	*s;
	struct rbuf		 b;
	struct lisp_data_hdr	 h;
	const char		*why;
	json_t			*o;

	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1), NAT, 40001);
	fake_sent_clear();
	qlen = ecm_signed(q, sizeof(q), ECM_R, MS, XTR, 1, 100, "wrong");
	assert_int_equal(fake_rx(q, qlen, MS, 4342), 1);
	assert_int_equal(fake_role_drops(&role_rtr,
	    "rtr: map-notify with invalid ms-rtr auth data"), 1);
	assert_int_equal(fake_nsent(), 0);
	o = xtr0();
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "xtrs"), 0), "state")), "pending");
	json_decref(o);

	iplen = ecm_msg(ip, sizeof(ip), ECM_R, MS, XTR, 1, 100, 1) - 4;
	memmove(ip, ip + 4, iplen);
	qlen = ecm_signed(q, sizeof(q), ECM_R, MS, XTR, 1, 100, "ms-rtr");
	assert_int_equal(fake_rx(q, qlen, MS, 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(s), NAT ":40001");
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(data_hdr_decode(&b, &h, &why), 0);
	assert_int_equal(b.len, iplen);
	assert_memory_equal(b.p, ip, iplen);
	assert_int_equal(stat("notifies_authenticated"), 1);
	o = xtr0();
	assert_string_equal(json_string_value(json_object_get(json_array_get(
	    json_object_get(o, "xtrs"), 0), "state")), "verified");
	json_decref(o);
}

/* ms-rtr-auth required: the relay is signed; an unsigned Map-Notify is
 * refused even with the right nonce; the signed one verifies */
static void
test_required(void **state)
{
	uint8_t			 q[1024];
	size_t			 qlen = ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1);
	const struct fake_sent	*s;
	struct rbuf		 b;
	struct lisp_ecm		 ecm;
	struct msg_err		 err;
	struct msrtr_ad		 ad;
	const char		*why;

	fake_rx(q, qlen, NAT, 40001);
	/* the same inner packet, N, with S and the MS-RTR authentication
	 * data of the map-server's key (type 2, key-id 0, HMAC-SHA-1, 20
	 * octets) over the Map-Register */
	assert_int_equal(fake_nsent(), 1);
	s = fake_sent_get(0);
	assert_int_equal(s->len, qlen + MSRTR_AD_HDR + 20);
	rbuf_init(&b, s->buf, s->len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_true(ecm.flags & ECM_N);
	assert_true(ecm.flags & ECM_S);
	assert_false(ecm.flags & ECM_R);
	assert_int_equal(s->buf[4], MSRTR_AD_TYPE);
	assert_int_equal(s->buf[8] << 8 | s->buf[9], ALG_HMAC_SHA1_96);
	assert_int_equal(s->buf[10] << 8 | s->buf[11], 20);
	assert_int_equal(msrtr_ad_decode(&ecm.sec, &ad, &why), 0);
	assert_int_equal(msrtr_ad_verify(&ad, 0, ALG_HMAC_SHA1_96, "ms-rtr",
	    6, ecm.inner.p, ecm.inner.len), 1);
	assert_int_equal(msrtr_ad_verify(&ad, 0, ALG_HMAC_SHA1_96, "ms-rtx",
	    6, ecm.inner.p, ecm.inner.len), 0);
	assert_memory_equal(s->buf + 4 + MSRTR_AD_HDR + 20, q + 4, qlen - 4);
	fake_sent_clear();
	qlen = ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1);
	assert_int_equal(fake_rx(q, qlen, MS, 4342), 1);
	assert_int_equal(fake_role_drops(&role_rtr,
	    "rtr: map-notify without ms-rtr auth data"), 1);
	assert_int_equal(fake_nsent(), 0);
	qlen = ecm_signed(q, sizeof(q), ECM_R, MS, XTR, 1, 100, "ms-rtr");
	assert_int_equal(fake_rx(q, qlen, MS, 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(stat("notifies_authenticated"), 1);
}

/* ms-rtr-auth off: the relay is the old one (no S, the same size), and
 * an AD is not looked at */
static void
test_off(void **state)
{
	uint8_t			 q[1024];
	size_t			 qlen = ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1);
	const struct fake_sent	*s;

	fake_rx(q, qlen, NAT, 40001);
	s = fake_sent_get(0);
	assert_int_equal(s->len, qlen);
	assert_false(s->buf[0] & (ECM_S >> 24));
	assert_memory_equal(s->buf + 4, q + 4, qlen - 4);
	fake_sent_clear();
	qlen = ecm_signed(q, sizeof(q), ECM_R, MS, XTR, 1, 100, "wrong");
	assert_int_equal(fake_rx(q, qlen, MS, 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(stat("notifies_authenticated"), 0);
}

/* a spoofed register for the same xTR-ID from elsewhere: relayed (the MS
 * judges it), but the verified state stays until a Map-Notify of its
 * nonce; a notify with another nonce or not from the MS does nothing */
static void
test_spoofed(void **state)
{
	uint8_t		 q[1024];
	size_t		 qlen;
	json_t		*o, *x;

	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1), NAT, 40001);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1), MS, 4342);
	fake_sent_clear();
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 101, 1), "198.51.100.66", 666);
	assert_int_equal(fake_nsent(), 1);	/* relayed, the same size */
	/* a forged notify: wrong nonce */
	qlen = ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 999, 1);
	fake_rx(q, qlen, MS, 4342);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify nonce mismatch"), 1);
	/* not from a configured MS (inner source) */
	qlen = ecm_msg(q, sizeof(q), ECM_R, "203.0.113.77", XTR, 1, 101, 1);
	fake_rx(q, qlen, "203.0.113.77", 4342);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify not from a map-server"), 1);
	assert_int_equal(fake_nsent(), 1);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "global")), NAT);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40001);
	json_decref(o);
	/* the pending one lapses; the verified one after registration-ttl */
	fake_advance(11000);
	fake_sent_clear();
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 101, 1), MS, 4342);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify nonce mismatch"), 2);
	assert_int_equal(fake_nsent(), 0);
	fake_advance(50000);
	o = xtr0();
	assert_int_equal(json_array_size(json_object_get(o, "xtrs")), 0);
	json_decref(o);
}

static void
test_refused(void **state)
{
	uint8_t	q[1024];

	/* to a Map-Server we do not relay to: no open relay */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, "203.0.113.200", 0, 1, 1), NAT, 1);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-register for an unknown map-server"), 1);
	/* without xTR-ID */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 2, 0), NAT, 1);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-register without xtr-id"), 1);
	/* without R */
	fake_rx(q, ecm_msg(q, sizeof(q), 0, XTR, MS, 0, 3, 1), NAT, 1);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: ecm'd map-register without r bit"), 1);
	/* a notify for an xTR we never saw */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 4, 1), MS, 4342);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify for an unknown xtr"), 1);
	assert_int_equal(fake_nsent(), 0);
}

/* two registers in flight (the binding changed between them): each
 * notify verifies the binding of its own register */
static void
test_two_in_flight(void **state)
{
	uint8_t	 q[1024];
	json_t	*o, *x;

	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1), NAT, 40001);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 101, 1), NAT, 40002);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1), MS, 4342);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40001);
	json_decref(o);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 101, 1), MS, 4342);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40002);
	json_decref(o);
	/* answered: a second notify of 100 matches nothing */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1), MS, 4342);
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify nonce mismatch"), 1);
}

/* registers spoofed for a genuine xTR's xTR-ID, whatever their number,
 * do not push out its register waiting for the Map-Notify: one source
 * holds at most two pending, the one with most loses its oldest, and the
 * verified binding's re-registrations lose nothing to other sources */
static void
test_pending_fair(void **state)
{
	uint8_t	 q[1024];
	char	 src[32];
	json_t	*o, *x;
	int	 i;

	/* a first registration, then ten spoofed from one address */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1), NAT, 40001);
	for (i = 0; i < 10; i++)
		fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 200 + i, 1),
		    "198.51.100.66", 666);
	assert_int_equal(fake_nsent(), 11);	/* each relayed: the MS judges */
	assert_int_equal(fake_role_drops(&role_rtr,
	    "rtr: pending map-register pushed out"), 8);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1), MS, 4342);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_string_equal(json_string_value(json_object_get(x, "state")), "verified");
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40001);
	json_decref(o);

	/* verified: spoofs from eight addresses around the xTR's periodic
	 * register from its binding; its Map-Notify still finds it */
	for (i = 0; i < 8; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 100 + i);
		fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 300 + i, 1), src, 666);
	}
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 101, 1), NAT, 40001);
	for (i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 120 + i);
		fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 400 + i, 1), src, 666);
	}
	fake_sent_clear();
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 101, 1), MS, 4342);
	assert_int_equal(fake_nsent(), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), NAT ":40001");
	assert_int_equal(fake_role_drops(&role_rtr, "rtr: map-notify nonce mismatch"), 0);

	/* the NAT makes a new binding: the xTR's register from it (its
	 * private address as before) among 16 spoofs from 16 addresses
	 * with another private address; its Map-Notify still finds it */
	fake_rx(q, ecm_xtr(q, sizeof(q), 0, 102, "198.18.1.0/24", 0x11, XTR), NAT, 40009);
	for (i = 0; i < 16; i++) {
		snprintf(src, sizeof(src), "198.51.100.%d", 140 + i);
		fake_rx(q, ecm_xtr(q, sizeof(q), 0, 500 + i, "198.18.1.0/24", 0x11,
		    "198.19.7.7"), src, 666);
	}
	fake_sent_clear();
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 102, 1), MS, 4342);
	assert_int_equal(fake_nsent(), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), NAT ":40009");
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40009);
	json_decref(o);

	/* a spoofed register the MS accepted nothing of stays pending and
	 * lapses; the verified state is unchanged */
	fake_advance(11000);
	o = xtr0();
	x = json_array_get(json_object_get(o, "xtrs"), 0);
	assert_int_equal(json_integer_value(json_object_get(x, "global_port")), 40009);
	json_decref(o);
}

/* RLOC-probes for the EID of a verified xTR are answered, with our
 * address as the locator; others are left to the core */
static void
test_probe(void **state)
{
	uint8_t			 q[1024];
	size_t			 qlen;
	struct rm_answer	 a;
	char			 s[ADDR_STRLEN];

	qlen = rm_request("198.18.1.5", 0, "203.0.113.5", 0, 77, 1, q, sizeof(q), NULL, NULL);
	q[0] |= MREQ_P >> 24;
	assert_int_equal(fake_rx(q, qlen, "203.0.113.5", 4342), 0);	/* not yet */
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, XTR, MS, 0, 100, 1), NAT, 40001);
	fake_rx(q, ecm_msg(q, sizeof(q), ECM_R, MS, XTR, 1, 100, 1), MS, 4342);
	fake_sent_clear();
	qlen = rm_request("198.18.1.5", 0, "203.0.113.5", 0, 77, 1, q, sizeof(q), NULL, NULL);
	q[0] |= MREQ_P >> 24;
	assert_int_equal(fake_rx(q, qlen, "203.0.113.5", 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), "203.0.113.5:4342");
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, 77);
	assert_string_equal(a.prefix, "198.18.1.0/24");
	assert_int_equal(a.nlocs, 1);
	assert_string_equal(addr_fmt(&a.locs[0].addr, s, sizeof(s)), FAKE_LOCAL4);
	assert_true(a.locs[0].flags & RLOC_p);
	/* an EID we hold nothing for */
	qlen = rm_request("198.18.7.5", 0, "203.0.113.5", 0, 78, 1, q, sizeof(q), NULL, NULL);
	q[0] |= MREQ_P >> 24;
	assert_int_equal(fake_rx(q, qlen, "203.0.113.5", 4342), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_relay_and_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_spoofed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_refused, setup, teardown),
		cmocka_unit_test_setup_teardown(test_probe, setup, teardown),
		cmocka_unit_test_setup_teardown(test_two_in_flight, setup, teardown),
		cmocka_unit_test_setup_teardown(test_notify_signed, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_fair, setup, teardown),
		cmocka_unit_test_setup_teardown(test_shortcut, setup_shortcut, teardown),
		cmocka_unit_test_setup_teardown(test_no_shortcut, setup, teardown),
		cmocka_unit_test_setup_teardown(test_required, setup_required, teardown),
		cmocka_unit_test_setup_teardown(test_off, setup_off, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
