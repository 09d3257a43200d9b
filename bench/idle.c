/* bench/idle: what an idle xTR costs with a full map-cache (issue 8 §2).
 *
 * In a private network namespace (only lo: RLOC probes, if any fall due,
 * go to 127.0.0.0/8) it sets up an ITR the way test_locid_hostile does,
 * fills its map-cache with N positive entries (two locators each, TTLs
 * spread over 1-1440 minutes, a share "used" in the last seconds) through
 * the calls itr_reply_in makes for a Map-Reply record (mapcache_add, then
 * mc_entry_set on a record decoded from wire bytes), and runs the event
 * loop with the daemon's timer (every XTR_TICK_MS: itr_tick, and on trees
 * that still have it probe_tick) for a few seconds. It prints the CPU used
 * (getrusage, user + system) as % of a core next to the same loop with an
 * empty map-cache measured in the same run, and the bytes per cached
 * mapping (RSS delta over the fill / entries; heap in use). a used entry
 * has its FIB counters, which an entry that never carried a packet has not;
 * the bytes per mapping are printed both ways (an ITR's entries nearly all
 * carried a packet: the first figure is the one that counts).
 * The EIDs are IPv4 /32s and the locators IPv4; -E makes the EIDs IPv6
 * /64s, -6 the locators IPv6.
 *
 * usage: idle [-n N[,N...]] [-t SECONDS] [-u PERCENT_USED] [-E] [-6]
 *        default -n 100000,1000000 -t 5 -u 5 */
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <net/if.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <event2/event.h>
#include <malloc.h>
#include <sched.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "core.h"
#include "locid.h"
#include "probe.h"
#include "xtr.h"

/* main before the per-object timers walked the map-cache here too */
void probe_tick(struct xtr *, uint64_t) __attribute__((weak));

static const char conf_text[] =
    "role itr\n"
    "map-resolver 127.0.0.1\n";

static long
rss_bytes(void)
{
	FILE *f = fopen("/proc/self/statm", "r");
	long pages = 0, rss = 0;

	if (f == NULL)
		return 0;
	if (fscanf(f, "%ld %ld", &pages, &rss) != 2)
		rss = 0;
	fclose(f);
	return rss * sysconf(_SC_PAGESIZE);
}

/* what malloc has handed out: chunks in the arena and the large ones it
 * maps on their own (an IPv6 trie's 1 MiB direct table among them),
 * which uordblks leaves out */
static size_t
heap_bytes(void)
{
	struct mallinfo2 mi = mallinfo2();

	return mi.uordblks + mi.hblkhd;
}

static void
tick_cb(evutil_socket_t fd, short ev, void *arg)
{
	struct xtr *x = arg;
	uint64_t now = now_ms();

	(void)fd;
	(void)ev;
	itr_tick(x, now);
	if (probe_tick != NULL)
		probe_tick(x, now);
}

static int	eid6, loc6;	/* -E, -6 */

/* the record of a Map-Reply for entry i: 198.18.a.b/32 in instance-id
 * i >> 16 (so 1M entries fit in documentation space; -E: 2001:db8:a:b::/64),
 * two locators in 127.0.0.0/8 (-6: 2001:db8:ff::/64) */
static int
record_for(uint32_t i, uint32_t ttl, uint8_t *buf, size_t cap, struct lisp_record *out)
{
	struct lisp_record rec;
	struct lisp_rloc lo;
	struct wbuf w;
	struct rbuf b;
	char a[64];
	int mlen, j;

	memset(&rec, 0, sizeof(rec));
	if (eid6)
		snprintf(a, sizeof(a), "2001:db8:%x:%x::/64", (i >> 16) & 0xffff, i & 0xffff);
	else
		snprintf(a, sizeof(a), "198.18.%u.%u/32", (i >> 8) & 0xff, i & 0xff);
	if (prefix_parse(a, &rec.eid, &mlen) == -1)
		return -1;
	rec.eid.has_iid = 1;
	rec.eid.iid = i >> 16;
	rec.eid_mlen = (uint8_t)mlen;
	rec.ttl = ttl;
	rec.auth = 1;
	rec.nrlocs = 2;
	wbuf_init(&w, buf, cap);
	record_encode(&w, &rec);
	for (j = 0; j < 2; j++) {
		memset(&lo, 0, sizeof(lo));
		if (loc6)
			snprintf(a, sizeof(a), "2001:db8:ff::%u:%u", 1 + j, 1 + (i % 250));
		else
			snprintf(a, sizeof(a), "127.0.%u.%u", 1 + j, 1 + (i % 250));
		if (addr_parse(&lo.addr, a) == -1)
			return -1;
		lo.priority = (uint8_t)(1 + j);
		lo.weight = 100;
		lo.mpriority = 255;
		lo.flags = RLOC_R;
		rloc_encode(&w, &lo);
	}
	if (w.err)
		return -1;
	rbuf_init(&b, buf, w.len);
	return record_next(&b, out) == 1 ? 0 : -1;
}

/* CPU of the loop running for secs, as % of a core */
static double
run_loop(struct locid *l, struct xtr *x, double secs)
{
	struct timeval tv = { 0, XTR_TICK_MS * 1000 }, stop;
	struct event *tick, *end;
	double c0, w0;

	tick = event_new(l->base, -1, EV_PERSIST, tick_cb, x);
	event_add(tick, &tv);
	/* a first second not measured: the fill's entries are due at once */
	stop.tv_sec = 1;
	stop.tv_usec = 0;
	end = evtimer_new(l->base, stop_cb, l->base);
	evtimer_add(end, &stop);
	event_base_dispatch(l->base);
	c0 = cpu_s();
	w0 = now_s();
	stop.tv_sec = (time_t)secs;
	stop.tv_usec = (suseconds_t)((secs - (double)(time_t)secs) * 1e6);
	evtimer_add(end, &stop);
	event_base_dispatch(l->base);
	c0 = cpu_s() - c0;
	w0 = now_s() - w0;
	event_free(end);
	event_free(tick);
	return 100.0 * c0 / w0;
}

/* a packet on pct percent of the entries, counted as the data plane does */
struct use {
	struct mapcache	*mc;
	int		 pct;
	uint64_t	 now;
	uint32_t	 n;
};

static int
use_cb(struct mc_entry *e, void *arg)
{
	struct use *u = arg;

	if ((uint32_t)(random() % 100) < (uint32_t)u->pct && e->fe != NULL) {
		mc_entry_touch(e, u->now);
		fib_ent_count(mapcache_fib(u->mc), e->fe, 0, 100);
		u->n++;
	}
	return 0;
}

static int
xtr_setup(struct locid *l, struct xtr *x)
{
	memset(x, 0, sizeof(*x));
	x->l = l;
	x->itr = 1;
	x->logrl.window_ms = 10000;
	x->logrl.burst = 5;
	if ((x->mc = mapcache_new(NULL)) == NULL)
		return -1;
	addr_parse(&x->rloc4, "127.0.0.1");
	addr_set_none(&x->rloc6);
	x->dp.tun_fd = x->dp.udp4 = x->dp.udp6 = x->dp.tx4.fd = x->dp.tx6.fd = -1;
	return 0;
}

int
main(int argc, char **argv)
{
	struct locid l;
	struct xtr x;
	char err[512] = "", *ns = "100000,1000000", *p;
	double secs = 5, base_cpu, cpu;
	int used_pct = 5, c;

	while ((c = getopt(argc, argv, "n:t:u:E6")) != -1) {
		switch (c) {
		case 'n': ns = optarg; break;
		case 't': secs = atof(optarg); break;
		case 'u': used_pct = atoi(optarg); break;
		case 'E': eid6 = 1; break;
		case '6': loc6 = 1; break;
		default:
			fprintf(stderr, "usage: idle [-n N[,N...]] [-t SECONDS] [-u PERCENT] [-E] [-6]\n");
			return 2;
		}
	}
	if (netns_private() == -1) {
		fprintf(stderr, "idle: needs root for a private network namespace\n");
		return 1;
	}
	memset(&l, 0, sizeof(l));
	if ((l.base = event_base_new()) == NULL ||
	    (l.conf = conf_load_buf("idle.conf", conf_text, strlen(conf_text), err,
	    sizeof(err))) == NULL || core_attach(&l, udp_any(), -1) == -1) {
		fprintf(stderr, "idle: setup: %s\n", err);
		return 1;
	}
	srandom(1);
	if (xtr_setup(&l, &x) == -1)
		return 1;
	base_cpu = run_loop(&l, &x, secs);
	printf("idle: baseline, empty map-cache: %.3f%% of a core over %.1f s\n",
	    base_cpu, secs);
	mapcache_free(x.mc, NULL, NULL);
	for (p = ns; p != NULL && *p != '\0'; p = strchr(p, ',') ? strchr(p, ',') + 1 : NULL) {
		uint32_t n = (uint32_t)strtoul(p, NULL, 10), i, nused = 0;
		uint8_t buf[256];
		struct lisp_record rec;
		struct mc_entry *e, *last = NULL;
		uint64_t now;
		long rss0, rss1;
		size_t heap0, heap1, heap2;
		struct use uc;
		double t0;

		if (xtr_setup(&l, &x) == -1)
			return 1;
		rss0 = rss_bytes();
		heap0 = heap_bytes();
		t0 = now_s();
		now = now_ms();
		for (i = 0; i < n; i++) {
			if (record_for(i, 1 + (uint32_t)(random() % 1440), buf, sizeof(buf),
			    &rec) == -1 ||
			    (e = mapcache_add(x.mc, &rec.eid, rec.eid_mlen, now)) == NULL) {
				fprintf(stderr, "idle: fill failed at %u\n", i);
				return 1;
			}
			mc_entry_set(x.mc, e, &rec, "map-reply", now);
			last = e;
		}
		rss1 = rss_bytes();
		heap1 = heap_bytes();
		/* then a packet since the reply on the used share, counted as
		 * the data plane does (the counters are made): what that adds
		 * is measured apart */
		uc.mc = x.mc;
		uc.pct = used_pct;
		uc.now = now + 1;
		uc.n = 0;
		mapcache_foreach(x.mc, use_cb, &uc);
		nused = uc.n;
		heap2 = heap_bytes();
		/* RSS after a free keeps pages for reuse: heap in use is the
		 * figure for every fill but the first */
		printf("idle: %u entries (%u used) filled in %.2f s: %.0f bytes per cached "
		    "mapping by RSS delta, %.0f by heap in use\n", n,
		    nused, now_s() - t0, (double)(rss1 - rss0) / n,
		    (double)(heap2 - heap0) / n);
		/* where the bytes are: the entry and its FIB entry as the
		 * pools hand them out (no malloc header), the counters as
		 * measured on the used share, the rest is the FIB's trie and
		 * index, the timer heap and probe state */
		if ((e = last) != NULL && e->fe != NULL) {
			size_t ce = (offsetof(struct mc_entry, ea) + mc_eid_len(e->afi) + 7) / 8 * 8;
			size_t cf = fib_ent_size(e->fe);
			double base = (double)(heap1 - heap0) / n;
			double cc = nused > 0 ? (double)(heap2 - heap1) / nused : 0;

			printf("idle: per mapping: map-cache entry %zu B (the locators are "
			    "the FIB's), FIB entry %zu B (%zu + %d %s locators), counters "
			    "%.0f B when used, trie/index/heap/probe state %.0f B\n", ce, cf,
			    sizeof(struct fib_ent), e->fe->nlocs, loc6 ? "IPv6" : "IPv4",
			    cc, base - (double)(ce + cf));
			/* an ITR's entry is made by a packet that missed, which
			 * it then carries: nearly every entry has its counters.
			 * both figures, so the used share does not flatter */
			printf("idle: per mapping by heap: %.0f B with its counters (one that "
			    "carried a packet), %.0f B without (target <= 256)\n",
			    base + cc, base);
		}
		cpu = run_loop(&l, &x, secs);
		printf("idle: %u entries: %.3f%% of a core (baseline %.3f%%, ratio %.1f, "
		    "+%.3f points); %zu left\n", n, cpu, base_cpu,
		    base_cpu > 0 ? cpu / base_cpu : 0.0, cpu - base_cpu,
		    mapcache_count(x.mc));
		mapcache_free(x.mc, NULL, NULL);
	}
	close(l.core->sock4);
	free(l.core);
	conf_free(l.conf);
	event_base_free(l.base);
	return 0;
}
