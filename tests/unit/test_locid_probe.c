/* RLOC probing: the per-locator state machine on a fake clock (down after
 * an unanswered probe, traffic to the next priority, back when it answers,
 * retries, stale nonces), the state kept across map-cache refreshes, the
 * JSON view and the RLOC-probe Map-Request bytes */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "dataplane.h"
#include "probe.h"

#define MS	1000ULL
#define S	1000000ULL

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

static uint8_t recbuf[512];

/* a Map-Reply record for pfx with locators "addr", priority, weight */
static void
mkrec(struct lisp_record *rec, const char *pfx, int nloc, ...)
{
	struct wbuf w;
	va_list ap;
	int i, mlen;

	memset(rec, 0, sizeof(*rec));
	assert_int_equal(prefix_parse(pfx, &rec->eid, &mlen), 0);
	rec->eid_mlen = (uint8_t)mlen;
	rec->ttl = 1440;
	rec->auth = 1;
	rec->nrlocs = (uint8_t)nloc;
	wbuf_init(&w, recbuf, sizeof(recbuf));
	va_start(ap, nloc);
	for (i = 0; i < nloc; i++) {
		struct lisp_rloc r;

		memset(&r, 0, sizeof(r));
		r.addr = A(va_arg(ap, const char *));
		r.priority = (uint8_t)va_arg(ap, int);
		r.weight = (uint8_t)va_arg(ap, int);
		r.flags = RLOC_R;
		rloc_encode(&w, &r);
	}
	va_end(ap);
	assert_false(w.err);
	rbuf_init(&rec->rlocs, recbuf, w.len);
}

/* lisp2's multi-homed entry: 203.0.113.5 priority 1, 203.0.113.13 priority 2 */
static struct mc_entry *
lisp2_entry(struct mapcache *mc)
{
	struct lisp_record rec;
	struct lisp_addr a;
	struct mc_entry *e;
	int mlen;

	assert_int_equal(prefix_parse("198.18.2.0/24", &a, &mlen), 0);
	e = mapcache_add(mc, &a, mlen, 0);
	assert_non_null(e);
	mkrec(&rec, "198.18.2.0/24", 2, "203.0.113.5", 1, 100, "203.0.113.13", 2, 100);
	mc_entry_set(mc, e, &rec, "map-reply", 0);
	assert_int_equal(e->nlocs, 2);
	return e;
}

static const struct probe_timers T = {
	.interval_us = 2 * S, .timeout_us = 1 * S, .retries = 0, .idle_us = 60 * S,
};

/* the locator the data plane would take: what probing learnt goes into
 * the FIB entry first (as log_change does on a change) */
/* whether locator i is usable by what the FIB says after a publish */
static int
up(struct mapcache *mc, struct mc_entry *e, int i)
{
	assert_int_equal(mc_entry_publish(mc, e), 0);
	return mc_entry_loc(e, i, &(struct fib_loc){ 0 })->up;
}

static int
pick(struct mapcache *mc, struct mc_entry *e)
{
	struct fib_loc l[FIB_MAX_LOCS];

	assert_int_equal(mc_entry_publish(mc, e), 0);
	return rloc_select(l, fib_ent_locs(e->fe, l), 0x12345678, FAM_V4 | FAM_V6);
}

static void
test_up_rtt(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct mc_probe *l = mc_entry_probe_make(e, 0);

	assert_int_equal(l->state, PROBE_UNKNOWN);
	assert_true(up(mc, e, 0));
	assert_true(probe_loc_due(l, &T, 0));
	probe_loc_sent(l, &T, 0xabc, 10 * MS, 0);
	assert_false(probe_loc_due(l, &T, 11 * MS));
	assert_int_equal(l->sent, 1);
	/* the reply 1.5 ms later: up, rtt measured, not a change from down */
	assert_int_equal(probe_loc_reply(l, 0xabc, 10 * MS + 1500), 0);
	assert_int_equal(l->state, PROBE_UP);
	assert_int_equal(l->rtt_us, 1500);
	assert_int_equal(l->answered, 1);
	assert_int_equal(l->nonce, 0);
	/* a second copy of the reply matches nothing */
	assert_int_equal(probe_loc_reply(l, 0xabc, 10 * MS + 1600), -1);
	/* no timeout once answered; the next probe after the interval */
	assert_int_equal(probe_loc_expire(l, &T, 5 * S), 0);
	assert_false(probe_loc_due(l, &T, 10 * MS + 2 * S - 1));
	assert_true(probe_loc_due(l, &T, 10 * MS + 2 * S));
	/* jitter only brings it earlier */
	probe_loc_sent(l, &T, 0xdef, 3 * S, 250 * MS);
	assert_int_equal(l->next_us, 3 * S + 2 * S - 250 * MS);
	mapcache_free(mc, NULL, NULL);
}

/* the preferred RLOC stops answering: down after one probe timeout,
 * traffic moves to priority 2, and back when it answers again. the time
 * from the failure to the move is at most interval + timeout. */
static void
test_failover(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct mc_probe *l0 = mc_entry_probe_make(e, 0);
	uint64_t now, fail_at, down_at = 0;
	int i;

	assert_int_equal(pick(mc, e), 0);
	/* both answer for a while */
	for (now = 0; now < 10 * S; now += 100 * MS) {
		for (i = 0; i < 2; i++) {
			probe_loc_expire(mc_entry_probe_make(e, i), &T, now);
			if (probe_loc_due(mc_entry_probe_make(e, i), &T, now))
				probe_loc_sent(mc_entry_probe_make(e, i), &T, 100 + now, now, 0);
			else if (mc_entry_probe(e, i)->nonce && now >= mc_entry_probe(e, i)->sent_us + 2 * MS)
				assert_int_equal(probe_loc_reply(mc_entry_probe_make(e, i), mc_entry_probe(e, i)->nonce,
				    now), 0);
		}
	}
	assert_int_equal(l0->state, PROBE_UP);
	assert_int_equal(pick(mc, e), 0);
	/* 203.0.113.5 dies just after it answered: worst case */
	fail_at = now;
	for (; now < fail_at + 10 * S && down_at == 0; now += 100 * MS) {
		if (probe_loc_expire(l0, &T, now)) {
			down_at = now;
			break;
		}
		if (probe_loc_due(l0, &T, now))
			probe_loc_sent(l0, &T, 7 + now, now, 0);
	}
	assert_true(down_at > fail_at);
	assert_true(down_at - fail_at <= T.interval_us + T.timeout_us);
	assert_int_equal(l0->state, PROBE_DOWN);
	assert_false(up(mc, e, 0));
	assert_true(up(mc, e, 1));
	assert_int_equal(pick(mc, e), 1);
	/* a late reply to the timed-out probe is not taken */
	assert_int_equal(probe_loc_reply(l0, 7 + down_at - T.timeout_us, now), -1);
	assert_int_equal(pick(mc, e), 1);
	/* still down after more unanswered probes: no new change */
	now += T.interval_us;
	assert_true(probe_loc_due(l0, &T, now));
	probe_loc_sent(l0, &T, 999, now, 0);
	assert_int_equal(probe_loc_expire(l0, &T, now + T.timeout_us), 0);
	assert_int_equal(l0->state, PROBE_DOWN);
	/* the link is back: the next probe is answered, traffic moves back */
	now += T.interval_us + T.timeout_us;
	assert_true(probe_loc_due(l0, &T, now));
	probe_loc_sent(l0, &T, 1000, now, 0);
	assert_int_equal(probe_loc_reply(l0, 1000, now + 800), 1);
	assert_int_equal(l0->state, PROBE_UP);
	assert_int_equal(l0->rtt_us, 800);
	assert_true(up(mc, e, 0));
	assert_int_equal(pick(mc, e), 0);
	mapcache_free(mc, NULL, NULL);
}

static void
test_retries(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct mc_probe *l = mc_entry_probe_make(e, 0);
	struct probe_timers t = T;

	t.retries = 1;
	probe_loc_sent(l, &t, 1, 0, 0);
	/* not yet timed out */
	assert_int_equal(probe_loc_expire(l, &t, t.timeout_us - 1), 0);
	assert_int_equal(l->nonce, 1);
	/* first miss: still usable, asked again at once */
	assert_int_equal(probe_loc_expire(l, &t, t.timeout_us), 0);
	assert_int_equal(l->miss, 1);
	assert_true(up(mc, e, 0));
	assert_true(probe_loc_due(l, &t, t.timeout_us));
	probe_loc_sent(l, &t, 2, t.timeout_us, 0);
	/* second miss: down */
	assert_int_equal(probe_loc_expire(l, &t, 2 * t.timeout_us), 1);
	assert_false(up(mc, e, 0));
	assert_int_equal(pick(mc, e), 1);
	/* interval 0: probing off */
	t.interval_us = 0;
	assert_false(probe_loc_due(l, &t, 100 * S));
	mapcache_free(mc, NULL, NULL);
}

/* a refresh Map-Reply keeps what probing learnt about locators that stay */
static void
test_refresh_keeps_state(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct lisp_record rec;

	probe_loc_sent(mc_entry_probe_make(e, 0), &T, 5, 0, 0);
	assert_int_equal(probe_loc_expire(mc_entry_probe_make(e, 0), &T, T.timeout_us), 1);
	probe_loc_sent(mc_entry_probe_make(e, 1), &T, 6, 0, 0);
	assert_int_equal(probe_loc_reply(mc_entry_probe_make(e, 1), 6, 2500), 0);
	assert_null(e->fe->ctr);	/* nothing counted yet: no counters */
	fib_ent_add(mapcache_fib(mc), e->fe, 1, 42, 4200);
	assert_non_null(e->fe->ctr);
	mkrec(&rec, "198.18.2.0/24", 2, "203.0.113.5", 1, 100, "203.0.113.13", 2, 100);
	mc_entry_set(mc, e, &rec, "map-reply", 60 * S / MS);
	assert_int_equal(mc_entry_probe(e, 0)->state, PROBE_DOWN);
	assert_false(up(mc, e, 0));
	assert_int_equal(mc_entry_probe(e, 1)->rtt_us, 2500);
	assert_int_equal(fib_loc_pkts(e->fe, 1), 42);
	assert_int_equal(pick(mc, e), 1);
	/* a new locator set (SMR after a change): a new locator starts unknown */
	mkrec(&rec, "198.18.2.0/24", 2, "203.0.113.13", 2, 100, "203.0.113.17", 1, 100);
	mc_entry_set(mc, e, &rec, "map-reply", 61 * S / MS);
	/* the counters follow the locator's address, the new one has none */
	assert_int_equal(fib_loc_pkts(e->fe, 0), 42);
	assert_int_equal(fib_loc_pkts(e->fe, 1), 0);
	assert_int_equal(mc_entry_probe(e, 0)->rtt_us, 2500);
	assert_int_equal(mc_entry_probe(e, 1)->state, PROBE_UNKNOWN);
	assert_true(up(mc, e, 1));
	assert_int_equal(pick(mc, e), 1);
	mapcache_free(mc, NULL, NULL);
}

/* probe state is made when a locator is first probed: an entry that was
 * never probed has none and shows "unknown"; a refresh passes it on to
 * the locator that stays and drops the one that went */
static void
test_state_lazy(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct lisp_record rec;
	struct mc_probe *p;
	json_t *o, *l0;

	assert_null(e->probe);
	assert_int_equal(mc_entry_probe(e, 0)->state, PROBE_UNKNOWN);
	o = mc_entry_json(e, 0);
	l0 = json_array_get(json_object_get(o, "locators"), 0);
	assert_string_equal(json_string_value(json_object_get(l0, "probe")), "unknown");
	assert_int_equal(json_integer_value(json_object_get(l0, "probes_sent")), 0);
	assert_true(json_is_null(json_object_get(l0, "rtt_ms")));
	json_decref(o);
	/* no state: nothing to time out or answer, and none is made */
	assert_int_equal(probe_loc_expire(NULL, &T, 100 * S), 0);
	assert_int_equal(probe_loc_reply(NULL, 1, 0), -1);
	assert_int_equal(probe_loc_sent(NULL, &T, 1, 0, 0), -1);
	assert_null(e->probe);
	p = mc_entry_probe_make(e, 1);
	assert_non_null(p);
	assert_ptr_equal(p, &e->probe[1]);
	assert_int_equal(probe_loc_sent(p, &T, 9, 0, 0), 0);
	assert_int_equal(probe_loc_reply(p, 9, 700), 0);
	assert_int_equal(mc_entry_probe(e, 0)->sent, 0);	/* made with it, zeroed */
	/* 203.0.113.13 stays (now first), 203.0.113.5 goes */
	mkrec(&rec, "198.18.2.0/24", 2, "203.0.113.13", 2, 100, "203.0.113.21", 1, 100);
	mc_entry_set(mc, e, &rec, "map-reply", 1000);
	assert_int_equal(mc_entry_probe(e, 0)->rtt_us, 700);
	assert_int_equal(mc_entry_probe(e, 0)->answered, 1);
	assert_int_equal(mc_entry_probe(e, 1)->sent, 0);
	assert_int_equal(mc_entry_probe(e, 1)->state, PROBE_UNKNOWN);
	/* no state at all once no locator that has some stays */
	mkrec(&rec, "198.18.2.0/24", 1, "203.0.113.29", 1, 100);
	mc_entry_set(mc, e, &rec, "map-reply", 2000);
	assert_int_equal(e->nlocs, 1);
	assert_null(e->probe);
	assert_int_equal(mc_entry_probe(e, 0)->state, PROBE_UNKNOWN);
	mapcache_free(mc, NULL, NULL);
}

static void
test_json(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	json_t *o, *l0, *l1;

	probe_loc_sent(mc_entry_probe_make(e, 0), &T, 5, 0, 0);
	probe_loc_expire(mc_entry_probe_make(e, 0), &T, T.timeout_us);
	probe_loc_sent(mc_entry_probe_make(e, 1), &T, 6, 0, 0);
	probe_loc_reply(mc_entry_probe_make(e, 1), 6, 1250);
	/* "state" is what forwarding uses: published on a change (log_change) */
	assert_int_equal(mc_entry_publish(mc, e), 0);
	o = mc_entry_json(e, 0);
	l0 = json_array_get(json_object_get(o, "locators"), 0);
	l1 = json_array_get(json_object_get(o, "locators"), 1);
	assert_string_equal(json_string_value(json_object_get(l0, "address")), "203.0.113.5");
	assert_string_equal(json_string_value(json_object_get(l0, "state")), "down");
	assert_string_equal(json_string_value(json_object_get(l0, "probe")), "down");
	assert_true(json_is_null(json_object_get(l0, "rtt_ms")));
	assert_int_equal(json_integer_value(json_object_get(l0, "probes_sent")), 1);
	assert_int_equal(json_integer_value(json_object_get(l0, "probes_answered")), 0);
	assert_string_equal(json_string_value(json_object_get(l1, "state")), "up");
	assert_string_equal(json_string_value(json_object_get(l1, "probe")), "up");
	assert_true(json_real_value(json_object_get(l1, "rtt_ms")) == 1.25);
	json_decref(o);
	mapcache_free(mc, NULL, NULL);
}

/* the RLOC-probe Map-Request: P=1, S=0, no Source-EID, our ITR-RLOCs, the
 * cached prefix as the record */
static void
test_encode(void **state)
{
	static const uint8_t want[] = {
		0x12, 0x00, 0x00, 0x01,			/* type 1, P, IRC 0, 1 record */
		0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,	/* nonce */
		0x00, 0x00,				/* source-EID AFI 0 */
		0x00, 0x01, 203, 0, 113, 1,		/* ITR-RLOC */
		0x00, 24, 0x00, 0x01, 198, 18, 2, 0,	/* record 198.18.2.0/24 */
	};
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e = lisp2_entry(mc);
	struct lisp_map_request q;
	struct lisp_eid_prefix ep;
	struct lisp_addr itr = A("203.0.113.1");
	struct rbuf b;
	uint8_t buf[256];
	struct msg_err err;
	size_t n;

	n = probe_encode(buf, sizeof(buf), e, 0x0102030405060708ULL, &itr, 1);
	assert_int_equal(n, sizeof(want));
	assert_memory_equal(buf, want, sizeof(want));
	rbuf_init(&b, buf, n);
	assert_int_equal(map_request_decode(&b, &q, &err), 0);
	assert_true(q.flags & MREQ_P);
	assert_false(q.flags & (MREQ_S | MREQ_s | MREQ_p));
	assert_int_equal(q.seid.afi, AFI_NONE);
	assert_int_equal(q.nitr, 1);
	assert_true(addr_equal(&q.itr[0], &itr));
	assert_int_equal(mreq_record_next(&q.records, &ep), 1);
	assert_int_equal(ep.mlen, 24);
	assert_true(addr_equal(&ep.eid, MC_EID(e)));
	/* too small a buffer: nothing */
	assert_int_equal(probe_encode(buf, 20, e, 1, &itr, 1), 0);
	mapcache_free(mc, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_up_rtt),
		cmocka_unit_test(test_failover),
		cmocka_unit_test(test_retries),
		cmocka_unit_test(test_refresh_keeps_state),
		cmocka_unit_test(test_state_lazy),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_encode),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
