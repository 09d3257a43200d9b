/* the cross-message sweep: every sample packet of vectors.h, every
 * truncation of it and MUTATE_N (default 100000) random mutations of it,
 * fed to the decoder of its type and to the decoder its (possibly mutated)
 * type nibble names; an accepted packet is walked with every iterator and
 * re-encoded (decode_all.h). run it under `make SAN=1` too. */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vectors.h"
#include "decode_all.h"

#define PKT_MAX		2048

static unsigned long
mutate_n(void)
{
	const char *s = getenv("MUTATE_N");

	return s != NULL ? strtoul(s, NULL, 10) : 100000;
}

static void
report(const char *name, const char *what, const uint8_t *p, size_t n,
    const char *err)
{
	size_t i;

	print_error("%s (%s): %s; packet of %zu octets:\n", name, what, err, n);
	for (i = 0; i < n; i++)
		print_error("%02x%s", p[i], (i % 32 == 31 || i + 1 == n) ? "\n" : "");
	fail();
}

static void
check(const struct test_vector *tv, int data, const uint8_t *p, size_t n,
    const char *what, struct da_stats *st)
{
	struct da_stats any;
	const char *err;

	if (data)
		err = da_data(p, n, st);
	else if ((err = da_decode_as(tv->type, p, n, 0, st)) == NULL)
		err = da_decode_any(p, n, &any);
	if (err != NULL)
		report(tv->name, what, p, n, err);
}

static void
sweep(const struct test_vector *tv, int data)
{
	static uint8_t		 orig[PKT_MAX], pkt[PKT_MAX];
	struct da_stats		 st;
	unsigned long		 i, nmut = mutate_n(), accepted;
	uint64_t		 seed = 0x9e3779b97f4a7c15ull;
	size_t			 n, len, cut;
	unsigned		 k, nm;
	const char		*c;

	memset(&st, 0, sizeof(st));
	n = tv->build(orig, sizeof(orig));
	assert_true(n > 0);

	/* the sample itself is accepted */
	if (data) {
		check(tv, 1, orig, n, "sample", &st);
		assert_int_equal(st.data_ok, 1);
	} else {
		check(tv, 0, orig, n, "sample", &st);
		assert_true(st.ok[tv->type] >= 1);
	}

	for (cut = 0; cut < n; cut++)
		check(tv, data, orig, cut, "truncated", &st);

	for (c = tv->name; *c != '\0'; c++)
		seed = seed * 31 + (uint8_t)*c;
	memset(&st, 0, sizeof(st));
	for (i = 0; i < nmut; i++) {
		memcpy(pkt, orig, n);
		len = n;
		nm = 1 + (unsigned)(tv_rand(&seed) % 4);
		for (k = 0; k < nm; k++)
			len = tv_mutate(pkt, len, sizeof(pkt), &seed);
		check(tv, data, pkt, len, "mutated", &st);
	}
	accepted = data ? st.data_ok : st.ok[tv->type];
	print_message("%-18s %4zu octets: %lu mutations, %lu accepted by its "
	    "decoder\n", tv->name, n, nmut, accepted);
	/* single-octet changes leave plenty of valid packets: the decoder
	 * must not refuse everything */
	if (nmut >= 1000)
		assert_true(accepted > 0);
}

static void
test_control(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(test_vectors) / sizeof(test_vectors[0]); i++)
		sweep(&test_vectors[i], 0);
}

static void
test_data(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(test_data_vectors) / sizeof(test_data_vectors[0]); i++)
		sweep(&test_data_vectors[i], 1);
}

/* every type of message is covered by a sample */
static void
test_coverage(void **state)
{
	unsigned seen = 0;
	size_t i;

	for (i = 0; i < sizeof(test_vectors) / sizeof(test_vectors[0]); i++)
		seen |= 1u << test_vectors[i].type;
	for (i = LISP_MAP_REQUEST; i <= LISP_ECM; i++)
		assert_true(seen & (1u << i));
	assert_true(sizeof(test_data_vectors) > 0);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_coverage),
		cmocka_unit_test(test_control),
		cmocka_unit_test(test_data),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
