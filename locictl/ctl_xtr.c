/* locictl show map-cache [PREFIX], show database, clear map-cache [PREFIX]:
 * the xTR's view, in text like Cisco's `show ip lisp map-cache` or --json */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "ctl.h"
#include "locictl.h"

static const char *
str(const json_t *o, const char *k, const char *dflt)
{
	const char *s = json_string_value(json_object_get(o, k));

	return s != NULL ? s : dflt;
}

static long long
num(const json_t *o, const char *k)
{
	return json_integer_value(json_object_get(o, k));
}

static int
call(int argc, char **argv, const char *cmd, const char *usage, json_t **res,
    struct ctl_opts *o)
{
	json_t *args = NULL;
	char err[256];
	int ac;

	memset(o, 0, sizeof(*o));
	if ((ac = ctl_opts_parse(argc, argv, o)) == -1)
		return 2;
	if (ac > 2) {
		fprintf(stderr, "usage: %s\n", usage);
		return 2;
	}
	if (ac == 2)
		args = json_pack("{s:s}", "prefix", argv[1]);
	if (ctl_call(o, cmd, args, res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: %s: %s\n", cmd, err);
		return 1;
	}
	return 0;
}

static void
print_entry(const json_t *e)
{
	char up[32], ex[32];
	const json_t *locs, *l;
	const char *state = str(e, "state", "?");
	size_t i;

	ctl_fmt_age(num(e, "uptime"), up, sizeof(up));
	if (json_is_null(json_object_get(e, "expires")))
		snprintf(ex, sizeof(ex), "never");
	else
		ctl_fmt_age(num(e, "expires"), ex, sizeof(ex));
	printf("%s, uptime: %s, expires: %s, via %s, %s\n", str(e, "prefix", "?"), up,
	    strcmp(state, "pending") == 0 ? "-" : ex, str(e, "source", "?"),
	    strcmp(state, "negative") == 0 ? str(e, "action", state) : state);
	if (strcmp(state, "negative") == 0) {
		printf("  Negative cache entry, action: %s, packets: %lld\n",
		    str(e, "action", "?"), num(e, "packets"));
		return;
	}
	if (strcmp(state, "pending") == 0) {
		printf("  Resolving: %lld map-request(s) sent, %lld packet(s) held\n",
		    num(e, "requests"), num(e, "queued"));
		return;
	}
	locs = json_object_get(e, "locators");
	printf("  %-40s %-6s %-9s %-13s %s\n", "Locator", "State", "Pri/Wgt",
	    "Encap packets", "Probe RTT");
	json_array_foreach(locs, i, l) {
		char pw[16], rtt[32];
		const json_t *r = json_object_get(l, "rtt_ms");

		snprintf(pw, sizeof(pw), "%lld/%lld", num(l, "priority"), num(l, "weight"));
		if (json_is_number(r))
			snprintf(rtt, sizeof(rtt), "%.3f ms", json_number_value(r));
		else
			snprintf(rtt, sizeof(rtt), "-");
		printf("  %-40s %-6s %-9s %-13lld %s\n", str(l, "rloc", "?"),
		    str(l, "state", "?"), pw, num(l, "encap_packets"), rtt);
	}
}

int
show_map_cache(int argc, char **argv)
{
	struct ctl_opts o;
	json_t *res, *e;
	size_t i, n4 = 0, n6 = 0;
	int r;

	if ((r = call(argc, argv, "show map-cache", "locictl show map-cache [PREFIX]",
	    &res, &o)) != 0)
		return r;
	if (o.json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	json_array_foreach(res, i, e) {
		if (strchr(str(e, "prefix", ""), ':') != NULL)
			n6++;
		else
			n4++;
	}
	printf("LISP IPv4 Mapping Cache, %zu entries\n\n", n4);
	json_array_foreach(res, i, e)
		if (strchr(str(e, "prefix", ""), ':') == NULL)
			print_entry(e);
	if (n6 > 0) {
		printf("\nLISP IPv6 Mapping Cache, %zu entries\n\n", n6);
		json_array_foreach(res, i, e)
			if (strchr(str(e, "prefix", ""), ':') != NULL)
				print_entry(e);
	}
	json_decref(res);
	return 0;
}

int
show_database(int argc, char **argv)
{
	struct ctl_opts o;
	json_t *res, *d, *l;
	size_t i, j;
	int r;

	if ((r = call(argc, argv, "show database", "locictl show database", &res, &o)) != 0)
		return r;
	if (o.json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	printf("LISP ETR database, %zu entries\n\n",
	    json_array_size(json_object_get(res, "mappings")));
	json_array_foreach(json_object_get(res, "mappings"), i, d) {
		printf("%s, ttl %lld min, locator-set:\n", str(d, "prefix", "?"), num(d, "ttl"));
		printf("  %-40s %-6s %s\n", "Locator", "State", "Pri/Wgt");
		json_array_foreach(json_object_get(d, "locators"), j, l) {
			char pw[16], loc[80];

			snprintf(pw, sizeof(pw), "%lld/%lld", num(l, "priority"), num(l, "weight"));
			if (json_object_get(l, "interface") != NULL)
				snprintf(loc, sizeof(loc), "%s (%s)", str(l, "rloc", "-"),
				    str(l, "interface", ""));
			else
				snprintf(loc, sizeof(loc), "%s", str(l, "rloc", "-"));
			printf("  %-40s %-6s %s\n", loc, str(l, "state", "?"), pw);
		}
	}
	printf("\n%-40s %-20s %-9s %-9s %s\n", "Map-Server", "State", "Registers",
	    "Notifies", "Last Map-Notify");
	json_array_foreach(json_object_get(res, "map_servers"), i, d) {
		char when[64] = "never";
		json_t *t = json_object_get(d, "last_map_notify");

		if (json_is_integer(t)) {
			time_t s = (time_t)json_integer_value(t);
			struct tm tm;

			strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", localtime_r(&s, &tm));
		}
		printf("%-40s %-20s %-9lld %-9lld %s\n", str(d, "map_server", "?"),
		    str(d, "state", "?"), num(d, "registers"), num(d, "notifies"), when);
	}
	json_decref(res);
	return 0;
}

int
cmd_clear(int argc, char **argv)
{
	struct ctl_opts o;
	json_t *res;
	int r, i;

	/* options may come before the object: take "map-cache" out */
	for (i = 1; i < argc; i++)
		if (strcmp(argv[i], "map-cache") == 0)
			break;
	if (i == argc) {
		fprintf(stderr, "usage: locictl clear map-cache [PREFIX]\n");
		return 2;
	}
	memmove(argv + i, argv + i + 1, sizeof(*argv) * (size_t)(argc - i));
	argc--;
	if ((r = call(argc, argv, "clear map-cache", "locictl clear map-cache [PREFIX]",
	    &res, &o)) != 0)
		return r;
	if (o.json)
		ctl_print_json(res);
	else
		printf("cleared %lld map-cache entr%s\n", num(res, "cleared"),
		    num(res, "cleared") == 1 ? "y" : "ies");
	json_decref(res);
	return 0;
}
