/* locictl lig (RFC 6835): send an Encapsulated Map-Request for an EID to a
 * Map-Resolver from an ephemeral port and print the Map-Reply */
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>

#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "locictl.h"
#include "msg.h"
#include "msg_build.h"
#include "sockaddr.h"

#define LIG_TRIES_MAX	5
#define LIG_WAIT_MS	2000

struct lig {
	struct lisp_addr	 resolver, source, eid;
	int			 mlen;
	uint16_t		 port;
	int			 count;
	int			 fd;
	uint16_t		 lport;
	uint64_t		 nonce[LIG_TRIES_MAX];
	double			 sent_at[LIG_TRIES_MAX];
};

static double
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

/* the socket replies come back to: bound to the source (given, or what the
 * kernel picks toward the resolver), ephemeral port, not connected so that
 * an ETR may answer from its own address */
static int
lig_socket(struct lig *g, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	int			 fam = g->resolver.afi == AFI_IPV4 ? AF_INET : AF_INET6;
	int			 fd;

	if (g->source.afi == AFI_NONE) {
		if ((fd = socket(fam, SOCK_DGRAM, 0)) == -1)
			goto fail;
		slen = sockaddr_from_addr(&ss, &g->resolver, g->port);
		if (connect(fd, (struct sockaddr *)&ss, slen) == -1) {
			close(fd);
			goto fail;
		}
		slen = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &slen);
		close(fd);
		sockaddr_to_addr(&g->source, (struct sockaddr *)&ss, &g->lport);
	}
	if (g->source.afi != g->resolver.afi) {
		snprintf(err, errlen, "source and resolver of different families");
		return -1;
	}
	if ((g->fd = socket(fam, SOCK_DGRAM, 0)) == -1)
		goto fail;
	slen = sockaddr_from_addr(&ss, &g->source, 0);
	if (bind(g->fd, (struct sockaddr *)&ss, slen) == -1) {
		snprintf(err, errlen, "bind: %s", strerror(errno));
		close(g->fd);
		g->fd = -1;
		return -1;
	}
	slen = sizeof(ss);
	getsockname(g->fd, (struct sockaddr *)&ss, &slen);
	sockaddr_to_addr(&g->source, (struct sockaddr *)&ss, &g->lport);
	return 0;
fail:
	snprintf(err, errlen, "socket: %s", strerror(errno));
	return -1;
}

/* an address of this host of family afi for the inner IP source when the
 * EID's family is not the RLOC's (an IPv6 EID asked over IPv4): global
 * scope, not loopback or link-local; -1 if there is none */
static int
local_addr(uint16_t afi, struct lisp_addr *out)
{
	struct ifaddrs	*ifa, *i;
	struct lisp_addr a;
	int		 rc = -1;

	if (getifaddrs(&ifa) == -1)
		return -1;
	for (i = ifa; i != NULL && rc == -1; i = i->ifa_next) {
		if (i->ifa_addr == NULL || (i->ifa_flags & IFF_LOOPBACK) ||
		    sockaddr_to_addr(&a, i->ifa_addr, NULL) == -1 || a.afi != afi)
			continue;
		if (afi == AFI_IPV6 && a.u.v6[0] == 0xfe && (a.u.v6[1] & 0xc0) == 0x80)
			continue;	/* link-local */
		*out = a;
		rc = 0;
	}
	freeifaddrs(ifa);
	return rc;
}

static int
lig_send(struct lig *g, int try)
{
	uint8_t				 out[1024];
	struct mreq_build		 mr;
	struct sockaddr_storage		 ss;
	socklen_t			 slen;
	size_t				 len;
	uint64_t			 nonce;

	if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
		nonce = (uint64_t)mono_ms() * 2654435761u;
	memset(&mr, 0, sizeof(mr));
	mr.nonce = nonce;
	addr_set_none(&mr.seid);
	mr.itr = &g->source;
	mr.nitr = 1;
	mr.eid = g->eid;
	mr.mlen = g->mlen;
	/* inner IP: source = our RLOC (or the unspecified address of the
	 * EID's family), destination = the EID */
	mr.ecm = 1;
	mr.idst = g->eid;
	mr.idst.has_iid = 0;
	if (mr.idst.afi == g->source.afi)
		mr.isrc = g->source;
	else if (local_addr(mr.idst.afi, &mr.isrc) == -1)
		addr_set_any(&mr.isrc, mr.idst.afi);
	mr.sport = g->lport;
	if ((len = map_request_build(out, sizeof(out), &mr)) == 0)
		return -1;
	slen = sockaddr_from_addr(&ss, &g->resolver, g->port);
	g->nonce[try] = nonce;
	g->sent_at[try] = mono_ms();
	if (sendto(g->fd, out, len, 0, (struct sockaddr *)&ss, slen) == -1)
		return -1;
	return 0;
}

static json_t *
records_json(const struct lisp_map_reply *rep)
{
	struct rbuf		 recs = rep->records, rl;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	json_t			*arr = json_array(), *r, *locs;
	char			 a[ADDR_STRLEN];

	while (record_next(&recs, &rec) == 1) {
		r = json_object();
		json_object_set_new(r, "eid_prefix", json_string(
		    prefix_fmt(&rec.eid, rec.eid_mlen, a, sizeof(a))));
		json_object_set_new(r, "iid", json_integer(rec.eid.has_iid ? rec.eid.iid : 0));
		json_object_set_new(r, "ttl", json_integer(rec.ttl));
		json_object_set_new(r, "action", json_string(act_name(rec.act)));
		json_object_set_new(r, "authoritative", json_boolean(rec.auth));
		json_object_set_new(r, "negative", json_boolean(rec.nrlocs == 0));
		locs = json_array();
		rl = rec.rlocs;
		while (rloc_next(&rl, &loc) == 1)
			json_array_append_new(locs, json_pack(
			    "{s:s, s:s, s:i, s:i, s:i, s:i, s:b, s:b}",
			    "address", addr_fmt(&loc.addr, a, sizeof(a)),
			    "state", (loc.flags & RLOC_R) ? "up" : "down",
			    "priority", loc.priority, "weight", loc.weight,
			    "mpriority", loc.mpriority, "mweight", loc.mweight,
			    "local", (loc.flags & RLOC_L) != 0,
			    "probed", (loc.flags & RLOC_p) != 0));
		json_object_set_new(r, "locators", locs);
		json_array_append_new(arr, r);
	}
	return arr;
}

static void
print_records(const json_t *recs, const char *eid)
{
	size_t		 i, j;
	const json_t	*r, *l;

	printf("Mapping entry for EID %s:\n", eid);
	json_array_foreach(recs, i, r) {
		printf("%s, record ttl: %lld min, auth bit: %d, action: %s%s\n",
		    json_string_value(json_object_get(r, "eid_prefix")),
		    (long long)json_integer_value(json_object_get(r, "ttl")),
		    json_is_true(json_object_get(r, "authoritative")),
		    json_string_value(json_object_get(r, "action")),
		    json_is_true(json_object_get(r, "negative")) ?
		    " (negative)" : "");
		if (json_array_size(json_object_get(r, "locators")) == 0)
			continue;
		printf("  %-40s %-6s %-8s %s\n", "Locator", "State", "Pri/Wgt",
		    "Local");
		json_array_foreach(json_object_get(r, "locators"), j, l)
			printf("  %-40s %-6s %3lld/%-4lld %s\n",
			    json_string_value(json_object_get(l, "address")),
			    json_string_value(json_object_get(l, "state")),
			    (long long)json_integer_value(json_object_get(l, "priority")),
			    (long long)json_integer_value(json_object_get(l, "weight")),
			    json_is_true(json_object_get(l, "local")) ? "yes" : "no");
	}
}

static void
usage_to(FILE *f)
{
	fprintf(f, "usage: locictl lig [-m RESOLVER] [-p PORT] [-c COUNT] "
	    "[-s SOURCE] [--json] EID | PREFIX | self\n");
}

/* the daemon's map-resolver in use (the first one up, else the first
 * one), from show stats: lig asks what the xTR would ask */
static int
daemon_resolver(const char *sock, char *out, size_t len, char *err, size_t errlen)
{
	struct ctl_opts	 o = { .sock = sock };
	json_t		*st = NULL, *mrs, *m, *pick = NULL;
	size_t		 i;
	const char	*s;

	if (o.sock == NULL && (o.sock = getenv("LOCID_SOCKET")) == NULL)
		o.sock = CTL_DEFAULT_SOCKET;
	if (ctl_call(&o, "show stats", NULL, &st, err, errlen) == -1)
		return -1;
	mrs = json_object_get(json_object_get(st, "xtr"), "map_resolvers");
	json_array_foreach(mrs, i, m) {
		if (pick == NULL)
			pick = m;
		if (json_is_string(json_object_get(m, "state")) &&
		    strcmp(json_string_value(json_object_get(m, "state")), "up") == 0) {
			pick = m;
			break;
		}
	}
	if (pick == NULL || (s = json_string_value(json_object_get(pick,
	    "map_resolver"))) == NULL) {
		snprintf(err, errlen, "the daemon has no map-resolver");
		json_decref(st);
		return -1;
	}
	snprintf(out, len, "%s", s);
	json_decref(st);
	return 0;
}

/* the daemon's own EID-prefixes (show database), for lig self */
static json_t *
daemon_prefixes(const char *sock, char *err, size_t errlen)
{
	struct ctl_opts	 o = { .sock = sock };
	json_t		*db = NULL, *m, *out = json_array();
	size_t		 i;

	if (o.sock == NULL && (o.sock = getenv("LOCID_SOCKET")) == NULL)
		o.sock = CTL_DEFAULT_SOCKET;
	if (ctl_call(&o, "show database", NULL, &db, err, errlen) == -1) {
		json_decref(out);
		return NULL;
	}
	json_array_foreach(json_object_get(db, "mappings"), i, m)
		if (json_is_string(json_object_get(m, "eid_prefix")))
			json_array_append(out, json_object_get(m, "eid_prefix"));
	json_decref(db);
	if (json_array_size(out) == 0) {
		snprintf(err, errlen, "the daemon has no database-mapping");
		json_decref(out);
		return NULL;
	}
	return out;
}

/* one lig: send up to count tries, print the answer; 0 answered, 1 not,
 * 2 on an error */
static int
lig_one(struct lig *g, const char *eid_s, int json)
{
	char			 err[256], a[ADDR_STRLEN], from_s[ADDR_STRLEN];
	int			 i, try, got = 0, ti = -1;
	uint8_t			 buf[4096];
	struct sockaddr_storage	 from;
	socklen_t		 flen;
	ssize_t			 n;
	struct rbuf		 b;
	struct lisp_map_reply	 rep;
	struct lisp_addr	 fa;
	uint16_t		 fport;
	double			 deadline, now, rtt = 0;
	struct pollfd		 pfd;
	json_t			*out = NULL, *recs = NULL;

	if (strchr(eid_s, '/') != NULL) {
		if (prefix_parse(eid_s, &g->eid, &g->mlen) == -1) {
			fprintf(stderr, "locictl: lig: bad EID prefix %s\n", eid_s);
			return 2;
		}
	} else {
		if (addr_parse(&g->eid, eid_s) == -1 || addr_bits(&g->eid) == 0) {
			fprintf(stderr, "locictl: lig: bad EID %s\n", eid_s);
			return 2;
		}
		g->mlen = addr_bits(&g->eid);
	}
	if (lig_socket(g, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: lig: %s\n", err);
		return 2;
	}
	addr_fmt(&g->resolver, a, sizeof(a));
	for (try = 0; try < g->count && !got; try++) {
		if (!json)
			printf("Send map-request to %s for %s ...\n", a, eid_s);
		if (lig_send(g, try) == -1) {
			fprintf(stderr, "locictl: lig: send: %s\n", strerror(errno));
			close(g->fd);
			return 2;
		}
		deadline = mono_ms() + LIG_WAIT_MS;
		while (!got && (now = mono_ms()) < deadline) {
			pfd.fd = g->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)(deadline - now) + 1) <= 0)
				continue;
			flen = sizeof(from);
			n = recvfrom(g->fd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &flen);
			now = mono_ms();
			if (n <= 0)
				continue;
			rbuf_init(&b, buf, (size_t)n);
			if (map_reply_decode(&b, &rep, NULL) == -1)
				continue;
			for (i = 0; i <= try; i++)
				if (rep.nonce == g->nonce[i])
					ti = i;
			if (ti == -1)
				continue;
			got = 1;
			rtt = now - g->sent_at[ti];
			sockaddr_to_addr(&fa, (struct sockaddr *)&from, &fport);
			addr_fmt(&fa, from_s, sizeof(from_s));
			recs = records_json(&rep);
		}
	}
	close(g->fd);
	g->fd = -1;
	if (json) {
		out = json_object();
		json_object_set_new(out, "resolver", json_string(a));
		json_object_set_new(out, "eid", json_string(eid_s));
		json_object_set_new(out, "source", json_string(
		    addr_fmt(&g->source, err, sizeof(err))));
		json_object_set_new(out, "tries", json_integer(try));
		if (got) {
			json_object_set_new(out, "from", json_string(from_s));
			json_object_set_new(out, "rtt_ms", json_real(rtt));
			json_object_set_new(out, "records", recs);
		} else
			json_object_set_new(out, "records", json_null());
		ctl_print_json(out);
		json_decref(out);
		return got ? 0 : 1;
	}
	if (!got) {
		printf("*** No map-reply received from %s after %d tries\n", a, try);
		return 1;
	}
	printf("Received map-reply from %s with rtt %.3f ms\n\n", from_s, rtt);
	print_records(recs, eid_s);
	json_decref(recs);
	return 0;
}

int
cmd_lig(int argc, char **argv)
{
	struct lig		 g;
	const char		*res_s = NULL, *src_s = NULL, *eid_s = NULL, *sock = NULL;
	char			 dres[ADDR_STRLEN], err[256];
	int			 i, json = 0, rc = 0, r;
	json_t			*self = NULL, *p;
	size_t			 k;

	memset(&g, 0, sizeof(g));
	g.count = 3;
	g.port = LISP_CONTROL_PORT;
	g.fd = -1;
	/* -s is the source here; the control socket (a global -s comes as
	 * --socket) is asked for the map-resolver when -m is not given */
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			usage_to(stdout);
			return 0;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			res_s = argv[++i];
		else if (strncmp(argv[i], "-m", 2) == 0 && argv[i][2] != '\0')
			res_s = argv[i] + 2;
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			g.count = atoi(argv[++i]);
		else if (strncmp(argv[i], "-c", 2) == 0 && argv[i][2] != '\0')
			g.count = atoi(argv[i] + 2);
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			g.port = (uint16_t)atoi(argv[++i]);
		else if ((strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "--source") == 0) && i + 1 < argc)
			src_s = argv[++i];
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			sock = argv[++i];
		else if (argv[i][0] == '-' || eid_s != NULL) {
			usage_to(stderr);
			return 2;
		} else
			eid_s = argv[i];
	}
	if (eid_s == NULL || g.count < 1 || g.count > LIG_TRIES_MAX) {
		usage_to(stderr);
		return 2;
	}
	/* lig self: the daemon's own EID-prefixes, as the mapping system
	 * knows them (are we registered?) */
	if (strcmp(eid_s, "self") == 0 &&
	    (self = daemon_prefixes(sock, err, sizeof(err))) == NULL) {
		fprintf(stderr, "locictl: lig self: %s\n", err);
		return 2;
	}
	if (res_s == NULL) {
		if (daemon_resolver(sock, dres, sizeof(dres), err, sizeof(err)) == 0)
			res_s = dres;
		else {
			/* no daemon to ask: the local host, as before */
			if (!json)
				fprintf(stderr, "locictl: lig: no map-resolver from the "
				    "daemon (%s): asking 127.0.0.1\n", err);
			res_s = "127.0.0.1";
		}
	}
	if (addr_parse(&g.resolver, res_s) == -1 || g.resolver.has_iid ||
	    (g.resolver.afi != AFI_IPV4 && g.resolver.afi != AFI_IPV6)) {
		fprintf(stderr, "locictl: lig: bad resolver address %s\n", res_s);
		json_decref(self);
		return 2;
	}
	addr_set_none(&g.source);
	if (src_s != NULL && (addr_parse(&g.source, src_s) == -1 ||
	    g.source.has_iid)) {
		fprintf(stderr, "locictl: lig: bad source address %s\n", src_s);
		json_decref(self);
		return 2;
	}
	if (self == NULL)
		return lig_one(&g, eid_s, json);
	json_array_foreach(self, k, p) {
		if (k > 0 && !json)
			printf("\n");
		if ((r = lig_one(&g, json_string_value(p), json)) > rc)
			rc = r;
	}
	json_decref(self);
	return rc;
}
