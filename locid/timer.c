/* the timer service of locid.h on the daemon's libevent loop */
#include <stdlib.h>

#include "locid.h"

struct locid_timer {
	struct event	*ev;
	void		(*fn)(void *);
	void		*arg;
};

static void
timer_cb(evutil_socket_t fd, short what, void *arg)
{
	struct locid_timer *t = arg;

	t->fn(t->arg);
}

struct locid_timer *
locid_timer_new(struct locid *l, void (*fn)(void *), void *arg)
{
	struct locid_timer *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	if ((t->ev = evtimer_new(l->base, timer_cb, t)) == NULL) {
		free(t);
		return NULL;
	}
	return t;
}

void
locid_timer_at(struct locid_timer *t, uint64_t at_ms)
{
	uint64_t	now = now_ms(), d = at_ms > now ? at_ms - now : 0;
	struct timeval	tv;

	tv.tv_sec = (time_t)(d / 1000);
	tv.tv_usec = (suseconds_t)(d % 1000) * 1000;
	evtimer_add(t->ev, &tv);
}

void
locid_timer_stop(struct locid_timer *t)
{
	evtimer_del(t->ev);
}

void
locid_timer_free(struct locid_timer *t)
{
	if (t == NULL)
		return;
	event_free(t->ev);
	free(t);
}
