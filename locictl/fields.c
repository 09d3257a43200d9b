/* the field tables of every object locictl shows, and their accessors */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "fields.h"

#define TABLE(var, nm, sch, pth, arr) \
	const struct fld_table var = { nm, sch, pth, arr, \
	    sizeof(arr) / sizeof(arr[0]) }

static const struct fld site_f[SITE_NF] = {
	[SITE_SITE] =		{ "site", "Site Name", FLD_STR, 0, NULL, NULL, 0 },
	[SITE_PREFIX] =		{ "eid_prefix", "EID Prefix", FLD_STR, 0, NULL, NULL, 0 },
	[SITE_IID] =		{ "iid", "Inst ID", FLD_INT, 0, NULL, NULL, 0 },
	[SITE_CONFIGURED] =	{ "configured", "Configured", FLD_BOOL, 0, NULL, NULL, 0 },
	[SITE_REGISTERED] =	{ "registered", "Registered", FLD_BOOL, OM_GAUGE,
	    "locid_site_registered_prefixes", "EID-prefixes with a live registration, per site", 0 },
	[SITE_REGISTRATIONS] =	{ "registrations", "Registrations", FLD_INT, 0, NULL, NULL, 0 },
	[SITE_LAST] =		{ "last_register", "Last Register", FLD_INT, 0, NULL, NULL, 0 },
	[SITE_LAST_AGO] =	{ "last_register_ago", "Last Register", FLD_INT, 0, NULL, NULL, 0 },
	[SITE_WHO] =		{ "who_last_registered", "Who Last Registered", FLD_STR, 0, NULL, NULL, 0 },
	[SITE_DETAILS] =	{ "details", "Registrations", FLD_ARR, 0, NULL, NULL, 0 },
	[SITE_ACCEPTED] =	{ "site_registers_accepted", "Registers accepted", FLD_INT, 0, NULL, NULL, 0 },
	[SITE_REFUSED] =	{ "site_refused", "Registers refused", FLD_OBJ, 0, NULL, NULL, 0 },
	[SITE_DESCR] =		{ "description", "Description", FLD_STR, 0, NULL, NULL, 0 },
	[SITE_FORCE_PROXY] =	{ "force_proxy_reply", "Proxy-reply forced", FLD_BOOL, 0, NULL, NULL, 0 },
	[SITE_MORE_SPECIFICS] =	{ "accept_more_specifics", "accept more-specifics", FLD_BOOL, 0, NULL, NULL, 0 },
};
TABLE(fld_site, "site", "show-site", "[]", site_f);

static const struct fld reg_f[REG_NF] = {
	[REG_SOURCE] =		{ "source", "ETR", FLD_STR, 0, NULL, NULL, 0 },
	[REG_PORT] =		{ "source_port", "port", FLD_INT, 0, NULL, NULL, 0 },
	[REG_XTR_ID] =		{ "xtr_id", "xTR-ID", FLD_STR, 0, NULL, NULL, 0 },
	[REG_SITE_ID] =		{ "site_id", "site-ID", FLD_INT, 0, NULL, NULL, 0 },
	[REG_PROXY] =		{ "proxy_reply", "proxy-reply", FLD_BOOL, 0, NULL, NULL, 0 },
	[REG_NOTIFY] =		{ "want_map_notify", "want map-notify", FLD_BOOL, 0, NULL, NULL, 0 },
	[REG_TTL_LIFETIME] =	{ "ttl_is_lifetime", "lifetime", FLD_BOOL, 0, NULL, NULL, 0 },
	[REG_TTL] =		{ "ttl", "TTL", FLD_INT, 0, NULL, NULL, 0 },
	[REG_EXPIRES] =		{ "expires_in", "expires in", FLD_INT, 0, NULL, NULL, 0 },
	[REG_FIRST] =		{ "first_register", "first registered", FLD_INT, 0, NULL, NULL, 0 },
	[REG_LAST] =		{ "last_register", "last registered", FLD_INT, 0, NULL, NULL, 0 },
	[REG_LAST_AGO] =	{ "last_register_ago", "last registered", FLD_INT, 0, NULL, NULL, 0 },
	[REG_REGISTERS] =	{ "registers", "registers", FLD_INT, 0, NULL, NULL, 0 },
	[REG_RLOCS] =		{ "locators", "Locator", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_reg, "site registration", "show-site", "[].details[]", reg_f);

static const struct fld reg_rloc_f[RRLOC_NF] = {
	[RRLOC_ADDR] =		{ "address", "Locator", FLD_STR, 0, NULL, NULL, 0 },
	[RRLOC_PRI] =		{ "priority", "Pri", FLD_INT, 0, NULL, NULL, 0 },
	[RRLOC_WGT] =		{ "weight", "Wgt", FLD_INT, 0, NULL, NULL, 0 },
	[RRLOC_MPRI] =		{ "mpriority", "MPri", FLD_INT, 0, NULL, NULL, 0 },
	[RRLOC_MWGT] =		{ "mweight", "MWgt", FLD_INT, 0, NULL, NULL, 0 },
	[RRLOC_REACH] =		{ "reachable", "State", FLD_BOOL, 0, NULL, NULL, 0 },
	[RRLOC_LOCAL] =		{ "local", "Local", FLD_BOOL, 0, NULL, NULL, 0 },
};
TABLE(fld_reg_rloc, "registered locator", "show-site", "[].details[].locators[]", reg_rloc_f);

static const struct fld mc_f[MC_NF] = {
	[MC_PREFIX] =		{ "eid_prefix", "EID Prefix", FLD_STR, 0, NULL, NULL, 0 },
	[MC_IID] =		{ "iid", "Inst ID", FLD_INT, 0, NULL, NULL, 0 },
	[MC_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[MC_SOURCE] =		{ "source", "via", FLD_STR, 0, NULL, NULL, 0 },
	[MC_UPTIME] =		{ "uptime", "uptime", FLD_INT, 0, NULL, NULL, 0 },
	[MC_EXPIRES] =		{ "expires_in", "expires", FLD_INT, 0, NULL, NULL, 0 },
	[MC_TTL] =		{ "ttl", "TTL", FLD_INT, 0, NULL, NULL, 0 },
	[MC_AUTH] =		{ "authoritative", "authoritative", FLD_BOOL, 0, NULL, NULL, 0 },
	[MC_ACTION] =		{ "action", "action", FLD_STR, 0, NULL, NULL, 0 },
	[MC_PACKETS] =		{ "packets", "packets", FLD_INT, 0, NULL, NULL, 0 },
	[MC_BYTES] =		{ "bytes", "bytes", FLD_INT, 0, NULL, NULL, 0 },
	[MC_DROPS] =		{ "drops", "drops", FLD_INT, 0, NULL, NULL, 0 },
	[MC_RESOLVE_US] =	{ "resolve_us", "resolved in", FLD_INT, 0, NULL, NULL, 0 },
	[MC_REQUESTS] =		{ "requests", "map-request(s) sent", FLD_INT, 0, NULL, NULL, 0 },
	[MC_QUEUED] =		{ "queued", "packet(s) held", FLD_INT, 0, NULL, NULL, 0 },
	[MC_LOCATORS] =		{ "locators", "Locator", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_mc, "map-cache entry", "show-map-cache", "[]", mc_f);

static const struct fld mc_loc_f[ML_NF] = {
	[ML_RLOC] =		{ "address", "Locator", FLD_STR, 0, NULL, NULL, 0 },
	[ML_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[ML_PRI] =		{ "priority", "Pri", FLD_INT, 0, NULL, NULL, 0 },
	[ML_WGT] =		{ "weight", "Wgt", FLD_INT, 0, NULL, NULL, 0 },
	[ML_REACH] =		{ "reachable", "Reachable", FLD_BOOL, 0, NULL, NULL, 0 },
	[ML_LOCAL] =		{ "local", "Local", FLD_BOOL, 0, NULL, NULL, 0 },
	[ML_ENCAP_PKTS] =	{ "encap_packets", "Encap packets", FLD_INT, OM_COUNTER,
	    "locid_map_cache_locator_encap_packets", "Packets encapsulated to this locator", 0 },
	[ML_ENCAP_BYTES] =	{ "encap_bytes", "Encap bytes", FLD_INT, OM_COUNTER,
	    "locid_map_cache_locator_encap_bytes", "Octets encapsulated to this locator", 0 },
	[ML_PROBE] =		{ "probe", "Probe", FLD_STR, 0, NULL, NULL, 0 },
	[ML_RTT] =		{ "rtt_ms", "Probe RTT", FLD_REAL, OM_GAUGE,
	    "locid_map_cache_locator_probe_rtt_seconds", "Last RLOC-probe round-trip time", 0.001 },
	[ML_PROBES_SENT] =	{ "probes_sent", "Probes sent", FLD_INT, 0, NULL, NULL, 0 },
	[ML_PROBES_ANSWERED] =	{ "probes_answered", "Probes answered", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_mc_loc, "map-cache locator", "show-map-cache", "[].locators[]", mc_loc_f);

static const struct fld db_f[DB_NF] = {
	[DB_MAPPINGS] =		{ "mappings", "LISP ETR database", FLD_ARR, 0, NULL, NULL, 0 },
	[DB_MAP_SERVERS] =	{ "map_servers", "Map-Server", FLD_ARR, 0, NULL, NULL, 0 },
	[DB_PROXY] =		{ "proxy", "Proxy", FLD_OBJ, 0, NULL, NULL, 0 },
};
TABLE(fld_db, "database", "show-database", "", db_f);

static const struct fld db_map_f[DM_NF] = {
	[DM_PREFIX] =		{ "eid_prefix", "EID Prefix", FLD_STR, 0, NULL, NULL, 0 },
	[DM_IID] =		{ "iid", "Inst ID", FLD_INT, 0, NULL, NULL, 0 },
	[DM_TTL] =		{ "ttl", "ttl", FLD_INT, 0, NULL, NULL, 0 },
	[DM_LOCATORS] =		{ "locators", "locator-set", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_db_map, "database mapping", "show-database", "mappings[]", db_map_f);

static const struct fld db_loc_f[DL_NF] = {
	[DL_RLOC] =		{ "address", "Locator", FLD_STR, 0, NULL, NULL, 0 },
	[DL_IFACE] =		{ "interface", "Interface", FLD_STR, 0, NULL, NULL, 0 },
	[DL_PRI] =		{ "priority", "Pri", FLD_INT, 0, NULL, NULL, 0 },
	[DL_WGT] =		{ "weight", "Wgt", FLD_INT, 0, NULL, NULL, 0 },
	[DL_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
};
TABLE(fld_db_loc, "database locator", "show-database", "mappings[].locators[]", db_loc_f);

static const struct fld db_ms_f[DS_NF] = {
	[DS_MS] =		{ "map_server", "Map-Server", FLD_STR, 0, NULL, NULL, 0 },
	[DS_PROXY] =		{ "proxy_reply", "Proxy-reply", FLD_BOOL, 0, NULL, NULL, 0 },
	[DS_NOTIFY] =		{ "want_map_notify", "Want map-notify", FLD_BOOL, 0, NULL, NULL, 0 },
	[DS_REGISTERS] =	{ "registers", "Registers", FLD_INT, 0, NULL, NULL, 0 },
	[DS_NOTIFIES] =		{ "notifies", "Notifies", FLD_INT, 0, NULL, NULL, 0 },
	[DS_NOTIFY_BAD] =	{ "notify_failures", "Notify failures", FLD_INT, 0, NULL, NULL, 0 },
	[DS_LAST_REGISTER] =	{ "last_register", "Last Map-Register", FLD_INT, 0, NULL, NULL, 0 },
	[DS_LAST_NOTIFY] =	{ "last_map_notify", "Last Map-Notify", FLD_INT, 0, NULL, NULL, 0 },
	[DS_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[DS_NEXT] =		{ "next_register_in", "Next register in", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_db_ms, "database map-server", "show-database", "map_servers[]", db_ms_f);

static const struct fld stats_f[ST_NF] = {
	[ST_RX] =		{ "rx", "Received", FLD_OBJ, OM_COUNTER,
	    "locid_messages_received", "LISP control messages received, by type", 0 },
	[ST_TX] =		{ "tx", "Sent", FLD_OBJ, OM_COUNTER,
	    "locid_messages_sent", "LISP control messages sent, by type", 0 },
	[ST_RX_BAD] =		{ "rx_bad", "undecodable", FLD_INT, OM_COUNTER,
	    "locid_messages_undecodable", "Control messages that did not decode", 0 },
	[ST_DROPS] =		{ "drops", "Drops by reason", FLD_OBJ, OM_COUNTER,
	    "locid_drops", "Messages and packets dropped, by reason", 0 },
	[ST_DROPS_BY_MODULE] =	{ "drops_by_module", "Drops by module", FLD_OBJ, OM_COUNTER,
	    "locid_module_drops", "Drops counted by each module, by reason", 0 },
	[ST_XTR] =		{ "xtr", "xTR", FLD_OBJ, 0, NULL, NULL, 0 },
	[ST_LOG_SUPPRESSED] =	{ "log_suppressed", "log lines suppressed", FLD_INT, OM_COUNTER,
	    "locid_log_suppressed", "Log lines held back by the rate limiters", 0 },
	[ST_LOG_BY_MODULE] =	{ "log_suppressed_by_module", "Log lines suppressed by module",
	    FLD_OBJ, OM_COUNTER, "locid_module_log_suppressed",
	    "Log lines held back by each module's rate limiter", 0 },
};
TABLE(fld_stats, "stats", "show-stats", "", stats_f);

/* the message types, in the order the text table lists them */
static const struct fld msg_types_f[] = {
	{ "map_request", "map-request", FLD_INT, 0, NULL, NULL, 0 },
	{ "map_reply", "map-reply", FLD_INT, 0, NULL, NULL, 0 },
	{ "map_register", "map-register", FLD_INT, 0, NULL, NULL, 0 },
	{ "map_notify", "map-notify", FLD_INT, 0, NULL, NULL, 0 },
	{ "map_notify_ack", "map-notify-ack", FLD_INT, 0, NULL, NULL, 0 },
	{ "map_referral", "map-referral", FLD_INT, 0, NULL, NULL, 0 },
	{ "info", "info", FLD_INT, 0, NULL, NULL, 0 },
	{ "ecm", "ecm", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_msg_types, "message type", "show-stats", "rx", msg_types_f);

#define XC(e, k, help)	[e] = { #k, #k, FLD_INT, OM_COUNTER, "locid_xtr_" #k, help, 0 }
static const struct fld xtr_f[XTR_NF] = {
	XC(XTR_ENCAP_PKTS, encap_packets, "Packets encapsulated"),
	XC(XTR_ENCAP_BYTES, encap_bytes, "Octets encapsulated"),
	XC(XTR_DECAP_PKTS, decap_packets, "Packets decapsulated"),
	XC(XTR_DECAP_BYTES, decap_bytes, "Octets decapsulated"),
	XC(XTR_NATIVE_PKTS, native_packets, "Packets forwarded natively"),
	XC(XTR_QUEUED_PKTS, queued_packets, "Packets held while resolving"),
	XC(XTR_QUEUE_SENT, queue_sent, "Held packets sent once resolved"),
	XC(XTR_ICMP_TOO_BIG, icmp_too_big, "ICMP too-big messages sent"),
	XC(XTR_MAP_REQUESTS, map_requests, "Map-Requests sent"),
	XC(XTR_MAP_REQUESTS_RETX, map_requests_retx, "Map-Requests retransmitted"),
	XC(XTR_MAP_REPLIES_IN, map_replies_in, "Map-Replies received"),
	XC(XTR_MAP_REPLIES_OUT, map_replies_out, "Map-Replies sent"),
	XC(XTR_REGISTERS, registers, "Map-Registers sent"),
	XC(XTR_NOTIFIES, notifies, "Map-Notifies received"),
	XC(XTR_PROBE_REPLIES, probe_replies, "RLOC-probe replies received"),
	XC(XTR_SMR_IN, smr_in, "Solicit-Map-Requests received"),
	XC(XTR_PETR_PKTS, petr_packets, "Packets decapsulated as PETR"),
	XC(XTR_PETR_BYTES, petr_bytes, "Octets decapsulated as PETR"),
	[XTR_MAP_CACHE_ENTRIES] = { "map_cache_entries", "map_cache_entries", FLD_INT, OM_GAUGE,
	    "locid_map_cache_entries", "Entries in the map-cache", 0 },
	[XTR_RESOLVE_AVG] = { "resolve_avg_ms", "resolve_avg_ms", FLD_REAL, OM_GAUGE,
	    "locid_xtr_resolve_avg_seconds", "Mean time to resolve an EID", 0.001 },
	[XTR_TUN] = { "tun", "tun", FLD_STR, 0, NULL, NULL, 0 },
	[XTR_TUN_MTU] = { "tun_mtu", "tun_mtu", FLD_INT, OM_GAUGE, "locid_xtr_tun_mtu",
	    "MTU of the TUN device", 0 },
	[XTR_DATAPLANE] = { "dataplane", "dataplane", FLD_STR, 0, NULL, NULL, 0 },
	[XTR_DATAPLANE_REASON] = { "dataplane_reason", "dataplane_reason", FLD_STR, 0,
	    NULL, NULL, 0 },
	[XTR_EBPF] = { "ebpf", "ebpf", FLD_OBJ, OM_COUNTER, "locid_xtr_ebpf",
	    "In-kernel fast path: packets by what it did with them", 0 },
	[XTR_MAP_RESOLVERS] = { "map_resolvers", "map_resolvers", FLD_ARR, 0, NULL, NULL, 0 },
	[XTR_SMR] = { "smr", "smr", FLD_OBJ, 0, NULL, NULL, 0 },
};
#undef XC
TABLE(fld_xtr, "xtr stats", "show-stats", "xtr", xtr_f);

static const struct fld mr_f[MR_NF] = {
	[MR_ADDR] =		{ "map_resolver", "Map-Resolver", FLD_STR, 0, NULL, NULL, 0 },
	[MR_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[MR_REQUESTS] =		{ "requests", "Requests", FLD_INT, OM_COUNTER,
	    "locid_map_resolver_requests", "Map-Requests sent to this map-resolver", 0 },
	[MR_ANSWERED] =		{ "answered", "Answered", FLD_INT, OM_COUNTER,
	    "locid_map_resolver_answered", "Map-Requests answered by this map-resolver", 0 },
	[MR_TIMEOUTS] =		{ "timeouts", "Timeouts", FLD_INT, OM_COUNTER,
	    "locid_map_resolver_timeouts", "Map-Requests this map-resolver left unanswered", 0 },
	[MR_RETRY] =		{ "retry_in_ms", "Retry in", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_mr, "map-resolver", "show-stats", "xtr.map_resolvers[]", mr_f);

/* the ETR's Solicit-Map-Request bookkeeping */
static const struct fld smr_f[SMR_NF] = {
	[SMR_SENT] =		{ "sent", "SMRs sent", FLD_INT, 0, NULL, NULL, 0 },
	[SMR_CHANGES] =		{ "changes", "Database changes", FLD_INT, 0, NULL, NULL, 0 },
	[SMR_RECENT] =		{ "recent_itrs", "Recent ITRs", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_smr, "smr", "show-stats", "xtr.smr", smr_f);

static const struct fld smr_itr_f[SI_NF] = {
	[SI_RLOC] =		{ "rloc", "ITR RLOC", FLD_STR, 0, NULL, NULL, 0 },
	[SI_EID] =		{ "eid", "EID", FLD_STR, 0, NULL, NULL, 0 },
	[SI_SENT] =		{ "smr_sent", "SMRs", FLD_INT, 0, NULL, NULL, 0 },
	[SI_PENDING] =		{ "pending", "Pending", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_smr_itr, "smr itr", "show-stats", "xtr.smr.recent_itrs[]", smr_itr_f);

static const struct fld version_f[VER_NF] = {
	[VER_PROTOCOL] =	{ "protocol", "control protocol", FLD_INT, 0, NULL, NULL, 0 },
	[VER_SCHEMA] =		{ "schema", "JSON schema", FLD_INT, 0, NULL, NULL, 0 },
	[VER_DAEMON] =		{ "daemon", "daemon", FLD_STR, 0, NULL, NULL, 0 },
	[VER_VERSION] =		{ "version", "version", FLD_STR, 0, NULL, NULL, 0 },
	[VER_ROLES] =		{ "roles", "roles", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_version, "version", "show-version", "", version_f);

static const struct fld clear_f[CLR_NF] = {
	[CLR_CLEARED] =		{ "cleared", "cleared", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_clear, "clear map-cache", "clear-map-cache", "", clear_f);

static const struct fld reload_f[RL_NF] = {
	[RL_RELOADED] =		{ "reloaded", "reloaded", FLD_BOOL, 0, NULL, NULL, 0 },
	[RL_CONFIG] =		{ "config", "config", FLD_STR, 0, NULL, NULL, 0 },
	[RL_ROLES] =		{ "roles", "roles", FLD_OBJ, 0, NULL, NULL, 0 },
};
TABLE(fld_reload, "reload", "reload", "", reload_f);

/* a role's outcome when it came with a reason (else a plain string) */
static const struct fld reload_role_f[RR_NF] = {
	[RR_RESULT] =		{ "result", "result", FLD_STR, 0, NULL, NULL, 0 },
	[RR_REASON] =		{ "reason", "reason", FLD_STR, 0, NULL, NULL, 0 },
};
TABLE(fld_reload_role, "reload role", "reload", "roles.*", reload_role_f);

/* show referral-cache: the DDT Map-Resolver's referrals, the roots first */
static const struct fld refcache_f[RC_NF] = {
	[RC_PREFIX] =		{ "eid_prefix", "Prefix", FLD_STR, 0, NULL, NULL, 0 },
	[RC_ACTION] =		{ "action", "Action", FLD_STR, 0, NULL, NULL, 0 },
	[RC_TTL] =		{ "ttl", "TTL", FLD_INT, 0, NULL, NULL, 0 },
	[RC_EXPIRES] =		{ "expires_in", "Expires", FLD_INT, 0, NULL, NULL, 0 },
	[RC_HITS] =		{ "hits", "Hits", FLD_INT, 0, NULL, NULL, 0 },
	[RC_VERIFIED] =		{ "verified", "Signed", FLD_BOOL, 0, NULL, NULL, 0 },
	[RC_SET] =		{ "referral_set", "Referral set", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_refcache, "referral-cache", "show-referral-cache", "[]", refcache_f);

/* show subscriptions: the Map-Server's subscribers (RFC 9437) */
static const struct fld subs_f[SB_NF] = {
	[SB_PREFIX] =		{ "eid_prefix", "Prefix", FLD_STR, 0, NULL, NULL, 0 },
	[SB_XTR_ID] =		{ "xtr_id", "xTR-ID", FLD_STR, 0, NULL, NULL, 0 },
	[SB_SITE_ID] =		{ "site_id", "Site-ID", FLD_INT, 0, NULL, NULL, 0 },
	[SB_RLOC] =		{ "itr_rloc", "ITR-RLOC", FLD_STR, 0, NULL, NULL, 0 },
	[SB_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[SB_SINCE] =		{ "since", "Since", FLD_INT, 0, NULL, NULL, 0 },
	[SB_NOTIFIES] =		{ "map_notifies", "Notifies", FLD_INT, 0, NULL, NULL, 0 },
	[SB_ACKS] =		{ "acks", "Acks", FLD_INT, 0, NULL, NULL, 0 },
	[SB_UNACKED] =		{ "unacked", "Unacked", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_subs, "subscription", "show-subscriptions", "[]", subs_f);

static const struct fld nat_f[NAT_NF] = {
	[NAT_ENABLED] =		{ "nat_traversal", "NAT traversal", FLD_BOOL, 0, NULL, NULL, 0 },
	[NAT_UPLINKS] =		{ "uplinks", "Uplinks", FLD_ARR, 0, NULL, NULL, 0 },
	[NAT_RTR] =		{ "rtr", "RTR", FLD_BOOL, 0, NULL, NULL, 0 },
	[NAT_XTRS] =		{ "xtrs", "xTRs behind NAT", FLD_ARR, 0, NULL, NULL, 0 },
};
TABLE(fld_nat, "nat", "show-nat", "", nat_f);

static const struct fld nat_uplink_f[NU_NF] = {
	[NU_UPLINK] =		{ "uplink", "Uplink", FLD_STR, 0, NULL, NULL, 0 },
	[NU_MS] =		{ "map_server", "Map-Server", FLD_STR, 0, NULL, NULL, 0 },
	[NU_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[NU_GLOBAL] =		{ "global", "Global RLOC", FLD_STR, 0, NULL, NULL, 0 },
	[NU_GLOBAL_PORT] =	{ "global_port", "Port", FLD_INT, 0, NULL, NULL, 0 },
	[NU_LOCAL_PORT] =	{ "local_port", "Local port", FLD_INT, 0, NULL, NULL, 0 },
	[NU_RTRS] =		{ "rtrs", "RTRs", FLD_ARR, 0, NULL, NULL, 0 },
	[NU_REQUESTS] =		{ "requests", "Info-Requests", FLD_INT, OM_COUNTER,
	    "locid_nat_info_requests", "Info-Requests sent per uplink and map-server", 0 },
	[NU_REPLIES] =		{ "replies", "Info-Replies", FLD_INT, OM_COUNTER,
	    "locid_nat_info_replies", "Info-Replies accepted per uplink and map-server", 0 },
	[NU_CHANGES] =		{ "binding_changes", "Binding changes", FLD_INT, OM_COUNTER,
	    "locid_nat_binding_changes", "Changes of the NAT's mapping seen", 0 },
	[NU_LAST_REPLY] =	{ "last_reply_ago", "Last reply", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_nat_uplink, "nat uplink", "show-nat", "uplinks[]", nat_uplink_f);

static const struct fld nat_xtr_f[NX_NF] = {
	[NX_XTR_ID] =		{ "xtr_id", "xTR-ID", FLD_STR, 0, NULL, NULL, 0 },
	[NX_SITE_ID] =		{ "site_id", "Site-ID", FLD_INT, 0, NULL, NULL, 0 },
	[NX_STATE] =		{ "state", "State", FLD_STR, 0, NULL, NULL, 0 },
	[NX_EIDS] =		{ "eid_prefixes", "EID-prefixes", FLD_ARR, 0, NULL, NULL, 0 },
	[NX_GLOBAL] =		{ "global", "Global RLOC", FLD_STR, 0, NULL, NULL, 0 },
	[NX_GLOBAL_PORT] =	{ "global_port", "Port", FLD_INT, 0, NULL, NULL, 0 },
	[NX_PRIVATE] =		{ "private", "Private RLOC", FLD_STR, 0, NULL, NULL, 0 },
	[NX_MS] =		{ "map_server", "Map-Server", FLD_STR, 0, NULL, NULL, 0 },
	[NX_EXPIRES] =		{ "expires_in", "Expires", FLD_INT, 0, NULL, NULL, 0 },
	[NX_REGISTERS] =	{ "registers", "Registers", FLD_INT, 0, NULL, NULL, 0 },
	[NX_NOTIFIES] =		{ "notifies", "Notifies", FLD_INT, 0, NULL, NULL, 0 },
};
TABLE(fld_nat_xtr, "rtr xtr", "show-nat", "xtrs[]", nat_xtr_f);

const struct fld_table *const fld_tables[] = {
	&fld_site, &fld_reg, &fld_reg_rloc, &fld_mc, &fld_mc_loc, &fld_db,
	&fld_db_map, &fld_db_loc, &fld_db_ms, &fld_stats, &fld_msg_types,
	&fld_xtr, &fld_mr, &fld_clear, &fld_reload, &fld_reload_role,
	&fld_nat, &fld_nat_uplink, &fld_nat_xtr, &fld_refcache, &fld_subs,
	&fld_smr, &fld_smr_itr, &fld_version, NULL
};

json_t *
fld_get(const json_t *o, const struct fld_table *t, int i)
{
	return json_object_get(o, t->f[i].key);
}

const char *
fld_str(const json_t *o, const struct fld_table *t, int i, const char *dflt)
{
	const char *s = json_string_value(fld_get(o, t, i));

	return s != NULL ? s : dflt;
}

long long
fld_int(const json_t *o, const struct fld_table *t, int i, long long dflt)
{
	json_t *v = fld_get(o, t, i);

	return json_is_integer(v) ? (long long)json_integer_value(v) : dflt;
}

int
fld_bool(const json_t *o, const struct fld_table *t, int i)
{
	return json_is_true(fld_get(o, t, i));
}

int
fld_null(const json_t *o, const struct fld_table *t, int i)
{
	json_t *v = fld_get(o, t, i);

	return v == NULL || json_is_null(v);
}

int
fld_num(const json_t *o, const struct fld_table *t, int i, double *v)
{
	json_t *j = fld_get(o, t, i);

	if (!json_is_number(j))
		return 0;
	*v = json_number_value(j);
	return 1;
}

/* -- OpenMetrics ---------------------------------------------------- */

static const char *const om_type_name[] = {
	[OM_NONE] = "unknown", [OM_COUNTER] = "counter", [OM_GAUGE] = "gauge",
	[OM_UNKNOWN] = "unknown",
};

void
om_begin(struct om *m, FILE *f)
{
	m->f = f;
	m->family = NULL;
	m->type = OM_NONE;
}

static void
om_escape(FILE *f, const char *s)
{
	for (; *s != '\0'; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void
om_family(struct om *m, const char *name, enum om_type type, const char *help)
{
	m->family = name;
	m->type = type;
	fprintf(m->f, "# TYPE %s %s\n", name, om_type_name[type]);
	if (help != NULL) {
		fprintf(m->f, "# HELP %s ", name);
		om_escape(m->f, help);
		fputc('\n', m->f);
	}
}

void
om_sample_labels(struct om *m, double v, const char *const *labels)
{
	int i;

	fprintf(m->f, "%s%s", m->family, m->type == OM_COUNTER ? "_total" : "");
	for (i = 0; labels != NULL && labels[i] != NULL; i += 2) {
		fprintf(m->f, "%s%s=\"", i == 0 ? "{" : ",", labels[i]);
		om_escape(m->f, labels[i + 1] != NULL ? labels[i + 1] : "");
		fputc('"', m->f);
	}
	if (labels != NULL && labels[0] != NULL)
		fputc('}', m->f);
	if (v == (double)(long long)v && v < 9e15 && v > -9e15)
		fprintf(m->f, " %lld\n", (long long)v);
	else
		fprintf(m->f, " %.9g\n", v);
}

void
om_sample(struct om *m, double v, ...)
{
	const char	*l[17];
	va_list		 ap;
	int		 n = 0;

	va_start(ap, v);
	while (n < 16 && (l[n] = va_arg(ap, const char *)) != NULL) {
		l[n + 1] = va_arg(ap, const char *);
		n += 2;
	}
	va_end(ap);
	l[n] = NULL;
	om_sample_labels(m, v, l);
}

void
om_eof(struct om *m)
{
	fputs("# EOF\n", m->f);
	fflush(m->f);
}

char *
om_name_fmt(const char *prefix, const char *key, char *buf, size_t len)
{
	size_t i, n;

	snprintf(buf, len, "%s%s", prefix, key);
	n = strlen(prefix);
	for (i = n; buf[i] != '\0'; i++)
		if (!((buf[i] >= 'a' && buf[i] <= 'z') ||
		    (buf[i] >= 'A' && buf[i] <= 'Z') ||
		    (buf[i] >= '0' && buf[i] <= '9') || buf[i] == '_' || buf[i] == ':'))
			buf[i] = '_';
	return buf;
}

/* -- generic text --------------------------------------------------- */

static char *
scalar(const json_t *v, char *buf, size_t len)
{
	if (json_is_string(v))
		snprintf(buf, len, "%s", json_string_value(v));
	else if (json_is_integer(v))
		snprintf(buf, len, "%lld", (long long)json_integer_value(v));
	else if (json_is_real(v))
		snprintf(buf, len, "%.3f", json_real_value(v));
	else if (json_is_true(v))
		snprintf(buf, len, "yes");
	else if (json_is_false(v))
		snprintf(buf, len, "no");
	else
		snprintf(buf, len, "-");
	return buf;
}

static int
all_scalars(const json_t *a)
{
	size_t		 i;
	const json_t	*v;

	json_array_foreach(a, i, v)
		if (json_is_object(v) || json_is_array(v))
			return 0;
	return 1;
}

void
out_generic(FILE *f, int indent, const char *label, const json_t *v)
{
	const char	*k;
	json_t		*e;
	size_t		 i;
	char		 buf[1024];
	int		 w = 48 - indent > 1 ? 48 - indent : 1;

	if (json_is_object(v)) {
		fprintf(f, "%*s%s:\n", indent, "", label);
		json_object_foreach((json_t *)v, k, e)
			out_generic(f, indent + 2, k, e);
	} else if (json_is_array(v) && !all_scalars(v)) {
		fprintf(f, "%*s%s: %zu\n", indent, "", label, json_array_size(v));
		json_array_foreach(v, i, e) {
			char l[32];

			snprintf(l, sizeof(l), "[%zu]", i + 1);
			out_generic(f, indent + 2, l, e);
		}
	} else if (json_is_array(v)) {
		char	 all[2048] = "-";
		size_t	 n = 0;

		json_array_foreach(v, i, e)
			if (n < sizeof(all))
				n += (size_t)snprintf(all + n, sizeof(all) - n, "%s%s",
				    i > 0 ? ", " : "", scalar(e, buf, sizeof(buf)));
		fprintf(f, "%*s%-*s %12s\n", indent, "", w, label, all);
	} else
		/* values right-aligned as the drop table has them */
		fprintf(f, "%*s%-*s %12s\n", indent, "", w, label,
		    scalar(v, buf, sizeof(buf)));
}
