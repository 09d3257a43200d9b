/* locictl decode: one LISP message into a JSON object. the object is the
 * model both outputs render: --json prints it, decode_text.c indents it.
 * keys are inserted in display order (jansson keeps insertion order). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "addr.h"
#include "auth.h"
#include "buf.h"
#include "decode.h"
#include "lcaf.h"
#include "lispsec.h"
#include "msg.h"
#include "pcap_in.h"

struct flagname {
	uint32_t	 mask;
	const char	*name;
};

static const struct flagname mreq_flags[] = {
	{ MREQ_A, "A" }, { MREQ_M, "M" }, { MREQ_P, "P" }, { MREQ_S, "S" },
	{ MREQ_p, "p" }, { MREQ_s, "s" }, { MREQ_I, "I" }, { MREQ_L, "L" },
	{ MREQ_D, "D" }, { 0, NULL }
};
static const struct flagname mrep_flags[] = {
	{ MREP_P, "P" }, { MREP_E, "E" }, { MREP_S, "S" }, { 0, NULL }
};
static const struct flagname mreg_flags[] = {
	{ MREG_P, "P" }, { MREG_S, "S" }, { MREG_I, "I" }, { MREG_RTR, "rtr" },
	{ MREG_E, "E" }, { MREG_T, "T" }, { MREG_a, "a" }, { MREG_R, "R" },
	{ MREG_M, "M" }, { 0, NULL }
};
static const struct flagname mnot_flags[] = {
	{ MNOT_I, "I" }, { MNOT_R, "R" }, { 0, NULL }
};
static const struct flagname ecm_flags[] = {
	{ ECM_S, "S" }, { ECM_D, "D" }, { ECM_E, "E" }, { ECM_M, "M" },
	{ ECM_R, "R" }, { ECM_N, "N" }, { 0, NULL }
};
static const struct flagname info_flags[] = {
	{ INFO_R, "R" }, { 0, NULL }
};
static const struct flagname data_flags[] = {
	{ LD_N, "N" }, { LD_L, "L" }, { LD_E, "E" }, { LD_V, "V" },
	{ LD_I, "I" }, { LD_P, "P" }, { 0, NULL }
};
static const struct flagname elp_flags[] = {
	{ ELP_L, "L" }, { ELP_P, "P" }, { ELP_S, "S" }, { 0, NULL }
};
static const struct flagname mcast_flags[] = {
	{ 0x04, "R" }, { 0x02, "L" }, { 0x01, "J" }, { 0, NULL }
};

static json_t	*lcaf_detail(const struct lisp_addr *, int);

static void
jset(json_t *o, const char *k, json_t *v)
{
	if (v != NULL)
		json_object_set_new(o, k, v);
}

static json_t *
jflags(uint32_t w, const struct flagname *f)
{
	json_t *o = json_object();

	for (; f->name != NULL; f++)
		jset(o, f->name, json_boolean((w & f->mask) != 0));
	return o;
}

static json_t *
jhex(const uint8_t *p, size_t n)
{
	static const char hx[] = "0123456789abcdef";
	char buf[2 * 512 + 1];
	size_t i;

	if (n > 512)
		n = 512;
	for (i = 0; i < n; i++) {
		buf[2 * i] = hx[p[i] >> 4];
		buf[2 * i + 1] = hx[p[i] & 15];
	}
	buf[2 * n] = '\0';
	return json_string(buf);
}

static json_t *
jx64(uint64_t v, int digits)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "%0*" PRIx64, digits, v);
	return json_string(buf);
}

static json_t *
jaddr_str(const struct lisp_addr *a)
{
	char buf[ADDR_STRLEN];

	return json_string(addr_fmt(a, buf, sizeof(buf)));
}

/* key = the address as text; its LCAF details (if any) as key_lcaf, or
 * "lcaf" when key is "address" */
static void
jaddr(json_t *o, const char *key, const struct lisp_addr *a, int depth)
{
	char lk[64];

	if (a->afi == AFI_NONE && !a->has_iid) {
		jset(o, key, json_null());
		return;
	}
	jset(o, key, jaddr_str(a));
	if (a->afi != AFI_LCAF)
		return;
	if (strcmp(key, "address") == 0)
		snprintf(lk, sizeof(lk), "lcaf");
	else
		snprintf(lk, sizeof(lk), "%s_lcaf", key);
	jset(o, lk, lcaf_detail(a, depth + 1));
}

/* an object {"address": ..., "lcaf": {...}} for list items */
static json_t *
jaddr_obj(const struct lisp_addr *a, int depth)
{
	json_t *o = json_object();

	jaddr(o, "address", a, depth);
	return o;
}

/* EID-prefix: "eid" without the IID, "instance_id" when present */
static void
jeid(json_t *o, const struct lisp_addr *eid, int mlen, int depth)
{
	struct lisp_addr a = *eid;
	char buf[ADDR_STRLEN];

	a.has_iid = 0;
	if (a.afi == AFI_NONE && eid->has_iid)
		snprintf(buf, sizeof(buf), "none/%d", mlen);
	else
		prefix_fmt(&a, mlen, buf, sizeof(buf));
	jset(o, "eid", json_string(buf));
	if (eid->has_iid) {
		jset(o, "instance_id", json_integer(eid->iid));
		jset(o, "instance_id_mask_len", json_integer(eid->iid_mlen));
	}
	if (a.afi == AFI_LCAF)
		jset(o, "eid_lcaf", lcaf_detail(&a, depth + 1));
}

static json_t *
jtext(const uint8_t *p, size_t n)
{
	json_t *s;

	if ((s = json_stringn((const char *)p, n)) == NULL)	/* not UTF-8 */
		s = jhex(p, n);
	return s;
}

static json_t *
jgeo_coord(unsigned deg, unsigned min, unsigned sec, char hemi)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%u:%02u:%02u%c", deg, min, sec, hemi);
	return json_string(buf);
}

/* the body of an LCAF as hex: opaque types, and known ones whose typed
 * decoder refuses the body */
static void
jbody(json_t *o, const struct lisp_addr *a)
{
	jset(o, "body", jhex(a->body != NULL ? a->body : (const uint8_t *)"",
	    a->body_len));
}

/* JSON renderers of the typed LCAF bodies, one per row of LCAF_KINDS:
 * fields added to o after "lcaf_type"; -1 when the typed decoder refuses
 * the body (nothing added, lcaf_detail shows it as hex). each comes after
 * the text labels of the keys it adds ("flags", "instance_id", "address",
 * "length" and "body" are labelled with every message's keys) */
static const struct decode_label l_null[] = {
	{ NULL,			NULL }
};

static int
j_null(json_t *o, const struct lisp_addr *a, int depth)
{
	jbody(o, a);	/* an empty body, shown the way opaque ones are */
	return 0;
}

static const struct decode_label l_list[] = {
	{ "items",		"Item" },
	{ NULL,			NULL }
};

static int
j_list(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_list list;
	struct lisp_addr item;
	json_t *arr;

	if (lcaf_list_decode(a, &list) == -1)
		return -1;
	arr = json_array();
	while (lcaf_list_next(&list, &item) == 1)
		json_array_append_new(arr, jaddr_obj(&item, depth));
	jset(o, "items", arr);
	return 0;
}

static const struct decode_label l_asn[] = {
	{ "asn",		"AS number" },
	{ NULL,			NULL }
};

static int
j_asn(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_asn asn;

	if (lcaf_asn_decode(a, &asn) == -1)
		return -1;
	jset(o, "asn", json_integer(asn.asn));
	jaddr(o, "address", &asn.addr, depth);
	return 0;
}

static const struct decode_label l_geo[] = {
	{ "latitude",		"Latitude" },
	{ "longitude",		"Longitude" },
	{ "altitude",		"Altitude (m)" },
	{ NULL,			NULL }
};

static int
j_geo(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_geo geo;

	if (lcaf_geo_decode(a, &geo) == -1)
		return -1;
	jset(o, "latitude", jgeo_coord(geo.lat_deg, geo.lat_min,
	    geo.lat_sec, geo.north ? 'N' : 'S'));
	jset(o, "longitude", jgeo_coord(geo.lon_deg, geo.lon_min,
	    geo.lon_sec, geo.east ? 'E' : 'W'));
	if (geo.alt != GEO_ALT_NONE)
		jset(o, "altitude", json_integer(geo.alt));
	jaddr(o, "address", &geo.addr, depth);
	return 0;
}

static const struct decode_label l_nat[] = {
	{ "ms_port",		"MS port" },
	{ "etr_port",		"ETR port" },
	{ "global_etr_rloc",	"Global ETR RLOC" },
	{ "ms_rloc",		"MS RLOC" },
	{ "private_etr_rloc",	"Private ETR RLOC" },
	{ "rtrs",		"RTR" },
	{ NULL,			NULL }
};

static int
j_nat(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_nat nat;
	json_t *arr;
	int i;

	if (lcaf_nat_decode(a, &nat) == -1)
		return -1;
	jset(o, "ms_port", json_integer(nat.ms_port));
	jset(o, "etr_port", json_integer(nat.etr_port));
	jaddr(o, "global_etr_rloc", &nat.global_etr, depth);
	jaddr(o, "ms_rloc", &nat.ms_rloc, depth);
	jaddr(o, "private_etr_rloc", &nat.private_etr, depth);
	arr = json_array();
	for (i = 0; i < nat.nrtr && i < NAT_RTR_MAX; i++)
		json_array_append_new(arr, jaddr_str(&nat.rtr[i]));
	jset(o, "rtrs", arr);
	return 0;
}

static const struct decode_label l_mcast[] = {
	{ "source",		"Source" },
	{ "group",		"Group" },
	{ NULL,			NULL }
};

static int
j_mcast(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_mcast mc;
	char buf[ADDR_STRLEN];

	if (lcaf_mcast_decode(a, &mc) == -1)
		return -1;
	jset(o, "flags", jflags(mc.flags, mcast_flags));
	jset(o, "instance_id", json_integer(mc.iid));
	jset(o, "source", json_string(prefix_fmt(&mc.src, mc.src_mlen, buf,
	    sizeof(buf))));
	jset(o, "group", json_string(prefix_fmt(&mc.grp, mc.grp_mlen, buf,
	    sizeof(buf))));
	return 0;
}

static const struct decode_label l_elp[] = {
	{ "hops",		"Hop" },
	{ NULL,			NULL }
};

static int
j_elp(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_elp elp;
	struct lcaf_elp_hop hop;
	json_t *arr, *e;

	if (lcaf_elp_decode(a, &elp) == -1)
		return -1;
	arr = json_array();
	while (lcaf_elp_next(&elp, &hop) == 1) {
		e = jaddr_obj(&hop.addr, depth);
		jset(e, "flags", jflags(hop.flags, elp_flags));
		json_array_append_new(arr, e);
	}
	jset(o, "hops", arr);
	return 0;
}

static const struct decode_label l_seckey[] = {
	{ "cipher_suite",	"Cipher suite" },
	{ "revoke",		"Revoke" },
	{ "keys",		"Key" },
	{ "material",		"Material" },
	{ NULL,			NULL }
};

static int
j_seckey(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_seckey sk;
	json_t *arr, *e;
	int i;

	if (lcaf_seckey_decode(a, &sk) == -1)
		return -1;
	jset(o, "cipher_suite", json_integer(sk.alg));
	jset(o, "revoke", json_boolean(sk.revoke));
	arr = json_array();
	for (i = 0; i < sk.nkeys && i < SECKEY_MAX; i++) {
		e = json_object();
		jset(e, "length", json_integer(sk.key[i].len));
		jset(e, "material", jhex(sk.key[i].material, sk.key[i].len));
		json_array_append_new(arr, e);
	}
	jset(o, "keys", arr);
	jaddr(o, "address", &sk.addr, depth);
	return 0;
}

static const struct decode_label l_srcdst[] = {
	{ "source",		"Source" },
	{ "destination",	"Destination" },
	{ NULL,			NULL }
};

static int
j_srcdst(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_srcdst sd;
	char buf[ADDR_STRLEN];

	if (lcaf_srcdst_decode(a, &sd) == -1)
		return -1;
	jset(o, "source", json_string(prefix_fmt(&sd.src, sd.src_mlen, buf,
	    sizeof(buf))));
	jset(o, "destination", json_string(prefix_fmt(&sd.dst, sd.dst_mlen,
	    buf, sizeof(buf))));
	return 0;
}

static const struct decode_label l_rle[] = {
	{ "entries",		"Entry" },
	{ "level",		"Level" },
	{ NULL,			NULL }
};

static int
j_rle(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_rle rle;
	struct lcaf_rle_entry re;
	json_t *arr, *e;

	if (lcaf_rle_decode(a, &rle) == -1)
		return -1;
	arr = json_array();
	while (lcaf_rle_next(&rle, &re) == 1) {
		e = jaddr_obj(&re.addr, depth);
		jset(e, "level", json_integer(re.level));
		json_array_append_new(arr, e);
	}
	jset(o, "entries", arr);
	return 0;
}

static const struct decode_label l_json[] = {
	{ "binary",		"Binary" },
	{ "json",		"JSON" },
	{ NULL,			NULL }
};

static int
j_json(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_json js;

	if (lcaf_json_decode(a, &js) == -1)
		return -1;
	jset(o, "binary", json_boolean(js.binary));
	jset(o, "json", js.binary ? jhex(js.text, js.len) :
	    jtext(js.text, js.len));
	if (js.addr.afi != AFI_NONE || js.addr.has_iid)
		jaddr(o, "address", &js.addr, depth);
	return 0;
}

static const struct decode_label l_kv[] = {
	{ "key",		"Key" },
	{ "value",		"Value" },
	{ NULL,			NULL }
};

static int
j_kv(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_kv kv;

	if (lcaf_kv_decode(a, &kv) == -1)
		return -1;
	jaddr(o, "key", &kv.key, depth);
	jaddr(o, "value", &kv.value, depth);
	return 0;
}

static const struct decode_label l_app[] = {
	{ "tos",		"TOS / flow label" },
	{ "protocol",		"Protocol" },
	{ "local_port_low",	"Local port from" },
	{ "local_port_high",	"Local port to" },
	{ "remote_port_low",	"Remote port from" },
	{ "remote_port_high",	"Remote port to" },
	{ NULL,			NULL }
};

static int
j_app(json_t *o, const struct lisp_addr *a, int depth)
{
	struct lcaf_app app;

	if (lcaf_app_decode(a, &app) == -1)
		return -1;
	jset(o, "tos", json_integer(app.tos));
	jset(o, "protocol", json_integer(app.proto));
	jset(o, "local_port_low", json_integer(app.lport_lo));
	jset(o, "local_port_high", json_integer(app.lport_hi));
	jset(o, "remote_port_low", json_integer(app.rport_lo));
	jset(o, "remote_port_high", json_integer(app.rport_hi));
	jaddr(o, "address", &app.addr, depth);
	return 0;
}

/* the JSON renderer of each LCAF type lib validates and the labels of
 * its keys, by type number, from the same list as lib's table (a row
 * without its j_ renderer or l_ labels does not build); the other types
 * have none and show their body as hex */
static const struct lcaf_json_kind {
	int	(*render)(json_t *, const struct lisp_addr *, int depth);
	const struct decode_label *labels;
} lcaf_json[256] = {
#define JSON_ROW(type, name, id)	[type] = { j_##id, l_##id },
	LCAF_KINDS(JSON_ROW)
#undef JSON_ROW
};

int
decode_lcaf_renders(uint8_t type)
{
	return lcaf_json[type].render != NULL;
}

const struct decode_label *
decode_lcaf_labels(uint8_t type)
{
	return lcaf_json[type].labels;
}

const char *
decode_lcaf_label(const char *key)
{
	const struct decode_label *l;
	int t;

	for (t = 0; t < 256; t++)
		for (l = lcaf_json[t].labels; l != NULL && l->key != NULL; l++)
			if (strcmp(l->key, key) == 0)
				return l->text;
	return NULL;
}

/* the typed body of an LCAF address; opaque types as hex */
static json_t *
lcaf_detail(const struct lisp_addr *a, int depth)
{
	json_t *o = json_object();

	jset(o, "lcaf_type", json_string(lcaf_type_name(a->lcaf_type)));
	if (depth > ADDR_DEPTH_MAX + 1 || !a->known ||
	    lcaf_json[a->lcaf_type].render == NULL ||
	    lcaf_json[a->lcaf_type].render(o, a, depth) == -1)
		jbody(o, a);
	return o;
}

static json_t *
rloc_json(const struct lisp_rloc *l, int depth)
{
	json_t *o = json_object();

	jaddr(o, "address", &l->addr, depth);
	jset(o, "priority", json_integer(l->priority));
	jset(o, "weight", json_integer(l->weight));
	jset(o, "mpriority", json_integer(l->mpriority));
	jset(o, "mweight", json_integer(l->mweight));
	jset(o, "local", json_boolean(l->flags & RLOC_L));
	jset(o, "probed", json_boolean(l->flags & RLOC_p));
	jset(o, "reachable", json_boolean(l->flags & RLOC_R));
	if (l->malformed)	/* the daemon skips such a locator */
		jset(o, "malformed", json_string(l->why != NULL ? l->why : "?"));
	return o;
}

static json_t *
record_json(const struct lisp_record *r, int referral, int depth)
{
	json_t *o = json_object(), *arr;
	struct lisp_rloc l;
	struct rbuf rl = r->rlocs;

	jeid(o, &r->eid, r->eid_mlen, depth);
	jset(o, "ttl", json_integer(r->ttl));
	jset(o, "action", json_string(referral ? referral_act_name(r->act) :
	    act_name(r->act)));
	jset(o, "authoritative", json_boolean(r->auth));
	if (referral) {
		jset(o, "incomplete", json_boolean(r->incomplete));
		jset(o, "signature_count", json_integer(r->sigcnt));
	}
	jset(o, "map_version", json_integer(r->version));
	jset(o, "locator_count", json_integer(r->nrlocs));
	arr = json_array();
	while (rloc_next_all(&rl, &l) == 1)
		json_array_append_new(arr, rloc_json(&l, depth));
	jset(o, referral ? "referrals" : "locators", arr);
	if (referral && r->sigcnt > 0) {
		struct rbuf		 sg = r->sigs;
		struct lisp_ref_sig	 s;

		/* RFC 8111 §6.4.1 signature sections (not checked here) */
		arr = json_array();
		while (ref_sig_next(&sg, &s) == 1)
			json_array_append_new(arr, json_pack("{s:I, s:I, s:I, s:i, s:s, s:i}",
			    "original_ttl", (json_int_t)s.orig_ttl,
			    "sig_expiration", (json_int_t)s.expiration,
			    "sig_inception", (json_int_t)s.inception,
			    "key_tag", (int)s.key_tag,
			    "sig_algorithm", s.alg == 2 ? "rsa-sha256" : s.alg == 1 ?
			    "rsa-sha1" : "unknown",
			    "sig_length", (int)s.sig_len));
		jset(o, "signatures", arr);
	}
	return o;
}

/* walk a validated record list */
static json_t *
records_json(struct rbuf recs, int referral)
{
	json_t *arr = json_array();
	struct lisp_record r;

	for (;;) {
		if ((referral ? referral_record_next(&recs, &r) :
		    record_next(&recs, &r)) != 1)
			break;
		json_array_append_new(arr, record_json(&r, referral, 0));
	}
	return arr;
}

static const char *
auth_result(const struct decode_opts *opt, unsigned alg, const struct rbuf *m,
    size_t off, size_t len, int has_ids)
{
	if (alg == ALG_NONE && len == 0)
		return "none";
	if (auth_verify(alg, opt->key, opt->keylen, m->p, m->len, off, len))
		return "valid";
	/* RFC 9301 text: the MAC stops before the xTR-ID/Site-ID trailer */
	if (has_ids && m->len >= off + len + XTR_ID_LEN + 8 &&
	    auth_verify(alg, opt->key, opt->keylen, m->p,
	    m->len - XTR_ID_LEN - 8, off, len))
		return "valid";
	return "invalid";
}

static json_t *
map_request_json(struct rbuf *b, struct msg_err *err)
{
	struct lisp_map_request mr;
	struct lisp_eid_prefix ep;
	struct lisp_record r;
	struct rbuf recs;
	json_t *o, *arr, *e;
	int i;

	if (map_request_decode(b, &mr, err) == -1)
		return NULL;
	o = json_object();
	jset(o, "type", json_string("map-request"));
	jset(o, "flags", jflags(mr.flags, mreq_flags));
	jset(o, "itr_rloc_count", json_integer(mr.nitr));
	jset(o, "record_count", json_integer(mr.nrecords));
	jset(o, "nonce", jx64(mr.nonce, 16));
	jaddr(o, "source_eid", &mr.seid, 0);
	arr = json_array();
	for (i = 0; i < mr.nitr && i < MREQ_ITR_MAX; i++)
		json_array_append_new(arr, mr.itr[i].afi == AFI_LCAF ?
		    jaddr_obj(&mr.itr[i], 0) : jaddr_str(&mr.itr[i]));
	jset(o, "itr_rlocs", arr);
	arr = json_array();
	recs = mr.records;
	while (mreq_record_next(&recs, &ep) == 1) {
		e = json_object();
		jeid(e, &ep.eid, ep.mlen, 0);
		if (ep.flags & MREQ_REC_N)
			jset(e, "notify", json_true());
		json_array_append_new(arr, e);
	}
	jset(o, "records", arr);
	if (mr.has_reply) {
		recs = mr.reply;
		if (record_next(&recs, &r) == 1)
			jset(o, "map_reply", record_json(&r, 0, 0));
	}
	if (mr.has_ids) {
		jset(o, "xtr_id", jhex(mr.xtr_id, XTR_ID_LEN));
		jset(o, "site_id", jx64(mr.site_id, 16));
	}
	return o;
}

/* a LISP-SEC EID-AD: what the Map-Server vouches for */
static void
lisp_sec_eid_json(json_t *o, const struct ls_eid_ad *ea)
{
	char buf[ADDR_STRLEN];
	json_t *a;
	int i;

	jset(o, "kdf", json_string(ls_kdf_name(ea->kdf_id)));
	if (!ea->signed_)
		return;
	a = json_array();
	for (i = 0; i < ea->nrecords; i++)
		json_array_append_new(a, json_string(prefix_fmt(&ea->pfx[i].eid,
		    ea->pfx[i].mlen, buf, sizeof(buf))));
	jset(o, "eid_ad", a);
	jset(o, "etr_cant_sign", json_boolean(ea->e));
	jset(o, "eid_hmac", json_string(ls_hmac_name(ea->hmac_id)));
}

/* the RFC 9303 authentication data of an ECM (sec) or of a Map-Reply
 * (msg: the whole reply); NULL sec.p: not LISP-SEC */
static json_t *
lisp_sec_json(const struct rbuf *sec, const struct rbuf *msg)
{
	struct ls_ecm_ad ad;
	struct ls_reply_ad rad;
	struct msg_err e;
	char why[MSG_ERR_LEN];
	json_t *o = json_object();

	if (msg == NULL) {
		if (ls_ecm_ad_decode(sec, &ad, &e) == -1) {
			jset(o, "error", json_string(msg_err_str(&e, why, sizeof(why))));
			return o;
		}
		jset(o, "requested_hmac", json_string(ls_hmac_name(ad.req_hmac_id)));
		jset(o, "key_id", json_integer(ad.key_id));
		jset(o, "otk_wrap", json_string(ls_wrap_name(ad.wrap_id)));
		lisp_sec_eid_json(o, &ad.eid);
		return o;
	}
	if (ls_reply_ad_decode(msg, sec, &rad, &e) == -1) {
		jset(o, "error", json_string(msg_err_str(&e, why, sizeof(why))));
		return o;
	}
	lisp_sec_eid_json(o, &rad.eid);
	jset(o, "pkt_hmac", json_string(ls_hmac_name(rad.pkt_hmac_id)));
	return o;
}

static json_t *
map_reply_json(struct rbuf *b, struct msg_err *err)
{
	struct rbuf whole = *b;
	struct lisp_map_reply mr;
	json_t *o;

	if (map_reply_decode(b, &mr, err) == -1)
		return NULL;
	o = json_object();
	jset(o, "type", json_string("map-reply"));
	jset(o, "flags", jflags(mr.flags, mrep_flags));
	jset(o, "record_count", json_integer(mr.nrecords));
	jset(o, "nonce", jx64(mr.nonce, 16));
	jset(o, "records", records_json(mr.records, 0));
	if (mr.flags & MREP_S) {
		jset(o, "lisp_sec_len", json_integer((json_int_t)mr.sec.len));
		jset(o, "lisp_sec", lisp_sec_json(&mr.sec, &whole));
	}
	return o;
}

static json_t *
map_register_json(struct rbuf *b, const struct decode_opts *opt,
    struct msg_err *err)
{
	struct lisp_map_register mr;
	json_t *o;

	if (map_register_decode(b, &mr, err) == -1)
		return NULL;
	o = json_object();
	jset(o, "type", json_string(lisp_type_name(mr.type)));
	if (mr.type == LISP_MAP_REGISTER)
		jset(o, "flags", jflags(mr.flags, mreg_flags));
	else if (mr.type == LISP_MAP_NOTIFY)
		jset(o, "flags", jflags(mr.flags, mnot_flags));
	jset(o, "record_count", json_integer(mr.nrecords));
	jset(o, "nonce", jx64(mr.nonce, 16));
	jset(o, "key_id", json_integer(mr.key_id));
	jset(o, "alg_id", json_integer(mr.alg_id));
	jset(o, "alg", json_string(alg_name(mr.alg_id)));
	jset(o, "auth_len", json_integer(mr.auth_len));
	if (mr.auth_len > 0)
		jset(o, "auth_data", jhex(mr.auth, mr.auth_len));
	if (opt->key != NULL)
		jset(o, "auth", json_string(auth_result(opt, mr.alg_id, &mr.msg,
		    mr.auth_off, mr.auth_len, mr.has_ids)));
	jset(o, "records", records_json(mr.records, 0));
	if (mr.has_ids) {
		jset(o, "xtr_id", jhex(mr.xtr_id, XTR_ID_LEN));
		jset(o, "site_id", jx64(mr.site_id, 16));
	}
	if (mr.trailing > 0)
		jset(o, "trailing_octets", json_integer((json_int_t)mr.trailing));
	return o;
}

static json_t *
map_referral_json(struct rbuf *b, struct msg_err *err)
{
	struct lisp_map_referral mr;
	json_t *o;

	if (map_referral_decode(b, &mr, err) == -1)
		return NULL;
	o = json_object();
	jset(o, "type", json_string("map-referral"));
	jset(o, "record_count", json_integer(mr.nrecords));
	jset(o, "nonce", jx64(mr.nonce, 16));
	jset(o, "records", records_json(mr.records, 1));
	return o;
}

static json_t *
info_json(struct rbuf *b, const struct decode_opts *opt, struct msg_err *err)
{
	struct lisp_info in;
	json_t *o;

	if (info_decode(b, &in, err) == -1)
		return NULL;
	o = json_object();
	jset(o, "type", json_string(in.reply ? "info-reply" : "info-request"));
	jset(o, "flags", jflags(in.reply ? INFO_R : 0, info_flags));
	jset(o, "nonce", jx64(in.nonce, 16));
	jset(o, "key_id", json_integer(in.key_id));
	jset(o, "auth_len", json_integer(in.auth_len));
	if (in.auth_len > 0)
		jset(o, "auth_data", jhex(in.auth, in.auth_len));
	/* the draft's 16-bit Key ID names the algorithm */
	if (opt->key != NULL)
		jset(o, "auth", json_string(auth_result(opt, in.key_id, &in.msg,
		    in.auth_off, in.auth_len, 0)));
	jset(o, "ttl", json_integer(in.ttl));
	jeid(o, &in.eid, in.eid_mlen, 0);
	if (in.nat.afi == AFI_LCAF)
		jset(o, "nat", lcaf_detail(&in.nat, 1));
	return o;
}

static json_t *
ecm_json(struct rbuf *b, const struct decode_opts *opt, int depth,
    char *whybuf, size_t whylen, struct msg_err *err)
{
	struct lisp_ecm ecm;
	json_t *o, *in, *msg;
	char sub[256];

	if (ecm_decode(b, &ecm, err) == -1)
		return NULL;
	if (depth >= DECODE_DEPTH_MAX) {
		msg_err_set(err, "ecm nested too deep", 0, 0);
		return NULL;
	}
	if ((msg = decode_control(ecm.inner.p, ecm.inner.len, opt, depth + 1,
	    sub, sizeof(sub))) == NULL) {
		snprintf(whybuf, whylen, "ecm: inner %s", sub);
		err->reason = NULL;
		return NULL;
	}
	o = json_object();
	jset(o, "type", json_string("ecm"));
	jset(o, "flags", jflags(ecm.flags, ecm_flags));
	if (ecm.flags & ECM_S) {
		jset(o, "sec_len", json_integer((json_int_t)ecm.sec.len));
		if (ecm.sec.len > 0 && ecm.sec.p[0] == LS_AD_LISPSEC)
			jset(o, "lisp_sec", lisp_sec_json(&ecm.sec, NULL));
	}
	in = json_object();
	jset(in, "ip_version", json_integer(ecm.ip_version));
	jset(in, "ip_src", jaddr_str(&ecm.src));
	jset(in, "ip_dst", jaddr_str(&ecm.dst));
	jset(in, "ttl", json_integer(ecm.ttl));
	jset(in, "sport", json_integer(ecm.sport));
	jset(in, "dport", json_integer(ecm.dport));
	jset(in, "message", msg);
	jset(o, "inner", in);
	return o;
}

static json_t *
shared_ext_json(struct rbuf *b, struct msg_err *err)
{
	uint32_t w0;
	json_t *o;

	if (rbuf_u32(b, &w0) == -1) {
		msg_err_set(err, "short header", 0, 0);
		return NULL;
	}
	o = json_object();
	jset(o, "type", json_string("shared-extension"));
	jset(o, "subtype", json_integer((w0 >> 16) & 0xfff));
	jset(o, "length", json_integer((json_int_t)b->len + 4));
	return o;
}

json_t *
decode_control(const uint8_t *p, size_t len, const struct decode_opts *opt,
    int depth, char *whybuf, size_t whylen)
{
	struct rbuf b;
	struct msg_err err;
	char why[MSG_ERR_LEN];
	json_t *o = NULL;
	unsigned type;

	whybuf[0] = '\0';
	if (len < 1) {
		snprintf(whybuf, whylen, "empty message");
		return NULL;
	}
	rbuf_init(&b, p, len);
	msg_err_set(&err, "malformed", 0, 0);
	type = p[0] >> 4;
	switch (type) {
	case LISP_MAP_REQUEST:
		o = map_request_json(&b, &err);
		break;
	case LISP_MAP_REPLY:
		o = map_reply_json(&b, &err);
		break;
	case LISP_MAP_REGISTER:
	case LISP_MAP_NOTIFY:
	case LISP_MAP_NOTIFY_ACK:
		o = map_register_json(&b, opt, &err);
		break;
	case LISP_MAP_REFERRAL:
		o = map_referral_json(&b, &err);
		break;
	case LISP_INFO:
		o = info_json(&b, opt, &err);
		break;
	case LISP_ECM:
		o = ecm_json(&b, opt, depth, whybuf, whylen, &err);
		break;
	case LISP_SHARED_EXT:
		o = shared_ext_json(&b, &err);
		break;
	default:
		snprintf(whybuf, whylen, "unknown message type %u", type);
		return NULL;
	}
	if (o == NULL && err.reason != NULL)
		snprintf(whybuf, whylen, "%s: %s", lisp_type_name(type),
		    msg_err_str(&err, why, sizeof(why)));
	return o;
}

json_t *
decode_data(const uint8_t *p, size_t len, char *whybuf, size_t whylen)
{
	struct lisp_data_hdr h;
	struct ip_info ip;
	struct rbuf b;
	const char *why;
	json_t *o, *in;
	uint32_t fl;

	rbuf_init(&b, p, len);
	if (data_hdr_decode(&b, &h, &why) == -1) {
		snprintf(whybuf, whylen, "data: %s", why);
		return NULL;
	}
	o = json_object();
	jset(o, "type", json_string("data"));
	fl = h.flags;
	jset(o, "flags", jflags(fl, data_flags));
	json_object_set_new(json_object_get(o, "flags"), "KK",
	    json_integer(fl & LD_KK));
	if (fl & LD_N)
		jset(o, "nonce", jx64(h.nonce, 6));
	if ((fl & (LD_N | LD_V)) == LD_V) {
		jset(o, "src_map_version", json_integer(h.src_version));
		jset(o, "dst_map_version", json_integer(h.dst_version));
	}
	if (fl & LD_I)
		jset(o, "instance_id", json_integer(h.iid));
	if (fl & LD_L)
		jset(o, "lsb", jx64(h.lsb, (fl & LD_I) ? 2 : 8));
	if (fl & LD_P)
		jset(o, "next_protocol", json_integer(h.next_proto));
	/* encrypted payloads and non-IP GPE payloads are not looked into */
	if ((fl & LD_KK) != 0 || ((fl & LD_P) && h.next_proto != 1 &&
	    h.next_proto != 2))
		return o;
	if (ip_parse(b.p, b.len, &ip) == -1)
		return o;
	in = json_object();
	jset(in, "ip_version", json_integer(ip.version));
	jset(in, "ip_src", json_string(ip.src));
	jset(in, "ip_dst", json_string(ip.dst));
	jset(in, "ttl", json_integer(ip.ttl));
	jset(in, "proto", json_integer(ip.proto));
	if ((ip.proto == 6 || ip.proto == 17) && !ip.later_frag &&
	    ip.l4_len >= 4) {
		jset(in, "sport", json_integer(get_u16(ip.l4)));
		jset(in, "dport", json_integer(get_u16(ip.l4 + 2)));
	}
	jset(o, "inner", in);
	return o;
}

int
hex_parse(const char *s, uint8_t *out, size_t cap, size_t *outlen,
    const char **why)
{
	size_t n = 0;
	int hi = -1, v;
	char c;

	for (; *s != '\0'; s++) {
		c = *s;
		if (c == ' ' || c == '\t' || c == '\n' || c == '\r' ||
		    c == ':' || c == '.' || c == '-' || c == ',') {
			if (hi != -1) {
				*why = "odd number of hex digits in a group";
				return -1;
			}
			continue;
		}
		if (c == '0' && hi == -1 && (s[1] == 'x' || s[1] == 'X')) {
			s++;
			continue;
		}
		if (c >= '0' && c <= '9')
			v = c - '0';
		else if (c >= 'a' && c <= 'f')
			v = c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v = c - 'A' + 10;
		else {
			*why = "not a hex digit";
			return -1;
		}
		if (hi == -1) {
			hi = v;
			continue;
		}
		if (n == cap) {
			*why = "message too long";
			return -1;
		}
		out[n++] = (uint8_t)(hi << 4 | v);
		hi = -1;
	}
	if (hi != -1) {
		*why = "odd number of hex digits";
		return -1;
	}
	if (n == 0) {
		*why = "no hex digits";
		return -1;
	}
	*outlen = n;
	return 0;
}
