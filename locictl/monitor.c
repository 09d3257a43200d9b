/* locictl monitor [--json] [-c COUNT] [-t SECONDS] [KIND...]: the daemon's
 * live events (control protocol "monitor", see locictl(8)): control
 * messages in and out, decoded here from the hex the daemon sends, and
 * state changes (map-cache, registrations, RLOC probing, SMR) */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "decode.h"
#include "locictl.h"

struct mon {
	int		 json;
	long		 count, seen;
	double		 until;		/* wall clock, 0: none */
	int		 stopped;	/* we ended it */
};

static double
wall_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* "14:03:07.512" of a wall-clock time */
static const char *
hms(double t, char *buf, size_t len)
{
	time_t	 s = (time_t)t;
	struct tm tm;

	localtime_r(&s, &tm);
	snprintf(buf, len, "%02d:%02d:%02d.%03d", tm.tm_hour, tm.tm_min, tm.tm_sec,
	    (int)((t - (double)s) * 1000));
	return buf;
}

/* a control message: one line, then the decoded tree */
static void
print_msg(const json_t *ev, const char *kind)
{
	const char	*hex = json_string_value(json_object_get(ev, "hex"));
	const char	*peer = json_string_value(json_object_get(ev,
			    strcmp(kind, "rx") == 0 ? "from" : "to"));
	uint8_t		 buf[65536];
	size_t		 len = 0;
	const char	*why = NULL;
	char		 whybuf[256] = "";
	json_t		*d = NULL;

	if (hex != NULL && hex_parse(hex, buf, sizeof(buf), &len, &why) == 0)
		d = decode_control(buf, len, NULL, 0, whybuf, sizeof(whybuf));
	printf("%s %s %s (%zu octets)%s%s\n", strcmp(kind, "rx") == 0 ? "in " : "out",
	    d != NULL && json_is_string(json_object_get(d, "type")) ?
	    decode_type_title(json_string_value(json_object_get(d, "type"))) : "message", peer != NULL ? peer : "?", len, d == NULL ? ": " : "",
	    d == NULL ? (whybuf[0] ? whybuf : why != NULL ? why : "not decoded") : "");
	if (d != NULL)
		decode_text(stdout, d);
	json_decref(d);
}

/* any other event: its fields in one line, the entry of an install below */
static void
print_event(const json_t *ev, const char *kind)
{
	const char	*k;
	json_t		*v;

	printf("%s", kind);
	json_object_foreach((json_t *)ev, k, v) {
		if (strcmp(k, "kind") == 0 || strcmp(k, "time") == 0 || json_is_object(v))
			continue;
		if (json_is_string(v))
			printf(" %s %s", k, json_string_value(v));
		else if (json_is_integer(v))
			printf(" %s %lld", k, (long long)json_integer_value(v));
		else if (json_is_boolean(v))
			printf(" %s %s", k, json_is_true(v) ? "yes" : "no");
	}
	if ((v = json_object_get(ev, "entry")) != NULL) {
		json_t *l;
		size_t i;

		printf(" %s %s", json_string_value(json_object_get(v, "eid_prefix")),
		    json_string_value(json_object_get(v, "state")));
		json_array_foreach(json_object_get(v, "locators"), i, l)
			printf("%s%s p%lld w%lld", i == 0 ? " ->" : ",",
			    json_string_value(json_object_get(l, "address")),
			    (long long)json_integer_value(json_object_get(l, "priority")),
			    (long long)json_integer_value(json_object_get(l, "weight")));
	}
	printf("\n");
}

static int
each(void *arg, json_t *ev)
{
	struct mon	*m = arg;
	const char	*kind = json_string_value(json_object_get(ev, "kind"));
	char		 t[32];
	json_int_t	 dropped = json_integer_value(json_object_get(ev, "dropped_before"));

	if (kind == NULL)
		kind = "?";
	if (m->json) {
		char *s = json_dumps(ev, JSON_COMPACT);

		if (s != NULL)
			printf("%s\n", s);
		free(s);
	} else {
		if (dropped > 0)
			printf("(%lld events not shown: too many or read too slowly)\n",
			    (long long)dropped);
		printf("%s ", hms(json_real_value(json_object_get(ev, "time")), t, sizeof(t)));
		if (strcmp(kind, "rx") == 0 || strcmp(kind, "tx") == 0)
			print_msg(ev, kind);
		else
			print_event(ev, kind);
	}
	fflush(stdout);
	if ((m->count > 0 && ++m->seen >= m->count) ||
	    (m->until > 0 && wall_now() >= m->until)) {
		m->stopped = 1;
		return -1;
	}
	return 0;
}

int
cmd_monitor(int argc, char **argv)
{
	struct ctl_opts	 o;
	struct ctl_conn	 c;
	struct mon	 m;
	json_t		*kinds = json_array(), *res = NULL;
	char		 err[1024], *end;
	double		 secs = 0;
	int		 i, rc;

	memset(&o, 0, sizeof(o));
	memset(&m, 0, sizeof(m));
	if ((argc = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	for (i = 1; i < argc; i++) {
		if ((strcmp(argv[i], "-c") == 0 || strcmp(argv[i], "--count") == 0) &&
		    i + 1 < argc) {
			m.count = strtol(argv[++i], &end, 10);
			if (*end != '\0' || m.count <= 0)
				goto usage;
		} else if ((strcmp(argv[i], "-t") == 0 || strcmp(argv[i], "--time") == 0) &&
		    i + 1 < argc) {
			secs = strtod(argv[++i], &end);
			if (*end != '\0' || secs <= 0)
				goto usage;
		} else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			printf("usage: locictl monitor [--json] [-c COUNT] [-t SECONDS] [KIND...]\n"
			    "kinds: rx tx map-cache register rloc map-resolver smr ddt pubsub\n");
			json_decref(kinds);
			return 0;
		} else if (argv[i][0] == '-') {
			goto usage;
		} else
			json_array_append_new(kinds, json_string(argv[i]));
	}
	m.json = o.json;
	if (ctl_conn_open(&c, o.sock, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: monitor: %s\n", err);
		json_decref(kinds);
		return 1;
	}
	/* no read timeout: events come when they come; -t ends it */
	c.timeout_ms = secs > 0 ? (int)(secs * 1000) + 1 : -1;
	if (secs > 0)
		m.until = wall_now() + secs;
	rc = ctl_conn_call(&c, "monitor", json_array_size(kinds) ?
	    json_pack("{s:o}", "kinds", kinds) : (json_decref(kinds), NULL),
	    each, &m, &res, err, sizeof(err));
	ctl_conn_close(&c);
	json_decref(res);
	/* we stopped it (count or time), or the time ran out while idle */
	if (rc == -1 && !m.stopped && !(secs > 0 && strstr(err, "no reply from locid") != NULL)) {
		fprintf(stderr, "locictl: monitor: %s\n", err);
		return 1;
	}
	return 0;
usage:
	fprintf(stderr, "usage: locictl monitor [--json] [-c COUNT] [-t SECONDS] [KIND...]\n");
	json_decref(kinds);
	return 2;
}
