/* the xTR role (ETR + ITR) inside locid: shared state of xtr.c (life
 * cycle, sockets, kernel state, operator view), etr.c (registration,
 * Map-Replies, decapsulation) and itr.c (map-cache resolution and
 * encapsulation). */
#ifndef LOCID_XTR_H
#define LOCID_XTR_H

#include <sys/socket.h>

#include <net/if.h>

#include "dataplane.h"
#include "dp.h"
#include "ebpf.h"
#include "locid.h"
#include "mapcache.h"
#include "pxtr.h"

#define XTR_LOCAL_RLOCS	8
#define XTR_REG_NONCES	8
#define XTR_TICK_MS	100	/* the lateness timers allow for (probe jitter) */
#define XTR_SLEEP_MAX_MS 60000	/* the timer sleeps at most this long */
#define XTR_TICK_BUDGET_US 2000	/* timer work per turn of the loop */

/* a local RLOC of a database-mapping, resolved */
struct xtr_rloc {
	struct lisp_addr addr;		/* AFI_NONE while its interface has no address */
	uint8_t		 priority, weight;
	const char	*ifname;	/* points into the conf */
	int		 family;
	int		 local;		/* an address of this node: L bit, source */
};

/* a database-mapping */
struct xtr_db {
	struct lisp_addr eid;
	int		 mlen;
	uint32_t	 ttl;		/* minutes */
	int		 tenant;	/* in an instance-id block: its rules, not these */
	int		 nrlocs;
	struct xtr_rloc	 rlocs[XTR_LOCAL_RLOCS];	/* sorted by address */
};

/* a tenant's kernel state (instance-id blocks), as rules_install made it
 * (removed from this, not from a conf that may have changed) */
#define XTR_TENANT_ROUTES	32
struct xtr_tenant {
	uint32_t	 iid, table, prio;	/* table 0: nothing installed */
	char		 tun[IFNAMSIZ];
	int		 tun_if;
	int		 fams;		/* FAM_V4 | FAM_V6 of its EID-prefixes */
	int		 nifs;
	char		 ifs[CONF_TENANT_IFS][IFNAMSIZ];
	int		 ifidx[CONF_TENANT_IFS];	/* as last seen, 0 none */
	int		 nroutes;
	struct {
		struct lisp_addr dst;
		int	 plen, oif;
	}		 routes[XTR_TENANT_ROUTES];
};

/* registration state with one Map-Server */
struct auth_key;

struct xtr_ms {
	struct lisp_addr addr;
	uint8_t		 key_id, alg;
	char		*secret;
	struct auth_key	*akey;		/* secret's HMAC prepared (auth.h) */
	int		 proxy_reply, want_notify;
	int		 quick_left;	/* quick registrations still due */
	uint64_t	 next_ms;	/* next periodic Map-Register */
	int		 awaiting;	/* a Map-Notify is owed */
	uint64_t	 retx_ms;
	uint32_t	 backoff_ms;
	uint64_t	 nonces[XTR_REG_NONCES];
	int		 nnonces;
	uint64_t	 registers, notifies, notify_bad;
	uint64_t	 last_register_s, last_notify_s;	/* wall clock */
};

/* sign (in place) / verify (1 valid) a message to / from ms with its key:
 * the prepared one, or the secret when there is none */
int	xtr_ms_sign(const struct xtr_ms *, uint8_t *msg, size_t len,
	    size_t auth_off, size_t auth_len);
int	xtr_ms_verify(const struct xtr_ms *, const uint8_t *msg, size_t len,
	    size_t auth_off, size_t auth_len);

/* the drops of the xTR modules (etr.c, itr.c, probe.c, pxtr.c, xtr.c) */
#define XTR_DROPS(X) \
	X(XTR_DROP_MAP_NOTIFY_FROM_UNKNOWN_MAP_SERVER, "map-notify from unknown map-server") \
	X(XTR_DROP_MAP_NOTIFY_AUTHENTICATION_FAILED, "map-notify authentication failed") \
	X(XTR_DROP_MAP_NOTIFY_NONCE_MISMATCH, "map-notify nonce mismatch") \
	X(XTR_DROP_MAP_REQUEST_WITHOUT_ETR_ROLE, "map-request without etr role") \
	X(XTR_DROP_ETR_SMR_IN_AN_ECM, "etr: smr in an ecm") \
	X(XTR_DROP_MAP_REQUEST_FOR_AN_EID_NOT_OURS, "map-request for an EID not ours") \
	X(XTR_DROP_MAP_REQUEST_WITHOUT_USABLE_ITR_RLOC, "map-request without usable itr-rloc") \
	X(XTR_DROP_ETR_MAP_REPLY_RATE_LIMITED, "etr: map-reply rate limited") \
	X(XTR_DROP_ETR_RLOC_PROBE_REPLY_RATE_LIMITED, "etr: rloc-probe reply rate limited") \
	X(XTR_DROP_MAP_REPLY_DOES_NOT_FIT, "map-reply does not fit") \
	X(XTR_DROP_ITR_TOO_MANY_DESTINATIONS_RESOLVING, "itr: too many destinations resolving") \
	X(XTR_DROP_ITR_OUT_OF_MEMORY, "itr: out of memory") \
	X(XTR_DROP_ITR_MAP_REPLY_WITH_UNKNOWN_NONCE, "itr: map-reply with unknown nonce") \
	X(XTR_DROP_ITR_MAP_REPLY_RECORD_WITH_AN_UNUSABLE_EID, "itr: map-reply record with an unusable eid") \
	X(XTR_DROP_ITR_MAP_REPLY_MALFORMED_LOCATOR, "itr: map-reply malformed lcaf locator skipped") \
	X(XTR_DROP_ITR_MAP_REPLY_RECORD_NOT_ASKED_FOR, "itr: map-reply record not asked for") \
	X(XTR_DROP_ITR_MAP_REPLY_RECORD_COARSER_THAN_ALLOWED, "itr: map-reply record coarser than allowed") \
	X(XTR_DROP_ITR_MAP_REPLY_RECORD_FOR_A_PREFIX_LEARNED_ELSEWHERE, "itr: map-reply record for a prefix learned elsewhere") \
	X(XTR_DROP_ITR_MAP_REPLY_DID_NOT_COVER_THE_REQUESTED_EID, "itr: map-reply did not cover the requested eid") \
	X(XTR_DROP_ITR_SMR_FOR_AN_EID_NOT_IN_THE_MAP_CACHE, "itr: smr for an eid not in the map-cache") \
	X(XTR_DROP_ITR_RESOLUTION_QUEUE_FULL, "itr: resolution queue full") \
	X(XTR_DROP_ITR_MAP_REQUEST_UNANSWERED, "itr: map-request unanswered") \
	X(XTR_DROP_ITR_RLOC_PROBE_REPLY_NOT_AUTHORITATIVE, "itr: rloc-probe reply not authoritative") \
	X(XTR_DROP_ITR_RLOC_PROBE_REPLY_NOT_FROM_THE_PROBED_RLOC, "itr: rloc-probe reply not from the probed rloc") \
	X(XTR_DROP_ITR_RLOC_PROBE_REPLY_WITH_UNKNOWN_NONCE, "itr: rloc-probe reply with unknown nonce") \
	X(XTR_DROP_NAT_INFO_REPLY_UNKNOWN_NONCE, "nat: info-reply with unknown nonce") \
	X(XTR_DROP_NAT_INFO_REPLY_NOT_FROM_THE_MAP_SERVER, "nat: info-reply not from the map-server asked") \
	X(XTR_DROP_NAT_INFO_REPLY_AUTHENTICATION_FAILED, "nat: info-reply authentication failed") \
	X(XTR_DROP_NAT_DATA_MAP_NOTIFY_MALFORMED, "nat: data-map-notify malformed") \
	X(XTR_DROP_NAT_SHORTCUT_NOT_FROM_AN_RTR, "nat: short-cut not from an rtr") \
	X(XTR_DROP_NAT_SHORTCUT_UNKNOWN_NONCE, "nat: short-cut with unknown nonce") \
	X(XTR_DROP_NAT_SHORTCUT_UNUSABLE, "nat: short-cut record unusable") \
	X(XTR_DROP_ITR_MAP_REQUEST_DEFERRED_PER_EID, "itr: map-request deferred by the per-eid limit") \
	X(XTR_DROP_ITR_MAP_CACHE_ENTRY_EVICTED, "itr: map-cache entry evicted (map-cache-limit)") \
	X(XTR_DROP_ITR_MAP_CACHE_FULL, "itr: map-cache full") \
	X(XTR_DROP_ITR_MORE_SPECIFIC_WITHDRAWN, "itr: cached more-specific withdrawn by its site") \
	X(XTR_DROP_ITR_LISP_SEC_MAP_REPLY_WITHOUT_LISP_SEC, "itr: lisp-sec: map-reply without lisp-sec") \
	X(XTR_DROP_ITR_LISP_SEC_MALFORMED, "itr: lisp-sec: malformed authentication data") \
	X(XTR_DROP_ITR_LISP_SEC_NO_ONE_TIME_KEY, "itr: lisp-sec: no one-time key for the nonce") \
	X(XTR_DROP_ITR_LISP_SEC_EID_HMAC, "itr: lisp-sec: eid-ad hmac does not verify") \
	X(XTR_DROP_ITR_LISP_SEC_PKT_HMAC, "itr: lisp-sec: pkt-ad hmac does not verify") \
	X(XTR_DROP_ITR_LISP_SEC_ALGORITHM, "itr: lisp-sec: kdf or hmac not supported") \
	X(XTR_DROP_ITR_LISP_SEC_RECORD_OUTSIDE_THE_EID_AD, "itr: lisp-sec: record outside the eid-ad") \
	X(XTR_DROP_ITR_LISP_SEC_RECORD_TRUNCATED_TO_THE_EID_AD, "itr: lisp-sec: record truncated to the eid-ad") \
	X(XTR_DROP_ITR_LISP_SEC_MAP_REQUEST_NOT_SENT, "itr: lisp-sec: map-request not sent") \
	X(XTR_DROP_ETR_LISP_SEC_MAP_REQUEST_REFUSED, "etr: lisp-sec map-request refused") \
	X(XTR_DROP_ITR_PUBLICATION_AUTHENTICATION_FAILED, "itr: publication authentication failed") \
	X(XTR_DROP_ITR_PUBLICATION_REPLAYED, "itr: publication nonce not newer") \
	X(XTR_DROP_ITR_PUBLICATION_UNUSABLE, "itr: publication record unusable") \
	X(XTR_DROP_ITR_UNSUBSCRIBE_RATE_LIMIT, "itr: unsubscribe not sent: rate limit")
enum xtr_drop { XTR_DROPS(DROP_ENUM) XTR_DROP__N };
/* the role's counters: its own, then the data plane's */
#define XTR_COUNTERS	(XTR_DROP__N + DP_DROP__N)
extern const char *const xtr_drop_names[XTR_COUNTERS];

struct xtr_stats {
	uint64_t	 queued_pkts, queue_sent;
	uint64_t	 map_requests, map_requests_retx;
	uint64_t	 map_replies_in, map_replies_out;
	uint64_t	 registers, notifies;
	uint64_t	 probe_replies;
	uint64_t	 smr_in;
	uint64_t	 publications;	/* Map-Notifies of subscriptions taken */
	uint64_t	 unsubscribes;	/* subscriptions ended (RFC 9437 §5) */
	uint64_t	 resolve_ms_sum, resolve_count;	/* first packet to mapping */
};

/* etr.c: Map-Replies per requester RLOC, a token bucket each (RFC 9301
 * §5.3 asks for a limit; a lig or an ITR retransmitting stays well below) */
#define ETR_RL_SLOTS	256
#define ETR_RL_WINDOW	8	/* slots probed per address */
#define ETR_RL_RATE	10	/* replies per second */
#define ETR_RL_BURST	20
/* RLOC-probe replies have their own bucket per ITR-RLOC: an ITR probes
 * each locator of each cached mapping every interval (30 s), so one big
 * ITR may probe us hundreds of times a second; a spoofed flood towards
 * a victim still gets no more than this */
#define ETR_PROBE_RL_RATE  100
#define ETR_PROBE_RL_BURST 200
struct etr_rl_slot {
	struct lisp_addr rloc;		/* AFI_NONE: free */
	uint64_t	 last_ms;
	uint32_t	 milli;		/* tokens * 1000 */
};
struct etr_rl {
	struct etr_rl_slot s[ETR_RL_SLOTS];
	uint64_t	 limited;
	uint32_t	 rate, burst;	/* 0: ETR_RL_RATE, ETR_RL_BURST */
};

struct probe_src;
struct natx;
struct req_slot;
struct lsec_otks;

struct xtr {
	struct locid	*l;
	struct nl	*nl;
	struct mapcache	*mc;
	int		 itr, etr;

	struct xtr_db	*db;
	int		 ndb;
	struct xtr_db	*gone;		/* removed by the last reload: the ETR row withdraws them */
	int		 ngone;
	struct lisp_addr rloc4, rloc6;	/* source RLOCs (AFI_NONE if none) */

	struct xtr_ms	*ms;
	int		 nms;
	uint64_t	 reg_nonce;

	/* the data plane (dp.h) and the kernel state around it */
	struct dp	 dp;
	struct fib	*fib;
	char		 tun_name[IFNAMSIZ];
	int		 tun_if, tun_mtu;
	int		 ul_mtu4, ul_mtu6;	/* underlay MTU per family */
	int		 rules_up;
	uint32_t	 rt_table, rule_prio;
	int		 fam_rules;		/* FAM_V4 | FAM_V6 rules installed */
	struct dp_ebpf	*ebpf;			/* the fast path, NULL: TUN alone */
	struct xtr_tenant *tn;			/* DP_TENANTS, the TUNs' order */
	int		 ntn;
	int		 dp_conf;		/* the conf's dataplane (CONF_DP_*) */
	char		 dp_why[160];		/* which path and why */

	struct locid_timer *tick;		/* one timer: the earliest deadline */
	uint64_t	 armed_ms;		/* when it fires (UINT64_MAX: not armed) */
	int		 in_tick;
	struct xtr_stats st;
	uint64_t	 drops[XTR_COUNTERS];	/* the tail: a copy of dp.drops */
	struct ratelimit logrl;		/* the xTR's drop and refusal lines */
	struct ratelimit unsub_rl;	/* unsubscribe Map-Requests a second (itr.c) */
	struct pxtr	*px;			/* pxtr.c: PITR kernel state */
	struct smr	*smr;			/* smr.c: SMRs on a database change */
	struct mrsel	*mrsel;			/* mrsel.c: map-resolver failover */
	struct etr_rl	*rl;			/* etr.c: Map-Reply limiter */
	struct etr_rl	*rl_probe;		/* etr.c: RLOC-probe reply limiter */
	struct probe_src *psrc;			/* probe.c: source address per RLOC */
	struct natx	*nat;			/* nat_xtr.c: NAT detection */
	struct req_slot	*reqrl;			/* itr.c: Map-Requests per EID */
	struct lsec_otks *otks;			/* lsec.c: LISP-SEC one-time keys */
};

/* xtr.c */
uint64_t	 xtr_nonce(void);
/* the role's one timer fires at the earliest deadline of the map-cache,
 * the registrations and SMR; call after setting an earlier one outside
 * the map-cache (the map-cache tells by itself) */
void		 xtr_timer_kick(struct xtr *);
/* tell the data plane what changed in the site (database, RLOCs, MTUs,
 * PxTR settings) */
void		 xtr_policy(struct xtr *);
int		 xtr_rlocs_refresh(struct xtr *);
const struct lisp_addr *xtr_src_rloc(const struct xtr *, uint16_t afi);

/* the function rows (itr, etr, pitr, petr): no state of their own, their
 * object is the daemon and xtr_of() finds the state they share. the xtr
 * row comes first in the table, so each function row's new and reconf
 * run after the shared state is (re)loaded, and set up what is theirs:
 * source-EID rules and static entries (itr, pitr), PxTR routes (pitr),
 * registrations and withdrawals (etr, petr) */
struct xtr	*xtr_of(void *row);
/* the ITR's policy rules for the database's EID-prefixes (xtr.c) */
void		 xtr_rules_install(struct xtr *);
int		 xtr_rx_reply(void *, const struct msg_in *);
int		 xtr_rx_smr(void *, const struct msg_in *);
int		 xtr_rx_publication(void *, const struct msg_in *);	/* 1: was one */
/* the hooks of a row with a map-cache: replies and SMRs */
#define XTR_RX_MAPCACHE(prio) \
	[RX_REPLY] = { xtr_rx_reply, prio }, [RX_SMR] = { xtr_rx_smr, prio }

/* etr.c */
void	etr_start(struct xtr *);
/* a start or reload of the etr (or petr) row; a stop of it */
void	etr_setup(struct xtr *);
void	etr_teardown(struct xtr *);
void	etr_stop(struct xtr *);
void	etr_tick(struct xtr *, uint64_t now);
uint64_t etr_next_due(const struct xtr *);	/* next Map-Register (UINT64_MAX: none) */
void	etr_request_in(struct xtr *, const struct pkt *, const struct lisp_ecm *,
	    const struct lisp_map_request *);
void	etr_notify_in(struct xtr *, const struct pkt *, const struct lisp_map_register *);
/* a Data-Map-Notify from an RTR (the data plane's control hook) */
void	etr_data_notify_in(void *xtr, const struct sockaddr *from, const struct decap *);
json_t	*etr_database_json(struct xtr *);
int	etr_send_register(struct xtr *, struct xtr_ms *);
/* the conf's static map-cache entries in place of the old ones */
void	itr_static_load(struct xtr *);
/* a start or reload of the itr (or pitr) row */
void	itr_setup(struct xtr *);
/* Map-Registers with Record TTL 0 for dbs to every map-server */
void	etr_withdraw(struct xtr *, const struct xtr_db *dbs, int n);
/* 1 if a Map-Reply to rloc may go out now (a token taken), 0 if not */
int	etr_rl_allow(struct etr_rl *, const struct lisp_addr *rloc, uint64_t now);

/* itr.c */
/* the data plane's queue: a miss, a held packet, a first use */
void	itr_miss(void *xtr, struct dp_miss *);
void	itr_tick(struct xtr *, uint64_t now);
/* the same, stopping after about budget_us (0: no limit); 1 if entries
 * that are due are left for the next call */
int	itr_tick_budget(struct xtr *, uint64_t now, uint64_t budget_us);
void	itr_reply_in(struct xtr *, const struct pkt *, const struct lisp_map_reply *);
/* a Map-Notify publishing a subscribed mapping (RFC 9437): 1 if it was
 * one (taken or refused), 0 if it is the ETR's */
int	itr_publication_in(struct xtr *, const struct pkt *, const struct lisp_map_register *);
void	itr_smr_in(struct xtr *, const struct pkt *, const struct lisp_map_request *);
void	itr_entry_del(struct mc_entry *, void *);	/* mapcache del callback */
int	itr_clear(struct xtr *, const struct lisp_addr *, int mlen);
/* the same-NAT short-cut's entries (nat_xtr.c): kept as static ones are
 * (never asked for, refreshed or expired by the map-cache), probed as
 * any; set leaves an entry of the same locators alone, del removes only
 * its own kind */
int	itr_shortcut_set(struct xtr *, const struct lisp_record *);
void	itr_shortcut_del(struct xtr *, const struct lisp_addr *, int mlen);

#endif
