/* locictl reload: the daemon parses its configuration file again; a bad
 * file is refused and the running configuration stays */
#include <stdio.h>

#include <string.h>

#include "ctl.h"
#include "fields.h"
#include "locictl.h"

int
cmd_reload(int argc, char **argv)
{
	struct ctl_opts	 o;
	json_t		*res;
	char		 err[1024];
	int		 ac;

	memset(&o, 0, sizeof(o));
	if ((ac = ctl_opts_parse(argc, argv, &o)) == -1)
		return 2;
	if (ac != 1) {
		fprintf(stderr, "usage: locictl reload [--json]\n");
		return 2;
	}
	if (ctl_call(&o, "reload", NULL, &res, err, sizeof(err)) == -1) {
		if (o.json) {
			json_t *j = json_pack("{s:b, s:s}", "reloaded", 0, "error", err);

			ctl_print_json(j);
			json_decref(j);
		} else
			fprintf(stderr, "locictl: reload refused: %s\n", err);
		return 1;
	}
	if (o.json)
		ctl_print_json(res);
	else {
		const char *role;
		json_t *v;

		printf("reloaded %s\n", fld_str(res, &fld_reload, RL_CONFIG, ""));
		json_object_foreach(fld_get(res, &fld_reload, RL_ROLES), role, v) {
			if (json_is_string(v))
				printf("  %s: %s\n", role, json_string_value(v));
			else
				printf("  %s: %s (%s)\n", role,
				    fld_str(v, &fld_reload_role, RR_RESULT, "?"),
				    fld_str(v, &fld_reload_role, RR_REASON, ""));
		}
	}
	json_decref(res);
	return 0;
}
