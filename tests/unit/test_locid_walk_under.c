/* mapcache_walk_under: the entries inside a prefix of one instance-id and
 * family, in address order, and the batched removal itr_reply_in does
 * with it (collect, then remove) */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mapcache.h"

static struct mc_entry *
add(struct mapcache *mc, const char *pfx)
{
	struct lisp_addr a;
	int mlen;

	assert_int_equal(prefix_parse(pfx, &a, &mlen), 0);
	return mapcache_add(mc, &a, mlen, 1000);
}

struct seen {
	int		 n, stop;
	char		 s[16][ADDR_STRLEN + 8];
	struct mc_entry	*e[4096];
	int		 ne;
};

static int
seen_cb(struct mc_entry *e, void *arg)
{
	struct seen *s = arg;

	if (s->n < 16)
		assert_non_null(prefix_fmt(MC_EID(e), e->mlen, s->s[s->n],
		    sizeof(s->s[s->n])));
	s->n++;
	if (s->ne < 4096)
		s->e[s->ne++] = e;
	return s->stop != 0 && s->n == s->stop ? 9 : 0;
}

static int
walk(struct mapcache *mc, const char *pfx, struct seen *s)
{
	struct lisp_addr a;
	int mlen;

	assert_int_equal(prefix_parse(pfx, &a, &mlen), 0);
	return mapcache_walk_under(mc, &a, mlen, seen_cb, s);
}

static void
test_walk_under(void **state)
{
	struct mapcache *mc;
	struct seen *s;

	assert_non_null(mc = mapcache_new(NULL));
	assert_non_null(s = calloc(1, sizeof(*s)));
	assert_non_null(add(mc, "10.1.0.0/16"));
	assert_non_null(add(mc, "10.0.0.0/8"));
	assert_non_null(add(mc, "10.1.2.0/24"));
	assert_non_null(add(mc, "11.0.0.0/8"));
	assert_non_null(add(mc, "9.0.0.0/8"));
	assert_non_null(add(mc, "[5]10.1.2.0/24"));
	assert_non_null(add(mc, "2001:db8::/32"));
	assert_int_equal(walk(mc, "10.0.0.0/8", s), 0);
	assert_int_equal(s->n, 3);
	assert_string_equal(s->s[0], "10.0.0.0/8");
	assert_string_equal(s->s[1], "10.1.0.0/16");
	assert_string_equal(s->s[2], "10.1.2.0/24");
	/* another instance-id is another table */
	memset(s, 0, sizeof(*s));
	assert_int_equal(walk(mc, "[5]10.0.0.0/8", s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->s[0], "[5]10.1.2.0/24");
	memset(s, 0, sizeof(*s));
	assert_int_equal(walk(mc, "[7]10.0.0.0/8", s), 0);
	assert_int_equal(s->n, 0);
	/* the other family, and the early stop */
	memset(s, 0, sizeof(*s));
	assert_int_equal(walk(mc, "2001:db8::/16", s), 0);
	assert_int_equal(s->n, 1);
	memset(s, 0, sizeof(*s));
	s->stop = 2;
	assert_int_equal(walk(mc, "0.0.0.0/0", s), 9);
	assert_int_equal(s->n, 2);
	assert_string_equal(s->s[0], "9.0.0.0/8");
	assert_string_equal(s->s[1], "10.0.0.0/8");
	free(s);
	mapcache_free(mc, NULL, NULL);
}

/* many pending entries under one prefix: collected, then removed */
static void
test_collect_then_remove(void **state)
{
	struct mapcache *mc;
	struct seen *s;
	char p[64];
	int i;

	assert_non_null(mc = mapcache_new(NULL));
	assert_non_null(s = calloc(1, sizeof(*s)));
	for (i = 0; i < 1000; i++) {
		snprintf(p, sizeof(p), "198.18.%d.%d/32", i / 256, i % 256);
		assert_non_null(add(mc, p));
	}
	assert_non_null(add(mc, "198.19.0.1/32"));
	assert_int_equal(mapcache_pending(mc), 1001);
	assert_int_equal(walk(mc, "198.18.0.0/16", s), 0);
	assert_int_equal(s->ne, 1000);
	for (i = 0; i < s->ne; i++)
		mapcache_remove(mc, s->e[i]);
	assert_int_equal(mapcache_count(mc), 1);
	assert_int_equal(mapcache_pending(mc), 1);
	memset(s, 0, sizeof(*s));
	assert_int_equal(walk(mc, "198.18.0.0/15", s), 0);
	assert_int_equal(s->n, 1);
	assert_string_equal(s->s[0], "198.19.0.1/32");
	free(s);
	mapcache_free(mc, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_walk_under),
		cmocka_unit_test(test_collect_then_remove),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
