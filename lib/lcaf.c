/* RFC 8060 LCAF bodies: validation, text, typed decoders, iterators,
 * encoders. one parser per type reads a body at a given nesting depth;
 * lcaf_validate (called by addr_decode) and the typed decoders share it.
 * each type is one row of the lcaf_kinds table, built from LCAF_KINDS. */
#include <string.h>

#include "addr.h"
#include "lcaf.h"
#include "sbuf.h"

#define GEO_N		0x8000
#define GEO_DEG		0x7fff

static int
fail(const char **why, const char *reason)
{
	if (why != NULL)
		*why = reason;
	return -1;
}

static int
body_end(const struct rbuf *b, const char **why)
{
	if (b->len != 0)
		return fail(why, "trailing octets in LCAF body");
	return 0;
}

static int
mlen_check(const struct lisp_addr *a, uint8_t mlen)
{
	int bits = addr_bits(a);

	return bits == 0 || mlen <= bits ? 0 : -1;
}

static int
v_list(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lisp_addr it;

	if (b.len == 0)
		return fail(why, "empty AFI list");
	while (b.len > 0)
		if (addr_decode(&b, &it, depth + 1, why) == -1)
			return -1;
	return 0;
}

static int
parse_asn(struct rbuf b, int depth, struct lcaf_asn *x, const char **why)
{
	if (rbuf_u32(&b, &x->asn) == -1)
		return fail(why, "short AS number LCAF");
	if (addr_decode(&b, &x->addr, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

static int
geo_half(struct rbuf *b, uint8_t *hemi, uint16_t *deg, uint8_t *min,
    uint8_t *sec, uint16_t maxdeg, const char **why)
{
	uint16_t v;

	if (rbuf_u16(b, &v) == -1 || rbuf_u8(b, min) == -1 ||
	    rbuf_u8(b, sec) == -1)
		return fail(why, "short geo-coordinates LCAF");
	*hemi = (v & GEO_N) != 0;
	*deg = v & GEO_DEG;
	if (*deg > maxdeg || *min > 59 || *sec > 59 ||
	    (*deg == maxdeg && (*min != 0 || *sec != 0)))
		return fail(why, "geo coordinate out of range");
	return 0;
}

static int
parse_geo(struct rbuf b, int depth, struct lcaf_geo *g, const char **why)
{
	uint32_t alt;

	if (geo_half(&b, &g->north, &g->lat_deg, &g->lat_min, &g->lat_sec,
	    90, why) == -1 ||
	    geo_half(&b, &g->east, &g->lon_deg, &g->lon_min, &g->lon_sec,
	    180, why) == -1)
		return -1;
	if (rbuf_u32(&b, &alt) == -1)
		return fail(why, "short geo-coordinates LCAF");
	g->alt = (int32_t)alt;
	if (addr_decode(&b, &g->addr, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

static int
parse_nat(struct rbuf b, int depth, struct lcaf_nat *n, const char **why)
{
	if (rbuf_u16(&b, &n->ms_port) == -1 || rbuf_u16(&b, &n->etr_port) == -1)
		return fail(why, "short NAT-traversal LCAF");
	if (addr_decode(&b, &n->global_etr, depth + 1, why) == -1 ||
	    addr_decode(&b, &n->ms_rloc, depth + 1, why) == -1 ||
	    addr_decode(&b, &n->private_etr, depth + 1, why) == -1)
		return -1;
	n->nrtr = 0;
	while (b.len > 0) {
		if (n->nrtr == NAT_RTR_MAX)
			return fail(why, "too many RTRs in NAT-traversal LCAF");
		if (addr_decode(&b, &n->rtr[n->nrtr], depth + 1, why) == -1)
			return -1;
		n->nrtr++;
	}
	return 0;
}

static int
parse_mcast(struct rbuf b, uint8_t rsvd2, int depth, struct lcaf_mcast *m,
    const char **why)
{
	uint16_t rsvd;

	m->flags = rsvd2 & 0x07;
	if (rbuf_u32(&b, &m->iid) == -1 || rbuf_u16(&b, &rsvd) == -1 ||
	    rbuf_u8(&b, &m->src_mlen) == -1 || rbuf_u8(&b, &m->grp_mlen) == -1)
		return fail(why, "short multicast-info LCAF");
	if (addr_decode(&b, &m->src, depth + 1, why) == -1 ||
	    addr_decode(&b, &m->grp, depth + 1, why) == -1)
		return -1;
	if (mlen_check(&m->src, m->src_mlen) == -1 ||
	    mlen_check(&m->grp, m->grp_mlen) == -1)
		return fail(why, "multicast-info mask length too long");
	return body_end(&b, why);
}

static int
elp_hop(struct rbuf *b, int depth, struct lcaf_elp_hop *h, const char **why)
{
	struct rbuf c = *b;

	if (rbuf_u16(&c, &h->flags) == -1)
		return fail(why, "short ELP hop");
	if (addr_decode(&c, &h->addr, depth + 1, why) == -1)
		return -1;
	*b = c;
	return 0;
}

static int
v_elp(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_elp_hop h;

	if (b.len == 0)
		return fail(why, "empty ELP");
	while (b.len > 0)
		if (elp_hop(&b, depth, &h, why) == -1)
			return -1;
	return 0;
}

static int
parse_seckey(struct rbuf b, int depth, struct lcaf_seckey *k, const char **why)
{
	uint8_t rsvd3, r;
	int i;

	if (rbuf_u8(&b, &k->nkeys) == -1 || rbuf_u8(&b, &rsvd3) == -1 ||
	    rbuf_u8(&b, &k->alg) == -1 || rbuf_u8(&b, &r) == -1)
		return fail(why, "short security-key LCAF");
	if (k->nkeys > SECKEY_MAX)
		return fail(why, "too many keys in security-key LCAF");
	k->revoke = r & 0x01;
	for (i = 0; i < k->nkeys; i++) {
		if (rbuf_u16(&b, &k->key[i].len) == -1)
			return fail(why, "short security-key LCAF");
		k->key[i].material = b.p;
		if (rbuf_skip(&b, k->key[i].len) == -1)
			return fail(why, "key length exceeds LCAF");
	}
	for (; i < SECKEY_MAX; i++) {
		k->key[i].len = 0;
		k->key[i].material = NULL;
	}
	if (addr_decode(&b, &k->addr, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

static int
parse_srcdst(struct rbuf b, int depth, struct lcaf_srcdst *sd,
    const char **why)
{
	uint16_t rsvd;

	if (rbuf_u16(&b, &rsvd) == -1 || rbuf_u8(&b, &sd->src_mlen) == -1 ||
	    rbuf_u8(&b, &sd->dst_mlen) == -1)
		return fail(why, "short source/dest LCAF");
	if (addr_decode(&b, &sd->src, depth + 1, why) == -1 ||
	    addr_decode(&b, &sd->dst, depth + 1, why) == -1)
		return -1;
	if (mlen_check(&sd->src, sd->src_mlen) == -1 ||
	    mlen_check(&sd->dst, sd->dst_mlen) == -1)
		return fail(why, "source/dest mask length too long");
	return body_end(&b, why);
}

/* one RLE entry; lispers.net may follow the address with an AFI 17 name,
 * which is skipped (a real next entry starts with Rsvd3 = 0) */
static int
rle_entry(struct rbuf *b, int depth, struct lcaf_rle_entry *e,
    const char **why)
{
	struct rbuf c = *b;
	struct lisp_addr name;
	uint16_t rsvd3, next;
	uint8_t rsvd4;

	if (rbuf_u16(&c, &rsvd3) == -1 || rbuf_u8(&c, &rsvd4) == -1 ||
	    rbuf_u8(&c, &e->level) == -1)
		return fail(why, "short RLE entry");
	if (addr_decode(&c, &e->addr, depth + 1, why) == -1)
		return -1;
	if (rbuf_peek_u16(&c, &next) == 0 && next == AFI_DN &&
	    addr_decode(&c, &name, depth + 1, why) == -1)
		return -1;
	*b = c;
	return 0;
}

static int
v_rle(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_rle_entry e;

	if (b.len == 0)
		return fail(why, "empty RLE");
	while (b.len > 0)
		if (rle_entry(&b, depth, &e, why) == -1)
			return -1;
	return 0;
}

static int
parse_json(struct rbuf b, uint8_t rsvd2, int depth, struct lcaf_json *j,
    const char **why)
{
	j->binary = rsvd2 & 0x01;
	if (rbuf_u16(&b, &j->len) == -1)
		return fail(why, "short JSON LCAF");
	j->text = b.p;
	if (rbuf_skip(&b, j->len) == -1)
		return fail(why, "JSON length exceeds LCAF");
	if (addr_decode(&b, &j->addr, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

static int
parse_kv(struct rbuf b, int depth, struct lcaf_kv *kv, const char **why)
{
	if (addr_decode(&b, &kv->key, depth + 1, why) == -1 ||
	    addr_decode(&b, &kv->value, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

static int
parse_app(struct rbuf b, int depth, struct lcaf_app *x, const char **why)
{
	uint8_t tos[3];

	if (rbuf_bytes(&b, tos, 3) == -1 || rbuf_u8(&b, &x->proto) == -1 ||
	    rbuf_u16(&b, &x->lport_lo) == -1 || rbuf_u16(&b, &x->lport_hi) == -1 ||
	    rbuf_u16(&b, &x->rport_lo) == -1 || rbuf_u16(&b, &x->rport_hi) == -1)
		return fail(why, "short application-data LCAF");
	x->tos = (uint32_t)tos[0] << 16 | (uint32_t)tos[1] << 8 | tos[2];
	if (x->lport_lo > x->lport_hi || x->rport_lo > x->rport_hi)
		return fail(why, "application-data port range reversed");
	if (addr_decode(&b, &x->addr, depth + 1, why) == -1)
		return -1;
	return body_end(&b, why);
}

/* validation hooks of the lcaf_kinds table over the parsers above that
 * fill a decoded value, which is thrown away (the list-shaped parsers have
 * the hook's signature already) */
static int
v_null(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	return b.len == 0 ? 0 : fail(why, "null-body LCAF with a body");
}

static int
v_asn(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_asn x;

	return parse_asn(b, depth, &x, why);
}

static int
v_geo(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_geo x;

	return parse_geo(b, depth, &x, why);
}

static int
v_nat(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_nat x;

	return parse_nat(b, depth, &x, why);
}

static int
v_mcast(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_mcast x;

	return parse_mcast(b, rsvd2, depth, &x, why);
}

static int
v_seckey(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_seckey x;

	return parse_seckey(b, depth, &x, why);
}

static int
v_srcdst(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_srcdst x;

	return parse_srcdst(b, depth, &x, why);
}

static int
v_json(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_json x;

	return parse_json(b, rsvd2, depth, &x, why);
}

static int
v_kv(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_kv x;

	return parse_kv(b, depth, &x, why);
}

static int
v_app(struct rbuf b, uint8_t rsvd2, int depth, const char **why)
{
	struct lcaf_app x;

	return parse_app(b, depth, &x, why);
}

/* text renderers (addr_fmt) of the typed bodies, inside "lcaf-<name>(...)";
 * a body the typed decoder refuses renders as nothing */
static void
t_null(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
}

static void
t_list(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_list l;
	struct lisp_addr it;
	const char *sep = "";

	if (lcaf_list_decode(a, &l) == -1)
		return;
	while (lcaf_list_next(&l, &it) == 1) {
		sbuf_printf(sb, "%s", sep);
		addr_sbuf(sb, &it, depth + 1);
		sep = ",";
	}
}

static void
t_asn(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_asn x;

	if (lcaf_asn_decode(a, &x) == -1)
		return;
	sbuf_printf(sb, "AS%u,", x.asn);
	addr_sbuf(sb, &x.addr, depth + 1);
}

static void
t_geo(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_geo g;

	if (lcaf_geo_decode(a, &g) == -1)
		return;
	sbuf_printf(sb, "%u-%u-%u-%c,%u-%u-%u-%c", g.lat_deg, g.lat_min,
	    g.lat_sec, g.north ? 'N' : 'S', g.lon_deg, g.lon_min,
	    g.lon_sec, g.east ? 'E' : 'W');
	if (g.alt != GEO_ALT_NONE)
		sbuf_printf(sb, ",%dm", g.alt);
	sbuf_printf(sb, ",");
	addr_sbuf(sb, &g.addr, depth + 1);
}

static void
t_nat(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_nat n;
	int i;

	if (lcaf_nat_decode(a, &n) == -1)
		return;
	addr_sbuf(sb, &n.global_etr, depth + 1);
	sbuf_printf(sb, ":%u,ms ", n.etr_port);
	addr_sbuf(sb, &n.ms_rloc, depth + 1);
	sbuf_printf(sb, ":%u,private ", n.ms_port);
	addr_sbuf(sb, &n.private_etr, depth + 1);
	for (i = 0; i < n.nrtr; i++) {
		sbuf_printf(sb, ",rtr ");
		addr_sbuf(sb, &n.rtr[i], depth + 1);
	}
}

static void
t_mcast(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_mcast m;

	if (lcaf_mcast_decode(a, &m) == -1)
		return;
	sbuf_printf(sb, "[%u]", m.iid);
	addr_sbuf(sb, &m.src, depth + 1);
	sbuf_printf(sb, "/%u,", m.src_mlen);
	addr_sbuf(sb, &m.grp, depth + 1);
	sbuf_printf(sb, "/%u", m.grp_mlen);
	if (m.flags != 0)
		sbuf_printf(sb, ",%s%s%s", m.flags & 4 ? "R" : "",
		    m.flags & 2 ? "L" : "", m.flags & 1 ? "J" : "");
}

static void
t_elp(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_elp e;
	struct lcaf_elp_hop h;
	const char *sep = "";

	if (lcaf_elp_decode(a, &e) == -1)
		return;
	while (lcaf_elp_next(&e, &h) == 1) {
		sbuf_printf(sb, "%s", sep);
		addr_sbuf(sb, &h.addr, depth + 1);
		if (h.flags & (ELP_L | ELP_P | ELP_S))
			sbuf_printf(sb, "/%s%s%s",
			    h.flags & ELP_L ? "L" : "",
			    h.flags & ELP_P ? "P" : "",
			    h.flags & ELP_S ? "S" : "");
		sep = "->";
	}
}

static void
t_seckey(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_seckey k;

	if (lcaf_seckey_decode(a, &k) == -1)
		return;
	sbuf_printf(sb, "%u keys,cs %u%s,", k.nkeys, k.alg,
	    k.revoke ? ",revoke" : "");
	addr_sbuf(sb, &k.addr, depth + 1);
}

static void
t_srcdst(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_srcdst sd;

	if (lcaf_srcdst_decode(a, &sd) == -1)
		return;
	addr_sbuf(sb, &sd.src, depth + 1);
	sbuf_printf(sb, "/%u->", sd.src_mlen);
	addr_sbuf(sb, &sd.dst, depth + 1);
	sbuf_printf(sb, "/%u", sd.dst_mlen);
}

static void
t_rle(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_rle r;
	struct lcaf_rle_entry e;
	const char *sep = "";

	if (lcaf_rle_decode(a, &r) == -1)
		return;
	while (lcaf_rle_next(&r, &e) == 1) {
		sbuf_printf(sb, "%s", sep);
		addr_sbuf(sb, &e.addr, depth + 1);
		sbuf_printf(sb, "(L%u)", e.level);
		sep = ",";
	}
}

static void
t_json(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_json j;

	if (lcaf_json_decode(a, &j) == -1)
		return;
	sbuf_printf(sb, "%u octets%s", j.len, j.binary ? " binary" : "");
	if (j.addr.afi != AFI_NONE || j.addr.has_iid) {
		sbuf_printf(sb, ",");
		addr_sbuf(sb, &j.addr, depth + 1);
	}
}

static void
t_kv(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_kv kv;

	if (lcaf_kv_decode(a, &kv) == -1)
		return;
	addr_sbuf(sb, &kv.key, depth + 1);
	sbuf_printf(sb, "=");
	addr_sbuf(sb, &kv.value, depth + 1);
}

static void
t_app(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	struct lcaf_app x;

	if (lcaf_app_decode(a, &x) == -1)
		return;
	sbuf_printf(sb, "proto %u,tos 0x%06x,lport %u-%u,rport %u-%u,",
	    x.proto, x.tos, x.lport_lo, x.lport_hi, x.rport_lo, x.rport_hi);
	addr_sbuf(sb, &x.addr, depth + 1);
}

/* every LCAF type this library names, by type number: its name in text
 * and JSON, the hook that validates its body and the one that renders it
 * as text (both NULL: the body is kept opaque) */
static const struct lcaf_kind {
	const char	*name;
	int		(*validate)(struct rbuf, uint8_t rsvd2, int depth,
			    const char **why);
	void		(*text)(struct sbuf *, const struct lisp_addr *,
			    int depth);
} lcaf_kinds[256] = {
#define KIND_ROW(type, name, id)	[type] = { name, v_##id, t_##id },
#define OPAQUE_ROW(type, name)		[type] = { name, NULL, NULL },
	LCAF_KINDS(KIND_ROW)
	LCAF_OPAQUE_KINDS(OPAQUE_ROW)
#undef KIND_ROW
#undef OPAQUE_ROW
};

const char *
lcaf_type_name(uint8_t type)
{
	return lcaf_kinds[type].name != NULL ? lcaf_kinds[type].name :
	    "unknown";
}

int
lcaf_type_known(uint8_t type)
{
	return lcaf_kinds[type].validate != NULL;
}

int
lcaf_validate(uint8_t type, uint8_t rsvd2, const uint8_t *body, size_t len,
    int depth, const char **why)
{
	struct rbuf b;

	if (lcaf_kinds[type].validate == NULL)
		return fail(why, "LCAF type not validated");
	rbuf_init(&b, body, len);
	return lcaf_kinds[type].validate(b, rsvd2, depth, why);
}

void
lcaf_sbuf(struct sbuf *sb, const struct lisp_addr *a, int depth)
{
	const struct lcaf_kind *k = &lcaf_kinds[a->lcaf_type];

	if (!a->known || k->text == NULL || depth > ADDR_DEPTH_MAX + 1) {
		if (k->name == NULL)
			sbuf_printf(sb, "lcaf-type-%u(%u octets)",
			    a->lcaf_type, a->body_len);
		else
			sbuf_printf(sb, "lcaf-%s(%u octets)", k->name,
			    a->body_len);
		return;
	}
	sbuf_printf(sb, "lcaf-%s(", k->name);
	k->text(sb, a, depth);
	sbuf_printf(sb, ")");
}

/* the typed decoders re-read a body; nested addresses sit at depth 1 */
static int
lcaf_body(const struct lisp_addr *a, uint8_t type, struct rbuf *b)
{
	if (a->afi != AFI_LCAF || a->lcaf_type != type ||
	    (a->body == NULL && a->body_len != 0))
		return -1;
	rbuf_init(b, a->body, a->body_len);
	return 0;
}

int
lcaf_list_decode(const struct lisp_addr *a, struct lcaf_list *l)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_AFI_LIST, &b) == -1 ||
	    v_list(b, 0, 0, NULL) == -1)
		return -1;
	l->items = b;
	return 0;
}

int
lcaf_list_next(struct lcaf_list *l, struct lisp_addr *it)
{
	if (l->items.len == 0)
		return 0;
	return addr_decode(&l->items, it, 1, NULL) == -1 ? -1 : 1;
}

int
lcaf_asn_decode(const struct lisp_addr *a, struct lcaf_asn *x)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_ASN, &b) == -1)
		return -1;
	return parse_asn(b, 0, x, NULL);
}

int
lcaf_geo_decode(const struct lisp_addr *a, struct lcaf_geo *g)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_GEO, &b) == -1)
		return -1;
	return parse_geo(b, 0, g, NULL);
}

int
lcaf_nat_decode(const struct lisp_addr *a, struct lcaf_nat *n)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_NAT, &b) == -1)
		return -1;
	return parse_nat(b, 0, n, NULL);
}

int
lcaf_mcast_decode(const struct lisp_addr *a, struct lcaf_mcast *m)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_MCAST, &b) == -1)
		return -1;
	return parse_mcast(b, a->lcaf_rsvd2, 0, m, NULL);
}

int
lcaf_elp_decode(const struct lisp_addr *a, struct lcaf_elp *e)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_ELP, &b) == -1 || v_elp(b, 0, 0, NULL) == -1)
		return -1;
	e->hops = b;
	return 0;
}

int
lcaf_elp_next(struct lcaf_elp *e, struct lcaf_elp_hop *h)
{
	if (e->hops.len == 0)
		return 0;
	return elp_hop(&e->hops, 0, h, NULL) == -1 ? -1 : 1;
}

int
lcaf_seckey_decode(const struct lisp_addr *a, struct lcaf_seckey *k)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_SECKEY, &b) == -1)
		return -1;
	return parse_seckey(b, 0, k, NULL);
}

int
lcaf_srcdst_decode(const struct lisp_addr *a, struct lcaf_srcdst *sd)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_SRCDST, &b) == -1)
		return -1;
	return parse_srcdst(b, 0, sd, NULL);
}

int
lcaf_rle_decode(const struct lisp_addr *a, struct lcaf_rle *r)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_RLE, &b) == -1 || v_rle(b, 0, 0, NULL) == -1)
		return -1;
	r->entries = b;
	return 0;
}

int
lcaf_rle_next(struct lcaf_rle *r, struct lcaf_rle_entry *e)
{
	if (r->entries.len == 0)
		return 0;
	return rle_entry(&r->entries, 0, e, NULL) == -1 ? -1 : 1;
}

int
lcaf_json_decode(const struct lisp_addr *a, struct lcaf_json *j)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_JSON, &b) == -1)
		return -1;
	return parse_json(b, a->lcaf_rsvd2, 0, j, NULL);
}

int
lcaf_kv_decode(const struct lisp_addr *a, struct lcaf_kv *kv)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_KV, &b) == -1)
		return -1;
	return parse_kv(b, 0, kv, NULL);
}

int
lcaf_app_decode(const struct lisp_addr *a, struct lcaf_app *x)
{
	struct rbuf b;

	if (lcaf_body(a, LCAF_APPDATA, &b) == -1)
		return -1;
	return parse_app(b, 0, x, NULL);
}

/* encoders: AFI, header with a zero Length, body, then patch Length */
static size_t
lcaf_begin(struct wbuf *w, uint8_t type, uint8_t rsvd2)
{
	size_t off;

	wbuf_u16(w, AFI_LCAF);
	wbuf_u8(w, 0);		/* Rsvd1 */
	wbuf_u8(w, 0);		/* Flags */
	wbuf_u8(w, type);
	wbuf_u8(w, rsvd2);
	off = w->len;
	wbuf_u16(w, 0);
	return off;
}

static void
lcaf_end(struct wbuf *w, size_t off)
{
	size_t n;

	if (w->err)
		return;
	n = w->len - off - 2;
	if (n > 0xffff) {
		w->err = 1;
		return;
	}
	wbuf_set_u16(w, off, (uint16_t)n);
}

void
lcaf_list_encode(struct wbuf *w, const struct lisp_addr *items, int n)
{
	size_t off = lcaf_begin(w, LCAF_AFI_LIST, 0);
	int i;

	for (i = 0; i < n; i++)
		addr_encode(w, &items[i]);
	lcaf_end(w, off);
}

void
lcaf_asn_encode(struct wbuf *w, const struct lcaf_asn *x)
{
	size_t off = lcaf_begin(w, LCAF_ASN, 0);

	wbuf_u32(w, x->asn);
	addr_encode(w, &x->addr);
	lcaf_end(w, off);
}

void
lcaf_geo_encode(struct wbuf *w, const struct lcaf_geo *g)
{
	size_t off = lcaf_begin(w, LCAF_GEO, 0);

	wbuf_u16(w, (uint16_t)((g->north ? GEO_N : 0) | (g->lat_deg & GEO_DEG)));
	wbuf_u8(w, g->lat_min);
	wbuf_u8(w, g->lat_sec);
	wbuf_u16(w, (uint16_t)((g->east ? GEO_N : 0) | (g->lon_deg & GEO_DEG)));
	wbuf_u8(w, g->lon_min);
	wbuf_u8(w, g->lon_sec);
	wbuf_u32(w, (uint32_t)g->alt);
	addr_encode(w, &g->addr);
	lcaf_end(w, off);
}

void
lcaf_nat_encode(struct wbuf *w, const struct lcaf_nat *n)
{
	size_t off;
	int i;

	if (n->nrtr < 0 || n->nrtr > NAT_RTR_MAX) {
		w->err = 1;
		return;
	}
	off = lcaf_begin(w, LCAF_NAT, 0);
	wbuf_u16(w, n->ms_port);
	wbuf_u16(w, n->etr_port);
	addr_encode(w, &n->global_etr);
	addr_encode(w, &n->ms_rloc);
	addr_encode(w, &n->private_etr);
	for (i = 0; i < n->nrtr; i++)
		addr_encode(w, &n->rtr[i]);
	lcaf_end(w, off);
}

void
lcaf_mcast_encode(struct wbuf *w, const struct lcaf_mcast *m)
{
	size_t off = lcaf_begin(w, LCAF_MCAST, m->flags & 0x07);

	wbuf_u32(w, m->iid);
	wbuf_u16(w, 0);
	wbuf_u8(w, m->src_mlen);
	wbuf_u8(w, m->grp_mlen);
	addr_encode(w, &m->src);
	addr_encode(w, &m->grp);
	lcaf_end(w, off);
}

void
lcaf_elp_encode(struct wbuf *w, const struct lcaf_elp_hop *hops, int n)
{
	size_t off = lcaf_begin(w, LCAF_ELP, 0);
	int i;

	for (i = 0; i < n; i++) {
		wbuf_u16(w, hops[i].flags);
		addr_encode(w, &hops[i].addr);
	}
	lcaf_end(w, off);
}

void
lcaf_seckey_encode(struct wbuf *w, const struct lcaf_seckey *k)
{
	size_t off;
	int i;

	if (k->nkeys > SECKEY_MAX) {
		w->err = 1;
		return;
	}
	off = lcaf_begin(w, LCAF_SECKEY, 0);
	wbuf_u8(w, k->nkeys);
	wbuf_u8(w, 0);
	wbuf_u8(w, k->alg);
	wbuf_u8(w, k->revoke ? 0x01 : 0);
	for (i = 0; i < k->nkeys; i++) {
		wbuf_u16(w, k->key[i].len);
		if (k->key[i].len > 0)
			wbuf_bytes(w, k->key[i].material, k->key[i].len);
	}
	addr_encode(w, &k->addr);
	lcaf_end(w, off);
}

void
lcaf_srcdst_encode(struct wbuf *w, const struct lcaf_srcdst *sd)
{
	size_t off = lcaf_begin(w, LCAF_SRCDST, 0);

	wbuf_u16(w, 0);
	wbuf_u8(w, sd->src_mlen);
	wbuf_u8(w, sd->dst_mlen);
	addr_encode(w, &sd->src);
	addr_encode(w, &sd->dst);
	lcaf_end(w, off);
}

void
lcaf_rle_encode(struct wbuf *w, const struct lcaf_rle_entry *e, int n)
{
	size_t off = lcaf_begin(w, LCAF_RLE, 0);
	int i;

	for (i = 0; i < n; i++) {
		wbuf_u16(w, 0);
		wbuf_u8(w, 0);
		wbuf_u8(w, e[i].level);
		addr_encode(w, &e[i].addr);
	}
	lcaf_end(w, off);
}

void
lcaf_json_encode(struct wbuf *w, const struct lcaf_json *j)
{
	size_t off = lcaf_begin(w, LCAF_JSON, j->binary ? 0x01 : 0);

	wbuf_u16(w, j->len);
	if (j->len > 0)
		wbuf_bytes(w, j->text, j->len);
	addr_encode(w, &j->addr);
	lcaf_end(w, off);
}

void
lcaf_kv_encode(struct wbuf *w, const struct lcaf_kv *kv)
{
	size_t off = lcaf_begin(w, LCAF_KV, 0);

	addr_encode(w, &kv->key);
	addr_encode(w, &kv->value);
	lcaf_end(w, off);
}

void
lcaf_app_encode(struct wbuf *w, const struct lcaf_app *x)
{
	size_t off = lcaf_begin(w, LCAF_APPDATA, 0);

	wbuf_u8(w, (uint8_t)(x->tos >> 16));
	wbuf_u8(w, (uint8_t)(x->tos >> 8));
	wbuf_u8(w, (uint8_t)x->tos);
	wbuf_u8(w, x->proto);
	wbuf_u16(w, x->lport_lo);
	wbuf_u16(w, x->lport_hi);
	wbuf_u16(w, x->rport_lo);
	wbuf_u16(w, x->rport_hi);
	addr_encode(w, &x->addr);
	lcaf_end(w, off);
}
