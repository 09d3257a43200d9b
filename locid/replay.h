/* Map-Register replay protection at the Map-Server, per site.
 *
 * A registrant is (key-id, xTR-ID) when the Map-Register carries one (I
 * bit), else (key-id, outer source address). For each the site keeps the
 * last accepted nonce, where it came from and a digest of its last
 * MS_REPLAY_RING accepted messages (the first 8 octets of their
 * authentication data: an HMAC over the whole message).
 *
 * Deployed ETRs number their registers three ways (LISP-PROTOCOL.md §7.5):
 * RFC 9301 counts up, OOR draws random nonces, lispers.net sends the same
 * nonce every cycle. So, after the HMAC has been verified:
 *  - the registrant's last accepted message again, from the same source,
 *    is a retransmission: it refreshes, changes nothing, and the
 *    Map-Notify it asks for is limited;
 *  - a message the site accepted from another registrant or source is a
 *    replay (the last message of a registrant only while the registrant
 *    is live, heard in the last MS_REPLAY_LIVE_MS: an ETR whose source
 *    address changed sends the same bytes from its new address);
 *  - a live registrant that has been seen counting (two accepted nonces
 *    one to 2^32 apart), or with strict-register-nonce and an xTR-ID any
 *    registrant, a nonce not above the last accepted one is a replay.
 *    (A registrant silent for a registration's lifetime may have
 *    restarted its count: its registrations are gone by then.)
 * What this cannot catch: an earlier message of a registrant that does
 * not count, replayed from its own address (lispers.net legitimately
 * sends an earlier message again when its database flips back). */
#ifndef LOCID_REPLAY_H
#define LOCID_REPLAY_H

#include <stddef.h>
#include <stdint.h>

#include "addr.h"

#define MS_REPLAY_RING	8
#define MS_REPLAY_MAX	4096	/* registrants per site; the least recent goes */
#define MS_REPLAY_LIVE_MS	(180 * 1000)	/* a registrant heard since is live */
#define MS_REPLAY_IDLE_MS	(24 * 3600 * 1000ULL)	/* then forgotten */

enum replay_verdict {
	REPLAY_FRESH,		/* new content: apply */
	REPLAY_RETRANSMIT,	/* the registrant's last message again */
	REPLAY_OTHER_SOURCE,	/* accepted before from another registrant */
	REPLAY_NONCE,		/* counting registrant, nonce not increasing */
};

struct replay_id {
	uint8_t		 key_id;
	uint8_t		 ids;		/* id is an xTR-ID, else a source */
	uint8_t		 id[16];	/* xTR-ID, or the source (v4 in 4) */
};

struct replay_ent;
struct replay_dig;
struct replay_set {
	struct replay_ent	*head, *tail;	/* most recently accepted first */
	struct replay_ent	**ids;		/* nb buckets, by id */
	struct replay_dig	**digs;		/* nb * MS_REPLAY_RING, by digest */
	size_t			 nb;
	int			 n;
};

/* the registrant id of a message from src */
void	replay_id_make(struct replay_id *, uint8_t key_id, const uint8_t *xtr_id,
	    const struct lisp_addr *src);
/* what a verified message with this nonce and digest is */
enum replay_verdict replay_check(const struct replay_set *, const struct replay_id *,
	    const struct lisp_addr *src, uint64_t nonce, uint64_t digest, int strict,
	    uint64_t now);
/* record an accepted message (after every other check passed); returns 1
 * when a Map-Notify may go back: a retransmission gets one at most every
 * notify_ms */
int	replay_accept(struct replay_set *, const struct replay_id *,
	    const struct lisp_addr *src, uint64_t nonce, uint64_t digest,
	    enum replay_verdict, uint64_t now, uint64_t notify_ms);
void	replay_free(struct replay_set *);
const char *replay_verdict_name(enum replay_verdict);

#endif
