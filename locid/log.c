/* logging (syslog, or stderr with -d) and rate limiting of drop messages */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <syslog.h>
#include <time.h>

#include "locid.h"

/* the daemon's only process-wide state: where log lines go */
static int	log_to_stderr = 1;
static int	log_verbose;
/* the warnings so far, "; "-separated, until full: a failed start-up
 * reports them to the waiting parent */
static char	log_last[2048];

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

	size_t	n = strlen(log_last);

	if (n + 3 < sizeof(log_last)) {
		if (n > 0)
			memcpy(log_last + n, "; ", 3), n += 2;
		va_start(ap, fmt);
		vsnprintf(log_last + n, sizeof(log_last) - n, fmt, ap);
		va_end(ap);
	}
	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}

void
log_last_warn(char *buf, size_t len)
{
	snprintf(buf, len, "%s", log_last[0] != '\0' ? log_last :
	    "(no reason logged)");
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

void
log_limiter_init(struct ratelimit *rl, const struct conf *c)
{
	rl->window_ms = 10000;
	rl->burst = c != NULL && c->log_rate > 0 ? (uint32_t)c->log_rate : 10;
}

/* 1 when a rate-limited line may be logged now (the caller then logs it
 * with log_warn), 0 when it is suppressed and counted. a caller on a
 * per-packet path asks first, so that nothing is formatted for a line
 * that is not written. a limiter nobody set up gets the defaults */
int
log_limited_ok(struct ratelimit *rl)
{
	uint64_t	 sup;

	if (rl->window_ms == 0)
		log_limiter_init(rl, NULL);
	sup = rl->suppressed;
	if (!ratelimit_allow(rl, now_ms()))
		return 0;
	if (rl->used == 1 && sup > 0) {
		log_warn("%llu similar messages suppressed",
		    (unsigned long long)sup);
		rl->suppressed = 0;
	}
	return 1;
}

void
log_limited(struct ratelimit *rl, const char *fmt, ...)
{
	va_list		 ap;

	if (!log_limited_ok(rl))
		return;
	va_start(ap, fmt);
	log_vlog(LOG_WARNING, fmt, ap);
	va_end(ap);
}
