/* control-socket client, protocol v1: one JSON request line; a reply is
 * one line, or a header line, item lines and an end line. lines are read
 * as they come, each at most line_max octets; a reply has no size cap. */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

int
ctl_opts_parse(int argc, char **argv, struct ctl_opts *o)
{
	int i, n = 1;

	if (o->sock == NULL)
		o->sock = getenv("LOCID_SOCKET");
	if (o->sock == NULL)
		o->sock = CTL_DEFAULT_SOCKET;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			o->json = 1;
		else if (strcmp(argv[i], "--openmetrics") == 0)
			o->openmetrics = 1;
		else if (strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "--socket") == 0) {
			if (i + 1 == argc) {
				fprintf(stderr, "locictl: %s needs a path\n", argv[i]);
				return -1;
			}
			o->sock = argv[++i];
		} else
			argv[n++] = argv[i];
	}
	argv[n] = NULL;
	return n;
}

static int
write_all(int fd, const char *p, size_t len)
{
	ssize_t n;

	while (len > 0) {
		if ((n = send(fd, p, len, MSG_NOSIGNAL)) == -1) {
			if (errno == EINTR)
				continue;
			if (errno == ENOTSOCK && (n = write(fd, p, len)) != -1)
				goto wrote;
			return -1;
		}
wrote:
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

void
ctl_conn_init(struct ctl_conn *c, int fd)
{
	memset(c, 0, sizeof(*c));
	c->fd = fd;
	c->line_max = CTL_LINE_MAX;
	c->timeout_ms = CTL_TIMEOUT_MS;
}

int
ctl_conn_open(struct ctl_conn *c, const char *sockpath, char *err, size_t errlen)
{
	struct sockaddr_un	sun;
	int			fd;

	ctl_conn_init(c, -1);
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sockpath) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long");
		return -1;
	}
	memcpy(sun.sun_path, sockpath, strlen(sockpath));
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "cannot connect to %s: %s", sockpath,
		    strerror(errno));
		if (fd != -1)
			close(fd);
		return -1;
	}
	c->fd = fd;
	return 0;
}

void
ctl_conn_close(struct ctl_conn *c)
{
	if (c->fd != -1)
		close(c->fd);
	free(c->buf);
	c->fd = -1;
	c->buf = NULL;
	c->len = c->cap = c->off = 0;
}

/* the next line (NUL-terminated in place, without its newline): 1, or 0
 * when the peer closed at a line boundary, -1 with err otherwise */
static int
conn_line(struct ctl_conn *c, char **line, char *err, size_t errlen)
{
	struct pollfd	 pfd;
	char		*nl, *nb;
	size_t		 ncap;
	ssize_t		 n;

	for (;;) {
		if (c->len > c->off &&
		    (nl = memchr(c->buf + c->off, '\n', c->len - c->off)) != NULL) {
			*nl = '\0';
			*line = c->buf + c->off;
			c->off = (size_t)(nl - c->buf) + 1;
			return 1;
		}
		if (c->len - c->off > c->line_max) {
			snprintf(err, errlen, "reply line longer than %zu octets",
			    c->line_max);
			return -1;
		}
		/* keep only the unfinished line, then make room */
		if (c->off > 0) {
			memmove(c->buf, c->buf + c->off, c->len - c->off);
			c->len -= c->off;
			c->off = 0;
		}
		if (c->cap - c->len < 4096) {
			ncap = c->cap ? c->cap * 2 : 65536;
			if (ncap > c->line_max + 4096 + 1)
				ncap = c->line_max + 4096 + 1;
			if (ncap <= c->cap || (nb = realloc(c->buf, ncap)) == NULL) {
				snprintf(err, errlen, "reply line longer than %zu octets",
				    c->line_max);
				return -1;
			}
			c->buf = nb;
			c->cap = ncap;
			if (c->cap > c->cap_peak)
				c->cap_peak = c->cap;
		}
		pfd.fd = c->fd;
		pfd.events = POLLIN;
		if ((n = poll(&pfd, 1, c->timeout_ms)) == -1 && errno == EINTR)
			continue;
		if (n <= 0) {
			snprintf(err, errlen, "no reply from locid within %d s",
			    c->timeout_ms / 1000);
			return -1;
		}
		c->reads++;
		if ((n = read(c->fd, c->buf + c->len, c->cap - c->len - 1)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			if (n == 0 && c->len == 0)
				return 0;
			snprintf(err, errlen, "locid closed the connection%s%s",
			    n == -1 ? ": " : "", n == -1 ? strerror(errno) : "");
			return -1;
		}
		c->len += (size_t)n;
	}
}

static json_t *
conn_json(struct ctl_conn *c, char *err, size_t errlen, const char *what)
{
	json_error_t	 jerr;
	json_t		*j;
	char		*line;
	int		 r;

	if ((r = conn_line(c, &line, err, errlen)) == -1)
		return NULL;
	if (r == 0) {
		snprintf(err, errlen, "locid closed the connection %s", what);
		return NULL;
	}
	if ((j = json_loads(line, 0, &jerr)) == NULL || !json_is_object(j)) {
		snprintf(err, errlen, "bad reply: %s", j == NULL ? jerr.text :
		    "not an object");
		json_decref(j);
		return NULL;
	}
	return j;
}

static int
collect(void *arg, json_t *item)
{
	return json_array_append(arg, item);
}

static int
conn_stream(struct ctl_conn *c, ctl_item_fn each, void *arg, char *err,
    size_t errlen)
{
	json_t		*j, *it, *v;
	const char	*e;
	long long	 count;
	int		 counted;

	for (;;) {
		if ((j = conn_json(c, err, errlen, "in the middle of a reply")) == NULL)
			return -1;
		if ((it = json_object_get(j, "item")) != NULL) {
			c->items++;
			if (each(arg, it) == -1) {
				json_decref(j);
				snprintf(err, errlen, "stopped");
				return -1;
			}
			json_decref(j);
			continue;
		}
		if (!json_is_true(json_object_get(j, "end"))) {
			json_decref(j);
			snprintf(err, errlen, "bad reply: neither item nor end");
			return -1;
		}
		v = json_object_get(j, "count");
		count = json_integer_value(v);
		counted = json_is_integer(v);
		if ((e = json_string_value(json_object_get(j, "error"))) != NULL) {
			snprintf(err, errlen, "reply cut short after %lld item%s: %s",
			    count, count == 1 ? "" : "s", e);
			json_decref(j);
			return -1;
		}
		json_decref(j);
		if (counted && count != c->items) {
			snprintf(err, errlen, "reply announced %lld items, %lld read",
			    count, c->items);
			return -1;
		}
		return 0;
	}
}

int
ctl_conn_call(struct ctl_conn *c, const char *cmd, json_t *args,
    ctl_item_fn each, void *arg, json_t **result, char *err, size_t errlen)
{
	json_t		*req, *rep, *res, *v;
	char		*out;
	const char	*e;
	size_t		 i;
	int		 rc = -1;

	*result = NULL;
	c->version = 0;
	c->streamed = 0;
	c->items = 0;
	req = json_pack("{s:i, s:s, s:o}", "v", 1, "cmd", cmd, "args",
	    args != NULL ? args : json_object());
	out = req != NULL ? json_dumps(req, JSON_COMPACT) : NULL;
	json_decref(req);
	if (out == NULL) {
		snprintf(err, errlen, "cannot encode request");
		return -1;
	}
	if (write_all(c->fd, out, strlen(out)) == -1 ||
	    write_all(c->fd, "\n", 1) == -1) {
		snprintf(err, errlen, "write to locid: %s", strerror(errno));
		free(out);
		return -1;
	}
	free(out);
	if ((rep = conn_json(c, err, errlen, "without a reply")) == NULL)
		return -1;
	c->version = (int)json_integer_value(json_object_get(rep, "v"));
	c->schema = (int)json_integer_value(json_object_get(rep, "schema"));
	if (c->schema > LOCICTL_SCHEMA && !c->warned) {
		fprintf(stderr, "locictl: the daemon answers in JSON schema %d, this "
		    "locictl reads %d: text output may be incomplete\n",
		    c->schema, LOCICTL_SCHEMA);
		c->warned = 1;
	}
	if (!json_is_true(json_object_get(rep, "ok"))) {
		e = json_string_value(json_object_get(rep, "error"));
		snprintf(err, errlen, "%s", e != NULL ? e : "failed");
	} else if (json_is_true(json_object_get(rep, "stream"))) {
		c->streamed = 1;
		if (each == NULL) {
			/* a caller that wants one value: the items as an array */
			*result = json_array();
			if ((rc = conn_stream(c, collect, *result, err, errlen)) == -1) {
				json_decref(*result);
				*result = NULL;
			}
		} else
			rc = conn_stream(c, each, arg, err, errlen);
	} else {
		if ((res = json_object_get(rep, "result")) == NULL)
			res = json_null();
		if (each != NULL && json_is_array(res)) {
			rc = 0;
			json_array_foreach(res, i, v) {
				c->items++;
				if (each(arg, v) == -1) {
					snprintf(err, errlen, "stopped");
					rc = -1;
					break;
				}
			}
		} else if (each != NULL) {
			snprintf(err, errlen, "bad reply: result is not a list");
		} else {
			*result = json_incref(res);
			rc = 0;
		}
	}
	json_decref(rep);
	return rc;
}

int
ctl_call(const struct ctl_opts *o, const char *cmd, json_t *args,
    json_t **result, char *err, size_t errlen)
{
	struct ctl_conn	 c;
	int		 rc;

	*result = NULL;
	if (ctl_conn_open(&c, o->sock, err, errlen) == -1) {
		json_decref(args);
		return -1;
	}
	rc = ctl_conn_call(&c, cmd, args, NULL, NULL, result, err, errlen);
	ctl_conn_close(&c);
	return rc;
}

int
ctl_call_stream(const struct ctl_opts *o, const char *cmd, json_t *args,
    ctl_item_fn each, void *arg, char *err, size_t errlen)
{
	struct ctl_conn	 c;
	json_t		*res;
	int		 rc;

	if (ctl_conn_open(&c, o->sock, err, errlen) == -1) {
		json_decref(args);
		return -1;
	}
	rc = ctl_conn_call(&c, cmd, args, each, arg, &res, err, errlen);
	ctl_conn_close(&c);
	return rc;
}

void
ctl_print_json(const json_t *j)
{
	char *s = json_dumps(j, JSON_INDENT(2) | JSON_ENCODE_ANY);

	if (s != NULL) {
		printf("%s\n", s);
		free(s);
	}
}

void
ctl_jarray_begin(struct ctl_jarray *a, FILE *f)
{
	a->f = f;
	a->n = 0;
}

/* each item as json_dumps prints it inside an indented array: every line
 * two spaces in (strings hold no raw newline, so lines are JSON lines) */
int
ctl_jarray_item(struct ctl_jarray *a, const json_t *item)
{
	char *s, *p, *nl;

	if ((s = json_dumps(item, JSON_INDENT(2) | JSON_ENCODE_ANY)) == NULL)
		return -1;
	fputs(a->n++ == 0 ? "[\n" : ",\n", a->f);
	for (p = s; p != NULL; p = nl) {
		if ((nl = strchr(p, '\n')) != NULL)
			*nl++ = '\0';
		fprintf(a->f, "  %s%s", p, nl != NULL ? "\n" : "");
	}
	free(s);
	return ferror(a->f) ? -1 : 0;
}

void
ctl_jarray_end(struct ctl_jarray *a)
{
	fputs(a->n == 0 ? "[]\n" : "\n]\n", a->f);
	fflush(a->f);
}

char *
ctl_fmt_age(long long secs, char *buf, size_t len)
{
	if (secs < 0)
		snprintf(buf, len, "never");
	else if (secs >= 86400)
		snprintf(buf, len, "%lldd%02lldh", secs / 86400, secs % 86400 / 3600);
	else
		snprintf(buf, len, "%02lld:%02lld:%02lld", secs / 3600,
		    secs % 3600 / 60, secs % 60);
	return buf;
}
