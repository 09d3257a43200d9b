/* locid: options, start-up, signals, reload */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core.h"
#include "locid.h"
#include "priv.h"

#define DEFAULT_CONF	"/etc/locid.conf"

static void
usage(void)
{
	fprintf(stderr, "usage: locid [-dnv] [-f file]\n");
	exit(2);
}

static void
on_hup(evutil_socket_t sig, short ev, void *arg)
{
	struct locid	*l = arg;
	char		 err[4096];

	log_info("SIGHUP: reloading");
	locid_reload(l, err, sizeof(err));
}

static void
on_term(evutil_socket_t sig, short ev, void *arg)
{
	struct locid *l = arg;

	log_info("signal %d: stopping", (int)sig);
	event_base_loopbreak(l->base);
}

int
main(int argc, char *argv[])
{
	struct locid	 l;
	struct conf	*c;
	const char	*path = DEFAULT_CONF;
	char		 err[4096];
	int		 ch, check = 0, verbose = 0, debug = 0;
	struct event	*ev_hup, *ev_term, *ev_int;

	while ((ch = getopt(argc, argv, "df:nv")) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'n':
			check = 1;
			break;
		case 'v':
			verbose = 1;
			break;
		default:
			usage();
		}
	}
	if (optind != argc)
		usage();

	if ((c = conf_load(path, err, sizeof(err))) == NULL) {
		fprintf(stderr, "%s\n", err);
		return 1;
	}
	if (verbose)
		conf_print(stdout, c);
	if (check) {
		if (!verbose)
			fprintf(stderr, "configuration OK\n");
		conf_free(c);
		return 0;
	}

	log_init(debug, "locid");
	signal(SIGPIPE, SIG_IGN);
	memset(&l, 0, sizeof(l));
	l.debug = debug;
	if (!debug && daemon(0, 0) == -1) {
		fprintf(stderr, "daemon failed\n");
		return 1;
	}
	if (locid_start(&l, c, path) == -1) {
		log_warn("start-up failed");
		locid_stop(&l);
		return 1;
	}
	/* everything that needs root is open: from here on the user */
	if (priv_drop(c, err, sizeof(err)) == -1) {
		log_warn("dropping privileges to user %s failed: %s", c->user,
		    err);
		locid_stop(&l);
		return 1;
	}
	if (c->user != NULL)
		log_info("running as user %s (uid %u), capabilities: %s",
		    c->user, (unsigned)c->user_uid,
		    priv_needs_net_admin(c) ? "CAP_NET_ADMIN" : "none");
	ev_hup = evsignal_new(l.base, SIGHUP, on_hup, &l);
	ev_term = evsignal_new(l.base, SIGTERM, on_term, &l);
	ev_int = evsignal_new(l.base, SIGINT, on_term, &l);
	evsignal_add(ev_hup, NULL);
	evsignal_add(ev_term, NULL);
	evsignal_add(ev_int, NULL);
	{
		const struct conf_role_kw	*k;
		char				 roles[128] = "";

		for (k = conf_role_kws; k->name != NULL; k++)
			if (conf_role_on(c, k))
				snprintf(roles + strlen(roles), sizeof(roles) - strlen(roles),
				    "%s%s", roles[0] != '\0' ? " " : "", k->name);
		log_info("locid started (%s)", roles);
	}

	event_base_dispatch(l.base);

	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	locid_stop(&l);
	log_info("locid stopped");
	return 0;
}
