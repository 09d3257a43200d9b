/* struct lisp_addr <-> struct sockaddr_in / sockaddr_in6 */
#include <sys/types.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <string.h>

#include "sockaddr.h"

socklen_t
sockaddr_from_addr(struct sockaddr_storage *ss, const struct lisp_addr *a,
    uint16_t port)
{
	struct sockaddr_in	*s4 = (struct sockaddr_in *)ss;
	struct sockaddr_in6	*s6 = (struct sockaddr_in6 *)ss;

	memset(ss, 0, sizeof(*ss));
	if (a->afi == AFI_IPV4) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(port);
		memcpy(&s4->sin_addr, a->u.v4, 4);
		return sizeof(*s4);
	}
	if (a->afi == AFI_IPV6) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(port);
		memcpy(&s6->sin6_addr, a->u.v6, 16);
		return sizeof(*s6);
	}
	return 0;
}

int
sockaddr_to_addr(struct lisp_addr *a, const struct sockaddr *sa,
    uint16_t *port)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET) {
		addr_set_v4(a, &s4->sin_addr);
		if (port != NULL)
			*port = ntohs(s4->sin_port);
		return 0;
	}
	if (sa->sa_family == AF_INET6) {
		addr_set_v6(a, &s6->sin6_addr);
		if (port != NULL)
			*port = ntohs(s6->sin6_port);
		return 0;
	}
	addr_set_none(a);
	return -1;
}

void
addr_set_any(struct lisp_addr *a, int afi)
{
	static const uint8_t z[16];

	if (afi == AFI_IPV4)
		addr_set_v4(a, z);
	else
		addr_set_v6(a, z);
}

int
addr_from_sockaddr(struct lisp_addr *a, const struct sockaddr *sa,
    uint16_t *port)
{
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;

	if (sa->sa_family == AF_INET6 && IN6_IS_ADDR_V4MAPPED(&s6->sin6_addr)) {
		addr_set_v4(a, &s6->sin6_addr.s6_addr[12]);
		if (port != NULL)
			*port = ntohs(s6->sin6_port);
		return 0;
	}
	return sockaddr_to_addr(a, sa, port);
}
