/* Map-Register replay protection (see replay.h for the rules).
 *
 * Per site: the registrants in a list, most recently accepted first (the
 * least recent is the one to forget), found by id through a hash table,
 * and every digest of their rings in a second table, so that a Map-Register
 * costs a few lookups however many registrants the site has. Both tables
 * are keyed with a per-process secret: a registrant holding the site key
 * chooses its xTR-ID and, by trying, its digests. */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct replay_dig {			/* one ring slot, chained by digest */
	struct replay_dig	*next;
	struct replay_ent	*e;
	uint64_t		 digest;
	uint8_t			 used;
};

struct replay_ent {
	struct replay_ent	*prev, *next;	/* most recently accepted first */
	struct replay_ent	*id_next;	/* id chain */
	struct replay_id	 id;
	uint8_t			 src[16];	/* where it was last accepted from */
	uint8_t			 src6;
	uint8_t			 counting;	/* seen counting up */
	uint8_t			 ring_n, ring_pos;
	uint64_t		 nonce;		/* last accepted */
	uint64_t		 heard_ms;	/* last accepted, retransmissions too */
	uint64_t		 notify_ms;	/* last Map-Notify allowed */
	struct replay_dig	 ring[MS_REPLAY_RING];	/* ring[ring_pos - 1]: last */
};

static uint64_t replay_seed;

static uint64_t
mix(uint64_t h)
{
	h ^= h >> 30;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 27;
	h *= 0x94d049bb133111ebULL;
	h ^= h >> 31;
	return h;
}

static uint64_t
seed(void)
{
	while (replay_seed == 0)
		arc4random_buf(&replay_seed, sizeof(replay_seed));
	return replay_seed;
}

static size_t
id_slot(const struct replay_set *rs, const struct replay_id *id)
{
	uint64_t w[3] = { 0, 0, 0 };

	memcpy(w, id, sizeof(*id) < sizeof(w) ? sizeof(*id) : sizeof(w));
	return mix(mix(mix(seed() ^ w[0]) ^ w[1]) ^ w[2]) & (rs->nb - 1);
}

static size_t
dig_slot(const struct replay_set *rs, uint64_t digest)
{
	return mix(seed() ^ digest) & (rs->nb * MS_REPLAY_RING - 1);
}

void
replay_id_make(struct replay_id *id, uint8_t key_id, const uint8_t *xtr_id,
    const struct lisp_addr *src)
{
	memset(id, 0, sizeof(*id));
	id->key_id = key_id;
	if (xtr_id != NULL) {
		id->ids = 1;
		memcpy(id->id, xtr_id, sizeof(id->id));
	} else if (src->afi == AFI_IPV4) {
		memcpy(id->id, src->u.v4, 4);
	} else {
		id->ids = 2;	/* an IPv6 source */
		memcpy(id->id, src->u.v6, 16);
	}
}

static int
same_src(const struct replay_ent *e, const struct lisp_addr *src)
{
	if (src->afi == AFI_IPV4)
		return !e->src6 && memcmp(e->src, src->u.v4, 4) == 0;
	return e->src6 && memcmp(e->src, src->u.v6, 16) == 0;
}

static uint64_t
last_digest(const struct replay_ent *e)
{
	return e->ring[(e->ring_pos + MS_REPLAY_RING - 1) % MS_REPLAY_RING].digest;
}

static struct replay_ent *
find(const struct replay_set *rs, const struct replay_id *id)
{
	struct replay_ent *e;

	if (rs->nb == 0)
		return NULL;
	for (e = rs->ids[id_slot(rs, id)]; e != NULL; e = e->id_next)
		if (memcmp(&e->id, id, sizeof(*id)) == 0)
			return e;
	return NULL;
}

/* a registrant other than (id, src) accepted this message */
static int
accepted_elsewhere(const struct replay_set *rs, const struct replay_id *id,
    const struct lisp_addr *src, uint64_t digest, uint64_t now)
{
	const struct replay_dig *d;

	if (rs->nb == 0)
		return 0;
	for (d = rs->digs[dig_slot(rs, digest)]; d != NULL; d = d->next) {
		const struct replay_ent *e = d->e;
		int self;

		if (d->digest != digest)
			continue;
		self = memcmp(&e->id, id, sizeof(*id)) == 0;
		if (self && same_src(e, src))
			continue;
		/* its last message from a new address: the registrant moved
		 * once it has been silent for a while */
		if (self && digest == last_digest(e) &&
		    now - e->heard_ms >= MS_REPLAY_LIVE_MS)
			continue;
		return 1;
	}
	return 0;
}

enum replay_verdict
replay_check(const struct replay_set *rs, const struct replay_id *id,
    const struct lisp_addr *src, uint64_t nonce, uint64_t digest, int strict,
    uint64_t now)
{
	const struct replay_ent *e = find(rs, id);

	if (accepted_elsewhere(rs, id, src, digest, now))
		return REPLAY_OTHER_SOURCE;
	if (e == NULL)
		return REPLAY_FRESH;
	if (strict && nonce <= e->nonce)	/* RFC 9301: MUST drop */
		return REPLAY_NONCE;
	if (e->ring_n > 0 && digest == last_digest(e) && same_src(e, src))
		return REPLAY_RETRANSMIT;
	/* a counting registrant silent for longer than its registration
	 * lives may have restarted its count */
	if (e->counting && nonce <= e->nonce && now - e->heard_ms < MS_REPLAY_LIVE_MS)
		return REPLAY_NONCE;
	return REPLAY_FRESH;
}

static void
dig_unlink(struct replay_set *rs, struct replay_dig *d)
{
	struct replay_dig **pp;

	if (!d->used)
		return;
	for (pp = &rs->digs[dig_slot(rs, d->digest)]; *pp != NULL; pp = &(*pp)->next)
		if (*pp == d) {
			*pp = d->next;
			break;
		}
	d->used = 0;
}

static void
dig_link(struct replay_set *rs, struct replay_dig *d)
{
	size_t s = dig_slot(rs, d->digest);

	d->next = rs->digs[s];
	rs->digs[s] = d;
	d->used = 1;
}

static void
id_link(struct replay_set *rs, struct replay_ent *e)
{
	size_t s = id_slot(rs, &e->id);

	e->id_next = rs->ids[s];
	rs->ids[s] = e;
}

static void
lru_unlink(struct replay_set *rs, struct replay_ent *e)
{
	if (e->prev != NULL)
		e->prev->next = e->next;
	else
		rs->head = e->next;
	if (e->next != NULL)
		e->next->prev = e->prev;
	else
		rs->tail = e->prev;
	e->prev = e->next = NULL;
}

static void
lru_front(struct replay_set *rs, struct replay_ent *e)
{
	e->prev = NULL;
	e->next = rs->head;
	if (rs->head != NULL)
		rs->head->prev = e;
	else
		rs->tail = e;
	rs->head = e;
}

static void
forget(struct replay_set *rs, struct replay_ent *e)
{
	struct replay_ent **pp;
	int i;

	for (pp = &rs->ids[id_slot(rs, &e->id)]; *pp != NULL; pp = &(*pp)->id_next)
		if (*pp == e) {
			*pp = e->id_next;
			break;
		}
	for (i = 0; i < MS_REPLAY_RING; i++)
		dig_unlink(rs, &e->ring[i]);
	lru_unlink(rs, e);
	free(e);
	rs->n--;
}

/* the tables grow with the registrants: a bucket per registrant and one
 * per digest; 0 when they cannot (lookups then stay correct, only
 * longer) */
static int
grow(struct replay_set *rs)
{
	struct replay_ent **ids, *e;
	struct replay_dig **digs;
	size_t nb = rs->nb == 0 ? 4 : rs->nb * 2;
	int i;

	if ((ids = calloc(nb, sizeof(*ids))) == NULL)
		return -1;
	if ((digs = calloc(nb * MS_REPLAY_RING, sizeof(*digs))) == NULL) {
		free(ids);
		return -1;
	}
	free(rs->ids);
	free(rs->digs);
	rs->ids = ids;
	rs->digs = digs;
	rs->nb = nb;
	for (e = rs->head; e != NULL; e = e->next) {
		id_link(rs, e);
		for (i = 0; i < MS_REPLAY_RING; i++)
			if (e->ring[i].used)
				dig_link(rs, &e->ring[i]);
	}
	return 0;
}

/* the least recently accepted go first: over the bound, or silent for a
 * day */
static void
forget_idle(struct replay_set *rs, uint64_t now)
{
	while (rs->tail != NULL &&
	    (rs->n > MS_REPLAY_MAX || now - rs->tail->heard_ms > MS_REPLAY_IDLE_MS))
		forget(rs, rs->tail);
}

int
replay_accept(struct replay_set *rs, const struct replay_id *id,
    const struct lisp_addr *src, uint64_t nonce, uint64_t digest,
    enum replay_verdict v, uint64_t now, uint64_t notify_ms)
{
	struct replay_dig *d;
	struct replay_ent *e;
	int i;

	if ((e = find(rs, id)) != NULL) {
		lru_unlink(rs, e);
	} else {
		if ((size_t)rs->n >= rs->nb && grow(rs) != 0 && rs->nb == 0)
			return 1;	/* no state: no protection, still answer */
		if ((e = calloc(1, sizeof(*e))) == NULL)
			return 1;
		e->id = *id;
		for (i = 0; i < MS_REPLAY_RING; i++)
			e->ring[i].e = e;
		id_link(rs, e);
		rs->n++;
	}
	lru_front(rs, e);
	e->heard_ms = now;
	if (src->afi == AFI_IPV4) {
		e->src6 = 0;
		memcpy(e->src, src->u.v4, 4);
	} else {
		e->src6 = 1;
		memcpy(e->src, src->u.v6, 16);
	}
	forget_idle(rs, now);
	if (v == REPLAY_RETRANSMIT) {
		if (now - e->notify_ms < notify_ms)
			return 0;
		e->notify_ms = now;
		return 1;
	}
	if (e->ring_n > 0 && nonce > e->nonce && nonce - e->nonce <= (1ULL << 32))
		e->counting = 1;
	e->nonce = nonce;
	d = &e->ring[e->ring_pos];
	dig_unlink(rs, d);
	d->digest = digest;
	dig_link(rs, d);
	e->ring_pos = (uint8_t)((e->ring_pos + 1) % MS_REPLAY_RING);
	if (e->ring_n < MS_REPLAY_RING)
		e->ring_n++;
	e->notify_ms = now;
	return 1;
}

void
replay_free(struct replay_set *rs)
{
	struct replay_ent *e, *next;

	for (e = rs->head; e != NULL; e = next) {
		next = e->next;
		free(e);
	}
	free(rs->ids);
	free(rs->digs);
	memset(rs, 0, sizeof(*rs));
}

const char *
replay_verdict_name(enum replay_verdict v)
{
	switch (v) {
	case REPLAY_FRESH:		return "fresh";
	case REPLAY_RETRANSMIT:		return "retransmission";
	case REPLAY_OTHER_SOURCE:	return "accepted before from another registrant";
	case REPLAY_NONCE:		return "nonce not increasing";
	}
	return "?";
}
