/* RFC 8111 signatures (§6.4.1, §10) against the fake core: the DDT node
 * and the Map-Server sign their Map-Referral records and give the
 * children's keys in Security Key LCAFs; the DDT Map-Resolver follows a
 * chain from its trust anchor, drops what is unsigned, signed by another
 * key, tampered with or expired, and takes a tree without keys as before.
 * the keys are made here (RSA-1024 and -2048) and written to a temporary
 * directory the configs name */
#include <sys/socket.h>
#include <sys/stat.h>
#include <netinet/in.h>

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>

#include "ddtsig.h"
#include "fakecore.h"
#include "lcaf.h"
#include "msg_build.h"
#include "rolemsg.h"

extern const struct role role_ms, role_ddt, role_ddtmr, role_mr;

#define MR	"192.0.2.9"
#define ITR	"192.0.2.50"

#include "ddtmsg.h"
#define ROOT	"192.0.2.1"
#define NODE	"192.0.2.11"
#define MSA	"192.0.2.21"
#define NKEYS	4	/* root, node, ms, rogue */

static char	 dir[64];
static EVP_PKEY	*keys[NKEYS];
static struct ddtsig_verifier *vk[NKEYS];	/* their public halves */
static char	 conf[4096];

static void
key_write(EVP_PKEY *k, const char *name, int priv)
{
	char	 path[128];
	FILE	*f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	assert_non_null(f = fopen(path, "w"));
	if (priv)
		assert_int_equal(PEM_write_PrivateKey(f, k, NULL, NULL, 0, NULL, NULL), 1);
	else
		assert_int_equal(PEM_write_PUBKEY(f, k), 1);
	fclose(f);
}

static int
group_setup(void **state)
{
	static const char *names[NKEYS] = { "root", "node", "ms", "rogue" };
	char	 n[32];
	int	 i;

	snprintf(dir, sizeof(dir), "/tmp/locid-ddtsig.%d", (int)getpid());
	if (mkdir(dir, 0700) == -1)
		return -1;
	for (i = 0; i < NKEYS; i++) {
		if ((keys[i] = EVP_RSA_gen(i == 0 ? 2048 : 1024)) == NULL)
			return -1;
		snprintf(n, sizeof(n), "%s.pem", names[i]);
		key_write(keys[i], n, 1);
		snprintf(n, sizeof(n), "%s.pub", names[i]);
		key_write(keys[i], n, 0);
		if ((vk[i] = ddtsig_verifier_new(keys[i])) == NULL)
			return -1;
	}
	return 0;
}

static int
group_teardown(void **state)
{
	char	cmd[128];
	int	i;

	for (i = 0; i < NKEYS; i++) {
		ddtsig_verifier_free(vk[i]);
		EVP_PKEY_free(keys[i]);
	}
	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	return system(cmd) == 0 ? 0 : -1;
}

static int
teardown(void **state)
{
	fake_stop();
	return 0;
}

/* the one referral record of a sent Map-Referral, and its RLOCs' keys */
struct signed_answer {
	struct lisp_record	 rec;
	char			 prefix[ADDR_STRLEN];
	char			 rloc[8][ADDR_STRLEN];
	size_t			 keylen[8];
	uint8_t			 key[8][DDTSIG_DER_MAX];
	int			 nrlocs;
	uint8_t			 raw[2048];
	size_t			 rawlen;
};

static void
answer_decode(const uint8_t *buf, size_t len, struct signed_answer *a)
{
	struct lisp_map_referral mr;
	struct lisp_rloc	 rl;
	struct lcaf_seckey	 k;
	struct msg_err		 why;
	struct rbuf		 b, r;

	memmove(a->raw, buf, len);	/* buf may be a->raw */
	assert_true(len <= sizeof(a->raw));
	a->rawlen = len;
	memset(a, 0, offsetof(struct signed_answer, raw));	/* raw last */
	rbuf_init(&b, a->raw, a->rawlen);
	assert_int_equal(map_referral_decode(&b, &mr, &why), 0);
	b = mr.records;
	assert_int_equal(referral_record_next(&b, &a->rec), 1);
	prefix_fmt(&a->rec.eid, a->rec.eid_mlen, a->prefix, sizeof(a->prefix));
	r = a->rec.rlocs;
	while (a->nrlocs < 8 && rloc_next(&r, &rl) == 1) {
		if (rl.addr.afi == AFI_LCAF && rl.addr.lcaf_type == LCAF_SECKEY) {
			assert_int_equal(lcaf_seckey_decode(&rl.addr, &k), 0);
			assert_int_equal(k.nkeys, 1);
			assert_int_equal(k.alg, DDTSIG_RSA_SHA256);
			memcpy(a->key[a->nrlocs], k.key[0].material, k.key[0].len);
			a->keylen[a->nrlocs] = k.key[0].len;
			rl.addr = k.addr;
		}
		addr_fmt(&rl.addr, a->rloc[a->nrlocs++], ADDR_STRLEN);
	}
}

static int
der_is(const struct signed_answer *a, int i, EVP_PKEY *k)
{
	uint8_t	der[DDTSIG_DER_MAX];
	size_t	n = ddtsig_der(k, der, sizeof(der));

	return n > 0 && a->keylen[i] == n && memcmp(a->key[i], der, n) == 0;
}

static uint64_t nonce_seq = 0x5000;

/* a DDT Map-Request from the MR to the node or Map-Server */
static void
ddt_request(const char *eid, size_t want)
{
	uint8_t	buf[1024], in[512];
	size_t	len, n;

	len = rm_request(eid, 0, ITR, 4342, ++nonce_seq, 0, buf, sizeof(buf), in, &n);
	buf[0] |= ECM_D >> 24;
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, MR, 4342), 1);
	assert_int_equal(fake_nsent(), want);
}

/* a counter of the role's show stats block */
static json_int_t
stat_of(const struct role *r, const char *key)
{
	json_t		*j = fake_stats(r);
	json_int_t	 v;

	assert_non_null(j);
	assert_non_null(json_object_get(j, key));
	v = json_integer_value(json_object_get(j, key));
	json_decref(j);
	return v;
}

/* the node signs; the children's key rides in each RLOC; a second answer
 * comes from the signature cache, the same octets; another key, a
 * tampered octet or a time after its expiration do not verify, a TTL
 * lowered on the way does */
static void
test_node_signs(void **state)
{
	struct signed_answer	 a, b;
	const char		*why;
	uint32_t		 now = (uint32_t)time(NULL);
	size_t			 off;

	snprintf(conf, sizeof(conf),
	    "role ddt-node\n"
	    "ddt-signing-key \"%s/root.pem\"\n"
	    "ddt-authoritative-prefix 198.18.0.0/15\n"
	    "ddt-delegation 198.18.1.0/24 node " NODE " 192.0.2.12 key \"%s/node.pub\"\n"
	    "ddt-delegation 198.18.2.0/24 map-server " MSA "\n", dir, dir);
	assert_non_null(fake_start(conf));
	fake_role(&role_ddt);

	ddt_request("198.18.1.9", 1);
	answer_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.rec.act, REF_NODE_REFERRAL);
	assert_int_equal(a.rec.sigcnt, 1);
	assert_int_equal(a.nrlocs, 2);
	assert_string_equal(a.rloc[0], NODE);
	assert_string_equal(a.rloc[1], "192.0.2.12");
	assert_true(der_is(&a, 0, keys[1]) && der_is(&a, 1, keys[1]));
	assert_int_equal(ddtsig_verify(&a.rec, vk[0], now, &why), 0);
	assert_int_equal(ddtsig_verify(&a.rec, vk[3], now, &why), -1);
	assert_string_equal(why, "no signature by the expected key (key tag)");
	assert_int_equal(ddtsig_verify(&a.rec, vk[0], now + 3 * 86400, &why), -1);
	assert_string_equal(why, "signature not valid now (inception/expiration)");

	/* the cache: the same record, no new signature */
	ddt_request("198.18.1.77", 1);
	answer_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &b);
	assert_int_equal(b.rawlen, a.rawlen);
	assert_memory_equal(b.raw + 12, a.raw + 12, a.rawlen - 12);
	assert_int_equal(stat_of(&role_ddt, "referral_signatures"), 1);
	assert_int_equal(stat_of(&role_ddt, "referral_signature_cache_hits"), 1);

	/* a lower TTL on the way verifies (the Original TTL is signed) */
	off = (size_t)(b.rec.raw.p - b.raw);
	put_u32(b.raw + off, 7);
	answer_decode(b.raw, b.rawlen, &b);
	assert_int_equal(b.rec.ttl, 7);
	assert_int_equal(ddtsig_verify(&b.rec, vk[0], now, &why), 0);
	/* a changed octet of the child's key does not: the fixed part of
	 * the RLOC (6), the LCAF header (8), its key count .. R (4), the key
	 * length (2), then 40 octets into the DER */
	off = (size_t)(b.rec.rlocs.p - b.raw) + 6 + 8 + 4 + 2 + 40;
	b.raw[off] ^= 1;
	answer_decode(b.raw, b.rawlen, &b);
	assert_int_equal(ddtsig_verify(&b.rec, vk[0], now, &why), -1);
	assert_string_equal(why, "signature does not verify");

	/* a delegation without a key: a plain referral set, still signed */
	ddt_request("198.18.2.9", 1);
	answer_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.rec.act, REF_MS_REFERRAL);
	assert_int_equal(a.keylen[0], 0);
	assert_string_equal(a.rloc[0], MSA);
	assert_int_equal(ddtsig_verify(&a.rec, vk[0], now, &why), 0);
	/* a hole too */
	ddt_request("198.19.0.1", 1);
	answer_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.rec.act, REF_DELEGATION_HOLE);
	assert_int_equal(ddtsig_verify(&a.rec, vk[0], now, &why), 0);
}

/* the Map-Server as a DDT leaf signs its MS-ACK and MS-NOT-REGISTERED */
static void
test_ms_signs(void **state)
{
	struct signed_answer	 a;
	struct rm_reg		 s = { "198.18.7.0/24", "192.0.2.60", 0, 0x55, "s3cret",
	    0, 0, 0, 0 };
	uint8_t			 buf[512];
	const char		*why;
	uint32_t		 now = (uint32_t)time(NULL);
	size_t			 i, len;

	snprintf(conf, sizeof(conf),
	    "role map-server\n"
	    "ddt-signing-key \"%s/ms.pem\"\n"
	    "site a {\n"
	    "	key 0 sha256 \"s3cret\"\n"
	    "	eid-prefix 198.18.7.0/24\n"
	    "	eid-prefix 198.18.8.0/24\n"
	    "}\n", dir);
	assert_non_null(fake_start(conf));
	fake_role(&role_ms);
	len = rm_register(&s, buf, sizeof(buf));
	assert_int_equal(fake_rx(buf, len, "192.0.2.60", 4342), 1);

	ddt_request("198.18.7.9", 2);	/* forwarded to the ETR, and MS-ACK */
	for (i = 0; i < 2; i++)
		if (fake_sent_get(i)->buf[0] >> 4 == LISP_MAP_REFERRAL)
			break;
	assert_true(i < 2);
	answer_decode(fake_sent_get(i)->buf, fake_sent_get(i)->len, &a);
	assert_int_equal(a.rec.act, REF_MS_ACK);
	assert_int_equal(ddtsig_verify(&a.rec, vk[2], now, &why), 0);
	ddt_request("198.18.8.9", 1);
	answer_decode(fake_sent_get(0)->buf, fake_sent_get(0)->len, &a);
	assert_int_equal(a.rec.act, REF_MS_NOT_REGISTERED);
	assert_int_equal(ddtsig_verify(&a.rec, vk[2], now, &why), 0);
}

/* -- the DDT Map-Resolver -------------------------------------------- */

/* a Map-Referral from src, signed by sign (NULL: not), its RLOCs keyed
 * with child (NULL: plain); how many messages went out in answer */
static size_t
referral(const char *src, uint64_t nonce, const char *pfx, unsigned act,
    const char *r0, EVP_PKEY *child, EVP_PKEY *sign, int tamper)
{
	struct referral_build	 b;
	struct lisp_addr	 rl;
	uint8_t			 buf[2048], der[DDTSIG_DER_MAX];

	memset(&b, 0, sizeof(b));
	b.nonce = nonce;
	assert_int_equal(prefix_parse(pfx, &b.eid, &b.mlen), 0);
	b.act = (uint8_t)act;
	b.ttl = 1440;
	if (r0 != NULL) {
		assert_int_equal(addr_parse(&rl, r0), 0);
		b.rlocs = &rl;
		b.nrlocs = 1;
	}
	if (child != NULL) {
		b.rloc_key = der;
		assert_true((b.rloc_key_len = ddtsig_der(child, der, sizeof(der))) > 0);
	}
	b.sign = sign;
	b.sign_tag = sign != NULL ? ddtsig_key_tag(sign) : 0;
	b.now = (uint32_t)time(NULL);
	b.sig_valid_s = 3600;
	size_t len = map_referral_build(buf, sizeof(buf), &b);
	assert_true(len > 0);
	if (tamper)
		buf[len - 1] ^= 0x40;	/* the signature's last octet */
	fake_sent_clear();
	assert_int_equal(fake_rx(buf, len, src, 4342), 1);
	return fake_nsent();
}


static uint64_t
bad_sig(void)
{
	return fake_role_drops(&role_ddtmr, "map-referral: signature missing or invalid");
}

static int
setup_dr(void **state)
{
	snprintf(conf, sizeof(conf),
	    "role map-resolver\n"
	    "ddt-root " ROOT " key \"%s/root.pub\"\n", dir);
	assert_non_null(fake_start(conf));
	fake_role(&role_ddtmr);
	fake_role(&role_mr);
	return 0;
}

/* the chain root -> node -> Map-Server, each answer checked with the key
 * the one above gave; the unsigned, the rogue-signed and the tampered are
 * dropped while the request waits for the real one */
static void
test_dr_chain(void **state)
{
	char	 err[128];
	json_t	*j;

	assert_ddt_to(itr_request("198.18.1.9", 0x100), ROOT);
	/* unsigned, another key, a broken signature: dropped, nothing sent */
	assert_int_equal(referral(ROOT, 0x100, "198.18.0.0/16", REF_NODE_REFERRAL,
	    "192.0.2.66", NULL, NULL, 0), 0);
	assert_int_equal(referral(ROOT, 0x100, "198.18.0.0/16", REF_NODE_REFERRAL,
	    "192.0.2.66", keys[3], keys[3], 0), 0);
	assert_int_equal(referral(ROOT, 0x100, "198.18.0.0/16", REF_NODE_REFERRAL,
	    "192.0.2.66", keys[3], keys[0], 1), 0);
	assert_int_equal(bad_sig(), 3);
	/* the root's own: on to the node, its key learnt */
	assert_int_equal(referral(ROOT, 0x100, "198.18.0.0/16", REF_NODE_REFERRAL,
	    NODE, keys[1], keys[0], 0), 1);
	assert_ddt_to(fake_sent_get(0), NODE);
	/* the node must sign with the key the root gave, not the root's */
	assert_int_equal(referral(NODE, 0x100, "198.18.1.0/24", REF_MS_REFERRAL,
	    "192.0.2.66", keys[2], keys[0], 0), 0);
	assert_int_equal(bad_sig(), 4);
	assert_int_equal(referral(NODE, 0x100, "198.18.1.0/24", REF_MS_REFERRAL,
	    MSA, keys[2], keys[1], 0), 1);
	assert_ddt_to(fake_sent_get(0), MSA);
	/* the Map-Server's MS-ACK: its key */
	assert_int_equal(referral(MSA, 0x100, "198.18.1.0/24", REF_MS_ACK,
	    MSA, NULL, NULL, 0), 0);
	assert_int_equal(bad_sig(), 5);
	assert_int_equal(referral(MSA, 0x100, "198.18.1.0/24", REF_MS_ACK,
	    MSA, NULL, keys[2], 0), 0);
	assert_int_equal(stat_of(&role_ddtmr, "resolved"), 1);
	assert_int_equal(stat_of(&role_ddtmr, "referrals_verified"), 3);
	assert_int_equal(stat_of(&role_ddtmr, "keys"), 2);

	/* cached: the next goes to the Map-Server and still needs its key */
	assert_ddt_to(itr_request("198.18.1.10", 0x101), MSA);
	assert_int_equal(referral(MSA, 0x101, "198.18.1.0/24", REF_MS_ACK,
	    MSA, NULL, keys[3], 0), 0);
	assert_int_equal(bad_sig(), 6);
	assert_int_equal(referral(MSA, 0x101, "198.18.1.0/24", REF_MS_ACK,
	    MSA, NULL, keys[2], 0), 0);
	assert_int_equal(stat_of(&role_ddtmr, "resolved"), 2);

	j = fake_ctl(&role_ddtmr, "show referral-cache", NULL, err, sizeof(err));
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 3);	/* root, /16, /24 */
	assert_true(json_is_true(json_object_get(json_array_get(j, 0), "verified")));
	assert_true(json_is_true(json_object_get(json_array_get(j, 1), "verified")));
	assert_true(json_is_true(json_object_get(json_array_get(j, 2), "verified")));
	json_decref(j);

	/* a clear releases the learnt keys; the anchor is taken per walk */
	json_decref(fake_ctl(&role_ddtmr, "clear referral-cache", NULL, err, sizeof(err)));
	assert_int_equal(stat_of(&role_ddtmr, "keys"), 0);
}

/* a signed parent that gives no key: the child is taken unsigned, and
 * keys in an unsigned referral count for nothing */
static void
test_dr_unkeyed_child(void **state)
{
	assert_ddt_to(itr_request("198.18.1.9", 0x200), ROOT);
	assert_int_equal(referral(ROOT, 0x200, "198.18.0.0/16", REF_NODE_REFERRAL,
	    NODE, NULL, keys[0], 0), 1);
	assert_ddt_to(fake_sent_get(0), NODE);
	/* unsigned, with a key for the Map-Server in it */
	assert_int_equal(referral(NODE, 0x200, "198.18.1.0/24", REF_MS_REFERRAL,
	    MSA, keys[2], NULL, 0), 1);
	assert_ddt_to(fake_sent_get(0), MSA);
	/* so the Map-Server's answer is not held to that key */
	assert_int_equal(referral(MSA, 0x200, "198.18.1.0/24", REF_MS_ACK,
	    MSA, NULL, NULL, 0), 0);
	assert_int_equal(stat_of(&role_ddtmr, "resolved"), 1);
	assert_int_equal(bad_sig(), 0);
	assert_int_equal(stat_of(&role_ddtmr, "keys"), 0);
}

/* the config: key files read at load, errors with file:line */
static void
test_conf_keys(void **state)
{
	char		 err[1024], name[128];
	struct conf	*c;

	snprintf(conf, sizeof(conf), "role ddt-node\n"
	    "ddt-signing-key \"%s/root.pub\"\n"
	    "ddt-authoritative-prefix 198.18.0.0/15\n", dir);
	assert_null(c = conf_load_buf("t.conf", conf, strlen(conf), err, sizeof(err)));
	assert_non_null(strstr(err, "t.conf:2: ddt-signing-key"));
	assert_non_null(strstr(err, "no PEM private key"));

	snprintf(conf, sizeof(conf), "role map-resolver\n"
	    "ddt-root " ROOT " key \"%s/missing.pub\"\n", dir);
	assert_null(c = conf_load_buf("t.conf", conf, strlen(conf), err, sizeof(err)));
	assert_non_null(strstr(err, "t.conf:2: ddt-root key"));
	assert_non_null(strstr(err, "No such file"));

	snprintf(conf, sizeof(conf), "role map-resolver\n"
	    "ddt-root " ROOT "\n"
	    "ddt-signing-key \"%s/ms.pem\"\n", dir);
	assert_null(c = conf_load_buf("t.conf", conf, strlen(conf), err, sizeof(err)));
	assert_non_null(strstr(err, "t.conf:3: ddt-signing-key needs role ddt-node"));

	/* 8 RLOCs with a 2048-bit key do not fit a Map-Referral */
	snprintf(conf, sizeof(conf), "role ddt-node\n"
	    "ddt-delegation 198.18.1.0/24 node 192.0.2.1 192.0.2.2 192.0.2.3 "
	    "192.0.2.4 192.0.2.5 192.0.2.6 key \"%s/root.pub\"\n", dir);
	assert_null(c = conf_load_buf("t.conf", conf, strlen(conf), err, sizeof(err)));
	assert_non_null(strstr(err, "larger than 2048 octets"));

	/* relative to the config file's directory */
	snprintf(conf, sizeof(conf), "role ddt-node\n"
	    "ddt-signing-key \"root.pem\"\n"
	    "ddt-delegation 198.18.1.0/24 node 192.0.2.1 key \"node.pub\"\n");
	snprintf(name, sizeof(name), "%s/t.conf", dir);
	assert_non_null(c = conf_load_buf(name, conf, strlen(conf), err, sizeof(err)));
	assert_non_null(c->ddt_sign_key);
	assert_non_null(TAILQ_FIRST(&c->ddt_delegs)->key);
	conf_free(c);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(test_node_signs, teardown),
		cmocka_unit_test_teardown(test_ms_signs, teardown),
		cmocka_unit_test_setup_teardown(test_dr_chain, setup_dr, teardown),
		cmocka_unit_test_setup_teardown(test_dr_unkeyed_child, setup_dr, teardown),
		cmocka_unit_test(test_conf_keys),
	};

	return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
