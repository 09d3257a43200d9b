/* RLOC probing at the ITR (RFC 9301 §7.1): RLOC-probe Map-Requests to
 * the locators of map-cache entries in use; a locator that stops
 * answering goes down, so rloc_select moves its traffic to the next
 * priority, and comes back when it answers again. the ETR side (P=1
 * Map-Replies with the p bit) is in etr.c. the state machine of one
 * locator is a set of pure functions over a clock in microseconds. */
#ifndef LOCID_PROBE_H
#define LOCID_PROBE_H

#include <stddef.h>
#include <stdint.h>

#include "mapcache.h"

struct conf;
struct pkt;
struct xtr;

#define PROBE_BURST	64	/* probes sent per tick at most */

struct probe_timers {
	uint64_t	 interval_us;	/* 0: probing off */
	uint64_t	 timeout_us;
	uint32_t	 retries;	/* unanswered probes tolerated before down */
	uint64_t	 idle_us;	/* entries unused for this long are not probed */
};

/* the state machine of one locator's probe state (mc_entry_probe,
 * mc_entry_probe_make); a locator probed down is not used by the next
 * publish of its entry (mc_entry_publish). */
/* a probe is due now (nothing outstanding, next time reached) */
int	probe_loc_due(const struct mc_probe *, const struct probe_timers *, uint64_t now);
/* a probe with nonce went out at now; next_us = now + interval - jitter.
 * -1 when p is NULL (no memory for the probe state: nothing sent) */
int	probe_loc_sent(struct mc_probe *, const struct probe_timers *, uint64_t nonce,
	    uint64_t now, uint64_t jitter);
/* a P=1 Map-Reply with nonce: -1 if it is not this locator's outstanding
 * probe (or p is NULL); else the locator is up, its RTT measured, and 1
 * is returned when that changed its state (0 otherwise) */
int	probe_loc_reply(struct mc_probe *, uint64_t nonce, uint64_t now);
/* the outstanding probe timed out by now: counts a miss; beyond retries
 * the locator goes down (returns 1), before that a new probe is due at
 * once. 0 when nothing changed (or p is NULL) */
int	probe_loc_expire(struct mc_probe *, const struct probe_timers *, uint64_t now);

/* the RLOC-probe Map-Request for the EID-prefix of e: P=1, no Source-EID,
 * ITR-RLOCs itr[0..nitr-1]. returns its length, 0 if it does not fit */
size_t	probe_encode(uint8_t *, size_t, const struct mc_entry *, uint64_t nonce,
	    const struct lisp_addr *itr, int nitr);

/* daemon side (needs a struct xtr) */
void	probe_timers_conf(struct probe_timers *, const struct conf *);
/* the RLOC-probe timers of one entry, due or not: time out, send (at most
 * *burst, which is decremented), and return the earliest deadline of its
 * locators in microseconds (UINT64_MAX: none; an entry not used within
 * idle_us has only its outstanding probes' timeouts) */
struct mc_entry;
uint64_t probe_entry(struct xtr *, struct mc_entry *, const struct probe_timers *,
	    uint64_t now_us, int *burst);
void	probe_reply_in(struct xtr *, const struct pkt *, const struct lisp_map_reply *);

#endif
