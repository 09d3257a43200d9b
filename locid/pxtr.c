/* PITR and PETR (RFC 6832): the kernel state that attracts the EID
 * aggregates into the TUN, the anti-spoofing check of the PETR and the
 * RLOCs of a proxy without database-mappings. the forwarding itself is
 * the data plane's (dp.c: no source-EID check for a PITR, the PETR's
 * source check), told the prefixes by xtr_policy. */
#include <stdlib.h>
#include <string.h>

#include "xtr.h"
#include "pxtr.h"

static int
v6_usable(const struct lisp_addr *a)
{
	const uint8_t *b = addr_bytes(a);

	/* not link-local fe80::/10 */
	return a->afi == AFI_IPV6 && !(b[0] == 0xfe && (b[1] & 0xc0) == 0x80);
}

void
pxtr_rlocs(struct xtr *x)
{
	struct conf *c = x->l->conf;
	struct conf_peer *mr;
	struct lisp_addr probe;
	int ifi = 0;

	if (!c->pitr && !c->petr)
		return;
	if (x->rloc4.afi == AFI_NONE && c->listen_v4.afi == AFI_IPV4)
		x->rloc4 = c->listen_v4;
	if (x->rloc6.afi == AFI_NONE && c->listen_v6.afi == AFI_IPV6)
		x->rloc6 = c->listen_v6;
	if (x->rloc4.afi != AFI_NONE && x->rloc6.afi != AFI_NONE)
		return;
	/* the interface towards the mapping system, else the default route */
	TAILQ_FOREACH(mr, &c->map_resolvers, entry)
		if ((ifi = nl_route_oif(x->nl, &mr->addr)) != 0)
			break;
	if (ifi == 0) {
		addr_parse(&probe, "192.0.2.1");
		ifi = nl_route_oif(x->nl, &probe);
	}
	if (ifi == 0) {
		log_warn("pxtr: no RLOC: no route to a map-resolver nor a default route");
		return;
	}
	if (x->rloc4.afi == AFI_NONE && nl_if_addr(x->nl, ifi, 4, &x->rloc4) == -1)
		addr_set_none(&x->rloc4);
	if (x->rloc6.afi == AFI_NONE && (nl_if_addr(x->nl, ifi, 6, &x->rloc6) == -1 ||
	    !v6_usable(&x->rloc6)))
		addr_set_none(&x->rloc6);
	log_info("pxtr: RLOCs %s %s", x->rloc4.afi == AFI_NONE ? "-" :
	    addr_fmt(&x->rloc4, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
	    x->rloc6.afi == AFI_NONE ? "-" :
	    addr_fmt(&x->rloc6, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN));
}

static int
prefixes_v6(const struct conf_prefixes *ps)
{
	const struct conf_prefix *p;

	TAILQ_FOREACH(p, ps, entry)
		if (p->eid.afi == AFI_IPV6)
			return 1;
	return 0;
}

int
pxtr_wants_v6(const struct xtr *x)
{
	const struct conf *c = x->l->conf;

	return (c->pitr && prefixes_v6(&c->pitr_prefixes)) ||
	    (c->petr && (prefixes_v6(&c->petr_prefixes) ||
	    TAILQ_EMPTY(&c->petr_prefixes)));
}

int
pxtr_prefixes_cover(const struct conf_prefixes *ps, const struct lisp_addr *a,
    int has_iid, uint32_t iid)
{
	const struct conf_prefix *p;
	struct lisp_addr b = *a;

	TAILQ_FOREACH(p, ps, entry) {
		if ((p->eid.has_iid ? p->eid.iid : 0) != (has_iid ? iid : 0))
			continue;
		b.has_iid = p->eid.has_iid;
		b.iid = p->eid.iid;
		if (addr_prefix_covers(&p->eid, p->mlen, &b))
			return 1;
	}
	return 0;
}

static unsigned
fam_bit(int fam)
{
	return fam == 6 ? FAM_V6 : FAM_V4;
}

static void
rules_del(struct xtr *x, struct pxtr *px)
{
	int i, fam;

	for (i = 0; i < px->n; i++)
		nl_route(x->nl, 0, NL_RT_DEV, px->table, &px->pfx[i], px->mlen[i],
		    px->tun_if);
	for (fam = 4; fam <= 6; fam += 2) {
		if (px->fams & fam_bit(fam))
			nl_rule(x->nl, 0, fam, NULL, 0, px->table, px->prio, -1);
		if (px->suppress & fam_bit(fam))
			nl_rule(x->nl, 0, fam, NULL, 0, 254, px->prio - 1, 0);
	}
}

/* routes for the pitr-prefixes to the TUN in the LISP table, reached by
 * every packet (`from all`) whose destination the main table only knows
 * through its default route (`lookup main suppress_prefixlength 0` first) */
void
pxtr_rules(struct xtr *x, int add)
{
	struct conf *c = x->l->conf;
	struct conf_prefix *p;
	struct pxtr *px = x->px;
	unsigned want = 0;
	int fam;

	if (!add) {
		if (px == NULL)
			return;
		rules_del(x, px);
		free(px);
		x->px = NULL;
		return;
	}
	if (!c->pitr || px != NULL || x->tun_if == 0)
		return;
	if ((px = calloc(1, sizeof(*px))) == NULL) {
		log_warn("pitr: out of memory");
		return;
	}
	x->px = px;
	px->table = c->rt_table ? c->rt_table : 100;
	px->prio = c->rule_prio ? c->rule_prio : 100;
	px->tun_if = x->tun_if;
	TAILQ_FOREACH(p, &c->pitr_prefixes, entry) {
		struct lisp_addr a = p->eid;

		if (px->n == PXTR_PREFIXES)
			break;
		a.has_iid = 0;
		fam = a.afi == AFI_IPV6 ? 6 : 4;
		nl_route(x->nl, 0, NL_RT_DEV, px->table, &a, p->mlen, px->tun_if);
		if (nl_route(x->nl, 1, NL_RT_DEV, px->table, &a, p->mlen, px->tun_if) == -1) {
			log_warn("pitr: route %s in table %u: %s", prefix_fmt(&a, p->mlen,
			    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN), px->table, nl_error(x->nl));
			continue;
		}
		px->pfx[px->n] = a;
		px->mlen[px->n++] = p->mlen;
		want |= fam_bit(fam);
	}
	for (fam = 4; fam <= 6; fam += 2) {
		if (!(want & fam_bit(fam)))
			continue;
		/* the xTR's rules may have the suppress rule already */
		if (!(x->rules_up && (x->fam_rules & fam_bit(fam)))) {
			nl_rule(x->nl, 0, fam, NULL, 0, 254, px->prio - 1, 0);
			if (nl_rule(x->nl, 1, fam, NULL, 0, 254, px->prio - 1, 0) == -1)
				log_warn("pitr: suppress_prefixlength rule IPv%d: %s", fam,
				    nl_error(x->nl));
			else
				px->suppress |= fam_bit(fam);
		}
		nl_rule(x->nl, 0, fam, NULL, 0, px->table, px->prio, -1);
		if (nl_rule(x->nl, 1, fam, NULL, 0, px->table, px->prio, -1) == -1)
			log_warn("pitr: rule from all lookup %u IPv%d: %s", px->table, fam,
			    nl_error(x->nl));
		else
			px->fams |= fam_bit(fam);
	}
	log_info("pitr: %d pitr-prefix route(s) to %s in table %u", px->n, x->tun_name,
	    px->table);
}

void
pxtr_stats_json(struct xtr *x, json_t *o)
{
	if (!x->l->conf->petr)
		return;
	json_object_set_new(o, "petr_packets", json_integer((json_int_t)x->dp.st.petr_pkts));
	json_object_set_new(o, "petr_bytes", json_integer((json_int_t)x->dp.st.petr_bytes));
}

static json_t *
prefixes_json(const struct conf_prefixes *ps)
{
	const struct conf_prefix *p;
	json_t *a = json_array();

	TAILQ_FOREACH(p, ps, entry)
		json_array_append_new(a, json_string(prefix_fmt(&p->eid, p->mlen,
		    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
	return a;
}

json_t *
pxtr_database_json(struct xtr *x, json_t *o)
{
	struct conf *c = x->l->conf;
	json_t *p, *r;

	if (o == NULL || (!c->pitr && !c->petr))
		return o;
	p = json_object();
	json_object_set_new(p, "pitr", json_boolean(c->pitr));
	json_object_set_new(p, "petr", json_boolean(c->petr));
	r = json_array();
	if (x->rloc4.afi != AFI_NONE)
		json_array_append_new(r, json_string(addr_fmt(&x->rloc4,
		    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
	if (x->rloc6.afi != AFI_NONE)
		json_array_append_new(r, json_string(addr_fmt(&x->rloc6,
		    (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN)));
	json_object_set_new(p, "rlocs", r);
	if (c->pitr) {
		json_object_set_new(p, "pitr_prefixes", prefixes_json(&c->pitr_prefixes));
		json_object_set_new(p, "routes_installed", json_integer(x->px ? x->px->n : 0));
	}
	if (c->petr)
		json_object_set_new(p, "petr_prefixes", prefixes_json(&c->petr_prefixes));
	json_object_set_new(o, "proxy", p);
	return o;
}

/* -- the rows -------------------------------------------------------------- */

static int
pitr_wanted(const struct conf *c)
{
	return c->pitr;
}

static int
petr_wanted(const struct conf *c)
{
	return c->petr;
}

/* the PITR's routes for its prefixes, and the ITR's set-up when no itr
 * row does it */
static void *
pitr_row_new(struct locid *l)
{
	struct xtr *x = xtr_of(l);

	if (x != NULL) {
		pxtr_rules(x, 1);
		if (!l->conf->itr)
			itr_setup(x);
	}
	return l;
}

static void
pitr_row_free(void *o)
{
	struct xtr *x = xtr_of(o);

	if (x != NULL)
		pxtr_rules(x, 0);
}

/* the ETR's registrations when no etr row runs (a PETR with a database) */
static void *
petr_row_new(struct locid *l)
{
	struct xtr *x = xtr_of(l);

	if (x != NULL && !l->conf->etr)
		etr_setup(x);
	return l;
}

static void
petr_row_free(void *o)
{
	struct locid *l = o;
	struct xtr *x = xtr_of(o);

	if (x != NULL && !l->conf->etr)
		etr_teardown(x);
}

/* a PITR resolves and keeps a map-cache as an ITR does */
const struct role role_pitr = {
	.name = "pitr",
	.wanted = pitr_wanted,
	.new = pitr_row_new,
	.free = pitr_row_free,
	.rx = {
		[RX_NOTIFY] = { xtr_rx_publication, 10 },
		XTR_RX_MAPCACHE(10),
	},
};

/* a PETR decapsulates (the data plane); Map-Replies come only to its
 * decapsulation check's requests */
const struct role role_petr = {
	.name = "petr",
	.wanted = petr_wanted,
	.new = petr_row_new,
	.free = petr_row_free,
	.rx = {
		XTR_RX_MAPCACHE(11),
	},
};
