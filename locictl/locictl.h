/* locictl commands. each takes the arguments from its own name on
 * (argv[0] is the command name); global options given before the command
 * (-s SOCKET, --json) are passed on right after argv[0]. a command returns
 * the process exit status: 0 ok, 1 failure, 2 usage or I/O error. */
#ifndef LOCICTL_H
#define LOCICTL_H

/* from the VERSION file through the Makefile */
#ifndef LOCID_VERSION
#define LOCID_VERSION	"unknown"
#endif

int	cmd_decode(int argc, char **argv);
int	cmd_show(int argc, char **argv);
int	cmd_lig(int argc, char **argv);
int	cmd_reload(int argc, char **argv);
int	cmd_clear(int argc, char **argv);
int	cmd_monitor(int argc, char **argv);

#endif
