/* metrics-listen ADDRESS PORT: a read-only HTTP endpoint, GET /metrics,
 * with what `locictl --openmetrics show stats` prints (the same renderer,
 * locictl/out_stats.c), for Prometheus. libevent's evhttp; bounded: small
 * requests only, a timeout, GET only, nothing else served */
#include <sys/types.h>
#include <sys/socket.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <event2/buffer.h>
#include <event2/http.h>

#include "core.h"
#include "../locictl/fields.h"

#define METRICS_TIMEOUT_S	10
#define METRICS_HEADERS_MAX	4096

static void
metrics_cb(struct evhttp_request *req, void *arg)
{
	struct locid	*l = arg;
	struct evbuffer	*out;
	json_t		*st;
	char		*buf = NULL;
	size_t		 len = 0;
	FILE		*f;

	if (evhttp_request_get_command(req) != EVHTTP_REQ_GET &&
	    evhttp_request_get_command(req) != EVHTTP_REQ_HEAD) {
		evhttp_send_error(req, 405, "only GET");
		return;
	}
	if ((f = open_memstream(&buf, &len)) == NULL) {
		evhttp_send_error(req, 500, NULL);
		return;
	}
	st = core_stats_json(l);
	stats_openmetrics(f, st);
	json_decref(st);
	fclose(f);
	if ((out = evbuffer_new()) == NULL) {
		free(buf);
		evhttp_send_error(req, 500, NULL);
		return;
	}
	evbuffer_add(out, buf, len);
	free(buf);
	evhttp_add_header(evhttp_request_get_output_headers(req), "Content-Type",
	    "application/openmetrics-text; version=1.0.0; charset=utf-8");
	evhttp_send_reply(req, 200, "OK", out);
	evbuffer_free(out);
}

static void
other_cb(struct evhttp_request *req, void *arg)
{
	evhttp_send_error(req, 404, "only /metrics");
}

void
metrics_close(struct locid *l)
{
	if (l->core->metrics != NULL)
		evhttp_free(l->core->metrics);
	l->core->metrics = NULL;
}

int
metrics_open(struct locid *l)
{
	const struct conf	*c = l->conf;
	struct evhttp		*h;
	char			 a[ADDR_STRLEN];

	metrics_close(l);
	if (c->metrics_port == 0)
		return 0;
	if ((h = evhttp_new(l->base)) == NULL)
		return -1;
	addr_fmt(&c->metrics_addr, a, sizeof(a));
	evhttp_set_timeout(h, METRICS_TIMEOUT_S);
	evhttp_set_max_headers_size(h, METRICS_HEADERS_MAX);
	evhttp_set_max_body_size(h, 0);
	evhttp_set_allowed_methods(h, EVHTTP_REQ_GET | EVHTTP_REQ_HEAD);
	evhttp_set_cb(h, "/metrics", metrics_cb, l);
	evhttp_set_gencb(h, other_cb, l);
	if (evhttp_bind_socket(h, a, c->metrics_port) == -1) {
		log_warn("metrics-listen %s port %u: cannot listen", a, c->metrics_port);
		evhttp_free(h);
		return -1;
	}
	l->core->metrics = h;
	log_info("metrics on http://%s%s%s:%u/metrics", c->metrics_addr.afi == AFI_IPV6 ?
	    "[" : "", a, c->metrics_addr.afi == AFI_IPV6 ? "]" : "", c->metrics_port);
	return 0;
}
