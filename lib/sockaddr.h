/* conversions between struct lisp_addr (IPv4/IPv6) and socket addresses */
#ifndef LOCID_SOCKADDR_H
#define LOCID_SOCKADDR_H

#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"

/* fill ss from an IPv4 or IPv6 a and port; returns the length to pass to
 * the socket call, 0 (ss zeroed) for any other family */
socklen_t	 sockaddr_from_addr(struct sockaddr_storage *, const struct lisp_addr *, uint16_t port);
/* the address and port of an AF_INET/AF_INET6 sa as they are; -1 (a set
 * to AFI_NONE) for another family. port may be NULL */
int		 sockaddr_to_addr(struct lisp_addr *, const struct sockaddr *, uint16_t *port);
/* the same, but a v4-mapped IPv6 address becomes the IPv4 address */
int		 addr_from_sockaddr(struct lisp_addr *, const struct sockaddr *, uint16_t *port);
/* the unspecified address: 0.0.0.0 for AFI_IPV4, :: for any other afi */
void		 addr_set_any(struct lisp_addr *, int afi);

#endif
