/* control-socket client: one JSON request line, one JSON reply line */
#include <sys/socket.h>
#include <sys/un.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ctl.h"

#define CTL_TIMEOUT_MS	10000
#define CTL_REPLY_MAX	(64 << 20)

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
		if ((n = write(fd, p, len)) == -1) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int
ctl_request(const char *sockpath, json_t *req, json_t **result, char *err,
    size_t errlen)
{
	struct sockaddr_un	 sun;
	struct pollfd		 pfd;
	char			*out, *buf = NULL, *nl;
	size_t			 len = 0, cap = 0;
	ssize_t			 n;
	json_t			*rep;
	json_error_t		 jerr;
	int			 fd, rc = -1;

	*result = NULL;
	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(sockpath) >= sizeof(sun.sun_path)) {
		snprintf(err, errlen, "socket path too long");
		json_decref(req);
		return -1;
	}
	strncpy(sun.sun_path, sockpath, sizeof(sun.sun_path) - 1);
	out = json_dumps(req, JSON_COMPACT);
	json_decref(req);
	if (out == NULL) {
		snprintf(err, errlen, "cannot encode request");
		return -1;
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1 ||
	    connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		snprintf(err, errlen, "cannot connect to %s: %s", sockpath,
		    strerror(errno));
		goto done;
	}
	if (write_all(fd, out, strlen(out)) == -1 || write_all(fd, "\n", 1) == -1) {
		snprintf(err, errlen, "write to %s: %s", sockpath, strerror(errno));
		goto done;
	}
	for (;;) {
		if (cap - len < 4096) {
			char *nb;

			cap = cap ? cap * 2 : 65536;
			if (cap > CTL_REPLY_MAX || (nb = realloc(buf, cap)) == NULL) {
				snprintf(err, errlen, "reply too large");
				goto done;
			}
			buf = nb;
		}
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, CTL_TIMEOUT_MS) <= 0) {
			snprintf(err, errlen, "no reply from locid within %d s",
			    CTL_TIMEOUT_MS / 1000);
			goto done;
		}
		if ((n = read(fd, buf + len, cap - len - 1)) <= 0) {
			if (n == -1 && errno == EINTR)
				continue;
			snprintf(err, errlen, "locid closed the connection");
			goto done;
		}
		len += (size_t)n;
		buf[len] = '\0';
		if ((nl = memchr(buf, '\n', len)) != NULL) {
			*nl = '\0';
			break;
		}
	}
	if ((rep = json_loads(buf, 0, &jerr)) == NULL) {
		snprintf(err, errlen, "bad reply: %s", jerr.text);
		goto done;
	}
	if (json_is_true(json_object_get(rep, "ok"))) {
		*result = json_incref(json_object_get(rep, "result"));
		if (*result == NULL)
			*result = json_null();
		rc = 0;
	} else {
		const char *e = json_string_value(json_object_get(rep, "error"));

		snprintf(err, errlen, "%s", e != NULL ? e : "failed");
	}
	json_decref(rep);
done:
	if (fd != -1)
		close(fd);
	free(out);
	free(buf);
	return rc;
}

int
ctl_call(const struct ctl_opts *o, const char *cmd, json_t *args,
    json_t **result, char *err, size_t errlen)
{
	json_t *req = json_object();

	json_object_set_new(req, "cmd", json_string(cmd));
	json_object_set_new(req, "args", args != NULL ? args : json_object());
	return ctl_request(o->sock, req, result, err, errlen);
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
