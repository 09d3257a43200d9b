/* UNIX control sockets, protocol v1 (documented in locictl(8)): one JSON
 * request per line, answered by one JSON line, or by a stream of item
 * lines closed by an end line. two sockets: the full one and a read-only
 * one that refuses privileged commands. bounded everywhere: clients, line
 * length, idle time, and output (a client that does not read stops being
 * read, and a stream pauses, at the high-water mark) */
#include <sys/types.h>
#include <sys/queue.h>
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

#include "control.h"
#include "core.h"

#define CTL_CLIENTS_MAX	32
#define CTL_IDLE_S	60
#define CTL_HIGH_WATER	(256 * 1024)	/* output held before we stop producing */
#define CTL_LOW_WATER	(64 * 1024)
#define CTL_CHUNK_ITEMS	256		/* items per stream call */
#define CTL_SLICE_US	2000		/* producing time per turn of the loop */
#define CTL_MON_MAX	4		/* monitor clients at once */
#define CTL_MON_RATE	2000		/* events a second per monitor client */
#define CTL_MON_KINDS	8		/* kinds a monitor may filter on */

struct control;

struct ctl_listener {
	struct control		*ctl;
	struct evconnlistener	*lis;
	char			*path;
	int			 ro;
};

struct ctl_client {
	TAILQ_ENTRY(ctl_client)	 entry;
	struct control		*ctl;
	struct bufferevent	*bev;
	int			 ro;
	int			 closing;	/* free once the output drained */
	/* the stream in progress, if any */
	const struct ctl_cmd	*cmd;
	int			 ridx;		/* its row in the role table */
	void			*role;
	json_t			*args;
	void			*cursor;
	uint64_t		 count;
	struct event		*ev_more;	/* produce the next chunk */
	struct evbuffer		*chunk;		/* items before they join the output */
	/* monitor: events until the client goes (kinds: all when none) */
	int			 monitor;
	char			*kinds[CTL_MON_KINDS];
	int			 nkinds;
	uint64_t		 mon_sec, mon_n;	/* events in the current second */
	uint64_t		 mon_dropped;	/* not sent since the last one sent */
};
TAILQ_HEAD(ctl_clients, ctl_client);

struct control {
	struct locid		*l;
	struct ctl_listener	 full, ro;
	struct ctl_clients	 clients;
	int			 nclients;
	int			 nmonitors;
	gid_t			 gid;		/* control-group, or -1 */
};

struct ctl_stream {
	struct ctl_client	*c;
	struct evbuffer		*buf;	/* this chunk's items */
	unsigned		 n;
};

/* -- the core's own commands -------------------------------------------- */

static json_t *
cmd_show_stats(struct locid *l, json_t *args, char *err, size_t errlen)
{
	return core_stats_json(l);
}

static json_t *
cmd_reload(struct locid *l, json_t *args, char *err, size_t errlen)
{
	char e[1024];

	if (locid_reload(l, e, sizeof(e)) == -1) {
		snprintf(err, errlen, "%s%s", e, strstr(e, "could not be fully restored") ?
		    "" : "; the old configuration keeps running");
		return NULL;
	}
	return json_pack("{s:b, s:s, s:o}", "reloaded", 1, "config",
	    l->core->conf_path != NULL ? l->core->conf_path : "",
	    "roles", core_reload_json(l));
}

/* every counter of "show stats" back to zero; state is kept */
static json_t *
cmd_clear_stats(struct locid *l, json_t *args, char *err, size_t errlen)
{
	struct core	*c = l->core;
	json_t		*mods = json_array();
	int		 i;

	memset(&c->stats, 0, sizeof(c->stats));
	json_array_append_new(mods, json_string("core"));
	for (i = 0; c->roles[i] != NULL; i++)
		if (c->obj[i] != NULL && c->roles[i]->clear_stats != NULL) {
			c->roles[i]->clear_stats(c->obj[i]);
			json_array_append_new(mods, json_string(c->roles[i]->name));
		}
	log_info("control: counters cleared");
	return json_pack("{s:o}", "cleared", mods);
}

static json_t *
cmd_version(struct locid *l, json_t *args, char *err, size_t errlen)
{
	const struct core	*c = l->core;
	json_t			*roles = json_array();
	int			 i;

	for (i = 0; c->roles[i] != NULL; i++)
		if (c->obj[i] != NULL)
			json_array_append_new(roles, json_string(c->roles[i]->name));
	return json_pack("{s:i, s:i, s:s, s:s, s:o}", "protocol", CTL_PROTOCOL,
	    "schema", CTL_SCHEMA, "daemon", "locid", "version", LOCID_VERSION, "roles", roles);
}

/* the configuration in force, in canonical form, secrets redacted (on
 * the read-only socket too) */
static json_t *
cmd_running_config(struct locid *l, json_t *args, char *err, size_t errlen)
{
	char	*buf = NULL;
	size_t	 len = 0;
	FILE	*f = open_memstream(&buf, &len);
	json_t	*o;

	if (f == NULL) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	conf_print_redacted(f, l->conf);
	fclose(f);
	o = json_pack("{s:s, s:s%}", "file", l->core->conf_path != NULL ?
	    l->core->conf_path : "", "config", buf, len);
	free(buf);
	return o;
}

static const struct {
	const char	*name;
	int		 flags;
	json_t		*(*fn)(struct locid *, json_t *, char *, size_t);
} core_cmds[] = {
	{ "show running-config", 0, cmd_running_config },
	{ "show stats", 0, cmd_show_stats },
	{ "show version", 0, cmd_version },
	{ "reload", CTL_PRIV, cmd_reload },
	{ "clear stats", CTL_PRIV, cmd_clear_stats },
};

/* -- requests ------------------------------------------------------------ */

/* drop the state of the stream in progress */
static void
stream_forget(struct ctl_client *c)
{
	if (c->cmd != NULL && c->cursor != NULL && c->cmd->cursor_free != NULL)
		c->cmd->cursor_free(c->cursor);
	c->cursor = NULL;
	c->cmd = NULL;
	c->role = NULL;
	json_decref(c->args);
	c->args = NULL;
}

static void
client_free(struct ctl_client *c)
{
	struct control *ctl = c->ctl;
	int i;

	if (c->monitor)
		ctl->nmonitors--;
	for (i = 0; i < c->nkinds; i++)
		free(c->kinds[i]);
	stream_forget(c);
	if (c->ev_more != NULL)
		event_free(c->ev_more);
	if (c->chunk != NULL)
		evbuffer_free(c->chunk);
	bufferevent_free(c->bev);
	TAILQ_REMOVE(&ctl->clients, c, entry);
	ctl->nclients--;
	free(c);
}

static void
reply_json(struct ctl_client *c, json_t *rep)
{
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		*s = json_dumps(rep, JSON_COMPACT | JSON_ENCODE_ANY);

	json_decref(rep);
	if (s == NULL) {
		evbuffer_add_printf(out, "{\"v\":%d,\"ok\":false,\"error\":\"cannot encode the reply\"}\n",
		    CTL_PROTOCOL);
		return;
	}
	evbuffer_add(out, s, strlen(s));
	evbuffer_add(out, "\n", 1);
	free(s);
}

static void
reply_error(struct ctl_client *c, const char *e)
{
	reply_json(c, json_pack("{s:i, s:b, s:s}", "v", CTL_PROTOCOL, "ok", 0,
	    "error", e[0] != '\0' ? e : "failed"));
}

int
ctl_stream_item(struct ctl_stream *st, json_t *item)
{
	struct evbuffer	*out = st->buf;
	char		*s;

	if (item == NULL)
		return 1;
	s = json_dumps(item, JSON_COMPACT);
	json_decref(item);
	if (s != NULL) {
		evbuffer_add(out, "{\"item\":", 8);
		evbuffer_add(out, s, strlen(s));
		evbuffer_add(out, "}\n", 2);
		free(s);
		st->c->count++;
	}
	return ++st->n < CTL_CHUNK_ITEMS;
}

static void
stream_end(struct ctl_client *c, const char *err)
{
	json_t *end = json_pack("{s:b, s:I}", "end", 1, "count", (json_int_t)c->count);

	if (err != NULL)
		json_object_set_new(end, "error", json_string(err));
	reply_json(c, end);
	stream_forget(c);
}

/* a streamed command: its first chunk is made before the header goes
 * out, so that bad arguments are refused with a plain error reply
 * (-1, err filled); the rest comes from stream_more */
static int
stream_start(struct ctl_client *c, const struct ctl_cmd *cmd, int ridx,
    json_t *args, char *err, size_t errlen)
{
	struct ctl_stream	 st = { c, c->chunk, 0 };
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	int			 rc;

	c->cmd = cmd;
	c->ridx = ridx;
	c->role = c->ctl->l->core->obj[ridx];
	c->args = json_incref(args);
	c->cursor = NULL;
	c->count = 0;
	rc = cmd->stream(c->role, c->args, &st, &c->cursor, err, errlen);
	if (rc == -1 && c->count == 0) {
		evbuffer_drain(c->chunk, evbuffer_get_length(c->chunk));
		stream_forget(c);
		return -1;
	}
	evbuffer_add_printf(out,
	    "{\"v\":%d,\"schema\":%d,\"ok\":true,\"stream\":true}\n",
	    CTL_PROTOCOL, CTL_SCHEMA);
	evbuffer_add_buffer(out, c->chunk);
	if (rc == 0)
		stream_end(c, NULL);
	else if (rc == -1)
		stream_end(c, err[0] != '\0' ? err : "failed");
	return 0;
}

/* produce chunks until the output reaches the high-water mark or the time
 * slice is used up; then wait for the client to read (write callback) or
 * for the next turn of the loop (ev_more) */
static void
stream_more(struct ctl_client *c)
{
	struct evbuffer		*out = bufferevent_get_output(c->bev);
	struct ctl_stream	 st;
	uint64_t		 t0 = now_us();
	char			 err[256] = "";
	int			 rc;

	while (c->cmd != NULL) {
		if (evbuffer_get_length(out) >= CTL_HIGH_WATER)
			return;		/* client_write calls again */
		if (now_us() - t0 >= CTL_SLICE_US) {
			event_active(c->ev_more, EV_TIMEOUT, 0);
			return;
		}
		/* the role may have been restarted or stopped by a reload since
		 * the last chunk: cursors hold keys, not pointers, so a new
		 * instance carries on where the old one stopped */
		if ((c->role = c->ctl->l->core->obj[c->ridx]) == NULL) {
			stream_end(c, "the role stopped during the reply");
			break;
		}
		st.c = c;
		st.buf = c->chunk;
		st.n = 0;
		rc = c->cmd->stream(c->role, c->args, &st, &c->cursor, err, sizeof(err));
		evbuffer_add_buffer(out, c->chunk);
		if (rc == 0)
			stream_end(c, NULL);
		else if (rc == -1)
			stream_end(c, err[0] != '\0' ? err : "failed");
	}
}

static void	client_requests(struct ctl_client *);

static void
more_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct ctl_client *c = arg;

	stream_more(c);
	if (c->cmd == NULL)
		client_requests(c);	/* may free c */
}

/* find cmd: the core's table, then the running roles' */
static int
cmd_find(struct control *ctl, const char *name, const struct ctl_cmd **cmd,
    int *ridx, int *core_i)
{
	const struct core	*c = ctl->l->core;
	const struct ctl_cmd	*k;
	int			 i, known = 0;

	*cmd = NULL;
	*core_i = -1;
	for (i = 0; i < (int)(sizeof(core_cmds) / sizeof(core_cmds[0])); i++)
		if (strcmp(core_cmds[i].name, name) == 0) {
			*core_i = i;
			return 1;
		}
	for (i = 0; c->roles[i] != NULL; i++) {
		for (k = c->roles[i]->cmds; k != NULL && k->name != NULL; k++) {
			if (strcmp(k->name, name) != 0)
				continue;
			known = 1;
			if (c->obj[i] != NULL) {
				*cmd = k;
				*ridx = i;
				return 1;
			}
		}
	}
	return known ? 0 : -1;
}

/* which roles offer name, for "this locid has no ... role" */
static void
roles_offering(struct control *ctl, const char *name, char *buf, size_t len)
{
	const struct core	*c = ctl->l->core;
	const struct ctl_cmd	*k;
	size_t			 n = 0;
	int			 i;

	buf[0] = '\0';
	for (i = 0; c->roles[i] != NULL && n < len; i++)
		for (k = c->roles[i]->cmds; k != NULL && k->name != NULL; k++)
			if (strcmp(k->name, name) == 0)
				n += (size_t)snprintf(buf + n, len - n, "%s%s",
				    n > 0 ? " or " : "", c->roles[i]->name);
}

/* -- monitor --------------------------------------------------------------- */

/* "monitor": the reply is a stream that does not end; its items are the
 * events core_event hands over. args {"kinds":["rx","map-cache",...]}
 * keeps those only. no idle timeout; requests are no longer read */
static void
monitor_start(struct ctl_client *c, json_t *args, char *err, size_t errlen)
{
	json_t	*kinds = json_object_get(args, "kinds"), *k;
	size_t	 i;

	if (c->ctl->nmonitors >= CTL_MON_MAX) {
		snprintf(err, errlen, "%d monitors already", CTL_MON_MAX);
		return;
	}
	if (kinds != NULL && (!json_is_array(kinds) ||
	    json_array_size(kinds) > CTL_MON_KINDS)) {
		snprintf(err, errlen, "kinds: an array of at most %d names", CTL_MON_KINDS);
		return;
	}
	json_array_foreach(kinds, i, k) {
		if (!json_is_string(k)) {
			snprintf(err, errlen, "kinds: an array of names");
			return;
		}
		if ((c->kinds[c->nkinds] = strdup(json_string_value(k))) != NULL)
			c->nkinds++;
	}
	c->monitor = 1;
	c->ctl->nmonitors++;
	bufferevent_set_timeouts(c->bev, NULL, NULL);
	evbuffer_add_printf(bufferevent_get_output(c->bev),
	    "{\"v\":%d,\"schema\":%d,\"ok\":true,\"stream\":true}\n",
	    CTL_PROTOCOL, CTL_SCHEMA);
	log_info("control: monitor started (%d watching)", c->ctl->nmonitors);
}

static int
monitor_wants(const struct ctl_client *c, const char *kind)
{
	int i;

	if (c->nkinds == 0)
		return 1;
	for (i = 0; i < c->nkinds; i++)
		if (strcmp(c->kinds[i], kind) == 0)
			return 1;
	return 0;
}

int
control_monitoring(const struct locid *l)
{
	return l->core != NULL && l->core->ctl != NULL && l->core->ctl->nmonitors > 0;
}

void
control_event(struct locid *l, const char *kind, json_t *ev)
{
	struct control		*ctl;
	struct ctl_client	*c;
	struct evbuffer		*out;
	uint64_t		 now = now_us(), sec = now / 1000000;
	char			*s = NULL;

	if (!control_monitoring(l)) {
		json_decref(ev);
		return;
	}
	ctl = l->core->ctl;
	json_object_set_new(ev, "kind", json_string(kind));
	json_object_set_new(ev, "time", json_real((double)wall_s() +
	    (double)(now % 1000000) / 1e6));
	TAILQ_FOREACH(c, &ctl->clients, entry) {
		if (!c->monitor || c->closing || !monitor_wants(c, kind))
			continue;
		out = bufferevent_get_output(c->bev);
		if (c->mon_sec != sec) {
			c->mon_sec = sec;
			c->mon_n = 0;
		}
		/* a slow reader or a flood: dropped here, counted in the
		 * next event that goes out */
		if (c->mon_n >= CTL_MON_RATE || evbuffer_get_length(out) >= CTL_HIGH_WATER) {
			c->mon_dropped++;
			continue;
		}
		c->mon_n++;
		if (c->mon_dropped > 0) {
			json_object_set_new(ev, "dropped_before", json_integer((json_int_t)c->mon_dropped));
			c->mon_dropped = 0;
			free(s);
			s = NULL;
		} else if (json_object_get(ev, "dropped_before") != NULL) {
			json_object_del(ev, "dropped_before");
			free(s);
			s = NULL;
		}
		if (s == NULL && (s = json_dumps(ev, JSON_COMPACT)) == NULL)
			break;
		evbuffer_add(out, "{\"item\":", 8);
		evbuffer_add(out, s, strlen(s));
		evbuffer_add(out, "}\n", 2);
	}
	free(s);
	json_decref(ev);
}

/* one request line */
static void
client_request(struct ctl_client *c, const char *line)
{
	struct control		*ctl = c->ctl;
	json_t			*req, *args, *res;
	json_error_t		 jerr;
	const char		*name;
	const struct ctl_cmd	*cmd;
	char			 err[600] = "", who[128];
	int			 ridx = -1, ci, found, flags;
	json_int_t		 v;

	if ((req = ctl_request_parse(line, &name, &args, &v, &jerr, err,
	    sizeof(err))) == NULL) {
		reply_error(c, err);
		return;
	}
	if (strcmp(name, "monitor") == 0) {
		monitor_start(c, args, err, sizeof(err));
		if (err[0] != '\0')
			goto fail;
		json_decref(req);
		return;
	}
	found = cmd_find(ctl, name, &cmd, &ridx, &ci);
	if (found == -1) {
		snprintf(err, sizeof(err), "unknown command \"%s\"", name);
		goto fail;
	}
	if (found == 0) {
		roles_offering(ctl, name, who, sizeof(who));
		snprintf(err, sizeof(err), "\"%s\" needs the %s role, which "
		    "this locid does not run", name, who);
		goto fail;
	}
	flags = ci >= 0 ? core_cmds[ci].flags : cmd->flags;
	if ((flags & CTL_PRIV) && c->ro) {
		snprintf(err, sizeof(err), "permission denied: read-only control socket");
		goto fail;
	}
	if (ci >= 0)
		res = core_cmds[ci].fn(ctl->l, args, err, sizeof(err));
	else if (cmd->stream != NULL) {
		if (stream_start(c, cmd, ridx, args, err, sizeof(err)) == -1)
			goto fail;
		json_decref(req);
		return;
	} else
		res = cmd->fn(ctl->l->core->obj[ridx], args, err, sizeof(err));
	json_decref(req);
	if (res == NULL) {
		reply_error(c, err);
		return;
	}
	reply_json(c, json_pack("{s:i, s:i, s:b, s:o}", "v", CTL_PROTOCOL,
	    "schema", CTL_SCHEMA, "ok", 1, "result", res));
	return;
fail:
	json_decref(req);
	reply_error(c, err);
}

/* answer the complete lines waiting in the input, one at a time: a new
 * request waits while a stream runs or the output is over the high-water
 * mark (a client that writes without reading stops being read) */
static void
client_requests(struct ctl_client *c)
{
	struct evbuffer	*in = bufferevent_get_input(c->bev);
	struct evbuffer	*out = bufferevent_get_output(c->bev);
	char		*line;
	size_t		 n;

	while (c->cmd == NULL && !c->closing && !c->monitor &&
	    evbuffer_get_length(out) < CTL_HIGH_WATER) {
		line = evbuffer_readln(in, &n, EVBUFFER_EOL_LF);
		if (line == NULL) {
			if (evbuffer_get_length(in) > CTL_LINE_MAX) {
				reply_error(c, "request line too long");
				c->closing = 1;
				bufferevent_disable(c->bev, EV_READ);
			}
			break;
		}
		if (n > CTL_LINE_MAX) {
			free(line);
			reply_error(c, "request line too long");
			c->closing = 1;
			bufferevent_disable(c->bev, EV_READ);
			break;
		}
		client_request(c, line);
		free(line);
		if (c->cmd != NULL)
			stream_more(c);
	}
	/* read more only while requests can be answered (a monitor's
	 * socket is still read: its end is how we learn it went) */
	if (c->monitor)
		bufferevent_enable(c->bev, EV_READ);
	else if (c->cmd == NULL && !c->closing && evbuffer_get_length(out) < CTL_HIGH_WATER)
		bufferevent_enable(c->bev, EV_READ);
	else
		bufferevent_disable(c->bev, EV_READ);
	if (c->closing && evbuffer_get_length(out) == 0)
		client_free(c);
}

static void
client_read(struct bufferevent *bev, void *arg)
{
	client_requests(arg);
}

static void
client_write(struct bufferevent *bev, void *arg)
{
	struct ctl_client *c = arg;

	if (c->closing) {
		client_free(c);
		return;
	}
	if (c->cmd != NULL)
		stream_more(c);
	if (c->cmd == NULL)
		client_requests(c);	/* may free c */
}

static void
client_event(struct bufferevent *bev, short what, void *arg)
{
	struct ctl_client *c = arg;

	if (what & (BEV_EVENT_EOF | BEV_EVENT_ERROR | BEV_EVENT_TIMEOUT))
		client_free(c);
}

/* the peer of a connection, for the log */
static void
peer_cred(int fd, char *buf, size_t len)
{
	struct ucred	 uc;
	socklen_t	 sl = sizeof(uc);

	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &uc, &sl) == 0)
		snprintf(buf, len, "pid %d uid %u", (int)uc.pid, (unsigned)uc.uid);
	else
		snprintf(buf, len, "unknown peer");
}

static void
control_accept(struct evconnlistener *lis, evutil_socket_t fd,
    struct sockaddr *sa, int slen, void *arg)
{
	struct ctl_listener	*cl = arg;
	struct control		*ctl = cl->ctl;
	struct ctl_client	*c;
	struct timeval		 idle = { CTL_IDLE_S, 0 };
	char			 who[64];

	if (ctl->nclients >= CTL_CLIENTS_MAX) {
		peer_cred(fd, who, sizeof(who));
		if (log_limited_ok(core_logrl(ctl->l)))
			log_warn("control: %s refused: %d clients already", who,
			    ctl->nclients);
		close(fd);
		return;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		close(fd);
		return;
	}
	c->ctl = ctl;
	c->ro = cl->ro;
	c->bev = bufferevent_socket_new(ctl->l->base, fd, BEV_OPT_CLOSE_ON_FREE);
	c->ev_more = event_new(ctl->l->base, -1, 0, more_cb, c);
	c->chunk = evbuffer_new();
	if (c->bev == NULL || c->ev_more == NULL || c->chunk == NULL) {
		if (c->chunk != NULL)
			evbuffer_free(c->chunk);
		if (c->bev != NULL)
			bufferevent_free(c->bev);
		else
			close(fd);
		if (c->ev_more != NULL)
			event_free(c->ev_more);
		free(c);
		return;
	}
	TAILQ_INSERT_TAIL(&ctl->clients, c, entry);
	ctl->nclients++;
	bufferevent_setcb(c->bev, client_read, client_write, client_event, c);
	bufferevent_setwatermark(c->bev, EV_WRITE, CTL_LOW_WATER, 0);
	/* no more than one line and a bit is taken from the socket at once */
	bufferevent_setwatermark(c->bev, EV_READ, 0, CTL_LINE_MAX + 4096);
	bufferevent_set_timeouts(c->bev, &idle, &idle);
	bufferevent_enable(c->bev, EV_READ | EV_WRITE);
}

static int
listener_open(struct control *ctl, struct ctl_listener *cl, const char *path,
    int ro)
{
	struct sockaddr_un	 sun;
	mode_t			 old;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		log_warn("control socket path too long: %s", path);
		return -1;
	}
	strncpy(sun.sun_path, path, sizeof(sun.sun_path) - 1);
	cl->ctl = ctl;
	cl->ro = ro;
	if ((cl->path = strdup(path)) == NULL)
		return -1;
	unlink(path);
	old = umask(ro ? 0111 : 0117);
	cl->lis = evconnlistener_new_bind(ctl->l->base, control_accept, cl,
	    LEV_OPT_CLOSE_ON_FREE | LEV_OPT_CLOSE_ON_EXEC, 16,
	    (struct sockaddr *)&sun, sizeof(sun));
	umask(old);
	if (cl->lis == NULL) {
		log_warn("control socket %s: %s", path, strerror(errno));
		free(cl->path);
		cl->path = NULL;
		return -1;
	}
	/* the full socket for root and the control-group; the read-only one
	 * for everybody on the host */
	chmod(path, ro ? 0666 : 0660);
	if (ctl->gid != (gid_t)-1 && chown(path, (uid_t)-1, ctl->gid) == -1)
		log_warn("control socket %s: chown: %s", path, strerror(errno));
	return 0;
}

static void
listener_close(struct ctl_listener *cl)
{
	if (cl->lis == NULL)
		return;
	evconnlistener_free(cl->lis);
	unlink(cl->path);
	free(cl->path);
	cl->lis = NULL;
	cl->path = NULL;
}

int
control_open(struct locid *l, const char *path, const char *ro_path)
{
	struct control	*ctl;

	if ((ctl = calloc(1, sizeof(*ctl))) == NULL)
		return -1;
	ctl->l = l;
	ctl->gid = (gid_t)-1;
	TAILQ_INIT(&ctl->clients);
	if (l->conf->control_group != NULL)	/* resolved when the conf loaded */
		ctl->gid = l->conf->control_gid;
	if (listener_open(ctl, &ctl->full, path, 0) == -1) {
		free(ctl);
		return -1;
	}
	if (ro_path != NULL && listener_open(ctl, &ctl->ro, ro_path, 1) == -1) {
		listener_close(&ctl->full);
		free(ctl);
		return -1;
	}
	l->core->ctl = ctl;
	return 0;
}

/* move one listener to path, keeping the clients: the new socket first,
 * then the old one goes (a failure leaves the old one) */
static int
listener_move(struct control *ctl, struct ctl_listener *cl, const char *path,
    int ro)
{
	struct ctl_listener old = *cl;

	if (cl->path != NULL && strcmp(cl->path, path) == 0) {
		if (ctl->gid != (gid_t)-1 && chown(path, (uid_t)-1, ctl->gid) == -1)
			log_warn("control socket %s: chown: %s", path, strerror(errno));
		return 0;
	}
	if (listener_open(ctl, cl, path, ro) == -1) {
		*cl = old;
		return -1;
	}
	listener_close(&old);
	return 0;
}

int
control_relisten(struct locid *l, const char *path, const char *ro_path)
{
	struct control *ctl = l->core->ctl;

	if (ctl == NULL)
		return control_open(l, path, ro_path);
	ctl->gid = l->conf->control_group != NULL ? l->conf->control_gid : (gid_t)-1;
	if (listener_move(ctl, &ctl->full, path, 0) == -1)
		return -1;
	return ro_path != NULL ? listener_move(ctl, &ctl->ro, ro_path, 1) : 0;
}

void
control_close(struct locid *l)
{
	struct control		*ctl = l->core->ctl;
	struct ctl_client	*c;

	if (ctl == NULL)
		return;
	while ((c = TAILQ_FIRST(&ctl->clients)) != NULL)
		client_free(c);
	listener_close(&ctl->full);
	listener_close(&ctl->ro);
	free(ctl);
	l->core->ctl = NULL;
}
