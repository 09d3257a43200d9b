/* bench/msmr: Map-Server / Map-Resolver load test (issue 3 §7).
 *
 * In a private network namespace (so port 4342 is ours) it forks a locid
 * MS/MR, registers N IPv4 and N6 IPv6 prefixes with HMAC-SHA-256
 * Map-Registers (M set: each accepted register is acknowledged by a
 * Map-Notify), then floods ECM Map-Requests with sendmmsg/recvmmsg: a third
 * for proxy-replied prefixes, a third for prefixes the MS forwards to an
 * ETR (a socket of this process receives them), a third for non-LISP
 * space (negative replies); then the same requests protected with
 * LISP-SEC (RFC 9303: the ETRs register with S, so the MS opens each
 * request, signs its proxy and negative answers and re-signs what it
 * forwards), whose rate is printed as a ratio to the plain one: -R
 * repetitions (default 3) of the plain and the protected run alternately,
 * the first of each pair swapped every time, with the median and min/max
 * of the ratios, the answers by kind (the same mix on and off) and the
 * MS's CPU per answer in each (its run time from /proc). Then the
 * same client runs against a minimal
 * recvmmsg/sendmmsg UDP echo with the same packets (requests, then
 * registers), and prints the ratios.
 * Every phase is bounded by a count and a time limit.
 *
 * With -D the IPv4 prefixes are then registered again, spread over three
 * Map-Servers under a DDT tree (RFC 8111: a root authoritative for
 * 0.0.0.0/0 delegating 10/8 and 11/8 to a node, which delegates each /16
 * to one of the three Map-Servers), and the same Map-Requests are sent to
 * a DDT Map-Resolver rooted there: its rate, p50 and p99 as ratios to the
 * direct MS/MR of the first phase, and what the walk cost (DDT
 * Map-Requests per resolution, referral-cache entries). Then the same
 * with RFC 8111 signatures: every node and Map-Server signs with an
 * RSA-2048 key, each parent gives its children's keys, the resolver holds
 * the root's as its trust anchor: the signed rate as a ratio to the
 * unsigned one. a Map-Server signs each MS-ACK record once (an RSA
 * signature is ~0.3 ms, kept in its signature cache), so this phase asks
 * for 6000 of the prefixes only, twice: cold (every answer a fresh
 * signature) and warm (from the caches), against the unsigned tree asked
 * for the same 6000.
 *
 * With -P the MS/MR (and the echo server) run on CPU 1 and this client on
 * CPU 0 for the direct phases (the DDT phase is not pinned). Unpinned, on
 * a machine of two CPUs the scheduler often puts the client on the MS's
 * CPU, where each wake-up of the client preempts the MS. measured with
 * every run of -R 2 of one kind (1.3M packets): the MS switched 42,000 to
 * 128,000 times with LISP-SEC, nearly all involuntarily to the client
 * (perf sched_switch: prev_state R+), 48,000 times plain, 4,000 times
 * plain with a spin of 1.7 us per ECM in its place; 1,500 times with -P.
 * pinned, what else runs on the machine still moves the rates.
 *
 * With -S (and -P) the client never sleeps in poll: it spins on its CPU.
 * A client that sleeps is woken by the MS's answers, and the wake-up (a
 * cross-CPU interrupt, expensive in a VM) is charged to the MS's send:
 * perf of -P -k forward had the MS's kernel time 0.29 us an answer higher
 * with LISP-SEC than without, nearly all of it in the wake-up's
 * _raw_spin_unlock_irqrestore, because the slower the MS the more often
 * the client has drained its socket and sleeps. An MS answering ITRs
 * across a network wakes nobody; -S takes the lab's wake-ups out of both
 * runs alike.
 *
 * With -k proxy, -k forward or -k negative every request is of that kind
 * (the same count), to see what LISP-SEC adds to each alone.
 *
 * usage: msmr [-n N] [-6 N6] [-r REQUESTS] [-t SECONDS] [-w WINDOW] [-R REPS]
 *        [-M] [-D] [-P [-S]] [-k proxy|forward|negative]
 *        -M: 1M IPv4 + 100k IPv6 prefixes */
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "bench.h"
#include "auth.h"
#include "core.h"
#include "locid.h"
#include "lsec.h"

#define MS_ADDR		"127.0.0.1"
#define ETR_ADDR	"127.0.0.2"
#define PROXY_RLOC	"127.0.0.3"
#define CLIENT_ADDR	"127.0.0.10"
#define ECHO_PORT	5342
#define KEY		"bench-s3cret"
#define OTKKEY		"bench-otk-s3cret"
#define PKT_MAX		256
#define BATCH		64
#define REPS_MAX	16

struct pkts {
	uint8_t		*buf;		/* n * PKT_MAX */
	uint16_t	*len;
	size_t		 n;
};

/* what came back, by kind: the same mix on and off is the point of the
 * lisp-sec ratio */
enum { A_POSITIVE, A_NEGATIVE, A_FORWARDED, A_OTHER, A__N };

struct result {
	size_t		 sent, answered;
	double		 secs;
	double		 p50_us, p99_us;
	size_t		 kind[A__N];
	size_t		 signed_;	/* answers with S */
};

static int
lo_up(void)
{
	struct ifreq	ifr;
	int		fd = socket(AF_INET, SOCK_DGRAM, 0);

	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == -1)
		return -1;
	ifr.ifr_flags |= IFF_UP;
	if (ioctl(fd, SIOCSIFFLAGS, &ifr) == -1)
		return -1;
	close(fd);
	return 0;
}

static int
udp_bind(const char *addr, uint16_t port)
{
	struct sockaddr_in	sin;
	int			fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	int			sz = 8 << 20;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons(port);
	inet_pton(AF_INET, addr, &sin.sin_addr);
	setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &sz, sizeof(sz));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUFFORCE, &sz, sizeof(sz));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1) {
		perror("bind");
		exit(1);
	}
	return fd;
}

/* CPU time of process pid, seconds (its main thread's run time in ns
 * from schedstat, else user + system ticks from stat); -1 if unknown */
static double
proc_cpu_s(pid_t pid)
{
	char			 path[64], line[1024], *p;
	unsigned long long	 ns;
	unsigned long		 ut, st;
	FILE			*f;
	int			 ok;

	snprintf(path, sizeof(path), "/proc/%d/schedstat", (int)pid);
	if ((f = fopen(path, "r")) != NULL) {
		ok = fscanf(f, "%llu", &ns) == 1;
		fclose(f);
		if (ok && ns > 0)
			return (double)ns / 1e9;
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	ok = fgets(line, sizeof(line), f) != NULL;
	fclose(f);
	/* after the command name's ")": state is field 3, utime 14, stime 15 */
	if (!ok || (p = strrchr(line, ')')) == NULL ||
	    sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %lu %lu",
	    &ut, &st) != 2)
		return -1;
	return (double)(ut + st) / (double)sysconf(_SC_CLK_TCK);
}

static long
rss_kb(pid_t pid)
{
	char	 path[64], line[256];
	FILE	*f;
	long	 kb = -1;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((f = fopen(path, "r")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL)
		if (sscanf(line, "VmRSS: %ld", &kb) == 1)
			break;
	fclose(f);
	return kb;
}

/* prefix i: IPv4 /28 under 10/8 (proxy site) or 11/8 (forward site);
 * IPv6 /64 under 2001:db8::/32 (proxy site) */
static void
prefix_of(size_t i, size_t n4, struct lisp_addr *a, int *mlen, int *fwd)
{
	uint8_t v4[4], v6[16];

	if (i < n4) {
		size_t k = i / 2;

		*fwd = (int)(i & 1);
		v4[0] = *fwd ? 11 : 10;
		v4[1] = (uint8_t)(k >> 12);
		v4[2] = (uint8_t)(k >> 4);
		v4[3] = (uint8_t)((k & 15) << 4);
		addr_set_v4(a, v4);
		*mlen = 28;
	} else {
		size_t k = i - n4;

		memset(v6, 0, sizeof(v6));
		v6[0] = 0x20; v6[1] = 0x01; v6[2] = 0x0d; v6[3] = 0xb8;
		v6[4] = (uint8_t)(k >> 24); v6[5] = (uint8_t)(k >> 16);
		v6[6] = (uint8_t)(k >> 8); v6[7] = (uint8_t)k;
		addr_set_v6(a, v6);
		*mlen = 64;
		*fwd = 0;
	}
}

static void
pkts_alloc(struct pkts *p, size_t n)
{
	p->n = n;
	p->buf = malloc(n * PKT_MAX);
	p->len = malloc(n * sizeof(*p->len));
	if (p->buf == NULL || p->len == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
}

/* under the DDT tree (-D): the Map-Server of prefix i, by its /16 */
static int
ddt_ms_of(size_t i, size_t n4)
{
	struct lisp_addr a;
	int		 mlen, fwd;

	prefix_of(i, n4, &a, &mlen, &fwd);
	return a.u.v4[1] % 3;
}

/* the Map-Registers of the prefixes (part < 0) or of those of one
 * Map-Server under the DDT tree (IPv4 only); the j-th carries nonce j (at
 * offset 4, for matching the notify) */
static void
build_registers(struct pkts *p, size_t n4, size_t n6, int part)
{
	struct lisp_map_register	 mr;
	struct lisp_record		 rec;
	struct lisp_rloc		 loc;
	struct wbuf			 w;
	size_t				 i;
	int				 mlen, fwd;

	size_t				 j = 0;

	pkts_alloc(p, n4 + n6);
	for (i = 0; i < n4 + n6; i++) {
		if (part >= 0 && (i >= n4 || ddt_ms_of(i, n4) != part))
			continue;
		memset(&mr, 0, sizeof(mr));
		mr.type = LISP_MAP_REGISTER;
		mr.flags = MREG_M | MREG_S;
		mr.nonce = j;
		mr.alg_id = ALG_HMAC_SHA256_128;
		mr.auth_len = 32;
		mr.nrecords = 1;
		memset(&rec, 0, sizeof(rec));
		prefix_of(i, n4, &rec.eid, &mlen, &fwd);
		rec.eid_mlen = (uint8_t)mlen;
		rec.ttl = 1440;
		rec.auth = 1;
		rec.nrlocs = 1;
		memset(&loc, 0, sizeof(loc));
		loc.priority = 1;
		loc.weight = 100;
		loc.mpriority = 255;
		loc.flags = RLOC_L | RLOC_R;
		addr_parse(&loc.addr, fwd ? ETR_ADDR : PROXY_RLOC);
		wbuf_init(&w, p->buf + j * PKT_MAX, PKT_MAX);
		map_register_encode_hdr(&w, &mr);
		record_encode(&w, &rec);
		rloc_encode(&w, &loc);
		auth_sign(ALG_HMAC_SHA256_128, KEY, strlen(KEY), w.p, w.len,
		    MREG_AUTH_OFF, 32);
		p->len[j++] = (uint16_t)w.len;
	}
	p->n = j;
}

/* -S: run() polls without sleeping */
static int spin;

/* the kind of every request with -k, else -1: a third of each */
static int only_kind = -1;
static const char *const kind_names[3] = { "proxy", "forward", "negative" };

/* Map-Request i: nonce i; a third each proxy / forwarded / negative (or
 * all of -k's); the prefixes asked for are every stride-th pair only */
static void
build_requests(struct pkts *p, size_t n, size_t n4, uint16_t sport, int sec,
    size_t stride)
{
	struct lsec_otks	*otks = NULL;
	struct conf		 c;
	const char		*why;
	size_t			 len;
	struct lisp_addr	 src, eid;
	uint8_t			 v4[4];
	size_t			 i, k, kind;
	int			 mlen, fwd;

	pkts_alloc(p, n);
	addr_parse(&src, CLIENT_ADDR);
	srandom(1);
	for (i = 0; i < n; i++) {
		memset(&eid, 0, sizeof(eid));
		kind = only_kind >= 0 ? (size_t)only_kind : i % 3;
		switch (kind) {
		case 0:		/* proxy: an even (10/8) prefix */
		case 1:		/* forwarded: an odd (11/8) one */
			k = ((size_t)random() % (n4 / 2 / stride)) * stride * 2 + kind;
			prefix_of(k, n4, &eid, &mlen, &fwd);
			eid.u.v4[3] |= 5;
			break;
		default:	/* non-LISP space */
			v4[0] = (uint8_t)(100 + random() % 100);
			v4[1] = (uint8_t)random();
			v4[2] = (uint8_t)random();
			v4[3] = (uint8_t)random();
			addr_set_v4(&eid, v4);
		}
		if ((len = bench_ecm_request(p->buf + i * PKT_MAX, PKT_MAX, i,
		    &src, &eid, sport)) == 0) {
			fprintf(stderr, "msmr: map-request %zu does not fit\n", i);
			exit(1);
		}
		if (sec) {
			/* what an ITR with lisp-sec on sends */
			memset(&c, 0, sizeof(c));
			c.nlskeys = 1;
			c.lskeys[0].key_id = 1;
			c.lskeys[0].secret = (char *)OTKKEY;
			len = lsec_itr_protect(&otks, &c, p->buf + i * PKT_MAX, len,
			    PKT_MAX, i, 0, &why);
		}
		p->len[i] = (uint16_t)len;
	}
	lsec_otks_free(otks);
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* the nonce that identifies a received message */
static int
answer_id(const uint8_t *b, size_t len, uint64_t *id)
{
	unsigned t;

	if (len < 12)
		return -1;
	t = b[0] >> 4;
	if (t == LISP_MAP_REPLY || t == LISP_MAP_NOTIFY) {
		*id = get_u32(b + 8) | (uint64_t)get_u32(b + 4) << 32;
		return 0;
	}
	if (t == LISP_ECM && len >= 44) {	/* forwarded request: inner nonce */
		size_t off = 0;

		if (b[0] & 0x08) {	/* S: the LISP-SEC AD comes first */
			if (len < 38)
				return -1;
			off = 32 + get_u16(b + 36);
		}
		if (len < off + 44)
			return -1;
		*id = get_u32(b + off + 40) | (uint64_t)get_u32(b + off + 36) << 32;
		return 0;
	}
	/* the echo returns our own packets */
	if (t == LISP_MAP_REGISTER) {
		*id = get_u32(b + 8) | (uint64_t)get_u32(b + 4) << 32;
		return 0;
	}
	return -1;
}

/* count an answer by kind: a Map-Reply by its first record's locator
 * count (octet 16), a forwarded ECM; with S or not */
static void
answer_kind(struct result *r, const uint8_t *b, size_t len)
{
	unsigned t = b[0] >> 4;

	if (t == LISP_MAP_REPLY && len >= 17) {
		r->kind[b[16] > 0 ? A_POSITIVE : A_NEGATIVE]++;
		r->signed_ += (get_u32(b) & MREP_S) != 0;
	} else if (t == LISP_ECM) {
		r->kind[A_FORWARDED]++;
		r->signed_ += (get_u32(b) & ECM_S) != 0;
	} else
		r->kind[A_OTHER]++;
}

/* send every packet of p to dst with at most window outstanding; answers
 * arrive on the sockets in rx[]. stops after max_s seconds or when 1 s
 * passes without an answer. */
static struct result
run(struct pkts *p, int tx, const int *rx, int nrx,
    const struct sockaddr_in *dst, size_t window, double max_s)
{
	struct mmsghdr	 mm[BATCH];
	struct iovec	 iov[BATCH];
	static uint8_t	 rb[BATCH][PKT_MAX * 2];
	double		*sent_at = calloc(p->n, sizeof(double));
	uint8_t		*done = calloc(p->n, 1);
	double		*lat = malloc(p->n * sizeof(double));
	double		 t0 = now_s(), last = t0, t;
	size_t		 next = 0, nlat = 0, outstanding = 0;
	struct result	 r = { 0 };
	struct pollfd	 pfd[4];
	int		 i, k, n;
	uint64_t	 id;

	while (now_s() - t0 < max_s) {
		/* send */
		while (next < p->n && outstanding + BATCH <= window) {
			n = 0;
			for (; n < BATCH && next < p->n; n++, next++) {
				iov[n].iov_base = p->buf + next * PKT_MAX;
				iov[n].iov_len = p->len[next];
				memset(&mm[n], 0, sizeof(mm[n]));
				mm[n].msg_hdr.msg_name = (void *)dst;
				mm[n].msg_hdr.msg_namelen = sizeof(*dst);
				mm[n].msg_hdr.msg_iov = &iov[n];
				mm[n].msg_hdr.msg_iovlen = 1;
				sent_at[next] = now_s();
			}
			k = sendmmsg(tx, mm, (unsigned)n, 0);
			if (k < n) {	/* socket full: retry those later */
				next -= (size_t)(n - (k < 0 ? 0 : k));
				if (k <= 0)
					break;
			}
			outstanding += (size_t)k;
		}
		if (next >= p->n && outstanding == 0)
			break;
		/* receive */
		for (i = 0; i < nrx; i++) {
			pfd[i].fd = rx[i];
			pfd[i].events = POLLIN;
		}
		poll(pfd, (nfds_t)nrx, spin ? 0 : 1);
		for (i = 0; i < nrx; i++) {
			for (;;) {
				for (k = 0; k < BATCH; k++) {
					iov[k].iov_base = rb[k];
					iov[k].iov_len = sizeof(rb[k]);
					memset(&mm[k], 0, sizeof(mm[k]));
					mm[k].msg_hdr.msg_iov = &iov[k];
					mm[k].msg_hdr.msg_iovlen = 1;
				}
				n = recvmmsg(rx[i], mm, BATCH, MSG_DONTWAIT, NULL);
				if (n <= 0)
					break;
				t = now_s();
				for (k = 0; k < n; k++) {
					if (answer_id(rb[k], mm[k].msg_len, &id) == -1 ||
					    id >= p->n || done[id])
						continue;
					done[id] = 1;
					r.answered++;
					answer_kind(&r, rb[k], mm[k].msg_len);
					lat[nlat++] = t - sent_at[id];
					if (outstanding > 0)
						outstanding--;
					last = t;
				}
			}
		}
		if (now_s() - last > 1.0) {
			/* the rest of the window is lost */
			outstanding = 0;
			last = now_s();
			if (next >= p->n)
				break;
		}
	}
	r.secs = last - t0 > 0 ? last - t0 : now_s() - t0;
	r.sent = next;
	if (nlat > 0) {
		qsort(lat, nlat, sizeof(double), dcmp);
		r.p50_us = lat[nlat / 2] * 1e6;
		r.p99_us = lat[nlat * 99 / 100] * 1e6;
	}
	free(sent_at);
	free(done);
	free(lat);
	return r;
}

static void
echo_server(void)
{
	int			 fd = udp_bind(MS_ADDR, ECHO_PORT);
	static uint8_t		 b[BATCH][PKT_MAX * 2];
	struct sockaddr_in	 from[BATCH];
	struct mmsghdr		 mm[BATCH];
	struct iovec		 iov[BATCH];
	struct pollfd		 pfd = { fd, POLLIN, 0 };
	int			 k, n;

	for (;;) {
		poll(&pfd, 1, 1000);
		for (k = 0; k < BATCH; k++) {
			iov[k].iov_base = b[k];
			iov[k].iov_len = sizeof(b[k]);
			memset(&mm[k], 0, sizeof(mm[k]));
			mm[k].msg_hdr.msg_name = &from[k];
			mm[k].msg_hdr.msg_namelen = sizeof(from[k]);
			mm[k].msg_hdr.msg_iov = &iov[k];
			mm[k].msg_hdr.msg_iovlen = 1;
		}
		if ((n = recvmmsg(fd, mm, BATCH, MSG_DONTWAIT, NULL)) <= 0)
			continue;
		for (k = 0; k < n; k++)
			iov[k].iov_len = mm[k].msg_len;
		sendmmsg(fd, mm, (unsigned)n, 0);
	}
}

static const char *bench_conf =
    "role map-server\n"
    "role map-resolver\n"
    "control \"/tmp/bench-msmr.%d.sock\"\n"
    "listen " MS_ADDR "\n"
    "log-rate 5\n"
    "map-request-ratelimit 0\n"
    "lisp-sec-key 1 \"" OTKKEY "\"\n"
    "timers {\n"
    "	registration-ttl 3600\n"
    "}\n"
    "site proxied {\n"
    "	key 0 sha256 \"" KEY "\"\n"
    "	eid-prefix 10.0.0.0/8 accept-more-specifics\n"
    "	eid-prefix 2001:db8::/32 accept-more-specifics\n"
    "	proxy-reply\n"
    "}\n"
    "site forwarded {\n"
    "	key 0 sha256 \"" KEY "\"\n"
    "	eid-prefix 11.0.0.0/8 accept-more-specifics\n"
    "}\n";

/* pid (0: this process) on cpu alone, or every CPU (cpu -1); -1 on error */
static int
cpu_pin(pid_t pid, int cpu)
{
	cpu_set_t	set;
	long		n = sysconf(_SC_NPROCESSORS_ONLN), i;

	CPU_ZERO(&set);
	for (i = 0; i < n && i < CPU_SETSIZE; i++)
		if (cpu == -1 || i == cpu)
			CPU_SET(i, &set);
	return sched_setaffinity(pid, sizeof(set), &set);
}

/* a locid of config text in a child process */
static pid_t
spawn(const char *text)
{
	char		 err[256];
	struct conf	*c;
	struct locid	 l;
	pid_t		 pid;

	if ((pid = fork()) != 0)
		return pid;
	log_init(0, "bench-msmr");
	if ((c = conf_load_buf("bench.conf", text, strlen(text), err, sizeof(err))) == NULL) {
		fprintf(stderr, "bench config: %s\n", err);
		_exit(1);
	}
	memset(&l, 0, sizeof(l));
	if (locid_start(&l, c, NULL) == -1)
		_exit(1);
	event_base_dispatch(l.base);
	_exit(0);
}

static pid_t
start_locid(void)
{
	char text[2048];

	snprintf(text, sizeof(text), bench_conf, (int)getpid());
	return spawn(text);
}

/* -D: the DDT tree. three Map-Servers 127.0.1.1-3 (the sites of the
 * direct MS/MR), the root 127.0.1.20, the node 127.0.1.21 delegating each
 * registered /16 to the Map-Server ddt_ms_of() names, and the DDT
 * Map-Resolver 127.0.1.10 */
#define DDT_MR		"127.0.1.10"
#define DDT_NSERV	6		/* three MSes, root, node, MR */
#define DDT_CONF_MAX	65536

struct ddt_lab {
	pid_t		 pid[DDT_NSERV];
	char		 mrsock[64];
	int		 sign;		/* RFC 8111 signatures */
	char		 dir[64];	/* their keys */
};

/* -D signed: RSA-2048 key pairs for the root, the node and the
 * Map-Servers, as PEM files in lab->dir */
static void
ddt_keys(struct ddt_lab *lab)
{
	static const char *names[] = { "root", "node", "ms" };
	char		 path[128];
	EVP_PKEY	*k;
	FILE		*f;
	size_t		 i;

	snprintf(lab->dir, sizeof(lab->dir), "/tmp/bench-msmr.%d.keys", (int)getpid());
	mkdir(lab->dir, 0700);
	for (i = 0; i < 3; i++) {
		if ((k = EVP_RSA_gen(2048)) == NULL) {
			fprintf(stderr, "msmr: RSA key generation failed\n");
			exit(1);
		}
		snprintf(path, sizeof(path), "%s/%s.pem", lab->dir, names[i]);
		if ((f = fopen(path, "w")) == NULL ||
		    !PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL))
			exit(1);
		fclose(f);
		snprintf(path, sizeof(path), "%s/%s.pub", lab->dir, names[i]);
		if ((f = fopen(path, "w")) == NULL || !PEM_write_PUBKEY(f, k))
			exit(1);
		fclose(f);
		EVP_PKEY_free(k);
	}
}

/* what a server of the lab adds when signing: its key, and the key its
 * children sign with after each delegation (" key ...") */
static const char *
ddt_sign_line(const struct ddt_lab *lab, const char *who, char *buf, size_t len)
{
	if (!lab->sign)
		return "";
	snprintf(buf, len, "ddt-signing-key \"%s/%s.pem\"\n", lab->dir, who);
	return buf;
}

static const char *
ddt_child_key(const struct ddt_lab *lab, const char *child, char *buf, size_t len)
{
	buf[0] = '\0';
	if (lab->sign)
		snprintf(buf, len, " key \"%s/%s.pub\"", lab->dir, child);
	return buf;
}

static const char *ddt_common =
    "control \"/tmp/bench-msmr.%d.%s.sock\"\n"
    "listen %s\n"
    "log-rate 5\n"
    "map-request-ratelimit 0\n";

static void
ddt_start(struct ddt_lab *lab, size_t n4)
{
	char	*t = malloc(DDT_CONF_MAX);
	char	 name[16], addr[16], sl[160], ck[160];
	size_t	 o, n, top;
	int	 i, k = 0;

	if (t == NULL) {
		fprintf(stderr, "out of memory\n");
		exit(1);
	}
	for (i = 0; i < 3; i++) {
		snprintf(name, sizeof(name), "ms%d", i + 1);
		snprintf(addr, sizeof(addr), "127.0.1.%d", i + 1);
		n = (size_t)snprintf(t, DDT_CONF_MAX, "role map-server\n");
		n += (size_t)snprintf(t + n, DDT_CONF_MAX - n, ddt_common,
		    (int)getpid(), name, addr);
		n += (size_t)snprintf(t + n, DDT_CONF_MAX - n, "%s",
		    ddt_sign_line(lab, "ms", sl, sizeof(sl)));
		snprintf(t + n, DDT_CONF_MAX - n, "%s", strstr(bench_conf, "timers"));
		lab->pid[k++] = spawn(t);
	}
	n = (size_t)snprintf(t, DDT_CONF_MAX, "role ddt-node\n");
	n += (size_t)snprintf(t + n, DDT_CONF_MAX - n, ddt_common, (int)getpid(),
	    "root", "127.0.1.20");
	ddt_child_key(lab, "node", ck, sizeof(ck));
	snprintf(t + n, DDT_CONF_MAX - n, "%sddt-authoritative-prefix 0.0.0.0/0\n"
	    "ddt-delegation 10.0.0.0/8 node 127.0.1.21%s\n"
	    "ddt-delegation 11.0.0.0/8 node 127.0.1.21%s\n",
	    ddt_sign_line(lab, "root", sl, sizeof(sl)), ck, ck);
	lab->pid[k++] = spawn(t);
	n = (size_t)snprintf(t, DDT_CONF_MAX, "role ddt-node\n");
	n += (size_t)snprintf(t + n, DDT_CONF_MAX - n, ddt_common, (int)getpid(),
	    "node", "127.0.1.21");
	n += (size_t)snprintf(t + n, DDT_CONF_MAX - n,
	    "%sddt-authoritative-prefix 10.0.0.0/8\n"
	    "ddt-authoritative-prefix 11.0.0.0/8\n",
	    ddt_sign_line(lab, "node", sl, sizeof(sl)));
	ddt_child_key(lab, "ms", ck, sizeof(ck));
	top = ((n4 / 2) >> 12) + 1;	/* the /16s prefix_of() uses */
	for (o = 0; o < top && o < 256; o++) {
		n += (size_t)snprintf(t + n, DDT_CONF_MAX - n,
		    "ddt-delegation 10.%zu.0.0/16 map-server 127.0.1.%zu%s\n"
		    "ddt-delegation 11.%zu.0.0/16 map-server 127.0.1.%zu%s\n",
		    o, o % 3 + 1, ck, o, o % 3 + 1, ck);
	}
	lab->pid[k++] = spawn(t);
	n = (size_t)snprintf(t, DDT_CONF_MAX, "role map-resolver\n");
	n += (size_t)snprintf(t + n, DDT_CONF_MAX - n, ddt_common, (int)getpid(),
	    "mr", DDT_MR);
	if (lab->sign)
		snprintf(t + n, DDT_CONF_MAX - n, "ddt-root 127.0.1.20 key \"%s/root.pub\"\n",
		    lab->dir);
	else
		snprintf(t + n, DDT_CONF_MAX - n, "ddt-root 127.0.1.20\n");
	lab->pid[k++] = spawn(t);
	snprintf(lab->mrsock, sizeof(lab->mrsock), "/tmp/bench-msmr.%d.mr.sock",
	    (int)getpid());
	free(t);
}

static void
ddt_stop(struct ddt_lab *lab)
{
	static const char *names[DDT_NSERV] = { "ms1", "ms2", "ms3", "root", "node", "mr" };
	char	 sock[64];
	int	 i;

	for (i = 0; i < DDT_NSERV; i++) {
		kill(lab->pid[i], SIGKILL);
		waitpid(lab->pid[i], NULL, 0);
		snprintf(sock, sizeof(sock), "/tmp/bench-msmr.%d.%s.sock",
		    (int)getpid(), names[i]);
		unlink(sock);
	}
}

/* a counter of the DDT Map-Resolver's show stats, by locictl beside us */
static long
ddt_stat(const char *self, const char *sock, const char *key)
{
	char	 cmd[512], dir[256], *sl;
	FILE	*f;
	long	 v = -1;

	snprintf(dir, sizeof(dir), "%s", self);
	if ((sl = strrchr(dir, '/')) == NULL)
		return -1;
	*sl = 0;
	snprintf(cmd, sizeof(cmd), "%s/../bin/locictl -s %s --json show stats 2>/dev/null | "
	    "jq '.%s' 2>/dev/null", dir, sock, key);
	if ((f = popen(cmd, "r")) == NULL)
		return -1;
	if (fscanf(f, "%ld", &v) != 1)
		v = -1;
	pclose(f);
	return v;
}

/* late answers of a run that stopped at its time limit go, so that the
 * next run (the same nonces) does not take them for its own */
static void
drain(const int *rx, int n)
{
	uint8_t	 b[PKT_MAX * 2];
	double	 t0 = now_s(), last = t0;
	int	 i;

	while (now_s() - last < 0.3 && now_s() - t0 < 5)
		for (i = 0; i < n; i++)
			while (recv(rx[i], b, sizeof(b), MSG_DONTWAIT) > 0)
				last = now_s();
}

/* one DDT phase: the lab up, the registrations on its Map-Servers, the
 * requests through its resolver, its counters, the lab down */
struct ddt_run {
	struct result	 reg[3], req, again;
	size_t		 nreg;
	long		 sent, cache, verified, signs, sig_hits;
};

static void
ddt_phase(struct ddt_lab *lab, struct ddt_run *dr, struct pkts *dregs,
    struct pkts *reqs, struct pkts *reqs2, int cl, const int *rx,
    const struct sockaddr_in *base, size_t n4, size_t window, double max_s,
    const char *self)
{
	struct sockaddr_in	 to = *base;
	char			 a[16];
	int			 i;

	ddt_start(lab, n4);
	usleep(500000);
	dr->nreg = 0;
	for (i = 0; i < 3; i++) {
		snprintf(a, sizeof(a), "127.0.1.%d", i + 1);
		inet_pton(AF_INET, a, &to.sin_addr);
		dr->reg[i] = run(&dregs[i], cl, &cl, 1, &to, window, max_s * 3);
		dr->nreg += dr->reg[i].answered;
	}
	inet_pton(AF_INET, DDT_MR, &to.sin_addr);
	dr->req = run(reqs, cl, rx, 2, &to, window, max_s);
	drain(rx, 2);
	dr->again = run(reqs2, cl, rx, 2, &to, window, max_s);
	dr->sent = ddt_stat(self, lab->mrsock, "ddt_resolver.ddt_requests_sent");
	dr->cache = ddt_stat(self, lab->mrsock, "ddt_resolver.referral_cache_entries");
	dr->verified = ddt_stat(self, lab->mrsock, "ddt_resolver.referrals_verified");
	{
		char ms1[64];

		snprintf(ms1, sizeof(ms1), "/tmp/bench-msmr.%d.ms1.sock", (int)getpid());
		dr->signs = ddt_stat(self, ms1, "map_server.referral_signatures");
		dr->sig_hits = ddt_stat(self, ms1, "map_server.referral_signature_cache_hits");
	}
	ddt_stop(lab);
}

static double
rate(const struct result *r)
{
	return r->secs > 0 ? (double)r->answered / r->secs : 0;
}

/* us of MS CPU per answered request, 0 if unknown */
static double
ms_cpu_us(double secs, const struct result *r)
{
	return secs > 0 && r->answered > 0 ? secs * 1e6 / (double)r->answered : 0;
}

/* the index of the median of v[0..n) */
static int
median_at(const double *v, int n)
{
	int i, j, below;

	for (i = 0; i < n; i++) {
		for (below = 0, j = 0; j < n; j++)
			below += v[j] < v[i] || (v[j] == v[i] && j < i);
		if (below == n / 2)
			return i;
	}
	return 0;
}

static void
print_kinds(const char *what, const struct result *r)
{
	printf("%s %zu positive, %zu negative, %zu forwarded, %zu other; "
	    "%zu with S\n", what, r->kind[A_POSITIVE], r->kind[A_NEGATIVE],
	    r->kind[A_FORWARDED], r->kind[A_OTHER], r->signed_);
}

static void
print_result(const char *what, const struct result *r)
{
	printf("%-28s %9zu sent %9zu answered  %6.2f%% loss  %10.0f /s  "
	    "p50 %7.1f us  p99 %7.1f us\n", what, r->sent, r->answered,
	    r->sent ? 100.0 * (double)(r->sent - r->answered) / (double)r->sent : 0,
	    r->secs > 0 ? (double)r->answered / r->secs : 0, r->p50_us, r->p99_us);
}

int
main(int argc, char **argv)
{
	size_t			 n4 = 100000, n6 = 10000, nreq = 300000, window = 512;
	double			 max_s = 10;
	struct pkts		 regs, reqs, sreqs, wreqs;
	struct sockaddr_in	 ms, echo;
	struct result		 rr, rq, rs, re, rre;
	struct result		 rqs[REPS_MAX], rss[REPS_MAX];
	double			 cq[REPS_MAX], cs[REPS_MAX], ratio[REPS_MAX], t[REPS_MAX];
	int			 reps = 3, k;
	struct pkts		 dregs[3];
	struct ddt_lab		 lab;
	struct ddt_run		 du, ds;
	int			 ddt = 0, pin = 0, i;
	pid_t			 locid_pid, echo_pid;
	long			 rss0, rss1;
	double			 creg;
	int			 ch, cl, etr, rx[2];
	char			 sock[64];

	while ((ch = getopt(argc, argv, "n:6:r:t:w:R:MDPSk:")) != -1) {
		switch (ch) {
		case 'n': n4 = strtoul(optarg, NULL, 10) & ~(size_t)1; break;
		case '6': n6 = strtoul(optarg, NULL, 10); break;
		case 'r': nreq = strtoul(optarg, NULL, 10); break;
		case 't': max_s = atof(optarg); break;
		case 'w': window = strtoul(optarg, NULL, 10); break;
		case 'M': n4 = 1000000; n6 = 100000; break;
		case 'D': ddt = 1; break;
		case 'R': reps = atoi(optarg); break;
		case 'P': pin = 1; break;
		case 'S': spin = 1; break;
		case 'k':
			for (i = 0; i < 3; i++)
				if (strcmp(optarg, kind_names[i]) == 0)
					only_kind = i;
			if (only_kind >= 0)
				break;
			/* FALLTHROUGH */
		default:
			fprintf(stderr, "usage: msmr [-n N] [-6 N6] [-r REQUESTS] "
			    "[-t SECONDS] [-w WINDOW] [-R REPS] [-M] [-D] [-P [-S]] "
			    "[-k proxy|forward|negative]\n");
			return 2;
		}
	}
	if (n4 < 2 || n4 > 2000000 || window < BATCH || reps < 1 ||
	    reps > REPS_MAX) {
		fprintf(stderr, "msmr: -n between 2 and 2000000, -w at least %d, "
		    "-R between 1 and %d\n", BATCH, REPS_MAX);
		return 2;
	}
	if (unshare(CLONE_NEWNET) == -1 || lo_up() == -1) {
		fprintf(stderr, "msmr: needs root for a private network namespace: %s\n",
		    strerror(errno));
		return 0;	/* skipped, not failed */
	}
	printf("msmr: %zu IPv4 + %zu IPv6 prefixes, %zu map-requests%s%s, "
	    "window %zu, %.0f s per phase max\n", n4, n6, nreq,
	    only_kind >= 0 ? ", all " : "",
	    only_kind >= 0 ? kind_names[only_kind] : "", window, max_s);
	build_registers(&regs, n4, n6, -1);
	cl = udp_bind(CLIENT_ADDR, 0);
	etr = udp_bind(ETR_ADDR, LISP_CONTROL_PORT);
	{
		struct sockaddr_in	sin;
		socklen_t		len = sizeof(sin);

		getsockname(cl, (struct sockaddr *)&sin, &len);
		build_requests(&reqs, nreq, n4, ntohs(sin.sin_port), 0, 1);
		build_requests(&sreqs, nreq, n4, ntohs(sin.sin_port), 1, 1);
		/* 6000 of the prefixes, spread over the tree's /16s */
		build_requests(&wreqs, nreq, n4, ntohs(sin.sin_port), 0,
		    n4 > 6000 ? n4 / 6000 : 1);
	}
	memset(&ms, 0, sizeof(ms));
	ms.sin_family = AF_INET;
	ms.sin_port = htons(LISP_CONTROL_PORT);
	inet_pton(AF_INET, MS_ADDR, &ms.sin_addr);
	echo = ms;
	echo.sin_port = htons(ECHO_PORT);

	if (pin && (sysconf(_SC_NPROCESSORS_ONLN) < 2 || cpu_pin(0, 0) == -1)) {
		fprintf(stderr, "msmr: -P needs two CPUs: not pinned\n");
		pin = 0;
	}
	locid_pid = start_locid();
	if (pin && cpu_pin(locid_pid, 1) == -1) {
		fprintf(stderr, "msmr: the MS not pinned: %s\n", strerror(errno));
		cpu_pin(0, -1);
		pin = 0;
	}
	if (spin && !pin) {
		fprintf(stderr, "msmr: -S needs -P (a CPU of the client's own): "
		    "not spinning\n");
		spin = 0;
	}
	if (pin)
		printf("msmr: -P: the MS/MR and the echo server on CPU 1, the "
		    "client on CPU 0%s\n", spin ? ", spinning (-S)" : "");
	snprintf(sock, sizeof(sock), "/tmp/bench-msmr.%d.sock", (int)getpid());
	usleep(300000);
	rss0 = rss_kb(locid_pid);

	creg = proc_cpu_s(locid_pid);
	rr = run(&regs, cl, &cl, 1, &ms, window, max_s * 3);
	creg = ms_cpu_us(proc_cpu_s(locid_pid) - creg, &rr);
	rss1 = rss_kb(locid_pid);
	rx[0] = cl;
	rx[1] = etr;
	/* plain and protected alternately, the first of each pair swapped
	 * every repetition: a slow moment of the machine falls on both */
	for (k = 0; k < reps; k++) {
		double c0, c1, c2;

		c0 = proc_cpu_s(locid_pid);
		if (k % 2 == 0)
			rqs[k] = run(&reqs, cl, rx, 2, &ms, window, max_s);
		else
			rss[k] = run(&sreqs, cl, rx, 2, &ms, window, max_s);
		c1 = proc_cpu_s(locid_pid);
		if (k % 2 == 0)
			rss[k] = run(&sreqs, cl, rx, 2, &ms, window, max_s);
		else
			rqs[k] = run(&reqs, cl, rx, 2, &ms, window, max_s);
		c2 = proc_cpu_s(locid_pid);
		cq[k] = ms_cpu_us(k % 2 == 0 ? c1 - c0 : c2 - c1, &rqs[k]);
		cs[k] = ms_cpu_us(k % 2 == 0 ? c2 - c1 : c1 - c0, &rss[k]);
		ratio[k] = rate(&rqs[k]) > 0 ? rate(&rss[k]) / rate(&rqs[k]) : 0;
	}
	/* the median repetition's plain run stands for the MS/MR below */
	for (k = 0; k < reps; k++)
		t[k] = rate(&rqs[k]);
	rq = rqs[median_at(t, reps)];
	for (k = 0; k < reps; k++)
		t[k] = rate(&rss[k]);
	rs = rss[median_at(t, reps)];
	kill(locid_pid, SIGKILL);
	waitpid(locid_pid, NULL, 0);
	unlink(sock);

	if (ddt) {
		if (pin)
			cpu_pin(0, -1);		/* the tree's servers are not pinned */
		memset(&lab, 0, sizeof(lab));
		for (i = 0; i < 3; i++)
			build_registers(&dregs[i], n4, 0, i);
		ddt_phase(&lab, &du, dregs, &reqs, &wreqs, cl, rx, &ms, n4, window,
		    max_s, argv[0]);
		ddt_keys(&lab);
		lab.sign = 1;
		ddt_phase(&lab, &ds, dregs, &wreqs, &wreqs, cl, rx, &ms, n4, window,
		    max_s, argv[0]);
		{
			char cmd[128];

			snprintf(cmd, sizeof(cmd), "rm -rf %s", lab.dir);
			if (system(cmd) != 0)
				fprintf(stderr, "msmr: %s left behind\n", lab.dir);
		}
	}

	if (pin)
		cpu_pin(0, 0);
	echo_pid = fork();
	if (echo_pid == 0)
		echo_server();
	if (pin)
		cpu_pin(echo_pid, 1);
	usleep(100000);
	re = run(&reqs, cl, &cl, 1, &echo, window, max_s);
	rre = run(&regs, cl, &cl, 1, &echo, window, max_s * 3);
	kill(echo_pid, SIGKILL);
	waitpid(echo_pid, NULL, 0);

	print_result("map-register -> map-notify", &rr);
	print_result("map-request (ecm) answered", &rq);
	print_result("lisp-sec map-request answered", &rs);
	print_result("udp echo baseline", &re);
	print_result("udp echo of the registers", &rre);
	printf("map-registers accepted/s:   %.0f (target >= 100000)\n",
	    rr.secs > 0 ? (double)rr.answered / rr.secs : 0);
	printf("ms cpu per register:        %.2f us (verify, store, map-notify "
	    "signed)\n", creg);
	printf("register / echo ratio:      %.2f\n",
	    rre.answered > 0 && rr.secs > 0 && rre.secs > 0 ?
	    ((double)rr.answered / rr.secs) / ((double)rre.answered / rre.secs) : 0);
	printf("map-requests answered/s:    %.0f (target >= 150000)\n",
	    rq.secs > 0 ? (double)rq.answered / rq.secs : 0);
	printf("lisp-sec map-requests/s:    %.0f\n",
	    rs.secs > 0 ? (double)rs.answered / rs.secs : 0);
	for (k = 0; k < reps; k++)
		printf("lisp-sec rep %d: plain %.0f /s (ms cpu %.2f us/answer), "
		    "lisp-sec %.0f /s (ms cpu %.2f us/answer), ratio %.2f\n", k + 1,
		    rate(&rqs[k]), cq[k], rate(&rss[k]), cs[k], ratio[k]);
	print_kinds("plain answers:   ", &rq);
	print_kinds("lisp-sec answers:", &rs);
	memcpy(t, ratio, sizeof(t));
	qsort(t, (size_t)reps, sizeof(double), dcmp);
	printf("lisp-sec / plain ratio:     %.2f (median of %d; min %.2f, max %.2f) "
	    "(target >= 0.7)\n", t[reps / 2], reps, t[0], t[reps - 1]);
	{
		double mq, mcs;

		memcpy(t, cq, sizeof(t));
		qsort(t, (size_t)reps, sizeof(double), dcmp);
		mq = t[reps / 2];
		memcpy(t, cs, sizeof(t));
		qsort(t, (size_t)reps, sizeof(double), dcmp);
		mcs = t[reps / 2];
		printf("ms cpu per answer (median): plain %.2f us, lisp-sec %.2f us: "
		    "lisp-sec adds %.2f us (ratio of cpu %.2f)\n", mq, mcs, mcs - mq,
		    mcs > 0 ? mq / mcs : 0);
	}
	printf("echo/s:                     %.0f\n",
	    re.secs > 0 ? (double)re.answered / re.secs : 0);
	printf("resolution / echo ratio:    %.2f (target >= 0.6)\n",
	    re.answered > 0 && rq.secs > 0 && re.secs > 0 ?
	    ((double)rq.answered / rq.secs) / ((double)re.answered / re.secs) : 0);
	printf("locid RSS: %ld kB idle, %ld kB with %zu registrations: "
	    "%.0f bytes per registered prefix (target <= 300)\n", rss0, rss1,
	    rr.answered, rr.answered > 0 ?
	    (double)(rss1 - rss0) * 1024.0 / (double)rr.answered : 0);
	if (ddt) {
		size_t nreg = 0;

		for (i = 0; i < 3; i++) {
			nreg += dregs[i].n;
			printf("ddt: map-server %d: %zu registrations sent, %zu acknowledged\n",
			    i + 1, dregs[i].n, du.reg[i].answered);
			free(dregs[i].buf);
			free(dregs[i].len);
		}
		print_result("map-request through ddt", &du.req);
		print_result("unsigned, 6000 prefixes", &du.again);
		print_result("signed, 6000 prefixes, cold", &ds.req);
		print_result("signed, 6000 prefixes, warm", &ds.again);
		printf("ddt: %zu of %zu registrations on three map-servers; "
		    "resolution through the tree %.0f /s, ratio to the direct MS/MR %.2f\n",
		    du.nreg, nreg, rate(&du.req), rate(&rq) > 0 ? rate(&du.req) / rate(&rq) : 0);
		printf("ddt: latency p50 %.1f us (ratio %.2f), p99 %.1f us (ratio %.2f) "
		    "to the direct MS/MR\n", du.req.p50_us,
		    rq.p50_us > 0 ? du.req.p50_us / rq.p50_us : 0, du.req.p99_us,
		    rq.p99_us > 0 ? du.req.p99_us / rq.p99_us : 0);
		printf("ddt: %ld DDT map-requests sent by the resolver (%.2f per answered "
		    "request), %ld referrals cached at the end\n", du.sent,
		    du.req.answered + du.again.answered > 0 && du.sent >= 0 ?
		    (double)du.sent / (double)(du.req.answered + du.again.answered) : 0,
		    du.cache);
		printf("ddt signed (RSA-2048, RFC 8111): %zu registrations; cold %.0f /s "
		    "(each answer a new signature), warm %.0f /s, ratio to unsigned "
		    "(warm) %.2f, p50 %.1f us, p99 %.1f us, %ld referrals verified\n",
		    ds.nreg, rate(&ds.req), rate(&ds.again), rate(&du.again) > 0 ?
		    rate(&ds.again) / rate(&du.again) : 0, ds.again.p50_us,
		    ds.again.p99_us, ds.verified);
		printf("ddt signed: map-server 1 made %ld signatures, answered %ld from "
		    "its signature cache\n", ds.signs, ds.sig_hits);
	}
	free(regs.buf);
	free(regs.len);
	free(reqs.buf);
	free(reqs.len);
	free(sreqs.buf);
	free(sreqs.len);
	free(wreqs.buf);
	free(wreqs.len);
	return 0;
}
