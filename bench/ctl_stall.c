/* loop stall while a control client streams `show map-cache`: an ITR +
 * Map-Resolver with N cached mappings (default 1M) answers Map-Requests
 * sent every millisecond by a prober thread, first with no control
 * client (the in-run baseline), then while a client reads the whole
 * map-cache as a protocol v1 stream. prints the Map-Request latency in
 * both phases, their ratio, the longest gap between two runs of a 1 ms
 * loop timer, and the stream's rate. needs root (a private netns). */
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "msg_build.h"
#include "xtr.h"

static struct locid	 L;
static const char	*sock = "/tmp/locid-bench-stall.sock";
static volatile int	 phase;		/* 0 baseline, 1 streaming, 2 done */
static volatile int	 prober_done, streamer_done;
static uint64_t		 max_gap_us, last_tick_us;
static long		 stream_items;
static double		 stream_s;

#define MAXS	20000
struct lat { uint64_t v[MAXS]; int n; };
static struct lat	 lat[2];

static int
cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static uint64_t
pct(struct lat *l, double p)
{
	if (l->n == 0)
		return 0;
	qsort(l->v, (size_t)l->n, sizeof(l->v[0]), cmp_u64);
	return l->v[(int)(p * (l->n - 1))];
}

/* one Map-Request per millisecond to the MR, its reply awaited */
static void *
prober(void *arg)
{
	struct sockaddr_in	 mr = { .sin_family = AF_INET, .sin_port = htons(4342) };
	struct mreq_build	 q;
	struct lisp_addr	 itr;
	uint8_t			 buf[512], rb[2048];
	struct pollfd		 pfd;
	uint64_t		 t0;
	size_t			 len;
	int			 fd, p, i = 0;

	inet_pton(AF_INET, "127.0.0.1", &mr.sin_addr);
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	memset(&q, 0, sizeof(q));
	addr_parse(&itr, "127.0.0.1");
	addr_set_none(&q.seid);
	q.itr = &itr;
	q.nitr = 1;
	addr_parse(&q.eid, "198.51.100.7");
	q.mlen = 32;
	while ((p = phase) < 2) {
		q.nonce = (uint64_t)++i;
		len = map_request_build(buf, sizeof(buf), &q);
		t0 = now_us();
		sendto(fd, buf, len, 0, (struct sockaddr *)&mr, sizeof(mr));
		pfd.fd = fd;
		pfd.events = POLLIN;
		if (poll(&pfd, 1, 200) == 1 && recv(fd, rb, sizeof(rb), 0) > 0 &&
		    lat[p].n < MAXS)
			lat[p].v[lat[p].n++] = now_us() - t0;
		usleep(1000);
	}
	close(fd);
	prober_done = 1;
	return NULL;
}

/* the whole map-cache over the control socket, counted line by line */
static void *
streamer(void *arg)
{
	struct sockaddr_un	 sun = { .sun_family = AF_UNIX };
	static char		 buf[1 << 16];
	const char		*req = "{\"v\":1,\"cmd\":\"show map-cache\"}\n";
	ssize_t			 n;
	uint64_t		 t0 = now_us();
	long			 lines = 0;
	int			 fd, end = 0;

	strcpy(sun.sun_path, sock);
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1) {
		perror("connect");
		exit(1);
	}
	if (write(fd, req, strlen(req)) < 0)
		exit(1);
	while (!end && (n = read(fd, buf, sizeof(buf))) > 0) {
		for (char *p = buf; (p = memchr(p, '\n', buf + n - p)) != NULL; p++)
			lines++;
		/* the end line is the last thing on the wire */
		if (n >= 2 && buf[n - 1] == '\n' && memmem(buf, (size_t)n, "{\"end\":true", 11))
			end = 1;
	}
	close(fd);
	stream_items = lines - 2;
	stream_s = (double)(now_us() - t0) / 1e6;
	streamer_done = 1;
	return NULL;
}

static void
tick(evutil_socket_t fd, short ev, void *arg)
{
	uint64_t t = now_us();

	if (last_tick_us != 0 && phase < 2 && t - last_tick_us > max_gap_us)
		max_gap_us = t - last_tick_us;
	last_tick_us = t;
	if (prober_done && (streamer_done || phase == 0))
		event_base_loopbreak(L.base);
}

static void
run_for(double secs)
{
	uint64_t end = now_us() + (uint64_t)(secs * 1e6);

	while (now_us() < end && !(phase == 1 && streamer_done))
		event_base_loop(L.base, EVLOOP_ONCE);
}

int
main(int argc, char **argv)
{
	long		 n = argc > 1 ? atol(argv[1]) : 1000000, i;
	char		 text[512], err[512];
	struct conf	*c;
	struct xtr	*x;
	struct lisp_addr a;
	struct event	*ev;
	struct timeval	 ms = { 0, 1000 };
	struct rusage	 r0, r1;
	pthread_t	 tp, ts;
	uint64_t	 base_gap;

	if (getuid() != 0 || unshare(CLONE_NEWNET) == -1 ||
	    system("ip link set lo up") != 0) {
		fprintf(stderr, "ctl_stall: needs root (private network namespace)\n");
		return 0;
	}
	signal(SIGPIPE, SIG_IGN);
	log_init(0, "ctl_stall");
	snprintf(text, sizeof(text), "role itr\nrole map-resolver\ncontrol \"%s\"\n"
	    "listen 127.0.0.1\nmap-resolver 127.0.0.1\nmap-request-ratelimit 100000\n"
	    "tun lstall0\nms-route 198.18.0.0/16 via 127.0.0.2\n", sock);
	if ((c = conf_load_buf("stall.conf", text, strlen(text), err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (locid_start(&L, c, NULL) == -1)
		return 1;
	x = core_role(&L, "xtr");
	getrusage(RUSAGE_SELF, &r0);
	for (i = 0; i < n; i++) {
		char s[64];

		snprintf(s, sizeof(s), "2001:db8:%lx:%lx::", (i >> 16) & 0xffff, i & 0xffff);
		addr_parse(&a, s);
		if (mapcache_add(x->mc, &a, 64, now_ms()) == NULL)
			return 1;
	}
	getrusage(RUSAGE_SELF, &r1);
	printf("ctl_stall: %ld cached mappings (%.0f B of RSS each)\n", n,
	    (double)(r1.ru_maxrss - r0.ru_maxrss) * 1024.0 / (double)n);
	ev = event_new(L.base, -1, EV_PERSIST, tick, NULL);
	event_add(ev, &ms);

	pthread_create(&tp, NULL, prober, NULL);
	run_for(2.0);
	base_gap = max_gap_us;
	max_gap_us = 0;
	phase = 1;
	pthread_create(&ts, NULL, streamer, NULL);
	run_for(120.0);
	phase = 2;
	while (!prober_done)
		event_base_loop(L.base, EVLOOP_ONCE | EVLOOP_NONBLOCK);
	pthread_join(tp, NULL);
	pthread_join(ts, NULL);

	printf("baseline (no control client): map-request latency p50 %.2f ms, "
	    "p99 %.2f ms, max %.2f ms (%d samples); longest loop gap %.2f ms\n",
	    pct(&lat[0], .5) / 1e3, pct(&lat[0], .99) / 1e3, pct(&lat[0], 1) / 1e3,
	    lat[0].n, base_gap / 1e3);
	printf("streaming show map-cache: map-request latency p50 %.2f ms, "
	    "p99 %.2f ms, max %.2f ms (%d samples); longest loop gap %.2f ms\n",
	    pct(&lat[1], .5) / 1e3, pct(&lat[1], .99) / 1e3, pct(&lat[1], 1) / 1e3,
	    lat[1].n, max_gap_us / 1e3);
	printf("ratio p99 streaming/baseline %.2f; stream %ld entries in %.2f s "
	    "(%.0f entries/s); target: p99 <= 10 ms while streaming\n",
	    pct(&lat[0], .99) ? (double)pct(&lat[1], .99) / (double)pct(&lat[0], .99) : 0,
	    stream_items, stream_s, stream_items / (stream_s > 0 ? stream_s : 1));
	event_free(ev);
	locid_stop(&L);
	return stream_items == n ? 0 : 1;
}
