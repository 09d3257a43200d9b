/* locictl decode: text and JSON output of messages built with the
 * encoders, --key, hex input, the error path and the capture parser */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include <jansson.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>
#include "addr.h"
#include "auth.h"
#include "ddtsig.h"
#include "msg_build.h"
#include "buf.h"
#include "lcaf.h"
#include "msg.h"
#include "../../locictl/decode.h"
#include "../../locictl/pcap_in.h"

struct result {
	int	 rc;
	char	*out, *err;
};

static void
result_free(struct result *r)
{
	free(r->out);
	free(r->err);
}

/* run `locictl decode` with the given arguments (NULL-terminated) */
static struct result
run(const char *a0, ...)
{
	struct result r;
	char *argv[16];
	size_t ol, el;
	FILE *out, *err;
	va_list ap;
	int argc = 0;

	argv[argc++] = (char *)"decode";
	va_start(ap, a0);
	for (const char *a = a0; a != NULL && argc < 15; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	out = open_memstream(&r.out, &ol);
	err = open_memstream(&r.err, &el);
	r.rc = decode_main(argc, argv, out, err);
	fclose(out);
	fclose(err);
	return r;
}

static char *
to_hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);
	size_t i;

	for (i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	s[2 * n] = '\0';
	return s;
}

static void
v4(struct lisp_addr *a, const char *s)
{
	assert_int_equal(addr_parse(a, s), 0);
}

/* the Map-Request of the issue text, from the given source EID */
static size_t
build_request_from(const struct lisp_addr *seid, uint8_t *buf, size_t cap)
{
	struct lisp_map_request mr;
	struct lisp_eid_prefix ep;
	struct wbuf w;

	memset(&mr, 0, sizeof(mr));
	mr.nonce = 0x1a2b3c4d5e6f7081ULL;
	mr.seid = *seid;
	mr.nitr = 1;
	v4(&mr.itr[0], "203.0.113.1");
	mr.nrecords = 1;
	memset(&ep, 0, sizeof(ep));
	ep.mlen = 32;
	v4(&ep.eid, "198.18.2.10");
	wbuf_init(&w, buf, cap);
	map_request_encode_hdr(&w, &mr);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &mr);
	assert_false(w.err);
	return w.len;
}

static size_t
build_request(uint8_t *buf, size_t cap)
{
	struct lisp_addr seid;

	v4(&seid, "198.18.1.10");
	return build_request_from(&seid, buf, cap);
}

static void
test_text_map_request(void **state)
{
	uint8_t buf[256];
	size_t n = build_request(buf, sizeof(buf));
	char *hex = to_hex(buf, n);
	struct result r = run(hex, NULL);

	assert_int_equal(r.rc, 0);
	assert_string_equal(r.out,
	    "Map-Request\n"
	    "    Flags: A=0 M=0 P=0 S=0 p=0 s=0 I=0 L=0 D=0\n"
	    "    ITR-RLOC count: 1\n"
	    "    Record count: 1\n"
	    "    Nonce: 0x1a2b3c4d5e6f7081\n"
	    "    Source EID: 198.18.1.10\n"
	    "    ITR-RLOC 1: 203.0.113.1\n"
	    "    Record 1: EID 198.18.2.10/32\n");
	assert_string_equal(r.err, "");
	result_free(&r);
	free(hex);
}

/* a Map-Reply for [5]198.18.2.0/24 with one locator */
static size_t
build_reply(uint8_t *buf, size_t cap)
{
	struct lisp_map_reply mr;
	struct lisp_record rec;
	struct lisp_rloc rl;
	struct wbuf w;

	memset(&mr, 0, sizeof(mr));
	mr.nonce = 0x0102030405060708ULL;
	mr.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = 1440;
	rec.nrlocs = 1;
	rec.eid_mlen = 24;
	rec.act = ACT_NATIVE_FORWARD;
	rec.auth = 1;
	v4(&rec.eid, "198.18.2.0");
	addr_set_iid(&rec.eid, 5);
	memset(&rl, 0, sizeof(rl));
	rl.priority = 1;
	rl.weight = 100;
	rl.mpriority = 255;
	rl.flags = RLOC_L | RLOC_R;
	v4(&rl.addr, "203.0.113.1");
	wbuf_init(&w, buf, cap);
	map_reply_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &rl);
	assert_false(w.err);
	return w.len;
}

static void
test_json_map_reply(void **state)
{
	uint8_t buf[256];
	size_t n = build_reply(buf, sizeof(buf));
	char *hex = to_hex(buf, n);
	struct result r = run("--json", hex, NULL);
	json_t *o, *rec, *loc;
	json_error_t je;

	assert_int_equal(r.rc, 0);
	/* one object on one line */
	assert_ptr_equal(strchr(r.out, '\n'), r.out + strlen(r.out) - 1);
	o = json_loads(r.out, 0, &je);
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")),
	    "map-reply");
	assert_string_equal(json_string_value(json_object_get(o, "nonce")),
	    "0102030405060708");
	assert_true(json_is_false(json_object_get(json_object_get(o, "flags"),
	    "P")));
	rec = json_array_get(json_object_get(o, "records"), 0);
	assert_string_equal(json_string_value(json_object_get(rec, "eid")),
	    "198.18.2.0/24");
	assert_int_equal(json_integer_value(json_object_get(rec,
	    "instance_id")), 5);
	assert_int_equal(json_integer_value(json_object_get(rec, "ttl")), 1440);
	assert_string_equal(json_string_value(json_object_get(rec, "action")),
	    "natively-forward");
	assert_true(json_is_true(json_object_get(rec, "authoritative")));
	loc = json_array_get(json_object_get(rec, "locators"), 0);
	assert_string_equal(json_string_value(json_object_get(loc, "address")),
	    "203.0.113.1");
	assert_int_equal(json_integer_value(json_object_get(loc, "priority")), 1);
	assert_int_equal(json_integer_value(json_object_get(loc, "weight")), 100);
	assert_int_equal(json_integer_value(json_object_get(loc, "mpriority")),
	    255);
	assert_int_equal(json_integer_value(json_object_get(loc, "mweight")), 0);
	assert_true(json_is_true(json_object_get(loc, "local")));
	assert_true(json_is_false(json_object_get(loc, "probed")));
	assert_true(json_is_true(json_object_get(loc, "reachable")));
	assert_null(json_object_get(loc, "malformed"));
	/* the IID LCAF's mask length octet, as received */
	assert_int_equal(json_integer_value(json_object_get(rec,
	    "instance_id_mask_len")), 0);
	json_decref(o);
	result_free(&r);

	/* the same record as text, with the IID in the summary */
	r = run(hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out,
	    "    Record 1: EID [5]198.18.2.0/24\n"
	    "        Instance ID mask length: 0\n"
	    "        TTL: 1440\n"
	    "        Action: natively-forward\n"
	    "        Authoritative: yes\n"));
	assert_non_null(strstr(r.out,
	    "        Locator 1: 203.0.113.1\n"
	    "            Priority: 1\n"
	    "            Weight: 100\n"
	    "            M-priority: 255\n"
	    "            M-weight: 0\n"
	    "            Flags: L=1 p=0 R=1\n"));
	result_free(&r);
	free(hex);
}

static size_t
build_register(uint8_t *buf, size_t cap, const char *key)
{
	struct lisp_map_register mr;
	struct lisp_record rec;
	struct lisp_rloc rl;
	struct wbuf w;

	memset(&mr, 0, sizeof(mr));
	mr.type = LISP_MAP_REGISTER;
	mr.flags = MREG_M;
	mr.nonce = 7;
	mr.alg_id = ALG_HMAC_SHA256_128;
	mr.auth_len = 32;
	mr.nrecords = 1;
	mr.has_ids = 1;
	memset(mr.xtr_id, 0xab, XTR_ID_LEN);
	mr.site_id = 9;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = 1440;
	rec.nrlocs = 1;
	rec.eid_mlen = 24;
	rec.auth = 1;
	v4(&rec.eid, "198.18.1.0");
	memset(&rl, 0, sizeof(rl));
	rl.priority = 1;
	rl.weight = 100;
	rl.mpriority = 255;
	rl.flags = RLOC_L | RLOC_R;
	v4(&rl.addr, "203.0.113.1");
	wbuf_init(&w, buf, cap);
	map_register_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &rl);
	map_register_encode_trailer(&w, &mr);
	assert_false(w.err);
	assert_int_equal(auth_sign(ALG_HMAC_SHA256_128, key, strlen(key), buf,
	    w.len, MREG_AUTH_OFF, 32), 0);
	return w.len;
}

static const char *
auth_of(const char *out)
{
	static char v[32];
	json_t *o = json_loads(out, 0, NULL);
	json_t *a;

	assert_non_null(o);
	a = json_object_get(o, "auth");
	snprintf(v, sizeof(v), "%s", a == NULL ? "(absent)" :
	    json_string_value(a));
	json_decref(o);
	return v;
}

/* lispers.net's Map-Register with a draft-layout Geo LCAF in its locator
 * (peers capture, frame 381): decoded whole, the locator marked as the one
 * the daemon skips; the flag bits by their RFC 9301 names */
/* a signed Map-Referral (RFC 8111): the signature section's fields and
 * the children's key in the Security Key LCAF around each RLOC */
static void
test_signed_referral(void **state)
{
	struct referral_build	 b;
	struct lisp_addr	 rl;
	EVP_PKEY		*k = EVP_RSA_gen(1024);
	uint8_t			 buf[1024], der[DDTSIG_DER_MAX];
	struct result		 r;
	json_t			*o, *rec, *sig, *loc;
	json_error_t		 je;
	char			*hex, *hex2;
	size_t			 len;

	assert_non_null(k);
	memset(&b, 0, sizeof(b));
	b.nonce = 0x42;
	assert_int_equal(prefix_parse("198.18.0.0/16", &b.eid, &b.mlen), 0);
	b.act = REF_NODE_REFERRAL;
	b.ttl = 1440;
	v4(&rl, "203.0.113.5");
	b.rlocs = &rl;
	b.nrlocs = 1;
	b.rloc_key = der;
	b.rloc_key_len = ddtsig_der(k, der, sizeof(der));
	b.sign = k;
	b.sign_tag = ddtsig_key_tag(k);
	b.now = 1800000000;
	b.sig_valid_s = 3600;
	assert_true((len = map_referral_build(buf, sizeof(buf), &b)) > 0);
	hex = to_hex(buf, len);
	r = run("--json", hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(o = json_loads(r.out, 0, &je));
	rec = json_array_get(json_object_get(o, "records"), 0);
	assert_int_equal(json_integer_value(json_object_get(rec, "signature_count")), 1);
	sig = json_array_get(json_object_get(rec, "signatures"), 0);
	assert_non_null(sig);
	assert_int_equal(json_integer_value(json_object_get(sig, "original_ttl")), 1440);
	assert_int_equal(json_integer_value(json_object_get(sig, "sig_inception")),
	    1800000000 - DDTSIG_SKEW);
	assert_int_equal(json_integer_value(json_object_get(sig, "sig_expiration")),
	    1800000000 + 3600);
	assert_int_equal(json_integer_value(json_object_get(sig, "key_tag")), b.sign_tag);
	assert_string_equal(json_string_value(json_object_get(sig, "sig_algorithm")),
	    "rsa-sha256");
	assert_int_equal(json_integer_value(json_object_get(sig, "sig_length")), 128);
	loc = json_array_get(json_object_get(rec, "referrals"), 0);
	hex2 = json_dumps(loc, 0);
	assert_non_null(strstr(hex2, "203.0.113.5"));
	free(hex2);
	json_decref(o);
	result_free(&r);
	r = run(hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Key Tag: "));
	assert_non_null(strstr(r.out, "Algorithm: rsa-sha256"));
	result_free(&r);
	free(hex);
	EVP_PKEY_free(k);
}

static void
test_peer_malformed_locator(void **state)
{
	const char *hex =
	    "30000101887766554433221100020020636487eb18251bee532338dc176814753a92"
	    "19838aecef43005731bb38d20ce2000005a00118100000000001c61202000164ff00"
	    "000540030000010000240001cb0071044003000005000016500000002515d1f07935"
	    "fc5000000064000000000000";
	struct result r = run("--json", hex, NULL);
	json_t *o, *loc, *fl;
	json_error_t je;

	assert_int_equal(r.rc, 0);
	assert_non_null(o = json_loads(r.out, 0, &je));
	fl = json_object_get(o, "flags");
	assert_true(json_is_true(json_object_get(fl, "M")));
	assert_true(json_is_false(json_object_get(fl, "R")));	/* bit 22 */
	assert_true(json_is_false(json_object_get(fl, "rtr")));	/* bit 7 */
	assert_null(json_object_get(fl, "m"));
	loc = json_array_get(json_object_get(json_array_get(json_object_get(o,
	    "records"), 0), "locators"), 0);
	assert_string_equal(json_string_value(json_object_get(loc, "malformed")),
	    "geo coordinate out of range");
	assert_int_equal(json_integer_value(json_object_get(loc, "weight")), 100);
	json_decref(o);
	result_free(&r);
	r = run(hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "Flags: P=0 S=0 I=0 rtr=0 E=0 T=0 a=0 R=0 M=1\n"));
	assert_non_null(strstr(r.out, "            Malformed LCAF, locator skipped: "
	    "geo coordinate out of range\n"));
	result_free(&r);
}

static void
test_key(void **state)
{
	uint8_t buf[512];
	size_t n = build_register(buf, sizeof(buf), "s3cret");
	char *hex = to_hex(buf, n);
	struct result r;

	r = run("--json", "--key", "s3cret", hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(auth_of(r.out), "valid");
	result_free(&r);
	r = run("--json", "--key", "s3cret!", hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_string_equal(auth_of(r.out), "invalid");
	result_free(&r);
	r = run("--json", hex, NULL);
	assert_string_equal(auth_of(r.out), "(absent)");
	assert_non_null(strstr(r.out, "\"key_id\":0,\"alg_id\":2,"));
	assert_non_null(strstr(r.out, "\"auth_len\":32,"));
	assert_non_null(strstr(r.out, "\"xtr_id\":\"abababababababababababababababab\""));
	assert_non_null(strstr(r.out, "\"site_id\":\"0000000000000009\""));
	result_free(&r);
	/* a flipped locator octet (before the 24-octet trailer) breaks the MAC */
	buf[n - 25] ^= 1;
	free(hex);
	hex = to_hex(buf, n);
	r = run("--key", "s3cret", hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "    Authentication: invalid\n"));
	assert_non_null(strstr(r.out, "        Locator 1: 203.0.113.0\n"));
	result_free(&r);
	free(hex);
}

static void
test_hex_parse(void **state)
{
	uint8_t out[8];
	const char *why;
	size_t n;

	assert_int_equal(hex_parse("10 00:00\n01\t0A0b", out, sizeof(out), &n,
	    &why), 0);
	assert_int_equal(n, 6);
	assert_memory_equal(out, "\x10\x00\x00\x01\x0a\x0b", 6);
	assert_int_equal(hex_parse("0x1000", out, sizeof(out), &n, &why), 0);
	assert_int_equal(n, 2);
	assert_memory_equal(out, "\x10\x00", 2);
	assert_int_equal(hex_parse("100", out, sizeof(out), &n, &why), -1);
	assert_string_equal(why, "odd number of hex digits");
	assert_int_equal(hex_parse("1 000", out, sizeof(out), &n, &why), -1);
	assert_int_equal(hex_parse("10zz", out, sizeof(out), &n, &why), -1);
	assert_string_equal(why, "not a hex digit");
	assert_int_equal(hex_parse("  ", out, sizeof(out), &n, &why), -1);
	assert_int_equal(hex_parse("000102030405060708", out, sizeof(out), &n,
	    &why), -1);
	assert_string_equal(why, "message too long");
}

static void
test_errors(void **state)
{
	uint8_t buf[256];
	size_t n = build_request(buf, sizeof(buf));
	char *hex = to_hex(buf, n - 3);		/* cut into the record */
	struct result r;

	r = run(hex, NULL);
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.out, "");
	assert_true(strncmp(r.err, "locictl: decode: map-request: ", 30) == 0);
	result_free(&r);
	free(hex);

	r = run("3", "0", NULL);		/* odd digits per group */
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "bad hex"));
	result_free(&r);

	r = run("9000000000", NULL);		/* type 9 */
	assert_int_equal(r.rc, 1);
	assert_string_equal(r.err, "locictl: decode: unknown message type 9\n");
	result_free(&r);

	r = run(NULL);				/* nothing to decode */
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "usage:"));
	result_free(&r);

	r = run("-r", "/nonexistent.pcap", NULL);
	assert_int_equal(r.rc, 2);
	assert_non_null(strstr(r.err, "locictl: decode: "));
	result_free(&r);
}

static void
test_stdin(void **state)
{
	uint8_t buf[256];
	size_t n = build_request(buf, sizeof(buf));
	char *hex = to_hex(buf, n);
	char path[] = "/tmp/test_locictl_decode.XXXXXX";
	struct result r;
	FILE *f;
	int fd;

	fd = mkstemp(path);
	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	/* tcpdump-like layout: groups and line breaks */
	fprintf(f, "%.8s %.8s\n%s\n", hex, hex + 8, hex + 16);
	fclose(f);
	assert_non_null(freopen(path, "r", stdin));
	r = run("--json", "-", NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out, "\"nonce\":\"1a2b3c4d5e6f7081\""));
	assert_non_null(strstr(r.out, "\"records\":[{\"eid\":\"198.18.2.10/32\"}]"));
	assert_non_null(strstr(r.out, "\"itr_rlocs\":[\"203.0.113.1\"]"));
	result_free(&r);
	unlink(path);
	free(hex);
}

static void
test_ecm(void **state)
{
	uint8_t inner[256], buf[512];
	size_t n = build_request(inner, sizeof(inner));
	struct lisp_addr s, d;
	struct wbuf w;
	char why[128];
	json_t *o, *in, *m;

	v4(&s, "198.18.1.10");
	v4(&d, "198.18.2.10");
	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, 0, &s, &d, 61000, LISP_CONTROL_PORT, inner, n);
	assert_false(w.err);
	o = decode_control(buf, w.len, &(struct decode_opts){ NULL, 0 }, 0,
	    why, sizeof(why));
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "type")), "ecm");
	in = json_object_get(o, "inner");
	assert_string_equal(json_string_value(json_object_get(in, "ip_src")),
	    "198.18.1.10");
	assert_string_equal(json_string_value(json_object_get(in, "ip_dst")),
	    "198.18.2.10");
	assert_int_equal(json_integer_value(json_object_get(in, "sport")), 61000);
	assert_int_equal(json_integer_value(json_object_get(in, "dport")), 4342);
	m = json_object_get(in, "message");
	assert_string_equal(json_string_value(json_object_get(m, "type")),
	    "map-request");
	assert_string_equal(json_string_value(json_object_get(m, "nonce")),
	    "1a2b3c4d5e6f7081");
	json_decref(o);

	/* a broken inner message fails the whole packet, naming it */
	o = decode_control(buf, w.len - 3, &(struct decode_opts){ NULL, 0 }, 0,
	    why, sizeof(why));
	assert_null(o);
	assert_true(strncmp(why, "ecm: ", 5) == 0);
}

static void
test_elp_text(void **state)
{
	uint8_t lc[128], buf[512];
	struct lcaf_elp_hop hops[2];
	struct lisp_map_reply mr;
	struct lisp_record rec;
	struct lisp_rloc rl;
	struct wbuf w;
	struct rbuf b;
	const char *why;
	char *hex;
	struct result r;

	memset(hops, 0, sizeof(hops));
	hops[0].flags = ELP_P;
	v4(&hops[0].addr, "198.51.100.1");
	hops[1].flags = ELP_S | ELP_L;
	v4(&hops[1].addr, "198.51.100.2");
	wbuf_init(&w, lc, sizeof(lc));
	lcaf_elp_encode(&w, hops, 2);
	assert_false(w.err);
	memset(&rl, 0, sizeof(rl));
	rbuf_init(&b, lc, w.len);
	assert_int_equal(addr_decode(&b, &rl.addr, 0, &why), 0);
	rl.priority = 1;
	rl.flags = RLOC_R;

	memset(&mr, 0, sizeof(mr));
	mr.nrecords = 1;
	memset(&rec, 0, sizeof(rec));
	rec.ttl = 60;
	rec.nrlocs = 1;
	rec.eid_mlen = 24;
	v4(&rec.eid, "198.18.3.0");
	wbuf_init(&w, buf, sizeof(buf));
	map_reply_encode_hdr(&w, &mr);
	record_encode(&w, &rec);
	rloc_encode(&w, &rl);
	assert_false(w.err);
	hex = to_hex(buf, w.len);
	r = run(hex, NULL);
	assert_int_equal(r.rc, 0);
	assert_non_null(strstr(r.out,
	    "            LCAF: elp\n"
	    "                Hop 1: 198.51.100.1\n"
	    "                    Flags: L=0 P=1 S=0\n"
	    "                Hop 2: 198.51.100.2\n"
	    "                    Flags: L=1 P=0 S=1\n"));
	result_free(&r);
	r = run("--json", hex, NULL);
	assert_non_null(strstr(r.out, "\"lcaf\":{\"lcaf_type\":\"elp\",\"hops\":"
	    "[{\"address\":\"198.51.100.1\",\"flags\":{\"L\":false,\"P\":true,"
	    "\"S\":false}}"));
	result_free(&r);
	free(hex);
}

static void
test_data(void **state)
{
	struct lisp_data_hdr h;
	uint8_t buf[128];
	struct wbuf w;
	char why[128];
	json_t *o, *in;
	static const uint8_t ip[] = {
		0x45, 0, 0, 28, 0, 0, 0, 0, 64, 17, 0, 0,
		198, 18, 1, 10, 198, 18, 2, 10,
		0x13, 0x88, 0, 53, 0, 8, 0, 0,
	};

	memset(&h, 0, sizeof(h));
	h.flags = LD_N | LD_I;
	h.nonce = 0xabcdef;
	h.iid = 77;
	wbuf_init(&w, buf, sizeof(buf));
	data_hdr_encode(&w, &h);
	wbuf_bytes(&w, ip, sizeof(ip));
	o = decode_data(buf, w.len, why, sizeof(why));
	assert_non_null(o);
	assert_string_equal(json_string_value(json_object_get(o, "nonce")),
	    "abcdef");
	assert_int_equal(json_integer_value(json_object_get(o, "instance_id")),
	    77);
	in = json_object_get(o, "inner");
	assert_string_equal(json_string_value(json_object_get(in, "ip_src")),
	    "198.18.1.10");
	assert_int_equal(json_integer_value(json_object_get(in, "proto")), 17);
	assert_int_equal(json_integer_value(json_object_get(in, "dport")), 53);
	json_decref(o);
	assert_null(decode_data(buf, 5, why, sizeof(why)));
}

/* IPv4 (20-octet header + opts) + UDP 4342 -> 4342 + payload */
static size_t
build_ip4_udp(uint8_t *p, int optlen, uint16_t frag, const uint8_t *pl,
    size_t n)
{
	size_t ihl = 20 + (size_t)optlen;

	memset(p, 0, ihl + 8);
	p[0] = 0x40 | (uint8_t)(ihl / 4);
	put_u16(p + 2, (uint16_t)(ihl + 8 + n));
	put_u16(p + 6, frag);
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, "\xcb\x00\x71\x01\xcb\x00\x71\x02", 8);
	put_u16(p + ihl, 4342);
	put_u16(p + ihl + 2, 4342);
	put_u16(p + ihl + 4, (uint16_t)(8 + n));
	memcpy(p + ihl + 8, pl, n);
	return ihl + 8 + n;
}

static void
test_pkt_udp_find(void **state)
{
	static const uint8_t pl[] = { 0x10, 0, 0, 1, 0xaa, 0xbb };
	uint8_t fr[256];
	struct pkt_udp u;
	size_t n;

	/* Ethernet, 802.1ad + 802.1Q, IPv4 with 4 octets of options, and
	 * padding to the 60-octet minimum */
	memset(fr, 0, sizeof(fr));
	memcpy(fr + 12, "\x88\xa8\x00\x64\x81\x00\x00\xc8\x08\x00", 10);
	n = 22 + build_ip4_udp(fr + 22, 4, 0, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(1, fr, n < 60 ? 60 : n, &u), 1);
	assert_string_equal(u.ip.src, "203.0.113.1");
	assert_string_equal(u.ip.dst, "203.0.113.2");
	assert_int_equal(u.sport, 4342);
	assert_int_equal(u.dport, 4342);
	assert_int_equal(u.len, sizeof(pl));
	assert_memory_equal(u.payload, pl, sizeof(pl));

	/* Linux SLL2: protocol first */
	memset(fr, 0, sizeof(fr));
	put_u16(fr, 0x0800);
	n = 20 + build_ip4_udp(fr + 20, 0, 0, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(276, fr, n, &u), 1);
	assert_int_equal(u.len, sizeof(pl));

	/* Linux SLL: protocol at 14 */
	memset(fr, 0, sizeof(fr));
	put_u16(fr + 14, 0x0800);
	n = 16 + build_ip4_udp(fr + 16, 0, 0, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(113, fr, n, &u), 1);

	/* raw IPv4; a later fragment is skipped, the first is kept */
	n = build_ip4_udp(fr, 0, 0x2000, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(12, fr, n, &u), 1);
	n = build_ip4_udp(fr, 0, 0x0010, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(12, fr, n, &u), 0);

	/* snaplen cut: captured length below the UDP length */
	n = build_ip4_udp(fr, 0, 0, pl, sizeof(pl));
	assert_int_equal(pkt_udp_find(12, fr, n - 2, &u), 1);
	assert_int_equal(u.len, sizeof(pl) - 2);
	assert_int_equal(u.wire_len, sizeof(pl));

	/* ARP and garbage are not UDP */
	memset(fr, 0, sizeof(fr));
	put_u16(fr + 12, 0x0806);
	assert_int_equal(pkt_udp_find(1, fr, 60, &u), 0);
	assert_int_equal(pkt_udp_find(1, fr, 10, &u), 0);
}

/* one valid address of each LCAF type lib validates */
static const struct {
	uint8_t		 type;
	const char	*hex;
} lcaf_samples[] = {
	{ LCAF_NULL,	"4003 00 00 00 00 0000" },
	{ LCAF_AFI_LIST, "4003 00 00 01 00 0018 0001 c6120101 "
	    "0002 20010db8000000000000000000000001" },
	{ LCAF_ASN,	"4003 00 00 03 00 000a 0000fc00 0001 c6336407" },
	{ LCAF_APPDATA,	"4003 00 00 04 00 0012 2e1234 06 0400 07ff 01bb 01bb "
	    "0001 c6120101" },
	{ LCAF_GEO,	"4003 00 00 05 00 0012 8025 17 3b 007a 05 00 00000064 "
	    "0001 c6120101" },
	{ LCAF_NAT,	"4003 00 00 07 00 001c 10f6 10f5 0001 cb007101 "
	    "0001 cb007102 0001 c6120101 0001 c6336401" },
	{ LCAF_MCAST,	"4003 00 00 09 05 0014 000003e8 0000 20 20 "
	    "0001 c6120101 0001 e0000001" },
	{ LCAF_ELP,	"4003 00 00 0a 00 0010 0007 0001 c6120101 "
	    "0000 0001 c6120102" },
	{ LCAF_SECKEY,	"4003 00 00 0b 00 0010 01 00 01 00 0004 01020304 "
	    "0001 c6120101" },
	{ LCAF_SRCDST,	"4003 00 00 0c 00 0010 0000 18 18 0001 c6120100 "
	    "0001 c6120200" },
	{ LCAF_RLE,	"4003 00 00 0d 00 0014 000000 01 0001 c6120101 "
	    "000000 02 0001 c6120102" },
	{ LCAF_JSON,	"4003 00 00 0e 00 000e 000a 7b22727474223a31327d 0000" },
	{ LCAF_KV,	"4003 00 00 0f 00 000a 0001 c6120101 0011 6100" },
};

/* keys of every message, labelled by decode_text.c's own table */
static int
common_key(const char *k)
{
	static const char *const ks[] = { "lcaf_type", "address", "lcaf",
	    "flags", "instance_id", "length", "body", NULL };
	int i;

	for (i = 0; ks[i] != NULL; i++)
		if (strcmp(ks[i], k) == 0)
			return 1;
	return 0;
}

/* every key the renderer of type t added (in o and in the objects of its
 * lists) has a text label in that type's row */
static void
labelled(const json_t *o, uint8_t t)
{
	const struct decode_label *l;
	const char *k;
	json_t *v, *e;
	size_t i;

	json_object_foreach((json_t *)o, k, v) {
		if (json_is_array(v))
			json_array_foreach(v, i, e)
				if (json_is_object(e))
					labelled(e, t);
		if (common_key(k))
			continue;
		for (l = decode_lcaf_labels(t); l->key != NULL; l++)
			if (strcmp(l->key, k) == 0)
				break;
		if (l->key == NULL)
			fail_msg("lcaf %s: key %s has no label",
			    lcaf_type_name(t), k);
	}
}

/* the JSON model renders the typed body of exactly the LCAF types lib
 * validates, with a label for each key it adds: a type added to lib
 * without a JSON renderer, its labels or a sample here fails */
static void
test_lcaf_renderers(void **state)
{
	uint8_t raw[128], buf[512];
	const struct decode_label *l, *m;
	struct lisp_addr seid;
	struct rbuf b;
	const char *why;
	char whybuf[128];
	size_t n, i;
	json_t *o, *lc;
	int t, u, known = 0;

	for (t = 0; t < 256; t++) {
		if (decode_lcaf_renders((uint8_t)t) !=
		    lcaf_type_known((uint8_t)t))
			fail_msg("lcaf type %d (%s): lib %s it, locictl %s",
			    t, lcaf_type_name((uint8_t)t),
			    lcaf_type_known((uint8_t)t) ? "validates" :
			    "does not validate",
			    decode_lcaf_renders((uint8_t)t) ?
			    "renders it" : "does not render it");
		known += lcaf_type_known((uint8_t)t);
		/* a key two types add is labelled the same by both */
		for (u = 0; u < t && decode_lcaf_labels((uint8_t)t) != NULL; u++)
			for (l = decode_lcaf_labels((uint8_t)t); l->key != NULL;
			    l++)
				for (m = decode_lcaf_labels((uint8_t)u);
				    m != NULL && m->key != NULL; m++)
					if (strcmp(l->key, m->key) == 0)
						assert_string_equal(l->text,
						    m->text);
	}
	assert_int_equal(known, (int)(sizeof(lcaf_samples) /
	    sizeof(lcaf_samples[0])));

	for (i = 0; i < sizeof(lcaf_samples) / sizeof(lcaf_samples[0]); i++) {
		assert_int_equal(hex_parse(lcaf_samples[i].hex, raw,
		    sizeof(raw), &n, &why), 0);
		rbuf_init(&b, raw, n);
		assert_int_equal(addr_decode(&b, &seid, 0, &why), 0);
		assert_int_equal(b.len, 0);
		assert_int_equal(seid.lcaf_type, lcaf_samples[i].type);
		assert_true(seid.known);
		n = build_request_from(&seid, buf, sizeof(buf));
		o = decode_control(buf, n, &(struct decode_opts){ NULL, 0 },
		    0, whybuf, sizeof(whybuf));
		assert_non_null(o);
		lc = json_object_get(o, "source_eid_lcaf");
		assert_non_null(lc);
		assert_string_equal(json_string_value(json_object_get(lc,
		    "lcaf_type")), lcaf_type_name(lcaf_samples[i].type));
		/* rendered by type, not as octets (null has none to type) */
		if (lcaf_samples[i].type != LCAF_NULL)
			assert_null(json_object_get(lc, "body"));
		labelled(lc, lcaf_samples[i].type);
		json_decref(o);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_text_map_request),
		cmocka_unit_test(test_json_map_reply),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_peer_malformed_locator),
		cmocka_unit_test(test_signed_referral),
		cmocka_unit_test(test_hex_parse),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_stdin),
		cmocka_unit_test(test_ecm),
		cmocka_unit_test(test_elp_text),
		cmocka_unit_test(test_data),
		cmocka_unit_test(test_pkt_udp_find),
		cmocka_unit_test(test_lcaf_renderers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
