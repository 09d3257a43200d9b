/* bench/lispsec: what each LISP-SEC (RFC 9303) operation of lib/lispsec.c
 * costs per call, and what the Map-Server pays per protected Map-Request
 * (locid/lsec.c: open the request, then sign the answer or build the
 * forward), with the process's crypto context as the daemon uses it.
 *
 * Two baselines measured in the same run: one SHA-256 of 64 octets
 * through EVP (a fetched EVP_MD and a reused EVP_MD_CTX), and the plain
 * decode of the ECM Map-Request bench/msmr sends (ecm_decode and
 * map_request_decode). Each case runs for a bounded time in several
 * rounds; it prints the min and the median of the rounds in us per call
 * and the median's ratio to each baseline. A call that fails stops the
 * bench: a fast failure is no figure.
 *
 * Then the floor of the Map-Server's work: within one HMAC or HKDF each
 * SHA-256 compression needs the one before it (HKDF's PRK keys the
 * expand, an inner digest feeds the outer one, the EID HMAC is inside the
 * message the PKT HMAC covers), and so does each AES block of a key wrap
 * (RFC 3394); the EID HMAC, the MS-OTK and the ETR's per-msg-key need
 * nothing of each other and run interleaved (hmac.h lanes: 26 ns a
 * compression against 40 chained), which the floor does not count. the
 * cases are measured against chains of compressions
 * (SHA256_Transform, each on the last one's state) and of AES blocks
 * (EVP_Cipher on the last one's output) and re-keys: the compressions of
 * a case counted from its lengths (RFC 9303 with errata 7423, RFC 5869,
 * RFC 2104: no salt is a prepared key, a 16-octet key's ipad and opad
 * states two blocks, a message of L octets after them (L + 9) / 64 blocks
 * rounded up, the outer digest one) and the ratio of the case to its
 * floor printed.
 *
 * usage: lispsec [-t seconds-per-case] [-r rounds] [-c] [-o substring]
 *        -c: also the calls without a crypto context; -o: only the cases
 *        whose name has substring (and the baselines), for perf */
#define OPENSSL_SUPPRESS_DEPRECATED	/* SHA256_Transform: the chain's step */
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "bench.h"
#include "lispsec.h"
#include "lsec.h"
#include "msg.h"

#define PKT_MAX		512
#define PSK		"bench-otk-s3cret"
#define SITE_PSK	"bench-s3cret"
#define NONCE		0x0123456789abcdefULL
#define ROUNDS_MAX	32

struct fix {
	struct ls_crypto	*cr;
	EVP_MD			*sha256;
	EVP_MD_CTX		*mdctx;
	uint8_t			 blk[64];
	SHA256_CTX		 chain;		/* the chained compressions */
	EVP_CIPHER		*ecb;
	EVP_CIPHER_CTX		*aes[2];	/* decrypt, encrypt: chained blocks */
	uint8_t			 ablk[16], akey[16];
	/* the plain ECM Map-Request and the protected one */
	uint8_t			 plain[PKT_MAX], prot[2][PKT_MAX];
	size_t			 plain_len, prot_len[2];
	/* two protected requests (nonces NONCE, NONCE + 1) taken in turn
	 * (ms_open_next) */
	struct lisp_ecm		 ecm[2];
	int			 turn;
	struct conf		 conf;		/* one lisp-sec-key */
	struct conf_key		 site;
	struct lsec_req		 req;
	/* keys and signed pieces the verifiers check */
	uint8_t			 otk[LS_OTK_LEN], ms_otk[LS_OTK_LEN];
	uint8_t			 wrapped[LS_WRAPPED_LEN];
	struct ls_prefix	 pfx;
	uint8_t			 eidad[128];
	size_t			 eidlen;
	struct ls_eid_ad	 ea;
	uint8_t			 rep0[PKT_MAX];	/* the unsigned Map-Reply */
	size_t			 rep0_len;
	uint8_t			 rep[PKT_MAX];	/* signed */
	size_t			 rep_len;
	struct ls_reply_ad	 rad;
	uint8_t			 out[PKT_MAX];
	uint64_t		 sink;
};

static void
die(const char *what)
{
	fprintf(stderr, "lispsec: %s failed\n", what);
	exit(1);
}

/* ---- the operations: each returns 0, -1 on failure ---- */

static int
op_sha256(struct fix *f)
{
	unsigned n;

	if (EVP_DigestInit_ex(f->mdctx, f->sha256, NULL) != 1 ||
	    EVP_DigestUpdate(f->mdctx, f->blk, sizeof(f->blk)) != 1 ||
	    EVP_DigestFinal_ex(f->mdctx, f->out, &n) != 1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

/* the floor's steps: each on the result of the one before */
static int
op_sha_chain(struct fix *f)
{
	SHA256_Transform(&f->chain, f->blk);
	return 0;
}

static int
op_aes_dec_chain(struct fix *f)
{
	return EVP_Cipher(f->aes[0], f->ablk, f->ablk, 16) > 0 ? 0 : -1;
}

static int
op_aes_enc_chain(struct fix *f)
{
	return EVP_Cipher(f->aes[1], f->ablk, f->ablk, 16) > 0 ? 0 : -1;
}

static int
op_aes_rekey(struct fix *f)
{
	f->akey[0]++;
	return EVP_CipherInit_ex2(f->aes[0], NULL, f->akey, NULL, -1, NULL) == 1 ?
	    0 : -1;
}

static int
op_parse(struct fix *f)
{
	struct lisp_ecm ecm;
	struct lisp_map_request mr;
	struct rbuf b;

	rbuf_init(&b, f->plain, f->plain_len);
	if (ecm_decode(&b, &ecm, NULL) == -1 ||
	    map_request_decode(&ecm.inner, &mr, NULL) == -1)
		return -1;
	f->sink += mr.nonce;
	return 0;
}

static int
op_kdf(struct fix *f)
{
	if (ls_kdf(f->cr, LS_KDF_HKDF_SHA256, f->otk, LS_OTK_LEN, f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_kdf_noctx(struct fix *f)
{
	if (ls_kdf(NULL, LS_KDF_HKDF_SHA256, f->otk, LS_OTK_LEN, f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_kw(struct fix *f)
{
	if (ls_aes_kw(f->cr, 1, f->ms_otk, f->otk, LS_OTK_LEN, f->out,
	    LS_WRAPPED_LEN) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_wrap(struct fix *f)
{
	if (ls_otk_wrap(f->cr, PSK, strlen(PSK), NONCE, f->otk, f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_unwrap(struct fix *f)
{
	if (ls_otk_unwrap(f->cr, PSK, strlen(PSK), NONCE, f->wrapped,
	    f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_unwrap_noctx(struct fix *f)
{
	if (ls_otk_unwrap(NULL, PSK, strlen(PSK), NONCE, f->wrapped,
	    f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

static int
op_eid_sign(struct fix *f)
{
	struct wbuf w;

	wbuf_init(&w, f->out, sizeof(f->out));
	if (ls_eid_ad_encode(f->cr, &w, LS_KDF_HKDF_SHA256, 0,
	    LS_HMAC_SHA256_128, &f->pfx, 1, f->otk) == 0)
		return -1;
	f->sink += f->out[w.len - 1];
	return 0;
}

static int
op_eid_verify(struct fix *f)
{
	return ls_eid_ad_verify(f->cr, &f->ea, f->otk) ? 0 : -1;
}

static int
op_pkt_sign(struct fix *f)
{
	struct wbuf w;

	memcpy(f->out, f->rep0, f->rep0_len);
	wbuf_init(&w, f->out, sizeof(f->out));
	w.len = f->rep0_len;
	ls_reply_ad_encode(f->cr, &w, f->eidad, f->eidlen, LS_HMAC_SHA256_128,
	    f->ms_otk);
	if (w.err)
		return -1;
	f->sink += f->out[w.len - 1];
	return 0;
}

static int
op_pkt_verify(struct fix *f)
{
	struct rbuf m;

	rbuf_init(&m, f->rep, f->rep_len);
	return ls_pkt_ad_verify(f->cr, &m, &f->rad, f->ms_otk) ? 0 : -1;
}

static int
op_otk_new(struct fix *f)
{
	if (ls_otk_new(f->out) == -1)
		return -1;
	f->sink += f->out[0];
	return 0;
}

/* the Map-Server's share of a protected request, as ms.c / mr.c call it.
 * the next of the two requests opened: lsec.c keeps the last open, and
 * each open here must be a new one */
static int
ms_open_next(struct fix *f)
{
	const char *why;

	f->turn ^= 1;
	return lsec_req_open(&f->conf, &f->ecm[f->turn], NONCE + (uint64_t)f->turn,
	    &f->req, &why) == 1 ? 0 : -1;
}

static int
op_ms_open(struct fix *f)
{
	if (ms_open_next(f) == -1)
		return -1;
	f->sink += f->req.itr_otk[0];
	return 0;
}

static int
op_ms_proxy(struct fix *f)
{
	size_t n;

	if (ms_open_next(f) == -1)
		return -1;
	memcpy(f->out, f->rep0, f->rep0_len);
	if ((n = lsec_reply_sign(&f->req, f->out, f->rep0_len, sizeof(f->out),
	    &f->pfx, 1, 0)) == 0)
		return -1;
	f->sink += f->out[n - 1];
	return 0;
}

static int
op_ms_forward(struct fix *f)
{
	size_t n;

	if (ms_open_next(f) == -1)
		return -1;
	if ((n = lsec_forward_build(&f->req, &f->ecm[f->turn], ECM_E, &f->site,
	    &f->pfx, 1, 0, f->out, sizeof(f->out))) == 0)
		return -1;
	f->sink += f->out[n - 1];
	return 0;
}

struct kase {
	const char	*name;
	int		 (*fn)(struct fix *);
	int		 noctx;		/* only with -c */
};

static const struct kase kases[] = {
	{ "baseline: sha256 of 64 octets (EVP)", op_sha256, 0 },
	{ "baseline: plain ecm map-request decode", op_parse, 0 },
	{ "sha256 compression, chained", op_sha_chain, 0 },
	{ "aes-128 block decrypt, chained (EVP)", op_aes_dec_chain, 0 },
	{ "aes-128 block encrypt, chained (EVP)", op_aes_enc_chain, 0 },
	{ "aes-128 re-key, decrypt (EVP)", op_aes_rekey, 0 },
	{ "ls_kdf (hkdf-sha256 of an otk)", op_kdf, 0 },
	{ "ls_kdf, no context", op_kdf_noctx, 1 },
	{ "ls_aes_kw (wrap 16 octets)", op_kw, 0 },
	{ "ls_otk_wrap (msg key + key wrap)", op_wrap, 0 },
	{ "ls_otk_unwrap (msg key + key unwrap)", op_unwrap, 0 },
	{ "ls_otk_unwrap, no context", op_unwrap_noctx, 1 },
	{ "ls_eid_ad_encode (1 prefix, sign)", op_eid_sign, 0 },
	{ "ls_eid_ad_verify", op_eid_verify, 0 },
	{ "ls_reply_ad_encode (pkt-ad sign)", op_pkt_sign, 0 },
	{ "ls_pkt_ad_verify", op_pkt_verify, 0 },
	{ "ls_otk_new (RAND_bytes)", op_otk_new, 0 },
	{ "ms: lsec_req_open", op_ms_open, 0 },
	{ "ms: open + proxy reply signed", op_ms_proxy, 0 },
	{ "ms: open + forward re-signed", op_ms_forward, 0 },
};
#define NKASES	(sizeof(kases) / sizeof(kases[0]))

/* ---- the fixtures, made with the same calls the daemon makes ---- */

static void
setup(struct fix *f)
{
	struct lisp_map_reply	 rep;
	struct lisp_record	 rec;
	struct lisp_rloc	 loc;
	struct lisp_addr	 src, eid;
	struct lsec_otks	*otks = NULL;
	struct msg_err		 err;
	struct rbuf		 b;
	struct wbuf		 w;
	const char		*why;
	size_t			 i;

	if ((f->cr = lsec_crypto()) == NULL)
		die("lsec_crypto");
	if ((f->sha256 = EVP_MD_fetch(NULL, "SHA256", NULL)) == NULL ||
	    (f->mdctx = EVP_MD_CTX_new()) == NULL)
		die("EVP_MD_fetch");
	memset(f->blk, 0x5c, sizeof(f->blk));
	SHA256_Init(&f->chain);
	if ((f->ecb = EVP_CIPHER_fetch(NULL, "AES-128-ECB", NULL)) == NULL ||
	    (f->aes[0] = EVP_CIPHER_CTX_new()) == NULL ||
	    (f->aes[1] = EVP_CIPHER_CTX_new()) == NULL ||
	    EVP_CipherInit_ex2(f->aes[0], f->ecb, f->akey, NULL, 0, NULL) != 1 ||
	    EVP_CipherInit_ex2(f->aes[1], f->ecb, f->akey, NULL, 1, NULL) != 1)
		die("AES-128-ECB");

	/* the ECM Map-Request of bench/msmr: one record, one ITR-RLOC */
	addr_parse(&src, "127.0.0.10");
	addr_parse(&eid, "10.0.1.5");
	if ((f->plain_len = bench_ecm_request(f->plain, sizeof(f->plain), NONCE,
	    &src, &eid, 40000)) == 0)
		die("ecm_encode");

	/* protected as an ITR does it */
	f->conf.nlskeys = 1;
	f->conf.lskeys[0].key_id = 1;
	f->conf.lskeys[0].secret = (char *)PSK;
	f->site.key_id = 0;
	f->site.secret = (char *)SITE_PSK;
	for (i = 0; i < 2; i++) {
		memcpy(f->prot[i], f->plain, f->plain_len);
		if ((f->prot_len[i] = lsec_itr_protect(&otks, &f->conf, f->prot[i],
		    f->plain_len, sizeof(f->prot[i]), NONCE + (uint64_t)i, 0,
		    &why)) == 0)
			die("lsec_itr_protect");
		rbuf_init(&b, f->prot[i], f->prot_len[i]);
		if (ecm_decode(&b, &f->ecm[i], &err) == -1)
			die("ecm_decode");
	}
	if (lsec_otk_get(otks, NONCE, f->otk, 0) == -1)
		die("lsec_otk_get");
	lsec_otks_free(otks);
	if (ls_kdf(f->cr, LS_KDF_HKDF_SHA256, f->otk, LS_OTK_LEN, f->ms_otk) == -1 ||
	    ls_otk_wrap(f->cr, PSK, strlen(PSK), NONCE, f->otk, f->wrapped) == -1)
		die("ls_kdf");

	/* the EID-AD the MS signs, decoded as a verifier sees it */
	addr_parse(&f->pfx.eid, "10.0.1.0");
	f->pfx.mlen = 24;
	wbuf_init(&w, f->eidad, sizeof(f->eidad));
	if ((f->eidlen = ls_eid_ad_encode(f->cr, &w, LS_KDF_HKDF_SHA256, 0,
	    LS_HMAC_SHA256_128, &f->pfx, 1, f->otk)) == 0)
		die("ls_eid_ad_encode");

	/* a Map-Reply of one record with two locators, unsigned and signed */
	memset(&rep, 0, sizeof(rep));
	rep.flags = MREP_S;	/* ls_reply_ad_encode expects it set */
	rep.nonce = NONCE;
	rep.nrecords = 1;
	wbuf_init(&w, f->rep0, sizeof(f->rep0));
	map_reply_encode_hdr(&w, &rep);
	memset(&rec, 0, sizeof(rec));
	rec.ttl = 1440;
	rec.nrlocs = 2;
	rec.eid_mlen = 24;
	rec.auth = 1;
	rec.eid = f->pfx.eid;
	record_encode(&w, &rec);
	memset(&loc, 0, sizeof(loc));
	loc.priority = 1;
	loc.weight = 50;
	loc.flags = RLOC_R;
	addr_parse(&loc.addr, "127.0.0.2");
	rloc_encode(&w, &loc);
	addr_parse(&loc.addr, "127.0.0.3");
	rloc_encode(&w, &loc);
	if (w.err)
		die("map-reply encode");
	f->rep0_len = w.len;
	memcpy(f->rep, f->rep0, f->rep0_len);
	wbuf_init(&w, f->rep, sizeof(f->rep));
	w.len = f->rep0_len;
	ls_reply_ad_encode(f->cr, &w, f->eidad, f->eidlen, LS_HMAC_SHA256_128,
	    f->ms_otk);
	if (w.err)
		die("ls_reply_ad_encode");
	f->rep_len = w.len;
	{
		struct lisp_map_reply d;

		rbuf_init(&b, f->rep, f->rep_len);
		if (map_reply_decode(&b, &d, &err) == -1)
			die("map_reply_decode");
		rbuf_init(&b, f->rep, f->rep_len);
		if (ls_reply_ad_decode(&b, &d.sec, &f->rad, &err) == -1)
			die("ls_reply_ad_decode");
		f->ea = f->rad.eid;
	}
	/* every case once: all of them must succeed */
	{
		for (i = 0; i < NKASES; i++)
			if (kases[i].fn(f) == -1)
				die(kases[i].name);
	}
}

/* SHA-256 compressions of an HMAC with prepared key states over len
 * octets: the message's blocks, its padding, the outer digest's block */
static int
mac_blocks(size_t len)
{
	return (int)((len + 9 + 63) / 64) + 1;
}

/* of HKDF-SHA256 of ikm octets, no salt (prepared), one output block:
 * extract, the PRK's two key states, expand of 0x01 */
static int
hkdf_blocks(size_t ikm)
{
	return mac_blocks(ikm) + 2 + mac_blocks(1);
}

static size_t
kase_of(int (*fn)(struct fix *))
{
	size_t i;

	for (i = 0; i < NKASES; i++)
		if (kases[i].fn == fn)
			break;
	return i;
}

/* the two baselines always, the others as asked */
static int
wanted(const struct kase *c, size_t i, int all, const char *only)
{
	if (i < 2)
		return 1;
	if (only != NULL)
		return strstr(c->name, only) != NULL;
	return all || !c->noctx;
}

static int
dcmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* us per call of one round of about secs seconds */
static double
round_us(struct fix *f, int (*fn)(struct fix *), double secs)
{
	double t0 = now_s(), t;
	size_t n = 0, i;

	do {
		for (i = 0; i < 256; i++)
			if (fn(f) == -1)
				die("a call");
		n += 256;
	} while ((t = now_s()) - t0 < secs);
	return (t - t0) * 1e6 / (double)n;
}

int
main(int argc, char **argv)
{
	static struct fix f;
	double secs = 0.6, r[ROUNDS_MAX], med[NKASES], mn[NKASES];
	const char *only = NULL;
	int rounds = 5, all = 0, ch, k;
	size_t i;

	while ((ch = getopt(argc, argv, "t:r:co:")) != -1) {
		switch (ch) {
		case 't': secs = atof(optarg); break;
		case 'r': rounds = atoi(optarg); break;
		case 'c': all = 1; break;
		case 'o': only = optarg; break;
		default:
			fprintf(stderr, "usage: lispsec [-t seconds-per-case] "
			    "[-r rounds] [-c] [-o substring]\n");
			return 2;
		}
	}
	if (secs <= 0 || secs > 10 || rounds < 1 || rounds > ROUNDS_MAX) {
		fprintf(stderr, "lispsec: -t in (0, 10], -r in [1, %d]\n",
		    ROUNDS_MAX);
		return 2;
	}
	setup(&f);
	/* rounds interleaved across the cases: a slow moment of the
	 * machine lands on every case alike */
	{
		double (*all_r)[ROUNDS_MAX] = calloc(NKASES, sizeof(*all_r));

		if (all_r == NULL)
			die("calloc");
		for (k = 0; k < rounds; k++)
			for (i = 0; i < NKASES; i++)
				if (wanted(&kases[i], i, all, only))
					all_r[i][k] = round_us(&f, kases[i].fn,
					    secs / rounds);
		for (i = 0; i < NKASES; i++) {
			memcpy(r, all_r[i], sizeof(r));
			qsort(r, (size_t)rounds, sizeof(double), dcmp);
			mn[i] = r[0];
			med[i] = r[rounds / 2];
		}
		free(all_r);
	}
	printf("lispsec: %d rounds of %.2f s per case, %s\n", rounds,
	    secs / rounds, OpenSSL_version(OPENSSL_VERSION));
	printf("%-42s %9s %9s %9s %9s\n", "operation", "min us", "med us",
	    "/sha256", "/decode");
	for (i = 0; i < NKASES; i++) {
		if (!wanted(&kases[i], i, all, only))
			continue;
		printf("%-42s %9.3f %9.3f %9.2f %9.2f\n", kases[i].name, mn[i],
		    med[i], med[i] / med[0], med[i] / med[1]);
	}
	/* the crypto the MS adds to one protected request, against the 0.7
	 * budget: plain request cost p => crypto <= p * (1/0.7 - 1) */
	if (only == NULL) {
		double p = med[kase_of(op_ms_proxy)], w = med[kase_of(op_ms_forward)];

		printf("ms lisp-sec work per protected request: proxy %.2f us, "
		    "forward %.2f us (%.1f and %.1f plain decodes)\n", p, w,
		    p / med[1], w / med[1]);
	}
	/* the floor: the chained steps each case needs. the open: the
	 * per-msg-key (nonce | "OTK-Key-Wrap" | PSK), the unwrap (a key
	 * schedule, 12 blocks); the proxy reply: the MS-OTK (derived with
	 * the first answer, lsec.h), the EID HMAC and the PKT HMAC, each
	 * with a 16-octet key's two states; the forward: the MS-OTK, the
	 * EID HMAC, the ETR's per-msg-key and a wrap. the compressions
	 * that do not depend on each other run interleaved (hmac.h lanes),
	 * so a case can come in under its chained floor */
	if (only == NULL) {
		double sha = med[kase_of(op_sha_chain)],
		    dec = med[kase_of(op_aes_dec_chain)],
		    enc = med[kase_of(op_aes_enc_chain)],
		    key = med[kase_of(op_aes_rekey)], fo, fp, fw;
		int so = hkdf_blocks(8 + 12 + strlen(PSK)),
		    sp = so + hkdf_blocks(LS_OTK_LEN) + 2 + mac_blocks(f.eidlen) +
		    2 + mac_blocks(f.rep_len),
		    sw = so + hkdf_blocks(LS_OTK_LEN) + 2 + mac_blocks(f.eidlen) +
		    hkdf_blocks(8 + 12 + strlen(SITE_PSK));

		fo = so * sha + key + 12 * dec;
		fp = sp * sha + key + 12 * dec;
		fw = sw * sha + 2 * key + 12 * (dec + enc);
		printf("floor (chained steps): open %d compressions + unwrap "
		    "%.2f us, measured /floor %.2f; proxy %d + unwrap %.2f us, "
		    "%.2f; forward %d + unwrap + wrap %.2f us, %.2f\n", so, fo,
		    med[kase_of(op_ms_open)] / fo, sp, fp,
		    med[kase_of(op_ms_proxy)] / fp, sw, fw,
		    med[kase_of(op_ms_forward)] / fw);
	}
	if (f.sink == 42)
		printf("\n");
	return 0;
}
