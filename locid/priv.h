/* dropping root after start-up: once the sockets, the TUN device and the
 * netlink socket are open, run as the configured user with only the
 * capabilities the roles still need. */
#ifndef LOCID_PRIV_H
#define LOCID_PRIV_H

#include <stddef.h>

struct conf;

/* 1 when the configuration runs a data-plane role (itr, etr, pitr, petr):
 * those keep CAP_NET_ADMIN for routes, rules and the TUN device */
int	priv_needs_net_admin(const struct conf *);
/* with c->user set: switch to that user and its login group (no
 * supplementary groups), keep CAP_NET_ADMIN only for a data-plane role and
 * no capability at all otherwise, empty the bounding set, set
 * no_new_privs, and check the result. without c->user: nothing, 0.
 * on failure -1 and the reason in err; the caller must not go on. */
int	priv_drop(const struct conf *, char *err, size_t errlen);

#endif
