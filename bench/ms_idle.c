/* bench/ms_idle: what an idle Map-Server costs with many registrations
 * (issue 8 §2).
 *
 * In a private network namespace it starts the map-server role on the
 * daemon's event loop (core_attach with a loopback socket, as bench/idle
 * does for the ITR), feeds it N authenticated Map-Registers of one /32
 * each through the role's hook (no Map-Notify asked), and runs the loop
 * for a few seconds with nothing arriving. It prints the CPU used
 * (CLOCK_PROCESS_CPUTIME_ID) in microseconds per second and as % of a
 * core, next to the same loop with an empty MS measured in the same run,
 * and the ratio, and how often the process woke up (voluntary context
 * switches: the loop sleeping in epoll_wait and waking for a timer). Two
 * fills: the default lifetime (registration-ttl, 180 s)
 * and T-bit registrations whose Record TTL (1-1440 minutes, random) is
 * their lifetime. Nothing expires during the measurement.
 *
 * usage: ms_idle [-n N] [-t SECONDS]     default -n 100000 -t 5 */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/event.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "auth.h"
#include "core.h"
#include "locid.h"

#define KEY	"bench-s3cret"

extern const struct role role_ms;

static const char conf_text[] =
    "role map-server\n"
    "site bench {\n"
    "	key 0 sha256 \"" KEY "\"\n"
    "	eid-prefix 10.0.0.0/8 accept-more-specifics\n"
    "}\n";

/* voluntary context switches of this process so far */
static long
wakeups(void)
{
	FILE	*f = fopen("/proc/self/status", "r");
	char	 line[256];
	long	 n = -1;

	if (f == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "voluntary_ctxt_switches: %ld", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* a signed Map-Register for 10.a.b.c/32 (i = abc), one RLOC */
static size_t
register_for(uint32_t i, int tbit, uint32_t ttl, uint8_t *buf, size_t cap)
{
	struct lisp_map_register	 mr;
	struct lisp_record		 rec;
	struct lisp_rloc		 loc;
	struct wbuf			 w;
	char				 a[32];
	int				 mlen;

	memset(&mr, 0, sizeof(mr));
	mr.type = LISP_MAP_REGISTER;
	mr.flags = tbit ? MREG_T : 0;
	mr.nonce = i;
	mr.alg_id = ALG_HMAC_SHA256_128;
	mr.auth_len = 32;
	mr.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	snprintf(a, sizeof(a), "10.%u.%u.%u/32", (i >> 16) & 0xff,
	    (i >> 8) & 0xff, i & 0xff);
	if (prefix_parse(a, &rec.eid, &mlen) == -1)
		return 0;
	rec.eid_mlen = (uint8_t)mlen;
	rec.ttl = ttl;
	rec.auth = 1;
	rec.nrlocs = 1;
	memset(&loc, 0, sizeof(loc));
	snprintf(a, sizeof(a), "127.0.%u.%u", 1 + (i >> 8) % 250, 1 + i % 250);
	if (addr_parse(&loc.addr, a) == -1)
		return 0;
	loc.priority = 1;
	loc.weight = 100;
	loc.mpriority = 255;
	loc.flags = RLOC_R;
	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &loc);
	map_register_encode_trailer(&w, &mr);
	if (w.err || auth_sign(ALG_HMAC_SHA256_128, KEY, strlen(KEY), buf, w.len,
	    MREG_AUTH_OFF, 32) == -1)
		return 0;
	return w.len;
}

/* n registrations through the role's hook; -1 if one was not accepted */
static int
fill(void *ms, uint32_t n, int tbit)
{
	struct sockaddr_in	*s4;
	struct lisp_map_register reg;
	struct msg_in		 m;
	struct pkt		 p;
	struct rbuf		 b;
	uint8_t			 buf[256];
	struct msg_err		 why;
	uint32_t		 i;

	memset(&p, 0, sizeof(p));
	s4 = (struct sockaddr_in *)&p.src;
	s4->sin_family = AF_INET;
	s4->sin_port = htons(LISP_CONTROL_PORT);
	s4->sin_addr.s_addr = htonl(0x7f000002);
	for (i = 0; i < n; i++) {
		p.buf = buf;
		p.len = register_for(i, tbit, tbit ? 1 + (uint32_t)(random() % 1440) :
		    1440, buf, sizeof(buf));
		rbuf_init(&b, buf, p.len);
		if (p.len == 0 || map_register_decode(&b, &reg, &why) == -1)
			return -1;
		memset(&m, 0, sizeof(m));
		m.pkt = &p;
		m.reg = &reg;
		if (role_ms.rx[RX_REGISTER].fn(ms, &m) != 1)
			return -1;
	}
	return 0;
}

/* CPU of the idle loop over secs: seconds of CPU per second; *wake the
 * wake-ups per second */
static double
run_loop(struct locid *l, double secs, double *wake)
{
	struct timeval	 stop;
	struct event	*end;
	double		 c0, w0;
	long		 v0;

	end = evtimer_new(l->base, stop_cb, l->base);
	v0 = wakeups();
	c0 = cpu_s();
	w0 = now_s();
	stop.tv_sec = (time_t)secs;
	stop.tv_usec = (suseconds_t)((secs - (double)(time_t)secs) * 1e6);
	evtimer_add(end, &stop);
	event_base_dispatch(l->base);
	c0 = cpu_s() - c0;
	w0 = now_s() - w0;
	*wake = (double)(wakeups() - v0) / w0;
	event_free(end);
	return c0 / w0;
}

int
main(int argc, char **argv)
{
	struct locid	 l;
	char		 err[512] = "";
	double		 secs = 5, base, cpu, t0, bwake, wake;
	uint32_t	 n = 100000;
	void		*ms;
	int		 c, tbit;

	while ((c = getopt(argc, argv, "n:t:")) != -1) {
		switch (c) {
		case 'n': n = (uint32_t)strtoul(optarg, NULL, 10); break;
		case 't': secs = atof(optarg); break;
		default:
			fprintf(stderr, "usage: ms_idle [-n N] [-t SECONDS]\n");
			return 2;
		}
	}
	if (n == 0 || n > (1u << 24) || secs <= 0) {
		fprintf(stderr, "ms_idle: -n between 1 and 16777216, -t above 0\n");
		return 2;
	}
	if (netns_private() == -1) {
		fprintf(stderr, "ms_idle: needs root for a private network namespace\n");
		return 1;
	}
	memset(&l, 0, sizeof(l));
	if ((l.base = event_base_new()) == NULL ||
	    (l.conf = conf_load_buf("ms_idle.conf", conf_text, strlen(conf_text),
	    err, sizeof(err))) == NULL || core_attach(&l, udp_any(), -1) == -1) {
		fprintf(stderr, "ms_idle: setup: %s\n", err);
		return 1;
	}
	log_init(0, "ms_idle");
	srandom(1);
	if ((ms = role_ms.new(&l)) == NULL)
		return 1;
	base = run_loop(&l, secs, &bwake);
	printf("ms_idle: baseline, empty map-server: %.1f us of CPU per second "
	    "(%.4f%% of a core), %.1f wake-ups per second, over %.1f s\n",
	    base * 1e6, base * 100, bwake, secs);
	role_ms.free(ms);
	for (tbit = 0; tbit <= 1; tbit++) {
		if ((ms = role_ms.new(&l)) == NULL)
			return 1;
		t0 = now_s();
		if (fill(ms, n, tbit) == -1) {
			fprintf(stderr, "ms_idle: a map-register was refused\n");
			return 1;
		}
		printf("ms_idle: %u registrations (%s) in %.2f s\n", n, tbit ?
		    "T bit, record ttl 1-1440 min" : "registration-ttl 180 s",
		    now_s() - t0);
		cpu = run_loop(&l, secs, &wake);
		printf("ms_idle: %u registrations (%s): %.1f us of CPU per second "
		    "(%.4f%% of a core), %.1f wake-ups per second; baseline %.1f us, "
		    "ratio %.2f, %+.1f us\n", n, tbit ? "T bit" : "default lifetime",
		    cpu * 1e6, cpu * 100, wake, base * 1e6,
		    base > 0 ? cpu / base : 0.0, (cpu - base) * 1e6);
		role_ms.free(ms);
	}
	close(l.core->sock4);
	free(l.core);
	conf_free(l.conf);
	event_base_free(l.base);
	return 0;
}
