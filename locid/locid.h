/* the services header: what a role (ms.c, mr.c, xtr.c and friends) sees
 * of the daemon core. a role is a row of struct role (role.h); the core
 * (core.c, control.c, main.c) owns the event loop, the UDP 4342 sockets,
 * the control socket, reload and the role table, and hands each received
 * control message to the roles that declared a hook for its kind. a role
 * never calls another role: the Map-Resolver reaches the Map-Server through
 * the resolver backend below. */
#ifndef LOCID_LOCID_H
#define LOCID_LOCID_H

/* from the VERSION file through the Makefile */
#ifndef LOCID_VERSION
#define LOCID_VERSION	"unknown"
#endif

#include <stdarg.h>
#include <stdio.h>
#include <stdint.h>
#include <sys/socket.h>

#include <event2/event.h>
#include <jansson.h>

#include "conf.h"
#include "msg.h"
#include "sockaddr.h"

struct core;
struct trie;

/* the daemon as a role sees it: its event loop and the configuration in
 * force (read-only; replaced by reload before the roles' reconf hooks) */
struct locid {
	struct event_base	*base;
	struct conf		*conf;
	int			 debug;		/* -d: foreground, log to stderr */
	int			 stopping;	/* locid_stop: the daemon ends */
	struct core		*core;		/* core.c's private state */
};

/* one received control message */
struct pkt {
	const uint8_t		*buf;
	size_t			 len;
	struct sockaddr_storage	 src;		/* sender address and port */
	struct sockaddr_storage	 dst;		/* local address it arrived on */
	int			 ifindex;
};

/* time */
uint64_t	now_ms(void);		/* CLOCK_MONOTONIC */
uint64_t	now_us(void);		/* CLOCK_MONOTONIC, microseconds */
uint64_t	wall_s(void);		/* CLOCK_REALTIME seconds (for "last register") */

/* timers: one-shot, armed at an instant of now_ms() (one in the past
 * fires at the next turn of the loop); arming again moves it. a role keeps
 * its deadlines per object (a heap, a queue) and one timer armed to the
 * earliest, so an idle role costs nothing however many objects it holds */
struct locid_timer;
struct locid_timer *locid_timer_new(struct locid *, void (*fn)(void *), void *arg);
void	locid_timer_at(struct locid_timer *, uint64_t at_ms);
void	locid_timer_stop(struct locid_timer *);
void	locid_timer_free(struct locid_timer *);

/* a fixed window of window_ms holding at most burst events; a zero window
 * (a limiter nobody set up) lets everything through */
struct ratelimit {
	uint64_t	 window_ms;
	uint32_t	 burst;
	uint64_t	 start_ms;
	uint32_t	 used;
	uint64_t	 suppressed;
};
int	ratelimit_allow(struct ratelimit *, uint64_t now);

/* logging: syslog, or stderr with -d */
void	log_init(int debug, const char *ident);
void	log_info(const char *, ...) __attribute__((format(printf, 1, 2)));
void	log_warn(const char *, ...) __attribute__((format(printf, 1, 2)));
/* the warnings logged so far ("; "-separated), for a start-up failure's
 * report */
void	log_last_warn(char *, size_t);
void	log_debug(const char *, ...) __attribute__((format(printf, 1, 2)));
/* each role has its own limiter for drop and refusal lines, so that a
 * flood of one kind cannot hide another role's messages. set up with the
 * configured log-rate (lines per 10 s) */
void	log_limiter_init(struct ratelimit *, const struct conf *);
/* rate-limited warning */
void	log_limited(struct ratelimit *, const char *, ...) __attribute__((format(printf, 2, 3)));
/* the limiter asked first, on paths where formatting the arguments costs:
 * if (log_limited_ok(rl)) log_warn(...) */
int	log_limited_ok(struct ratelimit *);

/* typed counters: a module lists its drop reasons once, as
 *	#define FOO_DROPS(X) X(FOO_DROP_BAR, "foo: bar") ...
 *	enum foo_drop { FOO_DROPS(DROP_ENUM) FOO_DROP__N };
 *	static const char *const foo_drop_names[] = { FOO_DROPS(DROP_NAME) };
 * and counts with an array indexed by the enum; the role row hands both
 * to the core, which renders them (show stats, text/JSON/OpenMetrics) */
#define DROP_ENUM(id, name)	id,
#define DROP_NAME(id, name)	[id] = name,
struct counters {
	const char		*module;	/* "core", "map-server", ... */
	const char *const	*names;
	const uint64_t		*v;
	unsigned		 n;
};

/* the core's own drops (dispatch, sending, and the helpers MS and MR
 * share in msmr.h) */
#define CORE_DROPS(X) \
	X(CORE_DROP_TX_SENDTO_FAILED, "tx: sendto failed") \
	X(CORE_DROP_TX_NO_SOCKET, "tx: no socket for address family") \
	X(CORE_DROP_RX_TOO_LONG, "rx: message too long") \
	X(CORE_DROP_PROBE_AT_MAPPING_SYSTEM, "rloc-probe at map-resolver/map-server") \
	X(CORE_DROP_SMR_WITHOUT_ITR, "smr without itr role") \
	X(CORE_DROP_REQUEST_NO_ROLE, "map-request without a role to answer") \
	X(CORE_DROP_SHORT_MESSAGE, "short message") \
	X(CORE_DROP_NOT_A_MAP_SERVER, "not a map-server") \
	X(CORE_DROP_MALFORMED_REGISTER, "malformed map-register") \
	X(CORE_DROP_NOTIFY_WITHOUT_XTR, "map-notify without xtr role") \
	X(CORE_DROP_MALFORMED_NOTIFY, "malformed map-notify") \
	X(CORE_DROP_MALFORMED_REQUEST, "malformed map-request") \
	X(CORE_DROP_REPLY_WITHOUT_XTR, "map-reply without xtr role") \
	X(CORE_DROP_MALFORMED_REPLY, "malformed map-reply") \
	X(CORE_DROP_MALFORMED_ECM, "malformed ecm") \
	X(CORE_DROP_ECM_WITHOUT_REQUEST, "ecm without a map-request inside") \
	X(CORE_DROP_MALFORMED_ECM_REQUEST, "malformed map-request in ecm") \
	X(CORE_DROP_UNSUPPORTED_TYPE, "unsupported message type") \
	X(CORE_DROP_REQUEST_NO_USABLE_ITR_RLOC, "map-request: no usable itr-rloc") \
	X(CORE_DROP_REPLY_ENCODE_FAILED, "map-reply: encode failed") \
	X(CORE_DROP_ECM_ENCODE_FAILED, "ecm: encode failed") \
	X(CORE_DROP_LISP_SEC_REQUEST_REFUSED, "lisp-sec: protected map-request refused") \
	X(CORE_DROP_MALFORMED_INFO, "malformed info message") \
	X(CORE_DROP_INFO_NO_ROLE, "info-request without map-server or rtr role") \
	X(CORE_DROP_INFO_REPLY_UNEXPECTED, "info-reply without xtr role") \
	X(CORE_DROP_MALFORMED_ECM_REGISTER, "malformed map-register in ecm") \
	X(CORE_DROP_ECM_REGISTER_NO_ROLE, "ecm'd map-register without rtr or map-server role") \
	X(CORE_DROP_ECM_INNER_DESTINATION_OURSELVES, "ecm: inner destination is this node") \
	X(CORE_DROP_FORWARD_TO_OURSELVES, "forward: to this node's own address") \
	X(CORE_DROP_MALFORMED_REFERRAL, "malformed map-referral") \
	X(CORE_DROP_REFERRAL_NO_ROLE, "map-referral without a ddt map-resolver") \
	X(CORE_DROP_DDT_REQUEST_NO_ROLE, "ddt map-request without a ddt node or map-server")
enum core_drop { CORE_DROPS(DROP_ENUM) CORE_DROP__N };
void	core_drop(struct locid *, enum core_drop);
/* the core's limiter for lines about messages no role took */
struct ratelimit *core_logrl(struct locid *);

/* the object of the running role whose row has name, NULL if none: for
 * rows that work on another row's state (the xTR's function rows) */
void	*core_role(const struct locid *, const char *name);

/* send a control message from UDP port 4342 to dst (address + port); while
 * a batch of received messages is dispatched it is queued and the queue
 * goes out with sendmmsg after the batch (0 then means queued) */
int	locid_send(struct locid *, const struct sockaddr *dst, const void *buf, size_t len);
/* the same from local address src (NULL: the kernel's choice), sent at once */
int	locid_send_from(struct locid *, const struct lisp_addr *src,
	    const struct sockaddr *dst, const void *buf, size_t len);
/* 1 if a control message to a can be sent (a socket of its family is open) */
int	core_can_send(const struct locid *, const struct lisp_addr *a);
/* locictl monitor: 1 while a client watches (build events only then);
 * core_event hands one event to the watchers: kind ("rx", "tx",
 * "map-cache", "register", "rloc", "smr", ...) and its fields (the
 * reference is stolen; "kind" and "time" are added) */
int	core_monitoring(const struct locid *);
void	core_event(struct locid *, const char *kind, json_t *);
/* 1 if control messages to a reach this daemon: the address its socket
 * is bound to, or with a wildcard socket any address of the node (its
 * interfaces, read again at most every few seconds) */
int	core_addr_local(struct locid *, const struct lisp_addr *a);
/* 1 if a is an address of one of the node's interfaces */
int	core_addr_node(struct locid *, const struct lisp_addr *a);
/* local port of the IPv4 (4) or IPv6 (6) control socket, 0 if none */
uint16_t core_port(const struct locid *, int family);
char	*sa_fmt(const struct sockaddr *, char *buf, size_t len);	/* "203.0.113.1:4342" */

/* a received control message, decoded once by the core. for a Map-Request
 * in an ECM, ecm is set and mreq is the inner request; likewise reg for a
 * Map-Register or Map-Notify in an ECM (NAT traversal) */
struct msg_in {
	const struct pkt		*pkt;
	const struct lisp_ecm		*ecm;
	const struct lisp_map_request	*mreq;
	const struct lisp_map_reply	*rep;
	const struct lisp_map_register	*reg;	/* Map-Register, Notify, Notify-Ack */
	const struct lisp_map_referral	*ref;	/* Map-Referral */
	const struct lisp_info		*info;	/* Info-Request / Info-Reply */
};

/* the kinds of message a role can take; the core decodes, classifies and
 * offers the message to the hooks for its kind in order of prio (lowest
 * first) until one returns 1 */
enum rx_kind {
	RX_REGISTER,		/* Map-Register */
	RX_NOTIFY,		/* Map-Notify */
	RX_NOTIFY_ACK,		/* Map-Notify-Ack */
	RX_REPLY,		/* Map-Reply */
	RX_REQUEST,		/* plain Map-Request */
	RX_PROBE,		/* plain Map-Request with P (RLOC-probe) */
	RX_SMR,			/* plain Map-Request with S */
	RX_ECM_REQUEST,		/* Map-Request in an ECM from an ITR */
	RX_ECM_FORWARDED,	/* the same with E: forwarded by a Map-Server */
	RX_DDT_REQUEST,		/* Map-Request in an ECM with D (RFC 8111) */
	RX_REFERRAL,		/* Map-Referral */
	RX_INFO_REQUEST,	/* Info-Request (NAT traversal draft) */
	RX_INFO_REPLY,		/* Info-Reply */
	RX_ECM_REGISTER,	/* Map-Register in an ECM (from or via an RTR) */
	RX_ECM_NOTIFY,		/* Map-Notify in an ECM (Map-Server to RTR) */
	RX__N
};

struct role_rx {
	int	(*fn)(void *role, const struct msg_in *);	/* 1: taken */
	int	 prio;
};

/* the resolver backend: how a Map-Resolver finds out whether an EID is
 * registered and gets the request answered or forwarded. the Map-Server
 * role provides one; DDT will provide another */
struct resolver {
	/* 1 if it answered or forwarded the request for prefix, 0 if the EID
	 * is in no configured site (the MR then answers negatively).
	 * *forwarded is shared by the records of one message, a set of
	 * RESOLVED_* bits: once one ECM went out for it (it carries every
	 * record) no other does, and the backend's own answers are one of a
	 * kind per message (no reply storm for a request of many records) */
	int		(*resolve)(void *, const struct pkt *, const struct lisp_ecm *,
			    const struct lisp_map_request *, const struct lisp_eid_prefix *,
			    int *forwarded);
	/* the configured EID space (for the coarsest negative prefix) */
	struct trie	*(*eid_space)(void *, uint32_t iid, int afi_bits);
};
#define RESOLVED_FORWARDED	0x1	/* the ECM went to an ETR or a Map-Server */
#define RESOLVED_NEGATIVE	0x2	/* a negative answer went back */
#define RESOLVED_PROXY		0x4	/* a proxy reply went back */
void	core_resolver_set(struct locid *, const struct resolver *, void *);
const struct resolver *core_resolver(struct locid *, void **arg);

/* the RTR's data plane: where the RTR role (rtr.c) puts the EID-prefixes
 * of the xTRs behind NAT it verified, with the NAT's binding they are
 * reached through. the xTR role provides it when role rtr runs beside
 * its PITR and PETR */
struct natfib {
	int	(*publish)(void *, const struct lisp_addr *eid, int mlen,
		    const struct lisp_addr *global, uint16_t port);
	void	(*withdraw)(void *, const struct lisp_addr *eid, int mlen);
};
void	core_natfib_set(struct locid *, const struct natfib *, void *);
const struct natfib *core_natfib(struct locid *, void **arg);

/* control commands. fn answers with one JSON value (a new reference), or
 * NULL with err filled. a streamed command (stream set) fills a reply a
 * chunk at a time: stream is called again while it returns 1 and the
 * client keeps reading; it appends items with ctl_stream_item and keeps
 * its place in *cursor (freed with cursor_free when the stream ends or the
 * client goes away) */
struct ctl_stream;
#define CTL_PRIV	0x1	/* not on the read-only socket */
struct ctl_cmd {
	const char	*name;
	int		 flags;
	json_t		*(*fn)(void *role, json_t *args, char *err, size_t errlen);
	int		 (*stream)(void *role, json_t *args, struct ctl_stream *,
			    void **cursor, char *err, size_t errlen);
	void		 (*cursor_free)(void *);
};
/* append one item (reference stolen); 1 while the chunk has room */
int	ctl_stream_item(struct ctl_stream *, json_t *);

/* a role: one row of the table in role.c, the core knows no role by name.
 * new is called with the conf already in l->conf, reconf after a reload
 * installed the new one (return -1 with err when the role cannot take it:
 * the core then restarts it, or rolls the reload back), free releases
 * everything including kernel state. a row without state of its own (a
 * function of the xTR's shared state: itr, etr, pitr, petr) leaves reconf
 * NULL, and a reload calls new again; free may be NULL */
struct role {
	const char		*name;		/* "map-server", as shown to operators */
	int			 (*wanted)(const struct conf *);
	void			*(*new)(struct locid *);
	int			 (*reconf)(void *, char *err, size_t errlen);
	void			 (*free)(void *);
	struct role_rx		 rx[RX__N];
	const struct ctl_cmd	*cmds;		/* ends with a NULL name */
	void			 (*counters)(void *, struct counters *);
	json_t			*(*stats)(void *);	/* merged into "show stats" */
	void			 (*clear_stats)(void *);	/* "clear stats": to zero */
	struct ratelimit	*(*logrl)(void *);
};

/* a reload's hand-over to a running row (see struct role) */
static inline int
role_reconf(const struct role *r, struct locid *l, void **obj, char *err, size_t errlen)
{
	if (r->reconf != NULL)
		return r->reconf(*obj, err, errlen);
	if ((*obj = r->new(l)) != NULL)
		return 0;
	snprintf(err, errlen, "could not start");
	return -1;
}

static inline void
role_free(const struct role *r, void *obj)
{
	if (r->free != NULL)
		r->free(obj);
}

#endif
