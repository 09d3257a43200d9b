/* Map-Resolver selection and failover (see mrsel.h) */
#include <stdlib.h>
#include <string.h>

#include "mrsel.h"
#include "xtr.h"

struct mrsel *
mrsel_new(void)
{
	struct mrsel *s;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	s->timeout_ms = 1000;
	s->holddown_ms = 10000;
	return s;
}

void
mrsel_free(struct mrsel *s)
{
	free(s);
}

void
mrsel_set(struct mrsel *s, const struct lisp_addr *a, int n, uint64_t timeout_ms,
    uint64_t holddown_ms)
{
	struct mrsel_mr old[MRSEL_MAX];
	int nold = s->n, i, j;

	memcpy(old, s->mr, sizeof(old));
	memset(s->mr, 0, sizeof(s->mr));
	memset(s->req, 0, sizeof(s->req));
	s->n = 0;
	s->timeout_ms = timeout_ms ? timeout_ms : 1000;
	s->holddown_ms = holddown_ms ? holddown_ms : 10000;
	for (i = 0; i < n && s->n < MRSEL_MAX; i++) {
		struct mrsel_mr *m = &s->mr[s->n++];

		m->addr = a[i];
		m->state = MRSEL_UP;
		for (j = 0; j < nold; j++)
			if (addr_equal(&old[j].addr, &a[i])) {
				*m = old[j];
				/* its outstanding requests are forgotten */
				if (m->state == MRSEL_TESTING) {
					m->state = MRSEL_DOWN;
					m->test_nonce = 0;
				}
				break;
			}
	}
}

static void
set_state(struct mrsel *s, struct mrsel_mr *m, int st, uint64_t now)
{
	char a[ADDR_STRLEN];

	if (m->state != st && (st == MRSEL_UP || m->state == MRSEL_UP)) {
		log_info("map-resolver %s is %s", addr_fmt(&m->addr, a, sizeof(a)),
		    st == MRSEL_UP ? "answering again" : "down: map-request unanswered");
		if (s->changed != NULL)
			s->changed(s->changed_arg, &m->addr, st == MRSEL_UP);
	}
	if (st == MRSEL_DOWN)
		m->retry_ms = now + s->holddown_ms;
	if (st != MRSEL_TESTING)
		m->test_nonce = 0;
	if (m->state != st)
		m->change_ms = now;
	m->state = st;
}

void
mrsel_expire(struct mrsel *s, uint64_t now)
{
	int i;

	for (i = 0; i < MRSEL_PENDING; i++) {
		struct mrsel_req *r = &s->req[i];
		struct mrsel_mr *m;

		if (r->nonce == 0 || now < r->sent_ms + s->timeout_ms)
			continue;
		if (r->mr < s->n) {
			m = &s->mr[r->mr];
			m->timeouts++;
			if (m->state == MRSEL_UP ||
			    (m->state == MRSEL_TESTING && m->test_nonce == r->nonce))
				set_state(s, m, MRSEL_DOWN, now);
		}
		r->nonce = 0;
	}
}

int
mrsel_pick(struct mrsel *s, uint64_t now)
{
	int i, best = -1;

	if (s->n == 0)
		return -1;
	mrsel_expire(s, now);
	for (i = 0; i < s->n; i++) {
		struct mrsel_mr *m = &s->mr[i];

		if (m->state == MRSEL_UP || (m->state == MRSEL_DOWN && now >= m->retry_ms))
			return i;
	}
	/* none usable: the one down for longest, testing ones last */
	for (i = 0; i < s->n; i++) {
		struct mrsel_mr *m = &s->mr[i];

		if (best == -1 || (s->mr[best].state == MRSEL_TESTING &&
		    m->state != MRSEL_TESTING) || (m->state == s->mr[best].state &&
		    m->retry_ms < s->mr[best].retry_ms))
			best = i;
	}
	return best;
}

const struct lisp_addr *
mrsel_addr(const struct mrsel *s, int i)
{
	return i >= 0 && i < s->n ? &s->mr[i].addr : NULL;
}

int
mrsel_index(const struct mrsel *s, const struct lisp_addr *a)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (addr_equal(&s->mr[i].addr, a))
			return i;
	return -1;
}

void
mrsel_sent(struct mrsel *s, int i, uint64_t nonce, uint64_t now)
{
	struct mrsel_req *r;
	struct mrsel_mr *m;

	if (i < 0 || i >= s->n || nonce == 0)
		return;
	m = &s->mr[i];
	m->sent++;
	if (m->state == MRSEL_DOWN && now >= m->retry_ms) {
		set_state(s, m, MRSEL_TESTING, now);
		m->test_nonce = nonce;
	}
	r = &s->req[s->next];
	s->next = (s->next + 1) % MRSEL_PENDING;
	r->nonce = nonce;
	r->sent_ms = now;
	r->mr = i;
}

int
mrsel_reply(struct mrsel *s, uint64_t nonce, uint64_t now)
{
	int i;

	if (nonce == 0)
		return 0;
	for (i = 0; i < MRSEL_PENDING; i++) {
		struct mrsel_req *r = &s->req[i];

		if (r->nonce != nonce)
			continue;
		r->nonce = 0;
		if (r->mr < s->n) {
			s->mr[r->mr].answered++;
			s->mr[r->mr].answer_ms = now;
			set_state(s, &s->mr[r->mr], MRSEL_UP, now);
		}
		return 1;
	}
	return 0;
}

const char *
mrsel_state_name(int st)
{
	switch (st) {
	case MRSEL_UP:
		return "up";
	case MRSEL_DOWN:
		return "down";
	case MRSEL_TESTING:
		return "testing";
	}
	return "?";
}

json_t *
mrsel_json(const struct mrsel *s, uint64_t now)
{
	char a[ADDR_STRLEN];
	json_t *arr = json_array(), *o;
	int i;

	for (i = 0; i < s->n; i++) {
		const struct mrsel_mr *m = &s->mr[i];

		o = json_object();
		json_object_set_new(o, "map_resolver", json_string(addr_fmt(&m->addr, a,
		    sizeof(a))));
		json_object_set_new(o, "state", json_string(mrsel_state_name(m->state)));
		json_object_set_new(o, "requests", json_integer((json_int_t)m->sent));
		json_object_set_new(o, "answered", json_integer((json_int_t)m->answered));
		json_object_set_new(o, "timeouts", json_integer((json_int_t)m->timeouts));
		json_object_set_new(o, "retry_in_ms", m->state == MRSEL_DOWN &&
		    m->retry_ms > now ? json_integer((json_int_t)(m->retry_ms - now)) :
		    json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

static void
mr_changed(void *arg, const struct lisp_addr *a, int up)
{
	struct xtr *x = arg;

	if (core_monitoring(x->l))
		core_event(x->l, "map-resolver", json_pack("{s:s, s:s}", "address",
		    addr_fmt(a, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), "state",
		    up ? "up" : "down"));
}

void
mrsel_conf(struct xtr *x)
{
	struct conf *c = x->l->conf;
	struct conf_peer *p;
	struct lisp_addr a[MRSEL_MAX];
	uint64_t to;
	int n = 0;

	if (x->mrsel == NULL)
		return;
	x->mrsel->changed = mr_changed;
	x->mrsel->changed_arg = x;
	TAILQ_FOREACH(p, &c->map_resolvers, entry)
		if (n < MRSEL_MAX)
			a[n++] = p->addr;
	to = c->timers.map_request_timeout_ms ? c->timers.map_request_timeout_ms : 1000;
	mrsel_set(x->mrsel, a, n, to, 10 * to);
}
