/* locictl show site [NAME] [--detail], show stats; show map-cache and show
 * database are handed to ctl_xtr.c. values are read through the field
 * tables of fields.c. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "fields.h"
#include "locictl.h"

#define S	(&fld_site)
#define R	(&fld_reg)
#define L	(&fld_reg_rloc)

struct site_out {
	const struct ctl_opts	*o;
	int			 detail;
	char			*prev;		/* site of the last row */
	struct ctl_jarray	 ja;
	int			 hdr;		/* text table header printed */
	/* --openmetrics: prefixes per site (sites are few: a list) */
	struct site_count {
		char		*name;
		long long	 prefixes, registered;
	}			*counts;
	size_t			 ncounts;
};

static int
site_changed(struct site_out *so, const char *site)
{
	int changed = so->prev == NULL || strcmp(so->prev, site) != 0;

	if (changed) {
		free(so->prev);
		so->prev = strdup(site);
	}
	return changed;
}

static void
site_row_text(struct site_out *so, const json_t *r)
{
	const char	*site = fld_str(r, S, SITE_SITE, "?");
	char		 age[32];
	int		 first = site_changed(so, site);

	printf("%-16s %-10s %-4s %-28s %-8lld %s%s\n", first ? site : "",
	    ctl_fmt_age(fld_null(r, S, SITE_LAST) ? -1 :
	    fld_int(r, S, SITE_LAST_AGO, 0), age, sizeof(age)),
	    fld_bool(r, S, SITE_REGISTERED) ? "yes" : "no", fld_str(r, S, SITE_WHO, "--"),
	    fld_int(r, S, SITE_IID, 0), fld_str(r, S, SITE_PREFIX, "?"),
	    fld_bool(r, S, SITE_CONFIGURED) ? "" : " (more-specific)");
}

static void
site_row_detail(struct site_out *so, const json_t *r)
{
	const char	*site = fld_str(r, S, SITE_SITE, "?"), *key;
	const json_t	*g, *loc, *v;
	size_t		 j, k;
	char		 age[32];
	int		 first = so->prev == NULL;

	if (site_changed(so, site)) {
		printf("%sSite name: %s\n", first ? "" : "\n", site);
		if (fld_get(r, S, SITE_DESCR) != NULL)
			printf("Description: %s\n", fld_str(r, S, SITE_DESCR, ""));
		printf("Proxy-reply forced: %s\n",
		    fld_bool(r, S, SITE_FORCE_PROXY) ? "yes" : "no");
		printf("Registers accepted: %lld\n", fld_int(r, S, SITE_ACCEPTED, 0));
		json_object_foreach(fld_get(r, S, SITE_REFUSED), key, v)
			printf("Registers refused, %s: %lld\n", key,
			    (long long)json_integer_value(v));
	}
	printf("  EID-prefix: %s (instance %lld)%s\n", fld_str(r, S, SITE_PREFIX, "?"),
	    fld_int(r, S, SITE_IID, 0), fld_bool(r, S, SITE_CONFIGURED) ?
	    "" : ", registered more-specific");
	printf("    Up: %s, accept more-specifics: %s, registrations: %lld\n",
	    fld_bool(r, S, SITE_REGISTERED) ? "yes" : "no",
	    fld_bool(r, S, SITE_MORE_SPECIFICS) ? "yes" : "no",
	    fld_int(r, S, SITE_REGISTRATIONS, 0));
	json_array_foreach(fld_get(r, S, SITE_DETAILS), j, g) {
		/* this ETR's own last register, not the prefix's */
		printf("    ETR %s, port %lld, last registered %s ago, registers %lld\n",
		    fld_str(g, R, REG_SOURCE, "?"), fld_int(g, R, REG_PORT, 0),
		    ctl_fmt_age(fld_int(g, R, REG_LAST_AGO, -1), age, sizeof(age)),
		    fld_int(g, R, REG_REGISTERS, 0));
		printf("      proxy-reply: %s, want map-notify: %s, TTL %lld min%s, expires in %lld s\n",
		    fld_bool(g, R, REG_PROXY) ? "yes" : "no",
		    fld_bool(g, R, REG_NOTIFY) ? "yes" : "no",
		    fld_int(g, R, REG_TTL, 0),
		    fld_bool(g, R, REG_TTL_LIFETIME) ? " (lifetime)" : "",
		    fld_int(g, R, REG_EXPIRES, 0));
		if (fld_get(g, R, REG_XTR_ID) != NULL)
			printf("      xTR-ID %s, site-ID %lld\n",
			    fld_str(g, R, REG_XTR_ID, ""), fld_int(g, R, REG_SITE_ID, 0));
		printf("      %-40s %-6s %-6s %s\n", L->f[RRLOC_ADDR].label,
		    L->f[RRLOC_LOCAL].label, L->f[RRLOC_REACH].label, "Pri/Wgt");
		json_array_foreach(fld_get(g, R, REG_RLOCS), k, loc)
			printf("      %-40s %-6s %-6s %lld/%lld\n",
			    fld_str(loc, L, RRLOC_ADDR, "?"),
			    fld_bool(loc, L, RRLOC_LOCAL) ? "yes" : "no",
			    fld_bool(loc, L, RRLOC_REACH) ? "up" : "down",
			    fld_int(loc, L, RRLOC_PRI, 0), fld_int(loc, L, RRLOC_WGT, 0));
	}
}

static int
site_count(struct site_out *so, const json_t *r)
{
	const char	*site = fld_str(r, S, SITE_SITE, "?");
	struct site_count *c, *nc;
	size_t		 i;

	for (i = 0; i < so->ncounts; i++)
		if (strcmp(so->counts[i].name, site) == 0)
			break;
	if (i == so->ncounts) {
		if ((nc = realloc(so->counts, (i + 1) * sizeof(*nc))) == NULL)
			return -1;
		so->counts = nc;
		if ((nc[i].name = strdup(site)) == NULL)
			return -1;
		nc[i].prefixes = nc[i].registered = 0;
		so->ncounts++;
	}
	c = &so->counts[i];
	c->prefixes++;
	c->registered += fld_bool(r, S, SITE_REGISTERED);
	return 0;
}

static void
site_header(struct site_out *so)
{
	if (so->hdr++ > 0)
		return;
	printf("%-16s %-10s %-4s %-28s %-8s %s\n", "Site Name", "Last", "Up",
	    "Who Last", "Inst", "EID Prefix");
	printf("%-16s %-10s %-4s %-28s %-8s\n", "", "Register", "",
	    "Registered", "ID");
}

static int
site_item(void *arg, json_t *r)
{
	struct site_out *so = arg;

	if (so->o->json)
		return ctl_jarray_item(&so->ja, r);
	if (so->o->openmetrics)
		return site_count(so, r);
	if (so->detail)
		site_row_detail(so, r);
	else {
		site_header(so);
		site_row_text(so, r);
	}
	return 0;
}

static void
site_openmetrics(struct site_out *so)
{
	struct om	 m;
	size_t		 i;
	const struct fld *f = &S->f[SITE_REGISTERED];

	om_begin(&m, stdout);
	om_family(&m, f->om_name, f->om, f->om_help);
	for (i = 0; i < so->ncounts; i++)
		om_sample(&m, (double)so->counts[i].registered, "site",
		    so->counts[i].name, NULL);
	om_family(&m, "locid_site_prefixes", OM_GAUGE,
	    "EID-prefixes shown, configured or registered more-specific, per site");
	for (i = 0; i < so->ncounts; i++)
		om_sample(&m, (double)so->counts[i].prefixes, "site",
		    so->counts[i].name, NULL);
	om_eof(&m);
}

static int
show_site(const struct ctl_opts *o, int argc, char **argv)
{
	struct site_out	 so;
	json_t		*args = json_object();
	char		 err[1024];
	int		 i, rc;
	size_t		 k;

	memset(&so, 0, sizeof(so));
	so.o = o;
	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--detail") == 0 || strcmp(argv[i], "detail") == 0)
			so.detail = 1;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: locictl show site [NAME] [--detail] [--json | --openmetrics]\n");
			json_decref(args);
			return 2;
		} else
			json_object_set_new(args, "name", json_string(argv[i]));
	}
	if (so.detail)
		json_object_set_new(args, "detail", json_true());
	if (o->json)
		ctl_jarray_begin(&so.ja, stdout);
	rc = ctl_call_stream(o, "show site", args, site_item, &so, err, sizeof(err));
	if (rc == 0 && o->json)
		ctl_jarray_end(&so.ja);
	if (rc == 0 && o->openmetrics)
		site_openmetrics(&so);
	if (rc == 0 && !o->json && !o->openmetrics && !so.detail)
		site_header(&so);
	fflush(stdout);
	for (k = 0; k < so.ncounts; k++)
		free(so.counts[k].name);
	free(so.counts);
	free(so.prev);
	if (rc == -1) {
		fprintf(stderr, "locictl: show site: %s\n", err);
		return 1;
	}
	return 0;
}

static int
show_stats(const struct ctl_opts *o)
{
	json_t	*res;
	char	 err[1024];

	if (ctl_call(o, "show stats", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show stats: %s\n", err);
		return 1;
	}
	if (o->json)
		out_json(stdout, res);
	else if (o->openmetrics)
		stats_openmetrics(stdout, res);
	else
		stats_text(stdout, res);
	json_decref(res);
	return 0;
}

/* the daemon's version beside locictl's own */
static int
show_version(const struct ctl_opts *o)
{
	json_t		*res, *r;
	char		 err[1024];
	size_t		 i;

	if (ctl_call(o, "show version", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show version: %s\n", err);
		return 1;
	}
	if (o->json)
		out_json(stdout, res);	/* the daemon's reply, as its schema says */
	else {
		printf("locictl %s\n", LOCID_VERSION);
		printf("locid %s, control protocol %lld, JSON schema %lld, roles:",
		    fld_str(res, &fld_version, VER_VERSION, "unknown"),
		    fld_int(res, &fld_version, VER_PROTOCOL, 0),
		    fld_int(res, &fld_version, VER_SCHEMA, 0));
		json_array_foreach(fld_get(res, &fld_version, VER_ROLES), i, r)
			printf(" %s", json_string_value(r));
		printf("\n");
	}
	json_decref(res);
	return 0;
}

/* the configuration in force, as `locid -nv` prints it, keys redacted */
static int
show_running_config(const struct ctl_opts *o)
{
	json_t	*res;
	char	 err[1024];

	if (ctl_call(o, "show running-config", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show running-config: %s\n", err);
		return 1;
	}
	if (o->json)
		out_json(stdout, res);
	else
		fputs(json_string_value(json_object_get(res, "config")) != NULL ?
		    json_string_value(json_object_get(res, "config")) : "", stdout);
	json_decref(res);
	return 0;
}

int
cmd_show(int argc, char **argv)
{
	struct ctl_opts	 o;
	int		 ac;

	memset(&o, 0, sizeof(o));
	if ((ac = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	if (ac < 2) {
		fprintf(stderr, "usage: locictl show site|stats|metrics|map-cache|database|nat|running-config|referral-cache|subscriptions|version ...\n");
		return 2;
	}
	if (o.json && o.openmetrics) {
		fprintf(stderr, "locictl: --json and --openmetrics exclude each other\n");
		return 2;
	}
	if (strcmp(argv[1], "site") == 0)
		return show_site(&o, ac, argv);
	if (strcmp(argv[1], "stats") == 0)
		return show_stats(&o);
	if (strcmp(argv[1], "metrics") == 0 && !o.json) {
		o.openmetrics = 1;	/* what metrics-listen serves */
		return show_stats(&o);
	}
	if (strcmp(argv[1], "version") == 0)
		return show_version(&o);
	if (strcmp(argv[1], "nat") == 0)
		return show_nat(&o);
	if (strcmp(argv[1], "running-config") == 0)
		return show_running_config(&o);
	if (strcmp(argv[1], "referral-cache") == 0)
		return show_referral_cache(&o);
	if (strcmp(argv[1], "subscriptions") == 0)
		return show_subscriptions(&o);
	if (strcmp(argv[1], "map-cache") == 0 || strcmp(argv[1], "database") == 0) {
		/* hand the original options on: argv[0] show, options, rest */
		char	*av[ac + 5];
		int	 n = 0, i;

		av[n++] = argv[1];
		av[n++] = "-s";
		av[n++] = (char *)o.sock;
		if (o.json)
			av[n++] = "--json";
		if (o.openmetrics)
			av[n++] = "--openmetrics";
		for (i = 2; i < ac; i++)
			av[n++] = argv[i];
		av[n] = NULL;
		return strcmp(argv[1], "map-cache") == 0 ? show_map_cache(n, av) :
		    show_database(n, av);
	}
	fprintf(stderr, "locictl: show: unknown object \"%s\"\n", argv[1]);
	return 2;
}
