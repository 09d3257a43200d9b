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

struct ctx {
	struct sample	 req, rep, reg, notify, ecm, ref, info, data;
	struct lisp_map_request	 mreq;
	struct lisp_map_reply	 mrep;
	struct lisp_map_register mreg, mnot;
	struct lisp_map_referral mref;
	struct lisp_info	 info_msg;
	struct lisp_data_hdr	 dh;
	struct lisp_record	 rec;
	struct lisp_rloc	 rloc[2];
	struct lisp_eid_prefix	 eid;
	struct lisp_addr	 ecm_src, ecm_dst;
	uint8_t			 out[PKT_MAX];
	uint64_t		 sink;
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

/* ---- sample messages, built with the encoders ---- */

static void
build_samples(struct ctx *c)
{
	struct wbuf w;
	struct lisp_map_request *q = &c->mreq;
	struct lisp_map_reply *r = &c->mrep;
	struct lisp_map_register *g = &c->mreg, *n = &c->mnot;
	struct lisp_map_referral *f = &c->mref;
	struct lisp_info *in = &c->info_msg;
	struct lisp_data_hdr *d = &c->dh;

	/* one EID-record 198.18.1.0/24 with two locators, shared by
	 * Map-Reply, Map-Register, Map-Notify and Map-Referral */
	memset(&c->rec, 0, sizeof(c->rec));
	c->rec.ttl = 1440;
	c->rec.nrlocs = 2;
	c->rec.eid_mlen = 24;
	c->rec.auth = 1;
	v4(&c->rec.eid, 198, 18, 1, 0);
	memset(c->rloc, 0, sizeof(c->rloc));
	c->rloc[0].priority = 1;
	c->rloc[0].weight = 50;
	c->rloc[0].mpriority = 255;
	c->rloc[0].flags = RLOC_L | RLOC_R;
	v4(&c->rloc[0].addr, 203, 0, 113, 1);
	c->rloc[1] = c->rloc[0];
	c->rloc[1].flags = RLOC_R;
	v4(&c->rloc[1].addr, 203, 0, 113, 2);

	/* Map-Request: Source-EID, one ITR-RLOC, one record */
	memset(q, 0, sizeof(*q));
	q->flags = 0;
	q->nonce = 0x0123456789abcdefULL;
	v4(&q->seid, 198, 18, 2, 1);
	q->nitr = 1;
	v4(&q->itr[0], 198, 51, 100, 1);
	q->nrecords = 1;
	memset(&c->eid, 0, sizeof(c->eid));
	c->eid.mlen = 32;
	v4(&c->eid.eid, 198, 18, 1, 7);
	wbuf_init(&w, c->req.p, PKT_MAX);
	map_request_encode_hdr(&w, q);
	mreq_record_encode(&w, &c->eid);
	map_request_encode_trailer(&w, q);
	if (w.err)
		die("cannot build Map-Request");
	c->req.len = w.len;

	/* Map-Reply */
	memset(r, 0, sizeof(*r));
	r->nonce = q->nonce;
	r->nrecords = 1;
	wbuf_init(&w, c->rep.p, PKT_MAX);
	map_reply_encode_hdr(&w, r);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	if (w.err)
		die("cannot build Map-Reply");
	c->rep.len = w.len;

	/* Map-Register with xTR-ID/Site-ID, HMAC-SHA-256 */
	memset(g, 0, sizeof(*g));
	g->type = LISP_MAP_REGISTER;
	g->flags = MREG_P | MREG_M;
	g->nonce = 7;
	g->alg_id = ALG_HMAC_SHA256_128;
	g->auth_len = 32;
	g->nrecords = 1;
	g->has_ids = 1;
	memset(g->xtr_id, 0xab, XTR_ID_LEN);
	g->site_id = 42;
	wbuf_init(&w, c->reg.p, PKT_MAX);
	map_register_encode_hdr(&w, g);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	map_register_encode_trailer(&w, g);
	if (w.err)
		die("cannot build Map-Register");
	c->reg.len = w.len;
	if (auth_sign(g->alg_id, "password", 8, c->reg.p, c->reg.len,
	    MREG_AUTH_OFF, g->auth_len) == -1)
		die("cannot sign Map-Register");

	/* Map-Notify (HMAC-SHA-1), no trailer */
	*n = *g;
	n->type = LISP_MAP_NOTIFY;
	n->flags = 0;
	n->alg_id = ALG_HMAC_SHA1_96;
	n->auth_len = 20;
	n->has_ids = 0;
	wbuf_init(&w, c->notify.p, PKT_MAX);
	map_register_encode_hdr(&w, n);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	map_register_encode_trailer(&w, n);
	if (w.err)
		die("cannot build Map-Notify");
	c->notify.len = w.len;
	if (auth_sign(n->alg_id, "password", 8, c->notify.p, c->notify.len,
	    MREG_AUTH_OFF, n->auth_len) == -1)
		die("cannot sign Map-Notify");

	/* ECM around the Map-Request, IPv4 inner header */
	v4(&c->ecm_src, 198, 18, 2, 1);
	v4(&c->ecm_dst, 198, 18, 1, 7);
	wbuf_init(&w, c->ecm.p, PKT_MAX);
	ecm_encode(&w, 0, &c->ecm_src, &c->ecm_dst, 61000, LISP_CONTROL_PORT,
	    c->req.p, c->req.len);
	if (w.err)
		die("cannot build ECM");
	c->ecm.len = w.len;

	/* Map-Referral: one ms-ack record with two referral locators */
	memset(f, 0, sizeof(*f));
	f->nonce = 9;
	f->nrecords = 1;
	wbuf_init(&w, c->ref.p, PKT_MAX);
	map_referral_encode_hdr(&w, f);
	c->rec.act = REF_MS_ACK;
	record_encode(&w, &c->rec);
	c->rec.act = 0;
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	if (w.err)
		die("cannot build Map-Referral");
	c->ref.len = w.len;

	/* Info-Request, HMAC-SHA-1 sized auth field */
	memset(in, 0, sizeof(*in));
	in->nonce = 11;
	in->key_id = ALG_HMAC_SHA1_96;
	in->auth_len = 20;
	in->ttl = 1440;
	in->eid_mlen = 24;
	v4(&in->eid, 198, 18, 1, 0);
	addr_set_none(&in->nat);
	wbuf_init(&w, c->info.p, PKT_MAX);
	info_encode(&w, in);
	if (w.err)
		die("cannot build Info-Request");
	c->info.len = w.len;

	/* data header: N and I bits */
	memset(d, 0, sizeof(*d));
	d->flags = LD_N | LD_I;
	d->nonce = 0xabcdef;
	d->iid = 1000;
	d->lsb = 0x3;
	wbuf_init(&w, c->data.p, PKT_MAX);
	data_hdr_encode(&w, d);
	if (w.err)
		die("cannot build data header");
	c->data.len = w.len;
}

/* ---- operations: each returns the octets it handled ---- */

static size_t
dec_request(struct ctx *c)
{
	struct lisp_map_request m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->req.p, c->req.len);
	if (map_request_decode(&b, &m, &why) == -1)
		die("Map-Request decode");
	c->sink += m.nonce + m.nrecords;
	return c->req.len;
}

static size_t
enc_request(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	map_request_encode_hdr(&w, &c->mreq);
	mreq_record_encode(&w, &c->eid);
	map_request_encode_trailer(&w, &c->mreq);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_reply(struct ctx *c)
{
	struct lisp_map_reply m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->rep.p, c->rep.len);
	if (map_reply_decode(&b, &m, &why) == -1)
		die("Map-Reply decode");
	c->sink += m.nonce + m.nrecords;
	return c->rep.len;
}

/* what an ITR does: decode, then walk the record and its locators */
static size_t
dec_reply_walk(struct ctx *c)
{
	struct lisp_map_reply m;
	struct lisp_record rec;
	struct lisp_rloc rl;
	struct rbuf b, recs;
	const char *why;

	rbuf_init(&b, c->rep.p, c->rep.len);
	if (map_reply_decode(&b, &m, &why) == -1)
		die("Map-Reply decode");
	recs = m.records;
	while (record_next(&recs, &rec) == 1) {
		c->sink += rec.ttl;
		while (rloc_next(&rec.rlocs, &rl) == 1)
			c->sink += rl.priority + rl.addr.u.v4[3];
	}
	return c->rep.len;
}

/* what a responder does: header, then the record and its locators */
static size_t
enc_reply(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	map_reply_encode_hdr(&w, &c->mrep);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_register(struct ctx *c)
{
	struct lisp_map_register m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->reg.p, c->reg.len);
	if (map_register_decode(&b, &m, &why) == -1)
		die("Map-Register decode");
	c->sink += m.nonce + m.site_id;
	return c->reg.len;
}

static size_t
enc_register(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	map_register_encode_hdr(&w, &c->mreg);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	map_register_encode_trailer(&w, &c->mreg);
	c->sink += w.len;
	return w.len;
}

static size_t
sign_register(struct ctx *c)
{
	size_t len = enc_register(c);

	if (auth_sign(ALG_HMAC_SHA256_128, "password", 8, c->out, len,
	    MREG_AUTH_OFF, 32) == -1)
		die("sign");
	return len;
}

static size_t
verify_register(struct ctx *c)
{
	if (auth_verify(ALG_HMAC_SHA256_128, "password", 8, c->reg.p,
	    c->reg.len, MREG_AUTH_OFF, 32) != 1)
		die("verify");
	return c->reg.len;
}

static size_t
dec_notify(struct ctx *c)
{
	struct lisp_map_register m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->notify.p, c->notify.len);
	if (map_register_decode(&b, &m, &why) == -1)
		die("Map-Notify decode");
	c->sink += m.nonce;
	return c->notify.len;
}

static size_t
enc_notify(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	map_register_encode_hdr(&w, &c->mnot);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	map_register_encode_trailer(&w, &c->mnot);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_ecm(struct ctx *c)
{
	struct lisp_ecm m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->ecm.p, c->ecm.len);
	if (ecm_decode(&b, &m, &why) == -1)
		die("ECM decode");
	c->sink += m.sport + m.inner.len;
	return c->ecm.len;
}

/* ECM encode includes the IPv4 header and UDP checksums */
static size_t
enc_ecm(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	ecm_encode(&w, 0, &c->ecm_src, &c->ecm_dst, 61000, LISP_CONTROL_PORT,
	    c->req.p, c->req.len);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_referral(struct ctx *c)
{
	struct lisp_map_referral m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->ref.p, c->ref.len);
	if (map_referral_decode(&b, &m, &why) == -1)
		die("Map-Referral decode");
	c->sink += m.nonce;
	return c->ref.len;
}

static size_t
enc_referral(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	map_referral_encode_hdr(&w, &c->mref);
	record_encode(&w, &c->rec);
	rloc_encode(&w, &c->rloc[0]);
	rloc_encode(&w, &c->rloc[1]);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_info(struct ctx *c)
{
	struct lisp_info m;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->info.p, c->info.len);
	if (info_decode(&b, &m, &why) == -1)
		die("Info decode");
	c->sink += m.nonce;
	return c->info.len;
}

static size_t
enc_info(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	info_encode(&w, &c->info_msg);
	c->sink += w.len;
	return w.len;
}

static size_t
dec_data(struct ctx *c)
{
	struct lisp_data_hdr h;
	struct rbuf b;
	const char *why;

	rbuf_init(&b, c->data.p, c->data.len);
	if (data_hdr_decode(&b, &h, &why) == -1)
		die("data header decode");
	c->sink += h.nonce + h.iid;
	return c->data.len;
}

static size_t
enc_data(struct ctx *c)
{
	struct wbuf w;

	wbuf_init(&w, c->out, sizeof(c->out));
	data_hdr_encode(&w, &c->dh);
	c->sink += w.len;
	return w.len;
}

struct bcase {
	const char	*name;
	size_t		(*fn)(struct ctx *);
	double		 target;	/* ops/s, 0 for none */
};

static const struct bcase cases[] = {
	{ "Map-Request decode", dec_request, 5e6 },
	{ "Map-Request encode", enc_request, 0 },
	{ "Map-Reply decode", dec_reply, 0 },
	{ "Map-Reply decode+walk", dec_reply_walk, 0 },
	{ "Map-Reply encode (1 rec, 2 loc)", enc_reply, 2e6 },
	{ "Map-Register decode", dec_register, 0 },
	{ "Map-Register encode", enc_register, 0 },
	{ "Map-Register encode+sign sha256", sign_register, 0 },
	{ "Map-Register verify sha256", verify_register, 0 },
	{ "Map-Notify decode", dec_notify, 0 },
	{ "Map-Notify encode", enc_notify, 0 },
	{ "ECM decode", dec_ecm, 0 },
	{ "ECM encode (+ip/udp cksum)", enc_ecm, 0 },
	{ "Map-Referral decode", dec_referral, 0 },
	{ "Map-Referral encode", enc_referral, 0 },
	{ "Info-Request decode", dec_info, 0 },
	{ "Info-Request encode", enc_info, 0 },
	{ "data header decode", dec_data, 0 },
	{ "data header encode", enc_data, 0 },
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
	printf("%-32s %6s %12s %9s %9s %s\n", "codec case", "octets",
	    "ops/s", "ns/op", "x memcpy", "target");
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		bc = &cases[k];
		n = 0;
		t0 = now();
		do {
			for (i = 0; i < BATCH; i++)
				len = bc->fn(&c);
			n += BATCH;
		} while ((dt = now() - t0) < secs);
		dm = memcpy_time(c.out, len, n);
		rate = (double)n / dt;
		printf("%-32s %6zu %12.0f %9.1f %9.1f", bc->name, len, rate,
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
