/* what the benches share: clocks, a private network namespace with its
 * loopback up, a bound UDP socket for the core, the loop's stop timer */
#ifndef LOCID_BENCH_H
#define LOCID_BENCH_H

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

static inline double
now_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* CPU time of the process (user + system), seconds */
static inline double
cpu_s(void)
{
	struct timespec t;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
	return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* a network namespace of our own with lo up: nothing outside sees us */
static inline int
netns_private(void)
{
	struct ifreq ifr;
	int fd;

	if (unshare(CLONE_NEWNET) == -1)
		return -1;
	if ((fd = socket(AF_INET, SOCK_DGRAM, 0)) == -1)
		return -1;
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1 ||
	    (ifr.ifr_flags |= IFF_UP, ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)) {
		close(fd);
		return -1;
	}
	close(fd);
	return 0;
}

/* a non-blocking UDP socket on 127.0.0.1, any port */
static inline int
udp_any(void)
{
	struct sockaddr_in s;
	int fd;

	memset(&s, 0, sizeof(s));
	s.sin_family = AF_INET;
	s.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0)) == -1 ||
	    bind(fd, (struct sockaddr *)&s, sizeof(s)) == -1)
		return -1;
	return fd;
}

/* an event callback that ends the loop (arg: the event base) */
static inline void
stop_cb(evutil_socket_t fd, short ev, void *arg)
{
	(void)fd;
	(void)ev;
	event_base_loopbreak(arg);
}

#endif
