/* a fake daemon core for unit tests of roles: it implements the services
 * header (locid.h) with a clock the test advances, a list of sent
 * messages instead of sockets, timers that fire as the clock passes
 * them, counters and a log the test can read. the roles under test are
 * started from their struct role rows and fed messages the way core.c
 * feeds them: decoded once, offered to the hooks of the kind in order of
 * prio. one fake core per process */
#ifndef TESTS_FAKECORE_H
#define TESTS_FAKECORE_H

#include <stddef.h>
#include <stdint.h>

#include "locid.h"

#define FAKE_PKT_MAX	4096
/* the local address a message arrives on (struct pkt dst, port 4342) */
#define FAKE_LOCAL4	"192.0.2.1"
#define FAKE_LOCAL6	"2001:db8::1"

struct fake_sent {
	struct sockaddr_storage	 dst;
	uint8_t			 buf[FAKE_PKT_MAX];
	size_t			 len;
};

/* the configuration from text (asserted to parse), the clock at 1000 s */
struct locid	*fake_start(const char *conf_text);
void		 fake_stop(void);
/* a role started from its row (asserted to start); its object */
void		*fake_role(const struct role *);
/* a new configuration, then every started role's reconf; -1 if one refused */
int		 fake_reload(const char *conf_text);

/* advance the clock by ms, firing each timer at its instant in order */
void		 fake_advance(uint64_t ms);
/* timers armed and not yet fired, and firings since the start */
unsigned	 fake_timers_armed(void);
uint64_t	 fake_timer_firings(void);

/* deliver a control message from src ("192.0.2.1") port sport; 1 if a
 * role took it, 0 if the core would drop it (fake_core_drops counts it) */
int		 fake_rx(const void *buf, size_t len, const char *src, uint16_t sport);

/* what the roles sent since the last fake_sent_clear */
size_t		 fake_nsent(void);
const struct fake_sent *fake_sent_get(size_t);
void		 fake_sent_clear(void);
/* "192.0.2.1:4342" */
const char	*fake_dst_fmt(const struct fake_sent *);

/* whether a control socket of the family is open (core_can_send) */
void		 fake_can_send(int family, int on);
/* a monitor watching: core_event counts events (the last one's kind) */
void		 fake_monitor(int on);
unsigned	 fake_events(const char *kind);
/* an address of "this node" for core_addr_local */
void		 fake_local_addr(const char *);

uint64_t	 fake_core_drops(enum core_drop);
/* a typed counter of a started role by its name, e.g. "map-register: bad hmac" */
uint64_t	 fake_role_drops(const struct role *, const char *name);

/* log lines written that contain s; the last one; lines written so far
 * and those containing s written since line from (the last 1024 kept) */
unsigned	 fake_log_count(const char *s);
unsigned	 fake_log_lines(void);
unsigned	 fake_log_count_since(unsigned from, const char *s);
const char	*fake_log_last(void);

/* run a control command of a started role to its end (streamed ones a few
 * items per chunk); its JSON (an array for streams), NULL with err */
json_t		*fake_ctl(const struct role *, const char *cmd, json_t *args,
		    char *err, size_t errlen);
/* a started role's own show stats block (role->stats) */
json_t		*fake_stats(const struct role *);

#endif
