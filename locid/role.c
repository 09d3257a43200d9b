/* the role table: adding a role is one file with its row and one line
 * here. start order matters: the Map-Server sets up the resolver backend
 * the Map-Resolver resolves through */
#include <stddef.h>

#include "core.h"

extern const struct role role_ms, role_natms, role_mr, role_xtr, role_rtr;

const struct role *const role_table[] = {
	&role_ms,
	&role_natms,
	&role_mr,
	&role_rtr,	/* before the xTR: its "show nat" is the one shown */
	&role_xtr,
	NULL,
};
