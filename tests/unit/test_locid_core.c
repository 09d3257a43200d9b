/* the core against fake roles: dispatch by message kind and priority,
 * honest reload (restart of a role that refuses the new conf, roll back
 * when one cannot start), and control protocol v1 (read-only socket,
 * streamed replies with backpressure, client and line limits) */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "core.h"
#include "msg_build.h"

/* -- two fake roles ------------------------------------------------------ */

struct fake {
	int	 id;
	int	 reconfs;
};

static char	 calls[256];		/* "a:req b:req ..." */
static int	 b_new_fails, b_reconf_fails, b_takes;
static int	 news, frees;
static long	 produced, cursors_freed;

static void
called(const char *what)
{
	strncat(calls, what, sizeof(calls) - strlen(calls) - 1);
}

static int
a_wanted(const struct conf *c)
{
	return c->map_server;
}

static int
b_wanted(const struct conf *c)
{
	return c->map_resolver;
}

static void *
a_new(struct locid *l)
{
	struct fake *f = calloc(1, sizeof(*f));

	f->id = 'a';
	news++;
	return f;
}

static void *
b_new(struct locid *l)
{
	struct fake *f;

	if (b_new_fails)
		return NULL;
	f = calloc(1, sizeof(*f));
	f->id = 'b';
	news++;
	return f;
}

static int
fake_reconf(void *o, char *err, size_t errlen)
{
	struct fake *f = o;

	f->reconfs++;
	if (f->id == 'b' && b_reconf_fails) {
		snprintf(err, errlen, "b cannot take it");
		return -1;
	}
	return 0;
}

static void
fake_free(void *o)
{
	frees++;
	free(o);
}

static int
a_request(void *o, const struct msg_in *m)
{
	called("a:req ");
	return 1;
}

static int
b_request(void *o, const struct msg_in *m)
{
	called("b:req ");
	return b_takes;
}

/* "show things" {"n": N}: N items, a chunk per call */
static int
things_stream(void *o, json_t *args, struct ctl_stream *st, void **cursor,
    char *err, size_t errlen)
{
	long	*next = *cursor;
	long	 n = (long)json_integer_value(json_object_get(args, "n"));

	if (n < 0) {
		snprintf(err, errlen, "bad n");
		return -1;
	}
	if (next == NULL) {
		next = calloc(1, sizeof(*next));
		*cursor = next;
	}
	while (*next < n) {
		produced++;
		if (!ctl_stream_item(st, json_pack("{s:I}", "i", (json_int_t)(*next)++)))
			return *next < n;
	}
	return 0;
}

static void
things_free(void *c)
{
	cursors_freed++;
	free(c);
}

static json_t *
poke(void *o, json_t *args, char *err, size_t errlen)
{
	return json_string("poked");
}

static const struct ctl_cmd a_cmds[] = {
	{ .name = "show things", .stream = things_stream, .cursor_free = things_free },
	{ .name = "poke", .flags = CTL_PRIV, .fn = poke },
	{ .name = NULL },
};

static const struct role role_a = {
	.name = "role-a", .wanted = a_wanted, .new = a_new,
	.reconf = fake_reconf, .free = fake_free,
	.rx = { [RX_REQUEST] = { a_request, 20 } },
	.cmds = a_cmds,
};

static const struct role role_b = {
	.name = "role-b", .wanted = b_wanted, .new = b_new,
	.reconf = fake_reconf, .free = fake_free,
	.rx = { [RX_REQUEST] = { b_request, 10 } },
};

/* a function row: no state of its own (no reconf, no free), a reload
 * calls its new again, as the xTR's itr/etr/pitr/petr rows */
static int	 c_news;

static void *
c_new(struct locid *l)
{
	c_news++;
	return l;
}

static const struct role role_c = {
	.name = "role-c", .wanted = a_wanted, .new = c_new,
};

static const struct role *const fake_table[] = { &role_a, &role_b, &role_c, NULL };

/* -- fixture ------------------------------------------------------------- */

static struct locid	 L;
static char		 dir[64], cpath[128], sock[128], rosock[128];
static int		 ok;

static void
write_conf(int mr, int lograte)
{
	FILE *f = fopen(cpath, "w");

	assert_non_null(f);
	fprintf(f, "role map-server\n%scontrol \"%s\"\nlisten 127.0.0.1\n"
	    "log-rate %d\nsite s {\n\tkey 0 sha256 \"k\"\n\teid-prefix 198.18.1.0/24\n}\n",
	    mr ? "role map-resolver\n" : "", sock, lograte);
	fclose(f);
}

static int
setup(void **state)
{
	struct conf	*c;
	char		 err[512];

	if (getuid() != 0 || unshare(CLONE_NEWNET) == -1 ||
	    system("ip link set lo up") != 0) {
		print_message("skipped: needs root for a private network namespace\n");
		return 0;
	}
	snprintf(dir, sizeof(dir), "/tmp/test_locid_core.XXXXXX");
	assert_non_null(mkdtemp(dir));
	snprintf(cpath, sizeof(cpath), "%s/locid.conf", dir);
	snprintf(sock, sizeof(sock), "%s/ctl.sock", dir);
	snprintf(rosock, sizeof(rosock), "%s/ctl.sock.ro", dir);
	write_conf(0, 10);
	if ((c = conf_load(cpath, err, sizeof(err))) == NULL)
		fail_msg("%s", err);
	assert_int_equal(locid_start_roles(&L, c, cpath, fake_table), 0);
	ok = 1;
	return 0;
}

static int
teardown(void **state)
{
	char cmd[128];

	if (!ok)
		return 0;
	locid_stop(&L);
	assert_int_equal(news, frees);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	assert_int_equal(system(cmd), 0);
	return 0;
}

#define SKIP() do { if (!ok) skip(); } while (0)

static void
pump(int n)
{
	while (n-- > 0)
		event_base_loop(L.base, EVLOOP_NONBLOCK);
}

static int
connect_to(const char *path)
{
	struct sockaddr_un	 sun;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK, 0);
	assert_int_equal(connect(fd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	pump(3);
	return fd;
}

static void
send_line(int fd, const char *s)
{
	assert_int_equal(write(fd, s, strlen(s)), (ssize_t)strlen(s));
	assert_int_equal(write(fd, "\n", 1), 1);
}

/* read lines while pumping the loop until `lines` lines or EOF; returns
 * the lines read, the text in buf */
static int
read_lines(int fd, char *buf, size_t cap, int lines, int *eof)
{
	size_t	 len = 0;
	ssize_t	 n;
	int	 got = 0, idle = 0;

	*eof = 0;
	buf[0] = '\0';
	while (got < lines && idle < 2000) {
		pump(1);
		n = read(fd, buf + len, cap - 1 - len);
		if (n == 0) {
			*eof = 1;
			break;
		}
		if (n < 0) {
			idle++;
			usleep(200);
			continue;
		}
		idle = 0;
		buf[len + (size_t)n] = '\0';
		for (char *p = buf + len; (p = memchr(p, '\n', buf + len + n - p)) != NULL; p++)
			got++;
		len += (size_t)n;
		if (len > cap - 4096)	/* keep the tail only */
			len = 0;
	}
	return got;
}

/* -- dispatch ------------------------------------------------------------ */

static void
dispatch_request(void)
{
	struct mreq_build	 q;
	struct lisp_addr	 itr;
	uint8_t			 buf[512];
	struct pkt		 p;

	memset(&q, 0, sizeof(q));
	addr_parse(&itr, "127.0.0.1");
	addr_set_none(&q.seid);
	q.nonce = 1;
	q.itr = &itr;
	q.nitr = 1;
	addr_parse(&q.eid, "198.18.1.1");
	q.mlen = 32;
	memset(&p, 0, sizeof(p));
	p.buf = buf;
	assert_true((p.len = map_request_build(buf, sizeof(buf), &q)) > 0);
	core_dispatch(&L, &p);
}

static void
test_dispatch_order(void **state)
{
	uint64_t d0;

	SKIP();
	/* only role a runs: it takes the request */
	calls[0] = '\0';
	dispatch_request();
	assert_string_equal(calls, "a:req ");
	/* a takes nothing else: a Map-Reply is dropped as untaken */
	d0 = core_drop_count(&L, "map-reply without xtr role");
	{
		uint8_t		 b[12] = { LISP_MAP_REPLY << 4 };
		struct pkt	 p = { .buf = b, .len = sizeof(b) };

		core_dispatch(&L, &p);
	}
	assert_int_equal(core_drop_count(&L, "map-reply without xtr role"), d0 + 1);
}

/* -- reload -------------------------------------------------------------- */

static void
test_reload_starts_and_orders(void **state)
{
	char err[1024] = "";

	SKIP();
	write_conf(1, 20);
	b_takes = 0;
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	assert_int_equal(L.core->change[0], RC_RECONFIGURED);
	assert_int_equal(L.core->change[1], RC_STARTED);
	assert_int_equal(L.conf->log_rate, 20);
	/* b (prio 10) is offered the request first, declines, a takes it */
	calls[0] = '\0';
	dispatch_request();
	assert_string_equal(calls, "b:req a:req ");
	b_takes = 1;
	calls[0] = '\0';
	dispatch_request();
	assert_string_equal(calls, "b:req ");
}

static void
test_reload_function_row(void **state)
{
	char	 err[1024] = "";
	int	 n0 = c_news, f0 = frees;

	SKIP();
	assert_ptr_equal(core_role(&L, "role-c"), &L);
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	assert_int_equal(c_news, n0 + 1);		/* set up again */
	assert_int_equal(L.core->change[2], RC_RECONFIGURED);
	assert_ptr_equal(core_role(&L, "role-c"), &L);
	assert_int_equal(frees, f0);
}

static void
test_reload_restarts_refusing_role(void **state)
{
	char	 err[1024] = "";
	void	*b0 = core_role(&L, "role-b");
	int	 f0 = frees;

	SKIP();
	assert_non_null(b0);
	b_reconf_fails = 1;
	write_conf(1, 30);
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	b_reconf_fails = 0;
	assert_int_equal(L.core->change[1], RC_RESTARTED);
	assert_int_equal(frees, f0 + 1);
	assert_non_null(core_role(&L, "role-b"));
	assert_int_equal(L.conf->log_rate, 30);
}

static void
test_reload_rolls_back(void **state)
{
	char		 err[1024] = "";
	struct conf	*before;
	struct fake	*a;
	int		 r0;

	SKIP();
	/* back to a only, then a conf that needs b, which cannot start */
	write_conf(0, 40);
	assert_int_equal(locid_reload(&L, err, sizeof(err)), 0);
	assert_null(core_role(&L, "role-b"));
	before = L.conf;
	a = core_role(&L, "role-a");
	r0 = a->reconfs;
	b_new_fails = 1;
	write_conf(1, 50);
	assert_int_equal(locid_reload(&L, err, sizeof(err)), -1);
	b_new_fails = 0;
	assert_non_null(strstr(err, "role-b: could not start"));
	assert_non_null(strstr(err, "previous configuration was restored"));
	/* the old conf is back in force, a was handed it again */
	assert_ptr_equal(L.conf, before);
	assert_int_equal(L.conf->log_rate, 40);
	assert_ptr_equal(core_role(&L, "role-a"), a);
	assert_int_equal(a->reconfs, r0 + 2);
	assert_null(core_role(&L, "role-b"));
	/* the reply names what the reload did to each role */
	assert_int_equal(L.core->change[1], RC_FAILED);
	/* a parse error changes nothing at all */
	{
		FILE *f = fopen(cpath, "w");

		fputs("role map-server\nbogus line\n", f);
		fclose(f);
	}
	assert_int_equal(locid_reload(&L, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "locid.conf:2"));
	assert_ptr_equal(L.conf, before);
	write_conf(0, 40);
}

/* -- control protocol ------------------------------------------------------ */

static void
test_readonly_socket(void **state)
{
	static char	 buf[8192];
	int		 fd, eof;

	SKIP();
	fd = connect_to(rosock);
	send_line(fd, "{\"v\":1,\"cmd\":\"poke\"}");
	send_line(fd, "{\"v\":1,\"cmd\":\"reload\"}");
	send_line(fd, "{\"v\":1,\"cmd\":\"show version\"}");
	assert_int_equal(read_lines(fd, buf, sizeof(buf), 3, &eof), 3);
	assert_non_null(strstr(buf, "{\"v\":1,\"ok\":false,\"error\":\"permission denied: read-only control socket\"}\n"
	    "{\"v\":1,\"ok\":false,\"error\":\"permission denied: read-only control socket\"}\n"));
	assert_non_null(strstr(buf, "\"protocol\":1"));
	close(fd);
	fd = connect_to(sock);
	send_line(fd, "{\"v\":1,\"cmd\":\"poke\"}");
	assert_int_equal(read_lines(fd, buf, sizeof(buf), 1, &eof), 1);
	assert_string_equal(buf, "{\"v\":1,\"schema\":1,\"ok\":true,\"result\":\"poked\"}\n");
	close(fd);
	pump(5);
}

static void
test_stream_whole(void **state)
{
	static char	 buf[1 << 16];
	int		 fd, eof;

	SKIP();
	fd = connect_to(sock);
	send_line(fd, "{\"v\":1,\"cmd\":\"show things\",\"args\":{\"n\":-1}}");
	assert_int_equal(read_lines(fd, buf, sizeof(buf), 1, &eof), 1);
	assert_string_equal(buf, "{\"v\":1,\"ok\":false,\"error\":\"bad n\"}\n");
	send_line(fd, "{\"v\":1,\"cmd\":\"show things\",\"args\":{\"n\":50000}}");
	assert_int_equal(read_lines(fd, buf, sizeof(buf), 50002, &eof), 50002);
	assert_non_null(strstr(buf, "{\"item\":{\"i\":49999}}\n{\"end\":true,\"count\":50000}\n"));
	/* the connection carries the next request */
	send_line(fd, "{\"cmd\":\"show things\",\"args\":{\"n\":0}}");
	assert_int_equal(read_lines(fd, buf, sizeof(buf), 2, &eof), 2);
	assert_string_equal(buf, "{\"v\":1,\"schema\":1,\"ok\":true,\"stream\":true}\n{\"end\":true,\"count\":0}\n");
	close(fd);
	pump(5);
}

static void
test_stream_backpressure(void **state)
{
	long	 p0 = produced, c0 = cursors_freed;
	int	 fd, i;

	SKIP();
	/* a client that asks for a million items and reads none: the stream
	 * stops at the high-water mark, the daemon's memory stays bounded */
	fd = connect_to(sock);
	send_line(fd, "{\"v\":1,\"cmd\":\"show things\",\"args\":{\"n\":1000000}}");
	for (i = 0; i < 500; i++) {
		pump(1);
		usleep(100);
	}
	assert_true(produced - p0 > 1000);
	assert_true(produced - p0 < 100000);
	/* requests written behind it are not read either */
	for (i = 0; i < 200; i++)
		(void)!write(fd, "{\"cmd\":\"show version\"}\n", 23);
	pump(50);
	assert_true(produced - p0 < 100000);
	/* gone: its cursor is freed */
	close(fd);
	pump(20);
	assert_int_equal(cursors_freed, c0 + 1);
}

static void
test_limits(void **state)
{
	static char	 buf[8192];
	int		 fd[40], i, eof, refused = 0;
	char		*big;

	SKIP();
	for (i = 0; i < 40; i++)
		fd[i] = connect_to(sock);
	pump(20);
	for (i = 0; i < 40; i++) {
		char c;

		if (read(fd[i], &c, 1) == 0)
			refused++;
		close(fd[i]);
	}
	assert_int_equal(refused, 40 - 32);
	pump(20);
	/* a line over 64 KiB: refused and the connection closed */
	fd[0] = connect_to(sock);
	big = malloc(70000);
	memset(big, 'x', 70000);
	for (i = 0; i < 70000;) {
		ssize_t n = write(fd[0], big + i, 70000 - (size_t)i);

		if (n > 0)
			i += (int)n;
		pump(1);
	}
	free(big);
	assert_int_equal(read_lines(fd[0], buf, sizeof(buf), 1, &eof), 1);
	assert_string_equal(buf, "{\"v\":1,\"ok\":false,\"error\":\"request line too long\"}\n");
	read_lines(fd[0], buf, sizeof(buf), 1, &eof);
	assert_true(eof);
	close(fd[0]);
	pump(5);
}

/* the real table: a row per role keyword, named as the keyword and
 * wanted when it is set and not for another keyword (the xTR's shared state when any of its
 * four is); the message kinds each xTR row takes */
static const struct role *
row(const char *name)
{
	int i;

	for (i = 0; role_table[i] != NULL; i++)
		if (strcmp(role_table[i]->name, name) == 0)
			return role_table[i];
	return NULL;
}

static void
test_role_table_rows(void **state)
{
	const struct conf_role_kw *k, *o;
	const struct role *r;
	struct conf c;
	int i;

	(void)state;
	for (i = 0; role_table[i] != NULL; i++)
		;
	assert_true(i <= ROLES_MAX);
	for (k = conf_role_kws; k->name != NULL; k++) {
		assert_non_null(r = row(k->name));
		memset(&c, 0, sizeof(c));
		*(int *)(void *)((char *)&c + k->off) = 1;
		/* a Map-Server takes ECM'd requests as a Map-Resolver does */
		for (o = conf_role_kws; o->name != NULL; o++)
			assert_int_equal(row(o->name)->wanted(&c), o == k ||
			    (c.map_server && strcmp(o->name, "map-resolver") == 0));
		assert_int_equal(row("xtr")->wanted(&c),
		    c.itr || c.etr || c.pitr || c.petr);
	}
	/* the shared state takes no message; requests and probes go to the
	 * ETR only, SMRs and replies to every row with a map-cache */
	for (i = 0; i < RX__N; i++)
		assert_null(row("xtr")->rx[i].fn);
	assert_non_null(row("etr")->rx[RX_REQUEST].fn);
	assert_non_null(row("etr")->rx[RX_PROBE].fn);
	assert_non_null(row("etr")->rx[RX_INFO_REPLY].fn);
	assert_null(row("itr")->rx[RX_REQUEST].fn);
	assert_null(row("pitr")->rx[RX_PROBE].fn);
	assert_null(row("petr")->rx[RX_REQUEST].fn);
	assert_non_null(row("itr")->rx[RX_SMR].fn);
	assert_non_null(row("pitr")->rx[RX_REPLY].fn);
	/* publications before the ETR's own Map-Notifies */
	assert_true(row("itr")->rx[RX_NOTIFY].prio < row("etr")->rx[RX_NOTIFY].prio);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dispatch_order),
		cmocka_unit_test(test_reload_starts_and_orders),
		cmocka_unit_test(test_reload_function_row),
		cmocka_unit_test(test_reload_restarts_refusing_role),
		cmocka_unit_test(test_reload_rolls_back),
		cmocka_unit_test(test_readonly_socket),
		cmocka_unit_test(test_stream_whole),
		cmocka_unit_test(test_stream_backpressure),
		cmocka_unit_test(test_limits),
		cmocka_unit_test(test_role_table_rows),
	};

	signal(SIGPIPE, SIG_IGN);	/* as main.c: a client may go away */
	log_init(1, "test_locid_core");
	return cmocka_run_group_tests(tests, setup, teardown);
}
