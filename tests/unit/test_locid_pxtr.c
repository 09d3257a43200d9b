/* PITR/PETR decisions of pxtr.c: which inner sources a PETR forwards
 * (bytes written to the TUN) and which it drops and counts, which packets
 * a PITR resolves, the RLOCs of a proxy from `listen`, and when its TUN
 * needs IPv6. the kernel state (routes, rules) is tested in
 * tests/netns/t_pxtr.sh. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "xtr.h"

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

static struct conf *
conf_text(const char *text)
{
	char err[512] = "";
	struct conf *c;

	c = conf_load_buf("test.conf", text, strlen(text), err, sizeof(err));
	if (c == NULL)
		fail_msg("conf: %s", err);
	return c;
}

static const char *pxtr_conf =
    "role pitr\nrole petr\n"
    "listen 203.0.113.9\nlisten 2001:db8:ff:9::1\n"
    "map-resolver 203.0.113.10\n"
    "pitr-prefix 198.18.0.0/15\npitr-prefix 2001:db8:1::/48\n"
    "petr-prefix 198.18.0.0/15\npetr-prefix 2001:db8:1::/48\n";

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

struct fixture {
	struct locid	 l;
	struct xtr	 x;
	struct fib	*fib;
	int		 pipe[2];	/* the "TUN": what the PETR forwards */
};

static struct fixture *
fixture_new(const char *text)
{
	struct fixture *f = calloc(1, sizeof(*f));

	assert_non_null(f);
	f->l.conf = conf_text(text);
	f->x.logrl.window_ms = 10000;
	f->x.logrl.burst = 100;
	f->x.l = &f->l;
	assert_int_equal(pipe2(f->pipe, O_NONBLOCK), 0);
	/* the data plane writes into the pipe; no control side (misses are
	 * counted in to_ctl and freed) */
	assert_non_null(f->fib = fib_new());
	assert_int_equal(dp_attach(&f->x.dp, NULL, f->fib, NULL, &f->x.logrl,
	    f->pipe[1], 1400), 0);
	xtr_policy(&f->x);
	return f;
}

static void
fixture_free(struct fixture *f)
{
	dp_close(&f->x.dp);
	fib_free(f->fib, NULL, NULL);
	close(f->pipe[0]);
	close(f->pipe[1]);
	conf_free(f->l.conf);
	free(f);
}

/* an IPv4 or IPv6 UDP packet from src to dst as a decapsulated packet */
static size_t
mkdecap(struct decap *d, uint8_t *buf, const char *src, const char *dst)
{
	const char *why;
	struct lisp_addr s = A(src), t = A(dst);
	size_t len;

	memset(buf, 0, 64);
	if (s.afi == AFI_IPV4) {
		len = 28;
		buf[0] = 0x45;
		buf[3] = 28;
		buf[8] = 64;
		buf[9] = 17;
		memcpy(buf + 12, addr_bytes(&s), 4);
		memcpy(buf + 16, addr_bytes(&t), 4);
		buf[25] = 8;
	} else {
		len = 48;
		buf[0] = 0x60;
		buf[5] = 8;
		buf[6] = 17;
		buf[7] = 64;
		memcpy(buf + 8, addr_bytes(&s), 16);
		memcpy(buf + 24, addr_bytes(&t), 16);
		buf[45] = 8;
	}
	memset(d, 0, sizeof(*d));
	d->inner = buf;
	d->len = len;
	assert_int_equal(ip_parse(buf, len, &d->ip, &why), 0);
	return len;
}

static ssize_t
tun_read(struct fixture *f, uint8_t *out, size_t cap)
{
	ssize_t n = read(f->pipe[0], out, cap);

	return n == -1 && errno == EAGAIN ? 0 : n;
}

static void
test_petr_forwards_eid_sources(void **state)
{
	struct fixture *f = fixture_new(pxtr_conf);
	static const struct {
		const char *src, *dst;
	} ok[] = {
		{ "198.18.1.10", "198.51.100.1" },
		{ "198.19.255.254", "198.51.100.1" },
		{ "2001:db8:1::10", "2001:db8:ff:100::1" },
		{ "2001:db8:1:ffff::1", "2001:db8:ff:100::1" },
	};
	struct decap d;
	uint8_t pkt[64], out[128];
	size_t i, len;

	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		len = mkdecap(&d, pkt, ok[i].src, ok[i].dst);
		assert_int_equal(dp_petr_decap(&f->x.dp, &d), 1);
		assert_int_equal(tun_read(f, out, sizeof(out)), (ssize_t)len);
		assert_memory_equal(out, pkt, len);
	}
	assert_int_equal(f->x.dp.st.decap_pkts, 4);
	assert_int_equal(f->x.dp.st.decap_bytes, 28 + 28 + 48 + 48);
	assert_int_equal(f->x.dp.st.petr_pkts, 4);
	assert_int_equal(f->x.dp.st.petr_bytes, 28 + 28 + 48 + 48);
	assert_int_equal(drops(&f->x, "petr: inner source not in petr-prefix EID space"), 0);
	fixture_free(f);
}

static void
test_petr_drops_spoofed_sources(void **state)
{
	struct fixture *f = fixture_new(pxtr_conf);
	static const char *bad[] = {
		"198.51.100.66", "198.20.0.1", "198.17.255.255", "2001:db8:2::10",
		"2001:db8:ff:100::1", "10.0.0.1",
	};
	struct decap d;
	uint8_t pkt[64], out[128];
	size_t i;

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		mkdecap(&d, pkt, bad[i], strchr(bad[i], ':') ? "2001:db8:ff:100::1" :
		    "198.51.100.1");
		assert_int_equal(dp_petr_decap(&f->x.dp, &d), 1);
		assert_int_equal(tun_read(f, out, sizeof(out)), 0);
	}
	assert_int_equal(drops(&f->x, "petr: inner source not in petr-prefix EID space"), 6);
	assert_int_equal(f->x.dp.st.decap_pkts, 0);
	fixture_free(f);
}

/* an ETR+PETR: packets for its own EID-prefixes are the ETR's; without the
 * petr role nothing is the PETR's */
static void
test_petr_leaves_own_eids_to_etr(void **state)
{
	struct fixture *f = fixture_new(pxtr_conf);
	struct xtr_db db;
	struct decap d;
	uint8_t pkt[64], out[128];

	memset(&db, 0, sizeof(db));
	assert_int_equal(prefix_parse("198.51.100.0/24", &db.eid, &db.mlen), 0);
	f->x.db = &db;
	f->x.ndb = 1;
	xtr_policy(&f->x);
	mkdecap(&d, pkt, "203.0.113.66", "198.51.100.7");
	assert_int_equal(dp_petr_decap(&f->x.dp, &d), 0);
	mkdecap(&d, pkt, "198.18.1.10", "198.51.99.7");
	assert_int_equal(dp_petr_decap(&f->x.dp, &d), 1);
	assert_int_equal(tun_read(f, out, sizeof(out)), 28);
	f->x.db = NULL;
	f->x.ndb = 0;
	fixture_free(f);

	f = fixture_new("role itr\nrole etr\nmap-resolver 203.0.113.2\n"
	    "map-server 203.0.113.2 key 0 sha256 \"k\"\n"
	    "database-mapping 198.18.1.0/24 {\n rloc 203.0.113.1 priority 1 weight 100\n}\n");
	mkdecap(&d, pkt, "198.18.2.10", "198.51.100.1");
	assert_int_equal(dp_petr_decap(&f->x.dp, &d), 0);
	assert_int_equal(tun_read(f, out, sizeof(out)), 0);
	fixture_free(f);
}

/* a packet from the TUN through the data plane: -1 when the PITR
 * dropped it (outside its prefixes, or no LISP site), 0 when it went on
 * (to the control side or natively) */
static int
pitr_forward(struct fixture *f, const uint8_t *pkt, size_t len)
{
	uint8_t buf[ENCAP_HEADROOM + 128];
	uint64_t before = f->x.dp.drops[DP_DROP_PITR_DESTINATION_OUTSIDE_THE_PITR_PREFIXES] +
	    f->x.dp.drops[DP_DROP_PITR_NO_LISP_SITE_FOR_THE_DESTINATION];

	memcpy(buf + ENCAP_HEADROOM, pkt, len);
	dp_forward(&f->x.dp, buf + ENCAP_HEADROOM, len, now_ms());
	dp_flush(&f->x.dp);
	return f->x.dp.drops[DP_DROP_PITR_DESTINATION_OUTSIDE_THE_PITR_PREFIXES] +
	    f->x.dp.drops[DP_DROP_PITR_NO_LISP_SITE_FOR_THE_DESTINATION] > before ? -1 : 0;
}

/* a natively-forward entry for prefix in the FIB, as a negative Map-Reply
 * leaves it */
static void
fib_native(struct fixture *f, const char *prefix)
{
	struct lisp_addr a;
	struct fib_ent *fe;
	int mlen;

	assert_int_equal(prefix_parse(prefix, &a, &mlen), 0);
	assert_non_null(fe = fib_ent_new(f->fib, 0, NULL));
	fe->kind = FIB_NATIVE;
	assert_int_equal(fib_publish(f->fib, &a, mlen, fe, 0), 0);
}

static void
test_pitr_resolves_only_its_prefixes(void **state)
{
	struct fixture *f = fixture_new(pxtr_conf);
	static const struct {
		const char *dst;
		int want;
	} cases[] = {
		{ "198.18.1.10", 0 }, { "198.19.0.1", 0 }, { "2001:db8:1::10", 0 },
		{ "198.20.0.1", -1 }, { "ff02::2", -1 }, { "fe80::1", -1 },
		{ "2001:db8:2::10", -1 }, { "224.0.0.22", -1 },
	};
	struct decap d;
	uint8_t pkt[64];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		mkdecap(&d, pkt, strchr(cases[i].dst, ':') ? "2001:db8:ff:100::1" :
		    "198.51.100.1", cases[i].dst);
		assert_int_equal(pitr_forward(f, pkt, d.len), cases[i].want);
	}
	assert_int_equal(drops(&f->x, "pitr: destination outside the pitr-prefixes"), 5);
	/* the three inside went to the control side to be resolved */
	assert_int_equal(f->x.dp.st.to_ctl, 3);
	/* a negative answer for a non-EID source is dropped, not looped */
	fib_native(f, "198.18.1.0/24");
	mkdecap(&d, pkt, "198.51.100.1", "198.18.1.10");
	assert_int_equal(pitr_forward(f, pkt, d.len), -1);
	assert_int_equal(drops(&f->x, "pitr: no LISP site for the destination"), 1);
	assert_int_equal(tun_read(f, pkt, sizeof(pkt)), 0);
	fixture_free(f);

	/* not a PITR: neither check, a non-EID source is simply not ours */
	f = fixture_new("role itr\nmap-resolver 203.0.113.2\n");
	mkdecap(&d, pkt, "198.51.100.1", "198.20.0.1");
	assert_int_equal(pitr_forward(f, pkt, d.len), 0);
	assert_int_equal(drops(&f->x, "itr: source not in our EID space"), 1);
	assert_int_equal(drops(&f->x, "pitr: destination outside the pitr-prefixes"), 0);
	fixture_free(f);
}

static void
test_proxy_rlocs_and_v6(void **state)
{
	struct fixture *f = fixture_new(pxtr_conf);
	char buf[ADDR_STRLEN];

	addr_set_none(&f->x.rloc4);
	addr_set_none(&f->x.rloc6);
	pxtr_rlocs(&f->x);
	assert_string_equal(addr_fmt(&f->x.rloc4, buf, sizeof(buf)), "203.0.113.9");
	assert_string_equal(addr_fmt(&f->x.rloc6, buf, sizeof(buf)), "2001:db8:ff:9::1");
	assert_true(pxtr_wants_v6(&f->x));
	{
		json_t *o = pxtr_database_json(&f->x, json_object()), *s = json_object();
		char *txt, *st;

		txt = json_dumps(json_object_get(o, "proxy"), JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(txt, "{\"petr\":true,\"petr_prefixes\":[\"198.18.0.0/15\","
		    "\"2001:db8:1::/48\"],\"pitr\":true,\"pitr_prefixes\":[\"198.18.0.0/15\","
		    "\"2001:db8:1::/48\"],\"rlocs\":[\"203.0.113.9\",\"2001:db8:ff:9::1\"],"
		    "\"routes_installed\":0}");
		f->x.dp.st.petr_pkts = 3;
		f->x.dp.st.petr_bytes = 84;
		pxtr_stats_json(&f->x, s);
		st = json_dumps(s, JSON_COMPACT | JSON_SORT_KEYS);
		assert_string_equal(st, "{\"petr_bytes\":84,\"petr_packets\":3}");
		free(txt);
		free(st);
		json_decref(o);
		json_decref(s);
	}
	fixture_free(f);

	f = fixture_new("role pitr\nmap-resolver 203.0.113.10\npitr-prefix 198.18.0.0/15\n");
	assert_false(pxtr_wants_v6(&f->x));
	fixture_free(f);
	f = fixture_new("role petr\nlisten 203.0.113.9\npetr-prefix 2001:db8:1::/48\n");
	assert_true(pxtr_wants_v6(&f->x));
	fixture_free(f);
	f = fixture_new("role petr\nlisten 203.0.113.9\npetr-prefix 198.18.0.0/15\n");
	assert_false(pxtr_wants_v6(&f->x));
	fixture_free(f);
}

/* a PETR without petr-prefixes forwards any source (locid.conf(5)) */
static void
test_petr_without_prefixes_accepts_all(void **state)
{
	struct fixture *f = fixture_new("role petr\nlisten 203.0.113.9\n");
	struct decap d;
	uint8_t pkt[64], out[128];

	assert_true(pxtr_wants_v6(&f->x));
	mkdecap(&d, pkt, "198.51.100.66", "198.51.100.1");
	assert_int_equal(dp_petr_decap(&f->x.dp, &d), 1);
	assert_int_equal(tun_read(f, out, sizeof(out)), 28);
	mkdecap(&d, pkt, "2001:db8:99::1", "2001:db8:ff:100::1");
	assert_int_equal(dp_petr_decap(&f->x.dp, &d), 1);
	assert_int_equal(tun_read(f, out, sizeof(out)), 48);
	assert_int_equal(f->x.dp.st.decap_pkts, 2);
	fixture_free(f);
}

/* prefixes of an instance only match inner packets of that instance */
static void
test_prefixes_cover_iid(void **state)
{
	struct conf_prefixes ps;
	struct conf_prefix p4, p6;
	struct lisp_addr a;

	TAILQ_INIT(&ps);
	memset(&p4, 0, sizeof(p4));
	memset(&p6, 0, sizeof(p6));
	assert_int_equal(prefix_parse("198.18.0.0/15", &p4.eid, &p4.mlen), 0);
	p4.eid.has_iid = 1;
	p4.eid.iid = 7;
	assert_int_equal(prefix_parse("2001:db8::/32", &p6.eid, &p6.mlen), 0);
	TAILQ_INSERT_TAIL(&ps, &p4, entry);
	TAILQ_INSERT_TAIL(&ps, &p6, entry);
	a = A("198.18.3.4");
	assert_true(pxtr_prefixes_cover(&ps, &a, 1, 7));
	assert_false(pxtr_prefixes_cover(&ps, &a, 1, 8));
	assert_false(pxtr_prefixes_cover(&ps, &a, 0, 0));
	a = A("2001:db8:5::1");
	assert_true(pxtr_prefixes_cover(&ps, &a, 0, 0));
	assert_false(pxtr_prefixes_cover(&ps, &a, 1, 7));
	a = A("2001:db9::1");
	assert_false(pxtr_prefixes_cover(&ps, &a, 0, 0));
}

/* dp_prefix_cover: longest EID-prefix of the policy around an address, with or
 * without regard to the instance-id (the ITR, ETR and PETR checks) */
static void
test_db_cover(void **state)
{
	struct dp_prefix db[3];
	struct lisp_addr a;

	memset(db, 0, sizeof(db));
	assert_int_equal(prefix_parse("198.18.0.0/16", &db[0].eid, &db[0].mlen), 0);
	assert_int_equal(prefix_parse("[7]198.18.1.0/24", &db[1].eid, &db[1].mlen), 0);
	assert_int_equal(prefix_parse("2001:db8::/32", &db[2].eid, &db[2].mlen), 0);
	a = A("198.18.1.9");
	assert_ptr_equal(dp_prefix_cover(db, 3, &a, 1, 0), &db[1]);	/* longest */
	assert_ptr_equal(dp_prefix_cover(db, 3, &a, 0, 0), &db[0]);
	assert_ptr_equal(dp_prefix_cover(db, 3, &a, 0, 7), &db[1]);
	assert_null(dp_prefix_cover(db, 3, &a, 0, 8));
	a = A("198.18.2.9");
	assert_ptr_equal(dp_prefix_cover(db, 3, &a, 1, 0), &db[0]);
	assert_null(dp_prefix_cover(db, 3, &a, 0, 7));
	a = A("198.19.0.1");
	assert_null(dp_prefix_cover(db, 3, &a, 1, 0));
	a = A("2001:db8:1::1");
	assert_ptr_equal(dp_prefix_cover(db, 3, &a, 0, 0), &db[2]);
	a = A("2001:db9::1");
	assert_null(dp_prefix_cover(db, 3, &a, 1, 0));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_petr_forwards_eid_sources),
		cmocka_unit_test(test_petr_drops_spoofed_sources),
		cmocka_unit_test(test_petr_leaves_own_eids_to_etr),
		cmocka_unit_test(test_pitr_resolves_only_its_prefixes),
		cmocka_unit_test(test_proxy_rlocs_and_v6),
		cmocka_unit_test(test_petr_without_prefixes_accepts_all),
		cmocka_unit_test(test_prefixes_cover_iid),
		cmocka_unit_test(test_db_cover),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
