/* locictl's control-protocol client against a fake daemon: a forked child
 * on the other end of a socketpair reads each request line and writes
 * scripted reply lines. single, refused, streamed (0, 1, 100k items, in
 * bounded memory), split lines, cut-short streams, ends with an error,
 * over-long lines, protocol 0, several requests on one connection. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/wait.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../locictl/ctl.h"

typedef void	(*serve_fn)(int fd);

struct fake {
	struct ctl_conn	c;
	pid_t		pid;
};

/* read one request line; the child checks it is a v1 request */
static int
req_read(int fd, char *buf, size_t len)
{
	size_t	n = 0;
	json_t	*j;

	while (n + 1 < len && read(fd, buf + n, 1) == 1)
		if (buf[n++] == '\n')
			break;
	buf[n] = '\0';
	if (n == 0 || (j = json_loads(buf, 0, NULL)) == NULL)
		return -1;
	if (json_integer_value(json_object_get(j, "v")) != 1 ||
	    !json_is_string(json_object_get(j, "cmd")) ||
	    !json_is_object(json_object_get(j, "args"))) {
		json_decref(j);
		return -1;
	}
	json_decref(j);
	return 0;
}

static void
put(int fd, const char *s)
{
	size_t n = strlen(s);
	ssize_t w;

	while (n > 0 && (w = write(fd, s, n)) > 0) {
		s += w;
		n -= (size_t)w;
	}
}

static void
fake_start(struct fake *f, serve_fn serve)
{
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	fflush(NULL);
	f->pid = fork();
	assert_true(f->pid != -1);
	if (f->pid == 0) {
		char req[4096];

		close(sv[0]);
		signal(SIGPIPE, SIG_IGN);
		if (req_read(sv[1], req, sizeof(req)) == 0)
			serve(sv[1]);
		else
			put(sv[1], "{\"v\":1,\"ok\":false,\"error\":\"bad request\"}\n");
		close(sv[1]);
		_exit(0);
	}
	close(sv[1]);
	ctl_conn_init(&f->c, sv[0]);
	f->c.timeout_ms = 3000;
}

static void
fake_end(struct fake *f)
{
	int st;

	ctl_conn_close(&f->c);
	kill(f->pid, SIGTERM);
	waitpid(f->pid, &st, 0);
}

/* an item callback that counts and checks the order, keeping nothing */
struct counted {
	long long	n;
	int		ordered;
};

static int
count_item(void *arg, json_t *item)
{
	struct counted *c = arg;

	if (json_integer_value(json_object_get(item, "i")) != c->n)
		c->ordered = 0;
	c->n++;
	return 0;
}

static int
call_stream(struct fake *f, serve_fn serve, struct counted *cnt, char *err,
    size_t errlen)
{
	json_t	*res = NULL;
	int	 rc;

	cnt->n = 0;
	cnt->ordered = 1;
	fake_start(f, serve);
	rc = ctl_conn_call(&f->c, "show map-cache", NULL, count_item, cnt, &res,
	    err, errlen);
	assert_null(res);
	return rc;
}

/* -- scripts ----------------------------------------------------------- */

static void
s_single(int fd)
{
	put(fd, "{\"v\":1,\"ok\":true,\"result\":{\"reloaded\":true,\"config\":\"/etc/locid.conf\"}}\n");
}

static void
s_refused(int fd)
{
	put(fd, "{\"v\":1,\"ok\":false,\"error\":\"permission denied: read-only control socket\"}\n");
}

static void
stream_items(int fd, long long n, const char *end)
{
	char		 line[256];
	long long	 i;
	FILE		*f = fdopen(dup(fd), "w");

	fputs("{\"v\":1,\"ok\":true,\"stream\":true}\n", f);
	for (i = 0; i < n; i++)
		fprintf(f, "{\"item\":{\"i\":%lld,\"prefix\":\"198.18.%lld.0/24\","
		    "\"state\":\"complete\",\"locators\":[{\"rloc\":\"203.0.113.5\"}]}}\n",
		    i, i % 256);
	if (end != NULL)
		fputs(end, f);
	else {
		snprintf(line, sizeof(line), "{\"end\":true,\"count\":%lld}\n", n);
		fputs(line, f);
	}
	fclose(f);
}

static void s_stream0(int fd) { stream_items(fd, 0, NULL); }
static void s_stream1(int fd) { stream_items(fd, 1, NULL); }
static void s_stream100k(int fd) { stream_items(fd, 100000, NULL); }
static void s_truncated(int fd) { stream_items(fd, 2, ""); }
static void s_cut_midline(int fd) { stream_items(fd, 2, "{\"item\":{\"i\":2"); }
static void
s_end_error(int fd)
{
	stream_items(fd, 3, "{\"end\":true,\"count\":3,\"error\":\"map-cache changed under the walk\"}\n");
}
static void s_end_miscount(int fd) { stream_items(fd, 3, "{\"end\":true,\"count\":5}\n"); }

static void
s_split(int fd)
{
	const char	*s = "{\"v\":1,\"ok\":true,\"stream\":true}\n"
	    "{\"item\":{\"i\":0,\"prefix\":\"198.18.2.0/24\"}}\n"
	    "{\"item\":{\"i\":1,\"prefix\":\"2001:db8:2::/48\"}}\n"
	    "{\"end\":true,\"count\":2}\n";
	size_t		 i;

	/* a byte at a time, with a pause so each lands in its own read */
	for (i = 0; s[i] != '\0'; i++) {
		if (write(fd, s + i, 1) != 1)
			return;
		usleep(200);
	}
}

static void
s_long_line(int fd)
{
	char *s = malloc(8192);

	memset(s, 'a', 8191);
	s[8191] = '\0';
	put(fd, "{\"v\":1,\"ok\":true,\"result\":\"");
	put(fd, s);
	put(fd, "\"}\n");
	free(s);
}

/* one line of 1 MiB: longer than the first buffer, well under the cap */
static void
s_big_line(int fd)
{
	char *s = malloc(1 << 20);

	memset(s, 'b', (1 << 20) - 1);
	s[(1 << 20) - 1] = '\0';
	put(fd, "{\"v\":1,\"ok\":true,\"result\":\"");
	put(fd, s);
	put(fd, "\"}\n");
	free(s);
}

static void
s_proto0(int fd)
{
	put(fd, "{\"ok\":true,\"result\":[{\"i\":0},{\"i\":1},{\"i\":2}]}\n");
}

static void
s_two_requests(int fd)
{
	char req[4096];

	put(fd, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"item\":{\"i\":0}}\n"
	    "{\"end\":true,\"count\":1}\n");
	if (req_read(fd, req, sizeof(req)) == 0)
		put(fd, "{\"v\":1,\"ok\":true,\"result\":{\"cleared\":4}}\n");
}

/* a daemon newer than this locictl: schema 2, twice on one connection */
static void
s_newer_schema(int fd)
{
	char req[4096];

	put(fd, "{\"v\":1,\"schema\":2,\"ok\":true,\"result\":{\"cleared\":1}}\n");
	if (req_read(fd, req, sizeof(req)) == 0)
		put(fd, "{\"v\":1,\"schema\":2,\"ok\":true,\"result\":{\"cleared\":2}}\n");
}

static void
s_silent(int fd)
{
	char b;

	(void)read(fd, &b, 1);	/* until the client gives up */
}

static void
s_bad_json(int fd)
{
	put(fd, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"item\":\n");
}

/* -- tests --------------------------------------------------------------- */

static void
test_single(void **state)
{
	struct fake	 f;
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_single);
	assert_int_equal(ctl_conn_call(&f.c, "reload", NULL, NULL, NULL, &res,
	    err, sizeof(err)), 0);
	assert_int_equal(f.c.version, 1);
	assert_false(f.c.streamed);
	assert_true(json_is_true(json_object_get(res, "reloaded")));
	assert_string_equal(json_string_value(json_object_get(res, "config")),
	    "/etc/locid.conf");
	json_decref(res);
	fake_end(&f);
}

static void
test_refused(void **state)
{
	struct fake	 f;
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_refused);
	assert_int_equal(ctl_conn_call(&f.c, "reload", NULL, NULL, NULL, &res,
	    err, sizeof(err)), -1);
	assert_null(res);
	assert_string_equal(err, "permission denied: read-only control socket");
	fake_end(&f);
}

static void
test_stream_0_1(void **state)
{
	struct fake	f;
	struct counted	cnt;
	char		err[256];

	assert_int_equal(call_stream(&f, s_stream0, &cnt, err, sizeof(err)), 0);
	assert_true(f.c.streamed);
	assert_int_equal(cnt.n, 0);
	fake_end(&f);
	assert_int_equal(call_stream(&f, s_stream1, &cnt, err, sizeof(err)), 0);
	assert_int_equal(cnt.n, 1);
	assert_int_equal(f.c.items, 1);
	fake_end(&f);
}

static void
test_stream_100k_bounded(void **state)
{
	struct fake	f;
	struct counted	cnt;
	char		err[256];

	/* ~12 MB of reply through a buffer that never grows past its first
	 * allocation: memory is bounded by the longest line, not the reply */
	assert_int_equal(call_stream(&f, s_stream100k, &cnt, err, sizeof(err)), 0);
	assert_int_equal(cnt.n, 100000);
	assert_true(cnt.ordered);
	assert_int_equal(f.c.items, 100000);
	assert_true(f.c.cap_peak <= 65536);
	assert_true(f.c.reads > 10);
	fake_end(&f);
}

static void
test_split_line(void **state)
{
	struct fake	f;
	struct counted	cnt;
	char		err[256];

	assert_int_equal(call_stream(&f, s_split, &cnt, err, sizeof(err)), 0);
	assert_int_equal(cnt.n, 2);
	assert_true(cnt.ordered);
	assert_true(f.c.reads > 20);	/* it really came in pieces */
	fake_end(&f);
}

static void
test_truncated(void **state)
{
	struct fake	f;
	struct counted	cnt;
	char		err[256];

	assert_int_equal(call_stream(&f, s_truncated, &cnt, err, sizeof(err)), -1);
	assert_int_equal(cnt.n, 2);
	assert_non_null(strstr(err, "closed the connection"));
	fake_end(&f);
	assert_int_equal(call_stream(&f, s_cut_midline, &cnt, err, sizeof(err)), -1);
	assert_int_equal(cnt.n, 2);
	assert_non_null(strstr(err, "closed the connection"));
	fake_end(&f);
}

static void
test_end_error(void **state)
{
	struct fake	f;
	struct counted	cnt;
	char		err[256];

	assert_int_equal(call_stream(&f, s_end_error, &cnt, err, sizeof(err)), -1);
	assert_int_equal(cnt.n, 3);
	assert_non_null(strstr(err, "map-cache changed under the walk"));
	fake_end(&f);
	assert_int_equal(call_stream(&f, s_end_miscount, &cnt, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "announced 5 items, 3 read"));
	fake_end(&f);
}

static void
test_long_line(void **state)
{
	struct fake	 f;
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_long_line);
	f.c.line_max = 4096;
	assert_int_equal(ctl_conn_call(&f.c, "show stats", NULL, NULL, NULL, &res,
	    err, sizeof(err)), -1);
	assert_null(res);
	assert_non_null(strstr(err, "longer than 4096"));
	assert_true(f.c.cap_peak <= 4096 + 4096 + 1);
	fake_end(&f);

	/* the default cap takes a line far longer than the first buffer */
	fake_start(&f, s_big_line);
	assert_int_equal(ctl_conn_call(&f.c, "show stats", NULL, NULL, NULL, &res,
	    err, sizeof(err)), 0);
	assert_int_equal(json_string_length(res), (1 << 20) - 1);
	json_decref(res);
	fake_end(&f);
}

static void
test_protocol0(void **state)
{
	struct fake	 f;
	struct counted	 cnt;
	char		 err[256];

	/* an old daemon's array result is handed over item by item too */
	assert_int_equal(call_stream(&f, s_proto0, &cnt, err, sizeof(err)), 0);
	assert_int_equal(f.c.version, 0);
	assert_false(f.c.streamed);
	assert_int_equal(cnt.n, 3);
	assert_true(cnt.ordered);
	fake_end(&f);
}

static void
test_stream_as_single(void **state)
{
	struct fake	 f;
	json_t		*res;
	char		 err[256];

	/* a caller that wants one value gets the items as an array */
	fake_start(&f, s_stream1);
	assert_int_equal(ctl_conn_call(&f.c, "show site", NULL, NULL, NULL, &res,
	    err, sizeof(err)), 0);
	assert_true(json_is_array(res));
	assert_int_equal(json_array_size(res), 1);
	json_decref(res);
	fake_end(&f);
}

static void
test_two_requests(void **state)
{
	struct fake	 f;
	struct counted	 cnt = { 0, 1 };
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_two_requests);
	assert_int_equal(ctl_conn_call(&f.c, "show map-cache", NULL, count_item,
	    &cnt, &res, err, sizeof(err)), 0);
	assert_int_equal(cnt.n, 1);
	assert_int_equal(ctl_conn_call(&f.c, "clear map-cache", NULL, NULL, NULL,
	    &res, err, sizeof(err)), 0);
	assert_int_equal(json_integer_value(json_object_get(res, "cleared")), 4);
	json_decref(res);
	fake_end(&f);
}

/* the schema version is read from each reply; a newer one is warned about
 * once per connection and the reply still used */
static void
test_schema_version(void **state)
{
	struct fake	 f;
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_single);
	assert_int_equal(ctl_conn_call(&f.c, "reload", NULL, NULL, NULL, &res,
	    err, sizeof(err)), 0);
	assert_int_equal(f.c.schema, 0);	/* before schema 1: none given */
	assert_false(f.c.warned);
	json_decref(res);
	fake_end(&f);

	fake_start(&f, s_newer_schema);
	assert_int_equal(ctl_conn_call(&f.c, "clear map-cache", NULL, NULL, NULL,
	    &res, err, sizeof(err)), 0);
	assert_int_equal(f.c.schema, 2);
	assert_true(f.c.warned);
	assert_int_equal(json_integer_value(json_object_get(res, "cleared")), 1);
	json_decref(res);
	f.c.warned = 2;			/* not set again: printed once */
	assert_int_equal(ctl_conn_call(&f.c, "clear map-cache", NULL, NULL, NULL,
	    &res, err, sizeof(err)), 0);
	assert_int_equal(f.c.warned, 2);
	assert_int_equal(json_integer_value(json_object_get(res, "cleared")), 2);
	json_decref(res);
	fake_end(&f);
}

static void
test_timeout_and_bad_json(void **state)
{
	struct fake	 f;
	struct counted	 cnt;
	json_t		*res;
	char		 err[256];

	fake_start(&f, s_silent);
	f.c.timeout_ms = 100;
	assert_int_equal(ctl_conn_call(&f.c, "show stats", NULL, NULL, NULL, &res,
	    err, sizeof(err)), -1);
	assert_non_null(strstr(err, "no reply"));
	fake_end(&f);
	assert_int_equal(call_stream(&f, s_bad_json, &cnt, err, sizeof(err)), -1);
	assert_non_null(strstr(err, "bad reply"));
	fake_end(&f);
}

/* the incremental --json writer prints what ctl_print_json prints */
static void
test_jarray_same_as_dump(void **state)
{
	const char *docs[] = { "[]", "[{\"a\":1}]",
	    "[{\"a\":1,\"l\":[{\"x\":\"y\\nz\"},{}],\"o\":{}},2,\"s\",[],null]" };
	size_t i, j, n;

	for (i = 0; i < sizeof(docs) / sizeof(docs[0]); i++) {
		json_t *a = json_loads(docs[i], 0, NULL), *v;
		char *want = json_dumps(a, JSON_INDENT(2)), *got = NULL;
		struct ctl_jarray ja;
		FILE *f = open_memstream(&got, &n);

		ctl_jarray_begin(&ja, f);
		json_array_foreach(a, j, v)
			assert_int_equal(ctl_jarray_item(&ja, v), 0);
		ctl_jarray_end(&ja);
		fclose(f);
		assert_int_equal(strlen(got), strlen(want) + 1);
		assert_memory_equal(got, want, strlen(want));
		assert_int_equal(got[strlen(want)], '\n');
		free(want);
		free(got);
		json_decref(a);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_single),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_stream_0_1),
		cmocka_unit_test(test_stream_100k_bounded),
		cmocka_unit_test(test_split_line),
		cmocka_unit_test(test_truncated),
		cmocka_unit_test(test_end_error),
		cmocka_unit_test(test_long_line),
		cmocka_unit_test(test_protocol0),
		cmocka_unit_test(test_stream_as_single),
		cmocka_unit_test(test_two_requests),
		cmocka_unit_test(test_schema_version),
		cmocka_unit_test(test_timeout_and_bad_json),
		cmocka_unit_test(test_jarray_same_as_dump),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
