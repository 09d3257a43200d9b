/* logging (syslog, or stderr with -d), rate limiting of drop messages,
 * drop counters and their JSON form */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "locid.h"

/* the daemon's only process-wide state: where log lines go */
static int	log_to_stderr = 1;
static int	log_verbose;

void
log_init(int debug, const char *ident)
{
	log_to_stderr = debug;
	log_verbose = debug;
	if (!debug)
		openlog(ident, LOG_PID | LOG_NDELAY, LOG_DAEMON);
}

static void
log_vlog(int pri, const char *fmt, va_list ap)
{
	char		 ts[32];
	struct timespec	 t;
	struct tm	 tm;

	if (pri == LOG_DEBUG && !log_verbose)
		return;
	if (!log_to_stderr) {
		vsyslog(pri, fmt, ap);
		return;
	}
	clock_gettime(CLOCK_REALTIME, &t);
	localtime_r(&t.tv_sec, &tm);
	strftime(ts, sizeof(ts), "%H:%M:%S", &tm);
	fprintf(stderr, "%s.%03ld ", ts, t.tv_nsec / 1000000);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
}

void
log_info(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_INFO, fmt, ap);
	va_end(ap);
}

void
log_warn(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_debug(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	log_vlog(LOG_DEBUG, fmt, ap);
	va_end(ap);
}

/* a fixed window of window_ms holding at most burst events */
int
ratelimit_allow(struct ratelimit *rl, uint64_t now)
{
	if (rl->window_ms == 0)
		return 1;
	if (now - rl->start_ms >= rl->window_ms || now < rl->start_ms) {
		rl->start_ms = now;
		rl->used = 0;
	}
	if (rl->used < rl->burst) {
		rl->used++;
		return 1;
	}
	rl->suppressed++;
	return 0;
}

/* 1 when a rate-limited line may be logged now (the caller then logs it
 * with log_warn), 0 when it is suppressed and counted. a caller on a
 * per-packet path asks first, so that nothing is formatted for a line
 * that is not written */
int
log_limited_ok(struct locid *l)
{
	uint64_t	 sup;

	if (l->logrl.window_ms == 0) {
		l->logrl.window_ms = 10000;
		l->logrl.burst = l->conf != NULL && l->conf->log_rate > 0 ?
		    (uint32_t)l->conf->log_rate : 10;
	}
	sup = l->logrl.suppressed;
	if (!ratelimit_allow(&l->logrl, now_ms()))
		return 0;
	if (l->logrl.used == 1 && sup > 0) {
		log_warn("%llu similar messages suppressed",
		    (unsigned long long)sup);
		l->logrl.suppressed = 0;
	}
	return 1;
}

void
log_limited(struct locid *l, const char *fmt, ...)
{
	va_list		 ap;

	if (!log_limited_ok(l))
		return;
	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
stats_drop(struct locid *l, const char *reason)
{
	struct stats	*s = &l->stats;
	int		 i;

	for (i = 0; i < STATS_DROP_REASONS; i++) {
		if (s->drop[i].reason == NULL) {
			s->drop[i].reason = reason;
			s->drop[i].count = 1;
			return;
		}
		if (s->drop[i].reason == reason ||
		    strcmp(s->drop[i].reason, reason) == 0) {
			s->drop[i].count++;
			return;
		}
	}
	/* table full: count under the last slot */
	s->drop[STATS_DROP_REASONS - 1].count++;
}

static const char *
type_key(unsigned t)
{
	static const char *const names[16] = {
		"reserved-0", "map-request", "map-reply", "map-register",
		"map-notify", "map-notify-ack", "map-referral", "info",
		"ecm", "type-9", "type-10", "type-11", "type-12", "type-13",
		"type-14", "shared-extension",
	};

	return names[t & 15];
}

json_t *
stats_json(const struct stats *s)
{
	json_t	*o, *rx, *tx, *d;
	int	 i;

	o = json_object();
	rx = json_object();
	tx = json_object();
	d = json_object();
	for (i = 0; i < 16; i++) {
		if (s->rx[i] != 0)
			json_object_set_new(rx, type_key(i), json_integer((json_int_t)s->rx[i]));
		if (s->tx[i] != 0)
			json_object_set_new(tx, type_key(i), json_integer((json_int_t)s->tx[i]));
	}
	for (i = 0; i < STATS_DROP_REASONS && s->drop[i].reason != NULL; i++)
		json_object_set_new(d, s->drop[i].reason,
		    json_integer((json_int_t)s->drop[i].count));
	json_object_set_new(o, "rx", rx);
	json_object_set_new(o, "tx", tx);
	json_object_set_new(o, "rx_bad", json_integer((json_int_t)s->rx_bad));
	json_object_set_new(o, "drops", d);
	return o;
}
