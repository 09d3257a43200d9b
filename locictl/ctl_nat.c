/* locictl show nat: the xTR's NAT detection, one line per uplink and
 * Map-Server: its state, the global address and port the Map-Server saw,
 * the RTRs offered */
#include <stdio.h>
#include <string.h>

#include "ctl.h"
#include "fields.h"

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
