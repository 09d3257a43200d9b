/* the parsed configuration of one locid: which roles run and with what.
 * built by parse.y (conf_load), printed back by printconf.c, freed with
 * conf_free. a reload builds a new struct conf and swaps it in only when it
 * parsed and validated. */
#ifndef LOCID_CONF_H
#define LOCID_CONF_H

#include <stdint.h>
#include <stdio.h>
#include <sys/queue.h>
#include <sys/types.h>

#include "addr.h"

/* decap-check: whether the ETR accepts a packet only from a locator of
 * its inner source's mapping */
enum decap_check {
	DECAP_CHECK_OFF,
	DECAP_CHECK_MAP_CACHE,		/* the locators cached for the source */
	DECAP_CHECK_MAPPING_SYSTEM,	/* and asks the mapping system on a miss */
};

/* lisp-sec: what an ITR asks for and accepts (RFC 9303) */
#define LISPSEC_OFF		0
#define LISPSEC_ON		1	/* ask, verify signed answers, take unsigned ones */
#define LISPSEC_REQUIRED	2	/* refuse unsigned answers */

/* MS-RTR authentication (NAT draft §4.4, §6) between a Map-Server and an
 * RTR that share a key */
#define MSRTR_AUTH_OFF		0	/* neither sent nor checked */
#define MSRTR_AUTH_ON		1	/* sent, checked when present */
#define MSRTR_AUTH_REQUIRED	2	/* sent, and refused without it */

struct conf_key {
	uint8_t		 key_id;
	uint8_t		 alg;		/* ALG_HMAC_SHA1_96 / ALG_HMAC_SHA256_128 */
	char		*secret;
};

struct conf_prefix {
	struct lisp_addr eid;		/* normalised, IID in eid.has_iid/eid.iid */
	int		 mlen;
	int		 accept_more_specifics;
	TAILQ_ENTRY(conf_prefix) entry;
};
TAILQ_HEAD(conf_prefixes, conf_prefix);

struct conf_rloc {
	struct lisp_addr addr;		/* or AFI_NONE with ifname set */
	char		*ifname;	/* "rloc interface eth0" */
	int		 family;	/* with ifname: 4 or 6 */
	uint8_t		 priority, weight;
	TAILQ_ENTRY(conf_rloc) entry;
};
TAILQ_HEAD(conf_rlocs, conf_rloc);

/* Map-Server: a registered site */
struct conf_site {
	char		*name;
	char		*description;
	int		 nkeys;
	struct conf_key	 keys[4];
	struct conf_prefixes prefixes;
	struct conf_rlocs allowed_rlocs;	/* empty = any */
	int		 force_proxy_reply;
	TAILQ_ENTRY(conf_site) entry;
};
TAILQ_HEAD(conf_sites, conf_site);

/* ETR: a database-mapping (local EID-prefix and its RLOCs) */
struct conf_mapping {
	struct lisp_addr eid;
	int		 mlen;
	uint32_t	 ttl;		/* minutes, in Map-Replies */
	struct conf_rlocs rlocs;
	int		 negative, act;	/* static map-cache: negative, ACT_* */
	int		 line;		/* where it was given */
	TAILQ_ENTRY(conf_mapping) entry;
};
TAILQ_HEAD(conf_mappings, conf_mapping);

/* ETR: a Map-Server to register with */
struct conf_map_server {
	struct lisp_addr addr;
	struct conf_key	 key;
	int		 proxy_reply;	/* P bit */
	int		 want_map_notify;	/* M bit */
	TAILQ_ENTRY(conf_map_server) entry;
};
TAILQ_HEAD(conf_map_servers, conf_map_server);

/* MS: an RTR that relays Map-Registers, and the key it shares with us
 * (key.secret NULL: none; NAT draft §6) */
struct conf_nat_rtr {
	struct lisp_addr addr;
	struct conf_key	 key;
	int		 line;		/* for ms-rtr-auth required's check */
	TAILQ_ENTRY(conf_nat_rtr) entry;
};
TAILQ_HEAD(conf_nat_rtrs, conf_nat_rtr);

/* ITR / MR: an address to send Map-Requests to */
struct evp_pkey_st;
struct conf_peer {
	struct lisp_addr addr;
	struct evp_pkey_st *key;	/* ddt-root: the trust anchor (RFC 8111 §10) */
	char		*key_path;
	uint8_t		*key_der;	/* its DER SubjectPublicKeyInfo */
	size_t		 key_der_len;
	TAILQ_ENTRY(conf_peer) entry;
};
TAILQ_HEAD(conf_peers, conf_peer);

/* MR that is not the MS: which Map-Server serves which EID-prefix */
struct conf_ms_route {
	struct lisp_addr eid;
	int		 mlen;
	struct lisp_addr ms;
	TAILQ_ENTRY(conf_ms_route) entry;
};
TAILQ_HEAD(conf_ms_routes, conf_ms_route);

/* DDT node: an EID-prefix delegated to child DDT nodes or Map-Servers */
#define CONF_DDT_RLOCS	8
struct conf_ddt_deleg {
	struct lisp_addr eid;
	int		 mlen;
	int		 to_ms;		/* children are Map-Servers: MS-REFERRAL */
	int		 nrlocs;
	struct lisp_addr rlocs[CONF_DDT_RLOCS];
	struct evp_pkey_st *key;	/* the children's public key: in signed */
	char		*key_path;	/* referrals, as Security Key LCAFs */
	uint8_t		*key_der;
	size_t		 key_der_len;
	TAILQ_ENTRY(conf_ddt_deleg) entry;
};
TAILQ_HEAD(conf_ddt_delegs, conf_ddt_deleg);

/* a tenant (instance-id N { ... }): the database-mappings and static
 * map-cache entries of instance-id N, its EID-facing interfaces, the
 * routing table their ip rules select and the TUN its packets take */
#define CONF_TENANT_IFS	8
#define CONF_TENANTS_MAX 64
#define CONF_TENANT_TABLE_BASE 1000	/* default routing table: this + N */
struct conf_tenant {
	uint32_t	 iid;
	uint32_t	 rt_table;
	char		*tun_name;	/* default "lisp" N */
	size_t		 map_cache_limit;	/* its entries, 0: the global limit alone */
	int		 nifs;
	char		*ifs[CONF_TENANT_IFS];
	int		 line;
	TAILQ_ENTRY(conf_tenant) entry;
};
TAILQ_HEAD(conf_tenants, conf_tenant);

struct conf_timers {
	uint32_t	 register_interval;	/* s, 60 */
	uint32_t	 registration_ttl;	/* s, 180: MS expiry without refresh */
	uint32_t	 negative_ttl;		/* min, 15 */
	uint32_t	 unregistered_ttl;	/* min, 1 */
	uint32_t	 map_request_timeout_ms;	/* 1000 */
	uint32_t	 map_request_retries;	/* 3 */
	uint32_t	 probe_interval;	/* s, 30; 0 = off */
	uint32_t	 probe_timeout;		/* s, 3 */
	uint32_t	 map_cache_ttl;		/* min, 1440: TTL of our Map-Replies */
	uint32_t	 record_ttl_max;	/* min, 1440: longest Record TTL we keep */
	uint32_t	 referral_ttl_max;	/* s, 86400: longest referral cached */
};

/* the xTR data plane: the in-kernel fast path when it loads (auto), it
 * or nothing (ebpf), the TUN path alone (tun) */
enum { CONF_DP_AUTO, CONF_DP_EBPF, CONF_DP_TUN };

struct conf {
	char		*path;
	/* roles */
	int		 map_server;
	int		 map_resolver;
	int		 itr;
	int		 etr;
	int		 pitr;
	int		 petr;
	int		 ddt_node;
	int		 rtr;			/* NAT traversal RTR */
	/* general */
	char		*control_path;		/* /run/locid.sock */
	char		*control_ro_path;	/* NULL: control_path + ".ro" */
	char		 control_ro_default[112];	/* control_path + ".ro" */
	char		*control_group;		/* NULL: root's group */
	char		*pidfile;		/* NULL: beside the control socket */
	gid_t		 control_gid;		/* of control_group */
	char		*user;			/* run as, NULL: stay root */
	uid_t		 user_uid;		/* of user, at load time */
	gid_t		 user_gid;		/* its login group */
	struct lisp_addr listen_v4, listen_v6;	/* AFI_NONE = any */
	uint16_t	 control_port;		/* 4342 */
	uint16_t	 data_port;		/* 4341 */
	int		 log_rate;		/* messages per rate-limit window */
	uint32_t	 ratelimit_pps;		/* per-source Map-Request limit at MR/MS, 0 = off */
	int		 strict_register_nonce;
	int		 withdraw_on_stop;	/* ETR: TTL 0 Map-Register on a clean stop */
	struct lisp_addr metrics_addr;		/* metrics-listen */
	uint16_t	 metrics_port;		/* 0: off */
	struct conf_timers timers;
	/* Map-Server */
	struct conf_sites sites;
	/* Map-Resolver */
	struct conf_ms_routes ms_routes;
	struct conf_peers ddt_roots;		/* DDT Map-Resolver: the roots */
	/* DDT node (and DDT Map-Server: its authoritative prefixes) */
	struct conf_prefixes ddt_auth;
	struct conf_ddt_delegs ddt_delegs;
	struct evp_pkey_st *ddt_sign_key;	/* ddt-signing-key: Map-Referrals signed */
	char		*ddt_sign_key_path;
	uint16_t	 ddt_sign_tag;		/* its Key Tag */
	/* publish/subscribe (RFC 9437): the PubSubKey of ITRs and
	 * Map-Servers (secret NULL: off) and the Map-Server's bound */
	struct conf_key	 pubsub_key;
	uint32_t	 subscriptions_max;	/* 10000 */
	/* xTR */
	struct conf_mappings mappings;
	struct conf_mappings static_mappings;	/* ITR: map-cache entries */
	struct conf_map_servers map_servers;
	struct conf_tenants tenants;		/* instance-id blocks */
	struct conf_peers map_resolvers;
	struct conf_peers petrs;		/* use-petr */
	struct conf_prefixes pitr_prefixes;	/* PITR: EID aggregates it serves */
	struct conf_prefixes petr_prefixes;	/* PETR: inner sources it accepts */
	int		 decap_check;		/* DECAP_CHECK_*: the outer source */
	struct conf_prefixes decap_allow;	/* outer sources always accepted */
	char		*tun_name;		/* "lisp0" */
	int		 tun_mtu;		/* 0 = from underlay */
	int		 dataplane;		/* CONF_DP_*: auto, ebpf or tun */
	uint32_t	 rt_table;		/* policy routing table, 100 */
	uint32_t	 rule_prio;		/* ip rule priority, 100 */
	int		 queue_per_dest;	/* packets held per pending destination, 4 */
	size_t		 map_cache_limit;	/* ITR: cached entries, 100000 */
	int		 reply_min_len4, reply_min_len6;	/* shortest positive record, 8 / 16 */
	int		 registrants_per_prefix;	/* MS: ETRs registering one prefix, 16 */
	int		 lisp_sec;		/* LISPSEC_OFF / _ON / _REQUIRED */
	int		 nlskeys;
	struct conf_key	 lskeys[4];		/* lisp-sec-key: ITR/MR OTK wrapping */
	uint8_t		 xtr_id[16];
	int		 has_xtr_id;
	uint64_t	 site_id;
	/* NAT traversal (draft-ermagan-lisp-nat-traversal) */
	struct conf_nat_rtrs nat_rtrs;		/* MS: RTRs named in Info-Replies */
	int		 ms_rtr_auth;		/* MSRTR_AUTH_OFF / _ON / _REQUIRED */
	int		 info_unauth;		/* MS: answer unauthenticated Info-Requests */
	int		 nat_traversal;		/* ETR: detect NAT by Info-Request */
	int		 nat_shortcut;		/* RTR: hint, xTR: take, the same-NAT short-cut */
	uint32_t	 info_interval;		/* ETR: s between Info-Requests, 15 */
};

/* parse path; on error return NULL and write "file:line: reason" to err */
struct conf	*conf_load(const char *path, char *err, size_t errlen);
/* parse from a memory buffer (fuzzing, tests); name is used in messages */
struct conf	*conf_load_buf(const char *name, const char *buf, size_t len, char *err, size_t errlen);
void		 conf_free(struct conf *);
/* canonical form, re-parseable */
void		 conf_print(FILE *, const struct conf *);
/* the same with every key's secret replaced by "<redacted>" */
void		 conf_print_redacted(FILE *, const struct conf *);
void		 conf_defaults(struct conf *);
/* the control sockets: "control" (default /run/locid.sock) and
 * "control-socket-ro" (default the former with ".ro" appended) */
/* the role keywords ("map-server", ... "petr") and the int flag of struct
 * conf each sets; NULL-terminated. one table for grammar, printer and main */
struct conf_role_kw {
	const char	*name;
	size_t		 off;
};
extern const struct conf_role_kw conf_role_kws[];
int		 conf_role_on(const struct conf *, const struct conf_role_kw *);

const char	*conf_control_path(const struct conf *);
const char	*conf_control_ro_path(const struct conf *);
/* "pidfile", default the control socket path with ".sock" replaced by
 * (or else followed by) ".pid"; written to buf */
const char	*conf_pidfile_path(const struct conf *, char *, size_t);
const char	*conf_decap_check_name(int);
/* the tenant of instance-id iid, NULL if none (iid 0: never) */
const struct conf_tenant *conf_tenant_of(const struct conf *, uint32_t iid);
/* the tenant an EID-prefix belongs to, by its instance-id */
const struct conf_tenant *conf_tenant_eid(const struct conf *, const struct lisp_addr *);

#endif
