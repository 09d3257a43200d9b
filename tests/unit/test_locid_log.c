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
	struct locid l;
	int i, allowed = 0;

	memset(&l, 0, sizeof(l));
	l.logrl.window_ms = 60000;	/* no window turn-over inside the test */
	l.logrl.burst = 3;
	for (i = 0; i < 10; i++)
		allowed += log_limited_ok(&l);
	assert_int_equal(allowed, 3);
	assert_int_equal(l.logrl.used, 3);
	assert_int_equal(l.logrl.suppressed, 7);
}

static void
test_shared_with_log_limited(void **state)
{
	struct locid l;

	memset(&l, 0, sizeof(l));
	l.logrl.window_ms = 60000;
	l.logrl.burst = 2;
	log_limited(&l, "first %d", 1);
	assert_int_equal(log_limited_ok(&l), 1);
	/* the budget is spent: neither form logs, both are counted */
	assert_int_equal(log_limited_ok(&l), 0);
	log_limited(&l, "third %d", 3);
	assert_int_equal(l.logrl.used, 2);
	assert_int_equal(l.logrl.suppressed, 2);
}

static void
test_default_budget(void **state)
{
	struct locid l;
	int i, allowed = 0;

	/* no conf, no limiter set up yet: 10 lines per 10 s */
	memset(&l, 0, sizeof(l));
	for (i = 0; i < 25; i++)
		allowed += log_limited_ok(&l);
	assert_int_equal(allowed, 10);
	assert_int_equal(l.logrl.window_ms, 10000);
	assert_int_equal(l.logrl.suppressed, 15);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ok_budget),
		cmocka_unit_test(test_shared_with_log_limited),
		cmocka_unit_test(test_default_budget),
	};

	log_init(1, "test_locid_log");
	return cmocka_run_group_tests(tests, NULL, NULL);
}
