/* locid: options, start-up (in the background: a child that reports its
 * start-up to the waiting parent through a pipe), the pidfile, signals,
 * reload */
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <limits.h>
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
usage(FILE *f)
{
	fprintf(f, "usage: locid [-dhnVv] [-f file]\n"
	    "  -d          stay in the foreground, log to stderr\n"
	    "  -f file     configuration file (default " DEFAULT_CONF ")\n"
	    "  -n          check the configuration and exit\n"
	    "  -v          print the configuration in canonical form\n"
	    "  -V, --version  print the version and exit\n"
	    "  -h, --help  print this help and exit\n");
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

/* the pidfile: open, locked for as long as the process lives, holding its
 * pid. -1 with the reason in err when another locid holds the lock */
struct pidfile {
	int	 fd;
	char	 path[512];		/* conf.c: PIDFILE_MAX 255 */
};

static int
pidfile_take(struct pidfile *p, const struct conf *c, char *err, size_t len)
{
	char	 buf[32], other[32] = "";
	ssize_t	 n;

	conf_pidfile_path(c, p->path, sizeof(p->path));
	if ((p->fd = open(p->path, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) == -1) {
		snprintf(err, len, "pidfile %s: %s", p->path, strerror(errno));
		return -1;
	}
	if (flock(p->fd, LOCK_EX | LOCK_NB) == -1) {
		int e = errno;

		if ((n = pread(p->fd, other, sizeof(other) - 1, 0)) > 0)
			other[n] = '\0';
		other[strcspn(other, "\n")] = '\0';
		if (e == EWOULDBLOCK)
			snprintf(err, len, "another locid%s%s is running with "
			    "pidfile %s (control socket %s): not started",
			    other[0] != '\0' ? " pid " : "", other, p->path,
			    conf_control_path(c));
		else
			snprintf(err, len, "pidfile %s: lock: %s", p->path,
			    strerror(e));
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	n = snprintf(buf, sizeof(buf), "%ld\n", (long)getpid());
	/* written over, then cut: a reader never sees it empty */
	if (pwrite(p->fd, buf, (size_t)n, 0) != n || ftruncate(p->fd, n) == -1) {
		snprintf(err, len, "pidfile %s: write: %s", p->path,
		    strerror(errno));
		close(p->fd);
		p->fd = -1;
		return -1;
	}
	/* the user must be able to empty it on stop */
	if (c->user != NULL && fchown(p->fd, c->user_uid, c->user_gid) == -1)
		log_warn("pidfile %s: chown: %s", p->path, strerror(errno));
	return 0;
}

/* removed, or emptied when its directory is not writable any more */
static void
pidfile_release(struct pidfile *p)
{
	if (p->fd == -1)
		return;
	if (unlink(p->path) == -1 && ftruncate(p->fd, 0) == -1)
		log_warn("pidfile %s: %s", p->path, strerror(errno));
	close(p->fd);
	p->fd = -1;
}

/* in the background: fork; the parent waits for one line from the child
 * ("OK" or the reason start-up failed), prints the reason and exits 1, or
 * exits 0: returns the parent's exit status, or -1 in the child with the
 * write end of the pipe in *rfd */
static int
background(int *rfd)
{
	int	 fds[2], st;
	pid_t	 pid;
	char	 buf[4096];
	size_t	 got = 0;
	ssize_t	 n;

	if (pipe2(fds, O_CLOEXEC) == -1) {
		fprintf(stderr, "locid: pipe: %s\n", strerror(errno));
		return 1;
	}
	if ((pid = fork()) == -1) {
		fprintf(stderr, "locid: fork: %s\n", strerror(errno));
		return 1;
	}
	if (pid == 0) {
		close(fds[0]);
		if (setsid() == -1)
			_exit(1);
		/* a second fork: no session leader, no controlling tty */
		if ((pid = fork()) == -1)
			_exit(1);
		if (pid != 0)
			_exit(0);
		*rfd = fds[1];
		return -1;
	}
	close(fds[1]);
	while (got < sizeof(buf) - 1) {
		n = read(fds[0], buf + got, sizeof(buf) - 1 - got);
		if (n == -1 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	buf[got] = '\0';
	waitpid(pid, &st, 0);	/* the intermediate child */
	close(fds[0]);
	if (strcmp(buf, "OK\n") == 0)
		return 0;
	if (got == 0)
		fprintf(stderr, "locid: start-up failed (no reason given; "
		    "see the system log)\n");
	else
		fprintf(stderr, "locid: %s%s", buf,
		    buf[got - 1] == '\n' ? "" : "\n");
	return 1;
}

static void
report(int fd, const char *msg)
{
	size_t	 len = strlen(msg), off = 0;
	ssize_t	 n;

	if (fd == -1)
		return;
	while (off < len) {
		if ((n = write(fd, msg + off, len - off)) == -1) {
			if (errno == EINTR)
				continue;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
}

static void
stdio_null(void)
{
	int fd;

	if ((fd = open("/dev/null", O_RDWR)) == -1)
		return;
	dup2(fd, STDIN_FILENO);
	dup2(fd, STDOUT_FILENO);
	dup2(fd, STDERR_FILENO);
	if (fd > STDERR_FILENO)
		close(fd);
}

int
main(int argc, char *argv[])
{
	static const struct option longopts[] = {
		{ "help",	no_argument,	NULL, 'h' },
		{ "version",	no_argument,	NULL, 'V' },
		{ NULL,		0,		NULL, 0 }
	};
	struct locid	 l;
	struct conf	*c;
	struct pidfile	 pf = { .fd = -1 };
	const char	*path = DEFAULT_CONF;
	char		 err[4096], why[4096 + 64], abspath[PATH_MAX];
	int		 ch, check = 0, verbose = 0, debug = 0, rfd = -1;
	struct event	*ev_hup, *ev_term, *ev_int;

	while ((ch = getopt_long(argc, argv, "df:hnVv", longopts, NULL)) != -1) {
		switch (ch) {
		case 'd':
			debug = 1;
			break;
		case 'f':
			path = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'n':
			check = 1;
			break;
		case 'V':
			printf("locid %s\n", LOCID_VERSION);
			return 0;
		case 'v':
			verbose = 1;
			break;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}

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
	/* reload reads it again after the chdir("/") of the background */
	if (realpath(path, abspath) == NULL) {
		fprintf(stderr, "%s: %s\n", path, strerror(errno));
		conf_free(c);
		return 1;
	}
	path = abspath;

	signal(SIGPIPE, SIG_IGN);
	if (!debug) {
		int rc;

		if ((rc = background(&rfd)) != -1) {
			conf_free(c);
			return rc;
		}
		if (chdir("/") == -1) {
			report(rfd, "chdir /: failed");
			return 1;
		}
		umask(022);
	}
	log_init(debug, "locid");
	memset(&l, 0, sizeof(l));
	l.debug = debug;
	/* before anything is opened: a second instance must not take over
	 * (or remove) the control socket of the first */
	if (pidfile_take(&pf, c, err, sizeof(err)) == -1) {
		log_warn("%s", err);
		report(rfd, err);
		conf_free(c);
		return 1;
	}
	if (locid_start(&l, c, path) == -1) {
		char last[2048];

		log_last_warn(last, sizeof(last));
		snprintf(why, sizeof(why), "start-up failed: %s", last);
		log_warn("start-up failed");
		locid_stop(&l);
		pidfile_release(&pf);
		report(rfd, why);
		return 1;
	}
	/* everything that needs root is open: from here on the user */
	if (priv_drop(c, err, sizeof(err)) == -1) {
		snprintf(why, sizeof(why), "dropping privileges to user %s "
		    "failed: %s", c->user, err);
		log_warn("%s", why);
		locid_stop(&l);
		pidfile_release(&pf);
		report(rfd, why);
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
		log_info("locid started (%s), version %s", roles,
		    LOCID_VERSION);
	}
	if (rfd != -1) {
		report(rfd, "OK\n");
		stdio_null();
	}

	event_base_dispatch(l.base);

	event_free(ev_hup);
	event_free(ev_term);
	event_free(ev_int);
	locid_stop(&l);
	pidfile_release(&pf);
	log_info("locid stopped");
	return 0;
}
