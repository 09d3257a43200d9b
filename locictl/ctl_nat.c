/* locictl show nat: the xTR's NAT detection, one line per uplink and
 * Map-Server: its state, the global address and port the Map-Server saw,
 * the RTRs offered */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "fields.h"

/* the RTR's view: the xTRs behind NAT it serves */
static void
show_rtr(const json_t *res)
{
	const struct fld_table	*N = &fld_nat, *X = &fld_nat_xtr;
	json_t			*x, *e;
	char			 glob[80], eids[256], exp[32];
	size_t			 i, j;

	printf("%s: %zu\n", N->f[NAT_XTRS].label,
	    json_array_size(fld_get(res, N, NAT_XTRS)));
	printf("%-34s %-8s %-30s %-16s %-8s %s\n", X->f[NX_XTR_ID].label,
	    X->f[NX_STATE].label, X->f[NX_GLOBAL].label, X->f[NX_PRIVATE].label,
	    X->f[NX_EXPIRES].label, X->f[NX_EIDS].label);
	json_array_foreach(fld_get(res, N, NAT_XTRS), i, x) {
		if (fld_null(x, X, NX_GLOBAL))
			snprintf(glob, sizeof(glob), "-");
		else
			snprintf(glob, sizeof(glob), "%s:%lld",
			    fld_str(x, X, NX_GLOBAL, "?"),
			    fld_int(x, X, NX_GLOBAL_PORT, 0));
		if (fld_null(x, X, NX_EXPIRES))
			snprintf(exp, sizeof(exp), "-");
		else
			ctl_fmt_age(fld_int(x, X, NX_EXPIRES, 0), exp, sizeof(exp));
		eids[0] = '\0';
		json_array_foreach(fld_get(x, X, NX_EIDS), j, e)
			snprintf(eids + strlen(eids), sizeof(eids) - strlen(eids),
			    "%s%s", j ? "," : "", json_string_value(e) ?
			    json_string_value(e) : "?");
		printf("%-34s %-8s %-30s %-16s %-8s %s\n",
		    fld_str(x, X, NX_XTR_ID, "?"), fld_str(x, X, NX_STATE, "?"),
		    glob, fld_null(x, X, NX_PRIVATE) ? "-" :
		    fld_str(x, X, NX_PRIVATE, "?"), exp, eids[0] ? eids : "-");
	}
}

int
show_nat(struct ctl_opts *o)
{
	const struct fld_table	*N = &fld_nat, *U = &fld_nat_uplink;
	json_t			*res, *u, *r;
	char			 err[1024], glob[80], rtrs[512], last[32];
	size_t			 i, j;

	if (ctl_call(o, "show nat", NULL, &res, err, sizeof(err)) == -1) {
		fprintf(stderr, "locictl: show nat: %s\n", err);
		return 1;
	}
	if (o->json) {
		ctl_print_json(res);
		json_decref(res);
		return 0;
	}
	if (fld_bool(res, N, NAT_RTR)) {
		show_rtr(res);
		json_decref(res);
		return 0;
	}
	printf("%s: %s, %zu uplink(s)\n", N->f[NAT_ENABLED].label,
	    fld_bool(res, N, NAT_ENABLED) ? "on" : "off",
	    json_array_size(fld_get(res, N, NAT_UPLINKS)));
	printf("%-24s %-24s %-11s %-30s %-9s %s\n", U->f[NU_UPLINK].label,
	    U->f[NU_MS].label, U->f[NU_STATE].label, U->f[NU_GLOBAL].label,
	    U->f[NU_LAST_REPLY].label, U->f[NU_RTRS].label);
	json_array_foreach(fld_get(res, N, NAT_UPLINKS), i, u) {
		if (fld_null(u, U, NU_GLOBAL))
			snprintf(glob, sizeof(glob), "-");
		else
			snprintf(glob, sizeof(glob), "%s:%lld",
			    fld_str(u, U, NU_GLOBAL, "?"),
			    fld_int(u, U, NU_GLOBAL_PORT, 0));
		if (fld_null(u, U, NU_LAST_REPLY))
			snprintf(last, sizeof(last), "never");
		else
			ctl_fmt_age(fld_int(u, U, NU_LAST_REPLY, 0), last, sizeof(last));
		rtrs[0] = '\0';
		json_array_foreach(fld_get(u, U, NU_RTRS), j, r)
			snprintf(rtrs + strlen(rtrs), sizeof(rtrs) - strlen(rtrs),
			    "%s%s", j ? "," : "", json_string_value(r) ?
			    json_string_value(r) : "?");
		printf("%-24s %-24s %-11s %-30s %-9s %s\n",
		    fld_str(u, U, NU_UPLINK, "?"), fld_str(u, U, NU_MS, "?"),
		    fld_str(u, U, NU_STATE, "?"), glob, last,
		    rtrs[0] ? rtrs : "-");
	}
	json_decref(res);
	return 0;
}
