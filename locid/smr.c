/* Solicit-Map-Requests from the ETR on a database change (see smr.h) */
#include <stdlib.h>
#include <string.h>

#include "locid.h"
#include "msg_build.h"
#include "smr.h"
#include "xtr.h"

#define SMR_WINDOW	4	/* slots probed per address in the target table */
#define SMR_BURST	16	/* SMRs sent per tick at most */

struct smr *
smr_new(void)
{
	struct smr *s;
	int i;

	if ((s = calloc(1, sizeof(*s))) == NULL)
		return NULL;
	for (i = 0; i < SMR_TARGETS; i++)
		addr_set_none(&s->t[i].rloc);
	return s;
}

void
smr_free(struct smr *s)
{
	if (s == NULL)
		return;
	free(s->snap);
	free(s);
}

static unsigned
addr_slot(const struct lisp_addr *a)
{
	const uint8_t *p = a->afi == AFI_IPV6 ? a->u.v6 : a->u.v4;
	size_t n = a->afi == AFI_IPV6 ? 16 : 4, i;
	uint32_t h = 2166136261u;

	for (i = 0; i < n; i++)
		h = (h ^ p[i]) * 16777619u;
	return h % SMR_TARGETS;
}

void
smr_note(struct smr *s, const struct lisp_addr *rloc, const struct lisp_addr *eid,
    int mlen, uint64_t now)
{
	struct smr_target *t, *victim = NULL;
	unsigned h;
	int k;

	if (rloc->afi != AFI_IPV4 && rloc->afi != AFI_IPV6)
		return;
	h = addr_slot(rloc);
	for (k = 0; k < SMR_WINDOW; k++) {
		t = &s->t[(h + (unsigned)k) % SMR_TARGETS];
		if (t->rloc.afi != AFI_NONE && addr_equal(&t->rloc, rloc)) {
			if (now > t->seen_ms)
				t->seen_ms = now;
			if (t->mlen != mlen || !addr_equal(&t->eid, eid)) {
				t->eid = *eid;
				t->eid.body = NULL;
				t->mlen = mlen;
			}
			return;
		}
		/* a free slot, else the one seen least recently without work */
		if (victim == NULL || (victim->rloc.afi != AFI_NONE &&
		    (t->rloc.afi == AFI_NONE || (t->pending == 0 &&
		    (victim->pending != 0 || t->seen_ms < victim->seen_ms)))))
			victim = t;
	}
	memset(victim, 0, sizeof(*victim));
	victim->rloc = *rloc;
	victim->rloc.body = NULL;
	victim->eid = *eid;
	victim->eid.body = NULL;
	victim->mlen = mlen;
	victim->seen_ms = now;
}

static int
rlocs_differ(const struct xtr_db *a, const struct xtr_db *b)
{
	int i;

	if (a->nrlocs != b->nrlocs)
		return 1;
	for (i = 0; i < a->nrlocs; i++)
		if (!addr_equal(&a->rlocs[i].addr, &b->rlocs[i].addr) ||
		    a->rlocs[i].priority != b->rlocs[i].priority ||
		    a->rlocs[i].weight != b->rlocs[i].weight)
			return 1;
	return 0;
}

static const struct xtr_db *
db_find(const struct xtr_db *db, int n, const struct xtr_db *d)
{
	int i;

	for (i = 0; i < n; i++)
		if (db[i].mlen == d->mlen && addr_equal(&db[i].eid, &d->eid))
			return &db[i];
	return NULL;
}

int
smr_diff(const struct xtr_db *old, int nold, const struct xtr_db *db, int ndb,
    struct smr_change *c, int max)
{
	const struct xtr_db *o;
	int i, n = 0;

	for (i = 0; i < ndb && n < max; i++)
		if ((o = db_find(old, nold, &db[i])) == NULL || rlocs_differ(o, &db[i])) {
			c[n].eid = db[i].eid;
			c[n++].mlen = db[i].mlen;
		}
	for (i = 0; i < nold && n < max; i++)
		if (db_find(db, ndb, &old[i]) == NULL) {
			c[n].eid = old[i].eid;
			c[n++].mlen = old[i].mlen;
		}
	return n;
}

void
smr_changed(struct smr *s, const struct smr_change *c, int n, uint64_t now,
    uint64_t delay)
{
	uint32_t mask = 0;
	int i, j, busy = 0;

	for (i = 0; i < SMR_TARGETS; i++)
		if (s->t[i].pending)
			busy = 1;
	if (!busy)
		s->nc = 0;
	for (i = 0; i < n; i++) {
		for (j = 0; j < s->nc; j++)
			if (s->c[j].mlen == c[i].mlen && addr_equal(&s->c[j].eid, &c[i].eid))
				break;
		if (j == s->nc) {
			if (s->nc == SMR_CHANGES) {
				s->dropped++;
				continue;
			}
			s->c[s->nc] = c[i];
			s->c[s->nc++].eid.body = NULL;
		}
		mask |= 1u << j;
		s->changes++;
	}
	for (i = 0; i < SMR_TARGETS; i++) {
		struct smr_target *t = &s->t[i];

		if (t->rloc.afi != AFI_NONE && t->seen_ms + SMR_RECENT_MS >= now)
			t->pending |= mask;
	}
	s->due_ms = now + delay;
}

int
smr_next(struct smr *s, uint64_t now, struct smr_target **tp, const struct smr_change **cp)
{
	int i, j;

	if (now < s->due_ms)
		return 0;
	for (i = 0; i < SMR_TARGETS; i++) {
		struct smr_target *t = &s->t[i];

		if (t->pending == 0 || (t->last_ms != 0 && now < t->last_ms + SMR_INTERVAL_MS))
			continue;
		for (j = 0; j < s->nc; j++)
			if (t->pending & (1u << j))
				break;
		if (j == s->nc) {
			t->pending = 0;
			continue;
		}
		t->pending &= ~(1u << j);
		t->last_ms = now;
		t->sent++;
		s->sent++;
		*tp = t;
		*cp = &s->c[j];
		return 1;
	}
	return 0;
}

uint64_t
smr_next_due(const struct smr *s)
{
	uint64_t due = UINT64_MAX, d;
	int i;

	for (i = 0; i < SMR_TARGETS; i++) {
		const struct smr_target *t = &s->t[i];

		if (t->pending == 0)
			continue;
		d = t->last_ms != 0 ? t->last_ms + SMR_INTERVAL_MS : 0;
		if (d < s->due_ms)
			d = s->due_ms;
		if (d < due)
			due = d;
	}
	return due;
}

size_t
smr_encode(uint8_t *buf, size_t cap, const struct smr_change *c, const struct smr_target *t,
    uint64_t nonce, const struct lisp_addr *itr, int nitr)
{
	struct mreq_build b;

	memset(&b, 0, sizeof(b));
	b.flags = MREQ_S;
	b.nonce = nonce;
	b.seid = c->eid;
	b.itr = itr;
	b.nitr = nitr;
	b.eid = t->eid;
	b.mlen = t->mlen;
	return map_request_build(buf, cap, &b);
}

static void
snapshot(struct xtr *x)
{
	struct smr *s = x->smr;
	struct xtr_db *d;
	int i;

	if ((d = calloc(x->ndb ? (size_t)x->ndb : 1, sizeof(*d))) == NULL)
		return;
	memcpy(d, x->db, (size_t)x->ndb * sizeof(*d));
	for (i = 0; i < x->ndb; i++) {
		int j;

		for (j = 0; j < d[i].nrlocs; j++)	/* points into the old conf */
			d[i].rlocs[j].ifname = NULL;
	}
	free(s->snap);
	s->snap = d;
	s->nsnap = x->ndb;
}

int
smr_start(struct xtr *x)
{
	if ((x->smr = smr_new()) == NULL)
		return -1;
	snapshot(x);
	return 0;
}

/* the ITRs of a recently used entry's locators are likely to send to us */
static int
note_cb(struct mc_entry *e, void *arg)
{
	struct xtr *x = arg;
	struct lisp_addr la;
	int i;

	if (e->state != MC_POSITIVE || mc_entry_used(e) + SMR_RECENT_MS < now_ms())
		return 0;
	for (i = 0; i < e->nlocs; i++) {
		const struct fib_loc *l = mc_entry_loc(e, i, &(struct fib_loc){ 0 });

		if (!(l->flags & RLOC_R) || l->priority == 255)
			continue;
		fib_loc_addr(l, &la);
		smr_note(x->smr, &la, MC_EID(e), e->mlen, mc_entry_used(e));
	}
	return 0;
}

void
smr_reconf(struct xtr *x)
{
	struct smr *s = x->smr;
	struct smr_change c[SMR_CHANGES];
	uint64_t now = now_ms();
	char buf[ADDR_STRLEN];
	int n, i;

	if (s == NULL)
		return;
	n = smr_diff(s->snap, s->nsnap, x->db, x->ndb, c, SMR_CHANGES);
	snapshot(x);
	if (n == 0 || !x->etr)
		return;
	/* the ITRs we send to are likely to send to us */
	mapcache_foreach(x->mc, note_cb, x);
	smr_changed(s, c, n, now, SMR_DELAY_MS);
	for (i = 0; i < n; i++)
		log_info("smr: database-mapping %s changed, soliciting map-requests",
		    prefix_fmt(&c[i].eid, c[i].mlen, buf, sizeof(buf)));
}

void
smr_tick(struct xtr *x, uint64_t now)
{
	struct smr *s = x->smr;
	struct smr_target *t;
	const struct smr_change *c;
	struct lisp_addr itr[2], dst;
	struct sockaddr_storage ss;
	uint8_t buf[512];
	char a[ADDR_STRLEN], p[ADDR_STRLEN];
	size_t len;
	uint16_t port = x->l->conf->control_port ? x->l->conf->control_port :
	    LISP_CONTROL_PORT;
	int nitr = 0, burst = SMR_BURST;

	if (s == NULL)
		return;
	s->now_ms = now;
	if (!x->etr)
		return;
	if (x->rloc4.afi != AFI_NONE)
		itr[nitr++] = x->rloc4;
	if (x->rloc6.afi != AFI_NONE)
		itr[nitr++] = x->rloc6;
	while (burst-- > 0 && smr_next(s, now, &t, &c) == 1) {
		dst = t->rloc;
		dst.has_iid = 0;
		if (nitr == 0 || !core_can_send(x->l, &dst) ||
		    (len = smr_encode(buf, sizeof(buf), c, t, xtr_nonce(), itr, nitr)) == 0)
			continue;
		sockaddr_from_addr(&ss, &dst, port);
		if (locid_send(x->l, (struct sockaddr *)&ss, buf, len) == -1)
			continue;
		log_info("smr: solicit-map-request for %s sent to %s",
		    prefix_fmt(&c->eid, c->mlen, p, sizeof(p)), addr_fmt(&dst, a, sizeof(a)));
		if (core_monitoring(x->l))
			core_event(x->l, "smr", json_pack("{s:s, s:s, s:s}", "event", "sent",
			    "eid_prefix", p, "to", a));
	}
}

void
smr_decap(struct xtr *x, const struct sockaddr *from, const struct decap *d)
{
	struct lisp_addr rloc, eid;
	uint16_t port;

	if (x->smr == NULL || addr_from_sockaddr(&rloc, from, &port) == -1)
		return;
	eid = d->ip.src;
	if (d->has_iid && d->iid != 0) {
		eid.has_iid = 1;
		eid.iid = d->iid;
	}
	smr_note(x->smr, &rloc, &eid, addr_bits(&eid), now_ms());
}

json_t *
smr_json(const struct smr *s, uint64_t now)
{
	char a[ADDR_STRLEN];
	json_t *o = json_object(), *arr = json_array(), *t;
	int i;

	json_object_set_new(o, "sent", json_integer((json_int_t)s->sent));
	json_object_set_new(o, "changes", json_integer((json_int_t)s->changes));
	for (i = 0; i < SMR_TARGETS; i++) {
		const struct smr_target *st = &s->t[i];

		if (st->rloc.afi == AFI_NONE || st->seen_ms + SMR_RECENT_MS < now)
			continue;
		t = json_object();
		json_object_set_new(t, "rloc", json_string(addr_fmt(&st->rloc, a, sizeof(a))));
		json_object_set_new(t, "eid", json_string(prefix_fmt(&st->eid, st->mlen, a,
		    sizeof(a))));
		json_object_set_new(t, "smr_sent", json_integer((json_int_t)st->sent));
		json_object_set_new(t, "pending", json_integer(__builtin_popcount(st->pending)));
		json_array_append_new(arr, t);
	}
	json_object_set_new(o, "recent_itrs", arr);
	return o;
}
