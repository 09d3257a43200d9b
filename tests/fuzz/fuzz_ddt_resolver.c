/* the DDT Map-Resolver (locid/ddtmr.c) on hostile Map-Referrals: four
 * requests from ITRs are pending, then the input is a sequence of
 * messages, each [source][clock step][length, 2 octets][Map-Referral]:
 * source 0 is the address the resolver last sent to (so referrals can be
 * followed down a tree of the fuzzer's making), others a fixed table; the
 * clock step fires timers (timeouts, retries, cache expiry). the services
 * of the core are stubs here. invariants: pending and cached state stay
 * within their bounds, every DDT Map-Request sent is an ECM with D, and
 * everything is freed at the end (leaks are findings). an input of odd
 * length runs with a trust anchor on the root (RFC 8111 signatures): the
 * signature sections and the Security Key LCAFs of the referrals are
 * checked then, and nothing unsigned is followed. */
// fuzz-sources: locid/ddtmr.c locid/log.c
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/evp.h>
#include <openssl/rsa.h>

#include "ddtsig.h"
#include "locid.h"
#include "msmr.h"
#include "sockaddr.h"

int	LLVMFuzzerTestOneInput(const uint8_t *, size_t);

extern const struct role role_ddtmr;

#define TIMERS_MAX	2048

struct locid_timer {
	void		(*fn)(void *);
	void		*arg;
	uint64_t	 at;		/* 0: not armed */
	int		 used;
};

static struct locid_timer	 timers[TIMERS_MAX];
static uint64_t			 clock_ms = 1000000;
static struct lisp_addr		 last_dst;
static const struct resolver	*res;
static void			*res_arg;
static unsigned			 nsent;

uint64_t now_ms(void) { return clock_ms; }
uint64_t now_us(void) { return clock_ms * 1000; }
uint64_t wall_s(void) { return clock_ms / 1000; }

char *
sa_fmt(const struct sockaddr *sa, char *buf, size_t len)
{
	struct lisp_addr a;

	addr_from_sockaddr(&a, sa, NULL);
	return addr_fmt(&a, buf, len);
}

struct locid_timer *
locid_timer_new(struct locid *l, void (*fn)(void *), void *arg)
{
	int i;

	for (i = 0; i < TIMERS_MAX; i++)
		if (!timers[i].used) {
			memset(&timers[i], 0, sizeof(timers[i]));
			timers[i].used = 1;
			timers[i].fn = fn;
			timers[i].arg = arg;
			return &timers[i];
		}
	return NULL;
}

void locid_timer_at(struct locid_timer *t, uint64_t at) { t->at = at ? at : 1; }
void locid_timer_stop(struct locid_timer *t) { t->at = 0; }

void
locid_timer_free(struct locid_timer *t)
{
	if (t != NULL)
		t->used = 0;
}

int
locid_send(struct locid *l, const struct sockaddr *dst, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	nsent++;
	addr_from_sockaddr(&last_dst, dst, NULL);
	/* a DDT Map-Request or a negative Map-Reply, nothing else */
	if (len < 4 || ((p[0] >> 4) != LISP_ECM && (p[0] >> 4) != LISP_MAP_REPLY))
		abort();
	if ((p[0] >> 4) == LISP_ECM && !(get_u32(p) & ECM_D))
		abort();
	return 0;
}

int
core_can_send(const struct locid *l, const struct lisp_addr *a)
{
	return (a->afi == AFI_IPV4 || a->afi == AFI_IPV6) && !a->has_iid;
}

void core_drop(struct locid *l, enum core_drop d) { }
int core_monitoring(const struct locid *l) { return 1; }	/* build every event */
void core_event(struct locid *l, const char *kind, json_t *ev) { json_decref(ev); }

void
core_resolver_set(struct locid *l, const struct resolver *r, void *arg)
{
	res = r;
	res_arg = arg;
}

const struct resolver *
core_resolver(struct locid *l, void **arg)
{
	*arg = res_arg;
	return res;
}

uint32_t
eid_iid(const struct lisp_addr *a)
{
	return a->has_iid ? a->iid : 0;
}

int
msmr_reply_dst(struct locid *l, const struct pkt *p, const struct lisp_ecm *ecm,
    const struct lisp_map_request *mreq, struct sockaddr_storage *dst)
{
	if (mreq->nitr == 0)
		return -1;
	sockaddr_from_addr(dst, &mreq->itr[0], 4342);
	return 0;
}

/* fire what is due, earliest first, a bounded number of times */
static void
advance(uint64_t ms)
{
	int i, best, n;

	clock_ms += ms;
	for (n = 0; n < 4 * TIMERS_MAX; n++) {
		best = -1;
		for (i = 0; i < TIMERS_MAX; i++)
			if (timers[i].used && timers[i].at != 0 && timers[i].at <= clock_ms &&
			    (best == -1 || timers[i].at < timers[best].at))
				best = i;
		if (best == -1)
			return;
		timers[best].at = 0;
		timers[best].fn(timers[best].arg);
	}
}

static void
pkt_from(struct pkt *p, const char *src, const uint8_t *buf, size_t len)
{
	struct lisp_addr a;

	memset(p, 0, sizeof(*p));
	p->buf = buf;
	p->len = len;
	addr_parse(&a, src);
	sockaddr_from_addr(&p->src, &a, 4342);
}

/* an ITR's ECM'd Map-Request for eid with nonce, through the backend */
static void
request(struct locid *l, const char *eid, uint64_t nonce)
{
	struct lisp_map_request	 q;
	struct lisp_eid_prefix	 ep;
	struct lisp_addr	 itr, dst, isrc;
	uint8_t			 inner[256], buf[512];
	struct wbuf		 w;
	struct rbuf		 b;
	struct lisp_ecm		 ecm;
	struct lisp_map_request	 dq;
	struct pkt		 p;
	int			 fwd = 0;
	size_t			 n;

	memset(&q, 0, sizeof(q));
	q.nonce = nonce;
	addr_set_none(&q.seid);
	addr_parse(&itr, "192.0.2.50");
	q.itr[0] = itr;
	q.nitr = 1;
	q.nrecords = 1;
	memset(&ep, 0, sizeof(ep));
	addr_parse(&ep.eid, eid);
	ep.mlen = (uint8_t)addr_bits(&ep.eid);
	wbuf_init(&w, inner, sizeof(inner));
	map_request_encode_hdr(&w, &q);
	mreq_record_encode(&w, &ep);
	map_request_encode_trailer(&w, &q);
	n = w.len;
	dst = ep.eid;
	dst.has_iid = 0;
	isrc = itr;
	if (isrc.afi != dst.afi)
		addr_set_any(&isrc, dst.afi);
	wbuf_init(&w, buf, sizeof(buf));
	ecm_encode(&w, 0, &isrc, &dst, 4342, 4342, inner, n);
	pkt_from(&p, "192.0.2.50", buf, w.len);
	rbuf_init(&b, buf, w.len);
	if (ecm_decode(&b, &ecm, NULL) == -1)
		abort();
	b = ecm.inner;
	if (map_request_decode(&b, &dq, NULL) == -1)
		abort();
	b = dq.records;
	mreq_record_next(&b, &ep);
	res->resolve(res_arg, &p, &ecm, &dq, &ep, &fwd);
}

static void
check(void *dr, int anchored)
{
	json_t *st = role_ddtmr.stats(dr);

	if (json_integer_value(json_object_get(st, "pending")) > 1024 ||
	    json_integer_value(json_object_get(st, "referral_cache_entries")) > 10000 ||
	    json_integer_value(json_object_get(st, "keys")) > 256)
		abort();
	/* nobody here holds the anchor's private key: nothing verifies,
	 * nothing is cached or resolved */
	if (anchored && (json_integer_value(json_object_get(st, "referrals_verified")) != 0 ||
	    json_integer_value(json_object_get(st, "resolved")) != 0 ||
	    json_integer_value(json_object_get(st, "referral_cache_entries")) != 0))
		abort();
	json_decref(st);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const srcs[] = { NULL, "192.0.2.1", "192.0.2.11",
	    "192.0.2.12", "2001:db8::1", "192.0.2.21", "192.0.2.50" };
	static struct conf	 c;
	static struct conf_peer	 root;
	static EVP_PKEY		*anchor;
	static uint8_t		 der[DDTSIG_DER_MAX];
	static size_t		 derlen;
	struct locid		 l;
	struct msg_in		 m;
	struct lisp_map_referral ref;
	struct rbuf		 b;
	struct pkt		 p;
	char			 src[ADDR_STRLEN];
	void			*dr;
	size_t			 len;

	memset(&c, 0, sizeof(c));
	TAILQ_INIT(&c.ddt_roots);
	addr_parse(&root.addr, "192.0.2.1");
	if (anchor == NULL && (anchor = EVP_RSA_gen(1024)) != NULL)
		derlen = ddtsig_der(anchor, der, sizeof(der));
	root.key = size & 1 ? anchor : NULL;
	root.key_der = size & 1 && derlen > 0 ? der : NULL;
	root.key_der_len = derlen;
	TAILQ_INSERT_TAIL(&c.ddt_roots, &root, entry);
	c.map_resolver = 1;
	c.log_rate = 10;
	c.timers.map_request_timeout_ms = 1000;
	c.timers.referral_ttl_max = 86400;
	memset(&l, 0, sizeof(l));
	l.conf = &c;
	log_init(1, "fuzz");
	if ((dr = role_ddtmr.new(&l)) == NULL)
		return 0;
	nsent = 0;
	request(&l, "198.18.1.9", 1);
	request(&l, "198.18.2.9", 2);
	request(&l, "[5]198.18.1.9", 3);
	request(&l, "2001:db8:1::9", 4);
	while (size >= 4) {
		len = (size_t)data[2] << 8 | data[3];
		if (srcs[data[0] % 7] == NULL)
			addr_fmt(&last_dst, src, sizeof(src));
		else
			snprintf(src, sizeof(src), "%s", srcs[data[0] % 7]);
		advance((uint64_t)data[1] * 100);
		data += 4;
		size -= 4;
		if (len > size)
			len = size;
		pkt_from(&p, src, data, len);
		rbuf_init(&b, data, len);
		if (len > 0 && map_referral_decode(&b, &ref, NULL) == 0) {
			memset(&m, 0, sizeof(m));
			m.pkt = &p;
			m.ref = &ref;
			role_ddtmr.rx[RX_REFERRAL].fn(dr, &m);
			/* a new request now and then, to walk again */
			if (data[0] & 1)
				request(&l, "198.18.1.10", 5 + (uint64_t)(len & 3));
		}
		check(dr, root.key != NULL);
		data += len;
		size -= len;
	}
	advance(100000000);	/* everything times out and expires */
	check(dr, root.key != NULL);
	role_ddtmr.free(dr);
	return 0;
}
