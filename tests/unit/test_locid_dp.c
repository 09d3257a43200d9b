/* the data plane object (dp.c) over a pipe as its TUN, with a recording
 * control side: what goes to the control side and when (a miss with the
 * packet and the source's instance-id, a held packet, a first use once),
 * that the queue stays bounded when the control side keeps sending
 * packets back, what it forwards natively by the FIB alone, and that a
 * second implementation is told of every FIB change and policy, and that
 * tenants' TUNs keep their instance-ids apart. */
#include <arpa/inet.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "dp.h"

struct rec {
	struct dp	 dp;
	struct fib	*fib;
	struct ratelimit rl;
	int		 pipe[2];
	int		 n[4];		/* calls per DP_* kind */
	struct lisp_addr last_src, last_dst;
	size_t		 last_len;
	int		 last_tn;
	int		 bounce;	/* send every held packet back at once */
	int		 synced, withdrawn, policies;
};

static void
rec_miss(void *arg, struct dp_miss *m)
{
	struct rec *r = arg;

	r->n[m->kind]++;
	r->last_src = m->src;
	r->last_dst = m->dst;
	r->last_len = m->pkt != NULL ? m->pkt->len : 0;
	r->last_tn = m->pkt != NULL ? m->pkt->tn : -1;
	if (r->bounce && m->pkt != NULL) {
		dp_replay(&r->dp, m->pkt);	/* misses again: a loop */
		return;
	}
	dp_pkt_free(m->pkt);
}

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

static int
setup(void **state)
{
	struct rec *r = calloc(1, sizeof(*r));
	struct dp_prefix eid;
	struct dp_policy p;

	assert_non_null(r);
	r->rl.window_ms = 10000;
	r->rl.burst = 5;
	assert_int_equal(pipe2(r->pipe, O_NONBLOCK), 0);
	assert_non_null(r->fib = fib_new());
	assert_int_equal(dp_attach(&r->dp, NULL, r->fib,
	    &(struct dp_ctl){ .arg = r, .miss = rec_miss }, &r->rl, r->pipe[1], 1400), 0);
	memset(&p, 0, sizeof(p));
	memset(&eid, 0, sizeof(eid));
	assert_int_equal(prefix_parse("198.18.1.0/24", &eid.eid, &eid.mlen), 0);
	addr_set_iid(&eid.eid, 7);
	p.itr = p.etr = 1;
	p.eids = &eid;
	p.neids = 1;
	p.rloc4 = A("203.0.113.1");
	addr_set_none(&p.rloc6);
	assert_int_equal(dp_policy_set(&r->dp, &p), 0);
	*state = r;
	return 0;
}

static int
teardown(void **state)
{
	struct rec *r = *state;

	dp_close(&r->dp);
	fib_free(r->fib, NULL, NULL);
	close(r->pipe[0]);
	close(r->pipe[1]);
	free(r);
	return 0;
}

/* an IPv4 UDP packet src -> dst in buf after the headroom */
static uint8_t *
mkpkt(uint8_t *buf, const char *src, const char *dst)
{
	uint8_t *p = buf + ENCAP_HEADROOM;
	struct lisp_addr s = A(src), d = A(dst);

	memset(p, 0, 28);
	p[0] = 0x45;
	p[3] = 28;
	p[8] = 64;
	p[9] = 17;
	memcpy(p + 12, addr_bytes(&s), 4);
	memcpy(p + 16, addr_bytes(&d), 4);
	p[25] = 8;
	return p;
}

static void
forward(struct rec *r, const char *src, const char *dst, uint64_t now)
{
	uint8_t buf[ENCAP_HEADROOM + 64];

	dp_forward(&r->dp, mkpkt(buf, src, dst), 28, now);
	dp_flush(&r->dp);
}

static void
publish(struct rec *r, const char *prefix, int kind, void *ctl)
{
	struct lisp_addr a;
	struct fib_ent *fe;
	int mlen;

	assert_int_equal(prefix_parse(prefix, &a, &mlen), 0);
	addr_set_iid(&a, 7);
	assert_non_null(fe = fib_ent_new(r->fib, 0, NULL));
	fe->kind = (uint8_t)kind;
	fe->ctl = ctl;
	assert_int_equal(fib_publish(r->fib, &a, mlen, fe, 1000), 0);
}

static void
test_miss_to_control(void **state)
{
	struct rec *r = *state;
	char b[ADDR_STRLEN];

	forward(r, "198.18.1.10", "198.18.2.10", 5000);
	assert_int_equal(r->n[DP_MISS], 1);
	assert_int_equal(r->last_len, 28);
	/* the control side learns the instance of the source's EID-prefix */
	assert_true(r->last_dst.has_iid);
	assert_int_equal(r->last_dst.iid, 7);
	assert_string_equal(addr_fmt(&r->last_src, b, sizeof(b)), "[7]198.18.1.10");
	/* not from our EID space: dropped, nothing to the control side */
	forward(r, "198.51.100.1", "198.18.2.10", 5000);
	assert_int_equal(r->n[DP_MISS], 1);
	assert_int_equal(r->dp.drops[DP_DROP_ITR_SOURCE_NOT_IN_OUR_EID_SPACE], 1);
	assert_int_equal(r->dp.st.to_ctl, 1);
}

static void
test_pending_and_first_use(void **state)
{
	struct rec *r = *state;
	struct lisp_addr a;
	struct fib_ent *fe;
	int ctl, mlen;

	publish(r, "198.18.2.0/24", FIB_PENDING, &ctl);
	forward(r, "198.18.1.10", "198.18.2.10", 5000);
	forward(r, "198.18.1.10", "198.18.2.11", 5001);
	assert_int_equal(r->n[DP_PENDING], 2);
	assert_int_equal(r->n[DP_USED], 1);	/* once, not per packet */
	assert_int_equal(r->n[DP_MISS], 0);
	/* an idle minute later it is reported again */
	forward(r, "198.18.1.10", "198.18.2.10", 5001 + 60000);
	assert_int_equal(r->n[DP_USED], 2);
	/* a new entry for the prefix carries the last use on; not used
	 * since its mark (a Map-Reply after that use): the first use is
	 * reported, once */
	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	addr_set_iid(&a, 7);
	assert_non_null(fe = fib_ent_new(r->fib, 0, NULL));
	fe->kind = FIB_PENDING;
	fe->ctl = &ctl;
	assert_int_equal(fib_publish(r->fib, &a, mlen, fe, 70000), 0);
	assert_int_equal(fib_ent_used(fe), 5001 + 60000);
	assert_true(fe->fresh);
	forward(r, "198.18.1.10", "198.18.2.10", 70001);
	forward(r, "198.18.1.10", "198.18.2.10", 70002);
	assert_int_equal(r->n[DP_USED], 3);
	/* used after its mark (a probe changed a locator, not the mapping):
	 * not reported */
	assert_non_null(fe = fib_ent_new(r->fib, 0, NULL));
	fe->kind = FIB_PENDING;
	fe->ctl = &ctl;
	assert_int_equal(fib_publish(r->fib, &a, mlen, fe, 70000), 0);
	assert_false(fe->fresh);
	forward(r, "198.18.1.10", "198.18.2.10", 70003);
	assert_int_equal(r->n[DP_USED], 3);
}

static void
test_native_by_fib(void **state)
{
	struct rec *r = *state;
	uint8_t out[64];
	int ctl;

	publish(r, "198.18.64.0/18", FIB_NATIVE, &ctl);
	publish(r, "198.18.128.0/18", FIB_DROP, &ctl);
	forward(r, "198.18.1.10", "198.18.64.1", 5000);
	assert_int_equal(read(r->pipe[0], out, sizeof(out)), 28);
	assert_int_equal(r->dp.st.native_pkts, 1);
	forward(r, "198.18.1.10", "198.18.128.1", 5000);
	assert_int_equal(r->dp.drops[DP_DROP_ITR_NEGATIVE_ENTRY_DROP_ACTION], 1);
	assert_true(read(r->pipe[0], out, sizeof(out)) == -1 && errno == EAGAIN);
	assert_int_equal(r->n[DP_PENDING] + r->n[DP_MISS], 0);
}

/* a control side that sends every packet straight back (a resolver that
 * never covers the EID): the queue bounds it, counted, no endless loop */
static void
test_bounce_bounded(void **state)
{
	struct rec *r = *state;

	r->bounce = 1;
	forward(r, "198.18.1.10", "198.18.2.10", 5000);
	assert_int_equal(r->n[DP_MISS], DP_MISSQ);
	assert_int_equal(r->dp.drops[DP_DROP_ITR_MISS_QUEUE_FULL], 1);
	assert_int_equal(r->dp.nmiss, 0);
}

static int
ops_sync(void *arg, const struct lisp_addr *eid, int mlen, const struct fib_ent *fe)
{
	struct rec *r = arg;

	if (fe != NULL)
		r->synced++;
	else
		r->withdrawn++;
	return 0;
}

static int
ops_policy(void *arg, const struct dp_policy *p)
{
	struct rec *r = arg;

	assert_int_equal(p->neids, 1);
	r->policies++;
	return 0;
}

static void
test_second_implementation(void **state)
{
	static const struct dp_ops ops = { .name = "test", .fib_sync = ops_sync,
	    .policy = ops_policy };
	struct rec *r = *state;
	struct lisp_addr a;
	int mlen, ctl;

	dp_set_ops(&r->dp, &ops, r);
	assert_int_equal(r->policies, 1);
	publish(r, "198.18.2.0/24", FIB_PENDING, &ctl);
	publish(r, "198.18.2.0/24", FIB_NATIVE, &ctl);
	assert_int_equal(r->synced, 2);
	assert_int_equal(fib_count(r->fib), 1);
	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	addr_set_iid(&a, 7);
	fib_withdraw(r->fib, &a, mlen);
	assert_int_equal(r->withdrawn, 1);
	assert_int_equal(fib_count(r->fib), 0);
}

/* a LISP data payload (header with the instance-id, inner IPv4 UDP
 * src -> dst:dport) in buf; its length */
static size_t
mklisp_iid(uint8_t *buf, const char *src, const char *dst, uint16_t dport,
    uint32_t iid)
{
	uint8_t tmp[ENCAP_HEADROOM + 64];
	uint8_t *ip = mkpkt(tmp, src, dst);

	memset(buf, 0, 8);
	buf[0] = 0x08;			/* I */
	buf[4] = (uint8_t)(iid >> 16);
	buf[5] = (uint8_t)(iid >> 8);
	buf[6] = (uint8_t)iid;
	ip[22] = (uint8_t)(dport >> 8);
	ip[23] = (uint8_t)dport;
	memcpy(buf + 8, ip, 28);
	return 8 + 28;
}

static size_t
mklisp(uint8_t *buf, const char *src, const char *dst, uint16_t dport)
{
	return mklisp_iid(buf, src, dst, dport, 7);
}

/* LISP inside LISP addressed to our own RLOC is not decapsulated twice
 * (issue 9: nested LISP to ourselves went through); a packet for our
 * EID space is delivered */
static void
test_decap_nested(void **state)
{
	struct rec *r = *state;
	struct sockaddr_in from = { .sin_family = AF_INET };
	uint8_t buf[128], out[128];
	size_t n;

	r->dp.port = LISP_DATA_PORT;
	n = mklisp(buf, "198.51.100.1", "203.0.113.1", LISP_DATA_PORT);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_NESTED_LISP_TO_OURSELVES], 1);
	assert_true(read(r->pipe[0], out, sizeof(out)) == -1 && errno == EAGAIN);
	/* the same to another port of ours is simply not in our EID space */
	n = mklisp(buf, "198.51.100.1", "203.0.113.1", 53);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_DESTINATION_NOT_IN_OUR_EID_SPACE], 1);
	n = mklisp(buf, "198.18.2.10", "198.18.1.10", 53);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(r->pipe[0], out, sizeof(out)), 28);
	assert_int_equal(r->dp.st.decap_pkts, 1);
}


/* decap-check (issue 9 attack 9: a non-LISP host's 4341 packet carrying
 * hostA's address as inner source was delivered): only from a locator of
 * the inner source's mapping, or a decap-allow prefix; with
 * mapping-system a source not cached is asked for */
static void
test_decap_check(void **state)
{
	struct rec *r = *state;
	struct sockaddr_in from = { .sin_family = AF_INET, .sin_port = htons(4341) };
	struct dp_prefix eid, allow;
	struct dp_policy p;
	struct fib_ent *fe;
	struct fib_loc loc;
	struct lisp_addr a;
	uint8_t buf[128], out[128];
	size_t n;
	int mlen;

	/* off (the default): anything for our EID space goes in */
	inet_pton(AF_INET, "198.51.100.66", &from.sin_addr);
	n = mklisp(buf, "198.18.2.10", "198.18.1.10", 53);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(r->pipe[0], out, sizeof(out)), 28);
	/* map-cache: 198.18.2.0/24 is cached with locator 203.0.113.5 */
	memset(&p, 0, sizeof(p));
	memset(&eid, 0, sizeof(eid));
	memset(&allow, 0, sizeof(allow));
	assert_int_equal(prefix_parse("198.18.1.0/24", &eid.eid, &eid.mlen), 0);
	addr_set_iid(&eid.eid, 7);
	assert_int_equal(prefix_parse("192.0.2.0/24", &allow.eid, &allow.mlen), 0);
	p.itr = p.etr = 1;
	p.eids = &eid;
	p.neids = 1;
	p.rloc4 = A("203.0.113.1");
	addr_set_none(&p.rloc6);
	p.decap_check = DECAP_CHECK_MAP_CACHE;
	p.decap_allow = &allow;
	p.ndecap_allow = 1;
	assert_int_equal(dp_policy_set(&r->dp, &p), 0);
	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	addr_set_iid(&a, 7);
	memset(&loc, 0, sizeof(loc));
	loc.fam = FIB_V4;
	loc.up = 1;
	inet_pton(AF_INET, "203.0.113.5", loc.a);
	assert_non_null(fe = fib_ent_new(r->fib, 1, &loc));
	fe->kind = FIB_ENCAP;
	assert_int_equal(fib_publish(r->fib, &a, mlen, fe, 0), 0);
	/* the spoofer: refused, counted */
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_true(read(r->pipe[0], out, sizeof(out)) == -1 && errno == EAGAIN);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_OUTER_SOURCE_NOT_A_LOCATOR], 1);
	/* the site's own locator: delivered */
	inet_pton(AF_INET, "203.0.113.5", &from.sin_addr);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(r->pipe[0], out, sizeof(out)), 28);
	/* an inner source nobody cached: dropped, not asked for */
	n = mklisp(buf, "198.18.9.10", "198.18.1.10", 53);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_INNER_SOURCE_NOT_CACHED], 1);
	dp_flush(&r->dp);
	assert_int_equal(r->n[DP_MISS], 0);
	/* a PITR in decap-allow: any inner source */
	inet_pton(AF_INET, "192.0.2.7", &from.sin_addr);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(r->pipe[0], out, sizeof(out)), 28);
	/* mapping-system: the uncached source is asked for (our EID as the
	 * Map-Request's source), its packet dropped */
	p.decap_check = DECAP_CHECK_MAPPING_SYSTEM;
	assert_int_equal(dp_policy_set(&r->dp, &p), 0);
	inet_pton(AF_INET, "198.51.100.66", &from.sin_addr);
	dp_decap(&r->dp, buf, n, 64, (struct sockaddr *)&from);
	assert_true(read(r->pipe[0], out, sizeof(out)) == -1 && errno == EAGAIN);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_INNER_SOURCE_NOT_CACHED], 2);
	dp_flush(&r->dp);
	assert_int_equal(r->n[DP_MISS], 1);
	assert_string_equal(addr_fmt(&r->last_dst, (char[ADDR_STRLEN]){ 0 }, ADDR_STRLEN),
	    "[7]198.18.9.10");
	assert_int_equal(r->last_len, 0);
}

static int
empty(int fd)
{
	uint8_t out[128];

	return read(fd, out, sizeof(out)) == -1 && errno == EAGAIN;
}

/* tenants (instance-id blocks): the same prefix in instance-ids 100 and
 * 200, each with its own TUN. what is read from a tenant's TUN is looked
 * up in its instance-id only, the default TUN matches neither; held
 * packets remember their TUN; a decapsulated packet goes into the TUN of
 * its instance-id and no other; a tenant has no native path */
static void
test_tenants(void **state)
{
	struct rec *r = *state;
	struct sockaddr_in from = { .sin_family = AF_INET };
	struct dp_prefix eid[2];
	struct dp_policy p;
	struct lisp_addr a;
	struct fib_ent *fe;
	uint8_t buf[ENCAP_HEADROOM + 128], out[128];
	int t100[2], t200[2], mlen, i;
	size_t n;

	assert_int_equal(pipe2(t100, O_NONBLOCK), 0);
	assert_int_equal(pipe2(t200, O_NONBLOCK), 0);
	assert_int_equal(dp_tenant_attach(&r->dp, 100, t100[1]), 0);
	assert_int_equal(dp_tenant_attach(&r->dp, 200, t200[1]), 0);
	assert_int_equal(dp_tenant_attach(&r->dp, 200, t200[1]), -1);	/* once */
	memset(&p, 0, sizeof(p));
	memset(eid, 0, sizeof(eid));
	for (i = 0; i < 2; i++) {
		assert_int_equal(prefix_parse("198.18.1.0/24", &eid[i].eid, &eid[i].mlen), 0);
		addr_set_iid(&eid[i].eid, i == 0 ? 100 : 200);
		eid[i].tenant = 1;
	}
	p.itr = p.etr = 1;
	p.eids = eid;
	p.neids = 2;
	p.rloc4 = A("203.0.113.1");
	addr_set_none(&p.rloc6);
	assert_int_equal(dp_policy_set(&r->dp, &p), 0);

	/* the default TUN: neither tenant's source */
	forward(r, "198.18.1.10", "198.18.2.10", 5000);
	assert_int_equal(r->dp.drops[DP_DROP_ITR_SOURCE_NOT_IN_OUR_EID_SPACE], 1);
	assert_int_equal(r->n[DP_MISS], 0);
	/* a tenant's TUN: its instance-id, its TUN remembered */
	for (i = 1; i <= 2; i++) {
		dp_forward_tn(&r->dp, i, mkpkt(buf, "198.18.1.10", "198.18.2.10"), 28, 5000);
		dp_flush(&r->dp);
		assert_int_equal(r->n[DP_MISS], i);
		assert_string_equal(addr_fmt(&r->last_dst, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN), i == 1 ? "[100]198.18.2.10" : "[200]198.18.2.10");
		assert_string_equal(addr_fmt(&r->last_src, (char[ADDR_STRLEN]){ 0 },
		    ADDR_STRLEN), i == 1 ? "[100]198.18.1.10" : "[200]198.18.1.10");
		assert_int_equal(r->last_tn, i);
	}
	/* decapsulation: into the TUN of the instance-id alone */
	inet_pton(AF_INET, "203.0.113.5", &from.sin_addr);
	n = mklisp_iid(out, "198.18.2.10", "198.18.1.10", 53, 200);
	dp_decap(&r->dp, out, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(t200[0], buf, sizeof(buf)), 28);
	assert_true(empty(t100[0]) && empty(r->pipe[0]));
	n = mklisp_iid(out, "198.18.2.10", "198.18.1.10", 53, 100);
	dp_decap(&r->dp, out, n, 64, (struct sockaddr *)&from);
	assert_int_equal(read(t100[0], buf, sizeof(buf)), 28);
	assert_true(empty(t200[0]) && empty(r->pipe[0]));
	/* an instance-id that is no tenant's, and none: not our EID space */
	n = mklisp_iid(out, "198.18.2.10", "198.18.1.10", 53, 300);
	dp_decap(&r->dp, out, n, 64, (struct sockaddr *)&from);
	n = mklisp_iid(out, "198.18.2.10", "198.18.1.10", 53, 0);
	dp_decap(&r->dp, out, n, 64, (struct sockaddr *)&from);
	assert_int_equal(r->dp.drops[DP_DROP_DECAP_DESTINATION_NOT_IN_OUR_EID_SPACE], 2);
	assert_true(empty(t100[0]) && empty(t200[0]) && empty(r->pipe[0]));
	/* native-forward in a tenant, no PETR: dropped, written nowhere */
	assert_int_equal(prefix_parse("198.18.64.0/18", &a, &mlen), 0);
	addr_set_iid(&a, 100);
	assert_non_null(fe = fib_ent_new(r->fib, 0, NULL));
	fe->kind = FIB_NATIVE;
	assert_int_equal(fib_publish(r->fib, &a, mlen, fe, 1000), 0);
	dp_forward_tn(&r->dp, 1, mkpkt(buf, "198.18.1.10", "198.18.64.1"), 28, 5000);
	dp_flush(&r->dp);
	assert_int_equal(r->dp.drops[DP_DROP_ITR_NATIVE_FORWARD_IN_A_TENANT], 1);
	assert_int_equal(r->dp.st.native_pkts, 0);
	assert_true(empty(t100[0]) && empty(t200[0]) && empty(r->pipe[0]));
	/* the same entry is not tenant 200's */
	dp_forward_tn(&r->dp, 2, mkpkt(buf, "198.18.1.10", "198.18.64.1"), 28, 5000);
	dp_flush(&r->dp);
	assert_string_equal(addr_fmt(&r->last_dst, (char[ADDR_STRLEN]){ 0 },
	    ADDR_STRLEN), "[200]198.18.64.1");
	dp_close(&r->dp);	/* the test's fds stay its own */
	assert_int_equal(write(t100[1], "x", 1), 1);
	for (i = 0; i < 2; i++) {
		close(t100[i]);
		close(t200[i]);
	}
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_miss_to_control, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pending_and_first_use, setup, teardown),
		cmocka_unit_test_setup_teardown(test_native_by_fib, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bounce_bounded, setup, teardown),
		cmocka_unit_test_setup_teardown(test_second_implementation, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decap_nested, setup, teardown),
		cmocka_unit_test_setup_teardown(test_decap_check, setup, teardown),
		cmocka_unit_test_setup_teardown(test_tenants, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
