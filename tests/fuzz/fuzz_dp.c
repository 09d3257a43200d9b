/* the data plane object on hostile bytes: a packet from the TUN through
 * the FIB (source rule, PITR checks, encapsulation, native, to the
 * control side) and a payload on the data port through decapsulation,
 * PETR checks and delivery. the TUN is /dev/null, there are no send
 * sockets; the control side frees what it is given and sometimes sends
 * it back (a replay loop must stay bounded). the first octet picks the
 * path and the policy; a tenant (instance-id 100, the same prefix) has
 * its own TUN, also /dev/null. */
// fuzz-sources: locid/dataplane/dp.c locid/dataplane/encap.c locid/dataplane/tun.c locid/fib.c locid/log.c locid/clock.c
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "dp.h"

static struct dp	 dp;
static struct fib	*fib;
static struct ratelimit	 rl;
static int		 bounce;

static void
ctl_miss(void *arg, struct dp_miss *m)
{
	if (bounce && m->pkt != NULL) {
		dp_replay(&dp, m->pkt);
		return;
	}
	dp_pkt_free(m->pkt);
}

static void
add_iid(const char *prefix, uint32_t iid, int kind, int nlocs)
{
	struct lisp_addr a, l;
	struct fib_loc fl[FIB_MAX_LOCS];
	struct fib_ent *fe;
	int mlen, i;

	if (prefix_parse(prefix, &a, &mlen) == -1 || nlocs > FIB_MAX_LOCS)
		return;
	memset(fl, 0, sizeof(fl));
	for (i = 0; i < nlocs; i++) {
		addr_parse(&l, i ? "2001:db8::2" : "203.0.113.2");
		fl[i].fam = i ? FIB_V6 : FIB_V4;
		memcpy(fl[i].a, addr_bytes(&l), i ? 16 : 4);
		fl[i].priority = 1;
		fl[i].up = 1;
	}
	if ((fe = fib_ent_new(fib, nlocs, fl)) == NULL)
		return;
	if (iid != 0)
		addr_set_iid(&a, iid);
	fe->kind = (uint8_t)kind;
	fib_publish(fib, &a, mlen, fe, 0);
}

static void
add(const char *prefix, int kind, int nlocs)
{
	add_iid(prefix, 0, kind, nlocs);
}

static void
setup(void)
{
	static struct dp_prefix eids[3], pitr[1], petr[1];
	struct dp_ctl ctl = { NULL, ctl_miss, NULL };
	int fd = open("/dev/null", O_WRONLY);

	rl.window_ms = 1000;
	rl.burst = 1;
	fib = fib_new();
	dp_attach(&dp, NULL, fib, &ctl, &rl, fd, 1400);
	dp.port = LISP_DATA_PORT;
	prefix_parse("198.18.1.0/24", &eids[0].eid, &eids[0].mlen);
	prefix_parse("2001:db8:1::/48", &eids[1].eid, &eids[1].mlen);
	prefix_parse("198.18.1.0/24", &eids[2].eid, &eids[2].mlen);
	addr_set_iid(&eids[2].eid, 100);
	eids[2].tenant = 1;
	dp_tenant_attach(&dp, 100, fd);
	add_iid("198.18.2.0/24", 100, FIB_ENCAP, 2);
	add_iid("198.18.4.0/24", 100, FIB_NATIVE, 0);
	prefix_parse("198.18.0.0/15", &pitr[0].eid, &pitr[0].mlen);
	prefix_parse("198.18.0.0/15", &petr[0].eid, &petr[0].mlen);
	add("198.18.2.0/24", FIB_ENCAP, 2);
	add("198.18.3.0/24", FIB_PENDING, 0);
	add("198.18.4.0/24", FIB_NATIVE, 0);
	add("198.18.5.0/24", FIB_ASK, 0);
	add("198.18.6.0/24", FIB_DROP, 0);
	add("2001:db8:2::/48", FIB_ENCAP, 2);
	{
		struct dp_policy p;

		memset(&p, 0, sizeof(p));
		p.itr = p.etr = 1;
		p.eids = eids;
		p.neids = 3;
		p.pitr_pfx = pitr;
		p.npitr = 1;
		p.petr_pfx = petr;
		p.npetr_pfx = 1;
		addr_parse(&p.rloc4, "203.0.113.1");
		addr_parse(&p.rloc6, "2001:db8::1");
		p.ul_mtu4 = p.ul_mtu6 = 1500;
		dp_policy_set(&dp, &p);
	}
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int init;
	struct sockaddr_in from = { .sin_family = AF_INET };
	uint8_t buf[ENCAP_HEADROOM + 2048];
	uint8_t sel;

	if (!init) {
		setup();
		init = 1;
	}
	if (size < 1 || size > 2048)
		return 0;
	sel = data[0];
	data++;
	size--;
	bounce = (sel & 0x04) != 0;
	dp.pol.pitr = (sel & 0x08) != 0;
	dp.pol.petr = (sel & 0x10) != 0;
	memcpy(buf + ENCAP_HEADROOM, data, size);
	if (sel & 0x01)
		dp_decap(&dp, buf + ENCAP_HEADROOM, size, (sel & 0x02) ? 64 : -1,
		    (struct sockaddr *)&from);
	else
		dp_forward_tn(&dp, (sel & 0x20) ? 1 : 0, buf + ENCAP_HEADROOM, size, 1000);
	dp_flush(&dp);
	if (dp.nmiss != 0)
		abort();		/* the queue is drained at every flush */
	return 0;
}
