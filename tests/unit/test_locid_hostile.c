/* hostile input at the xTR: what a Map-Reply, an RLOC-probe reply, an SMR
 * or a flood of Map-Requests may and may not do. the nonce index and the
 * pending bound of the map-cache, the per-requester Map-Reply limiter of
 * the ETR, and the SMR-invoked Map-Request keeping its s bit when it is
 * retransmitted. the daemon paths run in a private network namespace
 * (root) over real loopback sockets; what goes out is decoded. */
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "probe.h"
#include "core.h"
#include "xtr.h"

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

/* a drop counter of the xTR, by the name operators see */
static uint64_t
drops(const struct xtr *x, const char *reason)
{
	int i;

	for (i = 0; i < XTR_COUNTERS; i++)
		if (strcmp(xtr_drop_names[i], reason) == 0)
			return i < XTR_DROP__N ? x->drops[i] : x->dp.drops[i - XTR_DROP__N];
	fail_msg("no drop reason \"%s\"", reason);
	return 0;
}

/* a Map-Reply (P bit optional) with records "prefix" -> one locator each,
 * decoded into rep (views into buf) */
struct rec_spec {
	const char	*pfx;
	const char	*loc;
	uint16_t	 flags;		/* locator flags besides R */
	int		 auth;
	uint32_t	 ttl;		/* minutes, 0: 1440, TTL_ZERO: 0 */
};
#define TTL_ZERO	UINT32_MAX	/* Record TTL 0: remove at once */

static void
mkreply(struct lisp_map_reply *rep, uint8_t *buf, size_t cap, uint32_t flags,
    uint64_t nonce, const struct rec_spec *r, int n)
{
	struct lisp_map_reply h;
	struct lisp_record rec;
	struct lisp_rloc lo;
	struct rbuf b;
	struct wbuf w;
	struct msg_err err;
	int i, mlen;

	memset(&h, 0, sizeof(h));
	h.flags = flags;
	h.nonce = nonce;
	h.nrecords = (uint8_t)n;
	wbuf_init(&w, buf, cap);
	map_reply_encode_hdr(&w, &h);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(prefix_parse(r[i].pfx, &rec.eid, &mlen), 0);
		rec.eid_mlen = (uint8_t)mlen;
		rec.ttl = r[i].ttl == TTL_ZERO ? 0 : r[i].ttl ? r[i].ttl : 1440;
		rec.auth = (uint8_t)r[i].auth;
		rec.nrlocs = 1;
		record_encode(&w, &rec);
		memset(&lo, 0, sizeof(lo));
		lo.addr = A(r[i].loc);
		lo.priority = 1;
		lo.weight = 100;
		lo.mpriority = 255;
		lo.flags = RLOC_R | r[i].flags;
		rloc_encode(&w, &lo);
	}
	assert_false(w.err);
	rbuf_init(&b, buf, w.len);
	assert_int_equal(map_reply_decode(&b, rep, &err), 0);
}

static void
sin4(struct sockaddr_storage *ss, const char *a, uint16_t port)
{
	struct sockaddr_in *s = (struct sockaddr_in *)ss;

	memset(ss, 0, sizeof(*ss));
	s->sin_family = AF_INET;
	s->sin_port = htons(port);
	assert_int_equal(inet_pton(AF_INET, a, &s->sin_addr), 1);
}

/* -- map-cache: nonce index and pending bound (no sockets) ------------ */

static void
test_nonce_index(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct rbuf recs;
	struct mc_entry *e;
	struct lisp_addr a;
	uint8_t buf[512];
	int mlen, i;
	struct rec_spec two[] = { { "198.18.2.0/24", "203.0.113.5", 0, 1, 0 } };

	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	e = mapcache_add(mc, &a, mlen, 0);
	assert_int_equal(mapcache_pending(mc), 1);
	/* request nonces: retransmissions beyond MC_NONCES leave the index */
	e->requesting = 1;
	for (i = 0; i < 10; i++)
		mc_entry_add_nonce(mc, e, 1000 + (uint64_t)i);
	assert_int_equal(mapcache_nonce_count(mc), MC_NONCES);
	assert_null(mapcache_by_nonce(mc, 1000));
	assert_ptr_equal(mapcache_by_nonce(mc, 1009), e);
	mc_entry_clear_nonces(mc, e);
	assert_int_equal(mapcache_nonce_count(mc), 0);
	assert_null(mapcache_by_nonce(mc, 1009));
	/* answered: no longer pending */
	mkreply(&rep, buf, sizeof(buf), 0, 1, two, 1);
	recs = rep.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	mc_entry_set(mc, e, &rec, "map-reply", 0);
	assert_int_equal(mapcache_pending(mc), 0);
	/* probe nonces: found in O(1), not confused with request nonces */
	mc_entry_probe_make(e, 0)->nonce = 77;
	assert_int_equal(mapcache_probe_add(mc, e, 77), 0);
	assert_ptr_equal(mapcache_probe_find(mc, 77), e);
	assert_null(mapcache_by_nonce(mc, 77));
	mapcache_probe_del(mc, 77);
	assert_null(mapcache_probe_find(mc, 77));
	/* a refresh without the probed locator forgets its probe */
	mc_entry_probe_make(e, 0)->nonce = 78;
	assert_int_equal(mapcache_probe_add(mc, e, 78), 0);
	two[0].loc = "203.0.113.13";
	mkreply(&rep, buf, sizeof(buf), 0, 1, two, 1);
	recs = rep.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	mc_entry_set(mc, e, &rec, "map-reply", 0);
	assert_null(mapcache_probe_find(mc, 78));
	assert_int_equal(mapcache_nonce_count(mc), 0);
	/* removing an entry removes its nonces */
	mc_entry_probe_make(e, 0)->nonce = 79;
	assert_int_equal(mapcache_probe_add(mc, e, 79), 0);
	e->requesting = 1;
	mc_entry_add_nonce(mc, e, 5);
	assert_int_equal(mapcache_nonce_count(mc), 2);
	mapcache_remove(mc, e);
	assert_int_equal(mapcache_nonce_count(mc), 0);
	assert_null(mapcache_probe_find(mc, 79));
	assert_int_equal(mapcache_count(mc), 0);
	/* a pending entry removed unanswered */
	e = mapcache_add(mc, &a, mlen, 0);
	assert_int_equal(mapcache_pending(mc), 1);
	mapcache_remove(mc, e);
	assert_int_equal(mapcache_pending(mc), 0);
	mapcache_free(mc, NULL, NULL);
}

static void
test_etr_limiter(void **state)
{
	struct etr_rl *rl = calloc(1, sizeof(*rl));
	struct lisp_addr a = A("198.51.100.7"), b = A("2001:db8::7"), c;
	uint8_t v4[4] = { 203, 0, 113, 0 };
	int i, n;

	assert_non_null(rl);
	/* the burst, then nothing until a token is back (100 ms at 10/s) */
	for (n = i = 0; i < 50; i++)
		n += etr_rl_allow(rl, &a, 1000);
	assert_int_equal(n, ETR_RL_BURST);
	assert_int_equal(rl->limited, 50 - ETR_RL_BURST);
	assert_int_equal(etr_rl_allow(rl, &a, 1099), 0);
	assert_int_equal(etr_rl_allow(rl, &a, 1100), 1);
	assert_int_equal(etr_rl_allow(rl, &a, 1100), 0);
	/* another requester has its own bucket */
	assert_int_equal(etr_rl_allow(rl, &b, 1100), 1);
	/* a second apart: 10 more, not the whole burst */
	for (n = i = 0; i < 50; i++)
		n += etr_rl_allow(rl, &a, 2100);
	assert_int_equal(n, ETR_RL_RATE);
	/* a lig (one request every 2 s) is never limited */
	for (i = 0; i < 20; i++)
		assert_int_equal(etr_rl_allow(rl, &b, 10000 + (uint64_t)i * 2000), 1);
	/* many requesters: the table stays its size, each gets its burst */
	for (i = 0; i < 4 * ETR_RL_SLOTS; i++) {
		v4[3] = (uint8_t)i;
		v4[2] = (uint8_t)(i >> 8);
		addr_set_v4(&c, v4);
		assert_int_equal(etr_rl_allow(rl, &c, 60000), 1);
	}
	free(rl);
}

/* -- the daemon paths in a private network namespace ------------------ */

struct fx {
	struct locid	 l;
	struct xtr	 x;
	int		 mr;		/* 127.0.0.1:4342: the "map-resolver" */
	int		 itr;		/* a requester's socket */
	uint16_t	 itr_port;
	int		 tun[2];	/* SOCK_DGRAM pair: [0] daemon side */
};

static int
netns_private(void)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) == -1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return close(fd), -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		return close(fd), -1;
	close(fd);
	return 0;
}

static int
udp_bound(uint16_t port, uint16_t *got)
{
	struct sockaddr_storage ss;
	socklen_t sl = sizeof(struct sockaddr_in);
	int fd, big = 4 << 20;

	sin4(&ss, "127.0.0.1", port);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &big, sizeof(big));
	assert_int_equal(bind(fd, (struct sockaddr *)&ss, sl), 0);
	if (got != NULL) {
		assert_int_equal(getsockname(fd, (struct sockaddr *)&ss, &sl), 0);
		*got = ntohs(((struct sockaddr_in *)&ss)->sin_port);
	}
	return fd;
}

static int
fx_setup(void **state)
{
	static const char *text =
	    "role itr\nrole etr\n"
	    "map-resolver 127.0.0.1\n"
	    "map-server 127.0.0.2 key 0 sha256 \"k\"\n"
	    "database-mapping 198.18.1.0/24 {\n"
	    "	rloc 127.0.0.1 priority 1 weight 100\n"
	    "}\n"
	    "queue-per-destination 4\n";
	char err[512] = "";
	struct fx *f;

	if (getuid() != 0 || netns_private() == -1) {
		print_message("skipped: needs root for a private network namespace\n");
		*state = NULL;
		return 0;
	}
	assert_non_null(f = calloc(1, sizeof(*f)));
	f->l.conf = conf_load_buf("test.conf", text, strlen(text), err, sizeof(err));
	if (f->l.conf == NULL)
		fail_msg("conf: %s", err);
	f->x.logrl.window_ms = 10000;
	f->x.logrl.burst = 5;
	assert_int_equal(core_attach(&f->l, udp_bound(0, NULL), -1), 0);
	f->mr = udp_bound(LISP_CONTROL_PORT, NULL);
	f->itr = udp_bound(0, &f->itr_port);
	f->x.l = &f->l;
	f->x.itr = f->x.etr = 1;
	f->x.mc = mapcache_new(NULL);
	f->x.rloc4 = A("127.0.0.1");
	addr_set_none(&f->x.rloc6);
	assert_non_null(f->x.db = calloc(1, sizeof(*f->x.db)));
	f->x.ndb = 1;
	assert_int_equal(prefix_parse("198.18.1.0/24", &f->x.db[0].eid, &f->x.db[0].mlen), 0);
	f->x.db[0].ttl = 1440;
	f->x.db[0].nrlocs = 1;
	f->x.db[0].rlocs[0].addr = A("127.0.0.1");
	f->x.db[0].rlocs[0].priority = 1;
	f->x.db[0].rlocs[0].weight = 100;
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM, 0, f->tun), 0);
	fcntl(f->tun[0], F_SETFL, O_NONBLOCK);
	f->x.tun_mtu = 1400;
	/* the data plane over the socketpair, forwarding by the map-cache's
	 * FIB and handing misses to the ITR */
	assert_int_equal(dp_attach(&f->x.dp, NULL, mapcache_fib(f->x.mc),
	    &(struct dp_ctl){ .arg = &f->x, .miss = itr_miss }, &f->x.logrl, f->tun[0], 1400), 0);
	xtr_policy(&f->x);
	*state = f;
	return 0;
}

static int
fx_teardown(void **state)
{
	struct fx *f = *state;

	if (f == NULL)
		return 0;
	mapcache_free(f->x.mc, NULL, NULL);
	dp_close(&f->x.dp);
	free(f->x.db);
	free(f->x.rl);
	free(f->x.rl_probe);
	free(f->x.psrc);
	free(f->x.reqrl);
	close(f->mr);
	close(f->itr);
	close(f->l.core->sock4);
	free(f->l.core);
	close(f->tun[0]);
	close(f->tun[1]);
	conf_free(f->l.conf);
	free(f);
	return 0;
}

#define SKIP_IF_NO_NS(f) do { if ((f) == NULL) { skip(); } } while (0)

/* the next Map-Request the "map-resolver" got, decoded out of its ECM */
static int
mr_recv(struct fx *f, struct lisp_map_request *q, uint8_t *buf, size_t cap)
{
	struct lisp_ecm ecm;
	struct rbuf b;
	struct msg_err err;
	ssize_t n;

	if ((n = recv(f->mr, buf, cap, 0)) <= 0)
		return -1;
	rbuf_init(&b, buf, (size_t)n);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	b = ecm.inner;
	assert_int_equal(map_request_decode(&b, q, &err), 0);
	return 0;
}

/* a positive entry 198.18.2.0/24 -> 127.0.0.1 */
static struct mc_entry *
positive(struct fx *f)
{
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct lisp_addr a;
	struct mc_entry *e;
	struct rbuf recs;
	uint8_t buf[256];
	int mlen;
	const struct rec_spec r[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, 0 } };

	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	e = mapcache_add(f->x.mc, &a, mlen, now_ms());
	mkreply(&rep, buf, sizeof(buf), 0, 1, r, 1);
	recs = rep.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	mc_entry_set(f->x.mc, e, &rec, "map-reply", now_ms());
	mc_entry_touch(e, now_ms());
	return e;
}

static void
pkt_from(struct pkt *p, const char *src, uint16_t sport)
{
	memset(p, 0, sizeof(*p));
	sin4(&p->src, src, sport);
	sin4(&p->dst, "127.0.0.1", LISP_CONTROL_PORT);
}

/* a packet from the site into the ITR: written to the TUN, read by the
 * data plane as its read callback does */
static void
tun_in(struct fx *f, const uint8_t *pk, size_t len)
{
	assert_int_equal(send(f->tun[1], pk, len, 0), (ssize_t)len);
	dp_tun_read(f->tun[0], EV_READ, &f->x.dp);
}

static void
test_smr_retransmit_keeps_s_bit(void **state)
{
	struct fx *f = *state;
	struct lisp_map_request smr, q;
	struct mc_entry *e;
	struct pkt p;
	uint8_t buf[1500];
	uint64_t n1;
	size_t count;

	SKIP_IF_NO_NS(f);
	e = positive(f);
	count = mapcache_count(f->x.mc);
	memset(&smr, 0, sizeof(smr));
	smr.flags = MREQ_S;
	smr.nonce = 42;
	smr.seid = A("198.18.2.0");
	pkt_from(&p, "127.0.0.1", 4342);
	itr_smr_in(&f->x, &p, &smr);
	/* the SMR-invoked request: s bit, no Source-EID; nothing installed */
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	assert_true(q.flags & MREQ_s);
	assert_false(q.flags & MREQ_S);
	assert_int_equal(q.seid.afi, AFI_NONE);
	n1 = q.nonce;
	assert_int_equal(mapcache_count(f->x.mc), count);
	assert_int_equal(e->state, MC_POSITIVE);
	/* unanswered: the retransmission is SMR-invoked too, new nonce */
	itr_tick(&f->x, e->next_try_ms);
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	assert_true(q.flags & MREQ_s);
	assert_true(q.nonce != n1);
	assert_int_equal(f->x.st.map_requests_retx, 1);
	/* an SMR for an EID we have no entry for does nothing but count */
	smr.seid = A("198.18.77.1");
	itr_smr_in(&f->x, &p, &smr);
	assert_int_equal(drops(&f->x, "itr: smr for an eid not in the map-cache"), 1);
	assert_int_equal(mapcache_count(f->x.mc), count);
	assert_true(recv(f->mr, buf, sizeof(buf), 0) == -1);
}

static void
test_reply_trust(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_map_request q;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.10");
	struct pkt p;
	uint8_t buf[1500], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	struct rec_spec recs[] = {
		{ "203.0.113.0/24", "198.51.100.66", 0, 1, 0 },	/* not asked */
		{ "10.0.0.0/8", "198.51.100.66", 0, 1, 0 },	/* not asked */
		{ "198.18.0.0/16", "127.0.0.1", 0, 1, 0 },		/* covers */
		{ "198.18.2.0/24", "127.0.0.1", 0, 1, 0 },		/* inside the cover */
	};

	SKIP_IF_NO_NS(f);
	/* a packet to 198.18.2.10 from our EID: pending, one request */
	tun_in(f, pk, sizeof(pk));
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	assert_int_equal(mc_entry_qlen(e), 1);
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	assert_false(q.flags & MREQ_s);
	/* a reply with a nonce we never sent: dropped, nothing installed */
	pkt_from(&p, "198.51.100.66", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce + 1, recs, 4);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply with unknown nonce"), 1);
	assert_int_equal(mapcache_count(f->x.mc), 1);
	assert_int_equal(mapcache_pending(f->x.mc), 1);
	/* the right nonce: one entry, the most specific record covering
	 * 198.18.2.10; the covering /16 and the foreign prefixes are not
	 * installed (nothing vouches for them without LISP-SEC) */
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, recs, 4);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply record not asked for"), 3);
	assert_int_equal(mapcache_count(f->x.mc), 1);
	assert_int_equal(mapcache_pending(f->x.mc), 0);
	e = mapcache_lookup(f->x.mc, &d);
	assert_non_null(e);
	assert_int_equal(e->mlen, 24);
	assert_int_equal(e->state, MC_POSITIVE);
	assert_string_equal(fib_loc_fmt(mc_entry_loc(e, 0, &(struct fib_loc){ 0 }), (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
	    "127.0.0.1");
	d = A("198.18.9.1");
	assert_null(mapcache_lookup(f->x.mc, &d));
	d = A("203.0.113.1");
	assert_null(mapcache_lookup(f->x.mc, &d));
	d = A("10.1.2.3");
	assert_null(mapcache_lookup(f->x.mc, &d));
	d = A("198.18.2.10");
	/* a replay of the same reply: the nonce is spent */
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply with unknown nonce"), 2);
	assert_int_equal(mapcache_nonce_count(f->x.mc), 0);
}

/* a resolver that answers with a prefix not covering the EID (OOR's MS
 * answering 199.32.0.0/11 for 198.51.100.1): the request stays pending on
 * its backoff with the packets held; no new Map-Request per packet */
/* issue 9's hijack: an ETR whose key the attacker holds answers a
 * forwarded request with 0.0.0.0/0 (and another site's prefix) pointing
 * at itself. neither is installed; the request stays pending */
static void
test_reply_hijack_refused(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_map_request q;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.10");
	struct pkt p;
	uint8_t buf[1500], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	struct rec_spec evil[] = {
		{ "0.0.0.0/0", "198.51.100.66", 0, 1, 0 },
		{ "198.0.0.0/7", "198.51.100.66", 0, 1, 0 },
		{ "198.18.3.0/24", "198.51.100.66", 0, 1, 0 },
	};
	/* a Record TTL in seconds where minutes are meant (lispers.net's
	 * force-ttl): about 4,000 years, kept for record-ttl-max instead */
	struct rec_spec good[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, 2100000000 } };

	SKIP_IF_NO_NS(f);
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	pkt_from(&p, "198.51.100.66", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, evil, 3);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply record coarser than allowed"), 2);
	assert_int_equal(drops(&f->x, "itr: map-reply record not asked for"), 1);
	assert_int_equal(drops(&f->x, "itr: map-reply did not cover the requested eid"), 1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	assert_int_equal(mapcache_count(f->x.mc), 1);
	/* the real answer, at the retransmission */
	itr_tick(&f->x, e->next_try_ms);
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	pkt_from(&p, "127.0.0.1", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, good, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_POSITIVE);
	assert_int_equal(e->mlen, 24);
	assert_int_equal(e->ttl, 1440);
	assert_true(mc_entry_expires(e) <= now_ms() + 1440 * 60000ULL);
	/* with a wider bound the /7 would be taken: the setting works */
	f->l.conf->reply_min_len4 = 0;
	d = A("198.19.0.1");
	pk[16] = 198; pk[17] = 19; pk[18] = 0; pk[19] = 1;
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	pkt_from(&p, "198.51.100.66", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, evil, 2);
	itr_reply_in(&f->x, &p, &rep);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->mlen, 7);
	/* the cached /24 of another answer is not replaced by it */
	d = A("198.18.2.10");
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->mlen, 24);
}

/* a Map-Reply whose second locator is lispers.net's AFI list with a
 * draft-layout Geo LCAF (peers capture, frame 381): installed with the
 * locator that validates, the other skipped and counted */
static void
test_reply_malformed_locator(void **state)
{
	static const uint8_t bad[] = {
		0x01, 0x64, 0xff, 0x00, 0x00, 0x05,
		0x40, 0x03, 0x00, 0x00, 0x01, 0x00, 0x00, 0x24,
		0x00, 0x01, 0xcb, 0x00, 0x71, 0x04,
		0x40, 0x03, 0x00, 0x00, 0x05, 0x00, 0x00, 0x16,
		0x50, 0x00, 0x00, 0x00, 0x25, 0x15, 0xd1, 0xf0, 0x79, 0x35,
		0xfc, 0x50, 0x00, 0x00, 0x00, 0x64, 0x00, 0x00, 0x00, 0x00,
		0x00, 0x00,
	};
	struct fx *f = *state;
	struct lisp_map_reply rep, h;
	struct lisp_map_request q;
	struct lisp_record rec;
	struct lisp_rloc lo;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.10");
	struct msg_err err;
	struct pkt p;
	struct rbuf b;
	struct wbuf w;
	uint8_t buf[1500], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	int mlen;

	SKIP_IF_NO_NS(f);
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	memset(&h, 0, sizeof(h));
	h.nonce = q.nonce;
	h.nrecords = 1;
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &h);
	memset(&rec, 0, sizeof(rec));
	assert_int_equal(prefix_parse("198.18.2.0/24", &rec.eid, &mlen), 0);
	rec.eid_mlen = (uint8_t)mlen;
	rec.ttl = 1440;
	rec.auth = 1;
	rec.nrlocs = 2;
	record_encode(&w, &rec);
	memset(&lo, 0, sizeof(lo));
	lo.addr = A("127.0.0.1");
	lo.priority = 1;
	lo.weight = 100;
	lo.mpriority = 255;
	lo.flags = RLOC_R;
	rloc_encode(&w, &lo);
	wbuf_bytes(&w, bad, sizeof(bad));
	assert_false(w.err);
	rbuf_init(&b, buf, w.len);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	pkt_from(&p, "127.0.0.1", 4342);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply malformed lcaf locator skipped"), 1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_POSITIVE);
	assert_int_equal(e->nlocs, 1);
	assert_true(fib_loc_is(mc_entry_loc(e, 0, &(struct fib_loc){ 0 }), &lo.addr));
}

static void
test_reply_not_covering(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_map_request q, q2;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.10");
	struct pkt p;
	uint8_t buf[1500], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	struct rec_spec wrong[] = { { "199.32.0.0/11", "127.0.0.1", 0, 1, 0 } };
	int i;

	SKIP_IF_NO_NS(f);
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	pkt_from(&p, "127.0.0.1", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, wrong, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply did not cover the requested eid"), 1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	assert_int_equal(mc_entry_qlen(e), 1);
	/* the same answer again matches nothing now */
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: map-reply with unknown nonce"), 1);
	/* more packets: held or dropped, never a Map-Request each */
	for (i = 0; i < 20; i++) {
		tun_in(f, pk, sizeof(pk));
	}
	assert_true(recv(f->mr, buf, sizeof(buf), MSG_DONTWAIT) == -1);
	assert_int_equal(mc_entry_qlen(e), f->l.conf->queue_per_dest);
	/* the retransmission goes out on the backoff, with a fresh nonce */
	itr_tick(&f->x, e->next_try_ms);
	assert_int_equal(mr_recv(f, &q2, buf, sizeof(buf)), 0);
	assert_true(q2.nonce != q.nonce);
}


/* a resolver answering with Record TTL 0 (or anything that leaves no
 * entry behind) made one Map-Request per packet: now one a second for the
 * prefix, doubling while it goes on (issue 9 item 8) */
static void
test_request_rate_per_eid(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_map_request q;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.10");
	struct pkt p;
	uint8_t buf[1500], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	struct rec_spec zero[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, TTL_ZERO } };
	const char *deferred = "itr: map-request deferred by the per-eid limit";
	uint64_t t;
	int i;

	SKIP_IF_NO_NS(f);
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	pkt_from(&p, "127.0.0.1", 4342);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, zero, 1);
	itr_reply_in(&f->x, &p, &rep);
	t = now_ms();
	itr_tick(&f->x, t);		/* TTL 0: gone */
	assert_null(mapcache_lookup(f->x.mc, &d));
	/* the next packets: one entry, held, its request deferred */
	for (i = 0; i < 20; i++)
		tun_in(f, pk, sizeof(pk));
	assert_true(recv(f->mr, buf, sizeof(buf), MSG_DONTWAIT) == -1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	assert_true(mc_entry_qlen(e) > 0);
	assert_int_equal(drops(&f->x, deferred), 1);
	assert_true(e->next_try_ms >= t && e->next_try_ms <= t + 1000 + 50);
	/* it goes when the second is over; the same answer again... */
	t = e->next_try_ms;
	itr_tick(&f->x, t);
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	mkreply(&rep, buf, sizeof(buf), 0, q.nonce, zero, 1);
	itr_reply_in(&f->x, &p, &rep);
	itr_tick(&f->x, t + 1);
	assert_null(mapcache_lookup(f->x.mc, &d));
	/* ...and the next request waits twice as long */
	tun_in(f, pk, sizeof(pk));
	assert_true(recv(f->mr, buf, sizeof(buf), MSG_DONTWAIT) == -1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->next_try_ms, t + 2000);
	assert_int_equal(drops(&f->x, deferred), 2);
	/* another prefix is not held back by it */
	pk[18] = 3;
	tun_in(f, pk, sizeof(pk));
	assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
	assert_int_equal(drops(&f->x, deferred), 2);
}


/* a plain Map-Request for eid/mlen with ITR-RLOC 127.0.0.1, encoded into
 * buf and decoded into q as the core would hand it over; its length */
static size_t
mkrequest(struct lisp_map_request *q, uint8_t *buf, size_t cap, uint32_t flags,
    uint64_t nonce, const char *seid, const char *eid, int mlen)
{
	struct lisp_eid_prefix ep;
	struct msg_err err;
	struct wbuf w;
	struct rbuf b;

	memset(q, 0, sizeof(*q));
	q->flags = flags;
	q->nonce = nonce;
	if (seid != NULL)
		q->seid = A(seid);
	else
		addr_set_none(&q->seid);
	q->nitr = 1;
	q->itr[0] = A("127.0.0.1");
	q->nrecords = 1;
	memset(&ep, 0, sizeof(ep));
	ep.eid = A(eid);
	ep.mlen = (uint8_t)mlen;
	wbuf_init(&w, buf, cap);
	map_request_encode_hdr(&w, q);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, q);
	assert_false(w.err);
	rbuf_init(&b, buf, w.len);
	assert_int_equal(map_request_decode(&b, q, &err), 0);
	return w.len;
}

/* the records an ETR answers a request for 198.18.1.0/24 with (-1: none) */
static int
etr_answer_records(struct fx *f, uint32_t flags, size_t *reqlen, size_t *replen)
{
	struct lisp_map_request q;
	struct lisp_map_reply rep;
	struct pkt p;
	uint8_t buf[1500];
	struct rbuf b;
	struct msg_err err;
	ssize_t n;

	*reqlen = mkrequest(&q, buf, sizeof(buf), flags, 77, NULL, "198.18.1.0", 24);
	pkt_from(&p, "127.0.0.1", f->itr_port);
	etr_request_in(&f->x, &p, NULL, &q);
	if ((n = recv(f->itr, buf, sizeof(buf), MSG_DONTWAIT)) <= 0)
		return -1;
	*replen = (size_t)n;
	rbuf_init(&b, buf, (size_t)n);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	return rep.nrecords;
}

/* an RLOC-probe is answered for the probed prefix only: a more-specific
 * inside it would make the reply to an unauthenticated probe grow with
 * the database (issue 9 item 3); a Map-Request gets both */
static void
test_probe_reply_probed_prefix_only(void **state)
{
	struct fx *f = *state;
	size_t qlen, rlen;

	SKIP_IF_NO_NS(f);
	assert_non_null(f->x.db = realloc(f->x.db, 2 * sizeof(*f->x.db)));
	f->x.db[1] = f->x.db[0];
	assert_int_equal(prefix_parse("198.18.1.128/25", &f->x.db[1].eid, &f->x.db[1].mlen), 0);
	f->x.ndb = 2;
	assert_int_equal(etr_answer_records(f, 0, &qlen, &rlen), 2);
	assert_int_equal(etr_answer_records(f, MREQ_P, &qlen, &rlen), 1);
	/* one record with one locator: 40 octets for a 28-octet probe, as
	 * every peer answers (../shared/captures/peers: 28 -> 40) */
	assert_int_equal(qlen, 28);
	assert_int_equal(rlen, 40);
}

static void
test_probe_reply_source(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct mc_entry *e;
	struct pkt p;
	uint8_t buf[512];
	struct rec_spec r[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, 0 } };

	SKIP_IF_NO_NS(f);
	e = positive(f);
	mc_entry_probe_make(e, 0)->nonce = 0xabc;
	mc_entry_probe_make(e, 0)->sent_us = 1;
	assert_int_equal(mapcache_probe_add(f->x.mc, e, 0xabc), 0);
	/* right nonce, from another RLOC, no p bit: dropped, still outstanding */
	pkt_from(&p, "198.51.100.66", 4342);
	mkreply(&rep, buf, sizeof(buf), MREP_P, 0xabc, r, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: rloc-probe reply not from the probed rloc"), 1);
	assert_int_equal(mc_entry_probe(e, 0)->nonce, 0xabc);
	assert_int_equal(mc_entry_probe(e, 0)->answered, 0);
	/* not authoritative: dropped */
	pkt_from(&p, "127.0.0.1", 4342);
	r[0].auth = 0;
	mkreply(&rep, buf, sizeof(buf), MREP_P, 0xabc, r, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: rloc-probe reply not authoritative"), 1);
	assert_int_equal(mc_entry_probe(e, 0)->answered, 0);
	/* an unknown nonce */
	r[0].auth = 1;
	mkreply(&rep, buf, sizeof(buf), MREP_P, 0xabd, r, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: rloc-probe reply with unknown nonce"), 1);
	/* from another address of the ETR, naming the probed RLOC with p */
	pkt_from(&p, "198.51.100.5", 4342);
	r[0].flags = RLOC_p;
	mkreply(&rep, buf, sizeof(buf), MREP_P, 0xabc, r, 1);
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(mc_entry_probe(e, 0)->nonce, 0);
	assert_int_equal(mc_entry_probe(e, 0)->answered, 1);
	assert_int_equal(mc_entry_probe(e, 0)->state, PROBE_UP);
	assert_null(mapcache_probe_find(f->x.mc, 0xabc));
	/* answered once only */
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: rloc-probe reply with unknown nonce"), 2);
	assert_int_equal(mc_entry_probe(e, 0)->answered, 1);
}

static void
test_etr_reply_limited(void **state)
{
	struct fx *f = *state;
	struct lisp_map_request q;
	struct pkt p;
	uint8_t buf[1500];
	struct rbuf b;
	struct msg_err err;
	int i, got = 0, probes = 0;

	/* 30 Map-Requests from one ITR at once: the burst is answered */
	for (i = 0; i < 35; i++) {
		mkrequest(&q, buf, sizeof(buf), i >= 30 ? MREQ_P : 0, 100 + (uint64_t)i,
		    "198.18.2.10", "198.18.1.10", 32);
		pkt_from(&p, "127.0.0.1", f->itr_port);
		etr_request_in(&f->x, &p, NULL, &q);
	}
	for (;;) {
		struct lisp_map_reply rep;
		ssize_t n = recv(f->itr, buf, sizeof(buf), 0);

		if (n <= 0)
			break;
		rbuf_init(&b, buf, (size_t)n);
		assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
		got++;
		if (rep.flags & MREP_P)
			probes++;
	}
	/* RLOC-probes have their own, wider bucket */
	assert_int_equal(probes, 5);
	assert_int_equal(got, ETR_RL_BURST + 5);
	assert_int_equal(drops(&f->x, "etr: map-reply rate limited"), 30 - ETR_RL_BURST);
	assert_int_equal(f->x.st.map_replies_out, ETR_RL_BURST + 5);
	/* a probe flood with the victim as ITR-RLOC (issue 9's reflection):
	 * at most the probe burst is answered */
	for (i = 0; i < 2 * ETR_PROBE_RL_BURST; i++) {
		mkrequest(&q, buf, sizeof(buf), MREQ_P, 1000 + (uint64_t)i, NULL,
		    "198.18.1.0", 24);
		pkt_from(&p, "198.51.100.66", 4342);
		etr_request_in(&f->x, &p, NULL, &q);
	}
	assert_int_equal(drops(&f->x, "etr: rloc-probe reply rate limited"),
	    2 * ETR_PROBE_RL_BURST - (ETR_PROBE_RL_BURST - 5));
	assert_int_equal(f->x.st.probe_replies, ETR_PROBE_RL_BURST);
}

static void
test_pending_bound(void **state)
{
	struct fx *f = *state;
	uint8_t pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 10, 0, 0, 0, 0, 1, 0, 2, 0, 8, 0, 0 };
	int i, total = 4200;
	struct mc_entry *e;
	struct lisp_addr d;

	SKIP_IF_NO_NS(f);
	/* a host scanning: one pending destination each, up to the bound */
	for (i = 0; i < total; i++) {
		pk[17] = (uint8_t)(i >> 16);
		pk[18] = (uint8_t)(i >> 8);
		pk[19] = (uint8_t)i;
		assert_int_equal(send(f->tun[1], pk, sizeof(pk), 0), (ssize_t)sizeof(pk));
		if (i % 64 == 63)
			dp_tun_read(f->tun[0], EV_READ, &f->x.dp);
	}
	dp_tun_read(f->tun[0], EV_READ, &f->x.dp);
	assert_int_equal(mapcache_pending(f->x.mc), 4096);
	assert_int_equal(mapcache_count(f->x.mc), 4096);
	assert_int_equal(drops(&f->x, "itr: too many destinations resolving"), total - 4096);
	/* and the packets held for one destination are bounded too */
	pk[17] = pk[18] = 0;
	pk[19] = 1;
	for (i = 0; i < 10; i++)
		tun_in(f, pk, sizeof(pk));
	d = A("10.0.0.1");
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(mc_entry_qlen(e), 4);
	assert_int_equal(drops(&f->x, "itr: resolution queue full"), 10 - 3);
	/* the pending count follows removals */
	itr_clear(&f->x, NULL, 0);
	assert_int_equal(mapcache_pending(f->x.mc), 0);
	assert_int_equal(mapcache_nonce_count(f->x.mc), 0);
}


/* map-cache-limit (issue 9 item 5): at the limit a new destination takes
 * the place of the idlest cached entry; pending ones are never evicted */
static void
test_map_cache_limit(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct rbuf recs;
	struct mc_entry *e;
	struct lisp_addr a, d;
	uint8_t buf[256], pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 9, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	const char *pfx[] = { "198.18.2.0/24", "198.18.3.0/24", "198.18.4.0/24" };
	uint64_t now = now_ms();
	int i, mlen;

	SKIP_IF_NO_NS(f);
	f->l.conf->map_cache_limit = 3;
	for (i = 0; i < 3; i++) {
		struct rec_spec r[] = { { pfx[i], "127.0.0.1", 0, 1, 0 } };

		/* 198.18.3.0/24 was used longest ago (made then, not since) */
		uint64_t t = now - (i == 1 ? 50000 : 1000);

		assert_int_equal(prefix_parse(pfx[i], &a, &mlen), 0);
		assert_non_null(e = mapcache_add(f->x.mc, &a, mlen, t));
		mkreply(&rep, buf, sizeof(buf), 0, 1, r, 1);
		recs = rep.records;
		assert_int_equal(record_next(&recs, &rec), 1);
		mc_entry_set(f->x.mc, e, &rec, "map-reply", t);
	}
	assert_int_equal(mapcache_count(f->x.mc), 3);
	tun_in(f, pk, sizeof(pk));		/* to 198.18.9.10 */
	assert_int_equal(mapcache_count(f->x.mc), 3);
	assert_int_equal(drops(&f->x, "itr: map-cache entry evicted (map-cache-limit)"), 1);
	d = A("198.18.3.1");
	assert_null(mapcache_lookup(f->x.mc, &d));
	d = A("198.18.2.1");
	assert_non_null(mapcache_lookup(f->x.mc, &d));
	d = A("198.18.9.10");
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	/* only pending entries left to take: a new destination is refused */
	itr_clear(&f->x, NULL, 0);
	for (i = 0; i < 4; i++) {
		pk[18] = (uint8_t)(20 + i);
		tun_in(f, pk, sizeof(pk));
	}
	assert_int_equal(mapcache_count(f->x.mc), 3);
	assert_int_equal(mapcache_pending(f->x.mc), 3);
	assert_int_equal(drops(&f->x, "itr: map-cache full"), 1);
}


/* clear map-cache PREFIX: an address clears the entries covering it, a
 * prefix the entries inside it (more than one walk's batch too); the
 * rest stays */
static void
test_clear_prefix(void **state)
{
	struct fx *f = *state;
	const char *pfx[] = { "198.18.0.0/16", "198.18.2.0/24", "198.18.2.128/25",
	    "198.18.3.0/24", "10.0.0.0/8" };
	struct lisp_addr a;
	char buf[32];
	uint64_t now = now_ms();
	int i, mlen;

	SKIP_IF_NO_NS(f);
	for (i = 0; i < 5; i++) {
		assert_int_equal(prefix_parse(pfx[i], &a, &mlen), 0);
		assert_non_null(mapcache_add(f->x.mc, &a, mlen, now));
	}
	for (i = 0; i < 300; i++) {
		snprintf(buf, sizeof(buf), "198.19.%d.%d/30", i / 60, (i % 60) * 4);
		assert_int_equal(prefix_parse(buf, &a, &mlen), 0);
		assert_non_null(mapcache_add(f->x.mc, &a, mlen, now));
	}
	assert_int_equal(mapcache_count(f->x.mc), 305);
	a = A("198.18.2.1");
	assert_int_equal(itr_clear(&f->x, &a, 32), 2);	/* the /16 and the /24 */
	assert_int_equal(prefix_parse("198.18.2.128/25", &a, &mlen), 0);
	assert_non_null(mapcache_exact(f->x.mc, &a, mlen));
	assert_int_equal(prefix_parse("198.18.0.0/16", &a, &mlen), 0);
	assert_int_equal(itr_clear(&f->x, &a, mlen), 2);	/* the /25, 198.18.3.0/24 */
	assert_int_equal(prefix_parse("198.19.0.0/16", &a, &mlen), 0);
	assert_int_equal(itr_clear(&f->x, &a, mlen), 300);
	assert_int_equal(mapcache_count(f->x.mc), 1);
	a = A("10.1.2.3");
	assert_non_null(mapcache_lookup(f->x.mc, &a));
	assert_int_equal(itr_clear(&f->x, NULL, 0), 1);
	assert_int_equal(mapcache_count(f->x.mc), 0);
}

/* a tenant's map-cache-limit (instance-id block): at its limit a new
 * destination of the tenant takes the place of the tenant's idlest
 * entry, never another tenant's, however idle those are */
static void
test_tenant_map_cache_limit(void **state)
{
	static const char *text =
	    "role itr\nrole etr\n"
	    "map-resolver 127.0.0.1\n"
	    "map-server 127.0.0.2 key 0 sha256 \"k\"\n"
	    "instance-id 100 {\n\tinterface t100\n\tmap-cache-limit 2\n"
	    "\tdatabase-mapping 198.18.1.0/24 {\n\t\trloc 127.0.0.1\n\t}\n}\n"
	    "instance-id 200 {\n\tinterface t200\n"
	    "\tdatabase-mapping 198.18.1.0/24 {\n\t\trloc 127.0.0.1\n\t}\n}\n";
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct rbuf recs;
	struct mc_entry *e;
	struct lisp_addr a, d;
	uint8_t buf[256], pk[ENCAP_HEADROOM + 28];
	const uint8_t ip[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 9, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	const char *pfx[] = { "198.18.2.0/24", "198.18.3.0/24", "198.18.4.0/24" };
	char err[512] = "";
	uint64_t now = now_ms();
	int i, k, mlen;

	SKIP_IF_NO_NS(f);
	conf_free(f->l.conf);
	f->l.conf = conf_load_buf("tenant.conf", text, strlen(text), err, sizeof(err));
	if (f->l.conf == NULL)
		fail_msg("conf: %s", err);
	free(f->x.db);
	assert_non_null(f->x.db = calloc(2, sizeof(*f->x.db)));
	f->x.ndb = 2;
	for (k = 0; k < 2; k++) {
		assert_int_equal(prefix_parse("198.18.1.0/24", &f->x.db[k].eid,
		    &f->x.db[k].mlen), 0);
		addr_set_iid(&f->x.db[k].eid, k == 0 ? 100 : 200);
		f->x.db[k].tenant = 1;
		f->x.db[k].ttl = 1440;
		f->x.db[k].nrlocs = 1;
		f->x.db[k].rlocs[0].addr = A("127.0.0.1");
	}
	assert_int_equal(dp_tenant_attach(&f->x.dp, 100, -1), 0);
	assert_int_equal(dp_tenant_attach(&f->x.dp, 200, -1), 0);
	xtr_policy(&f->x);
	/* two cached entries in 100 (at its limit), three in 200, those of
	 * 200 the idlest of all */
	for (k = 0; k < 2; k++)
		for (i = 0; i < (k == 0 ? 2 : 3); i++) {
			struct rec_spec r[] = { { pfx[i], "127.0.0.1", 0, 1, 0 } };

			uint64_t t = now - (k == 1 ? 90000 : i == 1 ? 50000 : 1000);

			assert_int_equal(prefix_parse(pfx[i], &a, &mlen), 0);
			addr_set_iid(&a, k == 0 ? 100 : 200);
			assert_non_null(e = mapcache_add(f->x.mc, &a, mlen, t));
			mkreply(&rep, buf, sizeof(buf), 0, 1, r, 1);
			recs = rep.records;
			assert_int_equal(record_next(&recs, &rec), 1);
			mc_entry_set(f->x.mc, e, &rec, "map-reply", t);
		}
	assert_int_equal(mapcache_count_iid(f->x.mc, 100), 2);
	assert_int_equal(mapcache_count_iid(f->x.mc, 200), 3);
	/* tenant 100 to a new destination: its own idlest (198.18.3.0/24) goes */
	memcpy(pk + ENCAP_HEADROOM, ip, sizeof(ip));
	dp_forward_tn(&f->x.dp, 1, pk + ENCAP_HEADROOM, sizeof(ip), now);
	dp_flush(&f->x.dp);
	assert_int_equal(drops(&f->x, "itr: map-cache entry evicted (map-cache-limit)"), 1);
	assert_int_equal(mapcache_count_iid(f->x.mc, 100), 2);
	assert_int_equal(mapcache_count_iid(f->x.mc, 200), 3);
	d = A("198.18.3.1");
	addr_set_iid(&d, 100);
	assert_null(mapcache_lookup(f->x.mc, &d));
	addr_set_iid(&d, 200);
	assert_non_null(mapcache_lookup(f->x.mc, &d));
	d = A("198.18.9.10");
	addr_set_iid(&d, 100);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);
	/* tenant 200 has no limit of its own: a new destination adds */
	memcpy(pk + ENCAP_HEADROOM, ip, sizeof(ip));
	dp_forward_tn(&f->x.dp, 2, pk + ENCAP_HEADROOM, sizeof(ip), now);
	dp_flush(&f->x.dp);
	assert_int_equal(mapcache_count_iid(f->x.mc, 200), 4);
	assert_int_equal(drops(&f->x, "itr: map-cache entry evicted (map-cache-limit)"), 1);
	/* with only pending entries of its own left, tenant 100 is refused */
	pk[ENCAP_HEADROOM + 18] = 8;		/* evicts 198.18.2.0/24 */
	dp_forward_tn(&f->x.dp, 1, pk + ENCAP_HEADROOM, sizeof(ip), now);
	dp_flush(&f->x.dp);
	assert_int_equal(mapcache_count_iid(f->x.mc, 100), 2);
	assert_int_equal(drops(&f->x, "itr: map-cache entry evicted (map-cache-limit)"), 2);
	pk[ENCAP_HEADROOM + 18] = 7;
	dp_forward_tn(&f->x.dp, 1, pk + ENCAP_HEADROOM, sizeof(ip), now);
	dp_flush(&f->x.dp);
	assert_int_equal(mapcache_count_iid(f->x.mc, 100), 2);
	assert_int_equal(drops(&f->x, "itr: map-cache full"), 1);
	assert_int_equal(mapcache_count_iid(f->x.mc, 200), 4);
}


/* a cached entry for prefix with one locator */
static struct mc_entry *
cached(struct fx *f, const char *prefix)
{
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct lisp_addr a;
	struct mc_entry *e;
	struct rbuf recs;
	uint8_t buf[256];
	int mlen;
	const struct rec_spec r[] = { { prefix, "127.0.0.1", 0, 1, 0 } };

	assert_int_equal(prefix_parse(prefix, &a, &mlen), 0);
	assert_non_null(e = mapcache_add(f->x.mc, &a, mlen, now_ms()));
	mkreply(&rep, buf, sizeof(buf), 0, 1, r, 1);
	recs = rep.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	mc_entry_set(f->x.mc, e, &rec, "map-reply", now_ms());
	return e;
}

/* issue 10's stale more-specific: an ETR's database went /24 -> /25 ->
 * /24; its SMR makes the ITR ask for the /25, the answer is the /24. the
 * /25 goes, whether the /24 is cached already or not */
static void
test_more_specific_withdrawn(void **state)
{
	struct fx *f = *state;
	struct lisp_map_request smr, q;
	struct lisp_map_reply rep;
	struct mc_entry *e;
	struct lisp_addr d = A("198.18.2.130");
	struct pkt p;
	uint8_t buf[1500];
	struct rec_spec r24[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, 0 } };
	int round;

	SKIP_IF_NO_NS(f);
	for (round = 0; round < 2; round++) {
		/* the second time without the /24 cached, for the other half
		 * (the same /25 again would wait for the per-EID limit) */
		if (round == 0) {
			cached(f, "198.18.2.0/24");
			cached(f, "198.18.2.128/25");
		} else {
			itr_clear(&f->x, NULL, 0);
			cached(f, "198.18.2.0/25");
			d = A("198.18.2.10");
		}
		assert_int_equal(mapcache_lookup(f->x.mc, &d)->mlen, 25);
		memset(&smr, 0, sizeof(smr));
		smr.flags = MREQ_S;
		smr.nonce = 42;
		smr.seid = d;
		pkt_from(&p, "127.0.0.1", 4342);
		itr_smr_in(&f->x, &p, &smr);
		assert_int_equal(mr_recv(f, &q, buf, sizeof(buf)), 0);
		mkreply(&rep, buf, sizeof(buf), 0, q.nonce, r24, 1);
		itr_reply_in(&f->x, &p, &rep);
		assert_non_null(e = mapcache_lookup(f->x.mc, &d));
		assert_int_equal(e->mlen, 24);
		assert_int_equal(e->state, MC_POSITIVE);
		assert_int_equal(mapcache_count(f->x.mc), 1);
		assert_int_equal(drops(&f->x, "itr: cached more-specific withdrawn by its site"),
		    round + 1);
	}
}


/* lispers.net's RLOC-probe with an empty EID record (AFI 0, length 0:
 * frame 139 of ../shared/captures/peers/lispers-net-interop.pcap, to
 * 203.0.113.1): answered with our first mapping, P set, one record */
static void
test_probe_empty_eid_record(void **state)
{
	struct fx *f = *state;
	static const char hex[] =
	    "120000015a4699ef71d70db40001c61201000001cb00710400000000";
	uint8_t pk[64], buf[1500];
	struct lisp_map_request q;
	struct lisp_map_reply rep;
	struct lisp_record rec;
	struct msg_err err;
	struct rbuf b, recs;
	struct pkt p;
	ssize_t n;
	size_t i;

	SKIP_IF_NO_NS(f);
	for (i = 0; i < sizeof(hex) / 2; i++)
		sscanf(hex + 2 * i, "%2hhx", &pk[i]);
	rbuf_init(&b, pk, sizeof(hex) / 2);
	assert_int_equal(map_request_decode(&b, &q, &err), 0);
	assert_true(q.flags & MREQ_P);
	/* answer to our test ITR socket instead of 203.0.113.4 */
	q.itr[0] = A("127.0.0.1");
	pkt_from(&p, "127.0.0.1", f->itr_port);
	etr_request_in(&f->x, &p, NULL, &q);
	assert_true((n = recv(f->itr, buf, sizeof(buf), MSG_DONTWAIT)) > 0);
	rbuf_init(&b, buf, (size_t)n);
	assert_int_equal(map_reply_decode(&b, &rep, &err), 0);
	assert_true(rep.flags & MREP_P);
	assert_int_equal(rep.nonce, 0x5a4699ef71d70db4ULL);
	assert_int_equal(rep.nrecords, 1);
	recs = rep.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	assert_string_equal(prefix_fmt(&rec.eid, rec.eid_mlen, (char[ADDR_STRLEN]){ 0 },
	    ADDR_STRLEN), "198.18.1.0/24");
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nonce_index),
		cmocka_unit_test(test_etr_limiter),
		cmocka_unit_test_setup_teardown(test_smr_retransmit_keeps_s_bit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reply_trust, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reply_not_covering, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reply_hijack_refused, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_reply_malformed_locator, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_request_rate_per_eid, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_reply_source, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_etr_reply_limited, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_reply_probed_prefix_only, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_pending_bound, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_map_cache_limit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_clear_prefix, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_tenant_map_cache_limit, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_more_specific_withdrawn, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_probe_empty_eid_record, fx_setup, fx_teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
