/* fake daemon core: see fakecore.h */
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "fakecore.h"

#define FAKE_ROLES	4
#define FAKE_LOG	1024
#define FAKE_LINE	256
#define FAKE_CHUNK	3	/* stream items per chunk: resumption is exercised */

struct locid_timer {
	struct locid_timer	*next;
	void			(*fn)(void *);
	void			*arg;
	uint64_t		 at;
	int			 armed;
};

struct ctl_stream {
	json_t		*items;
	int		 room;
};

struct fake_role {
	const struct role	*r;
	void			*obj;
};

static struct fake {
	struct locid		 l;
	struct conf		*conf;
	uint64_t		 now;		/* ms */
	struct locid_timer	*timers;
	uint64_t		 firings;
	struct fake_role	 roles[FAKE_ROLES];
	int			 nroles;
	struct fake_sent	*sent;
	size_t			 nsent, capsent;
	int			 no4, no6;
	struct lisp_addr	 local[8];	/* core_addr_local */
	int			 nlocal;
	int			 monitoring;	/* core_monitoring */
	unsigned		 events;
	char			 last_event[32];
	uint64_t		 drops[CORE_DROP__N];
	struct ratelimit	 logrl;
	const struct resolver	*res;
	void			*resarg;
	char			 log[FAKE_LOG][FAKE_LINE];
	unsigned		 nlog;		/* lines written */
} F;

/* -- the services of locid.h ------------------------------------------ */

uint64_t
now_ms(void)
{
	return F.now;
}

uint64_t
now_us(void)
{
	return F.now * 1000;
}

uint64_t
wall_s(void)
{
	return 1700000000 + F.now / 1000;
}

static void
fake_vlog(const char *fmt, va_list ap)
{
	vsnprintf(F.log[F.nlog % FAKE_LOG], FAKE_LINE, fmt, ap);
	F.nlog++;
}

void
log_init(int debug, const char *ident)
{
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_vlog(fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_vlog(fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	fake_vlog(fmt, ap);
	va_end(ap);
}

int
ratelimit_allow(struct ratelimit *rl, uint64_t now)
{
	if (rl->window_ms == 0)
		return 1;
	if (now < rl->start_ms || now - rl->start_ms >= rl->window_ms) {
		rl->start_ms = now;
		rl->used = 0;
	}
	if (rl->used >= rl->burst) {
		rl->suppressed++;
		return 0;
	}
	rl->used++;
	return 1;
}

void
log_limiter_init(struct ratelimit *rl, const struct conf *c)
{
	memset(rl, 0, sizeof(*rl));
	rl->window_ms = 10000;
	rl->burst = c != NULL && c->log_rate > 0 ? (uint32_t)c->log_rate : 10;
}

int
log_limited_ok(struct ratelimit *rl)
{
	return ratelimit_allow(rl, F.now);
}

void
log_limited(struct ratelimit *rl, const char *fmt, ...)
{
	va_list ap;

	if (!log_limited_ok(rl))
		return;
	va_start(ap, fmt);
	fake_vlog(fmt, ap);
	va_end(ap);
}

void
core_drop(struct locid *l, enum core_drop d)
{
	assert_ptr_equal(l, &F.l);
	F.drops[d]++;
}

struct ratelimit *
core_logrl(struct locid *l)
{
	return &F.logrl;
}

int
locid_send_from(struct locid *l, const struct lisp_addr *src,
    const struct sockaddr *dst, const void *buf, size_t len)
{
	return locid_send(l, dst, buf, len);
}

int
locid_send(struct locid *l, const struct sockaddr *dst, const void *buf,
    size_t len)
{
	struct fake_sent	*s;
	size_t			 cap;

	assert_ptr_equal(l, &F.l);
	assert_true(dst->sa_family == AF_INET || dst->sa_family == AF_INET6);
	assert_true(len <= FAKE_PKT_MAX);
	if ((dst->sa_family == AF_INET && F.no4) ||
	    (dst->sa_family == AF_INET6 && F.no6)) {
		F.drops[CORE_DROP_TX_NO_SOCKET]++;
		return -1;
	}
	if (F.nsent == F.capsent) {
		cap = F.capsent ? F.capsent * 2 : 16;
		assert_non_null(s = realloc(F.sent, cap * sizeof(*s)));
		F.sent = s;
		F.capsent = cap;
	}
	s = &F.sent[F.nsent++];
	memset(&s->dst, 0, sizeof(s->dst));
	memcpy(&s->dst, dst, dst->sa_family == AF_INET ?
	    sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6));
	memcpy(s->buf, buf, len);
	s->len = len;
	return 0;
}

int
core_can_send(const struct locid *l, const struct lisp_addr *a)
{
	if (a->afi == AFI_IPV4)
		return !F.no4;
	if (a->afi == AFI_IPV6)
		return !F.no6;
	return 0;
}

int
core_monitoring(const struct locid *l)
{
	return F.monitoring;
}

void
core_event(struct locid *l, const char *kind, json_t *ev)
{
	F.events++;
	snprintf(F.last_event, sizeof(F.last_event), "%s", kind);
	json_decref(ev);
}

void
fake_monitor(int on)
{
	F.monitoring = on;
}

unsigned
fake_events(const char *kind)
{
	return kind == NULL || strcmp(kind, F.last_event) == 0 ? F.events : 0;
}

int
core_addr_node(struct locid *l, const struct lisp_addr *a)
{
	return core_addr_local(l, a);
}

int
core_addr_local(struct locid *l, const struct lisp_addr *a)
{
	int i;

	for (i = 0; i < F.nlocal; i++)
		if (addr_equal(&F.local[i], a))
			return 1;
	return 0;
}

uint16_t
core_port(const struct locid *l, int family)
{
	return LISP_CONTROL_PORT;
}

char *
sa_fmt(const struct sockaddr *sa, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s4 = (const struct sockaddr_in *)sa;

		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s6 = (const struct sockaddr_in6 *)sa;

		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else
		snprintf(buf, len, "(af %d)", sa->sa_family);
	return buf;
}

void
core_resolver_set(struct locid *l, const struct resolver *r, void *arg)
{
	F.res = r;
	F.resarg = arg;
}

const struct resolver *
core_resolver(struct locid *l, void **arg)
{
	*arg = F.resarg;
	return F.res;
}

/* no data plane in the fake core */
void
core_natfib_set(struct locid *l, const struct natfib *f, void *arg)
{
}

const struct natfib *
core_natfib(struct locid *l, void **arg)
{
	*arg = NULL;
	return NULL;
}

struct locid_timer *
locid_timer_new(struct locid *l, void (*fn)(void *), void *arg)
{
	struct locid_timer *t;

	if ((t = calloc(1, sizeof(*t))) == NULL)
		return NULL;
	t->fn = fn;
	t->arg = arg;
	t->next = F.timers;
	F.timers = t;
	return t;
}

void
locid_timer_at(struct locid_timer *t, uint64_t at_ms)
{
	t->at = at_ms;
	t->armed = 1;
}

void
locid_timer_stop(struct locid_timer *t)
{
	t->armed = 0;
}

void
locid_timer_free(struct locid_timer *t)
{
	struct locid_timer **pp;

	if (t == NULL)
		return;
	for (pp = &F.timers; *pp != NULL; pp = &(*pp)->next)
		if (*pp == t) {
			*pp = t->next;
			break;
		}
	free(t);
}

int
ctl_stream_item(struct ctl_stream *st, json_t *item)
{
	json_array_append_new(st->items, item);
	return --st->room > 0;
}

/* -- the test's side -------------------------------------------------- */

static struct conf *
conf_from(const char *text)
{
	struct conf	*c;
	char		 err[256] = "";

	c = conf_load_buf("fake.conf", text, strlen(text), err, sizeof(err));
	if (c == NULL)
		fail_msg("config: %s", err);
	return c;
}

struct locid *
fake_start(const char *conf_text)
{
	memset(&F, 0, sizeof(F));
	F.now = 1000000;
	F.conf = conf_from(conf_text);
	F.l.conf = F.conf;
	log_limiter_init(&F.logrl, F.conf);
	return &F.l;
}

void
fake_stop(void)
{
	while (F.nroles > 0) {
		F.nroles--;
		role_free(F.roles[F.nroles].r, F.roles[F.nroles].obj);
	}
	/* every role freed its timers */
	assert_null(F.timers);
	free(F.sent);
	conf_free(F.conf);
	memset(&F, 0, sizeof(F));
}

void *
fake_role(const struct role *r)
{
	void *o;

	assert_true(F.nroles < FAKE_ROLES);
	assert_true(r->wanted(F.conf));
	assert_non_null(o = r->new(&F.l));
	F.roles[F.nroles].r = r;
	F.roles[F.nroles++].obj = o;
	return o;
}

int
fake_reload(const char *conf_text)
{
	struct conf	*old = F.conf;
	char		 err[256];
	int		 i, rv = 0;

	F.conf = conf_from(conf_text);
	F.l.conf = F.conf;
	for (i = 0; i < F.nroles; i++)
		if (role_reconf(F.roles[i].r, &F.l, &F.roles[i].obj, err, sizeof(err)) == -1)
			rv = -1;
	conf_free(old);
	return rv;
}

void
fake_advance(uint64_t ms)
{
	uint64_t		 end = F.now + ms;
	struct locid_timer	*t, *first;

	for (;;) {
		first = NULL;
		for (t = F.timers; t != NULL; t = t->next)
			if (t->armed && t->at <= end &&
			    (first == NULL || t->at < first->at))
				first = t;
		if (first == NULL)
			break;
		if (first->at > F.now)
			F.now = first->at;
		first->armed = 0;
		F.firings++;
		first->fn(first->arg);
	}
	F.now = end;
}

unsigned
fake_timers_armed(void)
{
	struct locid_timer	*t;
	unsigned		 n = 0;

	for (t = F.timers; t != NULL; t = t->next)
		n += t->armed;
	return n;
}

uint64_t
fake_timer_firings(void)
{
	return F.firings;
}

/* offer m to the hooks of kind, lowest prio first (table order on a tie) */
static int
deliver(enum rx_kind kind, const struct msg_in *m)
{
	int	used[FAKE_ROLES] = { 0 };
	int	i, best, n;

	for (n = 0; n < F.nroles; n++) {
		best = -1;
		for (i = 0; i < F.nroles; i++)
			if (!used[i] && F.roles[i].r->rx[kind].fn != NULL &&
			    (best == -1 || F.roles[i].r->rx[kind].prio <
			    F.roles[best].r->rx[kind].prio))
				best = i;
		if (best == -1)
			break;
		used[best] = 1;
		if (F.roles[best].r->rx[kind].fn(F.roles[best].obj, m) == 1)
			return 1;
	}
	return 0;
}

static int
drop(enum core_drop d)
{
	F.drops[d]++;
	return 0;
}

int
fake_rx(const void *buf, size_t len, const char *src, uint16_t sport)
{
	struct pkt			 p;
	struct msg_in			 m;
	struct rbuf			 b;
	struct lisp_map_register	 reg;
	struct lisp_map_request		 mreq;
	struct lisp_map_reply		 rep;
	struct lisp_ecm			 ecm;
	struct lisp_map_referral	 ref;
	struct lisp_info		 info;
	struct sockaddr_in		*s4 = (struct sockaddr_in *)&p.src;
	struct sockaddr_in		*d4 = (struct sockaddr_in *)&p.dst;
	struct sockaddr_in6		*d6 = (struct sockaddr_in6 *)&p.dst;
	struct sockaddr_in6		*s6 = (struct sockaddr_in6 *)&p.src;
	struct msg_err			 why;
	enum rx_kind			 kind;

	memset(&p, 0, sizeof(p));
	memset(&m, 0, sizeof(m));
	p.buf = buf;
	p.len = len;
	/* the local address it arrived on: FAKE_LOCAL4 / FAKE_LOCAL6 */
	if (inet_pton(AF_INET, src, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(sport);
		d4->sin_family = AF_INET;
		d4->sin_port = htons(4342);
		inet_pton(AF_INET, FAKE_LOCAL4, &d4->sin_addr);
	} else {
		assert_int_equal(inet_pton(AF_INET6, src, &s6->sin6_addr), 1);
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(sport);
		d6->sin6_family = AF_INET6;
		d6->sin6_port = htons(4342);
		inet_pton(AF_INET6, FAKE_LOCAL6, &d6->sin6_addr);
	}
	m.pkt = &p;
	if (len < 4)
		return drop(CORE_DROP_SHORT_MESSAGE);
	rbuf_init(&b, buf, len);
	switch (p.buf[0] >> 4) {
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		if (map_register_decode(&b, &reg, &why) == -1)
			return drop(CORE_DROP_MALFORMED_REGISTER);
		m.reg = &reg;
		kind = (p.buf[0] >> 4) == LISP_MAP_REGISTER ? RX_REGISTER :
		    (p.buf[0] >> 4) == LISP_MAP_NOTIFY ? RX_NOTIFY : RX_NOTIFY_ACK;
		break;
	case LISP_MAP_REPLY:
		if (map_reply_decode(&b, &rep, &why) == -1)
			return drop(CORE_DROP_MALFORMED_REPLY);
		m.rep = &rep;
		kind = RX_REPLY;
		break;
	case LISP_MAP_REQUEST:
		if (map_request_decode(&b, &mreq, &why) == -1)
			return drop(CORE_DROP_MALFORMED_REQUEST);
		m.mreq = &mreq;
		kind = (mreq.flags & MREQ_P) ? RX_PROBE :
		    (mreq.flags & MREQ_S) ? RX_SMR : RX_REQUEST;
		break;
	case LISP_ECM:
		if (ecm_decode(&b, &ecm, &why) == -1)
			return drop(CORE_DROP_MALFORMED_ECM);
		if (ecm.inner.len >= 4 && (ecm.inner.p[0] >> 4 == LISP_MAP_REGISTER ||
		    ecm.inner.p[0] >> 4 == LISP_MAP_NOTIFY)) {
			b = ecm.inner;
			if (map_register_decode(&b, &reg, &why) == -1)
				return drop(CORE_DROP_MALFORMED_ECM_REGISTER);
			m.ecm = &ecm;
			m.reg = &reg;
			kind = ecm.inner.p[0] >> 4 == LISP_MAP_REGISTER ?
			    RX_ECM_REGISTER : RX_ECM_NOTIFY;
			break;
		}
		if (ecm.inner.len < 4 || ecm.inner.p[0] >> 4 != LISP_MAP_REQUEST)
			return drop(CORE_DROP_ECM_WITHOUT_REQUEST);
		b = ecm.inner;
		if (map_request_decode(&b, &mreq, &why) == -1)
			return drop(CORE_DROP_MALFORMED_ECM_REQUEST);
		if (mreq.flags & MREQ_P)
			return drop(CORE_DROP_PROBE_AT_MAPPING_SYSTEM);
		m.ecm = &ecm;
		m.mreq = &mreq;
		kind = (ecm.flags & ECM_E) ? RX_ECM_FORWARDED :
		    (ecm.flags & ECM_D) ? RX_DDT_REQUEST : RX_ECM_REQUEST;
		break;
	case LISP_MAP_REFERRAL:
		if (map_referral_decode(&b, &ref, &why) == -1)
			return drop(CORE_DROP_MALFORMED_REFERRAL);
		m.ref = &ref;
		kind = RX_REFERRAL;
		break;
	case LISP_INFO:
		if (info_decode(&b, &info, &why) == -1)
			return drop(CORE_DROP_MALFORMED_INFO);
		m.info = &info;
		kind = info.reply ? RX_INFO_REPLY : RX_INFO_REQUEST;
		break;
	default:
		return drop(CORE_DROP_UNSUPPORTED_TYPE);
	}
	if (deliver(kind, &m))
		return 1;
	if (kind == RX_INFO_REQUEST)
		return drop(CORE_DROP_INFO_NO_ROLE);
	if (kind == RX_INFO_REPLY)
		return drop(CORE_DROP_INFO_REPLY_UNEXPECTED);
	if (kind == RX_ECM_REGISTER || kind == RX_ECM_NOTIFY)
		return drop(CORE_DROP_ECM_REGISTER_NO_ROLE);
	return drop(kind == RX_REGISTER || kind == RX_NOTIFY_ACK ?
	    CORE_DROP_NOT_A_MAP_SERVER : kind == RX_REFERRAL ?
	    CORE_DROP_REFERRAL_NO_ROLE : kind == RX_DDT_REQUEST ?
	    CORE_DROP_DDT_REQUEST_NO_ROLE : CORE_DROP_REQUEST_NO_ROLE);
}

size_t
fake_nsent(void)
{
	return F.nsent;
}

const struct fake_sent *
fake_sent_get(size_t i)
{
	assert_true(i < F.nsent);
	return &F.sent[i];
}

void
fake_sent_clear(void)
{
	F.nsent = 0;
}

const char *
fake_dst_fmt(const struct fake_sent *s)
{
	static char buf[80];

	return sa_fmt((const struct sockaddr *)&s->dst, buf, sizeof(buf));
}

void
fake_local_addr(const char *a)
{
	assert_true(F.nlocal < 8);
	assert_int_equal(addr_parse(&F.local[F.nlocal], a), 0);
	F.nlocal++;
}

void
fake_can_send(int family, int on)
{
	if (family == AF_INET)
		F.no4 = !on;
	else
		F.no6 = !on;
}

uint64_t
fake_core_drops(enum core_drop d)
{
	return F.drops[d];
}

uint64_t
fake_role_drops(const struct role *r, const char *name)
{
	struct counters	 k;
	unsigned	 i;
	int		 j;

	for (j = 0; j < F.nroles; j++) {
		if (F.roles[j].r != r)
			continue;
		memset(&k, 0, sizeof(k));
		r->counters(F.roles[j].obj, &k);
		for (i = 0; i < k.n; i++)
			if (k.names[i] != NULL && strcmp(k.names[i], name) == 0)
				return k.v[i];
		fail_msg("%s has no counter \"%s\"", r->name, name);
	}
	fail_msg("role %s not started", r->name);
	return 0;
}

unsigned
fake_log_count_since(unsigned from, const char *s)
{
	unsigned i, n = 0, first = F.nlog > FAKE_LOG ? F.nlog - FAKE_LOG : 0;

	assert_true(from >= first);
	for (i = from; i < F.nlog; i++)
		if (strstr(F.log[i % FAKE_LOG], s) != NULL)
			n++;
	return n;
}

unsigned
fake_log_count(const char *s)
{
	return fake_log_count_since(F.nlog > FAKE_LOG ? F.nlog - FAKE_LOG : 0, s);
}

unsigned
fake_log_lines(void)
{
	return F.nlog;
}

const char *
fake_log_last(void)
{
	return F.nlog > 0 ? F.log[(F.nlog - 1) % FAKE_LOG] : "";
}

json_t *
fake_stats(const struct role *r)
{
	int j;

	for (j = 0; j < F.nroles; j++)
		if (F.roles[j].r == r && r->stats != NULL)
			return r->stats(F.roles[j].obj);
	return NULL;
}

json_t *
fake_ctl(const struct role *r, const char *cmd, json_t *args, char *err,
    size_t errlen)
{
	const struct ctl_cmd	*c;
	struct ctl_stream	 st;
	void			*obj = NULL, *cursor = NULL;
	json_t			*res;
	int			 j, rv, chunks = 0;

	if (args == NULL)
		args = json_object();
	for (j = 0; j < F.nroles; j++)
		if (F.roles[j].r == r)
			obj = F.roles[j].obj;
	assert_non_null(obj);
	for (c = r->cmds; c != NULL && c->name != NULL; c++)
		if (strcmp(c->name, cmd) == 0)
			break;
	assert_true(c != NULL && c->name != NULL);
	if (c->stream == NULL) {
		res = c->fn(obj, args, err, errlen);
		json_decref(args);
		return res;
	}
	st.items = json_array();
	do {
		st.room = FAKE_CHUNK;
		rv = c->stream(obj, args, &st, &cursor, err, errlen);
		assert_true(++chunks < 1000000);
	} while (rv == 1);
	if (cursor != NULL && c->cursor_free != NULL)
		c->cursor_free(cursor);
	json_decref(args);
	if (rv == -1) {
		json_decref(st.items);
		return NULL;
	}
	return st.items;
}
