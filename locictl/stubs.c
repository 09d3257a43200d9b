/* weak placeholders for commands written in their own ctl_*.c; a strong
 * definition elsewhere replaces them at link time */
#include <stdio.h>

#include "locictl.h"

static int
stub(const char *name)
{
	fprintf(stderr, "locictl: %s: not yet implemented\n", name);
	return 2;
}

__attribute__((weak)) int
cmd_show(int argc, char **argv)
{
	return stub("show");
}

__attribute__((weak)) int
cmd_lig(int argc, char **argv)
{
	return stub("lig");
}

__attribute__((weak)) int
cmd_reload(int argc, char **argv)
{
	return stub("reload");
}

__attribute__((weak)) int
cmd_clear(int argc, char **argv)
{
	return stub("clear");
}
