/* publish/subscribe (RFC 9437): the Map-Server's subscriptions
 * (pubsub.c) and what the ITR shares with it (the signed Map-Notify) */
#ifndef LOCID_PUBSUB_H
#define LOCID_PUBSUB_H

#include "locid.h"

#define PUBSUB_REC_MAX		512	/* one EID-record with its RLOCs */
#define PUBSUB_PER_XTR		256	/* subscriptions of one xTR-ID */
#define PUBSUB_PENDING_PER_RLOC	8	/* unacknowledged towards one ITR-RLOC */
#define PUBSUB_RETRIES		3	/* Map-Notify retransmissions */
#define PUBSUB_RETRY_MS		1000

struct pubsub;

/* a Map-Notify (type LISP_MAP_NOTIFY) or Map-Notify-Ack of one record
 * (nrec records of rec/len), signed with key; its length, 0 if it does
 * not fit or cannot be signed */
size_t	pubsub_msg_build(uint8_t type, uint64_t nonce, const struct conf_key *key,
	    const uint8_t *rec, size_t len, uint8_t nrec, uint8_t *buf, size_t cap);
/* 1 if the Map-Notify / Ack is signed with key */
int	pubsub_msg_verify(const struct conf_key *, const struct lisp_map_register *);

/* the Map-Server's side; NULL when no pubsub-key is configured */
struct pubsub	*pubsub_new(struct locid *);
void		 pubsub_free(struct pubsub *);
/* a Map-Request with I and the record's N bit, answered for eid/mlen
 * whose current mapping is the EID-record rec (an RLOC-less record when
 * nothing is registered) */
void		 pubsub_subscribe(struct pubsub *, const struct pkt *,
		    const struct lisp_map_request *, const struct lisp_addr *eid,
		    int mlen, const uint8_t *rec, size_t len);
/* a Map-Request with I, N and one ITR-RLOC of AFI 0 from src (the inner
 * source of its ECM): the subscriptions of its xTR-ID to eid/mlen at src
 * end. how many did */
int		 pubsub_unsubscribe(struct pubsub *, const struct lisp_addr *src,
		    const struct lisp_map_request *, const struct lisp_addr *eid,
		    int mlen);
/* the mapping of eid/mlen is now rec: every subscriber of it, or of the
 * longest subscribed prefix covering it, whose last record differs gets
 * a Map-Notify */
void		 pubsub_publish(struct pubsub *, const struct lisp_addr *eid,
		    int mlen, const uint8_t *rec, size_t len);
/* a Map-Notify-Ack: 1 if it acknowledged one of ours */
int		 pubsub_ack(struct pubsub *, const struct pkt *,
		    const struct lisp_map_register *);
/* show subscriptions; the counters for show stats */
json_t		*pubsub_json(struct pubsub *);
json_t		*pubsub_stats(struct pubsub *);

#endif
