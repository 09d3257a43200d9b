/* Map-Register replay protection (see replay.h for the rules) */
#include <stdlib.h>
#include <string.h>

#include "replay.h"

struct replay_ent {
	struct replay_ent	*next;
	struct replay_id	 id;
	uint8_t			 src[16];	/* where it was last accepted from */
	uint8_t			 src6;
	uint8_t			 counting;	/* seen counting up */
	uint8_t			 ring_n, ring_pos;
	uint64_t		 nonce;		/* last accepted */
	uint64_t		 ring[MS_REPLAY_RING];	/* ring[ring_pos - 1]: last */
	uint64_t		 heard_ms;	/* last accepted, retransmissions too */
	uint64_t		 notify_ms;	/* last Map-Notify allowed */
};

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
	return e->ring[(e->ring_pos + MS_REPLAY_RING - 1) % MS_REPLAY_RING];
}

static struct replay_ent *
find(const struct replay_set *rs, const struct replay_id *id)
{
	struct replay_ent *e;

	for (e = rs->head; e != NULL; e = e->next)
		if (memcmp(&e->id, id, sizeof(*id)) == 0)
			return e;
	return NULL;
}

/* a registrant other than (id, src) accepted this message */
static int
accepted_elsewhere(const struct replay_set *rs, const struct replay_id *id,
    const struct lisp_addr *src, uint64_t digest, uint64_t now)
{
	const struct replay_ent *e;
	int i;

	for (e = rs->head; e != NULL; e = e->next) {
		int self = memcmp(&e->id, id, sizeof(*id)) == 0;

		if (self && same_src(e, src))
			continue;
		for (i = 0; i < e->ring_n; i++) {
			if (e->ring[i] != digest)
				continue;
			/* its last message from a new address: the registrant
			 * moved once it has been silent for a while */
			if (self && digest == last_digest(e) &&
			    now - e->heard_ms >= MS_REPLAY_LIVE_MS)
				continue;
			return 1;
		}
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
forget_idle(struct replay_set *rs, uint64_t now)
{
	struct replay_ent *e, **pp;
	int n = 0;

	for (pp = &rs->head; (e = *pp) != NULL; ) {
		if (++n > MS_REPLAY_MAX || now - e->heard_ms > MS_REPLAY_IDLE_MS) {
			*pp = e->next;
			free(e);
			rs->n--;
			continue;
		}
		pp = &e->next;
	}
}

int
replay_accept(struct replay_set *rs, const struct replay_id *id,
    const struct lisp_addr *src, uint64_t nonce, uint64_t digest,
    enum replay_verdict v, uint64_t now, uint64_t notify_ms)
{
	struct replay_ent *e, **pp;

	for (pp = &rs->head; (e = *pp) != NULL; pp = &e->next)
		if (memcmp(&e->id, id, sizeof(*id)) == 0) {
			*pp = e->next;		/* to the front */
			break;
		}
	if (e == NULL) {
		if ((e = calloc(1, sizeof(*e))) == NULL)
			return 1;	/* no state: no protection, still answer */
		e->id = *id;
		rs->n++;
	}
	e->next = rs->head;
	rs->head = e;
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
	e->ring[e->ring_pos] = digest;
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
	rs->head = NULL;
	rs->n = 0;
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
