/* locid.conf: the team's example decoded field by field, defaults, print
 * and re-parse, error messages, and the golden files in tests/conf/ */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <unistd.h>

#include "conf.h"
#include "msg.h"

#define NELEM(a)	(sizeof(a) / sizeof((a)[0]))

static struct conf *
load(const char *text, char *err, size_t errlen)
{
	return conf_load_buf("t.conf", text, strlen(text), err, errlen);
}

static char *
print_mem(const struct conf *c)
{
	char *s = NULL;
	size_t n = 0;
	FILE *f;

	assert_non_null(f = open_memstream(&s, &n));
	conf_print(f, c);
	assert_int_equal(fclose(f), 0);
	return s;
}

static char *
slurp(const char *path)
{
	FILE *f;
	char *s;
	long n;

	if ((f = fopen(path, "r")) == NULL)
		return NULL;
	assert_int_equal(fseek(f, 0, SEEK_END), 0);
	n = ftell(f);
	rewind(f);
	assert_non_null(s = malloc((size_t)n + 1));
	assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
	s[n] = '\0';
	fclose(f);
	return s;
}

static void
assert_prefix(const struct lisp_addr *a, int mlen, const char *want)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(prefix_fmt(a, mlen, buf, sizeof(buf)), want);
}

static void
assert_addr(const struct lisp_addr *a, const char *want)
{
	char buf[ADDR_STRLEN];

	assert_string_equal(addr_fmt(a, buf, sizeof(buf)), want);
}

static const char example[] =
    "role map-server\nrole map-resolver\nrole itr\nrole etr\nrole pitr\n"
    "role petr\n"
    "control \"/run/l.sock\"\n"
    "listen 203.0.113.2\n"
    "log-rate 12\n"
    "map-request-ratelimit 999\n"
    "strict-register-nonce yes\n"
    "timers {\n"
    "\tregister-interval 61\n\tregistration-ttl 181\n\tnegative-ttl 16\n"
    "\tunregistered-ttl 2\n\tmap-request-timeout 1001\n"
    "\tmap-request-retries 4\n\tprobe-interval 31\n\tprobe-timeout 5\n"
    "\tmap-cache-ttl 1441\n"
    "}\n"
    "site lisp1 {\n"
    "\tdescription \"first site\"\n"
    "\tkey 0 sha256 \"s3cret\"\n"
    "\tkey 1 sha1 \"legacy\"\n"
    "\teid-prefix 198.18.1.0/24\n"
    "\teid-prefix 2001:db8:1::/48 accept-more-specifics\n"
    "\teid-prefix [100]198.18.1.0/24\n"
    "\tallowed-rloc 203.0.113.1\n"
    "\tproxy-reply\n"
    "}\n"
    "ms-route 198.18.0.0/15 via 203.0.113.2\n"
    "database-mapping 198.18.1.0/24 {\n"
    "\trloc 203.0.113.1 priority 1 weight 100\n"
    "\trloc interface veth0 ipv6 priority 2 weight 50\n"
    "\tttl 1440\n"
    "}\n"
    "map-server 203.0.113.2 key 3 sha256 \"s3cret\" proxy-reply "
    "want-map-notify\n"
    "xtr-id 0x00112233445566778899aabbccddeeff\n"
    "site-id 7\n"
    "map-resolver 203.0.113.2\n"
    "map-resolver 2001:db8::2\n"
    "use-petr 203.0.113.10\n"
    "tun lisp0 mtu 1400\n"
    "routing-table 101\n"
    "rule-priority 102\n"
    "queue-per-destination 5\n"
    "pitr-prefix 198.18.0.0/15\n"
    "petr-prefix 198.18.0.0/16\n";

static void
test_example(void **state)
{
	static const uint8_t xid[16] = { 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
	    0x66, 0x77, 0x88, 0x99, 0xaa, 0xbb, 0xcc, 0xdd, 0xee, 0xff };
	char err[512];
	struct conf *c;
	struct conf_site *s;
	struct conf_prefix *p;
	struct conf_mapping *m;
	struct conf_rloc *r;
	struct conf_map_server *ms;
	struct conf_peer *pe;

	c = load(example, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_true(c->map_server && c->map_resolver && c->itr && c->etr &&
	    c->pitr && c->petr);
	assert_string_equal(c->path, "t.conf");
	assert_string_equal(c->control_path, "/run/l.sock");
	assert_addr(&c->listen_v4, "203.0.113.2");
	assert_int_equal(c->listen_v6.afi, AFI_NONE);
	assert_int_equal(c->log_rate, 12);
	assert_int_equal(c->ratelimit_pps, 999);
	assert_int_equal(c->strict_register_nonce, 1);
	assert_int_equal(c->timers.register_interval, 61);
	assert_int_equal(c->timers.registration_ttl, 181);
	assert_int_equal(c->timers.negative_ttl, 16);
	assert_int_equal(c->timers.unregistered_ttl, 2);
	assert_int_equal(c->timers.map_request_timeout_ms, 1001);
	assert_int_equal(c->timers.map_request_retries, 4);
	assert_int_equal(c->timers.probe_interval, 31);
	assert_int_equal(c->timers.probe_timeout, 5);
	assert_int_equal(c->timers.map_cache_ttl, 1441);

	s = TAILQ_FIRST(&c->sites);
	assert_non_null(s);
	assert_null(TAILQ_NEXT(s, entry));
	assert_string_equal(s->name, "lisp1");
	assert_string_equal(s->description, "first site");
	assert_int_equal(s->nkeys, 2);
	assert_int_equal(s->keys[0].key_id, 0);
	assert_int_equal(s->keys[0].alg, ALG_HMAC_SHA256_128);
	assert_string_equal(s->keys[0].secret, "s3cret");
	assert_int_equal(s->keys[1].key_id, 1);
	assert_int_equal(s->keys[1].alg, ALG_HMAC_SHA1_96);
	assert_string_equal(s->keys[1].secret, "legacy");
	p = TAILQ_FIRST(&s->prefixes);
	assert_prefix(&p->eid, p->mlen, "198.18.1.0/24");
	assert_int_equal(p->eid.has_iid, 0);
	assert_int_equal(p->accept_more_specifics, 0);
	p = TAILQ_NEXT(p, entry);
	assert_prefix(&p->eid, p->mlen, "2001:db8:1::/48");
	assert_int_equal(p->accept_more_specifics, 1);
	p = TAILQ_NEXT(p, entry);
	assert_int_equal(p->eid.afi, AFI_IPV4);
	assert_int_equal(p->eid.has_iid, 1);
	assert_int_equal(p->eid.iid, 100);
	assert_int_equal(p->mlen, 24);
	assert_null(TAILQ_NEXT(p, entry));
	r = TAILQ_FIRST(&s->allowed_rlocs);
	assert_addr(&r->addr, "203.0.113.1");
	assert_int_equal(s->force_proxy_reply, 1);

	assert_prefix(&TAILQ_FIRST(&c->ms_routes)->eid,
	    TAILQ_FIRST(&c->ms_routes)->mlen, "198.18.0.0/15");
	assert_addr(&TAILQ_FIRST(&c->ms_routes)->ms, "203.0.113.2");

	m = TAILQ_FIRST(&c->mappings);
	assert_prefix(&m->eid, m->mlen, "198.18.1.0/24");
	assert_int_equal(m->ttl, 1440);
	r = TAILQ_FIRST(&m->rlocs);
	assert_addr(&r->addr, "203.0.113.1");
	assert_null(r->ifname);
	assert_int_equal(r->priority, 1);
	assert_int_equal(r->weight, 100);
	r = TAILQ_NEXT(r, entry);
	assert_int_equal(r->addr.afi, AFI_NONE);
	assert_string_equal(r->ifname, "veth0");
	assert_int_equal(r->family, 6);
	assert_int_equal(r->priority, 2);
	assert_int_equal(r->weight, 50);

	ms = TAILQ_FIRST(&c->map_servers);
	assert_addr(&ms->addr, "203.0.113.2");
	assert_int_equal(ms->key.key_id, 3);
	assert_int_equal(ms->key.alg, ALG_HMAC_SHA256_128);
	assert_string_equal(ms->key.secret, "s3cret");
	assert_int_equal(ms->proxy_reply, 1);
	assert_int_equal(ms->want_map_notify, 1);
	assert_int_equal(c->has_xtr_id, 1);
	assert_memory_equal(c->xtr_id, xid, 16);
	assert_int_equal(c->site_id, 7);

	pe = TAILQ_FIRST(&c->map_resolvers);
	assert_addr(&pe->addr, "203.0.113.2");
	assert_addr(&TAILQ_NEXT(pe, entry)->addr, "2001:db8::2");
	assert_addr(&TAILQ_FIRST(&c->petrs)->addr, "203.0.113.10");
	assert_string_equal(c->tun_name, "lisp0");
	assert_int_equal(c->tun_mtu, 1400);
	assert_int_equal(c->rt_table, 101);
	assert_int_equal(c->rule_prio, 102);
	assert_int_equal(c->queue_per_dest, 5);
	p = TAILQ_FIRST(&c->pitr_prefixes);
	assert_prefix(&p->eid, p->mlen, "198.18.0.0/15");
	p = TAILQ_FIRST(&c->petr_prefixes);
	assert_prefix(&p->eid, p->mlen, "198.18.0.0/16");
	conf_free(c);
}

static void
test_defaults(void **state)
{
	char err[256];
	struct conf *c;
	struct conf_mapping *m;

	/* no final newline; the mapping's ttl follows map-cache-ttl even
	 * when the timers block comes later; host bits are cleared */
	c = load("role etr\n"
	    "database-mapping 198.18.1.77/24 {\n\trloc 203.0.113.1\n}\n"
	    "map-server 203.0.113.2 key 0 sha1 \"k\"\n"
	    "timers {\n\tmap-cache-ttl 30\n}", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->control_path, "/run/locid.sock");
	assert_int_equal(c->control_port, 4342);
	assert_int_equal(c->data_port, 4341);
	assert_int_equal(c->log_rate, 10);
	assert_int_equal(c->ratelimit_pps, 1000);
	assert_int_equal(c->strict_register_nonce, 0);
	assert_int_equal(c->timers.register_interval, 60);
	assert_int_equal(c->timers.registration_ttl, 180);
	assert_int_equal(c->timers.negative_ttl, 15);
	assert_int_equal(c->timers.unregistered_ttl, 1);
	assert_int_equal(c->timers.map_request_timeout_ms, 1000);
	assert_int_equal(c->timers.map_request_retries, 3);
	assert_int_equal(c->timers.probe_interval, 30);
	assert_int_equal(c->timers.probe_timeout, 3);
	assert_int_equal(c->timers.map_cache_ttl, 30);
	assert_string_equal(c->tun_name, "lisp0");
	assert_int_equal(c->tun_mtu, 0);
	assert_int_equal(c->rt_table, 100);
	assert_int_equal(c->rule_prio, 100);
	assert_int_equal(c->queue_per_dest, 4);
	assert_int_equal(c->has_xtr_id, 0);
	assert_int_equal(c->site_id, 0);
	m = TAILQ_FIRST(&c->mappings);
	assert_prefix(&m->eid, m->mlen, "198.18.1.0/24");
	assert_int_equal(m->ttl, 30);
	assert_int_equal(TAILQ_FIRST(&m->rlocs)->priority, 1);
	assert_int_equal(TAILQ_FIRST(&m->rlocs)->weight, 100);
	assert_int_equal(TAILQ_FIRST(&c->map_servers)->proxy_reply, 0);
	assert_int_equal(TAILQ_FIRST(&c->map_servers)->want_map_notify, 0);
	conf_free(c);
}

/* printed text parses back to a conf that prints the same */
static void
roundtrip(const char *text)
{
	char err[512];
	struct conf *c1, *c2;
	char *p1, *p2;

	c1 = load(text, err, sizeof(err));
	if (c1 == NULL)
		fail_msg("%s", err);
	p1 = print_mem(c1);
	c2 = load(p1, err, sizeof(err));
	if (c2 == NULL)
		fail_msg("re-parse: %s\n%s", err, p1);
	p2 = print_mem(c2);
	assert_string_equal(p1, p2);
	free(p1);
	free(p2);
	conf_free(c1);
	conf_free(c2);
}

static void
test_roundtrip(void **state)
{
	roundtrip(example);
	roundtrip("role map-server\n"
	    "site \"ttl\" {\n\tdescription \"a \\\"q\\\" \\\\ b\"\n"
	    "\tkey 9 sha1 \"#not a comment\"\n\teid-prefix [0]0.0.0.0/0\n}\n"
	    "site \"two words\" {\n\tkey 0 sha1 \"x\"\n"
	    "\teid-prefix 02:00:00:00:00:00/48\n}\n"
	    "site \"123\" {\n\tkey 0 sha1 \"x\"\n\teid-prefix ::/0\n}\n"
	    "site \"\xc3\xa9t\xc3\xa9\" {\n\tkey 0 sha1 \"x\"\n"
	    "\teid-prefix 198.18.0.0/16\n}\n");
}

static void
test_strings(void **state)
{
	char err[256];
	struct conf *c;
	char *p;

	c = load("role map-server\nsite \"weird name\" {\n"
	    "\tdescription \"say \\\"hi\\\" \\\\o/\"\n"
	    "\tkey 0 sha1 \"a#b\" # comment\n\teid-prefix 198.18.1.0/24\n}\n",
	    err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(TAILQ_FIRST(&c->sites)->name, "weird name");
	assert_string_equal(TAILQ_FIRST(&c->sites)->description,
	    "say \"hi\" \\o/");
	assert_string_equal(TAILQ_FIRST(&c->sites)->keys[0].secret, "a#b");
	p = print_mem(c);
	assert_non_null(strstr(p, "site \"weird name\" {\n"));
	assert_non_null(strstr(p, "\tdescription \"say \\\"hi\\\" \\\\o/\"\n"));
	free(p);
	conf_free(c);
}

static const struct {
	const char	*text;
	const char	*err;
} bad[] = {
	{ "role etr\neid-prefix 198.18.1.0/24\n",
	    "t.conf:2: eid-prefix outside any block" },
	{ "role map-server\nsite a {\n\tkey 0 sha1 \"x\"\n"
	    "\teid-prefix 198.18.1.0/33\n}\n",
	    "t.conf:4: prefix 198.18.1.0/33: mask length exceeds 32" },
	{ "role map-server\nsite a {\n\tkey 0 md5 \"x\"\n}\n",
	    "t.conf:3: key algorithm must be sha1 or sha256" },
	{ "role map-server\nsite a {\n\tkey 0 sha1 \"x\"\n"
	    "\teid-prefix 198.18.1.0/24\n}\nsite a {\n}\n",
	    "t.conf:6: site \"a\" defined twice" },
	{ "role etr\n",
	    "t.conf:1: role etr needs a database-mapping\n"
	    "t.conf:1: role etr needs a map-server" },
	{ "\nrole itr\n", "t.conf:2: role itr needs a map-resolver" },
	{ "role map-resolver\n",
	    "t.conf:1: role map-resolver needs an ms-route, a ddt-root or role map-server" },
	{ "", "t.conf: no role configured" },
	{ "role petr\ndatabase-mapping 198.18.1.0/24 {\n\trloc 1.2.3.4 "
	    "priority 256\n}\n",
	    "t.conf:3: priority 256 out of range (0-255)" },
	{ "role petr\nsite-id 18446744073709551616\n",
	    "t.conf:2: number 18446744073709551616 too large" },
	{ "role petr\ntimers {\n\tprobe-timeout 0\n}\n",
	    "t.conf:3: probe-timeout 0 out of range (1-3600)" },
	{ "role petr\ntimers {\n", "t.conf:2: timers block not closed" },
	{ "role petr\n}\n", "t.conf:2: \"}\" without an open block" },
	{ "role petr\nbogus 1\n", "t.conf:2: unknown statement \"bogus\"" },
	{ "role petr\nlisten 1.2.3.4 5\n",
	    "t.conf:2: syntax error at \"5\": unexpected number, "
	    "expecting newline" },
	{ "role petr\ncontrol \"abc\n", "t.conf:2: unterminated string" },
	{ "role petr\ncontrol \"a\tb\"\n",
	    "t.conf:2: control character in string" },
	{ "role petr\nlisten [1]1.2.3.4\n",
	    "t.conf:2: listen [1]1.2.3.4: must be an IPv4 or IPv6 address" },
	{ "role petr\nuse-petr 1.2.3\n",
	    "t.conf:2: use-petr 1.2.3: invalid address" },
	{ "role petr\nxtr-id 0x1234\n",
	    "t.conf:2: xtr-id must be 0x and 32 hex digits" },
	{ "role petr\ntun lisp0 mtu 70000\n",
	    "t.conf:2: mtu 70000 out of range (576-65535)" },
	{ "role petr\nrole petr\nstrict-register-nonce 1x\n",
	    "t.conf:3: strict-register-nonce must be yes or no" },
	{ "role petr\x01\n", "t.conf:1: unexpected character 0x01" },
	{ "role petr\nsite x {\n\tkey 0 sha1 \"a\"\n\tkey 1 sha1 \"a\"\n"
	    "\tkey 2 sha1 \"a\"\n\tkey 3 sha1 \"a\"\n\tkey 4 sha1 \"a\"\n"
	    "\teid-prefix 198.18.0.0/24\n}\n",
	    "t.conf:7: site \"x\": more than 4 keys" },
	{ "role petr\nsite x {\n\tkey 0 sha1 \"a\"\n\tkey 0 sha1 \"b\"\n"
	    "\teid-prefix 198.18.0.0/24\n}\n",
	    "t.conf:4: key 0 defined twice in site \"x\"" },
	{ "role petr\nsite x {\n\tdescription \"y\"\n}\n",
	    "t.conf:2: site \"x\" has no key\n"
	    "t.conf:2: site \"x\" has no eid-prefix" },
};

static void
test_errors(void **state)
{
	char err[1024];
	struct conf *c;
	size_t i;

	for (i = 0; i < NELEM(bad); i++) {
		c = load(bad[i].text, err, sizeof(err));
		if (c != NULL)
			fail_msg("case %zu parsed", i);
		if (strcmp(err, bad[i].err) != 0)
			fail_msg("case %zu: got \"%s\" want \"%s\"", i, err,
			    bad[i].err);
	}
}

/* many errors stop after CONF_MAXERRORS; a small buffer gets whole lines
 * and is not overrun */
static void
test_error_limits(void **state)
{
	char err[4096], tiny[64];
	struct conf *c;
	char *text;
	size_t i, n = 0;

	assert_non_null(text = malloc(100 * 16));
	text[0] = '\0';
	for (i = 0; i < 100; i++)
		strcat(text, "bad line\n");
	assert_null(load(text, err, sizeof(err)));
	for (i = 0; err[i] != '\0'; i++)
		if (err[i] == '\n')
			n++;
	assert_int_equal(n + 1, 10);
	/* only whole lines: the first fits, the second does not */
	memset(tiny, 'x', sizeof(tiny));
	assert_null(c = load(text, tiny, 60));
	assert_string_equal(tiny, "t.conf:1: unknown statement \"bad\"");
	assert_int_equal(tiny[60], 'x');
	assert_null(c = load(text, tiny, 8));
	assert_string_equal(tiny, "");
	free(text);
	/* no error buffer at all */
	assert_null(load("bad\n", NULL, 0));
	assert_non_null(c = load("role petr\n", NULL, 0));
	conf_free(c);
}

static void
test_load_file(void **state)
{
	char err[512];
	struct conf *c;

	assert_null(conf_load("tests/conf/does-not-exist.conf", err,
	    sizeof(err)));
	assert_string_equal(err, "tests/conf/does-not-exist.conf: "
	    "No such file or directory");
	assert_null(conf_load("tests/conf", err, sizeof(err)));
	assert_string_equal(err, "tests/conf: not a regular file");
	c = conf_load("tests/conf/ok/full.conf", err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->path, "tests/conf/ok/full.conf");
	conf_free(c);
}

/* tests/conf/ok/X.conf prints as X.out; bad/X.conf fails with X.err */
static void
test_golden(void **state)
{
	char err[4096], want[4096];
	glob_t g;
	struct conf *c;
	char *exp, *got;
	size_t i, n;
	int checked = 0;

	assert_int_equal(glob("tests/conf/ok/*.conf", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		c = conf_load(g.gl_pathv[i], err, sizeof(err));
		if (c == NULL)
			fail_msg("%s", err);
		snprintf(want, sizeof(want), "%.*s.out",
		    (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
		assert_non_null(exp = slurp(want));
		got = print_mem(c);
		if (strcmp(exp, got) != 0)
			fail_msg("%s: printed form differs from %s",
			    g.gl_pathv[i], want);
		free(exp);
		free(got);
		conf_free(c);
		checked++;
	}
	globfree(&g);
	assert_int_equal(glob("tests/conf/bad/*.conf", 0, NULL, &g), 0);
	for (i = 0; i < g.gl_pathc; i++) {
		assert_null(conf_load(g.gl_pathv[i], err, sizeof(err)));
		snprintf(want, sizeof(want), "%.*s.err",
		    (int)(strlen(g.gl_pathv[i]) - 5), g.gl_pathv[i]);
		assert_non_null(exp = slurp(want));
		n = strlen(exp);
		if (n > 0 && exp[n - 1] == '\n')
			exp[n - 1] = '\0';
		if (strcmp(exp, err) != 0)
			fail_msg("%s: got\n%s\nwant\n%s", g.gl_pathv[i], err,
			    exp);
		free(exp);
		checked++;
	}
	globfree(&g);
	assert_true(checked >= 8);
}

/* user, control-group, control-socket-ro: names resolved at load time,
 * the control socket paths and their defaults */
static void
test_privileges(void **state)
{
	char err[1024];
	struct conf *c;
	char *txt;

	assert_non_null(c = load("role petr\n", err, sizeof(err)));
	assert_null(c->user);
	assert_null(c->control_group);
	assert_string_equal(conf_control_path(c), "/run/locid.sock");
	assert_string_equal(conf_control_ro_path(c), "/run/locid.sock.ro");
	conf_free(c);

	assert_non_null(c = load("role petr\ncontrol \"/tmp/x.sock\"\n", err,
	    sizeof(err)));
	assert_string_equal(conf_control_path(c), "/tmp/x.sock");
	assert_string_equal(conf_control_ro_path(c), "/tmp/x.sock.ro");
	conf_free(c);

	c = load("role petr\nuser nobody\ncontrol-group nogroup\n"
	    "control \"/run/locid/rw\"\ncontrol-socket-ro \"/run/locid/ro\"\n",
	    err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	assert_string_equal(c->user, "nobody");
	assert_int_equal(c->user_uid, 65534);
	assert_int_equal(c->user_gid, 65534);
	assert_string_equal(c->control_group, "nogroup");
	assert_int_equal(c->control_gid, 65534);
	assert_string_equal(conf_control_ro_path(c), "/run/locid/ro");
	txt = print_mem(c);
	assert_non_null(strstr(txt, "\ncontrol-socket-ro \"/run/locid/ro\"\n"
	    "control-group nogroup\nuser nobody\n"));
	free(txt);
	conf_free(c);

	assert_null(load("role petr\nuser nosuchuser-locid\n", err,
	    sizeof(err)));
	assert_string_equal(err, "t.conf:2: unknown user \"nosuchuser-locid\"");
	assert_null(load("role petr\n\ncontrol-group nosuchgroup-locid\n", err,
	    sizeof(err)));
	assert_string_equal(err,
	    "t.conf:3: unknown group \"nosuchgroup-locid\"");
}

static char *
big_site(size_t n, const char *extra)
{
	char *s;
	size_t i, len = 0, cap = n * 48 + 4096;

	assert_non_null(s = malloc(cap));
	len += (size_t)snprintf(s + len, cap - len, "role map-server\n"
	    "site a {\n\tkey 1 sha256 \"k\"\n\teid-prefix 198.51.100.0/24\n}\n"
	    "site b {\n\tkey 1 sha256 \"k\"\n");
	for (i = 0; i < n; i++)
		len += (size_t)snprintf(s + len, cap - len,
		    "\teid-prefix 10.%zu.%zu.%zu/32%s\n", i >> 16,
		    (i >> 8) & 255, i & 255,
		    i % 2 ? " accept-more-specifics" : "");
	snprintf(s + len, cap - len, "%s}\n", extra);
	return s;
}

/* many prefixes: a file over the old 4 MiB limit loads, whole, and a
 * duplicate anywhere is still found and names the site holding it */
static void
test_many_prefixes(void **state)
{
	char err[1024];
	const struct conf_site *s;
	const struct conf_prefix *p;
	struct conf *c;
	char *txt;
	size_t n = 0;

	txt = big_site(200000, "");
	assert_true(strlen(txt) > 4 * 1024 * 1024);
	c = load(txt, err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	s = TAILQ_LAST(&c->sites, conf_sites);
	assert_string_equal(s->name, "b");
	TAILQ_FOREACH(p, &s->prefixes, entry)
		n++;
	assert_int_equal(n, 200000);
	p = TAILQ_LAST(&s->prefixes, conf_prefixes);
	assert_prefix(&p->eid, p->mlen, "10.3.13.63/32");
	assert_int_equal(p->accept_more_specifics, 1);
	conf_free(c);
	free(txt);

	txt = big_site(50000, "\teid-prefix 10.0.195.79/32\n"
	    "\teid-prefix 198.51.100.0/24\n\teid-prefix 198.51.100.0/25\n");
	assert_null(load(txt, err, sizeof(err)));
	assert_string_equal(err,
	    "t.conf:50008: eid-prefix 10.0.195.79/32 already in site \"b\"\n"
	    "t.conf:50009: eid-prefix 198.51.100.0/24 already in site \"a\"");
	free(txt);

	assert_null(load("role petr\nrole pitr\nmap-resolver 203.0.113.1\n"
	    "pitr-prefix 198.18.0.0/15\npetr-prefix 198.18.0.0/15\n"
	    "pitr-prefix 198.18.0.0/16\npitr-prefix 198.18.0.0/15\n"
	    "petr-prefix 198.18.0.0/15\nms-route 198.18.0.0/16 via 203.0.113.1\n"
	    "ms-route 198.18.0.0/16 via 203.0.113.2\n"
	    "database-mapping 198.18.0.0/24 {\n\trloc 203.0.113.9\n}\n"
	    "database-mapping 198.18.0.0/24 {\n\trloc 203.0.113.9\n}\n",
	    err, sizeof(err)));
	assert_string_equal(err,
	    "t.conf:7: pitr-prefix 198.18.0.0/15 given twice\n"
	    "t.conf:8: petr-prefix 198.18.0.0/15 given twice\n"
	    "t.conf:10: ms-route 198.18.0.0/16 given twice\n"
	    "t.conf:14: database-mapping 198.18.0.0/24 defined twice");
}

/* past the 1 GiB sanity limit: refused before reading */
static void
test_too_large(void **state)
{
	char path[] = "/tmp/test_locid_conf.XXXXXX", err[512], want[600];
	int fd;

	assert_true((fd = mkstemp(path)) != -1);
	assert_int_equal(ftruncate(fd, (off_t)1024 * 1024 * 1024 + 1), 0);
	close(fd);
	assert_null(conf_load(path, err, sizeof(err)));
	snprintf(want, sizeof(want), "%s: file too large", path);
	assert_string_equal(err, want);
	unlink(path);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_example),
		cmocka_unit_test(test_defaults),
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_strings),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_error_limits),
		cmocka_unit_test(test_load_file),
		cmocka_unit_test(test_golden),
		cmocka_unit_test(test_privileges),
		cmocka_unit_test(test_many_prefixes),
		cmocka_unit_test(test_too_large),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
