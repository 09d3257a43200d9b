/* locictl's show commands end to end against a fake daemon on a UNIX
 * socket in a temporary directory: the text, --json and --openmetrics forms
 * of a streamed map-cache, show site --detail with each ETR's own last
 * register, a cut-short stream (exit 1, message on stderr), protocol 0. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../../locictl/ctl.h"
#include "../../locictl/locictl.h"

struct srv {
	char	dir[64];
	char	path[128];
	pid_t	pid;
};

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

/* a daemon that answers one connection's first request with reply */
static void
srv_start(struct srv *s, const char *reply)
{
	struct sockaddr_un	sun;
	int			lfd, fd;
	char			c;

	strcpy(s->dir, "/tmp/locictl-test.XXXXXX");
	assert_non_null(mkdtemp(s->dir));
	snprintf(s->path, sizeof(s->path), "%s/locid.sock", s->dir);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	strcpy(sun.sun_path, s->path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	assert_true(lfd != -1);
	assert_int_equal(bind(lfd, (struct sockaddr *)&sun, sizeof(sun)), 0);
	assert_int_equal(listen(lfd, 1), 0);
	fflush(NULL);
	s->pid = fork();
	assert_true(s->pid != -1);
	if (s->pid == 0) {
		signal(SIGPIPE, SIG_IGN);
		if ((fd = accept(lfd, NULL, NULL)) == -1)
			_exit(1);
		while (read(fd, &c, 1) == 1 && c != '\n')
			;
		put(fd, reply);
		close(fd);
		_exit(0);
	}
	close(lfd);
}

static void
srv_end(struct srv *s)
{
	int st;

	kill(s->pid, SIGTERM);
	waitpid(s->pid, &st, 0);
	unlink(s->path);
	rmdir(s->dir);
}

static char *
slurp_fd(int fd)
{
	off_t	 n = lseek(fd, 0, SEEK_END);
	char	*b = calloc(1, (size_t)n + 1);

	assert_non_null(b);
	assert_int_equal(pread(fd, b, (size_t)n, 0), n);
	return b;
}

/* run `locictl show ARGS...` with its stdout and stderr captured */
static int
run_show(const struct srv *s, char **out, char **err, ...)
{
	char	*av[16];
	va_list	 ap;
	int	 ac = 0, rc, o1, o2, f1, f2;
	FILE	*t1 = tmpfile(), *t2 = tmpfile();

	av[ac++] = "show";
	av[ac++] = "-s";
	av[ac++] = (char *)s->path;
	va_start(ap, err);
	while ((av[ac] = va_arg(ap, char *)) != NULL)
		ac++;
	va_end(ap);
	f1 = fileno(t1);
	f2 = fileno(t2);
	fflush(stdout);
	fflush(stderr);
	o1 = dup(1);
	o2 = dup(2);
	dup2(f1, 1);
	dup2(f2, 2);
	rc = cmd_show(ac, av);
	fflush(stdout);
	fflush(stderr);
	dup2(o1, 1);
	dup2(o2, 2);
	close(o1);
	close(o2);
	*out = slurp_fd(f1);
	*err = slurp_fd(f2);
	fclose(t1);
	fclose(t2);
	return rc;
}

#define ENTRY4A "{\"eid_prefix\":\"198.18.2.0/24\",\"iid\":0,\"state\":\"complete\"," \
	"\"source\":\"map-reply\",\"uptime\":65,\"expires_in\":86335,\"ttl\":1440," \
	"\"authoritative\":true,\"packets\":4,\"bytes\":336,\"drops\":0," \
	"\"locators\":[{\"address\":\"203.0.113.5\",\"state\":\"up\",\"priority\":1," \
	"\"weight\":100,\"reachable\":true,\"local\":false,\"encap_packets\":4," \
	"\"encap_bytes\":336,\"probe\":\"up\",\"rtt_ms\":0.25,\"probes_sent\":1," \
	"\"probes_answered\":1}]}"
#define ENTRY6 "{\"eid_prefix\":\"2001:db8:2::/48\",\"iid\":0,\"state\":\"pending\"," \
	"\"source\":\"miss\",\"uptime\":1,\"expires_in\":0,\"ttl\":0," \
	"\"authoritative\":false,\"packets\":1,\"bytes\":80,\"drops\":0," \
	"\"requests\":2,\"queued\":1,\"locators\":[]}"
#define ENTRY4B "{\"eid_prefix\":\"198.51.100.0/24\",\"iid\":0,\"state\":\"negative\"," \
	"\"source\":\"map-reply\",\"uptime\":3,\"expires_in\":897,\"ttl\":15," \
	"\"authoritative\":true,\"action\":\"natively-forward\",\"packets\":2," \
	"\"bytes\":168,\"drops\":0,\"locators\":[]}"
#define MC_STREAM "{\"v\":1,\"ok\":true,\"stream\":true}\n" \
	"{\"item\":" ENTRY4A "}\n{\"item\":" ENTRY6 "}\n{\"item\":" ENTRY4B "}\n" \
	"{\"end\":true,\"count\":3}\n"

static void
test_map_cache_text(void **state)
{
	struct srv	 s;
	char		*out, *err;
	const char	*want =
	    "LISP IPv4 Mapping Cache, 2 entries\n\n"
	    "198.18.2.0/24, uptime: 00:01:05, expires: 23:58:55, via map-reply, complete\n"
	    "  Locator                                  State  Pri/Wgt   Encap packets Probe RTT\n"
	    "  203.0.113.5                              up     1/100     4             0.250 ms\n"
	    "198.51.100.0/24, uptime: 00:00:03, expires: 00:14:57, via map-reply, natively-forward\n"
	    "  Negative cache entry, action: natively-forward, packets: 2\n"
	    "\nLISP IPv6 Mapping Cache, 1 entries\n\n"
	    "2001:db8:2::/48, uptime: 00:00:01, expires: -, via miss, pending\n"
	    "  Resolving: 2 map-request(s) sent, 1 packet(s) held\n";

	srv_start(&s, MC_STREAM);
	assert_int_equal(run_show(&s, &out, &err, "map-cache", NULL), 0);
	assert_string_equal(out, want);
	assert_string_equal(err, "");
	free(out);
	free(err);
	srv_end(&s);
}

static void
test_map_cache_json(void **state)
{
	struct srv	 s;
	char		*out, *err, *want;
	json_t		*a = json_loads("[" ENTRY4A "," ENTRY6 "," ENTRY4B "]", 0, NULL);

	/* the streamed --json is what the whole array printed would be */
	assert_non_null(a);
	want = json_dumps(a, JSON_INDENT(2));
	srv_start(&s, MC_STREAM);
	assert_int_equal(run_show(&s, &out, &err, "map-cache", "--json", NULL), 0);
	assert_int_equal(strlen(out), strlen(want) + 1);
	assert_memory_equal(out, want, strlen(want));
	free(out);
	free(err);
	srv_end(&s);
	/* and an empty stream is [] */
	srv_start(&s, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"end\":true,\"count\":0}\n");
	assert_int_equal(run_show(&s, &out, &err, "map-cache", "--json", NULL), 0);
	assert_string_equal(out, "[]\n");
	free(out);
	free(err);
	srv_end(&s);
	free(want);
	json_decref(a);
}

static void
test_map_cache_openmetrics(void **state)
{
	struct srv	 s;
	char		*out, *err;

	srv_start(&s, MC_STREAM);
	assert_int_equal(run_show(&s, &out, &err, "map-cache", "--openmetrics", NULL), 0);
	assert_string_equal(out,
	    "# TYPE locid_map_cache_entries_shown gauge\n"
	    "# HELP locid_map_cache_entries_shown Map-cache entries in this reply\n"
	    "locid_map_cache_entries_shown 3\n"
	    "# TYPE locid_map_cache_locator_encap_packets counter\n"
	    "# HELP locid_map_cache_locator_encap_packets Packets encapsulated to this locator\n"
	    "locid_map_cache_locator_encap_packets_total{eid_prefix=\"198.18.2.0/24\",iid=\"0\",rloc=\"203.0.113.5\"} 4\n"
	    "# TYPE locid_map_cache_locator_encap_bytes counter\n"
	    "# HELP locid_map_cache_locator_encap_bytes Octets encapsulated to this locator\n"
	    "locid_map_cache_locator_encap_bytes_total{eid_prefix=\"198.18.2.0/24\",iid=\"0\",rloc=\"203.0.113.5\"} 336\n"
	    "# TYPE locid_map_cache_locator_probe_rtt_seconds gauge\n"
	    "# HELP locid_map_cache_locator_probe_rtt_seconds Last RLOC-probe round-trip time\n"
	    "locid_map_cache_locator_probe_rtt_seconds{eid_prefix=\"198.18.2.0/24\",iid=\"0\",rloc=\"203.0.113.5\"} 0.00025\n"
	    "# EOF\n");
	free(out);
	free(err);
	srv_end(&s);
}

static void
test_map_cache_cut_short(void **state)
{
	struct srv	 s;
	char		*out, *err;

	srv_start(&s, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"item\":" ENTRY4A "}\n");
	assert_int_equal(run_show(&s, &out, &err, "map-cache", NULL), 1);
	assert_non_null(strstr(err, "locictl: show map-cache: locid closed the connection"));
	free(out);
	free(err);
	srv_end(&s);
	srv_start(&s, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"item\":" ENTRY4A "}\n"
	    "{\"end\":true,\"count\":1,\"error\":\"out of memory\"}\n");
	assert_int_equal(run_show(&s, &out, &err, "map-cache", "--json", NULL), 1);
	assert_non_null(strstr(err, "out of memory"));
	free(out);
	free(err);
	srv_end(&s);
}

#define ROW(etrs) "{\"site\":\"lisp1\",\"eid_prefix\":\"198.18.1.0/24\",\"iid\":0," \
	"\"configured\":true,\"registered\":true,\"registrations\":2," \
	"\"last_register\":1764680000,\"last_register_ago\":7," \
	"\"who_last_registered\":\"203.0.113.1\",\"details\":[" etrs "]," \
	"\"site_registers_accepted\":9,\"site_refused\":{\"bad hmac\":1}," \
	"\"force_proxy_reply\":false,\"accept_more_specifics\":false}"
#define ETR(a, ago) "{\"source\":\"" a "\",\"source_port\":4342,\"proxy_reply\":false," \
	"\"want_map_notify\":true,\"ttl_is_lifetime\":false,\"ttl\":1440," \
	"\"expires_in\":170,\"first_register\":1764679000,\"last_register\":0," \
	"\"last_register_ago\":" #ago ",\"registers\":3,\"locators\":[{\"address\":\"" a "\"," \
	"\"priority\":1,\"weight\":100,\"mpriority\":255,\"mweight\":0," \
	"\"reachable\":true,\"local\":false}]}"

static void
test_site_detail_per_etr(void **state)
{
	struct srv	 s;
	char		*out, *err;

	srv_start(&s, "{\"v\":1,\"ok\":true,\"stream\":true}\n{\"item\":"
	    ROW(ETR("203.0.113.1", 7) "," ETR("203.0.113.9", 100)) "}\n"
	    "{\"end\":true,\"count\":1}\n");
	assert_int_equal(run_show(&s, &out, &err, "site", "--detail", NULL), 0);
	/* each ETR with its own time, not the prefix's 7 s */
	assert_non_null(strstr(out, "ETR 203.0.113.1, port 4342, last registered 00:00:07 ago, registers 3\n"));
	assert_non_null(strstr(out, "ETR 203.0.113.9, port 4342, last registered 00:01:40 ago, registers 3\n"));
	assert_non_null(strstr(out, "Registers refused, bad hmac: 1\n"));
	assert_non_null(strstr(out, "      203.0.113.9                              no     up     1/100\n"));
	free(out);
	free(err);
	srv_end(&s);
}

static void
test_site_protocol0(void **state)
{
	struct srv	 s;
	char		*out, *err;

	/* an old daemon: no "v", the rows in one array */
	srv_start(&s, "{\"ok\":true,\"result\":[" ROW("") "]}\n");
	assert_int_equal(run_show(&s, &out, &err, "site", NULL), 0);
	assert_string_equal(out,
	    "Site Name        Last       Up   Who Last                     Inst     EID Prefix\n"
	    "                 Register        Registered                   ID      \n"
	    "lisp1            00:00:07   yes  203.0.113.1                  0        198.18.1.0/24\n");
	free(out);
	free(err);
	srv_end(&s);
	srv_start(&s, "{\"ok\":true,\"result\":[" ROW("") "," ROW("") "]}\n");
	assert_int_equal(run_show(&s, &out, &err, "site", "--openmetrics", NULL), 0);
	assert_non_null(strstr(out, "locid_site_registered_prefixes{site=\"lisp1\"} 2\n"));
	assert_non_null(strstr(out, "locid_site_prefixes{site=\"lisp1\"} 2\n# EOF\n"));
	free(out);
	free(err);
	srv_end(&s);
}

static void
test_refused(void **state)
{
	struct srv	 s;
	char		*out, *err;

	srv_start(&s, "{\"v\":1,\"ok\":false,\"error\":\"no site named \\\"x\\\"\"}\n");
	assert_int_equal(run_show(&s, &out, &err, "site", "x", NULL), 1);
	assert_string_equal(out, "");
	assert_string_equal(err, "locictl: show site: no site named \"x\"\n");
	free(out);
	free(err);
	srv_end(&s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_map_cache_text),
		cmocka_unit_test(test_map_cache_json),
		cmocka_unit_test(test_map_cache_openmetrics),
		cmocka_unit_test(test_map_cache_cut_short),
		cmocka_unit_test(test_site_detail_per_etr),
		cmocka_unit_test(test_site_protocol0),
		cmocka_unit_test(test_refused),
	};

	signal(SIGPIPE, SIG_IGN);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
