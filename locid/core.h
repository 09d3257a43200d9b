/* the core's own interface: start-up, shutdown and reload of a struct
 * locid, the role table and what control.c needs of the core. used by
 * main.c, control.c and by tests that run a daemon in-process */
#ifndef LOCID_CORE_H
#define LOCID_CORE_H

#include "locid.h"

#define ROLES_MAX	16

/* the role table (role.c): rows in start order (the Map-Server before the
 * Map-Resolver that resolves through it), NULL-terminated */
extern const struct role *const role_table[];

struct core_stats {
	uint64_t	 rx[16];		/* by LISP type */
	uint64_t	 tx[16];
	uint64_t	 rx_bad;		/* did not decode */
	uint64_t	 drops[CORE_DROP__N];
};

/* what one reload did to one role */
enum role_change {
	RC_NONE,		/* not wanted before or after */
	RC_STARTED,
	RC_RECONFIGURED,
	RC_RESTARTED,		/* reconf refused the new conf; new() took it */
	RC_STOPPED,
	RC_FAILED,		/* could not take the new conf at all */
};

#define CORE_LOCAL_MAX		64
#define CORE_LOCAL_REFRESH_MS	5000

struct core {
	const struct role *const *roles;	/* role_table, or a test's */
	void			*obj[ROLES_MAX];	/* running roles, NULL if not */
	int8_t			 order[RX__N][ROLES_MAX + 1];	/* hooks by prio, -1 ends */
	char			*conf_path;
	int			 sock4, sock6;	/* UDP 4342 */
	/* what each is bound to (getsockname once, not per message: it
	 * was 6% of a Map-Server's time); valid while bound_ok[v6] */
	struct lisp_addr	 bound[2];
	uint16_t		 bound_port[2];
	uint8_t			 bound_ok[2];
	struct event		*ev4, *ev6;
	struct core_stats	 stats;
	struct ratelimit	 logrl;
	struct control		*ctl;
	struct txq		*txq;		/* sends batched per receive batch */
	uint8_t			*rxbuf;		/* receive batch buffers */
	const struct resolver	*resolver;
	void			*resolver_arg;
	const struct natfib	*natfib;
	void			*natfib_arg;
	/* the last reload, for its reply */
	enum role_change	 change[ROLES_MAX];
	char			 change_err[ROLES_MAX][256];
	struct event		*ev_hup, *ev_term, *ev_int;
	struct evhttp		*metrics;	/* metrics-listen (metrics.c) */
	/* this node's addresses (core_addr_local) */
	struct lisp_addr	 local[CORE_LOCAL_MAX];
	int			 nlocal;
	uint64_t		 local_ms;
};

/* event base, UDP sockets, roles and control socket for conf (owned by l
 * afterwards); -1 with a log line on failure. roles NULL: role_table */
int	locid_start(struct locid *, struct conf *, const char *conf_path);
int	locid_start_roles(struct locid *, struct conf *, const char *conf_path,
	    const struct role *const *roles);
/* roles off, sockets closed, conf freed */
void	locid_stop(struct locid *);
/* a core without roles or sockets of its own, around sockets a test made
 * (fd -1: none); locid_stop releases it */
int	core_attach(struct locid *, int sock4, int sock6);

/* reload: parse the configuration file again and hand it to the roles. on
 * a parse error, or when a role or the sockets cannot take the new conf
 * and the old one could be restored, the old configuration keeps running:
 * -1 with the reason in err. *rolled_back tells which. the per-role outcome
 * is in l->core->change[] */
int	locid_reload(struct locid *, char *err, size_t errlen);
/* the outcome of the last reload as JSON: {"map-server":"reconfigured",...} */
json_t	*core_reload_json(const struct locid *);
const char *role_change_name(enum role_change);

/* dispatch of one received control message to the roles */
void	core_dispatch(struct locid *, const struct pkt *);

/* every counter of the core and the running roles, and the rest of
 * "show stats" */
json_t	*core_stats_json(struct locid *);
uint64_t core_drop_count(const struct locid *, const char *reason);

/* control socket (control.c) */
int	control_open(struct locid *, const char *path, const char *ro_path);
void	control_close(struct locid *);
/* metrics-listen: (re)open per the conf in force, or close */
int	metrics_open(struct locid *);
void	metrics_close(struct locid *);
int	control_monitoring(const struct locid *);
void	control_event(struct locid *, const char *kind, json_t *);
/* the sockets moved to new paths (or group), the clients kept */
int	control_relisten(struct locid *, const char *path, const char *ro_path);

#endif
