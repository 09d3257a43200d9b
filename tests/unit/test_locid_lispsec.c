/* LISP-SEC at the xTR (itr.c, etr.c, lsec.c): the ITR's protected
 * Map-Request (S, the wrapped one-time key it keeps), its verification
 * of the answer (records cut to the EID-AD or refused, a tampered or
 * unsigned answer refused under "required", the key spent once used),
 * and the ETR signing its answer to a forwarded protected request. the
 * daemon paths run in a private network namespace (root) over loopback
 * sockets, the fixture of test_locid_hostile.c. */
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

#include <pcap/pcap.h>

#include "probe.h"
#include "core.h"
#include "xtr.h"
#include "lsec.h"

#define OTKKEY	"itr-mr-k1"
#define SITEKEY	"k"

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

/* a record of a test Map-Reply: "prefix" -> one locator */
struct rec_spec {
	const char	*pfx;
	const char	*loc;
	uint16_t	 flags;
	int		 auth;
	uint32_t	 ttl;
};

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
	    "queue-per-destination 4\n"
	    "lisp-sec required\n"
	    "lisp-sec-key 1 \"" OTKKEY "\"\n";
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
	lsec_otks_free(f->x.otks);
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

/* a Map-Reply with records r[] (one locator each), then signed as a
 * Map-Server would for one EID-AD prefix (sr: the opened request; NULL:
 * unsigned); decoded into rep, its length returned */
static size_t
reply(struct lisp_map_reply *rep, uint8_t *buf, size_t cap, uint64_t nonce,
    const struct rec_spec *r, int n, struct lsec_req *sr, const char *eidad)
{
	struct lisp_map_reply h;
	struct lisp_record rec;
	struct lisp_rloc lo;
	struct ls_prefix pfx;
	struct msg_err err;
	struct rbuf b;
	struct wbuf w;
	size_t len;
	int i, mlen;

	memset(&h, 0, sizeof(h));
	h.nonce = nonce;
	h.nrecords = (uint8_t)n;
	wbuf_init(&w, buf, cap);
	map_reply_encode_hdr(&w, &h);
	for (i = 0; i < n; i++) {
		memset(&rec, 0, sizeof(rec));
		assert_int_equal(prefix_parse(r[i].pfx, &rec.eid, &mlen), 0);
		rec.eid_mlen = (uint8_t)mlen;
		rec.ttl = 1440;
		rec.auth = 1;
		rec.nrlocs = 1;
		record_encode(&w, &rec);
		memset(&lo, 0, sizeof(lo));
		lo.addr = A(r[i].loc);
		lo.priority = 1;
		lo.weight = 100;
		lo.mpriority = 255;
		lo.flags = RLOC_R;
		rloc_encode(&w, &lo);
	}
	assert_false(w.err);
	len = w.len;
	if (sr != NULL) {
		assert_int_equal(prefix_parse(eidad, &pfx.eid, &mlen), 0);
		pfx.mlen = (uint8_t)mlen;
		len = lsec_reply_sign(sr, buf, len, cap, &pfx, 1, 0);
		assert_int_not_equal(len, 0);
	}
	rbuf_init(&b, buf, len);
	assert_int_equal(map_reply_decode(&b, rep, &err), 0);
	return len;
}

/* the ECM the ITR sent, raw and decoded */
static size_t
mr_recv_ecm(struct fx *f, struct lisp_ecm *ecm, struct lisp_map_request *q,
    uint8_t *buf, size_t cap)
{
	struct msg_err err;
	struct rbuf b;
	ssize_t n;

	assert_true((n = recv(f->mr, buf, cap, 0)) > 0);
	rbuf_init(&b, buf, (size_t)n);
	assert_int_equal(ecm_decode(&b, ecm, &err), 0);
	b = ecm->inner;
	assert_int_equal(map_request_decode(&b, q, &err), 0);
	return (size_t)n;
}

static void
test_itr_protected(void **state)
{
	struct fx *f = *state;
	struct lisp_map_reply rep;
	struct lisp_map_request q;
	struct lisp_ecm ecm;
	struct ls_ecm_ad ad;
	struct lsec_req sr;
	struct mc_entry *e;
	struct msg_err err;
	struct lisp_addr d = A("198.18.2.10");
	struct pkt p;
	const char *why;
	uint8_t ebuf[1500], buf[1500], otk[LS_OTK_LEN];
	uint8_t pk[28] = { 0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
	    198, 18, 1, 10, 198, 18, 2, 10, 0, 1, 0, 2, 0, 8, 0, 0 };
	/* attack 1 as far as the ETR can go under LISP-SEC */
	const struct rec_spec evil[] = {
		{ "198.18.0.0/16", "127.0.0.1", 0, 1, 0 },	/* cut to the /24 */
		{ "198.18.3.0/24", "198.51.100.66", 0, 1, 0 },	/* outside: refused */
	};
	const struct rec_spec good[] = { { "198.18.2.0/24", "127.0.0.1", 0, 1, 0 } };
	size_t len;

	SKIP_IF_NO_NS(f);
	tun_in(f, pk, sizeof(pk));
	mr_recv_ecm(f, &ecm, &q, ebuf, sizeof(ebuf));
	/* S, the ITR's AD: HMAC-SHA-256-128 asked for, key 1 wrapped with
	 * AES-KEY-WRAP-128, EID-AD of 4 octets with KDF HKDF-SHA256 */
	assert_true(ecm.flags & ECM_S);
	assert_int_equal(ls_ecm_ad_decode(&ecm.sec, &ad, &err), 0);
	assert_int_equal(ad.req_hmac_id, LS_HMAC_SHA256_128);
	assert_int_equal(ad.key_id, 1);
	assert_int_equal(ad.wrap_id, LS_WRAP_AES_HKDF_SHA256);
	assert_int_equal(ad.eid.raw.len, 4);
	assert_int_equal(ad.eid.kdf_id, LS_KDF_HKDF_SHA256);
	assert_int_equal(ls_otk_unwrap(NULL, OTKKEY, strlen(OTKKEY), q.nonce, ad.otk, otk), 0);
	assert_int_equal(lsec_otks_count(f->x.otks), 1);
	assert_int_equal(lsec_req_open(f->l.conf, &ecm, q.nonce, &sr, &why), 1);
	assert_memory_equal(sr.itr_otk, otk, LS_OTK_LEN);
	/* opened again (another answer to the same message): the same
	 * keys (lsec.c keeps the last open); with the key's secret changed
	 * in place, refused: the kept open is not reused */
	{
		struct lsec_req sr2;
		char *old = f->l.conf->lskeys[0].secret;

		assert_int_equal(lsec_req_open(f->l.conf, &ecm, q.nonce, &sr2, &why), 1);
		assert_memory_equal(&sr2, &sr, sizeof(sr));
		f->l.conf->lskeys[0].secret = (char *)"bench-otk-s3cre7";
		assert_int_equal(lsec_req_open(f->l.conf, &ecm, q.nonce, &sr2, &why), -1);
		f->l.conf->lskeys[0].secret = old;
		assert_int_equal(lsec_req_open(f->l.conf, &ecm, q.nonce, &sr2, &why), 1);
		assert_memory_equal(&sr2, &sr, sizeof(sr));
	}

	/* unsigned: refused under required, still pending */
	pkt_from(&p, "127.0.0.1", 4342);
	p.buf = buf;
	len = reply(&rep, buf, sizeof(buf), q.nonce, good, 1, NULL, NULL);
	p.len = len;
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: lisp-sec: map-reply without lisp-sec"), 1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_PENDING);

	/* signed, then one octet of a locator changed: the PKT-AD fails */
	len = reply(&rep, buf, sizeof(buf), q.nonce, evil, 2, &sr, "198.18.2.0/24");
	buf[12 + 16 + 6 + 3] ^= 1;
	p.len = len;
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: lisp-sec: pkt-ad hmac does not verify"), 1);
	assert_int_equal(e->state, MC_PENDING);
	/* signed for another prefix with another OTK: the EID-AD fails */
	{
		struct lsec_req other = sr;

		other.itr_otk[0] ^= 1;
		len = reply(&rep, buf, sizeof(buf), q.nonce, good, 1, &other, "198.18.2.0/24");
		p.len = len;
		itr_reply_in(&f->x, &p, &rep);
		assert_int_equal(drops(&f->x, "itr: lisp-sec: eid-ad hmac does not verify"), 1);
	}

	/* as signed: the /16 cut to the EID-AD's /24, 198.18.3.0/24 refused */
	len = reply(&rep, buf, sizeof(buf), q.nonce, evil, 2, &sr, "198.18.2.0/24");
	p.len = len;
	itr_reply_in(&f->x, &p, &rep);
	assert_int_equal(drops(&f->x, "itr: lisp-sec: record truncated to the eid-ad"), 1);
	assert_int_equal(drops(&f->x, "itr: lisp-sec: record outside the eid-ad"), 1);
	assert_non_null(e = mapcache_lookup(f->x.mc, &d));
	assert_int_equal(e->state, MC_POSITIVE);
	assert_int_equal(e->mlen, 24);
	assert_string_equal(mc_entry_source(e), "lisp-sec");
	d = A("198.18.3.1");
	assert_null(mapcache_lookup(f->x.mc, &d));
	d = A("198.18.9.1");
	assert_null(mapcache_lookup(f->x.mc, &d));
	/* the key is spent */
	assert_int_equal(lsec_otks_count(f->x.otks), 0);
}

/* the ETR: a forwarded protected request gets a signed answer carrying
 * the Map-Server's EID-AD; one whose OTK is wrapped with another key is
 * dropped and counted */
static void
test_etr_signs(void **state)
{
	struct fx *f = *state;
	struct lisp_map_request q;
	struct lisp_map_reply rep;
	struct lisp_ecm ecm, fwd;
	struct ls_reply_ad rad;
	struct lsec_req sr;
	struct conf_key site = { 0, ALG_HMAC_SHA256_128, (char *)SITEKEY };
	struct conf_key wrong = { 0, ALG_HMAC_SHA256_128, (char *)"not-it" };
	struct ls_prefix pfx;
	struct msg_err err;
	struct rbuf b, m;
	struct pkt p;
	const char *why;
	uint8_t buf[1500], out[1500], ans[1500];
	size_t len;
	ssize_t n;
	int mlen;

	SKIP_IF_NO_NS(f);
	assert_non_null(f->x.ms = calloc(1, sizeof(*f->x.ms)));
	f->x.nms = 1;
	f->x.ms[0].addr = A("127.0.0.2");
	f->x.ms[0].key_id = 0;
	f->x.ms[0].secret = (char *)SITEKEY;
	/* an ITR's protected request for our 198.18.1.10 */
	{
		struct lisp_map_request r;
		struct lisp_eid_prefix ep;
		struct lisp_addr s = A("127.0.0.1"), dd = A("198.18.1.10");
		uint8_t tmp[512];
		struct wbuf w;

		memset(&r, 0, sizeof(r));
		r.nonce = 77;
		addr_set_none(&r.seid);
		r.nitr = 1;
		r.itr[0] = A("127.0.0.1");
		r.nrecords = 1;
		memset(&ep, 0, sizeof(ep));
		ep.eid = dd;
		ep.mlen = 32;
		wbuf_init(&w, tmp, sizeof(tmp));
		map_request_encode_hdr(&w, &r);
		mreq_record_encode(&w, &ep);
		map_request_encode_trailer(&w, &r);
		assert_false(w.err);
		len = w.len;
		wbuf_init(&w, buf, sizeof(buf));
		ecm_encode(&w, 0, &s, &dd, f->itr_port, LISP_CONTROL_PORT, tmp, len);
		assert_false(w.err);
		len = lsec_itr_protect(&f->x.otks, f->l.conf, buf, w.len, sizeof(buf), 77,
		    now_ms(), &why);
		assert_int_not_equal(len, 0);
	}
	rbuf_init(&b, buf, len);
	assert_int_equal(ecm_decode(&b, &ecm, &err), 0);
	assert_int_equal(lsec_req_open(f->l.conf, &ecm, 77, &sr, &why), 1);
	assert_int_equal(prefix_parse("198.18.1.0/24", &pfx.eid, &mlen), 0);
	pfx.mlen = (uint8_t)mlen;

	/* wrapped with a key the ETR does not have: dropped */
	len = lsec_forward_build(&sr, &ecm, ECM_E, &wrong, &pfx, 1, 0, out, sizeof(out));
	rbuf_init(&b, out, len);
	assert_int_equal(ecm_decode(&b, &fwd, &err), 0);
	b = fwd.inner;
	assert_int_equal(map_request_decode(&b, &q, &err), 0);
	pkt_from(&p, "127.0.0.2", 4342);
	etr_request_in(&f->x, &p, &fwd, &q);
	assert_int_equal(drops(&f->x, "etr: lisp-sec map-request refused"), 1);
	assert_true(recv(f->itr, ans, sizeof(ans), 0) == -1);

	/* with the site key: answered, S, verifiable by the ITR */
	len = lsec_forward_build(&sr, &ecm, ECM_E, &site, &pfx, 1, 0, out, sizeof(out));
	rbuf_init(&b, out, len);
	assert_int_equal(ecm_decode(&b, &fwd, &err), 0);
	b = fwd.inner;
	assert_int_equal(map_request_decode(&b, &q, &err), 0);
	etr_request_in(&f->x, &p, &fwd, &q);
	assert_true((n = recv(f->itr, ans, sizeof(ans), 0)) > 0);
	rbuf_init(&m, ans, (size_t)n);
	assert_int_equal(map_reply_decode(&m, &rep, &err), 0);
	assert_true(rep.flags & MREP_S);
	rbuf_init(&m, ans, (size_t)n);
	assert_int_equal(ls_reply_ad_decode(&m, &rep.sec, &rad, &err), 0);
	assert_true(ls_eid_ad_verify(NULL, &rad.eid, sr.itr_otk));
	assert_true(ls_pkt_ad_verify(NULL, &m, &rad, sr.ms_otk));
	assert_int_equal(rad.eid.nrecords, 1);
	assert_int_equal(rad.eid.pfx[0].mlen, 24);
	/* the MS-OTK was derived with the first forward (the second took it
	 * from sr), as ls_kdf derives it; an open of the same message again
	 * finds it in the kept one */
	{
		struct lsec_req sr2;
		uint8_t ms[LS_OTK_LEN];

		assert_true(sr.derived);
		assert_int_equal(ls_kdf(NULL, sr.kdf_id, sr.itr_otk, LS_OTK_LEN, ms), 0);
		assert_memory_equal(sr.ms_otk, ms, LS_OTK_LEN);
		assert_int_equal(lsec_req_open(f->l.conf, &ecm, 77, &sr2, &why), 1);
		assert_memory_equal(&sr2, &sr, sizeof(sr));
	}
	free(f->x.ms);
	f->x.ms = NULL;
	f->x.nms = 0;
}

/* interop: what OOR and lispers.net send (../shared/captures/peers/) has
 * no LISP-SEC; with lisp-sec on their answers are taken as they are
 * (LSEC_PLAIN), with required refused; their requests are not opened as
 * protected ones. the UDP payload of port-4342 packets of an Ethernet
 * capture, IPv4 or IPv6 */
static const uint8_t *
udp4342(const uint8_t *f, size_t n, size_t *len)
{
	size_t off = 14, ihl;
	uint16_t et;

	if (n < off)
		return NULL;
	et = get_u16(f + 12);
	if (et == 0x8100 && n >= 18) {
		et = get_u16(f + 16);
		off = 18;
	}
	if (et == 0x0800 && n >= off + 20 && f[off + 9] == 17) {
		ihl = (size_t)(f[off] & 0xf) * 4;
		off += ihl;
	} else if (et == 0x86dd && n >= off + 40 && f[off + 6] == 17)
		off += 40;
	else
		return NULL;
	if (n < off + 8 || (get_u16(f + off) != 4342 && get_u16(f + off + 2) != 4342))
		return NULL;
	*len = n - off - 8;
	return f + off + 8;
}

static void
test_peers_without_lispsec(void **state)
{
	static const char *const caps[] = {
		"../shared/captures/peers/oor-interop.pcap",
		"../shared/captures/peers/lispers-net-interop.pcap",
	};
	struct conf *on, *req;
	char err[PCAP_ERRBUF_SIZE], cerr[256];
	size_t i;

	static const char t_on[] = "role itr\nlisp-sec on\nlisp-sec-key 1 \"k\"\n"
	    "map-resolver 192.0.2.1\n";
	static const char t_req[] = "role itr\nlisp-sec required\nlisp-sec-key 1 \"k\"\n"
	    "map-resolver 192.0.2.1\n";

	on = conf_load_buf("on", t_on, strlen(t_on), cerr, sizeof(cerr));
	assert_non_null(on);
	req = conf_load_buf("req", t_req, strlen(t_req), cerr, sizeof(cerr));
	assert_non_null(req);
	for (i = 0; i < sizeof(caps) / sizeof(caps[0]); i++) {
		struct pcap_pkthdr *h;
		const uint8_t *f, *m;
		pcap_t *pc;
		size_t len;
		unsigned replies = 0, ecms = 0, regs = 0;

		if ((pc = pcap_open_offline(caps[i], err)) == NULL) {
			print_message("skipped %s: %s\n", caps[i], err);
			continue;
		}
		while (pcap_next_ex(pc, &h, &f) == 1) {
			struct lisp_map_reply rep;
			struct lisp_ecm ecm;
			struct ls_reply_ad ad;
			struct lsec_req sr;
			struct msg_err me;
			enum lsec_refusal r;
			struct rbuf b;
			const char *why;

			if ((m = udp4342(f, h->caplen, &len)) == NULL || len < 4)
				continue;
			rbuf_init(&b, m, len);
			switch (m[0] >> 4) {
			case LISP_MAP_REPLY:
				if (map_reply_decode(&b, &rep, &me) == -1)
					break;
				replies++;
				assert_false(rep.flags & MREP_S);
				assert_int_equal(lsec_itr_check(NULL, on, m, len, &rep, &ad,
				    &r, &me, 0), LSEC_PLAIN);
				assert_int_equal(lsec_itr_check(NULL, req, m, len, &rep, &ad,
				    &r, &me, 0), LSEC_REFUSED);
				assert_int_equal(r, LSEC_R_NOT_SIGNED);
				break;
			case LISP_ECM:
				if (ecm_decode(&b, &ecm, &me) == -1)
					break;
				ecms++;
				assert_false(ecm.flags & ECM_S);
				assert_int_equal(lsec_req_open(on, &ecm, 1, &sr, &why), 0);
				break;
			case LISP_MAP_REGISTER:
				regs++;
				assert_false(get_u32(m) & MREG_S);
				break;
			}
		}
		pcap_close(pc);
		print_message("%s: %u map-replies, %u ecms, %u map-registers, none with S\n",
		    caps[i], replies, ecms, regs);
		assert_true(replies > 0 && ecms > 0 && regs > 0);
	}
	conf_free(on);
	conf_free(req);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_itr_protected, fx_setup, fx_teardown),
		cmocka_unit_test_setup_teardown(test_etr_signs, fx_setup, fx_teardown),
		cmocka_unit_test(test_peers_without_lispsec),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
