/* locictl: the control-socket client (protocol v1, see locictl(8)) and the
 * options every command shares */
#ifndef LOCICTL_CTL_H
#define LOCICTL_CTL_H

#include <stddef.h>
#include <stdio.h>

#include <jansson.h>

#define CTL_DEFAULT_SOCKET	"/run/locid.sock"
#define CTL_LINE_MAX		(64u << 20)	/* one reply line (a protocol-0 reply is one line: the old whole-reply cap) */
#define CTL_TIMEOUT_MS		10000		/* per read, not per reply */

struct ctl_opts {
	const char	*sock;		/* -s/--socket, else $LOCID_SOCKET, else the default */
	int		 json;		/* --json */
	int		 openmetrics;	/* --openmetrics */
};

/* take -s SOCKET, --socket SOCKET, --json and --openmetrics out of
 * argv[1..] (anywhere); argv is compacted, the new argc is returned, or -1
 * (message printed) when -s has no value */
int	ctl_opts_parse(int argc, char **argv, struct ctl_opts *);
/* ctl_ddt.c */
int	show_referral_cache(const struct ctl_opts *);
int	clear_referral_cache(const struct ctl_opts *);
int	show_subscriptions(const struct ctl_opts *);

/* the JSON schema this locictl reads (the daemon's CTL_SCHEMA): a newer
 * daemon's text views may miss what it renamed */
#define LOCICTL_SCHEMA	1

/* one connection to the daemon; several requests may follow each other */
struct ctl_conn {
	int		 fd;
	char		*buf;		/* bytes read, not yet taken as lines */
	size_t		 len, cap, off;
	size_t		 line_max;	/* CTL_LINE_MAX unless a test lowers it */
	int		 timeout_ms;	/* CTL_TIMEOUT_MS */
	/* what the last reply was, for callers and tests */
	int		 version;	/* 0: no "v" in the reply */
	int		 schema;	/* 0: no "schema" (before v1) */
	int		 warned;	/* the schema warning was printed */
	int		 streamed;
	long long	 items;		/* items handed to the callback */
	size_t		 cap_peak;	/* largest line buffer held */
	unsigned long	 reads;		/* read(2) calls, for tests */
};

/* an item of a streamed reply (borrowed: incref to keep it); return -1 to
 * stop reading (the reply then fails with "stopped") */
typedef int	(*ctl_item_fn)(void *arg, json_t *item);

/* connect to a UNIX socket; -1 with err filled */
int	ctl_conn_open(struct ctl_conn *, const char *sockpath, char *err,
	    size_t errlen);
/* take over a connected descriptor (tests use a socketpair) */
void	ctl_conn_init(struct ctl_conn *, int fd);
void	ctl_conn_close(struct ctl_conn *);

/* send {"v":1,"cmd":cmd,"args":args} (args may be NULL; the reference is
 * stolen) and read the reply.
 * each == NULL: 0 with *result (a new reference); a streamed reply's items
 * come back in *result as one array (for small replies).
 * each != NULL: the items of a streamed reply, or of a single reply whose
 * result is an array (protocol 0), go to each(arg, item) as they are read;
 * *result is NULL; 0 once the end line came with no error.
 * -1 with err filled on a refusal, a connection failure, a timeout of one
 * read, a line longer than line_max, a stream cut short, ended with an
 * error or with a count other than the items read. */
int	ctl_conn_call(struct ctl_conn *, const char *cmd, json_t *args,
	    ctl_item_fn each, void *arg, json_t **result, char *err,
	    size_t errlen);

/* one request on a new connection, single reply (items of a stream are
 * collected into an array, for small replies) */
int	ctl_call(const struct ctl_opts *, const char *cmd, json_t *args,
	    json_t **result, char *err, size_t errlen);
/* one request on a new connection, items handed over as they are read */
int	ctl_call_stream(const struct ctl_opts *, const char *cmd, json_t *args,
	    ctl_item_fn each, void *arg, char *err, size_t errlen);

/* print a JSON value, indented, with a newline */
void	ctl_print_json(const json_t *);
/* write an array item by item as ctl_print_json would print the whole
 * array: ctl_jarray_begin, ctl_jarray_item for each, ctl_jarray_end */
struct ctl_jarray {
	FILE	*f;
	long long n;
};
void	ctl_jarray_begin(struct ctl_jarray *, FILE *);
int	ctl_jarray_item(struct ctl_jarray *, const json_t *);
void	ctl_jarray_end(struct ctl_jarray *);

/* "00:01:05" for seconds, "never" for < 0 */
char	*ctl_fmt_age(long long secs, char *buf, size_t len);

/* ctl_xtr.c; cmd_show dispatches to them */
int	show_map_cache(int argc, char **argv);
int	show_database(int argc, char **argv);
int	show_nat(struct ctl_opts *);

#endif
