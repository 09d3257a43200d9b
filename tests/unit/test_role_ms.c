/* the Map-Server role against the fake core (fakecore.c): registrations,
 * refusals, expiry on a clock the test advances, and the Map-Server side
 * of resolution, reached as the daemon reaches it: an ECM Map-Request
 * taken by the Map-Resolver hook, resolved through core_resolver */
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

#define KEY1		"s3cret-1"
#define KEY2		"s3cret-2"
#define ETR		"192.0.2.5"	/* registers from, and its RLOC */
#define ITR		"192.0.2.9"

/* no timers block: registration-ttl is the default 180 s */
static const char conf_text[] =
    "role map-server\n"
    "role map-resolver\n"
    "strict-register-nonce yes\n"
    "log-rate 1000\n"
    "site lisp1 {\n"
    "	key 0 sha256 \"" KEY1 "\"\n"
    "	eid-prefix 198.18.1.0/24\n"
    "	eid-prefix 10.0.0.0/8 accept-more-specifics\n"
    "	eid-prefix 2001:db8:1::/48\n"
    "}\n"
    "site lisp2 {\n"
    "	key 0 sha256 \"" KEY2 "\"\n"
    "	eid-prefix 198.18.2.0/24\n"
    "}\n";

static int
setup(void **state)
{
	fake_start(conf_text);
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

static int
do_register(const struct rm_reg *s)
{
	uint8_t	buf[512];
	size_t	len = rm_register(s, buf, sizeof(buf));

	return fake_rx(buf, len, ETR, 4342);
}

/* the register of s from another address */
static int
register_from(const struct rm_reg *s, const char *src)
{
	uint8_t	buf[512];
	size_t	len = rm_register(s, buf, sizeof(buf));

	return fake_rx(buf, len, src, 4342);
}

/* the show-site row of prefix, NULL if none; with details */
static json_t *
site_row(const char *prefix)
{
	char	 err[128];
	json_t	*rows = fake_ctl(&role_ms, "show site",
		    json_pack("{s:b}", "detail", 1), err, sizeof(err)), *r, *out = NULL;
	size_t	 i;

	assert_non_null(rows);
	json_array_foreach(rows, i, r)
		if (strcmp(json_string_value(json_object_get(r, "eid_prefix")),
		    prefix) == 0)
			out = json_incref(r);
	json_decref(rows);
	return out;
}

static int
is_registered(const char *prefix)
{
	json_t	*r = site_row(prefix);
	int	 reg = r != NULL && json_is_true(json_object_get(r, "registered"));

	json_decref(r);
	return reg;
}

/* -- registration ------------------------------------------------------ */

static void
test_register_notify(void **state)
{
	struct rm_reg		 s = { "198.18.1.0/24", ETR, MREG_M, 5, KEY1, 1, 0, 0, 0 };
	uint8_t			 reg[512];
	size_t			 rlen = rm_register(&s, reg, sizeof(reg));
	const struct fake_sent	*n;
	struct lisp_map_register nt;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	struct rbuf		 b, recs, rl;
	struct msg_err		 why;
	char			 a[ADDR_STRLEN];
	json_t			*row, *d;

	assert_false(is_registered("198.18.1.0/24"));
	assert_int_equal(fake_rx(reg, rlen, ETR, 61000), 1);
	assert_true(is_registered("198.18.1.0/24"));
	/* one Map-Notify, to the source address and port of the register */
	assert_int_equal(fake_nsent(), 1);
	n = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(n), ETR ":61000");
	rbuf_init(&b, n->buf, n->len);
	assert_int_equal(map_register_decode(&b, &nt, &why), 0);
	assert_int_equal(nt.type, LISP_MAP_NOTIFY);
	assert_int_equal(nt.nonce, 5);
	assert_int_equal(nt.key_id, 0);
	assert_int_equal(nt.alg_id, ALG_HMAC_SHA256_128);
	assert_int_equal(nt.auth_len, 32);
	assert_true(nt.has_ids);
	assert_int_equal(nt.site_id, 7);
	/* signed with the site's key, not another one */
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY1, strlen(KEY1),
	    n->buf, n->len, MREG_AUTH_OFF, 32), 1);
	assert_int_equal(auth_verify(ALG_HMAC_SHA256_128, KEY2, strlen(KEY2),
	    n->buf, n->len, MREG_AUTH_OFF, 32), 0);
	/* the records as registered */
	assert_int_equal(nt.nrecords, 1);
	recs = nt.records;
	assert_int_equal(record_next(&recs, &rec), 1);
	assert_string_equal(prefix_fmt(&rec.eid, rec.eid_mlen, a, sizeof(a)),
	    "198.18.1.0/24");
	assert_int_equal(rec.ttl, 1440);
	rl = rec.rlocs;
	assert_int_equal(rloc_next(&rl, &loc), 1);
	assert_string_equal(addr_fmt(&loc.addr, a, sizeof(a)), ETR);
	assert_int_equal(record_next(&recs, &rec), 0);
	assert_int_equal(n->len, rlen);
	assert_memory_equal(n->buf + 48, reg + 48, rlen - 48);

	row = site_row("198.18.1.0/24");
	assert_string_equal(json_string_value(json_object_get(row, "site")), "lisp1");
	assert_string_equal(json_string_value(json_object_get(row,
	    "who_last_registered")), ETR);
	d = json_array_get(json_object_get(row, "details"), 0);
	assert_int_equal(json_integer_value(json_object_get(d, "source_port")), 61000);
	assert_int_equal(json_integer_value(json_object_get(d, "expires_in")), 180);
	assert_string_equal(json_string_value(json_object_get(d, "xtr_id")),
	    "0x11111111111111111111111111111111");
	json_decref(row);

	/* without M: accepted, nothing sent */
	fake_sent_clear();
	s.flags = 0;
	s.nonce = 6;
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_nsent(), 0);
}

static void
test_register_refusals(void **state)
{
	struct rm_reg	 bad = { "198.18.1.0/24", ETR, MREG_M, 1, "wrong", 0, 0, 0, 0 };
	struct rm_reg	 badid = { "198.18.1.0/24", ETR, MREG_M, 1, KEY1, 0, 0, 0, 3 };
	struct rm_reg	 other = { "198.18.2.0/24", ETR, MREG_M, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 outside = { "198.51.100.0/24", ETR, MREG_M, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 more = { "198.18.1.128/25", ETR, MREG_M, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 replay = { "198.18.1.0/24", ETR, MREG_M, 50, KEY1, 1, 0, 0, 0 };
	json_t		*row, *ref;

	assert_int_equal(do_register(&bad), 1);	/* taken by the MS, refused */
	assert_int_equal(fake_role_drops(&role_ms, "map-register: bad hmac"), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: unknown key-id"), 0);
	assert_int_equal(do_register(&badid), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: unknown key-id"), 1);
	/* lisp1's key for lisp2's prefix */
	assert_int_equal(do_register(&other), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: bad hmac"), 2);
	assert_int_equal(do_register(&outside), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: unknown site"), 1);
	assert_int_equal(do_register(&more), 1);
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: more-specific not accepted"), 1);
	/* no Map-Notify for any, nothing registered, a log line each */
	assert_int_equal(fake_nsent(), 0);
	assert_false(is_registered("198.18.1.0/24"));
	assert_false(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_log_count("refused"), 5);
	assert_non_null(strstr(fake_log_last(), "more-specific eid-prefix not accepted"));
	/* per site: the refusals of lisp1 (the bad key for 198.18.2.0/24
	 * was lisp2's) */
	row = site_row("198.18.1.0/24");
	ref = json_object_get(row, "site_refused");
	assert_int_equal(json_integer_value(json_object_get(ref,
	    "bad authentication data")), 1);
	assert_int_equal(json_integer_value(json_object_get(ref,
	    "unknown key-id or algorithm")), 1);
	json_decref(row);
	row = site_row("198.18.2.0/24");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(row,
	    "site_refused"), "bad authentication data")), 1);
	json_decref(row);

	/* strict nonces per xTR-ID */
	assert_int_equal(do_register(&replay), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(do_register(&replay), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: replayed nonce"), 1);
	assert_int_equal(fake_nsent(), 1);
	replay.nonce = 51;
	assert_int_equal(do_register(&replay), 1);
	assert_int_equal(fake_nsent(), 2);
}

/* -- expiry -------------------------------------------------------------- */

static void
test_expiry_default(void **state)
{
	struct rm_reg	 s = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };

	/* an empty MS has no timer armed: it never wakes up */
	assert_int_equal(fake_timers_armed(), 0);
	assert_int_equal(do_register(&s), 1);
	assert_true(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_timers_armed(), 1);
	/* 3 x the 60 s refresh interval: there at 179.999 s, gone at 180 s */
	fake_advance(179999);
	assert_true(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_log_count("expired"), 0);
	fake_advance(1);
	assert_false(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_log_count("registration of 198.18.2.0/24 by site "
	    "lisp2 expired"), 1);
	/* one firing, and nothing left to wake up for */
	assert_int_equal(fake_timer_firings(), 1);
	assert_int_equal(fake_timers_armed(), 0);
}

static void
test_expiry_refresh(void **state)
{
	struct rm_reg	 s = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };
	json_t		*row;
	int		 i;

	/* refreshed every 60 s for 10 minutes: never expires meanwhile */
	for (i = 0; i < 10; i++) {
		assert_int_equal(do_register(&s), 1);
		fake_advance(60000);
		assert_true(is_registered("198.18.2.0/24"));
	}
	/* the refreshes moved no heap slot: the timer fired at most once per
	 * lifetime and re-keyed it */
	assert_true(fake_timer_firings() <= 4);
	row = site_row("198.18.2.0/24");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(row, "details"), 0), "expires_in")), 120);
	assert_int_equal(json_integer_value(json_object_get(json_array_get(
	    json_object_get(row, "details"), 0), "registers")), 10);
	json_decref(row);
	/* 180 s after the last refresh it goes */
	fake_advance(119999);
	assert_true(is_registered("198.18.2.0/24"));
	fake_advance(1);
	assert_false(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_timers_armed(), 0);
}

/* key rotation (issue 9 attack 8): a reload that changes lisp1's key
 * removes what the old key registered at once; lisp2's key is unchanged
 * and its registration stays; the new key registers again */
static void
test_key_revoked_on_reload(void **state)
{
	struct rm_reg	 a = { "198.18.1.0/24", ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 b = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };
	char		 text[sizeof(conf_text) + 16];
	const char	*k;

	assert_int_equal(do_register(&a), 1);
	assert_int_equal(do_register(&b), 1);
	assert_true(is_registered("198.18.1.0/24"));
	/* the same conf but lisp1's secret */
	snprintf(text, sizeof(text), "%s", conf_text);
	assert_non_null(k = strstr(text, KEY1));
	text[k - text + strlen(KEY1) - 1] = '9';
	assert_int_equal(fake_reload(text), 0);
	assert_false(is_registered("198.18.1.0/24"));
	assert_true(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_log_count("registration(s) made with a revoked key removed"), 1);
	/* the old key is refused now, the new one accepted */
	a.nonce = 2;
	do_register(&a);
	assert_false(is_registered("198.18.1.0/24"));
	a.key = "s3cret-9";
	a.nonce = 3;
	assert_int_equal(do_register(&a), 1);
	assert_true(is_registered("198.18.1.0/24"));
	/* a reload with the keys unchanged keeps everything */
	assert_int_equal(fake_reload(text), 0);
	assert_true(is_registered("198.18.1.0/24"));
	assert_true(is_registered("198.18.2.0/24"));
}

/* clear site NAME removes every registration of that site, only of it */
static void
test_clear_site(void **state)
{
	struct rm_reg	 a = { "198.18.1.0/24", ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 a2 = { "10.1.0.0/16", ETR, 0, 2, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 b = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };
	char		 err[128] = "";
	json_t		*r;

	assert_int_equal(do_register(&a), 1);
	assert_int_equal(do_register(&a2), 1);
	assert_int_equal(do_register(&b), 1);
	r = fake_ctl(&role_ms, "clear site", json_pack("{s:s}", "site", "lisp1"), err,
	    sizeof(err));
	assert_non_null(r);
	assert_int_equal(json_integer_value(json_object_get(r, "cleared")), 2);
	json_decref(r);
	assert_false(is_registered("198.18.1.0/24"));
	assert_false(is_registered("10.1.0.0/16"));
	assert_true(is_registered("198.18.2.0/24"));
	assert_null(fake_ctl(&role_ms, "clear site", json_pack("{s:s}", "site", "nope"),
	    err, sizeof(err)));
	assert_string_equal(err, "no site nope");
	/* the site's ETR registers again at its next Map-Register */
	a.nonce = 5;
	assert_int_equal(do_register(&a), 1);
	assert_true(is_registered("198.18.1.0/24"));
}

/* one prefix registered from ever-new sources (an attacker with the
 * site's key: issue 9, 21,765 registrations of one prefix): at most
 * registrants-per-prefix (16) are kept, those refresh, the rest are
 * refused and counted */
static void
test_registrants_capped(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	const char	*drop = "map-register: too many registrants for the prefix";
	uint8_t		 buf[512];
	char		 src[32];
	size_t		 len;
	int		 i;

	for (i = 0; i < 40; i++) {
		s.nonce = 100 + (uint64_t)i;
		len = rm_register(&s, buf, sizeof(buf));
		snprintf(src, sizeof(src), "192.0.2.%d", 10 + i);
		assert_int_equal(fake_rx(buf, len, src, 4342), 1);
	}
	assert_int_equal(fake_role_drops(&role_ms, drop), 40 - 16);
	/* one of the 16 refreshes; a new one is still refused */
	s.nonce = 500;
	len = rm_register(&s, buf, sizeof(buf));
	fake_rx(buf, len, "192.0.2.10", 4342);
	assert_int_equal(fake_role_drops(&role_ms, drop), 40 - 16);
	s.nonce = 600;		/* the same bytes would be a replay */
	len = rm_register(&s, buf, sizeof(buf));
	fake_rx(buf, len, "192.0.2.99", 4342);
	assert_int_equal(fake_role_drops(&role_ms, drop), 40 - 16 + 1);
	/* when they expire there is room again */
	fake_advance(180001);
	s.nonce = 601;
	len = rm_register(&s, buf, sizeof(buf));
	fake_rx(buf, len, "192.0.2.99", 4342);
	assert_int_equal(fake_role_drops(&role_ms, drop), 40 - 16 + 1);
	assert_true(is_registered("198.18.1.0/24"));
}

/* Record TTL 0xffffffff with T (issue 9: expiry in ~8,000 years): kept
 * for record-ttl-max (a day) at most */
static void
test_record_ttl_capped(void **state)
{
	struct rm_reg	 t = { "198.18.1.0/24", ETR, MREG_T, 1, KEY1, 0, 0xffffffff, 0, 0 };

	assert_int_equal(do_register(&t), 1);
	fake_advance(1440 * 60000ULL - 1);
	assert_true(is_registered("198.18.1.0/24"));
	fake_advance(1);
	assert_false(is_registered("198.18.1.0/24"));
}

static void
test_expiry_record_ttl(void **state)
{
	struct rm_reg	 t = { "198.18.1.0/24", ETR, MREG_T, 1, KEY1, 0, 2, 0, 0 };
	struct rm_reg	 d = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };

	/* T: Record TTL (2 minutes) is the lifetime, not registration-ttl */
	assert_int_equal(do_register(&d), 1);
	assert_int_equal(do_register(&t), 1);
	fake_advance(119999);
	assert_true(is_registered("198.18.1.0/24"));
	fake_advance(1);
	assert_false(is_registered("198.18.1.0/24"));
	assert_true(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_log_count("198.18.1.0/24 by site lisp1 expired "
	    "(record ttl)"), 1);
	/* a shorter lifetime on refresh takes effect: 3 minutes, then 1 */
	t.ttl = 3;
	t.nonce = 2;
	assert_int_equal(do_register(&t), 1);
	t.ttl = 1;
	t.nonce = 3;
	assert_int_equal(do_register(&t), 1);
	fake_advance(59999);
	assert_true(is_registered("198.18.1.0/24"));
	fake_advance(1);
	assert_false(is_registered("198.18.1.0/24"));
	fake_advance(60000);
	assert_false(is_registered("198.18.2.0/24"));
	assert_int_equal(fake_timers_armed(), 0);
}

/* many registrations with random lifetimes, refreshes and withdrawals,
 * against a naive list of expiry instants */
#define NREG	600

static void
test_expiry_model(void **state)
{
	static uint64_t	 expire[NREG];	/* 0: not registered */
	struct rm_reg	 s = { NULL, ETR, MREG_T, 1, KEY1, 0, 0, 0, 0 };
	char		 pfx[NREG][32];
	uint64_t	 t0 = now_ms(), now;
	unsigned	 seed = 12345, r, lines;
	int		 i, step, alive, want, gone;
	json_t		*rows, *row;
	char		 err[128];
	size_t		 k;

	for (i = 0; i < NREG; i++)
		snprintf(pfx[i], sizeof(pfx[i]), "10.%d.%d.0/24", i / 256, i % 256);
	for (step = 0; step < 400; step++) {
		now = now_ms();
		for (i = 0; i < 8; i++) {
			seed = seed * 1103515245 + 12345;
			r = (seed >> 8) % NREG;
			s.prefix = pfx[r];
			seed = seed * 1103515245 + 12345;
			if ((seed >> 8) % 5 == 0 && expire[r] != 0) {
				s.withdraw = 1;
				s.flags = 0;
				expire[r] = 0;
			} else {
				s.withdraw = 0;
				s.flags = MREG_T;
				s.ttl = 1 + (seed >> 12) % 7;
				expire[r] = now + (uint64_t)s.ttl * 60000;
			}
			assert_int_equal(do_register(&s), 1);
		}
		seed = seed * 1103515245 + 12345;
		lines = fake_log_lines();
		fake_advance(1 + (seed >> 8) % 20000);
		now = now_ms();
		/* what fell due went at its instant, each once */
		for (want = 0, gone = 0, i = 0; i < NREG; i++) {
			if (expire[i] != 0 && expire[i] <= now) {
				expire[i] = 0;
				gone++;
			}
			want += expire[i] != 0;
		}
		assert_int_equal(fake_log_count_since(lines, "expired (record ttl)"),
		    gone);
		if (step % 40 != 39)
			continue;
		/* the model against show site's registered rows */
		rows = fake_ctl(&role_ms, "show site", json_pack("{s:s}", "name",
		    "lisp1"), err, sizeof(err));
		assert_non_null(rows);
		alive = 0;
		json_array_foreach(rows, k, row) {
			const char *p = json_string_value(json_object_get(row,
			    "eid_prefix"));

			if (!json_is_true(json_object_get(row, "registered")))
				continue;
			if (strncmp(p, "10.", 3) != 0 || strcmp(p, "10.0.0.0/8") == 0)
				continue;
			alive++;
			for (i = 0; i < NREG && strcmp(pfx[i], p) != 0; i++)
				;
			assert_true(i < NREG);
			assert_true(expire[i] > now);
		}
		json_decref(rows);
		assert_int_equal(alive, want);
	}
	/* everything goes in the end, and no timer is left */
	fake_advance(8 * 60000);
	rows = fake_ctl(&role_ms, "show site", json_pack("{s:s}", "name",
	    "lisp1"), err, sizeof(err));
	json_array_foreach(rows, k, row)
		assert_false(json_is_true(json_object_get(row, "registered")));
	json_decref(rows);
	assert_int_equal(fake_timers_armed(), 0);
	assert_true(now_ms() > t0);
}

/* more registrations due at once than one firing handles: the rest go at
 * the next turns of the loop, all at the same instant of the clock */
static void
test_expiry_mass(void **state)
{
	struct rm_reg	 s = { NULL, ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	char		 p[32];
	unsigned	 lines;
	uint64_t	 f0;
	int		 i;

	for (i = 0; i < 10000; i++) {
		snprintf(p, sizeof(p), "10.%d.%d.0/24", i / 256, i % 256);
		s.prefix = p;
		assert_int_equal(do_register(&s), 1);
	}
	lines = fake_log_lines();
	f0 = fake_timer_firings();
	fake_advance(179999);
	assert_int_equal(fake_timer_firings(), f0);
	assert_true(is_registered("10.0.0.0/24"));
	fake_advance(1);
	assert_false(is_registered("10.0.0.0/24"));
	assert_false(is_registered("10.39.15.0/24"));
	assert_int_equal(fake_log_count("expired"), 1024);	/* the lines kept */
	assert_int_equal(fake_log_lines() - lines, 10000);
	assert_true(fake_timer_firings() - f0 >= 3);	/* 4096 a firing */
	assert_int_equal(fake_timers_armed(), 0);
}

/* a reload that shortens registration-ttl applies to the next refresh;
 * one that drops a prefix drops its registration (and its heap slot) */
static void
test_expiry_reload(void **state)
{
	struct rm_reg	 a = { "198.18.1.0/24", ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 b = { "198.18.2.0/24", ETR, 0, 1, KEY2, 0, 0, 0, 0 };
	char		 text[sizeof(conf_text) + 64];
	const char	*p;

	assert_int_equal(do_register(&a), 1);
	assert_int_equal(do_register(&b), 1);
	/* lisp2 gone, registration-ttl 30 s */
	p = strstr(conf_text, "site lisp2");
	snprintf(text, sizeof(text), "timers {\n\tregistration-ttl 30\n}\n%.*s",
	    (int)(p - conf_text), conf_text);
	assert_int_equal(fake_reload(text), 0);
	assert_null(site_row("198.18.2.0/24"));
	a.nonce = 2;
	assert_int_equal(do_register(&a), 1);
	fake_advance(30000);
	assert_false(is_registered("198.18.1.0/24"));
	assert_int_equal(fake_timers_armed(), 0);
}

/* -- resolution ------------------------------------------------------- */

static uint64_t nonce_seq = 0x5000;

/* an ECM Map-Request from the ITR; the number of messages sent */
static size_t
request(const char *eid, uint8_t *inner, size_t *ilen, uint64_t *nonce)
{
	uint8_t	buf[1024], in[512];
	size_t	len, n;

	*nonce = ++nonce_seq;
	len = rm_request(eid, 0, ITR, 40000, *nonce, 0, buf, sizeof(buf),
	    inner != NULL ? inner : in, ilen != NULL ? ilen : &n);
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	return fake_nsent();
}

static void
test_negative_unregistered(void **state)
{
	struct rm_reg		 s = { "10.1.2.0/24", ETR, 0, 1, KEY1, 0, 0, 0, 0 };
	struct rm_answer	 a;
	uint64_t		 nonce;

	/* configured, nothing registered: the configured prefix */
	assert_int_equal(request("198.18.1.7", NULL, NULL, &nonce), 1);
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":40000");
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, nonce);
	assert_string_equal(a.prefix, "198.18.1.0/24");
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(a.rec.nrlocs, 0);
	assert_int_equal(a.rec.ttl, 1);		/* unregistered-ttl */
	/* with a registered more-specific: the coarsest part of the
	 * configured prefix that does not cover it */
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(request("10.200.0.1", NULL, NULL, &nonce), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "10.128.0.0/9");
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(request("10.1.3.1", NULL, NULL, &nonce), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "10.1.3.0/24");
	/* outside every site: the MR's answer, the coarsest prefix no site
	 * covers, with negative-ttl */
	assert_int_equal(request("203.0.113.1", NULL, NULL, &nonce), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_string_equal(a.prefix, "200.0.0.0/5");	/* 11001...: 198.18 is 11000... */
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_int_equal(a.rec.ttl, 15);
}

static void
test_forward_to_etr(void **state)
{
	struct rm_reg		 s = { "198.18.2.0/24", "192.0.2.77", 0, 1, KEY2, 0, 0, 0, 0 };
	const struct fake_sent	*f;
	struct lisp_ecm		 ecm;
	struct rbuf		 b;
	uint8_t			 inner[512];
	size_t			 ilen;
	uint64_t		 nonce;
	struct msg_err		 why;

	assert_int_equal(do_register(&s), 1);
	assert_int_equal(request("198.18.2.9", inner, &ilen, &nonce), 1);
	/* the ECM, E set, to the registered RLOC at 4342 */
	f = fake_sent_get(0);
	assert_string_equal(fake_dst_fmt(f), "192.0.2.77:4342");
	rbuf_init(&b, f->buf, f->len);
	assert_int_equal(ecm_decode(&b, &ecm, &why), 0);
	assert_true(ecm.flags & ECM_E);
	assert_int_equal(ecm.sport, 40000);
	assert_int_equal(ecm.inner.len, ilen);
	assert_memory_equal(ecm.inner.p, inner, ilen);
	/* eight records for the site in one ECM: one copy forwarded, which
	 * carries them all (issue 9: one copy per record) */
	{
		uint8_t	buf[1024];
		size_t	len = rm_request_n("198.18.2.9", 0, 8, ITR, 40000, 99, 0,
			    buf, sizeof(buf), inner, &ilen);

		fake_sent_clear();
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
		assert_int_equal(fake_nsent(), 1);
		assert_int_equal(fake_sent_get(0)->len, len);
	}
	/* once it expired: negative again */
	fake_advance(180000);
	assert_int_equal(request("198.18.2.9", NULL, NULL, &nonce), 1);
	assert_int_equal(fake_sent_get(0)->buf[0] >> 4, LISP_MAP_REPLY);
	/* and 8 records for that configured, unregistered space: one
	 * negative answer, not 8 (issue 9: 8 x 28 octets for one ECM) */
	{
		uint8_t	buf[1024];
		size_t	len = rm_request_n("198.18.2.9", 0, 8, ITR, 40000, 98, 0,
			    buf, sizeof(buf), inner, &ilen);

		fake_sent_clear();
		assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
		assert_int_equal(fake_nsent(), 1);
		assert_true(fake_sent_get(0)->len <= len);
	}
	/* an ETR RLOC of a family the core cannot send to: the MS answers
	 * for it instead */
	s.nonce = 2;
	assert_int_equal(do_register(&s), 1);
	fake_can_send(AF_INET, 0);
	fake_sent_clear();
	{
		uint8_t	buf[1024];
		size_t	len = rm_request("198.18.2.9", 0, "2001:db8:9::1", 40000,
			    7, 0, buf, sizeof(buf), inner, &ilen);
		struct rm_answer a;

		assert_int_equal(fake_rx(buf, len, "2001:db8:9::1", 40000), 1);
		assert_int_equal(fake_nsent(), 1);
		assert_string_equal(fake_dst_fmt(fake_sent_get(0)),
		    "[2001:db8:9::1]:40000");
		rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
		assert_int_equal(a.nonce, 7);
		assert_int_equal(a.nlocs, 1);
	}
	fake_can_send(AF_INET, 1);
}

static void
test_proxy_reply(void **state)
{
	struct rm_reg		 s = { "2001:db8:1::/48", "192.0.2.66", MREG_P, 1, KEY1, 0, 0, 0, 0 };
	struct rm_answer	 a;
	char			 buf[ADDR_STRLEN];
	uint64_t		 nonce;

	assert_int_equal(do_register(&s), 1);
	assert_int_equal(request("2001:db8:1::5", NULL, NULL, &nonce), 1);
	/* answered by the MS, to the ITR, with the registered RLOC */
	assert_string_equal(fake_dst_fmt(fake_sent_get(0)), ITR ":40000");
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, nonce);
	assert_string_equal(a.prefix, "2001:db8:1::/48");
	assert_int_equal(a.rec.act, ACT_NO_ACTION);
	assert_int_equal(a.rec.ttl, 1440);	/* map-cache-ttl default */
	assert_int_equal(a.nlocs, 1);
	assert_string_equal(addr_fmt(&a.locs[0].addr, buf, sizeof(buf)),
	    "192.0.2.66");
	/* the proxy answer does not carry the ETR's L bit */
	assert_false(a.locs[0].flags & RLOC_L);
	/* withdrawn (Record TTL 0): negative, the configured prefix */
	s.withdraw = 1;
	s.flags = 0;
	s.nonce = 2;
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(request("2001:db8:1::5", NULL, NULL, &nonce), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.rec.act, ACT_NATIVE_FORWARD);
	assert_string_equal(a.prefix, "2001:db8:1::/48");
	assert_int_equal(fake_timers_armed(), 1);	/* the timer may fire early ... */
	fake_advance(180000);
	assert_int_equal(fake_timers_armed(), 0);	/* ... and then rests */
}

/* a peer's locator that does not validate (lispers.net's draft Geo in an
 * AFI list) is skipped and counted; the registration with the other
 * locator stands, and that is what a proxy reply gives */
static void
test_register_malformed_locator(void **state)
{
	struct rm_reg		 s = { "198.18.1.0/24", ETR, MREG_P | MREG_M, 1, KEY1,
				    0, 0, 0, 0 };
	struct rm_answer	 a;
	json_t			*r, *locs;
	uint8_t			 msg[512];
	char			 buf[ADDR_STRLEN];
	uint64_t		 nonce;
	size_t			 n = rm_register_x(&s, rm_bad_loc, sizeof(rm_bad_loc),
				    msg, sizeof(msg));

	assert_int_equal(fake_rx(msg, n, ETR, 4342), 1);
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: malformed lcaf locator skipped"), 1);
	assert_int_equal(fake_log_count("1 locator(s) skipped: malformed LCAF "
	    "(geo coordinate out of range)"), 1);
	assert_non_null(r = site_row("198.18.1.0/24"));
	assert_true(json_is_true(json_object_get(r, "registered")));
	locs = json_object_get(json_array_get(json_object_get(r, "details"), 0),
	    "locators");
	assert_int_equal(json_array_size(locs), 1);
	assert_string_equal(json_string_value(json_object_get(json_array_get(locs, 0),
	    "address")), ETR);
	json_decref(r);
	assert_int_equal(request("198.18.1.5", NULL, NULL, &nonce), 1);
	rm_reply_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.nonce, nonce);
	assert_int_equal(a.nlocs, 1);
	assert_string_equal(addr_fmt(&a.locs[0].addr, buf, sizeof(buf)), ETR);
}

/* the MS answers Map-Requests only as the resolver backend of the MR:
 * without a Map-Resolver hook, the core drops them */
static void
test_resolution_via_backend(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_P, 1, KEY1, 0, 0, 0, 0 };
	uint8_t		 buf[1024], inner[512];
	size_t		 len, ilen;

	fake_stop();
	fake_start(conf_text);
	fake_role(&role_ms);
	assert_int_equal(do_register(&s), 1);
	len = rm_request("198.18.1.1", 0, ITR, 40000, 9, 0, buf, sizeof(buf),
	    inner, &ilen);
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_REQUEST_NO_ROLE), 1);
	assert_int_equal(fake_nsent(), 0);
	/* a Map-Register still needs no MR */
	s.nonce = 2;
	assert_int_equal(do_register(&s), 1);
	/* with the MR the same request is answered (proxy) */
	fake_role(&role_mr);
	assert_int_equal(fake_rx(buf, len, ITR, 40000), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(fake_sent_get(0)->buf[0] >> 4, LISP_MAP_REPLY);
}


/* -- replay (issue 9 item 4), with the default strict-register-nonce no -- */

static const char conf_default[] =
    "role map-server\n"
    "log-rate 1000\n"
    "site lisp1 {\n"
    "	key 0 sha256 \"" KEY1 "\"\n"
    "	eid-prefix 198.18.1.0/24\n"
    "}\n";

static int
setup_default(void **state)
{
	fake_start(conf_default);
	fake_role(&role_ms);
	return 0;
}

static uint64_t
site_refused(const char *why)
{
	json_t		*row = site_row("198.18.1.0/24");
	uint64_t	 n;

	assert_non_null(row);
	n = (uint64_t)json_integer_value(json_object_get(json_object_get(row,
	    "site_refused"), why));
	json_decref(row);
	return n;
}

static unsigned
registrants(const char *prefix)
{
	json_t	*row = site_row(prefix);
	size_t	 n;

	assert_non_null(row);
	n = (size_t)json_integer_value(json_object_get(row, "registrations"));
	json_decref(row);
	return (unsigned)n;
}

/* attack 6: a captured Map-Register replayed from spoofed sources got a
 * Map-Notify each. now: refused, counted, no Map-Notify, no registrant */
static void
test_replay_spoofed_sources(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_M, 7, KEY1, 0, 0, 0, 0 };
	uint8_t		 buf[512];
	size_t		 len = rm_register(&s, buf, sizeof(buf));
	char		 src[32];
	int		 i;

	assert_int_equal(fake_rx(buf, len, ETR, 4342), 1);
	assert_int_equal(fake_nsent(), 1);
	for (i = 0; i < 20; i++) {
		snprintf(src, sizeof(src), "203.0.113.%d", 10 + i);
		assert_int_equal(fake_rx(buf, len, src, 4342), 1);
	}
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(fake_role_drops(&role_ms,
	    "map-register: replayed from another registrant"), 20);
	assert_int_equal(site_refused("replayed: accepted before from another registrant"), 20);
	assert_int_equal(registrants("198.18.1.0/24"), 1);
	assert_int_equal(fake_log_count("replayed"), 20);
}

/* the same bytes from the same source refresh; the Map-Notify they ask
 * for goes back once a second at most */
static void
test_replay_retransmission(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_M, 7, KEY1, 0, 0, 0, 0 };
	const char	*lim = "map-notify: retransmission answered a second ago";
	int		 i;

	for (i = 0; i < 5; i++)
		assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_nsent(), 1);
	assert_int_equal(fake_role_drops(&role_ms, lim), 4);
	fake_advance(1000);
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_nsent(), 2);
	/* and it kept the registration alive */
	fake_advance(179000);
	assert_true(is_registered("198.18.1.0/24"));
	assert_int_equal(do_register(&s), 1);
	fake_advance(179000);
	assert_true(is_registered("198.18.1.0/24"));
}

/* an ETR that counts (RFC 9301, locid): an earlier message or a lower
 * nonce is a replay while it is live; after a registration's lifetime of
 * silence it may have restarted */
static void
test_replay_counting(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_M, 10, KEY1, 0, 0, 0, 0 };
	const char	*drop = "map-register: replayed nonce";
	uint8_t		 old[512];
	size_t		 olen = rm_register(&s, old, sizeof(old));

	assert_int_equal(fake_rx(old, olen, ETR, 4342), 1);
	s.nonce = 11;
	s.rloc = "192.0.2.6";		/* the ETR moved its RLOC */
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_nsent(), 2);
	/* the old message, from the ETR's own address: would roll back */
	assert_int_equal(fake_rx(old, olen, ETR, 4342), 1);
	assert_int_equal(fake_role_drops(&role_ms, drop), 1);
	s.nonce = 9;
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_role_drops(&role_ms, drop), 2);
	assert_int_equal(fake_nsent(), 2);
	assert_int_equal(site_refused("nonce not increasing"), 2);
	/* silent past the registration's lifetime: a restart is taken */
	fake_advance(180000);
	assert_false(is_registered("198.18.1.0/24"));
	s.nonce = 1;
	assert_int_equal(do_register(&s), 1);
	assert_true(is_registered("198.18.1.0/24"));
	assert_int_equal(fake_role_drops(&role_ms, drop), 2);
}

/* lispers.net: the same nonce every cycle (0x01dfdfdfddccbbaa to the
 * first Map-Server in ../shared/captures/peers/lispers-net-interop.pcap,
 * identical bytes each minute), with an xTR-ID; a database change keeps
 * the nonce, and a change back sends an earlier message again */
static void
test_replay_lispers_form(void **state)
{
	struct rm_reg	 a = { "198.18.1.0/24", ETR, MREG_M, 0x01dfdfdfddccbbaaULL, KEY1, 1, 0, 0, 0 };
	struct rm_reg	 b = a;
	int		 i;

	b.rloc = "192.0.2.6";
	for (i = 0; i < 3; i++) {
		assert_int_equal(do_register(&a), 1);
		fake_advance(60000);
	}
	assert_int_equal(fake_nsent(), 3);
	assert_int_equal(do_register(&b), 1);
	fake_advance(60000);
	assert_int_equal(do_register(&a), 1);
	assert_int_equal(fake_nsent(), 5);
	assert_int_equal(fake_log_count("refused"), 0);
	/* the same bytes from elsewhere are a replay... */
	assert_int_equal(register_from(&a, "203.0.113.50"), 1);
	assert_int_equal(fake_nsent(), 5);
	assert_int_equal(site_refused("replayed: accepted before from another registrant"), 1);
	/* ...until the xTR has been silent long enough to have moved */
	fake_advance(180000);
	assert_int_equal(register_from(&a, "203.0.113.50"), 1);
	assert_int_equal(fake_nsent(), 6);
	assert_true(is_registered("198.18.1.0/24"));
}

/* a site registering this Map-Server's own address as its RLOC (issue 9
 * attack 5: one ECM became ~8,000): refused; a request the MS would
 * forward to its own address is not forwarded */
static void
test_own_rloc(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", "192.0.2.1", MREG_M, 7, KEY1, 0, 0, 0, 0 };
	uint8_t		 buf[512], inner[512];
	size_t		 len, ilen;

	fake_local_addr("192.0.2.1");
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_role_drops(&role_ms, "map-register: rloc is an address of this node"), 1);
	assert_int_equal(site_refused("rloc is an address of this map-server"), 1);
	assert_false(is_registered("198.18.1.0/24"));
	assert_int_equal(fake_nsent(), 0);
	/* registered before the address became ours */
	s.rloc = "192.0.2.77";
	s.nonce = 8;
	assert_int_equal(do_register(&s), 1);
	assert_true(is_registered("198.18.1.0/24"));
	fake_local_addr("192.0.2.77");
	fake_sent_clear();
	len = rm_request("198.18.1.7", 0, ITR, 40000, 9, 0, buf, sizeof(buf),
	    inner, &ilen);
	fake_role(&role_mr);
	fake_rx(buf, len, ITR, 40000);
	assert_int_equal(fake_nsent(), 0);
	assert_int_equal(fake_core_drops(CORE_DROP_FORWARD_TO_OURSELVES), 1);
}

/* with a monitor watching, registrations accepted and refused are
 * events; without one none is built */
static void
test_register_events(void **state)
{
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_M, 7, KEY1, 0, 0, 0, 0 };
	struct rm_reg	 bad = { "198.18.1.0/24", ETR, MREG_M, 8, "wrong", 0, 0, 0, 0 };

	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_events(NULL), 0);
	fake_monitor(1);
	s.nonce = 9;
	assert_int_equal(do_register(&s), 1);
	assert_int_equal(fake_events("register"), 1);
	assert_int_equal(do_register(&bad), 1);
	assert_int_equal(fake_events("register"), 2);
	fake_monitor(0);
}

/* OOR: a random nonce per register, never in order */
static void
test_replay_random_nonces(void **state)
{
	static const uint64_t nonces[] = {
		0x9e3779b97f4a7c15ULL, 0x0123456789abcdefULL, 0xfedcba9876543210ULL,
		0x00000000deadbeefULL, 0x7f4a7c159e3779b9ULL,
	};
	struct rm_reg	 s = { "198.18.1.0/24", ETR, MREG_M, 0, KEY1, 0, 0, 0, 0 };
	size_t		 i;

	for (i = 0; i < sizeof(nonces) / sizeof(nonces[0]); i++) {
		s.nonce = nonces[i];
		assert_int_equal(do_register(&s), 1);
		fake_advance(60000);
	}
	assert_int_equal(fake_nsent(), 5);
	assert_int_equal(fake_log_count("refused"), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_register_notify, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_refusals, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_default, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_refresh, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_record_ttl, setup, teardown),
		cmocka_unit_test_setup_teardown(test_record_ttl_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_registrants_capped, setup, teardown),
		cmocka_unit_test_setup_teardown(test_replay_spoofed_sources, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_replay_retransmission, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_replay_counting, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_replay_lispers_form, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_replay_random_nonces, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_own_rloc, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_register_events, setup_default, teardown),
		cmocka_unit_test_setup_teardown(test_key_revoked_on_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_clear_site, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_model, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_mass, setup, teardown),
		cmocka_unit_test_setup_teardown(test_expiry_reload, setup, teardown),
		cmocka_unit_test_setup_teardown(test_negative_unregistered, setup, teardown),
		cmocka_unit_test_setup_teardown(test_forward_to_etr, setup, teardown),
		cmocka_unit_test_setup_teardown(test_proxy_reply, setup, teardown),
		cmocka_unit_test_setup_teardown(test_register_malformed_locator, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution_via_backend, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
