/* UNIX control socket: one JSON request per line, one JSON reply per line */
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <event2/buffer.h>
#include <event2/bufferevent.h>
#include <event2/listener.h>

#include "locid.h"

#define CTL_LINE_MAX	65536

struct control {
	struct locid		*l;
	struct evconnlistener	*lis;
	char			*path;
};

typedef json_t *(*ctl_fn)(struct locid *, json_t *, char *, size_t);

static json_t *
cmd_show_site(struct locid *l, json_t *args, char *err, size_t errlen)
{
	if (l->ms == NULL) {
		snprintf(err, errlen, "this locid is not a map-server");
		return NULL;
	}
	return ms_show_site(l->ms, args, err, errlen);
}

static json_t *
cmd_show_stats(struct locid *l, json_t *args, char *err, size_t errlen)
{
	json_t *o = stats_json(&l->stats);

	if (l->xtr != NULL)
		json_object_set_new(o, "xtr", xtr_stats(l->xtr));
	json_object_set_new(o, "log_suppressed",
	    json_integer((json_int_t)l->logrl.suppressed));
	return o;
}

static json_t *
cmd_reload(struct locid *l, json_t *args, char *err, size_t errlen)
{
	char e[512];

	if (locid_reload(l, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "%s; the old configuration keeps running", e);
		return NULL;
	}
	return json_pack("{s:b, s:s}", "reloaded", 1, "config",
	    l->conf_path != NULL ? l->conf_path : "");
}

static json_t *
cmd_xtr(struct locid *l, const char *cmd, json_t *args, char *err, size_t errlen)
{
	if (l->xtr == NULL) {
		snprintf(err, errlen, "this locid has no itr/etr role");
		return NULL;
	}
	if (strcmp(cmd, "show map-cache") == 0)
		return xtr_show_map_cache(l->xtr, args, err, errlen);
	if (strcmp(cmd, "show database") == 0)
		return xtr_show_database(l->xtr, args, err, errlen);
	return xtr_clear_map_cache(l->xtr, args, err, errlen);
}

static json_t *
control_handle(struct locid *l, const char *line)
{
	json_t		*req, *args, *res = NULL;
	json_error_t	 jerr;
	const char	*cmd;
	char		 err[600] = "";

	if ((req = json_loads(line, 0, &jerr)) == NULL)
		return json_pack("{s:b, s:s+}", "ok", 0, "error", "bad json: ",
		    jerr.text);
	cmd = json_string_value(json_object_get(req, "cmd"));
	args = json_object_get(req, "args");
	if (args == NULL || !json_is_object(args))
		args = NULL;
	if (args == NULL) {
		args = json_object();
		json_object_set_new(req, "args", args);
	}
	if (cmd == NULL)
		snprintf(err, sizeof(err), "request without \"cmd\"");
	else if (strcmp(cmd, "show site") == 0)
		res = cmd_show_site(l, args, err, sizeof(err));
	else if (strcmp(cmd, "show stats") == 0)
		res = cmd_show_stats(l, args, err, sizeof(err));
	else if (strcmp(cmd, "reload") == 0)
		res = cmd_reload(l, args, err, sizeof(err));
	else if (strcmp(cmd, "show map-cache") == 0 ||
	    strcmp(cmd, "show database") == 0 ||
	    strcmp(cmd, "clear map-cache") == 0)
		res = cmd_xtr(l, cmd, args, err, sizeof(err));
	else
		snprintf(err, sizeof(err), "unknown command \"%s\"", cmd);
	json_decref(req);
	if (res == NULL)
		return json_pack("{s:b, s:s}", "ok", 0, "error",
		    err[0] != '\0' ? err : "failed");
	return json_pack("{s:b, s:o}", "ok", 1, "result", res);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	struct locid	*l = arg;
	struct evbuffer	*in = bufferevent_get_input(bev);
	char		*line, *out;
	size_t		 n;
	json_t		*rep;

	while ((line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF)) != NULL) {
		rep = control_handle(l, line);
		free(line);
		out = json_dumps(rep, JSON_COMPACT);
		json_decref(rep);
		if (out != NULL) {
			bufferevent_write(bev, out, strlen(out));
			bufferevent_write(bev, "\n", 1);
			free(out);
		}
	}
	if (evbuffer_get_length(in) > CTL_LINE_MAX)
		bufferevent_free(bev);
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR))
		bufferevent_free(bev);
}

static void
client_write(struct bufferevent *bev, void *arg)
{
	/* nothing: the client closes after reading its reply */
}

static void
control_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int slen, void *arg)
{
	struct control		*ctl = arg;
	struct bufferevent	*bev;

	bev = bufferevent_socket_new(ctl->l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	if (bev == NULL) {
		close(fd);
		return;
	}
	bufferevent_setcb(bev, client_read, client_write, client_event, ctl->l);
	bufferevent_enable(bev, EV_READ | EV_WRITE);
}

int
control_open(struct locid *l, const char *path)
{
	struct control		*ctl;
	struct sockaddr_un	 sun;
	mode_t			 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warn("control socket path too long: %s", path);
		return -1;
	}
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return -1;
	ctl->l = l;
	ctl->path = strdup(path);
	unlink(path);
	old = umask(0117);
	ctl->lis = evconnlistener_new_bind(l->base, control_accept, ctl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (ctl->lis == NULL) {
		log_warn("control socket %s: %s", path, strerror(errno));
		free(ctl->path);
		free(ctl);
		return -1;
	}
	chmod(path, 0660);
	l->ctl = ctl;
	return 0;
}

void
control_close(struct locid *l)
{
	struct control *ctl = l->ctl;

	if (ctl == NULL)
		return;
	evconnlistener_free(ctl->lis);
	unlink(ctl->path);
	free(ctl->path);
	free(ctl);
	l->ctl = NULL;
}
