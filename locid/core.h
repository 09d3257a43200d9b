/* core services beyond locid.h: start-up and shutdown of a struct locid,
 * used by main.c and by tests that run a daemon in-process */
#ifndef LOCID_CORE_H
#define LOCID_CORE_H

#include "locid.h"

/* event base, UDP sockets and roles for conf (owned by l afterwards);
 * -1 with a log line on failure */
int		 locid_start(struct locid *, struct conf *, const char *conf_path);
/* roles off, sockets closed, conf freed */
void		 locid_stop(struct locid *);
/* open / close the UDP control-port sockets per l->conf */
int		 core_open(struct locid *);
void		 core_close(struct locid *);
/* create, reconfigure or free the role modules per l->conf */
int		 core_roles(struct locid *);
/* local port of the IPv4 (4) or IPv6 (6) socket, 0 if none */
uint16_t	 core_port(const struct locid *, int family);
/* the address family a destination can be reached with (sock4/sock6 open) */
int		 core_can_send(const struct locid *, const struct lisp_addr *);

#endif
