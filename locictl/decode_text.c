/* the decoded JSON model as an indented text tree, like `tshark -V`:
 * a message is a title line and its fields four columns in; list items
 * are numbered and summarised on their own line. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "decode.h"

#define INDENT	4

/* the keys every message may hold; those an LCAF body adds come with its
 * JSON renderer (decode_lcaf_label) */
static const struct decode_label labels[] = {
	{ "frame",		"Frame" },
	{ "flags",		"Flags" },
	{ "itr_rloc_count",	"ITR-RLOC count" },
	{ "record_count",	"Record count" },
	{ "nonce",		"Nonce" },
	{ "source_eid",		"Source EID" },
	{ "source_eid_lcaf",	"Source EID LCAF" },
	{ "itr_rlocs",		"ITR-RLOC" },
	{ "records",		"Record" },
	{ "map_reply",		"Map-Reply record" },
	{ "notify",		"Notification requested" },
	{ "xtr_id",		"xTR-ID" },
	{ "site_id",		"Site-ID" },
	{ "key_id",		"Key ID" },
	{ "alg_id",		"Algorithm ID" },
	{ "alg",		"Algorithm" },
	{ "auth_len",		"Authentication data length" },
	{ "auth_data",		"Authentication data" },
	{ "auth",		"Authentication" },
	{ "trailing_octets",	"Trailing octets" },
	{ "ttl",		"TTL" },
	{ "action",		"Action" },
	{ "authoritative",	"Authoritative" },
	{ "incomplete",		"Incomplete" },
	{ "signature_count",	"Signature count" },
	{ "signatures",		"Signature" },
	{ "original_ttl",	"Original TTL" },
	{ "sig_expiration",	"Expiration" },
	{ "sig_inception",	"Inception" },
	{ "key_tag",		"Key Tag" },
	{ "sig_algorithm",	"Algorithm" },
	{ "sig_length",		"Length" },
	{ "map_version",	"Map-Version" },
	{ "locator_count",	"Locator count" },
	{ "locators",		"Locator" },
	{ "referrals",		"Referral" },
	{ "priority",		"Priority" },
	{ "weight",		"Weight" },
	{ "mpriority",		"M-priority" },
	{ "mweight",		"M-weight" },
	{ "eid",		"EID prefix" },
	{ "instance_id",	"Instance ID" },
	{ "instance_id_mask_len", "Instance ID mask length" },
	{ "malformed",		"Malformed LCAF, locator skipped" },
	{ "eid_lcaf",		"EID LCAF" },
	{ "lcaf",		"LCAF" },
	{ "lisp_sec_len",	"LISP-SEC data length" },
	{ "sec_len",		"LISP-SEC data length" },
	{ "lisp_sec",		"LISP-SEC" },
	{ "requested_hmac",	"Requested HMAC" },
	{ "otk_wrap",		"OTK wrapping" },
	{ "kdf",		"KDF" },
	{ "eid_ad",		"EID-AD prefix" },
	{ "etr_cant_sign",	"ETR cannot sign (E)" },
	{ "eid_hmac",		"EID HMAC" },
	{ "pkt_hmac",		"PKT HMAC" },
	{ "error",		"Error" },
	{ "inner",		"Inner" },
	{ "ip_version",		"IP version" },
	{ "proto",		"Protocol" },
	{ "subtype",		"Sub-type" },
	{ "length",		"Length" },
	{ "src_map_version",	"Source Map-Version" },
	{ "dst_map_version",	"Dest Map-Version" },
	{ "lsb",		"Locator-Status-Bits" },
	{ "next_protocol",	"Next protocol" },
	{ "nat",		"NAT-Traversal" },
	{ "body",		"Body" },
	{ NULL,			NULL }
};

static const struct decode_label titles[] = {
	{ "map-request",	"Map-Request" },
	{ "map-reply",		"Map-Reply" },
	{ "map-register",	"Map-Register" },
	{ "map-notify",		"Map-Notify" },
	{ "map-notify-ack",	"Map-Notify-Ack" },
	{ "map-referral",	"Map-Referral" },
	{ "info-request",	"Info-Request" },
	{ "info-reply",		"Info-Reply" },
	{ "ecm",		"Encapsulated Control Message" },
	{ "shared-extension",	"Shared Extension Message" },
	{ "data",		"LISP data" },
	{ NULL,			NULL }
};

/* keys a summary line already shows */
struct skip {
	const char	*k[8];
	int		 n;
};

static void	fields(FILE *, const json_t *, int, struct skip *);

const char *
decode_type_title(const char *type)
{
	const struct decode_label *l;

	for (l = titles; l->key != NULL; l++)
		if (strcmp(l->key, type) == 0)
			return l->text;
	return type;
}

static const char *
label(const char *key, char *buf, size_t len)
{
	const struct decode_label *l;
	const char *text;
	size_t i;

	for (l = labels; l->key != NULL; l++)
		if (strcmp(l->key, key) == 0)
			return l->text;
	if ((text = decode_lcaf_label(key)) != NULL)
		return text;
	snprintf(buf, len, "%s", key);
	for (i = 0; buf[i] != '\0'; i++)
		if (buf[i] == '_')
			buf[i] = ' ';
	buf[0] = (char)toupper((unsigned char)buf[0]);
	return buf;
}

static void
skip_add(struct skip *s, const char *k)
{
	if (s->n < 8)
		s->k[s->n++] = k;
}

static int
skipped(const struct skip *s, const char *k)
{
	int i;

	for (i = 0; i < s->n; i++)
		if (strcmp(s->k[i], k) == 0)
			return 1;
	return 0;
}

/* strings from the wire may hold anything: escape what is not printable */
static void
put_str(FILE *f, const char *s, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c >= 0x20 && c < 0x7f)
			fputc(c, f);
		else
			fprintf(f, "\\x%02x", c);
	}
}

static void
put_scalar(FILE *f, const char *key, const json_t *v)
{
	if (json_is_string(v)) {
		if (strcmp(key, "nonce") == 0 || strcmp(key, "site_id") == 0 ||
		    strcmp(key, "lsb") == 0)
			fputs("0x", f);
		put_str(f, json_string_value(v), json_string_length(v));
	} else if (json_is_integer(v))
		fprintf(f, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
	else if (json_is_boolean(v))
		fputs(json_is_true(v) ? "yes" : "no", f);
	else if (json_is_null(v))
		fputs("none", f);
}

static int
port_of(const json_t *o, const char *key)
{
	json_t *v = json_object_get(o, key);

	return json_is_integer(v) ? (int)json_integer_value(v) : -1;
}

static void
put_endpoint(FILE *f, const char *ip, int port)
{
	if (port < 0)
		fputs(ip, f);
	else if (strchr(ip, ':') != NULL)
		fprintf(f, "[%s]:%d", ip, port);
	else
		fprintf(f, "%s:%d", ip, port);
}

static void
summary_ip(FILE *f, const json_t *o, struct skip *s)
{
	put_endpoint(f, json_string_value(json_object_get(o, "ip_src")),
	    port_of(o, "sport"));
	fputs(" -> ", f);
	put_endpoint(f, json_string_value(json_object_get(o, "ip_dst")),
	    port_of(o, "dport"));
	skip_add(s, "ip_src");
	skip_add(s, "ip_dst");
	skip_add(s, "sport");
	skip_add(s, "dport");
}

/* the summary of an object after "Label N: "; records what it showed */
static void
summary(FILE *f, const json_t *o, struct skip *s)
{
	json_t *v, *iid;

	if ((v = json_object_get(o, "eid")) != NULL) {
		fputs("EID ", f);
		if ((iid = json_object_get(o, "instance_id")) != NULL)
			fprintf(f, "[%" JSON_INTEGER_FORMAT "]",
			    json_integer_value(iid));
		put_scalar(f, "eid", v);
		skip_add(s, "eid");
		skip_add(s, "instance_id");
	} else if ((v = json_object_get(o, "lcaf_type")) != NULL) {
		/* an LCAF names its type first; its inner address is a field */
		put_scalar(f, "lcaf_type", v);
		skip_add(s, "lcaf_type");
	} else if ((v = json_object_get(o, "address")) != NULL) {
		put_scalar(f, "address", v);
		skip_add(s, "address");
	} else if (json_is_string(json_object_get(o, "ip_src")))
		summary_ip(f, o, s);
}

static void
flags_line(FILE *f, const json_t *o)
{
	const char *k;
	json_t *v;
	int first = 1;

	json_object_foreach((json_t *)o, k, v) {
		fprintf(f, "%s%s=", first ? "" : " ", k);
		if (json_is_boolean(v))
			fputc(json_is_true(v) ? '1' : '0', f);
		else
			put_scalar(f, k, v);
		first = 0;
	}
	fputc('\n', f);
}

static void
message(FILE *f, const json_t *m, int ind, struct skip *s)
{
	fprintf(f, "%*s%s\n", ind, "", decode_type_title(
	    json_string_value(json_object_get(m, "type"))));
	skip_add(s, "type");
	fields(f, m, ind + INDENT, s);
}

/* "Label: summary" and the rest of the object's fields below it */
static void
object(FILE *f, const char *lab, const json_t *o, int ind)
{
	struct skip s = { { NULL }, 0 };

	if (json_is_string(json_object_get(o, "type"))) {
		message(f, o, ind, &s);
		return;
	}
	fprintf(f, "%*s%s: ", ind, "", lab);
	summary(f, o, &s);
	fputc('\n', f);
	fields(f, o, ind + INDENT, &s);
}

static void
value(FILE *f, const char *key, const json_t *v, int ind)
{
	char buf[64], item[96];
	const char *lab = label(key, buf, sizeof(buf));
	size_t i;
	json_t *e;

	if (json_is_object(v)) {
		if (strcmp(key, "flags") == 0) {
			fprintf(f, "%*s%s: ", ind, "", lab);
			flags_line(f, v);
		} else
			object(f, lab, v, ind);
	} else if (json_is_array(v)) {
		json_array_foreach((json_t *)v, i, e) {
			snprintf(item, sizeof(item), "%s %zu", lab, i + 1);
			if (json_is_object(e))
				object(f, item, e, ind);
			else {
				fprintf(f, "%*s%s: ", ind, "", item);
				put_scalar(f, key, e);
				fputc('\n', f);
			}
		}
	} else {
		fprintf(f, "%*s%s: ", ind, "", lab);
		put_scalar(f, key, v);
		fputc('\n', f);
	}
}

static void
fields(FILE *f, const json_t *o, int ind, struct skip *s)
{
	const char *k;
	json_t *v;

	json_object_foreach((json_t *)o, k, v) {
		if (skipped(s, k))
			continue;
		if (strcmp(k, "local") == 0) {
			/* the three locator flags on one line */
			fprintf(f, "%*sFlags: L=%d p=%d R=%d\n", ind, "",
			    json_is_true(v),
			    json_is_true(json_object_get(o, "probed")),
			    json_is_true(json_object_get(o, "reachable")));
			continue;
		}
		if (strcmp(k, "probed") == 0 || strcmp(k, "reachable") == 0)
			continue;
		value(f, k, v, ind);
	}
}

void
decode_text(FILE *f, const json_t *o)
{
	struct skip s = { { NULL }, 0 };

	if (json_object_get(o, "frame") == NULL) {
		message(f, o, 0, &s);
		return;
	}
	fprintf(f, "Frame %" JSON_INTEGER_FORMAT ": ",
	    json_integer_value(json_object_get(o, "frame")));
	summary_ip(f, o, &s);
	fputc('\n', f);
	skip_add(&s, "frame");
	message(f, o, INDENT, &s);
}
