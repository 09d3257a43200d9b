/* locictl show map-cache [PREFIX], show database, clear map-cache [PREFIX]:
 * the xTR's view, in text like Cisco's `show ip lisp map-cache`, --json or
 * --openmetrics. the map-cache is read item by item: --json writes each
 * entry as it comes; text and OpenMetrics, which need a count or a whole
 * metric family first, spool to temporary files, so memory stays bounded. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "fields.h"
#include "locictl.h"

#define E	(&fld_mc)
#define L	(&fld_mc_loc)

static int
opts(int argc, char **argv, const char *usage, struct ctl_opts *o,
    json_t **args)
{
	int ac;

	memset(o, 0, sizeof(*o));
	*args = NULL;
	if ((ac = ctl_opts_parse(argc, argv, o)) == -1)
		return 2;
	if (ac > 2 || (ac == 2 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s\n", usage);
		return 2;
	}
	if (ac == 2)
		*args = json_pack("{s:s}", "prefix", argv[1]);
	return 0;
}

static void
print_entry(FILE *f, const json_t *e)
{
	char up[32], ex[32];
	const json_t *l;
	const char *state = fld_str(e, E, MC_STATE, "?");
	size_t i;

	ctl_fmt_age(fld_int(e, E, MC_UPTIME, 0), up, sizeof(up));
	if (fld_null(e, E, MC_EXPIRES))
		snprintf(ex, sizeof(ex), "never");
	else
		ctl_fmt_age(fld_int(e, E, MC_EXPIRES, 0), ex, sizeof(ex));
	fprintf(f, "%s, uptime: %s, expires: %s, via %s, %s\n",
	    fld_str(e, E, MC_PREFIX, "?"), up,
	    strcmp(state, "pending") == 0 ? "-" : ex, fld_str(e, E, MC_SOURCE, "?"),
	    strcmp(state, "negative") == 0 ? fld_str(e, E, MC_ACTION, state) : state);
	if (strcmp(state, "negative") == 0) {
		fprintf(f, "  Negative cache entry, action: %s, packets: %lld\n",
		    fld_str(e, E, MC_ACTION, "?"), fld_int(e, E, MC_PACKETS, 0));
		return;
	}
	if (strcmp(state, "pending") == 0) {
		fprintf(f, "  Resolving: %lld map-request(s) sent, %lld packet(s) held\n",
		    fld_int(e, E, MC_REQUESTS, 0), fld_int(e, E, MC_QUEUED, 0));
		return;
	}
	fprintf(f, "  %-40s %-6s %-9s %-13s %s\n", L->f[ML_RLOC].label,
	    L->f[ML_STATE].label, "Pri/Wgt", L->f[ML_ENCAP_PKTS].label,
	    L->f[ML_RTT].label);
	json_array_foreach(fld_get(e, E, MC_LOCATORS), i, l) {
		char pw[48], rtt[32];
		double ms;

		snprintf(pw, sizeof(pw), "%lld/%lld", fld_int(l, L, ML_PRI, 0),
		    fld_int(l, L, ML_WGT, 0));
		if (fld_num(l, L, ML_RTT, &ms))
			snprintf(rtt, sizeof(rtt), "%.3f ms", ms);
		else
			snprintf(rtt, sizeof(rtt), "-");
		fprintf(f, "  %-40s %-6s %-9s %-13lld %s\n", fld_str(l, L, ML_RLOC, "?"),
		    fld_str(l, L, ML_STATE, "?"), pw, fld_int(l, L, ML_ENCAP_PKTS, 0),
		    rtt);
	}
}

static int
spool_copy(FILE *from, FILE *to)
{
	char	buf[65536];
	size_t	n;

	rewind(from);
	while ((n = fread(buf, 1, sizeof(buf), from)) > 0)
		if (fwrite(buf, 1, n, to) != n)
			return -1;
	return ferror(from) ? -1 : 0;
}

/* the OpenMetrics families of map-cache locators, one spool each */
enum { MCOM_PKTS, MCOM_BYTES, MCOM_RTT, MCOM_N };
static const int mcom_field[MCOM_N] = { ML_ENCAP_PKTS, ML_ENCAP_BYTES, ML_RTT };

struct mc_out {
	const struct ctl_opts	*o;
	struct ctl_jarray	 ja;
	FILE			*spool[MCOM_N];	/* text: [0] IPv4, [1] IPv6 */
	long long		 n4, n6;
};

static int
mc_item(void *arg, json_t *e)
{
	struct mc_out	*mo = arg;
	const json_t	*l;
	struct om	 m;
	char		 iid[24];
	size_t		 i;
	int		 k;
	double		 v;

	if (mo->o->json)
		return ctl_jarray_item(&mo->ja, e);
	if (mo->o->openmetrics) {
		snprintf(iid, sizeof(iid), "%lld", fld_int(e, E, MC_IID, 0));
		json_array_foreach(fld_get(e, E, MC_LOCATORS), i, l)
			for (k = 0; k < MCOM_N; k++) {
				const struct fld *f = &L->f[mcom_field[k]];

				if (!fld_num(l, L, mcom_field[k], &v))
					continue;
				om_begin(&m, mo->spool[k]);
				m.family = f->om_name;
				m.type = f->om;
				om_sample(&m, f->om_scale != 0 ? v * f->om_scale : v,
				    "eid_prefix", fld_str(e, E, MC_PREFIX, "?"),
				    "iid", iid, "rloc", fld_str(l, L, ML_RLOC, "?"), NULL);
			}
		mo->n4++;
		return 0;
	}
	if (strchr(fld_str(e, E, MC_PREFIX, ""), ':') != NULL) {
		mo->n6++;
		print_entry(mo->spool[1], e);
	} else {
		mo->n4++;
		print_entry(mo->spool[0], e);
	}
	return ferror(mo->spool[0]) || ferror(mo->spool[1]) ? -1 : 0;
}

static int
mc_finish(struct mc_out *mo)
{
	struct om	m;
	int		k;

	if (mo->o->json) {
		ctl_jarray_end(&mo->ja);
		return 0;
	}
	if (mo->o->openmetrics) {
		om_begin(&m, stdout);
		om_family(&m, "locid_map_cache_entries_shown", OM_GAUGE,
		    "Map-cache entries in this reply");
		om_sample(&m, (double)mo->n4, NULL);
		for (k = 0; k < MCOM_N; k++) {
			const struct fld *f = &L->f[mcom_field[k]];

			om_family(&m, f->om_name, f->om, f->om_help);
			fflush(stdout);
			if (spool_copy(mo->spool[k], stdout) == -1)
				return -1;
		}
		om_eof(&m);
		return 0;
	}
	printf("LISP IPv4 Mapping Cache, %lld entries\n\n", mo->n4);
	fflush(stdout);
	if (spool_copy(mo->spool[0], stdout) == -1)
		return -1;
	if (mo->n6 > 0) {
		printf("\nLISP IPv6 Mapping Cache, %lld entries\n\n", mo->n6);
		fflush(stdout);
		if (spool_copy(mo->spool[1], stdout) == -1)
			return -1;
	}
	fflush(stdout);
	return 0;
}

int
show_map_cache(int argc, char **argv)
{
	struct ctl_opts	 o;
	struct mc_out	 mo;
	json_t		*args;
	char		 err[1024];
	int		 r, k, nspool = 0;

	if ((r = opts(argc, argv, "locictl show map-cache [PREFIX] [--json | --openmetrics]",
	    &o, &args)) != 0)
		return r;
	memset(&mo, 0, sizeof(mo));
	mo.o = &o;
	if (o.json)
		ctl_jarray_begin(&mo.ja, stdout);
	else
		nspool = o.openmetrics ? MCOM_N : 2;
	for (k = 0; k < nspool; k++)
		if ((mo.spool[k] = tmpfile()) == NULL) {
			perror("locictl: tmpfile");
			json_decref(args);
			r = 2;
			goto done;
		}
	if (ctl_call_stream(&o, "show map-cache", args, mc_item, &mo, err,
	    sizeof(err)) == -1) {
		fflush(stdout);
		fprintf(stderr, "locictl: show map-cache: %s\n", err);
		r = 1;
	} else if (mc_finish(&mo) == -1) {
		perror("locictl: show map-cache");
		r = 2;
	}
done:
	for (k = 0; k < nspool; k++)
		if (mo.spool[k] != NULL)
			fclose(mo.spool[k]);
	return r;
}

int
show_database(int argc, char **argv)
{
	const struct fld_table *D = &fld_db, *M = &fld_db_map, *DL = &fld_db_loc,
	    *MS = &fld_db_ms;
	struct ctl_opts o;
	json_t *res, *args, *d, *l;
	char err[1024];
	size_t i, j;
	int r;

	if ((r = opts(argc, argv, "locictl show database [--json]", &o, &args)) != 0)
		return r;
	if (ctl_call(&o, "show database", args, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show database: %s\n", err);
		return 1;
	}
	if (o.json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	printf("%s, %zu entries\n\n", D->f[DB_MAPPINGS].label,
	    json_array_size(fld_get(res, D, DB_MAPPINGS)));
	json_array_foreach(fld_get(res, D, DB_MAPPINGS), i, d) {
		printf("%s, ttl %lld min, locator-set:\n", fld_str(d, M, DM_PREFIX, "?"),
		    fld_int(d, M, DM_TTL, 0));
		printf("  %-40s %-6s %s\n", DL->f[DL_RLOC].label, DL->f[DL_STATE].label,
		    "Pri/Wgt");
		json_array_foreach(fld_get(d, M, DM_LOCATORS), j, l) {
			char pw[48], loc[128];

			snprintf(pw, sizeof(pw), "%lld/%lld", fld_int(l, DL, DL_PRI, 0),
			    fld_int(l, DL, DL_WGT, 0));
			if (fld_get(l, DL, DL_IFACE) != NULL)
				snprintf(loc, sizeof(loc), "%s (%s)",
				    fld_str(l, DL, DL_RLOC, "-"), fld_str(l, DL, DL_IFACE, ""));
			else
				snprintf(loc, sizeof(loc), "%s", fld_str(l, DL, DL_RLOC, "-"));
			printf("  %-40s %-6s %s\n", loc, fld_str(l, DL, DL_STATE, "?"), pw);
		}
	}
	printf("\n%-40s %-20s %-9s %-9s %s\n", MS->f[DS_MS].label, MS->f[DS_STATE].label,
	    MS->f[DS_REGISTERS].label, MS->f[DS_NOTIFIES].label,
	    MS->f[DS_LAST_NOTIFY].label);
	json_array_foreach(fld_get(res, D, DB_MAP_SERVERS), i, d) {
		char when[64] = "never";
		long long t = fld_int(d, MS, DS_LAST_NOTIFY, -1);

		if (t >= 0) {
			time_t s = (time_t)t;
			struct tm tm;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&s, &tm));
		}
		printf("%-40s %-20s %-9lld %-9lld %s\n", fld_str(d, MS, DS_MS, "?"),
		    fld_str(d, MS, DS_STATE, "?"), fld_int(d, MS, DS_REGISTERS, 0),
		    fld_int(d, MS, DS_NOTIFIES, 0), when);
	}
	if (json_is_object(fld_get(res, D, DB_PROXY))) {
		putchar('\n');
		out_generic(stdout, 0, D->f[DB_PROXY].label, fld_get(res, D, DB_PROXY));
	}
	json_decref(res);
	return 0;
}

/* clear site NAME: the Map-Server forgets the site's registrations */
static int
clear_site(int argc, char **argv, int at)
{
	struct ctl_opts o;
	json_t *res;
	char err[1024];
	long long n;

	memset(&o, 0, sizeof(o));
	memmove(argv + at, argv + at + 1, sizeof(*argv) * (size_t)(argc - at));
	argc--;
	if ((argc = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	if (argc != 2 || argv[1][0] == '-') {
		fprintf(stderr, "usage: locictl clear site NAME\n");
		return 2;
	}
	if (ctl_call(&o, "clear site", json_pack("{s:s}", "site", argv[1]), &res, err,
	    sizeof(err)) == -1) {
		fprintf(stderr, "locictl: clear site: %s\n", err);
		return 1;
	}
	n = fld_int(res, &fld_clear, CLR_CLEARED, 0);
	if (o.json)
		ctl_print_json(res);
	else
		printf("cleared %lld registration%s of site %s\n", n, n == 1 ? "" : "s",
		    argv[1]);
	json_decref(res);
	return 0;
}

/* clear stats: every counter of show stats back to zero */
static int
clear_stats(int argc, char **argv, int at)
{
	struct ctl_opts o;
	json_t *res;
	char err[1024];

	memset(&o, 0, sizeof(o));
	memmove(argv + at, argv + at + 1, sizeof(*argv) * (size_t)(argc - at));
	argc--;
	if ((argc = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	if (argc != 1) {
		fprintf(stderr, "usage: locictl clear stats\n");
		return 2;
	}
	if (ctl_call(&o, "clear stats", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: clear stats: %s\n", err);
		return 1;
	}
	if (o.json)
		ctl_print_json(res);
	else
		printf("counters cleared\n");
	json_decref(res);
	return 0;
}

int
cmd_clear(int argc, char **argv)
{
	struct ctl_opts o;
	json_t *res, *args;
	char err[1024];
	long long n;
	int r, i;

	/* options may come before the object: take "map-cache" out */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "map-cache") == 0 || strcmp(argv[i], "site") == 0 ||
		    strcmp(argv[i], "stats") == 0)
			break;
	if (i < argc && strcmp(argv[i], "site") == 0)
		return clear_site(argc, argv, i);
	if (i < argc && strcmp(argv[i], "stats") == 0)
		return clear_stats(argc, argv, i);
	if (i == argc) {
		fprintf(stderr, "usage: locictl clear map-cache [PREFIX] | clear site NAME | clear stats\n");
		return 2;
	}
	memmove(argv + i, argv + i + 1, sizeof(*argv) * (size_t)(argc - i));
	argc--;
	if ((r = opts(argc, argv, "locictl clear map-cache [PREFIX]", &o, &args)) != 0)
		return r;
	if (ctl_call(&o, "clear map-cache", args, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: clear map-cache: %s\n", err);
		return 1;
	}
	n = fld_int(res, &fld_clear, CLR_CLEARED, 0);
	if (o.json)
		ctl_print_json(res);
	else
		printf("cleared %lld map-cache entr%s\n", n, n == 1 ? "y" : "ies");
	json_decref(res);
	return 0;
}
