/* map-cache: longest match per instance-id and family, pending entries
 * with nonces and held packets, records from Map-Replies (positive and
 * negative), expiry, refresh and the JSON view */
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "mapcache.h"

static struct lisp_addr
A(const char *s)
{
	struct lisp_addr a;

	assert_int_equal(addr_parse(&a, s), 0);
	return a;
}

static struct mc_entry *
add(struct mapcache *mc, const char *pfx, uint64_t now)
{
	struct lisp_addr a;
	int mlen;

	assert_int_equal(prefix_parse(pfx, &a, &mlen), 0);
	return mapcache_add(mc, &a, mlen, now);
}

/* a Map-Reply record for pfx with locators "addr/prio/weight/flags" */
static uint8_t recbuf[512];

static void
mkrec(struct lisp_record *rec, const char *pfx, uint32_t ttl, int act, int nloc, ...)
{
	struct wbuf w;
	va_list ap;
	int i, mlen;

	memset(rec, 0, sizeof(*rec));
	assert_int_equal(prefix_parse(pfx, &rec->eid, &mlen), 0);
	rec->eid_mlen = (uint8_t)mlen;
	rec->ttl = ttl;
	rec->act = (uint8_t)act;
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
		r.flags = (uint16_t)va_arg(ap, int);
		rloc_encode(&w, &r);
	}
	va_end(ap);
	assert_false(w.err);
	rbuf_init(&rec->rlocs, recbuf, w.len);
}

/* mapcache_foreach: the entries in order into a NULL-ended array of 4 */
static int
collect_cb(struct mc_entry *e, void *arg)
{
	struct mc_entry **seen = arg;
	int i;

	for (i = 0; i < 3 && seen[i] != NULL; i++)
		;
	seen[i] = e;
	return 0;
}

/* remove every other entry (by address), count the visits */
static int
thin_cb(struct mc_entry *e, void *arg)
{
	struct mapcache **mc = arg;

	if ((e->ea[3] & 1) != 0)
		mapcache_remove(*mc, e);
	return 0;
}

static int
count_cb(struct mc_entry *e, void *arg)
{
	(*(int *)arg)++;
	return (*(int *)arg == 700);
}

/* a walk over more entries than one batch, removing what it is given:
 * every entry is seen once, the removed ones go, the rest stay */
static void
test_foreach(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	char p[32];
	int i, n = 0;

	for (i = 0; i < 1000; i++) {
		snprintf(p, sizeof(p), "198.18.%d.%d/32", i / 256, i % 256);
		assert_non_null(add(mc, p, 0));
	}
	assert_int_equal(mapcache_foreach(mc, count_cb, &n), 1);
	assert_int_equal(n, 700);	/* stopped where the callback said */
	assert_int_equal(mapcache_foreach(mc, thin_cb, &mc), 0);
	assert_int_equal(mapcache_count(mc), 500);
	n = 0;
	assert_int_equal(mapcache_foreach(mc, count_cb, &n), 0);
	assert_int_equal(n, 500);
	for (i = 0; i < 1000; i++) {
		struct lisp_addr a;
		int mlen;

		snprintf(p, sizeof(p), "198.18.%d.%d/32", i / 256, i % 256);
		assert_int_equal(prefix_parse(p, &a, &mlen), 0);
		if (i % 2)
			assert_null(mapcache_exact(mc, &a, 32));
		else
			assert_non_null(mapcache_exact(mc, &a, 32));
	}
	mapcache_free(mc, NULL, NULL);
}

static void
test_lookup(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e24, *e16, *e6, *eiid, *seen[4];
	struct lisp_addr a;

	e16 = add(mc, "198.18.0.0/16", 0);
	e24 = add(mc, "198.18.2.0/24", 0);
	e6 = add(mc, "2001:db8:2::/48", 0);
	eiid = add(mc, "[100]198.18.2.0/24", 0);
	assert_non_null(e16);
	assert_non_null(e24);
	assert_non_null(e6);
	assert_non_null(eiid);
	assert_int_equal(mapcache_count(mc), 4);
	/* adding an existing prefix returns it; host bits are ignored */
	assert_ptr_equal(add(mc, "198.18.2.0/24", 5), e24);
	a = A("198.18.2.77");
	assert_ptr_equal(mapcache_lookup(mc, &a), e24);
	a = A("198.18.3.1");
	assert_ptr_equal(mapcache_lookup(mc, &a), e16);
	a = A("198.19.0.1");
	assert_null(mapcache_lookup(mc, &a));
	a = A("[100]198.18.2.1");
	assert_ptr_equal(mapcache_lookup(mc, &a), eiid);
	a = A("[100]198.18.3.1");
	assert_null(mapcache_lookup(mc, &a));	/* other instance: no /16 there */
	a = A("2001:db8:2:1::1");
	assert_ptr_equal(mapcache_lookup(mc, &a), e6);
	assert_ptr_equal(mapcache_exact(mc, MC_EID(e24), 24), e24);
	assert_null(mapcache_exact(mc, MC_EID(e24), 23));
	/* removing the /24 uncovers the /16 */
	mapcache_remove(mc, e24);
	a = A("198.18.2.77");
	assert_ptr_equal(mapcache_lookup(mc, &a), e16);
	assert_int_equal(mapcache_count(mc), 3);
	/* every entry once, in the FIB's order: IPv4 tables before IPv6,
	 * instance-ids in order, addresses in order */
	memset(seen, 0, sizeof(seen));
	assert_int_equal(mapcache_foreach(mc, collect_cb, seen), 0);
	assert_ptr_equal(seen[0], e16);
	assert_ptr_equal(seen[1], eiid);
	assert_ptr_equal(seen[2], e6);
	assert_null(seen[3]);
	mapcache_free(mc, NULL, NULL);
}

static void
test_pending_nonces_queue(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e;
	struct dp_pkt *q;
	uint8_t pkt[100];
	int i;

	e = add(mc, "198.18.2.10/32", 1000);
	assert_int_equal(e->state, MC_PENDING);
	/* not requesting yet: nonces are not matched */
	mc_entry_add_nonce(mc, e, 11);
	assert_null(mapcache_by_nonce(mc, 11));
	e->requesting = 1;
	assert_ptr_equal(mapcache_by_nonce(mc, 11), e);
	/* only the last MC_NONCES retransmissions are remembered */
	for (i = 0; i < MC_NONCES; i++)
		mc_entry_add_nonce(mc, e, 100 + (uint64_t)i);
	assert_null(mapcache_by_nonce(mc, 11));
	assert_ptr_equal(mapcache_by_nonce(mc, 100), e);
	assert_ptr_equal(mapcache_by_nonce(mc, 100 + MC_NONCES - 1), e);
	assert_null(mapcache_by_nonce(mc, 99));
	/* held packets are bounded and come back in order */
	for (i = 0; i < 6; i++) {
		memset(pkt, i, sizeof(pkt));
		assert_int_equal(mc_entry_queue(e, pkt, 10 + (size_t)i, 4), i < 4 ? 0 : -1);
	}
	assert_int_equal(mc_entry_qlen(e), 4);
	q = mc_entry_dequeue(mc, e);
	assert_int_equal(mc_entry_qlen(e), 0);
	for (i = 0; i < 4; i++) {
		struct dp_pkt *next = q->next;

		assert_int_equal(q->len, 10 + i);
		assert_int_equal(q->data[0], i);
		free(q);
		q = next;
	}
	assert_null(q);
	/* pending entries never expire by time (itr.c gives up on them) */
	assert_int_equal(mapcache_expire(mc, UINT64_MAX, NULL, NULL), 0);
	/* held packets are freed with the entry (checked by ASan) */
	mc_entry_queue(e, pkt, 50, 4);
	mapcache_free(mc, NULL, NULL);
}

/* resolution state lives while an entry resolves: a settled entry has
 * none, its request nonces have left the index, and a refresh makes it
 * again */
static void
test_res_lifetime(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_record rec;
	struct mc_entry *e;
	uint8_t pkt[60] = { 0x45 };

	e = add(mc, "198.18.3.0/24", 1000);
	assert_non_null(e->res);
	e->requesting = 1;
	mc_entry_add_nonce(mc, e, 21);
	mc_entry_add_nonce(mc, e, 22);
	assert_int_equal(mc_entry_queue(e, pkt, sizeof(pkt), 4), 0);
	assert_int_equal(mapcache_nonce_count(mc), 2);
	mkrec(&rec, "198.18.3.0/24", 10, 0, 1, "192.0.2.1", 1, 100, RLOC_R);
	mc_entry_set(mc, e, &rec, "map-reply", 2000);
	assert_int_equal(e->state, MC_POSITIVE);
	/* answered, but packets still held: the state stays */
	mc_entry_clear_nonces(mc, e);
	assert_non_null(e->res);
	assert_int_equal(mapcache_nonce_count(mc), 0);
	assert_null(mapcache_by_nonce(mc, 21));
	dp_pkt_free(mc_entry_dequeue(mc, e));
	assert_null(e->res);
	assert_int_equal(mc_entry_qlen(e), 0);
	assert_int_equal(mc_entry_tries(e), 0);
	/* a refresh round: made again, and settled when it gives up */
	assert_non_null(mc_entry_res(e));
	e->requesting = 1;
	mc_entry_add_nonce(mc, e, 23);
	assert_ptr_equal(mapcache_by_nonce(mc, 23), e);
	e->requesting = 0;
	mc_entry_settle(mc, e);
	assert_null(e->res);
	assert_int_equal(mapcache_nonce_count(mc), 0);
	assert_null(mapcache_by_nonce(mc, 23));
	/* removing an entry that resolves frees its state and packets */
	e = add(mc, "198.18.4.0/24", 3000);
	e->requesting = 1;
	mc_entry_add_nonce(mc, e, 24);
	assert_int_equal(mc_entry_queue(e, pkt, sizeof(pkt), 4), 0);
	mapcache_remove(mc, e);
	assert_int_equal(mapcache_nonce_count(mc), 0);
	mapcache_free(mc, NULL, NULL);
}

static void
test_records(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_record rec;
	struct mc_entry *e;
	char buf[64];

	e = add(mc, "198.18.2.0/24", 0);
	mkrec(&rec, "198.18.2.0/24", 1440, 0, 3,
	    "203.0.113.5", 1, 100, RLOC_R | RLOC_L,
	    "203.0.113.9", 2, 0, 0,
	    "2001:db8::5", 1, 50, RLOC_R);
	mc_entry_set(mc, e, &rec, "map-reply", 5000);
	assert_int_equal(e->state, MC_POSITIVE);
	assert_string_equal(mc_entry_source(e), "map-reply");
	assert_int_equal(e->nlocs, 3);
	assert_string_equal(fib_loc_fmt(mc_entry_loc(e, 0, &(struct fib_loc){ 0 }), buf, sizeof(buf)), "203.0.113.5");
	assert_int_equal(mc_entry_loc(e, 0, &(struct fib_loc){ 0 })->priority, 1);
	assert_int_equal(mc_entry_loc(e, 0, &(struct fib_loc){ 0 })->weight, 100);
	assert_true(mc_entry_loc(e, 0, &(struct fib_loc){ 0 })->up);
	assert_false(mc_entry_loc(e, 1, &(struct fib_loc){ 0 })->up);	/* R=0: not usable */
	assert_int_equal(mc_entry_expires(e), 5000 + 1440ull * 60000);
	assert_int_equal(e->ttl, 1440);
	assert_false(e->requesting);
	/* negative: no locators, the action kept */
	e = add(mc, "198.32.0.0/11", 0);
	mkrec(&rec, "198.32.0.0/11", 15, ACT_NATIVE_FORWARD, 0);
	mc_entry_set(mc, e, &rec, "map-reply", 1000);
	assert_int_equal(e->state, MC_NEGATIVE);
	assert_int_equal(e->act, ACT_NATIVE_FORWARD);
	assert_string_equal(mc_entry_source(e), "negative");
	assert_int_equal(mc_entry_expires(e), 1000 + 15 * 60000);
	/* locators none of which is IP (here MACs): negative, not a
	 * positive entry with nothing to encapsulate to; the ACT is kept */
	e = add(mc, "198.18.7.0/24", 0);
	mkrec(&rec, "198.18.7.0/24", 10, ACT_SEND_MAP_REQUEST, 2,
	    "00:11:22:33:44:55", 1, 100, RLOC_R,
	    "00:11:22:33:44:66", 1, 100, RLOC_R);
	mc_entry_set(mc, e, &rec, "map-reply", 2000);
	assert_int_equal(e->state, MC_NEGATIVE);
	assert_int_equal(e->nlocs, 0);
	assert_int_equal(e->act, ACT_SEND_MAP_REQUEST);
	assert_string_equal(mc_entry_source(e), "negative");
	assert_int_equal(mc_entry_expires(e), 2000 + 10 * 60000);
	assert_int_equal(mapcache_pending(mc), 0);	/* answered */
	/* one IP locator among non-IP ones: positive with that one */
	e = add(mc, "198.18.8.0/24", 0);
	mkrec(&rec, "198.18.8.0/24", 10, 0, 2,
	    "00:11:22:33:44:55", 1, 100, RLOC_R,
	    "203.0.113.8", 1, 100, RLOC_R);
	mc_entry_set(mc, e, &rec, "map-reply", 2000);
	assert_int_equal(e->state, MC_POSITIVE);
	assert_int_equal(e->nlocs, 1);
	assert_string_equal(fib_loc_fmt(mc_entry_loc(e, 0, &(struct fib_loc){ 0 }), buf, sizeof(buf)), "203.0.113.8");
	/* TTL 0xffffffff: receiver decides (a day) */
	e = add(mc, "198.18.9.0/24", 0);
	mkrec(&rec, "198.18.9.0/24", 0xffffffff, 0, 1, "203.0.113.5", 1, 1, RLOC_R);
	mc_entry_set(mc, e, &rec, "proxy-reply", 0);
	assert_int_equal(e->ttl, 1440);
	/* more than MC_MAX_LOCS locators: the first ones are kept */
	mapcache_free(mc, NULL, NULL);
}

static int ndel;

static void
count_del(struct mc_entry *e, void *arg)
{
	ndel++;
	assert_ptr_equal(arg, &ndel);
}

static void
test_expire_refresh(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_record rec;
	struct mc_entry *e1, *e2;
	struct lisp_addr a;

	e1 = add(mc, "198.18.2.0/24", 0);
	mkrec(&rec, "198.18.2.0/24", 1, 0, 1, "203.0.113.5", 1, 100, RLOC_R);
	mc_entry_set(mc, e1, &rec, "map-reply", 0);		/* expires at 60 s */
	e2 = add(mc, "198.32.0.0/11", 0);
	mkrec(&rec, "198.32.0.0/11", 15, ACT_NATIVE_FORWARD, 0);
	mc_entry_set(mc, e2, &rec, "map-reply", 0);
	/* unused entries are not refreshed */
	assert_false(mc_entry_wants_refresh(e1, 55000));
	/* the packets held for the answer, sent on 1 ms after it, do not
	 * keep a 1-minute entry alive: it was idle for its last 30 s */
	e1->fe->used_ms = 1;
	assert_false(mc_entry_wants_refresh(e1, 54500));
	e1->fe->used_ms = 25000;
	assert_true(mc_entry_wants_refresh(e1, 54500));
	/* used recently and in the last tenth of the TTL: refresh */
	mc_entry_touch(e1, 50000);
	assert_false(mc_entry_wants_refresh(e1, 50000));	/* 10 s left of 60 */
	assert_true(mc_entry_wants_refresh(e1, 54500));
	e1->requesting = 1;
	assert_false(mc_entry_wants_refresh(e1, 54500));
	e1->requesting = 0;
	ndel = 0;
	assert_int_equal(mapcache_expire(mc, 59999, count_del, &ndel), 0);
	assert_int_equal(mapcache_expire(mc, 60000, count_del, &ndel), 1);
	assert_int_equal(ndel, 1);
	a = A("198.18.2.1");
	assert_null(mapcache_lookup(mc, &a));
	a = A("198.51.100.1");
	assert_ptr_equal(mapcache_lookup(mc, &a), e2);
	assert_int_equal(mapcache_expire(mc, 15 * 60000, count_del, &ndel), 1);
	assert_int_equal(mapcache_count(mc), 0);
	/* a TTL of 0 expires at once */
	e1 = add(mc, "198.18.2.0/24", 0);
	mkrec(&rec, "198.18.2.0/24", 0, 0, 1, "203.0.113.5", 1, 100, RLOC_R);
	mc_entry_set(mc, e1, &rec, "map-reply", 100);
	assert_int_equal(mapcache_expire(mc, 100, NULL, NULL), 1);
	/* free calls del for what is left */
	add(mc, "198.18.7.0/24", 0);
	add(mc, "198.18.8.0/24", 0);
	ndel = 0;
	mapcache_free(mc, count_del, &ndel);
	assert_int_equal(ndel, 2);
}

static void
test_json(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_record rec;
	struct mc_entry *e;
	json_t *o, *l;

	e = add(mc, "198.18.2.0/24", 0);
	mkrec(&rec, "198.18.2.0/24", 1440, 0, 1, "203.0.113.5", 1, 100, RLOC_R | RLOC_L);
	mc_entry_set(mc, e, &rec, "map-reply", 1000);
	/* the data plane counts in the FIB entry; a refresh publishes a new
	 * one that carries the counts on */
	assert_int_equal(e->fe->kind, FIB_ENCAP);
	assert_int_equal(e->fe->nlocs, 1);
	assert_true(fib_ent_loc(e->fe, 0, &(struct fib_loc){ 0 })->up);
	assert_null(e->fe->ctr);	/* nothing counted: no counters */
	fib_ent_count(mapcache_fib(mc), e->fe, 0, 100);
	fib_ent_count(mapcache_fib(mc), e->fe, 0, 100);
	fib_ent_count(mapcache_fib(mc), e->fe, 0, 100);
	fib_ent_drop(mapcache_fib(mc), e->fe, 2);
	mc_entry_set(mc, e, &rec, "map-reply", 1000);
	assert_ptr_equal(fib_lookup(mapcache_fib(mc), MC_EID(e)), e->fe);
	assert_ptr_equal(e->fe->ctl, e);
	o = mc_entry_json(e, 61000);
	assert_int_equal(json_integer_value(json_object_get(o, "packets")), 3);
	assert_int_equal(json_integer_value(json_object_get(o, "bytes")), 300);
	assert_int_equal(json_integer_value(json_object_get(o, "drops")), 2);
	assert_string_equal(json_string_value(json_object_get(o, "eid_prefix")), "198.18.2.0/24");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "complete");
	assert_string_equal(json_string_value(json_object_get(o, "source")), "map-reply");
	assert_int_equal(json_integer_value(json_object_get(o, "uptime")), 61);
	assert_int_equal(json_integer_value(json_object_get(o, "expires_in")), 1440 * 60 - 60);
	l = json_array_get(json_object_get(o, "locators"), 0);
	assert_string_equal(json_string_value(json_object_get(l, "address")), "203.0.113.5");
	assert_string_equal(json_string_value(json_object_get(l, "state")), "up");
	assert_int_equal(json_integer_value(json_object_get(l, "priority")), 1);
	assert_int_equal(json_integer_value(json_object_get(l, "weight")), 100);
	assert_int_equal(json_integer_value(json_object_get(l, "encap_packets")), 3);
	assert_int_equal(json_integer_value(json_object_get(l, "encap_bytes")), 300);
	assert_null(json_object_get(o, "action"));
	json_decref(o);
	e = add(mc, "198.32.0.0/11", 0);
	mkrec(&rec, "198.32.0.0/11", 15, ACT_NATIVE_FORWARD, 0);
	mc_entry_set(mc, e, &rec, "map-reply", 0);
	assert_int_equal(e->fe->kind, FIB_NATIVE);
	assert_int_equal(e->fe->nlocs, 0);
	o = mc_entry_json(e, 0);
	assert_string_equal(json_string_value(json_object_get(o, "action")), "natively-forward");
	assert_string_equal(json_string_value(json_object_get(o, "state")), "negative");
	assert_int_equal(json_integer_value(json_object_get(o, "expires_in")), 900);
	assert_int_equal(json_array_size(json_object_get(o, "locators")), 0);
	json_decref(o);
	e = add(mc, "198.18.5.5/32", 0);
	assert_int_equal(e->fe->kind, FIB_PENDING);
	o = mc_entry_json(e, 0);
	assert_string_equal(json_string_value(json_object_get(o, "state")), "pending");
	assert_true(json_is_null(json_object_get(o, "expires_in")));
	json_decref(o);
	mapcache_free(mc, NULL, NULL);
}

/* against a naive list: random prefixes and lookups */
static void
test_naive(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct { uint8_t a[4]; int len; struct mc_entry *e; } ref[300];
	uint32_t s = 42;
	int i, j, n = 0;

	for (i = 0; i < 300; i++) {
		struct lisp_addr a;
		uint8_t b[4];

		s = s * 1103515245 + 12345;
		put_u32(b, 0xc6120000 | (s >> 16 & 0xffff));	/* 198.18.x.y */
		addr_set_v4(&a, b);
		ref[n].len = 16 + (int)(s >> 8) % 17;
		addr_mask(&a, ref[n].len);
		memcpy(ref[n].a, addr_bytes(&a), 4);
		ref[n].e = mapcache_add(mc, &a, ref[n].len, 0);
		for (j = 0; j < n; j++)
			if (ref[j].e == ref[n].e)
				break;
		if (j == n)
			n++;
	}
	for (i = 0; i < 20000; i++) {
		struct lisp_addr a;
		uint8_t b[4];
		struct mc_entry *want = NULL;
		int best = -1;

		s = s * 1103515245 + 12345;
		put_u32(b, 0xc6120000 | (s >> 16 & 0xffff));
		addr_set_v4(&a, b);
		for (j = 0; j < n; j++) {
			uint32_t m = ref[j].len ? 0xffffffffu << (32 - ref[j].len) : 0;

			if ((get_u32(b) & m) == get_u32(ref[j].a) && ref[j].len > best) {
				best = ref[j].len;
				want = ref[j].e;
			}
		}
		assert_ptr_equal(mapcache_lookup(mc, &a), want);
	}
	mapcache_free(mc, NULL, NULL);
}

/* the per-entry timers: a min-heap that hands out due entries in
 * deadline order, forgets removed ones, and that wake only brings forward */
static void
test_timers(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e[200], *d;
	char pfx[64];
	uint64_t last;
	int i, n;

	(void)state;
	assert_non_null(mc);
	assert_int_equal(mapcache_next_due(mc), UINT64_MAX);
	for (i = 0; i < 200; i++) {
		snprintf(pfx, sizeof(pfx), "198.18.%d.0/24", i);
		assert_non_null(e[i] = add(mc, pfx, 5));
		/* a new entry is due at once: its owner sets its deadlines */
		assert_int_equal(e[i]->due_ms, 5);
		/* deadlines in a scrambled order */
		mapcache_sched(mc, e[i], 1000 + (uint64_t)((i * 7919) % 200) * 10);
	}
	assert_null(mapcache_due(mc, 999));
	assert_int_equal(mapcache_next_due(mc), 1000);
	/* removed entries leave the heap, wherever they sit */
	for (i = 0; i < 200; i += 3)
		mapcache_remove(mc, e[i]);
	/* wake: later is ignored, earlier moves the deadline */
	mc_entry_wake(mc, e[1], 1UL << 40);
	assert_int_equal(e[1]->due_ms, 1000 + (7919 % 200) * 10);
	mc_entry_wake(mc, e[1], 10);
	assert_ptr_equal(mapcache_due(mc, 10), e[1]);
	assert_null(mapcache_due(mc, 9));
	/* everything comes out once, in deadline order */
	last = 0;
	n = 0;
	while ((d = mapcache_due(mc, UINT64_MAX - 1)) != NULL) {
		assert_true(d->due_ms >= last);
		last = d->due_ms;
		if (n % 2 == 0)
			mapcache_remove(mc, d);
		else
			mapcache_sched(mc, d, UINT64_MAX);	/* disarmed for good */
		n++;
	}
	assert_int_equal(n, 200 - 67);
	assert_int_equal(mapcache_next_due(mc), UINT64_MAX);
	mapcache_free(mc, NULL, NULL);
}

/* the timer heap over many pages of slots: it grows and shrinks by a
 * page while entries come and go, and gives them back in order */
static void
test_timers_pages(void **state)
{
	enum { N = 5000 };
	struct mapcache *mc = mapcache_new(NULL);
	static struct mc_entry *e[N];
	struct mc_entry *d;
	char pfx[64];
	uint64_t last;
	int i, n, round;

	(void)state;
	assert_non_null(mc);
	for (round = 0; round < 2; round++) {
		for (i = 0; i < N; i++) {
			snprintf(pfx, sizeof(pfx), "10.%d.%d.0/24", i / 256, i % 256);
			assert_non_null(e[i] = add(mc, pfx, 5));
			mapcache_sched(mc, e[i], 1000 + (uint64_t)((i * 7919) % N));
		}
		/* most leave, from anywhere in the heap */
		for (i = 0; i < N; i++)
			if (i % 5 != 0) {
				mapcache_remove(mc, e[i]);
				e[i] = NULL;
			}
		last = 0;
		n = 0;
		while ((d = mapcache_due(mc, UINT64_MAX - 1)) != NULL) {
			assert_true(d->due_ms >= last);
			last = d->due_ms;
			mapcache_remove(mc, d);
			n++;
		}
		assert_int_equal(n, N / 5);
		assert_int_equal(mapcache_count(mc), 0);
		assert_int_equal(mapcache_next_due(mc), UINT64_MAX);
	}
	mapcache_free(mc, NULL, NULL);
}

/* publication nonces: kept beside the map-cache for the entries that
 * have one, through the table's growth; a removed entry's goes with it */
static void
test_pub_nonce(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct mc_entry *e[300];
	char pfx[64];
	int i;

	(void)state;
	assert_non_null(mc);
	for (i = 0; i < 300; i++) {
		snprintf(pfx, sizeof(pfx), "198.18.%d.%d/32", i / 256, i % 256);
		assert_non_null(e[i] = add(mc, pfx, 0));
		assert_int_equal(mapcache_pub_nonce(mc, e[i]), 0);
	}
	for (i = 0; i < 300; i += 2)
		assert_int_equal(mapcache_set_pub_nonce(mc, e[i], 1000 + (uint64_t)i), 0);
	assert_int_equal(mapcache_set_pub_nonce(mc, e[4], 7), 0);	/* replaced */
	for (i = 0; i < 300; i++)
		assert_int_equal(mapcache_pub_nonce(mc, e[i]),
		    i == 4 ? 7 : i % 2 == 0 ? 1000 + (uint64_t)i : 0);
	for (i = 0; i < 300; i += 4)
		mapcache_remove(mc, e[i]);
	for (i = 0; i < 300; i++)
		if (i % 4 != 0)
			assert_int_equal(mapcache_pub_nonce(mc, e[i]),
			    i % 2 == 0 ? 1000 + (uint64_t)i : 0);
	/* a new entry of a removed one's prefix starts without */
	assert_non_null(e[0] = add(mc, "198.18.0.0/32", 0));
	assert_int_equal(mapcache_pub_nonce(mc, e[0]), 0);
	mapcache_free(mc, NULL, NULL);	/* the rest go with it (ASan) */
}

/* an entry takes 80 octets with an IPv4 EID-prefix, 96 with an IPv6
 * one, and gives its address back whole; the resolve time it keeps in
 * 16 bits is exact below 4096 us, within 1/2048 above, at most 134 s */
static void
test_entry_size_and_resolve(void **state)
{
	struct mapcache *mc = mapcache_new(NULL);
	struct lisp_addr a;
	struct mc_entry *e;
	uint64_t us, got;
	int mlen;

	assert_int_equal(offsetof(struct mc_entry, ea) + mc_eid_len(AFI_IPV4), 80);
	assert_true(offsetof(struct mc_entry, ea) + mc_eid_len(AFI_IPV6) <= 96);
	assert_int_equal(prefix_parse("2001:db8:ffff:1234:5678:9abc:def0:0/112", &a, &mlen), 0);
	addr_set_iid(&a, 0xfffffffe);
	assert_non_null(e = mapcache_add(mc, &a, mlen, 1000));
	assert_true(addr_equal(MC_EID(e), &a));
	assert_string_equal(prefix_fmt(MC_EID(e), e->mlen, (char[128]){ 0 }, 128),
	    "[4294967294]2001:db8:ffff:1234:5678:9abc:def0:0/112");
	assert_int_equal(mc_entry_resolve_us(e), 0);
	for (us = 1; us < 200000000; us = us * 3 + 1) {
		mc_entry_set_resolve_us(e, us);
		got = mc_entry_resolve_us(e);
		if (us < 4096)
			assert_int_equal(got, us);
		else if (us <= 134000000) {
			assert_true(got <= us);
			assert_true(us - got <= us / 2048);
		} else
			assert_true(got >= 134000000 && got < 134250000);
	}
	mapcache_free(mc, NULL, NULL);
}

int
main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lookup),
		cmocka_unit_test(test_foreach),
		cmocka_unit_test(test_pending_nonces_queue),
		cmocka_unit_test(test_res_lifetime),
		cmocka_unit_test(test_records),
		cmocka_unit_test(test_expire_refresh),
		cmocka_unit_test(test_json),
		cmocka_unit_test(test_timers),
		cmocka_unit_test(test_timers_pages),
		cmocka_unit_test(test_pub_nonce),
		cmocka_unit_test(test_naive),
		cmocka_unit_test(test_entry_size_and_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
