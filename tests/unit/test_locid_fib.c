/* the FIB's entries: locators stored packed where they can be, read
 * back as given; counters per locator slot, made at the first count,
 * carried to a new entry by address, what has no locator any more
 * counted elsewhere so the prefix's totals stay whole */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <string.h>
#include <arpa/inet.h>
#include <cmocka.h>

#include "fib.h"
#include "msg.h"

static struct fib_loc
loc(const char *a, int prio, int up)
{
	struct fib_loc l;

	memset(&l, 0, sizeof(l));
	if (strchr(a, ':') != NULL) {
		l.fam = FIB_V6;
		assert_int_equal(inet_pton(AF_INET6, a, l.a), 1);
	} else {
		l.fam = FIB_V4;
		assert_int_equal(inet_pton(AF_INET, a, l.a), 1);
	}
	l.priority = (uint8_t)prio;
	l.weight = 50;
	l.up = (uint8_t)up;
	l.flags = RLOC_L | RLOC_R;
	return l;
}

/* n locators in, the same out; the octets the entry takes */
static size_t
round_trip(struct fib *f, int n, const struct fib_loc *in)
{
	struct fib_loc out[FIB_MAX_LOCS];
	struct fib_ent *fe;
	size_t sz;
	int i;

	assert_non_null(fe = fib_ent_new(f, n, in));
	assert_int_equal(fib_ent_locs(fe, out), n);
	for (i = 0; i < n; i++)
		assert_memory_equal(&out[i], &in[i], sizeof(in[i]));
	sz = fib_ent_size(fe);
	fib_ent_free(f, fe);
	return sz;
}

static void
test_locators_round_trip(void **state)
{
	struct fib *f = fib_new();
	struct fib_loc in[3], l;

	in[0] = loc("203.0.113.5", 1, 1);
	in[1] = loc("203.0.113.6", 2, 0);
	in[2] = loc("2001:db8::6", 3, 1);
	/* one family, port 4341, flags L p R only: packed, 8 octets an
	 * IPv4 locator, 20 an IPv6 one */
	assert_int_equal(round_trip(f, 2, in), 24 + 2 * 8);
	assert_int_equal(round_trip(f, 1, &in[2]), 24 + 24);	/* 20, to 8 */
	in[1] = loc("2001:db8::7", 1, 0);
	assert_int_equal(round_trip(f, 2, &in[1]), 24 + 2 * 20);
	/* mixed families: as given, 24 octets each */
	in[1] = loc("203.0.113.6", 2, 0);
	assert_int_equal(round_trip(f, 3, in), 24 + 3 * 24);
	/* a port (behind a NAT) or a flag bit beyond L p R: the same */
	in[1].port = 4342;
	assert_int_equal(round_trip(f, 2, in), 24 + 2 * 24);
	in[1].port = 0;
	in[1].flags = 0x8000 | RLOC_R;
	assert_int_equal(round_trip(f, 2, in), 24 + 2 * 24);
	in[1].flags = RLOC_L | RLOC_p | RLOC_R;
	assert_int_equal(round_trip(f, 2, in), 24 + 2 * 8);
	assert_int_equal(round_trip(f, 0, NULL), 24);
	l = in[0];
	assert_string_equal(fib_loc_fmt(&l, (char[64]){ 0 }, 64), "203.0.113.5");
	assert_null(fib_ent_new(f, FIB_MAX_LOCS + 1, in));
	assert_null(fib_ent_new(f, 1, NULL));
	fib_free(f, NULL, NULL);
}

static void
test_counters_carried(void **state)
{
	struct fib *f = fib_new();
	struct fib_loc in[3];
	struct fib_ent *fe;
	struct lisp_addr a;
	int mlen;

	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	in[0] = loc("203.0.113.5", 1, 1);
	in[1] = loc("203.0.113.6", 1, 1);
	assert_non_null(fe = fib_ent_new(f, 2, in));
	fe->kind = FIB_ENCAP;
	assert_int_equal(fib_publish(f, &a, mlen, fe, 0), 0);
	assert_null(fe->ctr);		/* nothing counted: no counters */
	assert_int_equal(fib_ent_pkts(fe), 0);
	fib_ent_count(f, fe, 0, 100);
	fib_ent_count(f, fe, 1, 200);
	fib_ent_count(f, fe, 1, 200);
	fib_ent_drop(f, fe, 3);
	assert_false(fe->other_slot);	/* two slots and the drops */
	assert_int_equal(fib_ent_pkts(fe), 3);
	assert_int_equal(fib_ent_bytes(fe), 500);
	assert_int_equal(fib_loc_pkts(fe, 1), 2);
	/* elsewhere (a PETR): the slot is made, the others kept */
	fib_ent_count(f, fe, -1, 1000);
	assert_true(fe->other_slot);
	assert_int_equal(fib_ent_pkts(fe), 4);
	assert_int_equal(fib_ent_bytes(fe), 1500);
	assert_int_equal(fib_loc_bytes(fe, 0), 100);
	/* a new set: 203.0.113.6 stays (now first), .5 goes, an IPv6 one
	 * comes; .5's counts and the elsewhere ones are elsewhere now */
	in[0] = loc("203.0.113.6", 1, 1);
	in[1] = loc("2001:db8::9", 1, 1);
	assert_non_null(fe = fib_ent_new(f, 2, in));
	fe->kind = FIB_ENCAP;
	assert_int_equal(fib_publish(f, &a, mlen, fe, 0), 0);
	assert_ptr_equal(fib_exact(f, &a, mlen), fe);
	assert_int_equal(fib_loc_pkts(fe, 0), 2);
	assert_int_equal(fib_loc_bytes(fe, 0), 400);
	assert_int_equal(fib_loc_pkts(fe, 1), 0);
	assert_int_equal(fib_ent_pkts(fe), 4);
	assert_int_equal(fib_ent_bytes(fe), 1500);
	assert_int_equal(fib_ent_drops(fe), 3);
	/* the same set again (a probe changed one): taken as it is */
	in[1].up = 0;
	assert_non_null(fe = fib_ent_new(f, 2, in));
	fe->kind = FIB_ENCAP;
	assert_int_equal(fib_publish(f, &a, mlen, fe, 0), 0);
	assert_int_equal(fib_ent_pkts(fe), 4);
	assert_int_equal(fib_loc_pkts(fe, 0), 2);
	/* a kernel path's counts */
	fib_ent_add(f, fe, 1, 10, 10000);
	assert_int_equal(fib_loc_pkts(fe, 1), 10);
	assert_int_equal(fib_ent_bytes(fe), 11500);
	/* a negative entry counts elsewhere only */
	assert_non_null(fe = fib_ent_new(f, 0, NULL));
	fe->kind = FIB_NATIVE;
	assert_int_equal(fib_publish(f, &a, mlen, fe, 0), 0);
	assert_int_equal(fib_ent_pkts(fe), 14);
	fib_ent_count(f, fe, -1, 1);
	assert_int_equal(fib_ent_pkts(fe), 15);
	fib_withdraw(f, &a, mlen);
	assert_int_equal(fib_count(f), 0);
	fib_free(f, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_locators_round_trip),
		cmocka_unit_test(test_counters_carried),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
