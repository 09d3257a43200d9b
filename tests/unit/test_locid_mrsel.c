/* Map-Resolver selection on a fake clock: in order while answering, the
 * next one after a timeout, the first one again after the hold-down when
 * it answers, one test request at a time, state kept across a reload */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mrsel.h"

static struct lisp_addr mr[3];

static struct mrsel *
setup2(void)
{
	struct mrsel *s = mrsel_new();

	assert_int_equal(addr_parse(&mr[0], "203.0.113.2"), 0);
	assert_int_equal(addr_parse(&mr[1], "203.0.113.18"), 0);
	assert_int_equal(addr_parse(&mr[2], "203.0.113.22"), 0);
	mrsel_set(s, mr, 2, 1000, 10000);
	return s;
}

static void
test_in_order(void **state)
{
	struct mrsel *s = setup2();
	uint64_t now = 5000, nonce = 1;
	int i;

	assert_int_equal(mrsel_index(s, &mr[1]), 1);
	assert_int_equal(mrsel_index(s, &mr[2]), -1);
	/* the first one while it answers */
	for (i = 0; i < 10; i++, now += 200) {
		assert_int_equal(mrsel_pick(s, now), 0);
		mrsel_sent(s, 0, nonce, now);
		assert_int_equal(mrsel_reply(s, nonce, now + 5), 1);
		nonce++;
	}
	assert_int_equal(s->mr[0].answered, 10);
	assert_int_equal(s->mr[1].sent, 0);
	/* an unknown nonce is not ours */
	assert_int_equal(mrsel_reply(s, 999999, now), 0);
	assert_true(addr_equal(mrsel_addr(s, 1), &mr[1]));
	assert_null(mrsel_addr(s, 2));
	mrsel_free(s);
}

static void
test_failover_and_back(void **state)
{
	struct mrsel *s = setup2();
	uint64_t now = 0;
	json_t *j;

	/* the first MR stops answering: its request times out */
	assert_int_equal(mrsel_pick(s, now), 0);
	mrsel_sent(s, 0, 11, now);
	assert_int_equal(mrsel_pick(s, now + 999), 0);
	/* the retransmission after the timeout goes to the second */
	now = 1000;
	assert_int_equal(mrsel_pick(s, now), 1);
	assert_int_equal(s->mr[0].state, MRSEL_DOWN);
	assert_int_equal(s->mr[0].timeouts, 1);
	mrsel_sent(s, 1, 12, now);
	assert_int_equal(mrsel_reply(s, 12, now + 3), 1);
	/* during the hold-down the second one is used */
	now = 5000;
	assert_int_equal(mrsel_pick(s, now), 1);
	j = mrsel_json(s, now);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 0), "state")),
	    "down");
	assert_int_equal(json_integer_value(json_object_get(json_array_get(j, 0),
	    "retry_in_ms")), 6000);
	assert_string_equal(json_string_value(json_object_get(json_array_get(j, 1), "state")),
	    "up");
	json_decref(j);
	/* after the hold-down the first one is tried first, once */
	now = 11000;
	assert_int_equal(mrsel_pick(s, now), 0);
	mrsel_sent(s, 0, 13, now);
	assert_int_equal(s->mr[0].state, MRSEL_TESTING);
	assert_int_equal(mrsel_pick(s, now + 10), 1);
	mrsel_sent(s, 1, 14, now + 10);
	/* still dead: down again for another hold-down */
	assert_int_equal(mrsel_pick(s, now + 1000), 1);
	assert_int_equal(s->mr[0].state, MRSEL_DOWN);
	assert_int_equal(s->mr[0].retry_ms, now + 1000 + 10000);
	assert_int_equal(s->mr[1].state, MRSEL_UP);
	/* the second one does not answer 14 either: both down, the one
	 * whose hold-down ends first is used */
	assert_int_equal(mrsel_pick(s, now + 1010), 0);
	assert_int_equal(s->mr[1].state, MRSEL_DOWN);
	/* a reply to 14 after its timeout is no longer matched */
	assert_int_equal(mrsel_reply(s, 14, now + 1500), 0);
	/* it answers again: back to the first one */
	now = 22000;
	assert_int_equal(mrsel_pick(s, now), 0);
	mrsel_sent(s, 0, 15, now);
	assert_int_equal(mrsel_reply(s, 15, now + 2), 1);
	assert_int_equal(s->mr[0].state, MRSEL_UP);
	assert_int_equal(mrsel_pick(s, now + 100), 0);
	mrsel_free(s);
}

static void
test_reload(void **state)
{
	struct mrsel *s = setup2();
	struct lisp_addr l[2];

	mrsel_sent(s, 0, 21, 0);
	assert_int_equal(mrsel_pick(s, 1000), 1);
	/* a reload with another order keeps the down state of the first */
	l[0] = mr[2];
	l[1] = mr[0];
	mrsel_set(s, l, 2, 1000, 10000);
	assert_int_equal(s->n, 2);
	assert_int_equal(s->mr[1].state, MRSEL_DOWN);
	assert_int_equal(mrsel_pick(s, 2000), 0);
	assert_true(addr_equal(mrsel_addr(s, 0), &mr[2]));
	/* none configured */
	mrsel_set(s, NULL, 0, 1000, 10000);
	assert_int_equal(mrsel_pick(s, 3000), -1);
	mrsel_free(s);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_in_order),
		cmocka_unit_test(test_failover_and_back),
		cmocka_unit_test(test_reload),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
