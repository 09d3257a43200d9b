/* lib/msg_build.c (one-call Map-Request, plain or in an ECM) and
 * lib/sockaddr.c (lisp_addr <-> sockaddr) */
#include <sys/socket.h>
#include <netinet/in.h>

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "addr.h"
#include "msg.h"
#include "msg_build.h"
#include "sockaddr.h"
#include "vectors.h"
#include "testlib.h"

static const uint8_t v4a[4] = { 198, 18, 1, 1 };
static const uint8_t v4b[4] = { 198, 18, 2, 0 };
static const uint8_t v6a[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
static const uint8_t v6b[16] = { 0x20, 0x01, 0x0d, 0xb8, 0, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0 };

static void
spec_v4(struct mreq_build *b, struct lisp_addr *itr)
{
	memset(b, 0, sizeof(*b));
	b->flags = MREQ_P;
	b->nonce = 0x0102030405060708ull;
	addr_set_none(&b->seid);
	addr_set_v4(itr, v4a);
	b->itr = itr;
	b->nitr = 1;
	addr_set_v4(&b->eid, v4b);
	b->mlen = 24;
}

/* the bytes, written out by hand from RFC 9301 5.2 */
static void
test_mreq_bytes(void **state)
{
	static const uint8_t want[] = {
		0x12, 0x00, 0x00, 0x01,		/* type 1, P, IRC 0, 1 record */
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		0x00, 0x00,			/* no Source-EID */
		0x00, 0x01, 198, 18, 1, 1,	/* ITR-RLOC */
		0x00, 24, 0x00, 0x01, 198, 18, 2, 0,
	};
	struct mreq_build b;
	struct lisp_addr itr;
	uint8_t buf[256];

	spec_v4(&b, &itr);
	assert_int_equal(map_request_build(buf, sizeof(buf), &b), sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	/* exactly enough room, then one octet short */
	assert_int_equal(map_request_build(buf, sizeof(want), &b), sizeof(want));
	assert_int_equal(map_request_build(buf, sizeof(want) - 1, &b), 0);
	/* no ITR-RLOC is no Map-Request */
	b.nitr = 0;
	assert_int_equal(map_request_build(buf, sizeof(buf), &b), 0);
}

/* Source-EID, several ITR-RLOCs (capped at MREQ_ITR_MAX), flags: decoded */
static void
test_mreq_decoded(void **state)
{
	struct lisp_addr itr[MREQ_ITR_MAX + 3];
	struct lisp_map_request q;
	struct lisp_eid_prefix ep;
	struct mreq_build b;
	struct rbuf r;
	uint8_t buf[1024];
	struct msg_err err;
	size_t n;
	int i;

	memset(&b, 0, sizeof(b));
	b.flags = MREQ_S | MREQ_s;
	b.nonce = 42;
	addr_set_v6(&b.seid, v6a);
	for (i = 0; i < (int)NELEM(itr); i++) {
		uint8_t a[4] = { 203, 0, 113, (uint8_t)i };

		addr_set_v4(&itr[i], a);
	}
	b.itr = itr;
	b.nitr = 2;
	addr_set_v6(&b.eid, v6b);
	addr_set_iid(&b.eid, 100);
	b.mlen = 48;
	assert_true((n = map_request_build(buf, sizeof(buf), &b)) > 0);
	rbuf_init(&r, buf, n);
	assert_int_equal(map_request_decode(&r, &q, &err), 0);
	assert_int_equal(q.flags & MREQ_FLAGS, MREQ_S | MREQ_s);
	assert_int_equal(q.nonce, 42);
	assert_true(addr_equal(&q.seid, &b.seid));
	assert_int_equal(q.nitr, 2);
	assert_true(addr_equal(&q.itr[0], &itr[0]));
	assert_true(addr_equal(&q.itr[1], &itr[1]));
	assert_int_equal(q.nrecords, 1);
	assert_int_equal(mreq_record_next(&q.records, &ep), 1);
	assert_int_equal(ep.flags, 0);
	assert_int_equal(ep.mlen, 48);
	assert_true(addr_equal(&ep.eid, &b.eid));
	assert_int_equal(q.has_ids, 0);

	b.nitr = (int)NELEM(itr);
	assert_true((n = map_request_build(buf, sizeof(buf), &b)) > 0);
	rbuf_init(&r, buf, n);
	assert_int_equal(map_request_decode(&r, &q, &err), 0);
	assert_int_equal(q.nitr, MREQ_ITR_MAX);
	assert_true(addr_equal(&q.itr[MREQ_ITR_MAX - 1], &itr[MREQ_ITR_MAX - 1]));
}

/* ECM: the inner message is the plain one, inner IP and UDP as asked */
static void
test_mreq_ecm(void **state)
{
	struct mreq_build b;
	struct lisp_addr itr;
	struct lisp_ecm ecm;
	struct rbuf r;
	uint8_t plain[256], buf[1024];
	struct msg_err err;
	size_t pn, n;

	spec_v4(&b, &itr);
	pn = map_request_build(plain, sizeof(plain), &b);
	assert_true(pn > 0);
	b.ecm = 1;
	addr_set_v4(&b.isrc, v4a);
	b.idst = b.eid;
	b.sport = 61000;
	n = map_request_build(buf, sizeof(buf), &b);
	assert_int_equal(n, 4 + 20 + 8 + pn);
	rbuf_init(&r, buf, n);
	assert_int_equal(ecm_decode(&r, &ecm, &err), 0);
	assert_int_equal(ecm.flags, 0);
	assert_int_equal(ecm.ip_version, 4);
	assert_true(addr_equal(&ecm.src, &b.isrc));
	assert_true(addr_equal(&ecm.dst, &b.idst));
	assert_int_equal(ecm.sport, 61000);
	assert_int_equal(ecm.dport, LISP_CONTROL_PORT);
	assert_int_equal(ecm.inner.len, pn);
	assert_memory_equal(ecm.inner.p, plain, pn);
	/* the same through ecm_encode by hand */
	{
		uint8_t ref[1024];
		struct wbuf w;

		wbuf_init(&w, ref, sizeof(ref));
		ecm_encode(&w, 0, &b.isrc, &b.idst, 61000, LISP_CONTROL_PORT,
		    plain, pn);
		assert_int_equal(w.err, 0);
		assert_int_equal(w.len, n);
		assert_memory_equal(ref, buf, n);
	}
	/* IPv6 inner header */
	addr_set_v6(&b.isrc, v6a);
	addr_set_v6(&b.idst, v6b);
	n = map_request_build(buf, sizeof(buf), &b);
	assert_int_equal(n, 4 + 40 + 8 + pn);
	rbuf_init(&r, buf, n);
	assert_int_equal(ecm_decode(&r, &ecm, &err), 0);
	assert_int_equal(ecm.ip_version, 6);
	assert_memory_equal(ecm.inner.p, plain, pn);
	/* mixed families, or no room for the ECM: nothing */
	addr_set_v4(&b.isrc, v4a);
	assert_int_equal(map_request_build(buf, sizeof(buf), &b), 0);
	addr_set_v6(&b.isrc, v6a);
	assert_int_equal(map_request_build(buf, 4 + 40 + 8 + pn - 1, &b), 0);
}

static void
test_sockaddr(void **state)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	struct lisp_addr a, back;
	uint16_t port = 0;
	static const uint8_t mapped[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
	    0xff, 0xff, 198, 18, 1, 1 };

	addr_set_v4(&a, v4a);
	assert_int_equal(sockaddr_from_addr(&ss, &a, 4342), sizeof(*s4));
	assert_int_equal(s4->sin_family, AF_INET);
	assert_int_equal(ntohs(s4->sin_port), 4342);
	assert_memory_equal(&s4->sin_addr, v4a, 4);
	assert_int_equal(sockaddr_to_addr(&back, (struct sockaddr *)&ss, &port), 0);
	assert_true(addr_equal(&back, &a));
	assert_int_equal(port, 4342);

	addr_set_v6(&a, v6a);
	assert_int_equal(sockaddr_from_addr(&ss, &a, 61000), sizeof(*s6));
	assert_int_equal(s6->sin6_family, AF_INET6);
	assert_int_equal(ntohs(s6->sin6_port), 61000);
	assert_memory_equal(&s6->sin6_addr, v6a, 16);
	assert_int_equal(addr_from_sockaddr(&back, (struct sockaddr *)&ss, NULL), 0);
	assert_true(addr_equal(&back, &a));

	/* v4-mapped: kept by sockaddr_to_addr, unmapped by addr_from_sockaddr */
	addr_set_v6(&a, mapped);
	sockaddr_from_addr(&ss, &a, 7);
	assert_int_equal(sockaddr_to_addr(&back, (struct sockaddr *)&ss, &port), 0);
	assert_int_equal(back.afi, AFI_IPV6);
	assert_int_equal(addr_from_sockaddr(&back, (struct sockaddr *)&ss, &port), 0);
	assert_int_equal(back.afi, AFI_IPV4);
	assert_memory_equal(back.u.v4, v4a, 4);
	assert_int_equal(port, 7);

	/* the unspecified address of a family */
	addr_set_any(&a, AFI_IPV4);
	assert_int_equal(a.afi, AFI_IPV4);
	assert_int_equal(a.has_iid, 0);
	assert_memory_equal(a.u.v4, "\0\0\0\0", 4);
	addr_set_any(&a, AFI_IPV6);
	assert_int_equal(a.afi, AFI_IPV6);
	assert_memory_equal(a.u.v6, (uint8_t[16]){ 0 }, 16);

	/* other families */
	addr_set_none(&a);
	assert_int_equal(sockaddr_from_addr(&ss, &a, 1), 0);
	assert_int_equal(ss.ss_family, 0);
	ss.ss_family = AF_UNIX;
	assert_int_equal(sockaddr_to_addr(&back, (struct sockaddr *)&ss, NULL), -1);
	assert_int_equal(back.afi, AFI_NONE);
	assert_int_equal(addr_from_sockaddr(&back, (struct sockaddr *)&ss, NULL), -1);
}

/* map_referral_build: the bytes are the first record of the hand-built
 * sample (MS-REFERRAL [5]198.18.0.0/16 to two RLOCs), and every action
 * decodes back with its TTL, I bit and referral set */
static void
test_referral_bytes(void **state)
{
	uint8_t			 want[512], got[512];
	struct referral_build	 b;
	struct lisp_addr	 rl[2];
	struct lisp_map_referral mr;
	struct lisp_record	 rec;
	struct rbuf		 r, recs;
	size_t			 n, len;

	(void)state;
	n = tl_sample("map-referral", want, sizeof(want));
	/* the first record ends where the second's TTL (0) starts: 12 of
	 * header, 10 of record, IID LCAF 18, 2 RLOCs 6+6 and 6+18 */
	len = 12 + 10 + 18 + 12 + 24;
	assert_true(len < n);
	want[3] = 1;
	memset(&b, 0, sizeof(b));
	b.nonce = 0x0123456789abcdefull;
	assert_int_equal(addr_parse(&b.eid, "[5]198.18.0.0"), 0);
	b.mlen = 16;
	b.act = REF_MS_REFERRAL;
	b.ttl = 1440;
	assert_int_equal(addr_parse(&rl[0], "203.0.113.10"), 0);
	assert_int_equal(addr_parse(&rl[1], "2001:db8::a"), 0);
	b.rlocs = rl;
	b.nrlocs = 2;
	assert_int_equal(map_referral_build(got, sizeof(got), &b), len);
	assert_memory_equal(got, want, len);
	/* too small a buffer, too long a mask */
	assert_int_equal(map_referral_build(got, len - 1, &b), 0);
	b.mlen = 33;
	assert_int_equal(map_referral_build(got, sizeof(got), &b), 0);

	/* a DELEGATION-HOLE with no referral set, NOT-AUTHORITATIVE with I */
	b.mlen = 17;
	b.act = REF_NOT_AUTHORITATIVE;
	b.incomplete = 1;
	b.ttl = 0;
	b.nrlocs = 0;
	n = map_referral_build(got, sizeof(got), &b);
	assert_true(n > 0);
	rbuf_init(&r, got, n);
	assert_int_equal(map_referral_decode(&r, &mr, NULL), 0);
	assert_int_equal(r.len, 0);
	assert_int_equal(mr.nonce, 0x0123456789abcdefull);
	recs = mr.records;
	assert_int_equal(referral_record_next(&recs, &rec), 1);
	assert_int_equal(rec.act, REF_NOT_AUTHORITATIVE);
	assert_int_equal(rec.incomplete, 1);
	assert_int_equal(rec.ttl, 0);
	assert_int_equal(rec.nrlocs, 0);
	assert_int_equal(rec.eid_mlen, 17);
	assert_int_equal(rec.eid.iid, 5);
	assert_int_equal(referral_record_next(&recs, &rec), 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mreq_bytes),
		cmocka_unit_test(test_mreq_decoded),
		cmocka_unit_test(test_mreq_ecm),
		cmocka_unit_test(test_sockaddr),
		cmocka_unit_test(test_referral_bytes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
