/* locictl show referral-cache (the DDT Map-Resolver's referrals), clear
 * referral-cache, show subscriptions (publish/subscribe at a Map-Server),
 * and rig (the referral groper): DDT Map-Requests from an
 * ephemeral port to a DDT node, following its referrals down the tree and
 * printing each Map-Referral */
#include <sys/random.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "ctl.h"
#include "fields.h"
#include "locictl.h"
#include "msg.h"
#include "msg_build.h"
#include "sockaddr.h"

#define RC	(&fld_refcache)

#define RIG_HOPS_MAX	8
#define RIG_TRIES_MAX	5
#define RIG_WAIT_MS	2000

int
show_referral_cache(const struct ctl_opts *o)
{
	json_t		*res, *e, *r;
	char		 err[1024], exp[32], ttl[32];
	size_t		 i, j;

	if (ctl_call(o, "show referral-cache", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show referral-cache: %s\n", err);
		return 1;
	}
	if (o->json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	printf("%-28s %-18s %-6s %-8s %-6s %-6s %s\n", RC->f[RC_PREFIX].label,
	    RC->f[RC_ACTION].label, RC->f[RC_TTL].label, RC->f[RC_EXPIRES].label,
	    RC->f[RC_HITS].label, RC->f[RC_VERIFIED].label, RC->f[RC_SET].label);
	json_array_foreach(res, i, e) {
		if (fld_null(e, RC, RC_EXPIRES))
			snprintf(exp, sizeof(exp), "never");
		else
			snprintf(exp, sizeof(exp), "%llds", fld_int(e, RC, RC_EXPIRES, 0));
		if (fld_null(e, RC, RC_TTL))
			snprintf(ttl, sizeof(ttl), "--");
		else
			snprintf(ttl, sizeof(ttl), "%lld", fld_int(e, RC, RC_TTL, 0));
		printf("%-28s %-18s %-6s %-8s %-6lld %-6s", fld_str(e, RC, RC_PREFIX, "?"),
		    fld_str(e, RC, RC_ACTION, "?"), ttl, exp, fld_int(e, RC, RC_HITS, 0),
		    fld_bool(e, RC, RC_VERIFIED) ? "yes" : "no");
		json_array_foreach(fld_get(e, RC, RC_SET), j, r)
			printf(" %s", json_string_value(r));
		printf("\n");
	}
	json_decref(res);
	return 0;
}

int
clear_referral_cache(const struct ctl_opts *o)
{
	json_t		*res;
	char		 err[1024];
	long long	 n;

	if (ctl_call(o, "clear referral-cache", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: clear referral-cache: %s\n", err);
		return 1;
	}
	n = fld_int(res, &fld_clear, CLR_CLEARED, 0);
	if (o->json)
		ctl_print_json(res);
	else
		printf("cleared %lld referral-cache entr%s\n", n, n == 1 ? "y" : "ies");
	json_decref(res);
	return 0;
}

#define SB	(&fld_subs)

int
show_subscriptions(const struct ctl_opts *o)
{
	json_t		*res, *e;
	char		 err[1024];
	size_t		 i;

	if (ctl_call(o, "show subscriptions", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show subscriptions: %s\n", err);
		return 1;
	}
	if (o->json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	printf("%-24s %-32s %-8s %-24s %-10s %-8s %s\n", SB->f[SB_PREFIX].label,
	    SB->f[SB_XTR_ID].label, SB->f[SB_SITE_ID].label, SB->f[SB_RLOC].label,
	    SB->f[SB_STATE].label, SB->f[SB_NOTIFIES].label, SB->f[SB_ACKS].label);
	json_array_foreach(res, i, e)
		printf("%-24s %-32s %-8lld %-24s %-10s %-8lld %lld\n",
		    fld_str(e, SB, SB_PREFIX, "?"), fld_str(e, SB, SB_XTR_ID, "?"),
		    fld_int(e, SB, SB_SITE_ID, 0), fld_str(e, SB, SB_RLOC, "?"),
		    fld_str(e, SB, SB_STATE, "?"), fld_int(e, SB, SB_NOTIFIES, 0),
		    fld_int(e, SB, SB_ACKS, 0));
	json_decref(res);
	return 0;
}

/* -- rig ----------------------------------------------------------------- */

static double
mono_ms(void)
{
	struct timespec t;

	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

struct rig {
	struct lisp_addr	 source, eid;
	int			 mlen, count, fd;
	uint16_t		 port, lport;
};

static int
rig_socket(struct rig *g, const struct lisp_addr *node, char *err, size_t errlen)
{
	struct sockaddr_storage	 ss;
	socklen_t		 slen;
	int			 fam = node->afi == AFI_IPV4 ? AF_INET : AF_INET6, fd;

	if (g->source.afi == AFI_NONE) {
		if ((fd = socket(fam, SOCK_DGRAM, 0)) == -1)
			goto fail;
		slen = sockaddr_from_addr(&ss, node, g->port);
		if (connect(fd, (struct sockaddr *)&ss, slen) == -1) {
			close(fd);
			goto fail;
		}
		slen = sizeof(ss);
		getsockname(fd, (struct sockaddr *)&ss, &slen);
		close(fd);
		sockaddr_to_addr(&g->source, (struct sockaddr *)&ss, NULL);
	}
	if ((g->fd = socket(g->source.afi == AFI_IPV4 ? AF_INET : AF_INET6,
	    SOCK_DGRAM, 0)) == -1)
		goto fail;
	slen = sockaddr_from_addr(&ss, &g->source, 0);
	if (bind(g->fd, (struct sockaddr *)&ss, slen) == -1) {
		snprintf(err, errlen, "bind: %s", strerror(errno));
		close(g->fd);
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

/* one DDT Map-Request to node; the first record of its Map-Referral as
 * JSON, NULL when none came */
static json_t *
rig_ask(struct rig *g, const struct lisp_addr *node, int *tries)
{
	uint8_t			 out[1024], buf[4096];
	struct mreq_build	 mr;
	struct sockaddr_storage	 ss, from;
	socklen_t		 slen, flen;
	struct lisp_map_referral ref;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	struct lisp_addr	 fa;
	struct rbuf		 b, rl;
	struct pollfd		 pfd;
	uint64_t		 nonce;
	double			 t0, deadline, now;
	ssize_t			 n;
	size_t			 len;
	json_t			*set;
	char			 a[ADDR_STRLEN];
	int			 try;

	for (try = 0; try < g->count; try++) {
		(*tries)++;
		if (getrandom(&nonce, sizeof(nonce), 0) != sizeof(nonce))
			nonce = (uint64_t)mono_ms() * 2654435761u;
		memset(&mr, 0, sizeof(mr));
		mr.nonce = nonce;
		addr_set_none(&mr.seid);
		mr.itr = &g->source;
		mr.nitr = 1;
		mr.eid = g->eid;
		mr.mlen = g->mlen;
		mr.ecm = 1;
		mr.idst = g->eid;
		mr.idst.has_iid = 0;
		if (mr.idst.afi == g->source.afi)
			mr.isrc = g->source;
		else
			addr_set_any(&mr.isrc, mr.idst.afi);
		mr.sport = g->lport;
		if ((len = map_request_build(out, sizeof(out), &mr)) == 0)
			return NULL;
		out[0] |= ECM_D >> 24;
		slen = sockaddr_from_addr(&ss, node, g->port);
		t0 = mono_ms();
		if (sendto(g->fd, out, len, 0, (struct sockaddr *)&ss, slen) == -1)
			return NULL;
		deadline = t0 + RIG_WAIT_MS;
		while ((now = mono_ms()) < deadline) {
			pfd.fd = g->fd;
			pfd.events = POLLIN;
			if (poll(&pfd, 1, (int)(deadline - now) + 1) <= 0)
				continue;
			flen = sizeof(from);
			if ((n = recvfrom(g->fd, buf, sizeof(buf), 0,
			    (struct sockaddr *)&from, &flen)) <= 0)
				continue;
			rbuf_init(&b, buf, (size_t)n);
			if (map_referral_decode(&b, &ref, NULL) == -1 ||
			    ref.nonce != nonce)
				continue;	/* the ETR's Map-Reply, strays */
			b = ref.records;
			if (referral_record_next(&b, &rec) != 1)
				continue;
			set = json_array();
			rl = rec.rlocs;
			while (rloc_next(&rl, &loc) == 1)
				json_array_append_new(set, json_string(addr_fmt(
				    &loc.addr, a, sizeof(a))));
			sockaddr_to_addr(&fa, (struct sockaddr *)&from, NULL);
			return json_pack("{s:s, s:f, s:s, s:s, s:I, s:b, s:o}",
			    "from", addr_fmt(&fa, a, sizeof(a)),
			    "rtt_ms", mono_ms() - t0,
			    "eid_prefix", prefix_fmt(&rec.eid, rec.eid_mlen,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
			    "action", referral_act_name(rec.act),
			    "ttl", (json_int_t)rec.ttl,
			    "incomplete", rec.incomplete != 0,
			    "referral_set", set);
		}
	}
	return NULL;
}

static void
rig_usage(FILE *f)
{
	fprintf(f, "usage: locictl rig -m DDT-NODE [-p PORT] [-c COUNT] "
	    "[-s SOURCE] [--json] EID\n");
}

int
cmd_rig(int argc, char **argv)
{
	struct rig	 g;
	struct lisp_addr node, cand[RIG_HOPS_MAX];
	const char	*node_s = NULL, *src_s = NULL, *eid_s = NULL, *act;
	json_t		*hops = json_array(), *h, *set, *out;
	char		 err[256], a[ADDR_STRLEN];
	int		 i, json = 0, tries = 0, hop, done = 0, c, ncand;
	int		 mlen, last_mlen = -1, loop = 0;
	const char	*pfx;
	size_t		 j;

	memset(&g, 0, sizeof(g));
	g.count = 1;
	g.port = LISP_CONTROL_PORT;
	g.fd = -1;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--json") == 0 || strcmp(argv[i], "-j") == 0)
			json = 1;
		else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
			rig_usage(stdout);
			return 0;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc)
			node_s = argv[++i];
		else if (strcmp(argv[i], "-c") == 0 && i + 1 < argc)
			g.count = atoi(argv[++i]);
		else if (strcmp(argv[i], "-p") == 0 && i + 1 < argc)
			g.port = (uint16_t)atoi(argv[++i]);
		else if ((strcmp(argv[i], "-s") == 0 ||
		    strcmp(argv[i], "--source") == 0) && i + 1 < argc)
			src_s = argv[++i];
		else if (strcmp(argv[i], "--socket") == 0 && i + 1 < argc)
			i++;
		else if (argv[i][0] == '-' || eid_s != NULL) {
			rig_usage(stderr);
			return 2;
		} else
			eid_s = argv[i];
	}
	if (eid_s == NULL || node_s == NULL || g.count < 1 ||
	    g.count > RIG_TRIES_MAX) {
		rig_usage(stderr);
		return 2;
	}
	if (strchr(eid_s, '/') != NULL ? prefix_parse(eid_s, &g.eid, &g.mlen) == -1 :
	    (addr_parse(&g.eid, eid_s) == -1 || addr_bits(&g.eid) == 0)) {
		fprintf(stderr, "locictl: rig: bad EID %s\n", eid_s);
		return 2;
	}
	if (strchr(eid_s, '/') == NULL)
		g.mlen = addr_bits(&g.eid);
	if (addr_parse(&node, node_s) == -1 || node.has_iid ||
	    (node.afi != AFI_IPV4 && node.afi != AFI_IPV6)) {
		fprintf(stderr, "locictl: rig: bad DDT node address %s\n", node_s);
		return 2;
	}
	addr_set_none(&g.source);
	if (src_s != NULL && (addr_parse(&g.source, src_s) == -1 ||
	    g.source.has_iid || g.source.afi != node.afi)) {
		fprintf(stderr, "locictl: rig: bad source address %s\n", src_s);
		return 2;
	}
	if (rig_socket(&g, &node, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: rig: %s\n", err);
		return 2;
	}
	/* down the tree: the RLOCs of each referral set (of our family) in
	 * turn until one answers */
	cand[0] = node;
	ncand = 1;
	for (hop = 0; hop < RIG_HOPS_MAX && !done; hop++) {
		h = NULL;
		for (c = 0; c < ncand && h == NULL; c++) {
			node = cand[c];
			addr_fmt(&node, a, sizeof(a));
			if (!json)
				printf("Send DDT map-request to %s for %s ...\n", a, eid_s);
			if ((h = rig_ask(&g, &node, &tries)) == NULL && !json)
				printf("*** No map-referral from %s\n", a);
		}
		if (h == NULL)
			break;
		json_object_set_new(h, "asked", json_string(a));
		json_array_append(hops, h);
		act = json_string_value(json_object_get(h, "action"));
		if (!json) {
			printf("Map-Referral from %s, rtt %.3f ms: %s %s, ttl %lld min%s\n",
			    json_string_value(json_object_get(h, "from")),
			    json_real_value(json_object_get(h, "rtt_ms")),
			    json_string_value(json_object_get(h, "eid_prefix")), act,
			    (long long)json_integer_value(json_object_get(h, "ttl")),
			    json_is_true(json_object_get(h, "incomplete")) ?
			    ", incomplete" : "");
			set = json_object_get(h, "referral_set");
			if (json_array_size(set) > 0) {
				printf("  referral set:");
				json_array_foreach(set, j, out)
					printf(" %s", json_string_value(out));
				printf("\n");
			}
		}
		done = 1;
		ncand = 0;
		/* a referral must narrow the space, as a resolver checks */
		pfx = json_string_value(json_object_get(h, "eid_prefix"));
		mlen = pfx != NULL && strchr(pfx, '/') != NULL ? atoi(strchr(pfx, '/') + 1) : -1;
		if ((strcmp(act, "node-referral") == 0 || strcmp(act, "ms-referral") == 0) &&
		    mlen <= last_mlen) {
			if (!json)
				printf("*** referral loop: %s is not more specific than "
				    "the last referral\n", pfx);
			loop = 1;
			done = 0;
			json_decref(h);
			break;
		}
		last_mlen = mlen;
		if (strcmp(act, "node-referral") == 0 || strcmp(act, "ms-referral") == 0) {
			json_array_foreach(json_object_get(h, "referral_set"), j, out)
				if (ncand < RIG_HOPS_MAX &&
				    addr_parse(&cand[ncand], json_string_value(out)) == 0 &&
				    cand[ncand].afi == g.source.afi)
					ncand++;
			done = ncand == 0;
		}
		json_decref(h);
	}
	close(g.fd);
	h = json_array_size(hops) > 0 ? json_array_get(hops,
	    json_array_size(hops) - 1) : NULL;
	act = h != NULL ? json_string_value(json_object_get(h, "action")) : NULL;
	if (json) {
		out = json_pack("{s:s, s:i, s:O, s:s?, s:b}", "eid", eid_s, "tries", tries,
		    "hops", hops, "result", act, "loop", loop);
		ctl_print_json(out);
		json_decref(out);
	}
	json_decref(hops);
	return act != NULL && done ? 0 : 1;
}
