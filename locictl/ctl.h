/* locictl: the control-socket client and the options every command shares */
#ifndef LOCICTL_CTL_H
#define LOCICTL_CTL_H

#include <stddef.h>

#include <jansson.h>

#define CTL_DEFAULT_SOCKET	"/run/locid.sock"

struct ctl_opts {
	const char	*sock;		/* -s/--socket, else $LOCID_SOCKET, else the default */
	int		 json;		/* --json */
};

/* take -s SOCKET, --socket SOCKET and --json out of argv[1..] (anywhere);
 * argv is compacted, the new argc is returned, or -1 (message printed)
 * when -s has no value */
int	ctl_opts_parse(int argc, char **argv, struct ctl_opts *);

/* send {"cmd": cmd, "args": req} (req may be NULL; the reference is
 * stolen) to the daemon and wait for its reply. 0 with *result (a new
 * reference) when the daemon said ok; -1 with err filled otherwise
 * (connection failure or the daemon's error message). */
int	ctl_request(const char *sockpath, json_t *req, json_t **result,
	    char *err, size_t errlen);
/* the same with the command name and args object separately */
int	ctl_call(const struct ctl_opts *, const char *cmd, json_t *args,
	    json_t **result, char *err, size_t errlen);

/* print a JSON value, indented, with a newline */
void	ctl_print_json(const json_t *);
/* "00:01:05" for seconds, "never" for < 0 */
char	*ctl_fmt_age(long long secs, char *buf, size_t len);

/* written by the xTR engineer in ctl_xtr.c; cmd_show dispatches to them */
int	show_map_cache(int argc, char **argv);
int	show_database(int argc, char **argv);

#endif
