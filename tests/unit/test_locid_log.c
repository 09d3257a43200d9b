/* the rate limiter of drop log lines: log_limited_ok() tells a per-packet
 * caller whether to format and write its line, counting the suppressed
 * ones, and log_limited() goes through the same budget */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "locid.h"

static void
test_ok_budget(void **state)
{
	struct ratelimit l;
	int i, allowed = 0;

	memset(&l, 0, sizeof(l));
	l.window_ms = 60000;	/* no window turn-over inside the test */
	l.burst = 3;
	for (i = 0; i < 10; i++)
		allowed += log_limited_ok(&l);
	assert_int_equal(allowed, 3);
	assert_int_equal(l.used, 3);
	assert_int_equal(l.suppressed, 7);
}

static void
test_shared_with_log_limited(void **state)
{
	struct ratelimit l;

	memset(&l, 0, sizeof(l));
	l.window_ms = 60000;
	l.burst = 2;
	log_limited(&l, "first %d", 1);
	assert_int_equal(log_limited_ok(&l), 1);
	/* the budget is spent: neither form logs, both are counted */
	assert_int_equal(log_limited_ok(&l), 0);
	log_limited(&l, "third %d", 3);
	assert_int_equal(l.used, 2);
	assert_int_equal(l.suppressed, 2);
}

static void
test_default_budget(void **state)
{
	struct ratelimit l;
	int i, allowed = 0;

	/* no conf, no limiter set up yet: 10 lines per 10 s */
	memset(&l, 0, sizeof(l));
	for (i = 0; i < 25; i++)
		allowed += log_limited_ok(&l);
	assert_int_equal(allowed, 10);
	assert_int_equal(l.window_ms, 10000);
	assert_int_equal(l.suppressed, 15);
}

/* each role has its own limiter: a flood of one role's drops uses up
 * its budget only, another role's line still gets out */
static void
test_limiters_apart(void **state)
{
	struct ratelimit ms, xtr;
	int i;

	memset(&ms, 0, sizeof(ms));
	memset(&xtr, 0, sizeof(xtr));
	log_limiter_init(&ms, NULL);
	log_limiter_init(&xtr, NULL);
	for (i = 0; i < 1000; i++)
		log_limited_ok(&ms);
	assert_int_equal(ms.suppressed, 990);
	assert_int_equal(log_limited_ok(&xtr), 1);
	assert_int_equal(xtr.suppressed, 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_budget),
		cmocka_unit_test(test_shared_with_log_limited),
		cmocka_unit_test(test_default_budget),
		cmocka_unit_test(test_limiters_apart),
	};

	log_init(1, "test_locid_log");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
