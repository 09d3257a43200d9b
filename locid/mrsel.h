/* Map-Resolver selection at the ITR: the configured map-resolvers are used
 * in order; one whose Map-Request goes unanswered for a timeout is marked
 * down and the next one is used; after a hold-down the first Map-Request
 * goes to it again (one test request at a time), and it is back in use as
 * soon as a Map-Reply to it arrives. "answered" means a Map-Reply with the
 * request's nonce came back, from the MR or from the ETR it forwarded to.
 * pure state over a caller's clock in milliseconds. */
#ifndef LOCID_MRSEL_H
#define LOCID_MRSEL_H

#include <stdint.h>

#include <jansson.h>

#include "addr.h"

#define MRSEL_MAX	8
#define MRSEL_PENDING	32

#define MRSEL_UP	0
#define MRSEL_DOWN	1
#define MRSEL_TESTING	2	/* hold-down over, one request outstanding */

struct mrsel_mr {
	struct lisp_addr addr;
	int		 state;		/* MRSEL_* */
	uint64_t	 retry_ms;	/* DOWN: end of the hold-down */
	uint64_t	 test_nonce;
	uint64_t	 change_ms, answer_ms;
	uint64_t	 sent, answered, timeouts;
};

struct mrsel_req {
	uint64_t	 nonce;		/* 0: free slot */
	uint64_t	 sent_ms;
	int		 mr;
};

struct mrsel {
	struct mrsel_mr	 mr[MRSEL_MAX];
	int		 n;
	struct mrsel_req req[MRSEL_PENDING];
	int		 next;		/* ring position of the next request */
	uint64_t	 timeout_ms, holddown_ms;
	/* told when a resolver goes down or comes back (monitor events) */
	void		(*changed)(void *, const struct lisp_addr *, int up);
	void		*changed_arg;
};

struct mrsel	*mrsel_new(void);
void		 mrsel_free(struct mrsel *);
/* (re)load the list; resolvers that stay keep their state */
void		 mrsel_set(struct mrsel *, const struct lisp_addr *, int n,
		    uint64_t timeout_ms, uint64_t holddown_ms);
/* the resolver for the next Map-Request (expires what timed out by now);
 * -1 when none is configured */
int		 mrsel_pick(struct mrsel *, uint64_t now);
const struct lisp_addr *mrsel_addr(const struct mrsel *, int);
int		 mrsel_index(const struct mrsel *, const struct lisp_addr *);	/* -1 if none */
void		 mrsel_sent(struct mrsel *, int, uint64_t nonce, uint64_t now);
/* a Map-Reply with nonce: 1 if it answered one of our requests */
int		 mrsel_reply(struct mrsel *, uint64_t nonce, uint64_t now);
/* requests unanswered after the timeout count against their resolver */
void		 mrsel_expire(struct mrsel *, uint64_t now);
const char	*mrsel_state_name(int);
json_t		*mrsel_json(const struct mrsel *, uint64_t now);

/* daemon side: load from the conf's map-resolvers and timers */
struct xtr;
void		 mrsel_conf(struct xtr *);

#endif
