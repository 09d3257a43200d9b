/* the xTR role: life cycle, data-plane sockets, kernel routing state and
 * the operator view. the ETR side is in etr.c, the ITR side in itr.c. */
#include <sys/socket.h>

#include <netinet/in.h>
#include <netinet/udp.h>

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mrsel.h"
#include "nat.h"
#include "probe.h"
#include "smr.h"
#include "lsec.h"
#include "auth.h"
#include "xtr.h"


uint64_t
xtr_nonce(void)
{
	uint64_t n;

	arc4random_buf(&n, sizeof(n));
	return n;
}

static int
rloc_sort(const void *a, const void *b)
{
	return addr_cmp(&((const struct xtr_rloc *)a)->addr,
	    &((const struct xtr_rloc *)b)->addr);
}

static struct dp_prefix *
conf_prefixes_arr(const struct conf_prefixes *ps, int *n)
{
	const struct conf_prefix *p;
	struct dp_prefix *a;
	int k = 0;

	*n = 0;
	TAILQ_FOREACH(p, ps, entry)
		k++;
	if (k == 0 || (a = calloc((size_t)k, sizeof(*a))) == NULL)
		return NULL;
	TAILQ_FOREACH(p, ps, entry) {
		a[*n].eid = p->eid;
		a[*n].mlen = p->mlen;
		(*n)++;
	}
	return a;
}

/* the tenants' interfaces and TUNs to the fast path */
static void
xtr_ebpf_tenants(struct xtr *x)
{
	struct dp_ebpf_tenant t[DP_TENANTS];
	const struct conf_tenant *ct;
	int i, j;

	for (i = 0; i < x->ntn; i++) {
		memset(&t[i], 0, sizeof(t[i]));
		t[i].iid = x->tn[i].iid;
		t[i].tun_if = x->tn[i].tun_if;
		if ((ct = conf_tenant_of(x->l->conf, x->tn[i].iid)) == NULL)
			continue;
		for (j = 0; j < ct->nifs; j++)
			t[i].ifs[t[i].nifs++] = nl_ifindex(x->nl, ct->ifs[j]);
	}
	dp_ebpf_tenants(x->ebpf, t, x->ntn);
}

/* every local RLOC of the database to the fast path's ETR */
static void
xtr_ebpf_rlocs(struct xtr *x)
{
	struct lisp_addr a[XTR_LOCAL_RLOCS * 8];
	int i, j, n = 0;

	if (x->ebpf == NULL)
		return;
	for (i = 0; i < x->ndb; i++)
		for (j = 0; j < x->db[i].nrlocs && n < (int)(sizeof(a) / sizeof(a[0])); j++)
			a[n++] = x->db[i].rlocs[j].addr;
	dp_ebpf_local_rlocs(x->ebpf, a, n);
	xtr_ebpf_tenants(x);
}

void
xtr_policy(struct xtr *x)
{
	const struct conf *c = x->l->conf;
	const struct conf_peer *pe;
	struct dp_policy p;
	struct dp_prefix *eids = NULL, *pi, *pp, *da;
	int i;

	memset(&p, 0, sizeof(p));
	p.itr = c->itr;
	p.etr = c->etr;
	p.pitr = c->pitr;
	p.petr = c->petr;
	if (x->ndb > 0 && (eids = calloc((size_t)x->ndb, sizeof(*eids))) != NULL) {
		for (i = 0; i < x->ndb; i++) {
			eids[i].eid = x->db[i].eid;
			eids[i].mlen = x->db[i].mlen;
			eids[i].tenant = conf_tenant_eid(c, &x->db[i].eid) != NULL;
		}
		p.neids = x->ndb;
	}
	p.eids = eids;
	p.pitr_pfx = pi = conf_prefixes_arr(&c->pitr_prefixes, &p.npitr);
	p.petr_pfx = pp = conf_prefixes_arr(&c->petr_prefixes, &p.npetr_pfx);
	/* natively forwarded packets go to the PETRs, when there are some */
	TAILQ_FOREACH(pe, &c->petrs, entry) {
		struct fib_loc *fl;
		const uint8_t *b = addr_bytes(&pe->addr);

		if (p.npetrs == FIB_MAX_LOCS || b == NULL ||
		    (pe->addr.afi != AFI_IPV4 && pe->addr.afi != AFI_IPV6))
			continue;
		fl = &p.petrs[p.npetrs++];
		fl->fam = pe->addr.afi == AFI_IPV6 ? FIB_V6 : FIB_V4;
		memcpy(fl->a, b, pe->addr.afi == AFI_IPV6 ? 16 : 4);
		fl->priority = 1;
		fl->up = 1;
	}
	p.decap_check = c->decap_check;
	p.decap_allow = da = conf_prefixes_arr(&c->decap_allow, &p.ndecap_allow);
	p.rloc4 = x->rloc4;
	p.rloc6 = x->rloc6;
	p.ul_mtu4 = x->ul_mtu4;
	p.ul_mtu6 = x->ul_mtu6;
	if (dp_policy_set(&x->dp, &p) == -1)
		log_warn("xtr: out of memory for the data plane's policy");
	xtr_ebpf_rlocs(x);
	free(eids);
	free(pi);
	free(pp);
	free(da);
}

/* the database-mappings of the conf, interface RLOCs resolved */
static int
db_load(struct xtr *x)
{
	struct conf *c = x->l->conf;
	struct conf_mapping *m;
	struct conf_rloc *r;
	struct xtr_db *db;
	int n = 0, i, bp4, bp6;

	TAILQ_FOREACH(m, &c->mappings, entry)
		n++;
	if ((db = calloc(n ? (size_t)n : 1, sizeof(*db))) == NULL)
		return -1;
	free(x->db);
	x->db = db;
	x->ndb = 0;
	addr_set_none(&x->rloc4);
	addr_set_none(&x->rloc6);
	TAILQ_FOREACH(m, &c->mappings, entry) {
		db = &x->db[x->ndb++];
		db->eid = m->eid;
		db->mlen = m->mlen;
		db->ttl = m->ttl ? m->ttl : c->timers.map_cache_ttl;
		db->tenant = conf_tenant_eid(c, &m->eid) != NULL;
		TAILQ_FOREACH(r, &m->rlocs, entry) {
			struct xtr_rloc *xr;

			if (db->nrlocs == XTR_LOCAL_RLOCS)
				break;
			xr = &db->rlocs[db->nrlocs++];
			xr->addr = r->addr;
			xr->priority = r->priority;
			xr->weight = r->weight;
			xr->ifname = r->ifname;
			xr->family = r->family;
			if (r->ifname != NULL) {
				int ifi = nl_ifindex(x->nl, r->ifname);

				addr_set_none(&xr->addr);
				if (ifi == 0 || nl_if_addr(x->nl, ifi, r->family == 6 ? 6 : 4,
				    &xr->addr) == -1)
					log_warn("xtr: rloc interface %s has no IPv%d address",
					    r->ifname, r->family == 6 ? 6 : 4);
				xr->local = xr->addr.afi != AFI_NONE;
			} else {
				/* another xTR of the site lists its own RLOCs
				 * too: only ours get the L bit (issue 10) */
				xr->local = core_addr_node(x->l, &xr->addr);
			}
		}
		qsort(db->rlocs, (size_t)db->nrlocs, sizeof(db->rlocs[0]), rloc_sort);
	}
	/* the source RLOC per family: the best priority among local RLOCs
	 * (the first of equal ones, in mapping then address order); when
	 * none is an address of this node, among all of them */
	for (i = 0, bp4 = bp6 = 256; i < x->ndb; i++) {
		int j;

		for (j = 0; j < x->db[i].nrlocs; j++) {
			struct xtr_rloc *xr = &x->db[i].rlocs[j];

			if (!xr->local)
				continue;
			if (xr->addr.afi == AFI_IPV4 && xr->priority < bp4) {
				bp4 = xr->priority;
				x->rloc4 = xr->addr;
			} else if (xr->addr.afi == AFI_IPV6 && xr->priority < bp6) {
				bp6 = xr->priority;
				x->rloc6 = xr->addr;
			}
		}
	}
	for (i = 0; i < x->ndb && (bp4 == 256 || bp6 == 256); i++) {
		int j;

		for (j = 0; j < x->db[i].nrlocs; j++) {
			struct xtr_rloc *xr = &x->db[i].rlocs[j];

			if (xr->addr.afi == AFI_IPV4 && bp4 == 256) {
				bp4 = 255;
				x->rloc4 = xr->addr;
			} else if (xr->addr.afi == AFI_IPV6 && bp6 == 256) {
				bp6 = 255;
				x->rloc6 = xr->addr;
			}
		}
	}
	pxtr_rlocs(x);
	x->rloc4.has_iid = x->rloc6.has_iid = 0;
	return 0;
}

static int underlay_mtu(struct xtr *, const struct lisp_addr *);
static void	tenants_refresh(struct xtr *);

/* RLOCs given by interface: reload the mappings when an address changed
 * (so the next Map-Register carries it); 1 when something changed */
int
xtr_rlocs_refresh(struct xtr *x)
{
	struct lisp_addr a;
	int i, j, ifi, changed = 0;

	for (i = 0; i < x->ndb && !changed; i++)
		for (j = 0; j < x->db[i].nrlocs && !changed; j++) {
			struct xtr_rloc *xr = &x->db[i].rlocs[j];

			if (xr->ifname == NULL)
				continue;
			addr_set_none(&a);
			if ((ifi = nl_ifindex(x->nl, xr->ifname)) != 0 &&
			    nl_if_addr(x->nl, ifi, xr->family == 6 ? 6 : 4, &a) == -1)
				addr_set_none(&a);
			if (!addr_equal(&a, &xr->addr))
				changed = 1;
		}
	tenants_refresh(x);
	if (!changed)
		return 0;
	log_info("xtr: an interface RLOC changed address, reloading the database");
	db_load(x);
	x->ul_mtu4 = underlay_mtu(x, &x->rloc4);
	x->ul_mtu6 = underlay_mtu(x, &x->rloc6);
	xtr_policy(x);
	return 1;
}

const struct lisp_addr *
xtr_src_rloc(const struct xtr *x, uint16_t afi)
{
	if (afi == AFI_IPV4 && x->rloc4.afi == AFI_IPV4)
		return &x->rloc4;
	if (afi == AFI_IPV6 && x->rloc6.afi == AFI_IPV6)
		return &x->rloc6;
	return NULL;
}

static void
sysctl_set(const char *fmt, const char *ifname, const char *val)
{
	char path[128];
	int fd;

	snprintf(path, sizeof(path), fmt, ifname);
	if ((fd = open(path, O_WRONLY | O_CLOEXEC)) == -1)
		return;
	if (write(fd, val, strlen(val)) == -1)
		log_debug("xtr: %s: %s", path, strerror(errno));
	close(fd);
}

/* the earliest deadline of the role: registrations, map-cache entries
 * (expiry, retransmission, refresh, probes), SMRs */
static uint64_t
next_due(const struct xtr *x)
{
	uint64_t due = UINT64_MAX, d;

	if (x->etr && (d = etr_next_due(x)) < due)
		due = d;
	if (x->itr && (d = mapcache_next_due(x->mc)) < due)
		due = d;
	if (x->etr && x->smr != NULL && (d = smr_next_due(x->smr)) < due)
		due = d;
	if (x->etr && (d = natx_next_due(x->nat)) < due)
		due = d;
	return due;
}

static void
arm(struct xtr *x, uint64_t due)
{
	uint64_t now = now_ms();

	if (due > now + XTR_SLEEP_MAX_MS)
		due = now + XTR_SLEEP_MAX_MS;
	x->armed_ms = due;
	locid_timer_at(x->tick, due);	/* replaces the one armed */
}

void
xtr_timer_kick(struct xtr *x)
{
	uint64_t due;

	if (x->tick == NULL || x->in_tick)
		return;
	if ((due = next_due(x)) < x->armed_ms)
		arm(x, due);
}

/* the map-cache's earliest deadline moved earlier */
static void
mc_wake(void *arg, uint64_t due)
{
	struct xtr *x = arg;

	if (x->tick != NULL && !x->in_tick && due < x->armed_ms)
		arm(x, due);
}

static void
tick_cb(void *arg)
{
	struct xtr *x = arg;
	uint64_t now = now_ms();
	int more;

	x->in_tick = 1;
	if (x->etr)
		etr_tick(x, now);
	/* map-cache and probe timers that are due; what is left over runs
	 * again at the next turn of the loop */
	more = x->itr && itr_tick_budget(x, now, XTR_TICK_BUDGET_US);
	smr_tick(x, now);
	if (x->etr)
		natx_tick(x->nat, now);
	x->in_tick = 0;
	arm(x, more ? now : next_due(x));
}

/* policy routing: `lookup main suppress_prefixlength 0` at prio - 1, then
 * `from <EID-prefix> lookup table` at prio, and a default route to the TUN
 * in table */
void
xtr_rules_install(struct xtr *x)
{
	struct lisp_addr any;
	int i, fam;

	x->rt_table = x->l->conf->rt_table ? x->l->conf->rt_table : 100;
	x->rule_prio = x->l->conf->rule_prio ? x->l->conf->rule_prio : 100;
	x->fam_rules = 0;
	for (i = 0; i < x->ndb; i++)
		if (!x->db[i].tenant)
			x->fam_rules |= x->db[i].eid.afi == AFI_IPV6 ? FAM_V6 : FAM_V4;
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(x->fam_rules & (fam == 4 ? FAM_V4 : FAM_V6)))
			continue;
		addr_set_any(&any, fam == 4 ? AFI_IPV4 : AFI_IPV6);
		if (nl_route(x->nl, 1, NL_RT_DEV, x->rt_table, &any, 0, x->tun_if) == -1)
			log_warn("xtr: default route IPv%d in table %u: %s", fam,
			    x->rt_table, nl_error(x->nl));
		nl_rule(x->nl, 0, fam, NULL, 0, 254, x->rule_prio - 1, 0);
		if (nl_rule(x->nl, 1, fam, NULL, 0, 254, x->rule_prio - 1, 0) == -1)
			log_warn("xtr: suppress_prefixlength rule IPv%d: %s", fam,
			    nl_error(x->nl));
	}
	for (i = 0; i < x->ndb; i++) {
		struct lisp_addr e = x->db[i].eid;
		int f = e.afi == AFI_IPV6 ? 6 : 4;

		if (x->db[i].tenant)
			continue;
		e.has_iid = 0;
		nl_rule(x->nl, 0, f, &e, x->db[i].mlen, x->rt_table, x->rule_prio, -1);
		if (nl_rule(x->nl, 1, f, &e, x->db[i].mlen, x->rt_table, x->rule_prio,
		    -1) == -1)
			log_warn("xtr: rule from %s: %s", prefix_fmt(&e, x->db[i].mlen,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), nl_error(x->nl));
	}
	x->rules_up = 1;
}

static void
rules_remove(struct xtr *x)
{
	struct lisp_addr any;
	int i, fam;

	pxtr_rules(x, 0);
	if (!x->rules_up)
		return;
	for (i = 0; i < x->ndb; i++) {
		struct lisp_addr e = x->db[i].eid;

		if (x->db[i].tenant)
			continue;
		e.has_iid = 0;
		nl_rule(x->nl, 0, e.afi == AFI_IPV6 ? 6 : 4, &e, x->db[i].mlen,
		    x->rt_table, x->rule_prio, -1);
	}
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(x->fam_rules & (fam == 4 ? FAM_V4 : FAM_V6)))
			continue;
		nl_rule(x->nl, 0, fam, NULL, 0, 254, x->rule_prio - 1, 0);
		addr_set_any(&any, fam == 4 ? AFI_IPV4 : AFI_IPV6);
		nl_route(x->nl, 0, NL_RT_DEV, x->rt_table, &any, 0, x->tun_if);
	}
	x->rules_up = 0;
}

/* the families of the EID-prefixes of instance-id iid */
static int
tenant_fams(const struct xtr *x, uint32_t iid)
{
	int i, f = 0;

	for (i = 0; i < x->ndb; i++)
		if (x->db[i].eid.has_iid && x->db[i].eid.iid == iid)
			f |= x->db[i].eid.afi == AFI_IPV6 ? FAM_V6 : FAM_V4;
	return f;
}

static int
route_in(const struct xtr_tenant *xt, const struct lisp_addr *dst, int plen, int oif)
{
	int i;

	for (i = 0; i < xt->nroutes; i++)
		if (xt->routes[i].plen == plen && xt->routes[i].oif == oif &&
		    addr_equal(&xt->routes[i].dst, dst))
			return 1;
	return 0;
}

/* the on-link prefixes of the tenant's interfaces as routes in its
 * table, put there again each time (the kernel flushes them when an
 * interface goes down and does not bring them back); those gone since
 * are deleted. 1 when an interface's index changed */
static int
tenant_routes_sync(struct xtr *x, struct xtr_tenant *xt, int quiet)
{
	struct xtr_tenant now;
	struct lisp_addr pfx[XTR_TENANT_ROUTES];
	int plen[XTR_TENANT_ROUTES], fam, i, j, n, ifi, moved = 0;

	now.nroutes = 0;
	for (i = 0; i < xt->nifs; i++) {
		if ((ifi = nl_ifindex(x->nl, xt->ifs[i])) != xt->ifidx[i])
			moved = 1;
		xt->ifidx[i] = ifi;
		if (ifi == 0) {
			if (!quiet)
				log_warn("xtr: instance-id %u: no interface %s",
				    xt->iid, xt->ifs[i]);
			continue;
		}
		for (fam = 4; fam <= 6; fam += 2) {
			if (!(xt->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
				continue;
			/* the same prefixes are on-link elsewhere too */
			if (fam == 4)
				sysctl_set("/proc/sys/net/ipv4/conf/%s/rp_filter",
				    xt->ifs[i], "0");
			n = nl_if_prefixes(x->nl, ifi, fam, pfx, plen,
			    XTR_TENANT_ROUTES - now.nroutes);
			for (j = 0; j < n; j++) {
				if (nl_route(x->nl, 1, NL_RT_DEV, xt->table, &pfx[j],
				    plen[j], ifi) == -1) {
					if (!quiet)
						log_warn("xtr: instance-id %u: route %s dev %s: %s",
						    xt->iid, prefix_fmt(&pfx[j], plen[j],
						    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
						    xt->ifs[i], nl_error(x->nl));
					continue;
				}
				if (!quiet && !route_in(xt, &pfx[j], plen[j], ifi))
					log_info("xtr: instance-id %u: route %s dev %s "
					    "in table %u", xt->iid, prefix_fmt(&pfx[j],
					    plen[j], (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
					    xt->ifs[i], xt->table);
				now.routes[now.nroutes].dst = pfx[j];
				now.routes[now.nroutes].plen = plen[j];
				now.routes[now.nroutes++].oif = ifi;
			}
		}
	}
	for (i = 0; i < xt->nroutes; i++)
		if (!route_in(&now, &xt->routes[i].dst, xt->routes[i].plen,
		    xt->routes[i].oif))
			nl_route(x->nl, 0, NL_RT_DEV, xt->table, &xt->routes[i].dst,
			    xt->routes[i].plen, xt->routes[i].oif);
	memcpy(xt->routes, now.routes, (size_t)now.nroutes * sizeof(now.routes[0]));
	xt->nroutes = now.nroutes;
	return moved;
}

/* a tenant's kernel side (instance-id blocks, no VRF devices): at
 * rule-priority - 2, before the main table's rule, `iif <interface>
 * lookup <table>` for its interfaces and its TUN; in the table a
 * default route to its TUN and the on-link prefixes of its interfaces.
 * what the ITR reads from that TUN is the tenant's, what the ETR writes
 * into it is routed in the tenant's table */
static void
tenant_install(struct xtr *x, struct xtr_tenant *xt, const struct conf_tenant *t)
{
	struct lisp_addr any;
	int fam, i;

	xt->table = t->rt_table;
	xt->prio = x->l->conf->rule_prio > 2 ? x->l->conf->rule_prio - 2 : 1;
	xt->fams = tenant_fams(x, t->iid);
	xt->nifs = t->nifs;
	for (i = 0; i < t->nifs; i++) {
		snprintf(xt->ifs[i], sizeof(xt->ifs[i]), "%s", t->ifs[i]);
		xt->ifidx[i] = -1;
	}
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(xt->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
			continue;
		addr_set_any(&any, fam == 4 ? AFI_IPV4 : AFI_IPV6);
		if (nl_route(x->nl, 1, NL_RT_DEV, xt->table, &any, 0, xt->tun_if) == -1)
			log_warn("xtr: instance-id %u: default route IPv%d in table "
			    "%u: %s", xt->iid, fam, xt->table, nl_error(x->nl));
		for (i = 0; i <= xt->nifs; i++) {
			const char *ifn = i < xt->nifs ? xt->ifs[i] : xt->tun;

			nl_rule_iif(x->nl, 0, fam, ifn, xt->table, xt->prio);
			if (nl_rule_iif(x->nl, 1, fam, ifn, xt->table, xt->prio) == -1)
				log_warn("xtr: instance-id %u: rule iif %s IPv%d: %s",
				    xt->iid, ifn, fam, nl_error(x->nl));
		}
	}
	tenant_routes_sync(x, xt, 0);
	log_info("xtr: instance-id %u: tun %s, table %u, %d interface(s), %d "
	    "on-link route(s)", xt->iid, xt->tun, xt->table, xt->nifs, xt->nroutes);
}

static void
tenant_remove(struct xtr *x, struct xtr_tenant *xt)
{
	struct lisp_addr any;
	int fam, i;

	if (xt->table == 0)
		return;
	for (i = 0; i < xt->nroutes; i++)
		nl_route(x->nl, 0, NL_RT_DEV, xt->table, &xt->routes[i].dst,
		    xt->routes[i].plen, xt->routes[i].oif);
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(xt->fams & (fam == 4 ? FAM_V4 : FAM_V6)))
			continue;
		for (i = 0; i <= xt->nifs; i++)
			nl_rule_iif(x->nl, 0, fam, i < xt->nifs ? xt->ifs[i] : xt->tun,
			    xt->table, xt->prio);
		addr_set_any(&any, fam == 4 ? AFI_IPV4 : AFI_IPV6);
		nl_route(x->nl, 0, NL_RT_DEV, xt->table, &any, 0, xt->tun_if);
	}
	xt->nroutes = 0;
	xt->nifs = 0;
	xt->table = 0;
}

static void
tenants_rules(struct xtr *x, int add)
{
	const struct conf_tenant *t;
	int i;

	for (i = 0; i < x->ntn; i++) {
		tenant_remove(x, &x->tn[i]);
		if (add && (t = conf_tenant_of(x->l->conf, x->tn[i].iid)) != NULL)
			tenant_install(x, &x->tn[i], t);
	}
}

/* the tenants' on-link routes again (with the registrations' refresh of
 * the interface RLOCs), and their interfaces to the fast path when one
 * came back with another index */
static void
tenants_refresh(struct xtr *x)
{
	int i, moved = 0;

	for (i = 0; i < x->ntn; i++)
		if (x->tn[i].table != 0 && tenant_routes_sync(x, &x->tn[i], 1))
			moved = 1;
	if (moved && x->ebpf != NULL)
		xtr_ebpf_tenants(x);
}

/* the tenants' TUNs stay for the life of the role: a reload may change
 * their interfaces and tables in place; one that changes which there are
 * is refused here, and the core restarts the role on it */
static int
tenants_same(const struct xtr *x, char *err, size_t errlen)
{
	const struct conf_tenant *t;
	int i = 0;

	TAILQ_FOREACH(t, &x->l->conf->tenants, entry) {
		if (i == x->ntn || x->tn[i].iid != t->iid ||
		    strcmp(x->tn[i].tun, t->tun_name) != 0)
			break;
		i++;
	}
	if (t == NULL && i == x->ntn)
		return 0;
	snprintf(err, errlen, "instance-id blocks added, removed or their tun "
	    "renamed");
	return -1;
}

static int
underlay_mtu(struct xtr *x, const struct lisp_addr *rloc)
{
	int ifi, mtu;

	if (rloc->afi == AFI_NONE)
		return 0;
	if ((ifi = nl_addr_ifindex(x->nl, rloc)) == 0 ||
	    (mtu = nl_link_mtu(x->nl, ifi)) <= 0)
		return 1500;
	return mtu;
}

/* the data plane's decapsulated packets: SMR bookkeeping */
static void
xtr_decap_seen(void *arg, const struct sockaddr *from, const struct decap *d)
{
	smr_decap(arg, from, d);
}

/* the in-kernel fast path in front of the TUN, as the conf says: auto
 * takes it when it loads, ebpf insists on it, tun never tries */
static int
dataplane_choose(struct xtr *x)
{
	char why[128];

	x->dp_conf = x->l->conf->dataplane;
	if (x->dp_conf == CONF_DP_TUN) {
		snprintf(x->dp_why, sizeof(x->dp_why), "tun: configured");
		log_info("xtr: data plane %s", x->dp_why);
		return 0;
	}
	if ((x->ebpf = dp_ebpf_open(&x->dp, why, sizeof(why))) == NULL) {
		snprintf(x->dp_why, sizeof(x->dp_why), "tun: ebpf unavailable: %s", why);
		if (x->dp_conf == CONF_DP_EBPF) {
			log_warn("xtr: dataplane ebpf: %s", why);
			return -1;
		}
		log_info("xtr: data plane %s", x->dp_why);
		return 0;
	}
	dp_set_ops(&x->dp, &dp_ebpf_ops, x->ebpf);
	xtr_ebpf_rlocs(x);
	snprintf(x->dp_why, sizeof(x->dp_why), "ebpf: tc ingress programs loaded%s",
	    x->dp_conf == CONF_DP_AUTO ? " (auto)" : "");
	log_info("xtr: data plane %s, the TUN for the rest", x->dp_why);
	return 0;
}

/* a reload changed the dataplane setting: the fast path goes or comes in
 * place (the map-cache, SMR and registration state stay); a new one is
 * told every entry the FIB has */
static int
ebpf_sync_cb(struct mc_entry *e, void *arg)
{
	struct xtr *x = arg;

	if (e->fe != NULL)
		dp_ebpf_ops.fib_sync(x->ebpf, MC_EID(e), e->mlen, e->fe);
	return 0;
}

static int
dataplane_switch(struct xtr *x, char *err, size_t errlen)
{
	if (x->ebpf != NULL) {
		dp_set_ops(&x->dp, NULL, NULL);
		dp_ebpf_ops.close(x->ebpf);
		x->ebpf = NULL;
	}
	if (dataplane_choose(x) == -1) {
		snprintf(err, errlen, "dataplane ebpf: %s", x->dp_why);
		return -1;
	}
	if (x->ebpf != NULL && x->mc != NULL)
		mapcache_foreach(x->mc, ebpf_sync_cb, x);
	return 0;
}

/* a TUN up at the tunnel MTU; without v6 no link-local chatter into
 * the ITR */
static void
tun_setup(struct xtr *x, const char *name, int ifi, int v6)
{
	if (!v6)
		sysctl_set("/proc/sys/net/ipv6/conf/%s/disable_ipv6", name, "1");
	/* the kernel queues towards the ITR while it encapsulates a batch */
	nl_link_txqlen(x->nl, ifi, 4096);
	if (nl_link_set(x->nl, ifi, x->tun_mtu, 1) == -1)
		log_warn("xtr: tun %s up, mtu %d: %s", name, x->tun_mtu,
		    nl_error(x->nl));
	/* decapsulated packets come from remote EIDs and, for natively
	 * forwarded ones, from our own: no reverse-path check on the TUN */
	sysctl_set("/proc/sys/net/ipv4/conf/%s/rp_filter", name, "0");
	sysctl_set("/proc/sys/net/ipv4/conf/%s/accept_local", name, "1");
	sysctl_set("/proc/sys/net/ipv6/conf/%s/accept_ra", name, "0");
	/* an RTR routes what it decapsulates back into the TUN to
	 * re-encapsulate it: in and out the same interface, which the kernel
	 * answers with an ICMP redirect to the inner source unless sending
	 * them is off both for the interface and for "all" (an interface's
	 * own setting still rules the others) */
	if (x->l->conf->rtr) {
		sysctl_set("/proc/sys/net/ipv4/conf/%s/send_redirects", name, "0");
		sysctl_set("/proc/sys/net/ipv4/conf/%s/send_redirects", "all", "0");
	}
}

/* a TUN per tenant beside the default one (dp_tenant_open) */
static int
tenants_open(struct xtr *x)
{
	const struct conf_tenant *t;
	struct xtr_tenant *xt;

	if (TAILQ_EMPTY(&x->l->conf->tenants))
		return 0;
	if ((x->tn = calloc(DP_TENANTS, sizeof(*x->tn))) == NULL) {
		log_warn("xtr: out of memory for the tenants");
		return -1;
	}
	TAILQ_FOREACH(t, &x->l->conf->tenants, entry) {
		if (x->ntn == DP_TENANTS)
			return -1;
		xt = &x->tn[x->ntn];
		xt->iid = t->iid;
		snprintf(xt->tun, sizeof(xt->tun), "%s", t->tun_name);
		if (dp_tenant_open(&x->dp, t->iid, xt->tun, sizeof(xt->tun)) == -1)
			return -1;
		x->ntn++;
		xt->tun_if = nl_ifindex(x->nl, xt->tun);
		tun_setup(x, xt->tun, xt->tun_if, (tenant_fams(x, t->iid) & FAM_V6) != 0);
	}
	return 0;
}

static int
dataplane_open(struct xtr *x)
{
	struct conf *c = x->l->conf;
	struct dp_ctl ctl = { x, itr_miss, xtr_decap_seen, etr_data_notify_in };
	int mtu4, mtu6, i, v6 = 0;

	if (dp_open(&x->dp, x->l->base, x->fib, &ctl, &x->logrl,
	    c->tun_name ? c->tun_name : "lisp0",
	    c->data_port ? c->data_port : LISP_DATA_PORT) == -1)
		return -1;
	snprintf(x->tun_name, sizeof(x->tun_name), "%s", x->dp.tun_name);
	x->tun_if = nl_ifindex(x->nl, x->tun_name);
	x->ul_mtu4 = underlay_mtu(x, &x->rloc4);
	x->ul_mtu6 = underlay_mtu(x, &x->rloc6);
	mtu4 = x->ul_mtu4 ? x->ul_mtu4 - ENCAP_OVERHEAD4 : 65535;
	mtu6 = x->ul_mtu6 ? x->ul_mtu6 - ENCAP_OVERHEAD6 : 65535;
	x->tun_mtu = c->tun_mtu ? c->tun_mtu : (mtu4 < mtu6 ? mtu4 : mtu6);
	if (x->tun_mtu == 65535)
		x->tun_mtu = 1500 - ENCAP_OVERHEAD4;
	if (x->tun_mtu < 576)
		x->tun_mtu = 576;
	dp_set_mtu(&x->dp, x->tun_mtu);
	for (i = 0; i < x->ndb; i++)
		if (x->db[i].eid.afi == AFI_IPV6 &&
		    conf_tenant_eid(c, &x->db[i].eid) == NULL)
			v6 = 1;
	tun_setup(x, x->tun_name, x->tun_if, v6 || pxtr_wants_v6(x));
	if (tenants_open(x) == -1)
		return -1;
	xtr_policy(x);
	if (dataplane_choose(x) == -1)
		return -1;
	dp_start(&x->dp);
	log_info("xtr: tun %s mtu %d, data port %u", x->tun_name, x->tun_mtu,
	    x->dp.port);
	return 0;
}

/* the map-servers' secrets and prepared keys go */
static void
ms_clear(struct xtr *x)
{
	int i;

	for (i = 0; i < x->nms; i++) {
		free(x->ms[i].secret);
		auth_key_free(x->ms[i].akey);
	}
	free(x->ms);
	x->ms = NULL;
	x->nms = 0;
}

static void
ms_load(struct xtr *x)
{
	struct conf_map_server *m;
	struct xtr_ms *ms;
	int n = 0;

	ms_clear(x);
	TAILQ_FOREACH(m, &x->l->conf->map_servers, entry)
		n++;
	if (n == 0 || (x->ms = calloc((size_t)n, sizeof(*x->ms))) == NULL)
		return;
	TAILQ_FOREACH(m, &x->l->conf->map_servers, entry) {
		ms = &x->ms[x->nms++];
		ms->addr = m->addr;
		ms->key_id = m->key.key_id;
		ms->alg = m->key.alg;
		ms->secret = strdup(m->key.secret ? m->key.secret : "");
		if (ms->secret == NULL) {
			log_warn("xtr: out of memory for map-server key");
			x->nms--;
			continue;
		}
		/* NULL for no authentication: the helpers fall back to the
		 * secret (and refuse, as auth_sign does) */
		ms->akey = auth_key_new(ms->alg, ms->secret, strlen(ms->secret));
		ms->proxy_reply = m->proxy_reply;
		ms->want_notify = m->want_map_notify;
	}
}

int
xtr_ms_sign(const struct xtr_ms *ms, uint8_t *msg, size_t len, size_t auth_off,
    size_t auth_len)
{
	if (ms->akey != NULL)
		return auth_key_sign(ms->akey, msg, len, auth_off, auth_len);
	return auth_sign(ms->alg, ms->secret, strlen(ms->secret), msg, len,
	    auth_off, auth_len);
}

int
xtr_ms_verify(const struct xtr_ms *ms, const uint8_t *msg, size_t len,
    size_t auth_off, size_t auth_len)
{
	if (ms->akey != NULL)
		return auth_key_verify(ms->akey, msg, len, auth_off, auth_len);
	return auth_verify(ms->alg, ms->secret, strlen(ms->secret), msg, len,
	    auth_off, auth_len);
}

#define DP_TAIL_NAME(id, s)	[XTR_DROP__N + id] = s,
const char *const xtr_drop_names[XTR_COUNTERS] = { XTR_DROPS(DROP_NAME) DP_DROPS(DP_TAIL_NAME) };
#undef DP_TAIL_NAME

static void	xtr_free(struct xtr *);

static struct xtr *
xtr_new(struct locid *l)
{
	struct xtr *x;

	if ((x = calloc(1, sizeof(*x))) == NULL) {
		log_warn("xtr: out of memory");
		return NULL;
	}
	x->l = l;
	log_limiter_init(&x->logrl, l->conf);
	x->dp.tun_fd = x->dp.udp4 = x->dp.udp6 = x->dp.tx4.fd = x->dp.tx6.fd = -1;
	x->itr = l->conf->itr || l->conf->pitr;
	x->etr = l->conf->etr || l->conf->petr;
	/* map-register nonces increase across restarts */
	x->reg_nonce = wall_s() << 24;
	if ((x->nl = nl_open()) == NULL || (x->fib = fib_new()) == NULL ||
	    (x->mc = mapcache_new(x->fib)) == NULL) {
		log_warn("xtr: netlink: %s", strerror(errno));
		goto fail;
	}
	if (db_load(x) == -1)
		goto fail;
	ms_load(x);
	if (smr_start(x) == -1 || (x->mrsel = mrsel_new()) == NULL)
		goto fail;
	mrsel_conf(x);
	if (dataplane_open(x) == -1)
		goto fail;
	tenants_rules(x, 1);
	if ((x->tick = locid_timer_new(l, tick_cb, x)) == NULL ||
	    (x->nat = natx_new(x)) == NULL)
		goto fail;
	x->armed_ms = UINT64_MAX;
	mapcache_set_wake(x->mc, mc_wake, x);
	/* what each function needs (source rules, static entries, PxTR
	 * routes, registrations) its row sets up: itr.c, etr.c, pxtr.c */
	xtr_timer_kick(x);
	log_info("xtr: %s%s%s with %d database-mapping(s), %d map-server(s)",
	    x->itr ? "itr" : "", x->itr && x->etr ? "+" : "", x->etr ? "etr" : "",
	    x->ndb, x->nms);
	return x;
fail:
	xtr_free(x);
	return NULL;
}

/* the timers may depend on the new settings (probe interval, retries):
 * every entry is looked at once, at the next tick (a reload, not a tick,
 * pays for this walk) */
struct rearm {
	struct xtr	*x;
	uint64_t	 now;
};

static int
rearm_cb(struct mc_entry *e, void *arg)
{
	const struct rearm *ra = arg;

	mc_entry_wake(ra->x->mc, e, ra->now);
	return 0;
}

static void
xtr_timers_rearm(struct xtr *x)
{
	struct rearm ra = { x, now_ms() };

	mapcache_foreach(x->mc, rearm_cb, &ra);
}

static int
xtr_reconf(struct xtr *x, char *err, size_t errlen)
{
	const struct conf *c = x->l->conf;
	struct xtr_db *old = NULL, *gone;
	int nold = 0, ngone = 0, i, j;

	/* the TUN stays: a new name needs a restart of the role */
	if (strcmp(c->tun_name != NULL ? c->tun_name : "lisp0", x->tun_name) != 0) {
		snprintf(err, errlen, "tun device %s renamed to %s", x->tun_name,
		    c->tun_name != NULL ? c->tun_name : "lisp0");
		return -1;
	}
	if (tenants_same(x, err, errlen) == -1)
		return -1;
	log_limiter_init(&x->logrl, c);
	if (x->ebpf != NULL)
		dp_ebpf_rescan(x->ebpf);
	/* keep the map-cache and the TUN; reload mappings, servers, rules */
	rules_remove(x);
	tenants_rules(x, 0);
	x->itr = x->l->conf->itr || x->l->conf->pitr;
	x->etr = x->l->conf->etr || x->l->conf->petr;
	if (x->ndb > 0 && (old = malloc((size_t)x->ndb * sizeof(*old))) != NULL) {
		memcpy(old, x->db, (size_t)x->ndb * sizeof(*old));
		nold = x->ndb;
	}
	if (db_load(x) == -1) {
		free(old);
		snprintf(err, errlen, "database-mappings could not be loaded");
		return -1;
	}
	xtr_policy(x);
	if (c->dataplane != x->dp_conf && dataplane_switch(x, err, errlen) == -1)
		return -1;
	ms_load(x);
	/* the prefixes the reload removed are withdrawn at once, not left
	 * registered until the registration expires */
	for (i = 0, gone = old; i < nold; i++) {
		for (j = 0; j < x->ndb; j++)
			if (x->db[j].mlen == old[i].mlen && addr_equal(&x->db[j].eid, &old[i].eid))
				break;
		if (j == x->ndb)
			gone[ngone++] = old[i];
	}
	/* the ETR row withdraws them (xtr_gone) */
	free(x->gone);
	x->gone = NULL;
	x->ngone = 0;
	if (ngone > 0) {
		x->gone = gone;
		x->ngone = ngone;
	} else
		free(old);
	smr_reconf(x);
	mrsel_conf(x);
	tenants_rules(x, 1);
	xtr_timers_rearm(x);
	natx_conf(x->nat);
	xtr_timer_kick(x);	/* SMRs due now; the rows that follow set up the rest */
	log_info("xtr: reconfigured: %d database-mapping(s), %d map-server(s)",
	    x->ndb, x->nms);
	return 0;
}

static void
xtr_free(struct xtr *x)
{
	if (x == NULL)
		return;
	locid_timer_free(x->tick);
	if (x->mc != NULL)
		mapcache_free(x->mc, itr_entry_del, x);
	if (x->nl != NULL) {
		rules_remove(x);
		tenants_rules(x, 0);
	}
	dp_close(&x->dp);
	free(x->tn);
	fib_free(x->fib, NULL, NULL);
	nl_close(x->nl);
	ms_clear(x);
	free(x->db);
	free(x->gone);
	smr_free(x->smr);
	mrsel_free(x->mrsel);
	free(x->rl);
	free(x->rl_probe);
	free(x->psrc);
	lsec_otks_free(x->otks);
	natx_free(x->nat);
	free(x->reqrl);
	free(x);
}

/* args {"prefix": "198.18.2.0/24"} (optional): the entries inside it, or
 * the one that covers it */
static int
args_prefix(json_t *args, struct lisp_addr *a, int *mlen, char *err, size_t errlen)
{
	json_t *v;
	const char *s;

	if (args == NULL || (v = json_object_get(args, "prefix")) == NULL ||
	    json_is_null(v))
		return 0;
	if ((s = json_string_value(v)) == NULL)
		goto bad;
	if (prefix_parse(s, a, mlen) == 0)
		return 1;
	if (addr_parse(a, s) == 0) {
		*mlen = addr_bits(a);
		return 1;
	}
bad:
	snprintf(err, errlen, "bad prefix");
	return -1;
}

/* the streamed form: a chunk of entries per call, resuming after the last
 * one sent, so a map-cache of any size never holds the loop for long */
struct mc_stream {
	struct mc_cursor cur;
	int		 filter;
	struct lisp_addr a;
	int		 mlen;
};

struct mc_stream_walk {
	struct mc_stream	*ms;
	struct ctl_stream	*st;
	uint64_t		 now;
	int			 seen;
};

#define MC_STREAM_VISIT	4096	/* entries looked at per call (filtered walks) */

static int
mc_stream_cb(struct mc_entry *e, void *arg)
{
	struct mc_stream_walk	*w = arg;
	struct mc_stream	*ms = w->ms;
	int			 more = 1;

	if (!ms->filter || addr_prefix_covers(&ms->a, ms->mlen, MC_EID(e)) ||
	    addr_prefix_covers(MC_EID(e), e->mlen, &ms->a))
		more = ctl_stream_item(w->st, mc_entry_json(e, w->now));
	mc_cursor_set(&ms->cur, e);
	return !more || ++w->seen >= MC_STREAM_VISIT;
}

static int
xtr_stream_map_cache(void *o, json_t *args, struct ctl_stream *st,
    void **cursor, char *err, size_t errlen)
{
	struct xtr		*x = o;
	struct mc_stream	*ms = *cursor;
	struct mc_stream_walk	 w;
	int			 r;

	if (ms == NULL) {
		if ((ms = calloc(1, sizeof(*ms))) == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		if ((r = args_prefix(args, &ms->a, &ms->mlen, err, errlen)) == -1) {
			free(ms);
			return -1;
		}
		ms->filter = r == 1;
		*cursor = ms;
		dp_sync(&x->dp);	/* the fast path's counters, up to now */
	}
	w.ms = ms;
	w.st = st;
	w.now = now_ms();
	w.seen = 0;
	return mapcache_walk_after(x->mc, &ms->cur, mc_stream_cb, &w) != 0;
}

static json_t *
xtr_show_database(void *o, json_t *args, char *err, size_t errlen)
{
	struct xtr *x = o;
	return pxtr_database_json(x, etr_database_json(x));
}

static json_t *
xtr_clear_map_cache(void *arg, json_t *args, char *err, size_t errlen)
{
	struct xtr *x = arg;
	struct lisp_addr a;
	int mlen, r, n;
	json_t *o;

	if ((r = args_prefix(args, &a, &mlen, err, errlen)) == -1)
		return NULL;
	n = itr_clear(x, r == 1 ? &a : NULL, mlen);
	o = json_object();
	json_object_set_new(o, "cleared", json_integer(n));
	return o;
}

static json_t *
xtr_stats(void *arg)
{
	struct xtr *x = arg;
	struct xtr_stats *s = &x->st;
	json_t *o = json_object();

#define S(n)	json_object_set_new(o, #n, json_integer((json_int_t)s->n))
	json_object_set_new(o, "queued_packets", json_integer((json_int_t)s->queued_pkts));
	S(queue_sent);
	S(map_requests); S(map_requests_retx); S(map_replies_in);
	S(map_replies_out); S(registers); S(notifies); S(probe_replies); S(smr_in);
	S(publications); S(unsubscribes);
#undef S
	pxtr_stats_json(x, o);
	dp_stats_json(&x->dp, o);	/* after the PETR's: the fast path adds to them */
	json_object_set_new(o, "map_cache_entries", json_integer((json_int_t)mapcache_count(x->mc)));
	json_object_set_new(o, "resolve_avg_ms", s->resolve_count ?
	    json_real((double)s->resolve_ms_sum / (double)s->resolve_count) : json_null());
	json_object_set_new(o, "tun", json_string(x->tun_name));
	json_object_set_new(o, "tun_mtu", json_integer(x->tun_mtu));
	json_object_set_new(o, "dataplane_reason", json_string(x->dp_why));
	if (x->mrsel != NULL)
		json_object_set_new(o, "map_resolvers", mrsel_json(x->mrsel, now_ms()));
	if (x->smr != NULL)
		json_object_set_new(o, "smr", smr_json(x->smr, now_ms()));
	return o;
}

/* -- the role ---------------------------------------------------------- */

/* the rows of the site's functions (itr.c, etr.c, pxtr.c) hold no state
 * of their own: their object is the daemon, and each message they take
 * goes to the xtr row's object, the shared map-cache, database and data
 * plane. NULL while the xtr row is not running. */
struct xtr *
xtr_of(void *l)
{
	return core_role(l, "xtr");
}

/* a Map-Reply: to a request of the ITR or PITR, or of the ETR's or PETR's
 * decapsulation check */
int
xtr_rx_reply(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	if (x == NULL)
		return 0;
	itr_reply_in(x, m->pkt, m->rep);
	return 1;
}

int
xtr_rx_smr(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	if (x == NULL)
		return 0;
	itr_smr_in(x, m->pkt, m->mreq);
	return 1;
}

/* a Map-Notify publishing a subscribed mapping; the ETR's own Map-Notifies
 * are left to the ETR row */
int
xtr_rx_publication(void *o, const struct msg_in *m)
{
	struct xtr *x = xtr_of(o);

	return x != NULL && itr_publication_in(x, m->pkt, m->reg);
}

static json_t *
xtr_show_nat(void *o, json_t *args, char *err, size_t errlen)
{
	return natx_json(((struct xtr *)o)->nat);
}

/* the state the four rows share: wanted when one of them is */
static int
xtr_wanted(const struct conf *c)
{
	return c->itr || c->etr || c->pitr || c->petr;
}

static void *
xtr_role_new(struct locid *l)
{
	return xtr_new(l);
}

static int
xtr_role_reconf(void *o, char *err, size_t errlen)
{
	return xtr_reconf(o, err, errlen);
}

static void
xtr_role_free(void *o)
{
	xtr_free(o);
}

static void
xtr_counters(void *o, struct counters *k)
{
	struct xtr *x = o;

	memcpy(x->drops + XTR_DROP__N, x->dp.drops, sizeof(x->dp.drops));
	k->names = xtr_drop_names;
	k->v = x->drops;
	k->n = XTR_COUNTERS;
}

static void
xtr_clear_stats(void *o)
{
	struct xtr *x = o;

	memset(&x->st, 0, sizeof(x->st));
	memset(x->drops, 0, sizeof(x->drops));
	memset(x->dp.drops, 0, sizeof(x->dp.drops));
	memset(&x->dp.st, 0, sizeof(x->dp.st));
}

static struct ratelimit *
xtr_logrl(void *o)
{
	return &((struct xtr *)o)->logrl;
}

static const struct ctl_cmd xtr_cmds[] = {
	{ .name = "show map-cache",
	  .stream = xtr_stream_map_cache, .cursor_free = free },
	{ .name = "show database", .fn = xtr_show_database },
	{ .name = "show nat", .fn = xtr_show_nat },
	{ .name = "clear map-cache", .flags = CTL_PRIV, .fn = xtr_clear_map_cache },
	{ .name = NULL },
};

const struct role role_xtr = {
	.name = "xtr",
	.wanted = xtr_wanted,
	.new = xtr_role_new,
	.reconf = xtr_role_reconf,
	.free = xtr_role_free,
	.cmds = xtr_cmds,
	.counters = xtr_counters,
	.clear_stats = xtr_clear_stats,
	.stats = xtr_stats,
	.logrl = xtr_logrl,
};
