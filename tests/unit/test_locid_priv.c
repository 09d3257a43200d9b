/* priv_drop: the roles that keep CAP_NET_ADMIN, nothing done without a
 * user, and (as root, in a child process each) the ids, capability sets
 * and no_new_privs after the drop, and the refusal when not root */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <cmocka.h>

#include "conf.h"
#include "priv.h"

static struct conf *
load(const char *text)
{
	char err[512];
	struct conf *c;

	c = conf_load_buf("t.conf", text, strlen(text), err, sizeof(err));
	if (c == NULL)
		fail_msg("%s", err);
	return c;
}

/* a field of /proc/self/status as a number (hex for Cap*) */
static unsigned long long
status_field(const char *name)
{
	char line[256];
	size_t n = strlen(name);
	unsigned long long v = ~0ULL;
	FILE *f;

	assert_non_null(f = fopen("/proc/self/status", "r"));
	while (fgets(line, sizeof(line), f) != NULL)
		if (strncmp(line, name, n) == 0 && line[n] == ':')
			v = strtoull(line + n + 1, NULL,
			    strncmp(name, "Cap", 3) == 0 ? 16 : 10);
	fclose(f);
	return v;
}

static void
test_roles(void **state)
{
	static const struct {
		const char	*text;
		int		 admin;
	} cases[] = {
		{ "role map-server\nsite a {\n\tkey 1 sha256 \"k\"\n"
		    "\teid-prefix 198.51.100.0/24\n}\nrole map-resolver\n", 0 },
		{ "role petr\n", 1 },
		{ "role itr\nmap-resolver 203.0.113.1\n", 1 },
		{ "role pitr\npitr-prefix 198.18.0.0/15\n"
		    "map-resolver 203.0.113.1\n", 1 },
		{ "role etr\nmap-server 203.0.113.1 key 1 sha256 \"k\"\n"
		    "database-mapping 198.18.1.0/24 {\n\trloc 203.0.113.2\n}\n",
		    1 },
	};
	struct conf *c;
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		c = load(cases[i].text);
		assert_int_equal(priv_needs_net_admin(c), cases[i].admin);
		conf_free(c);
	}
}

/* no user: nothing changes */
static void
test_no_user(void **state)
{
	char err[256] = "";
	struct conf *c = load("role petr\n");
	uid_t u = getuid();

	assert_int_equal(priv_drop(c, err, sizeof(err)), 0);
	assert_int_equal(getuid(), u);
	assert_string_equal(err, "");
	conf_free(c);
}

/* in a child: drop, then exit 0 if what the kernel shows is what we want,
 * else a code saying which check failed */
static int
child_drop(const char *text, unsigned long long want_caps)
{
	char err[256];
	struct conf *c = load(text);

	if (priv_drop(c, err, sizeof(err)) == -1) {
		fprintf(stderr, "priv_drop: %s\n", err);
		return 10;
	}
	if (getuid() != 65534 || geteuid() != 65534 || getgid() != 65534)
		return 11;
	if (getgroups(0, NULL) != 0)
		return 12;
	if (status_field("CapEff") != want_caps ||
	    status_field("CapPrm") != want_caps ||
	    status_field("CapInh") != 0 || status_field("CapAmb") != 0)
		return 13;
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return 14;
	if (setuid(0) == 0)
		return 15;
	conf_free(c);
	return 0;
}

static int
run_child(int (*fn)(const char *, unsigned long long), const char *text,
    unsigned long long caps)
{
	pid_t pid;
	int st;

	assert_true((pid = fork()) != -1);
	if (pid == 0)
		_exit(fn(text, caps));
	assert_int_equal(waitpid(pid, &st, 0), pid);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void
test_drop(void **state)
{
	if (geteuid() != 0)
		skip();
	/* an xTR keeps CAP_NET_ADMIN (bit 12) and nothing else */
	assert_int_equal(run_child(child_drop, "role petr\nuser nobody\n",
	    1ULL << 12), 0);
	/* a Map-Server / Map-Resolver keeps nothing */
	assert_int_equal(run_child(child_drop, "role map-server\nrole "
	    "map-resolver\nuser nobody\nsite a {\n\tkey 1 sha256 \"k\"\n"
	    "\teid-prefix 198.51.100.0/24\n}\n", 0), 0);
}

/* not root with a user set: refused, with the reason */
static int
child_not_root(const char *text, unsigned long long unused)
{
	char err[256];
	struct conf *c = load(text);

	if (setresuid(65534, 65534, 65534) == -1)
		return 20;
	if (priv_drop(c, err, sizeof(err)) != -1)
		return 21;
	if (strcmp(err, "user is set but locid does not run as root") != 0)
		return 22;
	conf_free(c);
	return 0;
}

static void
test_not_root(void **state)
{
	if (geteuid() != 0)
		skip();
	assert_int_equal(run_child(child_not_root, "role petr\nuser nobody\n",
	    0), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roles),
		cmocka_unit_test(test_no_user),
		cmocka_unit_test(test_drop),
		cmocka_unit_test(test_not_root),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
