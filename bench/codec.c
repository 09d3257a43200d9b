/* codec benchmark: decode and encode every message type in a tight loop
 * for a bounded time each, printing ops/s, ns/op and the ratio to a memcpy
 * of the same octets measured in the same run. sample packets are built
 * with the encoders.
 *
 * usage: codec [-t seconds-per-case] */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "addr.h"
#include "auth.h"
#include "buf.h"
#include "msg.h"

#define PKT_MAX		1500
#define BATCH		1024

struct sample {
	uint8_t		 p[PKT_MAX];
	size_t		 len;
};

/* the message kinds, in the order their samples are built */
enum kind { K_REQ, K_REP, K_REG, K_NOT, K_ECM, K_REF, K_INFO, K_DATA, K_MAX };

/* zeroed (static): the builders fill only what they need */
struct ctx {
	struct sample		 sample[K_MAX];
	struct lisp_map_request	 mreq;
	struct lisp_map_reply	 mrep;
	struct lisp_map_register mreg, mnot;
	struct lisp_map_referral mref;
	struct lisp_info	 info_msg;
	struct lisp_data_hdr	 dh;
	struct lisp_record	 rec, ref_rec;
	struct lisp_rloc	 rloc[2];
	struct lisp_eid_prefix	 eid;
	struct lisp_addr	 ecm_src, ecm_dst;
	uint8_t			 out[PKT_MAX];
	struct auth_key		*key;		/* "password", prepared once */
	uint64_t		 sink;
	union {				/* what the decoders fill */
		struct lisp_map_request	 req;
		struct lisp_map_reply	 rep;
		struct lisp_map_register reg;
		struct lisp_ecm		 ecm;
		struct lisp_map_referral ref;
		struct lisp_info	 info;
		struct lisp_data_hdr	 dh;
	}			 dec;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void
v4(struct lisp_addr *a, uint8_t x, uint8_t y, uint8_t z, uint8_t w)
{
	const uint8_t b[4] = { x, y, z, w };

	addr_set_v4(a, b);
}

static void
die(const char *what)
{
	fprintf(stderr, "codec: %s\n", what);
	exit(1);
}

/* ---- the message kinds: how to write one and how to read one ---- */

static void
put_records(struct wbuf *w, const struct lisp_record *rec,
    const struct lisp_rloc *rloc)
{
	record_encode(w, rec);
	rloc_encode(w, &rloc[0]);
	rloc_encode(w, &rloc[1]);
}

static void
build_msg(struct ctx *c, enum kind k, struct wbuf *w)
{
	switch (k) {
	case K_REQ:
		map_request_encode_hdr(w, &c->mreq);
		mreq_record_encode(w, &c->eid);
		map_request_encode_trailer(w, &c->mreq);
		break;
	case K_REP:
		map_reply_encode_hdr(w, &c->mrep);
		put_records(w, &c->rec, c->rloc);
		break;
	case K_REG:
	case K_NOT:
		map_register_encode_hdr(w, k == K_REG ? &c->mreg : &c->mnot);
		put_records(w, &c->rec, c->rloc);
		map_register_encode_trailer(w, k == K_REG ? &c->mreg : &c->mnot);
		break;
	case K_ECM:
		/* includes the IPv4 header and UDP checksums */
		ecm_encode(w, 0, &c->ecm_src, &c->ecm_dst, 61000,
		    LISP_CONTROL_PORT, c->sample[K_REQ].p, c->sample[K_REQ].len);
		break;
	case K_REF:
		map_referral_encode_hdr(w, &c->mref);
		put_records(w, &c->ref_rec, c->rloc);
		break;
	case K_INFO:
		info_encode(w, &c->info_msg);
		break;
	default:
		data_hdr_encode(w, &c->dh);
		break;
	}
}

/* decode into c->dec and fold a few fields into the sink */
static int
decode_msg(struct ctx *c, enum kind k, struct rbuf *b, struct msg_err *err)
{
	const char *why = "";
	int rc;

	switch (k) {
	case K_REQ:
		rc = map_request_decode(b, &c->dec.req, err);
		c->sink += c->dec.req.nonce + c->dec.req.nrecords;
		break;
	case K_REP:
		rc = map_reply_decode(b, &c->dec.rep, err);
		c->sink += c->dec.rep.nonce + c->dec.rep.nrecords;
		break;
	case K_REG:
	case K_NOT:
		rc = map_register_decode(b, &c->dec.reg, err);
		c->sink += c->dec.reg.nonce +
		    (k == K_REG ? c->dec.reg.site_id : 0);
		break;
	case K_ECM:
		rc = ecm_decode(b, &c->dec.ecm, err);
		c->sink += c->dec.ecm.sport + c->dec.ecm.inner.len;
		break;
	case K_REF:
		rc = map_referral_decode(b, &c->dec.ref, err);
		c->sink += c->dec.ref.nonce;
		break;
	case K_INFO:
		rc = info_decode(b, &c->dec.info, err);
		c->sink += c->dec.info.nonce;
		break;
	default:
		if ((rc = data_hdr_decode(b, &c->dec.dh, &why)) == -1)
			msg_err_set(err, why, 0, 0);
		c->sink += c->dec.dh.nonce + c->dec.dh.iid;
		break;
	}
	return rc;
}

static const char *const kind_names[K_MAX] = {
	"Map-Request", "Map-Reply", "Map-Register", "Map-Notify", "ECM",
	"Map-Referral", "Info-Request", "data header",
};

/* ---- sample messages, built with the encoders ---- */

static void
build_samples(struct ctx *c)
{
	struct lisp_map_request *q = &c->mreq;
	struct lisp_map_register *g = &c->mreg, *n = &c->mnot;
	struct lisp_info *in = &c->info_msg;
	struct lisp_data_hdr *d = &c->dh;
	struct wbuf w;
	char what[64];
	int k;

	/* one EID-record 198.18.1.0/24 with two locators, shared by
	 * Map-Reply, Map-Register, Map-Notify and Map-Referral (ms-ack) */
	c->rec.ttl = 1440;
	c->rec.nrlocs = 2;
	c->rec.eid_mlen = 24;
	c->rec.auth = 1;
	v4(&c->rec.eid, 198, 18, 1, 0);
	c->ref_rec = c->rec;
	c->ref_rec.act = REF_MS_ACK;
	c->rloc[0].priority = 1;
	c->rloc[0].weight = 50;
	c->rloc[0].mpriority = 255;
	c->rloc[0].flags = RLOC_L | RLOC_R;
	v4(&c->rloc[0].addr, 203, 0, 113, 1);
	c->rloc[1] = c->rloc[0];
	c->rloc[1].flags = RLOC_R;
	v4(&c->rloc[1].addr, 203, 0, 113, 2);

	/* Map-Request: Source-EID, one ITR-RLOC, one record */
	q->nonce = 0x0123456789abcdefULL;
	v4(&q->seid, 198, 18, 2, 1);
	q->nitr = 1;
	v4(&q->itr[0], 198, 51, 100, 1);
	q->nrecords = 1;
	c->eid.mlen = 32;
	v4(&c->eid.eid, 198, 18, 1, 7);

	c->mrep.nonce = q->nonce;
	c->mrep.nrecords = 1;

	/* Map-Register with xTR-ID/Site-ID, HMAC-SHA-256 */
	g->type = LISP_MAP_REGISTER;
	g->flags = MREG_P | MREG_M;
	g->nonce = 7;
	g->alg_id = ALG_HMAC_SHA256_128;
	g->auth_len = 32;
	g->nrecords = 1;
	g->has_ids = 1;
	memset(g->xtr_id, 0xab, XTR_ID_LEN);
	g->site_id = 42;

	/* Map-Notify (HMAC-SHA-1), no trailer */
	*n = *g;
	n->type = LISP_MAP_NOTIFY;
	n->flags = 0;
	n->alg_id = ALG_HMAC_SHA1_96;
	n->auth_len = 20;
	n->has_ids = 0;

	/* ECM around the Map-Request, IPv4 inner header */
	v4(&c->ecm_src, 198, 18, 2, 1);
	v4(&c->ecm_dst, 198, 18, 1, 7);

	/* Map-Referral: one ms-ack record with two referral locators */
	c->mref.nonce = 9;
	c->mref.nrecords = 1;

	/* Info-Request, HMAC-SHA-1 sized auth field */
	in->nonce = 11;
	in->key_id = ALG_HMAC_SHA1_96;
	in->auth_len = 20;
	in->ttl = 1440;
	in->eid_mlen = 24;
	v4(&in->eid, 198, 18, 1, 0);
	addr_set_none(&in->nat);

	/* data header: N and I bits */
	d->flags = LD_N | LD_I;
	d->nonce = 0xabcdef;
	d->iid = 1000;
	d->lsb = 0x3;

	for (k = 0; k < K_MAX; k++) {
		wbuf_init(&w, c->sample[k].p, PKT_MAX);
		build_msg(c, (enum kind)k, &w);
		snprintf(what, sizeof(what), "cannot build %s", kind_names[k]);
		if (w.err)
			die(what);
		c->sample[k].len = w.len;
	}
	if (auth_sign(g->alg_id, "password", 8, c->sample[K_REG].p,
	    c->sample[K_REG].len, MREG_AUTH_OFF, g->auth_len) == -1 ||
	    auth_sign(n->alg_id, "password", 8, c->sample[K_NOT].p,
	    c->sample[K_NOT].len, MREG_AUTH_OFF, n->auth_len) == -1)
		die("cannot sign Map-Register/Map-Notify");
	if ((c->key = auth_key_new(ALG_HMAC_SHA256_128, "password", 8)) == NULL)
		die("cannot prepare the key");
}

/* ---- operations: each returns the octets it handled ---- */

static size_t
op_decode(struct ctx *c, enum kind k)
{
	struct rbuf b;
	struct msg_err err;
	char why[MSG_ERR_LEN];

	rbuf_init(&b, c->sample[k].p, c->sample[k].len);
	if (decode_msg(c, k, &b, &err) == -1) {
		fprintf(stderr, "codec: %s decode: %s\n", kind_names[k],
		    msg_err_str(&err, why, sizeof(why)));
		exit(1);
	}
	return c->sample[k].len;
}

static size_t
op_encode(struct ctx *c, enum kind k)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	build_msg(c, k, &w);
	c->sink += w.len;
	return w.len;
}

/* what an ITR does: decode, then walk the record and its locators */
static size_t
op_decode_walk(struct ctx *c, enum kind k)
{
	struct lisp_record rec;
	struct lisp_rloc rl;
	struct rbuf recs;
	size_t len = op_decode(c, k);

	recs = c->dec.rep.records;
	while (record_next(&recs, &rec) == 1) {
		c->sink += rec.ttl;
		while (rloc_next(&rec.rlocs, &rl) == 1)
			c->sink += rl.priority + rl.addr.u.v4[3];
	}
	return len;
}

static size_t
op_sign(struct ctx *c, enum kind k)
{
	size_t len = op_encode(c, k);

	if (auth_sign(ALG_HMAC_SHA256_128, "password", 8, c->out, len,
	    MREG_AUTH_OFF, 32) == -1)
		die("sign");
	return len;
}

/* the same with the key's HMAC states prepared once (what the daemons
 * do with a configured key) */
static size_t
op_sign_key(struct ctx *c, enum kind k)
{
	size_t len = op_encode(c, k);

	if (auth_key_sign(c->key, c->out, len, MREG_AUTH_OFF, 32) == -1)
		die("sign");
	return len;
}

static size_t
op_verify_key(struct ctx *c, enum kind k)
{
	if (auth_key_verify(c->key, c->sample[k].p, c->sample[k].len, MREG_AUTH_OFF, 32) != 1)
		die("verify");
	return c->sample[k].len;
}

static size_t
op_verify(struct ctx *c, enum kind k)
{
	if (auth_verify(ALG_HMAC_SHA256_128, "password", 8, c->sample[k].p,
	    c->sample[k].len, MREG_AUTH_OFF, 32) != 1)
		die("verify");
	return c->sample[k].len;
}

struct bcase {
	const char	*name;
	enum kind	 kind;
	size_t		(*op)(struct ctx *, enum kind);
	double		 target;	/* ops/s, 0 for none */
};

static const struct bcase cases[] = {
	{ "Map-Request decode", K_REQ, op_decode, 5e6 },
	{ "Map-Request encode", K_REQ, op_encode, 0 },
	{ "Map-Reply decode", K_REP, op_decode, 0 },
	{ "Map-Reply decode+walk", K_REP, op_decode_walk, 0 },
	{ "Map-Reply encode (1 rec, 2 loc)", K_REP, op_encode, 2e6 },
	{ "Map-Register decode", K_REG, op_decode, 0 },
	{ "Map-Register encode", K_REG, op_encode, 0 },
	{ "Map-Register encode+sign sha256", K_REG, op_sign, 0 },
	{ "Map-Register verify sha256", K_REG, op_verify, 0 },
	{ "Map-Register encode+sign sha256, key ready", K_REG, op_sign_key, 0 },
	{ "Map-Register verify sha256, key ready", K_REG, op_verify_key, 0 },
	{ "Map-Notify decode", K_NOT, op_decode, 0 },
	{ "Map-Notify encode", K_NOT, op_encode, 0 },
	{ "ECM decode", K_ECM, op_decode, 0 },
	{ "ECM encode (+ip/udp cksum)", K_ECM, op_encode, 0 },
	{ "Map-Referral decode", K_REF, op_decode, 0 },
	{ "Map-Referral encode", K_REF, op_encode, 0 },
	{ "Info-Request decode", K_INFO, op_decode, 0 },
	{ "Info-Request encode", K_INFO, op_encode, 0 },
	{ "data header decode", K_DATA, op_decode, 0 },
	{ "data header encode", K_DATA, op_encode, 0 },
};

static uint8_t copy_dst[PKT_MAX];

/* n memcpys of len octets that the compiler must perform */
static double
memcpy_time(const uint8_t *src, size_t len, unsigned long n)
{
	double t0 = now();
	unsigned long i;

	for (i = 0; i < n; i++) {
		memcpy(copy_dst, src, len);
		__asm__ __volatile__("" : : "r"(copy_dst), "r"(src) : "memory");
	}
	return now() - t0;
}

int
main(int argc, char **argv)
{
	static struct ctx c;
	const struct bcase *bc;
	volatile uint64_t sink;
	double secs = 0.3, t0, dt, dm, rate;
	unsigned long n, i;
	size_t k, len = 0;
	int ch;

	while ((ch = getopt(argc, argv, "t:")) != -1) {
		switch (ch) {
		case 't':
			secs = atof(optarg);
			break;
		default:
			fprintf(stderr, "usage: codec [-t seconds]\n");
			return 2;
		}
	}
	build_samples(&c);
	printf("%-44s %6s %12s %9s %9s %s\n", "codec case", "octets",
	    "ops/s", "ns/op", "x memcpy", "target");
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bc = &cases[k];
		n = 0;
		t0 = now();
		do {
			for (i = 0; i < BATCH; i++)
				len = bc->op(&c, bc->kind);
			n += BATCH;
		} while ((dt = now() - t0) < secs);
		dm = memcpy_time(c.out, len, n);
		rate = (double)n / dt;
		printf("%-44s %6zu %12.0f %9.1f %9.1f", bc->name, len, rate,
		    dt / (double)n * 1e9, dm > 0 ? dt / dm : 0.0);
		if (bc->target > 0) {
			printf(" >= %.0fM/s: %s", bc->target / 1e6,
			    rate >= bc->target ? "met" : "NOT met");
		}
		printf("\n");
	}
	sink = c.sink;
	(void)sink;
	printf("(x memcpy: time of the operation / time of a memcpy of the same "
	    "octets, same run)\n");
	return 0;
}
