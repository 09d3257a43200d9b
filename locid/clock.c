/* the services every part of the daemon uses and that need nothing of
 * the core: clocks and socket address text (locid.h). apart from core.c
 * so that the data plane and its fuzz target link without the core */
#include <sys/socket.h>

#include <netinet/in.h>
#include <arpa/inet.h>

#include <stdio.h>
#include <time.h>

#include "locid.h"

uint64_t
now_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000 + (uint64_t)t.tv_nsec / 1000000;
}

uint64_t
now_us(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (uint64_t)t.tv_sec * 1000000 + (uint64_t)t.tv_nsec / 1000;
}

uint64_t
wall_s(void)
{
	return (uint64_t)time(NULL);
}

char *
sa_fmt(const struct sockaddr *sa, char *buf, size_t len)
{
	const struct sockaddr_in	*s4 = (const struct sockaddr_in *)sa;
	const struct sockaddr_in6	*s6 = (const struct sockaddr_in6 *)sa;
	char				 a[INET6_ADDRSTRLEN];

	if (sa->sa_family == AF_INET) {
		inet_ntop(AF_INET, &s4->sin_addr, a, sizeof(a));
		snprintf(buf, len, "%s:%u", a, ntohs(s4->sin_port));
	} else if (sa->sa_family == AF_INET6) {
		inet_ntop(AF_INET6, &s6->sin6_addr, a, sizeof(a));
		snprintf(buf, len, "[%s]:%u", a, ntohs(s6->sin6_port));
	} else
		snprintf(buf, len, "(af %d)", sa->sa_family);
	return buf;
}
