/* the daemon's shared state and the services every role uses. roles:
 * ms.c (Map-Server), mr.c (Map-Resolver), xtr.c and friends (ETR, ITR,
 * PITR, PETR). the core (main.c, core.c, control.c) owns the event loop,
 * the UDP 4342 sockets, the control socket, reload, logging and stats, and
 * dispatches received control messages to the roles (core_dispatch). */
#ifndef LOCID_LOCID_H
#define LOCID_LOCID_H

#include <stdarg.h>
#include <stdint.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <jansson.h>

#include "conf.h"
#include "msg.h"
#include "sockaddr.h"

struct ms;
struct mr;
struct xtr;

/* one received control message */
struct pkt {
	const uint8_t		*buf;
	size_t			 len;
	struct sockaddr_storage	 src;		/* sender address and port */
	struct sockaddr_storage	 dst;		/* local address it arrived on */
	int			 ifindex;
};

#define STATS_DROP_REASONS	64
struct stats {
	uint64_t	 rx[16];		/* by LISP type */
	uint64_t	 tx[16];
	uint64_t	 rx_bad;		/* did not decode */
	struct {
		const char	*reason;	/* static string */
		uint64_t	 count;
	} drop[STATS_DROP_REASONS];
};

/* token bucket for log lines and per-source limits */
struct ratelimit {
	uint64_t	 window_ms;
	uint32_t	 burst;
	uint64_t	 start_ms;
	uint32_t	 used;
	uint64_t	 suppressed;
};

struct locid {
	struct event_base	*base;
	struct conf		*conf;
	char			*conf_path;
	int			 debug;		/* -d: foreground, log to stderr */
	int			 sock4, sock6;	/* UDP 4342 */
	struct event		*ev4, *ev6;
	struct ms		*ms;		/* NULL unless role map-server */
	struct mr		*mr;		/* NULL unless role map-resolver */
	struct xtr		*xtr;		/* NULL unless itr/etr/pitr/petr */
	struct stats		 stats;
	struct ratelimit	 logrl;
	struct control		*ctl;
	struct txq		*txq;		/* core.c: sends batched per receive batch */
};

/* time */
uint64_t	now_ms(void);		/* CLOCK_MONOTONIC */
uint64_t	now_us(void);		/* CLOCK_MONOTONIC, microseconds */
uint64_t	wall_s(void);		/* CLOCK_REALTIME seconds (for "last register") */

/* logging: syslog, or stderr with -d */
void	log_init(int debug, const char *ident);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* rate-limited warning for drops and refusals */
void	log_limited(struct locid *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* the same limiter asked first, on paths where formatting the arguments
 * costs: if (log_limited_ok(l)) log_warn(...) */
int	log_limited_ok(struct locid *);
int	ratelimit_allow(struct ratelimit *, uint64_t now);

/* stats */
void	stats_drop(struct locid *, const char *reason);	/* reason: static string */
json_t	*stats_json(const struct stats *);

/* send a control message from UDP port 4342 to dst (address + port); while
 * a batch of received messages is dispatched it is queued and the queue
 * goes out with sendmmsg after the batch (0 then means queued) */
int	locid_send(struct locid *, const struct sockaddr *dst, const void *buf, size_t len);
char	*sa_fmt(const struct sockaddr *, char *buf, size_t len);	/* "203.0.113.1:4342" */

/* role lifecycles; *_new returns NULL on failure with a log line. reconf
 * gets the new conf already installed in l->conf and must keep state that
 * still applies (registrations of sites that still exist, the map-cache). */
struct ms	*ms_new(struct locid *);
void		 ms_reconf(struct ms *);
void		 ms_free(struct ms *);
struct mr	*mr_new(struct locid *);
void		 mr_reconf(struct mr *);
void		 mr_free(struct mr *);
struct xtr	*xtr_new(struct locid *);
void		 xtr_reconf(struct xtr *);
void		 xtr_free(struct xtr *);	/* removes TUN, routes and rules */

/* dispatch (core.c) of one message received on 4342:
 *  Map-Register, Map-Notify-Ack      -> ms_*_in
 *  ECM with inner Map-Request        -> E bit and ETR role: xtr_request_in;
 *                                       MR or MS role: mr_request_in;
 *                                       else ETR role: xtr_request_in
 *  plain Map-Request: P (RLOC-probe) -> xtr_request_in (dropped+counted at MR/MS-only)
 *                     S (SMR)        -> xtr_smr_in
 *                     otherwise      -> xtr_request_in if ETR, else mr_request_in
 *  Map-Reply                         -> xtr_reply_in
 *  Map-Notify                        -> xtr_notify_in */
void	core_dispatch(struct locid *, const struct pkt *);

void	ms_register_in(struct ms *, const struct pkt *, const struct lisp_map_register *);
void	ms_notify_ack_in(struct ms *, const struct pkt *, const struct lisp_map_register *);
/* ecm is NULL for a plain Map-Request */
void	mr_request_in(struct mr *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_map_request *);
/* the Map-Server side of resolution, called by mr.c when the MR is also
 * the MS: returns 1 if it answered or forwarded, 0 if the EID is in no
 * configured site (then the MR answers negatively) */
int	ms_resolve(struct ms *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_map_request *, const struct lisp_eid_prefix *);
/* the configured EID-prefixes of the MS (for the negative-prefix computation) */
struct trie *ms_site_trie(struct ms *, uint32_t iid, int afi_bits);

void	xtr_request_in(struct xtr *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_map_request *);
void	xtr_smr_in(struct xtr *, const struct pkt *, const struct lisp_map_request *);
void	xtr_reply_in(struct xtr *, const struct pkt *, const struct lisp_map_reply *);
void	xtr_notify_in(struct xtr *, const struct pkt *, const struct lisp_map_register *);

/* control socket (control.c): a request is one JSON object
 * {"cmd": "show site", "args": {...}} per line; the reply is one JSON
 * object per line: {"ok": true, "result": ...} or {"ok": false, "error": "..."}.
 * handlers return a new reference or NULL with err filled. */
json_t	*ms_show_site(struct ms *, json_t *args, char *err, size_t errlen);
json_t	*xtr_show_map_cache(struct xtr *, json_t *args, char *err, size_t errlen);
json_t	*xtr_show_database(struct xtr *, json_t *args, char *err, size_t errlen);
json_t	*xtr_clear_map_cache(struct xtr *, json_t *args, char *err, size_t errlen);
json_t	*xtr_stats(struct xtr *);		/* encap/decap counters, merged into "show stats" */
int	control_open(struct locid *, const char *path);
void	control_close(struct locid *);

/* reload: parse l->conf_path again; on error keep the old conf and return
 * -1 with "file:line: reason" in err */
int	locid_reload(struct locid *, char *err, size_t errlen);

#endif
