/* the role table: adding a role is one file with its row and one line
 * here. start order matters: the Map-Server sets up the resolver backend
 * the Map-Resolver resolves through, and the xTR's state before the rows
 * that use it */
#include <stddef.h>

#include "core.h"

extern const struct role role_ms, role_natms, role_ddt, role_ddtmr, role_mr, role_xtr, role_rtr;
extern const struct role role_itr, role_etr, role_pitr, role_petr;

const struct role *const role_table[] = {
	&role_ms,
	&role_natms,
	&role_ddt,
	&role_ddtmr,
	&role_mr,
	&role_rtr,	/* before the xTR: its "show nat" is the one shown */
	&role_xtr,	/* the map-cache, database and data plane of the four: */
	&role_itr,
	&role_etr,
	&role_pitr,
	&role_petr,
	NULL,
};
