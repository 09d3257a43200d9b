/* replay.c at scale: the registrant bound, ring turnover and idle expiry
 * seen through replay_check's verdicts (the rules are unit-tested with a
 * Map-Server in test_role_ms) */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "replay.h"

static void
xtr_id(uint8_t out[16], uint32_t n)
{
	memset(out, 0, 16);
	memcpy(out, &n, sizeof(n));
	out[15] = 0x5a;
}

static struct lisp_addr
v4(uint32_t n)
{
	struct lisp_addr a;

	memset(&a, 0, sizeof(a));
	a.afi = AFI_IPV4;
	a.u.v4[0] = 198;
	a.u.v4[1] = 18;
	a.u.v4[2] = (uint8_t)(n >> 8);
	a.u.v4[3] = (uint8_t)n;
	return a;
}

/* registrant n accepts one message with this digest */
static void
accept(struct replay_set *rs, uint32_t n, uint64_t digest, uint64_t now)
{
	struct replay_id id;
	uint8_t x[16];
	struct lisp_addr src = v4(n);
	enum replay_verdict v;

	xtr_id(x, n);
	replay_id_make(&id, 1, x, &src);
	v = replay_check(rs, &id, &src, digest, digest, 0, now);
	assert_int_equal(v, REPLAY_FRESH);
	replay_accept(rs, &id, &src, digest, digest, v, now, 1000);
}

static enum replay_verdict
check(const struct replay_set *rs, uint32_t n, uint64_t digest, uint64_t now)
{
	struct replay_id id;
	uint8_t x[16];
	struct lisp_addr src = v4(n);

	xtr_id(x, n);
	replay_id_make(&id, 1, x, &src);
	return replay_check(rs, &id, &src, digest + 1, digest, 0, now);
}

#define DIG(n, k)	(((uint64_t)(n) << 20) | (k) | 0x8000000000000000ULL)

static void
test_bound(void **state)
{
	struct replay_set rs;
	uint32_t n, total = MS_REPLAY_MAX + 1000;

	(void)state;
	memset(&rs, 0, sizeof(rs));
	for (n = 1; n <= total; n++)
		accept(&rs, n, DIG(n, 1), 1000 + n);
	assert_int_equal(rs.n, MS_REPLAY_MAX);
	/* the newest registrant's message, from another registrant: refused */
	assert_int_equal(check(&rs, 1, DIG(total, 1), 1000 + total), REPLAY_OTHER_SOURCE);
	assert_int_equal(check(&rs, total - MS_REPLAY_MAX + 1,
	    DIG(total, 1), 1000 + total), REPLAY_OTHER_SOURCE);
	/* the 1000 least recent are forgotten with their digests */
	assert_int_equal(check(&rs, total, DIG(1, 1), 1000 + total), REPLAY_FRESH);
	assert_int_equal(check(&rs, total, DIG(1000, 1), 1000 + total), REPLAY_FRESH);
	assert_int_equal(check(&rs, total, DIG(1001, 1), 1000 + total), REPLAY_OTHER_SOURCE);
	replay_free(&rs);
	assert_int_equal(rs.n, 0);
	assert_null(rs.head);
}

static void
test_ring_turnover(void **state)
{
	struct replay_set rs;
	uint32_t k;

	(void)state;
	memset(&rs, 0, sizeof(rs));
	for (k = 1; k <= MS_REPLAY_RING + 3; k++)
		accept(&rs, 7, DIG(7, k), 1000 + k);
	/* the last MS_REPLAY_RING messages are remembered, older ones not */
	for (k = 1; k <= 3; k++)
		assert_int_equal(check(&rs, 9, DIG(7, k), 2000), REPLAY_FRESH);
	for (k = 4; k <= MS_REPLAY_RING + 3; k++)
		assert_int_equal(check(&rs, 9, DIG(7, k), 2000), REPLAY_OTHER_SOURCE);
	/* its own last message again is a retransmission */
	assert_int_equal(check(&rs, 7, DIG(7, MS_REPLAY_RING + 3), 2000),
	    REPLAY_RETRANSMIT);
	replay_free(&rs);
}

static void
test_idle_forgotten(void **state)
{
	struct replay_set rs;
	uint32_t n;

	(void)state;
	memset(&rs, 0, sizeof(rs));
	for (n = 1; n <= 100; n++)
		accept(&rs, n, DIG(n, 1), 1000);
	/* a day and a bit later a new registrant comes: the others go */
	accept(&rs, 500, DIG(500, 1), 1000 + MS_REPLAY_IDLE_MS + 1);
	assert_int_equal(rs.n, 1);
	assert_int_equal(check(&rs, 501, DIG(50, 1), 1000 + MS_REPLAY_IDLE_MS + 2),
	    REPLAY_FRESH);
	replay_free(&rs);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_bound),
		cmocka_unit_test(test_ring_turnover),
		cmocka_unit_test(test_idle_forgotten),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
