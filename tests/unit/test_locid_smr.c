/* SMR at the ETR: which database changes are announced, to which ITRs
 * (recent decapsulation sources), at most one per 3 s per ITR RLOC on a
 * fake clock, and the Solicit-Map-Request bytes */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "smr.h"
#include "xtr.h"

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

static void
db_set(struct xtr_db *d, const char *pfx, int nrlocs, ...)
{
	va_list ap;
	int i;

	memset(d, 0, sizeof(*d));
	assert_int_equal(prefix_parse(pfx, &d->eid, &d->mlen), 0);
	d->ttl = 1440;
	d->nrlocs = nrlocs;
	va_start(ap, nrlocs);
	for (i = 0; i < nrlocs; i++) {
		d->rlocs[i].addr = A(va_arg(ap, const char *));
		d->rlocs[i].priority = (uint8_t)va_arg(ap, int);
		d->rlocs[i].weight = (uint8_t)va_arg(ap, int);
	}
	va_end(ap);
}

static int
has_change(const struct smr_change *c, int n, const char *pfx)
{
	struct lisp_addr a;
	int i, mlen;

	assert_int_equal(prefix_parse(pfx, &a, &mlen), 0);
	for (i = 0; i < n; i++)
		if (c[i].mlen == mlen && addr_equal(&c[i].eid, &a))
			return 1;
	return 0;
}

static void
test_diff(void **state)
{
	struct xtr_db old[3], db[3];
	struct smr_change c[8];
	int n;

	db_set(&old[0], "198.18.2.0/24", 1, "203.0.113.5", 1, 100);
	db_set(&old[1], "198.18.20.0/24", 1, "203.0.113.5", 1, 100);
	db_set(&old[2], "198.18.21.0/24", 1, "203.0.113.5", 1, 100);
	/* the same database: nothing to say */
	assert_int_equal(smr_diff(old, 3, old, 3, c, 8), 0);
	/* an extra RLOC, a removed prefix, a new prefix, one unchanged */
	db_set(&db[0], "198.18.2.0/24", 2, "203.0.113.5", 1, 100, "203.0.113.13", 2, 100);
	db_set(&db[1], "198.18.20.0/24", 1, "203.0.113.5", 1, 100);
	db_set(&db[2], "2001:db8:2::/48", 1, "203.0.113.5", 1, 100);
	n = smr_diff(old, 3, db, 3, c, 8);
	assert_int_equal(n, 3);
	assert_true(has_change(c, n, "198.18.2.0/24"));
	assert_true(has_change(c, n, "2001:db8:2::/48"));
	assert_true(has_change(c, n, "198.18.21.0/24"));
	assert_false(has_change(c, n, "198.18.20.0/24"));
	/* a changed priority, a changed weight */
	db_set(&db[0], "198.18.2.0/24", 1, "203.0.113.5", 2, 100);
	assert_int_equal(smr_diff(old, 1, db, 1, c, 8), 1);
	db_set(&db[0], "198.18.2.0/24", 1, "203.0.113.5", 1, 50);
	assert_int_equal(smr_diff(old, 1, db, 1, c, 8), 1);
	/* max bounds the output */
	db_set(&db[0], "198.18.3.0/24", 1, "203.0.113.5", 1, 100);
	assert_int_equal(smr_diff(old, 3, db, 1, c, 2), 2);
}

static void
test_rate_limit(void **state)
{
	struct smr *s = smr_new();
	struct smr_target *t;
	const struct smr_change *c;
	struct smr_change ch[2];
	struct lisp_addr e1 = A("198.18.1.10"), e3 = A("198.18.3.10"), e9 = A("198.18.9.10");
	struct lisp_addr r1 = A("203.0.113.1"), r3 = A("203.0.113.21"), r9 = A("203.0.113.25");
	int mlen, n1 = 0, n3 = 0;

	/* lisp1 sends traffic at 100 s, lisp3 at 150 s, lisp9 only long ago */
	smr_note(s, &r9, &e9, 32, 10000);
	smr_note(s, &r1, &e1, 32, 90000);
	smr_note(s, &r1, &e1, 32, 100000);
	smr_note(s, &r3, &e3, 32, 150000);
	assert_int_equal(prefix_parse("198.18.2.0/24", &ch[0].eid, &mlen), 0);
	ch[0].mlen = mlen;
	assert_int_equal(prefix_parse("2001:db8:2::/48", &ch[1].eid, &mlen), 0);
	ch[1].mlen = mlen;
	smr_changed(s, ch, 2, 155000, SMR_DELAY_MS);
	/* not before the delay */
	assert_int_equal(smr_next(s, 155000 + SMR_DELAY_MS - 1, &t, &c), 0);
	/* one SMR to each recent ITR, none to the stale one */
	while (smr_next(s, 155000 + SMR_DELAY_MS, &t, &c) == 1) {
		assert_true(addr_equal(&c->eid, &ch[0].eid));
		if (addr_equal(&t->rloc, &r1)) {
			n1++;
			assert_true(addr_equal(&t->eid, &e1));
			assert_int_equal(t->mlen, 32);
		} else if (addr_equal(&t->rloc, &r3))
			n3++;
		else
			fail_msg("SMR to a stale ITR");
	}
	assert_int_equal(n1, 1);
	assert_int_equal(n3, 1);
	/* the second change waits 3 s per RLOC */
	assert_int_equal(smr_next(s, 155000 + SMR_DELAY_MS + SMR_INTERVAL_MS - 1, &t, &c), 0);
	assert_int_equal(smr_next(s, 155000 + SMR_DELAY_MS + SMR_INTERVAL_MS, &t, &c), 1);
	assert_true(addr_equal(&c->eid, &ch[1].eid));
	assert_int_equal(smr_next(s, 155000 + SMR_DELAY_MS + SMR_INTERVAL_MS, &t, &c), 1);
	assert_true(addr_equal(&c->eid, &ch[1].eid));
	assert_int_equal(smr_next(s, 200000, &t, &c), 0);
	assert_int_equal(s->sent, 4);
	/* a change again right away: lisp1 still within its 3 s */
	smr_changed(s, ch, 1, 158400, 0);
	assert_int_equal(smr_next(s, 158400, &t, &c), 0);
	assert_int_equal(smr_next(s, 155300 + 2 * SMR_INTERVAL_MS, &t, &c), 1);
	smr_free(s);
}

/* the table is bounded; targets with work are kept over idle ones */
static void
test_table_bounded(void **state)
{
	struct smr *s = smr_new();
	struct smr_target *t;
	const struct smr_change *c;
	struct smr_change ch;
	struct lisp_addr e = A("198.18.1.10"), r;
	uint8_t a4[4] = { 198, 19, 0, 0 };
	int i, n = 0, mlen;

	for (i = 0; i < 1000; i++) {
		a4[2] = (uint8_t)(i >> 8);
		a4[3] = (uint8_t)i;
		addr_set_v4(&r, a4);
		smr_note(s, &r, &e, 32, 1000 + (uint64_t)i);
	}
	assert_int_equal(prefix_parse("198.18.2.0/24", &ch.eid, &mlen), 0);
	ch.mlen = mlen;
	smr_changed(s, &ch, 1, 2000, 0);
	while (smr_next(s, 2000, &t, &c) == 1)
		n++;
	assert_true(n > 0 && n <= SMR_TARGETS);
	smr_free(s);
}

/* Map-Request S=1: Source-EID = the changed prefix, ITR-RLOC = ours,
 * record = the ITR's EID */
static void
test_encode(void **state)
{
	static const uint8_t want[] = {
		0x11, 0x00, 0x00, 0x01,			/* type 1, S, IRC 0, 1 record */
		0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,	/* nonce */
		0x00, 0x01, 198, 18, 2, 0,		/* source-EID 198.18.2.0 */
		0x00, 0x01, 203, 0, 113, 5,		/* ITR-RLOC */
		0x00, 32, 0x00, 0x01, 198, 18, 1, 10,	/* record 198.18.1.10/32 */
	};
	struct smr_change ch;
	struct smr_target t;
	struct lisp_map_request q;
	struct lisp_eid_prefix ep;
	struct lisp_addr itr = A("203.0.113.5");
	struct rbuf b;
	uint8_t buf[256];
	struct msg_err err;
	size_t n;
	int mlen;

	assert_int_equal(prefix_parse("198.18.2.0/24", &ch.eid, &mlen), 0);
	ch.mlen = mlen;
	memset(&t, 0, sizeof(t));
	t.rloc = A("203.0.113.1");
	t.eid = A("198.18.1.10");
	t.mlen = 32;
	n = smr_encode(buf, sizeof(buf), &ch, &t, 0x1112131415161718ULL, &itr, 1);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	rbuf_init(&b, buf, n);
	assert_int_equal(map_request_decode(&b, &q, &err), 0);
	assert_true(q.flags & MREQ_S);
	assert_false(q.flags & (MREQ_P | MREQ_s));
	assert_true(addr_equal(&q.seid, &ch.eid));
	assert_int_equal(mreq_record_next(&q.records, &ep), 1);
	assert_int_equal(ep.mlen, 32);
	assert_true(addr_equal(&ep.eid, &t.eid));
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diff),
		cmocka_unit_test(test_rate_limit),
		cmocka_unit_test(test_table_bounded),
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
