/* what the benches share: clocks, a private network namespace with its
 * loopback up, a bound UDP socket for the core, the loop's stop timer, a
 * repeatable random stream, the one-record ECM Map-Request of the MS/MR
 * benches */
#ifndef LOCID_BENCH_H
#define LOCID_BENCH_H

#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <event2/event.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "msg.h"

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

/* xorshift64 (Marsaglia, 13/7/17): each bench keeps its own state, seeded
 * with a non-zero constant, so that its runs are the same */
static inline uint64_t
bench_rng(uint64_t *state)
{
	uint64_t x = *state;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	return *state = x;
}

/* the ECM Map-Request bench/msmr sends: one record (eid/32), src as the
 * ITR-RLOC and the inner source, eid the inner destination, from sport to
 * the control port, no source EID. its length in buf, 0 if it does not
 * fit */
static inline size_t
bench_ecm_request(uint8_t *buf, size_t cap, uint64_t nonce,
    const struct lisp_addr *src, const struct lisp_addr *eid, uint16_t sport)
{
	struct lisp_map_request	 mr;
	struct lisp_eid_prefix	 ep;
	uint8_t			 inner[256];
	struct wbuf		 w;
	size_t			 ilen;

	memset(&ep, 0, sizeof(ep));
	ep.eid = *eid;
	ep.mlen = 32;
	memset(&mr, 0, sizeof(mr));
	mr.nonce = nonce;
	addr_set_none(&mr.seid);
	mr.nitr = 1;
	mr.itr[0] = *src;
	mr.nrecords = 1;
	wbuf_init(&w, inner, sizeof(inner));
	map_request_encode_hdr(&w, &mr);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &mr);
	if (w.err)
		return 0;
	ilen = w.len;
	wbuf_init(&w, buf, cap);
	ecm_encode(&w, 0, src, eid, sport, LISP_CONTROL_PORT, inner, ilen);
	return w.err ? 0 : w.len;
}

#endif
