/* lib/pool: objects handed out zeroed, never overlapping, reused by
 * their class, all memory back when the last one returns; random
 * operations checked against a plain table of what is out */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "pool.h"

#define NOBJ	4000

struct out {
	unsigned char	*p;
	size_t		 size;
	unsigned char	 fill;
};

static void
check(const struct out *o)
{
	size_t i;

	for (i = 0; i < o->size; i++)
		assert_int_equal(o->p[i], o->fill);
}

static void
test_random(void **state)
{
	struct pool *p = pool_new();
	static struct out o[NOBJ];
	size_t i, n = 0, k, steps;

	assert_non_null(p);
	srandom(7);
	for (steps = 0; steps < 200000; steps++) {
		if (n < NOBJ && (n == 0 || random() % 3 != 0)) {
			size_t sz = 1 + (size_t)random() % POOL_MAX;

			assert_non_null(o[n].p = pool_get(p, sz));
			assert_int_equal((uintptr_t)o[n].p % 8, 0);
			for (i = 0; i < sz; i++)
				assert_int_equal(o[n].p[i], 0);	/* zeroed */
			o[n].size = sz;
			o[n].fill = (unsigned char)(1 + steps % 255);
			memset(o[n].p, o[n].fill, sz);
			n++;
		} else {
			k = (size_t)random() % n;
			check(&o[k]);	/* nobody wrote over it */
			pool_put(p, o[k].p, o[k].size);
			o[k] = o[--n];
		}
		assert_int_equal(pool_count(p), n);
	}
	for (k = 0; k < n; k++)
		check(&o[k]);
	assert_true(pool_bytes(p) > 0);
	while (n > 0) {
		pool_put(p, o[n - 1].p, o[n - 1].size);
		n--;
	}
	/* the last one back: the chunks went with it */
	assert_int_equal(pool_count(p), 0);
	assert_int_equal(pool_bytes(p), 0);
	pool_free(p);
}

static void
test_reuse_and_bounds(void **state)
{
	struct pool *p = pool_new();
	void *a, *b, *c;

	assert_null(pool_get(p, 0));
	assert_null(pool_get(p, POOL_MAX + 1));
	assert_non_null(a = pool_get(p, 100));
	assert_non_null(b = pool_get(p, 100));
	assert_ptr_not_equal(a, b);
	/* 100 and 104 are one class: the freed object comes back */
	pool_put(p, a, 100);
	assert_ptr_equal(c = pool_get(p, 104), a);
	/* an object costs its size rounded to 8, no header: 1000 of 104
	 * octets take 7 chunks of 16 KiB (157 a chunk) */
	pool_put(p, b, 100);
	pool_put(p, c, 104);
	{
		static void *v[1000];
		int i;

		for (i = 0; i < 1000; i++)
			assert_non_null(v[i] = pool_get(p, 104));
		assert_int_equal(pool_bytes(p), 7 * 16384);
		for (i = 0; i < 1000; i++)
			pool_put(p, v[i], 104);
	}
	assert_int_equal(pool_bytes(p), 0);
	pool_put(p, NULL, 8);	/* ignored */
	pool_free(p);
	pool_free(NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_random),
		cmocka_unit_test(test_reuse_and_bounds),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
