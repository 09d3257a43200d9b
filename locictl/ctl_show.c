/* locictl show site [NAME] [--detail], show stats; show map-cache and show
 * database are handed to ctl_xtr.c */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ctl.h"
#include "locictl.h"

/* until ctl_xtr.c is linked in, "show map-cache" says so instead of failing to link */
#pragma weak show_map_cache
#pragma weak show_database

static const char *
str(const json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : dflt;
}

static long long
num(const json_t *o, const char *k, long long dflt)
{
	json_t *v = json_object_get(o, k);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

static void
print_site_table(const json_t *rows)
{
	size_t		 i;
	const json_t	*r;
	char		 age[32];
	const char	*prev = NULL;

	printf("%-16s %-10s %-4s %-28s %-8s %s\n", "Site Name", "Last", "Up",
	    "Who Last", "Inst", "EID Prefix");
	printf("%-16s %-10s %-4s %-28s %-8s\n", "", "Register", "",
	    "Registered", "ID");
	json_array_foreach(rows, i, r) {
		const char *site = str(r, "site", "?");

		printf("%-16s %-10s %-4s %-28s %-8lld %s%s\n",
		    prev != NULL && strcmp(prev, site) == 0 ? "" : site,
		    ctl_fmt_age(json_is_null(json_object_get(r, "last_register")) ?
		    -1 : num(r, "last_register_ago", 0), age, sizeof(age)),
		    str(r, "up", "no"), str(r, "who_last_registered", "--"),
		    num(r, "iid", 0), str(r, "eid_prefix", "?"),
		    json_is_true(json_object_get(r, "configured")) ? "" :
		    " (more-specific)");
		prev = site;
	}
}

static void
print_site_detail(const json_t *rows)
{
	size_t		 i, j, k;
	const json_t	*r, *g, *loc, *v;
	const char	*prev = NULL, *key;
	char		 age[32];

	json_array_foreach(rows, i, r) {
		const char *site = str(r, "site", "?");

		if (prev == NULL || strcmp(prev, site) != 0) {
			printf("%sSite name: %s\n", prev != NULL ? "\n" : "", site);
			if (json_object_get(r, "description") != NULL)
				printf("Description: %s\n", str(r, "description", ""));
			printf("Proxy-reply forced: %s\n",
			    json_is_true(json_object_get(r, "force_proxy_reply")) ?
			    "yes" : "no");
			printf("Registers accepted: %lld\n",
			    num(r, "site_registers_accepted", 0));
			json_object_foreach((json_t *)json_object_get(r, "site_refused"), key, v)
				printf("Registers refused, %s: %lld\n", key,
				    (long long)json_integer_value(v));
		}
		prev = site;
		printf("  EID-prefix: %s (instance %lld)%s\n", str(r, "eid_prefix", "?"),
		    num(r, "iid", 0), json_is_true(json_object_get(r, "configured")) ?
		    "" : ", registered more-specific");
		printf("    Up: %s, accept more-specifics: %s, registrations: %lld\n",
		    str(r, "up", "no"),
		    json_is_true(json_object_get(r, "accept_more_specifics")) ? "yes" : "no",
		    num(r, "registrations", 0));
		json_array_foreach(json_object_get(r, "details"), j, g) {
			printf("    ETR %s, port %lld, last registered %s ago, registers %lld\n",
			    str(g, "source", "?"), num(g, "source_port", 0),
			    ctl_fmt_age((long long)num(r, "last_register_ago", 0), age,
			    sizeof(age)), num(g, "registers", 0));
			printf("      proxy-reply: %s, want map-notify: %s, TTL %lld min%s, expires in %lld s\n",
			    json_is_true(json_object_get(g, "proxy_reply")) ? "yes" : "no",
			    json_is_true(json_object_get(g, "want_map_notify")) ? "yes" : "no",
			    num(g, "ttl", 0),
			    json_is_true(json_object_get(g, "ttl_is_lifetime")) ?
			    " (lifetime)" : "", num(g, "expires_in", 0));
			if (json_object_get(g, "xtr_id") != NULL)
				printf("      xTR-ID %s, site-ID %lld\n",
				    str(g, "xtr_id", ""), num(g, "site_id", 0));
			printf("      %-40s %-6s %-6s %s\n", "Locator", "Local",
			    "State", "Pri/Wgt");
			json_array_foreach(json_object_get(g, "rlocs"), k, loc)
				printf("      %-40s %-6s %-6s %lld/%lld\n",
				    str(loc, "address", "?"),
				    json_is_true(json_object_get(loc, "local")) ? "yes" : "no",
				    json_is_true(json_object_get(loc, "reachable")) ? "up" : "down",
				    num(loc, "priority", 0), num(loc, "weight", 0));
		}
	}
}

static int
show_site(const struct ctl_opts *o, int argc, char **argv)
{
	json_t	*args = json_object(), *res;
	char	 err[1024];
	int	 i, detail = 0;

	for (i = 2; i < argc; i++) {
		if (strcmp(argv[i], "--detail") == 0 || strcmp(argv[i], "detail") == 0)
			detail = 1;
		else if (argv[i][0] == '-') {
			fprintf(stderr, "usage: locictl show site [NAME] [--detail] [--json]\n");
			json_decref(args);
			return 2;
		} else
			json_object_set_new(args, "name", json_string(argv[i]));
	}
	if (detail)
		json_object_set_new(args, "detail", json_true());
	if (ctl_call(o, "show site", args, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show site: %s\n", err);
		return 1;
	}
	if (o->json)
		ctl_print_json(res);
	else if (detail)
		print_site_detail(res);
	else
		print_site_table(res);
	json_decref(res);
	return 0;
}

static int
show_stats(const struct ctl_opts *o)
{
	json_t		*res, *rx, *tx, *v;
	char		 err[1024];
	const char	*k;
	static const char *const types[] = { "map-request", "map-reply",
	    "map-register", "map-notify", "map-notify-ack", "map-referral",
	    "info", "ecm" };
	size_t		 i;

	if (ctl_call(o, "show stats", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show stats: %s\n", err);
		return 1;
	}
	if (o->json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	rx = json_object_get(res, "rx");
	tx = json_object_get(res, "tx");
	printf("%-18s %12s %12s\n", "Message", "Received", "Sent");
	for (i = 0; i < sizeof(types) / sizeof(types[0]); i++)
		printf("%-18s %12lld %12lld\n", types[i],
		    (long long)json_integer_value(json_object_get(rx, types[i])),
		    (long long)json_integer_value(json_object_get(tx, types[i])));
	printf("%-18s %12lld\n", "undecodable",
	    (long long)json_integer_value(json_object_get(res, "rx_bad")));
	printf("\nDrops by reason:\n");
	json_object_foreach(json_object_get(res, "drops"), k, v)
		printf("  %-48s %12lld\n", k, (long long)json_integer_value(v));
	if ((rx = json_object_get(res, "xtr")) != NULL && json_object_size(rx) > 0) {
		printf("\nxTR:\n");
		json_object_foreach(rx, k, v) {
			if (json_is_integer(v))
				printf("  %-48s %12lld\n", k, (long long)json_integer_value(v));
			else {
				char *s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);

				printf("  %-48s %s\n", k, s != NULL ? s : "");
				free(s);
			}
		}
	}
	json_decref(res);
	return 0;
}

int
cmd_show(int argc, char **argv)
{
	struct ctl_opts	 o = { NULL, 0 };
	int		 ac;

	if ((ac = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	if (ac < 2) {
		fprintf(stderr, "usage: locictl show site|stats|map-cache|database ...\n");
		return 2;
	}
	if (strcmp(argv[1], "site") == 0)
		return show_site(&o, ac, argv);
	if (strcmp(argv[1], "stats") == 0)
		return show_stats(&o);
	if (strcmp(argv[1], "map-cache") == 0 || strcmp(argv[1], "database") == 0) {
		/* hand the original options on: argv[0] show, options, rest */
		char	*av[ac + 4];
		int	 n = 0, i;

		av[n++] = argv[1];
		av[n++] = "-s";
		av[n++] = (char *)o.sock;
		if (o.json)
			av[n++] = "--json";
		for (i = 2; i < ac; i++)
			av[n++] = argv[i];
		av[n] = NULL;
		if (show_map_cache == NULL || show_database == NULL) {
			fprintf(stderr, "locictl: show %s: not built in\n", argv[1]);
			return 2;
		}
		return strcmp(argv[1], "map-cache") == 0 ? show_map_cache(n, av) :
		    show_database(n, av);
	}
	fprintf(stderr, "locictl: show: unknown object \"%s\"\n", argv[1]);
	return 2;
}
