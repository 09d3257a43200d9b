/* priv_drop: from root to the configured user, with CAP_NET_ADMIN kept
 * for a data-plane role (libcap-ng), then checked from the outside in:
 * ids, capability sets, no way back to root. */
#include <errno.h>
#include <grp.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/prctl.h>

#include <cap-ng.h>

#include "conf.h"
#include "priv.h"

int
priv_needs_net_admin(const struct conf *c)
{
	return c->itr || c->etr || c->pitr || c->petr;
}

static int
priv_fail(char *err, size_t errlen, const char *what, int e)
{
	if (e != 0)
		snprintf(err, errlen, "%s: %s", what, strerror(e));
	else
		snprintf(err, errlen, "%s", what);
	return -1;
}

/* the capability sets as the kernel shows them */
static int
caps_read(uint64_t *eff, uint64_t *prm, uint64_t *inh, uint64_t *amb,
    uint64_t *bnd)
{
	char line[256];
	FILE *f;
	int seen = 0;
	unsigned long long v;

	if ((f = fopen("/proc/self/status", "re")) == NULL)
		return -1;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "CapInh: %llx", &v) == 1)
			*inh = v, seen |= 1;
		else if (sscanf(line, "CapPrm: %llx", &v) == 1)
			*prm = v, seen |= 2;
		else if (sscanf(line, "CapEff: %llx", &v) == 1)
			*eff = v, seen |= 4;
		else if (sscanf(line, "CapBnd: %llx", &v) == 1)
			*bnd = v, seen |= 8;
		else if (sscanf(line, "CapAmb: %llx", &v) == 1)
			*amb = v, seen |= 16;
	}
	fclose(f);
	return seen == 31 ? 0 : -1;
}

/* what the process has after the drop is what was asked for */
static int
priv_check(const struct conf *c, int admin, char *err, size_t errlen)
{
	uid_t ru, eu, su;
	gid_t rg, eg, sg;
	uint64_t eff, prm, inh, amb, bnd;
	uint64_t want = admin ? (uint64_t)1 << CAP_NET_ADMIN : 0;
	int n;

	if (getresuid(&ru, &eu, &su) == -1 || getresgid(&rg, &eg, &sg) == -1)
		return priv_fail(err, errlen, "getresuid", errno);
	if (ru != c->user_uid || eu != c->user_uid || su != c->user_uid ||
	    rg != c->user_gid || eg != c->user_gid || sg != c->user_gid)
		return priv_fail(err, errlen, "ids did not change", 0);
	if ((n = getgroups(0, NULL)) != 0 && (n != 1 || getgroups(1, &rg) != 1 ||
	    rg != c->user_gid))
		return priv_fail(err, errlen, "supplementary groups kept", 0);
	if (caps_read(&eff, &prm, &inh, &amb, &bnd) == -1)
		return priv_fail(err, errlen, "reading /proc/self/status", 0);
	if (eff != want || prm != want || inh != 0 || amb != 0 ||
	    (bnd & ~want) != 0) {
		snprintf(err, errlen, "capabilities after the drop: effective "
		    "%#llx permitted %#llx inheritable %#llx ambient %#llx "
		    "bounding %#llx, want %#llx", (unsigned long long)eff,
		    (unsigned long long)prm, (unsigned long long)inh,
		    (unsigned long long)amb, (unsigned long long)bnd,
		    (unsigned long long)want);
		return -1;
	}
	if (c->user_uid != 0 && (setuid(0) != -1 || seteuid(0) != -1))
		return priv_fail(err, errlen, "could become root again", 0);
	if (prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) != 1)
		return priv_fail(err, errlen, "no_new_privs not set", 0);
	return 0;
}

int
priv_drop(const struct conf *c, char *err, size_t errlen)
{
	int admin = priv_needs_net_admin(c), rv;

	if (c->user == NULL)
		return 0;
	if (geteuid() != 0)
		return priv_fail(err, errlen, "user is set but locid does "
		    "not run as root", 0);
	capng_clear(CAPNG_SELECT_BOTH);
	if (admin && capng_update(CAPNG_ADD, CAPNG_EFFECTIVE | CAPNG_PERMITTED,
	    CAP_NET_ADMIN) == -1)
		return priv_fail(err, errlen, "capng_update", 0);
	/* setgroups to none, setresgid/setresuid to the user, keeping only
	 * the capabilities above, and an empty bounding set */
	if ((rv = capng_change_id((int)c->user_uid, (int)c->user_gid,
	    CAPNG_DROP_SUPP_GRP | CAPNG_CLEAR_BOUNDING)) != 0) {
		snprintf(err, errlen, "switching to user %s: capng_change_id "
		    "failed (%d): %s", c->user, rv, strerror(errno));
		return -1;
	}
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == -1)
		return priv_fail(err, errlen, "PR_SET_NO_NEW_PRIVS", errno);
	return priv_check(c, admin, err, errlen);
}
